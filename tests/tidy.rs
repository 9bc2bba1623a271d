//! Architecture invariants, stated as absences and checked by searching the source
//! (see ARCHITECTURE.md): each outside thing has exactly one owner module.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every Rust file under `src/`, in name order: its path (with `/`) and its text.
fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    files.iter().map(|f| (f.to_string_lossy().replace('\\', "/"), std::fs::read_to_string(f).unwrap())).collect()
}

/// Files under `src/` that mention `needle` in code (comments skipped), outside `owner`.
fn offenders(needle: &str, owners: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, text) in sources() {
        if owners.iter().any(|o| name.starts_with(o)) {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains(needle) {
                out.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn only_store_knows_sql() {
    assert_eq!(offenders("rusqlite", &["src/store/"]), Vec::<String>::new());
    assert_eq!(offenders("rusqlite_migration", &["src/store/"]), Vec::<String>::new());
}

#[test]
fn petgraph_stays_inside_graph() {
    assert_eq!(offenders("petgraph", &["src/graph/"]), Vec::<String>::new());
}

#[test]
fn only_io_knows_yaml() {
    // Models are YAML (io::yaml); Threagile models and OpenAPI specs may be (io::import).
    assert_eq!(offenders("serde_norway", &["src/io/yaml/", "src/io/import/"]), Vec::<String>::new());
    assert_eq!(offenders("yaml_rust2", &["src/io/yaml/"]), Vec::<String>::new());
}

#[test]
fn only_the_importers_know_other_tools_parsers() {
    assert_eq!(offenders("roxmltree", &["src/io/import/"]), Vec::<String>::new());
    assert_eq!(offenders("oas3", &["src/io/import/"]), Vec::<String>::new());
}

#[test]
fn the_core_knows_no_tauri_and_prints_only_in_the_cli() {
    assert_eq!(offenders("tauri", &[]), Vec::<String>::new());
    assert_eq!(offenders("println!", &["src/cli/", "src/main.rs"]), Vec::<String>::new());
    assert_eq!(offenders("eprintln!", &["src/cli/", "src/main.rs"]), Vec::<String>::new());
}

#[test]
fn tauri_is_not_a_dependency_of_the_core_package() {
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    assert!(!deps.contains("tauri"), "the core package must not depend on Tauri");
}

#[test]
fn only_the_pdf_writer_knows_printpdf_and_only_the_diagram_knows_dagre() {
    assert_eq!(offenders("printpdf", &["src/report/pdf.rs"]), Vec::<String>::new());
    assert_eq!(offenders("lopdf", &["src/report/pdf.rs"]), Vec::<String>::new());
    assert_eq!(offenders("dagre", &["src/report/diagram.rs"]), Vec::<String>::new());
}

/// The modules of `src/` in dependency order, as ARCHITECTURE.md states it: each may use
/// the ones before it, never the ones after.
const ORDER: &[&str] = &[
    "account",
    "files",
    "model",
    "synth",
    "graph",
    "rank",
    "rules",
    "eval",
    "lifecycle",
    "sshsig",
    "store",
    "io::yaml",
    "summary",
    "diff",
    "report",
    "io::import",
    "config",
    "workflow",
    "session",
    "cli",
];

/// The module a source file belongs to (`io::yaml` for `src/io/yaml/…`).
fn module_of(path: &str) -> Option<String> {
    let rel = path.strip_prefix("src/")?;
    let mut parts = rel.split('/');
    let top = parts.next()?.trim_end_matches(".rs");
    if top == "io" {
        let sub = parts.next()?.trim_end_matches(".rs");
        return (sub != "mod").then(|| format!("io::{sub}"));
    }
    (!matches!(top, "lib" | "main")).then(|| top.to_owned())
}

#[test]
fn modules_use_only_the_modules_before_them() {
    let mut out = Vec::new();
    for (name, text) in sources() {
        let Some(module) = module_of(&name) else { continue };
        let at = ORDER.iter().position(|m| *m == module).unwrap_or_else(|| panic!("{module} is not in ORDER"));
        // Unit tests may build what they need from anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            let mut rest = line;
            while let Some(p) = rest.find("crate::") {
                rest = &rest[p + "crate::".len()..];
                let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let used = if word == "io" {
                    let sub: String = rest["io::".len().min(rest.len())..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    format!("io::{sub}")
                } else {
                    word
                };
                if used == module {
                    continue;
                }
                match ORDER.iter().position(|m| *m == used) {
                    Some(u) if u < at => {}
                    _ => out.push(format!("{name}:{}: {module} uses {used}", i + 1)),
                }
            }
        }
    }
    assert_eq!(out, Vec::<String>::new(), "a module uses one after it in the order ARCHITECTURE.md states");
}

/// The desktop shell's guards that live in its source: the end-to-end tests' way around
/// native dialogs exists in debug builds only, and a release build without the embedded UI
/// does not compile (it would load whatever serves the development address).
#[test]
fn the_desktop_test_shortcut_and_the_dev_server_stay_out_of_release_builds() {
    let main = std::fs::read_to_string("src-tauri/src/main.rs").unwrap();
    let gate = "#[cfg(debug_assertions)]\nmod e2e {";
    let module = main.find(gate).expect("the E2E dialog answers are a debug-only module");
    let rest = &main[module..];
    let end = module + rest.find("\n}\n").expect("the module ends");
    for (at, _) in main.match_indices("THREATWRIGHT_E2E_DIR") {
        let in_module = at > module && at < end;
        let in_docs = main[..at].rsplit('\n').next().is_some_and(|line| line.trim_start().starts_with("//"));
        assert!(in_module || in_docs, "THREATWRIGHT_E2E_DIR read outside the debug-only module (byte {at})");
    }
    assert!(main.contains("#[cfg(all(not(debug_assertions), not(feature = \"custom-protocol\")))]\ncompile_error!("));
    let capability: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("src-tauri/capabilities/default.json").unwrap()).unwrap();
    assert_eq!(capability["permissions"], serde_json::json!([]), "the page gets no Tauri plugin permission");
}
