//! Reading and writing models in file formats. Each format is the only place that knows
//! its parser; the rest of the core sees `model` types only.

pub mod import;
pub mod yaml;
