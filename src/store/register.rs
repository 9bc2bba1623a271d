//! Decisions in the project file: threat statuses, mitigations and their links to
//! threats, reviews and baselines; the register as model-as-code records.

use super::audit::Action;
use super::threats::{self, counter, decode_err, json, put, set_counter};
use crate::lifecycle::{self, Request};
use crate::model::{
    Mitigation, MitigationStatus, Model, Response, Review, ReviewScope, Threat, ThreatRecord, ThreatStatus,
    reference_order,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Why a register operation was refused (beyond SQL).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no threat {0} in the register")]
    NoThreat(String),
    #[error("no mitigation {0}")]
    NoMitigation(String),
    #[error(transparent)]
    Lifecycle(#[from] lifecycle::LifecycleError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} has no suggested mitigation")]
    NoSuggestion(String),
    #[error("{threat} suggests {}; pick one", .templates.join(", "))]
    SeveralSuggestions { threat: String, templates: Vec<String> },
}

/// A register operation's outcome: SQL failures and refusals kept apart.
pub enum Failed {
    Sql(rusqlite::Error),
    Refused(Refusal),
}

impl From<rusqlite::Error> for Failed {
    fn from(e: rusqlite::Error) -> Failed {
        Failed::Sql(e)
    }
}

impl From<Refusal> for Failed {
    fn from(e: Refusal) -> Failed {
        Failed::Refused(e)
    }
}

impl From<lifecycle::LifecycleError> for Failed {
    fn from(e: lifecycle::LifecycleError) -> Failed {
        Failed::Refused(Refusal::Lifecycle(e))
    }
}

type R<T> = Result<T, Failed>;

/// Every mitigation, with the references of the threats it covers.
pub fn mitigations(conn: &Connection) -> rusqlite::Result<Vec<Mitigation>> {
    mitigations_where(conn, "1", [])
}

/// The mitigations that cover threat `reference`, each with all the threats it covers.
pub(crate) fn mitigations_of(conn: &Connection, reference: &str) -> rusqlite::Result<Vec<Mitigation>> {
    mitigations_where(
        conn,
        "m.id IN (SELECT tm.mitigation_id FROM threat_mitigations tm JOIN threats t ON t.id = tm.threat_id
                  WHERE t.ref = ?1)",
        [reference],
    )
}

/// The mitigations (`m`) for which `condition` holds, in reference order.
fn mitigations_where<P: rusqlite::Params + Clone>(
    conn: &Connection,
    condition: &str,
    params: P,
) -> rusqlite::Result<Vec<Mitigation>> {
    let mut links: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT tm.mitigation_id, t.ref FROM threat_mitigations tm JOIN threats t ON t.id = tm.threat_id
         WHERE tm.mitigation_id IN (SELECT m.id FROM mitigations m WHERE {condition})"
    ))?;
    for row in stmt.query_map(params.clone(), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (m, t) = row?;
        links.entry(m).or_default().push(t);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT m.id, m.doc FROM mitigations m WHERE {condition} ORDER BY length(m.ref), m.ref"
    ))?;
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, doc) = row?;
        let mut m: Mitigation = serde_json::from_str(&doc).map_err(decode_err)?;
        m.threats = links.remove(&id).unwrap_or_default();
        m.threats.sort_by(|a, b| reference_order(a, b));
        out.push(m);
    }
    Ok(out)
}

pub(crate) fn mitigation(conn: &Connection, reference: &str) -> R<Mitigation> {
    mitigations(conn)?
        .into_iter()
        .find(|m| m.reference == reference)
        .ok_or_else(|| Refusal::NoMitigation(reference.into()).into())
}

fn threat(conn: &Connection, reference: &str) -> R<Threat> {
    threats::get(conn, reference)?.ok_or_else(|| Refusal::NoThreat(reference.into()).into())
}

fn put_mitigation(conn: &Connection, m: &Mitigation) -> rusqlite::Result<()> {
    let mut doc = m.clone();
    doc.threats.clear(); // links live in threat_mitigations
    conn.prepare_cached(
        "INSERT INTO mitigations (id, ref, status, doc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc",
    )?
    .execute(params![m.id.to_string(), m.reference, m.status.as_str(), json(&doc)?])?;
    Ok(())
}

fn check_date(field: &str, v: &Option<String>) -> Result<Option<String>, Refusal> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => lifecycle::parse_date(s)
            .map(|d| Some(d.to_string()))
            .ok_or_else(|| Refusal::Invalid(format!("{field} `{s}` is not a date; write it as YYYY-MM-DD"))),
    }
}

/// Changes a threat's status and decision (`lifecycle::status` decides what is allowed).
pub fn set_status(act: &Action<'_>, reference: &str, req: &Request, today: lifecycle::Date) -> R<Threat> {
    let t = threat(act.tx, reference)?;
    let linked = mitigations_of(act.tx, reference)?;
    let linked: Vec<&Mitigation> = linked.iter().collect();
    let (status, response) = lifecycle::status::apply(&t, req, &linked, today, act.who, &act.at)?;
    let mut after = t.clone();
    after.status = status;
    after.response = response;
    put(act.tx, &after, &act.at)?;
    act.log(
        "threat.status",
        "threat",
        reference,
        Some(&json!({"status": t.status, "response": t.response})),
        Some(&json!({"status": after.status, "response": after.response})),
    )?;
    Ok(after)
}

/// What a mitigation command sets; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct MitigationFields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<MitigationStatus>,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub due: Option<String>,
}

/// Creates a mitigation; returns its reference.
pub fn add_mitigation(act: &Action<'_>, f: &MitigationFields, template: Option<String>) -> R<Mitigation> {
    let title = lifecycle::status::mitigation_title(f.title.as_deref().unwrap_or(""))?;
    let n = counter(act.tx, "next_mitigation_ref")?;
    set_counter(act.tx, "next_mitigation_ref", n + 1)?;
    let m = Mitigation {
        reference: format!("M-{n:04}"),
        id: Uuid::new_v4(),
        title: title.to_owned(),
        description: f.description.clone().unwrap_or_default(),
        status: f.status.unwrap_or(MitigationStatus::Proposed),
        owner: f.owner.clone().filter(|s| !s.trim().is_empty()),
        ticket: f.ticket.clone().filter(|s| !s.trim().is_empty()),
        due: check_date("due", &f.due)?,
        template,
        threats: Vec::new(),
    };
    put_mitigation(act.tx, &m)?;
    act.log("mitigation.add", "mitigation", &m.reference, None, Some(&serde_json::to_value(&m).unwrap_or_default()))?;
    Ok(m)
}

/// Changes a mitigation's fields.
pub fn update_mitigation(act: &Action<'_>, reference: &str, f: &MitigationFields) -> R<Mitigation> {
    let before = mitigation(act.tx, reference)?;
    let mut m = before.clone();
    if let Some(t) = f.title.as_deref() {
        m.title = lifecycle::status::mitigation_title(t)?.to_owned();
    }
    if let Some(d) = &f.description {
        m.description = d.clone();
    }
    if let Some(s) = f.status {
        m.status = s;
    }
    let blank_is_none = |v: &String| Some(v.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(o) = &f.owner {
        m.owner = blank_is_none(o);
    }
    if let Some(t) = &f.ticket {
        m.ticket = blank_is_none(t);
    }
    if f.due.is_some() {
        m.due = check_date("due", &f.due)?;
    }
    put_mitigation(act.tx, &m)?;
    act.log(
        "mitigation.update",
        "mitigation",
        reference,
        Some(&serde_json::to_value(&before).unwrap_or_default()),
        Some(&serde_json::to_value(&m).unwrap_or_default()),
    )?;
    Ok(m)
}

/// Links a mitigation to a threat (it may cover many).
pub fn link(act: &Action<'_>, mitigation_ref: &str, threat_ref: &str) -> R<()> {
    let m = mitigation(act.tx, mitigation_ref)?;
    let t = threat(act.tx, threat_ref)?;
    let added = act
        .tx
        .prepare_cached("INSERT OR IGNORE INTO threat_mitigations (threat_id, mitigation_id) VALUES (?1, ?2)")?
        .execute(params![t.id.to_string(), m.id.to_string()])?;
    if added > 0 {
        act.log("mitigation.link", "mitigation", mitigation_ref, None, Some(&json!({"threat": threat_ref})))?;
    } else {
        act.log(
            "mitigation.link",
            "mitigation",
            mitigation_ref,
            None,
            Some(&json!({"threat": threat_ref, "already": true})),
        )?;
    }
    Ok(())
}

/// Removes a link. A threat whose status relies on it must be changed first.
pub fn unlink(act: &Action<'_>, mitigation_ref: &str, threat_ref: &str) -> R<()> {
    let m = mitigation(act.tx, mitigation_ref)?;
    let t = threat(act.tx, threat_ref)?;
    let removed = act
        .tx
        .prepare_cached("DELETE FROM threat_mitigations WHERE threat_id = ?1 AND mitigation_id = ?2")?
        .execute(params![t.id.to_string(), m.id.to_string()])?;
    if removed == 0 {
        return Err(Refusal::Invalid(format!("{mitigation_ref} is not linked to {threat_ref}")).into());
    }
    // The threat's status must still hold without this mitigation.
    let rest = mitigations_of(act.tx, threat_ref)?;
    let rest: Vec<&Mitigation> = rest.iter().collect();
    if let Err(e) = lifecycle::status::requirements(t.status, &t.response, &rest, None) {
        return Err(Refusal::Invalid(format!(
            "{threat_ref} is {} and would no longer qualify ({e}); change its status first",
            t.status.as_str()
        ))
        .into());
    }
    act.log("mitigation.unlink", "mitigation", mitigation_ref, Some(&json!({"threat": threat_ref})), None)?;
    Ok(())
}

/// Adopts a rule's suggested mitigation for a threat in one step: reuses the mitigation
/// already adopted from the same template (one control covers many threats), else
/// creates it from the template's text; then links it.
pub fn adopt(act: &Action<'_>, threat_ref: &str, template: Option<&str>) -> R<Mitigation> {
    let t = threat(act.tx, threat_ref)?;
    let suggestion = match template {
        Some(id) => t.mitigations.iter().find(|m| m.id == id),
        None => t.mitigations.first(),
    };
    let Some(s) = suggestion else {
        let templates: Vec<String> = t.mitigations.iter().map(|m| m.id.clone()).collect();
        return Err(if templates.is_empty() {
            Refusal::NoSuggestion(threat_ref.to_owned())
        } else {
            Refusal::SeveralSuggestions { threat: threat_ref.to_owned(), templates }
        }
        .into());
    };
    let existing = mitigations(act.tx)?.into_iter().find(|m| m.template.as_deref() == Some(s.id.as_str()));
    let m = match existing {
        Some(m) => m,
        None => add_mitigation(
            act,
            &MitigationFields {
                title: Some(s.title.clone()),
                description: Some(s.description.clone()),
                ..Default::default()
            },
            Some(s.id.clone()),
        )?,
    };
    link(act, &m.reference, threat_ref)?;
    mitigation(act.tx, &m.reference)
}

/// Every review, oldest first.
pub fn reviews(conn: &Connection) -> rusqlite::Result<Vec<Review>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.scope, t.ref, r.baseline_id, r.reviewer, r.at, r.note, r.fingerprint
         FROM reviews r LEFT JOIN threats t ON t.id = r.threat_id ORDER BY r.at, r.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let scope: String = r.get(1)?;
        Ok(Review {
            id: Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
            scope: if scope == "model" { ReviewScope::Model } else { ReviewScope::Threat },
            threat: r.get(2)?,
            baseline: r.get::<_, Option<i64>>(3)?.map(|b| b as u64),
            reviewer: r.get(4)?,
            at: r.get(5)?,
            note: r.get(6)?,
            fingerprint: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// Signs off one threat's response.
pub fn sign_threat(act: &Action<'_>, threat_ref: &str, reviewer: &str, note: Option<&str>, model: &Model) -> R<Review> {
    let t = threat(act.tx, threat_ref)?;
    lifecycle::status::check_sign_off(reviewer, Some(&t))?;
    let review = Review {
        id: Uuid::new_v4(),
        scope: ReviewScope::Threat,
        threat: Some(threat_ref.to_owned()),
        baseline: None,
        reviewer: reviewer.trim().to_owned(),
        at: act.at.clone(),
        note: note.map(str::to_owned),
        fingerprint: lifecycle::review::threat_fingerprint(&t, model),
    };
    act.tx.prepare_cached("INSERT INTO reviews (id, scope, threat_id, reviewer, at, note, fingerprint) VALUES (?1, 'threat', ?2, ?3, ?4, ?5, ?6)")?.execute(params![review.id.to_string(), t.id.to_string(), review.reviewer, review.at, review.note, review.fingerprint],
    )?;
    act.log("review.threat", "threat", threat_ref, None, Some(&serde_json::to_value(&review).unwrap_or_default()))?;
    Ok(review)
}

/// A stored baseline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Baseline {
    pub id: u64,
    pub at: String,
    pub reviewer: String,
    pub note: Option<String>,
    pub fingerprint: String,
    /// The audit log's head when the baseline was taken.
    pub audit_seq: u64,
    pub audit_hash: String,
    /// The model with its register, canonical YAML (read only by `baseline`, empty in lists).
    #[serde(skip)]
    pub snapshot: String,
    /// Each item's content hash at sign-off (read only by `baseline`, empty in lists;
    /// `None` when stored in an older form: `workflow::baseline_items` makes them again).
    #[serde(skip)]
    pub items: Option<crate::lifecycle::review::ItemHashes>,
    /// Where each threat stood at sign-off (read only by `baseline`, empty in lists).
    #[serde(skip)]
    pub register: Vec<crate::lifecycle::review::Standing>,
}

/// Signs off the whole model version: stores the baseline (the canonical YAML given,
/// its fingerprint) and the review that created it.
pub fn sign_model(
    act: &Action<'_>,
    reviewer: &str,
    note: Option<&str>,
    snapshot: &str,
    fingerprint: &str,
    items: &crate::lifecycle::review::ItemHashes,
) -> R<Baseline> {
    let register = crate::lifecycle::review::Standing::of(&threats::load(act.tx)?);
    lifecycle::status::check_sign_off(reviewer, None)?;
    let (seq, hash) = super::audit::head(act.tx)?.unwrap_or((0, crate::lifecycle::audit::GENESIS.to_owned()));
    act.tx
        .prepare_cached(
            "INSERT INTO baselines (at, reviewer, note, fingerprint, snapshot, items, register, audit_seq, audit_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            act.at,
            reviewer.trim(),
            note,
            fingerprint,
            snapshot,
            serde_json::to_string(items).unwrap_or_default(),
            serde_json::to_string(&register).unwrap_or_default(),
            seq as i64,
            hash
        ])?;
    let id = act.tx.last_insert_rowid() as u64;
    let review_id = Uuid::new_v4();
    act.tx.prepare_cached("INSERT INTO reviews (id, scope, baseline_id, reviewer, at, note, fingerprint) VALUES (?1, 'model', ?2, ?3, ?4, ?5, ?6)")?.execute(params![review_id.to_string(), id as i64, reviewer.trim(), act.at, note, fingerprint],
    )?;
    act.log(
        "baseline.create",
        "baseline",
        &id.to_string(),
        None,
        Some(&json!({"fingerprint": fingerprint, "reviewer": reviewer.trim(), "note": note})),
    )?;
    Ok(Baseline {
        id,
        at: act.at.clone(),
        reviewer: reviewer.trim().to_owned(),
        note: note.map(str::to_owned),
        fingerprint: fingerprint.to_owned(),
        audit_seq: seq,
        audit_hash: hash,
        snapshot: snapshot.to_owned(),
        items: Some(items.clone()),
        register,
    })
}

/// Every baseline, oldest first (with snapshots).
pub fn baselines(conn: &Connection) -> rusqlite::Result<Vec<Baseline>> {
    let mut stmt =
        conn.prepare("SELECT id, at, reviewer, note, fingerprint, audit_seq, audit_hash FROM baselines ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Baseline {
            id: r.get::<_, i64>(0)? as u64,
            at: r.get(1)?,
            reviewer: r.get(2)?,
            note: r.get(3)?,
            fingerprint: r.get(4)?,
            audit_seq: r.get::<_, i64>(5)? as u64,
            audit_hash: r.get(6)?,
            snapshot: String::new(),
            items: Default::default(),
            register: Vec::new(),
        })
    })?;
    rows.collect()
}

/// One baseline whole, with its snapshot and item hashes: `id`, or the latest.
pub fn baseline(conn: &Connection, id: Option<u64>) -> rusqlite::Result<Option<(Baseline, String, String)>> {
    let sql =
        "SELECT id, at, reviewer, note, fingerprint, audit_seq, audit_hash, snapshot, items, register FROM baselines";
    let row = |r: &rusqlite::Row<'_>| {
        Ok((
            Baseline {
                id: r.get::<_, i64>(0)? as u64,
                at: r.get(1)?,
                reviewer: r.get(2)?,
                note: r.get(3)?,
                fingerprint: r.get(4)?,
                audit_seq: r.get::<_, i64>(5)? as u64,
                audit_hash: r.get(6)?,
                snapshot: r.get(7)?,
                items: Default::default(),
                register: Vec::new(),
            },
            r.get::<_, String>(8)?,
            r.get::<_, String>(9)?,
        ))
    };
    match id {
        Some(id) => conn.query_row(&format!("{sql} WHERE id = ?1"), [id as i64], row).optional(),
        None => conn.query_row(&format!("{sql} ORDER BY id DESC LIMIT 1"), [], row).optional(),
    }
}

/// The register as model-as-code records.
pub fn export(conn: &Connection) -> rusqlite::Result<(Vec<ThreatRecord>, Vec<Mitigation>, Vec<Review>)> {
    let mut overrides = threats::override_records(conn)?;
    let records =
        threats::load(conn)?.iter().map(|t| lifecycle::records::to_record(t, overrides.remove(&t.id))).collect();
    Ok((records, mitigations(conn)?, reviews(conn)?))
}

/// Restores a register read from model-as-code into an empty register. Rule findings
/// get their content back from the next analysis; their decisions come from here.
pub fn import(act: &Action<'_>, model: &Model) -> R<()> {
    let existing = threats::load(act.tx)?;
    if !existing.is_empty() {
        return Err(
            Refusal::Invalid("the project already has a register; import into a new project file".into()).into()
        );
    }
    let mut max_ref = 0u64;
    for r in &model.threats {
        let n: u64 = r.reference.trim_start_matches("TW-").parse().unwrap_or(0);
        max_ref = max_ref.max(n);
        let t = lifecycle::records::from_record(r, model);
        put(act.tx, &t, &act.at)?;
        if let Some(o) = &r.ranking_override {
            act.tx.prepare_cached("INSERT INTO threat_overrides (threat_id, likelihood, impact, reason, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![t.id.to_string(), o.likelihood, o.impact, o.reason, o.by, o.at.clone().unwrap_or_else(|| act.at.clone())],
            )?;
        }
    }
    set_counter(act.tx, "next_threat_ref", max_ref + 1)?;
    let mut max_mit = 0u64;
    for m in &model.mitigations {
        max_mit = max_mit.max(m.reference.trim_start_matches("M-").parse().unwrap_or(0));
        put_mitigation(act.tx, m)?;
        for tr in &m.threats {
            let id: Option<String> = act
                .tx
                .prepare_cached("SELECT id FROM threats WHERE ref = ?1")?
                .query_row([tr], |r| r.get(0))
                .optional()?;
            let Some(id) = id else {
                return Err(Refusal::Invalid(format!(
                    "mitigation {} covers {tr}, which is not in the register",
                    m.reference
                ))
                .into());
            };
            act.tx
                .prepare_cached("INSERT OR IGNORE INTO threat_mitigations (threat_id, mitigation_id) VALUES (?1, ?2)")?
                .execute(params![id, m.id.to_string()])?;
        }
    }
    set_counter(act.tx, "next_mitigation_ref", max_mit + 1)?;
    for r in model.reviews.iter().filter(|r| r.scope == ReviewScope::Threat) {
        let id: Option<String> = match &r.threat {
            Some(tr) => act
                .tx
                .prepare_cached("SELECT id FROM threats WHERE ref = ?1")?
                .query_row([tr], |x| x.get(0))
                .optional()?,
            None => None,
        };
        let Some(id) = id else { continue };
        act.tx.prepare_cached("INSERT INTO reviews (id, scope, threat_id, reviewer, at, note, fingerprint) VALUES (?1, 'threat', ?2, ?3, ?4, ?5, ?6)")?.execute(params![r.id.to_string(), id, r.reviewer, r.at, r.note, r.fingerprint],
        )?;
    }
    act.log(
        "register.import",
        "register",
        "threats",
        None,
        Some(&json!({"threats": model.threats.len(), "mitigations": model.mitigations.len(), "reviews": model.reviews.len()})),
    )?;
    Ok(())
}

/// Puts a threat's status and decision back as they were (undo and redo in the editor).
/// The state restored was reached through the lifecycle table before, so it is not
/// checked again; the audit log records it as a restore with both sides.
pub fn restore_decision(act: &Action<'_>, reference: &str, status: ThreatStatus, response: &Response) -> R<Threat> {
    let t = threat(act.tx, reference)?;
    if t.status == ThreatStatus::Obsolete && status != ThreatStatus::Obsolete {
        return Err(lifecycle::LifecycleError::Obsolete { reference: reference.into() }.into());
    }
    let mut after = t.clone();
    after.status = status;
    after.response = response.clone();
    put(act.tx, &after, &act.at)?;
    act.log(
        "threat.status.restore",
        "threat",
        reference,
        Some(&json!({"status": t.status, "response": t.response})),
        Some(&json!({"status": after.status, "response": after.response})),
    )?;
    Ok(after)
}

/// Removes a mitigation (undo of its creation). Refused while a threat's status relies on it.
pub fn remove_mitigation(act: &Action<'_>, reference: &str) -> R<()> {
    let m = mitigation(act.tx, reference)?;
    for t in &m.threats {
        unlink(act, reference, t)?;
    }
    act.tx.prepare_cached("DELETE FROM mitigations WHERE id = ?1")?.execute(params![m.id.to_string()])?;
    act.log("mitigation.remove", "mitigation", reference, Some(&serde_json::to_value(&m).unwrap_or_default()), None)?;
    Ok(())
}

/// Puts a mitigation back exactly as it was, with its links (redo of a creation, undo of
/// an update). Links to threats no longer in the register are skipped.
pub fn restore_mitigation(act: &Action<'_>, m: &Mitigation) -> R<Mitigation> {
    let before = mitigation(act.tx, &m.reference).ok();
    put_mitigation(act.tx, m)?;
    act.tx
        .prepare_cached("DELETE FROM threat_mitigations WHERE mitigation_id = ?1")?
        .execute(params![m.id.to_string()])?;
    for r in &m.threats {
        if let Some(t) = threats::get(act.tx, r)? {
            act.tx
                .prepare_cached("INSERT OR IGNORE INTO threat_mitigations (threat_id, mitigation_id) VALUES (?1, ?2)")?
                .execute(params![t.id.to_string(), m.id.to_string()])?;
        }
    }
    act.log(
        "mitigation.restore",
        "mitigation",
        &m.reference,
        before.as_ref().map(|b| serde_json::to_value(b).unwrap_or_default()).as_ref(),
        Some(&serde_json::to_value(m).unwrap_or_default()),
    )?;
    mitigation(act.tx, &m.reference)
}
