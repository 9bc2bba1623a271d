//! The command-line front door: argument parsing and printing only. Every answer is
//! computed by the core; this module reads files the user names, calls the core, and
//! prints. `main` is the only place that prints errors and chooses exit codes.

mod analyze;
mod args;
mod diff;
mod eval;
mod import;
mod lifecycle;
mod render;
mod report;
mod rules;
mod threat;

use crate::io::yaml::{self, Limits};
use crate::model::{Diagnostic, Model};
use crate::store::{self, Project};
use args::{Cli, Command, ExportFormat, TextOrJson};
use clap::Parser;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Fixed exit codes: tools and CI pipelines depend on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// The command ran and found something (model errors, a failed gate).
    Findings = 1,
    /// Bad usage or unreadable input.
    Input = 2,
    /// A bug or an environment failure (disk full, SQLite internal error).
    Internal = 3,
}

/// Why a command stopped: printed by `main` as "error: {message}".
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Failure {
        Failure { exit: Exit::Input, message: message.into() }
    }
    fn internal(message: impl Into<String>) -> Failure {
        Failure { exit: Exit::Internal, message: message.into() }
    }
}

impl From<store::Error> for Failure {
    fn from(e: store::Error) -> Failure {
        use store::Error::*;
        let exit = match &e {
            NotFound { .. }
            | NotAProjectFile { .. }
            | IncompatibleVersion { .. }
            | Corrupt { .. }
            | ForeignSchema { .. }
            | Tampered { .. }
            | InUse { .. }
            | ReadOnly { .. }
            | NetworkFileSystem { .. }
            | AlreadyExists { .. }
            | NotInRegister { .. }
            | Refused(_)
            | InvalidModel { .. } => Exit::Input,
            Io { .. } | Sqlite { .. } => Exit::Internal,
        };
        let mut message = e.to_string();
        if let Some(hint) = hint(&e) {
            message.push_str(&format!(" ({hint})"));
        }
        if let Tampered { path, .. } = &e {
            message.push_str(&format!("\n  `threatwright log verify {}` lists every problem", path.display()));
        }
        if let InvalidModel { diagnostics } = &e {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                message.push_str(&format!("\n  {d}"));
            }
        }
        Failure { exit, message }
    }
}

/// How to do, on the command line, what a refusal says is missing (the core's messages
/// name no flags: the desktop app shows them too).
fn hint(e: &store::Error) -> Option<String> {
    use crate::lifecycle::{LifecycleError as L, status::Needed};
    use store::Refusal as R;
    let store::Error::Refused(r) = e else { return None };
    Some(match r {
        R::Lifecycle(L::Missing { what, .. }) => match *what {
            Needed::APPROVER => "--approver NAME".into(),
            Needed::REASON => "--reason TEXT".into(),
            Needed::EXPIRY => "--expires YYYY-MM-DD".into(),
            Needed::PARTY => "--to PARTY".into(),
            _ => return None,
        },
        R::Lifecycle(L::NeedsMitigation { .. }) => "`threatwright mitigation link` or `adopt`".into(),
        R::Lifecycle(L::Anonymous { .. }) => "set it with `threatwright config user.name NAME`".into(),
        R::NoSuggestion(_) => "add one with `threatwright mitigation add`".into(),
        R::SeveralSuggestions { .. } => "with --template".into(),
        _ => return None,
    })
}

impl From<yaml::Error> for Failure {
    fn from(e: yaml::Error) -> Failure {
        match e {
            yaml::Error::Read { .. } => Failure::input(e.to_string()),
            _ => Failure::internal(e.to_string()),
        }
    }
}

type Outcome = Result<Exit, Failure>;

pub fn main() -> ExitCode {
    // A panic is a bug: say so, and use the internal-error code rather than Rust's 101.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("threatwright: internal error: {info}");
        eprintln!("This is a bug in Threatwright; please report it with the command you ran.");
        std::process::exit(Exit::Internal as i32);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Input as u8 } else { 0 });
        }
    };
    match run(cli.command) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(f) => {
            eprintln!("threatwright: error: {}", f.message);
            ExitCode::from(f.exit as u8)
        }
    }
}

fn limits(opts: &args::InputOpts) -> Limits {
    Limits { max_bytes: opts.max_input_bytes }
}

fn run(command: Command) -> Outcome {
    match command {
        Command::New { file, from, name, input } => new(&file, from.as_deref(), name, &limits(&input)),
        Command::Validate { file, format, input } => validate(&file, format, &limits(&input)),
        Command::Import { from: Some(from), .. } => import::run(from),
        Command::Import { from: None, file: Some(file), output: Some(output), force, input } => {
            import(&file, &output, force, &limits(&input))
        }
        Command::Import { .. } => {
            Err(Failure::input("import: give a model YAML and -o FILE.twdb, or a format (see --help)"))
        }
        Command::Export { file, format: ExportFormat::ThreatDragon, output, input } => {
            let model = if is_project_path(&file) {
                lifecycle::open_to_read(&file)?.document()?
            } else {
                read_model(&file, &limits(&input))?
            };
            let json = crate::io::import::threat_dragon::export(&model).map_err(Failure::input)?;
            if output.as_os_str() == "-" {
                print(&json)
            } else {
                crate::files::write_atomic(&output, json.as_bytes())
                    .map_err(|e| Failure::input(format!("{}: cannot write: {e}", output.display())))?;
                Ok(Exit::Success)
            }
        }
        Command::Export { file, format: ExportFormat::Yaml, output, input } => {
            // A project file exports its model with its register; YAML is canonicalised.
            let model = if is_project_path(&file) {
                lifecycle::open_to_read(&file)?.document()?
            } else {
                read_model(&file, &limits(&input))?
            };
            write_yaml(&output, &model)?;
            Ok(Exit::Success)
        }
        Command::Show { file, format, input } => {
            let model = read_model(&file, &limits(&input))?;
            let summary = crate::summary::summarize(&model);
            match format {
                TextOrJson::Text => print(&render::summary_text(&summary)),
                TextOrJson::Json => print_json(&summary),
            }
        }
        Command::Schema { rule_format: true, .. } => print(&crate::rules::rule::json_schema()),
        Command::Schema { report_config: true, .. } => print(&crate::report::config::json_schema()),
        Command::Schema { report: true, .. } => print(&crate::report::json::schema()),
        Command::Schema { .. } => print(&crate::model::json_schema()),
        Command::Analyze { file, rules, format, input } => analyze::analyze(&file, &rules, format, &limits(&input)),
        Command::Paths { file, format, input } => analyze::paths(&file, format, &limits(&input)),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Threat(cmd) => threat::run(cmd),
        Command::Mitigation(cmd) => lifecycle::mitigation(cmd),
        Command::Review(cmd) => lifecycle::review(cmd),
        Command::Baseline(cmd) => lifecycle::baseline(cmd),
        Command::Log(args) => lifecycle::log(args),
        Command::Check { file, fail_on, max_expired, as_of, no_review, rules, format, input } => {
            lifecycle::check(&file, fail_on, max_expired, as_of, no_review, &rules, format, &limits(&input))
        }
        Command::Config { key, value } => lifecycle::config(&key, value),
        Command::Diff { old, new, format, fail_on, rules, input } => {
            diff::run(&old, &new, format, fail_on.map(lifecycle::level), &rules, &limits(&input))
        }
        Command::Report { file, format, output, config, rules, input } => {
            report::report(&file, format, output.as_deref(), config.as_deref(), &rules, &limits(&input))
        }
        Command::Eval { dir, thresholds, format, rules, input } => {
            eval::eval(&dir, thresholds.as_deref(), format, &rules, &limits(&input))
        }
        Command::VerifyReport { report: r, file, rules, input } => report::verify(&r, &file, &rules, &limits(&input)),
        Command::Fmt { files, check, input } => fmt(&files, check, &limits(&input)),
        Command::Gen { elements, seed, output } => {
            let model = crate::synth::api_platform(elements, seed);
            if is_project_path(&output) {
                create_project(&output, &model, false)?;
            } else {
                write_yaml(&output, &model)?;
            }
            Ok(Exit::Success)
        }
    }
}

pub(crate) fn print(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(Exit::Success),
        // A closed pipe (`threatwright export x | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Success),
        Err(e) => Err(Failure::internal(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes `value` as pretty JSON to standard output, streamed.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Outcome {
    write_json(value, true)
}

fn write_json<T: serde::Serialize>(value: &T, pretty: bool) -> Outcome {
    write_stdout(|w| {
        if pretty {
            serde_json::to_writer_pretty(&mut *w, value)?
        } else {
            serde_json::to_writer(&mut *w, value)?
        }
        w.write_all(b"\n")
    })
}

/// Runs `f` on a buffered standard output and flushes it; a closed pipe is not an error.
pub(crate) fn write_stdout(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Outcome {
    let stdout = std::io::stdout().lock();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout);
    match f(&mut w).and_then(|_| w.flush()) {
        Ok(()) => Ok(Exit::Success),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Success),
        Err(e) => Err(Failure::internal(format!("cannot write to standard output: {e}"))),
    }
}

pub(crate) use crate::files::is_project_path;

/// What a FILE argument held: its model (when readable) and diagnostics.
struct Input {
    model: Option<Model>,
    diagnostics: Vec<Diagnostic>,
}

fn load_input(path: &Path, limits: &Limits) -> Result<Input, Failure> {
    if is_project_path(path) {
        let project = Project::open_read_only(path)?;
        let model = project.load_model()?;
        let diagnostics = crate::model::validate(&model);
        Ok(Input { model: Some(model), diagnostics })
    } else {
        let loaded = yaml::load_file(path, limits)?;
        Ok(Input { model: loaded.model, diagnostics: loaded.diagnostics })
    }
}

/// The model of a FILE argument, for commands that need a valid one. Model errors are
/// printed to standard error and end the command with an input error.
pub(crate) fn read_model(path: &Path, limits: &Limits) -> Result<Model, Failure> {
    let input = load_input(path, limits)?;
    let errors: Vec<&Diagnostic> = input.diagnostics.iter().filter(|d| d.is_error()).collect();
    match input.model {
        Some(model) if errors.is_empty() => Ok(model),
        _ => {
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(render::diagnostics_text(&input.diagnostics).as_bytes());
            Err(Failure::input(format!(
                "{}: the model has {} error(s); run `threatwright validate {}` for details",
                path.display(),
                errors.len().max(1),
                path.display()
            )))
        }
    }
}

fn validate(path: &Path, format: TextOrJson, limits: &Limits) -> Outcome {
    let input = load_input(path, limits)?;
    let (errors, warnings) = crate::model::diagnostic::count(&input.diagnostics);
    match format {
        TextOrJson::Text => {
            let mut text = render::diagnostics_text(&input.diagnostics);
            text.push_str(&render::validation_footer(&path.display().to_string(), errors, warnings));
            print(&text)?;
        }
        TextOrJson::Json => {
            #[derive(serde::Serialize)]
            struct Report<'a> {
                file: String,
                ok: bool,
                errors: usize,
                warnings: usize,
                diagnostics: &'a [Diagnostic],
            }
            print_json(&Report {
                file: path.display().to_string(),
                ok: errors == 0,
                errors,
                warnings,
                diagnostics: &input.diagnostics,
            })?;
        }
    }
    Ok(if errors == 0 { Exit::Success } else { Exit::Findings })
}

/// Creates a project file from `model` (or, with `force`, replaces the model of an
/// existing one). A register that came with the model is restored and analysed, so that
/// its threats get their content back from the rules.
pub(crate) fn create_project(path: &Path, model: &Model, force: bool) -> Result<(), Failure> {
    let who = lifecycle::who()?;
    let library = || analyze::library(&analyze::rule_dirs(path, &args::RuleOpts::default()), true);
    if force && path.exists() {
        let mut project = lifecycle::open(path)?;
        if project.rules_version()?.is_some() || !model.threats.is_empty() {
            // A register follows its model: the new model and what it does to the register
            // are one action.
            project.replace_analysed(model, &library()?)?;
        } else {
            project.replace_model(model)?;
        }
    } else {
        // The new file holds the analysis of the register it came with, or does not appear.
        let library = if model.threats.is_empty() { None } else { Some(library()?) };
        Project::create_as(path, model, &who, library.as_ref())?;
    }
    Ok(())
}

fn new(path: &Path, from: Option<&Path>, name: Option<String>, limits: &Limits) -> Outcome {
    let model = match from {
        Some(src) => read_model(src, limits)?,
        None => {
            let name = name.unwrap_or_else(|| {
                path.file_stem().map_or_else(|| "New system".to_owned(), |s| s.to_string_lossy().into_owned())
            });
            Model::new(name)
        }
    };
    create_project(path, &model, false)?;
    eprintln!("created {}", path.display());
    Ok(Exit::Success)
}

fn import(src: &Path, out: &Path, force: bool, limits: &Limits) -> Outcome {
    if is_project_path(src) {
        return Err(Failure::input(format!(
            "{}: is a project file; import reads model YAML (use `threatwright export` to get YAML out of it)",
            src.display()
        )));
    }
    let model = read_model(src, limits)?;
    if out.exists() && !force {
        return Err(Failure::input(format!("{}: already exists; pass --force to replace its model", out.display())));
    }
    create_project(out, &model, force)?;
    eprintln!("imported {} into {}", src.display(), out.display());
    Ok(Exit::Success)
}

fn write_yaml(out: &Path, model: &Model) -> Result<(), Failure> {
    if out.as_os_str() == "-" {
        print(&yaml::to_string(model)?)?;
    } else {
        yaml::write_file(out, model)?;
    }
    Ok(())
}

fn fmt(files: &[PathBuf], check: bool, limits: &Limits) -> Outcome {
    let mut not_canonical = Vec::new();
    for file in files {
        let model = read_model(file, limits)?;
        let canonical = yaml::to_string(&model)?;
        let current = std::fs::read(file).map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
        if current != canonical.as_bytes() {
            if check {
                not_canonical.push(file.display().to_string());
            } else {
                yaml::write_file(file, &model)?;
                eprintln!("formatted {}", file.display());
            }
        }
    }
    if not_canonical.is_empty() {
        Ok(Exit::Success)
    } else {
        eprintln!("not in canonical form (run `threatwright fmt` on them):");
        for f in &not_canonical {
            eprintln!("  {f}");
        }
        Ok(Exit::Findings)
    }
}
