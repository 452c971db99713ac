//! The catalog: what an index holds besides its passages — documents, participants, role groups,
//! and the content hash of every corpus file, so a rebuild can tell what changed.
//!
//! It is written as `catalog.json` next to the tantivy files of each index generation.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::FileReading;
use crate::durable::write_atomically;
use crate::error::{Error, Result};
use crate::model::{DocId, Document, Participant, RoleGroups};

/// File name of the catalog inside a generation directory.
pub const CATALOG_FILE: &str = "catalog.json";

/// Everything about an index generation that is not a passage.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// [`crate::schema::SCHEMA_VERSION`] of the index.
    pub schema_version: u32,
    /// Hash of the participants sheet, role groups and documents sheet: when it changes, every
    /// file is read again.
    pub config_hash: String,
    /// When this generation was built (RFC 3339, UTC).
    pub built_at: String,
    /// Every corpus file read, by path relative to the corpus root.
    pub files: BTreeMap<String, FileEntry>,
    /// Documents by id, with their passage counts.
    pub documents: BTreeMap<DocId, CatalogDocument>,
    /// The participants sheet.
    pub participants: Vec<Participant>,
    /// The role groups.
    pub role_groups: RoleGroups,
    /// Problems found in the config files (participants sheet, role groups), kept to be reported again.
    #[serde(default)]
    pub config_errors: Vec<StoredError>,
    /// The words indexed in pairs for phrases (see `analysis::PairWords`): chosen by the first
    /// build, kept by the updates.
    #[serde(default)]
    pub pair_words: Vec<String>,
    /// The edits of the corpus's `stopwords.txt` (a word, or `!word` to count a default again).
    #[serde(default)]
    pub stop_words: Vec<String>,
}

/// A corpus file as last indexed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// BLAKE3 hash of the file's bytes.
    pub hash: String,
    /// Documents it produced.
    pub documents: Vec<DocId>,
    /// Problems found in it (reported again on runs that find nothing changed).
    #[serde(default)]
    pub errors: Vec<StoredError>,
    /// Its speaker labels that name no participant, with their turn counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unmapped: BTreeMap<String, u32>,
}

/// A document with its passage count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogDocument {
    /// Metadata.
    #[serde(flatten)]
    pub document: Document,
    /// Number of passages indexed.
    pub passages: u32,
    /// How it was read (`None` in catalogs written before readings were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<FileReading>,
}

/// A malformed-input error, in a form that survives serialization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0: the whole file).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl StoredError {
    /// Keeps an error's file, line and message.
    pub fn from_error(error: &Error) -> StoredError {
        match error {
            Error::Malformed { path, line, reason } => StoredError {
                path: path.clone(),
                line: *line,
                reason: reason.clone(),
            },
            // An unreadable file or a broken link is reported by its path, like a malformed one.
            Error::Io { path, source } => StoredError {
                path: path.clone(),
                line: 0,
                reason: format!(
                    "cannot read it ({source}): check that it exists and that you may read it"
                ),
            },
            other => StoredError {
                path: PathBuf::new(),
                line: 0,
                reason: other.to_string(),
            },
        }
    }

    /// Turns it back into an error to report.
    pub fn to_error(&self) -> Error {
        Error::malformed(self.path.clone(), self.line, self.reason.clone())
    }
}

impl Catalog {
    /// Reads the catalog of a generation directory.
    pub fn load(generation: &Path) -> Result<Catalog> {
        let path = generation.join(CATALOG_FILE);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::Internal(format!(
                "{}: unreadable catalog ({e}); rebuild the index with `verbatim-index --force`",
                path.display()
            ))
        })
    }

    /// Writes the catalog durably, replacing any earlier one whole.
    pub fn save(&self, generation: &Path) -> Result<()> {
        let bytes = serde_json::to_vec(self).map_err(|e| Error::Internal(e.to_string()))?;
        write_atomically(&generation.join(CATALOG_FILE), &bytes)
    }

    /// Passages in the index, from the per-document counts.
    pub fn passage_count(&self) -> u64 {
        self.documents.values().map(|d| u64::from(d.passages)).sum()
    }
}
