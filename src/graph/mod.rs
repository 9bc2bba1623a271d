//! Derived structure of a model: boundary nesting and membership.
//!
//! Knows nothing of storage, YAML or rules. Facts here are computed, never typed in.

pub mod boundary;

pub use boundary::BoundaryTree;
