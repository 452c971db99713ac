//! Document files (`.md`, `.txt`): front matter, then a transcript or prose body.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::discover::CorpusFile;
use super::frontmatter::{self, Format};
use super::{prose, transcript};
use crate::error::Error;
use crate::model::{Document, Lang, Origin, Passage};

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

    /// A passage of this document with the document's defaults (its site) and no attribution.
    pub fn passage(&self, ordinal: usize, locator: String, line: usize, text: String) -> Passage {
        Passage {
            doc: self.document.id.clone(),
            ordinal: to_u32(ordinal),
            locator,
            section: None,
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

/// Parses a `.md` or `.txt` file. Front matter problems drop the document; body problems are
/// reported and the rest of the body is kept.
pub(super) fn parse_document_file(
    file: &CorpusFile,
    text: &str,
) -> (Vec<ParsedDocument>, Vec<Error>) {
    let front = match frontmatter::parse(file, text) {
        Ok(front) => front,
        Err(errors) => return (Vec::new(), errors),
    };
    let body = Body {
        path: &file.path,
        document: &front.document,
        text: front.body,
        first_line: front.body_line,
    };
    let (passages, errors) = match front.format {
        Format::Transcript => transcript::parse(&body),
        Format::Prose => (prose::parse(&body), Vec::new()),
    };
    (
        vec![ParsedDocument {
            document: front.document,
            passages,
        }],
        errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::discover::FileKind;
    use crate::model::Kind;

    fn file(rel: &str) -> CorpusFile {
        CorpusFile {
            rel: rel.into(),
            path: Path::new("/c").join(rel),
            kind: FileKind::Document,
        }
    }

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

    #[test]
    fn interviews_are_transcripts_with_lines_counted_from_the_top() {
        let text = "---\ntitle: Interview 1\nkind: interview\nsite: site 1\n---\n\nID9: Hello.\n";
        let (docs, errors) = parse_document_file(&file("documents/int-01.md"), text);
        assert!(errors.is_empty(), "{errors:?}");
        let [doc] = docs.as_slice() else {
            panic!("expected one document, got {docs:?}")
        };
        assert_eq!(
            (doc.document.id.as_str(), doc.document.kind),
            ("int-01", Kind::Interview)
        );
        let [turn] = doc.passages.as_slice() else {
            panic!("expected one passage, got {:?}", doc.passages)
        };
        assert_eq!(
            (
                turn.locator.as_str(),
                turn.origin.line,
                turn.origin.file.as_str()
            ),
            ("turn 1", 7, "documents/int-01.md")
        );
        assert_eq!(turn.site.as_ref().map(|s| s.as_str()), Some("site 1"));
    }

    #[test]
    fn transcript_body_errors_keep_the_document() {
        let text = "---\ntitle: M\nkind: meeting\n---\nAgenda\nChair: Welcome.\n";
        let (docs, errors) = parse_document_file(&file("m.md"), text);
        assert_eq!(docs[0].passages.len(), 1);
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            ["/c/m.md:5: text before the first speaker turn: start turns with `SPEAKER:`"]
        );
    }

    #[test]
    fn front_matter_errors_drop_the_document() {
        let (docs, errors) = parse_document_file(&file("a.md"), "no front matter\n");
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn articles_are_prose() {
        let text = "---\ntitle: Paper\nkind: article\n---\nOne.\n\nTwo [GP ID2].\n";
        let (docs, _) = parse_document_file(&file("p.md"), text);
        let labels: Vec<Option<String>> =
            docs[0].passages.iter().map(|p| p.speaker_label()).collect();
        assert_eq!(labels, [None, Some("[GP ID2]".to_string())]);
        assert_eq!(docs[0].passages[1].locator, "para 2");
    }
}
