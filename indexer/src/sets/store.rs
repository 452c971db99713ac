//! The sets folder: one TOML file per set, `NAME.toml`, in `sets/` at the root of the index
//! directory, beside (never inside) its generations, so no rebuild, `--force` included, touches it
//! and a researcher can keep it under version control.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{HitSet, SetName};
use crate::durable::write_atomically;
use crate::error::{Error, Result};

/// Name of the sets folder inside the index directory.
pub const SETS_DIR: &str = "sets";

/// The sets of one index.
#[derive(Debug, Clone)]
pub struct SetStore {
    dir: PathBuf,
}

/// What `list` found: the sets that read, and an error for each file that did not.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetList {
    /// Every readable set, by name.
    pub sets: Vec<SetSummary>,
    /// One message per set file that could not be read, naming the file and line.
    pub errors: Vec<String>,
}

/// A set in a list: its name, search and size.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetSummary {
    /// The set's name.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: SetName,
    /// What the set is for.
    pub description: String,
    /// The query it was saved from.
    pub q: String,
    /// How each passage is widened.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^(passage|turn|context=([1-9]|1[0-9]|20))$"))]
    pub unit: super::Unit,
    /// Passages in the set.
    pub passages: usize,
    /// Passages dropped from it.
    pub dropped: usize,
}

impl SetStore {
    /// The sets of the index at `index_dir` (the folder need not exist yet).
    pub fn of_index(index_dir: &Path) -> SetStore {
        SetStore {
            dir: index_dir.join(SETS_DIR),
        }
    }

    /// The sets folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &SetName) -> PathBuf {
        self.dir.join(format!("{name}.toml"))
    }

    /// Every set, by name; a file that does not read is an entry in `errors`, the rest still listed.
    pub fn list(&self) -> Result<SetList> {
        let mut list = SetList::default();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(list),
            Err(e) => return Err(Error::io(&self.dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&self.dir, e))?.path();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if path.extension().is_none_or(|ext| ext != "toml") {
                continue;
            }
            match SetName::parse(stem) {
                Ok(name) => names.push(name),
                Err(e) => list.errors.push(format!("{}: {e}", path.display())),
            }
        }
        names.sort();
        for name in names {
            match self.load(&name) {
                Ok(set) => list.sets.push(SetSummary {
                    description: set.description.clone(),
                    q: set.search.q.clone(),
                    unit: set.unit,
                    passages: set.passages.len(),
                    dropped: set.dropped.len(),
                    name,
                }),
                Err(e) => list.errors.push(e.to_string()),
            }
        }
        Ok(list)
    }

    /// Whether a set of that name exists.
    pub fn exists(&self, name: &SetName) -> bool {
        self.path(name).is_file()
    }

    /// Reads a set; [`Error::NotFound`] if there is none, [`Error::Malformed`] with the file and
    /// line if it was edited into something that does not read.
    pub fn load(&self, name: &SetName) -> Result<HitSet> {
        let path = self.path(name);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound {
                    what: format!("set {:?}", name.as_str()),
                });
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map_or(0, |span| text[..span.start].matches('\n').count() + 1);
            Error::malformed(&path, line, e.message().trim_end().to_string())
        })
    }

    /// Writes a set in one atomic step (a reader sees the old file or the new one).
    pub fn save(&self, name: &SetName, set: &HitSet) -> Result<()> {
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let text = toml::to_string_pretty(set).map_err(|e| {
            Error::Internal(format!(
                "set {:?} does not write as TOML: {e}",
                name.as_str()
            ))
        })?;
        write_atomically(&self.path(name), text.as_bytes())
    }

    /// Removes a set; [`Error::NotFound`] if there is none.
    pub fn delete(&self, name: &SetName) -> Result<()> {
        let path = self.path(name);
        fs::remove_file(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: format!("set {:?}", name.as_str()),
            },
            _ => Error::io(&path, e),
        })
    }
}
