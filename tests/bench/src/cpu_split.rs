//! Where a request's CPU time goes: the query mix's mean CPU time per request in each stage of
//! the server's path, measured in process on one thread, beside the server process's CPU time
//! per request under load. What the stages leave over is the HTTP path.
//!
//! The stages, each timed over whole rounds of the mix for seconds on end (the thread's CPU
//! clock advances at the scheduler's tick, 1 to 4 ms, so only a long stretch read once at each
//! end measures a fraction of a millisecond): the live index's check of `CURRENT` that the
//! server makes before every search (`LiveIndex::latest`); `Index::search` without highlights
//! (matching, collecting, facets, loading the stored passages, citations); the same with
//! highlights and snippets, the server's default, whose difference from the first is
//! highlighting; and `serde_json::to_vec` of the response, JSON encoding. The server's CPU time
//! per request ([`LoadResult`]) less the check, the search with highlights and the encoding is
//! the HTTP path: the threads' sleeps and wake-ups around the `spawn_blocking` hand-off, socket
//! and epoll calls, hyper, axum and tower, decoding the query string, the tracing spans.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indexer::api::{SearchRequest, SearchResponse};
use indexer::{Index, LiveIndex};
use serde::Serialize;
use verbatim_tests::thread_cpu_time;

use super::http_load::LoadResult;
use super::queries::BenchQuery;
use super::verbatim;

/// The load levels the split is given for.
const SPLIT_CONNECTIONS: [usize; 2] = [1, 32];
/// Each stage is timed in this many stretches, taking turns with the others, so that other work
/// on the machine (a busy sibling hyperthread slows this one) weighs on every stage alike.
const PASSES: usize = 5;

/// The mean CPU time per request of each stage, and of the server at each load level.
#[derive(Debug, Clone, Serialize)]
pub struct CpuSplit {
    /// Wall seconds each stage was repeated for, about, in turns with the others.
    pub seconds_per_stage: f64,
    /// `LiveIndex::latest`, the `CURRENT` check before each search.
    pub current_check: StageCpu,
    /// `Index::search` without highlights.
    pub search: StageCpu,
    /// `Index::search` with highlights and snippets (the server's default).
    pub search_highlighted: StageCpu,
    /// `serde_json::to_vec` of the highlighted response.
    pub json: StageCpu,
    /// The server's CPU time per request at 1 and 32 connections.
    pub levels: Vec<SplitLevel>,
}

/// One stage's thread CPU time per request.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StageCpu {
    /// Milliseconds per request, the mean.
    pub ms: f64,
    /// Requests timed (rounds of the mix).
    pub requests: usize,
}

/// The server's CPU time per request at one load level, and what the stages leave of it.
#[derive(Debug, Clone, Serialize)]
pub struct SplitLevel {
    /// Connections kept busy.
    pub connections: usize,
    /// The server process's CPU milliseconds per request (user and system, every thread).
    pub server_cpu_ms: f64,
    /// `server_cpu_ms` less the `CURRENT` check, the search with highlights and the JSON
    /// encoding: the HTTP path.
    pub http_path_ms: f64,
}

/// Times the stages over the `mix` round-robin on `index` (served live, as the server serves
/// it), each for about `seconds_per_stage`, and sets them beside the server's CPU time per
/// request of each load level.
pub fn measure(
    index: Index,
    mix: &[BenchQuery],
    seconds_per_stage: f64,
    load: &[LoadResult],
) -> Result<CpuSplit> {
    let highlighted: Vec<SearchRequest> = mix.iter().map(verbatim::request).collect();
    let plain: Vec<SearchRequest> = highlighted
        .iter()
        .map(|request| SearchRequest {
            highlight: false,
            ..request.clone()
        })
        .collect();
    let live = LiveIndex::new(index);
    let index = live.latest();
    // The untimed first pass warms the caches and gives the responses to encode.
    search_all(&index, &plain)?;
    let responses = search_all(&index, &highlighted)?;

    let (requests, seconds) = (mix.len(), seconds_per_stage / PASSES as f64);
    let mut totals = [(Duration::ZERO, 0); 4];
    for _ in 0..PASSES {
        let passes = [
            timed_rounds(requests, seconds, || check_all(&live, requests))?,
            timed_rounds(requests, seconds, || search_all(&index, &plain))?,
            timed_rounds(requests, seconds, || search_all(&index, &highlighted))?,
            timed_rounds(requests, seconds, || encode_all(&responses))?,
        ];
        for (total, (spent, timed)) in totals.iter_mut().zip(passes) {
            *total = (total.0 + spent, total.1 + timed);
        }
    }
    let [current_check, search, search_highlighted, json] =
        totals.map(|(spent, requests)| StageCpu {
            ms: spent.as_secs_f64() * 1000.0 / requests.max(1) as f64,
            requests,
        });
    let levels = load
        .iter()
        .filter(|level| SPLIT_CONNECTIONS.contains(&level.connections))
        .map(|level| SplitLevel {
            connections: level.connections,
            server_cpu_ms: level.server_cpu_ms_per_request,
            http_path_ms: level.server_cpu_ms_per_request
                - current_check.ms
                - search_highlighted.ms
                - json.ms,
        })
        .collect();
    Ok(CpuSplit {
        seconds_per_stage,
        current_check,
        search,
        search_highlighted,
        json,
        levels,
    })
}

/// Repeats `round`, one pass over `requests` requests, for about `seconds` (once at least);
/// returns this thread's CPU time over them, read before and after, and the requests made.
fn timed_rounds<T>(
    requests: usize,
    seconds: f64,
    mut round: impl FnMut() -> Result<T>,
) -> Result<(Duration, usize)> {
    let started = Instant::now();
    let before = thread_cpu_time();
    let mut rounds = 0;
    while rounds == 0 || started.elapsed().as_secs_f64() < seconds {
        std::hint::black_box(round()?);
        rounds += 1;
    }
    Ok((thread_cpu_time().saturating_sub(before), rounds * requests))
}

/// `requests` checks of `CURRENT`, as the server makes one per request.
fn check_all(live: &LiveIndex, requests: usize) -> Result<()> {
    for _ in 0..requests {
        std::hint::black_box(live.latest());
    }
    Ok(())
}

fn search_all(index: &Index, requests: &[SearchRequest]) -> Result<Vec<SearchResponse>> {
    requests
        .iter()
        .map(|request| {
            index
                .search(request)
                .with_context(|| format!("searching {:?}", request.q))
        })
        .collect()
}

fn encode_all(responses: &[SearchResponse]) -> Result<usize> {
    responses.iter().try_fold(0, |bytes, response| {
        Ok(bytes + serde_json::to_vec(response)?.len())
    })
}

impl CpuSplit {
    /// The stages of one load level and their CPU milliseconds per request; they add up to the
    /// server's.
    fn stages(&self, level: &SplitLevel) -> [(&'static str, f64); 6] {
        [
            (
                "`CURRENT` check of the live index (`LiveIndex::latest`: read the file, stat the generation)",
                self.current_check.ms,
            ),
            (
                "`Index::search`, no highlights (matching, collecting, facets, stored passages, citations)",
                self.search.ms,
            ),
            (
                "highlights and snippets (search with highlights, less the above)",
                self.search_highlighted.ms - self.search.ms,
            ),
            ("JSON encoding of the response", self.json.ms),
            (
                "HTTP path (the server's CPU less the above: sleeps and wake-ups around the \
                 `spawn_blocking` hand-off, socket and epoll calls, hyper, axum and tower, query \
                 decoding, tracing spans)",
                level.http_path_ms,
            ),
            (
                "**server CPU per request** (utime + stime of `/proc/PID/stat` / requests)",
                level.server_cpu_ms,
            ),
        ]
    }

    /// The split as a Markdown table, a column pair per load level; `separate_process` says
    /// whether the server's CPU time is its own (else the load client's is in it).
    pub fn write_markdown(&self, out: &mut String, separate_process: bool) {
        let _ = writeln!(
            out,
            "### Where a request's CPU time goes (the query mix, round-robin)\n\n\
             The stages are timed in process on one thread (its CPU time over {:.1} s of each \
             in {PASSES} turns, {} to {} requests); the server's CPU time per request is read under the HTTP load \
             above.{}\n",
            self.seconds_per_stage,
            self.search_highlighted.requests,
            self.current_check.requests,
            if separate_process {
                ""
            } else {
                " The server ran in the bench process: its CPU time includes the load client's."
            }
        );
        out.push_str("| stage |");
        for level in &self.levels {
            let _ = write!(
                out,
                " CPU ms / request, {0} conn. | share, {0} conn. |",
                level.connections
            );
        }
        out.push_str("\n|---|");
        out.push_str(&"---:|---:|".repeat(self.levels.len()));
        out.push('\n');
        let columns: Vec<[(&str, f64); 6]> =
            self.levels.iter().map(|level| self.stages(level)).collect();
        for (row, (label, _)) in columns.first().into_iter().flatten().enumerate() {
            let _ = write!(out, "| {label} |");
            for (level, stages) in self.levels.iter().zip(&columns) {
                let ms = stages[row].1;
                let share = 100.0 * ms / level.server_cpu_ms;
                let _ = write!(out, " {ms:.4} | {share:.1}% |");
            }
            out.push('\n');
        }
        out.push('\n');
    }
}
