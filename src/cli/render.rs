//! Text rendering of core results for the terminal.

use crate::model::Diagnostic;
use crate::summary::{BoundaryNode, ElementLine, Summary};
use std::collections::HashMap;
use std::fmt::Write;

/// Diagnostics like a compiler: the located message, then the source line with a caret.
pub fn diagnostics_text(diagnostics: &[Diagnostic]) -> String {
    let mut sources: HashMap<&str, Option<Vec<String>>> = HashMap::new();
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
        let (Some(file), Some(line)) = (d.location.file.as_deref(), d.location.line) else {
            continue;
        };
        let lines = sources.entry(file).or_insert_with(|| {
            // Only small files: a snippet is a nicety, not worth reading a huge file again.
            let meta = std::fs::metadata(file).ok()?;
            if meta.len() > 16 * 1024 * 1024 {
                return None;
            }
            let bytes = std::fs::read(file).ok()?;
            Some(String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect())
        });
        let Some(text) = lines.as_ref().and_then(|l| l.get(line as usize - 1)) else {
            continue;
        };
        let shown: String = text.chars().take(160).collect();
        let gutter = line.to_string().len();
        let col = d.location.column.unwrap_or(1).max(1) as usize;
        let pad: String = shown.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {shown}");
        let _ = writeln!(out, "{:gutter$} | {pad}^", "");
    }
    out
}

/// "1 process", "2 processes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn validation_footer(file: &str, errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => format!("{file}: ok, no problems found\n"),
        (0, w) => format!("{file}: ok, {}\n", count(w, "warning", "warnings")),
        (e, w) => format!("{file}: {}, {}\n", count(e, "error", "errors"), count(w, "warning", "warnings")),
    }
}

fn element(out: &mut String, indent: usize, e: &ElementLine) {
    let detail = if e.detail.is_empty() { String::new() } else { format!(" ({})", e.detail) };
    let _ = writeln!(out, "{:indent$}- {} [{}] {}{}", "", e.name, e.kind, e.key, detail);
}

fn boundary(out: &mut String, indent: usize, b: &BoundaryNode) {
    let detail = if b.detail.is_empty() { String::new() } else { format!(" ({})", b.detail) };
    let _ = writeln!(out, "{:indent$}{} [boundary] {}{}", "", b.name, b.key, detail);
    for e in &b.elements {
        element(out, indent + 2, e);
    }
    for c in &b.children {
        boundary(out, indent + 2, c);
    }
}

pub fn summary_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}", s.name);
    if let Some(v) = &s.version {
        let _ = write!(out, " — version {v}");
    }
    out.push('\n');
    if let Some(o) = &s.owner {
        let _ = writeln!(out, "Owner: {o}");
    }
    let c = &s.counts;
    let _ = writeln!(
        out,
        "{} ({}, {}, {}), {}, {}, {}, {}",
        count(c.elements, "element", "elements"),
        count(c.external_entities, "external entity", "external entities"),
        count(c.processes, "process", "processes"),
        count(c.data_stores, "data store", "data stores"),
        count(c.flows, "flow", "flows"),
        count(c.boundaries, "boundary", "boundaries"),
        count(c.data_assets, "data asset", "data assets"),
        count(c.apis, "API", "APIs"),
    );
    if !s.boundaries.is_empty() || !s.outside.is_empty() {
        let _ = writeln!(out, "\nTrust boundaries");
        for b in &s.boundaries {
            boundary(&mut out, 2, b);
        }
        if !s.outside.is_empty() {
            let _ = writeln!(out, "  (outside any boundary)");
            for e in &s.outside {
                element(&mut out, 4, e);
            }
        }
    }
    if !s.data_assets.is_empty() {
        let _ = writeln!(out, "\nData assets");
        for a in &s.data_assets {
            let _ = writeln!(out, "  - {} {} ({})", a.name, a.key, a.detail);
        }
    }
    if !s.apis.is_empty() {
        let _ = writeln!(out, "\nAPI inventory");
        for a in &s.apis {
            let _ = writeln!(out, "  - {} {} ({})", a.name, a.key, a.detail);
        }
    }
    out
}

/// Cuts `s` to `width` characters, with an ellipsis when cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The ranked register as a table, then counts.
pub fn register_text(system: &str, a: &crate::rules::Analysis) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "{:<8} {:<8} {:>3} {:<1} {:<30} {:<28} TITLE", "REF", "SEVERITY", "L×I", "S", "RULE", "TARGET");
    for t in &a.threats {
        let _ = writeln!(
            out,
            "{:<8} {:<8} {:>3} {:<1} {:<30} {:<28} {}{}",
            t.reference,
            t.severity.as_str(),
            format!("{}×{}", t.likelihood, t.impact),
            t.stride.letter(),
            fit(t.rule.as_deref().unwrap_or("(manual)"), 30),
            fit(t.target.key.as_str(), 28),
            t.title,
            if t.status == crate::model::ThreatStatus::Obsolete { " [obsolete]" } else { "" },
        );
    }
    if !a.questions.is_empty() {
        let _ = writeln!(out, "\nQuestions for the review (not threats: the model does not state these controls)");
        let _ = writeln!(out, "{:<8} {:<36} {:<28} QUESTION", "IF NOT", "RULE", "TARGET");
        for q in &a.questions {
            let _ = writeln!(
                out,
                "{:<8} {:<36} {:<28} {}  (answer: {})",
                q.severity_if_not.as_str(),
                fit(&q.rule, 36),
                fit(q.target.key.as_str(), 28),
                q.ask,
                q.answers.join(", ")
            );
        }
    }
    let c = crate::report::register::counts(&a.threats);
    let _ = writeln!(
        out,
        "\n{system}: {} ({} critical, {} high, {} medium, {} low){}{}; {} attack path{}; {} rules ({})",
        count(c.total, "threat", "threats"),
        c.critical,
        c.high,
        c.medium,
        c.low,
        if c.obsolete > 0 { format!(", {} obsolete", c.obsolete) } else { String::new() },
        if a.questions.is_empty() {
            String::new()
        } else {
            format!("; {}", count(a.questions.len(), "question", "questions"))
        },
        a.attack_paths.len(),
        if a.attack_paths.len() == 1 { "" } else { "s" },
        a.rules_run,
        a.rules_version,
    );
    out
}

/// Attack paths, one block each.
pub fn paths_text(model: &crate::model::Model, paths: &[crate::graph::AttackPath]) -> String {
    let mut out = String::new();
    if paths.is_empty() {
        let _ = writeln!(
            out,
            "{}: no attack paths (no untrusted entity reaches a store of sensitive data)",
            model.system.name
        );
        return out;
    }
    for p in paths {
        let _ = writeln!(
            out,
            "{} -> {} ({}, {} hop{}; holds {})",
            p.source,
            p.target,
            p.source_trust.map_or("trust not stated", |t| t.as_str()),
            p.len(),
            if p.len() == 1 { "" } else { "s" },
            p.assets.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        );
        for (i, h) in p.hops.iter().enumerate() {
            let mark = if i == p.weakest { "  <- weakest" } else { "" };
            let weak = if h.weaknesses.is_empty() { String::new() } else { format!(" [{}]", h.weaknesses.join(", ")) };
            let _ =
                writeln!(out, "    {} -> {} via {} (strength {}/4){}{}", h.from, h.to, h.flow, h.strength, weak, mark);
        }
    }
    let _ = writeln!(out, "\n{}: {}", model.system.name, count(paths.len(), "attack path", "attack paths"));
    out
}

/// One rule, in full, for `rules show`.
pub fn rule_text(r: &crate::rules::CompiledRule) -> String {
    let rule = &r.rule;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", rule.id, rule.title);
    let _ = writeln!(
        out,
        "STRIDE: {}   applies to: {}   default likelihood {} × impact {}",
        rule.stride.as_str(),
        rule.applies_to.as_str(),
        rule.likelihood,
        rule.impact
    );
    let _ = writeln!(out, "source: {}{}", r.source, if r.builtin { " (built-in)" } else { "" });
    let _ = writeln!(out, "\n{}", rule.description.trim());
    if let Some(q) = &rule.question {
        let _ = writeln!(out, "\nAsks, while {} unstated: {}", q.answers.join(", "), q.ask.trim());
    }
    if let Some(n) = &rule.notes {
        let _ = writeln!(out, "\nNotes (its neighbours): {}", n.trim());
    }
    if !rule.mitigations.is_empty() {
        let _ = writeln!(out, "\nMitigations");
        for m in &rule.mitigations {
            let _ = writeln!(out, "  - {} [{}]", m.title, m.id);
            if !m.description.is_empty() {
                let _ = writeln!(out, "    {}", m.description.trim());
            }
        }
    }
    let refs = &rule.references;
    let c = &rule.controls;
    for (label, list) in [
        ("OWASP API Top 10", &refs.owasp_api),
        ("CWE", &refs.cwe),
        ("CAPEC", &refs.capec),
        ("PCI DSS v4.0", &c.pci_dss),
        ("ISO/IEC 27001:2022", &c.iso27001),
        ("SOC 2", &c.soc2),
        ("GDPR", &c.gdpr),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "{label}: {}", list.join(", "));
        }
    }
    if let Some(why) = &rule.owasp_none {
        let _ = writeln!(out, "OWASP API Top 10: none applies ({})", why.trim());
    }
    let _ = writeln!(
        out,
        "\nExamples: fires on {}; silent on {}",
        rule.examples.fires.iter().map(|e| e.target.to_string()).collect::<Vec<_>>().join(", "),
        rule.examples.silent.iter().map(|e| e.target.to_string()).collect::<Vec<_>>().join(", ")
    );
    out
}

/// One threat in full.
pub fn threat_text(t: &crate::model::Threat) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", t.reference, t.title);
    let _ = writeln!(
        out,
        "severity {} (likelihood {} × impact {})   STRIDE {}   status {}",
        t.severity.as_str(),
        t.likelihood,
        t.impact,
        t.stride_words(),
        t.status.as_str()
    );
    let _ = writeln!(out, "target: {} {} ({})", t.target.kind.as_str(), t.target.key, t.target.name);
    let _ = writeln!(out, "rule: {}", t.rule.as_deref().unwrap_or("(entered by hand)"));
    if !t.description.is_empty() {
        let _ = writeln!(out, "\n{}", t.description.trim());
    }
    if !t.rationale.is_empty() {
        let _ = writeln!(out, "\nRanking");
        for r in &t.rationale {
            let _ = writeln!(out, "  - {r}");
        }
    }
    if !t.attack_path.is_empty() {
        let _ = writeln!(
            out,
            "\nAttack path: {}",
            t.attack_path.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" -> ")
        );
        if let Some(w) = &t.weakest_control {
            let _ = writeln!(out, "Weakest control: {w}");
        }
    }
    if !t.mitigations.is_empty() {
        let _ = writeln!(out, "\nSuggested mitigations");
        for m in t.mitigations.iter() {
            let _ = writeln!(out, "  - {} [{}]", m.title, m.id);
        }
    }
    let r = &t.references;
    for (label, list) in [("OWASP API", &r.owasp_api), ("CWE", &r.cwe), ("CAPEC", &r.capec)] {
        if !list.is_empty() {
            let _ = writeln!(out, "{label}: {}", list.join(", "));
        }
    }
    out
}

/// A threat's status with what was recorded for it, on one line.
pub fn status_text(t: &crate::model::Threat) -> String {
    let r = &t.response;
    let mut out = t.status.as_str().to_owned();
    let mut parts = Vec::new();
    if let Some(a) = &r.approver {
        parts.push(format!("approved by {a}"));
    }
    if let Some(e) = &r.expires {
        parts.push(format!("until {e}"));
    }
    if let Some(to) = &r.transferred_to {
        parts.push(format!("to {to}"));
    }
    if let Some(why) = &r.reason {
        parts.push(format!("reason: {why}"));
    }
    if let Some(p) = &t.previous_status {
        parts.push(format!("was {}", p.as_str()));
    }
    if !parts.is_empty() {
        let _ = write!(out, " ({})", parts.join("; "));
    }
    if let (Some(by), Some(at)) = (&r.decided_by, &r.decided_at) {
        let _ = write!(out, ", set by {by} at {at}");
    }
    out
}

/// The response part of `threat show`: status, linked mitigations, sign-offs.
pub fn response_text(
    t: &crate::model::Threat,
    mitigations: &[crate::model::Mitigation],
    signoffs: &[(crate::model::Review, bool)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nResponse\n  status: {}", status_text(t));
    if mitigations.is_empty() {
        let _ = writeln!(out, "  mitigations: none linked");
    }
    for m in mitigations {
        let _ = writeln!(out, "  mitigation {} [{}] {}", m.reference, m.status.as_str(), m.title);
    }
    for (r, holds) in signoffs {
        let _ = writeln!(
            out,
            "  signed off by {} at {}{}",
            r.reviewer,
            r.at,
            if *holds { "" } else { " (no longer holds: the threat or its target changed since)" }
        );
    }
    out
}

/// Mitigations with the threats they cover.
pub fn mitigations_text(ms: &[crate::model::Mitigation], orphans: &[String]) -> String {
    let mut out = String::new();
    for m in ms {
        let _ = writeln!(out, "{} [{}] {}", m.reference, m.status.as_str(), m.title);
        let mut details = Vec::new();
        if let Some(o) = &m.owner {
            details.push(format!("owner {o}"));
        }
        if let Some(t) = &m.ticket {
            details.push(format!("ticket {t}"));
        }
        if let Some(d) = &m.due {
            details.push(format!("due {d}"));
        }
        if !details.is_empty() {
            let _ = writeln!(out, "    {}", details.join(", "));
        }
        if orphans.contains(&m.reference) {
            let _ = writeln!(out, "    ORPHAN: covers no live threat (its threats are obsolete or unlinked)");
        } else if !m.threats.is_empty() {
            let _ = writeln!(out, "    covers {}", m.threats.join(", "));
        }
    }
    if ms.is_empty() {
        out.push_str("no mitigations yet\n");
    }
    out
}

/// Changes since a baseline.
pub fn changes_text(changes: &[crate::lifecycle::review::Change]) -> String {
    use crate::lifecycle::review::ChangeKind;
    if changes.is_empty() {
        return "no changes since this baseline\n".to_owned();
    }
    let mut out = format!("{} since this baseline:\n", count(changes.len(), "change", "changes"));
    for c in changes {
        let kind = match c.kind {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        };
        let _ = writeln!(out, "  {kind:<8} {} {}", c.what, c.key);
    }
    out
}

/// The audit log, one entry a line.
pub fn log_text(log: &[crate::lifecycle::audit::Entry]) -> String {
    let mut out = String::new();
    for e in log {
        let detail = e.after.as_deref().or(e.before.as_deref()).unwrap_or("");
        let _ = writeln!(
            out,
            "{:>5}  {}  {:<16} {:<18} {:<10} {}  {}",
            e.seq,
            e.at,
            fit(&e.who, 16),
            e.action,
            e.object_kind,
            e.object,
            fit(detail, 100)
        );
    }
    if log.is_empty() {
        out.push_str("the audit log is empty\n");
    }
    out
}

/// The CI gate's verdict, readable in a pipeline log.
pub fn check_text(file: &str, r: &crate::lifecycle::check::Report) -> String {
    use crate::lifecycle::check::ReviewState;
    let mut out = String::new();
    if !r.open.is_empty() {
        let _ = writeln!(
            out,
            "{} at or above {}:",
            count(r.open.len(), "unhandled threat", "unhandled threats"),
            r.fail_on.as_str()
        );
        for f in &r.open {
            let _ = writeln!(
                out,
                "  {} {:<8} {:<18} {}{}",
                f.reference,
                f.severity.as_str(),
                f.status.as_str(),
                f.title,
                f.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
            );
        }
    }
    if !r.expired.is_empty() {
        let _ = writeln!(
            out,
            "{} (at most {} allowed):",
            count(r.expired.len(), "expired acceptance", "expired acceptances"),
            r.max_expired
        );
        for f in &r.expired {
            let _ = writeln!(
                out,
                "  {} {:<8} {} ({})",
                f.reference,
                f.severity.as_str(),
                f.title,
                f.detail.as_deref().unwrap_or("")
            );
        }
    }
    match &r.review {
        ReviewState::NoBaseline if r.review_checked => {
            let _ = writeln!(
                out,
                "no baseline: the model was never signed off (`threatwright review sign FILE --reviewer NAME`)"
            );
        }
        ReviewState::Changed { baseline, changes } if r.review_checked => {
            let _ = writeln!(out, "unreviewed changes since baseline {baseline}:");
            for c in changes {
                let _ = writeln!(out, "  {:<8} {} {}", c.kind.as_str(), c.what, c.key);
            }
        }
        _ => {}
    }
    if !r.orphans.is_empty() {
        let _ = writeln!(out, "note: mitigations covering no live threat: {}", r.orphans.join(", "));
    }
    if r.passed {
        let review = match &r.review {
            ReviewState::Reviewed { baseline } => format!("unchanged since baseline {baseline}"),
            ReviewState::Changed { baseline, changes } => {
                format!("{} since baseline {baseline} (not checked)", count(changes.len(), "change", "changes"))
            }
            ReviewState::NoBaseline => "never signed off (not checked)".to_owned(),
            ReviewState::Unknown => "sign-off not checked (a YAML file has no baselines)".to_owned(),
        };
        let _ = writeln!(
            out,
            "{file}: check passed: no unhandled threats at or above {}, {} (at most {} allowed), model {review}",
            r.fail_on.as_str(),
            count(r.expired.len(), "expired acceptance", "expired acceptances"),
            r.max_expired
        );
    } else {
        let _ = writeln!(out, "{file}: check FAILED");
    }
    out
}
