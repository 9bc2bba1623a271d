//! A rule library: the built-in rules plus users' files, with replacements and
//! switched-off rules applied. Parsing is `io::yaml`'s job; this module assembles.

use super::condition::Check;
use super::rule::{CompiledRule, Rule};
use crate::model::{Code, Diagnostic, suggest};
use std::collections::BTreeMap;

/// The built-in rule files, embedded at build time: (path under the repository, text).
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Version of the built-in library: the crate version and a hash of the rule files.
pub const BUILTIN_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+rules.", env!("THREATWRIGHT_RULES_HASH"));

/// One parsed and checked rule file.
pub struct Source {
    /// Path (built-ins: under the repository).
    pub name: String,
    pub builtin: bool,
    pub rule: Option<(Rule, Check)>,
    pub disable: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Library {
    /// Rules in id order.
    pub rules: Vec<CompiledRule>,
    /// Ids switched off by users' files.
    pub disabled: Vec<String>,
    pub version: String,
}

impl Library {
    /// Assembles a library. Users' rules replace built-in rules of the same id (with a
    /// warning); two rules of one id from the same side are an error; `disable` lists
    /// switch rules off.
    pub fn assemble(sources: Vec<Source>) -> (Library, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut by_id: BTreeMap<String, CompiledRule> = BTreeMap::new();
        let mut disable: Vec<(String, String)> = Vec::new();
        let mut user_rules = 0usize;
        // Built-ins first, so that users' files can replace them.
        let (builtin, user): (Vec<Source>, Vec<Source>) = sources.into_iter().partition(|s| s.builtin);
        let with_builtins = !builtin.is_empty();
        for s in builtin.into_iter().chain(user) {
            for id in s.disable {
                disable.push((id, s.name.clone()));
            }
            let Some((rule, check)) = s.rule else { continue };
            if !s.builtin {
                user_rules += 1;
            }
            match by_id.get(&rule.id) {
                Some(existing) if existing.builtin && !s.builtin => {
                    diagnostics.push(at_file(
                        Diagnostic::new(
                            Code::RuleOverridden,
                            format!("rule {} replaces the built-in rule of the same id", rule.id),
                        ),
                        &s.name,
                    ));
                }
                Some(existing) => {
                    diagnostics.push(at_file(
                        Diagnostic::new(
                            Code::RuleDuplicate,
                            format!("rule id {} is also defined in {}; this file is ignored", rule.id, existing.source),
                        ),
                        &s.name,
                    ));
                    continue;
                }
                None => {}
            }
            let shared = super::rule::Shared::of(&rule);
            // Checked with the rule: compiles.
            let unstated =
                rule.question.as_ref().and_then(|q| q.unstated().check(rule.applies_to.scope(), "", &mut Vec::new()));
            by_id.insert(
                rule.id.clone(),
                CompiledRule { rule, check, unstated, shared, source: s.name.clone(), builtin: s.builtin },
            );
        }
        let mut disabled = Vec::new();
        for (id, file) in disable {
            if by_id.remove(&id).is_some() {
                disabled.push(id);
            } else if !disabled.contains(&id) {
                let mut msg = format!("`disable` names rule {id}, which does not exist");
                if let Some(s) = suggest(&id, by_id.keys().map(String::as_str)) {
                    msg.push_str(&format!("; did you mean {s}?"));
                }
                diagnostics.push(at_file(Diagnostic::new(Code::DisableUnknownRule, msg), &file));
            }
        }
        disabled.sort();
        let version = if !with_builtins {
            // No built-in rule is in it: its version names none (the files are the user's).
            format!("{} without built-in rules, {user_rules} user rule(s)", env!("CARGO_PKG_VERSION"))
        } else if user_rules == 0 && disabled.is_empty() {
            BUILTIN_VERSION.to_owned()
        } else {
            format!("{BUILTIN_VERSION} with {user_rules} user rule(s), {} disabled", disabled.len())
        };
        (Library { rules: by_id.into_values().collect(), disabled, version }, diagnostics)
    }

    pub fn get(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.rule.id == id)
    }
}

fn at_file(mut d: Diagnostic, file: &str) -> Diagnostic {
    d.location.file = Some(file.to_owned());
    d
}

/// The rule reference (`docs/rules.md`), generated from the rule files themselves.
pub fn reference_markdown(library: &Library) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "# Built-in threat rules\n");
    let _ = writeln!(
        out,
        "<!-- Generated from models/rules/ by `UPDATE_GENERATED=1 cargo test --test generated`; do not edit. -->\n"
    );
    let _ = writeln!(
        out,
        "{} rules, library version `{}`. Each rule is a YAML file under `models/rules/` with its own\n\
         examples (where it fires, where it stays silent); `threatwright rules show ID` prints one,\n\
         `threatwright rules check DIR` checks your own. Likelihood and impact are the rule's defaults,\n\
         before exposure and data adjust them (`threatwright rules ranking`). A rule with a\n\
         `question:` asks rather than asserts: where every attribute that answers it is unstated, its\n\
         finding is a review question (listed apart, never counted as a threat); once the model states\n\
         one and the rule still fires, it is a threat with the same identity.\n",
        library.rules.len(),
        BUILTIN_VERSION
    );
    let _ = writeln!(out, "| id | STRIDE | applies to | OWASP API 2023 | title |\n| --- | --- | --- | --- | --- |");
    for r in &library.rules {
        let rule = &r.rule;
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} |",
            rule.id,
            rule.id.to_lowercase(),
            rule.stride.letter(),
            rule.applies_to.as_str(),
            rule.references.owasp_api.join(", "),
            rule.title.replace('|', "\\|")
        );
    }
    for r in &library.rules {
        let rule = &r.rule;
        let _ = writeln!(out, "\n## {}\n", rule.id);
        let _ = writeln!(out, "**{}**  ", rule.title);
        let _ = writeln!(
            out,
            "STRIDE: {} · applies to: {} · default likelihood {} × impact {} · `{}`\n",
            rule.stride.as_str(),
            rule.applies_to.as_str(),
            rule.likelihood,
            rule.impact,
            r.source
        );
        let _ = writeln!(out, "{}\n", rule.description.trim());
        if let Some(n) = &rule.notes {
            let _ = writeln!(out, "Notes: {}\n", n.trim());
        }
        if let Some(q) = &rule.question {
            let _ = writeln!(out, "Asks, while {} unstated: *{}*\n", q.answers.join(", "), q.ask.trim());
        }
        if !rule.mitigations.is_empty() {
            let _ = writeln!(out, "Mitigations:");
            for m in &rule.mitigations {
                let _ = writeln!(out, "- {} (`{}`)", m.title, m.id);
            }
            out.push('\n');
        }
        let refs = &rule.references;
        let c = &rule.controls;
        let mut lines = Vec::new();
        for (label, list) in [
            ("OWASP API", &refs.owasp_api),
            ("CWE", &refs.cwe),
            ("CAPEC", &refs.capec),
            ("PCI DSS v4.0", &c.pci_dss),
            ("ISO/IEC 27001:2022", &c.iso27001),
            ("SOC 2", &c.soc2),
            ("GDPR", &c.gdpr),
        ] {
            if !list.is_empty() {
                lines.push(format!("{label}: {}", list.join(", ")));
            }
        }
        if let Some(why) = &rule.owasp_none {
            lines.insert(0, format!("OWASP API: none applies ({})", why.trim()));
        }
        if !lines.is_empty() {
            let _ = writeln!(out, "{}", lines.join(" · "));
        }
    }
    out
}
