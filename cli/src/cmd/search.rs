//! `verbatim search`: one API search, rendered in the chosen format.

use anyhow::Result;
use indexer::api::KwicResponse;
use indexer::compare::kwic_lines;

use crate::args::{SearchArgs, SearchFormat};
use crate::backend::Backend;
use crate::output::table;

/// Searches and writes the hits; `Ok(true)` when any passage matched.
pub fn run(
    args: &SearchArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let request = args.to_request()?;
    if let Some(format) = args.format.render() {
        super::refuse_binary_on_terminal(format, false)?;
    }
    let response = backend.search(&request)?;
    crate::messages::warn_unknown_values(&response.unknown_values);
    match (args.format, args.format.render()) {
        (_, Some(format)) => out.extend(render::search(format, &request, &response)?),
        (SearchFormat::Kwic, None) => render::kwic::write(
            out,
            &KwicResponse {
                query: response.query.clone(),
                total: response.total,
                width: args.width,
                lines: kwic_lines(&response.hits, args.width),
            },
        )?,
        (_, None) => table::write_search(out, &request, &response, palette)?,
    }
    Ok(response.total > 0)
}
