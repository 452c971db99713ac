//! Attribution tags in prose: who said a quoted paragraph or an inline quote.
//!
//! Papers quote participants with a tag naming their role and id, either closing a paragraph
//! (`... so there's lots of work to do. [Manager ID19]`) or right after an inline quote
//! (`'to drive forward collaboration' (GP ID16)`). Inline tags may instead name a meeting at a
//! site (`(Primary Care Commissioning Committee meeting site 1)`). Brackets that do not end in a
//! participant id (`[...]`, `[STP area]`, `[laughs]`) are editorial and stay in the text.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{Role, Site, SpeakerId};

/// An optional role of 1–5 words, then a participant id such as `ID9` or `P03`.
static PARTICIPANT_TAG: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"\p{L}[\p{L}\p{N}'’&/.-]*";
    Regex::new(&format!(
        r"^(?:(?P<role>{word}(?:\s+{word}){{0,4}})\s+)?(?P<id>[A-Za-z]{{1,4}}[0-9]+)$"
    ))
    .expect("participant tag pattern is valid")
});

/// A place or meeting ending in a site, e.g. `Primary Care Commissioning Committee meeting site 1`.
static SITE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^()\[\]]{1,150}\s)?(?P<site>(?i:site)\s+[\p{L}\p{N}]+)$")
        .expect("site tag pattern is valid")
});

/// Who a passage is attributed to, as read from a tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Attribution {
    /// The participant id, for participant tags.
    pub speaker: Option<SpeakerId>,
    /// The role as written in the tag.
    pub role: Option<Role>,
    /// The site, for meeting tags.
    pub site: Option<Site>,
    /// The whole tag, for tags that name no participant.
    pub attribution: Option<String>,
}

/// An attributed quote found inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct InlineQuote {
    /// The words between the quote marks, trimmed.
    pub text: String,
    /// Who said it.
    pub attribution: Attribution,
}

/// Splits a closing `[Role ID9]` tag (optionally followed by `.`) off a paragraph.
/// Returns the text before the tag and the attribution, or `None` when the paragraph has no
/// participant tag at its end or nothing before it.
pub(super) fn split_end_tag(paragraph: &str) -> Option<(&str, Attribution)> {
    let trimmed = paragraph.trim_end();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed).trim_end();
    let inner_and_open = trimmed.strip_suffix(']')?;
    let open = inner_and_open.rfind('[')?;
    let attribution = participant_tag(&inner_and_open[open + 1..])?;
    let text = paragraph[..open].trim();
    (!text.is_empty()).then_some((text, attribution))
}

/// Finds quotes (`'…'`, `‘…’`, `"…"`, `“…”`) immediately followed by a parenthesised tag.
pub(super) fn inline_quotes(paragraph: &str) -> Vec<InlineQuote> {
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let mut quotes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match quote_at(paragraph, &chars, i) {
            Some((quote, next)) => {
                quotes.push(quote);
                i = next;
            }
            None => i += 1,
        }
    }
    quotes
}

/// Reads a participant tag such as `Independent GP ID9` or `ID9`.
fn participant_tag(tag: &str) -> Option<Attribution> {
    let caps = PARTICIPANT_TAG.captures(tag.trim())?;
    Some(Attribution {
        speaker: Some(SpeakerId::from(&caps["id"])),
        role: caps.name("role").map(|role| Role::from(role.as_str())),
        ..Attribution::default()
    })
}

/// Reads an inline tag: a participant, or a meeting at a site.
fn inline_tag(tag: &str) -> Option<Attribution> {
    let tag = tag.trim();
    participant_tag(tag).or_else(|| {
        let caps = SITE_TAG.captures(tag)?;
        Some(Attribution {
            site: Some(Site::from(&caps["site"])),
            attribution: Some(tag.split_whitespace().collect::<Vec<_>>().join(" ")),
            ..Attribution::default()
        })
    })
}

/// The closing mark for an opening quote mark.
fn closing_mark(open: char) -> Option<char> {
    match open {
        '\'' => Some('\''),
        '"' => Some('"'),
        '‘' => Some('’'),
        '“' => Some('”'),
        _ => None,
    }
}

/// Whether the mark at `i` can open a quote: at the start, or after whitespace or `(`, and
/// followed by text. This keeps apostrophes inside words (`there's`) from opening quotes.
fn opens_quote(chars: &[(usize, char)], i: usize) -> bool {
    let after_boundary = i == 0 || matches!(chars[i - 1].1, c if c.is_whitespace() || c == '(');
    let before_text = chars.get(i + 1).is_some_and(|&(_, c)| !c.is_whitespace());
    after_boundary && before_text && closing_mark(chars[i].1).is_some()
}

/// Whether the mark at `j` can close a quote: not followed by a letter or digit, so the
/// apostrophe in `there's` is skipped while the one in `the GPs' budgets'` is a candidate.
fn closes_quote(chars: &[(usize, char)], j: usize, close: char) -> bool {
    chars[j].1 == close && !chars.get(j + 1).is_some_and(|&(_, c)| c.is_alphanumeric())
}

/// Reads an attributed quote opening at `i`; returns it and the char index after its tag.
///
/// Closing candidates are tried in turn until one is followed by a tag, so an apostrophe that
/// ends a word inside the quote does not cut it short; the search stops where another quote opens.
fn quote_at(text: &str, chars: &[(usize, char)], i: usize) -> Option<(InlineQuote, usize)> {
    if !opens_quote(chars, i) {
        return None;
    }
    let open = chars[i].1;
    let close = closing_mark(open)?;
    let inner_start = chars[i].0 + open.len_utf8();
    for j in i + 1..chars.len() {
        if chars[j].1 == open && opens_quote(chars, j) {
            return None;
        }
        if !closes_quote(chars, j, close) {
            continue;
        }
        let after = chars[j].0 + close.len_utf8();
        if let Some((attribution, tag_len)) = tag_after(&text[after..]) {
            let quote = text[inner_start..chars[j].0].trim();
            if quote.is_empty() {
                return None;
            }
            let end = after + tag_len;
            let next = chars.partition_point(|&(pos, _)| pos < end);
            let quote = InlineQuote {
                text: quote.to_string(),
                attribution,
            };
            return Some((quote, next));
        }
    }
    None
}

/// Reads a `(tag)` right after a closing quote mark (spaces allowed); returns the attribution
/// and the bytes it spans.
fn tag_after(rest: &str) -> Option<(Attribution, usize)> {
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let inner_and_close = trimmed.strip_prefix('(')?;
    let close = inner_and_close.find(')')?;
    let inner = &inner_and_close[..close];
    if inner.contains('(') {
        return None;
    }
    let attribution = inline_tag(inner)?;
    let len = rest.len() - trimmed.len() + '('.len_utf8() + close + ')'.len_utf8();
    Some((attribution, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn participant(role: Option<&str>, id: &str) -> Attribution {
        Attribution {
            speaker: Some(SpeakerId::from(id)),
            role: role.map(Role::from),
            ..Attribution::default()
        }
    }

    #[test]
    fn end_tags_with_roles_of_one_to_five_words() {
        let cases = [
            ("Text. [Independent GP ID9]", Some("Independent GP"), "ID9"),
            ("Text. [Manager ID42]", Some("Manager"), "ID42"),
            (
                "Text. [CCG Accountable Officer ID18]",
                Some("CCG Accountable Officer"),
                "ID18",
            ),
            ("Text. [Lay member ID14]", Some("Lay member"), "ID14"),
            ("Text. [GP ID16]", Some("GP"), "ID16"),
            ("Text. [ID9]", None, "ID9"),
            ("Text. [Practice nurse P03]", Some("Practice nurse"), "P03"),
            (
                "Text. [Chief Officer of the CCG ID7]",
                Some("Chief Officer of the CCG"),
                "ID7",
            ),
        ];
        for (paragraph, role, id) in cases {
            let (text, attribution) =
                split_end_tag(paragraph).unwrap_or_else(|| panic!("{paragraph}"));
            assert_eq!(text, "Text.", "{paragraph}");
            assert_eq!(attribution, participant(role, id), "{paragraph}");
        }
    }

    #[test]
    fn end_tag_followed_by_a_period() {
        let paragraph = "... it will never be used for those... [Lay member ID14].";
        let (text, attribution) = split_end_tag(paragraph).unwrap();
        assert_eq!(text, "... it will never be used for those...");
        assert_eq!(attribution, participant(Some("Lay member"), "ID14"));
    }

    #[test]
    fn end_tag_keeps_editorial_brackets_in_the_text() {
        let paragraph = "[...] you can't force primary care, individual practices to work with each other, \
                         if they haven't got a history of a relationship or some trust, so there's lots of work \
                         that needs to be done. [Manager ID19]";
        let (text, attribution) = split_end_tag(paragraph).unwrap();
        assert!(text.starts_with("[...] you can't force"), "{text}");
        assert!(text.ends_with("needs to be done."), "{text}");
        assert_eq!(attribution, participant(Some("Manager"), "ID19"));
    }

    #[test]
    fn brackets_without_a_participant_id_are_not_tags() {
        for paragraph in [
            "It was hard [...]",
            "It was hard […]",
            "Across the [STP area]",
            "Across the [CCG area].",
            "Work in [primary care]",
            "It was fine [laughs]",
            "Six months [2019]",
            "Split [site 1]",
            "Six words [Chief Finance Officer of the CCG ID7]",
            "[Manager ID19]",
        ] {
            assert_eq!(split_end_tag(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn tags_in_the_middle_stay_in_the_text() {
        assert_eq!(split_end_tag("A [GP ID16] said more here."), None);
    }

    #[test]
    fn inline_quotes_with_participant_and_meeting_tags() {
        let paragraph = "These initiatives were described as a means to 'to drive forward collaboration' \
                         (GP ID16) and a 'strategic step towards budget delegation and (development of new \
                         models of care)' (Primary Care Commissioning Committee meeting site 1).";
        let quotes = inline_quotes(paragraph);
        assert_eq!(
            quotes,
            [
                InlineQuote {
                    text: "to drive forward collaboration".into(),
                    attribution: participant(Some("GP"), "ID16"),
                },
                InlineQuote {
                    text: "strategic step towards budget delegation and (development of new models of care)".into(),
                    attribution: Attribution {
                        site: Some(Site::from("site 1")),
                        attribution: Some("Primary Care Commissioning Committee meeting site 1".into()),
                        ..Attribution::default()
                    },
                },
            ]
        );
    }

    #[test]
    fn inline_quotes_in_every_quote_style() {
        for paragraph in [
            "He said 'we did it' (ID3).",
            "He said ‘we did it’ (ID3).",
            "He said \"we did it\" (ID3).",
            "He said “we did it” (ID3).",
            "(“we did it” (ID3))",
            "'we did it'(ID3)",
        ] {
            let quotes = inline_quotes(paragraph);
            assert_eq!(quotes.len(), 1, "{paragraph}");
            assert_eq!(quotes[0].text, "we did it", "{paragraph}");
            assert_eq!(
                quotes[0].attribution,
                participant(None, "ID3"),
                "{paragraph}"
            );
        }
    }

    #[test]
    fn apostrophes_are_not_quote_marks() {
        let quotes = inline_quotes(
            "There's a 'practice's budget and the GPs' time' (Manager ID4) isn't it.",
        );
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].text, "practice's budget and the GPs' time");
    }

    #[test]
    fn a_quote_does_not_swallow_the_next_one() {
        let quotes = inline_quotes("They said 'no' and then 'yes' (GP ID2).");
        assert_eq!(quotes.len(), 1);
        assert_eq!(quotes[0].text, "yes");
    }

    #[test]
    fn quotes_without_tags_or_with_other_parentheses_are_skipped() {
        for paragraph in [
            "A 'so-called' reform (2016) was planned.",
            "A 'reform' (see table 2) was planned.",
            "A 'reform', (GP ID2) was planned.",
            "Don't 'panic.",
            "A ' spaced' (ID2) quote.",
        ] {
            assert_eq!(inline_quotes(paragraph), [], "{paragraph}");
        }
    }
}
