//! Answers as changes (see [`super::view`]): what an answer sends the UI instead of the
//! whole view — the items of its five long lists upserted or removed by name, the new
//! order only when it changed — and the fingerprints the session keeps of what it showed.

use super::view::{DocumentView, EdgeView, MitigationRow, NodeView, QuestionView, ThreatRow};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use ts_rs::TS;

/// How an answer brings the UI's view up to date: whole, or as the changes from the view
/// the UI was last given (at 500 elements an edit changes a few nodes and rows of
/// thousands; sending, parsing and re-rendering only those is what keeps an edit fast).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum ViewChange {
    Whole(Arc<DocumentView>),
    Delta(Box<ViewDelta>),
}

/// The changes from the view of revision `base` to the new one.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ViewDelta {
    /// The revision of the view the changes apply to; the UI holding another one asks for
    /// the whole view instead.
    #[ts(type = "number")]
    pub base: u64,
    /// The new view with its five long lists left empty (they come as changes below).
    pub head: DocumentView,
    pub nodes: ListChanges<NodeView>,
    pub edges: ListChanges<EdgeView>,
    #[ts(as = "ListChanges<ThreatRow>")]
    pub threats: ListChanges<Arc<ThreatRow>>,
    pub mitigations: ListChanges<MitigationRow>,
    pub questions: ListChanges<QuestionView>,
}

/// Changes to a list of items named by key (nodes, edges) or reference (rows).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListChanges<T> {
    /// Items new or different.
    pub upsert: Vec<T>,
    /// Names of items gone.
    pub remove: Vec<String>,
    /// The new order of all names, when it is not the old order less what is gone.
    pub order: Option<Vec<String>>,
}

/// What names an item of a list in a [`ViewDelta`].
pub trait Named {
    fn name_in_list(&self) -> &str;
}

impl Named for NodeView {
    fn name_in_list(&self) -> &str {
        &self.key
    }
}

impl Named for EdgeView {
    fn name_in_list(&self) -> &str {
        &self.key
    }
}

impl<T: Named> Named for Arc<T> {
    fn name_in_list(&self) -> &str {
        T::name_in_list(self)
    }
}

impl<T: Fingerprint> Fingerprint for Arc<T> {
    fn fingerprint(&self) -> u64 {
        T::fingerprint(self)
    }
}

impl Named for ThreatRow {
    fn name_in_list(&self) -> &str {
        &self.reference
    }
}

impl Named for MitigationRow {
    fn name_in_list(&self) -> &str {
        &self.reference
    }
}

impl Named for QuestionView {
    fn name_in_list(&self) -> &str {
        &self.id
    }
}

/// The names and content fingerprints of a list's items, in order.
type Prints = Vec<(String, u64)>;

/// What the UI was last given: the view's revision and, for its five long lists, each
/// item's name and a fingerprint of its content. Enough to tell what changed, without
/// keeping a second copy of a view of thousands of rows in memory (which, measured, slowed
/// every later analysis through the allocator more than it saved).
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    revision: u64,
    nodes: Prints,
    edges: Prints,
    threats: Prints,
    mitigations: Prints,
    questions: Prints,
}

/// A 64-bit fingerprint of an item's content (every field the UI receives).
pub trait Fingerprint {
    fn fingerprint(&self) -> u64;
}

pub(super) fn hasher() -> foldhash::quality::FoldHasher<'static> {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x7477).build_hasher()
}

/// Hashes a value as its JSON text, written into the hasher without building the text.
pub(super) fn hash_json<T: Serialize + ?Sized>(h: &mut foldhash::quality::FoldHasher<'static>, v: &T) {
    struct Writer<'h>(&'h mut foldhash::quality::FoldHasher<'static>);
    impl std::io::Write for Writer<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::hash::Hasher::write(self.0, buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Writing to a hasher cannot fail; a value that cannot be serialised cannot cross IPC either.
    let _ = serde_json::to_writer(Writer(h), v);
}

/// Plain fields: their derived `Hash`.
impl Fingerprint for MitigationRow {
    fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = hasher();
        self.hash(&mut h);
        h.finish()
    }
}

/// Every field, through its JSON, streamed into the hasher.
impl Fingerprint for QuestionView {
    fn fingerprint(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = hasher();
        hash_json(&mut h, self);
        h.finish()
    }
}

impl Fingerprint for NodeView {
    fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        // Every field, so that a new field cannot be left out of the fingerprint unseen.
        let NodeView { key, id, kind, name, x, y, width, height, boundary, depth, threats, worst, changed, props } =
            self;
        let mut h = hasher();
        (key, id, kind, name, boundary, depth, threats, worst, changed).hash(&mut h);
        [x, y, width, height].map(|v| v.to_bits()).hash(&mut h);
        hash_json(&mut h, props);
        h.finish()
    }
}

impl Fingerprint for EdgeView {
    fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let EdgeView { key, id, from, to, label, bidirectional, crosses, threats, worst, changed, props } = self;
        let mut h = hasher();
        (key, id, from, to, label, bidirectional, crosses, threats, worst, changed).hash(&mut h);
        hash_json(&mut h, props);
        h.finish()
    }
}

fn prints<T: Named + Fingerprint>(items: &[T]) -> Prints {
    items.iter().map(|t| (t.name_in_list().to_owned(), t.fingerprint())).collect()
}

impl Shown {
    pub fn of(v: &DocumentView) -> Shown {
        Shown {
            revision: v.revision,
            nodes: prints(&v.nodes),
            edges: prints(&v.edges),
            threats: prints(&v.threats),
            mitigations: prints(&v.mitigations),
            questions: prints(&v.questions),
        }
    }
}

impl<T: Named + Clone + Fingerprint> ListChanges<T> {
    /// The changes from the list fingerprinted as `shown` to `new`, and `new`'s prints.
    fn since(shown: &Prints, new: &[T]) -> (ListChanges<T>, Prints) {
        Self::since_printed(shown, new, prints(new))
    }

    /// [`ListChanges::since`] with `new`'s prints known.
    fn since_printed(shown: &Prints, new: &[T], now: Prints) -> (ListChanges<T>, Prints) {
        let before: HashMap<&str, u64> = shown.iter().map(|(n, h)| (n.as_str(), *h)).collect();
        let after: BTreeSet<&str> = now.iter().map(|(n, _)| n.as_str()).collect();
        let upsert = new
            .iter()
            .zip(&now)
            .filter(|(_, (n, h))| before.get(n.as_str()) != Some(h))
            .map(|(t, _)| t.clone())
            .collect();
        let remove: Vec<String> =
            shown.iter().filter(|(n, _)| !after.contains(n.as_str())).map(|(n, _)| n.clone()).collect();
        let kept = shown.iter().map(|(n, _)| n.as_str()).filter(|n| after.contains(n));
        let order =
            (!kept.eq(now.iter().map(|(n, _)| n.as_str()))).then(|| now.iter().map(|(n, _)| n.clone()).collect());
        (ListChanges { upsert, remove, order }, now)
    }

    /// `old` with these changes applied (what the UI does; the tests check it gives the
    /// new list). `None` when the changes do not fit `old`.
    pub fn apply(&self, old: &[T]) -> Option<Vec<T>> {
        let up: HashMap<&str, &T> = self.upsert.iter().map(|t| (t.name_in_list(), t)).collect();
        match &self.order {
            Some(order) => {
                let before: HashMap<&str, &T> = old.iter().map(|t| (t.name_in_list(), t)).collect();
                order
                    .iter()
                    .map(|n| up.get(n.as_str()).or_else(|| before.get(n.as_str())).map(|t| (*t).clone()))
                    .collect()
            }
            None => {
                let gone: BTreeSet<&str> = self.remove.iter().map(String::as_str).collect();
                Some(
                    old.iter()
                        .filter(|t| !gone.contains(t.name_in_list()))
                        .map(|t| up.get(t.name_in_list()).map_or_else(|| t.clone(), |u| (*u).clone()))
                        .collect(),
                )
            }
        }
    }
}

impl ViewDelta {
    /// The changes from what the UI was shown to `new`, and what it is shown now.
    /// `threat_prints`: the fingerprints of `new`'s register rows (see [`threat_rows`]).
    pub fn since(shown: &Shown, new: &DocumentView, threat_prints: &[u64]) -> (ViewDelta, Shown) {
        let (((nodes, n), (edges, e)), ((threats, t), (mitigations, m))) = rayon::join(
            || (ListChanges::since(&shown.nodes, &new.nodes), ListChanges::since(&shown.edges, &new.edges)),
            || {
                (
                    ListChanges::since_printed(
                        &shown.threats,
                        &new.threats,
                        new.threats.iter().zip(threat_prints).map(|(t, p)| (t.reference.clone(), *p)).collect(),
                    ),
                    ListChanges::since(&shown.mitigations, &new.mitigations),
                )
            },
        );
        let (questions, q) = ListChanges::since(&shown.questions, &new.questions);
        let delta =
            ViewDelta { base: shown.revision, head: new.clone_head(), nodes, edges, threats, mitigations, questions };
        (delta, Shown { revision: new.revision, nodes: n, edges: e, threats: t, mitigations: m, questions: q })
    }

    /// `old` brought up to date; `None` when `old` is not the view of revision `base`.
    pub fn apply(&self, old: &DocumentView) -> Option<DocumentView> {
        if old.revision != self.base {
            return None;
        }
        Some(DocumentView {
            nodes: self.nodes.apply(&old.nodes)?,
            edges: self.edges.apply(&old.edges)?,
            threats: self.threats.apply(&old.threats)?,
            mitigations: self.mitigations.apply(&old.mitigations)?,
            questions: self.questions.apply(&old.questions)?,
            // The head's own lists are empty: cloning it copies no rows.
            ..self.head.clone()
        })
    }
}

impl DocumentView {
    /// A copy without the five long lists.
    fn clone_head(&self) -> DocumentView {
        DocumentView {
            path: self.path.clone(),
            name: self.name.clone(),
            revision: self.revision,
            system: self.system.clone(),
            nodes: Vec::new(),
            edges: Vec::new(),
            assets: self.assets.clone(),
            apis: self.apis.clone(),
            threats: Vec::new(),
            mitigations: Vec::new(),
            diagnostics: self.diagnostics.clone(),
            questions: Vec::new(),
            baseline: self.baseline.clone(),
            auto_layout: self.auto_layout,
            undo: self.undo.clone(),
            redo: self.redo.clone(),
            rules_version: self.rules_version.clone(),
            user: self.user.clone(),
        }
    }
}
