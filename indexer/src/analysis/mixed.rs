//! The tokenizer for English, Chinese, and both mixed in one passage or query.
//!
//! Text splits into runs of Han characters and everything else. Outside Han runs a token is a
//! maximal run of letters and digits (`co-commissioning` gives `co`, `commissioning`), one
//! position each. A Han run is segmented into words by [`chinese`](super::chinese), and a word's
//! position is where the run starts plus how many characters of the run precede it; the run
//! then takes up as many positions as it has characters. So a phrase's positions depend only on
//! the phrase itself, never on how the text before it was segmented, and the extra sub-words
//! of [`Mode::Index`] can sit at their own character positions without shifting anything.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::Mode;
use super::chinese::{Segmenter, Word};
use super::cjk::is_cjk;

/// Splits mixed English and Chinese text into tokens with byte offsets and positions.
#[derive(Clone)]
pub(crate) struct MixedTokenizer {
    mode: Mode,
    token: Token,
    segmenter: Segmenter,
    /// Words of the Han run being emitted; kept here so its allocation is reused.
    words: Vec<Word>,
    /// When set, only Han runs containing one of these strings are segmented (see
    /// [`MixedTokenizer::for_highlights`]).
    han_needles: Option<Vec<String>>,
}

impl MixedTokenizer {
    /// A tokenizer for indexing (with sub-words of Chinese compounds) or for queries (without).
    pub(crate) fn new(mode: Mode) -> Self {
        Self {
            mode,
            token: Token::default(),
            segmenter: Segmenter::default(),
            words: Vec::new(),
            han_needles: None,
        }
    }

    /// An indexing-mode tokenizer that skips the Han runs containing none of `needles`.
    ///
    /// For highlighting: every word of a Han run is a substring of the run, so a run without a
    /// query word in it cannot yield a match, and segmenting it (the costly part of Chinese
    /// analysis) is wasted. Runs of other characters are all emitted.
    pub(crate) fn for_highlights(needles: Vec<String>) -> Self {
        Self {
            han_needles: Some(needles),
            ..Self::new(Mode::Index)
        }
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream<'a> {
        self.token.reset();
        self.words.clear();
        MixedTokenStream {
            text,
            sub_words: self.mode == Mode::Index,
            cursor: 0,
            next_position: 0,
            han_run: HanRun::default(),
            next_word: 0,
            token: &mut self.token,
            segmenter: &mut self.segmenter,
            words: &mut self.words,
            han_needles: self.han_needles.as_deref(),
        }
    }
}

/// The tokens of one text, produced as they are asked for.
pub(crate) struct MixedTokenStream<'a> {
    text: &'a str,
    /// Whether Chinese compounds also yield the words inside them (indexing).
    sub_words: bool,
    /// Byte offset where scanning for the next run resumes.
    cursor: usize,
    /// Position of the next token after the current Han run.
    next_position: usize,
    /// Where the Han run whose `words` are being emitted starts.
    han_run: HanRun,
    /// Index into `words` of the next word to emit.
    next_word: usize,
    token: &'a mut Token,
    segmenter: &'a mut Segmenter,
    words: &'a mut Vec<Word>,
    /// See [`MixedTokenizer::for_highlights`].
    han_needles: Option<&'a [String]>,
}

/// Where a Han run starts, in bytes of the text and in token positions.
#[derive(Debug, Clone, Copy, Default)]
struct HanRun {
    byte_start: usize,
    position: usize,
}

impl TokenStream for MixedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(&word) = self.words.get(self.next_word) {
                self.next_word += 1;
                let start = self.han_run.byte_start;
                self.set_token(
                    start + word.byte_start,
                    start + word.byte_end,
                    self.han_run.position + word.char_start,
                );
                return true;
            }
            let Some(run) = next_run(self.text, self.cursor) else {
                return false;
            };
            self.cursor = run.end;
            let text: &str = self.text;
            let run_text = &text[run.start..run.end];
            if run.han && self.skips(run_text) {
                self.next_position += run_text.chars().count();
            } else if run.han {
                self.words.clear();
                self.next_word = 0;
                self.han_run = HanRun {
                    byte_start: run.start,
                    position: self.next_position,
                };
                let chars = self.segmenter.segment(run_text, self.sub_words, self.words);
                self.next_position += chars;
            } else {
                self.set_token(run.start, run.end, self.next_position);
                self.next_position += 1;
                return true;
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

impl MixedTokenStream<'_> {
    /// Whether a Han run is left unsegmented: none of the needles occurs in it.
    fn skips(&self, run_text: &str) -> bool {
        self.han_needles
            .is_some_and(|needles| !needles.iter().any(|n| run_text.contains(n.as_str())))
    }

    /// Makes `text[from..to]` the current token, reusing the token's buffer.
    fn set_token(&mut self, from: usize, to: usize, position: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
    }
}

/// A stretch of text that yields tokens: Han characters, or letters and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// Whether the run is of Han characters (else of letters and digits).
    pub han: bool,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// The next run at or after byte `from`, skipping whitespace and punctuation (CJK punctuation
/// included: it is neither Han nor alphanumeric).
pub(crate) fn next_run(text: &str, from: usize) -> Option<Run> {
    let rest = &text[from..];
    let mut chars = rest.char_indices();
    let (start, first) = chars.find(|&(_, c)| is_cjk(c) || c.is_alphanumeric())?;
    let han = is_cjk(first);
    // Han characters are alphanumeric too, so a Latin run must also stop where Han begins.
    let end = chars
        .find(|&(_, c)| {
            if han {
                !is_cjk(c)
            } else {
                is_cjk(c) || !c.is_alphanumeric()
            }
        })
        .map_or(rest.len(), |(i, _)| i);
    Some(Run {
        han,
        start: from + start,
        end: from + end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, offset_from, offset_to, position) of every token.
    fn tokens(mode: Mode, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = MixedTokenizer::new(mode);
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    /// (text, position) of every token.
    fn words(mode: Mode, text: &str) -> Vec<(String, usize)> {
        tokens(mode, text)
            .into_iter()
            .map(|(word, _, _, position)| (word, position))
            .collect()
    }

    fn owned(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
        expected
            .iter()
            .map(|&(word, position)| (word.to_string(), position))
            .collect()
    }

    #[test]
    fn latin_tokens_are_runs_of_letters_and_digits() {
        let actual = words(
            Mode::Query,
            "[Independent GP ID9] co-commissioning, n=49; it's 2015.",
        );
        let expected = [
            ("Independent", 0),
            ("GP", 1),
            ("ID9", 2),
            ("co", 3),
            ("commissioning", 4),
            ("n", 5),
            ("49", 6),
            ("it", 7),
            ("s", 8),
            ("2015", 9),
        ];
        assert_eq!(actual, owned(&expected));
    }

    #[test]
    fn han_words_are_positioned_by_character_offset_in_their_run() {
        // 我们 研究 卫生保健 服务: the run starts at position 1 (after CCGs) and spans 10 positions.
        let actual = words(Mode::Query, "CCGs我们研究卫生保健服务 STP");
        let expected = [
            ("CCGs", 0),
            ("我们", 1),
            ("研究", 3),
            ("卫生保健", 5),
            ("服务", 9),
            ("STP", 11),
        ];
        assert_eq!(actual, owned(&expected));
    }

    #[test]
    fn index_mode_adds_sub_words_after_their_compound_without_moving_positions() {
        let actual = words(Mode::Index, "研究卫生保健服务体系");
        let expected = [
            ("研究", 0),
            ("卫生保健", 2),
            ("卫生", 2),
            ("保健", 4),
            ("服务体系", 6),
            ("服务", 6),
            ("体系", 8),
        ];
        assert_eq!(actual, owned(&expected));
    }

    #[test]
    fn positions_never_decrease_and_longer_tokens_come_first() {
        let text = "2015年4月以来，中华人民共和国的临床委托组承担了初级卫生保健服务体系的责任。";
        let all = tokens(Mode::Index, text);
        for pair in all.windows(2) {
            let ((_, from_a, to_a, pos_a), (_, from_b, to_b, pos_b)) = (&pair[0], &pair[1]);
            let longer_first = pos_a < pos_b || (pos_a == pos_b && to_a - from_a > to_b - from_b);
            assert!(
                longer_first,
                "out of order: {:?} then {:?}",
                pair[0], pair[1]
            );
        }
    }

    #[test]
    fn cjk_punctuation_separates_runs_and_advances_no_position() {
        let actual = words(Mode::Query, "服务，保健。（CCGs）");
        assert_eq!(actual, owned(&[("服务", 0), ("保健", 2), ("CCGs", 4)]));
    }

    #[test]
    fn offsets_point_at_each_token_surface_in_mixed_text() {
        let text = "自 2015 年 4 月以来,临床委托组(CCGs)承担了初级卫生保健服务体系的责任。Café au lait — naïve “co-op” 𠀀字 end";
        let all = tokens(Mode::Index, text);
        assert!(all.len() > 20, "{all:?}");
        for (word, from, to, _) in &all {
            assert_eq!(&text[*from..*to], word, "offsets {from}..{to}");
        }
        for expected in [
            "Café",
            "naïve",
            "𠀀",
            "字",
            "co",
            "op",
            "end",
            "卫生保健",
            "保健",
            "服务体系",
            "体系",
        ] {
            assert!(
                all.iter().any(|(word, ..)| word == expected),
                "{expected} missing from {all:?}"
            );
        }
    }

    #[test]
    fn empty_and_punctuation_only_texts_have_no_tokens() {
        assert!(tokens(Mode::Index, "").is_empty());
        assert!(tokens(Mode::Index, " — ，。!? ").is_empty());
    }

    #[test]
    fn a_reused_tokenizer_starts_each_text_afresh() {
        let mut tokenizer = MixedTokenizer::new(Mode::Index);
        let mut first = tokenizer.token_stream("卫生保健服务");
        while first.advance() {}
        let mut second = tokenizer.token_stream("GP");
        assert!(second.advance());
        assert_eq!(
            (second.token().text.as_str(), second.token().position),
            ("GP", 0)
        );
        assert!(!second.advance());
    }
}
