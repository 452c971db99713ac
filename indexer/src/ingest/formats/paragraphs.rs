//! Word-processor documents (DOCX, ODT) as a layout of paragraphs and tables, and the blocks
//! that layout makes.
//!
//! The format readers only walk their XML, calling [`Layout`] as paragraphs, runs, line breaks
//! and tables open and close. Everything about what the layout says is here, for both formats:
//! heading and title styles, a `speaker | text` table (optionally with a time column) as turns,
//! the bold run opening a paragraph (a speaker label candidate, which `labels` accepts when
//! labels recur), and soft line breaks, after which a new turn may start inside one paragraph.

use super::super::source::{self, Block, Source};

/// Longest speaker label read from a bold run or a table cell.
const MAX_LABEL_CHARS: usize = 40;

/// The run that stands for a soft line break (no text holds a NUL).
const LINE_BREAK: &str = "\0";

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

    /// Whether a paragraph is open (text pushed now is kept).
    pub fn in_paragraph(&self) -> bool {
        self.para.is_some()
    }

    pub fn set_style(&mut self, style: Style) {
        if let Some(para) = &mut self.para {
            para.style = style;
        }
    }

    /// A soft line break inside the open paragraph (`<w:br/>`, `text:line-break`): typists
    /// put a whole transcript in one paragraph with a break before each speaker.
    pub fn line_break(&mut self) {
        if let Some(para) = &mut self.para {
            para.runs.push((String::from(LINE_BREAK), false));
        }
    }

    /// Text of the open paragraph, bold or not.
    pub fn push(&mut self, text: &str, bold: bool) {
        if let Some(para) = &mut self.para {
            match para.runs.last_mut() {
                Some((run, was_bold)) if *was_bold == bold && run != LINE_BREAK => {
                    run.push_str(text)
                }
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

    /// The blocks the layout makes: headings, paragraphs (a block per line of a paragraph with
    /// line breaks), table turns or rows.
    pub fn into_source(self) -> Source {
        let elements = self.elements;
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
                        Style::Body => source.blocks.extend(para.lines()),
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
        let texts = self.runs.iter().map(|(t, _)| match t.as_str() {
            LINE_BREAK => " ",
            text => text,
        });
        normalized(texts)
    }

    /// The paragraph's lines (one unless it has soft line breaks), each a block with the bold
    /// text opening it as its `lead`.
    fn lines(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        for runs in self.runs.split(|(text, _)| text == LINE_BREAK) {
            let text = normalized(runs.iter().map(|(t, _)| t.as_str()));
            if text.is_empty() {
                continue;
            }
            let style = match blocks.is_empty() {
                true => source::Style::Paragraph,
                false => source::Style::Line,
            };
            blocks.push(Block {
                lead: lead(runs),
                ..Block::new(self.number, style, text)
            });
        }
        blocks
    }
}

/// The bold runs opening a line, when they are short enough to be a speaker label.
fn lead(runs: &[(String, bool)]) -> Option<String> {
    let bold = runs
        .iter()
        .take_while(|(t, bold)| *bold || t.trim().is_empty());
    let label = normalized(bold.map(|(t, _)| t.as_str()));
    let short = label.chars().count() <= MAX_LABEL_CHARS + 12;
    (!label.is_empty() && short).then_some(label)
}

/// Runs of text joined, with runs of white space as one space.
fn normalized<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let text: String = texts.collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
