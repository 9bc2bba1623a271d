//! `eval`: the engine scored on a corpus of systems with expected findings.

use super::args::{RuleOpts, TextOrJson};
use super::{Exit, Failure, Outcome, print, print_json};
use crate::eval::{Score, Thresholds};
use crate::io::yaml::{self, Limits};
use std::fmt::Write;
use std::path::Path;

pub fn eval(dir: &Path, thresholds: Option<&Path>, format: TextOrJson, rules: &RuleOpts, limits: &Limits) -> Outcome {
    let library = super::analyze::library(&rules.dirs, rules.builtin())?;
    let thresholds: Option<Thresholds> = thresholds.map(yaml::read_small).transpose().map_err(Failure::input)?;
    let scores = crate::workflow::evaluate(dir, &library, limits).map_err(Failure::input)?;
    let total = Score::total(&scores);
    let shortfalls = thresholds.as_ref().map(|t| t.shortfalls(&total)).unwrap_or_default();
    match format {
        TextOrJson::Json => print_json(&serde_json::json!({
            "rules_version": library.version,
            "systems": scores,
            "total": summary(&total),
            "thresholds": thresholds,
            "shortfalls": shortfalls,
        }))?,
        TextOrJson::Text => print(&text(&scores, &total, &shortfalls, thresholds.is_some()))?,
    };
    Ok(if shortfalls.is_empty() { Exit::Success } else { Exit::Findings })
}

/// The total's counts and rates.
fn summary(t: &Score) -> serde_json::Value {
    serde_json::json!({
        "expected": t.expected, "found": t.found, "touched": t.touched, "asked": t.asked,
        "exact": t.exact, "too_high": t.too_high, "too_low": t.too_low,
        "must_not": t.must_not, "raised": t.raised, "threats": t.threats, "unmatched": t.unmatched,
        "recall": t.recall(), "loose_recall": t.loose_recall(),
        "severity_exact": t.severity_exact(), "noise": t.noise(),
    })
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn row(s: &Score) -> String {
    format!(
        "{:<34} {:>5}/{:<3} {:>6} {:>6} {:>5} {:>6} {:>4} {:>4} {:>5}/{:<3} {:>7} {:>6}",
        s.system,
        s.found,
        s.expected,
        pct(s.recall()),
        pct(s.loose_recall()),
        s.asked,
        pct(s.severity_exact()),
        s.too_high,
        s.too_low,
        s.raised,
        s.must_not,
        s.threats,
        pct(s.noise()),
    )
}

fn text(scores: &[Score], total: &Score, shortfalls: &[String], checked: bool) -> String {
    let mut out = format!(
        "{:<34} {:>9} {:>6} {:>6} {:>5} {:>6} {:>4} {:>4} {:>9} {:>7} {:>6}\n",
        "system", "found", "recall", "loose", "asked", "sev=", "high", "low", "must-not", "threats", "noise"
    );
    for s in scores {
        out.push_str(&row(s));
        out.push('\n');
    }
    out.push_str(&row(total));
    out.push_str("\n\nrecall: expected findings raised (target, STRIDE and OWASP item); loose: their target drew a threat;\nasked: not raised, but asked as a review question;\nsev=: found findings ranked within their band (high/low: outside it); must-not: secure configurations flagged;\nnoise: threats that match no expected finding.\n");
    for s in scores {
        let missed: Vec<_> = s.findings.iter().filter(|f| f.matched_by.is_none()).collect();
        let misgraded: Vec<_> =
            s.findings.iter().filter(|f| f.grade.is_some_and(|g| g != crate::eval::Grade::Exact)).collect();
        if missed.is_empty() && misgraded.is_empty() && s.false_positives.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", s.system);
        for f in missed {
            let near = match (&f.asked_by, f.touched) {
                (Some(rule), _) => format!(" (asked as a question by {rule})"),
                (None, true) => " (its target drew other threats)".to_owned(),
                (None, false) => String::new(),
            };
            let _ = writeln!(out, "  missed {}: {}{near}", f.id, f.about);
        }
        for f in misgraded {
            let sev = f.severity.map_or("-", |s| s.as_str());
            let _ = writeln!(out, "  ranked {sev} {}: {}", f.id, f.about);
        }
        for r in &s.false_positives {
            let _ = writeln!(out, "  must-not {} raised by {}: {}", r.id, r.by.join(", "), r.about);
        }
    }
    if checked {
        if shortfalls.is_empty() {
            out.push_str("\nthresholds met\n");
        } else {
            let _ = writeln!(out, "\nthresholds NOT met: {}", shortfalls.join("; "));
        }
    }
    out
}
