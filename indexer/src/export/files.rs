//! NDJSON output split into numbered files of at most a given size, cut only between records,
//! so each file can be sent as one request (`bulk-00001.ndjson`, `bulk-00002.ndjson`...).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    /// File name inside the output directory.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Passages in it (0 for an index definition).
    pub passages: u64,
}

/// Writes records to `PREFIX-00001.ndjson`, `PREFIX-00002.ndjson`... in a directory.
pub struct SplitWriter {
    dir: PathBuf,
    prefix: &'static str,
    max_bytes: u64,
    current: Option<(BufWriter<File>, PathBuf)>,
    files: Vec<ExportFile>,
}

impl SplitWriter {
    /// A writer of files of at most `max_bytes` each (a single record larger than that gets a
    /// file of its own: a record is never cut).
    pub fn new(dir: &Path, prefix: &'static str, max_bytes: u64) -> SplitWriter {
        SplitWriter {
            dir: dir.to_path_buf(),
            prefix,
            max_bytes,
            current: None,
            files: Vec::new(),
        }
    }

    /// Appends one record (one or more complete lines) for one passage.
    pub fn write(&mut self, record: &[u8]) -> Result<()> {
        let len = record.len() as u64;
        let full = self
            .files
            .last()
            .is_some_and(|f| f.bytes > 0 && f.bytes + len > self.max_bytes);
        if self.current.is_none() || full {
            self.open_next()?;
        }
        let (writer, path) = self
            .current
            .as_mut()
            .ok_or_else(|| Error::Internal("no open export file".into()))?;
        writer.write_all(record).map_err(|e| Error::io(&*path, e))?;
        if let Some(file) = self.files.last_mut() {
            file.bytes += len;
            file.passages += 1;
        }
        Ok(())
    }

    /// Flushes the last file and returns every file written, in order.
    pub fn finish(mut self) -> Result<Vec<ExportFile>> {
        self.close_current()?;
        Ok(self.files)
    }

    fn open_next(&mut self) -> Result<()> {
        self.close_current()?;
        let name = format!("{}-{:05}.ndjson", self.prefix, self.files.len() + 1);
        let path = self.dir.join(&name);
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        self.current = Some((BufWriter::new(file), path));
        self.files.push(ExportFile {
            name,
            bytes: 0,
            passages: 0,
        });
        Ok(())
    }

    fn close_current(&mut self) -> Result<()> {
        if let Some((writer, path)) = self.current.take() {
            let file = writer
                .into_inner()
                .map_err(|e| Error::io(&path, e.into_error()))?;
            file.sync_all().map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_cut_between_records_and_stay_under_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = SplitWriter::new(dir.path(), "bulk", 25);
        for n in 0..7 {
            writer.write(format!("{{\"n\":{n}}}\n").as_bytes()).unwrap();
        }
        let files = writer.finish().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "bulk-00001.ndjson",
                "bulk-00002.ndjson",
                "bulk-00003.ndjson"
            ]
        );
        // Each record is 8 bytes: three fit in 25.
        assert_eq!(
            files.iter().map(|f| f.passages).collect::<Vec<_>>(),
            [3, 3, 1]
        );
        for file in &files {
            let text = std::fs::read_to_string(dir.path().join(&file.name)).unwrap();
            assert_eq!(text.len() as u64, file.bytes);
            assert!(file.bytes <= 25, "{file:?}");
            assert!(text.ends_with('\n'));
        }
    }

    #[test]
    fn a_record_over_the_limit_gets_a_file_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = SplitWriter::new(dir.path(), "docs", 10);
        writer.write(b"{\"a\":1}\n").unwrap();
        writer.write(b"{\"long\":\"0123456789\"}\n").unwrap();
        writer.write(b"{\"b\":2}\n").unwrap();
        let files = writer.finish().unwrap();
        assert_eq!(
            files.iter().map(|f| f.passages).collect::<Vec<_>>(),
            [1, 1, 1]
        );
    }

    #[test]
    fn nothing_written_means_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = SplitWriter::new(dir.path(), "docs", 10).finish().unwrap();
        assert!(files.is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
