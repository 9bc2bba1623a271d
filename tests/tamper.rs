//! A project file that cannot lie: changes made outside Threatwright — with the real
//! `sqlite3` shell, as an auditor or an attacker would — are found and named by
//! `log verify`, stop `check` and reports, and are never written over; hostile schemas
//! and damaged pages are refused before anything is written.

mod common;

use common::{arg, code, file_hash, ok, sqlite3, sqlite3_value, stderr, stdout, tw};
use std::path::{Path, PathBuf};
use threatwright::lifecycle::Request;
use threatwright::model::ThreatStatus;
use threatwright::store::{self, Project};

/// A triaged payments project: analysed, TW-0001 accepted until 2030, a mitigation
/// covering TW-0002, a baseline.
fn triaged(dir: &Path) -> PathBuf {
    let db = dir.join("payments.twdb");
    let d = arg(&db);
    ok(&["new", d, "--from", "models/examples/payments-api.yaml"]);
    ok(&["analyze", d]);
    ok(&[
        "threat",
        "set",
        d,
        "TW-0001",
        "--status",
        "accepted",
        "--approver",
        "CISO",
        "--reason",
        "compensating control",
        "--expires",
        "2030-01-01",
    ]);
    ok(&["mitigation", "add", d, "--title", "Rate limiting at the gateway", "--threat", "TW-0002"]);
    ok(&["review", "sign", d, "--reviewer", "Lead Reviewer"]);
    let v = ok(&["log", "verify", d]);
    assert!(v.contains("verified"), "{v}");
    db
}

/// A copy of `db` under `name`, to tamper with.
fn copy(db: &Path, name: &str) -> PathBuf {
    let to = db.with_file_name(name);
    std::fs::copy(db, &to).unwrap();
    to
}

#[test]
fn a_status_changed_with_the_sqlite_shell_is_named_and_stops_check_reports_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    let before = sqlite3_value(&db, "SELECT status FROM threats WHERE ref = 'TW-0003'");
    sqlite3(&db, "UPDATE threats SET status = 'not-applicable' WHERE ref = 'TW-0003'");

    let v = tw(&["log", "verify", d]);
    assert_eq!(code(&v), 1, "{}{}", stdout(&v), stderr(&v));
    let out = stdout(&v);
    assert!(out.contains("NOT verified: 1 problem(s)"), "{out}");
    assert!(
        out.contains(&format!(
            "threats: threat `TW-0003` was changed outside Threatwright: status sealed \"{before}\", now \"not-applicable\""
        )),
        "{out}"
    );

    // The gate does not judge a file that does not verify.
    let c = tw(&["check", d, "--fail-on", "critical"]);
    assert_eq!(code(&c), 2, "{}", stderr(&c));
    assert!(stderr(&c).contains("does not verify"), "{}", stderr(&c));
    assert!(stderr(&c).contains("`TW-0003`"), "{}", stderr(&c));

    // No report presents it as evidence.
    for format in ["md", "html", "json", "sarif"] {
        let r = tw(&["report", d, "--format", format]);
        assert_eq!(code(&r), 2, "{format}: {}", stderr(&r));
        assert!(stderr(&r).contains("refused: the project file does not verify"), "{}", stderr(&r));
    }

    // Nothing is written over it: the next action is refused whole.
    let entries = sqlite3_value(&db, "SELECT count(*) FROM audit_log");
    let w = tw(&["threat", "set", d, "TW-0004", "--status", "not-applicable", "--reason", "x"]);
    assert_eq!(code(&w), 2, "{}", stderr(&w));
    assert!(stderr(&w).contains("changed outside Threatwright, so nothing was written to it"), "{}", stderr(&w));
    assert!(stderr(&w).contains("threatwright log verify"), "the CLI says how to see every problem: {}", stderr(&w));
    assert_eq!(sqlite3_value(&db, "SELECT count(*) FROM audit_log"), entries);
    assert_eq!(sqlite3_value(&db, "SELECT status FROM threats WHERE ref = 'TW-0004'"), "open");

    // Put back as sealed, the file verifies again.
    sqlite3(&db, &format!("UPDATE threats SET status = '{before}' WHERE ref = 'TW-0003'"));
    ok(&["log", "verify", d]);
}

#[test]
fn an_acceptance_expiry_edited_inside_the_document_is_named_down_to_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    sqlite3(&db, "UPDATE threats SET doc = json_set(doc, '$.response.expires', '2099-12-31') WHERE ref = 'TW-0001'");
    let v = tw(&["log", "verify", d]);
    assert_eq!(code(&v), 1);
    assert!(
        stdout(&v).contains(
            "threats: threat `TW-0001` was changed outside Threatwright: doc.response.expires sealed \"2030-01-01\", now \"2099-12-31\""
        ),
        "{}",
        stdout(&v)
    );
    let c = tw(&["check", d, "--max-expired", "0", "--as-of", "2031-01-01"]);
    assert_eq!(code(&c), 2, "{}", stderr(&c));
}

#[test]
fn rows_removed_added_and_seals_rewritten_are_each_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());

    let removed = copy(&db, "removed.twdb");
    sqlite3(&removed, "DELETE FROM threat_mitigations");
    let out = stdout(&tw(&["log", "verify", arg(&removed)]));
    assert!(
        out.contains("threat_mitigations: mitigation link `M-0001 covers TW-0002` was removed outside Threatwright"),
        "{out}"
    );

    let added = copy(&db, "added.twdb");
    sqlite3(
        &added,
        "INSERT INTO mitigations (id, ref, status, doc) VALUES ('00000000-0000-4000-8000-000000000001', 'M-0099', \
         'verified', '{\"title\": \"Trust me\"}')",
    );
    let out = stdout(&tw(&["log", "verify", arg(&added)]));
    assert!(out.contains("mitigations: mitigation `M-0099` was added outside Threatwright"), "{out}");

    // Changing the row and its seal together does not help: the seal no longer matches
    // the digest its audit entry recorded.
    let resealed = copy(&db, "resealed.twdb");
    sqlite3(&resealed, "UPDATE mitigations SET status = 'verified'");
    sqlite3(&resealed, "UPDATE seals SET hash = 'forged' WHERE tbl = 'mitigations'");
    let out = stdout(&tw(&["log", "verify", arg(&resealed)]));
    assert!(out.contains("seals: the rows sealed by audit entry"), "{out}");

    // A baseline's sign-off rewritten to name someone else.
    let reviewer = copy(&db, "reviewer.twdb");
    sqlite3(&reviewer, "UPDATE baselines SET reviewer = 'CISO'");
    let out = stdout(&tw(&["log", "verify", arg(&reviewer)]));
    assert!(
        out.contains("baselines: baseline `baseline 1` was changed outside Threatwright: reviewer sealed \"Lead Reviewer\", now \"CISO\""),
        "{out}"
    );
}

#[test]
fn a_planted_trigger_is_refused_on_open_and_the_file_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    sqlite3(&db, "CREATE TRIGGER wipe AFTER INSERT ON audit_log BEGIN DELETE FROM threats; END;");
    let before = file_hash(&db);
    for args in [
        vec!["validate", d],
        vec!["log", "verify", d],
        vec!["threat", "set", d, "TW-0004", "--status", "not-applicable", "--reason", "x"],
        vec!["report", d, "--format", "md"],
    ] {
        let o = tw(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("refused: the file holds database objects Threatwright does not make")
                && stderr(&o).contains("trigger `wipe` on `audit_log` is not one Threatwright makes"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(file_hash(&db), before, "the file is left as it is");
    assert!(sqlite3_value(&db, "SELECT count(*) FROM threats").parse::<u32>().unwrap() > 10, "nothing wiped");
}

#[test]
fn a_view_or_index_of_someone_elses_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let view = copy(&db, "view.twdb");
    sqlite3(&view, "CREATE VIEW open_threats AS SELECT * FROM threats WHERE status = 'open'");
    let o = tw(&["log", "verify", arg(&view)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("view `open_threats` is not one Threatwright makes"), "{}", stderr(&o));
    let index = copy(&db, "index.twdb");
    sqlite3(&index, "DROP INDEX threats_target");
    let o = tw(&["log", "verify", arg(&index)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("index `threats_target` on `threats` is missing"), "{}", stderr(&o));
}

/// Overwrites one page of the file with pseudo-random bytes (4 KiB, a whole page).
fn scribble(db: &Path, page: u64) {
    use std::io::{Seek, SeekFrom, Write};
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    f.seek(SeekFrom::Start((page - 1) * 4096)).unwrap();
    f.write_all(&bytes).unwrap();
}

#[test]
fn random_bytes_inside_the_threats_table_are_damage_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    assert_eq!(sqlite3_value(&db, "PRAGMA page_size"), "4096");
    // A leaf page of the threats table (dbstat lists each table's pages).
    let page: u64 =
        sqlite3_value(&db, "SELECT pageno FROM dbstat WHERE name = 'threats' AND pagetype = 'leaf' LIMIT 1")
            .parse()
            .unwrap();
    scribble(&db, page);
    let before = file_hash(&db);
    for args in [
        vec!["log", "verify", d],
        vec!["threat", "set", d, "TW-0004", "--status", "not-applicable", "--reason", "x"],
        vec!["check", d],
    ] {
        let o = tw(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains("the project file is damaged: threats:"), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(file_hash(&db), before, "nothing was written to the damaged file");
}

#[test]
fn a_write_from_an_open_project_verifies_again_after_someone_else_changed_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let na = |reason: &str| Request {
        status: Some(ThreatStatus::NotApplicable),
        reason: Some(reason.into()),
        ..Default::default()
    };
    let today = threatwright::lifecycle::today();
    let mut p = Project::open_to_edit(&db).unwrap();
    p.set_status("TW-0005", &na("one"), today).unwrap();
    // Another Threatwright process cannot write while the project is open (one writer
    // per file); the open project's next write goes ahead.
    let o = common::tw(&["threat", "set", arg(&db), "TW-0006", "--status", "not-applicable", "--reason", "two"]);
    assert_eq!(common::code(&o), 2, "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("in the Threatwright app"), "{}", common::stderr(&o));
    p.set_status("TW-0007", &na("three"), today).unwrap();
    // The sqlite3 shell writes: the open project notices and refuses.
    sqlite3(&db, "UPDATE threats SET severity = 'low' WHERE ref = 'TW-0008'");
    let err = p.set_status("TW-0009", &na("four"), today).unwrap_err();
    assert!(matches!(err, store::Error::Tampered { .. }), "{err:?}");
    assert!(err.to_string().contains("threat `TW-0008` was changed outside Threatwright: severity sealed"), "{err}");
}

#[test]
fn every_entry_records_the_operating_system_account_beside_the_configured_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let log: serde_json::Value = serde_json::from_str(&ok(&["log", arg(&db), "--format", "json"])).unwrap();
    let entries = log.as_array().unwrap();
    assert!(entries.len() > 5);
    for e in entries {
        assert_eq!(e["who"], common::USER);
        assert!(e["os_user"].as_str().unwrap().contains("uid "), "{e}");
    }
    // The last entry of each action seals what it wrote.
    assert!(entries.iter().any(|e| e["state"].as_str().is_some_and(|s| s.len() == 64)));
}

/// One changed byte in a report of each format is caught by making the report again from
/// the state it names, and the place named; the untouched report is identical.
#[test]
fn verify_report_makes_each_format_again_and_catches_one_changed_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    for format in ["pdf", "html", "md", "json", "sarif"] {
        let report = dir.path().join(format!("report.{format}"));
        ok(&["report", d, "--format", format, "-o", arg(&report)]);
        let same = ok(&["verify-report", arg(&report), d]);
        assert!(
            same.contains("made again from the current state") && same.contains("identical, byte for byte"),
            "{same}"
        );
        let bytes = one_byte_changed(&report, format);
        let changed = dir.path().join(format!("changed.{format}"));
        std::fs::write(&changed, &bytes).unwrap();
        let o = tw(&["verify-report", arg(&changed), d]);
        assert_eq!(code(&o), 1, "{format}: {}{}", stdout(&o), stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("does NOT match: made again from the current state"), "{format}: {out}");
        let place = match format {
            "pdf" => "differs first at page ",
            "json" | "sarif" => "differs first at field ",
            _ => "differs first at section “",
        };
        assert!(out.contains(place), "{format}: {out}");
    }
}

/// A report with one byte changed: a letter in the middle of the text formats, one bit
/// inside the content stream of the PDF's third page (found with qpdf, as an attacker
/// would edit it).
fn one_byte_changed(report: &Path, format: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(report).unwrap();
    if format == "pdf" {
        bytes[content_stream_of_page(report, 3) + 40] ^= 1;
    } else {
        let mut i = bytes.len() / 2;
        while !bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
    }
    bytes
}

/// Where the data of page `n`'s (first) content stream starts in `pdf`, by `qpdf --show-pages`.
fn content_stream_of_page(pdf: &Path, n: usize) -> usize {
    let out = std::process::Command::new("qpdf").arg("--show-pages").arg(pdf).output().expect("qpdf runs");
    let pages = String::from_utf8_lossy(&out.stdout).into_owned();
    let block = pages.split("page ").nth(n).expect("the page is there");
    let object = block.lines().nth(2).expect("a content stream").trim().trim_end_matches(" R").to_owned();
    let bytes = std::fs::read(pdf).unwrap();
    let header = format!("\n{}", object.replace(" 0", " 0 obj"));
    let at = bytes.windows(header.len()).position(|w| w == header.as_bytes()).expect("the object is in the file");
    at + bytes[at..].windows(7).position(|w| w == b"stream\n").expect("its stream") + 7
}

/// The state right after a sign-off is the state signed: a report made then is made again
/// from that baseline's recorded state once the project has moved on (every format, byte
/// for byte; one changed byte caught), and one made of a state that was never signed off
/// is refused.
#[test]
fn a_report_made_after_a_sign_off_is_made_again_from_that_sign_offs_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    // A threat sign-off, then the model signed again: the state of baseline 2.
    ok(&["review", "sign", d, "--threat", "TW-0001", "--reviewer", "Lead Reviewer", "--note", "holds"]);
    ok(&["review", "sign", d, "--reviewer", "Lead Reviewer", "--note", "second workshop"]);
    let formats = ["pdf", "html", "md", "json", "sarif"];
    for f in formats {
        ok(&["report", d, "--format", f, "-o", arg(&dir.path().join(format!("signed.{f}")))]);
    }
    // The project moves on: a decision, a mitigation, a model change, another baseline.
    ok(&["threat", "set", d, "TW-0004", "--status", "not-applicable", "--reason", "moved on"]);
    let unsigned = dir.path().join("unsigned.md");
    ok(&["report", d, "--format", "md", "-o", arg(&unsigned)]);
    ok(&["mitigation", "add", d, "--title", "Mutual TLS to the processor", "--threat", "TW-0003"]);
    let yaml = ok(&["export", d]).replace("technology: Kotlin 1.9", "technology: Kotlin 2.0");
    let y = dir.path().join("changed.yaml");
    std::fs::write(&y, yaml).unwrap();
    ok(&["import", arg(&y), "-o", d, "--force"]);
    ok(&["review", "sign", d, "--reviewer", "Lead Reviewer", "--note", "third workshop"]);

    for f in formats {
        let signed = dir.path().join(format!("signed.{f}"));
        let out = ok(&["verify-report", arg(&signed), d]);
        assert!(
            out.contains("made again from the state signed off as baseline 2 by Lead Reviewer")
                && out.contains("identical, byte for byte"),
            "{f}: {out}"
        );
        let bytes = one_byte_changed(&signed, f);
        let changed = dir.path().join(format!("changed.{f}"));
        std::fs::write(&changed, &bytes).unwrap();
        let o = tw(&["verify-report", arg(&changed), d]);
        assert_eq!(code(&o), 1, "{f}: {}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).contains("does NOT match: made again from the state signed off as baseline 2"),
            "{f}: {}",
            stdout(&o)
        );
    }
    let o = tw(&["verify-report", arg(&unsigned), d]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("no baseline has its state"), "{}", stdout(&o));
    // Other rules than those the state was analysed with cannot make it again: said so.
    let o = tw(&["verify-report", arg(&dir.path().join("signed.md")), d, "--rules", "tests/fixtures/rules"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("run verify-report with that library"), "{}", stdout(&o));
}

/// A state changed and changed back after a sign-off is still the state signed: a report
/// made then is made again from the baseline. A report whose audit-log head is moved to an
/// entry where the state was another is refused, with the row that differs.
#[test]
fn the_state_at_a_reports_entry_is_checked_row_by_row_against_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    ok(&["mitigation", "set", d, "M-0001", "--status", "planned"]);
    ok(&["mitigation", "set", d, "M-0001", "--status", "proposed"]);
    let report = dir.path().join("r.md");
    ok(&["report", d, "--format", "md", "-o", arg(&report)]);
    ok(&["threat", "set", d, "TW-0005", "--status", "not-applicable", "--reason", "moved on"]);
    ok(&["threat", "set", d, "TW-0006", "--status", "not-applicable", "--reason", "moved on again"]);
    let out = ok(&["verify-report", arg(&report), d]);
    assert!(out.contains("made again from the state signed off as baseline 1"), "{out}");

    // The head moved to a later entry (not the last), everywhere the report names it.
    let log: serde_json::Value = serde_json::from_str(&ok(&["log", d, "--format", "json"])).unwrap();
    let head = |e: &serde_json::Value| format!("{}:{}", e["seq"], e["hash"].as_str().unwrap());
    let entries = log.as_array().unwrap();
    let (was, forged) = (head(&entries[entries.len() - 3]), head(&entries[entries.len() - 2]));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains(&was), "the report names its head {was}");
    let moved = dir.path().join("moved.md");
    std::fs::write(&moved, text.replace(&was, &forged)).unwrap();
    let o = tw(&["verify-report", arg(&moved), d]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("differs from the state signed (threats `TW-0005`"), "{}", stdout(&o));
}

/// An acceptance signed with the approver's SSH key: kept in the log, shown in reports,
/// and verifiable by an auditor with plain `ssh-keygen -Y verify` and an allowed-signers
/// file; a changed signed decision no longer verifies.
#[test]
fn an_ssh_signed_acceptance_is_verified_with_ssh_keygen() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    let key = dir.path().join("ciso_key");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ciso@paystream.example", "-f"])
        .arg(&key)
        .status()
        .expect("OpenSSH's ssh-keygen is installed");
    assert!(made.success());
    ok(&[
        "threat",
        "set",
        d,
        "TW-0006",
        "--status",
        "accepted",
        "--approver",
        "Carla CISO",
        "--reason",
        "WAF rule 42",
        "--expires",
        "2030-06-30",
        "--sign-with",
        arg(&key),
    ]);
    let sigs = dir.path().join("sigs");
    let listed = ok(&["log", "signatures", d, "--dir", arg(&sigs)]);
    assert!(listed.contains("threat.status TW-0006 by Ana Architect") && listed.contains("good signature"), "{listed}");
    let seq: u64 = listed.split_whitespace().nth(1).unwrap().parse().unwrap();
    let statement = sigs.join(format!("entry-{seq:06}.txt"));
    let text = std::fs::read_to_string(&statement).unwrap();
    assert!(
        text.contains(
            "object: TW-0006\nstatus: accepted\napprover: Carla CISO\nreason: WAF rule 42\nexpires: 2030-06-30\n"
        ),
        "{text}"
    );

    // The auditor's check: plain ssh-keygen and an allowed-signers file.
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = dir.path().join("allowed_signers");
    let mut fields = public.split_whitespace();
    std::fs::write(&allowed, format!("ciso@paystream.example {} {}\n", fields.next().unwrap(), fields.next().unwrap()))
        .unwrap();
    let verify = |statement: &Path| {
        Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", "ciso@paystream.example", "-n", "threatwright-approval", "-s"])
            .arg(sigs.join(format!("entry-{seq:06}.txt.sig")))
            .stdin(std::fs::File::open(statement).unwrap())
            .output()
            .unwrap()
    };
    let good = verify(&statement);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    assert!(
        String::from_utf8_lossy(&good.stdout)
            .contains("Good \"threatwright-approval\" signature for ciso@paystream.example")
    );
    let forged = sigs.join("forged.txt");
    std::fs::write(&forged, text.replace("2030-06-30", "2099-12-31")).unwrap();
    assert!(!verify(&forged).status.success(), "a changed statement does not verify");

    // Reports show which approvals are signed.
    let html = ok(&["report", d, "--format", "html"]);
    assert!(
        html.contains("approved by Carla CISO, until 2030-06-30; SSH-signed with key SHA256:"),
        "the signed acceptance is marked"
    );
    assert!(
        html.contains("approved by CISO, until 2030-01-01; not signed"),
        "the unsigned acceptance of TW-0001 is marked as such"
    );
    ok(&["log", "verify", d]);
}

#[test]
fn approvals_need_a_known_person() {
    let dir = tempfile::tempdir().unwrap();
    let db = triaged(dir.path());
    let d = arg(&db);
    // "unknown" is what an unconfigured user is recorded as when nothing names them.
    let nobody = |args: &[&str]| common::tw_env(args, &[("THREATWRIGHT_USER", "unknown")]);
    for args in [
        vec![
            "threat",
            "set",
            d,
            "TW-0007",
            "--status",
            "accepted",
            "--approver",
            "CISO",
            "--reason",
            "r",
            "--expires",
            "2030-01-01",
        ],
        vec!["review", "sign", d, "--reviewer", "Someone"],
        vec!["review", "sign", d, "--threat", "TW-0001", "--reviewer", "Someone"],
    ] {
        let o = nobody(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("needs a known person: the user's name is not set"), "{}", stderr(&o));
    }
    let o = tw(&[
        "threat",
        "set",
        d,
        "TW-0007",
        "--status",
        "accepted",
        "--approver",
        "unknown",
        "--reason",
        "r",
        "--expires",
        "2030-01-01",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("its approver is named \"unknown\""), "{}", stderr(&o));
}
