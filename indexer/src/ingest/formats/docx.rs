//! Word documents (`.docx`): paragraphs, headings, lists and tables from `word/document.xml`.
//!
//! Heading styles (`Heading 1`..`9`, or an outline level) set the section, and `Title` the
//! title. Transcripts come in two Word layouts besides `Name: text` paragraphs: a table of
//! `speaker | text` rows (optionally with a time column), and paragraphs opening with a bold
//! speaker label. Bold labels count only when one recurs, so a structured abstract's bold
//! `Objectives:` and `Results:` stay prose. Tracked changes read as accepted (insertions in,
//! deletions and moved-from text out); comments, headers, footers, footnotes, field codes and
//! text boxes are left out.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::super::source::Source;
use super::package::{Node, Package, attribute, walk};
use super::paragraphs::{Layout, Style};

/// What users call the format in messages.
const WHAT: &str = "Word document";

/// Elements whose content is not the document's text as accepted.
pub(in crate::ingest) const SKIPPED: [&str; 8] = [
    "w:del",
    "w:moveFrom",
    "w:delText",
    "w:instrText",
    "mc:Fallback",
    "w:txbxContent",
    "w:footnoteReference",
    "w:commentReference",
];

/// Reads a DOCX file's bytes into a source; the error says what is wrong and what to do.
pub(super) fn parse(bytes: &[u8]) -> Result<Source, String> {
    let mut package = Package::open(bytes, WHAT)?;
    let document = package.part("word/document.xml", WHAT)?.ok_or(
        "no word/document.xml inside: this is not a Word document; save it again as .docx from Word",
    )?;
    let styles = match package.part("word/styles.xml", WHAT)? {
        Some(xml) => style_names(&xml)?,
        None => HashMap::new(),
    };
    Ok(read_body(&document, &styles)?.into_source())
}

/// Style ids to whether they are headings or the title, from `styles.xml` names (`heading 1`).
fn style_names(xml: &str) -> Result<HashMap<String, Style>, String> {
    Ok(style_ids_and_names(xml)?
        .into_iter()
        .map(|(id, name)| (id, style_of_name(&name)))
        .collect())
}

/// Style ids to their names (`Heading1` to `heading 1`), from `styles.xml`.
pub(in crate::ingest) fn style_ids_and_names(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut styles = HashMap::new();
    let mut current: Option<String> = None;
    walk(xml, &[], (WHAT, "Word"), |node| {
        let Node::Open { element: e, .. } = node else {
            return;
        };
        match e.name().as_ref() {
            "w:style" => current = attribute(e, "w:styleId"),
            "w:name" => {
                if let (Some(id), Some(name)) = (&current, attribute(e, "w:val")) {
                    styles.insert(id.clone(), name);
                }
            }
            _ => {}
        }
    })?;
    Ok(styles)
}

fn style_of_name(name: &str) -> Style {
    let lower = name.to_ascii_lowercase().replace(' ', "");
    if lower == "title" {
        Style::Title
    } else if lower
        .strip_prefix("heading")
        .is_some_and(|n| n.parse::<u8>().is_ok())
    {
        Style::Heading
    } else {
        Style::Body
    }
}

/// Reads the body's paragraphs and tables in order.
fn read_body(xml: &str, styles: &HashMap<String, Style>) -> Result<Layout, String> {
    let mut body = Body::default();
    walk(xml, &SKIPPED, (WHAT, "Word"), |node| match node {
        Node::Open { element, empty } => body.open(element.name().as_ref(), element, empty, styles),
        Node::Close(name) => body.close(name),
        Node::Text(text) if body.in_text => body.push(text),
        Node::Text(_) => {}
    })?;
    Ok(body.layout)
}

/// The reading state of `document.xml`.
#[derive(Default)]
struct Body {
    layout: Layout,
    bold: bool,
    in_text: bool,
}

impl Body {
    fn open(&mut self, name: &str, e: &BytesStart, empty: bool, styles: &HashMap<String, Style>) {
        match name {
            "w:p" => self.layout.start_paragraph(),
            "w:r" => self.bold = false,
            "w:t" => self.in_text = !empty,
            "w:tbl" => self.layout.start_table(),
            "w:tr" => self.layout.start_row(),
            "w:tc" => self.layout.start_cell(),
            _ => self.property(name, e, styles),
        }
        if empty {
            self.close(name);
        }
    }

    /// Elements that matter by their attributes alone.
    fn property(&mut self, name: &str, e: &BytesStart, styles: &HashMap<String, Style>) {
        match name {
            "w:b" => self.bold = !matches!(attribute(e, "w:val").as_deref(), Some("0" | "false")),
            "w:tab" => self.push(" "),
            "w:br" | "w:cr" => self.layout.line_break(),
            "w:noBreakHyphen" => self.push("-"),
            "w:pStyle" => {
                if let Some(id) = attribute(e, "w:val") {
                    let style = styles
                        .get(&id)
                        .copied()
                        .unwrap_or_else(|| style_of_name(&id));
                    self.layout.set_style(style);
                }
            }
            "w:outlineLvl"
                if attribute(e, "w:val").is_some_and(|l| l.parse::<u8>().is_ok_and(|l| l < 9)) =>
            {
                self.layout.set_style(Style::Heading);
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "w:t" => self.in_text = false,
            "w:p" => self.layout.end_paragraph(),
            "w:tbl" => self.layout.end_table(),
            _ => {}
        }
    }

    fn push(&mut self, text: &str) {
        self.layout.push(text, self.bold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::package::{MAX_PART_BYTES, zip_of};
    use crate::ingest::reading;
    use crate::ingest::source::{Block, Style as BlockStyle};

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn docx(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
        );
        let styles = format!(
            r#"<w:styles {W}><w:style w:styleId="Kop1"><w:name w:val="heading 1"/></w:style><w:style w:styleId="Titel"><w:name w:val="Title"/></w:style></w:styles>"#
        );
        zip_of(&[
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ])
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn bold(label: &str, text: &str) -> String {
        format!(
            "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{label}</w:t></w:r><w:r><w:t xml:space=\"preserve\"> {text}</w:t></w:r></w:p>"
        )
    }

    fn styled(style: &str, text: &str) -> String {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    }

    fn row(cells: &[&str]) -> String {
        let cells: String = cells
            .iter()
            .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
            .collect();
        format!("<w:tr>{cells}</w:tr>")
    }

    fn summary(source: &Source) -> Vec<String> {
        source
            .blocks
            .iter()
            .map(|b: &Block| match b.style {
                BlockStyle::Heading => format!("# {}", b.text),
                BlockStyle::Paragraph | BlockStyle::Line => format!("{}: {}", b.line, b.text),
                BlockStyle::Turn => format!(
                    "{}: [{}|{}] {}",
                    b.line,
                    b.speaker.as_deref().unwrap_or("-"),
                    b.time.as_deref().unwrap_or("-"),
                    b.text
                ),
            })
            .collect()
    }

    #[test]
    fn headings_title_tracked_changes_and_entities() {
        let body = [
            styled("Titel", "Interview 9"),
            styled("Kop1", "Opening"),
            "<w:p><w:r><w:t>We </w:t></w:r><w:ins><w:r><w:t>pooled</w:t></w:r></w:ins><w:del><w:r><w:delText>shared</w:delText></w:r></w:del><w:r><w:t xml:space=\"preserve\"> budgets &amp; staff</w:t></w:r><w:commentReference w:id=\"1\"/></w:p>".to_string(),
            "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>Text</w:t><w:tab/><w:t>after a tab</w:t></w:r></w:p>".to_string(),
        ]
        .concat();
        let source = parse(&docx(&body)).unwrap();
        assert_eq!(source.title.as_deref(), Some("Interview 9"));
        assert_eq!(
            summary(&source),
            [
                "# Opening",
                "3: We pooled budgets & staff",
                "4: Text after a tab"
            ]
        );
    }

    #[test]
    fn recurring_bold_labels_are_turns() {
        let body = [
            bold("Interviewer:", "How did it start?"),
            bold("Dr Jane Smith", "Slowly."),
            p("Then quickly."),
            bold("Interviewer [00:01:02]:", "Why?"),
        ]
        .concat();
        assert_eq!(
            reading::summary(parse(&docx(&body)).unwrap()),
            [
                "1: [Interviewer|-] How did it start?",
                "2: [Dr Jane Smith|-] Slowly.\nThen quickly.",
                "4: [Interviewer|00:01:02] Why?",
            ]
        );
        let abstract_ = [bold("Objectives:", "To see."), bold("Results:", "We saw.")].concat();
        assert_eq!(
            reading::summary(parse(&docx(&abstract_)).unwrap()),
            ["1: Objectives: To see.", "2: Results: We saw."]
        );
    }

    /// Issue 21: a whole transcript typed into one paragraph, a soft line break before each turn.
    #[test]
    fn issue_21_turns_separated_by_line_breaks_in_one_paragraph() {
        let run = |label: &str, text: &str| {
            format!(
                "<w:r><w:rPr><w:b/></w:rPr><w:t>{label}</w:t></w:r><w:r><w:t xml:space=\"preserve\"> {text}</w:t></w:r>"
            )
        };
        let body = format!(
            "<w:p>{}<w:r><w:br/></w:r>{}<w:r><w:br/></w:r>{}<w:r><w:br/><w:t>Plain: Ann's second.</w:t></w:r></w:p>",
            run("Jane Smith:", "We met."),
            run("Ann Lee:", "Why?"),
            run("Jane Smith:", "It was cheaper."),
        );
        assert_eq!(
            reading::summary(parse(&docx(&body)).unwrap()),
            [
                "1: [Jane Smith|-] We met.",
                "1: [Ann Lee|-] Why?",
                "1: [Jane Smith|-] It was cheaper. Plain: Ann's second.",
            ]
        );
    }

    #[test]
    fn speaker_tables_are_turns_and_other_tables_rows() {
        let transcript = format!(
            "<w:tbl>{}{}{}{}</w:tbl>",
            row(&["Speaker", "Time", "Text"]),
            row(&["Interviewer", "00:01:02", "How did it start?"]),
            row(&["ID9", "00:01:09", "Slowly."]),
            row(&["", "", "Then quickly."]),
        );
        assert_eq!(
            summary(&parse(&docx(&transcript)).unwrap()),
            [
                "4: [Interviewer|00:01:02] How did it start?",
                "7: [ID9|00:01:09] Slowly.\nThen quickly.",
            ]
        );
        let data = format!(
            "<w:tbl>{}{}</w:tbl>",
            row(&["Site", "Practices", "Budget"]),
            row(&["site 1", "12", "£3m"])
        );
        assert_eq!(
            summary(&parse(&docx(&data)).unwrap()),
            ["1: Site | Practices | Budget", "4: site 1 | 12 | £3m"]
        );
    }

    #[test]
    fn damaged_truncated_and_bomb_files_are_refused_by_reason() {
        let good = docx(&p("Hello"));
        let err = parse(&good[..good.len() / 2]).unwrap_err();
        assert!(err.contains("damaged or truncated"), "{err}");
        let not_word = zip_of(&[("content.xml", b"<x/>")]);
        assert!(
            parse(&not_word)
                .unwrap_err()
                .contains("no word/document.xml")
        );
        let broken = zip_of(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
        assert!(parse(&broken).unwrap_err().contains("not well-formed XML"));

        // Zeros compress about a thousand to one: a 65 KB archive that inflates past the limit.
        let zeros = vec![b' '; usize::try_from(MAX_PART_BYTES).unwrap() + 10];
        let bomb = zip_of(&[("word/document.xml", &zeros)]);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let err = parse(&bomb).unwrap_err();
        assert!(err.contains("refused as a possible zip bomb"), "{err}");
    }
}
