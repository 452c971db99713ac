//! `--format md`: each passage as a `> ` blockquote followed by its citation line, ready to
//! paste into a report; batch output adds a heading per section.
//!
//! Text stays verbatim (no Markdown escaping: researchers paste the source, and escapes would
//! show up in it). Every line of a multi-line passage is quoted, so a paragraph break cannot end
//! the blockquote early, and the citation sits after a blank line so it is not swallowed by it.

use std::io::{self, Write};

use indexer::api::{
    ATTR_PREFIX, DocumentDetail, Filters, Hit, PassageDetail, PassageView, QueryForm,
};

use crate::appendix::Appendix;

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
        let shown = section.hits.len();
        if shown == 0 {
            writeln!(out, "*No passages match {searched}.*")?;
            continue;
        }
        let passages = if section.total == 1 {
            "passage"
        } else {
            "passages"
        };
        if shown as u64 == section.total {
            writeln!(out, "*{shown} {passages} matching {searched}.*\n")?;
        } else {
            writeln!(
                out,
                "*The best {shown} of {} {passages} matching {searched}.*\n",
                section.total
            )?;
        }
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

fn write_quote(out: &mut impl Write, text: &str, citation: &str) -> io::Result<()> {
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

/// Headings and titles must stay on one line to remain a heading.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What was searched, for summary lines: "“trust” (role: GP, manager; site: site 1)", "the
/// filters (speaker: ID9)" without a query, "everything" without either. Filters are named and
/// written as in a query string (attributes by their column name).
pub fn describe_search(q: &str, filters: &Filters) -> String {
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in filters.to_query() {
        let name = name.strip_prefix(ATTR_PREFIX).unwrap_or(&name).to_string();
        match parts.last_mut() {
            Some((last, values)) if *last == name => values.push(value),
            _ => parts.push((name, vec![value])),
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|(name, values)| format!("{name}: {}", values.join(", ")))
        .collect();
    let filters = parts.join("; ");
    match (q.trim().is_empty(), parts.is_empty()) {
        (true, true) => "everything".to_string(),
        (true, false) => format!("the filters ({filters})"),
        (false, true) => format!("“{}”", one_line(q)),
        (false, false) => format!("“{}” ({filters})", one_line(q)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appendix::SectionQuotes;
    use crate::output::sample_hit;
    use indexer::api::SearchRequest;

    #[test]
    fn searches_are_described_in_words() {
        let mut filters = Filters::default();
        assert_eq!(describe_search(" ", &filters), "everything");
        assert_eq!(describe_search("trust\nme", &filters), "“trust me”");
        filters.role = vec!["GP".into(), "manager".into()];
        filters.attr.insert("gender".into(), vec!["female".into()]);
        assert_eq!(
            describe_search("", &filters),
            "the filters (role: GP, manager; gender: female)"
        );
        assert_eq!(
            describe_search("trust", &filters),
            "“trust” (role: GP, manager; gender: female)"
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
