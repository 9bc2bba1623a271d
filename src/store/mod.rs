//! The project file: one SQLite database per model (`.twdb`). The only module that
//! knows SQL and rusqlite.
//!
//! Opening is defensive, in this order: the header is read with plain file IO (a file
//! that is not ours, or is newer than this build, is refused before SQLite touches it);
//! then SQLite opens it with defensive settings; pending migrations run in one
//! transaction. Every write is one immediate transaction ([`Project::write`]); with WAL,
//! killing the process at any instant loses at most the transaction in flight.

mod audit;
mod error;
pub mod header;
mod health;
mod history;
mod lock;
mod migrate;
mod model;
mod open;
mod register;
mod seal;
mod threats;
mod verify;

pub use error::{Error, Result};
pub use health::QUICK_CHECK_ON_OPEN;
pub use history::RowChange;
pub use lock::note_path as lock_note;
pub use migrate::{APPLICATION_ID, LATEST as SCHEMA_VERSION};
pub use register::{Baseline, MitigationFields, Refusal};
pub use seal::{Change, FieldChange, Finding};
pub use verify::Integrity;

use crate::lifecycle::approval::{Signature, Statement};
use crate::model::{Diagnostic, Mitigation, Model, Review, Threat, ThreatRecord};
use crate::rank::Override;
use crate::rules::{self, Analysis, Library};
use error::{ActError, sql_error};
use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;
use verify::integrity;

/// How long a write waits for another process's transaction before giving up with
/// [`Error::InUse`].
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// What an analysis changed in the register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterChanges {
    /// References of threats that are new or back from obsolete.
    pub appeared: Vec<String>,
    /// References of threats that became obsolete.
    pub resolved: Vec<String>,
}

/// An open project file.
#[derive(Debug)]
pub struct Project {
    // Field order matters: the connection closes (checkpointing its log into the file)
    // before `access` lets go of the writer lock.
    conn: Connection,
    /// The project file as the user named it.
    path: PathBuf,
    /// The SQLite file read: `path`, or a private upgraded copy of it (read-only).
    file: PathBuf,
    /// Whether `file` is read as immutable (see `open_read_only`): so are the other
    /// connections verification opens beside this one.
    immutable: bool,
    access: Access,
    /// Who acts, for the audit log.
    who: String,
    /// The operating-system account running this program, for the audit log.
    os_user: String,
    /// What this connection last wrote, so that the next write need not read it back.
    known: Known,
    /// `PRAGMA data_version` when this connection last found the file verified; a write
    /// verifies the file again first when another connection has changed it since.
    trusted: Option<i64>,
    /// A signed approval for the next action (see [`Project::sign_next`]).
    signed: Option<(Statement, Signature)>,
}

/// Whether a project is open to write (holding the file's writer lock) or to read only.
#[derive(Debug)]
enum Access {
    /// `None`: a file being created under a temporary name, which no one else knows.
    Write { _lock: Option<lock::Lock> },
    /// `_shared`: the shared lock that keeps writers off while the file is read as
    /// immutable; `_copy`: the private folder of an upgraded copy, removed with the project.
    Read { _shared: Option<std::fs::File>, _copy: Option<tempfile::TempDir> },
}

/// What a write checks before it writes (see [`Project::act`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// The audit chain and the sealed state, when another connection wrote since they
    /// were last verified.
    Verify,
    /// The same, always, and SQLite's structural check: before approvals.
    Thorough,
    /// Nothing: the action seals a state that was never sealed (a new file, an upgrade).
    Unsealed,
}

/// State of the file that a write of this connection left behind. Every action forgets it
/// (see [`Project::act`]); the writes that know the new state set it again after commit.
#[derive(Debug, Default)]
struct Known {
    /// The register as the last analysis stored it, ranked.
    register: Option<Vec<crate::model::Threat>>,
    /// The audit summary of the model the file holds.
    model_summary: Option<serde_json::Value>,
    /// The rows the model the file holds is stored as.
    model_rows: Option<model::Rows>,
}

impl Project {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version of the open file (after migration, always the latest).
    pub fn schema_version(&self) -> Result<u32> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| sql_error(&self.path, e))
    }

    /// Who is acting, for the audit log (set by the front door from its configuration).
    pub fn set_user(&mut self, who: &str) {
        self.who = if who.trim().is_empty() { "unknown".to_owned() } else { who.trim().to_owned() };
    }

    pub fn user(&self) -> &str {
        &self.who
    }

    /// Runs one user action in one immediate transaction: committed if `f` returns `Ok`
    /// and logged at least one audit entry, rolled back otherwise. Every change to the
    /// file goes through here, so every change is in the audit log, in the same commit,
    /// and every row it wrote is sealed by its last entry. Before writing, the file is
    /// verified (chain and sealed state) unless this connection verified it and nothing
    /// else wrote since: a file changed outside Threatwright is never written to.
    pub(crate) fn act<T, E: Into<ActError>>(
        &mut self,
        f: impl FnOnce(&audit::Action<'_>) -> std::result::Result<T, E>,
    ) -> Result<T> {
        self.act_as(Guard::Verify, f)
    }

    fn act_as<T, E: Into<ActError>>(
        &mut self,
        guard: Guard,
        f: impl FnOnce(&audit::Action<'_>) -> std::result::Result<T, E>,
    ) -> Result<T> {
        if matches!(self.access, Access::Read { .. }) {
            return Err(Error::ReadOnly { path: self.path.clone() });
        }
        self.known = Known::default();
        let path = self.path.clone();
        let sql = |e| sql_error(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        match guard {
            Guard::Unsealed => {}
            Guard::Verify | Guard::Thorough => {
                let version: i64 = tx.pragma_query_value(None, "data_version", |r| r.get(0)).map_err(sql)?;
                if guard == Guard::Thorough || self.trusted != Some(version) {
                    let found = integrity(&tx, &path, (&self.file, false), guard == Guard::Thorough)?;
                    if !found.damage.is_empty() {
                        return Err(Error::Corrupt { path, detail: found.damage.join("; ") });
                    }
                    if !found.ok() {
                        return Err(Error::Tampered { path, problems: found.problems() });
                    }
                    self.trusted = Some(version);
                }
            }
        }
        let signed = self.signed.take();
        let mut action = audit::Action::new(&tx, &self.who);
        if let Some((statement, _)) = &signed {
            let head = audit::head(&tx).map_err(sql)?;
            let now =
                head.map_or_else(|| format!("0:{}", crate::lifecycle::audit::GENESIS), |(s, h)| format!("{s}:{h}"));
            if statement.follows != now {
                return Err(Error::Refused(Refusal::Invalid(
                    "the project changed while the approval was being signed; sign it again".into(),
                )));
            }
            action.at = statement.at.clone();
        }
        let value = match f(&action).map_err(Into::into) {
            Ok(v) => v,
            Err(ActError::Sql(e)) => return Err(sql(e)),
            Err(ActError::Refused(r)) => return Err(Error::Refused(r)),
        };
        let mut entries = action.entries.into_inner();
        if entries.is_empty() {
            // A bug, never a user error: a change that would escape the audit log.
            return Err(Error::Sqlite { path, source: rusqlite::Error::InvalidQuery });
        }
        if let Some((statement, signature)) = signed {
            // A baseline's number is given as it is made: its statement names "model".
            let entry = entries.iter_mut().find(|e| {
                e.action == statement.action && (e.object == statement.object || statement.object == "model")
            });
            let Some(entry) = entry else {
                return Err(Error::Refused(Refusal::Invalid(format!(
                    "the signed statement approves {} of {}, which this action does not do",
                    statement.action, statement.object
                ))));
            };
            let mut after: serde_json::Value = entry
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_else(|| serde_json::json!({}));
            after["signature"] = serde_json::to_value(&signature).unwrap_or_default();
            entry.after = Some(after.to_string());
        }
        let seals = seal::pending(&tx).map_err(sql)?;
        audit::finish(&tx, entries, &self.os_user, &seals).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(value)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        f(&self.conn).map_err(|e| sql_error(&self.path, e))
    }

    /// The model held in the file.
    pub fn load_model(&self) -> Result<Model> {
        model::load(&self.conn).map_err(|e| match e {
            model::LoadError::Sql(e) => sql_error(&self.path, e),
            model::LoadError::Decode(detail) => Error::Corrupt { path: self.path.clone(), detail },
        })
    }

    /// Replaces the model held in the file by `model`, in one transaction. A model with
    /// validation errors is refused: the file only ever holds models that validate. Its
    /// register sections, if any, are not touched (see [`Project::import_register`]).
    pub fn replace_model(&mut self, model: &Model) -> Result<()> {
        let before = self.load_model().ok();
        self.write_model(before.as_ref(), model)
    }

    /// [`Project::replace_model`] for a caller that holds the stored model (`before`, as
    /// [`Project::load_model`] gives it): only the rows that differ are written.
    pub fn replace_model_from(&mut self, before: &Model, model: &Model) -> Result<()> {
        self.write_model(Some(before), model)
    }

    fn write_model(&mut self, before: Option<&Model>, model: &Model) -> Result<()> {
        let (canonical, _) = storable(model)?;
        // `before` is the stored model: its summary and rows are known when this connection
        // wrote it.
        let Known { register, model_summary: known_summary, model_rows: known_rows } = std::mem::take(&mut self.known);
        let summary = before.map(|b| known_summary.unwrap_or_else(|| model_summary(b)));
        let after = model_summary(&canonical);
        let rows = self.act(|a| {
            let before = before.map(|b| (b, known_rows.as_ref()));
            write_rows(a, before, &canonical, Docs::Serialise, summary.as_ref(), &after)
        })?;
        // The model's rows only: the register is as it was.
        self.known = Known { register, model_summary: Some(after), model_rows: Some(rows) };
        Ok(())
    }

    /// Replaces the stored model (`before`: exactly what the file holds, as an editor that
    /// holds the file's lock keeps it) by `model` and analyses it, in one transaction: an
    /// edit and what it does to the register are one step in the file and in its audit log
    /// (two entries: the model, the analysis). Only the rows that differ are written. A model with validation errors is
    /// refused and nothing is written. Answers what the analysis changed in the register
    /// and the model's diagnostics (warnings only); the register is then
    /// [`Project::register_known`].
    pub fn edit_model(
        &mut self,
        before: &Model,
        model: &Model,
        library: &Library,
    ) -> Result<(RegisterChanges, Vec<Diagnostic>)> {
        self.store_analysed(before, model, library, Docs::Reuse)
    }

    /// Replaces the stored model by `model` and analyses it, in one transaction (an import
    /// over an existing project file): [`Project::edit_model`] for a caller that does not
    /// hold the stored model.
    pub fn replace_analysed(&mut self, model: &Model, library: &Library) -> Result<(RegisterChanges, Vec<Diagnostic>)> {
        let before = self.load_model()?;
        self.store_analysed(&before, model, library, Docs::Serialise)
    }

    fn store_analysed(
        &mut self,
        before: &Model,
        model: &Model,
        library: &Library,
        docs: Docs,
    ) -> Result<(RegisterChanges, Vec<Diagnostic>)> {
        let (canonical, diagnostics) = storable(model)?;
        let (analysis, found, stored, known) = self.analysis_and_known(&canonical, library)?;
        let Known { model_summary: known_summary, model_rows: known_rows, .. } = known;
        let summary = known_summary.unwrap_or_else(|| model_summary(before));
        let after = model_summary(&canonical);
        let (rows, reconciled) = self.act(|a| {
            let before = Some((before, known_rows.as_ref()));
            let rows = write_rows(a, before, &canonical, docs, Some(&summary), &after)?;
            let reconciled = threats::record(a, &stored, found, &analysis.rules_version)?;
            Ok::<_, rusqlite::Error>((rows, reconciled))
        })?;
        let known = Known { register: None, model_summary: Some(after), model_rows: Some(rows) };
        Ok((self.registered(reconciled, known), diagnostics))
    }

    /// Restores the register sections of a model read from YAML (threats, mitigations,
    /// reviews) into this file's empty register.
    pub fn import_register(&mut self, model: &Model) -> Result<()> {
        if !model.has_register() {
            return Ok(());
        }
        self.act(|a| register::import(a, model))
    }

    /// Runs the analysis on the stored model and records it in one transaction (see
    /// `lifecycle::reconcile`). Returns the whole register, ranked.
    pub fn analyze(&mut self, library: &Library) -> Result<Analysis> {
        self.analyze_changes(library).map(|(a, _)| a)
    }

    /// [`Project::analyze`], also saying which threats the analysis brought in (new or
    /// revived) and which it made obsolete.
    pub fn analyze_changes(&mut self, library: &Library) -> Result<(Analysis, RegisterChanges)> {
        let model = self.load_model()?;
        self.analyze_model_changes(&model, library)
    }

    /// [`Project::analyze_changes`] for a caller that holds the stored model.
    pub fn analyze_model_changes(&mut self, model: &Model, library: &Library) -> Result<(Analysis, RegisterChanges)> {
        let (mut analysis, found, stored, known) = self.analysis_and_known(model, library)?;
        let reconciled = self.act(|a| threats::record(a, &stored, found, &analysis.rules_version))?;
        // The model's rows and summary stay known: an analysis writes the register only.
        let changes = self.registered(reconciled, known);
        analysis.threats = self.known.register.clone().unwrap_or_default();
        Ok((analysis, changes))
    }

    /// The analysis of `model` with the threats it found taken out, those threats, the
    /// register to reconcile them with (as this connection's last analysis left it, else
    /// read from the file), and the rest of what this connection knows of the file (which
    /// the write that follows forgets).
    fn analysis_and_known(
        &mut self,
        model: &Model,
        library: &Library,
    ) -> Result<(Analysis, Vec<Threat>, Vec<Threat>, Known)> {
        let overrides = self.read(threats::overrides)?;
        let mut analysis = rules::analyze(model, library, &rules::Options { overrides });
        let found = std::mem::take(&mut analysis.threats);
        let mut known = std::mem::take(&mut self.known);
        let stored = match known.register.take() {
            Some(r) => r,
            None => self.read(threats::load)?,
        };
        Ok((analysis, found, stored, known))
    }

    /// After an analysis was recorded: remembers the register it left, ranked (with the
    /// rest of `known`), and answers what it changed.
    fn registered(&mut self, reconciled: crate::lifecycle::reconcile::Reconciled, known: Known) -> RegisterChanges {
        let changes = RegisterChanges {
            appeared: reconciled.new.into_iter().chain(reconciled.revived).collect(),
            resolved: reconciled.obsoleted,
        };
        let mut register = reconciled.register;
        rules::engine::sort_ranked(&mut register);
        self.known = Known { register: Some(register), ..known };
        changes
    }

    /// The register as this connection's last analysis stored it, ranked, when no action
    /// came after it (no copy: an editor draws it after every edit).
    pub fn register_known(&self) -> Option<&[Threat]> {
        self.known.register.as_deref()
    }

    /// The stored register, without analysing, ranked.
    pub fn register(&self) -> Result<Vec<Threat>> {
        if let Some(known) = &self.known.register {
            return Ok(known.clone());
        }
        let mut t = self.read(threats::load)?;
        rules::engine::sort_ranked(&mut t);
        Ok(t)
    }

    /// One threat by reference.
    /// The rule library version of the latest analysis (`None` before the first).
    pub fn rules_version(&self) -> Result<Option<String>> {
        self.read(threats::rules_version)
    }

    /// Where each threat stands: what the CI gate reads, without the analysis' text.
    pub fn standings(&self) -> Result<Vec<crate::lifecycle::check::Standing>> {
        self.read(threats::standings)
    }

    pub fn threat(&self, reference: &str) -> Result<Threat> {
        self.read(|c| threats::get(c, reference))?
            .ok_or_else(|| Error::NotInRegister { reference: reference.to_owned() })
    }

    /// Adds a threat entered by a person; returns its reference.
    pub fn add_manual_threat(&mut self, threat: Threat) -> Result<String> {
        self.act(|a| threats::add_manual(a, threat))
    }

    /// Records a person's override of a threat's likelihood and/or impact, with the reason,
    /// and re-ranks the register with it, in one transaction: a manual threat takes it at
    /// once, a rule threat through the analysis of `model` (the model the file holds) that
    /// the same transaction records. Answers the threat as ranked now and what the
    /// analysis changed (the register is then [`Project::register_known`]).
    pub fn override_ranking(
        &mut self,
        reference: &str,
        o: &Override,
        model: &Model,
        library: &Library,
    ) -> Result<(Threat, RegisterChanges)> {
        crate::lifecycle::status::check_override(o).map_err(|e| Error::Refused(Refusal::Lifecycle(e)))?;
        let current = self.threat(reference)?;
        let reconciled = self.act(|a| {
            threats::set_override(a, &current, o)?;
            if current.rule.is_none() {
                let mut t = current.clone();
                t.likelihood = o.likelihood.unwrap_or(t.likelihood);
                t.impact = o.impact.unwrap_or(t.impact);
                t.severity = crate::rank::severity(t.likelihood, t.impact);
                t.rationale.push(format!("ranking set by {}: {}", o.by, o.reason));
                threats::put(a.tx, &t, &a.at)?;
                return Ok::<_, rusqlite::Error>(None);
            }
            let overrides = threats::overrides(a.tx)?;
            let mut analysis = rules::analyze(model, library, &rules::Options { overrides });
            let found = std::mem::take(&mut analysis.threats);
            let stored = threats::load(a.tx)?;
            threats::record(a, &stored, found, &analysis.rules_version).map(Some)
        })?;
        let changes = match reconciled {
            Some(r) => self.registered(r, Known::default()),
            None => RegisterChanges::default(),
        };
        Ok((self.threat(reference)?, changes))
    }

    /// Changes a threat's status and decision; the lifecycle table decides what is allowed.
    pub fn set_status(
        &mut self,
        reference: &str,
        req: &crate::lifecycle::Request,
        today: crate::lifecycle::Date,
    ) -> Result<Threat> {
        self.act(|a| register::set_status(a, reference, req, today))
    }

    /// Puts a threat's status and decision back (the editor's undo and redo).
    pub fn restore_decision(
        &mut self,
        reference: &str,
        status: crate::model::ThreatStatus,
        response: &crate::model::Response,
    ) -> Result<Threat> {
        self.act(|a| register::restore_decision(a, reference, status, response))
    }

    /// Removes a mitigation (the editor's undo of its creation).
    pub fn remove_mitigation(&mut self, reference: &str) -> Result<()> {
        self.act(|a| register::remove_mitigation(a, reference))
    }

    /// Puts a mitigation back as it was, with its links.
    pub fn restore_mitigation(&mut self, m: &Mitigation) -> Result<Mitigation> {
        self.act(|a| register::restore_mitigation(a, m))
    }

    pub fn mitigations(&self) -> Result<Vec<Mitigation>> {
        self.read(register::mitigations)
    }

    /// Creates a mitigation covering `threats`, in one action: it is there with all its
    /// links, or not at all.
    pub fn add_mitigation(&mut self, fields: &MitigationFields, threats: &[String]) -> Result<Mitigation> {
        self.act(|a| {
            let m = register::add_mitigation(a, fields, None)?;
            for t in threats {
                register::link(a, &m.reference, t)?;
            }
            register::mitigation(a.tx, &m.reference)
        })
    }

    pub fn update_mitigation(&mut self, reference: &str, fields: &MitigationFields) -> Result<Mitigation> {
        self.act(|a| register::update_mitigation(a, reference, fields))
    }

    /// Links a mitigation to threats, in one action.
    pub fn link(&mut self, mitigation: &str, threats: &[String]) -> Result<()> {
        self.act(|a| threats.iter().try_for_each(|t| register::link(a, mitigation, t)))
    }

    pub fn unlink(&mut self, mitigation: &str, threats: &[String]) -> Result<()> {
        self.act(|a| threats.iter().try_for_each(|t| register::unlink(a, mitigation, t)))
    }

    /// Adopts a rule's suggested mitigation for threats in one step.
    pub fn adopt(&mut self, threats: &[String], template: Option<&str>) -> Result<Vec<Mitigation>> {
        self.act(|a| {
            threats.iter().map(|t| register::adopt(a, t, template)).collect::<std::result::Result<Vec<_>, _>>()
        })
    }

    pub fn reviews(&self) -> Result<Vec<Review>> {
        self.read(register::reviews)
    }

    /// Signs off one threat's response as it stands.
    pub fn sign_threat(&mut self, reference: &str, reviewer: &str, note: Option<&str>) -> Result<Review> {
        crate::lifecycle::status::check_approver("a sign-off", &self.who).map_err(|e| Error::Refused(e.into()))?;
        let model = self.load_model()?;
        self.act_as(Guard::Thorough, |a| register::sign_threat(a, reference, reviewer, note, &model))
    }

    /// Signs off the model version: a baseline of the model with its register as the file
    /// holds it inside the signing transaction (so no other writer can slip a change
    /// between what is snapshot and what is signed). `snapshot` makes, from that document,
    /// its canonical YAML, that text's fingerprint and the items' hashes (where YAML is
    /// known). The file is checked whole first (SQLite's structural check, the chain, the
    /// sealed state).
    pub fn sign_model(
        &mut self,
        reviewer: &str,
        note: Option<&str>,
        snapshot: impl FnOnce(&Model) -> std::result::Result<(String, String, crate::lifecycle::review::ItemHashes), String>,
    ) -> Result<Baseline> {
        crate::lifecycle::status::check_approver("a baseline", &self.who).map_err(|e| Error::Refused(e.into()))?;
        self.act_as(Guard::Thorough, |a| {
            let doc = document_of(a.tx).map_err(register::Failed::Sql)?;
            let (text, fingerprint, items) = snapshot(&doc).map_err(Refusal::Invalid)?;
            register::sign_model(a, reviewer, note, &text, &fingerprint, &items)
        })
    }

    /// The baselines, oldest first, without their snapshots (see `baseline`).
    pub fn baselines(&self) -> Result<Vec<Baseline>> {
        self.read(register::baselines)
    }

    /// One baseline with its snapshot and item hashes: `id`, or the latest; `None` if
    /// there is no such baseline.
    pub fn baseline(&self, id: Option<u64>) -> Result<Option<Baseline>> {
        let Some((mut b, items, register)) = self.read(|c| register::baseline(c, id))? else { return Ok(None) };
        let corrupt = |what: &str, e: serde_json::Error| Error::Corrupt {
            path: self.path.clone(),
            detail: format!("baseline {}: unreadable {what}: {e}", b.id),
        };
        b.items = crate::lifecycle::review::ItemHashes::read(&items).map_err(|e| corrupt("item hashes", e))?;
        b.register = serde_json::from_str(&register).map_err(|e| corrupt("register", e))?;
        Ok(Some(b))
    }

    /// The register as model-as-code records.
    pub fn export_register(&self) -> Result<(Vec<ThreatRecord>, Vec<Mitigation>, Vec<Review>)> {
        self.read(register::export)
    }

    /// The model with its register, as one document (what YAML export writes).
    pub fn document(&self) -> Result<Model> {
        self.read(document_of)
    }

    /// The audit log, in order.
    pub fn audit_log(&self) -> Result<Vec<crate::lifecycle::audit::Entry>> {
        self.read(audit::load)
    }

    /// The audit entry whose action first wrote each row of `table` (by the row's key):
    /// which reviews, baselines or analysis runs a past state had.
    pub fn first_written(&self, table: &str) -> Result<std::collections::HashMap<String, u64>> {
        self.read(|c| history::first_written(c, table))
    }

    /// Rows whose content at audit entry `upto` differs from their content at entry
    /// `after` (added, changed or removed; changed and changed back is no difference).
    pub fn changed_between(&self, after: u64, upto: u64) -> Result<Vec<RowChange>> {
        self.read(|c| history::changed_between(c, after, upto))
    }

    /// The rule library version of the latest analysis recorded at or before audit
    /// entry `seq`.
    pub fn rules_version_at(&self, seq: u64) -> Result<Option<String>> {
        self.read(|c| history::rules_version_at(c, seq))
    }

    /// Verifies the file: SQLite's structural check, the audit log's hash chain (with its
    /// recorded head and the heads baselines recorded), and every sealed row against the
    /// chain. Reads only.
    pub fn verify(&self) -> Result<Integrity> {
        integrity(&self.conn, &self.path, (&self.file, self.immutable), true)
    }

    /// Makes this connection's next insert into `table` fail (a temporary trigger, never
    /// in the file): for tests that a failure inside an action leaves nothing behind.
    #[doc(hidden)]
    pub fn fail_inserts_into(&self, table: &str) -> Result<()> {
        let Some(s) = seal::SEALED.iter().find(|s| s.table == table) else {
            return Err(Error::Refused(Refusal::Invalid(format!("no sealed table {table}"))));
        };
        self.read(|c| {
            c.execute_batch(&format!(
                "CREATE TEMP TRIGGER tw_fail_{0} BEFORE INSERT ON main.{0} BEGIN SELECT RAISE(ABORT, 'injected'); END;",
                s.table
            ))
        })
    }

    /// `PRAGMA integrity_check`: "ok", or what SQLite found.
    pub fn integrity_check(&self) -> Result<String> {
        self.read(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))
    }
}

/// The model with its register, as one document, read through `conn`.
fn document_of(conn: &Connection) -> rusqlite::Result<Model> {
    let mut m = model::load(conn).map_err(|e| match e {
        model::LoadError::Sql(e) => e,
        model::LoadError::Decode(detail) => threats::decode_err(detail),
    })?;
    let (t, mi, r) = register::export(conn)?;
    m.threats = t;
    m.mitigations = mi;
    m.reviews = r;
    m.canonicalize();
    Ok(m)
}

/// `model` as the file holds it (canonical, without its register), borrowed when it is
/// already, with its diagnostics; refused when it has validation errors (the file only
/// ever holds models that validate). Diagnostics point into `model` as given.
fn storable(model: &Model) -> Result<(std::borrow::Cow<'_, Model>, Vec<Diagnostic>)> {
    use std::borrow::Cow;
    let model = if model.has_register() { Cow::Owned(model.without_register()) } else { Cow::Borrowed(model) };
    let diagnostics = crate::model::validate(&model);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::InvalidModel { diagnostics });
    }
    let model = if model.is_canonical() {
        model
    } else {
        let mut m = model.into_owned();
        m.canonicalize();
        Cow::Owned(m)
    };
    Ok((model, diagnostics))
}

/// How [`write_rows`] may take the documents of unchanged items.
#[derive(Clone, Copy, PartialEq)]
enum Docs {
    /// From the stored rows, comparing items with `before`: only when `before` is known to
    /// be the model those rows hold (an editor's own model; a document taken for an item
    /// that `before` misstates would write the stored item over the new one).
    Reuse,
    /// Every item serialised.
    Serialise,
}

/// Writes the rows of `canonical` in place of those of the stored model (`before`, with
/// its rows when known; all rows when there is none), and the audit entry. Returns the
/// rows written.
fn write_rows(
    a: &audit::Action<'_>,
    before: Option<(&Model, Option<&model::Rows>)>,
    canonical: &Model,
    docs: Docs,
    summary: Option<&serde_json::Value>,
    after: &serde_json::Value,
) -> rusqlite::Result<model::Rows> {
    let rows = match before {
        Some((b, Some(old))) => {
            let rows = model::rows(canonical, (docs == Docs::Reuse).then_some((b, old)))?;
            model::update(a.tx, old, &rows)?;
            rows
        }
        Some((b, None)) => {
            let rows = model::rows(canonical, None)?;
            model::update(a.tx, &model::rows(b, None)?, &rows)?;
            rows
        }
        None => {
            let rows = model::rows(canonical, None)?;
            model::replace_rows(a.tx, &rows)?;
            rows
        }
    };
    a.log("model.replace", "model", &canonical.system.name, summary, Some(after))?;
    Ok(rows)
}

/// What the audit log records of a whole model: its fingerprint and size.
fn model_summary(m: &Model) -> serde_json::Value {
    let json = serde_json::to_string(m).unwrap_or_default();
    serde_json::json!({
        "fingerprint": crate::lifecycle::review::sha256(json.as_bytes()),
        "elements": m.external_entities.len() + m.processes.len() + m.data_stores.len(),
        "flows": m.flows.len(),
        "boundaries": m.boundaries.len(),
    })
}
