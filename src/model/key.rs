//! Human keys (`payments-api`): the names YAML references use.
//!
//! A key is kept as the user wrote it; whether it is well formed is a diagnostic
//! (`validate`), not a parse failure, so a model with a bad key still loads and shows
//! every other problem too.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Longest key accepted. Keys appear in reports, table columns and file names.
pub const MAX_KEY_LEN: usize = 64;

/// A human key, unique in the model: letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit, at most 64 characters. The default (empty) key is only a placeholder
/// for `..Default::default()` constructors; validation refuses it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(transparent)]
pub struct Key(#[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))] pub String);

impl Key {
    pub fn new(s: impl Into<String>) -> Key {
        Key(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why this key is not well formed, if it is not.
    pub fn problem(&self) -> Option<&'static str> {
        let s = self.0.as_str();
        let mut chars = s.chars();
        match chars.next() {
            None => return Some("a key cannot be empty"),
            Some(c) if !c.is_ascii_alphanumeric() => {
                return Some("a key must start with a letter or a digit");
            }
            _ => {}
        }
        if s.len() > MAX_KEY_LEN {
            return Some("a key has at most 64 characters");
        }
        if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Some("a key may contain only letters, digits, '-', '_' and '.'");
        }
        None
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key(s.to_owned())
    }
}

impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A key made from a name: lower case ASCII letters, digits and dashes, unique.
pub fn new_key(name: &str, fallback: &str, used: &HashSet<String>) -> Key {
    let mut slug = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    slug.truncate(48);
    let slug = slug.trim_end_matches('-').to_owned();
    let base = if slug.is_empty() { fallback.to_owned() } else { slug };
    if !used.contains(&base) {
        return Key::new(base);
    }
    (2..).map(|n| format!("{base}-{n}")).find(|k| !used.contains(k)).map(Key::new).expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_problems() {
        let cases = [
            ("payments-api", None),
            ("db.orders_v2", None),
            ("9lives", None),
            ("", Some("a key cannot be empty")),
            ("-x", Some("a key must start with a letter or a digit")),
            ("has space", Some("a key may contain only letters, digits, '-', '_' and '.'")),
            ("Zahlungsdienst-Müller", Some("a key may contain only letters, digits, '-', '_' and '.'")),
        ];
        for (input, expected) in cases {
            assert_eq!(Key::from(input).problem(), expected, "{input:?}");
        }
        assert_eq!(Key::new("a".repeat(65)).problem(), Some("a key has at most 64 characters"));
        assert_eq!(Key::new("a".repeat(64)).problem(), None);
    }
}
