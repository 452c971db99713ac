//! `verbatim show`: a whole document, or one passage with its neighbours.

use anyhow::Result;

use crate::args::{ShowArgs, ShowFormat};
use crate::backend::Backend;
use crate::output::{json, markdown, table};

/// Fetches and writes the document or passage; a missing one is an error, not "no match".
pub fn run(
    args: &ShowArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let doc = &args.target.doc;
    match args.target.passage {
        Some(n) => {
            let detail = backend.passage(doc, n, args.context)?;
            match args.format {
                ShowFormat::Table => table::write_passage(out, &detail, palette)?,
                ShowFormat::Json => json::write(out, &detail)?,
                ShowFormat::Md => markdown::write_passage(out, &detail)?,
            }
        }
        None => {
            let detail = backend.document(doc)?;
            match args.format {
                ShowFormat::Table => table::write_document(out, &detail, palette)?,
                ShowFormat::Json => json::write(out, &detail)?,
                ShowFormat::Md => markdown::write_document(out, &detail)?,
            }
        }
    }
    Ok(true)
}
