//! Generation directories: `CURRENT` names the live one, a build writes a new one beside it and
//! swaps it in atomically, then removes the rest; a lock file keeps builds of one index apart.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::durable::{TEMP_SUFFIX, write_atomically};
use crate::error::{Error, Result};

/// File naming the live generation.
pub(crate) const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation directories.
const GENERATION_PREFIX: &str = "gen-";
/// Held while a build runs, so two builds of one index never interleave.
const LOCK_FILE: &str = "build.lock";

/// The directory of the live generation of an index, if there is one.
pub fn current_generation(index_dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    let valid = name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']);
    valid
        .then(|| index_dir.join(name))
        .filter(|dir| dir.is_dir())
}

/// Creates an empty generation directory with a name no other build has used.
pub(super) fn new_generation_dir(index_dir: &Path) -> Result<PathBuf> {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let dir = index_dir.join(format!(
        "{GENERATION_PREFIX}{millis}-{}",
        std::process::id()
    ));
    fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Hard-links (or copies, where links are not possible) the tantivy files of `from` into `to`.
/// Tantivy never modifies a segment file once written, so sharing them between generations is safe.
pub(super) fn link_segments(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.ends_with(".lock") || name_str.ends_with(TEMP_SUFFIX) {
            continue;
        }
        let target = to.join(&name);
        if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(())
}

/// Makes `generation` the live one with an atomic rename of `CURRENT`.
pub(super) fn swap_in(index_dir: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Internal("generation directory has no name".into()))?;
    write_atomically(&index_dir.join(CURRENT_FILE), name.as_bytes())
}

/// Removes every generation but the live one (leftovers of crashed or superseded builds) and
/// temporary files a crash left beside them. Readers that still hold an older generation open
/// keep its (unlinked) files until they close.
pub(super) fn remove_debris(index_dir: &Path, live: &Path) {
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let removed = if name.starts_with(GENERATION_PREFIX) && path != live && path.is_dir() {
            fs::remove_dir_all(&path)
        } else if name.ends_with(TEMP_SUFFIX) && path.is_file() {
            fs::remove_file(&path)
        } else {
            continue;
        };
        if let Err(e) = removed {
            tracing::warn!(path = %path.display(), error = %e, "could not remove what an earlier build left");
        }
    }
}

/// An exclusive lock on the index directory for the length of a build.
pub(super) struct BuildLock(fs::File);

impl BuildLock {
    /// Takes the lock, or fails at once when another build holds it.
    pub(super) fn acquire(index_dir: &Path) -> Result<BuildLock> {
        let path = index_dir.join(LOCK_FILE);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock(file)),
            Err(fs::TryLockError::WouldBlock) => Err(Error::io(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another build of this index is running; wait for it to finish",
                ),
            )),
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris_goes_and_the_live_generation_stays() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path();
        let (old, live) = (new_generation_dir(index).unwrap(), index.join("gen-2-1"));
        fs::create_dir(&live).unwrap();
        fs::write(live.join("meta.json"), "{}").unwrap();
        swap_in(index, &live).unwrap();
        assert_eq!(current_generation(index), Some(live.clone()));
        fs::write(index.join(".CURRENT-crashed.tmp"), "gen-3-1").unwrap();
        fs::write(index.join(LOCK_FILE), "").unwrap();

        remove_debris(index, &live);
        let mut left: Vec<String> = fs::read_dir(index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [CURRENT_FILE, LOCK_FILE, "gen-2-1"]);
        assert!(!old.exists());
        assert!(live.join("meta.json").exists());
    }
}
