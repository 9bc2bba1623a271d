//! Threagile YAML → model: data assets with their classification and needs; technical
//! assets become external entities, processes or data stores; communication links
//! (written under their source asset) become flows; trust boundaries become boundaries
//! with their members and nesting as Threagile states them. Hand-written risks
//! (`individual_risk_categories`) and the decisions of `risk_tracking` become register
//! records (manual threats) with Threagile's status mapped to our lifecycle.
//!
//! Threagile computes most risks itself at run time, so a tracked risk of a built-in rule
//! is known only by its id (`category@asset@…`): it becomes a threat on the asset or link
//! the id names, ranked 3 × 3. Ids with wildcards (`*`) name no asset and are reported.
//!
//! Every problem of the file (wrong types, values outside Threagile's vocabularies,
//! references to ids that do not exist) is collected; the import fails with all of them
//! at once, each with its YAML path. See `docs/import-formats.md` §4 for the format.

use super::{Imported, Keys, NoteKind, Report, blank, blank_flow, rank_of, threat_id, threat_record};
use crate::model::props::{
    Authentication, BoundaryKind, Classification, DataCategory, Encryption, Need, ProcessKind, Protocol, StoreKind,
    TrustLevel,
};
use crate::model::{
    Boundary, DataAsset, DataStore, ExternalEntity, Key, Mitigation, MitigationStatus, Model, Process, Response,
    Stride, ThreatStatus,
};
use serde_norway::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const CONFIDENTIALITY: &[&str] = &["public", "internal", "restricted", "confidential", "strictly-confidential"];
const CRITICALITY: &[&str] = &["archive", "operational", "important", "critical", "mission-critical"];
const USAGE: &[&str] = &["business", "devops"];
const QUANTITY: &[&str] = &["very-few", "few", "many", "very-many"];
const ASSET_TYPES: &[&str] = &["external-entity", "process", "datastore"];
const SIZES: &[&str] = &["system", "service", "application", "component"];
const MACHINES: &[&str] = &["physical", "virtual", "container", "serverless"];
const ENCRYPTIONS: &[&str] = &[
    "none",
    "transparent",
    "data-with-symmetric-shared-key",
    "data-with-asymmetric-shared-key",
    "data-with-enduser-individual-key",
];
const AUTHENTICATIONS: &[&str] =
    &["none", "credentials", "session-id", "token", "client-certificate", "two-factor", "externalized"];
const AUTHORIZATIONS: &[&str] = &["none", "technical-user", "enduser-identity-propagation"];
const BOUNDARY_TYPES: &[&str] = &[
    "network-on-prem",
    "network-dedicated-hoster",
    "network-virtual-lan",
    "network-cloud-provider",
    "network-cloud-security-group",
    "network-policy-namespace-isolation",
    "execution-environment",
];
const RISK_STATUSES: &[&str] =
    &["unchecked", "in-discussion", "accepted", "in-progress", "mitigated", "false-positive"];
const STRIDE_WORDS: &[&str] =
    &["spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"];
const SEVERITIES: &[&str] = &["low", "medium", "elevated", "high", "critical"];
const LIKELIHOODS: &[&str] = &["unlikely", "likely", "very-likely", "frequent"];
const IMPACTS: &[&str] = &["low", "medium", "high", "very-high"];
const BREACH_PROBABILITIES: &[&str] = &["improbable", "possible", "probable"];
const FUNCTIONS: &[&str] = &["business-side", "architecture", "development", "operations"];

const TOP_FIELDS: &[&str] = &[
    "threagile_version",
    "includes",
    "title",
    "date",
    "author",
    "contributors",
    "management_summary_comment",
    "business_criticality",
    "business_overview",
    "technical_overview",
    "questions",
    "abuse_cases",
    "security_requirements",
    "tags_available",
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "individual_risk_categories",
    "risk_tracking",
];
const DATA_ASSET_FIELDS: &[&str] = &[
    "id",
    "description",
    "usage",
    "tags",
    "origin",
    "owner",
    "quantity",
    "confidentiality",
    "integrity",
    "availability",
    "justification_cia_rating",
];
const ASSET_FIELDS: &[&str] = &[
    "id",
    "description",
    "type",
    "usage",
    "used_as_client_by_human",
    "out_of_scope",
    "justification_out_of_scope",
    "size",
    "technology",
    "technologies",
    "tags",
    "internet",
    "machine",
    "encryption",
    "owner",
    "confidentiality",
    "integrity",
    "availability",
    "justification_cia_rating",
    "multi_tenant",
    "redundant",
    "custom_developed_parts",
    "data_assets_processed",
    "data_assets_stored",
    "data_formats_accepted",
    "communication_links",
];
const LINK_FIELDS: &[&str] = &[
    "target",
    "description",
    "protocol",
    "authentication",
    "authorization",
    "tags",
    "vpn",
    "ip_filtered",
    "readonly",
    "usage",
    "data_assets_sent",
    "data_assets_received",
];
const BOUNDARY_FIELDS: &[&str] =
    &["id", "description", "type", "tags", "technical_assets_inside", "trust_boundaries_nested"];
const RUNTIME_FIELDS: &[&str] = &["id", "description", "tags", "technical_assets_running"];
const CATEGORY_FIELDS: &[&str] = &[
    "id",
    "description",
    "impact",
    "asvs",
    "cheat_sheet",
    "action",
    "mitigation",
    "check",
    "function",
    "stride",
    "detection_logic",
    "risk_assessment",
    "false_positives",
    "model_failure_possible_reason",
    "cwe",
    "risks_identified",
];
const RISK_FIELDS: &[&str] = &[
    "severity",
    "exploitation_likelihood",
    "exploitation_impact",
    "data_breach_probability",
    "data_breach_technical_assets",
    "most_relevant_data_asset",
    "most_relevant_technical_asset",
    "most_relevant_communication_link",
    "most_relevant_trust_boundary",
    "most_relevant_shared_runtime",
];
const TRACKING_FIELDS: &[&str] = &["status", "justification", "ticket", "date", "checked_by"];

/// Reads a Threagile model. Errors name `source` and list every problem with its YAML
/// path (`technical_assets.<title>.communication_links.<title>.target`).
pub fn import(bytes: &[u8], source: &str) -> Result<Imported, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(format!("{source}: UTF-16 text is not read; save the Threagile model as UTF-8"));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("{source}: not UTF-8 text (byte {} is not valid UTF-8)", e.valid_up_to()))?;
    let root: Value = serde_norway::from_str(text).map_err(|e| format!("{source}: not valid YAML: {e}"))?;
    let Value::Mapping(top) = &root else {
        return Err(format!(
            "{source}: not a Threagile model: the document is {}, not a map of fields",
            describe(&root)
        ));
    };
    if !["threagile_version", "technical_assets", "data_assets"].into_iter().any(|k| top.contains_key(k)) {
        return Err(format!(
            "{source}: not a Threagile model (it has no `threagile_version`, `technical_assets` or `data_assets`)"
        ));
    }
    let mut cx = Cx::new(source);
    cx.read(top);
    cx.finish()
}

// ---------------------------------------------------------------------------------------
// YAML values

/// A field's value; none when absent or null (Threagile writes `field:` for "not set").
fn field<'v>(map: &'v Mapping, name: &str) -> Option<&'v Value> {
    map.get(name).filter(|v| !v.is_null())
}

/// A scalar as text (numbers and booleans too: `cwe: 285`, `id: 42`).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What a value is, for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(60).collect();
            format!("the text \"{short}\"")
        }
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a map".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

fn file_stem(source: &str) -> String {
    std::path::Path::new(source).file_stem().and_then(|s| s.to_str()).unwrap_or(source).to_owned()
}

/// A link's id as Threagile derives it: the source id, `>`, and the title in lower case
/// with every run of other characters than ASCII letters and digits replaced by `-`.
fn link_id(source: &str, title: &str) -> String {
    let mut id = format!("{source}>");
    let mut in_run = false;
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
            in_run = false;
        } else if !in_run {
            id.push('-');
            in_run = true;
        }
    }
    id
}

/// Text without HTML tags (risk titles are written as `<b>…</b> at <b>…</b>`).
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A rule id as words: `sql-nosql-injection` → "Sql nosql injection".
fn humanize(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary mappings

/// Threagile's confidentiality → our classification and confidentiality need. Threagile
/// has five levels (restricted below confidential), we have four.
fn classification_of(word: &str) -> (Classification, Need) {
    match word {
        "public" => (Classification::Public, Need::Low),
        "internal" => (Classification::Internal, Need::Low),
        "restricted" => (Classification::Confidential, Need::Medium),
        "confidential" => (Classification::Confidential, Need::High),
        _ => (Classification::Restricted, Need::High),
    }
}

/// Threagile's criticality (integrity, availability) → our need.
fn need_of(word: &str) -> Need {
    match word {
        "archive" | "operational" => Need::Low,
        "important" => Need::Medium,
        _ => Need::High,
    }
}

/// Words in a data asset's id, title, description or tags that suggest a category.
const CATEGORY_HINTS: &[(DataCategory, &[&str])] = &[
    (
        DataCategory::Personal,
        &["customer", "person", "patient", "pii", "policyholder", "employee", "date of birth", "address"],
    ),
    (DataCategory::Health, &["medical", "health", "patient", "diagnos"]),
    (DataCategory::Credentials, &["password", "credential", "token", "api key", "api-key", "session"]),
    (DataCategory::Financial, &["iban", "bank", "payment", "payout", "invoice", "salary"]),
    (DataCategory::Cardholder, &["card number", "credit card", "cardholder"]),
    (DataCategory::Secrets, &["secret", "private key", "encryption key"]),
];

/// Categories suggested by words, with the words that matched.
fn categories_of(text: &str) -> Vec<(DataCategory, &'static str)> {
    let text = text.to_lowercase();
    CATEGORY_HINTS
        .iter()
        .filter_map(|(category, words)| words.iter().find(|w| text.contains(**w)).map(|w| (*category, *w)))
        .collect()
}

fn process_kind(technology: &str) -> Option<ProcessKind> {
    Some(match technology {
        "web-application" | "web-server" | "cms" => ProcessKind::WebApp,
        "web-service-rest" | "web-service-soap" | "application-server" | "ejb" => ProcessKind::Service,
        "load-balancer" | "reverse-proxy" | "gateway" | "api-gateway" | "waf" => ProcessKind::Gateway,
        "identity-provider" => ProcessKind::IdentityProvider,
        "batch-processing" | "scheduler" | "task" | "event-listener" | "stream-processing" => ProcessKind::Worker,
        "function" => ProcessKind::Function,
        _ => return None,
    })
}

fn store_kind(technology: &str) -> Option<StoreKind> {
    Some(match technology {
        "database" | "identity-store-database" => StoreKind::Sql,
        "file-server" | "local-file-system" => StoreKind::FileSystem,
        "data-lake" => StoreKind::Warehouse,
        "message-queue" => StoreKind::Queue,
        "vault" | "hsm" => StoreKind::SecretsVault,
        "search-index" | "search-engine" => StoreKind::SearchIndex,
        "identity-store-ldap" => StoreKind::Other,
        _ => return None,
    })
}

/// Our protocol for a Threagile protocol word, and whether Threagile counts it as
/// encrypted (none: a local call, or a word we do not know).
fn protocol_of(word: &str) -> (Option<Protocol>, Option<bool>) {
    const LOCAL: &[&str] = &[
        "in-process-library-call",
        "in-memory",
        "inter-process-communication",
        "local-file-access",
        "container-spawning",
    ];
    const SECURE: &[&str] = &["https", "wss", "ftps", "sftp", "scp", "ssh", "ssh-tunnel", "ldaps"];
    const PLAIN: &[&str] = &[
        "http",
        "ws",
        "jdbc",
        "odbc",
        "sql-access-protocol",
        "nosql-access-protocol",
        "binary",
        "text",
        "ftp",
        "smtp",
        "pop3",
        "imap",
        "ldap",
        "jms",
        "iiop",
        "rmi",
        "nfs",
        "smb",
        "mqtt",
        "reverse-proxy-web-protocol",
    ];
    if word.is_empty() {
        return (None, None);
    }
    if LOCAL.contains(&word) {
        return (Some(Protocol::Other), None);
    }
    let (base, encrypted) = match word.strip_suffix("-encrypted") {
        Some(base) => (base, Some(true)),
        None if SECURE.contains(&word) => (word, Some(true)),
        None if PLAIN.contains(&word) => (word, Some(false)),
        None => (word, None),
    };
    let protocol = match base {
        "https" => Protocol::Https,
        "http" => Protocol::Http,
        "ws" | "wss" => Protocol::Websocket,
        "jdbc" | "odbc" | "sql-access-protocol" => Protocol::Sql,
        "ssh" | "ssh-tunnel" | "scp" => Protocol::Ssh,
        "sftp" => Protocol::Sftp,
        "ftp" => Protocol::Ftp,
        "smtp" => Protocol::Smtp,
        "ldap" | "ldaps" => Protocol::Ldap,
        "mqtt" => Protocol::Mqtt,
        "amqp" => Protocol::Amqp,
        "kafka" => Protocol::Kafka,
        "grpc" => Protocol::Grpc,
        _ => Protocol::Other,
    };
    (Some(protocol), encrypted)
}

/// Threagile's link authentication → ours. `two-factor` has no value of its own (the
/// flow is tagged); `externalized` (done by another component) is left unstated.
fn authentication_of(word: &str) -> Option<Authentication> {
    Some(match word {
        "none" => Authentication::None,
        "credentials" => Authentication::Basic,
        "session-id" | "two-factor" => Authentication::Session,
        "token" => Authentication::Oauth2,
        "client-certificate" => Authentication::Mtls,
        _ => return None,
    })
}

fn boundary_kind(word: &str) -> BoundaryKind {
    match word {
        "network-cloud-provider" | "network-cloud-security-group" => BoundaryKind::CloudAccount,
        "execution-environment" => BoundaryKind::Other,
        _ => BoundaryKind::Internal,
    }
}

fn stride_word(word: &str) -> Option<Stride> {
    Stride::ALL.into_iter().find(|s| s.as_str() == word)
}

/// STRIDE for the risk categories of Threagile's built-in rules that a tracked risk can
/// name (a fixed table, reported as inferred).
fn builtin_stride(category: &str) -> Option<Stride> {
    const TABLE: &[(&str, Stride)] = &[
        ("missing-authentication", Stride::Spoofing),
        ("missing-authentication-second-factor", Stride::Spoofing),
        ("cross-site-request-forgery", Stride::Spoofing),
        ("service-registry-poisoning", Stride::Spoofing),
        ("missing-identity-store", Stride::Spoofing),
        ("sql-nosql-injection", Stride::Tampering),
        ("ldap-injection", Stride::Tampering),
        ("search-query-injection", Stride::Tampering),
        ("cross-site-scripting", Stride::Tampering),
        ("code-backdooring", Stride::Tampering),
        ("container-baseimage-backdooring", Stride::Tampering),
        ("untrusted-deserialization", Stride::Tampering),
        ("missing-file-validation", Stride::Tampering),
        ("missing-waf", Stride::Tampering),
        ("missing-hardening", Stride::Tampering),
        ("missing-cloud-hardening", Stride::Tampering),
        ("missing-build-infrastructure", Stride::Tampering),
        ("push-instead-of-pull-deployment", Stride::Tampering),
        ("unchecked-deployment", Stride::Tampering),
        ("unencrypted-communication", Stride::InformationDisclosure),
        ("unencrypted-asset", Stride::InformationDisclosure),
        ("path-traversal", Stride::InformationDisclosure),
        ("xml-external-entity", Stride::InformationDisclosure),
        ("server-side-request-forgery", Stride::InformationDisclosure),
        ("accidental-secret-leak", Stride::InformationDisclosure),
        ("missing-vault", Stride::InformationDisclosure),
        ("wrong-communication-link-content", Stride::InformationDisclosure),
        ("incomplete-model", Stride::InformationDisclosure),
        ("dos-risky-access-across-trust-boundary", Stride::DenialOfService),
        ("missing-vault-isolation", Stride::ElevationOfPrivilege),
        ("missing-network-segmentation", Stride::ElevationOfPrivilege),
        ("missing-identity-provider-isolation", Stride::ElevationOfPrivilege),
        ("missing-identity-propagation", Stride::ElevationOfPrivilege),
        ("mixed-targets-on-shared-runtime", Stride::ElevationOfPrivilege),
        ("unguarded-access-from-internet", Stride::ElevationOfPrivilege),
        ("unguarded-direct-datastore-access", Stride::ElevationOfPrivilege),
        ("unnecessary-communication-link", Stride::ElevationOfPrivilege),
        ("unnecessary-technical-asset", Stride::ElevationOfPrivilege),
        ("unnecessary-data-transfer", Stride::ElevationOfPrivilege),
        ("unnecessary-data-asset", Stride::ElevationOfPrivilege),
        ("wrong-trust-boundary-content", Stride::ElevationOfPrivilege),
    ];
    TABLE.iter().find(|(id, _)| *id == category).map(|(_, s)| *s)
}

/// Exploitation likelihood and impact → our 1–5 scales.
fn likelihood_of(word: &str) -> u8 {
    match word {
        "unlikely" => 2,
        "likely" => 3,
        "very-likely" => 4,
        _ => 5,
    }
}

fn impact_of(word: &str) -> u8 {
    match word {
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        _ => 5,
    }
}

// ---------------------------------------------------------------------------------------
// The importer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AssetKind {
    External,
    Process,
    Store,
}

/// A technical asset taken over.
struct Asset {
    key: Key,
    kind: AssetKind,
    name: String,
    human: bool,
    internet: bool,
    out_of_scope: bool,
}

/// A custom risk category, for tracked risks that name it.
struct Category {
    title: String,
    stride: Option<Stride>,
    action: Option<String>,
}

/// One `risk_tracking` entry.
#[derive(Clone, Debug)]
struct Tracking {
    path: String,
    status: String,
    justification: Option<String>,
    ticket: Option<String>,
    date: Option<String>,
    checked_by: Option<String>,
}

/// A threat to add to the register.
struct Risk<'r> {
    /// Threagile's synthetic risk id.
    id: &'r str,
    target: Key,
    title: String,
    description: String,
    stride: Stride,
    rank: (u8, u8),
    /// The category's recommended action (the title of a mitigation, when one is made).
    action: Option<String>,
    at: String,
}

struct Cx<'s> {
    source: &'s str,
    errors: Vec<String>,
    report: Report,
    keys: Keys,
    model: Model,
    /// Data-asset id → key; none when `data_assets` could not be read (references to
    /// data assets are then not checked, to report the cause once).
    data_assets: Option<HashMap<String, Key>>,
    /// Technical assets in file order, and their index by id.
    assets: Vec<Asset>,
    asset_index: HashMap<String, usize>,
    /// Every technical-asset id the file declares (also those not taken over).
    declared: HashSet<String>,
    /// Link id (`source>title`) → flow key and name.
    links: HashMap<String, (Key, String)>,
    boundaries: HashMap<String, Key>,
    runtimes: HashSet<String>,
    categories: HashMap<String, Category>,
    /// Threat ids already in the register.
    risk_ids: HashSet<String>,
    /// Fields read but not taken over, by section.
    dropped: BTreeMap<&'static str, BTreeSet<String>>,
    /// Flows whose TLS version had to be assumed.
    assumed_tls: Vec<String>,
    /// Link flags kept as flow tags.
    flag_tags: BTreeSet<&'static str>,
    /// Authentication words met, for the mapping note.
    auth_words: BTreeSet<String>,
    /// Threats of built-in rules ranked 3 × 3 and given STRIDE from the table.
    builtin: Vec<String>,
}

impl<'s> Cx<'s> {
    fn new(source: &'s str) -> Cx<'s> {
        Cx {
            source,
            errors: Vec::new(),
            report: Report::new("threagile", source),
            keys: Keys::new(),
            model: Model::new(file_stem(source)),
            data_assets: Some(HashMap::new()),
            assets: Vec::new(),
            asset_index: HashMap::new(),
            declared: HashSet::new(),
            links: HashMap::new(),
            boundaries: HashMap::new(),
            runtimes: HashSet::new(),
            categories: HashMap::new(),
            risk_ids: HashSet::new(),
            dropped: BTreeMap::new(),
            assumed_tls: Vec::new(),
            flag_tags: BTreeSet::new(),
            auth_words: BTreeSet::new(),
            builtin: Vec::new(),
        }
    }

    fn read(&mut self, top: &Mapping) {
        self.system(top);
        self.unknown_fields(top, "", TOP_FIELDS);
        self.read_data_assets(top);
        let links = self.technical_assets(top);
        // Boundaries before links: their ids keep their keys whatever the link titles.
        self.trust_boundaries(top);
        for (source_id, path, map) in links {
            self.links(&source_id, &path, map);
        }
        self.shared_runtimes(top);
        self.entity_trust();
        self.process_authentication();
        let tracking = self.risk_tracking(top);
        let mut used = HashSet::new();
        self.risk_categories(top, &tracking, &mut used);
        for (id, t) in &tracking {
            if !used.contains(id.as_str()) {
                self.tracked_risk(id, t);
            }
        }
    }

    fn finish(mut self) -> Result<Imported, String> {
        if !self.errors.is_empty() {
            let n = self.errors.len();
            return Err(format!(
                "{}: {n} problem{} in the Threagile model:\n  - {}",
                self.source,
                if n == 1 { "" } else { "s" },
                self.errors.join("\n  - ")
            ));
        }
        self.summary_notes();
        self.report.count(&self.model);
        Ok(Imported { model: self.model, report: self.report })
    }

    fn summary_notes(&mut self) {
        let dropped = std::mem::take(&mut self.dropped);
        for (section, fields) in dropped {
            let list: Vec<&str> = fields.iter().map(String::as_str).collect();
            self.report.note(
                NoteKind::Unsupported,
                Some(section.to_owned()),
                None,
                format!("{section}: fields not taken over: {}", list.join(", ")),
            );
        }
        if !self.assumed_tls.is_empty() {
            let flows = self.assumed_tls.join(", ");
            self.report.note(
                NoteKind::Inferred,
                None,
                None,
                format!("Threagile says these links are encrypted but not how; TLS 1.2 assumed: {flows}"),
            );
        }
        if !self.flag_tags.is_empty() {
            let tags: Vec<&str> = self.flag_tags.iter().copied().collect();
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                format!("link flags and authorization kept as flow tags: {}", tags.join(", ")),
            );
        }
        if !self.auth_words.is_empty() {
            let mapped: Vec<String> = self
                .auth_words
                .iter()
                .map(|w| match authentication_of(w) {
                    Some(a) => format!("{w} → {a}"),
                    None => format!("{w} → not stated"),
                })
                .collect();
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                format!(
                    "link authentication mapped: {} (two-factor flows are also tagged `two-factor`)",
                    mapped.join(", ")
                ),
            );
        }
        if !self.builtin.is_empty() {
            self.report.note(
                NoteKind::NeedsReview,
                None,
                None,
                format!(
                    "threats of Threagile's built-in rules ({}) have likelihood and impact 3 (Threagile computes them \
                     at run time) and a STRIDE category from a fixed table: rank them",
                    self.builtin.join(", ")
                ),
            );
        }
        if !self.model.flows.is_empty() || !self.assets.is_empty() {
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                "Threagile models have no diagram positions: the diagram needs an automatic layout",
            );
        }
    }

    // -----------------------------------------------------------------------------------
    // Reading fields (every wrong type or value is an error with its path)

    fn fail(&mut self, path: &str, message: impl std::fmt::Display) {
        self.errors.push(format!("{path}: {message}"));
    }

    fn text(&mut self, map: &Mapping, path: &str, name: &str) -> Option<String> {
        let v = field(map, name)?;
        match scalar_text(v) {
            Some(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            None => {
                self.fail(&join(path, name), format!("must be text, not {}", describe(v)));
                None
            }
        }
    }

    fn flag(&mut self, map: &Mapping, path: &str, name: &str) -> Option<bool> {
        match field(map, name)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.fail(&join(path, name), format!("must be true or false, not {}", describe(other)));
                None
            }
        }
    }

    fn word(&mut self, map: &Mapping, path: &str, name: &str, allowed: &[&str]) -> Option<String> {
        let w = self.text(map, path, name)?;
        if allowed.contains(&w.as_str()) {
            Some(w)
        } else {
            self.fail(&join(path, name), format!("`{w}` is not one of: {}", allowed.join(", ")));
            None
        }
    }

    fn list(&mut self, map: &Mapping, path: &str, name: &str) -> Vec<String> {
        let Some(v) = field(map, name) else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            self.fail(&join(path, name), format!("must be a list, not {}", describe(v)));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if item.is_null() {
                continue;
            }
            match scalar_text(item) {
                Some(s) => out.push(s.trim().to_owned()),
                None => {
                    self.fail(&format!("{}[{i}]", join(path, name)), format!("must be text, not {}", describe(item)))
                }
            }
        }
        out
    }

    fn map<'v>(&mut self, map: &'v Mapping, path: &str, name: &str) -> Option<&'v Mapping> {
        match field(map, name)? {
            Value::Mapping(m) => Some(m),
            other => {
                self.fail(&join(path, name), format!("must be a map keyed by title, not {}", describe(other)));
                None
            }
        }
    }

    fn date(&mut self, map: &Mapping, path: &str, name: &str) -> Option<String> {
        let d = self.text(map, path, name)?;
        match crate::lifecycle::parse_date(&d) {
            Some(date) => Some(date.to_string()),
            None => {
                self.fail(&join(path, name), format!("`{d}` is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    /// The entries of a map keyed by title: (title, path, fields).
    fn entries<'v>(&mut self, section: Option<&'v Mapping>, path: &str) -> Vec<(String, String, &'v Mapping)> {
        let Some(m) = section else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in m {
            let Some(title) = scalar_text(k) else {
                self.fail(path, format!("an entry's title must be text, not {}", describe(k)));
                continue;
            };
            let here = join(path, &title);
            match v {
                Value::Mapping(body) => out.push((title, here, body)),
                other => self.fail(&here, format!("must be a map of fields, not {}", describe(other))),
            }
        }
        out
    }

    /// The required `id` of an entry, unique in its section.
    fn id(&mut self, body: &Mapping, path: &str, seen: &mut HashSet<String>) -> Option<String> {
        let Some(id) = self.text(body, path, "id") else {
            if field(body, "id").is_none() {
                self.fail(path, "has no `id`");
            }
            return None;
        };
        if !seen.insert(id.clone()) {
            self.fail(&join(path, "id"), format!("the id `{id}` is used twice"));
            return None;
        }
        Some(id)
    }

    fn unknown_fields(&mut self, body: &Mapping, path: &str, known: &[&str]) {
        for k in body.keys() {
            let name = scalar_text(k).unwrap_or_else(|| describe(k));
            if !known.contains(&name.as_str()) && !name.starts_with("diagram_tweak_") {
                self.report.note(
                    NoteKind::Unsupported,
                    Some(join(path, &name)),
                    None,
                    format!("unknown field `{name}` is not taken over"),
                );
            }
        }
    }

    /// Marks fields that are present but have no place in our model.
    fn drop_fields(&mut self, section: &'static str, body: &Mapping, fields: &[&str]) {
        for f in fields {
            if field(body, f).is_some() {
                self.dropped.entry(section).or_default().insert((*f).to_owned());
            }
        }
    }

    /// Data-asset keys for ids; an unknown id is an error at `path[i]`.
    fn data_refs(&mut self, ids: &[String], path: &str) -> Vec<Key> {
        let Some(known) = &self.data_assets else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        let mut missing = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match known.get(id) {
                Some(k) => {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
                None => missing.push(format!("{path}[{i}]: no data asset has the id `{id}`")),
            }
        }
        self.errors.extend(missing);
        keys
    }

    /// Element keys for technical-asset ids; an id the file does not declare is an error.
    fn asset_refs(&mut self, ids: &[String], path: &str) -> Vec<Key> {
        let mut keys = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let found = self.asset_index.get(id).and_then(|&n| self.assets.get(n)).map(|a| a.key.clone());
            match found {
                Some(k) => keys.push(k),
                None if self.declared.contains(id) => {}
                None => self.fail(&format!("{path}[{i}]"), format!("no technical asset has the id `{id}`")),
            }
        }
        keys
    }

    // -----------------------------------------------------------------------------------
    // Sections

    fn system(&mut self, top: &Mapping) {
        self.text(top, "", "threagile_version");
        self.date(top, "", "date");
        self.list(top, "", "tags_available");
        if let Some(title) = self.text(top, "", "title") {
            self.model.system.name = title;
        }
        match field(top, "author") {
            Some(Value::Mapping(author)) => {
                self.model.system.owner = self.text(author, "author", "name");
                self.text(author, "author", "homepage");
            }
            Some(other) => {
                self.fail("author", format!("must be a map with `name` and `homepage`, not {}", describe(other)))
            }
            None => {}
        }
        let summary = self.text(top, "", "management_summary_comment");
        let business = self.overview(top, "business_overview");
        self.model.system.description = match (business, summary) {
            (Some(b), Some(s)) => Some(format!("{b}\n\n{s}")),
            (b, s) => b.or(s),
        };
        self.model.system.scope = self.overview(top, "technical_overview");
        if let Some(c) = self.word(top, "", "business_criticality", CRITICALITY) {
            self.report.note(
                NoteKind::Unsupported,
                Some("business_criticality".to_owned()),
                None,
                format!("business criticality `{c}` has no place in the model"),
            );
        }
        for section in ["questions", "abuse_cases", "security_requirements"] {
            let Some(m) = self.map(top, "", section) else {
                continue;
            };
            let titles: Vec<String> = m.keys().filter_map(scalar_text).collect();
            if !titles.is_empty() {
                self.report.note(
                    NoteKind::Unsupported,
                    Some(section.to_owned()),
                    None,
                    format!("{section} ({}) are not taken over: {}", titles.len(), titles.join("; ")),
                );
            }
        }
        if top.keys().filter_map(scalar_text).any(|k| k.starts_with("diagram_tweak_")) {
            self.report.note(NoteKind::Unsupported, None, None, "diagram_tweak_* layout hints are not taken over");
        }
    }

    /// The `description` of `business_overview` / `technical_overview`.
    fn overview(&mut self, top: &Mapping, name: &str) -> Option<String> {
        match field(top, name)? {
            Value::Mapping(m) => {
                if let Some(images) = field(m, "images")
                    && !images.is_sequence()
                {
                    self.fail(&join(name, "images"), format!("must be a list, not {}", describe(images)));
                }
                self.text(m, name, "description")
            }
            other => {
                self.fail(name, format!("must be a map with `description` and `images`, not {}", describe(other)));
                None
            }
        }
    }

    fn read_data_assets(&mut self, top: &Mapping) {
        let section = self.map(top, "", "data_assets");
        if section.is_none() && field(top, "data_assets").is_some() {
            self.data_assets = None;
            return;
        }
        let mut seen = HashSet::new();
        for (title, path, body) in self.entries(section, "data_assets") {
            self.unknown_fields(body, &path, DATA_ASSET_FIELDS);
            let id = self.id(body, &path, &mut seen);
            let description = self.text(body, &path, "description");
            let owner = self.text(body, &path, "owner");
            let usage = self.word(body, &path, "usage", USAGE);
            let tags = self.list(body, &path, "tags");
            self.word(body, &path, "quantity", QUANTITY);
            self.text(body, &path, "origin");
            self.text(body, &path, "justification_cia_rating");
            self.drop_fields("data_assets", body, &["origin", "quantity", "justification_cia_rating"]);
            let confidentiality = self.word(body, &path, "confidentiality", CONFIDENTIALITY);
            let integrity = self.word(body, &path, "integrity", CRITICALITY);
            let availability = self.word(body, &path, "availability", CRITICALITY);
            let Some(id) = id else {
                continue;
            };
            let key = self.keys.take(&id, "data-asset");
            let mut a: DataAsset = blank(&key);
            let hints = format!("{id} {title} {} {}", description.as_deref().unwrap_or_default(), tags.join(" "));
            a.name = Some(title);
            a.description = description;
            a.owner = owner;
            if let Some(c) = confidentiality {
                let (class, need) = classification_of(&c);
                a.classification = Some(class);
                a.confidentiality = Some(need);
            }
            a.integrity = integrity.as_deref().map(need_of);
            a.availability = availability.as_deref().map(need_of);
            a.tags = tags.into_iter().collect();
            if usage.as_deref() == Some("devops") {
                a.tags.insert("devops".to_owned());
            }
            let found = categories_of(&hints);
            if !found.is_empty() {
                let why: Vec<String> = found.iter().map(|(c, w)| format!("{c} (\"{w}\")")).collect();
                self.report.note(
                    NoteKind::Inferred,
                    Some(path.clone()),
                    Some(&key),
                    format!("categories suggested by its name and description: {}", why.join(", ")),
                );
                a.categories = found.into_iter().map(|(c, _)| c).collect();
            }
            self.model.data_assets.push(a);
            if let Some(known) = &mut self.data_assets {
                known.insert(id, key);
            }
        }
        if self.model.data_assets.iter().any(|a| a.classification.is_some()) {
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                "confidentiality mapped to classification: public → public, internal → internal, restricted and \
                 confidential → confidential, strictly-confidential → restricted; integrity and availability: \
                 archive/operational → low, important → medium, critical/mission-critical → high",
            );
        }
    }

    /// Technical assets become elements; returns their links, read once every asset is known.
    fn technical_assets<'v>(&mut self, top: &'v Mapping) -> Vec<(String, String, &'v Mapping)> {
        let section = self.map(top, "", "technical_assets");
        let mut seen = HashSet::new();
        let entries = self.entries(section, "technical_assets");
        // Every declared id first, so that references are judged against the whole file.
        for (_, path, body) in &entries {
            if let Some(id) = field(body, "id").and_then(scalar_text) {
                self.declared.insert(id.trim().to_owned());
            } else if field(body, "id").is_none() {
                self.fail(path, "has no `id`");
            }
        }
        let mut links = Vec::new();
        for (title, path, body) in entries {
            self.unknown_fields(body, &path, ASSET_FIELDS);
            let Some(id) = self.text(body, &path, "id") else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.fail(&join(&path, "id"), format!("the id `{id}` is used twice"));
                continue;
            }
            let kind = match self.word(body, &path, "type", ASSET_TYPES).as_deref() {
                Some("external-entity") => Some(AssetKind::External),
                Some("process") => Some(AssetKind::Process),
                Some("datastore") => Some(AssetKind::Store),
                _ => {
                    if field(body, "type").is_none() {
                        self.fail(&path, "has no `type` (external-entity, process or datastore)");
                    }
                    None
                }
            };
            let asset_links = self.map(body, &path, "communication_links");
            if let Some(kind) = kind {
                self.technical_asset(&id, title, &path, body, kind);
            } else {
                // Checked for errors all the same.
                self.asset_fields(body, &path);
            }
            if let Some(m) = asset_links {
                links.push((id, path, m));
            }
        }
        links
    }

    /// The fields every technical asset has, checked; what the model takes over returned.
    fn asset_fields(&mut self, body: &Mapping, path: &str) -> AssetFields {
        let f = AssetFields {
            description: self.text(body, path, "description"),
            owner: self.text(body, path, "owner"),
            usage: self.word(body, path, "usage", USAGE),
            human: self.flag(body, path, "used_as_client_by_human"),
            out_of_scope: self.flag(body, path, "out_of_scope"),
            justification: self.text(body, path, "justification_out_of_scope"),
            technology: self.text(body, path, "technology"),
            technologies: self.list(body, path, "technologies"),
            tags: self.list(body, path, "tags"),
            internet: self.flag(body, path, "internet"),
            encryption: self.word(body, path, "encryption", ENCRYPTIONS),
            stored: self.list(body, path, "data_assets_stored"),
        };
        self.word(body, path, "size", SIZES);
        self.word(body, path, "machine", MACHINES);
        self.word(body, path, "confidentiality", CONFIDENTIALITY);
        self.word(body, path, "integrity", CRITICALITY);
        self.word(body, path, "availability", CRITICALITY);
        self.text(body, path, "justification_cia_rating");
        self.flag(body, path, "multi_tenant");
        self.flag(body, path, "redundant");
        self.flag(body, path, "custom_developed_parts");
        self.list(body, path, "data_formats_accepted");
        let processed = self.list(body, path, "data_assets_processed");
        self.data_refs(&processed, &join(path, "data_assets_processed"));
        self.drop_fields(
            "technical_assets",
            body,
            &[
                "size",
                "machine",
                "confidentiality",
                "integrity",
                "availability",
                "justification_cia_rating",
                "multi_tenant",
                "redundant",
                "custom_developed_parts",
                "data_assets_processed",
                "data_formats_accepted",
            ],
        );
        f
    }

    fn technical_asset(&mut self, id: &str, title: String, path: &str, body: &Mapping, kind: AssetKind) {
        let f = self.asset_fields(body, path);
        let stored = self.data_refs(&f.stored, &join(path, "data_assets_stored"));
        let fallback = match kind {
            AssetKind::External => "external-entity",
            AssetKind::Process => "process",
            AssetKind::Store => "data-store",
        };
        let key = self.keys.take(id, fallback);
        let mut tags: BTreeSet<String> = f.tags.iter().cloned().collect();
        if f.usage.as_deref() == Some("devops") {
            tags.insert("devops".to_owned());
        }
        let out_of_scope = f.out_of_scope == Some(true);
        if out_of_scope {
            tags.insert("out-of-scope".to_owned());
            let entry = match &f.justification {
                Some(j) => format!("{title}: {j}"),
                None => title.clone(),
            };
            let scope = self.model.system.out_of_scope.get_or_insert_with(String::new);
            if !scope.is_empty() {
                scope.push('\n');
            }
            scope.push_str(&entry);
            self.report.note(
                NoteKind::Mapped,
                Some(path.to_owned()),
                Some(&key),
                "out of scope in Threagile: tagged `out-of-scope` and listed in the system's out-of-scope text",
            );
        }
        let technology =
            f.technology.clone().or_else(|| (!f.technologies.is_empty()).then(|| f.technologies.join(", ")));
        let tech_word = f.technology.clone().or_else(|| f.technologies.first().cloned()).unwrap_or_default();
        let encrypted = f.encryption.as_deref().map(|e| e != "none");
        if kind != AssetKind::Store {
            if !stored.is_empty() {
                let list: Vec<&str> = stored.iter().map(Key::as_str).collect();
                self.report.note(
                    NoteKind::Unsupported,
                    Some(join(path, "data_assets_stored")),
                    Some(&key),
                    format!("holds {} in Threagile, but only data stores hold data assets here", list.join(", ")),
                );
            }
            if encrypted == Some(true) {
                self.dropped.entry("technical_assets").or_default().insert("encryption (of non-datastores)".to_owned());
            }
        }
        match kind {
            AssetKind::External => {
                let mut e: ExternalEntity = blank(&key);
                e.name = Some(title.clone());
                e.description = f.description;
                e.owner = f.owner;
                e.tags = tags;
                self.model.external_entities.push(e);
            }
            AssetKind::Process => {
                let mut p: Process = blank(&key);
                p.name = Some(title.clone());
                p.description = f.description;
                p.owner = f.owner;
                p.kind = process_kind(&tech_word);
                p.technology = technology;
                p.internet_facing = f.internet;
                p.tags = tags;
                self.model.processes.push(p);
            }
            AssetKind::Store => {
                let mut s: DataStore = blank(&key);
                s.name = Some(title.clone());
                s.description = f.description;
                s.owner = f.owner;
                s.kind = store_kind(&tech_word);
                if s.kind == Some(StoreKind::Sql) {
                    self.report.note(
                        NoteKind::Inferred,
                        Some(join(path, "technology")),
                        Some(&key),
                        format!("kind `sql` inferred from technology `{tech_word}` (it could be a NoSQL database)"),
                    );
                }
                s.technology = technology;
                s.stores = stored;
                s.encrypted_at_rest = encrypted;
                s.publicly_accessible = f.internet;
                s.tags = tags;
                self.model.data_stores.push(s);
            }
        }
        self.asset_index.insert(id.to_owned(), self.assets.len());
        self.assets.push(Asset {
            key,
            kind,
            name: title,
            human: f.human == Some(true),
            internet: f.internet == Some(true),
            out_of_scope,
        });
    }

    /// The communication links of one asset become flows.
    fn links(&mut self, source_id: &str, asset_path: &str, links: &Mapping) {
        let from = self.asset_index.get(source_id).and_then(|&n| self.assets.get(n)).map(|a| a.key.clone());
        for (title, path, body) in self.entries(Some(links), &join(asset_path, "communication_links")) {
            self.unknown_fields(body, &path, LINK_FIELDS);
            let target = self.text(body, &path, "target");
            let description = self.text(body, &path, "description");
            let protocol = self.text(body, &path, "protocol").map(|p| p.to_ascii_lowercase());
            let auth = self.word(body, &path, "authentication", AUTHENTICATIONS);
            let authz = self.word(body, &path, "authorization", AUTHORIZATIONS);
            let tags = self.list(body, &path, "tags");
            let vpn = self.flag(body, &path, "vpn");
            let ip_filtered = self.flag(body, &path, "ip_filtered");
            let readonly = self.flag(body, &path, "readonly");
            let usage = self.word(body, &path, "usage", USAGE);
            let sent = self.list(body, &path, "data_assets_sent");
            let received = self.list(body, &path, "data_assets_received");
            let carries = self.data_refs(&sent, &join(&path, "data_assets_sent"));
            let back = self.data_refs(&received, &join(&path, "data_assets_received"));
            let Some(target_id) = target else {
                if field(body, "target").is_none() {
                    self.fail(&path, "has no `target`");
                }
                continue;
            };
            let to = self.asset_index.get(&target_id).and_then(|&n| self.assets.get(n)).map(|a| a.key.clone());
            let Some(to) = to else {
                if !self.declared.contains(&target_id) {
                    self.fail(&join(&path, "target"), format!("no technical asset has the id `{target_id}`"));
                }
                continue;
            };
            let Some(from) = from.clone() else {
                continue;
            };
            let key = self.keys.take(&title, "link");
            let mut f = blank_flow(&key, &from, &to);
            f.name = Some(title.clone());
            f.description = description;
            f.bidirectional = !back.is_empty();
            f.carries = carries;
            f.returns = back;
            f.tags = tags.into_iter().collect();
            let (proto, encrypted) = protocol_of(protocol.as_deref().unwrap_or_default());
            f.protocol = proto;
            if let Some(word) = &auth {
                self.auth_words.insert(word.clone());
                f.authentication = authentication_of(word);
                match word.as_str() {
                    "two-factor" => {
                        f.tags.insert("two-factor".to_owned());
                    }
                    "externalized" => {
                        f.tags.insert("externalized-authentication".to_owned());
                        self.report.note(
                            NoteKind::NeedsReview,
                            Some(join(&path, "authentication")),
                            Some(&key),
                            "authentication is externalized (done by another component): state how callers authenticate",
                        );
                    }
                    _ => {}
                }
            }
            f.encryption = match (proto, encrypted) {
                (_, Some(false)) => Some(Encryption::None),
                // A clear-text protocol word with `-encrypted` glued on: state nothing.
                (Some(p), Some(true)) if p.implies_plaintext() => None,
                (Some(p), Some(true)) if p.implies_tls() => {
                    (p == Protocol::Https && auth.as_deref() == Some("client-certificate")).then_some(Encryption::Mtls)
                }
                (_, Some(true)) if auth.as_deref() == Some("client-certificate") => Some(Encryption::Mtls),
                (_, Some(true)) => {
                    self.assumed_tls.push(key.to_string());
                    Some(Encryption::Tls12)
                }
                _ => None,
            };
            if proto == Some(Protocol::Other)
                && let Some(word) = &protocol
            {
                self.report.note(
                    NoteKind::Mapped,
                    Some(join(&path, "protocol")),
                    Some(&key),
                    format!("protocol `{word}` kept as `other`"),
                );
            }
            for (on, tag) in [
                (vpn == Some(true), "vpn"),
                (ip_filtered == Some(true), "ip-filtered"),
                (readonly == Some(true), "read-only"),
                (usage.as_deref() == Some("devops"), "devops"),
                (authz.as_deref() == Some("technical-user"), "technical-user"),
                (authz.as_deref() == Some("enduser-identity-propagation"), "enduser-identity-propagation"),
            ] {
                if on {
                    f.tags.insert(tag.to_owned());
                    self.flag_tags.insert(tag);
                }
            }
            self.links.insert(link_id(source_id, &title), (key, title));
            self.model.flows.push(f);
        }
    }

    fn trust_boundaries(&mut self, top: &Mapping) {
        let section = self.map(top, "", "trust_boundaries");
        let mut seen = HashSet::new();
        let mut nesting = Vec::new();
        for (title, path, body) in self.entries(section, "trust_boundaries") {
            self.unknown_fields(body, &path, BOUNDARY_FIELDS);
            let id = self.id(body, &path, &mut seen);
            let description = self.text(body, &path, "description");
            let kind = self.word(body, &path, "type", BOUNDARY_TYPES);
            let tags = self.list(body, &path, "tags");
            let inside = self.list(body, &path, "technical_assets_inside");
            let members = self.asset_refs(&inside, &join(&path, "technical_assets_inside"));
            let nested = self.list(body, &path, "trust_boundaries_nested");
            let Some(id) = id else {
                continue;
            };
            let key = self.keys.take(&id, "boundary");
            let mut b: Boundary = blank(&key);
            b.name = Some(title);
            b.description = description;
            b.kind = kind.as_deref().map(boundary_kind);
            b.members = members;
            b.tags = tags.into_iter().collect();
            self.model.boundaries.push(b);
            self.boundaries.insert(id, key.clone());
            nesting.push((path, key, nested));
        }
        if !self.model.boundaries.is_empty() {
            self.report.note(
                NoteKind::Mapped,
                None,
                None,
                "boundary types mapped: network-cloud-provider and network-cloud-security-group → cloud-account, \
                 execution-environment → other, the network-* others → internal",
            );
        }
        self.nest(nesting);
    }

    /// `trust_boundaries_nested` → `parent` of the inner boundaries.
    fn nest(&mut self, nesting: Vec<(String, Key, Vec<String>)>) {
        for (path, outer, inner_ids) in nesting {
            let list_path = join(&path, "trust_boundaries_nested");
            for (i, id) in inner_ids.iter().enumerate() {
                let at = format!("{list_path}[{i}]");
                let Some(inner) = self.boundaries.get(id).cloned() else {
                    self.fail(&at, format!("no trust boundary has the id `{id}`"));
                    continue;
                };
                if inner == outer {
                    self.fail(&at, format!("the trust boundary `{id}` cannot be nested in itself"));
                    continue;
                }
                let existing = self.model.boundaries.iter().find(|b| b.key == inner).and_then(|b| b.parent.clone());
                match existing {
                    Some(other) if other != outer => {
                        self.fail(&at, format!("`{id}` is already nested in `{other}`; a boundary has one parent"));
                    }
                    _ => {
                        if let Some(b) = self.model.boundaries.iter_mut().find(|b| b.key == inner) {
                            b.parent = Some(outer.clone());
                        }
                    }
                }
            }
        }
        // Nesting must be a tree: walk up from each boundary at most once per boundary.
        let parents: HashMap<Key, Key> =
            self.model.boundaries.iter().filter_map(|b| b.parent.clone().map(|p| (b.key.clone(), p))).collect();
        let mut cyclic = BTreeSet::new();
        for start in parents.keys() {
            let mut cur = start;
            for _ in 0..=parents.len() {
                match parents.get(cur) {
                    Some(p) if p == start => {
                        cyclic.insert(start.to_string());
                        break;
                    }
                    Some(p) => cur = p,
                    None => break,
                }
            }
        }
        if !cyclic.is_empty() {
            let list: Vec<String> = cyclic.into_iter().collect();
            self.fail("trust_boundaries", format!("trust_boundaries_nested forms a cycle through {}", list.join(", ")));
        }
    }

    fn shared_runtimes(&mut self, top: &Mapping) {
        let section = self.map(top, "", "shared_runtimes");
        let mut seen = HashSet::new();
        for (title, path, body) in self.entries(section, "shared_runtimes") {
            self.unknown_fields(body, &path, RUNTIME_FIELDS);
            let id = self.id(body, &path, &mut seen);
            self.text(body, &path, "description");
            self.list(body, &path, "tags");
            let running = self.list(body, &path, "technical_assets_running");
            let keys = self.asset_refs(&running, &join(&path, "technical_assets_running"));
            let Some(id) = id else {
                continue;
            };
            let list: Vec<&str> = keys.iter().map(Key::as_str).collect();
            self.report.note(
                NoteKind::Unsupported,
                Some(path.clone()),
                None,
                format!(
                    "shared runtime \"{title}\" ({id}) runs {}: it is not a trust boundary and is not taken over",
                    if list.is_empty() { "nothing".to_owned() } else { list.join(", ") }
                ),
            );
            self.runtimes.insert(id);
        }
    }

    /// Trust of external entities, from how they are used (Threagile has no trust level).
    fn entity_trust(&mut self) {
        let mut decided = Vec::new();
        for a in self.assets.iter().filter(|a| a.kind == AssetKind::External) {
            let authenticated = self
                .model
                .flows
                .iter()
                .filter(|f| f.from == a.key)
                .any(|f| f.authentication.is_some_and(|x| x != Authentication::None));
            let trust = match (a.human, a.internet) {
                (true, true) if authenticated => TrustLevel::AuthenticatedUser,
                (true, true) => TrustLevel::Anonymous,
                (true, false) => TrustLevel::Operator,
                (false, true) => TrustLevel::ThirdPartyVendor,
                (false, false) => TrustLevel::Internal,
            };
            let why = format!(
                "trust `{trust}` inferred from used_as_client_by_human: {}, internet: {}{}{}",
                a.human,
                a.internet,
                if a.human && a.internet {
                    if authenticated { ", authenticated links" } else { ", no authenticated link" }
                } else {
                    ""
                },
                if a.out_of_scope { ", out of scope" } else { "" }
            );
            decided.push((a.key.clone(), trust, why));
        }
        for (key, trust, why) in decided {
            if let Some(e) = self.model.external_entities.iter_mut().find(|e| e.key == key) {
                e.trust = Some(trust);
            }
            self.report.note(NoteKind::Inferred, None, Some(&key), why);
        }
    }

    /// A process's authentication, when every link into it states the same one.
    fn process_authentication(&mut self) {
        let mut decided = Vec::new();
        for p in &self.model.processes {
            let incoming: Vec<Option<Authentication>> =
                self.model.flows.iter().filter(|f| f.to == p.key).map(|f| f.authentication).collect();
            let all_stated = incoming.iter().all(Option::is_some);
            let kinds: Vec<Authentication> =
                incoming.iter().flatten().copied().collect::<BTreeSet<_>>().into_iter().collect();
            if all_stated && let [only] = kinds.as_slice() {
                decided.push((p.key.clone(), *only, incoming.len()));
            }
        }
        for (key, auth, n) in decided {
            if let Some(p) = self.model.processes.iter_mut().find(|p| p.key == key) {
                p.authentication = Some(auth);
            }
            self.report.note(
                NoteKind::Inferred,
                None,
                Some(&key),
                format!("authentication `{auth}` inferred from its {n} incoming link(s), which all state it"),
            );
        }
    }

    // -----------------------------------------------------------------------------------
    // Risks

    fn risk_tracking(&mut self, top: &Mapping) -> Vec<(String, Tracking)> {
        let section = self.map(top, "", "risk_tracking");
        let mut out = Vec::new();
        for (id, path, body) in self.entries(section, "risk_tracking") {
            self.unknown_fields(body, &path, TRACKING_FIELDS);
            let status = self.word(body, &path, "status", RISK_STATUSES);
            let justification = self.text(body, &path, "justification");
            let ticket = self.text(body, &path, "ticket");
            let date = self.date(body, &path, "date");
            let checked_by = self.text(body, &path, "checked_by");
            if status.is_none() && field(body, "status").is_some() {
                continue;
            }
            let status = status.unwrap_or_else(|| "unchecked".to_owned());
            out.push((id, Tracking { path, status, justification, ticket, date, checked_by }));
        }
        out
    }

    fn risk_categories(&mut self, top: &Mapping, tracking: &[(String, Tracking)], used: &mut HashSet<String>) {
        let section = self.map(top, "", "individual_risk_categories");
        let mut seen = HashSet::new();
        for (title, path, body) in self.entries(section, "individual_risk_categories") {
            self.unknown_fields(body, &path, CATEGORY_FIELDS);
            let id = self.id(body, &path, &mut seen);
            let description = self.text(body, &path, "description");
            let impact = self.text(body, &path, "impact");
            let action = self.text(body, &path, "action");
            let mitigation = self.text(body, &path, "mitigation");
            for f in ["asvs", "cheat_sheet", "check", "detection_logic", "risk_assessment", "false_positives", "cwe"] {
                self.text(body, &path, f);
            }
            self.word(body, &path, "function", FUNCTIONS);
            self.flag(body, &path, "model_failure_possible_reason");
            let stride = self.word(body, &path, "stride", STRIDE_WORDS).as_deref().and_then(stride_word);
            let risks = self.map(body, &path, "risks_identified");
            let Some(id) = id else {
                continue;
            };
            let mut text = description.unwrap_or_default();
            for (label, part) in [("Impact", impact), ("Mitigation", mitigation)] {
                if let Some(p) = part {
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(&format!("{label}: {p}"));
                }
            }
            self.categories.insert(id.clone(), Category { title: title.clone(), stride, action: action.clone() });
            let category =
                CategoryRef { id: &id, title: &title, stride, action: action.as_deref(), description: &text };
            for (risk_title, risk_path, risk) in self.entries(risks, &join(&path, "risks_identified")) {
                self.identified_risk(&category, &risk_title, &risk_path, risk, tracking, used);
            }
        }
    }

    /// One risk of an individual category: a threat on its most relevant item.
    fn identified_risk(
        &mut self,
        category: &CategoryRef<'_>,
        title: &str,
        path: &str,
        body: &Mapping,
        tracking: &[(String, Tracking)],
        used: &mut HashSet<String>,
    ) {
        self.unknown_fields(body, path, RISK_FIELDS);
        let severity = self.word(body, path, "severity", SEVERITIES);
        let likelihood = self.word(body, path, "exploitation_likelihood", LIKELIHOODS);
        let impact = self.word(body, path, "exploitation_impact", IMPACTS);
        self.word(body, path, "data_breach_probability", BREACH_PROBABILITIES);
        let breached = self.list(body, path, "data_breach_technical_assets");
        self.asset_refs(&breached, &join(path, "data_breach_technical_assets"));
        let asset = self.text(body, path, "most_relevant_technical_asset");
        let link = self.text(body, path, "most_relevant_communication_link");
        let boundary = self.text(body, path, "most_relevant_trust_boundary");
        let runtime = self.text(body, path, "most_relevant_shared_runtime");
        let data = self.text(body, path, "most_relevant_data_asset");
        // References are checked like everywhere else.
        let asset_key = asset.as_ref().and_then(|a| {
            self.asset_refs(std::slice::from_ref(a), &join(path, "most_relevant_technical_asset")).into_iter().next()
        });
        let link_key = link.as_ref().and_then(|l| {
            let found = self.links.get(l).map(|(k, _)| k.clone());
            if found.is_none() {
                self.fail(
                    &join(path, "most_relevant_communication_link"),
                    format!("no communication link has the id `{l}`"),
                );
            }
            found
        });
        let boundary_key = boundary.as_ref().and_then(|b| {
            let found = self.boundaries.get(b).cloned();
            if found.is_none() {
                self.fail(&join(path, "most_relevant_trust_boundary"), format!("no trust boundary has the id `{b}`"));
            }
            found
        });
        if let Some(r) = &runtime
            && !self.runtimes.contains(r)
        {
            self.fail(&join(path, "most_relevant_shared_runtime"), format!("no shared runtime has the id `{r}`"));
        }
        let data_key = data.as_ref().and_then(|d| {
            self.data_refs(std::slice::from_ref(d), &join(path, "most_relevant_data_asset")).into_iter().next()
        });
        let parts: Vec<&str> =
            [&asset, &link, &boundary, &runtime, &data].into_iter().filter_map(|p| p.as_deref()).collect();
        let risk_id =
            if parts.is_empty() { category.id.to_owned() } else { format!("{}@{}", category.id, parts.join("@")) };
        let Some(target) = asset_key.or(link_key).or(data_key).or(boundary_key) else {
            self.report.note(
                NoteKind::NeedsReview,
                Some(path.to_owned()),
                None,
                format!(
                    "risk \"{}\" names no technical asset, link, data asset or boundary; not taken over",
                    strip_tags(title)
                ),
            );
            return;
        };
        let rank = match (likelihood.as_deref(), impact.as_deref()) {
            (Some(l), Some(i)) => (likelihood_of(l), impact_of(i)),
            _ => match severity.as_deref().and_then(rank_of) {
                Some(r) => r,
                None => {
                    self.report.note(
                        NoteKind::NeedsReview,
                        Some(path.to_owned()),
                        Some(&target),
                        "no severity or exploitation likelihood and impact; likelihood and impact set to 3: rank it",
                    );
                    (3, 3)
                }
            },
        };
        let stride = match category.stride {
            Some(s) => s,
            None => {
                self.report.note(
                    NoteKind::NeedsReview,
                    Some(path.to_owned()),
                    Some(&target),
                    format!(
                        "category `{}` states no STRIDE category; set to spoofing: choose the right one",
                        category.id
                    ),
                );
                Stride::Spoofing
            }
        };
        let found = tracking.iter().find(|(id, _)| *id == risk_id).map(|(_, t)| t.clone());
        if found.is_some() {
            used.insert(risk_id.clone());
        }
        let shown = strip_tags(title);
        let risk = Risk {
            id: &risk_id,
            target,
            title: if shown.is_empty() { category.title.to_owned() } else { shown },
            description: category.description.to_owned(),
            stride,
            rank,
            action: category.action.map(str::to_owned),
            at: path.to_owned(),
        };
        self.add_threat(risk, found.as_ref());
    }

    /// A `risk_tracking` entry no individual risk claimed: a risk of a built-in rule (or
    /// of a custom category), made a threat on the asset or link its id names.
    fn tracked_risk(&mut self, id: &str, t: &Tracking) {
        let mut parts = id.split('@');
        let category = parts.next().unwrap_or_default().trim();
        let rest: Vec<&str> = parts.map(str::trim).collect();
        let wildcard = category.contains('*') || rest.iter().any(|p| p.contains('*'));
        let target = rest.iter().find_map(|p| {
            self.asset_index
                .get(*p)
                .and_then(|&n| self.assets.get(n))
                .map(|a| (a.key.clone(), a.name.clone()))
                .or_else(|| self.links.get(*p).cloned())
        });
        let Some((target, target_name)) = target else {
            let why = if wildcard {
                "its id has wildcards (*), so it applies to every matching risk Threagile finds; Threatwright does not \
                 reproduce Threagile's rules"
            } else {
                "its id names no technical asset or communication link of the model"
            };
            self.report.note(
                NoteKind::NeedsReview,
                Some(t.path.clone()),
                None,
                format!(
                    "tracked risk `{id}` ({}{}) is not taken over: {why}",
                    t.status,
                    t.justification.as_deref().map(|j| format!(": {j}")).unwrap_or_default()
                ),
            );
            return;
        };
        if wildcard {
            self.report.note(
                NoteKind::NeedsReview,
                Some(t.path.clone()),
                Some(&target),
                format!("tracked risk `{id}` has wildcards (*); taken over only on {target_name}"),
            );
        }
        let custom = self.categories.get(category).map(|c| (c.title.clone(), c.stride, c.action.clone()));
        let (title, stride, action, builtin) = match custom {
            Some((title, stride, action)) => (title, stride, action, false),
            None => (humanize(category), builtin_stride(category), None, true),
        };
        let stride = match stride {
            Some(s) => s,
            None => {
                self.report.note(
                    NoteKind::NeedsReview,
                    Some(t.path.clone()),
                    Some(&target),
                    format!("no STRIDE category known for `{category}`; set to spoofing: choose the right one"),
                );
                Stride::Spoofing
            }
        };
        let description = format!(
            "Risk `{id}` tracked in Threagile{}.",
            if builtin {
                " (a built-in rule; Threagile computes these risks itself, the file records the decision)"
            } else {
                ""
            }
        );
        let risk = Risk {
            id,
            target,
            title: format!("{title} at {target_name}"),
            description,
            stride,
            rank: (3, 3),
            action,
            at: t.path.clone(),
        };
        let reference = self.add_threat(risk, Some(t));
        if builtin && let Some(r) = reference {
            self.builtin.push(r);
        }
    }

    /// Our status and response for a tracked risk, and the status of the mitigation it
    /// needs (mitigation-planned and mitigated need one).
    fn decide(
        &mut self,
        t: Option<&Tracking>,
        target: &Key,
        title: &str,
    ) -> (ThreatStatus, Response, Option<MitigationStatus>) {
        let Some(t) = t else {
            return (ThreatStatus::Open, Response::default(), None);
        };
        let said = t.justification.as_deref().map(|j| format!(" ({j})")).unwrap_or_default();
        let by = t.checked_by.clone();
        match t.status.as_str() {
            "in-discussion" => {
                self.report.note(
                    NoteKind::NeedsReview,
                    Some(t.path.clone()),
                    Some(target),
                    format!("\"{title}\" is in discussion in Threagile{said}; it is open here"),
                );
                (ThreatStatus::Open, Response::default(), None)
            }
            "accepted" => {
                let who = by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
                let when = t.date.as_deref().map(|d| format!(" on {d}")).unwrap_or_default();
                self.report.note(
                    NoteKind::NeedsReview,
                    Some(t.path.clone()),
                    Some(target),
                    format!(
                        "\"{title}\" was accepted in Threagile{who}{when}{said}; an acceptance here needs an approver, \
                         a reason and an expiry date, and Threagile records no expiry: it is open until someone \
                         accepts it again with one"
                    ),
                );
                (ThreatStatus::Open, Response::default(), None)
            }
            "in-progress" => (
                ThreatStatus::MitigationPlanned,
                Response { decided_by: by, ..Response::default() },
                Some(MitigationStatus::Planned),
            ),
            "mitigated" => (
                ThreatStatus::Mitigated,
                Response { decided_by: by, ..Response::default() },
                Some(MitigationStatus::Implemented),
            ),
            "false-positive" => (
                ThreatStatus::NotApplicable,
                Response {
                    reason: Some(
                        t.justification.clone().unwrap_or_else(|| "marked false positive in Threagile".to_owned()),
                    ),
                    decided_by: by,
                    ..Response::default()
                },
                None,
            ),
            _ => (ThreatStatus::Open, Response::default(), None),
        }
    }

    /// Adds a threat (and the mitigation its status needs); returns its reference.
    fn add_threat(&mut self, risk: Risk<'_>, tracking: Option<&Tracking>) -> Option<String> {
        if !self.risk_ids.insert(risk.id.to_owned()) {
            self.report.note(
                NoteKind::NeedsReview,
                Some(risk.at.clone()),
                Some(&risk.target),
                format!("risk `{}` appears twice; the second is not taken over", risk.id),
            );
            return None;
        }
        let (status, response, plan) = self.decide(tracking, &risk.target, &risk.title);
        let mut description = risk.description.clone();
        if let Some(t) = tracking
            && let Some(j) = &t.justification
        {
            let mut who = Vec::new();
            who.push(t.status.clone());
            who.extend(t.checked_by.clone());
            who.extend(t.date.clone());
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Threagile risk tracking ({}): {j}", who.join(", ")));
        }
        let record = threat_record(
            &self.model,
            threat_id("threagile", risk.id),
            &risk.target,
            &risk.title,
            &description,
            risk.stride,
            risk.rank,
            status,
            response,
        );
        let reference = record.reference.clone();
        self.model.threats.push(record);
        if let (Some(status), Some(t)) = (plan, tracking) {
            self.mitigation(&reference, &risk, status, t);
        }
        Some(reference)
    }

    /// The mitigation a tracked risk in progress (planned) or mitigated (implemented)
    /// stands on, with its ticket.
    fn mitigation(&mut self, threat: &str, risk: &Risk<'_>, status: MitigationStatus, t: &Tracking) {
        let reference = format!("M-{:04}", self.model.mitigations.len() + 1);
        let title = risk.action.clone().unwrap_or_else(|| format!("Mitigation of: {}", risk.title));
        let ticket = t.ticket.as_deref().map(|k| format!(", ticket {k}")).unwrap_or_default();
        self.report.note(
            NoteKind::Mapped,
            Some(t.path.clone()),
            Some(&risk.target),
            format!(
                "{threat} is {} in Threagile: mitigation {reference} ({}){ticket} made from its tracking",
                t.status,
                status.as_str()
            ),
        );
        self.model.mitigations.push(Mitigation {
            reference,
            id: threat_id("threagile", &format!("mitigation:{}", risk.id)),
            title,
            description: t.justification.clone().unwrap_or_default(),
            status,
            owner: None,
            ticket: t.ticket.clone(),
            due: None,
            template: None,
            threats: vec![threat.to_owned()],
        });
    }
}

/// What a technical asset says that the model takes over.
struct AssetFields {
    description: Option<String>,
    owner: Option<String>,
    usage: Option<String>,
    human: Option<bool>,
    out_of_scope: Option<bool>,
    justification: Option<String>,
    technology: Option<String>,
    technologies: Vec<String>,
    tags: Vec<String>,
    internet: Option<bool>,
    encryption: Option<String>,
    stored: Vec<String>,
}

/// An individual risk category, as its risks need it.
struct CategoryRef<'c> {
    id: &'c str,
    title: &'c str,
    stride: Option<Stride>,
    action: Option<&'c str>,
    description: &'c str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> (Vec<u8>, String) {
        super::super::testing::fixture("threagile", name)
    }

    fn claims() -> Imported {
        let (bytes, source) = fixture("claims-platform.yaml");
        import(&bytes, &source).expect("claims-platform.yaml imports")
    }

    use super::super::testing::keys;

    #[test]
    fn claims_platform_counts_and_system() {
        let Imported { model: m, report } = claims();
        assert_eq!(m.system.name, "Claims Platform");
        assert_eq!(m.system.owner.as_deref(), Some("Ines Carvalho"));
        assert!(m.system.description.as_deref().is_some_and(|d| d.contains("4,000 household")));
        assert_eq!(m.data_assets.len(), 6);
        assert_eq!(
            keys(&m.external_entities),
            ["policyholder-browser", "handler-workstation", "fraud-vendor", "bank-sftp"]
        );
        assert_eq!(
            keys(&m.processes),
            ["load-balancer", "claims-portal", "claims-api", "identity-provider", "payout-batch", "ci-pipeline"]
        );
        assert_eq!(keys(&m.data_stores), ["claims-db", "document-store"]);
        assert_eq!(m.flows.len(), 13);
        assert_eq!(m.boundaries.len(), 4);
        assert_eq!(report.counts.get("flows"), Some(&13));
        assert_eq!(report.format, "threagile");
        let out: Vec<&str> =
            m.external_entities.iter().filter(|e| e.tags.contains("out-of-scope")).map(|e| e.key.as_str()).collect();
        assert_eq!(out, ["fraud-vendor", "bank-sftp"]);
        assert!(m.system.out_of_scope.as_deref().is_some_and(|s| s.contains("VSA-2023-17")));
    }

    #[test]
    fn claims_platform_elements() {
        let m = claims().model;
        let trust = |k: &str| m.external_entities.iter().find(|e| e.key.as_str() == k).and_then(|e| e.trust);
        assert_eq!(trust("policyholder-browser"), Some(TrustLevel::AuthenticatedUser));
        assert_eq!(trust("handler-workstation"), Some(TrustLevel::Operator));
        assert_eq!(trust("fraud-vendor"), Some(TrustLevel::ThirdPartyVendor));

        let process = |k: &str| m.processes.iter().find(|p| p.key.as_str() == k).expect("process");
        assert_eq!(process("claims-portal").kind, Some(ProcessKind::WebApp));
        assert_eq!(process("identity-provider").kind, Some(ProcessKind::IdentityProvider));
        assert_eq!(process("load-balancer").internet_facing, Some(true));
        assert_eq!(process("load-balancer").authentication, Some(Authentication::Session));
        assert_eq!(process("claims-api").authentication, Some(Authentication::Oauth2));
        assert_eq!(process("claims-portal").authentication, None, "incoming links disagree");
        assert_eq!(process("claims-api").technology.as_deref(), Some("web-service-rest"));
        assert!(process("ci-pipeline").tags.contains("devops"));

        let db = &m.data_stores[0];
        assert_eq!(db.kind, Some(StoreKind::Sql));
        assert_eq!(db.encrypted_at_rest, Some(true));
        assert_eq!(db.stores, [Key::from("customer-pii"), Key::from("payout-bank-details"), Key::from("fraud-scores")]);
        assert_eq!(m.data_stores[1].kind, Some(StoreKind::FileSystem));
    }

    #[test]
    fn claims_platform_data_assets() {
        let m = claims().model;
        let asset = |k: &str| m.data_assets.iter().find(|a| a.key.as_str() == k).expect("data asset");
        let pii = asset("customer-pii");
        assert_eq!(pii.name.as_deref(), Some("Customer Personal Data"));
        assert_eq!((pii.classification, pii.confidentiality), (Some(Classification::Confidential), Some(Need::High)));
        assert_eq!((pii.integrity, pii.availability), (Some(Need::Medium), Some(Need::Low)));
        assert!(pii.categories.contains(&DataCategory::Personal));
        assert_eq!(asset("claim-documents").classification, Some(Classification::Restricted));
        assert!(asset("claim-documents").categories.contains(&DataCategory::Health));
        assert!(asset("access-tokens").categories.contains(&DataCategory::Credentials));
        assert!(asset("payout-bank-details").categories.contains(&DataCategory::Financial));
        assert_eq!(asset("fraud-scores").classification, Some(Classification::Internal));
        assert!(asset("build-artifacts").tags.contains("devops"));
    }

    #[test]
    fn claims_platform_flows() {
        let m = claims().model;
        let flow = |k: &str| m.flows.iter().find(|f| f.key.as_str() == k).expect("flow");
        let fwd = flow("forwarded-portal-traffic");
        assert_eq!((fwd.from.as_str(), fwd.to.as_str()), ("load-balancer", "claims-portal"));
        assert_eq!(fwd.protocol, Some(Protocol::Http));
        assert_eq!(fwd.encryption, Some(Encryption::None));
        assert_eq!(fwd.authentication, Some(Authentication::Session));
        assert!(fwd.bidirectional);
        assert_eq!(fwd.carries.len(), 3);
        assert!(fwd.tags.contains("ip-filtered") && fwd.tags.contains("enduser-identity-propagation"));

        assert_eq!(flow("fraud-check").encryption, Some(Encryption::Mtls));
        assert_eq!(flow("fraud-check").authentication, Some(Authentication::Mtls));
        assert_eq!(flow("database-access").protocol, Some(Protocol::Sql));
        assert_eq!(flow("database-access").encryption, Some(Encryption::Tls12));
        let sftp = flow("payout-file-transfer");
        assert_eq!((sftp.protocol, sftp.encryption), (Some(Protocol::Sftp), None));
        assert!(sftp.tags.contains("vpn") && !sftp.bidirectional);
        assert!(flow("token-validation").tags.contains("read-only"));
        assert!(flow("handler-access").tags.contains("two-factor"));
        assert!(flow("deploy-claims-api").tags.contains("devops"));
        assert_eq!(flow("login").authentication, Some(Authentication::Basic));
    }

    #[test]
    fn claims_platform_boundaries_nest() {
        let m = claims().model;
        let boundary = |k: &str| m.boundaries.iter().find(|b| b.key.as_str() == k).expect("boundary");
        assert_eq!(boundary("prod-account").parent, None);
        assert_eq!(boundary("prod-account").kind, Some(BoundaryKind::CloudAccount));
        assert_eq!(boundary("app-subnet").parent, Some(Key::from("prod-account")));
        assert_eq!(boundary("app-subnet").kind, Some(BoundaryKind::CloudAccount));
        assert_eq!(boundary("portal-runtime").parent, Some(Key::from("app-subnet")));
        assert_eq!(boundary("portal-runtime").kind, Some(BoundaryKind::Other));
        assert_eq!(boundary("hosted-ci").kind, Some(BoundaryKind::Internal));
        assert_eq!(boundary("portal-runtime").members, [Key::from("claims-portal")]);
        assert_eq!(boundary("app-subnet").members.len(), 4);
    }

    #[test]
    fn claims_platform_register() {
        let Imported { model: m, report } = claims();
        assert_eq!(m.threats.len(), 4);
        let manual = &m.threats[0];
        assert_eq!(manual.title, "Manual payout override at Claims API");
        assert_eq!(manual.target.as_str(), "claims-api");
        assert_eq!(manual.stride, Some(Stride::ElevationOfPrivilege));
        assert_eq!((manual.likelihood, manual.impact), (Some(3), Some(4)));
        assert_eq!(manual.status, ThreatStatus::MitigationPlanned);
        assert_eq!(manual.id, threat_id("threagile", "manual-payout-override@claims-api@payout-bank-details"));

        let accepted = &m.threats[1];
        assert_eq!(accepted.target.as_str(), "forwarded-portal-traffic");
        assert_eq!(accepted.stride, Some(Stride::InformationDisclosure));
        assert_eq!(accepted.status, ThreatStatus::Open, "no expiry in Threagile: not accepted here");
        assert!(report.notes.iter().any(|n| n.kind == NoteKind::NeedsReview && n.message.contains("expiry")));

        let xss = &m.threats[2];
        assert_eq!((xss.target.as_str(), xss.status), ("claims-portal", ThreatStatus::Mitigated));
        assert_eq!(xss.stride, Some(Stride::Tampering));
        let fp = &m.threats[3];
        assert_eq!(fp.status, ThreatStatus::NotApplicable);
        assert!(fp.response.reason.as_deref().is_some_and(|r| r.contains("ORM")));
        assert_eq!(fp.response.decided_by.as_deref(), Some("Jonas Berg"));

        assert_eq!(m.mitigations.len(), 2);
        let planned = &m.mitigations[0];
        assert_eq!(
            (planned.status, planned.ticket.as_deref(), planned.threats.as_slice()),
            (MitigationStatus::Planned, Some("CLM-1042"), [manual.reference.clone()].as_slice())
        );
        assert_eq!(planned.title, "Four-eyes principle for payout changes");
        let done = &m.mitigations[1];
        assert_eq!((done.status, done.ticket.as_deref()), (MitigationStatus::Implemented, Some("CLM-0871")));
        assert_eq!(done.threats, std::slice::from_ref(&xss.reference));

        for wildcard in ["missing-waf@*", "missing-authentication-second-factor@*@*@*"] {
            assert!(
                report.notes.iter().any(|n| n.kind == NoteKind::NeedsReview && n.message.contains(wildcard)),
                "{wildcard}"
            );
        }
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.kind == NoteKind::Unsupported && n.message.contains("Production Kubernetes Cluster"))
        );
    }

    #[test]
    fn claims_platform_is_a_valid_model_and_register() {
        let m = claims().model;
        let errors: Vec<String> =
            crate::model::validate(&m).into_iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let register = crate::lifecycle::validate::validate_register(&m);
        assert!(register.is_empty(), "{register:#?}");
    }

    #[test]
    fn wrong_types_are_each_reported_with_their_path() {
        let (bytes, source) = fixture("bad/wrong-types.yaml");
        let err = import(&bytes, &source).expect_err("wrong types");
        assert!(err.starts_with(&source), "{err}");
        for expected in [
            "business_criticality: `very-important`",
            "tags_available: must be a list",
            "data_assets: must be a map keyed by title, not a list",
            "technical_assets.Order Service.type: `microservice`",
            "technical_assets.Order Service.used_as_client_by_human: must be true or false",
            "technical_assets.Order Service.internet: must be true or false",
            "technical_assets.Order Service.redundant: must be true or false, not the number 2",
            "technical_assets.Order Service.data_assets_processed: must be a list",
            "technical_assets.Order Service.communication_links: must be a map keyed by title, not a list",
            "trust_boundaries.Cloud.technical_assets_inside: must be a list",
            "shared_runtimes: must be a map keyed by title, not a list",
            "risk_tracking.missing-waf@*.status: `done`",
            "risk_tracking.missing-waf@*.date: `not-a-date` is not a date",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
        }
    }

    #[test]
    fn unknown_references_are_each_reported() {
        let (bytes, source) = fixture("bad/unknown-link-target.yaml");
        let err = import(&bytes, &source).expect_err("dangling ids");
        assert!(err.starts_with(&source), "{err}");
        assert!(err.contains("4 problems"), "{err}");
        for expected in [
            "technical_assets.Till Application.communication_links.Send Receipts.target: no technical asset has the id `mail-relay`",
            "communication_links.Read Stock.data_assets_sent[0]: no data asset has the id `stock-levels`",
            "trust_boundaries.Office Network.technical_assets_inside[2]: no technical asset has the id `print-server`",
            "trust_boundaries.Office Network.trust_boundaries_nested[0]: no trust boundary has the id `guest-wifi`",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
        }
    }

    #[test]
    fn not_threagile_and_not_text() {
        for (input, expected) in [
            (&b"- a\n- b\n"[..], "not a Threagile model"),
            (&b"openapi: 3.1.0\n"[..], "not a Threagile model"),
            (&b"title: [unclosed\n"[..], "not valid YAML"),
            (&b"\xff\xfe t\x00"[..], "UTF-16"),
            (&b"title: \xc3\x28\n"[..], "not UTF-8"),
        ] {
            let err = import(input, "in.yaml").expect_err(expected);
            assert!(err.starts_with("in.yaml:") && err.contains(expected), "{err}");
        }
    }

    #[test]
    fn unknown_fields_are_reported() {
        let yaml = "threagile_version: 1.0.0\ntitle: T\nfavourite_colour: blue\ntechnical_assets:\n  A:\n    id: a\n    \
                    type: process\n    colour: red\n";
        let r = import(yaml.as_bytes(), "t.yaml").expect("imports").report;
        for field in ["favourite_colour", "colour"] {
            assert!(
                r.notes.iter().any(|n| n.kind == NoteKind::Unsupported && n.message.contains(&format!("`{field}`"))),
                "{field}"
            );
        }
    }

    #[test]
    fn link_ids_follow_threagile() {
        assert_eq!(link_id("load-balancer", "Forwarded Portal Traffic"), "load-balancer>forwarded-portal-traffic");
        assert_eq!(link_id("a", "API  Calls (v2)"), "a>api-calls-v2-");
        assert_eq!(
            strip_tags("<b>Manual payout override</b> at <b>Claims API</b>"),
            "Manual payout override at Claims API"
        );
        assert_eq!(humanize("sql-nosql-injection"), "Sql nosql injection");
    }

    #[test]
    fn garbage_never_panics() {
        let (bytes, source) = fixture("claims-platform.yaml");
        for cut in (0..bytes.len()).step_by(251) {
            let _ = import(bytes.get(..cut).unwrap_or_default(), &source);
        }
        let text = std::str::from_utf8(&bytes).expect("fixture is UTF-8");
        let mutated = text.replace("target: claims-db", "target: [claims-db]");
        let err = import(mutated.as_bytes(), &source).expect_err("a list as target");
        assert!(err.contains("communication_links.Database Access.target: must be text, not a list"), "{err}");
        let mutated = text.replace("risks_identified:", "risks_identified: 7\n    ignored:");
        let _ = import(mutated.as_bytes(), &source);

        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [0usize, 1, 5, 64, 1024, 8192] {
            let noise: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56) as u8
                })
                .collect();
            assert!(import(&noise, "noise.yaml").is_err());
        }
        // Deep nesting and an alias bomb end with an error, quickly.
        assert!(import("[".repeat(100_000).as_bytes(), "deep.yaml").is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in
            ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        bomb.push_str("technical_assets: *i\n");
        assert!(import(bomb.as_bytes(), "bomb.yaml").is_err());
    }
}
