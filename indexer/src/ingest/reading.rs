//! How a source becomes passages, the same for every format: transcript or prose, which blocks
//! open speaker turns, and how turns and paragraphs continue.
//!
//! A source is a transcript when its front matter says so, or, left to detection, when turns
//! open at least a third of its paragraphs and some speaker speaks twice (see [`Turns::enough`]).
//! A turn opens at a block the layout marks as one (a table row, a bold label, a caption voice)
//! or at a line with a speaker label (`labels`); the blocks after it continue it, a new
//! paragraph after a `\n`, a text line after a space. Prose is cited by paragraph or page.
//! Files without front matter get their id and title from the file name (or their first
//! heading), and are an interview for one or two speakers besides the interviewer, a meeting
//! for more.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::body::{ParsedDocument, Passages, Place, Reading, to_u32};
use super::clock::seconds;
use super::labels::{self, Candidate};
use super::participants::INTERVIEWER_LABELS;
use super::source::{Block, FileRef, ReadAs, Source, Style};
use crate::api::Layout;
use crate::error::Error;
use crate::model::{DocId, Document, Kind, Lang, Passage};

/// Reads a source into one document: `stated` is the document its front matter describes,
/// `None` for a file without (its metadata is then guessed from its name and text). Text outside
/// any turn of a declared transcript is reported; the rest is kept.
pub(in crate::ingest) fn read(
    file: FileRef,
    source: Source,
    stated: Option<Document>,
) -> Result<(ParsedDocument, Vec<Error>), Error> {
    // A declared transcript's (or a caption cue's) one-off `Name:` is a speaker; elsewhere
    // labels must recur.
    let declared = matches!(source.read_as, ReadAs::Transcript | ReadAs::Captions);
    let learned = labels::learn(&source.blocks, declared);
    let starts = learned.starts;
    let transcript = match source.read_as {
        ReadAs::Transcript | ReadAs::Captions => true,
        ReadAs::Prose => false,
        ReadAs::Detect => is_transcript(&source.blocks, &starts),
    };
    let reading = Reading {
        layout: match (source.read_as, transcript) {
            (ReadAs::Captions, _) => Layout::Captions,
            (_, true) => Layout::Transcript,
            (_, false) => Layout::Prose,
        },
        label_like_lines: to_u32(learned.label_like),
        lines: to_u32(
            source
                .blocks
                .iter()
                .filter(|b| b.style != Style::Heading)
                .count(),
        ),
        warnings: source.warnings,
        ..Reading::default()
    };
    let guessed = stated.is_none();
    let mut document = match stated {
        Some(document) => document,
        None => {
            let title = source
                .title
                .clone()
                .or_else(|| first_heading(&source.blocks));
            untitled_document(file, title, Kind::Other, &sample(&source.blocks))?
        }
    };
    let (passages, errors) = if source.read_as == ReadAs::Captions {
        (
            caption_passages(&document, source.blocks, starts),
            Vec::new(),
        )
    } else if transcript {
        let declared = source.read_as == ReadAs::Transcript;
        transcript_passages(file.path, &document, source.blocks, starts, declared)
    } else {
        (prose_passages(&document, source.blocks), Vec::new())
    };
    if transcript && guessed {
        document.kind = transcript_kind(&passages);
    }
    let parsed = ParsedDocument {
        document,
        passages,
        reading,
    };
    Ok((parsed, errors))
}

/// Whether the blocks read as a transcript (see [`Turns::enough`]).
fn is_transcript(blocks: &[Block], starts: &[Option<Candidate>]) -> bool {
    let mut turns = Turns::default();
    for (block, start) in blocks.iter().zip(starts) {
        match (block.style, start) {
            (Style::Heading, _) => {}
            (Style::Turn, _) => turns.marked += 1,
            (_, Some(start)) => turns.written.push(labels::key(&start.speaker)),
            (Style::Paragraph, None) => turns.others += 1,
            (Style::Line, None) => {}
        }
    }
    turns.enough()
}

/// The turns of a source, to tell a transcript from prose.
#[derive(Debug, Default)]
struct Turns {
    /// Speaker labels of the turns written as text (`Name: ...`), lower-cased.
    written: Vec<String>,
    /// Turns the layout marks (a table row, a bold label, a voice tag).
    marked: usize,
    /// Paragraphs that start no turn.
    others: usize,
}

impl Turns {
    /// At least two turns, turns open at least a third of the paragraphs (an answer may run
    /// over several), and, unless the layout marks the turns, some speaker speaks twice, so a
    /// paper with the odd `Note:` line or a structured abstract's `Background:` and `Results:`
    /// stays prose.
    fn enough(&self) -> bool {
        let turns = self.written.len() + self.marked;
        let mut seen = HashSet::new();
        let recurs = self.written.iter().any(|label| !seen.insert(label));
        turns >= 2 && turns * 2 >= self.others && (self.marked >= 2 || recurs)
    }
}

/// A turn being read: its first line, speaker, time and text so far.
struct OpenTurn {
    line: usize,
    speaker: Option<String>,
    time: Option<String>,
    text: String,
}

/// Where text outside any turn of a declared transcript sits, so one error is reported per stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stray {
    /// Before the first turn.
    First,
    /// After the heading on this line.
    AfterHeading(usize),
    /// Inside a turn, or already reported.
    Quiet,
}

/// Reads a transcript's blocks into turns. With `declared` (the front matter says it is a
/// transcript) text outside any turn is a mistake, reported by line; otherwise it is kept as an
/// unattributed turn (a title, a preamble).
fn transcript_passages(
    path: &Path,
    document: &Document,
    blocks: Vec<Block>,
    starts: Vec<Option<Candidate>>,
    declared: bool,
) -> (Vec<Passage>, Vec<Error>) {
    let mut out = Passages::new(document);
    let mut errors = Vec::new();
    let mut open: Option<OpenTurn> = None;
    let mut stray = Stray::First;
    let close = |out: &mut Passages, open: &mut Option<OpenTurn>| {
        if let Some(turn) = open.take() {
            out.turn(
                turn.line,
                turn.speaker.as_deref(),
                turn.time.as_deref(),
                turn.text,
            );
        }
    };
    for (block, start) in blocks.into_iter().zip(starts) {
        let started = match block.style {
            Style::Heading => {
                close(&mut out, &mut open);
                out.set_section((!block.text.is_empty()).then_some(block.text));
                stray = Stray::AfterHeading(block.line);
                continue;
            }
            Style::Turn => {
                close(&mut out, &mut open);
                stray = Stray::Quiet;
                open = Some(OpenTurn {
                    line: block.line,
                    speaker: block.speaker,
                    time: block.time,
                    text: block.text,
                });
                continue;
            }
            Style::Paragraph | Style::Line => start.map(|turn| OpenTurn {
                line: block.line,
                speaker: Some(turn.speaker),
                time: turn.timestamp.or(block.time.clone()),
                text: turn.text,
            }),
        };
        if let Some(turn) = started {
            close(&mut out, &mut open);
            stray = Stray::Quiet;
            open = Some(turn);
            continue;
        }
        match &mut open {
            // A speaker's answer often runs over several lines and paragraphs.
            Some(turn) => {
                if !turn.text.is_empty() {
                    turn.text.push(match block.style {
                        Style::Line => ' ',
                        _ => '\n',
                    });
                }
                turn.text.push_str(&block.text);
            }
            None if declared => {
                let reason = match stray {
                    Stray::Quiet => continue,
                    Stray::First => {
                        "text before the first speaker turn: start turns with `SPEAKER:`"
                            .to_string()
                    }
                    Stray::AfterHeading(heading) => format!(
                        "text after the heading on line {heading} is not in a speaker turn: start turns with `SPEAKER:`"
                    ),
                };
                errors.push(Error::malformed(path, block.line, reason));
                stray = Stray::Quiet;
            }
            None => {
                open = Some(OpenTurn {
                    line: block.line,
                    speaker: None,
                    time: block.time,
                    text: block.text,
                });
            }
        }
    }
    close(&mut out, &mut open);
    (out.finish(), errors)
}

/// Longest stretch of speech a caption passage spans: a passage is cut before a cue starting
/// this long after the passage's first, so every quote cites a time less than a minute before it.
const CAPTION_SECONDS: u32 = 50;
/// A speaker's passage may end at a sentence end once it spans this long.
const CAPTION_TURN_SECONDS: u32 = 30;
/// Captions without speakers are cut at a sentence end once a passage spans this long...
const UNNAMED_SENTENCE_SECONDS: u32 = 15;
/// ...at a pause of this long between cues...
const UNNAMED_PAUSE_SECONDS: u32 = 2;
/// ...and at this length whatever the timings say (they may all be the same).
const UNNAMED_CHARS: usize = 500;

/// A caption passage being read.
struct OpenCue {
    line: usize,
    speaker: Option<String>,
    time: Option<String>,
    start: u32,
    end: u32,
    text: String,
}

/// Reads caption cues into passages: a voice or a `Name:` label starts a speaker's turn and a cue
/// without one carries it on, consecutive cues of a speaker merge, and passages are cut (see the
/// constants) so that each is cited with the time of its own first cue. Captions without
/// speakers become passages of consecutive cues cut at sentence ends and pauses.
fn caption_passages(
    document: &Document,
    blocks: Vec<Block>,
    starts: Vec<Option<Candidate>>,
) -> Vec<Passage> {
    let mut out = Passages::new(document);
    let mut open: Option<OpenCue> = None;
    let close = |out: &mut Passages, open: &mut Option<OpenCue>| {
        if let Some(cue) = open.take() {
            out.turn(
                cue.line,
                cue.speaker.as_deref(),
                cue.time.as_deref(),
                cue.text,
            );
        }
    };
    for (block, start) in blocks.into_iter().zip(starts) {
        let carried = open.as_ref().and_then(|o| o.speaker.clone());
        let (speaker, text) = match (block.speaker, start) {
            (Some(voice), _) => (Some(voice), block.text),
            (None, Some(label)) => (Some(label.speaker), label.text),
            (None, None) => (carried, block.text),
        };
        if text.is_empty() {
            continue;
        }
        let at = block.time.as_deref().and_then(seconds).unwrap_or(0);
        let end = block.end.as_deref().and_then(seconds).unwrap_or(at);
        let continues = open
            .as_ref()
            .is_some_and(|o| o.speaker == speaker && !cut_before(o, at));
        match &mut open {
            Some(cue) if continues => {
                cue.text.push(' ');
                cue.text.push_str(&text);
                cue.end = cue.end.max(end);
            }
            _ => {
                close(&mut out, &mut open);
                open = Some(OpenCue {
                    line: block.line,
                    speaker,
                    time: block.time,
                    start: at,
                    end,
                    text,
                });
            }
        }
    }
    close(&mut out, &mut open);
    out.finish()
}

/// Whether a passage ends before a cue starting at `at` (see the constants).
fn cut_before(open: &OpenCue, at: u32) -> bool {
    let span = at.saturating_sub(open.start);
    let sentence_ended = open
        .text
        .trim_end()
        .ends_with(['.', '!', '?', '…', '。', '！', '？', '"', '”']);
    match open.speaker {
        Some(_) => span >= CAPTION_SECONDS || (span >= CAPTION_TURN_SECONDS && sentence_ended),
        None => {
            span >= CAPTION_SECONDS
                || (span >= UNNAMED_SENTENCE_SECONDS && sentence_ended)
                || at.saturating_sub(open.end) >= UNNAMED_PAUSE_SECONDS
                || open.text.len() >= UNNAMED_CHARS
        }
    }
}

/// Reads prose blocks into paragraphs (a text file's lines joined with spaces), cited by count
/// or by page; turns the layout marks stay turns.
fn prose_passages(document: &Document, blocks: Vec<Block>) -> Vec<Passage> {
    let mut out = Passages::new(document);
    let mut open: Option<Block> = None;
    let close = |out: &mut Passages, open: &mut Option<Block>| {
        if let Some(paragraph) = open.take() {
            let place = paragraph.page.map_or(Place::Counted, Place::Page);
            out.paragraph(paragraph.line, paragraph.text, place);
        }
    };
    for block in blocks {
        match block.style {
            Style::Heading => {
                close(&mut out, &mut open);
                out.set_section((!block.text.is_empty()).then_some(block.text));
            }
            Style::Turn => {
                close(&mut out, &mut open);
                out.turn(
                    block.line,
                    block.speaker.as_deref(),
                    block.time.as_deref(),
                    block.text,
                );
            }
            Style::Line if open.is_some() => {
                if let Some(paragraph) = &mut open {
                    paragraph.text.push(' ');
                    paragraph.text.push_str(&block.text);
                }
            }
            Style::Paragraph | Style::Line => {
                close(&mut out, &mut open);
                open = Some(block);
            }
        }
    }
    close(&mut out, &mut open);
    out.finish()
}

fn first_heading(blocks: &[Block]) -> Option<String> {
    blocks
        .iter()
        .find(|block| block.style == Style::Heading && !block.text.is_empty())
        .map(|block| block.text.clone())
}

/// Enough of the text to tell its language.
fn sample(blocks: &[Block]) -> String {
    let mut sample = String::new();
    for block in blocks.iter().filter(|b| b.style != Style::Heading) {
        sample.push_str(&block.text);
        sample.push(' ');
        if sample.len() > 4000 {
            break;
        }
    }
    sample
}

/// The metadata of a file without front matter: id and (failing a title) title from its name,
/// language from its text.
fn untitled_document(
    file: FileRef,
    title: Option<String>,
    kind: Kind,
    sample: &str,
) -> Result<Document, Error> {
    let stem = Path::new(file.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = DocId::parse(&id_from_stem(&stem)).map_err(|e| {
        Error::malformed(
            file.path,
            0,
            format!("{e}: rename the file, or give it an `id` in documents.csv"),
        )
    })?;
    Ok(Document {
        lang: Lang::detect(sample),
        ..Document::new(id, title.unwrap_or(stem), kind, file.rel.to_string())
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
fn transcript_kind(passages: &[Passage]) -> Kind {
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

/// A source's passages as `line: [speaker|time] text` for turns and `line: text` for
/// paragraphs, for the format readers' tests.
#[cfg(test)]
pub(in crate::ingest) fn summary(source: Source) -> Vec<String> {
    let file = FileRef {
        rel: "t.docx",
        path: Path::new("/c/t.docx"),
    };
    let (parsed, _) = read(file, source, None).expect("the source reads");
    parsed
        .passages
        .iter()
        .map(|p| match p.locator.strip_prefix("turn ") {
            Some(turn) => format!(
                "{}: [{}|{}] {}",
                p.origin.line,
                p.speaker.as_ref().map_or("-", |s| s.as_str()),
                turn.split_once(", ").map_or("-", |(_, time)| time),
                p.text
            ),
            None => format!("{}: {}", p.origin.line, p.text),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::discover::CorpusFile;

    fn file(rel: &str) -> CorpusFile {
        CorpusFile::document_at(rel)
    }

    fn paragraph(line: usize, text: &str) -> Block {
        Block::new(line, Style::Paragraph, text)
    }

    fn assemble(file: &CorpusFile, source: Source) -> Result<ParsedDocument, Error> {
        read(file.name(), source, None).map(|(parsed, _)| parsed)
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
                Block::new(0, Style::Heading, "Part 1"),
                paragraph(2, "Interviewer: How did it start?"),
                Block::turn(
                    3,
                    Some("Dr Jane Smith".into()),
                    Some("00:01:02".into()),
                    "Slowly.",
                ),
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
            read_as: ReadAs::Prose,
            warnings: Vec::new(),
            blocks: vec![
                Block {
                    page: Some(1),
                    ..paragraph(1, "Note: draft.")
                },
                Block {
                    page: Some(2),
                    ..paragraph(2, "It 'works well' (GP ID16).")
                },
            ],
        };
        let parsed = assemble(&file("policy.pdf"), source).unwrap();
        assert_eq!(parsed.document.kind, Kind::Other);
        assert_eq!(
            turns(&parsed.passages),
            [
                (None, "p. 1, para 1", "Note: draft."),
                (None, "p. 2, para 1", "It 'works well' (GP ID16)."),
                (Some("ID16"), "p. 2, para 1", "works well"),
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
