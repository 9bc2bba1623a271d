//! Design-change review: the semantic difference between two versions of a model and of
//! their threat registers, as pure functions. Items are matched by identity (UUID), so a
//! renamed key is a rename, not a removal and an addition; positions and sizes never count.
//! Threats are matched by their stable identity (rule + targets).

use crate::graph::Facts;
use crate::lifecycle::review::{self, Comparable, ItemHashes, threat_fingerprint};
use crate::model::{ElementRef, Item, Model, ReviewScope, RiskLevel, Threat, ThreatStatus};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// How an item changed (the review's own kinds: one definition of "changed").
pub use crate::lifecycle::review::ChangeKind as Change;

/// One field's values before and after (`null`: not stated).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// An element, flow, boundary, data asset or API entry that differs.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct ItemChange {
    pub change: Change,
    /// Its identity (none for the system description).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// "process", "flow", "data asset"…
    pub what: &'static str,
    pub key: String,
    /// The key it had, when the key changed (same identity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// The innermost boundary before and after, when it moved across boundaries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<(Option<String>, Option<String>)>,
}

/// A derived fact that changed (computed over the graph of each version).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct FactChange {
    /// `crosses-boundary`, `internet-exposed`, `anonymously-reachable` (elements and
    /// flows), `data-reaches` (a data asset and a place: a trust boundary, the outside of
    /// every boundary, or an external entity), `attack-path` (a path from an untrusted
    /// entity to a data store, keyed by the store).
    pub fact: &'static str,
    pub key: String,
    pub name: String,
    /// Whether the fact holds now (true: it started to hold; false: it stopped).
    pub now: bool,
    /// The place reached, or the path's elements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ThreatChangeKind {
    New,
    Resolved,
    SeverityUp,
    SeverityDown,
    StatusChanged,
}

/// A threat that appeared, went, or changed in severity or status.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct ThreatChange {
    pub change: ThreatChangeKind,
    pub id: Uuid,
    /// Its reference in the old version. New threats have none yet: a reference is given
    /// when a project file records the threat (a fresh analysis numbers its own).
    pub reference: Option<String>,
    pub title: String,
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_severity: Option<RiskLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_severity: Option<RiskLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_status: Option<ThreatStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_status: Option<ThreatStatus>,
    /// Why a resolved threat went, when the change says it: its target was removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

/// A mitigation whose ground moved: threats it covered that no longer exist, items they
/// were about that were removed.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct MitigationChange {
    pub reference: String,
    pub title: String,
    /// References of the threats it covered that are resolved (no longer found).
    pub lost_threats: Vec<String>,
    /// Keys of the removed items those threats were about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost_elements: Vec<String>,
    /// It covers no live threat any more: a candidate for retirement.
    pub covers_nothing: bool,
}

/// A sign-off that held before the change and no longer does.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct SignOffChange {
    pub scope: ReviewScope,
    /// The threat signed off (scope `threat`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub title: String,
    pub reviewer: String,
    pub at: String,
    /// Why it no longer holds.
    pub reason: String,
}

/// A review question that the change raised or settled (a question is not a threat: it
/// never moves the verdict or fails the gate).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct QuestionChange {
    /// `asked`: the new version raises it; `settled`: the new version no longer does (the
    /// model now states the control, or the item is gone).
    pub change: &'static str,
    pub rule: String,
    pub key: String,
    pub ask: String,
    pub severity_if_not: RiskLevel,
}

/// Questions asked in `new` and not in `old`, then those settled, by identity.
pub fn question_changes(old: &[crate::model::Question], new: &[crate::model::Question]) -> Vec<QuestionChange> {
    let ids = |qs: &[crate::model::Question]| qs.iter().map(|q| q.id).collect::<HashSet<Uuid>>();
    let (was, is) = (ids(old), ids(new));
    let change = |c: &'static str| {
        move |q: &crate::model::Question| QuestionChange {
            change: c,
            rule: q.rule.clone(),
            key: q.target.key.to_string(),
            ask: q.ask.clone(),
            severity_if_not: q.severity_if_not,
        }
    };
    let mut out: Vec<QuestionChange> = new.iter().filter(|q| !was.contains(&q.id)).map(change("asked")).collect();
    out.extend(old.iter().filter(|q| !is.contains(&q.id)).map(change("settled")));
    out
}

/// Which way risk went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(rename = "RiskDirection")]
pub enum Direction {
    Up,
    Down,
    Unchanged,
}

/// The one-line verdict: direction, and live threats added and resolved per severity.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Verdict {
    pub risk: Direction,
    pub new: BTreeMap<RiskLevel, usize>,
    pub resolved: BTreeMap<RiskLevel, usize>,
    pub worsened: usize,
    pub improved: usize,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub verdict: Verdict,
    pub items: Vec<ItemChange>,
    pub facts: Vec<FactChange>,
    pub threats: Vec<ThreatChange>,
    /// Mitigations that lost threats or the items they were about.
    pub mitigations: Vec<MitigationChange>,
    /// Sign-offs the change invalidated.
    pub sign_offs: Vec<SignOffChange>,
    /// Review questions raised or settled (filled by callers that have the rule library:
    /// `workflow::diff_versions`).
    pub questions: Vec<QuestionChange>,
}

impl Diff {
    /// Nothing of substance changed (layout-only changes included).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.facts.is_empty()
            && self.threats.is_empty()
            && self.mitigations.is_empty()
            && self.sign_offs.is_empty()
            && self.questions.is_empty()
    }

    /// Whether new or worsened live threats reach `level` (the CI gate).
    pub fn fails_at(&self, level: RiskLevel) -> bool {
        self.threats.iter().any(|t| {
            matches!(t.change, ThreatChangeKind::New | ThreatChangeKind::SeverityUp)
                && t.new_severity.is_some_and(|s| s >= level)
        })
    }
}

fn field_changes(a: &Comparable, b: &Comparable) -> Vec<FieldChange> {
    field_changes_of((&a.fields, &a.same), (&b.fields, &b.same))
}

/// The fields that differ, compared as `same` (references by identity), shown as written.
fn field_changes_of(
    (a, a_same): (&serde_json::Map<String, Value>, &serde_json::Map<String, Value>),
    (b, b_same): (&serde_json::Map<String, Value>, &serde_json::Map<String, Value>),
) -> Vec<FieldChange> {
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| a_same.get(*n) != b_same.get(*n))
        .map(|n| FieldChange {
            field: n.clone(),
            old: a.get(n).cloned().unwrap_or(Value::Null),
            new: b.get(n).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

/// Compares two versions: models and their registers (each analysed with the same rules).
pub fn diff(
    old_name: &str,
    old: &Model,
    old_threats: &[Threat],
    new_name: &str,
    new: &Model,
    new_threats: &[Threat],
) -> Diff {
    let (a, b) = (review::comparable(old), review::comparable(new));
    let (sa, sb) = (review::comparable_system(old), review::comparable_system(new));
    // Which items changed is the review's one answer; the diff adds what changed in them.
    let changed = review::changes(&ItemHashes::of_comparable(&a, &sa), &ItemHashes::of_comparable(&b, &sb));
    let mut items: Vec<ItemChange> = changed
        .iter()
        .map(|c| {
            let (was, is) = match c.id {
                Some(id) => (a.get(&id), b.get(&id)),
                None => (None, None),
            };
            let this = is.or(was);
            let mut item = ItemChange {
                change: c.kind,
                id: c.id,
                what: this.map_or("system", |x| x.what),
                key: c.key.to_string(),
                renamed_from: None,
                name: this.map_or_else(|| new.system.name.clone(), |x| x.name.clone()),
                fields: Vec::new(),
                moved: None,
            };
            match (c.id, was, is) {
                (None, _, _) => item.fields = field_changes_of((&sa, &sa), (&sb, &sb)),
                (Some(_), Some(o), Some(n)) => {
                    item.fields = field_changes(o, n);
                    item.renamed_from = (o.key != n.key).then(|| o.key.to_string());
                    let key = |b: &Option<(Uuid, crate::model::Key)>| b.as_ref().map(|(_, k)| k.to_string());
                    let id = |b: &Option<(Uuid, crate::model::Key)>| b.as_ref().map(|(id, _)| *id);
                    item.moved = (id(&o.boundary) != id(&n.boundary)).then(|| (key(&o.boundary), key(&n.boundary)));
                }
                _ => {}
            }
            item
        })
        .collect();
    items.sort_by(|x, y| x.change.cmp(&y.change).then(x.what.cmp(y.what)).then(x.key.cmp(&y.key)));

    let facts = fact_changes(old, new);
    let present: HashSet<Uuid> = b.keys().copied().collect();
    let threats = threat_changes(old_threats, new_threats, &present);
    let verdict = verdict(&threats);
    let mitigations = mitigation_changes(old, old_threats, new, new_threats, &present);
    let sign_offs = sign_off_changes(old, old_threats, new, new_threats, items.len());
    Diff {
        old: old_name.to_owned(),
        new: new_name.to_owned(),
        verdict,
        items,
        facts,
        threats,
        mitigations,
        sign_offs,
        questions: Vec::new(),
    }
}

/// Mitigations (the new version's, or the old one's when the new has none) that covered
/// threats which are gone.
fn mitigation_changes(
    old: &Model,
    old_threats: &[Threat],
    new: &Model,
    new_threats: &[Threat],
    present: &HashSet<Uuid>,
) -> Vec<MitigationChange> {
    let by_ref = |ts: &'_ [Threat]| -> HashMap<String, (Uuid, bool)> {
        ts.iter().filter(|t| !t.reference.is_empty()).map(|t| (t.reference.clone(), (t.id, live(t)))).collect()
    };
    let (was, is) = (by_ref(old_threats), by_ref(new_threats));
    let live_now: HashSet<Uuid> = new_threats.iter().filter(|t| live(t)).map(|t| t.id).collect();
    let targets: HashMap<Uuid, (Uuid, String)> =
        old_threats.iter().map(|t| (t.id, (t.target.id, t.target.key.to_string()))).collect();
    let list = if new.mitigations.is_empty() { &old.mitigations } else { &new.mitigations };
    let mut out = Vec::new();
    for m in list {
        let mut lost_threats = Vec::new();
        let mut lost_elements = BTreeSet::new();
        let mut covers = false;
        for r in &m.threats {
            // The threat as it was: live then, and not live now (by identity).
            if let Some(&(id, true)) = was.get(r)
                && !live_now.contains(&id)
            {
                lost_threats.push(r.clone());
                if let Some((target, key)) = targets.get(&id)
                    && !present.contains(target)
                {
                    lost_elements.insert(key.clone());
                }
            }
            let id = is.get(r).map(|x| x.0).or_else(|| was.get(r).map(|x| x.0));
            covers |= id.is_some_and(|id| live_now.contains(&id));
        }
        if !lost_threats.is_empty() {
            out.push(MitigationChange {
                reference: m.reference.clone(),
                title: m.title.clone(),
                lost_threats,
                lost_elements: lost_elements.into_iter().collect(),
                covers_nothing: !covers,
            });
        }
    }
    out
}

/// Threat sign-offs that held in the old version and not in the new, and the latest
/// model sign-off when items changed.
fn sign_off_changes(
    old: &Model,
    old_threats: &[Threat],
    new: &Model,
    new_threats: &[Threat],
    items_changed: usize,
) -> Vec<SignOffChange> {
    let reviews = if new.reviews.is_empty() { &old.reviews } else { &new.reviews };
    // The latest sign-off of each threat, and of the model.
    let mut latest: BTreeMap<&str, &crate::model::Review> = BTreeMap::new();
    let mut model_review: Option<&crate::model::Review> = None;
    for r in reviews {
        match (r.scope, &r.threat) {
            (ReviewScope::Threat, Some(t)) if latest.get(t.as_str()).is_none_or(|x| x.at <= r.at) => {
                latest.insert(t.as_str(), r);
            }
            (ReviewScope::Model, _) if model_review.is_none_or(|x| x.at <= r.at) => model_review = Some(r),
            _ => {}
        }
    }
    let was: HashMap<&str, &Threat> = old_threats.iter().map(|t| (t.reference.as_str(), t)).collect();
    let is: HashMap<Uuid, &Threat> = new_threats.iter().filter(|t| live(t)).map(|t| (t.id, t)).collect();
    let mut out = Vec::new();
    for (reference, r) in latest {
        let Some(t) = was.get(reference) else { continue };
        if !live(t) || threat_fingerprint(t, old) != r.fingerprint {
            continue; // it did not hold before this change
        }
        let reason = match is.get(&t.id) {
            None => "the threat is resolved: no longer found".to_owned(),
            Some(n) if threat_fingerprint(n, new) == r.fingerprint => continue,
            Some(n) if n.status != t.status || n.response != t.response => {
                format!("its decision changed ({} → {})", t.status.as_str(), n.status.as_str())
            }
            Some(n) => {
                format!("{} `{}`, which it is about, changed", n.target.kind.as_str().replace('-', " "), n.target.key)
            }
        };
        out.push(SignOffChange {
            scope: ReviewScope::Threat,
            reference: Some(reference.to_owned()),
            title: t.title.clone(),
            reviewer: r.reviewer.clone(),
            at: r.at.clone(),
            reason,
        });
    }
    if let Some(r) = model_review
        && items_changed > 0
    {
        out.push(SignOffChange {
            scope: ReviewScope::Model,
            reference: None,
            title: r
                .baseline
                .map_or_else(|| "the model version".to_owned(), |b| format!("the model version of baseline {b}")),
            reviewer: r.reviewer.clone(),
            at: r.at.clone(),
            reason: format!("{items_changed} item(s) of the model changed"),
        });
    }
    out
}

fn fact_changes(old: &Model, new: &Model) -> Vec<FactChange> {
    let (fa, fb) = (Facts::new(old), Facts::new(new));
    let mut out = Vec::new();
    // Elements: internet exposure and anonymous reach, by identity.
    let ea: HashMap<Uuid, (bool, bool)> = old
        .elements()
        .filter_map(|e| fa.element_by_key(e.key().as_str()))
        .map(|(e, f)| (e.id(), (f.internet_exposed, f.reach.anonymous.is_some())))
        .collect();
    for e in new.elements() {
        let Some((_, f)) = fb.element_by_key(e.key().as_str()) else { continue };
        let now = (f.internet_exposed, f.reach.anonymous.is_some());
        let was = ea.get(&e.id()).copied().unwrap_or((false, false));
        let mut push = |fact, now| {
            out.push(FactChange { fact, key: e.key().to_string(), name: e.name().to_owned(), now, detail: None })
        };
        if was.0 != now.0 {
            push("internet-exposed", now.0);
        }
        if was.1 != now.1 {
            push("anonymously-reachable", now.1);
        }
    }
    // Flows: boundary crossings, by identity, with the boundaries crossed.
    let crossing = |m: &Model, f: &Facts<'_>| -> HashMap<Uuid, Vec<String>> {
        m.flows
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let names = f
                    .flow(i)
                    .crossed
                    .iter()
                    .map(|k| f.boundary(k.as_str()).map_or_else(|| k.to_string(), |b| b.display_name().to_owned()))
                    .collect();
                (x.id(), names)
            })
            .collect()
    };
    let (ca, cb) = (crossing(old, &fa), crossing(new, &fb));
    for x in &new.flows {
        let now = cb.get(&x.id()).cloned().unwrap_or_default();
        let was = ca.get(&x.id()).cloned().unwrap_or_default();
        if now.is_empty() != was.is_empty() {
            let crossed = if now.is_empty() { was } else { now.clone() };
            out.push(FactChange {
                fact: "crosses-boundary",
                key: x.key.to_string(),
                name: x.display_name().to_owned(),
                now: !now.is_empty(),
                detail: Some(crossed.join(", ")),
            });
        }
    }
    // Data assets: the places that see them (carry or store them), by identity.
    let (pa, pb) = (places(old, &fa), places(new, &fb));
    for asset in &new.data_assets {
        let Some(was) = pa.get(&asset.id()) else { continue }; // a new asset is listed as added
        let is = pb.get(&asset.id()).cloned().unwrap_or_default();
        let mut push = |label: &String, now| {
            out.push(FactChange {
                fact: "data-reaches",
                key: asset.key.to_string(),
                name: asset.display_name().to_owned(),
                now,
                detail: Some(label.clone()),
            })
        };
        for (place, label) in &is {
            if !was.contains_key(place) {
                push(label, true);
            }
        }
        for (place, label) in was {
            if !is.contains_key(place) {
                push(label, false);
            }
        }
    }
    // Attack paths: by the identities of the elements along them.
    let (xa, xb) = (attack_paths(&fa), attack_paths(&fb));
    for (now, from, other) in [(true, &xb, &xa), (false, &xa, &xb)] {
        for (ids, (key, name, label)) in from {
            if !other.contains_key(ids) {
                out.push(FactChange {
                    fact: "attack-path",
                    key: key.clone(),
                    name: name.clone(),
                    now,
                    detail: Some(label.clone()),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        a.fact.cmp(b.fact).then(a.key.cmp(&b.key)).then(b.now.cmp(&a.now)).then(a.detail.cmp(&b.detail))
    });
    out
}

/// Where each data asset is seen, by asset identity: place identity → label. A place is an
/// external entity (a vendor, a client), or the innermost trust boundary of a process or
/// store (the nil identity: outside every boundary).
fn places(m: &Model, facts: &Facts<'_>) -> HashMap<Uuid, BTreeMap<Uuid, String>> {
    let mut out: HashMap<Uuid, BTreeMap<Uuid, String>> = HashMap::new();
    for e in m.elements() {
        let Some((_, f)) = facts.element_by_key(e.key().as_str()) else { continue };
        if f.assets.is_empty() {
            continue;
        }
        let place = match e {
            ElementRef::ExternalEntity(x) => {
                let trust = x.trust.map(|t| format!(" ({})", t.as_str())).unwrap_or_default();
                (f.id, format!("external entity {}{trust}", x.display_name()))
            }
            _ => match f.boundary.as_ref().and_then(|k| facts.boundary(k.as_str())) {
                Some(b) => (b.id(), format!("trust boundary {}", b.display_name())),
                None => (Uuid::nil(), "outside every trust boundary".to_owned()),
            },
        };
        for &a in &f.assets {
            out.entry(m.data_assets[a].id()).or_default().insert(place.0, place.1.clone());
        }
    }
    out
}

/// Attack paths by the identities of their elements: (store key, store name, the path in names).
fn attack_paths(facts: &Facts<'_>) -> BTreeMap<Vec<Uuid>, (String, String, String)> {
    facts
        .attack_paths
        .iter()
        .filter_map(|p| {
            let found: Option<Vec<(Uuid, String)>> = p
                .elements
                .iter()
                .map(|k| facts.element_by_key(k.as_str()).map(|(e, f)| (f.id, e.name().to_owned())))
                .collect();
            let found = found?;
            let target = facts.element_by_key(p.target.as_str())?.0.name().to_owned();
            let label = found.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" → ");
            Some((found.into_iter().map(|(id, _)| id).collect(), (p.target.to_string(), target, label)))
        })
        .collect()
}

fn live(t: &Threat) -> bool {
    t.status != ThreatStatus::Obsolete
}

/// Threats new, resolved or re-ranked between two registers. `present`: the identities of
/// the new version's items (a resolved threat whose target is gone says so).
fn threat_changes(old: &[Threat], new: &[Threat], present: &HashSet<Uuid>) -> Vec<ThreatChange> {
    let a: HashMap<Uuid, &Threat> = old.iter().filter(|t| live(t)).map(|t| (t.id, t)).collect();
    let b: HashMap<Uuid, &Threat> = new.iter().filter(|t| live(t)).map(|t| (t.id, t)).collect();
    let reference = |t: &Threat| (!t.reference.is_empty()).then(|| t.reference.clone());
    let mut out = Vec::new();
    for t in new.iter().filter(|t| live(t)) {
        let base = |change| ThreatChange {
            change,
            id: t.id,
            reference: a.get(&t.id).and_then(|o| reference(o)),
            title: t.title.clone(),
            target: t.target.name.clone(),
            old_severity: None,
            new_severity: Some(t.severity),
            old_status: None,
            new_status: Some(t.status),
            because: None,
        };
        match a.get(&t.id) {
            None => out.push(base(ThreatChangeKind::New)),
            Some(o) => {
                let kind = if t.severity > o.severity {
                    Some(ThreatChangeKind::SeverityUp)
                } else if t.severity < o.severity {
                    Some(ThreatChangeKind::SeverityDown)
                } else if t.status != o.status {
                    Some(ThreatChangeKind::StatusChanged)
                } else {
                    None
                };
                if let Some(k) = kind {
                    let mut c = base(k);
                    c.old_severity = Some(o.severity);
                    c.old_status = Some(o.status);
                    out.push(c);
                }
            }
        }
    }
    for t in old.iter().filter(|t| live(t) && !b.contains_key(&t.id)) {
        out.push(ThreatChange {
            change: ThreatChangeKind::Resolved,
            id: t.id,
            reference: reference(t),
            title: t.title.clone(),
            target: t.target.name.clone(),
            old_severity: Some(t.severity),
            new_severity: None,
            old_status: Some(t.status),
            new_status: None,
            because: (!present.contains(&t.target.id) && t.target.kind != crate::model::TargetKind::Model)
                .then(|| format!("{} `{}` was removed", t.target.kind.as_str().replace('-', " "), t.target.key)),
        });
    }
    out.sort_by(|x, y| {
        x.change
            .cmp(&y.change)
            .then(y.new_severity.or(y.old_severity).cmp(&x.new_severity.or(x.old_severity)))
            .then(x.title.cmp(&y.title))
    });
    out
}

fn verdict(threats: &[ThreatChange]) -> Verdict {
    let mut new = BTreeMap::new();
    let mut resolved = BTreeMap::new();
    let (mut worsened, mut improved) = (0, 0);
    // A weighted balance: a critical counts more than a low.
    let weight = |s: RiskLevel| match s {
        RiskLevel::Low => 1i64,
        RiskLevel::Medium => 3,
        RiskLevel::High => 9,
        RiskLevel::Critical => 27,
    };
    let mut balance = 0i64;
    for t in threats {
        match t.change {
            ThreatChangeKind::New => {
                let s = t.new_severity.unwrap_or(RiskLevel::Low);
                *new.entry(s).or_insert(0) += 1;
                balance += weight(s);
            }
            ThreatChangeKind::Resolved => {
                let s = t.old_severity.unwrap_or(RiskLevel::Low);
                *resolved.entry(s).or_insert(0) += 1;
                balance -= weight(s);
            }
            ThreatChangeKind::SeverityUp => {
                worsened += 1;
                balance +=
                    weight(t.new_severity.unwrap_or(RiskLevel::Low)) - weight(t.old_severity.unwrap_or(RiskLevel::Low));
            }
            ThreatChangeKind::SeverityDown => {
                improved += 1;
                balance +=
                    weight(t.new_severity.unwrap_or(RiskLevel::Low)) - weight(t.old_severity.unwrap_or(RiskLevel::Low));
            }
            ThreatChangeKind::StatusChanged => {}
        }
    }
    let risk = match balance.cmp(&0) {
        std::cmp::Ordering::Greater => Direction::Up,
        std::cmp::Ordering::Less => Direction::Down,
        std::cmp::Ordering::Equal => Direction::Unchanged,
    };
    Verdict { risk, new, resolved, worsened, improved }
}

/// The JSON Schema of `diff --format json` (published as
/// `models/schema/threatwright-diff.schema.json`; fields are only ever added).
pub fn schema() -> String {
    // The output's contract: fields left out when empty are not required.
    let generator = schemars::generate::SchemaSettings::default().for_serialize().into_generator();
    let mut s = serde_json::to_string_pretty(&generator.into_root_schema_for::<Diff>()).expect("schema serialises");
    s.push('\n');
    s
}

/// The verdict as one line: "risk up: +1 critical, +2 high; resolved 3 medium".
pub fn verdict_line(v: &Verdict) -> String {
    let counts = |m: &BTreeMap<RiskLevel, usize>, sign: &str| -> Vec<String> {
        m.iter().rev().map(|(s, n)| format!("{sign}{n} {}", s.as_str())).collect()
    };
    let mut parts = counts(&v.new, "+");
    parts.extend(counts(&v.resolved, "−"));
    if v.worsened > 0 {
        parts.push(format!("{} worse", v.worsened));
    }
    if v.improved > 0 {
        parts.push(format!("{} better", v.improved));
    }
    let head = match v.risk {
        Direction::Up => "risk up",
        Direction::Down => "risk down",
        Direction::Unchanged => "risk unchanged",
    };
    if parts.is_empty() { head.to_owned() } else { format!("{head}: {}", parts.join(", ")) }
}

pub mod render;
