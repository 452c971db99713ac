//! Word-processor documents (DOCX, ODT) as a layout of paragraphs and tables, and the blocks
//! that layout makes.
//!
//! The format readers only walk their XML, calling [`Layout`] as paragraphs, runs and tables
//! open and close. Everything about what the layout means is here, for both formats: heading
//! and title styles, a `speaker | text` table (optionally with a time column) as turns, and
//! paragraphs opening with a bold speaker label as turns when a label recurs (speakers speak
//! more than once; a structured abstract's bold `Objectives:` and `Results:` do not).

use std::collections::HashSet;

use super::super::labels::turn_start;
use super::super::source::{self, Block, Source};

/// Longest speaker label read from a bold run or a table cell.
const MAX_LABEL_CHARS: usize = 40;

/// What a paragraph's style makes it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    #[default]
    Body,
    Title,
    Heading,
}

/// The document's paragraphs and tables, in order, as the reader finds them.
#[derive(Debug, Default)]
pub(super) struct Layout {
    elements: Vec<Element>,
    para: Option<Para>,
    paragraphs: usize,
    /// Open tables (a nested table is flattened into its cell): rows of cells of paragraphs.
    tables: Vec<Vec<Vec<Vec<Para>>>>,
}

impl Layout {
    pub fn start_paragraph(&mut self) {
        self.paragraphs += 1;
        self.para = Some(Para {
            number: self.paragraphs,
            ..Para::default()
        });
    }

    pub fn set_style(&mut self, style: Style) {
        if let Some(para) = &mut self.para {
            para.style = style;
        }
    }

    /// Text of the open paragraph, bold or not.
    pub fn push(&mut self, text: &str, bold: bool) {
        if let Some(para) = &mut self.para {
            match para.runs.last_mut() {
                Some((run, was_bold)) if *was_bold == bold => run.push_str(text),
                _ => para.runs.push((text.to_string(), bold)),
            }
        }
    }

    pub fn end_paragraph(&mut self) {
        let Some(para) = self.para.take() else { return };
        match self.open_cell() {
            Some(cell) => cell.push(para),
            None => self.elements.push(Element::Para(para)),
        }
    }

    pub fn start_table(&mut self) {
        self.tables.push(Vec::new());
    }

    pub fn start_row(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            table.push(Vec::new());
        }
    }

    pub fn start_cell(&mut self) {
        if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
            row.push(Vec::new());
        }
    }

    pub fn end_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        match self.open_cell() {
            Some(cell) => cell.extend(table.into_iter().flatten().flatten()),
            None => self.elements.push(Element::Table(table)),
        }
    }

    fn open_cell(&mut self) -> Option<&mut Vec<Para>> {
        self.tables
            .last_mut()
            .and_then(|t| t.last_mut())
            .and_then(|r| r.last_mut())
    }

    /// The blocks the layout makes: headings, paragraphs, bold-label turns, table turns or rows.
    pub fn into_source(self) -> Source {
        let elements = self.elements;
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
                        Style::Title | Style::Heading => source.blocks.push(Block::new(
                            para.number,
                            source::Style::Heading,
                            text,
                        )),
                        Style::Body => source.blocks.push(body_block(&para, text, labels_recur)),
                    }
                }
                Element::Table(rows) => source.blocks.extend(table_blocks(rows)),
            }
        }
        source
    }
}

/// A paragraph as read: its number, runs (text, bold) and style.
#[derive(Debug, Default, Clone)]
struct Para {
    /// 1-based count of paragraphs in the document.
    number: usize,
    runs: Vec<(String, bool)>,
    style: Style,
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

    /// The turn a bold label opening the paragraph makes; the label may carry a time,
    /// `Jane Smith [00:01:02]` or `[00:01:02] Jane Smith`.
    fn bold_turn(&self) -> Option<Block> {
        let (label, said) = self.bold_label()?;
        let (speaker, timestamp, text) = match turn_start(&format!("{label}: {said}")) {
            Some(turn) => (turn.speaker, turn.timestamp, turn.text),
            None => (label, None, said),
        };
        Some(Block::turn(self.number, Some(speaker), timestamp, text))
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
            && label.starts_with(|c: char| c.is_alphabetic() || c == '[');
        is_label.then(|| {
            (
                label.to_string(),
                rest.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
    }
}

fn body_block(para: &Para, text: String, labels_recur: bool) -> Block {
    match para.bold_turn().filter(|_| labels_recur) {
        Some(turn) => turn,
        None => Block::new(para.number, source::Style::Paragraph, text),
    }
}

/// Whether some bold label opens two or more paragraphs (speakers speak more than once).
fn bold_labels_recur(elements: &[Element]) -> bool {
    let mut seen = HashSet::new();
    elements.iter().any(|element| match element {
        Element::Para(para) => match para.bold_turn() {
            Some(Block {
                speaker: Some(speaker),
                ..
            }) => !seen.insert(speaker.to_lowercase()),
            _ => false,
        },
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
                blocks.push(Block::new(row.line, source::Style::Paragraph, text));
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
            Some(turn) if continues => {
                turn.text.push('\n');
                turn.text.push_str(&text);
            }
            _ => blocks.push(Block::turn(
                row.line,
                (!continues).then(|| speaker.to_string()),
                time_at
                    .map(|at| row.cells[at].trim().to_string())
                    .filter(|t| !t.is_empty()),
                text,
            )),
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
