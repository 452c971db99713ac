//! Chinese characters one by one and two by two, so that a run of Han characters typed in a
//! query finds every passage holding that exact sequence, whatever the segmenter made of it:
//! `蝶` finds `蝶恋花是一首词牌名` (one word to the segmenter), `处理` finds `待处理`.
//!
//! [`HanChars`] gives each Han character (for one-character queries); [`HanPairs`] each pair of
//! adjacent Han characters at the position of its first, positions counted as in `TEXT` (one per
//! Han character, one per other word; spaces and punctuation take none). A sequence of two or
//! more characters is then the phrase of its overlapping pairs: each pair exists only where its
//! two characters stand side by side, so the phrase matches exactly where the sequence does.
//! Kept apart from the words of `TEXT`, so word queries walk the same posting lists as before.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::cjk::is_cjk;
use super::mixed::next_run;
use super::normalize::normalize;

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

/// Every two adjacent Han characters of the text as a token, at `TEXT`'s position of the first.
#[derive(Debug, Clone, Default)]
pub(crate) struct HanPairs {
    token: Token,
}

impl Tokenizer for HanPairs {
    type TokenStream<'a> = HanPairsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HanPairsStream<'a> {
        self.token.reset();
        HanPairsStream {
            text,
            cursor: 0,
            run: None,
            next_position: 0,
            token: &mut self.token,
        }
    }
}

/// The character pairs of one text.
pub(crate) struct HanPairsStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next run resumes.
    cursor: usize,
    /// The Han run being paired: its remaining characters (from the first of the next pair),
    /// and that character's position.
    run: Option<(std::str::CharIndices<'a>, usize, usize)>,
    /// Position of the first token after the current run.
    next_position: usize,
    token: &'a mut Token,
}

impl TokenStream for HanPairsStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((chars, start, position)) = &mut self.run {
                let mut ahead = chars.clone();
                if let (Some((first, _)), Some((second, c))) = (ahead.next(), ahead.next()) {
                    chars.next();
                    let (from, to) = (*start + first, *start + second + c.len_utf8());
                    self.token.text.clear();
                    self.token.text.push_str(&self.text[from..to]);
                    self.token.offset_from = from;
                    self.token.offset_to = to;
                    self.token.position = *position;
                    *position += 1;
                    return true;
                }
                self.run = None;
            }
            let Some(run) = next_run(self.text, self.cursor) else {
                return false;
            };
            self.cursor = run.end;
            if run.han {
                let run_text = &self.text[run.start..run.end];
                self.run = Some((run_text.char_indices(), run.start, self.next_position));
                self.next_position += run_text.chars().count();
            } else {
                self.next_position += 1;
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// A run of Han characters in a text: its characters, with their byte ranges in the text, and
/// the position of its first character (as in `TEXT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HanRun {
    /// Position of the first character.
    pub position: usize,
    /// The run's characters and the byte range of each in the text.
    pub chars: Vec<(char, usize, usize)>,
}

impl HanRun {
    /// The run as a string.
    pub fn text(&self) -> String {
        self.chars.iter().map(|&(c, _, _)| c).collect()
    }
}

/// The Han runs of `text` as analysed (normalised, see `normalize`), each character located in
/// `text` as written, and whether it has other words too (letters or digits).
pub fn han_runs(written: &str) -> (Vec<HanRun>, bool) {
    let (text, alignment) = normalize(written);
    let original = |offset: usize, is_end: bool| {
        alignment
            .as_ref()
            .map_or(offset, |a| a.original(offset, is_end))
    };
    let mut runs = Vec::new();
    let mut others = false;
    let mut position = 0;
    let mut cursor = 0;
    while let Some(run) = next_run(&text, cursor) {
        cursor = run.end;
        if run.han {
            let chars: Vec<(char, usize, usize)> = text[run.start..run.end]
                .char_indices()
                .map(|(at, c)| {
                    let at = run.start + at;
                    (c, original(at, false), original(at + c.len_utf8(), true))
                })
                .collect();
            let count = chars.len();
            runs.push(HanRun { position, chars });
            position += count;
        } else {
            others = true;
            position += 1;
        }
    }
    (runs, others)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens<T: Tokenizer>(mut tokenizer: T, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            assert_eq!(&text[token.offset_from..token.offset_to], token.text);
            out.push((token.text.clone(), token.position));
        }
        out
    }

    fn owned(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
        expected.iter().map(|&(t, p)| (t.to_string(), p)).collect()
    }

    #[test]
    fn every_han_character_and_nothing_else() {
        let chars: Vec<String> = tokens(HanChars::default(), "CCG 蝶恋花, 是 GP")
            .into_iter()
            .map(|(text, _)| text)
            .collect();
        assert_eq!(chars, ["蝶", "恋", "花", "是"]);
    }

    #[test]
    fn pairs_stand_side_by_side_at_the_positions_of_text() {
        // CCGs@0, 待处理@1..3, punctuation takes no position, 服务@4..5, GP@6, 初级保健@7..10.
        let pairs = tokens(HanPairs::default(), "CCGs待处理，服务 GP初级保健 蝶");
        let expected = [
            ("待处", 1),
            ("处理", 2),
            ("服务", 4),
            ("初级", 7),
            ("级保", 8),
            ("保健", 9),
        ];
        assert_eq!(pairs, owned(&expected));
    }

    #[test]
    fn runs_carry_their_positions_and_byte_ranges() {
        let (runs, others) = han_runs("GP 初级，保健");
        assert!(others);
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[0].position, runs[0].text()), (1, "初级".to_string()));
        assert_eq!((runs[1].position, runs[1].text()), (3, "保健".to_string()));
        assert_eq!(runs[1].chars[0], ('保', 12, 15));
        assert!(!han_runs("待处理").1);
    }

    #[test]
    fn runs_are_simplified_and_located_in_the_text_as_written() {
        let (runs, _) = han_runs("GP 初級保健");
        assert_eq!(runs[0].text(), "初级保健");
        assert_eq!(runs[0].chars[1], ('级', 6, 9));
    }
}
