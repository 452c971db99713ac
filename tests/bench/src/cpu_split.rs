//! Where a request's CPU time goes: the query mix's mean CPU time per request in each stage of
//! the server's path, measured in process on one thread, beside the server process's CPU time
//! per request under load. What the stages leave over is the HTTP path.
//!
//! The stages, each timed over whole rounds of the mix (so reading the thread's CPU clock costs
//! nothing per request): the live index's check of `CURRENT` that the server makes before every
//! search (`LiveIndex::latest`); `Index::search` without highlights (matching, collecting,
//! facets, loading the stored passages, citations); the same with highlights and snippets, the
//! server's default, whose difference from the first is highlighting; and `serde_json::to_vec`
//! of the response, JSON encoding. The server's CPU time per request ([`LoadResult`]) less the
//! check, the search with highlights and the encoding is the HTTP path: hyper and axum, decoding
//! the query string, the `spawn_blocking` hand-off (waking a blocking thread and, after it, the
//! runtime's), the request's tracing spans and the socket system calls.

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

/// The mean CPU time per request of each stage, and of the server at each load level.
#[derive(Debug, Clone, Serialize)]
pub struct CpuSplit {
    /// Requests timed in process per stage (whole rounds of the mix).
    pub requests: usize,
    /// `LiveIndex::latest`, the `CURRENT` check before each search, thread CPU milliseconds.
    pub current_check_ms: f64,
    /// `Index::search` without highlights, thread CPU milliseconds per request.
    pub search_ms: f64,
    /// `Index::search` with highlights and snippets (the server's default).
    pub search_highlighted_ms: f64,
    /// `serde_json::to_vec` of the highlighted response.
    pub json_ms: f64,
    /// The server's CPU time per request at 1 and 32 connections.
    pub levels: Vec<SplitLevel>,
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
/// it), at most `rounds` rounds and about `seconds`, and sets them beside the server's CPU time
/// per request of each load level.
pub fn measure(
    index: Index,
    mix: &[BenchQuery],
    rounds: usize,
    seconds: f64,
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

    let mut totals = [Duration::ZERO; 4];
    let mut done = 0;
    let started = Instant::now();
    while done < rounds.max(1) && (done == 0 || started.elapsed().as_secs_f64() < seconds) {
        totals[0] += cpu_time_of(|| check_all(&live, mix.len()))?;
        totals[1] += cpu_time_of(|| search_all(&index, &plain))?;
        totals[2] += cpu_time_of(|| search_all(&index, &highlighted))?;
        totals[3] += cpu_time_of(|| encode_all(&responses))?;
        done += 1;
    }
    let requests = done * mix.len();
    let [current_check_ms, search_ms, search_highlighted_ms, json_ms] =
        totals.map(|total| total.as_secs_f64() * 1000.0 / requests.max(1) as f64);
    let levels = load
        .iter()
        .filter(|level| SPLIT_CONNECTIONS.contains(&level.connections))
        .map(|level| SplitLevel {
            connections: level.connections,
            server_cpu_ms: level.server_cpu_ms_per_request,
            http_path_ms: level.server_cpu_ms_per_request
                - current_check_ms
                - search_highlighted_ms
                - json_ms,
        })
        .collect();
    Ok(CpuSplit {
        requests,
        current_check_ms,
        search_ms,
        search_highlighted_ms,
        json_ms,
        levels,
    })
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

/// The CPU time this thread spent in `work`.
fn cpu_time_of<T>(work: impl FnOnce() -> Result<T>) -> Result<Duration> {
    let before = thread_cpu_time();
    std::hint::black_box(work()?);
    Ok(thread_cpu_time().saturating_sub(before))
}

impl CpuSplit {
    /// The stages of one load level and their CPU milliseconds per request; they add up to the
    /// server's.
    fn stages(&self, level: &SplitLevel) -> [(&'static str, f64); 6] {
        [
            (
                "`CURRENT` check of the live index (`LiveIndex::latest`: read the file, stat the generation)",
                self.current_check_ms,
            ),
            (
                "`Index::search`, no highlights (matching, collecting, facets, stored passages, citations)",
                self.search_ms,
            ),
            (
                "highlights and snippets (search with highlights, less the above)",
                self.search_highlighted_ms - self.search_ms,
            ),
            ("JSON encoding of the response", self.json_ms),
            (
                "HTTP path (the server's CPU less the above: hyper and axum, query decoding, \
                 `spawn_blocking` hand-off and wake-ups, tracing spans, socket calls)",
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
             The stages are timed in process on one thread (thread CPU time, {} requests each); \
             the server's CPU time per request is read under the HTTP load above.{}\n",
            self.requests,
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
                let _ = write!(out, " {ms:.3} | {share:.0}% |");
            }
            out.push('\n');
        }
        out.push('\n');
    }
}
