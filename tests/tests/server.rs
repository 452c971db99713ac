//! End-to-end tests of the server: the real router (and, at the end, the real `verbatim-server`
//! binary) over an index of the demo corpus, spoken to over HTTP on 127.0.0.1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use verbatim_tests::{
    Reply, TestIndex, TestServer, bin_path, build_corpus_index, corpus_dir, http_request,
    query_string,
};

const ARTICLE: &str = "mcdermott-2019-integrated-care";
const ZH_ABSTRACT: &str = "mcdermott-2019-abstract-zh";
const EN_ABSTRACT: &str = "mcdermott-2019-abstract-en";
const CO_LOCATION: &str = "integration is more than co-location";

/// A server over a fresh index of the demo corpus; the server stops before the index is removed.
struct Fixture {
    server: TestServer,
    _index: TestIndex,
}

fn serve_corpus() -> Fixture {
    let index = build_corpus_index();
    Fixture {
        server: TestServer::start(index.path(), None),
        _index: index,
    }
}

fn ok(reply: Reply, what: &str) -> Value {
    assert_eq!(
        reply.status, 200,
        "{what}: expected 200, got {}: {:#}",
        reply.status, reply.body
    );
    reply.body
}

fn search(server: &TestServer, params: &[(&str, &str)]) -> Value {
    ok(
        server.get(&format!("/v1/search{}", query_string(params))),
        &format!("search {params:?}"),
    )
}

fn hits(response: &Value) -> &Vec<Value> {
    response["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits array in {response:#}"))
}

fn total(response: &Value) -> u64 {
    response["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("no total in {response:#}"))
}

fn first_hit(response: &Value) -> &Value {
    hits(response)
        .first()
        .unwrap_or_else(|| panic!("no hits: {response:#}"))
}

/// `(doc_id, passage)` of each hit, in order.
fn hit_ids(response: &Value) -> Vec<(String, u64)> {
    hits(response)
        .iter()
        .map(|hit| {
            (
                text_of(&hit["doc_id"]),
                hit["passage"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// `(value, count)` pairs of a facet's `[{value, count}]`.
fn value_counts(counts: &Value) -> Vec<(String, u64)> {
    counts
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (text_of(&c["value"]), c["count"].as_u64().unwrap_or(0)))
        .collect()
}

fn text_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The characters of `text` in `span` (spans count characters, not bytes).
fn span_text(text: &str, span: &Value) -> String {
    let start = span["start"].as_u64().expect("span start") as usize;
    let end = span["end"].as_u64().expect("span end") as usize;
    assert!(
        start < end && end <= text.chars().count(),
        "span {span} outside {text:?}"
    );
    text.chars().skip(start).take(end - start).collect()
}

fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        (reply.status, reply.error_code()),
        (status, code),
        "expected {status} {code}, got: {:#}",
        reply.body
    );
    let error = &reply.body["error"];
    for field in ["message", "hint"] {
        let text = error[field].as_str().unwrap_or_default();
        assert!(!text.is_empty(), "error without {field}: {:#}", reply.body);
    }
}

fn message(reply: &Reply) -> &str {
    reply.body["error"]["message"].as_str().unwrap_or_default()
}

#[test]
fn a_phrase_finds_the_attributed_quote() {
    let fx = serve_corpus();
    let response = search(&fx.server, &[("q", &format!("\"{CO_LOCATION}\""))]);
    let hit = hits(&response)
        .iter()
        .find(|hit| {
            hit["text"]
                .as_str()
                .unwrap_or_default()
                .contains(CO_LOCATION)
        })
        .unwrap_or_else(|| panic!("no hit holds the quote: {response:#}"));
    assert_eq!(hit["doc_id"], ARTICLE);
    assert_eq!(hit["speaker"], "ID9");
    assert_eq!(hit["role"], "Independent GP");
    assert_eq!(hit["role_group"], "GP");
    assert_eq!(hit["kind"], "article");
    assert_eq!(hit["lang"], "en");
    let citation = hit["citation"].as_str().unwrap_or_default();
    assert!(
        citation.starts_with("[Independent GP ID9] McDermott et al. 2019, BMJ Open, para "),
        "citation: {citation}"
    );
    assert!(
        hit["score"].as_f64().is_some_and(|score| score > 0.0),
        "{hit:#}"
    );
    assert!(
        hit["origin"]["file"]
            .as_str()
            .is_some_and(|file| file.ends_with(".md")),
        "{hit:#}"
    );
}

#[test]
fn a_phrase_does_not_match_its_words_apart() {
    let fx = serve_corpus();
    let words = total(&search(&fx.server, &[("q", "legal basis")]));
    let phrase = search(&fx.server, &[("q", "\"no legal basis\""), ("limit", "100")]);
    assert!(total(&phrase) >= 1, "{phrase:#}");
    assert!(
        total(&phrase) <= words,
        "a phrase cannot match more than its words"
    );
    for hit in hits(&phrase) {
        let text = hit["text"].as_str().unwrap_or_default().to_lowercase();
        assert!(
            text.contains("no legal basis"),
            "phrase hit without the phrase: {text}"
        );
    }
}

#[test]
fn get_and_post_searches_agree() {
    let fx = serve_corpus();
    let by_get = search(
        &fx.server,
        &[
            ("q", "primary care"),
            ("role", "GP"),
            ("role", "manager"),
            ("facets", "role"),
            ("limit", "50"),
        ],
    );
    let body = json!({"q": "primary care", "filters": {"role": ["GP", "manager"]}, "facets": ["role"], "limit": 50});
    let by_post = ok(
        fx.server.post("/v1/search", &body.to_string()),
        "POST /v1/search",
    );
    assert!(total(&by_get) > 0, "{by_get:#}");
    assert_eq!(total(&by_get), total(&by_post));
    assert_eq!(hit_ids(&by_get), hit_ids(&by_post));
    assert_eq!(by_get["facets"], by_post["facets"]);
}

#[test]
fn role_filters_keep_gps_and_managers_apart() {
    let fx = serve_corpus();
    let passages_of = |role: &str| -> BTreeSet<(String, u64)> {
        let response = search(&fx.server, &[("role", role), ("limit", "1000")]);
        assert_eq!(
            hits(&response).len() as u64,
            total(&response),
            "one page holds every match"
        );
        hit_ids(&response).into_iter().collect()
    };
    let roles_of = |role: &str| -> BTreeSet<String> {
        let response = search(&fx.server, &[("role", role), ("limit", "1000")]);
        hits(&response)
            .iter()
            .map(|hit| hit["role_group"].as_str().unwrap_or("(none)").to_string())
            .collect()
    };
    assert_eq!(roles_of("GP"), BTreeSet::from(["GP".to_string()]));
    assert_eq!(roles_of("manager"), BTreeSet::from(["manager".to_string()]));
    // Case-insensitive, and a role group covers its roles.
    assert_eq!(passages_of("gp"), passages_of("GP"));
    let independent = passages_of("Independent GP");
    assert!(!independent.is_empty() && independent.is_subset(&passages_of("GP")));
    assert!(passages_of("GP").is_disjoint(&passages_of("manager")));
}

#[test]
fn facet_counts_equal_the_matches_of_each_value() {
    let fx = serve_corpus();
    let groups: BTreeSet<String> = facet_values(&fx.server, "role_group", &[])
        .into_iter()
        .map(|(value, _)| value.to_lowercase())
        .collect();
    for q in ["", "primary care"] {
        let facets = "role,role_group,site,kind,lang,speaker,doc,year";
        let response = search(&fx.server, &[("q", q), ("facets", facets), ("limit", "0")]);
        assert!(hits(&response).is_empty(), "limit 0 returns counts only");
        let kinds = &response["facets"]["kind"];
        let kind_sum: u64 = value_counts(kinds).iter().map(|(_, n)| n).sum();
        assert_eq!(
            kind_sum,
            total(&response),
            "every passage has one kind: {kinds}"
        );
        for field in facets.split(',') {
            let counts = response["facets"][field]
                .as_array()
                .unwrap_or_else(|| panic!("facet {field} missing: {response:#}"));
            for count in counts {
                let value = count["value"].as_str().unwrap_or_default();
                // `role` filters match a role or a group; a role spelled like a group is ambiguous.
                if field == "role" && groups.contains(&value.to_lowercase()) {
                    continue;
                }
                let filter = if field == "role_group" { "role" } else { field };
                let filtered = search(&fx.server, &[("q", q), (filter, value), ("limit", "0")]);
                assert_eq!(
                    count["count"].as_u64(),
                    Some(total(&filtered)),
                    "q={q:?}: facet {field}={value:?} counts {count}, the filter finds {}",
                    total(&filtered)
                );
            }
        }
    }
}

fn facet_values(server: &TestServer, field: &str, params: &[(&str, &str)]) -> Vec<(String, u64)> {
    let path = format!("/v1/facets/{field}{}", query_string(params));
    let body = ok(server.get(&path), &path);
    assert!(body.is_array(), "{path}: not an array: {body:#}");
    value_counts(&body)
}

#[test]
fn the_facets_route_counts_like_search() {
    let fx = serve_corpus();
    let response = search(
        &fx.server,
        &[
            ("q", "commissioning"),
            ("facets", "kind,role_group"),
            ("limit", "0"),
        ],
    );
    for field in ["kind", "role_group"] {
        assert_eq!(
            facet_values(&fx.server, field, &[("q", "commissioning")]),
            value_counts(&response["facets"][field]),
            "{field}"
        );
    }
    let stats = ok(fx.server.get("/v1/stats"), "stats");
    let all_kinds: u64 = facet_values(&fx.server, "kind", &[])
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        Some(all_kinds),
        stats["passages"].as_u64(),
        "kind counts over every passage"
    );
    let bad = fx.server.get("/v1/facets/colour");
    assert_error(&bad, 422, "invalid_field_value");
    assert!(message(&bad).starts_with("field:"), "{:#}", bad.body);
}

#[test]
fn context_returns_the_neighbours_in_order() {
    let fx = serve_corpus();
    let response = search(
        &fx.server,
        &[("q", &format!("\"{CO_LOCATION}\"")), ("context", "2")],
    );
    let hit = first_hit(&response);
    let n = hit["passage"].as_u64().expect("passage number");
    let ordinals = |views: &Value| -> Vec<u64> {
        views
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v["passage"].as_u64().unwrap_or(0))
            .collect()
    };
    assert_eq!(
        ordinals(&hit["context"]["before"]),
        vec![n - 2, n - 1],
        "{:#}",
        hit["context"]
    );
    assert_eq!(
        ordinals(&hit["context"]["after"]),
        vec![n + 1, n + 2],
        "{:#}",
        hit["context"]
    );

    let document = ok(
        fx.server.get(&format!("/v1/documents/{ARTICLE}")),
        "document",
    );
    let passages = document["passages"].as_array().expect("passages");
    let text_of = |ordinal: u64| passages[ordinal as usize - 1]["text"].clone();
    assert_eq!(
        passages[n as usize - 1]["text"],
        hit["text"],
        "passages are listed in order"
    );
    assert_eq!(hit["context"]["before"][0]["text"], text_of(n - 2));
    assert_eq!(hit["context"]["after"][1]["text"], text_of(n + 2));

    let detail = ok(
        fx.server
            .get(&format!("/v1/documents/{ARTICLE}/passages/{n}?context=2")),
        "passage",
    );
    assert_eq!(detail["passage"]["text"], hit["text"]);
    assert_eq!(detail["context"], hit["context"]);

    let first = ok(
        fx.server
            .get(&format!("/v1/documents/{ARTICLE}/passages/1?context=2")),
        "first",
    );
    assert_eq!(ordinals(&first["context"]["before"]), Vec::<u64>::new());
    assert_eq!(ordinals(&first["context"]["after"]), vec![2, 3]);
    let without = search(&fx.server, &[("q", &format!("\"{CO_LOCATION}\""))]);
    assert!(
        first_hit(&without)
            .get("context")
            .is_none_or(Value::is_null),
        "no context unless asked"
    );
}

#[test]
fn highlights_cover_the_matched_words() {
    let fx = serve_corpus();
    let phrase = search(&fx.server, &[("q", &format!("\"{CO_LOCATION}\""))]);
    let hit = first_hit(&phrase);
    let text = hit["text"].as_str().unwrap_or_default();
    let spans = hit["highlights"].as_array().expect("highlights");
    let words: Vec<String> = spans.iter().map(|span| span_text(text, span)).collect();
    assert_eq!(
        words.concat().to_lowercase(),
        CO_LOCATION.replace([' ', '-'], ""),
        "{words:?}"
    );
    let (first, last) = (&spans[0], &spans[spans.len() - 1]);
    let covered = span_text(text, &json!({"start": first["start"], "end": last["end"]}));
    assert_eq!(covered, CO_LOCATION);

    let words = search(
        &fx.server,
        &[("q", "commissioning trust"), ("limit", "100")],
    );
    assert!(!hits(&words).is_empty());
    for hit in hits(&words) {
        let text = hit["text"].as_str().unwrap_or_default();
        let spans = hit["highlights"].as_array().expect("highlights");
        assert!(!spans.is_empty(), "a hit without highlights: {hit:#}");
        let mut previous_end = 0;
        for span in spans {
            let word = span_text(text, span).to_lowercase();
            assert!(
                word.starts_with("commission") || word.starts_with("trust"),
                "highlighted {word:?} in {text:?}"
            );
            let start = span["start"].as_u64().unwrap_or(0);
            assert!(
                start >= previous_end,
                "highlights overlap or are out of order: {spans:?}"
            );
            previous_end = span["end"].as_u64().unwrap_or(0);
        }
        let snippet = &hit["snippet"];
        let snippet_text = snippet["text"].as_str().unwrap_or_default();
        for span in snippet["highlights"].as_array().into_iter().flatten() {
            let word = span_text(snippet_text, span).to_lowercase();
            assert!(
                word.starts_with("commission") || word.starts_with("trust"),
                "snippet highlighted {word:?}"
            );
        }
    }
}

#[test]
fn a_chinese_query_finds_the_chinese_abstract() {
    let fx = serve_corpus();
    let response = search(&fx.server, &[("q", "初级保健"), ("limit", "100")]);
    let hit = hits(&response)
        .iter()
        .find(|hit| hit["doc_id"] == ZH_ABSTRACT)
        .unwrap_or_else(|| panic!("the Chinese abstract is not among the hits: {response:#}"));
    assert_eq!(hit["lang"], "zh");
    assert_eq!(
        hit["translation"], EN_ABSTRACT,
        "a translated document names its translation"
    );
    let text = hit["text"].as_str().unwrap_or_default();
    assert!(text.contains("初级保健"), "{text}");
    let spans = hit["highlights"].as_array().expect("highlights");
    assert!(!spans.is_empty());
    for span in spans {
        let word = span_text(text, span);
        assert!("初级保健".contains(&word), "highlighted {word:?}");
    }
    let only_zh = search(
        &fx.server,
        &[("q", "初级保健"), ("lang", "zh"), ("limit", "100")],
    );
    assert!(
        hits(&only_zh).iter().all(|hit| hit["lang"] == "zh"),
        "{only_zh:#}"
    );
}

#[test]
fn a_bad_query_gets_a_400_saying_where() {
    let fx = serve_corpus();
    let reply = fx.server.get(&format!(
        "/v1/search{}",
        query_string(&[("q", "trust \"unclosed")])
    ));
    assert_error(&reply, 400, "invalid_query");
    assert!(message(&reply).contains("column"), "{:#}", reply.body);
    let posted = fx.server.post("/v1/search", r#"{"q": "\"unclosed"}"#);
    assert_error(&posted, 400, "invalid_query");
}

#[test]
fn wrong_values_get_a_422_naming_the_parameter() {
    let fx = serve_corpus();
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("limit", "5000")], "limit"),
        (&[("limit", "ten")], "limit"),
        (&[("sort", "random")], "sort"),
        (&[("kind", "memo")], "kind"),
        (&[("year", "soon")], "year"),
        (&[("facets", "colour")], "facets"),
        (&[("rol", "GP")], "rol"),
    ];
    for (params, name) in cases {
        let reply = fx
            .server
            .get(&format!("/v1/search{}", query_string(params)));
        assert_error(&reply, 422, "invalid_field_value");
        assert!(
            message(&reply).starts_with(&format!("{name}:")),
            "{params:?}: {:#}",
            reply.body
        );
    }
    let long_query = "a ".repeat(indexer::api::MAX_QUERY_CHARS);
    let reply = fx
        .server
        .post("/v1/search", &json!({"q": long_query}).to_string());
    assert_error(&reply, 422, "invalid_field_value");
    assert!(message(&reply).starts_with("q:"), "{:#}", reply.body);
}

#[test]
fn malformed_bodies_get_json_errors() {
    let fx = serve_corpus();
    assert_error(
        &fx.server.post("/v1/search", r#"{"q": "trust","#),
        400,
        "invalid_json",
    );
    let unknown = fx.server.post("/v1/search", r#"{"q": "trust", "limt": 5}"#);
    assert_error(&unknown, 422, "invalid_field_value");
    assert!(message(&unknown).contains("limt"), "{:#}", unknown.body);
    let wrong_type = fx
        .server
        .post("/v1/search", r#"{"q": "trust", "limit": "ten"}"#);
    assert_error(&wrong_type, 422, "invalid_field_value");
    assert!(
        message(&wrong_type).starts_with("limit:"),
        "{:#}",
        wrong_type.body
    );
}

#[test]
fn an_oversized_body_gets_413() {
    let fx = serve_corpus();
    let padding = "x".repeat(server::state::DEFAULT_BODY_LIMIT + 1024);
    let reply = fx
        .server
        .post("/v1/search", &json!({"q": padding}).to_string());
    assert_error(&reply, 413, "payload_too_large");
    ok(fx.server.get("/health"), "the server stays up");
}

#[test]
fn with_a_key_v1_routes_need_it_and_health_does_not() {
    let index = build_corpus_index();
    let server = TestServer::start(index.path(), Some("s3cret"));
    let missing = server.get("/v1/stats");
    assert_error(&missing, 401, "missing_api_key");
    assert_eq!(
        missing
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert_error(
        &server.request("GET", "/v1/stats", Some("wrong"), None),
        401,
        "invalid_api_key",
    );
    assert_error(
        &server.request("GET", "/v1/stats", Some("s3cre"), None),
        401,
        "invalid_api_key",
    );
    assert_error(
        &server.post("/v1/search", r#"{"q": "trust"}"#),
        401,
        "missing_api_key",
    );
    ok(
        server.request("GET", "/v1/stats", Some("s3cret"), None),
        "right key",
    );
    ok(
        server.request(
            "POST",
            "/v1/search",
            Some("s3cret"),
            Some(r#"{"q": "trust"}"#),
        ),
        "right key",
    );
    ok(server.get("/health"), "/health stays open");
    ok(server.get("/ready"), "/ready stays open");
}

#[test]
fn openapi_lists_every_route() {
    let fx = serve_corpus();
    let doc = ok(fx.server.get("/openapi.json"), "openapi");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "not OpenAPI 3: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().into_iter().flat_map(|item| item.keys());
            methods.map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = server::routes::routes()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(documented, routed, "OpenAPI paths and router routes differ");

    for (method, path) in &routed {
        let url_path = path
            .replace("{id}", ARTICLE)
            .replace("{n}", "1")
            .replace("{field}", "role");
        let body = (method == "POST").then_some(r#"{"q": "trust"}"#);
        let reply = fx.server.request(method, &url_path, None, body);
        assert_eq!(reply.status, 200, "{method} {url_path}: {:#}", reply.body);
        if path.starts_with("/v1/") {
            let security = &paths[path.as_str()][method.to_lowercase()]["security"];
            assert!(
                security.to_string().contains("api_key"),
                "{method} {path} does not declare the key"
            );
        }
    }
    let codes = doc["components"]["schemas"]["ErrorCode"]["enum"].to_string();
    for code in [
        "invalid_query",
        "invalid_field_value",
        "not_found",
        "payload_too_large",
        "missing_api_key",
    ] {
        assert!(
            codes.contains(code),
            "ErrorCode schema lacks {code}: {codes}"
        );
    }
}

#[test]
fn openapi_operation_ids_are_unique_and_limits_are_the_servers() {
    let fx = serve_corpus();
    let doc = ok(fx.server.get("/openapi.json"), "openapi");
    let ids: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|ops| ops.values()))
        .map(|operation| text_of(&operation["operationId"]))
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "operation ids repeat: {ids:?}");
    assert!(ids.iter().all(|id| !id.is_empty()), "{ids:?}");

    let body = &doc["components"]["schemas"]["SearchRequest"]["properties"];
    for (field, max) in [
        ("limit", indexer::api::MAX_LIMIT),
        ("offset", indexer::api::MAX_OFFSET),
        ("context", indexer::api::MAX_CONTEXT),
    ] {
        assert_eq!(
            body[field]["maximum"].as_u64(),
            Some(max as u64),
            "{field}: {body:#}"
        );
    }
    assert_eq!(
        body["q"]["maxLength"].as_u64(),
        Some(indexer::api::MAX_QUERY_CHARS as u64)
    );
    let speaker = &doc["components"]["schemas"]["Filters"]["properties"]["speaker"];
    assert_eq!(
        speaker["oneOf"].as_array().map(Vec::len),
        Some(2),
        "{speaker:#}"
    );
    // The demo corpus's participants sheet has no attribute columns: no `attr.` parameter is
    // documented, since the server would refuse every one.
    let search = &doc["paths"]["/v1/search"]["get"]["parameters"];
    let names: Vec<String> = search
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| text_of(&p["name"]))
        .collect();
    assert!(names.contains(&"year".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("attr.")), "{names:?}");
    // Without a key the routes are open: the key is one option, no key the other.
    let security = &doc["paths"]["/v1/stats"]["get"]["security"];
    assert_eq!(security, &json!([{}, {"api_key": []}]), "{security:#}");
}

/// JSON Schema counts `20.0` as an integer, so the body schema allows it: the server must too.
#[test]
fn issue_12_whole_numbers_written_as_floats_are_accepted() {
    let fx = serve_corpus();
    let reply = fx.server.post(
        "/v1/search",
        r#"{"q": "trust", "limit": 2.0, "offset": 0.0, "context": 1.0, "filters": {"year": {"from": 2015.0}}}"#,
    );
    let body = ok(reply, "floats");
    assert_eq!(hits(&body).len(), 2, "{body:#}");
    assert_error(
        &fx.server.post("/v1/search", r#"{"limit": 2.5}"#),
        422,
        "invalid_field_value",
    );
}

#[test]
fn unknown_routes_and_methods_get_json_404_and_405() {
    let fx = serve_corpus();
    assert_error(&fx.server.get("/nope"), 404, "not_found");
    assert_error(&fx.server.get("/v1/nope"), 404, "not_found");
    let delete = fx.server.request("DELETE", "/v1/search", None, None);
    assert_error(&delete, 405, "method_not_allowed");
    let allow = delete
        .headers
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
    assert_error(&fx.server.post("/health", "{}"), 405, "method_not_allowed");
}

#[test]
fn documents_are_listed_shown_and_not_found() {
    let fx = serve_corpus();
    let abstracts = ok(fx.server.get("/v1/documents?kind=abstract"), "abstracts");
    let listed = abstracts["documents"].as_array().expect("documents");
    assert!(
        listed.iter().any(|d| d["id"] == ZH_ABSTRACT),
        "{abstracts:#}"
    );
    assert!(
        listed.iter().all(|d| d["kind"] == "abstract"),
        "{abstracts:#}"
    );
    assert_eq!(abstracts["total"].as_u64(), Some(listed.len() as u64));

    let all = ok(fx.server.get("/v1/documents?limit=1000"), "all");
    let stats = ok(fx.server.get("/v1/stats"), "stats");
    assert_eq!(all["total"], stats["documents"]);
    let page = ok(fx.server.get("/v1/documents?limit=2&offset=1"), "page");
    assert_eq!(page["documents"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["documents"][0]["id"], all["documents"][1]["id"]);

    let document = ok(
        fx.server.get(&format!("/v1/documents/{ARTICLE}")),
        "article",
    );
    assert_eq!(document["document"]["id"], ARTICLE);
    assert_eq!(
        document["passages"].as_array().map(|p| p.len() as u64),
        document["document"]["passages"].as_u64()
    );

    assert_error(
        &fx.server.get("/v1/documents/no-such-document"),
        404,
        "not_found",
    );
    assert_error(
        &fx.server
            .get(&format!("/v1/documents/{ARTICLE}/passages/99999")),
        404,
        "not_found",
    );
    assert_error(
        &fx.server
            .get(&format!("/v1/documents/{ARTICLE}/passages/0")),
        422,
        "invalid_field_value",
    );
    assert_error(
        &fx.server.get("/v1/documents?kind=memo"),
        422,
        "invalid_field_value",
    );
    // Ids are looked up, never opened: a path in an id finds nothing.
    for id in [
        "..%2F..%2FCargo.toml",
        "%2Fetc%2Fpasswd",
        "..",
        "corpus%2Fparticipants.csv",
    ] {
        let reply = fx.server.get(&format!("/v1/documents/{id}"));
        assert!(
            matches!(reply.status, 404 | 422),
            "{id}: {} {:#}",
            reply.status,
            reply.body
        );
    }
}

#[test]
fn participants_and_stats_describe_the_corpus() {
    let fx = serve_corpus();
    let participants = ok(fx.server.get("/v1/participants"), "participants");
    let id9 = participants
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["id"] == "ID9")
        .unwrap_or_else(|| panic!("ID9 missing: {participants:#}"));
    assert_eq!(id9["role"], "Independent GP");
    assert_eq!(id9["role_group"], "GP");
    let speaker = search(&fx.server, &[("speaker", "ID9"), ("limit", "0")]);
    assert_eq!(id9["passages"].as_u64(), Some(total(&speaker)));

    let stats = ok(fx.server.get("/v1/stats"), "stats");
    let by_lang: BTreeMap<String, u64> =
        serde_json::from_value(stats["languages"].clone()).expect("languages");
    assert_eq!(
        Some(by_lang.values().sum::<u64>()),
        stats["passages"].as_u64()
    );
    assert!(by_lang.get("zh").is_some_and(|n| *n > 0), "{stats:#}");
    assert!(stats["index_bytes"].as_u64().is_some_and(|n| n > 0));
    let ready = ok(fx.server.get("/ready"), "ready");
    assert_eq!(ready["passages"], stats["passages"]);
}

async fn panicking_handler() -> &'static str {
    panic!("secret detail")
}

#[test]
fn a_panicking_handler_gets_a_500_and_the_server_stays_up() {
    let routes = Router::new().route("/boom", get(panicking_handler)).route(
        "/fine",
        get(|| async { server::extract::Json(json!({"fine": true})) }),
    );
    let server = TestServer::serve(server::middleware::apply(
        routes,
        &server::Config::default(),
    ));
    let reply = server.get("/boom");
    assert_error(&reply, 500, "internal");
    assert!(
        !reply.body.to_string().contains("secret detail"),
        "internal details leak: {:#}",
        reply.body
    );
    assert_eq!(ok(server.get("/fine"), "after a panic")["fine"], true);
}

#[test]
fn a_slow_request_gets_408() {
    let routes = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "too late"
        }),
    );
    let config = server::Config {
        request_timeout: Duration::from_millis(200),
        ..server::Config::default()
    };
    let server = TestServer::serve(server::middleware::apply(routes, &config));
    assert_error(&server.get("/slow"), 408, "request_timeout");
}

/// The real `verbatim-server` binary, killed if a test fails before stopping it.
struct ServerProcess {
    child: Child,
    url: String,
    log: mpsc::Receiver<String>,
}

impl ServerProcess {
    fn spawn(args: &[&str]) -> Command {
        let mut command = Command::new(bin_path("verbatim-server"));
        command
            .args(args)
            .env_remove("VERBATIM_API_KEY")
            .env_remove("VERBATIM_BIND")
            .env_remove("VERBATIM_INDEX")
            .env_remove("VERBATIM_CORPUS")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    /// Starts the binary and waits for its "listening on http://ADDR" line.
    fn start(args: &[&str]) -> ServerProcess {
        let mut child = ServerProcess::spawn(args)
            .spawn()
            .expect("start verbatim-server");
        let (url, log) = verbatim_tests::wait_until_listening(&mut child);
        ServerProcess { child, url, log }
    }

    fn get(&self, path: &str) -> Reply {
        http_request("GET", &format!("{}{path}", self.url), None, None)
    }

    /// Sends SIGTERM and waits for the exit.
    fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait for verbatim-server") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log: Vec<String> = self.log.try_iter().collect();
        panic!(
            "verbatim-server did not stop on SIGTERM; its log:\n{}",
            log.join("\n")
        );
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn the_binary_serves_a_built_index_and_stops_on_sigterm() {
    let index = build_corpus_index();
    let nowhere = tempfile::tempdir().expect("temp dir");
    let no_corpus = nowhere.path().join("no-corpus");
    let server = ServerProcess::start(&[
        "--bind",
        "127.0.0.1:0",
        "--index",
        &index.path().display().to_string(),
        "--corpus",
        &no_corpus.display().to_string(),
    ]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(ok(server.get("/health"), "health")["status"], "ok");
    let stats = ok(server.get("/v1/stats"), "stats");
    assert!(
        stats["documents"].as_u64().is_some_and(|n| n > 0),
        "{stats:#}"
    );
    let status = server.terminate();
    assert!(
        status.success(),
        "verbatim-server exited with {status} after SIGTERM"
    );
    assert!(
        !no_corpus.exists(),
        "nothing is written where the corpus would be"
    );
}

#[test]
fn the_binary_builds_a_missing_index_before_serving() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index_dir = dir.path().join("index");
    let server = ServerProcess::start(&[
        "--bind",
        "127.0.0.1:0",
        "--index",
        &index_dir.display().to_string(),
        "--corpus",
        &corpus_dir().display().to_string(),
    ]);
    let response = ok(
        server.get(&format!(
            "/v1/search{}",
            query_string(&[("q", &format!("\"{CO_LOCATION}\""))])
        )),
        "search",
    );
    assert_eq!(first_hit(&response)["speaker"], "ID9");
    assert!(
        index_dir.is_dir(),
        "the index was built in {}",
        index_dir.display()
    );
    assert!(server.terminate().success());
}

#[test]
fn the_binary_refuses_an_open_bind_without_a_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index_dir = dir.path().join("index");
    for key in [None, Some("  ")] {
        let mut command = ServerProcess::spawn(&[
            "--bind",
            "0.0.0.0:0",
            "--index",
            &index_dir.display().to_string(),
            "--corpus",
            &corpus_dir().display().to_string(),
        ]);
        if let Some(key) = key {
            command.env("VERBATIM_API_KEY", key);
        }
        let output = command.output().expect("run verbatim-server");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "key {key:?}: {stderr}");
        assert!(
            stderr.contains("refusing to listen on 0.0.0.0:0 without an API key")
                && stderr.contains("VERBATIM_API_KEY"),
            "key {key:?}: {stderr}"
        );
        assert!(
            !Path::new(&index_dir).exists(),
            "refused before indexing anything"
        );
    }
}
