//! End-to-end tests of Chinese found wherever it stands (issue 30) and in either script (issue
//! 25): over an index of generated Chinese passages (jieba's frequent words run together, with
//! punctuation and English acronyms), in Simplified characters and, a third of them, converted
//! to Traditional, every sequence of one to six characters sampled from the text, inside words
//! and across them, finds exactly the passages holding it in either script, unquoted and
//! quoted; whole-word matches rank first; mixed queries, proximity and exclusions keep working;
//! highlights mark exactly the sequence in the document's own characters, over HTTP too.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::sync::OnceLock;

use indexer::analysis::{self, Mode};
use indexer::api::{SearchRequest, SearchResponse};
use indexer::{BuildOptions, Index};
use verbatim_tests::corpus_gen::Vocabulary;
use verbatim_tests::{HttpApi, Rng, TestServer, workspace_root};

const PASSAGES: usize = 600;
/// Passages converted to Traditional characters, after the Simplified ones.
const TRADITIONAL: usize = 300;
const ACRONYMS: [&str; 4] = ["GP", "NHS", "CCG", "STP"];

/// The generated passages and their index, built once for the whole module.
struct Study {
    passages: Vec<String>,
    index: Index,
    index_dir: tempfile::TempDir,
    _corpus: tempfile::TempDir,
}

fn study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let dict = workspace_root().join("indexer/dict/jieba-dict.txt.gz");
        let vocabulary = Vocabulary::load(&dict).expect("the jieba dictionary loads");
        // The 400 most frequent words: they recur, so sequences recur across passages.
        let words = &vocabulary.chinese[..400];
        let mut rng = Rng::new(30);
        let mut passages: Vec<String> = (0..PASSAGES)
            .map(|_| chinese_text(&mut rng, words))
            .collect();
        let script = script();
        passages.extend((0..TRADITIONAL).map(|_| {
            chinese_text(&mut rng, words)
                .chars()
                .map(|c| script.traditional.get(&c).copied().unwrap_or(c))
                .collect::<String>()
        }));
        let texts: Vec<&str> = passages.iter().map(String::as_str).collect();
        let (index, (corpus, index_dir)) = index_of(&texts);
        Study {
            passages,
            index,
            index_dir,
            _corpus: corpus,
        }
    })
}

/// OpenCC's character table as the test reads it: each Traditional character's Simplified form,
/// and a Traditional form of each Simplified character.
struct Script {
    simplified: HashMap<char, char>,
    traditional: HashMap<char, char>,
}

fn script() -> &'static Script {
    static SCRIPT: OnceLock<Script> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let table =
            fs::read_to_string(workspace_root().join("indexer/dict/opencc-TSCharacters.txt"))
                .expect("OpenCC's table");
        let mut script = Script {
            simplified: HashMap::new(),
            traditional: HashMap::new(),
        };
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let Some((from, to)) = line.split_once('\t') else {
                continue;
            };
            let (Some(from), Some(to)) = (from.chars().next(), to.chars().next()) else {
                continue;
            };
            script.simplified.insert(from, to);
            script.traditional.entry(to).or_insert(from);
        }
        script
    })
}

/// Text in Simplified characters, as both scripts are compared.
fn simplified(text: &str) -> String {
    let script = script();
    text.chars()
        .map(|c| {
            let mut c = c;
            while let Some(&s) = script.simplified.get(&c).filter(|&&s| s != c) {
                c = s;
            }
            c
        })
        .collect()
}

/// Whether `text` holds `sequence`, either script matching the other.
fn holds(text: &str, sequence: &str) -> bool {
    simplified(text).contains(&simplified(sequence))
}

/// A passage of 8 to 30 words run together, with commas, full stops and acronyms between.
fn chinese_text(rng: &mut Rng, words: &[String]) -> String {
    let mut text = String::new();
    for _ in 0..rng.between(8, 30) {
        if rng.chance(0.05) {
            text.push_str(&format!(" {} ", ACRONYMS[rng.below(ACRONYMS.len())]));
        }
        text.push_str(&words[rng.below(words.len())]);
        if rng.chance(0.08) {
            text.push('，');
        }
    }
    text.push('。');
    text
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

/// A sequence of 1 to 6 characters, as written, from a random place of a random passage's Han
/// runs.
fn sample_sequence(rng: &mut Rng) -> String {
    let passages = &study().passages;
    loop {
        let text = &passages[rng.below(passages.len())];
        let (runs, _) = analysis::han_runs(text);
        let run = &runs[rng.below(runs.len())];
        let len = rng.between(1, 7).min(run.chars.len());
        let start = rng.below(run.chars.len() - len + 1);
        // As written: the run's characters are as analysed (Simplified).
        let sequence = text[run.chars[start].1..run.chars[start + len - 1].2].to_string();
        if !sequence.is_empty() {
            return sequence;
        }
    }
}

/// Whether the text holds `sequence` as words: the words the query makes of it, at their
/// positions among the indexed words (sub-words of compounds included). That is how it was
/// found before issue 30, and what scores a whole-word match now.
fn is_words_of(text: &str, sequence: &str) -> bool {
    let wanted = analysis::positioned_tokens(&mut analysis::text_analyzer(Mode::Query), sequence);
    let indexed: BTreeSet<(String, usize)> =
        analysis::positioned_tokens(&mut analysis::text_analyzer(Mode::Index), text)
            .into_iter()
            .map(|(position, word)| (word, position))
            .collect();
    let first = wanted[0].0;
    indexed.iter().any(|(_, start)| {
        wanted
            .iter()
            .all(|(p, w)| indexed.contains(&(w.clone(), start + p - first)))
    })
}

fn marked(text: &str, spans: &[indexer::api::Span]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    spans
        .iter()
        .map(|s| chars[s.start..s.end].iter().collect())
        .collect()
}

#[test]
fn issue_30_every_sequence_of_one_to_six_characters_finds_every_passage_holding_it() {
    let mut rng = Rng::new(3030);
    let (mut wanted, mut found, mut across, mut traditional) = (0usize, 0, 0, 0);
    for _ in 0..400 {
        let sequence = sample_sequence(&mut rng);
        traditional += usize::from(simplified(&sequence) != sequence);
        let want = expected(|text| holds(text, &sequence));
        assert!(!want.is_empty(), "{sequence} was sampled from a passage");
        // One character was found inside words before too.
        if sequence.chars().count() > 1 {
            across += want
                .iter()
                .filter(|&&n| !is_words_of(&study().passages[n], &simplified(&sequence)))
                .count();
        }
        for q in [sequence.clone(), format!("\"{sequence}\"")] {
            let response = search(&q);
            let got = matched(&response);
            wanted += want.len();
            found += got.intersection(&want).count();
            // Recall: every passage holding it; precision: none lacking it.
            assert_eq!(got, want, "{q}");
            for hit in &response.hits {
                let marks = marked(&hit.passage.text, &hit.highlights);
                assert!(
                    !marks.is_empty(),
                    "{q}: no highlight in {}",
                    hit.passage.text
                );
                let sought = simplified(&sequence);
                for mark in &marks {
                    assert!(
                        simplified(mark).contains(&sought),
                        "{q}: highlighted {mark:?}"
                    );
                }
                let occurrences = simplified(&hit.passage.text).matches(&sought).count();
                let covered: usize = marks
                    .iter()
                    .map(|m| simplified(m).matches(&sought).count())
                    .sum();
                assert_eq!(covered, occurrences, "{q}: every occurrence is marked");
            }
        }
    }
    eprintln!(
        "issue 30 recall: {found} of {wanted} passages found; {across} of {} held the sequence only across words (missed before)",
        wanted / 2
    );
    assert_eq!(found, wanted);
    assert!(across > 50, "the sample crosses word boundaries: {across}");
    assert!(
        traditional > 50,
        "the sample has Traditional sequences: {traditional}"
    );
}

#[test]
fn issue_30_whole_word_matches_rank_first() {
    let mut rng = Rng::new(31);
    let mut compared = 0;
    for _ in 0..3000 {
        let sequence = sample_sequence(&mut rng);
        if sequence.chars().count() < 2 {
            continue;
        }
        let response = search(&sequence);
        let whole: Vec<bool> = response
            .hits
            .iter()
            .map(|hit| is_words_of(&hit.passage.text, &sequence))
            .collect();
        if whole.contains(&true) && whole.contains(&false) {
            compared += 1;
            let first_across = whole.iter().position(|w| !w).expect("one across");
            assert!(
                whole[first_across..].iter().all(|w| !w),
                "{sequence}: a whole-word match ranks below one across words: {whole:?}"
            );
        }
    }
    assert!(
        compared > 10,
        "{compared} sequences had both kinds of match"
    );
}

#[test]
fn issue_30_mixed_queries_and_exclusions_keep_working() {
    let mut rng = Rng::new(32);
    let has_acronym = |text: &str, acronym: &str| text.contains(&format!(" {acronym} "));
    let mut nonempty = 0;
    for n in 0..60 {
        let sequence = sample_sequence(&mut rng);
        let other = sample_sequence(&mut rng);
        let acronym = ACRONYMS[n % ACRONYMS.len()];
        let cases: [(String, BTreeSet<usize>); 3] = [
            (
                format!("{acronym} {sequence}"),
                expected(|t| has_acronym(t, acronym) && holds(t, &sequence)),
            ),
            (
                format!("{sequence} -{other}"),
                expected(|t| holds(t, &sequence) && !holds(t, &other)),
            ),
            (
                format!("{sequence} OR {other}"),
                expected(|t| holds(t, &sequence) || holds(t, &other)),
            ),
        ];
        for (q, want) in cases {
            nonempty += usize::from(!want.is_empty());
            assert_eq!(matched(&search(&q)), want, "{q}");
        }
    }
    assert!(nonempty > 100, "{nonempty} cases matched something");
}

/// An index of one document with these passages, and the temp dirs (corpus, index) that hold it.
fn index_of(texts: &[&str]) -> (Index, (tempfile::TempDir, tempfile::TempDir)) {
    let corpus = tempfile::tempdir().expect("corpus dir");
    let index_dir = tempfile::tempdir().expect("index dir");
    let lines: String = texts
        .iter()
        .enumerate()
        .map(|(n, text)| {
            let head = if n == 0 {
                r#""title": "Written", "kind": "other", "#
            } else {
                ""
            };
            format!("{{{head}\"doc\": \"written\", \"text\": \"{text}\"}}\n")
        })
        .collect();
    fs::write(corpus.path().join("written.jsonl"), lines).expect("write passages");
    let report =
        indexer::build(corpus.path(), index_dir.path(), &BuildOptions::default()).expect("build");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let index = Index::open(index_dir.path()).expect("open");
    (index, (corpus, index_dir))
}

#[test]
fn issue_30_two_runs_apart_in_quotes_are_a_phrase_of_runs_and_proximity_counts_characters() {
    // Written for this test: 初级 and 保健 apart, side by side, and across a comma.
    let (index, _dirs) = index_of(&[
        "初级 保健服务",
        "初级保健服务",
        "初级，保健服务",
        "保健初级",
        "初级医疗保健",
    ]);
    let found = |q: &str| -> Vec<usize> {
        let response = index
            .search(&SearchRequest {
                sort: indexer::api::Sort::Doc,
                ..SearchRequest::new(q)
            })
            .expect("search");
        response
            .hits
            .iter()
            .map(|h| h.passage.passage as usize)
            .collect()
    };
    // Exactly the characters side by side: never across the space or the comma.
    assert_eq!(found("初级保健"), [2]);
    assert_eq!(found("\"初级保健\""), [2]);
    // Runs apart in quotes: one after the other, whatever stands between.
    assert_eq!(found("\"初级 保健\""), [1, 2, 3]);
    // Unquoted, two terms joined by AND.
    assert_eq!(found("初级 保健"), [1, 2, 3, 4, 5]);
    assert_eq!(found("级保"), [2]);
    // Proximity as before: positions count characters.
    assert_eq!(found("初级 NEAR/4 服务"), [1, 2, 3]);
    assert_eq!(found("保健 -初级保健"), [1, 3, 4, 5]);
}

#[test]
fn issue_30_highlights_over_http_mark_exactly_the_sequence() {
    let server = TestServer::start(study().index_dir.path(), None);
    let mut rng = Rng::new(33);
    for _ in 0..20 {
        let sequence = sample_sequence(&mut rng);
        let response = server.search(&[("q", &sequence), ("limit", "50")]);
        assert_eq!(
            response.total as usize,
            expected(|t| holds(t, &sequence)).len(),
            "{sequence}"
        );
        for hit in &response.hits {
            let text = &hit.passage.text;
            let marks = marked(text, &hit.highlights);
            // Merged only where occurrences overlap or touch (哈哈 in 哈哈哈).
            let sought = simplified(&sequence);
            for mark in marks.iter().map(|m| simplified(m)) {
                assert!(
                    mark.starts_with(&sought) && mark.ends_with(&sought),
                    "{sequence}: marked {mark:?}"
                );
            }
        }
    }
}

#[test]
fn issue_25_either_script_finds_the_other_highlighted_in_the_documents_own_characters() {
    let server = TestServer::start(study().index_dir.path(), None);
    let passages = &study().passages;
    let mut checked = 0;
    for n in [0, 1, 2, PASSAGES, PASSAGES + 1, PASSAGES + 2] {
        let (runs, _) = analysis::han_runs(&passages[n]);
        let run = runs
            .iter()
            .find(|r| r.chars.len() >= 4)
            .expect("a long run");
        let written = passages[n][run.chars[0].1..run.chars[3].2].to_string();
        let other: String = if n < PASSAGES {
            let script = script();
            written
                .chars()
                .map(|c| script.traditional.get(&c).copied().unwrap_or(c))
                .collect()
        } else {
            simplified(&written)
        };
        if other == written {
            continue;
        }
        checked += 1;
        // Typed in the other script, the passage is found and its own characters marked.
        let response = server.search(&[("q", &other), ("limit", "1000")]);
        let hit = response
            .hits
            .iter()
            .find(|hit| hit.passage.passage as usize == n + 1)
            .unwrap_or_else(|| panic!("{other} does not find {}", passages[n]));
        let marks = marked(&hit.passage.text, &hit.highlights);
        assert!(marks.contains(&written), "{other}: marked {marks:?}");
    }
    assert!(
        checked >= 4,
        "{checked} passages differ in the other script"
    );
}

#[test]
fn issue_21_compatibility_characters_are_found_by_their_ordinary_ones_and_marked_in_place() {
    // ⽅ is the Kangxi radical U+2F45, 隣 the compatibility ideograph U+F9F1; the letters and
    // digits are full-width, as Chinese input methods and PDFs write them.
    let text = "我们用新⽅法研究ＧＰ在２０１５年的隣近诊所";
    let (_, (_, index_dir)) = index_of(&[text, "普通的方法"]);
    let server = TestServer::start(index_dir.path(), None);
    for (q, written) in [
        ("方法", "⽅法"),
        ("GP", "ＧＰ"),
        ("gp 2015", "２０１５"),
        ("\"研究GP\"", "研究ＧＰ"),
        ("隣近", "隣近"),
        ("新方", "新⽅"),
    ] {
        let response = server.search(&[("q", q)]);
        let hit = response
            .hits
            .iter()
            .find(|hit| hit.passage.passage == 1)
            .unwrap_or_else(|| panic!("{q} does not find the passage"));
        // The stored text is the file's, and the highlight marks its own characters.
        assert_eq!(hit.passage.text, text);
        let marks = marked(text, &hit.highlights);
        assert!(marks.iter().any(|m| m == written), "{q}: marked {marks:?}");
    }
    assert_eq!(server.search(&[("q", "方法")]).total, 2);
}
