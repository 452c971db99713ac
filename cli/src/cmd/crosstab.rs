//! `verbatim crosstab`: queries (from the command line or a rows file) crossed with the values of
//! a field.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use indexer::api::{CrosstabRequest, CrosstabRow};
use serde::Deserialize;

use crate::args::CrosstabArgs;
use crate::backend::Backend;
use crate::cmd::batch::{is_toml, line_of, meaningful_lines};
use crate::messages::explain;
use crate::output::table;

/// Runs the cross-tab and writes it; `Ok(true)` when any cell has a passage.
pub fn run(
    args: &CrosstabArgs,
    backend: &Backend,
    out: &mut Vec<u8>,
    palette: table::Palette,
) -> Result<bool> {
    let mut rows: Vec<CrosstabRow> = args.queries.iter().map(CrosstabRow::new).collect();
    if let Some(path) = &args.rows {
        rows.extend(read_rows(path)?);
    }
    if rows.is_empty() {
        bail!("no rows\n  hint: give queries as arguments, or a file of them with --rows FILE");
    }
    let request = CrosstabRequest {
        rows,
        by: args.by.clone(),
        filters: args.filters.to_filters(),
    };
    request
        .validate()
        .map_err(|error| anyhow!(explain(&error)))?;
    if let Some(format) = args.format.render() {
        super::refuse_binary_on_terminal(format, false)?;
    }
    let response = backend.crosstab(&request)?;
    crate::messages::warn_unknown_values(&response.unknown_values);
    match args.format.render() {
        Some(format) => out.extend(render::crosstab(format, &response)?),
        None => table::write_crosstab(out, &response, palette)?,
    }
    Ok(response
        .rows
        .iter()
        .any(|row| row.cells.iter().any(|cell| cell.passages > 0)))
}

/// The TOML form of a rows file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsFile {
    #[serde(default)]
    row: Vec<toml::Spanned<RowSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowSpec {
    label: Option<String>,
    #[serde(default)]
    query: String,
}

/// The rows of a file: one query per line, or TOML `[[row]]` tables; errors name file and line.
fn read_rows(path: &Path) -> Result<Vec<CrosstabRow>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("--rows {name}"))?;
    if !is_toml(path, &text) {
        return Ok(meaningful_lines(&text)
            .map(|(_, query)| CrosstabRow::new(query))
            .collect());
    }
    let file: RowsFile = toml::from_str(&text).map_err(|e| match e.span() {
        Some(span) => anyhow!("{name}:{}: {}", line_of(&text, span.start), e.message()),
        None => anyhow!("{name}: {}", e.message()),
    })?;
    Ok(file
        .row
        .into_iter()
        .map(|row| {
            let row = row.into_inner();
            CrosstabRow {
                label: row.label,
                q: row.query,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_from_lines_or_toml_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("rows.txt");
        std::fs::write(&lines, "# themes\ntrust\n\n\"primary care\"\n").unwrap();
        let rows = read_rows(&lines).unwrap();
        assert_eq!(
            rows,
            [
                CrosstabRow::new("trust"),
                CrosstabRow::new("\"primary care\"")
            ]
        );
        let toml = dir.path().join("rows.toml");
        std::fs::write(&toml, "[[row]]\nlabel = \"Trust\"\nquery = \"trust\"\n").unwrap();
        assert_eq!(read_rows(&toml).unwrap()[0].shown_label(), "Trust");
        std::fs::write(&toml, "[[row]]\nquery = \"trust\"\nlabl = \"x\"\n").unwrap();
        let error = read_rows(&toml).unwrap_err().to_string();
        assert!(
            error.contains("rows.toml:") && error.contains("labl"),
            "{error}"
        );
    }
}
