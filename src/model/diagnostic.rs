//! Diagnostics: what is wrong with a model, and where.
//!
//! Every problem found in a model is a [`Diagnostic`] with a fixed code. The table in
//! [`codes!`] is the single place where codes, severities and their explanations live;
//! the reference in `docs/diagnostics.md` is generated from it (see `tests/generated.rs`).

use super::key::Key;
use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $title:literal, $explain:literal;)+) => {
        /// A diagnostic code. Codes are an interface: never renumber or reuse one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The code as printed: `TW-E012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)+ }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)+ }
            }

            /// One line saying what the code means.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)+ }
            }

            /// Why it matters and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explain,)+ }
            }
        }
    };
}

codes! {
    YamlSyntax = "TW-E001", Error, "YAML syntax error",
        "The file is not well-formed YAML. The location points at where the parser gave up; the mistake is often on the line before (a missing colon, a bad indent, an unclosed quote).";
    InvalidValue = "TW-E002", Error, "value of the wrong type or not allowed",
        "A field holds a value of the wrong type (text where a number is expected) or a word outside its vocabulary. The message lists what is allowed; `threatwright schema` prints the whole format.";
    UnknownField = "TW-E003", Error, "unknown field",
        "The format does not have this field. Usually a typo: the message suggests the closest field. Unknown fields are refused rather than ignored so that a misspelt security property is never silently read as 'not stated'.";
    MissingField = "TW-E004", Error, "required field missing",
        "Every item needs a `key`; flows need `from` and `to`; the file needs `format_version` and `system.name`.";
    UnsupportedFormat = "TW-E005", Error, "unsupported format version",
        "The file declares a `format_version` this build of Threatwright cannot read. A higher number means it was written by a newer Threatwright: upgrade rather than edit the number.";
    InputLimit = "TW-E006", Error, "input exceeds a safety limit",
        "The input is larger, deeper or expands further than Threatwright accepts (file size cap, nesting depth, YAML alias expansion). The limits protect against hostile files; a real model never comes near them. The size cap can be raised with `--max-input-bytes`.";
    InvalidUtf8 = "TW-E007", Error, "file is not UTF-8",
        "Model files must be UTF-8 text. The location is the first byte that is not valid UTF-8; re-save the file as UTF-8.";
    DuplicateYamlKey = "TW-E008", Error, "field given twice",
        "A mapping states the same field twice. YAML parsers disagree on which value wins, so Threatwright refuses the file instead of guessing.";
    InvalidKey = "TW-E010", Error, "malformed key",
        "Keys are what references use and what reports show. They hold letters, digits, `-`, `_` and `.`, start with a letter or digit and have at most 64 characters.";
    DuplicateKey = "TW-E011", Error, "duplicate key",
        "Keys must be unique across the whole model (all sections), because references name items by key alone.";
    UnknownReference = "TW-E012", Error, "reference to an unknown item",
        "A reference (`from`, `to`, `members`, `parent`, `carries`, `stores`, `provider`, `consumers`) names a key that no item has. The message suggests the closest existing key.";
    BoundaryCycle = "TW-E013", Error, "boundary nesting cycle",
        "Boundaries nest through `parent`; following the parents from this boundary comes back to it. Nesting must form a tree.";
    SiblingBoundaries = "TW-E014", Error, "element in two unrelated boundaries",
        "An element can be inside several boundaries only when they are nested in each other. Two boundaries that are not nested cannot both contain it: which trust zone is it in?";
    FlowEndpointBoundary = "TW-E015", Error, "flow from or to a boundary",
        "Flows connect elements (external entities, processes, data stores). A boundary is a zone, not a party: connect the flow to the element inside the boundary that sends or receives the data.";
    DuplicateId = "TW-E016", Error, "duplicate id",
        "Two items state the same `id`. Ids are identities: each must be unique. Usually an item was copied with its `id`; delete the `id` line of the copy.";
    WrongReferenceKind = "TW-E017", Error, "reference to the wrong kind of item",
        "The key exists but names an item of another kind: a flow must carry data assets, a boundary's members must be elements, a parent must be a boundary.";
    Contradiction = "TW-E018", Error, "contradictory properties",
        "Two properties of the same item cannot both be true (for example `rate_limited: false` with a `rate_limit_per_minute`). Fix the one that is wrong; rules would otherwise read an impossible design.";
    RuleInvalid = "TW-E030", Error, "rule file error",
        "A rule names an attribute its subject does not have, compares it with a value of the wrong type or outside its vocabulary, uses an unknown placeholder, has an empty `all`/`any`, or lacks an example. The message names the attribute and suggests the closest one; `threatwright rules attributes` lists them all.";
    RuleDuplicate = "TW-E031", Error, "duplicate rule id",
        "Two rule files define the same rule id. A user rule with the id of a built-in rule replaces it on purpose; two files in the same library with one id are a mistake.";
    RuleExampleFailed = "TW-E032", Error, "rule example failed",
        "A rule's example did not behave as stated: the rule stayed silent on a `fires` example or found a threat on a `silent` one, or the example model itself has errors.";
    RegisterReference = "TW-E040", Error, "register reference problem",
        "In the `threats`, `mitigations` or `reviews` sections: a reference (`TW-0007`, `M-0003`) given twice, malformed, or naming a threat that is not in the register.";
    IncompleteDecision = "TW-E041", Error, "status without the fields it needs",
        "An accepted threat needs an approver, a reason and an expiry date; a transferred one the party it went to; a not-applicable one a reason; mitigation-planned and mitigated need linked mitigations (mitigated: one implemented or verified).";
    StoreWithoutFlows = "TW-W001", Warning, "data store with no flows",
        "Nothing reads or writes this data store. Either a flow is missing from the diagram, or the store is not part of the system and can be removed.";
    ElementWithoutFlows = "TW-W002", Warning, "element with no flows",
        "This external entity or process neither sends nor receives data. A flow is probably missing.";
    RedundantMembership = "TW-W003", Warning, "membership stated twice",
        "The element is listed by a boundary and by a boundary nested inside it. Being in the inner boundary already places it in the outer one: list it only in the innermost.";
    Suspicious = "TW-W004", Warning, "properties that do not fit together",
        "The combination is possible but unusual and often a mistake (for example a public data asset in the credentials category).";
    SelfFlow = "TW-W005", Warning, "flow from an element to itself",
        "A flow's two ends are the same element. Internal work of an element is not a data flow; remove it or connect the element that is really involved.";
    UnusedAsset = "TW-W006", Warning, "data asset not used",
        "No flow carries or returns this data asset and no store holds it, so no threat can take it into account.";
    TrustFromKind = "TW-W007", Warning, "boundary trust taken from its kind",
        "The boundary states a `kind` but no `trust`, so rules take the trust its kind implies: internet and device untrusted; dmz, partner and vendor low; internal and cloud-account medium; restricted-zone high. State `trust` to say otherwise (an internal network that is flat and shared is not medium).";
    DisableUnknownRule = "TW-W030", Warning, "disabling a rule that does not exist",
        "A rule file's `disable` list names an id that no loaded rule has. Usually a typo, or a rule that was renamed; the message suggests the closest id.";
    RuleOverridden = "TW-W031", Warning, "built-in rule replaced",
        "A user rule has the id of a built-in rule and replaces it. This is how a team adapts a built-in rule; the warning makes sure it is deliberate.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a diagnostic points. `path` is the position in the model document
/// (`flows[3].to`); a YAML reader turns it into `file`, `line` and `column`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Key of the item concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, severity: code.severity(), message: message.into(), location: Location::default() }
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Diagnostic {
        self.location.path = Some(path.into());
        self
    }

    pub fn for_key(mut self, key: &Key) -> Diagnostic {
        self.location.key = Some(key.clone());
        self
    }

    pub fn at_line(mut self, line: u32, column: u32) -> Diagnostic {
        self.location.line = Some(line);
        self.location.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `file:line:col: error[TW-E012]: message`, like a compiler. Parts that are not known
/// are left out; without a file the item key or document path stands in for it.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        let mut wrote = false;
        if let Some(file) = &loc.file {
            f.write_str(file)?;
            wrote = true;
            if let Some(line) = loc.line {
                write!(f, ":{line}")?;
                if let Some(col) = loc.column {
                    write!(f, ":{col}")?;
                }
            }
        } else if let Some(key) = &loc.key {
            write!(f, "{key}")?;
            wrote = true;
        } else if let Some(path) = &loc.path {
            f.write_str(path)?;
            wrote = true;
        }
        if wrote {
            f.write_str(": ")?;
        }
        write!(f, "{}[{}]: {}", self.severity.as_str(), self.code, self.message)
    }
}

/// The diagnostics reference (`docs/diagnostics.md`), generated from the code table.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics reference\n\n\
         <!-- Generated from src/model/diagnostic.rs by `UPDATE_GENERATED=1 cargo test --test generated`; do not edit. -->\n\n\
         `threatwright validate` reports problems as `file:line:column: severity[CODE]: message`. \
         Errors stop a model from being imported or analysed; warnings do not. Codes never change meaning.\n\n\
         | code | severity | meaning |\n| --- | --- | --- |\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| [{0}](#{1}) | {2} | {3} |\n",
            code,
            code.as_str().to_lowercase(),
            code.severity().as_str(),
            code.title()
        ));
    }
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {code}\n\n**{}** ({}).\n\n{}\n",
            code.title(),
            code.severity().as_str(),
            code.explanation()
        ));
    }
    out
}

/// Counts of diagnostics by severity.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// The closest of `candidates` to `wanted`, if it is close enough to be a likely typo.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&wanted.to_lowercase(), &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} used twice");
            let letter = match code.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
            };
            assert!(code.as_str().starts_with(&format!("TW-{letter}")), "{code}");
            assert_eq!(code.as_str().len(), 7, "{code}");
        }
    }

    #[test]
    fn suggestions() {
        let keys = ["payments-api", "payments-db", "card-vault"];
        assert_eq!(suggest("payment-api", keys), Some("payments-api"));
        assert_eq!(suggest("paymnets-db", keys), Some("payments-db"));
        assert_eq!(suggest("identity-provider", keys), None);
    }

    #[test]
    fn display_like_a_compiler() {
        let mut d = Diagnostic::new(Code::UnknownReference, "no element `x`").at_path("flows[0].to");
        assert_eq!(d.to_string(), "flows[0].to: error[TW-E012]: no element `x`");
        d.location.key = Some(Key::from("f1"));
        assert_eq!(d.to_string(), "f1: error[TW-E012]: no element `x`");
        d.location.file = Some("m.yaml".into());
        d.location.line = Some(4);
        d.location.column = Some(9);
        assert_eq!(d.to_string(), "m.yaml:4:9: error[TW-E012]: no element `x`");
    }
}
