//! Checking a draft: every quote in a report, where it was said and by whom.
//!
//! `find` lists the draft's quotes (quote marks, block quotes, Word quote styles) with the
//! label next to each; `locate` finds each in the index through a search for its rarest words
//! and aligns the candidates word by word (`align`, on the words of `words`), tolerant of
//! what editors do: ellipses, bracketed insertions, case, punctuation, quote marks and spacing.
//! Each quote gets a status (`verbatim`, `edited`, `close` with a word-level diff, `not_found`)
//! and its label is compared with the matches' speakers and roles (`attribution`).

mod align;
mod attribution;
mod find;
mod locate;
mod words;

use rayon::prelude::*;

use crate::api::{
    DraftFormat, MAX_DRAFT_QUOTES, VerifiedQuote, VerifyResponse, VerifySummary, check_draft_size,
};
use crate::error::{Error, Result};
use crate::ingest::read_docx_draft;
use crate::search::Index;
use attribution::People;
use find::Block;
use locate::{Locator, Quote};

/// A draft to check, as read from a request or a file.
#[derive(Debug, Clone, Copy)]
pub enum Draft<'a> {
    /// Markdown or plain text.
    Text {
        /// The text.
        text: &'a str,
        /// Markdown or plain text (which decides what a block quote is).
        format: DraftFormat,
    },
    /// The bytes of a Word (`.docx`) file.
    Docx(&'a [u8]),
}

impl<'a> Draft<'a> {
    /// A draft file's contents by its name's extension (`.md`, `.markdown`, `.txt`, `.docx`).
    pub fn of_file(name: &str, bytes: &'a [u8]) -> Result<Draft<'a>> {
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let format = match extension.as_deref() {
            Some("docx") => return Ok(Draft::Docx(bytes)),
            Some("md" | "markdown") => DraftFormat::Markdown,
            Some("txt") => DraftFormat::Text,
            _ => {
                return Err(Error::InvalidValue {
                    field: name.to_string(),
                    reason: "a draft must be a .md, .txt or .docx file".into(),
                    hint: Some("save the draft as Markdown, text or Word (.docx)".into()),
                });
            }
        };
        let text = std::str::from_utf8(bytes).map_err(|e| Error::InvalidValue {
            field: name.to_string(),
            reason: format!("the draft is not UTF-8 text (byte {})", e.valid_up_to()),
            hint: Some("save it as UTF-8 text".into()),
        })?;
        Ok(Draft::Text { text, format })
    }

    /// What errors about the draft name: the request field of a text, the draft of a file.
    fn field(self) -> &'static str {
        match self {
            Draft::Text { .. } => "text",
            Draft::Docx(_) => "draft",
        }
    }

    /// The draft's paragraphs and block quotes.
    fn blocks(self) -> Result<Vec<Block>> {
        match self {
            Draft::Text { text, format } => {
                check_draft_size(self.field(), text.len())?;
                Ok(find::text_blocks(text, format))
            }
            Draft::Docx(bytes) => {
                check_draft_size(self.field(), bytes.len())?;
                let paragraphs = read_docx_draft(bytes).map_err(|reason| Error::InvalidValue {
                    field: self.field().into(),
                    reason,
                    hint: Some("send a Word (.docx) file, or the draft's text as JSON".into()),
                })?;
                Ok(find::docx_blocks(paragraphs))
            }
        }
    }
}

impl Index {
    /// Checks every quote of `draft` against the index: where each was said, how closely, and
    /// whether the draft's label of who said it agrees.
    #[tracing::instrument(skip_all)]
    pub fn verify(&self, draft: Draft) -> Result<VerifyResponse> {
        let blocks = draft.blocks()?;
        if blocks.is_empty() {
            return Err(Error::InvalidValue {
                field: draft.field().into(),
                reason: "the draft is empty".into(),
                hint: Some("send a draft with at least one paragraph".into()),
            });
        }
        let people = People::of(self.catalog());
        let is_label = |text: &str| people.label(text).is_some();
        let found = find::quotes(&blocks, &is_label);
        if found.len() > MAX_DRAFT_QUOTES {
            return Err(Error::InvalidValue {
                field: draft.field().into(),
                reason: format!(
                    "the draft holds {} quotes, more than the {MAX_DRAFT_QUOTES} a check takes",
                    found.len()
                ),
                hint: Some("split the draft into chapters and check each".into()),
            });
        }
        let quotes: Vec<VerifiedQuote> = found
            .par_iter()
            .map_init(Locator::default, |locator, found| {
                let quote = Quote {
                    text: &found.text,
                    line: found.line,
                    label_text: found.label.as_deref(),
                    label: found.label.as_deref().and_then(|l| people.label(l)),
                };
                locator.locate(self, &quote)
            })
            .collect::<Result<_>>()?;
        Ok(VerifyResponse {
            summary: VerifySummary::of(&quotes),
            quotes,
        })
    }
}
