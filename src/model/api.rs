//! The API inventory: every API the system exposes or consumes.

use super::key::Key;
use super::props::{ApiAudience, ApiDirection, ApiStatus};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// One API in the inventory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiEntry {
    pub key: Key,
    /// Stable identity. Omitted when it is the one derived from the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Team or person responsible for the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Whether the system exposes this API or consumes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<ApiDirection>,
    /// Key of the element that serves the API (a process, or an external entity for a
    /// consumed third-party API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Key>,
    /// Keys of the elements that call the API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<Key>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<ApiAudience>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApiStatus>,
    /// Current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Path or URL of the API's specification (OpenAPI, AsyncAPI, GraphQL schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// Every operation is described in the specification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documented: Option<bool>,
    /// Versions reachable in production.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub exposed_versions: BTreeSet<String>,
    /// Versions declared deprecated.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub deprecated_versions: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
}
