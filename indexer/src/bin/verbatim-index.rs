//! `verbatim-index`: builds or updates the search index of a corpus directory and prints a summary.
//!
//! Exit codes: 0 when everything was indexed, 1 when some files were malformed (they are listed;
//! everything else was indexed), 2 when the index could not be built at all.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use indexer::{BuildOptions, BuildReport};
use tracing_subscriber::EnvFilter;

/// Build or update the Verbatim search index of a corpus.
///
/// The corpus is a directory of transcripts and prose documents (Markdown or text, with or
/// without YAML front matter, Word, OpenDocument, PDF, WebVTT and SRT captions), JSONL imports,
/// `participants.csv`, `role_groups.toml` and optionally `documents.csv`. Only files that
/// changed since the last run are re-read; the new index replaces the old one atomically.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Examples:\n  verbatim-index corpus --index .verbatim-index\n  verbatim-index ~/study/transcripts --index ~/study/index --force"
)]
struct Args {
    /// The corpus directory.
    corpus: PathBuf,
    /// Where to keep the index (created if missing).
    #[arg(long, env = "VERBATIM_INDEX", default_value = ".verbatim-index")]
    index: PathBuf,
    /// Rebuild everything, even files that did not change.
    #[arg(long)]
    force: bool,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let options = BuildOptions {
        progress: !args.quiet,
        force: args.force,
    };
    match indexer::build(&args.corpus, &args.index, &options) {
        Ok(report) => {
            if !args.quiet {
                print!("{}", summary(&args, &report));
            }
            for error in &report.errors {
                eprintln!("error: {error}");
            }
            if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "verbatim-index: {} problem(s) found; the files named above were left out (or partly indexed). Fix them and run again.",
                    report.errors.len()
                );
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("verbatim-index: {e}");
            ExitCode::from(2)
        }
    }
}

/// The human summary of a build.
fn summary(args: &Args, report: &BuildReport) -> String {
    let counts = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    let seconds = report.elapsed.as_secs_f64();
    if report.up_to_date {
        out.push_str(&format!(
            "Index {} is up to date with {}: nothing to do.\n",
            args.index.display(),
            args.corpus.display()
        ));
    } else {
        let mb = report.bytes_read as f64 / 1_000_000.0;
        out.push_str(&format!(
            "Indexed {} into {} in {seconds:.2} s ({mb:.2} MB read, {:.1} MB/s)\n",
            args.corpus.display(),
            args.index.display(),
            if seconds > 0.0 { mb / seconds } else { 0.0 },
        ));
        out.push_str(&format!(
            "  files      {} indexed, {} removed, {} skipped\n",
            report.files_indexed,
            report.files_removed,
            report.skipped.len()
        ));
    }
    out.push_str(&format!("  documents  {}\n", report.documents));
    out.push_str(&format!(
        "  passages   {} ({})\n",
        report.passages,
        counts(&report.by_kind)
    ));
    out.push_str(&format!("  languages  {}\n", counts(&report.by_lang)));
    for (file, why) in &report.skipped {
        out.push_str(&format!("  skipped    {file}: {why}\n"));
    }
    if !report.unmapped.is_empty() {
        let labels: std::collections::BTreeSet<&String> =
            report.unmapped.iter().map(|(_, label, _)| label).collect();
        out.push_str(&format!(
            "  unmapped   {} speaker label(s) name no participant: add them to participants.csv (as an id or in `aliases`) or map them in the document's `speakers`\n",
            labels.len()
        ));
        for (file, label, turns) in &report.unmapped {
            out.push_str(&format!(
                "             {label:?} in {file}: {turns} turn(s)\n"
            ));
        }
    }
    out.push_str(&format!("  errors     {}\n", report.errors.len()));
    out
}
