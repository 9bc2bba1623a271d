//! Derived structure of a model: boundary nesting and membership, the dataflow graph,
//! and the facts rules read (crossings, reachability, exposure, assets seen, attack paths).
//!
//! Knows nothing of storage, YAML or rules. Facts here are computed, never typed in, and
//! computed once per analysis. Petgraph types stay inside this module.

pub mod boundary;
pub mod facts;
pub mod paths;
mod view;

pub use boundary::BoundaryTree;
pub use facts::{AssetFilter, ElementFacts, Facts, FlowFacts, Reach, TrustRank};
pub use paths::{AttackPath, Hop};
