//! "Changes since the last baseline", as a report says it: the `diff` module's comparison
//! of the baseline with the reported state, threats named by their current reference.

use super::content::BaselineInfo;
use crate::lifecycle::review::Change;
use crate::model::{Key, RiskLevel, Threat, reference_order};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ThreatChange {
    pub reference: String,
    pub title: String,
    /// `new`, `gone`, `severity`, `status`.
    pub kind: String,
    pub detail: String,
}

/// The changes since the latest baseline: the `diff` module's comparison of the baseline
/// with the reported state. `items` and `threats` are the short forms the JSON report has
/// always had; the other fields say the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Changes {
    pub baseline: u64,
    pub baseline_at: String,
    pub reviewer: String,
    pub items: Vec<Change>,
    pub threats: Vec<ThreatChange>,
    /// "risk up: +1 high, −2 medium".
    pub verdict: String,
    /// Each changed item with the fields that changed (old → new), renames and moves.
    pub model: Vec<crate::diff::ItemChange>,
    /// Derived facts that changed: boundary crossings, internet exposure, anonymous reach,
    /// where data assets go, attack paths.
    pub facts: Vec<crate::diff::FactChange>,
    pub mitigations: Vec<crate::diff::MitigationChange>,
    pub sign_offs: Vec<crate::diff::SignOffChange>,
    /// Review questions the change raised or settled.
    pub questions: Vec<crate::diff::QuestionChange>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.threats.is_empty()
            && self.facts.is_empty()
            && self.mitigations.is_empty()
            && self.sign_offs.is_empty()
            && self.questions.is_empty()
    }

    /// Everything but the threat table, as titled lists of sentences (the same words as
    /// `threatwright diff`); every writer lays them out the same way.
    pub fn lists(&self) -> Vec<(&'static str, Vec<String>)> {
        use crate::diff::render;
        let model = self.model.iter().map(render::item_change_line).collect();
        let lists = vec![
            ("Model", model),
            ("Derived facts", self.facts.iter().map(render::fact_line).collect()),
            ("Mitigations that lost threats", self.mitigations.iter().map(render::mitigation_line).collect()),
            ("Sign-offs no longer valid", self.sign_offs.iter().map(render::sign_off_line).collect()),
            ("Review questions (not threats)", self.questions.iter().map(render::question_line).collect()),
        ];
        lists.into_iter().filter(|(_, l): &(&str, Vec<String>)| !l.is_empty()).collect()
    }
}

/// The report's view of the diff against the baseline. Threats are named by their
/// current reference (a new threat has one once the project records it).
pub(super) fn changes_since(b: &BaselineInfo, threats: &[Threat]) -> Changes {
    use crate::diff::ThreatChangeKind as K;
    let d = &b.diff;
    let now: HashMap<uuid::Uuid, &str> = threats.iter().map(|t| (t.id, t.reference.as_str())).collect();
    let items = d
        .items
        .iter()
        .map(|i| Change { kind: i.change, what: i.what.to_owned(), key: Key::from(i.key.as_str()), id: i.id })
        .collect();
    let sev = |s: Option<RiskLevel>| s.map_or("-", |s| s.as_str());
    let mut list: Vec<ThreatChange> = d
        .threats
        .iter()
        .map(|t| {
            let reference = now.get(&t.id).map(|r| (*r).to_owned()).or_else(|| t.reference.clone()).unwrap_or_default();
            let (kind, detail) = match t.change {
                K::New => ("new", format!("{} {}", sev(t.new_severity), t.new_status.map_or("-", |s| s.as_str()))),
                K::Resolved => ("gone", "no longer found: obsolete".to_owned()),
                K::SeverityUp | K::SeverityDown => {
                    ("severity", format!("{} → {}", sev(t.old_severity), sev(t.new_severity)))
                }
                K::StatusChanged => (
                    "status",
                    format!(
                        "{} → {}",
                        t.old_status.map_or("-", |s| s.as_str()),
                        t.new_status.map_or("-", |s| s.as_str())
                    ),
                ),
            };
            ThreatChange { reference, title: t.title.clone(), kind: kind.into(), detail }
        })
        .collect();
    list.sort_by(|a, b| reference_order(&a.reference, &b.reference).then(a.kind.cmp(&b.kind)));
    Changes {
        baseline: b.id,
        baseline_at: b.at.clone(),
        reviewer: b.reviewer.clone(),
        items,
        threats: list,
        verdict: crate::diff::verdict_line(&d.verdict),
        model: d.items.clone(),
        facts: d.facts.clone(),
        mitigations: d.mitigations.clone(),
        sign_offs: d.sign_offs.clone(),
        questions: d.questions.clone(),
    }
}
