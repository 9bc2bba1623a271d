//! Model-as-code round trips: YAML -> model -> YAML, YAML -> project file -> YAML.
//! Byte-identical for canonical files; proptest for generated models.

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use threatwright::io::yaml::{self, Limits};
use threatwright::model::props::*;
use threatwright::model::*;
use threatwright::store::Project;

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("models/examples")
        .expect("models/examples exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "expected at least three example models, found {files:?}");
    files
}

fn load_clean(path: &Path) -> Model {
    let loaded = yaml::load_file(path, &Limits::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{}: {:#?}", path.display(), loaded.diagnostics);
    loaded.model.unwrap()
}

#[test]
fn examples_are_canonical_and_round_trip_byte_identical() {
    for path in examples() {
        let bytes = std::fs::read_to_string(&path).unwrap();
        let model = load_clean(&path);
        assert_eq!(yaml::to_string(&model).unwrap(), bytes, "{}: YAML -> model -> YAML", path.display());

        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.twdb");
        Project::create(&db, &model).unwrap();
        let reopened = Project::open(&db).unwrap();
        let back = yaml::to_string(&reopened.load_model().unwrap()).unwrap();
        assert_eq!(back, bytes, "{}: YAML -> .twdb -> YAML", path.display());
    }
}

#[test]
fn writing_is_deterministic_and_order_independent() {
    let path = &examples()[0];
    let model = load_clean(path);
    let mut shuffled = model.clone();
    shuffled.processes.reverse();
    shuffled.flows.reverse();
    shuffled.boundaries.reverse();
    for b in &mut shuffled.boundaries {
        b.members.reverse();
    }
    assert_eq!(yaml::to_string(&shuffled).unwrap(), yaml::to_string(&model).unwrap());
}

#[test]
fn explicit_ids_survive_a_rename() {
    let src = "format_version: 1\nsystem:\n  name: t\nprocesses:\n- key: api\n";
    let mut model = yaml::load_str(src, "t", &Limits::default()).model.unwrap();
    let before = model.processes[0].id();
    // Renaming keeps identity by writing the old (derived) id out explicitly.
    model.processes[0].id = Some(before);
    model.processes[0].key = Key::from("orders-api");
    let text = yaml::to_string(&model).unwrap();
    assert!(text.contains(&format!("id: {before}")), "{text}");
    let again = yaml::load_str(&text, "t", &Limits::default()).model.unwrap();
    assert_eq!(again.processes[0].id(), before);
    // An id equal to the derived one is not written.
    model.processes[0].key = Key::from("api");
    assert!(!yaml::to_string(&model).unwrap().contains("id:"));
}

// ---------------------------------------------------------------- generated models

/// SplitMix64, to fill every optional field from one proptest seed.
struct Fill(u64);
impl Fill {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn some(&mut self) -> bool {
        !self.next().is_multiple_of(3)
    }
    fn opt_bool(&mut self) -> Option<bool> {
        self.some().then(|| self.next().is_multiple_of(2))
    }
    fn pick<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        self.some().then(|| all[self.below(all.len())])
    }
    fn set<T: Copy + Ord>(&mut self, all: &[T]) -> BTreeSet<T> {
        all.iter().copied().filter(|_| self.next().is_multiple_of(3)).collect()
    }
    fn text(&mut self, texts: &[String]) -> Option<String> {
        self.some().then(|| texts[self.below(texts.len())].clone())
    }
    fn num(&mut self) -> f64 {
        match self.below(4) {
            0 => (self.next() % 4000) as f64 - 1000.0,
            1 => (self.next() as i64 as f64) / 7.0,
            2 => -0.0,
            _ => f64::from_bits(self.next() >> 2), // finite, often tiny
        }
    }
    fn position(&mut self) -> Option<Position> {
        self.some().then(|| Position { x: self.num(), y: self.num() })
    }
    fn size(&mut self) -> Option<Size> {
        self.some()
            .then(|| Size { width: 1.0 + (self.next() % 500) as f64, height: 0.5 + (self.next() % 300) as f64 / 3.0 })
    }
    fn limit(&mut self) -> Option<Limit> {
        self.some().then(|| if self.next().is_multiple_of(4) { Limit::Unlimited } else { Limit::At(self.next() / 2) })
    }
    fn keys(&mut self, from: &[Key]) -> Vec<Key> {
        from.iter().filter(|_| self.next().is_multiple_of(3)).cloned().collect()
    }
    fn tags(&mut self, texts: &[String]) -> BTreeSet<String> {
        (0..self.below(3)).filter_map(|_| self.text(texts)).collect()
    }
}

fn build(seed: u64, texts: Vec<String>, n: [usize; 7]) -> Model {
    let mut f = Fill(seed);
    let t = &texts;
    let mut m = Model::new(texts[0].clone());
    m.system.description = f.text(t);
    m.system.version = f.text(t);
    m.system.assumptions = (0..f.below(3)).filter_map(|_| f.text(t)).collect();
    let keys = |prefix: &str, count: usize| (0..count).map(|i| Key::new(format!("{prefix}-{i}"))).collect::<Vec<_>>();
    let (bk, ek, pk, sk, fk, ak, apik) = (
        keys("b", n[0]),
        keys("e", n[1]),
        keys("p", n[2]),
        keys("s", n[3]),
        keys("f", n[4]),
        keys("a", n[5]),
        keys("api", n[6]),
    );
    let elements: Vec<Key> = ek.iter().chain(&pk).chain(&sk).cloned().collect();
    m.data_assets = ak
        .iter()
        .map(|k| DataAsset {
            key: k.clone(),
            id: None,
            name: f.text(t),
            description: f.text(t),
            owner: f.text(t),
            classification: f.pick(Classification::ALL),
            categories: f.set(DataCategory::ALL),
            confidentiality: f.pick(Need::ALL),
            integrity: f.pick(Need::ALL),
            availability: f.pick(Need::ALL),
            purpose: f.text(t),
            lifetime_minutes: f.limit(),
            tags: f.tags(t),
        })
        .collect();
    for a in &mut m.data_assets {
        if a.classification == Some(Classification::Public) {
            a.confidentiality = None; // public + high confidentiality is a contradiction
        }
    }
    m.external_entities = ek
        .iter()
        .map(|k| ExternalEntity {
            key: k.clone(),
            id: f.some().then(|| uuid::Uuid::from_u128(u128::from(f.next()) << 64 | u128::from(f.next()))),
            name: f.text(t),
            description: f.text(t),
            owner: f.text(t),
            trust: f.pick(TrustLevel::ALL),
            vendor: f.some().then(|| Vendor {
                attestations: f.set(Attestation::ALL),
                data_processing_agreement: f.opt_bool(),
                responses_validated: f.opt_bool(),
                data_location: f.text(t),
                retention_days: f.some().then(|| f.next() as u32),
                deletion_path: f.opt_bool(),
            }),
            embedded_secret: f.opt_bool(),
            tags: f.tags(t),
            position: f.position(),
            size: f.size(),
        })
        .collect();
    m.processes = pk
        .iter()
        .map(|k| Process {
            key: k.clone(),
            id: None,
            name: f.text(t),
            description: f.text(t),
            owner: f.text(t),
            kind: f.pick(ProcessKind::ALL),
            technology: f.text(t),
            internet_facing: f.opt_bool(),
            authentication: f.pick(Authentication::ALL),
            authorization: f.some().then(|| f.set(&Authorization::ALL[1..])),
            rate_limited: Some(true),
            rate_limit_per_minute: f.some().then(|| f.next() as u32),
            max_request_bytes: f.limit().map(|l| if l == Limit::At(0) { Limit::At(1) } else { l }),
            max_page_size: f.limit().map(|l| if l == Limit::At(0) { Limit::At(1) } else { l }),
            paginates_results: f.opt_bool(),
            input_validation: f.opt_bool(),
            output_encoding: f.opt_bool(),
            response_filtering: f.opt_bool(),
            parameterized_queries: f.opt_bool(),
            logging: f.pick(Logging::ALL),
            monitoring: f.opt_bool(),
            secrets_storage: f.pick(&SecretsStorage::ALL[..5]),
            key_rotation: f.opt_bool(),
            least_privilege: f.opt_bool(),
            fetches_user_urls: f.opt_bool(),
            egress_filtering: f.opt_bool(),
            validates_webhook_signatures: f.opt_bool(),
            sensitive_business_flows: f.opt_bool(),
            anti_automation: f.opt_bool(),
            cors: f.pick(Cors::ALL),
            security_headers: f.opt_bool(),
            verbose_errors: f.opt_bool(),
            hardened: f.opt_bool(),
            log_redaction: f.opt_bool(),
            property_allowlist: f.opt_bool(),
            outbound_timeouts: f.opt_bool(),
            attempt_limits: f.opt_bool(),
            step_up: f.opt_bool(),
            shared_credentials: f.opt_bool(),
            tenant_source: f.pick(TenantSource::ALL),
            parses_uploads: f.opt_bool(),
            upload_checks: f.opt_bool(),
            sandboxed: f.opt_bool(),
            metadata_service: f.pick(MetadataService::ALL),
            impersonation_attributed: f.opt_bool(),
            // Entities stated only for a parser that parses XML: anything else contradicts.
            parses_xml: Some(true),
            xml_external_entities: f.opt_bool(),
            identity_from_headers: f.opt_bool(),
            network_isolation: f.pick(NetworkIsolation::ALL),
            instance_role: f.pick(InstanceRole::ALL),
            webhook_replay_protection: f.opt_bool(),
            session: f.some().then(|| SessionControls {
                mfa: f.pick(Mfa::ALL),
                csrf_protection: f.opt_bool(),
                lifetime_minutes: f.limit(),
                idle_timeout_minutes: f.limit(),
            }),
            graphql: f.some().then(|| GraphqlLimits {
                max_depth: f.limit(),
                max_cost: f.limit(),
                batching: f.pick(Batching::ALL),
                introspection: f.opt_bool(),
            }),
            // Anonymous access only: other access would contradict `authentication: none`.
            operations: (0..f.below(3))
                .map(|_| Operation {
                    route: format!("/r{} {}", f.below(9), f.text(t).unwrap_or_default()),
                    access: f.some().then_some(Access::Anonymous),
                    authorization: f.some().then(|| f.set(&Authorization::ALL[1..])),
                    admin: f.opt_bool(),
                    changes_state: f.opt_bool(),
                })
                .collect(),
            tags: f.tags(t),
            position: f.position(),
            size: f.size(),
        })
        .collect();
    m.data_stores = sk
        .iter()
        .map(|k| DataStore {
            key: k.clone(),
            id: None,
            name: f.text(t),
            description: f.text(t),
            owner: f.text(t),
            kind: f.pick(StoreKind::ALL),
            technology: f.text(t),
            stores: f.keys(&ak),
            encrypted_at_rest: f.opt_bool(),
            access_control: f.pick(AccessControl::ALL),
            backups: f.opt_bool(),
            retention_days: f.some().then(|| f.next() as u32),
            disposal: f.pick(&Disposal::ALL[1..]),
            publicly_accessible: f.opt_bool(),
            append_only: f.opt_bool(),
            tenant_isolation: f.pick(TenantIsolation::ALL),
            tags: f.tags(t),
            position: f.position(),
            size: f.size(),
        })
        .collect();
    m.boundaries = bk
        .iter()
        .enumerate()
        .map(|(i, k)| Boundary {
            key: k.clone(),
            id: None,
            name: f.text(t),
            description: f.text(t),
            kind: f.pick(BoundaryKind::ALL),
            trust: f.pick(BoundaryTrust::ALL),
            // Parents only point backwards: no cycles.
            parent: (i > 0 && f.some()).then(|| bk[f.below(i)].clone()),
            members: Vec::new(),
            tags: f.tags(t),
            position: f.position(),
            size: f.size(),
        })
        .collect();
    // Each element in at most one boundary: no sibling conflicts.
    for e in &elements {
        if !bk.is_empty() && f.some() {
            let b = f.below(bk.len());
            m.boundaries[b].members.push(e.clone());
        }
    }
    if !elements.is_empty() {
        m.flows = fk
            .iter()
            .map(|k| Flow {
                key: k.clone(),
                id: None,
                name: f.text(t),
                description: f.text(t),
                from: elements[f.below(elements.len())].clone(),
                to: elements[f.below(elements.len())].clone(),
                bidirectional: f.next().is_multiple_of(2),
                protocol: f.pick(&[Protocol::Grpc, Protocol::Kafka, Protocol::Sql, Protocol::Other]),
                port: f.some().then(|| f.next() as u16),
                encryption: f.pick(Encryption::ALL),
                authentication: f.pick(Authentication::ALL),
                signed: f.opt_bool(),
                credentials_in: f.pick(CredentialPlace::ALL),
                carries: f.keys(&ak),
                returns: f.keys(&ak),
                not_needed: Vec::new(),
                tags: f.tags(t),
            })
            .collect();
        for fl in &mut m.flows {
            let moved: BTreeSet<&Key> = fl.carries.iter().chain(&fl.returns).collect();
            fl.not_needed = moved.into_iter().filter(|_| f.some()).cloned().collect();
        }
    }
    m.apis = apik
        .iter()
        .map(|k| ApiEntry {
            key: k.clone(),
            id: None,
            name: f.text(t),
            description: f.text(t),
            owner: f.text(t),
            direction: f.pick(ApiDirection::ALL),
            provider: (!elements.is_empty() && f.some()).then(|| elements[f.below(elements.len())].clone()),
            consumers: f.keys(&elements),
            audience: f.pick(ApiAudience::ALL),
            status: f.pick(&ApiStatus::ALL[..3]),
            version: f.text(t),
            base_url: f.text(t),
            spec: f.text(t),
            documented: f.opt_bool(),
            exposed_versions: f.tags(t),
            deprecated_versions: f.tags(t),
            tags: f.tags(t),
        })
        .collect();
    m
}

/// Texts that stress YAML quoting: reserved words, numbers, indicators, line breaks,
/// non-ASCII, control characters, and arbitrary Unicode.
fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9 ]{0,15}",
        prop::sample::select(vec![
            "yes",
            "no",
            "~",
            "null",
            "true",
            "1.5",
            "0x1F",
            "-",
            "- item",
            "key: value",
            "#comment",
            "&anchor",
            "*alias",
            "!tag",
            "|",
            ">",
            "'quoted'",
            "\"dq\"",
            " leading",
            "trailing ",
            "multi\nline\n",
            "tab\there",
            "Zahlungsdienst Müller",
            "Платежи",
            "Ωmega",
            "決済",
            "emoji 🔐",
            "",
            "line\r\nbreak",
            "nul\0byte",
            "\u{7f}del",
            "\u{feff}bom",
            "\u{2028}sep",
            "% percent",
            "@at",
            "`tick`",
            "{not: map}",
            "[not, seq]",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

fn arb_model() -> impl Strategy<Value = Model> {
    (any::<u64>(), prop::collection::vec(arb_text(), 1..12), [0usize..4, 0..4, 0..5, 0..4, 0..8, 0..4, 0..3]).prop_map(
        |(seed, mut texts, n)| {
            if texts[0].trim().is_empty() {
                texts[0] = "system".into(); // an empty system name is an error by design
            }
            build(seed, texts, n)
        },
    )
}

fn canonical(mut m: Model) -> Model {
    m.canonicalize();
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_models_round_trip_through_yaml(model in arb_model()) {
        prop_assert!(validate(&model).iter().all(|d| !d.is_error()), "{:#?}", validate(&model));
        let text = yaml::to_string(&model).unwrap();
        let loaded = yaml::load_str(&text, "gen.yaml", &Limits::default());
        prop_assert!(!loaded.has_errors(), "{:#?}\n{}", loaded.diagnostics, text);
        let back = loaded.model.unwrap();
        prop_assert_eq!(&back, &canonical(model));
        prop_assert_eq!(yaml::to_string(&back).unwrap(), text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn generated_models_round_trip_through_a_project_file(model in arb_model()) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gen.twdb");
        Project::create(&db, &model).unwrap();
        let back = Project::open(&db).unwrap().load_model().unwrap();
        prop_assert_eq!(yaml::to_string(&back).unwrap(), yaml::to_string(&model).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Replacing a stored model writes only the rows that differ; whatever the two models
    /// share or not (items kept, changed, removed, added, keys reused), the file then holds
    /// exactly the new one, with every reference row consistent.
    #[test]
    fn a_project_file_moves_from_one_generated_model_to_another(a in arb_model(), b in arb_model(), c in arb_model()) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gen.twdb");
        Project::create(&db, &a).unwrap();
        let mut p = Project::open(&db).unwrap();
        for next in [&b, &c, &a] {
            let before = p.load_model().unwrap();
            p.replace_model_from(&before, next).unwrap();
            prop_assert_eq!(p.load_model().unwrap(), canonical(next.clone()));
        }
        drop(p);
        let conn = rusqlite::Connection::open(&db).unwrap();
        let broken: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        prop_assert!(broken.is_empty(), "dangling rows in {:?}", broken);
        let members: i64 = conn.query_row("SELECT count(*) FROM boundary_members", [], |r| r.get(0)).unwrap();
        let expected: usize = canonical(a.clone()).boundaries.iter().map(|x| x.members.len()).sum();
        prop_assert_eq!(members as usize, expected);
    }
}
