//! The CI gate: open threats at or above a level, expired acceptances, unreviewed changes
//! since the latest baseline. `threatwright check` exits 1 when it fails.

use super::Date;
use super::review::Change;
use super::status::expired;
use crate::model::{Mitigation, Response, RiskLevel, Threat, ThreatStatus, reference_order};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What the gate reads of a threat: where it stands, not what the analysis said about it.
/// (Reading only this from a project file keeps `check` light on large registers.)
#[derive(Clone, Debug, Deserialize)]
pub struct Standing {
    pub reference: String,
    pub title: String,
    pub severity: RiskLevel,
    pub status: ThreatStatus,
    #[serde(default)]
    pub response: Response,
}

impl From<&Threat> for Standing {
    fn from(t: &Threat) -> Standing {
        Standing {
            reference: t.reference.clone(),
            title: t.title.clone(),
            severity: t.severity,
            status: t.status,
            response: t.response.clone(),
        }
    }
}

impl Standing {
    fn is_expired(&self, today: Date) -> bool {
        expired(self.status, &self.response, today)
    }
}

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

fn finding(t: &Standing, detail: Option<String>) -> Finding {
    Finding { reference: t.reference.clone(), severity: t.severity, status: t.status, title: t.title.clone(), detail }
}

/// Mitigations none of whose threats is still live (all obsolete, or none left).
/// `live` are the references of the register's threats that are not obsolete.
pub fn orphans<'a, 'r>(mitigations: &'a [Mitigation], live: impl IntoIterator<Item = &'r str>) -> Vec<&'a Mitigation> {
    let live: HashSet<&str> = live.into_iter().collect();
    mitigations.iter().filter(|m| !m.threats.iter().any(|r| live.contains(r.as_str()))).collect()
}

pub fn check(register: &[Standing], mitigations: &[Mitigation], review: ReviewState, o: &Options) -> Report {
    let mut open: Vec<Finding> = register
        .iter()
        .filter(|t| {
            (matches!(t.status, ThreatStatus::Open | ThreatStatus::MitigationPlanned) || t.is_expired(o.today))
                && t.severity >= o.fail_on
        })
        .map(|t| {
            finding(
                t,
                t.is_expired(o.today)
                    .then(|| format!("acceptance expired {}", t.response.expires.as_deref().unwrap_or("?"))),
            )
        })
        .collect();
    open.sort_by(|a, b| b.severity.cmp(&a.severity).then(reference_order(&a.reference, &b.reference)));
    let mut expired: Vec<Finding> = register
        .iter()
        .filter(|t| t.is_expired(o.today))
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
        orphans: orphans(
            mitigations,
            register.iter().filter(|t| t.status != ThreatStatus::Obsolete).map(|t| t.reference.as_str()),
        )
        .iter()
        .map(|m| m.reference.clone())
        .collect(),
        passed,
    }
}
