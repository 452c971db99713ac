//! `ingest-bench`: how fast each document format is read into passages, and how close the PDF
//! reader's text is to poppler's `pdftotext`.
//!
//! ```text
//! cargo run --release -p verbatim-bench --bin ingest-bench               # throughput per format
//! cargo run --release -p verbatim-bench --bin ingest-bench -- a.pdf b.pdf # PDF text vs pdftotext
//! ```
//!
//! Throughput reads generated inputs of a few MB of text per format, in memory, through the
//! same `indexer::ingest::read_documents` the indexer calls (detection, decoding, parsing,
//! passages), best of a few runs; MB/s is given per MB of file (a DOCX is compressed) and per
//! MB of passage text. The PDF comparison counts the words (lower-cased runs of
//! letters and digits) both extractions share, as a share of `pdftotext`'s words.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use indexer::ingest::{CorpusFile, FileKind, Format, read_documents};
use verbatim_tests::Rng;
use verbatim_tests::fixtures::{WordDocument, pdf};

/// Measures ingest throughput per format, or compares PDF text with pdftotext.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// PDFs to compare with `pdftotext` (none: measure throughput instead).
    pdfs: Vec<PathBuf>,

    /// Approximate size of each generated input, in MB.
    #[arg(long, default_value_t = 4)]
    mb: usize,

    /// Runs per format; the best is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = if args.pdfs.is_empty() {
        throughput(&args)
    } else {
        compare_pdfs(&args.pdfs)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ingest-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

const WORDS: [&str; 40] = [
    "practice",
    "commissioning",
    "budget",
    "trust",
    "federation",
    "contract",
    "committee",
    "primary",
    "care",
    "services",
    "local",
    "patients",
    "governance",
    "delegation",
    "we",
    "the",
    "and",
    "of",
    "to",
    "a",
    "in",
    "that",
    "it",
    "was",
    "they",
    "integration",
    "scale",
    "board",
    "meeting",
    "funding",
    "staff",
    "nurses",
    "general",
    "quality",
    "outcomes",
    "framework",
    "hub",
    "locality",
    "network",
    "pathway",
];

const SPEAKERS: [&str; 4] = ["Interviewer", "Dr Jane Smith", "ID9", "Speaker 2"];

/// A sentence of 8 to 30 words.
fn sentence(rng: &mut Rng) -> String {
    let words: Vec<&str> = (0..rng.between(8, 30))
        .map(|_| WORDS[rng.below(WORDS.len())])
        .collect();
    format!("{}.", words.join(" "))
}

/// Turns of (speaker, text) until about `bytes` of text.
fn turns(rng: &mut Rng, bytes: usize) -> Vec<(&'static str, String)> {
    let mut turns = Vec::new();
    let mut size = 0;
    while size < bytes {
        let text = (0..rng.between(1, 5))
            .map(|_| sentence(rng))
            .collect::<Vec<_>>()
            .join(" ");
        size += text.len();
        turns.push((SPEAKERS[turns.len() % SPEAKERS.len()], text));
    }
    turns
}

fn timestamp(seconds: usize) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// One generated input per format: (label, file name, bytes).
fn inputs(bytes: usize) -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut rng = Rng::new(42);
    let turns = turns(&mut rng, bytes);
    let plain: String = turns.iter().map(|(s, t)| format!("{s}: {t}\n")).collect();
    let front_matter = format!("---\ntitle: Generated\nkind: interview\n---\n{plain}");
    let vtt: String = turns
        .iter()
        .enumerate()
        .fold("WEBVTT\n".into(), |mut out, (i, (s, t))| {
            out.push_str(&format!(
                "\n{i}\n{}.000 --> {}.500\n<v {s}>{t}</v>\n",
                timestamp(i * 5),
                timestamp(i * 5 + 4)
            ));
            out
        });
    let srt: String = turns
        .iter()
        .enumerate()
        .fold(String::new(), |mut out, (i, (s, t))| {
            out.push_str(&format!(
                "{}\n{},000 --> {},500\n{s}: {t}\n\n",
                i + 1,
                timestamp(i * 5),
                timestamp(i * 5 + 4)
            ));
            out
        });
    let docx = turns
        .iter()
        .fold(WordDocument::default().title("Generated"), |doc, (s, t)| {
            doc.bold_label(&format!("{s}:"), t)
        })
        .to_bytes();
    let pdf_pages: Vec<Vec<String>> = turns
        .chunks(6)
        .map(|chunk| {
            chunk
                .iter()
                .flat_map(|(_, t)| {
                    let mut lines: Vec<String> = wrap(t, 90);
                    lines.push(String::new());
                    lines
                })
                .collect()
        })
        .collect();
    vec![
        (
            "Markdown with front matter",
            "a.md",
            front_matter.into_bytes(),
        ),
        ("plain text (`Name:` turns)", "a.txt", plain.into_bytes()),
        ("WebVTT", "a.vtt", vtt.into_bytes()),
        ("SRT", "a.srt", srt.into_bytes()),
        ("DOCX (bold labels)", "a.docx", docx),
        ("PDF (Helvetica text)", "a.pdf", pdf(&pdf_pages)),
    ]
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line");
        if line.len() + word.len() > width && !line.is_empty() {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn corpus_file(name: &str) -> Result<CorpusFile> {
    let format = Format::of_name(name).with_context(|| format!("no format for {name}"))?;
    Ok(CorpusFile {
        rel: name.to_string(),
        path: PathBuf::from(name),
        kind: FileKind::Document(format),
    })
}

fn throughput(args: &Args) -> Result<()> {
    println!("| format | file MB | text MB | passages | best time | file MB/s | text MB/s |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (label, name, bytes) in inputs(args.mb << 20) {
        let file = corpus_file(name)?;
        let mut best = Duration::MAX;
        let (mut passages, mut text) = (0, 0);
        for _ in 0..args.runs.max(1) {
            let started = Instant::now();
            let (documents, errors) = read_documents(&file, &bytes, None);
            best = best.min(started.elapsed());
            if let Some(error) = errors.first() {
                bail!("{label}: {error}");
            }
            let all = documents.iter().flat_map(|d| &d.passages);
            passages = all.clone().count();
            text = all.map(|p| p.text.len()).sum::<usize>();
        }
        let (mb, text_mb) = (bytes.len() as f64 / 1e6, text as f64 / 1e6);
        let seconds = best.as_secs_f64();
        println!(
            "| {label} | {mb:.1} | {text_mb:.1} | {passages} | {:.0} ms | {:.1} | {:.1} |",
            seconds * 1e3,
            mb / seconds,
            text_mb / seconds
        );
    }
    Ok(())
}

fn compare_pdfs(pdfs: &[PathBuf]) -> Result<()> {
    println!("| PDF | pages | pdftotext words | shared | share | Verbatim | pdftotext |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for path in pdfs {
        let bytes = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let file = CorpusFile {
            rel: name.clone(),
            path: path.clone(),
            kind: FileKind::Document(Format::Pdf),
        };
        let started = Instant::now();
        let (documents, errors) = read_documents(&file, &bytes, None);
        let ours_time = started.elapsed();
        if let Some(error) = errors.first() {
            bail!("{error}");
        }
        let ours: String = documents
            .iter()
            .flat_map(|d| d.passages.iter().map(|p| p.text.as_str()))
            .collect::<Vec<_>>()
            .join("\n");
        let started = Instant::now();
        let poppler = pdftotext(path)?;
        let poppler_time = started.elapsed();
        let (theirs, shared) = shared_words(&poppler, &ours);
        println!(
            "| {name} | {} | {theirs} | {shared} | {:.1}% | {:.0} ms | {:.0} ms |",
            pages(path)?,
            100.0 * shared as f64 / theirs.max(1) as f64,
            ours_time.as_secs_f64() * 1e3,
            poppler_time.as_secs_f64() * 1e3
        );
    }
    Ok(())
}

fn pdftotext(path: &Path) -> Result<String> {
    let output = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .context("run pdftotext (Debian's poppler-utils)")?;
    if !output.status.success() {
        bail!("pdftotext failed on {}", path.display());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn pages(path: &Path) -> Result<String> {
    let output = Command::new("pdfinfo")
        .arg(path)
        .output()
        .context("run pdfinfo")?;
    let info = String::from_utf8_lossy(&output.stdout);
    Ok(info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map_or_else(|| "?".into(), |n| n.trim().to_string()))
}

/// `pdftotext`'s word count, and how many of those words Verbatim's text has too (counted
/// with multiplicity).
fn shared_words(theirs: &str, ours: &str) -> (usize, usize) {
    let count = |text: &str| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
        counts
    };
    let (theirs, ours) = (count(theirs), count(ours));
    let total = theirs.values().sum();
    let shared = theirs
        .iter()
        .map(|(word, n)| (*n).min(ours.get(word).copied().unwrap_or(0)))
        .sum();
    (total, shared)
}
