//! `verbatim facets`: how many matching passages have each value of a field.

use std::collections::BTreeMap;

use anyhow::Result;
use indexer::api::{FacetCount, FacetField};

use crate::args::{FacetsArgs, ListFormat};
use crate::backend::Backend;
use crate::output::{csv, json, table};

/// Counts values and writes them; `Ok(true)` when any passage was counted.
pub fn run(
    args: &FacetsArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let filters = args.filters.to_filters();
    let counted: Vec<(FacetField, Vec<FacetCount>)> = args
        .fields()
        .into_iter()
        .map(|field| {
            let values = backend.facet_values(&field, &args.query, &filters)?;
            Ok((field, values))
        })
        .collect::<Result<_>>()?;
    match args.format {
        ListFormat::Table => table::write_facets(out, &counted, palette)?,
        ListFormat::Csv => csv::write_facets(out, &counted)?,
        // One field prints exactly the body of `GET /v1/facets/{field}`; several print an
        // object of them by field name, the shape of `facets` in a search response.
        ListFormat::Json => match counted.as_slice() {
            [(_, values)] => json::write(out, values)?,
            many => {
                let by_field: BTreeMap<String, &Vec<FacetCount>> = many
                    .iter()
                    .map(|(field, values)| (field.to_string(), values))
                    .collect();
                json::write(out, &by_field)?
            }
        },
    }
    Ok(counted
        .iter()
        .any(|(_, values)| values.iter().any(|v| v.count > 0)))
}
