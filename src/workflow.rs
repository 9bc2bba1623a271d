//! Operations that need several modules together — a project file, YAML, the rule
//! library. The CLI and the desktop shell both call these, so that neither computes
//! anything the other cannot.

use crate::io::yaml;
use crate::lifecycle::check::{self, ReviewState};
use crate::lifecycle::review::{self, ItemHashes};
use crate::lifecycle::{reconcile, records};
use crate::model::{Model, reference_order};
use crate::rules::{self, Analysis, Library};
use crate::store::{self, Baseline, Project};

/// The model with its register as canonical YAML, that text's fingerprint, and the
/// model's item hashes.
pub fn snapshot(project: &Project) -> store::Result<(String, String, ItemHashes)> {
    let doc = project.document()?;
    let text = yaml::to_string(&doc)
        .map_err(|e| store::Error::Corrupt { path: project.path().to_owned(), detail: e.to_string() })?;
    let fingerprint = review::model_fingerprint(&text);
    Ok((text, fingerprint, ItemHashes::of(&doc)))
}

/// Signs off the current model version: a baseline of its canonical YAML.
pub fn sign_model(project: &mut Project, reviewer: &str, note: Option<&str>) -> store::Result<Baseline> {
    let (text, fingerprint, items) = snapshot(project)?;
    project.sign_model(reviewer, note, &text, &fingerprint, &items)
}

/// The model a baseline holds (without its register).
pub fn baseline_model(project: &Project, b: &Baseline) -> store::Result<Model> {
    let loaded = yaml::load_str(&b.snapshot, &format!("baseline {}", b.id), &yaml::Limits::default());
    match loaded.model {
        Some(m) if !loaded.has_errors() => Ok(m.without_register()),
        _ => Err(store::Error::Corrupt {
            path: project.path().to_owned(),
            detail: format!("baseline {} cannot be read back", b.id),
        }),
    }
}

/// Where the current model stands against the latest baseline.
pub fn review_state(project: &Project) -> store::Result<ReviewState> {
    let Some(latest) = project.baseline(None)? else { return Ok(ReviewState::NoBaseline) };
    let changes = review::changes(&latest.items, &ItemHashes::of(&project.load_model()?));
    Ok(if changes.is_empty() {
        ReviewState::Reviewed { baseline: latest.id }
    } else {
        ReviewState::Changed { baseline: latest.id, changes }
    })
}

/// The CI gate on a project file (its stored register, no new analysis).
pub fn check_project(project: &Project, opts: &check::Options) -> store::Result<check::Report> {
    let register = project.standings()?;
    let mitigations = project.mitigations()?;
    let state = if opts.review { review_state(project)? } else { ReviewState::Unknown };
    Ok(check::check(&register, &mitigations, state, opts))
}

/// Analyses a model read from YAML; when the file carries a register, its references,
/// statuses and decisions are kept (as a project file would keep them).
pub fn analyze_document(model: &Model, library: &Library) -> Analysis {
    let plain = model.without_register();
    let overrides = model
        .threats
        .iter()
        .filter_map(|r| {
            r.ranking_override.as_ref().map(|o| {
                (
                    r.id,
                    crate::rank::Override {
                        likelihood: o.likelihood,
                        impact: o.impact,
                        reason: o.reason.clone(),
                        by: o.by.clone(),
                    },
                )
            })
        })
        .collect();
    let mut analysis = rules::analyze(&plain, library, &rules::Options { overrides });
    if model.threats.is_empty() {
        return analysis;
    }
    let stored = model.threats.iter().map(|r| records::from_record(r, &plain)).collect();
    let next = model
        .threats
        .iter()
        .filter_map(|r| r.reference.trim_start_matches("TW-").parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let found = std::mem::take(&mut analysis.threats);
    let mut register = reconcile::reconcile(stored, found, next, &crate::lifecycle::now()).register;
    rules::engine::sort_ranked(&mut register);
    analysis.threats = register;
    analysis
}

/// The CI gate on a model read from YAML (analysed afresh; its register's decisions
/// kept). Baselines live in project files only, so the review part is not checked.
pub fn check_document(model: &Model, library: &Library, opts: &check::Options) -> check::Report {
    let analysis = analyze_document(model, library);
    let mut mitigations = model.mitigations.clone();
    mitigations.sort_by(|a, b| reference_order(&a.reference, &b.reference));
    let opts = check::Options { review: false, ..opts.clone() };
    let standings: Vec<check::Standing> = analysis.threats.iter().map(check::Standing::from).collect();
    check::check(&standings, &mitigations, ReviewState::Unknown, &opts)
}
