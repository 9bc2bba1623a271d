//! Lifecycle and review: what people decide about threats, and the evidence of it.
//!
//! Pure functions over model types: the status transition table and each status's
//! required fields (`status`), how a new analysis is reconciled with the register
//! (`reconcile`), the audit log's hash chain (`audit`), fingerprints and changes since a
//! baseline (`review`), and the CI gate (`check`). Knows nothing of SQL or YAML: `store`
//! persists, `cli` asks.

pub mod audit;
pub mod check;
pub mod reconcile;
pub mod records;
pub mod review;
pub mod status;
pub mod validate;

pub use status::{LifecycleError, Request, effective_status, is_expired};

/// A calendar date (YYYY-MM-DD).
pub type Date = jiff::civil::Date;

/// Parses a date as people write it (YYYY-MM-DD).
pub fn parse_date(s: &str) -> Option<Date> {
    s.trim().parse::<Date>().ok()
}

/// Today's date in UTC.
pub fn today() -> Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// The current time, UTC, to the second (RFC 3339).
pub fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
