//! The benchmark's results: one serializable [`Report`], printed as Markdown tables with the
//! ratios Verbatim / FTS5 and Verbatim / raw tantivy, and checked against the project's goals.

use std::fmt::Write as _;

use serde::Serialize;
use verbatim_tests::total_memory;

use super::cpu_split::CpuSplit;
use super::queries::{BenchQuery, Kind};
use super::{BuildResult, Engine, OpenResult, QueryResult, ServerResult};

/// Bytes in a megabyte (MiB), as the tables count them.
pub const MB: f64 = 1024.0 * 1024.0;

/// One figure of a build, for a row of the build table.
type Figure = Box<dyn Fn(&BuildResult) -> f64>;

/// The machine the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs available.
    pub cpus: usize,
    /// CPU model from `/proc/cpuinfo`.
    pub cpu_model: String,
    /// Total memory, bytes.
    pub memory_bytes: u64,
    /// `/proc/loadavg` when the run started (other work on the machine shows here).
    pub load_average_at_start: String,
}

impl Machine {
    /// Reads the machine's description from `/proc`.
    pub fn detect() -> Machine {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model,
            memory_bytes: total_memory().unwrap_or(0),
            load_average_at_start: load_average(),
        }
    }
}

/// `/proc/loadavg` now: the 1, 5 and 15-minute load averages (other work on the machine).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// One query of the published mix, as sent to Verbatim.
#[derive(Debug, Clone, Serialize)]
pub struct MixEntry {
    /// Kind of query.
    pub kind: Kind,
    /// Query text in Verbatim's syntax.
    pub q: String,
    /// Role filter.
    pub role: Option<String>,
    /// Site filter.
    pub site: Option<String>,
    /// Whether role and site facets were asked for.
    pub facets: bool,
}

/// One of the project's performance goals, with what was measured.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    /// What is measured.
    pub name: String,
    /// The target.
    pub target: String,
    /// The figure measured.
    pub measured: String,
    /// Whether the target is met.
    pub met: bool,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// Passages generated.
    pub passages: usize,
    /// Corpus and query seed.
    pub seed: u64,
    /// The query mix.
    pub query_mix: Vec<MixEntry>,
    /// The figures.
    #[serde(flatten)]
    pub measured: Measured,
    /// The goals, checked.
    pub goals: Vec<Goal>,
}

/// Everything measured, before the goals are checked.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Bytes of transcript files generated.
    pub corpus_bytes: u64,
    /// Seconds spent generating and writing the corpus.
    pub generate_seconds: f64,
    /// Sites in the corpus.
    pub sites: usize,
    /// Index builds.
    pub builds: Vec<BuildResult>,
    /// Index opens.
    pub opens: Vec<OpenResult>,
    /// Query latencies.
    pub queries: Vec<QueryResult>,
    /// The HTTP server.
    pub server: ServerResult,
    /// Where a request's CPU time goes (absent without an HTTP load).
    pub cpu_split: Option<CpuSplit>,
}

impl Report {
    /// The report of a run on `machine` over `passages` passages with `seed` and the query `mix`.
    pub fn new(
        machine: Machine,
        passages: usize,
        seed: u64,
        mix: &[BenchQuery],
        measured: Measured,
    ) -> Report {
        let mut report = Report {
            machine,
            passages,
            seed,
            query_mix: mix
                .iter()
                .map(|q| MixEntry {
                    kind: q.kind,
                    q: q.verbatim_text(),
                    role: q.role.clone(),
                    site: q.site.clone(),
                    facets: q.facets,
                })
                .collect(),
            measured,
            goals: Vec::new(),
        };
        report.goals = report.check_goals();
        report
    }

    /// The build of `engine`.
    pub fn build(&self, engine: Engine) -> Option<&BuildResult> {
        self.measured.builds.iter().find(|b| b.engine == engine)
    }

    /// The latencies of `kind` on `engine`.
    pub fn query(&self, engine: Engine, kind: Kind) -> Option<&QueryResult> {
        self.measured
            .queries
            .iter()
            .find(|q| q.engine == engine && q.kind == kind)
    }

    fn open_seconds(&self, engine: Engine) -> f64 {
        self.measured
            .opens
            .iter()
            .find(|o| o.engine == engine)
            .map_or(f64::NAN, |o| o.seconds)
    }

    /// How many times as fast as `other` Verbatim built its index: `other`'s build time divided
    /// by Verbatim's (above 1, Verbatim is faster), with both times.
    fn build_speed_against(&self, other: Engine) -> (f64, String) {
        let seconds = |engine| self.build(engine).map_or(f64::NAN, |b| b.seconds);
        let (ours, theirs) = (seconds(Engine::Verbatim), seconds(other));
        let speed = theirs / ours;
        let name = other.label();
        (
            speed,
            format!("{speed:.2}× ({name} {theirs:.1} s / Verbatim {ours:.1} s)"),
        )
    }

    /// The goals of issue 15, at 1M passages on 2 cores.
    fn check_goals(&self) -> Vec<Goal> {
        let mut goals = Vec::new();
        let mut goal = |name: &str, target: &str, measured: String, met: bool| {
            goals.push(Goal {
                name: name.into(),
                target: target.into(),
                measured,
                met,
            });
        };
        for (kind, p50_goal, p99_goal) in
            [(Kind::TermRoleFacets, 0.5, 2.0), (Kind::Phrase, 1.0, 3.0)]
        {
            if let Some(ours) = self.query(Engine::Verbatim, kind) {
                for (which, measured, target) in [
                    ("p50", ours.latency.p50_ms, p50_goal),
                    ("p99", ours.latency.p99_ms, p99_goal),
                ] {
                    goal(
                        &format!("{} {which} (in process)", kind.label()),
                        &format!("≤ {target} ms"),
                        format!("{measured:.3} ms"),
                        measured <= target,
                    );
                }
            }
        }
        for (other, target) in [(Engine::RawTantivy, 1.0), (Engine::Fts5, 1.5)] {
            let (speed, measured) = self.build_speed_against(other);
            goal(
                &format!(
                    "index build speed vs {} (its build time / Verbatim's)",
                    other.label()
                ),
                &format!("≥ {target:.1}×"),
                measured,
                speed >= target,
            );
        }
        if let Some(level) = self
            .measured
            .server
            .load
            .iter()
            .find(|l| l.connections == 32)
        {
            goal(
                "HTTP throughput at 32 connections (query mix)",
                "≥ 5,000 req/s",
                format!("{:.0} req/s", level.throughput),
                level.throughput >= 5000.0,
            );
            goal(
                "HTTP p99 at 32 connections",
                "≤ 10 ms",
                format!("{:.2} ms", level.p99_ms),
                level.p99_ms <= 10.0,
            );
            goal(
                "HTTP errors at 32 connections",
                "0",
                level.errors.to_string(),
                level.errors == 0,
            );
        }
        let rss = self.measured.server.rss_peak as f64 / MB;
        goal(
            "server RSS (peak under load)",
            "≤ 300 MB",
            format!("{rss:.0} MB"),
            rss <= 300.0,
        );
        let open = self.open_seconds(Engine::Verbatim);
        goal("index open", "≤ 1 s", format!("{:.3} s", open), open <= 1.0);
        goals
    }

    /// The report as Markdown tables.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "{} passages ({:.1} MB of transcript files, {} sites, seed {}) on {} CPUs ({}), {:.1} GB RAM; load average at start: {}.\n",
            self.passages,
            self.measured.corpus_bytes as f64 / MB,
            self.measured.sites,
            self.seed,
            m.cpus,
            m.cpu_model,
            m.memory_bytes as f64 / MB / 1024.0,
            m.load_average_at_start
        );
        self.build_table(&mut out);
        self.query_table(&mut out);
        self.matches_table(&mut out);
        self.http_table(&mut out);
        if let Some(split) = &self.measured.cpu_split {
            split.write_markdown(&mut out, self.measured.server.separate_process);
        }
        out.push_str("### Goals\n\n");
        goals_table(&mut out, &self.goals);
        out
    }

    fn build_table(&self, out: &mut String) {
        out.push_str("### Index build and open\n\n");
        out.push_str("| | Verbatim | FTS5 | raw tantivy | Verbatim / FTS5 | Verbatim / raw tantivy |\n|---|---:|---:|---:|---:|---:|\n");
        let corpus_mb = self.measured.corpus_bytes as f64 / MB;
        let rows: [(&str, Figure, usize); 5] = [
            ("build time (s)", Box::new(|b| b.seconds), 1),
            ("passages/s", Box::new(|b| b.passages as f64 / b.seconds), 0),
            (
                "MB/s (transcript files)",
                Box::new(move |b| corpus_mb / b.seconds),
                1,
            ),
            ("peak RSS (MB)", Box::new(|b| b.peak_rss as f64 / MB), 0),
            (
                "index size (MB)",
                Box::new(|b| b.index_bytes as f64 / MB),
                1,
            ),
        ];
        for (label, value, decimals) in rows {
            let figures: Vec<f64> = Engine::ALL
                .iter()
                .map(|&e| self.build(e).map_or(f64::NAN, &value))
                .collect();
            row(out, label, &figures, decimals);
        }
        let opens: Vec<f64> = Engine::ALL
            .iter()
            .map(|&e| self.open_seconds(e) * 1000.0)
            .collect();
        row(out, "index open (ms)", &opens, 1);
        out.push('\n');
    }

    fn query_table(&self, out: &mut String) {
        out.push_str("### Query latency, top 10 hits, in process (ms: p50 / p95 / p99)\n\n");
        out.push_str("| query | Verbatim | FTS5 | raw tantivy | Verbatim / FTS5 (p50, p99) | Verbatim / raw tantivy (p50, p99) |\n|---|---:|---:|---:|---:|---:|\n");
        for kind in Kind::ALL {
            let cells: Vec<Option<&QueryResult>> =
                Engine::ALL.iter().map(|&e| self.query(e, kind)).collect();
            let _ = write!(out, "| {} |", kind.label());
            for cell in &cells {
                match cell {
                    Some(q) => {
                        let l = &q.latency;
                        let _ = write!(
                            out,
                            " {:.3} / {:.3} / {:.3} |",
                            l.p50_ms, l.p95_ms, l.p99_ms
                        );
                    }
                    None => out.push_str(" - |"),
                }
            }
            for other in [1, 2] {
                match (cells[0], cells[other]) {
                    (Some(ours), Some(theirs)) => {
                        let _ = write!(
                            out,
                            " {:.2}, {:.2} |",
                            ours.latency.p50_ms / theirs.latency.p50_ms,
                            ours.latency.p99_ms / theirs.latency.p99_ms
                        );
                    }
                    _ => out.push_str(" - |"),
                }
            }
            out.push('\n');
        }
        out.push_str("\nRatios below 1 mean Verbatim is faster.\n\n");
    }

    fn matches_table(&self, out: &mut String) {
        out.push_str("### Mean matches per query (sanity check: same analyzers, same counts)\n\n");
        out.push_str("| query | Verbatim | FTS5 | raw tantivy |\n|---|---:|---:|---:|\n");
        for kind in Kind::ALL {
            let _ = write!(out, "| {} |", kind.label());
            for engine in Engine::ALL {
                let figure = self
                    .query(engine, kind)
                    .map_or(f64::NAN, |q| q.mean_matches);
                let _ = write!(out, " {figure:.1} |");
            }
            out.push('\n');
        }
        out.push('\n');
    }

    fn http_table(&self, out: &mut String) {
        let s = &self.measured.server;
        let _ = writeln!(
            out,
            "### HTTP (`GET /v1/search`, the query mix round-robin, loopback)\n\n{}; start to listening {:.3} s; RSS at rest {:.0} MB, peak {:.0} MB.\n",
            if s.separate_process {
                "`verbatim-server` binary in its own process"
            } else {
                "server in the bench process (no `verbatim-server` binary found)"
            },
            s.start_seconds,
            s.rss_at_rest as f64 / MB,
            s.rss_peak as f64 / MB
        );
        out.push_str("| connections | requests | errors | req/s | p50 (ms) | p99 (ms) | server RSS (MB, max sampled) | server CPU per request (ms) |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for l in &s.load {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {:.3} |",
                l.connections,
                l.requests,
                l.errors,
                l.throughput,
                l.p50_ms,
                l.p99_ms,
                l.server_rss_peak as f64 / MB,
                l.server_cpu_ms_per_request
            );
        }
        out.push('\n');
    }
}

/// The goals as a Markdown table.
pub fn goals_table(out: &mut String, goals: &[Goal]) {
    out.push_str("| goal | target | measured | met |\n|---|---|---|---|\n");
    for g in goals {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            g.name,
            g.target,
            g.measured,
            if g.met { "yes" } else { "no" }
        );
    }
}

/// A table row: the three engines' figures, then Verbatim's ratio to FTS5 and to raw tantivy.
fn row(out: &mut String, label: &str, figures: &[f64], decimals: usize) {
    let _ = write!(out, "| {label} |");
    for figure in figures {
        let _ = write!(out, " {figure:.decimals$} |");
    }
    let _ = writeln!(
        out,
        " {:.2} | {:.2} |",
        figures[0] / figures[1],
        figures[0] / figures[2]
    );
}
