//! Running a rule's own examples: it must fire on each `fires` example's target and
//! stay silent on each `silent` example's target.

use super::engine::fires_on;
use super::rule::CompiledRule;
use crate::model::validate;

/// A failed example: the path of the example in the rule file and what went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub path: String,
    pub message: String,
}

/// Runs every example of `rule`; an empty result means all passed.
pub fn run(rule: &CompiledRule) -> Vec<Failure> {
    let mut failures = Vec::new();
    let groups = [("fires", &rule.rule.examples.fires, true), ("silent", &rule.rule.examples.silent, false)];
    for (word, examples, must_fire) in groups {
        for (i, ex) in examples.iter().enumerate() {
            let path = format!("rule.examples.{word}[{i}]");
            let model = ex.model.clone().into_model("example");
            let errors: Vec<String> =
                validate(&model).into_iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
            if !errors.is_empty() {
                failures.push(Failure {
                    path: format!("{path}.model"),
                    message: format!("the example model has errors: {}", errors.join("; ")),
                });
                continue;
            }
            let fired = fires_on(&model, rule);
            let on_target = fired.contains(&ex.target);
            if rule.rule.applies_to != super::AppliesTo::Model
                && !model.elements().any(|e| *e.key() == ex.target)
                && !model.flows.iter().any(|f| f.key == ex.target)
                && !model.apis.iter().any(|a| a.key == ex.target)
                && !model.data_assets.iter().any(|a| a.key == ex.target)
            {
                failures.push(Failure {
                    path: format!("{path}.target"),
                    message: format!("the example model has no item `{}`", ex.target),
                });
                continue;
            }
            let fired_model = rule.rule.applies_to == super::AppliesTo::Model && !fired.is_empty();
            let hit = on_target || fired_model;
            if must_fire && !hit {
                failures.push(Failure { path, message: format!("{} did not fire on `{}`", rule.rule.id, ex.target) });
            } else if !must_fire && hit {
                failures.push(Failure {
                    path,
                    message: format!(
                        "{} fired on `{}`, which the example says must stay silent",
                        rule.rule.id, ex.target
                    ),
                });
            }
        }
    }
    failures
}
