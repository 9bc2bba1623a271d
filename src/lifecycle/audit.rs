//! The audit log's hash chain. Each entry's hash covers its own fields and the previous
//! entry's hash, so changing or removing an entry breaks every later link. The chain head
//! (last sequence number and hash) is also kept apart from the log (in the project
//! file's metadata and in every report), so that removing the newest entries is caught too.
//!
//! What it cannot catch: someone with write access who rewrites the whole log from the
//! tampered entry onwards and updates the stored head as well. Reports that cite the
//! head, and baselines, make such a rewrite visible against any copy made before it.

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
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry: SHA-256 over every field but `hash`, each length-prefixed so
/// that no two different entries encode alike.
pub fn hash(e: &Entry) -> String {
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
    for part in [&e.before, &e.after] {
        match part {
            Some(s) => {
                field(b"1");
                field(s.as_bytes());
            }
            None => field(b"0"),
        }
    }
    field(e.prev_hash.as_bytes());
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

/// Checks a log, entries in sequence order, against the separately stored head.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>, stored_head: Option<(u64, &str)>) -> Verification {
    let mut prev = GENESIS.to_owned();
    let mut count = 0u64;
    let mut head = None;
    for (expected_seq, e) in (1u64..).zip(entries) {
        count += 1;
        let broken =
            |seq: u64, why: String| Verification { entries: count, head: head.clone(), broken: Some((seq, why)) };
        if e.seq != expected_seq {
            return broken(
                expected_seq,
                format!("entry {expected_seq} is missing (the log jumps from {} to {})", expected_seq - 1, e.seq),
            );
        }
        if e.prev_hash != prev {
            return broken(
                e.seq,
                "its link to the previous entry does not match: the entry before it was changed".into(),
            );
        }
        if hash(e) != e.hash {
            return broken(e.seq, format!("its content does not match its hash: entry {} was changed", e.seq));
        }
        prev = e.hash.clone();
        head = Some((e.seq, e.hash.clone()));
    }
    let last = head.clone();
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
        _ => None,
    };
    Verification { entries: count, head: last, broken }
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
        let v = verify(&log, Some(head));
        assert!(v.ok(), "{v:?}");
        assert_eq!(v.entries, 5);
        assert!(verify(&[], None).ok());
    }

    #[test]
    fn changes_removals_and_truncation_are_named() {
        let mut log = chain(5);
        let head = (5, log[4].hash.clone());
        log[2].who = "mallory".into();
        let v = verify(&log, Some((head.0, &head.1)));
        assert_eq!(v.broken.unwrap().0, 3, "the changed entry is named");

        let mut log = chain(5);
        log.remove(1);
        assert_eq!(verify(&log, Some((head.0, &head.1))).broken.unwrap().0, 2, "the missing entry is named");

        let mut log = chain(5);
        log.pop();
        let v = verify(&log, Some((head.0, &head.1)));
        assert_eq!(
            v.broken,
            Some((
                5,
                "the log ends at entry 4, but the recorded head is entry 5: entries were removed or added".into()
            ))
        );
    }
}
