//! The project file on disk: creation, reopening, refusal of files that are not ours,
//! newer or damaged (never modifying them), locking, migrations from released versions.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use threatwright::io::yaml::{self, Limits};
use threatwright::model::Model;
use threatwright::store::{self, APPLICATION_ID, Project, SCHEMA_VERSION};

fn sha(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn model(path: &str) -> Model {
    let loaded = yaml::load_file(Path::new(path), &Limits::default()).unwrap();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.model.unwrap()
}

fn new_project(dir: &Path) -> PathBuf {
    let path = dir.join("m.twdb");
    Project::create(&path, &threatwright::synth::api_platform(1000, 1)).unwrap();
    path
}

/// Opening `path` fails with an error matching `check`, and leaves the file untouched.
fn check_refused(path: &Path, check: impl Fn(&store::Error) -> bool) -> String {
    let before = sha(path);
    let err = Project::open(path).expect_err("the file is refused");
    assert!(check(&err), "unexpected error: {err:?}");
    assert_eq!(sha(path), before, "{} was modified", path.display());
    err.to_string()
}

#[test]
fn create_then_open_keeps_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.twdb");
    let m = model("tests/fixtures/project-v1.yaml");
    Project::create(&path, &m).unwrap();
    let p = Project::open(&path).unwrap();
    assert_eq!(p.schema_version().unwrap(), SCHEMA_VERSION);
    let mut expected = m.clone();
    expected.canonicalize();
    assert_eq!(p.load_model().unwrap(), expected);
    // Header: our application id, and only the database file is left behind.
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(u32::from_be_bytes(bytes[68..72].try_into().unwrap()), APPLICATION_ID);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(names.iter().all(|n| n.to_string_lossy().starts_with("fixture.twdb")), "{names:?}");
}

#[test]
fn newer_schema_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let msg = check_refused(
        &path,
        |e| matches!(e, store::Error::IncompatibleVersion { found: 99, supported, .. } if *supported == SCHEMA_VERSION),
    );
    assert!(msg.contains(&format!("schema version 99; this build reads up to {SCHEMA_VERSION}")), "{msg}");
}

#[test]
fn random_bytes_are_not_a_project_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.twdb");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    let msg = check_refused(&path, |e| matches!(e, store::Error::NotAProjectFile { .. }));
    assert!(msg.ends_with("not a Threatwright project file: not a SQLite database"), "{msg}");
}

#[test]
fn empty_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.twdb");
    std::fs::write(&empty, b"").unwrap();
    let msg = check_refused(&empty, |e| matches!(e, store::Error::NotAProjectFile { .. }));
    assert!(msg.ends_with("the file is empty"), "{msg}");
    let missing = dir.path().join("missing.twdb");
    assert!(matches!(Project::open(&missing), Err(store::Error::NotFound { .. })));
    assert!(!missing.exists(), "opening must not create the file");
}

#[test]
fn truncated_copy_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 64 * 1024, "fixture big enough to truncate: {}", bytes.len());
    let cut = dir.path().join("cut.twdb");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let msg = check_refused(&cut, |e| matches!(e, store::Error::Corrupt { .. }));
    assert!(msg.contains("the project file is damaged: it is truncated"), "{msg}");
}

#[test]
fn another_applications_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (name, app_id) in [("other.db", 0x4D41_4D41i64), ("plain.db", 0)] {
        let path = dir.path().join(name);
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "application_id", app_id).unwrap();
            conn.execute_batch(
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello');",
            )
            .unwrap();
        }
        let msg = check_refused(&path, |e| matches!(e, store::Error::NotAProjectFile { .. }));
        if app_id == 0 {
            assert!(msg.ends_with("a SQLite database, but not one made by Threatwright"), "{msg}");
        } else {
            assert!(msg.ends_with("another application (application_id 0x4D414D41)"), "{msg}");
        }
    }
}

#[test]
fn damaged_content_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("UPDATE elements SET doc = '{\"key\": 5}' WHERE key = 'orders-0'", []).unwrap();
    }
    let p = Project::open(&path).unwrap();
    let err = p.load_model().unwrap_err();
    assert!(matches!(err, store::Error::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("elements row `orders-0`"), "{err}");
}

#[test]
fn invalid_model_is_refused_and_the_file_keeps_its_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    let mut p = Project::open(&path).unwrap();
    let before = p.load_model().unwrap();
    let mut bad = before.clone();
    bad.flows[0].to = "nowhere".into();
    let err = p.replace_model(&bad).unwrap_err();
    let store::Error::InvalidModel { diagnostics } = &err else { panic!("{err:?}") };
    assert!(diagnostics.iter().any(|d| d.code == threatwright::model::Code::UnknownReference));
    assert_eq!(p.load_model().unwrap(), before);
}

#[test]
fn create_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    let before = sha(&path);
    let err = Project::create(&path, &Model::new("other")).unwrap_err();
    assert!(matches!(err, store::Error::AlreadyExists { .. }), "{err:?}");
    assert_eq!(sha(&path), before);
}

#[test]
fn a_held_write_lock_gives_a_clear_in_use_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = new_project(dir.path());
    let mut p = Project::open(&path).unwrap();
    let model = p.load_model().unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let start = std::time::Instant::now();
    let err = p.replace_model(&model).unwrap_err();
    assert!(matches!(err, store::Error::InUse { .. }), "{err:?}");
    assert!(err.to_string().contains("in use by another Threatwright window or process"), "{err}");
    assert!(start.elapsed() >= std::time::Duration::from_millis(1500), "waited for the busy timeout first");
    other.execute_batch("ROLLBACK").unwrap();
    p.replace_model(&model).unwrap();
}

fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// Every released schema version's fixture opens, upgrades, keeps its model and register,
/// and ends with exactly the schema of a freshly created file.
/// v1: a model only. v2: a model and 13 analysed threats. v3: threats with statuses,
/// mitigations, a threat sign-off, a baseline and a 17-entry audit log.
#[test]
fn released_fixtures_upgrade_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = new_project(dir.path());
    let yaml_path = "tests/fixtures/project-v1.yaml";
    for (version, fixture) in [
        (1, "tests/fixtures/project-v1.twdb"),
        (2, "tests/fixtures/project-v2.twdb"),
        (3, "tests/fixtures/project-v3.twdb"),
    ] {
        // Work on a copy: opening migrates the file.
        let copy = dir.path().join("old.twdb");
        std::fs::copy(fixture, &copy).unwrap();
        let stored_version: i64 =
            rusqlite::Connection::open(&copy).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(stored_version, version, "{fixture} is the released v{version} file");
        let p = Project::open(&copy).unwrap();
        assert_eq!(p.schema_version().unwrap(), SCHEMA_VERSION, "{fixture}");
        assert_eq!(
            yaml::to_string(&p.load_model().unwrap()).unwrap(),
            std::fs::read_to_string(yaml_path).unwrap(),
            "{fixture}"
        );
        let register = p.register().unwrap();
        let verified = p.verify().unwrap();
        assert!(verified.ok(), "{fixture}: {:?}", verified.problems());
        // The state the old file held is sealed as found, by one logged entry that says so.
        let log = p.audit_log().unwrap();
        let last = log.last().unwrap();
        assert_eq!(last.action, "project.seal", "{fixture}");
        assert!(last.after.as_deref().unwrap().contains("sealed as found"), "{fixture}: {last:?}");
        let verified = verified.chain;
        match version {
            1 => assert!(register.is_empty()),
            2 => {
                assert_eq!(register.len(), 13, "{fixture}");
                assert!(register.iter().all(|t| t.status == threatwright::model::ThreatStatus::Open));
                assert_eq!(verified.entries, 1, "v2 had no audit log: only the sealing entry");
            }
            _ => {
                let status = |r: &str| register.iter().find(|t| t.reference == r).unwrap().status.as_str();
                assert_eq!(status("TW-0001"), "mitigation-planned");
                assert_eq!(status("TW-0003"), "accepted");
                assert_eq!(status("TW-0004"), "transferred");
                assert_eq!(status("TW-0005"), "not-applicable");
                assert_eq!(status("TW-0010"), "mitigated");
                let t3 = register.iter().find(|t| t.reference == "TW-0003").unwrap();
                assert_eq!(t3.response.approver.as_deref(), Some("CISO"));
                assert_eq!(t3.response.expires.as_deref(), Some("2027-12-31"));
                let ms = p.mitigations().unwrap();
                assert_eq!(ms.len(), 2);
                assert_eq!(ms[0].threats, ["TW-0001", "TW-0002"]);
                assert_eq!(p.reviews().unwrap().len(), 2);
                assert_eq!(p.baselines().unwrap().len(), 1);
                // Its item hashes are of the older form (by key): made again from the
                // snapshot, they find the model unchanged since.
                let b = p.baseline(None).unwrap().unwrap();
                assert_eq!(b.items, None);
                let changes = threatwright::workflow::changes_since(&p, &b, &p.load_model().unwrap()).unwrap();
                assert_eq!(changes, vec![]);
                assert_eq!(verified.entries, 17 + 1, "the 17 entries of v3, and the sealing entry");
            }
        }
        drop(p);
        let upgraded = rusqlite::Connection::open(&copy).unwrap();
        let new = rusqlite::Connection::open(&fresh).unwrap();
        assert_eq!(schema_of(&upgraded), schema_of(&new), "{fixture}");
        drop(upgraded);
        std::fs::remove_file(&copy).unwrap();
    }
}

/// A project keeps what its own writes stored (the register of its last analysis, the
/// stored model's audit summary) so that the next write need not read it back. What it
/// answers from that must equal what the file holds, also after other writes in between.
#[test]
fn what_a_project_remembers_of_its_writes_is_what_the_file_holds() {
    use threatwright::lifecycle::Request;
    use threatwright::model::ThreatStatus;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("known.twdb");
    let mut m = threatwright::synth::api_platform(60, 1);
    let library = threatwright::session::builtin_library().unwrap();
    let mut p = Project::create(&path, &m).unwrap();
    p.analyze(&library).unwrap();
    let fresh = |path: &Path| Project::open_read_only(path).unwrap().register().unwrap();
    assert_eq!(p.register().unwrap(), fresh(&path));

    // A decision between two analyses: the next analysis reconciles with the file, not
    // with the register it remembers from before the decision.
    let reference = p.register().unwrap()[0].reference.clone();
    let req = Request {
        status: Some(ThreatStatus::NotApplicable),
        reason: Some("handled by the platform".into()),
        ..Request::default()
    };
    p.set_status(&reference, &req, threatwright::lifecycle::today()).unwrap();
    assert_eq!(p.register().unwrap(), fresh(&path));
    let stored = p.load_model().unwrap();
    m = stored.clone();
    m.system.name = format!("{} (renamed)", m.system.name);
    p.replace_model_from(&stored, &m).unwrap();
    let analysis = p.analyze(&library).unwrap();
    let kept = analysis.threats.iter().find(|t| t.reference == reference).unwrap();
    assert_eq!(kept.status, ThreatStatus::NotApplicable);
    assert_eq!(p.register().unwrap(), fresh(&path));

    // Model writes with an analysis between them (as the editor does) and without: each
    // entry's "before" is the previous one's "after".
    let stored = p.load_model().unwrap();
    let mut again = stored.clone();
    again.system.name = "Renamed twice".into();
    p.replace_model_from(&stored, &again).unwrap();
    let stored = p.load_model().unwrap();
    let mut third = stored.clone();
    third.system.name = "Renamed three times".into();
    p.replace_model_from(&stored, &third).unwrap();
    assert_eq!(p.load_model().unwrap().system.name, "Renamed three times");
    let log = p.audit_log().unwrap();
    let models: Vec<_> = log.iter().filter(|e| e.action == "model.replace").collect();
    let print = |s: &Option<String>| {
        let v: serde_json::Value = serde_json::from_str(s.as_deref().unwrap()).unwrap();
        v["fingerprint"].as_str().unwrap().to_owned()
    };
    assert!(models.len() >= 4, "{} model writes logged", models.len());
    for pair in models.windows(2) {
        assert_eq!(print(&pair[1].before), print(&pair[0].after));
        assert_ne!(print(&pair[1].before), print(&pair[1].after));
    }
}

#[test]
fn an_edit_and_its_analysis_are_one_step_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edit.twdb");
    let library = threatwright::session::builtin_library().unwrap();
    let mut p = Project::create(&path, &threatwright::synth::api_platform(60, 1)).unwrap();
    p.analyze(&library).unwrap();
    let stored = p.load_model().unwrap();

    // A rename (the element's threats change their titles) and a flow gone (what the
    // rules found because of it becomes obsolete).
    let register = p.register().unwrap();
    let drew_threats = |k: &threatwright::model::Key| register.iter().any(|t| &t.target.key == k);
    let renamed = stored.processes.iter().position(|x| drew_threats(&x.key)).expect("a process with threats");
    let dropped = stored.flows.iter().rposition(|x| drew_threats(&x.key)).expect("a flow with threats");
    let mut next = stored.clone();
    next.processes[renamed].name = Some("Renamed gateway".into());
    next.flows.remove(dropped);
    let (changes, diagnostics) = p.edit_model(&stored, &next, &library).unwrap();
    assert!(diagnostics.iter().all(|d| !d.is_error()));
    assert!(!changes.resolved.is_empty(), "threats due to the removed flow are obsolete");

    // The file holds exactly the new model and the register the project answers with; a
    // project created from the new model whole holds the same model.
    let reopened = Project::open_read_only(&path).unwrap();
    assert_eq!(reopened.load_model().unwrap(), next);
    assert_eq!(p.register_known().unwrap(), reopened.register().unwrap().as_slice());
    let whole = dir.path().join("whole.twdb");
    assert_eq!(Project::create(&whole, &next).unwrap().load_model().unwrap(), next);
    let renamed = p.register_known().unwrap().iter().filter(|t| t.title.contains("Renamed gateway")).count();
    assert!(renamed > 0, "the element's threats carry its new name");
    for r in &changes.resolved {
        let t = p.register_known().unwrap().iter().find(|t| &t.reference == r).unwrap();
        assert_eq!(t.status, threatwright::model::ThreatStatus::Obsolete, "{r}");
    }

    // The model's entry and the analysis' entry, side by side with one action's time, in a
    // chain that verifies.
    let log = p.audit_log().unwrap();
    let [.., model, analysis] = log.as_slice() else { panic!("two entries at least") };
    assert_eq!((model.action.as_str(), analysis.action.as_str()), ("model.replace", "analysis.run"));
    assert_eq!(model.at, analysis.at);
    assert!(p.verify().unwrap().ok());

    // A failure inside the transaction, after the model's rows are written (a trigger made
    // the analysis' own row fail): nothing of the edit stays — model, register and log as
    // they were.
    drop(p);
    let mut p = Project::open(&path).unwrap();
    p.fail_inserts_into("analysis_runs").unwrap();
    let mut failing = next.clone();
    failing.processes[0].name = Some("Never stored".into());
    let register = p.register().unwrap();
    let entries = p.audit_log().unwrap().len();
    let err = p.edit_model(&next, &failing, &library).expect_err("the analysis' row fails");
    assert!(err.to_string().contains("injected"), "{err}");
    let reopened = Project::open_read_only(&path).unwrap();
    assert_eq!(reopened.load_model().unwrap(), next);
    assert_eq!(reopened.register().unwrap(), register);
    assert_eq!(reopened.audit_log().unwrap().len(), entries);
    drop((reopened, p));
    let mut p = Project::open(&path).unwrap();
    let log = p.audit_log().unwrap();

    // A model that does not validate is refused whole: model, register and log as they were.
    let mut broken = next.clone();
    broken.flows[0].to = threatwright::model::Key::from("nowhere");
    let entries = log.len();
    let register = p.register().unwrap();
    let err = p.edit_model(&next, &broken, &library).expect_err("refused");
    assert!(matches!(err, store::Error::InvalidModel { .. }), "{err:?}");
    let reopened = Project::open_read_only(&path).unwrap();
    assert_eq!(reopened.load_model().unwrap(), next);
    assert_eq!(reopened.register().unwrap(), register);
    assert_eq!(reopened.audit_log().unwrap().len(), entries);
}
