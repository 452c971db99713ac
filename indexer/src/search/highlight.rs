//! Highlights and snippets: which characters of a hit's text matched the query, and a short
//! extract around the densest cluster of matches.
//!
//! The hit text is re-analyzed with the indexing analyzers, so a highlighted word is exactly a
//! word the index matched (`commissioned` for the query `commissioning`, 保健 inside 初级保健).

use std::collections::BTreeSet;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis;
use crate::api::{Snippet, Span};

/// Characters of text shown in a snippet, about three lines.
const SNIPPET_CHARS: usize = 240;
/// Characters kept before the first highlight of a snippet.
const SNIPPET_LEAD: usize = 60;

/// Finds matched words in hit texts.
///
/// Two shortcuts keep this cheap without changing what is highlighted. Chinese runs that
/// contain no Chinese query word are not segmented (see [`analysis::highlight_analyzers`]).
/// And the text is analysed once without stemming, the costly filter: stemming keeps a word's
/// first letter, so only words starting like a query term are stemmed, one at a time, to
/// compare with the terms. Every filter works on one token at a time, so a word analysed alone
/// gives the token it gets in context.
pub struct Highlighter {
    terms: BTreeSet<String>,
    prefixes: BTreeSet<String>,
    /// Words to highlight only where they stand whole, as written (`=word`).
    exact: BTreeSet<String>,
    /// First letters of the non-Chinese terms.
    initials: BTreeSet<char>,
    text: TextAnalyzer,
    plain: TextAnalyzer,
}

impl Highlighter {
    /// A highlighter for a query's analyzed terms, unstemmed prefixes and exact words.
    pub fn new(
        terms: BTreeSet<String>,
        prefixes: BTreeSet<String>,
        exact: BTreeSet<String>,
    ) -> Highlighter {
        let han_needles = terms
            .iter()
            .chain(&prefixes)
            .chain(&exact)
            .filter(|word| word.chars().all(analysis::is_cjk))
            .cloned()
            .collect();
        let initials = terms
            .iter()
            .filter_map(|term| term.chars().next())
            .filter(|c| !analysis::is_cjk(*c))
            .collect();
        let (text, plain) = analysis::highlight_analyzers(han_needles);
        Highlighter {
            terms,
            prefixes,
            exact,
            initials,
            text,
            plain,
        }
    }

    /// Character ranges of matched words in `text`, sorted and merged.
    pub fn highlights(&mut self, text: &str) -> Vec<Span> {
        let mut byte_ranges = Vec::new();
        if self.terms.is_empty() && self.prefixes.is_empty() && self.exact.is_empty() {
            return Vec::new();
        }
        let Highlighter {
            terms,
            prefixes,
            exact,
            initials,
            text: text_analyzer,
            plain,
        } = self;
        let mut stream = plain.token_stream(text);
        // The end of the last whole word: the sub-words of a Chinese compound come after it
        // and start inside it.
        let mut whole_to = 0;
        while let Some(token) = stream.next() {
            let word = token.text.as_str();
            let whole = token.offset_from >= whole_to;
            if whole {
                whole_to = token.offset_to;
            }
            let matched = (whole && exact.contains(word))
                || prefixes.iter().any(|p| word.starts_with(p.as_str()))
                || match word.chars().next() {
                    // Chinese words pass every filter unchanged.
                    Some(first) if analysis::is_cjk(first) => terms.contains(word),
                    Some(first) if initials.contains(&first) => {
                        let surface = &text[token.offset_from..token.offset_to];
                        stems_to_a_term(text_analyzer, surface, terms)
                    }
                    _ => false,
                };
            if matched {
                byte_ranges.push((token.offset_from, token.offset_to));
            }
        }
        to_char_spans(text, merge(byte_ranges))
    }
}

/// Whether `surface`, one word analysed as indexed text, is one of `terms`.
fn stems_to_a_term(analyzer: &mut TextAnalyzer, surface: &str, terms: &BTreeSet<String>) -> bool {
    let mut stream = analyzer.token_stream(surface);
    let mut matched = false;
    while let Some(token) = stream.next() {
        matched |= terms.contains(&token.text);
    }
    matched
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
    use crate::analysis::Mode;

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
            BTreeSet::new(),
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
        let mut h = Highlighter::new(terms, BTreeSet::new(), BTreeSet::new());
        let text = "委托初级保健服务的责任";
        let spans = h.highlights(text);
        assert_eq!(spans, [Span { start: 2, end: 6 }]);
    }

    #[test]
    fn exact_words_are_highlighted_only_whole_and_as_written() {
        let words = |list: &[&str]| list.iter().map(ToString::to_string).collect();
        let mut h = Highlighter::new(
            BTreeSet::new(),
            BTreeSet::new(),
            words(&["commissioning", "保健"]),
        );
        // 卫生保健 is one word, with the sub-word 保健 inside.
        let text = "Commissioning, commissioned: 卫生保健 is not 保健 alone";
        assert_eq!(marked(text, &h.highlights(text)), ["Commissioning", "保健"]);
        assert_eq!(h.highlights(text)[1], Span { start: 41, end: 43 });
    }

    /// Highlights as the full analyzers give them over the whole text: what [`Highlighter`]
    /// must reproduce while skipping Chinese runs.
    fn analysed_whole(
        terms: &BTreeSet<String>,
        prefixes: &BTreeSet<String>,
        text: &str,
    ) -> Vec<Span> {
        let mut ranges = Vec::new();
        let mut analyzer = analysis::text_analyzer(Mode::Index);
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if terms.contains(&token.text) {
                ranges.push((token.offset_from, token.offset_to));
            }
        }
        let mut analyzer = analysis::plain_analyzer(Mode::Index);
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if prefixes.iter().any(|p| token.text.starts_with(p.as_str())) {
                ranges.push((token.offset_from, token.offset_to));
            }
        }
        to_char_spans(text, merge(ranges))
    }

    #[test]
    fn shortcuts_give_the_highlights_of_full_analysis() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/documents");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("corpus document");
        let texts = [
            read("mcdermott-2019-abstract-zh.md"),
            read("mcdermott-2019-abstract-en.md"),
            "CCGs和GPs在卫生保健服务体系中 co-commissioning Café 初级保健 STPs 1990s".to_string(),
            format!("{} 保健 {}", "卫".repeat(40), "a".repeat(90)),
        ];
        let set = |words: &[&str]| {
            words
                .iter()
                .map(ToString::to_string)
                .collect::<BTreeSet<_>>()
        };
        let queries = [
            (set(&["commiss", "ccg"]), set(&[])),
            (set(&["保健", "初级"]), set(&[])),
            (set(&["服务体系", "stp", "cafe"]), set(&["integr"])),
            (set(&[]), set(&["保", "co", "gp"])),
            (set(&["卫卫"]), set(&["卫"])),
            (
                set(&["责任", "primari", "care"]),
                set(&["临床", "commission"]),
            ),
        ];
        let mut found = 0;
        for (terms, prefixes) in &queries {
            let mut highlighter =
                Highlighter::new(terms.clone(), prefixes.clone(), BTreeSet::new());
            for text in &texts {
                let expected = analysed_whole(terms, prefixes, text);
                assert_eq!(
                    highlighter.highlights(text),
                    expected,
                    "terms {terms:?}, prefixes {prefixes:?}, text {text:?}"
                );
                found += expected.len();
            }
        }
        assert!(
            found > 30,
            "the queries find something to highlight: {found}"
        );
    }

    #[test]
    fn stemming_keeps_the_first_letter_of_every_corpus_word() {
        // The highlighter stems only words whose first letter starts a term: this must hold.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/documents");
        let mut checked = 0;
        // Documents of every format, read as the indexer reads them.
        for file in crate::ingest::discover(&dir).0 {
            let bytes = std::fs::read(&file.path).expect("readable");
            let (documents, _) = crate::ingest::read_documents(&file, &bytes, None);
            let passages = documents.iter().flat_map(|d| &d.passages);
            let text = passages
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let text = format!(
                "{text} skies skis dying lying tying idly gently ugly early only singly news"
            );
            let mut stemmed = analysis::text_analyzer(Mode::Index);
            let mut plain = analysis::plain_analyzer(Mode::Index);
            let (mut stemmed, mut plain) = (stemmed.token_stream(&text), plain.token_stream(&text));
            while let (Some(s), Some(p)) = (stemmed.next(), plain.next()) {
                assert_eq!(s.offset_from, p.offset_from, "the streams stay aligned");
                if let Some(first) = s.text.chars().next() {
                    assert_eq!(
                        Some(first),
                        p.text.chars().next(),
                        "{} -> {}",
                        p.text,
                        s.text
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 5_000, "{checked} words checked");
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
