//! Building an index: into a fresh directory, swapped in atomically, updated incrementally.
//!
//! An index directory holds generations (`gen-<millis>-<pid>/`, each a complete tantivy index
//! plus its [`Catalog`]) and a `CURRENT` file naming the live one. A build never writes into the
//! live generation: it hard-links the live generation's immutable segment files into a new
//! directory, deletes the passages of changed files, adds the new ones, commits, and only then
//! replaces `CURRENT` with an atomic rename. A crash at any point leaves the previous generation
//! live and intact; the next build removes the debris.
//!
//! One step per module: `scan` reads the corpus and hashes its files, `plan` decides which files
//! to re-read and which to drop, `write` fills the new generation, and `generations` names,
//! swaps, removes and locks generation directories.

mod generations;
mod inspect;
mod plan;
mod scan;
mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[cfg(test)]
pub(crate) use generations::CURRENT_FILE;
pub use generations::current_generation;
pub use inspect::inspect;
pub use plan::FileChanges;

use crate::api::FileReading;
use crate::catalog::{Catalog, StoredError};
use crate::error::{Error, Result};
use crate::ingest::Attribution;
use crate::schema::SCHEMA_VERSION;
use generations::{BuildLock, new_generation_dir, remove_debris, swap_in};
use plan::Plan;
use scan::scan_corpus;
use write::write_generation;

/// How to build.
#[derive(Clone, Default)]
pub struct BuildOptions {
    /// Receives the build's progress, for a progress display.
    pub progress: Option<Progress>,
    /// Rebuild everything even if nothing changed.
    pub force: bool,
}

impl fmt::Debug for BuildOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildOptions")
            .field("progress", &self.progress.is_some())
            .field("force", &self.force)
            .finish()
    }
}

/// Called with each [`BuildEvent`] of a build, on the thread that builds. The library draws
/// nothing itself: the `verbatim-index` binary turns these into a progress bar.
pub type Progress = Arc<dyn Fn(BuildEvent) + Send + Sync>;

/// What a build is doing, as it goes. Up-to-date runs send none.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildEvent {
    /// The files to (re)index are known: how many, and their total size in bytes.
    Planned {
        /// Files to read.
        files: u64,
        /// Their total size.
        bytes: u64,
    },
    /// A file was read and its passages added.
    Indexed {
        /// The file, relative to the corpus root.
        file: String,
        /// Its size.
        bytes: u64,
    },
    /// Every file is added; the new generation is being written to disk.
    Committing,
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
    /// Which files were added, changed and removed since the previous generation.
    pub changes: FileChanges,
    /// Bytes of corpus files read and indexed in this run.
    pub bytes_read: u64,
    /// Files skipped, with why (not a corpus format).
    pub skipped: Vec<(String, String)>,
    /// Malformed files and rows; everything else was indexed.
    pub errors: Vec<Error>,
    /// Speaker labels that name no participant: (file, label, turns), for the researcher to map.
    pub unmapped: Vec<(String, String, u32)>,
    /// How every document in the index was read (one per document, named by its file).
    pub readings: Vec<FileReading>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Builds or updates the index of `corpus` in `index_dir`.
///
/// Malformed files are reported in [`BuildReport::errors`] and everything else is indexed; an
/// `Err` means the index could not be written at all (and the previous one is still live).
#[tracing::instrument(skip(options), fields(corpus = %corpus.display(), index = %index_dir.display()))]
pub fn build(corpus: &Path, index_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    if !corpus.is_dir() {
        return Err(Error::io(
            corpus,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "corpus directory not found: give the folder that holds participants.csv and documents/",
            ),
        ));
    }
    fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let _lock = BuildLock::acquire(index_dir)?;

    let scan = scan_corpus(corpus)?;
    let previous = current_generation(index_dir).and_then(|dir| {
        let catalog = Catalog::load(&dir).ok()?;
        Some((dir, catalog))
    });
    let reusable = previous.as_ref().filter(|(_, catalog)| {
        !options.force
            && catalog.schema_version == SCHEMA_VERSION
            && catalog.config_hash == scan.config_hash
    });

    let plan = Plan::new(&scan.hashes(), reusable.map(|(_, c)| c));
    let mut report = BuildReport {
        skipped: scan.skipped.clone(),
        changes: FileChanges::between(
            &scan.hashes(),
            &scan.config_hash,
            previous.as_ref().map(|(_, c)| c),
        ),
        ..BuildReport::default()
    };
    if let (Some((_, catalog)), true) = (reusable, plan.is_empty()) {
        report.up_to_date = true;
        report.errors = scan.walk_errors_reported();
        report.errors.extend(stored_errors(catalog));
        fill_totals(&mut report, catalog);
        report.elapsed = started.elapsed();
        tracing::info!("index is up to date");
        return Ok(report);
    }

    let generation = new_generation_dir(index_dir)?;
    let result = write_generation(
        &generation,
        reusable.map(|(dir, _)| dir.as_path()),
        &scan,
        &plan,
        options,
    );
    let catalog = match result {
        Ok(catalog) => catalog,
        Err(e) => {
            // The live generation is untouched; drop the partial one.
            let _ = fs::remove_dir_all(&generation);
            return Err(e);
        }
    };
    swap_in(index_dir, &generation)?;
    remove_debris(index_dir, &generation);

    report.errors = scan.walk_errors_reported();
    report
        .errors
        .extend(catalog.config_errors.iter().map(StoredError::to_error));
    report.errors.extend(
        catalog
            .files
            .iter()
            .filter(|(rel, _)| plan.to_index.contains(*rel))
            .flat_map(|(_, f)| f.errors.iter().map(StoredError::to_error)),
    );
    report.files_indexed = plan.to_index.len() as u64;
    report.files_removed = plan.to_remove.len() as u64;
    report.bytes_read = scan.bytes_of(&plan.to_index);
    fill_totals(&mut report, &catalog);
    report.elapsed = started.elapsed();
    tracing::info!(
        documents = report.documents,
        passages = report.passages,
        files = report.files_indexed,
        elapsed_ms = report.elapsed.as_millis() as u64,
        "index built"
    );
    Ok(report)
}

impl BuildReport {
    /// The corpus-wide counts of attribution to check, naming the files behind them.
    pub fn attribution(&self) -> Attribution {
        Attribution::of(&self.readings)
    }

    /// Logs the attribution counts, as the build summary ends with them: warnings when some
    /// file's attribution is in doubt.
    pub fn log_attribution(&self) {
        let attribution = self.attribution();
        for line in attribution.to_string().lines() {
            if attribution.is_clear() {
                tracing::info!("{line}");
            } else {
                tracing::warn!("{line}");
            }
        }
    }
}

/// Errors stored in a catalog: the config files' and every file's.
fn stored_errors(catalog: &Catalog) -> impl Iterator<Item = Error> + '_ {
    catalog
        .config_errors
        .iter()
        .chain(catalog.files.values().flat_map(|f| f.errors.iter()))
        .map(StoredError::to_error)
}

fn fill_totals(report: &mut BuildReport, catalog: &Catalog) {
    report.unmapped = catalog
        .files
        .iter()
        .flat_map(|(rel, f)| {
            f.unmapped
                .iter()
                .map(|(label, n)| (rel.clone(), label.clone(), *n))
        })
        .collect();
    report.readings = catalog
        .documents
        .values()
        .filter_map(|d| d.reading.clone())
        .collect();
    report.documents = catalog.documents.len() as u64;
    report.passages = catalog.passage_count();
    for doc in catalog.documents.values() {
        *report
            .by_kind
            .entry(doc.document.kind.to_string())
            .or_default() += u64::from(doc.passages);
    }
    report.by_lang = catalog_lang_counts(catalog);
}

fn catalog_lang_counts(catalog: &Catalog) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for doc in catalog.documents.values() {
        *counts.entry(doc.document.lang.to_string()).or_default() += u64::from(doc.passages);
    }
    counts
}
