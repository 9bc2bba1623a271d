//! `diff`: what a design change does to risk.

use super::args::{DiffFormat, RuleOpts};
use super::{Exit, Failure, Outcome, print};
use crate::io::yaml::Limits;
use crate::model::RiskLevel;
use std::path::Path;

pub fn run(
    old: &str,
    new: &str,
    format: DiffFormat,
    fail_on: Option<RiskLevel>,
    rules: &RuleOpts,
    limits: &Limits,
) -> Outcome {
    // Both sides are judged by the same rules: the built-in ones and those of NEW's folder.
    let file = new.rsplit_once("@baseline").map_or(new, |(f, _)| f);
    let file = file.strip_prefix("git:").and_then(|r| r.split_once(':')).map_or(file, |(_, p)| p);
    let library = super::analyze::library(&super::analyze::rule_dirs(Path::new(file), rules), rules.builtin())?;
    let (a, at) = crate::workflow::load_version(old, &library, limits).map_err(Failure::input)?;
    let (b, bt) = crate::workflow::load_version(new, &library, limits).map_err(Failure::input)?;
    let d = crate::workflow::diff_versions((old, &a, &at), (new, &b, &bt), &library);
    match format {
        DiffFormat::Text => print(&crate::diff::render::text(&d))?,
        DiffFormat::Md => print(&crate::diff::render::markdown(&d))?,
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&d).map_err(|e| Failure::input(e.to_string()))?;
            text.push('\n');
            print(&text)?
        }
    };
    Ok(if fail_on.is_some_and(|l| d.fails_at(l)) { Exit::Findings } else { Exit::Success })
}
