//! Text files (`.md`, `.txt`): YAML front matter and its body, or a plain text without it.
//!
//! Front matter states the document and whether its body is a transcript or prose; a file
//! without it is read by detection, titled by its first heading or its name (`documents.csv` may
//! say more). Either way the body's lines become blocks (`text`) read by `reading`.

use super::body::ParsedDocument;
use super::documents_sheet::Stated;
use super::frontmatter::{self, Format};
use super::reading;
use super::source::{FileRef, ReadAs, Source};
use super::text;
use crate::error::Error;

/// Reads a `.md` or `.txt` file. Front matter problems drop the document; body problems are
/// reported and the rest of the body is kept.
pub(super) fn read(file: FileRef, text: &str) -> (Vec<ParsedDocument>, Vec<Error>, Stated) {
    if !text.starts_with("---") {
        let source = Source {
            blocks: text::blocks(text, 1),
            ..Source::default()
        };
        let (documents, errors) = match reading::read(file, source, None) {
            Ok((parsed, errors)) => (vec![parsed], errors),
            Err(e) => (Vec::new(), vec![e]),
        };
        return (documents, errors, Stated::Guessed);
    }
    let (documents, errors) = read_with_front_matter(file, text);
    (documents, errors, Stated::InFile)
}

/// Reads a file that opens with front matter (a `---` line).
fn read_with_front_matter(file: FileRef, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
    let front = match frontmatter::parse(file, text) {
        Ok(front) => front,
        Err(errors) => return (Vec::new(), errors),
    };
    let source = Source {
        title: None,
        blocks: text::blocks(front.body, front.body_line),
        read_as: match front.format {
            Format::Transcript => ReadAs::Transcript,
            Format::Prose => ReadAs::Prose,
        },
        ..Source::default()
    };
    match reading::read(file, source, Some(front.document)) {
        Ok((mut parsed, errors)) => {
            front.speakers.apply(&mut parsed);
            (vec![parsed], errors)
        }
        Err(e) => (Vec::new(), vec![e]),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ingest::discover::{CorpusFile, FileKind};
    use crate::model::Kind;

    fn file(rel: &str) -> CorpusFile {
        CorpusFile {
            rel: rel.into(),
            path: Path::new("/c").join(rel),
            kind: FileKind::Document(crate::ingest::Format::Text),
        }
    }

    fn parse_document_file(file: &CorpusFile, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
        read_with_front_matter(file.name(), text)
    }

    fn parse_plain(file: &CorpusFile, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
        let (documents, errors, stated) = read(file.name(), text);
        assert_eq!(stated, Stated::Guessed);
        (documents, errors)
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

    fn read_plain(rel: &str, text: &str) -> ParsedDocument {
        let (mut docs, errors) = parse_plain(&CorpusFile::document_at(rel), text);
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
        let doc = read_plain(
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
            let doc = read_plain("t.txt", text);
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
        let doc = read_plain(
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

    /// Issue 21: every common layout, learned per file, with the time beside the label kept.
    #[test]
    fn issue_21_speaker_labels_in_every_common_layout() {
        let cases: [(&str, &str, Option<&str>); 14] = [
            (
                "Jane Smith (GP): One.\nAnn: Two.\nJane Smith (GP): Three.\n",
                "Jane Smith",
                None,
            ),
            ("YL: One.\nMK: Two.\nYL: Three.\n", "YL", None),
            ("I: One.\nR: Two.\nI: Three.\n", "I", None),
            (
                "[Jane] One.\n[Ann] Two.\n[Jane] Three.\n[Ann] Four.\n",
                "Jane",
                None,
            ),
            ("[Jane]: One.\n[Ann]: Two.\n[Jane]: Three.\n", "Jane", None),
            (
                "**Jane**: One.\n\n**Ann**: Two.\n\n**Jane**: Three.\n",
                "Jane",
                None,
            ),
            (
                "**Jane** 0:42\nOne.\n\n**Ann** 0:50\nTwo.\n\n**Jane** 1:02\nThree.\n",
                "Jane",
                Some("0:42"),
            ),
            (
                "Jane - One.\nAnn - Two.\nJane - Three.\nAnn - Four.\n",
                "Jane",
                None,
            ),
            (
                "Jane – One.\nAnn — Two.\nJane – Three.\nAnn — Four.\n",
                "Jane",
                None,
            ),
            (
                "[Jane Smith] 11:02:09\nOne.\n\n[Ann Lee] 11:02:15\nTwo.\n\n[Jane Smith] 11:02:20\nThree.\n",
                "Jane Smith",
                Some("11:02:09"),
            ),
            (
                "Speaker 1 (00:01:02)\nOne.\n\nSpeaker 2 (00:01:09)\nTwo.\n\nSpeaker 1 (00:01:15)\nThree.\n",
                "Speaker 1",
                Some("00:01:02"),
            ),
            (
                "[00:00:01.000 - 00:00:05.000] SPEAKER_00 - One.\n[00:00:05.000 - 00:00:09.000] SPEAKER_01 - Two.\n[00:00:09.000 - 00:00:12.000] SPEAKER_00 - Three.\n",
                "SPEAKER_00",
                Some("00:00:01"),
            ),
            (
                "[00:01:02] SPEAKER_00: One.\n[00:01:09] SPEAKER_01: Two.\n[00:01:15] SPEAKER_00: Three.\n",
                "SPEAKER_00",
                Some("00:01:02"),
            ),
            (
                "SPEAKER_00 00:01:02 One.\nSPEAKER_01 00:01:09 Two.\nSPEAKER_00 00:01:15 Three.\nSPEAKER_01 00:01:20 Four.\n",
                "SPEAKER_00",
                Some("00:01:02"),
            ),
        ];
        for (text, speaker, time) in cases {
            let doc = read_plain("t.txt", text);
            let first = &doc.passages[0];
            let locator = match time {
                Some(time) => format!("turn 1, {time}"),
                None => "turn 1".to_string(),
            };
            assert!(doc.passages.len() >= 3, "{text}: {:?}", turns(&doc));
            assert_eq!(
                (
                    first.locator.as_str(),
                    first.speaker.as_ref().map(|s| s.as_str())
                ),
                (locator.as_str(), Some(speaker)),
                "{text}"
            );
            assert_eq!(first.text, "One.", "{text}");
            assert_eq!(doc.passages[2].text, "Three.", "{text}");
        }
    }

    /// Issue 21: ordinary sentences with colons, dashes and brackets stay prose.
    #[test]
    fn issue_21_prose_with_colons_dashes_and_brackets_stays_prose() {
        let doc = read_plain(
            "essay.md",
            "# Findings\n\nNote: the sample was small.\n\nThe budget - as agreed in March - was pooled.\n\n[Smith] argued the opposite in 2019.\n\nIn short: it worked.\n\nThe plan – a bold one – took a year.\n\nThe committee met at 10:30 and again at 14:00 that day.\n",
        );
        assert_eq!(doc.document.kind, Kind::Other);
        assert!(
            doc.passages.iter().all(|p| p.speaker.is_none()),
            "{:?}",
            turns(&doc)
        );
        assert!(doc.passages.iter().all(|p| p.locator.starts_with("para")));
    }
}
