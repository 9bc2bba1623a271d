//! `report` and `verify-report`.

use super::args::{ReportFormat, RuleOpts};
use super::{Exit, Failure, Outcome, is_project_path, print};
use crate::io::yaml::{self, Limits};
use crate::report::{self, Config};
use crate::store::Project;
use std::path::Path;

/// Everything a report is made from, for a project file or a model YAML.
fn input(file: &Path, rules: &RuleOpts, limits: &Limits) -> Result<report::Input, Failure> {
    if is_project_path(file) {
        let project = Project::open(file)?;
        // The changes since the baseline are judged by the rules `diff` would use.
        let library = super::analyze::library(&super::analyze::rule_dirs(file, rules))?;
        return crate::workflow::report_input(&project, &library).map_err(Failure::input);
    }
    let bytes = std::fs::read(file).map_err(|e| Failure::input(format!("{}: cannot read: {e}", file.display())))?;
    let name = file.display().to_string();
    let loaded = yaml::load_bytes(&bytes, &name, limits);
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let Some(model) = loaded.model.filter(|_| errors == 0) else {
        eprint!("{}", super::render::diagnostics_text(&loaded.diagnostics));
        return Err(Failure::input(format!(
            "{name}: the model has {} error(s); run `threatwright validate {name}` for details",
            errors.max(1)
        )));
    };
    let library = super::analyze::library(&super::analyze::rule_dirs(file, rules))?;
    let text = String::from_utf8_lossy(&bytes);
    crate::workflow::report_input_yaml(&name, &text, &model, &library).map_err(Failure::input)
}

fn config(path: Option<&Path>) -> Result<Config, Failure> {
    let Some(path) = path else { return Ok(Config::default()) };
    match yaml::read_settings::<Config>(path)? {
        Some(c) => Ok(c),
        None if path.exists() => Ok(Config::default()),
        None => Err(Failure::input(format!("{}: no such report configuration file", path.display()))),
    }
}

/// The report's bytes in a format (see [`report::render`]).
pub fn render(input: &report::Input, config: &Config, format: ReportFormat) -> (Vec<u8>, Vec<String>) {
    report::render(input, config, format.into())
}

pub fn report(
    file: &Path,
    format: ReportFormat,
    output: Option<&Path>,
    config_path: Option<&Path>,
    rules: &RuleOpts,
    limits: &Limits,
) -> Outcome {
    if format == ReportFormat::Pdf && output.is_none() {
        return Err(Failure::input("a PDF report needs an output file: add `-o report.pdf`"));
    }
    let config = config(config_path)?;
    let input = input(file, rules, limits)?;
    let (bytes, notes) = render(&input, &config, format);
    for n in &notes {
        eprintln!("threatwright: warning: {n}");
    }
    match output {
        Some(out) => {
            crate::files::write_atomic(out, &bytes)
                .map_err(|e| Failure::input(format!("{}: cannot write: {e}", out.display())))?;
            eprintln!("wrote {} ({} bytes, fingerprint {})", out.display(), bytes.len(), &input.fingerprint[..16]);
            Ok(Exit::Success)
        }
        None => print(&String::from_utf8_lossy(&bytes)),
    }
}

/// The fingerprint a report carries, whatever its format.
fn report_fingerprint(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::input(format!("{}: cannot read: {e}", path.display())))?;
    let missing = || {
        Failure::input(format!(
            "{}: carries no Threatwright fingerprint (is it a Threatwright report? CSV exports carry none)",
            path.display()
        ))
    };
    if bytes.starts_with(b"%PDF-") {
        return report::pdf::read_fingerprint(&bytes)
            .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?
            .ok_or_else(missing);
    }
    let text = String::from_utf8_lossy(&bytes);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        let fp =
            v["evidence"]["fingerprint"].as_str().or_else(|| v["runs"][0]["properties"]["modelFingerprint"].as_str());
        return fp.map(str::to_owned).ok_or_else(missing);
    }
    for marker in ["name=\"threatwright-fingerprint\" content=\"", "canonical model and register): `"] {
        if let Some(at) = text.find(marker) {
            let hex: String = text[at + marker.len()..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            if hex.len() == 64 {
                return Ok(hex);
            }
        }
    }
    Err(missing())
}

pub fn verify(report_path: &Path, file: &Path, rules: &RuleOpts, limits: &Limits) -> Outcome {
    let claimed = report_fingerprint(report_path)?;
    let input = input(file, rules, limits)?;
    let r = report_path.display();
    if claimed == input.fingerprint {
        return print(&format!("{r}: matches the current state of {} (fingerprint {claimed})\n", file.display()))
            .map(|_| Exit::Success);
    }
    if is_project_path(file) {
        let project = Project::open(file)?;
        if let Some(b) = project.baselines()?.into_iter().find(|b| b.fingerprint == claimed) {
            return print(&format!(
                "{r}: matches baseline {} of {} (signed off by {} at {}); the project has changed since (now {})\n",
                b.id,
                file.display(),
                b.reviewer,
                b.at,
                &input.fingerprint[..16]
            ))
            .map(|_| Exit::Success);
        }
    }
    print(&format!(
        "{r}: does NOT match {}: the report's fingerprint is {claimed}, the current state's is {}{}\n",
        file.display(),
        input.fingerprint,
        if is_project_path(file) { ", and no baseline has the report's" } else { "" }
    ))?;
    Ok(Exit::Findings)
}
