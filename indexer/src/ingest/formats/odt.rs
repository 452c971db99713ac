//! OpenDocument text (`.odt`, from LibreOffice): paragraphs, headings, lists and tables from
//! `content.xml`, read into the same layout as Word documents.
//!
//! `text:h` and paragraphs styled `Heading …` set the section, `Title` the title; a span whose
//! automatic style is bold makes a bold run. Tracked changes read as accepted (the deleted text
//! lives in `text:tracked-changes`, which is skipped); comments, footnotes, frames and text
//! boxes are left out.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::super::source::Source;
use super::package::{Node, Package, attribute, walk};
use super::paragraphs::{Layout, Style};

/// What users call the format in messages.
const WHAT: &str = "OpenDocument text";

/// Elements whose content is not the document's text as accepted.
const SKIPPED: [&str; 5] = [
    "text:tracked-changes",
    "office:annotation",
    "text:note",
    "draw:frame",
    "office:automatic-styles",
];

/// Reads an ODT file's bytes into a source; the error says what is wrong and what to do.
pub(super) fn parse(bytes: &[u8]) -> Result<Source, String> {
    let mut package = Package::open(bytes, WHAT)?;
    let content = package.part("content.xml", WHAT)?.ok_or(
        "no content.xml inside: this is not an OpenDocument text file; save it again as .odt",
    )?;
    let mut styles = match package.part("styles.xml", WHAT)? {
        Some(xml) => read_styles(&xml)?,
        None => Styles::default(),
    };
    styles.extend(read_styles(&content)?);
    Ok(read_body(&content, &styles)?.into_source())
}

/// A style as declared: its parent and whether it makes text bold.
#[derive(Debug, Default, Clone)]
struct Declared {
    parent: Option<String>,
    bold: bool,
}

/// Styles by name (named and automatic).
#[derive(Debug, Default)]
struct Styles(HashMap<String, Declared>);

impl Styles {
    fn extend(&mut self, other: Styles) {
        self.0.extend(other.0);
    }

    /// A paragraph style's meaning, following its parents (at most a few levels deep).
    fn paragraph(&self, name: &str) -> Style {
        let mut current = Some(name.to_string());
        for _ in 0..8 {
            let Some(name) = current else { break };
            let lower = name.to_ascii_lowercase();
            if lower == "title" {
                return Style::Title;
            }
            if lower.starts_with("heading") && lower != "heading" {
                return Style::Heading;
            }
            current = self.0.get(&name).and_then(|d| d.parent.clone());
        }
        Style::Body
    }

    fn bold(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|d| d.bold)
    }
}

fn read_styles(xml: &str) -> Result<Styles, String> {
    let mut styles = HashMap::new();
    let mut current: Option<String> = None;
    walk(xml, &[], (WHAT, "LibreOffice"), |node| {
        let Node::Open { element: e, .. } = node else {
            return;
        };
        match e.name().as_ref() {
            "style:style" => {
                current = attribute(e, "style:name");
                if let Some(name) = &current {
                    let declared = Declared {
                        parent: attribute(e, "style:parent-style-name"),
                        bold: false,
                    };
                    styles.insert(name.clone(), declared);
                }
            }
            "style:text-properties" => {
                let bold = attribute(e, "fo:font-weight").is_some_and(|w| w == "bold");
                if let Some(declared) = current.as_ref().and_then(|n| styles.get_mut(n)) {
                    declared.bold |= bold;
                }
            }
            _ => {}
        }
    })?;
    Ok(Styles(styles))
}

/// Walks `office:text`, feeding the layout.
fn read_body(xml: &str, styles: &Styles) -> Result<Layout, String> {
    let mut body = Body {
        styles,
        layout: Layout::default(),
        spans: Vec::new(),
    };
    walk(xml, &SKIPPED, (WHAT, "LibreOffice"), |node| match node {
        Node::Open { element, empty } => body.open(element, empty),
        Node::Close(name) => body.close(name),
        Node::Text(text) => body.push(text),
    })?;
    Ok(body.layout)
}

/// The reading state of `content.xml`.
struct Body<'a> {
    styles: &'a Styles,
    layout: Layout,
    /// Bold of each open span, innermost last.
    spans: Vec<bool>,
}

impl Body<'_> {
    fn open(&mut self, e: &BytesStart, empty: bool) {
        let name = e.name().as_ref().to_string();
        match name.as_str() {
            "text:h" | "text:p" => {
                self.layout.start_paragraph();
                let style = match attribute(e, "text:style-name") {
                    Some(style) => self.styles.paragraph(&style),
                    None => Style::Body,
                };
                let heading = name == "text:h" && style != Style::Title;
                self.layout
                    .set_style(if heading { Style::Heading } else { style });
            }
            "text:span" => {
                let bold = attribute(e, "text:style-name").is_some_and(|s| self.styles.bold(&s));
                self.spans.push(bold || self.bold());
            }
            "text:s" => {
                let count = attribute(e, "text:c")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1usize);
                self.push(&" ".repeat(count.min(100)));
            }
            "text:tab" => self.push(" "),
            "text:line-break" => self.layout.line_break(),
            "table:table" => self.layout.start_table(),
            "table:table-row" => self.layout.start_row(),
            "table:table-cell" => self.layout.start_cell(),
            _ => {}
        }
        if empty {
            self.close(&name);
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "text:h" | "text:p" => self.layout.end_paragraph(),
            "text:span" => {
                self.spans.pop();
            }
            "table:table" => self.layout.end_table(),
            _ => {}
        }
    }

    fn push(&mut self, text: &str) {
        let bold = self.bold();
        self.layout.push(text, bold);
    }

    fn bold(&self) -> bool {
        self.spans.last().copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::package::zip_of;
    use crate::ingest::reading;
    use crate::ingest::source::{Block, Style as BlockStyle};

    const NAMESPACES: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0""#;

    #[test]
    fn headings_bold_labels_tables_and_what_is_left_out() {
        let content = format!(
            r#"<office:document-content {NAMESPACES}><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/></office:automatic-styles><office:body><office:text><text:tracked-changes><text:changed-region><text:deletion><text:p>deleted words</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p text:style-name="P1">Interview 9</text:p><text:h text:outline-level="1">Opening</text:h><text:p><text:span text:style-name="T1">Interviewer:</text:span> How did it<text:s/>start?</text:p><text:p><text:span text:style-name="T1">ID9:</text:span> Slowly &amp; surely.</text:p><text:p><text:span text:style-name="T1">Interviewer:</text:span> Why?<office:annotation><text:p>a comment</text:p></office:annotation></text:p><table:table><table:table-row><table:table-cell><text:p>Site</text:p></table:table-cell><table:table-cell><text:p>Budget</text:p></table:table-cell></table:table-row></table:table></office:text></office:body></office:document-content>"#
        );
        let source = parse(&zip_of(&[("content.xml", content.as_bytes())])).unwrap();
        assert_eq!(source.title.as_deref(), Some("Interview 9"));
        assert_eq!(
            source.blocks[0],
            Block::new(2, BlockStyle::Heading, "Opening")
        );
        assert_eq!(
            reading::summary(source),
            [
                "3: [Interviewer|-] How did it start?",
                "4: [ID9|-] Slowly & surely.",
                "5: [Interviewer|-] Why?\nSite | Budget",
            ]
        );
    }

    /// Issue 21: turns separated by line breaks inside one paragraph, labels in bold spans.
    #[test]
    fn issue_21_turns_separated_by_line_breaks_in_one_paragraph() {
        let content = format!(
            r#"<office:document-content {NAMESPACES}><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles><office:body><office:text><text:p><text:span text:style-name="T1">Jane Smith:</text:span> We met.<text:line-break/><text:span text:style-name="T1">Ann Lee:</text:span> Why?<text:line-break/><text:span text:style-name="T1">Jane Smith:</text:span> It was cheaper.</text:p></office:text></office:body></office:document-content>"#
        );
        let source = parse(&zip_of(&[("content.xml", content.as_bytes())])).unwrap();
        assert_eq!(
            reading::summary(source),
            [
                "1: [Jane Smith|-] We met.",
                "1: [Ann Lee|-] Why?",
                "1: [Jane Smith|-] It was cheaper.",
            ]
        );
    }

    #[test]
    fn a_zip_that_is_not_odt_is_named() {
        let err = parse(&zip_of(&[("word/document.xml", b"<x/>")])).unwrap_err();
        assert!(err.contains("no content.xml inside"), "{err}");
    }
}
