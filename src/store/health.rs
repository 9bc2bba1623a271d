//! Is this file what Threatwright made, and is it whole? The schema compared with the one
//! our migrations create, and SQLite's own structural check.
//!
//! A project file received from someone else may carry SQLite objects of its own — a
//! trigger that empties the register on the next write, a view shadowing a table. Such a
//! file is refused before anything is written to it (before the journal mode is set and
//! before migrations run), naming each object that Threatwright would not have made.

use super::migrate;
use rusqlite::Connection;

/// One object of a schema, as `sqlite_schema` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Object {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

fn objects(conn: &Connection) -> rusqlite::Result<Vec<Object>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_schema ORDER BY name")?;
    let rows =
        stmt.query_map([], |r| Ok(Object { kind: r.get(0)?, name: r.get(1)?, table: r.get(2)?, sql: r.get(3)? }))?;
    rows.collect()
}

/// The schema our migrations create at `version` (made once per version and process).
fn expected(version: u32) -> rusqlite::Result<Vec<Object>> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static MADE: OnceLock<Mutex<HashMap<u32, Vec<Object>>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    if let Some(found) = made.lock().ok().and_then(|m| m.get(&version).cloned()) {
        return Ok(found);
    }
    let objects = make(version)?;
    if let Ok(mut m) = made.lock() {
        m.insert(version, objects.clone());
    }
    Ok(objects)
}

fn make(version: u32) -> rusqlite::Result<Vec<Object>> {
    let mut conn = Connection::open_in_memory()?;
    migrate::migrations().to_version(&mut conn, version as usize).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => err,
        other => super::threats::decode_err(other.to_string()),
    })?;
    objects(&conn)
}

/// What in the file's schema differs from the one Threatwright makes at `version`: one
/// line per object (extra, changed or missing), empty when they are the same.
pub(crate) fn schema_differences(conn: &Connection, version: u32) -> rusqlite::Result<Vec<String>> {
    let found = objects(conn)?;
    let wanted = expected(version)?;
    let mut out = Vec::new();
    let on = |o: &Object| if o.table != o.name { format!(" on `{}`", o.table) } else { String::new() };
    for o in &found {
        match wanted.iter().find(|w| w.name == o.name) {
            None => out.push(format!("{} `{}`{} is not one Threatwright makes", o.kind, o.name, on(o))),
            Some(w) if w != o => {
                out.push(format!("{} `{}`{} differs from the one Threatwright makes", o.kind, o.name, on(o)))
            }
            Some(_) => {}
        }
    }
    for w in wanted.iter().filter(|w| !found.iter().any(|o| o.name == w.name)) {
        out.push(format!("{} `{}`{} is missing", w.kind, w.name, on(w)));
    }
    Ok(out)
}

/// Files up to this size get SQLite's structural check each time they are opened (it
/// reads the whole file: ~0.1 s at this size on the reference machine, BENCHMARKS.md);
/// larger ones get it from `log verify`, `check`, and before a sign-off is written.
pub const QUICK_CHECK_ON_OPEN: u64 = 32 << 20;

/// `PRAGMA quick_check`: empty when the file is structurally sound, else SQLite's
/// findings, with the table each damaged b-tree belongs to.
pub(crate) fn quick_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    // SQLite may report what it found and then stop with "malformed": both are findings.
    let mut lines = Vec::new();
    {
        let mut stmt = conn.prepare("PRAGMA quick_check(20)")?;
        let mut rows = stmt.query([])?;
        loop {
            match rows.next() {
                Ok(Some(r)) => lines.extend(r.get::<_, String>(0)?.lines().map(str::to_owned)),
                Ok(None) => break,
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                    lines.push(e.to_string());
                    break;
                }
                Err(e) => return Err(e),
            }
        }
    }
    lines.retain(|l| l != "ok" && !l.starts_with("*** in database"));
    Ok(lines
        .into_iter()
        .map(|line| match damaged_table(conn, &line) {
            Some(table) => format!("{table}: {line}"),
            None => line,
        })
        .collect())
}

/// The table (or index) a quick_check finding is about: "Tree N page M …" names a b-tree
/// by its root page, "Page N: …" a page, which `dbstat` places in its b-tree.
fn damaged_table(conn: &Connection, line: &str) -> Option<String> {
    let number = |rest: &str| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<i64>().ok();
    let by = |sql: &str, n: i64| conn.query_row(sql, [n], |r| r.get::<_, String>(0)).ok();
    if let Some(rest) = line.strip_prefix("Tree ") {
        return by("SELECT name FROM main.sqlite_schema WHERE rootpage = ?1", number(rest)?);
    }
    let rest = line.strip_prefix("Page ").or_else(|| line.split_once(" page ").map(|(_, r)| r))?;
    by("SELECT name FROM dbstat WHERE pageno = ?1 LIMIT 1", number(rest)?)
}
