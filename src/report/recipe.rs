//! What a report is made of, carried inside it, so that `verify-report` can make it again
//! and compare bytes: the state's fingerprint, the audit-log head it was made at (project
//! files), the time it is dated and the configuration it was made with. Reports are
//! reproducible (the same recipe over the same state gives the same bytes), so a report
//! that differs from its re-creation by one byte was changed after it was written.
//!
//! Every format carries the recipe as JSON: PDF in its document information keywords,
//! HTML in a `<meta>` element, Markdown in a closing comment, JSON in its evidence, SARIF
//! in its run's properties. CSV exports carry none.

use super::{Config, Format};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// SHA-256 of the canonical YAML of the reported model and register.
    pub fingerprint: String,
    /// The audit log's head the report was made at, `SEQ:HASH` (project files).
    pub head: Option<String>,
    /// The time the report is dated (RFC 3339, UTC).
    pub timestamp: Option<String>,
    /// The configuration it was made with.
    pub config: Config,
}

/// Marks the recipe where a format keeps it as text.
pub const TAG: &str = "threatwright-recipe:";

impl Recipe {
    /// The recipe as one line of JSON safe inside HTML attributes, Markdown comments and
    /// PDF strings: `<`, `>` and `&` are written as JSON escapes.
    pub fn to_line(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
    }

    fn from_line(line: &str) -> Option<Recipe> {
        let mut de = serde_json::Deserializer::from_str(line.trim_start());
        Recipe::deserialize(&mut de).ok()
    }
}

/// The format of a report's bytes (CSV is not recognised: it carries no recipe).
pub fn format_of(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"%PDF-") {
        return Some(Format::Pdf);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.trim_start();
    if start.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        return Some(if v.get("runs").is_some() { Format::Sarif } else { Format::Json });
    }
    if start.starts_with("<!DOCTYPE html") || start.starts_with("<html") {
        return Some(Format::Html);
    }
    Some(Format::Md)
}

/// The recipe a report carries, if any.
pub fn read(format: Format, bytes: &[u8]) -> Result<Option<Recipe>, String> {
    let text = || String::from_utf8_lossy(bytes).into_owned();
    let after_tag = |text: &str| text.find(TAG).and_then(|at| Recipe::from_line(&text[at + TAG.len()..]));
    Ok(match format {
        Format::Pdf => {
            super::pdf::read_keywords(bytes)?.iter().find_map(|k| k.strip_prefix(TAG).and_then(Recipe::from_line))
        }
        Format::Html => {
            let text = text();
            let marker = "<meta name=\"threatwright-recipe\" content=\"";
            text.find(marker).and_then(|at| {
                let rest = &text[at + marker.len()..];
                let end = rest.find('"')?;
                Recipe::from_line(&unescape_html(&rest[..end]))
            })
        }
        Format::Md => after_tag(&text()),
        Format::Json | Format::Sarif => {
            let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("not readable JSON: {e}"))?;
            let r = if format == Format::Json {
                &v["evidence"]["recipe"]
            } else {
                &v["runs"][0]["properties"]["threatwrightRecipe"]
            };
            serde_json::from_value(r.clone()).ok()
        }
        Format::Csv => None,
    })
}

fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Where two reports of one format first differ, in words a reader can find: the section
/// heading (Markdown, HTML), the field (JSON, SARIF), the page and its section (PDF).
pub fn first_difference(format: Format, made: &[u8], given: &[u8]) -> String {
    match format {
        Format::Pdf => super::pdf::first_difference(made, given),
        Format::Json | Format::Sarif => {
            match (
                serde_json::from_slice::<serde_json::Value>(made),
                serde_json::from_slice::<serde_json::Value>(given),
            ) {
                (Ok(a), Ok(b)) => json_difference("", &a, &b).unwrap_or_else(|| "the layout of the file".to_owned()),
                _ => "the file is no longer readable JSON".to_owned(),
            }
        }
        Format::Md | Format::Html | Format::Csv => {
            let (a, b) = (String::from_utf8_lossy(made), String::from_utf8_lossy(given));
            let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
            let at = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(la.len().min(lb.len()));
            let heading = la[..at.min(la.len())].iter().rev().find_map(|l| heading_of(format, l));
            match heading {
                Some(h) => format!("section “{h}” (line {})", at + 1),
                None => format!("line {}", at + 1),
            }
        }
    }
}

/// The heading text of a Markdown or HTML line, if it is one.
fn heading_of(format: Format, line: &str) -> Option<String> {
    let line = line.trim();
    match format {
        Format::Md => line.starts_with('#').then(|| line.trim_start_matches('#').trim().to_owned()),
        _ => {
            let at = ["<h1", "<h2", "<h3"].iter().find_map(|t| line.find(t))?;
            let rest = &line[at..];
            let text = &rest[rest.find('>')? + 1..];
            let text = &text[..text.find("</h").unwrap_or(text.len())];
            // Tags inside the heading (links, spans) are left out.
            let mut out = String::new();
            let mut inside = false;
            for c in text.chars() {
                match c {
                    '<' => inside = true,
                    '>' => inside = false,
                    c if !inside => out.push(c),
                    _ => {}
                }
            }
            Some(unescape_html(out.trim()))
        }
    }
}

/// The path of the first value that differs (`register[3].status`).
fn json_difference(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let field = |k: &str| if path.is_empty() { k.to_owned() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(p) = json_difference(&field(k), v, w) {
                            return Some(p);
                        }
                    }
                    None => return Some(format!("field {} (missing)", field(k))),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| format!("field {} (added)", field(k)))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if let Some(p) = json_difference(&format!("{path}[{i}]"), v, w) {
                    return Some(p);
                }
            }
            (x.len() != y.len()).then(|| format!("field {path} ({} entries, the report has {})", x.len(), y.len()))
        }
        (x, y) if x != y => Some(format!("field {path}")),
        _ => None,
    }
}
