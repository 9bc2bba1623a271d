//! The three kinds of diagram node: external entities, processes and data stores.

use super::id::{self, Section};
use super::key::Key;
use super::props::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Top-left corner of a shape on the diagram, in diagram units (pixels at 100 % zoom).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// Width and height of a shape on the diagram, in diagram units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// Facts about a third-party vendor (for entities with trust `third-party-vendor`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Security attestations the vendor holds and that were checked.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub attestations: BTreeSet<Attestation>,
    /// A data processing agreement (GDPR Art. 28) is signed with the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processing_agreement: Option<bool>,
    /// Responses from the vendor's API are validated (schema, size, types) before use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses_validated: Option<bool>,
    /// Where the vendor keeps the data it receives: countries or regions, as the contract
    /// states them (e.g. "EU (Frankfurt, Dublin)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_location: Option<String>,
    /// How long the vendor keeps the data it receives, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// There is a way to have the vendor delete a person's data on request (an API call,
    /// a documented process), so erasure requests reach the vendor too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_path: Option<bool>,
}

/// An operation or group of routes of a process whose access differs from the rest of it
/// (anonymous routes, admin functions, optional login).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The route or group as people name it: `GET /orders/{id}`, `/admin/*`, `login`.
    pub route: String,
    /// Who may call it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// Authorization checks on it (`[none]` when there are none); unstated means the
    /// process's own `authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<BTreeSet<Authorization>>,
    /// An administrative function: user or role management, configuration, staff-only
    /// actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// It changes state (creates, updates, deletes, sends, pays), rather than only reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_state: Option<bool>,
}

impl Operation {
    /// Anyone may call it without signing in: access `anonymous` or `optional-login`.
    pub fn open_to_anyone(&self) -> bool {
        self.access.is_some_and(|a| a != Access::Authenticated)
    }
}

/// Sign-in and session controls of a process people sign in to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionControls {
    /// Multi-factor authentication at sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<Mfa>,
    /// Requests that change state with a session cookie are protected against cross-site
    /// request forgery (SameSite cookies, anti-forgery tokens, origin checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_protection: Option<bool>,
    /// Longest a session lasts after sign-in, in minutes (`unlimited` when it never ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_minutes: Option<Limit>,
    /// A session ends after this many idle minutes (`unlimited` when it never idles out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<Limit>,
}

/// Limits of a GraphQL endpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GraphqlLimits {
    /// Deepest query accepted (`unlimited` when depth is not limited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<Limit>,
    /// Largest computed query cost or complexity accepted (`unlimited` when not computed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<Limit>,
    /// Several operations (arrays or aliases) in one request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batching: Option<Batching>,
    /// Introspection is enabled in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection: Option<bool>,
}

/// Someone or something outside the system that talks to it: clients, partners,
/// operators, third-party APIs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalEntity {
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
    /// How far the entity is trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<TrustLevel>,
    /// Vendor facts, for third-party vendors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<Vendor>,
    /// The client ships with a secret built in (an API key or client secret inside a
    /// mobile app, a single-page app or a desktop binary), which anyone can extract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded_secret: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
}

/// Running code: API gateways, services, workers, functions, webhook receivers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    pub key: Key,
    /// Stable identity. Omitted when it is the one derived from the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Team or person responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProcessKind>,
    /// Product or stack, free text (e.g. "Kong 3.6", "Node.js 20").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    /// Reachable directly from the internet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_facing: Option<bool>,
    /// How callers authenticate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// Authorization checks performed (`[none]` when there are none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<BTreeSet<Authorization>>,
    /// Requests are rate limited per client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limited: Option<bool>,
    /// The rate limit, in requests per minute per client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<u32>,
    /// Largest request body accepted, in bytes (`unlimited` when nothing bounds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_request_bytes: Option<Limit>,
    /// Most items one response returns (page size cap; `unlimited` when a caller can ask
    /// for everything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<Limit>,
    /// Collections are returned in pages of bounded size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginates_results: Option<bool>,
    /// Input is validated against a schema or allow-list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_validation: Option<bool>,
    /// Output is encoded for the context it is used in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_encoding: Option<bool>,
    /// Responses carry only the fields the caller needs (no generic serialisation of objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_filtering: Option<bool>,
    /// Database queries are parameterised (no string-built queries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameterized_queries: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// API activity is monitored and alerts are raised (abuse, account compromise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_storage: Option<SecretsStorage>,
    /// Keys and credentials are rotated on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_rotation: Option<bool>,
    /// The process's own credentials grant only what it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_privilege: Option<bool>,
    /// Fetches URLs that callers supply (a server-side request forgery risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetches_user_urls: Option<bool>,
    /// Its outbound requests go through an egress control that refuses private, loopback,
    /// link-local and cloud metadata addresses (after DNS resolution and on redirects):
    /// an egress proxy, a network policy or an allow-list of destinations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_filtering: Option<bool>,
    /// Signatures of incoming webhooks are verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validates_webhook_signatures: Option<bool>,
    /// Exposes business flows that automation can abuse (sign-up, checkout, messaging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_business_flows: Option<bool>,
    /// Protection against automated abuse (bot detection, CAPTCHA, device fingerprinting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_automation: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Cors>,
    /// Security headers are set on responses (HSTS, content type options...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_headers: Option<bool>,
    /// Error responses include internal details (stack traces, queries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbose_errors: Option<bool>,
    /// Hosts and runtime are hardened to a baseline (no default settings, patched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardened: Option<bool>,
    /// Credentials, tokens and card data are masked or dropped before anything is logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_redaction: Option<bool>,
    /// Request bodies are bound through an allow-list of the properties each role may
    /// write (no mass assignment of ids, owners, prices, roles or status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_allowlist: Option<bool>,
    /// Its outbound calls have tight timeouts, bounded concurrency per destination and
    /// circuit breakers, so one slow or failing dependency cannot exhaust it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_timeouts: Option<bool>,
    /// Repeated failed guesses (passwords, one-time codes, gift-card or reset codes) are
    /// limited per account and per target: lockout, back-off or throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_limits: Option<bool>,
    /// Changes that hand over an account or money (bank details, email, MFA reset, payout
    /// address) need re-authentication or an independent confirmation (step-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<bool>,
    /// Its callers sign in with one credential shared by several people or systems, so
    /// access cannot be attributed or revoked per person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_credentials: Option<bool>,
    /// Where it takes the tenant of a request from: the verified token, or the request
    /// itself (a header, path or query parameter the caller chooses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_source: Option<TenantSource>,
    /// Parses files that callers upload (documents, images, archives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parses_uploads: Option<bool>,
    /// Uploaded content is checked before use: type from the content (not the name),
    /// size limits, malware scanning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_checks: Option<bool>,
    /// Runs risky work (parsers, converters, user code) in a sandbox with no network and
    /// no credentials beyond the job's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandboxed: Option<bool>,
    /// How its host lets it reach the cloud instance metadata service (and the instance
    /// role's credentials there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_service: Option<MetadataService>,
    /// When staff act as a user ("log in as"), the audit trail names the staff member,
    /// not only the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation_attributed: Option<bool>,
    /// Parses XML from callers or partners (SOAP, SAML, XML uploads, RSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parses_xml: Option<bool>,
    /// Its XML parser resolves DTDs and external entities (XXE); `false` when they are
    /// disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml_external_entities: Option<bool>,
    /// Takes the caller's identity from headers an upstream (gateway, proxy, mesh) sets,
    /// such as `X-User-Id`, instead of verifying a token itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_from_headers: Option<bool>,
    /// What limits who can reach it on the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_isolation: Option<NetworkIsolation>,
    /// What the cloud role of its host may do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_role: Option<InstanceRole>,
    /// Incoming webhooks are refused when replayed: a signed timestamp checked against a
    /// short window, or event ids remembered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_replay_protection: Option<bool>,
    /// Sign-in and session controls, for processes people sign in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionControls>,
    /// GraphQL limits, for processes serving GraphQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphql: Option<GraphqlLimits>,
    /// Operations or route groups whose access differs from the rest of the process.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
}

/// Where data rests: databases, caches, buckets, queues, logs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataStore {
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
    pub kind: Option<StoreKind>,
    /// Product, free text (e.g. "PostgreSQL 16").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    /// Data assets held (keys of `data_assets`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<Key>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_at_rest: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control: Option<AccessControl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backups: Option<bool>,
    /// How long records are kept, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// What happens to records at the end of the retention period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposal: Option<Disposal>,
    /// Reachable from the internet without going through a process (e.g. a public bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// Records cannot be altered or deleted once written (WORM, append-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub append_only: Option<bool>,
    /// How one tenant's records are kept apart from another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_isolation: Option<TenantIsolation>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
}

/// The kind of a diagram node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementKind {
    ExternalEntity,
    Process,
    DataStore,
}

impl ElementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::ExternalEntity => "external-entity",
            ElementKind::Process => "process",
            ElementKind::DataStore => "data-store",
        }
    }

    /// Human label, as used in summaries and reports.
    pub fn label(self) -> &'static str {
        match self {
            ElementKind::ExternalEntity => "external entity",
            ElementKind::Process => "process",
            ElementKind::DataStore => "data store",
        }
    }

    pub fn section(self) -> Section {
        match self {
            ElementKind::ExternalEntity => Section::ExternalEntities,
            ElementKind::Process => Section::Processes,
            ElementKind::DataStore => Section::DataStores,
        }
    }

    pub fn parse(s: &str) -> Option<ElementKind> {
        [ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A borrowed view of any diagram node, for code that treats all kinds alike.
#[derive(Clone, Copy, Debug)]
pub enum ElementRef<'a> {
    ExternalEntity(&'a ExternalEntity),
    Process(&'a Process),
    DataStore(&'a DataStore),
}

macro_rules! common_field {
    ($self:ident, $field:ident) => {
        match $self {
            ElementRef::ExternalEntity(e) => &e.$field,
            ElementRef::Process(e) => &e.$field,
            ElementRef::DataStore(e) => &e.$field,
        }
    };
}

impl<'a> ElementRef<'a> {
    pub fn kind(self) -> ElementKind {
        match self {
            ElementRef::ExternalEntity(_) => ElementKind::ExternalEntity,
            ElementRef::Process(_) => ElementKind::Process,
            ElementRef::DataStore(_) => ElementKind::DataStore,
        }
    }

    pub fn key(self) -> &'a Key {
        common_field!(self, key)
    }

    /// The element's identity: the one written in the model, else the one derived from its key.
    pub fn id(self) -> Uuid {
        let explicit: &Option<Uuid> = common_field!(self, id);
        explicit.unwrap_or_else(|| id::derived(self.kind().section(), self.key()))
    }

    /// Display name: the name, or the key when no name is given.
    pub fn name(self) -> &'a str {
        let name: &'a Option<String> = common_field!(self, name);
        name.as_deref().unwrap_or(self.key().as_str())
    }

    pub fn description(self) -> Option<&'a str> {
        let d: &'a Option<String> = common_field!(self, description);
        d.as_deref()
    }

    pub fn position(self) -> Option<Position> {
        *common_field!(self, position)
    }

    pub fn size(self) -> Option<Size> {
        *common_field!(self, size)
    }
}
