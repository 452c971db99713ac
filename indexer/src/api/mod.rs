//! Request and response types of the search API, shared by the server (JSON over HTTP) and the
//! CLI (which sends them to a server or passes them to [`crate::Index`] directly), so both paths
//! give identical results.
//!
//! This module is the one codec of the API: the JSON forms (serde), the query-string forms of the
//! `GET` routes ([`QueryForm`]) and the text forms of single values ([`YearRange`], [`FacetField`],
//! [`Sort`]) are all defined here, next to the types.

pub(crate) mod collocates;
mod compare;
mod one_or_many;
#[cfg(feature = "openapi")]
mod openapi;
mod query;
mod reading;
mod sets;
mod verify;
mod whole_number;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::model::{Kind, Lang, Origin};

pub use collocates::{
    Collocate, CollocatesRequest, CollocatesResponse, CollocatesTable, DEFAULT_COLLOCATE_FREQ,
    DEFAULT_COLLOCATES, DEFAULT_WINDOW, MAX_COLLOCATES, MAX_WINDOW,
};
pub use compare::{
    CrosstabCell, CrosstabColumn, CrosstabRequest, CrosstabResponse, CrosstabRow,
    CrosstabRowResult, DEFAULT_KEY_TERMS, DEFAULT_KWIC_WIDTH, DEFAULT_MIN_FREQ, GroupSize, KeyTerm,
    KeynessRequest, KeynessResponse, KwicLine, KwicRequest, KwicResponse, MAX_CROSSTAB_ROWS,
    MAX_KEY_TERMS, MAX_KWIC_WIDTH, MAX_MIN_FREQ, row_name,
};
pub use one_or_many::OneOrMany;
#[cfg(feature = "openapi")]
use openapi::attribute_filters_schema;
#[cfg(feature = "openapi")]
pub use openapi::{attribute_filters_schema_for, facet_field_schema, query_parameters};
pub use query::{
    ATTR_PREFIX, FacetQuery, NameSet, Param, ParamShape, PassageQuery, QueryForm, QueryPairs,
    QueryReader,
};
pub use reading::{FileReading, Layout, SpeakerReading};
#[cfg(feature = "openapi")]
pub use sets::set_name_schema;
pub use sets::{CreateSetRequest, RerunRequest, RerunResponse, SetDetail, UpdateSetRequest};
pub use verify::{
    Attribution, AttributionStatus, DiffOp, DiffPart, DraftFormat, MAX_CHECKED_WORDS,
    MAX_DRAFT_BYTES, MAX_DRAFT_QUOTES, MIN_CHECKED_WORDS, QuoteMatch, QuoteStatus, VerifiedQuote,
    VerifyRequest, VerifyResponse, VerifySummary, check_draft_size,
};

/// Default number of hits per page.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest `limit` a request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Largest `offset` a request may ask for (deep paging beyond this belongs in an export).
pub const MAX_OFFSET: usize = 100_000;
/// Largest `context` (passages on each side of a hit).
pub const MAX_CONTEXT: usize = 20;
/// Longest query text, in characters (Unicode scalar values, as JSON Schema's `maxLength` counts).
pub const MAX_QUERY_CHARS: usize = 4096;
/// Most values returned per facet in a search response (`/v1/facets/{field}` returns all).
pub const FACET_VALUES_IN_SEARCH: usize = 100;

/// A search: query text, filters, which facets to count, and paging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchRequest {
    /// Query text (see the README for the syntax). Empty matches every passage.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4096))]
    pub q: String,
    /// Filters; a list means any-of, different filters combine with AND.
    #[serde(default)]
    pub filters: Filters,
    /// Fields to count values of over all matches, e.g. `["role", "site"]`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = json!(["role", "site"])))]
    pub facets: Vec<FacetField>,
    /// Hits per page (1 to 1000; 0 returns only the total and facets).
    #[serde(
        default = "default_limit",
        deserialize_with = "whole_number::deserialize"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub limit: usize,
    /// Hits to skip.
    #[serde(default, deserialize_with = "whole_number::deserialize")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000))]
    pub offset: usize,
    /// Order of hits.
    #[serde(default)]
    pub sort: Sort,
    /// Passages to include before and after each hit (0 to 20).
    #[serde(default, deserialize_with = "whole_number::deserialize")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 20))]
    pub context: usize,
    /// Whether to compute highlights and snippets.
    #[serde(default = "default_true")]
    pub highlight: bool,
}

fn default_limit() -> usize {
    DEFAULT_LIMIT
}

fn default_true() -> bool {
    true
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Filters::default(),
            facets: Vec::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            sort: Sort::default(),
            context: 0,
            highlight: true,
        }
    }
}

impl SearchRequest {
    /// A request for `q` with every other field at its default.
    pub fn new(q: impl Into<String>) -> Self {
        SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        }
    }

    /// Checks limits, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        check_max("limit", self.limit, MAX_LIMIT)?;
        check_max("offset", self.offset, MAX_OFFSET)?;
        check_max("context", self.context, MAX_CONTEXT)?;
        check_query_length("q", &self.q)?;
        self.filters.validate()
    }
}

/// Refuses query text over [`MAX_QUERY_CHARS`], saying how long it is in words a person reads.
fn check_query_length(field: &str, q: &str) -> Result<(), Error> {
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::InvalidValue {
            field: field.into(),
            reason: format!(
                "the query is {} characters long; the limit is {}",
                thousands(chars as u64),
                thousands(MAX_QUERY_CHARS as u64)
            ),
            hint: Some("shorten the query, or split it into several searches".into()),
        });
    }
    Ok(())
}

/// A number with a comma every three digits, as messages write them: 4,096.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn check_max(field: &str, value: usize, max: usize) -> Result<(), Error> {
    if value > max {
        return Err(Error::InvalidValue {
            field: field.into(),
            reason: format!("{value} is above the maximum of {max}"),
            hint: Some(format!("use a value from 0 to {max}")),
        });
    }
    Ok(())
}

/// Filters on passage attributes. Each list means any-of; filters combine with AND.
/// `role` matches a role or a role group, case-insensitively (`GP` matches `Independent GP`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Filters {
    /// Roles or role groups.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub role: Vec<String>,
    /// Role groups only, e.g. `GP` (case-insensitive).
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub role_group: Vec<String>,
    /// Roles only, as written, without the members of a role group of the same name
    /// (case-insensitive): `GP` here leaves out `Independent GP`.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub role_exact: Vec<String>,
    /// Sites, e.g. `site 1`.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub site: Vec<String>,
    /// Document kinds.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<Kind>::schema))]
    pub kind: Vec<Kind>,
    /// Languages.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<Lang>::schema))]
    pub lang: Vec<Lang>,
    /// Speaker ids, e.g. `ID9`.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub speaker: Vec<String>,
    /// Document ids.
    #[serde(
        default,
        deserialize_with = "OneOrMany::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = OneOrMany::<String>::schema))]
    pub doc: Vec<String>,
    /// Year range of the document's date, both ends inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<YearRange>,
    /// Participant attributes from the participants sheet, by column name.
    #[serde(
        default,
        deserialize_with = "attribute_filters",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = attribute_filters_schema))]
    pub attr: BTreeMap<String, Vec<String>>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// These filters narrowed to the passages whose `field` has `value` (exactly: a `role` value
    /// leaves out the rest of a role group of the same name), as one column of a cross-tab.
    pub fn narrowed(&self, field: &FacetField, value: &str) -> Result<Filters, Error> {
        let mut narrowed = self.clone();
        let one = || vec![value.to_string()];
        match field {
            FacetField::Role => narrowed.role_exact = one(),
            FacetField::RoleGroup => narrowed.role_group = one(),
            FacetField::Site => narrowed.site = one(),
            FacetField::Kind => narrowed.kind = vec![value.parse()?],
            FacetField::Lang => narrowed.lang = vec![value.parse()?],
            FacetField::Speaker => narrowed.speaker = one(),
            FacetField::Doc => narrowed.doc = one(),
            FacetField::Year => narrowed.year = Some(value.parse()?),
            FacetField::Attr(name) => {
                narrowed.attr.insert(name.clone(), one());
            }
        }
        Ok(narrowed)
    }

    fn validate(&self) -> Result<(), Error> {
        if self.year == Some(YearRange::default()) {
            return Err(Error::InvalidValue {
                field: "filters.year".into(),
                reason: "the range has neither a first nor a last year".into(),
                hint: Some("write 2019, 2015..2019, 2015.. or ..2019, or leave year out".into()),
            });
        }
        if let Some(YearRange {
            from: Some(from),
            to: Some(to),
        }) = self.year
            && from > to
        {
            return Err(Error::InvalidValue {
                field: "filters.year".into(),
                reason: format!("from ({from}) is after to ({to})"),
                hint: Some("swap the two years".into()),
            });
        }
        Ok(())
    }
}

/// An inclusive range of years; either end may be open.
///
/// Its text form, `2019`, `2015..2019`, `2015..` or `..2019`, is what query strings, the CLI and
/// batch files write ([`FromStr`] and [`fmt::Display`] round-trip). JSON bodies may give that
/// text, a bare year, or `{"from": 2015, "to": 2019}`; answers always use the object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct YearRange {
    /// First year included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<i32>,
    /// Last year included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<i32>,
}

impl YearRange {
    /// The range holding one year.
    pub fn year(year: i32) -> YearRange {
        YearRange {
            from: Some(year),
            to: Some(year),
        }
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |year: Option<i32>| year.map(|y| y.to_string()).unwrap_or_default();
        match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => write!(f, "{from}"),
            (from, to) => write!(f, "{}..{}", end(from), end(to)),
        }
    }
}

/// The object form of a [`YearRange`] in JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearBounds {
    #[serde(default, deserialize_with = "whole_number::deserialize_option")]
    from: Option<i32>,
    #[serde(default, deserialize_with = "whole_number::deserialize_option")]
    to: Option<i32>,
}

impl<'de> Deserialize<'de> for YearRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct YearRangeVisitor;

        impl<'de> Visitor<'de> for YearRangeVisitor {
            type Value = YearRange;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a year, a range of years such as \"2015..2019\", or {\"from\", \"to\"}",
                )
            }

            fn visit_i64<E: serde::de::Error>(self, year: i64) -> Result<YearRange, E> {
                i32::try_from(year)
                    .map(YearRange::year)
                    .map_err(|_| E::custom(format!("{year} is not a year")))
            }

            fn visit_u64<E: serde::de::Error>(self, year: u64) -> Result<YearRange, E> {
                i64::try_from(year)
                    .map_err(|_| E::custom(format!("{year} is not a year")))
                    .and_then(|year| self.visit_i64(year))
            }

            fn visit_f64<E: serde::de::Error>(self, year: f64) -> Result<YearRange, E> {
                whole_number::deserialize(serde::de::value::F64Deserializer::<E>::new(year))
                    .map(YearRange::year)
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<YearRange, E> {
                text.parse().map_err(|error| match error {
                    Error::InvalidValue {
                        reason,
                        hint: Some(hint),
                        ..
                    } => E::custom(format!("{reason}; {hint}")),
                    other => E::custom(other),
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<YearRange, A::Error> {
                let bounds =
                    YearBounds::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(YearRange {
                    from: bounds.from,
                    to: bounds.to,
                })
            }
        }

        deserializer.deserialize_any(YearRangeVisitor)
    }
}

impl FromStr for YearRange {
    type Err = Error;

    /// Parses `2019`, `2015..2019`, `2015..` or `..2019`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || Error::InvalidValue {
            field: "year".into(),
            reason: format!("{s:?} is not a year or a range of years"),
            hint: Some("write 2019, 2015..2019, 2015.. or ..2019".into()),
        };
        let year = |part: &str| -> Result<Option<i32>, Error> {
            let part = part.trim();
            if part.is_empty() {
                Ok(None)
            } else {
                part.parse().map(Some).map_err(|_| bad())
            }
        };
        match s.split_once("..") {
            Some((from, to)) => Ok(YearRange {
                from: year(from)?,
                to: year(to)?,
            }),
            None => year(s)?.map(YearRange::year).ok_or_else(bad),
        }
    }
}

/// A field whose values can be counted: a passage attribute or a participant attribute.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FacetField {
    /// Role as written.
    Role,
    /// Role group.
    RoleGroup,
    /// Site.
    Site,
    /// Document kind.
    Kind,
    /// Language.
    Lang,
    /// Speaker id.
    Speaker,
    /// Document id.
    Doc,
    /// Year of the document.
    Year,
    /// A participant attribute (a column of the participants sheet), written `attr.NAME`.
    Attr(String),
}

impl FacetField {
    /// The fixed facet fields (participant attributes come on top).
    pub const FIXED: [FacetField; 8] = [
        FacetField::Role,
        FacetField::RoleGroup,
        FacetField::Site,
        FacetField::Kind,
        FacetField::Lang,
        FacetField::Speaker,
        FacetField::Doc,
        FacetField::Year,
    ];
}

impl fmt::Display for FacetField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FacetField::Role => "role",
            FacetField::RoleGroup => "role_group",
            FacetField::Site => "site",
            FacetField::Kind => "kind",
            FacetField::Lang => "lang",
            FacetField::Speaker => "speaker",
            FacetField::Doc => "doc",
            FacetField::Year => "year",
            FacetField::Attr(name) => return write!(f, "attr.{name}"),
        })
    }
}

impl FromStr for FacetField {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(name) = s.strip_prefix("attr.") {
            if name.is_empty() {
                return Err(Error::InvalidValue {
                    field: "facets".into(),
                    reason: "\"attr.\" names no attribute".into(),
                    hint: Some("write attr.NAME with a column of the participants sheet".into()),
                });
            }
            return Ok(FacetField::Attr(name.to_string()));
        }
        FacetField::FIXED
            .into_iter()
            .find(|f| f.to_string().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let fixed = FacetField::FIXED.map(|field| field.to_string()).join(", ");
                Error::invalid_value("facets", s, &format!("{fixed}, attr.NAME"))
            })
    }
}

impl Serialize for FacetField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FacetField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        // The field's name comes from where the value stands (`by`, `facets`), so the message
        // gives only what is wrong and the fields there are.
        s.parse().map_err(|error| match error {
            Error::InvalidValue {
                reason,
                hint: Some(hint),
                ..
            } => serde::de::Error::custom(format!("{reason}; {hint}")),
            other => serde::de::Error::custom(other),
        })
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sort {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// Document id, then passage order: reads like the corpus.
    Doc,
    /// Newest document first, then document and passage order.
    Date,
}

impl Sort {
    /// Every order, the default first.
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Doc, Sort::Date];

    /// The name used in requests.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Doc => "doc",
            Sort::Date => "date",
        }
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sort {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Sort::ALL
            .into_iter()
            .find(|sort| sort.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Error::invalid_value(
                    "sort",
                    &wanted.to_ascii_lowercase(),
                    &Sort::ALL.map(Sort::as_str).join(", "),
                )
            })
    }
}

/// A filter value that no passage of the corpus holds: the request runs, and that value finds
/// nothing, which is why a search by it is empty. Said in every answer that takes filters, so a
/// typo (`role=surgeon`) is named instead of giving a silent zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnknownValue {
    /// The filter, as the query string names it: `role`, `site`, `attr.gender`.
    pub filter: String,
    /// The value asked for.
    pub value: String,
    /// The values of this filter the corpus holds (the first 100, in the index's order).
    pub held: Vec<String>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    /// The query text as received.
    pub query: String,
    /// Number of passages matching the query and filters (not just this page).
    pub total: u64,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    /// This page of hits.
    pub hits: Vec<Hit>,
    /// For each requested facet field, its values with counts over all matches, most frequent first.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Filter values the corpus holds nowhere, each with the values it holds (absent when
    /// every value is held).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<UnknownValue>,
}

/// A value of a facet field: how many matching passages have it, and how many distinct
/// participants said them, out of how many in the whole corpus ("5 of 9 GPs").
///
/// Participants are the passages' speakers (interviewers too, when the transcripts name them).
/// For fields of the participant (`role`, `role_group`, `site`, `attr.NAME`) `of` is how many
/// participants hold the value; for the others (`kind`, `lang`, `doc`, `year`) it is how many
/// speak in passages with the value, and for `speaker` both are 1. Passages without a speaker
/// (prose, unattributed quotes) count as passages but add no participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The value as written in the corpus.
    pub value: String,
    /// Number of matching passages.
    pub count: u64,
    /// Distinct speakers among the matching passages with this value.
    pub participants: u64,
    /// Distinct speakers among all passages of the corpus with this value.
    pub of: u64,
}

/// A range of characters (Unicode scalar values, end exclusive) in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// A short extract around the best match, with its own highlight ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippet {
    /// The extract; `…` marks text left out.
    pub text: String,
    /// Character ranges of matched words in `text`.
    pub highlights: Vec<Span>,
}

/// One passage as shown to users: what was said, by whom, where, and how to cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassageView {
    /// Document id.
    pub doc_id: String,
    /// Passage ordinal in the document (1-based).
    pub passage: u32,
    /// Locator used in the citation, e.g. `para 42`.
    pub locator: String,
    /// Section heading.
    pub section: Option<String>,
    /// Speaker id.
    pub speaker: Option<String>,
    /// Role as written.
    pub role: Option<String>,
    /// Role group.
    pub role_group: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Attribution tag as written, when it names no participant.
    pub attribution: Option<String>,
    /// Language of the passage.
    pub lang: Lang,
    /// The text, verbatim.
    pub text: String,
    /// Participant attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// Ready-to-paste citation, e.g. `[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42`.
    pub citation: String,
    /// Source file and line in the corpus.
    pub origin: Origin,
}

impl PassageView {
    /// The bracketed label of who said it, as citations open: `[Independent GP ID9]`.
    pub fn speaker_label(&self) -> Option<String> {
        crate::model::speaker_label(
            self.role.as_deref(),
            self.speaker.as_deref(),
            self.attribution.as_deref(),
        )
    }
}

/// A search hit: the passage, its document, why it matched, and optionally its neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    /// The passage (its fields sit at the hit's top level).
    #[serde(flatten)]
    pub passage: PassageView,
    /// Document title.
    pub title: String,
    /// Document kind.
    pub kind: Kind,
    /// Character ranges of matched words in `text`.
    pub highlights: Vec<Span>,
    /// A short extract around the best match.
    pub snippet: Snippet,
    /// Relevance score (0 when sorting by document or date, or for filter-only searches).
    pub score: f32,
    /// Id of this document's translation, if any.
    pub translation: Option<String>,
    /// Neighbouring passages, when `context` > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
}

/// Passages around a hit, in document order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Context {
    /// Up to N passages before, earliest first.
    pub before: Vec<PassageView>,
    /// Up to N passages after, in order.
    pub after: Vec<PassageView>,
}

/// A document's metadata and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentInfo {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: Kind,
    /// Main language.
    pub lang: Lang,
    /// Date as written.
    pub date: Option<String>,
    /// Year of the date.
    pub year: Option<i32>,
    /// Authors.
    pub authors: Vec<String>,
    /// Short source used in citations.
    pub source: Option<String>,
    /// Full reference.
    pub reference: Option<String>,
    /// Licence or terms of use.
    pub licence: Option<String>,
    /// DOI or web address.
    pub url: Option<String>,
    /// Id of the translation, if any.
    pub translation: Option<String>,
    /// Number of passages.
    pub passages: u32,
    /// Corpus file.
    pub file: String,
}

/// A page of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentList {
    /// Documents matching the filters.
    pub total: u64,
    /// This page, ordered by id.
    pub documents: Vec<DocumentInfo>,
}

/// Which documents to list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsRequest {
    /// Only documents of these kinds.
    #[serde(default, deserialize_with = "OneOrMany::deserialize_vec")]
    pub kind: Vec<Kind>,
    /// Only documents in these languages.
    #[serde(default, deserialize_with = "OneOrMany::deserialize_vec")]
    pub lang: Vec<Lang>,
    /// Documents per page (1 to 1000).
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// Documents to skip.
    #[serde(default)]
    pub offset: usize,
}

impl Default for DocumentsRequest {
    fn default() -> Self {
        DocumentsRequest {
            kind: Vec::new(),
            lang: Vec::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl DocumentsRequest {
    /// Checks limits, naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        check_max("limit", self.limit, MAX_LIMIT)?;
        check_max("offset", self.offset, MAX_OFFSET)
    }
}

/// A document with all its passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentDetail {
    /// Metadata.
    pub document: DocumentInfo,
    /// Every passage, in order.
    pub passages: Vec<PassageView>,
    /// How its file was read: layout, encoding, speakers and warnings (`None` for an index
    /// built before readings were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<FileReading>,
}

/// One passage with its neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassageDetail {
    /// The document's metadata.
    pub document: DocumentInfo,
    /// The passage asked for.
    pub passage: PassageView,
    /// Its neighbours.
    pub context: Context,
}

/// A participant with the number of passages attributed to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantInfo {
    /// Participant id.
    pub id: String,
    /// Role as written.
    pub role: Option<String>,
    /// Role group.
    pub role_group: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Other columns of the participants sheet.
    pub attrs: BTreeMap<String, String>,
    /// Passages attributed to this participant.
    pub passages: u64,
}

/// Size and freshness of the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Number of documents.
    pub documents: u64,
    /// Number of passages.
    pub passages: u64,
    /// Documents and passages per language (a passage's own language: a document in one
    /// language may quote passages in another).
    pub languages: BTreeMap<String, Holding>,
    /// Documents and passages per kind.
    pub kinds: BTreeMap<String, Holding>,
    /// Participants in the participants sheet.
    pub participants: u64,
    /// Size of the index on disk, in bytes.
    pub index_bytes: u64,
    /// When the index was built (RFC 3339, UTC).
    pub built_at: String,
}

/// What the index holds of one language or kind: both counts, each labelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holding {
    /// Documents with this value.
    pub documents: u64,
    /// Passages with this value.
    pub passages: u64,
}

/// Reads the attribute filters: a list of values (or one value) per attribute name.
fn attribute_filters<'de, D>(deserializer: D) -> Result<BTreeMap<String, Vec<String>>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = BTreeMap::<String, OneOrMany<String>>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(name, values)| (name, values.0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_range_needs_an_end() {
        let req: SearchRequest = serde_json::from_str(r#"{"filters":{"year":{}}}"#).unwrap();
        let error = req.validate().unwrap_err().to_string();
        assert!(error.starts_with("filters.year:"), "{error}");
        let open: YearRange = "..".parse().unwrap();
        assert_eq!(open, YearRange::default());
    }

    #[test]
    fn filters_accept_one_or_many() {
        let req: SearchRequest = serde_json::from_str(
            r#"{"q":"trust","filters":{"role":"GP","site":["site 1","site 2"],"kind":"article","attr":{"gender":"female"}},"facets":["role","attr.gender"]}"#,
        )
        .unwrap();
        assert_eq!(req.filters.role, vec!["GP"]);
        assert_eq!(req.filters.site.len(), 2);
        assert_eq!(req.filters.kind, vec![Kind::Article]);
        assert_eq!(req.filters.attr["gender"], vec!["female"]);
        assert_eq!(
            req.facets,
            vec![FacetField::Role, FacetField::Attr("gender".into())]
        );
        assert_eq!(req.limit, DEFAULT_LIMIT);
    }

    #[test]
    fn a_bad_list_value_says_what_is_accepted() {
        let err =
            serde_json::from_str::<SearchRequest>(r#"{"filters":{"kind":"memo"}}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `memo`, expected one of"),
            "{err}"
        );
        let err = serde_json::from_str::<SearchRequest>(r#"{"filters":{"site":["site 1", 3]}}"#)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("invalid type: integer `3`, expected a string"),
            "{err}"
        );
    }

    #[test]
    fn unknown_fields_and_values_are_rejected() {
        assert!(serde_json::from_str::<SearchRequest>(r#"{"q":"x","limt":5}"#).is_err());
        assert!(serde_json::from_str::<SearchRequest>(r#"{"facets":["colour"]}"#).is_err());
        assert!(serde_json::from_str::<SearchRequest>(r#"{"sort":"random"}"#).is_err());
    }

    #[test]
    fn limits_name_the_field() {
        let req = SearchRequest {
            limit: 5000,
            ..SearchRequest::new("x")
        };
        let err = req.validate().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidValue { field, .. } if field == "limit"),
            "{err}"
        );
    }

    #[test]
    fn year_ranges_round_trip_through_their_text_form() {
        for text in ["2019", "2015..2019", "2015..", "..2019", ".."] {
            let range: YearRange = text.parse().unwrap();
            assert_eq!(range.to_string(), text);
        }
        let forms = [r#"2019"#, r#""2019""#, r#"{"from": 2019, "to": 2019}"#];
        for json in forms {
            let range: YearRange = serde_json::from_str(json).unwrap();
            assert_eq!(range, YearRange::year(2019), "{json}");
        }
        assert!(serde_json::from_str::<YearRange>(r#"{"from": 1, "until": 2}"#).is_err());
        assert!(serde_json::from_str::<YearRange>(r#""soon""#).is_err());
    }

    #[test]
    fn year_ranges() {
        assert_eq!(
            "2019".parse::<YearRange>().unwrap(),
            YearRange {
                from: Some(2019),
                to: Some(2019)
            }
        );
        assert_eq!(
            "2015..".parse::<YearRange>().unwrap(),
            YearRange {
                from: Some(2015),
                to: None
            }
        );
        assert!("soon".parse::<YearRange>().is_err());
    }
}
