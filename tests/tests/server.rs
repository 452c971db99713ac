//! End-to-end tests of the server: the real router (and, at the end, the real `verbatim-server`
//! binary) over an index of the demo corpus, spoken to over HTTP on 127.0.0.1.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use axum::Router;
use axum::routing::get;
use indexer::api::{
    DocumentDetail, DocumentList, FacetCount, Hit, ParticipantInfo, PassageDetail, PassageView,
    SearchResponse, Span, Stats,
};
use indexer::model::{Kind, Lang};
use serde_json::{Value, json};
use verbatim_tests::{
    Binary, ErrorCode, HttpApi, ListeningChild, Reply, TestServer, corpus_dir, demo_index,
    query_string, raw_exchange, server_command,
};

const ARTICLE: &str = "mcdermott-2019-integrated-care";
const ZH_ABSTRACT: &str = "mcdermott-2019-abstract-zh";
const EN_ABSTRACT: &str = "mcdermott-2019-abstract-en";
const CO_LOCATION: &str = "integration is more than co-location";

/// A server over the shared index of the demo corpus.
fn serve_corpus() -> TestServer {
    TestServer::start(demo_index(), None)
}

fn first_hit(response: &SearchResponse) -> &Hit {
    response
        .hits
        .first()
        .unwrap_or_else(|| panic!("no hits: {response:#?}"))
}

/// `(doc_id, passage)` of each hit, in order.
fn hit_ids(response: &SearchResponse) -> Vec<(String, u32)> {
    response
        .hits
        .iter()
        .map(|hit| (hit.passage.doc_id.clone(), hit.passage.passage))
        .collect()
}

/// The characters of `text` in `span` (spans count characters, not bytes).
fn span_text(text: &str, span: Span) -> String {
    assert!(
        span.start < span.end && span.end <= text.chars().count(),
        "span {span:?} outside {text:?}"
    );
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

fn assert_error(reply: &Reply, status: u16, code: ErrorCode) {
    assert_eq!(
        (reply.status, reply.error_code()),
        (status, Some(code)),
        "expected {status} {code:?}, got: {:#}",
        reply.body
    );
    let error = reply.error();
    assert!(
        !error.message.is_empty() && !error.hint.is_empty(),
        "error without a message or hint: {:#}",
        reply.body
    );
}

#[test]
fn a_phrase_finds_the_attributed_quote() {
    let server = serve_corpus();
    let response = server.search(&[("q", &format!("\"{CO_LOCATION}\""))]);
    let hit = response
        .hits
        .iter()
        .find(|hit| hit.passage.text.contains(CO_LOCATION))
        .unwrap_or_else(|| panic!("no hit holds the quote: {response:#?}"));
    assert_eq!(hit.passage.doc_id, ARTICLE);
    assert_eq!(hit.passage.speaker.as_deref(), Some("ID9"));
    assert_eq!(hit.passage.role.as_deref(), Some("Independent GP"));
    assert_eq!(hit.passage.role_group.as_deref(), Some("GP"));
    assert_eq!(hit.kind, Kind::Article);
    assert_eq!(hit.passage.lang, Lang::En);
    assert!(
        hit.passage
            .citation
            .starts_with("[Independent GP ID9] McDermott et al. 2019, BMJ Open, para "),
        "citation: {}",
        hit.passage.citation
    );
    assert!(hit.score > 0.0, "{hit:#?}");
    assert!(hit.passage.origin.file.ends_with(".md"), "{hit:#?}");
}

#[test]
fn a_phrase_does_not_match_its_words_apart() {
    let server = serve_corpus();
    let words = server.total(&[("q", "legal basis")]);
    let phrase = server.search(&[("q", "\"no legal basis\""), ("limit", "100")]);
    assert!(phrase.total >= 1, "{phrase:#?}");
    assert!(
        phrase.total <= words,
        "a phrase cannot match more than its words"
    );
    for hit in &phrase.hits {
        let text = hit.passage.text.to_lowercase();
        assert!(
            text.contains("no legal basis"),
            "phrase hit without the phrase: {text}"
        );
    }
}

#[test]
fn get_and_post_searches_agree() {
    let server = serve_corpus();
    let by_get = server.search(&[
        ("q", "primary care"),
        ("role", "GP"),
        ("role", "manager"),
        ("facets", "role"),
        ("limit", "50"),
    ]);
    let body = json!({"q": "primary care", "filters": {"role": ["GP", "manager"]}, "facets": ["role"], "limit": 50});
    let by_post: SearchResponse = server
        .post("/v1/search", &body.to_string())
        .ok("POST /v1/search");
    assert!(by_get.total > 0, "{by_get:#?}");
    assert_eq!(by_get.total, by_post.total);
    assert_eq!(hit_ids(&by_get), hit_ids(&by_post));
    assert_eq!(by_get.facets, by_post.facets);
}

#[test]
fn role_filters_keep_gps_and_managers_apart() {
    let server = serve_corpus();
    let every_match = |role: &str| -> SearchResponse {
        let response = server.search(&[("role", role), ("limit", "1000")]);
        assert_eq!(
            response.hits.len() as u64,
            response.total,
            "one page holds every match"
        );
        response
    };
    let passages_of = |role: &str| -> BTreeSet<(String, u32)> {
        hit_ids(&every_match(role)).into_iter().collect()
    };
    let groups_of = |role: &str| -> BTreeSet<String> {
        every_match(role)
            .hits
            .iter()
            .map(|hit| {
                hit.passage
                    .role_group
                    .clone()
                    .unwrap_or_else(|| "(none)".into())
            })
            .collect()
    };
    assert_eq!(groups_of("GP"), BTreeSet::from(["GP".to_string()]));
    assert_eq!(
        groups_of("manager"),
        BTreeSet::from(["manager".to_string()])
    );
    // Case-insensitive, and a role group covers its roles.
    assert_eq!(passages_of("gp"), passages_of("GP"));
    let independent = passages_of("Independent GP");
    assert!(!independent.is_empty() && independent.is_subset(&passages_of("GP")));
    assert!(passages_of("GP").is_disjoint(&passages_of("manager")));
}

#[test]
fn facet_counts_equal_the_matches_of_each_value() {
    let server = serve_corpus();
    let groups: BTreeSet<String> = facet_values(&server, "role_group", &[])
        .into_iter()
        .map(|count| count.value.to_lowercase())
        .collect();
    for q in ["", "primary care"] {
        let facets = "role,role_group,site,kind,lang,speaker,doc,year";
        let response = server.search(&[("q", q), ("facets", facets), ("limit", "0")]);
        assert!(response.hits.is_empty(), "limit 0 returns counts only");
        let kinds = &response.facets["kind"];
        let kind_sum: u64 = kinds.iter().map(|count| count.count).sum();
        assert_eq!(
            kind_sum, response.total,
            "every passage has one kind: {kinds:?}"
        );
        for field in facets.split(',') {
            let counts = response
                .facets
                .get(field)
                .unwrap_or_else(|| panic!("facet {field} missing: {response:#?}"));
            for count in counts {
                let value = count.value.as_str();
                // `role` filters match a role or a group; a role spelled like a group is ambiguous.
                if field == "role" && groups.contains(&value.to_lowercase()) {
                    continue;
                }
                let filter = if field == "role_group" { "role" } else { field };
                let filtered = server.total(&[("q", q), (filter, value)]);
                assert_eq!(
                    count.count, filtered,
                    "q={q:?}: facet {field}={value:?} counts {count:?}, the filter finds {filtered}"
                );
            }
        }
    }
}

/// Every passage matching `params`, fetched in full (the demo corpus fits in one page).
fn every_hit(server: &TestServer, params: &[(&str, &str)]) -> Vec<Hit> {
    let mut params = params.to_vec();
    params.extend([("limit", "1000"), ("highlight", "false")]);
    let response = server.search(&params);
    assert_eq!(
        response.hits.len() as u64,
        response.total,
        "one page holds all"
    );
    response.hits
}

/// The value a facet field has in a hit, as facets count it (`year` from the document list).
fn facet_value_of(hit: &Hit, field: &str, years: &BTreeMap<String, String>) -> Option<String> {
    let passage = &hit.passage;
    match field {
        "role" => passage.role.clone(),
        "role_group" => passage.role_group.clone(),
        "site" => passage.site.clone(),
        "kind" => Some(hit.kind.to_string()),
        "lang" => Some(passage.lang.to_string()),
        "speaker" => passage.speaker.clone(),
        "doc" => Some(passage.doc_id.clone()),
        "year" => years.get(&passage.doc_id).cloned(),
        other => panic!("no rule for facet {other}"),
    }
}

/// Per value of `field` in `hits`: passages, and the distinct speakers among them.
fn tally_by_value(
    hits: &[Hit],
    field: &str,
    years: &BTreeMap<String, String>,
) -> BTreeMap<String, (u64, BTreeSet<String>)> {
    let mut tallies: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
    for hit in hits {
        if let Some(value) = facet_value_of(hit, field, years) {
            let tally = tallies.entry(value).or_default();
            tally.0 += 1;
            tally.1.extend(hit.passage.speaker.clone());
        }
    }
    tallies
}

#[test]
fn issue_14_participant_counts_equal_the_distinct_speakers_of_the_matches() {
    let server = serve_corpus();
    let documents: DocumentList = server.get_ok("/v1/documents?limit=1000");
    let years: BTreeMap<String, String> = documents
        .documents
        .iter()
        .filter_map(|d| Some((d.id.clone(), d.year?.to_string())))
        .collect();
    let fields = [
        "role",
        "role_group",
        "site",
        "kind",
        "lang",
        "speaker",
        "doc",
        "year",
    ];
    let corpus = every_hit(&server, &[]);
    let mut some_participants = 0;
    for params in [
        vec![("q", "")],
        vec![("q", "primary care")],
        vec![("q", "commissioning"), ("role", "GP")],
        vec![("q", "practices OR trust")],
    ] {
        let hits = every_hit(&server, &params);
        let mut with_facets = params.clone();
        with_facets.extend([("facets", "role,role_group,site,kind,lang,speaker,doc,year")]);
        let response = server.search(&with_facets);
        for field in fields {
            let expected = tally_by_value(&hits, field, &years);
            let in_corpus = tally_by_value(&corpus, field, &years);
            let counted = &response.facets[field];
            assert_eq!(
                counted.len(),
                expected.len(),
                "{params:?}, {field}: {counted:?} vs {expected:?}"
            );
            for count in counted {
                let (passages, speakers) = &expected[&count.value];
                let of = in_corpus[&count.value].1.len() as u64;
                assert_eq!(
                    (count.count, count.participants, count.of),
                    (*passages, speakers.len() as u64, of),
                    "{params:?}: {field}={:?}, speakers {speakers:?}",
                    count.value
                );
                some_participants += count.participants;
            }
        }
        // The facets route answers the same counts.
        assert_eq!(
            facet_values(&server, "role_group", &params),
            response.facets["role_group"],
            "{params:?}"
        );
    }
    assert!(some_participants > 20, "the queries reach participants");
}

fn facet_values(server: &TestServer, field: &str, params: &[(&str, &str)]) -> Vec<FacetCount> {
    server.get_ok(&format!("/v1/facets/{field}{}", query_string(params)))
}

#[test]
fn the_facets_route_counts_like_search() {
    let server = serve_corpus();
    let response = server.search(&[
        ("q", "commissioning"),
        ("facets", "kind,role_group"),
        ("limit", "0"),
    ]);
    for field in ["kind", "role_group"] {
        assert_eq!(
            facet_values(&server, field, &[("q", "commissioning")]),
            response.facets[field],
            "{field}"
        );
    }
    let stats: Stats = server.get_ok("/v1/stats");
    let all_kinds: u64 = facet_values(&server, "kind", &[])
        .iter()
        .map(|count| count.count)
        .sum();
    assert_eq!(all_kinds, stats.passages, "kind counts over every passage");
    let bad = server.get("/v1/facets/colour");
    assert_error(&bad, 422, ErrorCode::InvalidFieldValue);
    assert!(bad.error().message.starts_with("field:"), "{:#}", bad.body);
}

#[test]
fn context_returns_the_neighbours_in_order() {
    let server = serve_corpus();
    let response = server.search(&[("q", &format!("\"{CO_LOCATION}\"")), ("context", "2")]);
    let hit = first_hit(&response);
    let n = hit.passage.passage;
    let context = hit.context.as_ref().expect("context asked for");
    let ordinals =
        |views: &[PassageView]| -> Vec<u32> { views.iter().map(|view| view.passage).collect() };
    assert_eq!(ordinals(&context.before), [n - 2, n - 1], "{context:#?}");
    assert_eq!(ordinals(&context.after), [n + 1, n + 2], "{context:#?}");

    let document: DocumentDetail = server.get_ok(&format!("/v1/documents/{ARTICLE}"));
    let text_of = |ordinal: u32| &document.passages[ordinal as usize - 1].text;
    assert_eq!(
        text_of(n),
        &hit.passage.text,
        "passages are listed in order"
    );
    assert_eq!(&context.before[0].text, text_of(n - 2));
    assert_eq!(&context.after[1].text, text_of(n + 2));

    let detail: PassageDetail =
        server.get_ok(&format!("/v1/documents/{ARTICLE}/passages/{n}?context=2"));
    assert_eq!(detail.passage.text, hit.passage.text);
    assert_eq!(&detail.context, context);

    let first: PassageDetail =
        server.get_ok(&format!("/v1/documents/{ARTICLE}/passages/1?context=2"));
    assert_eq!(ordinals(&first.context.before), Vec::<u32>::new());
    assert_eq!(ordinals(&first.context.after), [2, 3]);
    let without = server.search(&[("q", &format!("\"{CO_LOCATION}\""))]);
    assert!(
        first_hit(&without).context.is_none(),
        "no context unless asked"
    );
}

#[test]
fn highlights_cover_the_matched_words() {
    let server = serve_corpus();
    let phrase = server.search(&[("q", &format!("\"{CO_LOCATION}\""))]);
    let hit = first_hit(&phrase);
    let spans = &hit.highlights;
    // Issue 14: a phrase is one span where it occurs, not each of its words everywhere.
    let words: Vec<String> = spans
        .iter()
        .map(|span| span_text(&hit.passage.text, *span))
        .collect();
    assert_eq!(words, [CO_LOCATION], "{spans:?}");

    let words = server.search(&[("q", "commissioning trust"), ("limit", "100")]);
    assert!(!words.hits.is_empty());
    let is_matched_word = |word: &str| word.starts_with("commission") || word.starts_with("trust");
    for hit in &words.hits {
        assert!(
            !hit.highlights.is_empty(),
            "a hit without highlights: {hit:#?}"
        );
        let mut previous_end = 0;
        for span in &hit.highlights {
            let word = span_text(&hit.passage.text, *span).to_lowercase();
            assert!(
                is_matched_word(&word),
                "highlighted {word:?} in {:?}",
                hit.passage.text
            );
            assert!(
                span.start >= previous_end,
                "highlights overlap or are out of order: {:?}",
                hit.highlights
            );
            previous_end = span.end;
        }
        for span in &hit.snippet.highlights {
            let word = span_text(&hit.snippet.text, *span).to_lowercase();
            assert!(is_matched_word(&word), "snippet highlighted {word:?}");
        }
    }
}

#[test]
fn a_chinese_query_finds_the_chinese_abstract() {
    let server = serve_corpus();
    let response = server.search(&[("q", "初级保健"), ("limit", "100")]);
    let hit = response
        .hits
        .iter()
        .find(|hit| hit.passage.doc_id == ZH_ABSTRACT)
        .unwrap_or_else(|| panic!("the Chinese abstract is not among the hits: {response:#?}"));
    assert_eq!(hit.passage.lang, Lang::Zh);
    assert_eq!(
        hit.translation.as_deref(),
        Some(EN_ABSTRACT),
        "a translated document names its translation"
    );
    assert!(
        hit.passage.text.contains("初级保健"),
        "{}",
        hit.passage.text
    );
    assert!(!hit.highlights.is_empty());
    for span in &hit.highlights {
        let word = span_text(&hit.passage.text, *span);
        assert!("初级保健".contains(&word), "highlighted {word:?}");
    }
    let only_zh = server.search(&[("q", "初级保健"), ("lang", "zh"), ("limit", "100")]);
    assert!(
        only_zh.hits.iter().all(|hit| hit.passage.lang == Lang::Zh),
        "{only_zh:#?}"
    );
}

#[test]
fn a_bad_query_gets_a_400_saying_where() {
    let server = serve_corpus();
    let reply = server.get(&format!(
        "/v1/search{}",
        query_string(&[("q", "trust \"unclosed")])
    ));
    assert_error(&reply, 400, ErrorCode::InvalidQuery);
    assert!(reply.error().message.contains("column"), "{:#}", reply.body);
    let posted = server.post("/v1/search", r#"{"q": "\"unclosed"}"#);
    assert_error(&posted, 400, ErrorCode::InvalidQuery);
}

#[test]
fn wrong_values_get_a_422_naming_the_parameter() {
    let server = serve_corpus();
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
        let reply = server.get(&format!("/v1/search{}", query_string(params)));
        assert_error(&reply, 422, ErrorCode::InvalidFieldValue);
        assert!(
            reply.error().message.starts_with(&format!("{name}:")),
            "{params:?}: {:#}",
            reply.body
        );
    }
    let long_query = "a ".repeat(indexer::api::MAX_QUERY_CHARS);
    let reply = server.post("/v1/search", &json!({"q": long_query}).to_string());
    assert_error(&reply, 422, ErrorCode::InvalidFieldValue);
    assert!(reply.error().message.starts_with("q:"), "{:#}", reply.body);
}

#[test]
fn malformed_bodies_get_json_errors() {
    let server = serve_corpus();
    assert_error(
        &server.post("/v1/search", r#"{"q": "trust","#),
        400,
        ErrorCode::InvalidJson,
    );
    let unknown = server.post("/v1/search", r#"{"q": "trust", "limt": 5}"#);
    assert_error(&unknown, 422, ErrorCode::InvalidFieldValue);
    assert!(
        unknown.error().message.contains("limt"),
        "{:#}",
        unknown.body
    );
    let wrong_type = server.post("/v1/search", r#"{"q": "trust", "limit": "ten"}"#);
    assert_error(&wrong_type, 422, ErrorCode::InvalidFieldValue);
    assert!(
        wrong_type.error().message.starts_with("limit:"),
        "{:#}",
        wrong_type.body
    );
}

/// Found by `.ci/contract`'s fuzzer: an attribute the participants sheet lacks, given an empty
/// list, was accepted (the list filters nothing), though the document allows no such name.
#[test]
fn an_unknown_attribute_is_refused_even_with_no_values() {
    let server = serve_corpus();
    for body in [
        r#"{"q": "trust", "filters": {"attr": {"colour": []}}}"#,
        r#"{"q": "trust", "filters": {"attr": {"colour": "red"}}}"#,
    ] {
        let reply = server.post("/v1/search", body);
        assert_error(&reply, 422, ErrorCode::InvalidFieldValue);
        assert!(
            reply.error().message.starts_with("filters.attr.colour"),
            "{body}: {:#}",
            reply.body
        );
    }
}

#[test]
fn an_oversized_body_gets_413() {
    let server = serve_corpus();
    let padding = "x".repeat(server::state::DEFAULT_BODY_LIMIT + 1024);
    let reply = server.post("/v1/search", &json!({"q": padding}).to_string());
    assert_error(&reply, 413, ErrorCode::PayloadTooLarge);
    assert_eq!(server.get("/health").status, 200, "the server stays up");
}

/// Issue 26, item 7: Python's `requests` and `urllib` (and ureq) write the whole body before
/// reading the answer; the server must read a refused body to its end rather than close the
/// connection under them, or they see a reset instead of the 413.
#[test]
fn issue_26_a_client_writing_a_whole_3_mb_body_first_reads_the_413() {
    let server = serve_corpus();
    let body = json!({"q": "x".repeat(3 * 1024 * 1024)}).to_string();
    let head = format!(
        "POST /v1/search HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.url.trim_start_matches("http://"),
        body.len()
    );
    // Written whole, then read: what `raw_exchange` does.
    let answer = raw_exchange(&server.url, &[head.as_bytes(), body.as_bytes()].concat());
    assert!(answer.starts_with("HTTP/1.1 413"), "{:.300}", answer);
    let json_body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let error: Value = serde_json::from_str(json_body).expect("a JSON error");
    assert_eq!(error["error"]["code"], "payload_too_large", "{error}");
    // The same through a client library that writes first, on a connection it keeps.
    let reply = server.post("/v1/search", &body);
    assert_error(&reply, 413, ErrorCode::PayloadTooLarge);
    assert_eq!(server.get("/health").status, 200, "the server stays up");
}

#[test]
fn with_a_key_v1_routes_need_it_and_health_does_not() {
    let server = TestServer::start(demo_index(), Some("s3cret"));
    let missing = server.get("/v1/stats");
    assert_error(&missing, 401, ErrorCode::MissingApiKey);
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
        ErrorCode::InvalidApiKey,
    );
    assert_error(
        &server.request("GET", "/v1/stats", Some("s3cre"), None),
        401,
        ErrorCode::InvalidApiKey,
    );
    assert_error(
        &server.post("/v1/search", r#"{"q": "trust"}"#),
        401,
        ErrorCode::MissingApiKey,
    );
    let _: Stats = server
        .request("GET", "/v1/stats", Some("s3cret"), None)
        .ok("right key");
    let _: SearchResponse = server
        .request(
            "POST",
            "/v1/search",
            Some("s3cret"),
            Some(r#"{"q": "trust"}"#),
        )
        .ok("right key");
    assert_eq!(server.get("/health").status, 200, "/health stays open");
    assert_eq!(server.get("/ready").status, 200, "/ready stays open");
}

#[test]
fn openapi_lists_every_route() {
    // A server that may rebuild its index, so that every route, the rebuild too, answers 200.
    let server = TestServer::rebuildable(server::Config::default());
    // The document itself is the wire format under test: read as plain JSON.
    let doc: Value = server.get_ok("/openapi.json");
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
        if verbatim_tests::needs_earlier_requests(path) {
            continue;
        }
        let url_path = path
            .replace("{id}", ARTICLE)
            .replace("{n}", "1")
            .replace("{field}", "role");
        let body = (method == "POST").then(|| verbatim_tests::sample_body(path));
        let reply = server.request(method, &url_path, None, body);
        // Files are added and removed only on a server started with --allow-uploads.
        let expected = if path.starts_with("/v1/files") {
            403
        } else {
            200
        };
        assert_eq!(
            reply.status, expected,
            "{method} {url_path}: {:#}",
            reply.body
        );
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
    let server = serve_corpus();
    let doc: Value = server.get_ok("/openapi.json");
    let ids: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|ops| ops.values()))
        .map(|operation| {
            operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
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
        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
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
    let server = serve_corpus();
    let reply = server.post(
        "/v1/search",
        r#"{"q": "trust", "limit": 2.0, "offset": 0.0, "context": 1.0, "filters": {"year": {"from": 2015.0}}}"#,
    );
    let response: SearchResponse = reply.ok("floats");
    assert_eq!(response.hits.len(), 2, "{response:#?}");
    assert_error(
        &server.post("/v1/search", r#"{"limit": 2.5}"#),
        422,
        ErrorCode::InvalidFieldValue,
    );
}

#[test]
fn unknown_routes_and_methods_get_json_404_and_405() {
    let server = serve_corpus();
    assert_error(&server.get("/nope"), 404, ErrorCode::NotFound);
    assert_error(&server.get("/v1/nope"), 404, ErrorCode::NotFound);
    let delete = server.request("DELETE", "/v1/search", None, None);
    assert_error(&delete, 405, ErrorCode::MethodNotAllowed);
    let allow = delete
        .headers
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
    assert_error(
        &server.post("/health", "{}"),
        405,
        ErrorCode::MethodNotAllowed,
    );
}

#[test]
fn documents_are_listed_shown_and_not_found() {
    let server = serve_corpus();
    let abstracts: DocumentList = server.get_ok("/v1/documents?kind=abstract");
    assert!(
        abstracts.documents.iter().any(|d| d.id == ZH_ABSTRACT),
        "{abstracts:#?}"
    );
    assert!(
        abstracts.documents.iter().all(|d| d.kind == Kind::Abstract),
        "{abstracts:#?}"
    );
    assert_eq!(abstracts.total, abstracts.documents.len() as u64);

    let all: DocumentList = server.get_ok("/v1/documents?limit=1000");
    let stats: Stats = server.get_ok("/v1/stats");
    assert_eq!(all.total, stats.documents);
    let page: DocumentList = server.get_ok("/v1/documents?limit=2&offset=1");
    assert_eq!(page.documents.len(), 2);
    assert_eq!(page.documents[0].id, all.documents[1].id);

    let document: DocumentDetail = server.get_ok(&format!("/v1/documents/{ARTICLE}"));
    assert_eq!(document.document.id, ARTICLE);
    assert_eq!(document.passages.len() as u32, document.document.passages);

    assert_error(
        &server.get("/v1/documents/no-such-document"),
        404,
        ErrorCode::NotFound,
    );
    assert_error(
        &server.get(&format!("/v1/documents/{ARTICLE}/passages/99999")),
        404,
        ErrorCode::NotFound,
    );
    assert_error(
        &server.get(&format!("/v1/documents/{ARTICLE}/passages/0")),
        422,
        ErrorCode::InvalidFieldValue,
    );
    assert_error(
        &server.get("/v1/documents?kind=memo"),
        422,
        ErrorCode::InvalidFieldValue,
    );
    // Ids are looked up, never opened: a path in an id finds nothing.
    for id in [
        "..%2F..%2FCargo.toml",
        "%2Fetc%2Fpasswd",
        "..",
        "corpus%2Fparticipants.csv",
    ] {
        let reply = server.get(&format!("/v1/documents/{id}"));
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
    let server = serve_corpus();
    let participants: Vec<ParticipantInfo> = server.get_ok("/v1/participants");
    let id9 = participants
        .iter()
        .find(|p| p.id == "ID9")
        .unwrap_or_else(|| panic!("ID9 missing: {participants:#?}"));
    assert_eq!(id9.role.as_deref(), Some("Independent GP"));
    assert_eq!(id9.role_group.as_deref(), Some("GP"));
    assert_eq!(id9.passages, server.total(&[("speaker", "ID9")]));

    let stats: Stats = server.get_ok("/v1/stats");
    assert_eq!(
        stats.languages.values().map(|l| l.passages).sum::<u64>(),
        stats.passages
    );
    assert!(
        stats.languages.get("zh").is_some_and(|n| n.passages > 0),
        "{stats:#?}"
    );
    assert!(stats.index_bytes > 0);
    // `/ready` has no type of its own in the API: its wire shape is what clients read.
    let ready = server.get("/ready");
    assert_eq!(ready.status, 200, "{:#}", ready.body);
    assert_eq!(ready.body["passages"], stats.passages);
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
    assert_error(&reply, 500, ErrorCode::Internal);
    assert!(
        !reply.body.to_string().contains("secret detail"),
        "internal details leak: {:#}",
        reply.body
    );
    let fine: Value = server.get_ok("/fine");
    assert_eq!(fine["fine"], true, "after a panic");
}

#[test]
fn a_request_that_never_finishes_gets_408() {
    let routes = Router::new().route(
        "/hangs",
        get(|| async {
            std::future::pending::<()>().await;
            "never"
        }),
    );
    let config = server::Config {
        request_timeout: std::time::Duration::from_millis(200),
        ..server::Config::default()
    };
    let server = TestServer::serve(server::middleware::apply(routes, &config));
    assert_error(&server.get("/hangs"), 408, ErrorCode::RequestTimeout);
}

/// Issue 26, item 6: comparisons and exports run in a lane of their own. With every slot of the
/// lane taken (as by long keyness runs), heavy requests wait and then get 503 with Retry-After,
/// while searches and documents are answered as ever; once a slot is free, heavy work runs again.
#[test]
fn issue_26_heavy_work_waits_for_its_lane_and_searches_do_not() {
    let config = server::Config {
        heavy_wait: std::time::Duration::from_millis(200),
        ..server::Config::default()
    };
    let state = server::AppState::new(verbatim_tests::open_demo_index(), config);
    let lane = state.heavy_lane();
    let server = TestServer::serve(server::app(state));
    let slots = server::state::heavy_slots() as u32;
    let taken = lane
        .clone()
        .try_acquire_many_owned(slots)
        .expect("every slot is free");
    let heavy = [
        ("POST", "/v1/crosstab"),
        ("POST", "/v1/keyness"),
        ("POST", "/v1/kwic"),
        ("POST", "/v1/search?format=csv"),
        ("GET", "/v1/search?q=trust&limit=500"),
    ];
    for (method, path) in heavy {
        let body = (method == "POST")
            .then(|| verbatim_tests::sample_body(path.split('?').next().unwrap_or(path)));
        let reply = server.request(method, path, None, body);
        assert_error(&reply, 503, ErrorCode::ServerBusy);
        let retry = reply
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok());
        assert_eq!(retry, Some("1"), "{method} {path}: {:?}", reply.headers);
    }
    for path in ["/v1/search?q=trust", "/v1/documents", "/v1/facets/role"] {
        assert_eq!(server.get(path).status, 200, "{path} is not heavy");
    }
    drop(taken);
    for (method, path) in heavy {
        let body = (method == "POST")
            .then(|| verbatim_tests::sample_body(path.split('?').next().unwrap_or(path)));
        let status = match path.contains("format=") {
            // A file, not JSON: only its status matters here.
            true => {
                verbatim_tests::http_send(
                    method,
                    &format!("{}{path}", server.url),
                    &[("Content-Type", "application/json")],
                    body,
                )
                .status
            }
            false => server.request(method, path, None, body).status,
        };
        assert_eq!(status, 200, "{method} {path} with a free slot");
    }
    assert_eq!(
        lane.available_permits(),
        slots as usize,
        "every slot is back"
    );
}

/// The real `verbatim-server` binary, started on `127.0.0.1:0`.
fn start_binary(index: &Path, corpus: &Path) -> ListeningChild {
    ListeningChild::server(&Binary::Server.path(), index, corpus).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_binary_serves_a_built_index_and_stops_on_sigterm() {
    let nowhere = tempfile::tempdir().expect("temp dir");
    let no_corpus = nowhere.path().join("no-corpus");
    let server = start_binary(demo_index(), &no_corpus);
    assert!(
        server.address().starts_with("http://127.0.0.1:"),
        "{}",
        server.address()
    );
    // `/health` has no type of its own in the API: its wire shape is what clients read.
    let health = server.get("/health");
    assert_eq!((health.status, &health.body["status"]), (200, &json!("ok")));
    let stats: Stats = server.get_ok("/v1/stats");
    assert!(stats.documents > 0, "{stats:#?}");
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
    let server = start_binary(&index_dir, &corpus_dir());
    let response = server.search(&[("q", &format!("\"{CO_LOCATION}\""))]);
    assert_eq!(first_hit(&response).passage.speaker.as_deref(), Some("ID9"));
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
        let mut command = server_command(&Binary::Server.path(), &index_dir, &corpus_dir());
        command.args(["--bind", "0.0.0.0:0"]);
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
        assert!(!index_dir.exists(), "refused before indexing anything");
    }
}
