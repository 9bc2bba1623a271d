//! The properties panel's fields, generated from the model's own JSON Schema (the same
//! vocabulary the YAML format and the rules use): a yes/no/unstated choice for booleans,
//! a select for closed vocabularies, numbers, text, sets of values and key lists. Nothing
//! is listed twice: a field added to the model appears in the panel.

use crate::model::{ApiEntry, Boundary, DataAsset, DataStore, ExternalEntity, Flow, Process, System, ThreatStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// How a field is edited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FieldKind {
    /// Yes, no, or not stated (rules tell "not stated" from "no").
    Flag,
    Text,
    /// Longer text (descriptions).
    LongText,
    /// A whole number, with its bounds when the schema states them; with `unlimited`,
    /// the word `unlimited` is a value too.
    Number {
        min: Option<f64>,
        max: Option<f64>,
        unlimited: bool,
    },
    /// One value of a closed vocabulary.
    Choice {
        options: Vec<Choice>,
    },
    /// Any number of values of a closed vocabulary.
    Set {
        options: Vec<Choice>,
    },
    /// Free-form words (tags).
    Words,
    /// Keys of other items (data assets carried, elements).
    Keys,
    /// A group of fields stored as one object (for example `vendor`).
    Group {
        fields: Vec<FieldSpec>,
    },
    /// A list of groups (for example a process's `operations`), added and removed one by one.
    List {
        fields: Vec<FieldSpec>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Choice {
    pub value: String,
    /// What the value means, from the model's documentation.
    pub help: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldSpec {
    /// The field's name in the model (and in YAML).
    pub name: String,
    /// The name for people: `rate_limited` → "Rate limited".
    pub label: String,
    pub help: Option<String>,
    pub kind: FieldKind,
}

/// What a threat status needs, and where a threat can go from it (the lifecycle table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusSpec {
    pub status: ThreatStatus,
    /// Decision fields the status needs: `approver`, `reason`, `expires`, `transferred_to`.
    pub needs: Vec<String>,
    /// It needs a linked mitigation (for mitigated: one implemented or verified).
    pub needs_mitigation: bool,
    /// Statuses a person may set from this one.
    pub next: Vec<ThreatStatus>,
    /// Only the analysis sets it (obsolete).
    pub engine_only: bool,
}

/// The fields of each kind of item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    /// The model's own fields (name, description, scope…).
    pub system: Vec<FieldSpec>,
    pub external_entity: Vec<FieldSpec>,
    pub process: Vec<FieldSpec>,
    pub data_store: Vec<FieldSpec>,
    pub flow: Vec<FieldSpec>,
    pub boundary: Vec<FieldSpec>,
    pub data_asset: Vec<FieldSpec>,
    pub api: Vec<FieldSpec>,
    pub statuses: Vec<StatusSpec>,
    /// The range of likelihood and impact (inclusive).
    pub scale_min: u8,
    pub scale_max: u8,
}

/// Fields the canvas owns (identity, geometry, membership, flow ends).
const HIDDEN: [&str; 8] = ["key", "id", "position", "size", "members", "parent", "from", "to"];

fn label(name: &str) -> String {
    let mut s = name.replace('_', " ");
    if let Some(f) = s.get(0..1) {
        s.replace_range(0..1, &f.to_uppercase());
    }
    s
}

fn resolve<'a>(defs: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => r.rsplit('/').next().and_then(|name| defs.get(name)).unwrap_or(v),
        None => v,
    }
}

/// The non-null alternative of `Option<T>` schemas.
fn unwrap_null<'a>(defs: &'a Value, v: &'a Value) -> &'a Value {
    let v = resolve(defs, v);
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = v.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> =
                alts.iter().filter(|a| a.get("type").and_then(Value::as_str) != Some("null")).collect();
            if non_null.len() == 1 && non_null.len() < alts.len() {
                return unwrap_null(defs, non_null[0]);
            }
        }
    }
    v
}

fn types(v: &Value) -> Vec<&str> {
    match v.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    }
}

fn choices(defs: &Value, v: &Value) -> Option<Vec<Choice>> {
    let v = unwrap_null(defs, v);
    if let Some(e) = v.get("enum").and_then(Value::as_array) {
        let out: Vec<Choice> =
            e.iter().filter_map(Value::as_str).map(|s| Choice { value: s.to_owned(), help: None }).collect();
        return (!out.is_empty()).then_some(out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = v.get(key).and_then(Value::as_array) {
            let mut out = Vec::new();
            for a in alts {
                let a = resolve(defs, a);
                if let Some(c) = a.get("const").and_then(Value::as_str) {
                    let help = a.get("description").and_then(Value::as_str).map(str::to_owned);
                    out.push(Choice { value: c.to_owned(), help });
                } else if let Some(e) = a.get("enum").and_then(Value::as_array) {
                    let help = a.get("description").and_then(Value::as_str).map(str::to_owned);
                    for s in e.iter().filter_map(Value::as_str) {
                        out.push(Choice { value: s.to_owned(), help: help.clone() });
                    }
                } else if a.get("type").and_then(Value::as_str) == Some("null") {
                    continue;
                } else {
                    return None;
                }
            }
            return (!out.is_empty()).then_some(out);
        }
    }
    None
}

/// A limit: a whole number or the word `unlimited` (`props::Limit`).
fn is_limit(v: &Value) -> bool {
    v.get("anyOf").and_then(Value::as_array).is_some_and(|alts| {
        alts.iter().any(|a| a.get("type").and_then(Value::as_str) == Some("integer"))
            && alts.iter().any(|a| a.get("const").and_then(Value::as_str) == Some("unlimited"))
    })
}

fn kind_of(defs: &Value, name: &str, v: &Value) -> Option<FieldKind> {
    let inner = unwrap_null(defs, v);
    if is_limit(inner) {
        return Some(FieldKind::Number { min: Some(0.0), max: None, unlimited: true });
    }
    if let Some(options) = choices(defs, inner) {
        return Some(FieldKind::Choice { options });
    }
    let t = types(inner);
    if t.contains(&"boolean") {
        return Some(FieldKind::Flag);
    }
    if t.contains(&"integer") || t.contains(&"number") {
        let num = |k: &str| inner.get(k).and_then(Value::as_f64);
        return Some(FieldKind::Number { min: num("minimum"), max: num("maximum"), unlimited: false });
    }
    if t.contains(&"string") {
        return Some(if name == "description" || name.ends_with("_notes") || name == "scope" {
            FieldKind::LongText
        } else {
            FieldKind::Text
        });
    }
    if t.contains(&"array") {
        let items = inner.get("items").map(|i| unwrap_null(defs, i));
        if let Some(options) = items.and_then(|i| choices(defs, i)) {
            return Some(FieldKind::Set { options });
        }
        if let Some(item) = items.filter(|i| i.get("properties").is_some()) {
            return Some(FieldKind::List { fields: fields_of(defs, item) });
        }
        let is_key = items.and_then(|i| i.get("pattern")).is_some();
        return Some(if name == "tags" || !is_key { FieldKind::Words } else { FieldKind::Keys });
    }
    if t.contains(&"object") || inner.get("properties").is_some() {
        return Some(FieldKind::Group { fields: fields_of(defs, inner) });
    }
    None
}

fn fields_of(defs: &Value, schema: &Value) -> Vec<FieldSpec> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    props
        .iter()
        .filter(|(name, _)| !HIDDEN.contains(&name.as_str()))
        .filter_map(|(name, v)| {
            let kind = kind_of(defs, name, v)?;
            let help = v
                .get("description")
                .or_else(|| unwrap_null(defs, v).get("description"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            Some(FieldSpec { name: name.clone(), label: label(name), help, kind })
        })
        .collect()
}

fn fields<T: schemars::JsonSchema>() -> Vec<FieldSpec> {
    let schema = schemars::schema_for!(T);
    let v = schema.as_value();
    let empty = Value::Null;
    let defs = v.get("$defs").unwrap_or(&empty);
    fields_of(defs, v)
}

/// The vocabulary of every kind of item.
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        external_entity: fields::<ExternalEntity>(),
        process: fields::<Process>(),
        data_store: fields::<DataStore>(),
        flow: fields::<Flow>(),
        boundary: fields::<Boundary>(),
        data_asset: fields::<DataAsset>(),
        api: fields::<ApiEntry>(),
        system: fields::<System>(),
        statuses: crate::lifecycle::status::TRANSITIONS
            .iter()
            .map(|(status, next)| StatusSpec {
                status: *status,
                needs: crate::lifecycle::status::fields_needed(*status).iter().map(|s| (*s).to_owned()).collect(),
                needs_mitigation: crate::lifecycle::status::needs_mitigation(*status),
                next: next.to_vec(),
                engine_only: *status == ThreatStatus::Obsolete,
            })
            .collect(),
        scale_min: 1,
        scale_max: 5,
    }
}
