//! Trust boundaries: nestable groups of elements that share a level of trust.

use super::element::{Position, Size};
use super::key::Key;
use super::props::{BoundaryKind, BoundaryTrust};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// A trust boundary. Membership is listed on the boundary; nesting is stated on the
/// inner boundary (`parent`). An element belongs to the innermost boundary listing it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    pub key: Key,
    /// Stable identity. Omitted when it is the one derived from the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BoundaryKind>,
    /// How far what is inside is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<BoundaryTrust>,
    /// The boundary this one is nested in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Key>,
    /// Keys of the elements inside (external entities, processes, data stores).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Key>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
}

impl Boundary {
    /// The trust rules use: the stated one, else the one its kind implies
    /// ([`BoundaryKind::implied_trust`]).
    pub fn effective_trust(&self) -> Option<BoundaryTrust> {
        self.trust.or_else(|| self.kind.and_then(BoundaryKind::implied_trust))
    }
}
