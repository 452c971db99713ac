//! Request and response types of comparing groups of speakers: cross-tabs (queries by the values
//! of a field), keyness (the words that mark a group) and keyword in context.
//!
//! Every count comes with the [`SearchRequest`] that lists its quotes, so a figure in a table can
//! always be followed back to what was said.

use serde::{Deserialize, Serialize};

use crate::api::{FacetField, Filters, SearchRequest, UnknownValue, check_max, check_query_length};
use crate::error::Error;

/// Most rows of a cross-tab.
pub const MAX_CROSSTAB_ROWS: usize = 50;
/// Longest row label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Key terms listed when a keyness request sets no `limit`.
pub const DEFAULT_KEY_TERMS: usize = 50;
/// Most key terms a keyness request may ask for.
pub const MAX_KEY_TERMS: usize = 1000;
/// Fewest occurrences in the target a key term needs when a request sets no `min_freq`.
pub const DEFAULT_MIN_FREQ: u64 = 3;
/// Largest `min_freq` accepted.
pub const MAX_MIN_FREQ: u64 = 1_000_000;
/// Columns of context either side of a keyword when a request sets no `width`.
pub const DEFAULT_KWIC_WIDTH: usize = 40;
/// Widest context accepted, in columns.
pub const MAX_KWIC_WIDTH: usize = 200;

/// A cross-tab (matrix query): one row per query, one column per value of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabRequest {
    /// The rows: a query each (1 to 50).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub rows: Vec<CrosstabRow>,
    /// The field whose values are the columns, e.g. `role_group`, `site` or `attr.gender`.
    pub by: FacetField,
    /// Filters applied to every cell and to the columns' word totals.
    #[serde(default)]
    pub filters: Filters,
}

/// One row of a cross-tab: a query and its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabRow {
    /// The label shown for the row (default: the query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub label: Option<String>,
    /// Query text, as in a search; empty counts every passage.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4096))]
    pub q: String,
}

impl CrosstabRow {
    /// A row labelled with its query.
    pub fn new(q: impl Into<String>) -> CrosstabRow {
        CrosstabRow {
            label: None,
            q: q.into(),
        }
    }

    /// The label shown: the one given, else the query, else `(all passages)`.
    pub fn shown_label(&self) -> String {
        match (&self.label, self.q.trim()) {
            (Some(label), _) if !label.trim().is_empty() => label.clone(),
            (_, "") => "(all passages)".to_string(),
            (_, q) => q.to_string(),
        }
    }
}

impl CrosstabRequest {
    /// Checks the number of rows, each query and the filters, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        if self.rows.is_empty() {
            return Err(Error::InvalidValue {
                field: "rows".into(),
                reason: "there are no rows".into(),
                hint: Some("give at least one row, e.g. {\"q\": \"trust\"}".into()),
            });
        }
        check_max("rows", self.rows.len(), MAX_CROSSTAB_ROWS)?;
        for (i, row) in self.rows.iter().enumerate() {
            let name = row_name(i);
            check_query_length(&name, &row.q)?;
            if let Some(label) = &row.label {
                check_max(
                    &format!("{name}'s label"),
                    label.chars().count(),
                    MAX_LABEL_CHARS,
                )?;
            }
        }
        self.filters.validate()
    }
}

/// How errors name the row at `index` (0-based): `row 1` for the first, as people count the
/// lines of a rows box or the arguments of a command.
pub fn row_name(index: usize) -> String {
    format!("row {}", index + 1)
}

/// A cross-tab's answer: the columns, then one row of cells per query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabResponse {
    /// The field whose values are the columns.
    pub by: FacetField,
    /// The filters every cell applies.
    pub filters: Filters,
    /// Every value of the field among the passages passing the filters, most passages first.
    pub columns: Vec<CrosstabColumn>,
    /// One row per query, in request order.
    pub rows: Vec<CrosstabRowResult>,
    /// Time spent, in milliseconds.
    pub took_ms: f64,
    /// Filter values the corpus holds nowhere, each with the values it holds (absent when
    /// every value is held).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<UnknownValue>,
}

/// A column of a cross-tab: a value and the size of its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabColumn {
    /// The value as written in the corpus.
    pub value: String,
    /// Passages with this value (passing the filters).
    pub passages: u64,
    /// Distinct participants among those passages.
    pub participants: u64,
    /// Words in those passages: the base of the rates per 10,000 words.
    pub words: u64,
}

/// One row of a cross-tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabRowResult {
    /// The row's label.
    pub label: String,
    /// The row's query.
    pub q: String,
    /// Passages matching the query and filters, in any column or none.
    pub total: u64,
    /// One cell per column, in column order.
    pub cells: Vec<CrosstabCell>,
}

/// One cell: how much of a column's text matches a row's query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrosstabCell {
    /// Matching passages.
    pub passages: u64,
    /// Distinct participants who said them.
    pub participants: u64,
    /// Matching passages per 10,000 words of the column's text.
    pub per_10k_words: f64,
    /// The search that lists this cell's quotes (its `total` is `passages`).
    pub search: SearchRequest,
}

/// Keyness: the terms over-represented in a target group's words against a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeynessRequest {
    /// The passages of the target group, e.g. `{"role_group": "GP"}`; at least one filter.
    pub target: Filters,
    /// The passages to compare with; absent means every passage outside the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Filters>,
    /// Fewest occurrences in the target for a term to be listed (1 to 1000000, default 3).
    #[serde(
        default = "default_min_freq",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub min_freq: u64,
    /// Most terms listed (1 to 1000, default 50).
    #[serde(
        default = "default_key_terms",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub limit: usize,
    /// Count stop words and fillers of speech (`the`, `um`, `嗯`...) too; punctuation and bare
    /// numbers are never counted (default false).
    #[serde(default)]
    pub keep_stopwords: bool,
}

fn default_min_freq() -> u64 {
    DEFAULT_MIN_FREQ
}

fn default_key_terms() -> usize {
    DEFAULT_KEY_TERMS
}

impl KeynessRequest {
    /// A request comparing `target` with everyone else, other fields at their defaults.
    pub fn new(target: Filters) -> KeynessRequest {
        KeynessRequest {
            target,
            reference: None,
            min_freq: DEFAULT_MIN_FREQ,
            limit: DEFAULT_KEY_TERMS,
            keep_stopwords: false,
        }
    }

    /// Checks the groups and limits, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        if self.target.is_empty() {
            return Err(Error::InvalidValue {
                field: "target".into(),
                reason: "the target names no group".into(),
                hint: Some("give at least one filter, e.g. {\"role_group\": \"GP\"}".into()),
            });
        }
        self.target.validate().map_err(|e| prefixed("target", e))?;
        if let Some(reference) = &self.reference {
            if reference == &self.target {
                return Err(Error::InvalidValue {
                    field: "reference".into(),
                    reason: "the reference is the target itself".into(),
                    hint: Some(
                        "compare with another group, or leave reference out to compare with \
                         everyone else"
                            .into(),
                    ),
                });
            }
            reference.validate().map_err(|e| prefixed("reference", e))?;
        }
        if !(1..=MAX_MIN_FREQ).contains(&self.min_freq) {
            return Err(Error::InvalidValue {
                field: "min_freq".into(),
                reason: format!("{} is not from 1 to {MAX_MIN_FREQ}", self.min_freq),
                hint: Some(format!("use a value from 1 to {MAX_MIN_FREQ}")),
            });
        }
        if !(1..=MAX_KEY_TERMS).contains(&self.limit) {
            return Err(Error::InvalidValue {
                field: "limit".into(),
                reason: format!("{} is not from 1 to {MAX_KEY_TERMS}", self.limit),
                hint: Some(format!("use a value from 1 to {MAX_KEY_TERMS}")),
            });
        }
        Ok(())
    }
}

/// A filter error inside a group, renamed to say which group (`target.year`).
fn prefixed(group: &str, error: Error) -> Error {
    match error {
        Error::InvalidValue {
            field,
            reason,
            hint,
        } => Error::InvalidValue {
            field: format!("{group}.{}", field.trim_start_matches("filters.")),
            reason,
            hint,
        },
        other => other,
    }
}

/// The answer to a [`KeynessRequest`]: both groups' sizes and the key terms, most key first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeynessResponse {
    /// The target group.
    pub target: GroupSize,
    /// The reference group.
    pub reference: GroupSize,
    /// The fewest target occurrences a listed term has.
    pub min_freq: u64,
    /// Over-represented terms, highest log-likelihood first.
    pub terms: Vec<KeyTerm>,
    /// Time spent, in milliseconds.
    pub took_ms: f64,
    /// Values of the groups' filters the corpus holds nowhere, each with the values it holds (absent when
    /// every value is held).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<UnknownValue>,
}

/// A group of passages being compared, and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupSize {
    /// The filters selecting it (`null` for the reference: every passage outside the target).
    pub filters: Option<Filters>,
    /// Its passages.
    pub passages: u64,
    /// Its words: the corpus size in the statistics.
    pub words: u64,
    /// Distinct participants who spoke in it.
    pub participants: u64,
}

/// A term over-represented in the target, with every count its statistics come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyTerm {
    /// The word, lowercased, as written (not stemmed); Chinese words as segmented.
    pub term: String,
    /// Occurrences in the target.
    pub target_count: u64,
    /// Occurrences in the reference.
    pub reference_count: u64,
    /// Occurrences per 10,000 words of the target.
    pub target_per_10k: f64,
    /// Occurrences per 10,000 words of the reference.
    pub reference_per_10k: f64,
    /// Log-likelihood G² (Dunning 1993); 3.84 is significant at p < 0.05, 15.13 at p < 0.0001.
    pub log_likelihood: f64,
    /// Log Ratio (Hardie 2014): log2 of the ratio of relative frequencies; each point doubles
    /// it. A count of zero is taken as 0.5.
    pub log_ratio: f64,
    /// Distinct participants of the target who used the term.
    pub participants: u64,
    /// The search that lists the target's quotes using the term (`=term`: the word exactly as
    /// counted), its matches highlighted.
    pub search: SearchRequest,
}

/// Keyword in context: every matched occurrence in a page of hits, one line each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KwicRequest {
    /// The search whose hits are shown (its page: `limit` and `offset`).
    #[serde(default)]
    pub search: SearchRequest,
    /// Columns of context on each side (1 to 200, default 40; a Chinese character takes two).
    #[serde(
        default = "default_kwic_width",
        deserialize_with = "super::whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 200))]
    pub width: usize,
}

fn default_kwic_width() -> usize {
    DEFAULT_KWIC_WIDTH
}

impl KwicRequest {
    /// Keyword-in-context lines of `search` with the default width.
    pub fn new(search: SearchRequest) -> KwicRequest {
        KwicRequest {
            search,
            width: DEFAULT_KWIC_WIDTH,
        }
    }

    /// Checks the search and the width, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        if !(1..=MAX_KWIC_WIDTH).contains(&self.width) {
            return Err(Error::InvalidValue {
                field: "width".into(),
                reason: format!("{} is not from 1 to {MAX_KWIC_WIDTH}", self.width),
                hint: Some(format!("use a value from 1 to {MAX_KWIC_WIDTH}")),
            });
        }
        self.search.validate().map_err(|e| match e {
            Error::InvalidValue {
                field,
                reason,
                hint,
            } => Error::InvalidValue {
                field: format!("search.{field}"),
                reason,
                hint,
            },
            other => other,
        })
    }
}

/// The answer to a [`KwicRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KwicResponse {
    /// The query text.
    pub query: String,
    /// Passages matching the search (not just this page).
    pub total: u64,
    /// Columns of context on each side.
    pub width: usize,
    /// One line per matched occurrence, hits in search order, occurrences in text order.
    pub lines: Vec<KwicLine>,
}

/// One occurrence with its context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KwicLine {
    /// Text before the keyword, at most `width` columns, on one line.
    pub left: String,
    /// The matched text, exactly as in the passage.
    pub keyword: String,
    /// Text after the keyword, at most `width` columns, on one line.
    pub right: String,
    /// Document id.
    pub doc_id: String,
    /// Passage number in the document.
    pub passage: u32,
    /// Ready-to-paste citation.
    pub citation: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::MAX_QUERY_CHARS;

    fn field_of(error: Error) -> String {
        match error {
            Error::InvalidValue { field, .. } => field,
            other => panic!("expected an invalid value, got {other:?}"),
        }
    }

    #[test]
    fn keyness_groups_are_checked_by_name() {
        let gp = Filters {
            role_group: vec!["GP".into()],
            ..Filters::default()
        };
        let empty = KeynessRequest::new(Filters::default());
        assert_eq!(field_of(empty.validate().unwrap_err()), "target");
        let same = KeynessRequest {
            reference: Some(gp.clone()),
            ..KeynessRequest::new(gp.clone())
        };
        assert_eq!(field_of(same.validate().unwrap_err()), "reference");
        let low = KeynessRequest {
            min_freq: 0,
            ..KeynessRequest::new(gp.clone())
        };
        assert_eq!(field_of(low.validate().unwrap_err()), "min_freq");
        let bad_year: KeynessRequest =
            serde_json::from_str(r#"{"target": {"role": "GP", "year": "2019..2015"}}"#).unwrap();
        assert_eq!(field_of(bad_year.validate().unwrap_err()), "target.year");
        assert!(KeynessRequest::new(gp).validate().is_ok());
    }

    #[test]
    fn crosstab_rows_are_checked_by_name() {
        let mut request: CrosstabRequest =
            serde_json::from_str(r#"{"rows": [], "by": "role_group"}"#).unwrap();
        assert_eq!(field_of(request.validate().unwrap_err()), "rows");
        request.rows = vec![CrosstabRow::new("x".repeat(MAX_QUERY_CHARS + 1))];
        assert_eq!(field_of(request.validate().unwrap_err()), "row 1");
        assert!(
            serde_json::from_str::<CrosstabRequest>(r#"{"rows": [], "by": "colour"}"#).is_err()
        );
        assert_eq!(CrosstabRow::new(" ").shown_label(), "(all passages)");
    }

    #[test]
    fn kwic_width_and_search_are_checked_by_name() {
        let mut request = KwicRequest::new(SearchRequest::new("trust"));
        request.width = 0;
        assert_eq!(field_of(request.validate().unwrap_err()), "width");
        request.width = 10;
        request.search.limit = 5000;
        assert_eq!(field_of(request.validate().unwrap_err()), "search.limit");
    }
}
