//! Importers: OpenAPI specifications (3.0 and 3.1, YAML and JSON, several sizes), Microsoft
//! TMT `.tm7`, OWASP Threat Dragon v2 and Threagile, from the fixtures in
//! tests/fixtures/import/ (our own files, written to each format's published structure),
//! through the real CLI into real project files. Imported models and reports are
//! snapshotted; malformed and hostile inputs must fail with the file named, never panic.

mod common;

use common::{ok, tw};
use std::path::{Path, PathBuf};

fn fails(args: &[&str]) -> String {
    let o = tw(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} should fail as bad input\nstdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(rel)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The project's model as canonical YAML (what a snapshot compares).
fn exported(db: &Path) -> String {
    ok(&["export", s(db)])
}

/// Runs an import into a fresh project and returns (report JSON, model YAML), with the
/// fixture's absolute path made relative so snapshots do not depend on the checkout.
fn import(kind: &str, rel: &str) -> (serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.twdb");
    let src = fixture(rel);
    let report = ok(&["import", kind, s(&src), "-o", s(&db), "--format", "json"]);
    let root = format!("{}/", fixture("").display().to_string().trim_end_matches('/'));
    let report = report.replace(&root, "");
    let model = exported(&db).replace(&root, "");
    (serde_json::from_str(&report).expect("the report is JSON"), model)
}

#[test]
fn openapi_specs_import_and_match_their_snapshots() {
    for (rel, processes, assets) in [
        ("openapi/petcare-clinic-3.0.yaml", 1, 3),
        ("openapi/parcel-tracking-3.1.json", 1, 3),
        ("openapi/open-banking-accounts-3.0.json", 1, 3),
        ("openapi/internal-inventory-3.1.yaml", 1, 0),
    ] {
        let (report, model) = import("openapi", rel);
        assert_eq!(report["counts"]["processes"], processes, "{rel}: {report:#}");
        assert_eq!(report["counts"].get("data assets").and_then(|n| n.as_u64()).unwrap_or(0), assets, "{rel}");
        let name = Path::new(rel).file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_json_snapshot!(format!("openapi-report-{name}"), report);
        insta::assert_snapshot!(format!("openapi-model-{name}"), model);
    }
}

#[test]
fn openapi_inference_names_what_needs_a_person() {
    let (report, model) = import("openapi", "openapi/petcare-clinic-3.0.yaml");
    let notes = report["notes"].as_array().unwrap();
    let text = |kind: &str| -> Vec<String> {
        notes.iter().filter(|n| n["kind"] == kind).map(|n| n["message"].as_str().unwrap().to_owned()).collect()
    };
    let review = text("needs-review");
    assert!(
        review.iter().any(|m| m.contains("http://staging-api.pawpath.example") && m.contains("without TLS")),
        "{review:#?}"
    );
    assert!(review.iter().any(|m| m.contains("need no authentication") && m.contains("login")), "{review:#?}");
    assert!(review.iter().any(|m| m.starts_with("payload cap unknown")), "{review:#?}");
    let inferred = text("inferred");
    assert!(inferred.iter().any(|m| m.starts_with("Personal data suggested")), "{inferred:#?}");
    assert!(inferred.iter().any(|m| m.starts_with("Credentials and tokens suggested")), "{inferred:#?}");
    // Suggested assets are marked as such in the model.
    assert!(model.contains("- suggested"), "{model}");
    // An http: server makes the flows unencrypted; the clients sit in the internet boundary.
    assert!(model.contains("encryption: none"), "{model}");
    assert!(model.contains("kind: internet"), "{model}");
}

#[test]
fn openapi_split_by_tag_makes_a_process_per_tag_group() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.twdb");
    let src = fixture("openapi/open-banking-accounts-3.0.json");
    let report = ok(&["import", "openapi", s(&src), "-o", s(&db), "--split-by", "tag", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let processes = report["counts"]["processes"].as_u64().unwrap();
    assert!(processes >= 4, "accounts, payments, consents, admin (+ untagged): {report:#}");
    assert_eq!(report["counts"]["APIs"].as_u64().unwrap(), processes);
}

#[test]
fn openapi_malformed_specs_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.twdb");
    let cases = [
        ("openapi/bad/bad-ref.yaml", "#/components/schemas/Member"),
        ("openapi/bad/cyclic-ref-only.yaml", "cycle"),
        ("openapi/bad/wrong-version.yaml", "Swagger 2.0 is not supported"),
        ("openapi/bad/not-openapi.json", "not an OpenAPI document"),
        ("openapi/bad/wrong-types.yaml", "`paths` must be a mapping"),
    ];
    for (rel, needle) in cases {
        let err = fails(&["import", "openapi", s(&fixture(rel)), "-o", s(&out)]);
        assert!(err.contains(rel.rsplit('/').next().unwrap()), "{rel}: the file is named: {err}");
        assert!(err.contains(needle), "{rel}: {err}");
        assert!(!out.exists(), "{rel}: no project file is left behind");
    }
    // A schema that refers to itself inside its properties is valid, and imports.
    ok(&["import", "openapi", s(&fixture("openapi/bad/cyclic-ref.yaml")), "-o", s(&out)]);
    // 50 MB is refused before it is read.
    let big = dir.path().join("huge.yaml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let err = fails(&["import", "openapi", s(&big), "-o", s(&dir.path().join("h.twdb"))]);
    assert!(err.contains("huge.yaml") && err.contains("larger than"), "{err}");
}

#[test]
fn merging_a_newer_spec_keeps_identity_positions_and_threat_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.twdb");
    let d = s(&db);
    ok(&["import", "openapi", s(&fixture("openapi/petcare-clinic-3.0.yaml")), "-o", d]);
    // A decision on one threat of the service, and a position for it.
    let register: serde_json::Value = serde_json::from_str(&ok(&["analyze", d, "--format", "json"])).unwrap();
    let first = register["threats"].as_array().and_then(|a| a.first()).cloned().expect("the import found threats");
    let reference = first["reference"].as_str().unwrap().to_owned();
    ok(&["threat", "set", d, &reference, "--status", "not-applicable", "--reason", "handled by the platform"]);
    let yaml = dir.path().join("placed.yaml");
    ok(&["export", d, "-o", s(&yaml)]);
    let text = std::fs::read_to_string(&yaml).unwrap();
    let placed = text.replacen(
        "- key: pawpath-clinic-booking-api-service\n",
        "- key: pawpath-clinic-booking-api-service\n  position:\n    x: 420.0\n    y: 160.0\n",
        1,
    );
    assert_ne!(placed, text, "the service is in the export");
    std::fs::write(&yaml, placed).unwrap();
    ok(&["import", s(&yaml), "-o", d, "--force"]);

    let out = ok(&["import", "openapi", s(&fixture("openapi/petcare-clinic-3.0-v2.yaml")), "--into", d]);
    assert!(out.contains("version: 1.4.0 → 1.5.0"), "the merge shows what changed: {out}");
    let after = exported(&db);
    assert!(after.contains("x: 420.0"), "the position is kept: {after}");
    assert_eq!(after.matches("- key: pawpath-clinic-booking-api-service\n").count(), 1, "no duplicate service");
    let shown = ok(&["threat", "show", d, &reference]);
    assert!(shown.contains("not-applicable") && shown.contains("handled by the platform"), "{shown}");
}

#[test]
fn other_tools_models_import_and_match_their_snapshots() {
    for (kind, rel, threats) in [
        ("tm7", "tm7/webshop.tm7", 9),
        ("threat-dragon", "threat-dragon/payments-portal.json", 9),
        ("threagile", "threagile/claims-platform.yaml", 4),
    ] {
        let (report, model) = import(kind, rel);
        assert_eq!(report["counts"]["threats"], threats, "{rel}: {report:#}");
        let notes = report["notes"].as_array().unwrap();
        assert!(notes.iter().any(|n| n["kind"] == "unsupported"), "{rel}: what is not taken over is reported");
        // The threats the other tool recorded are in the register, with their states.
        assert!(model.contains("threats:") && model.contains("status:"), "{rel}");
        let name = Path::new(rel).file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_json_snapshot!(format!("{kind}-report-{name}"), report);
        insta::assert_snapshot!(format!("{kind}-model-{name}"), model);
    }
}

#[test]
fn tm7_states_map_to_statuses_and_members_come_from_the_drawing() {
    let (_, model) = import("tm7", "tm7/webshop.tm7");
    for status in ["status: mitigated", "status: not-applicable", "status: open"] {
        assert!(model.contains(status), "{status}: {model}");
    }
    // Positions come along; the box boundary's members are decided by geometry.
    assert!(model.contains("position:"), "{model}");
    let boundary = &model[model.find("boundaries:").unwrap()..model.find("external_entities:").unwrap()];
    assert!(boundary.contains("members:") && boundary.contains("- order-service"), "{boundary}");
}

#[test]
fn hostile_and_malformed_files_of_other_tools_fail_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.twdb");
    for (kind, rel, needle) in [
        ("tm7", "tm7/bad/xml-bomb.tm7", "DTD is refused"),
        ("tm7", "tm7/bad/external-entity.tm7", "DTD is refused"),
        ("tm7", "tm7/bad/not-tm7.xml", "not a Threat Modeling Tool model"),
        ("tm7", "tm7/bad/truncated.tm7", "XML"),
        ("threat-dragon", "threat-dragon/bad/v1-format.json", "v1"),
        ("threat-dragon", "threat-dragon/bad/wrong-types.json", "expected"),
        ("threagile", "threagile/bad/wrong-types.yaml", "threagile"),
        ("threagile", "threagile/bad/unknown-link-target.yaml", "no technical asset has the id"),
    ] {
        let err = fails(&["import", kind, s(&fixture(rel)), "-o", s(&out)]);
        assert!(err.contains(rel.rsplit('/').next().unwrap()), "{rel}: the file is named: {err}");
        assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{rel}: {err}");
        assert!(!out.exists(), "{rel}: no project file is left behind");
    }
    // Garbage of every kind never panics (exit 2, a message).
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>()).unwrap();
    for kind in ["openapi", "tm7", "threat-dragon", "threagile"] {
        fails(&["import", kind, s(&junk), "-o", s(&out)]);
    }
}

#[test]
fn threat_dragon_export_round_trips_through_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.twdb");
    let d = s(&db);
    ok(&["new", d, "--from", concat!(env!("CARGO_MANIFEST_DIR"), "/models/examples/payments-api.yaml")]);
    let json = dir.path().join("p.json");
    ok(&["export", d, "--format", "threat-dragon", "-o", s(&json)]);
    let td: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(td["version"], "2.2.0");
    let cells = td["detail"]["diagrams"][0]["cells"].as_array().unwrap();
    for shape in ["actor", "process", "store", "flow", "trust-boundary-box"] {
        assert!(cells.iter().any(|c| c["shape"] == shape), "{shape}");
    }
    let back = dir.path().join("back.twdb");
    ok(&["import", "threat-dragon", s(&json), "-o", s(&back)]);
    let load = |db: &Path| {
        threatwright::io::yaml::load_str(&exported(db), "x.yaml", &Default::default())
            .model
            .expect("the export reads back")
    };
    let (a, b) = (load(&db), load(&back));
    // Elements, flows (by their ends' names) and boundaries come back; data assets and the
    // API inventory have no place in Threat Dragon.
    let elements = |m: &threatwright::model::Model| -> std::collections::BTreeSet<(String, String)> {
        m.elements().map(|e| (format!("{:?}", e.kind()), e.name().to_owned())).collect()
    };
    assert_eq!(elements(&a), elements(&b));
    let name_of = |m: &threatwright::model::Model, k: &threatwright::model::Key| {
        m.elements().find(|e| e.key() == k).map(|e| e.name().to_owned()).unwrap_or_default()
    };
    let flows = |m: &threatwright::model::Model| -> std::collections::BTreeSet<(String, String, String)> {
        m.flows
            .iter()
            .map(|f| (threatwright::model::Item::display_name(f).to_owned(), name_of(m, &f.from), name_of(m, &f.to)))
            .collect()
    };
    assert_eq!(flows(&a), flows(&b));
    let boundaries = |m: &threatwright::model::Model| -> std::collections::BTreeSet<String> {
        m.boundaries.iter().map(|x| threatwright::model::Item::display_name(x).to_owned()).collect()
    };
    assert_eq!(boundaries(&a), boundaries(&b));
}

/// GitHub's official REST API description (OpenAPI 3.0.3, 13 MB, 1,223 operations), pinned
/// by version and SHA-256 in scripts/setup.sh, which puts it in .cache/openapi/.
#[test]
fn a_real_world_specification_imports() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/openapi/api.github.com.json");
    assert!(spec.exists(), "{} is missing: run `scripts/setup.sh test` (make test does)", spec.display());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gh.twdb");
    let report = ok(&["import", "openapi", s(&spec), "-o", s(&db), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["counts"]["processes"], 1);
    let notes: Vec<String> =
        report["notes"].as_array().unwrap().iter().map(|n| n["message"].as_str().unwrap().to_owned()).collect();
    // The description states no `security` at all (GitHub documents authentication in
    // prose): every operation is flagged for a person to review.
    assert!(notes.iter().any(|m| m.starts_with("1223 operation(s) need no authentication")), "{notes:#?}");
    assert!(notes.iter().any(|m| m.starts_with("Credentials and tokens suggested")), "{notes:#?}");
    // Split by tag: one process per tag group of the API.
    let split = dir.path().join("gh-tags.twdb");
    let report = ok(&["import", "openapi", s(&spec), "-o", s(&split), "--split-by", "tag", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(report["counts"]["processes"].as_u64().unwrap() > 20, "{}", report["counts"]);
}
