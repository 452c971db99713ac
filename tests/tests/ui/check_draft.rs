//! The "Check a draft" view: a pasted Markdown draft and an opened Word draft are checked from
//! the keyboard, the page shows each quote's status and attribution as `POST /v1/verify`
//! answers them, and every state passes the audit.

use base64::Engine as _;
use indexer::api::VerifyResponse;
use serde::Deserialize;
use verbatim_tests::{HttpApi, TestServer, demo_index};

use super::audit::assert_accessible;
use super::browser::{Browser, Key};
use super::{LAPTOP, assert_no_page_errors, assert_only_own_origin, open_search};
use crate::verify::{EXPECTED, markdown_draft, word_draft};

/// Each quote as the page shows it: its status (the item's class) and attribution line.
const QUOTES_SHOWN: &str = r#"(() => {
  if (document.body.classList.contains('busy')) return null;
  const items = [...document.querySelectorAll('#verify .verify-quote')];
  if (items.length === 0) return null;
  return items.map((li) => ({
    status: li.classList[1],
    attribution: li.querySelector('blockquote + p').textContent,
    citations: [...li.querySelectorAll('.citation')].map((c) => c.textContent),
  }));
})()"#;

#[derive(Debug, Deserialize, PartialEq)]
struct Shown {
    status: String,
    attribution: String,
    citations: Vec<String>,
}

/// What the page must show for `answer`.
fn expected(answer: &VerifyResponse) -> Vec<Shown> {
    answer
        .quotes
        .iter()
        .map(|q| {
            let a = &q.attribution;
            let label = a
                .draft
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let detail = a
                .detail
                .as_ref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            Shown {
                status: q.status.as_str().to_string(),
                attribution: format!("Attribution {}{label}{detail}", a.status.as_str()),
                citations: q.matches.iter().map(|m| m.citation.clone()).collect(),
            }
        })
        .collect()
}

fn shown(page: &mut Browser, what: &str, count: usize) -> Vec<Shown> {
    let condition = format!(
        "(() => {{ const q = {QUOTES_SHOWN}; return q && q.length === {count} ? q : null; }})()"
    );
    serde_json::from_value(page.wait_until(what, &condition)).expect("the quotes as shown")
}

#[test]
fn a_pasted_and_an_opened_draft_are_checked_from_the_keyboard_as_the_api_checks_them() {
    let server = TestServer::start(demo_index(), None);
    let markdown = markdown_draft();
    let body = serde_json::json!({ "text": markdown }).to_string();
    let from_markdown: VerifyResponse = server.post("/v1/verify", &body).ok("the Markdown draft");
    let mut page = Browser::launch(LAPTOP.0, LAPTOP.1);

    open_search(&mut page, &server, &[("view", "verify")]);
    page.wait_until(
        "the check-a-draft form",
        "!document.getElementById('verify-form').hidden && !document.getElementById('message').hidden",
    );
    assert_accessible(&mut page, "the check-a-draft form");

    // Paste, then Tab past the format and the file to the button, and Enter.
    page.eval("document.getElementById('verify-text').focus()");
    page.insert_text(&markdown);
    for _ in 0..3 {
        page.press(Key::Tab);
    }
    assert_eq!(page.focused_accessible_name(), "Check quotes");
    page.press(Key::Enter);
    let quotes = shown(&mut page, "the pasted draft's quotes", EXPECTED.len());
    assert_eq!(quotes, expected(&from_markdown));
    let status = page.eval("document.getElementById('status').textContent");
    assert_eq!(
        status,
        "10 quotes, 9 checked: 5 verbatim, 2 edited, 1 close, 1 not found; 2 attributions differ"
    );
    page.wait_until(
        "the announcement",
        "document.getElementById('announcer').textContent.startsWith('Checked the pasted draft: 10 quotes')",
    );
    assert_eq!(
        page.eval("document.querySelector('#verify ins').textContent"),
        "only in the draft: regional"
    );
    assert_accessible(&mut page, "a checked draft");

    // Open a Word file (the browser's file picker, filled in as a user's choice would be).
    let word = word_draft();
    let from_word: VerifyResponse = {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(&format!("{}/v1/verify", server.url))
            .header("Content-Type", render::Format::Docx.media_type())
            .send(&word[..])
            .expect("the server answers");
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(&word);
    page.eval(&format!(
        r#"(() => {{
          const bytes = Uint8Array.from(atob("{encoded}"), (c) => c.charCodeAt(0));
          const files = new DataTransfer();
          files.items.add(new File([bytes], "draft.docx"));
          document.getElementById('verify-file').files = files.files;
          document.getElementById('verify-text').value = "";
          document.querySelector('#verify-form button').focus();
          return true;
        }})()"#
    ));
    page.press(Key::Enter);
    page.wait_until(
        "the Word draft's check",
        "document.getElementById('announcer').textContent.startsWith('Checked draft.docx')",
    );
    let quotes = shown(&mut page, "the Word draft's quotes", EXPECTED.len());
    assert_eq!(quotes, expected(&from_word));
    assert_accessible(&mut page, "a checked Word draft");

    // An empty draft is refused with the API's own words.
    page.eval(
        "(() => { document.getElementById('verify-file').value = ''; \
         document.getElementById('verify-form').requestSubmit(); return true; })()",
    );
    page.wait_until(
        "the empty draft's error",
        "document.getElementById('message').textContent.includes('the draft is empty')",
    );
    assert_accessible(&mut page, "an empty draft refused");
    assert_no_page_errors(&mut page);
    assert_only_own_origin(&mut page, &server);
}
