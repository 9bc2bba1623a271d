//! `analyze` and `paths`.

use super::args::{RegisterFormat, RuleOpts, TextOrJson};
use super::{Exit, Failure, Outcome, is_project_path, print, print_json, read_model, render};
use crate::io::yaml::{self, Limits};
use crate::rules::Library;
use std::path::{Path, PathBuf};

/// Rule folders for a model: those given, then a `rules/` folder next to the model.
pub(crate) fn rule_dirs(model: &Path, opts: &RuleOpts) -> Vec<PathBuf> {
    let mut dirs = opts.dirs.clone();
    let beside = model.parent().unwrap_or(Path::new(".")).join("rules");
    if beside.is_dir() && !dirs.contains(&beside) {
        dirs.push(beside);
    }
    dirs
}

/// Loads the library (the built-in rules unless `builtin` is false, then the files of
/// `dirs`); rule warnings go to standard error, rule errors stop the command.
pub(crate) fn library(dirs: &[PathBuf], builtin: bool) -> Result<Library, Failure> {
    let (library, diagnostics) = yaml::rules::load_library_from(dirs, builtin)?;
    if !diagnostics.is_empty() {
        eprint!("{}", render::diagnostics_text(&diagnostics));
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(Failure::input(format!("the rule files have {errors} error(s); fix them or leave them out")));
    }
    Ok(library)
}

pub fn analyze(file: &Path, opts: &RuleOpts, format: RegisterFormat, limits: &Limits) -> Outcome {
    let model = read_model(file, limits)?;
    let library = library(&rule_dirs(file, opts), opts.builtin())?;
    let analysis = if is_project_path(file) {
        super::lifecycle::open(file)?.analyze(&library)?
    } else {
        if model.threats.is_empty() {
            eprintln!(
                "note: references (TW-…) are numbered for this run only: {} keeps no register. To keep them \
                 across versions, keep the model in a project file (threatwright new FILE.twdb --from {}) and \
                 export it back with its register (threatwright export FILE.twdb).",
                file.display(),
                file.display()
            );
        }
        crate::workflow::analyze_document(&model, &library)
    };
    let out = match format {
        RegisterFormat::Table => print(&render::register_text(&model.system.name, &analysis)),
        RegisterFormat::Json => super::write_stdout(|w| crate::report::register::write_json(w, &model, &analysis)),
        RegisterFormat::Csv => print(&crate::report::register::csv(&analysis)),
    };
    // The process ends here: handing a register's worth of small allocations back to the
    // allocator one by one costs more (a tenth of the run at 10k elements) than letting
    // the operating system reclaim the pages.
    std::mem::forget(analysis);
    std::mem::forget(model);
    out
}

pub fn paths(file: &Path, format: TextOrJson, limits: &Limits) -> Outcome {
    let mut model = read_model(file, limits)?;
    model.canonicalize();
    let facts = crate::graph::Facts::new(&model);
    match format {
        TextOrJson::Text => print(&render::paths_text(&model, &facts.attack_paths)),
        TextOrJson::Json => print_json(&facts.attack_paths),
    }?;
    Ok(Exit::Success)
}
