//! `/v1/search`: a JSON body by POST, or the same as query-string parameters by GET.

use axum::extract::State;
use indexer::api::{QueryForm, SearchRequest, SearchResponse};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, QueryPairs};
use crate::state::AppState;

/// Searches passages: hits for the page asked, the total, and facet counts over every match.
#[utoipa::path(
    post,
    path = "/v1/search",
    operation_id = "search",
    tag = "search",
    security(("api_key" = [])),
    request_body = SearchRequest,
    responses(
        (status = 200, description = "Hits, total and facet counts", body = SearchResponse),
        (status = 400, description = "`invalid_query` (the message gives the column) or `invalid_json`", body = ErrorBody),
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
/// `attr.NAME=VALUE`; a blank value counts as absent; a parameter not listed here is an error.
/// (The parameters are added to this document from the API's codec, see `openapi`.)
#[utoipa::path(
    get,
    path = "/v1/search",
    operation_id = "search_get",
    tag = "search",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Hits, total and facet counts", body = SearchResponse),
        (status = 400, description = "`invalid_query`: the message gives the column", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the parameter", body = ErrorBody),
    )
)]
pub(crate) async fn search_get(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<SearchResponse>, ApiError> {
    run(state, SearchRequest::from_query(pairs)?).await
}

async fn run(state: AppState, request: SearchRequest) -> Result<Json<SearchResponse>, ApiError> {
    request.validate()?;
    state
        .with_index(move |index| index.search(&request))
        .await
        .map(Json)
}
