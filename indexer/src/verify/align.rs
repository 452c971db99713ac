//! How closely a passage's words hold a quote's: the same words in order (`verbatim`), the
//! same once its gaps are allowed for (`edited`), or most of them in order (`close`, with a
//! word-level diff).

use std::collections::HashSet;

use super::words::{Gap, MAX_REPLACED_WORDS, QuoteWords, Word};
use crate::api::{DiffOp, DiffPart};

/// Fewest of a quote's words, in order, a `close` match must hold.
pub(crate) const CLOSE_SHARE: f64 = 0.8;

/// How a passage holds a quote.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fit {
    Verbatim,
    Edited,
    /// The share of the quote's words held in order, and the diff.
    Close(f64, Vec<DiffPart>),
}

impl Fit {
    /// Higher is better: verbatim, edited, then close by share.
    pub fn rank(&self) -> f64 {
        match self {
            Fit::Verbatim => 3.0,
            Fit::Edited => 2.0,
            Fit::Close(share, _) => 1.0 + share / 2.0,
        }
    }
}

/// How `source` (words of `source_text`) holds `quote` (words of `quote_text`), if at all;
/// `close` only when `try_close` (the alignment costs the quote's length times twice it).
pub(crate) fn fit(
    quote: &QuoteWords,
    quote_text: &str,
    source: &[Word],
    source_text: &str,
    try_close: bool,
) -> Option<Fit> {
    if contains_run(source, &quote.all) {
        return Some(Fit::Verbatim);
    }
    if fits_with_gaps(&quote.runs, source) {
        return Some(Fit::Edited);
    }
    try_close
        .then(|| close(&quote.own, quote_text, source, source_text))
        .flatten()
}

/// Whether `run` occurs in `source` word for word.
fn contains_run(source: &[Word], run: &[Word]) -> bool {
    !run.is_empty() && starts_of(source, run).next().is_some()
}

/// Where `run` starts in `source`.
fn starts_of<'a>(source: &'a [Word], run: &'a [Word]) -> impl Iterator<Item = usize> + 'a {
    let last = source.len().saturating_sub(run.len());
    (0..=last).filter(move |&i| {
        source.len() >= run.len()
            && source[i..i + run.len()]
                .iter()
                .zip(run)
                .all(|(a, b)| a.norm == b.norm)
    })
}

/// Whether the runs occur in order, each after the one before it by what its gap allows: any
/// distance after an omission, at most [`MAX_REPLACED_WORDS`] after a bracket.
fn fits_with_gaps(runs: &[(Option<Gap>, Vec<Word>)], source: &[Word]) -> bool {
    // The ends (in source words) the runs so far can reach, ascending.
    let mut ends: Vec<usize> = Vec::new();
    for (i, (gap, run)) in runs.iter().enumerate() {
        let starts: Vec<usize> = starts_of(source, run).collect();
        let next: Vec<usize> = starts
            .into_iter()
            .filter(|&start| {
                i == 0
                    || ends.iter().any(|&end| match gap {
                        Some(Gap::Omission) => start >= end,
                        Some(Gap::Replacement) | None => {
                            start >= end && start - end <= MAX_REPLACED_WORDS
                        }
                    })
            })
            .map(|start| start + run.len())
            .collect();
        if next.is_empty() {
            return false;
        }
        ends = next;
    }
    !runs.is_empty()
}

/// A `close` fit: the longest common subsequence of the quote's own words and the best stretch
/// of `source`, when it holds at least [`CLOSE_SHARE`] of them.
fn close(quote: &[Word], quote_text: &str, source: &[Word], source_text: &str) -> Option<Fit> {
    if quote.is_empty() {
        return None;
    }
    let (from, to) = best_stretch(quote, source);
    let stretch = &source[from..to];
    let pairs = common_subsequence(quote, stretch);
    let share = pairs.len() as f64 / quote.len() as f64;
    if share < CLOSE_SHARE {
        return None;
    }
    let diff = diff(quote, quote_text, stretch, source_text, &pairs);
    Some(Fit::Close(share, diff))
}

/// The stretch of `source` (twice the quote's length) holding the most of the quote's words;
/// all of it when it is short. Bounds the subsequence's work whatever the passage's length.
fn best_stretch(quote: &[Word], source: &[Word]) -> (usize, usize) {
    let width = quote.len() * 2;
    if source.len() <= width + quote.len() {
        return (0, source.len());
    }
    let wanted: HashSet<&str> = quote.iter().map(|w| w.norm.as_str()).collect();
    let hits: Vec<usize> = source
        .iter()
        .map(|w| usize::from(wanted.contains(w.norm.as_str())))
        .collect();
    let mut count: usize = hits[..width].iter().sum();
    let (mut best, mut best_from) = (count, 0);
    for from in 1..=source.len() - width {
        count = count + hits[from + width - 1] - hits[from - 1];
        if count > best {
            (best, best_from) = (count, from);
        }
    }
    // Trim to the first and last wanted word, so the diff does not list unrelated words.
    let stretch = &hits[best_from..best_from + width];
    let first = stretch.iter().position(|&h| h == 1).unwrap_or(0);
    let last = stretch
        .iter()
        .rposition(|&h| h == 1)
        .map_or(width, |l| l + 1);
    (best_from + first, best_from + last)
}

/// The index pairs `(quote, source)` of a longest common subsequence of the words.
fn common_subsequence(a: &[Word], b: &[Word]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i].norm == b[j].norm {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i].norm == b[j].norm {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The word-level diff of a quote and a stretch of source along their common subsequence.
fn diff(
    quote: &[Word],
    quote_text: &str,
    source: &[Word],
    source_text: &str,
    pairs: &[(usize, usize)],
) -> Vec<DiffPart> {
    let mut parts = Differ::default();
    let first_source = pairs.first().map_or(0, |&(_, j)| j);
    let last_source = pairs.last().map_or(source.len(), |&(_, j)| j + 1);
    let (mut i, mut j) = (0, first_source);
    for &(qi, sj) in pairs {
        parts.words(DiffOp::Draft, &quote[i..qi], quote_text);
        parts.words(DiffOp::Source, &source[j..sj], source_text);
        parts.words(DiffOp::Same, &quote[qi..=qi], quote_text);
        (i, j) = (qi + 1, sj + 1);
    }
    parts.words(DiffOp::Draft, &quote[i..], quote_text);
    parts.words(
        DiffOp::Source,
        &source[j.min(last_source)..last_source],
        source_text,
    );
    parts.finish()
}

/// Diff parts being built: consecutive words on one side make one part, written as the text
/// between its first and last word reads (punctuation and apostrophes kept).
#[derive(Default)]
struct Differ<'a> {
    parts: Vec<(DiffOp, &'a str, usize, usize)>,
}

impl<'a> Differ<'a> {
    fn words(&mut self, op: DiffOp, words: &[Word], text: &'a str) {
        for word in words {
            match self.parts.last_mut() {
                Some((last, _, _, end)) if *last == op => *end = word.end,
                _ => self.parts.push((op, text, word.start, word.end)),
            }
        }
    }

    fn finish(self) -> Vec<DiffPart> {
        self.parts
            .into_iter()
            .map(|(op, text, start, end)| DiffPart {
                op,
                text: text[start..end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::Words;
    use super::*;

    const SOURCE: &str = "So, my view, I suppose our view on that [primary care] is actually that we \
        needed a local plan about what all of that looks like for us and we'll feed that to the STP.";

    fn fit_of(quote: &str) -> Option<Fit> {
        let mut words = Words::default();
        let q = QuoteWords::read(&mut words, quote);
        let source = words.of(SOURCE);
        fit(&q, quote, &source, SOURCE, true)
    }

    #[test]
    fn the_same_words_are_verbatim_whatever_the_punctuation_and_case() {
        assert_eq!(
            fit_of("our view on that [primary care] is actually that"),
            Some(Fit::Verbatim)
        );
        assert_eq!(
            fit_of("We needed a local plan — about what all of that looks like"),
            Some(Fit::Verbatim)
        );
        assert_eq!(fit_of("...we’ll feed that to the STP"), Some(Fit::Verbatim));
    }

    #[test]
    fn ellipses_and_brackets_make_an_edited_quote() {
        assert_eq!(
            fit_of("my view [...] we needed a local plan"),
            Some(Fit::Edited)
        );
        assert_eq!(
            fit_of("our view on that [the CCG] is actually that we needed"),
            Some(Fit::Edited)
        );
        assert_eq!(
            fit_of("a local plan about [it] for us and"),
            Some(Fit::Edited)
        );
        // A bracket stands for at most six words.
        assert!(!matches!(
            fit_of("So, my view [the CCG] we needed a local plan"),
            Some(Fit::Verbatim | Fit::Edited)
        ));
    }

    #[test]
    fn most_words_in_order_are_close_with_a_diff() {
        let Some(Fit::Close(share, diff)) =
            fit_of("we needed a regional plan about what all of that looks like for us")
        else {
            panic!("not close");
        };
        assert!((share - 13.0 / 14.0).abs() < 1e-9, "{share}");
        let ops: Vec<(DiffOp, &str)> = diff.iter().map(|p| (p.op, p.text.as_str())).collect();
        assert_eq!(
            ops,
            [
                (DiffOp::Same, "we needed a"),
                (DiffOp::Draft, "regional"),
                (DiffOp::Source, "local"),
                (
                    DiffOp::Same,
                    "plan about what all of that looks like for us"
                ),
            ]
        );
        assert_eq!(fit_of("the quick brown fox jumps over the lazy dog"), None);
    }

    #[test]
    fn a_long_passage_is_compared_on_its_best_stretch() {
        let filler = "nothing to see here at all ".repeat(200);
        let text = format!("{filler} we needed a local plan about what all of that {filler}");
        let mut words = Words::default();
        let quote = "we needed a regional plan about what all of that";
        let q = QuoteWords::read(&mut words, quote);
        let source = words.of(&text);
        let Some(Fit::Close(_, diff)) = fit(&q, quote, &source, &text, true) else {
            panic!("not close");
        };
        assert!(diff.iter().all(|p| !p.text.contains("nothing")), "{diff:?}");
    }
}
