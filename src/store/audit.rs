//! The audit log in the project file: appended in the same transaction as the change it
//! records, hash-chained (`lifecycle::audit`), its head also kept in `meta`.

use crate::lifecycle::audit::{self, Entry, GENESIS};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::cell::Cell;

/// A user action in progress: the transaction and who is acting. Every change made
/// through it is logged with [`Action::log`]; `Project::act` refuses to commit an action
/// that logged nothing.
pub struct Action<'t> {
    pub tx: &'t Transaction<'t>,
    pub who: &'t str,
    pub at: String,
    pub(crate) logged: Cell<usize>,
}

impl Action<'_> {
    /// Appends an audit entry: what was done, to what, and the object before and after.
    pub fn log(
        &self,
        action: &str,
        object_kind: &str,
        object: &str,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> rusqlite::Result<()> {
        let (seq, prev) = head(self.tx)?.unwrap_or((0, GENESIS.to_owned()));
        let mut e = Entry {
            seq: seq + 1,
            at: self.at.clone(),
            who: self.who.to_owned(),
            action: action.to_owned(),
            object_kind: object_kind.to_owned(),
            object: object.to_owned(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            prev_hash: prev,
            hash: String::new(),
        };
        e.hash = audit::hash(&e);
        self.tx.execute(
            "INSERT INTO audit_log (seq, at, who, action, object_kind, object, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.seq as i64,
                e.at,
                e.who,
                e.action,
                e.object_kind,
                e.object,
                e.before,
                e.after,
                e.prev_hash,
                e.hash
            ],
        )?;
        set_head(self.tx, e.seq, &e.hash)?;
        self.logged.set(self.logged.get() + 1);
        Ok(())
    }
}

/// The recorded head of the chain (kept in `meta`, apart from the log itself).
pub fn head(conn: &Connection) -> rusqlite::Result<Option<(u64, String)>> {
    let v: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE name = 'audit_head'", [], |r| r.get(0)).optional()?;
    Ok(v.and_then(|s| {
        let (seq, hash) = s.split_once(':')?;
        Some((seq.parse().ok()?, hash.to_owned()))
    }))
}

fn set_head(tx: &Transaction<'_>, seq: u64, hash: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (name, value) VALUES ('audit_head', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [format!("{seq}:{hash}")],
    )?;
    Ok(())
}

/// The whole log, in order.
pub fn load(conn: &Connection) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, who, action, object_kind, object, before, after, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Entry {
            seq: r.get::<_, i64>(0)? as u64,
            at: r.get(1)?,
            who: r.get(2)?,
            action: r.get(3)?,
            object_kind: r.get(4)?,
            object: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
            prev_hash: r.get(8)?,
            hash: r.get(9)?,
        })
    })?;
    rows.collect()
}
