//! Finding the quotes of a draft: text between double quotes (straight, curly or corner
//! brackets), between single quotes when it runs to five words or more, block quotes (Markdown
//! `>` lines, indented text paragraphs, Word paragraphs in a quote style or indented), each with
//! the label next to it that says who said it.

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::is_cjk;
use crate::api::DraftFormat;
use crate::ingest::DraftParagraph;

/// Fewest words between single quotes for them to be a quote (fewer: a scare quote, an aside).
const MIN_SINGLE_QUOTED_WORDS: usize = 5;

/// A paragraph or block quote of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// The draft's line (a Word draft: paragraph) the block starts on.
    pub line: usize,
    pub text: String,
    pub block_quote: bool,
}

/// A quote as the draft writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub text: String,
    pub line: usize,
    /// The label next to it, as written (`GP ID16`), before it is read.
    pub label: Option<String>,
}

/// The blocks of a Markdown or text draft.
pub(crate) fn text_blocks(text: &str, format: DraftFormat) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let (kind, content) = line_kind(line, format);
        let continues = open.as_ref().is_some_and(|b| kind == Some(b.block_quote));
        if !continues {
            blocks.extend(open.take());
        }
        match (kind, &mut open) {
            (None, _) => {}
            (Some(_), Some(block)) => {
                block.text.push('\n');
                block.text.push_str(content);
            }
            (Some(block_quote), None) => {
                open = Some(Block {
                    line: i + 1,
                    text: content.to_string(),
                    block_quote,
                })
            }
        }
    }
    blocks.extend(open);
    blocks
}

/// Whether a line is blank (`None`), in a block quote, or in a paragraph, and its content.
fn line_kind(line: &str, format: DraftFormat) -> (Option<bool>, &str) {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix('>') {
        let rest = rest.trim_start_matches('>');
        return (Some(true), rest.strip_prefix(' ').unwrap_or(rest));
    }
    if trimmed.is_empty() {
        return (None, "");
    }
    let indented = line.starts_with("    ") || line.starts_with('\t');
    (Some(format == DraftFormat::Text && indented), trimmed)
}

/// The blocks of a Word draft: one per paragraph.
pub(crate) fn docx_blocks(paragraphs: Vec<DraftParagraph>) -> Vec<Block> {
    paragraphs
        .into_iter()
        .filter(|p| !p.text.is_empty())
        .map(|p| Block {
            line: p.number,
            text: p.text,
            block_quote: p.block_quote,
        })
        .collect()
}

/// A label in brackets at the start of `text` (after a comma or full stop): `(GP ID16)`,
/// `[Manager ID42]`, `（ID9）`, or after a dash to the end of the clause: `— ID9`.
static LABEL_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[,.;:]?\s*(?:\(([^()\n]{1,100})\)|\[([^\[\]\n]{1,100})\]|（([^（）\n]{1,100})）|(?:—|–|--?)\s*([^\s.,;:()\[\]][^.,;:()\[\]\n]{0,60}))")
        .expect("the label pattern is valid")
});

/// A label in brackets ending `text`.
static LABEL_AT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:\(([^()\n]{1,100})\)|\[([^\[\]\n]{1,100})\]|（([^（）\n]{1,100})）)\s*[.。]?\s*$|(?:\n\s*(?:—|–|--?)|\s(?:—|–|--))\s*([^\n—–]{1,60})\s*$")
        .expect("the label pattern is valid")
});

/// A block that is nothing but a label: `— ID9`, `(GP ID16)`.
static LABEL_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\(([^()\n]{1,100})\)|\[([^\[\]\n]{1,100})\]|（([^（）\n]{1,100})）|(?:—|–|--?)\s*([^\n]{1,60}))\s*$")
        .expect("the label pattern is valid")
});

/// The first group that matched.
fn label_of(captures: &regex::Captures) -> Option<String> {
    (1..captures.len())
        .find_map(|i| captures.get(i))
        .map(|m| m.as_str().trim().to_string())
}

/// Every quote of the blocks, in order. `is_label` says whether a text is a label of who said
/// something (so `(2019)` after a quote is not taken for one).
pub(crate) fn quotes(blocks: &[Block], is_label: &dyn Fn(&str) -> bool) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        if block.block_quote {
            let (quote, mut label) = block_quote(&block.text, is_label);
            let next_is_label = blocks.get(i + 1).and_then(|next| {
                LABEL_ALONE
                    .captures(&next.text)
                    .and_then(|c| label_of(&c))
                    .filter(|l| is_label(l))
            });
            if label.is_none() && next_is_label.is_some() {
                label = next_is_label;
                i += 1;
            }
            if !quote.is_empty() {
                found.push(Found {
                    text: quote,
                    line: block.line,
                    label,
                });
            }
        } else {
            found.extend(inline_quotes(block, is_label));
        }
        i += 1;
    }
    found
}

/// A block quote's text without its label or enclosing quote marks, and its label.
fn block_quote(text: &str, is_label: &dyn Fn(&str) -> bool) -> (String, Option<String>) {
    let mut text = text.trim();
    let mut label = None;
    if let Some(captures) = LABEL_AT_END.captures(text)
        && let Some(found) = label_of(&captures).filter(|l| is_label(l))
    {
        let at = captures.get(0).map_or(text.len(), |m| m.start());
        text = text[..at].trim_end();
        label = Some(found);
    }
    (strip_enclosing_marks(text).to_string(), label)
}

/// `text` without the quote marks around all of it.
fn strip_enclosing_marks(text: &str) -> &str {
    const PAIRS: [(char, char); 6] = [
        ('"', '"'),
        ('“', '”'),
        ('「', '」'),
        ('『', '』'),
        ('‘', '’'),
        ('\'', '\''),
    ];
    for (open, close) in PAIRS {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.contains(open)
            && (open == close || !inner.contains(close))
        {
            return inner.trim();
        }
    }
    text
}

/// The quotes inside a paragraph, with the label after each. Linear in the paragraph's length
/// (plus a binary search per quote mark), however many marks it holds.
fn inline_quotes(block: &Block, is_label: &dyn Fn(&str) -> bool) -> Vec<Found> {
    let text = block.text.as_str();
    let closers = Closers::of(text);
    let mut found = Vec::new();
    let (mut at, mut line, mut counted) = (0, block.line, 0);
    while let Some((open, c)) = text[at..].char_indices().next().map(|(i, c)| (at + i, c)) {
        let next = open + c.len_utf8();
        at = next;
        let Some((inner_end, after)) = closers.closing(text, open, c) else {
            continue;
        };
        let inner = text[next..inner_end].trim();
        let single = matches!(c, '\'' | '‘');
        if inner.is_empty() || (single && !has_words(inner, MIN_SINGLE_QUOTED_WORDS)) {
            continue;
        }
        let label = LABEL_AFTER
            .captures(&text[after..])
            .and_then(|c| label_of(&c))
            .filter(|l| is_label(l));
        line += text[counted..open].matches('\n').count();
        counted = open;
        found.push(Found {
            text: inner.to_string(),
            line,
            label,
        });
        at = after;
    }
    found
}

/// Whether `text` runs to `n` words: separated by spaces, or Chinese characters (looking no
/// further than needed).
fn has_words(text: &str, n: usize) -> bool {
    text.split_whitespace().take(n).count() >= n
        || text.chars().take(n * 40).filter(|&c| is_cjk(c)).count() >= n
}

/// The closing quote marks of a paragraph, each kind's positions in order. A closing single
/// quote counts only where it ends a word (`don’t` holds an apostrophe) after one (not after a
/// space), which depends on the mark alone, so each is judged once.
struct Closers {
    marks: Vec<(char, Vec<usize>)>,
}

impl Closers {
    const KINDS: [char; 6] = ['”', '」', '』', '"', '’', '\''];

    fn of(text: &str) -> Closers {
        let mut marks: Vec<(char, Vec<usize>)> =
            Self::KINDS.iter().map(|&c| (c, Vec::new())).collect();
        let mut previous: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let after = chars.peek().map(|&(_, d)| d);
            let ends_word = !after.is_some_and(char::is_alphanumeric)
                && !previous.is_some_and(char::is_whitespace);
            if let Some((_, positions)) = marks.iter_mut().find(|(m, _)| *m == c)
                && (!matches!(c, '’' | '\'') || ends_word)
            {
                positions.push(i);
            }
            previous = Some(c);
        }
        Closers { marks }
    }

    /// The first `close` mark after byte `from`: its position and the byte after it.
    fn after(&self, close: char, from: usize) -> Option<(usize, usize)> {
        let (_, positions) = self.marks.iter().find(|(m, _)| *m == close)?;
        let i = positions.partition_point(|&p| p < from);
        positions.get(i).map(|&p| (p, p + close.len_utf8()))
    }

    /// Where the quote opened by `c` at byte `open` ends: the end of its text and the byte after
    /// its closing mark. `None` when `c` opens no quote there.
    fn closing(&self, text: &str, open: usize, c: char) -> Option<(usize, usize)> {
        let from = open + c.len_utf8();
        let opens_after_space = !text[..open]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let next_is_space = text[from..].starts_with(char::is_whitespace);
        match c {
            '“' => self.after('”', from),
            '「' => self.after('」', from),
            '『' => self.after('』', from),
            '"' if opens_after_space => self.after('"', from),
            '‘' if opens_after_space => self.after('’', from),
            '\'' if opens_after_space && !next_is_space => self.after('\'', from),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_label(text: &str) -> bool {
        text.contains("ID") || text.contains("GP") || text.contains("Participant")
    }

    fn found(text: &str, format: DraftFormat) -> Vec<(String, usize, Option<String>)> {
        quotes(&text_blocks(text, format), &is_label)
            .into_iter()
            .map(|f| (f.text, f.line, f.label))
            .collect()
    }

    fn quote(text: &str, line: usize, label: Option<&str>) -> (String, usize, Option<String>) {
        (text.to_string(), line, label.map(String::from))
    }

    #[test]
    fn inline_quotes_with_their_labels() {
        let draft = "# Findings\n\nOne GP said \"integration is more than co-location\" (GP ID16), and\nanother \
                     that “we can’t afford to do that” [Manager ID42]. Some called it 'new' or\n\
                     'a construct that really lends itself' — ID9; others said \"yes\" (2019).";
        assert_eq!(
            found(draft, DraftFormat::Markdown),
            [
                quote("integration is more than co-location", 3, Some("GP ID16")),
                quote("we can’t afford to do that", 4, Some("Manager ID42")),
                quote("a construct that really lends itself", 5, Some("ID9")),
                quote("yes", 5, None),
            ]
        );
    }

    #[test]
    fn block_quotes_with_labels_at_the_end_or_on_the_next_line() {
        let draft = "Intro.\n\n> You can't just throw half a dozen professionals\n> in a room. [Independent GP ID9]\n\n\
                     > “So it inevitably gets mentioned in STPs”\n\n— ID42\n\n> a quote that ends — in a dash — ID9\n\nAfter.";
        assert_eq!(
            found(draft, DraftFormat::Markdown),
            [
                quote(
                    "You can't just throw half a dozen professionals\nin a room.",
                    3,
                    Some("Independent GP ID9")
                ),
                quote("So it inevitably gets mentioned in STPs", 6, Some("ID42")),
                quote("a quote that ends — in a dash", 10, Some("ID9")),
            ]
        );
        let text = "Intro:\n\n    an indented quote of some words\n    (Participant 7, manager)\n";
        assert_eq!(
            found(text, DraftFormat::Text),
            [quote(
                "an indented quote of some words",
                3,
                Some("Participant 7, manager")
            )]
        );
        assert_eq!(found(text, DraftFormat::Markdown), []);
    }

    #[test]
    fn many_unclosed_marks_are_read_in_linear_time() {
        // Openers without closers (the closers that follow end no word), 1.4 MB of them.
        let text = format!("{}“the end”", "‘ ' x’y ".repeat(150_000));
        let started = std::time::Instant::now();
        assert_eq!(found(&text, DraftFormat::Markdown).len(), 1);
        // Quadratic work on 1.4 MB would take minutes; linear takes milliseconds.
        assert!(started.elapsed().as_secs() < 20);
    }

    #[test]
    fn chinese_quote_marks() {
        assert_eq!(
            found(
                "报告说“初级保健领域知识和专业知识的缺乏”（ID9）。",
                DraftFormat::Markdown
            ),
            [quote("初级保健领域知识和专业知识的缺乏", 1, Some("ID9"))]
        );
    }
}
