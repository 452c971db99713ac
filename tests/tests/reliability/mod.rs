//! Reliability and security tests: crash-safe indexing, fuzzed queries, hostile requests and
//! files, load, and access control, each against real indexes, binaries and servers.
//!
//! The default runs are short and bounded; `VERBATIM_LONG_TESTS=1` runs the long variants
//! (figures and commands in RELIABILITY.md).

mod access;
mod crash;
mod fuzz;
mod hostile_files;
mod hostile_requests;
mod load;

use std::path::Path;
use std::process::{Command, Stdio};

use indexer::api::SearchRequest;
use verbatim_tests::{Binary, Reply, Rng};

/// Whether the long variants were asked for (`VERBATIM_LONG_TESTS=1`).
pub fn long_tests() -> bool {
    std::env::var("VERBATIM_LONG_TESTS").is_ok_and(|v| v == "1")
}

/// Words of the synthetic transcripts; `VARIANT_WORD` marks the turns that differ between the
/// two versions of a synthetic corpus, so a search can tell the versions apart.
const WORDS: [&str; 16] = [
    "commissioning",
    "practice",
    "budget",
    "federation",
    "trust",
    "patients",
    "contract",
    "services",
    "primary",
    "care",
    "meeting",
    "conflict",
    "interest",
    "board",
    "locality",
    "workload",
];
pub const VARIANT_WORD: &str = "zeppelin";

/// One version of a synthetic corpus of interview transcripts, as `verbatim-index` reads it.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticCorpus {
    /// Number of transcripts.
    pub files: usize,
    /// 0 or 1: version 1 changes every third file, drops every tenth and adds a few.
    pub version: u32,
}

/// What a fully indexed synthetic corpus holds, to compare an index with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub passages: u64,
    /// Passages containing [`VARIANT_WORD`].
    pub variant_passages: u64,
}

impl SyntheticCorpus {
    /// Writes this version into `dir` (replacing whatever version is there) and returns what
    /// an index of it must hold.
    pub fn write(&self, dir: &Path) -> Expected {
        let documents = dir.join("documents");
        if documents.exists() {
            std::fs::remove_dir_all(&documents).expect("clear the synthetic corpus");
        }
        std::fs::create_dir_all(&documents).expect("create the synthetic corpus");
        std::fs::write(dir.join("participants.csv"), participants_sheet())
            .expect("write participants.csv");
        let mut expected = Expected {
            passages: 0,
            variant_passages: 0,
        };
        let extra = if self.version == 1 { 5 } else { 0 };
        for n in 0..self.files + extra {
            let dropped = self.version == 1 && n % 10 == 9;
            if dropped {
                continue;
            }
            let changed = self.version == 1 && n % 3 == 0;
            let (text, turns, variant) = transcript(n, changed);
            std::fs::write(documents.join(format!("interview-{n:04}.md")), text)
                .expect("write a transcript");
            expected.passages += turns;
            expected.variant_passages += variant;
        }
        expected
    }
}

fn participants_sheet() -> String {
    let mut sheet = String::from("id,role,site,gender\n");
    for id in 1..=40 {
        let role = ["GP", "Manager", "Lay member", "Practice nurse"][id % 4];
        let gender = ["female", "male"][id % 2];
        sheet.push_str(&format!("ID{id},{role},site {},{gender}\n", id % 5 + 1));
    }
    sheet
}

/// Transcript `n` (deterministic), its number of turns, and how many turns hold the variant word.
fn transcript(n: usize, changed: bool) -> (String, u64, u64) {
    let mut rng = Rng::new(n as u64 * 7919 + u64::from(changed));
    let turns = 40 + rng.below(20) + usize::from(changed) * 7;
    let mut text = format!(
        "---\ntitle: Synthetic interview {n}\nkind: interview\nsite: site {}\ndate: 2017-0{}-1{}\n---\n",
        n % 5 + 1,
        n % 9 + 1,
        n % 9
    );
    let mut variant = 0;
    for turn in 0..turns {
        let speaker = if turn % 2 == 0 {
            "Interviewer".to_string()
        } else {
            format!("ID{}", rng.below(40) + 1)
        };
        let minutes = turn / 2;
        text.push_str(&format!("[00:{minutes:02}:{:02}] {speaker}:", turn % 60));
        for _ in 0..(12 + rng.below(30)) {
            text.push(' ');
            text.push_str(WORDS[rng.below(WORDS.len())]);
        }
        if changed && turn % 5 == 1 {
            text.push(' ');
            text.push_str(VARIANT_WORD);
            variant += 1;
        }
        text.push_str(".\n");
    }
    (text, turns as u64, variant)
}

/// What an open index holds: passages per catalog, per tantivy match-all, and per variant word.
pub fn index_contents(index: &indexer::Index) -> Result<Expected, String> {
    let stats = index.stats().map_err(|e| format!("stats: {e}"))?;
    let everything = count(index, "")?;
    if everything != stats.passages {
        return Err(format!(
            "the catalog counts {} passages but a match-all search finds {everything}",
            stats.passages
        ));
    }
    Ok(Expected {
        passages: everything,
        variant_passages: count(index, VARIANT_WORD)?,
    })
}

fn count(index: &indexer::Index, q: &str) -> Result<u64, String> {
    let request = SearchRequest {
        q: q.to_string(),
        limit: 0,
        highlight: false,
        ..SearchRequest::default()
    };
    index
        .search(&request)
        .map(|r| r.total)
        .map_err(|e| format!("search {q:?}: {e}"))
}

/// Runs `verbatim-index CORPUS --index INDEX [--force]` to completion, failing on a non-zero exit.
pub fn run_indexer(corpus: &Path, index: &Path, force: bool) {
    let output = indexer_command(corpus, index, force)
        .output()
        .expect("run verbatim-index");
    assert!(
        output.status.success(),
        "verbatim-index failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The `verbatim-index` command line, quiet, with no inherited index or log settings.
pub fn indexer_command(corpus: &Path, index: &Path, force: bool) -> Command {
    let mut command = Binary::Indexer.command();
    command
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if force {
        command.arg("--force");
    }
    command
}

/// Asserts a reply is a 200, or a 4xx with the JSON error shape (code, message, hint).
pub fn assert_ok_or_client_error(reply: &Reply, what: &str) {
    match reply.status {
        200 => {}
        400..=499 => assert_error_shape(reply, what),
        status => panic!("{what}: got {status}: {}", reply.body),
    }
}

/// Asserts a reply carries `{"error": {"code", "message", "hint"}}`: a known code and
/// non-empty strings.
pub fn assert_error_shape(reply: &Reply, what: &str) {
    let error = reply.error_detail();
    assert!(
        error.is_some_and(|e| !e.message.is_empty() && !e.hint.is_empty()),
        "{what}: {} without the error shape: {}",
        reply.status,
        reply.body
    );
}
