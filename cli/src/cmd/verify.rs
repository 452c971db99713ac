//! `verbatim verify DRAFT`: checks every quote of a report against the corpus (where it was
//! said, how closely, and whether the draft's label of who said it agrees).
//!
//! Exit status: 0 when every checked quote is verbatim or edited and no attribution differs,
//! 1 otherwise, 2 on an error.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::ValueEnum;
use indexer::api::check_draft_size;
use indexer::verify::Draft;

use crate::backend::Backend;
use crate::cmd::batch::write_atomically;
use crate::messages::engine_error;

const EXAMPLES: &str = "\
A quote is text between double quotes (straight, curly or 「」), between single quotes when it
runs to five words, a Markdown block quote (> lines) or a Word paragraph in a quote style or
indented. The label after it, (GP ID16), [Manager ID42], — ID9 or a participant's alias, is
compared with who said it. Quotes of fewer than 4 words are listed but not checked.

Examples:
  verbatim verify report.md                        a table of every quote, its status and source
  verbatim verify chapter3.docx --format docx --out checked.docx
  verbatim --index .verbatim-index verify report.md --format json";

/// `verbatim verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct VerifyArgs {
    /// The draft: a Markdown (.md), text (.txt) or Word (.docx) file.
    #[arg(value_name = "DRAFT")]
    pub draft: PathBuf,

    /// Output format: table (for reading), json (the API's answer), md, csv (one row per
    /// quote) or docx (a report for a co-author).
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT", default_value_t = VerifyFormat::Table)]
    pub format: VerifyFormat,

    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// Each quote with its status, attribution, citations and diff.
    Table,
    /// The API response.
    Json,
    /// Markdown: a section per quote.
    #[value(alias = "markdown")]
    Md,
    /// One row per quote.
    Csv,
    /// A Word document.
    Docx,
}

impl VerifyFormat {
    fn render(self) -> render::Format {
        match self {
            VerifyFormat::Table => render::Format::Txt,
            VerifyFormat::Json => render::Format::Json,
            VerifyFormat::Md => render::Format::Md,
            VerifyFormat::Csv => render::Format::Csv,
            VerifyFormat::Docx => render::Format::Docx,
        }
    }
}

/// Checks the draft and writes the report; `Ok(true)` when every quote is confirmed.
pub fn run(args: &VerifyArgs, backend: &Backend, out: &mut Vec<u8>) -> Result<bool> {
    let path = &args.draft;
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {name}"))?
        .len();
    check_draft_size(&name, usize::try_from(size).unwrap_or(usize::MAX)).map_err(engine_error)?;
    let bytes = std::fs::read(path).with_context(|| format!("reading {name}"))?;
    let draft = Draft::of_file(&name, &bytes).map_err(engine_error)?;
    let response = backend
        .verify(draft)
        .with_context(|| format!("checking {name}"))?;
    let rendered = render::verify(args.format.render(), &response)?;
    match &args.out {
        Some(target) => {
            write_atomically(target, &rendered)?;
            eprintln!(
                "wrote the check of {} quotes to {}",
                response.summary.quotes,
                target.display()
            );
        }
        None => out.extend_from_slice(&rendered),
    }
    Ok(response.all_confirmed())
}
