//! Synthetic models for benchmarks and load tests.
//!
//! [`api_platform`] builds the same shape as the OWASP pytm reference model in
//! `shared/perf/pytm_bench.py`, so that Threatwright and pytm are measured on models of
//! the same size and structure: per service group 10 elements (2 boundaries counted, as
//! pytm counts them) and 15 flows, plus 3 global elements; properties vary with a seeded
//! generator so that different rules fire.

use crate::model::props::*;
use crate::model::*;
use std::collections::BTreeSet;

/// SplitMix64: a tiny, fixed generator. Hand-written on purpose: a library generator may
/// change its output between versions, and the benchmark model must never change.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `p`.
    fn flip(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn key(s: String) -> Key {
    Key(s)
}

fn keys<const N: usize>(ks: [&str; N]) -> Vec<Key> {
    ks.iter().map(|k| Key::from(*k)).collect()
}

fn process(k: String, name: String, kind: ProcessKind) -> Process {
    Process { key: key(k), name: Some(name), kind: Some(kind), ..Process::default() }
}

fn store(k: String, name: String, kind: StoreKind, holds: &str) -> DataStore {
    DataStore { key: key(k), name: Some(name), kind: Some(kind), stores: keys([holds]), ..DataStore::default() }
}

fn boundary(k: String, name: String, kind: BoundaryKind, trust: BoundaryTrust, members: Vec<Key>) -> Boundary {
    Boundary { key: key(k), name: Some(name), kind: Some(kind), trust: Some(trust), members, ..Boundary::default() }
}

fn asset(k: &str, name: &str, class: Classification, cats: &[DataCategory]) -> DataAsset {
    DataAsset {
        key: Key::from(k),
        name: Some(name.to_owned()),
        classification: Some(class),
        categories: cats.iter().copied().collect(),
        ..DataAsset::default()
    }
}

/// Number of service groups for a requested element count, as pytm_bench.py computes it.
pub fn groups_for(elements: usize) -> usize {
    (((elements as f64 - 3.0) / 10.0).round() as usize).max(1)
}

/// The synthetic API platform with about `elements` elements (10 × groups + 3).
pub fn api_platform(elements: usize, seed: u64) -> Model {
    let groups = groups_for(elements);
    let mut rng = Rng(seed);
    let mut m = Model::new(format!("Synthetic API platform (N={})", groups * 10 + 3));
    m.system.description = Some(
        "Synthetic multi-tenant API platform: per service group an external client, an API gateway, \
         three services, a worker function, a SQL database and a cache, behind DMZ and internal \
         trust boundaries, plus a shared identity provider."
            .into(),
    );
    m.data_assets = vec![
        asset("api-request", "API request", Classification::Restricted, &[]),
        asset("customer-record", "Customer record", Classification::Confidential, &[DataCategory::Personal]),
        asset("access-token", "Access token", Classification::Restricted, &[DataCategory::Credentials]),
    ];
    let mut idp = process("identity-provider".into(), "Identity Provider".into(), ProcessKind::IdentityProvider);
    idp.authentication = Some(Authentication::Oidc);
    idp.hardened = Some(true);
    idp.input_validation = Some(true);
    m.processes.push(idp);
    let mut internet_members = Vec::new();

    for g in 0..groups {
        let client = ExternalEntity {
            key: key(format!("client-{g}")),
            name: Some(format!("Client {g}")),
            trust: Some(if rng.flip(0.5) { TrustLevel::Anonymous } else { TrustLevel::AuthenticatedUser }),
            ..ExternalEntity::default()
        };
        internet_members.push(client.key.clone());
        m.external_entities.push(client);

        let mut gw = process(format!("api-gateway-{g}"), format!("API Gateway {g}"), ProcessKind::Gateway);
        gw.internet_facing = Some(true);
        gw.hardened = Some(rng.flip(0.6));
        gw.input_validation = Some(rng.flip(0.6));
        gw.output_encoding = Some(rng.flip(0.7));
        gw.authentication = Some(if rng.flip(0.8) { Authentication::Oauth2 } else { Authentication::ApiKey });
        gw.rate_limited = Some(rng.flip(0.5));
        gw.security_headers = Some(rng.flip(0.4));
        m.processes.push(gw);

        for name in ["orders", "users", "billing"] {
            let mut p =
                process(format!("{name}-{g}"), format!("{} Service {g}", capitalize(name)), ProcessKind::Service);
            p.input_validation = Some(rng.flip(0.6));
            p.parameterized_queries = Some(rng.flip(0.6));
            p.least_privilege = Some(rng.flip(0.5));
            let mut authz = BTreeSet::new();
            if rng.flip(0.6) {
                authz.insert(Authorization::Role);
            }
            if rng.flip(0.5) {
                authz.insert(Authorization::ObjectLevel);
            }
            if authz.is_empty() {
                authz.insert(Authorization::None);
            }
            p.authorization = Some(authz);
            m.processes.push(p);
        }
        let mut worker = process(format!("notifier-{g}"), format!("Notifier Worker {g}"), ProcessKind::Function);
        worker.input_validation = Some(rng.flip(0.5));
        m.processes.push(worker);

        let mut db = store(format!("orders-db-{g}"), format!("Orders DB {g}"), StoreKind::Sql, "customer-record");
        db.encrypted_at_rest = Some(rng.flip(0.7));
        db.access_control =
            Some(if rng.flip(0.7) { AccessControl::PerService } else { AccessControl::SharedCredentials });
        m.data_stores.push(db);
        let mut cache =
            store(format!("session-cache-{g}"), format!("Session Cache {g}"), StoreKind::Cache, "access-token");
        cache.encrypted_at_rest = Some(rng.flip(0.3));
        cache.access_control = Some(if rng.flip(0.4) { AccessControl::PerService } else { AccessControl::None });
        m.data_stores.push(cache);

        m.boundaries.push(boundary(
            format!("dmz-{g}"),
            format!("DMZ {g}"),
            BoundaryKind::Dmz,
            BoundaryTrust::Low,
            vec![key(format!("api-gateway-{g}"))],
        ));
        m.boundaries.push(boundary(
            format!("internal-{g}"),
            format!("Internal {g}"),
            BoundaryKind::Internal,
            BoundaryTrust::Medium,
            ["orders", "users", "billing", "notifier", "orders-db", "session-cache"]
                .iter()
                .map(|n| key(format!("{n}-{g}")))
                .collect(),
        ));
    }
    m.boundaries.push(boundary(
        "internet".into(),
        "Internet".into(),
        BoundaryKind::Internet,
        BoundaryTrust::Untrusted,
        internet_members,
    ));
    m.boundaries.push(boundary(
        "identity-zone".into(),
        "Identity Zone".into(),
        BoundaryKind::Internal,
        BoundaryTrust::High,
        keys(["identity-provider"]),
    ));

    for g in 0..groups {
        let next_users = format!("users-{}", (g + 1) % groups);
        let https = rng.flip(0.85);
        let web = if https { Protocol::Https } else { Protocol::Http };
        let web_enc = if https { Encryption::Tls12 } else { Encryption::None };
        let tls = rng.flip(0.6);
        let db_enc = if tls { Encryption::Tls12 } else { Encryption::None };
        let cache_tls = rng.flip(0.3);
        let cache_enc = if cache_tls { Encryption::Tls12 } else { Encryption::None };
        let specs: [FlowSpec; 15] = [
            (
                "client-call",
                format!("client-{g}"),
                format!("api-gateway-{g}"),
                web,
                web_enc,
                &["api-request", "access-token"],
            ),
            ("api-response", format!("api-gateway-{g}"), format!("client-{g}"), web, web_enc, &["api-request"]),
            (
                "route-orders",
                format!("api-gateway-{g}"),
                format!("orders-{g}"),
                Protocol::Http,
                Encryption::None,
                &["api-request"],
            ),
            (
                "orders-response",
                format!("orders-{g}"),
                format!("api-gateway-{g}"),
                Protocol::Http,
                Encryption::None,
                &["api-request"],
            ),
            (
                "route-users",
                format!("api-gateway-{g}"),
                format!("users-{g}"),
                Protocol::Https,
                Encryption::Tls13,
                &["api-request", "customer-record"],
            ),
            (
                "users-response",
                format!("users-{g}"),
                format!("api-gateway-{g}"),
                Protocol::Https,
                Encryption::Tls13,
                &["customer-record"],
            ),
            (
                "validate-token",
                format!("api-gateway-{g}"),
                "identity-provider".into(),
                Protocol::Https,
                Encryption::Tls13,
                &["access-token"],
            ),
            (
                "write-order",
                format!("orders-{g}"),
                format!("orders-db-{g}"),
                Protocol::Sql,
                db_enc,
                &["customer-record"],
            ),
            (
                "order-rows",
                format!("orders-db-{g}"),
                format!("orders-{g}"),
                Protocol::Sql,
                db_enc,
                &["customer-record"],
            ),
            (
                "session-lookup",
                format!("users-{g}"),
                format!("session-cache-{g}"),
                Protocol::Redis,
                cache_enc,
                &["access-token"],
            ),
            (
                "session-data",
                format!("session-cache-{g}"),
                format!("users-{g}"),
                Protocol::Redis,
                Encryption::None,
                &["access-token"],
            ),
            (
                "billing-query",
                format!("billing-{g}"),
                format!("orders-db-{g}"),
                Protocol::Sql,
                db_enc,
                &["customer-record"],
            ),
            (
                "charge-order",
                format!("orders-{g}"),
                format!("billing-{g}"),
                Protocol::Http,
                Encryption::None,
                &["api-request"],
            ),
            (
                "send-receipt",
                format!("billing-{g}"),
                format!("notifier-{g}"),
                Protocol::Https,
                Encryption::Tls12,
                &["customer-record"],
            ),
            (
                "user-lookup",
                format!("orders-{g}"),
                next_users.clone(),
                Protocol::Https,
                Encryption::Tls12,
                &["api-request"],
            ),
        ];
        let anonymous_client = m.external_entities[g].trust == Some(TrustLevel::Anonymous);
        for (name, from, to, protocol, encryption, carries) in specs {
            // An anonymous client cannot authenticate; everything else varies.
            let authenticated = rng.flip(0.6) && !(anonymous_client && name == "client-call");
            m.flows.push(Flow {
                key: key(format!("{name}-{g}")),
                name: Some(format!("{} {g}", capitalize(&name.replace('-', " ")))),
                from: key(from),
                to: key(to),
                protocol: Some(protocol),
                encryption: Some(encryption),
                authentication: Some(if authenticated { Authentication::Jwt } else { Authentication::None }),
                carries: carries.iter().map(|c| Key::from(*c)).collect(),
                ..Flow::default()
            });
        }
    }
    m
}

/// name, from, to, protocol, encryption, assets carried
type FlowSpec = (&'static str, String, String, Protocol, Encryption, &'static [&'static str]);

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_matches_the_pytm_reference() {
        for (n, groups) in [(1000, 100), (1003, 100), (10, 1), (103, 10)] {
            let m = api_platform(n, 1);
            assert_eq!(groups_for(n), groups);
            let elements = m.external_entities.len() + m.processes.len() + m.data_stores.len();
            assert_eq!(elements + m.boundaries.len(), groups * 10 + 3, "N={n}");
            assert_eq!(m.flows.len(), groups * 15, "N={n}");
            let diags = validate(&m);
            assert!(diags.iter().all(|d| !d.is_error()), "N={n}: {diags:?}");
        }
        assert_eq!(api_platform(200, 7), api_platform(200, 7));
        assert_ne!(api_platform(200, 7), api_platform(200, 8));
    }
}
