//! Index lifecycle: build into a fresh directory, swap it in atomically, update incrementally.
//!
//! An index directory holds generations (`gen-<millis>-<pid>/`, each a complete tantivy index
//! plus its [`Catalog`]) and a `CURRENT` file naming the live one. A build never writes into the
//! live generation: it hard-links the live generation's immutable segment files into a new
//! directory, deletes the passages of changed files, adds the new ones, commits, and only then
//! replaces `CURRENT` with an atomic rename. A crash at any point leaves the previous generation
//! live and intact; the next build removes the debris.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressStyle};
use tantivy::schema::{OwnedValue, Term};
use tantivy::{IndexWriter, TantivyDocument};

use crate::analysis;
use crate::catalog::{
    Catalog, CatalogDocument, FileEntry, StoredError, sync_dir, write_atomically,
};
use crate::error::{Error, Result};
use crate::ingest::{self, CorpusFile, FileKind, ParsedDocument};
use crate::model::{Participant, Passage, RoleGroups};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema};

/// File naming the live generation.
const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation directories.
const GENERATION_PREFIX: &str = "gen-";
/// Held while a build runs, so two builds of one index never interleave.
const LOCK_FILE: &str = "build.lock";
/// Memory the tantivy writer may use before flushing a segment.
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
    /// Speaker labels that name no participant: (file, label, turns), for the researcher to map.
    pub unmapped: Vec<(String, String, u32)>,
    /// Wall time.
    pub elapsed: Duration,
}

/// The directory of the live generation of an index, if there is one.
pub fn current_generation(index_dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    let valid = name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']);
    valid
        .then(|| index_dir.join(name))
        .filter(|dir| dir.is_dir())
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

    let plan = Plan::new(&scan, reusable.map(|(_, c)| c));
    let mut report = BuildReport {
        skipped: scan.skipped.clone(),
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
    remove_other_generations(index_dir, &generation);

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
    report.bytes_read = plan
        .to_index
        .iter()
        .filter_map(|rel| scan.documents.get(rel))
        .map(|f| f.bytes.len() as u64)
        .sum();
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

/// A corpus as found on disk: its document files with their bytes and hashes, and its config.
struct Scan {
    /// Document and JSONL files by relative path.
    documents: BTreeMap<String, ScannedFile>,
    participants: Vec<Participant>,
    role_groups: RoleGroups,
    documents_sheet: ingest::DocumentsSheet,
    documents_sheet_path: PathBuf,
    config_hash: String,
    /// Errors of the config files (participants sheet, role groups, documents sheet).
    config_errors: Vec<Error>,
    /// Errors of the walk itself (unreadable files, loops).
    walk_errors: Vec<Error>,
    skipped: Vec<(String, String)>,
}

struct ScannedFile {
    file: CorpusFile,
    bytes: Vec<u8>,
    hash: String,
}

impl Scan {
    fn walk_errors_reported(&self) -> Vec<Error> {
        self.walk_errors
            .iter()
            .map(|e| StoredError::from_error(e).to_error())
            .collect()
    }
}

fn scan_corpus(root: &Path) -> Result<Scan> {
    let (files, walk_errors) = ingest::discover(root);
    let mut scan = Scan {
        documents: BTreeMap::new(),
        participants: Vec::new(),
        role_groups: RoleGroups::default(),
        documents_sheet: ingest::DocumentsSheet::default(),
        documents_sheet_path: PathBuf::new(),
        config_hash: String::new(),
        config_errors: Vec::new(),
        walk_errors,
        skipped: Vec::new(),
    };
    let mut config = blake3::Hasher::new();
    config.update(&SCHEMA_VERSION.to_le_bytes());
    for file in files {
        match file.kind {
            FileKind::Ignored => {}
            FileKind::Unsupported => {
                tracing::warn!(file = %file.path.display(), "skipped: not a corpus format");
                scan.skipped.push((
                    file.rel.clone(),
                    format!(
                        "not a corpus format ({}, .jsonl, participants.csv, role_groups.toml)",
                        ingest::DOCUMENT_EXTENSIONS
                    ),
                ));
            }
            FileKind::Participants | FileKind::RoleGroups | FileKind::DocumentsSheet => {
                let Some(text) = read_text(&file, &mut scan.config_errors, &mut config) else {
                    continue;
                };
                match file.kind {
                    FileKind::Participants => {
                        let (participants, errors) = ingest::parse_participants(&file.path, &text);
                        scan.participants = participants;
                        scan.config_errors.extend(errors);
                    }
                    FileKind::DocumentsSheet => {
                        let (sheet, errors) = ingest::parse_documents_sheet(&file.path, &text);
                        scan.documents_sheet = sheet;
                        scan.documents_sheet_path = file.path.clone();
                        scan.config_errors.extend(errors);
                    }
                    _ => match ingest::parse_role_groups(&file.path, &text) {
                        Ok(groups) => scan.role_groups = groups,
                        Err(e) => scan.config_errors.push(e),
                    },
                }
            }
            FileKind::Document(_) | FileKind::Jsonl => match fs::read(&file.path) {
                Ok(bytes) => {
                    let hash = blake3::hash(&bytes).to_hex().to_string();
                    scan.documents
                        .insert(file.rel.clone(), ScannedFile { file, bytes, hash });
                }
                Err(e) => scan.walk_errors.push(Error::io(&file.path, e)),
            },
        }
    }
    scan.config_hash = config.finalize().to_hex().to_string();
    let unknown = ingest::unknown_files(&scan.documents_sheet_path, &scan.documents_sheet, |rel| {
        scan.documents.contains_key(rel)
    });
    scan.config_errors.extend(unknown);
    Ok(scan)
}

/// Reads and decodes a config file, folding its bytes into the config hash.
fn read_text(
    file: &CorpusFile,
    errors: &mut Vec<Error>,
    hash: &mut blake3::Hasher,
) -> Option<String> {
    let bytes = match fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            errors.push(Error::io(&file.path, e));
            return None;
        }
    };
    hash.update(file.rel.as_bytes());
    hash.update(&bytes);
    ingest::decode(&file.path, &bytes)
        .map_err(|e| errors.push(e))
        .ok()
}

/// Which files a build must (re)index and which it must drop.
struct Plan {
    to_index: BTreeSet<String>,
    to_remove: BTreeSet<String>,
}

impl Plan {
    fn new(scan: &Scan, previous: Option<&Catalog>) -> Plan {
        let Some(previous) = previous else {
            return Plan {
                to_index: scan.documents.keys().cloned().collect(),
                to_remove: BTreeSet::new(),
            };
        };
        let to_index = scan
            .documents
            .iter()
            .filter(|(rel, f)| {
                previous
                    .files
                    .get(*rel)
                    .is_none_or(|old| old.hash != f.hash)
            })
            .map(|(rel, _)| rel.clone())
            .collect();
        let to_remove = previous
            .files
            .keys()
            .filter(|rel| !scan.documents.contains_key(*rel))
            .cloned()
            .collect();
        Plan {
            to_index,
            to_remove,
        }
    }

    fn is_empty(&self) -> bool {
        self.to_index.is_empty() && self.to_remove.is_empty()
    }
}

fn new_generation_dir(index_dir: &Path) -> Result<PathBuf> {
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

/// Writes a complete generation: the previous one's segments (hard-linked) updated with the plan.
fn write_generation(
    generation: &Path,
    previous: Option<&Path>,
    scan: &Scan,
    plan: &Plan,
    options: &BuildOptions,
) -> Result<Catalog> {
    let (schema, _) = build_schema();
    let index = match previous {
        Some(previous) => {
            link_segments(previous, generation)?;
            tantivy::Index::open_in_dir(generation)?
        }
        None => tantivy::Index::create_in_dir(generation, schema.clone())?,
    };
    analysis::register(index.tokenizers());
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer: IndexWriter<TantivyDocument> = index.writer(WRITER_MEMORY)?;

    let mut catalog = match previous {
        Some(previous) => Catalog::load(previous)?,
        None => Catalog::default(),
    };
    catalog.schema_version = SCHEMA_VERSION;
    catalog.config_hash = scan.config_hash.clone();
    catalog.participants = scan.participants.clone();
    catalog.role_groups = scan.role_groups.clone();
    catalog.config_errors = scan
        .config_errors
        .iter()
        .map(StoredError::from_error)
        .collect();
    catalog.built_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();

    for rel in plan.to_remove.iter().chain(&plan.to_index) {
        writer.delete_term(Term::from_field_text(fields.file, rel));
        if let Some(old) = catalog.files.remove(rel) {
            for id in &old.documents {
                catalog.documents.remove(id);
            }
        }
    }

    let progress = progress_bar(options, plan, scan);
    for rel in &plan.to_index {
        let Some(scanned) = scan.documents.get(rel) else {
            continue;
        };
        let entry = index_file(&writer, fields, scanned, scan, &mut catalog)?;
        catalog.files.insert(rel.clone(), entry);
        progress.inc(scanned.bytes.len() as u64);
    }
    progress.finish_and_clear();

    writer.commit()?;
    writer.wait_merging_threads()?;
    catalog.save(generation)?;
    sync_dir(generation)?;
    Ok(catalog)
}

/// Parses one file and adds its passages; its problems go into the returned entry.
fn index_file(
    writer: &IndexWriter<TantivyDocument>,
    fields: Fields,
    scanned: &ScannedFile,
    scan: &Scan,
    catalog: &mut Catalog,
) -> Result<FileEntry> {
    let mut entry = FileEntry {
        hash: scanned.hash.clone(),
        ..FileEntry::default()
    };
    let description = scan.documents_sheet.get(&scanned.file.rel);
    let (parsed, errors) = ingest::read_documents(&scanned.file, &scanned.bytes, description);
    entry
        .errors
        .extend(errors.iter().map(StoredError::from_error));
    for ParsedDocument {
        document,
        mut passages,
    } in parsed
    {
        if let Some(existing) = catalog.documents.get(&document.id) {
            entry.errors.push(StoredError::from_error(&Error::malformed(
                &scanned.file.path,
                0,
                format!(
                    "document id {:?} is already used by {}: give one of them another `id`",
                    document.id.as_str(),
                    existing.document.file
                ),
            )));
            continue;
        }
        ingest::join_participants(&mut passages, &scan.participants, &scan.role_groups);
        for (label, turns) in ingest::unmapped_speakers(&passages, &scan.participants) {
            *entry.unmapped.entry(label).or_default() += turns;
        }
        for passage in &passages {
            writer.add_document(passage_document(fields, &document, passage))?;
        }
        entry.documents.push(document.id.clone());
        let count = u32::try_from(passages.len()).unwrap_or(u32::MAX);
        catalog.documents.insert(
            document.id.clone(),
            CatalogDocument {
                document,
                passages: count,
            },
        );
    }
    Ok(entry)
}

/// The tantivy document of one passage.
fn passage_document(
    fields: Fields,
    document: &crate::model::Document,
    passage: &Passage,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.doc_id, passage.doc.as_str());
    doc.add_u64(fields.ordinal, u64::from(passage.ordinal));
    doc.add_text(fields.text, &passage.text);
    doc.add_text(fields.text_plain, &passage.text);
    doc.add_text(fields.kind, document.kind.as_str());
    doc.add_text(fields.lang, passage.lang.as_str());
    let optional = [
        (fields.speaker, passage.speaker.as_ref().map(|s| s.as_str())),
        (fields.role, passage.role.as_ref().map(|s| s.as_str())),
        (
            fields.role_group,
            passage.role_group.as_ref().map(|s| s.as_str()),
        ),
        (fields.site, passage.site.as_ref().map(|s| s.as_str())),
        (fields.section, passage.section.as_deref()),
        (fields.attribution, passage.attribution.as_deref()),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    if let Some(year) = document.year() {
        doc.add_i64(fields.year, i64::from(year));
    }
    if !passage.attrs.is_empty() {
        let object = passage
            .attrs
            .iter()
            .map(|(k, v)| (k.clone(), OwnedValue::Str(v.clone())))
            .collect::<Vec<_>>();
        doc.add_object(fields.attrs, object.into_iter().collect());
    }
    doc.add_text(fields.file, &passage.origin.file);
    doc.add_u64(fields.line, u64::from(passage.origin.line));
    doc.add_text(fields.locator, &passage.locator);
    doc
}

fn progress_bar(options: &BuildOptions, plan: &Plan, scan: &Scan) -> ProgressBar {
    if !options.progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total: u64 = plan
        .to_index
        .iter()
        .filter_map(|rel| scan.documents.get(rel))
        .map(|f| f.bytes.len() as u64)
        .sum();
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// Hard-links (or copies, where links are not possible) the tantivy files of `from` into `to`.
/// Tantivy never modifies a segment file once written, so sharing them between generations is safe.
fn link_segments(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.ends_with(".lock") || name_str.ends_with(".tmp") {
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
fn swap_in(index_dir: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Internal("generation directory has no name".into()))?;
    write_atomically(&index_dir.join(CURRENT_FILE), name.as_bytes())
}

/// Removes every generation but the live one (leftovers of crashed or superseded builds).
/// Readers that still hold an older generation open keep their (unlinked) files until they close.
fn remove_other_generations(index_dir: &Path, live: &Path) {
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_generation = entry
            .file_name()
            .to_string_lossy()
            .starts_with(GENERATION_PREFIX);
        if is_generation
            && path != live
            && path.is_dir()
            && let Err(e) = fs::remove_dir_all(&path)
        {
            tracing::warn!(dir = %path.display(), error = %e, "could not remove an old index generation");
        }
    }
}

/// An exclusive lock on the index directory for the length of a build.
struct BuildLock(fs::File);

impl BuildLock {
    fn acquire(index_dir: &Path) -> Result<BuildLock> {
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
