//! Bringing existing work in: OpenAPI specifications, Microsoft Threat Modeling Tool
//! `.tm7` files, OWASP Threat Dragon v2 JSON and Threagile YAML become our `Model` (with a
//! register of the threats the other tool recorded), plus a report of what was inferred,
//! what needs a person, and what could not be taken over. Nothing is dropped silently.
//! Each format is the only place that knows its parser. Inputs are bounded in size.

pub mod openapi;
pub mod threagile;
pub mod threat_dragon;
pub mod tm7;

use crate::model::{Key, Model, Response, Stride, ThreatRecord, ThreatStatus};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use uuid::Uuid;

/// Largest input file an importer reads (a real `.tm7` of a big system is a few MB).
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

/// What an import made, and its report.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The model; `threats` and `mitigations` hold what the other tool recorded.
    pub model: Model,
    pub report: Report,
}

/// What kind of remark a note is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// Taken over as it was (a count, a mapping worth stating).
    Mapped,
    /// Inferred by a heuristic: a suggestion, to be confirmed.
    Inferred,
    /// Something a person must decide or fill in.
    NeedsReview,
    /// A construct of the source that was not taken over.
    Unsupported,
}

impl NoteKind {
    pub fn heading(self) -> &'static str {
        match self {
            NoteKind::Mapped => "taken over",
            NoteKind::Inferred => "inferred (suggested, please confirm)",
            NoteKind::NeedsReview => "needs a person",
            NoteKind::Unsupported => "not taken over",
        }
    }
}

/// One remark of the import report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Note {
    pub kind: NoteKind,
    /// Where in the source: a JSON pointer, an XML element id, a line, a cell id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The key of the item of our model it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub message: String,
}

/// The import report: what came in, what was inferred, what needs a person.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(rename = "ImportReport")]
pub struct Report {
    /// `openapi`, `tm7`, `threat-dragon`, `threagile`.
    pub format: String,
    pub sources: Vec<String>,
    /// Items made, by kind ("processes", "flows", "threats"…).
    #[ts(type = "Record<string, number>")]
    pub counts: BTreeMap<String, usize>,
    pub notes: Vec<Note>,
}

impl Report {
    pub fn new(format: &str, source: &str) -> Report {
        Report { format: format.to_owned(), sources: vec![source.to_owned()], ..Default::default() }
    }

    pub fn note(&mut self, kind: NoteKind, at: Option<String>, item: Option<&Key>, message: impl Into<String>) {
        self.notes.push(Note { kind, at, item: item.map(|k| k.to_string()), message: message.into() });
    }

    /// Fills `counts` from the model.
    pub fn count(&mut self, m: &Model) {
        for (k, n) in [
            ("boundaries", m.boundaries.len()),
            ("external entities", m.external_entities.len()),
            ("processes", m.processes.len()),
            ("data stores", m.data_stores.len()),
            ("flows", m.flows.len()),
            ("data assets", m.data_assets.len()),
            ("APIs", m.apis.len()),
            ("threats", m.threats.len()),
            ("mitigations", m.mitigations.len()),
        ] {
            if n > 0 {
                self.counts.insert(k.to_owned(), n);
            }
        }
    }

    /// The report for a terminal: counts, then the notes grouped by kind.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut s = format!("import from {} ({})\n", self.sources.join(", "), self.format);
        let counts: Vec<String> = self.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(s, "made: {}", if counts.is_empty() { "nothing".to_owned() } else { counts.join(", ") });
        for kind in [NoteKind::NeedsReview, NoteKind::Inferred, NoteKind::Unsupported, NoteKind::Mapped] {
            let notes: Vec<&Note> = self.notes.iter().filter(|n| n.kind == kind).collect();
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{} ({}):", kind.heading(), notes.len());
            for n in notes {
                let mut line = String::from("  ");
                if let Some(i) = &n.item {
                    let _ = write!(line, "{i}: ");
                }
                line.push_str(&n.message);
                if let Some(at) = n.at.as_ref().filter(|a| !self.sources.contains(a)) {
                    let _ = write!(line, " [{at}]");
                }
                let _ = writeln!(s, "{line}");
            }
        }
        s
    }
}

/// Reads an input file, refusing one larger than `MAX_INPUT_BYTES` before reading it.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "{}: {} MB is larger than the {} MB an import reads",
            path.display(),
            meta.len() / (1024 * 1024),
            MAX_INPUT_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

/// Hands out unique keys made from names (one namespace for every item, as the editor).
#[derive(Clone, Debug, Default)]
pub struct Keys {
    used: HashSet<String>,
}

impl Keys {
    pub fn new() -> Keys {
        Keys::default()
    }

    /// Keys already taken (merging into an existing model).
    pub fn of(model: &Model) -> Keys {
        let used = model
            .elements()
            .map(|e| e.key().to_string())
            .chain(model.flows.iter().map(|f| f.key.to_string()))
            .chain(model.boundaries.iter().map(|b| b.key.to_string()))
            .chain(model.data_assets.iter().map(|a| a.key.to_string()))
            .chain(model.apis.iter().map(|a| a.key.to_string()))
            .collect();
        Keys { used }
    }

    /// A new unique key for `name` (`fallback` when the name has no usable characters).
    pub fn take(&mut self, name: &str, fallback: &str) -> Key {
        let k = crate::model::key::new_key(name, fallback, &self.used);
        self.used.insert(k.to_string());
        k
    }
}

/// The identity of a threat brought in from another tool: stable across re-imports of
/// the same file (UUID v5 of the format and the source's own threat id).
pub fn threat_id(format: &str, source_id: &str) -> Uuid {
    Uuid::new_v5(&crate::model::id::NAMESPACE, format!("import:{format}:{source_id}").as_bytes())
}

/// Likelihood and impact for a source severity word (high/medium/low/critical…), on our
/// 1–5 scales; `None` when the word is not one we know (the caller notes it).
pub fn rank_of(severity: &str) -> Option<(u8, u8)> {
    match severity.trim().to_ascii_lowercase().as_str() {
        "critical" | "very-high" | "very high" => Some((5, 5)),
        "high" | "elevated" => Some((4, 4)),
        "medium" | "moderate" => Some((3, 3)),
        "low" => Some((2, 2)),
        "info" | "informational" | "very-low" | "very low" | "none" => Some((1, 1)),
        _ => None,
    }
}

/// A STRIDE category from a source's category text ("Spoofing", "Information
/// Disclosure", "tampering", "DoS", "EoP"…).
pub fn stride_of(text: &str) -> Option<Stride> {
    let t: String = text.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).collect();
    Some(match t.as_str() {
        s if s.starts_with("spoof") => Stride::Spoofing,
        s if s.starts_with("tamper") => Stride::Tampering,
        s if s.starts_with("repudiat") => Stride::Repudiation,
        s if s.starts_with("information") || s == "disclosure" || s == "infodisclosure" => {
            Stride::InformationDisclosure
        }
        s if s.starts_with("denial") || s == "dos" => Stride::DenialOfService,
        s if s.starts_with("elevation") || s == "eop" => Stride::ElevationOfPrivilege,
        _ => return None,
    })
}

/// A register record for a threat the other tool recorded (a manual threat for us: no
/// rule recreates it). References are given in order: `TW-0001`…
#[allow(clippy::too_many_arguments)]
pub fn threat_record(
    model: &Model,
    id: Uuid,
    target: &Key,
    title: &str,
    description: &str,
    stride: Stride,
    (likelihood, impact): (u8, u8),
    status: ThreatStatus,
    response: Response,
) -> ThreatRecord {
    ThreatRecord {
        reference: format!("TW-{:04}", model.threats.len() + 1),
        id,
        rule: None,
        target: target.clone(),
        title: title.trim().to_owned(),
        stride: Some(stride),
        likelihood: Some(likelihood),
        impact: Some(impact),
        description: description.trim().to_owned(),
        status,
        response,
        previous_status: None,
        obsolete_since: None,
        ranking_override: None,
    }
}

/// An item of a model section with only its key: every other field is optional ("not
/// stated"), so importers set only what the source says.
pub fn blank<T: serde::de::DeserializeOwned>(key: &Key) -> T {
    serde_json::from_value(serde_json::json!({ "key": key.as_str() })).expect("every field but the key is optional")
}

/// A flow with only its key and ends.
pub fn blank_flow(key: &Key, from: &Key, to: &Key) -> crate::model::Flow {
    serde_json::from_value(serde_json::json!({ "key": key.as_str(), "from": from.as_str(), "to": to.as_str() }))
        .expect("every field but key, from and to is optional")
}

/// Plane geometry for boundaries drawn as lines (TMT, Threat Dragon): which flows a line
/// crosses.
pub mod geometry {
    pub type Point = (f64, f64);

    /// Twice the signed area of the triangle a, b, c (its sign says on which side of a→b c is).
    fn orientation(a: Point, b: Point, c: Point) -> f64 {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    }

    /// Whether p, known to be on the line through a and b, lies between them.
    fn between(a: Point, b: Point, p: Point) -> bool {
        a.0.min(b.0) <= p.0 && p.0 <= a.0.max(b.0) && a.1.min(b.1) <= p.1 && p.1 <= a.1.max(b.1)
    }

    fn opposite(a: f64, b: f64) -> bool {
        (a > 0.0 && b < 0.0) || (a < 0.0 && b > 0.0)
    }

    /// Whether segments p1–p2 and q1–q2 meet (touching counts).
    pub fn segments_meet(p1: Point, p2: Point, q1: Point, q2: Point) -> bool {
        let d1 = orientation(q1, q2, p1);
        let d2 = orientation(q1, q2, p2);
        let d3 = orientation(p1, p2, q1);
        let d4 = orientation(p1, p2, q2);
        if opposite(d1, d2) && opposite(d3, d4) {
            return true;
        }
        (d1 == 0.0 && between(q1, q2, p1))
            || (d2 == 0.0 && between(q1, q2, p2))
            || (d3 == 0.0 && between(p1, p2, q1))
            || (d4 == 0.0 && between(p1, p2, q2))
    }

    /// Whether two polylines meet.
    pub fn paths_meet(a: &[Point], b: &[Point]) -> bool {
        // `windows(2)` yields slices of exactly two points, so both indexes exist.
        a.windows(2).any(|s| b.windows(2).any(|t| segments_meet(s[0], s[1], t[0], t[1])))
    }
}

/// What the importers' unit tests share: reading a fixture of `tests/fixtures/import/`.
#[cfg(test)]
pub(crate) mod testing {
    use crate::model::Item;

    /// A fixture's bytes and its path (as the source name an error must mention).
    pub fn fixture(format_dir: &str, name: &str) -> (Vec<u8>, String) {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(format_dir).join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (bytes, path.display().to_string())
    }

    /// The keys of a section's items, in order.
    pub fn keys<T: Item>(items: &[T]) -> Vec<&str> {
        items.iter().map(|i| i.key().as_str()).collect()
    }
}
