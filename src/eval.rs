//! Measuring the engine against what people expect: a corpus system's `expected.yaml`
//! (findings an experienced API threat modeler must see raised, and secure configurations
//! that must not be flagged) scored against the threats an analysis found. Pure functions;
//! `workflow::evaluate` reads a corpus folder and analyses each model, `threatwright eval`
//! prints the scores.
//!
//! A found threat **matches** an expected finding when it is about one of the finding's
//! targets, in one of its STRIDE categories, and cites its OWASP API Security Top 10 (2023)
//! item (`none`: no item is required). It **touches** it when only the target agrees
//! ("loose" recall, to tell a wrong category from a miss). Severity is judged on the best
//! matching threat against the finding's band. A must-not entry is **raised** when a threat
//! is about its target, in its STRIDE categories and with its OWASP item when they are
//! given. **Noise** is the share of threats that match no expected finding. An expected
//! finding that no threat matches but a review question does (same target, category and
//! item) is counted as **asked**: not found, but not silent either.

use crate::model::{Question, RiskLevel, Stride, Target, Threat, ThreatStatus};
use serde::{Deserialize, Serialize};

/// One key, or several acceptable ones.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(x) => std::slice::from_ref(x),
            OneOrMany::Many(v) => v,
        }
    }
}

/// What a corpus system's `expected.yaml` holds.
#[derive(Clone, Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Findings that must be raised.
    #[serde(default)]
    pub findings: Vec<ExpectedFinding>,
    /// Secure configurations that look risky: raising them is a false positive.
    #[serde(default)]
    pub must_not: Vec<MustNot>,
}

#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    pub id: String,
    /// Key of the element, flow, data asset or API entry where the fix belongs (or
    /// several, when more than one place is right).
    pub target: OneOrMany<String>,
    pub stride: OneOrMany<Stride>,
    /// `API1:2023` … `API10:2023`, or `none`.
    pub owasp: String,
    /// The acceptable severities.
    pub severity: OneOrMany<RiskLevel>,
    #[serde(default)]
    pub about: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MustNot {
    pub id: String,
    pub target: OneOrMany<String>,
    /// Any STRIDE category when left out.
    #[serde(default)]
    pub stride: Option<OneOrMany<Stride>>,
    #[serde(default)]
    pub owasp: Option<String>,
    #[serde(default)]
    pub about: String,
}

/// How the severity of a found finding compares with its band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Exact,
    TooHigh,
    TooLow,
}

/// One expected finding and what the analysis did with it.
#[derive(Clone, Debug, Serialize)]
pub struct FindingResult {
    pub id: String,
    pub about: String,
    /// The reference (or rule) of the best matching threat; none: missed.
    pub matched_by: Option<String>,
    /// Some threat is about its target, whatever its category.
    pub touched: bool,
    /// Not found, but the rule of a review question asks about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<RiskLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// One must-not entry that was raised, and by what.
#[derive(Clone, Debug, Serialize)]
pub struct Raised {
    pub id: String,
    pub about: String,
    /// Rules (or references) of the threats that raised it.
    pub by: Vec<String>,
}

/// The scores of one system.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Score {
    pub system: String,
    pub expected: usize,
    pub found: usize,
    pub touched: usize,
    /// Expected findings not found but asked as review questions.
    pub asked: usize,
    pub exact: usize,
    pub too_high: usize,
    pub too_low: usize,
    pub must_not: usize,
    pub raised: usize,
    pub threats: usize,
    /// Threats that match no expected finding.
    pub unmatched: usize,
    pub findings: Vec<FindingResult>,
    pub false_positives: Vec<Raised>,
    /// The rules of the unmatched threats, with how many each raised.
    pub noise_by_rule: Vec<(String, usize)>,
}

impl Score {
    /// Sums scores (the lists are left empty).
    pub fn total(scores: &[Score]) -> Score {
        let mut t = Score { system: "total".into(), ..Score::default() };
        for s in scores {
            t.expected += s.expected;
            t.found += s.found;
            t.touched += s.touched;
            t.asked += s.asked;
            t.exact += s.exact;
            t.too_high += s.too_high;
            t.too_low += s.too_low;
            t.must_not += s.must_not;
            t.raised += s.raised;
            t.threats += s.threats;
            t.unmatched += s.unmatched;
        }
        t
    }

    /// Expected findings raised, matched strictly (0–1; 1 when none are expected).
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected, 1.0)
    }

    /// Expected findings whose target drew some threat.
    pub fn loose_recall(&self) -> f64 {
        ratio(self.touched, self.expected, 1.0)
    }

    /// Found findings ranked within their band.
    pub fn severity_exact(&self) -> f64 {
        ratio(self.exact, self.found, 1.0)
    }

    /// Threats that match nothing expected.
    pub fn noise(&self) -> f64 {
        ratio(self.unmatched, self.threats, 0.0)
    }
}

fn ratio(n: usize, d: usize, empty: f64) -> f64 {
    if d == 0 { empty } else { n as f64 / d as f64 }
}

fn is_live(t: &Threat) -> bool {
    t.status != ThreatStatus::Obsolete
}

fn cites(t: &Threat, owasp: &str) -> bool {
    cites_in(&t.references.owasp_api, owasp)
}

fn about(t: &Target, targets: &[String]) -> bool {
    targets.iter().any(|k| k == t.key.as_str())
}

fn cites_in(owasp_api: &[String], owasp: &str) -> bool {
    owasp.eq_ignore_ascii_case("none") || owasp_api.iter().any(|o| o.eq_ignore_ascii_case(owasp))
}

/// How `t` names itself in results: its rule, else its reference.
fn name(t: &Threat) -> String {
    t.rule.clone().unwrap_or_else(|| t.reference.clone())
}

fn grade(s: RiskLevel, band: &[RiskLevel]) -> Grade {
    if band.contains(&s) {
        Grade::Exact
    } else if band.iter().all(|b| s > *b) {
        Grade::TooHigh
    } else {
        Grade::TooLow
    }
}

/// Scores the live threats (and the review questions) of one system against what was
/// expected.
pub fn score(system: &str, expected: &Expected, threats: &[Threat], questions: &[Question]) -> Score {
    let live: Vec<&Threat> = threats.iter().filter(|t| is_live(t)).collect();
    let mut matched = vec![false; live.len()];
    let mut s = Score {
        system: system.to_owned(),
        expected: expected.findings.len(),
        must_not: expected.must_not.len(),
        threats: live.len(),
        ..Score::default()
    };
    for f in &expected.findings {
        let (targets, strides, band) = (f.target.as_slice(), f.stride.as_slice(), f.severity.as_slice());
        let mut best: Option<(&Threat, Grade)> = None;
        for (i, t) in live.iter().enumerate() {
            if about(&t.target, targets) && t.strides().any(|x| strides.contains(&x)) && cites(t, &f.owasp) {
                matched[i] = true;
                let g = grade(t.severity, band);
                if best.is_none_or(|(_, b)| b != Grade::Exact && g == Grade::Exact) {
                    best = Some((t, g));
                }
            }
        }
        let touched = live.iter().any(|t| about(&t.target, targets));
        s.touched += usize::from(touched);
        let asked_by = if best.is_some() {
            None
        } else {
            questions
                .iter()
                .find(|q| about(&q.target, targets) && strides.contains(&q.stride) && cites_in(&q.owasp_api, &f.owasp))
                .map(|q| q.rule.clone())
        };
        s.asked += usize::from(asked_by.is_some());
        if let Some((_, g)) = best {
            s.found += 1;
            match g {
                Grade::Exact => s.exact += 1,
                Grade::TooHigh => s.too_high += 1,
                Grade::TooLow => s.too_low += 1,
            }
        }
        s.findings.push(FindingResult {
            id: f.id.clone(),
            about: f.about.clone(),
            matched_by: best.map(|(t, _)| name(t)),
            touched,
            asked_by,
            severity: best.map(|(t, _)| t.severity),
            grade: best.map(|(_, g)| g),
        });
    }
    for n in &expected.must_not {
        let by: Vec<String> = live
            .iter()
            .filter(|t| {
                about(&t.target, n.target.as_slice())
                    && n.stride.as_ref().is_none_or(|st| t.strides().any(|x| st.as_slice().contains(&x)))
                    && n.owasp.as_deref().is_none_or(|o| cites(t, o))
            })
            .map(|t| name(t))
            .collect();
        if !by.is_empty() {
            s.raised += 1;
            s.false_positives.push(Raised { id: n.id.clone(), about: n.about.clone(), by });
        }
    }
    let mut noise = std::collections::BTreeMap::<String, usize>::new();
    for (t, m) in live.iter().zip(&matched) {
        if !m {
            s.unmatched += 1;
            *noise.entry(name(t)).or_default() += 1;
        }
    }
    s.noise_by_rule = noise.into_iter().collect();
    s.noise_by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    s
}

/// Minimum scores a corpus must reach (`thresholds.yaml`): recall, severity exact and
/// noise as fractions, must-not findings as a count.
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub min_recall: f64,
    pub min_severity_exact: f64,
    pub max_noise: f64,
    pub max_must_not: usize,
}

impl Thresholds {
    /// What `total` falls short of, in words (empty: all met).
    pub fn shortfalls(&self, total: &Score) -> Vec<String> {
        let pct = |x: f64| format!("{:.1} %", x * 100.0);
        let mut out = Vec::new();
        if total.recall() < self.min_recall {
            out.push(format!("recall {} is below {}", pct(total.recall()), pct(self.min_recall)));
        }
        if total.severity_exact() < self.min_severity_exact {
            out.push(format!(
                "severity exact {} is below {}",
                pct(total.severity_exact()),
                pct(self.min_severity_exact)
            ));
        }
        if total.noise() > self.max_noise {
            out.push(format!("noise {} is above {}", pct(total.noise()), pct(self.max_noise)));
        }
        if total.raised > self.max_must_not {
            out.push(format!("{} must-not findings raised, at most {} allowed", total.raised, self.max_must_not));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(src: &str) -> Expected {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("expected.yaml");
        std::fs::write(&path, src).unwrap();
        crate::io::yaml::read_small(&path).unwrap()
    }

    #[test]
    fn matching_needs_target_stride_and_owasp_and_grades_severity() {
        let m = crate::synth::api_platform(6, 1);
        let lib = crate::io::yaml::rules::load_library(&[]).unwrap().0;
        let threats = crate::rules::analyze(&m, &lib, &Default::default()).threats;
        let t = threats.iter().find(|t| !t.references.owasp_api.is_empty()).expect("a threat citing OWASP");
        let (key, stride, owasp) = (t.target.key.as_str(), t.stride.as_str(), t.references.owasp_api[0].as_str());
        let other = if t.stride == Stride::Spoofing { "tampering" } else { "spoofing" };
        let e = expected(&format!(
            "findings:\n\
             - {{id: F1, target: {key}, stride: {stride}, owasp: '{owasp}', severity: {sev}}}\n\
             - {{id: F2, target: [nowhere, {key}], stride: [{other}], owasp: none, severity: low}}\n\
             - {{id: F3, target: nowhere, stride: spoofing, owasp: none, severity: [low, medium]}}\n\
             must_not:\n\
             - {{id: N1, target: {key}, stride: {stride}}}\n\
             - {{id: N2, target: {key}, stride: {other}}}\n",
            sev = t.severity.as_str()
        ));
        let s = score("x", &e, &threats, &[]);
        assert_eq!((s.expected, s.found, s.touched, s.exact), (3, 1, 2, 1), "{s:?}");
        assert_eq!(s.findings[0].grade, Some(Grade::Exact));
        assert_eq!(s.findings[1].matched_by, None);
        assert!(s.findings[1].touched);
        assert_eq!((s.must_not, s.raised), (2, 1));
        assert_eq!(s.false_positives[0].id, "N1");
        assert!(s.unmatched < s.threats);
        assert_eq!(grade(RiskLevel::Critical, &[RiskLevel::Medium, RiskLevel::High]), Grade::TooHigh);
        assert_eq!(grade(RiskLevel::Low, &[RiskLevel::Medium]), Grade::TooLow);
        let total = Score::total(&[s.clone(), s]);
        assert_eq!((total.expected, total.found), (6, 2));
    }
}
