//! Single Chinese characters, for one-character queries: `蝶` finds `蝶恋花是一首词牌名`, where
//! the segmenter made one word of 蝶恋花.
//!
//! Kept apart from the words of `TEXT` so that ordinary queries walk the same posting lists as
//! before; only a query of one Chinese character looks here.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::cjk::is_cjk;

/// Every Han character of the text as a token (other text yields none).
#[derive(Debug, Clone, Default)]
pub(crate) struct HanChars {
    token: Token,
}

impl Tokenizer for HanChars {
    type TokenStream<'a> = HanCharsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HanCharsStream<'a> {
        self.token.reset();
        HanCharsStream {
            chars: text.char_indices(),
            position: 0,
            token: &mut self.token,
        }
    }
}

/// The Han characters of one text.
pub(crate) struct HanCharsStream<'a> {
    chars: std::str::CharIndices<'a>,
    position: usize,
    token: &'a mut Token,
}

impl TokenStream for HanCharsStream<'_> {
    fn advance(&mut self) -> bool {
        for (offset, c) in self.chars.by_ref() {
            if is_cjk(c) {
                self.token.text.clear();
                self.token.text.push(c);
                self.token.offset_from = offset;
                self.token.offset_to = offset + c.len_utf8();
                self.token.position = self.position;
                self.position += 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_han_character_and_nothing_else() {
        let mut tokenizer = HanChars::default();
        let mut stream = tokenizer.token_stream("CCG 蝶恋花, 是 GP");
        let mut chars = Vec::new();
        while let Some(token) = stream.next() {
            chars.push(token.text.clone());
        }
        assert_eq!(chars, ["蝶", "恋", "花", "是"]);
    }
}
