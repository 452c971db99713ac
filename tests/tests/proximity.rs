//! End-to-end tests of phrases, proximity (`"a b"~N`, `a NEAR/N b`) and one-character Chinese
//! queries: over an index of generated passages, every query matches exactly the passages that
//! a brute-force check over the analysed words' positions finds.

use std::collections::BTreeSet;
use std::fs;
use std::sync::OnceLock;

use indexer::analysis::{self, Mode};
use indexer::api::{SearchRequest, SearchResponse, Span};
use indexer::{BuildOptions, Index};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use verbatim_tests::Rng;

/// English words (with forms that stem alike) and Chinese words of two and three characters.
const WORDS: [&str; 12] = [
    "primary",
    "care",
    "cares",
    "trust",
    "boards",
    "board",
    "the",
    "of",
    "保健",
    "初级",
    "卫生保健",
    "服务",
];
const PASSAGES: usize = 400;

/// The generated passages and their index, built once for the whole module.
struct Study {
    passages: Vec<String>,
    index: Index,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let mut rng = Rng::new(1405);
        let passages: Vec<String> = (0..PASSAGES)
            .map(|_| {
                (0..rng.between(2, 14))
                    .map(|_| WORDS[rng.below(WORDS.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let corpus = tempfile::tempdir().expect("corpus dir");
        let lines: String = passages
            .iter()
            .enumerate()
            .map(|(n, text)| {
                let head = if n == 0 {
                    r#""title": "Generated", "kind": "other", "#
                } else {
                    ""
                };
                format!("{{{head}\"doc\": \"generated\", \"text\": \"{text}\"}}\n")
            })
            .collect();
        fs::write(corpus.path().join("generated.jsonl"), lines).expect("write passages");
        let index_dir = tempfile::tempdir().expect("index dir");
        let report = indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default())
            .expect("build");
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let index = Index::open(index_dir.path()).expect("open");
        Study {
            passages,
            index,
            _dirs: (corpus, index_dir),
        }
    })
}

/// Each analysed word of `text` with its position, as indexed.
fn positions(text: &str) -> Vec<(String, usize)> {
    let mut analyzer = analysis::text_analyzer(Mode::Index);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.text.clone(), token.position));
    }
    out
}

/// The words of a query part, as a query analyses them.
fn query_words(text: &str) -> Vec<String> {
    let mut analyzer = analysis::text_analyzer(Mode::Query);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Brute force: distinct occurrences of every word of `words` whose positions span at most
/// `distance`.
fn near_by_brute_force(text: &str, words: &[String], distance: usize) -> bool {
    let tokens = positions(text);
    fn choose(
        tokens: &[(String, usize)],
        words: &[String],
        used: &mut Vec<usize>,
        distance: usize,
    ) -> bool {
        let Some((word, rest)) = words.split_first() else {
            let (lo, hi) = used.iter().fold((usize::MAX, 0), |(lo, hi), &i| {
                (lo.min(tokens[i].1), hi.max(tokens[i].1))
            });
            return hi - lo <= distance;
        };
        for (i, (text, _)) in tokens.iter().enumerate() {
            if text == word && !used.contains(&i) {
                used.push(i);
                if choose(tokens, rest, used, distance) {
                    return true;
                }
                used.pop();
            }
        }
        false
    }
    choose(&tokens, words, &mut Vec::new(), distance)
}

/// Brute force: the words at consecutive positions (as a query places them).
fn phrase_by_brute_force(text: &str, phrase: &str) -> bool {
    let mut analyzer = analysis::text_analyzer(Mode::Query);
    let mut stream = analyzer.token_stream(phrase);
    let mut wanted = Vec::new();
    while let Some(token) = stream.next() {
        wanted.push((token.text.clone(), token.position));
    }
    let first = wanted[0].1;
    let tokens: BTreeSet<(String, usize)> = positions(text).into_iter().collect();
    tokens.iter().any(|(_, start)| {
        wanted
            .iter()
            .all(|(w, p)| tokens.contains(&(w.clone(), start + p - first)))
    })
}

fn search(q: &str) -> SearchResponse {
    study()
        .index
        .search(&SearchRequest {
            limit: 1000,
            ..SearchRequest::new(q)
        })
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

/// The passage numbers (0-based) a search matches.
fn matched(response: &SearchResponse) -> BTreeSet<usize> {
    response
        .hits
        .iter()
        .map(|hit| hit.passage.passage as usize - 1)
        .collect()
}

fn expected(keep: impl Fn(&str) -> bool) -> BTreeSet<usize> {
    let passages = &study().passages;
    (0..passages.len())
        .filter(|&n| keep(&passages[n]))
        .collect()
}

fn span_text(text: &str, span: &Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn issue_14_proximity_matches_what_brute_force_finds() {
    let word = || proptest::sample::select(WORDS.to_vec());
    let strategy = (prop::collection::vec(word(), 2..4), 1u32..8, any::<bool>());
    runner()
        .run(&strategy, |(words, distance, near_op)| {
            let q = if near_op && words.len() == 2 {
                format!("{} NEAR/{distance} {}", words[0], words[1])
            } else {
                format!("\"{}\"~{distance}", words.join(" "))
            };
            let analysed: Vec<String> = words.iter().flat_map(|w| query_words(w)).collect();
            let response = search(&q);
            let want = expected(|text| near_by_brute_force(text, &analysed, distance as usize));
            prop_assert_eq!(matched(&response), want, "{}", q);
            // Highlights cover only the group's words.
            for hit in &response.hits {
                for span in &hit.highlights {
                    let marked = span_text(&hit.passage.text, span);
                    prop_assert!(
                        query_words(&marked).iter().all(|w| analysed.contains(w)),
                        "{}: highlighted {:?} in {:?}",
                        q,
                        marked,
                        hit.passage.text
                    );
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn phrases_match_what_brute_force_finds_and_highlight_whole_occurrences() {
    let word = || proptest::sample::select(WORDS.to_vec());
    runner()
        .run(&prop::collection::vec(word(), 2..5), |words| {
            let phrase = words.join(" ");
            let response = search(&format!("\"{phrase}\""));
            let want = expected(|text| phrase_by_brute_force(text, &phrase));
            prop_assert_eq!(matched(&response), want, "{}", phrase);
            // Every highlight is a whole occurrence of the phrase.
            let analysed = query_words(&phrase);
            for hit in &response.hits {
                prop_assert!(!hit.highlights.is_empty(), "{}", phrase);
                for span in &hit.highlights {
                    let marked = span_text(&hit.passage.text, span);
                    prop_assert!(
                        phrase_by_brute_force(&marked, &phrase)
                            && query_words(&marked).len() >= analysed.len(),
                        "{}: highlighted {:?} in {:?}",
                        phrase,
                        marked,
                        hit.passage.text
                    );
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn issue_14_one_chinese_character_finds_the_words_that_contain_it() {
    let passages = &study().passages;
    for c in ['保', '卫', '务'] {
        let response = search(&c.to_string());
        let want = expected(|text| text.contains(c));
        assert!(!want.is_empty());
        assert_eq!(matched(&response), want, "{c}");
        for hit in &response.hits {
            let marked: Vec<String> = hit
                .highlights
                .iter()
                .map(|s| span_text(&hit.passage.text, s))
                .collect();
            assert!(marked.iter().all(|m| m == &c.to_string()), "{marked:?}");
            assert_eq!(marked.len(), hit.passage.text.matches(c).count());
        }
    }
    assert!(passages.iter().any(|p| p.contains("卫生保健")));
}

#[test]
fn issue_14_distances_out_of_range_are_query_errors_naming_the_column() {
    for (q, column) in [("\"care trust\"~0", 13), ("care NEAR/500 trust", 11)] {
        match study().index.search(&SearchRequest::new(q)) {
            Err(indexer::Error::Query { column: c, .. }) => assert_eq!(c, column, "{q}"),
            other => panic!("{q}: expected a query error, got {other:?}"),
        }
    }
}
