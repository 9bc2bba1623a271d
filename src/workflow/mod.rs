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

mod approval;
mod report;

pub use approval::*;
pub use report::*;

/// The model with its register as canonical YAML, that text's fingerprint, and the
/// model's item hashes.
pub fn snapshot(project: &Project) -> store::Result<(String, String, ItemHashes)> {
    let doc = project.document()?;
    snapshot_of(&doc).map_err(|detail| store::Error::Corrupt { path: project.path().to_owned(), detail })
}

/// [`snapshot`] of a document (a model with its register).
fn snapshot_of(doc: &Model) -> Result<(String, String, ItemHashes), String> {
    let text = yaml::to_string(&state_of(doc)).map_err(|e| e.to_string())?;
    let fingerprint = review::model_fingerprint(&text);
    Ok((text, fingerprint, ItemHashes::of(doc)))
}

/// What a fingerprint and a baseline's snapshot cover: the model with its register,
/// mitigations and threat sign-offs. Sign-offs of the model version are left out: each
/// approves a state, so it cannot be part of it — and the state right after a sign-off
/// is the state signed.
fn state_of(doc: &Model) -> Model {
    let mut state = doc.clone();
    state.reviews.retain(|r| r.scope != crate::model::ReviewScope::Model);
    state
}

/// Signs off the current model version: a baseline of its canonical YAML, taken in the
/// signing transaction.
pub fn sign_model(project: &mut Project, reviewer: &str, note: Option<&str>) -> store::Result<Baseline> {
    project.sign_model(reviewer, note, snapshot_of)
}

/// The model a baseline holds (without its register).
pub fn baseline_model(project: &Project, b: &Baseline) -> store::Result<Model> {
    baseline_document(project, b).map(|m| m.without_register())
}

/// The model a baseline holds, with the register, mitigations and sign-offs it had.
pub fn baseline_document(project: &Project, b: &Baseline) -> store::Result<Model> {
    let name = format!("{}@baseline:{}", project.path().display(), b.id);
    let loaded = yaml::load_str(&b.snapshot, &name, &yaml::Limits::default());
    match loaded.model {
        Some(m) if !loaded.has_errors() => Ok(m),
        _ => Err(store::Error::Corrupt {
            path: project.path().to_owned(),
            detail: format!("baseline {} cannot be read back", b.id),
        }),
    }
}

/// What changed since the latest baseline, in depth (the `diff` module): the baseline's
/// model and register against the current ones, both analysed with `library`, so that the
/// report says what `threatwright diff FILE@baseline FILE` says.
pub fn baseline_diff(project: &Project, library: &Library) -> store::Result<Option<(Baseline, crate::diff::Diff)>> {
    let Some(b) = project.baseline(None)? else { return Ok(None) };
    let d = diff_from_baseline(project, &b, &project.document()?, library)?;
    Ok(Some((b, d)))
}

/// What changed from baseline `b` to `new` (a model with its register), in depth.
pub fn diff_from_baseline(
    project: &Project,
    b: &Baseline,
    new: &Model,
    library: &Library,
) -> store::Result<crate::diff::Diff> {
    let old = baseline_document(project, b)?;
    let (old_threats, new_threats) = (analyze_document(&old, library).threats, analyze_document(new, library).threats);
    Ok(diff_versions((&format!("baseline {}", b.id), &old, &old_threats), ("now", new, &new_threats), library))
}

/// `diff::diff` of two versions (name, model, threats), with the review questions each
/// version raises under `library` compared too.
pub fn diff_versions(
    (old_name, old, old_threats): (&str, &Model, &[crate::model::Threat]),
    (new_name, new, new_threats): (&str, &Model, &[crate::model::Threat]),
    library: &Library,
) -> crate::diff::Diff {
    let mut d = crate::diff::diff(old_name, old, old_threats, new_name, new, new_threats);
    let asked = |m: &Model| crate::rules::questions(&m.without_register(), library);
    d.questions = crate::diff::question_changes(&asked(old), &asked(new));
    d
}

/// The item hashes of a baseline: as stored, or — stored in an older form — made again
/// from its snapshot.
pub fn baseline_items(project: &Project, b: &Baseline) -> store::Result<ItemHashes> {
    match &b.items {
        Some(items) => Ok(items.clone()),
        None => baseline_document(project, b).map(|m| ItemHashes::of(&m)),
    }
}

/// Items of `model` added, removed or changed since baseline `b` (`review::changes`): what
/// `check`, the canvas and `baseline show` say; reports say it through `diff`, which
/// compares with the same hashes.
pub fn changes_since(project: &Project, b: &Baseline, model: &Model) -> store::Result<Vec<review::Change>> {
    Ok(review::changes(&baseline_items(project, b)?, &ItemHashes::of(model)))
}

/// Where the current model stands against the latest baseline.
pub fn review_state(project: &Project) -> store::Result<ReviewState> {
    let Some(latest) = project.baseline(None)? else { return Ok(ReviewState::NoBaseline) };
    let changes = changes_since(project, &latest, &project.load_model()?)?;
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
    analyze_document_at(model, library, &crate::lifecycle::now())
}

/// `analyze_document`, with the time recorded on threats that become obsolete given.
pub fn analyze_document_at(model: &Model, library: &Library, at: &str) -> Analysis {
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
    let stored: Vec<_> = model.threats.iter().map(|r| records::from_record(r, &plain)).collect();
    let next = model
        .threats
        .iter()
        .filter_map(|r| r.reference.trim_start_matches("TW-").parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let found = std::mem::take(&mut analysis.threats);
    let mut register = reconcile::reconcile(&stored, found, next, at).register;
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

/// One side of a comparison: a model YAML, a project file's current state,
/// `FILE.twdb@baseline` (its latest baseline), `FILE.twdb@baseline:ID`, or
/// `git:REV:PATH` (a model YAML as committed, read with `git show REV:PATH` in the current
/// directory; PATH is from the repository's root, or `./…` from here). Returns the model
/// (with its register) and its threats, analysed with `library` so that both sides of a
/// diff are judged by the same rules.
pub fn load_version(
    spec: &str,
    library: &Library,
    limits: &yaml::Limits,
) -> Result<(Model, Vec<crate::model::Threat>), String> {
    if let Some(rest) = spec.strip_prefix("git:") {
        let Some((rev, path)) = rest.split_once(':') else {
            return Err(format!("{spec}: write a git version as git:REV:path/to/model.yaml"));
        };
        let out = std::process::Command::new("git")
            .args(["show", &format!("{rev}:{path}")])
            .output()
            .map_err(|e| format!("{spec}: cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!("{spec}: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        let loaded = yaml::load_bytes(&out.stdout, spec, limits);
        let errors: Vec<String> =
            loaded.diagnostics.iter().filter(|d| d.is_error()).take(3).map(|d| d.to_string()).collect();
        return match loaded.model {
            Some(m) if errors.is_empty() => {
                let threats = analyze_document(&m, library).threats;
                Ok((m, threats))
            }
            _ => Err(format!("{spec}: the model has errors: {}", errors.join("; "))),
        };
    }
    let (file, baseline) = match spec.rsplit_once("@baseline") {
        Some((f, "")) => (f, Some(None)),
        Some((f, rest)) => match rest.strip_prefix(':').and_then(|n| n.parse::<u64>().ok()) {
            Some(id) => (f, Some(Some(id))),
            None => return Err(format!("{spec}: write a baseline as FILE.twdb@baseline or FILE.twdb@baseline:ID")),
        },
        None => (spec, None),
    };
    load_path(std::path::Path::new(file), baseline, library, limits)
}

/// A version by its path alone — a model YAML or a project file, read only; with
/// `baseline` (`Some(None)`: the latest), a project file's baseline. No `git:` or
/// `@baseline` forms are read from the path: what the app's "Compare with file…" takes.
pub fn load_path(
    path: &std::path::Path,
    baseline: Option<Option<u64>>,
    library: &Library,
    limits: &yaml::Limits,
) -> Result<(Model, Vec<crate::model::Threat>), String> {
    let file = path.display();
    let model = if crate::files::is_project_path(path) {
        let project = Project::open_read_only(path).map_err(|e| e.to_string())?;
        match baseline {
            None => project.document().map_err(|e| e.to_string())?,
            Some(id) => {
                let b = project.baseline(id).map_err(|e| e.to_string())?.ok_or_else(|| {
                    format!("{file}: {}", id.map_or("has no baseline".to_owned(), |i| format!("has no baseline {i}")))
                })?;
                baseline_document(&project, &b).map_err(|e| e.to_string())?
            }
        }
    } else {
        if baseline.is_some() {
            return Err(format!("{file}: only a project file (.twdb) has baselines"));
        }
        let loaded = yaml::load_file(path, limits).map_err(|e| e.to_string())?;
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(3)
            .map(|d| match d.location.line {
                Some(l) => format!("line {l}: {}", d.message),
                None => d.message.clone(),
            })
            .collect();
        match loaded.model {
            Some(m) if errors.is_empty() => m,
            _ => return Err(format!("{file}: the model has errors: {}", errors.join("; "))),
        }
    };
    let threats = analyze_document(&model, library).threats;
    Ok((model, threats))
}

/// Scores the engine on a corpus (`threatwright eval`): every folder under `dir` that has
/// a `model.yaml` and an `expected.yaml` is one system, analysed with `library` and scored
/// (`eval::score`), in folder order.
pub fn evaluate(
    dir: &std::path::Path,
    library: &Library,
    limits: &yaml::Limits,
) -> Result<Vec<crate::eval::Score>, String> {
    let mut systems: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    systems.sort();
    if systems.is_empty() {
        return Err(format!("{}: no system folders (each needs a model.yaml and an expected.yaml)", dir.display()));
    }
    let mut out = Vec::new();
    for s in systems {
        let expected: crate::eval::Expected = yaml::read_small(&s.join("expected.yaml"))?;
        let (model, threats) = load_path(&s.join("model.yaml"), None, library, limits)?;
        let questions = crate::rules::questions(&model.without_register(), library);
        let name = s.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        out.push(crate::eval::score(&name, &expected, &threats, &questions));
    }
    Ok(out)
}
