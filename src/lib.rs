//! Threatwright core: model, analysis, storage and reports for threat modeling API
//! systems. Headless: no UI and no Tauri; the CLI and the desktop shell call into it.
//! See ARCHITECTURE.md for the map of modules and what each must not know.

pub mod account;
pub mod cli;
pub mod config;
pub mod diff;
pub mod eval;
pub mod files;
pub mod graph;
pub mod io;
pub mod lifecycle;
pub mod model;
pub mod rank;
pub mod report;
pub mod rules;
pub mod session;
pub mod sshsig;
pub mod store;
pub mod summary;
pub mod synth;
pub mod workflow;
