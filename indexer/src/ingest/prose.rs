//! Prose bodies: paragraphs under headings, with attributed quotes lifted out as passages of their own.
//!
//! A paragraph is a block of lines between blank lines, joined with single spaces. A paragraph
//! ending in a participant tag (`[Manager ID19]`) is that participant's quote; a quote followed by
//! a parenthesised tag inside a paragraph (`'...' (GP ID16)`) becomes an extra passage right after
//! its paragraph, which keeps its full text.

use std::sync::LazyLock;

use regex::Regex;

use super::body::{Body, Passages, Place, heading};
use crate::model::Passage;

/// A list item: a bullet (`-`, `*`, `•`) or a number (`1.`, `2)`), then a space.
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?P<bullet>[-*•])|\d{1,3}[.)])\s+").expect("list item pattern is valid")
});

/// Splits a prose body into passages.
pub(super) fn parse(body: &Body) -> Vec<Passage> {
    let mut prose = Prose {
        out: Passages::new(body.document),
        open: None,
    };
    for (line, raw) in body.lines() {
        let content = strip_blockquote(raw);
        if content.trim().is_empty() || is_thematic_break(content) {
            prose.end_paragraph();
        } else if let Some(section) = heading(content) {
            prose.end_paragraph();
            prose.out.set_section(section);
        } else if let Some(item) = LIST_ITEM.captures(content) {
            prose.end_paragraph();
            // Bullets are markup; numbers are content people cite ("recommendation 3").
            let start = if item.name("bullet").is_some() {
                item.get(0).map_or(0, |m| m.end())
            } else {
                0
            };
            prose.add_line(line, &content[start..]);
        } else {
            prose.add_line(line, content);
        }
    }
    prose.end_paragraph();
    prose.out.finish()
}

struct Prose<'a> {
    out: Passages<'a>,
    /// The paragraph being read: its first line and its text so far.
    open: Option<(usize, String)>,
}

impl Prose<'_> {
    fn add_line(&mut self, line: usize, content: &str) {
        let content = content.trim();
        match &mut self.open {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(content);
            }
            None => self.open = Some((line, content.to_string())),
        }
    }

    fn end_paragraph(&mut self) {
        if let Some((line, text)) = self.open.take() {
            self.out.paragraph(line, text, Place::Counted);
        }
    }
}

/// Removes `>` blockquote markers (nested ones too) and the space after each.
fn strip_blockquote(line: &str) -> &str {
    let mut rest = line;
    while let Some(inner) = rest.trim_start().strip_prefix('>') {
        rest = inner.strip_prefix(' ').unwrap_or(inner);
    }
    rest
}

/// `---`, `***` or `___` (spaces allowed): a visual break, not text.
fn is_thematic_break(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3 && matches!(marks[0], '-' | '*' | '_') && marks.iter().all(|&c| c == marks[0])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{DocId, Document, Kind, Lang, Site};

    fn document(site: Option<&str>) -> Document {
        Document {
            site: site.map(Site::from),
            ..Document::new(
                DocId("paper".into()),
                "Paper".into(),
                Kind::Article,
                "documents/paper.md".into(),
            )
        }
    }

    fn parse_text(text: &str) -> Vec<Passage> {
        let document = document(None);
        parse(&Body {
            path: Path::new("/c/documents/paper.md"),
            document: &document,
            text,
            first_line: 5,
        })
    }

    fn summary(passages: &[Passage]) -> Vec<(u32, &str, u32, &str)> {
        passages
            .iter()
            .map(|p| {
                (
                    p.ordinal,
                    p.locator.as_str(),
                    p.origin.line,
                    p.text.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn paragraphs_are_joined_blocks_with_file_lines() {
        let passages = parse_text("First line\nsecond line.\n\n\nAnother   paragraph.\n");
        assert_eq!(
            summary(&passages),
            [
                (1, "para 1", 5, "First line second line."),
                (2, "para 2", 9, "Another   paragraph.")
            ]
        );
        let p = &passages[0];
        assert_eq!(
            (p.doc.as_str(), p.origin.file.as_str(), p.lang),
            ("paper", "documents/paper.md", Lang::En)
        );
        assert_eq!(
            (p.speaker.clone(), p.role.clone(), p.section.clone()),
            (None, None, None)
        );
    }

    #[test]
    fn headings_set_the_section_and_are_not_passages() {
        let passages = parse_text(
            "# Results\nText one.\n## Views of GPs ##\n\nText two.\n###### C#\nText three.",
        );
        let sections: Vec<(&str, Option<&str>)> = passages
            .iter()
            .map(|p| (p.text.as_str(), p.section.as_deref()))
            .collect();
        assert_eq!(
            sections,
            [
                ("Text one.", Some("Results")),
                ("Text two.", Some("Views of GPs")),
                ("Text three.", Some("C#"))
            ]
        );
        assert_eq!(passages[2].locator, "para 3");
    }

    #[test]
    fn list_items_start_paragraphs_and_lose_their_bullets() {
        let passages =
            parse_text("Intro:\n- first\n  continued\n* second\n• third\n1. fourth\n2) fifth");
        let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Intro:",
                "first continued",
                "second",
                "third",
                "1. fourth",
                "2) fifth"
            ]
        );
    }

    #[test]
    fn blockquote_markers_are_stripped_and_breaks_split() {
        let passages = parse_text("> quoted\n> text\n>\n> > nested\n---\nafter");
        let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["quoted text", "nested", "after"]);
    }

    #[test]
    fn attributed_paragraphs_across_lines() {
        let passages = parse_text(
            "[...] you can't force primary care, individual practices to work\nwith each other, if they \
             haven't got a history of a relationship or some trust, so there's lots of work that needs to be \
             done. [Manager ID19]\n\n... it will never be used for those... [Lay member ID14].\n\nPlain [STP area] text [laughs].",
        );
        assert_eq!(passages.len(), 3);
        assert!(
            passages[0].text.starts_with(
                "[...] you can't force primary care, individual practices to work with"
            )
        );
        assert!(passages[0].text.ends_with("needs to be done."));
        assert_eq!(
            passages[0].speaker_label().as_deref(),
            Some("[Manager ID19]")
        );
        assert_eq!(passages[1].text, "... it will never be used for those...");
        assert_eq!(
            passages[1].speaker_label().as_deref(),
            Some("[Lay member ID14]")
        );
        assert_eq!(passages[2].text, "Plain [STP area] text [laughs].");
        assert_eq!(passages[2].speaker_label(), None);
    }

    #[test]
    fn inline_quotes_follow_their_paragraph() {
        let passages = parse_text(
            "## Findings\nThese initiatives were described as a means to 'to drive forward collaboration' (GP ID16) \
             and a 'strategic step towards budget delegation and (development of new models of care)' (Primary \
             Care Commissioning Committee meeting site 1).\n\nNext paragraph.",
        );
        assert_eq!(
            summary(&passages)[1..],
            [
                (2, "para 1", 6, "to drive forward collaboration"),
                (
                    3,
                    "para 1",
                    6,
                    "strategic step towards budget delegation and (development of new models of care)"
                ),
                (4, "para 2", 8, "Next paragraph."),
            ]
        );
        assert!(
            passages[0]
                .text
                .contains("'to drive forward collaboration' (GP ID16)")
        );
        assert_eq!(passages[0].speaker, None);
        assert_eq!(passages[1].speaker_label().as_deref(), Some("[GP ID16]"));
        assert_eq!(passages[1].section.as_deref(), Some("Findings"));
        let meeting = &passages[2];
        assert_eq!(meeting.site.as_ref().map(|s| s.as_str()), Some("site 1"));
        assert_eq!(
            meeting.attribution.as_deref(),
            Some("Primary Care Commissioning Committee meeting site 1")
        );
        assert_eq!(
            (meeting.speaker.clone(), meeting.role.clone()),
            (None, None)
        );
    }

    #[test]
    fn document_site_is_the_default() {
        let document = document(Some("site 2"));
        let text = "Text 'quoted words' (meeting site 1).";
        let passages = parse(&Body {
            path: Path::new("p.md"),
            document: &document,
            text,
            first_line: 1,
        });
        let sites: Vec<Option<&str>> = passages
            .iter()
            .map(|p| p.site.as_ref().map(|s| s.as_str()))
            .collect();
        assert_eq!(sites, [Some("site 2"), Some("site 1")]);
    }

    #[test]
    fn chinese_paragraphs_are_detected() {
        let passages =
            parse_text("自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任。");
        assert_eq!(passages[0].lang, Lang::Zh);
    }
}
