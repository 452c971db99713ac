//! The page meets WCAG 2.2 AA: axe-core finds nothing serious or critical in any of its states
//! (the audit is [`assert_accessible`]), every action works from the keyboard alone in a sensible
//! order with a visible focus ring, changes are announced, and the text reflows on a 375-pixel
//! screen and at 200% and 400% zoom.
//!
//! Run these alone with `cargo test -p verbatim-tests --test e2e ui::accessibility`.

use serde::Deserialize;
use verbatim_tests::{HttpApi, TestServer, demo_index};

use super::audit::assert_accessible;
use super::browser::{Browser, Key};
use super::{
    CHINESE_WORD, LAPTOP, ROLE_GROUPS_SHOWN, SEED_PHRASE, assert_no_page_errors,
    assert_only_own_origin, open_search, results_when, search_for, update_docs_screenshot,
    url_query_is,
};

/// A phone's width.
const NARROW: (u32, u32) = (375, 667);

#[test]
fn every_state_of_the_page_passes_the_audit() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);

    open_search(&mut page, &server, &[]);
    results_when(
        &mut page,
        "every passage, before any search",
        ROLE_GROUPS_SHOWN,
    );
    assert_eq!(
        page.eval("document.getElementById('pager').hidden"),
        false,
        "the first page of every passage shows the pager"
    );
    assert_accessible(&mut page, "the empty search");

    open_search(&mut page, &server, &[("q", "work"), ("role", "manager")]);
    results_when(&mut page, "results with filters", ROLE_GROUPS_SHOWN);
    assert_eq!(
        page.eval("document.querySelector('#facets li.zero .count')?.firstChild.textContent"),
        "0",
        "a value the search does not find is listed with 0"
    );
    assert_accessible(&mut page, "results with filters");

    page.eval("document.getElementById('counts-table').click()");
    page.wait_until(
        "the counts as tables",
        "document.querySelectorAll('#facets table.counts').length > 0",
    );
    assert_accessible(&mut page, "filter counts as tables");
    page.eval("document.getElementById('counts-table').click()");

    search_for(&mut page, "nothing-matches-this");
    page.wait_until(
        "the no-results message",
        "!document.getElementById('message').hidden",
    );
    assert_accessible(&mut page, "no results");

    open_search(&mut page, &server, &[("q", CHINESE_WORD)]);
    results_when(
        &mut page,
        "the Chinese results",
        &url_query_is(CHINESE_WORD),
    );
    assert_accessible(&mut page, "a Chinese query");

    page.eval("document.querySelector('#hits .hit-actions a').click()");
    results_when(
        &mut page,
        "the translation, as a document filter",
        "new URLSearchParams(location.search).has('doc')",
    );
    assert_accessible(&mut page, "a document filter");

    open_search(&mut page, &server, &[("q", SEED_PHRASE)]);
    results_when(&mut page, "the seed phrase", &url_query_is(SEED_PHRASE));
    page.eval("document.querySelector('#hits button[aria-expanded]').click()");
    page.wait_until(
        "the context",
        "document.querySelectorAll('.context-passage').length > 0",
    );
    assert_accessible(&mut page, "context expanded");

    search_for(&mut page, "\"unclosed");
    page.wait_until(
        "the query error",
        "document.getElementById('message').classList.contains('error')",
    );
    assert_accessible(&mut page, "a query error");

    open_search(&mut page, &server, &[("q", "trust"), ("role", "surgeon")]);
    page.wait_until(
        "the unknown role",
        "document.querySelector('#message .unknown-value')",
    );
    assert_accessible(&mut page, "a filter value the corpus lacks");
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

#[test]
fn the_api_key_prompt_passes_the_audit() {
    let server = TestServer::start(demo_index(), Some("s3cret-key"));
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("q", "trust")]);
    page.wait_until(
        "the API key form",
        "!document.getElementById('key-panel').hidden && document.activeElement.id === 'api-key'",
    );
    assert_accessible(&mut page, "the API key prompt");
    page.insert_text("wrong-key");
    page.press(Key::Enter);
    page.wait_until(
        "the wrong key to be refused",
        "document.getElementById('key-error').textContent",
    );
    assert_accessible(&mut page, "a refused API key");
}

/// The focused element as the keyboard tests name it: `#id` for the page's fixed controls, `box
/// PANEL:VALUE` for a filter's tick box, `hit N: button LABEL` for a hit's buttons, otherwise its
/// tag and text; and whether it shows a focus ring.
const FOCUSED: &str = r#"(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return { name: '(nothing)', ring: false };
  const hit = e.closest('#hits > li');
  const where = hit ? `hit ${[...hit.parentNode.children].indexOf(hit) + 1}: ` : '';
  const what = e.id && !e.id.startsWith('hit-') ? `#${e.id}`
    : e.dataset.focusKey ? `box ${e.dataset.focusKey}`
    : `${e.localName} ${e.textContent.trim()}`;
  const style = getComputedStyle(e);
  return { name: where + what, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
})()"#;

/// The focused element ([`FOCUSED`]).
#[derive(Debug, Deserialize)]
struct Focus {
    name: String,
    ring: bool,
}

fn focused(page: &mut Browser) -> Focus {
    let focus = page.eval(FOCUSED);
    serde_json::from_value(focus.clone())
        .unwrap_or_else(|e| panic!("the focused element does not read as expected ({e}): {focus}"))
}

/// Which way the focus moves: Tab or Shift+Tab.
#[derive(Clone, Copy, Debug)]
enum Direction {
    Forward,
    Backward,
}

/// Presses Tab (or Shift+Tab) until `target` has the focus, and returns the name of every element
/// the focus stopped on, `target` last. Each must show a focus ring.
fn tab_to(page: &mut Browser, direction: Direction, target: &str) -> Vec<String> {
    const MOST_STOPS: usize = 200;
    let mut stops = Vec::new();
    while stops.last().is_none_or(|last| last != target) {
        assert!(
            stops.len() < MOST_STOPS,
            "{direction:?} from the start, the focus never reached {target}: {stops:#?}"
        );
        match direction {
            Direction::Forward => page.press(Key::Tab),
            Direction::Backward => page.press_shifted(Key::Tab),
        }
        let focus = focused(page);
        assert!(
            focus.ring,
            "{} has the keyboard focus but no visible focus ring (after {stops:?})",
            focus.name
        );
        stops.push(focus.name);
    }
    stops
}

/// Asserts `expected` appear in `stops` in this order (with others between them).
fn assert_in_order(stops: &[String], expected: &[&str]) {
    let mut rest = stops.iter();
    for name in expected {
        assert!(
            rest.any(|stop| stop == name),
            "{name} is not where it should be in the focus order (expected {expected:#?} in this order): {stops:#?}"
        );
    }
}

/// Waits until the live region says `text`, and fails showing what it says instead.
fn assert_announced(page: &mut Browser, text: &str) {
    let condition = format!(
        "document.getElementById('announcer').textContent === {}",
        serde_json::Value::from(text)
    );
    if page.eval(&condition) != true {
        page.wait_until(&format!("the announcement \"{text}\""), &condition);
    }
}

#[test]
fn the_keyboard_alone_searches_filters_copies_and_turns_pages() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    page.allow_downloads();
    page.grant_clipboard(&server.url);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);

    // The skip link first, then the search box.
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "#q"),
        ["#skip-link", "a Verbatim", "#q"]
    );
    page.insert_text("care");
    page.press(Key::Enter);
    let care = results_when(&mut page, "results for care", &url_query_is("care"));
    let pages = care.total.div_ceil(20);
    assert!(pages > 1, "paging needs more than one page: {care:#?}");
    assert_announced(&mut page, &format!("{} passages match “care”", care.total));

    // Every action in reading order: search, filters, order, exports, each hit's buttons, pages.
    let forward = tab_to(&mut page, Direction::Forward, "#next-page");
    assert_in_order(
        &forward,
        &[
            "button Search",
            "#counts-table",
            "#facet-role-title",
            "box role:manager",
            "#facet-site-title",
            "#facet-kind-title",
            "#facet-lang-title",
            "#facet-speaker-title",
            "#view-kwic",
            "#view-collocates",
            "#view-crosstab",
            "#view-keyness",
            "#view-verify",
            "#sort",
            "#export-md",
            "#export-csv",
            "#export-xlsx",
            "#export-docx",
            "hit 1: button Copy citation",
            "hit 1: button Copy quote with citation",
            "hit 1: button Show context",
            "hit 2: button Copy citation",
            "hit 20: button Show context",
            "#next-page",
        ],
    );
    assert_eq!(forward[0], "button Search");
    let mut distinct = forward.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        forward.len(),
        "the focus came back to an element: {forward:#?}"
    );

    // Enter turns the page; the focus goes to the top of the new results.
    page.press(Key::Enter);
    results_when(
        &mut page,
        "the second page",
        "new URLSearchParams(location.search).get('page') === '2'",
    );
    assert_announced(
        &mut page,
        &format!("{} passages match “care”, page 2 of {pages}", care.total),
    );
    assert_eq!(focused(&mut page).name, "#results");
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "#sort"),
        [
            "#view-search",
            "#view-kwic",
            "#view-collocates",
            "#view-crosstab",
            "#view-keyness",
            "#view-verify",
            "#sort"
        ]
    );

    // Shift+Tab walks back the way Tab came.
    let backward = tab_to(&mut page, Direction::Backward, "box role:manager");
    let at = |name: &str| forward.iter().position(|stop| stop == name).expect(name);
    let mut came = forward[at("box role:manager")..at("#sort")].to_vec();
    came.reverse();
    assert_eq!(backward, came, "Shift+Tab does not retrace Tab");

    // Space ticks the filter; the box keeps the focus and the new count is announced.
    page.press(Key::Space);
    let managers = results_when(
        &mut page,
        "results narrowed to managers",
        "new URLSearchParams(location.search).getAll('role').join() === 'manager' && !new URLSearchParams(location.search).has('page')",
    );
    assert_eq!(
        managers.total,
        server.total(&[("q", "care"), ("role", "manager")])
    );
    assert!(
        (1..=20).contains(&managers.total),
        "one page of managers: {managers:#?}"
    );
    assert_eq!(focused(&mut page).name, "box role:manager");
    assert_eq!(
        page.eval("document.activeElement.checked"),
        true,
        "Space ticks the box"
    );
    assert_announced(
        &mut page,
        &format!(
            "{} passages match “care”, filtered by Role: manager",
            managers.total
        ),
    );

    // Export from the keyboard.
    tab_to(&mut page, Direction::Forward, "#export-md");
    page.press(Key::Enter);
    assert_announced(
        &mut page,
        &format!("Exported {} passages as Markdown", managers.total),
    );
    let exported = String::from_utf8(page.downloaded("verbatim-care.md")).expect("UTF-8");
    assert!(exported.contains(&managers.hits[0].citation), "{exported}");

    // Copy a citation: the button says which, the copy is announced and is on the clipboard.
    tab_to(&mut page, Direction::Forward, "hit 1: button Copy citation");
    let citation = &managers.hits[0].citation;
    assert_eq!(
        page.focused_accessible_name(),
        format!("Copy citation {citation}")
    );
    page.press(Key::Enter);
    assert_announced(&mut page, &format!("Copied the citation {citation}"));
    assert_eq!(
        page.eval("navigator.clipboard.readText()"),
        citation.as_str()
    );

    // Show the context around the quote; the button keeps the focus and says it is open.
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "hit 1: button Show context"),
        [
            "hit 1: button Copy quote with citation",
            "hit 1: button Show context"
        ]
    );
    page.press(Key::Enter);
    page.wait_until(
        "the context to open",
        "document.activeElement.getAttribute('aria-expanded') === 'true'",
    );
    assert_eq!(focused(&mut page).name, "hit 1: button Hide context");
    let shown =
        page.eval("document.querySelectorAll('#hits > li:first-child .context-passage').length");
    let shown = shown.as_u64().expect("a count");
    assert!(shown > 0, "no context passages shown");
    assert_announced(&mut page, &format!("{shown} neighbouring passages shown"));

    // Clear all filters, back up the page; the keyboard goes to the search box.
    tab_to(&mut page, Direction::Backward, "#clear-filters");
    page.press(Key::Enter);
    results_when(
        &mut page,
        "the filters to clear",
        "!new URLSearchParams(location.search).has('role')",
    );
    assert_eq!(focused(&mut page).name, "#q");
    assert_announced(&mut page, &format!("{} passages match “care”", care.total));
    assert_no_page_errors(&mut page);
}

#[test]
fn the_page_reflows_on_a_narrow_screen_and_when_zoomed() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(NARROW.0, NARROW.1);
    let filtered = [("q", "work"), ("role", "manager")];

    open_search(&mut page, &server, &filtered);
    results_when(&mut page, "results on a phone", ROLE_GROUPS_SHOWN);
    assert_fits_the_width(&mut page, "results on a 375-pixel screen");
    page.eval("document.activeElement.blur()");
    let shot = page.screenshot("narrow");
    update_docs_screenshot(&shot, "screenshot-narrow.png");
    assert_accessible(&mut page, "results on a 375-pixel screen");
    open_every_panel_and_context(&mut page);
    assert_fits_the_width(&mut page, "open filters and context on a 375-pixel screen");
    assert_accessible(&mut page, "open filters and context on a 375-pixel screen");

    // A laptop's window zoomed to 200% and 400%: a half and a quarter as many CSS pixels across
    // (WCAG's reflow criterion is 320 pixels, a 1280-pixel window at 400%).
    for factor in [2, 4] {
        let zoomed = format!("{}% zoom", factor * 100);
        page.zoom(LAPTOP.0, LAPTOP.1, factor);
        open_search(&mut page, &server, &filtered);
        results_when(
            &mut page,
            &format!("results at {zoomed}"),
            ROLE_GROUPS_SHOWN,
        );
        open_every_panel_and_context(&mut page);
        assert_fits_the_width(&mut page, &format!("open filters and context at {zoomed}"));
        search_for(&mut page, "\"unclosed");
        page.wait_until(
            "the query error",
            "document.getElementById('message').classList.contains('error')",
        );
        assert_fits_the_width(&mut page, &format!("a query error at {zoomed}"));
    }
    assert_no_page_errors(&mut page);
}

/// Unfolds every filter panel and the first hit's context.
fn open_every_panel_and_context(page: &mut Browser) {
    page.eval("document.querySelectorAll('#facets details').forEach((d) => { d.open = true; })");
    page.eval("document.querySelector('#hits button[aria-expanded]').click()");
    page.wait_until(
        "the context",
        "document.querySelectorAll('.context-passage').length > 0",
    );
}

/// Asserts the page needs no scrolling sideways (WCAG 1.4.10, reflow).
fn assert_fits_the_width(page: &mut Browser, state: &str) {
    let widths = page.eval("[document.documentElement.scrollWidth, window.innerWidth]");
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "{state}: the page is {} CSS pixels wide in a {}-pixel viewport",
        widths[0],
        widths[1]
    );
}

/// The addresses of the views beside the quotes, in the states the audit and the reflow tests
/// visit, with a JavaScript condition that holds once each is drawn.
/// A view in one state: its address's parameters, and a condition that holds once it is drawn.
struct ViewState {
    name: &'static str,
    params: &'static [(&'static str, &'static str)],
    drawn: &'static str,
}

const VIEW_STATES: [ViewState; 11] = [
    ViewState {
        name: "the cross-tab",
        params: &[
            ("view", "crosstab"),
            ("row", "trust"),
            ("row", "\"primary care\""),
            ("row", "STP"),
            ("by", "role"),
        ],
        drawn: "document.querySelector('#crosstab table')",
    },
    ViewState {
        name: "the cross-tab before any row",
        params: &[("view", "crosstab")],
        drawn: "!document.getElementById('message').hidden",
    },
    ViewState {
        name: "a cross-tab row that cannot be read",
        params: &[
            ("view", "crosstab"),
            ("row", "trust"),
            ("row", "\"unclosed"),
        ],
        drawn: "document.getElementById('message').classList.contains('error')",
    },
    ViewState {
        name: "the keyness chart",
        params: &[
            ("view", "keyness"),
            ("target", "GP"),
            ("reference", "manager"),
            ("min_freq", "2"),
        ],
        drawn: "document.querySelector('#keyness .keyness-chart')",
    },
    ViewState {
        name: "keyness without key terms",
        params: &[("view", "keyness"), ("target", "lay"), ("min_freq", "1000")],
        drawn: "!document.getElementById('message').hidden && document.getElementById('keyness-target').value === 'lay'",
    },
    ViewState {
        name: "a keyness target the corpus lacks",
        params: &[("view", "keyness"), ("target", "surgeon")],
        drawn: "document.querySelector('#message .unknown-value')",
    },
    ViewState {
        name: "the concordance before any query",
        params: &[("view", "kwic")],
        drawn: "!document.getElementById('message').hidden",
    },
    ViewState {
        name: "the concordance",
        params: &[("view", "kwic"), ("q", "primary care"), ("role", "manager")],
        drawn: "document.querySelector('#kwic table')",
    },
    ViewState {
        name: "the collocates",
        params: &[("view", "collocates"), ("q", "primary care"), ("span", "4")],
        drawn: "document.querySelector('#collocates table')",
    },
    ViewState {
        name: "the collocates before any word",
        params: &[("view", "collocates")],
        drawn: "!document.getElementById('message').hidden",
    },
    ViewState {
        name: "a Chinese concordance",
        params: &[("view", "kwic"), ("q", CHINESE_WORD), ("width", "20")],
        drawn: "document.querySelector('#kwic table')",
    },
];

/// Opens each of [`VIEW_STATES`] and waits until it is drawn, calling `check` with its name.
fn visit_view_states(
    page: &mut Browser,
    server: &TestServer,
    mut check: impl FnMut(&mut Browser, &str),
) {
    for state in VIEW_STATES {
        open_search(page, server, state.params);
        page.wait_until(
            state.name,
            &format!(
                "!document.body.classList.contains('busy') && ({})",
                state.drawn
            ),
        );
        check(page, state.name);
    }
}

#[test]
fn every_view_passes_the_audit() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    visit_view_states(&mut page, &server, |page, state| {
        assert_accessible(page, state);
    });
    // The participant counts as table columns, beside a cross-tab.
    page.eval("document.getElementById('counts-table').click()");
    page.wait_until(
        "the counts as tables",
        "document.querySelectorAll('#facets table.counts thead th').length > 2",
    );
    assert_accessible(&mut page, "filter counts with participants as tables");
    assert_only_own_origin(&mut page, &server);
    assert_no_page_errors(&mut page);
}

/// Presses the down arrow on the focused list box until it has chosen `value`.
fn choose_with_arrows(page: &mut Browser, value: &str) {
    let chosen = format!(
        "document.activeElement.value === {}",
        serde_json::Value::from(value)
    );
    let options = page.eval("document.activeElement.options.length");
    for _ in 0..options.as_u64().expect("a list box") {
        if page.eval(&chosen) == true {
            return;
        }
        page.press(Key::ArrowDown);
    }
    assert_eq!(page.eval(&chosen), true, "the arrows never reached {value}");
}

#[test]
fn the_keyboard_alone_compares_groups_and_follows_a_term_to_its_quotes() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);

    // The views come after the filters, before the quotes' order and exports.
    let to_keyness = tab_to(&mut page, Direction::Forward, "#view-keyness");
    assert_in_order(
        &to_keyness,
        &[
            "#q",
            "#facet-speaker-title",
            "#view-search",
            "#view-kwic",
            "#view-crosstab",
            "#view-keyness",
        ],
    );
    page.press(Key::Enter);
    page.wait_until(
        "the keyness form",
        "!document.body.classList.contains('busy') && document.getElementById('keyness-target').options.length > 0",
    );
    assert_announced(&mut page, "Keyness: choose the groups to compare");
    assert_eq!(
        focused(&mut page).name,
        "#view-keyness",
        "the link keeps the focus"
    );

    // The form in reading order: groups by, target, reference, fewest uses, terms, Compare.
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "#keyness-target"),
        ["#view-verify", "#keyness-by", "#keyness-target"]
    );
    choose_with_arrows(&mut page, "GP");
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "#keyness-reference"),
        ["#keyness-reference"]
    );
    choose_with_arrows(&mut page, "manager");
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "#keyness-min-freq"),
        ["#keyness-min-freq"]
    );
    // Tab selects the box's number, so typing replaces it.
    page.insert_text("2");
    assert_eq!(page.eval("document.activeElement.value"), "2");
    assert_eq!(
        tab_to(&mut page, Direction::Forward, "button Compare"),
        ["#keyness-terms", "button Compare"]
    );
    page.press(Key::Enter);
    let expected: indexer::api::KeynessResponse = server
        .post(
            "/v1/keyness",
            r#"{"target": {"role_group": "GP"}, "reference": {"role_group": "manager"}, "min_freq": 2, "limit": 20}"#,
        )
        .ok("keyness of GPs against managers");
    assert_announced(
        &mut page,
        &format!("{} key terms of GP against manager", expected.terms.len()),
    );

    // After the exports, the chart's first term; Enter opens its quotes.
    let first = &expected.terms[0];
    let to_term = tab_to(&mut page, Direction::Forward, &format!("a {}", first.term));
    assert_in_order(&to_term, &["#export-csv", "#export-md", "#export-xlsx"]);
    page.press(Key::Enter);
    let quotes = results_when(
        &mut page,
        "the term's quotes",
        "!new URLSearchParams(location.search).has('view')",
    );
    assert_eq!(focused(&mut page).name, "#results");
    assert_eq!(
        quotes.total,
        server.total(&[("q", &first.search.q), ("role_group", "GP")])
    );
    let matching = match quotes.total {
        1 => "1 passage matches".to_string(),
        n => format!("{n} passages match"),
    };
    assert_announced(
        &mut page,
        &format!(
            "{matching} “{}”, filtered by Role group: GP",
            first.search.q
        ),
    );
    assert_no_page_errors(&mut page);
}

#[test]
fn the_keyboard_alone_sets_the_collocates_window_and_follows_a_word_to_its_concordance() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(
        &mut page,
        &server,
        &[("view", "collocates"), ("q", "primary care")],
    );
    page.wait_until(
        "the collocates",
        "!document.body.classList.contains('busy') && document.querySelector('#collocates table')",
    );

    // The window box comes after the views; Tab selects its number, so typing replaces it, and
    // leaving the box counts again.
    let to_span = tab_to(&mut page, Direction::Forward, "#collocates-span");
    assert_in_order(&to_span, &["#view-collocates", "#collocates-span"]);
    page.insert_text("3");
    page.press(Key::Tab);
    let expected: indexer::api::CollocatesResponse = server
        .post("/v1/collocates", r#"{"q": "primary care", "window": 3}"#)
        .ok("the collocates of primary care");
    assert_announced(
        &mut page,
        &format!(
            "{} collocates of “primary care”",
            expected.all.collocates.len()
        ),
    );
    assert_eq!(
        page.eval("new URLSearchParams(location.search).get('span')"),
        "3"
    );

    // The table's first word; Enter opens the concordance of the passages where both occur.
    let first = &expected.all.collocates[0];
    tab_to(&mut page, Direction::Forward, &format!("a {}", first.term));
    page.press(Key::Enter);
    page.wait_until(
        "the collocate's concordance",
        "!document.body.classList.contains('busy') && new URLSearchParams(location.search).get('view') === 'kwic' && document.querySelector('#kwic table')",
    );
    assert_eq!(
        page.eval("new URLSearchParams(location.search).get('q')"),
        first.search.q.as_str()
    );
    assert_eq!(focused(&mut page).name, "#results");
    assert_no_page_errors(&mut page);
}

#[test]
fn every_view_reflows_on_a_narrow_screen_and_when_zoomed() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(NARROW.0, NARROW.1);
    visit_view_states(&mut page, &server, |page, state| {
        let narrow = format!("{state} on a 375-pixel screen");
        assert_fits_the_width(page, &narrow);
        assert_accessible(page, &narrow);
    });
    for factor in [2, 4] {
        page.zoom(LAPTOP.0, LAPTOP.1, factor);
        visit_view_states(&mut page, &server, |page, state| {
            assert_fits_the_width(page, &format!("{state} at {}% zoom", factor * 100));
        });
    }
    assert_no_page_errors(&mut page);
}
