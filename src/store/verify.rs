//! Verifying a project file: SQLite's structural check, the schema, the audit chain and
//! the sealed state, read only (see [`super::Project::verify`]).

use super::error::{Result, sql_error};
use super::seal::Finding;
use super::{BUSY_TIMEOUT, audit, health, migrate, register, seal};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// What verifying a project file found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Integrity {
    /// SQLite's structural check (`PRAGMA quick_check`): empty when sound.
    pub damage: Vec<String>,
    /// Database objects that differ from those Threatwright makes (a trigger planted
    /// while the file was open).
    pub schema: Vec<String>,
    /// The audit log's hash chain.
    pub chain: crate::lifecycle::audit::Verification,
    /// Rows that differ from what the audit chain sealed.
    pub state: Vec<Finding>,
}

impl Integrity {
    pub fn ok(&self) -> bool {
        self.damage.is_empty() && self.schema.is_empty() && self.chain.ok() && self.state.is_empty()
    }

    /// Every problem found, one sentence each: damage first, then the chain, then rows.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self.damage.iter().map(|d| format!("damaged: {d}")).collect();
        out.extend(self.schema.iter().map(|o| format!("schema: {o}")));
        if let Some((seq, why)) = &self.chain.broken {
            out.push(format!("audit log broken at entry {seq}: {why}"));
        }
        out.extend(self.state.iter().map(Finding::to_string));
        out
    }
}

/// Verifies the file through `conn` (see [`Project::verify`]); `thorough` adds SQLite's
/// structural check, after which nothing else is read when it finds damage.
pub(crate) fn integrity(conn: &Connection, path: &Path, thorough: bool) -> Result<Integrity> {
    let sql = |e| sql_error(path, e);
    // SQLite's structural check reads the whole file: it runs on a connection of its own,
    // beside the rest (WAL lets both read), and damage it finds stands for everything.
    let (damage, rest) = std::thread::scope(|s| {
        let structure = thorough.then(|| s.spawn(|| structural_check(path)));
        let rest = chain_and_state(conn);
        let damage = structure.map(|h| h.join().unwrap_or_else(|_| Err(rusqlite::Error::InvalidQuery)));
        (damage, rest)
    });
    let damage = damage.transpose().map_err(sql)?.unwrap_or_default();
    if !damage.is_empty() {
        let unverified = crate::lifecycle::audit::Verification { entries: 0, head: None, broken: None };
        return Ok(Integrity { damage, schema: Vec::new(), chain: unverified, state: Vec::new() });
    }
    let (schema, chain, state) = rest.map_err(sql)?;
    Ok(Integrity { damage, schema, chain, state })
}

/// `PRAGMA quick_check` of the file at `path`, on a read-only connection of its own.
fn structural_check(path: &Path) -> rusqlite::Result<Vec<String>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    health::quick_check(&conn)
}

/// The schema's differences from ours, the audit chain, and the sealed state.
fn chain_and_state(
    conn: &Connection,
) -> rusqlite::Result<(Vec<String>, crate::lifecycle::audit::Verification, Vec<Finding>)> {
    let schema = health::schema_differences(conn, migrate::LATEST)?;
    let log = audit::load(conn)?;
    let head = audit::head(conn)?;
    let anchors: Vec<_> = register::baselines(conn)?
        .into_iter()
        .filter(|b| b.audit_seq > 0)
        .map(|b| crate::lifecycle::audit::Anchor {
            seq: b.audit_seq,
            hash: b.audit_hash,
            holder: format!("baseline {}", b.id),
        })
        .collect();
    let chain = crate::lifecycle::audit::verify(&log, head.as_ref().map(|(s, h)| (*s, h.as_str())), &anchors);
    let state = seal::verify(conn, &audit::states(conn)?)?;
    Ok((schema, chain, state))
}
