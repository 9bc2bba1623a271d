//! Review questions: what an analysis asks instead of asserting, because a finding would
//! rest only on a control the model does not state ("Is this endpoint rate limited?").
//! Listed apart from threats and never counted with them (not in the register, the gate
//! or the severity totals); answered once, by stating the control in the model.

use super::{Key, RiskLevel, Stride, Target};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One question for the review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable identity: the identity the threat would have (rule id and target ids).
    pub id: Uuid,
    /// The rule that asks it.
    pub rule: String,
    /// The question, in words.
    pub ask: String,
    /// Why it matters: what goes wrong if the answer is "no".
    pub why: String,
    pub target: Target,
    /// The STRIDE category of the threat a "no" would mean.
    pub stride: Stride,
    /// The OWASP API Security Top 10 2023 items that threat would cite.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp_api: Vec<String>,
    /// The target's fields that answer it: stating any of them answers the question.
    pub answers: Vec<String>,
    /// How severe the threat a "no" would mean is ranked, as the model stands.
    pub severity_if_not: RiskLevel,
}

impl Question {
    /// The key of the item the question is about.
    pub fn key(&self) -> &Key {
        &self.target.key
    }
}
