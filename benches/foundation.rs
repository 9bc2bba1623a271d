//! Foundation benchmarks: model YAML and the project file at N = 1k, 10k, 100k
//! elements of the synthetic API platform (the pytm reference shape).
//! Run: `cargo bench --bench foundation`; figures are recorded in BENCHMARKS.md.

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threatwright::io::yaml::{self, Limits};
use threatwright::store::Project;
use threatwright::synth::api_platform;

/// Sizes measured by `cargo bench`. Under `cargo test --all-targets` (which runs each
/// benchmark once, to prove it still works) only the smallest, to keep the suite fast.
fn sizes() -> &'static [usize] {
    if std::env::args().any(|a| a == "--bench") { &[1_000, 10_000, 100_000] } else { &[1_000] }
}

fn foundation(c: &mut Criterion) {
    let mut group = c.benchmark_group("foundation");
    group.sample_size(10).measurement_time(Duration::from_secs(10)).warm_up_time(Duration::from_secs(1));
    let dir = tempfile::tempdir().expect("temp dir");
    for &n in sizes() {
        let model = api_platform(n, 1);
        let text = yaml::to_string(&model).expect("serializes");
        let limits = Limits::default();

        group.bench_with_input(BenchmarkId::new("yaml_parse_validate", n), &text, |b, text| {
            b.iter(|| {
                let loaded = yaml::load_str(text, "bench.yaml", &limits);
                assert!(!loaded.has_errors());
                loaded
            })
        });
        group.bench_with_input(BenchmarkId::new("yaml_write", n), &model, |b, model| {
            b.iter(|| yaml::to_string(model).expect("serializes"))
        });

        let mut counter = 0u64;
        group.bench_with_input(BenchmarkId::new("import_twdb", n), &model, |b, model| {
            b.iter_batched(
                || {
                    counter += 1;
                    dir.path().join(format!("import-{n}-{counter}.twdb"))
                },
                |path| {
                    Project::create(&path, model).expect("creates");
                    std::fs::remove_file(&path).expect("removes");
                },
                BatchSize::PerIteration,
            )
        });

        let path = dir.path().join(format!("open-{n}.twdb"));
        Project::create(&path, &model).expect("creates");
        group.bench_with_input(BenchmarkId::new("open_twdb_load_model", n), &path, |b, path| {
            b.iter(|| Project::open(path).expect("opens").load_model().expect("loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, foundation);
criterion_main!(benches);
