//! Small filesystem helpers shared by the writers (YAML, project files, reports).

use std::path::Path;
use tempfile::NamedTempFile;

/// A temporary file beside `target` (named `prefix…suffix`) that will be renamed over
/// it. It has the permissions of the file it replaces; for a new file, what any program's
/// new file has: `rw-rw-rw-` less the user's umask. (Temporary files are otherwise
/// created private, which would make every rewritten model unreadable to the team; a
/// fixed `rw-r--r--` would ignore a user's private umask.)
pub fn temp_beside(target: &Path, prefix: &str, suffix: &str) -> std::io::Result<NamedTempFile> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix);
    match std::fs::metadata(target) {
        Ok(meta) => {
            let tmp = builder.tempfile_in(dir)?;
            tmp.as_file().set_permissions(meta.permissions())?;
            Ok(tmp)
        }
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // The mode asked of `open`, which the kernel narrows by the umask.
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            builder.tempfile_in(dir)
        }
    }
}

/// Writes `bytes` to `target` atomically: a temporary file beside it is written, synced
/// and renamed over it, so a reader never sees half a file and a crash leaves the old one.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = temp_beside(target, ".threatwright-", ".tmp")?;
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
