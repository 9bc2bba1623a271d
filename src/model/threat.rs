//! Threats: what can go wrong, where, how likely and how bad, and what to do about it.

use super::key::Key;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// The STRIDE category of a threat (Microsoft's STRIDE model, Kohnfelder and Garg 1999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Stride {
    /// Pretending to be someone or something else (authenticity).
    Spoofing,
    /// Changing data or code without authorisation (integrity).
    Tampering,
    /// Denying having done something, without a way to prove otherwise (non-repudiation).
    Repudiation,
    /// Exposing information to someone not allowed to see it (confidentiality).
    InformationDisclosure,
    /// Degrading or denying service (availability).
    DenialOfService,
    /// Gaining capabilities without authorisation (authorization).
    ElevationOfPrivilege,
}

impl Stride {
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information-disclosure",
            Stride::DenialOfService => "denial-of-service",
            Stride::ElevationOfPrivilege => "elevation-of-privilege",
        }
    }

    /// The letter of STRIDE.
    pub fn letter(self) -> char {
        match self {
            Stride::Spoofing => 'S',
            Stride::Tampering => 'T',
            Stride::Repudiation => 'R',
            Stride::InformationDisclosure => 'I',
            Stride::DenialOfService => 'D',
            Stride::ElevationOfPrivilege => 'E',
        }
    }
}

/// How serious a threat is, from likelihood × impact (the bands live in `rank`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What kind of model item a threat is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    ExternalEntity,
    Process,
    DataStore,
    Flow,
    Api,
    DataAsset,
    Model,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::ExternalEntity => "external-entity",
            TargetKind::Process => "process",
            TargetKind::DataStore => "data-store",
            TargetKind::Flow => "flow",
            TargetKind::Api => "api",
            TargetKind::DataAsset => "data-asset",
            TargetKind::Model => "model",
        }
    }
}

/// The model item a threat is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub kind: TargetKind,
    pub key: Key,
    pub id: Uuid,
    pub name: String,
}

/// Where a threat comes from in published catalogues.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// CWE identifiers (`CWE-287`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<String>,
    /// CAPEC identifiers (`CAPEC-115`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capec: Vec<String>,
    /// OWASP API Security Top 10 2023 items (`API2:2023`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp_api: Vec<String>,
}

/// Control framework requirements a threat bears on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Controls {
    /// PCI DSS v4.0 requirements (`8.3.1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pci_dss: Vec<String>,
    /// ISO/IEC 27001:2022 Annex A controls (`A.8.5`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iso27001: Vec<String>,
    /// SOC 2 Trust Services Criteria (`CC6.1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub soc2: Vec<String>,
    /// GDPR articles (`Art. 32`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gdpr: Vec<String>,
}

impl Controls {
    pub fn is_empty(&self) -> bool {
        self.pci_dss.is_empty() && self.iso27001.is_empty() && self.soc2.is_empty() && self.gdpr.is_empty()
    }
}

/// A mitigation a rule suggests, as a template a team can adopt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestedMitigation {
    /// Stable id of the template (`use-oauth2`).
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Where a threat is in its life. Which transitions are allowed, and which fields each
/// status needs, is `lifecycle`'s table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ThreatStatus {
    /// Not yet handled.
    Open,
    /// Mitigations are planned (at least one is linked).
    MitigationPlanned,
    /// Mitigated by implemented or verified mitigations.
    Mitigated,
    /// Risk accepted by an approver, with a reason, until an expiry date. An expired
    /// acceptance counts as open.
    Accepted,
    /// Risk transferred to another party (insurer, vendor, customer).
    Transferred,
    /// Does not apply to this system, with a reason.
    NotApplicable,
    /// Its rule no longer fires on the model (set by the engine only).
    Obsolete,
}

impl ThreatStatus {
    pub const ALL: [ThreatStatus; 7] = [
        ThreatStatus::Open,
        ThreatStatus::MitigationPlanned,
        ThreatStatus::Mitigated,
        ThreatStatus::Accepted,
        ThreatStatus::Transferred,
        ThreatStatus::NotApplicable,
        ThreatStatus::Obsolete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ThreatStatus::Open => "open",
            ThreatStatus::MitigationPlanned => "mitigation-planned",
            ThreatStatus::Mitigated => "mitigated",
            ThreatStatus::Accepted => "accepted",
            ThreatStatus::Transferred => "transferred",
            ThreatStatus::NotApplicable => "not-applicable",
            ThreatStatus::Obsolete => "obsolete",
        }
    }

    pub fn parse(s: &str) -> Option<ThreatStatus> {
        ThreatStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The decision recorded with a status: who, why, until when, to whom. Which fields a
/// status needs is checked by `lifecycle`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Who approved an acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// Why: required to accept a risk or call a threat not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Last day an acceptance holds (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Who the risk was transferred to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred_to: Option<String>,
    /// Who set the status, and when (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl Response {
    pub fn is_empty(&self) -> bool {
        *self == Response::default()
    }
}

/// A person's override of a threat's computed likelihood and/or impact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankingOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<u8>,
    pub reason: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

fn no_mitigations(m: &Arc<Vec<SuggestedMitigation>>) -> bool {
    m.is_empty()
}

/// A ranked threat, as found by the analysis or entered by a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threat {
    /// Stable identity: UUID v5 of (rule id, target ids) for rule findings.
    pub id: Uuid,
    /// Short reference for people (`TW-0042`), fixed once given.
    pub reference: String,
    /// Id of the rule that found it; none for threats entered by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub title: String,
    pub description: String,
    /// The STRIDE category the threat is filed under.
    pub stride: Stride,
    /// Further STRIDE categories the same weakness falls under (an XXE discloses files
    /// and exhausts the parser), never the one in `stride`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_stride: Vec<Stride>,
    pub target: Target,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
    pub severity: RiskLevel,
    /// Why the likelihood and impact are what they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rationale: Vec<String>,
    /// Shared with the rule and its other threats (a register holds thousands).
    #[serde(default)]
    pub references: Arc<References>,
    #[serde(default)]
    pub controls: Arc<Controls>,
    #[serde(default, skip_serializing_if = "no_mitigations")]
    pub mitigations: Arc<Vec<SuggestedMitigation>>,
    /// Elements from an untrusted entity to the target, when an attack path leads there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attack_path: Vec<Key>,
    /// The weakest control on that path, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weakest_control: Option<String>,
    pub status: ThreatStatus,
    /// The decision that goes with the status.
    #[serde(default, skip_serializing_if = "Response::is_empty")]
    pub response: Response,
    /// For an obsolete threat: its status before, restored if its rule fires again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<ThreatStatus>,
    /// Since when it is obsolete (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obsolete_since: Option<String>,
}

impl Threat {
    /// Every STRIDE category the threat cites: `stride`, then `also_stride`.
    pub fn strides(&self) -> impl Iterator<Item = Stride> + '_ {
        std::iter::once(self.stride).chain(self.also_stride.iter().copied())
    }

    /// The categories in words: "tampering", or "tampering, also elevation-of-privilege".
    pub fn stride_words(&self) -> String {
        stride_words(self.stride, &self.also_stride)
    }
}

/// STRIDE categories in words: "tampering", or "tampering, also elevation-of-privilege".
pub fn stride_words(stride: Stride, also: &[Stride]) -> String {
    if also.is_empty() {
        return stride.as_str().to_owned();
    }
    let also: Vec<&str> = also.iter().map(|s| s.as_str()).collect();
    format!("{}, also {}", stride.as_str(), also.join(", "))
}

/// A threat as model-as-code keeps it: the decisions about it, not what the analysis
/// derives again (severity, description of rule findings). Manual threats keep their
/// content too, since no rule recreates them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatRecord {
    pub reference: String,
    pub id: Uuid,
    /// The rule that finds it; none for threats entered by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Key of the item it is about.
    pub target: Key,
    /// For people reading the file; rule findings get theirs from the rule again.
    pub title: String,
    /// Manual threats: STRIDE category, likelihood, impact and description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stride: Option<Stride>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<u8>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub status: ThreatStatus,
    #[serde(default, skip_serializing_if = "Response::is_empty")]
    pub response: Response,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<ThreatStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obsolete_since: Option<String>,
    /// A person's override of the computed likelihood and/or impact.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub ranking_override: Option<RankingOverride>,
}
