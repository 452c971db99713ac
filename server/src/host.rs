//! The `Host` allow-list, against DNS rebinding.
//!
//! A page on `evil.example` can re-point its own name at 127.0.0.1; the browser then treats the
//! local server as part of that site and lets the page read its answers. Such requests still
//! say `Host: evil.example`, so the server answers only to names it knows are its own, as
//! Jupyter, Vite and webpack's dev server do: `localhost`, IP addresses of this machine
//! (loopback ones, the bound one, or any when bound to every interface: an address typed in
//! the browser cannot be re-pointed by anyone), and the names given with `--allowed-host`.
//! Ports are not compared: an SSH tunnel, a container's port mapping or a reverse proxy can
//! put the server behind another port, and a rebinding attack changes the name, not the port.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;

use crate::error::{ApiError, ErrorCode};

/// The names the server answers to.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    /// The address the server listens on, when known.
    bound: Option<IpAddr>,
    /// `--allowed-host` names, lowercase, without a trailing dot.
    names: Vec<String>,
}

impl AllowedHosts {
    /// The names of a server listening on `bound`, plus `names` (host names without a port).
    pub fn new(bound: Option<IpAddr>, names: &[String]) -> Result<AllowedHosts, String> {
        let names = names
            .iter()
            .map(|name| name.trim())
            .filter(|name| !name.is_empty())
            .map(|name| {
                let valid = name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
                if valid {
                    Ok(normalized(name))
                } else {
                    Err(format!(
                        "--allowed-host {name:?}: give a host name only, such as verbatim.example \
                         (no scheme, port or path; any port is accepted)"
                    ))
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(AllowedHosts { bound, names })
    }

    /// Whether a `Host` value (`name`, `name:port`, `[v6]:port`) names this server.
    pub fn admits(&self, host: &str) -> bool {
        let name = name_of(host);
        if name == "localhost" {
            return true;
        }
        if let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return ip.is_loopback()
                || self
                    .bound
                    .is_some_and(|bound| bound.is_unspecified() || bound == ip);
        }
        self.names.contains(&name)
    }

    /// Whether the name of `authority` is one given with `--allowed-host`.
    pub fn names_server(&self, authority: &str) -> bool {
        self.names.contains(&name_of(authority))
    }
}

/// The name part of `host[:port]`, lowercase, without a trailing dot (`localhost.` is `localhost`).
fn name_of(host: &str) -> String {
    let name = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(inside, _)| inside)
            .trim_start_matches('[')
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    normalized(name)
}

fn normalized(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Middleware on every request: refuses a `Host` (or an absolute URI's authority) that does not
/// name this server, and a request that names none.
pub async fn refuse_unknown_host(
    State(hosts): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let host = request.uri().authority().map(|a| a.as_str()).or_else(|| {
        request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
    });
    match host {
        Some(host) if hosts.admits(host) => next.run(request).await,
        Some(host) => unknown_host(host).into_response(),
        None => ApiError::new(
            ErrorCode::UnknownHost,
            "the request has no Host header",
            "send the Host header (HTTP/1.1 requires it)",
        )
        .into_response(),
    }
}

fn unknown_host(host: &str) -> ApiError {
    let name: String = name_of(host).chars().take(100).collect();
    ApiError::new(
        ErrorCode::UnknownHost,
        format!("this server does not answer to the host name {name:?}"),
        format!(
            "open it by its own address (such as http://127.0.0.1:8490); if {name:?} is meant to \
             reach it (a reverse proxy, a name on your network), start the server with \
             --allowed-host {name} (or VERBATIM_ALLOWED_HOSTS={name})"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bound: &str, names: &[&str]) -> AllowedHosts {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        AllowedHosts::new(Some(bound.parse().unwrap()), &names).unwrap()
    }

    #[test]
    fn loopback_names_are_admitted_and_others_refused() {
        let loopback = hosts("127.0.0.1", &[]);
        for admitted in [
            "localhost:8490",
            "LOCALHOST",
            "localhost.:8490",
            "127.0.0.1:8490",
            "127.0.0.1:9000",
            "[::1]:8490",
            "[::1]",
        ] {
            assert!(loopback.admits(admitted), "{admitted}");
        }
        for refused in [
            "evil.example:8490",
            "evil.example",
            "localhost.evil.example",
            "10.0.0.5:8490",
            "[2001:db8::1]:8490",
            "",
        ] {
            assert!(!loopback.admits(refused), "{refused}");
        }
    }

    #[test]
    fn bound_addresses_and_allowed_names_are_admitted() {
        let named = hosts("10.0.0.5", &["Verbatim.Example."]);
        assert!(named.admits("10.0.0.5:8490"));
        assert!(!named.admits("10.0.0.6:8490"));
        assert!(named.admits("verbatim.example"));
        assert!(named.admits("VERBATIM.example:443"));
        assert!(!named.admits("sub.verbatim.example"));
        let everywhere = hosts("0.0.0.0", &[]);
        assert!(everywhere.admits("10.0.0.6:8490"));
        assert!(everywhere.admits("[2001:db8::1]:8490"));
        assert!(!everywhere.admits("evil.example:8490"));
    }

    #[test]
    fn allowed_hosts_are_names_only() {
        for wrong in [
            "https://verbatim.example",
            "verbatim.example:443",
            "a/b",
            "a b",
        ] {
            let error = AllowedHosts::new(None, &[wrong.to_string()]).unwrap_err();
            assert!(error.contains("host name only"), "{wrong}: {error}");
        }
        let blank = AllowedHosts::new(None, &[String::new(), " ".into()]).unwrap();
        assert!(blank.names.is_empty());
    }
}
