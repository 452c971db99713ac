//! A Word draft (`.docx`) as paragraphs with what marks a block quote: a quote style (`Quote`,
//! `Intense Quote`, `Block Text`) or a left indent, for checking the quotes of a report.
//!
//! It reads `word/document.xml` with the corpus reader's package limits (a zip bomb is refused
//! the same way) and its rules for accepted text (tracked changes in, deletions out).

use std::collections::HashMap;

use super::formats::docx::{SKIPPED, style_ids_and_names};
use super::formats::package::{Node, Package, attribute, walk};

const WHAT: &str = "Word document";

/// Smallest left indent, in twentieths of a point, that makes a paragraph a block quote (a
/// quarter inch; Word's list indents come from numbering, which is told apart by `w:numPr`).
const BLOCK_INDENT: i64 = 360;

/// One paragraph of a Word draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftParagraph {
    /// 1-based count of the document's paragraphs (what a quote's "line" is in a Word draft).
    pub number: usize,
    /// The text, runs joined, tabs and breaks as spaces.
    pub text: String,
    /// Whether the paragraph is set as a block quote (quote style or indented, not a list).
    pub block_quote: bool,
}

/// The paragraphs of a Word draft, in order; the error says what is wrong and what to do.
pub fn read_docx_draft(bytes: &[u8]) -> Result<Vec<DraftParagraph>, String> {
    let mut package = Package::open(bytes, WHAT)?;
    let document = package.part("word/document.xml", WHAT)?.ok_or(
        "no word/document.xml inside: this is not a Word document; save it again as .docx from Word",
    )?;
    let quote_styles = match package.part("word/styles.xml", WHAT)? {
        Some(xml) => quote_style_ids(&xml)?,
        None => HashMap::new(),
    };
    let mut reader = DraftReader::default();
    walk(&document, &SKIPPED, (WHAT, "Word"), |node| {
        reader.visit(node, &quote_styles)
    })?;
    Ok(reader.paragraphs)
}

/// Style ids to whether their names are quote styles.
fn quote_style_ids(xml: &str) -> Result<HashMap<String, bool>, String> {
    Ok(style_ids_and_names(xml)?
        .into_iter()
        .map(|(id, name)| (id, is_quote_style(&name)))
        .collect())
}

fn is_quote_style(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("quote") || lower == "block text"
}

#[derive(Default)]
struct DraftReader {
    paragraphs: Vec<DraftParagraph>,
    open: Option<Open>,
    count: usize,
    in_text: bool,
}

#[derive(Default)]
struct Open {
    text: String,
    quote_style: bool,
    indented: bool,
    list: bool,
}

impl DraftReader {
    fn visit(&mut self, node: Node, quote_styles: &HashMap<String, bool>) {
        match node {
            Node::Open { element: e, empty } => {
                let name = e.name();
                match name.as_ref() {
                    "w:p" => {
                        self.count += 1;
                        self.open = Some(Open::default());
                        if empty {
                            self.close_paragraph();
                        }
                    }
                    "w:t" => self.in_text = !empty,
                    "w:tab" | "w:br" | "w:cr" => self.push(" "),
                    "w:noBreakHyphen" => self.push("-"),
                    "w:pStyle" => {
                        if let (Some(open), Some(id)) = (&mut self.open, attribute(e, "w:val")) {
                            open.quote_style = quote_styles
                                .get(&id)
                                .copied()
                                .unwrap_or_else(|| is_quote_style(&id));
                        }
                    }
                    "w:ind" => {
                        let left = attribute(e, "w:left").or_else(|| attribute(e, "w:start"));
                        if let (Some(open), Some(left)) = (&mut self.open, left) {
                            open.indented = left.parse::<i64>().is_ok_and(|l| l >= BLOCK_INDENT);
                        }
                    }
                    "w:numPr" => {
                        if let Some(open) = &mut self.open {
                            open.list = true;
                        }
                    }
                    _ => {}
                }
            }
            Node::Close("w:t") => self.in_text = false,
            Node::Close("w:p") => self.close_paragraph(),
            Node::Close(_) => {}
            Node::Text(text) if self.in_text => self.push(text),
            Node::Text(_) => {}
        }
    }

    fn push(&mut self, text: &str) {
        if let Some(open) = &mut self.open {
            open.text.push_str(text);
        }
    }

    fn close_paragraph(&mut self) {
        let Some(open) = self.open.take() else { return };
        self.paragraphs.push(DraftParagraph {
            number: self.count,
            text: open.text.trim().to_string(),
            block_quote: open.quote_style || (open.indented && !open.list),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::formats::package::zip_of;
    use super::*;

    fn docx(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let styles =
            r#"<w:styles><w:style w:styleId="Zitat"><w:name w:val="Quote"/></w:style></w:styles>"#;
        zip_of(&[
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ])
    }

    #[test]
    fn quote_styles_and_indents_are_block_quotes_and_lists_are_not() {
        let bytes = docx(concat!(
            r#"<w:p><w:r><w:t>As one GP put it:</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:pStyle w:val="Zitat"/></w:pPr><w:r><w:t>Integration is</w:t></w:r><w:r><w:tab/><w:t>more.</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:ind w:left="720"/></w:pPr><w:r><w:t>Indented.</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:numPr/><w:ind w:left="720"/></w:pPr><w:r><w:t>A list item.</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:del><w:t>gone</w:t></w:del><w:t>kept</w:t></w:r></w:p>"#,
        ));
        let paragraphs = read_docx_draft(&bytes).unwrap();
        let seen: Vec<(usize, &str, bool)> = paragraphs
            .iter()
            .map(|p| (p.number, p.text.as_str(), p.block_quote))
            .collect();
        assert_eq!(
            seen,
            [
                (1, "As one GP put it:", false),
                (2, "Integration is more.", true),
                (3, "Indented.", true),
                (4, "A list item.", false),
                (5, "kept", false),
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_a_word_document_is_refused_by_reason() {
        let error = read_docx_draft(b"just some text, not a zip").unwrap_err();
        assert!(error.contains("cannot be opened"), "{error}");
        let error = read_docx_draft(&zip_of(&[("hello.txt", b"hi")])).unwrap_err();
        assert!(error.contains("not a Word document"), "{error}");
    }
}
