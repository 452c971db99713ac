//! Caption cues (WebVTT, SRT) into speaker turns.
//!
//! Captioning tools cut speech into cues of a few seconds each. The speaker comes from a
//! `<v Name>` voice tag (Teams, WebVTT) or a `Name:` prefix (Zoom); a cue without one carries on
//! the previous speaker's turn. Consecutive cues of one speaker merge into one turn cited with
//! the first cue's start time; styling tags are dropped. Captions with no speakers at all are
//! cut into turns of about [`UNNAMED_TURN_CHARS`] so one passage is not the whole recording.

use std::sync::LazyLock;

use regex::Regex;

use super::super::labels::turn_start;
use super::super::source::Block;

/// Where an unnamed speaker's merged cues are cut into a new turn.
const UNNAMED_TURN_CHARS: usize = 500;

/// One caption cue as read: the line of its timing, its start time and its text lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cue {
    pub line: usize,
    /// `hh:mm:ss`.
    pub start: String,
    pub text: String,
}

/// `<v Name>` or `<v.class Name>`.
static VOICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<v(?:\.[^\s>]*)?\s+(?P<name>[^>]+)>").expect("voice pattern is valid")
});

/// Any tag: `<b>`, `</i>`, `<c.yellow>`, `<00:00:01.000>`, `<font color="...">`.
static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^>]*>").expect("tag pattern is valid"));

/// Reads a cue timing's start (`00:01:02.500`, `01:02.500`, `00:01:02,500`) as `hh:mm:ss`.
pub(super) fn start_time(timing: &str) -> Option<String> {
    let start = timing.split("-->").next()?.trim();
    let whole = start.split(['.', ',']).next()?;
    let parts: Vec<u32> = whole
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = match parts.as_slice() {
        [m, s] => (0, *m, *s),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    (m < 60 && s < 60).then(|| format!("{h:02}:{m:02}:{s:02}"))
}

/// The turns the cues make, in order.
pub(super) fn turns(cues: Vec<Cue>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Option<String>, String, String)> = None;
    for cue in cues {
        let (speaker, text) = speaker_and_text(&cue.text);
        if text.is_empty() {
            continue;
        }
        let carries_on = match (&open, &speaker) {
            (Some((_, Some(current), _, _)), Some(new)) => current == new,
            (Some((_, Some(_), _, _)), None) => true,
            (Some((_, None, _, said)), None) => said.len() < UNNAMED_TURN_CHARS,
            _ => false,
        };
        match &mut open {
            Some((_, _, _, said)) if carries_on => {
                said.push(' ');
                said.push_str(&text);
            }
            _ => {
                blocks.extend(open.take().map(turn_block));
                open = Some((cue.line, speaker, cue.start, text));
            }
        }
    }
    blocks.extend(open.map(turn_block));
    blocks
}

fn turn_block((line, speaker, start, text): (usize, Option<String>, String, String)) -> Block {
    Block::turn(line, speaker, Some(start), text)
}

/// The speaker (voice tag, else `Name:` prefix) and the plain text of a cue.
fn speaker_and_text(cue: &str) -> (Option<String>, String) {
    let voice = VOICE
        .captures(cue)
        .map(|caps| caps["name"].trim().to_string());
    let plain = unescape(&TAG.replace_all(cue, ""));
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if voice.is_some() {
        return (voice, plain);
    }
    match turn_start(&plain) {
        Some(turn) => (Some(turn.speaker), turn.text),
        None => (None, plain),
    }
}

/// The character references captions use.
fn unescape(text: &str) -> String {
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

    fn cue(line: usize, start: &str, text: &str) -> Cue {
        Cue {
            line,
            start: start.into(),
            text: text.into(),
        }
    }

    fn summary(blocks: &[Block]) -> Vec<(usize, Option<&str>, Option<&str>, &str)> {
        blocks
            .iter()
            .map(|b| {
                assert_eq!(b.style, crate::ingest::source::Style::Turn, "{b:?}");
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
        assert_eq!(
            start_time("00:12:05.123 --> 00:12:09.000 align:start").as_deref(),
            Some("00:12:05")
        );
        assert_eq!(
            start_time("12:05.000 --> 12:09.000").as_deref(),
            Some("00:12:05")
        );
        assert_eq!(
            start_time("01:02:03,999 --> 01:02:04,000").as_deref(),
            Some("01:02:03")
        );
        assert_eq!(start_time("soon --> later"), None);
        assert_eq!(start_time("00:61:00.000 --> x"), None);
    }

    #[test]
    fn voices_and_prefixes_name_speakers_and_cues_merge() {
        let blocks = turns(vec![
            cue(3, "00:00:01", "<v Jane Smith>We pooled</v>"),
            cue(6, "00:00:03", "<v Jane Smith><i>the</i> budgets.</v>"),
            cue(9, "00:00:05", "Ann Lee: Did it &amp; work?"),
            cue(12, "00:00:07", "<c.yellow>It did.</c>"),
            cue(15, "00:00:09", "Jane Smith: Mostly."),
        ]);
        assert_eq!(
            summary(&blocks),
            [
                (
                    3,
                    Some("Jane Smith"),
                    Some("00:00:01"),
                    "We pooled the budgets."
                ),
                (
                    9,
                    Some("Ann Lee"),
                    Some("00:00:05"),
                    "Did it & work? It did."
                ),
                (15, Some("Jane Smith"), Some("00:00:09"), "Mostly."),
            ]
        );
    }

    #[test]
    fn unnamed_cues_are_cut_into_turns_of_moderate_length() {
        let words = "word ".repeat(60);
        let cues = (0..10).map(|i| cue(i, "00:00:01", &words)).collect();
        let blocks = turns(cues);
        assert!(blocks.len() >= 3, "{}", blocks.len());
        assert!(
            summary(&blocks)
                .iter()
                .all(|(_, speaker, _, _)| speaker.is_none())
        );
    }
}
