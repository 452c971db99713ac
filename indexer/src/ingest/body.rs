//! What the body parsers share: a document body with its lines, headings, and the parsed result.
//!
//! The format parsers (`transcript`, `prose`) and the file readers that call them (`document`,
//! `jsonl`) all depend on this module and on nothing of each other's.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::attribution::{Attribution, inline_quotes, split_end_tag};
use crate::model::{Document, Lang, Origin, Passage, SpeakerId};

/// A document and the passages it was split into.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDocument {
    /// The document's metadata.
    pub document: Document,
    /// Its passages, in order; ordinals count from 1.
    pub passages: Vec<Passage>,
}

/// The body of a document file, with what its passages need to know about the document.
pub(super) struct Body<'a> {
    /// The file on disk, for errors.
    pub path: &'a Path,
    pub document: &'a Document,
    pub text: &'a str,
    /// The 1-based file line of the body's first line.
    pub first_line: usize,
}

impl<'a> Body<'a> {
    /// The body's lines with their 1-based line numbers in the whole file.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &'a str)> + use<'a> {
        let first_line = self.first_line;
        self.text
            .lines()
            .enumerate()
            .map(move |(index, line)| (first_line + index, line))
    }
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
/// place for ordinals, locators (`turn 2, 00:00:12`, `para 3`, `p. 12`), sections and quotes.
pub(super) struct Passages<'a> {
    document: &'a Document,
    passages: Vec<Passage>,
    section: Option<String>,
    /// Paragraphs emitted so far (extracted quotes are not counted).
    paragraphs: usize,
}

impl<'a> Passages<'a> {
    pub fn new(document: &'a Document) -> Passages<'a> {
        Passages {
            document,
            passages: Vec::new(),
            section: None,
            paragraphs: 0,
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
            Place::Page(page) => format!("p. {page}"),
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

/// `#` to `######` (up to three spaces in), then the heading text.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ {0,3}#{1,6}(?:\s+(?P<text>.*?))?\s*$").expect("heading pattern is valid")
});

/// Reads a Markdown heading line: `Some(section)` for a heading (`None` inside when it is empty).
pub(super) fn heading(line: &str) -> Option<Option<String>> {
    let caps = HEADING.captures(line)?;
    let text = caps.name("text").map_or("", |t| t.as_str());
    let without_closing = text.trim_end_matches('#');
    // Closing hashes must follow a space, so `# C#` keeps its `#`.
    let text = if without_closing.is_empty() || without_closing.ends_with(char::is_whitespace) {
        without_closing.trim()
    } else {
        text
    };
    Some((!text.is_empty()).then(|| text.to_string()))
}

/// Saturates rather than wraps: no real corpus file has four billion lines or passages.
pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(heading("# Results"), Some(Some("Results".into())));
        assert_eq!(
            heading("### Views of GPs ###"),
            Some(Some("Views of GPs".into()))
        );
        assert_eq!(heading("## C#"), Some(Some("C#".into())));
        assert_eq!(heading("#"), Some(None));
        for not_heading in ["#hashtag", "####### seven", "    # code", "text # not"] {
            assert_eq!(heading(not_heading), None, "{not_heading}");
        }
    }
}
