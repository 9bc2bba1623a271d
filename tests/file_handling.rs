//! How project files are opened: what only reads leaves the file exactly as it was (bytes,
//! modification time, journal mode, nothing beside it), an older file is read through a
//! private upgrade, one writer at a time across processes, and what is not a project file
//! (a pipe, a folder, a text file) is refused before anything opens it to write.

mod common;

use common::{arg, code, file_hash, ok, sqlite3_value, stderr, tw};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use threatwright::store::{Project, SCHEMA_VERSION};

/// A project made by the CLI from a generated model, analysed, in `dir`.
fn project(dir: &Path) -> PathBuf {
    let (yaml, db) = (dir.join("m.yaml"), dir.join("m.twdb"));
    ok(&["gen", "--elements", "15", "-o", arg(&yaml)]);
    ok(&["new", arg(&db), "--from", arg(&yaml)]);
    let o = tw(&["analyze", arg(&db)]);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    db
}

/// What a reader could change of a file: its bytes, its modification time, and the files
/// beside it.
#[derive(Debug, PartialEq)]
struct Trace {
    hash: String,
    modified: SystemTime,
    beside: Vec<String>,
}

fn trace(file: &Path) -> Trace {
    let mut beside: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    Trace { hash: file_hash(file), modified: std::fs::metadata(file).unwrap().modified().unwrap(), beside }
}

fn set_modified(file: &Path, at: SystemTime) {
    std::fs::File::options().write(true).open(file).unwrap().set_modified(at).unwrap();
}

/// Every command that only reads a project file leaves it exactly as it was — a file
/// another tool keeps in rollback-journal mode stays so (it was switched to WAL).
#[test]
fn commands_that_read_leave_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    ok(&["review", "sign", arg(&db), "--reviewer", "Rita Reviewer", "--note", "first"]);
    assert_eq!(sqlite3_value(&db, "PRAGMA journal_mode=delete"), "delete");
    set_modified(&db, SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("r.html");
    let before = trace(&db);
    let d = arg(&db);
    for args in [
        &["show", d][..],
        &["validate", d],
        &["log", d],
        &["log", "verify", d],
        &["check", d],
        &["baseline", "list", d],
        &["baseline", "show", d],
        &["threat", "show", d, "TW-0001"],
        &["mitigation", "list", d],
        &["review", "list", d],
        &["diff", d, &format!("{d}@baseline")],
        &["report", d, "--format", "html", "-o", arg(&report)],
        &["verify-report", arg(&report), d],
        &["export", d, "-o", arg(&out.path().join("m.yaml"))],
    ] {
        let o = tw(args);
        assert!(code(&o) <= 1, "threatwright {}: {}", args.join(" "), stderr(&o));
        assert_eq!(trace(&db), before, "threatwright {} changed the file", args.join(" "));
    }
    assert_eq!(std::fs::read(&db).unwrap()[18], 1, "still in rollback-journal mode");
}

/// A file of an older schema is read through a private upgraded copy: what it holds is
/// shown, it verifies, and the file itself is not upgraded (older Threatwright can still
/// open it).
#[test]
fn an_older_file_is_read_without_being_upgraded() {
    for (version, fixture) in [(1, "tests/fixtures/project-v1.twdb"), (3, "tests/fixtures/project-v3.twdb")] {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("old.twdb");
        std::fs::copy(fixture, &copy).unwrap();
        let before = trace(&copy);
        {
            let mut p = Project::open_read_only(&copy).unwrap();
            assert_eq!(p.schema_version().unwrap(), SCHEMA_VERSION, "read as the current schema");
            assert_eq!(p.path(), copy, "named as the user named it");
            let verified = p.verify().unwrap();
            assert!(verified.ok(), "{fixture}: {:?}", verified.problems());
            assert_eq!(
                threatwright::io::yaml::to_string(&p.load_model().unwrap()).unwrap(),
                std::fs::read_to_string("tests/fixtures/project-v1.yaml").unwrap(),
                "{fixture}"
            );
            let err = p.set_status("TW-0001", &Default::default(), threatwright::lifecycle::today()).unwrap_err();
            assert!(matches!(err, threatwright::store::Error::ReadOnly { .. }), "{err:?}");
        }
        assert_eq!(trace(&copy), before, "{fixture} was changed by reading it");
        assert_eq!(sqlite3_value(&copy, "PRAGMA user_version"), version.to_string());
        let o = tw(&["log", "verify", arg(&copy)]);
        assert_eq!(code(&o), 0, "{fixture}: {}", stderr(&o));
        assert_eq!(trace(&copy), before, "{fixture} was changed by `log verify`");
    }
}

/// Writing through a project opened to read is refused, and names the file.
#[test]
fn a_project_opened_to_read_refuses_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let before = trace(&db);
    let mut p = Project::open_read_only(&db).unwrap();
    let err = p.set_status("TW-0001", &Default::default(), threatwright::lifecycle::today()).unwrap_err();
    assert!(matches!(err, threatwright::store::Error::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("m.twdb: opened to read only"), "{err}");
    drop(p);
    assert_eq!(trace(&db), before);
}

/// A file no one may write to is still read (as immutable: SQLite needs nothing beside it).
#[test]
#[cfg(unix)]
fn a_file_that_cannot_be_written_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = tw(&["log", "verify", arg(&db)]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(common::stdout(&o).contains("verified"), "{}", common::stdout(&o));
}

/// One writer per file across processes: while the app holds the file, a command that
/// would write is told at once who holds it and since when; reading goes on; once the app
/// lets go, the command writes.
#[test]
fn one_writer_per_file_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let editor = Project::open_to_edit(&db).unwrap();
    let started = Instant::now();
    let o = tw(&["threat", "set", arg(&db), "TW-0001", "--status", "not-applicable", "--reason", "r"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let message = stderr(&o);
    assert!(message.contains("m.twdb: in use by "), "{message}");
    assert!(message.contains("in the Threatwright app (process "), "{message}");
    assert!(message.contains(" since 20"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5), "told at once, not after waiting");
    // Reading needs no lock.
    assert_eq!(code(&tw(&["log", "verify", arg(&db)])), 0);
    // A second editor (another window) is refused too.
    let err = Project::open_to_edit(&db).unwrap_err();
    assert!(matches!(err, threatwright::store::Error::InUse { .. }), "{err:?}");
    drop(editor);
    assert!(!threatwright::store::lock_note(&db).exists(), "the note goes with the lock");
    ok(&["threat", "set", arg(&db), "TW-0001", "--status", "not-applicable", "--reason", "r"]);
}

/// Two commands at once: the second waits for the first (a command holds the file only
/// for its action), and both land.
#[test]
fn commands_wait_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let command = Project::open(&db).unwrap();
    let other = {
        let db = db.clone();
        std::thread::spawn(move || {
            tw(&["threat", "set", arg(&db), "TW-0002", "--status", "not-applicable", "--reason", "r"])
        })
    };
    std::thread::sleep(Duration::from_millis(700));
    drop(command);
    let o = other.join().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// What is not a project file — a pipe, a folder, a text file named `.twdb` — is refused
/// before anything opens it to write: no hang on the pipe, nothing written beside.
#[test]
#[cfg(unix)]
fn what_is_not_a_project_file_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.twdb");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let folder = dir.path().join("folder.twdb");
    std::fs::create_dir(&folder).unwrap();
    let text = dir.path().join("notes.twdb");
    std::fs::write(&text, "not a database\n").unwrap();
    for (path, says) in
        [(&fifo, "not a regular file"), (&folder, "not a regular file"), (&text, "not a SQLite database")]
    {
        for args in [&["show", arg(path)][..], &["threat", "set", arg(path), "TW-0001", "--status", "open"]] {
            let started = Instant::now();
            let o = tw(args);
            assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
            assert!(started.elapsed() < Duration::from_secs(5), "{args:?} hung");
        }
        let err = Project::open_to_edit(path).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "not a database\n");
    let mut left: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["folder.twdb", "notes.twdb", "pipe.twdb"], "nothing written beside them");
}
