//! Text bodies (`.md`, `.txt`, with or without front matter) as blocks: one per line, with
//! Markdown's headings, list items, block quotes and thematic breaks read as such.
//!
//! A blank line or a break ends a paragraph, so the next line starts one ([`Style::Paragraph`]);
//! the lines after it continue it ([`Style::Line`]). A list item starts a paragraph of its own
//! and loses its bullet (bullets are markup; numbers are content people cite, "recommendation 3").

use std::sync::LazyLock;

use regex::Regex;

use super::source::{Block, Style};

/// A list item: a bullet (`-`, `*`, `•`) or a number (`1.`, `2)`), then a space.
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?P<bullet>[-*•])|\d{1,3}[.)])\s+").expect("list item pattern is valid")
});

/// `#` to `######` (up to three spaces in), then the heading text.
static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ {0,3}#{1,6}(?:\s+(?P<text>.*?))?\s*$").expect("heading pattern is valid")
});

/// The blocks of a text body whose first line is line `first_line` of its file.
pub(in crate::ingest) fn blocks(text: &str, first_line: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut starts_paragraph = true;
    for (index, raw) in text.lines().enumerate() {
        let line = first_line + index;
        let content = strip_blockquote(raw);
        if content.trim().is_empty() || is_thematic_break(content) {
            starts_paragraph = true;
            continue;
        }
        // Most lines are neither: the patterns run only on lines opening with their marks.
        let first = content.trim_start().chars().next().unwrap_or(' ');
        let (style, text) =
            if let Some(section) = (first == '#').then(|| heading(content)).flatten() {
                (Style::Heading, section.unwrap_or_default())
            } else if let Some(item) = matches!(first, '-' | '*' | '•' | '0'..='9')
                .then(|| LIST_ITEM.captures(content))
                .flatten()
            {
                let start = match item.name("bullet") {
                    Some(_) => item.get(0).map_or(0, |m| m.end()),
                    None => 0,
                };
                (Style::Paragraph, content[start..].trim().to_string())
            } else if starts_paragraph {
                (Style::Paragraph, content.trim().to_string())
            } else {
                (Style::Line, content.trim().to_string())
            };
        // The text after a heading starts a paragraph; a paragraph's next line continues it.
        starts_paragraph = style == Style::Heading;
        blocks.push(Block::new(line, style, text));
    }
    blocks
}

/// Reads a Markdown heading line: `Some(section)` for a heading (`None` inside when it is empty).
fn heading(line: &str) -> Option<Option<String>> {
    let caps = HEADING.captures(line)?;
    let text = caps.name("text").map_or("", |t| t.as_str());
    let without_closing = text.trim_end_matches('#');
    // Closing hashes must follow a space, so `# C#` keeps its `#`.
    let text = if without_closing.is_empty() || without_closing.ends_with(char::is_whitespace) {
        without_closing.trim()
    } else {
        text
    };
    Some((!text.is_empty()).then(|| text.to_string()))
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
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    let Some(first @ ('-' | '*' | '_')) = marks.next() else {
        return false;
    };
    let mut count = 1;
    for mark in marks {
        if mark != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn headings() {
        assert_eq!(heading("# Results"), Some(Some("Results".into())));
        assert_eq!(
            heading("### Views of GPs ###"),
            Some(Some("Views of GPs".into()))
        );
        assert_eq!(heading("## C#"), Some(Some("C#".into())));
        assert_eq!(heading("#"), Some(None));
        for not_heading in ["#hashtag", "####### seven", "    # code", "text # not"] {
            assert_eq!(heading(not_heading), None, "{not_heading}");
        }
    }

    /// Transcript bodies: speaker turns such as `ID9: ...` or `[00:12:31] Interviewer: ...`.
    mod transcripts {
        use std::path::Path;

        use super::super::*;
        use crate::ingest::reading;
        use crate::ingest::source::{FileRef, ReadAs, Source};
        use crate::model::Passage;
        use crate::model::{DocId, Document, Kind, Lang, Site};

        fn document() -> Document {
            Document {
                site: Some(Site::from("site 2")),
                ..Document::new(
                    DocId("int-01".into()),
                    "Interview".into(),
                    Kind::Interview,
                    "documents/int-01.md".into(),
                )
            }
        }

        fn parse_text(text: &str) -> (Vec<Passage>, Vec<String>) {
            let document = document();
            let source = Source {
                blocks: blocks(text, 6),
                read_as: ReadAs::Transcript,
                title: None,
                ..Source::default()
            };
            let file = FileRef {
                rel: "documents/int-01.md",
                path: Path::new("/c/documents/int-01.md"),
            };
            let (parsed, errors) = reading::read(file, source, Some(document)).unwrap();
            (
                parsed.passages,
                errors.iter().map(ToString::to_string).collect(),
            )
        }

        fn turns(passages: &[Passage]) -> Vec<(&str, &str, u32, &str)> {
            passages
                .iter()
                .map(|p| {
                    (
                        p.speaker.as_ref().map_or("", |s| s.as_str()),
                        p.locator.as_str(),
                        p.origin.line,
                        p.text.as_str(),
                    )
                })
                .collect()
        }

        #[test]
        fn speaker_turns_with_ids_and_labels() {
            let (passages, errors) = parse_text(
                "Interviewer: How did it start?\nID9: With the CCG.\nPractice manager: We met monthly.\n",
            );
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(
                turns(&passages),
                [
                    ("Interviewer", "turn 1", 6, "How did it start?"),
                    ("ID9", "turn 2", 7, "With the CCG."),
                    ("Practice manager", "turn 3", 8, "We met monthly."),
                ]
            );
            let p = &passages[1];
            assert_eq!(
                (
                    p.ordinal,
                    p.doc.as_str(),
                    p.site.as_ref().map(|s| s.as_str())
                ),
                (2, "int-01", Some("site 2"))
            );
            assert_eq!((p.role.clone(), p.role_group.clone()), (None, None));
        }

        #[test]
        fn timestamps_before_or_after_the_speaker() {
            let (passages, _) = parse_text(
                "[00:12:31] ID9: First.\nInterviewer [12:40]: Second.\n[1:02:03] ID9: Third.",
            );
            let locators: Vec<&str> = passages.iter().map(|p| p.locator.as_str()).collect();
            assert_eq!(
                locators,
                ["turn 1, 00:12:31", "turn 2, 12:40", "turn 3, 1:02:03"]
            );
            assert_eq!(
                passages[1].speaker.as_ref().map(|s| s.as_str()),
                Some("Interviewer")
            );
            assert_eq!(passages[1].text, "Second.");
        }

        #[test]
        fn multi_line_turns_and_paragraph_breaks() {
            let (passages, _) = parse_text(
                "ID9: We started\nin 2016.\n\n\nThen it changed.\n\nInterviewer:\nWhy?\n\n",
            );
            assert_eq!(
                turns(&passages),
                [
                    ("ID9", "turn 1", 6, "We started in 2016.\nThen it changed."),
                    ("Interviewer", "turn 2", 12, "Why?")
                ]
            );
        }

        #[test]
        fn lines_with_colons_that_are_not_turns_continue_the_turn() {
            let (passages, _) = parse_text(
                "ID9: See https://example.org at 10:30 today.\nThe one thing that I would say is this: no.\nNote [laughs]: fine",
            );
            assert_eq!(passages.len(), 1);
            assert_eq!(
                passages[0].text,
                "See https://example.org at 10:30 today. The one thing that I would say is this: no. Note [laughs]: fine"
            );
        }

        #[test]
        fn full_width_colons_in_chinese_transcripts() {
            let (passages, _) = parse_text("访谈者：您好。\nID3：我们在2016年开始合作。");
            assert_eq!(
                turns(&passages)[1],
                ("ID3", "turn 2", 7, "我们在2016年开始合作。")
            );
            assert_eq!(passages[1].lang, Lang::Zh);
        }

        #[test]
        fn headings_set_sections_and_end_turns() {
            let (passages, errors) = parse_text("# Part 1\nID9: One.\n## Part 2\nID9: Two.");
            assert!(errors.is_empty(), "{errors:?}");
            let sections: Vec<Option<&str>> =
                passages.iter().map(|p| p.section.as_deref()).collect();
            assert_eq!(sections, [Some("Part 1"), Some("Part 2")]);
        }

        #[test]
        fn text_before_the_first_turn_is_an_error_once() {
            let (passages, errors) = parse_text(
                "\nA preamble\nover two lines.\n\nmore\nID9: Said.\n# Later\nstray\nID9: Again.",
            );
            assert_eq!(
                errors,
                [
                    "/c/documents/int-01.md:7: text before the first speaker turn: start turns with `SPEAKER:`",
                    "/c/documents/int-01.md:13: text after the heading on line 12 is not in a speaker turn: start turns with `SPEAKER:`",
                ]
            );
            assert_eq!(
                turns(&passages),
                [
                    ("ID9", "turn 1", 11, "Said."),
                    ("ID9", "turn 2", 14, "Again.")
                ]
            );
        }

        #[test]
        fn labels_longer_than_four_words_or_forty_chars_are_not_speakers() {
            let (passages, _) = parse_text(
                "ID9: Start.\nWhat we wanted most was: trust.\nAbcdefghijabcdefghijabcdefghijabcdefghijx: long.",
            );
            assert_eq!(passages.len(), 1);
        }
    }

    /// Prose bodies: paragraphs under headings, with attributed quotes lifted out.
    mod prose {
        use std::path::Path;

        use super::super::*;
        use crate::ingest::reading;
        use crate::ingest::source::{FileRef, ReadAs, Source};
        use crate::model::{DocId, Document, Kind, Lang, Passage, Site};

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
            read_prose(document(None), text, 5)
        }

        fn read_prose(document: Document, text: &str, first_line: usize) -> Vec<Passage> {
            let source = Source {
                blocks: blocks(text, first_line),
                read_as: ReadAs::Prose,
                title: None,
                ..Source::default()
            };
            let file = FileRef {
                rel: "documents/paper.md",
                path: Path::new("/c/documents/paper.md"),
            };
            let (parsed, errors) = reading::read(file, source, Some(document)).unwrap();
            assert!(errors.is_empty(), "{errors:?}");
            parsed.passages
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
            assert!(passages[0].text.starts_with(
                "[...] you can't force primary care, individual practices to work with"
            ));
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
            let passages = read_prose(document, text, 1);
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
}
