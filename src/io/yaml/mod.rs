//! Model-as-code: the YAML format. The only module that knows serde_norway (YAML).
//!
//! Reading never fails on bad content: it returns the model (when it could be read)
//! and located diagnostics. Only file IO returns `Err`. Writing is deterministic: the
//! canonical model (sorted by key) in a fixed field order, the same bytes every time.

mod aliases;
mod errors;
pub mod limits;
mod locate;

pub use limits::Limits;

use crate::model::{Code, Diagnostic, FORMAT_VERSION, Model, validate};
use locate::Locator;
use serde::Deserialize;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// First lines of every written model. Comments are not kept when a file is read, so
/// the header is the same on every write.
pub const HEADER: &str = "\
# Threatwright model (format 1). Model-as-code: edit it, review it, keep it in git.
# `threatwright fmt` rewrites it in canonical order; `threatwright schema` prints its JSON Schema.
";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot serialize the model as YAML: {0}")]
    Serialize(String),
}

/// The outcome of reading a model: the model, when the text could be parsed at all,
/// and every diagnostic (parse errors or validation findings).
#[derive(Debug)]
pub struct Loaded {
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(file: &str, mut d: Diagnostic) -> Loaded {
        d.location.file = Some(file.to_owned());
        Loaded { model: None, diagnostics: vec![d] }
    }
}

/// Reads and validates a model file. `Err` only when the file cannot be read.
pub fn load_file(path: &Path, limits: &Limits) -> Result<Loaded, Error> {
    let name = path.display().to_string();
    let read_err = |source| Error::Read { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size > limits.max_bytes {
        return Ok(Loaded::failed(&name, limits::too_large(size, limits)));
    }
    // Read at most one byte over the cap, in case the file grows while we read it.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limits.max_bytes + 1).read_to_end(&mut bytes).map_err(read_err)?;
    Ok(load_bytes(&bytes, &name, limits))
}

/// Reads and validates a model from bytes that claim to be UTF-8 YAML.
pub fn load_bytes(bytes: &[u8], file: &str, limits: &Limits) -> Loaded {
    if bytes.len() as u64 > limits.max_bytes {
        return Loaded::failed(file, limits::too_large(bytes.len() as u64, limits));
    }
    match limits::decode(bytes) {
        Ok(src) => load_str(src, file, limits),
        Err(d) => Loaded::failed(file, d),
    }
}

/// Reads and validates a model from text. `file` names it in diagnostics.
pub fn load_str(src: &str, file: &str, limits: &Limits) -> Loaded {
    if src.len() as u64 > limits.max_bytes {
        return Loaded::failed(file, limits::too_large(src.len() as u64, limits));
    }
    if is_blank(src) {
        return Loaded::failed(
            file,
            Diagnostic::new(Code::MissingField, "the file is empty: a model needs `format_version` and `system`"),
        );
    }
    if let Err(d) = limits::check_flow_depth(src) {
        return Loaded::failed(file, d);
    }
    if aliases::may_alias(src)
        && let Err(d) = aliases::check_expansion(src, limits.max_bytes)
    {
        return Loaded::failed(file, d);
    }
    let model: Model = match serde_norway::from_str(src) {
        Ok(m) => m,
        Err(e) => return Loaded::failed(file, parse_failure(src, &e)),
    };
    if model.format_version != FORMAT_VERSION {
        let d = unsupported(model.format_version).at_path("format_version");
        return Loaded::failed(file, locate(src, vec![d]).remove(0));
    }
    let mut diagnostics = locate(src, validate(&model));
    for d in &mut diagnostics {
        d.location.file = Some(file.to_owned());
    }
    Loaded { model: Some(model), diagnostics }
}

fn is_blank(src: &str) -> bool {
    src.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

fn unsupported(found: u32) -> Diagnostic {
    let msg = if found > FORMAT_VERSION {
        format!(
            "format_version {found} was written by a newer Threatwright; this build reads format {FORMAT_VERSION}. Upgrade Threatwright to read it."
        )
    } else {
        format!("format_version {found} does not exist; this build reads format {FORMAT_VERSION}")
    };
    Diagnostic::new(Code::UnsupportedFormat, msg)
}

/// The diagnostic for a file serde could not read, made as precise as we can.
fn parse_failure(src: &str, err: &serde_norway::Error) -> Diagnostic {
    // A file from a newer format likely fails on fields we do not know: say that first.
    #[derive(Deserialize)]
    struct Probe {
        format_version: Option<serde_norway::Value>,
    }
    if let Ok(Probe { format_version: Some(v) }) = serde_norway::from_str::<Probe>(src)
        && let Some(n) = v.as_u64().filter(|&n| n > FORMAT_VERSION as u64)
    {
        let d = unsupported(u32::try_from(n).unwrap_or(u32::MAX)).at_path("format_version");
        return locate(src, vec![d]).remove(0);
    }
    let mut d = errors::from_serde(err);
    if d.code == Code::DuplicateYamlKey {
        // serde points at the start of the mapping; find the repeated field itself.
        if let Some((path, (line, col))) = Locator::build(src, None).duplicate_key {
            let field = path.rsplit('.').next().unwrap_or(&path).to_owned();
            d = Diagnostic::new(Code::DuplicateYamlKey, format!("{path}: field `{field}` given twice"))
                .at_line(line, col);
        }
    }
    d
}

/// Gives each diagnostic with a document path the line and column of that path, and
/// sorts them in file order.
fn locate(src: &str, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut wanted = HashSet::new();
    for d in &diagnostics {
        if let (Some(path), None) = (&d.location.path, d.location.line) {
            locate::with_ancestors(path, &mut wanted);
        }
    }
    if !wanted.is_empty() {
        let locator = Locator::build(src, Some(&wanted));
        for d in &mut diagnostics {
            if d.location.line.is_none()
                && let Some((line, col)) = d.location.path.as_deref().and_then(|p| locator.find(p))
            {
                d.location.line = Some(line);
                d.location.column = Some(col);
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.location.line.unwrap_or(u32::MAX), d.location.column.unwrap_or(0)));
    diagnostics
}

/// The canonical YAML text of a model: header, then the model sorted by key.
pub fn to_string(model: &Model) -> Result<String, Error> {
    let mut canonical = model.clone();
    canonical.canonicalize();
    let body = serde_norway::to_string(&canonical).map_err(|e| Error::Serialize(e.to_string()))?;
    Ok(format!("{HEADER}{body}"))
}

/// Writes the canonical YAML of `model` to `path` atomically: the text goes to a
/// temporary file beside it, which then replaces `path`. A crash leaves the old file.
pub fn write_file(path: &Path, model: &Model) -> Result<(), Error> {
    let text = to_string(model)?;
    let write_err = |source| Error::Write { path: path.to_owned(), source };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    crate::files::adopt_permissions(tmp.as_file(), path).map_err(write_err)?;
    tmp.write_all(text.as_bytes()).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}
