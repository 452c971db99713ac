//! Request extractors whose rejections are [`ApiError`]s, so a malformed body, query string or path
//! gets the same JSON error shape as every other failure.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

const SCHEMA_HINT: &str = "see /openapi.json for the request schema";

/// A JSON body in, or a JSON response out.
///
/// Unlike `axum::Json` it does not insist on `Content-Type: application/json`, because
/// `curl -d` sends a form content type and researchers should not have to know that.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == ErrorCode::PayloadTooLarge.status() {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "the request body is over the size limit",
                    "send a smaller body: a search request is a few hundred bytes",
                )
            } else {
                ApiError::new(
                    ErrorCode::InvalidJson,
                    rejection.body_text(),
                    "send the whole body and retry",
                )
            }
        })?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

/// Says where the body is wrong: serde's path (`filters.kind: unknown variant ...`) for a wrong
/// value, the line and column for broken syntax.
fn json_error(rejection: JsonRejection) -> ApiError {
    let cause = std::error::Error::source(&rejection)
        .map(ToString::to_string)
        .unwrap_or_else(|| rejection.body_text());
    match rejection {
        JsonRejection::JsonDataError(_) => {
            ApiError::new(ErrorCode::InvalidFieldValue, cause, SCHEMA_HINT)
        }
        _ => ApiError::new(
            ErrorCode::InvalidJson,
            format!("the request body is not valid JSON: {cause}"),
            "send a JSON object such as {\"q\": \"trust\"}",
        ),
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The query string as `(name, value)` pairs in order, repeated names kept (`role=GP&role=manager`).
///
/// Turning pairs into API types is `params`' job, which names the parameter in every error.
#[derive(Debug, Default)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|query| QueryPairs(query.0))
            .map_err(|rejection| {
                ApiError::new(
                    ErrorCode::InvalidFieldValue,
                    format!("query string: {}", rejection.body_text()),
                    "percent-encode parameter values as UTF-8 (curl --data-urlencode does it)",
                )
            })
    }
}

/// Path parameters, with a JSON error when one does not decode.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| Path(path.0))
            .map_err(|rejection| {
                ApiError::new(
                    ErrorCode::InvalidFieldValue,
                    format!("path: {}", rejection.body_text()),
                    "percent-encode path segments as UTF-8",
                )
            })
    }
}
