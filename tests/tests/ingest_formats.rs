//! Issue 13 acceptance: a research folder as it comes (Word transcripts in two layouts, Zoom and
//! Teams captions, SRT, otter.ai, plain and Q/A text, a multi-page PDF with running headers, a
//! documents sheet and speaker aliases) plus bad files (a scan, a locked PDF, a truncated Word
//! file, a zip bomb, empty captions). `verbatim-index` names every bad file with what to do and
//! exits 1; the real server then finds every good file's quotes, attributed and cited; an edited
//! Word file is re-read and nothing else is.

use std::fs;
use std::path::Path;

use indexer::api::SearchResponse;
use indexer::model::Kind;
use verbatim_tests::fixtures::{
    WordDocument, pdf, pdf_with_password, pdf_with_recursive_form, pdf_without_page_size,
    pdf_without_text, zip,
};
use verbatim_tests::{Binary, HttpApi, TestServer};

const PARTICIPANTS: &str = "id,role,site,aliases\n\
ID9,Independent GP,site 2,Dr Jane Smith; Jane\n\
ID14,Lay member,site 1,\n\
ID16,GP,site 1,Sam Okafor\n\
ID18,CCG Accountable Officer,site 3,\n\
ID19,Manager,site 2,\n\
ID42,Manager,site 1,Alex Brown\n";

const ROLE_GROUPS: &str = "[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\"Manager\", \"CCG Accountable Officer\"]\nlay = [\"Lay member\"]\n";

const DOCUMENTS: &str = "file,title,kind,date,source,speakers\n\
captions/seminar.srt,Seminar recording,meeting,2017,,Speaker 1=ID19; Speaker 2=Interviewer\n\
transcripts/qa.txt,,,,,A=ID14\n\
reports/policy.pdf,Primary care co-commissioning guidance,policy,2016,NHS England 2016,\n";

/// The table-layout interview, with `extra` rows after the others.
fn table_interview(extra: &[&[&str]]) -> Vec<u8> {
    let mut rows: Vec<&[&str]> = vec![
        &["Speaker", "Time", "Text"],
        &[
            "Interviewer",
            "00:00:05",
            "How do the practices work together?",
        ],
        &[
            "ID9",
            "00:00:12",
            "The federation holds the contract for the whole town now.",
        ],
        &["", "", "It took two years to get there."],
    ];
    rows.extend_from_slice(extra);
    WordDocument::default()
        .title("Interview with a GP")
        .table(&rows)
        .to_bytes()
}

fn policy_pdf() -> Vec<u8> {
    let page = |number: usize, body: &[&str]| {
        let mut lines = vec!["NHS England Policy 2016".to_string(), String::new()];
        lines.extend(body.iter().map(|l| l.to_string()));
        lines.extend([String::new(), format!("Page {number} of 3")]);
        lines
    };
    pdf(&[
        page(
            1,
            &[
                "Clinical commissioning groups may take on primary",
                "care commissioning in three ways.",
            ],
        ),
        page(
            2,
            &[
                "Under full delegation the delegated commissioning arrange-",
                "ments require conflict of interest registers.",
                "",
                "A second paragraph on page two.",
            ],
        ),
        page(3, &["Annexes list the statutory duties of each party."]),
    ])
}

/// Writes the folder: every good layout and every bad file.
fn write_folder(root: &Path) {
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    };
    write("participants.csv", PARTICIPANTS.as_bytes());
    write("role_groups.toml", ROLE_GROUPS.as_bytes());
    write("documents.csv", DOCUMENTS.as_bytes());

    write("interviews/table.docx", &table_interview(&[]));
    let bold = WordDocument::default()
        .heading("Delegation")
        .bold_label("Interviewer:", "What changed after delegation?")
        .bold_label(
            "Sam Okafor:",
            "Delegation gave us a seat at the commissioning table.",
        )
        .tracked_change("We ", "kept", "lost", " our say on local services.")
        .bold_label("Interviewer:", "And the budget?")
        .bold_label("Sam Okafor:", "The budget followed much later.");
    write("interviews/bold.docx", &bold.to_bytes());
    write(
        "meetings/zoom.vtt",
        b"WEBVTT\n\n1\n00:12:05.120 --> 00:12:08.000\nAlex Brown: The locality hub opens\n\n2\n00:12:08.100 --> 00:12:10.000\nAlex Brown: in spring.\n\n3\n00:12:11.000 --> 00:12:13.000\nSam Okafor: Who staffs it?\n",
    );
    write(
        "meetings/teams.vtt",
        b"WEBVTT\n\n5f1c-0\n00:00:02.000 --> 00:00:05.000\n<v Dr Jane Smith>Referral pathways need shared records.</v>\n\n5f1c-1\n00:00:06.000 --> 00:00:09.000\n<v Speaker 3>We talked about rotas.</v>\n",
    );
    write(
        "captions/seminar.srt",
        b"1\n00:00:01,000 --> 00:00:04,000\nSpeaker 1: The STP footprint is too large for us.\n\n2\n00:00:05,000 --> 00:00:06,000\nSpeaker 2: Why is that?\n",
    );
    write(
        "transcripts/otter.txt",
        b"Alex Brown  0:03\nWe pooled the enhanced services budget.\n\nSam Okafor  0:15\nThat took a year of trust building.\n\nAlex Brown  0:21\nAnd it was worth it.\n",
    );
    write(
        "transcripts/name.txt",
        b"Interviewer: How is the committee run?\nID18: The committee papers go out a week before.\nInterviewer: Thank you.\n",
    );
    write(
        "transcripts/qa.txt",
        b"Q: Who sits on the panel?\nA: Two lay members sit on the panel with voting rights.\nQ: Since when?\nA: Since April.\n",
    );
    write("reports/policy.pdf", &policy_pdf());

    write("reports/scan.pdf", &pdf_without_text());
    write("reports/locked.pdf", &pdf_with_password());
    let whole = table_interview(&[]);
    write("interviews/truncated.docx", &whole[..whole.len() / 2]);
    // Spaces deflate about a thousand to one: a small archive past the 64 MB part limit.
    let spaces = vec![b' '; 65 << 20];
    write(
        "interviews/bomb.docx",
        &zip(&[("word/document.xml", &spaces)]),
    );
    write("meetings/empty.vtt", b"WEBVTT\n\n");
}

/// Each bad file and words its error must hold (what is wrong, what to do).
const BAD: [(&str, [&str; 2]); 5] = [
    ("reports/scan.pdf", ["no text layer", "run OCR"]),
    (
        "reports/locked.pdf",
        ["password-protected", "remove the password"],
    ),
    (
        "interviews/truncated.docx",
        ["damaged or truncated", "save it again"],
    ),
    ("interviews/bomb.docx", ["possible zip bomb", "split it"]),
    (
        "meetings/empty.vtt",
        ["no captions", "export the captions again"],
    ),
];

/// A good file's quote: query, speaker, role, role group, citation.
const QUOTES: [(&str, &str, &str, &str, &str); 9] = [
    (
        "\"federation holds the contract\"",
        "ID9",
        "Independent GP",
        "GP",
        "[Independent GP ID9] Interview with a GP, turn 2, 00:00:12, site 2",
    ),
    (
        "\"seat at the commissioning table\"",
        "ID16",
        "GP",
        "GP",
        "[GP ID16] Delegation, turn 2, site 1",
    ),
    (
        "\"locality hub opens in spring\"",
        "ID42",
        "Manager",
        "manager",
        "[Manager ID42] zoom, turn 1, 00:12:05, site 1",
    ),
    (
        "\"need shared records\"",
        "ID9",
        "Independent GP",
        "GP",
        "[Independent GP ID9] teams, turn 1, 00:00:02, site 2",
    ),
    (
        "\"STP footprint is too large\"",
        "ID19",
        "Manager",
        "manager",
        "[Manager ID19] Seminar recording, turn 1, 00:00:01, site 2",
    ),
    (
        "\"a year of trust building\"",
        "ID16",
        "GP",
        "GP",
        "[GP ID16] otter, turn 2, 0:15, site 1",
    ),
    (
        "\"committee papers go out\"",
        "ID18",
        "CCG Accountable Officer",
        "manager",
        "[CCG Accountable Officer ID18] name, turn 2, site 3",
    ),
    (
        "\"lay members sit on the panel\"",
        "ID14",
        "Lay member",
        "lay",
        "[Lay member ID14] qa, turn 2, site 1",
    ),
    (
        "\"kept our say on local services\"",
        "ID16",
        "GP",
        "GP",
        "[GP ID16] Delegation, turn 2, site 1",
    ),
];

fn run_indexer(corpus: &Path, index: &Path) -> (Option<i32>, String, String) {
    let output = Binary::Indexer
        .command()
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .output()
        .expect("run verbatim-index");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn search(server: &TestServer, q: &str) -> SearchResponse {
    server.search(&[("q", q), ("limit", "50")])
}

#[test]
fn a_folder_of_every_format_is_indexed_attributed_and_cited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    write_folder(&corpus);

    let (code, stdout, stderr) = run_indexer(&corpus, &index);
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    for (file, words) in BAD {
        let error = errors
            .iter()
            .find(|e| e.contains(file))
            .unwrap_or_else(|| panic!("{file} is not named in:\n{stderr}"));
        for word in words {
            assert!(
                error.contains(word),
                "{file}: {word:?} missing from {error}"
            );
        }
    }
    assert_eq!(
        errors.len(),
        BAD.len(),
        "only the bad files fail:\n{stderr}"
    );
    assert!(
        stdout.contains("\"Speaker 3\" in meetings/teams.vtt: 1 turn(s)"),
        "the unmapped label is listed:\n{stdout}"
    );
    assert!(
        !stdout.contains("Interviewer\" in"),
        "interviewers are not listed:\n{stdout}"
    );

    let server = TestServer::start(&index, None);
    for (q, speaker, role, group, citation) in QUOTES {
        let found = search(&server, q);
        assert_eq!(found.hits.len(), 1, "{q}: {found:#?}");
        let hit = &found.hits[0].passage;
        assert_eq!(hit.speaker.as_deref(), Some(speaker), "{q}");
        assert_eq!(hit.role.as_deref(), Some(role), "{q}");
        assert_eq!(hit.role_group.as_deref(), Some(group), "{q}");
        assert_eq!(hit.citation, citation, "{q}");
    }

    // The PDF: cited by page and paragraph on the page, a word hyphenated at a line end re-joined, the running header
    // and the page numbers gone.
    let found = search(&server, "\"commissioning arrangements require conflict\"");
    assert_eq!(found.total, 1, "{found:#?}");
    assert_eq!(
        found.hits[0].passage.citation,
        "NHS England 2016, p. 2, para 1"
    );
    assert_eq!(found.hits[0].kind, Kind::Policy);
    assert_eq!(search(&server, "\"NHS England Policy\"").total, 0);
    assert_eq!(search(&server, "\"of 3\"").total, 0);
    let page_three = search(&server, "annexes");
    assert_eq!(
        page_three.hits[0].passage.citation,
        "NHS England 2016, p. 3, para 1"
    );
    // Deleted text of a tracked change is not indexed; the title comes from the Title style.
    assert_eq!(search(&server, "\"lost our say\"").total, 0);
    // An unmapped label stays searchable and facetable as the speaker.
    let rotas = search(&server, "rotas");
    assert_eq!(rotas.hits[0].passage.speaker.as_deref(), Some("Speaker 3"));
    assert_eq!(rotas.hits[0].passage.role, None);
    drop(server);

    // An edited Word file is read again, and nothing else is.
    fs::write(
        corpus.join("interviews/table.docx"),
        table_interview(&[&["ID9", "00:03:00", "Quokka clinics started last winter."]]),
    )
    .expect("edit the interview");
    let options = indexer::BuildOptions::default();
    let rebuilt = indexer::build(&corpus, &index, &options).expect("rebuild");
    assert_eq!((rebuilt.files_indexed, rebuilt.files_removed), (1, 0));
    let again = indexer::build(&corpus, &index, &options).expect("rebuild again");
    assert!(again.up_to_date, "nothing changed");
    assert_eq!(again.errors.len(), BAD.len(), "{:?}", again.errors);
    let server = TestServer::start(&index, None);
    let found = search(&server, "quokka");
    assert_eq!(
        found.hits[0].passage.citation,
        "[Independent GP ID9] Interview with a GP, turn 3, 00:03:00, site 2"
    );
    assert_eq!(
        search(&server, "\"federation holds the contract\"").total,
        1
    );
}

#[test]
fn a_parser_panic_costs_its_page_a_form_loop_its_file_and_the_rest_is_indexed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    fs::create_dir_all(&corpus).expect("corpus dir");
    fs::write(corpus.join("no-size.pdf"), pdf_without_page_size()).expect("write");
    fs::write(corpus.join("recursive.pdf"), pdf_with_recursive_form()).expect("write");
    fs::write(corpus.join("notes.txt"), "Plain notes about quokkas.\n").expect("write");
    let report = indexer::build(&corpus, &index, &indexer::BuildOptions::default())
        .expect("the build survives the panic and the loop");
    let messages: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0]
            .contains("no-size.pdf:0: page 1: cannot read its text (the PDF reader failed on it)"),
        "{}",
        messages[0]
    );
    // Following the loop would overflow the stack and abort the whole build: it is refused first.
    assert!(
        messages[1].contains("recursive.pdf:0: the PDF has a form that draws itself"),
        "{}",
        messages[1]
    );
    let index = indexer::Index::open(&index).expect("open");
    let found = index
        .search(&indexer::api::SearchRequest::new("quokkas"))
        .expect("search");
    assert_eq!(found.total, 1);
}
