//! Microsoft Threat Modeling Tool `.tm7` → model: external interactors, processes and
//! data stores with their names and positions; connectors become flows; box ("border")
//! trust boundaries become boundaries whose members are decided by geometry (an element
//! belongs to the innermost box holding its centre; a box inside another is nested in
//! it); line boundaries are reported, with the flows they cross. Threat instances become
//! register records (manual threats) on their flow, with TMT's state, priority and
//! justification mapped to our lifecycle.
//!
//! Parsing: roxmltree with DTDs refused. A real `.tm7` never has a DTD, so any
//! `<!DOCTYPE` is refused before parsing: no entity is ever expanded and nothing is
//! fetched. Names are matched on local names (prefixes vary from file to file); the root
//! is checked against TMT's namespace. See `docs/import-formats.md` §2 for the format.

use super::{Imported, Keys, NoteKind, Report, blank, blank_flow, rank_of, stride_of, threat_id, threat_record};
use crate::model::props::{ProcessKind, Protocol, StoreKind};
use crate::model::{
    Boundary, DataStore, ExternalEntity, Key, Mitigation, MitigationStatus, Model, Position, Process, Response, Size,
    Stride, ThreatStatus,
};
use roxmltree::{Document, Node, ParsingOptions};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Namespace of the root `ThreatModel` element.
const MODEL_NS: &str = "http://schemas.datacontract.org/2004/07/ThreatModeling.Model";
/// `i:type` and `i:nil`.
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// `z:Id` and `z:Ref` of .NET's serializer.
const SERIALIZATION_NS: &str = "http://schemas.microsoft.com/2003/10/Serialization/";
/// The `b:Name` of the "Out Of Scope" property record (the same in every file seen).
const OUT_OF_SCOPE: &str = "71f3d9aa-b8ef-4e54-8126-607a1d903103";
/// The `b:Name` of the "Reason For Out Of Scope" property record.
const OUT_OF_SCOPE_REASON: &str = "752473b6-52d4-4776-9a24-202153f7d579";
/// Property records every stencil has and that are handled for all kinds.
const COMMON_PROPERTIES: &[&str] = &["Name", "Out Of Scope", "Reason For Out Of Scope", "Dataflow Order"];
/// Children of `ThreatModel` this importer knows (read, or deliberately left out).
const ROOT_CHILDREN: &[&str] = &[
    "DrawingSurfaceList",
    "MetaInformation",
    "Notes",
    "ThreatInstances",
    "ThreatGenerationEnabled",
    "Validations",
    "Version",
    "KnowledgeBase",
    "Profile",
];

/// Reads a `.tm7` file. Errors name `source` and, for XML syntax errors, the line and
/// column.
pub fn import(bytes: &[u8], source: &str) -> Result<Imported, String> {
    let text = decode(bytes, source)?;
    // roxmltree lets an empty DTD through; a .tm7 never has any, so refuse every one.
    if text.contains("<!DOCTYPE") {
        return Err(dtd_refused(source));
    }
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(&text, options).map_err(|e| parse_error(source, &e))?;
    let root = doc.root_element();
    check_root(root, source)?;

    let mut imp = Importer::new(source);
    let surfaces: Vec<Node<'_, '_>> =
        child(root, "DrawingSurfaceList").map(|l| elements(l).collect()).unwrap_or_default();
    imp.metadata(root, &surfaces);
    let shapes: Vec<Shape<'_, '_>> = surfaces.iter().enumerate().flat_map(|(i, s)| shapes_of(*s, i)).collect();
    // Elements and boxes first (flows refer to elements), then membership, then flows.
    for shape in &shapes {
        match shape.kind {
            Some(Kind::External | Kind::Process | Kind::Store) => imp.element(shape),
            Some(Kind::BoxBoundary) => imp.border(shape),
            _ => {}
        }
    }
    imp.membership();
    for shape in &shapes {
        match shape.kind {
            Some(Kind::Flow) => imp.flow(shape),
            Some(Kind::LineBoundary) => imp.line_boundary(shape),
            None => imp.unknown(shape),
            _ => {}
        }
    }
    imp.crossings();
    imp.threats(root, &categories(root));
    Ok(imp.finish())
}

// ---------------------------------------------------------------------------------------
// Text, XML and the root

/// The file as text: UTF-8 (a byte-order mark is dropped), or UTF-16 when it starts
/// with a UTF-16 byte-order mark (TMT writes UTF-8, but editors re-save files).
fn decode(bytes: &[u8], source: &str) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, source);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, source, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, source, u16::from_be_bytes);
    }
    utf8(bytes, source)
}

fn utf8(bytes: &[u8], source: &str) -> Result<String, String> {
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| {
        format!("{source}: not UTF-8 text (byte {} is not valid UTF-8); a .tm7 file is UTF-8 XML", e.valid_up_to())
    })
}

fn utf16(bytes: &[u8], source: &str, unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("{source}: not UTF-16 text (odd number of bytes after the byte-order mark)"));
    }
    // `chunks_exact(2)` yields slices of exactly two bytes, so both indexes exist.
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| format!("{source}: not valid UTF-16 text"))
}

fn dtd_refused(source: &str) -> String {
    format!("{source}: XML with a DTD is refused (entity expansion is never enabled)")
}

fn parse_error(source: &str, e: &roxmltree::Error) -> String {
    match e {
        roxmltree::Error::DtdDetected => dtd_refused(source),
        _ => {
            let p = e.pos();
            format!("{source}: XML syntax error at line {}, column {}: {e}", p.row, p.col)
        }
    }
}

fn check_root(root: Node<'_, '_>, source: &str) -> Result<(), String> {
    let name = root.tag_name();
    if name.name() == "ThreatModel" && name.namespace() == Some(MODEL_NS) {
        return Ok(());
    }
    Err(format!(
        "{source}: not a Threat Modeling Tool model: the root element is <{}>{}, not <ThreatModel> in {MODEL_NS}",
        name.name(),
        name.namespace().map(|ns| format!(" in {ns}")).unwrap_or_default()
    ))
}

/// The first child element with this local name.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The child elements (comments and whitespace left out).
fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

/// `i:nil="true"`: a null value.
fn is_nil(node: Node<'_, '_>) -> bool {
    node.attribute((XSI_NS, "nil")).is_some_and(|v| v.trim() == "true")
}

/// The trimmed, non-empty text of the child element `name` (none when nil or absent).
fn text_in(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name)
        .filter(|c| !is_nil(*c))
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A finite number in the child element `name`.
fn number(node: Node<'_, '_>, name: &str) -> Option<f64> {
    text_in(node, name)?.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The local part of a QName (`b:StringDisplayAttribute` → `StringDisplayAttribute`).
fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// A GUID as a lookup key: trimmed, without braces, lower case.
fn norm_guid(s: &str) -> String {
    s.trim().trim_matches(|c| c == '{' || c == '}').to_ascii_lowercase()
}

/// The line of a node, for the report.
fn line(node: Node<'_, '_>) -> u32 {
    node.document().text_pos_at(node.range().start).row
}

/// Where a stencil is, for the report: its GUID and line.
fn at(guid: &str, node: Node<'_, '_>) -> Option<String> {
    Some(format!("{guid} (line {})", line(node)))
}

fn file_stem(source: &str) -> String {
    std::path::Path::new(source).file_stem().and_then(|s| s.to_str()).unwrap_or(source).to_owned()
}

/// A time as RFC 3339 UTC to the second; none for TMT's "never" (`0001-01-01T00:00:00`,
/// which has no offset) and for anything unreadable.
fn utc(text: &str) -> Option<String> {
    let t: jiff::Timestamp = text.trim().parse().ok()?;
    (t > jiff::Timestamp::UNIX_EPOCH).then(|| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

// ---------------------------------------------------------------------------------------
// Stencils and their property records

/// What a stencil is, for us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    External,
    Process,
    Store,
    BoxBoundary,
    LineBoundary,
    Flow,
}

/// The kind from `GenericTypeId` first (custom templates keep the generic id), else from
/// the drawing (`i:type`). The flag says the drawing decided.
fn kind_of(generic: &str, drawing: &str) -> (Option<Kind>, bool) {
    let by_generic = match generic {
        "GE.EI" | "GE.IE" => Some(Kind::External),
        "GE.P" | "GE.MP" => Some(Kind::Process),
        "GE.DS" => Some(Kind::Store),
        "GE.TB.B" => Some(Kind::BoxBoundary),
        "GE.TB.L" => Some(Kind::LineBoundary),
        "GE.DF" => Some(Kind::Flow),
        _ => None,
    };
    if by_generic.is_some() {
        return (by_generic, false);
    }
    let by_drawing = match drawing {
        "StencilRectangle" => Some(Kind::External),
        "StencilEllipse" => Some(Kind::Process),
        "StencilParallelLines" => Some(Kind::Store),
        "BorderBoundary" => Some(Kind::BoxBoundary),
        "LineBoundary" => Some(Kind::LineBoundary),
        "Connector" => Some(Kind::Flow),
        _ => None,
    };
    (by_drawing, by_drawing.is_some())
}

/// One property record of a stencil (an `a:anyType` under `Properties`).
#[derive(Clone, Debug)]
struct Prop {
    /// `HeaderDisplayAttribute`, `StringDisplayAttribute`, … (the local part of `i:type`).
    kind: String,
    display: String,
    /// The internal name (often empty or a GUID).
    name: String,
    /// The value; for a list, the selected option.
    value: Option<String>,
}

impl Prop {
    fn is_header(&self) -> bool {
        self.kind == "HeaderDisplayAttribute"
    }

    fn is_out_of_scope_flag(&self) -> bool {
        self.name == OUT_OF_SCOPE || self.display.eq_ignore_ascii_case("Out Of Scope")
    }

    fn is_out_of_scope_reason(&self) -> bool {
        self.name == OUT_OF_SCOPE_REASON || self.display.eq_ignore_ascii_case("Reason For Out Of Scope")
    }
}

fn props(node: Node<'_, '_>) -> Vec<Prop> {
    let Some(list) = child(node, "Properties") else {
        return Vec::new();
    };
    elements(list)
        .map(|rec| Prop {
            kind: rec.attribute((XSI_NS, "type")).map(local).unwrap_or_default().to_owned(),
            display: text_in(rec, "DisplayName").unwrap_or_default(),
            name: text_in(rec, "Name").unwrap_or_default(),
            value: prop_value(rec),
        })
        .collect()
}

/// A record's value: its text, or for a list the option at `SelectedIndex`.
fn prop_value(rec: Node<'_, '_>) -> Option<String> {
    let value = child(rec, "Value").filter(|v| !is_nil(*v))?;
    let options: Vec<Node<'_, '_>> = elements(value).collect();
    let chosen = if options.is_empty() {
        value.text()
    } else {
        let index = text_in(rec, "SelectedIndex")?.parse::<usize>().ok()?;
        options.get(index).and_then(|o| o.text())
    };
    chosen.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The value of the (non-header) record with this display name.
fn find<'p>(props: &'p [Prop], display: &str) -> Option<&'p str> {
    props
        .iter()
        .filter(|p| !p.is_header())
        .find(|p| p.display.eq_ignore_ascii_case(display))
        .and_then(|p| p.value.as_deref())
}

/// The first header record: the stencil type's display name ("Web Application").
fn header(props: &[Prop]) -> Option<&str> {
    props.iter().find(|p| p.is_header()).map(|p| p.display.as_str()).filter(|s| !s.is_empty())
}

/// `Yes`/`No` (and `true`/`false`) of list and boolean records; none for "Not Selected".
fn yes_no(value: Option<&str>) -> Option<bool> {
    match value?.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// The last dotted part of a template type id, lower case (`SE.DS.TMCore.SQL` → `sql`).
fn type_suffix(type_id: &str) -> String {
    type_id.rsplit('.').next().unwrap_or(type_id).to_ascii_lowercase()
}

fn process_kind(type_id: &str) -> Option<ProcessKind> {
    let t = type_suffix(type_id);
    let table = [
        ("webapp", ProcessKind::WebApp),
        ("website", ProcessKind::WebApp),
        ("webapi", ProcessKind::Service),
        ("webservice", ProcessKind::Service),
        ("service", ProcessKind::Service),
        ("function", ProcessKind::Function),
        ("gateway", ProcessKind::Gateway),
    ];
    table.into_iter().find(|(w, _)| t.contains(w)).map(|(_, k)| k)
}

fn store_kind(type_id: &str) -> Option<StoreKind> {
    let t = type_suffix(type_id);
    let table = [
        ("nosql", StoreKind::Nosql),
        ("cosmos", StoreKind::Nosql),
        ("sql", StoreKind::Sql),
        ("cache", StoreKind::Cache),
        ("redis", StoreKind::Cache),
        ("blob", StoreKind::ObjectStorage),
        ("bucket", StoreKind::ObjectStorage),
        ("storage", StoreKind::ObjectStorage),
        ("file", StoreKind::FileSystem),
        ("queue", StoreKind::Queue),
        ("bus", StoreKind::Queue),
        ("log", StoreKind::Log),
        ("vault", StoreKind::SecretsVault),
    ];
    table.into_iter().find(|(w, _)| t.contains(w)).map(|(_, k)| k)
}

/// A flow's protocol from its template type (`SE.DF.TMCore.HTTPS`) or header ("HTTPS").
fn flow_protocol(type_id: &str, header: Option<&str>) -> Option<Protocol> {
    let candidates = [type_suffix(type_id), header.unwrap_or_default().trim().to_ascii_lowercase()];
    candidates.iter().find_map(|c| match c.as_str() {
        "https" => Some(Protocol::Https),
        "http" => Some(Protocol::Http),
        "ssh" => Some(Protocol::Ssh),
        "sftp" => Some(Protocol::Sftp),
        "ftp" => Some(Protocol::Ftp),
        "smtp" => Some(Protocol::Smtp),
        "ldap" => Some(Protocol::Ldap),
        "amqp" => Some(Protocol::Amqp),
        "grpc" => Some(Protocol::Grpc),
        "websocket" => Some(Protocol::Websocket),
        _ => None,
    })
}

/// One entry of a diagram's `Borders` or `Lines` dictionary.
struct Shape<'a, 'i> {
    /// Normalised GUID (or `line N` when the entry has none).
    guid: String,
    /// The entry's `a:Value`.
    node: Node<'a, 'i>,
    kind: Option<Kind>,
    /// The kind came from the drawing, not from a known generic type.
    kind_from_drawing: bool,
    /// Local part of `i:type`.
    drawing: String,
    generic: String,
    type_id: String,
    /// Index of the diagram (drawing surface).
    surface: usize,
    props: Vec<Prop>,
}

impl Shape<'_, '_> {
    fn at(&self) -> Option<String> {
        at(&self.guid, self.node)
    }

    fn name(&self) -> Option<String> {
        find(&self.props, "Name").map(str::to_owned)
    }

    /// A template type of its own (not the generic stencil).
    fn is_specific(&self) -> bool {
        !self.type_id.is_empty() && self.type_id != self.generic
    }
}

fn shapes_of<'a, 'i>(surface: Node<'a, 'i>, index: usize) -> Vec<Shape<'a, 'i>> {
    let mut out = Vec::new();
    for dictionary in ["Borders", "Lines"] {
        let Some(entries) = child(surface, dictionary) else {
            continue;
        };
        for entry in elements(entries) {
            let Some(value) = child(entry, "Value") else {
                continue;
            };
            let guid = text_in(value, "Guid")
                .or_else(|| text_in(entry, "Key"))
                .map(|g| norm_guid(&g))
                .unwrap_or_else(|| format!("line {}", line(entry)));
            let drawing = value.attribute((XSI_NS, "type")).map(local).unwrap_or_default().to_owned();
            let generic = text_in(value, "GenericTypeId").unwrap_or_default();
            let type_id = text_in(value, "TypeId").unwrap_or_default();
            // A back-reference to an object serialized elsewhere is never followed.
            let (kind, kind_from_drawing) = if value.attribute((SERIALIZATION_NS, "Ref")).is_some() {
                (None, false)
            } else {
                kind_of(&generic, &drawing)
            };
            out.push(Shape {
                guid,
                node: value,
                kind,
                kind_from_drawing,
                drawing,
                generic,
                type_id,
                surface: index,
                props: props(value),
            });
        }
    }
    out
}

/// `ThreatCategories` of the knowledge base: id (`S`) → name (`Spoofing`).
fn categories(root: Node<'_, '_>) -> HashMap<String, String> {
    let Some(list) = child(root, "KnowledgeBase").and_then(|kb| child(kb, "ThreatCategories")) else {
        return HashMap::new();
    };
    elements(list).filter_map(|c| Some((text_in(c, "Id")?, text_in(c, "Name")?))).collect()
}

// ---------------------------------------------------------------------------------------
// Geometry

type Point = (f64, f64);

#[derive(Clone, Copy, Debug)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn of(position: Option<Position>, size: Option<Size>) -> Option<Rect> {
        let (p, s) = (position?, size?);
        Some(Rect { x: p.x, y: p.y, w: s.width, h: s.height })
    }

    fn area(self) -> f64 {
        self.w * self.h
    }

    fn centre(self) -> Point {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    fn holds(self, (x, y): Point) -> bool {
        self.x <= x && x <= self.x + self.w && self.y <= y && y <= self.y + self.h
    }

    fn encloses(self, o: Rect) -> bool {
        self.x <= o.x && self.y <= o.y && o.x + o.w <= self.x + self.w && o.y + o.h <= self.y + self.h
    }
}

/// `Left`/`Top` and `Width`/`Height` of a stencil (a size only when positive).
fn geometry(node: Node<'_, '_>) -> (Option<Position>, Option<Size>) {
    let position = match (number(node, "Left"), number(node, "Top")) {
        (Some(x), Some(y)) => Some(Position { x, y }),
        _ => None,
    };
    let size = match (number(node, "Width"), number(node, "Height")) {
        (Some(width), Some(height)) if width > 0.0 && height > 0.0 => Some(Size { width, height }),
        _ => None,
    };
    (position, size)
}

/// A connector or line boundary as a polyline: source, handle (the curve's control
/// point, when given), target. Empty when an end has no coordinates.
fn path_points(node: Node<'_, '_>) -> Vec<Point> {
    let point = |x: &str, y: &str| Some((number(node, x)?, number(node, y)?));
    let (Some(start), Some(end)) = (point("SourceX", "SourceY"), point("TargetX", "TargetY")) else {
        return Vec::new();
    };
    match point("HandleX", "HandleY") {
        Some(handle) => vec![start, handle, end],
        None => vec![start, end],
    }
}

/// Orders boxes innermost first: smaller area, then (for equal boxes) the later one,
/// which `is_outer` treats as nested in the earlier.
fn innermost_first(a: &(usize, usize, Rect), b: &(usize, usize, Rect)) -> Ordering {
    a.2.area().total_cmp(&b.2.area()).then(b.0.cmp(&a.0))
}

/// Whether box `q` (index `j`) can be outside box `r` (index `i`): larger, or equal and
/// earlier. A strict order, so nesting never loops.
fn is_outer(q: Rect, j: usize, r: Rect, i: usize) -> bool {
    match q.area().total_cmp(&r.area()) {
        Ordering::Greater => true,
        Ordering::Equal => j < i,
        Ordering::Less => false,
    }
}

// ---------------------------------------------------------------------------------------
// The importer

/// An element with where it is drawn.
struct Placed {
    key: Key,
    surface: usize,
    /// The point that decides its boundary: its centre (or its corner without a size).
    anchor: Option<Point>,
}

/// A box boundary: its index in `model.boundaries`, diagram and rectangle.
struct BoxShape {
    index: usize,
    surface: usize,
    rect: Option<Rect>,
}

/// A line boundary, kept to report the flows it crosses.
struct LineShape {
    name: String,
    at: Option<String>,
    surface: usize,
    points: Vec<Point>,
}

struct Importer {
    model: Model,
    report: Report,
    keys: Keys,
    /// Elements in document order.
    placed: Vec<Placed>,
    /// Element GUID → index in `placed`.
    by_guid: HashMap<String, usize>,
    /// Flow GUID → flow key.
    flows: HashMap<String, Key>,
    /// Each flow's drawn path, with its diagram.
    flow_paths: Vec<(Key, usize, Vec<Point>)>,
    boxes: Vec<BoxShape>,
    lines: Vec<LineShape>,
    /// Flows with a "Dataflow Order" number (a display aid, not taken over).
    ordered_flows: usize,
    /// Threats TMT generated that nobody triaged.
    untriaged: usize,
}

impl Importer {
    fn new(source: &str) -> Importer {
        Importer {
            model: Model::new(file_stem(source)),
            report: Report::new("tm7", source),
            keys: Keys::new(),
            placed: Vec::new(),
            by_guid: HashMap::new(),
            flows: HashMap::new(),
            flow_paths: Vec::new(),
            boxes: Vec::new(),
            lines: Vec::new(),
            ordered_flows: 0,
            untriaged: 0,
        }
    }

    fn finish(mut self) -> Imported {
        if self.ordered_flows > 0 {
            self.report.note(
                NoteKind::Unsupported,
                None,
                None,
                format!(
                    "the \"Dataflow Order\" numbers of {} flows (a display aid of TMT) are not taken over",
                    self.ordered_flows
                ),
            );
        }
        if self.untriaged > 0 {
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                format!("{} threats TMT generated and nobody triaged (AutoGenerated) are open", self.untriaged),
            );
        }
        self.report.count(&self.model);
        Imported { model: self.model, report: self.report }
    }

    /// The system from `MetaInformation`; notes and unknown sections are reported.
    fn metadata(&mut self, root: Node<'_, '_>, surfaces: &[Node<'_, '_>]) {
        let meta = child(root, "MetaInformation");
        let field = |name: &str| meta.and_then(|m| text_in(m, name));
        let diagram_title = surfaces.first().and_then(|s| text_in(*s, "Header"));
        if let Some(name) = field("ThreatModelName").or(diagram_title) {
            self.model.system.name = name;
        }
        self.model.system.description = field("HighLevelSystemDescription");
        self.model.system.owner = field("Owner");
        if let Some(a) = field("Assumptions") {
            self.model.system.assumptions.push(a);
        }
        if let Some(d) = field("ExternalDependencies") {
            self.model.system.assumptions.push(format!("External dependencies: {d}"));
        }
        for (label, value) in [("contributors", field("Contributors")), ("reviewer", field("Reviewer"))] {
            if let Some(v) = value {
                self.report.note(
                    NoteKind::Unsupported,
                    Some("MetaInformation".to_owned()),
                    None,
                    format!("TMT's {label} ({v}) are not taken over; sign-offs are recorded as reviews"),
                );
            }
        }
        if let Some(notes) = child(root, "Notes") {
            for note in elements(notes) {
                if let Some(message) = text_in(note, "Message") {
                    self.report.note(
                        NoteKind::Unsupported,
                        Some(format!("note (line {})", line(note))),
                        None,
                        format!("TMT note not taken over: {message}"),
                    );
                }
            }
        }
        for c in elements(root) {
            let name = c.tag_name().name();
            if !ROOT_CHILDREN.contains(&name) {
                self.report.note(
                    NoteKind::Unsupported,
                    Some(format!("line {}", line(c))),
                    None,
                    format!("unknown section <{name}> is not taken over"),
                );
            }
        }
        if surfaces.len() > 1 {
            let titles: Vec<String> = surfaces
                .iter()
                .enumerate()
                .map(|(i, s)| text_in(*s, "Header").unwrap_or_else(|| format!("diagram {}", i + 1)))
                .collect();
            self.report.note(
                NoteKind::NeedsReview,
                None,
                None,
                format!(
                    "{} diagrams ({}) were merged into one model; their shapes may overlap on the canvas",
                    surfaces.len(),
                    titles.join(", ")
                ),
            );
        }
    }

    /// Tags an item out of scope when TMT says so and lists it in the system's
    /// out-of-scope text. Returns whether it is.
    fn out_of_scope(&mut self, shape: &Shape<'_, '_>, key: &Key, label: &str) -> bool {
        let flagged = shape
            .props
            .iter()
            .any(|p| p.is_out_of_scope_flag() && p.value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true")));
        if !flagged {
            return false;
        }
        let reason = shape.props.iter().find(|p| p.is_out_of_scope_reason()).and_then(|p| p.value.clone());
        let entry = match &reason {
            Some(r) => format!("{label}: {r}"),
            None => label.to_owned(),
        };
        let scope = self.model.system.out_of_scope.get_or_insert_with(String::new);
        if !scope.is_empty() {
            scope.push('\n');
        }
        scope.push_str(&entry);
        self.report.note(
            NoteKind::Mapped,
            shape.at(),
            Some(key),
            format!(
                "out of scope in TMT{}: tagged `out-of-scope` and listed in the system's out-of-scope text",
                reason.map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        );
        true
    }

    /// Reports property records that were not taken over.
    fn leftover(&mut self, shape: &Shape<'_, '_>, handled: &[&str], key: &Key) {
        let rest: Vec<String> = shape
            .props
            .iter()
            .filter(|p| !p.is_header() && !p.is_out_of_scope_flag() && !p.is_out_of_scope_reason())
            .filter(|p| !COMMON_PROPERTIES.iter().chain(handled).any(|h| p.display.eq_ignore_ascii_case(h)))
            .filter_map(|p| p.value.as_ref().map(|v| format!("{} = {v}", p.display)))
            .collect();
        if !rest.is_empty() {
            self.report.note(
                NoteKind::Unsupported,
                shape.at(),
                Some(key),
                format!("TMT properties not taken over ({}): {}", shape.type_id, rest.join(", ")),
            );
        }
    }

    /// An external interactor, process or data store.
    fn element(&mut self, shape: &Shape<'_, '_>) {
        let (fallback, kind) = match shape.kind {
            Some(Kind::External) => ("external-entity", Kind::External),
            Some(Kind::Process) => ("process", Kind::Process),
            _ => ("data-store", Kind::Store),
        };
        let name = shape.name();
        let label = header(&shape.props).map(str::to_owned);
        let key = self.keys.take(name.as_deref().or(label.as_deref()).unwrap_or(fallback), fallback);
        let (position, size) = geometry(shape.node);
        let display = name.clone().unwrap_or_else(|| key.to_string());
        let out = self.out_of_scope(shape, &key, &display);
        let technology = if shape.is_specific() { label } else { None };
        let mut tags = std::collections::BTreeSet::new();
        if out {
            tags.insert("out-of-scope".to_owned());
        }
        let handled: &[&str] = match kind {
            Kind::External => {
                let mut e: ExternalEntity = blank(&key);
                e.name = name;
                e.tags = tags;
                e.position = position;
                e.size = size;
                self.model.external_entities.push(e);
                &[]
            }
            Kind::Process => {
                let mut p: Process = blank(&key);
                p.name = name;
                p.kind = process_kind(&shape.type_id);
                p.technology = technology;
                p.input_validation = yes_no(find(&shape.props, "Sanitizes Input"));
                p.tags = tags;
                p.position = position;
                p.size = size;
                self.model.processes.push(p);
                &["Sanitizes Input"]
            }
            _ => {
                let mut s: DataStore = blank(&key);
                s.name = name;
                s.kind = store_kind(&shape.type_id);
                s.technology = technology;
                s.encrypted_at_rest = yes_no(find(&shape.props, "Encrypted"));
                s.tags = tags;
                s.position = position;
                s.size = size;
                self.model.data_stores.push(s);
                &["Encrypted"]
            }
        };
        if shape.kind_from_drawing {
            self.report.note(
                NoteKind::Inferred,
                shape.at(),
                Some(&key),
                format!(
                    "generic type `{}` is unknown; taken as a {fallback} from its drawing ({})",
                    shape.generic, shape.drawing
                ),
            );
        }
        self.leftover(shape, handled, &key);
        if self.by_guid.contains_key(&shape.guid) {
            self.report.note(
                NoteKind::NeedsReview,
                shape.at(),
                Some(&key),
                format!("GUID {} is used by two elements; flows and threats go to the later one", shape.guid),
            );
        }
        let anchor = Rect::of(position, size).map(Rect::centre).or(position.map(|p| (p.x, p.y)));
        self.by_guid.insert(shape.guid.clone(), self.placed.len());
        self.placed.push(Placed { key, surface: shape.surface, anchor });
    }

    /// A trust boundary drawn as a box.
    fn border(&mut self, shape: &Shape<'_, '_>) {
        let name = shape.name();
        let key = self.keys.take(name.as_deref().unwrap_or("boundary"), "boundary");
        let (position, size) = geometry(shape.node);
        let mut b: Boundary = blank(&key);
        b.name = name;
        b.position = position;
        b.size = size;
        let rect = Rect::of(position, size);
        if rect.is_none() {
            self.report.note(
                NoteKind::NeedsReview,
                shape.at(),
                Some(&key),
                "the boundary has no usable position and size, so which elements it holds is unknown: add its members",
            );
        }
        self.leftover(shape, &[], &key);
        self.boxes.push(BoxShape { index: self.model.boundaries.len(), surface: shape.surface, rect });
        self.model.boundaries.push(b);
    }

    /// Members and nesting of box boundaries, from the drawing: an element belongs to the
    /// innermost box holding its centre; a box lies in the smallest box enclosing it.
    fn membership(&mut self) {
        let boxes: Vec<(usize, usize, Rect)> =
            self.boxes.iter().filter_map(|b| b.rect.map(|r| (b.index, b.surface, r))).collect();
        let mut parents = Vec::new();
        for &(i, surface, r) in &boxes {
            let parent = boxes
                .iter()
                .filter(|&&(j, s, q)| s == surface && j != i && q.encloses(r) && is_outer(q, j, r, i))
                .min_by(|a, b| innermost_first(a, b))
                .map(|&(j, _, _)| j);
            if let Some(j) = parent {
                parents.push((i, j));
            }
        }
        for (i, j) in parents {
            let parent = self.model.boundaries.get(j).map(|b| b.key.clone());
            if let Some(b) = self.model.boundaries.get_mut(i) {
                b.parent = parent;
            }
        }
        let mut members = Vec::new();
        for p in &self.placed {
            let Some(point) = p.anchor else {
                continue;
            };
            let home = boxes
                .iter()
                .filter(|&&(_, s, q)| s == p.surface && q.holds(point))
                .min_by(|a, b| innermost_first(a, b))
                .map(|&(j, _, _)| j);
            if let Some(j) = home {
                members.push((j, p.key.clone()));
            }
        }
        for (j, key) in members {
            if let Some(b) = self.model.boundaries.get_mut(j) {
                b.members.push(key);
            }
        }
        for b in &self.boxes {
            let Some(boundary) = self.model.boundaries.get(b.index) else {
                continue;
            };
            if b.rect.is_none() {
                continue;
            }
            let listed: Vec<&str> = boundary.members.iter().map(Key::as_str).collect();
            let message = if listed.is_empty() {
                "holds no element by the drawing (no element's centre lies inside it)".to_owned()
            } else {
                format!("members decided by the drawing (element centre inside the box): {}", listed.join(", "))
            };
            self.report.note(NoteKind::Inferred, None, Some(&boundary.key), message);
        }
        if !self.boxes.is_empty() {
            let unplaced: Vec<String> =
                self.placed.iter().filter(|p| p.anchor.is_none()).map(|p| p.key.to_string()).collect();
            if !unplaced.is_empty() {
                self.report.note(
                    NoteKind::NeedsReview,
                    None,
                    None,
                    format!("no position in the diagram, so no boundary could be decided for: {}", unplaced.join(", ")),
                );
            }
        }
    }

    /// The element key at a connector's end, if the end is attached to an element.
    fn end(&self, node: Node<'_, '_>, field: &str) -> Option<Key> {
        let guid = text_in(node, field).map(|g| norm_guid(&g))?;
        let index = self.by_guid.get(&guid)?;
        self.placed.get(*index).map(|p| p.key.clone())
    }

    /// A connector: a data flow.
    fn flow(&mut self, shape: &Shape<'_, '_>) {
        let name = shape.name();
        let (from, to) = (self.end(shape.node, "SourceGuid"), self.end(shape.node, "TargetGuid"));
        let (Some(from), Some(to)) = (from, to) else {
            let loose: Vec<&str> =
                [("source", self.end(shape.node, "SourceGuid")), ("target", self.end(shape.node, "TargetGuid"))]
                    .into_iter()
                    .filter(|(_, k)| k.is_none())
                    .map(|(end, _)| end)
                    .collect();
            self.report.note(
                NoteKind::NeedsReview,
                shape.at(),
                None,
                format!(
                    "data flow \"{}\" is not attached to an element at its {}; not taken over",
                    name.as_deref().unwrap_or("(unnamed)"),
                    loose.join(" and ")
                ),
            );
            return;
        };
        let key = self.keys.take(name.as_deref().unwrap_or("flow"), "flow");
        let mut f = blank_flow(&key, &from, &to);
        f.protocol = flow_protocol(&shape.type_id, header(&shape.props));
        let display = name.clone().unwrap_or_else(|| key.to_string());
        f.name = name;
        if self.out_of_scope(shape, &key, &display) {
            f.tags.insert("out-of-scope".to_owned());
        }
        if find(&shape.props, "Dataflow Order").is_some() {
            self.ordered_flows += 1;
        }
        if shape.kind_from_drawing {
            self.report.note(
                NoteKind::Inferred,
                shape.at(),
                Some(&key),
                format!("generic type `{}` is unknown; taken as a data flow from its drawing", shape.generic),
            );
        }
        self.leftover(shape, &[], &key);
        self.flows.insert(shape.guid.clone(), key.clone());
        self.flow_paths.push((key, shape.surface, path_points(shape.node)));
        self.model.flows.push(f);
    }

    /// A trust boundary drawn as a line: reported (it separates nothing by itself).
    fn line_boundary(&mut self, shape: &Shape<'_, '_>) {
        let name =
            shape.name().or_else(|| header(&shape.props).map(str::to_owned)).unwrap_or_else(|| "(unnamed)".to_owned());
        self.report.note(
            NoteKind::Unsupported,
            shape.at(),
            None,
            format!(
                "trust boundary \"{name}\" ({}) is drawn as a line, which separates nothing by itself; \
                 not taken over: draw a box boundary around one side instead",
                shape.type_id
            ),
        );
        self.lines.push(LineShape { name, at: shape.at(), surface: shape.surface, points: path_points(shape.node) });
    }

    /// For each line boundary, the flows whose drawn path crosses it.
    fn crossings(&mut self) {
        let mut notes = Vec::new();
        for line in &self.lines {
            if line.points.len() < 2 {
                continue;
            }
            let crossing: Vec<&str> = self
                .flow_paths
                .iter()
                .filter(|(_, s, path)| *s == line.surface && super::geometry::paths_meet(&line.points, path))
                .map(|(k, _, _)| k.as_str())
                .collect();
            if !crossing.is_empty() {
                notes.push((
                    line.at.clone(),
                    format!(
                        "line boundary \"{}\" is crossed by {} (computed from the drawing, curves taken as straight \
                         segments through their handles): these flows cross a trust boundary; put a box boundary \
                         around one side so that the model says so",
                        line.name,
                        crossing.join(", ")
                    ),
                ));
            }
        }
        for (at, message) in notes {
            self.report.note(NoteKind::NeedsReview, at, None, message);
        }
    }

    /// A stencil of a kind we do not know (annotations, back-references, custom ones).
    fn unknown(&mut self, shape: &Shape<'_, '_>) {
        let name = shape.name().map(|n| format!(" \"{n}\"")).unwrap_or_default();
        let message = if shape.node.attribute((SERIALIZATION_NS, "Ref")).is_some() {
            format!("a back-reference (z:Ref) to another serialized object{name} is not followed")
        } else if shape.generic == "GE.A" || shape.drawing.contains("Annotation") {
            format!("free-text annotation{name} ({}, {}) is not taken over", shape.drawing, shape.generic)
        } else {
            format!(
                "stencil{name} of type {} ({}, {}) is not taken over: it is not an element, flow or boundary Threatwright knows",
                if shape.drawing.is_empty() { "?" } else { shape.drawing.as_str() },
                shape.generic,
                shape.type_id
            )
        };
        self.report.note(NoteKind::Unsupported, shape.at(), None, message);
    }

    // -----------------------------------------------------------------------------------
    // Threats

    fn threats(&mut self, root: Node<'_, '_>, categories: &HashMap<String, String>) {
        let Some(list) = child(root, "ThreatInstances") else {
            return;
        };
        let mut seen = HashSet::new();
        for entry in elements(list) {
            let Some(value) = child(entry, "Value") else {
                continue;
            };
            let source_id = text_in(entry, "Key")
                .or_else(|| text_in(value, "Id").map(|id| format!("id:{id}")))
                .unwrap_or_else(|| format!("line:{}", line(entry)));
            if !seen.insert(source_id.clone()) {
                self.report.note(
                    NoteKind::NeedsReview,
                    Some(format!("line {}", line(entry))),
                    None,
                    format!("threat {source_id} appears twice; the second is not taken over"),
                );
                continue;
            }
            self.threat(value, &source_id, categories);
        }
    }

    /// The item a threat is about: its flow, else the element it targets, else its source.
    fn threat_target(&self, value: Node<'_, '_>) -> Option<Key> {
        if let Some(k) = text_in(value, "FlowGuid").and_then(|g| self.flows.get(&norm_guid(&g))) {
            return Some(k.clone());
        }
        self.end(value, "TargetGuid").or_else(|| self.end(value, "SourceGuid"))
    }

    fn threat(&mut self, value: Node<'_, '_>, source_id: &str, categories: &HashMap<String, String>) {
        let fields = threat_fields(value);
        let pick = |k: &str| fields.get(k).cloned().or_else(|| text_in(value, k));
        let number = text_in(value, "Id").unwrap_or_else(|| source_id.to_owned());
        let at = Some(format!("threat {number} (line {})", line(value)));
        let type_id = text_in(value, "TypeId").unwrap_or_default();
        let title = pick("Title").unwrap_or_else(|| format!("TMT threat {type_id}"));
        let Some(target) = self.threat_target(value) else {
            self.report.note(
                NoteKind::NeedsReview,
                at,
                None,
                format!("threat \"{title}\" is attached to no flow or element that was taken over; not taken over"),
            );
            return;
        };
        let stride = self.stride(pick("UserThreatCategory"), &type_id, categories, &at, &target);
        let rank = self.rank(pick("Priority"), &at, &target);
        let mut description =
            pick("UserThreatDescription").or_else(|| pick("UserThreatShortDescription")).unwrap_or_default();
        let justification = text_in(value, "StateInformation");
        let mut response = Response {
            decided_by: text_in(value, "ChangedBy"),
            decided_at: text_in(value, "ModifiedAt").and_then(|t| utc(&t)),
            ..Response::default()
        };
        let state = text_in(value, "State").unwrap_or_default();
        let status = match state.as_str() {
            "AutoGenerated" => {
                self.untriaged += 1;
                ThreatStatus::Open
            }
            "NotStarted" => ThreatStatus::Open,
            "NeedsInvestigation" => {
                let said = justification.as_deref().map(|j| format!(" (TMT note: {j})")).unwrap_or_default();
                self.report.note(
                    NoteKind::NeedsReview,
                    at.clone(),
                    Some(&target),
                    format!("\"{title}\" needs investigation in TMT{said}; it is open here"),
                );
                ThreatStatus::Open
            }
            "Mitigated" => ThreatStatus::Mitigated,
            "NotApplicable" => {
                response.reason =
                    Some(justification.clone().unwrap_or_else(|| "marked not applicable in TMT".to_owned()));
                ThreatStatus::NotApplicable
            }
            other => {
                self.report.note(
                    NoteKind::NeedsReview,
                    at.clone(),
                    Some(&target),
                    format!(
                        "\"{title}\" has the TMT state \"{}\", which is not one Threatwright knows; it is open here",
                        if other.is_empty() { "(none)" } else { other }
                    ),
                );
                ThreatStatus::Open
            }
        };
        if status == ThreatStatus::Open
            && let Some(j) = &justification
        {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Justification recorded in TMT: {j}"));
        }
        let id = threat_id("tm7", source_id);
        let record = threat_record(&self.model, id, &target, &title, &description, stride, rank, status, response);
        let reference = record.reference.clone();
        self.model.threats.push(record);
        if status == ThreatStatus::Mitigated {
            self.mitigation(&reference, source_id, &title, justification.as_deref(), at, &target);
        }
    }

    /// STRIDE from the threat's category, else from the knowledge base's category for
    /// the first letter of its type id (noted), else spoofing (noted).
    fn stride(
        &mut self,
        category: Option<String>,
        type_id: &str,
        categories: &HashMap<String, String>,
        at: &Option<String>,
        target: &Key,
    ) -> Stride {
        if let Some(s) = category.as_deref().and_then(stride_of) {
            return s;
        }
        let from_kb = type_id.get(..1).and_then(|c| categories.get(c)).and_then(|n| stride_of(n).map(|s| (n, s)));
        if let Some((name, s)) = from_kb {
            self.report.note(
                NoteKind::Inferred,
                at.clone(),
                Some(target),
                format!("no STRIDE category given; \"{name}\" taken from the template's category for type {type_id}"),
            );
            return s;
        }
        self.report.note(
            NoteKind::NeedsReview,
            at.clone(),
            Some(target),
            format!(
                "category \"{}\" is not a STRIDE category; set to spoofing: choose the right one",
                category.as_deref().unwrap_or("(none)")
            ),
        );
        Stride::Spoofing
    }

    /// Likelihood and impact from TMT's priority; medium (3, 3) when missing or unknown.
    fn rank(&mut self, priority: Option<String>, at: &Option<String>, target: &Key) -> (u8, u8) {
        if let Some(r) = priority.as_deref().and_then(rank_of) {
            return r;
        }
        self.report.note(
            NoteKind::NeedsReview,
            at.clone(),
            Some(target),
            format!(
                "priority \"{}\" is not high, medium or low; likelihood and impact set to 3: rank it",
                priority.as_deref().unwrap_or("(none)")
            ),
        );
        (3, 3)
    }

    /// The mitigation a threat TMT calls mitigated stands on: made from its justification,
    /// implemented (TMT's "Mitigated" means the mitigation is in place).
    fn mitigation(
        &mut self,
        threat: &str,
        source_id: &str,
        title: &str,
        justification: Option<&str>,
        at: Option<String>,
        target: &Key,
    ) {
        let reference = format!("M-{:04}", self.model.mitigations.len() + 1);
        let (description, kind, message) = match justification {
            Some(j) => (
                j.to_owned(),
                NoteKind::Mapped,
                format!(
                    "{threat} is mitigated in TMT; its justification became mitigation {reference}, marked implemented \
                     because TMT's \"Mitigated\" means the mitigation is in place"
                ),
            ),
            None => (
                String::new(),
                NoteKind::NeedsReview,
                format!(
                    "{threat} is mitigated in TMT without a justification; mitigation {reference} (implemented) stands \
                     for the control: describe it"
                ),
            ),
        };
        self.model.mitigations.push(Mitigation {
            reference,
            id: threat_id("tm7", &format!("mitigation:{source_id}")),
            title: format!("Mitigation of: {}", title.trim()),
            description,
            status: MitigationStatus::Implemented,
            owner: None,
            ticket: None,
            due: None,
            template: None,
            threats: vec![threat.to_owned()],
        });
        self.report.note(kind, at, Some(target), message);
    }
}

/// A threat instance's `Properties` (`a:KeyValueOfstringstring` pairs), non-empty values.
fn threat_fields(value: Node<'_, '_>) -> HashMap<String, String> {
    let Some(list) = child(value, "Properties") else {
        return HashMap::new();
    };
    elements(list).filter_map(|pair| Some((text_in(pair, "Key")?, text_in(pair, "Value")?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ThreatStatus;

    fn fixture(name: &str) -> (Vec<u8>, String) {
        super::super::testing::fixture("tm7", name)
    }

    fn webshop() -> Imported {
        let (bytes, source) = fixture("webshop.tm7");
        import(&bytes, &source).expect("webshop.tm7 imports")
    }

    use super::super::testing::keys;

    #[test]
    fn webshop_elements_flows_and_system() {
        let m = webshop().model;
        assert_eq!(m.system.name, "Webshop checkout");
        assert_eq!(m.system.owner.as_deref(), Some("Dana Whitfield"));
        assert!(m.system.description.as_deref().is_some_and(|d| d.contains("garden-supplies")));
        assert_eq!(keys(&m.external_entities), ["customer-browser", "shop-administrator", "payment-provider"]);
        assert_eq!(keys(&m.processes), ["storefront-web-app", "order-service", "checkout-service"]);
        assert_eq!(keys(&m.data_stores), ["orders-database", "product-catalog-cache"]);
        assert_eq!(m.flows.len(), 9);
        assert_eq!(m.boundaries.len(), 1);

        let browser = &m.external_entities[0];
        assert_eq!(browser.position, Some(Position { x: 40.0, y: 160.0 }));
        assert_eq!(browser.size, Some(Size { width: 100.0, height: 100.0 }));

        // Escaped characters come through as text.
        let persist = m.flows.iter().find(|f| f.name.as_deref() == Some("Persist order & line items")).expect("flow");
        assert_eq!((persist.from.as_str(), persist.to.as_str()), ("order-service", "orders-database"));
        let https = m.flows.iter().find(|f| f.key.as_str() == "browse-and-place-order").expect("flow");
        assert_eq!(https.protocol, Some(Protocol::Https));

        let db = &m.data_stores[0];
        assert_eq!(db.kind, Some(StoreKind::Sql));
        assert_eq!(db.encrypted_at_rest, Some(true));

        let provider = &m.external_entities[2];
        assert!(provider.tags.contains("out-of-scope"));
        assert!(m.system.out_of_scope.as_deref().is_some_and(|s| s.contains("PCI DSS")));
    }

    #[test]
    fn webshop_boundary_members_by_geometry() {
        let m = webshop().model;
        let b = &m.boundaries[0];
        assert_eq!(b.name.as_deref(), Some("Corporate Data Centre"));
        assert_eq!(b.position, Some(Position { x: 400.0, y: 60.0 }));
        assert_eq!(b.size, Some(Size { width: 560.0, height: 480.0 }));
        let mut members: Vec<&str> = b.members.iter().map(Key::as_str).collect();
        members.sort_unstable();
        assert_eq!(members, ["checkout-service", "order-service", "orders-database", "product-catalog-cache"]);
        assert_eq!(b.parent, None);
    }

    #[test]
    fn webshop_threats_and_statuses() {
        let m = webshop().model;
        assert_eq!(m.threats.len(), 9);
        let count = |s: ThreatStatus| m.threats.iter().filter(|t| t.status == s).count();
        assert_eq!(count(ThreatStatus::Open), 6);
        assert_eq!(count(ThreatStatus::Mitigated), 2);
        assert_eq!(count(ThreatStatus::NotApplicable), 1);
        assert_eq!(m.mitigations.len(), 2);
        assert!(m.mitigations.iter().all(|x| x.status == MitigationStatus::Implemented && x.threats.len() == 1));

        let first = &m.threats[0];
        assert_eq!(first.reference, "TW-0001");
        assert_eq!(first.title, "Session hijacking of a signed-in customer");
        assert_eq!(first.target.as_str(), "browse-and-place-order");
        assert_eq!(first.stride, Some(Stride::Spoofing));
        assert_eq!((first.likelihood, first.impact), (Some(4), Some(4)));
        assert_eq!(first.response.decided_at.as_deref(), Some("2024-03-04T13:22:31Z"));

        let na = m.threats.iter().find(|t| t.status == ThreatStatus::NotApplicable).expect("one not applicable");
        assert!(na.response.reason.as_deref().is_some_and(|r| r.contains("contractual SLA")));
        let low = m.threats.iter().find(|t| t.target.as_str() == "read-product-catalog").expect("threat on F7");
        assert_eq!((low.likelihood, low.impact), (Some(2), Some(2)));
        let sql =
            m.threats.iter().find(|t| t.stride == Some(Stride::Tampering) && t.title.contains("SQL")).expect("T3");
        assert!(sql.description.contains("\"gift message\" & \"delivery note\""));

        // Stable identity across imports.
        assert_eq!(webshop().model.threats[0].id, first.id);
    }

    #[test]
    fn webshop_is_a_valid_model_and_register() {
        let m = webshop().model;
        let errors: Vec<String> =
            crate::model::validate(&m).into_iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let register = crate::lifecycle::validate::validate_register(&m);
        assert!(register.is_empty(), "{register:#?}");
    }

    #[test]
    fn webshop_report_names_what_was_not_taken_over() {
        let imported = webshop();
        let r = &imported.report;
        let unsupported: Vec<&super::super::Note> =
            r.notes.iter().filter(|n| n.kind == NoteKind::Unsupported).collect();
        assert!(
            unsupported.iter().any(|n| n.message.contains("annotation")
                && n.at.as_deref().is_some_and(|a| a.contains("0e6f1a59-8c3d-4b72-a9e1-2f3a4b5c6dae"))),
            "{unsupported:#?}"
        );
        assert!(unsupported.iter().any(|n| n.message.contains("Internet edge")));
        let crossing = r
            .notes
            .iter()
            .find(|n| n.kind == NoteKind::NeedsReview && n.message.contains("is crossed by"))
            .expect("crossing note");
        for flow in ["browse-and-place-order", "pages-and-order-confirmation", "manage-orders-and-refunds"] {
            assert!(crossing.message.contains(flow), "{}", crossing.message);
        }
        assert!(!crossing.message.contains("submit-order-rest"));
        assert!(r.notes.iter().any(|n| n.kind == NoteKind::NeedsReview && n.message.contains("SEC-412")));
        assert_eq!(r.counts.get("threats"), Some(&9));
        assert_eq!(r.counts.get("flows"), Some(&9));
        assert_eq!(r.format, "tm7");
    }

    #[test]
    fn bad_files_are_refused_naming_the_file() {
        for (name, expect) in [
            ("bad/xml-bomb.tm7", "DTD"),
            ("bad/external-entity.tm7", "DTD"),
            ("bad/not-tm7.xml", "not a Threat Modeling Tool model"),
            ("bad/truncated.tm7", "line"),
        ] {
            let (bytes, source) = fixture(name);
            let err = import(&bytes, &source).expect_err(name);
            assert!(err.starts_with(&source), "{err}");
            assert!(err.contains(expect), "{name}: {err}");
        }
        let (bytes, source) = fixture("bad/external-entity.tm7");
        let err = import(&bytes, &source).expect_err("refused");
        assert!(!err.contains("root:"), "nothing read from disk: {err}");
    }

    #[test]
    fn a_dtd_is_refused_even_when_empty() {
        let xml = format!("<!DOCTYPE ThreatModel><ThreatModel xmlns=\"{MODEL_NS}\"/>");
        let err = import(xml.as_bytes(), "x.tm7").expect_err("refused");
        assert!(err.contains("XML with a DTD is refused"), "{err}");
    }

    #[test]
    fn bom_and_utf16_are_read() {
        let (bytes, source) = fixture("webshop.tm7");
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        assert_eq!(import(&with_bom, &source).expect("utf-8 with BOM").model.flows.len(), 9);
        let text = std::str::from_utf8(&bytes).expect("fixture is UTF-8");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(import(&utf16, &source).expect("utf-16").model.threats.len(), 9);
        let err = import(&[0xC3, 0x28, 0x41], "bad.tm7").expect_err("not UTF-8");
        assert!(err.starts_with("bad.tm7:"), "{err}");
    }

    #[test]
    fn nested_boxes_get_a_parent_and_elements_the_innermost() {
        let value = |kind: &str, generic: &str, guid: &str, name: &str, (l, t, w, h): (i32, i32, i32, i32)| {
            format!(
                "<a:KeyValueOfguidanyType><a:Key>{guid}</a:Key><a:Value i:type=\"{kind}\">\
                 <GenericTypeId>{generic}</GenericTypeId><Guid>{guid}</Guid>\
                 <Properties><a:anyType i:type=\"b:StringDisplayAttribute\"><b:DisplayName>Name</b:DisplayName>\
                 <b:Value>{name}</b:Value></a:anyType></Properties><TypeId>{generic}</TypeId>\
                 <Height>{h}</Height><Left>{l}</Left><Top>{t}</Top><Width>{w}</Width></a:Value></a:KeyValueOfguidanyType>"
            )
        };
        let borders = [
            value("BorderBoundary", "GE.TB.B", "b1", "Outer", (0, 0, 1000, 1000)),
            value("BorderBoundary", "GE.TB.B", "b2", "Inner", (100, 100, 300, 300)),
            value("StencilEllipse", "GE.P", "p1", "Deep", (150, 150, 100, 100)),
            value("StencilEllipse", "GE.P", "p2", "Shallow", (600, 600, 100, 100)),
            value("StencilRectangle", "GE.EI", "e1", "Outside", (2000, 0, 100, 100)),
        ]
        .concat();
        let xml = format!(
            "<ThreatModel xmlns=\"{MODEL_NS}\" xmlns:i=\"{XSI_NS}\" \
             xmlns:a=\"http://schemas.microsoft.com/2003/10/Serialization/Arrays\" \
             xmlns:b=\"http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase\">\
             <DrawingSurfaceList><DrawingSurfaceModel><Borders>{borders}</Borders><Lines/></DrawingSurfaceModel>\
             </DrawingSurfaceList></ThreatModel>"
        );
        let m = import(xml.as_bytes(), "nested.tm7").expect("imports").model;
        let outer = m.boundaries.iter().find(|b| b.key.as_str() == "outer").expect("outer");
        let inner = m.boundaries.iter().find(|b| b.key.as_str() == "inner").expect("inner");
        assert_eq!(inner.parent.as_ref().map(Key::as_str), Some("outer"));
        assert_eq!(outer.parent, None);
        assert_eq!(inner.members, [Key::from("deep")]);
        assert_eq!(outer.members, [Key::from("shallow")]);
        assert_eq!(m.system.name, "nested");
    }

    #[test]
    fn segments() {
        assert!(super::super::geometry::segments_meet((0.0, 0.0), (2.0, 2.0), (0.0, 2.0), (2.0, 0.0)));
        assert!(!super::super::geometry::segments_meet((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)));
        assert!(
            super::super::geometry::segments_meet((0.0, 0.0), (2.0, 0.0), (1.0, 0.0), (1.0, 5.0)),
            "touching counts"
        );
        assert!(
            !super::super::geometry::segments_meet((0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0)),
            "collinear apart"
        );
    }

    #[test]
    fn garbage_never_panics() {
        let (bytes, source) = fixture("webshop.tm7");
        // Every prefix length in steps: cut inside tags, entities, characters.
        for cut in (0..bytes.len()).step_by(997) {
            let _ = import(bytes.get(..cut).unwrap_or_default(), &source);
        }
        // Pseudo-random bytes (a fixed linear congruential generator: reproducible).
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for len in [0usize, 1, 2, 3, 17, 256, 4096] {
            let noise: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56) as u8
                })
                .collect();
            assert!(import(&noise, "noise.tm7").is_err());
        }
        // Well-formed but hostile shapes: deep nesting, odd numbers, loose ends.
        let deep =
            format!("<ThreatModel xmlns=\"{MODEL_NS}\">{}{}</ThreatModel>", "<x>".repeat(5000), "</x>".repeat(5000));
        let _ = import(deep.as_bytes(), "deep.tm7");
        let odd = format!(
            "<ThreatModel xmlns=\"{MODEL_NS}\" xmlns:i=\"{XSI_NS}\"><DrawingSurfaceList><DrawingSurfaceModel><Borders>\
             <KeyValueOfguidanyType><Key/><Value i:type=\"BorderBoundary\"><GenericTypeId>GE.TB.B</GenericTypeId>\
             <Left>NaN</Left><Top>1e400</Top><Width>-5</Width><Height>x</Height></Value></KeyValueOfguidanyType>\
             </Borders><Lines><KeyValueOfguidanyType><Value i:type=\"Connector\"><SourceGuid>nope</SourceGuid>\
             </Value></KeyValueOfguidanyType></Lines></DrawingSurfaceModel></DrawingSurfaceList>\
             <ThreatInstances><KeyValueOfstringThreatpc_P0_PhOB><Value><State>Mitigated</State></Value>\
             </KeyValueOfstringThreatpc_P0_PhOB></ThreatInstances></ThreatModel>"
        );
        let m = import(odd.as_bytes(), "odd.tm7").expect("well-formed").model;
        assert_eq!(m.boundaries.len(), 1);
        assert!(m.boundaries[0].position.is_none() && m.boundaries[0].size.is_none());
        assert!(m.flows.is_empty() && m.threats.is_empty());
    }
}
