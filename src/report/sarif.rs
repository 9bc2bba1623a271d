//! The register as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), so
//! that code-scanning services show threats on the model file: one result per unhandled
//! threat, one reporting rule per threat rule (with help text, tags and references),
//! locations at the line of the target element's `key:` when the input is YAML, and the
//! threat's stable id as partial fingerprint so that a threat keeps its alert across runs.

use super::content::{Input, OWASP_API_2023, Report};
use crate::model::{RiskLevel, Threat};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: RiskLevel) -> &'static str {
    match s {
        RiskLevel::Critical | RiskLevel::High => "error",
        RiskLevel::Medium => "warning",
        RiskLevel::Low => "note",
    }
}

/// GitHub's `security-severity` (0–10), from our severity band.
fn security_severity(s: RiskLevel) -> &'static str {
    match s {
        RiskLevel::Critical => "9.5",
        RiskLevel::High => "8.0",
        RiskLevel::Medium => "5.5",
        RiskLevel::Low => "2.0",
    }
}

fn owasp_url(item: &str) -> Option<String> {
    // API1:2023 -> https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
    let n: usize = item.strip_prefix("API")?.split(':').next()?.parse().ok()?;
    let (_, name) = OWASP_API_2023.get(n.checked_sub(1)?)?;
    let slug: String = name.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    Some(format!("https://owasp.org/API-Security/editions/2023/en/0xa{n:x}-{slug}/"))
}

pub fn render(r: &Report, input: &Input) -> Vec<u8> {
    let today = input.date.as_deref();
    let open: Vec<&Threat> =
        input.threats.iter().filter(|t| super::content::unhandled(t, today) && t.severity >= r.min_severity).collect();
    // One reporting rule per threat rule (hand-made threats share one).
    let mut rules: BTreeMap<String, &Threat> = BTreeMap::new();
    for t in &open {
        rules.entry(t.rule.clone().unwrap_or_else(|| "MANUAL".into())).or_insert(t);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|(id, t)| {
            let manual = t.rule.is_none();
            let mut tags = vec!["security".to_owned()];
            tags.extend(t.strides().map(|s| format!("stride/{}", s.as_str())));
            tags.extend(t.references.owasp_api.iter().map(|o| format!("owasp-api/{o}")));
            tags.extend(t.references.cwe.iter().map(|c| format!("external/cwe/{}", c.to_lowercase())));
            let mut help = String::new();
            if !manual {
                help.push_str(t.description.trim());
                help.push_str("\n\n");
            }
            if !t.mitigations.is_empty() {
                help.push_str("Suggested mitigations:\n");
                for m in t.mitigations.iter() {
                    help.push_str(&format!("- {}\n", m.title));
                }
            }
            let refs: Vec<String> = t
                .references
                .owasp_api
                .iter()
                .chain(t.references.cwe.iter())
                .chain(t.references.capec.iter())
                .cloned()
                .collect();
            if !refs.is_empty() {
                help.push_str(&format!("References: {}\n", refs.join(", ")));
            }
            let mut rule = json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": if manual { "Threat entered by hand".to_owned() } else { t.title.clone() } },
                "fullDescription": { "text": if manual { "A threat a person added to the register.".to_owned() } else { t.description.trim().to_owned() } },
                "help": { "text": if help.is_empty() { "See the threat's details in the Threatwright report.".to_owned() } else { help } },
                "defaultConfiguration": { "level": level(t.severity) },
                "properties": { "tags": tags, "precision": "medium", "security-severity": security_severity(t.severity) },
            });
            if let Some(url) = t.references.owasp_api.first().and_then(|o| owasp_url(o)) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = open
        .iter()
        .map(|t| {
            let rule_id = t.rule.clone().unwrap_or_else(|| "MANUAL".into());
            let mut location = json!({
                "logicalLocations": [{
                    "name": t.target.key.as_str(),
                    "fullyQualifiedName": format!("{}/{}", t.target.kind.as_str(), t.target.key),
                    "kind": "element",
                }],
            });
            if let Some(line) = input.lines.get(&t.target.key) {
                location["physicalLocation"] = json!({
                    "artifactLocation": { "uri": input.source_name, "index": 0 },
                    "region": { "startLine": line },
                });
            }
            let mut message = format!("{}: {} [{}, {}]", t.reference, t.title, t.severity.as_str(), t.status.as_str());
            if !t.attack_path.is_empty() {
                message.push_str(&format!(
                    " Attack path: {}.",
                    t.attack_path.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" -> ")
                ));
            }
            json!({
                "ruleId": rule_id,
                "ruleIndex": index[rule_id.as_str()],
                "level": level(t.severity),
                "message": { "text": message },
                "locations": [location],
                "partialFingerprints": { "threatwrightThreatId/v1": t.id.to_string() },
                "properties": {
                    "reference": t.reference,
                    "severity": t.severity.as_str(),
                    "likelihood": t.likelihood,
                    "impact": t.impact,
                    "status": t.status.as_str(),
                    "stride": t.stride.as_str(),
                    "security-severity": security_severity(t.severity),
                },
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "Threatwright",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_objects,
                "properties": { "ruleLibrary": input.rules_version },
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "modelFingerprint": r.evidence.fingerprint,
            "system": r.front.system,
            "threatwrightRecipe": r.evidence.recipe,
        },
    });
    if !input.lines.is_empty() {
        run["artifacts"] = json!([{ "location": { "uri": input.source_name }, "mimeType": "application/yaml" }]);
    }
    let doc = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] });
    let mut out = serde_json::to_vec_pretty(&doc).expect("serialises");
    out.push(b'\n');
    out
}
