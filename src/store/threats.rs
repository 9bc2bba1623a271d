//! The threat register in the project file: storing an analysis while keeping what
//! people decided, manual threats, ranking overrides.

use crate::model::{RiskLevel, Threat, ThreatStatus};
use crate::rank::Override;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;
use uuid::Uuid;

/// What the register held for a threat before this analysis.
struct Stored {
    reference: String,
    status: ThreatStatus,
    rule: bool,
}

fn parse_status(s: &str) -> ThreatStatus {
    match s {
        "obsolete" => ThreatStatus::Obsolete,
        _ => ThreatStatus::Open,
    }
}

fn json(t: &Threat) -> rusqlite::Result<String> {
    serde_json::to_string(t).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub fn overrides(tx: &rusqlite::Connection) -> rusqlite::Result<HashMap<Uuid, Override>> {
    let mut stmt = tx.prepare("SELECT threat_id, likelihood, impact, reason, by FROM threat_overrides")?;
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

fn next_ref(tx: &Transaction<'_>) -> rusqlite::Result<u64> {
    let n: String = tx.query_row("SELECT value FROM meta WHERE name = 'next_threat_ref'", [], |r| r.get(0))?;
    let n: u64 = n.parse().map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute("UPDATE meta SET value = ?1 WHERE name = 'next_threat_ref'", [(n + 1).to_string()])?;
    Ok(n)
}

/// Stores `found` (the analysis's threats, references unset) and returns the whole
/// register: found threats with their stored references and statuses, threats of rules
/// that no longer fire marked obsolete, and manual threats.
pub fn record(
    tx: &Transaction<'_>,
    found: Vec<Threat>,
    rules_version: &str,
    now: &str,
) -> rusqlite::Result<Vec<Threat>> {
    let mut stored: HashMap<Uuid, Stored> = HashMap::new();
    {
        let mut stmt = tx.prepare("SELECT id, ref, status, rule_id IS NOT NULL FROM threats")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
        })?;
        for row in rows {
            let (id, reference, status, rule) = row?;
            if let Ok(id) = Uuid::parse_str(&id) {
                stored.insert(id, Stored { reference, status: parse_status(&status), rule });
            }
        }
    }
    let mut seen: HashMap<Uuid, ()> = HashMap::with_capacity(found.len());
    let mut register = Vec::with_capacity(found.len());
    let mut new = 0i64;
    {
        let mut update = tx.prepare(
            "UPDATE threats SET status = ?2, severity = ?3, likelihood = ?4, impact = ?5, last_seen = ?6,
                    obsolete_since = NULL, target_key = ?7, doc = ?8 WHERE id = ?1",
        )?;
        let mut insert = tx.prepare(
            "INSERT INTO threats (id, ref, rule_id, target_kind, target_key, target_id, status, severity,
                                  likelihood, impact, first_seen, last_seen, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
        )?;
        // Threats get their references in the analysis's (rule, target) order.
        let mut found = found;
        found.sort_by(|a, b| a.rule.cmp(&b.rule).then(a.target.key.cmp(&b.target.key)));
        for mut t in found {
            seen.insert(t.id, ());
            match stored.get(&t.id) {
                Some(s) => {
                    t.reference = s.reference.clone();
                    // A threat whose rule fires again is open again.
                    t.status = if s.status == ThreatStatus::Obsolete { ThreatStatus::Open } else { s.status };
                    update.execute(params![
                        t.id.to_string(),
                        t.status.as_str(),
                        t.severity.as_str(),
                        t.likelihood,
                        t.impact,
                        now,
                        t.target.key.as_str(),
                        json(&t)?
                    ])?;
                }
                None => {
                    t.reference = crate::rules::identity::reference(next_ref(tx)?);
                    t.status = ThreatStatus::Open;
                    new += 1;
                    insert.execute(params![
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
                        json(&t)?
                    ])?;
                }
            }
            register.push(t);
        }
    }
    // Rule threats not found again become obsolete; manual threats stay as they are.
    let mut obsoleted = 0i64;
    {
        let mut read = tx.prepare("SELECT doc, obsolete_since FROM threats WHERE id = ?1")?;
        let mut mark =
            tx.prepare("UPDATE threats SET status = 'obsolete', obsolete_since = ?2, doc = ?3 WHERE id = ?1")?;
        let mut ids: Vec<(&Uuid, &Stored)> = stored.iter().filter(|(id, _)| !seen.contains_key(id)).collect();
        ids.sort_by(|a, b| a.1.reference.cmp(&b.1.reference));
        for (id, s) in ids {
            let (doc, _since): (String, Option<String>) =
                read.query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let mut t: Threat = serde_json::from_str(&doc)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
            if s.rule && s.status != ThreatStatus::Obsolete {
                t.status = ThreatStatus::Obsolete;
                mark.execute(params![id.to_string(), now, json(&t)?])?;
                obsoleted += 1;
            }
            register.push(t);
        }
    }
    tx.execute(
        "INSERT INTO analysis_runs (at, rules_version, threats, new, obsoleted) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now, rules_version, register.len() as i64, new, obsoleted],
    )?;
    Ok(register)
}

/// The register as stored (no analysis).
pub fn load(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Threat>> {
    let mut stmt = conn.prepare("SELECT doc FROM threats ORDER BY ref")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let doc = row?;
        out.push(
            serde_json::from_str(&doc)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?,
        );
    }
    Ok(out)
}

/// Adds a threat entered by hand; returns its reference.
pub fn add_manual(tx: &Transaction<'_>, mut t: Threat, now: &str) -> rusqlite::Result<String> {
    t.reference = crate::rules::identity::reference(next_ref(tx)?);
    t.rule = None;
    tx.execute(
        "INSERT INTO threats (id, ref, rule_id, target_kind, target_key, target_id, status, severity,
                              likelihood, impact, first_seen, last_seen, doc)
         VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
        params![
            t.id.to_string(),
            t.reference,
            t.target.kind.as_str(),
            t.target.key.as_str(),
            t.target.id.to_string(),
            t.status.as_str(),
            t.severity.as_str(),
            t.likelihood,
            t.impact,
            now,
            json(&t)?
        ],
    )?;
    Ok(t.reference)
}

/// The id of the threat with this reference.
pub fn id_of(conn: &rusqlite::Connection, reference: &str) -> rusqlite::Result<Option<Uuid>> {
    let id: Option<String> =
        conn.query_row("SELECT id FROM threats WHERE ref = ?1", [reference], |r| r.get(0)).optional()?;
    Ok(id.and_then(|s| Uuid::parse_str(&s).ok()))
}

/// Records a ranking override (replacing an earlier one).
pub fn set_override(tx: &Transaction<'_>, id: Uuid, o: &Override, now: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO threat_overrides (threat_id, likelihood, impact, reason, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (threat_id) DO UPDATE SET likelihood = excluded.likelihood, impact = excluded.impact,
             reason = excluded.reason, by = excluded.by, at = excluded.at",
        params![id.to_string(), o.likelihood, o.impact, o.reason, o.by, now],
    )?;
    Ok(())
}

/// For a manual threat: updates its ranking in place (manual threats are not re-analysed).
pub fn rerank_manual(
    tx: &Transaction<'_>,
    id: Uuid,
    likelihood: u8,
    impact: u8,
    severity: RiskLevel,
) -> rusqlite::Result<()> {
    let doc: String = tx.query_row("SELECT doc FROM threats WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
    let mut t: Threat = serde_json::from_str(&doc)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    t.likelihood = likelihood;
    t.impact = impact;
    t.severity = severity;
    tx.execute(
        "UPDATE threats SET likelihood = ?2, impact = ?3, severity = ?4, doc = ?5 WHERE id = ?1",
        params![id.to_string(), likelihood, impact, severity.as_str(), json(&t)?],
    )?;
    Ok(())
}
