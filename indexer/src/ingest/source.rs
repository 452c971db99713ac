//! The one intermediate form every document format is read into: blocks of text, in order,
//! with their style, page, time and source line.
//!
//! A format reader (`text`, `formats::docx`, `formats::pdf`, ...) knows only its own syntax: it
//! turns a file's bytes into a [`Source`] and decides nothing about speakers. Whether the source
//! is a transcript or prose, which lines open speaker turns and how turns continue are decided
//! once, in `reading`, for every format alike (as `milli` turns CSV, JSON and NDJSON into one
//! batch before indexing).

use std::path::Path;

/// The file a source comes from: its path in the corpus (`documents/int 9.docx`, the document's
/// `file` and the source of its id) and on disk (for messages).
#[derive(Debug, Clone, Copy)]
pub(in crate::ingest) struct FileRef<'a> {
    pub rel: &'a str,
    pub path: &'a Path,
}

/// What a document file says, before it is split into passages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ingest) struct Source {
    /// The title the file states (a Title style, metadata), if any; else its first heading is used.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    pub read_as: ReadAs,
    /// What the reader repaired or doubted (a cue timing, an encoding guess), naming the line.
    pub warnings: Vec<String>,
}

/// How a source is to be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::ingest) enum ReadAs {
    /// As a transcript if its lines say so, else as prose.
    #[default]
    Detect,
    /// As a transcript, because the front matter says so: text outside any turn is reported.
    Transcript,
    /// As prose: the front matter says so, or the format is paginated (a PDF's `Results:`
    /// paragraphs are no speakers).
    Prose,
    /// As caption cues (WebVTT, SRT): turns of timed cues.
    Captions,
}

/// One piece of a document as its format lays it out: a line of a text file, a paragraph of a
/// word processor or a PDF page, a table row, a caption cue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ingest) struct Block {
    /// Where it starts: a 1-based line (text and captions), paragraph number (DOCX, ODT) or page (PDF).
    pub line: usize,
    pub text: String,
    pub style: Style,
    /// The page it is on, for paginated formats: such paragraphs are cited by page.
    pub page: Option<u32>,
    /// A time the layout gives it (a caption cue's start, a transcript table's time column).
    pub time: Option<String>,
    /// When it ends, where the layout says (a caption cue's end), as `hh:mm:ss`.
    pub end: Option<String>,
    /// A speaker the layout names (a table's speaker column, a caption's voice tag).
    pub speaker: Option<String>,
    /// The bold text opening it (a Word paragraph's bold run), which may be a speaker label.
    pub lead: Option<String>,
}

/// What a block is, as far as its format can tell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::ingest) enum Style {
    /// The start of a paragraph: a word processor's or a PDF's paragraph, a list item, a text
    /// line after a blank one.
    #[default]
    Paragraph,
    /// A line of a text file continuing the paragraph of the line before it.
    Line,
    /// A heading: the passages after it are in its section (none for an empty heading).
    Heading,
    /// The start of a speaker turn the layout marks (a table row, a bold label, a caption
    /// voice), whether or not it names the speaker.
    Turn,
}

impl Block {
    /// A block of this style, with no page, time or speaker.
    pub fn new(line: usize, style: Style, text: impl Into<String>) -> Block {
        Block {
            line,
            text: text.into(),
            style,
            ..Block::default()
        }
    }

    /// A turn the layout marks, with its speaker and time when the layout gives them.
    pub fn turn(
        line: usize,
        speaker: Option<String>,
        time: Option<String>,
        text: impl Into<String>,
    ) -> Block {
        Block {
            speaker,
            time,
            ..Block::new(line, Style::Turn, text)
        }
    }
}
