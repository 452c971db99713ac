//! Text analysis: one analyzer for English, Chinese, and both mixed in one passage or query.
//!
//! Text is analysed as normalised (`normalize`): Unicode NFKC, then Traditional Chinese characters
//! folded to Simplified (`script`), each token still located in the text as written.
//! The tokenizer splits text into runs of Han characters, segmented into words with lindera and
//! the jieba dictionary (compiled in by `build.rs`), and runs of letters and digits. Filters
//! then lowercase, fold accents and stem English words (`CCGs` meets `ccg`); Chinese words pass
//! through unchanged.
//! Phrase positions of Chinese words are counted in characters, so a phrase matches however
//! the surrounding text was segmented. When indexing, long Chinese words also yield the
//! dictionary words inside them (卫生保健 is found by 保健); queries never do, so a phrase
//! built from query tokens lines up with the indexed main words.
//! Beside the words, every Han character and every pair of adjacent ones are indexed (`chars`),
//! so a run of Chinese characters in a query is found wherever it stands, inside words or
//! across them.
//!
//! Register the analyzers once with [`register`] and name them in the schema with [`TEXT`],
//! [`PLAIN`] and [`KEYWORD`]; tokenize queries with `text_analyzer(Mode::Query)`.

mod chars;
mod chinese;
mod cjk;
mod english;
mod indexed;
mod mixed;
mod normalize;
mod pairs;
mod script;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, TextAnalyzerBuilder, Token, TokenStream, Tokenizer, TokenizerManager,
};

use chars::{HanChars, HanPairs};
pub use chars::{HanRun, han_runs};
pub use cjk::is_cjk;
use english::AcronymPlurals;
pub use indexed::{IndexedText, pre_tokenized};
use mixed::MixedTokenizer;
use normalize::Normalizing;
pub use normalize::may_hold_han;
use pairs::WordPairs;
pub use pairs::{PAIR_WORDS, PairWords, most_frequent_words, word_pair};

/// The searchable text: mixed English/Chinese tokens, lowercased, accent-folded and stemmed.
pub const TEXT: &str = "verbatim_text";

/// Like [`TEXT`] without stemming, for prefix queries such as `integrat*`.
pub const PLAIN: &str = "verbatim_plain";

/// Pairs of adjacent English words of [`TEXT`], for two-word phrases (see `pairs`).
pub const PAIRS: &str = "verbatim_pairs";

/// Each Chinese character of the text, for one-character queries (see `chars`).
pub const CHARS: &str = "verbatim_chars";

/// Each two adjacent Chinese characters of the text, at their positions, for sequences of two
/// or more characters found wherever they stand (see `chars`).
pub const CHAR_PAIRS: &str = "verbatim_char_pairs";

/// The whole value as one lowercased token, for case-insensitive filters on role, site and such.
pub const KEYWORD: &str = "verbatim_keyword";

/// Tokens longer than this (in bytes) are dropped: they are encoded blobs or URLs, not words,
/// and nobody searches for them.
const MAX_TOKEN_BYTES: usize = 80;

/// What the analyzer is tokenizing, which decides whether Chinese compounds also yield sub-words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Text being indexed: Chinese words of three or more characters also yield the dictionary
    /// words inside them, at their own positions.
    Index,
    /// Query text: only the main segmentation, so phrase positions line up with the index.
    Query,
}

/// The analyzer for [`TEXT`]: mixed tokenizer, lowercase, ASCII folding, English stemming
/// (plural acronyms included: `CCGs` is found by `ccg`).
pub fn text_analyzer(mode: Mode) -> TextAnalyzer {
    stemmed(plain(MixedTokenizer::new(mode))).build()
}

/// The analyzer for [`PLAIN`]: as [`text_analyzer`] without stemming.
pub fn plain_analyzer(mode: Mode) -> TextAnalyzer {
    plain(MixedTokenizer::new(mode)).build()
}

/// The analyzer for [`PAIRS`]: [`text_analyzer`]'s adjacent tokens that are both `words`, two
/// by two.
pub fn pairs_analyzer(mode: Mode, words: &PairWords) -> TextAnalyzer {
    stemmed(plain(MixedTokenizer::new(mode)))
        .filter(WordPairs(std::sync::Arc::clone(words)))
        .build()
}

/// `tokenizer`'s tokens of the normalised text (located in the text as written), without
/// over-long ones, lowercased and folded: the unstemmed analysis.
fn plain<T: Tokenizer>(tokenizer: T) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(Normalizing::new(tokenizer))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// An unstemmed analysis, stemmed (plural acronyms included).
fn stemmed<T: Tokenizer>(plain: TextAnalyzerBuilder<T>) -> TextAnalyzerBuilder<impl Tokenizer> {
    plain
        .filter(Stemmer::new(Language::English))
        .filter(AcronymPlurals)
}

/// The analyzer for [`KEYWORD`]: the whole value as one lowercased token.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// The texts of the tokens `analyzer` makes of `text`, in order.
pub fn token_texts(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    collect_tokens(analyzer.token_stream(text))
        .into_iter()
        .map(|token| token.text)
        .collect()
}

/// Each token's position and text, as `analyzer` makes them of `text`.
pub fn positioned_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    collect_tokens(analyzer.token_stream(text))
        .into_iter()
        .map(|token| (token.position, token.text))
        .collect()
}

/// Every token of `stream`, in order.
pub(crate) fn collect_tokens(mut stream: impl TokenStream) -> Vec<Token> {
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tokens
}

/// [`text_analyzer`] and [`plain_analyzer`] (indexing mode) for highlighting: Han runs that
/// contain none of `han_needles` are skipped rather than segmented.
///
/// Every word of a Han run is a substring of the run, and the filters leave Han words as they
/// are, so a skipped run holds no token equal to (or starting with) a needle: the highlights
/// are those of the full analyzers, without segmenting text that cannot match.
pub(crate) fn highlight_analyzers(han_needles: Vec<String>) -> (TextAnalyzer, TextAnalyzer) {
    let tokenizer = MixedTokenizer::for_highlights(han_needles);
    (
        stemmed(plain(tokenizer.clone())).build(),
        plain(tokenizer).build(),
    )
}

/// Registers [`TEXT`], [`PLAIN`] and [`PAIRS`] (indexing mode; pairs of `pair_words`), [`CHARS`],
/// [`CHAR_PAIRS`] and [`KEYWORD`] with an index's tokenizers.
pub fn register(manager: &TokenizerManager, pair_words: &PairWords) {
    manager.register(TEXT, text_analyzer(Mode::Index));
    manager.register(PLAIN, plain_analyzer(Mode::Index));
    manager.register(PAIRS, pairs_analyzer(Mode::Index, pair_words));
    manager.register(
        CHARS,
        TextAnalyzer::from(Normalizing::new(HanChars::default())),
    );
    manager.register(
        CHAR_PAIRS,
        TextAnalyzer::from(Normalizing::new(HanPairs::default())),
    );
    manager.register(KEYWORD, keyword_analyzer());
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::{PhraseQuery, Query, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::tokenizer::TokenStream;
    use tantivy::{Index, TantivyDocument, Term};

    use super::*;

    /// From the Chinese abstract of McDermott et al. 2019 (corpus/documents).
    const PAPER: &str = "自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任。本文旨在分析 CCGs 对这一新责任的反应,并确定促进或阻碍实现综合保健系统的挑战和因素。";
    const STPS: &str = "我们的受访者对新的合作服务模式(如新的护理模式和可持续性和转型伙伴关系(STPs))对初级保健的未来意味着什么持不同看法。";
    const SERVICE_SYSTEM: &str = "建立以社区为基础的卫生服务体系。";
    const ENGLISH: &str = "The CCG commissioned primary care services from the Café Nero group.";

    /// An index in RAM with one TEXT field holding each of `texts` as a document.
    struct TestIndex {
        index: Index,
        text: Field,
    }

    impl TestIndex {
        fn new(texts: &[&str]) -> TestIndex {
            let mut schema = Schema::builder();
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(TEXT)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let text = schema.add_text_field(
                "text",
                TextOptions::default().set_indexing_options(indexing),
            );
            let index = Index::create_in_ram(schema.build());
            register(index.tokenizers(), &PairWords::default());
            let mut writer = index
                .writer_with_num_threads(1, 15_000_000)
                .expect("index writer");
            for value in texts {
                let mut document = TantivyDocument::default();
                document.add_text(text, value);
                writer.add_document(document).expect("add document");
            }
            writer.commit().expect("commit");
            TestIndex { index, text }
        }

        /// How many documents match `query` analysed as a query: a term query for one token,
        /// a phrase query with the token positions as offsets for several.
        fn count(&self, query: &str) -> usize {
            let mut terms = Vec::new();
            let mut analyzer = text_analyzer(Mode::Query);
            let mut stream = analyzer.token_stream(query);
            while let Some(token) = stream.next() {
                terms.push((
                    token.position,
                    Term::from_field_text(self.text, &token.text),
                ));
            }
            let query: Box<dyn Query> = match terms.len() {
                0 => panic!("{query:?} has no tokens"),
                1 => Box::new(TermQuery::new(
                    terms.remove(0).1,
                    IndexRecordOption::WithFreqsAndPositions,
                )),
                _ => Box::new(PhraseQuery::new_with_offset(terms)),
            };
            let reader = self.index.reader().expect("reader");
            reader.searcher().search(&query, &Count).expect("search")
        }
    }

    /// The token texts `analyzer` makes of `text`.
    fn texts(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn chinese_words_and_phrases_of_the_paper_are_found() {
        let index = TestIndex::new(&[PAPER]);
        for query in [
            "临床委托组",
            "初级保健",
            "综合保健系统",
            "委托初级保健服务",
            "责任",
        ] {
            assert_eq!(index.count(query), 1, "{query}");
        }
        // The same characters in another order, and a word the paper does not use.
        for query in ["系统保健综合", "保健初级", "医院"] {
            assert_eq!(index.count(query), 0, "{query}");
        }
    }

    #[test]
    fn sub_words_of_indexed_compounds_are_found_and_phrases_still_match() {
        // 卫生服务体系 is indexed as 卫生 服务体系 (服务 and 体系 inside it).
        let index = TestIndex::new(&[SERVICE_SYSTEM]);
        assert_eq!(texts(text_analyzer(Mode::Query), "服务体系"), ["服务体系"]);
        for query in [
            "服务",
            "体系",
            "服务体系",
            "卫生服务",
            "卫生服务体系",
            "社区为基础的卫生服务",
        ] {
            assert_eq!(index.count(query), 1, "{query}");
        }
        assert_eq!(index.count("体系服务"), 0);
    }

    #[test]
    fn latin_words_inside_chinese_text_are_found_by_english_queries() {
        let index = TestIndex::new(&[PAPER, STPS]);
        assert_eq!(index.count("CCGs"), 1);
        assert_eq!(index.count("ccg"), 1, "stemmed: ccgs and ccg share a term");
        assert_eq!(index.count("STP"), 1, "stemmed: STPs and STP share a term");
        assert_eq!(index.count("转型伙伴关系 STPs"), 1);
    }

    #[test]
    fn english_is_lowercased_folded_and_stemmed() {
        let index = TestIndex::new(&[ENGLISH]);
        for query in [
            "ccg",
            "CAFE",
            "café",
            "commissioning",
            "commissions",
            "Service",
        ] {
            assert_eq!(index.count(query), 1, "{query}");
        }
        assert_eq!(
            texts(text_analyzer(Mode::Query), "Commissioning café"),
            ["commiss", "cafe"]
        );
        assert_eq!(
            texts(plain_analyzer(Mode::Query), "Commissioning café"),
            ["commissioning", "cafe"]
        );
    }

    #[test]
    fn english_phrases_keep_word_order() {
        let index = TestIndex::new(&[ENGLISH]);
        assert_eq!(index.count("primary care services"), 1);
        assert_eq!(index.count("care primary services"), 0);
        assert_eq!(index.count("commissioned care"), 0);
    }

    #[test]
    fn the_stemmer_leaves_chinese_words_alone() {
        let tokenized = texts(MixedTokenizer::new(Mode::Index).into(), SERVICE_SYSTEM);
        assert_eq!(texts(text_analyzer(Mode::Index), SERVICE_SYSTEM), tokenized);
        assert!(
            tokenized.iter().any(|word| word == "服务体系"),
            "{tokenized:?}"
        );
    }

    #[test]
    fn offsets_survive_the_filters() {
        // Each token's surface, analysed on its own, gives the token back.
        let text = format!("{PAPER} {ENGLISH} {STPS}");
        let mut analyzer = text_analyzer(Mode::Query);
        let mut stream = analyzer.token_stream(&text);
        let mut seen = 0;
        while let Some(token) = stream.next() {
            let surface = &text[token.offset_from..token.offset_to];
            let alone = texts(text_analyzer(Mode::Query), surface);
            assert_eq!(
                alone,
                [token.text.as_str()],
                "{surface:?} at {}..{}",
                token.offset_from,
                token.offset_to
            );
            seen += 1;
        }
        assert!(seen > 50, "{seen} tokens");
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let blob = "a".repeat(MAX_TOKEN_BYTES);
        assert_eq!(
            texts(text_analyzer(Mode::Index), &format!("gp {blob} manager")),
            ["gp", "manag"]
        );
    }

    #[test]
    fn keyword_is_one_lowercased_token() {
        assert_eq!(
            texts(keyword_analyzer(), "Independent GP"),
            ["independent gp"]
        );
    }

    #[test]
    fn register_makes_every_analyzer_available_by_name() {
        let manager = TokenizerManager::new();
        register(&manager, &PairWords::default());
        for name in [TEXT, PLAIN, PAIRS, CHARS, CHAR_PAIRS, KEYWORD] {
            assert!(manager.get(name).is_some(), "{name}");
        }
        let text = manager.get(TEXT).expect("registered");
        assert_eq!(
            texts(text, "卫生保健 Services"),
            ["卫生保健", "卫生", "保健", "servic"]
        );
    }

    /// Tokenizer throughput on the corpus (release build):
    /// `cargo test --release -p indexer --lib analysis::tests::throughput -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a test"]
    fn throughput() {
        use std::time::Instant;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/documents");
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("corpus document");
        let chinese = read("mcdermott-2019-abstract-zh.md").repeat(2000);
        let english = read("prucomm-2018-co-commissioning-final-report.md").repeat(1500);
        let analyzers = [
            ("text, index mode", text_analyzer(Mode::Index)),
            ("text, query mode", text_analyzer(Mode::Query)),
            (
                "tantivy en_stem",
                TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
                    .filter(RemoveLongFilter::limit(40))
                    .filter(LowerCaser)
                    .filter(Stemmer::new(Language::English))
                    .build(),
            ),
        ];
        for (label, sample) in [("chinese", &chinese), ("english", &english)] {
            for (name, analyzer) in &analyzers {
                let mut analyzer = analyzer.clone();
                let started = Instant::now();
                let mut tokens = 0usize;
                analyzer.token_stream(sample).process(&mut |_| tokens += 1);
                let seconds = started.elapsed().as_secs_f64();
                let mb = sample.len() as f64 / 1e6;
                eprintln!(
                    "{label:8} {name:18} {mb:6.1} MB {tokens:9} tokens {:7.1} MB/s",
                    mb / seconds
                );
            }
        }
    }
}
