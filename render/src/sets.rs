//! Hit sets as files: each set's excerpts (its passages widened to its unit) with their
//! citations, headed by the set's name and the search it was saved from.

use std::io::{self, Write};

use indexer::api::SetDetail;

use crate::markdown::write_quote;
use crate::sheet::{Sheet, Value};
use crate::words::{describe_search, one_line};

/// One row per excerpt of every set, the set's name first.
pub fn sheet(sets: &[SetDetail]) -> Sheet {
    let columns = [
        "set", "citation", "document", "passage", "from", "to", "text",
    ];
    Sheet {
        name: "Sets",
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: sets
            .iter()
            .flat_map(|detail| {
                detail.excerpts.iter().map(|e| {
                    vec![
                        Value::Text(detail.name.to_string()),
                        Value::Text(e.citation.clone()),
                        Value::Text(e.passage.doc.clone()),
                        Value::Count(e.passage.passage.into()),
                        Value::Count(e.from.into()),
                        Value::Count(e.to.into()),
                        Value::Text(e.text.clone()),
                    ]
                })
            })
            .collect(),
    }
}

/// A heading per set, a line saying what it searched and how far it widens, then its quotes.
pub fn write_markdown(out: &mut impl Write, sets: &[SetDetail]) -> io::Result<()> {
    for (i, detail) in sets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "## {}\n", one_line(detail.name.as_str()))?;
        if !detail.set.description.trim().is_empty() {
            writeln!(out, "{}\n", one_line(&detail.set.description))?;
        }
        let search = &detail.set.search;
        writeln!(
            out,
            "*{}: {} passages, unit {}*",
            describe_search(&search.q, &search.filters),
            detail.excerpts.len(),
            detail.set.unit
        )?;
        for excerpt in &detail.excerpts {
            writeln!(out)?;
            write_quote(out, &excerpt.text, &excerpt.citation)?;
        }
    }
    Ok(())
}
