//! What an editor shows of an open document: the diagram's nodes and edges (with each
//! element's threat badge), the register, the mitigations, the diagnostics and what
//! changed since the baseline. Built by the core after every action; the UI only draws it.
//! These types cross the desktop shell's IPC: their TypeScript twins are generated
//! (`tests/bindings.rs` fails when the committed ones are stale).
//!
//! Answers as changes (built in `session::delta`): opening a document (and `get_view`) gives the UI the whole
//! `DocumentView` (`Session::show`); every later answer (`Outcome.change`) carries only the
//! changes from the view last shown — nodes, edges, register rows and mitigations upserted
//! or removed by name, the new order only when it changed ([`ViewDelta`]). The session keeps
//! fingerprints of what it showed ([`Shown`]), not a second copy of the view; register rows
//! are shared (`Arc`) between views and reused when the fingerprint of what a row is built
//! of matches a row of the previous view ([`RowCache`]). The UI applies them
//! (`store.applyDelta`): unchanged items keep their object identity (so memoised nodes and
//! rows skip them), and a delta that does not fit the view held makes it ask for the whole
//! view. The session draws the view from the register its `Project` remembers of its last
//! analysis (`Project::register_known`), without copying it. Each answer says how long the
//! core took (`Outcome.core_ms`), which the performance E2E sets against the round trip the
//! page sees (BENCHMARKS.md).

use crate::model::{Diagnostic, Key, Mitigation, MitigationStatus, Model, RiskLevel, Stride, Threat, ThreatStatus};
use crate::report::diagram::{self, Diagram, Shape};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use ts_rs::TS;

use super::delta::hasher;
pub use super::delta::{Fingerprint, ListChanges, Named, Shown, ViewChange, ViewDelta};

/// The kinds of things on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    ExternalEntity,
    Process,
    DataStore,
    Boundary,
}

impl NodeKind {
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::ExternalEntity => "external entity",
            NodeKind::Process => "process",
            NodeKind::DataStore => "data store",
            NodeKind::Boundary => "trust boundary",
        }
    }
}

/// An element or a boundary on the canvas. Positions are absolute (canvas units).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub key: String,
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The innermost boundary holding it.
    pub boundary: Option<String>,
    /// Nesting depth of a boundary (0 = top level); elements: their boundary's depth + 1.
    pub depth: u32,
    /// Live threats on the element (flows' threats are on the edges).
    pub threats: u32,
    pub worst: Option<RiskLevel>,
    /// Changed (or added) since the latest baseline.
    pub changed: bool,
    /// The item as the model states it (field name → value), for the properties panel.
    #[ts(type = "Record<string, unknown>")]
    pub props: serde_json::Value,
}

/// A data flow on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EdgeView {
    pub key: String,
    pub id: String,
    pub from: String,
    pub to: String,
    pub label: String,
    pub bidirectional: bool,
    /// The flow crosses at least one trust boundary.
    pub crosses: bool,
    pub threats: u32,
    pub worst: Option<RiskLevel>,
    pub changed: bool,
    #[ts(type = "Record<string, unknown>")]
    pub props: serde_json::Value,
}

/// One line of the threat register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ThreatRow {
    pub reference: String,
    pub title: String,
    pub description: String,
    /// The rule that found it; none for a threat a person added.
    pub rule: Option<String>,
    pub stride: Stride,
    /// Further STRIDE categories it falls under.
    pub also_stride: Vec<Stride>,
    pub owasp: Vec<String>,
    pub target: String,
    pub target_name: String,
    pub target_kind: String,
    pub likelihood: u8,
    pub impact: u8,
    pub severity: RiskLevel,
    pub status: ThreatStatus,
    pub approver: Option<String>,
    pub reason: Option<String>,
    pub expires: Option<String>,
    pub transferred_to: Option<String>,
    /// Keys of the elements and flows an attacker goes through, in order.
    pub attack_path: Vec<String>,
    pub mitigations: Vec<String>,
    /// Titles of the rule's suggested mitigations (adoptable in one step).
    pub suggested: Vec<String>,
    pub rationale: Vec<String>,
    /// A sign-off of this threat's response that still holds.
    pub signed: bool,
    /// New or changed since the latest baseline.
    pub changed: bool,
}

/// A mitigation with the threats it covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MitigationRow {
    pub reference: String,
    pub title: String,
    pub description: String,
    pub status: MitigationStatus,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub due: Option<String>,
    pub threats: Vec<String>,
}

/// A validation finding, pointing at the item it is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticView {
    pub code: String,
    pub error: bool,
    pub message: String,
    /// Key of the item it is about, when there is one.
    pub key: Option<String>,
}

/// A review question (a rule that asks, where the model is silent), for the questions tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    pub id: String,
    pub rule: String,
    /// Key of the item it is about (what choosing the question selects).
    pub key: String,
    /// That item's name.
    pub target: String,
    pub ask: String,
    /// What goes wrong if the answer is "no".
    pub why: String,
    /// How severe the threat a "no" would mean is ranked.
    pub severity_if_not: RiskLevel,
    /// The attributes that answer it.
    pub answers: Vec<String>,
    /// The yes/no field a one-click answer sets, when the first answer is one.
    pub flag: Option<FlagAnswer>,
}

/// Where a yes/no answer goes: the item and its field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlagAnswer {
    pub key: String,
    pub field: String,
}

/// The questions of the model, for the UI, most consequential first.
pub fn question_rows(model: &Model, questions: &[crate::model::Question]) -> Vec<QuestionView> {
    use super::vocabulary::{FieldKind, FieldSpec};
    static VOCABULARY: std::sync::OnceLock<super::vocabulary::Vocabulary> = std::sync::OnceLock::new();
    let v = VOCABULARY.get_or_init(super::vocabulary::vocabulary);
    // Each item's fields by key, and each flow's ends, looked up once per view (this runs
    // after every action). Sections may share a key: elements win, then flows, assets, APIs.
    let mut fields: HashMap<&str, &Vec<FieldSpec>> = HashMap::new();
    fields.extend(model.apis.iter().map(|e| (e.key.as_str(), &v.api)));
    fields.extend(model.data_assets.iter().map(|e| (e.key.as_str(), &v.data_asset)));
    fields.extend(model.flows.iter().map(|e| (e.key.as_str(), &v.flow)));
    fields.extend(model.data_stores.iter().map(|e| (e.key.as_str(), &v.data_store)));
    fields.extend(model.processes.iter().map(|e| (e.key.as_str(), &v.process)));
    fields.extend(model.external_entities.iter().map(|e| (e.key.as_str(), &v.external_entity)));
    let flows: HashMap<&str, &crate::model::Flow> = model.flows.iter().map(|f| (f.key.as_str(), f)).collect();
    let fields_of = |key: &str| fields.get(key).copied();
    let flag = |q: &crate::model::Question| -> Option<FlagAnswer> {
        let first = q.answers.first()?;
        let flow = flows.get(q.target.key.as_str());
        let (key, field) = match (first.split_once('.'), flow) {
            (Some(("from", f)), Some(flow)) => (flow.from.to_string(), f),
            (Some(("to", f)), Some(flow)) => (flow.to.to_string(), f),
            _ => (q.target.key.to_string(), first.as_str()),
        };
        let is_flag = fields_of(&key)?.iter().any(|s| s.name == field && s.kind == FieldKind::Flag);
        is_flag.then(|| FlagAnswer { key, field: field.to_owned() })
    };
    questions
        .iter()
        .map(|q| QuestionView {
            id: q.id.to_string(),
            rule: q.rule.clone(),
            key: q.target.key.to_string(),
            target: q.target.name.clone(),
            ask: q.ask.clone(),
            why: q.why.clone(),
            severity_if_not: q.severity_if_not,
            answers: q.answers.clone(),
            flag: flag(q),
        })
        .collect()
}

/// A data asset or an API inventory entry, for their editors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    pub key: String,
    pub name: String,
    /// Elements and flows that carry or hold it (assets), or serve and use it (APIs).
    pub on: Vec<String>,
    #[ts(type = "Record<string, unknown>")]
    pub props: serde_json::Value,
}

/// The latest model sign-off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BaselineView {
    #[ts(type = "number")]
    pub id: u64,
    pub at: String,
    pub reviewer: String,
    pub note: Option<String>,
}

/// Everything the editor shows of an open document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    pub path: String,
    pub name: String,
    /// Counts the actions applied in this session; the UI drops stale answers by it.
    #[ts(type = "number")]
    pub revision: u64,
    /// The model's own fields (name, description, scope…).
    #[ts(type = "Record<string, unknown>")]
    pub system: serde_json::Value,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    pub assets: Vec<ItemView>,
    pub apis: Vec<ItemView>,
    // Rows are shared with the views before and after that have them unchanged.
    #[ts(as = "Vec<ThreatRow>")]
    pub threats: Vec<Arc<ThreatRow>>,
    pub mitigations: Vec<MitigationRow>,
    pub diagnostics: Vec<DiagnosticView>,
    /// Questions for the review: controls the model does not state (not threats).
    pub questions: Vec<QuestionView>,
    pub baseline: Option<BaselineView>,
    /// Positions were computed by the automatic layout (the model states none).
    pub auto_layout: bool,
    /// What undo and redo would do, when they can.
    pub undo: Option<String>,
    pub redo: Option<String>,
    /// The rule library's version of the latest analysis.
    pub rules_version: Option<String>,
    /// The user acting (audit log).
    pub user: String,
}

/// The result of an action: the new state, and what the action did to the register.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The whole new state (for callers in Rust; the UI gets `change`).
    #[serde(skip)]
    #[ts(skip)]
    pub view: Arc<DocumentView>,
    /// What the UI needs to get from the view it was last given to this one.
    pub change: ViewChange,
    /// Threats the action brought in (new, or back from obsolete).
    pub appeared: Vec<String>,
    /// Threats the action made obsolete.
    pub resolved: Vec<String>,
    /// A line for the status bar.
    pub message: String,
    /// How long the core took from the request to this answer (store, re-analysis, view):
    /// what the UI measures beyond it is IPC and drawing.
    pub core_ms: u32,
}

/// What the register, mitigations and reviews say, for building a view.
pub struct Parts<'a> {
    pub model: &'a Model,
    pub threats: &'a [Threat],
    pub mitigations: &'a [Mitigation],
    pub signed: &'a BTreeSet<String>,
    /// Keys of items and references of threats changed since the latest baseline.
    pub changed: &'a BTreeSet<String>,
    pub diagnostics: &'a [Diagnostic],
}

/// The layout used on the canvas: saved positions, else the automatic layered layout.
pub fn layout(model: &Model, threats: &[Threat]) -> Diagram {
    diagram::canvas(model, threats)
}

fn props_of<T: Serialize>(item: &T) -> serde_json::Value {
    serde_json::to_value(item).unwrap_or(serde_json::Value::Null)
}

/// Builds the nodes and edges of the canvas.
pub fn canvas(parts: &Parts<'_>, d: &Diagram) -> (Vec<NodeView>, Vec<EdgeView>) {
    let model = parts.model;
    // The same marks as the report's diagram: live threats, worst severity.
    let marks = diagram::threat_marks(parts.threats);
    let tree = crate::graph::boundary::BoundaryTree::new(model);
    let mut nodes = Vec::with_capacity(d.nodes.len() + d.boundaries.len());
    let depth_of = |b: &Key| tree.depth(b) as u32;
    for b in &d.boundaries {
        let Some(item) = model.boundaries.iter().find(|x| x.key == b.key) else { continue };
        let m = marks.get(&b.key);
        nodes.push(NodeView {
            key: b.key.to_string(),
            id: crate::model::Item::id(item).to_string(),
            kind: NodeKind::Boundary,
            name: b.name.clone(),
            x: b.rect.x,
            y: b.rect.y,
            width: b.rect.w,
            height: b.rect.h,
            boundary: tree.parent_of(&b.key).map(|k| k.to_string()),
            depth: depth_of(&b.key),
            threats: m.map_or(0, |m| u32::try_from(m.0).unwrap_or(u32::MAX)),
            worst: m.map(|m| m.1),
            changed: parts.changed.contains(b.key.as_str()),
            props: props_of(item),
        });
    }
    // Outer boundaries first, so inner ones are drawn above them.
    nodes.sort_by_key(|n| n.depth);
    let elements: HashMap<&Key, crate::model::ElementRef<'_>> = model.elements().map(|e| (e.key(), e)).collect();
    for n in &d.nodes {
        let Some(e) = elements.get(&n.key) else { continue };
        let kind = match n.shape {
            Shape::Entity => NodeKind::ExternalEntity,
            Shape::Process => NodeKind::Process,
            Shape::Store => NodeKind::DataStore,
            // Groups only appear in the report's overview, never on the canvas.
            Shape::Group => continue,
        };
        let boundary = tree.boundary_of(&n.key);
        let props = match e {
            crate::model::ElementRef::ExternalEntity(x) => props_of(x),
            crate::model::ElementRef::Process(x) => props_of(x),
            crate::model::ElementRef::DataStore(x) => props_of(x),
        };
        nodes.push(NodeView {
            key: n.key.to_string(),
            id: e.id().to_string(),
            kind,
            name: n.name.clone(),
            x: n.rect.x,
            y: n.rect.y,
            width: n.rect.w,
            height: n.rect.h,
            boundary: boundary.map(|k| k.to_string()),
            depth: boundary.map_or(0, |b| depth_of(b) + 1),
            threats: u32::try_from(n.threats).unwrap_or(u32::MAX),
            worst: n.worst,
            changed: parts.changed.contains(n.key.as_str()),
            props,
        });
    }
    let edges = model
        .flows
        .iter()
        .filter(|f| elements.contains_key(&f.from) && elements.contains_key(&f.to))
        .map(|f| {
            let m = marks.get(&f.key);
            EdgeView {
                key: f.key.to_string(),
                id: crate::model::Item::id(f).to_string(),
                from: f.from.to_string(),
                to: f.to.to_string(),
                label: f.name.clone().unwrap_or_else(|| f.key.to_string()),
                bidirectional: f.bidirectional,
                crosses: tree.boundary_of(&f.from) != tree.boundary_of(&f.to),
                threats: m.map_or(0, |m| u32::try_from(m.0).unwrap_or(u32::MAX)),
                worst: m.map(|m| m.1),
                changed: parts.changed.contains(f.key.as_str()),
                props: props_of(f),
            }
        })
        .collect();
    (nodes, edges)
}

/// Register rows built for earlier views, by fingerprint: a threat whose row would come
/// out the same gets the row already built (shared), neither rebuilt nor compared again.
/// An edit at 500 elements changes a few rows of some 1,500.
#[derive(Clone, Debug, Default)]
pub struct RowCache(HashMap<u64, Arc<ThreatRow>, foldhash::fast::FixedState>);

impl RowCache {
    /// The rows of a view, with their fingerprints (as [`threat_rows`] gives them).
    pub fn of(rows: &[Arc<ThreatRow>], prints: &[u64]) -> RowCache {
        RowCache(prints.iter().copied().zip(rows.iter().map(Arc::clone)).collect())
    }
}

/// Hashes the content of a register row in one order, whether from the row or from what
/// it is built of (see [`ThreatRow`]'s [`Fingerprint`] and [`threat_rows`]).
struct RowPrinter(foldhash::quality::FoldHasher<'static>);

impl RowPrinter {
    fn new() -> RowPrinter {
        RowPrinter(hasher())
    }
    fn text(&mut self, v: &str) -> &mut Self {
        std::hash::Hash::hash(v, &mut self.0);
        self
    }
    fn maybe(&mut self, v: Option<&str>) -> &mut Self {
        std::hash::Hash::hash(&v, &mut self.0);
        self
    }
    fn list<'a>(&mut self, v: impl ExactSizeIterator<Item = &'a str>) -> &mut Self {
        std::hash::Hasher::write_usize(&mut self.0, v.len());
        for s in v {
            self.text(s);
        }
        self
    }
    fn value(&mut self, v: impl std::hash::Hash) -> &mut Self {
        v.hash(&mut self.0);
        self
    }
    fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
}

impl Fingerprint for ThreatRow {
    fn fingerprint(&self) -> u64 {
        // Every field, so that a new one cannot be left out unseen.
        let ThreatRow {
            reference,
            title,
            description,
            rule,
            stride,
            also_stride,
            owasp,
            target,
            target_name,
            target_kind,
            likelihood,
            impact,
            severity,
            status,
            approver,
            reason,
            expires,
            transferred_to,
            attack_path,
            mitigations,
            suggested,
            rationale,
            signed,
            changed,
        } = self;
        RowPrinter::new()
            .text(reference)
            .text(title)
            .text(description)
            .maybe(rule.as_deref())
            .value(stride)
            .value(also_stride)
            .list(owasp.iter().map(String::as_str))
            .text(target)
            .text(target_name)
            .text(target_kind)
            .value((likelihood, impact, severity, status))
            .maybe(approver.as_deref())
            .maybe(reason.as_deref())
            .maybe(expires.as_deref())
            .maybe(transferred_to.as_deref())
            .list(attack_path.iter().map(String::as_str))
            .list(mitigations.iter().map(String::as_str))
            .list(suggested.iter().map(String::as_str))
            .list(rationale.iter().map(String::as_str))
            .value((signed, changed))
            .finish()
    }
}

/// The fingerprint of the row `t` gives with these mitigations and marks, without
/// building it: equal to that row's [`Fingerprint`].
fn print_of(t: &Threat, mitigations: &[String], signed: bool, changed: bool) -> u64 {
    RowPrinter::new()
        .text(&t.reference)
        .text(&t.title)
        .text(&t.description)
        .maybe(t.rule.as_deref())
        .value(t.stride)
        .value(&t.also_stride)
        .list(t.references.owasp_api.iter().map(String::as_str))
        .text(t.target.key.as_str())
        .text(&t.target.name)
        .text(t.target.kind.as_str())
        .value((&t.likelihood, &t.impact, &t.severity, &t.status))
        .maybe(t.response.approver.as_deref())
        .maybe(t.response.reason.as_deref())
        .maybe(t.response.expires.as_deref())
        .maybe(t.response.transferred_to.as_deref())
        .list(t.attack_path.iter().map(|k| k.as_str()))
        .list(mitigations.iter().map(String::as_str))
        .list(t.mitigations.iter().map(|m| m.title.as_str()))
        .list(t.rationale.iter().map(String::as_str))
        .value((&signed, &changed))
        .finish()
}

/// The register's rows and their fingerprints; rows in `earlier` are reused.
pub fn threat_rows(parts: &Parts<'_>, earlier: &RowCache) -> (Vec<Arc<ThreatRow>>, Vec<u64>) {
    let mut by_threat: HashMap<&str, Vec<String>> = HashMap::new();
    for m in parts.mitigations {
        for t in &m.threats {
            by_threat.entry(t.as_str()).or_default().push(m.reference.clone());
        }
    }
    let mut rows = Vec::with_capacity(parts.threats.len());
    let mut prints = Vec::with_capacity(parts.threats.len());
    for t in parts.threats {
        let mitigations = by_threat.remove(t.reference.as_str()).unwrap_or_default();
        let signed = parts.signed.contains(&t.reference);
        let changed = parts.changed.contains(&t.reference);
        let print = print_of(t, &mitigations, signed, changed);
        let row = match earlier.0.get(&print) {
            Some(row) => Arc::clone(row),
            None => Arc::new(ThreatRow {
                reference: t.reference.clone(),
                title: t.title.clone(),
                description: t.description.clone(),
                rule: t.rule.clone(),
                stride: t.stride,
                also_stride: t.also_stride.clone(),
                owasp: t.references.owasp_api.clone(),
                target: t.target.key.to_string(),
                target_name: t.target.name.clone(),
                target_kind: t.target.kind.as_str().to_owned(),
                likelihood: t.likelihood,
                impact: t.impact,
                severity: t.severity,
                status: t.status,
                approver: t.response.approver.clone(),
                reason: t.response.reason.clone(),
                expires: t.response.expires.clone(),
                transferred_to: t.response.transferred_to.clone(),
                attack_path: t.attack_path.iter().map(|k| k.to_string()).collect(),
                mitigations,
                suggested: t.mitigations.iter().map(|m| m.title.clone()).collect(),
                rationale: t.rationale.clone(),
                signed,
                changed,
            }),
        };
        rows.push(row);
        prints.push(print);
    }
    (rows, prints)
}

pub fn mitigation_rows(mitigations: &[Mitigation]) -> Vec<MitigationRow> {
    mitigations
        .iter()
        .map(|m| MitigationRow {
            reference: m.reference.clone(),
            title: m.title.clone(),
            description: m.description.clone(),
            status: m.status,
            owner: m.owner.clone(),
            ticket: m.ticket.clone(),
            due: m.due.clone(),
            threats: m.threats.clone(),
        })
        .collect()
}

pub fn diagnostic_rows(diagnostics: &[Diagnostic]) -> Vec<DiagnosticView> {
    diagnostics
        .iter()
        .map(|d| DiagnosticView {
            code: d.code.to_string(),
            error: d.is_error(),
            message: d.message.clone(),
            key: d.location.key.as_ref().map(|k| k.to_string()),
        })
        .collect()
}

/// The data assets with where they are carried or held, and the API inventory.
pub fn items(model: &Model) -> (Vec<ItemView>, Vec<ItemView>) {
    let mut on: HashMap<&str, Vec<String>> = HashMap::new();
    for f in &model.flows {
        for a in &f.carries {
            on.entry(a.as_str()).or_default().push(f.key.to_string());
        }
    }
    for s in &model.data_stores {
        for a in &s.stores {
            on.entry(a.as_str()).or_default().push(s.key.to_string());
        }
    }
    let assets = model
        .data_assets
        .iter()
        .map(|a| ItemView {
            key: a.key.to_string(),
            name: crate::model::Item::display_name(a).to_owned(),
            on: on.remove(a.key.as_str()).unwrap_or_default(),
            props: props_of(a),
        })
        .collect();
    let apis = model
        .apis
        .iter()
        .map(|a| ItemView {
            key: a.key.to_string(),
            name: crate::model::Item::display_name(a).to_owned(),
            on: a.provider.iter().chain(a.consumers.iter()).map(|k| k.to_string()).collect(),
            props: props_of(a),
        })
        .collect();
    (assets, apis)
}
