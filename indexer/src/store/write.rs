//! Writing a generation: the previous generation's segments updated with the plan's files,
//! parsed into passages, and the catalog beside them.

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use tantivy::{IndexWriter, Term};

use super::generations::link_segments;
use super::plan::Plan;
use super::scan::{Scan, ScannedFile};
use super::{BuildEvent, BuildOptions};
use crate::analysis::{self, Mode, PairWords};
use crate::catalog::{Catalog, CatalogDocument, FileEntry, StoredError};
use crate::durable::sync_dir;
use crate::error::{Error, Result};
use crate::ingest::{self, ParsedDocument};
use crate::model::{Document, Passage};
use crate::record::{self, PassageDocument};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema};

/// Memory the tantivy writer may use before flushing a segment.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// Writes a complete generation: the previous one's segments (hard-linked) updated with the plan.
pub(super) fn write_generation(
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
    let mut catalog = match previous {
        Some(previous) => Catalog::load(previous)?,
        None => Catalog {
            pair_words: sample_pair_words(scan, plan),
            ..Catalog::default()
        },
    };
    let pair_words: PairWords = Arc::new(catalog.pair_words.iter().cloned().collect());
    analysis::register(index.tokenizers(), &pair_words);
    let fields = Fields::from_schema(&index.schema())?;
    let mut writer: IndexWriter<PassageDocument> = index.writer(WRITER_MEMORY)?;

    catalog.schema_version = SCHEMA_VERSION;
    catalog.config_hash = scan.config_hash.clone();
    catalog.participants = scan.participants.clone();
    catalog.role_groups = scan.role_groups.clone();
    catalog.stop_words = scan.stop_words.clone();
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

    let emit = |event| {
        if let Some(progress) = &options.progress {
            progress(event);
        }
    };
    emit(BuildEvent::Planned {
        files: plan.to_index.len() as u64,
        bytes: scan.bytes_of(&plan.to_index),
    });
    let mut pending = Pending {
        writer: &writer,
        fields,
        pair_words: &pair_words,
        passages: Vec::new(),
    };
    for rel in &plan.to_index {
        let Some(scanned) = scan.documents.get(rel) else {
            continue;
        };
        let entry = index_file(&mut pending, scanned, scan, &mut catalog)?;
        catalog.files.insert(rel.clone(), entry);
        emit(BuildEvent::Indexed {
            file: rel.clone(),
            bytes: scanned.bytes.len() as u64,
        });
    }
    pending.flush()?;
    emit(BuildEvent::Committing);

    writer.commit()?;
    writer.wait_merging_threads()?;
    catalog.save(generation)?;
    sync_dir(generation)?;
    Ok(catalog)
}

/// The words a new index pairs up: the most frequent of the first [`PAIR_SAMPLE`] passages
/// of the files to index. Any choice keeps phrases exact (queries pair only these words);
/// a sample of the corpus's own text makes the pairs the ones its phrases need.
fn sample_pair_words(scan: &Scan, plan: &Plan) -> Vec<String> {
    let mut analyzer = analysis::text_analyzer(Mode::Index);
    let mut tokens = Vec::new();
    let mut passages = 0;
    for rel in &plan.to_index {
        let Some(scanned) = scan.documents.get(rel) else {
            continue;
        };
        let description = scan.documents_sheet.get(&scanned.file.rel);
        for parsed in ingest::read_documents(&scanned.file, &scanned.bytes, description).0 {
            for passage in &parsed.passages {
                let mut stream = analyzer.token_stream(&passage.text);
                while let Some(token) = stream.next() {
                    tokens.push(token.text.clone());
                }
                passages += 1;
            }
        }
        if passages >= PAIR_SAMPLE {
            break;
        }
    }
    analysis::most_frequent_words(tokens.iter().map(String::as_str))
}

/// Passages read to choose the pair words.
const PAIR_SAMPLE: usize = 20_000;

/// Passages analysed together on every core before they are added in order: enough to keep the
/// cores busy, few enough to bound the tokens held in memory.
const ANALYSE_BATCH: usize = 4096;

/// Parsed and attributed passages waiting to be analysed and added to the index.
struct Pending<'a> {
    writer: &'a IndexWriter<PassageDocument>,
    fields: Fields,
    pair_words: &'a PairWords,
    passages: Vec<(Arc<Document>, Passage)>,
}

impl Pending<'_> {
    fn push(&mut self, document: &Arc<Document>, passages: Vec<Passage>) -> Result<()> {
        for passage in passages {
            self.passages.push((Arc::clone(document), passage));
            if self.passages.len() >= ANALYSE_BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Analyses the waiting passages in parallel (the costly part of a build: segmenting
    /// Chinese, stemming) and hands them to tantivy's indexing threads.
    fn flush(&mut self) -> Result<()> {
        let documents: Vec<PassageDocument> = self
            .passages
            .par_iter()
            .map(|(document, passage)| {
                record::to_document(self.fields, document, passage, self.pair_words)
            })
            .collect();
        self.passages.clear();
        for document in documents {
            self.writer.add_document(document)?;
        }
        Ok(())
    }
}

/// Parses one file and queues its passages; its problems go into the returned entry.
fn index_file(
    pending: &mut Pending,
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
    for parsed_document in parsed {
        let reading = ingest::file_reading(
            &scanned.file.rel,
            std::slice::from_ref(&parsed_document),
            &errors,
            &scan.participants,
        );
        let ParsedDocument {
            document,
            mut passages,
            ..
        } = parsed_document;
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
        entry.documents.push(document.id.clone());
        let count = u32::try_from(passages.len()).unwrap_or(u32::MAX);
        pending.push(&Arc::new(document.clone()), passages)?;
        catalog.documents.insert(
            document.id.clone(),
            CatalogDocument {
                document,
                passages: count,
                reading: Some(reading),
            },
        );
    }
    Ok(entry)
}
