//! `import openapi|tm7|threat-dragon|threagile`: other formats into a project file, with
//! the import report on standard output (what was inferred, what needs a person, what
//! was not taken over).

use super::args::{ImportFile, ImportFrom, SplitBy, TextOrJson};
use super::{Exit, Failure, Outcome, analyze, create_project, lifecycle, print, print_json};
use crate::io::import::{self, Imported, openapi};
use std::path::{Path, PathBuf};

pub fn run(from: ImportFrom) -> Outcome {
    match from {
        ImportFrom::Openapi { specs, output, into, split_by, format, force } => {
            let split = match split_by {
                SplitBy::Spec => openapi::Split::Spec,
                SplitBy::Tag => openapi::Split::Tag,
            };
            let mut read = Vec::new();
            for s in &specs {
                read.push((s.display().to_string(), import::read_bounded(s).map_err(Failure::input)?));
            }
            let imported = openapi::import(&read, split).map_err(Failure::input)?;
            match (into, output) {
                (Some(into), _) => merge_into(&into, imported, &specs, format),
                (None, Some(out)) => finish(&out, imported, force, format),
                (None, None) => Err(Failure::input("say where the project goes: -o FILE.twdb, or --into FILE.twdb")),
            }
        }
        ImportFrom::Tm7(a) => from_file(a, import::tm7::import),
        ImportFrom::ThreatDragon(a) => from_file(a, import::threat_dragon::import),
        ImportFrom::Threagile(a) => from_file(a, import::threagile::import),
    }
}

/// Reads one other tool's file with its importer and writes the new project file.
fn from_file(a: ImportFile, f: fn(&[u8], &str) -> Result<Imported, String>) -> Outcome {
    let bytes = import::read_bounded(&a.file).map_err(Failure::input)?;
    let imported = f(&bytes, &a.file.display().to_string()).map_err(Failure::input)?;
    finish(&a.output, imported, a.force, a.format)
}

fn show(report: &import::Report, format: TextOrJson) -> Outcome {
    match format {
        TextOrJson::Text => print(&report.text()),
        TextOrJson::Json => print_json(report),
    }
}

/// Writes a new project file from the import (checked like any model) and prints the report.
fn finish(out: &Path, imported: Imported, force: bool, format: TextOrJson) -> Outcome {
    if out.exists() && !force {
        return Err(Failure::input(format!("{}: already exists; pass --force to replace its model", out.display())));
    }
    let diagnostics = crate::model::validate(&imported.model);
    let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).take(5).map(|d| d.to_string()).collect();
    if !errors.is_empty() {
        return Err(Failure::input(format!(
            "the imported model does not validate (a bug in the importer or an unusual source; please report it): {}",
            errors.join("; ")
        )));
    }
    create_project(out, &imported.model, force)?;
    // `create_project` analyses a model that brings a register; one without gets its first
    // analysis here, so that the project opens with its threats.
    if imported.model.threats.is_empty() {
        let mut project = lifecycle::open(out)?;
        let library = analyze::library(&analyze::rule_dirs(out, &super::args::RuleOpts::default()), true)?;
        project.analyze(&library)?;
    }
    show(&imported.report, format)?;
    eprintln!("imported into {}", out.display());
    Ok(Exit::Success)
}

/// Merges an OpenAPI import into an existing project file and prints what changed.
fn merge_into(into: &Path, mut imported: Imported, specs: &[PathBuf], format: TextOrJson) -> Outcome {
    let mut project = lifecycle::open(into)?;
    let library = analyze::library(&analyze::rule_dirs(into, &super::args::RuleOpts::default()), true)?;
    let before = project.document()?;
    let merged = openapi::merge(&before, &imported.model).map_err(Failure::input)?;
    for s in specs {
        openapi::report_gone(&mut imported.report, &before, &imported.model, &s.display().to_string());
    }
    let old_threats = crate::workflow::analyze_document(&before, &library).threats;
    project.replace_model(&merged)?;
    project.analyze(&library)?;
    let after = project.document()?;
    // The register the analysis just stored, with the same rules as `old_threats`.
    let new_threats = project.register()?;
    let d = crate::workflow::diff_versions(
        (&into.display().to_string(), &before, &old_threats),
        ("after the import", &after, &new_threats),
        &library,
    );
    show(&imported.report, format)?;
    if format == TextOrJson::Text {
        print(&format!("\n{}", crate::diff::render::text(&d)))?;
    }
    eprintln!("merged into {}", into.display());
    Ok(Exit::Success)
}
