//! The engine scored on our own corpus (`tests/corpus/`: API systems written from
//! plain-language briefs, each with the findings an experienced threat modeler expects,
//! written before the engine was run on it), through the real `threatwright eval`.
//! The thresholds in `tests/corpus/thresholds.yaml` only go up: a score that rises above
//! its threshold by more than a margin fails too, asking for the threshold to be raised.

mod common;

use common::{code, stderr, stdout, tw};

const CORPUS: &str = "tests/corpus";
const THRESHOLDS: &str = "tests/corpus/thresholds.yaml";
/// How far (in points of a percentage) a rate may rise above its threshold before the
/// threshold must be raised to it.
const RATCHET: f64 = 0.03;

fn eval_json(args: &[&str]) -> serde_json::Value {
    let o = tw(&[&["eval", CORPUS, "--format", "json"], args].concat());
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)))
}

#[test]
fn the_corpus_meets_its_thresholds_and_they_only_go_up() {
    let o = tw(&["eval", CORPUS, "--thresholds", THRESHOLDS]);
    let table = stdout(&o);
    println!("{table}");
    assert_eq!(code(&o), 0, "{table}{}", stderr(&o));
    assert!(table.contains("thresholds met"), "{table}");

    let v = eval_json(&[]);
    let systems = v["systems"].as_array().unwrap();
    assert!(systems.len() >= 15, "the corpus has at least 15 systems, not {}", systems.len());
    let t = &v["total"];
    let sum = |f: &str| systems.iter().map(|s| s[f].as_u64().unwrap()).sum::<u64>();
    assert_eq!(t["expected"].as_u64().unwrap(), sum("expected"));
    assert_eq!(t["found"].as_u64().unwrap(), sum("found"));
    assert_eq!(t["raised"].as_u64().unwrap(), sum("raised"));

    let th: serde_json::Value = v["thresholds"].clone();
    assert!(th.is_null(), "no thresholds were given to this run");
    let th = eval_json(&["--thresholds", THRESHOLDS])["thresholds"].clone();
    let rate = |f: &str| t[f].as_f64().unwrap();
    let limit = |f: &str| th[f].as_f64().unwrap();
    let mut stale = Vec::new();
    if rate("recall") > limit("min_recall") + RATCHET {
        stale.push(format!("min_recall to {:.2}", rate("recall")));
    }
    if rate("severity_exact") > limit("min_severity_exact") + RATCHET {
        stale.push(format!("min_severity_exact to {:.2}", rate("severity_exact")));
    }
    if rate("noise") < limit("max_noise") - RATCHET {
        stale.push(format!("max_noise to {:.2}", rate("noise")));
    }
    if t["raised"].as_u64().unwrap() < th["max_must_not"].as_u64().unwrap() {
        stale.push(format!("max_must_not to {}", t["raised"]));
    }
    assert!(stale.is_empty(), "the engine got better: raise {} in {THRESHOLDS}", stale.join(", "));
}

#[test]
fn a_shortfall_exits_1_and_bad_files_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let strict = dir.path().join("strict.yaml");
    std::fs::write(&strict, "min_recall: 1.01\nmin_severity_exact: 0\nmax_noise: 1\nmax_must_not: 1000\n").unwrap();
    let o = tw(&["eval", CORPUS, "--thresholds", strict.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("thresholds NOT met: recall"), "{}", stdout(&o));

    // A corpus of one system whose expected file has a typo.
    let system = dir.path().join("corpus/one");
    std::fs::create_dir_all(&system).unwrap();
    std::fs::copy("models/examples/payments-api.yaml", system.join("model.yaml")).unwrap();
    std::fs::write(
        system.join("expected.yaml"),
        "findings:\n  - id: F1\n    target: payments-gateway\n    strid: [spoofing]\n    owasp: none\n    severity: high\n",
    )
    .unwrap();
    let o = tw(&["eval", dir.path().join("corpus").to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("one/expected.yaml:4"), "{err}");
    assert!(err.contains("strid"), "{err}");

    let o = tw(&["eval", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no system folders"), "{}", stderr(&o));
}
