//! The report as JSON: the front matter, evidence and summary, the whole model and the
//! whole register (obsolete threats included), the review questions, mitigations, reviews, decisions, the
//! compliance mapping and the changes since the baseline. Its JSON Schema is published
//! as `models/schema/threatwright-report.schema.json`; fields are only ever added.

use super::content::{Changes, Evidence, Framework, Front, Input, PlanItem, Report, RiskDecision, Summary2};
use crate::model::{Mitigation, Model, Review, Threat};
use schemars::JsonSchema;
use serde::Serialize;

/// The identifier and version of this document format.
pub const FORMAT: &str = "threatwright-report/1";

/// A Threatwright report in JSON.
#[derive(Serialize, JsonSchema)]
pub struct JsonReport {
    /// Always `threatwright-report/1`.
    pub format: String,
    pub front: Front,
    pub evidence: Evidence,
    pub summary: Summary2,
    /// The model, without its register.
    pub model: Model,
    /// Every threat of the register, ranked, obsolete ones included.
    pub threats: Vec<Threat>,
    /// Questions for the review: controls the model does not state (not threats).
    pub questions: Vec<crate::model::Question>,
    pub mitigations: Vec<Mitigation>,
    pub reviews: Vec<Review>,
    pub decisions: Vec<RiskDecision>,
    pub plan: Vec<PlanItem>,
    pub compliance: Vec<Framework>,
    pub changes: Option<Changes>,
}

pub fn render(r: &Report, input: &Input) -> Vec<u8> {
    let doc = JsonReport {
        format: FORMAT.to_owned(),
        front: r.front.clone(),
        evidence: r.evidence.clone(),
        summary: r.summary.clone(),
        model: input.model.clone(),
        threats: input.threats.clone(),
        questions: r.questions.clone(),
        mitigations: input.mitigations.clone(),
        reviews: input.reviews.clone(),
        decisions: r.decisions.clone(),
        plan: r.plan.clone(),
        compliance: r.compliance.clone(),
        changes: r.changes.clone(),
    };
    let mut out = serde_json::to_vec_pretty(&doc).expect("the report serialises");
    out.push(b'\n');
    out
}

/// The JSON Schema of the JSON report.
pub fn schema() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(JsonReport)).expect("schema serialises");
    s.push('\n');
    s
}
