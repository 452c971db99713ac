//! `/v1/documents`: list documents, show one with its passages, or one passage with its neighbours.
//!
//! Document ids from the path go to the engine, which looks them up in its catalog; they are
//! never used as file paths.

use axum::extract::State;
use indexer::api::{
    DocumentDetail, DocumentList, DocumentsRequest, PassageDetail, PassageQuery, QueryForm,
};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, QueryPairs};
use crate::params;
use crate::state::AppState;

/// A page of documents ordered by id, optionally only some kinds or languages.
#[utoipa::path(
    get,
    path = "/v1/documents",
    operation_id = "list_documents",
    tag = "documents",
    responses(
        (status = 200, description = "A page of documents", body = DocumentList),
        (status = 422, description = "`invalid_field_value`", body = ErrorBody),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<DocumentList>, ApiError> {
    let request = DocumentsRequest::from_query(pairs)?;
    request.validate()?;
    state
        .with_index(move |index| index.documents(&request))
        .await
        .map(Json)
}

/// A document's metadata and every passage, in order.
#[utoipa::path(
    get,
    path = "/v1/documents/{id}",
    operation_id = "get_document",
    tag = "documents",
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = DocumentDetail),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the id is not UTF-8 text", body = ErrorBody),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DocumentDetail>, ApiError> {
    state
        .with_index(move |index| index.document(&id))
        .await
        .map(Json)
}

/// Passage `n` (from 1) of a document, with `context` passages before and after it.
#[utoipa::path(
    get,
    path = "/v1/documents/{id}/passages/{n}",
    operation_id = "get_passage",
    tag = "documents",
    params(
        ("id" = String, Path, description = "Document id"),
        ("n" = u32, Path, minimum = 1, description = "Passage number, from 1"),
    ),
    responses(
        (status = 200, description = "The passage and its neighbours", body = PassageDetail),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`", body = ErrorBody),
    )
)]
pub(crate) async fn passage(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<PassageDetail>, ApiError> {
    let n = params::passage_number(&n)?;
    let PassageQuery { context } = PassageQuery::from_query(pairs)?;
    state
        .with_index(move |index| index.passage(&id, n, context))
        .await
        .map(Json)
}
