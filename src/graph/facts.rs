//! The facts rules read, computed once per analysis in time linear in the model.
//!
//! Reachability follows the direction of flows (an entity can influence what it sends
//! data to, and what reads what it wrote, e.g. a queue's consumers). Bidirectional flows
//! count both ways. A process that reads a store reaches that store too (it can query
//! it), but not through it: reading a store does not let anyone write to its readers.

use super::boundary::BoundaryTree;
use super::paths::{self, AttackPath};
use super::view::View;
use crate::model::props::{BoundaryKind, BoundaryTrust, Classification, DataCategory, TrustLevel};
use crate::model::{DataAsset, ElementKind, ElementRef, Key, Model};
use petgraph::Direction;
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// How far a place is trusted, ordered from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustRank {
    Untrusted,
    Low,
    Medium,
    High,
}

impl TrustRank {
    pub fn of_boundary(t: BoundaryTrust) -> TrustRank {
        match t {
            BoundaryTrust::Untrusted => TrustRank::Untrusted,
            BoundaryTrust::Low => TrustRank::Low,
            BoundaryTrust::Medium => TrustRank::Medium,
            BoundaryTrust::High => TrustRank::High,
        }
    }

    /// Trust of an external entity by its trust level.
    pub fn of_entity(t: TrustLevel) -> TrustRank {
        match t {
            TrustLevel::Anonymous | TrustLevel::AuthenticatedUser => TrustRank::Untrusted,
            TrustLevel::Partner | TrustLevel::ThirdPartyVendor => TrustRank::Low,
            TrustLevel::Operator | TrustLevel::Internal => TrustRank::Medium,
        }
    }
}

/// Whether an entity with this trust level (or none stated) counts as untrusted: anyone
/// outside the organisation. Unknown trust is treated as untrusted.
pub fn is_untrusted(t: Option<TrustLevel>) -> bool {
    !matches!(t, Some(TrustLevel::Operator | TrustLevel::Internal))
}

/// Distances (in flows) from the nearest external entity of each kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// From an entity with trust `anonymous`.
    pub anonymous: Option<u32>,
    /// From any untrusted entity (anonymous, authenticated user, partner, vendor, unstated).
    pub untrusted: Option<u32>,
    /// From each trust level, in `TrustLevel::ALL` order.
    pub by_level: [Option<u32>; 6],
}

impl Reach {
    pub fn from_level(&self, t: TrustLevel) -> Option<u32> {
        let i = TrustLevel::ALL.iter().position(|x| *x == t).unwrap_or(0);
        self.by_level[i]
    }
}

#[derive(Clone, Debug, Default)]
pub struct ElementFacts {
    /// The element's identity (computed once: deriving it costs a SHA-1).
    pub id: uuid::Uuid,
    /// Innermost boundary.
    pub boundary: Option<Key>,
    /// Boundaries containing it, innermost first (indices into `model.boundaries`).
    pub enclosing: Vec<usize>,
    /// Trust of where the element sits: its innermost boundary with a stated trust, else
    /// (for external entities) its own trust level.
    pub trust: Option<TrustRank>,
    pub reach: Reach,
    /// Directly exposed to the internet (stated, or fed by an internet entity, or a public store).
    pub internet_exposed: bool,
    /// Data assets it sees: carried by its flows in or out, or stored (indices into
    /// `model.data_assets`, sorted).
    pub assets: Vec<usize>,
    /// Data assets it stores (data stores only).
    pub stored: Vec<usize>,
    /// Indices of flows leaving and entering it.
    pub flows_out: Vec<usize>,
    pub flows_in: Vec<usize>,
    /// Lies on at least one attack path.
    pub on_attack_path: bool,
}

#[derive(Clone, Debug, Default)]
pub struct FlowFacts {
    /// The sending and receiving elements (indices into `Facts::elements`).
    pub from: Option<usize>,
    pub to: Option<usize>,
    /// Boundaries left and entered on the way from `from` to `to`.
    pub crossed: Vec<Key>,
    pub from_trust: Option<TrustRank>,
    pub to_trust: Option<TrustRank>,
    /// Data assets on the wire either way: carried and returned (indices into
    /// `model.data_assets`, sorted).
    pub assets: Vec<usize>,
    /// Data assets carried from `from` to `to` (sorted).
    pub carried: Vec<usize>,
    /// Data assets returned from `to` to `from` (sorted).
    pub returned: Vec<usize>,
    /// The flow's ends resolve to elements.
    pub resolved: bool,
}

impl FlowFacts {
    /// Data assets the receiving end (`to`) gets.
    pub fn to_receives(&self) -> &[usize] {
        &self.carried
    }

    /// Data assets the sending end (`from`) gets back.
    pub fn from_receives(&self) -> &[usize] {
        &self.returned
    }

    pub fn crosses_boundary(&self) -> bool {
        !self.crossed.is_empty()
    }

    /// Data moves into a more trusted place (both trusts stated).
    pub fn enters_higher_trust(&self) -> bool {
        matches!((self.from_trust, self.to_trust), (Some(a), Some(b)) if b > a)
    }

    /// Data moves into a less trusted place (both trusts stated).
    pub fn leaves_to_lower_trust(&self) -> bool {
        matches!((self.from_trust, self.to_trust), (Some(a), Some(b)) if b < a)
    }
}

/// Which data assets a rule asks about. Every stated part must hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetFilter {
    /// Classification is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Vec<Classification>>,
    /// Classification is at least this (public < internal < confidential < restricted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_classification: Option<Classification>,
    /// In at least one of these categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Vec<DataCategory>>,
    /// Sensitive (restricted or confidential, or personal, cardholder, credentials, health,
    /// secrets, business-confidential or intellectual property) — or, with `false`, not
    /// sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
}

/// Whether an asset is sensitive: what attack paths lead to.
pub fn is_sensitive(a: &DataAsset) -> bool {
    matches!(a.classification, Some(Classification::Restricted | Classification::Confidential))
        || a.categories.iter().any(|c| {
            matches!(
                c,
                DataCategory::Personal
                    | DataCategory::Cardholder
                    | DataCategory::Credentials
                    | DataCategory::Health
                    | DataCategory::Secrets
                    | DataCategory::BusinessConfidential
                    | DataCategory::IntellectualProperty
            )
        })
}

impl AssetFilter {
    pub fn matches(&self, a: &DataAsset) -> bool {
        self.classification.as_ref().is_none_or(|list| a.classification.is_some_and(|c| list.contains(&c)))
            && self.min_classification.is_none_or(|min| a.classification.is_some_and(|c| c >= min))
            && self.category.as_ref().is_none_or(|cats| cats.iter().any(|c| a.categories.contains(c)))
            && self.sensitive.is_none_or(|s| is_sensitive(a) == s)
    }
}

/// All facts of one model.
pub struct Facts<'m> {
    pub model: &'m Model,
    pub tree: BoundaryTree,
    pub elements: Vec<ElementRef<'m>>,
    element_facts: Vec<ElementFacts>,
    flow_facts: Vec<FlowFacts>,
    index: HashMap<&'m str, usize>,
    asset_index: HashMap<&'m str, usize>,
    boundary_index: HashMap<&'m str, usize>,
    pub attack_paths: Vec<AttackPath>,
}

impl<'m> Facts<'m> {
    pub fn new(model: &'m Model) -> Facts<'m> {
        let tree = BoundaryTree::new(model);
        let view = View::new(model);
        let elements = view.elements.clone();
        let mut index = HashMap::with_capacity(elements.len());
        for (i, e) in elements.iter().enumerate() {
            index.entry(e.key().as_str()).or_insert(i);
        }
        let mut asset_index = HashMap::with_capacity(model.data_assets.len());
        for (i, a) in model.data_assets.iter().enumerate() {
            asset_index.entry(a.key.as_str()).or_insert(i);
        }
        let boundary_trust: HashMap<&str, BoundaryTrust> =
            model.boundaries.iter().filter_map(|b| Some((b.key.as_str(), b.effective_trust()?))).collect();
        let boundary_index: HashMap<&'m str, usize> =
            model.boundaries.iter().enumerate().map(|(i, b)| (b.key.as_str(), i)).collect();

        let mut ef: Vec<ElementFacts> = elements
            .iter()
            .map(|e| {
                let enclosing = tree.enclosing(e.key());
                let trust = enclosing
                    .iter()
                    .find_map(|b| boundary_trust.get(b.as_str()).copied().map(TrustRank::of_boundary))
                    .or(match e {
                        ElementRef::ExternalEntity(x) => {
                            Some(x.trust.map_or(TrustRank::Untrusted, TrustRank::of_entity))
                        }
                        _ => None,
                    });
                ElementFacts {
                    id: e.id(),
                    boundary: tree.boundary_of(e.key()).cloned(),
                    enclosing: enclosing.iter().filter_map(|b| boundary_index.get(b.as_str()).copied()).collect(),
                    trust,
                    ..ElementFacts::default()
                }
            })
            .collect();

        // Flows: ends, assets, crossings.
        let mut ff = Vec::with_capacity(model.flows.len());
        for (i, f) in model.flows.iter().enumerate() {
            let (from, to) = (index.get(f.from.as_str()).copied(), index.get(f.to.as_str()).copied());
            let lookup =
                |keys: &[Key]| sorted_indices(keys.iter().filter_map(|k| asset_index.get(k.as_str()).copied()));
            let (carried, returned) = (lookup(&f.carries), lookup(&f.returns));
            let assets = if returned.is_empty() {
                carried.clone()
            } else {
                sorted_indices(carried.iter().chain(&returned).copied())
            };
            let mut facts = FlowFacts { assets, carried, returned, from, to, ..FlowFacts::default() };
            if let (Some(a), Some(b)) = (from, to) {
                facts.resolved = true;
                ef[a].flows_out.push(i);
                ef[b].flows_in.push(i);
                facts.from_trust = ef[a].trust;
                facts.to_trust = ef[b].trust;
                let (ea, eb) = (&ef[a].enclosing, &ef[b].enclosing);
                // Left: enclosing `from` but not `to`, innermost first; entered: the reverse.
                facts.crossed = ea
                    .iter()
                    .filter(|k| !eb.contains(k))
                    .chain(eb.iter().rev().filter(|k| !ea.contains(k)))
                    .map(|&k| model.boundaries[k].key.clone())
                    .collect();
            }
            ff.push(facts);
        }

        // Assets seen and stored.
        for (i, e) in elements.iter().enumerate() {
            let mut seen: Vec<usize> = Vec::new();
            for &fi in ef[i].flows_in.iter().chain(&ef[i].flows_out) {
                seen.extend_from_slice(&ff[fi].assets);
            }
            if let ElementRef::DataStore(s) = e {
                let stored = sorted_indices(s.stores.iter().filter_map(|k| asset_index.get(k.as_str()).copied()));
                seen.extend_from_slice(&stored);
                ef[i].stored = stored;
            }
            ef[i].assets = sorted_indices(seen.into_iter());
        }

        // Reachability: multi-source BFS from the entities of each trust level.
        let kinds: Vec<ElementKind> = elements.iter().map(|e| e.kind()).collect();
        let entity_trust: Vec<Option<Option<TrustLevel>>> = elements
            .iter()
            .map(|e| match e {
                ElementRef::ExternalEntity(x) => Some(x.trust),
                _ => None,
            })
            .collect();
        for (li, level) in TrustLevel::ALL.iter().enumerate() {
            let sources: Vec<usize> = (0..elements.len()).filter(|&i| entity_trust[i] == Some(Some(*level))).collect();
            let dist = bfs(&view, &kinds, &sources);
            for (i, d) in dist.into_iter().enumerate() {
                ef[i].reach.by_level[li] = d;
            }
        }
        let anonymous: Vec<usize> =
            (0..elements.len()).filter(|&i| entity_trust[i] == Some(Some(TrustLevel::Anonymous))).collect();
        let untrusted: Vec<usize> =
            (0..elements.len()).filter(|&i| matches!(entity_trust[i], Some(t) if is_untrusted(t))).collect();
        for (i, d) in bfs(&view, &kinds, &anonymous).into_iter().enumerate() {
            ef[i].reach.anonymous = d;
        }
        for (i, d) in bfs(&view, &kinds, &untrusted).into_iter().enumerate() {
            ef[i].reach.untrusted = d;
        }

        // Internet exposure.
        let internet_entity: Vec<bool> = elements
            .iter()
            .zip(&ef)
            .map(|(e, f)| match e {
                ElementRef::ExternalEntity(x) => {
                    matches!(x.trust, Some(TrustLevel::Anonymous | TrustLevel::AuthenticatedUser))
                        || f.enclosing.iter().any(|&b| model.boundaries[b].kind == Some(BoundaryKind::Internet))
                }
                _ => false,
            })
            .collect();
        for (i, e) in elements.iter().enumerate() {
            let stated = match e {
                ElementRef::Process(p) => p.internet_facing == Some(true),
                ElementRef::DataStore(s) => s.publicly_accessible == Some(true),
                ElementRef::ExternalEntity(_) => false,
            };
            let fed = ef[i].flows_in.iter().any(|&fi| ff[fi].from.is_some_and(|src| internet_entity[src]));
            ef[i].internet_exposed = stated || (e.kind() != ElementKind::ExternalEntity && fed);
        }

        let attack_paths = paths::find(model, &view, &kinds, &entity_trust, &ef);
        for p in &attack_paths {
            for k in &p.elements {
                if let Some(&i) = index.get(k.as_str()) {
                    ef[i].on_attack_path = true;
                }
            }
        }

        Facts {
            model,
            tree,
            elements,
            element_facts: ef,
            flow_facts: ff,
            index,
            asset_index,
            boundary_index,
            attack_paths,
        }
    }

    /// Position of an element in [`Facts::elements`].
    pub fn element_index(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn element(&self, i: usize) -> &ElementFacts {
        &self.element_facts[i]
    }

    pub fn element_by_key(&self, key: &str) -> Option<(ElementRef<'m>, &ElementFacts)> {
        let i = self.element_index(key)?;
        Some((self.elements[i], &self.element_facts[i]))
    }

    pub fn flow(&self, i: usize) -> &FlowFacts {
        &self.flow_facts[i]
    }

    pub fn asset(&self, i: usize) -> &'m DataAsset {
        &self.model.data_assets[i]
    }

    pub fn asset_index(&self, key: &str) -> Option<usize> {
        self.asset_index.get(key).copied()
    }

    /// Number of elements that see the asset (carry or store it).
    pub fn asset_reach(&self, asset: usize) -> usize {
        self.element_facts.iter().filter(|f| f.assets.binary_search(&asset).is_ok()).count()
    }

    /// The boundary with this key.
    pub fn boundary(&self, key: &str) -> Option<&'m crate::model::Boundary> {
        self.boundary_index.get(key).map(|&i| &self.model.boundaries[i])
    }

    /// Number of data stores that hold the asset.
    pub fn asset_store_count(&self, asset: usize) -> usize {
        self.element_facts.iter().filter(|f| f.stored.binary_search(&asset).is_ok()).count()
    }

    /// Whether the element is an external entity trusted as a third-party vendor.
    pub fn is_vendor(&self, element: usize) -> bool {
        matches!(self.elements[element], ElementRef::ExternalEntity(x) if x.trust == Some(TrustLevel::ThirdPartyVendor))
    }

    /// Whether the element receives the asset: carried by a flow into it, or returned
    /// on a flow out of it.
    pub fn receives_asset(&self, element: usize, asset: usize) -> bool {
        let ef = &self.element_facts[element];
        ef.flows_in.iter().any(|&fi| self.flow_facts[fi].to_receives().binary_search(&asset).is_ok())
            || ef.flows_out.iter().any(|&fi| self.flow_facts[fi].from_receives().binary_search(&asset).is_ok())
    }

    /// Number of third-party vendors that receive the asset on a flow.
    pub fn asset_vendor_count(&self, asset: usize) -> usize {
        (0..self.elements.len()).filter(|&i| self.is_vendor(i) && self.receives_asset(i, asset)).count()
    }

    /// The attack path ending at a store, if there is one.
    pub fn attack_path_to(&self, key: &str) -> Option<&AttackPath> {
        self.attack_paths.iter().find(|p| p.target.as_str() == key)
    }
}

fn sorted_indices(it: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = it.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Neighbours reachable in one step from node `n`, as (neighbour, flow, terminal): along
/// each flow out of `n`; back along a bidirectional flow; and back to a data store that `n`
/// reads from — terminal, because reading a store does not let anyone write through it.
pub(super) fn steps<'a>(
    view: &'a View<'_>,
    kinds: &'a [ElementKind],
    n: usize,
) -> impl Iterator<Item = (usize, usize, bool)> + 'a {
    let node = petgraph::graph::NodeIndex::new(n);
    let flows = &view.graph;
    let out = flows.edges_directed(node, Direction::Outgoing).map(|e| (e.target().index(), *e.weight(), false));
    let back = flows.edges_directed(node, Direction::Incoming).filter_map(move |e| {
        let src = e.source().index();
        if view_bidirectional(view, *e.weight()) {
            Some((src, *e.weight(), false))
        } else if kinds[src] == ElementKind::DataStore && kinds[n] != ElementKind::DataStore {
            Some((src, *e.weight(), true))
        } else {
            None
        }
    });
    out.chain(back)
}

fn view_bidirectional(view: &View<'_>, flow: usize) -> bool {
    view.bidirectional.get(flow).copied().unwrap_or(false)
}

/// Breadth-first distances from `sources` (all at distance 0). A node reached only by a
/// terminal step gets its distance but is not expanded further.
fn bfs(view: &View<'_>, kinds: &[ElementKind], sources: &[usize]) -> Vec<Option<u32>> {
    let mut dist = vec![None; kinds.len()];
    let mut expanded = vec![false; kinds.len()];
    let mut queue = VecDeque::new();
    for &s in sources {
        dist[s] = Some(0);
        expanded[s] = true;
        queue.push_back(s);
    }
    while let Some(n) = queue.pop_front() {
        let d = dist[n].unwrap_or(0);
        for (m, _, terminal) in steps(view, kinds, n) {
            if dist[m].is_none() {
                dist[m] = Some(d + 1);
            }
            if !terminal && !expanded[m] {
                expanded[m] = true;
                queue.push_back(m);
            }
        }
    }
    dist
}
