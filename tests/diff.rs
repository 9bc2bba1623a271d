//! Design-change diff: before/after model pairs in tests/fixtures/diff/ (made by make.py
//! there from the payments example), each compared with the real YAML reader and the
//! built-in rules; the JSON diff is snapshotted. Plus a rename that keeps identity, and the
//! CLI's exit code with --fail-on.

mod common;

use std::path::Path;
use std::process::Command;
use threatwright::diff::{self, Change, Direction, ThreatChangeKind};

fn load(path: &Path) -> (threatwright::model::Model, Vec<threatwright::model::Threat>) {
    let lib = threatwright::session::builtin_library().expect("rules");
    threatwright::workflow::load_version(path.to_str().unwrap(), &lib, &Default::default()).expect("loads")
}

fn case(name: &str) -> diff::Diff {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff").join(name);
    let (a, at) = load(&dir.join("old.yaml"));
    let (b, bt) = load(&dir.join("new.yaml"));
    let lib = threatwright::session::builtin_library().expect("rules");
    threatwright::workflow::diff_versions(("old.yaml", &a, &at), ("new.yaml", &b, &bt), &lib)
}

#[test]
fn a_pure_layout_change_is_no_change() {
    let d = case("layout-only");
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(d.verdict.risk, Direction::Unchanged);
}

#[test]
fn validating_webhook_signatures_resolves_threats() {
    let d = case("webhook-signature-validation");
    assert_eq!(d.verdict.risk, Direction::Down);
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].fields[0].field, "validates_webhook_signatures");
    assert!(d.threats.iter().all(|t| t.change == ThreatChangeKind::Resolved));
    assert!(!d.fails_at(threatwright::model::RiskLevel::Low));
    insta::assert_json_snapshot!("webhook-signature-validation", d);
}

#[test]
fn a_vendor_receiving_personal_data_adds_threats_and_a_boundary_crossing() {
    let d = case("analytics-vendor-gets-personal-data");
    assert_eq!(d.verdict.risk, Direction::Up);
    assert_eq!(d.items.iter().filter(|i| i.change == Change::Added).count(), 3);
    // The crossing names the boundaries crossed.
    let crossing = d.facts.iter().find(|f| f.fact == "crosses-boundary" && f.key == "dashboard-to-analytics" && f.now);
    assert!(crossing.and_then(|f| f.detail.as_deref()).is_some_and(|b| b.contains("Analytics vendor")), "{crossing:?}");
    // No attestation is stated: a question for the review, not a threat (the missing
    // agreement is stated, so it is a threat, said once on the vendor).
    assert!(d.questions.iter().any(|q| q.change == "asked" && q.ask.contains("attestations")));
    assert_eq!(d.threats.iter().filter(|t| t.title.contains("without a data processing agreement")).count(), 1);
    assert!(d.threats.iter().any(|t| t.change == ThreatChangeKind::New));
    assert!(d.fails_at(threatwright::model::RiskLevel::Medium));
    assert!(!d.fails_at(threatwright::model::RiskLevel::High), "questions never fail the gate");
    insta::assert_json_snapshot!("analytics-vendor-gets-personal-data", d);
}

#[test]
fn a_property_only_change_raises_risk() {
    let d = case("gateway-stops-rate-limiting");
    assert_eq!(d.verdict.risk, Direction::Up);
    let f: Vec<&str> = d.items[0].fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(f, ["rate_limit_per_minute", "rate_limited"]);
    insta::assert_json_snapshot!("gateway-stops-rate-limiting", d);
    insta::assert_snapshot!("gateway-stops-rate-limiting-md", diff::render::markdown(&d));
}

#[test]
fn a_renamed_key_with_the_same_identity_is_a_rename_and_keeps_its_threats() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/layout-only");
    let (a, at) = load(&dir.join("old.yaml"));
    let mut b = a.clone();
    let old_key = threatwright::model::Key::new("fraud-check-service");
    let new_key = threatwright::model::Key::new("risk-scoring-service");
    let p = b.processes.iter_mut().find(|p| p.key == old_key).expect("the service");
    p.id = Some(threatwright::model::Item::id(&*p));
    p.key = new_key.clone();
    for f in &mut b.flows {
        for end in [&mut f.from, &mut f.to] {
            if *end == old_key {
                *end = new_key.clone();
            }
        }
    }
    for api in &mut b.apis {
        for k in api.provider.iter_mut().chain(api.consumers.iter_mut()) {
            if *k == old_key {
                *k = new_key.clone();
            }
        }
    }
    for bd in &mut b.boundaries {
        for m in &mut bd.members {
            if *m == old_key {
                *m = new_key.clone();
            }
        }
    }
    let lib = threatwright::session::builtin_library().unwrap();
    let bt = threatwright::workflow::analyze_document(&b, &lib).threats;
    let d = diff::diff("old", &a, &at, "new", &b, &bt);
    assert_eq!(d.items.len(), 1, "{:#?}", d.items);
    assert_eq!(d.items[0].renamed_from.as_deref(), Some("fraud-check-service"));
    assert!(
        d.threats.iter().all(|t| t.change != ThreatChangeKind::New && t.change != ThreatChangeKind::Resolved),
        "{:#?}",
        d.threats
    );
}

#[test]
fn the_cli_fails_on_new_high_threats_and_prints_markdown() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/analytics-vendor-gets-personal-data");
    let out = common::command(&[])
        .args(["diff", "--format", "md", "--fail-on", "medium"])
        .arg(dir.join("old.yaml"))
        .arg(dir.join("new.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("## Threat model review"));
    assert!(md.contains("| new threats | 0 | 0 | 1 | 0 |"), "{md}");
    assert!(md.contains("Review questions, not threats (3)"), "{md}");
    let out = common::command(&[])
        .args(["diff", "--fail-on", "high"])
        .arg(dir.join("old.yaml"))
        .arg(dir.join("new.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let bad = common::command(&[]).args(["diff", "nope.yaml@baseline", "x.yaml"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("only a project file"));
}

#[test]
fn two_git_revisions_of_a_model_are_compared() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(repo.path()).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/webhook-signature-validation");
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.org"]);
    git(&["config", "user.name", "T"]);
    std::fs::write(repo.path().join("m.yaml"), std::fs::read(fixtures.join("old.yaml")).unwrap()).unwrap();
    git(&["add", "m.yaml"]);
    git(&["commit", "-q", "-m", "before"]);
    std::fs::write(repo.path().join("m.yaml"), std::fs::read(fixtures.join("new.yaml")).unwrap()).unwrap();
    git(&["commit", "-q", "-am", "after"]);
    let out = common::command(&[])
        .args(["diff", "git:HEAD~1:m.yaml", "git:HEAD:m.yaml", "--format", "json"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["verdict"]["risk"], "down");
    assert_eq!(d["items"][0]["key"], "processor-webhook-receiver");
    let bad = common::command(&[])
        .args(["diff", "git:HEAD~5:m.yaml", "git:HEAD:m.yaml"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("git:HEAD~5:m.yaml"));
}

#[test]
fn removing_the_gateway_makes_the_service_internet_facing() {
    let d = case("gateway-removed-service-internet-facing");
    assert_eq!(d.verdict.risk, Direction::Up);
    assert!(d.items.iter().any(|i| i.change == Change::Removed && i.key == "payments-gateway"));
    // The example's gateway has review questions but no threat of its own; give it one
    // (errors with stack traces): removing the gateway resolves it, and says why.
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/gateway-removed-service-internet-facing");
    let old = std::fs::read_to_string(fixture.join("old.yaml")).unwrap();
    let at = old.find("- key: payments-gateway").unwrap();
    let verbose = format!("{}{}", &old[..at], old[at..].replacen("verbose_errors: false", "verbose_errors: true", 1));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old.yaml"), verbose).unwrap();
    let (a, at) = load(&tmp.path().join("old.yaml"));
    let (b, bt) = load(&fixture.join("new.yaml"));
    let lib = threatwright::session::builtin_library().unwrap();
    let removed = threatwright::workflow::diff_versions(("old.yaml", &a, &at), ("new.yaml", &b, &bt), &lib);
    let gone: Vec<_> = removed.threats.iter().filter(|t| t.change == ThreatChangeKind::Resolved).collect();
    assert!(gone.iter().any(|t| t.because.as_deref() == Some("process `payments-gateway` was removed")), "{gone:#?}");
    assert!(
        d.facts.iter().any(|f| f.fact == "internet-exposed" && f.key == "payments-service" && f.now),
        "{:#?}",
        d.facts
    );
    // The clients' flows now end at the service: changed, not removed and added.
    let card_entry = d.items.iter().find(|i| i.key == "hosted-fields-card-entry").expect("flow changed");
    assert_eq!(card_entry.change, Change::Changed);
    assert_eq!(card_entry.fields[0].field, "to");
    // The clients' calls now reach the service directly and draw threats of their own.
    assert!(d.threats.iter().any(|t| t.change == ThreatChangeKind::New && t.target.ends_with("→ Payments service)")));
    insta::assert_json_snapshot!("gateway-removed-service-internet-facing", d);
}

#[test]
fn splitting_a_service_keeps_its_identity_and_its_threats() {
    let d = case("service-split-in-two");
    let charge = d.items.iter().find(|i| i.key == "charge-service").expect("the kept half");
    assert_eq!(charge.change, Change::Changed);
    assert_eq!(charge.renamed_from.as_deref(), Some("payments-service"), "same UUID, new key");
    assert!(d.items.iter().any(|i| i.change == Change::Added && i.key == "refund-service"));
    assert!(!d.items.iter().any(|i| i.change == Change::Removed && i.what == "process"));
    // Threats on the kept half are the same threats (identity by rule + target UUID)...
    assert!(
        !d.threats.iter().any(|t| t.change == ThreatChangeKind::Resolved && t.target == "Payments service"),
        "{:#?}",
        d.threats
    );
    // ...and the new half brings its own.
    assert!(d.threats.iter().any(|t| t.change == ThreatChangeKind::New && t.target == "Refund service"));
    insta::assert_json_snapshot!("service-split-in-two", d);
}

#[test]
fn personal_data_reaching_a_vendor_is_a_derived_fact() {
    let d = case("analytics-vendor-gets-personal-data");
    let f = d
        .facts
        .iter()
        .find(|f| f.fact == "data-reaches" && f.key == "merchant-profiles" && f.now)
        .unwrap_or_else(|| panic!("{:#?}", d.facts));
    assert!(f.detail.as_deref().unwrap().contains("Product analytics vendor"), "{f:?}");
    let text = diff::render::text(&d);
    assert!(text.contains("now reaches external entity Product analytics vendor"), "{text}");
}

#[test]
fn the_json_diff_follows_its_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("models/schema/threatwright-diff.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for name in ["analytics-vendor-gets-personal-data", "service-split-in-two", "layout-only"] {
        let d = serde_json::to_value(case(name)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&d).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// A project with a mitigation and sign-offs, signed off as a baseline; then the webhook
/// receiver starts validating signatures. Its threats go, and with them the mitigation's
/// ground and the sign-offs that covered them.
#[test]
fn a_change_that_resolves_threats_reports_lost_mitigations_and_invalid_sign_offs() {
    use threatwright::session::{self, Action, Session, edit::Edit};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.twdb");
    let model = session::example("payments-api").unwrap();
    let mut s = Session::create(&path, &model, session::builtin_library().unwrap(), "Rita Reviewer").unwrap();
    let v = s.view().unwrap();
    let webhook: Vec<String> = v
        .threats
        .iter()
        .filter(|t| t.target == "processor-webhook-receiver" && t.title.to_lowercase().contains("signature"))
        .map(|t| t.reference.clone())
        .collect();
    assert!(!webhook.is_empty(), "the example has webhook signature threats");
    let other = v.threats.iter().find(|t| t.target == "settlement-worker").unwrap().reference.clone();
    let mut covered = webhook.clone();
    covered.push(other.clone());
    s.act(&Action::AddMitigation {
        title: "Verify processor signatures".into(),
        description: None,
        status: None,
        owner: Some("Payments Core".into()),
        ticket: None,
        due: None,
        threats: webhook.clone(),
    })
    .unwrap();
    s.act(&Action::AddMitigation {
        title: "Shared edge hardening".into(),
        description: None,
        status: None,
        owner: None,
        ticket: None,
        due: None,
        threats: covered,
    })
    .unwrap();
    s.act(&Action::SignThreat { reference: webhook[0].clone(), note: None, sign_with: None }).unwrap();
    s.act(&Action::SignThreat { reference: other.clone(), note: None, sign_with: None }).unwrap();
    s.act(&Action::SignModel { note: Some("design review".into()), sign_with: None }).unwrap();
    let mut fields = serde_json::Map::new();
    fields.insert("validates_webhook_signatures".into(), serde_json::json!(true));
    s.edit(&Edit::SetFields { key: "processor-webhook-receiver".into(), fields }).unwrap();
    drop(s);

    let lib = session::builtin_library().unwrap();
    let p = path.to_str().unwrap();
    let (a, at) = threatwright::workflow::load_version(&format!("{p}@baseline"), &lib, &Default::default()).unwrap();
    let (b, bt) = threatwright::workflow::load_version(p, &lib, &Default::default()).unwrap();
    let d = diff::diff("baseline", &a, &at, "now", &b, &bt);
    assert_eq!(d.verdict.risk, Direction::Down);
    let m1 = d.mitigations.iter().find(|m| m.title == "Verify processor signatures").expect("lost its threats");
    assert_eq!(m1.lost_threats, webhook);
    assert!(m1.covers_nothing);
    assert!(m1.lost_elements.is_empty(), "the receiver is still there");
    let m2 = d.mitigations.iter().find(|m| m.title == "Shared edge hardening").expect("lost some threats");
    assert!(!m2.covers_nothing, "it still covers {other}");
    let signed: Vec<(Option<&str>, &str)> =
        d.sign_offs.iter().map(|r| (r.reference.as_deref(), r.reason.as_str())).collect();
    assert!(signed.contains(&(Some(webhook[0].as_str()), "the threat is resolved: no longer found")), "{signed:?}");
    assert!(!signed.iter().any(|(r, _)| *r == Some(other.as_str())), "the gateway's sign-off still holds");
    assert!(d.sign_offs.iter().any(|r| r.scope == threatwright::model::ReviewScope::Model), "{signed:?}");
    let md = diff::render::markdown(&d);
    assert!(md.contains("Sign-offs no longer valid") && md.contains("Mitigations that lost threats"), "{md}");
}
