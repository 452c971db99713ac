//! Every analysed form of a passage that the index writes, from one segmentation.
//!
//! The text fields (`text`, `text_pairs`, `words`) each had their analyzer run over the passage,
//! so a Chinese passage was segmented by lindera three times, the costliest step of analysis.
//! Their analyzers differ only in filters that work one token at a time, after the same
//! tokenizer: so the text is segmented once (with the sub-words of Chinese compounds, unstemmed),
//! and each field's tokens are derived from those. They are written pre-tokenized; a test checks
//! that they equal what each field's analyzer makes of the text.

use std::cell::RefCell;

use tantivy::tokenizer::{
    Language, PreTokenizedStream, PreTokenizedString, Stemmer, TextAnalyzer, Token, TokenFilter,
    Tokenizer,
};

use super::english::AcronymPlurals;
use super::pairs::{PairWords, WordPairs};
use super::{Mode, collect_tokens, plain_analyzer};

/// The forms of one passage's text, one per text field.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedText {
    /// As [`super::TEXT`] makes them: lowercased, folded and stemmed, Chinese compounds with
    /// their sub-words.
    pub stemmed: Vec<Token>,
    /// As [`super::PAIRS`] makes them: adjacent stemmed tokens that are both pair words.
    pub pairs: Vec<Token>,
    /// Whole words as written, as the query-mode [`super::PLAIN`] analysis makes them: without
    /// stemming, nor the sub-words (which follow their compound and start inside it).
    pub words: Vec<Token>,
}

thread_local! {
    static PLAIN: RefCell<TextAnalyzer> = RefCell::new(plain_analyzer(Mode::Index));
}

impl IndexedText {
    /// Analyses `text` once; `pair_words` are the index's words that pair up.
    pub fn new(text: &str, pair_words: &PairWords) -> IndexedText {
        // Lowercased and folded, Chinese compounds with their sub-words.
        let plain = PLAIN.with_borrow_mut(|analyzer| collect_tokens(analyzer.token_stream(text)));
        let words = whole_words(&plain);
        let mut stem =
            AcronymPlurals.transform(Stemmer::new(Language::English).transform(Replay(plain)));
        let stemmed = collect_tokens(stem.token_stream(""));
        // Only pair words pair up, and only at consecutive positions, so the others need not be
        // replayed.
        let candidates = stemmed
            .iter()
            .filter(|token| pair_words.contains(&token.text))
            .cloned()
            .collect();
        let mut pair = WordPairs(PairWords::clone(pair_words)).transform(Replay(candidates));
        let pairs = collect_tokens(pair.token_stream(""));
        IndexedText {
            stemmed,
            pairs,
            words,
        }
    }
}

/// Tokens as a value of a pre-tokenized field: the text is not needed, only the tokens.
pub fn pre_tokenized(tokens: Vec<Token>) -> PreTokenizedString {
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// Tokens made earlier, given again as a tokenizer's output so filters can run over them.
#[derive(Clone)]
struct Replay(Vec<Token>);

impl Tokenizer for Replay {
    type TokenStream<'a> = PreTokenizedStream;

    fn token_stream<'a>(&'a mut self, _text: &'a str) -> PreTokenizedStream {
        PreTokenizedStream::from(pre_tokenized(std::mem::take(&mut self.0)))
    }
}

fn whole_words(plain: &[Token]) -> Vec<Token> {
    let mut whole_to = 0;
    plain
        .iter()
        .filter(|token| {
            let whole = token.offset_from >= whole_to;
            if whole {
                whole_to = token.offset_to;
            }
            whole
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use super::*;
    use crate::analysis::{pairs_analyzer, text_analyzer};

    fn analysed(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        collect_tokens(analyzer.token_stream(text))
    }

    #[test]
    fn each_form_equals_its_fields_own_analysis() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/documents");
        let mut texts: Vec<String> = std::fs::read_dir(&corpus)
            .expect("the demo corpus")
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .collect();
        texts.extend(
            [
                "研究卫生保健服务体系 and the CCGs' co-commissioning of GPs",
                "自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任。",
                &format!("gp {} manager", "a".repeat(200)),
                "Café Nero, the primary care home; STPs; 蝶恋花是一首词牌名",
                "",
            ]
            .map(str::to_string),
        );
        assert!(texts.len() > 10, "{} texts", texts.len());
        let pair_words: PairWords = Arc::new(HashSet::from(
            ["the", "primary", "care", "of", "and", "gp"].map(str::to_string),
        ));
        for text in &texts {
            let indexed = IndexedText::new(text, &pair_words);
            let expected = IndexedText {
                stemmed: analysed(text_analyzer(Mode::Index), text),
                pairs: analysed(pairs_analyzer(Mode::Index, &pair_words), text),
                words: analysed(plain_analyzer(Mode::Query), text),
            };
            let start: String = text.chars().take(40).collect();
            assert_eq!(indexed, expected, "{start}");
        }
    }
}
