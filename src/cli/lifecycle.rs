//! Lifecycle commands: mitigations, reviews, baselines, the audit log, the CI gate, settings.

use super::args::{
    BaselineCommand, LevelArg, LogArgs, LogCommand, MitigationCommand, MitigationFieldArgs, MitigationStatusArg,
    ReviewCommand, RuleOpts, TextOrJson,
};
use super::{Exit, Failure, Outcome, is_project_path, print, print_json, render};
use crate::io::yaml::{self, Limits};
use crate::lifecycle::{self, check};
use crate::model::{MitigationStatus, RiskLevel};
use crate::store::{MitigationFields, Project};
use crate::workflow;
use std::fmt::Write;
use std::path::Path;

/// Opens a project file to write to it, as the configured user.
pub(crate) fn open(file: &Path) -> Result<Project, Failure> {
    needs_project(file)?;
    let mut p = Project::open(file)?;
    p.set_user(&who()?);
    Ok(p)
}

/// Opens a project file to read it only: the file is left exactly as it is.
pub(crate) fn open_to_read(file: &Path) -> Result<Project, Failure> {
    needs_project(file)?;
    Ok(Project::open_read_only(file)?)
}

fn needs_project(file: &Path) -> Result<(), Failure> {
    if is_project_path(file) {
        return Ok(());
    }
    Err(Failure::input(format!(
        "{}: this needs a project file (.twdb); create one with `threatwright new FILE.twdb --from {}`",
        file.display(),
        file.display()
    )))
}

/// Who acts: see `config::who`.
pub(crate) fn who() -> Result<String, Failure> {
    let config = match crate::config::path() {
        Some(p) => yaml::read_settings::<crate::config::Config>(&p)?.unwrap_or_default(),
        None => Default::default(),
    };
    Ok(crate::config::who(&config))
}

fn fields(a: &MitigationFieldArgs) -> MitigationFields {
    MitigationFields {
        title: a.title.clone(),
        description: a.description.clone(),
        status: a.status.map(|s| match s {
            MitigationStatusArg::Proposed => MitigationStatus::Proposed,
            MitigationStatusArg::Planned => MitigationStatus::Planned,
            MitigationStatusArg::Implemented => MitigationStatus::Implemented,
            MitigationStatusArg::Verified => MitigationStatus::Verified,
        }),
        owner: a.owner.clone(),
        ticket: a.ticket.clone(),
        due: a.due.clone(),
    }
}

pub fn mitigation(cmd: MitigationCommand) -> Outcome {
    match cmd {
        MitigationCommand::Add { file, fields: f, threats } => {
            let m = open(&file)?.add_mitigation(&fields(&f), &threats)?;
            print(&format!("{}\n", m.reference))
        }
        MitigationCommand::Link { file, mitigation, threats } => {
            open(&file)?.link(&mitigation, &threats)?;
            Ok(Exit::Success)
        }
        MitigationCommand::Unlink { file, mitigation, threats } => {
            open(&file)?.unlink(&mitigation, &threats)?;
            Ok(Exit::Success)
        }
        MitigationCommand::Set { file, mitigation, fields: f } => {
            let m = open(&file)?.update_mitigation(&mitigation, &fields(&f))?;
            print(&render::mitigations_text(std::slice::from_ref(&m), &[]))
        }
        MitigationCommand::Adopt { file, threats, template } => {
            let ms = open(&file)?.adopt(&threats, template.as_deref())?;
            let mut out = String::new();
            for (t, m) in threats.iter().zip(&ms) {
                let _ = writeln!(out, "{t}: {} {}", m.reference, m.title);
            }
            print(&out)
        }
        MitigationCommand::List { file, format } => {
            let p = open_to_read(&file)?;
            let ms = p.mitigations()?;
            let register = p.register()?;
            let orphans: Vec<String> = check::orphans(
                &ms,
                register
                    .iter()
                    .filter(|t| t.status != crate::model::ThreatStatus::Obsolete)
                    .map(|t| t.reference.as_str()),
            )
            .iter()
            .map(|m| m.reference.clone())
            .collect();
            match format {
                TextOrJson::Text => print(&render::mitigations_text(&ms, &orphans)),
                TextOrJson::Json => print_json(&serde_json::json!({ "mitigations": ms, "orphans": orphans })),
            }
        }
    }
}

pub fn review(cmd: ReviewCommand) -> Outcome {
    match cmd {
        ReviewCommand::Sign { file, threat, reviewer, note, sign_with } => {
            let mut p = open(&file)?;
            match threat {
                Some(t) => {
                    if let Some(key) = &sign_with {
                        workflow::sign_threat_sign_off(&mut p, key, &t, &reviewer, note.as_deref())
                            .map_err(Failure::input)?;
                    }
                    let r = p.sign_threat(&t, &reviewer, note.as_deref())?;
                    print(&format!("{} signed off by {} at {}\n", t, r.reviewer, r.at))
                }
                None => {
                    let b = match &sign_with {
                        Some(key) => workflow::sign_model_signed(&mut p, &reviewer, note.as_deref(), key)
                            .map_err(Failure::input)?,
                        None => workflow::sign_model(&mut p, &reviewer, note.as_deref())?,
                    };
                    print(&format!(
                        "baseline {} signed off by {} at {}\nfingerprint {}\naudit log head before sign-off {}:{}\n",
                        b.id, b.reviewer, b.at, b.fingerprint, b.audit_seq, b.audit_hash
                    ))
                }
            }
        }
        ReviewCommand::List { file, format } => {
            let p = open_to_read(&file)?;
            let model = p.load_model()?;
            let register = p.register()?;
            let reviews = p.reviews()?;
            let state = workflow::review_state(&p)?;
            let rows: Vec<serde_json::Value> = reviews
                .iter()
                .map(|r| {
                    let holds = match (&r.scope, &r.threat) {
                        (crate::model::ReviewScope::Threat, Some(t)) => register
                            .iter()
                            .find(|x| &x.reference == t)
                            .is_some_and(|x| lifecycle::review::threat_fingerprint(x, &model) == r.fingerprint),
                        _ => matches!(state, check::ReviewState::Reviewed { baseline } if Some(baseline) == r.baseline),
                    };
                    serde_json::json!({ "review": r, "holds": holds })
                })
                .collect();
            match format {
                TextOrJson::Json => print_json(&rows),
                TextOrJson::Text => {
                    let mut out = String::new();
                    for row in &rows {
                        let r = &row["review"];
                        let what = r["threat"]
                            .as_str()
                            .map_or_else(|| format!("model (baseline {})", r["baseline"]), str::to_owned);
                        let _ = writeln!(
                            out,
                            "{}  {:<24} {:<18} {}",
                            r["at"].as_str().unwrap_or(""),
                            what,
                            r["reviewer"].as_str().unwrap_or(""),
                            if row["holds"] == true { "holds" } else { "changed since: sign-off no longer holds" }
                        );
                    }
                    if rows.is_empty() {
                        out.push_str("no sign-offs yet\n");
                    }
                    print(&out)
                }
            }
        }
    }
}

pub fn baseline(cmd: BaselineCommand) -> Outcome {
    match cmd {
        BaselineCommand::List { file } => {
            let p = open_to_read(&file)?;
            let mut out = String::new();
            for b in p.baselines()? {
                let _ = writeln!(
                    out,
                    "{:>3}  {}  {:<18} {}  {}",
                    b.id,
                    b.at,
                    b.reviewer,
                    &b.fingerprint[..16],
                    b.note.as_deref().unwrap_or("")
                );
            }
            if out.is_empty() {
                out.push_str("no baselines: sign off the model with `threatwright review sign FILE --reviewer NAME`\n");
            }
            print(&out)
        }
        BaselineCommand::Show { file, id, format } => {
            let p = open_to_read(&file)?;
            let b = p.baseline(id)?.ok_or_else(|| {
                Failure::input(match id {
                    Some(id) => {
                        format!("{}: no baseline {id} (`threatwright baseline list` shows them)", file.display())
                    }
                    None => format!("{}: no baselines yet: the model was never signed off", file.display()),
                })
            })?;
            let changes = workflow::changes_since(&p, &b, &p.load_model()?)?;
            match format {
                TextOrJson::Json => print_json(&serde_json::json!({ "baseline": b, "changes_since": changes })),
                TextOrJson::Text => {
                    let mut out = format!(
                        "baseline {} signed off by {} at {}\nfingerprint {}\naudit log head before sign-off {}:{}\n",
                        b.id, b.reviewer, b.at, b.fingerprint, b.audit_seq, b.audit_hash
                    );
                    if let Some(n) = &b.note {
                        let _ = writeln!(out, "note: {n}");
                    }
                    out.push_str(&render::changes_text(&changes));
                    print(&out)
                }
            }
        }
    }
}

pub fn log(args: LogArgs) -> Outcome {
    match (args.command, args.file) {
        (Some(LogCommand::Verify { file }), _) => {
            let p = open_to_read(&file)?;
            let mut found = p.verify()?;
            if found.damage.is_empty() {
                // Signatures are checked with OpenSSH's ssh-keygen: a bad one is a change.
                for a in workflow::signed_approvals(&p.audit_log()?) {
                    if let Err(why) = a.checked {
                        found.state.push(crate::store::Finding {
                            table: "audit_log".into(),
                            what: "signed approval".into(),
                            row: format!("entry {}", a.seq),
                            change: crate::store::Change::Signature { why },
                        });
                    }
                }
            }
            let (seq, hash) = found.chain.head.clone().unwrap_or((0, lifecycle::audit::GENESIS.to_owned()));
            if found.ok() {
                print(&format!(
                    "{}: verified: the file is sound, its audit log intact ({} entries, head {seq}:{hash}), \
                     and every row is as the log sealed it\n",
                    file.display(),
                    found.chain.entries
                ))?;
                return Ok(Exit::Success);
            }
            let problems = found.problems();
            let mut out = format!("{}: NOT verified: {} problem(s)\n", file.display(), problems.len());
            for line in &problems {
                let _ = writeln!(out, "  {line}");
            }
            print(&out)?;
            // Damage is an unreadable input (2); a file changed outside Threatwright is a finding (1).
            Ok(if found.damage.is_empty() { Exit::Findings } else { Exit::Input })
        }
        (Some(LogCommand::Signatures { file, dir }), _) => {
            let p = open_to_read(&file)?;
            let approvals = workflow::signed_approvals(&p.audit_log()?);
            if let Some(dir) = &dir {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::input(format!("{}: cannot create: {e}", dir.display())))?;
            }
            let mut out = String::new();
            for a in &approvals {
                let _ = writeln!(
                    out,
                    "entry {}  {} {} by {} at {}: signed with {}: {}",
                    a.seq,
                    a.action,
                    a.object,
                    a.who,
                    a.at,
                    a.signature.key,
                    match &a.checked {
                        Ok(_) => "good signature".to_owned(),
                        Err(why) => format!("BAD: {why}"),
                    }
                );
                if let Some(dir) = &dir {
                    let write = |name: String, text: &str| {
                        crate::files::write_atomic(&dir.join(&name), text.as_bytes())
                            .map_err(|e| Failure::input(format!("{}: cannot write: {e}", dir.join(&name).display())))
                    };
                    let name = format!("entry-{:06}.txt", a.seq);
                    write(name.clone(), &a.signature.statement)?;
                    write(format!("{name}.sig"), &a.signature.sshsig)?;
                    let statement = dir.join(&name);
                    let _ = writeln!(
                        out,
                        "  ssh-keygen -Y verify -f allowed_signers -I IDENTITY -n {} -s {}.sig < {}",
                        a.signature.namespace,
                        statement.display(),
                        statement.display()
                    );
                }
            }
            if approvals.is_empty() {
                out.push_str("no signed approvals\n");
            }
            print(&out)?;
            Ok(if approvals.iter().all(|a| a.checked.is_ok()) { Exit::Success } else { Exit::Findings })
        }
        (None, Some(file)) => {
            let p = open_to_read(&file)?;
            let log = p.audit_log()?;
            match args.format {
                TextOrJson::Json => print_json(&log),
                TextOrJson::Text => print(&render::log_text(&log)),
            }
        }
        (None, None) => {
            Err(Failure::input("give a project file: `threatwright log FILE` or `threatwright log verify FILE`"))
        }
    }
}

/// Refuses a project file that does not verify (damaged, or changed outside Threatwright):
/// what it says cannot be relied on.
pub(crate) fn verified(project: &Project) -> Result<(), Failure> {
    let found = project.verify()?;
    if found.ok() {
        return Ok(());
    }
    let mut message = format!(
        "{}: does not verify, so what it says cannot be relied on ({} problem(s); `threatwright log verify {}` lists them):",
        project.path().display(),
        found.problems().len(),
        project.path().display()
    );
    for p in found.problems().iter().take(10) {
        message.push_str(&format!("\n  {p}"));
    }
    Err(Failure::input(message))
}

pub(crate) fn level(l: LevelArg) -> RiskLevel {
    match l {
        LevelArg::Low => RiskLevel::Low,
        LevelArg::Medium => RiskLevel::Medium,
        LevelArg::High => RiskLevel::High,
        LevelArg::Critical => RiskLevel::Critical,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn check(
    file: &Path,
    fail_on: LevelArg,
    max_expired: usize,
    as_of: Option<String>,
    no_review: bool,
    rules: &RuleOpts,
    format: TextOrJson,
    limits: &Limits,
) -> Outcome {
    let today = match as_of {
        Some(d) => lifecycle::parse_date(&d)
            .ok_or_else(|| Failure::input(format!("--as-of `{d}` is not a date (YYYY-MM-DD)")))?,
        None => lifecycle::today(),
    };
    let opts = check::Options { fail_on: level(fail_on), max_expired, today, review: !no_review };
    let report = if is_project_path(file) {
        let project = open_to_read(file)?;
        verified(&project)?;
        workflow::check_project(&project, &opts)?
    } else {
        let model = super::read_model(file, limits)?;
        let library = super::analyze::library(&super::analyze::rule_dirs(file, rules), rules.builtin())?;
        workflow::check_document(&model, &library, &opts)
    };
    match format {
        TextOrJson::Json => print_json(&report)?,
        TextOrJson::Text => print(&render::check_text(&file.display().to_string(), &report))?,
    };
    Ok(if report.passed { Exit::Success } else { Exit::Findings })
}

pub fn config(key: &str, value: Option<String>) -> Outcome {
    if key != "user.name" {
        return Err(Failure::input(format!("unknown setting `{key}`; the settings are: user.name")));
    }
    let path = crate::config::path()
        .ok_or_else(|| Failure::input("no place for settings: set HOME, XDG_CONFIG_HOME or THREATWRIGHT_CONFIG"))?;
    let mut config: crate::config::Config = yaml::read_settings(&path)?.unwrap_or_default();
    match value {
        None => print(&format!("{}\n", config.user.name.as_deref().unwrap_or(&crate::config::who(&config)))),
        Some(v) => {
            config.user.name = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
            yaml::write_settings(&path, &config)?;
            Ok(Exit::Success)
        }
    }
}
