//! Text rendering of core results for the terminal.

use crate::model::Diagnostic;
use crate::summary::{BoundaryNode, ElementLine, Summary};
use std::collections::HashMap;
use std::fmt::Write;

/// Diagnostics like a compiler: the located message, then the source line with a caret.
pub fn diagnostics_text(diagnostics: &[Diagnostic]) -> String {
    let mut sources: HashMap<&str, Option<Vec<String>>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
        let (Some(file), Some(line)) = (d.location.file.as_deref(), d.location.line) else {
            continue;
        };
        let lines = sources.entry(file).or_insert_with(|| {
            // Only small files: a snippet is a nicety, not worth reading a huge file again.
            let meta = std::fs::metadata(file).ok()?;
            if meta.len() > 16 * 1024 * 1024 {
                return None;
            }
            let bytes = std::fs::read(file).ok()?;
            Some(String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect())
        });
        let Some(text) = lines.as_ref().and_then(|l| l.get(line as usize - 1)) else {
            continue;
        };
        let shown: String = text.chars().take(160).collect();
        let gutter = line.to_string().len();
        let col = d.location.column.unwrap_or(1).max(1) as usize;
        let pad: String = shown.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {shown}");
        let _ = writeln!(out, "{:gutter$} | {pad}^", "");
    }
    out
}

/// "1 process", "2 processes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn validation_footer(file: &str, errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => format!("{file}: ok, no problems found\n"),
        (0, w) => format!("{file}: ok, {}\n", count(w, "warning", "warnings")),
        (e, w) => format!("{file}: {}, {}\n", count(e, "error", "errors"), count(w, "warning", "warnings")),
    }
}

fn element(out: &mut String, indent: usize, e: &ElementLine) {
    let detail = if e.detail.is_empty() { String::new() } else { format!(" ({})", e.detail) };
    let _ = writeln!(out, "{:indent$}- {} [{}] {}{}", "", e.name, e.kind, e.key, detail);
}

fn boundary(out: &mut String, indent: usize, b: &BoundaryNode) {
    let detail = if b.detail.is_empty() { String::new() } else { format!(" ({})", b.detail) };
    let _ = writeln!(out, "{:indent$}{} [boundary] {}{}", "", b.name, b.key, detail);
    for e in &b.elements {
        element(out, indent + 2, e);
    }
    for c in &b.children {
        boundary(out, indent + 2, c);
    }
}

pub fn summary_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}", s.name);
    if let Some(v) = &s.version {
        let _ = write!(out, " — version {v}");
    }
    out.push('\n');
    if let Some(o) = &s.owner {
        let _ = writeln!(out, "Owner: {o}");
    }
    let c = &s.counts;
    let _ = writeln!(
        out,
        "{} ({}, {}, {}), {}, {}, {}, {}",
        count(c.elements, "element", "elements"),
        count(c.external_entities, "external entity", "external entities"),
        count(c.processes, "process", "processes"),
        count(c.data_stores, "data store", "data stores"),
        count(c.flows, "flow", "flows"),
        count(c.boundaries, "boundary", "boundaries"),
        count(c.data_assets, "data asset", "data assets"),
        count(c.apis, "API", "APIs"),
    );
    if !s.boundaries.is_empty() || !s.outside.is_empty() {
        let _ = writeln!(out, "\nTrust boundaries");
        for b in &s.boundaries {
            boundary(&mut out, 2, b);
        }
        if !s.outside.is_empty() {
            let _ = writeln!(out, "  (outside any boundary)");
            for e in &s.outside {
                element(&mut out, 4, e);
            }
        }
    }
    if !s.data_assets.is_empty() {
        let _ = writeln!(out, "\nData assets");
        for a in &s.data_assets {
            let _ = writeln!(out, "  - {} {} ({})", a.name, a.key, a.detail);
        }
    }
    if !s.apis.is_empty() {
        let _ = writeln!(out, "\nAPI inventory");
        for a in &s.apis {
            let _ = writeln!(out, "  - {} {} ({})", a.name, a.key, a.detail);
        }
    }
    out
}
