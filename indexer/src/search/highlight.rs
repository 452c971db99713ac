//! Highlights and snippets: which characters of a hit's text matched the query, and a short
//! extract around the densest cluster of matches.
//!
//! The hit text is re-analyzed with the indexing analyzers, so a highlighted word is exactly a
//! word the index matched (`commissioned` for the query `commissioning`, 保健 inside 初级保健).
//! Words are highlighted wherever they occur; a phrase only where it occurs, as one span from
//! its first word to its last; a proximity group only where its words occur within the
//! distance; a Chinese sequence wherever its characters stand, inside words or across them.

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::query::{Highlights, for_each_window};
use crate::analysis;
use crate::api::{Snippet, Span};

/// Characters of text shown in a snippet, about three lines.
const SNIPPET_CHARS: usize = 240;
/// Characters kept before the first highlight of a snippet.
const SNIPPET_LEAD: usize = 60;

/// One analysed word of a hit's text that the query may care about.
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    position: u32,
    /// Index of the word in [`Highlighter::words`].
    word: usize,
    start: usize,
    end: usize,
}

/// Finds matched words in hit texts.
///
/// Two shortcuts keep this cheap without changing what is highlighted. Chinese runs that
/// contain no Chinese query word are not segmented (see [`analysis::highlight_analyzers`]).
/// And the text is analysed once without stemming, the costly filter: stemming keeps a word's
/// first letter, so only words starting like a query word are stemmed, one at a time, to
/// compare with the words. Every filter works on one token at a time, so a word analysed alone
/// gives the token it gets in context.
pub struct Highlighter {
    highlights: Highlights,
    /// Every word of the query's terms, phrases and proximity groups, numbered.
    words: HashMap<String, usize>,
    /// Numbers of the words highlighted wherever they occur.
    terms: HashSet<usize>,
    /// First letters of the non-Chinese words.
    initials: BTreeSet<char>,
    text: TextAnalyzer,
    plain: TextAnalyzer,
}

impl Highlighter {
    /// A highlighter for what a query's plan says to highlight.
    pub fn new(highlights: Highlights) -> Highlighter {
        let mut words = HashMap::new();
        let all = highlights
            .terms
            .iter()
            .chain(highlights.phrases.iter().flatten().map(|(_, w)| w))
            .chain(highlights.near.iter().flat_map(|(ws, _)| ws));
        for word in all {
            let next = words.len();
            words.entry(word.clone()).or_insert(next);
        }
        let terms = highlights.terms.iter().map(|t| words[t]).collect();
        let han_needles = words
            .keys()
            .chain(&highlights.prefixes)
            .chain(&highlights.exact)
            .filter(|word| word.chars().all(analysis::is_cjk))
            .cloned()
            .collect();
        let initials = words
            .keys()
            .filter_map(|word| word.chars().next())
            .filter(|c| !analysis::is_cjk(*c))
            .collect();
        let (text, plain) = analysis::highlight_analyzers(han_needles);
        Highlighter {
            highlights,
            words,
            terms,
            initials,
            text,
            plain,
        }
    }

    /// Character ranges of matched words in `text`, sorted and merged.
    pub fn highlights(&mut self, text: &str) -> Vec<Span> {
        let mut byte_ranges = Vec::new();
        if !self.highlights.sequences.is_empty() {
            mark_sequences(&self.highlights.sequences, text, &mut byte_ranges);
        }
        if !self.words.is_empty()
            || !self.highlights.prefixes.is_empty()
            || !self.highlights.exact.is_empty()
        {
            let occurrences = self.occurrences(text, &mut byte_ranges);
            self.mark_terms(&occurrences, &mut byte_ranges);
            self.mark_phrases(&occurrences, &mut byte_ranges);
            self.mark_near(&occurrences, &mut byte_ranges);
        }
        to_char_spans(text, merge(byte_ranges))
    }

    /// The query's words in `text`, with positions; prefix and exact-word matches go straight
    /// to `ranges`.
    fn occurrences(&mut self, text: &str, ranges: &mut Vec<(usize, usize)>) -> Vec<Occurrence> {
        let Highlighter {
            highlights,
            words,
            initials,
            text: text_analyzer,
            plain,
            ..
        } = self;
        let mut found = Vec::new();
        let mut stream = plain.token_stream(text);
        // The end of the last whole word: the sub-words of a Chinese compound come after it
        // and start inside it.
        let mut whole_to = 0;
        while let Some(token) = stream.next() {
            let surface = token.text.as_str();
            let whole = token.offset_from >= whole_to;
            if whole {
                whole_to = token.offset_to;
            }
            if (whole && highlights.exact.contains(surface))
                || highlights
                    .prefixes
                    .iter()
                    .any(|p| surface.starts_with(p.as_str()))
            {
                ranges.push((token.offset_from, token.offset_to));
            }
            let word = match surface.chars().next() {
                // Chinese words pass every filter unchanged.
                Some(first) if analysis::is_cjk(first) => words.get(surface).copied(),
                Some(first) if initials.contains(&first) => {
                    let written = &text[token.offset_from..token.offset_to];
                    analysed(text_analyzer, written).and_then(|t| words.get(&t).copied())
                }
                _ => None,
            };
            if let Some(word) = word {
                found.push(Occurrence {
                    position: token.position as u32,
                    word,
                    start: token.offset_from,
                    end: token.offset_to,
                });
            }
        }
        found
    }

    fn mark_terms(&self, occurrences: &[Occurrence], ranges: &mut Vec<(usize, usize)>) {
        ranges.extend(
            occurrences
                .iter()
                .filter(|o| self.terms.contains(&o.word))
                .map(|o| (o.start, o.end)),
        );
    }

    /// Each occurrence of each phrase, as one range from its first word to its last.
    fn mark_phrases(&self, occurrences: &[Occurrence], ranges: &mut Vec<(usize, usize)>) {
        if self.highlights.phrases.is_empty() {
            return;
        }
        let at: HashMap<(u32, usize), &Occurrence> = occurrences
            .iter()
            .map(|o| ((o.position, o.word), o))
            .collect();
        for phrase in &self.highlights.phrases {
            let parts: Vec<(u32, usize)> = phrase
                .iter()
                .map(|(offset, word)| (*offset as u32, self.words[word]))
                .collect();
            for first in occurrences.iter().filter(|o| o.word == parts[0].1) {
                let found: Option<Vec<&&Occurrence>> = parts
                    .iter()
                    .map(|(offset, word)| at.get(&(first.position + offset, *word)))
                    .collect();
                if let Some(found) = found {
                    let end = found.iter().map(|o| o.end).max().unwrap_or(first.end);
                    ranges.push((first.start, end));
                }
            }
        }
    }

    /// The occurrences of each proximity group's words that lie in a matching window.
    fn mark_near(&self, occurrences: &[Occurrence], ranges: &mut Vec<(usize, usize)>) {
        for (group, distance) in &self.highlights.near {
            let mut members: Vec<usize> = Vec::new();
            let mut wanted: Vec<u32> = Vec::new();
            for word in group {
                let word = self.words[word];
                match members.iter().position(|m| *m == word) {
                    Some(i) => wanted[i] += 1,
                    None => {
                        members.push(word);
                        wanted.push(1);
                    }
                }
            }
            let mut events: Vec<(u32, usize, &Occurrence)> = occurrences
                .iter()
                .filter_map(|o| {
                    let member = members.iter().position(|m| *m == o.word)?;
                    Some((o.position, member, o))
                })
                .collect();
            events.sort_by_key(|(position, member, _)| (*position, *member));
            let keys: Vec<(u32, usize)> = events.iter().map(|(p, m, _)| (*p, *m)).collect();
            for_each_window(&keys, &wanted, *distance, |window| {
                ranges.extend(events[window].iter().map(|(_, _, o)| (o.start, o.end)));
            });
        }
    }
}

/// Each occurrence of each Chinese sequence (runs of characters at position offsets), as one
/// range from its first character to its last.
fn mark_sequences(
    sequences: &[Vec<(usize, String)>],
    text: &str,
    ranges: &mut Vec<(usize, usize)>,
) {
    let (runs, _) = analysis::han_runs(text);
    // The run holding a position, and the character's index in it.
    let at = |position: usize| {
        let i = runs.partition_point(|run| run.position + run.chars.len() <= position);
        let run = runs.get(i).filter(|run| run.position <= position)?;
        Some((run, position - run.position))
    };
    // A part's characters at `position`, all in one run: the byte range they cover.
    let part_at = |position: usize, part: &str| {
        let (run, from) = at(position)?;
        let mut end = None;
        let mut chars = part.chars();
        for (i, c) in chars.by_ref().enumerate() {
            let &(found, _, to) = run.chars.get(from + i)?;
            if found != c {
                return None;
            }
            end = Some(to);
        }
        Some((run.chars[from].1, end?))
    };
    for parts in sequences {
        for run in &runs {
            for start in run.position..run.position + run.chars.len() {
                let found: Option<Vec<(usize, usize)>> = parts
                    .iter()
                    .map(|(offset, part)| part_at(start + offset, part))
                    .collect();
                if let Some(found) = found {
                    let end = found
                        .iter()
                        .map(|&(_, end)| end)
                        .max()
                        .unwrap_or(found[0].1);
                    ranges.push((found[0].0, end));
                }
            }
        }
    }
}

/// The token `written`, one word, analysed as indexed text (`None` if dropped).
fn analysed(analyzer: &mut TextAnalyzer, written: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(written);
    stream.next().map(|token| token.text.clone())
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

    fn words(terms: BTreeSet<String>, prefixes: BTreeSet<String>) -> Highlighter {
        Highlighter::new(Highlights {
            terms,
            prefixes,
            ..Highlights::default()
        })
    }

    #[test]
    fn stemmed_words_and_prefixes_are_highlighted() {
        let mut h = words(
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
        let mut h = words(terms, BTreeSet::new());
        let text = "委托初级保健服务的责任";
        let spans = h.highlights(text);
        assert_eq!(spans, [Span { start: 2, end: 6 }]);
    }

    #[test]
    fn exact_words_are_highlighted_only_whole_and_as_written() {
        let mut h = Highlighter::new(Highlights {
            exact: BTreeSet::from(["commissioning".to_string(), "保健".to_string()]),
            ..Highlights::default()
        });
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
            let mut highlighter = words(terms.clone(), prefixes.clone());
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

    fn phrase(words: &[&str]) -> Vec<(usize, String)> {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (i, w.to_string()))
            .collect()
    }

    #[test]
    fn a_phrase_is_highlighted_only_where_it_occurs_as_one_span() {
        let mut h = Highlighter::new(Highlights {
            phrases: vec![phrase(&["primari", "care"])],
            ..Highlights::default()
        });
        let text = "Care in primary schools; primary care, and Primary  Care again.";
        assert_eq!(
            marked(text, &h.highlights(text)),
            ["primary care", "Primary  Care"]
        );
        // In Chinese, where positions count characters.
        let mut h = Highlighter::new(Highlights {
            phrases: vec![vec![(0, "初级".to_string()), (2, "保健".to_string())]],
            ..Highlights::default()
        });
        let text = "保健和初级的初级保健";
        assert_eq!(marked(text, &h.highlights(text)), ["初级保健"]);
    }

    #[test]
    fn a_proximity_group_is_highlighted_only_within_its_distance() {
        let mut h = Highlighter::new(Highlights {
            near: vec![(vec!["trust".to_string(), "board".to_string()], 3)],
            ..Highlights::default()
        });
        let text = "Trust me now, said the boards of one two trust the board.";
        assert_eq!(marked(text, &h.highlights(text)), ["trust", "board"]);
    }

    #[test]
    fn a_single_chinese_character_is_highlighted_inside_words() {
        let mut h = Highlighter::new(Highlights {
            sequences: vec![vec![(0, "蝶".to_string())]],
            ..Highlights::default()
        });
        let text = "蝶恋花是一首词牌名, 蝴蝶";
        assert_eq!(marked(text, &h.highlights(text)), ["蝶", "蝶"]);
    }

    #[test]
    fn a_chinese_sequence_is_highlighted_exactly_where_it_stands() {
        let sequence = |parts: &[(usize, &str)]| {
            Highlighter::new(Highlights {
                sequences: vec![parts.iter().map(|&(o, p)| (o, p.to_string())).collect()],
                ..Highlights::default()
            })
        };
        // Across the words 待 处理 and inside 处理器, not across the comma.
        let text = "待处理的事，处理器处，理";
        let mut h = sequence(&[(0, "处理")]);
        let spans = h.highlights(text);
        assert_eq!(marked(text, &spans), ["处理", "处理"]);
        assert_eq!(spans[0], Span { start: 1, end: 3 });
        // Overlapping occurrences merge into one span.
        let mut h = sequence(&[(0, "哈哈")]);
        assert_eq!(marked("哈哈哈 哈", &h.highlights("哈哈哈 哈")), ["哈哈哈"]);
        // Runs at offsets: one span over both and what separates them.
        let mut h = sequence(&[(0, "初级"), (2, "保健")]);
        let text = "初级 保健和初级保健, 初级 GP 保健";
        assert_eq!(marked(text, &h.highlights(text)), ["初级 保健", "初级保健"]);
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
