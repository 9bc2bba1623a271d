//! The threat rule library and the engine that runs it.
//!
//! Rules are data (`models/rules/**/*.yaml`, embedded at build time, plus users' files):
//! a subject, a structured condition, a description, default likelihood and impact,
//! mitigations, references, controls and examples. Knows neither SQL nor YAML syntax:
//! `io::yaml` parses rule files into these types. No rule can run code.

pub mod attr;
pub mod condition;
pub mod engine;
pub mod examples;
pub mod identity;
pub mod library;
pub mod rule;

pub use engine::{Analysis, Options, analyze, questions};
pub use library::Library;
pub use rule::{AppliesTo, CompiledRule, QuestionSpec, Rule, RuleFile};
