//! The dataflow diagram as geometry, for every format that draws it (PDF vectors, HTML
//! SVG): boundaries as rectangles, elements as shapes with their threat count and worst
//! severity, flows as polylines with labels. Coordinates are diagram units, y downwards.
//!
//! Positions come from the model when every element has one (what the editor saves);
//! otherwise the whole diagram is laid out automatically with `dagre` (the Sugiyama
//! method, boundaries as compound nodes, left to right). Models larger than
//! [`DETAIL_LIMIT`] elements are drawn as an overview: one box per top-level boundary
//! with the number of elements inside and the flows between boundaries aggregated.

use crate::graph::BoundaryTree;
use crate::model::{ElementKind, Item, Key, Model, RiskLevel, Threat, ThreatStatus};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Above this many elements the diagram shows boundaries, not elements.
pub const DETAIL_LIMIT: usize = 80;
/// Above this many top-level boundaries, the overview groups them by kind and trust.
pub const OVERVIEW_LIMIT: usize = 40;

const NODE_W: f64 = 130.0;
const NODE_H: f64 = 48.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Where the segment from the centre towards `to` leaves the rectangle.
    fn border_towards(&self, to: (f64, f64)) -> (f64, f64) {
        let (cx, cy) = self.center();
        let (dx, dy) = (to.0 - cx, to.1 - cy);
        if dx == 0.0 && dy == 0.0 {
            return (cx, cy);
        }
        let sx = if dx != 0.0 { (self.w / 2.0) / dx.abs() } else { f64::INFINITY };
        let sy = if dy != 0.0 { (self.h / 2.0) / dy.abs() } else { f64::INFINITY };
        let s = sx.min(sy).min(1.0);
        (cx + dx * s, cy + dy * s)
    }
}

#[derive(Clone, Debug)]
pub struct BoundaryBox {
    pub key: Key,
    pub name: String,
    pub rect: Rect,
    /// Nesting depth, 0 for top-level boundaries.
    pub depth: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// External entity: a plain rectangle.
    Entity,
    /// Process: a rounded rectangle.
    Process,
    /// Data store: open-ended (lines above and below).
    Store,
    /// A boundary summarised as one box (overview diagrams).
    Group,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub key: Key,
    pub name: String,
    pub shape: Shape,
    pub rect: Rect,
    /// Live threats on the element (or, for a group, on its elements).
    pub threats: usize,
    pub worst: Option<RiskLevel>,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub key: Key,
    pub label: String,
    /// From the source's border to the target's border; the arrow is at the end.
    pub points: Vec<(f64, f64)>,
    pub bidirectional: bool,
    /// Where to put the label.
    pub label_at: (f64, f64),
}

#[derive(Clone, Debug)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub boundaries: Vec<BoundaryBox>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Laid out automatically (the model had no positions).
    pub auto_layout: bool,
    /// An overview of boundaries, not elements.
    pub overview: bool,
}

/// Live threats per target key: (count, worst severity). The canvas shows the same.
pub fn threat_marks(threats: &[Threat]) -> HashMap<&Key, (usize, RiskLevel)> {
    let mut out: HashMap<&Key, (usize, RiskLevel)> = HashMap::new();
    for t in threats.iter().filter(|t| t.status != ThreatStatus::Obsolete) {
        let e = out.entry(&t.target.key).or_insert((0, RiskLevel::Low));
        e.0 += 1;
        e.1 = e.1.max(t.severity);
    }
    out
}

fn shape(kind: ElementKind) -> Shape {
    match kind {
        ElementKind::ExternalEntity => Shape::Entity,
        ElementKind::Process => Shape::Process,
        ElementKind::DataStore => Shape::Store,
    }
}

/// The diagram of a model with its register's marks.
pub fn diagram(model: &Model, threats: &[Threat]) -> Diagram {
    let marks = threat_marks(threats);
    let elements: Vec<_> = model.elements().collect();
    let d = if elements.len() > DETAIL_LIMIT {
        overview(model, &marks)
    } else if !elements.is_empty() && elements.iter().all(|e| e.position().is_some()) {
        positioned(model, &marks)
    } else {
        automatic(model, &marks)
    };
    normalise(d)
}

/// The diagram for an editor's canvas: every element (no overview, whatever the size), at
/// its saved position when all elements have one, else laid out automatically. Saved
/// coordinates are kept as they are (not shifted), so that moves on the canvas map 1:1.
/// Models with more elements than this are packed (see [`packed`]) rather than laid out by
/// dagre, whose time grows much faster than the model (minutes at 1,000 elements).
pub const LAYERED_LIMIT: usize = 80;

pub fn canvas(model: &Model, threats: &[Threat]) -> Diagram {
    let marks = threat_marks(threats);
    let elements: Vec<_> = model.elements().collect();
    if !elements.is_empty() && elements.iter().all(|e| e.position().is_some()) {
        positioned(model, &marks)
    } else if elements.len() > LAYERED_LIMIT {
        normalise(packed(model, &marks))
    } else {
        normalise(automatic(model, &marks))
    }
}

/// A linear-time layout for large models: each boundary is a block holding its elements
/// (ordered by their distance from the model's entry points along flows, then key) and its
/// nested blocks, packed in rows ("shelves") about as wide as the block is tall; top-level
/// blocks and free elements are packed the same way. Flows are drawn straight.
fn packed(model: &Model, marks: &HashMap<&Key, (usize, RiskLevel)>) -> Diagram {
    const GAP: f64 = 30.0;
    const PAD: f64 = 16.0;
    const LABEL: f64 = 22.0;
    let tree = BoundaryTree::new(model);
    // Distance from entry points (external entities, then anything without incoming flows).
    let mut rank: HashMap<&Key, usize> = HashMap::new();
    let mut out: HashMap<&Key, Vec<&Key>> = HashMap::new();
    let mut incoming: HashSet<&Key> = HashSet::new();
    for f in &model.flows {
        out.entry(&f.from).or_default().push(&f.to);
        incoming.insert(&f.to);
    }
    let mut queue: std::collections::VecDeque<&Key> = model
        .elements()
        .filter(|e| matches!(e.kind(), ElementKind::ExternalEntity) || !incoming.contains(e.key()))
        .map(|e| e.key())
        .collect();
    for k in &queue {
        rank.insert(k, 0);
    }
    while let Some(k) = queue.pop_front() {
        let r = rank[k];
        for n in out.get(k).map(Vec::as_slice).unwrap_or(&[]) {
            if !rank.contains_key(n) {
                rank.insert(n, r + 1);
                queue.push_back(n);
            }
        }
    }
    // Direct contents of each boundary (None = top level).
    let mut direct: HashMap<Option<&Key>, Vec<&Key>> = HashMap::new();
    let mut elements: Vec<_> = model.elements().collect();
    elements.sort_by(|a, b| {
        rank.get(a.key())
            .unwrap_or(&usize::MAX)
            .cmp(rank.get(b.key()).unwrap_or(&usize::MAX))
            .then(a.key().cmp(b.key()))
    });
    for e in &elements {
        direct.entry(tree.boundary_of(e.key())).or_default().push(e.key());
    }
    enum Item<'k> {
        Element(&'k Key),
        Block(&'k Key, f64, f64),
    }
    // Sizes and relative positions, children first (post-order over the boundary tree).
    struct Laid<'k> {
        w: f64,
        h: f64,
        at: Vec<(Item<'k>, f64, f64)>,
    }
    fn shelf<'k>(items: Vec<Item<'k>>, top: f64) -> Laid<'k> {
        let size = |i: &Item<'_>| match i {
            Item::Element(_) => (NODE_W, NODE_H),
            Item::Block(_, w, h) => (*w, *h),
        };
        let area: f64 = items.iter().map(|i| (size(i).0 + GAP) * (size(i).1 + GAP)).sum();
        let widest = items.iter().map(|i| size(i).0).fold(0.0, f64::max);
        let row_w = (area.sqrt() * 1.3).max(widest);
        let (mut x, mut y, mut row_h, mut w) = (PAD, top, 0.0f64, 0.0f64);
        let mut at = Vec::with_capacity(items.len());
        for i in items {
            let (iw, ih) = size(&i);
            if x > PAD && x + iw > PAD + row_w {
                x = PAD;
                y += row_h + GAP;
                row_h = 0.0;
            }
            at.push((i, x, y));
            x += iw + GAP;
            w = w.max(x - GAP + PAD);
            row_h = row_h.max(ih);
        }
        Laid { w: w.max(2.0 * PAD + NODE_W), h: y + row_h + PAD, at }
    }
    let mut laid: HashMap<&Key, Laid<'_>> = HashMap::new();
    let mut order: Vec<&Key> = Vec::new();
    let mut stack: Vec<(&Key, bool)> = tree.roots().iter().rev().map(|k| (k, false)).collect();
    while let Some((k, done)) = stack.pop() {
        if done {
            order.push(k);
        } else {
            stack.push((k, true));
            stack.extend(tree.children_of(k).iter().rev().map(|c| (c, false)));
        }
    }
    for b in &order {
        let mut items: Vec<Item<'_>> =
            direct.get(&Some(*b)).map(|v| v.iter().map(|k| Item::Element(k)).collect()).unwrap_or_default();
        for c in tree.children_of(b) {
            let l = &laid[c];
            items.push(Item::Block(c, l.w, l.h));
        }
        laid.insert(b, shelf(items, LABEL + PAD));
    }
    let mut top: Vec<Item<'_>> =
        direct.get(&None).map(|v| v.iter().map(|k| Item::Element(k)).collect()).unwrap_or_default();
    for r in tree.roots() {
        let l = &laid[r];
        top.push(Item::Block(r, l.w, l.h));
    }
    let top = shelf(top, 0.0);
    // Absolute positions.
    let names: HashMap<&Key, &str> = model.boundaries.iter().map(|b| (&b.key, b.display_name())).collect();
    let mut rects: HashMap<&Key, Rect> = HashMap::new();
    let mut boxes = Vec::new();
    let mut stack: Vec<(&Laid<'_>, f64, f64, usize)> = vec![(&top, 0.0, 0.0, 0)];
    while let Some((l, ox, oy, depth)) = stack.pop() {
        for (item, x, y) in &l.at {
            match item {
                Item::Element(k) => {
                    rects.insert(k, Rect { x: ox + x, y: oy + y, w: NODE_W, h: NODE_H });
                }
                Item::Block(k, w, h) => {
                    boxes.push(BoundaryBox {
                        key: (*k).clone(),
                        name: names.get(*k).copied().unwrap_or(k.as_str()).to_owned(),
                        rect: Rect { x: ox + x, y: oy + y, w: *w, h: *h },
                        depth,
                    });
                    stack.push((&laid[k], ox + x, oy + y, depth + 1));
                }
            }
        }
    }
    boxes.sort_by(|a, b| a.depth.cmp(&b.depth).then(a.key.cmp(&b.key)));
    let nodes = elements.iter().filter_map(|e| rects.get(e.key()).map(|r| node_for(*e, r.clone(), marks))).collect();
    let edges = edges_between(model, &rects);
    Diagram { width: 0.0, height: 0.0, boundaries: boxes, nodes, edges, auto_layout: true, overview: false }
}

/// Flows touching a data store, or a flow's threats on its own key: a flow's marks are
/// on the flow, not drawn; the element marks count the element's own threats.
fn node_for(e: crate::model::ElementRef<'_>, rect: Rect, marks: &HashMap<&Key, (usize, RiskLevel)>) -> Node {
    let m = marks.get(e.key());
    Node {
        key: e.key().clone(),
        name: e.name().to_owned(),
        shape: shape(e.kind()),
        rect,
        threats: m.map_or(0, |m| m.0),
        worst: m.map(|m| m.1),
    }
}

fn edges_between(model: &Model, rects: &HashMap<&Key, Rect>) -> Vec<Edge> {
    let mut out = Vec::new();
    // Parallel flows between the same two nodes are fanned out so their labels differ.
    let mut seen: HashMap<(Key, Key), usize> = HashMap::new();
    for f in &model.flows {
        let (Some(a), Some(b)) = (rects.get(&f.from), rects.get(&f.to)) else { continue };
        let pair = if f.from <= f.to { (f.from.clone(), f.to.clone()) } else { (f.to.clone(), f.from.clone()) };
        let n = seen.entry(pair).or_insert(0);
        let offset = *n as f64 * 12.0;
        *n += 1;
        let (ac, bc) = (a.center(), b.center());
        let (ac, bc) = ((ac.0, ac.1 + offset), (bc.0, bc.1 + offset));
        let start = a.border_towards(bc);
        let end = b.border_towards(ac);
        let start = (start.0, start.1.clamp(a.y, a.y + a.h));
        let end = (end.0, end.1.clamp(b.y, b.y + b.h));
        out.push(Edge {
            key: f.key.clone(),
            label: f.name.clone().unwrap_or_else(|| f.key.as_str().to_owned()),
            label_at: ((start.0 + end.0) / 2.0, (start.1 + end.1) / 2.0),
            points: vec![start, end],
            bidirectional: f.bidirectional,
        });
    }
    out
}

/// Uses the positions and sizes saved in the model; boundaries without a saved rectangle
/// are drawn around their members.
fn positioned(model: &Model, marks: &HashMap<&Key, (usize, RiskLevel)>) -> Diagram {
    let mut rects: HashMap<&Key, Rect> = HashMap::new();
    let mut nodes = Vec::new();
    for e in model.elements() {
        let p = e.position().expect("checked by the caller");
        let s = e.size();
        let rect = Rect { x: p.x, y: p.y, w: s.map_or(NODE_W, |s| s.width), h: s.map_or(NODE_H, |s| s.height) };
        rects.insert(e.key(), rect.clone());
        nodes.push(node_for(e, rect, marks));
    }
    let boundaries = boundary_boxes(model, &rects);
    let edges = edges_between(model, &rects);
    Diagram { width: 0.0, height: 0.0, boundaries, nodes, edges, auto_layout: false, overview: false }
}

/// Boundaries' rectangles: saved ones, else the hull of their members (nested boundaries
/// included) with padding growing with the nesting left inside.
fn boundary_boxes(model: &Model, rects: &HashMap<&Key, Rect>) -> Vec<BoundaryBox> {
    let tree = BoundaryTree::new(model);
    let mut out: BTreeMap<Key, BoundaryBox> = BTreeMap::new();
    fn hull(
        key: &Key,
        model: &Model,
        tree: &BoundaryTree,
        rects: &HashMap<&Key, Rect>,
        depth: usize,
        out: &mut BTreeMap<Key, BoundaryBox>,
    ) -> Option<Rect> {
        let b = model.boundaries.iter().find(|b| &b.key == key)?;
        let mut parts: Vec<Rect> = b.members.iter().filter_map(|m| rects.get(m).cloned()).collect();
        for c in tree.children_of(key) {
            if let Some(r) = hull(c, model, tree, rects, depth + 1, out) {
                parts.push(r);
            }
        }
        let rect = match (b.position, b.size) {
            (Some(p), Some(s)) => Some(Rect { x: p.x, y: p.y, w: s.width, h: s.height }),
            _ if parts.is_empty() => None,
            _ => {
                let pad = 16.0;
                let x0 = parts.iter().map(|r| r.x).fold(f64::INFINITY, f64::min) - pad;
                let y0 = parts.iter().map(|r| r.y).fold(f64::INFINITY, f64::min) - pad - 12.0;
                let x1 = parts.iter().map(|r| r.x + r.w).fold(f64::NEG_INFINITY, f64::max) + pad;
                let y1 = parts.iter().map(|r| r.y + r.h).fold(f64::NEG_INFINITY, f64::max) + pad;
                Some(Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 })
            }
        }?;
        out.insert(
            key.clone(),
            BoundaryBox { key: key.clone(), name: b.display_name().to_owned(), rect: rect.clone(), depth },
        );
        Some(rect)
    }
    for r in tree.roots() {
        hull(r, model, &tree, rects, 0, &mut out);
    }
    let mut v: Vec<BoundaryBox> = out.into_values().collect();
    v.sort_by(|a, b| a.depth.cmp(&b.depth).then(a.key.cmp(&b.key)));
    v
}

/// Lays the model out with dagre: elements as nodes, boundaries as compound parents.
fn automatic(model: &Model, marks: &HashMap<&Key, (usize, RiskLevel)>) -> Diagram {
    use dagre::graph::{Graph, GraphOptions};
    use dagre::{EdgeLabel, LayoutOptions, NodeLabel, RankDir};
    let tree = BoundaryTree::new(model);
    let mut g: Graph<NodeLabel, EdgeLabel> =
        Graph::with_options(GraphOptions { directed: true, multigraph: true, compound: true });
    let mut elements: Vec<_> = model.elements().collect();
    elements.sort_by(|a, b| a.key().cmp(b.key()));
    // Boundaries first (compound nodes have no size of their own), then elements.
    let bid = |k: &Key| format!("b:{k}");
    let eid = |k: &Key| format!("e:{k}");
    let mut boundaries: Vec<_> = model.boundaries.iter().collect();
    boundaries.sort_by(|a, b| a.key.cmp(&b.key));
    for b in &boundaries {
        let label = NodeLabel { padding: 14.0, ..NodeLabel::default() };
        g.set_node(bid(&b.key), Some(label));
    }
    for b in &boundaries {
        if let Some(p) = tree.parent_of(&b.key) {
            g.set_parent(&bid(&b.key), Some(&bid(p)));
        }
    }
    for e in &elements {
        let label = NodeLabel { width: NODE_W, height: NODE_H, ..NodeLabel::default() };
        g.set_node(eid(e.key()), Some(label));
        if let Some(b) = tree.boundary_of(e.key()) {
            g.set_parent(&eid(e.key()), Some(&bid(b)));
        }
    }
    let keys: std::collections::HashSet<&Key> = elements.iter().map(|e| e.key()).collect();
    for f in &model.flows {
        if !keys.contains(&f.from) || !keys.contains(&f.to) || f.from == f.to {
            continue;
        }
        // Room for the flow's label between the ranks (a request and its response between
        // the same two elements would otherwise be drawn with their labels over the nodes).
        let text = f.name.as_deref().unwrap_or(f.key.as_str());
        let label =
            EdgeLabel { width: (text.chars().count() as f64 * 6.0).min(200.0), height: 18.0, ..EdgeLabel::default() };
        g.set_edge(eid(&f.from), eid(&f.to), Some(label), Some(f.key.as_str()));
    }
    let opts =
        LayoutOptions { rankdir: RankDir::LR, nodesep: 28.0, ranksep: 70.0, edgesep: 12.0, ..Default::default() };
    dagre::layout(&mut g, Some(opts));

    let mut rects: HashMap<&Key, Rect> = HashMap::new();
    let mut nodes = Vec::new();
    for e in &elements {
        let n = g.node(&eid(e.key())).expect("laid out");
        let (x, y) = (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0));
        let rect = Rect { x: x - n.width / 2.0, y: y - n.height / 2.0, w: n.width, h: n.height };
        rects.insert(e.key(), rect.clone());
        nodes.push(node_for(*e, rect, marks));
    }
    let mut boxes = Vec::new();
    for b in &boundaries {
        let Some(n) = g.node(&bid(&b.key)) else { continue };
        let (Some(x), Some(y)) = (n.x, n.y) else { continue };
        if n.width <= 0.0 {
            continue;
        }
        let depth = std::iter::successors(tree.parent_of(&b.key), |k| tree.parent_of(k)).count();
        boxes.push(BoundaryBox {
            key: b.key.clone(),
            name: b.display_name().to_owned(),
            rect: Rect { x: x - n.width / 2.0, y: y - n.height / 2.0 - 6.0, w: n.width, h: n.height + 6.0 },
            depth,
        });
    }
    boxes.sort_by(|a, b| a.depth.cmp(&b.depth).then(a.key.cmp(&b.key)));
    let mut edges = Vec::new();
    for f in &model.flows {
        let (Some(a), Some(b)) = (rects.get(&f.from), rects.get(&f.to)) else { continue };
        let routed = g.edge(&eid(&f.from), &eid(&f.to), Some(f.key.as_str())).map(|l| l.points.clone());
        let mut points: Vec<(f64, f64)> = routed.unwrap_or_default().iter().map(|p| (p.x, p.y)).collect();
        if points.len() < 2 {
            points = vec![a.border_towards(b.center()), b.border_towards(a.center())];
        }
        let mid = points[points.len() / 2];
        let label_at = if points.len().is_multiple_of(2) {
            let p = points[points.len() / 2 - 1];
            ((p.0 + mid.0) / 2.0, (p.1 + mid.1) / 2.0)
        } else {
            mid
        };
        edges.push(Edge {
            key: f.key.clone(),
            label: f.name.clone().unwrap_or_else(|| f.key.as_str().to_owned()),
            points,
            bidirectional: f.bidirectional,
            label_at,
        });
    }
    Diagram { width: 0.0, height: 0.0, boundaries: boxes, nodes, edges, auto_layout: true, overview: false }
}

/// One box per top-level boundary (and one for elements outside every boundary), flows
/// between them counted.
fn overview(model: &Model, marks: &HashMap<&Key, (usize, RiskLevel)>) -> Diagram {
    use dagre::graph::{Graph, GraphOptions};
    use dagre::{EdgeLabel, LayoutOptions, NodeLabel, RankDir};
    let tree = BoundaryTree::new(model);
    let outside = Key::from("(outside)");
    let top = |k: &Key| -> Key {
        match tree.boundary_of(k) {
            Some(mut b) => {
                while let Some(p) = tree.parent_of(b) {
                    b = p;
                }
                b.clone()
            }
            None => outside.clone(),
        }
    };
    // Too many top-level boundaries to draw one box each: group them by kind and trust.
    let tops: std::collections::BTreeSet<Key> = model.elements().map(|e| top(e.key())).collect();
    let by_kind = tops.len() > OVERVIEW_LIMIT;
    let boundary = |k: &Key| model.boundaries.iter().find(|b| &b.key == k);
    let kind_key = |k: &Key| -> Key {
        match boundary(k) {
            Some(b) => Key::from(
                format!(
                    "{}-{}",
                    b.kind.map_or("boundary".to_owned(), |x| x.to_string()),
                    b.trust.map_or("unstated".to_owned(), |x| x.to_string())
                )
                .as_str(),
            ),
            None => outside.clone(),
        }
    };
    let mut labels: BTreeMap<Key, (String, usize)> = BTreeMap::new();
    let names = super::content::names(model);
    for t in &tops {
        let (group, label) = if by_kind {
            let b = boundary(t);
            let label = match b {
                Some(b) => format!(
                    "{} zones, trust {}",
                    b.kind.map_or("other".to_owned(), |x| x.to_string()),
                    b.trust.map_or("unstated".to_owned(), |x| x.to_string())
                ),
                None => "Outside any boundary".to_owned(),
            };
            (kind_key(t), label)
        } else if *t == outside {
            (outside.clone(), "Outside any boundary".to_owned())
        } else {
            (t.clone(), names.get(t).cloned().unwrap_or_else(|| t.as_str().to_owned()))
        };
        let e = labels.entry(group).or_insert((label, 0));
        e.1 += 1;
    }
    let group_key = |k: &Key| if by_kind { kind_key(&top(k)) } else { top(k) };
    let mut groups: BTreeMap<Key, (usize, usize, Option<RiskLevel>)> = BTreeMap::new();
    let mut group_of: HashMap<&Key, Key> = HashMap::new();
    for e in model.elements() {
        let g = group_key(e.key());
        let m = marks.get(e.key());
        let entry = groups.entry(g.clone()).or_insert((0, 0, None));
        entry.0 += 1;
        entry.1 += m.map_or(0, |m| m.0);
        entry.2 = entry.2.max(m.map(|m| m.1));
        group_of.insert(e.key(), g);
    }
    let mut flows: BTreeMap<(Key, Key), usize> = BTreeMap::new();
    for f in &model.flows {
        let (Some(a), Some(b)) = (group_of.get(&f.from), group_of.get(&f.to)) else { continue };
        if a != b {
            *flows.entry((a.clone(), b.clone())).or_insert(0) += 1;
        }
    }
    let mut g: Graph<NodeLabel, EdgeLabel> =
        Graph::with_options(GraphOptions { directed: true, multigraph: false, compound: false });
    for k in groups.keys() {
        g.set_node(k.as_str().to_owned(), Some(NodeLabel { width: 170.0, height: 56.0, ..NodeLabel::default() }));
    }
    for (a, b) in flows.keys() {
        g.set_edge(a.as_str(), b.as_str(), Some(EdgeLabel::default()), None);
    }
    // Very wide overviews are laid out without dagre: a grid keeps them readable and fast.
    let grid = groups.len() > 150;
    if !grid {
        dagre::layout(
            &mut g,
            Some(LayoutOptions { rankdir: RankDir::LR, nodesep: 24.0, ranksep: 60.0, ..Default::default() }),
        );
    }
    let cols = (groups.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut rects: HashMap<Key, Rect> = HashMap::new();
    let mut nodes = Vec::new();
    for (i, (k, (count, threats, worst))) in groups.iter().enumerate() {
        let rect = if grid {
            Rect { x: (i % cols) as f64 * 200.0, y: (i / cols) as f64 * 90.0, w: 170.0, h: 56.0 }
        } else {
            let n = g.node(k.as_str()).expect("laid out");
            Rect { x: n.x.unwrap_or(0.0) - 85.0, y: n.y.unwrap_or(0.0) - 28.0, w: 170.0, h: 56.0 }
        };
        let name = match labels.get(k) {
            Some((label, zones)) if by_kind && *zones > 1 => format!("{zones} {label}"),
            Some((label, _)) => label.clone(),
            None => k.as_str().to_owned(),
        };
        rects.insert(k.clone(), rect.clone());
        nodes.push(Node {
            key: k.clone(),
            name: format!("{name} ({count} elements)"),
            shape: Shape::Group,
            rect,
            threats: *threats,
            worst: *worst,
        });
    }
    let mut edges = Vec::new();
    for ((a, b), n) in &flows {
        let (ra, rb) = (&rects[a], &rects[b]);
        let routed = if grid { None } else { g.edge(a.as_str(), b.as_str(), None).map(|l| l.points.clone()) };
        let mut points: Vec<(f64, f64)> = routed.unwrap_or_default().iter().map(|p| (p.x, p.y)).collect();
        if points.len() < 2 {
            points = vec![ra.border_towards(rb.center()), rb.border_towards(ra.center())];
        }
        let mid = points[points.len() / 2];
        edges.push(Edge {
            key: Key::from(format!("{a}->{b}").as_str()),
            label: if *n == 1 { "1 flow".into() } else { format!("{n} flows") },
            points,
            bidirectional: false,
            label_at: mid,
        });
    }
    Diagram { width: 0.0, height: 0.0, boundaries: Vec::new(), nodes, edges, auto_layout: true, overview: true }
}

/// Moves the drawing to start at (margin, margin) and computes its size.
fn normalise(mut d: Diagram) -> Diagram {
    let margin = 10.0;
    let mut x0 = f64::INFINITY;
    let mut y0 = f64::INFINITY;
    let mut x1 = f64::NEG_INFINITY;
    let mut y1 = f64::NEG_INFINITY;
    let mut grow = |x: f64, y: f64| {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    };
    for r in d.nodes.iter().map(|n| &n.rect).chain(d.boundaries.iter().map(|b| &b.rect)) {
        grow(r.x, r.y);
        grow(r.x + r.w, r.y + r.h);
    }
    for e in &d.edges {
        for p in &e.points {
            grow(p.0, p.1);
        }
    }
    if !x0.is_finite() {
        d.width = 2.0 * margin;
        d.height = 2.0 * margin;
        return d;
    }
    let (dx, dy) = (margin - x0, margin - y0);
    let shift = |r: &mut Rect| {
        r.x += dx;
        r.y += dy;
    };
    d.nodes.iter_mut().for_each(|n| shift(&mut n.rect));
    d.boundaries.iter_mut().for_each(|b| shift(&mut b.rect));
    for e in &mut d.edges {
        e.points.iter_mut().for_each(|p| {
            p.0 += dx;
            p.1 += dy;
        });
        e.label_at = (e.label_at.0 + dx, e.label_at.1 + dy);
    }
    d.width = x1 - x0 + 2.0 * margin;
    d.height = y1 - y0 + 2.0 * margin;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Model {
        let path = format!("{}/models/examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        crate::io::yaml::load_file(std::path::Path::new(&path), &Default::default()).unwrap().model.unwrap()
    }

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn automatic_layout_has_no_overlapping_elements_and_boundaries_hold_their_members() {
        for name in ["payments-api", "public-api-platform", "communications-platform"] {
            let mut m = example(name);
            for e in &mut m.processes {
                e.position = None;
            }
            let d = diagram(&m, &[]);
            assert!(d.auto_layout, "{name}");
            assert_eq!(d.nodes.len(), m.elements().count());
            for (i, a) in d.nodes.iter().enumerate() {
                for b in &d.nodes[i + 1..] {
                    assert!(!overlaps(&a.rect, &b.rect), "{name}: {} overlaps {}", a.key, b.key);
                }
            }
            let tree = BoundaryTree::new(&m);
            for n in &d.nodes {
                if let Some(b) = tree.boundary_of(&n.key) {
                    let bb = d.boundaries.iter().find(|x| &x.key == b).expect("boundary drawn");
                    let (r, o) = (&n.rect, &bb.rect);
                    assert!(
                        r.x >= o.x && r.y >= o.y && r.x + r.w <= o.x + o.w && r.y + r.h <= o.y + o.h,
                        "{name}: {} outside {}",
                        n.key,
                        b
                    );
                }
            }
            assert!(d.width > 0.0 && d.height > 0.0);
        }
    }

    #[test]
    fn saved_positions_are_used_and_large_models_become_an_overview() {
        let m = example("payments-api");
        let d = diagram(&m, &[]);
        assert!(!d.auto_layout);
        let big = crate::synth::api_platform(1000, 1);
        let d = diagram(&big, &[]);
        assert!(d.overview);
        assert!(d.nodes.len() <= OVERVIEW_LIMIT, "{}", d.nodes.len());
    }

    #[test]
    fn large_models_are_packed_on_the_canvas_without_overlaps_and_boundaries_hold_their_members() {
        let m = crate::synth::api_platform(1000, 1);
        let d = canvas(&m, &[]);
        assert!(d.auto_layout && !d.overview);
        assert_eq!(d.nodes.len(), m.elements().count());
        let mut sorted: Vec<&Rect> = d.nodes.iter().map(|n| &n.rect).collect();
        sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
        for (i, a) in sorted.iter().enumerate() {
            for b in sorted[i + 1..].iter().take_while(|b| b.x < a.x + a.w) {
                assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
            }
        }
        let tree = BoundaryTree::new(&m);
        for n in &d.nodes {
            for b in tree.enclosing(&n.key) {
                let bb = d.boundaries.iter().find(|x| &x.key == b).expect("boundary drawn");
                assert!(n.rect.x >= bb.rect.x && n.rect.x + n.rect.w <= bb.rect.x + bb.rect.w, "{} outside {b}", n.key);
                assert!(n.rect.y >= bb.rect.y && n.rect.y + n.rect.h <= bb.rect.y + bb.rect.h, "{} outside {b}", n.key);
            }
        }
    }
}
