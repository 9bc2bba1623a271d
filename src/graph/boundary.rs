//! Boundary nesting and element membership.
//!
//! Works on models with errors too: a nesting cycle is cut where it closes, references
//! to unknown boundaries are ignored, so that summaries can still be shown.

use crate::model::{Key, Model};
use std::collections::{BTreeMap, BTreeSet};

/// The boundaries of a model as a forest, and the innermost boundary of each element.
#[derive(Debug, Default)]
pub struct BoundaryTree {
    /// Parent of each boundary that has a (valid, acyclic) parent.
    parent: BTreeMap<Key, Key>,
    /// Children of each boundary, sorted by key.
    children: BTreeMap<Key, Vec<Key>>,
    /// Boundaries without a parent, sorted by key.
    roots: Vec<Key>,
    /// Innermost boundary of each element that is in one.
    innermost: BTreeMap<Key, Key>,
}

impl BoundaryTree {
    pub fn new(model: &Model) -> BoundaryTree {
        let known: BTreeSet<&Key> = model.boundaries.iter().map(|b| &b.key).collect();
        let mut parent: BTreeMap<Key, Key> = BTreeMap::new();
        for b in &model.boundaries {
            if let Some(p) = &b.parent
                && known.contains(p)
                && *p != b.key
                && !parent.contains_key(&b.key)
            {
                parent.insert(b.key.clone(), p.clone());
            }
        }
        // Cut cycles: walk up from each boundary; a walk that returns to a boundary it
        // has seen loses the link that closed it.
        let keys: Vec<Key> = parent.keys().cloned().collect();
        for start in keys {
            let mut seen = BTreeSet::from([start.clone()]);
            let mut cur = start.clone();
            while let Some(p) = parent.get(&cur).cloned() {
                if !seen.insert(p.clone()) {
                    parent.remove(&cur);
                    break;
                }
                cur = p;
            }
        }
        let mut children: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
        let mut roots = Vec::new();
        for b in &model.boundaries {
            match parent.get(&b.key) {
                Some(p) => children.entry(p.clone()).or_default().push(b.key.clone()),
                None => roots.push(b.key.clone()),
            }
        }
        roots.sort();
        roots.dedup();
        for c in children.values_mut() {
            c.sort();
            c.dedup();
        }
        let mut tree = BoundaryTree { parent, children, roots, innermost: BTreeMap::new() };

        let elements: BTreeSet<&Key> = model.elements().map(|e| e.key()).collect();
        let mut innermost: BTreeMap<Key, Key> = BTreeMap::new();
        // Boundaries in key order, so that the choice between unrelated boundaries (an
        // invalid model) is still deterministic.
        let mut boundaries: Vec<_> = model.boundaries.iter().collect();
        boundaries.sort_by(|a, b| a.key.cmp(&b.key));
        for b in boundaries {
            for m in &b.members {
                if !elements.contains(m) {
                    continue;
                }
                let deeper = match innermost.get(m) {
                    None => true,
                    Some(cur) => tree.depth(&b.key) > tree.depth(cur),
                };
                if deeper {
                    innermost.insert(m.clone(), b.key.clone());
                }
            }
        }
        tree.innermost = innermost;
        tree
    }

    /// The boundary an element is directly in.
    pub fn boundary_of(&self, element: &Key) -> Option<&Key> {
        self.innermost.get(element)
    }

    pub fn parent_of(&self, boundary: &Key) -> Option<&Key> {
        self.parent.get(boundary)
    }

    pub fn children_of(&self, boundary: &Key) -> &[Key] {
        self.children.get(boundary).map_or(&[], Vec::as_slice)
    }

    pub fn roots(&self) -> &[Key] {
        &self.roots
    }

    /// Number of boundaries above this one.
    pub fn depth(&self, boundary: &Key) -> usize {
        let mut d = 0;
        let mut cur = boundary;
        while let Some(p) = self.parent.get(cur) {
            d += 1;
            cur = p;
        }
        d
    }

    /// The boundaries containing an element, innermost first.
    pub fn enclosing(&self, element: &Key) -> Vec<&Key> {
        let mut out = Vec::new();
        let mut cur = self.innermost.get(element);
        while let Some(b) = cur {
            out.push(b);
            cur = self.parent.get(b);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::yaml;

    fn tree(src: &str) -> BoundaryTree {
        let loaded = yaml::load_str(src, "t.yaml", &yaml::Limits::default());
        BoundaryTree::new(&loaded.model.expect("model parses"))
    }

    const NESTED: &str = "
format_version: 1
system: {name: t}
boundaries:
  - {key: cloud, members: [api]}
  - {key: vpc, parent: cloud, members: [api, db]}
  - {key: internet, members: [user]}
external_entities: [{key: user}]
processes: [{key: api}]
data_stores: [{key: db}]
";

    #[test]
    fn innermost_membership_and_nesting() {
        let t = tree(NESTED);
        assert_eq!(t.boundary_of(&"api".into()), Some(&Key::from("vpc")));
        assert_eq!(t.boundary_of(&"db".into()), Some(&Key::from("vpc")));
        assert_eq!(t.boundary_of(&"user".into()), Some(&Key::from("internet")));
        assert_eq!(t.enclosing(&"db".into()), vec![&Key::from("vpc"), &Key::from("cloud")]);
        assert_eq!(t.roots(), &[Key::from("cloud"), Key::from("internet")]);
        assert_eq!(t.children_of(&"cloud".into()), &[Key::from("vpc")]);
        assert_eq!(t.depth(&"vpc".into()), 1);
    }

    #[test]
    fn cycles_are_cut_not_followed() {
        let t = tree(
            "format_version: 1\nsystem: {name: t}\nboundaries:\n  - {key: a, parent: b}\n  - {key: b, parent: a}\n",
        );
        // Every boundary still has a finite depth and the forest has a root.
        assert!(t.depth(&"a".into()) <= 1 && t.depth(&"b".into()) <= 1);
        assert_eq!(t.roots().len(), 1);
    }
}
