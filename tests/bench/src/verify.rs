//! Checking a draft at scale (`bench --verify`): a 40-page Markdown draft holding 200 quotes
//! drawn from the generated corpus (most verbatim, some with an ellipsis, a changed word, or
//! words in another order, each labelled with its speaker), checked against Verbatim's index.
//!
//! Timed cold (the first check on a freshly opened index) and repeated. The goal of issue 23:
//! at most 2 s at 1M passages on 2 cores.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indexer::api::{DraftFormat, VerifySummary};
use indexer::verify::Draft;
use serde::Serialize;

use super::compare::{CompareConfig, open, prepare_index};
use super::corpus_gen::Corpus;
use super::report::{Goal, Machine, goals_table, load_average};
use super::{Latencies, corpus, disk_size, work_dir};

/// Quotes in the draft.
const QUOTES: usize = 200;
/// Words of prose between two quotes: 200 of them make about 40 pages.
const PROSE_WORDS: usize = 100;
/// Words of each quote (fewer when the turn is shorter).
const QUOTE_WORDS: usize = 18;
/// The goal, in milliseconds.
const GOAL_MS: f64 = 2000.0;

/// What a `--verify` run does.
#[derive(Debug, Clone)]
pub struct VerifyConfig {
    /// Passages to generate.
    pub passages: usize,
    /// Seed of the corpus.
    pub seed: u64,
    /// Where the corpus and the index are (kept when given, else a temp dir).
    pub work_dir: Option<PathBuf>,
    /// Checks timed after the cold one, at most.
    pub rounds: usize,
    /// Seconds spent on them, at most.
    pub seconds: f64,
}

/// What a `--verify` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Where it ran (with the load average at the start).
    pub machine: Machine,
    /// `/proc/loadavg` at the end.
    pub load_average_at_end: String,
    /// Passages in the index.
    pub passages: u64,
    /// Corpus seed.
    pub seed: u64,
    /// Size of the index on disk, bytes.
    pub index_bytes: u64,
    /// Words and bytes of the draft.
    pub draft_words: usize,
    pub draft_bytes: usize,
    /// What the check found (statuses and attributions).
    pub summary: VerifySummary,
    /// The first check on a freshly opened index.
    pub cold: Latencies,
    /// The check repeated on the same open index.
    pub repeated: Latencies,
    /// The goal, checked.
    pub goals: Vec<Goal>,
}

/// Prepares the index, writes the draft, and times checking it.
pub fn run(config: &VerifyConfig) -> Result<VerifyReport> {
    let machine = Machine::detect();
    let (work, _temp) = work_dir(config.work_dir.as_deref())?;
    let corpus = corpus(config.passages, config.seed)?;
    let index_dir = work.join("verbatim-index");
    let compare = CompareConfig {
        passages: config.passages,
        seed: config.seed,
        work_dir: Some(work.clone()),
        rounds: config.rounds,
        seconds: config.seconds,
        cold_runs: 1,
    };
    prepare_index(&compare, &corpus, &work.join("corpus"), &index_dir)?;
    let draft = draft(&corpus);
    let check = |index: &indexer::Index| {
        index
            .verify(Draft::Text {
                text: &draft,
                format: DraftFormat::Markdown,
            })
            .context("checking the draft")
    };

    eprintln!("bench: checking a draft of {QUOTES} quotes, cold then repeated");
    let index = open(&index_dir)?;
    let started = Instant::now();
    let answer = check(&index)?;
    let cold = started.elapsed();
    let budget = Duration::from_secs_f64(config.seconds);
    let started = Instant::now();
    let mut runs = Vec::new();
    while runs.len() < config.rounds.max(1) && (runs.is_empty() || started.elapsed() < budget) {
        let run = Instant::now();
        std::hint::black_box(check(&index)?);
        runs.push(run.elapsed());
    }
    let mut report = VerifyReport {
        machine,
        load_average_at_end: load_average(),
        passages: index.stats()?.passages,
        seed: config.seed,
        index_bytes: disk_size(&index_dir),
        draft_words: draft.split_whitespace().count(),
        draft_bytes: draft.len(),
        summary: answer.summary,
        cold: Latencies::from_durations(vec![cold]),
        repeated: Latencies::from_durations(runs),
        goals: Vec::new(),
    };
    report.goals = vec![Goal {
        name: format!("a draft of {QUOTES} quotes checked, cold"),
        target: format!("≤ {GOAL_MS} ms"),
        measured: format!("{:.1} ms", report.cold.p50_ms),
        met: report.cold.p50_ms <= GOAL_MS,
    }];
    Ok(report)
}

/// The draft: prose, and every so often a quote of a speaker's turn with its label.
fn draft(corpus: &Corpus) -> String {
    // Three candidates per quote: short turns and the interviewer's are passed over.
    let every = (corpus.passages / (QUOTES * 3)).max(1);
    let prose = "The analysis then turned to how the groups described their work, "
        .repeat(PROSE_WORDS / 12);
    let mut out = String::from("# Findings\n\n");
    let mut quotes = 0;
    let turns = corpus.transcripts().flat_map(|t| t.turns).enumerate();
    for (i, turn) in turns {
        let (Some(speaker), true) = (turn.speaker, i % every == 0) else {
            continue;
        };
        let Some(quote) = quote(&turn.text, quotes) else {
            continue;
        };
        let p = &corpus.participants[speaker];
        let _ = write!(
            out,
            "{prose}as one put it: \"{quote}\" ({} {}).\n\n",
            p.role, p.id
        );
        quotes += 1;
        if quotes == QUOTES {
            break;
        }
    }
    out
}

/// A quote of `text`, the `n`th of the draft: verbatim, with an ellipsis, with a word changed,
/// or its words reversed (said by no one), in turn.
fn quote(text: &str, n: usize) -> Option<String> {
    if text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return Some(text.chars().take(24).collect());
    }
    let words: Vec<&str> = text.split_whitespace().take(QUOTE_WORDS).collect();
    if words.len() < 8 {
        return None;
    }
    let mut words: Vec<String> = words
        .iter()
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    match n % 10 {
        6 | 7 => {
            let tail = words.split_off(words.len() - 4);
            words.truncate(4);
            Some(format!("{} [...] {}", words.join(" "), tail.join(" ")))
        }
        8 => {
            words[3] = "regional".into();
            Some(words.join(" "))
        }
        9 => {
            words.reverse();
            Some(words.join(" "))
        }
        _ => Some(words.join(" ")),
    }
}

impl VerifyReport {
    /// The figures as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### Checking a draft ({} passages, seed {})\n",
            self.passages, self.seed
        );
        let _ = writeln!(
            out,
            "Machine: {} CPUs ({}); load average {} at the start, {} at the end. Index: {:.0} MB. \
             Draft: {} words ({} KB), {} quotes.\n",
            self.machine.cpus,
            self.machine.cpu_model,
            self.machine.load_average_at_start,
            self.load_average_at_end,
            self.index_bytes as f64 / (1024.0 * 1024.0),
            self.draft_words,
            self.draft_bytes / 1024,
            self.summary.quotes,
        );
        out.push_str("| check | runs | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
        for (label, l) in [
            ("cold (first on a fresh open)", &self.cold),
            ("repeated", &self.repeated),
        ] {
            let _ = writeln!(
                out,
                "| {label} | {} | {:.1} | {:.1} | {:.1} |",
                l.count, l.p50_ms, l.p95_ms, l.p99_ms
            );
        }
        let s = &self.summary;
        let _ = writeln!(
            out,
            "\nFound: {} verbatim, {} edited, {} close, {} not found, {} not checked; {} attributions differ.\n",
            s.verbatim,
            s.edited,
            s.close,
            s.not_found,
            s.quotes - s.checked,
            s.attribution_differs
        );
        goals_table(&mut out, &self.goals);
        out
    }
}
