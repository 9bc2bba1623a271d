//! The project file: one SQLite database per model (`.twdb`). The only module that
//! knows SQL and rusqlite.
//!
//! Opening is defensive, in this order: the header is read with plain file IO (a file
//! that is not ours, or is newer than this build, is refused before SQLite touches it);
//! then SQLite opens it with defensive settings; pending migrations run in one
//! transaction. Every write is one immediate transaction ([`Project::write`]); with WAL,
//! killing the process at any instant loses at most the transaction in flight.

mod header;
mod migrate;
mod model;
mod threats;

pub use migrate::{APPLICATION_ID, LATEST as SCHEMA_VERSION};

use crate::model::{Diagnostic, FORMAT_VERSION, Model, Threat};
use crate::rank::Override;
use crate::rules::{self, Analysis, Library};
use header::Inspection;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a write waits for another process's transaction before giving up with
/// [`Error::InUse`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

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
    #[error("{}: in use by another Threatwright window or process; close it there and try again", path.display())]
    InUse { path: PathBuf },
    #[error("{}: already exists", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("the model has {} error(s); fix them before saving it", count_errors(.diagnostics))]
    InvalidModel { diagnostics: Vec<Diagnostic> },
    #[error("no threat {reference} in the register")]
    NotInRegister { reference: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: SQLite: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

pub type Result<T> = std::result::Result<T, Error>;

/// Maps a SQLite error to what it means for the user of this file.
fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::InUse { path },
        Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt { path, detail: e.to_string() },
        Some(ErrorCode::NotADatabase) => Error::NotAProjectFile { path, reason: "not a SQLite database".into() },
        _ => Error::Sqlite { path, source: e },
    }
}

/// An open project file.
#[derive(Debug)]
pub struct Project {
    conn: Connection,
    path: PathBuf,
}

impl Project {
    /// Opens an existing project file, upgrading its schema if it is older.
    pub fn open(path: &Path) -> Result<Project> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        let not_ours = |reason: &str| Error::NotAProjectFile { path: path.to_owned(), reason: reason.to_owned() };
        match header::inspect(path).map_err(io)? {
            Inspection::Missing => return Err(Error::NotFound { path: path.to_owned() }),
            Inspection::Empty => return Err(not_ours("the file is empty")),
            Inspection::NotSqlite => return Err(not_ours("not a SQLite database")),
            Inspection::Sqlite { application_id, user_version, claimed_len, actual_len } => {
                if application_id != APPLICATION_ID {
                    return Err(not_ours(&if application_id == 0 {
                        "a SQLite database, but not one made by Threatwright".to_owned()
                    } else {
                        format!("a SQLite database of another application (application_id 0x{application_id:08X})")
                    }));
                }
                if user_version > migrate::LATEST {
                    return Err(Error::IncompatibleVersion {
                        path: path.to_owned(),
                        found: user_version,
                        supported: migrate::LATEST,
                    });
                }
                if user_version == 0 {
                    return Err(Error::Corrupt { path: path.to_owned(), detail: "it has no schema version".into() });
                }
                if let Some(claimed) = claimed_len.filter(|&c| c > actual_len) {
                    return Err(Error::Corrupt {
                        path: path.to_owned(),
                        detail: format!("it is truncated ({actual_len} bytes; its header says {claimed})"),
                    });
                }
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
        let mut project = Project { conn, path: path.to_owned() };
        project.configure()?;
        project.migrate()?;
        project.check_model_format()?;
        Ok(project)
    }

    /// Creates a new project file holding `model`. The file appears complete or not at
    /// all: it is built under a temporary name beside `path` and renamed at the end.
    pub fn create(path: &Path, model: &Model) -> Result<Project> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.to_owned() });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new().prefix(".threatwright-").suffix(".twdb-tmp").tempfile_in(dir).map_err(io)?;
        crate::files::adopt_permissions(tmp.as_file(), path).map_err(io)?;
        {
            let conn = Connection::open(tmp.path()).map_err(|e| sql_error(path, e))?;
            let mut project = Project { conn, path: tmp.path().to_owned() };
            project.configure()?;
            project.migrate()?;
            project.write(|tx| {
                model::set_meta(tx, "model_format", &FORMAT_VERSION.to_string())?;
                model::set_meta(tx, "created_by", concat!("threatwright ", env!("CARGO_PKG_VERSION")))?;
                Ok(())
            })?;
            project.replace_model(model)?;
            // Dropping the connection checkpoints the WAL into the file and removes it.
        }
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyExists { path: path.to_owned() }
            } else {
                io(e.error)
            }
        })?;
        Project::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version of the open file (after migration, always the latest).
    pub fn schema_version(&self) -> Result<u32> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| sql_error(&self.path, e))
    }

    fn configure(&mut self) -> Result<()> {
        let path = self.path.clone();
        let c = &self.conn;
        let err = |e| sql_error(&path, e);
        c.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // Defensive mode: no writes to the schema table, no dangerous PRAGMAs; a crafted
        // file cannot make SQLite run functions through views or triggers.
        c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true).map_err(err)?;
        c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false).map_err(err)?;
        c.pragma_update(None, "foreign_keys", true).map_err(err)?;
        let mode: String = c.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0)).map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Corrupt { path, detail: format!("cannot switch to WAL journal mode (got {mode})") });
        }
        // With WAL, NORMAL never corrupts and survives any process crash; only a power
        // loss may drop the last commits.
        c.pragma_update(None, "synchronous", "NORMAL").map_err(err)?;
        // 64 MiB page cache (the default is 2 MiB): a 100k-element model's indexes fit,
        // so imports do not thrash. Memory is only used as the file needs it.
        c.pragma_update(None, "cache_size", -65536).map_err(err)?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        migrate::migrations().to_latest(&mut self.conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => sql_error(&path, err),
            other => Error::Corrupt { path, detail: format!("schema migration failed: {other}") },
        })
    }

    fn check_model_format(&self) -> Result<()> {
        let format: Option<String> =
            model::get_meta(&self.conn, "model_format").map_err(|e| sql_error(&self.path, e))?;
        let found: u32 = format.as_deref().unwrap_or("1").parse().map_err(|_| Error::Corrupt {
            path: self.path.clone(),
            detail: format!("unreadable model format {format:?}"),
        })?;
        if found > FORMAT_VERSION {
            return Err(Error::IncompatibleVersion { path: self.path.clone(), found, supported: FORMAT_VERSION });
        }
        Ok(())
    }

    /// Runs `f` in one immediate transaction: committed if it returns `Ok`, rolled back
    /// otherwise. Every user action goes through here, exactly once.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> Result<T> {
        let path = self.path.clone();
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| sql_error(&path, e))?;
        let value = f(&tx).map_err(|e| sql_error(&path, e))?;
        tx.commit().map_err(|e| sql_error(&path, e))?;
        Ok(value)
    }

    /// The model held in the file.
    pub fn load_model(&self) -> Result<Model> {
        model::load(&self.conn).map_err(|e| match e {
            model::LoadError::Sql(e) => sql_error(&self.path, e),
            model::LoadError::Decode(detail) => Error::Corrupt { path: self.path.clone(), detail },
        })
    }

    /// Replaces the model held in the file by `model`, in one transaction. A model with
    /// validation errors is refused: the file only ever holds models that validate.
    pub fn replace_model(&mut self, model: &Model) -> Result<()> {
        let diagnostics = crate::model::validate(model);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::InvalidModel { diagnostics });
        }
        let mut canonical = model.clone();
        canonical.canonicalize();
        self.write(|tx| model::replace(tx, &canonical))
    }

    /// Runs the analysis on the stored model and records it in one transaction: threats
    /// found again keep their reference and status, new ones get the next references,
    /// those no longer found become obsolete. Returns the whole register, ranked.
    pub fn analyze(&mut self, library: &Library) -> Result<Analysis> {
        let model = self.load_model()?;
        let overrides = threats::overrides(&self.conn).map_err(|e| sql_error(&self.path, e))?;
        let mut analysis = rules::analyze(&model, library, &rules::Options { overrides });
        let found = std::mem::take(&mut analysis.threats);
        let now = now();
        let version = analysis.rules_version.clone();
        let mut register = self.write(|tx| threats::record(tx, found, &version, &now))?;
        rules::engine::sort_ranked(&mut register);
        analysis.threats = register;
        Ok(analysis)
    }

    /// The stored register, without analysing.
    pub fn register(&self) -> Result<Vec<Threat>> {
        let mut t = threats::load(&self.conn).map_err(|e| sql_error(&self.path, e))?;
        rules::engine::sort_ranked(&mut t);
        Ok(t)
    }

    /// Adds a threat entered by a person; returns its reference.
    pub fn add_manual_threat(&mut self, threat: Threat) -> Result<String> {
        let now = now();
        self.write(|tx| threats::add_manual(tx, threat, &now))
    }

    /// Records a person's override of a threat's likelihood and/or impact, with the reason.
    /// Rule threats take it at the next analysis; manual threats at once.
    pub fn override_ranking(&mut self, reference: &str, o: &Override) -> Result<Threat> {
        let path = self.path.clone();
        let id = threats::id_of(&self.conn, reference)
            .map_err(|e| sql_error(&path, e))?
            .ok_or_else(|| Error::NotInRegister { reference: reference.to_owned() })?;
        let current = self
            .register()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::NotInRegister { reference: reference.to_owned() })?;
        let now = now();
        self.write(|tx| {
            threats::set_override(tx, id, o, &now)?;
            if current.rule.is_none() {
                let l = o.likelihood.unwrap_or(current.likelihood);
                let i = o.impact.unwrap_or(current.impact);
                threats::rerank_manual(tx, id, l, i, crate::rank::severity(l, i))?;
            }
            Ok(())
        })?;
        self.register()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(Error::NotInRegister { reference: reference.to_owned() })
    }
}

/// Current time, UTC, to the second (RFC 3339).
fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
