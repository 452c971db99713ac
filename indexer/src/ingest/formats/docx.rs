//! Word documents (`.docx`): paragraphs, headings, lists and tables from `word/document.xml`.
//!
//! Heading styles (`Heading 1`..`9`, or an outline level) set the section, and `Title` the
//! title. Transcripts come in two Word layouts besides `Name: text` paragraphs: a table of
//! `speaker | text` rows (optionally with a time column), and paragraphs opening with a bold
//! speaker label. Bold labels count only when one recurs, so a structured abstract's bold
//! `Objectives:` and `Results:` stay prose. Tracked changes read as accepted (insertions in,
//! deletions and moved-from text out); comments, headers, footers, footnotes, field codes and
//! text boxes are left out.

use std::collections::{HashMap, HashSet};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::super::body::Place;
use super::assemble::{Block, Source};
use super::package::Package;

/// What users call the format in messages.
const WHAT: &str = "Word document";

/// Elements whose content is not the document's text as accepted.
const SKIPPED: [&str; 8] = [
    "w:del",
    "w:moveFrom",
    "w:delText",
    "w:instrText",
    "mc:Fallback",
    "w:txbxContent",
    "w:footnoteReference",
    "w:commentReference",
];

/// Longest speaker label read from a bold run or a table cell.
const MAX_LABEL_CHARS: usize = 40;

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
    let paragraphs = read_body(&document, &styles)?;
    Ok(into_source(paragraphs))
}

/// A paragraph as read: its runs (text, bold), style, and table position.
#[derive(Debug, Default, Clone)]
struct Para {
    /// 1-based count of paragraphs in the document.
    number: usize,
    runs: Vec<(String, bool)>,
    style: Style,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Style {
    #[default]
    Body,
    Title,
    Heading,
}

/// A body element: a paragraph, or a table of rows of cells of paragraphs.
#[derive(Debug)]
enum Element {
    Para(Para),
    Table(Vec<Vec<Vec<Para>>>),
}

impl Para {
    fn text(&self) -> String {
        let text: String = self.runs.iter().map(|(t, _)| t.as_str()).collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// A bold label opening the paragraph and the rest of its text, e.g. (`Jane`, `We met.`).
    fn bold_label(&self) -> Option<(String, String)> {
        let bold_runs = self
            .runs
            .iter()
            .take_while(|(t, bold)| *bold || t.trim().is_empty());
        let label: String = bold_runs.clone().map(|(t, _)| t.as_str()).collect();
        let rest: String = self.runs[bold_runs.count()..]
            .iter()
            .map(|(t, _)| t.as_str())
            .collect();
        let label = label.trim().trim_end_matches([':', '：']).trim();
        let rest = rest.trim().trim_start_matches([':', '：']).trim();
        let is_label = !label.is_empty()
            && !rest.is_empty()
            && label.chars().count() <= MAX_LABEL_CHARS
            && label.split_whitespace().count() <= 4
            && label.starts_with(char::is_alphabetic);
        is_label.then(|| {
            (
                label.to_string(),
                rest.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
    }
}

/// Style ids to whether they are headings or the title, from `styles.xml` names (`heading 1`).
fn style_names(xml: &str) -> Result<HashMap<String, Style>, String> {
    let mut reader = Reader::from_str(xml);
    let mut styles = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:style" => current = attribute(&e, "w:styleId"),
                "w:name" => {
                    if let (Some(id), Some(name)) = (&current, attribute(&e, "w:val")) {
                        styles.insert(id.clone(), style_of_name(&name));
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(styles),
            _ => {}
        }
    }
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
fn read_body(xml: &str, styles: &HashMap<String, Style>) -> Result<Vec<Element>, String> {
    let mut reader = Reader::from_str(xml);
    let mut body = Body::default();
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if body.skipping > 0 || SKIPPED.contains(&name.as_str()) {
                    body.skipping += 1;
                } else {
                    body.start(&name, &e, styles);
                }
            }
            Event::Empty(e) if body.skipping == 0 => body.empty(e.name().as_ref(), &e, styles),
            Event::End(e) => {
                if body.skipping > 0 {
                    body.skipping -= 1;
                } else {
                    body.end(e.name().as_ref());
                }
            }
            Event::Text(t) if body.skipping == 0 && body.in_text => body.push(&t.xml10_content()),
            Event::GeneralRef(r) if body.skipping == 0 && body.in_text => {
                let name = r.xml10_content();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap_or_default()
                        .to_string(),
                };
                body.push(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(body.elements)
}

/// The reading state of `document.xml`.
#[derive(Default)]
struct Body {
    elements: Vec<Element>,
    /// Depth inside skipped elements.
    skipping: usize,
    para: Option<Para>,
    paragraphs: usize,
    bold: bool,
    in_text: bool,
    /// Open tables (nested tables are flattened into their cell): rows of cells of paragraphs.
    tables: Vec<Vec<Vec<Vec<Para>>>>,
}

impl Body {
    fn start(&mut self, name: &str, e: &BytesStart, styles: &HashMap<String, Style>) {
        match name {
            "w:p" => {
                self.paragraphs += 1;
                self.para = Some(Para {
                    number: self.paragraphs,
                    ..Para::default()
                });
            }
            "w:r" => self.bold = false,
            "w:t" => self.in_text = true,
            "w:tbl" => self.tables.push(Vec::new()),
            "w:tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.push(Vec::new());
                }
            }
            "w:tc" => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
                    row.push(Vec::new());
                }
            }
            _ => self.empty(name, e, styles),
        }
    }

    /// Elements that matter by their attributes alone.
    fn empty(&mut self, name: &str, e: &BytesStart, styles: &HashMap<String, Style>) {
        match name {
            "w:b" => self.bold = !matches!(attribute(e, "w:val").as_deref(), Some("0" | "false")),
            "w:tab" | "w:br" | "w:cr" => self.push(" "),
            "w:noBreakHyphen" => self.push("-"),
            "w:pStyle" => {
                if let (Some(para), Some(id)) = (&mut self.para, attribute(e, "w:val")) {
                    para.style = styles
                        .get(&id)
                        .copied()
                        .unwrap_or_else(|| style_of_name(&id));
                }
            }
            "w:outlineLvl" => {
                if let Some(para) = &mut self.para
                    && attribute(e, "w:val").is_some_and(|l| l.parse::<u8>().is_ok_and(|l| l < 9))
                {
                    para.style = Style::Heading;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "w:t" => self.in_text = false,
            "w:p" => {
                let Some(para) = self.para.take() else { return };
                match self
                    .tables
                    .last_mut()
                    .and_then(|t| t.last_mut())
                    .and_then(|r| r.last_mut())
                {
                    Some(cell) => cell.push(para),
                    None => self.elements.push(Element::Para(para)),
                }
            }
            "w:tbl" => {
                let Some(table) = self.tables.pop() else {
                    return;
                };
                let outer_cell = self
                    .tables
                    .last_mut()
                    .and_then(|t| t.last_mut())
                    .and_then(|r| r.last_mut());
                match outer_cell {
                    Some(cell) => cell.extend(table.into_iter().flatten().flatten()),
                    None => self.elements.push(Element::Table(table)),
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, text: &str) {
        if let Some(para) = &mut self.para {
            match para.runs.last_mut() {
                Some((run, bold)) if *bold == self.bold => run.push_str(text),
                _ => para.runs.push((text.to_string(), self.bold)),
            }
        }
    }
}

/// The blocks the elements make: headings, paragraphs, bold-label turns, table turns or rows.
fn into_source(elements: Vec<Element>) -> Source {
    let labels_recur = bold_labels_recur(&elements);
    let mut source = Source::default();
    for element in elements {
        match element {
            Element::Para(para) => {
                let text = para.text();
                if text.is_empty() {
                    continue;
                }
                match para.style {
                    Style::Title if source.title.is_none() => source.title = Some(text),
                    Style::Title | Style::Heading => source.blocks.push(Block::Heading(text)),
                    Style::Body => source.blocks.push(body_block(&para, text, labels_recur)),
                }
            }
            Element::Table(rows) => source.blocks.extend(table_blocks(rows)),
        }
    }
    source
}

fn body_block(para: &Para, text: String, labels_recur: bool) -> Block {
    match para.bold_label().filter(|_| labels_recur) {
        Some((speaker, said)) => Block::Turn {
            line: para.number,
            speaker: Some(speaker),
            timestamp: None,
            text: said,
        },
        None => Block::Paragraph {
            line: para.number,
            text,
            place: Place::Counted,
        },
    }
}

/// Whether some bold label opens two or more paragraphs (speakers speak more than once).
fn bold_labels_recur(elements: &[Element]) -> bool {
    let mut seen = HashSet::new();
    elements.iter().any(|element| match element {
        Element::Para(para) => para
            .bold_label()
            .is_some_and(|(label, _)| !seen.insert(label.to_lowercase())),
        Element::Table(_) => false,
    })
}

/// A transcript table (`speaker | text`, optionally with a time column) becomes turns, with
/// empty speaker cells carrying on the turn above; any other table becomes one paragraph per row.
fn table_blocks(rows: Vec<Vec<Vec<Para>>>) -> Vec<Block> {
    let rows: Vec<Row> = rows.iter().map(|cells| Row::of(cells)).collect();
    let columns = speaker_columns(&rows);
    let mut blocks = Vec::new();
    for row in rows {
        let Some((speaker_at, text_at, time_at)) = columns else {
            let text = row.cells.join(" | ");
            if !text.trim_matches([' ', '|']).is_empty() {
                blocks.push(Block::Paragraph {
                    line: row.line,
                    text,
                    place: Place::Counted,
                });
            }
            continue;
        };
        let speaker = row.cells[speaker_at].trim();
        let text = row.cells[text_at].trim().to_string();
        if is_header(speaker) || text.is_empty() {
            continue;
        }
        let continues = speaker.is_empty();
        match blocks.last_mut() {
            Some(Block::Turn { text: said, .. }) if continues => {
                said.push('\n');
                said.push_str(&text);
            }
            _ => blocks.push(Block::Turn {
                line: row.line,
                speaker: (!continues).then(|| speaker.to_string()),
                timestamp: time_at
                    .map(|at| row.cells[at].trim().to_string())
                    .filter(|t| !t.is_empty()),
                text,
            }),
        }
    }
    blocks
}

/// A table row: its cells' text (a cell's paragraphs joined by line breaks) and first paragraph number.
struct Row {
    line: usize,
    cells: Vec<String>,
}

impl Row {
    fn of(cells: &[Vec<Para>]) -> Row {
        let line = cells.iter().flatten().map(|p| p.number).next().unwrap_or(0);
        let cells = cells
            .iter()
            .map(|paras| {
                let texts: Vec<String> = paras
                    .iter()
                    .map(Para::text)
                    .filter(|t| !t.is_empty())
                    .collect();
                texts.join("\n")
            })
            .collect();
        Row { line, cells }
    }
}

/// Which columns hold the speaker, the text and the time, when the table is a transcript: two
/// or three columns, at least two rows, every speaker cell a short label.
fn speaker_columns(rows: &[Row]) -> Option<(usize, usize, Option<usize>)> {
    let width = rows.first()?.cells.len();
    if rows.len() < 2 || !(2..=3).contains(&width) || rows.iter().any(|r| r.cells.len() != width) {
        return None;
    }
    let is_time = |cell: &str| super::captions::start_time(cell.trim()).is_some();
    let column_is = |at: usize, test: &dyn Fn(&str) -> bool| {
        rows.iter()
            .skip(1)
            .all(|r| r.cells[at].trim().is_empty() || test(&r.cells[at]))
    };
    let time_at = (width == 3)
        .then(|| (0..width).find(|&at| column_is(at, &is_time)))
        .flatten();
    if width == 3 && time_at.is_none() {
        return None;
    }
    let others: Vec<usize> = (0..width).filter(|at| Some(*at) != time_at).collect();
    let (speaker_at, text_at) = (others[0], others[1]);
    let short = |cell: &str| cell.chars().count() <= MAX_LABEL_CHARS && !cell.contains('\n');
    column_is(speaker_at, &short).then_some((speaker_at, text_at, time_at))
}

fn is_header(cell: &str) -> bool {
    ["speaker", "name", "who", "participant"]
        .iter()
        .any(|h| cell.eq_ignore_ascii_case(h))
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    let attribute = e.try_get_attribute(name).ok()??;
    attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

fn xml_error(e: quick_xml::Error) -> String {
    format!(
        "the {WHAT}'s text is not well-formed XML ({e}): it is damaged; open it in Word and save it again"
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;
    use crate::ingest::formats::package::MAX_PART_BYTES;

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

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
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
            .map(|b| match b {
                Block::Heading(h) => format!("# {h}"),
                Block::Paragraph { line, text, .. } => format!("{line}: {text}"),
                Block::Turn {
                    line,
                    speaker,
                    timestamp,
                    text,
                } => format!(
                    "{line}: [{}|{}] {text}",
                    speaker.as_deref().unwrap_or("-"),
                    timestamp.as_deref().unwrap_or("-")
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
            bold("Interviewer:", "Why?"),
        ]
        .concat();
        assert_eq!(
            summary(&parse(&docx(&body)).unwrap()),
            [
                "1: [Interviewer|-] How did it start?",
                "2: [Dr Jane Smith|-] Slowly.",
                "3: Then quickly.",
                "4: [Interviewer|-] Why?",
            ]
        );
        let abstract_ = [bold("Objectives:", "To see."), bold("Results:", "We saw.")].concat();
        assert_eq!(
            summary(&parse(&docx(&abstract_)).unwrap()),
            ["1: Objectives: To see.", "2: Results: We saw."]
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
