//! Reading a corpus directory into documents and passages.
//!
//! A corpus is a directory: documents anywhere below it (Markdown or text with or without YAML
//! front matter, captions; each format read by a module of its own under `formats/`), `.jsonl`
//! imports, and at its root `participants.csv` (who the speakers are) and `role_groups.toml`
//! (which roles count as one group). [`discover`] lists and classifies the files,
//! [`read_documents`] checks a file's bytes against its format and splits it into passages
//! (speaker turns, paragraphs, attributed quotes), and [`join_participants`] fills in each
//! passage's role, site, attributes and role group from the sheet. A malformed file or row is
//! an [`Error::Malformed`] naming its line; the rest is still read.

mod attribution;
mod body;
mod clock;
mod decode;
mod discover;
mod document;
mod documents_sheet;
mod draft;
mod fields;
mod formats;
mod frontmatter;
mod inspect;
mod jsonl;
mod labels;
mod participants;
mod reading;
mod role_groups;
mod sheet;
mod source;
mod text;

pub use body::{ParsedDocument, Reading};
pub use decode::{MAX_PASSAGE_BYTES, decode};
pub use discover::{CorpusFile, FileKind, PARTICIPANTS_FILE, ROLE_GROUPS_FILE, discover};
pub use documents_sheet::{
    DOCUMENTS_FILE, Description, DocumentsSheet, SpeakerMap, parse_documents_sheet, unknown_files,
};
pub use draft::{DraftParagraph, read_docx_draft};
pub use formats::{DOCUMENT_EXTENSIONS, Format, refusal};
pub use inspect::{Attribution, doubt, file_reading};
pub use participants::{join_participants, parse_participants, unmapped_speakers};
pub use role_groups::parse_role_groups;

use std::path::Path;

use decode::{decode_text, too_long};

use crate::error::Error;

/// Reads one document or JSONL file from its bytes, with what `documents.csv` says about it.
/// A JSONL file may hold many documents; bad lines are errors, good lines are kept. A file with
/// a line or passage over [`MAX_PASSAGE_BYTES`] is left out whole, with an error at that line.
#[tracing::instrument(level = "debug", skip_all, fields(file = %file.rel))]
pub fn read_documents(
    file: &CorpusFile,
    bytes: &[u8],
    description: Option<&Description>,
) -> (Vec<ParsedDocument>, Vec<Error>) {
    let (documents, errors) = match file.kind {
        FileKind::Document(format) => formats::read(file.name(), format, bytes, description),
        FileKind::Jsonl => match decode_text(&file.path, bytes) {
            Ok(decoded) => {
                let (mut documents, errors) = jsonl::parse(file.name(), &decoded.text);
                for document in &mut documents {
                    document.reading.encoding.clone_from(&decoded.encoding);
                    document.reading.warnings.extend(decoded.warning.clone());
                }
                (documents, errors)
            }
            Err(e) => (Vec::new(), vec![e]),
        },
        other => {
            let reason =
                format!("read_documents was given a {other:?} file, which holds no documents");
            (
                Vec::new(),
                vec![Error::Internal(format!(
                    "{}: {reason}",
                    file.path.display()
                ))],
            )
        }
    };
    match overlong_passage(&file.path, &documents) {
        Some(error) => (Vec::new(), vec![error]),
        None => (documents, errors),
    }
}

/// Continuation lines can make a passage long even when every line is short.
fn overlong_passage(path: &Path, documents: &[ParsedDocument]) -> Option<Error> {
    let passage = documents
        .iter()
        .flat_map(|d| &d.passages)
        .find(|p| p.text.len() > MAX_PASSAGE_BYTES)?;
    let line = usize::try_from(passage.origin.line).unwrap_or(usize::MAX);
    Some(too_long(
        path,
        line,
        "the passage starting here",
        passage.text.len(),
    ))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::model::Passage;

    /// The whole ingest path on a small corpus on disk: discover, decode, parse, join.
    #[test]
    fn overlong_lines_and_passages_leave_the_file_out_with_their_line() {
        let file = CorpusFile {
            rel: "documents/dump.md".into(),
            path: "corpus/documents/dump.md".into(),
            kind: FileKind::Document(Format::Text),
        };
        let header = "---\ntitle: Dump\nkind: interview\n---\n";
        let long_line = format!("{header}ID9: ok\nID9: {}\n", "x".repeat(MAX_PASSAGE_BYTES));
        let (documents, errors) = read_documents(&file, long_line.as_bytes(), None);
        assert!(documents.is_empty());
        assert_eq!(errors.len(), 1);
        let message = errors[0].to_string();
        assert!(
            message.starts_with("corpus/documents/dump.md:6: this line is 1.0 MB"),
            "{message}"
        );

        let chunk = format!("{}\n", "y".repeat(1000));
        let long_turn = format!(
            "{header}ID9: start\n{}",
            chunk.repeat(MAX_PASSAGE_BYTES / 1000 + 1)
        );
        let (documents, errors) = read_documents(&file, long_turn.as_bytes(), None);
        assert!(documents.is_empty());
        let message = errors[0].to_string();
        assert!(
            message.starts_with("corpus/documents/dump.md:5: the passage starting here"),
            "{message}"
        );
    }

    #[test]
    fn a_corpus_directory_becomes_attributed_passages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("documents")).unwrap();
        let files = [
            ("README.md", "# Demo corpus\n"),
            (
                "participants.csv",
                "id,role,site,Years in post\nID9,Independent GP,site 1,12\nID19,Manager,site 2,\n",
            ),
            (
                "role_groups.toml",
                "[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\"Manager\"]\n",
            ),
            (
                "documents/int-09.md",
                "---\ntitle: Interview 9\nkind: interview\n---\nInterviewer: How did it start?\n[00:01:05] ID9: Slowly.\n",
            ),
            (
                "documents/paper.md",
                "---\ntitle: Paper\nkind: article\nsource: Smith 2019\n---\n# Results\n\nThere's lots of work. [ID19]\n",
            ),
        ];
        for (rel, text) in files {
            fs::write(root.join(rel), text).unwrap();
        }
        // Windows line endings and a BOM, as exported from Word.
        fs::write(
            root.join("documents/notes.txt"),
            "\u{feff}---\r\ntitle: Notes\r\nkind: other\r\n---\r\nOne.\r\n",
        )
        .unwrap();

        let (found, errors) = discover(root);
        assert!(errors.is_empty(), "{errors:?}");
        let mut participants = Vec::new();
        let mut groups = Default::default();
        let mut passages: Vec<Passage> = Vec::new();
        for file in &found {
            let bytes = fs::read(&file.path).unwrap();
            let text = || decode(&file.path, &bytes).unwrap();
            match file.kind {
                FileKind::Participants => participants = parse_participants(&file.path, &text()).0,
                FileKind::RoleGroups => groups = parse_role_groups(&file.path, &text()).unwrap(),
                FileKind::Document(_) | FileKind::Jsonl => {
                    let (docs, errors) = read_documents(file, &bytes, None);
                    assert!(errors.is_empty(), "{errors:?}");
                    passages.extend(docs.into_iter().flat_map(|d| d.passages));
                }
                FileKind::Ignored
                | FileKind::Unsupported
                | FileKind::DocumentsSheet
                | FileKind::StopWords => {}
            }
        }
        join_participants(&mut passages, &participants, &groups);

        let cited: Vec<String> = passages
            .iter()
            .map(|p| {
                let label = p.speaker_label().unwrap_or_default();
                let group = p.role_group.as_ref().map_or("-", |g| g.as_str());
                format!(
                    "{}:{} ({}) {label} {group}: {}",
                    p.origin.file, p.origin.line, p.locator, p.text
                )
            })
            .collect();
        assert_eq!(
            cited,
            [
                "documents/int-09.md:5 (turn 1) [Interviewer] -: How did it start?",
                "documents/int-09.md:6 (turn 2, 00:01:05) [Independent GP ID9] GP: Slowly.",
                "documents/notes.txt:5 (para 1)  -: One.",
                "documents/paper.md:8 (para 1) [Manager ID19] manager: There's lots of work.",
            ]
        );
        assert_eq!(
            passages[1].site.as_ref().map(|s| s.as_str()),
            Some("site 1")
        );
        assert_eq!(
            passages[1].attrs.get("years_in_post").map(String::as_str),
            Some("12")
        );
    }

    #[test]
    fn non_document_files_are_refused() {
        let file = CorpusFile {
            rel: "participants.csv".into(),
            path: "/c/participants.csv".into(),
            kind: FileKind::Participants,
        };
        let (docs, errors) = read_documents(&file, b"id\n", None);
        assert!(docs.is_empty());
        assert!(
            matches!(errors.as_slice(), [Error::Internal(_)]),
            "{errors:?}"
        );
    }
}
