//! Query fuzzing: generated and hand-picked hostile query texts and requests through
//! `Index::search` and through HTTP. No input may panic the engine or get a 5xx; every failure
//! is a user error (a 4xx with the JSON error shape over HTTP).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use indexer::api::{FacetField, Filters, SearchRequest, Sort, YearRange};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use verbatim_tests::{
    ErrorBody, ErrorCode, HttpApi, PATIENCE, TestServer, demo_index, http_request, open_demo_index,
    query_string,
};

use super::{assert_ok_or_client_error, long_tests};

/// Generated cases through the library in the default run, and with `VERBATIM_LONG_TESTS=1`.
const LIBRARY_CASES: u32 = 100_000;
const LIBRARY_CASES_LONG: u32 = 1_000_000;
/// Generated cases sent over HTTP (each by GET and by POST).
const HTTP_CASES: usize = 300;
const HTTP_CASES_LONG: usize = 5_000;

/// Pieces a hostile query is assembled from: syntax fragments, field-like prefixes, scripts,
/// marks and characters that tokenizers and parsers tend to trip on.
const PIECES: &[&str] = &[
    "\"",
    "\"\"",
    "“",
    "”",
    "＂",
    "(",
    ")",
    "（",
    "）",
    "((",
    "))",
    "OR",
    "AND",
    "|",
    "&",
    "-",
    "--",
    "*",
    "**",
    "-(",
    "OR OR",
    "role:",
    "kind:",
    "year:",
    "field:",
    ":",
    "site:\"",
    "attr.gender:",
    "99999999999999999999999999",
    "-0",
    "1e308",
    "NaN",
    "trust",
    "commission*",
    "co-location",
    "integrated care",
    "the",
    "of and to",
    "a an the",
    "?!.,;:",
    "...",
    "…",
    "信任",
    "整合",
    "医疗服务",
    "社区医",
    "全科医生的",
    "شكرا",
    "\u{202E}",
    "\u{202D}",
    "\u{200F}",
    "\u{200B}",
    "\u{FEFF}",
    "e\u{301}\u{301}\u{301}",
    "\u{301}",
    "\u{0}",
    "\u{7}",
    "\t",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "😀",
    "👩‍⚕️",
    "🇬🇧",
    "\u{10FFFF}",
    "\u{FFFD}",
    "Ǆ",
    "ß",
    "İ",
    "ﬁ",
    "\\",
    "\\\"",
    "'",
    "%00",
    "%FF",
    "<script>",
    "{",
    "}",
    "[",
    "]",
    "~",
    "^2",
    "/",
    "/.*/",
    "ID9",
];

/// A query text: a run of pieces, arbitrary characters and spaces.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        2 => "\\PC{1,6}",
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => Just(" ".to_string()),
    ];
    proptest::collection::vec(piece, 0..14).prop_map(|parts| parts.concat())
}

/// A whole request: a hostile query plus filters, facets and paging at and beyond their limits.
fn search_request() -> impl Strategy<Value = SearchRequest> {
    let strings = || proptest::collection::vec(prop_oneof!["\\PC{0,8}", query_text()], 0..3);
    let number = prop_oneof![
        0usize..30,
        Just(1000usize),
        Just(1001usize),
        Just(100_000usize),
        Just(100_001usize),
        Just(usize::MAX),
    ];
    let year = proptest::option::of(
        (
            proptest::option::of(any::<i32>()),
            proptest::option::of(any::<i32>()),
        )
            .prop_map(|(from, to)| YearRange { from, to }),
    );
    let facet = prop_oneof![
        Just(FacetField::Role),
        Just(FacetField::Site),
        Just(FacetField::Year),
        Just(FacetField::Speaker),
        "\\PC{0,6}".prop_map(FacetField::Attr),
    ];
    (
        query_text(),
        (strings(), strings(), strings(), strings(), year),
        proptest::collection::vec(facet, 0..3),
        (number.clone(), number.clone(), 0usize..25),
        prop_oneof![Just(Sort::Relevance), Just(Sort::Doc), Just(Sort::Date)],
        any::<bool>(),
    )
        .prop_map(
            |(
                q,
                (role, site, speaker, doc, year),
                facets,
                (limit, offset, context),
                sort,
                highlight,
            )| {
                SearchRequest {
                    q,
                    filters: Filters {
                        role,
                        site,
                        speaker,
                        doc,
                        year,
                        ..Filters::default()
                    },
                    facets,
                    limit,
                    offset,
                    sort,
                    context,
                    highlight,
                }
            },
        )
}

/// Texts no generator is likely to hit: very long, deeply nested, only marks or stop words.
fn hand_picked_queries() -> Vec<String> {
    vec![
        String::new(),
        " ".repeat(4096),
        "a".repeat(4096),
        "a".repeat(4097),
        "x".repeat(1 << 20),
        "信".repeat(1365),
        "(".repeat(10_000),
        ")".repeat(4096),
        "(a ".repeat(1000),
        "-".repeat(4096),
        "-a ".repeat(1365),
        "a OR ".repeat(800) + "a",
        "\"".repeat(4095),
        "\"a".repeat(2048),
        "*".repeat(4096),
        "a*".repeat(2048),
        "trust ".repeat(680),
        "\u{301}".repeat(2048),
        "😀".repeat(1024),
        "\u{0}".repeat(4096),
        "the of and to a in".into(),
        "the".into(),
        "?!?!...,,,;;".into(),
        "“unbalanced".into(),
        "field:".into(),
        "role:GP".into(),
        "year:99999999999999999999999".into(),
        "\u{202E}trust\u{202C} مرحبا 信任".into(),
        "co-location OR (trust -\"integrated care\")".into(),
    ]
}

/// Asserts the engine answered or refused as a user error, never an internal one.
fn check_library(index: &indexer::Index, request: &SearchRequest) -> Result<(), TestCaseError> {
    match index.search(request) {
        Ok(response) => {
            prop_assert!(response.hits.len() <= request.limit.max(1));
            Ok(())
        }
        Err(e) => {
            prop_assert!(
                !e.is_internal(),
                "internal error {e} for {:?}",
                request.q.chars().take(200).collect::<String>()
            );
            Ok(())
        }
    }
}

#[test]
fn fuzzed_queries_never_fail_the_engine() {
    let index = open_demo_index();
    for q in hand_picked_queries() {
        let request = SearchRequest::new(q.clone());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_library(&index, &request)
        }));
        let shown: String = q.chars().take(80).collect();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("the engine panicked on {shown:?} ({} bytes)", q.len()),
        }
    }
    let cases = if long_tests() {
        LIBRARY_CASES_LONG
    } else {
        LIBRARY_CASES
    };
    let tried = AtomicU64::new(0);
    let started = Instant::now();
    // Half the cases are bare query texts, half whole requests; a runner counts its cases
    // across runs, so each half gets its own.
    let config = Config {
        cases: cases / 2,
        failure_persistence: None,
        ..Config::default()
    };
    let texts = TestRunner::new(config.clone()).run(&query_text(), |q| {
        tried.fetch_add(1, Ordering::Relaxed);
        check_library(&index, &SearchRequest::new(q))
    });
    if let Err(e) = texts {
        panic!("query text fuzzing failed: {e}");
    }
    let requests = TestRunner::new(config).run(&search_request(), |request| {
        tried.fetch_add(1, Ordering::Relaxed);
        check_library(&index, &request)
    });
    if let Err(e) = requests {
        panic!("request fuzzing failed: {e}");
    }
    eprintln!(
        "fuzz: {} generated cases + {} hand-picked through Index::search in {:.1} s",
        tried.load(Ordering::Relaxed),
        hand_picked_queries().len(),
        started.elapsed().as_secs_f64()
    );
    assert!(tried.load(Ordering::Relaxed) >= u64::from(cases));
}

#[test]
fn fuzzed_queries_over_http_get_200_or_a_json_4xx() {
    let server = TestServer::start(demo_index(), None);
    let cases = if long_tests() {
        HTTP_CASES_LONG
    } else {
        HTTP_CASES
    };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[8; 32]),
    );
    let generated = (0..cases).map(|_| {
        query_text()
            .new_tree(&mut runner)
            .expect("generate a query")
            .current()
    });
    let mut sent = 0;
    // 1 MB stays out of GET: a URL that long is refused before the router, by design of hyper.
    let texts = hand_picked_queries()
        .into_iter()
        .filter(|q| q.len() < 1 << 16)
        .chain(generated);
    for q in texts {
        let get = server.get(&format!(
            "/v1/search{}",
            query_string(&[("q", &q), ("facets", "role,site")])
        ));
        assert_ok_or_client_error(&get, &format!("GET q={q:?}"));
        let body = serde_json::json!({"q": q, "facets": ["role"]}).to_string();
        assert_ok_or_client_error(&server.post("/v1/search", &body), &format!("POST q={q:?}"));
        sent += 2;
    }
    eprintln!("fuzz: {sent} HTTP searches, none failed");
}

#[test]
fn a_megabyte_query_and_broken_json_escapes_get_json_4xx() {
    let server = TestServer::start(demo_index(), None);
    let (status, body) = announce_megabyte_body(&server.url);
    assert_eq!(status, 413, "{body}");
    let body: ErrorBody = serde_json::from_str(&body).expect("413 has a JSON error body");
    assert_eq!(body.error.code, ErrorCode::PayloadTooLarge);
    // JSON escapes that are not valid UTF-16: lone and reversed surrogates.
    for escaped in [
        r#"{"q": "\ud800"}"#,
        r#"{"q": "\udfff"}"#,
        r#"{"q": "\udc00\ud800"}"#,
        r#"{"q": "\ud83d trust"}"#,
        r#"{"q": "\u0000"}"#,
        r#"{"q": "trust\u202e"}"#,
    ] {
        let reply = server.post("/v1/search", escaped);
        assert_ok_or_client_error(&reply, escaped);
    }
    let lone = server.post("/v1/search", r#"{"q": "\ud800"}"#);
    assert_eq!(
        lone.status, 400,
        "a lone surrogate is not JSON text: {}",
        lone.body
    );
    assert_eq!(lone.error_code(), Some(ErrorCode::InvalidJson));
    let url = format!("{}/v1/search?q=%ED%A0%80", server.url);
    let encoded_surrogate = http_request("GET", &url, None, None);
    assert_eq!(encoded_surrogate.status, 422, "{}", encoded_surrogate.body);
    assert_ok_or_client_error(&encoded_surrogate, "percent-encoded surrogate");
}

/// Sends the head of a `POST /v1/search` that announces a 1 MB JSON body, and reads the answer.
///
/// The server refuses on the announced length without reading the body; a client that goes on
/// writing the megabyte races the server closing the connection (a broken pipe, or a reset that
/// eats the answer), so only the head is sent. Returns the status and the body text.
fn announce_megabyte_body(base_url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let address = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect to the test server");
    let head = format!(
        "POST /v1/search HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        1 << 20
    );
    stream
        .write_all(head.as_bytes())
        .expect("send the request head");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the answer");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {response:?}"));
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // Chunked bodies carry a size line before the JSON and a terminator after it.
    let json = body.find('{').map_or(body, |start| {
        &body[start..=body.rfind('}').unwrap_or(start)]
    });
    (status, json.to_string())
}

/// The regression test of the exclusion fix: `a -"b c"` finds exactly the `a` passages without
/// the phrase, whatever the nesting.
#[test]
fn excluded_phrases_exclude_exactly_their_matches() {
    let index = open_demo_index();
    let total = |q: &str| {
        let request = SearchRequest {
            limit: 0,
            ..SearchRequest::new(q)
        };
        index
            .search(&request)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .total
    };
    for (word, phrase) in [
        ("trust", "integrated care"),
        ("care", "primary care"),
        ("commissioning", "co-commissioning"),
    ] {
        let with = total(word);
        let both = total(&format!("{word} \"{phrase}\""));
        let without = total(&format!("{word} -\"{phrase}\""));
        assert!(both > 0 || with == without, "{word} / {phrase}");
        assert_eq!(without, with - both, "{word} -\"{phrase}\"");
        let nested = total(&format!("zzzunmatched OR ({word} -\"{phrase}\")"));
        assert_eq!(nested, without, "nested under OR");
    }
}
