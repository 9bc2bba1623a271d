//! Approvals signed with the approver's SSH key: the statement a person signs, and the
//! signature as the audit log keeps it.
//!
//! An approval — an acceptance, a sign-off of a threat, a baseline — may carry an SSH
//! signature (OpenSSH's SSHSIG format, namespace [`NAMESPACE`]) over a plain-text
//! [`Statement`]: what is approved, by whom, when, and the audit-log entry it follows, so
//! that the signature cannot be moved to another file or another point of its history.
//! The statement and the armoured signature are stored in the approval's audit entry
//! (under the hash chain); an auditor checks them with `ssh-keygen -Y verify` and an
//! allowed-signers file (docs/audit.md). Unsigned approvals stay possible and are marked
//! as such.

use serde::{Deserialize, Serialize};

/// The SSHSIG namespace of Threatwright approvals (a signature made for another purpose —
/// a git commit, a file — does not verify as an approval).
pub const NAMESPACE: &str = "threatwright-approval";

/// What a person signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The project file's name.
    pub project: String,
    /// The audit action it becomes: `threat.status`, `review.threat`, `baseline.create`.
    pub action: String,
    /// What it is about: a threat's reference, or "model".
    pub object: String,
    /// What is decided, as `field: value` lines (status, approver, reason, expiry…).
    pub decision: Vec<(String, String)>,
    /// Who records it (the configured name) and the operating-system account.
    pub by: String,
    pub os_user: String,
    /// When (RFC 3339, UTC): the time the audit entry records.
    pub at: String,
    /// The audit-log head it follows: `SEQ:HASH` (`0:` and zeros for an empty log).
    pub follows: String,
}

impl Statement {
    /// The text that is signed: one `field: value` per line, fixed order.
    pub fn text(&self) -> String {
        let mut out = String::from("Threatwright approval\n");
        let mut line = |k: &str, v: &str| {
            // A value is one line: line breaks a person typed are shown as spaces.
            out.push_str(&format!("{k}: {}\n", v.replace(['\n', '\r'], " ")));
        };
        line("project", &self.project);
        line("action", &self.action);
        line("object", &self.object);
        for (k, v) in &self.decision {
            line(k, v);
        }
        line("by", &self.by);
        line("os-user", &self.os_user);
        line("at", &self.at);
        line("follows", &self.follows);
        out
    }
}

/// A signed approval, as its audit entry keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The statement signed, exactly.
    pub statement: String,
    /// The armoured SSHSIG signature (`-----BEGIN SSH SIGNATURE-----`).
    pub sshsig: String,
    /// The signing key's fingerprint (`SHA256:…`) and type, as OpenSSH prints them.
    pub key: String,
    pub namespace: String,
}
