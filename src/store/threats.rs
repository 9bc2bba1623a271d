//! The threat register in the project file: storing an analysis while keeping what
//! people decided, manual threats, ranking overrides, status changes.

use super::audit::Action;
use crate::lifecycle::reconcile::{Reconciled, reconcile};
use crate::model::{RankingOverride, Threat};
use crate::rank::Override;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) fn decode_err(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
}

pub(crate) fn json<T: serde::Serialize>(t: &T) -> rusqlite::Result<String> {
    serde_json::to_string(t).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub fn overrides(conn: &Connection) -> rusqlite::Result<HashMap<Uuid, Override>> {
    let mut stmt = conn.prepare("SELECT threat_id, likelihood, impact, reason, by FROM threat_overrides")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Override {
                likelihood: r.get::<_, Option<u8>>(1)?,
                impact: r.get::<_, Option<u8>>(2)?,
                reason: r.get(3)?,
                by: r.get(4)?,
            },
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, o) = row?;
        if let Ok(id) = Uuid::parse_str(&id) {
            out.insert(id, o);
        }
    }
    Ok(out)
}

/// The stored override of each threat, as model-as-code records it.
pub fn override_records(conn: &Connection) -> rusqlite::Result<HashMap<Uuid, RankingOverride>> {
    let mut stmt = conn.prepare("SELECT threat_id, likelihood, impact, reason, by, at FROM threat_overrides")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            RankingOverride {
                likelihood: r.get::<_, Option<u8>>(1)?,
                impact: r.get::<_, Option<u8>>(2)?,
                reason: r.get(3)?,
                by: r.get(4)?,
                at: r.get(5)?,
            },
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, o) = row?;
        if let Ok(id) = Uuid::parse_str(&id) {
            out.insert(id, o);
        }
    }
    Ok(out)
}

pub(crate) fn counter(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<u64> {
    let n: String = tx.prepare_cached("SELECT value FROM meta WHERE name = ?1")?.query_row([name], |r| r.get(0))?;
    n.parse().map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub(crate) fn set_counter(tx: &Transaction<'_>, name: &str, value: u64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE meta SET value = ?2 WHERE name = ?1")?.execute(params![name, value.to_string()])?;
    Ok(())
}

/// Inserts or replaces a threat's row.
pub(crate) fn put(tx: &Transaction<'_>, t: &Threat, now: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO threats (id, ref, rule_id, target_kind, target_key, target_id, status, severity,
                              likelihood, impact, first_seen, last_seen, obsolete_since, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity,
             likelihood = excluded.likelihood, impact = excluded.impact, target_key = excluded.target_key,
             last_seen = CASE WHEN excluded.status = 'obsolete' THEN threats.last_seen ELSE excluded.last_seen END,
             obsolete_since = excluded.obsolete_since, doc = excluded.doc",
    )?
    .execute(params![
        t.id.to_string(),
        t.reference,
        t.rule,
        t.target.kind.as_str(),
        t.target.key.as_str(),
        t.target.id.to_string(),
        t.status.as_str(),
        t.severity.as_str(),
        t.likelihood,
        t.impact,
        now,
        t.obsolete_since,
        json(t)?
    ])?;
    Ok(())
}

/// Stores a fresh analysis (`found`, references unset), reconciled with the register
/// (`lifecycle::reconcile`), and logs what changed. `stored` is the register as the file
/// holds it (see [`load`]); only the rows whose threat changed are written.
pub fn record(
    act: &Action<'_>,
    stored: &[Threat],
    found: Vec<Threat>,
    rules_version: &str,
) -> rusqlite::Result<Reconciled> {
    let tx = act.tx;
    let before: HashMap<Uuid, &Threat> = stored.iter().map(|t| (t.id, t)).collect();
    let next = counter(tx, "next_threat_ref")?;
    let r = reconcile(stored, found, next, &act.at);
    for t in &r.register {
        // A threat equal to the one stored has the same document: left alone.
        if before.get(&t.id) != Some(&t) {
            put(tx, t, &act.at)?;
        }
    }
    set_counter(tx, "next_threat_ref", r.next_ref)?;
    tx.prepare_cached(
        "INSERT INTO analysis_runs (at, rules_version, threats, new, obsoleted) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        act.at,
        rules_version,
        r.register.len() as i64,
        r.new.len() as i64,
        r.obsoleted.len() as i64
    ])?;
    act.log(
        "analysis.run",
        "register",
        "threats",
        None,
        Some(&serde_json::json!({
            "rules": rules_version,
            "threats": r.register.len(),
            "new": r.new,
            "obsoleted": r.obsoleted,
            "revived": r.revived,
        })),
    )?;
    Ok(r)
}

/// The register as stored (no analysis), in reference order.
pub fn load(conn: &Connection) -> rusqlite::Result<Vec<Threat>> {
    let mut stmt = conn.prepare("SELECT doc FROM threats ORDER BY length(ref), ref")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?).map_err(decode_err)?);
    }
    Ok(out)
}

/// Where each threat stands (what `check` reads), in no particular order. SQLite picks
/// the few fields out of each document, so a large register is not decoded whole.
pub fn standings(conn: &Connection) -> rusqlite::Result<Vec<crate::lifecycle::check::Standing>> {
    use crate::lifecycle::check::Standing;
    let mut stmt = conn.prepare(
        "SELECT ref, json_extract(doc, '$.title'), severity, status, json_extract(doc, '$.response') FROM threats",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    fn word<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(decode_err)
    }
    while let Some(row) = rows.next()? {
        let response: Option<String> = row.get(4)?;
        out.push(Standing {
            reference: row.get(0)?,
            title: row.get(1)?,
            severity: word(row.get_ref(2)?.as_str()?)?,
            status: word(row.get_ref(3)?.as_str()?)?,
            response: response.map(|r| serde_json::from_str(&r).map_err(decode_err)).transpose()?.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The rule library version of the latest analysis, if any.
pub fn rules_version(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT rules_version FROM analysis_runs ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

/// One threat by reference.
pub fn get(conn: &Connection, reference: &str) -> rusqlite::Result<Option<Threat>> {
    let doc: Option<String> = conn
        .prepare_cached("SELECT doc FROM threats WHERE ref = ?1")?
        .query_row([reference], |r| r.get(0))
        .optional()?;
    doc.map(|d| serde_json::from_str(&d).map_err(decode_err)).transpose()
}

/// Adds a threat entered by hand; returns its reference.
pub fn add_manual(act: &Action<'_>, mut t: Threat) -> rusqlite::Result<String> {
    let n = counter(act.tx, "next_threat_ref")?;
    set_counter(act.tx, "next_threat_ref", n + 1)?;
    t.reference = crate::rules::identity::reference(n);
    t.rule = None;
    put(act.tx, &t, &act.at)?;
    act.log("threat.add", "threat", &t.reference, None, Some(&serde_json::to_value(&t).unwrap_or_default()))?;
    Ok(t.reference)
}

/// Records a ranking override (replacing an earlier one).
pub fn set_override(act: &Action<'_>, t: &Threat, o: &Override) -> rusqlite::Result<()> {
    let before = override_records(act.tx)?.remove(&t.id);
    act.tx.prepare_cached("INSERT INTO threat_overrides (threat_id, likelihood, impact, reason, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (threat_id) DO UPDATE SET likelihood = excluded.likelihood, impact = excluded.impact,
             reason = excluded.reason, by = excluded.by, at = excluded.at")?.execute(params![t.id.to_string(), o.likelihood, o.impact, o.reason, o.by, act.at],
    )?;
    let after = RankingOverride {
        likelihood: o.likelihood,
        impact: o.impact,
        reason: o.reason.clone(),
        by: o.by.clone(),
        at: Some(act.at.clone()),
    };
    act.log(
        "threat.override",
        "threat",
        &t.reference,
        before.as_ref().map(|b| serde_json::to_value(b).unwrap_or_default()).as_ref(),
        Some(&serde_json::to_value(&after).unwrap_or_default()),
    )
}
