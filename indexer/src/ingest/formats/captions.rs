//! Caption cues (WebVTT, SRT) as blocks: timings read (and repaired where they can be), voices
//! named, styling dropped, rolling captions de-duplicated.
//!
//! Captioning tools cut speech into cues of a few seconds each. A `<v Name>` voice tag (Teams,
//! WebVTT) names the cue's speaker; a `Name:` prefix (Zoom) is read by `labels` like any other
//! label. How cues become passages (a speaker's cues merged, cut so each passage cites its own
//! first cue) is `reading`'s. YouTube's automatic captions roll: each cue repeats the last line
//! of the one before, so the words a cue repeats are dropped.

use std::sync::LazyLock;

use regex::Regex;

use super::super::clock::{clock, clock_text};
use super::super::source::{Block, Style};

/// One caption cue as read: the line of its timing, its times and its text lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cue {
    pub line: usize,
    pub timing: Timing,
    pub text: String,
}

/// A cue's start and end, in whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Timing {
    pub start: u32,
    pub end: Option<u32>,
}

/// `<v Name>` or `<v.class Name>`.
static VOICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<v(?:\.[^\s>]*)?\s+(?P<name>[^>]+)>").expect("voice pattern is valid")
});

/// Any tag: `<b>`, `</i>`, `<c.yellow>`, `<00:00:01.000>`, `<font color="...">`.
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^>]*>").expect("tag pattern is valid"));

/// Reads a cue timing line (`00:01:02.500 --> 00:01:05.000`, cue settings after it ignored),
/// with or without the hour, with a comma or a full stop before the milliseconds. Minutes or
/// seconds past 59 (`00:00:70.000`) are carried over; the note says so, for a warning.
pub(super) fn timing(line: &str) -> Option<(Timing, Option<String>)> {
    let (start, rest) = line.split_once("-->")?;
    let (start, start_repaired) = clock(start.trim())?;
    let end_text = rest.split_whitespace().next().unwrap_or_default();
    let (end, end_repaired) = match clock(end_text) {
        Some((end, repaired)) => (Some(end), repaired),
        None => (None, false),
    };
    let note = (start_repaired || end_repaired).then(|| {
        format!(
            "the cue timing `{}` has minutes or seconds past 59; read as starting at {}",
            line.trim(),
            clock_text(start)
        )
    });
    Some((Timing { start, end }, note))
}

/// Reads a time as a table cell writes it (`00:01:02`, `01:02.500`) as `hh:mm:ss`; only a
/// well-formed time, so that a column of other numbers is not taken for times.
pub(super) fn start_time(cell: &str) -> Option<String> {
    match clock(cell.split("-->").next()?.trim())? {
        (seconds, false) => Some(clock_text(seconds)),
        (_, true) => None,
    }
}

/// The timing of the cue whose timing line is `line` (at line `at`): as written, repaired, or,
/// when it cannot be read, the previous cue's, so its text is kept; `warnings` says which.
pub(super) fn read_timing(
    at: usize,
    line: &str,
    previous: Option<Timing>,
    warnings: &mut Vec<String>,
) -> Timing {
    match timing(line) {
        Some((timing, note)) => {
            warnings.extend(note.map(|note| format!("line {at}: {note}")));
            timing
        }
        None => {
            warnings.push(format!(
                "line {at}: cannot read the cue timing `{}`, so its text is kept under the previous cue's time: write it as `00:01:02.000 --> 00:01:05.000`",
                line.trim()
            ));
            previous.unwrap_or_default()
        }
    }
}

/// The blocks the cues make, in order: one per cue with words of its own, timed by the cue,
/// a turn of its voice's speaker when it has a voice tag.
pub(super) fn blocks(cues: Vec<Cue>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut previous = String::new();
    for cue in cues {
        let voice = VOICE
            .captures(&cue.text)
            .map(|caps| caps["name"].trim().to_string());
        let plain = unescape(&TAG.replace_all(&cue.text, ""));
        let words: Vec<&str> = plain.split_whitespace().collect();
        let before: Vec<&str> = previous.split_whitespace().collect();
        let new = &words[repeated(&before, &words)..];
        if !new.is_empty() {
            blocks.push(Block {
                time: Some(clock_text(cue.timing.start)),
                end: cue.timing.end.map(clock_text),
                speaker: voice.clone(),
                ..Block::new(
                    cue.line,
                    match voice {
                        Some(_) => Style::Turn,
                        None => Style::Paragraph,
                    },
                    new.join(" "),
                )
            });
        }
        previous = plain;
    }
    blocks
}

/// How many of a cue's first words repeat the previous cue's last ones (rolling captions): the
/// whole previous cue, the whole cue, or at least two words; a single shared word at a cue
/// boundary is often said twice.
fn repeated(previous: &[&str], words: &[&str]) -> usize {
    let longest = previous.len().min(words.len());
    (1..=longest)
        .rev()
        .find(|&k| {
            previous[previous.len() - k..] == words[..k]
                && (k >= 2 || k == previous.len() || k == words.len())
        })
        .unwrap_or(0)
}

/// The character references captions use.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(line: usize, start: u32, text: &str) -> Cue {
        Cue {
            line,
            timing: Timing {
                start,
                end: Some(start + 2),
            },
            text: text.into(),
        }
    }

    fn summary(blocks: &[Block]) -> Vec<(usize, Option<&str>, Option<&str>, &str)> {
        blocks
            .iter()
            .map(|b| {
                (
                    b.line,
                    b.speaker.as_deref(),
                    b.time.as_deref(),
                    b.text.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn start_times() {
        let start = |t: &str| timing(t).map(|(t, note)| (clock_text(t.start), note.is_some()));
        assert_eq!(
            start("00:12:05.123 --> 00:12:09.000 align:start"),
            Some(("00:12:05".into(), false))
        );
        assert_eq!(
            start("12:05.000 --> 12:09.000"),
            Some(("00:12:05".into(), false))
        );
        assert_eq!(
            start("01:02:03,999 --> 01:02:04,000"),
            Some(("01:02:03".into(), false))
        );
        assert_eq!(start("soon --> later"), None);
        // Seconds past 59 are carried over, with a note for the warning.
        assert_eq!(
            start("00:00:70.000 --> 00:01:12.000"),
            Some(("00:01:10".into(), true))
        );
        assert_eq!(start_time("00:61:00.000 --> x"), None);
        assert_eq!(start_time("00:01:02").as_deref(), Some("00:01:02"));
    }

    #[test]
    fn voices_name_speakers_and_tags_and_entities_go() {
        let blocks = blocks(vec![
            cue(3, 1, "<v Jane Smith>We pooled</v>"),
            cue(6, 3, "<v Jane Smith><i>the</i> budgets.</v>"),
            cue(9, 5, "Ann Lee: Did it &amp; work?"),
            cue(12, 7, "<c.yellow>It did.</c>"),
        ]);
        assert_eq!(
            summary(&blocks),
            [
                (3, Some("Jane Smith"), Some("00:00:01"), "We pooled"),
                (6, Some("Jane Smith"), Some("00:00:03"), "the budgets."),
                (9, None, Some("00:00:05"), "Ann Lee: Did it & work?"),
                (12, None, Some("00:00:07"), "It did."),
            ]
        );
        assert_eq!(blocks[0].style, Style::Turn);
        assert_eq!(blocks[2].style, Style::Paragraph);
    }

    /// Issue 21: YouTube's rolling captions repeat the previous cue's last line.
    #[test]
    fn rolling_captions_are_de_duplicated() {
        let blocks = blocks(vec![
            cue(3, 1, "so we pooled the budgets"),
            cue(6, 3, "so we pooled the budgets\nin the spring of that year"),
            cue(9, 3, "in the spring of that year"),
            cue(12, 5, "in the spring of that year\nand it worked"),
            cue(15, 7, "yes"),
            cue(18, 8, "yes we did"),
        ]);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "so we pooled the budgets",
                "in the spring of that year",
                "and it worked",
                "yes",
                "we did"
            ]
        );
    }
}
