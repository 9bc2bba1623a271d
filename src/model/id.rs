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
    /// (Also a small number per name, for [`derived`]'s memory.)
    fn id_scope(self) -> (usize, &'static str) {
        match self {
            Section::ExternalEntities | Section::Processes | Section::DataStores => (0, "element"),
            Section::Boundaries => (1, "boundary"),
            Section::Flows => (2, "flow"),
            Section::DataAssets => (3, "asset"),
            Section::Apis => (4, "api"),
        }
    }
}

/// The id an item of `section` with `key` has when its file does not state one.
///
/// Deriving is a SHA-1 of the name; an editor derives the same few thousand ids after every
/// edit (canonical form, analysis, view), so each thread remembers the ids it derived.
pub fn derived(section: Section, key: &Key) -> Uuid {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Past this many ids a thread forgets what it remembered (keys come and go in a
    /// long session; the memory stays bounded).
    const REMEMBERED: usize = 1 << 16;
    type Known = [HashMap<Key, Uuid, foldhash::fast::RandomState>; 5];
    thread_local! {
        static DERIVED: RefCell<Known> = RefCell::new(Default::default());
    }
    let (slot, scope) = section.id_scope();
    DERIVED.with_borrow_mut(|known| {
        let known = &mut known[slot];
        if let Some(id) = known.get(key) {
            return *id;
        }
        let id = Uuid::new_v5(&NAMESPACE, format!("{scope}:{}", key.as_str()).as_bytes());
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(key.clone(), id);
        id
    })
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
