//! Speaker labels: which line opens a speaker turn, in the layouts transcription services and
//! typists write, and what the label, its time and the words after it are.
//!
//! `Name: text`, `[00:01:02] Name: text`, `Speaker 1 (00:01:02): text`, `Q:`/`A:`,
//! `INTERVIEWER:`, and otter.ai's `Name  0:03` line with the words on the lines after it. A
//! label is a short name, so that a sentence with a colon is not taken for a turn; whether a file
//! is a transcript at all is `reading`'s decision.

use std::sync::LazyLock;

use regex::Regex;

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

/// A turn's opening line, as read: its speaker label, the time beside it and the words after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::ingest) struct TurnStart {
    pub speaker: String,
    pub timestamp: Option<String>,
    pub text: String,
}

/// Reads a line that starts a turn, in any of the layouts above.
pub(in crate::ingest) fn turn_start(content: &str) -> Option<TurnStart> {
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
    Some(TurnStart {
        speaker: speaker.to_string(),
        timestamp: timestamp.map(|t| t.as_str().to_string()),
        text,
    })
}
