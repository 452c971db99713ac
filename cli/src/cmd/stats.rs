//! `verbatim stats`: size and freshness of the index.

use anyhow::Result;

use crate::args::{StatsArgs, StatsFormat};
use crate::backend::Backend;
use crate::output::{json, table};

/// Writes the statistics; `Ok(true)` when the index holds any passage.
pub fn run(
    args: &StatsArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let stats = backend.stats()?;
    match args.format {
        StatsFormat::Table => table::write_stats(out, &stats, palette)?,
        StatsFormat::Json => json::write(out, &stats)?,
    }
    Ok(stats.passages > 0)
}
