//! Fingerprints of what reviewers sign, and what changed since a baseline.

use super::audit::hex;
use crate::model::{Item, Key, Model, Threat};
use serde::Serialize;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// What the item is ("process", "flow"... or "system").
    pub what: &'static str,
    pub key: Key,
}

/// Items added, removed or changed (geometry aside) from `base` to `now`, by key.
/// (The `diff` module compares versions in depth; this is what sign-off needs.)
pub fn changes(base: &Model, now: &Model) -> Vec<Change> {
    let a = items(base);
    let b = items(now);
    let mut out = Vec::new();
    if content(&base.system) != content(&now.system) {
        out.push(Change { kind: ChangeKind::Changed, what: "system", key: Key::from("system") });
    }
    for (k, (what, v)) in &a {
        match b.get(k) {
            None => out.push(Change { kind: ChangeKind::Removed, what, key: k.clone() }),
            Some((_, w)) if w != v => out.push(Change { kind: ChangeKind::Changed, what, key: k.clone() }),
            _ => {}
        }
    }
    for (k, (what, _)) in &b {
        if !a.contains_key(k) {
            out.push(Change { kind: ChangeKind::Added, what, key: k.clone() });
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
