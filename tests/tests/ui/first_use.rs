//! What a new user trips over (issue 29), driven as they drive the page: typing, clicking and
//! the keyboard. An error clears the filters' counts and speaks the user's words; a filter value
//! the corpus lacks is named with those it has; values the search does not find stay listed with
//! 0; the focused "Show context" stays in view; typing keeps the cross-tab view; keyness puts the search box away and says so; a
//! cross-tab's address starts it with the query; the concordance fits a laptop and asks for a
//! word; a translation is the paragraph that translates the hit; Chinese has its fonts named.

use indexer::api::{FacetCount, PassageDetail};
use serde_json::Value;
use verbatim_tests::{HttpApi, TestServer, demo_index, poll};

use super::audit::assert_accessible;
use super::browser::{Browser, Key};
use super::{
    CHINESE_WORD, LAPTOP, ROLE_GROUPS_SHOWN, assert_no_page_errors, open_search, results_when,
    search_for, url_query_is,
};

/// The message box's text once it shows, and whether it is an error.
fn message(page: &mut Browser, what: &str) -> (String, bool) {
    let shown = page.wait_until(
        what,
        "!document.body.classList.contains('busy') && !document.getElementById('message').hidden \
         && [document.getElementById('message').textContent, \
             document.getElementById('message').classList.contains('error')]",
    );
    (
        shown[0].as_str().unwrap_or_default().to_string(),
        shown[1] == Value::Bool(true),
    )
}

/// The counts the filter panels show, and what each panel says instead of counts.
fn panel_counts(page: &mut Browser) -> (usize, Vec<String>) {
    let counts = page.eval("document.querySelectorAll('#facets .count').length");
    let notes =
        page.eval("[...document.querySelectorAll('#facets .empty')].map((e) => e.textContent)");
    (
        counts.as_u64().unwrap_or(0) as usize,
        serde_json::from_value(notes).unwrap_or_default(),
    )
}

#[test]
fn an_error_after_results_clears_the_counts_and_speaks_the_users_words() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);
    search_for(&mut page, "-trust");
    results_when(&mut page, "passages without trust", &url_query_is("-trust"));
    assert!(panel_counts(&mut page).0 > 0, "the search has counts");

    let long = "care ".repeat(960);
    search_for(&mut page, long.trim());
    let (text, error) = message(&mut page, "the long query's error");
    assert!(error, "{text}");
    assert!(
        text.contains("the query is 4,799 characters long; the limit is 4,096")
            && !text.contains("q: "),
        "{text}"
    );
    let after_results = panel_counts(&mut page);
    assert_eq!(
        after_results.0, 0,
        "no counts of the last search stay beside the error"
    );
    assert!(
        after_results
            .1
            .iter()
            .all(|n| n == "No counts: the search could not run"),
        "{after_results:?}"
    );
    assert_eq!(
        page.eval("document.getElementById('status').textContent"),
        "No results: the search could not run"
    );
    assert_accessible(&mut page, "an error after results");

    // The same error loaded directly looks the same.
    let address = page.eval("location.href");
    page.navigate(address.as_str().expect("an address"));
    message(&mut page, "the long query's error, loaded directly");
    // The panels are drawn with the message or just after it: wait for them, then compare.
    poll(|| (panel_counts(&mut page) == after_results).then_some(()));
    assert_eq!(panel_counts(&mut page), after_results);

    search_for(&mut page, "\"primary care");
    let (text, _) = message(&mut page, "the unclosed quote");
    assert!(
        text.contains("This search cannot be read: unclosed quote (at character 1)")
            && !text.contains("query, column"),
        "{text}"
    );
    assert_no_page_errors(&mut page);
}

#[test]
fn a_filter_value_the_corpus_lacks_is_named_with_the_values_it_has() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("q", "trust"), ("role", "surgeon")]);
    let (text, error) = message(&mut page, "the unknown role");
    assert!(!error, "{text}");
    assert!(
        text.contains("Role “surgeon” is not in this corpus. It has: ")
            && text.contains("manager")
            && text.contains("Independent GP")
            && !text.contains("Untick"),
        "{text}"
    );
    // The value stays ticked, so it can be unticked.
    assert_eq!(
        page.eval("document.querySelector('#facets input[value=\"surgeon\"]').checked"),
        true
    );
    assert_accessible(&mut page, "a filter value the corpus lacks");

    open_search(
        &mut page,
        &server,
        &[("view", "keyness"), ("target", "surgeon")],
    );
    let (text, _) = message(&mut page, "the unknown keyness target");
    assert!(
        text.contains("Role group “surgeon” is not in this corpus. It has: ")
            && !text.contains("Lower the fewest uses"),
        "{text}"
    );
    assert_accessible(&mut page, "a keyness target the corpus lacks");
    assert_no_page_errors(&mut page);
}

#[test]
fn values_the_search_does_not_find_stay_listed_with_zero() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);
    search_for(&mut page, "\"primary care\"");
    results_when(&mut page, "primary care", &url_query_is("\"primary care\""));
    let gp = server.total(&[("q", "\"primary care\""), ("role", "GP")]);
    assert_eq!(gp, 0, "the demo corpus has no GP on primary care");
    let box_ = "document.querySelector('#facets input[data-facet=\"role\"][value=\"GP\"]')";
    let shown = page.eval(&format!(
        "[{box_}.closest('li').className, {box_}.closest('label').querySelector('.count').firstChild.textContent, \
          {box_}.closest('label').querySelector('.who')?.textContent]"
    ));
    let groups: Vec<FacetCount> = server.get_ok("/v1/facets/role_group");
    let of = groups
        .iter()
        .find(|g| g.value == "GP")
        .expect("GP is a group")
        .of;
    assert_eq!(
        shown,
        serde_json::json!(["zero", "0", format!("0 of {of} participants")])
    );
    // Ticking it with the keyboard compares GPs with managers: none of them, and the managers' count.
    page.eval(&format!("{box_}.focus()"));
    page.press(Key::Space);
    let gps = results_when(
        &mut page,
        "the GPs' passages",
        "new URLSearchParams(location.search).getAll('role').join() === 'GP'",
    );
    assert_eq!(gps.total, 0);
    assert_eq!(page.eval(&format!("{box_}.checked")), true);
    assert_accessible(&mut page, "a ticked value with no passages");
    assert_no_page_errors(&mut page);
}

#[test]
fn showing_the_context_keeps_the_focused_button_in_view() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);
    search_for(&mut page, "commissioning");
    results_when(&mut page, "commissioning", &url_query_is("commissioning"));
    // The third hit's button at the foot of the window, as after scrolling down to it.
    page.eval(
        "(() => { const b = document.querySelectorAll('#hits button[aria-expanded]')[2]; \
         b.scrollIntoView({ block: 'end' }); b.focus(); return true; })()",
    );
    page.press(Key::Enter);
    page.wait_until(
        "the context",
        "document.activeElement.getAttribute('aria-expanded') === 'true' \
         && !document.activeElement.closest('.hit').querySelector('.context').hidden",
    );
    let rect = page.eval(
        "(() => { const r = document.activeElement.getBoundingClientRect(); \
         return [r.top, r.bottom, window.innerHeight, document.activeElement.textContent]; })()",
    );
    let (top, bottom, height) = (
        rect[0].as_f64().unwrap(),
        rect[1].as_f64().unwrap(),
        rect[2].as_f64().unwrap(),
    );
    assert!(
        top >= 0.0 && bottom <= height,
        "the focused button is out of the window: {rect}"
    );
    assert_eq!(rect[3], "Hide context");
}

#[test]
fn typing_keeps_the_cross_tab_keyness_puts_the_query_away_and_a_cross_tab_address_starts_with_it() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("view", "crosstab"), ("q", "trust")]);
    page.wait_until(
        "the cross-tab of the query",
        "document.querySelector('#crosstab table')",
    );
    assert_eq!(
        page.eval("document.getElementById('crosstab-rows').value"),
        "trust"
    );
    let header = page.eval("document.querySelector('#crosstab tbody th').textContent");
    assert_eq!(header, "trust");

    page.eval("document.getElementById('view-crosstab').click()");
    page.wait_until(
        "the cross-tab",
        "new URLSearchParams(location.search).get('view') === 'crosstab' \
         && document.querySelector('#crosstab table')",
    );
    page.eval(
        "(() => { const q = document.getElementById('q'); q.focus(); q.select(); return true; })()",
    );
    page.insert_text("STP");
    // Longer than the pause after which typing searches on the quotes.
    page.after_page_timer("2 * document.getElementById('q').dataset.typingDelayMs");
    assert_eq!(
        page.eval("new URLSearchParams(location.search).get('view')"),
        "crosstab",
        "typing left the cross-tab view"
    );
    let intro = page.eval("document.querySelector('#crosstab-form .view-intro').textContent");
    assert!(
        intro.as_str().is_some_and(|t| t.contains("search box")),
        "the cross-tab says what the search box does there: {intro}"
    );
    page.press(Key::Enter);
    results_when(&mut page, "the quotes of STP", &url_query_is("STP"));
    assert_eq!(
        page.eval("new URLSearchParams(location.search).get('view')"),
        Value::Null
    );

    // Keyness ignores the query: the box is put away, a note says so and names the query, and
    // the query stays in the address, back in the box on Quotes.
    page.eval("document.getElementById('view-keyness').click()");
    let note = page.wait_until(
        "the keyness view's note on the search box",
        "new URLSearchParams(location.search).get('view') === 'keyness' \
         && !document.getElementById('keyness-form').hidden \
         && document.getElementById('search-form').hidden \
         && !document.getElementById('search-off').hidden \
         && document.getElementById('search-off').textContent",
    );
    let note = note.as_str().unwrap_or_default();
    assert!(
        note.contains("compares whole groups") && note.contains("“STP”") && note.contains("Quotes"),
        "{note}"
    );
    assert_eq!(
        page.eval("new URLSearchParams(location.search).get('q')"),
        "STP"
    );
    assert_accessible(&mut page, "keyness with the search box put away");
    page.eval("document.getElementById('view-search').click()");
    results_when(&mut page, "the quotes of STP again", &url_query_is("STP"));
    assert_eq!(
        page.eval(
            "!document.getElementById('search-form').hidden \
             && document.getElementById('search-off').hidden \
             && document.getElementById('q').value"
        ),
        "STP"
    );
    assert_no_page_errors(&mut page);
}

#[test]
fn the_concordance_fits_a_laptop_and_asks_for_a_word() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);
    page.eval("document.getElementById('view-kwic').click()");
    let (text, _) = message(&mut page, "the concordance without a query");
    assert!(
        text.starts_with("Type a word or a phrase in the search box"),
        "{text}"
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#kwic table').length"),
        0
    );
    assert_eq!(page.eval("document.getElementById('pager').hidden"), true);
    assert_accessible(&mut page, "the concordance before any query");

    search_for(&mut page, "primary care");
    page.wait_until("the concordance", "document.querySelector('#kwic table')");
    let clipped = page.eval(
        "(() => { const region = document.querySelector('#kwic .table-scroll').getBoundingClientRect(); \
         return [...document.querySelectorAll('#kwic td.cite')] \
           .filter((c) => c.getBoundingClientRect().right > region.right + 1).map((c) => c.textContent); })()",
    );
    let widths = page.eval(
        "(() => { const r = document.querySelector('#kwic .table-scroll'); const row = document.querySelector('#kwic tbody tr');          return [r.clientWidth, r.scrollWidth, ...[...row.children].map((c) => c.getBoundingClientRect().width)]; })()",
    );
    assert_eq!(
        clipped,
        serde_json::json!([]),
        "citations beyond the lines' region (the region, the lines and each column: {widths})"
    );
    assert_no_page_errors(&mut page);
}

#[test]
fn a_translation_is_the_paragraph_that_translates_the_hit_and_its_filter_is_named_by_title() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[]);
    results_when(&mut page, "every passage", ROLE_GROUPS_SHOWN);
    search_for(&mut page, CHINESE_WORD);
    results_when(
        &mut page,
        "the Chinese results",
        &url_query_is(CHINESE_WORD),
    );
    let hit = server.search(&[("q", CHINESE_WORD)]).hits.remove(0);
    let translation = hit.translation.clone().expect("the hit has a translation");
    let expected: PassageDetail = server.get_ok(&format!(
        "/v1/documents/{translation}/passages/{}?context=0",
        hit.passage.passage
    ));
    page.eval(
        "[...document.querySelectorAll('#hits .hit')[0].querySelectorAll('button')] \
         .find((b) => b.textContent === 'Read the translation').focus()",
    );
    page.press(Key::Enter);
    let shown = page.wait_until(
        "the translated paragraph",
        "document.querySelector('#hits .translation:not([hidden]) .quote')?.textContent",
    );
    assert_eq!(shown, expected.passage.text.as_str());
    assert_eq!(
        page.eval("document.querySelector('#hits .translation .citation').textContent"),
        expected.passage.citation.as_str()
    );
    assert_accessible(&mut page, "a translation shown");

    // The whole translated document, as a filter named by the document's title.
    page.eval("document.querySelector('#hits .hit-actions a').click()");
    results_when(
        &mut page,
        "the translated document",
        "new URLSearchParams(location.search).has('doc')",
    );
    let chip = page.wait_until(
        "the document filter's chip",
        "document.querySelector('#active-filters li span')?.textContent",
    );
    assert_eq!(
        chip,
        format!("Document: {}", expected.document.title).as_str()
    );
    assert_no_page_errors(&mut page);
}

#[test]
fn chinese_text_names_the_common_cjk_fonts_before_the_generic_family() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("q", CHINESE_WORD)]);
    results_when(
        &mut page,
        "the Chinese results",
        &url_query_is(CHINESE_WORD),
    );
    for selector in ["#hits .quote[lang=zh]", "body"] {
        let families = page.eval(&format!(
            "getComputedStyle(document.querySelector('{selector}')).fontFamily"
        ));
        let families: Vec<String> = families
            .as_str()
            .unwrap_or_default()
            .split(',')
            .map(|f| f.trim().trim_matches('"').to_string())
            .collect();
        let at = |name: &str| {
            families
                .iter()
                .position(|f| f == name)
                .unwrap_or_else(|| panic!("{selector}: {name} is not among {families:?}"))
        };
        let generic = at("sans-serif");
        for font in [
            "Noto Sans CJK SC",
            "Source Han Sans SC",
            "PingFang SC",
            "Microsoft YaHei",
            "WenQuanYi Micro Hei",
        ] {
            assert!(
                at(font) < generic,
                "{selector}: {font} after the generic family"
            );
        }
    }
}

#[test]
fn a_cross_tab_row_error_names_the_row_as_the_box_counts_it() {
    let server = TestServer::start(demo_index(), None);
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);
    open_search(&mut page, &server, &[("view", "crosstab")]);
    message(&mut page, "the cross-tab before any row");
    page.eval("document.getElementById('crosstab-rows').focus()");
    page.insert_text("trust\n\"unclosed");
    page.eval("document.querySelector('#crosstab-form button[type=submit]').click()");
    let (text, error) = message(&mut page, "the bad row's error");
    assert!(error, "{text}");
    assert!(
        text.contains("unclosed quote in row 2") && !text.contains("rows["),
        "{text}"
    );

    // A blank line above the bad row: the error still names the box's line, not the query's
    // place among the non-blank lines.
    page.eval("document.getElementById('crosstab-rows').value = ''");
    page.insert_text("trust\n\n\"left open");
    page.eval("document.querySelector('#crosstab-form button[type=submit]').click()");
    let text = page.wait_until(
        "the error naming line 3",
        "!document.body.classList.contains('busy') \
         && document.getElementById('message').textContent.includes('unclosed quote in row 3') \
         && document.getElementById('message').textContent",
    );
    assert!(
        !text.as_str().unwrap_or_default().contains("row 2"),
        "{text}"
    );
}
