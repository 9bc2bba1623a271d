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
