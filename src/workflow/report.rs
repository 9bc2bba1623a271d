//! What reports are made from — a project file's recorded state (now, or as it stood at
//! an earlier audit entry when that state was signed off) or a model YAML analysed — and
//! `verify-report`, which makes a report again from the state it names and compares bytes.

use super::{analyze_document_at, baseline_diff, snapshot, state_of};
use crate::io::yaml;
use crate::lifecycle::records;
use crate::lifecycle::review;
use crate::model::{Model, reference_order};
use crate::rules::Library;
use crate::store::{self, Project};

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

/// What a report of a project file shows, read at one point of the file's history.
struct Recorded {
    model: Model,
    threats: Vec<crate::model::Threat>,
    questions: Vec<crate::model::Question>,
    mitigations: Vec<crate::model::Mitigation>,
    reviews: Vec<crate::model::Review>,
    audit: Vec<crate::lifecycle::audit::Entry>,
    fingerprint: String,
    /// The latest baseline then, and what changed from it to this state.
    baseline: Option<(store::Baseline, crate::diff::Diff)>,
    rules_version: Option<String>,
}

/// A report's input from a project file already verified: its current state.
fn input_of(project: &Project, library: &Library, timestamp: Option<&str>) -> Result<crate::report::Input, String> {
    let err = |e: store::Error| e.to_string();
    let model = project.load_model().map_err(err)?;
    let recorded = Recorded {
        questions: crate::rules::questions(&model, library),
        model,
        threats: project.register().map_err(err)?,
        mitigations: project.mitigations().map_err(err)?,
        reviews: project.reviews().map_err(err)?,
        audit: project.audit_log().map_err(err)?,
        fingerprint: snapshot(project).map_err(err)?.1,
        baseline: baseline_diff(project, library).map_err(err)?,
        rules_version: project.rules_version().map_err(err)?,
    };
    input_from(project, recorded, timestamp)
}

/// A report's input from a project file already verified, as it stood at audit entry
/// `seq`, when its state was baseline `b`'s (the caller has made sure it was): the
/// model, register, mitigations and threat sign-offs from the baseline's snapshot, the
/// register analysed again with `library` (which must be the version used then); the
/// model sign-offs, the latest baseline, the rule version and the log as they were at
/// that entry (by the seals of the actions that wrote them).
fn input_at(
    project: &Project,
    library: &Library,
    b: &store::Baseline,
    seq: u64,
    timestamp: Option<&str>,
) -> Result<crate::report::Input, String> {
    let err = |e: store::Error| e.to_string();
    let doc = super::baseline_document(project, b).map_err(err)?;
    let mut audit = project.audit_log().map_err(err)?;
    audit.retain(|e| e.seq <= seq);
    let at = audit.last().map_or_else(crate::lifecycle::now, |e| e.at.clone());
    let written = |table: &str| -> Result<std::collections::HashMap<String, u64>, String> {
        let mut first = project.first_written(table).map_err(err)?;
        first.retain(|_, s| *s <= seq);
        Ok(first)
    };
    let (reviews_then, baselines_then) = (written("reviews")?, written("baselines")?);
    let mut reviews: Vec<crate::model::Review> =
        doc.reviews.iter().filter(|r| r.scope == crate::model::ReviewScope::Threat).cloned().collect();
    reviews.extend(
        project
            .reviews()
            .map_err(err)?
            .into_iter()
            .filter(|r| r.scope == crate::model::ReviewScope::Model && reviews_then.contains_key(&r.id.to_string())),
    );
    reviews.sort_by(|x, y| x.at.cmp(&y.at).then(x.id.to_string().cmp(&y.id.to_string())));
    // The document as the file held it then: the baseline's state with the model
    // sign-offs made by then (what the comparison with the latest baseline reads).
    let mut doc = doc;
    doc.reviews.clone_from(&reviews);
    doc.canonicalize();
    let latest = baselines_then.keys().filter_map(|id| id.parse::<u64>().ok()).max();
    let baseline = match latest {
        None => None,
        Some(id) => {
            let l = project.baseline(Some(id)).map_err(err)?.ok_or_else(|| format!("baseline {id} is gone"))?;
            let d = super::diff_from_baseline(project, &l, &doc, library).map_err(err)?;
            Some((l, d))
        }
    };
    let mut mitigations = doc.mitigations.clone();
    mitigations.sort_by(|a, b| reference_order(&a.reference, &b.reference));
    let recorded = Recorded {
        threats: analyze_document_at(&doc, library, &at).threats,
        questions: crate::rules::questions(&doc.without_register(), library),
        model: doc.without_register(),
        mitigations,
        reviews,
        audit,
        fingerprint: b.fingerprint.clone(),
        baseline,
        rules_version: project.rules_version_at(seq).map_err(err)?,
    };
    input_from(project, recorded, timestamp)
}

fn input_from(project: &Project, r: Recorded, timestamp: Option<&str>) -> Result<crate::report::Input, String> {
    let baseline = r.baseline.map(|(b, diff)| crate::report::content::BaselineInfo {
        id: b.id,
        at: b.at,
        reviewer: b.reviewer,
        note: b.note,
        fingerprint: b.fingerprint,
        diff,
    });
    let timestamp = match timestamp {
        Some(t) => Some(t.to_owned()),
        None => report_time(r.audit.last().map(|e| e.at.as_str()))?,
    };
    Ok(crate::report::Input {
        source_name: project.path().file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        source_kind: crate::report::content::SourceKind::Project,
        signoff_holds: latest_signoff_holds(&r.reviews, &r.threats, &r.model),
        rules_version: r.rules_version.unwrap_or_else(|| "(never analysed)".into()),
        date: timestamp.as_ref().map(|t| t[..10].to_owned()),
        timestamp,
        model: r.model,
        threats: r.threats,
        questions: r.questions,
        mitigations: r.mitigations,
        reviews: r.reviews,
        baseline,
        audit: r.audit,
        fingerprint: r.fingerprint,
        lines: Default::default(),
    })
}

/// The first row of the reported state (the model, the register, mitigations and threat
/// sign-offs) that differs between entries `after` and `upto`. Baselines, model
/// sign-offs, analysis runs that changed no threat, and settings are not the state.
fn state_changes_between(project: &Project, after: u64, upto: u64) -> store::Result<Option<store::RowChange>> {
    if after == upto {
        return Ok(None);
    }
    let model_reviews: std::collections::HashSet<String> = project
        .reviews()?
        .into_iter()
        .filter(|r| r.scope == crate::model::ReviewScope::Model)
        .map(|r| r.id.to_string())
        .collect();
    Ok(project.changed_between(after, upto)?.into_iter().find(|c| match c.table.as_str() {
        "baselines" | "analysis_runs" | "meta" => false,
        "reviews" => !model_reviews.contains(&c.row),
        _ => true,
    }))
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
        questions: analysis.questions,
        mitigations,
        reviews: model.reviews.clone(),
        baseline: None,
        audit: Vec::new(),
    })
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
/// project file that has moved on since is made again from the baseline whose state it
/// shows, with the log as it was at the report's audit-log head — when that state held at
/// that entry and the rule library is the one it was analysed with; otherwise it is not
/// vouched for, and the answer says why. A project file that does not verify is refused.
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
            let not_matching = |message: String| Ok(ReportCheck { matches: false, message });
            let candidates: Vec<store::Baseline> =
                project.baselines().map_err(err)?.into_iter().filter(|b| b.fingerprint == r.fingerprint).collect();
            if candidates.is_empty() {
                return not_matching(format!(
                    "made from {file} at audit entry {seq}, but the project has changed since and no baseline has its state (fingerprint {}): it shows a state that was never signed off",
                    r.fingerprint
                ));
            }
            // The state at that entry was a baseline's when nothing of the state changed
            // between the baseline's sign-off and the entry.
            let signed_at = project.first_written("baselines").map_err(err)?;
            let mut changed = None;
            let mut held = None;
            for b in candidates.iter().rev() {
                let Some(&s0) = signed_at.get(&b.id.to_string()) else { continue };
                let found = state_changes_between(project, s0.min(seq), s0.max(seq)).map_err(err)?;
                match found {
                    None => {
                        held = Some(b);
                        break;
                    }
                    Some(c) => changed = changed.or(Some((b.id, c))),
                }
            }
            let Some(b) = held else {
                let (id, c) = changed.expect("a candidate was looked at");
                return not_matching(format!(
                    "made from {file} at audit entry {seq}, showing the state of baseline {id} (fingerprint {}), but the state at that entry differs from the state signed ({} `{}`, written at entry {}): it shows a state that was never signed off",
                    r.fingerprint, c.table, c.label, c.seq
                ));
            };
            let then = project.rules_version_at(seq).map_err(err)?;
            if then.as_deref().is_some_and(|v| v != library.version) {
                return not_matching(format!(
                    "made from {file} at audit entry {seq}, showing the state signed off as baseline {} (fingerprint {}), with rule library {}; these rules are {}: run verify-report with that library (--rules) to make the report again",
                    b.id,
                    r.fingerprint,
                    then.unwrap_or_default(),
                    library.version
                ));
            }
            let full =
                project.baseline(Some(b.id)).map_err(err)?.ok_or_else(|| format!("baseline {} is gone", b.id))?;
            let input = input_at(project, library, &full, seq, r.timestamp.as_deref())?;
            Ok(compare(
                remake(&input),
                format!(
                    "the state signed off as baseline {} by {} at {}, with {file}'s audit log up to entry {seq}",
                    b.id, b.reviewer, b.at
                ),
            ))
        }
    }
}
