//! Word counts without stop words and fillers (`stopwords.txt`), and collocates: the words
//! around a word, with MI and log-likelihood recomputed here from the raw counts.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use indexer::api::{Filters, KeynessRequest};
use indexer::{BuildReport, Index};

fn group(field: &str, value: &str) -> Filters {
    serde_json::from_value(serde_json::json!({ field: value })).expect("a filter")
}

/// A GP who says `um` and `yeah`, and a manager who does not.
fn write_corpus(dir: &Path, stop_words: Option<&str>) {
    fs::create_dir_all(dir.join("documents")).unwrap();
    fs::write(
        dir.join("participants.csv"),
        "id,role\nID1,GP\nID2,Practice manager\n",
    )
    .unwrap();
    fs::write(
        dir.join("role_groups.toml"),
        "[groups]\nGP = [\"GP\"]\nmanager = [\"Practice manager\"]\n",
    )
    .unwrap();
    fs::write(
        dir.join("documents/meeting.md"),
        "---\ntitle: Meeting\nkind: meeting\ndate: 2016\n---\n\
         ID1: Um, yeah, budgets... um budgets matter in 2019.\n\n\
         ID1: Yeah 嗯 budgets!\n\n\
         ID2: The contract holds.\n\n\
         ID2: The contract matters.\n",
    )
    .unwrap();
    if let Some(text) = stop_words {
        fs::write(dir.join("stopwords.txt"), text).unwrap();
    }
}

fn build(stop_words: Option<&str>) -> (Index, BuildReport, tempfile::TempDir) {
    let corpus = tempfile::tempdir().unwrap();
    write_corpus(corpus.path(), stop_words);
    let index_dir = tempfile::tempdir().unwrap();
    let report = indexer::build(
        corpus.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .expect("the corpus builds");
    (Index::open(index_dir.path()).unwrap(), report, index_dir)
}

/// The key terms of GPs against managers, with their target and reference counts.
fn gp_key_terms(index: &Index, keep_stopwords: bool) -> BTreeMap<String, (u64, u64)> {
    let request = KeynessRequest {
        reference: Some(group("role_group", "manager")),
        min_freq: 1,
        keep_stopwords,
        ..KeynessRequest::new(group("role_group", "GP"))
    };
    index
        .keyness(&request)
        .expect("keyness runs")
        .terms
        .into_iter()
        .map(|t| (t.term, (t.target_count, t.reference_count)))
        .collect()
}

fn terms(pairs: &[(&str, (u64, u64))]) -> BTreeMap<String, (u64, u64)> {
    pairs.iter().map(|(t, c)| (t.to_string(), *c)).collect()
}

#[test]
fn fillers_numbers_and_punctuation_are_left_out_of_keyness_unless_kept() {
    let (index, report, _dir) = build(None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        gp_key_terms(&index, false),
        terms(&[("budgets", (3, 0)), ("matter", (1, 0))])
    );
    // Kept: the fillers with their raw counts, but never the number or the punctuation.
    assert_eq!(
        gp_key_terms(&index, true),
        terms(&[
            ("budgets", (3, 0)),
            ("matter", (1, 0)),
            ("um", (2, 0)),
            ("yeah", (2, 0)),
            ("嗯", (1, 0)),
            ("in", (1, 0)),
        ])
    );
    // Search still finds the fillers.
    let found = index
        .search(&indexer::api::SearchRequest::new("um"))
        .unwrap();
    assert_eq!(found.total, 1);
}

#[test]
fn a_project_stopwords_file_adds_words_and_counts_defaults_again() {
    let (index, report, _dir) = build(Some("# our list\nBudgets\n!yeah\n"));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        gp_key_terms(&index, false),
        terms(&[("yeah", (2, 0)), ("matter", (1, 0))])
    );
}

#[test]
fn a_bad_stopwords_line_is_named_and_the_rest_applies() {
    let (index, report, _dir) = build(Some("budgets\nprimary care\n"));
    let shown: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].contains("stopwords.txt:2: \"primary care\" is not one word"),
        "{shown:?}"
    );
    assert_eq!(gp_key_terms(&index, false), terms(&[("matter", (1, 0))]));
}
