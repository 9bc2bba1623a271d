//! Threat engine benchmarks: graph facts and the full analysis (all built-in rules,
//! ranking) at N = 1k, 10k, 100k elements of the pytm-shaped synthetic model.
//! Run: `cargo bench --bench analyze`; `benches/compare-pytm.sh` compares the whole
//! command with OWASP pytm. Figures are recorded in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threatwright::graph::Facts;
use threatwright::io::yaml;
use threatwright::rules;
use threatwright::synth::api_platform;

/// Under `cargo test --all-targets` (one run each, to prove it works) only 1k.
fn sizes() -> &'static [usize] {
    if std::env::args().any(|a| a == "--bench") { &[1_000, 10_000, 100_000] } else { &[1_000] }
}

fn analyze(c: &mut Criterion) {
    let (library, diagnostics) = yaml::rules::load_library(&[]).expect("built-in rules load");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    group.bench_function("load_builtin_rules", |b| b.iter(|| yaml::rules::load_library(&[]).expect("loads")));
    for &n in sizes() {
        let mut model = api_platform(n, 1);
        model.canonicalize();
        group.bench_with_input(BenchmarkId::new("graph_facts", n), &model, |b, m| {
            b.iter(|| Facts::new(m).attack_paths.len())
        });
        group.bench_with_input(BenchmarkId::new("rules_and_ranking", n), &model, |b, m| {
            b.iter(|| rules::analyze(m, &library, &rules::Options::default()).threats.len())
        });
        let analysis = rules::analyze(&model, &library, &rules::Options::default());
        group.bench_with_input(BenchmarkId::new("register_json", n), &analysis, |b, a| {
            b.iter(|| serde_json::to_vec(&threatwright::report::register::json(&model, a)).expect("serializes").len())
        });
    }
    group.finish();
}

criterion_group!(benches, analyze);
criterion_main!(benches);
