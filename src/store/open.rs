//! Into a project file: opening an existing one defensively (nothing is written before it
//! is known to be ours and whole), creating a new one whole or not at all, the
//! connection's settings and migrations, and the statement of a signed approval.

use super::error::{Error, Result, sql_error};
use super::header::{self, Inspection};
use super::lock::{self, Writer};
use super::{APPLICATION_ID, Access, BUSY_TIMEOUT, Guard, Known, Project, audit, health, migrate, model, seal};
use crate::lifecycle::approval::{Signature, Statement};
use crate::model::{FORMAT_VERSION, Model};
use crate::rules::Library;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

impl Project {
    /// Opens an existing project file to write to it, upgrading its schema if it is
    /// older. Holds the file's writer lock until dropped, waiting a while for another
    /// command's (see [`lock`]).
    pub fn open(path: &Path) -> Result<Project> {
        Project::open_as(path, Writer::Command)
    }

    /// [`Project::open`] for an editing session, which keeps the file open: refused at
    /// once when another writer holds it, and others are told it is open in the app.
    pub fn open_to_edit(path: &Path) -> Result<Project> {
        Project::open_as(path, Writer::Editor)
    }

    fn open_as(path: &Path, writer: Writer) -> Result<Project> {
        let version = inspect_header(path)?;
        let lock = lock::acquire(path, writer, &crate::account::os_account())?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
        let mut project = Project::over(conn, path);
        project.access = Access::Write { _lock: Some(lock) };
        // Nothing is written before the file is known to be ours and whole.
        project.harden()?;
        project.inspect(version)?;
        project.configure()?;
        project.migrate()?;
        project.read(seal::install)?;
        project.check_model_format()?;
        if version < migrate::SEALED_SINCE {
            project.seal_as_found(version)?;
        }
        Ok(project)
    }

    /// Opens a project file to read it only: nothing is written to it, changed or left
    /// beside it — no journal-mode switch, no migration. With no writer at it (a shared
    /// lock keeps one from starting) or when this user cannot write it, the file is read
    /// as immutable; beside a writer, through the write-ahead log the writer keeps (see
    /// [`lock`]). A file of an older schema is upgraded in a private copy (SQLite's
    /// `VACUUM INTO` a temporary folder, migrated and sealed as found there), never in
    /// place. Actions on it are refused ([`Error::ReadOnly`]).
    pub fn open_read_only(path: &Path) -> Result<Project> {
        let version = inspect_header(path)?;
        let io = |source| Error::Io { path: path.to_owned(), source };
        // No writer can start while the shared lock is held: the file is read as it is,
        // immutable, unless a log a writer left holds pages it still needs.
        let shared = lock::share(path).map_err(io)?;
        let writable = std::fs::OpenOptions::new().append(true).open(path).is_ok();
        let immutable = (shared.is_some() || !writable) && !header::has_wal(path);
        let conn = reader(path, immutable).map_err(|e| sql_error(path, e))?;
        let mut project = Project::over(conn, path);
        project.immutable = immutable;
        project.access = Access::Read { _shared: shared, _copy: None };
        project.harden()?;
        project.inspect(version)?;
        project.check_model_format()?;
        if version < migrate::LATEST {
            project.upgrade_privately(version)?;
        }
        Ok(project)
    }

    /// Makes this read-only project read an upgraded copy of its file (see
    /// [`Project::open_read_only`]).
    fn upgrade_privately(&mut self, version: u32) -> Result<()> {
        let io = |source| Error::Io { path: self.path.clone(), source };
        let dir = tempfile::Builder::new().prefix("threatwright-read-").tempdir().map_err(io)?;
        let copy = dir.path().join(self.path.file_name().unwrap_or(std::ffi::OsStr::new("project.twdb")));
        let target = copy.to_str().ok_or_else(|| io(std::io::Error::other("temporary folder name is not UTF-8")))?;
        self.read(|c| c.execute("VACUUM INTO ?1", [target]))?;
        let conn = Connection::open(&copy).map_err(|e| sql_error(&self.path, e))?;
        let mut upgraded = Project::over(conn, &self.path);
        upgraded.file = copy;
        upgraded.harden()?;
        upgraded.configure()?;
        upgraded.migrate()?;
        upgraded.read(seal::install)?;
        if version < migrate::SEALED_SINCE {
            upgraded.seal_as_found(version)?;
        }
        let shared = match std::mem::replace(&mut self.access, Access::Write { _lock: None }) {
            Access::Read { _shared, .. } => _shared,
            Access::Write { .. } => None,
        };
        upgraded.access = Access::Read { _shared: shared, _copy: Some(dir) };
        *self = upgraded;
        Ok(())
    }

    fn over(conn: Connection, path: &Path) -> Project {
        Project {
            conn,
            path: path.to_owned(),
            who: "unknown".to_owned(),
            os_user: crate::account::os_account(),
            file: path.to_owned(),
            immutable: false,
            access: Access::Write { _lock: None },
            known: Known::default(),
            trusted: None,
            signed: None,
        }
    }

    /// The statement a person signs to approve `action` on `object` (`decision`: what is
    /// decided, as `field: value`), as the file stands now: signed, it is given to
    /// [`Project::sign_next`] before the action.
    pub fn approval_statement(&self, action: &str, object: &str, decision: Vec<(String, String)>) -> Result<Statement> {
        let follows = self
            .read(audit::head)?
            .map_or_else(|| format!("0:{}", crate::lifecycle::audit::GENESIS), |(s, h)| format!("{s}:{h}"));
        Ok(Statement {
            project: self.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
            action: action.to_owned(),
            object: object.to_owned(),
            decision,
            by: self.who.clone(),
            os_user: self.os_user.clone(),
            at: crate::lifecycle::now(),
            follows,
        })
    }

    /// Attaches a signed approval to the next action: it must log `statement.action` on
    /// `statement.object`, at the statement's time, right after the head the statement
    /// follows — else it is refused and nothing is written. The signature is kept in that
    /// audit entry.
    pub fn sign_next(&mut self, statement: Statement, signature: Signature) {
        self.signed = Some((statement, signature));
    }

    /// Refuses a file whose schema holds what our migrations do not make, and (when small
    /// enough to cost little) one that SQLite finds damaged. Reads only.
    fn inspect(&self, version: u32) -> Result<()> {
        let objects = self.read(|c| health::schema_differences(c, version))?;
        if !objects.is_empty() {
            return Err(Error::ForeignSchema { path: self.path.clone(), objects });
        }
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(u64::MAX);
        if size <= health::QUICK_CHECK_ON_OPEN {
            let damage = self.read(health::quick_check)?;
            if !damage.is_empty() {
                return Err(Error::Corrupt { path: self.path.clone(), detail: damage.join("; ") });
            }
        }
        Ok(())
    }

    /// Seals the state of a file written before seals existed, as it is found, in one
    /// logged action: what happened to it before cannot be verified, and the log says so.
    fn seal_as_found(&mut self, from: u32) -> Result<()> {
        let file = self.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        self.act_as(Guard::Unsealed, |a| {
            seal::touch_all(a.tx)?;
            a.log(
                "project.seal",
                "project",
                &file,
                None,
                Some(&serde_json::json!({
                    "schema": {"from": from, "to": migrate::LATEST},
                    "note": "rows written before this entry were sealed as found; changes made to them before cannot be told",
                })),
            )
        })
    }

    /// Creates a new project file holding `model`. The file appears complete or not at
    /// all: it is built under a temporary name beside `path` and renamed at the end.
    pub fn create(path: &Path, model: &Model) -> Result<Project> {
        Project::create_as(path, model, "unknown", None)
    }

    /// [`Project::create`], recording `who` in the audit log. A model read from YAML with
    /// register sections brings its register along; with a `library`, the new file holds
    /// its analysis too (all of it or nothing: the file is renamed into place at the end).
    pub fn create_as(path: &Path, model: &Model, who: &str, library: Option<&Library>) -> Result<Project> {
        let io = |source| Error::Io { path: path.to_owned(), source };
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.to_owned() });
        }
        let tmp = crate::files::temp_beside(path, ".threatwright-", ".twdb-tmp").map_err(io)?;
        {
            let conn = Connection::open(tmp.path()).map_err(|e| sql_error(path, e))?;
            let mut project = Project::over(conn, tmp.path());
            project.set_user(who);
            project.harden()?;
            project.configure()?;
            project.migrate()?;
            project.read(seal::install)?;
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            project.act_as(Guard::Unsealed, |a| {
                seal::touch_all(a.tx)?;
                model::set_meta(a.tx, "model_format", &FORMAT_VERSION.to_string())?;
                model::set_meta(a.tx, "created_by", concat!("threatwright ", env!("CARGO_PKG_VERSION")))?;
                a.log(
                    "project.create",
                    "project",
                    &file,
                    None,
                    Some(&serde_json::json!({"by": concat!("threatwright ", env!("CARGO_PKG_VERSION"))})),
                )
            })?;
            project.replace_model(model)?;
            project.import_register(model)?;
            if let Some(library) = library {
                project.analyze(library)?;
            }
            // Dropping the connection checkpoints the WAL into the file and removes it.
        }
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::AlreadyExists { path: path.to_owned() }
            } else {
                io(e.error)
            }
        })?;
        let mut project = Project::open(path)?;
        project.set_user(who);
        Ok(project)
    }

    /// The connection's defensive settings, before anything of the file is read.
    fn harden(&mut self) -> Result<()> {
        use rusqlite::config::DbConfig;
        let path = self.path.clone();
        let c = &self.conn;
        let err = |e| sql_error(&path, e);
        c.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // Defensive mode: no writes to the schema table, no dangerous PRAGMAs; a crafted
        // file cannot make SQLite run functions through views or triggers; no extension
        // loading (rusqlite is built without it, and it stays off here too); no
        // double-quoted strings taken as literals.
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true).map_err(err)?;
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false).map_err(err)?;
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false).map_err(err)?;
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false).map_err(err)?;
        // Damaged b-tree cells are reported instead of being read past their page.
        c.pragma_update(None, "cell_size_check", true).map_err(err)?;
        // What an action notes of its writes stays in memory, in a small page cache (the
        // temporary database's cache is scanned whole each time it is emptied).
        c.pragma_update(None, "temp_store", "MEMORY").map_err(err)?;
        c.pragma_update(Some("temp"), "cache_size", 64).map_err(err)?;
        Ok(())
    }

    fn configure(&mut self) -> Result<()> {
        let path = self.path.clone();
        let c = &self.conn;
        let err = |e| sql_error(&path, e);
        c.pragma_update(None, "foreign_keys", true).map_err(err)?;
        let mode: String = c.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0)).map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Corrupt { path, detail: format!("cannot switch to WAL journal mode (got {mode})") });
        }
        // FULL: every commit is synced to disk before the command returns, so an action
        // the audit log shows as done survives a power loss too, not just a process crash
        // (NORMAL would, with WAL, risk the last commits). Costs ~3x on single-action
        // transactions and still does >3,000/s here: see BENCHMARKS.md.
        c.pragma_update(None, "synchronous", "FULL").map_err(err)?;
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
}

/// The schema version of the project file at `path`, from its header read with plain
/// file IO: what is not ours, newer than this build, or cut short is refused before
/// SQLite (or a lock) touches it.
fn inspect_header(path: &Path) -> Result<u32> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    let not_ours = |reason: &str| Error::NotAProjectFile { path: path.to_owned(), reason: reason.to_owned() };
    match header::inspect_settled(path).map_err(io)? {
        Inspection::Missing => Err(Error::NotFound { path: path.to_owned() }),
        Inspection::NotAFile => Err(not_ours("not a regular file (a folder, a pipe or a device)")),
        Inspection::Empty => Err(not_ours("the file is empty")),
        Inspection::NotSqlite => Err(not_ours("not a SQLite database")),
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
            // Pages a log beside the file still holds are not missing: SQLite replays
            // the log on open, and `quick_check` judges the result.
            if let Some(claimed) = claimed_len.filter(|&c| c > actual_len && !header::has_wal(path)) {
                return Err(Error::Corrupt {
                    path: path.to_owned(),
                    detail: format!("it is truncated ({actual_len} bytes; its header says {claimed})"),
                });
            }
            Ok(user_version)
        }
    }
}

/// A read-only connection to the project file at `path`, as defensive as a writer's
/// (see `Project::harden`) where it matters for reading; `immutable`: SQLite takes no lock
/// and needs nothing beside the file (see [`Project::open_read_only`] for when).
pub(crate) fn reader(path: &Path, immutable: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(format!("file:{}?immutable=1", uri_path(path)), flags | OpenFlags::SQLITE_OPEN_URI)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// `path` as the path part of an SQLite `file:` URI (`%`, `?` and `#` escaped; made
/// absolute, so that it cannot be read as an authority).
fn uri_path(path: &Path) -> String {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = String::new();
    for c in full.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}
