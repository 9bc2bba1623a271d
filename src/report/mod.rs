//! Reports: what an auditor, a customer's security team or a change board receives.
//! `content` computes what a report says, once; the writers lay it out: `pdf` (the only
//! module that knows printpdf), `html`, `markdown`, `sarif`, `tracker` (CSV for issue
//! trackers) and `json`. `register` keeps the register exports of `analyze`. Output is
//! deterministic: the same project state gives the same bytes.

pub mod config;
pub mod content;
pub mod diagram;
pub mod html;
pub mod json;
pub mod markdown;
pub mod method;
pub mod pdf;
pub mod register;
pub mod sarif;
pub mod tracker;

pub use config::{Config, Section};
pub use content::{Input, Report, build};
