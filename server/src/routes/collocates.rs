//! `/v1/collocates`: the words within a few words of a word or phrase, as JSON or as a file
//! (`?format=csv|md|xlsx`). It runs in the heavy lane, like the other comparisons: a cold count
//! reads the postings of the passages counted.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use indexer::api::{CollocatesRequest, CollocatesResponse};

use crate::error::{ApiError, ErrorBody};
use crate::export::{negotiate, respond};
use crate::extract::{Json, QueryPairs};
use crate::routes::no_other_parameter;
use crate::state::{AppState, Lane};

/// Collocates: the words within `window` words either side of the node `q`, with the raw
/// counts (O11, R1, C1, N), MI and log-likelihood, and per value of `by` when given; each with
/// the search that lists the passages where node and collocate occur together.
#[utoipa::path(
    post,
    path = "/v1/collocates",
    operation_id = "collocates",
    tag = "compare",
    request_body = CollocatesRequest,
    responses(
        (status = 200, description = "The node's words and a table of collocates, and one per value of `by` (as JSON, or the file `format` names)", body = CollocatesResponse),
        (status = 400, description = "`invalid_query` (a node without a word, such as `...`) or `invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: a value out of range; the message names the field", body = ErrorBody),
    )
)]
pub(crate) async fn collocates(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    Json(request): Json<CollocatesRequest>,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::TABLE_FORMATS)?;
    no_other_parameter(pairs)?;
    request.validate()?;
    let answer = state
        .with_index_in(Lane::Heavy, move |index| index.collocates(&request))
        .await?;
    respond(
        format,
        "collocates",
        answer,
        |format, answer: &CollocatesResponse| render::collocates(format, answer),
    )
}
