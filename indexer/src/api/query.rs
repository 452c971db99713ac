//! The query-string form of the requests that `GET` routes take (`?q=trust&role=GP&facets=role,site`):
//! one codec, read by the server and written by the CLI, with the parameter list the OpenAPI
//! document is built from.
//!
//! A list parameter is repeated to mean any-of (`role=GP&role=manager`). Names from a closed set
//! (`facets`, `kind`, `lang`) may also be comma-separated (`facets=role,site`); values written by
//! researchers (roles, sites, speakers, attributes) are taken whole, because they may contain
//! commas. A blank value counts as absent, as an empty field of an HTML form does. Participant
//! attributes are `attr.NAME=VALUE`. Every error names the parameter, and a parameter that is not
//! recognised is an error rather than silently ignored (a typo like `rol=GP` would otherwise
//! return unfiltered results).

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::api::{
    DocumentsRequest, FacetField, Filters, MAX_CONTEXT, MAX_LIMIT, MAX_OFFSET, SearchRequest, Sort,
};
use crate::error::{Error, Result};
use crate::model::{Kind, Lang};

/// Query-string pairs in order, repeated names kept.
pub type QueryPairs = Vec<(String, String)>;

/// The prefix of participant-attribute parameters (`attr.gender=female`).
pub const ATTR_PREFIX: &str = "attr.";

/// A request that `GET` routes read from the query string.
pub trait QueryForm: Sized {
    /// Every parameter accepted, in the order errors and the OpenAPI document list them.
    fn params() -> Vec<Param>;

    /// Reads the request from the parameters, consuming those it knows.
    fn read(params: &mut QueryReader) -> Result<Self>;

    /// Appends the parameters that give this request back.
    fn write(&self, pairs: &mut QueryPairs);

    /// The request these pairs describe; an unknown parameter is an error listing the accepted ones.
    fn from_query(pairs: QueryPairs) -> Result<Self> {
        let mut reader = QueryReader(pairs);
        let request = Self::read(&mut reader)?;
        reader.finish(&Self::params())?;
        Ok(request)
    }

    /// The pairs that give this request back through [`QueryForm::from_query`].
    fn to_query(&self) -> QueryPairs {
        let mut pairs = Vec::new();
        self.write(&mut pairs);
        pairs
    }
}

/// One query-string parameter: its name, how it is written, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The name (`attr.NAME` for participant attributes).
    pub name: &'static str,
    /// How values are written.
    pub shape: ParamShape,
    /// One line for the API documentation.
    pub description: &'static str,
}

/// How a parameter's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamShape {
    /// Free text, at most once.
    Text,
    /// Values written by researchers, repeated for any-of, each taken whole.
    Values,
    /// Names from a closed set, repeated or comma-separated, case-insensitive.
    Names(NameSet),
    /// One name from a closed set, case-insensitive.
    Choice(NameSet),
    /// A whole number from 0 to `max`, at most once.
    Count {
        /// The largest value accepted.
        max: usize,
    },
    /// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`), at most once.
    Flag,
    /// A year or a range of years in [`YearRange`](crate::api::YearRange)'s text form, at most once.
    Years,
    /// `attr.NAME=VALUE`, NAME a column of the participants sheet; repeated for any-of.
    Attribute,
}

/// A closed set of names a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSet {
    /// Document kinds.
    Kinds,
    /// Languages (regional tags such as `zh-CN` are read as their language).
    Langs,
    /// Facet fields, `attr.NAME` included.
    FacetFields,
    /// Orders of hits.
    Sorts,
}

impl NameSet {
    /// The names as written in answers (the fixed ones, for facet fields).
    pub fn names(self) -> Vec<String> {
        match self {
            NameSet::Kinds => Kind::ALL.map(|kind| kind.to_string()).to_vec(),
            NameSet::Langs => Lang::ALL.map(|lang| lang.to_string()).to_vec(),
            NameSet::FacetFields => FacetField::FIXED.map(|field| field.to_string()).to_vec(),
            NameSet::Sorts => Sort::ALL.map(|sort| sort.to_string()).to_vec(),
        }
    }
}

const Q: Param = Param {
    name: "q",
    shape: ParamShape::Text,
    description: "Query text: words (all must match), \"exact phrase\", OR, -exclude, prefix*; \
                  empty matches every passage",
};

const KIND: Param = Param {
    name: "kind",
    shape: ParamShape::Names(NameSet::Kinds),
    description: "Document kinds (repeat or comma-separate for any-of)",
};

const LANG: Param = Param {
    name: "lang",
    shape: ParamShape::Names(NameSet::Langs),
    description: "Languages: en, zh (repeat or comma-separate for any-of)",
};

const FILTER_PARAMS: [Param; 10] = [
    Param {
        name: "role",
        shape: ParamShape::Values,
        description: "Roles or role groups, case-insensitive (repeat for any-of)",
    },
    Param {
        name: "role_group",
        shape: ParamShape::Values,
        description: "Role groups only, case-insensitive (repeat for any-of)",
    },
    Param {
        name: "role_exact",
        shape: ParamShape::Values,
        description: "Roles only, without the members of a role group of the same name, \
                      case-insensitive (repeat for any-of)",
    },
    Param {
        name: "site",
        shape: ParamShape::Values,
        description: "Sites (repeat for any-of)",
    },
    KIND,
    LANG,
    Param {
        name: "speaker",
        shape: ParamShape::Values,
        description: "Speaker ids (repeat for any-of)",
    },
    Param {
        name: "doc",
        shape: ParamShape::Values,
        description: "Document ids (repeat for any-of)",
    },
    Param {
        name: "year",
        shape: ParamShape::Years,
        description: "Years of the document's date: 2019, 2015..2019, 2015.. or ..2019",
    },
    Param {
        name: "attr.NAME",
        shape: ParamShape::Attribute,
        description: "A participant attribute, e.g. attr.gender=female (repeat for any-of)",
    },
];

const SEARCH_PARAMS: [Param; 6] = [
    Param {
        name: "facets",
        shape: ParamShape::Names(NameSet::FacetFields),
        description: "Fields to count over all matches, repeated or comma-separated: role, \
                      role_group, site, kind, lang, speaker, doc, year, attr.NAME",
    },
    Param {
        name: "limit",
        shape: ParamShape::Count { max: MAX_LIMIT },
        description: "Hits per page (default 20; 0 for the total and facets only)",
    },
    Param {
        name: "offset",
        shape: ParamShape::Count { max: MAX_OFFSET },
        description: "Hits to skip",
    },
    Param {
        name: "sort",
        shape: ParamShape::Choice(NameSet::Sorts),
        description: "Order of hits: relevance (default), doc or date",
    },
    Param {
        name: "context",
        shape: ParamShape::Count { max: MAX_CONTEXT },
        description: "Passages before and after each hit",
    },
    Param {
        name: "highlight",
        shape: ParamShape::Flag,
        description: "Compute highlights and snippets (default true)",
    },
];

const DOCUMENTS_PARAMS: [Param; 4] = [
    KIND,
    LANG,
    Param {
        name: "limit",
        shape: ParamShape::Count { max: MAX_LIMIT },
        description: "Documents per page (default 20)",
    },
    Param {
        name: "offset",
        shape: ParamShape::Count { max: MAX_OFFSET },
        description: "Documents to skip",
    },
];

const PASSAGE_PARAMS: [Param; 1] = [Param {
    name: "context",
    shape: ParamShape::Count { max: MAX_CONTEXT },
    description: "Passages before and after (default 0)",
}];

/// The query text and filters that select the passages a facet counts (`GET /v1/facets/{field}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetQuery {
    /// Only passages matching this query (every passage when empty).
    pub q: String,
    /// Only passages passing these filters.
    pub filters: Filters,
}

impl FacetQuery {
    /// Checks the query's length and the filters, naming the offending field.
    pub fn validate(&self) -> Result<()> {
        SearchRequest {
            q: self.q.clone(),
            filters: self.filters.clone(),
            ..SearchRequest::default()
        }
        .validate()
    }
}

/// The options of one passage (`GET /v1/documents/{id}/passages/{n}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassageQuery {
    /// Passages to include before and after it.
    pub context: usize,
}

impl QueryForm for Filters {
    fn params() -> Vec<Param> {
        FILTER_PARAMS.to_vec()
    }

    fn read(params: &mut QueryReader) -> Result<Self> {
        Ok(Filters {
            role: params.values("role"),
            role_group: params.values("role_group"),
            role_exact: params.values("role_exact"),
            site: params.values("site"),
            kind: params.names("kind")?,
            lang: params.names("lang")?,
            speaker: params.values("speaker"),
            doc: params.values("doc"),
            year: params.parsed("year")?,
            attr: params.attributes()?,
        })
    }

    fn write(&self, pairs: &mut QueryPairs) {
        push_all(pairs, "role", &self.role);
        push_all(pairs, "role_group", &self.role_group);
        push_all(pairs, "role_exact", &self.role_exact);
        push_all(pairs, "site", &self.site);
        push_all(pairs, "kind", &self.kind);
        push_all(pairs, "lang", &self.lang);
        push_all(pairs, "speaker", &self.speaker);
        push_all(pairs, "doc", &self.doc);
        push_all(pairs, "year", &self.year);
        for (name, values) in &self.attr {
            push_all(pairs, &format!("{ATTR_PREFIX}{name}"), values);
        }
    }
}

impl QueryForm for SearchRequest {
    fn params() -> Vec<Param> {
        [&[Q][..], &SEARCH_PARAMS, &FILTER_PARAMS].concat()
    }

    fn read(params: &mut QueryReader) -> Result<Self> {
        let defaults = SearchRequest::default();
        Ok(SearchRequest {
            q: params.single("q")?.unwrap_or_default(),
            filters: Filters::read(params)?,
            facets: params.names("facets")?,
            limit: params.count("limit")?.unwrap_or(defaults.limit),
            offset: params.count("offset")?.unwrap_or(defaults.offset),
            sort: params.parsed("sort")?.unwrap_or(defaults.sort),
            context: params.count("context")?.unwrap_or(defaults.context),
            highlight: params.flag("highlight")?.unwrap_or(defaults.highlight),
        })
    }

    fn write(&self, pairs: &mut QueryPairs) {
        let defaults = SearchRequest::default();
        push_unless(pairs, "q", &self.q, &defaults.q);
        self.filters.write(pairs);
        push_all(pairs, "facets", &self.facets);
        push_unless(pairs, "limit", &self.limit, &defaults.limit);
        push_unless(pairs, "offset", &self.offset, &defaults.offset);
        push_unless(pairs, "sort", &self.sort, &defaults.sort);
        push_unless(pairs, "context", &self.context, &defaults.context);
        push_unless(pairs, "highlight", &self.highlight, &defaults.highlight);
    }
}

impl QueryForm for FacetQuery {
    fn params() -> Vec<Param> {
        [&[Q][..], &FILTER_PARAMS].concat()
    }

    fn read(params: &mut QueryReader) -> Result<Self> {
        Ok(FacetQuery {
            q: params.single("q")?.unwrap_or_default(),
            filters: Filters::read(params)?,
        })
    }

    fn write(&self, pairs: &mut QueryPairs) {
        push_unless(pairs, "q", &self.q, &String::new());
        self.filters.write(pairs);
    }
}

impl QueryForm for DocumentsRequest {
    fn params() -> Vec<Param> {
        DOCUMENTS_PARAMS.to_vec()
    }

    fn read(params: &mut QueryReader) -> Result<Self> {
        let defaults = DocumentsRequest::default();
        Ok(DocumentsRequest {
            kind: params.names("kind")?,
            lang: params.names("lang")?,
            limit: params.count("limit")?.unwrap_or(defaults.limit),
            offset: params.count("offset")?.unwrap_or(defaults.offset),
        })
    }

    fn write(&self, pairs: &mut QueryPairs) {
        let defaults = DocumentsRequest::default();
        push_all(pairs, "kind", &self.kind);
        push_all(pairs, "lang", &self.lang);
        push_unless(pairs, "limit", &self.limit, &defaults.limit);
        push_unless(pairs, "offset", &self.offset, &defaults.offset);
    }
}

impl QueryForm for PassageQuery {
    fn params() -> Vec<Param> {
        PASSAGE_PARAMS.to_vec()
    }

    fn read(params: &mut QueryReader) -> Result<Self> {
        Ok(PassageQuery {
            context: params.count("context")?.unwrap_or(0),
        })
    }

    fn write(&self, pairs: &mut QueryPairs) {
        push_unless(pairs, "context", &self.context, &0);
    }
}

fn push_all<'a, T: ToString + 'a>(
    pairs: &mut QueryPairs,
    name: &str,
    values: impl IntoIterator<Item = &'a T>,
) {
    pairs.extend(
        values
            .into_iter()
            .map(|value| (name.to_string(), value.to_string())),
    );
}

fn push_unless<T: ToString + PartialEq>(
    pairs: &mut QueryPairs,
    name: &str,
    value: &T,
    default: &T,
) {
    if value != default {
        pairs.push((name.to_string(), value.to_string()));
    }
}

/// The pairs not yet read; each accessor takes the pairs it reads.
#[derive(Debug)]
pub struct QueryReader(QueryPairs);

impl QueryReader {
    fn take(&mut self, name: &str) -> Vec<String> {
        let (taken, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(key, _)| key == name);
        self.0 = rest;
        taken.into_iter().map(|(_, value)| value).collect()
    }

    /// Every value of a repeated parameter, whole.
    fn values(&mut self, name: &str) -> Vec<String> {
        whole_values(self.take(name))
    }

    /// Every name of a repeated or comma-separated parameter, parsed.
    fn names<T: FromStr<Err = Error>>(&mut self, name: &str) -> Result<Vec<T>> {
        let values = self.take(name);
        let split = values.iter().flat_map(|value| value.split(','));
        whole_values(split.map(String::from))
            .iter()
            .map(|value| value.parse())
            .collect()
    }

    /// The value of a parameter given at most once, as sent (the query text keeps its spaces).
    fn single(&mut self, name: &str) -> Result<Option<String>> {
        let mut values = self.take(name);
        if values.len() > 1 {
            return Err(invalid(
                name,
                format!("given {} times", values.len()),
                format!("give `{name}` once"),
            ));
        }
        Ok(values.pop().filter(|value| !value.trim().is_empty()))
    }

    fn parsed<T: FromStr<Err = Error>>(&mut self, name: &str) -> Result<Option<T>> {
        self.single(name)?.map(|value| value.parse()).transpose()
    }

    fn count(&mut self, name: &str) -> Result<Option<usize>> {
        self.single(name)?
            .map(|value| {
                value.trim().parse().map_err(|_| {
                    invalid(
                        name,
                        format!("{value:?} is not a whole number"),
                        "use digits only, e.g. 20",
                    )
                })
            })
            .transpose()
    }

    fn flag(&mut self, name: &str) -> Result<Option<bool>> {
        self.single(name)?
            .map(|value| match value.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(invalid(
                    name,
                    format!("{value:?} is not true or false"),
                    "use true or false",
                )),
            })
            .transpose()
    }

    /// `attr.NAME=VALUE` parameters, by attribute name.
    fn attributes(&mut self) -> Result<BTreeMap<String, Vec<String>>> {
        let (taken, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(key, _)| key.starts_with(ATTR_PREFIX));
        self.0 = rest;
        let mut attrs = BTreeMap::<String, Vec<String>>::new();
        for (key, value) in taken {
            let name = &key[ATTR_PREFIX.len()..];
            if name.is_empty() {
                return Err(invalid(
                    ATTR_PREFIX,
                    "names no attribute",
                    "write attr.NAME=VALUE with a column of the participants sheet",
                ));
            }
            attrs
                .entry(name.to_string())
                .or_default()
                .extend(whole_values(vec![value]));
        }
        attrs.retain(|_, values| !values.is_empty());
        Ok(attrs)
    }

    /// Fails on the first parameter nobody read.
    fn finish(self, accepted: &[Param]) -> Result<()> {
        match self.0.into_iter().next() {
            None => Ok(()),
            Some((name, _)) => {
                let names: Vec<&str> = accepted.iter().map(|param| param.name).collect();
                Err(invalid(
                    &name,
                    "unknown parameter",
                    format!("accepted parameters: {}", names.join(", ")),
                ))
            }
        }
    }
}

/// Values trimmed, blanks dropped.
fn whole_values(values: impl IntoIterator<Item = String>) -> Vec<String> {
    values
        .into_iter()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .collect()
}

fn invalid(field: &str, reason: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::InvalidValue {
        field: field.to_string(),
        reason: reason.into(),
        hint: Some(hint.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::YearRange;

    fn pairs(query: &[(&str, &str)]) -> QueryPairs {
        query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn error_of<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error @ Error::InvalidValue { .. }) => {
                let Error::InvalidValue { hint, .. } = &error else {
                    unreachable!()
                };
                format!("{error} (hint: {})", hint.as_deref().unwrap_or_default())
            }
            Err(other) => panic!("expected an invalid value, got {other:?}"),
        }
    }

    #[test]
    fn lists_are_repeated_and_closed_sets_may_be_comma_separated() {
        let request = SearchRequest::from_query(pairs(&[
            ("q", "trust"),
            ("role", "GP"),
            ("role", "manager"),
            ("site", "Leeds, West"),
            ("kind", "interview,abstract"),
            ("facets", "role,attr.gender"),
            ("attr.gender", "female"),
            ("year", "2015..2019"),
        ]))
        .unwrap();
        assert_eq!(request.q, "trust");
        assert_eq!(request.filters.role, vec!["GP", "manager"]);
        // A researcher's value keeps its comma.
        assert_eq!(request.filters.site, vec!["Leeds, West"]);
        assert_eq!(request.filters.kind, vec![Kind::Interview, Kind::Abstract]);
        assert_eq!(
            request.facets,
            vec![FacetField::Role, FacetField::Attr("gender".into())]
        );
        assert_eq!(request.filters.attr["gender"], vec!["female"]);
        assert_eq!(
            request.filters.year,
            Some(YearRange {
                from: Some(2015),
                to: Some(2019)
            })
        );
        assert_eq!(request.limit, SearchRequest::default().limit);
    }

    #[test]
    fn paging_sort_and_flags() {
        let request = SearchRequest::from_query(pairs(&[
            ("limit", "5"),
            ("offset", "10"),
            ("sort", "date"),
            ("context", "2"),
            ("highlight", "false"),
            ("role", ""),
            ("q", " "),
        ]))
        .unwrap();
        assert_eq!((request.limit, request.offset, request.context), (5, 10, 2));
        assert_eq!(request.sort, Sort::Date);
        assert!(!request.highlight);
        assert!(
            request.filters.role.is_empty() && request.q.is_empty(),
            "a blank value is no value"
        );
    }

    #[test]
    fn errors_name_the_parameter() {
        let search = |query: &[(&str, &str)]| error_of(SearchRequest::from_query(pairs(query)));
        assert!(search(&[("limit", "ten")]).starts_with("limit: "));
        assert!(search(&[("kind", "memo")]).starts_with("kind: "));
        assert!(search(&[("year", "soon")]).starts_with("year: "));
        assert!(search(&[("q", "a"), ("q", "b")]).starts_with("q: given 2 times"));
        assert!(search(&[("highlight", "maybe")]).starts_with("highlight: "));
        assert!(search(&[("attr.", "x")]).starts_with("attr.: names no attribute"));
        assert_eq!(
            search(&[("rol", "GP")]),
            "rol: unknown parameter (hint: accepted parameters: q, facets, limit, offset, sort, \
             context, highlight, role, role_group, role_exact, site, kind, lang, speaker, doc, year, attr.NAME)"
        );
    }

    #[test]
    fn facet_document_and_passage_parameters() {
        let facets = FacetQuery::from_query(pairs(&[("q", "trust"), ("role", "GP")])).unwrap();
        assert_eq!(
            (facets.q.as_str(), facets.filters.role.as_slice()),
            ("trust", &["GP".to_string()][..])
        );
        assert!(
            error_of(FacetQuery::from_query(pairs(&[("limit", "5")])))
                .starts_with("limit: unknown parameter (hint: accepted parameters: q, role,")
        );
        let documents =
            DocumentsRequest::from_query(pairs(&[("lang", "zh"), ("limit", "3")])).unwrap();
        assert_eq!(
            (documents.lang.as_slice(), documents.limit),
            (&[Lang::Zh][..], 3)
        );
        assert!(
            error_of(DocumentsRequest::from_query(pairs(&[("q", "x")])))
                .starts_with("q: unknown parameter")
        );
        let passage = PassageQuery::from_query(pairs(&[("context", "3")])).unwrap();
        assert_eq!(passage.context, 3);
    }

    #[test]
    fn requests_round_trip_through_their_query_form() {
        let mut filters = Filters {
            role: vec!["GP".into(), "Lay member".into()],
            role_group: vec!["manager".into()],
            role_exact: vec!["Manager".into()],
            site: vec!["Leeds, West".into()],
            kind: vec![Kind::Interview, Kind::Article],
            lang: vec![Lang::Zh],
            speaker: vec!["ID9".into()],
            doc: vec!["mcdermott-2019".into()],
            year: Some(YearRange {
                from: None,
                to: Some(2019),
            }),
            ..Filters::default()
        };
        filters
            .attr
            .insert("gender".into(), vec!["female".into(), "male".into()]);
        let search = SearchRequest {
            q: "\"primary care\" trust*".into(),
            filters: filters.clone(),
            facets: vec![FacetField::RoleGroup, FacetField::Attr("gender".into())],
            limit: 5,
            offset: 10,
            sort: Sort::Date,
            context: 2,
            highlight: false,
        };
        assert_eq!(
            SearchRequest::from_query(search.to_query()).unwrap(),
            search
        );
        let defaults = SearchRequest::default();
        assert_eq!(defaults.to_query(), Vec::new());
        assert_eq!(SearchRequest::from_query(Vec::new()).unwrap(), defaults);
        let facets = FacetQuery {
            q: "trust".into(),
            filters,
        };
        assert_eq!(FacetQuery::from_query(facets.to_query()).unwrap(), facets);
        let documents = DocumentsRequest {
            kind: vec![Kind::Report],
            lang: vec![Lang::En, Lang::Zh],
            limit: 3,
            offset: 1,
        };
        assert_eq!(
            DocumentsRequest::from_query(documents.to_query()).unwrap(),
            documents
        );
        let passage = PassageQuery { context: 4 };
        assert_eq!(
            PassageQuery::from_query(passage.to_query()).unwrap(),
            passage
        );
    }

    #[test]
    fn every_listed_parameter_is_read() {
        for (params, read) in [
            (
                SearchRequest::params(),
                (|p| SearchRequest::from_query(p).map(drop)) as fn(QueryPairs) -> Result<()>,
            ),
            (FacetQuery::params(), |p| {
                FacetQuery::from_query(p).map(drop)
            }),
            (DocumentsRequest::params(), |p| {
                DocumentsRequest::from_query(p).map(drop)
            }),
            (PassageQuery::params(), |p| {
                PassageQuery::from_query(p).map(drop)
            }),
        ] {
            for param in params {
                let name = param.name.replace("NAME", "gender");
                read(vec![(name.clone(), String::new())])
                    .unwrap_or_else(|e| panic!("{name} is listed but not read: {e}"));
            }
        }
    }
}
