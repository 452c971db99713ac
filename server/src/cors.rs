//! Cross-origin access, off unless `--cors-origin ORIGIN` names who may have it.
//!
//! By default no `Access-Control-*` header is ever sent, so a page on another origin cannot read
//! any answer. An origin named with `--cors-origin` (a web app of the research team's, say) may
//! call the API from the browser with its key in the `Authorization` header; it is named
//! exactly, never `*`, and no credentials (cookies) are allowed, since the API uses none.

use std::time::Duration;

use axum::http::{HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How long a browser may keep the answer to a preflight.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The origins `--cors-origin` lets in.
#[derive(Debug, Clone, Default)]
pub struct CorsOrigins(Vec<String>);

impl CorsOrigins {
    /// The origins, each `http://host[:port]` or `https://host[:port]` (`*` and `null` refused).
    pub fn new(origins: &[String]) -> Result<CorsOrigins, String> {
        origins
            .iter()
            .map(|origin| origin.trim())
            .filter(|origin| !origin.is_empty())
            .map(|origin| {
                let authority = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"));
                match authority {
                    Some(authority)
                        if !authority.is_empty()
                            && !authority.contains(['/', '*', ' '])
                            && HeaderValue::from_str(origin).is_ok() =>
                    {
                        Ok(origin.to_ascii_lowercase())
                    }
                    _ => Err(format!(
                        "--cors-origin {origin:?}: give one origin exactly as the browser sends it, \
                         such as https://app.example or http://localhost:3000 (no path, no `*`)"
                    )),
                }
            })
            .collect::<Result<_, _>>()
            .map(CorsOrigins)
    }

    /// Whether `origin` is one of them.
    pub fn admits(&self, origin: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }

    /// The layer answering preflights and adding the headers for these origins; `None` when
    /// there are none, so nothing is added.
    pub fn layer(&self) -> Option<CorsLayer> {
        if self.0.is_empty() {
            return None;
        }
        let origins: Vec<HeaderValue> = self
            .0
            .iter()
            .filter_map(|origin| HeaderValue::from_str(origin).ok())
            .collect();
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
                .expose_headers([header::CONTENT_DISPOSITION, header::RETRY_AFTER])
                .max_age(PREFLIGHT_MAX_AGE),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact() {
        let origins = CorsOrigins::new(&["https://App.example".into(), "".into()]).unwrap();
        assert!(origins.admits("https://app.example"));
        assert!(!origins.admits("http://app.example"));
        assert!(!origins.admits("https://app.example:8443"));
        for wrong in [
            "*",
            "null",
            "app.example",
            "https://app.example/",
            "https://*.example",
        ] {
            assert!(CorsOrigins::new(&[wrong.into()]).is_err(), "{wrong}");
        }
        assert!(CorsOrigins::default().layer().is_none());
    }
}
