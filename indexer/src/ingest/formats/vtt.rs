//! WebVTT captions (`.vtt`), as Zoom, Teams and YouTube write them.
//!
//! The file starts with `WEBVTT`; blocks are separated by blank lines. A cue block has an
//! optional identifier line, a timing line (`00:00:01.000 --> 00:00:04.000` plus cue settings,
//! which are ignored) and text lines. `NOTE`, `STYLE` and `REGION` blocks are skipped.

use std::path::Path;

use super::super::source::{ReadAs, Source};
use super::captions::{self, Cue};
use crate::error::Error;

/// Reads WebVTT text into cues; a block that is not a cue is reported and skipped, a cue whose
/// timing cannot be read is kept under the previous cue's time, with a warning.
pub(super) fn parse(path: &Path, text: &str) -> Result<(Source, Vec<Error>), Error> {
    if !text.starts_with("WEBVTT") {
        return Err(Error::malformed(
            path,
            1,
            "not WebVTT: the first line must be `WEBVTT`; export the captions again as .vtt (or rename an SRT file to .srt)",
        ));
    }
    let mut cues = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for block in blocks(text).skip(1) {
        let Some((first_line, lines)) = block.first().map(|(n, _)| (*n, &block)) else {
            continue;
        };
        let first = lines[0].1;
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|k| first == *k || first.starts_with(&format!("{k} ")))
        {
            continue;
        }
        let Some(timing_at) = lines.iter().position(|(_, l)| l.contains("-->")) else {
            errors.push(Error::malformed(
                path,
                first_line,
                "this block is not a cue (no `-->` timing line): add the timing or delete the block",
            ));
            continue;
        };
        let (line, timing) = lines[timing_at];
        let previous = cues.last().map(|cue: &Cue| cue.timing);
        let timing = captions::read_timing(line, timing, previous, &mut warnings);
        let text: Vec<&str> = lines[timing_at + 1..].iter().map(|(_, l)| *l).collect();
        cues.push(Cue {
            line,
            timing,
            text: text.join(" "),
        });
    }
    if cues.is_empty() && errors.is_empty() {
        return Err(Error::malformed(
            path,
            0,
            "no captions in the file (no `00:00:01.000 --> ...` cues): export the captions again",
        ));
    }
    Ok((
        Source {
            blocks: captions::blocks(cues),
            read_as: ReadAs::Captions,
            warnings,
            ..Source::default()
        },
        errors,
    ))
}

/// The blank-line separated blocks of a caption file, each as its numbered, non-empty lines.
pub(super) fn blocks(text: &str) -> impl Iterator<Item = Vec<(usize, &str)>> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .peekable();
    std::iter::from_fn(move || {
        while lines.peek().is_some_and(|(_, l)| l.trim().is_empty()) {
            lines.next();
        }
        let mut block = Vec::new();
        while let Some(&(n, line)) = lines.peek() {
            if line.trim().is_empty() {
                break;
            }
            block.push((n, line));
            lines.next();
        }
        (!block.is_empty()).then_some(block)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::reading;
    use crate::ingest::source::Block;

    #[test]
    fn zoom_and_teams_captions() {
        let zoom = "WEBVTT\n\n1\n00:12:05.120 --> 00:12:08.000\nJane Smith: We pooled budgets.\n\n2\n00:12:08.500 --> 00:12:10.000\nJane Smith: It took a year.\n\nNOTE exported by Zoom\n\n3\n00:12:11.000 --> 00:12:12.000 align:start position:10%\nAnn Lee: Why?\n";
        let (source, errors) = parse(Path::new("z.vtt"), zoom).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            reading::summary(source),
            [
                "4: [Jane Smith|00:12:05] We pooled budgets. It took a year.",
                "14: [Ann Lee|00:12:11] Why?",
            ]
        );
        let teams = "WEBVTT\r\n\nab12-0\n00:00:01.000 --> 00:00:02.000\n<v Jane Smith>Hello</v>\n";
        let (source, _) = parse(Path::new("t.vtt"), teams).unwrap();
        assert!(matches!(&source.blocks[0], Block { speaker: Some(s), .. } if s == "Jane Smith"));
    }

    #[test]
    fn empty_and_broken_files() {
        let err = parse(Path::new("e.vtt"), "WEBVTT\n\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("e.vtt:0: no captions in the file"), "{err}");
        let err = parse(Path::new("e.vtt"), "1\n00:00:01,000 --> 00:00:02,000\nHi\n").unwrap_err();
        assert!(err.to_string().contains("the first line must be `WEBVTT`"));
        let (source, errors) = parse(
            Path::new("b.vtt"),
            "WEBVTT\n\nstray words\n\nsoon --> x\nHi\n\n00:00:03.000 --> 00:00:04.000\nOk\n",
        )
        .unwrap();
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("b.vtt:3: this block is not a cue"));
        // Issue 21: a cue whose timing cannot be read keeps its text, with a warning.
        assert_eq!(source.warnings.len(), 1, "{:?}", source.warnings);
        assert!(
            source.warnings[0].starts_with("line 5: cannot read the cue timing `soon --> x`"),
            "{:?}",
            source.warnings
        );
        assert_eq!(
            reading::summary(source),
            ["5: [-|00:00:00] Hi", "8: [-|00:00:03] Ok"]
        );
    }

    /// WebVTT text of cues every `step` seconds from `texts`, with `voice` when given.
    fn cues(texts: &[String], step: usize, voice: Option<&str>) -> String {
        let mut vtt = String::from("WEBVTT\n");
        for (i, text) in texts.iter().enumerate() {
            let (start, end) = (i * step, i * step + step - 1);
            let clock = |s: usize| format!("00:{:02}:{:02}.000", s / 60, s % 60);
            let text = match voice {
                Some(name) => format!("<v {name}>{text}</v>"),
                None => text.clone(),
            };
            vtt.push_str(&format!("\n{} --> {}\n{text}\n", clock(start), clock(end)));
        }
        vtt
    }

    /// Every passage's cues start less than a minute after the time it is cited with.
    fn assert_cited_within_a_minute(vtt: &str) -> Vec<String> {
        let (source, errors) = parse(Path::new("c.vtt"), vtt).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let starts: Vec<(usize, u32)> = source
            .blocks
            .iter()
            .map(|b| {
                (
                    b.line,
                    crate::ingest::clock::seconds(b.time.as_deref().unwrap()).unwrap(),
                )
            })
            .collect();
        let passages = reading::summary(source);
        let cited: Vec<(usize, u32)> = passages
            .iter()
            .map(|p| {
                let (line, rest) = p.split_once(": [").unwrap();
                let time = rest.split_once('|').unwrap().1.split_once(']').unwrap().0;
                (
                    line.parse().unwrap(),
                    crate::ingest::clock::seconds(time).unwrap(),
                )
            })
            .collect();
        for (line, start) in starts {
            let (_, passage_start) = cited.iter().rev().find(|(l, _)| *l <= line).unwrap();
            assert!(
                start - passage_start < 60,
                "cue at line {line}: {passages:#?}"
            );
        }
        passages
    }

    /// Issue 21: a speaker's long turn is cut so each passage cites its own first cue.
    #[test]
    fn issue_21_long_turns_are_cut_so_each_passage_cites_its_own_time() {
        let texts: Vec<String> = (0..40).map(|i| format!("Point {i} of the plan.")).collect();
        let passages = assert_cited_within_a_minute(&cues(&texts, 5, Some("Jane Smith")));
        assert!(passages.len() >= 4, "{passages:#?}");
        assert!(
            passages.iter().all(|p| p.contains("[Jane Smith|")),
            "{passages:#?}"
        );
    }

    /// Issue 21: captions without speakers become passages cut at sentence ends and pauses.
    #[test]
    fn issue_21_captions_without_speakers_are_cut_at_sentences_and_pauses() {
        let texts: Vec<String> = (0..60)
            .map(|i| match i % 4 {
                3 => format!("and that was item {i}."),
                _ => format!("we talked about item {i}"),
            })
            .collect();
        let passages = assert_cited_within_a_minute(&cues(&texts, 3, None));
        assert!(passages.len() >= 6, "{passages:#?}");
        assert!(passages.iter().all(|p| p.contains("[-|")), "{passages:#?}");
        // A pause between cues ends a passage.
        let paused = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfirst thought\n\n00:00:09.000 --> 00:00:10.000\nsecond thought\n";
        assert_eq!(
            assert_cited_within_a_minute(paused),
            [
                "3: [-|00:00:01] first thought",
                "6: [-|00:00:09] second thought"
            ]
        );
        // Timings that say nothing (all the same) still cut by length.
        let cue = |i: usize| {
            format!(
                "\n00:00:01.000 --> 00:00:01.000\n{}\n",
                format!("item{i} ").repeat(60)
            )
        };
        let vtt = format!("WEBVTT\n{}", (0..10).map(cue).collect::<String>());
        let (source, _) = parse(Path::new("s.vtt"), &vtt).unwrap();
        assert!(reading::summary(source).len() >= 3);
    }

    /// Issue 21: timings past 59 seconds are repaired, with a warning naming the line.
    #[test]
    fn issue_21_malformed_timings_are_repaired() {
        let vtt = "WEBVTT\n\n00:00:70.000 --> 00:01:12.000\nJane: Late.\n\n00:01:15,000 --> 00:01:16,000\nJane: Commas.\n";
        let (source, errors) = parse(Path::new("m.vtt"), vtt).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(source.warnings.len(), 1, "{:?}", source.warnings);
        assert!(
            source.warnings[0]
                .starts_with("line 3: the cue timing `00:00:70.000 --> 00:01:12.000`")
        );
        assert_eq!(
            reading::summary(source),
            ["3: [Jane|00:01:10] Late. Commas."]
        );
    }
}
