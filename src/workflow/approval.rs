//! Signed approvals: a status change, a threat sign-off or a model sign-off signed with
//! the approver's SSH key (`ssh-keygen -Y sign`), for the CLI and the app alike, and the
//! signed approvals a log holds.

use super::{sign_model, snapshot};
use crate::store::{Baseline, Project};

/// Makes the next action of `project` a signed approval: builds the statement of
/// `action` on `object` deciding `decision`, has `ssh-keygen` sign it with `key`, and
/// attaches it (see `Project::sign_next`).
pub fn sign_approval(
    project: &mut Project,
    key: &std::path::Path,
    action: &str,
    object: &str,
    decision: Vec<(String, String)>,
) -> Result<(), String> {
    let statement = project.approval_statement(action, object, decision).map_err(|e| e.to_string())?;
    let signature = crate::sshsig::sign(key, &statement.text())?;
    project.sign_next(statement, signature);
    Ok(())
}

/// Makes the next status change of threat `reference`, as `req` decides it, a signed
/// approval (the CLI's `threat set --sign-with`, the app's status dialog).
pub fn sign_status_change(
    project: &mut Project,
    key: &std::path::Path,
    reference: &str,
    req: &crate::lifecycle::Request,
) -> Result<(), String> {
    sign_approval(project, key, "threat.status", reference, decision_lines(req))
}

/// Makes the next sign-off of threat `reference` by `reviewer` a signed approval.
pub fn sign_threat_sign_off(
    project: &mut Project,
    key: &std::path::Path,
    reference: &str,
    reviewer: &str,
    note: Option<&str>,
) -> Result<(), String> {
    let mut decision = vec![("reviewer".to_owned(), reviewer.trim().to_owned())];
    decision.extend(note.map(|n| ("note".to_owned(), n.to_owned())));
    sign_approval(project, key, "review.threat", reference, decision)
}

/// What a status change decides, as the lines of a signed statement.
fn decision_lines(req: &crate::lifecycle::Request) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = req.status {
        out.push(("status".to_owned(), s.as_str().to_owned()));
    }
    for (k, v) in [
        ("approver", &req.approver),
        ("reason", &req.reason),
        ("expires", &req.expires),
        ("transferred-to", &req.transferred_to),
    ] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.push((k.to_owned(), v.to_owned()));
        }
    }
    out
}

/// Signs off the current model version as a signed approval: the statement names the
/// fingerprint of the state being signed.
pub fn sign_model_signed(
    project: &mut Project,
    reviewer: &str,
    note: Option<&str>,
    key: &std::path::Path,
) -> Result<Baseline, String> {
    let (_, fingerprint, _) = snapshot(project).map_err(|e| e.to_string())?;
    let mut decision =
        vec![("reviewer".to_owned(), reviewer.trim().to_owned()), ("fingerprint".to_owned(), fingerprint)];
    decision.extend(note.map(|n| ("note".to_owned(), n.to_owned())));
    sign_approval(project, key, "baseline.create", "model", decision)?;
    sign_model(project, reviewer, note).map_err(|e| e.to_string())
}

/// An SSH-signed approval of the audit log, checked.
#[derive(Clone, Debug)]
pub struct SignedApproval {
    pub seq: u64,
    pub action: String,
    pub object: String,
    pub who: String,
    pub at: String,
    pub signature: crate::lifecycle::approval::Signature,
    /// ssh-keygen's word on the signature (`Ok`), or why it does not hold.
    pub checked: Result<String, String>,
}

/// Every SSH-signed approval in the audit log, each signature checked with ssh-keygen
/// and its statement against the entry that keeps it.
pub fn signed_approvals(log: &[crate::lifecycle::audit::Entry]) -> Vec<SignedApproval> {
    let mut out = Vec::new();
    for e in log {
        let Some(after) = e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else {
            continue;
        };
        let Some(sig) = after.get("signature") else { continue };
        let Ok(signature) = serde_json::from_value::<crate::lifecycle::approval::Signature>(sig.clone()) else {
            continue;
        };
        let lines: Vec<&str> = signature.statement.lines().collect();
        let says = |k: &str, v: &str| lines.contains(&format!("{k}: {v}").as_str());
        let checked = if !(says("action", &e.action) && says("at", &e.at) && says("by", &e.who)) {
            Err("its statement does not match the entry that keeps it (action, time or person)".to_owned())
        } else {
            crate::sshsig::check(&signature)
        };
        out.push(SignedApproval {
            seq: e.seq,
            action: e.action.clone(),
            object: e.object.clone(),
            who: e.who.clone(),
            at: e.at.clone(),
            signature,
            checked,
        });
    }
    out
}
