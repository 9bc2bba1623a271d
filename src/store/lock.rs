//! One writer per project file, whatever program writes: the desktop app, the CLI, a
//! script through the library. A writer holds an exclusive advisory lock (`flock`) on the
//! project file for as long as it has the file open; a note beside the file
//! (`FILE.twdb-lock`) says who holds it and since when, for the message others get.
//!
//! Readers take a shared lock when they can: then no writer can start while they read,
//! and they read the file as immutable, leaving nothing beside it (a read-only SQLite
//! connection would leave the write-ahead log's files behind). When a writer holds the
//! file, they read beside it through the write-ahead log, which the writer keeps.
//!
//! On a network file system (NFS, SMB/CIFS, AFS, 9p, Ceph, Coda, Lustre) neither SQLite's
//! write-ahead log nor advisory locks hold between machines, so writing is refused there
//! with the reason; reading works.
//!
//! Linux and macOS locks are advisory (`flock`) and leave SQLite's own locks alone. On
//! Windows `File::try_lock` is mandatory and covers the whole file, which would stop
//! SQLite's reads and writes: a Windows build must lock a byte range SQLite never uses,
//! or a sidecar file, instead.

use super::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Who holds the lock, as the note beside the file says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    /// A command: holds the file for one action and lets go.
    Command,
    /// An editing session (the desktop app): holds the file while it is open. Others are
    /// told at once that it is in use.
    Editor,
}

impl Writer {
    /// How long this writer waits for another command or a reader to let go: a command
    /// that runs in a script can wait; a person opening a file in the app is told soon.
    fn patience(self) -> Duration {
        match self {
            Writer::Command => Duration::from_secs(10),
            Writer::Editor => Duration::from_secs(2),
        }
    }
}

/// The lock a writer holds; let go when dropped (or when the process ends, however).
#[derive(Debug)]
pub(crate) struct Lock {
    /// The project file, open read-only: the lock is on it.
    _file: File,
    note: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The note goes first, then the lock with the file (fields drop after this).
        let _ = std::fs::remove_file(&self.note);
    }
}

/// The note beside `path` that names the writer holding it.
pub fn note_path(path: &Path) -> PathBuf {
    let mut note = path.as_os_str().to_owned();
    note.push("-lock");
    PathBuf::from(note)
}

/// Takes the writer lock of the project file at `path` for operating-system account
/// `account` acting as `writer`.
pub(crate) fn acquire(path: &Path, writer: Writer, account: &str) -> Result<Lock> {
    let io = |source| Error::Io { path: path.to_owned(), source };
    if let Some(fs) = network_file_system(path) {
        return Err(Error::NetworkFileSystem { path: path.to_owned(), fs: fs.to_owned() });
    }
    let file = File::open(path).map_err(io)?;
    let began = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                // A note left by a writer that died (its lock went with it) names no one.
                let holder = std::fs::read_to_string(note_path(path)).ok().filter(|n| !stale(n));
                let editor = holder.as_deref().is_some_and(|h| h.contains(EDITOR));
                if editor || began.elapsed() >= writer.patience() {
                    return Err(Error::InUse { path: path.to_owned(), holder: holder.map(|h| h.trim().to_owned()) });
                }
                std::thread::sleep(Duration::from_millis(15));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    let note = note_path(path);
    let what = match writer {
        Writer::Command => format!("the threatwright command (process {})", std::process::id()),
        Writer::Editor => format!("{EDITOR} (process {})", std::process::id()),
    };
    // Best effort: a folder that cannot be written to still lets the file be locked.
    let _ = std::fs::write(&note, format!("{account} in {what} since {}\n", crate::lifecycle::now()));
    Ok(Lock { _file: file, note })
}

/// A shared lock on the project file at `path` for a reader: `None` when a writer holds
/// the file (see the module's documentation).
pub(crate) fn share(path: &Path) -> std::io::Result<Option<File>> {
    let file = File::open(path)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Whether a note names no living process (Linux: `/proc`; elsewhere a note is believed).
fn stale(note: &str) -> bool {
    let pid = note.split("(process ").nth(1).and_then(|r| r.split(')').next()).and_then(|p| p.parse::<u32>().ok());
    match pid {
        None => true,
        Some(pid) => cfg!(target_os = "linux") && !Path::new(&format!("/proc/{pid}")).exists(),
    }
}

/// How an editing session names itself in the note.
const EDITOR: &str = "the Threatwright app";

/// The network file system `path` lies on, if any (Linux; elsewhere none is detected).
pub fn network_file_system(path: &Path) -> Option<&'static str> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut st = std::mem::MaybeUninit::<libc::statfs>::zeroed();
        // SAFETY: `c` is a NUL-terminated path and `st` a buffer of the right type that
        // `statfs` fills; it is read only when the call succeeds.
        let ok = unsafe { libc::statfs(c.as_ptr(), st.as_mut_ptr()) } == 0;
        if !ok {
            return None;
        }
        // SAFETY: `statfs` succeeded, so it filled `st`.
        // `f_type`'s width and sign differ between C libraries and targets.
        #[allow(clippy::unnecessary_cast)]
        let kind = unsafe { st.assume_init() }.f_type as i64;
        network_kind(kind)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// The name of a network file system by its `statfs` magic number (from the Linux
/// kernel's `include/uapi/linux/magic.h` and the file systems' sources).
fn network_kind(magic: i64) -> Option<&'static str> {
    Some(match magic & 0xFFFF_FFFF {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x5346_414F => "AFS",
        0x6B41_4653 => "kAFS",
        0x0102_1997 => "9p",
        0x00C3_6400 => "Ceph",
        0x7375_7245 => "Coda",
        0x0BD0_0BD0 => "Lustre",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_are_known_by_their_magic() {
        assert_eq!(network_kind(0x6969), Some("NFS"));
        assert_eq!(network_kind(0xFF53_4D42), Some("CIFS"));
        // statfs gives a signed word on some targets: the same bits.
        assert_eq!(network_kind(0xFF53_4D42u32 as i32 as i64), Some("CIFS"));
        assert_eq!(network_kind(0xEF53), None, "ext4 is local");
        assert_eq!(network_kind(0x0102_1994), None, "tmpfs is local");
        assert_eq!(network_file_system(&std::env::temp_dir().join("x.twdb")), None);
    }

    #[test]
    fn a_note_of_a_process_gone_is_stale() {
        let me = format!(
            "ana (uid 1000) in the Threatwright app (process {}) since 2026-12-07T10:00:00Z",
            std::process::id()
        );
        assert!(!stale(&me));
        assert!(stale("ana (uid 1000) in the Threatwright app (process 4294967295) since 2026-12-07T10:00:00Z"));
        assert!(stale(""), "an empty or unreadable note names no one");
    }
}
