//! Transcript bodies: speaker turns such as `ID9: ...` or `[00:12:31] Interviewer: ...`.
//!
//! A turn runs from its `SPEAKER:` line until the next turn or heading; its lines are joined
//! with spaces and blank lines inside it become one `\n`. Speakers are participant ids or short
//! labels; their roles and sites come later from the participants sheet. The layouts that
//! transcription services and typists write are all turns: `Name: text`, `[00:01:02] Name: text`,
//! `Speaker 1 (00:01:02): text`, `Q:`/`A:`, `INTERVIEWER:`, and otter.ai's `Name  0:03` line
//! with the words on the lines after it.

use std::sync::LazyLock;

use regex::Regex;

use super::body::{Body, Passages, heading};
use crate::error::Error;
use crate::model::Passage;

/// Longest speaker label, so that a sentence with a colon is not taken for a turn.
const MAX_LABEL_CHARS: usize = 40;

/// A timestamp as transcripts write it: `m:ss`, `mm:ss`, `h:mm:ss`, `hh:mm:ss`.
const TIMESTAMP: &str = r"\d{1,2}:\d{2}(?::\d{2})?";

/// `[hh:mm:ss] SPEAKER: text`, `SPEAKER [hh:mm:ss]: text` or `SPEAKER (hh:mm:ss): text`
/// (timestamps optional). A label is 1–4 words starting with a letter; the colon is followed by
/// a space (or is a full-width `：`).
static TURN: LazyLock<Regex> = LazyLock::new(|| {
    let ts = TIMESTAMP;
    let word = r"[^\s:：\[\]()]+";
    Regex::new(&format!(
        r"^\s*(?:\[(?P<ts1>{ts})\]\s*)?(?P<speaker>\p{{L}}[^\s:：\[\]()]*(?:[ \t]+{word}){{0,3}})\s*(?:[\[(](?P<ts2>{ts})[\])]\s*)?(?::(?:\s+|$)|：\s*)(?P<text>.*)$"
    ))
    .expect("turn pattern is valid")
});

/// otter.ai's speaker line: `Name  0:03` alone on its line (two spaces or a tab before the time,
/// so a sentence ending `at 10:30` is not one), the words following on the next lines.
static SPEAKER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?P<speaker>\p{{L}}[^\s:：\[\]()]*(?:[ \t]+[^\s:：\[\]()]+){{0,3}})(?:\t|[ ]{{2,}})(?P<ts>{TIMESTAMP})\s*$"
    ))
    .expect("speaker line pattern is valid")
});

/// How the file came to be read as a transcript, which decides what text outside turns means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// Its front matter says so: text outside any turn is a mistake, reported by line.
    Declared,
    /// Its lines look like turns: text outside any turn (a title, a preamble) is kept, unattributed.
    Detected,
}

/// A turn's opening line, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Turn {
    pub line: usize,
    pub speaker: Option<String>,
    pub timestamp: Option<String>,
    pub text: String,
    /// A blank line was seen since the last text: the next text starts a new paragraph.
    paragraph_break: bool,
}

/// Splits a transcript body into turns; with a declared layout, text outside any turn is reported and skipped.
pub(super) fn parse(body: &Body, layout: Layout) -> (Vec<Passage>, Vec<Error>) {
    let mut transcript = Transcript {
        body,
        layout,
        out: Passages::new(body.document),
        errors: Vec::new(),
        turn: None,
        stray: None,
    };
    for (line, content) in body.lines() {
        if let Some(section) = heading(content) {
            transcript.end_turn();
            transcript.out.set_section(section);
            transcript.stray = Some(Stray::AfterHeading(line));
        } else if let Some(turn) = turn_start(line, content) {
            transcript.end_turn();
            transcript.stray = None;
            transcript.turn = Some(turn);
        } else {
            transcript.continue_turn(line, content);
        }
    }
    transcript.end_turn();
    (transcript.out.finish(), transcript.errors)
}

/// Whether a body without front matter reads as a transcript (see [`enough_turns`]).
pub(super) fn looks_like_transcript(text: &str) -> bool {
    let mut turns = Turns::default();
    let mut in_paragraph = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            in_paragraph = false;
        } else if let Some(turn) = turn_start(index, line) {
            turns.written(turn.speaker.as_deref());
            in_paragraph = true;
        } else if !in_paragraph && heading(line).is_none() {
            turns.others += 1;
            in_paragraph = true;
        }
    }
    turns.enough()
}

/// The turns a body without front matter has, to tell a transcript from prose.
#[derive(Debug, Default)]
pub(super) struct Turns {
    /// Speaker labels of the turns written as text (`Name: ...`), lower-cased.
    written: Vec<String>,
    /// Turns whose speaker the layout names (a table column, a bold label, a voice tag).
    marked: usize,
    /// Paragraphs that start no turn.
    pub others: usize,
}

impl Turns {
    pub fn written(&mut self, speaker: Option<&str>) {
        self.written
            .push(speaker.unwrap_or_default().to_lowercase());
    }

    pub fn marked(&mut self) {
        self.marked += 1;
    }

    /// The rule every format shares: at least two turns, turns open at least a third of the
    /// paragraphs (an answer may run over several), and, unless the layout marks the turns,
    /// some speaker speaks twice, so a paper with the odd `Note:` line or a structured
    /// abstract's `Background:` and `Results:` stays prose.
    pub fn enough(&self) -> bool {
        let turns = self.written.len() + self.marked;
        let mut seen = std::collections::HashSet::new();
        let recurs = self.written.iter().any(|label| !seen.insert(label));
        turns >= 2 && turns * 2 >= self.others && (self.marked >= 2 || recurs)
    }
}

/// Where text outside any turn sits, so that one error is reported per stretch of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stray {
    /// After the heading on this line.
    AfterHeading(usize),
    /// Already reported.
    Reported,
}

struct Transcript<'a, 'b> {
    body: &'a Body<'b>,
    layout: Layout,
    out: Passages<'b>,
    errors: Vec<Error>,
    turn: Option<Turn>,
    /// `None` before the first turn or inside one.
    stray: Option<Stray>,
}

impl Transcript<'_, '_> {
    fn continue_turn(&mut self, line: usize, content: &str) {
        let content = content.trim();
        match &mut self.turn {
            Some(turn) if content.is_empty() => turn.paragraph_break = !turn.text.is_empty(),
            Some(turn) => turn.push(content),
            None if content.is_empty() => {}
            None if self.layout == Layout::Detected => {
                self.turn = Some(Turn {
                    line,
                    speaker: None,
                    timestamp: None,
                    text: content.to_string(),
                    paragraph_break: false,
                });
            }
            None => self.report_stray(line),
        }
    }

    fn report_stray(&mut self, line: usize) {
        let reason = match self.stray {
            Some(Stray::Reported) => return,
            Some(Stray::AfterHeading(heading)) => {
                format!(
                    "text after the heading on line {heading} is not in a speaker turn: start turns with `SPEAKER:`"
                )
            }
            None => "text before the first speaker turn: start turns with `SPEAKER:`".to_string(),
        };
        self.errors
            .push(Error::malformed(self.body.path, line, reason));
        self.stray = Some(Stray::Reported);
    }

    fn end_turn(&mut self) {
        if let Some(turn) = self.turn.take() {
            self.out.turn(
                turn.line,
                turn.speaker.as_deref(),
                turn.timestamp.as_deref(),
                turn.text,
            );
        }
    }
}

impl Turn {
    /// Adds a line of text, after a space or, past a blank line, a `\n`.
    fn push(&mut self, content: &str) {
        if !self.text.is_empty() {
            self.text
                .push(if self.paragraph_break { '\n' } else { ' ' });
        }
        self.text.push_str(content);
        self.paragraph_break = false;
    }
}

/// Reads a line that starts a turn, in any of the layouts above.
pub(super) fn turn_start(line: usize, content: &str) -> Option<Turn> {
    let (speaker, timestamp, text) = if let Some(caps) = TURN.captures(content) {
        let timestamp = caps.name("ts1").or(caps.name("ts2"));
        (
            caps.name("speaker")?,
            timestamp,
            caps["text"].trim().to_string(),
        )
    } else {
        let caps = SPEAKER_LINE.captures(content)?;
        (caps.name("speaker")?, caps.name("ts"), String::new())
    };
    let speaker = speaker.as_str().trim();
    if speaker.chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    Some(Turn {
        line,
        speaker: Some(speaker.to_string()),
        timestamp: timestamp.map(|t| t.as_str().to_string()),
        text,
        paragraph_break: false,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{DocId, Document, Kind, Lang, Site};

    fn document() -> Document {
        Document {
            site: Some(Site::from("site 2")),
            ..Document::new(
                DocId("int-01".into()),
                "Interview".into(),
                Kind::Interview,
                "documents/int-01.md".into(),
            )
        }
    }

    fn parse_text(text: &str) -> (Vec<Passage>, Vec<String>) {
        let document = document();
        let body = Body {
            path: Path::new("/c/documents/int-01.md"),
            document: &document,
            text,
            first_line: 6,
        };
        let (passages, errors) = parse(&body, Layout::Declared);
        (passages, errors.iter().map(ToString::to_string).collect())
    }

    fn turns(passages: &[Passage]) -> Vec<(&str, &str, u32, &str)> {
        passages
            .iter()
            .map(|p| {
                (
                    p.speaker.as_ref().map_or("", |s| s.as_str()),
                    p.locator.as_str(),
                    p.origin.line,
                    p.text.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn speaker_turns_with_ids_and_labels() {
        let (passages, errors) = parse_text(
            "Interviewer: How did it start?\nID9: With the CCG.\nPractice manager: We met monthly.\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            turns(&passages),
            [
                ("Interviewer", "turn 1", 6, "How did it start?"),
                ("ID9", "turn 2", 7, "With the CCG."),
                ("Practice manager", "turn 3", 8, "We met monthly."),
            ]
        );
        let p = &passages[1];
        assert_eq!(
            (
                p.ordinal,
                p.doc.as_str(),
                p.site.as_ref().map(|s| s.as_str())
            ),
            (2, "int-01", Some("site 2"))
        );
        assert_eq!((p.role.clone(), p.role_group.clone()), (None, None));
    }

    #[test]
    fn timestamps_before_or_after_the_speaker() {
        let (passages, _) = parse_text(
            "[00:12:31] ID9: First.\nInterviewer [12:40]: Second.\n[1:02:03] ID9: Third.",
        );
        let locators: Vec<&str> = passages.iter().map(|p| p.locator.as_str()).collect();
        assert_eq!(
            locators,
            ["turn 1, 00:12:31", "turn 2, 12:40", "turn 3, 1:02:03"]
        );
        assert_eq!(
            passages[1].speaker.as_ref().map(|s| s.as_str()),
            Some("Interviewer")
        );
        assert_eq!(passages[1].text, "Second.");
    }

    #[test]
    fn multi_line_turns_and_paragraph_breaks() {
        let (passages, _) =
            parse_text("ID9: We started\nin 2016.\n\n\nThen it changed.\n\nInterviewer:\nWhy?\n\n");
        assert_eq!(
            turns(&passages),
            [
                ("ID9", "turn 1", 6, "We started in 2016.\nThen it changed."),
                ("Interviewer", "turn 2", 12, "Why?")
            ]
        );
    }

    #[test]
    fn lines_with_colons_that_are_not_turns_continue_the_turn() {
        let (passages, _) = parse_text(
            "ID9: See https://example.org at 10:30 today.\nThe one thing that I would say is this: no.\nNote [laughs]: fine",
        );
        assert_eq!(passages.len(), 1);
        assert_eq!(
            passages[0].text,
            "See https://example.org at 10:30 today. The one thing that I would say is this: no. Note [laughs]: fine"
        );
    }

    #[test]
    fn full_width_colons_in_chinese_transcripts() {
        let (passages, _) = parse_text("访谈者：您好。\nID3：我们在2016年开始合作。");
        assert_eq!(
            turns(&passages)[1],
            ("ID3", "turn 2", 7, "我们在2016年开始合作。")
        );
        assert_eq!(passages[1].lang, Lang::Zh);
    }

    #[test]
    fn headings_set_sections_and_end_turns() {
        let (passages, errors) = parse_text("# Part 1\nID9: One.\n## Part 2\nID9: Two.");
        assert!(errors.is_empty(), "{errors:?}");
        let sections: Vec<Option<&str>> = passages.iter().map(|p| p.section.as_deref()).collect();
        assert_eq!(sections, [Some("Part 1"), Some("Part 2")]);
    }

    #[test]
    fn text_before_the_first_turn_is_an_error_once() {
        let (passages, errors) = parse_text(
            "\nA preamble\nover two lines.\n\nmore\nID9: Said.\n# Later\nstray\nID9: Again.",
        );
        assert_eq!(
            errors,
            [
                "/c/documents/int-01.md:7: text before the first speaker turn: start turns with `SPEAKER:`",
                "/c/documents/int-01.md:13: text after the heading on line 12 is not in a speaker turn: start turns with `SPEAKER:`",
            ]
        );
        assert_eq!(
            turns(&passages),
            [
                ("ID9", "turn 1", 11, "Said."),
                ("ID9", "turn 2", 14, "Again.")
            ]
        );
    }

    #[test]
    fn labels_longer_than_four_words_or_forty_chars_are_not_speakers() {
        let (passages, _) = parse_text(
            "ID9: Start.\nWhat we wanted most was: trust.\nAbcdefghijabcdefghijabcdefghijabcdefghijx: long.",
        );
        assert_eq!(passages.len(), 1);
    }
}
