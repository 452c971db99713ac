//! SubRip captions (`.srt`): numbered cues, `00:00:01,000 --> 00:00:04,000`, then the text.

use std::path::Path;

use super::super::source::{ReadAs, Source};
use super::captions::{self, Cue};
use super::vtt::blocks;
use crate::error::Error;

/// Reads SRT text into cues; a block that is not a cue is reported and skipped, a cue whose
/// timing cannot be read is kept under the previous cue's time, with a warning.
pub(super) fn parse(path: &Path, text: &str) -> Result<(Source, Vec<Error>), Error> {
    let mut cues: Vec<Cue> = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for block in blocks(text) {
        match block.iter().position(|(_, l)| l.contains("-->")) {
            Some(at) => {
                let previous = cues.last().map(|cue| cue.timing);
                let (line, timing) = block[at];
                cues.push(Cue {
                    line,
                    timing: captions::read_timing(line, timing, previous, &mut warnings),
                    text: block[at + 1..]
                        .iter()
                        .map(|(_, l)| *l)
                        .collect::<Vec<_>>()
                        .join(" "),
                });
            }
            None => errors.push(Error::malformed(
                path,
                block[0].0,
                "not an SRT cue: write a number, then `00:01:02,000 --> 00:01:05,000`, then the text",
            )),
        }
    }
    if cues.is_empty() {
        return Err(Error::malformed(
            path,
            0,
            "no captions in the file (no `00:00:01,000 --> ...` cues): export the captions again as .srt",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::reading;

    #[test]
    fn numbered_cues_with_speaker_prefixes() {
        let text = "1\n00:00:01,000 --> 00:00:03,000\nJane: We <i>pooled</i>\nbudgets.\n\n2\n00:00:04,000 --> 00:00:05,000\nAnn: Why?\n\n";
        let (source, errors) = parse(Path::new("a.srt"), text).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            reading::summary(source),
            [
                "2: [Jane|00:00:01] We pooled budgets.",
                "7: [Ann|00:00:04] Why?"
            ]
        );
    }

    #[test]
    fn a_file_without_cues_is_an_error() {
        let err = parse(Path::new("a.srt"), "hello\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.srt:0: no captions in the file"), "{err}");
    }
}
