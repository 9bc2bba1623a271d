//! OWASP Threat Dragon v2 JSON: import into our model, and export of a model for Threat
//! Dragon.
//!
//! Import: `actor`, `process` and `store` cells become external entities, processes and
//! data stores; `flow` cells become flows between them; `trust-boundary-box` cells become
//! boundaries whose members are the elements whose centre lies inside the box (the
//! smallest box wins, and a box inside another gets it as `parent`). Boundary lines
//! (`trust-boundary-curve`), text blocks and unknown shapes have no equivalent and are
//! reported. The threats on each cell become register records on that item, and their
//! mitigation texts become mitigations. Several diagrams are merged into one model,
//! placed side by side. Every choice that is not a plain copy is a note in the report;
//! type errors are collected, each with its JSON path, and refuse the file.
//!
//! Export: the model as one STRIDE diagram laid out like the editor's canvas (saved
//! positions, else the automatic layout), with the register's threats on the cells of
//! their targets.
//!
//! The format is described in `docs/import-formats.md`, section 3.

use super::{
    Imported, Keys, MAX_INPUT_BYTES, NoteKind, Report, blank, blank_flow, rank_of, stride_of, threat_id, threat_record,
};
use crate::model::props::{BoundaryKind, DataCategory, Encryption, ProcessKind, Protocol, StoreKind};
use crate::model::{
    Boundary, DataStore, ElementRef, ExternalEntity, Flow, Item, Key, Mitigation, MitigationStatus, Model, Position,
    Process, Response, ReviewScope, RiskLevel, Size, Stride, ThreatRecord, ThreatStatus,
};
use crate::report::diagram::{Rect, canvas};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// The report's name for this format, and the namespace of imported threat ids.
const FORMAT: &str = "threat-dragon";
/// The Threat Dragon version an export declares.
const TD_VERSION: &str = "2.2.0";
/// What Threat Dragon writes as the thumbnail of a STRIDE diagram.
const THUMBNAIL: &str = "./public/content/images/thumbnail.stride.jpg";
/// Horizontal gap between merged diagrams, in diagram units.
const DIAGRAM_GAP: f64 = 200.0;
/// Type errors listed in one error message; the rest are counted.
const MAX_ERRORS: usize = 30;
/// Bend points of a line read for geometry (crossings); more are ignored.
const MAX_VERTICES: usize = 200;
/// Longest mitigation title made from a mitigation text, in characters.
const TITLE_CHARS: usize = 80;
/// The reason recorded for a threat marked not applicable without one.
const NA_REASON: &str = "marked not applicable in Threat Dragon";

/// Tags that carry Threat Dragon flags without a property here (and back on export).
const TAG_OUT_OF_SCOPE: &str = "out-of-scope";
const TAG_PUBLIC_NETWORK: &str = "public-network";
const TAG_PROVIDES_AUTHENTICATION: &str = "provides-authentication";
const TAG_CARD_PAYMENT: &str = "handles-card-payment";
const TAG_GOODS: &str = "handles-goods-or-services";
const TAG_SIGNED: &str = "signed";
const TAG_CREDENTIALS: &str = "stores-credentials";
const TAG_INVENTORY: &str = "stores-inventory";

/// Stands in for a missing `data` object.
static NULL: Value = Value::Null;

// ---------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------

/// Reads a Threat Dragon v2 model (`source` names the file in messages). Refuses v1
/// models, JSON that is not a Threat Dragon model, and models with values of the wrong
/// type (all such problems are listed, each with its JSON path).
pub fn import(bytes: &[u8], source: &str) -> Result<Imported, String> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{source}: {} MB is larger than the {} MB an import reads",
            bytes.len() / (1024 * 1024),
            MAX_INPUT_BYTES / (1024 * 1024)
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // serde_json refuses nesting deeper than 128 levels, so hostile depth is an error.
    let root: Value = serde_json::from_slice(bytes).map_err(|e| format!("{source}: not valid JSON: {e}"))?;
    let diagrams = diagrams_of(&root, source)?;
    let mut importer = Importer::new(source);
    importer.system(&root, diagrams);
    for (i, d) in diagrams.iter().enumerate() {
        importer.diagram(i, d);
    }
    importer.finish()
}

/// Checks that `root` is a Threat Dragon v2 model and returns its diagrams.
fn diagrams_of<'v>(root: &'v Value, source: &str) -> Result<&'v [Value], String> {
    let Value::Object(top) = root else {
        return Err(format!(
            "{source}: not an OWASP Threat Dragon model: the top level is {}, not an object",
            kind_of(root)
        ));
    };
    if !top.contains_key("summary") && !top.contains_key("detail") {
        return Err(format!("{source}: not an OWASP Threat Dragon model: it has neither `summary` nor `detail`"));
    }
    let version = match top.get("version") {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) => Some(v.trim()),
        Some(other) => return Err(format!("{source}: version: expected a string, found {}", kind_of(other))),
    };
    if let Some(v) = version
        && v.starts_with('1')
    {
        return Err(v1_message(source, &format!("version {v}")));
    }
    let detail = match top.get("detail") {
        Some(d @ Value::Object(_)) => d,
        None | Some(Value::Null) => {
            return Err(format!("{source}: detail: missing; a Threat Dragon model keeps its diagrams there"));
        }
        Some(other) => return Err(format!("{source}: detail: expected an object, found {}", kind_of(other))),
    };
    let diagrams = match detail.get("diagrams") {
        Some(Value::Array(d)) => d.as_slice(),
        None | Some(Value::Null) => return Err(format!("{source}: detail.diagrams: missing")),
        Some(other) => {
            return Err(format!("{source}: detail.diagrams: expected a list, found {}", kind_of(other)));
        }
    };
    if diagrams.iter().any(|d| d.get("cells").is_none() && d.get("diagramJson").is_some()) {
        let why = if version.is_none() {
            "no `version`, and its diagrams hold `diagramJson.cells` instead of `cells`"
        } else {
            "its diagrams hold `diagramJson.cells` instead of `cells`"
        };
        return Err(v1_message(source, why));
    }
    Ok(diagrams)
}

/// The message refusing a Threat Dragon v1 model.
fn v1_message(source: &str, why: &str) -> String {
    format!(
        "{source}: a Threat Dragon v1 model ({why}); Threatwright reads v2 models only: open it in \
         Threat Dragon 2.x, save it, and import the saved file"
    )
}

/// Type errors found while reading, each with its JSON path.
struct Errors {
    source: String,
    list: Vec<String>,
    /// All problems found (only the first `MAX_ERRORS` are kept).
    count: usize,
}

impl Errors {
    fn push(&mut self, path: &str, message: impl std::fmt::Display) {
        self.count += 1;
        if self.list.len() < MAX_ERRORS {
            self.list.push(format!("{}: {path}: {message}", self.source));
        }
    }

    /// Records that the value at `path` is not what was expected.
    fn wrong(&mut self, path: &str, expected: &str, found: &Value) {
        self.push(path, format!("expected {expected}, found {}", kind_of(found)));
    }

    /// The error message listing every problem.
    fn message(&self) -> String {
        let mut text = self.list.join("\n");
        if self.count > self.list.len() {
            text.push_str(&format!("\n{}: … and {} more problems", self.source, self.count - self.list.len()));
        }
        text
    }

    /// A string field: `None` when absent or null, a type error when something else.
    fn text(&mut self, obj: &Value, name: &str, path: &str) -> Option<String> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.wrong(&join(path, name), "a string", other);
                None
            }
        }
    }

    /// A boolean field: `None` when absent or null, a type error when something else.
    fn flag(&mut self, obj: &Value, name: &str, path: &str) -> Option<bool> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.wrong(&join(path, name), "true or false", other);
                None
            }
        }
    }

    /// A number field: `None` when absent or null, a type error when something else.
    fn number(&mut self, obj: &Value, name: &str, path: &str) -> Option<f64> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64().filter(|x| x.is_finite()),
            Some(other) => {
                self.wrong(&join(path, name), "a number", other);
                None
            }
        }
    }

    /// A list field: `None` when absent or null, a type error when something else.
    fn list<'v>(&mut self, obj: &'v Value, name: &str, path: &str) -> Option<&'v [Value]> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(items.as_slice()),
            Some(other) => {
                self.wrong(&join(path, name), "a list", other);
                None
            }
        }
    }

    /// An object field: `None` when absent or null, a type error when something else.
    fn object<'v>(&mut self, obj: &'v Value, name: &str, path: &str) -> Option<&'v Value> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(v),
            Some(other) => {
                self.wrong(&join(path, name), "an object", other);
                None
            }
        }
    }

    /// A point `{x, y}` at `path`.
    fn xy(&mut self, v: &Value, path: &str) -> Option<(f64, f64)> {
        if !v.is_object() {
            self.wrong(path, "an object with x and y", v);
            return None;
        }
        let x = self.number(v, "x", path);
        let y = self.number(v, "y", path);
        Some((x?, y?))
    }

    /// A cell's `position`.
    fn position(&mut self, cell: &Value, path: &str) -> Option<Position> {
        let p = self.object(cell, "position", path)?;
        let (x, y) = self.xy(p, &join(path, "position"))?;
        Some(Position { x, y })
    }

    /// A cell's `size`.
    fn size(&mut self, cell: &Value, path: &str) -> Option<Size> {
        let s = self.object(cell, "size", path)?;
        let at = join(path, "size");
        let width = self.number(s, "width", &at);
        let height = self.number(s, "height", &at);
        Some(Size { width: width?, height: height? })
    }

    /// One end of an edge: a cell it is attached to, or a loose point.
    fn end(&mut self, cell: &Value, name: &str, path: &str) -> End {
        let at = join(path, name);
        match cell.get(name) {
            None | Some(Value::Null) => End::Nothing,
            Some(v @ Value::Object(_)) => match v.get("cell") {
                Some(c) => match id_text(c) {
                    Some(id) => End::Cell(id),
                    None => {
                        self.wrong(&join(&at, "cell"), "a cell id", c);
                        End::Nothing
                    }
                },
                None => self.xy(v, &at).map_or(End::Nothing, |(x, y)| End::Point(x, y)),
            },
            Some(other) => {
                self.wrong(&at, "an object", other);
                End::Nothing
            }
        }
    }

    /// An edge's bend points (at most `MAX_VERTICES`).
    fn vertices(&mut self, cell: &Value, path: &str) -> Vec<(f64, f64)> {
        let Some(list) = self.list(cell, "vertices", path) else { return Vec::new() };
        let at = join(path, "vertices");
        list.iter().take(MAX_VERTICES).enumerate().filter_map(|(i, v)| self.xy(v, &format!("{at}[{i}]"))).collect()
    }
}

/// `path.name`, or `name` at the top level.
fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

/// What kind of JSON value this is, for messages.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// An id written as a string or a number.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The text trimmed, or `None` when there is none.
fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// What a cell is, from its `shape` (or, without one, its `data.type`).
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Actor,
    Process,
    Store,
    Flow,
    BoundaryBox,
    BoundaryCurve,
    Text,
    /// Anything else, with the shape (or type) written.
    Other(String),
}

impl Shape {
    fn of(shape: Option<&str>, data_type: Option<&str>) -> Shape {
        match (shape, data_type) {
            (Some("actor"), _) | (None, Some("tm.Actor")) => Shape::Actor,
            (Some("process"), _) | (None, Some("tm.Process")) => Shape::Process,
            (Some("store"), _) | (None, Some("tm.Store")) => Shape::Store,
            (Some("flow"), _) | (None, Some("tm.Flow")) => Shape::Flow,
            (Some("trust-boundary-box"), _) | (None, Some("tm.BoundaryBox")) => Shape::BoundaryBox,
            // Older models contain the misspelt shape name; Threat Dragon registers both.
            (Some("trust-boundary-curve" | "trust-broundary-curve"), _) | (None, Some("tm.Boundary")) => {
                Shape::BoundaryCurve
            }
            (Some("td-text-block"), _) | (None, Some("tm.Text")) => Shape::Text,
            (Some(s), _) | (None, Some(s)) => Shape::Other(s.to_owned()),
            (None, None) => Shape::Other(String::new()),
        }
    }
}

/// Where an edge (a flow or a boundary line) starts or ends.
#[derive(Clone, Debug, PartialEq)]
enum End {
    /// Attached to the cell with this id.
    Cell(String),
    /// A loose point on the canvas.
    Point(f64, f64),
    /// Not stated.
    Nothing,
}

impl End {
    /// The key of the element this end is attached to.
    fn element(&self, elements: &HashMap<&str, Key>) -> Option<Key> {
        match self {
            End::Cell(id) => elements.get(id.as_str()).cloned(),
            _ => None,
        }
    }

    /// Where on the canvas the end is: the attached element's centre, or the point.
    fn point(&self, centres: &HashMap<&str, (f64, f64)>) -> Option<(f64, f64)> {
        match self {
            End::Cell(id) => centres.get(id.as_str()).copied(),
            End::Point(x, y) => Some((*x, *y)),
            End::Nothing => None,
        }
    }

    /// The end in words, for messages.
    fn describe(&self, elements: &HashMap<&str, Key>) -> String {
        match self {
            End::Cell(id) => match elements.get(id.as_str()) {
                Some(k) => format!("`{k}`"),
                None => format!("cell {id}, which is not an element"),
            },
            End::Point(..) => "a loose point".to_owned(),
            End::Nothing => "nothing".to_owned(),
        }
    }
}

/// A rectangle on the canvas, in diagram units (y downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Area {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Area {
    fn of(r: &Rect) -> Area {
        Area { x: r.x, y: r.y, w: r.w, h: r.h }
    }

    fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    fn surface(self) -> f64 {
        self.w * self.h
    }

    fn holds_point(self, (px, py): (f64, f64)) -> bool {
        px >= self.x && px <= self.x + self.w && py >= self.y && py <= self.y + self.h
    }

    fn holds(self, o: Area) -> bool {
        o.x >= self.x && o.y >= self.y && o.x + o.w <= self.x + self.w && o.y + o.h <= self.y + self.h
    }
}

/// A size that can be drawn: finite and positive.
fn drawable(size: Option<Size>) -> Option<Size> {
    size.filter(|s| s.width.is_finite() && s.height.is_finite() && s.width > 0.0 && s.height > 0.0)
}

/// One cell of a diagram, read and checked.
#[derive(Clone, Debug)]
struct Cell<'v> {
    /// JSON path, for messages.
    path: String,
    /// The cell's id (its path when it has none).
    id: String,
    shape: Shape,
    /// `data`, or null when missing.
    data: &'v Value,
    position: Option<Position>,
    size: Option<Size>,
    source: End,
    target: End,
    vertices: Vec<(f64, f64)>,
    /// `data.threats` (empty when missing or not a list).
    threats: &'v [Value],
    /// A text drawn on the cell, used when `data.name` is empty.
    label: Option<String>,
}

impl Cell<'_> {
    fn data_path(&self) -> String {
        format!("{}.data", self.path)
    }

    /// The cell's rectangle (a point when it has a position but no usable size).
    fn area(&self) -> Option<Area> {
        let p = self.position?;
        let s = drawable(self.size);
        Some(Area { x: p.x, y: p.y, w: s.map_or(0.0, |s| s.width), h: s.map_or(0.0, |s| s.height) })
    }

    /// The cell's rectangle when it has both a position and a drawable size.
    fn full_area(&self) -> Option<Area> {
        drawable(self.size).and(self.area())
    }

    /// The edge as a polyline: start, bend points, end.
    fn line(&self, centres: &HashMap<&str, (f64, f64)>) -> Option<Vec<(f64, f64)>> {
        let start = self.source.point(centres)?;
        let end = self.target.point(centres)?;
        let mut points = Vec::with_capacity(self.vertices.len() + 2);
        points.push(start);
        points.extend(self.vertices.iter().copied());
        points.push(end);
        Some(points)
    }

    /// Moves the cell `dx` to the right.
    fn shift(&mut self, dx: f64) {
        if let Some(p) = &mut self.position {
            p.x += dx;
        }
        for end in [&mut self.source, &mut self.target] {
            if let End::Point(x, _) = end {
                *x += dx;
            }
        }
        for v in &mut self.vertices {
            v.0 += dx;
        }
    }

    /// The threats on the cell in words, for a note saying they were not taken over.
    fn lost_threats(&self) -> String {
        if self.threats.is_empty() {
            return String::new();
        }
        let titles: Vec<String> = self
            .threats
            .iter()
            .take(5)
            .map(|t| t.get("title").and_then(Value::as_str).unwrap_or("untitled").to_owned())
            .collect();
        let more = if self.threats.len() > 5 { ", …" } else { "" };
        format!("; its {} threat(s) were not taken over either ({}{more})", self.threats.len(), titles.join(", "))
    }
}

/// A text drawn on a cell (its label or header), for cells without `data.name`.
fn label_of(cell: &Value) -> Option<String> {
    [
        "/attrs/text/text",
        "/attrs/headerText/text",
        "/attrs/label/text",
        "/labels/0/attrs/labelText/text",
        "/labels/0/attrs/text/text",
    ]
    .iter()
    .filter_map(|p| cell.pointer(p).and_then(Value::as_str))
    .map(str::trim)
    .find(|s| !s.is_empty())
    .map(str::to_owned)
}

/// Reads one cell, recording type errors; `None` when it is not an object.
fn read_cell<'v>(errors: &mut Errors, v: &'v Value, path: String) -> Option<Cell<'v>> {
    if !v.is_object() {
        errors.wrong(&path, "an object (a cell)", v);
        return None;
    }
    let data_path = join(&path, "data");
    let data = match v.get("data") {
        None | Some(Value::Null) => &NULL,
        Some(d @ Value::Object(_)) => d,
        Some(other) => {
            errors.wrong(&data_path, "an object", other);
            &NULL
        }
    };
    let shape = errors.text(v, "shape", &path);
    let data_type = errors.text(data, "type", &data_path);
    let shape = Shape::of(shape.as_deref(), data_type.as_deref());
    let id = v.get("id").and_then(id_text).unwrap_or_else(|| path.clone());
    let position = errors.position(v, &path);
    let size = errors.size(v, &path);
    let source = errors.end(v, "source", &path);
    let target = errors.end(v, "target", &path);
    let vertices = errors.vertices(v, &path);
    let threats = errors.list(data, "threats", &data_path).unwrap_or(&[]);
    let label = label_of(v);
    Some(Cell { path, id, shape, data, position, size, source, target, vertices, threats, label })
}

/// A Threat Dragon flag without a property here, kept as a tag.
struct TagFlag {
    field: &'static str,
    tag: &'static str,
    kind: NoteKind,
    advice: &'static str,
}

const ACTOR_FLAGS: &[TagFlag] = &[TagFlag {
    field: "providesAuthentication",
    tag: TAG_PROVIDES_AUTHENTICATION,
    kind: NoteKind::Mapped,
    advice: "; external entities have no such property here (an identity provider of the system is a \
             process of kind identity-provider)",
}];

const PROCESS_FLAGS: &[TagFlag] = &[
    TagFlag {
        field: "handlesCardPayment",
        tag: TAG_CARD_PAYMENT,
        kind: NoteKind::NeedsReview,
        advice: "; add a cardholder data asset to the flows that carry card data, so that the PCI DSS rules apply",
    },
    TagFlag { field: "handlesGoodsOrServices", tag: TAG_GOODS, kind: NoteKind::Mapped, advice: "" },
];

const STORE_FLAGS: &[TagFlag] = &[
    TagFlag {
        field: "isSigned",
        tag: TAG_SIGNED,
        kind: NoteKind::Mapped,
        advice: "; data stores have no property for signed records here (append_only is the closest)",
    },
    TagFlag {
        field: "storesCredentials",
        tag: TAG_CREDENTIALS,
        kind: NoteKind::NeedsReview,
        advice: "; add a credentials data asset to what it stores, so that the rules on credentials apply",
    },
    TagFlag { field: "storesInventory", tag: TAG_INVENTORY, kind: NoteKind::Mapped, advice: "" },
];

const FLOW_FLAGS: &[TagFlag] = &[TagFlag {
    field: "isPublicNetwork",
    tag: TAG_PUBLIC_NETWORK,
    kind: NoteKind::Mapped,
    advice: "; a boundary of kind internet around the elements outside is what the rules read",
}];

/// What a Threat Dragon threat status becomes here.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    status: ThreatStatus,
    response: Response,
    /// Status of the mitigation made from the threat's mitigation text; `None` when no
    /// mitigation is made (no text, or the text is the reason for not applicable).
    mitigation: Option<MitigationStatus>,
    note: Option<(NoteKind, String)>,
}

/// Maps a Threat Dragon status (`Open`, `Mitigated`, `NA`, `NotApplicable`, `Accepted`…,
/// compared case-insensitively) to a status that our lifecycle accepts with what the
/// threat records: mitigated needs a mitigation in place (made from the mitigation
/// text), not applicable a reason; accepted and transferred need facts Threat Dragon
/// does not keep, so they come in as open with a note.
fn decide(status: &str, mitigation: Option<&str>, description: &str) -> Outcome {
    let word: String = status.to_ascii_lowercase().chars().filter(char::is_ascii_alphabetic).collect();
    let shown = status.trim();
    let open = |note: Option<(NoteKind, String)>| Outcome {
        status: ThreatStatus::Open,
        response: Response::default(),
        mitigation: mitigation.map(|_| MitigationStatus::Proposed),
        note,
    };
    match word.as_str() {
        "open" => open(None),
        "mitigated" | "avoided" | "eliminated" if mitigation.is_some() => Outcome {
            status: ThreatStatus::Mitigated,
            response: Response::default(),
            mitigation: Some(MitigationStatus::Implemented),
            note: (word != "mitigated").then(|| {
                (
                    NoteKind::Inferred,
                    format!("marked {shown} in Threat Dragon: recorded as mitigated, its mitigation as implemented"),
                )
            }),
        },
        "mitigated" | "avoided" | "eliminated" => open(Some((
            NoteKind::NeedsReview,
            format!(
                "marked {shown} in Threat Dragon but without a mitigation text: imported as open; link the \
                 mitigation in place, then set it mitigated"
            ),
        ))),
        "na" | "notapplicable" => not_applicable(mitigation, description),
        "accepted" => open(Some((
            NoteKind::NeedsReview,
            "marked Accepted in Threat Dragon, which records no approver, reason or expiry date: imported as \
             open; accept it here with those"
                .to_owned(),
        ))),
        "transferred" => open(Some((
            NoteKind::NeedsReview,
            "marked Transferred in Threat Dragon, which does not record to whom: imported as open; transfer it \
             here naming the party"
                .to_owned(),
        ))),
        "" if shown.is_empty() => {
            open(Some((NoteKind::NeedsReview, "has no status in Threat Dragon: imported as open".to_owned())))
        }
        _ => open(Some((
            NoteKind::NeedsReview,
            format!("has the status \"{shown}\", which Threatwright does not know: imported as open"),
        ))),
    }
}

/// Not applicable, with the reason Threat Dragon keeps in the mitigation text (else the
/// description, else a stock reason and a note).
fn not_applicable(mitigation: Option<&str>, description: &str) -> Outcome {
    let description = description.trim();
    let (reason, note) = match mitigation {
        Some(m) => (m.trim().to_owned(), None),
        None if !description.is_empty() => (
            description.to_owned(),
            Some((
                NoteKind::NeedsReview,
                "marked not applicable in Threat Dragon without a reason: its description was taken as the \
                 reason; check it"
                    .to_owned(),
            )),
        ),
        None => (
            NA_REASON.to_owned(),
            Some((
                NoteKind::NeedsReview,
                "marked not applicable in Threat Dragon without a reason: give one".to_owned(),
            )),
        ),
    };
    Outcome {
        status: ThreatStatus::NotApplicable,
        response: Response { reason: Some(reason), ..Response::default() },
        mitigation: None,
        note,
    }
}

/// How well a threat's category maps onto STRIDE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// A STRIDE category.
    Exact,
    /// Another methodology's category with a close STRIDE one (CIA, LINDDUN).
    Closest,
    /// No STRIDE equivalent: filed as spoofing.
    Unmapped,
}

/// The STRIDE category for a threat's `type`, and how well it fits.
fn category_of(text: &str) -> (Stride, Fit) {
    if let Some(s) = stride_of(text) {
        return (s, Fit::Exact);
    }
    let word: String = text.to_ascii_lowercase().chars().filter(char::is_ascii_alphabetic).collect();
    const PRIVACY: [&str; 8] =
        ["linkab", "linking", "identifiab", "identifying", "detectab", "detecting", "disclosureof", "datadisclosure"];
    let closest = match word.as_str() {
        "confidentiality" => Some(Stride::InformationDisclosure),
        "integrity" => Some(Stride::Tampering),
        "availability" => Some(Stride::DenialOfService),
        "nonrepudiation" => Some(Stride::Repudiation),
        w if PRIVACY.iter().any(|p| w.starts_with(p)) => Some(Stride::InformationDisclosure),
        _ => None,
    };
    match closest {
        Some(s) => (s, Fit::Closest),
        None => (Stride::Spoofing, Fit::Unmapped),
    }
}

/// Our protocol for a protocol text: the first word that names one ("HTTPS", "gRPC",
/// "PostgreSQL (TLS)" → sql, "REST over HTTPS" → https).
fn protocol_of(text: &str) -> Option<Protocol> {
    text.split(|c: char| !c.is_ascii_alphanumeric()).find_map(|w| protocol_word(&w.to_ascii_lowercase()))
}

fn protocol_word(word: &str) -> Option<Protocol> {
    Some(match word {
        "https" => Protocol::Https,
        "http" => Protocol::Http,
        "grpc" | "grpcs" => Protocol::Grpc,
        "graphql" => Protocol::Graphql,
        "websocket" | "websockets" | "ws" | "wss" => Protocol::Websocket,
        "amqp" | "amqps" => Protocol::Amqp,
        "kafka" => Protocol::Kafka,
        "mqtt" | "mqtts" => Protocol::Mqtt,
        "sql" | "jdbc" | "odbc" | "postgres" | "postgresql" | "mysql" | "mariadb" | "mssql" | "tds" => Protocol::Sql,
        "redis" | "rediss" => Protocol::Redis,
        "ldap" | "ldaps" => Protocol::Ldap,
        "smtp" | "smtps" => Protocol::Smtp,
        "sftp" => Protocol::Sftp,
        "ftp" | "ftps" => Protocol::Ftp,
        "ssh" => Protocol::Ssh,
        "sip" => Protocol::Sip,
        "sms" => Protocol::Sms,
        "pstn" => Protocol::Pstn,
        _ => return None,
    })
}

/// A boundary kind suggested by a boundary's name ("Internet", "DMZ", "Cardholder Data
/// Environment"…).
fn boundary_kind(name: &str) -> Option<BoundaryKind> {
    const WORDS: [(BoundaryKind, &[&str]); 8] = [
        (BoundaryKind::Internet, &["internet"]),
        (BoundaryKind::Dmz, &["dmz"]),
        (BoundaryKind::RestrictedZone, &["cde", "cardholder", "pci"]),
        (BoundaryKind::Vendor, &["vendor", "vendors", "third"]),
        (BoundaryKind::Partner, &["partner", "partners"]),
        (BoundaryKind::CloudAccount, &["aws", "azure", "gcp", "cloud"]),
        (BoundaryKind::Device, &["device", "devices", "mobile", "browser"]),
        (BoundaryKind::Internal, &["internal", "intranet", "corporate", "datacenter", "datacentre"]),
    ];
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    WORDS.iter().find(|(_, options)| words.iter().any(|w| options.contains(w))).map(|(kind, _)| *kind)
}

/// A mitigation's title from its text: the first line, cut at about `TITLE_CHARS`
/// characters (at a word when one ends in the second half).
fn title_of(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    if line.chars().count() <= TITLE_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(TITLE_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i >= TITLE_CHARS / 2 => cut.get(..i).unwrap_or(cut.as_str()),
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// The import in progress: the model, its report, and the type errors found.
struct Importer {
    model: Model,
    report: Report,
    keys: Keys,
    errors: Errors,
    source: String,
    /// Threat ids handed out, kept unique when a source repeats an id.
    threat_ids: HashSet<Uuid>,
    /// Rightmost x of the diagrams placed so far (merged diagrams go side by side).
    right: Option<f64>,
    summary_description: Option<String>,
    /// "Diagram title: description" of each diagram that has one.
    descriptions: Vec<String>,
    diagram_titles: Vec<String>,
    /// Flows recorded as TLS 1.2 because Threat Dragon only says "encrypted".
    tls_guesses: usize,
    /// Mitigations recorded as implemented because their threat is mitigated.
    implemented: usize,
}

impl Importer {
    fn new(source: &str) -> Importer {
        Importer {
            model: Model::new(""),
            report: Report::new(FORMAT, source),
            keys: Keys::new(),
            errors: Errors { source: source.to_owned(), list: Vec::new(), count: 0 },
            source: source.to_owned(),
            threat_ids: HashSet::new(),
            right: None,
            summary_description: None,
            descriptions: Vec::new(),
            diagram_titles: Vec::new(),
            tls_guesses: 0,
            implemented: 0,
        }
    }

    fn note(&mut self, kind: NoteKind, at: &str, item: Option<&Key>, message: impl Into<String>) {
        self.report.note(kind, Some(at.to_owned()), item, message);
    }

    /// The system: name, owner and description from `summary`; reviewer and
    /// contributors are noted.
    fn system(&mut self, root: &Value, diagrams: &[Value]) {
        let summary = self.errors.object(root, "summary", "").unwrap_or(&NULL);
        let title = nonempty(self.errors.text(summary, "title", "summary"));
        let diagram_title = diagrams
            .iter()
            .filter_map(|d| d.get("title").and_then(Value::as_str))
            .map(str::trim)
            .find(|t| !t.is_empty())
            .map(str::to_owned);
        let stem = std::path::Path::new(&self.source).file_stem().and_then(|s| s.to_str()).map(str::to_owned);
        self.model.system.name =
            title.or(diagram_title).or(stem).unwrap_or_else(|| "Imported from Threat Dragon".to_owned());
        self.model.system.owner = nonempty(self.errors.text(summary, "owner", "summary"));
        self.summary_description = nonempty(self.errors.text(summary, "description", "summary"));
        if let Some(v) = root.get("version").and_then(Value::as_str)
            && !v.trim().starts_with('2')
        {
            self.note(
                NoteKind::NeedsReview,
                "version",
                None,
                format!("written by Threat Dragon {v}: read as a v2 model; check the result"),
            );
        }
        let detail = root.get("detail").unwrap_or(&NULL);
        if let Some(reviewer) = nonempty(self.errors.text(detail, "reviewer", "detail")) {
            self.note(
                NoteKind::Unsupported,
                "detail.reviewer",
                None,
                format!("reviewer \"{reviewer}\" not taken over: a review is signed in Threatwright"),
            );
        }
        let contributors: Vec<&str> = detail
            .get("contributors")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(|c| c.get("name").and_then(Value::as_str)).collect())
            .unwrap_or_default();
        if !contributors.is_empty() {
            self.note(
                NoteKind::Unsupported,
                "detail.contributors",
                None,
                format!("contributors not taken over: {}", contributors.join(", ")),
            );
        }
    }

    /// Imports one diagram: its cells, placed right of the diagrams before it.
    fn diagram(&mut self, index: usize, d: &Value) {
        let path = format!("detail.diagrams[{index}]");
        if !d.is_object() {
            self.errors.wrong(&path, "an object (a diagram)", d);
            return;
        }
        let diagram_id = d.get("id").and_then(id_text).unwrap_or_else(|| index.to_string());
        let title = nonempty(self.errors.text(d, "title", &path)).unwrap_or_else(|| format!("diagram {}", index + 1));
        if let Some(description) = nonempty(self.errors.text(d, "description", &path))
            && self.summary_description.as_deref() != Some(description.as_str())
        {
            self.descriptions.push(format!("{title}: {description}"));
        }
        if let Some(kind) = nonempty(self.errors.text(d, "diagramType", &path))
            && !kind.eq_ignore_ascii_case("STRIDE")
        {
            self.note(
                NoteKind::NeedsReview,
                &path,
                None,
                format!(
                    "diagram \"{title}\" is a {kind} diagram: its threat categories were mapped to the closest \
                     STRIDE category (see the note on each threat)"
                ),
            );
        }
        self.diagram_titles.push(title.clone());
        let mut cells = self.cells(d, &path);
        self.place(&mut cells, &title, &path);
        self.diagram_cells(&cells, &diagram_id);
    }

    /// Reads a diagram's cells. When `cells` is an object rather than a list, its
    /// members are still read for the sake of reporting every type error at once.
    fn cells<'v>(&mut self, d: &'v Value, path: &str) -> Vec<Cell<'v>> {
        let at = join(path, "cells");
        match d.get("cells") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, c)| read_cell(&mut self.errors, c, format!("{at}[{i}]")))
                .collect(),
            Some(Value::Object(items)) => {
                self.errors.push(&at, "expected a list, found an object");
                for (name, c) in items {
                    let _ = read_cell(&mut self.errors, c, format!("{at}.{name}"));
                }
                Vec::new()
            }
            None | Some(Value::Null) => {
                self.errors.push(&at, "missing; a Threat Dragon v2 diagram lists its cells there");
                Vec::new()
            }
            Some(other) => {
                self.errors.wrong(&at, "a list", other);
                Vec::new()
            }
        }
    }

    /// Moves a diagram to the right of the diagrams placed before it, since merged
    /// diagrams share one canvas here.
    fn place(&mut self, cells: &mut [Cell<'_>], title: &str, path: &str) {
        let (lo, hi) = cells
            .iter()
            .filter_map(|c| c.position.map(|p| (p.x, p.x + drawable(c.size).map_or(0.0, |s| s.width))))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        if !(lo.is_finite() && hi.is_finite()) {
            return;
        }
        let dx = self.right.map_or(0.0, |r| r + DIAGRAM_GAP - lo);
        let dx = if dx.is_finite() { dx } else { 0.0 };
        self.right = Some(self.right.map_or(hi + dx, |r| r.max(hi + dx)));
        if dx != 0.0 {
            cells.iter_mut().for_each(|c| c.shift(dx));
            self.note(
                NoteKind::Mapped,
                path,
                None,
                format!("diagram \"{title}\" placed to the right of the diagrams before it (moved {dx} along x)"),
            );
        }
    }

    /// Makes the items of one diagram: elements and boxes first, then flows (which
    /// refer to elements), then boundary lines (which are checked against flows).
    fn diagram_cells(&mut self, cells: &[Cell<'_>], diagram: &str) {
        let mut elements: HashMap<&str, Key> = HashMap::new();
        let mut centres: HashMap<&str, (f64, f64)> = HashMap::new();
        let mut placed: Vec<(Key, Area)> = Vec::new();
        let mut unplaced: Vec<Key> = Vec::new();
        let mut boxes: Vec<(usize, Area)> = Vec::new();
        for cell in cells {
            match &cell.shape {
                Shape::Actor | Shape::Process | Shape::Store => {
                    let key = self.element(cell, diagram);
                    match cell.area() {
                        Some(area) => {
                            centres.insert(cell.id.as_str(), area.centre());
                            placed.push((key.clone(), area));
                        }
                        None => unplaced.push(key.clone()),
                    }
                    if let Some(before) = elements.insert(cell.id.as_str(), key.clone()) {
                        self.note(
                            NoteKind::NeedsReview,
                            &cell.path,
                            Some(&key),
                            format!("cell id {} is also the id of `{before}`: flows to it reach `{key}`", cell.id),
                        );
                    }
                }
                Shape::BoundaryBox => {
                    if let Some(b) = self.boundary(cell) {
                        boxes.push(b);
                    }
                }
                Shape::Flow | Shape::BoundaryCurve => {}
                Shape::Text | Shape::Other(_) => self.unsupported(cell),
            }
        }
        let mut lines: Vec<(Key, Vec<(f64, f64)>)> = Vec::new();
        for cell in cells.iter().filter(|c| c.shape == Shape::Flow) {
            if let Some(key) = self.flow(cell, &elements, diagram)
                && let Some(line) = cell.line(&centres)
            {
                lines.push((key, line));
            }
        }
        for cell in cells.iter().filter(|c| c.shape == Shape::BoundaryCurve) {
            self.curve(cell, &lines, &centres);
        }
        if !boxes.is_empty() {
            let at = format!("diagram {diagram}");
            for key in &unplaced {
                self.note(
                    NoteKind::NeedsReview,
                    &at,
                    Some(key),
                    "has no position in Threat Dragon, so no boundary box could be found around it: put it in \
                     its boundary by hand",
                );
            }
        }
        self.contain(&boxes, &placed);
    }

    /// The name of a cell: `data.name`, else the text drawn on it.
    fn name(&mut self, cell: &Cell<'_>, at: &str) -> Option<String> {
        nonempty(self.errors.text(cell.data, "name", at)).or_else(|| cell.label.clone())
    }

    /// The cell's size when drawable; a note when it has one that is not.
    fn size(&mut self, cell: &Cell<'_>, key: &Key) -> Option<Size> {
        let size = drawable(cell.size);
        if let (Some(s), None) = (cell.size, size) {
            self.note(
                NoteKind::Mapped,
                &cell.path,
                Some(key),
                format!("size {} × {} cannot be drawn: left out", s.width, s.height),
            );
        }
        size
    }

    /// Tags an item out of scope when Threat Dragon says so, noting the reason.
    fn scope(&mut self, cell: &Cell<'_>, at: &str, key: &Key, tags: &mut BTreeSet<String>) {
        let reason = nonempty(self.errors.text(cell.data, "reasonOutOfScope", at));
        if self.errors.flag(cell.data, "outOfScope", at) != Some(true) {
            return;
        }
        tags.insert(TAG_OUT_OF_SCOPE.to_owned());
        let why = reason.map_or_else(|| "no reason given".to_owned(), |r| format!("\"{r}\""));
        self.note(
            NoteKind::NeedsReview,
            at,
            Some(key),
            format!(
                "out of scope in Threat Dragon ({why}): tagged `{TAG_OUT_OF_SCOPE}`; Threatwright still analyses \
                 it, so remove it from the model or keep it"
            ),
        );
    }

    /// Keeps the flags that have no property here as tags, with a note each.
    fn tag_flags(&mut self, cell: &Cell<'_>, at: &str, key: &Key, flags: &[TagFlag], tags: &mut BTreeSet<String>) {
        for f in flags {
            if self.errors.flag(cell.data, f.field, at) == Some(true) {
                tags.insert(f.tag.to_owned());
                self.note(
                    f.kind,
                    at,
                    Some(key),
                    format!("{} in Threat Dragon: kept as the tag `{}`{}", f.field, f.tag, f.advice),
                );
            }
        }
    }

    /// Makes an external entity, process or data store from a cell, with its threats.
    fn element(&mut self, cell: &Cell<'_>, diagram: &str) -> Key {
        let at = cell.data_path();
        let name = self.name(cell, &at);
        let description = nonempty(self.errors.text(cell.data, "description", &at));
        let fallback = match cell.shape {
            Shape::Actor => "actor",
            Shape::Process => "process",
            _ => "store",
        };
        let key = self.keys.take(name.as_deref().unwrap_or_default(), fallback);
        let size = self.size(cell, &key);
        let mut tags = BTreeSet::new();
        self.scope(cell, &at, &key, &mut tags);
        match cell.shape {
            Shape::Actor => {
                self.tag_flags(cell, &at, &key, ACTOR_FLAGS, &mut tags);
                let mut e: ExternalEntity = blank(&key);
                e.name = name;
                e.description = description;
                e.position = cell.position;
                e.size = size;
                e.tags = tags;
                self.model.external_entities.push(e);
            }
            Shape::Process => {
                self.tag_flags(cell, &at, &key, PROCESS_FLAGS, &mut tags);
                let mut p: Process = blank(&key);
                p.kind = self.process_kind(cell, &at, &key);
                p.name = name;
                p.description = description;
                p.position = cell.position;
                p.size = size;
                p.tags = tags;
                self.model.processes.push(p);
            }
            _ => {
                self.tag_flags(cell, &at, &key, STORE_FLAGS, &mut tags);
                let mut s: DataStore = blank(&key);
                if self.errors.flag(cell.data, "isALog", &at) == Some(true) {
                    s.kind = Some(StoreKind::Log);
                    self.note(NoteKind::Mapped, &at, Some(&key), "isALog in Threat Dragon: kind log");
                }
                s.encrypted_at_rest = self.errors.flag(cell.data, "isEncrypted", &at);
                s.name = name;
                s.description = description;
                s.position = cell.position;
                s.size = size;
                s.tags = tags;
                self.model.data_stores.push(s);
            }
        }
        self.threats(cell, &key, diagram);
        key
    }

    /// A process's kind (a web application is `web-app`); its privilege level is noted.
    fn process_kind(&mut self, cell: &Cell<'_>, at: &str, key: &Key) -> Option<ProcessKind> {
        if let Some(level) = nonempty(self.errors.text(cell.data, "privilegeLevel", at)) {
            self.note(
                NoteKind::Unsupported,
                at,
                Some(key),
                format!(
                    "privilege level \"{level}\" not taken over: there is no such property here (least_privilege \
                     is about the process's own credentials)"
                ),
            );
        }
        if self.errors.flag(cell.data, "isWebApplication", at) == Some(true) {
            self.note(NoteKind::Mapped, at, Some(key), "isWebApplication in Threat Dragon: kind web-app");
            return Some(ProcessKind::WebApp);
        }
        None
    }

    /// Makes a boundary from a box; returns its index and rectangle when it has one.
    fn boundary(&mut self, cell: &Cell<'_>) -> Option<(usize, Area)> {
        let at = cell.data_path();
        let name = self.name(cell, &at);
        let description = nonempty(self.errors.text(cell.data, "description", &at));
        let key = self.keys.take(name.as_deref().unwrap_or_default(), "boundary");
        let mut b: Boundary = blank(&key);
        if let Some(kind) = name.as_deref().and_then(boundary_kind) {
            b.kind = Some(kind);
            self.note(NoteKind::Inferred, &at, Some(&key), format!("kind {kind} suggested by its name"));
        }
        b.size = self.size(cell, &key);
        b.position = cell.position;
        b.name = name;
        b.description = description;
        self.model.boundaries.push(b);
        if !cell.threats.is_empty() {
            let lost = cell.lost_threats();
            self.note(NoteKind::Unsupported, &at, Some(&key), format!("threats on a boundary box{lost}"));
        }
        let index = self.model.boundaries.len() - 1;
        let area = cell.full_area();
        if area.is_none() {
            self.note(
                NoteKind::NeedsReview,
                &cell.path,
                Some(&key),
                "the box has no position or size, so its members could not be found: list them by hand",
            );
        }
        area.map(|a| (index, a))
    }

    /// Makes a flow from a flow cell attached to two elements, with its threats; a flow
    /// with a loose end is reported instead.
    fn flow(&mut self, cell: &Cell<'_>, elements: &HashMap<&str, Key>, diagram: &str) -> Option<Key> {
        let at = cell.data_path();
        let name = self.name(cell, &at);
        let description = nonempty(self.errors.text(cell.data, "description", &at));
        let protocol = nonempty(self.errors.text(cell.data, "protocol", &at));
        let encrypted = self.errors.flag(cell.data, "isEncrypted", &at);
        let bidirectional = self.errors.flag(cell.data, "isBidirectional", &at);
        let (Some(from), Some(to)) = (cell.source.element(elements), cell.target.element(elements)) else {
            let label = name.as_deref().unwrap_or("(unnamed)");
            let message = format!(
                "flow \"{label}\" (cell {}) is not attached to an element at both ends (source: {}, target: {}): \
                 not taken over{}",
                cell.id,
                cell.source.describe(elements),
                cell.target.describe(elements),
                cell.lost_threats()
            );
            self.note(NoteKind::Unsupported, &cell.path, None, message);
            return None;
        };
        let key = self.keys.take(name.as_deref().unwrap_or_default(), "flow");
        let mut f = blank_flow(&key, &from, &to);
        let mut tags = BTreeSet::new();
        self.scope(cell, &at, &key, &mut tags);
        self.tag_flags(cell, &at, &key, FLOW_FLAGS, &mut tags);
        if let Some(text) = &protocol {
            f.protocol = self.protocol(text, &at, &key);
        }
        f.encryption = self.encryption(encrypted, f.protocol, &at, &key);
        f.bidirectional = bidirectional == Some(true);
        f.name = name;
        f.description = description;
        f.tags = tags;
        self.model.flows.push(f);
        self.threats(cell, &key, diagram);
        Some(key)
    }

    /// Our protocol for a flow's protocol text, with a note when it is not a plain match.
    fn protocol(&mut self, text: &str, at: &str, key: &Key) -> Option<Protocol> {
        match protocol_of(text) {
            Some(p) if p.as_str().eq_ignore_ascii_case(text.trim()) => Some(p),
            Some(p) => {
                self.note(NoteKind::Inferred, at, Some(key), format!("protocol \"{text}\" recorded as {p}"));
                Some(p)
            }
            None => {
                self.note(
                    NoteKind::NeedsReview,
                    at,
                    Some(key),
                    format!("protocol \"{text}\" is not one Threatwright knows: left unset; choose one (or other)"),
                );
                None
            }
        }
    }

    /// Encryption from `isEncrypted`: TLS 1.2 when true (Threat Dragon does not say
    /// which), none when false; unset, with a note, when the protocol says otherwise.
    fn encryption(
        &mut self,
        encrypted: Option<bool>,
        protocol: Option<Protocol>,
        at: &str,
        key: &Key,
    ) -> Option<Encryption> {
        let clash = match (encrypted, protocol) {
            (Some(false), Some(p)) if p.implies_tls() => Some(format!("not encrypted, but its protocol is {p}")),
            (Some(true), Some(p)) if p.implies_plaintext() => Some(format!("encrypted, but its protocol is {p}")),
            _ => None,
        };
        if let Some(clash) = clash {
            self.note(
                NoteKind::NeedsReview,
                at,
                Some(key),
                format!("{clash} in Threat Dragon: encryption left unset; state which is right"),
            );
            return None;
        }
        match encrypted {
            Some(true) => {
                self.tls_guesses += 1;
                Some(Encryption::Tls12)
            }
            Some(false) => Some(Encryption::None),
            None => None,
        }
    }

    /// Reports a boundary line, and the flows it crosses on the canvas.
    fn curve(&mut self, cell: &Cell<'_>, lines: &[(Key, Vec<(f64, f64)>)], centres: &HashMap<&str, (f64, f64)>) {
        let at = cell.data_path();
        let name = self.name(cell, &at);
        let label = name.as_deref().unwrap_or("(unnamed)");
        let message = format!(
            "trust boundary line \"{label}\" (cell {}) not taken over: boundaries here are areas that hold \
             elements, not lines{}",
            cell.id,
            cell.lost_threats()
        );
        self.note(NoteKind::Unsupported, &cell.path, None, message);
        let Some(line) = cell.line(centres) else { return };
        let crossed: Vec<&str> =
            lines.iter().filter(|(_, l)| super::geometry::paths_meet(&line, l)).map(|(k, _)| k.as_str()).collect();
        if !crossed.is_empty() {
            let message = format!(
                "the boundary line \"{label}\" crosses the flows {}: put the elements on one side of it in a \
                 boundary",
                crossed.join(", ")
            );
            self.note(NoteKind::NeedsReview, &cell.path, None, message);
        }
    }

    /// Reports a text block or a cell of a shape Threatwright does not know.
    fn unsupported(&mut self, cell: &Cell<'_>) {
        let what = match &cell.shape {
            Shape::Text => "text block".to_owned(),
            Shape::Other(s) if s.is_empty() => "cell without a shape".to_owned(),
            Shape::Other(s) => format!("cell of shape \"{s}\""),
            _ => "cell".to_owned(),
        };
        let text = cell
            .data
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .or_else(|| cell.label.clone())
            .map(|t| format!(" (\"{t}\")"))
            .unwrap_or_default();
        let message = format!("{what} {}{text} not taken over{}", cell.id, cell.lost_threats());
        self.note(NoteKind::Unsupported, &cell.path, None, message);
    }

    /// Nests boxes inside the smallest larger box holding them, and makes each element
    /// a member of the smallest box holding its centre.
    fn contain(&mut self, boxes: &[(usize, Area)], placed: &[(Key, Area)]) {
        let smallest = |a: &&(usize, Area), b: &&(usize, Area)| a.1.surface().total_cmp(&b.1.surface());
        for (i, area) in boxes {
            let parent = boxes
                .iter()
                .filter(|(j, other)| j != i && other.surface() > area.surface() && other.holds(*area))
                .min_by(smallest)
                .and_then(|(j, _)| self.model.boundaries.get(*j))
                .map(|b| b.key.clone());
            if let Some(parent) = parent
                && let Some(b) = self.model.boundaries.get_mut(*i)
            {
                let key = b.key.clone();
                b.parent = Some(parent.clone());
                self.report.note(
                    NoteKind::Inferred,
                    None,
                    Some(&key),
                    format!("nested in `{parent}`: its box lies inside that one"),
                );
            }
        }
        let mut members: Vec<Vec<Key>> = vec![Vec::new(); boxes.len()];
        for (key, area) in placed {
            let centre = area.centre();
            let inside = boxes
                .iter()
                .enumerate()
                .filter(|(_, (_, b))| b.holds_point(centre))
                .min_by(|a, b| smallest(&a.1, &b.1));
            if let Some((n, _)) = inside
                && let Some(list) = members.get_mut(n)
            {
                list.push(key.clone());
            }
        }
        for ((i, _), found) in boxes.iter().zip(members) {
            let Some(b) = self.model.boundaries.get_mut(*i) else { continue };
            let key = b.key.clone();
            let message = if found.is_empty() {
                "no element lies inside its box".to_owned()
            } else {
                let names: Vec<&str> = found.iter().map(Key::as_str).collect();
                format!("members found by geometry (centre inside the box): {}", names.join(", "))
            };
            b.members = found;
            self.report.note(NoteKind::Inferred, None, Some(&key), message);
        }
    }

    /// Registers the threats of a cell on the item made from it.
    fn threats(&mut self, cell: &Cell<'_>, target: &Key, diagram: &str) {
        for (i, t) in cell.threats.iter().enumerate() {
            let path = format!("{}.threats[{i}]", cell.data_path());
            let local = t.get("id").or_else(|| t.get("threatId")).and_then(id_text);
            let base = match local {
                Some(id) => format!("{diagram}:{id}"),
                None => format!("{diagram}:{}:{i}", cell.id),
            };
            self.threat(t, &path, &base, target);
        }
    }

    /// A stable threat id from the diagram and the source's own id, unique in the model.
    fn unique_id(&mut self, base: &str, path: &str, target: &Key) -> Uuid {
        let mut id = threat_id(FORMAT, base);
        let mut n = 1;
        while !self.threat_ids.insert(id) {
            n += 1;
            id = threat_id(FORMAT, &format!("{base}#{n}"));
        }
        if n > 1 {
            self.note(
                NoteKind::NeedsReview,
                path,
                Some(target),
                "the threat's id is used more than once in the diagram: it was given an identity of its own",
            );
        }
        id
    }

    /// Registers one Threat Dragon threat on `target`, with a mitigation made from its
    /// mitigation text.
    fn threat(&mut self, t: &Value, path: &str, base: &str, target: &Key) {
        if !t.is_object() {
            self.errors.wrong(path, "an object (a threat)", t);
            return;
        }
        let title = nonempty(self.errors.text(t, "title", path));
        let status = self.errors.text(t, "status", path).unwrap_or_default();
        let severity = self.errors.text(t, "severity", path).unwrap_or_default();
        let category = self.errors.text(t, "type", path).unwrap_or_default();
        let description = self.errors.text(t, "description", path).unwrap_or_default();
        let mitigation = nonempty(self.errors.text(t, "mitigation", path));
        let model_type = nonempty(self.errors.text(t, "modelType", path));
        let score = t.get("score").and_then(id_text);
        let id = self.unique_id(base, path, target);

        let mut notes: Vec<(NoteKind, String)> = Vec::new();
        let title = title.unwrap_or_else(|| {
            notes.push((NoteKind::NeedsReview, "has no title in Threat Dragon: give it one".to_owned()));
            "Untitled threat from Threat Dragon".to_owned()
        });
        let (stride, fit) = category_of(&category);
        let methodology = model_type.as_deref().unwrap_or("non-STRIDE");
        match fit {
            Fit::Exact => {}
            Fit::Closest => notes.push((
                NoteKind::NeedsReview,
                format!(
                    "its {methodology} category \"{}\" is not a STRIDE category: filed as {} (the closest); confirm",
                    category.trim(),
                    stride.as_str()
                ),
            )),
            Fit::Unmapped if category.trim().is_empty() => notes.push((
                NoteKind::NeedsReview,
                "has no category in Threat Dragon: filed as spoofing; choose its STRIDE category".to_owned(),
            )),
            Fit::Unmapped => notes.push((
                NoteKind::NeedsReview,
                format!(
                    "its {methodology} category \"{}\" has no STRIDE equivalent: filed as spoofing; choose its \
                     STRIDE category",
                    category.trim()
                ),
            )),
        }
        let rank = rank_of(&severity).unwrap_or_else(|| {
            let shown = if severity.trim().is_empty() { "none".to_owned() } else { format!("\"{}\"", severity.trim()) };
            notes.push((
                NoteKind::NeedsReview,
                format!("severity {shown} is not one Threatwright knows: ranked likelihood 3 × impact 3"),
            ));
            (3, 3)
        });
        if let Some(score) = score {
            notes.push((
                NoteKind::Unsupported,
                format!("score {score} not taken over: Threatwright ranks by likelihood × impact"),
            ));
        }
        let outcome = decide(&status, mitigation.as_deref(), &description);
        if let Some(note) = outcome.note {
            notes.push(note);
        }
        let record = threat_record(
            &self.model,
            id,
            target,
            &title,
            &description,
            stride,
            rank,
            outcome.status,
            outcome.response,
        );
        let reference = record.reference.clone();
        self.model.threats.push(record);
        if let Some(status) = outcome.mitigation
            && let Some(text) = &mitigation
        {
            if status == MitigationStatus::Implemented {
                self.implemented += 1;
            }
            self.mitigation(text, status, &reference, id);
        }
        for (kind, message) in notes {
            self.note(kind, path, Some(target), format!("{reference} \"{title}\": {message}"));
        }
    }

    /// Adds a mitigation made from a threat's mitigation text, linked to that threat.
    fn mitigation(&mut self, text: &str, status: MitigationStatus, threat: &str, threat_uuid: Uuid) {
        let reference = format!("M-{:04}", self.model.mitigations.len() + 1);
        self.model.mitigations.push(Mitigation {
            reference,
            id: threat_id(FORMAT, &format!("mitigation:{threat_uuid}")),
            title: title_of(text),
            description: text.trim().to_owned(),
            status,
            owner: None,
            ticket: None,
            due: None,
            template: None,
            threats: vec![threat.to_owned()],
        });
    }

    /// The model and its report, or every type error found.
    fn finish(mut self) -> Result<Imported, String> {
        if self.errors.count > 0 {
            return Err(self.errors.message());
        }
        let mut parts: Vec<String> = self.summary_description.take().into_iter().collect();
        parts.append(&mut self.descriptions);
        if !parts.is_empty() {
            self.model.system.description = Some(parts.join("\n\n"));
        }
        match self.diagram_titles.len() {
            0 => self.report.note(NoteKind::NeedsReview, None, None, "the model has no diagrams: nothing to take over"),
            1 => {}
            n => {
                let message = format!("{n} diagrams merged into one model: {}", self.diagram_titles.join(", "));
                self.report.note(NoteKind::Mapped, None, None, message);
            }
        }
        if self.tls_guesses > 0 {
            let message = format!(
                "{} flow(s) marked encrypted in Threat Dragon recorded as tls1.2 (Threat Dragon does not say \
                 which version): confirm",
                self.tls_guesses
            );
            self.report.note(NoteKind::Inferred, None, None, message);
        }
        if self.implemented > 0 {
            let message = format!(
                "{} mitigation(s) recorded as implemented because Threat Dragon marks their threats mitigated",
                self.implemented
            );
            self.report.note(NoteKind::Inferred, None, None, message);
        }
        self.report.count(&self.model);
        Ok(Imported { model: self.model, report: self.report })
    }
}

// ---------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------

/// Writes the model as a Threat Dragon v2 model (pretty JSON, the same bytes for the
/// same model): one STRIDE diagram with every boundary as a box, every element and flow
/// as a cell at its place on the canvas, and the register's threats on the cells of
/// their targets. Threats about an API go on its provider; threats about anything else
/// that is not drawn (a data asset, the whole model) are listed in a text block.
/// Obsolete threats are left out. Fails when a flow's end is not an element.
pub fn export(model: &Model) -> Result<String, String> {
    let mut owned = model.canonical().into_owned();
    drop_bad_geometry(&mut owned);
    let model = &owned;
    let elements: HashMap<&Key, ElementRef<'_>> = model.elements().map(|e| (e.key(), e)).collect();
    for f in &model.flows {
        for end in [&f.from, &f.to] {
            if !elements.contains_key(end) {
                return Err(format!(
                    "cannot export to Threat Dragon: flow `{}` has the end `{end}`, which is not an element of the \
                     model",
                    f.key
                ));
            }
        }
    }
    let layout = canvas(model, &[]);
    let nodes: HashMap<&Key, Area> = layout.nodes.iter().map(|n| (&n.key, Area::of(&n.rect))).collect();
    let boxes: HashMap<&Key, Area> = layout.boundaries.iter().map(|b| (&b.key, Area::of(&b.rect))).collect();
    let bottom = nodes.values().chain(boxes.values()).map(|a| a.y + a.h).filter(|y| y.is_finite()).fold(0.0, f64::max);
    let mut threats = cell_threats(model, &elements);
    let facts = Facts::of(model);

    let mut cells: Vec<Value> = Vec::new();
    let by_key: HashMap<&Key, &Boundary> = model.boundaries.iter().map(|b| (&b.key, b)).collect();
    let mut order: Vec<(&Boundary, Area)> = Vec::new();
    for bb in &layout.boundaries {
        if let (Some(&b), Some(&area)) = (by_key.get(&bb.key), boxes.get(&bb.key)) {
            order.push((b, area));
        }
    }
    // Boundaries the layout does not draw (no members, no saved box) go below it.
    let mut spare = 0.0;
    for b in &model.boundaries {
        if !boxes.contains_key(&b.key) {
            order.push((b, Area { x: 10.0 + spare, y: bottom + 40.0, w: 200.0, h: 120.0 }));
            spare += 240.0;
        }
    }
    // Boxes under everything else, outer ones under inner ones.
    let first = -(order.len() as i64);
    for (i, (b, area)) in order.iter().enumerate() {
        cells.push(boundary_cell(b, *area, first + i as i64));
    }
    let mut z = 0i64;
    for e in model.elements() {
        z += 1;
        let area = nodes.get(e.key()).copied().unwrap_or(Area { x: 10.0, y: bottom + 200.0, w: 130.0, h: 48.0 });
        let list = threats.by_cell.remove(e.key()).unwrap_or_default();
        cells.push(element_cell(e, area, z, list, &facts));
    }
    for f in &model.flows {
        z += 1;
        let list = threats.by_cell.remove(&f.key).unwrap_or_default();
        cells.push(flow_cell(f, z, list, &elements, &facts));
    }
    if !threats.elsewhere.is_empty() {
        z += 1;
        cells.push(text_cell(&threats.elsewhere, z, bottom + 200.0));
    }

    let name = model.system.name.as_str();
    let owner = model.system.owner.as_deref().unwrap_or_default();
    let description = model.system.description.as_deref().unwrap_or_default();
    let reviewer = model
        .reviews
        .iter()
        .filter(|r| r.scope == ReviewScope::Model)
        .max_by(|a, b| a.at.cmp(&b.at))
        .map(|r| r.reviewer.as_str())
        .unwrap_or_default();
    let doc = json!({
        "version": TD_VERSION,
        "summary": { "title": name, "owner": owner, "description": description, "id": 0 },
        "detail": {
            "contributors": [],
            "diagrams": [{
                "id": 0,
                "title": name,
                "diagramType": "STRIDE",
                "placeholder": "New STRIDE diagram description",
                "thumbnail": THUMBNAIL,
                "version": TD_VERSION,
                "cells": cells,
            }],
            "diagramTop": 1,
            "reviewer": reviewer,
            "threatTop": threats.top,
        },
    });
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| format!("cannot write the Threat Dragon model: {e}"))?;
    text.push('\n');
    Ok(text)
}

/// Leaves out positions and sizes the canvas cannot draw (not finite, not positive).
fn drop_bad_geometry(model: &mut Model) {
    fn fix(position: &mut Option<Position>, size: &mut Option<Size>) {
        if position.is_some_and(|p| !(p.x.is_finite() && p.y.is_finite())) {
            *position = None;
        }
        *size = drawable(*size);
    }
    for e in &mut model.external_entities {
        fix(&mut e.position, &mut e.size);
    }
    for p in &mut model.processes {
        fix(&mut p.position, &mut p.size);
    }
    for s in &mut model.data_stores {
        fix(&mut s.position, &mut s.size);
    }
    for b in &mut model.boundaries {
        fix(&mut b.position, &mut b.size);
    }
}

/// The register's threats as Threat Dragon threats, by the key of the cell they go on.
struct CellThreats {
    by_cell: HashMap<Key, Vec<Value>>,
    /// Threats about something not drawn, one line each.
    elsewhere: Vec<String>,
    /// The highest threat number used.
    top: u64,
}

/// Sorts the register's live threats onto cells, numbering them from their references.
fn cell_threats(model: &Model, elements: &HashMap<&Key, ElementRef<'_>>) -> CellThreats {
    let flows: HashSet<&Key> = model.flows.iter().map(|f| &f.key).collect();
    let mut linked: HashMap<&str, Vec<&Mitigation>> = HashMap::new();
    for m in &model.mitigations {
        for t in &m.threats {
            linked.entry(t.as_str()).or_default().push(m);
        }
    }
    let mut used: HashSet<u64> = HashSet::new();
    let mut out = CellThreats { by_cell: HashMap::new(), elsewhere: Vec::new(), top: 0 };
    for r in model.threats.iter().filter(|r| r.status != ThreatStatus::Obsolete) {
        let number = number_of(&r.reference).filter(|n| !used.contains(n)).unwrap_or(out.top + 1);
        used.insert(number);
        out.top = out.top.max(number);
        let mitigations: &[&Mitigation] = linked.get(r.reference.as_str()).map(Vec::as_slice).unwrap_or_default();
        let api = model.apis.iter().find(|a| a.key == r.target);
        let provider = api.and_then(|a| a.provider.as_ref()).filter(|p| elements.contains_key(*p));
        if elements.contains_key(&r.target) || flows.contains(&r.target) {
            out.by_cell.entry(r.target.clone()).or_default().push(threat_value(r, number, mitigations, None));
        } else if let (Some(api), Some(provider)) = (api, provider) {
            let value = threat_value(r, number, mitigations, Some(api.display_name()));
            out.by_cell.entry(provider.clone()).or_default().push(value);
        } else {
            out.elsewhere.push(format!("{} {} (about {})", r.reference, r.title, r.target));
        }
    }
    out
}

/// The number in a reference (`TW-0042` → 42).
fn number_of(reference: &str) -> Option<u64> {
    reference.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// Threat Dragon's name of a STRIDE category.
fn stride_name(s: Stride) -> &'static str {
    match s {
        Stride::Spoofing => "Spoofing",
        Stride::Tampering => "Tampering",
        Stride::Repudiation => "Repudiation",
        Stride::InformationDisclosure => "Information disclosure",
        Stride::DenialOfService => "Denial of service",
        Stride::ElevationOfPrivilege => "Elevation of privilege",
    }
}

/// Likelihood and impact of a record (a person's override first; 3 when not stated,
/// as for rule findings, whose ranking the analysis computes).
fn ranking(r: &ThreatRecord) -> (u8, u8) {
    let o = r.ranking_override.as_ref();
    (o.and_then(|o| o.likelihood).or(r.likelihood).unwrap_or(3), o.and_then(|o| o.impact).or(r.impact).unwrap_or(3))
}

/// Threat Dragon's severity (High, Medium, Low) for a record; critical is High.
fn severity_word(r: &ThreatRecord) -> &'static str {
    let (likelihood, impact) = ranking(r);
    match crate::rank::severity(likelihood, impact) {
        RiskLevel::Low => "Low",
        RiskLevel::Medium => "Medium",
        RiskLevel::High | RiskLevel::Critical => "High",
    }
}

/// Threat Dragon's status for a record, and a remark for statuses it does not have
/// (they are written as Open, with the remark in the description).
fn td_status(r: &ThreatRecord) -> (&'static str, Option<String>) {
    let part = |label: &str, v: &Option<String>| {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!(" {label} {s}")).unwrap_or_default()
    };
    let resp = &r.response;
    match r.status {
        ThreatStatus::Open => ("Open", None),
        ThreatStatus::Mitigated => ("Mitigated", None),
        ThreatStatus::NotApplicable => ("NotApplicable", None),
        ThreatStatus::MitigationPlanned => ("Open", Some("Threatwright status: mitigation planned.".to_owned())),
        ThreatStatus::Accepted => (
            "Open",
            Some(format!(
                "Threatwright status: accepted{}{}{}.",
                part("by", &resp.approver),
                part("until", &resp.expires),
                part("because", &resp.reason)
            )),
        ),
        ThreatStatus::Transferred => {
            ("Open", Some(format!("Threatwright status: transferred{}.", part("to", &resp.transferred_to))))
        }
        ThreatStatus::Obsolete => ("Open", Some("Threatwright status: obsolete.".to_owned())),
    }
}

/// The mitigation text of a threat: its linked mitigations, one a line (the full text
/// when the title is the start of the description, as for imported ones).
fn mitigation_text(mitigations: &[&Mitigation]) -> String {
    let lines: Vec<String> = mitigations
        .iter()
        .map(|m| {
            let title = m.title.trim();
            let stem = title.trim_end_matches('…').trim_end();
            let description = m.description.trim();
            if description.is_empty() {
                title.to_owned()
            } else if description.starts_with(stem) {
                description.to_owned()
            } else {
                format!("{title}: {description}")
            }
        })
        .collect();
    lines.join("\n")
}

/// One register record as a Threat Dragon threat.
fn threat_value(r: &ThreatRecord, number: u64, mitigations: &[&Mitigation], about_api: Option<&str>) -> Value {
    let (status, remark) = td_status(r);
    let mut description = r.description.trim().to_owned();
    if description.is_empty()
        && let Some(rule) = &r.rule
    {
        description = format!("Found by the Threatwright rule {rule}.");
    }
    if let Some(api) = about_api {
        description = format!("About the API {api}. {description}").trim_end().to_owned();
    }
    if let Some(remark) = remark {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&remark);
    }
    let reason = r.response.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mitigation = match reason {
        // Threat Dragon keeps the reason for not applicable in the mitigation text.
        Some(reason) if r.status == ThreatStatus::NotApplicable => reason.to_owned(),
        _ => mitigation_text(mitigations),
    };
    json!({
        "id": r.id.to_string(),
        "title": r.title,
        "status": status,
        "severity": severity_word(r),
        "type": stride_name(r.stride.unwrap_or(Stride::Spoofing)),
        "description": description,
        "mitigation": mitigation,
        "modelType": "STRIDE",
        "new": false,
        "number": number,
        "score": "",
    })
}

/// Whether any of the threats is open in Threat Dragon's terms.
fn has_open(threats: &[Value]) -> bool {
    threats.iter().any(|t| t.get("status").and_then(Value::as_str) == Some("Open"))
}

/// A coordinate for the file: finite, rounded to hundredths.
fn coordinate(x: f64) -> f64 {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded.is_finite() {
        rounded
    } else if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// The outline Threat Dragon draws: red when threats are open, dashed out of scope.
fn outline(open: bool, out_of_scope: bool) -> Value {
    let (stroke, width) = if open { ("red", 2.5) } else { ("#333333", 1.0) };
    let dash = if out_of_scope { Value::from("4 3") } else { Value::Null };
    json!({ "stroke": stroke, "strokeWidth": width, "strokeDasharray": dash })
}

/// Facts of the model that set Threat Dragon's flags.
struct Facts<'m> {
    /// Elements at an end of a flow carrying cardholder data.
    card: HashSet<&'m Key>,
    /// Data assets that are credentials or secrets.
    credentials: HashSet<&'m Key>,
    /// Elements in a boundary of kind internet.
    internet: HashSet<&'m Key>,
    entities: HashSet<&'m Key>,
    /// Processes reachable from the internet.
    facing: HashSet<&'m Key>,
}

impl<'m> Facts<'m> {
    fn of(model: &'m Model) -> Facts<'m> {
        let in_category = |c: DataCategory| -> HashSet<&'m Key> {
            model.data_assets.iter().filter(|a| a.categories.contains(&c)).map(|a| &a.key).collect()
        };
        let cardholder = in_category(DataCategory::Cardholder);
        let card = model
            .flows
            .iter()
            .filter(|f| f.carries.iter().any(|k| cardholder.contains(k)))
            .flat_map(|f| [&f.from, &f.to])
            .collect();
        let mut credentials = in_category(DataCategory::Credentials);
        credentials.extend(in_category(DataCategory::Secrets));
        let internet = model
            .boundaries
            .iter()
            .filter(|b| b.kind == Some(BoundaryKind::Internet))
            .flat_map(|b| b.members.iter())
            .collect();
        let entities = model.external_entities.iter().map(|e| &e.key).collect();
        let facing = model.processes.iter().filter(|p| p.internet_facing == Some(true)).map(|p| &p.key).collect();
        Facts { card, credentials, internet, entities, facing }
    }

    /// Whether a flow crosses a public network: tagged so, touching the internet
    /// boundary, or between an external entity and an internet-facing process.
    fn public(&self, f: &Flow) -> bool {
        f.tags.contains(TAG_PUBLIC_NETWORK)
            || self.internet.contains(&f.from)
            || self.internet.contains(&f.to)
            || (self.entities.contains(&f.from) && self.facing.contains(&f.to))
            || (self.entities.contains(&f.to) && self.facing.contains(&f.from))
    }
}

/// Inserts one field of a cell's `data`.
fn put(map: &mut Map<String, Value>, name: &str, value: impl Into<Value>) {
    map.insert(name.to_owned(), value.into());
}

/// A boundary as a `trust-boundary-box` cell.
fn boundary_cell(b: &Boundary, area: Area, z: i64) -> Value {
    let name = b.display_name();
    json!({
        "id": b.id().to_string(),
        "shape": "trust-boundary-box",
        "position": { "x": coordinate(area.x), "y": coordinate(area.y) },
        "size": { "width": coordinate(area.w), "height": coordinate(area.h) },
        "visible": true,
        "zIndex": z,
        "attrs": { "headerText": { "text": name } },
        "data": {
            "type": "tm.BoundaryBox",
            "name": name,
            "description": b.description.as_deref().unwrap_or_default(),
            "isTrustBoundary": true,
            "hasOpenThreats": false,
        },
    })
}

/// An element as an `actor`, `process` or `store` cell, with its threats.
fn element_cell(e: ElementRef<'_>, area: Area, z: i64, threats: Vec<Value>, facts: &Facts<'_>) -> Value {
    let open = has_open(&threats);
    let tags = match e {
        ElementRef::ExternalEntity(x) => &x.tags,
        ElementRef::Process(x) => &x.tags,
        ElementRef::DataStore(x) => &x.tags,
    };
    let out_of_scope = tags.contains(TAG_OUT_OF_SCOPE);
    let (shape, kind) = match e {
        ElementRef::ExternalEntity(_) => ("actor", "tm.Actor"),
        ElementRef::Process(_) => ("process", "tm.Process"),
        ElementRef::DataStore(_) => ("store", "tm.Store"),
    };
    let mut data = Map::new();
    put(&mut data, "type", kind);
    put(&mut data, "name", e.name());
    put(&mut data, "description", e.description().unwrap_or_default());
    put(&mut data, "outOfScope", out_of_scope);
    put(&mut data, "reasonOutOfScope", "");
    put(&mut data, "hasOpenThreats", open);
    match e {
        ElementRef::ExternalEntity(_) => {
            put(&mut data, "providesAuthentication", tags.contains(TAG_PROVIDES_AUTHENTICATION));
        }
        ElementRef::Process(p) => {
            put(&mut data, "handlesCardPayment", tags.contains(TAG_CARD_PAYMENT) || facts.card.contains(&p.key));
            put(&mut data, "handlesGoodsOrServices", tags.contains(TAG_GOODS));
            put(&mut data, "isWebApplication", matches!(p.kind, Some(ProcessKind::WebApp | ProcessKind::AdminUi)));
            put(&mut data, "privilegeLevel", "");
        }
        ElementRef::DataStore(s) => {
            put(&mut data, "isALog", s.kind == Some(StoreKind::Log));
            put(&mut data, "isEncrypted", s.encrypted_at_rest == Some(true));
            put(&mut data, "isSigned", tags.contains(TAG_SIGNED));
            let credentials = s.stores.iter().any(|a| facts.credentials.contains(a));
            put(&mut data, "storesCredentials", tags.contains(TAG_CREDENTIALS) || credentials);
            put(&mut data, "storesInventory", tags.contains(TAG_INVENTORY));
        }
    }
    put(&mut data, "isTrustBoundary", false);
    put(&mut data, "threats", threats);
    let line = outline(open, out_of_scope);
    let attrs = match e {
        ElementRef::DataStore(_) => {
            json!({ "text": { "text": e.name() }, "topLine": line.clone(), "bottomLine": line })
        }
        _ => json!({ "text": { "text": e.name() }, "body": line }),
    };
    json!({
        "id": e.id().to_string(),
        "shape": shape,
        "position": { "x": coordinate(area.x), "y": coordinate(area.y) },
        "size": { "width": coordinate(area.w), "height": coordinate(area.h) },
        "visible": true,
        "zIndex": z,
        "attrs": attrs,
        "data": Value::Object(data),
    })
}

/// A flow as a `flow` cell between its elements' cells, with its threats.
fn flow_cell(
    f: &Flow,
    z: i64,
    threats: Vec<Value>,
    elements: &HashMap<&Key, ElementRef<'_>>,
    facts: &Facts<'_>,
) -> Value {
    let open = has_open(&threats);
    let out_of_scope = f.tags.contains(TAG_OUT_OF_SCOPE);
    let name = f.display_name();
    let cell_of = |k: &Key| elements.get(k).map(|e| e.id().to_string()).unwrap_or_default();
    let encrypted = match f.encryption {
        Some(e) => e != Encryption::None,
        None => f.protocol.is_some_and(Protocol::implies_tls),
    };
    let source_marker = if f.bidirectional { "block" } else { "" };
    let mut line = outline(open, out_of_scope);
    if let Value::Object(l) = &mut line {
        put(l, "targetMarker", json!({ "name": "block" }));
        put(l, "sourceMarker", json!({ "name": source_marker }));
    }
    let mut data = Map::new();
    put(&mut data, "type", "tm.Flow");
    put(&mut data, "name", name);
    put(&mut data, "description", f.description.as_deref().unwrap_or_default());
    put(&mut data, "outOfScope", out_of_scope);
    put(&mut data, "reasonOutOfScope", "");
    put(&mut data, "hasOpenThreats", open);
    put(&mut data, "isBidirectional", f.bidirectional);
    put(&mut data, "isEncrypted", encrypted);
    put(&mut data, "isPublicNetwork", facts.public(f));
    put(&mut data, "protocol", f.protocol.map_or("", Protocol::as_str));
    put(&mut data, "isTrustBoundary", false);
    put(&mut data, "threats", threats);
    json!({
        "id": f.id().to_string(),
        "shape": "flow",
        "zIndex": z,
        "width": 200,
        "height": 100,
        "connector": "smooth",
        "attrs": { "line": line },
        "labels": [{ "attrs": { "labelText": { "text": name } }, "position": 0.5 }],
        "source": { "cell": cell_of(&f.from) },
        "target": { "cell": cell_of(&f.to) },
        "vertices": [],
        "data": Value::Object(data),
    })
}

/// A text block listing the threats that are about nothing drawn.
fn text_cell(lines: &[String], z: i64, y: f64) -> Value {
    let text = format!("Threats not about a drawn element or flow:\n{}", lines.join("\n"));
    let id = Uuid::new_v5(&crate::model::id::NAMESPACE, b"threat-dragon-export:threats-elsewhere");
    json!({
        "id": id.to_string(),
        "shape": "td-text-block",
        "position": { "x": 10.0, "y": coordinate(y) },
        "size": { "width": 480.0, "height": 20.0 * (lines.len() as f64 + 1.0) },
        "visible": true,
        "zIndex": z,
        "attrs": { "text": { "text": text } },
        "data": { "type": "tm.Text", "name": text, "hasOpenThreats": false },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use std::collections::BTreeMap;

    fn fixture(name: &str) -> Vec<u8> {
        super::super::testing::fixture("threat-dragon", name).0
    }

    fn portal() -> Imported {
        import(&fixture("payments-portal.json"), "payments-portal.json").expect("the fixture imports")
    }

    fn keys(list: &[Key]) -> Vec<&str> {
        list.iter().map(Key::as_str).collect()
    }

    fn flow<'m>(m: &'m Model, key: &str) -> &'m Flow {
        m.flows.iter().find(|f| f.key.as_str() == key).unwrap_or_else(|| panic!("no flow {key}"))
    }

    fn notes(report: &Report, kind: NoteKind) -> Vec<String> {
        report.notes.iter().filter(|n| n.kind == kind).map(|n| n.message.clone()).collect()
    }

    #[test]
    fn payments_portal_elements_flows_and_boundaries() {
        let Imported { model: m, report } = portal();
        assert_eq!(m.system.name, "Payments Portal");
        assert_eq!(m.system.owner.as_deref(), Some("Priya Raman"));
        assert!(m.system.description.as_deref().is_some_and(|d| d.starts_with("Card-payment portal")));
        assert_eq!(m.external_entities.len(), 2);
        assert_eq!(m.processes.len(), 2);
        assert_eq!(m.data_stores.len(), 2);
        assert_eq!(m.flows.len(), 6);
        assert_eq!(m.boundaries.len(), 1);
        assert_eq!(report.counts.get("flows"), Some(&6));
        assert_eq!(report.counts.get("threats"), Some(&9));

        let cde = &m.boundaries[0];
        assert_eq!(cde.name.as_deref(), Some("Cardholder Data Environment"));
        assert_eq!(keys(&cde.members), ["gateway-adapter", "transactions-db"]);
        assert_eq!(cde.kind, Some(BoundaryKind::RestrictedZone));
        assert_eq!(cde.position, Some(Position { x: 520.0, y: 120.0 }));
        assert_eq!(cde.size, Some(Size { width: 480.0, height: 400.0 }));

        let web = m.processes.iter().find(|p| p.key.as_str() == "payments-portal-web").expect("web process");
        assert_eq!(web.kind, Some(ProcessKind::WebApp));
        assert!(web.tags.contains(TAG_CARD_PAYMENT));
        assert_eq!(web.position, Some(Position { x: 320.0, y: 180.0 }));
        let network = m.external_entities.iter().find(|e| e.key.as_str() == "card-network").expect("card network");
        assert!(network.tags.contains(TAG_OUT_OF_SCOPE));
        assert!(network.tags.contains(TAG_PROVIDES_AUTHENTICATION));
        let db = m.data_stores.iter().find(|s| s.key.as_str() == "transactions-db").expect("database");
        assert_eq!(db.encrypted_at_rest, Some(true));
        let log = m.data_stores.iter().find(|s| s.key.as_str() == "audit-log").expect("audit log");
        assert_eq!(log.kind, Some(StoreKind::Log));
        assert_eq!(log.encrypted_at_rest, Some(false));

        let checkout = flow(&m, "checkout-request");
        assert_eq!((checkout.from.as_str(), checkout.to.as_str()), ("customer", "payments-portal-web"));
        assert_eq!(checkout.protocol, Some(Protocol::Https));
        assert_eq!(checkout.encryption, Some(Encryption::Tls12));
        assert!(checkout.tags.contains(TAG_PUBLIC_NETWORK));
        let authorise = flow(&m, "authorise-payment");
        assert_eq!((authorise.from.as_str(), authorise.to.as_str()), ("payments-portal-web", "gateway-adapter"));
        assert_eq!(authorise.protocol, Some(Protocol::Grpc));
        assert_eq!(authorise.encryption, Some(Encryption::None));
        let iso = flow(&m, "authorisation-iso-8583");
        assert!(iso.bidirectional);
        assert_eq!(iso.protocol, None);
        assert_eq!(flow(&m, "store-transaction").protocol, Some(Protocol::Sql));
        assert_eq!(flow(&m, "write-audit-event").protocol, None);

        let diagnostics = crate::model::validate(&m);
        assert!(diagnostics.iter().all(|d| d.severity != Severity::Error), "{diagnostics:?}");
    }

    #[test]
    fn payments_portal_threats_and_mitigations() {
        let m = portal().model;
        assert_eq!(m.threats.len(), 9);
        let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &m.threats {
            *statuses.entry(t.status.as_str()).or_default() += 1;
        }
        assert_eq!(statuses, BTreeMap::from([("mitigated", 3), ("not-applicable", 1), ("open", 5)]));
        let strides: BTreeSet<Stride> = m.threats.iter().filter_map(|t| t.stride).collect();
        assert_eq!(strides.len(), 6, "all six STRIDE categories");
        let na = m.threats.iter().find(|t| t.status == ThreatStatus::NotApplicable).expect("one NA threat");
        assert!(na.response.reason.as_deref().is_some_and(|r| r.starts_with("Not applicable: the replay console")));
        assert_eq!(na.target.as_str(), "gateway-adapter");
        let amount = m.threats.iter().find(|t| t.title == "Amount altered between portal and adapter").expect("threat");
        assert_eq!(amount.target.as_str(), "authorise-payment");
        assert_eq!((amount.likelihood, amount.impact), (Some(4), Some(4)));
        assert_eq!(amount.stride, Some(Stride::Tampering));
        let references: BTreeSet<&str> = m.threats.iter().map(|t| t.reference.as_str()).collect();
        assert_eq!(references.len(), 9);
        assert!(references.contains("TW-0001") && references.contains("TW-0009"));

        // One mitigation per threat with a mitigation text, except the NA one (its reason).
        assert_eq!(m.mitigations.len(), 8);
        let implemented = m.mitigations.iter().filter(|x| x.status == MitigationStatus::Implemented).count();
        assert_eq!(implemented, 3);
        for t in &m.threats {
            let linked: Vec<&Mitigation> = m.mitigations.iter().filter(|x| x.threats.contains(&t.reference)).collect();
            let check = crate::lifecycle::status::requirements(t.status, &t.response, &linked, None);
            assert!(check.is_ok(), "{}: {check:?}", t.reference);
        }
        let diagnostics = crate::lifecycle::validate::validate_register(&m);
        assert!(diagnostics.iter().all(|d| d.severity != Severity::Error), "{diagnostics:?}");
    }

    #[test]
    fn payments_portal_report_names_what_was_not_taken_over() {
        let report = portal().report;
        let unsupported = notes(&report, NoteKind::Unsupported);
        assert!(
            unsupported.iter().any(|n| n.contains("text block") && n.contains("e9484126-9ef5-40c3-9c15-b0f4c6a0c115")),
            "{unsupported:?}"
        );
        assert!(unsupported.iter().any(|n| n.contains("trust boundary line \"Internet\"")), "{unsupported:?}");
        let review = notes(&report, NoteKind::NeedsReview);
        let crossing = review.iter().find(|n| n.contains("boundary line")).expect("the flows the line crosses");
        assert!(crossing.contains("checkout-request") && crossing.contains("payment-result"), "{crossing}");
        assert!(!crossing.contains("authorise-payment"), "{crossing}");
        assert!(review.iter().any(|n| n.contains("ISO 8583")), "unknown protocol noted: {review:?}");
        assert!(review.iter().any(|n| n.contains("Third party; covered")), "out-of-scope reason: {review:?}");
        let inferred = notes(&report, NoteKind::Inferred);
        assert!(inferred.iter().any(|n| n.contains("gateway-adapter, transactions-db")), "{inferred:?}");
        assert!(!report.text().is_empty());
    }

    #[test]
    fn wrong_types_are_reported_with_their_paths() {
        let err = import(&fixture("bad/wrong-types.json"), "wrong-types.json").expect_err("type errors");
        assert!(err.lines().all(|l| l.starts_with("wrong-types.json: ")), "{err}");
        assert!(err.contains("detail.diagrams[0].cells: expected a list, found an object"), "{err}");
        assert!(err.contains("detail.diagrams[0].cells.first.position.x: expected a number, found a string"), "{err}");
        assert!(err.contains("detail.diagrams[0].cells.first.data.threats: expected a list, found a string"), "{err}");
        assert!(err.contains("detail.diagrams[1].cells[0].data.threats: expected a list, found a string"), "{err}");
    }

    #[test]
    fn v1_models_are_refused() {
        let err = import(&fixture("bad/v1-format.json"), "v1-format.json").expect_err("v1 is refused");
        assert!(err.starts_with("v1-format.json: "), "{err}");
        assert!(err.contains("Threat Dragon v1") && err.contains("Threat Dragon 2"), "{err}");
        let old = r#"{"version": "1.6.1", "summary": {"title": "x"}, "detail": {"diagrams": []}}"#;
        let err = import(old.as_bytes(), "old.json").expect_err("version 1 is refused");
        assert!(err.contains("version 1.6.1") && err.contains("v1"), "{err}");
    }

    #[test]
    fn other_json_is_refused() {
        let geo = br#"{"type": "FeatureCollection", "features": []}"#;
        let err = import(geo, "map.geojson").expect_err("not Threat Dragon");
        assert!(err.starts_with("map.geojson: not an OWASP Threat Dragon model"), "{err}");
        let err = import(b"[1, 2]", "list.json").expect_err("not an object");
        assert!(err.contains("not an OWASP Threat Dragon model"), "{err}");
        let err = import(b"{\"summary\": ", "cut.json").expect_err("not JSON");
        assert!(err.starts_with("cut.json: not valid JSON"), "{err}");
    }

    #[test]
    fn hostile_input_never_panics() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = import(deep.as_bytes(), "deep.json").expect_err("too deep");
        assert!(err.starts_with("deep.json: "), "{err}");
        let nested = String::from(
            r#"{"version":"2.2.0","summary":{"title":"x"},"detail":{"diagrams":[{"cells":[{"shape":"actor","data":{"name":"#,
        ) + &"[".repeat(5_000)
            + &"]".repeat(5_000)
            + "}}]}]}}";
        assert!(import(nested.as_bytes(), "nested.json").is_err());

        let cases = [
            "null",
            "42",
            "\"text\"",
            "{}",
            "{\"summary\": 3}",
            "{\"detail\": []}",
            "{\"detail\": {\"diagrams\": {}}}",
            r#"{"version": 2, "detail": {"diagrams": []}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [3, "x", null]}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [{"cells": "none"}, {}]}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [{"cells": [1, [], {"shape": 5},
                {"shape": "actor", "position": [1, 2], "size": {"width": "w"}, "data": []}]}]}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [{"cells": [
                {"id": "a", "shape": "actor", "data": {"name": 7, "threats": [1, {"title": []}, {"status": {}}]}},
                {"shape": "flow", "source": {"cell": {}}, "target": 3, "vertices": "v"}]}]}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [{"cells": [
                {"id": "a", "shape": "actor", "position": {"x": 1e308, "y": -1e308}, "size": {"width": 1e308, "height": -5}},
                {"id": "b", "shape": "trust-boundary-box", "position": {"x": 0, "y": 0}, "size": {"width": 0, "height": 0}},
                {"id": "c", "shape": "trust-boundary-box", "position": {"x": 0, "y": 0}, "size": {"width": 1e308, "height": 1e308}},
                {"shape": "flow", "source": {"cell": "a"}, "target": {"cell": "a"}, "vertices": [{"x": 1e308, "y": 1e308}]},
                {"shape": "flow", "source": {"cell": "a"}, "target": {"cell": "b"}},
                {"shape": "trust-boundary-curve", "source": {"x": 1e308, "y": 0}, "target": {"x": -1e308, "y": 0},
                 "vertices": [{"x": 0, "y": 1e308}]},
                {"shape": "mystery"}, {}]},
                {"id": 1, "cells": [{"id": "a", "shape": "process", "position": {"x": -1e308, "y": 0}}]}]}}"#,
            r#"{"version": "2.2.0", "detail": {"diagrams": [{"cells": [
                {"id": "a", "shape": "store", "data": {"threats": [
                    {"id": "t", "status": "Accepted", "severity": "Extreme", "type": "Linkability", "modelType": "LINDDUN"},
                    {"id": "t", "status": "Transferred", "type": "Ephemeral", "score": 3},
                    {"status": "Mitigated"}, {"status": "Eliminated", "mitigation": "Removed"}, {"status": "NotApplicable"},
                    {"status": "???", "title": ""}]}}]}]}}"#,
            "\u{feff}{\"summary\": {}, \"detail\": {\"diagrams\": []}}",
        ];
        for case in cases {
            match import(case.as_bytes(), "hostile.json") {
                Ok(imported) => {
                    let _ = export(&imported.model);
                }
                Err(e) => assert!(e.starts_with("hostile.json: "), "{e}"),
            }
        }
        assert!(import(b"\xff\xfe\x00{", "bytes.json").is_err());
    }

    #[test]
    fn a_very_long_name_is_kept_and_its_key_is_short() {
        let long = "Zahlungsdienst ".repeat(700);
        let wide = "Ä".repeat(10_000);
        let threat =
            json!({ "title": long, "status": "Open", "severity": "High", "type": "Spoofing", "mitigation": long });
        let actor = json!({
            "id": "a",
            "shape": "actor",
            "position": { "x": 0, "y": 0 },
            "size": { "width": 10, "height": 10 },
            "data": { "type": "tm.Actor", "name": wide, "threats": [threat] },
        });
        let process = json!({ "id": "b", "shape": "process", "data": { "type": "tm.Process", "name": long } });
        let flow = json!({
            "id": "f",
            "shape": "flow",
            "source": { "cell": "a" },
            "target": { "cell": "b" },
            "data": { "type": "tm.Flow", "name": long },
        });
        let diagram = json!({ "id": 0, "title": wide, "diagramType": "STRIDE", "cells": [actor, process, flow] });
        let doc = json!({
            "version": "2.2.0",
            "summary": { "title": long },
            "detail": { "contributors": [], "diagramTop": 1, "reviewer": "", "threatTop": 1, "diagrams": [diagram] },
        });
        let m = import(doc.to_string().as_bytes(), "long.json").expect("imports").model;
        let all: Vec<&Key> = m.elements().map(|e| e.key()).chain(m.flows.iter().map(|f| &f.key)).collect();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|k| k.problem().is_none()), "{all:?}");
        assert_eq!(m.external_entities[0].name.as_deref(), Some(wide.as_str()));
        assert_eq!(m.processes[0].name.as_deref().map(str::len), Some(long.trim().len()));
        assert!(m.mitigations[0].title.chars().count() <= TITLE_CHARS);
        assert!(export(&m).is_ok());
    }

    /// What a round trip must keep, compared by names (keys may be handed out anew).
    /// Elements (kind, name), flows, boundaries and threats of a model, for comparing.
    type Essentials = (BTreeSet<(String, String)>, BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);

    fn essentials(m: &Model) -> Essentials {
        let name_of = |k: &Key| {
            m.elements()
                .find(|e| e.key() == k)
                .map(|e| e.name().to_owned())
                .or_else(|| m.flows.iter().find(|f| &f.key == k).map(|f| f.display_name().to_owned()))
                .unwrap_or_else(|| k.to_string())
        };
        let elements = m.elements().map(|e| (e.name().to_owned(), e.kind().as_str().to_owned())).collect();
        let flows = m
            .flows
            .iter()
            .map(|f| {
                format!(
                    "{} {} -> {} {:?} {:?} {}",
                    f.display_name(),
                    name_of(&f.from),
                    name_of(&f.to),
                    f.protocol,
                    f.encryption,
                    f.bidirectional
                )
            })
            .collect();
        let boundaries = m
            .boundaries
            .iter()
            .map(|b| {
                let mut members: Vec<String> = b.members.iter().map(name_of).collect();
                members.sort();
                format!("{} [{}] {:?}", b.display_name(), members.join(", "), b.kind)
            })
            .collect();
        let threats = m
            .threats
            .iter()
            .map(|t| {
                format!(
                    "{} | {} | {} | {:?} | {:?}/{:?} | {:?}",
                    t.title,
                    t.status.as_str(),
                    name_of(&t.target),
                    t.stride,
                    t.likelihood,
                    t.impact,
                    t.response.reason
                )
            })
            .collect();
        (elements, flows, boundaries, threats)
    }

    #[test]
    fn round_trip_keeps_elements_flows_boundaries_and_threats() {
        let first = portal().model;
        let text = export(&first).expect("exports");
        let second = import(text.as_bytes(), "exported.json").expect("the export imports").model;
        assert_eq!(essentials(&first), essentials(&second));
        assert_eq!(second.system.name, first.system.name);
        assert_eq!(second.system.owner, first.system.owner);
        assert_eq!(second.system.description, first.system.description);
        let statuses = |m: &Model| {
            let mut v: Vec<(String, &str)> =
                m.mitigations.iter().map(|x| (x.description.clone(), x.status.as_str())).collect();
            v.sort();
            v
        };
        assert_eq!(statuses(&first), statuses(&second));
        let tagged = |m: &Model| m.external_entities.iter().filter(|e| e.tags.contains(TAG_OUT_OF_SCOPE)).count();
        assert_eq!(tagged(&second), 1);
    }

    #[test]
    fn export_writes_threat_dragon_v2() {
        let m = portal().model;
        let text = export(&m).expect("exports");
        assert_eq!(text, export(&m).expect("exports again"), "deterministic");
        let v: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(v["version"], "2.2.0");
        assert_eq!(v["summary"]["title"], "Payments Portal");
        assert_eq!(v["summary"]["id"], 0);
        assert_eq!(v["detail"]["diagramTop"], 1);
        assert_eq!(v["detail"]["threatTop"], 9);
        let diagram = &v["detail"]["diagrams"][0];
        assert_eq!(diagram["diagramType"], "STRIDE");
        assert_eq!(diagram["thumbnail"], THUMBNAIL);
        let cells = diagram["cells"].as_array().expect("cells");
        assert_eq!(cells.len(), 1 + 6 + 6);
        let mut threats = Vec::new();
        for c in cells {
            let id = c["id"].as_str().expect("cell id");
            assert!(Uuid::parse_str(id).is_ok(), "{id}");
            assert!(c["zIndex"].is_i64());
            let shape = c["shape"].as_str().expect("shape");
            if shape == "flow" {
                assert!(c["source"]["cell"].as_str().is_some_and(|s| !s.is_empty()));
                assert!(c["target"]["cell"].as_str().is_some_and(|s| !s.is_empty()));
                assert_eq!(c["attrs"]["line"]["targetMarker"]["name"], "block");
            } else {
                assert!(c["position"]["x"].is_f64() && c["size"]["width"].is_f64(), "{c}");
            }
            assert!(c["data"]["name"].is_string() && c["data"]["type"].is_string());
            if shape != "trust-boundary-box" {
                threats.extend(c["data"]["threats"].as_array().expect("threats").iter().cloned());
            }
        }
        assert_eq!(threats.len(), 9);
        for t in &threats {
            for field in [
                "id",
                "title",
                "status",
                "severity",
                "type",
                "description",
                "mitigation",
                "modelType",
                "new",
                "number",
                "score",
            ] {
                assert!(t.get(field).is_some(), "{field} in {t}");
            }
            assert!(["Open", "Mitigated", "NotApplicable"].contains(&t["status"].as_str().unwrap_or_default()));
        }
        let backups =
            threats.iter().find(|t| t["title"] == "Database backups readable by the reporting team").expect("threat");
        assert_eq!(backups["type"], "Information disclosure");
        assert_eq!(backups["severity"], "High");
        assert_eq!(backups["status"], "Mitigated");
    }

    #[test]
    fn export_lays_out_a_model_without_positions() {
        let mut m = Model::new("Tiny");
        let mut client: ExternalEntity = blank(&Key::from("client"));
        client.name = Some("Client".into());
        m.external_entities.push(client);
        let mut api: Process = blank(&Key::from("api"));
        api.internet_facing = Some(true);
        m.processes.push(api);
        let mut calls = blank_flow(&Key::from("calls"), &Key::from("client"), &Key::from("api"));
        calls.protocol = Some(Protocol::Https);
        m.flows.push(calls);
        let mut dc: Boundary = blank(&Key::from("dc"));
        dc.members = vec![Key::from("api")];
        m.boundaries.push(dc);
        let record = threat_record(
            &m,
            Uuid::nil(),
            &Key::from("api"),
            "Token replay",
            "",
            Stride::Spoofing,
            (3, 4),
            ThreatStatus::MitigationPlanned,
            Response::default(),
        );
        m.threats.push(record);
        let text = export(&m).expect("exports");
        let v: Value = serde_json::from_str(&text).expect("JSON");
        let cells = v["detail"]["diagrams"][0]["cells"].as_array().expect("cells");
        for c in cells.iter().filter(|c| c["shape"] != "flow") {
            assert!(c["position"]["x"].is_f64() && c["size"]["height"].as_f64().is_some_and(|h| h > 0.0), "{c}");
        }
        let flow = cells.iter().find(|c| c["shape"] == "flow").expect("flow");
        assert_eq!(flow["data"]["isEncrypted"], true);
        assert_eq!(flow["data"]["isPublicNetwork"], true);
        assert_eq!(flow["data"]["protocol"], "https");
        let process = cells.iter().find(|c| c["shape"] == "process").expect("process");
        let threat = &process["data"]["threats"][0];
        assert_eq!(threat["status"], "Open");
        assert_eq!(threat["severity"], "High");
        assert_eq!(threat["number"], 1);
        assert!(threat["description"].as_str().is_some_and(|d| d.contains("mitigation planned")));

        let back = import(text.as_bytes(), "tiny.json").expect("re-imports").model;
        let dc = back.boundaries.iter().find(|b| b.name.as_deref() == Some("dc")).expect("boundary");
        assert_eq!(keys(&dc.members), ["api"]);
    }

    #[test]
    fn export_refuses_a_flow_to_nothing() {
        let mut m = Model::new("Broken");
        m.processes.push(blank(&Key::from("api")));
        m.flows.push(blank_flow(&Key::from("f"), &Key::from("api"), &Key::from("ghost")));
        let err = export(&m).expect_err("dangling flow");
        assert!(err.contains("`ghost`"), "{err}");
    }

    #[test]
    fn statuses_map_to_what_the_lifecycle_accepts() {
        let open = decide("Open", Some("fix"), "");
        assert_eq!((open.status, open.mitigation), (ThreatStatus::Open, Some(MitigationStatus::Proposed)));
        assert_eq!(open.note, None);
        let mitigated = decide("Mitigated", Some("fixed"), "");
        assert_eq!(
            (mitigated.status, mitigated.mitigation),
            (ThreatStatus::Mitigated, Some(MitigationStatus::Implemented))
        );
        let bare = decide("mitigated", None, "");
        assert_eq!(bare.status, ThreatStatus::Open);
        assert!(bare.note.is_some_and(|(k, _)| k == NoteKind::NeedsReview));
        for na in ["NA", "NotApplicable", "not applicable"] {
            let o = decide(na, Some("Removed in 4.2"), "d");
            assert_eq!(o.status, ThreatStatus::NotApplicable);
            assert_eq!(o.response.reason.as_deref(), Some("Removed in 4.2"));
            assert_eq!(o.mitigation, None);
        }
        assert_eq!(decide("NA", None, "desc").response.reason.as_deref(), Some("desc"));
        assert_eq!(decide("NA", None, " ").response.reason.as_deref(), Some(NA_REASON));
        for status in ["Accepted", "Transferred", "", "Whatever"] {
            let o = decide(status, None, "");
            assert_eq!(o.status, ThreatStatus::Open, "{status}");
            assert!(o.note.is_some_and(|(k, _)| k == NoteKind::NeedsReview), "{status}");
        }
        assert_eq!(decide("Eliminated", Some("gone"), "").status, ThreatStatus::Mitigated);
    }

    #[test]
    fn categories_protocols_and_titles() {
        assert_eq!(category_of("Information disclosure"), (Stride::InformationDisclosure, Fit::Exact));
        assert_eq!(category_of("Elevation of privilege"), (Stride::ElevationOfPrivilege, Fit::Exact));
        assert_eq!(category_of("Confidentiality"), (Stride::InformationDisclosure, Fit::Closest));
        assert_eq!(category_of("Availability"), (Stride::DenialOfService, Fit::Closest));
        assert_eq!(category_of("Non-repudiation"), (Stride::Repudiation, Fit::Closest));
        assert_eq!(category_of("Linkability"), (Stride::InformationDisclosure, Fit::Closest));
        assert_eq!(category_of("Unawareness"), (Stride::Spoofing, Fit::Unmapped));

        assert_eq!(protocol_of("HTTPS"), Some(Protocol::Https));
        assert_eq!(protocol_of("gRPC"), Some(Protocol::Grpc));
        assert_eq!(protocol_of("PostgreSQL (TLS)"), Some(Protocol::Sql));
        assert_eq!(protocol_of("REST over HTTPS"), Some(Protocol::Https));
        assert_eq!(protocol_of("ISO 8583 over TLS (leased line)"), None);
        assert_eq!(protocol_of("syslog"), None);

        assert_eq!(title_of("Short.\nSecond line"), "Short.");
        let long = "word ".repeat(40);
        let t = title_of(&long);
        assert!(t.ends_with('…') && t.chars().count() <= TITLE_CHARS, "{t}");
        assert_eq!(title_of(&"é".repeat(200)).chars().count(), TITLE_CHARS);

        assert!(super::super::geometry::segments_meet((0.0, 0.0), (2.0, 2.0), (0.0, 2.0), (2.0, 0.0)));
        assert!(!super::super::geometry::segments_meet((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)));
        assert_eq!(boundary_kind("Cardholder Data Environment"), Some(BoundaryKind::RestrictedZone));
        assert_eq!(boundary_kind("Internet"), Some(BoundaryKind::Internet));
        assert_eq!(boundary_kind("Payments"), None);
        assert_eq!(number_of("TW-0042"), Some(42));
    }

    #[test]
    fn merged_diagrams_are_placed_side_by_side() {
        let cell = |id: &str, name: &str| {
            json!({ "id": id, "shape": "process", "position": { "x": 0, "y": 0 },
                    "size": { "width": 100, "height": 100 }, "data": { "type": "tm.Process", "name": name } })
        };
        let doc = json!({
            "version": "2.2.0",
            "summary": { "title": "Two" },
            "detail": { "diagrams": [
                { "id": 0, "title": "One", "cells": [cell("a", "Api")] },
                { "id": 1, "title": "Two", "cells": [cell("a", "Api")] }
            ] }
        });
        let Imported { model, report } = import(doc.to_string().as_bytes(), "two.json").expect("imports");
        assert_eq!(keys(&model.processes.iter().map(|p| p.key.clone()).collect::<Vec<_>>()), ["api", "api-2"]);
        let xs: Vec<f64> = model.processes.iter().filter_map(|p| p.position.map(|p| p.x)).collect();
        assert_eq!(xs, [0.0, 100.0 + DIAGRAM_GAP]);
        assert!(notes(&report, NoteKind::Mapped).iter().any(|n| n.contains("2 diagrams merged")));
    }
}
