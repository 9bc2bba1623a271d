//! Attack paths: from untrusted external entities to data stores that hold sensitive
//! assets, with the weakest control on each path.
//!
//! One breadth-first search from all untrusted entities at once gives every store its
//! shortest path from the nearest one, in time linear in the model (the number of simple
//! paths is exponential; shortest paths are what a reviewer reads first). Ties go to
//! the entity and flow that come first in the canonical model, so paths are stable.

use super::facts::{ElementFacts, is_sensitive, steps};
use super::view::View;
use crate::model::props::{AccessControl, Authentication, Encryption, TrustLevel};
use crate::model::{ElementKind, ElementRef, Key, Model};
use serde::Serialize;
use std::collections::VecDeque;

/// One flow along an attack path and how well it is protected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hop {
    pub flow: Key,
    pub from: Key,
    pub to: Key,
    /// 0 (no protection) to 4; see [`hop_strength`].
    pub strength: u8,
    /// What is weak about it, in words ("no authentication, no encryption").
    pub weaknesses: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttackPath {
    /// The untrusted entity the path starts from.
    pub source: Key,
    pub source_trust: Option<TrustLevel>,
    /// The data store it ends at.
    pub target: Key,
    /// Elements along the path, source first.
    pub elements: Vec<Key>,
    pub hops: Vec<Hop>,
    /// Index into `hops` of the weakest control (the first of equally weak ones).
    pub weakest: usize,
    /// Keys of the sensitive assets the target holds.
    pub assets: Vec<Key>,
}

impl AttackPath {
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }
}

/// Strength of a hop's protection, 0–4: how the sender is authenticated (none 0;
/// unstated, basic or API key 1; session, JWT, OAuth 2, OIDC or signed URL 2; mutual TLS 3 — for a
/// data store, its access control: none 0, unstated or shared credentials 1, per-service
/// or least-privilege credentials 2) plus 1 for encryption in transit.
pub fn hop_strength(access: Access, encrypted: Option<bool>) -> (u8, Vec<String>) {
    let mut weak = Vec::new();
    let a = match access {
        Access::Auth(Some(Authentication::None)) => {
            weak.push("no authentication".to_owned());
            0
        }
        Access::Auth(None) => {
            weak.push("authentication not stated".to_owned());
            1
        }
        Access::Auth(Some(a @ (Authentication::Basic | Authentication::ApiKey))) => {
            weak.push(format!("weak authentication ({a})"));
            1
        }
        Access::Auth(Some(
            Authentication::Session
            | Authentication::Jwt
            | Authentication::Oauth2
            | Authentication::Oidc
            | Authentication::SignedUrl,
        )) => 2,
        Access::Auth(Some(Authentication::Mtls)) => 3,
        Access::Store(Some(AccessControl::None)) => {
            weak.push("no access control on the store".to_owned());
            0
        }
        Access::Store(None) => {
            weak.push("store access control not stated".to_owned());
            1
        }
        Access::Store(Some(AccessControl::SharedCredentials)) => {
            weak.push("shared store credentials".to_owned());
            1
        }
        Access::Store(Some(AccessControl::PerService | AccessControl::LeastPrivilege)) => 2,
    };
    let e = match encrypted {
        Some(true) => 1,
        Some(false) => {
            weak.push("no encryption in transit".to_owned());
            0
        }
        None => {
            weak.push("encryption not stated".to_owned());
            0
        }
    };
    (a + e, weak)
}

/// What guards the receiving end of a hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Authentication of the sender (flow or receiving process).
    Auth(Option<Authentication>),
    /// Access control of a receiving data store.
    Store(Option<AccessControl>),
}

/// What guards a flow's receiving end.
pub fn access(f: &crate::model::Flow, receiver: ElementRef<'_>) -> Access {
    match receiver {
        ElementRef::DataStore(s) if f.authentication.is_none() => Access::Store(s.access_control),
        other => Access::Auth(flow_authentication(f, Some(other))),
    }
}

/// Whether a flow is encrypted in transit: its `encryption`, else what its protocol says.
pub fn flow_encrypted(f: &crate::model::Flow) -> Option<bool> {
    match f.encryption {
        Some(Encryption::None) => Some(false),
        Some(_) => Some(true),
        None => match f.protocol {
            Some(p) if p.implies_tls() => Some(true),
            Some(p) if p.implies_plaintext() => Some(false),
            _ => None,
        },
    }
}

/// How the sender authenticates on a flow: the flow's own `authentication`, else the
/// receiving process's.
pub fn flow_authentication(f: &crate::model::Flow, receiver: Option<ElementRef<'_>>) -> Option<Authentication> {
    f.authentication.or(match receiver {
        Some(ElementRef::Process(p)) => p.authentication,
        _ => None,
    })
}

pub(super) fn find(
    model: &Model,
    view: &View<'_>,
    kinds: &[ElementKind],
    entity_trust: &[Option<Option<TrustLevel>>],
    ef: &[ElementFacts],
) -> Vec<AttackPath> {
    let n = kinds.len();
    // Sources: untrusted entities, least trusted first (on equal distance the path from an
    // anonymous user wins over one from a partner), then in element order.
    let mut sources: Vec<usize> =
        (0..n).filter(|&i| matches!(entity_trust[i], Some(t) if super::facts::is_untrusted(t))).collect();
    sources.sort_by_key(|&i| {
        let rank = match entity_trust[i].flatten() {
            Some(TrustLevel::Anonymous) => 0,
            None => 1,
            Some(TrustLevel::AuthenticatedUser) => 2,
            Some(TrustLevel::ThirdPartyVendor) => 3,
            _ => 4,
        };
        (rank, i)
    });
    if sources.is_empty() {
        return Vec::new();
    }
    let mut pred: Vec<Option<(usize, usize)>> = vec![None; n]; // (previous node, flow)
    let mut origin: Vec<Option<usize>> = vec![None; n];
    let mut queue = VecDeque::new();
    for &s in &sources {
        origin[s] = Some(s);
        queue.push_back(s);
    }
    while let Some(cur) = queue.pop_front() {
        // Paths go through processes; they stop at stores and do not pass through other
        // external entities (an entity is a party, not a hop inside the system).
        if cur != origin[cur].unwrap_or(cur) && kinds[cur] != ElementKind::Process {
            continue;
        }
        let mut next: Vec<(usize, usize)> = steps(view, kinds, cur).map(|(m, flow, _)| (m, flow)).collect();
        next.sort_unstable_by_key(|&(m, flow)| (flow, m));
        for (m, flow) in next {
            if origin[m].is_none() {
                origin[m] = origin[cur];
                pred[m] = Some((cur, flow));
                queue.push_back(m);
            }
        }
    }

    let mut out = Vec::new();
    for (i, e) in view.elements.iter().enumerate() {
        let ElementRef::DataStore(store) = e else { continue };
        let sensitive: Vec<Key> = ef[i]
            .stored
            .iter()
            .map(|&a| &model.data_assets[a])
            .filter(|a| is_sensitive(a))
            .map(|a| a.key.clone())
            .collect();
        if sensitive.is_empty() || pred[i].is_none() {
            continue;
        }
        // Walk back to the source.
        let mut nodes = vec![i];
        let mut flows = Vec::new();
        let mut cur = i;
        while let Some((prev, flow)) = pred[cur] {
            flows.push(flow);
            nodes.push(prev);
            cur = prev;
        }
        nodes.reverse();
        flows.reverse();
        let hops: Vec<Hop> = flows
            .iter()
            .zip(nodes.windows(2))
            .map(|(&fi, pair)| {
                let f = &model.flows[fi];
                let receiver = view.elements[pair[1]];
                let (strength, weaknesses) = hop_strength(access(f, receiver), flow_encrypted(f));
                Hop {
                    flow: f.key.clone(),
                    from: view.elements[pair[0]].key().clone(),
                    to: receiver.key().clone(),
                    strength,
                    weaknesses,
                }
            })
            .collect();
        let weakest = hops.iter().enumerate().min_by_key(|(i, h)| (h.strength, *i)).map_or(0, |(i, _)| i);
        let source = nodes[0];
        out.push(AttackPath {
            source: view.elements[source].key().clone(),
            source_trust: entity_trust[source].flatten(),
            target: store.key.clone(),
            elements: nodes.iter().map(|&k| view.elements[k].key().clone()).collect(),
            hops,
            weakest,
            assets: sensitive,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_strength_table() {
        use Authentication::*;
        let cases = [
            (Access::Auth(Some(None)), Some(false), 0),
            (Access::Auth(Option::None), Option::None, 1),
            (Access::Auth(Some(ApiKey)), Some(true), 2),
            (Access::Auth(Some(Oauth2)), Some(false), 2),
            (Access::Auth(Some(Oauth2)), Some(true), 3),
            (Access::Auth(Some(Mtls)), Some(true), 4),
            (Access::Store(Some(AccessControl::None)), Some(true), 1),
            (Access::Store(Some(AccessControl::SharedCredentials)), Some(false), 1),
            (Access::Store(Some(AccessControl::LeastPrivilege)), Some(true), 3),
            (Access::Store(Option::None), Some(true), 2),
        ];
        for (access, enc, want) in cases {
            assert_eq!(hop_strength(access, enc).0, want, "{access:?} {enc:?}");
        }
    }
}
