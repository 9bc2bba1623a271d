//! What the seals say of the file's past: which action first wrote a row, which rows
//! differ between two audit entries, and the rule library's version as of an
//! entry. (Seals record, per action, every row it wrote with its content hash; see
//! `seal`.) Reads only.

use rusqlite::{Connection, params};
use std::collections::HashMap;

/// A row that an action changed: added, changed or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowChange {
    /// The last audit entry of the action that changed it.
    pub seq: u64,
    pub table: String,
    /// Its primary key, as seals write it.
    pub row: String,
    /// How people name it (a threat's reference, an element's key).
    pub label: String,
}

/// The entry whose action first wrote each row of `table`, by the row's key.
pub fn first_written(conn: &Connection, table: &str) -> rusqlite::Result<HashMap<String, u64>> {
    let mut stmt = conn.prepare("SELECT row, min(seq) FROM seals WHERE tbl = ?1 GROUP BY row")?;
    let rows = stmt.query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
    rows.collect()
}

/// Rows whose content at entry `upto` differs from their content at entry `after`: added,
/// removed, or sealed with another content hash. (A row changed and changed back between
/// the two is no difference.) Each with the entry that last wrote it by `upto`, in entry
/// order.
pub fn changed_between(conn: &Connection, after: u64, upto: u64) -> rusqlite::Result<Vec<RowChange>> {
    let mut stmt = conn.prepare(
        "SELECT seq, tbl, row, label FROM (
             SELECT t.tbl, t.row,
                 (SELECT s.seq FROM seals s WHERE s.tbl = t.tbl AND s.row = t.row AND s.seq <= ?2
                  ORDER BY s.seq DESC LIMIT 1) AS seq,
                 (SELECT s.label FROM seals s WHERE s.tbl = t.tbl AND s.row = t.row AND s.seq <= ?2
                  ORDER BY s.seq DESC LIMIT 1) AS label,
                 (SELECT s.hash FROM seals s WHERE s.tbl = t.tbl AND s.row = t.row AND s.seq <= ?2
                  ORDER BY s.seq DESC LIMIT 1) AS now,
                 (SELECT s.hash FROM seals s WHERE s.tbl = t.tbl AND s.row = t.row AND s.seq <= ?1
                  ORDER BY s.seq DESC LIMIT 1) AS was
             FROM (SELECT DISTINCT tbl, row FROM seals WHERE seq > ?1 AND seq <= ?2) t
         ) WHERE now IS NOT was
         ORDER BY seq, tbl, row",
    )?;
    let rows = stmt.query_map(params![after as i64, upto as i64], |r| {
        Ok(RowChange { seq: r.get::<_, i64>(0)? as u64, table: r.get(1)?, row: r.get(2)?, label: r.get(3)? })
    })?;
    rows.collect()
}

/// The rule library version of the latest analysis recorded at or before entry `seq`.
pub fn rules_version_at(conn: &Connection, seq: u64) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare(
        "SELECT r.rules_version FROM analysis_runs r
         WHERE (SELECT min(s.seq) FROM seals s WHERE s.tbl = 'analysis_runs' AND s.row = CAST(r.id AS TEXT)) <= ?1
         ORDER BY r.id DESC LIMIT 1",
    )?;
    let mut rows = stmt.query_map([seq as i64], |r| r.get(0))?;
    rows.next().transpose()
}
