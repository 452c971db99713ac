//! `POST /v1/verify`: checks every quote of a draft against the index. The draft comes as JSON
//! (`{"text": ..., "format": "markdown"}`) or as the Word file itself; the answer is JSON, or the
//! report as the file `format` names.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use indexer::api::{MAX_DRAFT_BYTES, VerifyRequest, VerifyResponse};
use indexer::verify::Draft;
use render::Format;

use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::export::{negotiate, respond};
use crate::extract::{Json, QueryPairs, require_json_content_type};
use crate::routes::no_other_parameter;
use crate::state::AppState;

/// The largest body this route reads: a draft at its limit, with room for JSON's escapes.
pub(crate) const BODY_LIMIT: usize = MAX_DRAFT_BYTES + (MAX_DRAFT_BYTES / 2);

/// A Word file uploaded as the request body.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only its schema is used: the body is read as bytes.
pub(crate) struct DocxUpload(Vec<u8>);

/// Checks a draft: every quote in it (quote marks, block quotes, Word quote styles), where the
/// corpus holds it (`verbatim`, `edited` allowing for ellipses and bracketed words, `close` with
/// a word-level diff, or `not_found`), and whether the label next to it names the speaker.
#[utoipa::path(
    post,
    path = "/v1/verify",
    operation_id = "verify",
    tag = "search",
    request_body(
        description = "The draft: JSON with its text, or the Word file itself (up to 5 MiB)",
        content(
            (VerifyRequest = "application/json"),
            (DocxUpload = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )
    ),
    responses(
        (status = 200, description = "Each quote with its status, attribution and matches, and the counts (as JSON, or the report as the file `format` names)", body = VerifyResponse),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the draft is over 5 MiB", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: an empty draft, a file that is not a Word document, too many quotes; the message says which", body = ErrorBody),
    )
)]
pub(crate) async fn verify(
    State(state): State<AppState>,
    QueryPairs(mut pairs): QueryPairs,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let format = negotiate(&mut pairs, &headers, &render::VERIFY_FORMATS)?;
    no_other_parameter(pairs)?;
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| too_large())?;
    let sent = Sent::of(&headers, bytes.to_vec())?;
    let answer = state
        .with_index(move |index| index.verify(sent.draft()))
        .await?;
    respond(
        format,
        "verify",
        answer,
        |format, answer: &VerifyResponse| render::verify(format, answer),
    )
}

/// The draft as the request sent it.
enum Sent {
    Json(VerifyRequest),
    Docx(Vec<u8>),
}

impl Sent {
    /// Reads the body by its `Content-Type`: a Word file, else JSON sent as JSON (a form type is
    /// what a cross-site form sends).
    fn of(headers: &HeaderMap, bytes: Vec<u8>) -> Result<Sent, ApiError> {
        let media_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if Format::from_media_type(media_type) == Some(Format::Docx) {
            return Ok(Sent::Docx(bytes));
        }
        require_json_content_type(headers)?;
        let Json(request) = Json::<VerifyRequest>::from_bytes(&bytes)?;
        request.validate()?;
        Ok(Sent::Json(request))
    }

    fn draft(&self) -> Draft<'_> {
        match self {
            Sent::Json(request) => Draft::Text {
                text: &request.text,
                format: request.format,
            },
            Sent::Docx(bytes) => Draft::Docx(bytes),
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "the draft is over the {} MiB a check reads",
            MAX_DRAFT_BYTES >> 20
        ),
        "split the draft into chapters and check each",
    )
}
