//! Plain `.txt` and `.md` files without front matter: a transcript when its lines look like
//! turns (any layout [`transcript`](super::super::transcript) knows), prose otherwise.
//!
//! The title is the first heading, or the file name; `documents.csv` may say more.

use super::super::body::{Body, ParsedDocument, heading};
use super::super::discover::CorpusFile;
use super::super::prose;
use super::super::transcript::{self, Layout, looks_like_transcript};
use super::assemble::{transcript_kind, untitled_document};
use crate::error::Error;
use crate::model::Kind;

/// Reads a text file that has no front matter.
pub(super) fn parse(file: &CorpusFile, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
    let title = text.lines().find_map(|line| heading(line).flatten());
    let mut document = match untitled_document(file, title, Kind::Other, text) {
        Ok(document) => document,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let body = Body {
        path: &file.path,
        document: &document,
        text,
        first_line: 1,
    };
    let is_transcript = looks_like_transcript(text);
    let (passages, errors) = if is_transcript {
        transcript::parse(&body, Layout::Detected)
    } else {
        (prose::parse(&body), Vec::new())
    };
    if is_transcript {
        document.kind = transcript_kind(&passages);
    }
    (vec![ParsedDocument { document, passages }], errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(rel: &str, text: &str) -> ParsedDocument {
        let (mut docs, errors) = parse(&CorpusFile::document_at(rel), text);
        assert!(errors.is_empty(), "{errors:?}");
        docs.remove(0)
    }

    fn turns(doc: &ParsedDocument) -> Vec<(String, &str, &str)> {
        doc.passages
            .iter()
            .map(|p| {
                (
                    p.speaker.as_ref().map_or(String::new(), |s| s.to_string()),
                    p.locator.as_str(),
                    p.text.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn name_colon_turns_with_a_title_line() {
        let doc = read(
            "int 9.txt",
            "Interview with ID9, March 2016\n\nInterviewer: How did it start?\nID9: Slowly,\nthen fast.\nInterviewer: Thanks.\n",
        );
        assert_eq!(
            (
                doc.document.id.as_str(),
                doc.document.title.as_str(),
                doc.document.kind
            ),
            ("int-9", "int 9", Kind::Interview)
        );
        assert_eq!(
            turns(&doc),
            [
                (String::new(), "turn 1", "Interview with ID9, March 2016"),
                ("Interviewer".into(), "turn 2", "How did it start?"),
                ("ID9".into(), "turn 3", "Slowly, then fast."),
                ("Interviewer".into(), "turn 4", "Thanks."),
            ]
        );
    }

    #[test]
    fn every_common_turn_layout() {
        let cases = [
            (
                "[00:01:02] Jane: One.\n[00:01:09] Ann: Two.\n[00:01:15] Jane: Three.\n",
                "turn 1, 00:01:02",
                "Jane",
            ),
            (
                "Speaker 1 (00:01:02): One.\nSpeaker 2 (00:01:09): Two.\nSpeaker 1 (00:01:15): Three.\n",
                "turn 1, 00:01:02",
                "Speaker 1",
            ),
            (
                "Jane Smith  0:03\nOne.\n\nAnn Lee  0:09\nTwo.\n\nJane Smith  0:15\nThree.\n",
                "turn 1, 0:03",
                "Jane Smith",
            ),
            ("Q: One?\nA: Two.\nQ: Three?\n", "turn 1", "Q"),
            (
                "INTERVIEWER: One?\nRESPONDENT: Two.\nINTERVIEWER: Three?\n",
                "turn 1",
                "INTERVIEWER",
            ),
        ];
        for (text, locator, speaker) in cases {
            let doc = read("t.txt", text);
            assert_eq!(doc.passages.len(), 3, "{text}: {:?}", turns(&doc));
            assert_eq!(
                (
                    doc.passages[0].locator.as_str(),
                    doc.passages[0].speaker.as_ref().map(|s| s.as_str())
                ),
                (locator, Some(speaker)),
                "{text}"
            );
            assert!(doc.passages[0].text.starts_with("One"), "{text}");
        }
    }

    #[test]
    fn markdown_without_front_matter_is_prose_titled_by_its_heading() {
        let doc = read(
            "notes.md",
            "# Visit notes\n\nNote: the meeting ran late.\n\nThe committee discussed the budget.\n\nIt ended at 10:30.\n",
        );
        assert_eq!(
            (doc.document.title.as_str(), doc.document.kind),
            ("Visit notes", Kind::Other)
        );
        assert_eq!(doc.passages.len(), 3);
        assert_eq!(doc.passages[0].locator, "para 1");
    }
}
