//! WebVTT captions (`.vtt`), as Zoom, Teams and YouTube write them.
//!
//! The file starts with `WEBVTT`; blocks are separated by blank lines. A cue block has an
//! optional identifier line, a timing line (`00:00:01.000 --> 00:00:04.000` plus cue settings,
//! which are ignored) and text lines. `NOTE`, `STYLE` and `REGION` blocks are skipped.

use std::path::Path;

use super::super::source::{ReadAs, Source};
use super::captions::{self, Cue};
use crate::error::Error;

/// Reads WebVTT text into turns; a cue with a timing that cannot be read is reported and skipped.
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
        let Some(start) = captions::start_time(timing) else {
            errors.push(Error::malformed(
                path,
                line,
                "cannot read this cue timing: write it as `00:01:02.000 --> 00:01:05.000`",
            ));
            continue;
        };
        let text: Vec<&str> = lines[timing_at + 1..].iter().map(|(_, l)| *l).collect();
        cues.push(Cue {
            line,
            start,
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
            blocks: captions::turns(cues),
            read_as: ReadAs::Captions,
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
    use crate::ingest::source::Block;

    #[test]
    fn zoom_and_teams_captions() {
        let zoom = "WEBVTT\n\n1\n00:12:05.120 --> 00:12:08.000\nJane Smith: We pooled budgets.\n\n2\n00:12:08.500 --> 00:12:10.000\nJane Smith: It took a year.\n\nNOTE exported by Zoom\n\n3\n00:12:11.000 --> 00:12:12.000 align:start position:10%\nAnn Lee: Why?\n";
        let (source, errors) = parse(Path::new("z.vtt"), zoom).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            source.blocks,
            [
                Block::turn(
                    4,
                    Some("Jane Smith".into()),
                    Some("00:12:05".into()),
                    "We pooled budgets. It took a year."
                ),
                Block::turn(14, Some("Ann Lee".into()), Some("00:12:11".into()), "Why?"),
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
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("b.vtt:3: this block is not a cue"));
        assert!(errors[1].starts_with("b.vtt:5: cannot read this cue timing"));
        assert_eq!(source.blocks.len(), 1);
    }
}
