//! Index lifecycle: build into a fresh directory, swap it in atomically, update incrementally.
//!
//! An index directory holds generations (`gen-<millis>-<pid>/`, each a complete tantivy index
//! plus its [`Catalog`]) and a `CURRENT` file naming the live one. A build never writes into the
//! live generation: it hard-links the live generation's immutable segment files into a new
//! directory, deletes the passages of changed files, adds the new ones, commits, and only then
//! replaces `CURRENT` with an atomic rename. A crash at any point leaves the previous generation
//! live and intact; the next build removes the debris.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::catalog::Catalog;


/// File naming the live generation.
const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation directories.
const GENERATION_PREFIX: &str = "gen-";
/// Held while a build runs, so two builds of one index never interleave.
#[allow(dead_code)]
const LOCK_FILE: &str = "build.lock";
/// Memory the tantivy writer may use before flushing a segment.
#[allow(dead_code)]
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Show a progress bar on stderr (only honoured when stderr is a terminal).
    pub progress: bool,
    /// Rebuild everything even if nothing changed.
    pub force: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// True when the index was already up to date and nothing was done.
    pub up_to_date: bool,
    /// Documents in the index after the build.
    pub documents: u64,
    /// Passages in the index after the build.
    pub passages: u64,
    /// Passages per document kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Passages per language.
    pub by_lang: BTreeMap<String, u64>,
    /// Files (re)indexed in this run.
    pub files_indexed: u64,
    /// Files removed from the index because they left the corpus.
    pub files_removed: u64,
    /// Bytes of corpus files read and indexed in this run.
    pub bytes_read: u64,
    /// Files skipped, with why (not a corpus format).
    pub skipped: Vec<(String, String)>,
    /// Malformed files and rows; everything else was indexed.
    pub errors: Vec<Error>,
    /// Wall time.
    pub elapsed: Duration,
}

/// The directory of the live generation of an index, if there is one.
pub fn current_generation(index_dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    let valid = name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']);
    valid.then(|| index_dir.join(name)).filter(|dir| dir.is_dir())
}

/// Builds or updates the index of `corpus` in `index_dir`.
#[allow(unused_variables)]
pub fn build(corpus: &Path, index_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    todo!("parked until ingest lands")
}
