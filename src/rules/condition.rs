//! Conditions: the `when` of a rule, a structured predicate over a subject's attributes
//! and its place in the graph. Written in YAML, checked once when the rule is loaded
//! (unknown attribute, wrong value, empty `all`/`any` are refused with a suggestion),
//! then evaluated without any lookups by name.
//!
//! Comparisons need a stated value: `eq: {authentication: basic}` is false when
//! authentication is not stated, and so is `ne`. `not` is plain negation, so
//! `not: {eq: {authentication: oauth2}}` is true when it is not stated. `is_unknown`
//! asks for "not stated" directly.

use super::attr::{self, AttrType, SubjectKind, Val};
use crate::graph::{AssetFilter, Facts};
use crate::model::props::{BoundaryKind, BoundaryTrust, TrustLevel};
use crate::model::{ElementRef, suggest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value written in a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Num(u64),
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Num(n) => write!(f, "{n}"),
            Scalar::Str(s) => write!(f, "{s}"),
        }
    }
}

/// Who an element must be reachable from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// An entity with trust `anonymous`.
    Anonymous,
    /// Any untrusted entity (anonymous, authenticated user, partner, vendor, unstated).
    Untrusted,
    AuthenticatedUser,
    Partner,
    ThirdPartyVendor,
    Operator,
}

/// Which boundaries count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundaryFilter {
    /// The boundary's kind is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Vec<BoundaryKind>>,
    /// The boundary's trust is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Vec<BoundaryTrust>>,
}

/// A condition. Exactly one key per mapping; lists under `all`/`any`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold (true when the attribute is not stated).
    Not(Box<Condition>),
    /// Each named attribute is stated and equal to the value.
    Eq(BTreeMap<String, Scalar>),
    /// Each named attribute is stated and different from the value.
    Ne(BTreeMap<String, Scalar>),
    /// Each named attribute is stated and one of the values.
    In(BTreeMap<String, Vec<Scalar>>),
    /// Each named attribute is stated and none of the values.
    NotIn(BTreeMap<String, Vec<Scalar>>),
    /// Each named set attribute is stated and contains the value.
    Contains(BTreeMap<String, Scalar>),
    /// Each named set attribute is stated and contains at least one of the values.
    ContainsAny(BTreeMap<String, Vec<Scalar>>),
    /// Each named number attribute is stated and less than the value.
    Lt(BTreeMap<String, u64>),
    /// Stated and at most the value.
    Le(BTreeMap<String, u64>),
    /// Stated and greater than the value.
    Gt(BTreeMap<String, u64>),
    /// Stated and at least the value.
    Ge(BTreeMap<String, u64>),
    /// The attribute is not stated.
    IsUnknown(String),
    /// The attribute is stated.
    IsKnown(String),
    /// (Elements) reachable through flows from an entity of this kind.
    ReachableFrom(From),
    /// (Elements, flows) sees a matching data asset: carried by its flows or stored.
    SeesAsset(AssetFilter),
    /// (Elements) it receives a matching data asset: carried by a flow into it, or
    /// returned on a flow out of it.
    ReceivesAsset(AssetFilter),
    /// (Elements) it sends a matching data asset: carried by a flow out of it, or
    /// returned on a flow into it.
    SendsAsset(AssetFilter),
    /// (Data stores) holds a matching data asset.
    StoresAsset(AssetFilter),
    /// (Elements) inside a boundary (at any depth) matching the filter.
    InBoundary(BoundaryFilter),
    /// (Flows) the sending element satisfies the condition.
    From(Box<Condition>),
    /// (Flows) the receiving element satisfies the condition.
    To(Box<Condition>),
    /// (Elements) it sends data to an element that satisfies the condition.
    SendsTo(Box<Condition>),
    /// (Elements) it receives data from an element that satisfies the condition.
    ReceivesFrom(Box<Condition>),
    /// (Elements) it exchanges data, either way, with an element that satisfies it.
    Counterpart(Box<Condition>),
    /// (APIs) the element that serves it satisfies the condition.
    Provider(Box<Condition>),
    /// (Data assets) an element that carries or stores it satisfies the condition.
    ReachesElement(Box<Condition>),
}

/// What a condition is evaluated on: a subject of one kind, or any element (inside
/// `from`, `to`, `sends_to`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    One(SubjectKind),
    AnyElement,
}

impl Scope {
    fn label(self) -> &'static str {
        match self {
            Scope::One(k) => k.label(),
            Scope::AnyElement => "element",
        }
    }

    fn is_element(self) -> bool {
        matches!(
            self,
            Scope::AnyElement | Scope::One(SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore)
        )
    }

    /// The attribute tables this scope may use.
    fn kinds(self) -> &'static [SubjectKind] {
        match self {
            Scope::AnyElement => &[SubjectKind::ExternalEntity, SubjectKind::Process, SubjectKind::DataStore],
            Scope::One(k) => match k {
                SubjectKind::ExternalEntity => &[SubjectKind::ExternalEntity],
                SubjectKind::Process => &[SubjectKind::Process],
                SubjectKind::DataStore => &[SubjectKind::DataStore],
                SubjectKind::Flow => &[SubjectKind::Flow],
                SubjectKind::Api => &[SubjectKind::Api],
                SubjectKind::DataAsset => &[SubjectKind::DataAsset],
                SubjectKind::Model => &[SubjectKind::Model],
            },
        }
    }
}

/// A problem in a condition, at a path inside the rule (`when.all[2].eq.authentication`).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckError {
    pub path: String,
    pub message: String,
}

/// An attribute resolved for each subject kind it exists on.
#[derive(Clone, Copy, Debug)]
pub struct AttrRef([Option<u16>; 7]);

impl AttrRef {
    fn get<'a>(&self, facts: &'a Facts<'_>, kind: SubjectKind, i: usize) -> Val<'a> {
        match self.0[kind as usize] {
            Some(a) => (kind.attr(a as usize).get)(facts, i),
            None => Val::Unknown, // an element kind without this attribute
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    In,
    NotIn,
    Contains,
    ContainsAny,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug)]
pub enum Want {
    Bool(bool),
    Num(u64),
    /// Words (for vocabulary attributes, always valid words of it).
    Words(Vec<String>),
}

/// A checked condition, ready to evaluate.
#[derive(Clone, Debug)]
pub enum Check {
    All(Vec<Check>),
    Any(Vec<Check>),
    Not(Box<Check>),
    Cmp { attr: AttrRef, op: Op, want: Want },
    Known { attr: AttrRef, known: bool },
    ReachableFrom(From),
    Asset { filter: AssetFilter, which: AssetSide },
    InBoundary(BoundaryFilter),
    Element { side: Side, check: Box<Check> },
    Provider(Box<Check>),
    ReachesElement(Box<Check>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetSide {
    Seen,
    Received,
    Sent,
    Stored,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    From,
    To,
    SendsTo,
    ReceivesFrom,
    Counterpart,
}

/// The subject a check runs on.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    pub kind: SubjectKind,
    pub index: usize,
}

fn element_subject(facts: &Facts<'_>, i: usize) -> Subject {
    let kind = match facts.elements[i] {
        ElementRef::ExternalEntity(_) => SubjectKind::ExternalEntity,
        ElementRef::Process(_) => SubjectKind::Process,
        ElementRef::DataStore(_) => SubjectKind::DataStore,
    };
    Subject { kind, index: i }
}

// ---------------------------------------------------------------- checking

impl Condition {
    /// Checks the condition for a subject scope; `path` is where it sits in the rule.
    pub fn check(&self, scope: Scope, path: &str, errors: &mut Vec<CheckError>) -> Option<Check> {
        let err = |errors: &mut Vec<CheckError>, p: String, m: String| {
            errors.push(CheckError { path: p, message: m });
            None
        };
        match self {
            Condition::All(cs) | Condition::Any(cs) => {
                let word = if matches!(self, Condition::All(_)) { "all" } else { "any" };
                if cs.is_empty() {
                    return err(errors, format!("{path}.{word}"), format!("`{word}` needs at least one condition"));
                }
                let checked: Vec<Option<Check>> = cs
                    .iter()
                    .enumerate()
                    .map(|(i, c)| c.check(scope, &format!("{path}.{word}[{i}]"), errors))
                    .collect();
                let checked: Option<Vec<Check>> = checked.into_iter().collect();
                checked.map(|v| if word == "all" { Check::All(v) } else { Check::Any(v) })
            }
            Condition::Not(c) => c.check(scope, &format!("{path}.not"), errors).map(|c| Check::Not(Box::new(c))),
            Condition::Eq(m) => {
                cmp_each(scope, path, "eq", Op::Eq, m.iter().map(|(k, v)| (k, vec![v.clone()])), errors)
            }
            Condition::Ne(m) => {
                cmp_each(scope, path, "ne", Op::Ne, m.iter().map(|(k, v)| (k, vec![v.clone()])), errors)
            }
            Condition::In(m) => cmp_each(scope, path, "in", Op::In, m.iter().map(|(k, v)| (k, v.clone())), errors),
            Condition::NotIn(m) => {
                cmp_each(scope, path, "not_in", Op::NotIn, m.iter().map(|(k, v)| (k, v.clone())), errors)
            }
            Condition::Contains(m) => {
                cmp_each(scope, path, "contains", Op::Contains, m.iter().map(|(k, v)| (k, vec![v.clone()])), errors)
            }
            Condition::ContainsAny(m) => {
                cmp_each(scope, path, "contains_any", Op::ContainsAny, m.iter().map(|(k, v)| (k, v.clone())), errors)
            }
            Condition::Lt(m) => num_each(scope, path, "lt", Op::Lt, m, errors),
            Condition::Le(m) => num_each(scope, path, "le", Op::Le, m, errors),
            Condition::Gt(m) => num_each(scope, path, "gt", Op::Gt, m, errors),
            Condition::Ge(m) => num_each(scope, path, "ge", Op::Ge, m, errors),
            Condition::IsUnknown(name) | Condition::IsKnown(name) => {
                let word = if matches!(self, Condition::IsUnknown(_)) { "is_unknown" } else { "is_known" };
                let (attr, _) = resolve(scope, name, &format!("{path}.{word}"), errors)?;
                Some(Check::Known { attr, known: word == "is_known" })
            }
            Condition::ReachableFrom(f) => {
                require_element(scope, path, "reachable_from", errors)?;
                Some(Check::ReachableFrom(*f))
            }
            Condition::SeesAsset(filter) => {
                if !(scope.is_element() || scope == Scope::One(SubjectKind::Flow)) {
                    return err(
                        errors,
                        format!("{path}.sees_asset"),
                        format!("`sees_asset` applies to elements and flows, not to a {}", scope.label()),
                    );
                }
                Some(Check::Asset { filter: filter.clone(), which: AssetSide::Seen })
            }
            Condition::ReceivesAsset(filter) => {
                require_element(scope, path, "receives_asset", errors)?;
                Some(Check::Asset { filter: filter.clone(), which: AssetSide::Received })
            }
            Condition::SendsAsset(filter) => {
                require_element(scope, path, "sends_asset", errors)?;
                Some(Check::Asset { filter: filter.clone(), which: AssetSide::Sent })
            }
            Condition::StoresAsset(filter) => {
                require_element(scope, path, "stores_asset", errors)?;
                Some(Check::Asset { filter: filter.clone(), which: AssetSide::Stored })
            }
            Condition::InBoundary(filter) => {
                require_element(scope, path, "in_boundary", errors)?;
                Some(Check::InBoundary(filter.clone()))
            }
            Condition::From(c) | Condition::To(c) => {
                let (word, side) =
                    if matches!(self, Condition::From(_)) { ("from", Side::From) } else { ("to", Side::To) };
                if scope != Scope::One(SubjectKind::Flow) {
                    return err(
                        errors,
                        format!("{path}.{word}"),
                        format!("`{word}` applies to flows, not to a {}", scope.label()),
                    );
                }
                let inner = c.check(Scope::AnyElement, &format!("{path}.{word}"), errors)?;
                Some(Check::Element { side, check: Box::new(inner) })
            }
            Condition::SendsTo(c) | Condition::ReceivesFrom(c) | Condition::Counterpart(c) => {
                let (word, side) = match self {
                    Condition::SendsTo(_) => ("sends_to", Side::SendsTo),
                    Condition::ReceivesFrom(_) => ("receives_from", Side::ReceivesFrom),
                    _ => ("counterpart", Side::Counterpart),
                };
                require_element(scope, path, word, errors)?;
                let inner = c.check(Scope::AnyElement, &format!("{path}.{word}"), errors)?;
                Some(Check::Element { side, check: Box::new(inner) })
            }
            Condition::Provider(c) => {
                if scope != Scope::One(SubjectKind::Api) {
                    return err(
                        errors,
                        format!("{path}.provider"),
                        format!("`provider` applies to APIs, not to a {}", scope.label()),
                    );
                }
                let inner = c.check(Scope::AnyElement, &format!("{path}.provider"), errors)?;
                Some(Check::Provider(Box::new(inner)))
            }
            Condition::ReachesElement(c) => {
                if scope != Scope::One(SubjectKind::DataAsset) {
                    return err(
                        errors,
                        format!("{path}.reaches_element"),
                        format!("`reaches_element` applies to data assets, not to a {}", scope.label()),
                    );
                }
                let inner = c.check(Scope::AnyElement, &format!("{path}.reaches_element"), errors)?;
                Some(Check::ReachesElement(Box::new(inner)))
            }
        }
    }
}

fn require_element(scope: Scope, path: &str, word: &str, errors: &mut Vec<CheckError>) -> Option<()> {
    if scope.is_element() {
        Some(())
    } else {
        errors.push(CheckError {
            path: format!("{path}.{word}"),
            message: format!("`{word}` applies to elements, not to a {}", scope.label()),
        });
        None
    }
}

/// Resolves an attribute name in a scope: its index in each table, and its type (the
/// first table's; element tables agree where they share a name, except `kind`, whose
/// vocabularies are merged).
fn resolve(scope: Scope, name: &str, path: &str, errors: &mut Vec<CheckError>) -> Option<(AttrRef, Vec<AttrType>)> {
    let mut r = AttrRef([None; 7]);
    let mut types = Vec::new();
    for &k in scope.kinds() {
        if let Some((i, a)) = attr::find(k, name) {
            r.0[k as usize] = Some(i as u16);
            types.push(a.ty);
        }
    }
    if types.is_empty() {
        let mut names: Vec<&str> = scope.kinds().iter().flat_map(|k| k.attrs().map(|a| a.name)).collect();
        names.sort_unstable();
        names.dedup();
        let mut message = format!("a {} has no attribute `{name}`", scope.label());
        if let Some(s) = suggest(name, names.iter().copied()) {
            message.push_str(&format!("; did you mean `{s}`?"));
        }
        errors.push(CheckError { path: path.to_owned(), message });
        return None;
    }
    Some((r, types))
}

fn value_ok(ty: AttrType, op: Op, v: &Scalar) -> Result<(), String> {
    let set_op = matches!(op, Op::Contains | Op::ContainsAny);
    match (ty, v) {
        (AttrType::Bool, Scalar::Bool(_)) if !set_op => Ok(()),
        (AttrType::Num, Scalar::Num(_)) if !set_op => Ok(()),
        (AttrType::Text, Scalar::Str(_)) if !set_op => Ok(()),
        (AttrType::Word(words), Scalar::Str(s)) if !set_op => {
            if words.contains(&s.as_str()) {
                Ok(())
            } else {
                Err(unknown_word(s, words))
            }
        }
        (AttrType::Words(words), Scalar::Str(s)) if set_op => {
            if words.contains(&s.as_str()) {
                Ok(())
            } else {
                Err(unknown_word(s, words))
            }
        }
        (AttrType::Tags, Scalar::Str(_)) if set_op => Ok(()),
        (AttrType::Words(_) | AttrType::Tags, _) => {
            Err("is a set: compare it with `contains` or `contains_any`".to_owned())
        }
        (_, _) if set_op => Err("is not a set: `contains` works on sets only".to_owned()),
        (ty, v) => Err(format!("takes {}, not `{v}`", ty.describe())),
    }
}

fn unknown_word(s: &str, words: &[&str]) -> String {
    let mut m = format!("has no value `{s}` (it takes one of {})", words.join(", "));
    if let Some(best) = suggest(s, words.iter().copied()) {
        m.push_str(&format!("; did you mean `{best}`?"));
    }
    m
}

fn cmp_each<'a>(
    scope: Scope,
    path: &str,
    word: &str,
    op: Op,
    entries: impl Iterator<Item = (&'a String, Vec<Scalar>)>,
    errors: &mut Vec<CheckError>,
) -> Option<Check> {
    let mut checks = Vec::new();
    let mut ok = true;
    let mut any = false;
    for (name, values) in entries {
        any = true;
        let p = format!("{path}.{word}.{name}");
        let Some((attr, types)) = resolve(scope, name, &p, errors) else {
            ok = false;
            continue;
        };
        if values.is_empty() {
            errors.push(CheckError { path: p, message: format!("`{word}` needs at least one value") });
            ok = false;
            continue;
        }
        for v in &values {
            // Valid for at least one table that has the attribute.
            let results: Vec<Result<(), String>> = types.iter().map(|ty| value_ok(*ty, op, v)).collect();
            if !results.iter().any(Result::is_ok) {
                let why = results.into_iter().find_map(Result::err).unwrap_or_default();
                errors.push(CheckError { path: p.clone(), message: format!("`{name}` {why}") });
                ok = false;
            }
        }
        let want = match &values[0] {
            Scalar::Bool(b) => Want::Bool(*b),
            Scalar::Num(n) => Want::Num(*n),
            Scalar::Str(_) => Want::Words(values.iter().map(|v| v.to_string()).collect()),
        };
        checks.push(Check::Cmp { attr, op, want });
    }
    if !any {
        errors.push(CheckError { path: format!("{path}.{word}"), message: format!("`{word}` names no attribute") });
        return None;
    }
    if !ok {
        return None;
    }
    Some(if checks.len() == 1 { checks.remove(0) } else { Check::All(checks) })
}

fn num_each(
    scope: Scope,
    path: &str,
    word: &str,
    op: Op,
    m: &BTreeMap<String, u64>,
    errors: &mut Vec<CheckError>,
) -> Option<Check> {
    let entries: Vec<(&String, Vec<Scalar>)> = m.iter().map(|(k, v)| (k, vec![Scalar::Num(*v)])).collect();
    cmp_each(scope, path, word, op, entries.into_iter(), errors)
}

// ---------------------------------------------------------------- evaluation

impl Check {
    pub fn eval(&self, facts: &Facts<'_>, s: Subject) -> bool {
        match self {
            Check::All(cs) => cs.iter().all(|c| c.eval(facts, s)),
            Check::Any(cs) => cs.iter().any(|c| c.eval(facts, s)),
            Check::Not(c) => !c.eval(facts, s),
            Check::Known { attr, known } => (attr.get(facts, s.kind, s.index) != Val::Unknown) == *known,
            Check::Cmp { attr, op, want } => compare(&attr.get(facts, s.kind, s.index), *op, want),
            Check::ReachableFrom(from) => {
                let Some(i) = element_index(s) else { return false };
                let reach = &facts.element(i).reach;
                match from {
                    From::Anonymous => reach.anonymous.is_some(),
                    From::Untrusted => reach.untrusted.is_some(),
                    From::AuthenticatedUser => reach.from_level(TrustLevel::AuthenticatedUser).is_some(),
                    From::Partner => reach.from_level(TrustLevel::Partner).is_some(),
                    From::ThirdPartyVendor => reach.from_level(TrustLevel::ThirdPartyVendor).is_some(),
                    From::Operator => reach.from_level(TrustLevel::Operator).is_some(),
                }
            }
            Check::Asset { filter, which } => {
                let model = facts.model;
                let matches = |list: &[usize]| list.iter().any(|&a| filter.matches(&model.data_assets[a]));
                if s.kind == SubjectKind::Flow {
                    return matches(&facts.flow(s.index).assets);
                }
                let Some(i) = element_index(s) else { return false };
                let ef = facts.element(i);
                match which {
                    AssetSide::Seen => matches(&ef.assets),
                    AssetSide::Stored => matches(&ef.stored),
                    AssetSide::Received => {
                        ef.flows_in.iter().any(|&f| matches(facts.flow(f).to_receives()))
                            || ef.flows_out.iter().any(|&f| matches(facts.flow(f).from_receives()))
                    }
                    AssetSide::Sent => {
                        ef.flows_out.iter().any(|&f| matches(facts.flow(f).to_receives()))
                            || ef.flows_in.iter().any(|&f| matches(facts.flow(f).from_receives()))
                    }
                }
            }
            Check::InBoundary(filter) => {
                let Some(i) = element_index(s) else { return false };
                facts.element(i).enclosing.iter().any(|&b| {
                    let x = &facts.model.boundaries[b];
                    filter.kind.as_ref().is_none_or(|k| x.kind.is_some_and(|v| k.contains(&v)))
                        && filter.trust.as_ref().is_none_or(|t| x.effective_trust().is_some_and(|v| t.contains(&v)))
                })
            }
            Check::Element { side, check } => {
                let test = |e: Option<usize>| e.is_some_and(|e| check.eval(facts, element_subject(facts, e)));
                match side {
                    Side::From => test(facts.flow(s.index).from),
                    Side::To => test(facts.flow(s.index).to),
                    Side::SendsTo | Side::ReceivesFrom | Side::Counterpart => {
                        let Some(i) = element_index(s) else { return false };
                        let ef = facts.element(i);
                        let out = matches!(side, Side::SendsTo | Side::Counterpart)
                            && ef.flows_out.iter().any(|&f| test(facts.flow(f).to));
                        out || (matches!(side, Side::ReceivesFrom | Side::Counterpart)
                            && ef.flows_in.iter().any(|&f| test(facts.flow(f).from)))
                    }
                }
            }
            Check::Provider(check) => facts.model.apis[s.index]
                .provider
                .as_ref()
                .and_then(|k| facts.element_index(k.as_str()))
                .is_some_and(|e| check.eval(facts, element_subject(facts, e))),
            Check::ReachesElement(check) => (0..facts.elements.len()).any(|e| {
                facts.element(e).assets.binary_search(&s.index).is_ok() && check.eval(facts, element_subject(facts, e))
            }),
        }
    }
}

fn element_index(s: Subject) -> Option<usize> {
    matches!(s.kind, SubjectKind::ExternalEntity | SubjectKind::Process | SubjectKind::DataStore).then_some(s.index)
}

fn compare(v: &Val<'_>, op: Op, want: &Want) -> bool {
    match (v, want) {
        (Val::Unknown, _) => false,
        (Val::Bool(b), Want::Bool(w)) => match op {
            Op::Eq | Op::In => b == w,
            Op::Ne | Op::NotIn => b != w,
            _ => false,
        },
        (Val::Num(n), Want::Num(w)) => match op {
            Op::Eq | Op::In => n == w,
            Op::Ne | Op::NotIn => n != w,
            Op::Lt => n < w,
            Op::Le => n <= w,
            Op::Gt => n > w,
            Op::Ge => n >= w,
            _ => false,
        },
        (Val::Word(s), Want::Words(ws)) => match op {
            Op::Eq | Op::In => ws.iter().any(|w| w == s),
            Op::Ne | Op::NotIn => ws.iter().all(|w| w != s),
            _ => false,
        },
        (Val::Text(s), Want::Words(ws)) => match op {
            Op::Eq | Op::In => ws.iter().any(|w| w == s),
            Op::Ne | Op::NotIn => ws.iter().all(|w| w != s),
            _ => false,
        },
        (Val::Words(set), Want::Words(ws)) => match op {
            Op::Contains => ws.iter().all(|w| set.contains(&w.as_str())),
            Op::ContainsAny => ws.iter().any(|w| set.contains(&w.as_str())),
            _ => false,
        },
        _ => false,
    }
}
