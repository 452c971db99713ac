//! The optional API key: with one set, every `/v1` route needs `Authorization: Bearer KEY`.

use std::fmt;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};

/// A secret key; its `Debug` output hides it so it can never reach a log.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key, or `None` when `value` is empty or blank (an unset environment variable
    /// often arrives as `""`, and an empty key must not count as protection).
    pub fn new(value: &str) -> Option<ApiKey> {
        let value = value.trim();
        (!value.is_empty()).then(|| ApiKey(value.to_string()))
    }

    /// Compares in constant time, so response timing does not reveal how much of a guess was right.
    pub fn matches(&self, presented: &str) -> bool {
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<hidden>)")
    }
}

/// Middleware on the `/v1` routes, given the server's key: passes the request on when no key is
/// set or the right one is sent.
pub async fn require_api_key(
    State(key): State<Option<ApiKey>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(key) = &key {
        let presented = bearer_token(request.headers())?;
        if !key.matches(presented) {
            return Err(ApiError::new(
                ErrorCode::InvalidApiKey,
                "the API key sent is not this server's key",
                "check the key you were given (VERBATIM_API_KEY on the server)",
            ));
        }
    }
    Ok(next.run(request).await)
}

fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let missing = |message: &str| {
        ApiError::new(
            ErrorCode::MissingApiKey,
            message,
            "send the header `Authorization: Bearer KEY` (with the CLI: set VERBATIM_API_KEY)",
        )
    };
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        missing("this server needs an API key and the request has no Authorization header")
    })?;
    let value = value
        .to_str()
        .map_err(|_| missing("the Authorization header is not readable text"))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(missing(
            "the Authorization header is not of the form `Bearer KEY`",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn blank_keys_are_no_keys() {
        assert!(ApiKey::new("").is_none());
        assert!(ApiKey::new("  ").is_none());
        assert!(ApiKey::new("s3cret").is_some_and(|k| k.matches("s3cret")));
    }

    #[test]
    fn keys_compare_exactly() {
        let Some(key) = ApiKey::new("s3cret") else {
            panic!("a non-blank key is a key");
        };
        assert!(!key.matches("s3cre"));
        assert!(!key.matches("s3cret!"));
        assert!(!key.matches("S3CRET"));
        assert_eq!(format!("{key:?}"), "ApiKey(<hidden>)");
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&headers).ok(), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(
            bearer_token(&headers).map_err(|e| e.code()).err(),
            Some(ErrorCode::MissingApiKey)
        );
    }
}
