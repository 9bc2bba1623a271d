//! `threatwright rules ...`: the library, one rule, checking rule files, the ranking
//! scheme and the attribute reference.

use super::args::{RulesCommand, TextOrJson};
use super::{Exit, Failure, Outcome, print, print_json, render};
use crate::io::yaml;
use std::fmt::Write;

pub fn run(cmd: RulesCommand) -> Outcome {
    match cmd {
        RulesCommand::List { rules, format } => {
            let library = super::analyze::library(&rules.dirs, rules.builtin())?;
            match format {
                TextOrJson::Text => {
                    let mut out = String::new();
                    for r in &library.rules {
                        let rule = &r.rule;
                        let _ = writeln!(
                            out,
                            "{:<34} {} {:<17} {:<14} {}",
                            rule.id,
                            rule.stride.letter(),
                            rule.applies_to.as_str(),
                            rule.references.owasp_api.join(","),
                            rule.title
                        );
                    }
                    let _ = writeln!(out, "\n{} rules ({})", library.rules.len(), library.version);
                    print(&out)
                }
                TextOrJson::Json => {
                    let rules: Vec<&crate::rules::Rule> = library.rules.iter().map(|r| &r.rule).collect();
                    print_json(&rules)
                }
            }
        }
        RulesCommand::Show { id, rules } => {
            let library = super::analyze::library(&rules.dirs, rules.builtin())?;
            let Some(r) = library.get(&id) else {
                let ids: Vec<&str> = library.rules.iter().map(|r| r.rule.id.as_str()).collect();
                let hint = crate::model::suggest(&id, ids).map(|s| format!("; did you mean {s}?")).unwrap_or_default();
                return Err(Failure::input(format!("no rule {id}{hint}")));
            };
            print(&render::rule_text(r))
        }
        RulesCommand::Check { dir } => {
            let texts = match &dir {
                Some(d) => yaml::rules::user_texts(d)?,
                None => yaml::rules::builtin_texts(),
            };
            if texts.is_empty() {
                return Err(Failure::input(format!(
                    "{}: no rule files (*.yaml) found",
                    dir.as_deref().map_or("built-in library".into(), |d| d.display().to_string())
                )));
            }
            // User rules are checked together with the built-ins they may replace or disable.
            let mut all = yaml::rules::builtin_texts();
            if dir.is_some() {
                all.extend(texts.iter().cloned());
            }
            let (library, mut diagnostics) = yaml::rules::assemble(&all);
            diagnostics.retain(|d| d.location.file.as_deref().is_none_or(|f| texts.iter().any(|t| t.name == f)));
            diagnostics.extend(yaml::rules::run_examples(&texts, &library));
            let (errors, warnings) = crate::model::diagnostic::count(&diagnostics);
            let examples: usize = library
                .rules
                .iter()
                .filter(|r| texts.iter().any(|t| t.name == r.source))
                .map(|r| r.rule.examples.fires.len() + r.rule.examples.silent.len())
                .sum();
            let mut out = render::diagnostics_text(&diagnostics);
            let _ = writeln!(
                out,
                "{}: {} file(s), {} example(s) run, {errors} error(s), {warnings} warning(s)",
                dir.as_deref().map_or("built-in library".into(), |d| d.display().to_string()),
                texts.len(),
                examples
            );
            print(&out)?;
            Ok(if errors == 0 { Exit::Success } else { Exit::Findings })
        }
        RulesCommand::Ranking => print(&crate::rank::scheme()),
        RulesCommand::Attributes => print(&crate::rules::attr::reference_markdown()),
    }
}
