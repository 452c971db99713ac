//! Reading files and folders as a build would, without writing an index: how each file was read.

use std::fs;
use std::path::{Path, PathBuf};

use super::scan::scan_corpus;
use crate::api::FileReading;
use crate::error::{Error, Result};
use crate::ingest::{self, CorpusFile, FileKind};

/// How each document or JSONL file among `paths` would be read into the index: a folder is read
/// as a corpus (its `participants.csv`, `documents.csv` and `role_groups.toml` apply, files are
/// named relative to it), a file on its own without a participants sheet. Files that are not a
/// corpus format are left out; an unreadable path is an error.
pub fn inspect(paths: &[PathBuf]) -> Result<Vec<FileReading>> {
    let mut readings = Vec::new();
    for path in paths {
        if path.is_dir() {
            readings.extend(inspect_folder(path)?);
        } else {
            readings.extend(inspect_file(path)?);
        }
    }
    Ok(readings)
}

fn inspect_folder(root: &Path) -> Result<Vec<FileReading>> {
    let scan = scan_corpus(root)?;
    let read = scan.documents.values().map(|scanned| {
        let description = scan.documents_sheet.get(&scanned.file.rel);
        let (documents, errors) =
            ingest::read_documents(&scanned.file, &scanned.bytes, description);
        ingest::file_reading(&scanned.file.rel, &documents, &errors, &scan.participants)
    });
    // Word 97, RTF and the like are refused by name: shown, with what to do.
    let refused = scan
        .skipped
        .iter()
        .filter(|(rel, _)| ingest::refusal(rel).is_some())
        .map(|(rel, why)| refused(rel, why));
    Ok(read.chain(refused).collect())
}

/// The reading of a file in a format that is not read.
fn refused(rel: &str, why: &str) -> FileReading {
    FileReading {
        file: rel.to_string(),
        format: rel
            .rsplit_once('.')
            .map_or(String::new(), |(_, e)| e.to_ascii_lowercase()),
        error: Some(why.to_string()),
        ..FileReading::default()
    }
}

fn inspect_file(path: &Path) -> Result<Option<FileReading>> {
    let name = path.display().to_string().replace('\\', "/");
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = FileKind::of(&base);
    if let Some(why) = ingest::refusal(&base) {
        return Ok(Some(refused(&name, why)));
    }
    if !matches!(kind, FileKind::Document(_) | FileKind::Jsonl) {
        return Ok(None);
    }
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = CorpusFile {
        rel: name.clone(),
        path: path.to_path_buf(),
        kind,
    };
    let (documents, errors) = ingest::read_documents(&file, &bytes, None);
    Ok(Some(ingest::file_reading(&name, &documents, &errors, &[])))
}
