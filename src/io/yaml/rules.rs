//! Reading rule files: the built-in library embedded in the binary, and users' rule
//! folders. Each file is parsed behind the same safety checks as models, then checked
//! by `rules::rule::check`; every problem comes back located (file, line, column).
//! A bad file is reported and skipped; the other files still load.

use super::{Limits, RULE_VERSION, deserialize, locate, unsupported_version};
use crate::model::{Code, Diagnostic};
use crate::rules::library::{BUILTIN, Library, Source};
use crate::rules::rule::{self, RULE_FORMAT, RuleFile};
use std::path::{Path, PathBuf};

/// Rule files are small; a megabyte is far more than any rule with its examples.
const MAX_RULE_FILE_BYTES: u64 = 1024 * 1024;

/// The text of one rule file.
#[derive(Clone, Debug)]
pub struct RuleText {
    pub name: String,
    pub text: String,
    pub builtin: bool,
    /// The file was over the size cap (its text is not kept).
    pub oversize: bool,
}

/// The built-in rule files.
pub fn builtin_texts() -> Vec<RuleText> {
    BUILTIN
        .iter()
        .map(|(name, text)| RuleText {
            name: (*name).to_owned(),
            text: (*text).to_owned(),
            builtin: true,
            oversize: false,
        })
        .collect()
}

/// Every `*.yaml` / `*.yml` file under `dir`, recursively, in path order.
pub fn user_texts(dir: &Path) -> Result<Vec<RuleText>, super::Error> {
    let read_err = |path: &Path, source| super::Error::Read { path: path.to_owned(), source };
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| read_err(&d, e))? {
            let path = entry.map_err(|e| read_err(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let size = std::fs::metadata(&path).map_err(|e| read_err(&path, e))?.len();
        let oversize = size > MAX_RULE_FILE_BYTES;
        let text = if oversize {
            String::new()
        } else {
            let bytes = std::fs::read(&path).map_err(|e| read_err(&path, e))?;
            String::from_utf8_lossy(&bytes).into_owned()
        };
        out.push(RuleText { name: path.display().to_string(), text, builtin: false, oversize });
    }
    Ok(out)
}

fn with_file(mut d: Diagnostic, file: &str) -> Diagnostic {
    d.location.file = Some(file.to_owned());
    d
}

/// Parses and checks one rule file.
pub fn parse_one(t: &RuleText) -> (Option<Source>, Vec<Diagnostic>) {
    if t.oversize {
        let d = Diagnostic::new(Code::InputLimit, format!("rule file is over {MAX_RULE_FILE_BYTES} bytes"));
        return (None, vec![with_file(d, &t.name)]);
    }
    let limits = Limits { max_bytes: MAX_RULE_FILE_BYTES };
    let file: RuleFile =
        match deserialize(&t.text, &limits, "a rule file needs `rule_format` and a `rule`", RULE_VERSION) {
            Ok(f) => f,
            Err(d) => return (None, vec![with_file(d, &t.name)]),
        };
    let mut errors = Vec::new();
    if file.rule_format != RULE_FORMAT {
        let d = unsupported_version(RULE_VERSION, u64::from(file.rule_format));
        return (None, locate(&t.text, vec![d]).into_iter().map(|d| with_file(d, &t.name)).collect());
    }
    if file.rule.is_none() && file.disable.is_empty() {
        errors.push(Diagnostic::new(Code::RuleInvalid, "the file has neither a `rule` nor a `disable` list"));
    }
    if t.builtin && !file.disable.is_empty() {
        errors.push(Diagnostic::new(Code::RuleInvalid, "built-in rule files cannot disable rules").at_path("disable"));
    }
    let mut compiled = None;
    if let Some(rule) = &file.rule {
        let mut problems = Vec::new();
        let check = rule::check(rule, &mut problems);
        errors.extend(problems.into_iter().map(|p| Diagnostic::new(Code::RuleInvalid, p.message).at_path(p.path)));
        compiled = check.map(|c| (rule.clone(), c));
    }
    let errors: Vec<Diagnostic> = locate(&t.text, errors).into_iter().map(|d| with_file(d, &t.name)).collect();
    if errors.iter().any(Diagnostic::is_error) {
        return (None, errors);
    }
    (Some(Source { name: t.name.clone(), builtin: t.builtin, rule: compiled, disable: file.disable }), errors)
}

/// Parses, checks and assembles a library from rule texts.
pub fn assemble(texts: &[RuleText]) -> (Library, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    for t in texts {
        let (source, diags) = parse_one(t);
        diagnostics.extend(diags);
        sources.extend(source);
    }
    let (library, more) = Library::assemble(sources);
    diagnostics.extend(more);
    (library, diagnostics)
}

/// The built-in library plus every rule folder given (in order).
pub fn load_library(dirs: &[PathBuf]) -> Result<(Library, Vec<Diagnostic>), super::Error> {
    load_library_from(dirs, true)
}

/// [`load_library`], with the built-in rules left out when `builtin` is false (a team's
/// own rule set alone, or a small fixture set for tests).
pub fn load_library_from(dirs: &[PathBuf], builtin: bool) -> Result<(Library, Vec<Diagnostic>), super::Error> {
    let mut texts = if builtin { builtin_texts() } else { Vec::new() };
    for d in dirs {
        texts.extend(user_texts(d)?);
    }
    Ok(assemble(&texts))
}

/// Runs the examples of every rule of `library` whose file is among `texts`; failures
/// come back located in their rule file.
pub fn run_examples(texts: &[RuleText], library: &Library) -> Vec<Diagnostic> {
    library.rules.iter().flat_map(|rule| run_examples_of(texts, rule)).collect()
}

/// Runs one rule's examples; failures located in its file (`cargo test RULE-ID` runs one
/// rule's, `tests/rule_examples.rs`).
pub fn run_examples_of(texts: &[RuleText], rule: &rule::CompiledRule) -> Vec<Diagnostic> {
    let Some(t) = texts.iter().find(|t| t.name == rule.source) else { return Vec::new() };
    let failures = crate::rules::examples::run(rule);
    let diags =
        failures.into_iter().map(|f| Diagnostic::new(Code::RuleExampleFailed, f.message).at_path(f.path)).collect();
    locate(&t.text, diags).into_iter().map(|d| with_file(d, &t.name)).collect()
}
