//! Hostile requests against the real router: wrong JSON types, deep nesting, paging at its
//! extremes, bytes that are not UTF-8, path traversal in document ids, and clients that trickle
//! their request in. Each gets a JSON 4xx (or, below the router, a bare 400) and the server
//! goes on serving everyone else.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indexer::api::SearchResponse;
use verbatim_tests::{
    ErrorCode, HttpApi, PATIENCE, Reply, TestServer, demo_index, http_request, open_demo_index,
    raw_exchange,
};

use super::{assert_error_shape, assert_ok_or_client_error};

const DOC: &str = "mcdermott-2019-integrated-care";

fn serve_demo() -> TestServer {
    TestServer::start(demo_index(), None)
}

fn assert_error(reply: &Reply, status: u16, code: ErrorCode, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert_eq!(reply.error_code(), Some(code), "{what}: {}", reply.body);
    assert_error_shape(reply, what);
}

#[test]
fn wrong_types_and_deep_nesting_get_json_errors() {
    let server = serve_demo();
    let wrong_types = [
        r#"{"q": 5}"#,
        r#"{"q": null}"#,
        r#"{"q": ["trust"]}"#,
        r#"{"q": {"q": "trust"}}"#,
        r#"{"limit": -1}"#,
        r#"{"limit": 2.5}"#,
        r#"{"limit": 1e300}"#,
        r#"{"limit": 18446744073709551616}"#,
        r#"{"offset": "0"}"#,
        r#"{"filters": {"year": "soon"}}"#,
        r#"{"filters": {"year": {"from": 99999999999}}}"#,
        r#"{"filters": {"kind": 3}}"#,
        r#"{"filters": {"attr": {"gender": {"x": 1}}}}"#,
        r#"{"facets": [7]}"#,
        r#"{"facets": ["attr."]}"#,
        r#"{"sort": "random"}"#,
        r#"{"highlight": "yes"}"#,
        r#"{"context": 1e2}"#,
    ];
    for body in wrong_types {
        assert_error(
            &server.post("/v1/search", body),
            422,
            ErrorCode::InvalidFieldValue,
            body,
        );
    }
    let not_objects = ["[1, 2]", "\"trust\"", "null", "true", "", " ", "{", "}{"];
    for body in not_objects {
        let reply = server.post("/v1/search", body);
        assert!(
            matches!(reply.status, 400 | 422),
            "{body:?}: {}",
            reply.body
        );
        assert_error_shape(&reply, body);
    }
    // Nesting well past serde_json's recursion limit, still under the body limit.
    let depth = 20_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", r#"{"q":"#.repeat(depth / 5), "}".repeat(depth / 5));
    let in_filters = format!(
        r#"{{"filters": {{"role": {}"GP"{}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for body in [arrays, objects, in_filters] {
        let reply = server.post("/v1/search", &body);
        assert!(
            matches!(reply.status, 400 | 422),
            "deep nesting: {}",
            reply.body
        );
        assert_error_shape(&reply, "deep nesting");
    }
    assert_eq!(server.get("/health").status, 200, "the server stays up");
}

#[test]
fn limit_offset_and_context_at_their_extremes() {
    let server = serve_demo();
    let accepted = [
        "limit=0",
        "limit=1000",
        "offset=100000",
        "limit=1000&offset=100000",
        "context=20",
        "limit=1000&context=20&sort=date",
    ];
    for params in accepted {
        let reply = server.get(&format!("/v1/search?q=care&{params}"));
        assert_eq!(reply.status, 200, "{params}: {}", reply.body);
    }
    let deep: SearchResponse = server.get_ok("/v1/search?q=care&offset=100000");
    assert!(deep.hits.is_empty() && deep.total > 0, "{deep:?}");
    let refused = [
        ("limit=1001", "limit"),
        ("offset=100001", "offset"),
        ("context=21", "context"),
        ("limit=18446744073709551615", "limit"),
        ("limit=18446744073709551616", "limit"),
        ("offset=99999999999999999999999999999", "offset"),
        ("limit=-1", "limit"),
        ("limit=1e3", "limit"),
        ("offset=0x10", "offset"),
    ];
    for (params, field) in refused {
        let reply = server.get(&format!("/v1/search?q=care&{params}"));
        assert_error(&reply, 422, ErrorCode::InvalidFieldValue, params);
        let message = reply.error().message;
        assert!(message.starts_with(field), "{params}: {message}");
        let value = params.split_once('=').map_or("", |(_, v)| v);
        let posted = server.post(
            "/v1/search",
            &format!(r#"{{"q": "care", "{field}": {value}}}"#),
        );
        if value == "1e3" {
            // In JSON `1e3` is the whole number 1000, an integer to JSON Schema (issue 12).
            assert_eq!(posted.status, 200, "POST {params}: {}", posted.body);
            continue;
        }
        assert!(
            matches!(posted.status, 400 | 422),
            "POST {params}: {}",
            posted.body
        );
        assert_error_shape(&posted, params);
    }
    let documents = server.get("/v1/documents?limit=1000&offset=100000");
    assert_eq!(documents.status, 200, "{}", documents.body);
    assert_error(
        &server.get("/v1/documents?offset=100001"),
        422,
        ErrorCode::InvalidFieldValue,
        "documents offset",
    );
    let passage = |n: &str| server.get(&format!("/v1/documents/{DOC}/passages/{n}"));
    assert_error(
        &passage("0"),
        422,
        ErrorCode::InvalidFieldValue,
        "passage 0",
    );
    assert_error(
        &passage("4294967296"),
        422,
        ErrorCode::InvalidFieldValue,
        "passage 2^32",
    );
    assert_error(
        &passage("4294967295"),
        404,
        ErrorCode::NotFound,
        "passage u32::MAX",
    );
    assert_error(
        &passage("-1"),
        422,
        ErrorCode::InvalidFieldValue,
        "passage -1",
    );
}

#[test]
fn invalid_utf8_in_the_query_string_gets_a_json_422() {
    let server = serve_demo();
    for query in [
        "q=%FF",
        "q=%C3%28",
        "q=trust%80",
        "q=%ED%A0%80",
        "%FF=1",
        "role=%FE%FF&q=care",
    ] {
        for route in ["/v1/search", "/v1/facets/role", "/v1/documents"] {
            let reply = server.get(&format!("{route}?{query}"));
            assert_ok_or_client_error(&reply, &format!("{route}?{query}"));
            assert_ne!(reply.status, 200, "{route}?{query} was accepted");
        }
    }
    let named = server.get("/v1/search?q=trust%80");
    let message = named.error().message;
    assert!(message.starts_with("q:"), "names the parameter: {message}");
    // Raw bytes that are not even percent-encoded are refused below the router; the server
    // must answer (or close) and stay up.
    let status = raw_exchange(
        &server.url,
        &[
            b"GET /v1/search?q=\xff\xfe HTTP/1.1\r\nHost: ",
            host_of(&server),
            b"\r\nConnection: close\r\n\r\n",
        ]
        .concat(),
    );
    assert!(
        status.starts_with("HTTP/1.1 4") || status.is_empty(),
        "raw bytes: {status:?}"
    );
    assert_eq!(server.get("/health").status, 200);
}

#[test]
fn path_traversal_in_document_ids_finds_nothing() {
    let server = serve_demo();
    let ids = [
        "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%252e%252e%252fetc%252fpasswd",
        "..%5C..%5CCURRENT",
        "..%2FCURRENT",
        "....%2F%2F....%2F%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "..",
        ".",
        "%00",
        "mcdermott-2019-integrated-care%00.md",
        "documents%2Fmcdermott-2019-integrated-care.md",
        "%C0%AE%C0%AE%2F",
    ];
    for id in ids {
        for path in [
            format!("/v1/documents/{id}"),
            format!("/v1/documents/{id}/passages/1"),
        ] {
            let reply = server.get(&path);
            assert!(
                matches!(reply.status, 404 | 422),
                "{path}: {} {}",
                reply.status,
                reply.body
            );
            assert_error_shape(&reply, &path);
            assert!(
                !reply.body.to_string().contains("root:"),
                "{path} leaked a file"
            );
        }
    }
    // Unencoded dot segments never reach a handler with a path-like id.
    for path in [
        "/v1/documents/../../etc/passwd",
        "/v1/documents/./../CURRENT",
    ] {
        let status = raw_exchange(
            &server.url,
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                server.url.trim_start_matches("http://")
            )
            .as_bytes(),
        );
        assert!(status.starts_with("HTTP/1.1 404"), "{path}: {status:?}");
    }
    let real = server.get(&format!("/v1/documents/{DOC}"));
    assert_eq!(real.status, 200, "a real id still works: {}", real.body);
}

/// The server's address as a `Host` header names it (`127.0.0.1:PORT`).
fn host_of(server: &TestServer) -> &[u8] {
    server.url.trim_start_matches("http://").as_bytes()
}

/// The three slow clients: a body trickling in, headers trickling in, and a silent connection.
fn slow_clients(url: &str) -> [SlowClient; 3] {
    let post_head = format!(
        "POST /v1/search HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{",
        url.trim_start_matches("http://")
    );
    [
        SlowClient::start(url, post_head.as_bytes(), b" "),
        SlowClient::start(url, b"GET /v1/search?q=trust HTTP/1.1\r\n", b"X"),
        SlowClient::start(url, b"", b""),
    ]
}

/// The demo index behind the server's real listener guard, with the request timeout `timeout`
/// and `limit` for each client to send each request.
fn serve_guarded(timeout: Duration, limit: Duration) -> TestServer {
    let config = server::Config {
        request_timeout: timeout,
        ..server::Config::default()
    };
    let state = server::AppState::new(open_demo_index(), config);
    TestServer::serve_guarded(server::app(state), limit)
}

#[test]
fn slow_clients_do_not_keep_others_waiting() {
    // Limits no test run reaches: the slow clients keep their connections until they hang up.
    let server = serve_guarded(PATIENCE * 10, PATIENCE * 10);
    let slow = slow_clients(&server.url);
    for _ in 0..15 {
        let reply = server.get("/v1/search?q=trust");
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    for client in slow {
        assert!(
            client.is_waiting(),
            "a slow client was cut off before its limit"
        );
    }
}

#[test]
fn trickling_and_silent_clients_are_cut_off() {
    let server = serve_guarded(Duration::from_secs(1), Duration::from_secs(2));
    let [trickled_body, trickled_headers, silent] = slow_clients(&server.url);
    let body = trickled_body.ending();
    assert!(
        body.answer.starts_with("HTTP/1.1 408") && body.answer.contains("request_timeout"),
        "a trickled body gets 408: {body:?}"
    );
    for (client, what) in [
        (trickled_headers, "trickled headers"),
        (silent, "a silent connection"),
    ] {
        let ending = client.ending();
        assert!(
            ending.closed_by_server && !ending.answer.starts_with("HTTP/1.1 2"),
            "{what} is cut off without an answer: {ending:?}"
        );
    }
    assert_eq!(server.get("/health").status, 200, "the server stays up");
}

/// A client that connects, sends the start of a request, then one more byte every 200 ms until
/// the server answers or closes the connection; dropping it hangs up.
struct SlowClient {
    stream: TcpStream,
    thread: Option<JoinHandle<Ending>>,
}

/// How a slow client's connection ended.
#[derive(Debug)]
struct Ending {
    /// What the server sent ("" when nothing).
    answer: String,
    /// Whether the server ended it (it answered or closed), not the client's own patience.
    closed_by_server: bool,
}

impl SlowClient {
    /// Connects to the server at `url` and sends `head` (so the connection is open before the
    /// caller goes on), then trickles `byte` on a thread.
    fn start(url: &str, head: &[u8], byte: &'static [u8]) -> SlowClient {
        let mut stream = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
        stream.write_all(head).expect("send the start");
        let reader = stream
            .try_clone()
            .expect("a second handle on the connection");
        SlowClient {
            stream,
            thread: Some(std::thread::spawn(move || trickle(reader, byte))),
        }
    }

    /// Whether the connection is still open, the server neither answering nor closing it.
    fn is_waiting(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Waits for the connection to end, and says how.
    fn ending(mut self) -> Ending {
        let thread = self.thread.take().expect("a slow client's thread");
        thread.join().expect("slow client")
    }
}

impl Drop for SlowClient {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// Sends `byte` every 200 ms until the server answers or closes, or [`PATIENCE`] runs out.
fn trickle(mut stream: TcpStream, byte: &[u8]) -> Ending {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("read timeout");
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    let closed_by_server = loop {
        if started.elapsed() > PATIENCE {
            break false;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break true,
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.ends_with(b"}") {
                    break true;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if stream.write_all(byte).is_err() {
                    break true;
                }
            }
            Err(_) => break true,
        }
    };
    Ending {
        answer: String::from_utf8_lossy(&answer).into_owned(),
        closed_by_server,
    }
}

/// Sends raw bytes and returns the response's status line and body ("" when the server closes).
#[test]
fn requests_for_files_by_url_get_no_files() {
    let server = serve_demo();
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/v1/../openapi.json/../../etc/passwd",
        "/corpus/participants.csv",
        "/.verbatim-index/CURRENT",
    ] {
        let url = format!("{}{path}", server.url);
        let reply = http_request("GET", &url, None, None);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {} {}",
            reply.status,
            reply.body
        );
        assert!(!reply.body.to_string().contains("root:"), "{path}");
    }
}

/// Found by fuzzing: a year range with neither end made tantivy panic (a 500).
#[test]
fn a_year_range_without_ends_gets_a_422() {
    let server = serve_demo();
    for path in ["/v1/search?q=care&year=..", "/v1/facets/role?year=.."] {
        assert_error(&server.get(path), 422, ErrorCode::InvalidFieldValue, path);
    }
    let posted = server.post("/v1/search", r#"{"q": "care", "filters": {"year": {}}}"#);
    assert_error(&posted, 422, ErrorCode::InvalidFieldValue, "year {}");
    let message = posted.error().message;
    assert!(message.starts_with("filters.year:"), "{message}");
}
