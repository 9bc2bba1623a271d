//! Editor session benchmarks (the desktop app's core path): opening a 1k-element project
//! and building the view the UI draws; one edit on a 500-element model (one transaction,
//! re-analysis with the whole rule library, the new view), and the same edit answered as
//! the desktop shell sends it (the changes from the view shown, as JSON), and a rename
//! answered the same way (what the app's performance E2E measures). Run: `cargo bench --bench
//! session`. Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threatwright::session::edit::Edit;
use threatwright::session::{self, Session};

fn project(dir: &std::path::Path, elements: usize) -> std::path::PathBuf {
    let model = threatwright::synth::api_platform(elements, 1);
    let path = dir.join(format!("gen{elements}.twdb"));
    let lib = session::builtin_library().expect("rules load");
    drop(Session::create(&path, &model, lib, "bench").expect("project"));
    path
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("session");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(1));
    let dir = tempfile::tempdir().expect("temp dir");

    // At the layered layout's limit (dagre), and far above it (packed layout).
    let small = project(dir.path(), threatwright::report::diagram::LAYERED_LIMIT);
    group.bench_function("open_and_view_80_elements_layered", |b| {
        b.iter(|| {
            let lib = session::builtin_library().expect("rules load");
            let s = Session::open(&small, lib, "bench").expect("opens");
            s.view().expect("view").nodes.len()
        })
    });
    let big = project(dir.path(), 1000);
    group.bench_function("open_and_view_1000_elements", |b| {
        b.iter(|| {
            let lib = session::builtin_library().expect("rules load");
            let s = Session::open(&big, lib, "bench").expect("opens");
            s.view().expect("view").nodes.len()
        })
    });

    let mid = project(dir.path(), 500);
    let lib = session::builtin_library().expect("rules load");
    let mut s = Session::open(&mid, lib, "bench").expect("opens");
    let target = s
        .view()
        .expect("view")
        .nodes
        .iter()
        .find(|n| n.kind == session::view::NodeKind::Process)
        .expect("a process")
        .key
        .clone();
    let mut flag = false;
    group.bench_function("edit_reanalyse_view_500_elements", |b| {
        b.iter(|| {
            flag = !flag;
            let mut f = serde_json::Map::new();
            f.insert("monitoring".into(), serde_json::json!(flag));
            s.edit(&Edit::SetFields { key: target.clone(), fields: f }).expect("edit").view.threats.len()
        })
    });
    // As the desktop shell runs it: the UI was shown the view, so the answer carries the
    // changes from it, and it is serialised for IPC.
    s.show().expect("view");
    group.bench_function("edit_answer_as_sent_500_elements", |b| {
        b.iter(|| {
            flag = !flag;
            let mut f = serde_json::Map::new();
            f.insert("monitoring".into(), serde_json::json!(flag));
            let out = s.edit(&Edit::SetFields { key: target.clone(), fields: f }).expect("edit");
            serde_json::to_string(&out).expect("serialises").len()
        })
    });
    // What the app's performance E2E does: a rename, which rewrites the titles of the
    // element's threats (the toggle above changes rankings only).
    let mut n = 0;
    group.bench_function("rename_answer_as_sent_500_elements", |b| {
        b.iter(|| {
            n += 1;
            let mut f = serde_json::Map::new();
            f.insert("name".into(), serde_json::json!(format!("Renamed service {n}")));
            let out = s.edit(&Edit::SetFields { key: target.clone(), fields: f }).expect("edit");
            serde_json::to_string(&out).expect("serialises").len()
        })
    });
    group.finish();
}

criterion_group!(session_benches, benches);
criterion_main!(session_benches);
