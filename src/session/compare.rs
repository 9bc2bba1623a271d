//! "Compare with baseline / with file…": the open document against another version, for
//! the canvas (what to colour, what to draw as a ghost) and a list of changes that select
//! what they are about. The comparison itself is the `diff` module's.

use super::view::{self, EdgeView, NodeView, Parts};
use super::{Failure, FailureCode, R, Session};
use crate::diff::{self, Change, Diff, ThreatChangeKind, render};
use crate::model::{Model, Threat};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use ts_rs::TS;

/// What to compare the open document with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CompareWith {
    /// The latest signed-off model version.
    Baseline,
    /// A model YAML or another project file (a path chosen in a dialog).
    File { path: String },
}

/// How an item on the canvas differs from the other version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    Added,
    Changed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareMark {
    pub key: String,
    pub mark: Mark,
}

/// One line of the list of changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareEntry {
    /// "Threats", "Sign-offs", "Mitigations", "Derived facts", "Model".
    pub group: String,
    /// new, resolved, severity-up, severity-down, status-changed; added, removed, changed;
    /// started, stopped; lost; invalid.
    pub change: String,
    pub text: String,
    /// The element or flow to select on the canvas (one that exists now).
    pub element: Option<String>,
    /// The threat to select in the register (one that exists now).
    pub threat: Option<String>,
}

/// The open document against another version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareView {
    /// What it is compared with, for people ("baseline #2 · Rita · 2026-…", a file name).
    pub against: String,
    /// "risk up: +1 high, −2 medium".
    pub verdict: String,
    /// up, down or unchanged.
    pub risk: diff::Direction,
    /// Items that are new or changed, by key (as they are now).
    pub marks: Vec<CompareMark>,
    /// Elements and boundaries that are gone, where they were (drawn as ghosts).
    pub ghosts: Vec<NodeView>,
    /// Flows that are gone, between elements that are here or ghosts.
    pub ghost_edges: Vec<EdgeView>,
    pub entries: Vec<CompareEntry>,
}

impl Session {
    /// Compares the open document (the other version is the old one, it the new one).
    pub fn compare(&self, with: &CompareWith) -> R<CompareView> {
        let (old, against) = match with {
            CompareWith::Baseline => {
                let b = self.project.baseline(None)?.ok_or_else(|| {
                    Failure::new(FailureCode::Nothing, "no baseline yet: sign the model off to make one")
                })?;
                let m = crate::workflow::baseline_document(&self.project, &b)?;
                (m, format!("baseline #{} · {} · {}", b.id, b.reviewer, b.at))
            }
            CompareWith::File { path } => {
                let p = std::path::Path::new(path);
                let (m, _) = crate::workflow::load_path(p, None, &self.library, &Default::default())
                    .map_err(|e| Failure::new(FailureCode::Invalid, e))?;
                (m, p.file_name().map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned()))
            }
        };
        let new = self.project.document()?;
        let old_threats = crate::workflow::analyze_document(&old, &self.library).threats;
        // The stored register is the current document analysed with this session's rules.
        let register = self.project.register()?;
        let d = crate::workflow::diff_versions((&against, &old, &old_threats), ("now", &new, &register), &self.library);
        Ok(compare_view(against, &d, &old, &old_threats, &new, &register))
    }
}

/// Item kinds drawn on the canvas.
fn on_canvas(what: &str) -> bool {
    matches!(what, "process" | "external entity" | "data store" | "flow" | "boundary")
}

fn compare_view(
    against: String,
    d: &Diff,
    old: &Model,
    old_threats: &[Threat],
    new: &Model,
    register: &[Threat],
) -> CompareView {
    // Keys present now, and the stored register by threat identity.
    let present: HashSet<String> =
        new.elements().map(|e| e.key().to_string()).chain(new.flows.iter().map(|f| f.key.to_string())).collect();
    let stored: HashMap<uuid::Uuid, &Threat> = register.iter().map(|t| (t.id, t)).collect();
    let was: HashMap<uuid::Uuid, &Threat> = old_threats.iter().map(|t| (t.id, t)).collect();
    let here = |k: &str| present.contains(k).then(|| k.to_owned());

    let marks = d
        .items
        .iter()
        .filter(|i| on_canvas(i.what) && i.change != Change::Removed)
        .map(|i| CompareMark {
            key: i.key.clone(),
            mark: if i.change == Change::Added { Mark::Added } else { Mark::Changed },
        })
        .collect();

    let mut entries = Vec::new();
    for k in render::KINDS {
        for t in d.threats.iter().filter(|t| t.change == k) {
            let now = stored.get(&t.id).filter(|s| s.status != crate::model::ThreatStatus::Obsolete);
            let target =
                now.map(|s| s.target.key.to_string()).or_else(|| was.get(&t.id).map(|o| o.target.key.to_string()));
            let mut text = render::threat_line(t);
            if t.change == ThreatChangeKind::New
                && let Some(s) = now
            {
                text = text.replacen("new", &s.reference, 1);
            }
            entries.push(CompareEntry {
                group: "Threats".into(),
                change: serde_json::to_value(t.change)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                text,
                element: target.as_deref().and_then(here),
                threat: now.map(|s| s.reference.clone()),
            });
        }
    }
    for r in &d.sign_offs {
        let threat =
            r.reference.as_ref().and_then(|x| register.iter().find(|t| &t.reference == x)).map(|t| t.reference.clone());
        entries.push(CompareEntry {
            group: "Sign-offs".into(),
            change: "invalid".into(),
            text: render::sign_off_line(r),
            element: None,
            threat,
        });
    }
    for m in &d.mitigations {
        entries.push(CompareEntry {
            group: "Mitigations".into(),
            change: "lost".into(),
            text: render::mitigation_line(m),
            element: None,
            threat: None,
        });
    }
    for f in &d.facts {
        entries.push(CompareEntry {
            group: "Derived facts".into(),
            change: if f.now { "started" } else { "stopped" }.into(),
            text: render::fact_line(f),
            element: if f.fact == "data-reaches" { None } else { here(&f.key) },
            threat: None,
        });
    }
    for i in &d.items {
        entries.push(CompareEntry {
            group: "Model".into(),
            change: i.change.as_str().into(),
            text: render::item_change_line(i),
            element: if on_canvas(i.what) { here(&i.key) } else { None },
            threat: None,
        });
    }
    for q in &d.questions {
        entries.push(CompareEntry {
            group: "Review questions (not threats)".into(),
            change: q.change.into(),
            text: render::question_line(q),
            element: here(&q.key),
            threat: None,
        });
    }

    // Ghosts: what is gone, laid out as the other version draws it.
    let new_ids: HashSet<String> = new
        .elements()
        .map(|e| e.id().to_string())
        .chain(new.boundaries.iter().map(|b| crate::model::Item::id(b).to_string()))
        .chain(new.flows.iter().map(|f| crate::model::Item::id(f).to_string()))
        .collect();
    let (ghosts, ghost_edges) = {
        let empty = BTreeSet::new();
        let plain = old.without_register();
        let parts = Parts {
            model: &plain,
            threats: old_threats,
            mitigations: &[],
            signed: &empty,
            changed: &empty,
            diagnostics: &[],
        };
        let (nodes, edges) = view::canvas(&parts, &view::layout(&plain, old_threats));
        let ghosts: Vec<NodeView> = nodes.into_iter().filter(|n| !new_ids.contains(&n.id)).collect();
        let ghost_keys: HashSet<&str> = ghosts.iter().map(|n| n.key.as_str()).collect();
        let ends = |k: &str| present.contains(k) || ghost_keys.contains(k);
        let edges: Vec<EdgeView> =
            edges.into_iter().filter(|e| !new_ids.contains(&e.id) && ends(&e.from) && ends(&e.to)).collect();
        (ghosts, edges)
    };

    CompareView {
        against,
        verdict: diff::verdict_line(&d.verdict),
        risk: d.verdict.risk,
        marks,
        ghosts,
        ghost_edges,
        entries,
    }
}
