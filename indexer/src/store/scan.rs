//! Scanning a corpus: the walk, the bytes and content hash of every document file, and the
//! parsed config files (participants sheet, role groups) with their combined hash.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::catalog::StoredError;
use crate::error::{Error, Result};
use crate::ingest::{self, CorpusFile, FileKind};
use crate::model::{Participant, RoleGroups};
use crate::schema::SCHEMA_VERSION;

/// A corpus as found on disk: its document files with their bytes and hashes, and its config.
pub(super) struct Scan {
    /// Document and JSONL files by relative path.
    pub(super) documents: BTreeMap<String, ScannedFile>,
    pub(super) participants: Vec<Participant>,
    pub(super) role_groups: RoleGroups,
    /// The edits of `stopwords.txt`.
    pub(super) stop_words: Vec<String>,
    /// `documents.csv`: descriptions of files that carry none of their own.
    pub(super) documents_sheet: ingest::DocumentsSheet,
    pub(super) documents_sheet_path: PathBuf,
    pub(super) config_hash: String,
    /// Errors of the config files (participants sheet, role groups, documents sheet).
    pub(super) config_errors: Vec<Error>,
    /// Errors of the walk itself (unreadable files, loops).
    pub(super) walk_errors: Vec<Error>,
    pub(super) skipped: Vec<(String, String)>,
}

/// A document or JSONL file, read.
pub(super) struct ScannedFile {
    pub(super) file: CorpusFile,
    pub(super) bytes: Vec<u8>,
    /// BLAKE3 hash of the bytes, compared with the catalog's to tell what changed.
    pub(super) hash: String,
}

impl Scan {
    /// Each document file's content hash, by relative path.
    pub(super) fn hashes(&self) -> BTreeMap<&str, &str> {
        self.documents
            .iter()
            .map(|(rel, f)| (rel.as_str(), f.hash.as_str()))
            .collect()
    }

    /// Bytes of the files named.
    pub(super) fn bytes_of<'a>(&self, files: impl IntoIterator<Item = &'a String>) -> u64 {
        files
            .into_iter()
            .filter_map(|rel| self.documents.get(rel))
            .map(|f| f.bytes.len() as u64)
            .sum()
    }

    /// The walk's errors, as a build reports them.
    pub(super) fn walk_errors_reported(&self) -> Vec<Error> {
        self.walk_errors
            .iter()
            .map(|e| StoredError::from_error(e).to_error())
            .collect()
    }
}

/// Walks the corpus and reads every file: config files parsed, documents kept as bytes.
pub(super) fn scan_corpus(root: &Path) -> Result<Scan> {
    let (files, walk_errors) = ingest::discover(root);
    let mut scan = Scan {
        documents: BTreeMap::new(),
        participants: Vec::new(),
        role_groups: RoleGroups::default(),
        stop_words: Vec::new(),
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
                let why = match ingest::refusal(&file.rel) {
                    Some(refusal) => refusal.to_string(),
                    None => format!(
                        "not a corpus format ({}, .jsonl, participants.csv, role_groups.toml)",
                        ingest::DOCUMENT_EXTENSIONS
                    ),
                };
                tracing::warn!(file = %file.path.display(), "skipped: {why}");
                scan.skipped.push((file.rel.clone(), why));
            }
            FileKind::Participants
            | FileKind::RoleGroups
            | FileKind::DocumentsSheet
            | FileKind::StopWords => {
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
                    FileKind::StopWords => {
                        let (edits, errors) = crate::compare::parse_stop_words(&file.path, &text);
                        scan.stop_words = edits;
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
