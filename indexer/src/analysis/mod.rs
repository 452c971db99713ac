//! Text analysis: one analyzer for English, Chinese, and both mixed in one passage or query.
//!
//! The tokenizer splits text into runs of Han characters, segmented into words with lindera and
//! the jieba dictionary (compiled in by `build.rs`), and runs of letters and digits. Filters
//! then lowercase, fold accents and stem English words; Chinese words pass through unchanged.
//! Phrase positions of Chinese words are counted in characters, so a phrase matches however
//! the surrounding text was segmented. When indexing, long Chinese words also yield the
//! dictionary words inside them (卫生保健 is found by 保健); queries never do, so a phrase
//! built from query tokens lines up with the indexed main words.
//!
//! Register the analyzers once with [`register`] and name them in the schema with [`TEXT`],
//! [`PLAIN`] and [`KEYWORD`]; tokenize queries with `text_analyzer(Mode::Query)`.

mod chinese;
mod cjk;
mod mixed;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer, TokenizerManager,
};

pub use cjk::is_cjk;
use mixed::MixedTokenizer;

/// The searchable text: mixed English/Chinese tokens, lowercased, accent-folded and stemmed.
pub const TEXT: &str = "verbatim_text";

/// Like [`TEXT`] without stemming, for prefix queries such as `integrat*`.
pub const PLAIN: &str = "verbatim_plain";

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

/// The analyzer for [`TEXT`]: mixed tokenizer, lowercase, ASCII folding, English stemming.
pub fn text_analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::new(mode))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer for [`PLAIN`]: as [`text_analyzer`] without stemming.
pub fn plain_analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::new(mode))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer for [`KEYWORD`]: the whole value as one lowercased token.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Registers [`TEXT`] and [`PLAIN`] (indexing mode) and [`KEYWORD`] with an index's tokenizers.
pub fn register(manager: &TokenizerManager) {
    manager.register(TEXT, text_analyzer(Mode::Index));
    manager.register(PLAIN, plain_analyzer(Mode::Index));
    manager.register(KEYWORD, keyword_analyzer());
}
