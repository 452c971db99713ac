//! Benchmarks: Verbatim side by side with SQLite FTS5 and raw tantivy on one generated corpus.
//!
//! One run generates a deterministic corpus ([`corpus_gen`]) and writes it in the project's
//! ingest formats; builds three indexes of it, each in a child process so its peak memory is its
//! own (Verbatim through `indexer::build` on the files, FTS5 and raw tantivy from the same
//! passages in memory); times the published query mix ([`queries`]) against each in process;
//! then loads the real `verbatim-server` over loopback HTTP and splits its CPU time per request
//! into the stages of its path ([`cpu_split`]). [`report`] prints the figures and the ratios.
//! [`growth`] builds and queries Verbatim alone at several sizes; [`live`] times a watched
//! corpus's changes until they are searchable. The `bench` binary is the
//! front end; nothing here asserts on time.
//!
//! The seeded generator, the `/proc` memory reader and the server child come from the test
//! harness (`verbatim-tests`), which the end-to-end tests share.

pub use verbatim_tests::corpus_gen;
pub mod compare;
pub mod cpu_split;
pub mod fts5;
pub mod growth;
pub mod http_load;
pub mod live;
pub mod queries;
pub mod raw_tantivy;
pub mod report;
pub mod verbatim;
pub mod verify;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use verbatim_tests::{HttpApi, ListeningChild, Memory, TestServer, reset_peak_memory};

use corpus_gen::{Corpus, Vocabulary};
use http_load::{LoadLimits, LoadResult};
use queries::{BenchQuery, Kind};
pub use report::Report;

/// The engines compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Verbatim: real ingest, real search library.
    Verbatim,
    /// SQLite FTS5 through rusqlite.
    Fts5,
    /// Tantivy with Verbatim's analyzers and a minimal schema.
    #[value(name = "raw_tantivy")]
    RawTantivy,
}

impl Engine {
    /// Every engine, in table order.
    pub const ALL: [Engine; 3] = [Engine::Verbatim, Engine::Fts5, Engine::RawTantivy];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Verbatim => "verbatim",
            Engine::Fts5 => "fts5",
            Engine::RawTantivy => "raw_tantivy",
        }
    }

    /// The name in tables and goals.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Verbatim => "Verbatim",
            Engine::Fts5 => "FTS5",
            Engine::RawTantivy => "raw tantivy",
        }
    }
}

/// What a run does.
#[derive(Debug, Clone)]
pub struct Config {
    /// Passages to generate.
    pub passages: usize,
    /// Seed of the corpus and the query mix.
    pub seed: u64,
    /// Where to write the corpus and indexes (a temp dir when `None`).
    pub work_dir: Option<PathBuf>,
    /// Timed rounds over each kind's instances, at most.
    pub query_rounds: usize,
    /// Seconds spent timing one kind on one engine, at most.
    pub query_seconds: f64,
    /// HTTP load levels.
    pub http: Vec<LoadLimits>,
    /// Seconds each stage of the CPU split is repeated for, about.
    pub split_seconds: f64,
    /// This program, re-run with `--child-build` to build each index in its own process.
    pub child_exe: PathBuf,
    /// The `verbatim-server` binary; without it the server runs in process.
    pub server_binary: Option<PathBuf>,
    /// Whether `work_dir` already holds the corpus, the indexes and `builds.json` of an earlier
    /// run with the same passages and seed: then only queries and HTTP are measured again (to
    /// compare two builds of Verbatim on one index, or to profile).
    pub reuse: bool,
    /// The kinds of query timed (all by default).
    pub kinds: Vec<Kind>,
    /// The engines whose queries are timed (all by default).
    pub engines: Vec<Engine>,
}

impl Config {
    /// A full run over `passages` passages.
    pub fn full(passages: usize, child_exe: PathBuf) -> Config {
        Config {
            passages,
            seed: 42,
            work_dir: None,
            query_rounds: 40,
            query_seconds: 3.0,
            http: LoadLimits::levels(200_000, 8.0),
            split_seconds: 2.5,
            child_exe,
            server_binary: None,
            reuse: false,
            kinds: Kind::ALL.to_vec(),
            engines: Engine::ALL.to_vec(),
        }
    }

    /// The `--quick` run: about 20k passages, short query and load phases.
    pub fn quick(child_exe: PathBuf) -> Config {
        Config {
            query_rounds: 10,
            query_seconds: 0.5,
            http: LoadLimits::levels(3_000, 2.0),
            split_seconds: 0.25,
            ..Config::full(20_000, child_exe)
        }
    }
}

/// What building one index measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildResult {
    /// Which engine.
    pub engine: Engine,
    /// Passages indexed.
    pub passages: u64,
    /// Wall time of the build.
    pub seconds: f64,
    /// Peak resident memory of the building process, bytes.
    pub peak_rss: u64,
    /// Size of the index on disk, bytes.
    pub index_bytes: u64,
}

/// Latency percentiles of a set of timed operations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latencies {
    /// Operations timed.
    pub count: usize,
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Latencies {
    /// Percentiles (nearest rank) of `durations`.
    pub fn from_durations(mut durations: Vec<Duration>) -> Latencies {
        if durations.is_empty() {
            return Latencies::default();
        }
        durations.sort_unstable();
        let at = |q: f64| {
            let rank = ((q * durations.len() as f64).ceil() as usize).clamp(1, durations.len());
            durations[rank - 1].as_secs_f64() * 1000.0
        };
        let total: Duration = durations.iter().sum();
        Latencies {
            count: durations.len(),
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            mean_ms: total.as_secs_f64() * 1000.0 / durations.len() as f64,
        }
    }
}

/// Latencies of one kind of query on one engine, with the mean number of matches.
#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    /// Which engine.
    pub engine: Engine,
    /// Which kind.
    pub kind: Kind,
    /// Timings.
    pub latency: Latencies,
    /// Mean total matches per instance (engines tokenize differently, so these differ a little).
    pub mean_matches: f64,
}

/// How long opening each index took, seconds.
#[derive(Debug, Clone, Serialize)]
pub struct OpenResult {
    /// Which engine.
    pub engine: Engine,
    /// Seconds.
    pub seconds: f64,
}

/// The server's memory and start-up.
#[derive(Debug, Clone, Serialize)]
pub struct ServerResult {
    /// Whether it ran as the `verbatim-server` binary (else in the bench process, whose RSS is shown).
    pub separate_process: bool,
    /// From spawn to listening, seconds (index open included).
    pub start_seconds: f64,
    /// RSS after start, before any request, bytes.
    pub rss_at_rest: u64,
    /// Peak RSS over the whole load, bytes.
    pub rss_peak: u64,
    /// One entry per load level.
    pub load: Vec<LoadResult>,
}

/// The jieba dictionary the Chinese vocabulary is drawn from.
fn jieba_dict() -> PathBuf {
    verbatim_tests::workspace_root().join("indexer/dict/jieba-dict.txt.gz")
}

fn corpus(passages: usize, seed: u64) -> Result<Corpus> {
    let vocabulary = Vocabulary::load(&jieba_dict()).map_err(anyhow::Error::msg)?;
    Ok(Corpus::new(passages, seed, vocabulary))
}

/// Size of a file, or of every file under a directory, in bytes.
pub fn disk_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    if meta.is_file() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| disk_size(&e.path())).sum())
        .unwrap_or(0)
}

/// The `--child-build` side: builds one engine's index in this (fresh) process and reports.
/// Verbatim reads the corpus files in `corpus`; the baselines regenerate the same passages in
/// memory first (not timed).
pub fn child_build(
    engine: Engine,
    corpus_dir: &Path,
    out: &Path,
    passages: usize,
    seed: u64,
) -> Result<BuildResult> {
    let rows = match engine {
        Engine::Verbatim => Vec::new(),
        Engine::Fts5 | Engine::RawTantivy => corpus(passages, seed)?.rows().collect(),
    };
    reset_peak_memory();
    let started = Instant::now();
    let indexed = match engine {
        Engine::Verbatim => verbatim::build(corpus_dir, out)?,
        Engine::Fts5 => fts5::build(out, rows.into_iter())?,
        Engine::RawTantivy => {
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
            raw_tantivy::build(out, rows.into_iter())?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(BuildResult {
        engine,
        passages: indexed,
        seconds,
        peak_rss: Memory::of_this_process()?.peak,
        index_bytes: disk_size(out),
    })
}

/// The corpus and the index builds of a run, saved in its work dir as [`BUILDS_FILE`] so that a
/// later `--reuse` run measures queries on the same indexes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Built {
    passages: usize,
    seed: u64,
    corpus_bytes: u64,
    generate_seconds: f64,
    builds: Vec<BuildResult>,
}

/// Where a run's [`Built`] is saved, in its work dir.
const BUILDS_FILE: &str = "builds.json";

/// Where a run writes: the `--work-dir` given, or a temp dir, removed when the second value drops.
fn work_dir(given: Option<&Path>) -> Result<(PathBuf, Option<tempfile::TempDir>)> {
    match given {
        Some(dir) => Ok((dir.to_path_buf(), None)),
        None => {
            let temp = tempfile::tempdir().context("creating a temp dir for the benchmark")?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}

/// Runs the whole benchmark.
pub fn run(config: &Config) -> Result<Report> {
    // Read first: the load average of the run's start, before the bench adds its own.
    let machine = report::Machine::detect();
    let (work, _temp) = work_dir(config.work_dir.as_deref())?;
    let corpus = corpus(config.passages, config.seed)?;
    let outputs = [
        (Engine::Verbatim, work.join("verbatim-index")),
        (Engine::Fts5, work.join("fts5.sqlite")),
        (Engine::RawTantivy, work.join("raw-tantivy")),
    ];
    let built = if config.reuse {
        reuse_builds(config, &work)?
    } else {
        generate_and_build(config, &corpus, &work, &outputs)?
    };

    eprintln!("bench: opening the indexes and timing the query mix");
    let mix = queries::query_mix(corpus.vocabulary(), corpus.sites, config.seed);
    let engines = OpenEngines::open(&outputs)?;
    let mut query_results = Vec::new();
    for &kind in &config.kinds {
        let instances: Vec<&BenchQuery> = mix.iter().filter(|q| q.kind == kind).collect();
        for &engine in &config.engines {
            query_results.push(time_kind(config, &engines, engine, kind, &instances)?);
        }
    }
    let opens = engines.opens.clone();
    drop(engines);

    eprintln!("bench: loading the HTTP server");
    let paths: Vec<String> = mix.iter().map(BenchQuery::http_path).collect();
    let server = load_server(config, &outputs[0].1, &paths)?;
    let cpu_split = if server.load.is_empty() {
        None
    } else {
        eprintln!("bench: splitting a request's CPU time into its stages");
        Some(cpu_split::measure(
            open_verbatim(&outputs[0].1)?,
            &mix,
            config.split_seconds,
            &server.load,
        )?)
    };

    let measured = report::Measured {
        corpus_bytes: built.corpus_bytes,
        generate_seconds: built.generate_seconds,
        sites: corpus.sites,
        builds: built.builds,
        opens,
        queries: query_results,
        server,
        cpu_split,
    };
    Ok(Report::new(
        machine,
        config.passages,
        config.seed,
        &mix,
        measured,
    ))
}

/// Writes the corpus into `work` and builds every engine's index of it, each in a child.
fn generate_and_build(
    config: &Config,
    corpus: &Corpus,
    work: &Path,
    outputs: &[(Engine, PathBuf); 3],
) -> Result<Built> {
    let corpus_dir = work.join("corpus");
    if corpus_dir.exists() {
        bail!(
            "{} exists: give an empty --work-dir (the benchmark writes a fresh corpus), or --reuse it",
            corpus_dir.display()
        );
    }
    eprintln!("bench: generating {} passages", config.passages);
    let generating = Instant::now();
    let corpus_bytes = corpus
        .write(&corpus_dir)
        .with_context(|| format!("writing the corpus to {}", corpus_dir.display()))?;
    let generate_seconds = generating.elapsed().as_secs_f64();
    let mut builds = Vec::new();
    for (engine, out) in outputs {
        eprintln!("bench: building the {} index", engine.name());
        builds.push(build_in_child(config, *engine, &corpus_dir, out)?);
    }
    let built = Built {
        passages: config.passages,
        seed: config.seed,
        corpus_bytes,
        generate_seconds,
        builds,
    };
    let path = work.join(BUILDS_FILE);
    std::fs::write(&path, serde_json::to_string_pretty(&built)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(built)
}

/// The builds an earlier run saved in `work`, checked to be of the same corpus.
fn reuse_builds(config: &Config, work: &Path) -> Result<Built> {
    let path = work.join(BUILDS_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {}: --reuse needs the --work-dir of an earlier run",
            path.display()
        )
    })?;
    let built: Built =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    if (built.passages, built.seed) != (config.passages, config.seed) {
        bail!(
            "{} holds {} passages with seed {}: give the same --passages and --seed",
            work.display(),
            built.passages,
            built.seed
        );
    }
    eprintln!(
        "bench: reusing the corpus and indexes in {}",
        work.display()
    );
    Ok(built)
}

fn build_in_child(
    config: &Config,
    engine: Engine,
    corpus: &Path,
    out: &Path,
) -> Result<BuildResult> {
    let output = Command::new(&config.child_exe)
        .arg("--child-build")
        .arg(engine.name())
        .arg("--corpus")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .arg("--passages")
        .arg(config.passages.to_string())
        .arg("--seed")
        .arg(config.seed.to_string())
        .output()
        .with_context(|| format!("running {}", config.child_exe.display()))?;
    if !output.status.success() {
        bail!(
            "building the {} index failed ({}): {}",
            engine.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "the {} build printed no result: {}",
            engine.name(),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn open_verbatim(index_dir: &Path) -> Result<indexer::Index> {
    indexer::Index::open(index_dir).with_context(|| format!("opening {}", index_dir.display()))
}

/// The three indexes, open for searching.
struct OpenEngines {
    verbatim: indexer::Index,
    fts5: fts5::Fts5,
    raw: raw_tantivy::RawTantivy,
    opens: Vec<OpenResult>,
}

impl OpenEngines {
    fn open(outputs: &[(Engine, PathBuf); 3]) -> Result<OpenEngines> {
        let mut opens = Vec::new();
        let mut timed = |engine: Engine, started: Instant| {
            opens.push(OpenResult {
                engine,
                seconds: started.elapsed().as_secs_f64(),
            });
        };
        let started = Instant::now();
        let verbatim = open_verbatim(&outputs[0].1)?;
        timed(Engine::Verbatim, started);
        let started = Instant::now();
        let fts5 = fts5::Fts5::open(&outputs[1].1)?;
        timed(Engine::Fts5, started);
        let started = Instant::now();
        let raw = raw_tantivy::RawTantivy::open(&outputs[2].1)?;
        timed(Engine::RawTantivy, started);
        Ok(OpenEngines {
            verbatim,
            fts5,
            raw,
            opens,
        })
    }

    fn search(&self, engine: Engine, query: &BenchQuery) -> Result<u64> {
        match engine {
            Engine::Verbatim => verbatim::search(&self.verbatim, query),
            Engine::Fts5 => self.fts5.search(query),
            Engine::RawTantivy => self.raw.search(query),
        }
    }
}

/// Times `kind` on `engine` over its `instances`.
fn time_kind(
    config: &Config,
    engines: &OpenEngines,
    engine: Engine,
    kind: Kind,
    instances: &[&BenchQuery],
) -> Result<QueryResult> {
    time_queries(config, engine, kind, instances, |query| {
        engines.search(engine, query)
    })
}

/// One untimed pass (warm-up, and the match counts), then timed rounds of `search` over the
/// `instances` of `kind` until the round or time budget of `config` runs out.
fn time_queries(
    config: &Config,
    engine: Engine,
    kind: Kind,
    instances: &[&BenchQuery],
    search: impl Fn(&BenchQuery) -> Result<u64>,
) -> Result<QueryResult> {
    let mut matches = 0u64;
    for query in instances {
        matches += search(query)?;
    }
    let budget = Duration::from_secs_f64(config.query_seconds);
    let started = Instant::now();
    let mut durations = Vec::new();
    'rounds: for _ in 0..config.query_rounds {
        for query in instances {
            let one = Instant::now();
            std::hint::black_box(search(query)?);
            durations.push(one.elapsed());
            if started.elapsed() > budget {
                break 'rounds;
            }
        }
    }
    Ok(QueryResult {
        engine,
        kind,
        latency: Latencies::from_durations(durations),
        mean_matches: matches as f64 / instances.len().max(1) as f64,
    })
}

/// Serves the Verbatim index (the real binary when there is one) and runs every load level.
fn load_server(config: &Config, index_dir: &Path, paths: &[String]) -> Result<ServerResult> {
    match &config.server_binary {
        Some(binary) => {
            let started = Instant::now();
            let server = ListeningChild::server(binary, index_dir, &index_dir.join("no-corpus"))
                .with_context(|| format!("starting {}", binary.display()))?;
            let start_seconds = started.elapsed().as_secs_f64();
            let memory = || server.memory().context("the server's memory");
            let rss_at_rest = memory()?.rss;
            let load = load_levels(config, server.base_url(), paths, server.pid())?;
            Ok(ServerResult {
                separate_process: true,
                start_seconds,
                rss_at_rest,
                rss_peak: memory()?.peak,
                load,
            })
        }
        None => {
            let started = Instant::now();
            let server = TestServer::start(index_dir, None);
            let start_seconds = started.elapsed().as_secs_f64();
            let rss_at_rest = Memory::of_this_process()?.rss;
            let load = load_levels(config, server.base_url(), paths, std::process::id())?;
            Ok(ServerResult {
                separate_process: false,
                start_seconds,
                rss_at_rest,
                rss_peak: Memory::of_this_process()?.peak,
                load,
            })
        }
    }
}

/// Every load level against the server at `url`, whose memory is that of process `pid`.
fn load_levels(config: &Config, url: &str, paths: &[String], pid: u32) -> Result<Vec<LoadResult>> {
    let address = url
        .trim_start_matches("http://")
        .parse()
        .with_context(|| format!("the server's address {url}"))?;
    config
        .http
        .iter()
        .map(|limits| http_load::run_load(address, pid, paths, *limits))
        .collect()
}
