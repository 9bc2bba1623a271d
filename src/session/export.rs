//! Writing what the editor shows to files the user chose: a report in any format, and
//! the model as YAML.

use super::{Failure, FailureCode, R, Session};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

impl Session {
    /// Writes a report of the current state to `out` (the path the user chose), whole or
    /// not at all. Returns warnings for the user.
    pub fn export(&self, out: &Path, options: &ExportOptions) -> R<Vec<String>> {
        let input = crate::workflow::report_input(&self.project, &self.library)
            .map_err(|e| Failure::new(FailureCode::Internal, e))?;
        let config = options.config()?;
        let (bytes, notes) = crate::report::render(&input, &config, options.format);
        crate::files::write_atomic(out, &bytes)
            .map_err(|e| Failure::new(FailureCode::File, format!("{}: cannot write: {e}", out.display())))?;
        Ok(notes)
    }

    /// The model as YAML (model-as-code, with the register), for "Save as YAML".
    pub fn export_yaml(&self, out: &Path) -> R<()> {
        let model = self.project.document()?;
        crate::io::yaml::write_file(out, &model).map_err(|e| Failure::new(FailureCode::File, e.to_string()))
    }
}

/// What the export dialog asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    pub format: crate::report::Format,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub confidentiality: Option<String>,
    /// Sections left out.
    pub omit: Vec<crate::report::Section>,
    pub min_severity: Option<crate::model::RiskLevel>,
}

impl ExportOptions {
    fn config(&self) -> R<crate::report::Config> {
        let mut sections = serde_json::Map::new();
        for s in &self.omit {
            sections.insert(s.id().to_owned(), serde_json::Value::Bool(false));
        }
        let blank = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut c = serde_json::Map::new();
        if let Some(t) = blank(&self.title) {
            c.insert("title".into(), t.into());
        }
        if let Some(t) = blank(&self.organisation) {
            c.insert("organisation".into(), t.into());
        }
        if let Some(t) = blank(&self.confidentiality) {
            c.insert("confidentiality".into(), t.into());
        }
        if !sections.is_empty() {
            c.insert("sections".into(), sections.into());
        }
        if let Some(s) = self.min_severity {
            c.insert("min_severity".into(), serde_json::to_value(s).unwrap_or_default());
        }
        serde_json::from_value(c.into())
            .map_err(|e| Failure::new(FailureCode::Invalid, format!("report settings: {e}")))
    }
}
