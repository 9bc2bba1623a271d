//! Identity of model items.
//!
//! Every item has a UUID. A model written by hand may leave it out: the item then has
//! the UUID v5 derived from its section and key, so the same file always gives the same
//! ids. When a key is renamed the old id is written out explicitly, which is how the
//! identity survives the rename (and how `diff` tells a rename from a remove + add).

use super::key::Key;
use uuid::Uuid;

/// Namespace of every UUID v5 that Threatwright derives. Never change it: derived ids
/// in users' files and project files depend on it.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x8c1f_4b2e_6d0a_4f5e_9b7c_2a41_d3e5_f607);

/// The sections of a model, in the order they appear in YAML.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Boundaries,
    ExternalEntities,
    Processes,
    DataStores,
    Flows,
    DataAssets,
    Apis,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Boundaries,
        Section::ExternalEntities,
        Section::Processes,
        Section::DataStores,
        Section::Flows,
        Section::DataAssets,
        Section::Apis,
    ];

    /// The section's field name in YAML (and its name in diagnostic paths).
    pub fn field(self) -> &'static str {
        match self {
            Section::Boundaries => "boundaries",
            Section::ExternalEntities => "external_entities",
            Section::Processes => "processes",
            Section::DataStores => "data_stores",
            Section::Flows => "flows",
            Section::DataAssets => "data_assets",
            Section::Apis => "apis",
        }
    }

    /// What one item of the section is called, for messages.
    pub fn item_label(self) -> &'static str {
        match self {
            Section::Boundaries => "boundary",
            Section::ExternalEntities => "external entity",
            Section::Processes => "process",
            Section::DataStores => "data store",
            Section::Flows => "flow",
            Section::DataAssets => "data asset",
            Section::Apis => "API",
        }
    }

    /// Name used when deriving ids. Elements share one name so that an element keeps its
    /// derived id if its kind changes (a process redrawn as a data store is still it).
    fn id_scope(self) -> &'static str {
        match self {
            Section::ExternalEntities | Section::Processes | Section::DataStores => "element",
            Section::Boundaries => "boundary",
            Section::Flows => "flow",
            Section::DataAssets => "asset",
            Section::Apis => "api",
        }
    }
}

/// The id an item of `section` with `key` has when its file does not state one.
pub fn derived(section: Section, key: &Key) -> Uuid {
    let name = format!("{}:{}", section.id_scope(), key.as_str());
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_scoped() {
        let k = Key::from("payments-api");
        // Pinned: changing this value would change every derived id in users' files.
        assert_eq!(
            derived(Section::Processes, &k).to_string(),
            Uuid::new_v5(&NAMESPACE, b"element:payments-api").to_string()
        );
        assert_eq!(derived(Section::Processes, &k), derived(Section::DataStores, &k));
        assert_ne!(derived(Section::Processes, &k), derived(Section::Flows, &k));
        assert_eq!(derived(Section::Flows, &k).get_version_num(), 5);
    }
}
