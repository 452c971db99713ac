//! `verbatim participants`: who is in the study, with roles, sites and passage counts.

use anyhow::Result;

use crate::args::{ListFormat, ParticipantsArgs};
use crate::backend::Backend;
use crate::output::{csv, json, table};

/// Lists participants; `Ok(true)` when there are any.
pub fn run(
    args: &ParticipantsArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let participants = backend.participants()?;
    match args.format {
        ListFormat::Table => table::write_participants(out, &participants, palette)?,
        ListFormat::Json => json::write(out, &participants)?,
        ListFormat::Csv => csv::write_participants(out, &participants)?,
    }
    Ok(!participants.is_empty())
}
