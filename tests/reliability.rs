//! Real processes against a real project file: killed at random points while writing,
//! and two writing at once. After every kill the file must open, pass SQLite's
//! integrity check and the audit log's verification, and hold every action whose
//! command had returned.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use threatwright::store::Project;

fn cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_threatwright"));
    c.args(args)
        .env("THREATWRIGHT_USER", "crash-test")
        .env("THREATWRIGHT_CONFIG", "/nonexistent/threatwright-test-config.yaml")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn project(dir: &Path) -> String {
    let db = dir.join("p.twdb");
    let d = db.to_str().unwrap().to_owned();
    assert!(cmd(&["new", &d, "--from", "models/examples/payments-api.yaml"]).status().unwrap().success());
    assert!(cmd(&["analyze", &d]).status().unwrap().success());
    d
}

/// Titles of the mitigations in the file, after checking that it is sound.
fn sound(db: &str) -> BTreeSet<String> {
    let p = Project::open(Path::new(db)).expect("the file opens after a kill");
    assert_eq!(p.integrity_check().unwrap(), "ok");
    let v = p.verify_log().unwrap();
    assert!(v.ok(), "audit log after a kill: {v:?}");
    let ms = p.mitigations().unwrap();
    // Every mitigation's creation is in the log: the change and its entry commit together.
    let logged = p.audit_log().unwrap().iter().filter(|e| e.action == "mitigation.add").count();
    assert_eq!(logged, ms.len(), "one audit entry per mitigation");
    ms.into_iter().map(|m| m.title).collect()
}

/// A small deterministic generator for kill delays.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn killed_at_random_points_the_file_stays_sound_and_keeps_what_returned() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let mut rng = Lcg(0x5EED);
    let mut returned = BTreeSet::new();
    let mut killed = 0;
    // First measure how long one action takes, to aim the kills inside it.
    let start = Instant::now();
    assert!(cmd(&["mitigation", "add", &db, "--title", "warm-up"]).status().unwrap().success());
    returned.insert("warm-up".to_owned());
    let took = start.elapsed().as_micros().max(2_000) as u64;
    for i in 0..40 {
        let title = format!("crash-test {i}");
        let mut child = cmd(&["mitigation", "add", &db, "--title", &title]).spawn().unwrap();
        let delay = Duration::from_micros(rng.next() % (took * 3 / 2));
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "action {i} failed");
                returned.insert(title);
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                let status = child.wait().unwrap();
                if status.success() {
                    returned.insert(title);
                } else {
                    killed += 1;
                }
            }
        }
        let present = sound(&db);
        assert!(
            returned.is_subset(&present),
            "lost after kill {i}: {:?}",
            returned.difference(&present).collect::<Vec<_>>()
        );
        // Nothing appears that was never asked for.
        assert!(present.iter().all(|t| t == "warm-up" || t.starts_with("crash-test ")));
    }
    assert!(killed >= 5, "the test must actually kill processes mid-way (killed {killed})");
}

#[test]
fn two_processes_writing_the_same_file_both_land_or_are_told_it_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let writer = |name: &'static str, db: String| {
        std::thread::spawn(move || {
            let mut landed = Vec::new();
            let mut busy = 0;
            for i in 0..15 {
                let title = format!("{name} {i}");
                let out = cmd(&["mitigation", "add", &db, "--title", &title]).output().unwrap();
                if out.status.success() {
                    landed.push(title);
                } else {
                    let err = String::from_utf8_lossy(&out.stderr);
                    assert_eq!(out.status.code(), Some(2), "{err}");
                    assert!(err.contains("in use by another Threatwright window or process"), "{err}");
                    busy += 1;
                }
            }
            (landed, busy)
        })
    };
    let a = writer("alpha", db.clone());
    let b = writer("beta", db.clone());
    let (la, ba) = a.join().unwrap();
    let (lb, bb) = b.join().unwrap();
    let present = sound(&db);
    for t in la.iter().chain(&lb) {
        assert!(present.contains(t), "{t} returned success but is missing");
    }
    assert_eq!(present.len(), la.len() + lb.len(), "nothing extra, nothing lost");
    assert!(la.len() + lb.len() + ba + bb == 30);
}
