//! `bench`: Verbatim side by side with SQLite FTS5 and raw tantivy on one generated corpus.
//!
//! ```text
//! cargo build --release --workspace
//! cargo run --release -p verbatim-bench --bin bench -- --passages 1000000 --json bench.json
//! cargo run --release -p verbatim-bench --bin bench -- --quick
//! # queries only, on the corpus and indexes of an earlier run with --work-dir DIR:
//! target/release/bench --passages 1000000 --work-dir DIR --reuse --kinds phrase --engines verbatim --no-http
//! # cross-tab and keyness only (Verbatim's index alone, kept in DIR between runs):
//! cargo run --release -p verbatim-bench --bin bench -- --compare --work-dir DIR
//! # checking a 200-quote draft only (the same index, kept in DIR):
//! cargo run --release -p verbatim-bench --bin bench -- --verify --work-dir DIR
//! # the growth curve: Verbatim alone built, opened and queried at each size, one size on disk
//! # at a time (the 5M size needs about 6 GB free in the work dir while it builds):
//! target/release/bench --growth 100000,1000000,5000000 --work-dir DIR --json growth.json
//! # a living corpus: a watched corpus's adds, edits and deletions until searchable, and the
//! # query mix while they build:
//! target/release/bench --live --passages 1000000 --trials 20 --json live.json
//! ```
//!
//! The full run ends with where a request's CPU time goes: the live index's `CURRENT` check,
//! search, highlighting and JSON encoding of the query mix timed in process, beside the server's
//! CPU time per request under load (without HTTP, `--no-http`, there is no split).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use verbatim_bench::queries::Kind;
use verbatim_bench::{self as bench, Config, Engine};

// The engines are built in children of this binary: all three share the allocator Verbatim's
// binaries use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Measures index build, query latency and the HTTP server of Verbatim, SQLite FTS5 and raw
/// tantivy on one deterministic synthetic corpus, and prints Markdown tables with ratios.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Passages to generate (default 1000000, or 20000 with --quick).
    #[arg(long, value_name = "N")]
    passages: Option<usize>,

    /// About 20k passages and short query and load phases: under a minute in release.
    #[arg(long)]
    quick: bool,

    /// Seed of the corpus and the query mix.
    #[arg(long, default_value_t = 42)]
    seed: u64,

    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,

    /// Where to write the corpus and indexes (default: a temp dir, removed afterwards).
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,

    /// Seconds spent timing one kind of query on one engine, at most.
    #[arg(long, value_name = "S")]
    query_seconds: Option<f64>,

    /// Timed rounds over each kind's instances, at most (default 40, or 10 with --quick).
    #[arg(long, value_name = "N")]
    query_rounds: Option<usize>,

    /// Requests per HTTP load level, at most.
    #[arg(long, value_name = "N")]
    http_requests: Option<usize>,

    /// Seconds per HTTP load level, at most.
    #[arg(long, value_name = "S")]
    http_seconds: Option<f64>,

    /// The `verbatim-server` binary (default: next to this one; without it the server runs in
    /// this process).
    #[arg(long, value_name = "PATH")]
    server: Option<PathBuf>,

    /// With --work-dir of an earlier run: measure queries and HTTP again on its corpus and
    /// indexes, without generating or building (same --passages and --seed).
    #[arg(long, requires = "work_dir")]
    reuse: bool,

    /// Time only these kinds of query (comma-separated; default all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    kinds: Vec<Kind>,

    /// Time the queries of only these engines (comma-separated; default all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "ENGINES")]
    engines: Vec<Engine>,

    /// Skip the HTTP load.
    #[arg(long)]
    no_http: bool,

    /// Measure only the comparisons on Verbatim's index: a cross-tab of 10 queries by role group
    /// and keyness of one role group against the rest, cold and cached. With --work-dir, the
    /// corpus and index of an earlier run there are reused (same --passages and --seed).
    #[arg(long)]
    compare: bool,

    /// Measure only checking a draft on Verbatim's index: a 40-page draft of 200 quotes drawn
    /// from the corpus, cold and repeated. With --work-dir, the corpus and index of an earlier
    /// run there are reused (same --passages and --seed).
    #[arg(long, conflicts_with = "compare")]
    verify: bool,

    /// Measure only Verbatim at each of these sizes (passages, comma-separated): build time,
    /// index size, peak RSS of the build, open time and each kind of query's p50 and p99, with
    /// how each grows with size. Each size's files are removed before the next. Honours --seed,
    /// --work-dir, --query-seconds, --query-rounds and --quick (shorter query timing).
    #[arg(long, value_delimiter = ',', value_name = "SIZES", conflicts_with_all = ["compare", "reuse"])]
    growth: Vec<usize>,

    /// Measure only a living corpus: the time from a file written into the watched corpus to
    /// its first hit, from an edit to its new text, from a deletion to its text gone (p50 and
    /// p99 over --trials each), and the query mix's p99 while those builds run beside its p99
    /// without. Honours --passages, --seed, --work-dir and --query-seconds.
    #[arg(long, conflicts_with_all = ["compare", "reuse", "growth"])]
    live: bool,

    /// Trials of each change with --live.
    #[arg(long, default_value_t = 20, value_name = "N", requires = "live")]
    trials: usize,

    /// Internal: build one engine's index in this process and print the result as JSON.
    #[arg(long, value_enum, value_name = "ENGINE", hide = true)]
    child_build: Option<Engine>,

    /// Internal, with --child-build: the generated corpus.
    #[arg(long, hide = true)]
    corpus: Option<PathBuf>,

    /// Internal, with --child-build: where to write the index.
    #[arg(long, hide = true)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program to re-run it")?;
    let passages = args
        .passages
        .unwrap_or(if args.quick { 20_000 } else { 1_000_000 });
    if let Some(engine) = args.child_build {
        let (Some(corpus), Some(out)) = (&args.corpus, &args.out) else {
            anyhow::bail!("--child-build needs --corpus and --out");
        };
        let result = bench::child_build(engine, corpus, out, passages, args.seed)?;
        println!("{}", serde_json::to_string(&result)?);
        return Ok(());
    }
    if args.compare {
        return compare(&args, passages);
    }
    if args.verify {
        return verify(&args, passages);
    }
    let mut config = if args.quick {
        Config::quick(exe.clone())
    } else {
        Config::full(passages, exe.clone())
    };
    config.passages = passages;
    config.seed = args.seed;
    config.work_dir = args.work_dir.clone();
    if let Some(seconds) = args.query_seconds {
        config.query_seconds = seconds;
    }
    if let Some(rounds) = args.query_rounds {
        config.query_rounds = rounds;
    }
    if args.live {
        let report = bench::live::run(&config, args.trials)?;
        print!("{}", report.to_markdown());
        return write_json(args.json.as_deref(), &report);
    }
    if !args.growth.is_empty() {
        let report = bench::growth::run(&config, &args.growth)?;
        print!("{}", report.to_markdown());
        return write_json(args.json.as_deref(), &report);
    }
    config.reuse = args.reuse;
    if !args.kinds.is_empty() {
        config.kinds = args.kinds;
    }
    if !args.engines.is_empty() {
        config.engines = args.engines;
    }
    if args.no_http {
        config.http.clear();
    }
    for level in &mut config.http {
        level.requests = args.http_requests.unwrap_or(level.requests);
        level.seconds = args.http_seconds.unwrap_or(level.seconds);
    }
    config.server_binary = args.server.or_else(|| {
        let sibling =
            exe.with_file_name(format!("verbatim-server{}", std::env::consts::EXE_SUFFIX));
        sibling.is_file().then_some(sibling)
    });
    let report = bench::run(&config)?;
    print!("{}", report.to_markdown());
    write_json(args.json.as_deref(), &report)
}

/// Writes `report` as JSON to `path`, when one is given.
fn write_json(path: Option<&Path>, report: &impl serde::Serialize) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let json = serde_json::to_string_pretty(report)?;
    std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
}

/// The `--compare` run: cross-tab and keyness on Verbatim's index.
fn compare(args: &Args, passages: usize) -> Result<()> {
    let config = bench::compare::CompareConfig {
        passages,
        seed: args.seed,
        work_dir: args.work_dir.clone(),
        rounds: if args.quick { 20 } else { 200 },
        seconds: args
            .query_seconds
            .unwrap_or(if args.quick { 1.0 } else { 10.0 }),
        cold_runs: if args.quick { 2 } else { 5 },
    };
    let report = bench::compare::run(&config)?;
    print!("{}", report.to_markdown());
    write_json(args.json.as_deref(), &report)
}

/// The `--verify` run: checking a draft's quotes on Verbatim's index.
fn verify(args: &Args, passages: usize) -> Result<()> {
    let config = bench::verify::VerifyConfig {
        passages,
        seed: args.seed,
        work_dir: args.work_dir.clone(),
        rounds: if args.quick { 3 } else { 20 },
        seconds: args
            .query_seconds
            .unwrap_or(if args.quick { 2.0 } else { 20.0 }),
    };
    let report = bench::verify::run(&config)?;
    print!("{}", report.to_markdown());
    write_json(args.json.as_deref(), &report)
}
