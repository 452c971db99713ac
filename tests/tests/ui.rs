//! The search page at `/`, driven in real headless Chromium against the real server: searching,
//! attributed hits with highlights, facets with participant counts, context, Chinese input,
//! exports, the API key form, and no request to any host but the server. `views` drives the
//! cross-tab, keyness and concordance views against the API's answers; `accessibility` holds the
//! WCAG 2.2 AA audit of every state of every view (with `audit::assert_accessible`), the
//! keyboard-only tests and the reflow tests.
//!
//! Screenshots of each step land in the test's temp dir (the path is printed on failure). With
//! `VERBATIM_UPDATE_SCREENSHOT=1` the laptop-size view of a filtered search is also written to
//! `docs/screenshot.png`, the keyness chart to `docs/screenshot-keyness.png` (`views`) and the
//! 375-pixel view to `docs/screenshot-narrow.png` (`accessibility`), the pictures in the README.

mod accessibility;
pub(crate) mod audit;
pub(crate) mod browser;
mod check_draft;
mod first_use;
mod views;

use std::collections::BTreeSet;
use std::io::{Cursor, Read as _};
use std::path::Path;

use calamine::{Reader, Xlsx};

use indexer::api::{ParticipantInfo, PassageDetail, SearchResponse};
use serde::Deserialize;
use serde_json::{Value, json};
use verbatim_tests::{Binary, HttpApi, TestServer, demo_index, poll, query_string, workspace_root};

use browser::{Browser, Key};

const LAPTOP: (u32, u32) = (1280, 860);
const PHONE: (u32, u32) = (390, 844);
const SEED_PHRASE: &str = "\"more than co-location\"";
const SEED_DOC: &str = "mcdermott-2019-integrated-care";
const CHINESE_WORD: &str = "初级保健";

/// The search page's results are loaded and the role facet shows roles under their groups (the
/// participants list has arrived, so the facets will not be redrawn under the keyboard).
const ROLE_GROUPS_SHOWN: &str = "document.querySelector('#facets [data-facet=\"role\"] ul ul')";

/// What the page shows once a search has finished: the total and, for each hit, its citation,
/// role badge, highlighted words and quote.
const RESULTS_SNAPSHOT: &str = r#"(() => {
  const total = document.getElementById('total');
  if (!total || document.body.classList.contains('busy')) return null;
  const hits = [...document.querySelectorAll('#hits .hit')].map((hit) => ({
    citation: hit.querySelector('.citation').textContent,
    role: hit.querySelector('.badge.role')?.lastChild.textContent ?? null,
    marks: [...hit.querySelectorAll('.quote mark')].map((m) => m.textContent),
    quote: hit.querySelector('.quote').textContent,
    translation: hit.querySelector('.hit-actions a')?.getAttribute('href') ?? null,
  }));
  return { total: Number(total.dataset.total), hits, search: location.search };
})()"#;

/// A finished search as the page shows it ([`RESULTS_SNAPSHOT`]).
#[derive(Debug, Deserialize)]
struct Results {
    total: u64,
    hits: Vec<PageHit>,
}

/// One hit as the page shows it.
#[derive(Debug, Deserialize)]
struct PageHit {
    citation: String,
    role: Option<String>,
    marks: Vec<String>,
    quote: String,
    translation: Option<String>,
}

impl Results {
    fn citations(&self) -> Vec<&str> {
        self.hits.iter().map(|hit| hit.citation.as_str()).collect()
    }
}

/// Waits until a search has finished and `condition` (JavaScript) holds, then reads the results.
fn results_when(page: &mut Browser, what: &str, condition: &str) -> Results {
    let snapshot = page.wait_until(
        what,
        &format!("(() => {{ if (!({condition})) return null; return {RESULTS_SNAPSHOT}; }})()"),
    );
    serde_json::from_value(snapshot.clone()).unwrap_or_else(|e| {
        panic!("the page's results do not read as expected ({e}): {snapshot:#}")
    })
}

/// JavaScript that holds when the page's URL has `q` as its query.
fn url_query_is(q: &str) -> String {
    format!(
        "new URLSearchParams(location.search).get('q') === {}",
        Value::from(q)
    )
}

/// Loads the page with a search in its address (`params` as `?q=...&role=...`).
fn open_search(page: &mut Browser, server: &TestServer, params: &[(&str, &str)]) {
    page.navigate(&format!("{}/{}", server.url, query_string(params)));
}

/// Replaces the search box's text with `text` by typing, then presses Enter.
fn search_for(page: &mut Browser, text: &str) {
    page.eval(
        "(() => { const q = document.getElementById('q'); q.focus(); q.select(); return true; })()",
    );
    page.insert_text(text);
    page.press(Key::Enter);
}

/// Asserts every request the page made went to the server's own origin.
fn assert_only_own_origin(page: &mut Browser, server: &TestServer) {
    let urls = page.requested_urls();
    assert!(!urls.is_empty(), "no requests were recorded at all");
    let own = format!("{}/", server.url);
    let blob = format!("blob:{}/", server.url);
    let foreign: Vec<&String> = urls
        .iter()
        .filter(|url| !url.starts_with(&own) && !url.starts_with(&blob) && *url != "about:blank")
        .collect();
    assert!(
        foreign.is_empty(),
        "the page requested other hosts: {foreign:?}"
    );
}

fn assert_no_page_errors(page: &mut Browser) {
    let errors = page.page_errors();
    assert!(
        errors.is_empty(),
        "the page logged errors (CSP violations show here too): {errors:#?}"
    );
}

#[test]
fn search_page_finds_attributed_quotes_filters_and_expands_them() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);

    open_search(&mut page, &server, &[]);
    let everything = results_when(&mut page, "the first page of every passage", "true");
    assert_eq!(everything.total, server.total(&[]));

    // The seed phrase, highlighted as one span where it occurs, with the speaker in the citation.
    search_for(&mut page, SEED_PHRASE);
    let seed = results_when(
        &mut page,
        "the seed phrase's hit",
        &url_query_is(SEED_PHRASE),
    );
    assert_eq!(seed.total, 1, "{seed:#?}");
    assert!(
        seed.hits[0].citation.starts_with("[Independent GP ID9] "),
        "{seed:#?}"
    );
    assert_eq!(seed.hits[0].role.as_deref(), Some("Independent GP"));
    assert_eq!(seed.hits[0].marks, ["more than co-location"]);
    page.screenshot("1-seed-phrase");

    // "Show context" puts the neighbouring passages around the quote, in document order.
    let n = server.search(&[("q", SEED_PHRASE)]).hits[0].passage.passage;
    let context: PassageDetail =
        server.get_ok(&format!("/v1/documents/{SEED_DOC}/passages/{n}?context=2"));
    let neighbours: Vec<&str> = context
        .context
        .before
        .iter()
        .chain(&context.context.after)
        .map(|passage| passage.text.as_str())
        .collect();
    assert_eq!(neighbours.len(), 4, "{context:#?}");
    page.eval("document.querySelector('#hits .hit button[aria-expanded]').click()");
    let shown = page.wait_until(
        "the neighbouring passages",
        "(() => { const p = [...document.querySelectorAll('.context-passage')]; \
         return p.length > 0 && p.map((e) => e.lastChild.textContent); })()",
    );
    assert_eq!(shown, json!(neighbours));
    assert_eq!(
        page.eval("document.querySelector('#hits .hit button[aria-expanded]').getAttribute('aria-expanded')"),
        "true"
    );
    page.screenshot("2-context");

    // Ticking a role group (with the keyboard) narrows the list to that group's speakers.
    search_for(&mut page, "primary care");
    let broad = results_when(
        &mut page,
        "results for primary care",
        &url_query_is("primary care"),
    );
    page.eval(
        "document.querySelector('#facets input[data-facet=\"role\"][value=\"manager\"]').focus()",
    );
    page.press(Key::Space);
    let narrow = results_when(
        &mut page,
        "results narrowed to managers",
        "new URLSearchParams(location.search).getAll('role').join() === 'manager'",
    );
    let managers = server.total(&[("q", "primary care"), ("role", "manager")]);
    assert_eq!(narrow.total, managers);
    assert!(
        0 < narrow.total && narrow.total < broad.total,
        "{} -> {}",
        broad.total,
        narrow.total
    );
    let manager_roles = roles_in_group(&server, "manager");
    for hit in &narrow.hits {
        let role = hit.role.as_deref().unwrap_or("(no role badge)");
        assert!(
            manager_roles.contains(role),
            "{role} is not a manager role ({manager_roles:?}): {hit:#?}"
        );
    }
    assert_eq!(
        page.eval(
            "document.activeElement.matches('input[data-facet=\"role\"][value=\"manager\"]:checked')"
        ),
        true,
        "the ticked box keeps the keyboard focus after the results update"
    );
    // With the group ticked, the other groups keep their counts and can be added (any-of).
    search_for(&mut page, "work");
    let managers_only = results_when(
        &mut page,
        "managers' passages about work",
        &url_query_is("work"),
    );
    assert_eq!(
        managers_only.total,
        server.total(&[("q", "work"), ("role", "manager")])
    );
    let gp_count = page.eval(
        "document.querySelector('#facets input[value=\"GP\"]')?.closest('label').querySelector('.count').firstChild.textContent",
    );
    assert_eq!(
        gp_count,
        server.total(&[("q", "work"), ("role", "GP")]).to_string()
    );
    // The focus ring and caret of the search box would distract in the README's picture.
    page.eval("document.activeElement.blur()");
    let shot = page.screenshot("3-role-facet");
    update_docs_screenshot(&shot, "screenshot.png");
    page.eval("document.querySelector('#facets input[value=\"GP\"]').click()");
    let either = results_when(
        &mut page,
        "managers' and GPs' passages about work",
        "new URLSearchParams(location.search).getAll('role').join() === 'manager,GP'",
    );
    assert_eq!(
        either.total,
        server.total(&[("q", "work"), ("role", "manager"), ("role", "GP")])
    );
    assert!(either.total > managers_only.total);

    // The URL holds the search: loading it again shows the same results and ticks.
    let bookmark = page.eval("location.href");
    page.navigate(bookmark.as_str().expect("an address"));
    let again = results_when(
        &mut page,
        "the bookmarked search",
        "document.querySelector('#facets input[value=\"manager\"]')?.checked",
    );
    assert_eq!(again.citations(), either.citations());
    assert_eq!(page.eval("document.getElementById('q').value"), "work");
    page.eval("document.getElementById('clear-filters').click()");
    let unfiltered = results_when(
        &mut page,
        "the filters to clear",
        "!new URLSearchParams(location.search).has('role')",
    );
    assert_eq!(unfiltered.total, server.total(&[("q", "work")]));

    // A query the API cannot read shows its message and hint instead of a blank page.
    search_for(&mut page, "\"unclosed");
    let message = page.wait_until(
        "the query error",
        "!document.getElementById('message').hidden && document.getElementById('message').textContent",
    );
    let message = message.as_str().unwrap_or("");
    assert!(
        message.contains("unclosed quote") && message.contains("close the phrase"),
        "{message}"
    );

    // Chinese: a composition in progress does not search; the committed word does.
    page.eval(
        "(() => { const q = document.getElementById('q'); q.focus(); q.select(); return true; })()",
    );
    let searches_before = search_requests(&mut page);
    let url_before = page.eval("location.search");
    for step in ["chuji", "初级"] {
        page.compose(step);
        // Each step outlasts the typing delay: a search the page had scheduled would have run.
        page.after_page_timer("2 * document.getElementById('q').dataset.typingDelayMs");
    }
    assert_eq!(
        page.eval("document.getElementById('q').value"),
        "初级",
        "the composition shows in the search box"
    );
    assert_eq!(
        (search_requests(&mut page), page.eval("location.search")),
        (searches_before, url_before),
        "the page searched while a word was still being composed"
    );
    page.insert_text(CHINESE_WORD);
    page.press(Key::Enter);
    let chinese = results_when(
        &mut page,
        "the Chinese results",
        &url_query_is(CHINESE_WORD),
    );
    let expected = server.search(&[("q", CHINESE_WORD)]);
    let expected_citations: Vec<&str> = expected
        .hits
        .iter()
        .map(|hit| hit.passage.citation.as_str())
        .collect();
    assert_eq!(chinese.total, expected.total);
    assert_eq!(chinese.citations(), expected_citations);
    let first = &chinese.hits[0];
    assert!(
        !first.marks.is_empty() && first.marks.iter().all(|m| m == CHINESE_WORD),
        "{first:#?}"
    );
    assert!(first.citation.contains("Chinese translation"), "{first:#?}");
    assert!(
        first
            .translation
            .as_deref()
            .is_some_and(|href| href.contains("doc=mcdermott-2019-abstract-en")),
        "a translated document offers its translation: {first:#?}"
    );
    assert_eq!(
        page.eval("document.querySelector('#hits .quote').lang"),
        "zh"
    );
    assert!(
        chinese
            .hits
            .iter()
            .all(|hit| hit.quote.contains(CHINESE_WORD))
    );
    page.screenshot("4-chinese");

    // On a phone the filters stack, folded, above the results, which still fit the width.
    page.resize(PHONE.0, PHONE.1);
    let address = page.eval("location.href");
    page.navigate(address.as_str().expect("an address"));
    let on_phone = results_when(&mut page, "the results on a phone", "true");
    assert_eq!(on_phone.citations(), chinese.citations());
    assert_eq!(
        page.eval("[...document.querySelectorAll('#facets details')].some((d) => d.open)"),
        false,
        "facet panels start folded on a phone"
    );
    let overflow = page.eval("document.documentElement.scrollWidth - window.innerWidth");
    assert_eq!(overflow, 0, "the page is wider than a phone screen");
    page.screenshot("5-phone");

    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

/// Every value of every filter panel as the page shows it: its panel, value, passages and who
/// said them.
const FACET_VALUES: &str = r#"[...document.querySelectorAll('#facets input[data-facet]')].map((box) => {
  const label = box.closest('label');
  return [box.dataset.facet, box.value, label.querySelector('.count').firstChild.textContent,
    label.querySelector('.who')?.textContent ?? ''];
})"#;

/// The same counts as tables: each panel's rows of cells.
const FACET_TABLES: &str = r#"[...document.querySelectorAll('#facets details')].map((panel) =>
  [panel.dataset.facet, [...panel.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.children].map((cell) => cell.firstChild.textContent))])"#;

#[test]
fn each_filter_value_shows_its_passages_and_how_many_participants_said_them() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("q", "work"), ("kind", "article")]);
    results_when(&mut page, "results about work", ROLE_GROUPS_SHOWN);

    // A panel with a ticked value counts without its own filter; the others with every filter.
    let counts = |params: &[(&str, &str)]| {
        let params = [
            params,
            &[("facets", "role_group,role,site,kind,lang,speaker")],
        ]
        .concat();
        server.search(&params).facets
    };
    let filtered = counts(&[("q", "work"), ("kind", "article")]);
    let kinds = counts(&[("q", "work")]);
    let corpus = counts(&[]);
    // A value the search does not find is listed with 0 when the corpus holds it (issue 29).
    let expected = |panel: &str, value: &str| {
        let (facets, fields) = match panel {
            "kind" => (&kinds, &["kind"][..]),
            "role" => (&filtered, &["role_group", "role"][..]),
            other => (&filtered, &[other][..]),
        };
        let find = |facets: &std::collections::BTreeMap<String, Vec<indexer::api::FacetCount>>| {
            fields
                .iter()
                .flat_map(|field| &facets[*field])
                .find(|count| count.value == value)
                .cloned()
        };
        find(facets).unwrap_or_else(|| {
            let held =
                find(&corpus).unwrap_or_else(|| panic!("{panel}: {value} is not in the corpus"));
            indexer::api::FacetCount {
                count: 0,
                participants: 0,
                ..held
            }
        })
    };
    // What the page should show beside each value: its passages and who said them.
    let shown = |panel: &str, value: &str| {
        let want = expected(panel, value);
        let participants = match want.of {
            _ if panel == "speaker" => String::new(),
            0 => String::new(),
            1 => format!("{} of 1 participant", want.participants),
            of => format!("{} of {of} participants", want.participants),
        };
        (want.count.to_string(), participants)
    };
    let read = |page: &mut Browser| -> Vec<(String, String, String, String)> {
        serde_json::from_value(page.eval(FACET_VALUES)).expect("the filters' values")
    };
    // The panels are drawn again once the participants (and so the role groups) are known:
    // wait for the drawing that has them all, then check every value.
    poll(|| {
        let values = read(&mut page);
        let settled = values.len() > 5
            && values.iter().all(|(panel, value, count, who)| {
                shown(panel, value) == (count.clone(), who.clone())
            });
        settled.then_some(())
    });
    let values = read(&mut page);
    assert!(values.len() > 5, "{values:#?}");
    for (panel, value, count, who) in &values {
        let (passages, participants) = shown(panel, value);
        assert_eq!(count, &passages, "{panel}: {value}");
        assert_eq!(who, &participants, "{panel}: {value}");
    }
    let managers = page.eval(
        "document.querySelector('#facets input[value=\"manager\"]').closest('label').textContent",
    );
    let want = expected("role", "manager");
    assert!(want.count > 1 && want.of > 1, "{want:?}");
    assert_eq!(
        managers,
        format!(
            "manager{} passages,{} of {} participants",
            want.count, want.participants, want.of
        ),
        "what a screen reader reads for the managers' box"
    );

    // As tables: passages, participants and all with the value, in columns.
    page.eval("document.getElementById('counts-table').click()");
    page.wait_until(
        "the counts as tables",
        "document.querySelectorAll('#facets table.counts').length > 0",
    );
    let tables: Vec<(String, Vec<Vec<String>>)> =
        serde_json::from_value(page.eval(FACET_TABLES)).expect("the filters' tables");
    for (panel, rows) in tables {
        let ticks = values.iter().filter(|(p, ..)| *p == panel).count();
        assert_eq!(rows.len(), ticks, "{panel}: a row per tick box");
        for row in rows {
            // A language is shown by its name.
            let value = match (panel.as_str(), row[0].as_str()) {
                ("lang", "English") => "en",
                ("lang", "Chinese") => "zh",
                (_, value) => value,
            };
            let want = expected(&panel, value);
            let mut cells = vec![want.count.to_string()];
            if panel != "speaker" {
                cells.extend([want.participants.to_string(), want.of.to_string()]);
            }
            assert_eq!(row[1..], cells, "{panel}: {}", row[0]);
        }
    }
    assert_no_page_errors(&mut page);
}

/// Roles whose group is `group`, from the participants sheet.
fn roles_in_group(server: &TestServer, group: &str) -> BTreeSet<String> {
    let participants: Vec<ParticipantInfo> = server.get_ok("/v1/participants");
    participants
        .into_iter()
        .filter(|p| p.role_group.as_deref() == Some(group))
        .filter_map(|p| p.role)
        .collect()
}

fn search_requests(page: &mut Browser) -> Vec<String> {
    page.requested_urls()
        .into_iter()
        .filter(|url| url.contains("/v1/search"))
        .collect()
}

/// With `VERBATIM_UPDATE_SCREENSHOT=1`, copies `shot` to `docs/<name>`, a picture in the README.
fn update_docs_screenshot(shot: &Path, name: &str) {
    if std::env::var_os("VERBATIM_UPDATE_SCREENSHOT").is_none_or(|v| v != "1") {
        return;
    }
    let target = workspace_root().join("docs").join(name);
    std::fs::create_dir_all(target.parent().expect("docs/ has a parent"))
        .unwrap_or_else(|e| panic!("cannot create docs/: {e}"));
    std::fs::copy(shot, &target).unwrap_or_else(|e| {
        panic!(
            "cannot copy {} to {}: {e}",
            shot.display(),
            target.display()
        )
    });
}

#[test]
fn exports_are_the_servers_files_in_every_format() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    page.allow_downloads();

    let search = [("q", "primary care"), ("role", "GP"), ("role", "manager")];
    open_search(&mut page, &server, &search);
    results_when(&mut page, "the filtered results", "true");
    // Markdown and CSV are the CLI's output to the letter: one writer serves both.
    for format in ["md", "csv"] {
        page.eval(&format!(
            "document.getElementById('export-{format}').click()"
        ));
        let exported = page.downloaded(&format!("verbatim-primary-care.{format}"));
        let cli = verbatim_output(&[
            "search",
            "--server",
            &server.url,
            "--role",
            "GP",
            "--role",
            "manager",
            "--limit",
            "1000",
            "--format",
            format,
            "primary care",
        ]);
        assert_eq!(
            String::from_utf8(exported).expect("UTF-8"),
            cli,
            "the page's {format} export differs from the CLI's"
        );
    }
    // Excel and Word are the server's files for the same search, every hit with its citation.
    let all = [&search[..], &[("limit", "1000"), ("highlight", "false")]].concat();
    let citations: Vec<String> = server
        .search(&all)
        .hits
        .into_iter()
        .map(|hit| hit.passage.citation)
        .collect();
    assert!(!citations.is_empty());
    let file = |format: &str| {
        let query = query_string(&[&all[..], &[("format", format)]].concat());
        fetch_raw(&format!("{}/v1/search{query}", server.url), None).2
    };
    page.eval("document.getElementById('export-xlsx').click()");
    let xlsx = page.downloaded("verbatim-primary-care.xlsx");
    assert_same_workbook(&xlsx, &file("xlsx"));
    let cells = workbook_cells(&xlsx).concat().concat();
    for citation in &citations {
        assert!(
            cells.contains(citation),
            "{citation} is not in the workbook"
        );
    }
    page.eval("document.getElementById('export-docx').click()");
    let docx = page.downloaded("verbatim-primary-care.docx");
    let document = docx_document(&docx);
    assert_eq!(document, docx_document(&file("docx")));
    for citation in &citations {
        assert!(
            document.contains(citation.as_str()),
            "{citation} is not in the document"
        );
    }
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

/// Every sheet of a workbook as rows of cell texts, read by an independent reader (calamine).
fn workbook_cells(bytes: &[u8]) -> Vec<Vec<Vec<String>>> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("not a workbook: {e}"));
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book
                .worksheet_range(&name)
                .unwrap_or_else(|e| panic!("sheet {name} cannot be read: {e}"));
            range
                .rows()
                .map(|row| row.iter().map(|cell| cell.to_string()).collect())
                .collect()
        })
        .collect()
}

/// Asserts two workbooks hold the same sheets and cells (their timestamps may differ).
fn assert_same_workbook(page: &[u8], server: &[u8]) {
    let (page, server) = (workbook_cells(page), workbook_cells(server));
    assert!(!page.concat().is_empty(), "the page's workbook is empty");
    assert_eq!(page, server, "the page's workbook is not the server's");
}

/// The text of a Word file's body (`word/document.xml`).
fn docx_document(bytes: &[u8]) -> String {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("not a zip: {e}"));
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap_or_else(|e| panic!("no word/document.xml: {e}"))
        .read_to_string(&mut document)
        .unwrap_or_else(|e| panic!("word/document.xml is not text: {e}"));
    document
}

fn verbatim_output(args: &[&str]) -> String {
    let output = Binary::Cli
        .command()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run verbatim {args:?}: {e}"));
    assert!(
        output.status.success(),
        "verbatim {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn the_page_asks_for_the_api_key_once_and_keeps_it_out_of_the_url() {
    const KEY: &str = "s3cret-key";
    let server = TestServer::start(demo_index(), Some(KEY));
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);

    open_search(&mut page, &server, &[("q", "trust")]);
    page.wait_until(
        "the API key form",
        "!document.getElementById('key-panel').hidden && document.activeElement.id === 'api-key'",
    );
    page.insert_text("wrong-key");
    page.press(Key::Enter);
    let error = page.wait_until(
        "the wrong key to be refused",
        "document.getElementById('key-error').textContent",
    );
    assert!(
        error.as_str().is_some_and(|e| e.contains("not accepted")),
        "{error}"
    );
    page.insert_text(KEY);
    page.press(Key::Enter);
    let found = results_when(&mut page, "results with the key", "true");
    let expected: SearchResponse = server
        .request("GET", "/v1/search?q=trust&limit=0", Some(KEY), None)
        .ok("a search with the key");
    assert_eq!(found.total, expected.total);
    page.screenshot("key-accepted");

    // Loading the page again in the same tab does not ask again.
    open_search(&mut page, &server, &[("q", "care")]);
    results_when(&mut page, "results without asking again", "true");
    assert_eq!(
        page.eval("document.getElementById('key-panel').hidden"),
        true
    );
    assert_eq!(page.eval("sessionStorage.getItem('verbatim.apiKey')"), KEY);
    let leaked: Vec<String> = page
        .requested_urls()
        .into_iter()
        .filter(|url| url.contains(KEY))
        .collect();
    assert!(leaked.is_empty(), "the key is in a URL: {leaked:?}");
    assert_only_own_origin(&mut page, &server);
}

#[test]
fn the_page_is_public_and_served_under_a_strict_policy() {
    let server = TestServer::start(demo_index(), Some("s3cret-key"));
    for (path, content_type) in [
        ("/", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/api.js", "text/javascript"),
        ("/assets/state.js", "text/javascript"),
        ("/assets/crosstab.js", "text/javascript"),
        ("/assets/keyness.js", "text/javascript"),
        ("/assets/kwic.js", "text/javascript"),
        ("/assets/style.css", "text/css"),
        ("/assets/favicon.svg", "image/svg+xml"),
    ] {
        let (status, headers, body) = fetch_raw(&format!("{}{path}", server.url), None);
        let body = String::from_utf8(body).expect("UTF-8");
        assert_eq!(status, 200, "{path} needs no key");
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert!(
            header("content-type").starts_with(content_type),
            "{path}: {}",
            header("content-type")
        );
        assert!(
            header("content-security-policy").starts_with("default-src 'self'"),
            "{path}: {}",
            header("content-security-policy")
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert!(!body.is_empty(), "{path} is empty");
        for external in ["http://", "https://", "//fonts."] {
            assert!(
                path == "/assets/favicon.svg" || !body.contains(external),
                "{path} refers to an external address ({external})"
            );
        }
    }
    assert_eq!(server.get("/v1/search?q=trust").status, 401);
}

/// GETs `url`, or POSTs `body` to it as JSON, as the page does, and returns the status, headers
/// and raw body: a page, a script, or a file in one of the export formats.
fn fetch_raw(url: &str, body: Option<&str>) -> (u16, verbatim_tests::HeaderMap, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let sent = match body {
        Some(body) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body),
        None => agent.get(url).call(),
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{url} failed: {e}"));
    let bytes = response
        .body_mut()
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{url}: cannot read the body: {e}"));
    (
        response.status().as_u16(),
        response.headers().clone(),
        bytes,
    )
}
