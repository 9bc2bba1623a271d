//! What the start screen needs: the bundled examples, recent files, the kinds of paths
//! the app asks the user for, and reading a model file into a model.

use super::{Failure, FailureCode};
use crate::model::Model;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The example models shipped with Threatwright (`models/examples/`).
const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "payments-api",
        "Payments API: card payments, a processor, webhooks and a fraud vendor",
        include_str!("../../models/examples/payments-api.yaml"),
    ),
    (
        "public-api-platform",
        "Public API platform: developer portal, gateway, partner integrations",
        include_str!("../../models/examples/public-api-platform.yaml"),
    ),
    (
        "communications-platform",
        "Communications platform: messaging APIs, carriers and personal data",
        include_str!("../../models/examples/communications-platform.yaml"),
    ),
];

/// How many recent files are remembered.
const RECENT: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Example {
    pub name: String,
    pub title: String,
}

/// What the start screen shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub examples: Vec<Example>,
    /// Recent project files that still exist, newest first.
    pub recent: Vec<String>,
    /// Why the file named on the command line did not open (it was missing, not a file,
    /// not a project file, in use...).
    pub startup_problem: Option<String>,
}

/// What a path is asked for (decides the dialog's kind and file filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum PathPurpose {
    /// An existing project file or model YAML to open.
    Open,
    /// Where a new project file goes.
    NewProject,
    /// Where a report goes, by format.
    Report(crate::report::Format),
    /// Where the model YAML goes.
    Yaml,
    /// A model YAML or project file to compare the open document with.
    Compare,
    /// A file of another tool or an OpenAPI specification to import.
    Import(ImportKind),
    /// The approver's SSH private key, to sign an approval with (read by `ssh-keygen`).
    SshKey,
}

/// What an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// An OpenAPI 3.0 / 3.1 specification (YAML or JSON).
    Openapi,
    /// A Microsoft Threat Modeling Tool model.
    Tm7,
    /// An OWASP Threat Dragon v2 model.
    ThreatDragon,
    /// A Threagile model.
    Threagile,
}

/// Imports a file of `kind` (the desktop's "Import…"): the model and the report.
pub fn import_file(kind: ImportKind, path: &Path) -> Result<crate::io::import::Imported, Failure> {
    use crate::io::import;
    let bytes = import::read_bounded(path).map_err(|e| Failure::new(FailureCode::File, e))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let result = match kind {
        ImportKind::Openapi => import::openapi::import(&[(name, bytes)], import::openapi::Split::Spec),
        ImportKind::Tm7 => import::tm7::import(&bytes, &name),
        ImportKind::ThreatDragon => import::threat_dragon::import(&bytes, &name),
        ImportKind::Threagile => import::threagile::import(&bytes, &name),
    };
    result.map_err(|e| Failure::new(FailureCode::Invalid, e))
}

impl PathPurpose {
    pub fn is_save(self) -> bool {
        !matches!(self, PathPurpose::Open | PathPurpose::Compare | PathPurpose::Import(_) | PathPurpose::SshKey)
    }

    /// What a path chosen for this is for, in words ("open", "save a PDF report").
    pub fn verb(self) -> String {
        match self {
            PathPurpose::Open => "open".into(),
            PathPurpose::NewProject => "create a project file".into(),
            PathPurpose::Yaml => "save the model YAML".into(),
            PathPurpose::Compare => "compare with".into(),
            PathPurpose::Import(_) => "import".into(),
            PathPurpose::SshKey => "sign with".into(),
            PathPurpose::Report(f) => format!("save a {} report", f.extension()),
        }
    }

    /// The dialog's filter: a label and file name extensions.
    pub fn filter(self) -> (&'static str, &'static [&'static str]) {
        use crate::report::Format as F;
        match self {
            PathPurpose::Open => ("Threatwright project or model", &["twdb", "yaml", "yml"]),
            PathPurpose::NewProject => ("Threatwright project", &["twdb"]),
            PathPurpose::Yaml => ("Model YAML", &["yaml", "yml"]),
            PathPurpose::Compare => ("Model or project to compare with", &["yaml", "yml", "twdb"]),
            // Private keys have no extension (`id_ed25519`).
            PathPurpose::SshKey => ("SSH private key", &["*"]),
            PathPurpose::Import(ImportKind::Openapi) => ("OpenAPI specification", &["yaml", "yml", "json"]),
            PathPurpose::Import(ImportKind::Tm7) => ("Threat Modeling Tool model", &["tm7"]),
            PathPurpose::Import(ImportKind::ThreatDragon) => ("Threat Dragon model", &["json"]),
            PathPurpose::Import(ImportKind::Threagile) => ("Threagile model", &["yaml", "yml"]),
            PathPurpose::Report(F::Pdf) => ("PDF report", &["pdf"]),
            PathPurpose::Report(F::Html) => ("HTML report", &["html"]),
            PathPurpose::Report(F::Md) => ("Markdown report", &["md"]),
            PathPurpose::Report(F::Csv) => ("CSV for issue trackers", &["csv"]),
            PathPurpose::Report(F::Json) => ("JSON report", &["json"]),
            PathPurpose::Report(F::Sarif) => ("SARIF", &["sarif", "json"]),
        }
    }
}

pub fn app_info(recent: Vec<String>, startup_problem: Option<String>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        examples: EXAMPLES.iter().map(|(n, t, _)| Example { name: (*n).to_owned(), title: (*t).to_owned() }).collect(),
        recent,
        startup_problem,
    }
}

/// A bundled example, parsed.
pub fn example(name: &str) -> Result<Model, Failure> {
    let (_, _, text) = EXAMPLES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| Failure::new(FailureCode::Invalid, format!("there is no example `{name}`")))?;
    let loaded = crate::io::yaml::load_str(text, name, &crate::io::yaml::Limits::default());
    loaded.model.ok_or_else(|| Failure::new(FailureCode::Internal, format!("the example `{name}` does not load")))
}

/// The built-in rule library.
pub fn builtin_library() -> Result<crate::rules::Library, String> {
    crate::io::yaml::rules::load_library(&[]).map(|(l, _)| l).map_err(|e| e.to_string())
}

pub fn is_project_file(path: &Path) -> bool {
    crate::files::is_project_path(path)
}

/// Reads a model YAML; errors name the file and the first problems with their lines.
pub fn read_model_file(path: &Path) -> Result<Model, Failure> {
    let loaded = crate::io::yaml::load_file(path, &crate::io::yaml::Limits::default())
        .map_err(|e| Failure::new(FailureCode::File, e.to_string()))?;
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(5)
        .map(|d| match d.location.line {
            Some(l) => format!("line {l}: {}", d.message),
            None => d.message.clone(),
        })
        .collect();
    match loaded.model {
        Some(m) if errors.is_empty() => Ok(m),
        _ => Err(Failure::new(FailureCode::Invalid, format!("{}: {}", path.display(), errors.join("; ")))),
    }
}

/// The files remembered in `store` (a small JSON list), newest first, that still exist.
pub fn load(store: &Path) -> Vec<String> {
    let list: Vec<String> = std::fs::read(store).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    list.into_iter().filter(|p| Path::new(p).is_file()).take(RECENT).collect()
}

/// Puts `file` first in the recent list. Failing to remember is not an error.
pub fn remember(store: &Path, file: &Path) {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned()).display().to_string();
    let mut list = load(store);
    list.retain(|p| *p != file);
    list.insert(0, file);
    list.truncate(RECENT);
    if let Some(dir) = store.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&list) {
        let _ = crate::files::write_atomic(store, &bytes);
    }
}
