//! How a file was read: its layout, encoding, speakers and what may be wrong with its
//! attribution, as `verbatim-index inspect` prints it and `GET /v1/documents/{id}` shows it.

use serde::{Deserialize, Serialize};

/// How a file's text was split into passages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Paragraphs (or pages) under headings, with attributed quotes lifted out.
    #[default]
    Prose,
    /// Speaker turns.
    Transcript,
    /// Caption cues (WebVTT, SRT).
    Captions,
}

/// How one file (or one document of it) was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileReading {
    /// The file, relative to the corpus root (or as given to `inspect`).
    pub file: String,
    /// Its format: `md`, `txt`, `docx`, `odt`, `pdf`, `vtt`, `srt`, `jsonl`.
    pub format: String,
    /// The text encoding it was decoded from (`utf-8`, `utf-16le`, `windows-1252`, ...).
    pub encoding: String,
    /// How its text was split.
    pub layout: Layout,
    /// Passages it yields.
    pub passages: u32,
    /// Passages with a speaker label.
    pub turns: u32,
    /// Passages without one.
    pub unlabelled_passages: u32,
    /// Its speaker labels, most passages first.
    pub speakers: Vec<SpeakerReading>,
    /// Lines (or paragraphs) that look like speaker labels, of `lines`: many in a file read as
    /// prose means it was perhaps read wrong.
    pub label_like_lines: u32,
    /// Lines (text files) or paragraphs (other formats) read.
    pub lines: u32,
    /// What may be wrong, each a sentence saying what to do (`line 7: ...` for a line's problem).
    pub warnings: Vec<String>,
    /// Why nothing could be read from it (`None`: it was read).
    pub error: Option<String>,
}

/// A speaker label of a file and whom it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpeakerReading {
    /// The label as the file writes it (`Jack`, `R1`, `SPEAKER_00`).
    pub label: String,
    /// The participant's id in the sheet, when the label (or an alias) names one.
    pub participant: Option<String>,
    /// The participant's role (or the role the file states).
    pub role: Option<String>,
    /// Passages under the label.
    pub passages: u32,
}
