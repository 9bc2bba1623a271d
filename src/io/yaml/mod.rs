//! Model-as-code: the YAML format. The only module that knows serde_norway (YAML).
//!
//! Reading never fails on bad content: it returns the model (when it could be read)
//! and located diagnostics. Only file IO returns `Err`. Writing is deterministic: the
//! canonical model (sorted by key) in a fixed field order, the same bytes every time.

mod aliases;
mod errors;
pub mod limits;
mod locate;
pub mod rules;

pub use limits::Limits;

use crate::model::{Code, Diagnostic, FORMAT_VERSION, Model, validate};
use locate::Locator;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// First lines of every written model. Comments are not kept when a file is read, so
/// the header is the same on every write.
pub const HEADER: &str = "\
# Threatwright model (format 1). Model-as-code: edit it, review it, keep it in git.
# `threatwright fmt` rewrites it in canonical order; `threatwright schema` prints its JSON Schema.
# The threat register (threats, mitigations, reviews) travels with it; the audit log and the
# baselines stay in the project file (.twdb) only.
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
    let model: Model = match deserialize(src, limits, "a model needs `format_version` and `system`", MODEL_VERSION) {
        Ok(m) => m,
        Err(d) => return Loaded::failed(file, d),
    };
    if model.format_version != FORMAT_VERSION {
        let d = unsupported_version(MODEL_VERSION, u64::from(model.format_version));
        return Loaded::failed(file, locate(src, vec![d]).remove(0));
    }
    let mut found = validate(&model);
    found.extend(crate::lifecycle::validate::validate_register(&model));
    let mut diagnostics = locate(src, found);
    for d in &mut diagnostics {
        d.location.file = Some(file.to_owned());
    }
    Loaded { model: Some(model), diagnostics }
}

/// Parses untrusted YAML text into `T` behind every safety check: size, blank file,
/// nesting depth, alias expansion; serde's errors become located diagnostics.
fn deserialize<T: serde::de::DeserializeOwned>(
    src: &str,
    limits: &Limits,
    empty_hint: &str,
    version: Version,
) -> Result<T, Diagnostic> {
    if src.len() as u64 > limits.max_bytes {
        return Err(limits::too_large(src.len() as u64, limits));
    }
    if is_blank(src) {
        return Err(Diagnostic::new(Code::MissingField, format!("the file is empty: {empty_hint}")));
    }
    limits::check_flow_depth(src)?;
    if aliases::may_alias(src) {
        aliases::check_expansion(src, limits.max_bytes)?;
    }
    // Enums with data (rule conditions) are written as one-key maps (`all: [...]`), not
    // as YAML tags (`!all [...]`), which is what readers of the files expect.
    let de = serde_norway::Deserializer::from_str(src);
    serde_norway::with::singleton_map_recursive::deserialize(de).map_err(|e| parse_failure(src, &e, version))
}

/// The field that carries a document's format version, and the newest this build reads.
#[derive(Clone, Copy)]
struct Version {
    field: &'static str,
    supported: u32,
    what: &'static str,
}

const MODEL_VERSION: Version = Version { field: "format_version", supported: FORMAT_VERSION, what: "format" };
const RULE_VERSION: Version =
    Version { field: "rule_format", supported: crate::rules::rule::RULE_FORMAT, what: "rule format" };

fn unsupported_version(v: Version, found: u64) -> Diagnostic {
    let msg = if found > u64::from(v.supported) {
        format!(
            "{} {found} was written by a newer Threatwright; this build reads {} {}. Upgrade Threatwright to read it.",
            v.field, v.what, v.supported
        )
    } else {
        format!("{} {found} does not exist; this build reads {} {}", v.field, v.what, v.supported)
    };
    Diagnostic::new(Code::UnsupportedFormat, msg).at_path(v.field)
}

fn is_blank(src: &str) -> bool {
    src.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

/// The diagnostic for a file serde could not read, made as precise as we can.
fn parse_failure(src: &str, err: &serde_norway::Error, version: Version) -> Diagnostic {
    // A file from a newer format likely fails on fields we do not know: say that first.
    if let Ok(serde_norway::Value::Mapping(m)) = serde_norway::from_str::<serde_norway::Value>(src)
        && let Some(n) = m.get(version.field).and_then(serde_norway::Value::as_u64)
        && n > u64::from(version.supported)
    {
        return locate(src, vec![unsupported_version(version, n)]).remove(0);
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
    crate::files::write_atomic(path, text.as_bytes()).map_err(|source| Error::Write { path: path.to_owned(), source })
}

/// Reads a small settings file (the user configuration). `Ok(None)` when it does not exist.
pub fn read_settings<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path: path.to_owned(), source }),
    };
    let limits = Limits { max_bytes: 1024 * 1024 };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let v: T = deserialize(&text, &limits, "", MODEL_VERSION).map_err(|d| Error::Read {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, d.to_string()),
    })?;
    Ok(Some(v))
}

/// Reads a small YAML document of our own (a corpus system's expected findings, a corpus's
/// thresholds) behind the same safety checks as models, at most 1 MiB; an error names the
/// file and, where it can, the line and column.
pub fn read_small<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let limits = Limits { max_bytes: 1024 * 1024 };
    deserialize(&text, &limits, "nothing to read", MODEL_VERSION).map_err(|mut d| {
        d.location.file = Some(path.display().to_string());
        d.to_string()
    })
}

/// Writes a small settings file atomically, creating its folder.
pub fn write_settings<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let write_err = |source| Error::Write { path: path.to_owned(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let text = serde_norway::to_string(value).map_err(|e| Error::Serialize(e.to_string()))?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    tmp.write_all(text.as_bytes()).map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// The line of each item's `key:` in a model's YAML text (the model as read from it, in
/// file order), for tools that point at the model file (SARIF).
pub fn item_lines(src: &str, model: &Model) -> std::collections::HashMap<crate::model::Key, usize> {
    use crate::model::Item;
    let mut paths: Vec<(String, crate::model::Key)> = Vec::new();
    fn add<T: Item>(section: &str, items: &[T], out: &mut Vec<(String, crate::model::Key)>) {
        for (i, x) in items.iter().enumerate() {
            out.push((format!("{section}[{i}].key"), x.key().clone()));
        }
    }
    add("boundaries", &model.boundaries, &mut paths);
    add("external_entities", &model.external_entities, &mut paths);
    add("processes", &model.processes, &mut paths);
    add("data_stores", &model.data_stores, &mut paths);
    add("flows", &model.flows, &mut paths);
    add("data_assets", &model.data_assets, &mut paths);
    add("apis", &model.apis, &mut paths);
    let wanted: std::collections::HashSet<String> = paths.iter().map(|(p, _)| p.clone()).collect();
    let locator = locate::Locator::build(src, Some(&wanted));
    paths.into_iter().filter_map(|(p, k)| locator.find(&p).map(|(line, _)| (k, line as usize))).collect()
}
