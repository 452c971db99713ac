//! `verbatim collocates`: the words found within a few words of a word or phrase.

use anyhow::Result;

use crate::args::CollocatesArgs;
use crate::backend::Backend;
use crate::output::table;

/// Counts the collocates and writes them; `Ok(true)` when any is listed.
pub fn run(
    args: &CollocatesArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    if let Some(format) = args.format.render() {
        super::refuse_binary_on_terminal(format, false)?;
    }
    let response = backend.collocates(&args.to_request())?;
    crate::messages::warn_unknown_values(&response.unknown_values);
    match args.format.render() {
        Some(format) => out.extend(render::collocates(format, &response)?),
        None => table::write_collocates(out, &response, palette)?,
    }
    Ok(!response.all.collocates.is_empty())
}
