//! Errors as the API reports them: a closed set of codes, each with one HTTP status, and one JSON shape.
//!
//! Every failed request gets `{"error": {"code": "...", "message": "...", "hint": "..."}}`.
//! [`From<indexer::Error>`] is the one place engine errors become codes. Internal errors carry a
//! detail that is logged once (by the request log, see `middleware`) and never sent to the client.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What went wrong, as a stable machine-readable code.
///
/// | code | status | meaning |
/// |---|---|---|
/// | `invalid_query` | 400 | the query text cannot be parsed; the message gives the column |
/// | `invalid_json` | 400 | the request body is not valid JSON |
/// | `invalid_field_value` | 422 | a field, parameter or path segment has a value that is not allowed |
/// | `missing_api_key` | 401 | the server has an API key and the request sent none |
/// | `invalid_api_key` | 401 | the request sent a key that is not one of the server's |
/// | `insufficient_scope` | 403 | the key's scope does not cover the route (the message names the scope needed) |
/// | `cross_site_request` | 403 | a write sent by a browser from another site |
/// | `not_found` | 404 | no such route, document or passage |
/// | `method_not_allowed` | 405 | the route exists but not with this method |
/// | `request_timeout` | 408 | the request took longer than the server allows |
/// | `build_in_progress` | 409 | an index build is already running |
/// | `no_corpus` | 409 | the server has no corpus directory to build from |
/// | `invalid_path` | 400 | a file path that is absolute, climbs out of the corpus or is hidden |
/// | `uploads_disabled` | 403 | files are added only on a server started with `--allow-uploads` |
/// | `payload_too_large` | 413 | the request body is over the size limit |
/// | `unsupported_format` | 415 | an uploaded file is not in a format the corpus reads |
/// | `unsupported_media_type` | 415 | a JSON body sent without `Content-Type: application/json`, or an upload that is not `multipart/form-data` |
/// | `unknown_host` | 421 | the `Host` header names a host this server does not answer to |
/// | `too_many_failed_attempts` | 429 | too many wrong keys from this address; `Retry-After` says when to retry |
/// | `internal` | 500 | a fault in the server; details are in its log |
/// | `index_not_ready` | 503 | the index cannot be read |
/// | `server_busy` | 503 | every slot for comparisons and exports stayed busy; `Retry-After` says when to retry |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The query text cannot be parsed.
    InvalidQuery,
    /// The request body is not valid JSON.
    InvalidJson,
    /// A field, parameter or path segment has a value that is not allowed.
    InvalidFieldValue,
    /// The server has an API key and the request sent none.
    MissingApiKey,
    /// The request sent a key that is not one of the server's.
    InvalidApiKey,
    /// The key's scope does not cover the route.
    InsufficientScope,
    /// A write sent by a browser from another site.
    CrossSiteRequest,
    /// No such route, document or passage.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The request took longer than the server allows.
    RequestTimeout,
    /// An index build is already running.
    BuildInProgress,
    /// The server has no corpus directory to build from.
    NoCorpus,
    /// A file path that is absolute, climbs out of the corpus or names a hidden file.
    InvalidPath,
    /// Uploads and deletions need a server started with `--allow-uploads`.
    UploadsDisabled,
    /// The request body is over the size limit.
    PayloadTooLarge,
    /// An uploaded file is not in a format the corpus reads.
    UnsupportedFormat,
    /// A JSON body sent without `Content-Type: application/json`, or an upload that is not
    /// `multipart/form-data`.
    UnsupportedMediaType,
    /// The `Host` header names a host this server does not answer to.
    UnknownHost,
    /// Too many wrong keys from the client's address.
    TooManyFailedAttempts,
    /// A fault in the server.
    Internal,
    /// The index cannot be read.
    IndexNotReady,
    /// Every slot of the heavy lane (comparisons, exports) stayed busy.
    ServerBusy,
}

impl ErrorCode {
    /// The HTTP status every response with this code has.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidQuery | ErrorCode::InvalidJson | ErrorCode::InvalidPath => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::InvalidFieldValue => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::MissingApiKey | ErrorCode::InvalidApiKey => StatusCode::UNAUTHORIZED,
            ErrorCode::InsufficientScope
            | ErrorCode::CrossSiteRequest
            | ErrorCode::UploadsDisabled => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::BuildInProgress | ErrorCode::NoCorpus => StatusCode::CONFLICT,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType | ErrorCode::UnsupportedFormat => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ErrorCode::UnknownHost => StatusCode::MISDIRECTED_REQUEST,
            ErrorCode::TooManyFailedAttempts => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::IndexNotReady | ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// The body of every error response (the end-to-end tests read it back).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong and what to do about it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code to branch on.
    pub code: ErrorCode,
    /// What went wrong, naming the field, parameter or query column.
    pub message: String,
    /// What to do next.
    pub hint: String,
}

/// Detail of a server-side failure, attached to the response for the request log and never sent.
#[derive(Debug, Clone)]
pub struct InternalDetail(pub String);

/// An error response in the making.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    hint: String,
    detail: Option<String>,
    /// Sent as `Retry-After`, in whole seconds rounded up.
    retry_after: Option<Duration>,
}

impl ApiError {
    /// An error with a code, a message naming what is wrong, and a hint saying what to do.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            hint: hint.into(),
            detail: None,
            retry_after: None,
        }
    }

    /// A fault in the server: the client learns little, `detail` goes to the log.
    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            ErrorCode::Internal,
            "the server failed to answer this request",
            "try again; if it keeps failing, report it with the time of the request (the server log has the details)",
        )
        .with_detail(detail)
    }

    /// A request body over the server's size limit.
    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            "the request body is over the size limit",
            "send a smaller body: a search request is a few hundred bytes",
        )
    }

    /// A value that is not allowed for a field, parameter or path segment.
    pub fn invalid_value(
        field: &str,
        reason: impl std::fmt::Display,
        hint: impl Into<String>,
    ) -> ApiError {
        ApiError::new(
            ErrorCode::InvalidFieldValue,
            format!("{field}: {reason}"),
            hint,
        )
    }

    /// Adds a detail for the server log (never sent to the client).
    pub fn with_detail(mut self, detail: impl Into<String>) -> ApiError {
        self.detail = Some(detail.into());
        self
    }

    /// Tells the client to wait `wait` before trying again (the `Retry-After` header).
    pub fn retry_after(mut self, wait: Duration) -> ApiError {
        self.retry_after = Some(wait);
        self
    }

    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl From<indexer::Error> for ApiError {
    fn from(error: indexer::Error) -> ApiError {
        use indexer::Error;
        match error {
            Error::Query { column, reason, hint } => ApiError::new(
                ErrorCode::InvalidQuery,
                format!("query, column {column}: {reason}"),
                hint.unwrap_or_else(|| {
                    "use words, \"exact phrases\", OR, -exclude and prefix*; see the README for the query syntax"
                        .into()
                }),
            ),
            Error::InvalidValue { field, reason, hint } => ApiError::invalid_value(
                &field,
                reason,
                hint.unwrap_or_else(|| "see /openapi.json for the accepted values".into()),
            ),
            Error::NotFound { what } => ApiError::new(
                ErrorCode::NotFound,
                format!("{what} not found"),
                "list documents with GET /v1/documents; passages are numbered from 1",
            ),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                hint: self.hint,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        if let Some(detail) = self.detail {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_map_to_codes() {
        let query = indexer::Error::Query {
            column: 14,
            reason: "unclosed quote".into(),
            hint: None,
        };
        assert_eq!(ApiError::from(query).code(), ErrorCode::InvalidQuery);
        let value = indexer::Error::invalid_value("sort", "random", "relevance, doc, date");
        assert_eq!(ApiError::from(value).code(), ErrorCode::InvalidFieldValue);
        let missing = indexer::Error::NotFound {
            what: "document \"x\"".into(),
        };
        assert_eq!(ApiError::from(missing).code(), ErrorCode::NotFound);
        let internal = indexer::Error::Internal("broken invariant".into());
        assert_eq!(ApiError::from(internal).code(), ErrorCode::Internal);
    }

    #[test]
    fn internal_detail_stays_out_of_the_body() {
        let response = ApiError::internal("disk on fire at /secret/path").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let detail = response
            .extensions()
            .get::<InternalDetail>()
            .map(|d| d.0.clone());
        assert_eq!(detail.as_deref(), Some("disk on fire at /secret/path"));
    }

    #[test]
    fn codes_serialize_in_snake_case() {
        let json = serde_json::to_string(&ErrorCode::InvalidFieldValue).unwrap_or_default();
        assert_eq!(json, "\"invalid_field_value\"");
    }
}
