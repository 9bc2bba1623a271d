//! Mitigations and reviews: what a team decided to do about threats, and who signed off.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How far a mitigation has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum MitigationStatus {
    Proposed,
    Planned,
    Implemented,
    Verified,
}

impl MitigationStatus {
    pub const ALL: [MitigationStatus; 4] = [
        MitigationStatus::Proposed,
        MitigationStatus::Planned,
        MitigationStatus::Implemented,
        MitigationStatus::Verified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MitigationStatus::Proposed => "proposed",
            MitigationStatus::Planned => "planned",
            MitigationStatus::Implemented => "implemented",
            MitigationStatus::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<MitigationStatus> {
        MitigationStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the control is in place.
    pub fn in_place(self) -> bool {
        matches!(self, MitigationStatus::Implemented | MitigationStatus::Verified)
    }
}

/// A control a team puts in place; one mitigation can cover many threats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    /// Short reference for people (`M-0007`), fixed once given.
    pub reference: String,
    pub id: Uuid,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub status: MitigationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Ticket reference: an id or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Due date (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Id of the rule mitigation it was adopted from (`use-oauth2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// References of the threats it covers, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<String>,
}

/// What a review signs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewScope {
    /// One threat's response.
    Threat,
    /// The whole model version (creates a baseline).
    Model,
}

/// A sign-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub id: Uuid,
    pub scope: ReviewScope,
    /// The threat signed off (scope `threat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// The baseline created (scope `model`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<u64>,
    pub reviewer: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// SHA-256 of what was signed: the threat's response and target, or the model.
    pub fingerprint: String,
}
