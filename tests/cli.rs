//! The `threatwright` command as users and CI pipelines run it: real binary, real files,
//! exit codes and output.

mod common;

use common::{code, stderr, stdout, tw, tw_umask};
use std::path::Path;

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

/// New files get what the user's umask allows of `rw-rw-rw-` (readable by the team under
/// the usual 022, private under 077), whatever the kind: model YAML, project file, report;
/// a rewritten file keeps the permissions it had.
#[test]
#[cfg(unix)]
fn written_files_follow_the_umask_and_rewrites_keep_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, expected) in [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)] {
        let dir = tempfile::tempdir().unwrap();
        let (y, db, html) = (dir.path().join("g.yaml"), dir.path().join("p.twdb"), dir.path().join("r.html"));
        let (y_s, db_s, html_s) = (y.to_str().unwrap(), db.to_str().unwrap(), html.to_str().unwrap());
        for args in [
            &["gen", "--elements", "13", "-o", y_s][..],
            &["new", db_s, "--from", y_s],
            &["report", db_s, "--format", "html", "-o", html_s],
        ] {
            let o = tw_umask(umask, args);
            assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        }
        for p in [&y, &db, &html] {
            assert_eq!(mode(p), expected, "{} under umask {umask:03o}", p.display());
        }
        // A rewrite keeps the file's own permissions, whatever the umask.
        std::fs::set_permissions(&y, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(code(&tw_umask(0o000, &["gen", "--elements", "13", "-o", y_s])), 0);
        assert_eq!(mode(&y), 0o640);
    }
}

#[test]
fn analyze_table_json_csv_and_paths() {
    let src = EXAMPLES[1];
    let o = tw(&["analyze", src]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.starts_with("REF      SEVERITY L×I"), "{table}");
    assert!(table.contains("Paystream Payments API: "), "{table}");

    let o = tw(&["analyze", src, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let threats = v["threats"].as_array().unwrap();
    assert_eq!(v["counts"]["total"].as_u64().unwrap() as usize, threats.len());
    assert!(threats.iter().all(|t| t["reference"].as_str().unwrap().starts_with("TW-")));
    // Ranked: severities never go up down the list.
    let rank = |s: &str| ["critical", "high", "medium", "low"].iter().position(|x| *x == s).unwrap();
    let sev: Vec<usize> = threats.iter().map(|t| rank(t["severity"].as_str().unwrap())).collect();
    assert!(sev.windows(2).all(|w| w[0] <= w[1]), "{sev:?}");
    // Same model, same bytes.
    assert_eq!(tw(&["analyze", src, "--format", "json"]).stdout, o.stdout);

    let o = tw(&["analyze", src, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    let csv = stdout(&o);
    assert!(csv.starts_with("reference,severity,likelihood,impact,stride,status,rule,"), "{csv}");
    assert_eq!(csv.lines().count(), threats.len() + 1);

    let o = tw(&["paths", src]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("<- weakest"), "{}", stdout(&o));
    let o = tw(&["paths", src, "--format", "json"]);
    let paths: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!paths.as_array().unwrap().is_empty());
}

#[test]
fn analyze_a_project_file_keeps_references_and_records_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.twdb");
    let d = db.to_str().unwrap();
    assert_eq!(code(&tw(&["new", d, "--from", EXAMPLES[0]])), 0);
    let first: serde_json::Value = serde_json::from_slice(&tw(&["analyze", d, "--format", "json"]).stdout).unwrap();
    let second: serde_json::Value = serde_json::from_slice(&tw(&["analyze", d, "--format", "json"]).stdout).unwrap();
    assert_eq!(first["threats"], second["threats"], "re-analysing keeps every reference and status");

    let r = first["threats"][0]["reference"].as_str().unwrap().to_owned();
    let o = common::tw_env(
        &["threat", "rank", d, &r, "--likelihood", "1", "--reason", "behind the VPN"],
        &[("THREATWRIGHT_USER", "ana")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("likelihood set to 1"), "{}", stdout(&o));
    assert!(stdout(&o).contains("by ana: behind the VPN"), "{}", stdout(&o));
    // A reason is required; an unknown reference is an input error.
    assert_eq!(code(&tw(&["threat", "rank", d, &r, "--impact", "2", "--reason", " "])), 2);
    assert_eq!(code(&tw(&["threat", "rank", d, "TW-9999", "--impact", "2", "--reason", "x"])), 2);

    let o = tw(&[
        "threat",
        "add",
        d,
        "--title",
        "Insider exports order history",
        "--target",
        "orders-db",
        "--stride",
        "information-disclosure",
        "--likelihood",
        "2",
        "--impact",
        "4",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let manual = stdout(&o).trim().to_owned();
    let o = tw(&["threat", "show", d, &manual]);
    assert!(stdout(&o).contains("rule: (entered by hand)"), "{}", stdout(&o));
    let o = tw(&[
        "threat",
        "add",
        d,
        "--title",
        "x",
        "--target",
        "no-such",
        "--stride",
        "spoofing",
        "--likelihood",
        "1",
        "--impact",
        "1",
    ]);
    assert_eq!(code(&o), 2);
    // Manual threats stay in the register across analyses.
    let third: serde_json::Value = serde_json::from_slice(&tw(&["analyze", d, "--format", "json"]).stdout).unwrap();
    assert!(third["threats"].as_array().unwrap().iter().any(|t| t["reference"] == manual.as_str()));
}

#[test]
fn rules_commands() {
    let o = tw(&["rules", "list"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("API2-BASIC-AUTH"), "{}", stdout(&o));
    let o = tw(&["rules", "show", "API2-BASIC-AUTH"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("OWASP API Top 10: API2:2023"), "{}", stdout(&o));
    let o = tw(&["rules", "show", "API2-BASIC-AUT"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean API2-BASIC-AUTH?"), "{}", stderr(&o));
    let o = tw(&["rules", "check"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains(", 0 error(s), 0 warning(s)"), "{}", stdout(&o));
    let o = tw(&["rules", "check", "tests/fixtures/invalid-rules"]);
    assert_eq!(code(&o), 1, "bad rule files are findings");
    let o = tw(&["rules", "ranking"]);
    assert!(stdout(&o).contains("critical  20-25"), "{}", stdout(&o));
    let o = tw(&["rules", "attributes"]);
    assert_eq!(stdout(&o), std::fs::read_to_string("docs/rule-attributes.md").unwrap());
    let o = tw(&["schema", "--rule-format"]);
    assert_eq!(stdout(&o), std::fs::read_to_string("models/schema/threatwright-rule.schema.json").unwrap());
}

#[test]
fn a_rules_folder_next_to_the_model_is_loaded_and_bad_rules_stop_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.yaml");
    std::fs::copy(EXAMPLES[0], &model).unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::copy("tests/fixtures/rules/test-no-auth.yaml", dir.path().join("rules/no-auth.yaml")).unwrap();
    let o = tw(&["analyze", model.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["rules_version"].as_str().unwrap().ends_with("with 1 user rule(s), 0 disabled"),
        "{}",
        v["rules_version"]
    );
    std::fs::write(dir.path().join("rules/broken.yaml"), "rule_format: 1\nrule: {id: X}\n").unwrap();
    let o = tw(&["analyze", model.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("rules/broken.yaml:2:7: error[TW-E004]: rule: missing field `title`"),
        "{}",
        stderr(&o)
    );
}

/// `--help` describes every command on its own line, each under its own name (a doc
/// comment that slips onto the next command moves its text there unnoticed).
#[test]
fn help_describes_every_command_under_its_own_name() {
    let o = tw(&["--help"]);
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    let commands = help.split("Commands:\n").nth(1).unwrap().split("\n\n").next().unwrap();
    let mut seen = 0;
    for line in commands.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")) {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap();
        assert!(words.next().is_some(), "`{name}` has no description in --help:\n{help}");
        seen += 1;
    }
    assert!(seen >= 20, "{seen} commands in:\n{help}");
    let check = stdout(&tw(&["check", "--help"]));
    assert!(check.starts_with("The gate for CI pipelines"), "{check}");
    let report = stdout(&tw(&["report", "--help"]));
    assert!(report.starts_with("Write a report"), "{report}");
}

/// Questions are listed apart from threats by `analyze`, never stored in a project's
/// register and never counted by the gate.
#[test]
fn questions_are_listed_apart_and_never_enter_the_register_or_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.yaml");
    std::fs::copy("tests/fixtures/questions/model.yaml", &model).unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::copy("tests/fixtures/questions/rules/test-rate-limit-asked.yaml", rules.join("asked.yaml")).unwrap();
    let m = model.to_str().unwrap();
    let table = stdout(&tw(&["analyze", m]));
    assert!(table.contains("Questions for the review"), "{table}");
    assert!(table.contains("Does unstated limit how often one caller may call it?"), "{table}");
    assert!(table.contains(" question"), "{table}");
    let db = dir.path().join("p.twdb");
    let d = db.to_str().unwrap();
    assert_eq!(code(&tw(&["new", d, "--from", m])), 0);
    let v: serde_json::Value = serde_json::from_slice(&tw(&["analyze", d, "--format", "json"]).stdout).unwrap();
    let asked = v["questions"].as_array().unwrap().iter().filter(|q| q["rule"] == "TEST-RATE-LIMIT-ASKED").count();
    assert_eq!(asked, 1, "{}", v["questions"]);
    let threats = v["threats"].as_array().unwrap();
    assert!(threats.iter().any(|t| t["rule"] == "TEST-RATE-LIMIT-ASKED" && t["target"]["key"] == "unlimited"));
    assert!(!threats.iter().any(|t| t["target"]["key"] == "unstated" && t["rule"] == "TEST-RATE-LIMIT-ASKED"));
    assert_eq!(v["counts"]["total"].as_u64().unwrap() as usize, threats.len());
    let gate: serde_json::Value =
        serde_json::from_slice(&tw(&["check", d, "--fail-on", "low", "--format", "json"]).stdout).unwrap();
    let open = gate["open"].as_array().unwrap();
    assert!(
        open.iter().any(|t| t["title"].as_str().unwrap() == "unlimited takes untrusted requests without a rate limit"),
        "{gate}"
    );
    assert!(
        !open.iter().any(|t| t["title"].as_str().unwrap() == "unstated takes untrusted requests without a rate limit")
    );
}

/// A stand-alone analysis of a YAML without a register numbers its threats for that run:
/// it says so, and how to keep references across versions.
#[test]
fn analysing_a_yaml_without_a_register_says_how_to_keep_references() {
    let o = tw(&["analyze", "models/examples/payments-api.yaml", "--format", "json"]);
    assert_eq!(code(&o), 0);
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok(), "standard output stays JSON");
    let err = stderr(&o);
    assert!(err.contains("numbered for this run only") && err.contains("threatwright new FILE.twdb --from"), "{err}");
    // A project file keeps them: no note.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.twdb");
    let d = db.to_str().unwrap();
    assert_eq!(code(&tw(&["new", d, "--from", "models/examples/payments-api.yaml"])), 0);
    assert!(!stderr(&tw(&["analyze", d])).contains("numbered for this run only"));
}
