//! Threat identity: the one function that names a generated threat.

use crate::model::id::NAMESPACE;
use uuid::Uuid;

/// The id of the threat a rule finds on these targets: UUID v5 of the rule id and the
/// sorted target ids. Running the analysis again after an edit finds the same threat
/// with the same id, so its status, mitigations and reviews stay attached to it.
///
/// Deriving is a SHA-1; an analysis derives the same ids after every edit, so each thread
/// remembers those of single-target threats (every rule's finding has one target).
pub fn threat_id(rule_id: &str, targets: &[Uuid]) -> Uuid {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Past this many targets a thread forgets what it remembered (bounded memory).
    const REMEMBERED: usize = 1 << 14;
    type Known = HashMap<Uuid, HashMap<Box<str>, Uuid, foldhash::fast::RandomState>, foldhash::fast::RandomState>;
    thread_local! {
        static DERIVED: RefCell<Known> = RefCell::new(Known::default());
    }
    let [target] = targets else { return derive(rule_id, targets) };
    DERIVED.with_borrow_mut(|known| {
        if let Some(id) = known.get(target).and_then(|by_rule| by_rule.get(rule_id)) {
            return *id;
        }
        let id = derive(rule_id, targets);
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.entry(*target).or_default().insert(rule_id.into(), id);
        id
    })
}

fn derive(rule_id: &str, targets: &[Uuid]) -> Uuid {
    let mut ids: Vec<Uuid> = targets.to_vec();
    ids.sort_unstable();
    let mut name = Vec::with_capacity(8 + rule_id.len() + 37 * ids.len());
    name.extend_from_slice(b"threat:");
    name.extend_from_slice(rule_id.as_bytes());
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    for id in ids {
        name.push(b':');
        name.extend_from_slice(id.hyphenated().encode_lower(&mut buf).as_bytes());
    }
    Uuid::new_v5(&NAMESPACE, &name)
}

/// The short reference of the `n`-th threat (`TW-0042`); wider past 9999.
pub fn reference(n: u64) -> String {
    format!("TW-{n:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_ignores_target_order_and_depends_on_rule_and_targets() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        assert_eq!(threat_id("R-1", &[a, b]), threat_id("R-1", &[b, a]));
        assert_ne!(threat_id("R-1", &[a]), threat_id("R-2", &[a]));
        assert_ne!(threat_id("R-1", &[a]), threat_id("R-1", &[b]));
        // Pinned: this value must never change, or every stored threat loses its identity.
        assert_eq!(
            threat_id("R-1", &[a]).to_string(),
            Uuid::new_v5(&NAMESPACE, b"threat:R-1:00000000-0000-0000-0000-000000000001").to_string()
        );
        assert_eq!(reference(7), "TW-0007");
        assert_eq!(reference(12345), "TW-12345");
    }
}
