//! Filters: restricting a search to roles, sites, kinds, languages, speakers, documents, years and
//! participant attributes. Values in one filter are any-of; filters combine with AND.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis;
use crate::api::{Filters, YearRange};
use crate::error::{Error, Result};
use crate::schema::{Fields, names};

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

    /// The query matching passages that pass this filter.
    ///
    /// `attributes` are the participant attributes the index knows; naming another is an error,
    /// because a typo would otherwise silently match nothing.
    pub fn to_query(
        &self,
        fields: Fields,
        attributes: &BTreeSet<String>,
    ) -> Result<Box<dyn Query>> {
        let query: Box<dyn Query> = match self {
            Filter::Role(values) => any_of(values.iter().flat_map(|v| {
                [
                    keyword_term(fields.role, v),
                    keyword_term(fields.role_group, v),
                ]
            })),
            Filter::RoleGroup(values) => {
                any_of(values.iter().map(|v| keyword_term(fields.role_group, v)))
            }
            Filter::RoleExact(values) => {
                any_of(values.iter().map(|v| keyword_term(fields.role, v)))
            }
            Filter::Site(values) => any_of(values.iter().map(|v| keyword_term(fields.site, v))),
            Filter::Kind(values) => any_of(values.iter().map(|v| keyword_term(fields.kind, v))),
            Filter::Lang(values) => any_of(values.iter().map(|v| keyword_term(fields.lang, v))),
            Filter::Speaker(values) => {
                any_of(values.iter().map(|v| keyword_term(fields.speaker, v)))
            }
            Filter::Doc(values) => any_of(
                values
                    .iter()
                    .map(|v| Term::from_field_text(fields.doc_id, v)),
            ),
            Filter::Year(range) => Box::new(RangeQuery::new(
                year_bound(fields.year, range.from),
                year_bound(fields.year, range.to),
            )),
            Filter::Attr { name, values } => {
                let name = resolve_attribute(name, attributes, "filters.attr")?;
                any_of(values.iter().map(|v| attr_term(fields.attrs, &name, v)))
            }
        };
        Ok(query)
    }
}

/// All filters as one query (AND), or `None` when there are none.
pub fn filters_query(
    filters: &[Filter],
    fields: Fields,
    attributes: &BTreeSet<String>,
) -> Result<Option<Box<dyn Query>>> {
    if filters.is_empty() {
        return Ok(None);
    }
    let clauses = filters
        .iter()
        .map(|f| Ok((Occur::Must, f.to_query(fields, attributes)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Box::new(BooleanQuery::new(clauses))))
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

fn any_of(terms: impl IntoIterator<Item = Term>) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|term| {
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// The term a keyword field holds for a value: normalised exactly as at indexing.
fn keyword_term(field: Field, value: &str) -> Term {
    Term::from_field_text(field, &normalize_keyword(value))
}

fn attr_term(field: Field, name: &str, value: &str) -> Term {
    let mut term = Term::from_field_json_path(field, name, false);
    term.append_type_and_str(&normalize_keyword(value));
    term
}

/// Runs the keyword analyzer, so filters and indexing can never disagree on case or spacing.
pub fn normalize_keyword(value: &str) -> String {
    let mut analyzer = analysis::keyword_analyzer();
    let mut stream = analyzer.token_stream(value);
    let mut out = String::new();
    while let Some(token) = stream.next() {
        out.push_str(&token.text);
    }
    out
}

fn year_bound(field: Field, year: Option<i32>) -> Bound<Term> {
    match year {
        Some(y) => Bound::Included(Term::from_field_i64(field, i64::from(y))),
        None => Bound::Unbounded,
    }
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
