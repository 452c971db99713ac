//! Markdown: each passage as a `> ` blockquote followed by its citation line, ready to paste into
//! a report; batch output adds a heading per section; tables (cross-tabs, key terms) are pipe
//! tables.
//!
//! Text stays verbatim (no Markdown escaping: researchers paste the source, and escapes would
//! show up in it). Every line of a multi-line passage is quoted, so a paragraph break cannot end
//! the blockquote early, and the citation sits after a blank line so it is not swallowed by it.

use std::io::{self, Write};

use indexer::api::{
    CrosstabResponse, DocumentDetail, GroupSize, Hit, KeynessResponse, PassageDetail, PassageView,
};

use crate::Appendix;
use crate::sheet::{Sheet, Value};
use crate::words::{describe_search, group_name, group_size, one_line, section_summary};

/// Writes each hit as a blockquote and its citation, separated by blank lines.
pub fn write_quotes(out: &mut impl Write, hits: &[Hit]) -> io::Result<()> {
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_quote(out, &hit.passage.text, &hit.passage.citation)?;
    }
    Ok(())
}

/// Writes the batch output: an optional title, then per section a heading, a line saying what
/// was searched, and its quotes.
pub fn write_appendix(out: &mut impl Write, appendix: &Appendix) -> io::Result<()> {
    let mut first = true;
    if let Some(title) = &appendix.title {
        writeln!(out, "# {}", one_line(title))?;
        first = false;
    }
    for section in &appendix.sections {
        if !first {
            writeln!(out)?;
        }
        first = false;
        writeln!(out, "## {}\n", one_line(&section.heading))?;
        let searched = describe_search(&section.request.q, &section.request.filters);
        let shown = section.hits.len() as u64;
        writeln!(
            out,
            "*{}*",
            section_summary(&searched, shown, section.total)
        )?;
        if shown == 0 {
            continue;
        }
        writeln!(out)?;
        write_quotes(out, &section.hits)?;
    }
    Ok(())
}

/// Writes a document: its title, reference, and every passage as a quote.
pub fn write_document(out: &mut impl Write, detail: &DocumentDetail) -> io::Result<()> {
    let doc = &detail.document;
    writeln!(out, "# {}\n", one_line(&doc.title))?;
    if let Some(reference) = &doc.reference {
        writeln!(out, "{}\n", one_line(reference))?;
    }
    write_views(out, &detail.passages)
}

/// Writes a passage and its neighbours, in document order, each as a quote.
pub fn write_passage(out: &mut impl Write, detail: &PassageDetail) -> io::Result<()> {
    let views: Vec<PassageView> = detail
        .context
        .before
        .iter()
        .chain(std::iter::once(&detail.passage))
        .chain(&detail.context.after)
        .cloned()
        .collect();
    write_views(out, &views)
}

fn write_views(out: &mut impl Write, views: &[PassageView]) -> io::Result<()> {
    for (i, view) in views.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_quote(out, &view.text, &view.citation)?;
    }
    Ok(())
}

pub(crate) fn write_quote(out: &mut impl Write, text: &str, citation: &str) -> io::Result<()> {
    for line in text.trim().lines() {
        // Trailing spaces would turn into hard line breaks.
        let line = line.trim_end();
        if line.is_empty() {
            writeln!(out, ">")?;
        } else {
            writeln!(out, "> {line}")?;
        }
    }
    writeln!(out, "\n{citation}")
}

/// Writes a sheet as a pipe table: numbers right-aligned, cells on one line.
pub fn write_sheet(out: &mut impl Write, sheet: &Sheet) -> io::Result<()> {
    let numeric: Vec<bool> = (0..sheet.columns.len())
        .map(|i| {
            sheet
                .rows
                .iter()
                .all(|row| !matches!(row.get(i), Some(Value::Text(_))))
        })
        .collect();
    write_row(out, sheet.columns.iter().map(|c| table_cell(c)))?;
    write_row(
        out,
        numeric
            .iter()
            .map(|&right| if right { "---:" } else { "---" }.to_string()),
    )?;
    for row in &sheet.rows {
        write_row(out, row.iter().map(|value| table_cell(&value.text())))?;
    }
    Ok(())
}

/// Writes a cross-tab as one table, rows by columns: in each cell the passages, the
/// participants in parentheses and the rate per 10,000 words after a slash.
pub fn write_crosstab(out: &mut impl Write, response: &CrosstabResponse) -> io::Result<()> {
    writeln!(
        out,
        "*Passages (participants) / per 10,000 words, by {}{}.*\n",
        response.by,
        match describe_search("", &response.filters).as_str() {
            "everything" => String::new(),
            filters => format!(", in {filters}"),
        }
    )?;
    let header = std::iter::once("query".to_string()).chain(
        response
            .columns
            .iter()
            .map(|column| format!("{} ({} words)", table_cell(&column.value), column.words)),
    );
    write_row(out, header)?;
    write_row(
        out,
        std::iter::once("---".to_string())
            .chain(response.columns.iter().map(|_| "---:".to_string())),
    )?;
    for row in &response.rows {
        let cells = row.cells.iter().map(|cell| {
            format!(
                "{} ({}) / {}",
                cell.passages,
                cell.participants,
                Value::Number((cell.per_10k_words * 100.0).round() / 100.0).text()
            )
        });
        write_row(out, std::iter::once(table_cell(&row.label)).chain(cells))?;
    }
    Ok(())
}

/// Writes key terms as a table under a line naming both groups and their sizes.
pub fn write_keyness(out: &mut impl Write, response: &KeynessResponse) -> io::Result<()> {
    let group = |group: &GroupSize| format!("{} ({})", group_name(group), group_size(group));
    writeln!(
        out,
        "*Key terms of {} against {}.*\n",
        group(&response.target),
        group(&response.reference)
    )?;
    write_sheet(out, &crate::sheet::keyness(response))
}

fn write_row(out: &mut impl Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let cells: Vec<String> = cells.collect();
    writeln!(out, "| {} |", cells.join(" | "))
}

/// A table cell's text: one line, pipes escaped.
fn table_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SectionQuotes, sample_hit};
    use indexer::api::SearchRequest;

    #[test]
    fn sheets_are_pipe_tables_with_escaped_cells() {
        let sheet = Sheet {
            name: "Keyness",
            columns: vec!["term".into(), "count".into()],
            rows: vec![vec![Value::Text("a|b\nc".into()), Value::Count(3)]],
        };
        let mut out = Vec::new();
        write_sheet(&mut out, &sheet).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "| term | count |\n| --- | ---: |\n| a\\|b c | 3 |\n"
        );
    }

    #[test]
    fn multi_line_quotes_stay_quoted() {
        let mut hit = sample_hit();
        hit.passage.text = "First line  \n\nsecond paragraph".into();
        let mut out = Vec::new();
        write_quotes(&mut out, &[hit.clone()]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "> First line\n>\n> second paragraph\n\n{}\n",
                hit.passage.citation
            )
        );
    }

    #[test]
    fn appendix_has_a_heading_per_section() {
        let mut request = SearchRequest::new("professionals room");
        request.filters.role = vec!["GP".into()];
        let appendix = Appendix {
            title: Some("Quotes".into()),
            sections: vec![
                SectionQuotes {
                    heading: "Teams".into(),
                    request,
                    total: 3,
                    hits: vec![sample_hit()],
                },
                SectionQuotes {
                    heading: "Nothing\nhere".into(),
                    request: SearchRequest::new("zzz"),
                    total: 0,
                    hits: vec![],
                },
            ],
        };
        let mut out = Vec::new();
        write_appendix(&mut out, &appendix).unwrap();
        let expected = format!(
            "# Quotes\n\n## Teams\n\n*The best 1 of 3 passages matching “professionals room” (role: GP).*\n\n\
             > You can't just throw half a dozen professionals in a room\n\
             > and expect them to work together\n\n{}\n\n## Nothing here\n\n*No passages match “zzz”.*\n",
            sample_hit().passage.citation
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
