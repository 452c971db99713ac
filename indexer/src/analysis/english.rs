//! An English filter beyond tantivy's: plural acronyms (`CCGs`, `GPs`) meet their singular.
//!
//! The Snowball English stemmer drops a plural `s` only when a vowel comes earlier in the word
//! (so `gas` and `this` keep theirs), which leaves `ccgs` as `ccgs` while a search for `CCG`
//! looks for `ccg`. Health-policy text is full of plural acronyms (CCGs, GPs, STPs, PCNs), so
//! this filter, run after the stemmer, also drops the `s` of words with no vowel at all.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Drops the plural `s` of acronyms after stemming: `ccgs` becomes `ccg`, `1990s` becomes `1990`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AcronymPlurals;

impl TokenFilter for AcronymPlurals {
    type Tokenizer<T: Tokenizer> = AcronymPluralsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> AcronymPluralsFilter<T> {
        AcronymPluralsFilter { tokenizer }
    }
}

/// A tokenizer followed by [`AcronymPlurals`].
#[derive(Clone)]
pub(crate) struct AcronymPluralsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for AcronymPluralsFilter<T> {
    type TokenStream<'a> = AcronymPluralsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        AcronymPluralsStream {
            tail: self.tokenizer.token_stream(text),
        }
    }
}

/// The tokens of the wrapped stream, plural acronyms made singular.
pub(crate) struct AcronymPluralsStream<S> {
    tail: S,
}

impl<S: TokenStream> TokenStream for AcronymPluralsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if is_plural_acronym(text) {
            text.pop();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// A lowercase word of two or more consonants or digits (not ending in `s`) followed by `s`.
fn is_plural_acronym(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('s') else {
        return false;
    };
    let consonant_or_digit =
        |b: u8| b.is_ascii_digit() || (b.is_ascii_lowercase() && !b"aeiouy".contains(&b));
    stem.len() >= 2 && !stem.ends_with('s') && stem.bytes().all(consonant_or_digit)
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn filtered(text: &str) -> Vec<String> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(AcronymPlurals)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn plural_acronyms_lose_their_s() {
        assert_eq!(
            filtered("ccgs gps stps pcns 1990s"),
            ["ccg", "gp", "stp", "pcn", "1990"]
        );
    }

    #[test]
    fn words_with_vowels_short_words_and_double_s_are_left_alone() {
        assert_eq!(
            filtered("gas this ms ss nhss cares"),
            ["gas", "this", "ms", "ss", "nhss", "cares"]
        );
    }

    #[test]
    fn uppercase_and_non_ascii_words_are_left_alone() {
        // The filter runs after lowercasing; anything else is not its business.
        assert_eq!(filtered("CCGs 服务s"), ["CCGs", "服务s"]);
    }
}
