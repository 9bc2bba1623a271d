//! The register as CSV for issue trackers (Jira-style import): one row per threat with
//! Summary, Description, Priority (from severity) and Labels, then the register's own
//! columns. RFC 4180 quoting by the `csv` crate; cells that a spreadsheet would run as a
//! formula are defused.

use super::content::{Detail, Report};
use super::register::defuse;
use crate::model::RiskLevel;

/// Jira's default priority names for each severity.
pub fn priority(s: RiskLevel) -> &'static str {
    match s {
        RiskLevel::Critical => "Highest",
        RiskLevel::High => "High",
        RiskLevel::Medium => "Medium",
        RiskLevel::Low => "Low",
    }
}

fn label(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == ':' || c == '.' { c } else { '-' }).collect()
}

fn description(d: &Detail) -> String {
    let mut out = d.description.trim().to_owned();
    out.push_str(&format!("\n\nTarget: {} {} ({})", d.row.target_kind, d.row.target, d.row.target_key));
    if !d.attack_path.is_empty() {
        out.push_str(&format!("\nAttack path: {}", d.attack_path.join(" -> ")));
    }
    if !d.suggested.is_empty() {
        out.push_str("\nSuggested mitigations:");
        for s in &d.suggested {
            out.push_str(&format!("\n- {s}"));
        }
    }
    out.push_str(&format!("\nThreatwright reference: {}", d.row.reference));
    out
}

pub fn render(r: &Report) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header = [
        "Summary",
        "Description",
        "Priority",
        "Labels",
        "Reference",
        "Severity",
        "Likelihood",
        "Impact",
        "Status",
        "STRIDE",
        "Target",
        "Target key",
        "OWASP API",
        "CWE",
        "Mitigations",
        "Rule",
    ];
    w.write_record(header).expect("writes to memory");
    for d in &r.details {
        let t = &d.row;
        let mut labels = vec!["threatwright".to_owned()];
        labels.extend(std::iter::once(&t.stride).chain(&t.also_stride).map(|s| format!("stride-{}", s.as_str())));
        labels.extend(t.owasp_api.iter().map(|o| label(&format!("owasp-{o}"))));
        labels.push(format!("severity-{}", t.severity.as_str()));
        let status = if t.expired { "accepted (expired)".to_owned() } else { t.status.as_str().to_owned() };
        let row = [
            format!("{} {}", t.reference, t.title),
            description(d),
            priority(t.severity).to_owned(),
            labels.join(" "),
            t.reference.clone(),
            t.severity.as_str().to_owned(),
            t.likelihood.to_string(),
            t.impact.to_string(),
            status,
            t.stride.as_str().to_owned(),
            t.target.clone(),
            t.target_key.as_str().to_owned(),
            t.owasp_api.join(" "),
            d.cwe.join(" "),
            t.mitigations.join(" "),
            t.rule.clone().unwrap_or_default(),
        ];
        w.write_record(row.iter().map(|c| defuse(c))).expect("writes to memory");
    }
    w.into_inner().expect("flushes to memory")
}
