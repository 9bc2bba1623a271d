//! The domain model: what a threat model of an API system is made of.
//!
//! Knows nothing of files, YAML syntax, SQL or the UI. Types derive serde (the shape of
//! the model-as-code format) and schemars (its published JSON Schema); checking a model
//! returns diagnostics, never an error.

pub mod api;
pub mod asset;
pub mod boundary;
pub mod diagnostic;
pub mod document;
pub mod element;
pub mod flow;
pub mod fragment;
pub mod id;
pub mod key;
pub mod mitigation;
pub mod props;
pub mod question;
pub mod threat;
pub mod validate;

pub use api::ApiEntry;
pub use asset::DataAsset;
pub use boundary::Boundary;
pub use diagnostic::{Code, Diagnostic, Location, Severity, suggest};
pub use document::{FORMAT_VERSION, Item, Model, System, reference_order};
pub use element::{
    DataStore, ElementKind, ElementRef, ExternalEntity, GraphqlLimits, Operation, Position, Process, SessionControls,
    Size, Vendor,
};
pub use flow::Flow;
pub use fragment::Fragment;
pub use id::Section;
pub use key::Key;
pub use mitigation::{Mitigation, MitigationStatus, Review, ReviewScope};
pub use question::Question;
pub use threat::{
    Controls, RankingOverride, References, Response, RiskLevel, Stride, SuggestedMitigation, Target, TargetKind,
    Threat, ThreatRecord, ThreatStatus,
};
pub use validate::validate;

/// The JSON Schema of the model format, as published under `models/schema/`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Model);
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON Schema always serializes");
    text.push('\n');
    text
}
