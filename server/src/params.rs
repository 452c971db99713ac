//! Query-string parameters (`GET /v1/search?q=trust&role=GP&facets=role,site`) turned into the
//! API types the engine takes, so curl and browsers get what `POST /v1/search` offers.
//!
//! A list parameter is repeated to mean any-of (`role=GP&role=manager`). Lists of names from a
//! closed set (`facets`, `kind`, `lang`) may also be comma-separated (`facets=role,site`); values
//! written by researchers (roles, sites, speakers, attributes) are taken whole, because they may
//! contain commas. Participant attributes are `attr.NAME=VALUE`. Every
//! error names the parameter, and a parameter that is not recognised is an error rather than
//! silently ignored (a typo like `rol=GP` would otherwise return unfiltered results).

use std::collections::BTreeMap;
use std::str::FromStr;

use indexer::api::{
    DocumentsRequest, FacetField, Filters, MAX_CONTEXT, SearchRequest, Sort, YearRange,
};
use indexer::model::{Kind, Lang};

use crate::error::ApiError;

const FILTER_PARAMS: [&str; 8] = [
    "role",
    "site",
    "kind",
    "lang",
    "speaker",
    "doc",
    "year",
    "attr.NAME",
];
const ATTR_PREFIX: &str = "attr.";

/// `GET /v1/search` parameters as a search request.
pub fn search_request(pairs: Vec<(String, String)>) -> Result<SearchRequest, ApiError> {
    let mut params = Params(pairs);
    let defaults = SearchRequest::default();
    let request = SearchRequest {
        q: params.single("q")?.unwrap_or_default(),
        filters: filters(&mut params)?,
        facets: params.parsed_list::<FacetField>("facets")?,
        limit: params.number("limit")?.unwrap_or(defaults.limit),
        offset: params.number("offset")?.unwrap_or(defaults.offset),
        sort: params.parsed::<Sort>("sort")?.unwrap_or(defaults.sort),
        context: params.number("context")?.unwrap_or(defaults.context),
        highlight: params.boolean("highlight")?.unwrap_or(defaults.highlight),
    };
    let mut accepted = vec![
        "q",
        "facets",
        "limit",
        "offset",
        "sort",
        "context",
        "highlight",
    ];
    accepted.extend(FILTER_PARAMS);
    params.finish(&accepted)?;
    Ok(request)
}

/// `GET /v1/facets/{field}` parameters: the query text and filters that select the passages counted.
pub fn facet_request(pairs: Vec<(String, String)>) -> Result<SearchRequest, ApiError> {
    let mut params = Params(pairs);
    let request = SearchRequest {
        q: params.single("q")?.unwrap_or_default(),
        filters: filters(&mut params)?,
        ..SearchRequest::default()
    };
    let mut accepted = vec!["q"];
    accepted.extend(FILTER_PARAMS);
    params.finish(&accepted)?;
    Ok(request)
}

/// `GET /v1/documents` parameters.
pub fn documents_request(pairs: Vec<(String, String)>) -> Result<DocumentsRequest, ApiError> {
    let mut params = Params(pairs);
    let defaults = DocumentsRequest::default();
    let request = DocumentsRequest {
        kind: params.parsed_list::<Kind>("kind")?,
        lang: params.parsed_list::<Lang>("lang")?,
        limit: params.number("limit")?.unwrap_or(defaults.limit),
        offset: params.number("offset")?.unwrap_or(defaults.offset),
    };
    params.finish(&["kind", "lang", "limit", "offset"])?;
    Ok(request)
}

/// The `context` parameter of `GET /v1/documents/{id}/passages/{n}` (0 when absent).
pub fn passage_context(pairs: Vec<(String, String)>) -> Result<usize, ApiError> {
    let mut params = Params(pairs);
    let context = params.number("context")?.unwrap_or(0);
    params.finish(&["context"])?;
    if context > MAX_CONTEXT {
        return Err(ApiError::invalid_value(
            "context",
            format!("{context} is above the maximum of {MAX_CONTEXT}"),
            format!("use a value from 0 to {MAX_CONTEXT}"),
        ));
    }
    Ok(context)
}

/// A passage number from the path: a whole number from 1.
pub fn passage_number(raw: &str) -> Result<u32, ApiError> {
    raw.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        ApiError::invalid_value(
            "n",
            format!("{raw:?} is not a passage number"),
            "passages are numbered from 1; see GET /v1/documents/{id} for a document's passages",
        )
    })
}

/// A facet field from the path, e.g. `role` or `attr.gender`.
pub fn facet_field(raw: &str) -> Result<FacetField, ApiError> {
    raw.parse::<FacetField>().map_err(|error| match error {
        indexer::Error::InvalidValue { reason, hint, .. } => ApiError::invalid_value(
            "field",
            reason,
            hint.unwrap_or_else(|| "see /openapi.json for the facet fields".into()),
        ),
        other => ApiError::from(other),
    })
}

fn filters(params: &mut Params) -> Result<Filters, ApiError> {
    Ok(Filters {
        role: params.list("role"),
        site: params.list("site"),
        kind: params.parsed_list::<Kind>("kind")?,
        lang: params.parsed_list::<Lang>("lang")?,
        speaker: params.list("speaker"),
        doc: params.list("doc"),
        year: params.parsed::<YearRange>("year")?,
        attr: params.attrs()?,
    })
}

/// The pairs not yet consumed; each accessor takes the pairs it reads.
struct Params(Vec<(String, String)>);

impl Params {
    fn take(&mut self, name: &str) -> Vec<String> {
        let (taken, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(k, _)| k == name);
        self.0 = rest;
        taken.into_iter().map(|(_, value)| value).collect()
    }

    /// Every value of a repeated parameter, whole; blanks are dropped.
    fn list(&mut self, name: &str) -> Vec<String> {
        whole_values(self.take(name))
    }

    fn parsed_list<T: FromStr<Err = indexer::Error>>(
        &mut self,
        name: &str,
    ) -> Result<Vec<T>, ApiError> {
        split_values(self.take(name))
            .iter()
            .map(|value| value.parse::<T>().map_err(ApiError::from))
            .collect()
    }

    /// The value of a parameter given at most once; a blank value counts as absent, as an empty
    /// field of an HTML form does.
    fn single(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let mut values = self.take(name);
        if values.len() > 1 {
            return Err(ApiError::invalid_value(
                name,
                format!("given {} times", values.len()),
                format!("give `{name}` once"),
            ));
        }
        Ok(values.pop().filter(|value| !value.trim().is_empty()))
    }

    fn parsed<T: FromStr<Err = indexer::Error>>(
        &mut self,
        name: &str,
    ) -> Result<Option<T>, ApiError> {
        self.single(name)?
            .map(|value| value.parse::<T>().map_err(ApiError::from))
            .transpose()
    }

    fn number(&mut self, name: &str) -> Result<Option<usize>, ApiError> {
        self.single(name)?
            .map(|value| {
                value.trim().parse::<usize>().map_err(|_| {
                    ApiError::invalid_value(
                        name,
                        format!("{value:?} is not a whole number"),
                        "use digits only, e.g. 20",
                    )
                })
            })
            .transpose()
    }

    fn boolean(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        self.single(name)?
            .map(|value| match value.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(ApiError::invalid_value(
                    name,
                    format!("{value:?} is not true or false"),
                    "use true or false",
                )),
            })
            .transpose()
    }

    /// `attr.NAME=VALUE` parameters, by attribute name.
    fn attrs(&mut self) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
        let (taken, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(k, _)| k.starts_with(ATTR_PREFIX));
        self.0 = rest;
        let mut attrs = BTreeMap::<String, Vec<String>>::new();
        for (key, value) in taken {
            let name = &key[ATTR_PREFIX.len()..];
            if name.is_empty() {
                return Err(ApiError::invalid_value(
                    "attr.",
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

    /// Fails on the first parameter nobody consumed.
    fn finish(self, accepted: &[&str]) -> Result<(), ApiError> {
        match self.0.into_iter().next() {
            None => Ok(()),
            Some((name, _)) => Err(ApiError::invalid_value(
                &name,
                "unknown parameter",
                format!("accepted parameters: {}", accepted.join(", ")),
            )),
        }
    }
}

/// Comma-separated names from a closed set.
fn split_values(values: Vec<String>) -> Vec<String> {
    whole_values(
        values
            .iter()
            .flat_map(|value| value.split(','))
            .map(String::from)
            .collect(),
    )
}

/// Values taken whole, trimmed; blanks dropped.
fn whole_values(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn error_message(result: Result<impl std::fmt::Debug, ApiError>) -> String {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::InvalidFieldValue, "{error:?}");
                format!("{error:?}")
            }
        }
    }

    #[test]
    fn lists_are_repeated_and_closed_sets_may_be_comma_separated() {
        let request = search_request(pairs(&[
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
        let request = search_request(pairs(&[
            ("limit", "5"),
            ("offset", "10"),
            ("sort", "date"),
            ("context", "2"),
            ("highlight", "false"),
            ("role", ""),
        ]))
        .unwrap();
        assert_eq!((request.limit, request.offset, request.context), (5, 10, 2));
        assert_eq!(request.sort, Sort::Date);
        assert!(!request.highlight);
        assert!(
            request.filters.role.is_empty(),
            "a blank value is no filter"
        );
    }

    #[test]
    fn errors_name_the_parameter() {
        assert!(error_message(search_request(pairs(&[("limit", "ten")]))).contains("limit"));
        assert!(error_message(search_request(pairs(&[("kind", "memo")]))).contains("kind"));
        assert!(error_message(search_request(pairs(&[("year", "soon")]))).contains("year"));
        assert!(
            error_message(search_request(pairs(&[("q", "a"), ("q", "b")])))
                .contains("given 2 times")
        );
        assert!(
            error_message(search_request(pairs(&[("highlight", "maybe")]))).contains("highlight")
        );
        let unknown = error_message(search_request(pairs(&[("rol", "GP")])));
        assert!(unknown.contains("rol: unknown parameter"), "{unknown}");
        assert!(
            unknown.contains("role"),
            "the hint lists the accepted parameters: {unknown}"
        );
    }

    #[test]
    fn facet_and_document_parameters() {
        let request = facet_request(pairs(&[("q", "trust"), ("role", "GP")])).unwrap();
        assert_eq!(request.filters.role, vec!["GP"]);
        assert!(
            error_message(facet_request(pairs(&[("limit", "5")])))
                .contains("limit: unknown parameter")
        );
        let documents = documents_request(pairs(&[("lang", "zh"), ("limit", "3")])).unwrap();
        assert_eq!(documents.lang, vec![Lang::Zh]);
        assert_eq!(documents.limit, 3);
        assert!(
            error_message(documents_request(pairs(&[("q", "x")]))).contains("q: unknown parameter")
        );
    }

    #[test]
    fn path_values() {
        assert_eq!(passage_number("42").unwrap(), 42);
        assert!(error_message(passage_number("0")).contains("n:"));
        assert!(error_message(passage_number("../1")).contains("n:"));
        assert!(error_message(facet_field("colour")).contains("field:"));
        assert!(error_message(passage_context(pairs(&[("context", "99")]))).contains("context"));
    }
}
