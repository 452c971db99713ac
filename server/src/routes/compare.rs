//! `/v1/crosstab`, `/v1/keyness` and `/v1/kwic`: comparing groups of speakers, as JSON or as a
//! file (`?format=csv|md|xlsx`, and `txt` for keyword-in-context lines). They run in the heavy
//! lane: a cold keyness or a long cross-tab takes up to seconds.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use indexer::api::{
    CrosstabRequest, CrosstabResponse, KeynessRequest, KeynessResponse, KwicRequest, KwicResponse,
};

use crate::error::{ApiError, ErrorBody};
use crate::export::{negotiate, respond};
use crate::extract::{Json, QueryPairs};
use crate::routes::no_other_parameter;
use crate::state::{AppState, Lane};

/// A cross-tab: the rows' queries by the values of a field, with passages, participants and the
/// rate per 10,000 words in each cell, and the search that lists each cell's quotes.
#[utoipa::path(
    post,
    path = "/v1/crosstab",
    operation_id = "crosstab",
    tag = "compare",
    request_body = CrosstabRequest,
    responses(
        (status = 200, description = "Columns, and a row of cells per query (as JSON, or the file `format` names)", body = CrosstabResponse),
        (status = 400, description = "`invalid_query` (a row's query; the message names the row) or `invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the field (`by`, `rows`, `format`...)", body = ErrorBody),
    )
)]
pub(crate) async fn crosstab(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    Json(request): Json<CrosstabRequest>,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::TABLE_FORMATS)?;
    no_other_parameter(pairs)?;
    request.validate()?;
    let answer = state
        .with_index_in(Lane::Heavy, move |index| index.crosstab(&request))
        .await?;
    respond(
        format,
        "crosstab",
        answer,
        |format, answer: &CrosstabResponse| render::crosstab(format, answer),
    )
}

/// Keyness: the words over-represented in the target's passages against the reference's (or
/// everyone else's), with raw counts, both sizes in words, G², Log Ratio, the target's
/// participants using each word, and the search that lists its quotes.
#[utoipa::path(
    post,
    path = "/v1/keyness",
    operation_id = "keyness",
    tag = "compare",
    request_body = KeynessRequest,
    responses(
        (status = 200, description = "Both groups' sizes and the key terms (as JSON, or the file `format` names)", body = KeynessResponse),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: an empty target, a reference equal to the target, a value out of range; the message names the field", body = ErrorBody),
    )
)]
pub(crate) async fn keyness(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    Json(request): Json<KeynessRequest>,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::TABLE_FORMATS)?;
    no_other_parameter(pairs)?;
    request.validate()?;
    let answer = state
        .with_index_in(Lane::Heavy, move |index| index.keyness(&request))
        .await?;
    respond(
        format,
        "keyness",
        answer,
        |format, answer: &KeynessResponse| render::keyness(format, answer),
    )
}

/// Keyword in context: each matched occurrence in a search's page of hits on its own line, with
/// `width` columns of context either side.
#[utoipa::path(
    post,
    path = "/v1/kwic",
    operation_id = "kwic",
    tag = "compare",
    request_body = KwicRequest,
    responses(
        (status = 200, description = "One line per occurrence (as JSON, or the file `format` names: txt is aligned text)", body = KwicResponse),
        (status = 400, description = "`invalid_query` or `invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the message names the field", body = ErrorBody),
    )
)]
pub(crate) async fn kwic(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    Json(request): Json<KwicRequest>,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::KWIC_FORMATS)?;
    no_other_parameter(pairs)?;
    request.validate()?;
    let answer = state
        .with_index_in(Lane::Heavy, move |index| index.kwic(&request))
        .await?;
    respond(format, "kwic", answer, |format, answer: &KwicResponse| {
        render::kwic(format, answer)
    })
}
