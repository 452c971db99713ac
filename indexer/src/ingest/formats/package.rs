//! ZIP packages of XML parts (DOCX, ODT), opened with limits so a hostile archive costs bounded
//! memory and time, and the XML helpers both readers use.
//!
//! A zip bomb is a small archive whose parts inflate to gigabytes, or that lists millions of
//! entries. Entries are counted before anything is read, and a part is inflated through a
//! reader that stops one byte past [`MAX_PART_BYTES`]: a part that reaches it is refused, with
//! the file named, after at most that much work.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

/// Most entries an archive may list (a long Word document has a few dozen).
pub(super) const MAX_ENTRIES: usize = 10_000;
/// Largest inflated XML part read (a 500-page book's `document.xml` is about 20 MB).
pub(super) const MAX_PART_BYTES: u64 = 64 << 20;

/// An opened package.
pub(in crate::ingest) struct Package<'a> {
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

/// What an XML walk meets outside the skipped elements.
pub(in crate::ingest) enum Node<'a> {
    /// An element opens (`empty`: it also closes, `<w:tab/>`).
    Open {
        element: &'a BytesStart<'a>,
        empty: bool,
    },
    /// An element closes; its name.
    Close(&'a str),
    /// Text, with entity and character references resolved.
    Text(&'a str),
}

/// Walks a part's XML, handing `visit` every node except those inside `skipped` elements
/// (deleted text, comments...). `what` and `program` name the format and what to open it with
/// in the error for XML that is not well-formed.
pub(in crate::ingest) fn walk(
    xml: &str,
    skipped: &[&str],
    (what, program): (&str, &str),
    mut visit: impl FnMut(Node),
) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let mut skipping = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(what, program, &e))?;
        match event {
            Event::Start(e) if skipping > 0 || skipped.contains(&e.name().as_ref()) => {
                skipping += 1
            }
            Event::End(_) if skipping > 0 => skipping -= 1,
            _ if skipping > 0 => {}
            Event::Start(e) => visit(Node::Open {
                element: &e,
                empty: false,
            }),
            Event::Empty(e) => visit(Node::Open {
                element: &e,
                empty: true,
            }),
            Event::End(e) => visit(Node::Close(e.name().as_ref())),
            Event::Text(t) => visit(Node::Text(&t.xml10_content())),
            Event::GeneralRef(r) => visit(Node::Text(&reference_text(&r))),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// An attribute's value, when the element has it.
pub(in crate::ingest) fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    let attribute = e.try_get_attribute(name).ok()??;
    attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// The text an entity or character reference (`&amp;`, `&#233;`) stands for ("" if unknown).
fn reference_text(reference: &BytesRef) -> String {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
            .unwrap_or_default()
            .to_string(),
    }
}

/// A part that is not well-formed XML.
fn xml_error(what: &str, program: &str, error: &quick_xml::Error) -> String {
    format!(
        "the {what}'s text is not well-formed XML ({error}): it is damaged; open it in {program} and save it again"
    )
}

fn damaged(what: &str, error: &ZipError) -> String {
    format!("the {what} cannot be opened ({error}): it is damaged or truncated; save it again")
}

/// A ZIP archive of named parts, for the readers' tests.
#[cfg(test)]
pub(in crate::ingest) fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
