//! Edits of the diagram, as pure functions over a model: add, place (move and resize, with
//! boundary membership following the geometry), set fields, delete, paste, lay out. The
//! session applies them, stores the result in one transaction and re-analyses.

use super::view::NodeKind;
use crate::model::{Boundary, DataStore, ExternalEntity, Flow, Key, Model, Position, Process, Size};
use crate::report::diagram::Diagram;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use ts_rs::TS;

/// Default sizes of new nodes (canvas units).
pub const ELEMENT_W: f64 = 150.0;
pub const ELEMENT_H: f64 = 56.0;
pub const BOUNDARY_W: f64 = 360.0;
pub const BOUNDARY_H: f64 = 240.0;

/// Where a node goes: its top-left corner and, when resized, its size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    pub key: String,
    pub x: f64,
    pub y: f64,
    pub width: Option<f64>,
    pub height: Option<f64>,
}

/// Copied nodes and the flows between them, as the model states them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Clipboard {
    #[ts(type = "Array<Record<string, unknown>>")]
    pub external_entities: Vec<Value>,
    #[ts(type = "Array<Record<string, unknown>>")]
    pub processes: Vec<Value>,
    #[ts(type = "Array<Record<string, unknown>>")]
    pub data_stores: Vec<Value>,
    #[ts(type = "Array<Record<string, unknown>>")]
    pub flows: Vec<Value>,
}

/// A change to the diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Edit {
    /// A new element or boundary at a place; an element dropped inside a boundary becomes
    /// its member, a boundary drawn around elements takes them in.
    AddNode { kind: NodeKind, name: String, x: f64, y: f64 },
    /// A new data flow between two elements.
    AddFlow { from: String, to: String, name: String },
    /// Moves and resizes; a moved boundary takes its contents along; a moved element
    /// belongs to the innermost boundary its centre lands in.
    Place { items: Vec<Placement> },
    /// Sets fields of an item (`null` removes a field). Names, properties, flow ends.
    SetFields {
        key: String,
        #[ts(type = "Record<string, unknown>")]
        fields: Map<String, Value>,
    },
    /// Sets the model's own fields (name, description, scope…; `null` removes one).
    SetSystem {
        #[ts(type = "Record<string, unknown>")]
        fields: Map<String, Value>,
    },
    /// Adds a data asset (or an API inventory entry, with `api: true`) with a name.
    AddItem { name: String, api: bool },
    /// Deletes elements, flows, boundaries, data assets and APIs. Flows touching a deleted
    /// element go with it; a deleted boundary's contents move to its parent; references
    /// to a deleted asset or element (carried data, API provider) are dropped.
    Delete { keys: Vec<String> },
    /// Pastes copied nodes (and the flows between them) shifted by an offset, with new keys.
    Paste { clipboard: Clipboard, dx: f64, dy: f64 },
    /// Lays the whole diagram out automatically and saves the positions.
    AutoLayout,
}

impl Edit {
    /// A short description, for undo/redo and the audit log.
    pub fn label(&self, model: &Model) -> String {
        let name = |k: &str| display_name(model, k).unwrap_or_else(|| k.to_owned());
        match self {
            Edit::AddNode { kind, name, .. } => format!("add {} \u{201c}{name}\u{201d}", kind.label()),
            Edit::AddFlow { name, .. } => format!("add flow \u{201c}{name}\u{201d}"),
            Edit::Place { items } if items.len() == 1 => format!("move {}", name(&items[0].key)),
            Edit::Place { items } => format!("move {} items", items.len()),
            Edit::SetFields { key, fields } => {
                let f: Vec<&str> = fields.keys().map(String::as_str).collect();
                format!("edit {} of {}", f.join(", "), name(key))
            }
            Edit::SetSystem { fields } => {
                let f: Vec<&str> = fields.keys().map(String::as_str).collect();
                format!("edit {} of the system", f.join(", "))
            }
            Edit::AddItem { name, api } => {
                format!("add {} \u{201c}{name}\u{201d}", if *api { "API" } else { "data asset" })
            }
            Edit::Delete { keys } if keys.len() == 1 => format!("delete {}", name(&keys[0])),
            Edit::Delete { keys } => format!("delete {} items", keys.len()),
            Edit::Paste { clipboard, .. } => {
                let n = clipboard.external_entities.len()
                    + clipboard.processes.len()
                    + clipboard.data_stores.len()
                    + clipboard.flows.len();
                format!("paste {n} item{}", if n == 1 { "" } else { "s" })
            }
            Edit::AutoLayout => "lay out the diagram".to_owned(),
        }
    }
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no element, flow or boundary `{0}` in the model")]
    NoSuchItem(String),
    #[error("`{field}` of {key}: {problem}")]
    BadField { key: String, field: String, problem: String },
    #[error("{0}")]
    Invalid(String),
}

fn display_name(model: &Model, key: &str) -> Option<String> {
    if let Some(e) = model.elements().find(|e| e.key().as_str() == key) {
        return Some(e.name().to_owned());
    }
    if let Some(f) = model.flows.iter().find(|f| f.key.as_str() == key) {
        return Some(f.name.clone().unwrap_or_else(|| key.to_owned()));
    }
    if let Some(b) = model.boundaries.iter().find(|b| b.key.as_str() == key) {
        return Some(b.name.clone().unwrap_or_else(|| key.to_owned()));
    }
    if let Some(a) = model.data_assets.iter().find(|a| a.key.as_str() == key) {
        return Some(a.name.clone().unwrap_or_else(|| key.to_owned()));
    }
    model.apis.iter().find(|a| a.key.as_str() == key).map(|a| a.name.clone().unwrap_or_else(|| key.to_owned()))
}

/// All keys in use (elements, flows, boundaries, assets, APIs share one namespace for
/// new keys, so a key never means two things on the canvas).
fn keys_in_use(model: &Model) -> HashSet<String> {
    model
        .elements()
        .map(|e| e.key().to_string())
        .chain(model.flows.iter().map(|f| f.key.to_string()))
        .chain(model.boundaries.iter().map(|b| b.key.to_string()))
        .chain(model.data_assets.iter().map(|a| a.key.to_string()))
        .chain(model.apis.iter().map(|a| a.key.to_string()))
        .collect()
}

pub use crate::model::key::new_key;

#[derive(Clone, Copy, Debug)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x && p.0 <= self.x + self.w && p.1 >= self.y && p.1 <= self.y + self.h
    }
    fn area(&self) -> f64 {
        self.w * self.h
    }
}

/// Writes the layout's positions and sizes into every element and boundary that has
/// none, so that the model states the picture the user sees before anything moves.
pub fn materialize(model: &mut Model, d: &Diagram) {
    let all_positioned = model.elements().all(|e| e.position().is_some());
    write_layout(model, d, |stated| !all_positioned || !stated, 0.0);
}

/// Places the items that have no position (those a merged import brought), as the layout
/// arranges them among themselves, in one block to the right of everything placed: what
/// was on the canvas stays where it was.
pub fn place_newcomers(model: &mut Model, d: &Diagram) {
    let right = model
        .elements()
        .filter_map(|e| e.position().map(|p| p.x + e.size().map_or(ELEMENT_W, |s| s.width)))
        .chain(model.boundaries.iter().filter_map(|b| boundary_rect(b).map(|r| r.x + r.w)))
        .fold(f64::NEG_INFINITY, f64::max);
    if !right.is_finite() {
        return materialize(model, d);
    }
    let fresh: HashSet<&Key> = model
        .elements()
        .filter(|e| e.position().is_none())
        .map(|e| e.key())
        .chain(model.boundaries.iter().filter(|b| b.position.is_none() || b.size.is_none()).map(|b| &b.key))
        .collect();
    let left = d
        .nodes
        .iter()
        .map(|n| (&n.key, &n.rect))
        .chain(d.boundaries.iter().map(|b| (&b.key, &b.rect)))
        .filter(|(k, _)| fresh.contains(k))
        .map(|(_, r)| r.x)
        .fold(f64::INFINITY, f64::min);
    if !left.is_finite() {
        return;
    }
    write_layout(model, d, |stated| !stated, right + 80.0 - left);
}

/// Writes the layout's rectangles (shifted right by `dx`) into the items `pick` chooses,
/// given whether the item states its geometry.
fn write_layout(model: &mut Model, d: &Diagram, pick: impl Fn(bool) -> bool, dx: f64) {
    let nodes: HashMap<&Key, &crate::report::diagram::Rect> = d.nodes.iter().map(|n| (&n.key, &n.rect)).collect();
    let boxes: HashMap<&Key, &crate::report::diagram::Rect> = d.boundaries.iter().map(|b| (&b.key, &b.rect)).collect();
    macro_rules! place {
        ($items:expr) => {
            for e in $items.iter_mut() {
                if let Some(r) = nodes.get(&e.key)
                    && pick(e.position.is_some())
                {
                    e.position = Some(Position { x: (r.x + dx).round(), y: r.y.round() });
                    e.size = Some(Size { width: r.w.round(), height: r.h.round() });
                }
            }
        };
    }
    place!(model.external_entities);
    place!(model.processes);
    place!(model.data_stores);
    for b in model.boundaries.iter_mut() {
        if let Some(r) = boxes.get(&b.key)
            && pick(b.position.is_some() && b.size.is_some())
        {
            b.position = Some(Position { x: (r.x + dx).round(), y: r.y.round() });
            b.size = Some(Size { width: r.w.round(), height: r.h.round() });
        }
    }
}

fn element_rect(model: &Model, key: &Key) -> Option<Rect> {
    let e = model.elements().find(|e| e.key() == key)?;
    let p = e.position()?;
    let s = e.size().unwrap_or(Size { width: ELEMENT_W, height: ELEMENT_H });
    Some(Rect { x: p.x, y: p.y, w: s.width, h: s.height })
}

fn boundary_rect(b: &Boundary) -> Option<Rect> {
    let p = b.position?;
    let s = b.size?;
    Some(Rect { x: p.x, y: p.y, w: s.width, h: s.height })
}

/// The innermost (smallest) boundary whose rectangle holds a point, skipping `exclude`.
fn innermost_at(model: &Model, p: (f64, f64), exclude: &HashSet<&Key>) -> Option<Key> {
    model
        .boundaries
        .iter()
        .filter(|b| !exclude.contains(&b.key))
        .filter_map(|b| boundary_rect(b).map(|r| (b, r)))
        .filter(|(_, r)| r.contains(p))
        .min_by(|a, b| a.1.area().total_cmp(&b.1.area()).then_with(|| a.0.key.cmp(&b.0.key)))
        .map(|(b, _)| b.key.clone())
}

/// Makes `element` a member of `boundary` only (or of none).
fn set_membership(model: &mut Model, element: &Key, boundary: Option<&Key>) {
    for b in model.boundaries.iter_mut() {
        let member = b.members.contains(element);
        let should = Some(&b.key) == boundary;
        if member && !should {
            b.members.retain(|m| m != element);
        } else if should && !member {
            b.members.push(element.clone());
        }
    }
}

/// Sets a boundary's parent (stated as `parent`; any member entry for it is removed).
fn set_parent(model: &mut Model, boundary: &Key, parent: Option<&Key>) {
    for b in model.boundaries.iter_mut() {
        b.members.retain(|m| m != boundary);
    }
    if let Some(b) = model.boundaries.iter_mut().find(|b| &b.key == boundary) {
        b.parent = parent.cloned();
    }
}

/// Boundaries nested in `root` (not `root` itself), and the elements anywhere inside it.
fn contents(model: &Model, root: &Key) -> (Vec<Key>, Vec<Key>) {
    let tree = crate::graph::boundary::BoundaryTree::new(model);
    let mut boundaries = Vec::new();
    let mut stack = vec![root.clone()];
    let mut inside: HashSet<Key> = HashSet::new();
    inside.insert(root.clone());
    while let Some(b) = stack.pop() {
        for c in tree.children_of(&b) {
            if inside.insert(c.clone()) {
                boundaries.push(c.clone());
                stack.push(c.clone());
            }
        }
    }
    let elements = model
        .elements()
        .filter(|e| tree.boundary_of(e.key()).is_some_and(|b| inside.contains(b)))
        .map(|e| e.key().clone())
        .collect();
    (boundaries, elements)
}

fn shift_item(model: &mut Model, key: &Key, dx: f64, dy: f64) {
    macro_rules! shift {
        ($items:expr) => {
            if let Some(e) = $items.iter_mut().find(|e| &e.key == key) {
                if let Some(p) = e.position.as_mut() {
                    p.x += dx;
                    p.y += dy;
                }
                return;
            }
        };
    }
    shift!(model.external_entities);
    shift!(model.processes);
    shift!(model.data_stores);
    shift!(model.boundaries);
}

fn place_item(model: &mut Model, p: &Placement) -> bool {
    macro_rules! put {
        ($items:expr, $w:expr, $h:expr) => {
            if let Some(e) = $items.iter_mut().find(|e| e.key.as_str() == p.key) {
                e.position = Some(Position { x: p.x.round(), y: p.y.round() });
                let old = e.size.unwrap_or(Size { width: $w, height: $h });
                e.size = Some(Size {
                    width: p.width.unwrap_or(old.width).max(40.0).round(),
                    height: p.height.unwrap_or(old.height).max(24.0).round(),
                });
                return true;
            }
        };
    }
    put!(model.external_entities, ELEMENT_W, ELEMENT_H);
    put!(model.processes, ELEMENT_W, ELEMENT_H);
    put!(model.data_stores, ELEMENT_W, ELEMENT_H);
    put!(model.boundaries, BOUNDARY_W, BOUNDARY_H);
    false
}

fn is_element(model: &Model, key: &str) -> bool {
    model.elements().any(|e| e.key().as_str() == key)
}

/// Applies an edit to a model that states every position (see [`materialize`]).
/// Returns the keys the edit created.
pub fn apply(model: &mut Model, edit: &Edit) -> Result<Vec<String>, EditError> {
    match edit {
        Edit::AddNode { kind, name, x, y } => {
            let used = keys_in_use(model);
            let fallback = match kind {
                NodeKind::ExternalEntity => "entity",
                NodeKind::Process => "process",
                NodeKind::DataStore => "store",
                NodeKind::Boundary => "boundary",
            };
            let name = name.trim();
            let key = new_key(name, fallback, &used);
            let name = (!name.is_empty()).then(|| name.to_owned());
            let position = Some(Position { x: x.round(), y: y.round() });
            match kind {
                NodeKind::Boundary => {
                    let size = Size { width: BOUNDARY_W, height: BOUNDARY_H };
                    let rect = Rect { x: *x, y: *y, w: size.width, h: size.height };
                    let parent = innermost_at(model, rect.center(), &HashSet::new());
                    model.boundaries.push(Boundary {
                        key: key.clone(),
                        id: None,
                        name,
                        description: None,
                        kind: None,
                        trust: None,
                        parent: parent.clone(),
                        members: Vec::new(),
                        tags: BTreeSet::new(),
                        position,
                        size: Some(size),
                    });
                    // Elements drawn inside it (and in its parent, or in none) join it.
                    let tree = crate::graph::boundary::BoundaryTree::new(model);
                    let joining: Vec<Key> = model
                        .elements()
                        .filter(|e| tree.boundary_of(e.key()) == parent.as_ref())
                        .filter(|e| element_rect(model, e.key()).is_some_and(|r| rect.contains(r.center())))
                        .map(|e| e.key().clone())
                        .collect();
                    for e in &joining {
                        set_membership(model, e, Some(&key));
                    }
                }
                _ => {
                    let size = Some(Size { width: ELEMENT_W, height: ELEMENT_H });
                    match kind {
                        NodeKind::ExternalEntity => {
                            let mut e: ExternalEntity = from_key(&key);
                            (e.name, e.position, e.size) = (name, position, size);
                            model.external_entities.push(e);
                        }
                        NodeKind::Process => {
                            let mut e: Process = from_key(&key);
                            (e.name, e.position, e.size) = (name, position, size);
                            model.processes.push(e);
                        }
                        _ => {
                            let mut e: DataStore = from_key(&key);
                            (e.name, e.position, e.size) = (name, position, size);
                            model.data_stores.push(e);
                        }
                    }
                    let r = Rect { x: *x, y: *y, w: ELEMENT_W, h: ELEMENT_H };
                    let b = innermost_at(model, r.center(), &HashSet::new());
                    set_membership(model, &key, b.as_ref());
                }
            }
            Ok(vec![key.to_string()])
        }
        Edit::AddFlow { from, to, name } => {
            for end in [from, to] {
                if !is_element(model, end) {
                    return Err(EditError::NoSuchItem(end.clone()));
                }
            }
            if from == to {
                return Err(EditError::Invalid("a flow needs two different elements".into()));
            }
            let used = keys_in_use(model);
            let name = name.trim();
            let default_name = format!("{from} to {to}");
            let key = new_key(if name.is_empty() { &default_name } else { name }, "flow", &used);
            let mut f: Flow = serde_json::from_value(serde_json::json!({"key": key, "from": from, "to": to}))
                .map_err(|e| EditError::Invalid(e.to_string()))?;
            f.name = (!name.is_empty()).then(|| name.to_owned());
            model.flows.push(f);
            Ok(vec![key.to_string()])
        }
        Edit::Place { items } => {
            let placed: HashSet<&str> = items.iter().map(|p| p.key.as_str()).collect();
            for p in items {
                if !p.x.is_finite() || !p.y.is_finite() {
                    return Err(EditError::Invalid(format!("{}: a position must be a finite number", p.key)));
                }
                let boundary = model.boundaries.iter().find(|b| b.key.as_str() == p.key).cloned();
                // A resize (a new size given) moves an edge, not the contents.
                let resizing = p.width.is_some() || p.height.is_some();
                if let Some(b) = boundary.filter(|_| !resizing) {
                    // A moved boundary takes what it holds along (unless those moved too).
                    if let Some(old) = b.position {
                        let (dx, dy) = (p.x.round() - old.x, p.y.round() - old.y);
                        if dx != 0.0 || dy != 0.0 {
                            let (bs, es) = contents(model, &b.key);
                            for k in bs.iter().chain(es.iter()).filter(|k| !placed.contains(k.as_str())) {
                                shift_item(model, k, dx, dy);
                            }
                        }
                    }
                }
                if !place_item(model, p) {
                    return Err(EditError::NoSuchItem(p.key.clone()));
                }
            }
            // Membership follows the geometry of what moved.
            for p in items {
                let key = Key::new(p.key.clone());
                if is_element(model, &p.key) {
                    let Some(r) = element_rect(model, &key) else { continue };
                    let b = innermost_at(model, r.center(), &HashSet::new());
                    set_membership(model, &key, b.as_ref());
                } else if let Some(r) = model.boundaries.iter().find(|b| b.key == key).and_then(boundary_rect) {
                    let (inner, _) = contents(model, &key);
                    let mut exclude: HashSet<&Key> = inner.iter().collect();
                    exclude.insert(&key);
                    let parent = innermost_at(model, r.center(), &exclude);
                    // The parent must be larger: a boundary dropped over a smaller one is not its child.
                    let parent = parent.filter(|pk| {
                        model
                            .boundaries
                            .iter()
                            .find(|b| &b.key == pk)
                            .and_then(boundary_rect)
                            .is_some_and(|pr| pr.area() > r.area())
                    });
                    set_parent(model, &key, parent.as_ref());
                    // Elements follow the boundary's new outline: those now inside it join it
                    // (or a boundary nested in it), members now outside it leave it.
                    let affected: Vec<Key> = model
                        .elements()
                        .filter(|e| !placed.contains(e.key().as_str()))
                        .filter(|e| {
                            let inside = element_rect(model, e.key()).is_some_and(|er| r.contains(er.center()));
                            inside || model.boundaries.iter().any(|b| b.key == key && b.members.contains(e.key()))
                        })
                        .map(|e| e.key().clone())
                        .collect();
                    for e in affected {
                        let Some(er) = element_rect(model, &e) else { continue };
                        let b = innermost_at(model, er.center(), &HashSet::new());
                        set_membership(model, &e, b.as_ref());
                    }
                }
            }
            Ok(Vec::new())
        }
        Edit::SetFields { key, fields } => set_fields(model, key, fields).map(|_| Vec::new()),
        Edit::SetSystem { fields } => {
            if fields.get("name").is_some_and(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty())) {
                return Err(EditError::BadField {
                    key: "system".into(),
                    field: "name".into(),
                    problem: "the system needs a name".into(),
                });
            }
            merge(&mut model.system, "system", fields).map(|_| Vec::new())
        }
        Edit::AddItem { name, api } => {
            let used = keys_in_use(model);
            let name = name.trim();
            let key = new_key(name, if *api { "api" } else { "data" }, &used);
            let named = serde_json::json!({"key": key, "name": (!name.is_empty()).then_some(name)});
            let bad = |e: serde_json::Error| EditError::Invalid(e.to_string());
            if *api {
                model.apis.push(serde_json::from_value(named).map_err(bad)?);
            } else {
                model.data_assets.push(serde_json::from_value(named).map_err(bad)?);
            }
            Ok(vec![key.to_string()])
        }
        Edit::Delete { keys } => {
            for k in keys {
                if display_name(model, k).is_none() {
                    return Err(EditError::NoSuchItem(k.clone()));
                }
            }
            delete(model, keys);
            Ok(Vec::new())
        }
        Edit::Paste { clipboard, dx, dy } => paste(model, clipboard, *dx, *dy),
        Edit::AutoLayout => {
            for e in model.external_entities.iter_mut() {
                (e.position, e.size) = (None, None);
            }
            for e in model.processes.iter_mut() {
                (e.position, e.size) = (None, None);
            }
            for e in model.data_stores.iter_mut() {
                (e.position, e.size) = (None, None);
            }
            for b in model.boundaries.iter_mut() {
                (b.position, b.size) = (None, None);
            }
            let d = crate::report::diagram::canvas(model, &[]);
            materialize(model, &d);
            Ok(Vec::new())
        }
    }
}

/// An item with only its key, through serde so that new fields default as in YAML.
fn from_key<T: serde::de::DeserializeOwned>(key: &Key) -> T {
    serde_json::from_value(serde_json::json!({ "key": key })).expect("an item with only a key deserialises")
}

/// Fields that are not edited through `SetFields` (identity, geometry, membership).
const FIXED: [&str; 5] = ["key", "id", "position", "size", "members"];

fn merge<T: Serialize + serde::de::DeserializeOwned>(
    item: &mut T,
    key: &str,
    fields: &Map<String, Value>,
) -> Result<(), EditError> {
    let mut v = serde_json::to_value(&*item).map_err(|e| EditError::Invalid(e.to_string()))?;
    let obj = v.as_object_mut().expect("items serialise as objects");
    for (name, value) in fields {
        if FIXED.contains(&name.as_str()) {
            return Err(EditError::BadField {
                key: key.to_owned(),
                field: name.clone(),
                problem: "cannot be set here".into(),
            });
        }
        let empty = value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty());
        if empty {
            obj.remove(name);
        } else {
            obj.insert(name.clone(), value.clone());
        }
    }
    *item = serde_json::from_value(v).map_err(|e| {
        let text = e.to_string();
        let field = fields
            .keys()
            .find(|f| text.contains(f.as_str()))
            .cloned()
            .unwrap_or_else(|| fields.keys().cloned().collect::<Vec<_>>().join(", "));
        EditError::BadField { key: key.to_owned(), field, problem: text }
    })?;
    Ok(())
}

fn set_fields(model: &mut Model, key: &str, fields: &Map<String, Value>) -> Result<(), EditError> {
    macro_rules! try_in {
        ($items:expr) => {
            if let Some(e) = $items.iter_mut().find(|e| e.key.as_str() == key) {
                return merge(e, key, fields);
            }
        };
    }
    if let Some(b) = model.boundaries.iter_mut().find(|b| b.key.as_str() == key) {
        if fields.contains_key("parent") {
            return Err(EditError::BadField {
                key: key.into(),
                field: "parent".into(),
                problem: "move the boundary into another one on the canvas".into(),
            });
        }
        return merge(b, key, fields);
    }
    try_in!(model.external_entities);
    try_in!(model.processes);
    try_in!(model.data_stores);
    if let Some(f) = model.flows.iter_mut().find(|f| f.key.as_str() == key) {
        merge(f, key, fields)?;
        let (from, to) = (f.from.clone(), f.to.clone());
        for end in [&from, &to] {
            if !is_element(model, end.as_str()) {
                return Err(EditError::BadField {
                    key: key.into(),
                    field: if *end == from { "from".into() } else { "to".into() },
                    problem: format!("there is no element `{end}`"),
                });
            }
        }
        return Ok(());
    }
    try_in!(model.data_assets);
    try_in!(model.apis);
    Err(EditError::NoSuchItem(key.to_owned()))
}

/// Removes items; see [`Edit::Delete`].
pub fn delete(model: &mut Model, keys: &[String]) {
    let gone: HashSet<&str> = keys.iter().map(String::as_str).collect();
    // Boundaries: contents move up to the nearest surviving ancestor.
    let tree = crate::graph::boundary::BoundaryTree::new(model);
    let survivor = |b: Option<&Key>| {
        let mut b = b.cloned();
        while let Some(k) = b {
            if !gone.contains(k.as_str()) {
                return Some(k);
            }
            b = tree.parent_of(&k).cloned();
        }
        None
    };
    let moves: Vec<(Key, Option<Key>)> = model
        .elements()
        .filter(|e| !gone.contains(e.key().as_str()))
        .filter_map(|e| {
            let b = tree.boundary_of(e.key());
            b.is_some_and(|b| gone.contains(b.as_str())).then(|| (e.key().clone(), survivor(b)))
        })
        .collect();
    let reparent: Vec<(Key, Option<Key>)> = model
        .boundaries
        .iter()
        .filter(|b| !gone.contains(b.key.as_str()))
        .filter_map(|b| {
            let p = tree.parent_of(&b.key);
            p.is_some_and(|p| gone.contains(p.as_str())).then(|| (b.key.clone(), survivor(p)))
        })
        .collect();
    for (b, p) in &reparent {
        set_parent(model, b, p.as_ref());
    }
    for (e, b) in &moves {
        set_membership(model, e, b.as_ref());
    }
    model.boundaries.retain(|b| !gone.contains(b.key.as_str()));
    model.external_entities.retain(|e| !gone.contains(e.key.as_str()));
    model.processes.retain(|e| !gone.contains(e.key.as_str()));
    model.data_stores.retain(|e| !gone.contains(e.key.as_str()));
    let live: HashSet<String> = model.elements().map(|e| e.key().to_string()).collect();
    model
        .flows
        .retain(|f| !gone.contains(f.key.as_str()) && live.contains(f.from.as_str()) && live.contains(f.to.as_str()));
    for b in model.boundaries.iter_mut() {
        b.members.retain(|m| !gone.contains(m.as_str()));
    }
    model.data_assets.retain(|a| !gone.contains(a.key.as_str()));
    model.apis.retain(|a| !gone.contains(a.key.as_str()));
    for f in model.flows.iter_mut() {
        f.carries.retain(|a| !gone.contains(a.as_str()));
    }
    for s in model.data_stores.iter_mut() {
        s.stores.retain(|a| !gone.contains(a.as_str()));
    }
    for a in model.apis.iter_mut() {
        if a.provider.as_ref().is_some_and(|p| gone.contains(p.as_str())) {
            a.provider = None;
        }
        a.consumers.retain(|c| !gone.contains(c.as_str()));
    }
}

/// Copies elements (and flows between them) for [`Edit::Paste`].
pub fn copy(model: &Model, keys: &[String]) -> Clipboard {
    let wanted: HashSet<&str> = keys.iter().map(String::as_str).collect();
    fn items<T: Serialize>(list: &[T], key: impl Fn(&T) -> &Key, wanted: &HashSet<&str>) -> Vec<Value> {
        list.iter().filter(|e| wanted.contains(key(e).as_str())).filter_map(|e| serde_json::to_value(e).ok()).collect()
    }
    Clipboard {
        external_entities: items(&model.external_entities, |e| &e.key, &wanted),
        processes: items(&model.processes, |e| &e.key, &wanted),
        data_stores: items(&model.data_stores, |e| &e.key, &wanted),
        flows: model
            .flows
            .iter()
            .filter(|f| wanted.contains(f.from.as_str()) && wanted.contains(f.to.as_str()))
            .filter_map(|f| serde_json::to_value(f).ok())
            .collect(),
    }
}

fn paste(model: &mut Model, c: &Clipboard, dx: f64, dy: f64) -> Result<Vec<String>, EditError> {
    let mut used = keys_in_use(model);
    let mut renamed: HashMap<String, Key> = HashMap::new();
    let mut created = Vec::new();
    let bad = |e: serde_json::Error| EditError::Invalid(format!("the clipboard does not hold diagram items: {e}"));
    macro_rules! paste_into {
        ($list:expr, $ty:ty, $section:expr) => {
            for v in &$list {
                let mut e: $ty = serde_json::from_value(v.clone()).map_err(bad)?;
                let old = e.key.to_string();
                let key = new_key(&old, "item", &used);
                used.insert(key.to_string());
                renamed.insert(old, key.clone());
                e.key = key.clone();
                e.id = None;
                if let Some(p) = e.position.as_mut() {
                    p.x += dx;
                    p.y += dy;
                }
                $section.push(e);
                created.push(key.to_string());
            }
        };
    }
    paste_into!(c.external_entities, ExternalEntity, model.external_entities);
    paste_into!(c.processes, Process, model.processes);
    paste_into!(c.data_stores, DataStore, model.data_stores);
    for v in &c.flows {
        let mut f: Flow = serde_json::from_value(v.clone()).map_err(bad)?;
        let (Some(from), Some(to)) = (renamed.get(f.from.as_str()), renamed.get(f.to.as_str())) else { continue };
        let key = new_key(f.key.as_str(), "flow", &used);
        used.insert(key.to_string());
        (f.key, f.id, f.from, f.to) = (key.clone(), None, from.clone(), to.clone());
        model.flows.push(f);
        created.push(key.to_string());
    }
    for k in created.clone() {
        let key = Key::new(k);
        if let Some(r) = element_rect(model, &key) {
            let b = innermost_at(model, r.center(), &HashSet::new());
            set_membership(model, &key, b.as_ref());
        }
    }
    Ok(created)
}
