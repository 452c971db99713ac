//! The intermediate document every format is read into, and how it becomes passages.
//!
//! A [`Source`] is what a file says, in order: headings, paragraphs (with the page they are on,
//! for paginated formats) and speaker turns whose speaker the layout made plain (a table
//! column, a bold label, a caption's voice tag). A source with turns for at least a third of its
//! paragraphs is a transcript: `Name: text` paragraphs become turns too, paragraphs after a turn
//! continue it, and it is an interview for one or two speakers besides the interviewer, a
//! meeting for more. Otherwise it is prose, cited by paragraph or page. Files without front
//! matter get their id and title from the file name (or their first heading).

use std::collections::BTreeSet;
use std::path::Path;

use super::super::body::{ParsedDocument, Passages, Place};
use super::super::discover::CorpusFile;
use super::super::participants::INTERVIEWER_LABELS;
use super::super::transcript::{Turns, turn_start};
use crate::error::Error;
use crate::model::{DocId, Document, Kind, Lang, Passage};

/// One piece of a document, as its format lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::ingest) enum Block {
    /// A heading: the passages after it are in this section.
    Heading(String),
    /// A paragraph (or list item); `line` is where it starts (a line, a paragraph or a page number).
    Paragraph {
        line: usize,
        text: String,
        place: Place,
    },
    /// A speaker turn whose speaker the layout names.
    Turn {
        line: usize,
        speaker: Option<String>,
        timestamp: Option<String>,
        text: String,
    },
}

/// What a document file says, before it is split into passages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ingest) struct Source {
    /// The title the file states (a Title style, metadata), if any; else its first heading is used.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    pub reading: Reading,
}

/// How a source may be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::ingest) enum Reading {
    /// As a transcript if its turns say so, else as prose.
    #[default]
    Detect,
    /// Always as prose (PDFs: reports and papers, whose `Results:` paragraphs are no speakers).
    Prose,
}

/// Splits a source into passages, as a transcript or as prose (see the module docs).
pub(super) fn assemble(file: &CorpusFile, source: Source) -> Result<ParsedDocument, Error> {
    let title = source
        .title
        .clone()
        .or_else(|| first_heading(&source.blocks));
    let transcript = is_transcript(&source);
    let mut document = untitled_document(file, title, Kind::Other, &sample(&source.blocks))?;
    let passages = if transcript {
        transcript_passages(&document, source.blocks)
    } else {
        prose_passages(&document, source.blocks)
    };
    if transcript {
        document.kind = transcript_kind(&passages);
    }
    Ok(ParsedDocument { document, passages })
}

/// Whether the blocks read as a transcript (see [`Turns::enough`]).
fn is_transcript(source: &Source) -> bool {
    if source.reading == Reading::Prose {
        return false;
    }
    let mut turns = Turns::default();
    for block in &source.blocks {
        match block {
            Block::Turn { .. } => turns.marked(),
            Block::Paragraph { line, text, .. } => match turn_start(*line, text) {
                Some(turn) => turns.written(turn.speaker.as_deref()),
                None => turns.others += 1,
            },
            Block::Heading(_) => {}
        }
    }
    turns.enough()
}

/// An open turn: its first line, speaker, timestamp and text so far.
type OpenTurn = (usize, Option<String>, Option<String>, String);

fn transcript_passages(document: &Document, blocks: Vec<Block>) -> Vec<Passage> {
    let mut out = Passages::new(document);
    let mut open: Option<OpenTurn> = None;
    let close = |out: &mut Passages, open: &mut Option<OpenTurn>| {
        if let Some((line, speaker, timestamp, text)) = open.take() {
            out.turn(line, speaker.as_deref(), timestamp.as_deref(), text);
        }
    };
    for block in blocks {
        match block {
            Block::Heading(section) => {
                close(&mut out, &mut open);
                out.set_section(Some(section));
            }
            Block::Turn {
                line,
                speaker,
                timestamp,
                text,
            } => {
                close(&mut out, &mut open);
                open = Some((line, speaker, timestamp, text));
            }
            Block::Paragraph { line, text, .. } => match turn_start(line, &text) {
                Some(turn) => {
                    close(&mut out, &mut open);
                    open = Some((line, turn.speaker, turn.timestamp, turn.text));
                }
                None => match &mut open {
                    // A speaker's answer often runs over several paragraphs.
                    Some((_, _, _, said)) if !said.is_empty() => {
                        said.push('\n');
                        said.push_str(&text);
                    }
                    Some((_, _, _, said)) => said.push_str(&text),
                    None => open = Some((line, None, None, text)),
                },
            },
        }
    }
    close(&mut out, &mut open);
    out.finish()
}

fn prose_passages(document: &Document, blocks: Vec<Block>) -> Vec<Passage> {
    let mut out = Passages::new(document);
    for block in blocks {
        match block {
            Block::Heading(section) => out.set_section(Some(section)),
            Block::Paragraph { line, text, place } => out.paragraph(line, text, place),
            Block::Turn {
                line,
                speaker,
                timestamp,
                text,
            } => out.turn(line, speaker.as_deref(), timestamp.as_deref(), text),
        }
    }
    out.finish()
}

fn first_heading(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|block| match block {
        Block::Heading(text) => Some(text.clone()),
        _ => None,
    })
}

/// Enough of the text to tell its language.
fn sample(blocks: &[Block]) -> String {
    let mut sample = String::new();
    for block in blocks {
        if let Block::Paragraph { text, .. } | Block::Turn { text, .. } = block {
            sample.push_str(text);
            sample.push(' ');
        }
        if sample.len() > 4000 {
            break;
        }
    }
    sample
}

/// The metadata of a file without front matter: id and (failing a title) title from its name,
/// language from its text.
pub(in crate::ingest) fn untitled_document(
    file: &CorpusFile,
    title: Option<String>,
    kind: Kind,
    sample: &str,
) -> Result<Document, Error> {
    let stem = Path::new(&file.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = DocId::parse(&id_from_stem(&stem)).map_err(|e| {
        Error::malformed(
            &file.path,
            0,
            format!("{e}: rename the file, or give it an `id` in documents.csv"),
        )
    })?;
    Ok(Document {
        lang: Lang::detect(sample),
        ..Document::new(id, title.unwrap_or(stem), kind, file.rel.clone())
    })
}

/// `Interview 3 (final)` -> `Interview-3-final`: file names have spaces and brackets, ids do not.
fn id_from_stem(stem: &str) -> String {
    let mut id = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').trim_start_matches('.').to_string()
}

/// An interview for one or two speakers besides the interviewer, a meeting for more.
pub(in crate::ingest) fn transcript_kind(passages: &[Passage]) -> Kind {
    let speakers: BTreeSet<String> = passages
        .iter()
        .filter_map(|p| p.speaker.as_ref())
        .map(|s| s.as_str().to_lowercase())
        .filter(|s| !INTERVIEWER_LABELS.contains(&s.as_str()))
        .collect();
    if speakers.len() <= 2 {
        Kind::Interview
    } else {
        Kind::Meeting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str) -> CorpusFile {
        CorpusFile::document_at(rel)
    }

    fn paragraph(line: usize, text: &str) -> Block {
        Block::Paragraph {
            line,
            text: text.into(),
            place: Place::Counted,
        }
    }

    fn turns(passages: &[Passage]) -> Vec<(Option<&str>, &str, &str)> {
        passages
            .iter()
            .map(|p| {
                (
                    p.speaker.as_ref().map(|s| s.as_str()),
                    p.locator.as_str(),
                    p.text.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn paragraphs_with_turns_are_a_transcript() {
        let source = Source {
            blocks: vec![
                paragraph(1, "Interview transcript, site visit"),
                Block::Heading("Part 1".into()),
                paragraph(2, "Interviewer: How did it start?"),
                Block::Turn {
                    line: 3,
                    speaker: Some("Dr Jane Smith".into()),
                    timestamp: Some("00:01:02".into()),
                    text: "Slowly.".into(),
                },
                paragraph(4, "Then quickly."),
                paragraph(5, "Interviewer: Why?"),
            ],
            ..Source::default()
        };
        let parsed = assemble(&file("docs/Interview 3 (final).docx"), source).unwrap();
        assert_eq!(parsed.document.id.as_str(), "Interview-3-final");
        assert_eq!(parsed.document.title, "Part 1");
        assert_eq!(parsed.document.kind, Kind::Interview);
        assert_eq!(
            turns(&parsed.passages),
            [
                (None, "turn 1", "Interview transcript, site visit"),
                (Some("Interviewer"), "turn 2", "How did it start?"),
                (
                    Some("Dr Jane Smith"),
                    "turn 3, 00:01:02",
                    "Slowly.\nThen quickly."
                ),
                (Some("Interviewer"), "turn 4", "Why?"),
            ]
        );
        assert_eq!(parsed.passages[1].section.as_deref(), Some("Part 1"));
    }

    #[test]
    fn paragraphs_without_enough_turns_are_prose_by_page() {
        let source = Source {
            title: Some("Policy".into()),
            reading: Reading::Prose,
            blocks: vec![
                Block::Paragraph {
                    line: 1,
                    text: "Note: draft.".into(),
                    place: Place::Page(1),
                },
                Block::Paragraph {
                    line: 2,
                    text: "It 'works well' (GP ID16).".into(),
                    place: Place::Page(2),
                },
            ],
        };
        let parsed = assemble(&file("policy.pdf"), source).unwrap();
        assert_eq!(parsed.document.kind, Kind::Other);
        assert_eq!(
            turns(&parsed.passages),
            [
                (None, "p. 1", "Note: draft."),
                (None, "p. 2", "It 'works well' (GP ID16)."),
                (Some("ID16"), "p. 2", "works well"),
            ]
        );
    }

    #[test]
    fn three_speakers_besides_the_interviewer_are_a_meeting() {
        let blocks = [
            "Chair: Welcome.",
            "ID9: Thanks.",
            "ID14: Hello.",
            "Chair: Bye.",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| paragraph(i + 1, t))
        .collect();
        let parsed = assemble(
            &file("m.txt"),
            Source {
                blocks,
                ..Source::default()
            },
        )
        .unwrap();
        assert_eq!(parsed.document.kind, Kind::Meeting);
        assert_eq!(parsed.document.title, "m");
    }

    #[test]
    fn ids_from_file_names() {
        assert_eq!(id_from_stem("Interview 3 (final)"), "Interview-3-final");
        assert_eq!(id_from_stem("..hidden"), "hidden");
        assert_eq!(id_from_stem("会议"), "");
        let err = assemble(&file("会议.txt"), Source::default()).unwrap_err();
        assert!(
            err.to_string().contains("give it an `id` in documents.csv"),
            "{err}"
        );
    }
}
