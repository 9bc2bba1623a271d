//! Why a session operation failed, as the UI receives it: a code it can branch on and a
//! message for people; the store's and the editor's errors mapped to them.

use super::edit;
use crate::store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a session action failed: a code the UI can branch on and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub code: FailureCode,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FailureCode {
    /// The file is open in another window or process.
    Locked,
    /// The file cannot be read or is not a project file.
    File,
    /// The model or an input does not validate; the message says where.
    Invalid,
    /// The lifecycle refused (a required field, a forbidden transition).
    Refused,
    /// Nothing to undo or redo, or the step cannot be undone.
    Nothing,
    /// Something that should not happen; the message has details.
    Internal,
}

impl Failure {
    pub fn new(code: FailureCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

impl From<store::Error> for Failure {
    fn from(e: store::Error) -> Failure {
        use store::Error as E;
        let code = match &e {
            E::NotFound { .. }
            | E::NotAProjectFile { .. }
            | E::IncompatibleVersion { .. }
            | E::Corrupt { .. }
            | E::ForeignSchema { .. }
            | E::Tampered { .. }
            | E::NetworkFileSystem { .. }
            | E::Io { .. } => FailureCode::File,
            E::InUse { .. } => FailureCode::Locked,
            E::InvalidModel { .. } => FailureCode::Invalid,
            E::Refused { .. } | E::NotInRegister { .. } => FailureCode::Refused,
            _ => FailureCode::Internal,
        };
        let message = match &e {
            E::InvalidModel { diagnostics } => {
                let first: Vec<String> =
                    diagnostics.iter().filter(|d| d.is_error()).take(3).map(|d| d.message.clone()).collect();
                format!("the change would make the model invalid: {}", first.join("; "))
            }
            _ => e.to_string(),
        };
        Failure::new(code, message)
    }
}

impl From<edit::EditError> for Failure {
    fn from(e: edit::EditError) -> Failure {
        Failure::new(FailureCode::Invalid, e.to_string())
    }
}
