//! Writes only from this server's own page (or a client that is not a browser): no cross-site
//! request forgery.
//!
//! A page on another site can make the browser send a "simple" request (a form's POST) without
//! asking first. Browsers say where a request comes from: `Sec-Fetch-Site` (which a page cannot
//! set) and `Origin`. A write is refused when either says another site: `Sec-Fetch-Site` other
//! than `same-origin` or `none` (typed or bookmarked), or an `Origin` whose host is neither the
//! request's `Host` nor a name of `--allowed-host`, unless that origin is one `--cors-origin`
//! lets in. Clients that are not browsers (curl, the CLI, scripts) send neither and pass.

use axum::http::{HeaderMap, HeaderName, header};

use crate::error::{ApiError, ErrorCode};
use crate::state::Config;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Fails when a browser says the request comes from another site (see the module).
pub fn refuse_cross_site(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
    let origin = headers
        .get(header::ORIGIN)
        .map(|value| value.to_str().unwrap_or("null"));
    let let_in_by_cors = origin.is_some_and(|origin| config.cors.admits(origin));
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        let site = site.to_str().unwrap_or("unreadable");
        if !matches!(site, "same-origin" | "none") && !let_in_by_cors {
            return Err(cross_site(format!("Sec-Fetch-Site: {site}")));
        }
    }
    if let Some(origin) = origin {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok());
        if !is_own_origin(origin, host, config) && !let_in_by_cors {
            return Err(cross_site(format!("Origin: {}", shorten(origin))));
        }
    }
    Ok(())
}

/// Whether `origin` (`scheme://host[:port]`) names this server: exactly the request's `Host`,
/// or a name the server was told is its own.
fn is_own_origin(origin: &str, host: Option<&str>, config: &Config) -> bool {
    let Some((_, authority)) = origin.split_once("://") else {
        return false; // "null" (a sandboxed page, a file) or garbage
    };
    if authority.is_empty() || authority.contains('/') {
        return false;
    }
    host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
        || config.hosts.names_server(authority)
}

fn cross_site(said: String) -> ApiError {
    ApiError::new(
        ErrorCode::CrossSiteRequest,
        format!(
            "this route changes what the server holds and the request comes from another site ({said})"
        ),
        "send it from the server's own page, or from a client that is not a browser; a page on \
         another origin needs the server started with --cors-origin ORIGIN",
    )
}

/// At most 100 characters of a header, for an error message.
fn shorten(value: &str) -> String {
    value.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::CorsOrigins;
    use crate::host::AllowedHosts;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    fn config() -> Config {
        Config {
            hosts: AllowedHosts::new(None, &["verbatim.example".into()]).unwrap(),
            cors: CorsOrigins::new(&["https://app.example".into()]).unwrap(),
            ..Config::default()
        }
    }

    #[test]
    fn browsers_from_elsewhere_are_refused() {
        let config = config();
        let host = ("host", "127.0.0.1:8490");
        for refused in [
            headers(&[host, ("origin", "http://evil.example")]),
            headers(&[host, ("origin", "null")]),
            headers(&[host, ("origin", "http://127.0.0.1:8491")]),
            headers(&[host, ("sec-fetch-site", "cross-site")]),
            headers(&[host, ("sec-fetch-site", "same-site")]),
            headers(&[
                host,
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://evil.example"),
            ]),
        ] {
            let error = refuse_cross_site(&refused, &config).unwrap_err();
            assert_eq!(error.code(), ErrorCode::CrossSiteRequest, "{refused:?}");
        }
    }

    #[test]
    fn the_own_page_other_clients_and_cors_origins_pass() {
        let config = config();
        let host = ("host", "127.0.0.1:8490");
        for passed in [
            headers(&[host]),
            headers(&[
                host,
                ("origin", "http://127.0.0.1:8490"),
                ("sec-fetch-site", "same-origin"),
            ]),
            headers(&[host, ("sec-fetch-site", "none")]),
            headers(&[host, ("origin", "https://verbatim.example")]),
            headers(&[
                host,
                ("origin", "https://app.example"),
                ("sec-fetch-site", "cross-site"),
            ]),
        ] {
            assert!(refuse_cross_site(&passed, &config).is_ok(), "{passed:?}");
        }
    }
}
