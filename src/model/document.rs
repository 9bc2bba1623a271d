//! The whole model: the system it describes and its sections.

use super::api::ApiEntry;
use super::asset::DataAsset;
use super::boundary::Boundary;
use super::element::{DataStore, ElementRef, ExternalEntity, Process};
use super::flow::Flow;
use super::id::{self, Section};
use super::key::Key;
use super::mitigation::{Mitigation, Review};
use super::threat::ThreatRecord;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The model format this build reads and writes. Files with a higher number come from a
/// newer Threatwright and are refused with a clear message, never misread.
pub const FORMAT_VERSION: u32 = 1;

/// The system being modeled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Version of the system (or of the design) the model describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Team or person who owns the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What the threat model covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// What it deliberately leaves out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<String>,
    /// Assumptions the analysis rests on, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
}

// Sections keep the order they were read in (diagnostics refer to positions in the
// file); `Model::canonicalize` sorts them by key, which is the order written out.

/// A Threatwright threat model of an API system (model-as-code format).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Version of the file format. This build reads and writes format 1.
    pub format_version: u32,
    pub system: System,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Boundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_entities: Vec<ExternalEntity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Process>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_stores: Vec<DataStore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_assets: Vec<DataAsset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<ApiEntry>,
    /// The threat register: decisions about each threat (project files keep it; an
    /// export writes it here so that the whole model can live in git).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<ThreatRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<Mitigation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

/// What every item of every section has: a key and an identity.
pub trait Item {
    const SECTION: Section;
    fn key(&self) -> &Key;
    fn explicit_id(&self) -> Option<Uuid>;
    fn set_explicit_id(&mut self, id: Option<Uuid>);
    fn display_name(&self) -> &str;

    /// The item's identity: stated, or derived from its key.
    fn id(&self) -> Uuid {
        self.explicit_id().unwrap_or_else(|| id::derived(Self::SECTION, self.key()))
    }
}

macro_rules! impl_item {
    ($ty:ty, $section:expr) => {
        impl Item for $ty {
            const SECTION: Section = $section;
            fn key(&self) -> &Key {
                &self.key
            }
            fn explicit_id(&self) -> Option<Uuid> {
                self.id
            }
            fn set_explicit_id(&mut self, id: Option<Uuid>) {
                self.id = id;
            }
            fn display_name(&self) -> &str {
                self.name.as_deref().unwrap_or(self.key.as_str())
            }
        }
    };
}

impl_item!(Boundary, Section::Boundaries);
impl_item!(ExternalEntity, Section::ExternalEntities);
impl_item!(Process, Section::Processes);
impl_item!(DataStore, Section::DataStores);
impl_item!(Flow, Section::Flows);
impl_item!(DataAsset, Section::DataAssets);
impl_item!(ApiEntry, Section::Apis);

/// Sorts a section by key and drops ids that equal the derived one.
fn canonical_section<T: Item>(items: &mut [T]) {
    items.sort_by(|a, b| a.key().cmp(b.key()));
    for item in items.iter_mut() {
        if item.explicit_id().is_some_and(|i| i == id::derived(T::SECTION, item.key())) {
            item.set_explicit_id(None);
        }
    }
}

/// Order of references like `TW-0042`: by length, then text, so that TW-10000 comes
/// after TW-9999.
pub fn reference_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Reference lists are sets: sorted, each key once.
fn sort_keys(keys: &mut Vec<Key>) {
    keys.sort();
    keys.dedup();
}

impl Model {
    /// An empty model of a system with this name.
    pub fn new(name: impl Into<String>) -> Model {
        Model {
            format_version: FORMAT_VERSION,
            system: System { name: name.into(), ..System::default() },
            boundaries: Vec::new(),
            external_entities: Vec::new(),
            processes: Vec::new(),
            data_stores: Vec::new(),
            flows: Vec::new(),
            data_assets: Vec::new(),
            apis: Vec::new(),
            threats: Vec::new(),
            mitigations: Vec::new(),
            reviews: Vec::new(),
        }
    }

    /// Puts the model in its one canonical form: sections sorted by key, ids that can be
    /// derived left out. Two models that mean the same thing become equal, and the
    /// canonical form is what YAML and the project file hold.
    pub fn canonicalize(&mut self) {
        canonical_section(&mut self.boundaries);
        canonical_section(&mut self.external_entities);
        canonical_section(&mut self.processes);
        canonical_section(&mut self.data_stores);
        canonical_section(&mut self.flows);
        canonical_section(&mut self.data_assets);
        canonical_section(&mut self.apis);
        for b in &mut self.boundaries {
            sort_keys(&mut b.members);
        }
        for s in &mut self.data_stores {
            sort_keys(&mut s.stores);
        }
        for f in &mut self.flows {
            sort_keys(&mut f.carries);
        }
        for a in &mut self.apis {
            sort_keys(&mut a.consumers);
        }
        self.threats.sort_by(|a, b| reference_order(&a.reference, &b.reference));
        self.mitigations.sort_by(|a, b| reference_order(&a.reference, &b.reference));
        for m in &mut self.mitigations {
            m.threats.sort_by(|a, b| reference_order(a, b));
            m.threats.dedup();
        }
        self.reviews.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    }

    /// Whether the model carries register sections (threats, mitigations, reviews).
    pub fn has_register(&self) -> bool {
        !(self.threats.is_empty() && self.mitigations.is_empty() && self.reviews.is_empty())
    }

    /// The model without its register (what the analysis reads).
    pub fn without_register(&self) -> Model {
        Model { threats: Vec::new(), mitigations: Vec::new(), reviews: Vec::new(), ..self.clone() }
    }

    /// Whether the model is already in canonical form (then analyses need no copy).
    pub fn is_canonical(&self) -> bool {
        fn section<T: Item>(items: &[T]) -> bool {
            items.windows(2).all(|w| w[0].key() < w[1].key())
                && items.iter().all(|i| i.explicit_id().is_none_or(|x| x != id::derived(T::SECTION, i.key())))
        }
        fn keys(k: &[Key]) -> bool {
            k.windows(2).all(|w| w[0] < w[1])
        }
        section(&self.boundaries)
            && section(&self.external_entities)
            && section(&self.processes)
            && section(&self.data_stores)
            && section(&self.flows)
            && section(&self.data_assets)
            && section(&self.apis)
            && self.boundaries.iter().all(|b| keys(&b.members))
            && self.data_stores.iter().all(|s| keys(&s.stores))
            && self.flows.iter().all(|f| keys(&f.carries))
            && self.apis.iter().all(|a| keys(&a.consumers))
            && self.threats.windows(2).all(|w| reference_order(&w[0].reference, &w[1].reference).is_lt())
            && self.mitigations.windows(2).all(|w| reference_order(&w[0].reference, &w[1].reference).is_lt())
            && self.mitigations.iter().all(|m| m.threats.windows(2).all(|w| reference_order(&w[0], &w[1]).is_lt()))
            && self.reviews.windows(2).all(|w| (&w[0].at, w[0].id) < (&w[1].at, w[1].id))
    }

    /// The model in canonical form: borrowed when it already is, else a sorted copy.
    pub fn canonical(&self) -> std::borrow::Cow<'_, Model> {
        if self.is_canonical() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut m = self.clone();
            m.canonicalize();
            std::borrow::Cow::Owned(m)
        }
    }

    /// All diagram nodes: external entities, then processes, then data stores.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.external_entities
            .iter()
            .map(ElementRef::ExternalEntity)
            .chain(self.processes.iter().map(ElementRef::Process))
            .chain(self.data_stores.iter().map(ElementRef::DataStore))
    }

    /// Number of items of each section, in section order.
    pub fn section_len(&self, section: Section) -> usize {
        match section {
            Section::Boundaries => self.boundaries.len(),
            Section::ExternalEntities => self.external_entities.len(),
            Section::Processes => self.processes.len(),
            Section::DataStores => self.data_stores.len(),
            Section::Flows => self.flows.len(),
            Section::DataAssets => self.data_assets.len(),
            Section::Apis => self.apis.len(),
        }
    }

    /// Key of the item at `index` in `section`.
    pub fn key_at(&self, section: Section, index: usize) -> Option<&Key> {
        match section {
            Section::Boundaries => self.boundaries.get(index).map(|i| &i.key),
            Section::ExternalEntities => self.external_entities.get(index).map(|i| &i.key),
            Section::Processes => self.processes.get(index).map(|i| &i.key),
            Section::DataStores => self.data_stores.get(index).map(|i| &i.key),
            Section::Flows => self.flows.get(index).map(|i| &i.key),
            Section::DataAssets => self.data_assets.get(index).map(|i| &i.key),
            Section::Apis => self.apis.get(index).map(|i| &i.key),
        }
    }
}
