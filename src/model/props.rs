//! The property vocabulary that rules read: small closed enums, never free strings.
//!
//! Every property of an element is optional. An absent property means "not stated",
//! which rules can tell apart from an explicit "no" (`false`, `none`). Doc comments here
//! become the descriptions in the published JSON Schema, so they are written for users.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A value of a closed vocabulary, as written in YAML: what rules compare against.
pub trait Word: Copy {
    fn word(self) -> &'static str;
    /// Every value of the vocabulary.
    fn names() -> &'static [&'static str];
}

/// Declares a closed, kebab-case vocabulary enum with a stable name for each value.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Every value as written in YAML, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text,)+];

            /// The value as written in YAML.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl Word for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }
            fn names() -> &'static [&'static str] {
                $name::NAMES
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// What a process is.
    ProcessKind {
        /// API gateway or reverse proxy in front of services.
        Gateway = "gateway",
        /// A service exposing or implementing an API.
        Service = "service",
        /// Background worker or consumer of a queue.
        Worker = "worker",
        /// Serverless function.
        Function = "function",
        /// Endpoint that receives webhooks (callbacks) from another party.
        WebhookReceiver = "webhook-receiver",
        /// Administrative user interface or back office.
        AdminUi = "admin-ui",
        /// Web front end (server-rendered site, backend for front end).
        WebApp = "web-app",
        /// Identity provider / authorization server issuing tokens.
        IdentityProvider = "identity-provider",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// How a caller proves who it is to a process.
    Authentication {
        /// No authentication: anyone who can reach it can call it.
        None = "none",
        /// Static API key.
        ApiKey = "api-key",
        /// HTTP basic authentication (user name and password on every request).
        Basic = "basic",
        /// Server-side session (cookie).
        Session = "session",
        /// OAuth 2.0 access tokens.
        Oauth2 = "oauth2",
        /// OpenID Connect.
        Oidc = "oidc",
        /// Mutual TLS client certificates.
        Mtls = "mtls",
        /// Self-contained JSON Web Tokens verified by the process.
        Jwt = "jwt",
        /// A short-lived URL signed for one object and operation (a pre-signed upload
        /// or download URL), issued after the issuer's own checks.
        SignedUrl = "signed-url",
    }
}

vocabulary! {
    /// An authorization check a process performs.
    Authorization {
        /// No authorization: any authenticated caller may do anything.
        None = "none",
        /// Role-based checks.
        Role = "role",
        /// Checks that the caller may access each object it names (per record / per ID).
        ObjectLevel = "object-level",
        /// Checks that the caller may call each function (e.g. admin operations).
        FunctionLevel = "function-level",
        /// Checks that the caller may read or write each property of an object.
        PropertyLevel = "property-level",
    }
}

vocabulary! {
    /// Where a process keeps its secrets (keys, passwords, tokens).
    SecretsStorage {
        /// A secrets manager or vault.
        Vault = "vault",
        /// A cloud key management service.
        Kms = "kms",
        /// Environment variables.
        Env = "env",
        /// A configuration file on disk.
        ConfigFile = "config-file",
        /// In source code or in the built artefact.
        HardCoded = "hard-coded",
        /// The process holds no secrets.
        None = "none",
    }
}

vocabulary! {
    /// How a process records what happens.
    Logging {
        /// No security-relevant logging.
        None = "none",
        /// Logs kept on the host only.
        Local = "local",
        /// Logs shipped to a central place (log platform, SIEM).
        Centralized = "centralized",
    }
}

vocabulary! {
    /// Cross-origin resource sharing policy of a web-facing process.
    Cors {
        /// No cross-origin access.
        None = "none",
        /// An explicit list of allowed origins.
        Allowlist = "allowlist",
        /// Any origin (`*`), or the request's origin reflected back.
        Wildcard = "wildcard",
    }
}

vocabulary! {
    /// How much an external entity is trusted.
    TrustLevel {
        /// Anyone on the internet, not identified.
        Anonymous = "anonymous",
        /// A signed-in end user or customer.
        AuthenticatedUser = "authenticated-user",
        /// A business partner integrating with the system.
        Partner = "partner",
        /// Staff operating the system (administrators, support).
        Operator = "operator",
        /// A third-party API vendor the system sends data to or consumes.
        ThirdPartyVendor = "third-party-vendor",
        /// Another internal system outside this model's scope.
        Internal = "internal",
    }
}

vocabulary! {
    /// A security attestation a vendor holds.
    Attestation {
        /// SOC 2 Type I: controls designed suitably at a point in time.
        Soc2Type1 = "soc2-type1",
        /// SOC 2 Type II: controls operated effectively over a period.
        Soc2Type2 = "soc2-type2",
        /// ISO/IEC 27001 certification.
        Iso27001 = "iso27001",
        /// ISO/IEC 27701 (privacy information management) certification.
        Iso27701 = "iso27701",
        /// ISO/IEC 27017: controls for cloud services.
        Iso27017 = "iso27017",
        /// ISO/IEC 27018: protection of personal data in public clouds.
        Iso27018 = "iso27018",
        /// PCI DSS Level 1 service provider.
        PciDssLevel1 = "pci-dss-level1",
        /// PCI DSS Level 2 service provider.
        PciDssLevel2 = "pci-dss-level2",
        /// PCI DSS Level 3 merchant level.
        PciDssLevel3 = "pci-dss-level3",
        /// PCI DSS Level 4 merchant level.
        PciDssLevel4 = "pci-dss-level4",
        /// Holds no security attestation (stated, as opposed to not known).
        None = "none",
    }
}

vocabulary! {
    /// What kind of data store.
    StoreKind {
        /// Relational database queried with SQL.
        Sql = "sql",
        /// Document or wide-column database.
        Nosql = "nosql",
        /// Key-value store or cache.
        Cache = "cache",
        /// Object storage (buckets).
        ObjectStorage = "object-storage",
        /// Files on a file system or share.
        FileSystem = "file-system",
        /// Message queue or event stream.
        Queue = "queue",
        /// Log store or log pipeline.
        Log = "log",
        /// Search index.
        SearchIndex = "search-index",
        /// Secrets manager or vault.
        SecretsVault = "secrets-vault",
        /// Data warehouse or analytics store.
        Warehouse = "warehouse",
        /// Anything else.
        Other = "other",
    }
}

vocabulary! {
    /// Who may read or write a data store.
    AccessControl {
        /// No access control.
        None = "none",
        /// One credential shared by several services or people.
        SharedCredentials = "shared-credentials",
        /// Each service has its own credential.
        PerService = "per-service",
        /// Each service has its own credential limited to what it needs.
        LeastPrivilege = "least-privilege",
    }
}

vocabulary! {
    /// Where a process takes the tenant of a request from.
    TenantSource {
        /// A claim of the verified token or session.
        Token = "token",
        /// The request itself (header, path or query parameter), as the caller sends it.
        Request = "request",
    }
}

vocabulary! {
    /// How a cloud host lets workloads reach the instance metadata service.
    MetadataService {
        /// Version 1: plain GET requests, reachable through server-side request forgery.
        Imdsv1 = "imdsv1",
        /// Version 2 only: session tokens from a PUT, hop limit 1.
        Imdsv2 = "imdsv2",
        /// Blocked for the workload (network policy, per-workload identity instead).
        Blocked = "blocked",
    }
}

vocabulary! {
    /// Who may call an operation (a route or group of routes).
    Access {
        /// Anyone, without signing in.
        Anonymous = "anonymous",
        /// Anyone; a signed-in caller gets more (optional login).
        OptionalLogin = "optional-login",
        /// Only callers who have signed in.
        Authenticated = "authenticated",
    }
}

vocabulary! {
    /// Multi-factor authentication at sign-in.
    Mfa {
        /// Not offered.
        None = "none",
        /// Offered; each user chooses.
        Optional = "optional",
        /// Required of every user (one-time codes, push).
        Required = "required",
        /// Required, and resistant to phishing (FIDO2 / WebAuthn, smart cards).
        PhishingResistant = "phishing-resistant",
    }
}

vocabulary! {
    /// Whether a GraphQL endpoint accepts several operations in one request.
    Batching {
        /// One operation per request.
        Disabled = "disabled",
        /// Several, up to a stated number that counts against the rate limit.
        Limited = "limited",
        /// Any number (aliases or arrays of queries bypass per-request limits).
        Unlimited = "unlimited",
    }
}

vocabulary! {
    /// What limits who can reach a workload on the network, whatever the diagram shows.
    NetworkIsolation {
        /// Nothing: anything in the network can connect.
        None = "none",
        /// Network policies or security groups admit only its intended callers.
        NetworkPolicy = "network-policy",
        /// A service mesh with mutual TLS and per-service authorization policies.
        ServiceMesh = "service-mesh",
    }
}

vocabulary! {
    /// What the cloud role attached to a workload's host may do.
    InstanceRole {
        /// No role is attached.
        None = "none",
        /// Scoped to what the workload needs.
        LeastPrivilege = "least-privilege",
        /// Broad permissions (administrator, wildcard actions or resources).
        Broad = "broad",
    }
}

vocabulary! {
    /// Where a request carries its credential.
    CredentialPlace {
        /// A request header (Authorization, a custom header).
        Header = "header",
        /// A cookie.
        Cookie = "cookie",
        /// The request body.
        Body = "body",
        /// The URL's query string: written to access logs, proxies and browser history.
        QueryString = "query-string",
    }
}

vocabulary! {
    /// How a data store keeps tenants' records apart.
    TenantIsolation {
        /// Shared tables; the application adds the tenant filter to every query.
        Application = "application",
        /// Shared tables with row-level security enforced by the database.
        RowLevel = "row-level",
        /// A schema per tenant.
        Schema = "schema",
        /// A database (or account) per tenant.
        Database = "database",
    }
}

vocabulary! {
    /// How data is disposed of at the end of its retention period.
    Disposal {
        /// Not disposed of: kept indefinitely.
        None = "none",
        /// Deleted.
        Delete = "delete",
        /// Made unreadable by destroying its encryption keys.
        CryptoShred = "crypto-shred",
        /// Anonymised so that it no longer relates to a person.
        Anonymize = "anonymize",
    }
}

vocabulary! {
    /// Application protocol of a data flow.
    Protocol {
        Https = "https",
        Http = "http",
        Grpc = "grpc",
        Graphql = "graphql",
        Websocket = "websocket",
        Amqp = "amqp",
        Kafka = "kafka",
        Mqtt = "mqtt",
        Sql = "sql",
        Redis = "redis",
        Ldap = "ldap",
        Smtp = "smtp",
        Sftp = "sftp",
        Ftp = "ftp",
        Ssh = "ssh",
        /// Session Initiation Protocol (voice over IP).
        Sip = "sip",
        /// Short messages over the mobile network.
        Sms = "sms",
        /// Voice calls over the telephone network.
        Pstn = "pstn",
        Other = "other",
    }
}

impl Protocol {
    /// Whether the protocol name itself says the traffic is encrypted (`https`, `sftp`...).
    pub fn implies_tls(self) -> bool {
        matches!(self, Protocol::Https | Protocol::Sftp | Protocol::Ssh)
    }

    /// Whether the protocol name itself says the traffic is in clear text (`http`, `ftp`).
    pub fn implies_plaintext(self) -> bool {
        matches!(self, Protocol::Http | Protocol::Ftp)
    }
}

vocabulary! {
    /// Encryption of a data flow in transit.
    Encryption {
        /// Clear text.
        None = "none",
        Tls10 = "tls1.0",
        Tls11 = "tls1.1",
        Tls12 = "tls1.2",
        Tls13 = "tls1.3",
        /// Mutual TLS (both sides present certificates).
        Mtls = "mtls",
    }
}

vocabulary! {
    /// Sensitivity class of a data asset.
    Classification {
        Public = "public",
        Internal = "internal",
        Confidential = "confidential",
        Restricted = "restricted",
    }
}

vocabulary! {
    /// Regulated or sensitive category a data asset belongs to.
    DataCategory {
        /// Personal data (GDPR): anything relating to an identifiable person.
        Personal = "personal",
        /// Cardholder data (PCI DSS): card numbers, expiry, cardholder name.
        Cardholder = "cardholder",
        /// Credentials: passwords, tokens, API keys, session identifiers.
        Credentials = "credentials",
        /// Health data.
        Health = "health",
        /// Cryptographic keys and other secrets.
        Secrets = "secrets",
        /// Financial data (balances, transactions, bank accounts).
        Financial = "financial",
        /// Business-confidential data: pricing, contracts, plans, unpublished results.
        BusinessConfidential = "business-confidential",
        /// Intellectual property: source code, designs, trained models, research.
        IntellectualProperty = "intellectual-property",
    }
}

vocabulary! {
    /// A need level for confidentiality, integrity or availability.
    Need {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

vocabulary! {
    /// What a trust boundary encloses.
    BoundaryKind {
        /// The public internet.
        Internet = "internet",
        /// Demilitarised zone facing the internet.
        Dmz = "dmz",
        /// Internal network or cluster.
        Internal = "internal",
        /// A cloud account, project or subscription.
        CloudAccount = "cloud-account",
        /// A zone with stricter controls (e.g. cardholder data environment).
        RestrictedZone = "restricted-zone",
        /// A third party's environment.
        Vendor = "vendor",
        /// A partner's environment.
        Partner = "partner",
        /// End-user devices.
        Device = "device",
        Other = "other",
    }
}

impl BoundaryKind {
    /// The trust a boundary of this kind has when it states none: what is on the
    /// internet or on users' devices is untrusted; a DMZ, a partner's or a vendor's
    /// environment low; an internal network or cloud account medium; a restricted zone
    /// high. `other` implies nothing.
    pub fn implied_trust(self) -> Option<BoundaryTrust> {
        Some(match self {
            BoundaryKind::Internet | BoundaryKind::Device => BoundaryTrust::Untrusted,
            BoundaryKind::Dmz | BoundaryKind::Partner | BoundaryKind::Vendor => BoundaryTrust::Low,
            BoundaryKind::Internal | BoundaryKind::CloudAccount => BoundaryTrust::Medium,
            BoundaryKind::RestrictedZone => BoundaryTrust::High,
            BoundaryKind::Other => return None,
        })
    }
}

vocabulary! {
    /// How far what is inside a boundary is trusted.
    BoundaryTrust {
        Untrusted = "untrusted",
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

vocabulary! {
    /// Who an API is meant for.
    ApiAudience {
        Public = "public",
        Partner = "partner",
        Internal = "internal",
    }
}

vocabulary! {
    /// Whether the system exposes an API or consumes someone else's.
    ApiDirection {
        Exposed = "exposed",
        Consumed = "consumed",
    }
}

vocabulary! {
    /// Lifecycle state of an API.
    ApiStatus {
        Planned = "planned",
        Active = "active",
        Deprecated = "deprecated",
        Retired = "retired",
    }
}

/// A size or count limit: a whole number, or `unlimited` where nothing bounds it (rules
/// compare `unlimited` as larger than any number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Limit {
    At(u64),
    Unlimited,
}

impl Limit {
    /// The limit as a number for comparisons: `unlimited` is `u64::MAX`.
    pub fn as_number(self) -> u64 {
        match self {
            Limit::At(n) => n,
            Limit::Unlimited => u64::MAX,
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::At(n) => write!(f, "{n}"),
            Limit::Unlimited => f.write_str("unlimited"),
        }
    }
}

impl Serialize for Limit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::At(n) => s.serialize_u64(*n),
            Limit::Unlimited => s.serialize_str("unlimited"),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Limit;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number or `unlimited`")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Limit, E> {
                Ok(Limit::At(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Limit, E> {
                u64::try_from(n)
                    .map(Limit::At)
                    .map_err(|_| E::custom("expected a whole number or `unlimited`, found a negative number"))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Limit, E> {
                if s == "unlimited" {
                    Ok(Limit::Unlimited)
                } else {
                    Err(E::custom(format!("expected a whole number or `unlimited`, found `{s}`")))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Limit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Limit".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A whole number, or `unlimited` where nothing bounds it.",
            "anyOf": [
                {"type": "integer", "format": "uint64", "minimum": 0},
                {"const": "unlimited"}
            ]
        })
    }
}
