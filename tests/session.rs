//! The editor session (what the desktop app calls): edits, register actions, undo and
//! redo over a real project file on disk, re-analysis after each action, the lock that
//! keeps a file to one editor, export.

use threatwright::model::{RiskLevel, ThreatStatus};
use threatwright::session::edit::{Edit, Placement};
use threatwright::session::view::{DocumentView, NodeKind};
use threatwright::session::{self, Action, ExportOptions, FailureCode, Session};

fn open_example(dir: &std::path::Path) -> Session {
    let model = session::example("payments-api").expect("example loads");
    let lib = session::builtin_library().expect("rules load");
    Session::create(&dir.join("p.twdb"), &model, lib, "Tess Tester").expect("project created")
}

fn node<'a>(v: &'a DocumentView, key: &str) -> &'a threatwright::session::view::NodeView {
    v.nodes.iter().find(|n| n.key == key).unwrap_or_else(|| panic!("no node {key}"))
}

/// Sets a threat to not-applicable with the reason the lifecycle asks for.
fn not_applicable(reference: &str, reason: &str) -> Action {
    Action::SetStatus {
        reference: reference.to_owned(),
        status: ThreatStatus::NotApplicable,
        approver: None,
        reason: Some(reason.to_owned()),
        expires: None,
        transferred_to: None,
        sign_with: None,
    }
}

/// Accepts a threat with the approver (the lifecycle requires one), reason and expiry given.
fn accepted(reference: &str, approver: Option<&str>, reason: &str, expires: &str) -> Action {
    Action::SetStatus {
        reference: reference.to_owned(),
        status: ThreatStatus::Accepted,
        approver: approver.map(str::to_owned),
        reason: Some(reason.to_owned()),
        expires: Some(expires.to_owned()),
        transferred_to: None,
        sign_with: None,
    }
}

fn live(v: &DocumentView) -> usize {
    v.threats.iter().filter(|t| t.status != ThreatStatus::Obsolete).count()
}

#[test]
fn example_opens_with_positions_badges_and_a_register() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_example(dir.path());
    let v = s.view().unwrap();
    assert_eq!(v.name, "Paystream Payments API");
    assert!(!v.auto_layout, "the example states positions");
    assert!(v.nodes.iter().any(|n| n.kind == NodeKind::Boundary));
    assert!(v.nodes.iter().filter(|n| n.kind != NodeKind::Boundary).all(|n| n.width > 0.0));
    assert!(live(&v) >= 20, "the example has a register");
    assert!(!v.questions.is_empty(), "and questions for the review, listed apart");
    let receiver = v.nodes.iter().find(|n| n.name == "Processor webhook receiver").expect("webhook receiver");
    assert!(receiver.threats > 0 && receiver.worst.is_some(), "nodes carry their threats' badge");
    assert!(v.edges.iter().any(|e| e.crosses));
    assert_eq!(v.user, "Tess Tester");
    assert!(v.undo.is_none());
}

#[test]
fn adding_a_process_and_a_flow_across_a_boundary_brings_threats_and_undo_redo_keep_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let v0 = s.view().unwrap();
    let dmz = v0.nodes.iter().find(|n| n.kind == NodeKind::Boundary && n.name == "DMZ").expect("DMZ").clone();
    let shopper = v0.nodes.iter().find(|n| n.name == "Shopper browser").expect("shopper").clone();
    // Drop a process inside the DMZ: it becomes a member.
    let out = s
        .edit(&Edit::AddNode {
            kind: NodeKind::Process,
            name: "Coupon service".into(),
            x: dmz.x + 20.0,
            y: dmz.y + dmz.height - 80.0,
        })
        .unwrap();
    let coupon = node(&out.view, "coupon-service").clone();
    assert_eq!(coupon.boundary.as_deref(), Some(dmz.key.as_str()));
    // It states one weakness: no rate limit.
    let mut fields = serde_json::Map::new();
    fields.insert("rate_limited".into(), serde_json::json!(false));
    let out = s.edit(&Edit::SetFields { key: "coupon-service".into(), fields }).unwrap();
    let before_flow = live(&out.view);
    let out = s
        .edit(&Edit::AddFlow { from: shopper.key.clone(), to: "coupon-service".into(), name: "Redeem coupon".into() })
        .unwrap();
    let flow = out.view.edges.iter().find(|e| e.label == "Redeem coupon").expect("flow drawn");
    assert!(flow.crosses, "the shopper is outside the DMZ");
    assert!(!out.appeared.is_empty(), "a flow from the internet into a new process brings threats");
    assert!(live(&out.view) > before_flow);
    // What the blank service does not state is asked, not asserted.
    assert!(out.view.questions.iter().any(|q| q.key == "coupon-service"), "questions about the new service");
    let new_ref = out.appeared[0].clone();

    // Accept it with approver and expiry; a missing approver is refused.
    let refused = s.act(&accepted(&new_ref, None, "pilot only", "2099-01-31")).unwrap_err();
    assert_eq!(refused.code, FailureCode::Refused, "{}", refused.message);
    assert!(refused.message.contains("approver"), "{}", refused.message);
    let out = s.act(&accepted(&new_ref, Some("CISO"), "pilot only", "2099-01-31")).unwrap();
    let t = out.view.threats.iter().find(|t| t.reference == new_ref).unwrap();
    assert_eq!(t.status, ThreatStatus::Accepted);
    assert_eq!(t.approver.as_deref(), Some("CISO"));

    // Undo the flow (two steps back: status, then flow): the threat goes obsolete...
    let out = s.undo().unwrap();
    assert!(out.message.contains("undone"), "{}", out.message);
    assert_eq!(out.view.threats.iter().find(|t| t.reference == new_ref).unwrap().status, ThreatStatus::Open);
    let out = s.redo().unwrap();
    assert_eq!(out.view.threats.iter().find(|t| t.reference == new_ref).unwrap().status, ThreatStatus::Accepted);
    // Now undo the status change and the flow.
    s.undo().unwrap();
    let out = s.undo().unwrap();
    assert!(out.resolved.contains(&new_ref), "undoing the flow resolves its threats");
    assert!(out.view.edges.iter().all(|e| e.label != "Redeem coupon"));
    // ...and redoing the flow brings it back with the status it had (open here).
    let out = s.redo().unwrap();
    assert!(out.appeared.contains(&new_ref));
    let out = s.redo().unwrap();
    assert_eq!(out.view.threats.iter().find(|t| t.reference == new_ref).unwrap().status, ThreatStatus::Accepted);
    assert!(s.redo().is_err(), "nothing more to redo");
}

#[test]
fn undoing_an_edit_that_made_an_accepted_threat_obsolete_restores_its_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let v = s.view().unwrap();
    let t = v.threats.iter().find(|t| t.target_kind == "process" && t.status == ThreatStatus::Open).unwrap().clone();
    s.act(&accepted(&t.reference, Some("CISO"), "compensating control", "2099-12-31")).unwrap();
    let preview = s.preview_delete(std::slice::from_ref(&t.target)).unwrap();
    assert!(preview.iter().any(|p| p.reference == t.reference), "the confirmation lists the threat");
    let out = s.edit(&Edit::Delete { keys: vec![t.target.clone()] }).unwrap();
    assert!(out.resolved.contains(&t.reference));
    assert_eq!(out.view.threats.iter().find(|x| x.reference == t.reference).unwrap().status, ThreatStatus::Obsolete);
    let out = s.undo().unwrap();
    let back = out.view.threats.iter().find(|x| x.reference == t.reference).unwrap();
    assert_eq!(back.status, ThreatStatus::Accepted);
    assert_eq!(back.approver.as_deref(), Some("CISO"));
}

#[test]
fn a_mitigation_linked_to_two_threats_is_undone_and_redone_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let v = s.view().unwrap();
    let two: Vec<String> = v.threats.iter().take(2).map(|t| t.reference.clone()).collect();
    let out = s
        .act(&Action::AddMitigation {
            title: "Sign webhook payloads".into(),
            description: None,
            status: None,
            owner: Some("Payments team".into()),
            ticket: Some("PAY-1".into()),
            due: Some("2027-01-31".into()),
            threats: two.clone(),
        })
        .unwrap();
    let m = out.view.mitigations.iter().find(|m| m.title == "Sign webhook payloads").expect("added").clone();
    let mut sorted = two.clone();
    sorted.sort();
    assert_eq!(m.threats, sorted, "listed in register order");
    for r in &two {
        assert!(out.view.threats.iter().find(|t| &t.reference == r).unwrap().mitigations.contains(&m.reference));
    }
    let out = s.undo().unwrap();
    assert!(out.view.mitigations.iter().all(|x| x.reference != m.reference));
    let out = s.redo().unwrap();
    let again = out.view.mitigations.iter().find(|x| x.reference == m.reference).expect("back");
    assert_eq!(again.threats, sorted);
    // A bad due date is refused with the field named.
    let e = s
        .act(&Action::UpdateMitigation {
            reference: m.reference.clone(),
            title: None,
            description: None,
            status: None,
            owner: None,
            ticket: None,
            due: Some("next week".into()),
        })
        .unwrap_err();
    assert!(e.message.contains("due"), "{}", e.message);
}

#[test]
fn moving_and_resizing_keep_membership_with_the_geometry() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let v = s.view().unwrap();
    let dmz = v.nodes.iter().find(|n| n.name == "DMZ").unwrap().clone();
    let el = v
        .nodes
        .iter()
        .find(|n| n.boundary.as_deref() == Some(dmz.key.as_str()) && n.kind != NodeKind::Boundary)
        .unwrap()
        .clone();
    // Moving the boundary takes its members along.
    let out = s
        .edit(&Edit::Place {
            items: vec![Placement { key: dmz.key.clone(), x: dmz.x + 40.0, y: dmz.y, width: None, height: None }],
        })
        .unwrap();
    assert_eq!(node(&out.view, &el.key).x, el.x + 40.0);
    assert_eq!(node(&out.view, &el.key).boundary.as_deref(), Some(dmz.key.as_str()));
    // Dragging the element far outside every boundary makes it a member of none.
    let out = s
        .edit(&Edit::Place {
            items: vec![Placement { key: el.key.clone(), x: -2000.0, y: -2000.0, width: None, height: None }],
        })
        .unwrap();
    assert_eq!(node(&out.view, &el.key).boundary, None);
    // A pure move changes no threat's identity: nothing appears or disappears but exposure.
    let out = s.undo().unwrap();
    assert_eq!(node(&out.view, &el.key).boundary.as_deref(), Some(dmz.key.as_str()));
    // Resizing from the top-left corner moves an edge, not the members.
    let (b, e) = (node(&out.view, &dmz.key).clone(), node(&out.view, &el.key).clone());
    let resize = |x: f64, y: f64, w: f64, h: f64| Edit::Place {
        items: vec![Placement { key: dmz.key.clone(), x, y, width: Some(w), height: Some(h) }],
    };
    let out = s.edit(&resize(b.x - 100.0, b.y - 100.0, b.width + 100.0, b.height + 100.0)).unwrap();
    assert_eq!((node(&out.view, &el.key).x, node(&out.view, &el.key).y), (e.x, e.y));
    assert_eq!(node(&out.view, &el.key).boundary.as_deref(), Some(dmz.key.as_str()));
    // Shrunk so that the element is outside it: the element leaves it.
    let out = s.edit(&resize(e.x + e.width, e.y, 120.0, 80.0)).unwrap();
    assert_ne!(node(&out.view, &el.key).boundary.as_deref(), Some(dmz.key.as_str()));
    // Grown back over the element: it joins again, and the flows touching it cross again.
    let out = s.edit(&resize(b.x, b.y, b.width, b.height)).unwrap();
    assert_eq!(node(&out.view, &el.key).boundary.as_deref(), Some(dmz.key.as_str()));
}

#[test]
fn properties_are_typed_and_bad_values_are_refused_with_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let voc = session::vocabulary::vocabulary();
    let names: Vec<&str> = voc.process.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"rate_limited") && names.contains(&"authentication"), "{names:?}");
    assert!(!names.contains(&"position") && !names.contains(&"key"));
    let v = s.view().unwrap();
    let gw = v.nodes.iter().find(|n| n.name == "Payments API gateway").unwrap().key.clone();
    let mut bad = serde_json::Map::new();
    bad.insert("rate_limited".into(), serde_json::json!("sometimes"));
    let e = s.edit(&Edit::SetFields { key: gw.clone(), fields: bad }).unwrap_err();
    assert_eq!(e.code, FailureCode::Invalid);
    assert!(e.message.contains("rate_limited"), "{}", e.message);
    let mut ok = serde_json::Map::new();
    ok.insert("rate_limited".into(), serde_json::json!(false));
    // The core keeps the model consistent: a limit with `rate_limited: false` is refused...
    let e = s.edit(&Edit::SetFields { key: gw.clone(), fields: ok.clone() }).unwrap_err();
    assert!(e.message.contains("rate_limit_per_minute"), "{}", e.message);
    // ...so the panel clears it in the same edit (`null` removes a field).
    ok.insert("rate_limit_per_minute".into(), serde_json::Value::Null);
    let out = s.edit(&Edit::SetFields { key: gw.clone(), fields: ok }).unwrap();
    assert!(!out.appeared.is_empty(), "an unlimited gateway brings a resource-consumption threat");
    assert!(
        out.view
            .threats
            .iter()
            .filter(|t| out.appeared.contains(&t.reference))
            .any(|t| t.severity >= RiskLevel::Medium)
    );
}

#[test]
fn operations_are_a_list_of_groups_and_limits_take_unlimited() {
    use threatwright::session::vocabulary::FieldKind;
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let voc = session::vocabulary::vocabulary();
    let field = |name: &str| voc.process.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name}"));
    let FieldKind::List { fields } = &field("operations").kind else { panic!("{:?}", field("operations").kind) };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["route", "access", "authorization", "admin", "changes_state"]);
    assert_eq!(field("max_request_bytes").kind, FieldKind::Number { min: Some(0.0), max: None, unlimited: true });
    let FieldKind::Group { fields } = &field("session").kind else { panic!() };
    assert!(
        fields
            .iter()
            .any(|f| f.name == "lifetime_minutes" && matches!(f.kind, FieldKind::Number { unlimited: true, .. }))
    );

    let v = s.view().unwrap();
    let gw = v.nodes.iter().find(|n| n.name == "Payments API gateway").unwrap().key.clone();
    let mut set = serde_json::Map::new();
    set.insert("max_request_bytes".into(), serde_json::json!("unlimited"));
    set.insert(
        "operations".into(),
        serde_json::json!([{"route": "POST /admin/refunds", "access": "anonymous", "admin": true}]),
    );
    s.edit(&Edit::SetFields { key: gw.clone(), fields: set }).unwrap();
    let out = dir.path().join("m.yaml");
    s.export_yaml(&out).unwrap();
    let yaml = std::fs::read_to_string(&out).unwrap();
    assert!(yaml.contains("max_request_bytes: unlimited"), "{yaml}");
    assert!(yaml.contains("route: POST /admin/refunds"), "{yaml}");
    let mut bad = serde_json::Map::new();
    bad.insert("operations".into(), serde_json::json!([{"access": "anonymous"}]));
    let e = s.edit(&Edit::SetFields { key: gw, fields: bad }).unwrap_err();
    assert!(e.message.contains("route"), "{}", e.message);
}

#[test]
fn a_second_editor_is_refused_and_reopening_shows_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.twdb");
    let mut s = open_example(dir.path());
    let out = s
        .edit(&Edit::AddNode { kind: NodeKind::DataStore, name: "Audit archive".into(), x: 3000.0, y: 3000.0 })
        .unwrap();
    let before = out.view;
    let lib = session::builtin_library().unwrap();
    // Another process: the lock is per open file description, so a child process is the real test;
    // in-process a second open of the same file is refused too.
    let e = Session::open(&path, lib.clone(), "Other").err().expect("refused");
    assert_eq!(e.code, FailureCode::Locked, "{}", e.message);
    drop(s);
    let again = Session::open(&path, lib, "Tess Tester").unwrap().view().unwrap();
    assert_eq!(again.nodes, before.nodes);
    assert_eq!(again.threats, before.threats);
    assert_eq!(again.mitigations, before.mitigations);
}

#[test]
fn export_writes_the_report_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_example(dir.path());
    let out = dir.path().join("r.pdf");
    let opts = ExportOptions {
        format: threatwright::report::Format::Pdf,
        title: Some("Workshop output".into()),
        organisation: None,
        confidentiality: Some("Internal".into()),
        omit: vec![threatwright::report::Section::Compliance],
        min_severity: None,
    };
    s.export(&out, &opts).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let md = dir.path().join("r.md");
    s.export(&md, &ExportOptions { format: threatwright::report::Format::Md, ..opts }).unwrap();
    let text = std::fs::read_to_string(md).unwrap();
    assert!(text.contains("Workshop output"));
    assert!(!text.contains("Compliance mapping"));
}

#[test]
fn a_model_without_positions_is_laid_out_and_auto_layout_saves_positions() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = session::example("public-api-platform").unwrap();
    for e in &mut model.processes {
        e.position = None;
    }
    let lib = session::builtin_library().unwrap();
    let mut s = Session::create(&dir.path().join("q.twdb"), &model, lib, "T").unwrap();
    let v = s.view().unwrap();
    assert!(v.auto_layout);
    let out = s.edit(&Edit::AutoLayout).unwrap();
    assert!(!out.view.auto_layout);
    let stored = s.project().load_model().unwrap();
    assert!(stored.elements().all(|e| e.position().is_some()));
}

#[test]
fn system_fields_data_assets_and_the_status_table_come_from_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let mut f = serde_json::Map::new();
    f.insert("name".into(), serde_json::Value::Null);
    assert!(s.edit(&Edit::SetSystem { fields: f.clone() }).unwrap_err().message.contains("needs a name"));
    f.insert("name".into(), serde_json::json!("Paystream Payments API v2"));
    assert_eq!(s.edit(&Edit::SetSystem { fields: f }).unwrap().view.name, "Paystream Payments API v2");

    let out = s.edit(&Edit::AddItem { name: "Coupon codes".into(), api: false }).unwrap();
    let asset = out.view.assets.iter().find(|a| a.name == "Coupon codes").expect("asset listed").clone();
    assert!(asset.on.is_empty());
    let flow = out.view.edges[0].key.clone();
    let mut carries = serde_json::Map::new();
    carries.insert("carries".into(), serde_json::json!([asset.key]));
    let out = s.edit(&Edit::SetFields { key: flow.clone(), fields: carries }).unwrap();
    assert_eq!(out.view.assets.iter().find(|a| a.key == asset.key).unwrap().on, vec![flow.clone()]);
    // Deleting the asset drops what referred to it.
    let out = s.edit(&Edit::Delete { keys: vec![asset.key.clone()] }).unwrap();
    assert!(out.view.assets.iter().all(|a| a.key != asset.key));
    let e = out.view.edges.iter().find(|e| e.key == flow).unwrap();
    assert!(!e.props.get("carries").is_some_and(|c| c.as_array().unwrap().iter().any(|k| k == &asset.key)));

    let voc = session::vocabulary::vocabulary();
    let accepted = voc.statuses.iter().find(|x| x.status == ThreatStatus::Accepted).unwrap();
    assert_eq!(accepted.needs, ["approver", "reason", "expires"]);
    assert!(voc.statuses.iter().find(|x| x.status == ThreatStatus::Obsolete).unwrap().engine_only);
    assert!(voc.system.iter().any(|f| f.name == "scope"));
    assert!(voc.data_asset.iter().any(|f| f.name == "classification"), "{:?}", voc.data_asset);
}

/// Once the UI has been shown a view, every answer carries only the changes from it, and
/// those changes applied to the view shown give exactly the new view (what the UI does).
#[test]
fn answers_carry_the_changes_from_the_view_shown_and_they_rebuild_the_new_view() {
    use threatwright::session::view::ViewChange;
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    // Without a view shown, an answer is whole.
    let first = s.edit(&Edit::AddNode { kind: NodeKind::Process, name: "Coupon service".into(), x: 40.0, y: 40.0 });
    assert!(matches!(first.unwrap().change, ViewChange::Whole(_)));
    let mut shown = s.show().unwrap();
    let gateway = shown.nodes.iter().find(|n| n.name == "Payments API gateway").unwrap().key.clone();
    let threat = shown.threats.iter().find(|t| t.status == ThreatStatus::Open).unwrap().reference.clone();
    let mut fields = serde_json::Map::new();
    fields.insert("description".into(), serde_json::json!("Routes and throttles calls"));
    type Step<'a> = Box<dyn Fn(&mut Session) -> session::view::Outcome + 'a>;
    let steps: Vec<Step> = vec![
        Box::new(|s| {
            s.edit(&Edit::AddFlow { from: "coupon-service".into(), to: gateway.clone(), name: "Check".into() }).unwrap()
        }),
        Box::new(|s| s.edit(&Edit::SetFields { key: gateway.clone(), fields: fields.clone() }).unwrap()),
        Box::new(|s| s.act(&not_applicable(&threat, "internal only")).unwrap()),
        Box::new(|s| s.edit(&Edit::Delete { keys: vec!["coupon-service".into()] }).unwrap()),
        Box::new(|s| s.undo().unwrap()),
        Box::new(|s| s.undo().unwrap()),
        Box::new(|s| s.redo().unwrap()),
        Box::new(|s| s.edit(&Edit::Delete { keys: vec![gateway.clone()] }).unwrap()),
    ];
    for (i, step) in steps.iter().enumerate() {
        let out = step(&mut s);
        let ViewChange::Delta(d) = &out.change else { panic!("step {i}: a whole view after one was shown") };
        assert_eq!(d.base, shown.revision, "step {i}");
        let rebuilt = d.apply(&shown).unwrap_or_else(|| panic!("step {i}: the changes do not fit the view shown"));
        assert_eq!(rebuilt, *out.view, "step {i}");
        let sent = serde_json::to_string(&out).unwrap().len();
        let whole = serde_json::to_string(&out.view).unwrap().len();
        if i < 3 {
            // A flow, a description, a status: a small part of the view travels.
            assert!(sent * 3 < whole, "step {i}: {sent} bytes sent for a view of {whole}");
        }
        shown = (*out.view).clone();
    }
    // Changes that do not fit another revision are refused, not applied.
    let out = s.edit(&Edit::AddNode { kind: NodeKind::Process, name: "Late".into(), x: 0.0, y: 0.0 }).unwrap();
    let ViewChange::Delta(d) = &out.change else { panic!("whole") };
    let mut other = shown.clone();
    other.revision += 7;
    assert!(d.apply(&other).is_none());
}

/// "Import… → merge into this model": a newer revision of the OpenAPI specification the
/// model came from keeps identity, positions and decisions; another API's specification
/// adds its items to the right of the diagram; each merge is one undoable step.
#[test]
fn merging_openapi_specs_into_the_open_model_keeps_what_is_there_and_places_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let spec =
        |name: &str| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/openapi").join(name);
    let imported = session::import_file(session::ImportKind::Openapi, &spec("petcare-clinic-3.0.yaml")).unwrap();
    let lib = session::builtin_library().unwrap();
    let mut s = Session::create(&dir.path().join("pets.twdb"), &imported.model, lib, "Tess Tester").unwrap();
    let v = s.view().unwrap();
    let service = v.nodes.iter().find(|n| n.kind == NodeKind::Process).unwrap().clone();
    // The team moved the service and decided on one of its threats.
    s.edit(&Edit::Place {
        items: vec![Placement { key: service.key.clone(), x: 420.0, y: 160.0, width: None, height: None }],
    })
    .unwrap();
    let threat = s.view().unwrap().threats.iter().find(|t| t.target == service.key).unwrap().reference.clone();
    s.act(&not_applicable(&threat, "handled by the platform")).unwrap();
    let before = s.view().unwrap();

    let m = s.merge_openapi(&spec("petcare-clinic-3.0-v2.yaml")).unwrap();
    let v = &m.outcome.view;
    assert!(m.outcome.message.starts_with("merge petcare-clinic-3.0-v2.yaml"), "{}", m.outcome.message);
    let svc = node(v, &service.key);
    assert_eq!((svc.x, svc.y), (420.0, 160.0), "the position is kept");
    assert_eq!(svc.id, service.id, "the identity is kept");
    assert_eq!(v.nodes.iter().filter(|n| n.kind == NodeKind::Process).count(), 1, "no duplicate service");
    let t = v.threats.iter().find(|t| t.reference == threat).unwrap();
    assert_eq!(t.status, ThreatStatus::NotApplicable, "the decision is kept");
    let api = v.apis.iter().find(|a| a.props["version"] == "1.5.0");
    assert!(api.is_some(), "the inventory has the new version: {:?}", v.apis);

    // Another API's specification: its items come in to the right of everything there.
    let right = v.nodes.iter().map(|n| n.x + n.width).fold(f64::MIN, f64::max);
    let m = s.merge_openapi(&spec("parcel-tracking-3.1.json")).unwrap();
    let v = &m.outcome.view;
    let new: Vec<_> = v.nodes.iter().filter(|n| !before.nodes.iter().any(|b| b.key == n.key)).collect();
    assert!(new.iter().any(|n| n.kind == NodeKind::Process), "the parcel service came in");
    for n in &new {
        assert!(n.x >= right, "{} placed over the existing diagram ({} < {right})", n.key, n.x);
    }
    assert_eq!(node(v, &service.key).x, 420.0);
    // Undone as one step: the parcel API is gone, the petcare merge stays.
    let v = s.undo().unwrap().view;
    assert!(v.nodes.iter().all(|n| !new.iter().any(|x| x.key == n.key)));
    assert!(v.apis.iter().any(|a| a.props["version"] == "1.5.0"));
}

/// The view reuses a register row when the fingerprint of what it is built of equals one
/// already built; that fingerprint equals the built row's own, field for field (a field
/// left out of either would show a stale row). A session's reused rows equal those a new
/// session builds from the file.
#[test]
fn register_rows_are_fingerprinted_alike_before_and_after_they_are_built() {
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use threatwright::session::view::{self, Fingerprint, Parts, RowCache};
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let refs: Vec<String> = s.view().unwrap().threats.iter().map(|t| t.reference.clone()).collect();
    // Decisions and a mitigation fill the rows' optional fields.
    s.act(&accepted(&refs[0], Some("Ada Approver"), "low value target", "2027-06-30")).unwrap();
    s.act(&not_applicable(&refs[1], "internal only")).unwrap();
    s.act(&Action::AddMitigation {
        title: "Sign webhook payloads".into(),
        description: None,
        status: None,
        owner: Some("platform".into()),
        ticket: None,
        due: None,
        threats: vec![refs[1].clone(), refs[2].clone()],
    })
    .unwrap();
    let last = s.view().unwrap();

    let p = s.project();
    let (model, threats, mitigations) = (p.load_model().unwrap(), p.register().unwrap(), p.mitigations().unwrap());
    let signed: BTreeSet<String> = refs[..2].iter().cloned().collect();
    let changed: BTreeSet<String> = refs[2..4].iter().cloned().collect();
    let parts = Parts {
        model: &model,
        threats: &threats,
        mitigations: &mitigations,
        signed: &signed,
        changed: &changed,
        diagnostics: &[],
    };
    let (rows, prints) = view::threat_rows(&parts, &RowCache::default());
    assert_eq!(rows.len(), threats.len());
    for (row, print) in rows.iter().zip(&prints) {
        assert_eq!(row.fingerprint(), *print, "{}", row.reference);
    }
    assert!(rows.iter().any(|r| r.approver.is_some() && r.expires.is_some() && r.signed));
    assert!(rows.iter().any(|r| !r.mitigations.is_empty() && r.changed));
    assert!(rows.iter().any(|r| !r.suggested.is_empty() && !r.attack_path.is_empty() && !r.owasp.is_empty()));
    let distinct: BTreeSet<u64> = prints.iter().copied().collect();
    assert_eq!(distinct.len(), prints.len(), "each row its own fingerprint");

    // Built again with those rows at hand: the same rows, shared; a row whose marks
    // changed is built anew.
    let fewer: BTreeSet<String> = refs[..1].iter().cloned().collect();
    let (again, _) = view::threat_rows(&Parts { signed: &fewer, ..parts }, &RowCache::of(&rows, &prints));
    for (a, b) in again.iter().zip(&rows) {
        assert_eq!(Arc::ptr_eq(a, b), a.reference != refs[1], "{}", a.reference);
    }
    assert!(!again.iter().find(|r| r.reference == refs[1]).unwrap().signed);

    // What the session showed, from rows it reused, is what a new session builds.
    drop(s);
    let lib = session::builtin_library().unwrap();
    let fresh = Session::open(&dir.path().join("p.twdb"), lib, "Tess Tester").unwrap().view().unwrap();
    assert_eq!(fresh.threats, last.threats);
}

/// An edit, its undo and its redo each write the model's audit entry and the re-analysis'
/// entry together, with the same time and nothing between them (that they commit or fail
/// as one is shown in `tests/store.rs`, a failure injected after the model's rows).
#[test]
fn an_edit_its_undo_and_its_redo_each_write_the_model_and_its_analysis_together() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_example(dir.path());
    let before = s.project().audit_log().unwrap().len();
    s.edit(&Edit::AddNode { kind: NodeKind::Process, name: "Coupon service".into(), x: 40.0, y: 40.0 }).unwrap();
    s.undo().unwrap();
    s.redo().unwrap();
    let log = s.project().audit_log().unwrap();
    let steps: Vec<_> = log[before..].iter().map(|e| (e.action.as_str(), e.at.as_str())).collect();
    assert_eq!(steps.len(), 6, "{steps:?}");
    for pair in steps.chunks(2) {
        assert_eq!((pair[0].0, pair[1].0), ("model.replace", "analysis.run"), "{steps:?}");
        assert_eq!(pair[0].1, pair[1].1, "one action's time: {steps:?}");
    }
    assert!(s.project().verify().unwrap().ok());
}

/// A boundary that states its own id (as one whose key was renamed does) shows that id on
/// the canvas, like elements and flows, not the one its key would derive.
#[test]
fn a_boundary_with_its_own_id_shows_that_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = session::example("payments-api").unwrap();
    let own = uuid::Uuid::from_u128(0x1234_5678_9abc_4def_8123_4567_89ab_cdef);
    model.boundaries[0].id = Some(own);
    let key = model.boundaries[0].key.to_string();
    let lib = session::builtin_library().unwrap();
    let s = Session::create(&dir.path().join("b.twdb"), &model, lib, "Tess Tester").unwrap();
    let v = s.view().unwrap();
    assert_eq!(node(&v, &key).kind, NodeKind::Boundary);
    assert_eq!(node(&v, &key).id, own.to_string());
}

/// The app refuses to open (and so to write to) a project file changed outside
/// Threatwright, with a message that names the change.
#[test]
fn a_file_changed_outside_threatwright_is_refused_with_the_change_named() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_example(dir.path());
    let path = s.path().to_owned();
    drop(s);
    let o = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("UPDATE threats SET status = 'not-applicable' WHERE ref = 'TW-0001'")
        .output()
        .expect("the sqlite3 shell is installed");
    assert!(o.status.success());
    let lib = session::builtin_library().unwrap();
    let err = Session::open(&path, lib, "Tess Tester").err().expect("refused");
    assert_eq!(err.code, FailureCode::File);
    assert!(err.message.contains("changed outside Threatwright, so nothing was written to it"), "{}", err.message);
    assert!(
        err.message.contains("threat `TW-0001` was changed outside Threatwright: status sealed"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("threatwright log verify"), "the app's message names no CLI command");
}

/// "Compare with file…" takes a path and nothing else: a `git:` or `@baseline` form is a
/// file name like any other (no `git` runs), and the compared file is left as it was.
#[test]
fn compare_with_a_file_reads_a_path_only_and_changes_nothing() {
    use threatwright::session::CompareWith;
    let dir = tempfile::tempdir().unwrap();
    let s = open_example(dir.path());
    for spec in ["git:HEAD:models/examples/payments-api.yaml", "other.twdb@baseline"] {
        let e = s.compare(&CompareWith::File { path: spec.into() }).expect_err("no such file");
        assert!(e.message.contains(spec), "{}", e.message);
        let rest = e.message.replace(spec, "");
        assert!(!rest.contains("git") && rest.contains("cannot read"), "read as a path: {}", e.message);
    }
    // A colleague's project file, in rollback-journal mode, compared: bytes, time and mode stay.
    let theirs = dir.path().join("theirs.twdb");
    let model = session::example("payments-api").unwrap();
    drop(Session::create(&theirs, &model, session::builtin_library().unwrap(), "Colleague").unwrap());
    let conn = rusqlite::Connection::open(&theirs).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode=delete", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete");
    drop(conn);
    let bytes = std::fs::read(&theirs).unwrap();
    let modified = std::fs::metadata(&theirs).unwrap().modified().unwrap();
    let view = s.compare(&CompareWith::File { path: theirs.display().to_string() }).unwrap();
    assert_eq!(view.against, "theirs.twdb");
    assert_eq!(std::fs::read(&theirs).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&theirs).unwrap().modified().unwrap(), modified);
    assert!(!dir.path().join("theirs.twdb-wal").exists() && !dir.path().join("theirs.twdb-shm").exists());
}

/// An acceptance and a model sign-off signed with the approver's SSH key from the editor:
/// recorded in the log with their signatures, which `ssh-keygen` verifies; a key that
/// cannot sign records nothing.
#[test]
fn approvals_signed_with_an_ssh_key_from_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id_ed25519");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "rita@example.com", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs");
    assert!(made.success());
    let mut s = open_example(dir.path());
    let reference = s.show().unwrap().threats[0].reference.clone();
    let Action::SetStatus { reference: r, status, approver, reason, expires, transferred_to, .. } =
        accepted(&reference, Some("CISO"), "compensating controls", "2027-06-30")
    else {
        unreachable!()
    };
    let key_path = key.display().to_string();
    let signed = Action::SetStatus {
        reference: r,
        status,
        approver,
        reason,
        expires,
        transferred_to,
        sign_with: Some(key_path.clone()),
    };
    s.act(&signed).unwrap();
    let out = s.act(&Action::SignModel { note: Some("workshop 1".into()), sign_with: Some(key_path) }).unwrap();
    assert!(out.message.contains("(SSH-signed)"), "{}", out.message);
    let approvals = threatwright::workflow::signed_approvals(&s.project().audit_log().unwrap());
    let kinds: Vec<(&str, &str)> = approvals.iter().map(|a| (a.action.as_str(), a.object.as_str())).collect();
    assert!(kinds.contains(&("threat.status", reference.as_str())), "{kinds:?}");
    assert!(kinds.iter().any(|(a, _)| *a == "baseline.create"), "{kinds:?}");
    for a in &approvals {
        assert!(a.checked.is_ok(), "{} of {}: {:?}", a.action, a.object, a.checked);
    }
    // A key that cannot sign: refused, nothing recorded.
    let entries = s.project().audit_log().unwrap().len();
    let e = s
        .act(&Action::SignModel { note: None, sign_with: Some(dir.path().join("missing").display().to_string()) })
        .expect_err("no such key");
    assert_eq!(e.code, FailureCode::Refused, "{}", e.message);
    assert!(e.message.starts_with("not signed, nothing recorded"), "{}", e.message);
    assert_eq!(s.project().audit_log().unwrap().len(), entries);
}

/// The editor lists the review questions apart from the register, each with the yes/no
/// field that answers it; answering sets the property, and the question goes (a "no"
/// brings the threat it stood for).
#[test]
fn questions_are_listed_apart_and_answering_one_sets_the_property() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new("tests/fixtures/questions");
    let (lib, _) = threatwright::io::yaml::rules::load_library(&[fixture.join("rules")]).unwrap();
    let model = session::read_model_file(&fixture.join("model.yaml")).unwrap();
    let mut s = Session::create(&dir.path().join("q.twdb"), &model, lib, "Tess Tester").unwrap();
    let v = s.view().unwrap();
    let q = v.questions.iter().find(|q| q.rule == "TEST-RATE-LIMIT-ASKED").expect("the question is asked");
    assert_eq!((q.key.as_str(), q.ask.as_str()), ("unstated", "Does unstated limit how often one caller may call it?"));
    let flag = q.flag.clone().expect("rate_limited is a yes/no field");
    assert_eq!((flag.key.as_str(), flag.field.as_str()), ("unstated", "rate_limited"));
    let ours =
        |v: &DocumentView| v.threats.iter().filter(|t| t.rule.as_deref() == Some("TEST-RATE-LIMIT-ASKED")).count();
    assert_eq!(ours(&v), 1, "only the stated weakness is a threat");
    let mut fields = serde_json::Map::new();
    fields.insert(flag.field.clone(), serde_json::json!(false));
    let out = s.edit(&Edit::SetFields { key: flag.key.clone(), fields }).unwrap();
    assert!(!out.view.questions.iter().any(|x| x.rule == "TEST-RATE-LIMIT-ASKED"));
    assert_eq!(ours(&out.view), 2, "answered no: the weakness is a threat now");
}
