//! Threats as model-as-code records and back: what YAML keeps of a threat (the
//! decisions) and how a threat is rebuilt from it before the analysis refills the rest.

use crate::model::{Item, Key, Model, RankingOverride, Stride, Target, TargetKind, Threat, ThreatRecord};
use uuid::Uuid;

/// What model-as-code keeps of a threat.
pub fn to_record(t: &Threat, ranking_override: Option<RankingOverride>) -> ThreatRecord {
    let manual = t.rule.is_none();
    ThreatRecord {
        reference: t.reference.clone(),
        id: t.id,
        rule: t.rule.clone(),
        target: t.target.key.clone(),
        title: t.title.clone(),
        stride: manual.then_some(t.stride),
        likelihood: manual.then_some(t.likelihood),
        impact: manual.then_some(t.impact),
        description: if manual { t.description.clone() } else { String::new() },
        status: t.status,
        response: t.response.clone(),
        previous_status: t.previous_status,
        obsolete_since: t.obsolete_since.clone(),
        ranking_override,
    }
}

/// The item `key` names in `model`, as a threat target; an item that is gone (the target
/// of an obsolete threat) keeps its key.
pub fn target(model: &Model, key: &Key) -> Target {
    let kind_of = |k: crate::model::ElementKind| match k {
        crate::model::ElementKind::ExternalEntity => TargetKind::ExternalEntity,
        crate::model::ElementKind::Process => TargetKind::Process,
        crate::model::ElementKind::DataStore => TargetKind::DataStore,
    };
    if let Some(e) = model.elements().find(|e| e.key() == key) {
        return Target { kind: kind_of(e.kind()), key: key.clone(), id: e.id(), name: e.name().to_owned() };
    }
    if let Some(f) = model.flows.iter().find(|f| &f.key == key) {
        return Target { kind: TargetKind::Flow, key: key.clone(), id: f.id(), name: f.display_name().to_owned() };
    }
    if let Some(a) = model.apis.iter().find(|a| &a.key == key) {
        return Target { kind: TargetKind::Api, key: key.clone(), id: a.id(), name: a.display_name().to_owned() };
    }
    if let Some(a) = model.data_assets.iter().find(|a| &a.key == key) {
        return Target { kind: TargetKind::DataAsset, key: key.clone(), id: a.id(), name: a.display_name().to_owned() };
    }
    Target { kind: TargetKind::Model, key: key.clone(), id: Uuid::nil(), name: key.to_string() }
}

/// A threat rebuilt from its record. Rule findings get their description, ranking and
/// references back from the next analysis; manual threats are complete.
pub fn from_record(r: &ThreatRecord, model: &Model) -> Threat {
    let likelihood = r.likelihood.unwrap_or(3);
    let impact = r.impact.unwrap_or(3);
    Threat {
        id: r.id,
        reference: r.reference.clone(),
        rule: r.rule.clone(),
        title: r.title.clone(),
        description: r.description.clone(),
        stride: r.stride.unwrap_or(Stride::Spoofing),
        also_stride: Vec::new(),
        target: target(model, &r.target),
        likelihood,
        impact,
        severity: crate::rank::severity(likelihood, impact),
        rationale: if r.rule.is_none() { vec!["entered by hand".into()] } else { Vec::new() },
        references: Default::default(),
        controls: Default::default(),
        mitigations: Default::default(),
        attack_path: Vec::new(),
        weakest_control: None,
        status: r.status,
        response: r.response.clone(),
        previous_status: r.previous_status,
        obsolete_since: r.obsolete_since.clone(),
    }
}
