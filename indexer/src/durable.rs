//! Files replaced whole and durably: readers see the old content or the new, never a mix, and a
//! power cut after the write cannot undo it.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Ends the name of every temporary file, so leftovers of a crash can be told apart.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` through a temporary file in the same directory, synced, then
/// renamed over `path` and the directory entry flushed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(
        ".{}-",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Readable per the user's umask like any file it writes, not the temp file's 0600:
        // an index built by one account may be served by another.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Error::io(file.path(), e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    sync_dir(dir)
}

/// Flushes a directory's entries, so a rename or a new file in it survives a power cut.
pub fn sync_dir(dir: &Path) -> Result<()> {
    // Directories cannot be opened for syncing on every platform; where they can't, the rename
    // is still atomic, just not yet durable.
    if let Ok(handle) = fs::File::open(dir) {
        handle.sync_all().map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_replaced_whole_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("CURRENT");
        fs::write(&path, "gen-1-old-and-longer").unwrap();
        write_atomically(&path, b"gen-2").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "gen-2");
        assert_eq!(names(dir.path()), ["CURRENT"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_as_readable_as_any_other_the_user_writes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (ours, plain) = (dir.path().join("catalog.json"), dir.path().join("plain"));
        write_atomically(&ours, b"{}").unwrap();
        fs::write(&plain, b"{}").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&plain));
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such");
        match write_atomically(&missing.join("CURRENT"), b"x") {
            Err(Error::Io { path, .. }) => assert_eq!(path, missing),
            other => panic!("expected an I/O error naming the directory, got {other:?}"),
        }
    }
}
