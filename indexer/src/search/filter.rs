//! Filters: restricting a search to roles, sites, kinds, languages, speakers, documents, years and
//! participant attributes. Values in one filter are any-of; filters combine with AND.
//!
//! A filter is not a scored query clause: it is the set of passages that pass it, a bitmap per
//! segment computed from the index's resolved columns once and then shared by every search
//! that uses it (see [`Columns::filter`]), and intersected with the query's matches.

use std::collections::BTreeSet;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use crate::analysis;
use crate::api::{Filters, UnknownValue, YearRange};
use crate::error::{Error, Result};
use crate::schema::names;
use crate::search::columns::{Column, Columns, NONE, SegmentBitmaps};

/// One filter, typed. A request's [`Filters`] becomes a list of these.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Any of these roles or role groups (case-insensitive).
    Role(Vec<String>),
    /// Any of these role groups only.
    RoleGroup(Vec<String>),
    /// Any of these roles only, not the role groups of the same name.
    RoleExact(Vec<String>),
    /// Any of these sites.
    Site(Vec<String>),
    /// Any of these document kinds.
    Kind(Vec<String>),
    /// Any of these languages.
    Lang(Vec<String>),
    /// Any of these speakers.
    Speaker(Vec<String>),
    /// Any of these documents (exact ids).
    Doc(Vec<String>),
    /// Documents dated within these years.
    Year(YearRange),
    /// Participants whose attribute `name` has any of these values.
    Attr {
        /// Column of the participants sheet.
        name: String,
        /// Accepted values.
        values: Vec<String>,
    },
}

impl Filter {
    /// The filters a request asks for, empty lists left out.
    pub fn from_request(filters: &Filters) -> Vec<Filter> {
        let mut out = Vec::new();
        let mut push = |values: Vec<String>, make: fn(Vec<String>) -> Filter| {
            if !values.is_empty() {
                out.push(make(values));
            }
        };
        push(filters.role.clone(), Filter::Role);
        push(filters.role_group.clone(), Filter::RoleGroup);
        push(filters.role_exact.clone(), Filter::RoleExact);
        push(filters.site.clone(), Filter::Site);
        push(
            filters.kind.iter().map(ToString::to_string).collect(),
            Filter::Kind,
        );
        push(
            filters.lang.iter().map(ToString::to_string).collect(),
            Filter::Lang,
        );
        push(filters.speaker.clone(), Filter::Speaker);
        push(filters.doc.clone(), Filter::Doc);
        // A range open at both ends restricts nothing (and tantivy refuses to build it).
        if let Some(range) = filters.year.filter(|r| r.from.is_some() || r.to.is_some()) {
            out.push(Filter::Year(range));
        }
        for (name, values) in &filters.attr {
            if !values.is_empty() {
                out.push(Filter::Attr {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
        out
    }

    /// The passages that pass this filter, per segment.
    ///
    /// `attributes` are the participant attributes the index knows; naming another is an error,
    /// because a typo would otherwise silently match nothing.
    pub fn passages(
        &self,
        columns: &Columns,
        attributes: &BTreeSet<String>,
    ) -> Result<Arc<SegmentBitmaps>> {
        match self {
            Filter::Role(values) => {
                let wanted = keywords(values);
                columns.filter(format!("role or role_group:{wanted:?}"), || {
                    // A role filter matches a role or a role group.
                    let role = columns.column(names::ROLE)?;
                    let group = columns.column(names::ROLE_GROUP)?;
                    let (role_ok, group_ok) = (
                        role.values_where(|v| wanted.contains(&normalize_keyword(v))),
                        group.values_where(|v| wanted.contains(&normalize_keyword(v))),
                    );
                    Ok(columns.passing(&[role, group], |ords| {
                        holds(&role_ok, ords[0]) || holds(&group_ok, ords[1])
                    }))
                })
            }
            Filter::RoleGroup(values) => keyword_filter(columns, names::ROLE_GROUP, values),
            Filter::RoleExact(values) => keyword_filter(columns, names::ROLE, values),
            Filter::Site(values) => keyword_filter(columns, names::SITE, values),
            Filter::Kind(values) => keyword_filter(columns, names::KIND, values),
            Filter::Lang(values) => keyword_filter(columns, names::LANG, values),
            Filter::Speaker(values) => keyword_filter(columns, names::SPEAKER, values),
            Filter::Doc(values) => {
                let wanted: BTreeSet<&str> = values.iter().map(String::as_str).collect();
                columns.filter(format!("doc:{wanted:?}"), || {
                    passing_values(columns, names::DOC_ID, |v| wanted.contains(v))
                })
            }
            Filter::Year(range) => columns.filter(format!("year:{range}"), || {
                let within = |year: i64| {
                    range.from.is_none_or(|from| year >= i64::from(from))
                        && range.to.is_none_or(|to| year <= i64::from(to))
                };
                passing_values(columns, names::YEAR, |v| v.parse().is_ok_and(within))
            }),
            Filter::Attr { name, values } => {
                let name = resolve_attribute(name, attributes, "filters.attr")?;
                keyword_filter(columns, &attr_column(&name), values)
            }
        }
    }
}

/// The passages passing every filter (AND), per segment, or `None` when there are none.
pub fn filters_passages(
    filters: &[Filter],
    columns: &Columns,
    attributes: &BTreeSet<String>,
) -> Result<Option<Arc<SegmentBitmaps>>> {
    let mut combined: Option<Arc<SegmentBitmaps>> = None;
    for filter in filters {
        let passages = filter.passages(columns, attributes)?;
        combined = Some(match combined {
            None => passages,
            Some(so_far) => Arc::new(
                so_far
                    .iter()
                    .zip(passages.iter())
                    .map(|(a, b)| a.and(b))
                    .collect(),
            ),
        });
    }
    Ok(combined)
}

/// A tantivy query matching the passages of per-segment bitmaps, for code that runs tantivy
/// collectors over filtered passages (the comparisons of [`crate::compare`]).
#[derive(Debug, Clone)]
pub struct PassingQuery {
    passages: Arc<SegmentBitmaps>,
    /// The segment each bitmap is of, in the searcher's order.
    segments: Arc<Vec<SegmentId>>,
}

impl PassingQuery {
    /// The query of `passages`, the bitmaps of `searcher`'s segments.
    pub fn new(passages: Arc<SegmentBitmaps>, searcher: &Searcher) -> PassingQuery {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        PassingQuery {
            passages,
            segments: Arc::new(segments),
        }
    }
}

impl Query for PassingQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PassingQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let passages = self
            .segments
            .iter()
            .position(|id| *id == reader.segment_id())
            .map(|segment| self.passages[segment].docs.clone())
            .unwrap_or_default();
        let mut docs = passages.into_iter();
        let doc = docs.next().unwrap_or(TERMINATED);
        Ok(Box::new(ConstScorer::new(BitmapDocs { docs, doc }, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not pass the filters"
            )));
        }
        Ok(Explanation::new("passes the filters", scorer.score()))
    }
}

/// The passages of a bitmap as a tantivy doc set.
struct BitmapDocs {
    docs: roaring::bitmap::IntoIter,
    doc: DocId,
}

impl DocSet for BitmapDocs {
    fn advance(&mut self) -> DocId {
        self.doc = self.docs.next().unwrap_or(TERMINATED);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.docs.advance_to(target);
            self.advance();
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

/// Most of the values held an [`UnknownValue`] lists.
const HELD_LISTED: usize = 100;

/// The values of `filters` that no passage holds, each with the values its filter's columns
/// do hold. Kinds and languages are closed lists the request's types already check; years
/// are ranges. An attribute the sheet lacks is left to [`Filter::passages`], which refuses it.
pub fn unknown_values(
    filters: &Filters,
    columns: &Columns,
    attributes: &BTreeSet<String>,
) -> Result<Vec<UnknownValue>> {
    // An attribute's column, for each attribute the sheet has.
    let attr_columns: Vec<(String, &[String], String)> = filters
        .attr
        .iter()
        .filter_map(|(asked, values)| {
            let name = resolve_attribute(asked, attributes, "filters.attr").ok()?;
            Some((
                format!("attr.{asked}"),
                values.as_slice(),
                attr_column(&name),
            ))
        })
        .collect();
    let mut checks: Vec<(String, &[String], Vec<&str>)> = vec![
        (
            "role".into(),
            &filters.role,
            vec![names::ROLE_GROUP, names::ROLE],
        ),
        (
            "role_group".into(),
            &filters.role_group,
            vec![names::ROLE_GROUP],
        ),
        ("role_exact".into(), &filters.role_exact, vec![names::ROLE]),
        ("site".into(), &filters.site, vec![names::SITE]),
        ("speaker".into(), &filters.speaker, vec![names::SPEAKER]),
        ("doc".into(), &filters.doc, vec![names::DOC_ID]),
    ];
    for (filter, values, column) in &attr_columns {
        checks.push((filter.clone(), values, vec![column.as_str()]));
    }
    let mut unknown = Vec::new();
    for (filter, values, column_names) in checks {
        if values.is_empty() {
            continue;
        }
        let mut held: Vec<String> = Vec::new();
        for name in column_names {
            for value in &columns.column(name)?.values {
                if !held.contains(value) {
                    held.push(value.clone());
                }
            }
        }
        // Documents are named by their exact id; every other filter compares as keywords do.
        let normal = |value: &str| match filter.as_str() {
            "doc" => value.to_string(),
            _ => normalize_keyword(value),
        };
        let known: BTreeSet<String> = held.iter().map(|value| normal(value)).collect();
        for value in values {
            if !known.contains(&normal(value)) {
                unknown.push(UnknownValue {
                    filter: filter.clone(),
                    value: value.clone(),
                    held: held.iter().take(HELD_LISTED).cloned().collect(),
                });
            }
        }
    }
    Ok(unknown)
}

/// A filter on a keyword column: any of `values`, compared as indexed (case-insensitively).
fn keyword_filter(
    columns: &Columns,
    column: &str,
    values: &[String],
) -> Result<Arc<SegmentBitmaps>> {
    let wanted = keywords(values);
    columns.filter(format!("{column}:{wanted:?}"), || {
        passing_values(columns, column, |v| wanted.contains(&normalize_keyword(v)))
    })
}

/// The passages whose value in `column` passes `keep`.
fn passing_values(
    columns: &Columns,
    column: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<SegmentBitmaps> {
    let column: Arc<Column> = columns.column(column)?;
    let wanted = column.values_where(keep);
    Ok(columns.passing(&[column], |ords| holds(&wanted, ords[0])))
}

/// Whether value number `ord` is one of the `wanted` (no value never is).
fn holds(wanted: &[bool], ord: u32) -> bool {
    ord != NONE && wanted[ord as usize]
}

/// Filter values normalised as keyword fields are, deduplicated and ordered (a cache key).
fn keywords(values: &[String]) -> BTreeSet<String> {
    values.iter().map(|v| normalize_keyword(v)).collect()
}

/// Finds an attribute by name, case-insensitively, or says which ones exist.
pub fn resolve_attribute(name: &str, attributes: &BTreeSet<String>, field: &str) -> Result<String> {
    let wanted = name.trim().to_lowercase().replace(' ', "_");
    attributes
        .get(&wanted)
        .cloned()
        .ok_or_else(|| Error::InvalidValue {
            field: format!("{field}.{name}"),
            reason: format!("{name:?} is not a column of the participants sheet"),
            hint: Some(if attributes.is_empty() {
                "this corpus's participants sheet has no attribute columns".to_string()
            } else {
                format!(
                    "use one of: {}",
                    attributes.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            }),
        })
}

/// Runs the keyword analyzer (lowercasing), so a filter value and a corpus value compare the way
/// the exports' engines compare them (their keyword normalizer is the same).
pub fn normalize_keyword(value: &str) -> String {
    let mut analyzer = analysis::keyword_analyzer();
    let mut stream = analyzer.token_stream(value);
    let mut out = String::new();
    while let Some(token) = stream.next() {
        out.push_str(&token.text);
    }
    out
}

/// Fast-field column name of an attribute.
pub fn attr_column(name: &str) -> String {
    format!("{}.{name}", names::ATTRS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn request_filters_become_typed_filters() {
        let filters = Filters {
            role: vec!["GP".into()],
            kind: vec![Kind::Interview],
            year: Some(YearRange {
                from: Some(2015),
                to: None,
            }),
            ..Filters::default()
        };
        assert_eq!(
            Filter::from_request(&filters),
            vec![
                Filter::Role(vec!["GP".into()]),
                Filter::Kind(vec!["interview".into()]),
                Filter::Year(YearRange {
                    from: Some(2015),
                    to: None
                }),
            ]
        );
    }

    #[test]
    fn a_year_range_open_at_both_ends_is_no_filter() {
        let filters = Filters {
            year: Some(YearRange::default()),
            ..Filters::default()
        };
        assert_eq!(Filter::from_request(&filters), vec![]);
    }

    #[test]
    fn unknown_attributes_name_the_known_ones() {
        let known = BTreeSet::from(["gender".to_string(), "years_in_post".to_string()]);
        assert_eq!(
            resolve_attribute("Years in post", &known, "filters.attr").unwrap(),
            "years_in_post"
        );
        let err = resolve_attribute("colour", &known, "filters.attr").unwrap_err();
        match err {
            Error::InvalidValue { field, hint, .. } => {
                assert_eq!(field, "filters.attr.colour");
                assert!(hint.unwrap().contains("gender, years_in_post"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
