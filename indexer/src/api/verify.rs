//! Request and response types of checking a draft: every quote in it, where it was said and by
//! whom (`POST /v1/verify`, `verbatim verify DRAFT`).

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Largest draft accepted, in bytes (text, or a Word file): about 800 pages of prose.
pub const MAX_DRAFT_BYTES: usize = 5 << 20;
/// Most quotes checked in one draft; a draft with more is refused, naming the count.
pub const MAX_DRAFT_QUOTES: usize = 5_000;
/// Fewest words a quote needs to be checked; shorter ones are listed as `not_checked`.
pub const MIN_CHECKED_WORDS: usize = 4;
/// Most words a quote may have to be checked; longer ones are listed as `not_checked`.
pub const MAX_CHECKED_WORDS: usize = 1_000;

/// How a draft's text is written, which decides what counts as a block quote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DraftFormat {
    /// Markdown: `>` lines are block quotes.
    #[default]
    Markdown,
    /// Plain text: `>` lines and paragraphs indented by four spaces or a tab are block quotes.
    Text,
}

/// A draft to check, as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyRequest {
    /// The draft's text (up to 5 MiB).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub text: String,
    /// How the text is written (default `markdown`).
    #[serde(default)]
    pub format: DraftFormat,
}

impl VerifyRequest {
    /// Checks that there is a draft, and that it is not too large, naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        check_draft_size("text", self.text.len())?;
        if self.text.trim().is_empty() {
            return Err(Error::InvalidValue {
                field: "text".into(),
                reason: "the draft is empty".into(),
                hint: Some(
                    "send the draft's text, e.g. {\"text\": \"As one GP said, \\\"...\\\"\"}"
                        .into(),
                ),
            });
        }
        Ok(())
    }
}

/// Fails when a draft of `bytes` is over [`MAX_DRAFT_BYTES`]; `what` names it in the message.
pub fn check_draft_size(what: &str, bytes: usize) -> Result<(), Error> {
    if bytes > MAX_DRAFT_BYTES {
        return Err(Error::InvalidValue {
            field: what.into(),
            reason: format!(
                "the draft is {:.1} MB, more than the {} MB a check reads",
                bytes as f64 / 1e6,
                MAX_DRAFT_BYTES >> 20
            ),
            hint: Some("split the draft into chapters and check each".into()),
        });
    }
    Ok(())
}

/// Every quote of a draft, in order, with where each was found, and the counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyResponse {
    /// The quotes, in the order of the draft.
    pub quotes: Vec<VerifiedQuote>,
    /// How many quotes have each status.
    pub summary: VerifySummary,
}

impl VerifyResponse {
    /// Whether every checked quote is `verbatim` or `edited` and no attribution differs (the
    /// CLI's exit status 0).
    pub fn all_confirmed(&self) -> bool {
        self.summary.close == 0
            && self.summary.not_found == 0
            && self.summary.attribution_differs == 0
    }
}

/// One quote of the draft and what the corpus says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedQuote {
    /// The quote as the draft writes it, without its quote marks.
    pub text: String,
    /// The draft's line (a Word draft: its paragraph) where the quote opens, from 1.
    pub line: usize,
    /// How closely the corpus holds it.
    pub status: QuoteStatus,
    /// Why a quote was not checked (`not_checked` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The draft's label of who said it, compared with the matches' speakers.
    pub attribution: Attribution,
    /// Every place the quote was found with its status (none for `not_found`).
    pub matches: Vec<QuoteMatch>,
}

/// How closely the corpus holds a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QuoteStatus {
    /// The same words in the same order (case, punctuation, quote marks, dashes and spacing aside).
    Verbatim,
    /// The same words once ellipses (gaps) and bracketed words (up to 6 words) are allowed for.
    Edited,
    /// At least 80% of the quote's words in order; the match's `diff` shows what differs.
    Close,
    /// Nowhere in the corpus.
    NotFound,
    /// Listed but not checked: fewer than 4 words, or more than 1,000 (`note` says which).
    NotChecked,
}

impl QuoteStatus {
    /// The name used in JSON and in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Verbatim => "verbatim",
            QuoteStatus::Edited => "edited",
            QuoteStatus::Close => "close",
            QuoteStatus::NotFound => "not_found",
            QuoteStatus::NotChecked => "not_checked",
        }
    }
}

/// The draft's label of who said a quote, and whether the corpus agrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribution {
    /// The label as the draft writes it (`GP ID16`), when there is one.
    pub draft: Option<String>,
    /// Whether the label agrees with the speaker and role of a match.
    pub status: AttributionStatus,
    /// What differs (`differs` only): the draft's speaker or role and the match's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Whether a draft's label agrees with the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AttributionStatus {
    /// A match's speaker (and role, where the label gives one) is the label's.
    Agrees,
    /// No match is by the speaker or role the label names (`detail` says whose it is).
    Differs,
    /// The draft gives no label, or the quote was not found.
    Absent,
}

impl AttributionStatus {
    /// The name used in JSON and in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionStatus::Agrees => "agrees",
            AttributionStatus::Differs => "differs",
            AttributionStatus::Absent => "absent",
        }
    }
}

/// A place a quote was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteMatch {
    /// Ready-to-paste citation of the passage.
    pub citation: String,
    /// Who said it.
    pub speaker: Option<String>,
    /// Their role.
    pub role: Option<String>,
    /// Their site.
    pub site: Option<String>,
    /// The document.
    pub doc_id: String,
    /// The passage's number in its document (where the quote starts).
    pub passage: u32,
    /// The words that differ, in order with the words in common (`close` only; empty otherwise).
    pub diff: Vec<DiffPart>,
}

/// A run of words of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffPart {
    /// Whether the words are in both, only in the draft, or only in the transcript.
    pub op: DiffOp,
    /// The words, as written (the draft's for `same` and `draft`, the transcript's for `source`).
    pub text: String,
}

/// Which side of a diff a run of words is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DiffOp {
    /// In the draft and the transcript.
    Same,
    /// Only in the draft (added or changed by the writer).
    Draft,
    /// Only in the transcript (left out or changed by the writer).
    Source,
}

/// How many quotes have each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifySummary {
    /// Quotes found in the draft.
    pub quotes: u64,
    /// Quotes checked (the rest are `not_checked`).
    pub checked: u64,
    /// Quotes `verbatim`.
    pub verbatim: u64,
    /// Quotes `edited`.
    pub edited: u64,
    /// Quotes `close`.
    pub close: u64,
    /// Quotes `not_found`.
    pub not_found: u64,
    /// Quotes whose attribution differs.
    pub attribution_differs: u64,
}

impl VerifySummary {
    /// The counts of `quotes`.
    pub fn of(quotes: &[VerifiedQuote]) -> VerifySummary {
        let mut summary = VerifySummary {
            quotes: quotes.len() as u64,
            ..VerifySummary::default()
        };
        for quote in quotes {
            match quote.status {
                QuoteStatus::Verbatim => summary.verbatim += 1,
                QuoteStatus::Edited => summary.edited += 1,
                QuoteStatus::Close => summary.close += 1,
                QuoteStatus::NotFound => summary.not_found += 1,
                QuoteStatus::NotChecked => continue,
            }
            summary.checked += 1;
            if quote.attribution.status == AttributionStatus::Differs {
                summary.attribution_differs += 1;
            }
        }
        summary
    }
}
