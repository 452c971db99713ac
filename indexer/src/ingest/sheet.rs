//! The corpus's CSV sheets (`participants.csv`, `documents.csv`): a header row, then rows
//! that each know their file line, with unreadable rows turned into errors naming it.

use std::path::Path;

use csv::StringRecord;

use crate::error::Error;

/// A sheet as read: its header and its readable rows; `errors` holds the unreadable ones.
pub(super) struct Sheet {
    pub header: StringRecord,
    pub rows: Vec<StringRecord>,
    pub errors: Vec<Error>,
}

/// Reads a sheet: `Ok(None)` when it is empty, `Err` when its header cannot be read.
pub(super) fn read_sheet(path: &Path, text: &str) -> Result<Option<Sheet>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Ok(None),
        Some(Err(e)) => return Err(csv_error(path, &e)),
        Some(Ok(header)) => header,
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        match record {
            Ok(record) => rows.push(record),
            Err(e) => errors.push(csv_error(path, &e)),
        }
    }
    Ok(Some(Sheet {
        header,
        rows,
        errors,
    }))
}

/// The 1-based file line of a row.
pub(super) fn line_of(record: &StringRecord) -> usize {
    record
        .position()
        .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

fn csv_error(path: &Path, error: &csv::Error) -> Error {
    let line = error
        .position()
        .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    Error::malformed(path, line, format!("cannot read this row: {error}"))
}
