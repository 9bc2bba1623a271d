//! The TypeScript types of the desktop UI (`ui/src/bindings/`) are generated from the Rust
//! types that cross the shell's IPC. This test regenerates them into a temporary directory
//! and fails when the committed files differ (stale, missing or extra). To update them:
//! `UPDATE_BINDINGS=1 cargo test --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use threatwright::session::edit::{Clipboard, Edit};
use threatwright::session::view::{DocumentView, Outcome};
use threatwright::session::vocabulary::Vocabulary;
use threatwright::session::{Action, AppInfo, CompareView, CompareWith, ExportOptions, Failure, Merged, PathPurpose};
use ts_rs::{Config, TS};

fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "ts") {
            let name = p.file_name().expect("a file name").to_string_lossy().into_owned();
            out.insert(name, std::fs::read_to_string(&p).expect("bindings read"));
        }
    }
    out
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cfg = Config::new().with_out_dir(tmp.path());
    DocumentView::export_all(&cfg).expect("export");
    Outcome::export_all(&cfg).expect("export");
    Edit::export_all(&cfg).expect("export");
    Clipboard::export_all(&cfg).expect("export");
    Action::export_all(&cfg).expect("export");
    Failure::export_all(&cfg).expect("export");
    ExportOptions::export_all(&cfg).expect("export");
    Vocabulary::export_all(&cfg).expect("export");
    AppInfo::export_all(&cfg).expect("export");
    PathPurpose::export_all(&cfg).expect("export");
    CompareView::export_all(&cfg).expect("export");
    Merged::export_all(&cfg).expect("export");
    CompareWith::export_all(&cfg).expect("export");
    threatwright::io::import::Report::export_all(&cfg).expect("export");
    let fresh = files(tmp.path());
    let committed_dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed_dir).expect("bindings dir");
        for (name, _) in files(&committed_dir) {
            if !fresh.contains_key(&name) {
                std::fs::remove_file(committed_dir.join(name)).expect("stale binding removed");
            }
        }
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).expect("binding written");
        }
        return;
    }
    let committed = files(&committed_dir);
    let missing: Vec<&String> = fresh.keys().filter(|k| !committed.contains_key(*k)).collect();
    let extra: Vec<&String> = committed.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let stale: Vec<&String> =
        fresh.iter().filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v)).map(|(k, _)| k).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && stale.is_empty(),
        "ui/src/bindings is out of date with the Rust types (missing {missing:?}, extra {extra:?}, stale {stale:?}); \
         run `UPDATE_BINDINGS=1 cargo test --test bindings` and commit the result"
    );
}
