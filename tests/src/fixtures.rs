//! Word and PDF files written by the tests themselves, so the ingest tests need no binary
//! fixtures: a [`WordDocument`] builder (headings, plain and bold-label paragraphs, speaker
//! tables, tracked changes) zipped as a real `.docx`, and [`pdf`] pages of Helvetica text laid
//! out line by line as a word processor's PDF export would.

use std::io::Write;

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use zip::write::SimpleFileOptions;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A Word document built paragraph by paragraph.
#[derive(Debug, Default, Clone)]
pub struct WordDocument {
    body: String,
}

impl WordDocument {
    /// A `Title`-styled paragraph.
    pub fn title(self, text: &str) -> Self {
        self.styled("Title", text)
    }

    /// A `Heading 1` paragraph.
    pub fn heading(self, text: &str) -> Self {
        self.styled("Heading1", text)
    }

    /// A plain paragraph.
    pub fn paragraph(mut self, text: &str) -> Self {
        self.body
            .push_str(&format!("<w:p>{}</w:p>", run(text, false)));
        self
    }

    /// A paragraph opening with a bold speaker label.
    pub fn bold_label(mut self, label: &str, text: &str) -> Self {
        self.body.push_str(&format!(
            "<w:p>{}{}</w:p>",
            run(label, true),
            run(&format!(" {text}"), false)
        ));
        self
    }

    /// One paragraph holding several turns, each a bold label and its words, separated by soft
    /// line breaks (`<w:br/>`), as typists write a transcript into one paragraph.
    pub fn line_broken_turns(mut self, turns: &[(&str, &str)]) -> Self {
        let turns: Vec<String> = turns
            .iter()
            .map(|(label, text)| format!("{}{}", run(label, true), run(&format!(" {text}"), false)))
            .collect();
        self.body
            .push_str(&format!("<w:p>{}</w:p>", turns.join("<w:r><w:br/></w:r>")));
        self
    }

    /// A paragraph with a tracked insertion and deletion: `before`, then `inserted` (kept),
    /// then `deleted` (dropped), then `after`.
    pub fn tracked_change(
        mut self,
        before: &str,
        inserted: &str,
        deleted: &str,
        after: &str,
    ) -> Self {
        self.body.push_str(&format!(
            "<w:p>{}<w:ins w:id=\"1\" w:author=\"A\">{}</w:ins><w:del w:id=\"2\" w:author=\"A\"><w:r><w:delText>{}</w:delText></w:r></w:del>{}</w:p>",
            run(before, false),
            run(inserted, false),
            escape(deleted),
            run(after, false)
        ));
        self
    }

    /// A table, one row per slice of cell texts.
    pub fn table(mut self, rows: &[&[&str]]) -> Self {
        let rows: String = rows
            .iter()
            .map(|cells| {
                let cells: String = cells
                    .iter()
                    .map(|c| format!("<w:tc><w:p>{}</w:p></w:tc>", run(c, false)))
                    .collect();
                format!("<w:tr>{cells}</w:tr>")
            })
            .collect();
        self.body.push_str(&format!("<w:tbl>{rows}</w:tbl>"));
        self
    }

    /// The `.docx` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{}</w:body></w:document>"#,
            self.body
        );
        let styles = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>"#
        );
        zip(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ])
    }

    fn styled(mut self, style: &str, text: &str) -> Self {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
            run(text, false)
        ));
        self
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

fn run(text: &str, bold: bool) -> String {
    let properties = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    format!(
        "<w:r>{properties}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ZIP archive of named parts, deflated.
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        archive
            .start_file(*name, SimpleFileOptions::default())
            .expect("start a zip entry");
        archive.write_all(bytes).expect("write a zip entry");
    }
    archive.finish().expect("finish the zip").into_inner()
}

/// A PDF of A4 pages, each a list of lines ("" leaves a paragraph gap), in 11 pt Helvetica.
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font = document.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = document.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let kids: Vec<Object> = pages
        .iter()
        .map(|lines| {
            let content = document.add_object(Stream::new(dictionary! {}, page_content(lines)));
            document
                .add_object(
                    dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content },
                )
                .into()
        })
        .collect();
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("write the PDF");
    bytes
}

/// A page's content stream: one text line per `lines` entry, 14 pt apart.
fn page_content(lines: &[String]) -> Vec<u8> {
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 11.into()]),
        Operation::new("Td", vec![72.into(), 780.into()]),
    ];
    for line in lines {
        if !line.is_empty() {
            operations.push(Operation::new(
                "Tj",
                vec![Object::string_literal(line.as_str())],
            ));
        }
        operations.push(Operation::new("Td", vec![0.into(), (-14).into()]));
    }
    operations.push(Operation::new("ET", vec![]));
    Content { operations }
        .encode()
        .expect("encode a page's content")
}

/// A one-page PDF whose page only draws a grey box: what a scan without OCR looks like to a
/// text extractor.
pub fn pdf_without_text() -> Vec<u8> {
    let bytes = pdf(&[Vec::new()]);
    let mut document = Document::load_mem(&bytes).expect("reload the PDF");
    let page = *document.get_pages().values().next().expect("one page");
    let content = Content {
        operations: vec![
            Operation::new("g", vec![0.5.into()]),
            Operation::new("re", vec![72.into(), 72.into(), 451.into(), 698.into()]),
            Operation::new("f", vec![]),
        ],
    };
    document
        .change_page_content(page, content.encode().expect("encode"))
        .expect("replace the page content");
    let mut out = Vec::new();
    document.save_to(&mut out).expect("write the PDF");
    out
}

/// A PDF whose page tree lacks the page size (`MediaBox`): `pdf-extract` panics on it, so it
/// shows a reader panic costing one page, not the build.
pub fn pdf_without_page_size() -> Vec<u8> {
    let bytes = pdf(&[vec!["No size".to_string()]]);
    let mut document = Document::load_mem(&bytes).expect("reload the PDF");
    let page = *document.get_pages().values().next().expect("one page");
    let pages = document
        .get_dictionary(page)
        .and_then(|p| p.get(b"Parent"))
        .and_then(Object::as_reference)
        .expect("the page has a parent");
    document
        .get_dictionary_mut(pages)
        .expect("the page tree")
        .remove(b"MediaBox");
    let mut out = Vec::new();
    document.save_to(&mut out).expect("write the PDF");
    out
}

/// A one-page PDF whose page draws a form that draws itself: an extractor that follows it
/// recurses until its stack overflows.
pub fn pdf_with_recursive_form() -> Vec<u8> {
    let bytes = pdf(&[vec!["Before the form".to_string()]]);
    let mut document = Document::load_mem(&bytes).expect("reload the PDF");
    let form = document.new_object_id();
    let draw_form = || {
        Content {
            operations: vec![Operation::new("Do", vec![Object::Name(b"X1".to_vec())])],
        }
        .encode()
        .expect("encode")
    };
    let resources = || dictionary! { "XObject" => dictionary! { "X1" => form } };
    let stream = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "Resources" => resources(),
            "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
        },
        draw_form(),
    );
    document.objects.insert(form, Object::Stream(stream));
    let page = *document.get_pages().values().next().expect("one page");
    document
        .change_page_content(page, draw_form())
        .expect("replace the page content");
    document
        .get_dictionary_mut(page)
        .expect("the page")
        .set("Resources", resources());
    let mut out = Vec::new();
    document.save_to(&mut out).expect("write the PDF");
    out
}

/// A PDF locked with a user password (RC4, revision 2) that nobody here knows.
pub fn pdf_with_password() -> Vec<u8> {
    let bytes = pdf(&[vec!["Secret minutes".to_string()]]);
    let mut document = Document::load_mem(&bytes).expect("reload the PDF");
    let encrypt = document.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -44,
        "O" => Object::string_literal(vec![0x5a_u8; 32]),
        "U" => Object::string_literal(vec![0xa5_u8; 32]),
    });
    document.trailer.set("Encrypt", encrypt);
    let id = Object::string_literal(vec![7_u8; 16]);
    document.trailer.set("ID", vec![id.clone(), id]);
    let mut out = Vec::new();
    document.save_to(&mut out).expect("write the PDF");
    out
}
