//! Lifecycle and review: what people decide about threats, and the evidence of it.
//!
//! Pure functions over model types: the status transition table and each status's
//! required fields (`status`), how a new analysis is reconciled with the register
//! (`reconcile`), the audit log's hash chain (`audit`), fingerprints and changes since a
//! baseline (`review`), and the CI gate (`check`). Knows nothing of SQL or YAML: `store`
//! persists, `cli` asks.

pub mod approval;
pub mod audit;
pub mod check;
pub mod reconcile;
pub mod records;
pub mod review;
pub mod status;
pub mod validate;

pub use status::{LifecycleError, Request, effective_status, is_expired};

/// A calendar date (YYYY-MM-DD).
pub type Date = jiff::civil::Date;

/// Parses a date as people write it (YYYY-MM-DD).
pub fn parse_date(s: &str) -> Option<Date> {
    s.trim().parse::<Date>().ok()
}

/// Today's date in UTC.
pub fn today() -> Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// The current time, UTC, to the second (RFC 3339).
pub fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A threat a person adds by hand, on an element, flow, API or data asset of `model`.
#[allow(clippy::too_many_arguments)]
pub fn manual_threat(
    model: &crate::model::Model,
    target: &str,
    title: String,
    description: String,
    stride: crate::model::Stride,
    likelihood: u8,
    impact: u8,
    who: &str,
) -> Result<crate::model::Threat, String> {
    use crate::model::{Item, Key, Target, TargetKind, Threat, ThreatStatus};
    if !(1..=5).contains(&likelihood) || !(1..=5).contains(&impact) {
        return Err("likelihood and impact go from 1 to 5".to_owned());
    }
    let key = Key::new(target);
    let found = model
        .elements()
        .find(|e| *e.key() == key)
        .map(|e| {
            let kind = match e.kind() {
                crate::model::ElementKind::ExternalEntity => TargetKind::ExternalEntity,
                crate::model::ElementKind::Process => TargetKind::Process,
                crate::model::ElementKind::DataStore => TargetKind::DataStore,
            };
            Target { kind, key: key.clone(), id: e.id(), name: e.name().to_owned() }
        })
        .or_else(|| {
            model.flows.iter().find(|f| f.key == key).map(|f| Target {
                kind: TargetKind::Flow,
                key: key.clone(),
                id: f.id(),
                name: f.display_name().to_owned(),
            })
        })
        .or_else(|| {
            model.apis.iter().find(|a| a.key == key).map(|a| Target {
                kind: TargetKind::Api,
                key: key.clone(),
                id: a.id(),
                name: a.display_name().to_owned(),
            })
        })
        .or_else(|| {
            model.data_assets.iter().find(|a| a.key == key).map(|a| Target {
                kind: TargetKind::DataAsset,
                key: key.clone(),
                id: a.id(),
                name: a.display_name().to_owned(),
            })
        });
    let Some(target) = found else {
        let keys: Vec<String> = model.elements().map(|e| e.key().to_string()).collect();
        let hint = crate::model::suggest(target, keys.iter().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!("the model has no item `{target}`{hint}"));
    };
    if title.trim().is_empty() {
        return Err("a threat needs a title".to_owned());
    }
    let threat = Threat {
        id: uuid::Uuid::new_v4(),
        reference: String::new(),
        rule: None,
        title,
        description,
        stride,
        also_stride: Vec::new(),
        target,
        likelihood,
        impact,
        severity: crate::rank::severity(likelihood, impact),
        rationale: vec![format!("entered by hand by {who}")],
        references: Default::default(),
        controls: Default::default(),
        mitigations: Default::default(),
        attack_path: Vec::new(),
        weakest_control: None,
        status: ThreatStatus::Open,
        response: Default::default(),
        previous_status: None,
        obsolete_since: None,
    };
    Ok(threat)
}
