//! Turning serde_norway's errors into diagnostics with codes, positions and hints.

use crate::model::{Code, Diagnostic, suggest};

/// A parse error as a diagnostic. The message loses serde's " at line X column Y"
/// suffix (the location is kept in fields) and gains a "did you mean" where it can.
pub fn from_serde(err: &serde_norway::Error) -> Diagnostic {
    let full = err.to_string();
    let (line, col) = err.location().map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
    let suffix = format!(" at line {line} column {col}");
    let msg = match full.find(&suffix) {
        // libyaml errors read "problem at line 3 column 1, while parsing ... at line 1 column 1":
        // keep the context, drop only the position that duplicates ours.
        Some(i) => format!("{}{}", &full[..i], &full[i + suffix.len()..]),
        None => full.clone(),
    };
    let code = classify(&msg);
    let mut msg = friendlier(&msg);
    let hint = hint(&msg);
    let shortened = shorten_expected(&mut msg);
    if let Some(hint) = hint {
        msg.push_str(&hint);
    }
    if shortened {
        msg.push_str(" (`threatwright schema` lists every field and value; `schema --rule-format` for rule files)");
    }
    let mut d = Diagnostic::new(code, msg);
    if line > 0 {
        d = d.at_line(line, col);
    }
    d
}

fn classify(msg: &str) -> Code {
    if msg.contains("unknown field") {
        Code::UnknownField
    } else if msg.contains("missing field") {
        Code::MissingField
    } else if msg.contains("duplicate field") || msg.contains("duplicate entry") {
        Code::DuplicateYamlKey
    } else if msg.contains("recursion limit exceeded") || msg.contains("repetition limit exceeded") {
        Code::InputLimit
    } else if msg.contains("invalid type")
        || msg.contains("invalid value")
        || msg.contains("unknown variant")
        || msg.contains("invalid length")
        || msg.contains("UUID")
        || msg.contains("failed to parse YAML number")
    {
        Code::InvalidValue
    } else {
        Code::YamlSyntax
    }
}

/// Rewrites the parts of serde's wording that name Rust types.
fn friendlier(msg: &str) -> String {
    let mut m = msg
        .replace("repetition limit exceeded", "too many alias expansions (a YAML alias bomb?); refusing the file")
        .replace("recursion limit exceeded", "nesting too deep; refusing the file");
    for (rust, user) in [
        ("struct Model", "a model (a mapping with format_version, system and sections)"),
        ("struct System", "a mapping (the system)"),
        ("struct Boundary", "a mapping (a boundary)"),
        ("struct ExternalEntity", "a mapping (an external entity)"),
        ("struct Process", "a mapping (a process)"),
        ("struct DataStore", "a mapping (a data store)"),
        ("struct Flow", "a mapping (a flow)"),
        ("struct DataAsset", "a mapping (a data asset)"),
        ("struct ApiEntry", "a mapping (an API)"),
        ("struct Vendor", "a mapping (vendor facts)"),
        ("struct Position", "a mapping with x and y"),
        ("struct Size", "a mapping with width and height"),
        ("a sequence", "a list"),
        ("u32", "a whole number"),
        ("u64", "a whole number"),
        ("u16", "a port number (0-65535)"),
    ] {
        m = m.replace(rust, user);
    }
    m
}

/// "did you mean" for unknown fields and unknown enum words: serde lists the expected
/// names as "`a`, `b`, `c`"; the closest one to the given name is suggested.
fn hint(msg: &str) -> Option<String> {
    let given = between(msg, "unknown field `", "`").or_else(|| between(msg, "unknown variant `", "`"))?;
    let expected_part = &msg[msg.find("expected")?..];
    let candidates: Vec<&str> = expected_part.split('`').skip(1).step_by(2).collect();
    let best = suggest(given, candidates.iter().copied())?;
    Some(format!("; did you mean `{best}`?"))
}

/// Serde lists every expected name; past a handful the list drowns the message.
/// Returns whether the list was cut.
fn shorten_expected(msg: &mut String) -> bool {
    const MAX_LISTED: usize = 10;
    if let Some(at) = msg.find(", expected one of ")
        && msg[at..].matches('`').count() / 2 > MAX_LISTED
    {
        msg.truncate(at);
        return true;
    }
    false
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints() {
        assert_eq!(
            hint(
                "processes[0]: unknown field `authentification`, expected one of `key`, `authentication`, `authorization`"
            ),
            Some("; did you mean `authentication`?".to_owned())
        );
        assert_eq!(
            hint("processes[0].authentication: unknown variant `oauth`, expected one of `none`, `oauth2`, `oidc`"),
            Some("; did you mean `oauth2`?".to_owned())
        );
        assert_eq!(hint("unknown field `zzz`, expected one of `key`, `name`"), None);
    }
}
