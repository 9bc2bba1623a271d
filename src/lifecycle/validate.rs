//! Checks of a register read from model-as-code: references and decisions.

use crate::model::{Code, Diagnostic, Mitigation, Model};
use std::collections::{BTreeMap, BTreeSet};

fn well_formed(reference: &str, prefix: &str) -> bool {
    reference.strip_prefix(prefix).is_some_and(|n| n.len() >= 4 && n.chars().all(|c| c.is_ascii_digit()))
}

/// Diagnostics for the `threats`, `mitigations` and `reviews` sections of `model`.
pub fn validate_register(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for (i, t) in model.threats.iter().enumerate() {
        let path = format!("threats[{i}]");
        if !well_formed(&t.reference, "TW-") {
            out.push(
                Diagnostic::new(
                    Code::RegisterReference,
                    format!("`{}` is not a threat reference (TW-0001)", t.reference),
                )
                .at_path(format!("{path}.reference")),
            );
        } else if !seen.insert(t.reference.as_str()) {
            out.push(
                Diagnostic::new(Code::RegisterReference, format!("threat {} is listed twice", t.reference))
                    .at_path(format!("{path}.reference")),
            );
        }
        if !ids.insert(t.id) {
            out.push(
                Diagnostic::new(Code::RegisterReference, format!("threat id {} is used twice", t.id))
                    .at_path(format!("{path}.id")),
            );
        }
        if t.rule.is_none() && (t.stride.is_none() || t.likelihood.is_none() || t.impact.is_none()) {
            out.push(
                Diagnostic::new(
                    Code::IncompleteDecision,
                    format!("threat {} was entered by hand and needs `stride`, `likelihood` and `impact`", t.reference),
                )
                .at_path(path.clone()),
            );
        }
        for (field, v) in [("likelihood", t.likelihood), ("impact", t.impact)] {
            if v.is_some_and(|v| !(1..=5).contains(&v)) {
                out.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{field}` of {} must be between 1 and 5", t.reference),
                    )
                    .at_path(format!("{path}.{field}")),
                );
            }
        }
    }
    let mut linked: BTreeMap<&str, Vec<&Mitigation>> = BTreeMap::new();
    let mut mseen = BTreeSet::new();
    for (i, m) in model.mitigations.iter().enumerate() {
        let path = format!("mitigations[{i}]");
        if !well_formed(&m.reference, "M-") {
            out.push(
                Diagnostic::new(
                    Code::RegisterReference,
                    format!("`{}` is not a mitigation reference (M-0001)", m.reference),
                )
                .at_path(format!("{path}.reference")),
            );
        } else if !mseen.insert(m.reference.as_str()) {
            out.push(
                Diagnostic::new(Code::RegisterReference, format!("mitigation {} is listed twice", m.reference))
                    .at_path(format!("{path}.reference")),
            );
        }
        if m.due.as_deref().is_some_and(|d| super::parse_date(d).is_none()) {
            out.push(
                Diagnostic::new(Code::InvalidValue, format!("`due` of {} is not a date (YYYY-MM-DD)", m.reference))
                    .at_path(format!("{path}.due")),
            );
        }
        for (j, t) in m.threats.iter().enumerate() {
            if !seen.contains(t.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::RegisterReference,
                        format!("mitigation {} covers {t}, which is not in `threats`", m.reference),
                    )
                    .at_path(format!("{path}.threats[{j}]")),
                );
            }
            linked.entry(t.as_str()).or_default().push(m);
        }
    }
    for (i, t) in model.threats.iter().enumerate() {
        let ms = linked.get(t.reference.as_str()).cloned().unwrap_or_default();
        if let Err(e) = super::status::requirements(t.status, &t.response, &ms, None) {
            out.push(
                Diagnostic::new(Code::IncompleteDecision, format!("threat {}: {e}", t.reference))
                    .at_path(format!("threats[{i}].status")),
            );
        }
    }
    for (i, r) in model.reviews.iter().enumerate() {
        if let Some(t) = &r.threat
            && !seen.contains(t.as_str())
        {
            out.push(
                Diagnostic::new(Code::RegisterReference, format!("review of {t}, which is not in `threats`"))
                    .at_path(format!("reviews[{i}].threat")),
            );
        }
    }
    out
}
