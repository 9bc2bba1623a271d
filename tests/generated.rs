//! Generated files are committed and must be current. `UPDATE_GENERATED=1 cargo test
//! --test generated` rewrites them; without it a stale file fails the test.

use std::path::Path;

fn check_generated(path: &str, expected: &str) {
    let path = Path::new(path);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `UPDATE_GENERATED=1 cargo test --test generated`", path.display()));
    assert!(
        actual == expected,
        "{} is stale; run `UPDATE_GENERATED=1 cargo test --test generated` and commit the result",
        path.display()
    );
}

#[test]
fn model_json_schema_is_current() {
    check_generated("models/schema/threatwright-model.schema.json", &threatwright::model::json_schema());
}

#[test]
fn diagnostics_reference_is_current() {
    check_generated("docs/diagnostics.md", &threatwright::model::diagnostic::reference_markdown());
}

#[test]
fn rule_json_schema_is_current() {
    check_generated("models/schema/threatwright-rule.schema.json", &threatwright::rules::rule::json_schema());
}

#[test]
fn rule_attribute_reference_is_current() {
    check_generated("docs/rule-attributes.md", &threatwright::rules::attr::reference_markdown());
}

#[test]
fn rule_reference_is_current() {
    let (library, diagnostics) = threatwright::io::yaml::rules::load_library(&[]).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    check_generated("docs/rules.md", &threatwright::rules::library::reference_markdown(&library));
}

#[test]
fn report_json_schema_is_current() {
    check_generated("models/schema/threatwright-report.schema.json", &threatwright::report::json::schema());
}

#[test]
fn diff_json_schema_is_current() {
    check_generated("models/schema/threatwright-diff.schema.json", &threatwright::diff::schema());
}

#[test]
fn report_config_schema_is_current() {
    check_generated(
        "models/schema/threatwright-report-config.schema.json",
        &threatwright::report::config::json_schema(),
    );
}
