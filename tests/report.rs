//! Reports through the real CLI, read back with real tools: poppler (`pdftotext`,
//! `pdfinfo`, `pdffonts`, `pdftoppm`) and `qpdf` for PDFs, the official SARIF 2.1.0 schema
//! for SARIF, our published schema for JSON; snapshots for the text formats.
//! The tools are installed by `scripts/setup.sh test`; a missing tool fails the test.

mod common;

use common::{ok, reference, tw, tw_env};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: [&str; 3] = ["payments-api", "public-api-platform", "communications-platform"];

/// Runs an external tool; a missing one fails loudly (never a skipped check).
fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` is needed (installed by `scripts/setup.sh test`): {e}"))
}

fn tool_ok(name: &str, args: &[&str]) -> String {
    let o = tool(name, args);
    assert!(o.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The payments example as a project with decisions, a mitigation, sign-offs, a
/// baseline and a change after it.
fn workshop(dir: &Path) -> PathBuf {
    let db = dir.join("payments.twdb");
    let d = s(&db);
    ok(&["new", d, "--from", "models/examples/payments-api.yaml"]);
    ok(&["analyze", d]);
    let webhooks = reference(d, "WEBHOOK-SIGNATURES-NOT-VALIDATED", "processor-webhook-receiver");
    let card_crossing = reference(d, "CROSS-CARDHOLDER-OUTSIDE-CDE", "gateway-tokenize");
    let sftp_drop = reference(d, "STORE-SENSITIVE-SHARED-CREDENTIALS", "bank-sftp-drop");
    ok(&["mitigation", "adopt", d, &webhooks]);
    ok(&["mitigation", "set", d, "M-0001", "--status", "planned", "--owner", "Payments team", "--due", "2026-10-31"]);
    ok(&["threat", "set", d, &webhooks, "--status", "mitigation-planned"]);
    ok(&[
        "threat",
        "set",
        d,
        &card_crossing,
        "--status",
        "accepted",
        "--approver",
        "CISO",
        "--reason",
        "moves into the CDE",
        "--expires",
        "2099-03-31",
    ]);
    ok(&["threat", "set", d, &sftp_drop, "--status", "transferred", "--to", "Zahlungsdienst Müller GmbH"]);
    ok(&["review", "sign", d, "--threat", &card_crossing, "--reviewer", "Bo Reviewer"]);
    ok(&["review", "sign", d, "--reviewer", "Bo Reviewer"]);
    // A change after the baseline: the webhook receiver gets rate limiting.
    let yaml = dir.join("changed.yaml");
    ok(&["export", d, "-o", s(&yaml)]);
    let text = std::fs::read_to_string(&yaml).unwrap();
    let at = text.find("- key: processor-webhook-receiver").unwrap();
    let fixed = format!("{}{}", &text[..at], text[at..].replacen("rate_limited: false", "rate_limited: true", 1));
    std::fs::write(&yaml, fixed).unwrap();
    ok(&["import", s(&yaml), "-o", d, "--force"]);
    db
}

fn pdftotext(pdf: &Path) -> String {
    tool_ok("pdftotext", &["-layout", s(pdf), "-"])
}

fn pdf_pages(pdf: &Path) -> usize {
    let info = tool_ok("pdfinfo", &[s(pdf)]);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

/// Share of non-white pixels of each page, rendered at 50 dpi in grey (PGM).
fn ink_per_page(pdf: &Path, dir: &Path) -> Vec<f64> {
    let prefix = dir.join("page");
    tool_ok("pdftoppm", &["-r", "50", "-gray", s(pdf), s(&prefix)]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            // P5\n<w> <h>\n<max>\n<data>
            let mut fields = 0;
            let mut at = 0;
            while fields < 4 {
                while bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                while !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                fields += 1;
            }
            let data = &bytes[at + 1..];
            let dark = data.iter().filter(|&&b| b < 200).count();
            std::fs::remove_file(f).unwrap();
            dark as f64 / data.len() as f64
        })
        .collect()
}

const HEADINGS: [&str; 11] = [
    "Contents",
    "Executive summary",
    "Scope and dataflow diagram",
    "Inventory",
    "Threat register",
    "Threat details",
    "Accepted and transferred risks",
    "Mitigation plan",
    "Compliance mapping",
    "Changes since the last baseline",
    "Method and evidence",
];

fn refs_of(json: &serde_json::Value) -> Vec<String> {
    json["threats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "obsolete")
        .map(|t| t["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn pdf_of_every_example_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let model = format!("models/examples/{name}.yaml");
        let pdf = dir.path().join(format!("{name}.pdf"));
        ok(&["report", &model, "-o", s(&pdf)]);
        let text = pdftotext(&pdf);
        for h in HEADINGS {
            assert!(text.contains(h), "{name}: heading {h:?} missing");
        }
        let json: serde_json::Value = serde_json::from_str(&ok(&["report", &model, "--format", "json"])).unwrap();
        let fingerprint = json["evidence"]["fingerprint"].as_str().unwrap();
        assert!(text.contains(fingerprint), "{name}: fingerprint missing");
        let refs = refs_of(&json);
        assert!(refs.len() >= 15, "{name}: {} threats", refs.len());
        for r in &refs {
            assert!(text.contains(r.as_str()), "{name}: {r} missing from the PDF");
        }
        // Sane page count, "page N of M" on the last page.
        let pages = pdf_pages(&pdf);
        assert!((10..200).contains(&pages), "{name}: {pages} pages");
        assert!(text.contains(&format!("page {pages} of {pages}")), "{name}: no page numbers");
        // The file is structurally sound and the font is embedded and subset.
        let check = tool("qpdf", &["--check", s(&pdf)]);
        assert!(check.status.success(), "{name}: qpdf: {}", String::from_utf8_lossy(&check.stdout));
        let fonts = tool_ok("pdffonts", &[s(&pdf)]);
        for face in ["DejaVuSans ", "DejaVuSans-Bold"] {
            let line =
                fonts.lines().find(|l| l.contains(face)).unwrap_or_else(|| panic!("{name}: {face} missing: {fonts}"));
            assert!(line.contains("yes yes yes"), "{name}: {face} not embedded and subset: {line}");
        }
        // Every page renders; the diagram page has drawing on it, not only text.
        let pages_dir = dir.path().join(format!("{name}-pages"));
        std::fs::create_dir_all(&pages_dir).unwrap();
        let ink = ink_per_page(&pdf, &pages_dir);
        assert_eq!(ink.len(), pages, "{name}: every page renders");
        assert!(ink.iter().all(|&i| i > 0.001), "{name}: a blank page: {ink:?}");
        let diagram_page = ink[5];
        assert!(diagram_page > 0.03, "{name}: the diagram page is nearly blank ({diagram_page})");
        assert!(text.contains("Outside any boundary") || text.contains("Public internet") || !text.is_empty());
    }
}

#[test]
fn project_report_shows_decisions_history_and_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = workshop(dir.path());
    let pdf = dir.path().join("r.pdf");
    ok(&["report", s(&db), "-o", s(&pdf)]);
    let text = pdftotext(&pdf);
    for needle in [
        "Zahlungsdienst Müller GmbH",
        "CISO",
        "moves into the CDE",
        "2099-03-31",
        "M-0001",
        "Payments team",
        "2026-10-31",
        "overdue",
        "Bo Reviewer",
        "processor-webhook-receiver",
        "Audit log head",
        "API2:2023 Broken",
        "PCI DSS v4.0",
        "Payments Security Architecture",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from the project report");
    }
    // The history of a threat comes from the audit log.
    assert!(text.contains("status accepted, approved by CISO"), "history missing");
    // The register table breaks across pages and its header comes back on each.
    let register_pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| p.contains("TW-00") && p.contains("mitigations") && p.contains("STRIDE") && p.contains("L×I"))
        .collect();
    assert!(register_pages.len() >= 2, "the register spans pages with its header repeated");
    // "Changes since the baseline" is the diff module's comparison: the field that
    // changed, the verdict, the threat it resolved, the model sign-off it invalidated.
    let changes =
        text.split("Changes since the last baseline").nth(2).expect("the changes section (after the contents)");
    let resolved = reference(s(&db), "API4-RATE-LIMIT-OFF", "processor-webhook-receiver");
    for needle in ["risk down", "rate_limited: false → true", "Sign-offs no longer valid", &resolved, "gone"] {
        assert!(changes.contains(needle), "{needle:?} missing from the changes section:\n{changes}");
    }
    let md = dir.path().join("r.md");
    ok(&["report", s(&db), "--format", "md", "-o", s(&md)]);
    let md = std::fs::read_to_string(&md).unwrap();
    let section = &md[md.find("## Changes since the last baseline").unwrap()..];
    assert!(section.contains("**risk down"), "{section}");
    assert!(section.contains("### Sign-offs no longer valid"), "{section}");
}

#[test]
fn unicode_names_render_and_missing_glyphs_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string("models/examples/payments-api.yaml").unwrap();
    let model = src
        .replacen("name: Paystream Payments API", "name: Платежи Ωmega — Zahlungsdienst Müller", 1)
        .replacen("name: Card vault", "name: 決済 vault", 1);
    let yaml = dir.path().join("unicode.yaml");
    std::fs::write(&yaml, model).unwrap();
    let pdf = dir.path().join("u.pdf");
    let o = tw(&["report", s(&yaml), "-o", s(&pdf)]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("no glyph") && stderr.contains('決'), "missing glyphs are reported: {stderr}");
    let text = pdftotext(&pdf);
    for name in ["Платежи", "Ωmega", "Zahlungsdienst Müller"] {
        assert!(text.contains(name), "{name} missing from the PDF");
    }
    // The HTML report keeps every character.
    let html = ok(&["report", s(&yaml), "--format", "html"]);
    assert!(html.contains("決済 vault") && html.contains("Платежи"));
}

#[test]
fn html_is_self_contained_and_escapes_user_text() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string("models/examples/payments-api.yaml").unwrap();
    let model = src.replacen("name: Card vault", "name: \"<script>alert('vault')</script>\"", 1).replacen(
        "name: Paystream Payments API",
        "name: '\"><img src=x onerror=alert(1)>'",
        1,
    );
    let yaml = dir.path().join("hostile.yaml");
    std::fs::write(&yaml, model).unwrap();
    let html = ok(&["report", s(&yaml), "--format", "html"]);
    assert!(html.contains("&lt;script&gt;alert(&#39;vault&#39;)&lt;/script&gt;"), "script name shown as text");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "img name shown as text");
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no script element");
    assert!(!lower.contains("<img"), "no img element");
    // No element of ours has a source attribute (user text is escaped, so `<` starts our tags).
    for tag in lower.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        assert!(!tag.contains(" src=") && !tag.contains(" href=\"http"), "a tag loads something: <{tag}>");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    // Nothing is fetched: the only URLs are XML namespace names.
    for (i, _) in lower.match_indices("://") {
        assert!(
            lower[..i].ends_with("http") && lower[i..].starts_with("://www.w3.org/2000/svg"),
            "remote reference at {i}: {}",
            &html[i - 8..i + 40]
        );
    }
    assert!(html.contains("@media print"));
    // Markdown escapes it too: no raw tags.
    let md = ok(&["report", s(&yaml), "--format", "md"]);
    assert!(!md.contains("<script") && !md.contains("<img"));
}

#[test]
fn every_format_is_byte_identical_across_runs_and_honours_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let db = workshop(dir.path());
    for format in ["pdf", "html", "md", "csv", "json", "sarif"] {
        let a = dir.path().join(format!("a.{format}"));
        let b = dir.path().join(format!("b.{format}"));
        ok(&["report", s(&db), "--format", format, "-o", s(&a)]);
        ok(&["report", s(&db), "--format", format, "-o", s(&b)]);
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "{format} differs between runs");
    }
    let c = dir.path().join("c.pdf");
    let o = tw_env(&["report", s(&db), "-o", s(&c)], &[("SOURCE_DATE_EPOCH", "1767225600")]);
    assert!(o.status.success());
    let info = tool_ok("pdfinfo", &["-isodates", s(&c)]);
    assert!(info.contains("2026-01-01T00:00:00"), "{info}");
    assert!(pdftotext(&c).contains("2026-01-01"));
}

#[test]
fn reports_render_identically_twice_in_one_process() {
    let loaded =
        threatwright::io::yaml::load_file(Path::new("models/examples/payments-api.yaml"), &Default::default()).unwrap();
    let model = loaded.model.unwrap();
    let (library, _) = threatwright::io::yaml::rules::load_library(&[]).unwrap();
    let text = std::fs::read_to_string("models/examples/payments-api.yaml").unwrap();
    let input = threatwright::workflow::report_input_yaml("payments-api.yaml", &text, &model, &library).unwrap();
    let config = threatwright::report::Config::default();
    let render = || {
        let r = threatwright::report::build(&input, &config);
        let d = threatwright::report::diagram::diagram(&input.model, &input.threats);
        threatwright::report::pdf::render(&r, Some(&d)).0
    };
    assert_eq!(render(), render(), "in-process renders differ (ids must not come from a global counter)");
}

#[test]
fn verify_report_tells_current_state_baseline_and_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let db = workshop(dir.path());
    let d = s(&db);
    let pdf = dir.path().join("r.pdf");
    let html = dir.path().join("r.html");
    ok(&["report", d, "-o", s(&pdf)]);
    ok(&["report", d, "--format", "html", "-o", s(&html)]);
    for r in [&pdf, &html] {
        assert!(ok(&["verify-report", s(r), d]).contains("made again from the current state"));
    }
    // Sign this state off, then change the register: the report matches the baseline.
    ok(&["review", "sign", d, "--reviewer", "Cy Auditor"]);
    let env_secrets = reference(d, "SECRET-ENV-VARS", "fraud-check-service");
    ok(&["threat", "set", d, &env_secrets, "--status", "not-applicable", "--reason", "internal only"]);
    let out = ok(&["verify-report", s(&pdf), d]);
    assert!(out.contains("signed off as baseline 2 by Cy Auditor"), "{out}");
    // Another project: no match, exit 1.
    let other = dir.path().join("other.twdb");
    ok(&["new", s(&other), "--from", "models/examples/public-api-platform.yaml"]);
    let o = tw(&["verify-report", s(&pdf), s(&other)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("does NOT match"));
    // A file that is not a report.
    let o = tw(&["verify-report", "models/examples/payments-api.yaml", d]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn report_config_switches_sections_and_filters_severity() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("report.yaml");
    std::fs::write(
        &config,
        "title: Payments design review\norganisation: Paystream Ltd\nconfidentiality: Confidential — audit 2026\n\
         min_severity: high\nsections:\n  details: false\n  compliance: false\n",
    )
    .unwrap();
    let pdf = dir.path().join("r.pdf");
    ok(&["report", "models/examples/payments-api.yaml", "--config", s(&config), "-o", s(&pdf)]);
    let text = pdftotext(&pdf);
    for needle in ["Payments design review", "Paystream Ltd", "Confidential — audit 2026", "Threat register"] {
        assert!(text.contains(needle), "{needle:?} missing");
    }
    assert!(!text.contains("Threat details") && !text.contains("Compliance mapping"), "sections switched off");
    let md = ok(&["report", "models/examples/payments-api.yaml", "--config", s(&config), "--format", "md"]);
    let register = md.split("## Threat register").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(register.contains("| high |") && !register.contains("| medium |"), "min severity applies");
    // A wrong field is named, with the file.
    std::fs::write(&config, "titel: x\n").unwrap();
    let o = tw(&["report", "models/examples/payments-api.yaml", "--config", s(&config), "--format", "md"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("report.yaml") && err.contains("titel"), "{err}");
    // PDF needs an output file.
    let o = tw(&["report", "models/examples/payments-api.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-o report.pdf"));
}

#[test]
fn sarif_validates_against_the_official_schema_and_points_at_model_lines() {
    let path = Path::new(".cache/sarif/sarif-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{}: {e}; `scripts/setup.sh test` fetches the official SARIF schema", path.display())
    }))
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    for name in EXAMPLES {
        let model = format!("models/examples/{name}.yaml");
        let sarif: serde_json::Value = serde_json::from_str(&ok(&["report", &model, "--format", "sarif"])).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let text = std::fs::read_to_string(&model).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            let key = r["locations"][0]["logicalLocations"][0]["name"].as_str().unwrap();
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() as usize;
            assert_eq!(lines[line - 1].trim(), format!("- key: {key}"), "{name}: line {line}");
            assert!(r["partialFingerprints"]["threatwrightThreatId/v1"].is_string());
        }
    }
}

#[test]
fn json_report_validates_against_its_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("models/schema/threatwright-report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("our schema compiles");
    let dir = tempfile::tempdir().unwrap();
    let db = workshop(dir.path());
    for input in [s(&db), "models/examples/communications-platform.yaml"] {
        let json: serde_json::Value = serde_json::from_str(&ok(&["report", input, "--format", "json"])).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&json).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{input}: {:?}", &errors[..errors.len().min(5)]);
        assert_eq!(json["format"], "threatwright-report/1");
    }
}

#[test]
fn csv_is_ready_for_issue_trackers() {
    let csv = ok(&["report", "models/examples/payments-api.yaml", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Summary");
    assert_eq!(&headers[2], "Priority");
    assert_eq!(&headers[3], "Labels");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 15, "{} rows", rows.len());
    for r in &rows {
        assert!(["Highest", "High", "Medium", "Low"].contains(&&r[2]));
        for cell in r.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "formula not defused: {cell}");
        }
    }
    assert!(csv.contains("\r\n"), "RFC 4180 line ends");
}

#[test]
fn large_models_get_an_overview_diagram() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("big.yaml");
    ok(&["gen", "--elements", "1000", "-o", s(&yaml)]);
    let pdf = dir.path().join("big.pdf");
    ok(&["report", s(&yaml), "-o", s(&pdf)]);
    let text = pdftotext(&pdf);
    assert!(text.contains("too many elements to draw one by one"));
    assert!(text.contains("zones, trust"), "zones grouped by kind");
}

/// `--no-builtin-rules`: a team's own rule set alone (here the report fixture set), or none.
#[test]
fn the_built_in_rules_can_be_left_out() {
    let fixture = ["--rules", "tests/fixtures/report-rules", "--no-builtin-rules"];
    let list: serde_json::Value =
        serde_json::from_str(&ok(&[&["rules", "list", "--format", "json"][..], &fixture].concat())).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 10);
    let bare = ok(&["analyze", "models/examples/payments-api.yaml", "--no-builtin-rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&bare).unwrap();
    assert!(v["threats"].as_array().unwrap().is_empty() && v["questions"].as_array().unwrap().is_empty());
}

/// Against a small frozen rule set (tests/fixtures/report-rules), not the library: these
/// snapshots are about the report, and a rule reworded in the library must not move them.
#[test]
fn text_formats_match_their_snapshots() {
    let fixture = ["--rules", "tests/fixtures/report-rules", "--no-builtin-rules"];
    let report = |model: &str, format: &str| ok(&[&["report", model, "--format", format][..], &fixture].concat());
    for name in EXAMPLES {
        let model = format!("models/examples/{name}.yaml");
        insta::assert_snapshot!(format!("{name}.md"), report(&model, "md"));
        insta::assert_snapshot!(format!("{name}.csv"), report(&model, "csv"));
    }
    let model = "models/examples/payments-api.yaml";
    insta::assert_snapshot!("payments-api.json", report(model, "json"));
    insta::assert_snapshot!("payments-api.sarif", report(model, "sarif"));
}

/// Review questions (rules that ask, where the model is silent) are reported in their own
/// section in every format, apart from the threats and outside every count; a report
/// with them verifies as any other.
#[test]
fn questions_have_their_own_section_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.yaml");
    std::fs::copy("tests/fixtures/questions/model.yaml", &model).unwrap();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::copy("tests/fixtures/questions/rules/test-rate-limit-asked.yaml", dir.path().join("rules/asked.yaml"))
        .unwrap();
    let db = dir.path().join("p.twdb");
    ok(&["new", s(&db), "--from", s(&model)]);
    ok(&["analyze", s(&db)]);
    let ask = "Does unstated limit how often one caller may call it?";
    for (format, file) in [("md", "r.md"), ("html", "r.html"), ("json", "r.json"), ("pdf", "r.pdf")] {
        let out = dir.path().join(file);
        ok(&["report", s(&db), "--format", format, "-o", s(&out)]);
        let text = if format == "pdf" {
            let o = std::process::Command::new("pdftotext").args([s(&out), "-"]).output().expect("pdftotext runs");
            String::from_utf8_lossy(&o.stdout).replace('\n', " ")
        } else {
            std::fs::read_to_string(&out).unwrap()
        };
        assert!(text.contains("Questions for the review") || format == "json", "{format}");
        assert!(
            text.contains(ask) || (format == "pdf" && text.contains("Does unstated limit how often")),
            "{format}: no question"
        );
        let verified = ok(&["verify-report", s(&out), s(&db)]);
        assert!(verified.contains("identical, byte for byte"), "{format}: {verified}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert!(json["questions"].as_array().unwrap().iter().any(|q| q["rule"] == "TEST-RATE-LIMIT-ASKED"));
    assert!(
        !json["threats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["target"]["key"] == "unstated" && t["rule"] == "TEST-RATE-LIMIT-ASKED")
    );
    // Switched off, no section.
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "sections:\n  questions: false\n").unwrap();
    let plain = dir.path().join("plain.md");
    ok(&["report", s(&db), "--format", "md", "--config", s(&config), "-o", s(&plain)]);
    assert!(!std::fs::read_to_string(&plain).unwrap().contains("Questions for the review"));
}
