//! `verbatim search`: one API search, rendered in the chosen format.

use anyhow::Result;
use indexer::api::KwicResponse;
use indexer::compare::kwic_lines;

use crate::args::{SearchArgs, SearchFormat};
use crate::backend::Backend;
use crate::output::{csv, json, jsonl, markdown, table};

/// Searches and writes the hits; `Ok(true)` when any passage matched.
pub fn run(
    args: &SearchArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let request = args.to_request()?;
    let response = backend.search(&request)?;
    match args.format {
        SearchFormat::Table => table::write_search(out, &request, &response, palette)?,
        SearchFormat::Json => json::write(out, &response)?,
        SearchFormat::Jsonl => jsonl::write_lines(out, &response.hits)?,
        SearchFormat::Csv => csv::write_hits(out, &response.hits)?,
        SearchFormat::Md => markdown::write_quotes(out, &response.hits)?,
        SearchFormat::Xlsx => {
            out.extend(render::search(render::Format::Xlsx, &request, &response)?)
        }
        SearchFormat::Docx => {
            out.extend(render::search(render::Format::Docx, &request, &response)?)
        }
        SearchFormat::Kwic => render::kwic::write(
            out,
            &KwicResponse {
                query: response.query.clone(),
                total: response.total,
                width: args.width,
                lines: kwic_lines(&response.hits, args.width),
            },
        )?,
    }
    Ok(response.total > 0)
}
