//! The benchmark harness, run end to end on a tiny corpus by `cargo test` so it cannot rot: the `bench` binary
//! generates a corpus, builds all three indexes, runs the query mix, loads the server and splits
//! its CPU time per request; and its growth mode builds and queries Verbatim at two tiny sizes.
//! Nothing here looks at how long anything took.

use std::ffi::OsStr;
use std::process::Command;

use serde_json::Value;
use verbatim_bench::corpus_gen::{Corpus, Vocabulary};
use verbatim_bench::queries::Kind;

const PASSAGES: u64 = 1_500;

/// Runs the `bench` binary with `args` and `--json` into a temp file; returns what it printed
/// and the JSON it wrote, once it has exited successfully.
fn run_bench(args: &[&OsStr]) -> (String, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let json_path = dir.path().join("bench.json");
    let output = Command::new(env!("CARGO_BIN_EXE_bench"))
        .args(args)
        .arg("--json")
        .arg(&json_path)
        .output()
        .expect("the bench binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "bench {args:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&json_path).expect("the JSON report is written");
    let report = serde_json::from_str(&text).expect("the JSON report parses");
    (stdout, report)
}

#[test]
fn bench_runs_end_to_end_and_engines_agree() {
    let passages = PASSAGES.to_string();
    let (stdout, report) = run_bench(
        &[
            "--quick",
            "--passages",
            &passages,
            "--query-seconds",
            "0.01",
            "--http-requests",
            "60",
            "--http-seconds",
            "5",
        ]
        .map(OsStr::new),
    );
    for heading in [
        "### Index build and open",
        "### Query latency",
        "### HTTP",
        "### Where a request's CPU time goes",
        "### Goals",
    ] {
        assert!(stdout.contains(heading), "no {heading:?} in:\n{stdout}");
    }

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
    assert_eq!(queries.len(), 9 * 3, "nine kinds on three engines");
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
        "chinese_sequence",
    ] {
        assert_eq!(
            matches("verbatim", kind),
            matches("raw_tantivy", kind),
            "{kind}"
        );
    }
    // Chinese is found wherever it stands, as FTS5's trigrams find it (issue 30).
    for kind in ["chinese", "chinese_sequence"] {
        assert_eq!(matches("verbatim", kind), matches("fts5", kind), "{kind}");
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
        assert!(level["server_cpu_ms_per_request"].is_number(), "{level}");
    }

    let split = &report["cpu_split"];
    for stage in ["current_check", "search", "search_highlighted", "json"] {
        assert!(split[stage]["ms"].is_number(), "no {stage} in {split}");
        assert!(split[stage]["requests"].as_u64() > Some(0), "{split}");
    }
    let split_connections: Vec<u64> = split["levels"]
        .as_array()
        .expect("split levels")
        .iter()
        .filter_map(|l| l["connections"].as_u64())
        .collect();
    assert_eq!(split_connections, [1, 32]);

    let goals: Vec<&str> = report["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(
        goals,
        [
            "term + role + facets p50 (in process)",
            "term + role + facets p99 (in process)",
            "phrase p50 (in process)",
            "phrase p99 (in process)",
            "index build speed vs raw tantivy (its build time / Verbatim's)",
            "index build speed vs FTS5 (its build time / Verbatim's)",
            "HTTP throughput at 32 connections (query mix)",
            "HTTP p99 at 32 connections",
            "HTTP errors at 32 connections",
            "server RSS (peak under load)",
            "index open",
        ]
    );
}

#[test]
fn growth_mode_measures_each_size_and_leaves_no_files() {
    let work = tempfile::tempdir().expect("temp dir");
    let (stdout, report) = run_bench(&[
        OsStr::new("--quick"),
        OsStr::new("--growth"),
        OsStr::new("4000,2000"),
        OsStr::new("--query-seconds"),
        OsStr::new("0.01"),
        OsStr::new("--work-dir"),
        work.path().as_os_str(),
    ]);
    assert!(
        stdout.contains("| passages | 2000 | 4000 |"),
        "a column per size, smallest first:\n{stdout}"
    );
    let mut figures = vec![
        "build time (s)".to_string(),
        "index size (MB)".to_string(),
        "peak RSS of the build (MB)".to_string(),
        "index open (ms)".to_string(),
    ];
    for kind in Kind::ALL {
        for percentile in ["p50", "p99"] {
            figures.push(format!("{} {percentile} (ms)", kind.label()));
        }
    }
    for figure in &figures {
        assert!(
            stdout.contains(&format!("| {figure} |")),
            "no {figure:?} row in:\n{stdout}"
        );
    }

    let sizes: Vec<u64> = report["sizes"]
        .as_array()
        .expect("sizes")
        .iter()
        .filter_map(|size| size["build"]["passages"].as_u64())
        .collect();
    assert_eq!(sizes, [2000, 4000], "every passage of each size is indexed");
    let rows = report["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows.iter().filter_map(|r| r["figure"].as_str()).collect();
    assert_eq!(names, figures);
    for row in rows {
        assert_eq!(row["values"].as_array().map(Vec::len), Some(2), "{row}");
    }
    let left: Vec<_> = std::fs::read_dir(work.path())
        .expect("the work dir is readable")
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert!(left.is_empty(), "each size's files are removed: {left:?}");
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

#[test]
fn verify_mode_checks_a_draft_of_quotes_from_the_corpus() {
    let passages = PASSAGES.to_string();
    let (stdout, report) =
        run_bench(&["--verify", "--quick", "--passages", &passages].map(OsStr::new));
    assert!(
        stdout.contains("### Checking a draft (1500 passages"),
        "{stdout}"
    );
    let summary = &report["summary"];
    let count = |name: &str| {
        summary[name]
            .as_u64()
            .unwrap_or_else(|| panic!("no {name}: {report:#}"))
    };
    assert!(count("quotes") > 50, "{report:#}");
    // Most quotes are the corpus's own words, some edited or changed, some said by no one.
    assert!(count("verbatim") > count("quotes") / 2, "{report:#}");
    assert!(
        count("edited") > 0 && count("close") > 0 && count("not_found") > 0,
        "{report:#}"
    );
    assert_eq!(
        count("attribution_differs"),
        0,
        "every label is its speaker's: {report:#}"
    );
    assert_eq!(
        report["goals"][0]["name"],
        "a draft of 200 quotes checked, cold"
    );
}
