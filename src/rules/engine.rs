//! The analysis: every rule over every subject it applies to, each finding ranked.
//!
//! Runs on the canonical form of the model, with rules in id order and subjects in key
//! order, so the same model always gives the same threats in the same order.

use super::attr::SubjectKind;
use super::condition::Subject;
use super::identity::{reference, threat_id};
use super::library::Library;
use super::rule::{AppliesTo, CompiledRule};
use crate::graph::paths::flow_authentication;
use crate::graph::{AttackPath, Facts};
use crate::model::props::{Authentication, TrustLevel};
use crate::model::{DataAsset, ElementRef, Item, Key, Model, Question, Target, TargetKind, Threat, ThreatStatus};
use crate::rank::{self, DataAtRisk, Exposure, Override};
use rayon::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// What an analysis found.
pub struct Analysis {
    /// Threats ranked: severity, then likelihood × impact, then rule and target.
    pub threats: Vec<Threat>,
    /// Questions for the review (rules that ask), the most consequential first.
    pub questions: Vec<Question>,
    pub attack_paths: Vec<AttackPath>,
    pub rules_version: String,
    pub rules_run: usize,
}

/// Options that come from the project: overrides of ranking by threat id.
#[derive(Default)]
pub struct Options {
    pub overrides: HashMap<Uuid, Override>,
}

/// A rule's finding before it gets a reference.
struct Finding<'m> {
    rule: &'m CompiledRule,
    subject: Subject,
}

/// Runs `library` over `model`.
pub fn analyze(model: &Model, library: &Library, options: &Options) -> Analysis {
    let canonical = model.canonical();
    let facts = Facts::new(&canonical);
    let rules: Vec<&CompiledRule> = library.rules.iter().collect();
    let (asks, findings): (Vec<Finding<'_>>, Vec<Finding<'_>>) =
        find(&facts, &rules).into_iter().partition(|f| asks(&facts, f));
    let questions = build_questions(&facts, &asks, options);
    let mut threats = build_threats(&facts, &findings, options);
    // References in (rule, target) order: stable when ranking changes.
    for (n, t) in threats.iter_mut().enumerate() {
        t.reference = reference(n as u64 + 1);
    }
    sort_ranked(&mut threats);
    Analysis {
        threats,
        questions,
        attack_paths: facts.attack_paths.clone(),
        rules_version: library.version.clone(),
        rules_run: library.rules.len(),
    }
}

/// Sorts threats for people: most severe first. References are unique, so the order is
/// total and an unstable sort (no merge buffer: a register's worth of memory) gives it.
pub fn sort_ranked(threats: &mut [Threat]) {
    threats.sort_unstable_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then((b.likelihood * b.impact).cmp(&(a.likelihood * a.impact)))
            .then(b.impact.cmp(&a.impact))
            .then(a.reference.len().cmp(&b.reference.len()))
            .then(a.reference.cmp(&b.reference))
    });
}

/// The subjects of each kind, as indices.
fn subjects(facts: &Facts<'_>, kind: SubjectKind) -> Vec<usize> {
    match kind {
        SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore => (0..facts.elements.len())
            .filter(|&i| {
                matches!(
                    (kind, facts.elements[i]),
                    (SubjectKind::ExternalEntity, ElementRef::ExternalEntity(_))
                        | (SubjectKind::Process, ElementRef::Process(_))
                        | (SubjectKind::DataStore, ElementRef::DataStore(_))
                )
            })
            .collect(),
        SubjectKind::Flow => (0..facts.model.flows.len()).filter(|&i| facts.flow(i).resolved).collect(),
        SubjectKind::Api => (0..facts.model.apis.len()).collect(),
        SubjectKind::DataAsset => (0..facts.model.data_assets.len()).collect(),
        SubjectKind::Model => vec![0],
    }
}

/// The review questions of `model`: only the rules that ask are run (what a report of a
/// stored register needs beside it).
pub fn questions(model: &Model, library: &Library) -> Vec<Question> {
    let canonical = model.canonical();
    let facts = Facts::new(&canonical);
    let rules: Vec<&CompiledRule> = library.rules.iter().filter(|r| r.rule.question.is_some()).collect();
    let asked: Vec<Finding<'_>> = find(&facts, &rules).into_iter().filter(|f| asks(&facts, f)).collect();
    build_questions(&facts, &asked, &Options::default())
}

/// Whether a finding is a question: its rule asks, and what would answer it is unstated.
fn asks(facts: &Facts<'_>, f: &Finding<'_>) -> bool {
    f.rule.unstated.as_ref().is_some_and(|c| c.eval(facts, f.subject))
}

/// Every (rule, subject) where the rule fires, in rule order then subject order. Rules
/// run in parallel; the order of the result does not depend on it.
fn find<'m>(facts: &Facts<'_>, rules: &[&'m CompiledRule]) -> Vec<Finding<'m>> {
    let by_kind: Vec<Vec<usize>> = SubjectKind::ALL.iter().map(|&k| subjects(facts, k)).collect();
    let per_rule: Vec<Vec<Finding<'m>>> = rules
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            for &kind in rule.rule.applies_to.kinds() {
                for &index in &by_kind[kind as usize] {
                    if rule.rule.applies_to == AppliesTo::BoundaryCrossing && !facts.flow(index).crosses_boundary() {
                        continue;
                    }
                    let subject = Subject { kind, index };
                    if rule.check.eval(facts, subject) {
                        out.push(Finding { rule, subject });
                    }
                }
            }
            out
        })
        .collect();
    per_rule.into_iter().flatten().collect()
}

/// Which subjects a rule fires on, as keys (for rule examples and tests).
pub fn fires_on(model: &Model, rule: &CompiledRule) -> Vec<Key> {
    let canonical = model.canonical();
    let facts = Facts::new(&canonical);
    find(&facts, &[rule]).iter().map(|f| target_of(&facts, f.subject).key).collect()
}

fn target_of(facts: &Facts<'_>, s: Subject) -> Target {
    let m = facts.model;
    match s.kind {
        SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore => {
            let e = facts.elements[s.index];
            let kind = match e {
                ElementRef::ExternalEntity(_) => TargetKind::ExternalEntity,
                ElementRef::Process(_) => TargetKind::Process,
                ElementRef::DataStore(_) => TargetKind::DataStore,
            };
            Target { kind, key: e.key().clone(), id: facts.element(s.index).id, name: e.name().to_owned() }
        }
        SubjectKind::Flow => {
            let f = &m.flows[s.index];
            Target { kind: TargetKind::Flow, key: f.key.clone(), id: f.id(), name: flow_label(facts, s.index) }
        }
        SubjectKind::Api => {
            let a = &m.apis[s.index];
            Target { kind: TargetKind::Api, key: a.key.clone(), id: a.id(), name: a.display_name().to_owned() }
        }
        SubjectKind::DataAsset => {
            let a = &m.data_assets[s.index];
            Target { kind: TargetKind::DataAsset, key: a.key.clone(), id: a.id(), name: a.display_name().to_owned() }
        }
        SubjectKind::Model => Target {
            kind: TargetKind::Model,
            key: Key::from("model"),
            id: Uuid::new_v5(&crate::model::id::NAMESPACE, b"model"),
            name: m.system.name.clone(),
        },
    }
}

/// Name of a flow end: the element's name, else the key the flow names.
fn end_name<'a>(facts: &'a Facts<'_>, index: Option<usize>, key: &'a Key) -> &'a str {
    index.map_or(key.as_str(), |e| facts.elements[e].name())
}

/// "Checkout (Web shop → Orders API)": a flow's name with its ends.
fn flow_label(facts: &Facts<'_>, i: usize) -> String {
    let f = &facts.model.flows[i];
    let ff = facts.flow(i);
    let ends = format!("{} → {}", end_name(facts, ff.from, &f.from), end_name(facts, ff.to, &f.to));
    match &f.name {
        Some(n) => format!("{n} ({ends})"),
        None => ends,
    }
}

/// Assets a finding puts at risk.
fn assets_at_risk<'m>(facts: &Facts<'m>, s: Subject) -> Vec<&'m DataAsset> {
    let one = [s.index];
    let idx: &[usize] = match s.kind {
        SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore => &facts.element(s.index).assets,
        SubjectKind::Flow => &facts.flow(s.index).assets,
        SubjectKind::Api => facts.model.apis[s.index]
            .provider
            .as_ref()
            .and_then(|k| facts.element_index(k.as_str()))
            .map_or(&[], |e| facts.element(e).assets.as_slice()),
        SubjectKind::DataAsset => &one,
        SubjectKind::Model => &[],
    };
    idx.iter().map(|&i| facts.asset(i)).collect()
}

fn element_exposure(facts: &Facts<'_>, i: usize) -> Exposure {
    let e = facts.elements[i];
    let ef = facts.element(i);
    Exposure {
        applies: !matches!(e, ElementRef::ExternalEntity(_)),
        internet_exposed: ef.internet_exposed,
        untrusted_distance: ef.reach.untrusted,
        unauthenticated: matches!(e, ElementRef::Process(p) if p.authentication == Some(Authentication::None)),
    }
}

fn exposure(facts: &Facts<'_>, s: Subject) -> Exposure {
    match s.kind {
        SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore => element_exposure(facts, s.index),
        SubjectKind::Flow => {
            let f = &facts.model.flows[s.index];
            let ff = facts.flow(s.index);
            let from = ff.from.map(|e| (facts.elements[e], facts.element(e)));
            let to = ff.to.map(|e| (facts.elements[e], facts.element(e)));
            let sender_internet = from.is_some_and(|(e, _)| {
                matches!(e, ElementRef::ExternalEntity(x)
                    if matches!(x.trust, Some(TrustLevel::Anonymous | TrustLevel::AuthenticatedUser)))
            });
            Exposure {
                applies: true,
                internet_exposed: sender_internet || from.is_some_and(|(_, ef)| ef.internet_exposed),
                untrusted_distance: from.and_then(|(_, ef)| ef.reach.untrusted),
                unauthenticated: flow_authentication(f, to.map(|(e, _)| e)) == Some(Authentication::None),
            }
        }
        SubjectKind::Api => facts.model.apis[s.index]
            .provider
            .as_ref()
            .and_then(|k| facts.element_index(k.as_str()))
            .map_or_else(Exposure::default, |e| element_exposure(facts, e)),
        SubjectKind::DataAsset | SubjectKind::Model => Exposure::default(),
    }
}

/// Fills `{target}`, `{from}`, `{to}`, `{assets}`, `{boundaries}`, `{vendor}`, `{anonymous_routes}`,
/// `{admin_routes}` in one pass (rule
/// checking guarantees no other placeholder is used).
fn render(text: &str, facts: &Facts<'_>, s: Subject, target: &Target, assets: &[&DataAsset]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let flow = (s.kind == SubjectKind::Flow).then(|| &facts.model.flows[s.index]);
        match (name, flow) {
            ("target", _) => out.push_str(&target.name),
            ("from", Some(f)) => out.push_str(end_name(facts, facts.flow(s.index).from, &f.from)),
            ("to", Some(f)) => out.push_str(end_name(facts, facts.flow(s.index).to, &f.to)),
            ("vendor", Some(f)) => {
                // The end that is a third-party vendor: the receiver, else the sender.
                let ff = facts.flow(s.index);
                let is_vendor = |e: Option<usize>| e.is_some_and(|e| facts.is_vendor(e));
                let name = if is_vendor(ff.to) || !is_vendor(ff.from) {
                    end_name(facts, ff.to, &f.to)
                } else {
                    end_name(facts, ff.from, &f.from)
                };
                out.push_str(name);
            }
            ("boundaries", Some(_)) => {
                let names: Vec<&str> = facts
                    .flow(s.index)
                    .crossed
                    .iter()
                    .map(|k| facts.boundary(k.as_str()).map_or(k.as_str(), |b| b.display_name()))
                    .collect();
                out.push_str(&if names.is_empty() { "no boundary".to_owned() } else { names.join(", ") });
            }
            ("anonymous_routes" | "admin_routes", _) => {
                let routes: Vec<&str> = match facts.elements.get(s.index) {
                    Some(ElementRef::Process(p)) if s.kind == SubjectKind::Process => p
                        .operations
                        .iter()
                        .filter(|op| if name == "admin_routes" { op.admin == Some(true) } else { op.open_to_anyone() })
                        .map(|op| op.route.as_str())
                        .collect(),
                    _ => Vec::new(),
                };
                out.push_str(&if routes.is_empty() { "none listed".to_owned() } else { routes.join(", ") });
            }
            ("assets", _) => {
                let sensitive: Vec<&str> =
                    assets.iter().filter(|a| crate::graph::facts::is_sensitive(a)).map(|a| a.display_name()).collect();
                if !sensitive.is_empty() {
                    out.push_str(&sensitive.join(", "));
                } else if !assets.is_empty() {
                    out.push_str(&assets.iter().map(|a| a.display_name()).collect::<Vec<_>>().join(", "));
                } else {
                    out.push_str("its data");
                }
            }
            _ => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    // A register holds tens of thousands of these: keep no spare capacity.
    out.shrink_to_fit();
    out
}

/// Questions from the findings of rules that ask: each ranked as the threat a "no" would
/// mean, the most severe first.
fn build_questions(facts: &Facts<'_>, findings: &[Finding<'_>], options: &Options) -> Vec<Question> {
    let mut out: Vec<Question> = build_threats(facts, findings, options)
        .into_iter()
        .zip(findings)
        .filter_map(|(t, f)| {
            let spec = f.rule.rule.question.as_ref()?;
            let assets = assets_at_risk(facts, f.subject);
            Some(Question {
                id: t.id,
                ask: render(&spec.ask, facts, f.subject, &t.target, &assets),
                why: t.description,
                owasp_api: f.rule.rule.references.owasp_api.clone(),
                answers: spec.answers.clone(),
                severity_if_not: t.severity,
                stride: t.stride,
                rule: f.rule.rule.id.clone(),
                target: t.target,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity_if_not.cmp(&a.severity_if_not).then(a.rule.cmp(&b.rule)).then(a.target.key.cmp(&b.target.key))
    });
    out
}

fn build_threats(facts: &Facts<'_>, findings: &[Finding<'_>], options: &Options) -> Vec<Threat> {
    // First attack path through each element and each flow.
    let mut path_by_element: HashMap<&str, usize> = HashMap::new();
    let mut path_by_flow: HashMap<&str, usize> = HashMap::new();
    for (pi, p) in facts.attack_paths.iter().enumerate() {
        for k in &p.elements {
            path_by_element.entry(k.as_str()).or_insert(pi);
        }
        for h in &p.hops {
            path_by_flow.entry(h.flow.as_str()).or_insert(pi);
        }
    }
    findings.par_iter().map(|f| build_one(facts, f, options, &path_by_element, &path_by_flow)).collect()
}

fn build_one(
    facts: &Facts<'_>,
    f: &Finding<'_>,
    options: &Options,
    path_by_element: &HashMap<&str, usize>,
    path_by_flow: &HashMap<&str, usize>,
) -> Threat {
    {
        let rule = &f.rule.rule;
        let target = target_of(facts, f.subject);
        let assets = assets_at_risk(facts, f.subject);
        let id = threat_id(&rule.id, &[target.id]);
        let ranking = rank::rank(
            rule.likelihood,
            rule.impact,
            rule.stride,
            &exposure(facts, f.subject),
            &DataAtRisk { assets: assets.clone() },
            options.overrides.get(&id),
        );
        let path = match f.subject.kind {
            SubjectKind::Flow => path_by_flow.get(target.key.as_str()),
            SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore => {
                path_by_element.get(target.key.as_str())
            }
            _ => None,
        }
        .map(|&pi| &facts.attack_paths[pi]);
        Threat {
            id,
            reference: String::new(),
            rule: Some(rule.id.clone()),
            title: render(&rule.title, facts, f.subject, &target, &assets),
            description: render(&rule.description, facts, f.subject, &target, &assets),
            stride: rule.stride,
            also_stride: rule.also_stride.clone(),
            likelihood: ranking.likelihood,
            impact: ranking.impact,
            severity: ranking.severity,
            rationale: ranking.rationale,
            references: f.rule.shared.references.clone(),
            controls: f.rule.shared.controls.clone(),
            mitigations: f.rule.shared.mitigations.clone(),
            attack_path: path.map(|p| p.elements.clone()).unwrap_or_default(),
            weakest_control: path.and_then(|p| {
                let h = p.hops.get(p.weakest)?;
                Some(format!(
                    "{} ({} → {}): {}",
                    h.flow,
                    h.from,
                    h.to,
                    if h.weaknesses.is_empty() { "strongest available".to_owned() } else { h.weaknesses.join(", ") }
                ))
            }),
            target,
            status: ThreatStatus::Open,
            response: Default::default(),
            previous_status: None,
            obsolete_since: None,
        }
    }
}
