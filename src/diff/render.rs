//! A diff for people: plain text for the terminal, Markdown for a pull-request comment
//! (summary table first, long lists folded).

use super::{
    Change, Diff, FactChange, ItemChange, MitigationChange, SignOffChange, ThreatChange, ThreatChangeKind, verdict_line,
};
use crate::model::RiskLevel;
use serde_json::Value;
use std::fmt::Write;

fn value(v: &Value) -> String {
    match v {
        Value::Null => "(not stated)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One changed item in words: "process `x` (Name), renamed from `y`; field: a → b".
pub fn item_line(i: &ItemChange) -> String {
    let mut s = format!("{} `{}`", i.what, i.key);
    if i.name != i.key {
        let _ = write!(s, " ({})", i.name);
    }
    if let Some(old) = &i.renamed_from {
        let _ = write!(s, ", renamed from `{old}`");
    }
    if let Some((a, b)) = &i.moved {
        let name = |x: &Option<String>| x.clone().unwrap_or_else(|| "no boundary".into());
        let _ = write!(s, ", moved from {} to {}", name(a), name(b));
    }
    for f in &i.fields {
        let _ = write!(s, "; {}: {} → {}", f.field, value(&f.old), value(&f.new));
    }
    s
}

/// One item change with its verb ("added: process `x` …"), as lists of changes show it.
pub fn item_change_line(i: &ItemChange) -> String {
    format!("{}: {}", i.change.as_str(), item_line(i))
}

/// One derived fact that changed, in words.
pub fn fact_line(f: &FactChange) -> String {
    let detail = f.detail.as_deref().unwrap_or("");
    match (f.fact, f.now) {
        ("data-reaches", true) => return format!("{} (`{}`) now reaches {detail}", f.name, f.key),
        ("data-reaches", false) => return format!("{} (`{}`) no longer reaches {detail}", f.name, f.key),
        ("attack-path", true) => return format!("new attack path to {} (`{}`): {detail}", f.name, f.key),
        ("attack-path", false) => return format!("attack path to {} (`{}`) closed: {detail}", f.name, f.key),
        _ => {}
    }
    let what = match (f.fact, f.now) {
        ("crosses-boundary", true) => {
            return format!("{} (`{}`) now crosses a trust boundary ({detail})", f.name, f.key);
        }
        ("crosses-boundary", false) => {
            return format!("{} (`{}`) no longer crosses a trust boundary ({detail})", f.name, f.key);
        }
        ("internet-exposed", true) => "became internet-facing",
        ("internet-exposed", false) => "is no longer internet-facing",
        ("anonymously-reachable", true) => "became reachable anonymously",
        ("anonymously-reachable", false) => "is no longer reachable anonymously",
        (other, now) => return format!("`{}` {other}: {now}", f.key),
    };
    format!("{} (`{}`) {what}", f.name, f.key)
}

fn sev(s: Option<RiskLevel>) -> &'static str {
    s.map_or("-", |s| s.as_str())
}

/// One threat change in words: "TW-0012 high — Title (on Target)".
pub fn threat_line(t: &ThreatChange) -> String {
    let r = t.reference.clone().unwrap_or_else(|| "new".into());
    match t.change {
        ThreatChangeKind::New => format!("{r} {} — {} (on {})", sev(t.new_severity), t.title, t.target),
        ThreatChangeKind::Resolved => match &t.because {
            Some(why) => format!("{r} {} — {} (on {}; {why})", sev(t.old_severity), t.title, t.target),
            None => format!("{r} {} — {} (on {})", sev(t.old_severity), t.title, t.target),
        },
        ThreatChangeKind::SeverityUp | ThreatChangeKind::SeverityDown => {
            format!("{r} {} → {} — {}", sev(t.old_severity), sev(t.new_severity), t.title)
        }
        ThreatChangeKind::StatusChanged => format!(
            "{r} {} → {} — {}",
            t.old_status.map_or("-", |s| s.as_str()),
            t.new_status.map_or("-", |s| s.as_str()),
            t.title
        ),
    }
}

/// A mitigation that lost threats, in words.
pub fn mitigation_line(m: &MitigationChange) -> String {
    let mut s = format!("{} {} — covered {}, now resolved", m.reference, m.title, m.lost_threats.join(", "));
    if !m.lost_elements.is_empty() {
        let keys: Vec<String> = m.lost_elements.iter().map(|k| format!("`{k}`")).collect();
        let _ = write!(s, "; removed: {}", keys.join(", "));
    }
    if m.covers_nothing {
        s.push_str("; it covers no threat any more");
    }
    s
}

/// A sign-off the change invalidated, in words.
pub fn sign_off_line(r: &SignOffChange) -> String {
    let what = match &r.reference {
        Some(reference) => format!("{reference} {}", r.title),
        None => r.title.clone(),
    };
    format!("{what}, signed off by {} at {}: {}", r.reviewer, r.at, r.reason)
}

/// The heading of a kind of threat change.
pub fn heading(k: ThreatChangeKind) -> &'static str {
    match k {
        ThreatChangeKind::New => "New threats",
        ThreatChangeKind::Resolved => "Resolved threats",
        ThreatChangeKind::SeverityUp => "Severity up",
        ThreatChangeKind::SeverityDown => "Severity down",
        ThreatChangeKind::StatusChanged => "Status changed",
    }
}

/// Threat changes in the order a reviewer reads them: worse first.
pub const KINDS: [ThreatChangeKind; 5] = [
    ThreatChangeKind::New,
    ThreatChangeKind::SeverityUp,
    ThreatChangeKind::Resolved,
    ThreatChangeKind::SeverityDown,
    ThreatChangeKind::StatusChanged,
];

/// Plain text for a terminal.
pub fn text(d: &Diff) -> String {
    let mut s = format!("{} → {}\n{}\n", d.old, d.new, verdict_line(&d.verdict));
    if d.is_empty() {
        s.push_str("no changes to the model or its threats (layout changes are not counted)\n");
        return s;
    }
    for c in [Change::Added, Change::Removed, Change::Changed] {
        let title = c.as_str();
        let list: Vec<&ItemChange> = d.items.iter().filter(|i| i.change == c).collect();
        if !list.is_empty() {
            let _ = writeln!(s, "\n{title}:");
            for i in list {
                let _ = writeln!(s, "  {}", item_line(i));
            }
        }
    }
    if !d.facts.is_empty() {
        s.push_str("\nderived:\n");
        for f in &d.facts {
            let _ = writeln!(s, "  {}", fact_line(f));
        }
    }
    for k in KINDS {
        let list: Vec<&ThreatChange> = d.threats.iter().filter(|t| t.change == k).collect();
        if !list.is_empty() {
            let _ = writeln!(s, "\n{} ({}):", heading(k).to_lowercase(), list.len());
            for t in list {
                let _ = writeln!(s, "  {}", threat_line(t));
            }
        }
    }
    if !d.mitigations.is_empty() {
        let _ = writeln!(s, "\nmitigations that lost threats ({}):", d.mitigations.len());
        for m in &d.mitigations {
            let _ = writeln!(s, "  {}", mitigation_line(m));
        }
    }
    if !d.sign_offs.is_empty() {
        let _ = writeln!(s, "\nsign-offs no longer valid ({}):", d.sign_offs.len());
        for r in &d.sign_offs {
            let _ = writeln!(s, "  {}", sign_off_line(r));
        }
    }
    if !d.questions.is_empty() {
        let _ = writeln!(s, "\nreview questions ({}; not threats):", d.questions.len());
        for q in &d.questions {
            let _ = writeln!(s, "  {}", question_line(q));
        }
    }
    s
}

/// One review question raised or settled, in words.
pub fn question_line(q: &crate::diff::QuestionChange) -> String {
    format!("{}: {} (`{}`; if not: {})", q.change, q.ask, q.key, q.severity_if_not.as_str())
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

/// Markdown for a pull-request comment.
pub fn markdown(d: &Diff) -> String {
    let mut s = String::from("## Threat model review\n\n");
    let _ = writeln!(s, "**{}** (`{}` → `{}`)\n", md_escape(&verdict_line(&d.verdict)), d.old, d.new);
    if d.is_empty() {
        s.push_str("No changes to the model or its threats (layout changes are not counted).\n");
        return s;
    }
    s.push_str("| | critical | high | medium | low |\n|---|---|---|---|---|\n");
    for (label, m) in [("new threats", &d.verdict.new), ("resolved threats", &d.verdict.resolved)] {
        let n = |l| m.get(&l).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} | {} |",
            n(RiskLevel::Critical),
            n(RiskLevel::High),
            n(RiskLevel::Medium),
            n(RiskLevel::Low)
        );
    }
    let count = |c| d.items.iter().filter(|i| i.change == c).count();
    let _ = write!(
        s,
        "\nModel: {} added, {} removed, {} changed; {} derived facts changed",
        count(Change::Added),
        count(Change::Removed),
        count(Change::Changed),
        d.facts.len()
    );
    if !d.mitigations.is_empty() {
        let _ = write!(s, "; {} mitigation(s) lost threats", d.mitigations.len());
    }
    if !d.sign_offs.is_empty() {
        let _ = write!(s, "; **{} sign-off(s) no longer valid**", d.sign_offs.len());
    }
    s.push_str(".\n\n");
    let section = |s: &mut String, title: String, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let folded = lines.len() > 10;
        if folded {
            let _ = writeln!(s, "<details><summary>{title}</summary>\n");
        } else {
            let _ = writeln!(s, "### {title}\n");
        }
        for l in lines {
            let _ = writeln!(s, "- {}", md_escape(&l));
        }
        s.push('\n');
        if folded {
            s.push_str("</details>\n\n");
        }
    };
    for k in KINDS {
        let lines: Vec<String> = d.threats.iter().filter(|t| t.change == k).map(threat_line).collect();
        section(&mut s, format!("{} ({})", heading(k), lines.len()), lines);
    }
    let sign_offs: Vec<String> = d.sign_offs.iter().map(sign_off_line).collect();
    section(&mut s, format!("Sign-offs no longer valid ({})", sign_offs.len()), sign_offs);
    let mitigations: Vec<String> = d.mitigations.iter().map(mitigation_line).collect();
    section(&mut s, format!("Mitigations that lost threats ({})", mitigations.len()), mitigations);
    let facts: Vec<String> = d.facts.iter().map(fact_line).collect();
    section(&mut s, format!("Derived facts ({})", facts.len()), facts);
    let items: Vec<String> = d.items.iter().map(item_change_line).collect();
    section(&mut s, format!("Model changes ({})", items.len()), items);
    let questions: Vec<String> = d.questions.iter().map(question_line).collect();
    section(&mut s, format!("Review questions, not threats ({})", questions.len()), questions);
    s
}
