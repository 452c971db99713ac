//! `verbatim completions`: shell completion scripts generated from the clap definitions, so they
//! never drift from the real flags.

use anyhow::Result;
use clap::CommandFactory;

use crate::args::{Args, CompletionsArgs};

/// Writes the completion script for the shell asked for.
pub fn run(args: &CompletionsArgs, out: &mut Vec<u8>) -> Result<bool> {
    clap_complete::generate(args.shell, &mut Args::command(), "verbatim", out);
    Ok(true)
}
