//! Reconciling a new analysis with the register: the one place that decides what
//! re-running the analysis does to threats people have already handled.
//!
//! - A threat found again keeps its reference, status, response and override; its
//!   derived content (title, description, ranking) is the new analysis's.
//! - A new threat gets the next reference (references are never reused) and is open.
//! - A rule threat not found again becomes obsolete, with the date and its previous
//!   status; found again later, it gets that status back.
//! - Threats entered by hand are never touched by the analysis.

use crate::model::{Threat, ThreatStatus, reference_order};
use crate::rules::identity::reference;
use std::collections::HashMap;

/// The register after reconciliation, and what changed.
#[derive(Debug, Default)]
pub struct Reconciled {
    /// Every threat, in reference order.
    pub register: Vec<Threat>,
    pub new: Vec<String>,
    pub obsoleted: Vec<String>,
    /// Obsolete threats whose rule fires again.
    pub revived: Vec<String>,
    /// The next free reference number.
    pub next_ref: u64,
}

/// Reconciles `found` (a fresh analysis, references unset) with the `stored` register.
/// `next_ref` is the first reference number not yet given.
/// `stored` is only read: a caller can compare the result with it.
pub fn reconcile(stored: &[Threat], mut found: Vec<Threat>, next_ref: u64, now: &str) -> Reconciled {
    let mut out = Reconciled { next_ref, ..Reconciled::default() };
    let mut by_id: HashMap<uuid::Uuid, &Threat> = stored.iter().map(|t| (t.id, t)).collect();
    // New threats get references in (rule, target) order: stable for the same model.
    found.sort_by(|a, b| a.rule.cmp(&b.rule).then(a.target.key.cmp(&b.target.key)));
    for mut t in found {
        match by_id.remove(&t.id) {
            Some(old) => {
                t.reference = old.reference.clone();
                if old.status == ThreatStatus::Obsolete {
                    t.status = old.previous_status.unwrap_or(ThreatStatus::Open);
                    out.revived.push(t.reference.clone());
                } else {
                    t.status = old.status;
                }
                t.response = old.response.clone();
                t.previous_status = None;
                t.obsolete_since = None;
            }
            None => {
                t.reference = reference(out.next_ref);
                out.next_ref += 1;
                t.status = ThreatStatus::Open;
                out.new.push(t.reference.clone());
            }
        }
        out.register.push(t);
    }
    // What was not found again.
    let mut rest: Vec<Threat> = by_id.into_values().cloned().collect();
    rest.sort_by(|a, b| reference_order(&a.reference, &b.reference));
    for mut t in rest {
        if t.rule.is_some() && t.status != ThreatStatus::Obsolete {
            t.previous_status = Some(t.status);
            t.status = ThreatStatus::Obsolete;
            t.obsolete_since = Some(now.to_owned());
            out.obsoleted.push(t.reference.clone());
        }
        out.register.push(t);
    }
    out.register.sort_by(|a, b| reference_order(&a.reference, &b.reference));
    out
}
