//! Chinese word segmentation: lindera's lattice over the jieba dictionary that `build.rs`
//! compiles into the binary.
//!
//! The tokenizer hands this module runs of Han characters only (no punctuation, no Latin), so
//! there is no sentence splitting here. The lattice is driven directly rather than through
//! `lindera::segmenter::Segmenter`: that keeps every buffer reusable across runs and documents,
//! so segmenting allocates nothing once the buffers have grown.

use std::sync::OnceLock;

use lindera_dictionary::dictionary::Dictionary;
use lindera_dictionary::loader::DictionaryLoader;
use lindera_dictionary::mode::Mode as LatticeMode;
use lindera_dictionary::viterbi::{Lattice, LatticeOptions, WordId};

mod embedded {
    //! The dictionary files `build.rs` wrote to `$OUT_DIR/zh-dict`, baked into the binary.
    lindera_dictionary::embedded_dictionary!("/zh-dict", EmbeddedZhLoader);
}

/// The longest stretch handed to the lattice at once: lindera limits a sentence to `u16::MAX`
/// characters, and real Chinese text has punctuation long before this.
const MAX_CHUNK_CHARS: usize = 4096;

/// Words this long or longer also yield the dictionary words inside them (when asked).
const MIN_COMPOUND_CHARS: usize = 3;

/// Sub-words shorter than this are left out: single characters would match far too much.
const MIN_SUB_WORD_CHARS: usize = 2;

/// The dictionary, loaded on first use and shared by every tokenizer in the process.
fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| {
        // The bytes were written by build.rs and checked when it ran; failing here means a
        // damaged build directory, not bad input.
        embedded::EmbeddedZhLoader::new().load().expect(
            "the Chinese dictionary embedded by build.rs is unreadable: run `cargo clean -p indexer` and rebuild",
        )
    })
}

/// A word found in a run of Han characters, located relative to the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// How many characters of the run precede the word (phrase positions are counted in these).
    pub char_start: usize,
    /// Byte offset of the word's first character.
    pub byte_start: usize,
    /// Byte offset just past the word's last character.
    pub byte_end: usize,
}

/// Segments runs of Han characters; holds the reusable buffers, so keep one per tokenizer.
#[derive(Clone, Default)]
pub(crate) struct Segmenter {
    lattice: Lattice,
    /// The best path: byte offset where each word starts.
    offsets: Vec<(usize, WordId)>,
    /// The chunk's characters, for dictionary look-ups of sub-words.
    chars: Vec<char>,
    /// Byte offset of each character of the chunk, then the chunk's length.
    char_bytes: Vec<usize>,
}

impl Segmenter {
    /// Appends the words of `run` (Han characters only) to `words` in reading order and returns
    /// the number of characters in `run`.
    ///
    /// With `sub_words`, each word of three or more characters is followed by the dictionary
    /// words of two or more characters inside it, ordered by start, then longest first: a
    /// search for 保健 then finds 卫生保健.
    pub(crate) fn segment(&mut self, run: &str, sub_words: bool, words: &mut Vec<Word>) -> usize {
        let mut rest = run;
        let mut done = Done::default();
        while !rest.is_empty() {
            let chunk_len = rest
                .char_indices()
                .nth(MAX_CHUNK_CHARS)
                .map_or(rest.len(), |(i, _)| i);
            let (chunk, tail) = rest.split_at(chunk_len);
            done.chars += self.segment_chunk(chunk, done, sub_words, words);
            done.bytes += chunk.len();
            rest = tail;
        }
        done.chars
    }

    /// Segments one chunk that starts `done` into the run; returns its length in characters.
    fn segment_chunk(
        &mut self,
        chunk: &str,
        done: Done,
        sub_words: bool,
        words: &mut Vec<Word>,
    ) -> usize {
        self.chars.clear();
        self.char_bytes.clear();
        for (byte, c) in chunk.char_indices() {
            self.chars.push(c);
            self.char_bytes.push(byte);
        }
        self.char_bytes.push(chunk.len());

        let dictionary = dictionary();
        let mode = LatticeMode::Normal;
        self.lattice.set_text_with_options(
            &dictionary.prefix_dictionary,
            &None,
            &dictionary.character_definition,
            &dictionary.unknown_dictionary,
            &dictionary.connection_cost_matrix,
            chunk,
            &LatticeOptions::new(&mode),
        );
        self.lattice.tokens_offset_into(&mut self.offsets);

        let mut char_start = 0;
        for (index, &(byte_start, _)) in self.offsets.iter().enumerate() {
            let byte_end = self
                .offsets
                .get(index + 1)
                .map_or(chunk.len(), |&(next, _)| next);
            // Words come in order, so one forward walk maps byte offsets to character offsets.
            while self.char_bytes[char_start] < byte_start {
                char_start += 1;
            }
            let mut char_end = char_start + 1;
            while self.char_bytes[char_end] < byte_end {
                char_end += 1;
            }
            words.push(self.word(done, char_start, char_end));
            if sub_words && char_end - char_start >= MIN_COMPOUND_CHARS {
                self.push_sub_words(done, char_start, char_end, words);
            }
            char_start = char_end;
        }
        self.chars.len()
    }

    /// Appends the dictionary words inside the word spanning `start..end` (in characters).
    fn push_sub_words(&self, done: Done, start: usize, end: usize, words: &mut Vec<Word>) {
        let prefix_dictionary = &dictionary().prefix_dictionary;
        for from in start..end {
            let first = words.len();
            for (_, len) in prefix_dictionary.common_prefix_search(&self.chars[from..end]) {
                let is_whole_word = from == start && from + len == end;
                if len >= MIN_SUB_WORD_CHARS && !is_whole_word {
                    words.push(self.word(done, from, from + len));
                }
            }
            // The dictionary yields matches shortest first; tokens at one position go longest first.
            words[first..].reverse();
        }
    }

    /// The word spanning characters `start..end` of the current chunk, located in the run.
    fn word(&self, done: Done, start: usize, end: usize) -> Word {
        Word {
            char_start: done.chars + start,
            byte_start: done.bytes + self.char_bytes[start],
            byte_end: done.bytes + self.char_bytes[end],
        }
    }
}

/// How much of a run earlier chunks covered.
#[derive(Debug, Clone, Copy, Default)]
struct Done {
    chars: usize,
    bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run's words as strings, in the order the segmenter returns them.
    fn segment(run: &str, sub_words: bool) -> Vec<&str> {
        let mut words = Vec::new();
        let chars = Segmenter::default().segment(run, sub_words, &mut words);
        assert_eq!(chars, run.chars().count(), "character count of {run}");
        words
            .iter()
            .map(|word| &run[word.byte_start..word.byte_end])
            .collect()
    }

    #[test]
    fn segments_like_jieba_on_known_words() {
        assert_eq!(
            segment("我们研究初级卫生保健服务", false),
            ["我们", "研究", "初级", "卫生保健", "服务"]
        );
        assert_eq!(segment("综合保健系统", false), ["综合", "保健", "系统"]);
    }

    #[test]
    fn unknown_characters_become_single_character_words() {
        // 𠀀 (U+20000) is beyond the range char.def can name; 䶵 is a rare ideograph.
        let words = segment("𠀀䶵𠀀", false);
        assert_eq!(words, ["𠀀", "䶵", "𠀀"]);
    }

    #[test]
    fn compounds_also_yield_their_dictionary_sub_words_by_start_then_longest() {
        let words = segment("卫生保健", true);
        assert_eq!(words, ["卫生保健", "卫生", "保健"]);
        let words = segment("中华人民共和国", true);
        assert_eq!(words[0], "中华人民共和国");
        for expected in ["中华", "中华人民", "人民", "共和国", "共和"] {
            assert!(
                words.contains(&expected),
                "{expected} missing from {words:?}"
            );
        }
        assert!(
            words.iter().all(|word| word.chars().count() >= 2),
            "{words:?}"
        );
    }

    #[test]
    fn char_starts_count_characters_of_the_run() {
        let mut words = Vec::new();
        Segmenter::default().segment("我们研究卫生保健", true, &mut words);
        let starts: Vec<usize> = words.iter().map(|word| word.char_start).collect();
        // 我们 研究 卫生保健 (卫生 保健 inside it).
        assert_eq!(starts, [0, 2, 4, 4, 6]);
    }

    #[test]
    fn long_runs_are_cut_into_chunks_without_losing_characters() {
        let run = "保健服务".repeat(MAX_CHUNK_CHARS / 2 + 7);
        let mut words = Vec::new();
        let chars = Segmenter::default().segment(&run, false, &mut words);
        assert_eq!(chars, run.chars().count());
        let rebuilt: String = words
            .iter()
            .map(|word| &run[word.byte_start..word.byte_end])
            .collect();
        assert_eq!(rebuilt, run);
        let last = words.last().expect("words of a non-empty run");
        assert_eq!(last.char_start, chars - 2, "{last:?}");
    }
}
