//! Writing a file the user reads or commits (a report, the baseline) so that nobody sees it
//! half-written, with the permissions a plain write would give it.
//!
//! A temporary file renamed into place is atomic, but `tempfile` creates it with mode 0600,
//! which a CI step running as another user cannot read. So the temporary file is created with
//! 0666 minus the umask, as `open(O_CREAT)` does for a plain write, and an existing file's mode
//! is kept when it is replaced.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` through a temporary file in the same directory.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let existing = std::fs::metadata(path).ok().map(|meta| meta.permissions());
    let temporary = written_beside(path, contents)?;
    if let Some(permissions) = existing {
        temporary.as_file().set_permissions(permissions)?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Like [`write_atomically`], but only when `path` does not exist: an error of kind
/// `AlreadyExists` otherwise, decided when the file is put in place (a hard link, which fails
/// on an existing name), so of several processes racing to create one file exactly one does.
pub fn create_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let temporary = written_beside(path, contents)?;
    temporary
        .persist_noclobber(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// A temporary file in `path`'s directory holding `contents`, on disk.
fn written_beside(path: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = builder().tempfile_in(directory)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_data()?;
    Ok(temporary)
}

#[cfg(unix)]
fn builder() -> tempfile::Builder<'static, 'static> {
    use std::os::unix::fs::PermissionsExt;
    let mut builder = tempfile::Builder::new();
    // The kernel applies the umask to this mode, as for any newly created file.
    builder.permissions(std::fs::Permissions::from_mode(0o666));
    builder
}

#[cfg(not(unix))]
fn builder() -> tempfile::Builder<'static, 'static> {
    tempfile::Builder::new()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_files_get_the_umask_mode_and_replaced_files_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.json");
        write_atomically(&fresh, b"{}").unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, a plain write would let the owner read and write, and it is
        // never the 0600 of a bare temporary file unless the umask itself says so.
        let umask_mode = {
            let probe = dir.path().join("probe");
            std::fs::write(&probe, b"").unwrap();
            std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777
        };
        assert_eq!(mode, umask_mode);

        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, b"new").unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn creating_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        create_atomically(&path, b"first").unwrap();
        let error = create_atomically(&path, b"second").unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        // Nothing left behind: the refused temporary file is removed.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
