//! The rule format: one YAML file per rule (or a file that disables built-in rules).
//! These types are the format; `io::yaml` reads them, `check` turns a rule into a
//! [`CompiledRule`] or says precisely what is wrong with it.

use super::attr::SubjectKind;
use super::condition::{Check, CheckError, Condition, Scope};
use crate::model::{Controls, Fragment, Key, References, Stride, SuggestedMitigation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The rule format this build reads.
pub const RULE_FORMAT: u32 = 1;

/// What a rule is evaluated on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AppliesTo {
    ExternalEntity,
    Process,
    DataStore,
    /// Every element (external entities, processes, data stores).
    Element,
    Flow,
    /// Flows whose ends are in different trust boundaries.
    BoundaryCrossing,
    Api,
    DataAsset,
    /// The model as a whole (one finding at most).
    Model,
}

impl AppliesTo {
    /// The subject kinds the rule runs on.
    pub fn kinds(self) -> &'static [SubjectKind] {
        match self {
            AppliesTo::ExternalEntity => &[SubjectKind::ExternalEntity],
            AppliesTo::Process => &[SubjectKind::Process],
            AppliesTo::DataStore => &[SubjectKind::DataStore],
            AppliesTo::Element => &[SubjectKind::ExternalEntity, SubjectKind::Process, SubjectKind::DataStore],
            AppliesTo::Flow | AppliesTo::BoundaryCrossing => &[SubjectKind::Flow],
            AppliesTo::Api => &[SubjectKind::Api],
            AppliesTo::DataAsset => &[SubjectKind::DataAsset],
            AppliesTo::Model => &[SubjectKind::Model],
        }
    }

    pub(crate) fn scope(self) -> Scope {
        match self {
            AppliesTo::Element => Scope::AnyElement,
            other => Scope::One(other.kinds()[0]),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::ExternalEntity => "external-entity",
            AppliesTo::Process => "process",
            AppliesTo::DataStore => "data-store",
            AppliesTo::Element => "element",
            AppliesTo::Flow => "flow",
            AppliesTo::BoundaryCrossing => "boundary-crossing",
            AppliesTo::Api => "api",
            AppliesTo::DataAsset => "data-asset",
            AppliesTo::Model => "model",
        }
    }
}

/// One example of a rule: a small model and the item the rule must (or must not) find a
/// threat on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the example shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Key of the item the threat is about (for `model` rules: any key, it is not used).
    pub target: Key,
    pub model: Fragment,
}

/// Where a rule must fire and where it must stay silent. Both are required: a rule
/// without a silent example has never been shown not to be noise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub fires: Vec<Example>,
    pub silent: Vec<Example>,
}

/// A threat rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier, upper case with dashes (`API2-BASIC-AUTH`). Never reuse one.
    pub id: String,
    /// One line, plain text. Placeholders as in `description`.
    pub title: String,
    /// The STRIDE category its threats are filed under; it must fit what the rule
    /// applies to (external entity S, R; data store T, I, D, R; flow T, I, D).
    pub stride: Stride,
    /// Further categories the same weakness falls under (optional; same fit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_stride: Vec<Stride>,
    pub applies_to: AppliesTo,
    pub when: Condition,
    /// Plain text. Placeholders: {target}, {assets}; for flows {from}, {to},
    /// {boundaries} and {vendor} (the end that is a third-party vendor); for processes
    /// {anonymous_routes} and {admin_routes} (their `operations`).
    pub description: String,
    /// Default likelihood, 1–5, before exposure is taken into account.
    pub likelihood: u8,
    /// Default impact, 1–5, before the data involved is taken into account.
    pub impact: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<SuggestedMitigation>,
    #[serde(default)]
    pub references: References,
    #[serde(default)]
    pub controls: Controls,
    /// For people maintaining the library: how this rule relates to its neighbours (which
    /// one fires when a control is stated off, which when it is unstated; what it leaves to
    /// another rule), so that an overlap is a decision, not an accident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Why no OWASP API Security Top 10 (2023) item applies, for a rule that cites none
    /// (`references.owasp_api` empty): every built-in rule cites an item or says why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owasp_none: Option<String>,
    /// Makes the rule ask rather than assert: what it finds rests only on a control the
    /// model does not state, so each finding is a review question — listed apart, never
    /// counted as a threat — until the model states the control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<QuestionSpec>,
    pub examples: Examples,
}

/// How a rule that asks puts its question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    /// The question, plain text, same placeholders as the title ("Does {target} limit how
    /// often one caller may call it?").
    pub ask: String,
    /// The attributes whose value answers it: the target's (`rate_limited`), or, for rules
    /// about flows, a flow end's (`from.responses_validated`, `to.…`). While every one of
    /// them is unstated, a finding is a question; once one is stated and the rule still
    /// fires, it is a threat (a stated weakness), with the same identity.
    pub answers: Vec<String>,
}

impl QuestionSpec {
    /// "Every answering attribute is unstated", as a condition on the rule's subject.
    pub fn unstated(&self) -> Condition {
        Condition::All(
            self.answers
                .iter()
                .map(|a| match a.split_once('.') {
                    Some(("from", rest)) => Condition::From(Box::new(Condition::IsUnknown(rest.to_owned()))),
                    Some(("to", rest)) => Condition::To(Box::new(Condition::IsUnknown(rest.to_owned()))),
                    _ => Condition::IsUnknown(a.clone()),
                })
                .collect(),
        )
    }
}

/// A rule file: a rule, or a list of built-in rule ids to switch off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Version of the rule format. This build reads format 1.
    pub rule_format: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// Ids of rules to switch off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<String>,
}

/// The JSON Schema of rule files.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RuleFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON Schema always serializes");
    text.push('\n');
    text
}

/// A rule checked and ready to run.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    pub rule: Rule,
    pub check: Check,
    /// For a rule that asks: true on a subject whose answering attributes are all unstated.
    pub unstated: Option<Check>,
    /// The rule's references, controls and mitigations, shared by all its threats.
    pub shared: Shared,
    /// Where it came from (`models/rules/api/api2-basic-auth.yaml`, or a user path).
    pub source: String,
    pub builtin: bool,
}

/// What every threat of one rule has in common, allocated once.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    pub references: std::sync::Arc<crate::model::References>,
    pub controls: std::sync::Arc<crate::model::Controls>,
    pub mitigations: std::sync::Arc<Vec<SuggestedMitigation>>,
}

impl Shared {
    pub fn of(rule: &Rule) -> Shared {
        Shared {
            references: std::sync::Arc::new(rule.references.clone()),
            controls: std::sync::Arc::new(rule.controls.clone()),
            mitigations: std::sync::Arc::new(rule.mitigations.clone()),
        }
    }
}

const PLACEHOLDERS: [&str; 8] =
    ["target", "from", "to", "assets", "boundaries", "vendor", "anonymous_routes", "admin_routes"];

/// Checks the placeholders of a text: known, and available for what the rule applies to
/// (`{from}`, `{to}`, `{boundaries}` for flows; the route lists for processes).
fn check_placeholders(text: &str, path: &str, applies_to: AppliesTo, errors: &mut Vec<CheckError>) {
    let flow_only_ok = matches!(applies_to, AppliesTo::Flow | AppliesTo::BoundaryCrossing);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            errors.push(CheckError { path: path.into(), message: "unclosed `{` in text".into() });
            return;
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            let mut m = format!("unknown placeholder `{{{name}}}` (known: {})", PLACEHOLDERS.join(", "));
            if let Some(s) = crate::model::suggest(name, PLACEHOLDERS) {
                m.push_str(&format!("; did you mean `{{{s}}}`?"));
            }
            errors.push(CheckError { path: path.into(), message: m });
        } else if !flow_only_ok && matches!(name, "from" | "to" | "boundaries" | "vendor") {
            errors.push(CheckError {
                path: path.into(),
                message: format!("`{{{name}}}` is only available in rules about flows"),
            });
        } else if applies_to != AppliesTo::Process && name.ends_with("_routes") {
            errors.push(CheckError {
                path: path.into(),
                message: format!("`{{{name}}}` is only available in rules about processes"),
            });
        }
        rest = &after[close + 1..];
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// Checks a rule; errors carry paths inside the file (`rule.when.all[1].eq.kind`).
pub fn check(rule: &Rule, errors: &mut Vec<CheckError>) -> Option<Check> {
    let e = |errors: &mut Vec<CheckError>, path: &str, message: String| {
        errors.push(CheckError { path: path.to_owned(), message })
    };
    if !valid_id(&rule.id) {
        e(errors, "rule.id", format!("rule id `{}` must be upper-case words and digits joined by `-`", rule.id));
    }
    for (i, s) in rule.also_stride.iter().enumerate() {
        if *s == rule.stride || rule.also_stride[..i].contains(s) {
            e(errors, &format!("rule.also_stride[{i}]"), format!("`{}` is already cited", s.as_str()));
        }
    }
    if rule.title.trim().is_empty() {
        e(errors, "rule.title", "the title is empty".into());
    }
    if rule.description.trim().is_empty() {
        e(errors, "rule.description", "the description is empty".into());
    }
    for (field, v) in [("likelihood", rule.likelihood), ("impact", rule.impact)] {
        if !(1..=5).contains(&v) {
            e(errors, &format!("rule.{field}"), format!("`{field}` is {v}; it must be between 1 and 5"));
        }
    }
    check_placeholders(&rule.title, "rule.title", rule.applies_to, errors);
    check_placeholders(&rule.description, "rule.description", rule.applies_to, errors);
    if rule.examples.fires.is_empty() {
        e(errors, "rule.examples.fires", "a rule needs at least one example where it fires".into());
    }
    if rule.examples.silent.is_empty() {
        e(errors, "rule.examples.silent", "a rule needs at least one example where it stays silent".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, m) in rule.mitigations.iter().enumerate() {
        if !seen.insert(&m.id) {
            e(errors, &format!("rule.mitigations[{i}].id"), format!("mitigation id `{}` given twice", m.id));
        }
    }
    match (&rule.owasp_none, rule.references.owasp_api.is_empty()) {
        (Some(_), false) => e(
            errors,
            "rule.owasp_none",
            "the rule cites OWASP API items and says none applies: keep one of the two".into(),
        ),
        (Some(why), true) if why.trim().is_empty() => {
            e(errors, "rule.owasp_none", "say why no OWASP API Security Top 10 item applies".into())
        }
        _ => {}
    }
    for (i, item) in rule.references.owasp_api.iter().enumerate() {
        let ok = item
            .strip_prefix("API")
            .and_then(|r| r.strip_suffix(":2023"))
            .is_some_and(|n| !n.starts_with('0') && n.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n)));
        if !ok {
            e(
                errors,
                &format!("rule.references.owasp_api[{i}]"),
                format!("`{item}` is not an OWASP API Security Top 10 2023 item (API1:2023 ... API10:2023)"),
            );
        }
    }
    if let Some(q) = &rule.question {
        if q.ask.trim().is_empty() {
            e(errors, "rule.question.ask", "the question is empty".into());
        }
        check_placeholders(&q.ask, "rule.question.ask", rule.applies_to, errors);
        if q.answers.is_empty() {
            e(errors, "rule.question.answers", "name the attribute(s) whose value answers the question".into());
        }
        q.unstated().check(rule.applies_to.scope(), "rule.question.answers", errors);
    }
    let before = errors.len();
    let check = rule.when.check(rule.applies_to.scope(), "rule.when", errors);
    if errors.len() > before { None } else { check }
}
