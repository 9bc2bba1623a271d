//! What can go wrong with a project file, in words for its user; SQLite's errors mapped
//! to what they mean for the file.

use super::register;
use crate::model::Diagnostic;
use rusqlite::ErrorCode;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: no such file", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: not a Threatwright project file: {reason}", path.display())]
    NotAProjectFile { path: PathBuf, reason: String },
    #[error(
        "{}: written by a newer Threatwright (schema version {found}; this build reads up to {supported}); upgrade Threatwright to open it",
        path.display()
    )]
    IncompatibleVersion { path: PathBuf, found: u32, supported: u32 },
    #[error("{}: the project file is damaged: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// The file's schema holds objects Threatwright does not make (a planted trigger, a
    /// view): refused before anything is written to it.
    #[error(
        "{}: refused: the file holds database objects Threatwright does not make, so it is not opened and is left as it is: {}",
        path.display(), objects.join("; ")
    )]
    ForeignSchema { path: PathBuf, objects: Vec<String> },
    /// The file was changed outside Threatwright (its audit chain or its sealed state does
    /// not verify): nothing is written to it.
    #[error("{}: the project file was changed outside Threatwright, so nothing was written to it: {}", path.display(), summary(.problems))]
    Tampered { path: PathBuf, problems: Vec<String> },
    /// Another writer holds the file (`holder`: who and since when, when known).
    #[error("{}: in use by {}; close it there and try again", path.display(), holder.as_deref().unwrap_or("another Threatwright window or process"))]
    InUse { path: PathBuf, holder: Option<String> },
    /// Writing was asked of a file opened to be read only.
    #[error("{}: opened to read only; nothing was written to it", path.display())]
    ReadOnly { path: PathBuf },
    /// The file lies on a network file system, where SQLite's write-ahead log and the
    /// writer lock do not hold between machines.
    #[error(
        "{}: on a network file system ({fs}), so it is not written to: SQLite's write-ahead log and Threatwright's one-writer lock do not work between machines there. Copy it to a local disk to edit it (reading it works where it is)",
        path.display()
    )]
    NetworkFileSystem { path: PathBuf, fs: String },
    #[error("{}: already exists", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("the model has {} error(s); fix them before saving it", count_errors(.diagnostics))]
    InvalidModel { diagnostics: Vec<Diagnostic> },
    #[error("no threat {reference} in the register")]
    NotInRegister { reference: String },
    /// A change the lifecycle or the register refused (forbidden transition, missing field...).
    #[error("{0}")]
    Refused(register::Refusal),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: SQLite: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}

fn summary(problems: &[String]) -> String {
    match problems {
        [] => "no detail".to_owned(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

pub type Result<T> = std::result::Result<T, Error>;

/// Maps a SQLite error to what it means for the user of this file.
pub(crate) fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::InUse { path, holder: None },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt { path, detail: e.to_string() },
        Some(ErrorCode::NotADatabase) => Error::NotAProjectFile { path, reason: "not a SQLite database".into() },
        _ => Error::Sqlite { path, source: e },
    }
}

/// What went wrong inside an action: SQL, or a refusal the user must see.
pub(crate) enum ActError {
    Sql(rusqlite::Error),
    Refused(register::Refusal),
}

impl From<rusqlite::Error> for ActError {
    fn from(e: rusqlite::Error) -> ActError {
        ActError::Sql(e)
    }
}

impl From<register::Failed> for ActError {
    fn from(e: register::Failed) -> ActError {
        match e {
            register::Failed::Sql(e) => ActError::Sql(e),
            register::Failed::Refused(r) => ActError::Refused(r),
        }
    }
}
