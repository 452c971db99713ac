//! The page's views beside the quotes, driven in Chromium against the real server, each checked
//! against the API's own answer: the cross-tab (cells, their links to the quotes, the filters
//! applied to every cell), the keyness chart and table (every figure, the bars' lengths, each
//! term's link), and the concordance (every line, the width, the pages); and their exports,
//! which must be the server's files.

use indexer::api::{
    CrosstabResponse, KeynessResponse, KwicLine, KwicResponse, QueryForm, SearchRequest,
};
use serde::Deserialize;
use serde_json::{Value, json};
use verbatim_tests::{HttpApi, TestServer, demo_index};

use super::browser::Browser;
use super::{
    LAPTOP, assert_no_page_errors, assert_only_own_origin, assert_same_workbook, fetch_raw,
    open_search, results_when, update_docs_screenshot,
};

/// JavaScript that holds once the page has drawn its answer (no request in flight).
const SETTLED: &str = "!document.body.classList.contains('busy')";

/// The cross-tab as the page shows it: column values, and each row's cells with the query-string
/// pairs of their links.
const CROSSTAB_SNAPSHOT: &str = r#"(() => {
  const table = document.querySelector('#crosstab table');
  if (!table) return null;
  const text = (e) => e ? e.textContent : null;
  return {
    columns: [...table.querySelectorAll('thead .column-value')].map(text),
    rows: [...table.querySelectorAll('tbody tr')].map((tr) => ({
      label: text(tr.querySelector('th')),
      cells: [...tr.querySelectorAll('td:not(.row-total)')].map((td) => ({
        passages: text(td.querySelector('.passages')),
        participants: text(td.querySelector('.participants')),
        rate: text(td.querySelector('.rate')),
        link: td.querySelector('a') ? [...new URLSearchParams(td.querySelector('a').search)] : null,
      })),
      total: text(tr.querySelector('.row-total')),
    })),
  };
})()"#;

#[derive(Debug, Deserialize)]
struct PageCrosstab {
    columns: Vec<String>,
    rows: Vec<PageRow>,
}

#[derive(Debug, Deserialize)]
struct PageRow {
    label: String,
    cells: Vec<PageCell>,
    total: String,
}

#[derive(Debug, Deserialize)]
struct PageCell {
    passages: String,
    participants: String,
    rate: String,
    link: Option<Vec<(String, String)>>,
}

/// "1 passage", "3 passages", as the page writes counts.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first number in `text` ("1,380.95 per 10k words" -> 1380.95).
fn number_in(text: &str) -> f64 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|e| panic!("no number in {text:?}: {e}"))
}

/// Asserts a figure the page shows to 2 decimals is the API's value.
fn assert_shown(shown: &str, value: f64, what: &str) {
    assert!(
        (number_in(shown) - value).abs() <= 0.005 + 1e-9,
        "{what}: the page shows {shown:?}, the API says {value}"
    );
}

/// The search a link of the page opens, read back through the API's own query-string codec.
fn linked_search(pairs: &[(String, String)]) -> SearchRequest {
    SearchRequest::from_query(pairs.to_vec())
        .unwrap_or_else(|e| panic!("the link {pairs:?} is not a search the API reads: {e}"))
}

/// How many passages the API finds for `request`.
fn total_of(server: &TestServer, request: &SearchRequest) -> u64 {
    let counted = SearchRequest {
        limit: 0,
        ..request.clone()
    };
    let body = serde_json::to_value(&counted).expect("a request serializes");
    post_ok::<indexer::api::SearchResponse>(server, "/v1/search", &body).total
}

fn post_ok<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str, body: &Value) -> T {
    server.post(path, &body.to_string()).ok(path)
}

/// Waits for the cross-tab of `rows` (the URL's) and checks every cell against the API's answer
/// to `body`; returns the API's answer.
fn check_crosstab(page: &mut Browser, server: &TestServer, body: &Value) -> CrosstabResponse {
    let rows: Vec<&str> = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["q"].as_str().expect("a query"))
        .collect();
    let condition = format!(
        "{SETTLED} && new URLSearchParams(location.search).getAll('row').join('\\n') === {} \
         && new URLSearchParams(location.search).get('by') === {}",
        Value::from(rows.join("\n")),
        if body["by"] == "role_group" {
            Value::Null
        } else {
            body["by"].clone()
        }
    );
    let snapshot = page.wait_until(
        "the cross-tab",
        &format!("({condition}) && {CROSSTAB_SNAPSHOT}"),
    );
    let shown: PageCrosstab = serde_json::from_value(snapshot.clone())
        .unwrap_or_else(|e| panic!("the cross-tab does not read as expected ({e}): {snapshot:#}"));
    let expected: CrosstabResponse = post_ok(server, "/v1/crosstab", body);
    let values: Vec<&str> = expected.columns.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(shown.columns, values);
    assert_eq!(shown.rows.len(), expected.rows.len(), "{shown:#?}");
    for (row, want) in shown.rows.iter().zip(&expected.rows) {
        assert_eq!(row.label, want.label);
        assert_eq!(row.total, counted(want.total, "passage", "passages"));
        for (cell, (want, column)) in row.cells.iter().zip(want.cells.iter().zip(&values)) {
            let at = format!("{} × {column}", row.label);
            assert_eq!(
                cell.passages,
                counted(want.passages, "passage", "passages"),
                "{at}"
            );
            assert_eq!(
                cell.participants,
                counted(want.participants, "participant", "participants"),
                "{at}"
            );
            assert_shown(&cell.rate, want.per_10k_words, &at);
            match &cell.link {
                Some(pairs) => assert_eq!(linked_search(pairs), want.search, "{at}"),
                None => assert_eq!(want.passages, 0, "{at} has quotes but no link"),
            }
        }
    }
    expected
}

/// Fills in the form `form`'s fields (`(id, value)`) as a person would, and presses its button.
fn submit_form(page: &mut Browser, form: &str, fields: &[(&str, &str)]) {
    for (id, value) in fields {
        page.eval(&format!(
            "document.getElementById({}).value = {}",
            Value::from(*id),
            Value::from(*value)
        ));
    }
    page.eval(&format!(
        "document.querySelector('#{form} button[type=submit]').click()"
    ));
}

/// Replaces the cross-tab's rows and columns, and presses Cross-tabulate.
fn crosstabulate(page: &mut Browser, rows: &[&str], by: &str) {
    let rows = rows.join("\n");
    submit_form(
        page,
        "crosstab-form",
        &[("crosstab-rows", &rows), ("crosstab-by", by)],
    );
}

#[test]
fn the_crosstab_shows_the_apis_cells_and_each_links_to_its_quotes() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    page.allow_downloads();

    // From the quotes of a search, the cross-tab starts with that query as its first row.
    open_search(&mut page, &server, &[("q", "trust")]);
    results_when(&mut page, "the quotes about trust", "true");
    page.eval("document.getElementById('view-crosstab').click()");
    check_crosstab(
        &mut page,
        &server,
        &json!({"rows": [{"q": "trust"}], "by": "role_group"}),
    );
    assert_eq!(
        page.eval("document.getElementById('crosstab-rows').value"),
        "trust"
    );

    // More rows, by role: a role column's cells filter with role_exact.
    let rows = ["trust", "\"primary care\"", "STP", "commissioning"];
    crosstabulate(&mut page, &rows, "role");
    let body = json!({"rows": rows.map(|q| json!({"q": q})), "by": "role"});
    let by_role = check_crosstab(&mut page, &server, &body);
    assert!(by_role.columns.len() > 2, "{by_role:#?}");

    // The filters beside it apply to every cell.
    page.eval(
        "document.querySelector('#facets input[data-facet=\"kind\"][value=\"article\"]').click()",
    );
    page.wait_until(
        "the kind filter",
        "new URLSearchParams(location.search).get('kind') === 'article'",
    );
    let filtered = json!({"rows": body["rows"], "by": "role", "filters": {"kind": ["article"]}});
    check_crosstab(&mut page, &server, &filtered);

    // The export buttons fetch the server's own files for the same cross-tab.
    page.eval("document.getElementById('export-csv').click()");
    let csv = page.downloaded("verbatim-crosstab-role.csv");
    let url = format!("{}/v1/crosstab?format=csv", server.url);
    assert_eq!(
        String::from_utf8(csv).expect("UTF-8"),
        String::from_utf8(fetch_raw(&url, Some(&filtered.to_string())).2).expect("UTF-8")
    );
    page.eval("document.getElementById('export-xlsx').click()");
    let xlsx = page.downloaded("verbatim-crosstab-role.xlsx");
    let url = format!("{}/v1/crosstab?format=xlsx", server.url);
    assert_same_workbook(&xlsx, &fetch_raw(&url, Some(&filtered.to_string())).2);

    // A cell opens its quotes: the search the API gave it, as many passages as it counts.
    let filtered: CrosstabResponse = post_ok(&server, "/v1/crosstab", &filtered);
    let (row, column) = filtered
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            let c = row.cells.iter().position(|cell| cell.passages > 0)?;
            Some((r, c))
        })
        .expect("a cell with quotes");
    let cell = &filtered.rows[row].cells[column];
    page.eval(&format!(
        "document.querySelectorAll('#crosstab tbody tr')[{row}].querySelectorAll('td')[{column}].querySelector('a').click()"
    ));
    let quotes = results_when(
        &mut page,
        "the cell's quotes",
        "!new URLSearchParams(location.search).has('view')",
    );
    assert_eq!(quotes.total, cell.passages);
    assert_eq!(
        page.eval("document.getElementById('active-filters').textContent"),
        format!("Role (exactly): {}Remove", filtered.columns[column].value),
        "the cell's role filter is shown, with a way to remove it"
    );
    assert_eq!(
        page.eval("document.activeElement.id"),
        "results",
        "the keyboard follows the link to the quotes"
    );
    // Back returns to the cross-tab as it was.
    page.eval("history.back()");
    check_crosstab(
        &mut page,
        &server,
        &json!({"rows": body["rows"], "by": "role", "filters": {"kind": ["article"]}}),
    );
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

/// The keyness chart and table as the page shows them.
const KEYNESS_SNAPSHOT: &str = r#"(() => {
  const chart = document.querySelector('#keyness .keyness-chart');
  if (!chart) return null;
  const text = (e) => e.textContent;
  return {
    bars: [...chart.querySelectorAll('.key-terms li')].map((li) => ({
      term: text(li.querySelector('.term')),
      link: [...new URLSearchParams(li.querySelector('.term').search)],
      values: [...li.querySelectorAll('.bar-value')].map(text),
      widths: [...li.querySelectorAll('.bar > span')].map((s) => parseFloat(s.style.width)),
    })),
    table: [...document.querySelectorAll('#keyness table tbody tr')].map((tr) =>
      [...tr.children].map(text)),
    sizes: [...document.querySelectorAll('#keyness table tfoot td')].map(text),
  };
})()"#;

#[derive(Debug, Deserialize)]
struct PageKeyness {
    bars: Vec<PageBar>,
    table: Vec<Vec<String>>,
    sizes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PageBar {
    term: String,
    link: Vec<(String, String)>,
    values: Vec<String>,
    widths: Vec<f64>,
}

/// Waits for the key terms the URL asks for and checks the chart and the table against the
/// API's answer to `body`, the groups named `target` and `reference`; returns the answer.
fn check_keyness(
    page: &mut Browser,
    server: &TestServer,
    body: &Value,
    names: (&str, &str),
) -> KeynessResponse {
    let reference = body["reference"]["role_group"][0].as_str().unwrap_or("");
    let condition = format!(
        "{SETTLED} && new URLSearchParams(location.search).get('target') === {} \
         && (new URLSearchParams(location.search).get('reference') || '') === {}",
        body["target"]["role_group"][0],
        Value::from(reference)
    );
    let snapshot = page.wait_until(
        "the key terms",
        &format!("({condition}) && {KEYNESS_SNAPSHOT}"),
    );
    let shown: PageKeyness = serde_json::from_value(snapshot.clone()).unwrap_or_else(|e| {
        panic!("the keyness view does not read as expected ({e}): {snapshot:#}")
    });
    let expected: KeynessResponse = post_ok(server, "/v1/keyness", body);
    assert!(!expected.terms.is_empty(), "no key terms for {body}");
    assert_eq!(shown.bars.len(), expected.terms.len(), "{shown:#?}");
    assert_eq!(shown.table.len(), expected.terms.len(), "{shown:#?}");
    let largest = expected
        .terms
        .iter()
        .flat_map(|t| [t.target_per_10k, t.reference_per_10k])
        .fold(0.0, f64::max);
    for ((bar, row), term) in shown.bars.iter().zip(&shown.table).zip(&expected.terms) {
        assert_eq!(bar.term, term.term);
        assert_eq!(linked_search(&bar.link), term.search, "{}", term.term);
        // Each bar's value is written out with its group's name, and its length is its share of
        // the largest rate.
        assert_eq!(bar.values.len(), 2, "{bar:#?}");
        for ((value, width), (name, rate)) in bar.values.iter().zip(&bar.widths).zip([
            (names.0, term.target_per_10k),
            (names.1, term.reference_per_10k),
        ]) {
            assert!(value.starts_with(&format!("{name}: ")), "{value}");
            assert_shown(value, rate, &term.term);
            assert!(
                (width - 100.0 * rate / largest).abs() < 0.01,
                "{}: a bar of {width}% for {rate} of {largest}",
                term.term
            );
        }
        let figures = [
            term.target_per_10k,
            term.reference_per_10k,
            term.log_likelihood,
            term.log_ratio,
        ];
        assert_eq!(row[0], term.term);
        for (cell, value) in row[1..5].iter().zip(figures) {
            assert_shown(cell, value, &term.term);
        }
        let counts = [term.participants, term.target_count, term.reference_count];
        for (cell, count) in row[5..].iter().zip(counts) {
            assert_eq!(number_in(cell), count as f64, "{}: {row:?}", term.term);
        }
    }
    let sizes: Vec<f64> = shown.sizes.iter().map(|size| number_in(size)).collect();
    assert_eq!(
        sizes,
        [expected.target.words, expected.reference.words].map(|n| n as f64)
    );
    expected
}

/// Chooses the keyness groups and settings as a person would, and presses Compare.
fn compare_groups(page: &mut Browser, target: &str, reference: &str, min_freq: u64) {
    page.wait_until(
        "the groups to choose from",
        "document.getElementById('keyness-target').options.length > 0",
    );
    submit_form(
        page,
        "keyness-form",
        &[
            ("keyness-target", target),
            ("keyness-reference", reference),
            ("keyness-min-freq", &min_freq.to_string()),
        ],
    );
}

#[test]
fn the_keyness_chart_and_table_show_the_apis_terms_and_each_links_to_its_quotes() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    page.allow_downloads();

    open_search(&mut page, &server, &[("view", "keyness")]);
    let prompt = page.wait_until(
        "the keyness form's prompt",
        &format!("{SETTLED} && !document.getElementById('message').hidden && document.getElementById('message').textContent"),
    );
    assert!(
        prompt
            .as_str()
            .is_some_and(|p| p.contains("Choose the target group")),
        "{prompt}"
    );
    assert_eq!(
        page.eval("document.getElementById('filters').hidden"),
        true,
        "keyness compares its own groups: the filters are not shown"
    );

    // GPs against managers.
    compare_groups(&mut page, "GP", "manager", 2);
    let body = json!({"target": {"role_group": ["GP"]}, "reference": {"role_group": ["manager"]}, "min_freq": 2, "limit": 20});
    check_keyness(&mut page, &server, &body, ("GP", "manager"));
    page.eval("document.activeElement.blur()");
    let shot = page.screenshot("keyness");
    update_docs_screenshot(&shot, "screenshot-keyness.png");

    page.eval("document.getElementById('export-csv').click()");
    let csv = page.downloaded("verbatim-keyness-gp.csv");
    let url = format!("{}/v1/keyness?format=csv", server.url);
    assert_eq!(csv, fetch_raw(&url, Some(&body.to_string())).2);

    // GPs against everyone else, the default reference.
    compare_groups(&mut page, "GP", "", 2);
    let body = json!({"target": {"role_group": ["GP"]}, "min_freq": 2, "limit": 20});
    let against_everyone = check_keyness(&mut page, &server, &body, ("GP", "Everyone else"));

    // The first term opens the GPs' quotes using it.
    let term = &against_everyone.terms[0];
    page.eval("document.querySelector('#keyness .key-terms .term').click()");
    let quotes = results_when(
        &mut page,
        "the term's quotes",
        "!new URLSearchParams(location.search).has('view')",
    );
    assert!(quotes.total > 0, "{quotes:#?}");
    assert_eq!(quotes.total, total_of(&server, &term.search));
    assert!(
        quotes.hits.iter().all(|hit| hit
            .marks
            .iter()
            .any(|m| m.to_lowercase().starts_with(&term.term))),
        "every quote marks {}: {quotes:#?}",
        term.term
    );
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

/// The concordance as the page shows it: each line's cells.
const KWIC_SNAPSHOT: &str = r#"(() => {
  const rows = [...document.querySelectorAll('#kwic tbody tr')];
  if (rows.length === 0) return null;
  return rows.map((tr) => ({
    left: tr.querySelector('.left').textContent,
    keyword: tr.querySelector('.keyword').textContent,
    right: tr.querySelector('.right').textContent,
    citation: tr.querySelector('.cite').textContent,
    lang: tr.querySelector('.keyword').lang,
  }));
})()"#;

#[derive(Debug, Deserialize)]
struct PageLine {
    left: String,
    keyword: String,
    right: String,
    citation: String,
    lang: String,
}

/// Waits until the URL says `condition` and checks each line against the API's answer to `body`.
fn check_kwic(page: &mut Browser, server: &TestServer, condition: &str, body: &Value) {
    let snapshot = page.wait_until(
        "the concordance",
        &format!("({SETTLED} && {condition}) && {KWIC_SNAPSHOT}"),
    );
    let shown: Vec<PageLine> = serde_json::from_value(snapshot.clone()).unwrap_or_else(|e| {
        panic!("the concordance does not read as expected ({e}): {snapshot:#}")
    });
    let expected: KwicResponse = post_ok(server, "/v1/kwic", body);
    let as_shown = |line: &KwicLine| {
        (
            line.left.clone(),
            line.keyword.clone(),
            line.right.clone(),
            line.citation.clone(),
        )
    };
    assert_eq!(
        shown
            .iter()
            .map(|l| (
                l.left.clone(),
                l.keyword.clone(),
                l.right.clone(),
                l.citation.clone()
            ))
            .collect::<Vec<_>>(),
        expected.lines.iter().map(as_shown).collect::<Vec<_>>()
    );
    let total = page.eval("document.getElementById('total').dataset.total");
    assert_eq!(total, expected.total.to_string());
    for line in &shown {
        let chinese = line
            .keyword
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert_eq!(line.lang, if chinese { "zh" } else { "" }, "{line:?}");
    }
}

#[test]
fn the_concordance_lines_up_the_apis_occurrences_at_any_width_and_page() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    page.allow_downloads();

    open_search(
        &mut page,
        &server,
        &[("q", "primary care"), ("view", "kwic")],
    );
    let first_page = json!({"search": {"q": "primary care", "limit": 20}, "width": 40});
    check_kwic(&mut page, &server, "true", &first_page);

    // A narrower context, typed into the width box.
    page.eval(
        "(() => { const w = document.getElementById('kwic-width'); w.value = '20'; \
         w.dispatchEvent(new Event('change')); return true; })()",
    );
    check_kwic(
        &mut page,
        &server,
        "new URLSearchParams(location.search).get('width') === '20'",
        &json!({"search": {"q": "primary care", "limit": 20}, "width": 20}),
    );

    // The next page of passages, with the filters beside it.
    page.eval("document.getElementById('next-page').click()");
    check_kwic(
        &mut page,
        &server,
        "new URLSearchParams(location.search).get('page') === '2'",
        &json!({"search": {"q": "primary care", "limit": 20, "offset": 20}, "width": 20}),
    );
    page.eval(
        "document.querySelector('#facets input[data-facet=\"role\"][value=\"manager\"]').click()",
    );
    check_kwic(
        &mut page,
        &server,
        "new URLSearchParams(location.search).get('role') === 'manager'",
        &json!({"search": {"q": "primary care", "filters": {"role": "manager"}, "limit": 20}, "width": 20}),
    );

    // The export is the server's file of every passage's occurrences.
    page.eval("document.getElementById('export-txt').click()");
    let text = page.downloaded("verbatim-concordance-primary-care.txt");
    let body = json!({"search": {"q": "primary care", "filters": {"role": ["manager"]}, "sort": "relevance", "limit": 1000, "offset": 0}, "width": 20});
    let url = format!("{}/v1/kwic?format=txt", server.url);
    assert_eq!(text, fetch_raw(&url, Some(&body.to_string())).2);

    // Chinese lines are marked as Chinese; the quotes of the same search are one link away.
    page.eval("document.getElementById('clear-filters').click()");
    page.eval(&format!(
        "(() => {{ const q = document.getElementById('q'); q.value = {}; \
         document.getElementById('search-form').requestSubmit(); return true; }})()",
        Value::from(super::CHINESE_WORD)
    ));
    check_kwic(
        &mut page,
        &server,
        &format!(
            "new URLSearchParams(location.search).get('q') === {}",
            Value::from(super::CHINESE_WORD)
        ),
        &json!({"search": {"q": super::CHINESE_WORD, "limit": 20}, "width": 20}),
    );
    page.eval("document.getElementById('view-search').click()");
    let quotes = results_when(
        &mut page,
        "the quotes of the same search",
        "!new URLSearchParams(location.search).has('view')",
    );
    assert_eq!(quotes.total, server.total(&[("q", super::CHINESE_WORD)]));
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}
