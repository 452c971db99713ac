//! The subcommands: each turns its flags into API requests, asks the backend, and renders the
//! answer in the chosen format. They return whether anything matched (the exit status).

mod batch;
mod collocates;
mod completions;
mod crosstab;
mod documents;
mod facets;
mod keyness;
mod participants;
mod search;
mod set;
mod show;
mod stats;
pub mod verify;

use std::io::{self, IsTerminal, Write};

use crate::args::{Args, Command};
use crate::backend::Backend;
use crate::output::table::Palette;

/// Runs the command; `Ok(true)` when something matched.
pub fn run(args: Args) -> anyhow::Result<bool> {
    let palette = Palette::new(args.color.enabled());
    // Output is rendered whole and written once: an error halfway leaves no half-printed table,
    // and a closed pipe surfaces as one write error.
    let mut out = Vec::new();
    let source = args.source.source();
    let found = match &args.command {
        Command::Completions(c) => completions::run(c, &mut out)?,
        Command::Search(c) => search::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Facets(c) => facets::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Show(c) => show::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Documents(c) => documents::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Participants(c) => {
            participants::run(c, &Backend::open(&source)?, &mut out, palette)?
        }
        Command::Stats(c) => stats::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Batch(c) => batch::run(c, &Backend::open(&source)?, &mut out)?,
        Command::Crosstab(c) => crosstab::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Keyness(c) => keyness::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Collocates(c) => collocates::run(c, &Backend::open(&source)?, &mut out, palette)?,
        Command::Verify(c) => verify::run(c, &Backend::open(&source)?, &mut out)?,
        Command::Set(c) => set::run(c, &Backend::open(&source)?, &mut out)?,
    };
    let mut stdout = io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(found)
}

/// Refuses to write a binary file (a workbook, a Word document) to a terminal, as ripgrep and
/// curl do: its bytes would only garble the screen. `out_flag` says whether the command takes
/// `--out FILE`.
pub fn refuse_binary_on_terminal(format: render::Format, out_flag: bool) -> anyhow::Result<()> {
    if !format.is_binary() || !io::stdout().is_terminal() {
        return Ok(());
    }
    let to_file = if out_flag {
        format!("--out FILE or a redirect (> verbatim.{format})")
    } else {
        format!("a redirect (> verbatim.{format})")
    };
    anyhow::bail!(
        "--format {format} writes a binary file, which a terminal cannot show\n  hint: write it to a file with {to_file}"
    )
}
