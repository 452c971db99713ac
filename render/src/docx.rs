//! DOCX: a Word document of quotes, as the batch appendix reads in Markdown: a title, a heading
//! per section, a line saying what was searched, each quote as an indented block quote and its
//! citation on the line after.

use std::io::Cursor;

use docx_rs::{BreakType, Docx, Paragraph, Run, Style, StyleType};

use crate::markdown::describe_search;
use crate::{Appendix, Error, Format, Result};

/// Indent of a block quote, in twentieths of a point (half an inch).
const QUOTE_INDENT: i32 = 720;

/// The appendix as the bytes of a `.docx` file.
pub fn appendix(appendix: &Appendix) -> Result<Vec<u8>> {
    let mut docx = Docx::new()
        .add_style(heading_style("Heading1", "heading 1", 32))
        .add_style(heading_style("Heading2", "heading 2", 26))
        .add_style(quote_style());
    if let Some(title) = &appendix.title {
        docx = docx.add_paragraph(text_paragraph(title).style("Heading1"));
    }
    for section in &appendix.sections {
        docx = docx.add_paragraph(text_paragraph(&section.heading).style("Heading2"));
        let searched = describe_search(&section.request.q, &section.request.filters);
        let summary = match (section.hits.len() as u64, section.total) {
            (0, _) => format!("No passages match {searched}."),
            (shown, total) if shown == total => {
                format!("{shown} of {total} passages matching {searched}.")
            }
            (shown, total) => format!("The best {shown} of {total} passages matching {searched}."),
        };
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(summary).italic()));
        for hit in &section.hits {
            docx = docx
                .add_paragraph(quote(&hit.passage.text))
                .add_paragraph(text_paragraph(&hit.passage.citation));
        }
    }
    pack(docx)
}

/// The bytes of the `.docx` file of `docx`.
pub(crate) fn pack(docx: Docx) -> Result<Vec<u8>> {
    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|error| Error::Write {
            format: Format::Docx,
            reason: error.to_string(),
        })?;
    Ok(bytes.into_inner())
}

/// The style of block quotes: italic, indented half an inch either side.
pub(crate) fn quote_style() -> Style {
    Style::new("Quote", StyleType::Paragraph)
        .name("Quote")
        .italic()
        .indent(Some(QUOTE_INDENT), None, Some(QUOTE_INDENT), None)
}

/// A heading style, `half_points` high.
pub(crate) fn heading_style(id: &str, name: &str, half_points: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .size(half_points)
        .bold()
}

fn text_paragraph(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

/// A passage as a block quote; its line breaks stay line breaks.
fn quote(text: &str) -> Paragraph {
    let mut run = Run::new();
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line.trim_end());
    }
    Paragraph::new().add_run(run).style("Quote")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use indexer::api::SearchRequest;

    use super::*;
    use crate::SectionQuotes;

    #[test]
    fn quotes_and_citations_are_in_the_document_xml() {
        let hit = crate::sample_hit();
        let bytes = appendix(&Appendix {
            title: Some("Quotes & more".into()),
            sections: vec![SectionQuotes {
                heading: "Teams".into(),
                request: SearchRequest::new("professionals"),
                total: 1,
                hits: vec![hit.clone()],
            }],
        })
        .unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("Quotes &amp; more"), "{xml}");
        assert!(xml.contains(&hit.passage.citation), "{xml}");
        assert!(xml.contains("in a room</w:t>"), "{xml}");
        assert!(xml.contains(r#"<w:pStyle w:val="Quote" />"#), "{xml}");
    }
}
