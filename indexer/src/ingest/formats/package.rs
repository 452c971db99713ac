//! ZIP packages (DOCX, ODT), opened with limits so a hostile archive costs bounded memory and time.
//!
//! A zip bomb is a small archive whose parts inflate to gigabytes, or that lists millions of
//! entries. Entries are counted before anything is read, and a part is inflated through a
//! reader that stops one byte past [`MAX_PART_BYTES`]: a part that reaches it is refused, with
//! the file named, after at most that much work.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

/// Most entries an archive may list (a long Word document has a few dozen).
pub(super) const MAX_ENTRIES: usize = 10_000;
/// Largest inflated XML part read (a 500-page book's `document.xml` is about 20 MB).
pub(super) const MAX_PART_BYTES: u64 = 64 << 20;

/// An opened package.
pub(super) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Package<'a> {
    /// Opens an archive; `what` names the format in messages ("Word document").
    pub fn open(bytes: &'a [u8], what: &str) -> Result<Package<'a>, String> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(what, &e))?;
        if archive.len() > MAX_ENTRIES {
            return Err(format!(
                "the {what} lists {} parts (the limit is {MAX_ENTRIES}), so it was not opened: \
                 it is damaged or not a real {what}; save it again from the program that made it",
                archive.len()
            ));
        }
        Ok(Package { archive })
    }

    /// The text of a part (`None` when the package has no such part).
    pub fn part(&mut self, name: &str, what: &str) -> Result<Option<String>, String> {
        let entry = match self.archive.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(damaged(what, &e)),
        };
        let mut bytes = Vec::new();
        entry
            .take(MAX_PART_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("the {what} is damaged ({e}): open it and save it again"))?;
        if bytes.len() as u64 > MAX_PART_BYTES {
            return Err(format!(
                "{name} inflates to more than {} MB (the limit), so the {what} was refused as a \
                 possible zip bomb: if it is genuine, split it into smaller files",
                MAX_PART_BYTES >> 20
            ));
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("{name} is not UTF-8 text: the {what} is damaged; save it again"))
    }
}

fn damaged(what: &str, error: &ZipError) -> String {
    format!("the {what} cannot be opened ({error}): it is damaged or truncated; save it again")
}
