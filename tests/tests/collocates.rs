//! Word counts without stop words and fillers (`stopwords.txt`), and collocates: the words
//! around a word, with MI and log-likelihood recomputed here from the raw counts.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use indexer::api::{CollocatesResponse, Filters, KeynessRequest, SearchResponse};
use indexer::{BuildReport, Index};
use verbatim_tests::{Binary, TestServer, http_request};

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

/// Two passages on trust: a GP's and a manager's.
fn write_trust_corpus(dir: &Path) {
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
        dir.join("documents/trust.md"),
        "---\ntitle: Trust\nkind: meeting\ndate: 2016\n---\n\
         ID1: Budgets hold trust and budgets build trust.\n\n\
         ID2: Trust matters, contracts matter.\n",
    )
    .unwrap();
}

/// MI and G² as #LancsBox documents them, written out again from the raw counts.
fn expected_statistics(o11: f64, r1: f64, c1: f64, n: f64) -> (f64, f64) {
    let mi = (o11 / (r1 * c1 / n)).log2();
    let cells = [
        (o11, r1 * c1 / n),
        (r1 - o11, r1 * (n - c1) / n),
        (c1 - o11, (n - r1) * c1 / n),
        (n - r1 - c1 + o11, (n - r1) * (n - c1) / n),
    ];
    let g2 = 2.0
        * cells
            .iter()
            .filter(|(observed, _)| *observed > 0.0)
            .map(|(observed, expected)| observed * (observed / expected).ln())
            .sum::<f64>();
    (mi, g2)
}

#[test]
fn collocates_over_http_recompute_from_the_raw_counts() {
    let corpus = tempfile::tempdir().unwrap();
    write_trust_corpus(corpus.path());
    let index_dir = tempfile::tempdir().unwrap();
    indexer::build(
        corpus.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .expect("the corpus builds");
    let server = TestServer::start(index_dir.path(), None);
    let post = |body: serde_json::Value| {
        http_request(
            "POST",
            &format!("{}/v1/collocates", server.url),
            None,
            Some(&body.to_string()),
        )
    };

    let answer: CollocatesResponse = post(serde_json::json!({
        "q": "Trust", "window": 2, "min_freq": 1, "by": "role_group"
    }))
    .ok("collocates");
    assert_eq!(answer.node, ["trust"]);
    let all = &answer.all;
    // 7 + 4 words; trust 3 times.
    assert_eq!((all.words, all.node_freq), (11, 3));
    let counts: BTreeMap<&str, (u64, u64, u64, u64)> = all
        .collocates
        .iter()
        .map(|c| (c.term.as_str(), (c.freq, c.left, c.right, c.corpus_freq)))
        .collect();
    // "and" is a stop word; "matter" is 3 words after the manager's "trust".
    assert_eq!(
        counts,
        BTreeMap::from([
            ("budgets", (3, 2, 1, 2)),
            ("build", (1, 1, 0, 1)),
            ("contracts", (1, 0, 1, 1)),
            ("hold", (1, 1, 0, 1)),
            ("matters", (1, 0, 1, 1)),
        ])
    );
    for table in std::iter::once(all).chain(&answer.groups) {
        for c in &table.collocates {
            let (mi, g2) = expected_statistics(
                c.freq as f64,
                table.node_freq as f64,
                c.corpus_freq as f64,
                table.words as f64,
            );
            assert!((c.mi - mi).abs() < 1e-9, "{}: MI {} vs {mi}", c.term, c.mi);
            assert!(
                (c.log_likelihood - g2).abs() < 1e-9,
                "{}: G² {} vs {g2}",
                c.term,
                c.log_likelihood
            );
        }
    }
    // Highest G² first.
    assert!(
        all.collocates
            .windows(2)
            .all(|w| w[0].log_likelihood >= w[1].log_likelihood)
    );
    // Each collocate's search lists the passages where both occur.
    let budgets = &all.collocates[0];
    assert_eq!(budgets.term, "budgets");
    let quotes: SearchResponse = http_request(
        "POST",
        &format!("{}/v1/search", server.url),
        None,
        Some(&serde_json::to_string(&budgets.search).unwrap()),
    )
    .ok("the collocate's search");
    assert_eq!(quotes.total, 1);
    assert!(
        quotes.hits[0]
            .passage
            .text
            .starts_with("Budgets hold trust")
    );

    // By group: the GP's table and the manager's, each with its own sizes.
    let sizes: Vec<(Option<&str>, u64, u64)> = answer
        .groups
        .iter()
        .map(|t| (t.value.as_deref(), t.words, t.node_freq))
        .collect();
    assert_eq!(sizes, [(Some("GP"), 7, 2), (Some("manager"), 4, 1)]);

    // Stop words kept: "and" comes back.
    let kept: CollocatesResponse = post(serde_json::json!({
        "q": "trust", "window": 2, "min_freq": 1, "keep_stopwords": true
    }))
    .ok("collocates with stop words");
    assert!(
        kept.all
            .collocates
            .iter()
            .any(|c| c.term == "and" && c.freq == 1)
    );

    // Bad input names the field; a node without a word is a query that says nothing.
    for (body, status, field) in [
        (
            serde_json::json!({"q": "trust", "window": 0}),
            422,
            "window",
        ),
        (serde_json::json!({"q": "  "}), 400, "query"),
        (serde_json::json!({"q": "...", "window": 2}), 400, "query"),
    ] {
        let reply = post(body.clone());
        assert_eq!(reply.status, status, "{body}: {:#}", reply.body);
        assert!(
            reply.error().message.starts_with(field),
            "{body}: {:?}",
            reply.error()
        );
    }
}

#[test]
fn the_cli_lists_collocates_and_keeps_stop_words_on_request() {
    let corpus = tempfile::tempdir().unwrap();
    write_trust_corpus(corpus.path());
    let index_dir = tempfile::tempdir().unwrap();
    indexer::build(
        corpus.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .expect("the corpus builds");
    let index = index_dir.path().display().to_string();
    let run = |args: &[&str]| {
        let output = Binary::Cli
            .command()
            .args([
                "--index",
                &index,
                "collocates",
                "trust",
                "--window",
                "2",
                "--min-freq",
                "1",
            ])
            .args(args)
            .output()
            .expect("verbatim runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let table = run(&[]);
    assert!(
        table.starts_with("every passage: \"trust\" 3 times in 11 words, 2 words either side"),
        "{table}"
    );
    assert!(table.contains("budgets"), "{table}");
    assert!(!table.contains(" and "), "a stop word: {table}");
    let csv = run(&["--keep-stopwords", "--by", "role_group", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "node,group,term,freq,left,right,corpus_freq,node_freq,words,mi,log_likelihood,search"
        )
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("trust,every passage,and,1,0,1,1,3,11,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("trust,role_group: GP,budgets,3,2,1,2,2,7,")),
        "{csv}"
    );
}
