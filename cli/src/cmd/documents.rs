//! `verbatim documents`: what the index holds, one document per line.

use anyhow::Result;

use crate::args::{DocumentsArgs, ListFormat};
use crate::backend::Backend;
use crate::output::{csv, json, table};

/// Lists documents; `Ok(true)` when any matches the filters.
pub fn run(
    args: &DocumentsArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let list = backend.documents(&args.to_request())?;
    match args.format {
        ListFormat::Table => table::write_documents(out, &list, palette)?,
        ListFormat::Json => json::write(out, &list)?,
        ListFormat::Csv => csv::write_documents(out, &list.documents)?,
    }
    Ok(list.total > 0)
}
