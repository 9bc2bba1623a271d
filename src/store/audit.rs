//! The audit log in the project file: appended in the same transaction as the change it
//! records, hash-chained (`lifecycle::audit`), its head also kept in `meta`.

use super::seal::{self, Seal};
use crate::lifecycle::audit::{self, Entry, GENESIS};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// A user action in progress: the transaction and who is acting. Every change made
/// through it is logged with [`Action::log`]; `Project::act` refuses to commit an action
/// that logged nothing, and appends its entries when it ends, the last one sealing every
/// row the action wrote.
pub struct Action<'t> {
    pub tx: &'t Transaction<'t>,
    pub who: &'t str,
    pub at: String,
    pub(crate) entries: RefCell<Vec<Entry>>,
}

impl<'t> Action<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, who: &'t str) -> Action<'t> {
        Action { tx, who, at: crate::lifecycle::now(), entries: RefCell::default() }
    }

    /// Records an audit entry: what was done, to what, and the object before and after.
    /// Entries are appended to the log when the action ends (see [`finish`]).
    pub fn log(
        &self,
        action: &str,
        object_kind: &str,
        object: &str,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> rusqlite::Result<()> {
        self.entries.borrow_mut().push(Entry {
            seq: 0,
            at: self.at.clone(),
            who: self.who.to_owned(),
            action: action.to_owned(),
            object_kind: object_kind.to_owned(),
            object: object.to_owned(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            os_user: None,
            state: None,
            prev_hash: String::new(),
            hash: String::new(),
        });
        Ok(())
    }
}

/// Appends an action's entries to the chain, each with the operating-system account;
/// the last one records the digest of `seals` (what the action wrote), which are stored
/// under it. Moves the recorded head.
pub(crate) fn finish(
    tx: &Transaction<'_>,
    mut entries: Vec<Entry>,
    os_user: &str,
    seals: &[Seal],
) -> rusqlite::Result<()> {
    let (mut seq, mut prev) = head(tx)?.unwrap_or((0, GENESIS.to_owned()));
    let last = entries.len().saturating_sub(1);
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, who, action, object_kind, object, before, after, os_user, state, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (i, e) in entries.iter_mut().enumerate() {
        seq += 1;
        e.seq = seq;
        e.os_user = Some(os_user.to_owned());
        if i == last && !seals.is_empty() {
            e.state = Some(seal::digest(
                seals.iter().map(|s| (s.table.as_str(), s.row.as_str(), s.label.as_str(), s.hash.as_deref())),
            ));
        }
        e.prev_hash = std::mem::take(&mut prev);
        e.hash = audit::hash(e);
        insert.execute(params![
            e.seq as i64,
            e.at,
            e.who,
            e.action,
            e.object_kind,
            e.object,
            e.before,
            e.after,
            e.os_user,
            e.state,
            e.prev_hash,
            e.hash
        ])?;
        prev = e.hash.clone();
    }
    if !seals.is_empty() {
        seal::write(tx, seq, seals)?;
    }
    set_head(tx, seq, &prev)
}

/// The recorded head of the chain (kept in `meta`, apart from the log itself).
pub fn head(conn: &Connection) -> rusqlite::Result<Option<(u64, String)>> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'audit_head'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|s| {
        let (seq, hash) = s.split_once(':')?;
        Some((seq.parse().ok()?, hash.to_owned()))
    }))
}

fn set_head(tx: &Transaction<'_>, seq: u64, hash: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO meta (name, value) VALUES ('audit_head', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{seq}:{hash}")])?;
    Ok(())
}

/// Verifies the chain as it reads the log, in order, without holding it: each entry
/// against the one before, the `anchors` baselines recorded, and `stored_head`. Also
/// gives each entry's recorded digest of its seals (its `state`).
pub(crate) fn verify(
    conn: &Connection,
    stored_head: Option<(u64, &str)>,
    anchors: &[audit::Anchor],
) -> rusqlite::Result<(audit::Verification, BTreeMap<u64, String>)> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, who, action, object_kind, object, before, after, os_user, state, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut chain = audit::Chain::new(anchors);
    let mut states = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let text = |i| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
        let maybe = |i| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
        let e = audit::EntryRef {
            seq: r.get::<_, i64>(0)? as u64,
            at: text(1)?,
            who: text(2)?,
            action: text(3)?,
            object_kind: text(4)?,
            object: text(5)?,
            before: maybe(6)?,
            after: maybe(7)?,
            os_user: maybe(8)?,
            state: maybe(9)?,
            prev_hash: text(10)?,
            hash: text(11)?,
        };
        if let Some(state) = e.state {
            states.insert(e.seq, state.to_owned());
        }
        if !chain.push(&e) {
            break;
        }
    }
    Ok((chain.finish(stored_head), states))
}

/// The whole log, in order.
pub fn load(conn: &Connection) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, who, action, object_kind, object, before, after, os_user, state, prev_hash, hash
         FROM audit_log ORDER BY seq",
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
            os_user: r.get(8)?,
            state: r.get(9)?,
            prev_hash: r.get(10)?,
            hash: r.get(11)?,
        })
    })?;
    rows.collect()
}
