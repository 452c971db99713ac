//! Issue 21 acceptance: a folder with every common speaker-label layout, in text, Markdown and
//! Word files, is indexed with every distinctive phrase found under the right participant, role
//! and site, timestamped layouts cited with the time of the phrase's own line, and prose with
//! colons, dashes and brackets in its sentences left as prose with no speakers. Nothing doubtful
//! is silent: `inspect --format json` gives each file's reading, equal to what the index holds
//! and to the document API's `reading`, and the build summary ends with the attribution counts.

use std::fs;
use std::path::Path;

use indexer::api::{DocumentDetail, FileReading, Layout, PassageView, SearchResponse};
use serde_json::Value;
use verbatim_tests::fixtures::WordDocument;
use verbatim_tests::{Binary, HttpApi, TestServer};

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
    for (rel, text) in DOUBTFUL {
        write(rel, text.as_bytes());
    }
}

/// Files whose attribution a researcher must check: a transcript declared prose, a transcript
/// whose first passages have no speaker, and a label naming no participant.
const DOUBTFUL: [(&str, &str); 3] = [
    (
        "doubtful/declared-prose.md",
        "---\ntitle: Notes\nkind: article\n---\nJane: We met.\n\nAnn: Why?\n\nJane: It was cheaper.\n\nAnn: Right.\n",
    ),
    (
        "doubtful/preamble.txt",
        "Recorded at the practice.\n\nTwo people present.\n\nJane: We met.\nAnn: Why?\nJane: Cheaper.\n",
    ),
    (
        "doubtful/stranger.txt",
        "Jane: We met.\nZed Quill: Why?\nJane: Cheaper.\nZed Quill: Fine.\n",
    ),
];

fn run_indexer(args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let output = Binary::Indexer
        .command()
        .args(args)
        .output()
        .expect("run verbatim-index");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
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
    let (code, stdout, stderr) =
        run_indexer(&[corpus.as_os_str(), "--index".as_ref(), index.as_os_str()]);
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    // The summary ends with the three counts and the files behind them.
    let attribution = stdout
        .split_once("attribution: ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no attribution counts in:\n{stdout}"));
    assert!(
        attribution.starts_with("1 file(s) read as prose with label-like lines, 1 transcript(s) with many passages without a speaker, 1 speaker label(s) naming no participant"),
        "{stdout}"
    );
    for named in [
        "prose?      doubtful/declared-prose.md: 4 of 4 lines look like speaker labels",
        "unlabelled  doubtful/preamble.txt: 1 of 4 passages have no speaker",
        "unmatched   \"Zed Quill\" in doubtful/stranger.txt: 2 passage(s)",
    ] {
        assert!(
            attribution.contains(named),
            "{named:?} is not in:\n{stdout}"
        );
    }

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

/// `inspect --format json` has the issue's shape, and its counts are what the index holds: the
/// same reading the document API shows, and passages, turns and speakers counted from the
/// document's indexed passages.
#[test]
fn issue_21_inspect_says_how_each_file_is_read_and_the_index_agrees() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    write_folder(&corpus);
    let (code, stdout, stderr) = run_indexer(&[
        "inspect".as_ref(),
        corpus.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("inspect prints JSON");
    let keys = [
        "file",
        "format",
        "encoding",
        "layout",
        "passages",
        "turns",
        "unlabelled_passages",
        "speakers",
        "warnings",
        "error",
    ];
    let files = json["files"].as_array().expect("a files array");
    assert_eq!(files.len(), TEXT_FIXTURES.len() + 3 + 1 + DOUBTFUL.len());
    for file in files {
        for key in keys {
            assert!(file.get(key).is_some(), "{key} missing from {file:#}");
        }
        for speaker in file["speakers"].as_array().expect("speakers") {
            for key in ["label", "participant", "role", "passages"] {
                assert!(speaker.get(key).is_some(), "{key} missing from {speaker:#}");
            }
        }
    }
    let readings: Vec<FileReading> =
        serde_json::from_value(json["files"].clone()).expect("the readings parse");
    let bold = readings
        .iter()
        .find(|r| r.file == "word/bold-labels.docx")
        .expect("the docx");
    assert_eq!(
        (bold.format.as_str(), bold.encoding.as_str(), bold.layout),
        ("docx", "utf-8", Layout::Transcript)
    );
    let speakers: Vec<_> = bold
        .speakers
        .iter()
        .map(|s| {
            (
                s.label.as_str(),
                s.participant.as_deref(),
                s.role.as_deref(),
                s.passages,
            )
        })
        .collect();
    assert_eq!(
        speakers,
        [
            ("DR. RIVERA", Some("P01"), Some("GP"), 2),
            ("Ann Lee", Some("P02"), Some("Manager"), 1)
        ]
    );
    let essay = readings
        .iter()
        .find(|r| r.file == "prose/essay.md")
        .expect("the essay");
    assert_eq!(
        (essay.layout, essay.turns, essay.speakers.len()),
        (Layout::Prose, 0, 0)
    );
    assert!(essay.warnings.is_empty(), "{essay:#?}");

    let report = indexer::build(&corpus, &index, &indexer::BuildOptions::default())
        .expect("the index builds");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let server = TestServer::start(&index, None);
    for reading in &readings {
        let id = Path::new(&reading.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a stem");
        let id = if reading.file == "doubtful/declared-prose.md" {
            "declared-prose"
        } else {
            id
        };
        let detail: DocumentDetail = server.get(&format!("/v1/documents/{id}")).ok(id);
        assert_eq!(detail.reading.as_ref(), Some(reading), "{id}");
        let passages = &detail.passages;
        let turns = passages.iter().filter(|p| p.speaker.is_some()).count();
        assert_eq!(
            (passages.len(), turns, passages.len() - turns),
            (
                reading.passages as usize,
                reading.turns as usize,
                reading.unlabelled_passages as usize
            ),
            "{id}"
        );
        for speaker in &reading.speakers {
            let indexed_as = speaker.participant.as_deref().unwrap_or(&speaker.label);
            let count = passages
                .iter()
                .filter(|p| p.speaker.as_deref() == Some(indexed_as))
                .count();
            assert_eq!(count, speaker.passages as usize, "{id}: {speaker:?}");
        }
    }
}

/// WebVTT cues `step` seconds apart, each `text(i)` (`None`: no cue), from second 0.
fn vtt(cues: usize, step: usize, text: impl Fn(usize) -> Option<String>) -> String {
    let clock = |s: usize| format!("{:02}:{:02}:{:02}.000", s / 3600, s / 60 % 60, s % 60);
    let mut out = String::from("WEBVTT\n");
    for i in 0..cues {
        if let Some(text) = text(i) {
            let (start, end) = (i * step, i * step + step);
            out.push_str(&format!("\n{} --> {}\n{text}\n", clock(start), clock(end)));
        }
    }
    out
}

/// Issue 21: captions cite each passage with a time less than a minute before its phrase's own
/// cue: a Zoom speaker's three-minute turn, Teams voices, YouTube's rolling captions without
/// speakers (de-duplicated) and an SRT without speakers (never one passage for the whole file).
#[test]
fn issue_21_captions_cite_each_phrase_within_a_minute() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    fs::create_dir_all(corpus.join("captions")).expect("create dir");
    fs::write(corpus.join("participants.csv"), PARTICIPANTS).expect("write sheet");
    let zoom = vtt(36, 5, |i| {
        Some(match i {
            25 => "Jane Smith: and then the rowan clinic opened.".to_string(),
            _ => format!("Jane Smith: this was point {i} of the plan."),
        })
    });
    let teams = vtt(20, 4, |i| {
        let who = if i < 10 { "Ann Lee" } else { "Jane Smith" };
        let text = match i {
            8 => "the sorrel board said no.".to_string(),
            _ => format!("remark {i}"),
        };
        Some(format!("<v {who}>{text}</v>"))
    });
    // Each cue repeats the last line of the one before.
    let line = |i: usize| match i {
        19 => "we sold it at the tansy market".to_string(),
        _ => format!("and we spoke of item {i}"),
    };
    let youtube = vtt(40, 5, |i| {
        Some(match i {
            0 => line(0),
            _ => format!("{}\n{}", line(i - 1), line(i)),
        })
    });
    let srt: String = (0..30)
        .map(|i| {
            let text = match i {
                14 => "the umber road was closed.".to_string(),
                _ => format!("we drove past field {i}"),
            };
            let (s, e) = (i * 5, i * 5 + 4);
            format!(
                "{}\n00:{:02}:{:02},000 --> 00:{:02}:{:02},000\n{text}\n\n",
                i + 1,
                s / 60,
                s % 60,
                e / 60,
                e % 60
            )
        })
        .collect();
    for (name, text) in [
        ("zoom.vtt", &zoom),
        ("teams.vtt", &teams),
        ("youtube.vtt", &youtube),
        ("plain.srt", &srt),
    ] {
        fs::write(corpus.join("captions").join(name), text).expect("write captions");
    }
    let report = indexer::build(&corpus, &index, &indexer::BuildOptions::default())
        .expect("the index builds");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);

    let server = TestServer::start(&index, None);
    let cases: [(&str, Option<&str>, u32); 4] = [
        ("rowan clinic", Some("P01"), 125),
        ("sorrel board", Some("P02"), 32),
        ("tansy market", None, 95),
        ("umber road", None, 70),
    ];
    for (phrase, speaker, said_at) in cases {
        let hit = only_hit(&server, phrase);
        assert_eq!(hit.speaker.as_deref(), speaker, "{phrase}: {hit:#?}");
        let cited = hit
            .locator
            .rsplit_once(", ")
            .and_then(|(_, time)| {
                let parts: Vec<u32> = time
                    .split(':')
                    .map(|p| p.parse().ok())
                    .collect::<Option<_>>()?;
                Some(parts.iter().fold(0, |total, part| total * 60 + part))
            })
            .unwrap_or_else(|| panic!("{phrase}: no time in {:?}", hit.locator));
        assert!(
            cited <= said_at && said_at - cited < 60,
            "{phrase} said at {said_at} s is cited at {cited} s: {hit:#?}"
        );
    }
    // The rolling captions' repeated lines are indexed once.
    let tansy: SearchResponse = server.search(&[("q", "\"tansy market\""), ("limit", "5")]);
    assert_eq!(tansy.total, 1, "{tansy:#?}");
    assert_eq!(
        tansy.hits[0].passage.text.matches("tansy market").count(),
        1
    );
    // Captions without speakers are many passages, never one for the whole file.
    let srt: DocumentDetail = server.get("/v1/documents/plain").ok("plain");
    assert!(srt.passages.len() >= 3, "{:#?}", srt.passages);
}

/// Issue 21: files that are not UTF-8 (Windows-1252 with curly quotes and accented names, GBK
/// Chinese, UTF-16 without a byte-order mark) are read, each with a warning naming the encoding
/// guessed, and their phrases found under the right participant.
#[test]
fn issue_21_legacy_encodings_are_read_with_a_warning_naming_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    fs::create_dir_all(corpus.join("old")).expect("create dir");
    fs::write(
        corpus.join("participants.csv"),
        "id,role,site,aliases\nP05,GP,site 1,José Martínez; 王医生\nP06,Manager,site 2,Françoise\n",
    )
    .expect("write sheet");
    let cases: [(&str, &'static encoding_rs::Encoding, &str, &str, &str); 2] = [
        (
            "old/cp1252.txt",
            encoding_rs::WINDOWS_1252,
            "Interviewer: \u{201c}Did it work?\u{201d}\nJosé Martínez: It did \u{2013} the café rota held.\nInterviewer: And then?\nJosé Martínez: Then Françoise left.\n",
            "café rota",
            "windows-1252",
        ),
        (
            "old/gbk.txt",
            encoding_rs::GBK,
            "访谈者：您好，请介绍一下您的工作。\n王医生：我在社区卫生服务中心工作了十二年，主要负责慢性病管理。\n访谈者：谢谢。\n王医生：不客气。\n",
            "慢性病管理",
            "gbk",
        ),
    ];
    for (rel, encoding, text, ..) in cases {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{rel}");
        fs::write(corpus.join(rel), &bytes).expect("write fixture");
    }
    let utf16: Vec<u8> =
        "Françoise: The utf sixteen budget.\nInterviewer: Why?\nFrançoise: Because.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
    fs::write(corpus.join("old/utf16.txt"), utf16).expect("write fixture");

    let report = indexer::build(&corpus, &index, &indexer::BuildOptions::default())
        .expect("the index builds");
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let expected = [
        ("old/cp1252.txt", "windows-1252"),
        ("old/gbk.txt", "gbk"),
        ("old/utf16.txt", "utf-16le"),
    ];
    for (file, encoding) in expected {
        let reading = report
            .readings
            .iter()
            .find(|r| r.file == file)
            .unwrap_or_else(|| panic!("{file} is not indexed: {:#?}", report.readings));
        assert_eq!(reading.encoding, encoding, "{reading:#?}");
        let warned = reading
            .warnings
            .iter()
            .any(|w| w.contains(&format!("read as {encoding}")));
        assert!(warned, "{reading:#?}");
    }
    let server = TestServer::start(&index, None);
    for (phrase, id) in [
        ("café rota", "P05"),
        ("慢性病管理", "P05"),
        ("utf sixteen budget", "P06"),
    ] {
        let hit = only_hit(&server, phrase);
        assert_eq!(hit.speaker.as_deref(), Some(id), "{phrase}: {hit:#?}");
    }
}

/// Issue 21: HTML transcript pages are read (main text only, labels in `<b>`/`<strong>`/
/// `<cite>`), a page cut off keeps its text with a warning, a page on one long line is read,
/// and Word 97, RTF, Pages and WordPerfect files are skipped by name with what to do.
#[test]
fn issue_21_html_pages_are_read_and_legacy_formats_refused_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index) = (dir.path().join("study"), dir.path().join("index"));
    fs::create_dir_all(corpus.join("web")).expect("create dir");
    fs::write(corpus.join("participants.csv"), PARTICIPANTS).expect("write sheet");
    let page = "<!DOCTYPE html><html><head><title>Oral history 12</title><script>var words = 'vetch garden';</script></head>\
        <body><nav>Home | Archive | vetch garden tours</nav><h1>Interview 12</h1>\
        <p><b>Jane Smith:</b> We met in 1998.</p><p><strong>Ann Lee:</strong> The willow fund began then.</p>\
        <p><cite>Jane Smith</cite>: And the vetch garden followed.</p><footer>Copyright</footer></body></html>";
    fs::write(corpus.join("web/history.html"), page).expect("write page");
    fs::write(
        corpus.join("web/cut.htm"),
        "<html><body>\n<p>The yarrow survey ran.</p>\n<p>Then it stopped<b",
    )
    .expect("write page");
    let long: String = (0..40_000)
        .map(|i| format!("<p>Paragraph {i} of a page saved on one line.</p>"))
        .collect();
    fs::write(
        corpus.join("web/one-line.html"),
        format!("<html><body>{long}<p>The zinnia ledger closed.</p></body></html>"),
    )
    .expect("write page");
    for legacy in ["old.doc", "old.rtf", "old.pages", "old.wpd"] {
        fs::write(corpus.join("web").join(legacy), b"not read").expect("write legacy");
    }

    let (code, stdout, stderr) =
        run_indexer(&[corpus.as_os_str(), "--index".as_ref(), index.as_os_str()]);
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    for legacy in ["old.doc", "old.rtf", "old.pages", "old.wpd"] {
        let line = stdout
            .lines()
            .find(|l| l.contains("skipped") && l.contains(legacy))
            .unwrap_or_else(|| panic!("{legacy} is not skipped by name:\n{stdout}"));
        assert!(line.contains(".docx"), "{line}");
    }
    let server = TestServer::start(&index, None);
    let willow = only_hit(&server, "willow fund");
    assert_eq!(willow.speaker.as_deref(), Some("P02"), "{willow:#?}");
    let vetch: SearchResponse = server.search(&[("q", "\"vetch garden\""), ("limit", "5")]);
    assert_eq!(
        vetch.total, 1,
        "scripts and navigation are left out: {vetch:#?}"
    );
    assert_eq!(vetch.hits[0].passage.speaker.as_deref(), Some("P01"));
    assert!(only_hit(&server, "yarrow survey").text.contains("yarrow"));
    assert_eq!(only_hit(&server, "zinnia ledger").doc_id, "one-line");
    let cut: DocumentDetail = server.get("/v1/documents/cut").ok("cut");
    let warnings = cut.reading.expect("a reading").warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("line 3: the page ends inside a tag")),
        "{warnings:?}"
    );
}
