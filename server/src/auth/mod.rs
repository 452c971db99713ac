//! Who may call a route: the check every route of the route table with a scope goes through.
//!
//! In order: a route that writes refuses requests a browser says come from another site
//! (`site`); then, when the server has keys, the client must not have used up its failed
//! attempts (`failures`), must send a key that is one of the server's (`keys`), and that
//! key's scope must cover the route's. The request then carries its [`Caller`], whose name the
//! handlers of writes put in the audit log. A server without keys (loopback only) lets reads
//! through and writes only when they do not come from another site.

mod failures;
mod keys;
mod site;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

pub use failures::{DEFAULT_FAILURES_ALLOWED, FAILURE_WINDOW, FailedAuthentications};
pub use keys::{ApiKey, DEFAULT_KEY_NAME, Keys, Scope};
pub use site::refuse_cross_site;

use crate::error::{ApiError, ErrorCode};
use crate::listener::ClientAddress;
use crate::state::AppState;

/// Who sent a request that passed [`authorize`]: the name of its key, never the secret.
#[derive(Debug, Clone)]
pub struct Caller {
    key: Option<String>,
}

impl Caller {
    /// The key's name for the logs; a server without keys says so.
    pub fn name(&self) -> &str {
        self.key
            .as_deref()
            .unwrap_or("(none: a loopback server without keys)")
    }
}

/// Middleware on a route that needs `needed`: see the module's documentation.
pub async fn authorize(
    State((state, needed)): State<(AppState, Scope)>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if needed >= Scope::Write {
        refuse_cross_site(request.headers(), &state.config)?;
    }
    let caller = authenticate(&state, needed, &request)?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

fn authenticate(state: &AppState, needed: Scope, request: &Request) -> Result<Caller, ApiError> {
    let keys = &state.config.keys;
    if keys.is_empty() {
        return Ok(Caller { key: None });
    }
    // A missing key is no guess: it gets its 401 even from an address that is locked out.
    let presented = bearer_token(request.headers())?;
    let client = client_address(request);
    let now = Instant::now();
    if let Some(wait) = state.failures.locked_out(client, now) {
        return Err(ApiError::new(
            ErrorCode::TooManyFailedAttempts,
            format!(
                "{} wrong API keys came from this address within {} s",
                state.failures.allowed(),
                FAILURE_WINDOW.as_secs()
            ),
            "wait for the time the Retry-After header gives, then send the right key",
        )
        .retry_after(wait));
    }
    let Some(key) = keys.find(presented) else {
        state.failures.record(client, now);
        tracing::warn!(%client, "refused a request with a wrong API key");
        return Err(ApiError::new(
            ErrorCode::InvalidApiKey,
            "the API key sent is not one of this server's keys",
            "check the key you were given (the server's --api-key, --keys or VERBATIM_API_KEY)",
        ));
    };
    if key.scope() < needed {
        return Err(ApiError::new(
            ErrorCode::InsufficientScope,
            format!(
                "this route needs a key with the {needed} scope; the key {:?} has {}",
                key.name(),
                key.scope()
            ),
            format!("ask the server's owner for a {needed} key"),
        ));
    }
    Ok(Caller {
        key: Some(key.name().to_string()),
    })
}

/// The client's address, as the listener saw it; a router served without connection info
/// (a test calling it directly) counts every client as one.
fn client_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<ClientAddress>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.0.ip())
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
