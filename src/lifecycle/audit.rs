//! The audit log's hash chain. Each entry's hash covers its own fields and the previous
//! entry's hash, so changing or removing an entry breaks every later link. The chain head
//! (last sequence number and hash) is also kept apart from the log — in the project file's
//! metadata — and every baseline records the head as it was when it was signed (an
//! [`Anchor`]), so removing the newest entries is caught, and so is a consistent rewrite of
//! history that a baseline had already seen.
//!
//! What it cannot catch: someone with write access who rewrites the log after the latest
//! baseline's anchor and updates the stored head too — or rewrites baselines as well. A
//! copy of the head kept outside the file (a report, a CI log, a git commit of the
//! exported model) makes such a rewrite visible against it.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub at: String,
    pub who: String,
    /// What was done: `threat.status`, `mitigation.add`, `model.replace`...
    pub action: String,
    /// What it was done to: `threat`, `mitigation`, `model`...
    pub object_kind: String,
    /// Its reference or id.
    pub object: String,
    /// JSON before and after; absent for creations and deletions respectively.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The operating-system account that ran the program (`who` is the name the person
    /// configured). Absent in entries written before schema 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_user: Option<String>,
    /// The digest of the rows this entry sealed (the last entry of each action seals every
    /// row the action wrote: see `store::seal`). Absent when the action wrote no sealed row,
    /// and in entries written before schema 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// An entry's fields, borrowed (as read from the project file, without copying them).
#[derive(Clone, Copy, Debug)]
pub struct EntryRef<'a> {
    pub seq: u64,
    pub at: &'a str,
    pub who: &'a str,
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub os_user: Option<&'a str>,
    pub state: Option<&'a str>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

impl Entry {
    pub fn borrowed(&self) -> EntryRef<'_> {
        EntryRef {
            seq: self.seq,
            at: &self.at,
            who: &self.who,
            action: &self.action,
            object_kind: &self.object_kind,
            object: &self.object,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
            os_user: self.os_user.as_deref(),
            state: self.state.as_deref(),
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

/// The hash of an entry (see [`digest`]), in hexadecimal.
pub fn hash(e: &Entry) -> String {
    hex(&digest(&e.borrowed()))
}

/// The digest of an entry: SHA-256 over every field but `hash`, each length-prefixed so
/// that no two different entries encode alike. The fields added with schema 4
/// (`os_user`, `state`) follow the link, each behind its own tag and only when present,
/// so entries written before them keep their hashes.
pub fn digest(e: &EntryRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(&e.seq.to_be_bytes());
    field(e.at.as_bytes());
    field(e.who.as_bytes());
    field(e.action.as_bytes());
    field(e.object_kind.as_bytes());
    field(e.object.as_bytes());
    for part in [e.before, e.after] {
        match part {
            Some(s) => {
                field(b"1");
                field(s.as_bytes());
            }
            None => field(b"0"),
        }
    }
    field(e.prev_hash.as_bytes());
    for (tag, value) in [(&b"os-user"[..], e.os_user), (&b"state"[..], e.state)] {
        if let Some(v) = value {
            field(tag);
            field(v.as_bytes());
        }
    }
    h.finalize().into()
}

/// Whether `text` is the lower-case hexadecimal of `bytes` (no allocation).
pub fn is_hex_of(text: &str, bytes: &[u8]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    text.len() == bytes.len() * 2
        && text
            .as_bytes()
            .chunks_exact(2)
            .zip(bytes)
            .all(|(t, b)| t[0] == DIGITS[(b >> 4) as usize] && t[1] == DIGITS[(b & 0xf) as usize])
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

/// What a verification found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The last entry's sequence number and hash.
    pub head: Option<(u64, String)>,
    /// The first problem, if any: the entry's sequence number and what is wrong.
    pub broken: Option<(u64, String)>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }
}

/// A hash the log must have at an entry, recorded elsewhere: each baseline records the
/// head of the log when it was signed.
#[derive(Clone, Debug)]
pub struct Anchor {
    pub seq: u64,
    pub hash: String,
    /// Where it is recorded ("baseline 3").
    pub holder: String,
}

/// Checks a log, entries in sequence order, against the separately stored head and the
/// anchors recorded by baselines.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    stored_head: Option<(u64, &str)>,
    anchors: &[Anchor],
) -> Verification {
    let mut chain = Chain::new(anchors);
    for e in entries {
        if !chain.push(&e.borrowed()) {
            break;
        }
    }
    chain.finish(stored_head)
}

/// A verification in progress, fed one entry at a time (in sequence order), so that a
/// long log is checked as it is read, without holding it.
pub struct Chain<'a> {
    anchors: &'a [Anchor],
    /// The last entry's hash (`GENESIS` before the first).
    prev: String,
    count: u64,
    head: Option<u64>,
    broken: Option<(u64, String)>,
}

impl<'a> Chain<'a> {
    pub fn new(anchors: &'a [Anchor]) -> Chain<'a> {
        Chain { anchors, prev: GENESIS.to_owned(), count: 0, head: None, broken: None }
    }

    /// Checks the next entry; false once the chain is broken (later entries change
    /// nothing).
    pub fn push(&mut self, e: &EntryRef<'_>) -> bool {
        if self.broken.is_some() {
            return false;
        }
        self.count += 1;
        let expected = self.count;
        self.broken = if e.seq != expected {
            Some((expected, format!("entry {expected} is missing (the log jumps from {} to {})", expected - 1, e.seq)))
        } else if e.prev_hash != self.prev {
            Some((e.seq, "its link to the previous entry does not match: the entry before it was changed".into()))
        } else if !is_hex_of(e.hash, &digest(e)) {
            Some((e.seq, format!("its content does not match its hash: entry {} was changed", e.seq)))
        } else {
            self.anchors.iter().find(|a| a.seq == e.seq && a.hash != e.hash).map(|a| {
                (
                    e.seq,
                    format!(
                        "entry {} is not the one {} recorded: the log was rewritten at or before it",
                        e.seq, a.holder
                    ),
                )
            })
        };
        if self.broken.is_some() {
            return false;
        }
        self.prev.clear();
        self.prev.push_str(e.hash);
        self.head = Some(e.seq);
        true
    }

    /// The verification, given the head recorded apart from the log.
    pub fn finish(self, stored_head: Option<(u64, &str)>) -> Verification {
        let last = self.head.map(|seq| (seq, self.prev));
        if let Some(broken) = self.broken {
            return Verification { entries: self.count, head: last, broken: Some(broken) };
        }
        let last_seq = last.as_ref().map_or(0, |(s, _)| *s);
        let broken = match (stored_head, &last) {
            (Some((seq, h)), Some((lseq, lh))) if seq == *lseq && h != lh => {
                Some((seq, format!("entry {seq} does not match the recorded head: the last entry was replaced")))
            }
            (Some((seq, _)), Some((lseq, _))) if seq != *lseq => Some((
                seq.max(*lseq),
                format!(
                    "the log ends at entry {lseq}, but the recorded head is entry {seq}: entries were removed or added"
                ),
            )),
            (Some((seq, _)), None) => Some((seq, format!("the log is empty, but the recorded head is entry {seq}"))),
            (None, Some((lseq, _))) => {
                Some((*lseq, format!("the log has {lseq} entries, but its recorded head is missing: it was removed")))
            }
            _ => None,
        };
        // An anchor beyond the end: entries the baseline saw are gone.
        let broken = broken.or_else(|| {
            self.anchors.iter().filter(|a| a.seq > last_seq).max_by_key(|a| a.seq).map(|a| {
                (
                    a.seq,
                    format!(
                        "{} recorded entry {}, but the log ends at entry {last_seq}: entries were removed",
                        a.holder, a.seq
                    ),
                )
            })
        });
        Verification { entries: self.count, head: last, broken }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Entry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: format!("2026-11-27T10:00:{seq:02}Z"),
                    who: "ana".into(),
                    action: "threat.status".into(),
                    object_kind: "threat".into(),
                    object: format!("TW-{seq:04}"),
                    before: Some("{\"status\":\"open\"}".into()),
                    after: Some("{\"status\":\"accepted\"}".into()),
                    os_user: None,
                    state: None,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let log = chain(5);
        let head = (5, log[4].hash.as_str());
        let v = verify(&log, Some(head), &[]);
        assert!(v.ok(), "{v:?}");
        assert_eq!(v.entries, 5);
        assert!(verify(&[], None, &[]).ok());
    }

    #[test]
    fn changes_removals_and_truncation_are_named() {
        let mut log = chain(5);
        let head = (5, log[4].hash.clone());
        log[2].who = "mallory".into();
        let v = verify(&log, Some((head.0, &head.1)), &[]);
        assert_eq!(v.broken.unwrap().0, 3, "the changed entry is named");

        let mut log = chain(5);
        log.remove(1);
        assert_eq!(verify(&log, Some((head.0, &head.1)), &[]).broken.unwrap().0, 2, "the missing entry is named");

        let mut log = chain(5);
        log.pop();
        let v = verify(&log, Some((head.0, &head.1)), &[]);
        assert_eq!(
            v.broken,
            Some((
                5,
                "the log ends at entry 4, but the recorded head is entry 5: entries were removed or added".into()
            ))
        );
    }

    /// Rewrites the log from entry `from` on, consistently (what someone with write access
    /// and this source code could do).
    fn rewrite(log: &mut [Entry], from: usize) {
        log[from - 1].who = "mallory".into();
        for i in from - 1..log.len() {
            log[i].prev_hash = if i == 0 { GENESIS.to_owned() } else { log[i - 1].hash.clone() };
            log[i].hash = hash(&log[i]);
        }
    }

    #[test]
    fn a_missing_head_and_consistent_rewrites_before_an_anchor_are_caught() {
        let log = chain(5);
        assert_eq!(verify(&log, None, &[]).broken.unwrap().0, 5, "entries without a recorded head");

        let anchor = |seq: u64, log: &[Entry]| Anchor {
            seq,
            hash: log[seq as usize - 1].hash.clone(),
            holder: "baseline 1".into(),
        };
        let original = chain(5);
        let anchors = [anchor(4, &original)];
        let mut log = original.clone();
        rewrite(&mut log, 3);
        let head = (5, log[4].hash.as_str());
        let v = verify(&log, Some(head), &anchors);
        assert_eq!(
            v.broken,
            Some((4, "entry 4 is not the one baseline 1 recorded: the log was rewritten at or before it".into()))
        );
        // A rewrite after the last anchor cannot be told from honest history.
        let mut log = original.clone();
        rewrite(&mut log, 5);
        assert!(verify(&log, Some((5, log[4].hash.as_str())), &anchors).ok());
        // Truncation below an anchor, with the head moved back too.
        let log = &original[..3];
        let v = verify(log, Some((3, log[2].hash.as_str())), &anchors);
        assert_eq!(v.broken.unwrap().0, 4);
    }
}
