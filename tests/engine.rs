//! The threat engine on small models: graph facts, identity across edits, the register
//! in a project file. Rules here are test fixtures (`tests/fixtures/rules/`), so these
//! tests do not move when the built-in library grows.

use std::path::Path;
use threatwright::graph::Facts;
use threatwright::io::yaml::{self, Limits};
use threatwright::model::{Model, ThreatStatus};
use threatwright::rules::{self, Library};
use threatwright::store::Project;

fn model(src: &str) -> Model {
    let loaded = yaml::load_str(src, "test.yaml", &Limits::default());
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let mut m = loaded.model.unwrap();
    m.canonicalize();
    m
}

fn fixture_library() -> Library {
    let texts = yaml::rules::user_texts(Path::new("tests/fixtures/rules")).unwrap();
    let (library, diagnostics) = yaml::rules::assemble(&texts);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert!(yaml::rules::run_examples(&texts, &library).is_empty());
    library
}

const SHOP: &str = "
format_version: 1
system: {name: Shop}
boundaries:
  - {key: internet, kind: internet, trust: untrusted, members: [shopper]}
  - {key: dmz, kind: dmz, trust: low, members: [gateway]}
  - {key: internal, kind: internal, trust: medium, members: [orders, orders-db]}
  - {key: cde, kind: restricted-zone, trust: high, parent: internal, members: [vault]}
external_entities:
  - {key: shopper, trust: anonymous}
  - {key: ops, trust: operator}
processes:
  - {key: gateway, kind: gateway, authentication: oauth2}
  - {key: orders, kind: service, authentication: jwt}
  - {key: vault, kind: service, authentication: mtls}
  - {key: reports, kind: worker}
data_stores:
  - {key: orders-db, kind: sql, stores: [order], access_control: per-service}
  - {key: audit, kind: log, stores: [logline]}
data_assets:
  - {key: order, classification: confidential, categories: [personal]}
  - {key: logline, classification: internal}
flows:
  - {key: browse, from: shopper, to: gateway, protocol: https}
  - {key: route, from: gateway, to: orders, protocol: http}
  - {key: save, from: orders, to: orders-db, protocol: sql, encryption: tls1.2, carries: [order]}
  - {key: tokenize, from: orders, to: vault, protocol: grpc, encryption: mtls}
  - {key: report, from: ops, to: reports, protocol: https}
  - {key: log, from: reports, to: audit}
";

#[test]
fn crossings_reachability_and_exposure() {
    let m = model(SHOP);
    let f = Facts::new(&m);
    let flow = |k: &str| f.flow(m.flows.iter().position(|x| x.key.as_str() == k).unwrap());
    let el = |k: &str| f.element(f.element_index(k).unwrap());
    // Crossings: left innermost first, then entered outermost first.
    assert_eq!(flow("browse").crossed, vec!["internet".into(), "dmz".into()]);
    assert_eq!(flow("tokenize").crossed, vec!["cde".into()]);
    assert!(flow("tokenize").enters_higher_trust());
    assert!(!flow("save").crosses_boundary());
    // Reachability follows flows from the anonymous shopper.
    assert_eq!(el("gateway").reach.anonymous, Some(1));
    assert_eq!(el("orders").reach.anonymous, Some(2));
    assert_eq!(el("vault").reach.anonymous, Some(3));
    assert_eq!(el("reports").reach.anonymous, None, "only the operator reaches the report worker");
    assert_eq!(el("reports").reach.untrusted, None);
    assert!(el("gateway").internet_exposed);
    assert!(!el("orders").internet_exposed);
    // Assets seen: carried in or out, or stored.
    assert_eq!(el("orders").assets.len(), 1);
}

#[test]
fn attack_path_to_the_sensitive_store_with_its_weakest_hop() {
    let m = model(SHOP);
    let f = Facts::new(&m);
    assert_eq!(f.attack_paths.len(), 1, "{:#?}", f.attack_paths);
    let p = &f.attack_paths[0];
    let keys = |v: &[threatwright::model::Key]| v.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(keys(&p.elements), ["shopper", "gateway", "orders", "orders-db"]);
    assert_eq!(p.target.as_str(), "orders-db");
    // gateway -> orders over plain http with jwt: strength 2, weaker than the others.
    assert_eq!(p.hops[p.weakest].flow.as_str(), "route");
    assert_eq!(p.hops[p.weakest].weaknesses, vec!["no encryption in transit".to_owned()]);
}

#[test]
fn same_model_same_register_whatever_the_input_order() {
    let library = fixture_library();
    let a = model(SHOP);
    let mut b = a.clone();
    b.processes.reverse();
    b.flows.reverse();
    let ra = rules::analyze(&a, &library, &Default::default());
    let rb = rules::analyze(&b, &library, &Default::default());
    assert_eq!(ra.threats, rb.threats);
    let titles: Vec<(&str, &str, String)> =
        ra.threats.iter().map(|t| (t.reference.as_str(), t.title.as_str(), t.severity.as_str().to_owned())).collect();
    insta::assert_debug_snapshot!(titles);
}

#[test]
fn regeneration_keeps_ids_references_and_marks_obsolete() {
    let library = fixture_library();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.twdb");
    let mut m = model(SHOP);
    m.processes.iter_mut().find(|p| p.key.as_str() == "reports").unwrap().authentication =
        Some(threatwright::model::props::Authentication::None);
    let mut p = Project::create(&db, &m).unwrap();
    let first = p.analyze(&library).unwrap().threats;
    let by_title = |ts: &[threatwright::model::Threat], needle: &str| {
        ts.iter()
            .find(|t| t.title.contains(needle))
            .cloned()
            .unwrap_or_else(|| panic!("no threat with {needle}: {ts:#?}"))
    };
    let cleartext = by_title(&first, "gateway sends data to orders");
    let noauth = by_title(&first, "reports accepts unauthenticated calls");

    // Edit: the route gets TLS (its threat goes), a new cleartext flow appears.
    m.flows.iter_mut().find(|f| f.key.as_str() == "route").unwrap().protocol =
        Some(threatwright::model::props::Protocol::Https);
    let mut extra = m.flows[0].clone();
    extra.key = "export".into();
    extra.from = "orders".into();
    extra.to = "reports".into();
    extra.protocol = Some(threatwright::model::props::Protocol::Ftp);
    m.flows.push(extra);
    p.replace_model(&m).unwrap();
    let second = p.analyze(&library).unwrap().threats;

    let again = second.iter().find(|t| t.id == noauth.id).expect("same threat found again");
    assert_eq!(again.reference, noauth.reference, "reference kept");
    let gone = second.iter().find(|t| t.id == cleartext.id).expect("obsolete threats are kept");
    assert_eq!((gone.status, gone.reference.as_str()), (ThreatStatus::Obsolete, cleartext.reference.as_str()));
    let new = by_title(&second, "orders sends data to reports");
    let max_first: u32 = first.iter().map(|t| t.reference[3..].parse::<u32>().unwrap()).max().unwrap();
    assert_eq!(new.reference, format!("TW-{:04}", max_first + 1), "new threats get the next reference");

    // The rule fires again: the threat is open again, with its old reference.
    m.flows.iter_mut().find(|f| f.key.as_str() == "route").unwrap().protocol =
        Some(threatwright::model::props::Protocol::Http);
    p.replace_model(&m).unwrap();
    let third = p.analyze(&library).unwrap().threats;
    let back = third.iter().find(|t| t.id == cleartext.id).unwrap();
    assert_eq!((back.status, back.reference.as_str()), (ThreatStatus::Open, cleartext.reference.as_str()));

    // Reopening the file shows the same register.
    drop(p);
    let reopened = Project::open(&db).unwrap().register().unwrap();
    assert_eq!(reopened.len(), third.len());
}

#[test]
fn overrides_need_a_reason_and_are_applied_and_explained() {
    let library = fixture_library();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.twdb");
    let shop = model(SHOP);
    let mut p = Project::create(&db, &shop).unwrap();
    let t = p.analyze(&library).unwrap().threats.remove(0);
    let o = threatwright::rank::Override {
        likelihood: Some(1),
        impact: None,
        reason: "only reachable over VPN".into(),
        by: "ana".into(),
    };
    let entries = p.audit_log().unwrap().len();
    // The override and the re-ranking it causes are one action: both entries, one time.
    let (after, _) = p.override_ranking(&t.reference, &o, &shop, &library).unwrap();
    assert_eq!(after.likelihood, 1);
    assert!(after.rationale.iter().any(|r| r.ends_with("by ana: only reachable over VPN")), "{:?}", after.rationale);
    let log = p.audit_log().unwrap();
    let actions: Vec<&str> = log[entries..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["threat.override", "analysis.run"]);
    assert_eq!(log[entries].at, log[entries + 1].at);
    let again = p.analyze(&library).unwrap().threats.into_iter().find(|x| x.id == t.id).unwrap();
    assert_eq!(again, after, "the register was already ranked with the override");
    let empty =
        threatwright::rank::Override { likelihood: Some(2), impact: None, reason: "  ".into(), by: "ana".into() };
    let err = p.override_ranking(&t.reference, &empty, &shop, &library).unwrap_err();
    assert_eq!(err.to_string(), "a ranking override needs a reason", "a blank reason is refused by the core");
}

/// The value a rule sees for an attribute of the element or flow with this key.
fn attr_of<'a>(
    f: &'a Facts<'_>,
    kind: threatwright::rules::attr::SubjectKind,
    key: &str,
    name: &str,
) -> threatwright::rules::attr::Val<'a> {
    use threatwright::rules::attr::{self, SubjectKind};
    let (_, a) = attr::find(kind, name).unwrap_or_else(|| panic!("no attribute {name}"));
    let i = match kind {
        SubjectKind::Flow => f.model.flows.iter().position(|x| x.key.as_str() == key).unwrap(),
        SubjectKind::DataAsset => f.model.data_assets.iter().position(|x| x.key.as_str() == key).unwrap(),
        _ => f.element_index(key).unwrap(),
    };
    (a.get)(f, i)
}

const ROUTES: &str = "
format_version: 1
system: {name: Routes}
boundaries:
  - {key: edge, kind: dmz, members: [api]}
  - {key: core, kind: restricted-zone, trust: medium, members: [db]}
external_entities:
  - {key: app, trust: anonymous, embedded_secret: true}
  - {key: crm, trust: third-party-vendor, vendor: {data_location: EU, retention_days: 30, deletion_path: false}}
processes:
  - key: api
    authentication: session
    authorization: [object-level]
    max_request_bytes: unlimited
    max_page_size: 100
    session: {mfa: optional, csrf_protection: false, lifetime_minutes: unlimited, idle_timeout_minutes: 30}
    graphql: {max_depth: unlimited, batching: unlimited}
    operations:
      - {route: 'POST /signup', access: anonymous, changes_state: true}
      - {route: 'GET /catalog', access: optional-login}
      - {route: '/admin/*', access: authenticated, admin: true}
      - {route: '/ops/*', access: authenticated, admin: true, authorization: [role]}
data_stores:
  - {key: db, stores: [profile]}
data_assets:
  - {key: profile, categories: [personal]}
  - {key: token, categories: [credentials], lifetime_minutes: unlimited}
flows:
  - {key: lookup, from: api, to: crm, carries: [], returns: [profile], not_needed: [profile]}
  - {key: login, from: app, to: api, credentials_in: query-string, returns: [token]}
  - {key: save, from: api, to: db, carries: [profile]}
";

#[test]
fn new_vocabulary_reaches_the_rules() {
    use threatwright::rules::attr::{SubjectKind, Val};
    let m = model(ROUTES);
    let f = Facts::new(&m);
    let p = |name: &str| attr_of(&f, SubjectKind::Process, "api", name);
    // `unlimited` compares above every number; numbers stay numbers.
    assert_eq!(p("max_request_bytes"), Val::Num(u64::MAX));
    assert_eq!(p("max_page_size"), Val::Num(100));
    assert_eq!(p("session_lifetime_minutes"), Val::Num(u64::MAX));
    assert_eq!(p("session_idle_timeout_minutes"), Val::Num(30));
    assert_eq!(p("mfa"), Val::Word("optional"));
    assert_eq!(p("csrf_protection"), Val::Bool(false));
    assert_eq!(p("graphql_batching"), Val::Word("unlimited"));
    assert_eq!(p("graphql_unbounded"), Val::Bool(true), "depth unlimited, cost unstated");
    // Operations: counted by access and purpose; admin checks fall back to the process's.
    assert_eq!(p("operation_count"), Val::Num(4));
    assert_eq!(p("anonymous_operations"), Val::Num(2));
    assert_eq!(p("anonymous_state_changing_operations"), Val::Num(1));
    assert_eq!(p("admin_operations"), Val::Num(2));
    assert_eq!(p("anonymous_admin_operations"), Val::Num(0));
    assert_eq!(p("unchecked_admin_operations"), Val::Num(1), "/admin/* has only the process's object-level check");
    // Entities and vendors.
    assert_eq!(attr_of(&f, SubjectKind::ExternalEntity, "app", "embedded_secret"), Val::Bool(true));
    assert_eq!(attr_of(&f, SubjectKind::ExternalEntity, "crm", "deletion_path"), Val::Bool(false));
    assert_eq!(attr_of(&f, SubjectKind::ExternalEntity, "crm", "vendor_retention_days"), Val::Num(30));
    assert_eq!(attr_of(&f, SubjectKind::ExternalEntity, "crm", "data_location"), Val::Text("EU"));
    // Flows and assets.
    assert_eq!(attr_of(&f, SubjectKind::Flow, "login", "credentials_in"), Val::Word("query-string"));
    assert_eq!(attr_of(&f, SubjectKind::Flow, "login", "returns_data"), Val::Bool(true));
    assert_eq!(attr_of(&f, SubjectKind::DataAsset, "token", "lifetime_minutes"), Val::Num(u64::MAX));
    // Data returned on a response reaches the caller: the vendor sends the profile back
    // to the API (not needed there), the app receives the token.
    assert_eq!(attr_of(&f, SubjectKind::ExternalEntity, "crm", "sends_unneeded_sensitive"), Val::Bool(true));
    assert_eq!(attr_of(&f, SubjectKind::Process, "api", "sends_unneeded_sensitive"), Val::Bool(false));
    assert_eq!(attr_of(&f, SubjectKind::Flow, "lookup", "sends_unneeded_sensitive"), Val::Bool(true));
    let profile = f.asset_index("profile").unwrap();
    let token = f.asset_index("token").unwrap();
    assert!(f.receives_asset(f.element_index("api").unwrap(), profile));
    assert!(!f.receives_asset(f.element_index("crm").unwrap(), profile), "the vendor returns it; it is not sent to it");
    assert_eq!(f.asset_vendor_count(profile), 0);
    assert!(f.receives_asset(f.element_index("app").unwrap(), token));
    let login = m.flows.iter().position(|x| x.key.as_str() == "login").unwrap();
    assert_eq!(f.flow(login).assets, vec![token], "returned data is on the wire");
    // A boundary without trust takes it from its kind (dmz: low); a stated one wins.
    assert_eq!(attr_of(&f, SubjectKind::Process, "api", "zone_trust"), Val::Word("low"));
    assert_eq!(attr_of(&f, SubjectKind::DataStore, "db", "zone_trust"), Val::Word("medium"));
}

#[test]
fn limits_and_routes_are_checked_where_they_are_written() {
    let bad = "
format_version: 1
system: {name: Bad}
boundaries:
  - {key: edge, kind: dmz, members: [api]}
processes:
  - key: api
    authentication: none
    max_page_size: lots
    parses_xml: false
    xml_external_entities: false
    operations:
      - {route: ' ', access: authenticated}
";
    let loaded = yaml::load_str(bad, "bad.yaml", &Limits::default());
    let shown: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("max_page_size") && d.contains("expected a whole number or `unlimited`, found `lots`")),
        "{shown:#?}"
    );
    let fixed = bad.replace("max_page_size: lots", "max_page_size: 0");
    let loaded = yaml::load_str(&fixed, "bad.yaml", &Limits::default());
    let shown: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    let has = |code: &str, text: &str| shown.iter().any(|d| d.contains(code) && d.contains(text));
    assert!(has("TW-E018", "returns at most 0 items per response"), "{shown:#?}");
    assert!(has("TW-E018", "parses no XML"), "{shown:#?}");
    assert!(has("TW-E018", "has an empty `route`"), "{shown:#?}");
    assert!(has("TW-E018", "takes signed-in callers, but the process authenticates no one"), "{shown:#?}");
    assert!(has("TW-W007", "boundary `edge` states no `trust`; rules take `low` from its kind `dmz`"), "{shown:#?}");
}
