//! The state under the audit chain: every row that the gate, the reports and the editor
//! read is sealed by the audit entry that last wrote it.
//!
//! How: each connection that writes installs temporary triggers (they live in the
//! connection, never in the file) that note every row of a sealed table an action
//! inserts, changes or removes. When the action ends, [`pending`] reads each noted row
//! back and makes its seal — the row's content hash, or "removed" — and the action's last
//! audit entry records the digest of its seals ([`digest`]) in its hashed `state` field.
//! [`verify`] checks the seals against their entries and every row against its latest
//! seal: a row changed, added or removed by anything but Threatwright (the sqlite3
//! shell, another program) is found and named, down to the field, because a row's
//! content a row was last sealed with is kept (`sealed_content`).
//!
//! A row's hash is two-level — SHA-256 over each column's name and the SHA-256 of its
//! typed value — so that the kept content may show a long value by its hash alone and
//! still prove itself against the seal. Verifying hashes each row once and builds no
//! content unless the row differs (BENCHMARKS.md).

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// A sealed table: its primary key's columns, how people name its rows (an SQL
/// expression over the row as `t`), and what one row is, in words.
pub(crate) struct Sealed {
    pub table: &'static str,
    pub key: &'static [&'static str],
    label: &'static str,
    pub what: &'static str,
}

/// Every table whose rows decisions, reports or the editor read. (`audit_log` is the chain
/// itself and `seals` its seals; the chain's head in `meta` is checked by the chain.)
pub(crate) const SEALED: &[Sealed] = &[
    Sealed { table: "meta", key: &["name"], label: "t.name", what: "setting" },
    Sealed { table: "system", key: &["id"], label: "'system'", what: "system" },
    Sealed { table: "boundaries", key: &["id"], label: "t.key", what: "boundary" },
    Sealed { table: "elements", key: &["id"], label: "t.key", what: "element" },
    Sealed {
        table: "boundary_members",
        key: &["boundary_id", "element_id"],
        label: "coalesce((SELECT key FROM boundaries WHERE id = t.boundary_id), t.boundary_id) || ' ∋ ' || \
                coalesce((SELECT key FROM elements WHERE id = t.element_id), t.element_id)",
        what: "boundary member",
    },
    Sealed { table: "data_assets", key: &["id"], label: "t.key", what: "data asset" },
    Sealed {
        table: "store_assets",
        key: &["element_id", "asset_id"],
        label: "coalesce((SELECT key FROM elements WHERE id = t.element_id), t.element_id) || ' stores ' || \
                coalesce((SELECT key FROM data_assets WHERE id = t.asset_id), t.asset_id)",
        what: "stored asset",
    },
    Sealed { table: "flows", key: &["id"], label: "t.key", what: "flow" },
    Sealed {
        table: "flow_assets",
        key: &["flow_id", "asset_id"],
        label: "coalesce((SELECT key FROM flows WHERE id = t.flow_id), t.flow_id) || ' carries ' || \
                coalesce((SELECT key FROM data_assets WHERE id = t.asset_id), t.asset_id)",
        what: "carried asset",
    },
    Sealed { table: "apis", key: &["id"], label: "t.key", what: "API" },
    Sealed {
        table: "api_consumers",
        key: &["api_id", "element_id"],
        label: "coalesce((SELECT key FROM apis WHERE id = t.api_id), t.api_id) || ' consumed by ' || \
                coalesce((SELECT key FROM elements WHERE id = t.element_id), t.element_id)",
        what: "API consumer",
    },
    Sealed { table: "threats", key: &["id"], label: "t.ref", what: "threat" },
    Sealed {
        table: "threat_overrides",
        key: &["threat_id"],
        label: "coalesce((SELECT ref FROM threats WHERE id = t.threat_id), t.threat_id)",
        what: "ranking override",
    },
    Sealed { table: "analysis_runs", key: &["id"], label: "'run ' || t.id", what: "analysis run" },
    Sealed { table: "mitigations", key: &["id"], label: "t.ref", what: "mitigation" },
    Sealed {
        table: "threat_mitigations",
        key: &["threat_id", "mitigation_id"],
        label: "coalesce((SELECT ref FROM mitigations WHERE id = t.mitigation_id), t.mitigation_id) || ' covers ' || \
                coalesce((SELECT ref FROM threats WHERE id = t.threat_id), t.threat_id)",
        what: "mitigation link",
    },
    Sealed { table: "baselines", key: &["id"], label: "'baseline ' || t.id", what: "baseline" },
    Sealed {
        table: "reviews",
        key: &["id"],
        label: "CASE WHEN t.scope = 'model' THEN 'baseline ' || t.baseline_id \
                ELSE coalesce((SELECT ref FROM threats WHERE id = t.threat_id), t.threat_id) END || ' by ' || t.reviewer",
        what: "sign-off",
    },
];

/// Text values longer than this are kept in a seal's content by their hash only (a
/// baseline's snapshot would otherwise be stored twice).
const KEPT_TEXT: usize = 4096;

fn spec(table: &str) -> Option<&'static Sealed> {
    SEALED.iter().find(|s| s.table == table)
}

/// Installs the connection's temporary triggers that note what an action writes.
/// They are not part of the file: another program's connection has none.
pub(crate) fn install(conn: &Connection) -> rusqlite::Result<()> {
    let mut sql = String::from(
        // No key: a trigger's conflict clause would give way to the writing statement's
        // own (an upsert's), so repeats are kept and read once (`pending`).
        "CREATE TEMP TABLE IF NOT EXISTS touched (tbl TEXT NOT NULL, k1 ANY NOT NULL, k2 ANY NOT NULL);\n",
    );
    for s in SEALED {
        let keys = |row: &str| {
            let k2 = s.key.get(1).map_or_else(|| "''".to_owned(), |k| format!("{row}.{k}"));
            format!("INSERT INTO temp.touched VALUES ('{}', {row}.{}, {k2});", s.table, s.key[0])
        };
        // The chain's own head is not state: the chain checks it.
        let when = |row: &str| {
            if s.table == "meta" { format!("WHEN {row}.name <> 'audit_head'") } else { String::new() }
        };
        let t = s.table;
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS tw_seal_{t}_i AFTER INSERT ON main.{t} {} BEGIN {} END;\n\
             CREATE TEMP TRIGGER IF NOT EXISTS tw_seal_{t}_u AFTER UPDATE ON main.{t} {} BEGIN {} {} END;\n\
             CREATE TEMP TRIGGER IF NOT EXISTS tw_seal_{t}_d AFTER DELETE ON main.{t} {} BEGIN {} END;\n",
            when("NEW"),
            keys("NEW"),
            when("NEW"),
            keys("OLD"),
            keys("NEW"),
            when("OLD"),
            keys("OLD"),
        ));
    }
    conn.execute_batch(&sql)
}

/// Notes every row of every sealed table as written (sealing a whole state: a new file,
/// or a file upgraded from before seals).
pub(crate) fn touch_all(conn: &Connection) -> rusqlite::Result<()> {
    for s in SEALED {
        let k2 = s.key.get(1).copied().unwrap_or("''");
        let when = if s.table == "meta" { " WHERE name <> 'audit_head'" } else { "" };
        conn.execute(
            &format!("INSERT INTO temp.touched SELECT '{}', {}, {k2} FROM main.{}{when}", s.table, s.key[0], s.table),
            [],
        )?;
    }
    Ok(())
}

/// Forgets what was noted (an action rolled back).
pub(crate) fn forget(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM temp.touched")?.execute([]).map(|_| ())
}

/// One seal: a row's hash as an action left it (`None`: removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Seal {
    pub table: String,
    pub row: String,
    pub label: String,
    pub hash: Option<String>,
    /// The sealed content ([`encode`]), for naming later changes.
    pub content: Option<Vec<u8>>,
}

/// The digest an entry records of the seals it wrote, in (table, row) order.
pub(crate) fn digest<'a>(seals: impl IntoIterator<Item = (&'a str, &'a str, &'a str, Option<&'a str>)>) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    for (table, row, label, hash) in seals {
        field(table.as_bytes());
        field(row.as_bytes());
        field(label.as_bytes());
        field(hash.unwrap_or("-").as_bytes());
    }
    crate::lifecycle::audit::hex(&h.finalize())
}

/// The seals of what the action in progress wrote (rows whose content is what their
/// latest seal says are left out), in (table, row) order; forgets the notes.
pub(crate) fn pending(conn: &Connection) -> rusqlite::Result<Vec<Seal>> {
    let noted: Vec<(String, Value, Value)> = {
        let mut stmt = conn.prepare_cached("SELECT DISTINCT tbl, k1, k2 FROM temp.touched")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?
    };
    forget(conn)?;
    let mut out = Vec::with_capacity(noted.len());
    for (table, k1, k2) in noted {
        let Some(s) = spec(&table) else { continue };
        let keys: Vec<Value> = if s.key.len() == 2 { vec![k1, k2] } else { vec![k1] };
        let row = key_text(keys.iter().map(ValueRef::from));
        let mut stmt = conn.prepare_cached(&by_key(s, &format!("{}, t.*", s.label)))?;
        let found = stmt
            .query_row(params_from_iter(keys.iter()), |r| {
                let label: Option<String> = r.get(0)?;
                Ok((label, Sealing::of(r, 1)?))
            })
            .optional()?;
        let latest: Option<(Option<String>, String)> = conn
            .prepare_cached("SELECT hash, label FROM seals WHERE tbl = ?1 AND row = ?2 ORDER BY seq DESC LIMIT 1")?
            .query_row(params![table, row], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let seal = match found {
            Some((label, sealing)) => {
                if latest.as_ref().is_some_and(|(h, _)| h.as_deref() == Some(sealing.hash.as_str())) {
                    continue;
                }
                Seal {
                    table,
                    label: label.unwrap_or_else(|| row.clone()),
                    row,
                    hash: Some(sealing.hash),
                    content: Some(compress(&sealing.content)),
                }
            }
            // Removed: sealed as gone, under the name it had (nothing to seal if it never was).
            None => match latest {
                Some((Some(_), label)) => Seal { table, row, label, hash: None, content: None },
                _ => continue,
            },
        };
        out.push(seal);
    }
    out.sort_by(|a, b| (&a.table, &a.row).cmp(&(&b.table, &b.row)));
    Ok(out)
}

/// Writes the seals of entry `seq` (already in the log), and the content each row is
/// sealed with in place of the one it had.
pub(crate) fn write(conn: &Connection, seq: u64, seals: &[Seal]) -> rusqlite::Result<()> {
    let mut insert =
        conn.prepare_cached("INSERT INTO seals (tbl, row, seq, label, hash) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut keep = conn.prepare_cached(
        "INSERT INTO sealed_content (tbl, row, content) VALUES (?1, ?2, ?3)
         ON CONFLICT (tbl, row) DO UPDATE SET content = excluded.content",
    )?;
    let mut forget = conn.prepare_cached("DELETE FROM sealed_content WHERE tbl = ?1 AND row = ?2")?;
    for s in seals {
        insert.execute(params![s.table, s.row, seq as i64, s.label, s.hash])?;
        match &s.content {
            Some(c) => keep.execute(params![s.table, s.row, c])?,
            None => forget.execute(params![s.table, s.row])?,
        };
    }
    Ok(())
}

/// A row's key as seals name it: its key columns' values, space-separated.
fn key_text<'a>(values: impl Iterator<Item = ValueRef<'a>>) -> String {
    let mut out = String::new();
    write_key(&mut out, values);
    out
}

/// [`key_text`] into `out` (cleared first).
fn write_key<'a>(out: &mut String, values: impl Iterator<Item = ValueRef<'a>>) {
    use std::fmt::Write;
    out.clear();
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match v {
            ValueRef::Integer(n) => write!(out, "{n}").unwrap_or(()),
            ValueRef::Real(f) => write!(out, "{f}").unwrap_or(()),
            ValueRef::Text(t) | ValueRef::Blob(t) => out.push_str(&String::from_utf8_lossy(t)),
            ValueRef::Null => {}
        }
    }
}

/// A column value's digest: SHA-256 over a type tag and the value's bytes.
fn value_digest(v: ValueRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    match v {
        ValueRef::Null => h.update(b"n"),
        ValueRef::Integer(i) => {
            h.update(b"i");
            h.update(i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            h.update(b"r");
            h.update(f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => {
            h.update(b"t");
            h.update(t);
        }
        ValueRef::Blob(b) => {
            h.update(b"b");
            h.update(b);
        }
    }
    h.finalize().into()
}

/// A row's hash from its columns' names and value digests.
fn row_hash<'a>(columns: impl IntoIterator<Item = (&'a str, [u8; 32])>) -> [u8; 32] {
    let mut h = Sha256::new();
    for (name, digest) in columns {
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        h.update(digest);
    }
    h.finalize().into()
}

/// A row read for sealing: its hash and the content a seal keeps.
struct Sealing {
    hash: String,
    content: Vec<u8>,
}

impl Sealing {
    /// The row whose columns start at `from` in `r`.
    fn of(r: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<Sealing> {
        let names = r.as_ref().column_names();
        let mut digests = Vec::with_capacity(names.len() - from);
        let mut content = Vec::new();
        for (i, name) in names.iter().enumerate().skip(from) {
            let v = r.get_ref(i)?;
            let d = value_digest(v);
            encode(&mut content, name, v, &d);
            digests.push((*name, d));
        }
        Ok(Sealing { hash: crate::lifecycle::audit::hex(&row_hash(digests)), content })
    }
}

/// The hash of row `r` whose columns are named `names`: what [`Sealing::of`] makes,
/// without the content.
fn hash_of(r: &rusqlite::Row<'_>, names: &[&str]) -> rusqlite::Result<[u8; 32]> {
    let digests = names.iter().enumerate().map(|(i, name)| Ok((*name, value_digest(r.get_ref(i)?))));
    Ok(row_hash(digests.collect::<rusqlite::Result<Vec<_>>>()?))
}

/// A value as sealed content keeps it.
#[derive(Clone, Debug, PartialEq)]
enum Kept {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    /// A long value or a blob, by its digest.
    Digest([u8; 32]),
}

impl Kept {
    fn digest(&self) -> [u8; 32] {
        match self {
            Kept::Null => value_digest(ValueRef::Null),
            Kept::Integer(i) => value_digest(ValueRef::Integer(*i)),
            Kept::Real(f) => value_digest(ValueRef::Real(*f)),
            Kept::Text(t) => value_digest(ValueRef::Text(t.as_bytes())),
            Kept::Digest(d) => *d,
        }
    }

    /// As a person reads it: JSON-like (`"open"`, `3`, `null`).
    fn shown(&self) -> String {
        match self {
            Kept::Null => "null".into(),
            Kept::Integer(i) => i.to_string(),
            Kept::Real(f) => f.to_string(),
            Kept::Text(t) => Json::String(t.clone()).to_string(),
            Kept::Digest(_) => "(a long value)".into(),
        }
    }
}

/// Appends one column to sealed content: its name (length-prefixed), a type tag and the
/// value — long text and blobs by their digest.
fn encode(out: &mut Vec<u8>, name: &str, v: ValueRef<'_>, digest: &[u8; 32]) {
    out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    match v {
        ValueRef::Null => out.push(b'n'),
        ValueRef::Integer(i) => {
            out.push(b'i');
            out.extend_from_slice(&i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            out.push(b'r');
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) if t.len() <= KEPT_TEXT && std::str::from_utf8(t).is_ok() => {
            out.push(b't');
            out.extend_from_slice(&(t.len() as u32).to_be_bytes());
            out.extend_from_slice(t);
        }
        ValueRef::Text(_) | ValueRef::Blob(_) => {
            out.push(b'h');
            out.extend_from_slice(digest);
        }
    }
}

/// Sealed content as it is kept: deflated (JSON documents shrink to a fifth or so).
fn compress(content: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(content, 1)
}

/// The columns of sealed content, in order; `None` when it is not what [`encode`] writes.
fn decode(mut bytes: &[u8]) -> Option<Vec<(String, Kept)>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = rest;
        Some(head)
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let len = u16::from_be_bytes(take(&mut bytes, 2)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(take(&mut bytes, len)?).ok()?.to_owned();
        let kept = match take(&mut bytes, 1)?[0] {
            b'n' => Kept::Null,
            b'i' => Kept::Integer(i64::from_be_bytes(take(&mut bytes, 8)?.try_into().ok()?)),
            b'r' => Kept::Real(f64::from_bits(u64::from_be_bytes(take(&mut bytes, 8)?.try_into().ok()?))),
            b't' => {
                let n = u32::from_be_bytes(take(&mut bytes, 4)?.try_into().ok()?) as usize;
                Kept::Text(std::str::from_utf8(take(&mut bytes, n)?).ok()?.to_owned())
            }
            b'h' => Kept::Digest(take(&mut bytes, 32)?.try_into().ok()?),
            _ => return None,
        };
        out.push((name, kept));
    }
    Some(out)
}

/// What verification found wrong with one row or one entry's seals.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The table (`threats`, `mitigations`, `elements`…).
    pub table: String,
    /// What one of its rows is, in words (`threat`).
    pub what: String,
    /// How people name the row (`TW-0007`, an element's key); for seals, the entry.
    pub row: String,
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// Its content differs from what was sealed; `fields` names what (empty when the
    /// sealed content is no longer kept, or was changed as well).
    Changed { fields: Vec<FieldChange> },
    /// A row no action wrote.
    Added,
    /// A row an action wrote and none removed.
    Removed,
    /// The seals of audit entry `entry` do not match the digest it recorded.
    Seals { entry: u64 },
    /// An approval's SSH signature does not hold (checked outside the store).
    Signature { why: String },
}

/// One field of a changed row: its path (`status`, `doc.response.expires`), the value
/// sealed and the value found (JSON text; `None`: absent).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    pub field: String,
    pub sealed: Option<String>,
    pub found: Option<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Finding { table, what, row, change } = self;
        match change {
            Change::Added => write!(f, "{table}: {what} `{row}` was added outside Threatwright"),
            Change::Removed => write!(f, "{table}: {what} `{row}` was removed outside Threatwright"),
            Change::Signature { why } => write!(f, "{table}: {what} `{row}`: its SSH signature does not hold: {why}"),
            Change::Seals { entry } => {
                write!(
                    f,
                    "seals: the rows sealed by audit entry {entry} were changed (its recorded digest no longer matches)"
                )
            }
            Change::Changed { fields } if fields.is_empty() => {
                write!(f, "{table}: {what} `{row}` was changed outside Threatwright (its sealed copy was changed too)")
            }
            Change::Changed { fields } => {
                write!(f, "{table}: {what} `{row}` was changed outside Threatwright: ")?;
                for (i, c) in fields.iter().enumerate() {
                    let show = |v: &Option<String>| v.as_deref().map_or_else(|| "(absent)".to_owned(), shorten);
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{} sealed {}, now {}", c.field, show(&c.sealed), show(&c.found))?;
                }
                Ok(())
            }
        }
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX { s.to_owned() } else { format!("{}…", s.chars().take(MAX).collect::<String>()) }
}

/// A row's latest seal.
struct Latest {
    label: String,
    /// `None`: sealed as removed.
    hash: Option<String>,
}

/// The latest seal of each row, and what the seals of each entry add up to.
struct Seals {
    /// Table → row → its latest seal.
    latest: HashMap<String, HashMap<String, Latest>>,
    /// Entry → the digest of its seals, in entry order.
    digests: Vec<(u64, [u8; 32])>,
}

/// Reads every seal once, in (table, row, seq) order: a row's last record is its latest
/// seal, and each entry's records come in the (table, row) order its digest was made in.
fn load_seals(conn: &Connection) -> rusqlite::Result<Seals> {
    let mut stmt = conn.prepare("SELECT tbl, row, seq, label, hash FROM seals ORDER BY tbl, row, seq")?;
    let mut rows = stmt.query([])?;
    let mut latest: HashMap<String, HashMap<String, Latest>> = HashMap::new();
    let mut by_entry: HashMap<u64, Sha256> = HashMap::new();
    // The record read last: its row's latest seal until a record of another row comes.
    let mut last: Option<(String, String, Latest)> = None;
    while let Some(r) = rows.next()? {
        let (table, row, seq) = (r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_str()?, r.get::<_, i64>(2)?);
        let (label, hash) = (r.get_ref(3)?.as_str()?, r.get_ref(4)?.as_str_or_null()?);
        // The same encoding as `digest`, fed record by record.
        let h = by_entry.entry(seq as u64).or_default();
        for bytes in [table.as_bytes(), row.as_bytes(), label.as_bytes(), hash.unwrap_or("-").as_bytes()] {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        }
        match &mut last {
            Some((t, k, seal)) if t == table && k == row => {
                seal.label.clear();
                seal.label.push_str(label);
                seal.hash = hash.map(str::to_owned);
            }
            _ => {
                let seal = Latest { label: label.to_owned(), hash: hash.map(str::to_owned) };
                if let Some((t, k, seal)) = last.replace((table.to_owned(), row.to_owned(), seal)) {
                    latest.entry(t).or_default().insert(k, seal);
                }
            }
        }
    }
    if let Some((t, k, seal)) = last {
        latest.entry(t).or_default().insert(k, seal);
    }
    let mut digests: Vec<(u64, [u8; 32])> = by_entry.into_iter().map(|(seq, h)| (seq, h.finalize().into())).collect();
    digests.sort_unstable_by_key(|(seq, _)| *seq);
    Ok(Seals { latest, digests })
}

/// What the seals and the sealed rows say, before they are held against the chain.
pub(crate) struct State {
    /// Each entry's digest of its seals, as the seals are now, in entry order.
    digests: Vec<(u64, [u8; 32])>,
    /// Rows that differ from their latest seal.
    rows: Vec<Finding>,
}

impl State {
    /// Every finding, given each entry's recorded digest (`states`: its `state`): entries
    /// whose seals differ first, then rows.
    pub(crate) fn findings(self, states: &BTreeMap<u64, String>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (seq, d) in &self.digests {
            if !states.get(seq).is_some_and(|s| crate::lifecycle::audit::is_hex_of(s, d)) {
                findings.push(seals_finding(*seq));
            }
        }
        for seq in states.keys().filter(|s| self.digests.binary_search_by_key(s, |(seq, _)| seq).is_err()) {
            findings.push(seals_finding(*seq));
        }
        findings.extend(self.rows);
        findings
    }
}

/// Reads every seal and checks every row of every sealed table against its latest seal
/// (see [`State::findings`] for the seals against the chain).
pub(crate) fn verify(conn: &Connection) -> rusqlite::Result<State> {
    let Seals { mut latest, digests } = load_seals(conn)?;
    let mut findings = Vec::new();
    for s in SEALED {
        let mut sealed = latest.remove(s.table).unwrap_or_default();
        verify_table(conn, s, &mut sealed, &mut findings)?;
        let mut gone: Vec<_> = sealed.into_iter().filter(|(_, seal)| seal.hash.is_some()).collect();
        gone.sort_by(|a, b| a.0.cmp(&b.0));
        findings.extend(gone.into_iter().map(|(_, seal)| Finding {
            table: s.table.into(),
            what: s.what.into(),
            row: seal.label,
            change: Change::Removed,
        }));
    }
    // Seals of tables that are not ours (written by something else).
    let mut other: Vec<_> = latest
        .into_iter()
        .flat_map(|(table, rows)| rows.into_iter().map(move |(row, seal)| (table.clone(), row, seal)))
        .filter(|(_, _, seal)| seal.hash.is_some())
        .collect();
    other.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    findings.extend(other.into_iter().map(|(table, _, seal)| Finding {
        table,
        what: "row".into(),
        row: seal.label,
        change: Change::Removed,
    }));
    Ok(State { digests, rows: findings })
}

/// Checks each row of table `s` against its latest seal, taking it out of `sealed`
/// (what is left there was removed). A row's label is read only for a finding.
fn verify_table(
    conn: &Connection,
    s: &Sealed,
    sealed: &mut HashMap<String, Latest>,
    findings: &mut Vec<Finding>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM main.{} AS t", s.table))?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let key_at: Vec<usize> = s.key.iter().filter_map(|k| names.iter().position(|n| n == k)).collect();
    let mut rows = stmt.query([])?;
    let mut row = String::new();
    while let Some(r) = rows.next()? {
        if s.table == "meta" && r.get_ref(0)?.as_str().ok() == Some("audit_head") {
            continue;
        }
        let keys = key_at.iter().map(|&i| r.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        write_key(&mut row, keys.iter().copied());
        let hash = hash_of(r, &names)?;
        let change = match sealed.remove(row.as_str()) {
            Some(Latest { hash: Some(h), .. }) if crate::lifecycle::audit::is_hex_of(&h, &hash) => continue,
            Some(Latest { hash: Some(h), .. }) => {
                Change::Changed { fields: changed_fields(conn, s.table, &row, &h, &Sealing::of(r, 0)?.content)? }
            }
            Some(Latest { hash: None, .. }) | None => Change::Added,
        };
        let label = label_of(conn, s, &keys)?.unwrap_or_else(|| row.clone());
        findings.push(Finding { table: s.table.into(), what: s.what.into(), row: label, change });
    }
    Ok(())
}

/// How people name the row of table `s` whose key values are `keys`.
fn label_of(conn: &Connection, s: &Sealed, keys: &[ValueRef<'_>]) -> rusqlite::Result<Option<String>> {
    let found = conn
        .prepare_cached(&by_key(s, s.label))?
        .query_row(params_from_iter(keys.iter().map(|v| ToSqlOutput::Borrowed(*v))), |r| r.get::<_, Option<String>>(0))
        .optional()?;
    Ok(found.flatten())
}

/// The query of `columns` from the row of table `s` whose key values are bound as
/// `?1`, `?2`.
fn by_key(s: &Sealed, columns: &str) -> String {
    let cond: Vec<String> = s.key.iter().enumerate().map(|(i, k)| format!("t.{k} = ?{}", i + 1)).collect();
    format!("SELECT {columns} FROM main.{} AS t WHERE {}", s.table, cond.join(" AND "))
}

fn seals_finding(seq: u64) -> Finding {
    Finding {
        table: "seals".into(),
        what: "audit entry".into(),
        row: seq.to_string(),
        change: Change::Seals { entry: seq },
    }
}

/// What differs between a row's sealed content (proved against `hash`, its latest seal)
/// and its `found` content; empty when the sealed content is missing or does not prove
/// itself (it was changed too).
fn changed_fields(
    conn: &Connection,
    table: &str,
    row: &str,
    hash: &str,
    found: &[u8],
) -> rusqlite::Result<Vec<FieldChange>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT content FROM sealed_content WHERE tbl = ?1 AND row = ?2", params![table, row], |r| r.get(0))
        .optional()?;
    let sealed = sealed.and_then(|c| miniz_oxide::inflate::decompress_to_vec_with_limit(&c, 64 << 20).ok());
    let (Some(sealed), Some(found)) = (sealed.as_deref().and_then(decode), decode(found)) else {
        return Ok(Vec::new());
    };
    if !crate::lifecycle::audit::is_hex_of(hash, &row_hash(sealed.iter().map(|(k, v)| (k.as_str(), v.digest())))) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (column, before) in &sealed {
        let after = found.iter().find(|(k, _)| k == column).map_or(Kept::Null, |(_, v)| v.clone());
        if before.digest() != after.digest() {
            diff_value(column, before, &after, &mut out);
        }
    }
    Ok(out)
}

/// The fields that differ between two column values; JSON documents are compared down
/// to their leaves (`doc.response.expires`).
fn diff_value(path: &str, before: &Kept, after: &Kept, out: &mut Vec<FieldChange>) {
    let as_doc = |v: &Kept| match v {
        Kept::Text(s) if s.starts_with('{') => serde_json::from_str::<Json>(s).ok(),
        _ => None,
    };
    match (as_doc(before), as_doc(after)) {
        (Some(b), Some(a)) => diff_json(path, Some(&b), Some(&a), out),
        _ => out.push(FieldChange { field: path.to_owned(), sealed: Some(before.shown()), found: Some(after.shown()) }),
    }
}

fn diff_json(path: &str, before: Option<&Json>, after: Option<&Json>, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Some(Json::Object(b)), Some(Json::Object(a))) => {
            for (k, v) in b {
                diff_json(&format!("{path}.{k}"), Some(v), a.get(k), out);
            }
            for (k, v) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
                diff_json(&format!("{path}.{k}"), None, Some(v), out);
            }
        }
        (b, a) if b != a => out.push(FieldChange { field: path.to_owned(), sealed: shown(b), found: shown(a) }),
        _ => {}
    }
}

fn shown(v: Option<&Json>) -> Option<String> {
    v.map(Json::to_string)
}
