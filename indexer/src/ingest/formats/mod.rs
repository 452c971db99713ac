//! The document formats a research folder holds, each read by a module of its own.
//!
//! A file's format is chosen by its extension ([`Format::of_name`]) and checked against its
//! first bytes ([`Format::check`]), here and nowhere else, so a PDF saved as `.docx` is named as
//! such instead of failing deep in a parser. Every format is read into the same `Source` (the
//! blocks of `ingest::source`), which `ingest::reading` turns into passages, so transcript or
//! prose, speaker labels and turns are decided once for all of them.
//! Third-party parsers run under `catch_unwind`: a parser that panics on a hostile file costs
//! that file, never the build.

mod captions;
pub(super) mod docx;
mod html;
mod odt;
pub(super) mod package;
mod paragraphs;
mod pdf;
mod srt;
mod vtt;

use std::panic::{self, AssertUnwindSafe};

use super::body::ParsedDocument;
use super::decode::{decode_detected, decode_text};
use super::document;
use super::documents_sheet::{Description, Stated};
use super::reading;
use super::source::{FileRef, Source};
use crate::error::Error;

/// A document format, by what the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `.md` or `.txt`: YAML front matter then turns or prose, or plain text without it.
    Text,
    /// `.vtt`: WebVTT captions (Zoom, Teams, YouTube).
    WebVtt,
    /// `.srt`: SubRip captions.
    Srt,
    /// `.docx`: a Word document.
    Docx,
    /// `.odt`: an OpenDocument text (LibreOffice).
    Odt,
    /// `.pdf`: a PDF with a text layer.
    Pdf,
    /// `.html`, `.htm`: a web page (an oral-history or podcast transcript page).
    Html,
}

/// The file name endings read as documents, for messages about the others.
pub const DOCUMENT_EXTENSIONS: &str = ".md, .txt, .vtt, .srt, .docx, .odt, .pdf, .html";

impl Format {
    /// The format a file name's extension stands for (`None`: not a document).
    pub fn of_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        let (_, extension) = lower.rsplit_once('.')?;
        match extension {
            "md" | "txt" => Some(Format::Text),
            "vtt" => Some(Format::WebVtt),
            "srt" => Some(Format::Srt),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "pdf" => Some(Format::Pdf),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// What users call this format in messages.
    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::WebVtt => "WebVTT captions",
            Format::Srt => "SRT captions",
            Format::Docx => "Word document",
            Format::Odt => "OpenDocument text",
            Format::Pdf => "PDF",
            Format::Html => "HTML page",
        }
    }

    /// What the first bytes of a file in this format are.
    fn expected(self) -> Sniffed {
        match self {
            Format::Text | Format::WebVtt | Format::Srt | Format::Html => Sniffed::Text,
            Format::Docx | Format::Odt => Sniffed::Zip,
            Format::Pdf => Sniffed::Pdf,
        }
    }

    /// Checks that the bytes are this format (binary formats by their magic bytes); the error
    /// names what the file looks like instead and what to do.
    pub fn check(self, bytes: &[u8]) -> Result<(), String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(format!(
                "the file is empty: export the {} again, or delete the file",
                self.name()
            ));
        }
        match Sniffed::of(bytes) {
            sniffed if sniffed == self.expected() => Ok(()),
            sniffed => Err(format!(
                "this {} file holds {}: rename it to {} (or export it again as {})",
                self.name(),
                sniffed.name(),
                sniffed.extension(),
                self.name()
            )),
        }
    }
}

/// Why a file in a format research folders often hold, but that Verbatim does not read, is
/// left out, and what to do (`None`: not one of those formats).
pub fn refusal(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let (_, extension) = lower.rsplit_once('.')?;
    Some(match extension {
        "doc" => {
            "a Word 97-2003 document, which is not read: open it in Word or LibreOffice and save it as .docx"
        }
        "rtf" => {
            "rich text (.rtf), which is not read: open it in Word or LibreOffice and save it as .docx"
        }
        "pages" => {
            "an Apple Pages document, which is not read: export it from Pages as Word (.docx)"
        }
        "wpd" => {
            "a WordPerfect document, which is not read: open it in LibreOffice and save it as .docx"
        }
        _ => return None,
    })
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Zip,
    Pdf,
    Text,
}

impl Sniffed {
    fn of(bytes: &[u8]) -> Sniffed {
        if bytes.starts_with(b"PK\x03\x04") {
            Sniffed::Zip
        } else if bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
        {
            // Some PDF writers put a few bytes of junk before the header, which readers accept.
            Sniffed::Pdf
        } else {
            Sniffed::Text
        }
    }

    fn name(self) -> &'static str {
        match self {
            Sniffed::Zip => "a ZIP archive (a Word or OpenDocument file)",
            Sniffed::Pdf => "a PDF",
            Sniffed::Text => "text",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Sniffed::Zip => ".docx",
            Sniffed::Pdf => ".pdf",
            Sniffed::Text => ".txt",
        }
    }
}

/// Reads one document file of any format, with what `documents.csv` says about it. A file that
/// cannot be read at all is one error naming it; problems inside a readable file are reported
/// and the rest of it is kept.
pub(super) fn read(
    file: FileRef,
    format: Format,
    bytes: &[u8],
    description: Option<&Description>,
) -> (Vec<ParsedDocument>, Vec<Error>) {
    if let Err(reason) = format.check(bytes) {
        return (Vec::new(), vec![Error::malformed(file.path, 0, reason)]);
    }
    // A parser bug must cost one file, not the whole build.
    let read = panic::catch_unwind(AssertUnwindSafe(|| read_checked(file, format, bytes)));
    let Ok(mut read) = read else {
        let reason = format!(
            "the {} reader failed on this file (it may be damaged): open it and save it again, or convert it to .txt",
            format.name()
        );
        return (Vec::new(), vec![Error::malformed(file.path, 0, reason)]);
    };
    let extension = file.rel.rsplit_once('.').map_or("", |(_, e)| e);
    for document in &mut read.documents {
        document.reading.format = extension.to_ascii_lowercase();
        document.reading.encoding.clone_from(&read.encoding);
        if let Some(warning) = &read.warning {
            document.reading.warnings.insert(0, warning.clone());
        }
        if let Some(description) = description {
            description.apply(document, read.stated);
        }
    }
    (read.documents, read.errors)
}

/// A file as read: its documents, the problems found, whether it stated its own metadata, and
/// the encoding of its text (with a warning when it was guessed).
struct Read {
    documents: Vec<ParsedDocument>,
    errors: Vec<Error>,
    stated: Stated,
    encoding: String,
    warning: Option<String>,
}

impl Read {
    /// A file that could not be read at all.
    fn failed(error: Error) -> Read {
        Read {
            documents: Vec::new(),
            errors: vec![error],
            stated: Stated::Guessed,
            encoding: String::new(),
            warning: None,
        }
    }

    /// A file of a binary format, whose text's encoding the format fixes.
    fn binary(source: Result<(Source, Vec<Error>), Error>, file: FileRef, encoding: &str) -> Read {
        let (documents, errors) = assembled(file, source);
        Read {
            documents,
            errors,
            stated: Stated::Guessed,
            encoding: encoding.to_string(),
            warning: None,
        }
    }
}

fn read_checked(file: FileRef, format: Format, bytes: &[u8]) -> Read {
    let malformed = |reason| Error::malformed(file.path, 0, reason);
    match format {
        Format::Text | Format::WebVtt | Format::Srt => {
            let decoded = match decode_text(file.path, bytes) {
                Ok(decoded) => decoded,
                Err(e) => return Read::failed(e),
            };
            let (documents, errors, stated) = match format {
                Format::Text => document::read(file, &decoded.text),
                Format::WebVtt => {
                    metadata_guessed(assembled(file, vtt::parse(file.path, &decoded.text)))
                }
                _ => metadata_guessed(assembled(file, srt::parse(file.path, &decoded.text))),
            };
            Read {
                documents,
                errors,
                stated,
                encoding: decoded.encoding,
                warning: decoded.warning,
            }
        }
        // A page is often one long line: only its passages' length is checked.
        Format::Html => match decode_detected(file.path, bytes) {
            Ok(decoded) => {
                let (documents, errors) =
                    assembled(file, Ok((html::parse(&decoded.text), Vec::new())));
                Read {
                    documents,
                    errors,
                    stated: Stated::Guessed,
                    encoding: decoded.encoding,
                    warning: decoded.warning,
                }
            }
            Err(e) => Read::failed(e),
        },
        // The XML parts are UTF-8 (the package reader refuses anything else).
        Format::Docx => Read::binary(
            docx::parse(bytes)
                .map(|s| (s, Vec::new()))
                .map_err(malformed),
            file,
            "utf-8",
        ),
        Format::Odt => Read::binary(
            odt::parse(bytes)
                .map(|s| (s, Vec::new()))
                .map_err(malformed),
            file,
            "utf-8",
        ),
        Format::Pdf => Read::binary(
            pdf::parse(bytes)
                .map(|(source, failed)| (source, failed_pages(file, failed)))
                .map_err(malformed),
            file,
            "pdf",
        ),
    }
}

fn metadata_guessed(
    (documents, errors): (Vec<ParsedDocument>, Vec<Error>),
) -> (Vec<ParsedDocument>, Vec<Error>, Stated) {
    (documents, errors, Stated::Guessed)
}

/// The document a format's source makes, with the format's problems and the reading's.
fn assembled(
    file: FileRef,
    source: Result<(Source, Vec<Error>), Error>,
) -> (Vec<ParsedDocument>, Vec<Error>) {
    match source {
        Ok((source, mut errors)) => match reading::read(file, source, None) {
            Ok((parsed, reading_errors)) => {
                errors.extend(reading_errors);
                (vec![parsed], errors)
            }
            Err(e) => (Vec::new(), std::iter::once(e).chain(errors).collect()),
        },
        Err(e) => (Vec::new(), vec![e]),
    }
}

/// Errors for the pages of a PDF that could not be read (the others were).
fn failed_pages(file: FileRef, failed: Vec<(u32, String)>) -> Vec<Error> {
    failed
        .into_iter()
        .map(|(page, why)| {
            let reason = format!(
                "page {page}: cannot read its text ({why}); the other pages were indexed: print the PDF to a new file and index that"
            );
            Error::malformed(file.path, 0, reason)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        let cases = [
            ("a.md", Some(Format::Text)),
            ("A.TXT", Some(Format::Text)),
            ("zoom.vtt", Some(Format::WebVtt)),
            ("x.SRT", Some(Format::Srt)),
            ("data.csv", None),
            ("noext", None),
        ];
        for (name, format) in cases {
            assert_eq!(Format::of_name(name), format, "{name}");
        }
    }

    #[test]
    fn content_must_match_the_extension() {
        assert_eq!(Format::WebVtt.check(b"WEBVTT\n"), Ok(()));
        assert_eq!(
            Format::Text.check(b"%PDF-1.7\n").unwrap_err(),
            "this text file holds a PDF: rename it to .pdf (or export it again as text)"
        );
        assert_eq!(
            Format::WebVtt.check(b" \n").unwrap_err(),
            "the file is empty: export the WebVTT captions again, or delete the file"
        );
    }
}
