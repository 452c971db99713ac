//! Stop words: the words left out of keyness and collocates (never out of search).
//!
//! The defaults are hand-written lists of English and Chinese function words and fillers of
//! speech (`um`, `yeah`, `嗯`...; see the files' headers). A project edits them in
//! `stopwords.txt` at the corpus root, read when the index is built: one word per line, `#`
//! starts a comment, and `!word` counts a default stop word again. Punctuation and bare numbers
//! are never counted, whatever the lists say.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::Error;
use crate::search::Index;

/// The project's stop-words file, at the corpus root.
pub const STOP_WORDS_FILE: &str = "stopwords.txt";

/// Hand-written default lists (see the files' headers).
const DEFAULTS: [&str; 2] = [
    include_str!("stopwords/en.txt"),
    include_str!("stopwords/zh.txt"),
];

/// The edits of a `stopwords.txt`, as stored in the catalog (`!` before a word kept).
pub fn parse_stop_words(path: &Path, text: &str) -> (Vec<String>, Vec<Error>) {
    let mut edits = Vec::new();
    let mut errors = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let word = line.strip_prefix('!').unwrap_or(line).trim();
        if word.is_empty() || word.split_whitespace().nth(1).is_some() {
            errors.push(Error::malformed(
                path,
                number + 1,
                format!(
                    "{line:?} is not one word: write one word per line (`!word` counts a \
                     default stop word again)"
                ),
            ));
            continue;
        }
        let edit = if line.starts_with('!') { "!" } else { "" };
        edits.push(format!("{edit}{}", word.to_lowercase()));
    }
    (edits, errors)
}

/// The words left out of an index's counts: the defaults with the project's edits.
#[derive(Debug, Clone)]
pub struct StopWords {
    words: HashSet<String>,
}

impl StopWords {
    /// The defaults with `edits` (lines of `stopwords.txt` as [`parse_stop_words`] keeps them).
    pub fn new(edits: &[String]) -> StopWords {
        let mut words: HashSet<String> = defaults().iter().map(|w| w.to_string()).collect();
        for edit in edits {
            match edit.strip_prefix('!') {
                Some(kept) => words.remove(kept),
                None => words.insert(edit.clone()),
            };
        }
        StopWords { words }
    }

    /// Whether `term` (lowercased, as counted) is left out: a stop word, or never counted.
    pub fn leaves_out(&self, term: &str) -> bool {
        self.words.contains(term) || never_counted(term)
    }
}

/// Whether `term` is never a key term or collocate, even with stop words kept: punctuation, a
/// bare number or a single Latin letter.
pub fn never_counted(term: &str) -> bool {
    !term.chars().any(char::is_alphabetic) || (term.len() == 1 && term.is_ascii())
}

impl Index {
    /// Whether a counted term is left out of keyness and collocates: the index's stop words,
    /// unless `keep_stopwords`, and what is never counted.
    pub(crate) fn left_out(&self, keep_stopwords: bool) -> impl Fn(&str) -> bool + '_ {
        move |term| {
            if keep_stopwords {
                never_counted(term)
            } else {
                self.stop_words().leaves_out(term)
            }
        }
    }
}

fn defaults() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        DEFAULTS
            .iter()
            .flat_map(|file| file.lines())
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_leave_out_function_words_fillers_numbers_and_punctuation() {
        let stop = StopWords::new(&[]);
        for word in [
            "the", "don", "t", "的", "我们", "2019", "x", "um", "uh", "erm", "er", "mm", "mhm",
            "yeah", "嗯", "啊", "呃", "那个", "就是", "...", "—", "3.5", "，",
        ] {
            assert!(stop.leaves_out(word), "{word}");
        }
        for word in ["commissioning", "ccg", "保健", "gp", "like", "covid19"] {
            assert!(!stop.leaves_out(word), "{word}");
        }
    }

    #[test]
    fn a_project_adds_words_and_keeps_defaults() {
        let text = "# ours\nInterviewer\n\n!yeah\n";
        let (edits, errors) = parse_stop_words(Path::new("corpus/stopwords.txt"), text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(edits, ["interviewer", "!yeah"]);
        let stop = StopWords::new(&edits);
        assert!(stop.leaves_out("interviewer"));
        assert!(!stop.leaves_out("yeah"));
        assert!(stop.leaves_out("um"));
        assert!(
            stop.leaves_out("2019"),
            "numbers stay out whatever the file says"
        );
    }

    #[test]
    fn a_bad_line_is_named_and_the_rest_kept() {
        let text = "ok\nprimary care\n!\nfine\n";
        let (edits, errors) = parse_stop_words(Path::new("corpus/stopwords.txt"), text);
        assert_eq!(edits, ["ok", "fine"]);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2);
        assert!(
            shown[0].starts_with("corpus/stopwords.txt:2: \"primary care\" is not one word"),
            "{shown:?}"
        );
        assert!(shown[1].starts_with("corpus/stopwords.txt:3:"), "{shown:?}");
    }

    #[test]
    fn a_fifty_thousand_line_file_is_read() {
        let text: String = (0..50_000).map(|n| format!("word{n}\n")).collect();
        let (edits, errors) = parse_stop_words(Path::new("stopwords.txt"), &text);
        assert!(errors.is_empty());
        let stop = StopWords::new(&edits);
        assert!(stop.leaves_out("word49999"));
        assert!(!stop.leaves_out("word50000"));
    }
}
