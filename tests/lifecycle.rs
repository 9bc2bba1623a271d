//! The register's lifecycle through the real CLI on real project files: statuses and
//! their required fields, mitigations, sign-offs and baselines, the audit log and its
//! tamper evidence, model-as-code round trips, and the CI gate.

mod common;

use common::{ok, reference, sqlite3, tw};
use std::path::{Path, PathBuf};

fn fails(args: &[&str], code: i32) -> String {
    let o = tw(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", String::from_utf8_lossy(&o.stdout));
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A project of the payments example, analysed.
fn payments(dir: &Path) -> PathBuf {
    let db = dir.join("payments.twdb");
    ok(&["new", db.to_str().unwrap(), "--from", "models/examples/payments-api.yaml"]);
    ok(&["analyze", db.to_str().unwrap()]);
    db
}

#[test]
fn statuses_need_their_fields_and_forbidden_moves_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    let t = reference(d, "VENDOR-SOC2-TYPE1-ONLY", "fraud-vendor-call");

    let e = fails(&["threat", "set", d, &t, "--status", "accepted", "--approver", "CISO"], 2);
    assert!(e.contains("accepted needs a reason (--reason TEXT)"), "{e}");
    let e = fails(
        &[
            "threat",
            "set",
            d,
            &t,
            "--status",
            "accepted",
            "--approver",
            "CISO",
            "--reason",
            "r",
            "--expires",
            "2020-01-01",
        ],
        2,
    );
    assert!(e.contains("which is not after today"), "{e}");
    let out = ok(&[
        "threat",
        "set",
        d,
        &t,
        "--status",
        "accepted",
        "--approver",
        "CISO",
        "--reason",
        "Type II due Q1",
        "--expires",
        "2099-03-31",
    ]);
    assert!(out.contains(": accepted (approved by CISO; until 2099-03-31; reason: Type II due Q1)"), "{out}");
    // Renewing keeps the status and changes the expiry.
    ok(&["threat", "set", d, &t, "--expires", "2099-06-30"]);
    let e = fails(&["threat", "set", d, &t, "--status", "mitigated"], 2);
    assert!(e.contains("mitigated needs at least one linked mitigation"), "{e}");
    ok(&[
        "threat",
        "set",
        d,
        &t,
        "--status",
        "not-applicable",
        "--reason",
        "the vendor no longer receives personal data",
    ]);
    let e = fails(&["threat", "set", d, &t, "--status", "mitigated"], 2);
    assert!(e.contains("cannot go from not-applicable to mitigated; from not-applicable it can go to open"), "{e}");
    let e = fails(&["threat", "set", d, "TW-9999", "--status", "open"], 2);
    assert!(e.contains("no threat TW-9999 in the register"), "{e}");
}

#[test]
fn mitigations_cover_many_threats_and_orphans_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    let a = reference(d, "STORE-SENSITIVE-SHARED-CREDENTIALS", "merchant-db");
    let b = reference(d, "STORE-SENSITIVE-SHARED-CREDENTIALS", "bank-sftp-drop");
    // Adopting the same suggestion for two threats gives one mitigation covering both.
    let out = ok(&["mitigation", "adopt", d, &a, &b, "--template", "store-per-service-credentials"]);
    assert_eq!(out.lines().count(), 2);
    assert!(out.lines().all(|l| l.contains("M-0001")), "{out}");
    ok(&[
        "mitigation",
        "set",
        d,
        "M-0001",
        "--status",
        "implemented",
        "--owner",
        "payments-team",
        "--ticket",
        "PAY-123",
        "--due",
        "2099-12-15",
    ]);
    ok(&["threat", "set", d, &a, "--status", "mitigated"]);
    // Unlinking the only in-place mitigation of a mitigated threat is refused.
    let e = fails(&["mitigation", "unlink", d, "M-0001", &a], 2);
    assert!(e.contains("change its status first"), "{e}");
    let list = ok(&["mitigation", "list", d]);
    let (first, second) = if a < b { (&a, &b) } else { (&b, &a) };
    assert!(list.contains(&format!("covers {first}, {second}")), "{list}");
    let m = ok(&["mitigation", "add", d, "--title", "Rotate the SFTP drop's credentials", "--threat", &b]);
    assert_eq!(m.trim(), "M-0002");

    // Both stores get a credential per client in the model: both threats go obsolete, and
    // the mitigations now cover nothing live.
    let model = std::fs::read_to_string("models/examples/payments-api.yaml").unwrap();
    let fixed = model.replace("access_control: shared-credentials", "access_control: per-service");
    assert_ne!(model, fixed);
    let y = dir.path().join("fixed.yaml");
    std::fs::write(&y, fixed).unwrap();
    ok(&["import", y.to_str().unwrap(), "-o", d, "--force"]);
    ok(&["analyze", d]);
    let list = ok(&["mitigation", "list", d, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v["orphans"], serde_json::json!(["M-0001", "M-0002"]), "{list}");
    let check = fails(&["check", d, "--fail-on", "critical", "--no-review"], 1);
    assert!(check.contains("note: mitigations covering no live threat: M-0001, M-0002"), "{check}");
}

#[test]
fn sign_offs_baselines_and_changes_since() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    let t = reference(d, "SECRET-NO-ROTATION", "accounts-ledger-service");
    ok(&[
        "threat",
        "set",
        d,
        &t,
        "--status",
        "accepted",
        "--approver",
        "CISO",
        "--reason",
        "internal only for now",
        "--expires",
        "2099-01-31",
    ]);
    ok(&["review", "sign", d, "--threat", &t, "--reviewer", "Bo Reviewer"]);
    let exported = tw(&["export", d]).stdout;
    let out = ok(&["review", "sign", d, "--reviewer", "Bo Reviewer", "--note", "workshop 1"]);
    assert!(out.starts_with("baseline 1 signed off by Bo Reviewer"), "{out}");
    let fingerprint = out.lines().nth(1).unwrap().strip_prefix("fingerprint ").unwrap().to_owned();
    // The fingerprint is the SHA-256 of the canonical YAML export as it was signed.
    assert_eq!(fingerprint, threatwright::lifecycle::review::sha256(&exported));
    let shown = ok(&["baseline", "show", d]);
    assert!(shown.contains("no changes since this baseline"), "{shown}");
    assert!(ok(&["review", "list", d]).lines().all(|l| l.ends_with("holds")));

    // Moving boxes on the diagram changes nothing; changing a property does.
    let yaml = String::from_utf8(exported).unwrap();
    let moved = yaml.replacen("    x: ", "    x: 1", 3);
    let y = dir.path().join("moved.yaml");
    std::fs::write(&y, &moved).unwrap();
    ok(&["import", y.to_str().unwrap(), "-o", d, "--force"]);
    assert!(ok(&["baseline", "show", d]).contains("no changes since this baseline"));
    let changed =
        moved.replace("  technology: Kotlin 1.9, Spring Boot 3\n", "  technology: Kotlin 2.0, Spring Boot 3\n");
    assert_ne!(changed, moved);
    std::fs::write(&y, &changed).unwrap();
    ok(&["import", y.to_str().unwrap(), "-o", d, "--force"]);
    let shown = ok(&["baseline", "show", d]);
    assert!(shown.contains("changed  process accounts-ledger-service"), "{shown}");
    let reviews = ok(&["review", "list", d]);
    assert!(reviews.lines().all(|l| l.ends_with("sign-off no longer holds")), "{reviews}");
    let check = fails(&["check", d, "--fail-on", "critical"], 1);
    assert!(check.contains("unreviewed changes since baseline 1:"), "{check}");
    assert!(check.contains("accounts-ledger-service"), "{check}");
}

#[test]
fn check_gate_counts_expired_acceptances_as_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    // Accept every critical threat until 2099-01-31.
    let v: serde_json::Value = serde_json::from_str(&ok(&["analyze", d, "--format", "json"])).unwrap();
    for t in v["threats"].as_array().unwrap().iter().filter(|t| t["severity"] == "critical") {
        let r = t["reference"].as_str().unwrap();
        ok(&[
            "threat",
            "set",
            d,
            r,
            "--status",
            "accepted",
            "--approver",
            "CISO",
            "--reason",
            "risk committee 2026-11",
            "--expires",
            "2099-01-31",
        ]);
    }
    ok(&["review", "sign", d, "--reviewer", "Bo Reviewer"]);
    let pass = ok(&["check", d, "--fail-on", "critical"]);
    assert!(
        pass.ends_with(
            "check passed: no unhandled threats at or above critical, 0 expired acceptances (at most 0 allowed), model unchanged since baseline 1\n"
        ),
        "{pass}"
    );
    // On 2099-02-01 they have all expired: open again, and over the expired limit.
    let out = fails(&["check", d, "--fail-on", "critical", "--as-of", "2099-02-01"], 1);
    let report = out.lines().filter(|l| !l.contains(d)).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!(report);
    let json: serde_json::Value = serde_json::from_slice(
        &tw(&["check", d, "--fail-on", "critical", "--as-of", "2099-02-01", "--format", "json", "--max-expired", "99"])
            .stdout,
    )
    .unwrap();
    assert_eq!(json["passed"], false, "expired acceptances still count as open threats");
    assert_eq!(json["expired"].as_array().unwrap().len(), json["open"].as_array().unwrap().len());
}

#[test]
fn the_whole_register_round_trips_through_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    let t = reference(d, "VENDOR-SOC2-TYPE1-ONLY", "fraud-vendor-call");
    let u = reference(d, "WEBHOOK-SIGNATURES-NOT-VALIDATED", "processor-webhook-receiver");
    ok(&["threat", "set", d, &t, "--status", "transferred", "--to", "cyber insurer", "--reason", "policy 42"]);
    ok(&["mitigation", "adopt", d, &u]);
    ok(&["mitigation", "set", d, "M-0001", "--status", "planned", "--due", "2099-01-15"]);
    ok(&["threat", "set", d, &u, "--status", "mitigation-planned"]);
    ok(&["threat", "rank", d, &u, "--likelihood", "3", "--reason", "IP allowlist at the edge"]);
    ok(&[
        "threat",
        "add",
        d,
        "--title",
        "Insider exports payout files",
        "--target",
        "bank-sftp-drop",
        "--stride",
        "information-disclosure",
        "--likelihood",
        "2",
        "--impact",
        "5",
    ]);
    ok(&["review", "sign", d, "--threat", &u, "--reviewer", "Bo Reviewer"]);

    let first = tw(&["export", d]).stdout;
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        text.contains("threats:\n") && text.contains("mitigations:\n") && text.contains("reviews:\n"),
        "{}",
        &text[..400]
    );
    assert!(
        text.contains("the audit log and the\n# baselines stay in the project file"),
        "header says what stays behind"
    );
    let y = dir.path().join("with-register.yaml");
    std::fs::write(&y, &first).unwrap();
    ok(&["validate", y.to_str().unwrap()]);
    // YAML -> new project file -> YAML: the same bytes.
    let db2 = dir.path().join("restored.twdb");
    ok(&["new", db2.to_str().unwrap(), "--from", y.to_str().unwrap()]);
    assert_eq!(tw(&["export", db2.to_str().unwrap()]).stdout, first);
    // The YAML alone keeps references and statuses when analysed.
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["analyze", y.to_str().unwrap(), "--format", "json"])).unwrap();
    let find = |r: &str| v["threats"].as_array().unwrap().iter().find(|x| x["reference"] == r).cloned().unwrap();
    assert_eq!(find(&t)["status"], "transferred");
    assert_eq!(find(&u)["likelihood"], 3, "override applied");
    // A broken register in YAML is a located error.
    let broken = text.replacen("  status: transferred\n", "  status: accepted\n", 1);
    std::fs::write(&y, broken).unwrap();
    let e = fails(&["validate", y.to_str().unwrap()], 1);
    assert!(e.contains("error[TW-E041]") && e.contains("accepted needs an approver"), "{e}");
}

#[test]
fn the_audit_log_records_every_change_and_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    // A second analysis finds nothing new, and is logged all the same.
    ok(&["analyze", d]);
    let t = reference(d, "VENDOR-SOC2-TYPE1-ONLY", "fraud-vendor-call");
    ok(&["threat", "set", d, &t, "--status", "not-applicable", "--reason", "no personal data sent"]);
    ok(&["mitigation", "add", d, "--title", "Vendor review", "--owner", "procurement"]);
    let log = ok(&["log", d]);
    let actions: Vec<&str> = log.lines().map(|l| l.split_whitespace().nth(4).unwrap()).collect();
    assert_eq!(
        actions,
        ["project.create", "model.replace", "analysis.run", "analysis.run", "threat.status", "mitigation.add"]
    );
    assert!(log.lines().all(|l| l.contains("Ana Architect")), "who is on every entry");
    assert!(ok(&["log", "verify", d]).contains("audit log intact (6 entries"));

    // Edit one row with the sqlite3 command-line shell: named.
    let copy = dir.path().join("edited.twdb");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(&copy, "UPDATE audit_log SET who = 'Mallory' WHERE seq = 5;");
    let e = fails(&["log", "verify", copy.to_str().unwrap()], 1);
    assert!(e.contains("audit log broken at entry 5: its content does not match its hash"), "{e}");
    // Delete the newest row: caught by the head kept apart from the log.
    let copy = dir.path().join("truncated.twdb");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(&copy, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);");
    let e = fails(&["log", "verify", copy.to_str().unwrap()], 1);
    assert!(e.contains("broken at entry 6: the log ends at entry 5, but the recorded head is entry 6"), "{e}");
    // Delete a row in the middle: the gap is named.
    let copy = dir.path().join("holed.twdb");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(&copy, "DELETE FROM audit_log WHERE seq = 3;");
    let e = fails(&["log", "verify", copy.to_str().unwrap()], 1);
    assert!(e.contains("broken at entry 3: entry 3 is missing"), "{e}");
    // Delete the newest row and the recorded head with it: a log without its head is broken.
    let copy = dir.path().join("headless.twdb");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(&copy, "DELETE FROM audit_log WHERE seq = 6; DELETE FROM meta WHERE name = 'audit_head';");
    let e = fails(&["log", "verify", copy.to_str().unwrap()], 1);
    assert!(e.contains("broken at entry 5: the log has 5 entries, but its recorded head is missing"), "{e}");

    // A baseline records the head it saw (entry 6). Removing entries 6 and 7 and moving the
    // recorded head back to entry 5 makes a consistent-looking log, but not to the baseline.
    ok(&["review", "sign", d, "--reviewer", "Bo Reviewer"]);
    let copy = dir.path().join("rewound.twdb");
    std::fs::copy(&db, &copy).unwrap();
    sqlite3(
        &copy,
        "DELETE FROM audit_log WHERE seq >= 6;
         UPDATE meta SET value = (SELECT seq || ':' || hash FROM audit_log WHERE seq = 5) WHERE name = 'audit_head';",
    );
    let e = fails(&["log", "verify", copy.to_str().unwrap()], 1);
    assert!(
        e.contains("broken at entry 6: baseline 1 recorded entry 6, but the log ends at entry 5: entries were removed"),
        "{e}"
    );
    assert!(ok(&["log", "verify", d]).contains("audit log intact (7 entries"));
}

#[test]
fn config_user_name_is_who_acts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    let run = |args: &[&str]| {
        common::command(args).env_remove("THREATWRIGHT_USER").env("THREATWRIGHT_CONFIG", &config).output().unwrap()
    };
    assert!(run(&["config", "user.name", "Chen Security"]).status.success());
    assert_eq!(String::from_utf8_lossy(&run(&["config", "user.name"]).stdout), "Chen Security\n");
    let db = dir.path().join("x.twdb");
    assert!(run(&["new", db.to_str().unwrap()]).status.success());
    let log = String::from_utf8_lossy(&run(&["log", db.to_str().unwrap()]).stdout).into_owned();
    assert!(log.contains("Chen Security"), "{log}");
    assert_eq!(run(&["config", "user.email", "x"]).status.code(), Some(2));
}

/// "What changed since the baseline" has one answer: `baseline show`, `check`, the
/// report, `diff FILE@baseline FILE` and the editor's canvas name the same items. A
/// renamed element (same identity) is one change, and the flows touching it none; an
/// element moved out of its boundary is a change of the element.
#[test]
fn every_view_of_the_changes_since_the_baseline_names_the_same_items() {
    use std::collections::BTreeSet;
    use threatwright::io::yaml;
    use threatwright::model::{Item, Key};
    let dir = tempfile::tempdir().unwrap();
    let db = payments(dir.path());
    let d = db.to_str().unwrap();
    ok(&["review", "sign", d, "--reviewer", "Bo Reviewer"]);

    let exported = ok(&["export", d]);
    let mut m = yaml::load_str(&exported, "export", &yaml::Limits::default()).model.unwrap();
    let (old, new) = (Key::from("accounts-ledger-service"), Key::from("ledger-service"));
    let p = m.processes.iter_mut().find(|p| p.key == old).unwrap();
    p.id = Some(p.id());
    p.key = new.clone();
    for f in &mut m.flows {
        for end in [&mut f.from, &mut f.to] {
            if *end == old {
                *end = new.clone();
            }
        }
    }
    for b in &mut m.boundaries {
        for k in &mut b.members {
            if *k == old {
                *k = new.clone();
            }
        }
    }
    for a in &mut m.apis {
        if a.provider.as_ref() == Some(&old) {
            a.provider = Some(new.clone());
        }
    }
    // Out of its boundary, without moving the box.
    let b = m.boundaries.iter_mut().find(|b| b.key.as_str() == "internal-network").unwrap();
    let moved = b.members.remove(b.members.iter().position(|k| k.as_str() == "event-bus").unwrap());
    m.system.description = Some("Edited after the workshop.".into());
    let y = dir.path().join("changed.yaml");
    std::fs::write(&y, yaml::to_string(&m).unwrap()).unwrap();
    ok(&["import", y.to_str().unwrap(), "-o", d, "--force"]);

    let keys = |v: &serde_json::Value, field: &str| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c[field].as_str().unwrap(), c["key"].as_str().unwrap()))
            .collect()
    };
    let json = |args: &[&str]| -> serde_json::Value { serde_json::from_str(&common::stdout(&tw(args))).unwrap() };
    let shown = keys(&json(&["baseline", "show", d, "--format", "json"])["changes_since"], "kind");
    let expected: BTreeSet<String> = ["changed ledger-service", &format!("changed {moved}"), "changed system"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(shown, expected, "a rename is one change; the flows touching the renamed element are not changed");
    let check = json(&["check", d, "--format", "json"]);
    let gate = keys(&check["review"]["changes"], "kind");
    assert_eq!(gate, expected, "{check}");
    let report = json(&["report", d, "--format", "json"]);
    assert_eq!(keys(&report["changes"]["items"], "kind"), expected);
    let diff = json(&["diff", &format!("{d}@baseline"), d, "--format", "json"]);
    assert_eq!(keys(&diff["items"], "change"), expected);
    let renamed = diff["items"].as_array().unwrap().iter().find(|i| i["key"] == "ledger-service").unwrap();
    assert_eq!(renamed["renamed_from"], "accounts-ledger-service");
    assert!(diff["items"].as_array().unwrap().iter().any(|i| i["key"] == moved.as_str() && i["moved"].is_array()));

    // The canvas marks the same items (the system is not a node).
    let lib = threatwright::session::builtin_library().unwrap();
    let s = threatwright::session::Session::open(&db, lib, "Tess Tester").unwrap();
    let v = s.view().unwrap();
    let marked: BTreeSet<String> = v
        .nodes
        .iter()
        .filter(|n| n.changed)
        .map(|n| format!("changed {}", n.key))
        .chain(v.edges.iter().filter(|e| e.changed).map(|e| format!("changed {}", e.key)))
        .chain(std::iter::once("changed system".to_owned()))
        .collect();
    assert_eq!(marked, expected);
}
