//! The words quotes and passages are compared on, and a quote's editorial marks.
//!
//! Words are the unstemmed analysis tokens (lowercased, accents folded; punctuation, quote marks,
//! dashes and spacing gone), so `CCG's` and `CCG’s` compare equal. Chinese words are split into
//! their characters: a quote cut out of a sentence is segmented differently from the sentence,
//! but its characters are the same.

use std::sync::LazyLock;

use regex::Regex;
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{self, Mode, is_cjk};

/// A word of a text: its compared form and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lowercased, accent-folded, unstemmed.
    pub norm: String,
    /// Byte range in the text it was read from.
    pub start: usize,
    pub end: usize,
}

/// Splits texts into [`Word`]s; one per thread (the analyzer keeps state between calls).
pub(crate) struct Words {
    analyzer: TextAnalyzer,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            analyzer: analysis::plain_analyzer(Mode::Query),
        }
    }
}

impl Words {
    /// The words of `text`, Chinese words as one word per character.
    pub fn of(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        for token in analysis::collect_tokens(self.analyzer.token_stream(text)) {
            let original = &text[token.offset_from..token.offset_to];
            if original.chars().any(is_cjk) {
                for (i, c) in original.char_indices() {
                    let start = token.offset_from + i;
                    words.push(Word {
                        norm: c.to_lowercase().collect(),
                        start,
                        end: start + c.len_utf8(),
                    });
                }
            } else {
                words.push(Word {
                    norm: token.text,
                    start: token.offset_from,
                    end: token.offset_to,
                });
            }
        }
        words
    }
}

/// What a gap in a quote stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// An ellipsis: words left out, any number.
    Omission,
    /// A bracketed insertion or replacement (`[the CCG]`): up to [`MAX_REPLACED_WORDS`] words.
    Replacement,
}

/// Most words of the source a bracketed insertion may stand for.
pub(crate) const MAX_REPLACED_WORDS: usize = 6;

/// A quote read for matching: its runs of words between gaps.
#[derive(Debug, Clone, Default)]
pub(crate) struct QuoteWords {
    /// Every word as written, bracketed ones included (a source may hold the brackets too).
    pub all: Vec<Word>,
    /// Runs of the quote's own words, each with the gap before it (`None`: the first run with
    /// nothing before it).
    pub runs: Vec<(Option<Gap>, Vec<Word>)>,
    /// The words outside brackets, in order (what a `close` match compares).
    pub own: Vec<Word>,
    /// Whether the quote leaves words out anywhere (its match may span consecutive turns).
    pub has_omission: bool,
}

/// Ellipses and bracketed text.
static MARKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\s*(?:\.\s*){3,}\]|\[\s*…\s*\]|(?:\.\s*){2}\.|…|\[[^\[\]]{0,200}\]")
        .expect("the marks pattern is valid")
});

impl QuoteWords {
    /// Reads `text` (a quote without its quote marks).
    pub fn read(words: &mut Words, text: &str) -> QuoteWords {
        let mut quote = QuoteWords {
            all: words.of(text),
            ..QuoteWords::default()
        };
        let mut gap = None;
        let mut from = 0;
        for mark in MARKS.find_iter(text) {
            if quote.push_run(gap, words.of(&text[from..mark.start()]), from) {
                gap = None;
            }
            let this = if mark.as_str().starts_with('[') && !is_ellipsis(mark.as_str()) {
                Gap::Replacement
            } else {
                quote.has_omission = true;
                Gap::Omission
            };
            // Two marks in a row are one gap: an omission wins over a replacement.
            gap = match gap {
                Some(Gap::Omission) => Some(Gap::Omission),
                _ => Some(this),
            };
            from = mark.end();
        }
        let _ = quote.push_run(gap, words.of(&text[from..]), from);
        quote
    }

    /// Adds a run of words after `gap`; `false` when there are none.
    fn push_run(&mut self, gap: Option<Gap>, mut run: Vec<Word>, offset: usize) -> bool {
        if run.is_empty() {
            return false;
        }
        for word in &mut run {
            word.start += offset;
            word.end += offset;
        }
        let gap = if self.runs.is_empty() { None } else { gap };
        self.own.extend(run.iter().cloned());
        self.runs.push((gap, run));
        true
    }
}

fn is_ellipsis(mark: &str) -> bool {
    mark.contains('…') || mark.contains("...") || mark.matches('.').count() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.norm.as_str()).collect()
    }

    #[test]
    fn words_ignore_case_punctuation_and_quote_marks_and_split_chinese_into_characters() {
        let mut words = Words::default();
        assert_eq!(
            norms(&words.of("The CCG’s — “plan”, really!")),
            ["the", "ccg", "s", "plan", "really"]
        );
        assert_eq!(
            norms(&words.of("初级保健 and CCGs")),
            ["初", "级", "保", "健", "and", "ccgs"]
        );
    }

    #[test]
    fn ellipses_and_brackets_split_a_quote_into_runs() {
        let mut words = Words::default();
        let quote = QuoteWords::read(
            &mut words,
            "[...] we needed a plan [the CCG] made … and […] then... more",
        );
        let runs: Vec<(Option<Gap>, Vec<&str>)> = quote
            .runs
            .iter()
            .map(|(gap, run)| (*gap, norms(run)))
            .collect();
        assert_eq!(
            runs,
            [
                (None, vec!["we", "needed", "a", "plan"]),
                (Some(Gap::Replacement), vec!["made"]),
                (Some(Gap::Omission), vec!["and"]),
                (Some(Gap::Omission), vec!["then"]),
                (Some(Gap::Omission), vec!["more"]),
            ]
        );
        assert!(quote.has_omission);
        assert_eq!(
            norms(&quote.all)[..6],
            ["we", "needed", "a", "plan", "the", "ccg"]
        );
        assert_eq!(quote.own.len(), 8);
    }
}
