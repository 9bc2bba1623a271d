//! Design-change diff: two 10k-element models that differ in 1% of their elements, each
//! analysed with the built-in rules, then compared. Run: `cargo bench --bench diff`.
//! Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("diff");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));
    let lib = threatwright::session::builtin_library().expect("rules load");
    let old = threatwright::synth::api_platform(10_000, 1);
    let mut new = old.clone();
    // 1% of the elements change: every 100th element gets one property flipped.
    let mut changed = 0;
    for p in new.processes.iter_mut().step_by(100) {
        p.rate_limited = Some(!p.rate_limited.unwrap_or(true));
        p.rate_limit_per_minute = None;
        changed += 1;
    }
    for s in new.data_stores.iter_mut().step_by(100) {
        s.description = Some("changed in the benchmark".into());
        changed += 1;
    }
    assert!(changed >= 50);
    group.bench_function("analyse_both_and_diff_10k_elements_1_percent_changed", |b| {
        b.iter(|| {
            let at = threatwright::workflow::analyze_document(&old, &lib).threats;
            let bt = threatwright::workflow::analyze_document(&new, &lib).threats;
            threatwright::diff::diff("old", &old, &at, "new", &new, &bt).items.len()
        })
    });
    let at = threatwright::workflow::analyze_document(&old, &lib).threats;
    let bt = threatwright::workflow::analyze_document(&new, &lib).threats;
    group.bench_function("diff_only_10k_elements", |b| {
        b.iter(|| threatwright::diff::diff("old", &old, &at, "new", &new, &bt).items.len())
    });
    group.finish();
}

criterion_group!(diff_benches, benches);
criterion_main!(diff_benches);
