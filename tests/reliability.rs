//! Real processes against a real project file: killed (SIGKILL) at random points while
//! doing every kind of action, and writers racing each other. After every kill the file
//! must open, pass SQLite's integrity check and the whole verification (chain and sealed
//! state), hold every action whose command had returned, and hold each action wholly or
//! not at all.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use threatwright::model::ThreatStatus;
use threatwright::store::{self, Project};

const MODEL: &str = "models/examples/payments-api.yaml";

fn project(dir: &Path) -> String {
    let db = dir.join("p.twdb");
    let d = common::arg(&db).to_owned();
    common::ok(&["new", &d, "--from", MODEL]);
    common::ok(&["analyze", &d]);
    d
}

/// One kind of action, as the command line runs it, for iteration `i`; the marker it
/// leaves when it lands (what `landed` finds), if any.
struct Kind {
    name: &'static str,
    args: fn(&str, usize) -> Vec<String>,
}

fn threat(i: usize) -> String {
    format!("TW-{:04}", 1 + i % 20)
}

const KINDS: &[Kind] = &[
    // A mitigation with its link: one action.
    Kind {
        name: "mitigation add --threat",
        args: |db, i| {
            ["mitigation", "add", db, "--title", &format!("crash-test {i}"), "--threat", &threat(i)]
                .map(str::to_owned)
                .to_vec()
        },
    },
    // An override and the re-ranking it causes: one action.
    Kind {
        name: "threat rank",
        args: |db, i| {
            [
                "threat",
                "rank",
                db,
                &threat(i),
                "--likelihood",
                &(1 + i % 5).to_string(),
                "--reason",
                &format!("crash-test {i}"),
            ]
            .map(str::to_owned)
            .to_vec()
        },
    },
    Kind {
        name: "threat set",
        args: |db, i| {
            let status = if i % 2 == 0 { "not-applicable" } else { "open" };
            ["threat", "set", db, &threat(i / 2), "--status", status, "--reason", &format!("crash-test {i}")]
                .map(str::to_owned)
                .to_vec()
        },
    },
    Kind {
        name: "threat add",
        args: |db, i| {
            [
                "threat",
                "add",
                db,
                "--title",
                &format!("crash-test {i}"),
                "--target",
                "payments-gateway",
                "--stride",
                "tampering",
                "--likelihood",
                "3",
                "--impact",
                "4",
            ]
            .map(str::to_owned)
            .to_vec()
        },
    },
    // A new model and its analysis: one action.
    Kind { name: "import --force", args: |db, _| ["import", MODEL, "-o", db, "--force"].map(str::to_owned).to_vec() },
    // A baseline: snapshot, review row and entry in one action.
    Kind {
        name: "review sign",
        args: |db, i| {
            ["review", "sign", db, "--reviewer", "Crash Tester", "--note", &format!("crash-test {i}")]
                .map(str::to_owned)
                .to_vec()
        },
    },
    Kind { name: "analyze", args: |db, _| ["analyze", db, "--format", "json"].map(str::to_owned).to_vec() },
];

/// What the file holds, after checking that it is sound and that each action in it is
/// whole: markers of the actions that landed (`kind: marker`).
fn landed(db: &str) -> BTreeSet<String> {
    let p = Project::open(Path::new(db)).expect("the file opens after a kill");
    assert_eq!(p.integrity_check().unwrap(), "ok");
    let v = p.verify().unwrap();
    assert!(v.ok(), "after a kill: {:?}", v.problems());
    let mut out = BTreeSet::new();
    let register = p.register().unwrap();
    // A mitigation is there with its link or not at all.
    for m in p.mitigations().unwrap().iter().filter(|m| m.title.starts_with("crash-test ")) {
        assert_eq!(m.threats.len(), 1, "{} without its link", m.title);
        out.insert(format!("mitigation add --threat: {}", m.title));
    }
    // An override is there with the ranking it causes (the threat ranked with it).
    let log = p.audit_log().unwrap();
    for e in log.iter().filter(|e| e.action == "threat.override") {
        let after: serde_json::Value = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
        out.insert(format!("threat rank: {}", after["reason"].as_str().unwrap()));
    }
    let document = p.document().unwrap();
    for r in document.threats.iter().filter(|r| r.ranking_override.is_some()) {
        let o = r.ranking_override.as_ref().unwrap();
        let t = register.iter().find(|t| t.reference == r.reference).unwrap();
        if t.status != ThreatStatus::Obsolete && o.reason.starts_with("crash-test ") {
            assert_eq!(Some(t.likelihood), o.likelihood, "{}: override without its re-ranking", t.reference);
        }
    }
    for t in register.iter().filter(|t| t.rule.is_none() && t.title.starts_with("crash-test ")) {
        out.insert(format!("threat add: {}", t.title));
    }
    for b in p.baselines().unwrap() {
        if let Some(n) = b.note.as_deref().filter(|n| n.starts_with("crash-test ")) {
            out.insert(format!("review sign: {n}"));
        }
    }
    // Each model replacement is followed by its analysis, in the same action.
    for (i, e) in log.iter().enumerate().filter(|(_, e)| e.action == "model.replace").skip(1) {
        let next = log.get(i + 1).expect("an analysis follows the model");
        assert_eq!((next.action.as_str(), next.at.as_str()), ("analysis.run", e.at.as_str()), "entry {}", e.seq);
    }
    out
}

/// A small deterministic generator for kill delays.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn marker(kind: &Kind, i: usize) -> Option<String> {
    match kind.name {
        "mitigation add --threat" | "threat rank" | "threat add" | "review sign" => {
            Some(format!("{}: crash-test {i}", kind.name))
        }
        _ => None,
    }
}

#[test]
fn killed_at_random_points_in_every_kind_of_action_the_file_stays_sound_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let mut rng = Lcg(0x5EED);
    let mut returned = BTreeSet::new();
    // How long each kind takes, to aim the kills inside it.
    let took: Vec<u64> = KINDS
        .iter()
        .map(|k| {
            let start = Instant::now();
            let o = common::command(&(k.args)(&db, 10_000).iter().map(String::as_str).collect::<Vec<_>>())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}: {}", k.name, common::stderr(&o));
            start.elapsed().as_micros().max(2_000) as u64
        })
        .collect();
    returned.extend(KINDS.iter().filter_map(|k| marker(k, 10_000)));
    let mut kills = vec![0usize; KINDS.len()];
    let mut i = 0;
    while kills.iter().sum::<usize>() < 210 || kills.iter().any(|&k| k < 10) {
        assert!(i < 2_000, "too few kills landed inside an action: {kills:?}");
        let which = i % KINDS.len();
        let kind = &KINDS[which];
        let args = (kind.args)(&db, i);
        let mut child = common::command(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % (took[which] * 6 / 5)));
        let status = match child.try_wait().unwrap() {
            Some(status) => status,
            None => {
                child.kill().unwrap(); // SIGKILL
                let status = child.wait().unwrap();
                if status.code().is_none() {
                    kills[which] += 1;
                }
                status
            }
        };
        if status.success() {
            returned.extend(marker(kind, i));
        } else if status.code().is_some() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("{} (iteration {i}) failed: {err}", kind.name);
        }
        let present = landed(&db);
        assert!(
            returned.is_subset(&present),
            "lost after {} (iteration {i}): {:?}",
            kind.name,
            returned.difference(&present).collect::<Vec<_>>()
        );
        i += 1;
    }
    eprintln!("kills inside actions, by kind: {:?}", KINDS.iter().map(|k| k.name).zip(&kills).collect::<Vec<_>>());
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
                let out = common::tw(&["mitigation", "add", &db, "--title", &title]);
                if out.status.success() {
                    landed.push(title);
                } else {
                    let err = common::stderr(&out);
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
    let p = Project::open(Path::new(&db)).unwrap();
    assert!(p.verify().unwrap().ok());
    let present: BTreeSet<String> = p.mitigations().unwrap().into_iter().map(|m| m.title).collect();
    for t in la.iter().chain(&lb) {
        assert!(present.contains(t), "{t} returned success but is missing");
    }
    assert_eq!(present.len(), la.len() + lb.len(), "nothing extra, nothing lost");
    assert!(la.len() + lb.len() + ba + bb == 30);
}

/// Two writers, each opening the file afresh for every action (as separate commands
/// do), for thousands of actions: no false "damaged" (the header read while the other
/// checkpoints), nothing lost, and the file verifies at the end. A reader verifies the
/// file all along (its readers on three connections must see one state): never a false
/// finding.
#[test]
fn two_writers_for_thousands_of_actions_never_see_a_false_damage() {
    use threatwright::lifecycle::Request;
    let dir = tempfile::tempdir().unwrap();
    let db = project(dir.path());
    let per_writer = 1_000;
    let writer = |name: &'static str, first: usize, db: String| {
        std::thread::spawn(move || {
            let path = Path::new(&db);
            let today = threatwright::lifecycle::today();
            let (mut landed, mut busy) = (0, 0);
            for i in 0..per_writer {
                // Each writer moves its own ten threats between open and not-applicable.
                let reference = format!("TW-{:04}", first + (i / 2) % 10);
                let request = if i % 2 == 0 {
                    Request {
                        status: Some(ThreatStatus::NotApplicable),
                        reason: Some(format!("{name} {i}")),
                        ..Default::default()
                    }
                } else {
                    Request { status: Some(ThreatStatus::Open), ..Default::default() }
                };
                let done = Project::open(path).and_then(|mut p| {
                    p.set_user(name);
                    p.set_status(&reference, &request, today)
                });
                match done {
                    Ok(_) => landed += 1,
                    Err(store::Error::InUse { .. }) => busy += 1,
                    Err(e) => panic!("{name} action {i}: {e}"),
                }
            }
            (landed, busy)
        })
    };
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let reader = {
        let (db, writing) = (db.clone(), writing.clone());
        std::thread::spawn(move || {
            let mut verified = 0;
            while writing.load(std::sync::atomic::Ordering::Relaxed) {
                let v = Project::open_read_only(Path::new(&db)).and_then(|p| p.verify());
                match v {
                    Ok(v) => assert!(v.ok(), "verified while written to: {:?}", v.problems()),
                    Err(store::Error::InUse { .. }) => continue,
                    Err(e) => panic!("verifying while written to: {e}"),
                }
                verified += 1;
            }
            verified
        })
    };
    let a = writer("alpha", 1, db.clone());
    let b = writer("beta", 11, db.clone());
    let (la, ba) = a.join().unwrap();
    let (lb, bb) = b.join().unwrap();
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 10, "the reader verified the file as it was written");
    let p = Project::open(Path::new(&db)).unwrap();
    let v = p.verify().unwrap();
    assert!(v.ok(), "{:?}", v.problems());
    let logged = p.audit_log().unwrap().iter().filter(|e| e.action == "threat.status").count();
    assert_eq!(logged, la + lb, "every action that returned is logged, nothing else");
    assert!(ba + bb < per_writer / 10, "in use {} times of {}", ba + bb, 2 * per_writer);
}
