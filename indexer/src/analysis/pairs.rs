//! Word pairs (shingles): two adjacent frequent English words as one token, so a phrase of
//! frequent words is one posting list instead of two long position lists to walk, as
//! Elasticsearch's `index_phrases` and Lucene's common grams do.
//!
//! Only words of the index's [`PairWords`] pair up: a phrase with a rarer word is quick to check
//! by positions already, and pairing every word would make the pairs' dictionary as large as
//! the text. A pair is made of two analysed tokens at consecutive positions, neither Chinese
//! (Chinese positions count characters and compounds yield sub-words at shared positions, so
//! Chinese phrases keep the positional path). A pair stands at its first word's position.

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::cjk::is_cjk;

/// The words that pair up in an index: its most frequent English words (analysed), chosen
/// when the index is first built and kept by every update of it, so that a query knows which
/// phrases have pairs.
pub type PairWords = Arc<HashSet<String>>;

/// How many of the most frequent words pair up.
pub const PAIR_WORDS: usize = 512;

/// The [`PAIR_WORDS`] most frequent English words of `tokens` (analysed), most frequent first.
pub fn most_frequent_words<'a>(tokens: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for token in tokens.filter(|t| t.chars().next().is_some_and(|c| !is_cjk(c))) {
        *counts.entry(token).or_default() += 1;
    }
    let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(PAIR_WORDS)
        .map(|(word, _)| word.to_string())
        .collect()
}

/// The token of the pair `first second` (both analysed): the two words with a space between,
/// which no analysed word contains.
pub fn word_pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Replaces a token stream by the pairs of its adjacent tokens that are both pair words.
#[derive(Debug, Clone)]
pub(crate) struct WordPairs(pub(crate) PairWords);

impl TokenFilter for WordPairs {
    type Tokenizer<T: Tokenizer> = WordPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordPairsFilter<T> {
        WordPairsFilter {
            tokenizer,
            words: self.0,
        }
    }
}

/// A tokenizer followed by [`WordPairs`].
#[derive(Clone)]
pub(crate) struct WordPairsFilter<T> {
    tokenizer: T,
    words: PairWords,
}

impl<T: Tokenizer> Tokenizer for WordPairsFilter<T> {
    type TokenStream<'a> = WordPairsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordPairsStream {
            tail: self.tokenizer.token_stream(text),
            words: &self.words,
            previous: None,
            pair: Token::default(),
        }
    }
}

/// The pairs of the wrapped stream's tokens.
pub(crate) struct WordPairsStream<'a, S> {
    tail: S,
    words: &'a HashSet<String>,
    /// The last token that may start a pair: its text, position and start offset.
    previous: Option<(String, usize, usize)>,
    pair: Token,
}

impl<S: TokenStream> TokenStream for WordPairsStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token();
            if !self.words.contains(&token.text) {
                self.previous = None;
                continue;
            }
            let next = (token.text.clone(), token.position, token.offset_from);
            let previous = self.previous.replace(next);
            if let Some((first, position, offset_from)) = previous
                && position + 1 == token.position
            {
                self.pair.text = word_pair(&first, &token.text);
                self.pair.position = position;
                self.pair.offset_from = offset_from;
                self.pair.offset_to = token.offset_to;
                self.pair.position_length = 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.pair
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Mode, pairs_analyzer};

    fn pairs(text: &str) -> Vec<(String, usize)> {
        let words = [
            "primari", "care", "servic", "co", "locat", "stp", "plan", "nhs", "ccg",
        ];
        let words = Arc::new(words.iter().map(ToString::to_string).collect());
        let mut analyzer = pairs_analyzer(Mode::Index, &words);
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.text.clone(), token.position));
        }
        out
    }

    #[test]
    fn adjacent_words_pair_up_stemmed_at_the_first_word() {
        assert_eq!(
            pairs("Primary care services, co-location"),
            [
                ("primari care".to_string(), 0),
                ("care servic".to_string(), 1),
                ("servic co".to_string(), 2),
                ("co locat".to_string(), 3),
            ]
        );
    }

    #[test]
    fn only_pair_words_pair_up() {
        assert_eq!(
            pairs("primary care of patients, care services"),
            [
                ("primari care".to_string(), 0),
                ("care servic".to_string(), 4)
            ]
        );
    }

    #[test]
    fn the_most_frequent_english_words_are_chosen() {
        let tokens = [
            "care", "the", "care", "保健", "保健", "保健", "of", "the", "care",
        ];
        assert_eq!(
            most_frequent_words(tokens.into_iter()),
            ["care", "the", "of"]
        );
    }

    #[test]
    fn chinese_and_dropped_tokens_break_pairs() {
        let blob = "x".repeat(100);
        assert_eq!(
            pairs(&format!("CCGs 初级保健 STP plans {blob} NHS")),
            [("stp plan".to_string(), 5)]
        );
    }
}
