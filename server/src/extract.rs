//! Request extractors whose rejections are [`ApiError`]s, so a malformed body, query string or path
//! gets the same JSON error shape as every other failure.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

const SCHEMA_HINT: &str = "see /openapi.json for the request schema";

/// A JSON body in, or a JSON response out.
///
/// A body must come as `Content-Type: application/json`: a browser sends a page's cross-site
/// form or `text/plain` POST without asking the server first, but never one of this type, so
/// no other site can make a researcher's browser submit a request here.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        require_json_content_type(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == ErrorCode::PayloadTooLarge.status() {
                ApiError::payload_too_large()
            } else {
                ApiError::new(
                    ErrorCode::InvalidJson,
                    rejection.body_text(),
                    "send the whole body and retry",
                )
            }
        })?;
        Json::from_bytes(&bytes)
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// Reads a body already in hand (a route that takes other media types too).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_bytes(bytes) {
            // serde reads a struct from an array of its fields too (`[]` as every default):
            // every body of this API is an object, so anything else is refused.
            Ok(_) if !is_object(bytes) => Err(ApiError::new(
                ErrorCode::InvalidFieldValue,
                "the request body must be a JSON object ({...}), not an array".to_string(),
                SCHEMA_HINT,
            )),
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

/// Whether a JSON text (already parsed) is an object.
fn is_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// A wrong value's message without serde_json's " at line 1 column 40": the path names the
/// field, and a body's position means nothing to whoever filled in a form.
fn without_position(cause: &str) -> String {
    match cause.rsplit_once(" at line ") {
        Some((message, position))
            if position
                .split_once(" column ")
                .is_some_and(|(line, column)| {
                    [line, column]
                        .iter()
                        .all(|n| n.bytes().all(|b| b.is_ascii_digit()))
                }) =>
        {
            message.to_string()
        }
        _ => cause.to_string(),
    }
}

/// Fails unless the `Content-Type` is `application/json` (with any parameters, such as
/// `charset=utf-8`).
pub(crate) fn require_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or("(unreadable)"));
    let essence = content_type
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    if essence.is_some_and(|essence| essence.eq_ignore_ascii_case("application/json")) {
        return Ok(());
    }
    let sent = content_type.map_or("no Content-Type".to_string(), |value| {
        format!(
            "Content-Type: {}",
            value.chars().take(100).collect::<String>()
        )
    });
    Err(ApiError::new(
        ErrorCode::UnsupportedMediaType,
        format!("the request body must be JSON sent as Content-Type: application/json, not {sent}"),
        "send the header `Content-Type: application/json` (curl: --json '{...}' or -H 'Content-Type: application/json')",
    ))
}

/// Says where the body is wrong: serde's path (`filters.kind: unknown variant ...`) for a wrong
/// value, the line and column for broken syntax.
fn json_error(rejection: JsonRejection) -> ApiError {
    let cause = std::error::Error::source(&rejection)
        .map(ToString::to_string)
        .unwrap_or_else(|| rejection.body_text());
    match rejection {
        JsonRejection::JsonDataError(_) => ApiError::new(
            ErrorCode::InvalidFieldValue,
            without_position(&cause),
            SCHEMA_HINT,
        ),
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
/// Decoding is strict: a value whose bytes are not UTF-8 is refused, where the usual form decoder
/// would swap them for U+FFFD and silently search for something the client never sent.
#[derive(Debug, Default)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(QueryPairs)
    }
}

/// Splits `a=1&b=2` into decoded pairs (`+` is a space, `%XX` a byte); empty pieces are skipped.
fn parse_query(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name = decode_component(name).ok_or_else(|| not_utf8("a parameter name"))?;
            let value = decode_component(value).ok_or_else(|| not_utf8(&name))?;
            Ok((name, value))
        })
        .collect()
}

/// A form-encoded component as text, or `None` when its bytes are not UTF-8. A `%` not followed
/// by two hex digits stands for itself, as in form decoding.
fn decode_component(raw: &str) -> Option<String> {
    // A literal `+` arrives as `%2B`, so turning `+` into a space first is safe.
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

fn not_utf8(what: &str) -> ApiError {
    ApiError::invalid_value(
        what,
        "the percent-encoded bytes are not UTF-8 text",
        "percent-encode parameter values as UTF-8 (curl --data-urlencode does it)",
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_like_forms() {
        let pairs = parse_query("q=%22trust+me%22&role=GP&role=&flag&q=%E4%BF%A1&&x=100%").unwrap();
        let expected = [
            ("q", "\"trust me\""),
            ("role", "GP"),
            ("role", ""),
            ("flag", ""),
            ("q", "信"),
            ("x", "100%"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn a_body_is_an_object_never_an_array_of_its_fields() {
        #[derive(Debug, serde::Deserialize)]
        struct Request {
            #[serde(default)]
            _accept: bool,
        }
        let code = |body: &str| {
            Json::<Request>::from_bytes(body.as_bytes())
                .map(|_| ())
                .map_err(|e| e.code())
        };
        assert_eq!(code(" {} "), Ok(()));
        assert_eq!(code("[]"), Err(ErrorCode::InvalidFieldValue));
        assert_eq!(code(" [false]"), Err(ErrorCode::InvalidFieldValue));
        assert_eq!(code("[oops"), Err(ErrorCode::InvalidJson));
    }

    #[test]
    fn bodies_are_json_only_when_they_say_so() {
        use axum::http::HeaderValue;
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            require_json_content_type(&headers).map_err(|error| error.code())
        };
        assert_eq!(with("application/json"), Ok(()));
        assert_eq!(with("APPLICATION/JSON ; charset=utf-8"), Ok(()));
        for refused in [
            "text/plain",
            "application/jsonp",
            "application/x-www-form-urlencoded",
        ] {
            assert_eq!(
                with(refused),
                Err(ErrorCode::UnsupportedMediaType),
                "{refused}"
            );
        }
        assert!(require_json_content_type(&HeaderMap::new()).is_err());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_by_name() {
        let error = parse_query("q=trust%80").unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidFieldValue);
        let error = parse_query("%FF=1").unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidFieldValue);
    }
}
