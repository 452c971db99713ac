//! `verbatim-index`: builds or updates the search index of a corpus directory and prints a summary;
//! `verbatim-index inspect` says how each file would be read, without writing an index;
//! `verbatim-index export` writes an index out for OpenSearch or Quickwit.
//!
//! Exit codes: 0 when everything was indexed (or read, or exported), 1 when some files were
//! malformed (they are listed; everything else was indexed), 2 when the index could not be built
//! (or exported) at all.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use clap::{Parser, Subcommand, ValueEnum};
use indexer::api::FileReading;
use indexer::export::{ExportEvent, ExportOptions, ExportProgress, ExportReport, Target};
use indexer::ingest::{Attribution, doubt};
use indexer::watch::WatchOptions;
use indexer::{BuildEvent, BuildOptions, BuildReport, Progress, Watcher};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Build or update the Verbatim search index of a corpus.
///
/// The corpus is a directory of transcripts and prose documents (Markdown or text, with or
/// without YAML front matter, Word, OpenDocument, PDF, HTML, WebVTT and SRT captions), JSONL imports,
/// `participants.csv`, `role_groups.toml` and optionally `documents.csv`. Only files that
/// changed since the last run are re-read; the new index replaces the old one atomically.
#[derive(Debug, Parser)]
#[command(
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  verbatim-index corpus --index .verbatim-index\n  verbatim-index ~/study/transcripts --index ~/study/index --force\n  verbatim-index inspect ~/study/transcripts\n  verbatim-index export --index .verbatim-index --to opensearch --out export/opensearch"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    build: Args,
}

#[derive(Debug, Subcommand)]
enum Command {
    Inspect(InspectArgs),
    Export(ExportArgs),
}

/// Say how each file would be read, without writing an index.
///
/// For every document or JSONL file among the paths (a folder is read as a corpus: its
/// `participants.csv`, `documents.csv` and `role_groups.toml` apply): its format, encoding,
/// layout (transcript, prose or captions), passages, turns, passages without a speaker, its
/// speaker labels and the participants they name, and warnings where attribution may be wrong.
/// The table lists the files most likely read wrong first.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  verbatim-index inspect corpus\n  verbatim-index inspect interviews/jack.docx captions/zoom.vtt\n  verbatim-index inspect corpus --format json | jq '.files[] | select(.warnings != [])'"
)]
struct InspectArgs {
    /// Files or folders to read.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How to print the readings.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    format: InspectFormat,
}

/// `inspect`'s output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum InspectFormat {
    /// One line per file, the files most likely read wrong first, then their warnings.
    Table,
    /// `{"files": [...]}`, one object per file.
    Json,
}

/// Building (the command without a subcommand).
#[derive(Debug, Clone, clap::Args)]
struct Args {
    /// The corpus directory (a corpus directory named `export` is written `./export`).
    #[arg(required = true)]
    corpus: Option<PathBuf>,
    /// Where to keep the index (created if missing).
    #[arg(long, env = "VERBATIM_INDEX", default_value = ".verbatim-index")]
    index: PathBuf,
    /// Rebuild everything, even files that did not change.
    #[arg(long)]
    force: bool,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
    /// Keep running, and index every change to the corpus a moment after it is made.
    ///
    /// Prints a summary after each build; Ctrl-C stops (a build cut short leaves the previous
    /// index live, and the next run finishes it).
    #[arg(long, conflicts_with = "force")]
    watch: bool,
}

/// Export an index for OpenSearch (or Elasticsearch) or Quickwit.
///
/// Reads the index (not the corpus) and writes into an empty directory the engine's index
/// definition, NDJSON files of at most 10 MB each (one `_bulk` or ingest request each) and
/// `export.json`, which says what was written. `docs/scale-out.md` shows how to load them.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  verbatim-index export --to opensearch --out export/opensearch\n  verbatim-index export --index ~/study/index --to quickwit --out /tmp/quickwit-export"
)]
struct ExportArgs {
    /// The index to export.
    #[arg(long, env = "VERBATIM_INDEX", default_value = ".verbatim-index")]
    index: PathBuf,
    /// The engine to export for.
    #[arg(long, value_enum)]
    to: Engine,
    /// Where to write the export (created if missing; must be empty).
    #[arg(long)]
    out: PathBuf,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Engines on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Engine {
    /// OpenSearch or Elasticsearch: index.json and _bulk files.
    Opensearch,
    /// Quickwit: index-config.yaml and ingest files.
    Quickwit,
}

impl From<Engine> for Target {
    fn from(engine: Engine) -> Target {
        match engine {
            Engine::Opensearch => Target::OpenSearch,
            Engine::Quickwit => Target::Quickwit,
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Inspect(args)) => inspect(&args),
        Some(Command::Export(args)) => export(&args),
        None => build(&cli.build),
    }
}

fn build(args: &Args) -> ExitCode {
    let Some(corpus) = &args.corpus else {
        // clap requires the corpus when there is no subcommand; this is only a safety net.
        eprintln!("verbatim-index: give the corpus directory (see --help)");
        return ExitCode::from(2);
    };
    if args.watch {
        return watch(args, corpus);
    }
    let options = BuildOptions {
        progress: (!args.quiet && std::io::stderr().is_terminal()).then(progress_bar),
        force: args.force,
    };
    report(args, corpus, &indexer::build(corpus, &args.index, &options))
}

/// Prints what a build did (or why it could not run) and says how the run ends.
fn report(args: &Args, corpus: &Path, outcome: &indexer::Result<BuildReport>) -> ExitCode {
    match outcome {
        Ok(report) => {
            if !args.quiet {
                print!("{}", summary(args, corpus, report));
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

/// `--watch`: builds, then builds again after every change, printing each build's summary,
/// until the process is stopped. No signal handling is needed: builds are crash-safe.
fn watch(args: &Args, corpus: &Path) -> ExitCode {
    let (printed, root) = (args.clone(), corpus.to_path_buf());
    let options = WatchOptions {
        on_build: Some(Arc::new(move |outcome| {
            report(&printed, &root, outcome);
        })),
        ..WatchOptions::default()
    };
    match Watcher::start(corpus, &args.index, options) {
        Ok(_watcher) => loop {
            std::thread::park();
        },
        // Already printed by `report`.
        Err(_) => ExitCode::from(2),
    }
}

fn inspect(args: &InspectArgs) -> ExitCode {
    let mut readings = match indexer::inspect(&args.paths) {
        Ok(readings) => readings,
        Err(e) => {
            eprintln!("verbatim-index: {e}");
            return ExitCode::from(2);
        }
    };
    match args.format {
        InspectFormat::Json => {
            let json = serde_json::json!({ "files": readings });
            println!("{json:#}");
        }
        InspectFormat::Table => {
            readings.sort_by(|a, b| doubt(b).cmp(&doubt(a)).then(a.file.cmp(&b.file)));
            print!("{}", reading_table(&readings));
        }
    }
    if readings.iter().any(|r| r.error.is_some()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One line per file, then each file's warnings, then the corpus-wide attribution counts.
fn reading_table(readings: &[FileReading]) -> String {
    let width = readings
        .iter()
        .map(|r| r.file.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:width$}  format  encoding      layout      passages  turns  unlabelled  speakers\n",
        "file"
    );
    for r in readings {
        let layout = serde_json::to_value(r.layout)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let speakers: Vec<String> = r
            .speakers
            .iter()
            .map(|s| match &s.participant {
                Some(id) if *id != s.label => format!("{}={id} ({})", s.label, s.passages),
                Some(_) => format!("{} ({})", s.label, s.passages),
                None => format!("{}=? ({})", s.label, s.passages),
            })
            .collect();
        let speakers = match &r.error {
            Some(error) => format!("error: {error}"),
            None => speakers.join(", "),
        };
        out.push_str(&format!(
            "{:width$}  {:6}  {:12}  {:10}  {:>8}  {:>5}  {:>10}  {speakers}\n",
            r.file, r.format, r.encoding, layout, r.passages, r.turns, r.unlabelled_passages
        ));
    }
    for r in readings.iter().filter(|r| !r.warnings.is_empty()) {
        for warning in &r.warnings {
            out.push_str(&format!("warning: {}: {warning}\n", r.file));
        }
    }
    out.push_str(&Attribution::of(readings).to_string());
    out
}

/// A progress bar on stderr of the bytes read, drawn once the build knows how much it will read
/// (an up-to-date index draws none) and cleared before the commit.
fn progress_bar() -> Progress {
    let bar = OnceLock::<ProgressBar>::new();
    Arc::new(move |event| match event {
        BuildEvent::Planned { bytes, .. } => {
            bar.get_or_init(|| {
                let bar = ProgressBar::new(bytes);
                if let Ok(style) = ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                ) {
                    bar.set_style(style);
                }
                bar
            });
        }
        BuildEvent::Indexed { bytes, .. } => {
            if let Some(bar) = bar.get() {
                bar.inc(bytes);
            }
        }
        BuildEvent::Committing => {
            if let Some(bar) = bar.get() {
                bar.finish_and_clear();
            }
        }
        _ => {}
    })
}

fn export(args: &ExportArgs) -> ExitCode {
    let options = ExportOptions {
        progress: (!args.quiet && std::io::stderr().is_terminal()).then(export_progress_bar),
        ..ExportOptions::new(args.to.into())
    };
    match indexer::export::export(&args.index, &args.out, &options) {
        Ok(report) => {
            if !args.quiet {
                print!("{}", export_summary(args, &report));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("verbatim-index: {e}");
            if let indexer::Error::InvalidValue {
                hint: Some(hint), ..
            } = &e
            {
                eprintln!("  hint: {hint}");
            }
            ExitCode::from(2)
        }
    }
}

/// A progress bar on stderr of the passages written, cleared when the last one is.
fn export_progress_bar() -> ExportProgress {
    let bar = OnceLock::<ProgressBar>::new();
    Arc::new(move |event| match event {
        ExportEvent::Planned { passages } => {
            bar.get_or_init(|| {
                let bar = ProgressBar::new(passages);
                if let Ok(style) =
                    ProgressStyle::with_template("{bar:40} {pos}/{len} passages ({per_sec}, {eta})")
                {
                    bar.set_style(style);
                }
                bar
            });
        }
        ExportEvent::Exported { passages } => {
            if let Some(bar) = bar.get() {
                bar.inc(passages);
                if bar.position() >= bar.length().unwrap_or(0) {
                    bar.finish_and_clear();
                }
            }
        }
        _ => {}
    })
}

/// The human summary of an export: what was written, and where to read how to load it.
fn export_summary(args: &ExportArgs, report: &ExportReport) -> String {
    let data_bytes: u64 = report.files.iter().map(|f| f.bytes).sum();
    let names = match report.files.as_slice() {
        [] => "none".to_string(),
        [one] => one.name.clone(),
        [first, .., last] => format!("{} to {}", first.name, last.name),
    };
    let mut out = format!(
        "Exported {} for {} into {} in {:.2} s\n",
        args.index.display(),
        report.target,
        args.out.display(),
        report.elapsed.as_secs_f64()
    );
    out.push_str(&format!(
        "  passages    {} (of {} documents)\n",
        report.passages, report.documents
    ));
    out.push_str(&format!(
        "  definition  {} ({})\n",
        report.definition.name,
        HumanBytes(report.definition.bytes)
    ));
    out.push_str(&format!(
        "  data        {} file(s), {}: {names}\n",
        report.files.len(),
        HumanBytes(data_bytes)
    ));
    out.push_str(&format!("  total       {}\n", HumanBytes(report.bytes())));
    out.push_str(&format!("  build id    {}\n", report.build_id));
    out.push_str("How to load it: docs/scale-out.md\n");
    out
}

/// The human summary of a build.
fn summary(args: &Args, corpus: &Path, report: &BuildReport) -> String {
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
            corpus.display()
        ));
    } else {
        let mb = report.bytes_read as f64 / 1_000_000.0;
        out.push_str(&format!(
            "Indexed {} into {} in {seconds:.2} s ({mb:.2} MB read, {:.1} MB/s)\n",
            corpus.display(),
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
    out.push_str(&format!("  {}", report.attribution()));
    out
}
