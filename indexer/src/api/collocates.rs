//! Request and response types of collocates: the words found within a few words of a word or
//! phrase, with the counts their MI and log-likelihood come from.

use serde::{Deserialize, Serialize};

use crate::api::{FacetField, Filters, SearchRequest, UnknownValue, check_query_length};
use crate::error::Error;

/// Words either side of the node when a request sets no `window`.
pub const DEFAULT_WINDOW: usize = 5;
/// Widest window accepted, in words either side.
pub const MAX_WINDOW: usize = 20;
/// Fewest co-occurrences a collocate needs when a request sets no `min_freq`.
pub const DEFAULT_COLLOCATE_FREQ: u64 = 2;
/// Collocates listed when a request sets no `limit`.
pub const DEFAULT_COLLOCATES: usize = 50;
/// Most collocates a request may ask for.
pub const MAX_COLLOCATES: usize = 1000;

/// Collocates: the words within `window` words either side of a word or phrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollocatesRequest {
    /// The node: a word or a phrase, as written (`trust`, `primary care`, `初级保健`); matched
    /// as whole words, lowercased and unstemmed, like keyness counts them.
    pub q: String,
    /// The passages counted in (default: every passage).
    #[serde(default)]
    pub filters: Filters,
    /// Words counted on each side of the node (1 to 20, default 5).
    #[serde(
        default = "default_window",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub window: usize,
    /// Fewest co-occurrences for a word to be listed (1 to 1000000, default 2).
    #[serde(
        default = "default_collocate_freq",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub min_freq: u64,
    /// Most collocates listed per table (1 to 1000, default 50).
    #[serde(
        default = "default_collocates",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub limit: usize,
    /// Count stop words and fillers of speech too (default false).
    #[serde(default)]
    pub keep_stopwords: bool,
    /// A field whose values get a table each, to compare groups (e.g. `role_group`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<FacetField>,
}

fn default_window() -> usize {
    DEFAULT_WINDOW
}

fn default_collocate_freq() -> u64 {
    DEFAULT_COLLOCATE_FREQ
}

fn default_collocates() -> usize {
    DEFAULT_COLLOCATES
}

impl CollocatesRequest {
    /// The collocates of `q` over every passage, other fields at their defaults.
    pub fn new(q: impl Into<String>) -> CollocatesRequest {
        CollocatesRequest {
            q: q.into(),
            filters: Filters::default(),
            window: DEFAULT_WINDOW,
            min_freq: DEFAULT_COLLOCATE_FREQ,
            limit: DEFAULT_COLLOCATES,
            keep_stopwords: false,
            by: None,
        }
    }

    /// Checks the node and the limits, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        check_query_length("q", &self.q)?;
        if self.q.trim().is_empty() {
            return Err(no_word());
        }
        self.filters.validate()?;
        in_range("window", self.window as u64, 1, MAX_WINDOW as u64)?;
        in_range("min_freq", self.min_freq, 1, super::MAX_MIN_FREQ)?;
        in_range("limit", self.limit as u64, 1, MAX_COLLOCATES as u64)
    }
}

/// The error for a node with no word in it: a query that says nothing to look for, answered
/// as search answers one (400 `invalid_query`).
pub(crate) fn no_word() -> Error {
    Error::Query {
        column: 1,
        reason: "no word to find collocates of".into(),
        hint: Some("give a word or a phrase, e.g. trust or primary care".into()),
    }
}

fn in_range(field: &str, value: u64, min: u64, max: u64) -> Result<(), Error> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidValue {
            field: field.into(),
            reason: format!("{value} is not from {min} to {max}"),
            hint: Some(format!("use a value from {min} to {max}")),
        })
    }
}

/// The answer to a [`CollocatesRequest`]: a table over the passages asked, and one per value
/// of `by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollocatesResponse {
    /// The node as given.
    pub q: String,
    /// The node's words as counted (lowercased, unstemmed).
    pub node: Vec<String>,
    /// Words counted on each side.
    pub window: usize,
    /// The fewest co-occurrences a listed collocate has.
    pub min_freq: u64,
    /// Over the passages passing the request's filters.
    pub all: CollocatesTable,
    /// One table per value of `by` (most passages first; absent without `by`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<CollocatesTable>,
    /// Time spent, in milliseconds.
    pub took_ms: f64,
    /// Filter values the corpus holds nowhere, each with the values it holds (absent when
    /// every value is held).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<UnknownValue>,
}

/// The collocates of the node among some passages, with the sizes the statistics use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollocatesTable {
    /// The value of `by` this table is for (absent for the whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The passages counted in.
    pub filters: Filters,
    /// Words in those passages: N in the statistics.
    pub words: u64,
    /// Occurrences of the node there: R1.
    pub node_freq: u64,
    /// Collocates, highest log-likelihood first.
    pub collocates: Vec<Collocate>,
}

/// A word found near the node, with every count its statistics come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Collocate {
    /// The word, lowercased, as written.
    pub term: String,
    /// Occurrences within the window of an occurrence of the node: O11.
    pub freq: u64,
    /// Of those, before the node.
    pub left: u64,
    /// Of those, after the node.
    pub right: u64,
    /// Occurrences anywhere in the passages counted: C1.
    pub corpus_freq: u64,
    /// Mutual information, log2(O11 / E11) with E11 = R1 · C1 / N.
    pub mi: f64,
    /// Log-likelihood G² of the 2×2 table of node and collocate (3.84: p < 0.05).
    pub log_likelihood: f64,
    /// The search that lists the passages where they occur together (`"node word"~D`, D the
    /// widest distance seen, in positions).
    pub search: SearchRequest,
}
