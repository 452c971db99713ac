//! `/v1/search`: a JSON body by POST, or the same as query-string parameters by GET.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use indexer::api::{QueryForm, SearchRequest, SearchResponse};

use crate::error::{ApiError, ErrorBody};
use crate::export::{negotiate, respond};
use crate::extract::{Json, QueryPairs};
use crate::routes::no_other_parameter;
use crate::state::{AppState, HEAVY_PAGE, Lane};

/// Searches passages: hits for the page asked, the total, and facet counts over every match.
#[utoipa::path(
    post,
    path = "/v1/search",
    operation_id = "search",
    tag = "search",
    request_body = SearchRequest,
    responses(
        (status = 200, description = "Hits, total and facet counts (as JSON, or the page of hits as the file `format` names)", body = SearchResponse),
        (status = 400, description = "`invalid_query` (the message gives the column) or `invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the field", body = ErrorBody),
    )
)]
pub(crate) async fn search_post(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    Json(request): Json<SearchRequest>,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::SEARCH_FORMATS)?;
    no_other_parameter(pairs)?;
    run(state, request, format).await
}

/// The same search as `POST /v1/search`, from query-string parameters. A filter is repeated for
/// any-of (`facets`, `kind` and `lang` may also be comma-separated); participant attributes are
/// `attr.NAME=VALUE`; a blank value counts as absent; a parameter not listed here is an error.
/// `format` (or an `Accept` header) asks for the page of hits as a file instead of JSON.
/// (The parameters are added to this document from the API's codec, see `openapi`.)
#[utoipa::path(
    get,
    path = "/v1/search",
    operation_id = "search_get",
    tag = "search",
    responses(
        (status = 200, description = "Hits, total and facet counts (as JSON, or the page of hits as the file `format` names)", body = SearchResponse),
        (status = 400, description = "`invalid_query`: the message gives the column", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the parameter", body = ErrorBody),
    )
)]
pub(crate) async fn search_get(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::SEARCH_FORMATS)?;
    run(state, SearchRequest::from_query(pairs)?, format).await
}

async fn run(
    state: AppState,
    request: SearchRequest,
    format: render::Format,
) -> Result<Response, ApiError> {
    request.validate()?;
    let searched = request.clone();
    let response = state
        .with_index_in(lane_of(&request, format), move |index| {
            index.search(&searched)
        })
        .await?;
    respond(
        format,
        "search",
        response,
        |format, response: &SearchResponse| render::search(format, &request, response),
    )
}

/// An export, or a page of more than [`HEAVY_PAGE`] hits, is heavy work: hundreds of stored
/// passages read, highlighted and written out.
fn lane_of(request: &SearchRequest, format: render::Format) -> Lane {
    if format != render::Format::Json || request.limit > HEAVY_PAGE {
        Lane::Heavy
    } else {
        Lane::Search
    }
}
