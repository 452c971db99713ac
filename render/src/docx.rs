//! DOCX: a Word document of quotes, as the batch appendix reads in Markdown: a title, a heading
//! per section, a line saying what was searched, each quote as an indented block quote and its
//! citation on the line after.

use std::io::Cursor;
use std::time::SystemTime;

use docx_rs::{BreakType, Docx, Paragraph, Run, Style, StyleType};

use crate::words::{describe_search, section_summary};
use crate::{Appendix, Error, Format, Result};

/// Who a Word file says wrote it.
const AUTHOR: &str = "Verbatim";

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
        let summary = section_summary(&searched, section.hits.len() as u64, section.total);
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(summary).italic()));
        for hit in &section.hits {
            docx = docx
                .add_paragraph(quote(&hit.passage.text))
                .add_paragraph(text_paragraph(&hit.passage.citation));
        }
    }
    pack(docx)
}

/// The bytes of the `.docx` file of `docx`, its properties saying Verbatim wrote it now.
pub(crate) fn pack(docx: Docx) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    xml.doc_props.core = core_properties(SystemTime::now());
    let mut bytes = Cursor::new(Vec::new());
    xml.pack(&mut bytes).map_err(|error| Error::Write {
        format: Format::Docx,
        reason: error.to_string(),
    })?;
    Ok(bytes.into_inner())
}

/// The file's properties (`docProps/core.xml`): written by Verbatim, at `written`. docx-rs can
/// set the times but not the author, which it calls "unknown", so the part is written here.
fn core_properties(written: SystemTime) -> Vec<u8> {
    let at = humantime::format_rfc3339_seconds(written);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created><dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy><dcterms:modified xsi:type="dcterms:W3CDTF">{at}</dcterms:modified><cp:revision>1</cp:revision></cp:coreProperties>"#
    )
    .into_bytes()
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
