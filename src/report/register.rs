//! The threat register in machine formats: JSON (everything) and CSV (one row per
//! threat, for spreadsheets and issue trackers).

use crate::graph::AttackPath;
use crate::model::{Model, RiskLevel, Threat, ThreatStatus};
use crate::rules::Analysis;
use serde::Serialize;

#[derive(Serialize)]
pub struct Counts {
    pub total: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub obsolete: usize,
}

pub fn counts(threats: &[Threat]) -> Counts {
    let live: Vec<&Threat> = threats.iter().filter(|t| t.status != ThreatStatus::Obsolete).collect();
    let n = |l: RiskLevel| live.iter().filter(|t| t.severity == l).count();
    Counts {
        total: live.len(),
        critical: n(RiskLevel::Critical),
        high: n(RiskLevel::High),
        medium: n(RiskLevel::Medium),
        low: n(RiskLevel::Low),
        obsolete: threats.len() - live.len(),
    }
}

#[derive(Serialize)]
pub struct RegisterJson<'a> {
    pub system: &'a str,
    pub rules_version: &'a str,
    pub rules_run: usize,
    pub counts: Counts,
    pub threats: &'a [Threat],
    /// Questions for the review: findings that rest only on controls the model does not
    /// state. Not threats, not counted.
    pub questions: &'a [crate::model::Question],
    pub attack_paths: &'a [AttackPath],
}

pub fn json<'a>(model: &'a Model, analysis: &'a Analysis) -> RegisterJson<'a> {
    RegisterJson {
        system: &model.system.name,
        rules_version: &analysis.rules_version,
        rules_run: analysis.rules_run,
        counts: counts(&analysis.threats),
        threats: &analysis.threats,
        questions: &analysis.questions,
        attack_paths: &analysis.attack_paths,
    }
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or
/// carriage return first) is prefixed with `'` so that it stays text (OWASP CSV injection).
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// One row per threat, RFC 4180 quoting, formulas defused.
pub fn csv(analysis: &Analysis) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header = [
        "reference",
        "severity",
        "likelihood",
        "impact",
        "stride",
        "status",
        "rule",
        "target_kind",
        "target",
        "target_name",
        "title",
        "description",
        "owasp_api",
        "cwe",
        "mitigations",
    ];
    // Writing to a Vec cannot fail; a failure here would be a bug in the csv crate.
    w.write_record(header).expect("in-memory CSV");
    for t in &analysis.threats {
        let mitigations: Vec<&str> = t.mitigations.iter().map(|m| m.title.as_str()).collect();
        let row = [
            t.reference.clone(),
            t.severity.as_str().to_owned(),
            t.likelihood.to_string(),
            t.impact.to_string(),
            t.stride.as_str().to_owned(),
            t.status.as_str().to_owned(),
            t.rule.clone().unwrap_or_default(),
            t.target.kind.as_str().to_owned(),
            t.target.key.to_string(),
            t.target.name.clone(),
            t.title.clone(),
            t.description.clone(),
            t.references.owasp_api.join(" "),
            t.references.cwe.join(" "),
            mitigations.join("; "),
        ];
        w.write_record(row.iter().map(|c| defuse(c))).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV of UTF-8 strings is UTF-8")
}

/// Writes the JSON register (the same document as [`json`], compact) to `w`. Threats are
/// serialized on all cores in small batches, written in order: the output is identical
/// to a sequential write, and memory stays bounded however large the register.
pub fn write_json<W: std::io::Write + ?Sized>(w: &mut W, model: &Model, analysis: &Analysis) -> std::io::Result<()> {
    use rayon::prelude::*;
    // Small batches: each thread's buffer is about BATCH × 2.5 KB, and a register of tens
    // of thousands of threats should not be held twice (as objects and as text).
    const BATCH: usize = 128;
    let head = json(model, analysis);
    // Fields in the order of `RegisterJson`, threats and paths streamed.
    write!(w, "{{\"system\":")?;
    serde_json::to_writer(&mut *w, head.system)?;
    write!(w, ",\"rules_version\":")?;
    serde_json::to_writer(&mut *w, head.rules_version)?;
    write!(w, ",\"rules_run\":{},\"counts\":", head.rules_run)?;
    serde_json::to_writer(&mut *w, &head.counts)?;
    write!(w, ",\"threats\":[")?;
    let threads = rayon::current_num_threads().max(1);
    let mut first = true;
    for group in analysis.threats.chunks(BATCH * threads) {
        let parts: Vec<Vec<u8>> = group
            .par_chunks(BATCH)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 3072);
                for (i, t) in chunk.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    serde_json::to_writer(&mut buf, t).map_err(std::io::Error::from)?;
                }
                Ok(buf)
            })
            .collect::<std::io::Result<Vec<Vec<u8>>>>()?;
        for part in parts {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            w.write_all(&part)?;
        }
    }
    write!(w, "],\"questions\":")?;
    serde_json::to_writer(&mut *w, head.questions)?;
    write!(w, ",\"attack_paths\":")?;
    serde_json::to_writer(&mut *w, head.attack_paths)?;
    w.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_are_defused() {
        for (input, want) in
            [("=1+1", "'=1+1"), ("+x", "'+x"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("ok", "ok"), ("", "")]
        {
            assert_eq!(defuse(input), want);
        }
    }
}
