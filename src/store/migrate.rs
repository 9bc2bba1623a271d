//! Schema migrations: an append-only list, applied in one transaction.
//!
//! Never edit or remove a released entry; add a new one. `tests/fixtures/` keeps a
//! project file of every released schema version, and a test upgrades each one.

use rusqlite_migration::{M, Migrations};

/// The Threatwright application id, in every project file's header ("TWRT").
pub const APPLICATION_ID: u32 = 0x5457_5254;

const MIGRATIONS: &[&str] = &[
    include_str!("schema/v1.sql"),
    include_str!("schema/v2.sql"),
    include_str!("schema/v3.sql"),
    include_str!("schema/v4.sql"),
];

/// The first schema whose rows are sealed under the audit chain (`seal`). A file upgraded
/// from an older one has its state sealed as found, in one logged action. A later
/// migration that changes a sealed table's columns must seal the changed rows again.
pub const SEALED_SINCE: u32 = 4;

/// Schema version this build writes (the number of migrations).
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql).foreign_key_check()).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().expect("migrations apply to an empty database");
    }
}
