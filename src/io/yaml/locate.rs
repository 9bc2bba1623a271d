//! Maps document paths (`flows[3].to`) to line and column in the YAML text.
//!
//! serde gives positions only for its own errors. Diagnostics found after parsing
//! (unknown references, duplicate keys...) carry a document path instead, and this
//! index, built from a second pass of a YAML event parser, turns paths into positions.
//! It runs only when there is something to locate, so clean files pay nothing.

use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, Parser};

/// Line and column (both from 1).
pub type Pos = (u32, u32);

#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<String, Pos>,
    /// First mapping key that appears twice in its mapping: (path, position).
    pub duplicate_key: Option<(String, Pos)>,
}

enum Frame {
    Map { path: String, key: Option<String>, seen: HashSet<String> },
    Seq { path: String, next: usize },
}

fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

impl Locator {
    /// Indexes `src`. With `wanted`, only those paths (and their ancestors, which are
    /// looked up as a fallback) are kept.
    pub fn build(src: &str, wanted: Option<&HashSet<String>>) -> Locator {
        let mut loc = Locator::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(src);
        let keep = |p: &str| wanted.is_none_or(|w| w.contains(p));
        // A syntax error ends the walk: serde reports it; keep what we have.
        while let Ok((event, mark)) = parser.next_token() {
            let pos: Pos = (mark.line() as u32, mark.col() as u32 + 1);
            let is_node = matches!(
                event,
                Event::Scalar(..) | Event::Alias(_) | Event::MappingStart(..) | Event::SequenceStart(..)
            );
            if is_node {
                // Where does this node sit?
                let path = match stack.last_mut() {
                    None => String::new(),
                    Some(Frame::Seq { path, next }) => {
                        let p = format!("{path}[{next}]");
                        *next += 1;
                        p
                    }
                    Some(Frame::Map { path, key, seen }) => match key.take() {
                        Some(k) => child(path, &k), // a value
                        None => {
                            // A key. Plain scalar keys are recorded; complex keys get a
                            // placeholder so that their value still pairs up.
                            let name = match &event {
                                Event::Scalar(s, ..) => s.clone(),
                                _ => "?".to_owned(),
                            };
                            let p = child(path, &name);
                            if !seen.insert(name.clone()) && loc.duplicate_key.is_none() {
                                loc.duplicate_key = Some((p.clone(), pos));
                            }
                            if keep(&p) {
                                loc.positions.entry(p).or_insert(pos);
                            }
                            if keep(path) {
                                loc.positions.entry(path.clone()).or_insert(pos);
                            }
                            *key = Some(name);
                            // Complex keys push a frame below; their path is a dummy.
                            match event {
                                Event::MappingStart(..) => {
                                    stack.push(Frame::Map { path: "?".into(), key: None, seen: HashSet::new() })
                                }
                                Event::SequenceStart(..) => stack.push(Frame::Seq { path: "?".into(), next: 0 }),
                                _ => {}
                            }
                            continue;
                        }
                    },
                };
                // A scalar value is where a reader looks for a wrong value, so it replaces
                // its key's position. A block mapping's start mark lies after its first key;
                // its first key is where a reader looks for it, so mappings take that
                // position (below).
                if keep(&path) {
                    match event {
                        Event::Scalar(..) | Event::Alias(_) => {
                            loc.positions.insert(path.clone(), pos);
                        }
                        Event::SequenceStart(..) => {
                            loc.positions.entry(path.clone()).or_insert(pos);
                        }
                        _ => {}
                    }
                }
                match event {
                    Event::MappingStart(..) => stack.push(Frame::Map { path, key: None, seen: HashSet::new() }),
                    Event::SequenceStart(..) => stack.push(Frame::Seq { path, next: 0 }),
                    _ => {}
                }
                continue;
            }
            match event {
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        loc
    }

    /// Position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

/// Paths a locator must know to place `path` (the path and all its ancestors).
pub fn with_ancestors(path: &str, into: &mut HashSet<String>) {
    let mut p = path;
    into.insert(p.to_owned());
    while let Some(cut) = p.rfind(['.', '[']) {
        p = &p[..cut];
        into.insert(p.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
format_version: 1
system:
  name: Demo
flows:
  - key: f1
    from: a
    to: b
  - {key: f2, from: b, to: c}
boundaries:
  - key: zone
    members:
      - a
      - b
";

    #[test]
    fn finds_keys_items_and_falls_back_to_ancestors() {
        let l = Locator::build(SRC, None);
        assert_eq!(l.find("system.name"), Some((3, 9)));
        assert_eq!(l.find("system"), Some((2, 1)));
        assert_eq!(l.find("flows[0].to"), Some((7, 9)));
        assert_eq!(l.find("flows[1].to"), Some((8, 28)));
        assert_eq!(l.find("flows[1]"), Some((8, 6)));
        assert_eq!(l.find("boundaries[0].members[1]"), Some((13, 9)));
        // Absent field: the item it would belong to.
        assert_eq!(l.find("flows[0].carries[0]"), l.find("flows[0]"));
        assert!(l.duplicate_key.is_none());
    }

    #[test]
    fn only_wanted_paths_are_kept() {
        let mut wanted = HashSet::new();
        with_ancestors("flows[0].to", &mut wanted);
        let l = Locator::build(SRC, Some(&wanted));
        assert_eq!(l.find("flows[0].to"), Some((7, 9)));
        assert_eq!(l.positions.len(), 3); // flows, flows[0], flows[0].to
    }

    #[test]
    fn duplicate_mapping_key() {
        let l = Locator::build("a: 1\nb:\n  c: 1\n  c: 2\n", None);
        assert_eq!(l.duplicate_key, Some(("b.c".to_owned(), (4, 3))));
    }
}
