//! The growth curve (`bench --growth 100000,1000000,5000000`): Verbatim's index built, opened
//! and queried at several sizes of the generated corpus, and how each figure grows with size.
//!
//! Each size in turn: the corpus generated with the run's seed, Verbatim's index built in a
//! child process (so the peak RSS is the build's own), opened, and the query mix timed as in the
//! full run; then that size's files are removed before the next, so the disk holds one size at a
//! time. A figure's growth is the exponent k of size^k through its values at the smallest and
//! the largest size: about 1 is linear, below it sub-linear, above it super-linear; about 0 is
//! flat, and below that the figure fell (noise, or fixed costs that larger sizes amortise).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::queries::{self, BenchQuery, Kind};
use super::report::{MB, Machine, load_average};
use super::{
    BuildResult, Config, Engine, QueryResult, build_in_child, corpus, open_verbatim, time_queries,
    verbatim, work_dir,
};
/// Exponents within this distance of 1 count as linear growth, and within it of 0 as flat.
const TOLERANCE: f64 = 0.1;

/// What one size measured.
#[derive(Debug, Clone, Serialize)]
pub struct GrowthPoint {
    /// Passages generated.
    pub passages: usize,
    /// Bytes of transcript files.
    pub corpus_bytes: u64,
    /// Seconds spent generating and writing the corpus.
    pub generate_seconds: f64,
    /// Verbatim's build, in a child process.
    pub build: BuildResult,
    /// Seconds to open the index.
    pub open_seconds: f64,
    /// Each kind of query of the mix on Verbatim.
    pub queries: Vec<QueryResult>,
    /// Wall time of this size: generating, building, opening, timing and removing.
    pub wall_seconds: f64,
}

/// One figure across the sizes and how it grows.
#[derive(Debug, Clone, Serialize)]
pub struct GrowthRow {
    /// What is measured, with its unit.
    pub figure: String,
    /// Its value at each size, smallest size first.
    pub values: Vec<f64>,
    /// k of size^k through the smallest and the largest size.
    pub exponent: f64,
    /// The exponent in a word: falling, flat, sub-linear, linear or super-linear.
    pub growth: &'static str,
}

/// What a `--growth` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct GrowthReport {
    /// Where it ran (with the load average at the start).
    pub machine: Machine,
    /// `/proc/loadavg` at the end.
    pub load_average_at_end: String,
    /// Corpus and query seed.
    pub seed: u64,
    /// Each size, smallest first.
    pub sizes: Vec<GrowthPoint>,
    /// The table: one row a figure.
    pub rows: Vec<GrowthRow>,
}

/// Measures Verbatim at each of `sizes` (passages) with the seed, work dir and query timing of
/// `config`.
pub fn run(config: &Config, sizes: &[usize]) -> Result<GrowthReport> {
    let machine = Machine::detect();
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() < 2 {
        bail!("--growth needs at least two sizes, e.g. --growth 100000,1000000,5000000");
    }
    let (work, _temp) = work_dir(config.work_dir.as_deref())?;
    let points = sizes
        .iter()
        .map(|&passages| {
            let at_size = Config {
                passages,
                ..config.clone()
            };
            measure_size(&at_size, &work.join(format!("growth-{passages}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(GrowthReport {
        machine,
        load_average_at_end: load_average(),
        seed: config.seed,
        rows: rows(&points),
        sizes: points,
    })
}

/// Generates, builds, opens and queries one size in `dir`, then removes `dir`.
fn measure_size(config: &Config, dir: &Path) -> Result<GrowthPoint> {
    if dir.exists() {
        bail!(
            "{} exists: remove it or give another --work-dir (each size is written afresh)",
            dir.display()
        );
    }
    let started = Instant::now();
    let corpus = corpus(config.passages, config.seed)?;
    let (corpus_dir, index_dir) = (dir.join("corpus"), dir.join("verbatim-index"));
    eprintln!("bench: generating {} passages", config.passages);
    let corpus_bytes = corpus
        .write(&corpus_dir)
        .with_context(|| format!("writing the corpus to {}", corpus_dir.display()))?;
    let generate_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "bench: building the verbatim index of {} passages",
        config.passages
    );
    let build = build_in_child(config, Engine::Verbatim, &corpus_dir, &index_dir)?;

    let opening = Instant::now();
    let index = open_verbatim(&index_dir)?;
    let open_seconds = opening.elapsed().as_secs_f64();
    eprintln!("bench: timing the query mix");
    let mix = queries::query_mix(corpus.vocabulary(), corpus.sites, config.seed);
    let queries = Kind::ALL
        .iter()
        .map(|&kind| {
            let instances: Vec<&BenchQuery> = mix.iter().filter(|q| q.kind == kind).collect();
            time_queries(config, Engine::Verbatim, kind, &instances, |query| {
                verbatim::search(&index, query)
            })
        })
        .collect::<Result<Vec<_>>>()?;
    drop(index);
    std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    Ok(GrowthPoint {
        passages: config.passages,
        corpus_bytes,
        generate_seconds,
        build,
        open_seconds,
        queries,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

/// The table's rows: build, size, memory and open, then each kind's p50 and p99.
fn rows(points: &[GrowthPoint]) -> Vec<GrowthRow> {
    let mut rows = vec![
        row(points, "build time (s)", |p| p.build.seconds),
        row(points, "index size (MB)", |p| {
            p.build.index_bytes as f64 / MB
        }),
        row(points, "peak RSS of the build (MB)", |p| {
            p.build.peak_rss as f64 / MB
        }),
        row(points, "index open (ms)", |p| p.open_seconds * 1000.0),
    ];
    for kind in Kind::ALL {
        let latency = |p: &GrowthPoint| {
            p.queries
                .iter()
                .find(|q| q.kind == kind)
                .map(|q| q.latency.clone())
                .unwrap_or_default()
        };
        rows.push(row(points, &format!("{} p50 (ms)", kind.label()), |p| {
            latency(p).p50_ms
        }));
        rows.push(row(points, &format!("{} p99 (ms)", kind.label()), |p| {
            latency(p).p99_ms
        }));
    }
    rows
}

fn row(points: &[GrowthPoint], figure: &str, value: impl Fn(&GrowthPoint) -> f64) -> GrowthRow {
    let values: Vec<f64> = points.iter().map(value).collect();
    let (first, last) = (&points[0], &points[points.len() - 1]);
    let exponent = growth_exponent(
        (first.passages as f64, values[0]),
        (last.passages as f64, values[values.len() - 1]),
    );
    GrowthRow {
        figure: figure.into(),
        values,
        exponent,
        growth: growth_word(exponent),
    }
}

/// k such that value = c · size^k through two (size, value) points; NaN where a value is not
/// positive.
fn growth_exponent((size_a, value_a): (f64, f64), (size_b, value_b): (f64, f64)) -> f64 {
    if value_a > 0.0 && value_b > 0.0 {
        (value_b / value_a).ln() / (size_b / size_a).ln()
    } else {
        f64::NAN
    }
}

fn growth_word(exponent: f64) -> &'static str {
    match exponent {
        k if k.is_nan() => "-",
        k if k < -TOLERANCE => "falling",
        k if k <= TOLERANCE => "flat",
        k if k < 1.0 - TOLERANCE => "sub-linear",
        k if k <= 1.0 + TOLERANCE => "linear",
        _ => "super-linear",
    }
}

impl GrowthReport {
    /// The figures as one Markdown table, a column per size.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "### Growth with corpus size (Verbatim, seed {})\n\n\
             {} CPUs ({}); load average {} at the start, {} at the end.\n",
            self.seed, m.cpus, m.cpu_model, m.load_average_at_start, self.load_average_at_end
        );
        out.push_str("| passages |");
        for point in &self.sizes {
            let _ = write!(out, " {} |", point.passages);
        }
        out.push_str(" growth (k in size^k, smallest to largest size) |\n|---|");
        out.push_str(&"---:|".repeat(self.sizes.len()));
        out.push_str("---|\n");
        for row in &self.rows {
            let _ = write!(out, "| {} |", row.figure);
            for &value in &row.values {
                let _ = write!(out, " {} |", three_figures(value));
            }
            let _ = writeln!(out, " {:.2}, {} |", row.exponent, row.growth);
        }
        let walls: Vec<String> = self
            .sizes
            .iter()
            .map(|p| {
                format!(
                    "{:.0} s at {} ({:.1} MB of transcripts)",
                    p.wall_seconds,
                    p.passages,
                    p.corpus_bytes as f64 / MB
                )
            })
            .collect();
        let _ = writeln!(out, "\nWall time per size: {}.", walls.join(", "));
        out
    }
}

/// A figure with about three significant digits: 27.4, 434, 0.180.
fn three_figures(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        v if v >= 1.0 => format!("{value:.2}"),
        _ => format!("{value:.3}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_name_the_growth() {
        let k = growth_exponent((100_000.0, 3.0), (1_000_000.0, 30.0));
        assert!((k - 1.0).abs() < 1e-9, "{k}");
        assert_eq!(growth_word(k), "linear");
        let k = growth_exponent((100_000.0, 0.2), (1_000_000.0, 0.4));
        assert!((k - 2f64.log10()).abs() < 1e-9, "{k}");
        assert_eq!(growth_word(k), "sub-linear");
        assert_eq!(
            growth_word(growth_exponent((1.0, 1.0), (10.0, 1000.0))),
            "super-linear"
        );
        assert_eq!(growth_word(growth_exponent((1.0, 0.0), (10.0, 1.0))), "-");
        assert_eq!(
            growth_word(growth_exponent((1.0, 2.0), (10.0, 2.1))),
            "flat"
        );
        assert_eq!(
            growth_word(growth_exponent((1.0, 2.0), (10.0, 1.0))),
            "falling"
        );
    }
}
