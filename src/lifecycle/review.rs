//! Fingerprints of what reviewers sign, and what changed since a baseline.

use super::audit::hex;
use crate::model::{Item, Key, Model, Threat};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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

/// Every item of a model by key, as (section label, content).
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

/// What a model version's items were at sign-off: each item's section label and the
/// SHA-256 of its content (geometry aside), and the system description's hash. A baseline
/// stores these, so that `check` finds what changed without re-reading the snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemHashes {
    pub system: String,
    pub items: BTreeMap<Key, (String, String)>,
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
    pub fn of(model: &Model) -> ItemHashes {
        let hash = |v: &Value| sha256(v.to_string().as_bytes());
        ItemHashes {
            system: hash(&content(&model.system)),
            items: items(model).into_iter().map(|(k, (what, v))| (k, (what.to_owned(), hash(&v)))).collect(),
        }
    }
}

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
    pub key: Key,
}

/// Items added, removed or changed (geometry aside) from `base` to `now`, by key.
/// (The `diff` module compares versions in depth; this is what sign-off needs.)
pub fn changes(base: &ItemHashes, now: &ItemHashes) -> Vec<Change> {
    let (a, b) = (&base.items, &now.items);
    let mut out = Vec::new();
    if base.system != now.system {
        out.push(Change { kind: ChangeKind::Changed, what: "system".into(), key: Key::from("system") });
    }
    for (k, (what, v)) in a {
        match b.get(k) {
            None => out.push(Change { kind: ChangeKind::Removed, what: what.clone(), key: k.clone() }),
            Some((what, w)) if w != v => {
                out.push(Change { kind: ChangeKind::Changed, what: what.clone(), key: k.clone() })
            }
            _ => {}
        }
    }
    for (k, (what, _)) in b {
        if !a.contains_key(k) {
            out.push(Change { kind: ChangeKind::Added, what: what.clone(), key: k.clone() });
        }
    }
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
        assert_eq!(got.len(), 3, "{kinds:?}");
        // Stored hashes read back compare the same.
        let stored: ItemHashes = serde_json::from_str(&serde_json::to_string(&ItemHashes::of(&base)).unwrap()).unwrap();
        assert_eq!(changes(&stored, &ItemHashes::of(&now)), got);
    }
}
