//! The comparisons at scale (`bench --compare`): a cross-tab of ten queries of the mix by role
//! group, and keyness of one role group against everyone else, on Verbatim's index of the
//! generated corpus, and the collocates of one word of the mix.
//!
//! Keyness is timed cold (the first call on a freshly opened index, whose cache of group counts
//! is empty; each cold run opens the index again) and cached (the same request repeated). Only
//! Verbatim's own index is built, and an earlier `--work-dir` is reused as it stands (the build
//! is incremental), so the figures can be taken again in seconds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indexer::Index;
use indexer::api::{
    CollocatesRequest, CrosstabRequest, CrosstabRow, FacetField, Filters, KeynessRequest,
    SearchRequest,
};
use serde::Serialize;
use verbatim_tests::thread_cpu_time;

use super::corpus_gen::Corpus;
use super::queries::{self, BenchQuery, Kind};
use super::report::{Goal, Machine, goals_table, load_average};
use super::{Latencies, corpus, disk_size, verbatim, work_dir};

/// Rows of the cross-tab.
const CROSSTAB_ROWS: usize = 10;
/// The kinds of query its rows are drawn from, in turn (filters and facets are the cross-tab's).
const ROW_KINDS: [Kind; 6] = [
    Kind::OneTerm,
    Kind::TwoTerms,
    Kind::Phrase,
    Kind::Prefix,
    Kind::Chinese,
    Kind::Mixed,
];
/// The role group compared with everyone else.
const TARGET_GROUP: &str = "GP";
/// The goals of issue 14, in milliseconds.
const CROSSTAB_P50_GOAL_MS: f64 = 20.0;
const KEYNESS_COLD_GOAL_MS: f64 = 1000.0;
const KEYNESS_CACHED_GOAL_MS: f64 = 50.0;
/// The goal of issue 25 at 1M passages, in milliseconds.
const COLLOCATES_COLD_GOAL_MS: f64 = 200.0;

/// What a `--compare` run does.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// Passages to generate.
    pub passages: usize,
    /// Seed of the corpus and the query mix.
    pub seed: u64,
    /// Where the corpus and the index are (kept when given, else a temp dir).
    pub work_dir: Option<PathBuf>,
    /// Timed repetitions of the cross-tab and of cached keyness, at most.
    pub rounds: usize,
    /// Seconds spent on each of them, at most.
    pub seconds: f64,
    /// Cold keyness runs, each on a freshly opened index.
    pub cold_runs: usize,
}

/// What a `--compare` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// Where it ran (with the load average at the start).
    pub machine: Machine,
    /// `/proc/loadavg` at the end.
    pub load_average_at_end: String,
    /// Passages in the index.
    pub passages: u64,
    /// Corpus and query seed.
    pub seed: u64,
    /// Size of the index on disk, bytes.
    pub index_bytes: u64,
    /// Seconds spent generating, building or checking the index before timing.
    pub prepare_seconds: f64,
    /// The cross-tab's rows.
    pub rows: Vec<String>,
    /// Its columns (role groups).
    pub columns: usize,
    /// The first cross-tab on a freshly opened index (the columns' word totals computed).
    pub crosstab_first: Timed,
    /// The cross-tab repeated.
    pub crosstab: Timed,
    /// Its rows' searches alone (no hits, a `role_group` facet), one after the other, repeated:
    /// what the cross-tab costs beyond them is its own.
    pub row_searches: Timed,
    /// The keyness target (`role_group=GP`) and its size.
    pub keyness_target: String,
    /// Passages in the target.
    pub target_passages: u64,
    /// Words in the target.
    pub target_words: u64,
    /// Words in the reference (everyone else).
    pub reference_words: u64,
    /// Key terms listed.
    pub key_terms: usize,
    /// Keyness on a freshly opened index, one run per open.
    pub keyness_cold: Timed,
    /// Keyness repeated on one open index.
    pub keyness_cached: Timed,
    /// The node of the collocates timed (the first one-word query of the mix).
    pub collocates_node: String,
    /// Its occurrences.
    pub node_freq: u64,
    /// Collocates listed.
    pub collocates: usize,
    /// Collocates over every passage on a freshly opened index, one run per open.
    pub collocates_cold: Timed,
    /// The same repeated on one open index.
    pub collocates_repeated: Timed,
    /// The goals, checked.
    pub goals: Vec<Goal>,
}

/// Prepares the index, then times the cross-tab and keyness.
pub fn run(config: &CompareConfig) -> Result<CompareReport> {
    let machine = Machine::detect();
    let (work, _temp) = work_dir(config.work_dir.as_deref())?;
    let corpus = corpus(config.passages, config.seed)?;
    let index_dir = work.join("verbatim-index");
    let preparing = Instant::now();
    prepare_index(config, &corpus, &work.join("corpus"), &index_dir)?;
    let prepare_seconds = preparing.elapsed().as_secs_f64();

    let mix = queries::query_mix(corpus.vocabulary(), corpus.sites, config.seed);
    let crosstab = crosstab_request(&mix);
    let keyness = KeynessRequest::new(Filters {
        role_group: vec![TARGET_GROUP.into()],
        ..Filters::default()
    });

    eprintln!("bench: timing the cross-tab");
    let index = open(&index_dir)?;
    let (first, first_run) = once(|| Ok(index.crosstab(&crosstab)?))?;
    let crosstab_timed = repeat(config, || Ok(index.crosstab(&crosstab)?))?;
    let searches: Vec<SearchRequest> = crosstab
        .rows
        .iter()
        .map(|row| SearchRequest {
            q: row.q.clone(),
            facets: vec![FacetField::RoleGroup],
            limit: 0,
            highlight: false,
            ..SearchRequest::default()
        })
        .collect();
    let row_searches = repeat(config, || {
        searches
            .iter()
            .map(|search| Ok(index.search(search)?.total))
            .sum::<Result<u64>>()
    })?;

    eprintln!("bench: timing keyness, cold then cached");
    let mut cold = Vec::new();
    let mut answer = None;
    for _ in 0..config.cold_runs.max(1) {
        let fresh = open(&index_dir)?;
        let (response, run) = once(|| Ok(fresh.keyness(&keyness)?))?;
        answer = Some(response);
        cold.push(run);
    }
    let answer = answer.context("no cold keyness run")?;
    let cached = open(&index_dir)?;
    cached.keyness(&keyness)?;
    let keyness_cached = repeat(config, || Ok(cached.keyness(&keyness)?))?;

    let node = mix
        .iter()
        .find(|q| q.kind == Kind::OneTerm)
        .context("no one-word query in the mix")?
        .verbatim_text();
    let collocates = CollocatesRequest::new(node.clone());
    eprintln!("bench: timing the collocates of {node:?}, cold then repeated");
    let mut cold_collocates = Vec::new();
    let mut collocates_answer = None;
    for _ in 0..config.cold_runs.max(1) {
        let fresh = open(&index_dir)?;
        let (response, run) = once(|| Ok(fresh.collocates(&collocates)?))?;
        collocates_answer = Some(response);
        cold_collocates.push(run);
    }
    let collocates_answer = collocates_answer.context("no cold collocates run")?;
    let fresh = open(&index_dir)?;
    let collocates_repeated = repeat(config, || Ok(fresh.collocates(&collocates)?))?;

    let mut report = CompareReport {
        machine,
        load_average_at_end: load_average(),
        passages: index.stats()?.passages,
        seed: config.seed,
        index_bytes: disk_size(&index_dir),
        prepare_seconds,
        rows: crosstab.rows.iter().map(|row| row.q.clone()).collect(),
        columns: first.columns.len(),
        crosstab_first: timed(vec![first_run]),
        crosstab: crosstab_timed,
        row_searches,
        keyness_target: format!("role_group={TARGET_GROUP}"),
        target_passages: answer.target.passages,
        target_words: answer.target.words,
        reference_words: answer.reference.words,
        key_terms: answer.terms.len(),
        keyness_cold: timed(cold),
        keyness_cached,
        collocates_node: node,
        node_freq: collocates_answer.all.node_freq,
        collocates: collocates_answer.all.collocates.len(),
        collocates_cold: timed(cold_collocates),
        collocates_repeated,
        goals: Vec::new(),
    };
    report.goals = report.check_goals();
    Ok(report)
}

/// Writes the corpus into `corpus_dir` unless it is there, and brings the index up to date with
/// it (nothing to do when an earlier run built it).
pub(crate) fn prepare_index(
    config: &CompareConfig,
    corpus: &Corpus,
    corpus_dir: &Path,
    index_dir: &Path,
) -> Result<()> {
    if !corpus_dir.exists() {
        eprintln!("bench: generating {} passages", config.passages);
        corpus
            .write(corpus_dir)
            .with_context(|| format!("writing the corpus to {}", corpus_dir.display()))?;
    }
    eprintln!("bench: building (or checking) the verbatim index");
    let passages = verbatim::build(corpus_dir, index_dir)?;
    if passages != config.passages as u64 {
        bail!(
            "{} holds {passages} passages, not {}: give the --passages and --seed of the run that \
             wrote it, or an empty --work-dir",
            corpus_dir.display(),
            config.passages
        );
    }
    Ok(())
}

pub(crate) fn open(index_dir: &Path) -> Result<Index> {
    Index::open(index_dir).with_context(|| format!("opening {}", index_dir.display()))
}

/// Ten queries of the mix, drawn from its kinds in turn.
fn crosstab_request(mix: &[BenchQuery]) -> CrosstabRequest {
    let of_kind = |kind: Kind| mix.iter().filter(move |q| q.kind == kind);
    let mut kinds: Vec<_> = ROW_KINDS.iter().map(|&kind| of_kind(kind)).collect();
    let mut rows = Vec::new();
    'rows: loop {
        for queries in &mut kinds {
            match queries.next() {
                Some(query) if rows.len() < CROSSTAB_ROWS => {
                    rows.push(CrosstabRow::new(query.verbatim_text()));
                }
                _ => break 'rows,
            }
        }
    }
    CrosstabRequest {
        rows,
        by: FacetField::RoleGroup,
        filters: Filters::default(),
    }
}

/// Wall-clock and CPU times of repeated runs of one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Timed {
    /// Elapsed time.
    pub wall: Latencies,
    /// Time this thread spent on a CPU (the operations run on one thread): unlike the wall
    /// time, hardly changed by other work on the machine.
    pub cpu: Latencies,
}

/// Percentiles of runs timed by [`once`].
fn timed(runs: Vec<(Duration, Duration)>) -> Timed {
    let (wall, cpu) = runs.into_iter().unzip();
    Timed {
        wall: Latencies::from_durations(wall),
        cpu: Latencies::from_durations(cpu),
    }
}

/// The wall-clock and CPU time of one run of `operation`.
fn once<T>(operation: impl FnOnce() -> Result<T>) -> Result<(T, (Duration, Duration))> {
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    let out = operation()?;
    Ok((out, (wall.elapsed(), thread_cpu_time().saturating_sub(cpu))))
}

/// Times `operation` until the rounds or the seconds run out.
fn repeat<T>(config: &CompareConfig, mut operation: impl FnMut() -> Result<T>) -> Result<Timed> {
    let budget = Duration::from_secs_f64(config.seconds);
    let started = Instant::now();
    let mut runs = Vec::new();
    while runs.len() < config.rounds.max(1) && (runs.is_empty() || started.elapsed() < budget) {
        let (out, run) = once(&mut operation)?;
        std::hint::black_box(out);
        runs.push(run);
    }
    Ok(timed(runs))
}

impl CompareReport {
    fn check_goals(&self) -> Vec<Goal> {
        let goal = |name: &str, target: f64, measured: f64, how: &str| Goal {
            name: name.into(),
            target: format!("≤ {target} ms"),
            measured: format!("{measured:.1} ms ({how})"),
            met: measured <= target,
        };
        vec![
            goal(
                "cross-tab, 10 queries by role group",
                CROSSTAB_P50_GOAL_MS,
                self.crosstab.wall.p50_ms,
                "p50",
            ),
            goal(
                "keyness, one role group against the rest, cold",
                KEYNESS_COLD_GOAL_MS,
                self.keyness_cold.wall.p50_ms,
                &format!("median of {} opens", self.keyness_cold.wall.count),
            ),
            goal(
                "keyness, cached",
                KEYNESS_CACHED_GOAL_MS,
                self.keyness_cached.wall.p50_ms,
                "p50",
            ),
            goal(
                "collocates of one word, cold",
                COLLOCATES_COLD_GOAL_MS,
                self.collocates_cold.wall.p50_ms,
                &format!("median of {} opens", self.collocates_cold.wall.count),
            ),
        ]
    }

    /// The figures as Markdown tables.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### Comparisons ({} passages, seed {})\n",
            self.passages, self.seed
        );
        let _ = writeln!(
            out,
            "Machine: {} CPUs ({}); load average {} at the start, {} at the end. Index: {:.0} MB; \
             prepared in {:.1} s.\n",
            self.machine.cpus,
            self.machine.cpu_model,
            self.machine.load_average_at_start,
            self.load_average_at_end,
            self.index_bytes as f64 / (1024.0 * 1024.0),
            self.prepare_seconds
        );
        out.push_str(
            "| operation | runs | p50 ms | p95 ms | p99 ms | CPU p50 ms |\n\
             |---|---:|---:|---:|---:|---:|\n",
        );
        let crosstab = format!(
            "cross-tab, {} queries by role group ({} columns)",
            self.rows.len(),
            self.columns
        );
        let keyness = format!("keyness, {} against the rest", self.keyness_target);
        for (label, latencies) in [
            (
                format!("{crosstab}: first call on a fresh open"),
                &self.crosstab_first,
            ),
            (format!("{crosstab}: repeated"), &self.crosstab),
            (
                "its 10 rows' searches alone (role group facet, no hits)".to_string(),
                &self.row_searches,
            ),
            (
                format!("{keyness}: cold (a fresh open per run)"),
                &self.keyness_cold,
            ),
            (
                format!("{keyness}: cached (repeated)"),
                &self.keyness_cached,
            ),
            (
                format!(
                    "collocates of `{}`, window 5: cold (a fresh open per run)",
                    self.collocates_node
                ),
                &self.collocates_cold,
            ),
            (
                format!("collocates of `{}`: repeated", self.collocates_node),
                &self.collocates_repeated,
            ),
        ] {
            let wall = &latencies.wall;
            let _ = writeln!(
                out,
                "| {label} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
                wall.count, wall.p50_ms, wall.p95_ms, wall.p99_ms, latencies.cpu.p50_ms
            );
        }
        let _ = writeln!(
            out,
            "\nTarget: {} passages, {} words; reference: {} words; {} key terms listed.\n\
             Collocates: `{}` {} times, {} collocates listed.\n\
             Cross-tab rows: {}.\n",
            self.target_passages,
            self.target_words,
            self.reference_words,
            self.key_terms,
            self.collocates_node,
            self.node_freq,
            self.collocates,
            self.rows
                .iter()
                .map(|q| format!("`{q}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        goals_table(&mut out, &self.goals);
        out
    }
}
