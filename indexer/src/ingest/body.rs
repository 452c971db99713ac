//! A document's passages as they are made: the parsed result, and the one place for ordinals,
//! locators, sections and quotes (`Passages`), which `reading` and `jsonl` build on.

use super::attribution::{Attribution, inline_quotes, split_end_tag};
use crate::api::Layout;
use crate::model::{Document, Lang, Origin, Passage, SpeakerId};

/// A document and the passages it was split into.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDocument {
    /// The document's metadata.
    pub document: Document,
    /// Its passages, in order; ordinals count from 1.
    pub passages: Vec<Passage>,
    /// How it was read.
    pub reading: Reading,
}

/// How a document was read from its file, as far as the reader knows (the participants sheet
/// adds whom its labels name, see `inspect`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// The file's format, by its extension (`md`, `docx`, `jsonl`, ...).
    pub format: String,
    /// The encoding its text was decoded from.
    pub encoding: String,
    /// How its text was split.
    pub layout: Layout,
    /// Lines (or paragraphs) that look like speaker labels, whatever the layout.
    pub label_like_lines: u32,
    /// Lines (or paragraphs) read.
    pub lines: u32,
    /// What the reader doubted or repaired, each naming its line and what to do.
    pub warnings: Vec<String>,
}

/// Where a paragraph is cited: by its count in the document (`para 3`) or by its page (`p. 12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Counted among the document's paragraphs.
    Counted,
    /// On this page of a paginated source (PDF).
    Page(u32),
}

/// Turns the speaker turns and paragraphs read from any format into numbered passages: one
/// place for ordinals, locators (`turn 2, 00:00:12`, `para 3`, `p. 12, para 2`), sections and quotes.
pub(super) struct Passages<'a> {
    document: &'a Document,
    passages: Vec<Passage>,
    section: Option<String>,
    /// Paragraphs emitted so far (extracted quotes are not counted).
    paragraphs: usize,
    /// The page of the last paginated paragraph and how many paragraphs it has had so far, so
    /// that paragraphs sharing a page do not share a citation.
    page: (u32, usize),
}

impl<'a> Passages<'a> {
    pub fn new(document: &'a Document) -> Passages<'a> {
        Passages {
            document,
            passages: Vec::new(),
            section: None,
            paragraphs: 0,
            page: (0, 0),
        }
    }

    /// Passages after this belong to `section` (a heading; `None` for an empty one).
    pub fn set_section(&mut self, section: Option<String>) {
        self.section = section;
    }

    /// A speaker turn (a turn with nothing said is not a passage).
    pub fn turn(
        &mut self,
        line: usize,
        speaker: Option<&str>,
        timestamp: Option<&str>,
        text: String,
    ) {
        if text.is_empty() {
            return;
        }
        let ordinal = self.passages.len() + 1;
        let locator = match timestamp {
            Some(ts) => format!("turn {ordinal}, {ts}"),
            None => format!("turn {ordinal}"),
        };
        let mut passage = self.passage(locator, line, text);
        passage.speaker = speaker.map(SpeakerId::from);
        self.passages.push(passage);
    }

    /// A prose paragraph: a closing participant tag makes it that participant's quote, and
    /// each attributed inline quote becomes a passage of its own right after it.
    pub fn paragraph(&mut self, line: usize, text: String, place: Place) {
        self.paragraphs += 1;
        let locator = match place {
            Place::Counted => format!("para {}", self.paragraphs),
            Place::Page(page) => format!("p. {page}, para {}", self.paragraph_on(page)),
        };
        let (text, attribution) = match split_end_tag(&text) {
            Some((quote, attribution)) => (quote.to_string(), attribution),
            None => (text, Attribution::default()),
        };
        let quotes = inline_quotes(&text);
        self.quote(locator.clone(), line, text, attribution);
        for quote in quotes {
            self.quote(locator.clone(), line, quote.text, quote.attribution);
        }
    }

    /// The 1-based number of the next paragraph on `page` (pages are read in order).
    fn paragraph_on(&mut self, page: u32) -> usize {
        let (current, count) = &mut self.page;
        if *current != page {
            (*current, *count) = (page, 0);
        }
        *count += 1;
        *count
    }

    /// The passages, in order.
    pub fn finish(self) -> Vec<Passage> {
        self.passages
    }

    fn quote(&mut self, locator: String, line: usize, text: String, attribution: Attribution) {
        let mut passage = self.passage(locator, line, text);
        passage.speaker = attribution.speaker;
        passage.role = attribution.role;
        passage.attribution = attribution.attribution;
        if attribution.site.is_some() {
            passage.site = attribution.site;
        }
        self.passages.push(passage);
    }

    /// The next passage, with the document's defaults (its site), the current section and no attribution.
    fn passage(&self, locator: String, line: usize, text: String) -> Passage {
        Passage {
            doc: self.document.id.clone(),
            ordinal: to_u32(self.passages.len() + 1),
            locator,
            section: self.section.clone(),
            speaker: None,
            role: None,
            role_group: None,
            site: self.document.site.clone(),
            attribution: None,
            lang: Lang::detect(&text),
            text,
            attrs: Default::default(),
            origin: Origin {
                file: self.document.file.clone(),
                line: to_u32(line),
            },
        }
    }
}

/// Saturates rather than wraps: no real corpus file has four billion lines or passages.
pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
