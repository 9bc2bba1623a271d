//! Verifying a project file: SQLite's structural check, the schema, the audit chain and
//! the sealed state, read only (see [`super::Project::verify`]).

use super::error::{Result, sql_error};
use super::seal::Finding;
use super::{audit, health, migrate, register, seal};
use rusqlite::Connection;
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
///
/// Three readers share the work, each on its own core where there is one: SQLite's
/// structural check and the audit chain on read-only connections of their own (WAL
/// lets them read beside `conn`), the schema and the sealed state on `conn`. They read
/// the same committed state: `conn` holds one snapshot throughout, and the chain is read
/// again on `conn` should a writer have moved the head between the two snapshots.
///
/// `path` names the project file in errors; `file` is the SQLite file read (the same, or
/// a private upgraded copy), with whether it is read as immutable.
pub(crate) fn integrity(
    conn: &Connection,
    path: &Path,
    (file, immutable): (&Path, bool),
    thorough: bool,
) -> Result<Integrity> {
    let sql = |e| sql_error(path, e);
    // A transaction of our own (read only, rolled back) unless the caller holds one.
    let snapshot = if conn.is_autocommit() { Some(conn.unchecked_transaction().map_err(sql)?) } else { None };
    let head = audit::head(conn).map_err(sql)?;
    let anchors = anchors(conn).map_err(sql)?;
    let (damage, chain, rest) = std::thread::scope(|s| {
        let structure = thorough.then(|| s.spawn(|| health::quick_check(&super::open::reader(file, immutable)?)));
        let chain = s.spawn(|| {
            let c = super::open::reader(file, immutable)?;
            let tx = c.unchecked_transaction()?;
            let seen = audit::head(&tx)?;
            let found = audit::verify(&tx, seen.as_ref().map(|(n, h)| (*n, h.as_str())), &anchors)?;
            Ok::<_, rusqlite::Error>((seen, found))
        });
        let rest =
            health::schema_differences(conn, migrate::LATEST).and_then(|schema| Ok((schema, seal::verify(conn)?)));
        (structure.map(joined), joined(chain), rest)
    });
    let damage = damage.transpose().map_err(sql)?.unwrap_or_default();
    if !damage.is_empty() {
        let unverified = crate::lifecycle::audit::Verification { entries: 0, head: None, broken: None };
        return Ok(Integrity { damage, schema: Vec::new(), chain: unverified, state: Vec::new() });
    }
    let (schema, state) = rest.map_err(sql)?;
    let (chain, states) = match chain.map_err(sql)? {
        (seen, found) if seen == head => found,
        // A writer moved on between the snapshots: the chain as `conn` sees it.
        _ => audit::verify(conn, head.as_ref().map(|(n, h)| (*n, h.as_str())), &anchors).map_err(sql)?,
    };
    drop(snapshot);
    Ok(Integrity { damage, schema, chain, state: state.findings(&states) })
}

/// A reader's result; a reader that panicked is an error, not a crash.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, rusqlite::Result<T>>) -> rusqlite::Result<T> {
    h.join().unwrap_or(Err(rusqlite::Error::InvalidQuery))
}

/// The heads of the log that baselines recorded.
fn anchors(conn: &Connection) -> rusqlite::Result<Vec<crate::lifecycle::audit::Anchor>> {
    Ok(register::baselines(conn)?
        .into_iter()
        .filter(|b| b.audit_seq > 0)
        .map(|b| crate::lifecycle::audit::Anchor {
            seq: b.audit_seq,
            hash: b.audit_hash,
            holder: format!("baseline {}", b.id),
        })
        .collect())
}
