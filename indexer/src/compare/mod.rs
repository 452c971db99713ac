//! Comparing groups of speakers: who says what, and how much.
//!
//! Search finds quotes; this module counts them by group. A **cross-tab** crosses several
//! queries with the values of a field (role group, site, an attribute...), giving per cell the
//! matching passages, the distinct participants who said them and a rate per 10,000 words of
//! the column's text. **Keyness** lists the words a target group uses more than a reference
//! group, with the log-likelihood G² and the Log Ratio ([`stats`]). **Collocates** are the words
//! within a few words of a word or phrase, with MI and G². **Keyword in context** lays
//! a search's matches out one per line. Stop words and fillers of speech ([`StopWords`], editable
//! in the corpus's `stopwords.txt`) are left out of every word count, never out of search. Every figure carries the search that lists its quotes.
//!
//! (Text analysis, the tokenizers, is [`crate::analysis`]; this is counting.)

mod cache;
mod collocates;
mod crosstab;
mod groups;
mod keyness;
mod kwic;
pub mod stats;
mod stopwords;

pub(crate) use cache::Cache;
pub use kwic::kwic_lines;
pub use stopwords::{STOP_WORDS_FILE, StopWords, parse_stop_words};
