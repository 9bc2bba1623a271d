//! Reading the 100-byte SQLite header of a file without opening it as a database.
//!
//! Opening a file with SQLite can change it (journal mode, recovery of a hot journal).
//! A file that is not ours, or is from a newer Threatwright, must be left exactly as it
//! is, so those checks read the header bytes with plain file IO first.

use std::io::Read;
use std::path::Path;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the header says about a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Inspection {
    /// The path does not exist.
    Missing,
    /// A directory, a pipe, a device: never opened (opening a pipe would wait for a
    /// writer).
    NotAFile,
    /// Zero bytes long.
    Empty,
    /// Not a SQLite database at all.
    NotSqlite,
    /// A SQLite database.
    Sqlite {
        application_id: u32,
        user_version: u32,
        /// Size the header claims, when the header says it is trustworthy.
        claimed_len: Option<u64>,
        actual_len: u64,
    },
}

/// Whether a write-ahead log with content lies beside the file: then the file's header may
/// claim pages that are still only in the log (a checkpoint writes the first page, with
/// the new size, before the pages it adds — and a process killed mid-checkpoint leaves the
/// file so until the next open replays the log).
pub fn has_wal(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// [`inspect`], read again for a while when the header claims more pages than the file
/// has and no log is there to hold them: another process's checkpoint may have been
/// finishing. A file that really is truncated still looks so after the retries.
pub fn inspect_settled(path: &Path) -> std::io::Result<Inspection> {
    let mut tries = 0;
    loop {
        let found = inspect(path)?;
        match &found {
            Inspection::Sqlite { claimed_len: Some(c), actual_len, .. }
                if c > actual_len && tries < 25 && !has_wal(path) =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => return Ok(found),
        }
    }
}

pub fn inspect(path: &Path) -> std::io::Result<Inspection> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Ok(Inspection::NotAFile),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Inspection::Missing),
        _ => {}
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Inspection::Missing),
        Err(e) => return Err(e),
    };
    let actual_len = file.metadata()?.len();
    if actual_len == 0 {
        return Ok(Inspection::Empty);
    }
    let mut header = [0u8; 100];
    let mut got = 0;
    while got < header.len() {
        match file.read(&mut header[got..])? {
            0 => break,
            n => got += n,
        }
    }
    if got < header.len() || &header[..16] != MAGIC {
        return Ok(Inspection::NotSqlite);
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let change_counter = be32(24);
    let pages = u64::from(be32(28));
    let valid_for = be32(92);
    // The in-header size is only meaningful when "version-valid-for" matches the change
    // counter (otherwise an old SQLite wrote the file and the size may be stale).
    let claimed_len = (pages > 0 && change_counter == valid_for).then_some(pages * page_size);
    Ok(Inspection::Sqlite { application_id: be32(68), user_version: be32(60), claimed_len, actual_len })
}
