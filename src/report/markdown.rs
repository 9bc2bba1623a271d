//! The report as Markdown, for wikis and pull requests: summary, register table,
//! decisions, mitigation plan, changes, evidence. User text is escaped, so a name
//! cannot break a table or inject markup.

use super::config::Section;
use super::content::Report;
use std::fmt::Write;

/// Escapes text for a Markdown paragraph or table cell: one line, no markup.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "—".to_owned(), esc)
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let f = &r.front;
    let _ = writeln!(o, "# {}\n", esc(&f.title));
    let mut facts = vec![format!("**System:** {}", esc(&f.system))];
    if let Some(v) = &f.system_version {
        facts.push(format!("**Version:** {}", esc(v)));
    }
    if let Some(b) = f.baseline {
        facts.push(format!("**Baseline:** {b}"));
    }
    facts.push(format!("**Date:** {}", f.date.as_deref().unwrap_or("undated")));
    if let Some(org) = &f.organisation {
        facts.push(format!("**Organisation:** {}", esc(org)));
    }
    if let Some(c) = &f.confidentiality {
        facts.push(format!("**Classification:** {}", esc(c)));
    }
    let _ = writeln!(o, "{}\n", facts.join(" · "));

    if r.has(Section::Summary) {
        let s = &r.summary;
        let _ = writeln!(o, "## {}\n", Section::Summary.heading());
        let _ = writeln!(
            o,
            "{} threats ({} critical, {} high, {} medium, {} low); {} unhandled, {} accepted ({} expired); {} obsolete.\n",
            s.live,
            s.by_severity["critical"],
            s.by_severity["high"],
            s.by_severity["medium"],
            s.by_severity["low"],
            s.unhandled,
            s.accepted,
            s.expired_acceptances,
            s.obsolete
        );
        let m = &s.matrix;
        let _ = writeln!(
            o,
            "| severity | {} | total |",
            m.statuses.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" | ")
        );
        let _ = writeln!(o, "|---|{}---|", "---:|".repeat(m.statuses.len()));
        for (i, sev) in m.severities.iter().enumerate() {
            let row = &m.cells[i];
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                sev.as_str(),
                row.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" | "),
                row.iter().sum::<usize>()
            );
        }
        if !s.top_risks.is_empty() {
            let _ = writeln!(o, "\n**Top risks:** {}", s.top_risks.join(", "));
        }
        if !s.past_due.is_empty() {
            let _ = writeln!(o, "\n**Past due:**\n");
            for p in &s.past_due {
                let _ = writeln!(o, "- {} {} ({} {})", p.reference, esc(&p.title), p.what, esc(&p.date));
            }
        }
        o.push('\n');
    }

    if r.has(Section::Register) {
        let _ = writeln!(o, "## {}\n", Section::Register.heading());
        if r.register.is_empty() {
            let _ = writeln!(o, "No threats at or above {}.\n", r.min_severity.as_str());
        } else {
            let _ =
                writeln!(o, "| ref | severity | L×I | STRIDE | title | target | OWASP API | status | mitigations |");
            let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
            for t in &r.register {
                let status = if t.expired { "accepted (expired)".to_owned() } else { t.status.as_str().to_owned() };
                let _ = writeln!(
                    o,
                    "| {} | {} | {}×{} | {} | {} | {} | {} | {} | {} |",
                    t.reference,
                    t.severity.as_str(),
                    t.likelihood,
                    t.impact,
                    t.stride.as_str(),
                    esc(&t.title),
                    esc(&t.target),
                    t.owasp_api.join(", "),
                    status,
                    t.mitigations.join(", ")
                );
            }
            o.push('\n');
        }
    }

    if r.has(Section::Questions) {
        let _ = writeln!(o, "## {}\n\n{}\n", Section::Questions.heading(), super::content::QUESTIONS_INTRO);
        let _ = writeln!(o, "| if not | about | question | answered by |");
        let _ = writeln!(o, "|---|---|---|---|");
        for q in &r.questions {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                q.severity_if_not.as_str(),
                esc(&q.target.name),
                esc(&q.ask),
                esc(&q.answers.join(", "))
            );
        }
        o.push('\n');
    }

    if r.has(Section::Decisions) && !r.decisions.is_empty() {
        let _ = writeln!(o, "## {}\n", Section::Decisions.heading());
        let _ = writeln!(o, "| ref | severity | decision | approver / to | reason | expires |");
        let _ = writeln!(o, "|---|---|---|---|---|---|");
        for d in &r.decisions {
            let who = d.approver.as_ref().or(d.transferred_to.as_ref()).cloned();
            let expires = match (&d.expires, d.expired) {
                (Some(e), true) => format!("{} **(expired)**", esc(e)),
                (Some(e), false) => esc(e),
                (None, _) => "—".into(),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                d.reference,
                d.severity.as_str(),
                d.status.as_str(),
                opt(&who),
                opt(&d.reason),
                expires
            );
        }
        o.push('\n');
    }

    if r.has(Section::Mitigations) && !r.plan.is_empty() {
        let _ = writeln!(o, "## {}\n", Section::Mitigations.heading());
        let _ = writeln!(o, "| ref | mitigation | status | owner | ticket | due | threats |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|");
        for m in &r.plan {
            let due = match (&m.due, m.overdue) {
                (Some(d), true) => format!("{} **(overdue)**", esc(d)),
                (Some(d), false) => esc(d),
                (None, _) => "—".into(),
            };
            let threats = if m.orphan {
                "none live (orphan)".to_owned()
            } else {
                m.threats.iter().map(|(r, _, _)| r.as_str()).collect::<Vec<_>>().join(", ")
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                m.reference,
                esc(&m.title),
                m.status.as_str(),
                opt(&m.owner),
                opt(&m.ticket),
                due,
                threats
            );
        }
        o.push('\n');
    }

    if r.has(Section::Changes)
        && let Some(c) = &r.changes
    {
        let _ = writeln!(o, "## {}\n", Section::Changes.heading());
        let _ = writeln!(o, "Baseline {} signed off by {} at {}.\n", c.baseline, esc(&c.reviewer), c.baseline_at);
        if c.is_empty() {
            let _ = writeln!(o, "No changes.\n");
        } else {
            let _ = writeln!(o, "**{}**\n", esc(&c.verdict));
        }
        for (title, lines) in c.lists() {
            let _ = writeln!(o, "### {title}\n");
            for l in lines {
                let _ = writeln!(o, "- {}", esc(&l));
            }
            o.push('\n');
        }
        if !c.threats.is_empty() {
            let _ = writeln!(o, "### Threats\n");
            for t in &c.threats {
                let _ = writeln!(o, "- {} {}: {} ({})", t.reference, t.kind, esc(&t.title), esc(&t.detail));
            }
            o.push('\n');
        }
    }

    if r.has(Section::Method) {
        let e = &r.evidence;
        let _ = writeln!(o, "## Evidence\n");
        let _ = writeln!(o, "- Model fingerprint (SHA-256 of the canonical model and register): `{}`", e.fingerprint);
        match &e.audit_head {
            Some((seq, h)) => {
                let _ = writeln!(o, "- Audit log head: entry {seq}, `{h}`");
            }
            None => {
                let _ = writeln!(o, "- Audit log: none (report made from a YAML file)");
            }
        }
        if let Some(b) = e.baseline {
            let _ = writeln!(
                o,
                "- Baseline: {b}{}",
                if e.matches_baseline { " (this state is the baseline)" } else { " (changed since)" }
            );
        }
        let _ = writeln!(o, "- Rule library: {}", e.rules_version);
        let _ = writeln!(o, "- Generator: {}", e.generator);
    }
    // What the report was made of, for `threatwright verify-report` (not shown when rendered).
    let _ = writeln!(o, "\n<!-- {}{} -->", super::recipe::TAG, r.evidence.recipe.to_line());
    o
}
