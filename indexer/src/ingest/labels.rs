//! Speaker labels: which blocks open a speaker turn, in every layout transcription services,
//! captioning tools, diarisation scripts and typists write, learned per file.
//!
//! Each line is read against the layouts ([`Shape`]) and may yield a [`Candidate`]: a label,
//! the time beside it and the words after it. A candidate becomes a turn only when its layout is
//! in use in the file ([`learn`]): its labels recur (speakers speak more than once), so a paper's
//! one `Note:` line, a structured abstract's `Results:`, or a sentence with a dash or a bracket is
//! not a speaker. Layouts that ordinary prose also writes (`Name - text`, `[Name] text`,
//! `Name 0:42 text`) need each label itself to recur. Whether the file is a transcript at all is
//! `reading`'s decision.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::source::{Block, Style};

/// Longest speaker label, so that a sentence with a colon is not taken for a turn.
const MAX_LABEL_CHARS: usize = 40;
/// Most words in a speaker label (`Dr Jane Smith`, `Practice manager`, `Speaker 1`).
const MAX_LABEL_WORDS: usize = 4;

/// A timestamp as transcripts write it: `m:ss`, `mm:ss`, `h:mm:ss`, `hh:mm:ss`, with optional
/// milliseconds (`00:00:01.000`, `00:00:01,000`) that citations leave out.
const TIMESTAMP: &str = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";

/// A label's first word starts with a letter; words hold no colon, bracket or parenthesis.
const LABEL: &str = r"\p{L}[^\s:：\[\]()]*(?:[ \t]+[^\s:：\[\]()]+){0,3}";

/// The layouts a speaker label is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(in crate::ingest) enum Shape {
    /// `Name: text`, `NAME:`, `Name (role): text`, `YL:`, `Q:`, `P1:`, `[Name]: text`, `[00:01:02] Name: text`,
    /// `Name [00:01:02]: text`, `Speaker 1 (00:01:02): text`, and `Name:` alone on its line.
    Colon,
    /// `**Name**: text`, `**Name:** text`, `**Name** 0:42`, or a Word paragraph's bold opening run.
    Bold,
    /// A label alone on its line with its time, the words on the next lines: otter.ai's
    /// `Name  2:32`, Zoom's copied `[Name] 11:02:09`, `Speaker 1 (00:01:02)`.
    LabelLine,
    /// Diarisation output: `[00:00:01.000 - 00:00:05.000] SPEAKER_00 - text` (or `: text`).
    Diarised,
    /// `[Name] text`.
    Bracket,
    /// `Name - text`, `Name – text`, `Name — text`.
    Dash,
    /// `SPEAKER_00 00:01:02 text`: a label, its time, then the words.
    Timed,
}

impl Shape {
    /// Whether ordinary prose writes lines of this shape too, so each label must recur.
    fn is_weak(self) -> bool {
        matches!(self, Shape::Bracket | Shape::Dash | Shape::Timed)
    }
}

/// A line that may open a turn: its layout, label, the time beside it and the words after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::ingest) struct Candidate {
    pub shape: Shape,
    pub speaker: String,
    pub timestamp: Option<String>,
    pub text: String,
}

/// `[hh:mm:ss] SPEAKER: text`, `SPEAKER [hh:mm:ss]: text`, `SPEAKER (role): text` or
/// `SPEAKER (hh:mm:ss): text` (timestamps optional). The colon is followed by a space or the
/// end of the line (or is a full-width `：`).
static COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?:\[(?P<ts1>{TIMESTAMP})\]\s*)?(?P<speaker>{LABEL})\s*(?:\((?P<role>\p{{L}}[^()\d]{{0,30}})\)\s*)?(?:[\[(](?P<ts2>{TIMESTAMP})[\])]\s*)?(?::(?:\s+|$)|：\s*)(?P<text>.*)$"
    ))
    .expect("colon pattern is valid")
});

/// `**Name**: text`, `**Name:** text`, `**Name** 0:42 text`, `__Name__: text`.
static BOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\*\*(?P<a>[^*]{1,60}?)\*\*|__(?P<b>[^_]{1,60}?)__)(?P<rest>.*)$")
        .expect("bold pattern is valid")
});

/// otter.ai's `Name  0:03` (two spaces or a tab, so a sentence ending `at 10:30` is not one),
/// `Speaker 1 (00:01:02)` and `Name [00:01:02]`, alone on their line.
static LABEL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?P<speaker>{LABEL})(?:(?:\t|[ ]{{2,}})(?P<ts1>{TIMESTAMP})|\s*[\[(](?P<ts2>{TIMESTAMP})[\])])\s*$"
    ))
    .expect("label line pattern is valid")
});

/// Zoom's copied transcript: `[Name] 11:02:09` alone on its line.
static BRACKET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*\[(?P<speaker>\p{{L}}[^\[\]:]{{0,39}})\]\s+(?P<ts>{TIMESTAMP})\s*$"
    ))
    .expect("bracket line pattern is valid")
});

/// `[00:00:01.000 - 00:00:05.000] SPEAKER_00 - text` (`-->` too), or `: text`.
static DIARISED: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"[^\s:：\[\]()–—-]";
    Regex::new(&format!(
        r"^\s*\[(?P<ts>{TIMESTAMP})\s*(?:-->|-|–)\s*{TIMESTAMP}\]\s*(?P<speaker>\p{{L}}{word}*?(?:[ \t]+{word}+){{0,3}}?)(?:\s+[-–—]\s+|\s*[:：]\s*|\s+)(?P<text>.*)$"
    ))
    .expect("diarised pattern is valid")
});

/// `[Name] text` or `[Name]: text`.
static BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\[(?P<speaker>\p{L}[^\[\]:]{0,39})\](?P<colon>\s*[:：])?\s+(?P<text>\S.*)$")
        .expect("bracket pattern is valid")
});

/// `Name - text`, `Name – text`, `Name — text` (a capital or a Chinese character first, a
/// space either side of the dash).
static DASH: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"[^\s:：\[\]()–—-]";
    Regex::new(&format!(
        r"^\s*(?P<speaker>[\p{{Lu}}\p{{Han}}]{word}*?(?:[ \t]+{word}+){{0,3}}?)\s+[-–—]\s+(?P<text>\S.*)$"
    ))
    .expect("dash pattern is valid")
});

/// `SPEAKER_00 00:01:02 text`.
static TIMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(?P<speaker>{LABEL}?)\s+(?P<ts>{TIMESTAMP})\s+(?P<text>\S.*)$"
    ))
    .expect("timed pattern is valid")
});

/// A bracket holding one of these is a transcriber's note (`[laughs] yes`), not a speaker.
const NOTES: [&str; 16] = [
    "inaudible",
    "laughs",
    "laughter",
    "laughing",
    "crosstalk",
    "pause",
    "silence",
    "music",
    "applause",
    "unclear",
    "overlapping",
    "coughs",
    "noise",
    "redacted",
    "sic",
    "break",
];

/// Reads a line that may open a turn, in the first layout it fits; `lead` is the bold text
/// opening it, when the format says (a Word paragraph's bold run).
pub(in crate::ingest) fn candidate(text: &str, lead: Option<&str>) -> Option<Candidate> {
    if let Some(found) = lead.and_then(|lead| bold_lead(text, lead)) {
        return Some(found);
    }
    // Each layout is tried only where the line could hold it (most lines of a transcript
    // continue a turn and hold none): which mark opens it, and what its label's first
    // characters hold.
    let opening = text.trim_start();
    let head = prefix(opening, LABEL_HEAD_BYTES);
    let bracketed = opening.starts_with('[');
    let found = None
        .or_else(|| bracketed.then(|| diarised(text)).flatten())
        .or_else(|| {
            opening
                .starts_with(['*', '_'])
                .then(|| bold(text))
                .flatten()
        })
        .or_else(|| head.contains([':', '：']).then(|| colon(text)).flatten())
        .or_else(|| {
            (opening.len() <= LABEL_HEAD_BYTES)
                .then(|| label_line(text))
                .flatten()
        })
        .or_else(|| bracketed.then(|| bracket(text)).flatten())
        .or_else(|| {
            head.contains(['-', '–', '—'])
                .then(|| matched(&DASH, Shape::Dash, text))
                .flatten()
        })
        .or_else(|| {
            head.contains(':')
                .then(|| matched(&TIMED, Shape::Timed, text))
                .flatten()
        })?;
    is_label(&found.speaker).then_some(found)
}

/// How far into a line a label and its time (and the mark after them) reach at most.
const LABEL_HEAD_BYTES: usize = 4 * (MAX_LABEL_CHARS + 20);

/// The first `bytes` bytes of a line (fewer, to end on a character).
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Which blocks open a turn, and with what: each block's candidate when its layout is in use in
/// these blocks (see the module docs). With `declared` (the front matter says the file is a
/// transcript) every candidate of a layout no prose writes is a turn, recurring or not.
pub(in crate::ingest) fn learn(blocks: &[Block], declared: bool) -> Learned {
    let candidates: Vec<Option<Candidate>> = blocks
        .iter()
        .map(|block| match block.style {
            Style::Paragraph | Style::Line => candidate(&block.text, block.lead.as_deref()),
            Style::Heading | Style::Turn => None,
        })
        .collect();
    let keys: Vec<Option<(Shape, String)>> = candidates
        .iter()
        .map(|c| c.as_ref().map(|c| (c.shape, key(&c.speaker))))
        .collect();
    let mut counts: HashMap<&(Shape, String), usize> = HashMap::new();
    for found in keys.iter().flatten() {
        *counts.entry(found).or_default() += 1;
    }
    let recurring_at: Vec<bool> = keys
        .iter()
        .map(|k| k.as_ref().is_some_and(|k| counts[k] >= 2))
        .collect();
    // A layout is in use when one of its labels recurs; prose's layouts need three such turns.
    let mut recurring: HashMap<Shape, usize> = HashMap::new();
    for (found, _) in candidates.iter().zip(&recurring_at).filter(|(_, r)| **r) {
        if let Some(found) = found {
            *recurring.entry(found.shape).or_default() += 1;
        }
    }
    let in_use = |shape: Shape| {
        let turns = recurring.get(&shape).copied().unwrap_or(0);
        if shape.is_weak() {
            turns >= 3
        } else {
            declared || turns >= 2
        }
    };
    // Only recurring labels look like speakers: a sentence's one `Note:` or dash does not.
    let label_like = recurring_at.iter().filter(|r| **r).count();
    let starts = candidates
        .into_iter()
        .zip(recurring_at)
        .map(|(found, recurs)| found.filter(|c| in_use(c.shape) && (!c.shape.is_weak() || recurs)))
        .collect();
    Learned { starts, label_like }
}

/// What [`learn`] found: each block's turn start, and how many blocks open with a recurring
/// label, whether or not its layout is in use (a transcript read as prose has many).
pub(in crate::ingest) struct Learned {
    pub starts: Vec<Option<Candidate>>,
    pub label_like: usize,
}

/// A label as compared within a file and with the participants sheet: lower-cased, without
/// full stops, single-spaced (`Dr. Rivera`, `DR RIVERA` and `dr rivera` are one key).
pub(in crate::ingest) fn key(label: &str) -> String {
    let mut key = String::with_capacity(label.len());
    let words = label
        .split(|c: char| c.is_whitespace() || c == '.')
        .filter(|w| !w.is_empty());
    for word in words {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

fn is_label(speaker: &str) -> bool {
    let speaker = speaker.trim();
    !speaker.is_empty()
        && speaker.chars().count() <= MAX_LABEL_CHARS
        && speaker.split_whitespace().count() <= MAX_LABEL_WORDS
}

fn colon(text: &str) -> Option<Candidate> {
    let caps = COLON.captures(text)?;
    Some(Candidate {
        shape: Shape::Colon,
        speaker: caps["speaker"].trim().to_string(),
        timestamp: caps
            .name("ts1")
            .or(caps.name("ts2"))
            .map(|t| time(t.as_str())),
        text: caps["text"].trim().to_string(),
    })
}

fn label_line(text: &str) -> Option<Candidate> {
    if let Some(caps) = LABEL_LINE.captures(text) {
        return Some(Candidate {
            shape: Shape::LabelLine,
            speaker: caps["speaker"].trim().to_string(),
            timestamp: caps
                .name("ts1")
                .or(caps.name("ts2"))
                .map(|t| time(t.as_str())),
            text: String::new(),
        });
    }
    let caps = BRACKET_LINE.captures(text)?;
    Some(Candidate {
        shape: Shape::LabelLine,
        speaker: caps["speaker"].trim().to_string(),
        timestamp: Some(time(&caps["ts"])),
        text: String::new(),
    })
}

fn diarised(text: &str) -> Option<Candidate> {
    let caps = DIARISED.captures(text)?;
    Some(Candidate {
        shape: Shape::Diarised,
        speaker: caps["speaker"].trim().to_string(),
        timestamp: Some(time(&caps["ts"])),
        text: caps["text"].trim().to_string(),
    })
}

fn bracket(text: &str) -> Option<Candidate> {
    let caps = BRACKET.captures(text)?;
    let speaker = caps["speaker"].trim();
    if NOTES.contains(&key(speaker).as_str()) || speaker.ends_with("...") {
        return None;
    }
    Some(Candidate {
        // `[Name]:` is as plainly a label as `Name:`; `[Name] text` is also how prose cites.
        shape: match caps.name("colon") {
            Some(_) => Shape::Colon,
            None => Shape::Bracket,
        },
        speaker: speaker.to_string(),
        timestamp: None,
        text: caps["text"].trim().to_string(),
    })
}

/// A layout whose pattern has `speaker`, `text` and perhaps `ts` groups.
fn matched(pattern: &Regex, shape: Shape, text: &str) -> Option<Candidate> {
    let caps = pattern.captures(text)?;
    Some(Candidate {
        shape,
        speaker: caps["speaker"].trim().to_string(),
        timestamp: caps.name("ts").map(|t| time(t.as_str())),
        text: caps["text"].trim().to_string(),
    })
}

/// Markdown bold: the label (its colon inside or after the stars) and an optional time.
fn bold(text: &str) -> Option<Candidate> {
    let caps = BOLD.captures(text)?;
    let label = caps.name("a").or(caps.name("b"))?.as_str();
    let rest = caps["rest"].trim_start();
    let colon_after = rest.starts_with([':', '：']);
    let rest = rest.trim_start_matches([':', '：']).trim();
    let labelled = label.trim_end().ends_with([':', '：']) || colon_after;
    let found = bold_label(label, rest)?;
    // `**Name**` with neither a colon nor a time is emphasis or a heading, not a label.
    (labelled || found.timestamp.is_some()).then_some(found)
}

/// A Word paragraph opening with a bold run: the run is the label (with a time, perhaps).
fn bold_lead(text: &str, lead: &str) -> Option<Candidate> {
    let rest = text.strip_prefix(lead)?;
    let rest = rest.trim().trim_start_matches([':', '：']).trim();
    bold_label(lead, rest)
}

/// A bold label (`Jane Smith:`, `Interviewer [00:01:02]:`, `[00:01:02] Jane`) and the words
/// after it, which may open with the time (`**Jane** 0:42 We met`).
fn bold_label(label: &str, rest: &str) -> Option<Candidate> {
    static TIME_FIRST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^[\[(]?(?P<ts>{TIMESTAMP})[\])]?(?:\s+(?P<text>.*))?$"
        ))
        .expect("leading time pattern is valid")
    });
    let label = label.trim().trim_end_matches([':', '：']).trim();
    let (speaker, mut timestamp) = match colon(&format!("{label}: x")) {
        Some(found) => (found.speaker, found.timestamp),
        None => (label.to_string(), None),
    };
    let mut text = rest.to_string();
    if timestamp.is_none()
        && let Some(caps) = TIME_FIRST.captures(rest)
    {
        timestamp = Some(time(&caps["ts"]));
        text = caps
            .name("text")
            .map_or("", |t| t.as_str())
            .trim()
            .to_string();
    }
    let is_label = speaker.starts_with(|c: char| c.is_alphabetic());
    // A bold run with nothing after it is a label only when it carries a time.
    (is_label && (!text.is_empty() || timestamp.is_some())).then_some(Candidate {
        shape: Shape::Bold,
        speaker,
        timestamp,
        text,
    })
}

/// A timestamp as cited: without its milliseconds.
fn time(timestamp: &str) -> String {
    timestamp
        .split(['.', ','])
        .next()
        .unwrap_or(timestamp)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(Shape, String, Option<String>, String)> {
        candidate(text, None).map(|c| (c.shape, c.speaker, c.timestamp, c.text))
    }

    #[test]
    fn every_layout_yields_its_label_time_and_words() {
        let cases: [(&str, Shape, &str, Option<&str>, &str); 20] = [
            ("Jane: We met.", Shape::Colon, "Jane", None, "We met."),
            (
                "JANE SMITH: We met.",
                Shape::Colon,
                "JANE SMITH",
                None,
                "We met.",
            ),
            ("Jane (GP): We met.", Shape::Colon, "Jane", None, "We met."),
            ("YL: We met.", Shape::Colon, "YL", None, "We met."),
            ("P1: We met.", Shape::Colon, "P1", None, "We met."),
            (
                "[00:12:31] ID9: First.",
                Shape::Colon,
                "ID9",
                Some("00:12:31"),
                "First.",
            ),
            (
                "Speaker 1 (00:01:02): One.",
                Shape::Colon,
                "Speaker 1",
                Some("00:01:02"),
                "One.",
            ),
            ("[Jane] We met.", Shape::Bracket, "Jane", None, "We met."),
            (
                "[Jane Smith]: We met.",
                Shape::Colon,
                "Jane Smith",
                None,
                "We met.",
            ),
            ("**Jane**: We met.", Shape::Bold, "Jane", None, "We met."),
            ("**Jane:** We met.", Shape::Bold, "Jane", None, "We met."),
            ("**Jane** 0:42", Shape::Bold, "Jane", Some("0:42"), ""),
            ("Jane - We met.", Shape::Dash, "Jane", None, "We met."),
            (
                "Jane Smith – We met.",
                Shape::Dash,
                "Jane Smith",
                None,
                "We met.",
            ),
            ("Jane — We met.", Shape::Dash, "Jane", None, "We met."),
            (
                "Jane Smith  2:32",
                Shape::LabelLine,
                "Jane Smith",
                Some("2:32"),
                "",
            ),
            (
                "[Jane Smith] 11:02:09",
                Shape::LabelLine,
                "Jane Smith",
                Some("11:02:09"),
                "",
            ),
            (
                "Speaker 1 (00:01:02)",
                Shape::LabelLine,
                "Speaker 1",
                Some("00:01:02"),
                "",
            ),
            (
                "[00:00:01.000 - 00:00:05.000] SPEAKER_00 - We met.",
                Shape::Diarised,
                "SPEAKER_00",
                Some("00:00:01"),
                "We met.",
            ),
            (
                "SPEAKER_00 00:01:02 We met.",
                Shape::Timed,
                "SPEAKER_00",
                Some("00:01:02"),
                "We met.",
            ),
        ];
        for (line, shape, speaker, time, text) in cases {
            assert_eq!(
                read(line),
                Some((shape, speaker.into(), time.map(String::from), text.into())),
                "{line}"
            );
        }
        assert_eq!(
            read("[00:01:02] SPEAKER_00: We met.").map(|c| (c.1, c.2)),
            Some(("SPEAKER_00".into(), Some("00:01:02".into())))
        );
        let lead = candidate(
            "Interviewer [00:01:02]: Why?",
            Some("Interviewer [00:01:02]:"),
        );
        assert_eq!(
            lead.map(|c| (c.shape, c.speaker, c.timestamp, c.text)),
            Some((
                Shape::Bold,
                "Interviewer".into(),
                Some("00:01:02".into()),
                "Why?".into()
            ))
        );
    }

    #[test]
    fn sentences_are_not_labels() {
        for line in [
            "The one thing that I would say is this: no.",
            "[laughs] yes, that was it",
            "**Important** point here",
            "we met - as agreed - on Monday",
            "It ended at 10:30.",
            "See https://example.org at 10:30 today.",
        ] {
            let found = read(line);
            assert!(
                found.as_ref().is_none_or(|c| c.0.is_weak()),
                "{line}: {found:?}"
            );
        }
    }

    fn lines(texts: &[&str]) -> Vec<Block> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Block::new(i + 1, Style::Paragraph, *t))
            .collect()
    }

    fn speakers(blocks: &[Block], declared: bool) -> Vec<Option<String>> {
        learn(blocks, declared)
            .starts
            .into_iter()
            .map(|c| c.map(|c| c.speaker))
            .collect()
    }

    #[test]
    fn labels_are_learned_only_where_they_recur() {
        let prose = lines(&[
            "Note: the plan changed.",
            "The budget - as agreed - was pooled.",
            "In March - a month late - it began.",
            "[Smith] argued the opposite.",
        ]);
        assert_eq!(speakers(&prose, false), [None, None, None, None]);
        let dashes = lines(&[
            "Jane - We pooled.",
            "Ann - Why?",
            "Jane - It was cheaper.",
            "Ann - And then?",
            "Later - much later - it changed.",
        ]);
        let found = speakers(&dashes, false);
        assert_eq!(found[..4].iter().flatten().count(), 4, "{found:?}");
        assert_eq!(found[4], None);
        // A declared transcript's one-off `Name:` turn is a turn.
        assert_eq!(
            speakers(&lines(&["ID9: Hello."]), true),
            [Some("ID9".into())]
        );
        assert_eq!(speakers(&lines(&["ID9: Hello."]), false), [None]);
    }

    #[test]
    fn keys_ignore_case_full_stops_and_spacing() {
        assert_eq!(key("Dr. Rivera"), "dr rivera");
        assert_eq!(key("DR  RIVERA"), "dr rivera");
    }
}
