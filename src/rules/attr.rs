//! The attributes rules compare: each subject's stated properties (named as in YAML) and
//! derived facts from `graph`. One table per kind of subject; a rule naming an attribute
//! that is not in its subject's table is refused when the rule is loaded.

use crate::graph::paths::{flow_authentication, flow_encrypted};
use crate::graph::{Facts, TrustRank};
use crate::model::props::*;
use crate::model::{ApiEntry, DataAsset, DataStore, ElementRef, ExternalEntity, Flow, Process};
use std::collections::BTreeSet;

/// What a rule is evaluated on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectKind {
    ExternalEntity,
    Process,
    DataStore,
    Flow,
    Api,
    DataAsset,
    Model,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 7] = [
        SubjectKind::ExternalEntity,
        SubjectKind::Process,
        SubjectKind::DataStore,
        SubjectKind::Flow,
        SubjectKind::Api,
        SubjectKind::DataAsset,
        SubjectKind::Model,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::ExternalEntity => "external entity",
            SubjectKind::Process => "process",
            SubjectKind::DataStore => "data store",
            SubjectKind::Flow => "flow",
            SubjectKind::Api => "API",
            SubjectKind::DataAsset => "data asset",
            SubjectKind::Model => "model",
        }
    }

    /// The kind's own attributes, then (for elements) the facts every element has.
    pub fn tables(self) -> [&'static [Attr]; 2] {
        match self {
            SubjectKind::ExternalEntity => [ENTITY, ELEMENT_FACTS],
            SubjectKind::Process => [PROCESS, ELEMENT_FACTS],
            SubjectKind::DataStore => [STORE, ELEMENT_FACTS],
            SubjectKind::Flow => [FLOW, &[]],
            SubjectKind::Api => [API, &[]],
            SubjectKind::DataAsset => [ASSET, &[]],
            SubjectKind::Model => [MODEL, &[]],
        }
    }

    /// Every attribute of the kind.
    pub fn attrs(self) -> impl Iterator<Item = &'static Attr> {
        let [own, shared] = self.tables();
        own.iter().chain(shared.iter())
    }

    /// The attribute at an index returned by [`find`].
    pub fn attr(self, index: usize) -> &'static Attr {
        let [own, shared] = self.tables();
        if index < own.len() { &own[index] } else { &shared[index - own.len()] }
    }
}

/// The type of an attribute, and the words it may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrType {
    Bool,
    Num,
    /// One word of a vocabulary.
    Word(&'static [&'static str]),
    /// A set of words of a vocabulary.
    Words(&'static [&'static str]),
    /// A set of free words (tags, versions).
    Tags,
    Text,
}

impl AttrType {
    pub fn describe(self) -> String {
        match self {
            AttrType::Bool => "true or false".into(),
            AttrType::Num => "a whole number".into(),
            AttrType::Word(w) => format!("one of {}", w.join(", ")),
            AttrType::Words(w) => format!("a set of {}", w.join(", ")),
            AttrType::Tags => "a set of words".into(),
            AttrType::Text => "text".into(),
        }
    }
}

/// An attribute's value on one subject. `Unknown` is "not stated" (or, for derived facts,
/// not determinable from the model).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val<'a> {
    Unknown,
    Bool(bool),
    Num(u64),
    Word(&'static str),
    Words(Vec<&'a str>),
    Text(&'a str),
}

pub type Getter = for<'a, 'm> fn(&'a Facts<'m>, usize) -> Val<'a>;

pub struct Attr {
    pub name: &'static str,
    pub ty: AttrType,
    /// Computed from the model's structure rather than stated.
    pub derived: bool,
    pub doc: &'static str,
    pub get: Getter,
}

/// Looks an attribute up by name.
pub fn find(kind: SubjectKind, name: &str) -> Option<(usize, &'static Attr)> {
    kind.attrs().enumerate().find(|(_, a)| a.name == name)
}

// ---------------------------------------------------------------- value helpers

fn b(v: Option<bool>) -> Val<'static> {
    v.map_or(Val::Unknown, Val::Bool)
}
fn w<T: Word>(v: Option<T>) -> Val<'static> {
    v.map_or(Val::Unknown, |x| Val::Word(x.word()))
}
fn n(v: Option<u64>) -> Val<'static> {
    v.map_or(Val::Unknown, Val::Num)
}
/// A limit as a number: `unlimited` compares above every number.
fn lim(v: Option<Limit>) -> Val<'static> {
    v.map_or(Val::Unknown, |l| Val::Num(l.as_number()))
}
fn t(v: &Option<String>) -> Val<'_> {
    v.as_deref().map_or(Val::Unknown, Val::Text)
}
fn set<T: Word>(v: &BTreeSet<T>) -> Val<'static> {
    Val::Words(v.iter().map(|x| x.word()).collect())
}
fn tags(v: &BTreeSet<String>) -> Val<'_> {
    Val::Words(v.iter().map(String::as_str).collect())
}
fn trust_word(r: Option<TrustRank>) -> Val<'static> {
    Val::Word(match r {
        None => return Val::Unknown,
        Some(TrustRank::Untrusted) => "untrusted",
        Some(TrustRank::Low) => "low",
        Some(TrustRank::Medium) => "medium",
        Some(TrustRank::High) => "high",
    })
}

const TRUST_RANKS: &[&str] = &["untrusted", "low", "medium", "high"];
const ELEMENT_KINDS: &[&str] = &["external-entity", "process", "data-store"];

fn entity<'a>(f: &'a Facts<'_>, i: usize) -> &'a ExternalEntity {
    match f.elements[i] {
        ElementRef::ExternalEntity(x) => x,
        _ => unreachable!("entity attribute on another kind: the engine dispatches by kind"),
    }
}
fn process<'a>(f: &'a Facts<'_>, i: usize) -> &'a Process {
    match f.elements[i] {
        ElementRef::Process(x) => x,
        _ => unreachable!("process attribute on another kind: the engine dispatches by kind"),
    }
}
fn store<'a>(f: &'a Facts<'_>, i: usize) -> &'a DataStore {
    match f.elements[i] {
        ElementRef::DataStore(x) => x,
        _ => unreachable!("data store attribute on another kind: the engine dispatches by kind"),
    }
}
fn flow<'a>(f: &'a Facts<'_>, i: usize) -> &'a Flow {
    &f.model.flows[i]
}
/// Whether a flow moves a sensitive asset its receiver does not need (data minimisation):
/// one it carries (`forward`) or one it returns (`!forward`), as `not_needed` names it.
fn unneeded_sensitive(f: &Facts<'_>, fl: &Flow, forward: Option<bool>) -> bool {
    fl.not_needed
        .iter()
        .filter(|k| match forward {
            None => true,
            Some(true) => fl.carries.contains(k),
            Some(false) => fl.returns.contains(k),
        })
        .filter_map(|k| f.asset_index(k.as_str()))
        .any(|a| crate::graph::facts::is_sensitive(f.asset(a)))
}
/// Number of the process's operations that match; unknown when it lists none.
fn ops(f: &Facts<'_>, i: usize, pred: impl Fn(&Process, &crate::model::Operation) -> bool) -> Val<'static> {
    let p = process(f, i);
    if p.operations.is_empty() {
        return Val::Unknown;
    }
    Val::Num(p.operations.iter().filter(|op| pred(p, op)).count() as u64)
}
fn api<'a>(f: &'a Facts<'_>, i: usize) -> &'a ApiEntry {
    &f.model.apis[i]
}
fn asset<'a>(f: &'a Facts<'_>, i: usize) -> &'a DataAsset {
    &f.model.data_assets[i]
}

macro_rules! attr {
    ($name:literal, $ty:expr, $doc:literal, $get:expr) => {
        Attr { name: $name, ty: $ty, derived: false, doc: $doc, get: $get }
    };
    (derived $name:literal, $ty:expr, $doc:literal, $get:expr) => {
        Attr { name: $name, ty: $ty, derived: true, doc: $doc, get: $get }
    };
}

/// Derived facts every element has, whatever its kind.
pub static ELEMENT_FACTS: &[Attr] = &[
    attr!(derived "internet_exposed", AttrType::Bool, "Exposed to the internet: stated, or fed directly by an anonymous or internet entity, or publicly accessible.", |f, i| Val::Bool(f.element(i).internet_exposed)),
    attr!(derived "anonymously_reachable", AttrType::Bool, "An anonymous entity can reach it through flows.", |f, i| Val::Bool(f.element(i).reach.anonymous.is_some())),
    attr!(derived "untrusted_reachable", AttrType::Bool, "An untrusted entity (anonymous, user, partner, vendor) can reach it through flows.", |f, i| Val::Bool(f.element(i).reach.untrusted.is_some())),
    attr!(derived "anonymous_distance", AttrType::Num, "Flows between it and the nearest anonymous entity (unknown when none reaches).", |f, i| n(f.element(i).reach.anonymous.map(u64::from))),
    attr!(derived "untrusted_distance", AttrType::Num, "Flows between it and the nearest untrusted entity (unknown when none reaches).", |f, i| n(f.element(i).reach.untrusted.map(u64::from))),
    attr!(derived "on_attack_path", AttrType::Bool, "Lies on an attack path from an untrusted entity to a store of sensitive data.", |f, i| Val::Bool(f.element(i).on_attack_path)),
    attr!(derived "zone_trust", AttrType::Word(TRUST_RANKS), "Trust of where it sits: its innermost boundary with a stated trust (entities: their own trust).", |f, i| trust_word(f.element(i).trust)),
    attr!(derived "in_boundary", AttrType::Bool, "Inside at least one trust boundary.", |f, i| Val::Bool(f.element(i).boundary.is_some())),
    attr!(derived "only_public_data", AttrType::Bool, "Every data asset it handles is classified public (and it handles at least one).", |f, i| {
        let assets = &f.element(i).assets;
        Val::Bool(
            !assets.is_empty()
                && assets.iter().all(|&a| f.asset(a).classification == Some(crate::model::props::Classification::Public)),
        )
    }),
    attr!(derived "element", AttrType::Word(ELEMENT_KINDS), "What kind of element it is.", |f, i| Val::Word(f.elements[i].kind().as_str())),
    attr!(derived "flows_in", AttrType::Num, "Number of flows into it.", |f, i| Val::Num(f.element(i).flows_in.len() as u64)),
    attr!(derived "flows_out", AttrType::Num, "Number of flows out of it.", |f, i| Val::Num(f.element(i).flows_out.len() as u64)),
    attr!(derived "sends_unneeded_sensitive", AttrType::Bool, "It sends a sensitive asset its receiver does not need (`not_needed`): carried on a flow out, or returned on a flow in.", |f, i| {
        let ef = f.element(i);
        Val::Bool(
            ef.flows_out.iter().any(|&j| unneeded_sensitive(f, flow(f, j), Some(true)))
                || ef.flows_in.iter().any(|&j| unneeded_sensitive(f, flow(f, j), Some(false))),
        )
    }),
    attr!(derived "carries_unneeded_sensitive", AttrType::Bool, "A flow out of it carries a sensitive asset its receiver does not need (`not_needed`): feeds, exports, calls it makes.", |f, i| {
        Val::Bool(f.element(i).flows_out.iter().any(|&j| unneeded_sensitive(f, flow(f, j), Some(true))))
    }),
    attr!(derived "returns_unneeded_sensitive", AttrType::Bool, "It answers a caller with a sensitive asset the caller does not need (`not_needed` of what a flow into it `returns`).", |f, i| {
        Val::Bool(f.element(i).flows_in.iter().any(|&j| unneeded_sensitive(f, flow(f, j), Some(false))))
    }),
];

pub static ENTITY: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(entity(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The name.", |f, i| t(&entity(f, i).name)),
    attr!("owner", AttrType::Text, "Who is responsible.", |f, i| t(&entity(f, i).owner)),
    attr!("trust", AttrType::Word(TrustLevel::NAMES), "How far the entity is trusted.", |f, i| w(entity(f, i).trust)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&entity(f, i).tags)),
    attr!(
        "attestations",
        AttrType::Words(Attestation::NAMES),
        "Vendor attestations held (unknown while none is listed; `none` states that it holds none).",
        |f, i| entity(f, i)
            .vendor
            .as_ref()
            .filter(|v| !v.attestations.is_empty())
            .map_or(Val::Unknown, |v| set(&v.attestations))
    ),
    attr!(
        "data_processing_agreement",
        AttrType::Bool,
        "A data processing agreement is signed with the vendor.",
        |f, i| b(entity(f, i).vendor.as_ref().and_then(|v| v.data_processing_agreement))
    ),
    attr!("responses_validated", AttrType::Bool, "The vendor's responses are validated before use.", |f, i| b(entity(
        f, i
    )
    .vendor
    .as_ref()
    .and_then(|v| v.responses_validated))),
    attr!("data_location", AttrType::Text, "Where the vendor keeps the data it receives.", |f, i| entity(f, i)
        .vendor
        .as_ref()
        .map_or(Val::Unknown, |v| t(&v.data_location))),
    attr!(
        "vendor_retention_days",
        AttrType::Num,
        "How long the vendor keeps the data it receives, in days.",
        |f, i| n(entity(f, i).vendor.as_ref().and_then(|v| v.retention_days).map(u64::from))
    ),
    attr!("deletion_path", AttrType::Bool, "The vendor can be made to delete a person's data on request.", |f, i| b(
        entity(f, i).vendor.as_ref().and_then(|v| v.deletion_path)
    )),
    attr!("embedded_secret", AttrType::Bool, "The client ships with a secret built in.", |f, i| b(
        entity(f, i).embedded_secret
    )),
    attr!(derived "untrusted", AttrType::Bool, "Counts as untrusted: any trust but operator or internal (unstated counts as untrusted).", |f, i| Val::Bool(crate::graph::facts::is_untrusted(entity(f, i).trust))),
];

pub static PROCESS: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(process(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The name.", |f, i| t(&process(f, i).name)),
    attr!("owner", AttrType::Text, "Who is responsible.", |f, i| t(&process(f, i).owner)),
    attr!("kind", AttrType::Word(ProcessKind::NAMES), "What the process is.", |f, i| w(process(f, i).kind)),
    attr!("technology", AttrType::Text, "Product or stack.", |f, i| t(&process(f, i).technology)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&process(f, i).tags)),
    attr!("internet_facing", AttrType::Bool, "Stated as reachable from the internet.", |f, i| b(
        process(f, i).internet_facing
    )),
    attr!("authentication", AttrType::Word(Authentication::NAMES), "How callers authenticate.", |f, i| w(process(
        f, i
    )
    .authentication)),
    attr!("authorization", AttrType::Words(Authorization::NAMES), "Authorization checks performed.", |f, i| process(
        f, i
    )
    .authorization
    .as_ref()
    .map_or(Val::Unknown, set)),
    attr!("rate_limited", AttrType::Bool, "Requests are rate limited.", |f, i| b(process(f, i).rate_limited)),
    attr!("rate_limit_per_minute", AttrType::Num, "The rate limit per client per minute.", |f, i| n(process(f, i)
        .rate_limit_per_minute
        .map(u64::from))),
    attr!(
        "max_request_bytes",
        AttrType::Num,
        "Largest request body accepted (`unlimited` compares above every number).",
        |f, i| lim(process(f, i).max_request_bytes)
    ),
    attr!(
        "max_page_size",
        AttrType::Num,
        "Most items one response returns (`unlimited` compares above every number).",
        |f, i| lim(process(f, i).max_page_size)
    ),
    attr!("paginates_results", AttrType::Bool, "Collections are paginated.", |f, i| b(process(f, i).paginates_results)),
    attr!("input_validation", AttrType::Bool, "Input is validated.", |f, i| b(process(f, i).input_validation)),
    attr!("output_encoding", AttrType::Bool, "Output is encoded.", |f, i| b(process(f, i).output_encoding)),
    attr!("response_filtering", AttrType::Bool, "Responses carry only needed fields.", |f, i| b(
        process(f, i).response_filtering
    )),
    attr!("parameterized_queries", AttrType::Bool, "Queries are parameterised.", |f, i| b(
        process(f, i).parameterized_queries
    )),
    attr!("logging", AttrType::Word(Logging::NAMES), "Security logging.", |f, i| w(process(f, i).logging)),
    attr!("monitoring", AttrType::Bool, "Activity is monitored with alerts.", |f, i| b(process(f, i).monitoring)),
    attr!("secrets_storage", AttrType::Word(SecretsStorage::NAMES), "Where secrets are kept.", |f, i| w(
        process(f, i).secrets_storage
    )),
    attr!("key_rotation", AttrType::Bool, "Keys are rotated.", |f, i| b(process(f, i).key_rotation)),
    attr!("least_privilege", AttrType::Bool, "Its credentials grant only what it needs.", |f, i| b(
        process(f, i).least_privilege
    )),
    attr!("fetches_user_urls", AttrType::Bool, "Fetches URLs callers supply.", |f, i| b(
        process(f, i).fetches_user_urls
    )),
    attr!(
        "egress_filtering",
        AttrType::Bool,
        "Outbound requests cannot reach internal or metadata addresses.",
        |f, i| b(process(f, i).egress_filtering)
    ),
    attr!("validates_webhook_signatures", AttrType::Bool, "Verifies signatures of incoming webhooks.", |f, i| b(
        process(f, i).validates_webhook_signatures
    )),
    attr!("sensitive_business_flows", AttrType::Bool, "Exposes business flows automation can abuse.", |f, i| b(
        process(f, i).sensitive_business_flows
    )),
    attr!("anti_automation", AttrType::Bool, "Protects against automated abuse.", |f, i| b(
        process(f, i).anti_automation
    )),
    attr!("cors", AttrType::Word(Cors::NAMES), "Cross-origin policy.", |f, i| w(process(f, i).cors)),
    attr!("security_headers", AttrType::Bool, "Sets security headers.", |f, i| b(process(f, i).security_headers)),
    attr!("verbose_errors", AttrType::Bool, "Errors include internal details.", |f, i| b(process(f, i).verbose_errors)),
    attr!("hardened", AttrType::Bool, "Hardened to a baseline.", |f, i| b(process(f, i).hardened)),
    attr!("log_redaction", AttrType::Bool, "Masks credentials and card data before logging.", |f, i| b(
        process(f, i).log_redaction
    )),
    attr!("property_allowlist", AttrType::Bool, "Binds only allow-listed writable properties.", |f, i| b(process(
        f, i
    )
    .property_allowlist)),
    attr!("outbound_timeouts", AttrType::Bool, "Outbound calls have timeouts, caps and circuit breakers.", |f, i| b(
        process(f, i).outbound_timeouts
    )),
    attr!("attempt_limits", AttrType::Bool, "Limits repeated failed guesses per account.", |f, i| b(
        process(f, i).attempt_limits
    )),
    attr!("step_up", AttrType::Bool, "Sensitive account changes need re-authentication.", |f, i| b(
        process(f, i).step_up
    )),
    attr!("shared_credentials", AttrType::Bool, "Callers share one credential.", |f, i| b(
        process(f, i).shared_credentials
    )),
    attr!("tenant_source", AttrType::Word(TenantSource::NAMES), "Where the request's tenant comes from.", |f, i| w(
        process(f, i).tenant_source
    )),
    attr!("parses_uploads", AttrType::Bool, "Parses files callers upload.", |f, i| b(process(f, i).parses_uploads)),
    attr!("upload_checks", AttrType::Bool, "Checks uploaded content (type, size, malware).", |f, i| b(
        process(f, i).upload_checks
    )),
    attr!("sandboxed", AttrType::Bool, "Risky work runs in a sandbox.", |f, i| b(process(f, i).sandboxed)),
    attr!(
        "metadata_service",
        AttrType::Word(MetadataService::NAMES),
        "Access to the cloud instance metadata service.",
        |f, i| w(process(f, i).metadata_service)
    ),
    attr!(
        "impersonation_attributed",
        AttrType::Bool,
        "Staff acting as a user are named in the audit trail.",
        |f, i| b(process(f, i).impersonation_attributed)
    ),
    attr!("parses_xml", AttrType::Bool, "Parses XML from callers or partners.", |f, i| b(process(f, i).parses_xml)),
    attr!("xml_external_entities", AttrType::Bool, "Its XML parser resolves DTDs and external entities.", |f, i| b(
        process(f, i).xml_external_entities
    )),
    attr!(
        "identity_from_headers",
        AttrType::Bool,
        "Takes the caller's identity from headers an upstream sets.",
        |f, i| b(process(f, i).identity_from_headers)
    ),
    attr!(
        "network_isolation",
        AttrType::Word(NetworkIsolation::NAMES),
        "What limits who can reach it on the network.",
        |f, i| w(process(f, i).network_isolation)
    ),
    attr!("instance_role", AttrType::Word(InstanceRole::NAMES), "What the cloud role of its host may do.", |f, i| w(
        process(f, i).instance_role
    )),
    attr!("webhook_replay_protection", AttrType::Bool, "Replayed webhooks are refused.", |f, i| b(
        process(f, i).webhook_replay_protection
    )),
    attr!("mfa", AttrType::Word(Mfa::NAMES), "Multi-factor authentication at sign-in (`session.mfa`).", |f, i| w(
        process(f, i).session.as_ref().and_then(|s| s.mfa)
    )),
    attr!(
        "csrf_protection",
        AttrType::Bool,
        "State-changing requests are protected against cross-site request forgery (`session.csrf_protection`).",
        |f, i| b(process(f, i).session.as_ref().and_then(|s| s.csrf_protection))
    ),
    attr!(
        "session_lifetime_minutes",
        AttrType::Num,
        "Longest a session lasts, in minutes (`session.lifetime_minutes`; `unlimited` compares above every number).",
        |f, i| lim(process(f, i).session.as_ref().and_then(|s| s.lifetime_minutes))
    ),
    attr!(
        "session_idle_timeout_minutes",
        AttrType::Num,
        "Idle minutes before a session ends (`session.idle_timeout_minutes`; `unlimited` compares above every number).",
        |f, i| lim(process(f, i).session.as_ref().and_then(|s| s.idle_timeout_minutes))
    ),
    attr!(
        "graphql_max_depth",
        AttrType::Num,
        "Deepest GraphQL query accepted (`graphql.max_depth`; `unlimited` compares above every number).",
        |f, i| lim(process(f, i).graphql.as_ref().and_then(|g| g.max_depth))
    ),
    attr!(
        "graphql_max_cost",
        AttrType::Num,
        "Largest GraphQL query cost accepted (`graphql.max_cost`; `unlimited` compares above every number).",
        |f, i| lim(process(f, i).graphql.as_ref().and_then(|g| g.max_cost))
    ),
    attr!(
        "graphql_batching",
        AttrType::Word(Batching::NAMES),
        "Several GraphQL operations in one request (`graphql.batching`).",
        |f, i| w(process(f, i).graphql.as_ref().and_then(|g| g.batching))
    ),
    attr!(
        "graphql_introspection",
        AttrType::Bool,
        "GraphQL introspection is enabled in production (`graphql.introspection`).",
        |f, i| b(process(f, i).graphql.as_ref().and_then(|g| g.introspection))
    ),
    attr!(derived "graphql_unbounded", AttrType::Bool, "A GraphQL endpoint that bounds neither depth nor cost: both unlimited, or one unlimited and the other unstated (unknown while neither is stated).", |f, i| {
        let Some(g) = process(f, i).graphql.as_ref() else { return Val::Unknown };
        let bounded = |l: Option<Limit>| l.map(|l| l != Limit::Unlimited);
        match (bounded(g.max_depth), bounded(g.max_cost)) {
            (Some(true), _) | (_, Some(true)) => Val::Bool(false),
            (None, None) => Val::Unknown,
            _ => Val::Bool(true),
        }
    }),
    attr!(derived "operation_count", AttrType::Num, "Number of operations listed (`operations`).", |f, i| Val::Num(process(f, i).operations.len() as u64)),
    attr!(derived "anonymous_operations", AttrType::Num, "Operations anyone may call without signing in (access anonymous or optional-login).", |f, i| ops(f, i, |_, op| op.open_to_anyone())),
    attr!(derived "anonymous_state_changing_operations", AttrType::Num, "Operations anyone may call without signing in that change state.", |f, i| ops(f, i, |_, op| {
        op.open_to_anyone() && op.changes_state == Some(true)
    })),
    attr!(derived "admin_operations", AttrType::Num, "Administrative operations.", |f, i| ops(f, i, |_, op| op.admin == Some(true))),
    attr!(derived "anonymous_admin_operations", AttrType::Num, "Administrative operations anyone may call without signing in.", |f, i| ops(f, i, |_, op| {
        op.admin == Some(true) && op.open_to_anyone()
    })),
    attr!(derived "unchecked_admin_operations", AttrType::Num, "Administrative operations with no role or function-level check (their own `authorization`, else the process's, states neither).", |f, i| ops(f, i, |p, op| {
        op.admin == Some(true)
            && op.authorization.as_ref().or(p.authorization.as_ref()).is_some_and(|a| {
                !a.contains(&Authorization::Role) && !a.contains(&Authorization::FunctionLevel)
            })
    })),
    attr!(derived "in_api_inventory", AttrType::Bool, "An API in the inventory names it as its provider.", |f, i| {
        let key = &process(f, i).key;
        Val::Bool(f.model.apis.iter().any(|a| a.provider.as_ref() == Some(key)))
    }),
];

pub static STORE: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(store(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The name.", |f, i| t(&store(f, i).name)),
    attr!("owner", AttrType::Text, "Who is responsible.", |f, i| t(&store(f, i).owner)),
    attr!("kind", AttrType::Word(StoreKind::NAMES), "What kind of store.", |f, i| w(store(f, i).kind)),
    attr!("technology", AttrType::Text, "Product.", |f, i| t(&store(f, i).technology)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&store(f, i).tags)),
    attr!("encrypted_at_rest", AttrType::Bool, "Encrypted at rest.", |f, i| b(store(f, i).encrypted_at_rest)),
    attr!("access_control", AttrType::Word(AccessControl::NAMES), "Who may read and write it.", |f, i| w(
        store(f, i).access_control
    )),
    attr!("backups", AttrType::Bool, "Backed up.", |f, i| b(store(f, i).backups)),
    attr!("retention_days", AttrType::Num, "Retention period in days.", |f, i| n(store(f, i)
        .retention_days
        .map(u64::from))),
    attr!("disposal", AttrType::Word(Disposal::NAMES), "Disposal at the end of retention.", |f, i| w(
        store(f, i).disposal
    )),
    attr!("publicly_accessible", AttrType::Bool, "Reachable from the internet directly.", |f, i| b(
        store(f, i).publicly_accessible
    )),
    attr!("append_only", AttrType::Bool, "Records cannot be altered once written.", |f, i| b(store(f, i).append_only)),
    attr!(
        "tenant_isolation",
        AttrType::Word(TenantIsolation::NAMES),
        "How tenants' records are kept apart.",
        |f, i| w(store(f, i).tenant_isolation)
    ),
];

pub static FLOW: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(flow(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The label.", |f, i| t(&flow(f, i).name)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&flow(f, i).tags)),
    attr!("protocol", AttrType::Word(Protocol::NAMES), "Application protocol.", |f, i| w(flow(f, i).protocol)),
    attr!("port", AttrType::Num, "Port.", |f, i| n(flow(f, i).port.map(u64::from))),
    attr!("encryption", AttrType::Word(Encryption::NAMES), "Stated encryption in transit.", |f, i| w(
        flow(f, i).encryption
    )),
    attr!(
        "authentication",
        AttrType::Word(Authentication::NAMES),
        "Stated authentication of the sender on this flow.",
        |f, i| w(flow(f, i).authentication)
    ),
    attr!("signed", AttrType::Bool, "Messages are signed.", |f, i| b(flow(f, i).signed)),
    attr!("credentials_in", AttrType::Word(CredentialPlace::NAMES), "Where the sender puts its credential.", |f, i| w(
        flow(f, i).credentials_in
    )),
    attr!(derived "returns_data", AttrType::Bool, "Data assets come back in the response (`returns`).", |f, i| Val::Bool(!flow(f, i).returns.is_empty())),
    attr!(derived "sends_unneeded_sensitive", AttrType::Bool, "Some sensitive asset it carries or returns is in `not_needed`.", |f, i| {
        Val::Bool(unneeded_sensitive(f, flow(f, i), None))
    }),
    attr!("bidirectional", AttrType::Bool, "Data moves both ways.", |f, i| Val::Bool(flow(f, i).bidirectional)),
    attr!(derived "encrypted", AttrType::Bool, "Encrypted in transit: from `encryption`, else from the protocol (https yes, http no).", |f, i| b(flow_encrypted(flow(f, i)))),
    attr!(derived "effective_authentication", AttrType::Word(Authentication::NAMES), "The flow's `authentication`, else its receiving process's.", |f, i| {
        let fl = flow(f, i);
        w(flow_authentication(fl, f.flow(i).to.map(|e| f.elements[e])))
    }),
    attr!(derived "crosses_boundary", AttrType::Bool, "Its ends are in different trust boundaries.", |f, i| Val::Bool(f.flow(i).crosses_boundary())),
    attr!(derived "crossings", AttrType::Num, "Number of boundaries left and entered.", |f, i| Val::Num(f.flow(i).crossed.len() as u64)),
    attr!(derived "enters_higher_trust", AttrType::Bool, "Goes into a more trusted place.", |f, i| Val::Bool(f.flow(i).enters_higher_trust())),
    attr!(derived "leaves_to_lower_trust", AttrType::Bool, "Goes into a less trusted place.", |f, i| Val::Bool(f.flow(i).leaves_to_lower_trust())),
    attr!(derived "from_trust", AttrType::Word(TRUST_RANKS), "Trust of where the sender sits.", |f, i| trust_word(f.flow(i).from_trust)),
    attr!(derived "to_trust", AttrType::Word(TRUST_RANKS), "Trust of where the receiver sits.", |f, i| trust_word(f.flow(i).to_trust)),
];

pub static API: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(api(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The name.", |f, i| t(&api(f, i).name)),
    attr!("owner", AttrType::Text, "Who is responsible.", |f, i| t(&api(f, i).owner)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&api(f, i).tags)),
    attr!("direction", AttrType::Word(ApiDirection::NAMES), "Exposed or consumed.", |f, i| w(api(f, i).direction)),
    attr!("audience", AttrType::Word(ApiAudience::NAMES), "Who it is meant for.", |f, i| w(api(f, i).audience)),
    attr!("status", AttrType::Word(ApiStatus::NAMES), "Lifecycle state.", |f, i| w(api(f, i).status)),
    attr!("version", AttrType::Text, "Current version.", |f, i| t(&api(f, i).version)),
    attr!("spec", AttrType::Text, "Specification path or URL.", |f, i| t(&api(f, i).spec)),
    attr!("documented", AttrType::Bool, "Every operation is in the specification.", |f, i| b(api(f, i).documented)),
    attr!(derived "owner_stated", AttrType::Bool, "An owner is named (from `owner`).", |f, i| Val::Bool(api(f, i).owner.is_some())),
    attr!("exposed_versions", AttrType::Tags, "Versions reachable in production.", |f, i| tags(
        &api(f, i).exposed_versions
    )),
    attr!("deprecated_versions", AttrType::Tags, "Versions declared deprecated.", |f, i| tags(
        &api(f, i).deprecated_versions
    )),
    attr!(derived "deprecated_version_exposed", AttrType::Bool, "A deprecated version is still reachable in production.", |f, i| {
        let a = api(f, i);
        Val::Bool(a.deprecated_versions.iter().any(|v| a.exposed_versions.contains(v)))
    }),
    attr!(derived "exposed_version_count", AttrType::Num, "Number of versions reachable in production.", |f, i| Val::Num(api(f, i).exposed_versions.len() as u64)),
];

pub static ASSET: &[Attr] = &[
    attr!("key", AttrType::Text, "The key.", |f, i| Val::Text(asset(f, i).key.as_str())),
    attr!("name", AttrType::Text, "The name.", |f, i| t(&asset(f, i).name)),
    attr!("owner", AttrType::Text, "Who is responsible.", |f, i| t(&asset(f, i).owner)),
    attr!("tags", AttrType::Tags, "Tags.", |f, i| tags(&asset(f, i).tags)),
    attr!("classification", AttrType::Word(Classification::NAMES), "Sensitivity class.", |f, i| w(
        asset(f, i).classification
    )),
    attr!("categories", AttrType::Words(DataCategory::NAMES), "Regulated or sensitive categories.", |f, i| set(
        &asset(f, i).categories
    )),
    attr!("confidentiality", AttrType::Word(Need::NAMES), "Confidentiality need.", |f, i| w(
        asset(f, i).confidentiality
    )),
    attr!("integrity", AttrType::Word(Need::NAMES), "Integrity need.", |f, i| w(asset(f, i).integrity)),
    attr!("availability", AttrType::Word(Need::NAMES), "Availability need.", |f, i| w(asset(f, i).availability)),
    attr!("purpose", AttrType::Text, "Why it is needed.", |f, i| t(&asset(f, i).purpose)),
    attr!(
        "lifetime_minutes",
        AttrType::Num,
        "How long a credential stays valid, in minutes (`unlimited` compares above every number).",
        |f, i| lim(asset(f, i).lifetime_minutes)
    ),
    attr!(derived "sensitive", AttrType::Bool, "Restricted or confidential, or personal, cardholder, credentials, health, secrets, business-confidential or intellectual property.", |f, i| Val::Bool(crate::graph::facts::is_sensitive(asset(f, i)))),
    attr!(derived "reach", AttrType::Num, "Number of elements that carry or store it.", |f, i| Val::Num(f.asset_reach(i) as u64)),
    attr!(derived "stored_in", AttrType::Num, "Number of data stores that hold it.", |f, i| Val::Num(f.asset_store_count(i) as u64)),
    attr!(derived "vendors_receiving", AttrType::Num, "Number of third-party vendors that receive it.", |f, i| Val::Num(f.asset_vendor_count(i) as u64)),
];

pub static MODEL: &[Attr] = &[
    attr!(derived "boundary_count", AttrType::Num, "Number of trust boundaries.", |f, _| Val::Num(f.model.boundaries.len() as u64)),
    attr!(derived "api_count", AttrType::Num, "Number of APIs in the inventory.", |f, _| Val::Num(f.model.apis.len() as u64)),
    attr!(derived "element_count", AttrType::Num, "Number of elements.", |f, _| Val::Num(f.elements.len() as u64)),
    attr!(derived "internet_exposed_count", AttrType::Num, "Number of elements exposed to the internet.", |f, _| Val::Num((0..f.elements.len()).filter(|&i| f.element(i).internet_exposed).count() as u64)),
    attr!(derived "data_asset_count", AttrType::Num, "Number of data assets.", |f, _| Val::Num(f.model.data_assets.len() as u64)),
];

/// The attribute reference for rule authors (`threatwright rules attributes`,
/// `docs/rule-attributes.md`), generated from the tables above.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Rule attributes\n\n\
         <!-- Generated from src/rules/attr.rs by `UPDATE_GENERATED=1 cargo test --test generated`; do not edit. -->\n\n\
         What a rule's `when` can compare, for each kind of subject. Stated attributes are the\n\
         model's properties (absent = not stated); derived ones are computed from the model's\n\
         structure. Comparisons (`eq`, `ne`, `in`, `not_in`, `lt`...) are false when the value\n\
         is not stated; `is_unknown` asks for that directly. Sets use `contains` / `contains_any`.\n",
    );
    for kind in SubjectKind::ALL {
        out.push_str(&format!(
            "\n## {}\n\n| attribute | type | | meaning |\n| --- | --- | --- | --- |\n",
            kind.label()
        ));
        for a in kind.attrs() {
            let ty = a.ty.describe();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                a.name,
                ty,
                if a.derived { "derived" } else { "stated" },
                a.doc
            ));
        }
    }
    out
}
