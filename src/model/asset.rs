//! Data assets: the information that flows carry and stores hold.

use super::key::Key;
use super::props::{Classification, DataCategory, Limit, Need};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// A kind of data the system handles (card numbers, access tokens, order history...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    pub key: Key,
    /// Stable identity. Omitted when it is the one derived from the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub categories: BTreeSet<DataCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Need>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Need>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Need>,
    /// For credentials and tokens: how long one stays valid, in minutes (`unlimited` when
    /// it never expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_minutes: Option<Limit>,
    /// Why the data is needed (purpose limitation, GDPR Art. 5(1)(b)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
}
