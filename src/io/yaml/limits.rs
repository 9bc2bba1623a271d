//! Safety limits for untrusted YAML, checked before the parser sees the text.

use crate::model::{Code, Diagnostic};

/// Default cap on the size of a model file: 64 MiB. A 100k-element model is ~30 MB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Deepest nesting of flow collections (`[`, `{`) accepted. The model format needs
/// about six levels; libyaml's own limit is 128, but it slows down quadratically on
/// deep flow nesting before it gets there, so we refuse early.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Limits applied when reading a model.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// The diagnostic for a file larger than the cap.
pub fn too_large(size: u64, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        Code::InputLimit,
        format!("file is {size} bytes, over the limit of {} bytes (raise it with --max-input-bytes)", limits.max_bytes),
    )
}

/// Decodes `bytes` as UTF-8 (dropping a byte-order mark), or says where it is not.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        // Column counted in characters of the valid prefix of the line.
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Diagnostic::new(
            Code::InvalidUtf8,
            format!("invalid UTF-8 (byte 0x{:02X} at offset {})", bytes[e.valid_up_to()], e.valid_up_to()),
        )
        .at_line(line as u32, col as u32)
    })
}

/// Finds flow nesting deeper than [`MAX_FLOW_DEPTH`]. A `[` or `{` counts only where a
/// flow collection can start — at the start of a line's content, or after `:`, `-`, `?`,
/// `,`, `[` or `{` — so brackets inside plain scalars (`see [RFC 6749]`) do not count;
/// quoted scalars and comments are skipped. Block scalars are not tracked: text in them
/// could only make the count larger, and a real model never nests 64 brackets. Works on
/// bytes (every delimiter is ASCII, which never occurs inside a multi-byte UTF-8
/// character); the column is counted in characters only when reporting.
pub fn check_flow_depth(src: &str) -> Result<(), Diagnostic> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    // Last byte that is not a space or tab on the current line; `\n` at line start.
    let mut last = b'\n';
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => last = b'\n',
            b' ' | b'\t' | b'\r' => {}
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                // Comment to end of line.
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' if matches!(last, b'\n' | b'[' | b'{' | b',' | b':' | b'-' | b'?') => {
                // Quoted scalar: skip to the closing quote (a doubled '' or \" does not close).
                let quote = c;
                i += 1;
                while i < bytes.len() {
                    let n = bytes[i];
                    if quote == b'"' && n == b'\\' {
                        i += 1;
                    } else if n == quote {
                        if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
                last = quote;
            }
            b'[' | b'{' if matches!(last, b'\n' | b'[' | b'{' | b',' | b':' | b'-' | b'?') => {
                depth += 1;
                last = c;
                if depth > MAX_FLOW_DEPTH {
                    let line = bytes[..i].iter().filter(|&&b| b == b'\n').count() + 1;
                    let line_start = bytes[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                    let col = src[line_start..i].chars().count() + 1;
                    return Err(Diagnostic::new(
                        Code::InputLimit,
                        format!("nesting deeper than {MAX_FLOW_DEPTH} levels"),
                    )
                    .at_line(line as u32, col as u32));
                }
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                last = c;
            }
            _ => last = c,
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_depth() {
        assert!(check_flow_depth("a: [[[1]]]").is_ok());
        let deep = "x: ".to_string() + &"[".repeat(65);
        let d = check_flow_depth(&deep).unwrap_err();
        assert_eq!((d.location.line, d.location.column), (Some(1), Some(68)));
        // Brackets in quotes and comments do not count.
        let quoted = format!("x: \"{}\" # {}\ny: '{}'", "[".repeat(100), "{".repeat(100), "[".repeat(100));
        assert!(check_flow_depth(&quoted).is_ok());
        // Brackets inside plain scalars are text, not collections.
        let plain = "description: A[{ see [RFC 6749] {x\n".repeat(100);
        assert!(check_flow_depth(&plain).is_ok());
        // Flow collections split over lines still count.
        let multi = format!("x:\n{}", "  - [\n".repeat(70));
        assert!(check_flow_depth(&multi).is_err());
    }

    #[test]
    fn utf8_error_location() {
        let d = decode(b"a: 1\nb: caf\xC3\xA9 \xFF\n").unwrap_err();
        assert_eq!(d.code, Code::InvalidUtf8);
        assert_eq!((d.location.line, d.location.column), (Some(2), Some(9)));
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1").unwrap(), "a: 1");
    }
}
