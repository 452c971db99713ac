//! HTML pages (`.html`, `.htm`): oral-history and podcast transcript pages, read into the same
//! layout as Word documents.
//!
//! Only the page's text counts: scripts, styles, the head (but its `<title>`), navigation,
//! headers, footers, asides and forms are left out. `h1`..`h6` set the section; paragraphs,
//! list items, block quotes and table cells are paragraphs; `<br>` breaks a line inside one (a
//! new turn may start there); `<b>`, `<strong>` and `<cite>` make bold runs, so a label in them
//! is read like a Word document's bold label. The scanner is forgiving (real pages are not
//! well-formed XML): unclosed elements end with the page, and a page cut off inside a tag keeps
//! the text before it, with a warning naming the line.

use super::super::source::{Source, Style as BlockStyle};
use super::paragraphs::{Layout, Style};

/// Elements whose content is not the page's text.
const SKIPPED: [&str; 13] = [
    "head", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "button",
    "select", "iframe", "object",
];

/// Elements whose content is raw text, read to their closing tag without looking inside.
const RAW: [&str; 2] = ["script", "style"];

/// Elements that end the paragraph before them and start a new one.
const BLOCKS: [&str; 20] = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "figure",
    "figcaption",
    "body",
    "hr",
    "address",
    "details",
    "summary",
];

/// Reads an HTML page's text into a source; problems (a page cut off) are warnings.
pub(super) fn parse(html: &str) -> Source {
    let mut page = Page::default();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        page.text(&rest[..at]);
        rest = &rest[at..];
        let (skip_to, ends) = if rest.starts_with("<!--") {
            ("-->", "a comment")
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            (">", "a declaration")
        } else {
            ("", "")
        };
        if !skip_to.is_empty() {
            match rest.find(skip_to) {
                Some(end) => rest = &rest[end + skip_to.len()..],
                None => {
                    page.cut_off(html, rest, ends);
                    rest = "";
                }
            }
            continue;
        }
        // `a < b` in text is not a tag.
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            page.text("<");
            rest = &rest[1..];
            continue;
        }
        let Some(end) = rest.find('>') else {
            page.cut_off(html, rest, "a tag");
            rest = "";
            break;
        };
        let tag = Tag::of(&rest[1..end]);
        rest = &rest[end + 1..];
        match tag {
            Some(tag)
                if !tag.closing && (RAW.contains(&tag.name.as_str()) || tag.name == "title") =>
            {
                let close = format!("</{}", tag.name);
                let end = find_ignoring_case(rest, &close).unwrap_or(rest.len());
                if tag.name == "title" && page.title.is_none() {
                    page.title = Some(normalized(&unescape(&rest[..end])));
                }
                rest = &rest[end..];
                rest = rest.find('>').map_or("", |gt| &rest[gt + 1..]);
            }
            Some(tag) => page.tag(&tag),
            None => page.text("<"),
        }
    }
    page.text(rest);
    page.finish()
}

/// A tag as read: its lower-cased name, whether it closes, and whether it closes itself.
struct Tag {
    name: String,
    closing: bool,
}

impl Tag {
    fn of(inside: &str) -> Option<Tag> {
        let (closing, inside) = match inside.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inside),
        };
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        // `a < b` in text is not a tag.
        (!name.is_empty() && inside.starts_with(|c: char| c.is_ascii_alphabetic())).then(|| Tag {
            name: name.to_ascii_lowercase(),
            closing,
        })
    }
}

/// The reading state of a page.
#[derive(Default)]
struct Page {
    layout: Layout,
    title: Option<String>,
    /// Open skipped elements (their text is left out).
    skipping: usize,
    /// Open bold elements.
    bold: usize,
    /// Open tables, closed at the end of the page if the page does not close them.
    tables: usize,
    warnings: Vec<String>,
}

impl Page {
    fn tag(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        if SKIPPED.contains(&name) {
            if tag.closing {
                self.skipping = self.skipping.saturating_sub(1);
            } else {
                self.skipping += 1;
            }
            return;
        }
        if self.skipping > 0 {
            return;
        }
        match (name, tag.closing) {
            ("b" | "strong" | "cite", false) => self.bold += 1,
            ("b" | "strong" | "cite", true) => self.bold = self.bold.saturating_sub(1),
            ("br", _) => self.layout.line_break(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                self.layout.end_paragraph();
                self.layout.start_paragraph();
                self.layout.set_style(Style::Heading);
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => self.layout.end_paragraph(),
            ("table", false) => {
                self.layout.end_paragraph();
                self.layout.start_table();
                self.tables += 1;
            }
            ("table", true) if self.tables > 0 => {
                self.layout.end_paragraph();
                self.layout.end_table();
                self.tables -= 1;
            }
            ("tr", false) => {
                self.layout.end_paragraph();
                self.layout.start_row();
            }
            ("td" | "th", false) => {
                self.layout.end_paragraph();
                self.layout.start_cell();
            }
            ("td" | "th" | "tr", true) => self.layout.end_paragraph(),
            (block, _) if BLOCKS.contains(&block) => self.layout.end_paragraph(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 || text.is_empty() {
            return;
        }
        let text = unescape(text);
        if text.trim().is_empty() {
            if self.layout.in_paragraph() {
                self.layout.push(" ", self.bold > 0);
            }
            return;
        }
        if !self.layout.in_paragraph() {
            self.layout.start_paragraph();
        }
        self.layout.push(&text, self.bold > 0);
    }

    /// The page ends inside `what` at `rest`: the text before it is kept.
    fn cut_off(&mut self, html: &str, rest: &str, what: &str) {
        let line = html[..html.len() - rest.len()].matches('\n').count() + 1;
        self.warnings.push(format!(
            "line {line}: the page ends inside {what} (it may be cut off): the text before it was indexed; save the whole page again"
        ));
    }

    fn finish(mut self) -> Source {
        self.layout.end_paragraph();
        for _ in 0..self.tables {
            self.layout.end_table();
        }
        let mut source = self.layout.into_source();
        let has_heading = source.blocks.iter().any(|b| b.style == BlockStyle::Heading);
        if source.title.is_none() && !has_heading {
            source.title = self.title.filter(|t| !t.is_empty());
        }
        source.warnings = self.warnings;
        source
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Character references: numeric ones, and the named ones transcripts use.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| reference(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::reading;

    #[test]
    fn the_main_text_with_headings_and_bold_labels() {
        let page = r#"<!DOCTYPE html><html><head><title>Oral history 12 | Archive</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<header><p>Site banner</p></header>
<h1>Interview with Jane Smith</h1>
<p><b>Jane Smith:</b> We started the clinic in 1998 &amp; it grew.</p>
<p><strong>Interviewer:</strong> Why&nbsp;then?</p>
<p><b>Jane Smith:</b> The caf&eacute; closed.<br><b>Interviewer:</b> I see.</p>
<!-- a comment <p>hidden</p> -->
<footer>Copyright 2024</footer></body></html>"#;
        let source = parse(page);
        assert!(source.warnings.is_empty(), "{:?}", source.warnings);
        assert_eq!(
            reading::summary(source),
            [
                "2: [Jane Smith|-] We started the clinic in 1998 & it grew.",
                "3: [Interviewer|-] Why then?",
                "4: [Jane Smith|-] The café closed.",
                "4: [Interviewer|-] I see.",
            ]
        );
    }

    #[test]
    fn cut_off_pages_keep_their_text_with_a_warning() {
        let source = parse("<html><body>\n<p>First paragraph.</p>\n<p>Second one<b");
        assert_eq!(source.warnings.len(), 1, "{:?}", source.warnings);
        assert!(
            source.warnings[0].starts_with("line 3: the page ends inside a tag"),
            "{:?}",
            source.warnings
        );
        assert_eq!(
            reading::summary(source),
            ["1: First paragraph.", "2: Second one"]
        );
        // A title without headings is the document's title; `a < b` is text.
        let source = parse("<title>Notes</title><p>a < b and b > c</p>");
        assert_eq!(source.title.as_deref(), Some("Notes"));
        assert_eq!(reading::summary(source), ["1: a < b and b > c"]);
    }
}
