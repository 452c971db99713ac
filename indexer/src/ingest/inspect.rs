//! How each file was read, for a researcher to check before trusting a count: its layout,
//! encoding, speakers and whom they name, and a warning wherever attribution may be wrong.
//!
//! Nothing is silent: a file read as prose although a fifth or more of its lines look like
//! speaker labels, a transcript where more than a tenth of the passages have no speaker, and
//! every label that names no participant are warnings naming the file, in `inspect`, in the
//! build summary and in the server's start-up log ([`Attribution`]).

use std::collections::HashMap;
use std::fmt;

use super::body::ParsedDocument;
use super::labels::key;
use super::participants::{INTERVIEWER_LABELS, participant_named};
use crate::api::{FileReading, Layout, SpeakerReading};
use crate::error::Error;
use crate::model::Participant;

/// How one file was read: `documents` as read (before the participants join) and the problems
/// found in it; a file that yielded no document is reported by its first error.
pub fn file_reading(
    rel: &str,
    documents: &[ParsedDocument],
    errors: &[Error],
    participants: &[Participant],
) -> FileReading {
    let mut reading = FileReading {
        file: rel.to_string(),
        format: rel
            .rsplit_once('.')
            .map_or(String::new(), |(_, e)| e.to_ascii_lowercase()),
        ..FileReading::default()
    };
    let Some(first) = documents.first() else {
        reading.error = Some(
            errors
                .first()
                .map_or_else(|| "nothing in it could be read".to_string(), reason_of),
        );
        return reading;
    };
    reading.encoding = first.reading.encoding.clone();
    reading.layout = first.reading.layout;
    let mut speakers: Vec<SpeakerReading> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for document in documents {
        reading.label_like_lines += document.reading.label_like_lines;
        reading.lines += document.reading.lines;
        reading
            .warnings
            .extend(document.reading.warnings.iter().cloned());
        for passage in &document.passages {
            reading.passages += 1;
            let Some(label) = &passage.speaker else {
                reading.unlabelled_passages += 1;
                continue;
            };
            reading.turns += 1;
            let index = *at.entry(key(label.as_str())).or_insert_with(|| {
                let participant = participant_named(label.as_str(), participants);
                speakers.push(SpeakerReading {
                    label: label.to_string(),
                    participant: participant.map(|p| p.id.to_string()),
                    role: passage
                        .role
                        .clone()
                        .or_else(|| participant.and_then(|p| p.role.clone()))
                        .map(|r| r.to_string()),
                    passages: 0,
                });
                speakers.len() - 1
            });
            speakers[index].passages += 1;
        }
    }
    speakers.sort_by(|a, b| b.passages.cmp(&a.passages).then(a.label.cmp(&b.label)));
    reading.speakers = speakers;
    reading.warnings.extend(errors.iter().map(line_and_reason));
    reading.warnings.extend(doubts(&reading));
    reading
}

/// The warnings that say where a file's attribution may be wrong.
fn doubts(reading: &FileReading) -> Vec<String> {
    let mut doubts = Vec::new();
    if prose_with_labels(reading) {
        doubts.push(format!(
            "read as prose, but {} of its {} lines look like speaker labels: if it is a transcript, \
             write every turn's label the same way (`Name: text`) or give it `format: transcript` in its front matter",
            reading.label_like_lines, reading.lines
        ));
    }
    if many_unlabelled(reading) {
        doubts.push(format!(
            "{} of its {} passages have no speaker: start every turn with a label written like the others",
            reading.unlabelled_passages, reading.passages
        ));
    }
    for speaker in unmatched(reading) {
        doubts.push(format!(
            "speaker label {:?} ({} passages) names no participant: add it to participants.csv \
             (as an id or in `aliases`), or map it in the document's `speakers`",
            speaker.label, speaker.passages
        ));
    }
    doubts
}

/// Read as prose although a fifth or more of its lines look like speaker labels.
fn prose_with_labels(reading: &FileReading) -> bool {
    reading.layout == Layout::Prose
        && reading.label_like_lines >= 3
        && reading.label_like_lines * 5 >= reading.lines
}

/// A transcript (or captions) where more than a tenth of the passages have no speaker.
fn many_unlabelled(reading: &FileReading) -> bool {
    reading.layout != Layout::Prose && reading.unlabelled_passages * 10 > reading.passages
}

/// Its labels that name no participant (the interviewer's usual labels are meant to stay labels).
fn unmatched(reading: &FileReading) -> impl Iterator<Item = &SpeakerReading> {
    reading.speakers.iter().filter(|s| {
        s.participant.is_none() && !INTERVIEWER_LABELS.contains(&key(&s.label).as_str())
    })
}

/// How likely a file was read wrong, for ordering `inspect`'s table: errors first, then prose
/// with label-like lines, then transcripts by their share of unlabelled passages, then files with
/// unmatched labels.
pub fn doubt(reading: &FileReading) -> (bool, bool, u64, usize) {
    let unlabelled = match reading.layout {
        Layout::Prose => 0,
        _ => u64::from(reading.unlabelled_passages) * 1000 / u64::from(reading.passages.max(1)),
    };
    (
        reading.error.is_some(),
        prose_with_labels(reading),
        unlabelled,
        unmatched(reading).count(),
    )
}

/// The corpus-wide counts of attribution to check, with the files behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// Files read as prose with many label-like lines: (file, label-like lines, lines).
    pub prose_with_labels: Vec<(String, u32, u32)>,
    /// Transcripts with many passages without a speaker: (file, unlabelled, passages).
    pub unlabelled: Vec<(String, u32, u32)>,
    /// Labels naming no participant: (file, label, passages).
    pub unmatched: Vec<(String, String, u32)>,
}

impl Attribution {
    /// The counts over these readings (one per file or document).
    pub fn of<'a>(readings: impl IntoIterator<Item = &'a FileReading>) -> Attribution {
        let mut attribution = Attribution::default();
        for reading in readings {
            if prose_with_labels(reading) {
                attribution.prose_with_labels.push((
                    reading.file.clone(),
                    reading.label_like_lines,
                    reading.lines,
                ));
            }
            if many_unlabelled(reading) {
                attribution.unlabelled.push((
                    reading.file.clone(),
                    reading.unlabelled_passages,
                    reading.passages,
                ));
            }
            for speaker in unmatched(reading) {
                attribution.unmatched.push((
                    reading.file.clone(),
                    speaker.label.clone(),
                    speaker.passages,
                ));
            }
        }
        attribution
    }

    /// Whether there is nothing to check.
    pub fn is_clear(&self) -> bool {
        self.prose_with_labels.is_empty() && self.unlabelled.is_empty() && self.unmatched.is_empty()
    }
}

impl fmt::Display for Attribution {
    /// The three counts on one line, then one line per file behind them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "attribution: {} file(s) read as prose with label-like lines, {} transcript(s) with many passages without a speaker, {} speaker label(s) naming no participant",
            self.prose_with_labels.len(),
            self.unlabelled.len(),
            self.unmatched.len()
        )?;
        for (file, like, lines) in &self.prose_with_labels {
            writeln!(
                f,
                "  prose?      {file}: {like} of {lines} lines look like speaker labels"
            )?;
        }
        for (file, unlabelled, passages) in &self.unlabelled {
            writeln!(
                f,
                "  unlabelled  {file}: {unlabelled} of {passages} passages have no speaker"
            )?;
        }
        for (file, label, passages) in &self.unmatched {
            writeln!(
                f,
                "  unmatched   {label:?} in {file}: {passages} passage(s)"
            )?;
        }
        Ok(())
    }
}

fn reason_of(error: &Error) -> String {
    match error {
        Error::Malformed { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// `line 7: reason` (or the reason alone for the whole file).
fn line_and_reason(error: &Error) -> String {
    match error {
        Error::Malformed { line, reason, .. } if *line > 0 => format!("line {line}: {reason}"),
        other => reason_of(other),
    }
}
