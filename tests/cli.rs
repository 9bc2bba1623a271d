//! The `threatwright` command as users and CI pipelines run it: real binary, real files,
//! exit codes and output.

use std::process::{Command, Output};

fn tw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threatwright")).args(args).output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

const EXAMPLES: [&str; 3] = [
    "models/examples/public-api-platform.yaml",
    "models/examples/payments-api.yaml",
    "models/examples/communications-platform.yaml",
];

#[test]
fn examples_validate_clean() {
    for ex in EXAMPLES {
        let o = tw(&["validate", ex]);
        assert_eq!(code(&o), 0, "{ex}: {}{}", stdout(&o), stderr(&o));
        assert_eq!(stdout(&o), format!("{ex}: ok, no problems found\n"));
    }
}

#[test]
fn validate_prints_like_a_compiler_and_exits_1_on_errors() {
    let o = tw(&["validate", "tests/fixtures/invalid/unknown-reference.yaml"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    insta::assert_snapshot!(out);
}

#[test]
fn validate_json() {
    let o = tw(&["validate", "--format", "json", "tests/fixtures/invalid/boundary-cycle.yaml"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let o = tw(&["validate"]);
    assert_eq!(code(&o), 2, "missing argument");
    let o = tw(&["frobnicate"]);
    assert_eq!(code(&o), 2, "unknown command");
    let o = tw(&["show", "tests/fixtures/no-such-model.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).starts_with("threatwright: error: tests/fixtures/no-such-model.yaml: cannot read:"),
        "{}",
        stderr(&o)
    );
    // A model with errors cannot be shown or imported: input error, diagnostics on stderr.
    let o = tw(&["show", "tests/fixtures/invalid/duplicate-key.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("error[TW-E011]"), "{}", stderr(&o));
}

#[test]
fn new_import_export_show_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("payments.twdb");
    let db_s = db.to_str().unwrap();
    let src = EXAMPLES[1];

    let o = tw(&["new", db_s, "--from", src]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Exporting to stdout gives the canonical file back, byte for byte.
    let o = tw(&["export", db_s, "--format", "yaml", "-o", "-"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(src).unwrap());
    // And to a file.
    let out = dir.path().join("out.yaml");
    let o = tw(&["export", db_s, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(src).unwrap());
    // `show` reads the project file and the YAML alike.
    let from_db = tw(&["show", db_s]);
    let from_yaml = tw(&["show", src]);
    assert_eq!(code(&from_db), 0);
    assert_eq!(stdout(&from_db), stdout(&from_yaml));
    // `validate` works on project files too.
    let o = tw(&["validate", db_s]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));

    // import refuses to overwrite without --force, and leaves the file alone.
    let before = std::fs::read(&db).unwrap();
    let o = tw(&["import", EXAMPLES[0], "-o", db_s]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("already exists; pass --force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let o = tw(&["import", EXAMPLES[0], "-o", db_s, "--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = tw(&["export", db_s]);
    assert_eq!(o.stdout, std::fs::read(EXAMPLES[0]).unwrap());
}

#[test]
fn new_empty_project() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("Checkout.twdb");
    let o = tw(&["new", db.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = tw(&["export", db.to_str().unwrap()]);
    assert!(stdout(&o).contains("system:\n  name: Checkout\n"), "{}", stdout(&o));
    // A project file is refused as an import source, with a hint.
    let o = tw(&["import", db.to_str().unwrap(), "-o", dir.path().join("x.twdb").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a project file"), "{}", stderr(&o));
}

#[test]
fn refused_project_files_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.twdb");
    std::fs::write(&junk, b"this is not a database, just text with a .twdb name\n").unwrap();
    let o = tw(&["show", junk.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).ends_with("junk.twdb: not a Threatwright project file: not a SQLite database\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fmt_check_and_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, "format_version: 1\nsystem: {name: Demo}\nprocesses:\n  - {key: b}\n  - {key: a}\nflows:\n  - {key: f, from: a, to: b}\n").unwrap();
    let p = path.to_str().unwrap();
    let o = tw(&["fmt", "--check", p]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("not in canonical form"), "{}", stderr(&o));
    let o = tw(&["fmt", p]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.find("key: a").unwrap() < text.find("key: b").unwrap(), "{text}");
    assert_eq!(code(&tw(&["fmt", "--check", p])), 0);
    for ex in EXAMPLES {
        assert_eq!(code(&tw(&["fmt", "--check", ex])), 0, "{ex} is canonical");
    }
}

#[test]
fn schema_is_the_published_one() {
    let o = tw(&["schema"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), std::fs::read_to_string("models/schema/threatwright-model.schema.json").unwrap());
}

#[test]
fn gen_makes_the_benchmark_model_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let y = dir.path().join("g.yaml");
    let d = dir.path().join("g.twdb");
    assert_eq!(code(&tw(&["gen", "--elements", "103", "-o", y.to_str().unwrap()])), 0);
    assert_eq!(code(&tw(&["gen", "--elements", "103", "-o", d.to_str().unwrap()])), 0);
    let o = tw(&["validate", y.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(tw(&["export", d.to_str().unwrap()]).stdout, std::fs::read(&y).unwrap());
    let o = tw(&["show", "--format", "json", y.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // 10 groups of 8 elements and 2 boundaries, plus the identity provider and 2 global boundaries.
    assert_eq!(v["counts"]["elements"], 81);
    assert_eq!(v["counts"]["boundaries"], 22);
    assert_eq!(v["counts"]["flows"], 150);
}

#[test]
fn show_summary_of_the_payments_example() {
    let o = tw(&["show", EXAMPLES[1]]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn written_files_are_readable_by_the_team() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let y = dir.path().join("g.yaml");
        assert_eq!(code(&tw(&["gen", "--elements", "13", "-o", y.to_str().unwrap()])), 0);
        assert_eq!(std::fs::metadata(&y).unwrap().permissions().mode() & 0o777, 0o644);
    }
}
