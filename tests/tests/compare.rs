//! Comparing groups (issue 14): cross-tabs, keyness, keyword in context and the XLSX and DOCX
//! exports, over the demo corpus and a generated one, through the library and the real server.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use indexer::Index;
use indexer::analysis::{Mode, plain_analyzer};
use indexer::api::{
    CrosstabRequest, CrosstabResponse, CrosstabRow, FACET_VALUES_IN_SEARCH, FacetField, Filters,
    KeyTerm, KeynessRequest, KeynessResponse, KwicResponse, SearchRequest, SearchResponse,
};
use verbatim_tests::corpus_gen::{Corpus, Vocabulary};
use verbatim_tests::{
    HttpApi, TestServer, demo_index, http_request, open_demo_index, workspace_root,
};

fn group(field: &str, value: &str) -> Filters {
    let mut filters = Filters::default();
    match field {
        "role_group" => filters.role_group = vec![value.into()],
        "site" => filters.site = vec![value.into()],
        other => panic!("no test group for {other}"),
    }
    filters
}

/// Every passage matching `search` (all pages), in corpus order.
fn all_hits(index: &Index, search: &SearchRequest) -> Vec<indexer::api::Hit> {
    let mut hits = Vec::new();
    loop {
        let page = index
            .search(&SearchRequest {
                limit: 1000,
                offset: hits.len(),
                sort: indexer::api::Sort::Doc,
                ..search.clone()
            })
            .expect("the search runs");
        let done = page.hits.is_empty() || (hits.len() + page.hits.len()) as u64 >= page.total;
        hits.extend(page.hits);
        if done {
            return hits;
        }
    }
}

/// The number of passages matching `search` and their distinct speakers, fetched in full.
fn passages_and_speakers(index: &Index, search: &SearchRequest) -> (u64, u64) {
    let hits = all_hits(index, search);
    (hits.len() as u64, speakers(&hits))
}

/// Every cell's passages and participants are those of the search it carries, fetched in full;
/// the row totals and the columns' sizes are those of plain searches too.
fn check_crosstab(index: &Index, response: &CrosstabResponse) {
    let mut nonzero = 0;
    for row in &response.rows {
        for (cell, column) in row.cells.iter().zip(&response.columns) {
            assert_eq!(
                (cell.passages, cell.participants),
                passages_and_speakers(index, &cell.search),
                "by {}, row {:?}, column {:?}: passages and participants of {:?}",
                response.by,
                row.label,
                column.value,
                cell.search
            );
            let expected = cell.passages as f64 * 10_000.0 / column.words as f64;
            assert!((cell.per_10k_words - expected).abs() < 1e-9);
            nonzero += usize::from(cell.passages > 0);
        }
        let all = SearchRequest {
            q: row.q.clone(),
            filters: response.filters.clone(),
            limit: 0,
            ..SearchRequest::default()
        };
        assert_eq!(
            row.total,
            index.search(&all).unwrap().total,
            "{}",
            row.label
        );
    }
    for column in &response.columns {
        let search = SearchRequest {
            filters: response
                .filters
                .narrowed(&response.by, &column.value)
                .unwrap(),
            ..SearchRequest::default()
        };
        assert_eq!(
            (column.passages, column.participants),
            passages_and_speakers(index, &search),
            "by {}, column {:?}",
            response.by,
            column.value
        );
    }
    assert!(nonzero > 0, "some cell counts something");
}

/// G² and Log Ratio recomputed here from the raw counts, and the target's raw counts and size
/// recomputed from its passages' text.
fn check_keyness(index: &Index, request: &KeynessRequest, response: &KeynessResponse) {
    let (c, d) = (
        response.target.words as f64,
        response.reference.words as f64,
    );
    for term in &response.terms {
        let (a, b) = (term.target_count as f64, term.reference_count as f64);
        let e1 = c * (a + b) / (c + d);
        let e2 = d * (a + b) / (c + d);
        let part = |o: f64, e: f64| if o == 0.0 { 0.0 } else { o * (o / e).ln() };
        let g2 = 2.0 * (part(a, e1) + part(b, e2));
        assert!((term.log_likelihood - g2).abs() < 1e-6, "{term:?}: G² {g2}");
        let half = |x: f64| if x == 0.0 { 0.5 } else { x };
        let lr = ((half(a) / c) / (half(b) / d)).log2();
        assert!((term.log_ratio - lr).abs() < 1e-6, "{term:?}: LR {lr}");
        assert!(term.target_count >= request.min_freq);
        assert!((term.target_per_10k - a * 10_000.0 / c).abs() < 1e-9);
    }
    // The target's passages, read back and tokenized here.
    let mut words = 0u64;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut using: BTreeMap<String, BTreeSet<(String, u32)>> = BTreeMap::new();
    let mut analyzer = plain_analyzer(Mode::Query);
    let target = SearchRequest {
        filters: request.target.clone(),
        ..SearchRequest::default()
    };
    let target_hits = all_hits(index, &target);
    for hit in &target_hits {
        let mut stream = analyzer.token_stream(&hit.passage.text);
        while let Some(token) = stream.next() {
            words += 1;
            *counts.entry(token.text.clone()).or_default() += 1;
            using
                .entry(token.text.clone())
                .or_default()
                .insert((hit.passage.doc_id.clone(), hit.passage.passage));
        }
    }
    assert_eq!(response.target.words, words, "the target's size in words");
    assert_eq!(
        response.target.participants,
        speakers(&target_hits),
        "the target's participants"
    );
    let reference_hits = match &request.reference {
        Some(filters) => all_hits(
            index,
            &SearchRequest {
                filters: filters.clone(),
                ..SearchRequest::default()
            },
        ),
        None => {
            let inside: HashSet<(&str, u32)> = target_hits
                .iter()
                .map(|hit| (hit.passage.doc_id.as_str(), hit.passage.passage))
                .collect();
            all_hits(index, &SearchRequest::default())
                .into_iter()
                .filter(|hit| !inside.contains(&(hit.passage.doc_id.as_str(), hit.passage.passage)))
                .collect()
        }
    };
    assert_eq!(
        response.reference.participants,
        speakers(&reference_hits),
        "the reference's participants"
    );
    for term in &response.terms {
        assert_eq!(term.target_count, counts[&term.term], "{}", term.term);
        check_term_link(index, term, &using[&term.term]);
    }
}

/// A key term's link finds exactly the target's passages holding the word as counted, by the
/// term's participants, and highlights the word and nothing else.
fn check_term_link(index: &Index, term: &KeyTerm, passages: &BTreeSet<(String, u32)>) {
    assert_eq!(term.search.q, format!("={}", term.term));
    let hits = all_hits(index, &term.search);
    let found: BTreeSet<(String, u32)> = hits
        .iter()
        .map(|hit| (hit.passage.doc_id.clone(), hit.passage.passage))
        .collect();
    assert_eq!(&found, passages, "the passages of {:?}", term.search.q);
    assert_eq!(term.participants, speakers(&hits), "{}", term.term);
    let mut analyzer = plain_analyzer(Mode::Query);
    for hit in &hits {
        let chars: Vec<char> = hit.passage.text.chars().collect();
        assert!(
            !hit.highlights.is_empty(),
            "{}: {}",
            term.term,
            hit.passage.text
        );
        for span in &hit.highlights {
            let marked: String = chars[span.start..span.end].iter().collect();
            let mut stream = analyzer.token_stream(&marked);
            while let Some(token) = stream.next() {
                assert_eq!(token.text, term.term, "highlighted {marked:?}");
            }
        }
    }
}

/// Distinct speakers of `hits`.
fn speakers(hits: &[indexer::api::Hit]) -> u64 {
    hits.iter()
        .filter_map(|hit| hit.passage.speaker.as_deref())
        .collect::<HashSet<_>>()
        .len() as u64
}

#[test]
fn demo_crosstab_cells_are_the_totals_of_their_searches() {
    let index = open_demo_index();
    for by in [
        FacetField::RoleGroup,
        FacetField::Role,
        FacetField::Kind,
        FacetField::Year,
    ] {
        let request = CrosstabRequest {
            rows: ["trust", "\"primary care\"", "STP", "commissioning", ""]
                .map(CrosstabRow::new)
                .to_vec(),
            by: by.clone(),
            filters: Filters::default(),
        };
        let response = index.crosstab(&request).expect("the cross-tab runs");
        assert!(!response.columns.is_empty(), "{by}");
        check_crosstab(&index, &response);
    }
}

#[test]
fn demo_keyness_statistics_recompute_from_the_raw_counts() {
    let index = open_demo_index();
    let gp = group("role_group", "GP");
    for reference in [Some(group("role_group", "manager")), None] {
        let request = KeynessRequest {
            reference,
            min_freq: 2,
            ..KeynessRequest::new(gp.clone())
        };
        let response = index.keyness(&request).expect("keyness runs");
        assert!(!response.terms.is_empty(), "{request:?}");
        check_keyness(&index, &request, &response);
        // Cached: the same answer again.
        let again = index.keyness(&request).unwrap();
        assert_eq!(again.terms, response.terms);
    }
}

#[test]
fn generated_corpus_crosstab_and_keyness() {
    let dict = workspace_root().join("indexer/dict/jieba-dict.txt.gz");
    let vocabulary = Vocabulary::load(&dict).expect("the jieba dictionary loads");
    let corpus_dir = tempfile::tempdir().expect("temp dir");
    Corpus::new(6_000, 14, vocabulary)
        .write(corpus_dir.path())
        .expect("the corpus is written");
    let index_dir = tempfile::tempdir().expect("temp dir");
    indexer::build(
        corpus_dir.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .expect("the generated corpus builds");
    let index = Index::open(index_dir.path()).unwrap();

    let columns = index
        .facet_values(&FacetField::RoleGroup, "", &Filters::default())
        .unwrap();
    let first = columns[0].value.clone();
    let request = CrosstabRequest {
        rows: ["care", "\"primary care\"", "GP", "patients"]
            .map(CrosstabRow::new)
            .to_vec(),
        by: FacetField::RoleGroup,
        filters: group("site", "site 1"),
    };
    check_crosstab(&index, &index.crosstab(&request).unwrap());
    // More columns than a search lists facet values: every column still has its count.
    let by_document = CrosstabRequest {
        rows: vec![CrosstabRow::new(""), CrosstabRow::new("care")],
        by: FacetField::Doc,
        filters: Filters::default(),
    };
    let response = index.crosstab(&by_document).unwrap();
    assert!(
        response.columns.len() > FACET_VALUES_IN_SEARCH,
        "{} documents",
        response.columns.len()
    );
    check_crosstab(&index, &response);

    let keyness = KeynessRequest {
        min_freq: 5,
        limit: 40,
        ..KeynessRequest::new(group("role_group", &first))
    };
    let response = index.keyness(&keyness).unwrap();
    assert!(response.terms.len() > 5, "{:?}", response.terms);
    check_keyness(&index, &keyness, &response);
    // Chinese passages against the rest: whole jieba words, counted without the sub-words the
    // index holds for recall (check_keyness counts them from the text without sub-words).
    let chinese = KeynessRequest {
        min_freq: 5,
        limit: 40,
        ..KeynessRequest::new(Filters {
            lang: vec![indexer::model::Lang::Zh],
            ..Filters::default()
        })
    };
    let response = index.keyness(&chinese).unwrap();
    check_keyness(&index, &chinese, &response);
    assert!(
        response
            .terms
            .iter()
            .any(|t| t.term.chars().count() >= 2 && t.term.chars().all(indexer::analysis::is_cjk)),
        "Chinese words are key terms: {:?}",
        response.terms.iter().map(|t| &t.term).collect::<Vec<_>>()
    );
}

fn post(server: &TestServer, path: &str, body: &serde_json::Value) -> verbatim_tests::Reply {
    http_request(
        "POST",
        &format!("{}{path}", server.url),
        None,
        Some(&body.to_string()),
    )
}

/// The raw bytes and headers of a download.
fn download(url: &str, body: &serde_json::Value) -> (u16, String, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .expect("the request is answered");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .read_to_end(&mut bytes)
        .expect("the body is read");
    (status, content_type, disposition, bytes)
}

#[test]
fn kwic_keywords_are_exactly_the_matched_text() {
    let server = TestServer::start(demo_index(), None);
    for q in [
        "\"primary care\"",
        "commissioning",
        "=commissioning",
        "初级保健",
    ] {
        let search = SearchRequest {
            limit: 50,
            ..SearchRequest::new(q)
        };
        let kwic: KwicResponse = post(
            &server,
            "/v1/kwic",
            &serde_json::json!({"search": search, "width": 30}),
        )
        .ok("kwic");
        let hits: SearchResponse = post(
            &server,
            "/v1/search",
            &serde_json::to_value(&search).unwrap(),
        )
        .ok("search");
        let expected: Vec<String> = hits
            .hits
            .iter()
            .flat_map(|hit| {
                let chars: Vec<char> = hit.passage.text.chars().collect();
                hit.highlights
                    .iter()
                    .map(move |s| chars[s.start..s.end].iter().collect::<String>())
            })
            .collect();
        let keywords: Vec<String> = kwic.lines.iter().map(|l| l.keyword.clone()).collect();
        assert!(!keywords.is_empty(), "{q}");
        assert_eq!(keywords, expected, "{q}");
        for line in &kwic.lines {
            let text = &hits
                .hits
                .iter()
                .find(|h| h.passage.doc_id == line.doc_id && h.passage.passage == line.passage)
                .expect("the line's passage is a hit")
                .passage
                .text;
            let flat: String = text
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            let joined = format!("{}{}{}", line.left, line.keyword, line.right);
            assert!(
                flat.contains(&joined.replace('\n', " ")),
                "{joined:?} in {flat:?}"
            );
        }
    }
}

#[test]
fn xlsx_and_docx_exports_hold_every_hit_and_citation() {
    let server = TestServer::start(demo_index(), None);
    let search = serde_json::json!({"q": "commissioning", "limit": 100});
    let hits: SearchResponse = post(&server, "/v1/search", &search).ok("search");
    assert!(hits.hits.len() > 5);

    let (status, content_type, disposition, bytes) =
        download(&format!("{}/v1/search?format=xlsx", server.url), &search);
    assert_eq!(status, 200);
    assert_eq!(content_type, render::Format::Xlsx.media_type());
    assert_eq!(disposition, "attachment; filename=\"verbatim-search.xlsx\"");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("calamine opens the workbook");
    let range = book.worksheet_range("Hits").expect("a Hits sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        rows.len(),
        hits.hits.len() + 1,
        "a header and a row per hit"
    );
    for (row, hit) in rows[1..].iter().zip(&hits.hits) {
        assert_eq!(row[0], hit.passage.citation);
        assert_eq!(row[13], hit.passage.text);
    }

    let (status, content_type, _, bytes) =
        download(&format!("{}/v1/search?format=docx", server.url), &search);
    assert_eq!(status, 200);
    assert_eq!(content_type, render::Format::Docx.media_type());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .unwrap();
    let texts = paragraph_texts(&xml);
    for hit in &hits.hits {
        assert!(
            texts.contains(&hit.passage.citation),
            "{}",
            hit.passage.citation
        );
        let first_line = hit.passage.text.trim().lines().next().unwrap().trim_end();
        assert!(
            texts.iter().any(|t| t.starts_with(first_line)),
            "{first_line}"
        );
    }

    let crosstab = serde_json::json!({"rows": [{"q": "trust"}, {"q": "STP"}], "by": "role_group"});
    let (status, _, disposition, bytes) = download(
        &format!("{}/v1/crosstab?format=xlsx", server.url),
        &crosstab,
    );
    assert_eq!(
        (status, disposition.as_str()),
        (200, "attachment; filename=\"verbatim-crosstab.xlsx\"")
    );
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Cells", "Passages", "Participants", "Per 10,000 words"]
    );
}

/// The text of each `<w:p>` of a WordprocessingML body, entities decoded, line breaks as `\n`.
fn paragraph_texts(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|paragraph| {
            let mut text = String::new();
            for piece in paragraph.split('<').skip(1) {
                if piece.starts_with("w:br") {
                    text.push('\n');
                } else if let Some((_, content)) = piece
                    .strip_prefix("w:t")
                    .and_then(|rest| rest.split_once('>'))
                {
                    text.push_str(content);
                }
            }
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn bad_parameters_get_a_json_4xx_naming_the_field() {
    let server = TestServer::start(demo_index(), None);
    let cases = [
        (
            "/v1/crosstab",
            serde_json::json!({"rows": [{"q": "x"}], "by": "attr.colour"}),
            "by",
        ),
        (
            "/v1/crosstab",
            serde_json::json!({"rows": [], "by": "site"}),
            "rows",
        ),
        ("/v1/keyness", serde_json::json!({"target": {}}), "target"),
        (
            "/v1/keyness",
            serde_json::json!({"target": {"role": []}}),
            "target",
        ),
        (
            "/v1/keyness",
            serde_json::json!({"target": {"role_group": "GP"}, "reference": {"role_group": "GP"}}),
            "reference",
        ),
        (
            "/v1/keyness",
            serde_json::json!({"target": {"role": "GP"}, "limit": 0}),
            "limit",
        ),
        (
            "/v1/keyness",
            serde_json::json!({"target": {"role": "GP"}, "min_freq": 0}),
            "min_freq",
        ),
        (
            "/v1/kwic",
            serde_json::json!({"search": {"q": "x"}, "width": 500}),
            "width",
        ),
        (
            "/v1/kwic?format=docx",
            serde_json::json!({"search": {"q": "x"}}),
            "format",
        ),
        (
            "/v1/keyness?limit=3",
            serde_json::json!({"target": {"role": "GP"}}),
            "limit",
        ),
    ];
    for (path, body, field) in cases {
        let reply = post(&server, path, &body);
        assert_eq!(reply.status, 422, "{path} {body}: {:#}", reply.body);
        let message = reply.error().message;
        assert!(
            message.starts_with(&format!("{field}:")),
            "{path} {body}: {message}"
        );
    }
}

#[test]
fn cli_crosstab_and_keyness_read_the_same_engine() {
    let run = |args: &[&str]| {
        let output = verbatim_tests::Binary::Cli
            .command()
            .arg("--index")
            .arg(demo_index())
            .args(args)
            .output()
            .expect("verbatim runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let json = run(&[
        "crosstab",
        "trust",
        "STP",
        "--by",
        "role_group",
        "--format",
        "json",
    ]);
    let cli: CrosstabResponse = serde_json::from_slice(&json).unwrap();
    let library = open_demo_index()
        .crosstab(&CrosstabRequest {
            rows: vec![CrosstabRow::new("trust"), CrosstabRow::new("STP")],
            by: FacetField::RoleGroup,
            filters: Filters::default(),
        })
        .unwrap();
    let cells = |response: &CrosstabResponse| -> Vec<(String, u64, Vec<u64>)> {
        response
            .rows
            .iter()
            .map(|row| {
                let passages = row.cells.iter().map(|cell| cell.passages).collect();
                (row.label.clone(), row.total, passages)
            })
            .collect()
    };
    assert_eq!(cells(&cli), cells(&library));
    let json = run(&[
        "keyness",
        "--target",
        "role_group=GP",
        "--reference",
        "role_group=manager",
        "--min-freq",
        "2",
        "--format",
        "json",
    ]);
    let keyness: KeynessResponse = serde_json::from_slice(&json).unwrap();
    assert_eq!(keyness.target.filters, Some(group("role_group", "GP")));
    assert!(!keyness.terms.is_empty());
    let xlsx = run(&["search", "commissioning", "--format", "xlsx"]);
    assert!(
        Xlsx::new(Cursor::new(xlsx)).is_ok(),
        "the CLI writes a workbook"
    );
}

#[test]
fn issue_29_comparisons_name_rows_from_1_fields_in_words_and_values_the_corpus_lacks() {
    let server = TestServer::start(demo_index(), None);
    let bad_by = post(
        &server,
        "/v1/crosstab",
        &serde_json::json!({"rows": [{"q": "trust"}], "by": "nonsense"}),
    );
    assert_eq!(bad_by.status, 422, "{:#}", bad_by.body);
    let message = bad_by.error().message;
    assert!(
        message
            == "by: \"nonsense\" is not a valid value; use one of: role, role_group, site, kind, \
                lang, speaker, doc, year, attr.NAME",
        "{message}"
    );
    let long_row = post(
        &server,
        "/v1/crosstab",
        &serde_json::json!({"rows": [{"q": "trust"}, {"q": "x".repeat(5000)}], "by": "site"}),
    );
    assert_eq!(
        long_row.error().message,
        "row 2: the query is 5,000 characters long; the limit is 4,096"
    );
    let surgeons: KeynessResponse = post(
        &server,
        "/v1/keyness",
        &serde_json::json!({"target": {"role_group": "surgeon"}, "reference": {"role_group": "GP"}}),
    )
    .ok("keyness of a group nobody is in");
    assert_eq!(surgeons.unknown_values.len(), 1, "{surgeons:#?}");
    let unknown = &surgeons.unknown_values[0];
    assert_eq!(
        (unknown.filter.as_str(), unknown.value.as_str()),
        ("role_group", "surgeon")
    );
    let groups: Vec<indexer::api::FacetCount> = server.get_ok("/v1/facets/role_group");
    let mut held = unknown.held.clone();
    held.sort();
    let mut expected: Vec<String> = groups.into_iter().map(|g| g.value).collect();
    expected.sort();
    assert_eq!(held, expected);
    let crosstab: CrosstabResponse = post(
        &server,
        "/v1/crosstab",
        &serde_json::json!({"rows": [{"q": "trust"}], "by": "site", "filters": {"role": ["GP", "surgeon"]}}),
    )
    .ok("a cross-tab filtered by a value nobody has");
    let named: Vec<(&str, &str)> = crosstab
        .unknown_values
        .iter()
        .map(|u| (u.filter.as_str(), u.value.as_str()))
        .collect();
    assert_eq!(named, [("role", "surgeon")]);
    let known: KeynessResponse = post(
        &server,
        "/v1/keyness",
        &serde_json::json!({"target": {"role_group": "GP"}}),
    )
    .ok("keyness of GPs");
    assert!(known.unknown_values.is_empty());
}
