//! Issue 21 acceptance: a folder with every common speaker-label layout, in text, Markdown and
//! Word files, is indexed with every distinctive phrase found under the right participant, role
//! and site, timestamped layouts cited with the time of the phrase's own line, and prose with
//! colons, dashes and brackets in its sentences left as prose with no speakers.

use std::fs;
use std::path::Path;

use indexer::api::{PassageView, SearchResponse};
use verbatim_tests::fixtures::WordDocument;
use verbatim_tests::{HttpApi, TestServer};

const PARTICIPANTS: &str = "id,role,site,aliases\n\
P01,GP,site 1,Jane Smith; Jane; YL; Speaker 1; SPEAKER_00; Dr Rivera\n\
P02,Manager,site 2,Ann Lee; Ann; MK; R; Speaker 2; SPEAKER_01\n";

/// A fixture: its path, its text, a phrase only it holds, the participant saying it, and the
/// time its line gives (none for layouts without times).
type Fixture = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const TEXT_FIXTURES: [Fixture; 13] = [
    (
        "text/roles.txt",
        "Jane Smith (GP): We started in 2016.\nInterviewer: And then?\nJane Smith (GP): The amber budget helped.\n",
        "amber budget",
        "P01",
        None,
    ),
    (
        "text/initials.txt",
        "YL: How did it go?\nMK: Slowly.\nYL: Why?\nMK: The cedar rota was late.\n",
        "cedar rota",
        "P02",
        None,
    ),
    (
        "text/ir.txt",
        "I: How did it go?\nR: Slowly.\nI: Why?\nR: The birch contract lapsed.\n",
        "birch contract",
        "P02",
        None,
    ),
    (
        "text/brackets.txt",
        "[Jane] We met.\n[Ann] Why?\n[Jane] It was cheaper.\n[Ann] The dahlia scheme was not.\n",
        "dahlia scheme",
        "P02",
        None,
    ),
    (
        "text/bold.md",
        "**Jane**: We met.\n\n**Ann**: Why?\n\n**Jane**: The elm practice asked.\n",
        "elm practice",
        "P01",
        None,
    ),
    (
        "text/bold-times.md",
        "**Jane** 0:42\nWe met.\n\n**Ann** 0:50\nThe fennel board agreed.\n\n**Jane** 1:02\nGood.\n",
        "fennel board",
        "P02",
        Some("0:50"),
    ),
    (
        "text/dashes.txt",
        "Jane – We met.\nAnn — Why?\nJane - The garnet fund paid.\nAnn - I see.\n",
        "garnet fund",
        "P01",
        None,
    ),
    (
        "text/otter.txt",
        "Jane Smith  2:32\nWe met.\n\nAnn Lee  2:40\nThe hazel review came first.\n\nJane Smith  2:51\nYes.\n",
        "hazel review",
        "P02",
        Some("2:40"),
    ),
    (
        "text/zoom-copy.txt",
        "[Jane Smith] 11:02:09\nWe met.\n\n[Ann Lee] 11:02:15\nWhy?\n\n[Jane Smith] 11:02:20\nThe iris clinic closed.\n",
        "iris clinic",
        "P01",
        Some("11:02:20"),
    ),
    (
        "text/speaker-lines.txt",
        "Speaker 1 (00:01:02)\nWe met.\n\nSpeaker 2 (00:01:09)\nThe juniper ward filled.\n\nSpeaker 1 (00:01:15)\nYes.\n",
        "juniper ward",
        "P02",
        Some("00:01:09"),
    ),
    (
        "text/diarised.txt",
        "[00:00:01.000 - 00:00:05.000] SPEAKER_00 - We met.\n[00:00:05.000 - 00:00:09.000] SPEAKER_01 - The kelp audit was due.\n[00:00:09.000 - 00:00:12.000] SPEAKER_00 - Yes.\n",
        "kelp audit",
        "P02",
        Some("00:00:05"),
    ),
    (
        "text/diarised-colon.txt",
        "[00:01:02] SPEAKER_00: We met.\n[00:01:09] SPEAKER_01: Why?\n[00:01:15] SPEAKER_00: The lilac hub opened.\n",
        "lilac hub",
        "P01",
        Some("00:01:15"),
    ),
    (
        "text/diarised-timed.txt",
        "SPEAKER_00 00:01:02 We met.\nSPEAKER_01 00:01:09 The maple team grew.\nSPEAKER_00 00:01:15 Yes.\nSPEAKER_01 00:01:20 Indeed.\n",
        "maple team",
        "P02",
        Some("00:01:09"),
    ),
];

/// A Word interview with bold labels written with a title and in capitals (`DR. RIVERA`).
fn bold_word() -> Vec<u8> {
    WordDocument::default()
        .bold_label("DR. RIVERA:", "We met in March.")
        .bold_label("Ann Lee:", "Why then?")
        .bold_label("Dr. Rivera:", "The nutmeg pathway started.")
        .to_bytes()
}

/// A Word transcript typed into one paragraph, a line break before each turn.
fn line_broken_word() -> Vec<u8> {
    WordDocument::default()
        .line_broken_turns(&[
            ("Jane Smith:", "We met."),
            ("Ann Lee:", "The olive grant ran out."),
            ("Jane Smith:", "It did."),
        ])
        .to_bytes()
}

/// A Word interview with `Name: text` in plain paragraphs.
fn colon_word() -> Vec<u8> {
    WordDocument::default()
        .paragraph("Jane: We met.")
        .paragraph("Ann: Why?")
        .paragraph("Jane: The poppy network formed.")
        .to_bytes()
}

const PROSE: &str = "# Findings\n\nNote: the sample was small.\n\nThe budget - as agreed in March - was pooled.\n\n[Smith] argued the opposite in 2019.\n\nIn short: the quartz model worked.\n\nThe plan – a bold one – took a year.\n\nThe committee met at 10:30 and again at 14:00.\n";

fn write_folder(root: &Path) {
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
        fs::write(path, bytes).expect("write fixture");
    };
    write("participants.csv", PARTICIPANTS.as_bytes());
    for (rel, text, ..) in TEXT_FIXTURES {
        write(rel, text.as_bytes());
    }
    write("word/bold-labels.docx", &bold_word());
    write("word/line-breaks.docx", &line_broken_word());
    write("word/colons.docx", &colon_word());
    write("prose/essay.md", PROSE.as_bytes());
}

fn only_hit(server: &TestServer, phrase: &str) -> PassageView {
    let q = format!("\"{phrase}\"");
    let found: SearchResponse = server.search(&[("q", q.as_str()), ("limit", "5")]);
    assert_eq!(found.hits.len(), 1, "{phrase}: {found:#?}");
    found.hits[0].passage.clone()
}

#[test]
fn issue_21_every_layout_is_read_with_its_participant_and_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    write_folder(&corpus);
    let report = indexer::build(&corpus, &index, &indexer::BuildOptions::default())
        .expect("the index builds");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);

    let server = TestServer::start(&index, None);
    let word: [(&str, &str, &str, Option<&str>); 3] = [
        ("word/bold-labels.docx", "nutmeg pathway", "P01", None),
        ("word/line-breaks.docx", "olive grant", "P02", None),
        ("word/colons.docx", "poppy network", "P01", None),
    ];
    let all = TEXT_FIXTURES
        .iter()
        .map(|(file, _, phrase, id, time)| (*file, *phrase, *id, *time))
        .chain(word);
    for (file, phrase, id, time) in all {
        let hit = only_hit(&server, phrase);
        let (role, site) = match id {
            "P01" => ("GP", "site 1"),
            _ => ("Manager", "site 2"),
        };
        assert_eq!(hit.origin.file, file, "{phrase}");
        assert_eq!(
            (
                hit.speaker.as_deref(),
                hit.role.as_deref(),
                hit.site.as_deref()
            ),
            (Some(id), Some(role), Some(site)),
            "{file}: {phrase}: {hit:#?}"
        );
        if let Some(time) = time {
            assert!(
                hit.locator.ends_with(&format!(", {time}")),
                "{file}: {phrase} cited {:?}, not at {time}",
                hit.locator
            );
        }
    }

    let prose = only_hit(&server, "quartz model");
    assert_eq!(prose.speaker, None, "{prose:#?}");
    assert!(prose.locator.starts_with("para"), "{prose:#?}");
    for phrase in [
        "sample was small",
        "as agreed in March",
        "argued the opposite",
        "a bold one",
    ] {
        let hit = only_hit(&server, phrase);
        assert_eq!(hit.speaker, None, "{phrase}: {hit:#?}");
        assert!(hit.locator.starts_with("para"), "{phrase}: {hit:#?}");
    }
}
