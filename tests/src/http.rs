//! Talking to a server as a client does: one request and its answer parsed as JSON, the answer
//! deserialized into the API's own types, and the query-string encoder.

use std::io::{Read, Write};

use indexer::api::SearchResponse;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::error::{ErrorBody, ErrorCode, ErrorDetail};
use ureq::http::HeaderMap;

use crate::wait::PATIENCE;

/// RFC 3986's unreserved characters stay as they are; every other byte is percent-encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `?k=v&k=v` with every name and value percent-encoded (spaces, quotes, Chinese...); "" for no pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, NOT_UNRESERVED),
                utf8_percent_encode(value, NOT_UNRESERVED)
            )
        })
        .collect();
    format!("?{}", encoded.join("&"))
}

/// A body each `POST` route of the API accepts, for tests that visit every route.
pub fn sample_body(path: &str) -> &'static str {
    match path {
        "/v1/crosstab" => r#"{"rows": [{"q": "trust"}], "by": "role_group"}"#,
        "/v1/keyness" => r#"{"target": {"role_group": "GP"}}"#,
        "/v1/kwic" => r#"{"search": {"q": "trust"}}"#,
        "/v1/verify" => {
            r#"{"text": "They said \"more than co-location in my view\" [Independent GP ID9]."}"#
        }
        _ => r#"{"q": "trust"}"#,
    }
}

/// Whether a route answers only after earlier requests made something (a hit set must be saved
/// before it is read, changed, re-run or deleted): tests that visit every route with one sample
/// request each leave these to `tests/tests/sets.rs`, which walks them in order.
pub fn needs_earlier_requests(path: &str) -> bool {
    path.starts_with("/v1/sets")
}

/// An HTTP answer with its body parsed as JSON.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as JSON (every answer of the server is JSON): for tests of the exact wire shape;
    /// [`Reply::ok`] and [`Reply::error`] give the API's types.
    pub body: Value,
}

impl Reply {
    /// The body as the API type `T`, once the status is 200; fails the test with the whole answer
    /// otherwise.
    pub fn ok<T: DeserializeOwned>(&self, what: &str) -> T {
        assert_eq!(
            self.status, 200,
            "{what}: expected 200, got {}: {:#}",
            self.status, self.body
        );
        serde_json::from_value(self.body.clone()).unwrap_or_else(|e| {
            panic!(
                "{what}: the answer is not the API's type ({e}): {:#}",
                self.body
            )
        })
    }

    /// The error of an error answer; fails the test when the body is not `{"error": {"code",
    /// "message", "hint"}}`.
    pub fn error(&self) -> ErrorDetail {
        self.error_detail().unwrap_or_else(|| {
            panic!(
                "a {} answer without the error shape: {:#}",
                self.status, self.body
            )
        })
    }

    /// The error of an error answer, `None` when the body does not have the error shape.
    pub fn error_detail(&self) -> Option<ErrorDetail> {
        serde_json::from_value::<ErrorBody>(self.body.clone())
            .ok()
            .map(|body| body.error)
    }

    /// The error code of an error answer, `None` for any other answer.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.error_detail().map(|error| error.code)
    }
}

/// An HTTP answer with its body as text, whatever its content type (files, errors).
#[derive(Debug)]
pub struct TextReply {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body (bytes that are not UTF-8 replaced).
    pub text: String,
}

impl TextReply {
    /// The answer with its body parsed as JSON; fails the test with the raw text when it is not.
    pub fn json(self, what: &str) -> Reply {
        let body = serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "{what} answered {} with a body that is not JSON ({e}): {}",
                self.status, self.text
            )
        });
        Reply {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    /// A header's value, `""` when the answer has none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// Sends one request to `url` with exactly these headers (besides the ones the client always
/// sends: Host, and Content-Length with a body) and `body` as is.
pub fn http_send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> TextReply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(PATIENCE))
        .build()
        .into();
    let request = headers.iter().fold(
        ureq::http::Request::builder().method(method).uri(url),
        |request, (name, value)| request.header(*name, *value),
    );
    let sent = match body {
        Some(body) => agent.run(request.body(body.as_bytes()).expect("valid request")),
        None => agent.run(request.body(()).expect("valid request")),
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .body_mut()
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{method} {url}: cannot read the body: {e}"));
    // Files such as XLSX are not text; their bytes only need to be there.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    TextReply {
        status,
        headers,
        text,
    }
}

/// Sends one request to `url` and parses the answer as JSON, whatever its status; fails the test
/// with the raw text when it is not JSON. A body goes as `Content-Type: application/json`.
pub fn http_request(method: &str, url: &str, bearer: Option<&str>, body: Option<&str>) -> Reply {
    let authorization = bearer.map(|key| format!("Bearer {key}"));
    let mut headers = Vec::new();
    if let Some(authorization) = &authorization {
        headers.push(("Authorization", authorization.as_str()));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    http_send(method, url, &headers, body).json(&format!("{method} {url}"))
}

/// Sends `request` byte for byte on a connection of its own to the server at `url`
/// (`http://ADDRESS`) and returns what came back until the server closed it: for requests no
/// client library would send. The request should say `Connection: close`.
pub fn raw_exchange(url: &str, request: &[u8]) -> String {
    let mut stream =
        std::net::TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    stream.write_all(request).expect("send");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

/// A running Verbatim server, spoken to over HTTP: the in-process [`crate::TestServer`] and the
/// `verbatim-server` binary ([`crate::ListeningChild`]) alike.
pub trait HttpApi {
    /// Base address, `http://127.0.0.1:PORT`.
    fn base_url(&self) -> &str;

    /// Any request, optionally with `Authorization: Bearer KEY` and a JSON body.
    fn request(&self, method: &str, path: &str, bearer: Option<&str>, body: Option<&str>) -> Reply {
        http_request(method, &format!("{}{path}", self.base_url()), bearer, body)
    }

    /// `GET path` (with its query string).
    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, None, None)
    }

    /// `POST path` with `body` sent as JSON.
    fn post(&self, path: &str, body: &str) -> Reply {
        self.request("POST", path, None, Some(body))
    }

    /// `GET path`, answered 200 with the API type `T`.
    fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        self.get(path).ok(path)
    }

    /// `GET /v1/search` with these parameters, answered 200.
    fn search(&self, params: &[(&str, &str)]) -> SearchResponse {
        self.get_ok(&format!("/v1/search{}", query_string(params)))
    }

    /// How many passages `GET /v1/search` with these parameters matches.
    fn total(&self, params: &[(&str, &str)]) -> u64 {
        let mut params = params.to_vec();
        params.push(("limit", "0"));
        self.search(&params).total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_encode_all_but_unreserved_characters() {
        assert_eq!(query_string(&[]), "");
        assert_eq!(
            query_string(&[
                ("q", "\"more than\" co-location"),
                ("attr.years_in_post", "1~2")
            ]),
            "?q=%22more%20than%22%20co-location&attr.years_in_post=1~2"
        );
        assert_eq!(query_string(&[("q", "初级")]), "?q=%E5%88%9D%E7%BA%A7");
        assert_eq!(query_string(&[("a&b", "c=d+e/f")]), "?a%26b=c%3Dd%2Be%2Ff");
    }
}
