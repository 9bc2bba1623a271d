//! What a report says, whatever its format: every section computed once from the model,
//! the register, the review state and the audit log, in a stable order. The format
//! writers (`pdf`, `html`, `markdown`, `sarif`, `tracker`, `json`) only lay it out.

use super::changes::changes_since;
pub use super::changes::{Changes, ThreatChange};
use super::config::{Config, Section};
use crate::lifecycle::audit::Entry;
use crate::model::{
    Item, Key, Mitigation, MitigationStatus, Model, Review, ReviewScope, RiskLevel, Stride, Threat, ThreatStatus,
    reference_order,
};
use crate::summary::Summary;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where the reported state comes from.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A project file (.twdb): the stored register, reviews, baselines, audit log.
    Project,
    /// A model YAML file: analysed when the report is made; no audit log or baselines.
    Yaml,
}

/// The latest baseline, as the report needs it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BaselineInfo {
    pub id: u64,
    pub at: String,
    pub reviewer: String,
    pub note: Option<String>,
    pub fingerprint: String,
    /// The baseline against the reported state (`workflow::baseline_diff`).
    #[serde(skip)]
    #[schemars(skip)]
    pub diff: crate::diff::Diff,
}

/// Everything a report is made from. Built by `workflow::report_input`.
pub struct Input {
    pub source_name: String,
    pub source_kind: SourceKind,
    /// The model without its register.
    pub model: Model,
    /// The whole register, obsolete threats included, ranked.
    pub threats: Vec<Threat>,
    /// Questions for the review about the model (`rules::questions`), never threats.
    pub questions: Vec<crate::model::Question>,
    pub mitigations: Vec<Mitigation>,
    pub reviews: Vec<Review>,
    /// Per threat reference: whether its sign-off still holds.
    pub signoff_holds: HashMap<String, bool>,
    pub baseline: Option<BaselineInfo>,
    /// The audit log (empty for YAML input).
    pub audit: Vec<Entry>,
    /// SHA-256 of the canonical YAML of the reported model and register.
    pub fingerprint: String,
    pub rules_version: String,
    /// The report's date (YYYY-MM-DD) and time (RFC 3339, UTC), never the wall clock:
    /// `SOURCE_DATE_EPOCH`, else the state's last recorded change.
    pub date: Option<String>,
    pub timestamp: Option<String>,
    /// Line of each item's `key:` in the model YAML (YAML input; for SARIF locations).
    pub lines: HashMap<Key, usize>,
}

/// The report's front matter.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Front {
    pub title: String,
    pub organisation: Option<String>,
    pub confidentiality: Option<String>,
    pub system: String,
    pub system_version: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub authors: Vec<String>,
    pub reviewers: Vec<String>,
    pub baseline: Option<u64>,
    pub source: String,
    pub source_kind: SourceKind,
}

/// Counts by severity × status (live threats).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Matrix {
    /// Rows: severity, highest first.
    pub severities: Vec<RiskLevel>,
    /// Columns: status.
    pub statuses: Vec<ThreatStatus>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<usize>>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Summary2 {
    pub live: usize,
    pub obsolete: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub by_status: BTreeMap<String, usize>,
    pub matrix: Matrix,
    /// Unhandled threats (open, mitigation planned, expired acceptance), worst first.
    pub top_risks: Vec<String>,
    pub unhandled: usize,
    pub accepted: usize,
    pub expired_acceptances: usize,
    /// Mitigations not yet in place whose due date has passed, and expired acceptances.
    pub past_due: Vec<PastDue>,
    pub attack_paths: usize,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PastDue {
    pub reference: String,
    pub title: String,
    /// `mitigation due` or `acceptance expired`.
    pub what: String,
    pub date: String,
}

/// One row of the register.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Row {
    pub reference: String,
    pub title: String,
    pub target: String,
    pub target_key: Key,
    pub target_kind: String,
    pub stride: Stride,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_stride: Vec<Stride>,
    pub owasp_api: Vec<String>,
    pub likelihood: u8,
    pub impact: u8,
    pub severity: RiskLevel,
    pub status: ThreatStatus,
    /// Accepted, but the acceptance has expired: counts as open.
    pub expired: bool,
    pub mitigations: Vec<String>,
    pub rule: Option<String>,
}

/// A mitigation linked to a threat, as its details show it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LinkedMitigation {
    pub reference: String,
    pub title: String,
    pub status: MitigationStatus,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Signoff {
    pub reviewer: String,
    pub at: String,
    pub note: Option<String>,
    /// False when the threat or its target changed after the sign-off.
    pub holds: bool,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct HistoryLine {
    pub seq: u64,
    pub at: String,
    pub who: String,
    pub action: String,
    pub summary: String,
}

/// One threat in full.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Detail {
    pub row: Row,
    pub description: String,
    pub rationale: Vec<String>,
    pub attack_path: Vec<String>,
    pub weakest_control: Option<String>,
    pub response: Vec<(String, String)>,
    pub mitigations: Vec<LinkedMitigation>,
    pub suggested: Vec<String>,
    pub signoffs: Vec<Signoff>,
    pub history: Vec<HistoryLine>,
    pub cwe: Vec<String>,
    pub capec: Vec<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RiskDecision {
    pub reference: String,
    pub title: String,
    pub severity: RiskLevel,
    pub status: ThreatStatus,
    pub approver: Option<String>,
    pub reason: Option<String>,
    pub expires: Option<String>,
    pub expired: bool,
    pub transferred_to: Option<String>,
    pub decided_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PlanItem {
    pub reference: String,
    pub title: String,
    pub description: String,
    pub status: MitigationStatus,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
    /// Threats it covers: (reference, severity, status).
    pub threats: Vec<(String, RiskLevel, ThreatStatus)>,
    /// Covers no live threat any more.
    pub orphan: bool,
}

/// One framework's controls touched by the register.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Framework {
    pub name: String,
    pub controls: Vec<ControlLine>,
}

#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ControlLine {
    pub control: String,
    pub title: Option<String>,
    pub threats: Vec<String>,
    pub worst: RiskLevel,
    pub unhandled: usize,
    pub mitigations: Vec<String>,
}

/// What makes the report verifiable.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Evidence {
    /// SHA-256 of the canonical YAML of the model with its register.
    pub fingerprint: String,
    /// Audit log head: sequence number and hash (project files only).
    pub audit_head: Option<(u64, String)>,
    pub audit_entries: u64,
    pub baseline: Option<u64>,
    /// Whether the reported state is exactly the latest baseline.
    pub matches_baseline: bool,
    pub rules_version: String,
    pub generator: String,
    pub timestamp: Option<String>,
    /// What the report was made of, for `verify-report` to make it again.
    pub recipe: super::recipe::Recipe,
}

/// The whole report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Report {
    pub front: Front,
    pub sections: Vec<Section>,
    pub min_severity: RiskLevel,
    pub summary: Summary2,
    #[serde(skip)]
    #[schemars(skip)]
    pub inventory: Summary,
    pub assets: Vec<AssetUse>,
    pub register: Vec<Row>,
    /// Questions for the review, the most consequential first.
    pub questions: Vec<crate::model::Question>,
    pub details: Vec<Detail>,
    pub decisions: Vec<RiskDecision>,
    pub plan: Vec<PlanItem>,
    pub compliance: Vec<Framework>,
    pub changes: Option<Changes>,
    pub evidence: Evidence,
}

/// Where a data asset is: classification, the flows that carry it, the stores that hold it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AssetUse {
    pub key: Key,
    pub name: String,
    pub classification: Option<String>,
    pub categories: Vec<String>,
    pub flows: Vec<String>,
    pub stores: Vec<String>,
}

impl Report {
    pub fn has(&self, s: Section) -> bool {
        self.sections.contains(&s)
    }
}

pub(crate) fn unhandled(t: &Threat, today: Option<&str>) -> bool {
    matches!(t.status, ThreatStatus::Open | ThreatStatus::MitigationPlanned) || expired(t, today)
}

/// Accepted with an expiry before the report date (or no readable expiry). Without a
/// report date, an acceptance is judged by its date alone and counts as expired only
/// when it has none.
pub(crate) fn expired(t: &Threat, today: Option<&str>) -> bool {
    if t.status != ThreatStatus::Accepted {
        return false;
    }
    match (t.response.expires.as_deref().and_then(crate::lifecycle::parse_date), today) {
        (None, _) => true,
        (Some(e), Some(d)) => crate::lifecycle::parse_date(d).is_some_and(|d| e < d),
        (Some(_), None) => false,
    }
}

fn overdue(due: Option<&str>, status: MitigationStatus, today: Option<&str>) -> bool {
    let done = matches!(status, MitigationStatus::Implemented | MitigationStatus::Verified);
    match (due, today) {
        (Some(due), Some(today)) if !done => due < today,
        _ => false,
    }
}

/// What the questions section says first, in every format.
pub const QUESTIONS_INTRO: &str = "The model does not state these controls. Each question is not a threat and is not \
     counted in this report's figures; answered in the model, it goes away, or — if the answer is \"no\" — it becomes \
     the threat named by its rule, ranked as shown under \"if not\".";

/// The OWASP API Security Top 10 (2023) items, named in our words (source: OWASP API
/// Security Project, <https://owasp.org/API-Security/editions/2023/en/0x11-t10/>).
pub const OWASP_API_2023: [(&str, &str); 10] = [
    ("API1:2023", "Broken object level authorization"),
    ("API2:2023", "Broken authentication"),
    ("API3:2023", "Broken object property level authorization"),
    ("API4:2023", "Unrestricted resource consumption"),
    ("API5:2023", "Broken function level authorization"),
    ("API6:2023", "Unrestricted access to sensitive business flows"),
    ("API7:2023", "Server side request forgery"),
    ("API8:2023", "Security misconfiguration"),
    ("API9:2023", "Improper inventory management"),
    ("API10:2023", "Unsafe consumption of APIs"),
];

/// Builds the report's content.
pub fn build(input: &Input, config: &Config) -> Report {
    let today = input.date.as_deref();
    let live: Vec<&Threat> = input.threats.iter().filter(|t| t.status != ThreatStatus::Obsolete).collect();
    let shown: Vec<&Threat> = live.iter().copied().filter(|t| t.severity >= config.min_severity).collect();
    let by_threat: HashMap<&str, Vec<&Mitigation>> = {
        let mut m: HashMap<&str, Vec<&Mitigation>> = HashMap::new();
        for x in &input.mitigations {
            for t in &x.threats {
                m.entry(t.as_str()).or_default().push(x);
            }
        }
        m
    };
    let row = |t: &Threat| Row {
        reference: t.reference.clone(),
        title: t.title.clone(),
        target: t.target.name.clone(),
        target_key: t.target.key.clone(),
        target_kind: t.target.kind.as_str().to_owned(),
        stride: t.stride,
        also_stride: t.also_stride.clone(),
        owasp_api: t.references.owasp_api.clone(),
        likelihood: t.likelihood,
        impact: t.impact,
        severity: t.severity,
        status: t.status,
        expired: expired(t, today),
        mitigations: by_threat
            .get(t.reference.as_str())
            .map(|ms| ms.iter().map(|m| m.reference.clone()).collect())
            .unwrap_or_default(),
        rule: t.rule.clone(),
    };

    // Summary.
    let severities = [RiskLevel::Critical, RiskLevel::High, RiskLevel::Medium, RiskLevel::Low];
    let statuses: Vec<ThreatStatus> =
        ThreatStatus::ALL.iter().copied().filter(|s| *s != ThreatStatus::Obsolete).collect();
    let cells = severities
        .iter()
        .map(|sev| {
            statuses.iter().map(|st| live.iter().filter(|t| t.severity == *sev && t.status == *st).count()).collect()
        })
        .collect();
    let mut top: Vec<&Threat> = live.iter().copied().filter(|t| unhandled(t, today)).collect();
    top.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((b.likelihood * b.impact).cmp(&(a.likelihood * a.impact)))
            .then(reference_order(&a.reference, &b.reference))
    });
    let mut past_due: Vec<PastDue> = input
        .mitigations
        .iter()
        .filter(|m| overdue(m.due.as_deref(), m.status, today))
        .map(|m| PastDue {
            reference: m.reference.clone(),
            title: m.title.clone(),
            what: "mitigation due".into(),
            date: m.due.clone().unwrap_or_default(),
        })
        .collect();
    past_due.extend(live.iter().filter(|t| expired(t, today)).map(|t| PastDue {
        reference: t.reference.clone(),
        title: t.title.clone(),
        what: "acceptance expired".into(),
        date: t.response.expires.clone().unwrap_or_else(|| "no expiry".into()),
    }));
    past_due.sort_by(|a, b| a.date.cmp(&b.date).then(reference_order(&a.reference, &b.reference)));
    let attack_paths: BTreeSet<&Vec<Key>> =
        live.iter().filter(|t| !t.attack_path.is_empty()).map(|t| &t.attack_path).collect();
    let summary = Summary2 {
        live: live.len(),
        obsolete: input.threats.len() - live.len(),
        by_severity: severities
            .iter()
            .map(|s| (s.as_str().to_owned(), live.iter().filter(|t| t.severity == *s).count()))
            .collect(),
        by_status: statuses
            .iter()
            .map(|s| (s.as_str().to_owned(), live.iter().filter(|t| t.status == *s).count()))
            .collect(),
        matrix: Matrix { severities: severities.to_vec(), statuses: statuses.clone(), cells },
        unhandled: top.len(),
        top_risks: top.iter().take(10).map(|t| t.reference.clone()).collect(),
        accepted: live.iter().filter(|t| t.status == ThreatStatus::Accepted).count(),
        expired_acceptances: live.iter().filter(|t| expired(t, today)).count(),
        past_due,
        attack_paths: attack_paths.len(),
    };

    // Details.
    let history: HashMap<&str, Vec<&Entry>> = {
        let mut h: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for e in &input.audit {
            if e.object_kind == "threat" {
                h.entry(e.object.as_str()).or_default().push(e);
            }
        }
        h
    };
    let reviews_of: HashMap<&str, Vec<&Review>> = {
        let mut h: HashMap<&str, Vec<&Review>> = HashMap::new();
        for r in &input.reviews {
            if let (ReviewScope::Threat, Some(t)) = (&r.scope, &r.threat) {
                h.entry(t.as_str()).or_default().push(r);
            }
        }
        h
    };
    let details = shown
        .iter()
        .map(|t| {
            let r = &t.response;
            let mut response = vec![("status".to_owned(), t.status.as_str().to_owned())];
            for (k, v) in [
                ("approver", &r.approver),
                ("reason", &r.reason),
                ("expires", &r.expires),
                ("transferred to", &r.transferred_to),
                ("decided by", &r.decided_by),
                ("decided at", &r.decided_at),
            ] {
                if let Some(v) = v {
                    response.push((k.to_owned(), v.clone()));
                }
            }
            if expired(t, today) {
                response.push(("note".into(), "the acceptance has expired: it counts as open".into()));
            }
            Detail {
                row: row(t),
                description: t.description.clone(),
                rationale: t.rationale.clone(),
                attack_path: t.attack_path.iter().map(|k| k.as_str().to_owned()).collect(),
                weakest_control: t.weakest_control.clone(),
                response,
                mitigations: by_threat
                    .get(t.reference.as_str())
                    .map(|ms| {
                        ms.iter()
                            .map(|m| LinkedMitigation {
                                reference: m.reference.clone(),
                                title: m.title.clone(),
                                status: m.status,
                                owner: m.owner.clone(),
                                ticket: m.ticket.clone(),
                                due: m.due.clone(),
                                overdue: overdue(m.due.as_deref(), m.status, today),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                suggested: t.mitigations.iter().map(|m| m.title.clone()).collect(),
                signoffs: reviews_of
                    .get(t.reference.as_str())
                    .map(|rs| {
                        rs.iter()
                            .map(|r| Signoff {
                                reviewer: r.reviewer.clone(),
                                at: r.at.clone(),
                                note: r.note.clone(),
                                holds: input.signoff_holds.get(&t.reference).copied().unwrap_or(false),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                history: history
                    .get(t.reference.as_str())
                    .map(|es| es.iter().map(|e| history_line(e)).collect())
                    .unwrap_or_default(),
                cwe: t.references.cwe.clone(),
                capec: t.references.capec.clone(),
            }
        })
        .collect();

    // Accepted and transferred risks.
    let decisions = live
        .iter()
        .filter(|t| matches!(t.status, ThreatStatus::Accepted | ThreatStatus::Transferred))
        .map(|t| RiskDecision {
            reference: t.reference.clone(),
            title: t.title.clone(),
            severity: t.severity,
            status: t.status,
            approver: t.response.approver.clone(),
            reason: t.response.reason.clone(),
            expires: t.response.expires.clone(),
            expired: expired(t, today),
            transferred_to: t.response.transferred_to.clone(),
            decided_by: t.response.decided_by.clone(),
        })
        .collect();

    // Mitigation plan.
    let by_ref: HashMap<&str, &Threat> = input.threats.iter().map(|t| (t.reference.as_str(), t)).collect();
    let plan = input
        .mitigations
        .iter()
        .map(|m| {
            let threats: Vec<(String, RiskLevel, ThreatStatus)> = m
                .threats
                .iter()
                .filter_map(|r| by_ref.get(r.as_str()).map(|t| (t.reference.clone(), t.severity, t.status)))
                .collect();
            PlanItem {
                reference: m.reference.clone(),
                title: m.title.clone(),
                description: m.description.clone(),
                status: m.status,
                owner: m.owner.clone(),
                ticket: m.ticket.clone(),
                due: m.due.clone(),
                overdue: overdue(m.due.as_deref(), m.status, today),
                orphan: !threats.iter().any(|(_, _, s)| *s != ThreatStatus::Obsolete),
                threats,
            }
        })
        .collect();

    // Compliance mapping.
    let compliance = compliance(&live, &by_threat, today);

    // Changes since the latest baseline, as the diff module finds them.
    let changes = input.baseline.as_ref().map(|b| changes_since(b, &input.threats));

    // Front matter.
    let mut reviewers: Vec<String> = input.reviews.iter().map(|r| r.reviewer.clone()).collect();
    reviewers.sort();
    reviewers.dedup();
    let mut authors: Vec<String> = input.model.system.owner.iter().cloned().collect();
    let mut actors: Vec<String> = input.audit.iter().map(|e| e.who.clone()).collect();
    actors.sort();
    actors.dedup();
    for a in actors {
        if !authors.contains(&a) && !reviewers.contains(&a) {
            authors.push(a);
        }
    }
    let front = Front {
        title: config.title.clone().unwrap_or_else(|| format!("Threat model: {}", input.model.system.name)),
        organisation: config.organisation.clone(),
        confidentiality: config.confidentiality.clone(),
        system: input.model.system.name.clone(),
        system_version: input.model.system.version.clone(),
        description: input.model.system.description.clone(),
        date: input.date.clone(),
        authors,
        reviewers,
        baseline: input.baseline.as_ref().map(|b| b.id),
        source: input.source_name.clone(),
        source_kind: input.source_kind.clone(),
    };
    let evidence = Evidence {
        fingerprint: input.fingerprint.clone(),
        audit_head: input.audit.last().map(|e| (e.seq, e.hash.clone())),
        audit_entries: input.audit.len() as u64,
        baseline: input.baseline.as_ref().map(|b| b.id),
        matches_baseline: input.baseline.as_ref().is_some_and(|b| b.fingerprint == input.fingerprint),
        rules_version: input.rules_version.clone(),
        generator: format!("threatwright {}", env!("CARGO_PKG_VERSION")),
        timestamp: input.timestamp.clone(),
        recipe: super::recipe::Recipe {
            fingerprint: input.fingerprint.clone(),
            head: input.audit.last().map(|e| format!("{}:{}", e.seq, e.hash)),
            timestamp: input.timestamp.clone(),
            config: config.clone(),
        },
    };

    let mut assets: Vec<AssetUse> = input
        .model
        .data_assets
        .iter()
        .map(|a| AssetUse {
            key: a.key.clone(),
            name: a.display_name().to_owned(),
            classification: a.classification.map(|c| c.to_string()),
            categories: a.categories.iter().map(|c| c.to_string()).collect(),
            flows: input
                .model
                .flows
                .iter()
                .filter(|f| f.carries.contains(&a.key))
                .map(|f| f.key.as_str().to_owned())
                .collect(),
            stores: input
                .model
                .data_stores
                .iter()
                .filter(|s| s.stores.contains(&a.key))
                .map(|s| s.key.as_str().to_owned())
                .collect(),
        })
        .collect();
    assets.sort_by(|a, b| a.key.cmp(&b.key));

    Report {
        front,
        // The questions section only when there is something to ask.
        sections: config
            .sections()
            .into_iter()
            .filter(|s| *s != Section::Questions || !input.questions.is_empty())
            .collect(),
        min_severity: config.min_severity,
        summary,
        inventory: crate::summary::summarize(&input.model),
        assets,
        register: shown.iter().map(|t| row(t)).collect(),
        questions: input.questions.clone(),
        details,
        decisions,
        plan,
        compliance,
        changes,
        evidence,
    }
}

fn history_line(e: &Entry) -> HistoryLine {
    let after: Option<serde_json::Value> = e.after.as_deref().and_then(|a| serde_json::from_str(a).ok());
    let summary = match (e.action.as_str(), &after) {
        ("threat.status", Some(v)) => {
            let status = v["status"].as_str().unwrap_or("?");
            let mut s = format!("status {status}");
            if let Some(a) = v["response"]["approver"].as_str() {
                s.push_str(&format!(", approved by {a}"));
            }
            if let Some(x) = v["response"]["expires"].as_str() {
                s.push_str(&format!(", until {x}"));
            }
            if let Some(x) = v["response"]["transferred_to"].as_str() {
                s.push_str(&format!(", to {x}"));
            }
            s
        }
        ("threat.rank", Some(v)) => format!(
            "ranking overridden: likelihood {}, impact {} ({})",
            v["likelihood"].as_u64().map_or("-".into(), |x| x.to_string()),
            v["impact"].as_u64().map_or("-".into(), |x| x.to_string()),
            v["reason"].as_str().unwrap_or("")
        ),
        ("threat.add", _) => "entered by hand".into(),
        (a, _) => a.to_owned(),
    };
    // Approvals say whether they were signed with the approver's SSH key (the signature
    // itself is checked by `log verify` and `log signatures`).
    let approval = match (e.action.as_str(), &after) {
        ("threat.status", Some(v)) => v["status"] == "accepted",
        ("review.threat" | "baseline.create", _) => true,
        _ => false,
    };
    let summary = match after.as_ref().and_then(|v| v["signature"]["key"].as_str()) {
        Some(key) => format!("{summary}; SSH-signed with key {key}"),
        None if approval => format!("{summary}; not signed"),
        None => summary,
    };
    HistoryLine { seq: e.seq, at: e.at.clone(), who: e.who.clone(), action: e.action.clone(), summary }
}

fn compliance(live: &[&Threat], by_threat: &HashMap<&str, Vec<&Mitigation>>, today: Option<&str>) -> Vec<Framework> {
    type Pick = fn(&Threat) -> &[String];
    let frameworks: [(&str, Pick); 5] = [
        ("OWASP API Security Top 10 (2023)", |t| &t.references.owasp_api),
        ("PCI DSS v4.0", |t| &t.controls.pci_dss),
        ("ISO/IEC 27001:2022 Annex A", |t| &t.controls.iso27001),
        ("SOC 2 Trust Services Criteria", |t| &t.controls.soc2),
        ("GDPR", |t| &t.controls.gdpr),
    ];
    frameworks
        .iter()
        .map(|(name, pick)| {
            let mut controls: BTreeMap<String, Vec<&Threat>> = BTreeMap::new();
            for t in live {
                for c in pick(t) {
                    controls.entry(c.clone()).or_default().push(t);
                }
            }
            let mut lines: Vec<ControlLine> = controls
                .into_iter()
                .map(|(control, ts)| {
                    let mut mitigations: Vec<String> = ts
                        .iter()
                        .flat_map(|t| by_threat.get(t.reference.as_str()).into_iter().flatten())
                        .map(|m| m.reference.clone())
                        .collect();
                    mitigations.sort_by(|a, b| reference_order(a, b));
                    mitigations.dedup();
                    let mut threats: Vec<String> = ts.iter().map(|t| t.reference.clone()).collect();
                    threats.sort_by(|a, b| reference_order(a, b));
                    ControlLine {
                        title: OWASP_API_2023.iter().find(|(id, _)| *id == control).map(|(_, t)| (*t).to_owned()),
                        worst: ts.iter().map(|t| t.severity).max().unwrap_or(RiskLevel::Low),
                        unhandled: ts.iter().filter(|t| unhandled(t, today)).count(),
                        control,
                        threats,
                        mitigations,
                    }
                })
                .collect();
            lines.sort_by(|a, b| control_order(&a.control, &b.control));
            Framework { name: (*name).to_owned(), controls: lines }
        })
        .collect()
}

/// Orders control ids the way people read them: numbers as numbers (`API2` before
/// `API10`, `8.3.1` before `10.2`).
pub fn control_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut num = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                num.push(c);
            } else {
                if !num.is_empty() || !text.is_empty() {
                    out.push((std::mem::take(&mut text), num.parse().unwrap_or(0)));
                    num.clear();
                }
                text.push(c);
            }
        }
        out.push((text, num.parse().unwrap_or(0)));
        out
    }
    parts(a).cmp(&parts(b)).then(a.cmp(b))
}

/// Keys of items in the model, for diagrams: an item's display name.
pub fn names(model: &Model) -> HashMap<Key, String> {
    let mut out = HashMap::new();
    for e in model.elements() {
        out.insert(e.key().clone(), e.name().to_owned());
    }
    for b in &model.boundaries {
        out.insert(b.key().clone(), b.display_name().to_owned());
    }
    out
}
