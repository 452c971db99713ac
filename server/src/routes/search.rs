//! `/v1/search`: a JSON body by POST, or the same as query-string parameters by GET.

use axum::extract::State;
use indexer::api::{SearchRequest, SearchResponse};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, QueryPairs};
use crate::params;
use crate::state::AppState;

/// Searches passages: hits for the page asked, the total, and facet counts over every match.
#[utoipa::path(
    post,
    path = "/v1/search",
    tag = "search",
    security(("api_key" = [])),
    request_body = SearchRequest,
    responses(
        (status = 200, description = "Hits, total and facet counts", body = SearchResponse),
        (status = 400, description = "`invalid_query` (the message gives the column) or `invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` or `invalid_api_key`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the field", body = ErrorBody),
    )
)]
pub(crate) async fn search_post(
    State(state): State<AppState>,
    Json(request): Json<SearchRequest>,
) -> Result<Json<SearchResponse>, ApiError> {
    run(state, request).await
}

/// The same search as `POST /v1/search`, from query-string parameters. A filter is repeated for
/// any-of (`facets`, `kind` and `lang` may also be comma-separated); participant attributes are
/// `attr.NAME=VALUE`; a parameter not listed here is an error.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "search",
    security(("api_key" = [])),
    params(
        ("q" = Option<String>, Query, description = "Query text: words (all must match), \"exact phrase\", OR, -exclude, prefix*"),
        ("role" = Option<Vec<String>>, Query, description = "Roles or role groups, case-insensitive (any-of)"),
        ("site" = Option<Vec<String>>, Query, description = "Sites (any-of)"),
        ("kind" = Option<Vec<String>>, Query, description = "Document kinds (any-of)"),
        ("lang" = Option<Vec<String>>, Query, description = "Languages: en, zh (any-of)"),
        ("speaker" = Option<Vec<String>>, Query, description = "Speaker ids (any-of)"),
        ("doc" = Option<Vec<String>>, Query, description = "Document ids (any-of)"),
        ("year" = Option<String>, Query, description = "2019, 2015..2019, 2015.. or ..2019"),
        ("attr.NAME" = Option<Vec<String>>, Query, description = "A participant attribute, e.g. attr.gender=female (any-of)"),
        ("facets" = Option<Vec<String>>, Query, description = "Fields to count, repeated or comma-separated: role, role_group, site, kind, lang, speaker, doc, year, attr.NAME"),
        ("limit" = Option<usize>, Query, description = "Hits per page (default 20, at most 1000; 0 for counts only)"),
        ("offset" = Option<usize>, Query, description = "Hits to skip"),
        ("sort" = Option<String>, Query, description = "relevance (default), doc or date"),
        ("context" = Option<usize>, Query, description = "Passages before and after each hit (0 to 20)"),
        ("highlight" = Option<bool>, Query, description = "Compute highlights and snippets (default true)"),
    ),
    responses(
        (status = 200, description = "Hits, total and facet counts", body = SearchResponse),
        (status = 400, description = "`invalid_query`: the message gives the column", body = ErrorBody),
        (status = 401, description = "`missing_api_key` or `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the parameter", body = ErrorBody),
    )
)]
pub(crate) async fn search_get(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<SearchResponse>, ApiError> {
    run(state, params::search_request(pairs)?).await
}

async fn run(state: AppState, request: SearchRequest) -> Result<Json<SearchResponse>, ApiError> {
    request.validate()?;
    state
        .with_index(move |index| index.search(&request))
        .await
        .map(Json)
}
