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
    let old = baseline_document(project, &b)?;
    let new = project.document()?;
    let (old_threats, new_threats) = (analyze_document(&old, library).threats, analyze_document(&new, library).threats);
    let d = crate::diff::diff(&format!("baseline {}", b.id), &old, &old_threats, "now", &new, &new_threats);
    Ok(Some((b, d)))
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

/// The report's date: `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set, else
/// `fallback` (the state's last recorded change). Never the wall clock.
fn report_time(fallback: Option<&str>) -> Result<Option<String>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => {
            let secs: i64 =
                v.trim().parse().map_err(|_| format!("SOURCE_DATE_EPOCH={v} is not a number of seconds"))?;
            let ts = jiff::Timestamp::from_second(secs).map_err(|e| format!("SOURCE_DATE_EPOCH={v}: {e}"))?;
            Ok(Some(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
        }
        _ => Ok(fallback.map(str::to_owned)),
    }
}

pub fn latest_signoff_holds(
    reviews: &[crate::model::Review],
    threats: &[crate::model::Threat],
    model: &Model,
) -> std::collections::HashMap<String, bool> {
    let mut out = std::collections::HashMap::new();
    for r in reviews {
        if let (crate::model::ReviewScope::Threat, Some(reference)) = (&r.scope, &r.threat)
            && let Some(t) = threats.iter().find(|t| &t.reference == reference)
        {
            out.insert(reference.clone(), review::threat_fingerprint(t, model) == r.fingerprint);
        }
    }
    out
}

/// What a report of a project file is made from: its stored state, read only. A file
/// that does not verify (damaged, or changed outside Threatwright) is refused: a report
/// must never present such a state as evidence.
pub fn report_input(project: &Project, library: &Library) -> Result<crate::report::Input, String> {
    report_input_at(project, library, None)
}

/// [`report_input`], dated `timestamp` when given (re-making a report as it was made).
pub fn report_input_at(
    project: &Project,
    library: &Library,
    timestamp: Option<&str>,
) -> Result<crate::report::Input, String> {
    refuse_unverified(project)?;
    input_of(project, library, timestamp)
}

/// Refuses a project file that does not verify: no report is made of it.
fn refuse_unverified(project: &Project) -> Result<(), String> {
    let found = project.verify().map_err(|e| e.to_string())?;
    if found.ok() {
        return Ok(());
    }
    let problems = found.problems();
    Err(format!(
        "{}: refused: the project file does not verify, so no report is made of it ({} problem(s)): {}",
        project.path().display(),
        problems.len(),
        problems.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
    ))
}

/// A report's input from a project file already verified.
fn input_of(project: &Project, library: &Library, timestamp: Option<&str>) -> Result<crate::report::Input, String> {
    let err = |e: store::Error| e.to_string();
    let model = project.load_model().map_err(err)?;
    let threats = project.register().map_err(err)?;
    let mitigations = project.mitigations().map_err(err)?;
    let reviews = project.reviews().map_err(err)?;
    let audit = project.audit_log().map_err(err)?;
    let (_, fingerprint, _) = snapshot(project).map_err(err)?;
    let baseline =
        baseline_diff(project, library).map_err(err)?.map(|(b, diff)| crate::report::content::BaselineInfo {
            id: b.id,
            at: b.at.clone(),
            reviewer: b.reviewer.clone(),
            note: b.note.clone(),
            fingerprint: b.fingerprint.clone(),
            diff,
        });
    let timestamp = match timestamp {
        Some(t) => Some(t.to_owned()),
        None => report_time(audit.last().map(|e| e.at.as_str()))?,
    };
    Ok(crate::report::Input {
        source_name: project.path().file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        source_kind: crate::report::content::SourceKind::Project,
        signoff_holds: latest_signoff_holds(&reviews, &threats, &model),
        rules_version: project.rules_version().map_err(err)?.unwrap_or_else(|| "(never analysed)".into()),
        date: timestamp.as_ref().map(|t| t[..10].to_owned()),
        timestamp,
        model,
        threats,
        mitigations,
        reviews,
        baseline,
        audit,
        fingerprint,
        lines: Default::default(),
    })
}

/// What a report of a model YAML file is made from: the model analysed now, its
/// register's decisions kept; `text` is the file's content (for SARIF line numbers).
pub fn report_input_yaml(
    name: &str,
    text: &str,
    model: &Model,
    library: &Library,
) -> Result<crate::report::Input, String> {
    report_input_yaml_at(name, text, model, library, None)
}

/// [`report_input_yaml`], dated `timestamp` when given.
pub fn report_input_yaml_at(
    name: &str,
    text: &str,
    model: &Model,
    library: &Library,
    timestamp: Option<&str>,
) -> Result<crate::report::Input, String> {
    // The latest decision or sign-off recorded in the file dates the state.
    let latest = model
        .threats
        .iter()
        .filter_map(|t| t.response.decided_at.clone())
        .chain(model.reviews.iter().map(|r| r.at.clone()))
        .max();
    let timestamp = match timestamp {
        Some(t) => Some(t.to_owned()),
        None => report_time(latest.as_deref())?,
    };
    let at = timestamp.clone().unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let analysis = analyze_document_at(model, library, &at);
    let plain = model.without_register();
    // The reported document: the model with the register as analysed.
    let overrides: std::collections::HashMap<uuid::Uuid, crate::model::RankingOverride> =
        model.threats.iter().filter_map(|r| r.ranking_override.clone().map(|o| (r.id, o))).collect();
    let mut doc = plain.clone();
    doc.threats = analysis.threats.iter().map(|t| records::to_record(t, overrides.get(&t.id).cloned())).collect();
    doc.mitigations = model.mitigations.clone();
    doc.reviews = model.reviews.clone();
    doc.canonicalize();
    let canonical = yaml::to_string(&state_of(&doc)).map_err(|e| e.to_string())?;
    let mut mitigations = model.mitigations.clone();
    mitigations.sort_by(|a, b| reference_order(&a.reference, &b.reference));
    Ok(crate::report::Input {
        source_name: name.to_owned(),
        source_kind: crate::report::content::SourceKind::Yaml,
        signoff_holds: latest_signoff_holds(&model.reviews, &analysis.threats, &plain),
        rules_version: analysis.rules_version.clone(),
        date: timestamp.as_ref().map(|t| t[..10].to_owned()),
        timestamp,
        fingerprint: review::model_fingerprint(&canonical),
        lines: yaml::item_lines(text, model),
        model: plain,
        threats: analysis.threats,
        mitigations,
        reviews: model.reviews.clone(),
        baseline: None,
        audit: Vec::new(),
    })
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

/// What `verify-report` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportCheck {
    /// Whether the report shows a state of the file truthfully.
    pub matches: bool,
    pub message: String,
}

/// Where a report to verify was made from.
pub enum ReportSource<'a> {
    Project(&'a Project),
    /// A model YAML file: its name, its text and the model read from it.
    Yaml {
        name: &'a str,
        text: &'a str,
        model: &'a Model,
    },
}

/// Checks a report against what it was made from: makes it again from the recipe it
/// carries (the state, the time, the configuration) and compares bytes. A report of a
/// project file that has moved on since cannot be made again; then its audit-log head and
/// fingerprint say where it stands. A project file that does not verify is refused.
pub fn verify_report(bytes: &[u8], source: &ReportSource<'_>, library: &Library) -> Result<ReportCheck, String> {
    use crate::report::recipe;
    let format = recipe::format_of(bytes).ok_or("not a Threatwright report (CSV exports carry no fingerprint)")?;
    let Some(r) = recipe::read(format, bytes)? else {
        return Err(
            "carries no recipe: it was not made by this version of Threatwright, or its recipe was removed".into()
        );
    };
    let remake = |input: &crate::report::Input| crate::report::render(input, &r.config, format).0;
    let compare = |made: Vec<u8>, state: String| {
        if made == bytes {
            ReportCheck {
                matches: true,
                message: format!("made again from {state}: identical, byte for byte (fingerprint {})", r.fingerprint),
            }
        } else {
            ReportCheck {
                matches: false,
                message: format!(
                    "does NOT match: made again from {state}, it differs first at {}: the report was changed after it was written",
                    recipe::first_difference(format, &made, bytes)
                ),
            }
        }
    };
    match source {
        ReportSource::Yaml { name, text, model } => {
            let input = report_input_yaml_at(name, text, model, library, r.timestamp.as_deref())?;
            if input.fingerprint != r.fingerprint {
                return Ok(ReportCheck {
                    matches: false,
                    message: format!(
                        "does NOT match {name}: the report shows fingerprint {}, the file is {}",
                        r.fingerprint, input.fingerprint
                    ),
                });
            }
            Ok(compare(remake(&input), name.to_string()))
        }
        ReportSource::Project(project) => {
            // Verified once: whether the report is made again or checked by its head.
            refuse_unverified(project)?;
            let err = |e: store::Error| e.to_string();
            let file = project.path().display().to_string();
            let log = project.audit_log().map_err(err)?;
            let now = log.last().map(|e| format!("{}:{}", e.seq, e.hash));
            if r.head == now {
                let input = input_of(project, library, r.timestamp.as_deref())?;
                return Ok(compare(remake(&input), format!("the current state of {file}")));
            }
            // Made earlier: its head must be an entry of this file's log.
            let entry = r.head.as_deref().and_then(|h| h.split_once(':')).and_then(|(seq, hash)| {
                let seq: u64 = seq.parse().ok()?;
                log.get(usize::try_from(seq).ok()?.checked_sub(1)?).filter(|e| e.hash == hash).map(|e| e.seq)
            });
            let Some(seq) = entry else {
                return Ok(ReportCheck {
                    matches: false,
                    message: format!(
                        "does NOT match {file}: the audit-log head it names is not an entry of this file's log"
                    ),
                });
            };
            let baseline = project.baselines().map_err(err)?.into_iter().find(|b| b.fingerprint == r.fingerprint);
            Ok(match baseline {
                Some(b) => ReportCheck {
                    matches: true,
                    message: format!(
                        "made from {file} at audit entry {seq} (the log holds it), showing the state signed off as baseline {} by {} at {} (fingerprint {}); the project has changed since, so the report's content was checked by its fingerprint only",
                        b.id, b.reviewer, b.at, r.fingerprint
                    ),
                },
                None => ReportCheck {
                    matches: false,
                    message: format!(
                        "made from {file} at audit entry {seq}, but the project has changed since and no baseline has its state (fingerprint {}): it shows a state that was never signed off",
                        r.fingerprint
                    ),
                },
            })
        }
    }
}

/// Makes the next action of `project` a signed approval: builds the statement of
/// `action` on `object` deciding `decision`, has `ssh-keygen` sign it with `key`, and
/// attaches it (see `Project::sign_next`).
pub fn sign_approval(
    project: &mut Project,
    key: &std::path::Path,
    action: &str,
    object: &str,
    decision: Vec<(String, String)>,
) -> Result<(), String> {
    let statement = project.approval_statement(action, object, decision).map_err(|e| e.to_string())?;
    let signature = crate::sshsig::sign(key, &statement.text())?;
    project.sign_next(statement, signature);
    Ok(())
}

/// Makes the next status change of threat `reference`, as `req` decides it, a signed
/// approval (the CLI's `threat set --sign-with`, the app's status dialog).
pub fn sign_status_change(
    project: &mut Project,
    key: &std::path::Path,
    reference: &str,
    req: &crate::lifecycle::Request,
) -> Result<(), String> {
    sign_approval(project, key, "threat.status", reference, decision_lines(req))
}

/// Makes the next sign-off of threat `reference` by `reviewer` a signed approval.
pub fn sign_threat_sign_off(
    project: &mut Project,
    key: &std::path::Path,
    reference: &str,
    reviewer: &str,
    note: Option<&str>,
) -> Result<(), String> {
    let mut decision = vec![("reviewer".to_owned(), reviewer.trim().to_owned())];
    decision.extend(note.map(|n| ("note".to_owned(), n.to_owned())));
    sign_approval(project, key, "review.threat", reference, decision)
}

/// What a status change decides, as the lines of a signed statement.
fn decision_lines(req: &crate::lifecycle::Request) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = req.status {
        out.push(("status".to_owned(), s.as_str().to_owned()));
    }
    for (k, v) in [
        ("approver", &req.approver),
        ("reason", &req.reason),
        ("expires", &req.expires),
        ("transferred-to", &req.transferred_to),
    ] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.push((k.to_owned(), v.to_owned()));
        }
    }
    out
}

/// Signs off the current model version as a signed approval: the statement names the
/// fingerprint of the state being signed.
pub fn sign_model_signed(
    project: &mut Project,
    reviewer: &str,
    note: Option<&str>,
    key: &std::path::Path,
) -> Result<Baseline, String> {
    let (_, fingerprint, _) = snapshot(project).map_err(|e| e.to_string())?;
    let mut decision =
        vec![("reviewer".to_owned(), reviewer.trim().to_owned()), ("fingerprint".to_owned(), fingerprint)];
    decision.extend(note.map(|n| ("note".to_owned(), n.to_owned())));
    sign_approval(project, key, "baseline.create", "model", decision)?;
    sign_model(project, reviewer, note).map_err(|e| e.to_string())
}

/// An SSH-signed approval of the audit log, checked.
#[derive(Clone, Debug)]
pub struct SignedApproval {
    pub seq: u64,
    pub action: String,
    pub object: String,
    pub who: String,
    pub at: String,
    pub signature: crate::lifecycle::approval::Signature,
    /// ssh-keygen's word on the signature (`Ok`), or why it does not hold.
    pub checked: Result<String, String>,
}

/// Every SSH-signed approval in the audit log, each signature checked with ssh-keygen
/// and its statement against the entry that keeps it.
pub fn signed_approvals(log: &[crate::lifecycle::audit::Entry]) -> Vec<SignedApproval> {
    let mut out = Vec::new();
    for e in log {
        let Some(after) = e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else {
            continue;
        };
        let Some(sig) = after.get("signature") else { continue };
        let Ok(signature) = serde_json::from_value::<crate::lifecycle::approval::Signature>(sig.clone()) else {
            continue;
        };
        let lines: Vec<&str> = signature.statement.lines().collect();
        let says = |k: &str, v: &str| lines.contains(&format!("{k}: {v}").as_str());
        let checked = if !(says("action", &e.action) && says("at", &e.at) && says("by", &e.who)) {
            Err("its statement does not match the entry that keeps it (action, time or person)".to_owned())
        } else {
            crate::sshsig::check(&signature)
        };
        out.push(SignedApproval {
            seq: e.seq,
            action: e.action.clone(),
            object: e.object.clone(),
            who: e.who.clone(),
            at: e.at.clone(),
            signature,
            checked,
        });
    }
    out
}
