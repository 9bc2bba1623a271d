//! The report configuration (`--config report.yaml`): title, organisation,
//! confidentiality label, which sections to include, the minimum severity listed.

use crate::model::RiskLevel;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The sections of a report, in the order they appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// Title page: system, version or baseline, date, authors and reviewers, label.
    Title,
    /// Contents with page numbers (PDF).
    Contents,
    /// Counts by severity and status, the severity × status chart, top risks.
    Summary,
    /// Scope and the dataflow diagram.
    Diagram,
    /// Elements per boundary, the API inventory, data assets and where they flow.
    Inventory,
    /// The threat register ranked by severity.
    Register,
    /// Questions for the review: what the model does not state (shown when there are any).
    Questions,
    /// Each threat in full: description, attack path, response, mitigations, sign-off, history.
    Details,
    /// Accepted and transferred risks: approver, reason, expiry.
    Decisions,
    /// The mitigation plan: each mitigation with its threats, owner, status, due date.
    Mitigations,
    /// Controls of OWASP API Top 10, PCI DSS, ISO/IEC 27001, SOC 2 and GDPR touched.
    Compliance,
    /// Changes since the last baseline.
    Changes,
    /// Method, ranking scheme and the evidence block (fingerprint, audit head).
    Method,
}

impl Section {
    pub const ALL: [Section; 13] = [
        Section::Title,
        Section::Contents,
        Section::Summary,
        Section::Diagram,
        Section::Inventory,
        Section::Register,
        Section::Questions,
        Section::Details,
        Section::Decisions,
        Section::Mitigations,
        Section::Compliance,
        Section::Changes,
        Section::Method,
    ];

    /// The heading the section carries in every format.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Title => "Title",
            Section::Contents => "Contents",
            Section::Summary => "Executive summary",
            Section::Diagram => "Scope and dataflow diagram",
            Section::Inventory => "Inventory",
            Section::Register => "Threat register",
            Section::Questions => "Questions for the review",
            Section::Details => "Threat details",
            Section::Decisions => "Accepted and transferred risks",
            Section::Mitigations => "Mitigation plan",
            Section::Compliance => "Compliance mapping",
            Section::Changes => "Changes since the last baseline",
            Section::Method => "Method and evidence",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Section::Title => "title",
            Section::Contents => "contents",
            Section::Summary => "summary",
            Section::Diagram => "diagram",
            Section::Inventory => "inventory",
            Section::Register => "register",
            Section::Questions => "questions",
            Section::Details => "details",
            Section::Decisions => "decisions",
            Section::Mitigations => "mitigations",
            Section::Compliance => "compliance",
            Section::Changes => "changes",
            Section::Method => "method",
        }
    }
}

/// Sections switched on or off; a section not named keeps its default (on).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagram: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigations: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<bool>,
}

/// A report configuration file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The report's title (default: "Threat model: <system name>").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The organisation the report is for or from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Confidentiality label printed on the title page and every page header
    /// (e.g. "Confidential — for the audit of 2026").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<String>,
    #[serde(default)]
    pub sections: Sections,
    /// Threats below this severity are left out of the register and the details (counts
    /// still include them).
    #[serde(default = "low")]
    pub min_severity: RiskLevel,
}

fn low() -> RiskLevel {
    RiskLevel::Low
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: None,
            organisation: None,
            confidentiality: None,
            sections: Sections::default(),
            min_severity: RiskLevel::Low,
        }
    }
}

impl Config {
    /// The sections switched on, in report order.
    pub fn sections(&self) -> Vec<Section> {
        let s = &self.sections;
        let on = |v: Option<bool>| v.unwrap_or(true);
        Section::ALL
            .into_iter()
            .filter(|x| match x {
                Section::Title => on(s.title),
                Section::Contents => on(s.contents),
                Section::Summary => on(s.summary),
                Section::Diagram => on(s.diagram),
                Section::Inventory => on(s.inventory),
                Section::Register => on(s.register),
                Section::Questions => on(s.questions),
                Section::Details => on(s.details),
                Section::Decisions => on(s.decisions),
                Section::Mitigations => on(s.mitigations),
                Section::Compliance => on(s.compliance),
                Section::Changes => on(s.changes),
                Section::Method => on(s.method),
            })
            .collect()
    }
}

/// The JSON Schema of report configuration files.
pub fn json_schema() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(Config)).expect("schema serialises");
    s.push('\n');
    s
}
