//! Hostile requests against the real router: wrong JSON types, deep nesting, paging at its
//! extremes, bytes that are not UTF-8, path traversal in document ids, and clients that trickle
//! their request in. Each gets a JSON 4xx (or, below the router, a bare 400) and the server
//! goes on serving everyone else.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use verbatim_tests::{Reply, TestIndex, TestServer, build_corpus_index, http_request};

use super::{assert_error_shape, assert_ok_or_client_error};

const DOC: &str = "mcdermott-2019-integrated-care";

struct Fixture {
    server: TestServer,
    _index: TestIndex,
}

fn serve(config: server::Config) -> Fixture {
    let index = build_corpus_index();
    let opened = indexer::Index::open(index.path()).expect("open the demo index");
    Fixture {
        server: TestServer::serve(server::app(server::AppState::new(opened, config))),
        _index: index,
    }
}

fn assert_error(reply: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.body);
    assert_eq!(reply.error_code(), code, "{what}: {}", reply.body);
    assert_error_shape(reply, what);
}

#[test]
fn wrong_types_and_deep_nesting_get_json_errors() {
    let fx = serve(server::Config::default());
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
            &fx.server.post("/v1/search", body),
            422,
            "invalid_field_value",
            body,
        );
    }
    let not_objects = ["[1, 2]", "\"trust\"", "null", "true", "", " ", "{", "}{"];
    for body in not_objects {
        let reply = fx.server.post("/v1/search", body);
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
        let reply = fx.server.post("/v1/search", &body);
        assert!(
            matches!(reply.status, 400 | 422),
            "deep nesting: {}",
            reply.body
        );
        assert_error_shape(&reply, "deep nesting");
    }
    assert_eq!(fx.server.get("/health").status, 200, "the server stays up");
}

#[test]
fn limit_offset_and_context_at_their_extremes() {
    let fx = serve(server::Config::default());
    let accepted = [
        "limit=0",
        "limit=1000",
        "offset=100000",
        "limit=1000&offset=100000",
        "context=20",
        "limit=1000&context=20&sort=date",
    ];
    for params in accepted {
        let reply = fx.server.get(&format!("/v1/search?q=care&{params}"));
        assert_eq!(reply.status, 200, "{params}: {}", reply.body);
    }
    let deep = fx.server.get("/v1/search?q=care&offset=100000");
    assert_eq!(deep.body["hits"].as_array().map(Vec::len), Some(0));
    assert!(deep.body["total"].as_u64().is_some_and(|n| n > 0));
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
        let reply = fx.server.get(&format!("/v1/search?q=care&{params}"));
        assert_error(&reply, 422, "invalid_field_value", params);
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(field), "{params}: {message}");
        let value = params.split_once('=').map_or("", |(_, v)| v);
        let posted = fx.server.post(
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
    let documents = fx.server.get("/v1/documents?limit=1000&offset=100000");
    assert_eq!(documents.status, 200, "{}", documents.body);
    assert_error(
        &fx.server.get("/v1/documents?offset=100001"),
        422,
        "invalid_field_value",
        "documents offset",
    );
    let passage = |n: &str| fx.server.get(&format!("/v1/documents/{DOC}/passages/{n}"));
    assert_error(&passage("0"), 422, "invalid_field_value", "passage 0");
    assert_error(
        &passage("4294967296"),
        422,
        "invalid_field_value",
        "passage 2^32",
    );
    assert_error(&passage("4294967295"), 404, "not_found", "passage u32::MAX");
    assert_error(&passage("-1"), 422, "invalid_field_value", "passage -1");
}

#[test]
fn invalid_utf8_in_the_query_string_gets_a_json_422() {
    let fx = serve(server::Config::default());
    for query in [
        "q=%FF",
        "q=%C3%28",
        "q=trust%80",
        "q=%ED%A0%80",
        "%FF=1",
        "role=%FE%FF&q=care",
    ] {
        for route in ["/v1/search", "/v1/facets/role", "/v1/documents"] {
            let reply = fx.server.get(&format!("{route}?{query}"));
            assert_ok_or_client_error(&reply, &format!("{route}?{query}"));
            assert_ne!(reply.status, 200, "{route}?{query} was accepted");
        }
    }
    let named = fx.server.get("/v1/search?q=trust%80");
    let message = named.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("q:"), "names the parameter: {message}");
    // Raw bytes that are not even percent-encoded are refused below the router; the server
    // must answer (or close) and stay up.
    let status = raw_exchange(
        &fx.server.url,
        b"GET /v1/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        status.starts_with("HTTP/1.1 4") || status.is_empty(),
        "raw bytes: {status:?}"
    );
    assert_eq!(fx.server.get("/health").status, 200);
}

#[test]
fn path_traversal_in_document_ids_finds_nothing() {
    let fx = serve(server::Config::default());
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
            let reply = fx.server.get(&path);
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
            &fx.server.url,
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert!(status.starts_with("HTTP/1.1 404"), "{path}: {status:?}");
    }
    let real = fx.server.get(&format!("/v1/documents/{DOC}"));
    assert_eq!(real.status, 200, "a real id still works: {}", real.body);
}

#[test]
fn trickling_and_silent_clients_are_cut_off_while_others_are_served() {
    let (timeout, limit) = (Duration::from_secs(1), Duration::from_secs(2));
    let index = build_corpus_index();
    let opened = indexer::Index::open(index.path()).expect("open the demo index");
    let config = server::Config {
        request_timeout: timeout,
        ..server::Config::default()
    };
    let guarded =
        TestServer::serve_guarded(server::app(server::AppState::new(opened, config)), limit);
    let address = guarded.url.trim_start_matches("http://").to_string();

    // A body that trickles in, one byte every 200 ms: the request timeout answers 408.
    let trickled_body = trickle(
        &address,
        b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{",
        b" ",
    );
    // Headers that trickle in, and a connection that sends nothing: the listener cuts them off.
    let trickled_headers = trickle(&address, b"GET /v1/search?q=trust HTTP/1.1\r\n", b"X");
    let silent = trickle(&address, b"", b"");

    // Meanwhile, ordinary requests are answered promptly.
    for _ in 0..15 {
        let started = Instant::now();
        let reply = http_request(
            "GET",
            &format!("{}/v1/search?q=trust", guarded.url),
            None,
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(
            started.elapsed() < timeout,
            "an ordinary request waited {:?} behind slow clients",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (reply, waited) = trickled_body.join().expect("trickling client");
    assert!(
        reply.starts_with("HTTP/1.1 408"),
        "a trickled body gets 408: {reply:?}"
    );
    assert!(reply.contains("request_timeout"), "{reply}");
    assert!(
        waited < limit * 2,
        "the trickled body was cut off after {waited:?}"
    );
    for (client, what) in [
        (trickled_headers, "trickled headers"),
        (silent, "a silent connection"),
    ] {
        let (reply, waited) = client.join().expect("slow client");
        assert!(
            !reply.starts_with("HTTP/1.1 2"),
            "{what} got an answer: {reply:?}"
        );
        assert!(
            waited >= limit && waited < limit * 3,
            "{what} was cut off after {waited:?} (limit {limit:?})"
        );
    }
}

/// Connects, sends `head`, then one `byte` every 200 ms (for at most 10 s) until the server
/// answers or closes; returns what it answered and when.
fn trickle(
    address: &str,
    head: &'static [u8],
    byte: &'static [u8],
) -> std::thread::JoinHandle<(String, Duration)> {
    let address = address.to_string();
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&address).expect("connect");
        let started = Instant::now();
        stream.write_all(head).expect("send the start");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("read timeout");
        let mut reply = Vec::new();
        let mut buffer = [0; 4096];
        while started.elapsed() < Duration::from_secs(10) {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    reply.extend_from_slice(&buffer[..n]);
                    if reply.ends_with(b"}") {
                        break;
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if stream.write_all(byte).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        (
            String::from_utf8_lossy(&reply).into_owned(),
            started.elapsed(),
        )
    })
}

/// Sends raw bytes and returns the response's status line and body ("" when the server closes).
fn raw_exchange(url: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    stream.write_all(request).expect("send");
    read_reply(&mut stream)
}

fn read_reply(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    // Every raw request says `Connection: close`: the reply ends when the server closes.
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

#[test]
fn requests_for_files_by_url_get_no_files() {
    let fx = serve(server::Config::default());
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/v1/../openapi.json/../../etc/passwd",
        "/corpus/participants.csv",
        "/.verbatim-index/CURRENT",
    ] {
        let url = format!("{}{path}", fx.server.url);
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
    let fx = serve(server::Config::default());
    for path in ["/v1/search?q=care&year=..", "/v1/facets/role?year=.."] {
        assert_error(&fx.server.get(path), 422, "invalid_field_value", path);
    }
    let posted = fx
        .server
        .post("/v1/search", r#"{"q": "care", "filters": {"year": {}}}"#);
    assert_error(&posted, 422, "invalid_field_value", "year {}");
    let message = posted.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("filters.year:"), "{message}");
}
