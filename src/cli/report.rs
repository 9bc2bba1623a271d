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
        let project = Project::open_read_only(file)?;
        // The changes since the baseline are judged by the rules `diff` would use.
        let library = super::analyze::library(&super::analyze::rule_dirs(file, rules), rules.builtin())?;
        return crate::workflow::report_input(&project, &library).map_err(Failure::input);
    }
    let (name, text, model) = model_file(file, limits)?;
    let library = super::analyze::library(&super::analyze::rule_dirs(file, rules), rules.builtin())?;
    crate::workflow::report_input_yaml(&name, &text, &model, &library).map_err(Failure::input)
}

/// A model YAML file a report is made from: its name, its text and its model (a model
/// with errors is refused, its diagnostics printed).
fn model_file(file: &Path, limits: &Limits) -> Result<(String, String, crate::model::Model), Failure> {
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
    Ok((name, String::from_utf8_lossy(&bytes).into_owned(), model))
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

/// Checks a report against the file it was made from (see `workflow::verify_report`):
/// exit 0 when it shows a state of the file truthfully, 1 when it does not.
pub fn verify(report_path: &Path, file: &Path, rules: &RuleOpts, limits: &Limits) -> Outcome {
    let bytes = std::fs::read(report_path)
        .map_err(|e| Failure::input(format!("{}: cannot read: {e}", report_path.display())))?;
    let library = super::analyze::library(&super::analyze::rule_dirs(file, rules), rules.builtin())?;
    let checked = if is_project_path(file) {
        let project = Project::open_read_only(file)?;
        crate::workflow::verify_report(&bytes, &crate::workflow::ReportSource::Project(&project), &library)
    } else {
        let (name, text, model) = model_file(file, limits)?;
        crate::workflow::verify_report(
            &bytes,
            &crate::workflow::ReportSource::Yaml { name: &name, text: &text, model: &model },
            &library,
        )
    }
    .map_err(|e| Failure::input(format!("{}: {e}", report_path.display())))?;
    print(&format!("{}: {}\n", report_path.display(), checked.message))?;
    Ok(if checked.matches { Exit::Success } else { Exit::Findings })
}
