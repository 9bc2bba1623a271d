//! A readable overview of a model: what `threatwright show` prints.
//!
//! The content is computed here; the CLI only formats it (text or JSON).

use crate::graph::BoundaryTree;
use crate::model::{Boundary, ElementRef, Item, Key, Model};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub counts: Counts,
    /// Boundaries as a tree, each with its elements.
    pub boundaries: Vec<BoundaryNode>,
    /// Elements in no boundary.
    pub outside: Vec<ElementLine>,
    pub data_assets: Vec<AssetLine>,
    pub apis: Vec<ApiLine>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub elements: usize,
    pub external_entities: usize,
    pub processes: usize,
    pub data_stores: usize,
    pub flows: usize,
    pub boundaries: usize,
    pub data_assets: usize,
    pub apis: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BoundaryNode {
    pub key: Key,
    pub name: String,
    /// e.g. "dmz, trust low"
    pub detail: String,
    pub elements: Vec<ElementLine>,
    pub children: Vec<BoundaryNode>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ElementLine {
    pub key: Key,
    pub name: String,
    pub kind: &'static str,
    /// The properties worth a glance: trust, kind, authentication.
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AssetLine {
    pub key: Key,
    pub name: String,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApiLine {
    pub key: Key,
    pub name: String,
    pub detail: String,
}

fn join(parts: impl IntoIterator<Item = Option<String>>) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join(", ")
}

fn element_line(e: ElementRef<'_>) -> ElementLine {
    let detail = match e {
        ElementRef::ExternalEntity(x) => join([
            x.trust.map(|t| t.to_string()),
            x.vendor
                .as_ref()
                .filter(|v| !v.attestations.is_empty())
                .map(|v| v.attestations.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(" ")),
        ]),
        ElementRef::Process(x) => join([
            x.kind.map(|k| k.to_string()),
            x.authentication.map(|a| format!("auth {a}")),
            x.internet_facing.filter(|&f| f).map(|_| "internet-facing".to_owned()),
        ]),
        ElementRef::DataStore(x) => join([
            x.kind.map(|k| k.to_string()),
            x.encrypted_at_rest.map(|e| if e { "encrypted" } else { "not encrypted" }.to_owned()),
        ]),
    };
    ElementLine { key: e.key().clone(), name: e.name().to_owned(), kind: e.kind().as_str(), detail }
}

pub fn summarize(model: &Model) -> Summary {
    let tree = BoundaryTree::new(model);
    let mut elements: Vec<ElementRef<'_>> = model.elements().collect();
    elements.sort_by(|a, b| a.key().cmp(b.key()));

    // Elements grouped by their innermost boundary, in key order (one pass).
    let mut by_boundary: BTreeMap<&Key, Vec<ElementLine>> = BTreeMap::new();
    let mut outside = Vec::new();
    for e in &elements {
        match tree.boundary_of(e.key()) {
            Some(b) => by_boundary.entry(b).or_default().push(element_line(*e)),
            None => outside.push(element_line(*e)),
        }
    }
    let boundaries: BTreeMap<&Key, &Boundary> = model.boundaries.iter().map(|b| (&b.key, b)).collect();

    fn node(
        tree: &BoundaryTree,
        boundaries: &BTreeMap<&Key, &Boundary>,
        by_boundary: &mut BTreeMap<&Key, Vec<ElementLine>>,
        key: &Key,
    ) -> BoundaryNode {
        let b = boundaries.get(key);
        BoundaryNode {
            key: key.clone(),
            name: b.map_or(key.as_str(), |b| b.display_name()).to_owned(),
            detail: join([
                b.and_then(|b| b.kind).map(|k| k.to_string()),
                b.and_then(|b| match (b.trust, b.effective_trust()) {
                    (Some(t), _) => Some(format!("trust {t}")),
                    (None, Some(t)) => Some(format!("trust {t} (from its kind)")),
                    (None, None) => None,
                }),
            ]),
            elements: by_boundary.remove(key).unwrap_or_default(),
            children: tree.children_of(key).iter().map(|c| node(tree, boundaries, by_boundary, c)).collect(),
        }
    }
    let roots: Vec<BoundaryNode> = tree.roots().iter().map(|r| node(&tree, &boundaries, &mut by_boundary, r)).collect();

    let mut assets: Vec<_> = model.data_assets.iter().collect();
    assets.sort_by(|a, b| a.key.cmp(&b.key));
    let mut apis: Vec<_> = model.apis.iter().collect();
    apis.sort_by(|a, b| a.key.cmp(&b.key));

    Summary {
        name: model.system.name.clone(),
        version: model.system.version.clone(),
        owner: model.system.owner.clone(),
        description: model.system.description.clone(),
        counts: Counts {
            elements: elements.len(),
            external_entities: model.external_entities.len(),
            processes: model.processes.len(),
            data_stores: model.data_stores.len(),
            flows: model.flows.len(),
            boundaries: model.boundaries.len(),
            data_assets: model.data_assets.len(),
            apis: model.apis.len(),
        },
        boundaries: roots,
        outside,
        data_assets: assets
            .into_iter()
            .map(|a| AssetLine {
                key: a.key.clone(),
                name: a.display_name().to_owned(),
                detail: join([
                    a.classification.map(|c| c.to_string()),
                    (!a.categories.is_empty())
                        .then(|| a.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" ")),
                ]),
            })
            .collect(),
        apis: apis
            .into_iter()
            .map(|a| ApiLine {
                key: a.key.clone(),
                name: a.display_name().to_owned(),
                detail: join([
                    a.direction.map(|d| d.to_string()),
                    a.audience.map(|d| d.to_string()),
                    a.version.clone(),
                    a.status.map(|s| s.to_string()),
                    a.owner.as_ref().map(|o| format!("owner {o}")),
                ]),
            })
            .collect(),
    }
}
