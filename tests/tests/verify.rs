//! Checking a draft (issue 23): the quotes of a Markdown and a Word draft, lifted from the seed
//! paper (verbatim, with `[...]` and `[the CCG]`, with changed punctuation and curly quotes,
//! misattributed, invented, in Chinese), get the right status and attribution through the
//! library, `POST /v1/verify` and `verbatim verify` alike; bad drafts get clear errors.

use std::process::Output;

use indexer::api::{AttributionStatus, DiffOp, QuoteStatus, VerifyResponse};
use indexer::verify::Draft;
use verbatim_tests::fixtures::zip;
use verbatim_tests::{Binary, HttpApi, TestServer, demo_index, open_demo_index, workspace_root};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What each quote of the drafts must come to: its opening words, status and attribution.
pub(crate) const EXPECTED: [(&str, QuoteStatus, AttributionStatus); 10] = [
    (
        "You can't just throw",
        QuoteStatus::Verbatim,
        AttributionStatus::Agrees,
    ),
    (
        "So, my view",
        QuoteStatus::Edited,
        AttributionStatus::Agrees,
    ),
    (
        "I'm deciding how",
        QuoteStatus::Edited,
        AttributionStatus::Agrees,
    ),
    (
        "You can’t force",
        QuoteStatus::Verbatim,
        AttributionStatus::Agrees,
    ),
    (
        "it's no great surprise",
        QuoteStatus::Verbatim,
        AttributionStatus::Differs,
    ),
    (
        "Commissioning should be led",
        QuoteStatus::NotFound,
        AttributionStatus::Absent,
    ),
    (
        "我们确定的主要挑战",
        QuoteStatus::Verbatim,
        AttributionStatus::Absent,
    ),
    (
        "we needed a regional plan",
        QuoteStatus::Close,
        AttributionStatus::Agrees,
    ),
    (
        "work together",
        QuoteStatus::NotChecked,
        AttributionStatus::Absent,
    ),
    (
        "So it inevitably gets mentioned",
        QuoteStatus::Verbatim,
        AttributionStatus::Differs,
    ),
];

/// The paragraphs of the draft; the last is a block quote with its label on the next line.
const PARAGRAPHS: [&str; 9] = [
    "GPs doubted that sharing a building was enough: \"You can't just throw half a dozen \
     professionals in a room and just expect them to work together\" [Independent GP ID9].",
    "Managers wanted plans of their own: \"So, my view, I suppose our view on that [...] is \
     actually that we needed a local plan\" (Manager ID19), and one insisted that \"I'm deciding \
     how we're going to do it in [the CCG]\" (Manager ID42).",
    "Trust had to come first: “You can’t force primary care — individual practices to work with \
     each other if they haven’t got a history of a relationship” — ID19.",
    "Footprints were familiar: \"it's no great surprise to me that the three STPs that we've got \
     are the same as the three PCT clusters\" (GP ID16).",
    "A GP wanted \"Commissioning should be led by patients and nobody else at all\" (GP ID16).",
    "The Chinese abstract puts it: “我们确定的主要挑战之一是 STP 一级初级保健领域知识和专业知识的缺乏”。",
    "Plans were to be regional: \"we needed a regional plan about what all of that looks like \
     for us\" (Manager ID19). Practices were to \"work together\".",
    "So it inevitably gets mentioned in STPs and stuff, but I don't think the STP is a construct \
     that really lends itself to commission primary care.",
    "(Participant 7, practice manager)",
];

/// The draft as Markdown: a heading, the paragraphs, the block quote as `>` lines.
pub(crate) fn markdown_draft() -> String {
    let mut draft = String::from("# Findings\n\n");
    for (i, paragraph) in PARAGRAPHS.iter().enumerate() {
        if i == PARAGRAPHS.len() - 2 {
            draft.push_str("> ");
        }
        draft.push_str(paragraph);
        draft.push_str("\n\n");
    }
    draft
}

/// The draft as a Word file, the block quote in the Quote style.
pub(crate) fn word_draft() -> Vec<u8> {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;");
    let body: String = PARAGRAPHS
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let style = if i == PARAGRAPHS.len() - 2 {
                r#"<w:pPr><w:pStyle w:val="Quote"/></w:pPr>"#
            } else {
                ""
            };
            format!(
                r#"<w:p>{style}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape(text)
            )
        })
        .collect();
    word_draft_of(&body)
}

/// A Word file whose body is `body` (paragraphs as WordprocessingML).
fn word_draft_of(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[("word/document.xml", document.as_bytes())])
}

/// Each quote's opening, status and attribution, as [`EXPECTED`] lists them.
fn outcome(response: &VerifyResponse) -> Vec<(String, QuoteStatus, AttributionStatus)> {
    response
        .quotes
        .iter()
        .zip(EXPECTED)
        .map(|(quote, (opening, _, _))| {
            let start: String = quote.text.chars().take(opening.chars().count()).collect();
            (start, quote.status, quote.attribution.status)
        })
        .collect()
}

fn expected() -> Vec<(String, QuoteStatus, AttributionStatus)> {
    EXPECTED
        .iter()
        .map(|(opening, status, attribution)| (opening.to_string(), *status, *attribution))
        .collect()
}

fn check(response: &VerifyResponse) {
    assert_eq!(response.quotes.len(), EXPECTED.len(), "{response:#?}");
    assert_eq!(outcome(response), expected(), "{response:#?}");
    let quote = |opening: &str| {
        response
            .quotes
            .iter()
            .find(|q| q.text.starts_with(opening))
            .unwrap_or_else(|| panic!("no quote {opening:?}"))
    };
    // The misattributed quote says whose it is.
    let surprise = quote("it's no great surprise");
    assert_eq!(surprise.attribution.draft.as_deref(), Some("GP ID16"));
    let detail = surprise.attribution.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("ID18 (CCG Accountable Officer)"),
        "{detail}"
    );
    assert_eq!(surprise.matches[0].speaker.as_deref(), Some("ID18"));
    let unknown = quote("So it inevitably");
    let detail = unknown.attribution.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("Participant 7, who is not in the participants sheet"),
        "{detail}"
    );
    // Trust quote: the paper, and the caption files of the same interview.
    let trust = quote("You can’t force");
    let documents: Vec<&str> = trust.matches.iter().map(|m| m.doc_id.as_str()).collect();
    for doc in [
        "mcdermott-2019-integrated-care",
        "mcdermott-2019-quote-id19-srt",
        "mcdermott-2019-quote-id19-vtt",
    ] {
        assert!(documents.contains(&doc), "{doc} missing from {documents:?}");
    }
    assert_eq!(trust.matches[0].role.as_deref(), Some("Manager"));
    // The close quote's diff: the draft's word and the transcript's.
    let close = quote("we needed a regional plan");
    let diff = &close.matches[0].diff;
    assert!(
        diff.iter()
            .any(|p| p.op == DiffOp::Draft && p.text == "regional"),
        "{diff:?}"
    );
    assert!(
        diff.iter()
            .any(|p| p.op == DiffOp::Source && p.text == "local"),
        "{diff:?}"
    );
    assert!(quote("work together").note.is_some());
    let chinese = quote("我们确定的主要挑战");
    assert_eq!(chinese.matches[0].doc_id, "mcdermott-2019-abstract-zh");
    let summary = &response.summary;
    assert_eq!(
        (
            summary.quotes,
            summary.checked,
            summary.verbatim,
            summary.edited,
            summary.close,
            summary.not_found,
            summary.attribution_differs
        ),
        (10, 9, 5, 2, 1, 1, 2)
    );
}

#[test]
fn the_quotes_of_a_markdown_and_a_word_draft_get_their_status_and_attribution() {
    let index = open_demo_index();
    let markdown = markdown_draft();
    let from_markdown = index
        .verify(Draft::Text {
            text: &markdown,
            format: Default::default(),
        })
        .expect("the Markdown draft is checked");
    check(&from_markdown);
    assert_eq!(from_markdown.quotes[0].line, 3);
    let from_word = index
        .verify(Draft::Docx(&word_draft()))
        .expect("the Word draft is checked");
    check(&from_word);
    assert_eq!(from_word.quotes[0].line, 1);
}

/// `POST path` with a raw body of `media_type`: the status and the body as text.
fn post_raw(server: &TestServer, path: &str, media_type: &str, body: Vec<u8>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(&format!("{}{path}", server.url))
        .header("Content-Type", media_type)
        .send(&body[..])
        .expect("the server answers");
    let status = response.status().as_u16();
    (
        status,
        response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .expect("a text answer"),
    )
}

/// Announces a 10 MB draft and sends none of it: the server refuses it from its headers alone.
/// The status and the raw answer.
fn announce_ten_megabytes(server: &TestServer) -> (u16, String) {
    use std::io::{Read, Write};
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "POST /v1/verify HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: 10000000\r\n\r\n"
    )
    .expect("send the head");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    // The answer is complete once its head and its announced body are in.
    while !complete(&answer) {
        let read = stream.read(&mut buffer).expect("read the answer");
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

fn verbatim(args: &[&str]) -> Output {
    Binary::Cli
        .command()
        .args(args)
        .output()
        .expect("verbatim runs")
}

fn write_drafts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("draft.md"), markdown_draft()).unwrap();
    std::fs::write(dir.path().join("draft.docx"), word_draft()).unwrap();
    dir
}

#[test]
fn the_api_and_the_cli_give_the_library_s_answer() {
    let index = open_demo_index();
    let markdown = markdown_draft();
    let expected = index
        .verify(Draft::Text {
            text: &markdown,
            format: Default::default(),
        })
        .unwrap();
    let expected_word = index.verify(Draft::Docx(&word_draft())).unwrap();
    let server = TestServer::start(demo_index(), None);

    let body = serde_json::json!({ "text": markdown }).to_string();
    let answer: VerifyResponse = server.post("/v1/verify", &body).ok("POST /v1/verify");
    assert_eq!(answer, expected);
    let (status, text) = post_raw(&server, "/v1/verify", DOCX, word_draft());
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        serde_json::from_str::<VerifyResponse>(&text).unwrap(),
        expected_word
    );

    let drafts = write_drafts();
    let md = drafts.path().join("draft.md").display().to_string();
    let docx = drafts.path().join("draft.docx").display().to_string();
    let index_dir = demo_index().display().to_string();
    for (backend, value) in [
        ("--index", index_dir.as_str()),
        ("--server", server.url.as_str()),
    ] {
        for (file, answer) in [(&md, &expected), (&docx, &expected_word)] {
            let output = verbatim(&[backend, value, "verify", file, "--format", "json"]);
            // One quote is close and two attributions differ: exit status 1.
            assert_eq!(
                output.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let printed: VerifyResponse =
                serde_json::from_slice(&output.stdout).expect("JSON on stdout");
            assert_eq!(&printed, answer, "verify {file} through {backend}");
        }
    }
    let table = verbatim(&["--index", &index_dir, "verify", &md]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("line 3  VERBATIM  attribution agrees (Independent GP ID9)"),
        "{table}"
    );
    assert!(table.contains("{+regional+} [-local-]"), "{table}");
    assert!(table.ends_with("10 quotes, 9 checked: 5 verbatim, 2 edited, 1 close, 1 not found; 2 attributions differ\n"), "{table}");

    // A draft whose every quote is confirmed exits 0.
    let good = drafts.path().join("good.md");
    std::fs::write(&good, format!("{}\n", PARAGRAPHS[0])).unwrap();
    let output = verbatim(&["--index", &index_dir, "verify", &good.display().to_string()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // The report for a co-author, as a Word file.
    let report = drafts.path().join("checked.docx");
    let output = verbatim(&[
        "--index",
        &index_dir,
        "verify",
        &docx,
        "--format",
        "docx",
        "--out",
        &report.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let mut archive = ::zip::ZipArchive::new(std::fs::File::open(&report).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("[CCG Accountable Officer ID18] McDermott et al. 2019, BMJ Open"),
        "{xml}"
    );
}

#[test]
fn bad_drafts_get_clear_errors_or_bounded_answers_never_a_5xx() {
    let server = TestServer::start(demo_index(), None);
    let error = server.post("/v1/verify", r#"{"text": "  "}"#).error();
    assert!(error.message.contains("the draft is empty"), "{error:?}");
    let (status, text) = post_raw(&server, "/v1/verify", DOCX, word_draft_of(""));
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("the draft is empty"), "{text}");

    let (status, text) = announce_ten_megabytes(&server);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("payload_too_large"), "{text}");

    let (status, text) = post_raw(
        &server,
        "/v1/verify",
        DOCX,
        b"this is not a Word file".to_vec(),
    );
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("Word document"), "{text}");

    let long = format!(
        "A participant said \"{}\".",
        "commissioning ".repeat(5_000).trim_end()
    );
    let body = serde_json::json!({ "text": long }).to_string();
    let answer: VerifyResponse = server.post("/v1/verify", &body).ok("a 5,000-word quote");
    assert_eq!(answer.quotes[0].status, QuoteStatus::NotChecked);
    assert!(
        answer.quotes[0]
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("5000 words"),
        "{answer:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "").unwrap();
    let index_dir = demo_index().display().to_string();
    let output = verbatim(&[
        "--index",
        &index_dir,
        "verify",
        &empty.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the draft is empty"));
    let big = dir.path().join("big.md");
    std::fs::write(&big, "word ".repeat(2_000_000)).unwrap();
    let output = verbatim(&["--index", &index_dir, "verify", &big.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the draft is 10.0 MB, more than the 5 MB a check reads"),
        "{stderr}"
    );
    let other = dir.path().join("draft.rtf");
    std::fs::write(&other, "{\\rtf1}").unwrap();
    let output = verbatim(&[
        "--index",
        &index_dir,
        "verify",
        &other.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(".md, .txt or .docx"));
}

#[test]
fn the_readme_shows_the_real_check_of_the_example_draft() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let block = readme
        .split("<!-- verify-example:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- verify-example:end -->").next())
        .expect("the README's verify example");
    let shown = block
        .trim()
        .trim_start_matches("```console")
        .trim_end_matches("```")
        .trim_start();
    let (command, printed) = shown.split_once('\n').expect("a command and its output");
    assert_eq!(command, "$ verbatim verify cli/examples/draft.md");
    let index_dir = demo_index().display().to_string();
    let output = Binary::Cli
        .command()
        .current_dir(workspace_root())
        .args(["--index", &index_dir, "verify", "cli/examples/draft.md"])
        .output()
        .expect("verbatim runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        printed,
        "update the README's example"
    );
}

#[test]
fn aliases_name_speakers_and_an_ellipsis_spans_a_speaker_s_consecutive_turns() {
    let corpus = tempfile::tempdir().unwrap();
    let index_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(corpus.path().join("documents")).unwrap();
    std::fs::write(
        corpus.path().join("participants.csv"),
        "id,role,site,aliases\nID9,Independent GP,site 2,Dr Jane Smith; Jane\n",
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("role_groups.toml"),
        "[groups]\nGP = [\"GP\", \"Independent GP\"]\n",
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("documents/interview-9.md"),
        "---\ntitle: Interview 9\nkind: interview\n---\n\
         Interviewer: How do practices work together?\n\
         Dr Jane Smith: Integration is more than co-location in my view, it takes years of trust.\n\
         Interviewer: And the CCG?\n\
         Dr Jane Smith: The CCG has to fund the time that working together takes, or nothing changes.\n",
    )
    .unwrap();
    indexer::build(
        corpus.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .unwrap();
    let index = indexer::Index::open(index_dir.path()).unwrap();
    let draft = "\"Integration is more than co-location in my view […] the CCG has to fund the time \
                 that working together takes\" (Dr Jane Smith).\n\n\
                 \"it takes years of trust\" (Jane, practice manager).\n\n\
                 \"the CCG has to fund the time that working together needs\" — ID9.\n";
    let answer = index
        .verify(Draft::Text {
            text: draft,
            format: Default::default(),
        })
        .unwrap();
    let seen: Vec<(QuoteStatus, AttributionStatus)> = answer
        .quotes
        .iter()
        .map(|q| (q.status, q.attribution.status))
        .collect();
    assert_eq!(
        seen,
        [
            (QuoteStatus::Edited, AttributionStatus::Agrees),
            (QuoteStatus::Verbatim, AttributionStatus::Differs),
            (QuoteStatus::Close, AttributionStatus::Agrees),
        ],
        "{answer:#?}"
    );
    assert_eq!(answer.quotes[0].matches[0].speaker.as_deref(), Some("ID9"));
    let detail = answer.quotes[1]
        .attribution
        .detail
        .as_deref()
        .unwrap_or_default();
    assert_eq!(
        detail,
        "the draft says practice manager; the quote is from ID9 (Independent GP)"
    );
}
