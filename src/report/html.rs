//! The report as one self-contained HTML file: inline CSS and an inline SVG diagram, no
//! scripts, no remote resources, a Content-Security-Policy that forbids both, and a print
//! stylesheet. Every piece of user text goes through [`esc`].

use super::config::Section;
use super::content::{Report, control_order};
use super::diagram::{Diagram, Shape};
use super::method;
use crate::model::RiskLevel;
use crate::model::threat::stride_words;
use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "—".to_owned(), esc)
}

/// Severity colours, shared with the PDF (RGB 0–255).
pub fn severity_rgb(s: RiskLevel) -> (u8, u8, u8) {
    match s {
        RiskLevel::Critical => (150, 20, 30),
        RiskLevel::High => (214, 86, 20),
        RiskLevel::Medium => (214, 160, 0),
        RiskLevel::Low => (70, 130, 60),
    }
}

fn sev(s: RiskLevel) -> String {
    format!("<span class=\"sev sev-{0}\">{0}</span>", s.as_str())
}

const CSS: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1d2330;margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:28px;margin:0 0 6px}h2{font-size:21px;border-bottom:2px solid #2b4a7a;padding-bottom:4px;margin-top:36px}
h3{font-size:16px;margin:22px 0 6px}table{border-collapse:collapse;width:100%;margin:8px 0 16px}
th,td{border:1px solid #c9cfda;padding:4px 6px;text-align:left;vertical-align:top}th{background:#e8edf5}
.num{text-align:right}.muted{color:#5b6475}.label{display:inline-block;border:1px solid #96251d;color:#96251d;padding:2px 8px;font-weight:bold}
.sev{font-weight:bold}.sev-critical{color:#96141e}.sev-high{color:#d65614}.sev-medium{color:#a27900}.sev-low{color:#46823c}
.threat{border-left:4px solid #c9cfda;padding-left:12px;margin:16px 0}.flag{color:#96141e;font-weight:bold}
code,.mono{font-family:'DejaVu Sans Mono',monospace;font-size:12px;word-break:break-all}
svg{max-width:100%;height:auto;border:1px solid #c9cfda;background:#fff}nav ol{columns:2}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:bold}dd{margin:0}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-before:page}.threat,table,tr{break-inside:avoid}nav{display:none}a{color:inherit;text-decoration:none}}
";

pub fn render(r: &Report, diagram: Option<&Diagram>) -> Vec<u8> {
    let mut o = String::new();
    let f = &r.front;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" content=\"{}\">\n\
<meta name=\"threatwright-fingerprint\" content=\"{}\">\n<meta name=\"threatwright-recipe\" content=\"{}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        esc(&r.evidence.generator),
        esc(&r.evidence.fingerprint),
        esc(&r.evidence.recipe.to_line()),
        esc(&f.title),
        CSS
    );
    // Title.
    let _ = writeln!(o, "<header id=\"title\">");
    if let Some(c) = &f.confidentiality {
        let _ = writeln!(o, "<p><span class=\"label\">{}</span></p>", esc(c));
    }
    let _ = writeln!(o, "<h1>{}</h1>", esc(&f.title));
    let _ = writeln!(o, "<dl>");
    let mut fact = |k: &str, v: String| {
        let _ = writeln!(o, "<dt>{k}</dt><dd>{v}</dd>");
    };
    fact("System", esc(&f.system));
    if let Some(v) = &f.system_version {
        fact("Version", esc(v));
    }
    if let Some(b) = f.baseline {
        fact("Baseline", b.to_string());
    }
    fact("Date", esc(f.date.as_deref().unwrap_or("undated")));
    if let Some(org) = &f.organisation {
        fact("Organisation", esc(org));
    }
    if !f.authors.is_empty() {
        fact("Authors", esc(&f.authors.join(", ")));
    }
    if !f.reviewers.is_empty() {
        fact("Reviewers", esc(&f.reviewers.join(", ")));
    }
    fact("Source", esc(&f.source));
    let _ = writeln!(o, "</dl>\n</header>");

    if r.has(Section::Contents) {
        let _ = writeln!(o, "<nav><h2>Contents</h2><ol>");
        for s in r.sections.iter().filter(|s| !matches!(s, Section::Title | Section::Contents)) {
            let _ = writeln!(o, "<li><a href=\"#{}\">{}</a></li>", s.id(), s.heading());
        }
        let _ = writeln!(o, "</ol></nav>");
    }
    for s in &r.sections {
        match s {
            Section::Title | Section::Contents => {}
            Section::Summary => summary(&mut o, r),
            Section::Diagram => {
                let _ = writeln!(o, "<section id=\"diagram\"><h2>{}</h2>", s.heading());
                if let Some(d) = &f.description {
                    let _ = writeln!(o, "<p>{}</p>", esc(d));
                }
                if let Some(d) = diagram {
                    if d.overview {
                        let _ = writeln!(
                            o,
                            "<p class=\"muted\">The model has too many elements to draw one by one: each box is a trust zone (or a group of zones of the same kind), with its elements and threats counted; the inventory lists every element.</p>"
                        );
                    } else if d.auto_layout {
                        let _ = writeln!(
                            o,
                            "<p class=\"muted\">Laid out automatically (the model stores no positions).</p>"
                        );
                    }
                    o.push_str(&svg(d));
                }
                let _ = writeln!(o, "</section>");
            }
            Section::Inventory => inventory(&mut o, r),
            Section::Register => register(&mut o, r),
            Section::Questions => questions(&mut o, r),
            Section::Details => details(&mut o, r),
            Section::Decisions => decisions(&mut o, r),
            Section::Mitigations => plan(&mut o, r),
            Section::Compliance => compliance(&mut o, r),
            Section::Changes => changes(&mut o, r),
            Section::Method => method_section(&mut o, r),
        }
    }
    let _ = writeln!(o, "</body>\n</html>");
    o.into_bytes()
}

fn summary(o: &mut String, r: &Report) {
    let s = &r.summary;
    let _ = writeln!(o, "<section id=\"summary\"><h2>{}</h2>", Section::Summary.heading());
    let _ = writeln!(
        o,
        "<p><strong>{}</strong> threats: {} critical, {} high, {} medium, {} low. <strong>{}</strong> unhandled; {} accepted ({} expired); {} obsolete; {} attack paths.</p>",
        s.live,
        s.by_severity["critical"],
        s.by_severity["high"],
        s.by_severity["medium"],
        s.by_severity["low"],
        s.unhandled,
        s.accepted,
        s.expired_acceptances,
        s.obsolete,
        s.attack_paths
    );
    let m = &s.matrix;
    let _ = write!(o, "<table><thead><tr><th>severity</th>");
    for st in &m.statuses {
        let _ = write!(o, "<th class=\"num\">{}</th>", st.as_str());
    }
    let _ = writeln!(o, "<th class=\"num\">total</th></tr></thead><tbody>");
    for (i, sv) in m.severities.iter().enumerate() {
        let _ = write!(o, "<tr><td>{}</td>", sev(*sv));
        for n in &m.cells[i] {
            let _ = write!(o, "<td class=\"num\">{n}</td>");
        }
        let _ = writeln!(o, "<td class=\"num\">{}</td></tr>", m.cells[i].iter().sum::<usize>());
    }
    let _ = writeln!(o, "</tbody></table>");
    o.push_str(&matrix_chart(r));
    if !s.top_risks.is_empty() {
        let _ = writeln!(o, "<h3>Top risks</h3><ol>");
        for reference in &s.top_risks {
            if let Some(t) = r.register.iter().find(|t| &t.reference == reference) {
                let _ = writeln!(
                    o,
                    "<li><a href=\"#{0}\">{0}</a> {1} — {2} ({3})</li>",
                    esc(reference),
                    sev(t.severity),
                    esc(&t.title),
                    t.status.as_str()
                );
            } else {
                let _ = writeln!(o, "<li>{}</li>", esc(reference));
            }
        }
        let _ = writeln!(o, "</ol>");
    }
    if !s.past_due.is_empty() {
        let _ = writeln!(o, "<h3>Past due</h3><ul>");
        for p in &s.past_due {
            let _ = writeln!(
                o,
                "<li>{} {} <span class=\"flag\">{} {}</span></li>",
                esc(&p.reference),
                esc(&p.title),
                p.what,
                esc(&p.date)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</section>");
}

/// Severity × status as stacked bars (one bar per status, segments by severity).
fn matrix_chart(r: &Report) -> String {
    let m = &r.summary.matrix;
    let max = (0..m.statuses.len()).map(|c| m.cells.iter().map(|row| row[c]).sum::<usize>()).max().unwrap_or(0).max(1);
    let (w, h, left, bottom) = (640.0, 220.0, 40.0, 40.0);
    let bw = (w - left - 20.0) / m.statuses.len() as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"threats by severity and status\">\n"
    );
    for (c, st) in m.statuses.iter().enumerate() {
        let x = left + c as f64 * bw + 8.0;
        let mut y = h - bottom;
        for (row, sv) in m.severities.iter().enumerate().rev() {
            let n = m.cells[row][c];
            if n == 0 {
                continue;
            }
            let bh = n as f64 / max as f64 * (h - bottom - 20.0);
            y -= bh;
            let (cr, cg, cb) = severity_rgb(*sv);
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"rgb({cr},{cg},{cb})\"/>",
                bw - 16.0
            );
        }
        let total: usize = m.cells.iter().map(|row| row[c]).sum();
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{total}</text>",
            x + (bw - 16.0) / 2.0,
            y - 3.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x + (bw - 16.0) / 2.0,
            h - bottom + 14.0,
            st.as_str()
        );
    }
    for (i, sv) in m.severities.iter().enumerate() {
        let (cr, cg, cb) = severity_rgb(*sv);
        let x = left + i as f64 * 110.0;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"rgb({cr},{cg},{cb})\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>",
            h - 14.0,
            x + 14.0,
            h - 5.0,
            sv.as_str()
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The diagram as SVG.
pub fn svg(d: &Diagram) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0} {:.0}\" width=\"{:.0}\" height=\"{:.0}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" role=\"img\" aria-label=\"dataflow diagram\">\n\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n",
        d.width, d.height, d.width, d.height
    );
    for b in &d.boundaries {
        let r = &b.rect;
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#b3261e\">{}</text>",
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + 4.0,
            r.y + 11.0,
            esc(&b.name)
        );
    }
    for e in &d.edges {
        let pts: Vec<String> = e.points.iter().map(|p| format!("{:.1},{:.1}", p.0, p.1)).collect();
        let start = if e.bidirectional { " marker-start=\"url(#arrow)\"" } else { "" };
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\" marker-end=\"url(#arrow)\"{start}/>",
            pts.join(" ")
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#333\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
            e.label_at.0,
            e.label_at.1 - 2.0,
            esc(&e.label)
        );
    }
    for n in &d.nodes {
        let r = &n.rect;
        let shape = match n.shape {
            Shape::Entity => format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#eef2f8\" stroke=\"#2b4a7a\" stroke-width=\"1.2\"/>",
                r.x, r.y, r.w, r.h
            ),
            Shape::Process | Shape::Group => format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"12\" fill=\"#f4f8ee\" stroke=\"#3d6b2a\" stroke-width=\"1.2\"/>",
                r.x, r.y, r.w, r.h
            ),
            Shape::Store => format!(
                "<rect x=\"{0:.1}\" y=\"{1:.1}\" width=\"{2:.1}\" height=\"{3:.1}\" fill=\"#fbf6ea\" stroke=\"none\"/><line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{4:.1}\" y2=\"{1:.1}\" stroke=\"#7a5a12\" stroke-width=\"1.2\"/><line x1=\"{0:.1}\" y1=\"{5:.1}\" x2=\"{4:.1}\" y2=\"{5:.1}\" stroke=\"#7a5a12\" stroke-width=\"1.2\"/>",
                r.x,
                r.y,
                r.w,
                r.h,
                r.x + r.w,
                r.y + r.h
            ),
        };
        s.push_str(&shape);
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
            r.x + r.w / 2.0,
            r.y + r.h / 2.0,
            esc(&n.name)
        );
        if let Some(w) = n.worst {
            let (cr, cg, cb) = severity_rgb(w);
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"8\" fill=\"rgb({cr},{cg},{cb})\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#fff\">{}</text>",
                r.x + r.w - 2.0,
                r.y + 2.0,
                r.x + r.w - 2.0,
                r.y + 5.0,
                n.threats
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn inventory(o: &mut String, r: &Report) {
    let inv = &r.inventory;
    let _ = writeln!(o, "<section id=\"inventory\"><h2>{}</h2>", Section::Inventory.heading());
    let c = &inv.counts;
    let _ = writeln!(
        o,
        "<p>{} elements ({} external entities, {} processes, {} data stores), {} flows, {} boundaries, {} data assets, {} APIs.</p>",
        c.elements, c.external_entities, c.processes, c.data_stores, c.flows, c.boundaries, c.data_assets, c.apis
    );
    let _ = writeln!(o, "<h3>Elements by trust boundary</h3>");
    fn node(o: &mut String, b: &crate::summary::BoundaryNode) {
        let _ = writeln!(
            o,
            "<li><strong>{}</strong> <span class=\"muted\">{} · {}</span><ul>",
            esc(&b.name),
            esc(b.key.as_str()),
            esc(&b.detail)
        );
        for e in &b.elements {
            let _ = writeln!(
                o,
                "<li>{} <span class=\"muted\">[{}] {} · {}</span></li>",
                esc(&e.name),
                e.kind,
                esc(e.key.as_str()),
                esc(&e.detail)
            );
        }
        for c in &b.children {
            node(o, c);
        }
        let _ = writeln!(o, "</ul></li>");
    }
    let _ = writeln!(o, "<ul>");
    for b in &inv.boundaries {
        node(o, b);
    }
    if !inv.outside.is_empty() {
        let _ = writeln!(o, "<li><strong>Outside any boundary</strong><ul>");
        for e in &inv.outside {
            let _ = writeln!(
                o,
                "<li>{} <span class=\"muted\">[{}] {} · {}</span></li>",
                esc(&e.name),
                e.kind,
                esc(e.key.as_str()),
                esc(&e.detail)
            );
        }
        let _ = writeln!(o, "</ul></li>");
    }
    let _ = writeln!(o, "</ul>");
    if !inv.apis.is_empty() {
        let _ = writeln!(
            o,
            "<h3>API inventory</h3><table><thead><tr><th>API</th><th>key</th><th>facts</th></tr></thead><tbody>"
        );
        for a in &inv.apis {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                esc(&a.name),
                esc(a.key.as_str()),
                esc(&a.detail)
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    if !r.assets.is_empty() {
        let _ = writeln!(
            o,
            "<h3>Data assets</h3><table><thead><tr><th>asset</th><th>classification</th><th>categories</th><th>carried by</th><th>stored in</th></tr></thead><tbody>"
        );
        for a in &r.assets {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.name),
                opt(&a.classification),
                esc(&a.categories.join(", ")),
                esc(&a.flows.join(", ")),
                esc(&a.stores.join(", "))
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    let _ = writeln!(o, "</section>");
}

fn status_text(t: &super::content::Row) -> String {
    if t.expired { "<span class=\"flag\">accepted (expired)</span>".into() } else { t.status.as_str().to_owned() }
}

fn register(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"register\"><h2>{}</h2>", Section::Register.heading());
    if r.register.is_empty() {
        let _ = writeln!(o, "<p>No threats at or above {}.</p></section>", r.min_severity.as_str());
        return;
    }
    let _ = writeln!(
        o,
        "<table><thead><tr><th>ref</th><th>title</th><th>target</th><th>STRIDE</th><th>OWASP API</th><th>L×I</th><th>severity</th><th>status</th><th>mitigations</th></tr></thead><tbody>"
    );
    for t in &r.register {
        let _ = writeln!(
            o,
            "<tr><td><a href=\"#{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}×{6}</td><td>{7}</td><td>{8}</td><td>{9}</td></tr>",
            esc(&t.reference),
            esc(&t.title),
            esc(&t.target),
            t.stride.as_str(),
            esc(&t.owasp_api.join(", ")),
            t.likelihood,
            t.impact,
            sev(t.severity),
            status_text(t),
            esc(&t.mitigations.join(", "))
        );
    }
    let _ = writeln!(o, "</tbody></table></section>");
}

fn details(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"details\"><h2>{}</h2>", Section::Details.heading());
    for d in &r.details {
        let t = &d.row;
        let _ = writeln!(o, "<article class=\"threat\" id=\"{}\">", esc(&t.reference));
        let _ = writeln!(o, "<h3>{} — {}</h3>", esc(&t.reference), esc(&t.title));
        let _ = writeln!(
            o,
            "<p>{} · likelihood {} × impact {} · STRIDE {} · {} <strong>{}</strong> ({}) · status {}</p>",
            sev(t.severity),
            t.likelihood,
            t.impact,
            stride_words(t.stride, &t.also_stride),
            esc(&t.target_kind),
            esc(&t.target),
            esc(t.target_key.as_str()),
            status_text(t)
        );
        let _ = writeln!(o, "<p>{}</p>", esc(d.description.trim()));
        if !d.rationale.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">Ranking: {}</p>", esc(&d.rationale.join("; ")));
        }
        if !d.attack_path.is_empty() {
            let _ = writeln!(o, "<p>Attack path: {}</p>", esc(&d.attack_path.join(" → ")));
            if let Some(w) = &d.weakest_control {
                let _ = writeln!(o, "<p>Weakest control: {}</p>", esc(w));
            }
        }
        let _ = write!(o, "<dl>");
        for (k, v) in &d.response {
            let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        let _ = writeln!(o, "</dl>");
        if d.mitigations.is_empty() {
            let _ = writeln!(o, "<p>Mitigations: none linked.</p>");
        } else {
            let _ = writeln!(o, "<ul>");
            for m in &d.mitigations {
                let _ = writeln!(
                    o,
                    "<li>{} {} — {}; owner {}; ticket {}; due {}{}</li>",
                    esc(&m.reference),
                    esc(&m.title),
                    m.status.as_str(),
                    opt(&m.owner),
                    opt(&m.ticket),
                    opt(&m.due),
                    if m.overdue { " <span class=\"flag\">overdue</span>" } else { "" }
                );
            }
            let _ = writeln!(o, "</ul>");
        }
        if !d.suggested.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">Suggested: {}</p>", esc(&d.suggested.join("; ")));
        }
        for s in &d.signoffs {
            let _ = writeln!(
                o,
                "<p>Signed off by {} at {}{}</p>",
                esc(&s.reviewer),
                esc(&s.at),
                if s.holds { "" } else { " <span class=\"flag\">(no longer holds: changed since)</span>" }
            );
        }
        if !d.history.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">History:</p><ul class=\"muted\">");
            for h in &d.history {
                let _ = writeln!(o, "<li>#{} {} {}: {}</li>", h.seq, esc(&h.at), esc(&h.who), esc(&h.summary));
            }
            let _ = writeln!(o, "</ul>");
        }
        let refs: Vec<String> = t.owasp_api.iter().chain(d.cwe.iter()).chain(d.capec.iter()).cloned().collect();
        if !refs.is_empty() {
            let _ = writeln!(o, "<p class=\"muted\">References: {}</p>", esc(&refs.join(", ")));
        }
        let _ = writeln!(o, "</article>");
    }
    let _ = writeln!(o, "</section>");
}

fn questions(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"questions\"><h2>{}</h2>", Section::Questions.heading());
    let _ = writeln!(o, "<p>{}</p>", esc(super::content::QUESTIONS_INTRO));
    let _ = writeln!(
        o,
        "<table><thead><tr><th>if not</th><th>about</th><th>question</th><th>answered by</th></tr></thead><tbody>"
    );
    for q in &r.questions {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            sev(q.severity_if_not),
            esc(&q.target.name),
            esc(&q.ask),
            esc(&q.answers.join(", "))
        );
    }
    let _ = writeln!(o, "</tbody></table></section>");
}

fn decisions(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"decisions\"><h2>{}</h2>", Section::Decisions.heading());
    if r.decisions.is_empty() {
        let _ = writeln!(o, "<p>No accepted or transferred risks.</p></section>");
        return;
    }
    let _ = writeln!(
        o,
        "<table><thead><tr><th>ref</th><th>title</th><th>severity</th><th>decision</th><th>approver / to</th><th>reason</th><th>expires</th></tr></thead><tbody>"
    );
    for d in &r.decisions {
        let who = d.approver.as_ref().or(d.transferred_to.as_ref()).cloned();
        let expires = match (&d.expires, d.expired) {
            (Some(e), true) => format!("{} <span class=\"flag\">expired</span>", esc(e)),
            (Some(e), false) => esc(e),
            (None, _) => "—".into(),
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.reference),
            esc(&d.title),
            sev(d.severity),
            d.status.as_str(),
            opt(&who),
            opt(&d.reason),
            expires
        );
    }
    let _ = writeln!(o, "</tbody></table></section>");
}

fn plan(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"mitigations\"><h2>{}</h2>", Section::Mitigations.heading());
    if r.plan.is_empty() {
        let _ = writeln!(o, "<p>No mitigations recorded.</p></section>");
        return;
    }
    let _ = writeln!(
        o,
        "<table><thead><tr><th>ref</th><th>mitigation</th><th>status</th><th>owner</th><th>ticket</th><th>due</th><th>threats</th></tr></thead><tbody>"
    );
    for m in &r.plan {
        let threats = if m.orphan {
            "<span class=\"flag\">none live (orphan)</span>".to_owned()
        } else {
            m.threats.iter().map(|(t, s, _)| format!("{} ({})", esc(t), s.as_str())).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            esc(&m.reference),
            esc(&m.title),
            m.status.as_str(),
            opt(&m.owner),
            opt(&m.ticket),
            opt(&m.due),
            if m.overdue { " <span class=\"flag\">overdue</span>" } else { "" },
            threats
        );
    }
    let _ = writeln!(o, "</tbody></table></section>");
}

fn compliance(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"compliance\"><h2>{}</h2>", Section::Compliance.heading());
    let _ = writeln!(
        o,
        "<p class=\"muted\">Controls named by the rules behind the register's threats. A control listed here is touched by the threat model; it is not a statement of compliance.</p>"
    );
    for fw in &r.compliance {
        let _ = writeln!(o, "<h3>{}</h3>", esc(&fw.name));
        if fw.controls.is_empty() {
            let _ = writeln!(o, "<p>No control touched.</p>");
            continue;
        }
        let mut controls = fw.controls.clone();
        controls.sort_by(|a, b| control_order(&a.control, &b.control));
        let _ = writeln!(
            o,
            "<table><thead><tr><th>control</th><th>threats</th><th>worst</th><th>unhandled</th><th>mitigations</th></tr></thead><tbody>"
        );
        for c in &controls {
            let name = match &c.title {
                Some(t) => format!("{} {}", esc(&c.control), esc(t)),
                None => esc(&c.control),
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                name,
                esc(&c.threats.join(", ")),
                sev(c.worst),
                c.unhandled,
                esc(&c.mitigations.join(", "))
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    let _ = writeln!(o, "</section>");
}

fn changes(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"changes\"><h2>{}</h2>", Section::Changes.heading());
    match &r.changes {
        None => {
            let _ = writeln!(
                o,
                "<p>No baseline: the model has not been signed off, so there is nothing to compare with.</p>"
            );
        }
        Some(c) => {
            let _ = writeln!(
                o,
                "<p>Against baseline {} signed off by {} at {}.</p>",
                c.baseline,
                esc(&c.reviewer),
                esc(&c.baseline_at)
            );
            if c.is_empty() {
                let _ = writeln!(o, "<p>No changes since.</p>");
            } else {
                let _ = writeln!(o, "<p><strong>{}</strong></p>", esc(&c.verdict));
            }
            for (title, lines) in c.lists() {
                let _ = writeln!(o, "<h3>{title}</h3><ul>");
                for l in lines {
                    let _ = writeln!(o, "<li>{}</li>", esc(&l));
                }
                let _ = writeln!(o, "</ul>");
            }
            if !c.threats.is_empty() {
                let _ = writeln!(
                    o,
                    "<table><thead><tr><th>threat</th><th>change</th><th>title</th><th>detail</th></tr></thead><tbody>"
                );
                for t in &c.threats {
                    let _ = writeln!(
                        o,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&t.reference),
                        esc(&t.kind),
                        esc(&t.title),
                        esc(&t.detail)
                    );
                }
                let _ = writeln!(o, "</tbody></table>");
            }
        }
    }
    let _ = writeln!(o, "</section>");
}

fn method_section(o: &mut String, r: &Report) {
    let _ = writeln!(o, "<section id=\"method\"><h2>{}</h2>", Section::Method.heading());
    for p in method::paragraphs() {
        let _ = writeln!(o, "<p>{}</p>", esc(p));
    }
    let _ = writeln!(o, "<table><thead><tr><th>severity</th><th>likelihood × impact</th></tr></thead><tbody>");
    for (level, lo, hi) in crate::rank::bands::BANDS.iter().rev() {
        let _ = writeln!(o, "<tr><td>{}</td><td>{lo}–{hi}</td></tr>", sev(*level));
    }
    let _ = writeln!(o, "</tbody></table>");
    let e = &r.evidence;
    let _ = writeln!(o, "<h3>Evidence</h3><dl>");
    let _ = writeln!(o, "<dt>Model fingerprint</dt><dd class=\"mono\">{}</dd>", esc(&e.fingerprint));
    match &e.audit_head {
        Some((seq, h)) => {
            let _ = writeln!(o, "<dt>Audit log head</dt><dd class=\"mono\">entry {seq} · {}</dd>", esc(h));
        }
        None => {
            let _ = writeln!(o, "<dt>Audit log</dt><dd>none (made from a YAML file)</dd>");
        }
    }
    if let Some(b) = e.baseline {
        let _ = writeln!(
            o,
            "<dt>Baseline</dt><dd>{b}{}</dd>",
            if e.matches_baseline { " — this state is the baseline" } else { " — changed since" }
        );
    }
    let _ = writeln!(o, "<dt>Rule library</dt><dd>{}</dd>", esc(&e.rules_version));
    let _ = writeln!(o, "<dt>Generator</dt><dd>{}</dd>", esc(&e.generator));
    if let Some(t) = &e.timestamp {
        let _ = writeln!(o, "<dt>State as of</dt><dd>{}</dd>", esc(t));
    }
    let _ = writeln!(
        o,
        "</dl>\n<p class=\"muted\">Check this report against the project: <code>threatwright verify-report REPORT FILE</code>.</p></section>"
    );
}
