//! Alias-expansion protection ("billion laughs").
//!
//! libyaml's deserializer caps the *number* of alias replays, not their *size*: a 10 KB
//! string anchored once and aliased 10,000 times is 100 MB of model. Before serde sees
//! a file that uses aliases, this pass adds up what every alias would expand to and
//! refuses the file when the total passes the size cap.

use crate::model::{Code, Diagnostic};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};

/// Whether the text may use anchors and aliases at all (cheap; false means no pass).
pub fn may_alias(src: &str) -> bool {
    src.contains('&') && src.contains('*')
}

/// Refuses `src` when expanding its aliases would exceed `max_bytes`.
pub fn check_expansion(src: &str, max_bytes: u64) -> Result<(), Diagnostic> {
    // Size of each anchored node once expanded (scalar bytes plus one per event, so that
    // empty structures still count).
    let mut anchors: HashMap<usize, u64> = HashMap::new();
    // Open anchored collections: (anchor id, expanded size so far).
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total = src.len() as u64;
    let mut parser = Parser::new_from_str(src);
    loop {
        let Ok((event, mark)) = parser.next_token() else {
            return Ok(()); // a syntax error: serde reports it, with its location
        };
        let size: u64 = match &event {
            Event::StreamEnd => return Ok(()),
            Event::Scalar(s, _, anchor, _) => {
                let n = s.len() as u64 + 1;
                if *anchor != 0 {
                    anchors.insert(*anchor, n);
                }
                n
            }
            Event::Alias(id) => {
                if open.iter().any(|(a, _)| a == id) {
                    return Err(Diagnostic::new(
                        Code::InputLimit,
                        "a YAML alias refers to a node that contains it (a cycle); refusing the file",
                    )
                    .at_line(mark.line() as u32, mark.col() as u32 + 1));
                }
                let n = anchors.get(id).copied().unwrap_or(1);
                total = total.saturating_add(n);
                if total > max_bytes {
                    return Err(Diagnostic::new(
                        Code::InputLimit,
                        format!(
                            "YAML aliases expand to more than {max_bytes} bytes (an alias bomb?); refusing the file"
                        ),
                    )
                    .at_line(mark.line() as u32, mark.col() as u32 + 1));
                }
                n
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                open.push((*anchor, 1));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some((anchor, n)) = open.pop() else { continue };
                if anchor != 0 {
                    anchors.insert(anchor, n);
                }
                n
            }
            _ => continue,
        };
        if let Some(top) = open.last_mut() {
            top.1 = top.1.saturating_add(size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nested_expansion() {
        let ok = "a: &x [1, 2]\nb: [*x, *x]\n";
        assert!(check_expansion(ok, 1000).is_ok());
        // 10 levels of 10 aliases: 10^10 scalars.
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*l{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
        }
        let d = check_expansion(&bomb, 64 << 20).unwrap_err();
        assert_eq!(d.code, Code::InputLimit);
    }
}
