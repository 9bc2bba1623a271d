//! Validation: every problem of a model as a located diagnostic, never a failure.
//!
//! Diagnostics point at document paths (`flows[3].to`) in the order the sections were
//! read; the YAML reader maps paths to lines. Each check is a small function below.

use super::diagnostic::{Code, Diagnostic, suggest};
use super::document::{Item, Model};
use super::id::Section;
use super::key::Key;
use super::props::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Every diagnostic for `model`, errors and warnings, in the order found.
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut v = Validator { model, out: Vec::new(), index: HashMap::new() };
    v.check_format();
    v.check_keys();
    v.check_ids();
    v.check_references();
    v.check_boundaries();
    v.check_flows_and_usage();
    v.check_properties();
    v.check_geometry();
    v.out
}

/// Where an item sits: its section and position in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    section: Section,
    index: usize,
}

impl Slot {
    fn path(self) -> String {
        format!("{}[{}]", self.section.field(), self.index)
    }
}

/// What a reference field is allowed to name.
#[derive(Clone, Copy)]
enum Want {
    Element,
    Boundary,
    Asset,
}

impl Want {
    fn accepts(self, section: Section) -> bool {
        match self {
            Want::Element => matches!(section, Section::ExternalEntities | Section::Processes | Section::DataStores),
            Want::Boundary => section == Section::Boundaries,
            Want::Asset => section == Section::DataAssets,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Want::Element => "element (external entity, process or data store)",
            Want::Boundary => "boundary",
            Want::Asset => "data asset",
        }
    }
}

fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    format!("{article} {noun}")
}

struct Validator<'m> {
    model: &'m Model,
    out: Vec<Diagnostic>,
    /// First item holding each key.
    index: HashMap<&'m str, Slot>,
}

/// Calls `$f(slot, item)` for every item of every section.
macro_rules! each_item {
    ($model:expr, |$slot:ident, $item:ident| $body:block) => {{
        fn slots<T>(section: Section, items: &[T]) -> impl Iterator<Item = (Slot, &T)> {
            items.iter().enumerate().map(move |(index, t)| (Slot { section, index }, t))
        }
        for ($slot, $item) in slots(Section::Boundaries, &$model.boundaries) $body
        for ($slot, $item) in slots(Section::ExternalEntities, &$model.external_entities) $body
        for ($slot, $item) in slots(Section::Processes, &$model.processes) $body
        for ($slot, $item) in slots(Section::DataStores, &$model.data_stores) $body
        for ($slot, $item) in slots(Section::Flows, &$model.flows) $body
        for ($slot, $item) in slots(Section::DataAssets, &$model.data_assets) $body
        for ($slot, $item) in slots(Section::Apis, &$model.apis) $body
    }};
}

impl<'m> Validator<'m> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn check_format(&mut self) {
        if self.model.system.name.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::MissingField, "the system has no name (`system.name`)").at_path("system.name"),
            );
        }
    }

    fn check_keys(&mut self) {
        let model = self.model;
        let mut found = Vec::new();
        each_item!(model, |slot, item| {
            found.push((slot, item.key()));
        });
        for (slot, key) in found {
            if let Some(problem) = key.problem() {
                self.push(
                    Diagnostic::new(Code::InvalidKey, format!("malformed key `{key}`: {problem}"))
                        .at_path(format!("{}.key", slot.path()))
                        .for_key(key),
                );
            }
            match self.index.get(key.as_str()) {
                None => {
                    self.index.insert(key.as_str(), slot);
                }
                Some(first) => {
                    let msg = format!(
                        "duplicate key `{key}`: already used by the {} at {}",
                        first.section.item_label(),
                        first.path()
                    );
                    self.push(
                        Diagnostic::new(Code::DuplicateKey, msg).at_path(format!("{}.key", slot.path())).for_key(key),
                    );
                }
            }
        }
    }

    fn check_ids(&mut self) {
        let model = self.model;
        // Derived ids differ whenever keys differ (duplicate keys are reported already), so
        // only a model that states ids can have a duplicate id. Deriving every id costs a
        // SHA-1 per item: skip it for the common hand-written model.
        let mut any_explicit = false;
        each_item!(model, |_slot, item| {
            any_explicit |= item.explicit_id().is_some();
        });
        if !any_explicit {
            return;
        }
        let mut ids: Vec<(Slot, &Key, Uuid, bool)> = Vec::new();
        each_item!(model, |slot, item| {
            ids.push((slot, item.key(), item.id(), item.explicit_id().is_some()));
        });
        let mut seen: HashMap<Uuid, (Slot, &Key)> = HashMap::new();
        for (slot, key, id, explicit) in ids {
            match seen.get(&id) {
                // Same key twice is already a duplicate key; the id adds nothing.
                Some((_, first_key)) if *first_key == key => {}
                Some((first, _)) => {
                    let msg =
                        format!("duplicate id {id}: the {} at {} has it too", first.section.item_label(), first.path());
                    let path = if explicit { format!("{}.id", slot.path()) } else { slot.path() };
                    self.push(Diagnostic::new(Code::DuplicateId, msg).at_path(path).for_key(key));
                }
                None => {
                    seen.insert(id, (slot, key));
                }
            }
        }
    }

    /// Checks one reference; returns the section it resolved to when it is acceptable.
    /// `path` builds the document path of the reference; it runs only for a diagnostic,
    /// since clean references are the hot path on large models.
    fn reference(
        &mut self,
        owner: &Key,
        path: impl FnOnce() -> String,
        field: &str,
        target: &Key,
        want: Want,
    ) -> Option<Section> {
        match self.index.get(target.as_str()).copied() {
            None => {
                let model = self.model;
                let mut candidates: Vec<&str> = Vec::new();
                each_item!(model, |slot, item| {
                    if want.accepts(slot.section) {
                        candidates.push(item.key().as_str());
                    }
                });
                let mut msg = format!("`{field}` names `{target}`, but no {} has that key", want.label());
                if let Some(s) = suggest(target.as_str(), candidates) {
                    msg.push_str(&format!("; did you mean `{s}`?"));
                }
                self.push(Diagnostic::new(Code::UnknownReference, msg).at_path(path()).for_key(owner));
                None
            }
            Some(slot) if want.accepts(slot.section) => Some(slot.section),
            Some(slot) => {
                let (code, msg) = match (want, slot.section) {
                    (Want::Element, Section::Boundaries) if field == "from" || field == "to" => (
                        Code::FlowEndpointBoundary,
                        format!(
                            "flow `{owner}` has boundary `{target}` as its `{field}` end; connect it to an element inside the boundary"
                        ),
                    ),
                    (Want::Element, Section::Boundaries) => (
                        Code::WrongReferenceKind,
                        format!("`{field}` names boundary `{target}`; nest a boundary by giving it a `parent` instead"),
                    ),
                    _ => (
                        Code::WrongReferenceKind,
                        format!(
                            "`{field}` must name {}, but `{target}` is {}",
                            with_article(want.label()),
                            with_article(slot.section.item_label())
                        ),
                    ),
                };
                self.push(Diagnostic::new(code, msg).at_path(path()).for_key(owner));
                None
            }
        }
    }

    fn reference_list(&mut self, owner: &Key, base: &dyn Fn() -> String, field: &str, targets: &[Key], want: Want) {
        for (i, t) in targets.iter().enumerate() {
            self.reference(owner, || format!("{}.{field}[{i}]", base()), field, t, want);
        }
    }

    fn check_references(&mut self) {
        let m = self.model;
        for (i, b) in m.boundaries.iter().enumerate() {
            let base = || format!("boundaries[{i}]");
            if let Some(p) = &b.parent {
                self.reference(&b.key, || format!("{}.parent", base()), "parent", p, Want::Boundary);
            }
            self.reference_list(&b.key, &base, "members", &b.members, Want::Element);
        }
        for (i, s) in m.data_stores.iter().enumerate() {
            self.reference_list(&s.key, &|| format!("data_stores[{i}]"), "stores", &s.stores, Want::Asset);
        }
        for (i, f) in m.flows.iter().enumerate() {
            let base = || format!("flows[{i}]");
            self.reference(&f.key, || format!("{}.from", base()), "from", &f.from, Want::Element);
            self.reference(&f.key, || format!("{}.to", base()), "to", &f.to, Want::Element);
            self.reference_list(&f.key, &base, "carries", &f.carries, Want::Asset);
            self.reference_list(&f.key, &base, "returns", &f.returns, Want::Asset);
            for (j, k) in f.not_needed.iter().enumerate() {
                if !f.carries.contains(k) && !f.returns.contains(k) {
                    let msg = format!(
                        "`not_needed` names `{k}`, but flow `{}` neither carries nor returns it (add it to `carries` or `returns`)",
                        f.key
                    );
                    self.push(
                        Diagnostic::new(Code::UnknownReference, msg)
                            .at_path(format!("{}.not_needed[{j}]", base()))
                            .for_key(&f.key),
                    );
                }
            }
        }
        for (i, a) in m.apis.iter().enumerate() {
            let base = || format!("apis[{i}]");
            if let Some(p) = &a.provider {
                self.reference(&a.key, || format!("{}.provider", base()), "provider", p, Want::Element);
            }
            self.reference_list(&a.key, &base, "consumers", &a.consumers, Want::Element);
        }
    }

    /// Parent of each boundary (by key), when it names a boundary.
    fn parents(&self) -> HashMap<&'m str, &'m str> {
        let boundaries: BTreeSet<&str> = self.model.boundaries.iter().map(|b| b.key.as_str()).collect();
        self.model
            .boundaries
            .iter()
            .filter_map(|b| {
                let p = b.parent.as_ref()?.as_str();
                boundaries.contains(p).then_some((b.key.as_str(), p))
            })
            .collect()
    }

    fn check_boundaries(&mut self) {
        let parents = self.parents();
        // Nesting cycles: walk up from each boundary; report each cycle once, at the
        // first of its boundaries in the file.
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for (i, b) in self.model.boundaries.iter().enumerate() {
            let start = b.key.as_str();
            let mut chain = vec![start];
            let mut cur = start;
            while let Some(&p) = parents.get(cur) {
                if let Some(pos) = chain.iter().position(|&k| k == p) {
                    let cycle = &chain[pos..];
                    if cycle[0] == start && !cycle.iter().any(|k| reported.contains(k)) {
                        reported.extend(cycle.iter().copied());
                        let shown: Vec<&str> = cycle.iter().copied().chain([start]).collect();
                        self.push(
                            Diagnostic::new(
                                Code::BoundaryCycle,
                                format!("boundary nesting cycle: {}", shown.join(" -> ")),
                            )
                            .at_path(format!("boundaries[{i}].parent"))
                            .for_key(&b.key),
                        );
                    }
                    break;
                }
                chain.push(p);
                cur = p;
            }
        }

        // Ancestors of each boundary (cycle-safe).
        let ancestors = |k: &str| -> BTreeSet<&str> {
            let mut set = BTreeSet::new();
            let mut cur = k;
            while let Some(&p) = parents.get(cur) {
                if !set.insert(p) {
                    break;
                }
                cur = p;
            }
            set
        };

        // Membership: element -> boundaries listing it (with the path of the listing).
        let mut listed: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
        for (i, b) in self.model.boundaries.iter().enumerate() {
            for (j, m) in b.members.iter().enumerate() {
                listed.entry(m.as_str()).or_default().push((b.key.as_str(), format!("boundaries[{i}].members[{j}]")));
            }
        }
        for (element, holders) in listed {
            if holders.len() < 2 {
                continue;
            }
            let is_element = self.index.get(element).is_some_and(|s| Want::Element.accepts(s.section));
            if !is_element {
                continue; // already reported as a bad reference
            }
            let mut unrelated = Vec::new();
            for (a, (ka, path_a)) in holders.iter().enumerate() {
                for (kb, path_b) in holders.iter().skip(a + 1) {
                    if ka == kb {
                        continue;
                    }
                    // The listing in the outer boundary is the redundant one.
                    if ancestors(kb).contains(ka) {
                        self.push(redundant(element, ka, kb, path_a.clone()));
                    } else if ancestors(ka).contains(kb) {
                        self.push(redundant(element, kb, ka, path_b.clone()));
                    } else {
                        unrelated.push((*ka, *kb, path_b.clone()));
                    }
                }
            }
            if let Some((ka, kb, path)) = unrelated.into_iter().next() {
                self.push(
                    Diagnostic::new(
                        Code::SiblingBoundaries,
                        format!(
                            "element `{element}` is in boundaries `{ka}` and `{kb}`, which are not nested in each other"
                        ),
                    )
                    .at_path(path)
                    .for_key(&Key::from(element)),
                );
            }
        }

        fn redundant(element: &str, outer: &str, inner: &str, path: String) -> Diagnostic {
            Diagnostic::new(
                Code::RedundantMembership,
                format!(
                    "element `{element}` is listed by `{outer}` and by `{inner}` nested inside it; list it only in `{inner}`"
                ),
            )
            .at_path(path)
            .for_key(&Key::from(element))
        }
    }

    fn check_flows_and_usage(&mut self) {
        let m = self.model;
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        let mut used_assets: BTreeSet<&str> = BTreeSet::new();
        for (i, f) in m.flows.iter().enumerate() {
            touched.insert(f.from.as_str());
            touched.insert(f.to.as_str());
            used_assets.extend(f.carries.iter().chain(&f.returns).map(Key::as_str));
            if f.from == f.to {
                self.push(
                    Diagnostic::new(Code::SelfFlow, format!("flow `{}` goes from `{}` to itself", f.key, f.from))
                        .at_path(format!("flows[{i}].to"))
                        .for_key(&f.key),
                );
            }
        }
        for s in &m.data_stores {
            used_assets.extend(s.stores.iter().map(Key::as_str));
        }
        for (i, s) in m.data_stores.iter().enumerate() {
            if !touched.contains(s.key.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::StoreWithoutFlows,
                        format!("data store `{}` has no flows: nothing reads or writes it", s.key),
                    )
                    .at_path(format!("data_stores[{i}]"))
                    .for_key(&s.key),
                );
            }
        }
        for (i, e) in m.external_entities.iter().enumerate() {
            if !touched.contains(e.key.as_str()) {
                self.push(no_flows("external entity", "external_entities", i, &e.key));
            }
        }
        for (i, p) in m.processes.iter().enumerate() {
            if !touched.contains(p.key.as_str()) {
                self.push(no_flows("process", "processes", i, &p.key));
            }
        }
        for (i, a) in m.data_assets.iter().enumerate() {
            if !used_assets.contains(a.key.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::UnusedAsset,
                        format!(
                            "data asset `{}` is neither carried nor returned by a flow, nor held by a store",
                            a.key
                        ),
                    )
                    .at_path(format!("data_assets[{i}]"))
                    .for_key(&a.key),
                );
            }
        }

        fn no_flows(label: &str, field: &str, i: usize, key: &Key) -> Diagnostic {
            Diagnostic::new(
                Code::ElementWithoutFlows,
                format!("{label} `{key}` has no flows: it neither sends nor receives data"),
            )
            .at_path(format!("{field}[{i}]"))
            .for_key(key)
        }
    }

    fn contradiction(&mut self, path: String, key: &Key, msg: String) {
        self.push(Diagnostic::new(Code::Contradiction, msg).at_path(path).for_key(key));
    }

    fn suspicious(&mut self, path: String, key: &Key, msg: String) {
        self.push(Diagnostic::new(Code::Suspicious, msg).at_path(path).for_key(key));
    }

    fn check_properties(&mut self) {
        let m = self.model;
        for (i, b) in m.boundaries.iter().enumerate() {
            if let (None, Some(kind), Some(implied)) = (b.trust, b.kind, b.kind.and_then(BoundaryKind::implied_trust)) {
                self.push(
                    Diagnostic::new(
                        Code::TrustFromKind,
                        format!(
                            "boundary `{}` states no `trust`; rules take `{implied}` from its kind `{kind}`",
                            b.key
                        ),
                    )
                    .at_path(format!("boundaries[{i}].kind"))
                    .for_key(&b.key),
                );
            }
        }
        for (i, p) in m.processes.iter().enumerate() {
            let base = format!("processes[{i}]");
            if p.rate_limited == Some(false) && p.rate_limit_per_minute.is_some() {
                self.contradiction(
                    format!("{base}.rate_limit_per_minute"),
                    &p.key,
                    format!("process `{}` says `rate_limited: false` but gives a `rate_limit_per_minute`", p.key),
                );
            }
            if let Some(authz) = &p.authorization {
                if authz.contains(&Authorization::None) && authz.len() > 1 {
                    self.contradiction(
                        format!("{base}.authorization"),
                        &p.key,
                        format!("process `{}` lists `none` together with other authorization checks", p.key),
                    );
                }
                let checks_per_caller = authz.iter().any(|a| *a != Authorization::None);
                if checks_per_caller && p.authentication == Some(Authentication::None) {
                    self.suspicious(
                        format!("{base}.authorization"),
                        &p.key,
                        format!(
                            "process `{}` authorizes callers but does not authenticate them (`authentication: none`)",
                            p.key
                        ),
                    );
                }
            }
            if p.max_request_bytes == Some(Limit::At(0)) {
                self.contradiction(
                    format!("{base}.max_request_bytes"),
                    &p.key,
                    format!("process `{}` accepts requests of at most 0 bytes", p.key),
                );
            }
            if p.max_page_size == Some(Limit::At(0)) {
                self.contradiction(
                    format!("{base}.max_page_size"),
                    &p.key,
                    format!("process `{}` returns at most 0 items per response", p.key),
                );
            }
            if p.xml_external_entities.is_some() && p.parses_xml == Some(false) {
                self.contradiction(
                    format!("{base}.xml_external_entities"),
                    &p.key,
                    format!("process `{}` states how its XML parser treats entities but parses no XML", p.key),
                );
            }
            if p.webhook_replay_protection == Some(true) && p.validates_webhook_signatures == Some(false) {
                self.suspicious(
                    format!("{base}.webhook_replay_protection"),
                    &p.key,
                    format!(
                        "process `{}` refuses replayed webhooks but does not verify their signatures: a forged event needs no replay",
                        p.key
                    ),
                );
            }
            for (j, op) in p.operations.iter().enumerate() {
                if op.route.trim().is_empty() {
                    self.contradiction(
                        format!("{base}.operations[{j}].route"),
                        &p.key,
                        format!("process `{}`: operation {} has an empty `route`", p.key, j + 1),
                    );
                }
                if op.access.is_some_and(|a| a != Access::Anonymous) && p.authentication == Some(Authentication::None) {
                    self.contradiction(
                        format!("{base}.operations[{j}].access"),
                        &p.key,
                        format!(
                            "process `{}`, operation `{}` takes signed-in callers, but the process authenticates no one (`authentication: none`)",
                            p.key, op.route
                        ),
                    );
                }
                if op.authorization.as_ref().is_some_and(|a| a.contains(&Authorization::None) && a.len() > 1) {
                    self.contradiction(
                        format!("{base}.operations[{j}].authorization"),
                        &p.key,
                        format!(
                            "process `{}`, operation `{}` lists `none` together with other authorization checks",
                            p.key, op.route
                        ),
                    );
                }
            }
            if p.secrets_storage == Some(SecretsStorage::None) && p.key_rotation == Some(true) {
                self.suspicious(
                    format!("{base}.key_rotation"),
                    &p.key,
                    format!("process `{}` holds no secrets yet rotates keys", p.key),
                );
            }
        }

        let trust: HashMap<&str, Option<TrustLevel>> =
            m.external_entities.iter().map(|e| (e.key.as_str(), e.trust)).collect();
        for (i, f) in m.flows.iter().enumerate() {
            let base = format!("flows[{i}]");
            if let (Some(proto), Some(enc)) = (f.protocol, f.encryption) {
                if proto.implies_plaintext() && enc != Encryption::None {
                    self.contradiction(
                        format!("{base}.encryption"),
                        &f.key,
                        format!("flow `{}` uses clear-text `{proto}` but says `encryption: {enc}`", f.key),
                    );
                }
                if proto.implies_tls() && enc == Encryption::None {
                    self.contradiction(
                        format!("{base}.encryption"),
                        &f.key,
                        format!("flow `{}` uses `{proto}`, which is encrypted, but says `encryption: none`", f.key),
                    );
                }
            }
            if f.authentication.is_some_and(|a| a != Authentication::None)
                && trust.get(f.from.as_str()) == Some(&Some(TrustLevel::Anonymous))
            {
                self.suspicious(
                    format!("{base}.authentication"),
                    &f.key,
                    format!(
                        "flow `{}` is authenticated but comes from `{}`, whose trust is `anonymous`",
                        f.key, f.from
                    ),
                );
            }
        }

        for (i, s) in m.data_stores.iter().enumerate() {
            if s.disposal == Some(Disposal::None) && s.retention_days.is_some() {
                self.contradiction(
                    format!("data_stores[{i}].disposal"),
                    &s.key,
                    format!("data store `{}` has a retention period but `disposal: none` (kept indefinitely)", s.key),
                );
            }
        }

        for (i, e) in m.external_entities.iter().enumerate() {
            if e.vendor.is_some() && e.trust.is_some_and(|t| t != TrustLevel::ThirdPartyVendor) {
                self.suspicious(
                    format!("external_entities[{i}].vendor"),
                    &e.key,
                    format!(
                        "external entity `{}` has vendor facts but its trust is `{}`, not `third-party-vendor`",
                        e.key,
                        e.trust.map_or("", TrustLevel::as_str)
                    ),
                );
            }
        }

        for (i, a) in m.data_assets.iter().enumerate() {
            if a.classification == Some(Classification::Public) {
                let sensitive: Vec<&str> = a
                    .categories
                    .iter()
                    .filter(|c| {
                        matches!(
                            c,
                            DataCategory::Credentials
                                | DataCategory::Secrets
                                | DataCategory::Cardholder
                                | DataCategory::Health
                        )
                    })
                    .map(|c| c.as_str())
                    .collect();
                if !sensitive.is_empty() {
                    self.suspicious(
                        format!("data_assets[{i}].classification"),
                        &a.key,
                        format!(
                            "data asset `{}` is classified `public` but is in category {}",
                            a.key,
                            sensitive.join(", ")
                        ),
                    );
                }
                if a.confidentiality == Some(Need::High) {
                    self.contradiction(
                        format!("data_assets[{i}].confidentiality"),
                        &a.key,
                        format!("data asset `{}` is classified `public` but needs high confidentiality", a.key),
                    );
                }
            }
        }

        for (i, a) in m.apis.iter().enumerate() {
            if a.status == Some(ApiStatus::Retired) && !a.exposed_versions.is_empty() {
                self.contradiction(
                    format!("apis[{i}].exposed_versions"),
                    &a.key,
                    format!("API `{}` is retired but still lists exposed versions", a.key),
                );
            }
        }
    }

    /// Diagram geometry must be finite (and sizes positive): NaN or infinity cannot be
    /// drawn or stored.
    fn check_geometry(&mut self) {
        let m = self.model;
        let mut shapes: Vec<(String, &Key, Option<super::Position>, Option<super::Size>)> = Vec::new();
        for (i, b) in m.boundaries.iter().enumerate() {
            shapes.push((format!("boundaries[{i}]"), &b.key, b.position, b.size));
        }
        for (i, e) in m.external_entities.iter().enumerate() {
            shapes.push((format!("external_entities[{i}]"), &e.key, e.position, e.size));
        }
        for (i, p) in m.processes.iter().enumerate() {
            shapes.push((format!("processes[{i}]"), &p.key, p.position, p.size));
        }
        for (i, s) in m.data_stores.iter().enumerate() {
            shapes.push((format!("data_stores[{i}]"), &s.key, s.position, s.size));
        }
        for (base, key, pos, size) in shapes {
            if let Some(p) = pos {
                for (field, v) in [("x", p.x), ("y", p.y)] {
                    if !v.is_finite() {
                        self.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("`position.{field}` of `{key}` must be a finite number"),
                            )
                            .at_path(format!("{base}.position.{field}"))
                            .for_key(key),
                        );
                    }
                }
            }
            if let Some(s) = size {
                for (field, v) in [("width", s.width), ("height", s.height)] {
                    if !(v.is_finite() && v > 0.0) {
                        self.push(
                            Diagnostic::new(
                                Code::InvalidValue,
                                format!("`size.{field}` of `{key}` must be a positive number"),
                            )
                            .at_path(format!("{base}.size.{field}"))
                            .for_key(key),
                        );
                    }
                }
            }
        }
    }
}
