//! The benchmark harness, run end to end on a tiny corpus by `cargo test` so it cannot rot: the `bench` binary
//! generates a corpus, builds all three indexes, runs the query mix and loads the server.
//! Nothing here looks at how long anything took.

use std::process::Command;

use serde_json::Value;
use verbatim_bench::corpus_gen::{Corpus, Vocabulary};

const PASSAGES: u64 = 1_500;

#[test]
fn bench_runs_end_to_end_and_engines_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json_path = dir.path().join("bench.json");
    let output = Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(["--quick", "--passages", &PASSAGES.to_string()])
        .args([
            "--query-seconds",
            "0.01",
            "--http-requests",
            "60",
            "--http-seconds",
            "5",
        ])
        .arg("--json")
        .arg(&json_path)
        .output()
        .expect("the bench binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    for heading in [
        "### Index build and open",
        "### Query latency",
        "### HTTP",
        "### Goals",
    ] {
        assert!(stdout.contains(heading), "no {heading:?} in:\n{stdout}");
    }

    let text = std::fs::read_to_string(&json_path).expect("the JSON report is written");
    let report: Value = serde_json::from_str(&text).expect("the JSON report parses");
    let builds = report["builds"].as_array().expect("builds");
    let engines: Vec<&str> = builds
        .iter()
        .map(|b| b["engine"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(engines, ["verbatim", "fts5", "raw_tantivy"]);
    for build in builds {
        assert_eq!(
            build["passages"], PASSAGES,
            "every engine indexes every passage: {build}"
        );
        assert!(build["index_bytes"].as_u64() > Some(0), "{build}");
        assert!(build["peak_rss"].as_u64() > Some(0), "{build}");
    }

    let queries = report["queries"].as_array().expect("queries");
    assert_eq!(queries.len(), 8 * 3, "eight kinds on three engines");
    let matches = |engine: &str, kind: &str| {
        queries
            .iter()
            .find(|q| q["engine"] == engine && q["kind"] == kind)
            .and_then(|q| q["mean_matches"].as_f64())
            .unwrap_or_else(|| panic!("no {kind} result for {engine}"))
    };
    for query in queries {
        assert!(query["latency"]["count"].as_u64() > Some(0), "{query}");
    }
    // The raw tantivy baseline uses Verbatim's analyzers, so every query matches the same passages.
    for kind in [
        "one_term",
        "two_terms",
        "phrase",
        "prefix",
        "term_role_facets",
        "term_role_site_facets",
        "chinese",
        "mixed",
    ] {
        assert_eq!(
            matches("verbatim", kind),
            matches("raw_tantivy", kind),
            "{kind}"
        );
    }
    assert!(
        matches("verbatim", "one_term") > 0.0,
        "the query mix finds something"
    );

    let load = report["server"]["load"].as_array().expect("load levels");
    let connections: Vec<u64> = load
        .iter()
        .filter_map(|l| l["connections"].as_u64())
        .collect();
    assert_eq!(connections, [1, 32, 64]);
    for level in load {
        assert_eq!(level["errors"], 0, "{level}");
        assert!(level["requests"].as_u64() > Some(0), "{level}");
    }
    assert_eq!(report["goals"].as_array().map(Vec::len), Some(10));
}

#[test]
fn the_generated_corpus_is_deterministic_and_in_the_ingest_formats() {
    let dict = verbatim_tests::workspace_root().join("indexer/dict/jieba-dict.txt.gz");
    let vocabulary = Vocabulary::load(&dict).expect("the jieba dictionary loads");
    let corpus = |seed| Corpus::new(300, seed, vocabulary.clone());
    let texts = |corpus: &Corpus| corpus.rows().map(|r| r.text).collect::<Vec<_>>();
    let first = texts(&corpus(7));
    assert_eq!(first.len(), 300);
    assert_eq!(first, texts(&corpus(7)), "same seed, same passages");
    assert_ne!(first, texts(&corpus(8)), "another seed, other passages");
    assert!(
        first
            .iter()
            .any(|t| t.chars().any(indexer::analysis::is_cjk)),
        "some passages are Chinese"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    corpus(7).write(dir.path()).expect("the corpus is written");
    let index = tempfile::tempdir().expect("temp dir");
    let report = indexer::build(dir.path(), index.path(), &indexer::BuildOptions::default())
        .expect("the generated corpus indexes");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.passages, 300, "one passage per generated turn");
}
