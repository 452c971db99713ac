//! Document files (`.md`, `.txt`): front matter, then a transcript or prose body.

use super::body::{Body, ParsedDocument};
use super::discover::CorpusFile;
use super::frontmatter::{self, Format};
use super::prose;
use super::transcript::{self, Layout};
use crate::error::Error;

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
        Format::Transcript => transcript::parse(&body, Layout::Declared),
        Format::Prose => (prose::parse(&body), Vec::new()),
    };
    let mut parsed = ParsedDocument {
        document: front.document,
        passages,
    };
    front.speakers.apply(&mut parsed);
    (vec![parsed], errors)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ingest::discover::FileKind;
    use crate::model::Kind;

    fn file(rel: &str) -> CorpusFile {
        CorpusFile {
            rel: rel.into(),
            path: Path::new("/c").join(rel),
            kind: FileKind::Document(crate::ingest::Format::Text),
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
