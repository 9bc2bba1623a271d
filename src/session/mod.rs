//! An open document in the desktop editor: a project file, the rule library, and the
//! undo and redo stacks. Every action is one transaction with one audit-log entry (see
//! `store`); after each one the model is re-analysed and the whole view returned.
//! Undo never loses register state: undoing an edit restores the previous model and the
//! analysis brings obsolete threats back with the status they had (`lifecycle::reconcile`);
//! undoing a decision puts the previous decision back. The desktop shell is a thin layer
//! of commands over this module; the CLI and the tests use the same functions.

pub mod app;
pub mod compare;
mod delta;
pub mod edit;
mod export;
mod failure;
pub mod view;
pub mod vocabulary;

use crate::lifecycle::{self, Request};
use crate::model::{Mitigation, MitigationStatus, Model, Response, Stride, Threat, ThreatStatus};
use crate::rules::Library;
use crate::store::{MitigationFields, Project, RegisterChanges};
use edit::Edit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use ts_rs::TS;
use view::{DocumentView, Outcome, Parts, ViewChange};

pub use app::{
    AppInfo, Example, ImportKind, PathPurpose, app_info, builtin_library, example, import_file, is_project_file,
    read_model_file,
};
pub use compare::{CompareView, CompareWith};
pub use export::ExportOptions;
pub use failure::{Failure, FailureCode};

/// Recent files (see [`app::load`], [`app::remember`]).
pub mod recent {
    pub use super::app::{load, remember};
}

/// How many steps undo keeps.
const UNDO_DEPTH: usize = 200;

/// An action on the register, mitigations and reviews.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Action {
    /// Sets a threat's status; the lifecycle table says which fields each status needs.
    /// `sign_with`: the approver's SSH key (a path chosen in a dialog) signs the decision.
    SetStatus {
        reference: String,
        status: ThreatStatus,
        approver: Option<String>,
        reason: Option<String>,
        expires: Option<String>,
        transferred_to: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        sign_with: Option<String>,
    },
    /// Creates a mitigation, linked to the threats given.
    AddMitigation {
        title: String,
        description: Option<String>,
        status: Option<MitigationStatus>,
        owner: Option<String>,
        ticket: Option<String>,
        due: Option<String>,
        threats: Vec<String>,
    },
    /// Changes a mitigation's fields (`None` keeps a field; an empty text clears it).
    UpdateMitigation {
        reference: String,
        title: Option<String>,
        description: Option<String>,
        status: Option<MitigationStatus>,
        owner: Option<String>,
        ticket: Option<String>,
        due: Option<String>,
    },
    Link {
        mitigation: String,
        threats: Vec<String>,
    },
    Unlink {
        mitigation: String,
        threats: Vec<String>,
    },
    /// Adopts the rule's first suggested mitigation for each threat.
    Adopt {
        threats: Vec<String>,
    },
    /// Adds a threat a person found.
    AddThreat {
        target: String,
        title: String,
        description: String,
        stride: Stride,
        likelihood: u8,
        impact: u8,
    },
    /// Overrides a threat's likelihood and/or impact, with the reason.
    Rank {
        reference: String,
        likelihood: Option<u8>,
        impact: Option<u8>,
        reason: String,
    },
    /// Signs off one threat's response as it stands (`sign_with`: with this SSH key).
    SignThreat {
        reference: String,
        note: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        sign_with: Option<String>,
    },
    /// Signs off the model version: a baseline (`sign_with`: with this SSH key).
    SignModel {
        note: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        sign_with: Option<String>,
    },
}

type R<T> = Result<T, Failure>;

/// One undoable step.
#[derive(Debug, Clone)]
enum Step {
    Model {
        label: String,
        before: Box<Model>,
        after: Box<Model>,
    },
    Decision {
        label: String,
        reference: String,
        before: (ThreatStatus, Response),
        after: (ThreatStatus, Response),
    },
    Links {
        label: String,
        mitigation: String,
        threats: Vec<String>,
        linked: bool,
    },
    /// A mitigation created (`before` none) or changed; `after` as it was right after.
    Mitigation {
        label: String,
        before: Option<Mitigation>,
        after: Mitigation,
    },
    /// Several steps that were one action (adopting mitigations for many threats).
    Group {
        label: String,
        steps: Vec<Step>,
    },
}

impl Step {
    fn label(&self) -> &str {
        match self {
            Step::Model { label, .. }
            | Step::Decision { label, .. }
            | Step::Links { label, .. }
            | Step::Mitigation { label, .. }
            | Step::Group { label, .. } => label,
        }
    }
}

/// An open document.
pub struct Session {
    /// Holds the file's writer lock while the session is open (see `store`).
    project: Project,
    library: Library,
    /// The model as the file holds it (canonical, without the register). The session
    /// holds the file's lock, so nothing else changes it; edits write only what differs.
    model: Model,
    /// What validating `model` says (warnings: the file holds no model with errors).
    diagnostics: Vec<crate::model::Diagnostic>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    revision: u64,
    /// What the UI was last given (see [`Session::show`]): answers carry the changes from it.
    shown: Option<view::Shown>,
    /// The register rows of the latest view, for the next one to reuse.
    rows: view::RowCache,
    /// When the request being answered arrived (for [`Outcome::core_ms`]).
    began: Instant,
}

impl Session {
    /// Opens a project file for editing, as `who`.
    pub fn open(path: &Path, library: Library, who: &str) -> R<Session> {
        // What is not ours is refused before a lock is taken or anything opens it to
        // write; another writer holding it is named.
        let mut project = Project::open_to_edit(path)?;
        project.set_user(who);
        let model = project.load_model()?;
        let diagnostics = crate::model::validate(&model);
        let mut s = Session {
            project,
            library,
            model,
            diagnostics,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            shown: None,
            rows: view::RowCache::default(),
            began: Instant::now(),
        };
        // The register follows the model and rules as they are now.
        s.project.analyze_model_changes(&s.model, &s.library)?;
        Ok(s)
    }

    /// Creates a project file from a model (a new model, an example, a YAML file) and
    /// opens it. The file appears complete or not at all.
    pub fn create(path: &Path, model: &Model, library: Library, who: &str) -> R<Session> {
        if path.exists() {
            return Err(Failure::new(
                FailureCode::File,
                format!("{} exists already; choose another name or open it", path.display()),
            ));
        }
        let analysed = !model.threats.is_empty() || !model.mitigations.is_empty();
        drop(Project::create_as(path, model, who, analysed.then_some(&library))?);
        Session::open(path, library, who)
    }

    pub fn path(&self) -> &Path {
        self.project.path()
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The current state, for the editor.
    pub fn view(&self) -> R<DocumentView> {
        Ok(self.view_printed()?.0)
    }

    /// The current state, and the fingerprints of its register rows.
    fn view_printed(&self) -> R<(DocumentView, Vec<u64>)> {
        match self.project.register_known() {
            Some(threats) => self.view_of(threats),
            None => self.view_of(&self.project.register()?),
        }
    }

    /// [`Session::view_printed`] for the UI: its register rows are kept for the next view.
    fn view_to_send(&mut self) -> R<(DocumentView, Vec<u64>)> {
        let (v, prints) = self.view_printed()?;
        self.rows = view::RowCache::of(&v.threats, &prints);
        Ok((v, prints))
    }

    /// The current state for the UI, whole; later answers carry the changes from it.
    pub fn show(&mut self) -> R<DocumentView> {
        let (v, _) = self.view_to_send()?;
        self.shown = Some(view::Shown::of(&v));
        Ok(v)
    }

    /// An answer: the changes from what the UI was last given, or the whole view when it
    /// was given none.
    fn outcome(
        &mut self,
        (view, prints): (DocumentView, Vec<u64>),
        appeared: Vec<String>,
        resolved: Vec<String>,
        message: String,
    ) -> Outcome {
        let view = Arc::new(view);
        let change = match &self.shown {
            Some(shown) => {
                let (delta, now) = view::ViewDelta::since(shown, &view, &prints);
                self.shown = Some(now);
                ViewChange::Delta(Box::new(delta))
            }
            None => ViewChange::Whole(Arc::clone(&view)),
        };
        let core_ms = u32::try_from(self.began.elapsed().as_millis()).unwrap_or(u32::MAX);
        Outcome { view, change, appeared, resolved, message, core_ms }
    }

    /// The view of the model with `threats` as its register, and the fingerprints of its
    /// register rows (rows of the latest view are reused).
    fn view_of(&self, threats: &[Threat]) -> R<(DocumentView, Vec<u64>)> {
        let model = &self.model;
        let mitigations = self.project.mitigations()?;
        let reviews = self.project.reviews()?;
        let holds = crate::workflow::latest_signoff_holds(&reviews, threats, model);
        let signed: BTreeSet<String> = holds.into_iter().filter(|(_, ok)| *ok).map(|(r, _)| r).collect();
        let baseline = self.project.baseline(None)?;
        let mut changed = BTreeSet::new();
        if let Some(b) = &baseline {
            let changes = crate::workflow::changes_since(&self.project, b, model)?;
            changed.extend(changes.iter().map(|c| c.key.to_string()));
            let before: std::collections::HashMap<&str, _> =
                b.register.iter().map(|s| (s.reference.as_str(), (s.severity, s.status))).collect();
            for t in threats {
                if before.get(t.reference.as_str()) != Some(&(t.severity, t.status)) {
                    changed.insert(t.reference.clone());
                }
            }
        }
        let parts = Parts {
            model,
            threats,
            mitigations: &mitigations,
            signed: &signed,
            changed: &changed,
            diagnostics: &self.diagnostics,
        };
        let d = view::layout(model, threats);
        let (nodes, edges) = view::canvas(&parts, &d);
        let (assets, apis) = view::items(model);
        let (threat_rows, prints) = view::threat_rows(&parts, &self.rows);
        let view = DocumentView {
            path: self.path().display().to_string(),
            name: model.system.name.clone(),
            revision: self.revision,
            system: serde_json::to_value(&model.system).unwrap_or_default(),
            nodes,
            edges,
            assets,
            apis,
            threats: threat_rows,
            mitigations: view::mitigation_rows(&mitigations),
            diagnostics: view::diagnostic_rows(&self.diagnostics),
            questions: view::question_rows(model, &crate::rules::questions(model, &self.library)),
            baseline: baseline.map(|b| view::BaselineView { id: b.id, at: b.at, reviewer: b.reviewer, note: b.note }),
            auto_layout: d.auto_layout,
            undo: self.undo.last().map(|s| s.label().to_owned()),
            redo: self.redo.last().map(|s| s.label().to_owned()),
            rules_version: self.project.rules_version()?,
            user: self.project.user().to_owned(),
        };
        Ok((view, prints))
    }

    /// The answer to an action, with what an analysis changed in the register (`None`:
    /// no analysis ran).
    fn answer(&mut self, message: String, analysed: Option<RegisterChanges>) -> R<Outcome> {
        self.revision += 1;
        let (mut appeared, mut resolved) = analysed.map(|c| (c.appeared, c.resolved)).unwrap_or_default();
        appeared.sort_by(|a, b| crate::model::reference_order(a, b));
        resolved.sort_by(|a, b| crate::model::reference_order(a, b));
        let sent = self.view_to_send()?;
        Ok(self.outcome(sent, appeared, resolved, message))
    }

    fn push(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The model with every position stated (the automatic layout written in), so that
    /// an edit never makes the rest of the picture jump.
    fn placed_model(&self) -> Model {
        placed(self.model.clone())
    }

    /// Replaces the model by `model` (canonical, without register) and analyses it, in
    /// one transaction; the file gets only the rows that differ. Answers the model it
    /// replaced and what the analysis changed in the register (the register itself is then
    /// the project's [`Project::register_known`]).
    fn store(&mut self, model: Model) -> R<(Model, RegisterChanges)> {
        let (changes, diagnostics) = self.project.edit_model(&self.model, &model, &self.library)?;
        self.diagnostics = diagnostics;
        Ok((std::mem::replace(&mut self.model, model), changes))
    }

    /// Applies a diagram edit.
    pub fn edit(&mut self, e: &Edit) -> R<Outcome> {
        self.began = Instant::now();
        let mut after = self.placed_model();
        let label = e.label(&self.model);
        let created = edit::apply(&mut after, e)?;
        let message = if created.is_empty() { label.clone() } else { format!("{label} ({})", created.join(", ")) };
        self.commit_model(after, label, message, "nothing changed".into())
    }

    /// Stores `after` (canonicalised) in place of the model as one undoable step labelled
    /// `label` and answers with `message` after re-analysing; when it equals the model,
    /// nothing is stored and the answer says `unchanged`.
    fn commit_model(&mut self, mut after: Model, label: String, message: String, unchanged: String) -> R<Outcome> {
        if after.has_register() {
            after = after.without_register();
        }
        after.canonicalize();
        if after == self.model {
            return self.answer(unchanged, None);
        }
        let (before, analysed) = self.store(after.clone())?;
        self.push(Step::Model { label, before: Box::new(before), after: Box::new(after) });
        self.answer(message, Some(analysed))
    }
}

/// What merging an import into the open model answers: the outcome (as for an edit) and
/// the import's report (with the items earlier imports made that the file no longer has).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Merged {
    pub outcome: Outcome,
    pub report: crate::io::import::Report,
}

impl Session {
    /// Merges a newer OpenAPI description into the open model (the desktop's "Import… →
    /// merge into this model", the CLI's `import openapi --into`): what an earlier import of
    /// it made keeps its identity, position and decisions; what is new is added and placed
    /// to the right of the diagram; what the file no longer has is reported, not deleted.
    /// One transaction, one undoable step.
    pub fn merge_openapi(&mut self, path: &Path) -> R<Merged> {
        self.began = Instant::now();
        use crate::io::import::openapi;
        let mut imported = app::import_file(ImportKind::Openapi, path)?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        openapi::report_gone(&mut imported.report, &self.model, &imported.model, &name);
        let mut after =
            openapi::merge(&self.model, &imported.model).map_err(|e| Failure::new(FailureCode::Invalid, e))?;
        let d = view::layout(&after, &[]);
        edit::place_newcomers(&mut after, &d);
        let label = format!("merge {name}");
        let unchanged = format!("{label}: nothing changed");
        let outcome = self.commit_model(after, label.clone(), label, unchanged)?;
        Ok(Merged { outcome, report: imported.report })
    }
}

/// An approval that could not be signed (the key, `ssh-keygen`, or the signature).
fn signing_failed(why: String) -> Failure {
    Failure::new(FailureCode::Refused, format!("not signed, nothing recorded: {why}"))
}

/// The model with every position stated (see [`Session::placed_model`]).
fn placed(mut model: Model) -> Model {
    if model.elements().any(|e| e.position().is_none())
        || model.boundaries.iter().any(|b| b.position.is_none() || b.size.is_none())
    {
        let d = view::layout(&model, &[]);
        edit::materialize(&mut model, &d);
    }
    model
}

impl Session {
    /// Threats that deleting these items would make obsolete (for the confirmation).
    pub fn preview_delete(&self, keys: &[String]) -> R<Vec<view::ThreatRow>> {
        let mut model = self.model.clone();
        edit::delete(&mut model, keys);
        let after = crate::rules::analyze(&model, &self.library, &crate::rules::Options::default());
        let still: BTreeSet<uuid::Uuid> = after.threats.iter().map(|t| t.id).collect();
        let current = self.view()?;
        let register = self.project.register()?;
        let gone: BTreeSet<&str> = register
            .iter()
            .filter(|t| t.status != ThreatStatus::Obsolete && t.rule.is_some() && !still.contains(&t.id))
            .map(|t| t.reference.as_str())
            .collect();
        Ok(current
            .threats
            .into_iter()
            .filter(|r| gone.contains(r.reference.as_str()))
            .map(Arc::unwrap_or_clone)
            .collect())
    }

    /// Copies elements and the flows between them.
    pub fn copy(&self, keys: &[String]) -> R<edit::Clipboard> {
        Ok(edit::copy(&self.placed_model(), keys))
    }

    /// Applies an action on the register: one transaction, whatever it does (a ranking
    /// override re-ranks the register in the same one).
    pub fn act(&mut self, a: &Action) -> R<Outcome> {
        self.began = Instant::now();
        let register = self.project.register()?;
        let (step, message, analysed) = self.perform(a, &register)?;
        if let Some(step) = step {
            self.push(step);
        }
        self.answer(message, analysed)
    }

    /// Does `a`: the undoable step it makes, the message, and what an analysis it ran
    /// changed in the register.
    fn perform(&mut self, a: &Action, register: &[Threat]) -> R<(Option<Step>, String, Option<RegisterChanges>)> {
        let mut analysed = None;
        let find = |r: &str| {
            register
                .iter()
                .find(|t| t.reference == r)
                .ok_or_else(|| Failure::new(FailureCode::Refused, format!("{r} is not in the register")))
        };
        let (step, message) = match a {
            Action::SetStatus { reference, status, approver, reason, expires, transferred_to, sign_with } => {
                let t = find(reference)?;
                let before = (t.status, t.response.clone());
                let req = Request {
                    status: Some(*status),
                    approver: approver.clone(),
                    reason: reason.clone(),
                    expires: expires.clone(),
                    transferred_to: transferred_to.clone(),
                };
                if let Some(key) = sign_with {
                    crate::workflow::sign_status_change(&mut self.project, Path::new(key), reference, &req)
                        .map_err(signing_failed)?;
                }
                let after = self.project.set_status(reference, &req, lifecycle::today())?;
                let label = format!("set {reference} to {}", status.as_str());
                let step = Step::Decision {
                    label: label.clone(),
                    reference: reference.clone(),
                    before,
                    after: (after.status, after.response),
                };
                (Some(step), label)
            }
            Action::AddMitigation { title, description, status, owner, ticket, due, threats } => {
                let f = MitigationFields {
                    title: Some(title.clone()),
                    description: description.clone(),
                    status: *status,
                    owner: owner.clone(),
                    ticket: ticket.clone(),
                    due: due.clone(),
                };
                // One action: the mitigation with its links, or nothing.
                let m = self.project.add_mitigation(&f, threats)?;
                let label = format!("add mitigation {} \u{201c}{}\u{201d}", m.reference, m.title);
                (Some(Step::Mitigation { label: label.clone(), before: None, after: m }), label)
            }
            Action::UpdateMitigation { reference, title, description, status, owner, ticket, due } => {
                let before = self.mitigation(reference)?;
                let f = MitigationFields {
                    title: title.clone(),
                    description: description.clone(),
                    status: *status,
                    owner: owner.clone(),
                    ticket: ticket.clone(),
                    due: due.clone(),
                };
                self.project.update_mitigation(reference, &f)?;
                let after = self.mitigation(reference)?;
                let label = format!("edit mitigation {reference}");
                (Some(Step::Mitigation { label: label.clone(), before: Some(before), after }), label)
            }
            Action::Link { mitigation, threats } | Action::Unlink { mitigation, threats } => {
                let linked = matches!(a, Action::Link { .. });
                let current = self.mitigation(mitigation)?;
                // Only what changes is undone: links that were already there stay.
                let changing: Vec<String> =
                    threats.iter().filter(|t| current.threats.contains(t) != linked).cloned().collect();
                if linked {
                    self.project.link(mitigation, threats)?;
                } else {
                    self.project.unlink(mitigation, threats)?;
                }
                let label = format!(
                    "{} {mitigation} {} {}",
                    if linked { "link" } else { "unlink" },
                    if linked { "to" } else { "from" },
                    threats.join(", ")
                );
                let step = (!changing.is_empty()).then(|| Step::Links {
                    label: label.clone(),
                    mitigation: mitigation.clone(),
                    threats: changing,
                    linked,
                });
                (step, label)
            }
            Action::Adopt { threats } => {
                let before = self.project.mitigations()?;
                let adopted = self.project.adopt(threats, None)?;
                let mut steps = Vec::new();
                let mut seen = BTreeSet::new();
                for m in adopted.iter().filter(|m| seen.insert(m.reference.clone())) {
                    let after = self.mitigation(&m.reference)?;
                    let prior = before.iter().find(|b| b.reference == m.reference).cloned();
                    steps.push(Step::Mitigation { label: String::new(), before: prior, after });
                }
                let refs: Vec<&str> = seen.iter().map(String::as_str).collect();
                let label = format!("adopt {} for {}", refs.join(", "), threats.join(", "));
                (Some(Step::Group { label: label.clone(), steps }), label)
            }
            Action::AddThreat { target, title, description, stride, likelihood, impact } => {
                let t = crate::lifecycle::manual_threat(
                    &self.model,
                    target,
                    title.clone(),
                    description.clone(),
                    *stride,
                    *likelihood,
                    *impact,
                    self.project.user(),
                )
                .map_err(|e| Failure::new(FailureCode::Invalid, e))?;
                let reference = self.project.add_manual_threat(t)?;
                (None, format!("added {reference} (a manual threat)"))
            }
            Action::Rank { reference, likelihood, impact, reason } => {
                let o = crate::rank::Override {
                    likelihood: *likelihood,
                    impact: *impact,
                    reason: reason.clone(),
                    by: self.project.user().to_owned(),
                };
                // The override and the re-ranking it causes are one transaction.
                let (_, changes) = self.project.override_ranking(reference, &o, &self.model, &self.library)?;
                analysed = Some(changes);
                (None, format!("ranking of {reference} overridden"))
            }
            Action::SignThreat { reference, note, sign_with } => {
                let who = self.project.user().to_owned();
                if let Some(key) = sign_with {
                    crate::workflow::sign_threat_sign_off(
                        &mut self.project,
                        Path::new(key),
                        reference,
                        &who,
                        note.as_deref(),
                    )
                    .map_err(signing_failed)?;
                }
                self.project.sign_threat(reference, &who, note.as_deref())?;
                let signed = if sign_with.is_some() { " (SSH-signed)" } else { "" };
                (None, format!("{reference} signed off by {who}{signed}"))
            }
            Action::SignModel { note, sign_with } => {
                let who = self.project.user().to_owned();
                let b = match sign_with {
                    Some(key) => {
                        crate::workflow::sign_model_signed(&mut self.project, &who, note.as_deref(), Path::new(key))
                            .map_err(signing_failed)?
                    }
                    None => crate::workflow::sign_model(&mut self.project, &who, note.as_deref())?,
                };
                let signed = if sign_with.is_some() { " (SSH-signed)" } else { "" };
                (None, format!("model signed off by {who}: baseline {}{signed}", b.id))
            }
        };
        Ok((step, message, analysed))
    }

    fn mitigation(&self, reference: &str) -> R<Mitigation> {
        self.project
            .mitigations()?
            .into_iter()
            .find(|m| m.reference == reference)
            .ok_or_else(|| Failure::new(FailureCode::Refused, format!("there is no mitigation {reference}")))
    }

    /// Does `step` again (`forward`) or undoes it. A model step is stored and analysed in
    /// one transaction: it answers what the analysis changed in the register.
    fn replay(&mut self, step: &Step, forward: bool) -> R<Option<RegisterChanges>> {
        match step {
            Step::Model { before, after, .. } => {
                let model = if forward { after } else { before };
                return Ok(Some(self.store(Model::clone(model))?.1));
            }
            Step::Decision { reference, before, after, .. } => {
                let (status, response) = if forward { after } else { before };
                self.project.restore_decision(reference, *status, response)?;
            }
            Step::Links { mitigation, threats, linked, .. } => {
                if *linked == forward {
                    self.project.link(mitigation, threats)?;
                } else {
                    self.project.unlink(mitigation, threats)?;
                }
            }
            Step::Mitigation { before, after, .. } => match (forward, before) {
                (true, _) => {
                    self.project.restore_mitigation(after)?;
                }
                (false, Some(b)) => {
                    self.project.restore_mitigation(b)?;
                }
                (false, None) => self.project.remove_mitigation(&after.reference)?,
            },
            Step::Group { steps, .. } => {
                let mut analysed = None;
                if forward {
                    for s in steps {
                        analysed = self.replay(s, true)?.or(analysed);
                    }
                } else {
                    for s in steps.iter().rev() {
                        analysed = self.replay(s, false)?.or(analysed);
                    }
                }
                return Ok(analysed);
            }
        }
        Ok(None)
    }

    /// Undoes the latest step.
    pub fn undo(&mut self) -> R<Outcome> {
        self.began = Instant::now();
        let Some(step) = self.undo.pop() else { return Err(Failure::new(FailureCode::Nothing, "nothing to undo")) };
        let analysed = match self.replay(&step, false) {
            Ok(a) => a,
            Err(e) => {
                self.undo.push(step);
                return Err(Failure::new(e.code, format!("cannot undo: {}", e.message)));
            }
        };
        let message = format!("undone: {}", step.label());
        self.redo.push(step);
        self.answer(message, analysed)
    }

    /// Redoes the latest undone step.
    pub fn redo(&mut self) -> R<Outcome> {
        self.began = Instant::now();
        let Some(step) = self.redo.pop() else { return Err(Failure::new(FailureCode::Nothing, "nothing to redo")) };
        let analysed = match self.replay(&step, true) {
            Ok(a) => a,
            Err(e) => {
                self.redo.push(step);
                return Err(Failure::new(e.code, format!("cannot redo: {}", e.message)));
            }
        };
        let message = format!("redone: {}", step.label());
        self.undo.push(step);
        self.answer(message, analysed)
    }
}

/// The project file's path for a model file: `payments.yaml` → `payments.twdb` beside it.
pub fn project_path_for(model_file: &Path) -> PathBuf {
    model_file.with_extension("twdb")
}
