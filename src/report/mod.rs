//! Reports: what an auditor, a customer's security team or a change board receives.
//! `content` computes what a report says, once; the writers lay it out: `pdf` (the only
//! module that knows printpdf), `html`, `markdown`, `sarif`, `tracker` (CSV for issue
//! trackers) and `json`. `register` keeps the register exports of `analyze`. Output is
//! deterministic: the same project state gives the same bytes.

pub mod changes;
pub mod config;
pub mod content;
pub mod diagram;
pub mod html;
pub mod json;
pub mod markdown;
pub mod method;
pub mod pdf;
pub mod recipe;
pub mod register;
pub mod sarif;
pub mod tracker;

pub use config::{Config, Section};
pub use content::{Input, Report, build};

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Md,
    Csv,
    Json,
    Sarif,
}

impl Format {
    pub const ALL: [Format; 6] = [Format::Pdf, Format::Html, Format::Md, Format::Csv, Format::Json, Format::Sarif];

    /// The file name extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Sarif => "sarif",
        }
    }
}

/// The report's bytes in a format, and what the writer wants the user to know (for
/// example characters the PDF font cannot show).
pub fn render(input: &Input, config: &Config, format: Format) -> (Vec<u8>, Vec<String>) {
    let r = build(input, config);
    let needs_diagram = r.has(Section::Diagram);
    let diagram = || needs_diagram.then(|| diagram::diagram(&input.model, &input.threats));
    match format {
        Format::Pdf => {
            let d = diagram();
            let (bytes, warnings) = pdf::render(&r, d.as_ref());
            let mut notes = Vec::new();
            if !warnings.missing_glyphs.is_empty() {
                let chars: String = warnings.missing_glyphs.iter().take(20).collect();
                notes.push(format!(
                    "the PDF font (DejaVu Sans) has no glyph for {} character(s), shown as �: {chars}{}; the HTML report shows them",
                    warnings.missing_glyphs.len(),
                    if warnings.missing_glyphs.len() > 20 { "…" } else { "" }
                ));
            }
            (bytes, notes)
        }
        Format::Html => (html::render(&r, diagram().as_ref()), Vec::new()),
        Format::Md => (markdown::render(&r).into_bytes(), Vec::new()),
        Format::Csv => (tracker::render(&r), Vec::new()),
        Format::Json => (json::render(&r, input), Vec::new()),
        Format::Sarif => (sarif::render(&r, input), Vec::new()),
    }
}
