//! Fingerprints of what reviewers sign, and what changed since a baseline.

use super::audit::hex;
use crate::model::{Item, Key, Model, Threat};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// SHA-256 of bytes, as lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// An item as content: its JSON without diagram geometry (moving a box is not a change).
fn content<T: Serialize>(item: &T) -> Value {
    let mut v = serde_json::to_value(item).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("position");
        m.remove("size");
    }
    v
}

/// Every item of a model by key, as (section label, content): what a threat sign-off
/// covers of the item it is about.
fn items(model: &Model) -> BTreeMap<Key, (&'static str, Value)> {
    let mut out = BTreeMap::new();
    fn add<T: Item + Serialize>(out: &mut BTreeMap<Key, (&'static str, Value)>, items: &[T]) {
        for i in items {
            out.insert(i.key().clone(), (T::SECTION.item_label(), content(i)));
        }
    }
    add(&mut out, &model.boundaries);
    add(&mut out, &model.external_entities);
    add(&mut out, &model.processes);
    add(&mut out, &model.data_stores);
    add(&mut out, &model.flows);
    add(&mut out, &model.data_assets);
    add(&mut out, &model.apis);
    out
}

/// An item as a design-change review compares it: by identity, with its key, its name,
/// its fields as written (identity, key and diagram geometry aside; a boundary's member
/// list aside, since membership shows as an element that moved), the same fields with
/// references to elements by identity (renaming an element does not change the flows
/// that touch it), and, for an element, its innermost boundary.
#[derive(Clone, Debug)]
pub struct Comparable {
    pub what: &'static str,
    pub key: Key,
    pub name: String,
    pub fields: serde_json::Map<String, Value>,
    pub same: serde_json::Map<String, Value>,
    /// The innermost boundary (identity, key) of an element.
    pub boundary: Option<(Uuid, Key)>,
}

/// Fields that name elements by key.
const ELEMENT_REFS: [&str; 4] = ["from", "to", "provider", "consumers"];

/// Fields that are not content: identity, key and diagram geometry.
const NOT_CONTENT: [&str; 4] = ["position", "size", "id", "key"];

fn comparable_item<T: Item + Serialize>(item: &T, ids: &HashMap<&str, Uuid>) -> (Uuid, Comparable) {
    let mut fields = match serde_json::to_value(item) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    for f in NOT_CONTENT {
        fields.remove(f);
    }
    if T::SECTION == crate::model::Section::Boundaries {
        fields.remove("members");
    }
    let mut same = fields.clone();
    for f in ELEMENT_REFS {
        if let Some(v) = same.get_mut(f) {
            *v = by_identity(v, ids);
        }
    }
    let c = Comparable {
        what: T::SECTION.item_label(),
        key: item.key().clone(),
        name: item.display_name().to_owned(),
        fields,
        same,
        boundary: None,
    };
    (item.id(), c)
}

fn by_identity(v: &Value, ids: &HashMap<&str, Uuid>) -> Value {
    match v {
        Value::String(k) => ids.get(k.as_str()).map_or_else(|| v.clone(), |id| Value::String(id.to_string())),
        Value::Array(a) => Value::Array(a.iter().map(|x| by_identity(x, ids)).collect()),
        other => other.clone(),
    }
}

/// Every item of a model as a review compares it, by identity.
pub fn comparable(model: &Model) -> BTreeMap<Uuid, Comparable> {
    let ids: HashMap<&str, Uuid> = model.elements().map(|e| (e.key().as_str(), e.id())).collect();
    let mut out = BTreeMap::new();
    out.extend(model.boundaries.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.external_entities.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.processes.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.data_stores.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.flows.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.data_assets.iter().map(|x| comparable_item(x, &ids)));
    out.extend(model.apis.iter().map(|x| comparable_item(x, &ids)));
    let tree = crate::graph::BoundaryTree::new(model);
    let boundaries: HashMap<&Key, Uuid> = model.boundaries.iter().map(|b| (&b.key, b.id())).collect();
    for e in model.elements() {
        let inner = tree.boundary_of(e.key()).and_then(|k| boundaries.get(k).map(|id| (*id, k.clone())));
        if let Some(c) = out.get_mut(&e.id()) {
            c.boundary = inner;
        }
    }
    out
}

/// The system description as a review compares it.
pub fn comparable_system(model: &Model) -> serde_json::Map<String, Value> {
    match content(&model.system) {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// One item's identity in a version: what it is, its key, and its content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemHash {
    pub what: String,
    pub key: Key,
    pub hash: String,
}

/// What a model version's items are, for "what changed since": each item by identity
/// with its key and the SHA-256 of what a review compares ([`Comparable`]: its key, its
/// fields with element references by identity, its innermost boundary), and the system
/// description's hash. A baseline stores these, so that `check` and the canvas find what
/// changed without re-reading the snapshot; `diff` compares with the same hashes, so
/// every view of "changed since the baseline" names the same items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemHashes {
    /// The form of these hashes ([`ItemHashes::FORM`]); stored hashes of another form are
    /// made again from the baseline's snapshot.
    pub form: u32,
    pub system: String,
    pub items: BTreeMap<Uuid, ItemHash>,
}

/// Where a threat stood when a model version was signed off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub reference: String,
    pub title: String,
    pub severity: crate::model::RiskLevel,
    pub status: crate::model::ThreatStatus,
}

impl Standing {
    pub fn of(threats: &[Threat]) -> Vec<Standing> {
        threats
            .iter()
            .map(|t| Standing {
                reference: t.reference.clone(),
                title: t.title.clone(),
                severity: t.severity,
                status: t.status,
            })
            .collect()
    }
}

impl ItemHashes {
    /// The form written now. (Form 1, before it, hashed items by key.)
    pub const FORM: u32 = 2;

    pub fn of(model: &Model) -> ItemHashes {
        Self::of_comparable(&comparable(model), &comparable_system(model))
    }

    /// [`ItemHashes::of`] from items already made comparable.
    pub fn of_comparable(items: &BTreeMap<Uuid, Comparable>, system: &serde_json::Map<String, Value>) -> ItemHashes {
        let hash = |v: &Value| sha256(v.to_string().as_bytes());
        ItemHashes {
            form: Self::FORM,
            system: hash(&Value::Object(system.clone())),
            items: items
                .iter()
                .map(|(id, c)| {
                    let inner = c.boundary.as_ref().map(|(id, _)| id.to_string());
                    let compared = serde_json::json!([c.key, c.same, inner]);
                    (*id, ItemHash { what: c.what.to_owned(), key: c.key.clone(), hash: hash(&compared) })
                })
                .collect(),
        }
    }

    /// Reads stored hashes: `None` when they are of an older form (to be made again).
    pub fn read(json: &str) -> Result<Option<ItemHashes>, serde_json::Error> {
        let value: Value = serde_json::from_str(json)?;
        if value.get("form").and_then(Value::as_u64) != Some(u64::from(Self::FORM)) {
            return Ok(None);
        }
        serde_json::from_value(value).map(Some)
    }
}

/// How an item changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One item that differs between a baseline and now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: ChangeKind,
    /// What the item is ("process", "flow"... or "system").
    pub what: String,
    /// Its key now (removed: its key then).
    pub key: Key,
    /// Its identity (none for the system description).
    #[serde(skip)]
    pub id: Option<Uuid>,
}

/// Items added, removed or changed from `base` to `now`, matched by identity: a renamed
/// key is a change of the item, not a removal and an addition; moving a box is no change.
/// The one definition of "what changed": `check`, the canvas, reports and `diff` use it.
pub fn changes(base: &ItemHashes, now: &ItemHashes) -> Vec<Change> {
    let (a, b) = (&base.items, &now.items);
    let mut out = Vec::new();
    if base.system != now.system {
        out.push(Change { kind: ChangeKind::Changed, what: "system".into(), key: Key::from("system"), id: None });
    }
    let change =
        |kind, id: &Uuid, i: &ItemHash| Change { kind, what: i.what.clone(), key: i.key.clone(), id: Some(*id) };
    for (id, was) in a {
        match b.get(id) {
            None => out.push(change(ChangeKind::Removed, id, was)),
            Some(is) if is.hash != was.hash => out.push(change(ChangeKind::Changed, id, is)),
            _ => {}
        }
    }
    out.extend(b.iter().filter(|(id, _)| !a.contains_key(id)).map(|(id, is)| change(ChangeKind::Added, id, is)));
    out.sort_by(|x, y| x.key.cmp(&y.key).then(x.kind.cmp(&y.kind)));
    out
}

/// What a threat sign-off covers: the threat's decision and the content of the item it
/// is about. Editing either invalidates the sign-off.
pub fn threat_fingerprint(t: &Threat, model: &Model) -> String {
    let target = items(model).remove(&t.target.key).map(|(_, v)| v).unwrap_or(Value::Null);
    let signed = serde_json::json!({
        "threat": t.id,
        "status": t.status,
        "response": {
            "approver": t.response.approver,
            "reason": t.response.reason,
            "expires": t.response.expires,
            "transferred_to": t.response.transferred_to,
        },
        "target": target,
    });
    sha256(signed.to_string().as_bytes())
}

/// The fingerprint of a model version: SHA-256 of its canonical YAML (with the register).
pub fn model_fingerprint(canonical_yaml: &str) -> String {
    sha256(canonical_yaml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let mut m = crate::synth::api_platform(40, 1);
        m.canonicalize();
        m
    }

    #[test]
    fn geometry_is_not_a_change_but_content_is() {
        let base = model();
        let mut now = base.clone();
        now.processes[0].position = Some(crate::model::element::Position { x: 999.0, y: -5.0 });
        assert!(changes(&ItemHashes::of(&base), &ItemHashes::of(&now)).is_empty());

        now.processes[0].name = Some("Renamed service".into());
        let removed = now.data_stores.remove(0);
        now.system.name.push_str(" (edited)");
        let got = changes(&ItemHashes::of(&base), &ItemHashes::of(&now));
        let kinds: Vec<_> = got.iter().map(|c| (c.kind.as_str(), c.what.as_str(), c.key.as_str())).collect();
        assert!(kinds.contains(&("changed", "process", base.processes[0].key.as_str())), "{kinds:?}");
        assert!(kinds.contains(&("removed", "data store", removed.key.as_str())), "{kinds:?}");
        assert!(kinds.contains(&("changed", "system", "system")), "{kinds:?}");
        // The flows that touched the removed store lost an end: they changed too.
        let touching: Vec<&str> = base
            .flows
            .iter()
            .filter(|f| f.from == removed.key || f.to == removed.key)
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(got.len(), 3 + touching.len(), "{kinds:?}");
        assert!(touching.iter().all(|k| kinds.contains(&("changed", "flow", k))), "{kinds:?}");
        // Stored hashes read back compare the same; hashes of the older form are not read.
        let stored = ItemHashes::read(&serde_json::to_string(&ItemHashes::of(&base)).unwrap()).unwrap().unwrap();
        assert_eq!(changes(&stored, &ItemHashes::of(&now)), got);
        assert_eq!(ItemHashes::read(r#"{"system":"x","items":{"api":["process","y"]}}"#).unwrap(), None);
        assert!(ItemHashes::read("not json").is_err());
    }

    #[test]
    fn a_renamed_element_is_one_change_and_its_flows_are_none() {
        let base = model();
        let mut now = base.clone();
        let e = &mut now.processes[0];
        e.id = Some(e.id());
        let old_key = e.key.clone();
        e.key = crate::model::Key::from("renamed-service");
        for f in &mut now.flows {
            for end in [&mut f.from, &mut f.to] {
                if *end == old_key {
                    *end = e.key.clone();
                }
            }
        }
        let mut base = base;
        base.processes[0].id = Some(base.processes[0].id());
        let got = changes(&ItemHashes::of(&base), &ItemHashes::of(&now));
        let kinds: Vec<_> = got.iter().map(|c| (c.kind.as_str(), c.key.as_str())).collect();
        assert_eq!(kinds, vec![("changed", "renamed-service")]);
    }

    #[test]
    fn moving_an_element_across_boundaries_changes_the_element_not_the_boundary() {
        let base = model();
        let mut now = base.clone();
        let b = now.boundaries.iter().position(|b| !b.members.is_empty()).expect("a boundary with members");
        let moved = now.boundaries[b].members.remove(0);
        let got = changes(&ItemHashes::of(&base), &ItemHashes::of(&now));
        let kinds: Vec<_> = got.iter().map(|c| (c.kind.as_str(), c.key.as_str())).collect();
        assert_eq!(kinds, vec![("changed", moved.as_str())]);
    }
}
