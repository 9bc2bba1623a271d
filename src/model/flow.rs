//! Data flows: directed edges between elements, carrying data assets.

use super::key::Key;
use super::props::{Authentication, Encryption, Protocol};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Data moving from one element to another. Which boundaries it crosses is derived
/// from the boundaries of its ends, never written by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub key: Key,
    /// Stable identity. Omitted when it is the one derived from the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// Label shown on the arrow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Key of the element the data leaves.
    pub from: Key,
    /// Key of the element the data reaches.
    pub to: Key,
    /// Data also moves back (a request and its response drawn as one arrow).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bidirectional: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Encryption in transit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
    /// How the sender authenticates on this flow (`none` when it does not). For flows
    /// into a process this is usually the process's own `authentication`; state it for
    /// calls the system makes to others (a vendor's API) and where it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// Messages are signed (e.g. webhook signatures, signed requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<bool>,
    /// Keys of the data assets carried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carries: Vec<Key>,
    /// Data assets it carries that its receiver does not need (data minimisation): keys
    /// from `carries`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_needed: Vec<Key>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
}
