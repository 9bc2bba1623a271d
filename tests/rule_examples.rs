//! Every built-in rule's examples, one test per rule named by its id: `cargo test
//! API1-BOLA-AUTHZ-UNSTATED` runs that rule's alone. (A harness of our own, so that adding
//! a rule file adds its test.)

use libtest_mimic::{Arguments, Failed, Trial};
use threatwright::io::yaml::rules as rulefiles;

fn main() {
    let args = Arguments::from_args();
    let texts = rulefiles::builtin_texts();
    let (library, diagnostics) = rulefiles::assemble(&texts);
    let mut trials = vec![{
        let problems: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        let (rules, files) = (library.rules.len(), texts.len());
        Trial::test("builtin_rule_files_load_one_rule_each", move || {
            if !problems.is_empty() {
                return Err(format!("built-in rule files have problems:\n{}", problems.join("\n")).into());
            }
            if rules != files {
                return Err(format!("{files} rule files hold {rules} rules: one rule per file").into());
            }
            Ok(())
        })
    }];
    let texts = std::sync::Arc::new(texts);
    for rule in library.rules {
        let texts = texts.clone();
        let id = rule.rule.id.clone();
        trials.push(Trial::test(id.clone(), move || {
            if rule.rule.examples.fires.is_empty() || rule.rule.examples.silent.is_empty() {
                return Err(Failed::from(format!("{id}: needs examples where it fires and where it stays silent")));
            }
            if rule.rule.references.owasp_api.is_empty() && rule.rule.owasp_none.is_none() {
                return Err(Failed::from(format!(
                    "{id}: cite its OWASP API Security Top 10 (2023) item (references.owasp_api) or say why none applies (owasp_none)"
                )));
            }
            let failures = rulefiles::run_examples_of(&texts, &rule);
            if failures.is_empty() {
                return Ok(());
            }
            let shown: Vec<String> = failures.iter().map(|d| d.to_string()).collect();
            Err(format!("{} example(s) failed:\n{}", failures.len(), shown.join("\n")).into())
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
