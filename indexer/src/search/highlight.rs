//! Highlights and snippets: which characters of a hit's text matched the query, and a short
//! extract around the densest cluster of matches.
//!
//! The hit text is re-analyzed with the indexing analyzers, so a highlighted word is exactly a
//! word the index matched (`commissioned` for the query `commissioning`, 保健 inside 初级保健).

use std::collections::BTreeSet;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{self, Mode};
use crate::api::{Snippet, Span};

/// Characters of text shown in a snippet, about three lines.
const SNIPPET_CHARS: usize = 240;
/// Characters kept before the first highlight of a snippet.
const SNIPPET_LEAD: usize = 60;

/// Finds matched words in hit texts.
pub struct Highlighter {
    terms: BTreeSet<String>,
    prefixes: BTreeSet<String>,
    text: TextAnalyzer,
    plain: TextAnalyzer,
}

impl Highlighter {
    /// A highlighter for a query's analyzed terms and unstemmed prefixes.
    pub fn new(terms: BTreeSet<String>, prefixes: BTreeSet<String>) -> Highlighter {
        Highlighter {
            terms,
            prefixes,
            text: analysis::text_analyzer(Mode::Index),
            plain: analysis::plain_analyzer(Mode::Index),
        }
    }

    /// Character ranges of matched words in `text`, sorted and merged.
    pub fn highlights(&mut self, text: &str) -> Vec<Span> {
        let mut byte_ranges = Vec::new();
        if !self.terms.is_empty() {
            let mut stream = self.text.token_stream(text);
            while let Some(token) = stream.next() {
                if self.terms.contains(&token.text) {
                    byte_ranges.push((token.offset_from, token.offset_to));
                }
            }
        }
        if !self.prefixes.is_empty() {
            let mut stream = self.plain.token_stream(text);
            while let Some(token) = stream.next() {
                if self
                    .prefixes
                    .iter()
                    .any(|p| token.text.starts_with(p.as_str()))
                {
                    byte_ranges.push((token.offset_from, token.offset_to));
                }
            }
        }
        to_char_spans(text, merge(byte_ranges))
    }
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Converts sorted byte ranges to character ranges in one pass over the text.
fn to_char_spans(text: &str, ranges: Vec<(usize, usize)>) -> Vec<Span> {
    let mut spans = Vec::with_capacity(ranges.len());
    let mut chars = text.char_indices().enumerate().peekable();
    let mut char_at = |byte: usize| {
        while let Some(&(ci, (bi, _))) = chars.peek() {
            if bi >= byte {
                return ci;
            }
            chars.next();
        }
        text.chars().count()
    };
    for (start, end) in ranges {
        let start = char_at(start);
        let end = char_at(end);
        spans.push(Span { start, end });
    }
    spans
}

/// A short extract of `text` around the densest cluster of `highlights`, with shifted highlights.
pub fn snippet(text: &str, highlights: &[Span]) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= SNIPPET_CHARS {
        return Snippet {
            text: text.to_string(),
            highlights: highlights.to_vec(),
        };
    }
    let anchor = densest_start(highlights).saturating_sub(SNIPPET_LEAD);
    let start = word_start(&chars, anchor);
    let end = word_end(&chars, (start + SNIPPET_CHARS).min(chars.len()));
    let mut out = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    let shifted = highlights
        .iter()
        .filter(|s| s.start >= start && s.end <= end)
        .map(|s| Span {
            start: s.start - start + lead,
            end: s.end - start + lead,
        })
        .collect();
    Snippet {
        text: out,
        highlights: shifted,
    }
}

/// The start of the highlight after which the most highlights fall within one snippet.
fn densest_start(highlights: &[Span]) -> usize {
    highlights
        .iter()
        .enumerate()
        .max_by_key(|(i, span)| {
            let in_window = highlights[*i..]
                .iter()
                .take_while(|h| h.end <= span.start + SNIPPET_CHARS - SNIPPET_LEAD)
                .count();
            // Prefer the earliest of equally dense windows.
            (in_window, std::cmp::Reverse(span.start))
        })
        .map_or(0, |(_, span)| span.start)
}

/// Moves back to the start of the word at `at` (Chinese has no spaces: any character boundary will do).
fn word_start(chars: &[char], at: usize) -> usize {
    if at == 0 || analysis::is_cjk(chars[at]) {
        return at;
    }
    let back = chars[..at]
        .iter()
        .rev()
        .take(20)
        .position(|c| c.is_whitespace());
    back.map_or(at, |n| at - n)
}

/// Moves back to the end of the last whole word before `at`.
fn word_end(chars: &[char], at: usize) -> usize {
    if at >= chars.len() || analysis::is_cjk(chars[at - 1]) {
        return at;
    }
    let back = chars[..at]
        .iter()
        .rev()
        .take(20)
        .position(|c| c.is_whitespace());
    back.map_or(at, |n| at - n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, spans: &[Span]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        spans
            .iter()
            .map(|s| chars[s.start..s.end].iter().collect())
            .collect()
    }

    #[test]
    fn stemmed_words_and_prefixes_are_highlighted() {
        let mut h = Highlighter::new(
            BTreeSet::from(["commiss".to_string()]),
            BTreeSet::from(["integrat".to_string()]),
        );
        let text = "We commissioned integrated services; commissioning matters.";
        let spans = h.highlights(text);
        assert_eq!(
            marked(text, &spans),
            ["commissioned", "integrated", "commissioning"]
        );
    }

    #[test]
    fn character_offsets_in_chinese_and_adjacent_words_merge() {
        // 初级保健 is not one dictionary word: it is matched as the phrase 初级 保健.
        let terms = BTreeSet::from(["初级".to_string(), "保健".to_string()]);
        let mut h = Highlighter::new(terms, BTreeSet::new());
        let text = "委托初级保健服务的责任";
        let spans = h.highlights(text);
        assert_eq!(spans, [Span { start: 2, end: 6 }]);
    }

    #[test]
    fn snippets_center_on_matches() {
        let text = format!(
            "{} the key finding is here {}",
            "word ".repeat(100),
            "more ".repeat(100)
        );
        let start = text.find("key").unwrap();
        let hl = [Span {
            start,
            end: start + 3,
        }];
        let s = snippet(&text, &hl);
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(marked(&s.text, &s.highlights), ["key"]);
    }

    #[test]
    fn short_texts_are_their_own_snippet() {
        let hl = [Span { start: 0, end: 3 }];
        assert_eq!(snippet("GPs agree", &hl).text, "GPs agree");
    }
}
