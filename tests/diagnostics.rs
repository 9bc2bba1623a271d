//! Diagnostics over a folder of bad models: one file per case, one snapshot per file.
//! Adding a case is adding a file under `tests/fixtures/invalid/` (then `cargo insta review`).

use std::time::{Duration, Instant};
use threatwright::io::yaml::{self, Limits};
use threatwright::model::Code;

/// Diagnostics of a fixture, one per line, as `threatwright validate` prints them.
fn check_diagnostics(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).expect("fixture readable");
    let name = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
    let loaded = yaml::load_bytes(&bytes, &name, &Limits::default());
    assert!(!loaded.diagnostics.is_empty(), "{name}: expected diagnostics");
    assert!(
        loaded.diagnostics.iter().all(|d| d.location.file.as_deref() == Some(name.as_str())),
        "{name}: every diagnostic names the file"
    );
    let mut out: String = loaded.diagnostics.iter().map(|d| format!("{d}\n")).collect();
    out.push_str(&format!("model read: {}\n", loaded.model.is_some()));
    out
}

#[test]
fn invalid_models() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        insta::assert_snapshot!(check_diagnostics(path));
    });
}

fn load_fixture(name: &str) -> (yaml::Loaded, Duration) {
    let bytes = std::fs::read(format!("tests/fixtures/invalid/{name}")).unwrap();
    let start = Instant::now();
    let loaded = yaml::load_bytes(&bytes, name, &Limits::default());
    (loaded, start.elapsed())
}

#[test]
fn hostile_inputs_fail_fast_with_a_clear_error() {
    for (name, code) in [
        ("alias-bomb.yaml", Code::InputLimit),
        ("deep-flow-nesting.yaml", Code::InputLimit),
        // Deep block nesting cannot exhaust anything: libyaml parses it iteratively and the
        // typed model refuses the first level it does not expect.
        ("deep-block-nesting.yaml", Code::InvalidValue),
    ] {
        let (loaded, took) = load_fixture(name);
        assert!(loaded.model.is_none(), "{name}");
        assert_eq!(loaded.diagnostics[0].code, code, "{name}: {:?}", loaded.diagnostics);
        assert!(loaded.diagnostics[0].location.line.is_some(), "{name}: located");
        assert!(took < Duration::from_secs(1), "{name} took {took:?}");
    }
}

/// Aliases of a large scalar in fields the model accepts: few aliases (under libyaml's
/// replay-count limit), but gigabytes once expanded.
#[test]
fn scalar_alias_bomb_is_refused_by_expanded_size() {
    let mut src = format!("format_version: 1\nsystem:\n  name: &big \"{}\"\n  assumptions: [", "x".repeat(100_000));
    src.push_str(&vec!["*big"; 50_000].join(", "));
    src.push_str("]\n");
    let start = Instant::now();
    let loaded = yaml::load_str(&src, "bomb.yaml", &Limits::default());
    let took = start.elapsed();
    assert!(loaded.model.is_none());
    let d = &loaded.diagnostics[0];
    assert_eq!(d.code, Code::InputLimit, "{d}");
    assert_eq!(d.location.line, Some(4));
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn very_deep_nesting_stays_fast() {
    let block = format!("format_version: 1\nsystem:\n  name: x\n  assumptions:\n    {}deep\n", "- ".repeat(100_000));
    let flow = format!("format_version: 1\nsystem:\n  name: x\n  assumptions: {}\n", "[".repeat(1_000_000));
    for (name, src) in [("block", block), ("flow", flow)] {
        let start = Instant::now();
        let loaded = yaml::load_str(&src, name, &Limits::default());
        let took = start.elapsed();
        assert!(loaded.model.is_none() && loaded.has_errors(), "{name}");
        assert!(took < Duration::from_secs(1), "{name} took {took:?}");
    }
}

#[test]
fn file_over_the_size_cap_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut text = String::from("format_version: 1\nsystem:\n  name: big\n  description: \"");
    text.push_str(&"x".repeat(5000));
    text.push_str("\"\n");
    std::fs::write(&path, &text).unwrap();
    let limits = Limits { max_bytes: 4096 };
    let loaded = yaml::load_file(&path, &limits).unwrap();
    assert!(loaded.model.is_none());
    let d = &loaded.diagnostics[0];
    assert_eq!(d.code, Code::InputLimit);
    assert_eq!(
        d.message,
        format!("file is {} bytes, over the limit of 4096 bytes (raise it with --max-input-bytes)", text.len())
    );
    // The same file under the default cap is fine.
    let loaded = yaml::load_file(&path, &Limits::default()).unwrap();
    assert!(loaded.model.is_some() && loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[test]
fn a_missing_file_is_an_io_error_not_a_diagnostic() {
    let err =
        yaml::load_file(std::path::Path::new("tests/fixtures/no-such-file.yaml"), &Limits::default()).unwrap_err();
    assert!(err.to_string().starts_with("tests/fixtures/no-such-file.yaml: cannot read:"), "{err}");
}
