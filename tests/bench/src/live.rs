//! A living corpus (`bench --live`): how long a file written into a watched corpus takes to be
//! found, and what builds running meanwhile do to the query mix.
//!
//! The corpus is generated and built once (in a child, as in the full run); then a
//! [`indexer::Watcher`] watches it with its default quiet time, opening each new generation in
//! a [`LiveIndex`] as the server does. Each trial writes a 50-turn transcript holding a word
//! found nowhere else, and times from the write until a search of the live index finds it (an
//! add); rewrites it with another word, until the new word is found and the old one gone (an
//! edit); removes it, until its word is gone (a deletion). Meanwhile another thread times the
//! query mix over and over; the same mix is timed with no build running first. Everything runs
//! in this process, without HTTP: what is measured is the watcher, the build and the reopen.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indexer::api::SearchRequest;
use indexer::watch::WatchOptions;
use indexer::{LiveIndex, Watcher};
use serde::Serialize;

use super::queries::{self, BenchQuery};
use super::report::{Machine, load_average};
use super::{BuildResult, Config, Engine, Latencies, build_in_child, corpus, verbatim, work_dir};

/// Turns in each trial's transcript.
const TURNS: usize = 50;
/// How often a trial looks for its word.
const LOOK_EVERY: Duration = Duration::from_millis(5);
/// Longest a trial waits for its change before the run fails.
const PATIENCE: Duration = Duration::from_secs(120);

/// What a `--live` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct LiveReport {
    /// Where it ran (with the load average at the start).
    pub machine: Machine,
    /// `/proc/loadavg` at the end.
    pub load_average_at_end: String,
    /// Passages of the corpus.
    pub passages: usize,
    /// The first build, in a child process.
    pub build: BuildResult,
    /// The watcher's quiet time, milliseconds.
    pub quiet_ms: u64,
    /// Trials of each change.
    pub trials: usize,
    /// From a new file written to its first hit.
    pub add: Latencies,
    /// From a file rewritten to its new text found and its old text gone.
    pub edit: Latencies,
    /// From a file removed to its text gone.
    pub delete: Latencies,
    /// Builds the watcher ran during the trials.
    pub builds: u64,
    /// The query mix with no build running.
    pub mix_idle: Latencies,
    /// The query mix while the trials' builds ran.
    pub mix_during_builds: Latencies,
}

/// Generates and builds a corpus of `config.passages`, then runs `trials` of each change.
pub fn run(config: &Config, trials: usize) -> Result<LiveReport> {
    let machine = Machine::detect();
    let (work, _temp) = work_dir(config.work_dir.as_deref())?;
    let dir = work.join(format!("live-{}", config.passages));
    if dir.exists() {
        bail!(
            "{} exists: remove it or give another --work-dir",
            dir.display()
        );
    }
    let corpus = corpus(config.passages, config.seed)?;
    let (corpus_dir, index_dir) = (dir.join("corpus"), dir.join("verbatim-index"));
    eprintln!("bench: generating {} passages", config.passages);
    corpus
        .write(&corpus_dir)
        .with_context(|| format!("writing the corpus to {}", corpus_dir.display()))?;
    eprintln!("bench: building the index");
    let build = build_in_child(config, Engine::Verbatim, &corpus_dir, &index_dir)?;

    let options = WatchOptions::default();
    let quiet_ms = options.quiet.as_millis() as u64;
    let watcher = Watcher::start(&corpus_dir, &index_dir, options)?;
    let live = Arc::new(LiveIndex::open(&index_dir)?);
    watcher.keep_open(Arc::clone(&live));
    let mix = queries::query_mix(corpus.vocabulary(), corpus.sites, config.seed);

    eprintln!("bench: timing the query mix with no build running");
    let mix_idle = time_mix(
        &live,
        &mix,
        Duration::from_secs_f64(config.query_seconds * 2.0),
    )?;

    eprintln!("bench: {trials} trials each of an add, an edit and a deletion");
    let builds_before = watcher.status().builds;
    let running = AtomicBool::new(true);
    let (trial_times, mix_during_builds) = std::thread::scope(|scope| {
        let querying = scope.spawn(|| time_mix_while(&live, &mix, &running));
        let trial_times = run_trials(&live, &corpus_dir.join("documents/live-bench"), trials);
        running.store(false, Ordering::Relaxed);
        let mix = querying.join().expect("the query thread");
        (trial_times, mix)
    });
    let [add, edit, delete] = trial_times?;
    let builds = watcher.status().builds - builds_before;
    drop(watcher);
    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    Ok(LiveReport {
        machine,
        load_average_at_end: load_average(),
        passages: config.passages,
        build,
        quiet_ms,
        trials,
        add,
        edit,
        delete,
        builds,
        mix_idle,
        mix_during_builds: mix_during_builds?,
    })
}

/// Runs the trials in `dir` and times each change until the live index shows it.
fn run_trials(live: &LiveIndex, dir: &Path, trials: usize) -> Result<[Latencies; 3]> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut times: [Vec<Duration>; 3] = Default::default();
    for trial in 0..trials {
        let path = dir.join(format!("trial-{trial}.md"));
        let (first, second) = (format!("zqadd{trial}x"), format!("zqedit{trial}x"));
        let started = Instant::now();
        std::fs::write(&path, transcript(trial, &first))?;
        wait_until(live, |hits| hits(&first) > 0)?;
        times[0].push(started.elapsed());

        let started = Instant::now();
        std::fs::write(&path, transcript(trial, &second))?;
        wait_until(live, |hits| hits(&second) > 0 && hits(&first) == 0)?;
        times[1].push(started.elapsed());

        let started = Instant::now();
        std::fs::remove_file(&path)?;
        wait_until(live, |hits| hits(&second) == 0)?;
        times[2].push(started.elapsed());
        eprintln!(
            "bench: trial {}: add {:.0} ms, edit {:.0} ms, delete {:.0} ms",
            trial + 1,
            times[0][trial].as_secs_f64() * 1000.0,
            times[1][trial].as_secs_f64() * 1000.0,
            times[2][trial].as_secs_f64() * 1000.0
        );
    }
    Ok(times.map(Latencies::from_durations))
}

/// Searches the live index every [`LOOK_EVERY`] until `done` holds, given a count of a word's
/// passages.
fn wait_until(live: &LiveIndex, done: impl Fn(&dyn Fn(&str) -> u64) -> bool) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let index = live.latest();
        let hits = |word: &str| {
            let request = SearchRequest {
                limit: 0,
                highlight: false,
                ..SearchRequest::new(word)
            };
            index.search(&request).map_or(0, |response| response.total)
        };
        if done(&hits) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the change was not searchable after {PATIENCE:?}");
        }
        std::thread::sleep(LOOK_EVERY);
    }
}

/// A 50-turn interview whose last turn holds `word`.
fn transcript(trial: usize, word: &str) -> String {
    let mut text = format!("---\ntitle: Live trial {trial}\nkind: interview\n---\n");
    for turn in 0..TURNS {
        let speaker = if turn % 2 == 0 { "Interviewer" } else { "ID1" };
        let _ = writeln!(
            text,
            "{speaker}: We talked about the practice budget and the commissioning board, turn {turn}."
        );
    }
    let _ = writeln!(text, "ID1: And finally {word}.");
    text
}

/// The mix, timed round after round for `budget`.
fn time_mix(live: &LiveIndex, mix: &[BenchQuery], budget: Duration) -> Result<Latencies> {
    let started = Instant::now();
    let mut durations = Vec::new();
    while started.elapsed() < budget {
        durations.extend(time_round(live, mix)?);
    }
    Ok(Latencies::from_durations(durations))
}

/// The mix, timed round after round while `running` holds.
fn time_mix_while(live: &LiveIndex, mix: &[BenchQuery], running: &AtomicBool) -> Result<Latencies> {
    let mut durations = Vec::new();
    while running.load(Ordering::Relaxed) {
        durations.extend(time_round(live, mix)?);
    }
    Ok(Latencies::from_durations(durations))
}

/// One pass over the mix against the live generation, as a request of the server would see it.
fn time_round(live: &LiveIndex, mix: &[BenchQuery]) -> Result<Vec<Duration>> {
    mix.iter()
        .map(|query| {
            let started = Instant::now();
            std::hint::black_box(verbatim::search(&live.latest(), query)?);
            Ok(started.elapsed())
        })
        .collect()
}

impl LiveReport {
    /// The figures as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## A living corpus: {} passages, {} trials of each change\n",
            self.passages, self.trials
        );
        let _ = writeln!(
            out,
            "{} CPUs ({}), load average {} at the start, {} at the end; first build {:.1} s; \
             the watcher's quiet time {} ms; {} builds during the trials.\n",
            self.machine.cpus,
            self.machine.cpu_model,
            self.machine.load_average_at_start.trim(),
            self.load_average_at_end.trim(),
            self.build.seconds,
            self.quiet_ms,
            self.builds
        );
        let _ = writeln!(
            out,
            "| from the write to | p50 ms | p99 ms (of {} trials: the slowest) |",
            self.trials
        );
        let _ = writeln!(out, "| --- | ---: | ---: |");
        for (what, latency) in [
            ("a new file's first hit", &self.add),
            ("an edit's new text found, old gone", &self.edit),
            ("a deleted file's text gone", &self.delete),
        ] {
            let _ = writeln!(
                out,
                "| {what} | {:.0} | {:.0} |",
                latency.p50_ms, latency.p99_ms
            );
        }
        let _ = writeln!(out, "\n| query mix | searches | p50 ms | p99 ms |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
        for (what, latency) in [
            ("no build running", &self.mix_idle),
            ("while builds run", &self.mix_during_builds),
        ] {
            let _ = writeln!(
                out,
                "| {what} | {} | {:.2} | {:.2} |",
                latency.count, latency.p50_ms, latency.p99_ms
            );
        }
        let ratio = self.mix_during_builds.p99_ms / self.mix_idle.p99_ms.max(f64::EPSILON);
        let _ = writeln!(
            out,
            "\nThe mix's p99 while builds run is {ratio:.2}x its figure without (goal: at most 1.5x)."
        );
        out
    }
}
