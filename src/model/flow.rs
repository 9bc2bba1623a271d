//! Data flows: directed edges between elements, carrying data assets.

use super::key::Key;
use super::props::{Authentication, CredentialPlace, Encryption, Protocol};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Data moving from one element to another. Which boundaries it crosses is derived
/// from the boundaries of its ends, never written by hand.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Where the sender puts its credential in each request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_in: Option<CredentialPlace>,
    /// Keys of the data assets carried from `from` to `to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carries: Vec<Key>,
    /// Keys of the data assets that come back in the response, from `to` to `from`
    /// (a lookup that returns a customer's record, a token endpoint's tokens).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<Key>,
    /// Data assets it moves that their receiver does not need (data minimisation): keys
    /// from `carries` or `returns`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_needed: Vec<Key>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
}
