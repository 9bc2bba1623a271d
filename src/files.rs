//! Small filesystem helpers shared by the writers (YAML, project files, reports).

use std::fs::File;
use std::path::Path;

/// Gives a temporary file that will replace `target` the permissions a user expects:
/// those of the file it replaces, or `rw-r--r--` for a new file. (Temporary files are
/// created private, which would make every rewritten model unreadable to the team.)
pub fn adopt_permissions(tmp: &File, target: &Path) -> std::io::Result<()> {
    let perms = match std::fs::metadata(target) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                return Ok(());
            }
        }
    };
    tmp.set_permissions(perms)
}

/// Writes `bytes` to `target` atomically: a temporary file beside it is written, synced
/// and renamed over it, so a reader never sees half a file and a crash leaves the old one.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    adopt_permissions(tmp.as_file(), target)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Whether a path names a project file: by its extension, else by its first bytes
/// (a project file renamed to something else is still recognised).
pub fn is_project_path(path: &std::path::Path) -> bool {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("twdb")) {
        return true;
    }
    // Only regular files are sniffed: reading the first bytes of a pipe (`/dev/stdin`,
    // `<(...)`) would take them away from the YAML reader.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut magic = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut f) => {
            use std::io::Read;
            f.read_exact(&mut magic).is_ok() && &magic == b"SQLite format 3\0"
        }
        Err(_) => false,
    }
}
