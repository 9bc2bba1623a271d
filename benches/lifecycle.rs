//! Lifecycle benchmarks on real project files on disk (WAL):
//! - status changes, one transaction (and one audit entry) each: 10k in a row;
//! - `log verify` over an audit log of 100k entries;
//! - `check` (the CI gate) on a 10k-element model with its register and a baseline;
//! - opening that project file, and one writing command's open + verify + action.
//!
//! Run: `cargo bench --bench lifecycle`. Figures are recorded in BENCHMARKS.md.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;
use threatwright::lifecycle::{self, Request, check};
use threatwright::model::{RiskLevel, ThreatStatus};
use threatwright::rules::Library;
use threatwright::store::Project;
use threatwright::synth::api_platform;
use threatwright::{io::yaml, workflow};

/// Under `cargo test --all-targets` (one run each, to prove it works) everything is small.
fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn library() -> Library {
    let (library, diagnostics) = yaml::rules::load_library(&[]).expect("built-in rules load");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    library
}

/// A project of `n` elements, analysed: its register references.
fn analysed_project(path: &Path, n: usize, library: &Library) -> (Project, Vec<String>) {
    let mut p = Project::create_as(path, &api_platform(n, 1), "Bench Runner", None).expect("creates");
    p.analyze(library).expect("analyses");
    let refs = p.register().expect("reads").into_iter().map(|t| t.reference).collect();
    (p, refs)
}

fn not_applicable() -> Request {
    Request { status: Some(ThreatStatus::NotApplicable), reason: Some("bench".into()), ..Default::default() }
}

fn reopen() -> Request {
    Request { status: Some(ThreatStatus::Open), ..Default::default() }
}

/// `count` status changes in a row, each its own transaction: open → not-applicable →
/// open over the register's threats.
fn status_changes(p: &mut Project, refs: &[String], count: usize) {
    let today = lifecycle::today();
    let (na, open) = (not_applicable(), reopen());
    for i in 0..count {
        let reference = &refs[(i / 2) % refs.len()];
        let req = if i % 2 == 0 { &na } else { &open };
        p.set_status(reference, req, today).expect("status changes");
    }
}

fn benches(c: &mut Criterion) {
    let library = library();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("lifecycle");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));

    // 10k status changes, one transaction each, on a 1k-element project.
    let changes = if full() { 10_000 } else { 100 };
    let (mut p, refs) = analysed_project(&dir.path().join("status.twdb"), 1_000, &library);
    group.throughput(Throughput::Elements(changes as u64));
    group.bench_function(BenchmarkId::new("status_changes_one_tx_each", changes), |b| {
        b.iter(|| status_changes(&mut p, &refs, changes))
    });
    let v = p.verify().expect("verifies");
    assert!(v.ok(), "{:?}", v.problems());
    drop(p);

    // `log verify` over 100k entries (made by 100k real status changes) of a 10k-element
    // project: the file's structure, the chain, and every sealed row.
    let (entries, elements): (usize, usize) = if full() { (100_000, 10_000) } else { (1_000, 1_000) };
    let (mut p, refs) = analysed_project(&dir.path().join("log.twdb"), elements, &library);
    let made = p.verify().expect("verifies").chain.entries as usize;
    status_changes(&mut p, &refs, entries.saturating_sub(made));
    let made = p.verify().expect("verifies").chain.entries;
    assert!(made >= entries as u64, "{made} entries");
    group.throughput(Throughput::Elements(made));
    group.bench_function(BenchmarkId::new("log_verify", format!("{entries}_entries_{elements}_elements")), |b| {
        b.iter(|| {
            let v = p.verify().expect("verifies");
            assert!(v.ok());
            v.chain.entries
        })
    });
    drop(p);

    // `check` on a 10k-element model: the stored register, review state against a baseline.
    let n = if full() { 10_000 } else { 1_000 };
    let path = dir.path().join("check.twdb");
    let (mut p, _) = analysed_project(&path, n, &library);
    workflow::sign_model(&mut p, "Bench Reviewer", None).expect("signs");
    drop(p);
    let opts = check::Options { fail_on: RiskLevel::High, max_expired: 0, today: lifecycle::today(), review: true };
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("check_project_file", n), |b| {
        b.iter_batched(
            || (),
            |()| {
                // What `threatwright check FILE.twdb` does: open, verify, read, compare, decide.
                let p = Project::open(&path).expect("opens");
                assert!(p.verify().expect("verifies").ok());
                workflow::check_project(&p, &opts).expect("checks").passed
            },
            BatchSize::PerIteration,
        )
    });
    // Opening alone: the header, the schema compared with the migrations' own, SQLite's
    // structural check when the file is small enough (see `store::QUICK_CHECK_ON_OPEN`).
    let size = std::fs::metadata(&path).expect("exists").len();
    group.bench_function(BenchmarkId::new("open", format!("{n}_elements_{}_MiB", size >> 20)), |b| {
        b.iter(|| Project::open(&path).expect("opens"))
    });
    // What one writing command costs: open, verify the file (chain and sealed state), one
    // status change with its seal.
    let first = Project::open(&path).expect("opens").register().expect("reads")[0].reference.clone();
    let mut toggle = 0usize;
    group.bench_function(BenchmarkId::new("open_verify_and_one_action", n), |b| {
        b.iter(|| {
            let mut p = Project::open(&path).expect("opens");
            p.set_user("Bench Runner");
            toggle += 1;
            let req = if toggle % 2 == 1 { not_applicable() } else { reopen() };
            p.set_status(&first, &req, lifecycle::today()).expect("status changes");
        })
    });
    // The same gate on the model YAML: parse, analyse, check (no baselines in a YAML file).
    let mut model = api_platform(n, 1);
    model.canonicalize();
    let text = yaml::to_string(&model).expect("writes");
    let no_review = check::Options { review: false, ..opts.clone() };
    group.bench_function(BenchmarkId::new("check_yaml", n), |b| {
        b.iter(|| {
            let loaded = yaml::load_str(&text, "bench.yaml", &yaml::Limits::default());
            let model = loaded.model.expect("parses");
            workflow::check_document(&model, &library, &no_review).passed
        })
    });
    group.finish();
}

criterion_group!(lifecycle_benches, benches);
criterion_main!(lifecycle_benches);
