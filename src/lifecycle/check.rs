//! The CI gate: open threats at or above a level, expired acceptances, unreviewed changes
//! since the latest baseline. `threatwright check` exits 1 when it fails.

use super::review::Change;
use super::{Date, effective_status, is_expired};
use crate::model::{Mitigation, RiskLevel, Threat, ThreatStatus, reference_order};
use serde::Serialize;

#[derive(Clone, Debug)]
pub struct Options {
    /// Open threats at or above this severity fail the check.
    pub fail_on: RiskLevel,
    /// More expired acceptances than this fail the check.
    pub max_expired: usize,
    pub today: Date,
    /// Whether changes since the latest baseline (or no baseline at all) fail the check.
    pub review: bool,
}

/// Where the model stands against its latest baseline.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum ReviewState {
    /// No baseline: the model was never signed off.
    NoBaseline,
    /// Signed off, and unchanged since.
    Reviewed { baseline: u64 },
    /// Changed since the baseline.
    Changed { baseline: u64, changes: Vec<Change> },
    /// Baselines are not available (a YAML file, not a project file).
    Unknown,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub reference: String,
    pub severity: RiskLevel,
    pub status: ThreatStatus,
    pub title: String,
    /// For expired acceptances: the expiry date and approver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub fail_on: RiskLevel,
    /// Unhandled threats (open, mitigation planned, or accepted past expiry) at or above `fail_on`.
    pub open: Vec<Finding>,
    pub expired: Vec<Finding>,
    pub max_expired: usize,
    pub review: ReviewState,
    pub review_checked: bool,
    /// Mitigations that cover no live threat any more.
    pub orphans: Vec<String>,
    pub passed: bool,
}

fn finding(t: &Threat, detail: Option<String>) -> Finding {
    Finding { reference: t.reference.clone(), severity: t.severity, status: t.status, title: t.title.clone(), detail }
}

/// Mitigations none of whose threats is still live (all obsolete, or none left).
pub fn orphans<'a>(mitigations: &'a [Mitigation], register: &[Threat]) -> Vec<&'a Mitigation> {
    mitigations
        .iter()
        .filter(|m| {
            !m.threats.iter().any(|r| register.iter().any(|t| &t.reference == r && t.status != ThreatStatus::Obsolete))
        })
        .collect()
}

pub fn check(register: &[Threat], mitigations: &[Mitigation], review: ReviewState, o: &Options) -> Report {
    let mut open: Vec<Finding> = register
        .iter()
        .filter(|t| {
            matches!(effective_status(t, o.today), ThreatStatus::Open | ThreatStatus::MitigationPlanned)
                && t.severity >= o.fail_on
        })
        .map(|t| {
            finding(
                t,
                is_expired(t, o.today)
                    .then(|| format!("acceptance expired {}", t.response.expires.as_deref().unwrap_or("?"))),
            )
        })
        .collect();
    open.sort_by(|a, b| b.severity.cmp(&a.severity).then(reference_order(&a.reference, &b.reference)));
    let mut expired: Vec<Finding> = register
        .iter()
        .filter(|t| is_expired(t, o.today))
        .map(|t| {
            finding(
                t,
                Some(format!(
                    "accepted by {} until {}",
                    t.response.approver.as_deref().unwrap_or("?"),
                    t.response.expires.as_deref().unwrap_or("?")
                )),
            )
        })
        .collect();
    expired.sort_by(|a, b| b.severity.cmp(&a.severity).then(reference_order(&a.reference, &b.reference)));
    let review_failed = o.review && matches!(review, ReviewState::NoBaseline | ReviewState::Changed { .. });
    let passed = open.is_empty() && expired.len() <= o.max_expired && !review_failed;
    Report {
        fail_on: o.fail_on,
        open,
        expired,
        max_expired: o.max_expired,
        review,
        review_checked: o.review,
        orphans: orphans(mitigations, register).iter().map(|m| m.reference.clone()).collect(),
        passed,
    }
}
