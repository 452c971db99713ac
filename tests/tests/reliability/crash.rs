//! Crash safety: the real `verbatim-index` is SIGKILLed at seeded moments while it builds or
//! updates an index of a few hundred synthetic transcripts. After every kill the index must open,
//! answer searches and hold exactly the previous complete build or the new one; a last run
//! completes. A server keeps answering while builds swap generations under it, then serves the
//! new one.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use verbatim_tests::{HttpApi, Rng, TestServer, poll, query_string};

use super::{
    Expected, SyntheticCorpus, VARIANT_WORD, index_contents, indexer_command, long_tests,
    run_indexer,
};

/// Transcripts in the synthetic corpus: enough for a debug build to take a moment.
const FILES: usize = 300;
const SEED: u64 = 0x5EED_0008;

/// What the killed runs came to.
#[derive(Debug, Default)]
struct Tally {
    killed: u32,
    finished_before_the_kill: u32,
    left_previous: u32,
    left_new: u32,
}

#[test]
fn killed_builds_leave_the_previous_or_the_new_index() {
    let kills_wanted = if long_tests() { 100 } else { 20 };
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let versions = [0, 1].map(|version| SyntheticCorpus {
        files: FILES,
        version,
    });

    // Reference runs: a first build and a complete update, timed to spread the kills over.
    let mut live = versions[0].write(&corpus);
    let started = Instant::now();
    run_indexer(&corpus, &index_dir, true);
    let build_time = started.elapsed();
    assert_eq!(contents(&index_dir), live, "a complete build");
    live = versions[1].write(&corpus);
    let started = Instant::now();
    run_indexer(&corpus, &index_dir, false);
    let update_time = started.elapsed();
    assert_eq!(contents(&index_dir), live, "a complete update");
    let mut live_version = 1;

    let mut rng = Rng::new(SEED);
    let mut tally = Tally::default();
    let mut run = 0;
    // Runs that finish before their kill still count as runs; stop at enough real kills.
    while tally.killed < kills_wanted && run < kills_wanted * 3 {
        run += 1;
        let target = 1 - live_version;
        let expected = versions[target].write(&corpus);
        // Fresh builds (--force) alternate with incremental updates of the changed files.
        let force = run % 2 == 0;
        let typical = if force { build_time } else { update_time };
        let delay = typical.mul_f64(rng.below(1000) as f64 / 1000.0);
        let mut child = indexer_command(&corpus, &index_dir, force)
            .spawn()
            .expect("start verbatim-index");
        // The fault injected: a kill at a seeded moment of the run, not a wait for anything.
        std::thread::sleep(delay);
        match child.try_wait().expect("poll verbatim-index") {
            Some(status) => {
                assert!(status.code().is_some_and(|c| c == 0), "run {run}: {status}");
                tally.finished_before_the_kill += 1;
            }
            None => {
                // SIGKILL on Unix: no destructor, no cleanup.
                child.kill().expect("kill verbatim-index");
                let _ = child.wait();
                tally.killed += 1;
            }
        }
        let found = contents(&index_dir);
        let what = format!(
            "run {run} (seed {SEED:#x}, {} after {delay:?})",
            if force { "rebuild" } else { "update" }
        );
        if found == expected {
            tally.left_new += 1;
            live = expected;
            live_version = target;
        } else {
            assert_eq!(
                found, live,
                "{what}: neither the previous build ({live:?}) nor the new one ({expected:?})"
            );
            tally.left_previous += 1;
        }
    }

    let expected = versions[1 - live_version].write(&corpus);
    run_indexer(&corpus, &index_dir, false);
    assert_eq!(contents(&index_dir), expected, "the final run completes");
    assert_eq!(
        generation_dirs(&index_dir),
        1,
        "the final run removed the debris of killed builds"
    );
    eprintln!(
        "crash: {run} runs over {FILES} files (build {build_time:?}, update {update_time:?}): {} killed mid-run, {} finished first; \
         left the previous index {} times, the new one {} times; all opened and answered",
        tally.killed, tally.finished_before_the_kill, tally.left_previous, tally.left_new
    );
    assert!(
        tally.killed >= kills_wanted,
        "too few runs were killed before they finished: {tally:?}"
    );
}

/// Opens the index afresh and reads what it holds, failing the test when it does not open or
/// its catalog and search engine disagree.
fn contents(index_dir: &Path) -> Expected {
    let index = indexer::Index::open(index_dir)
        .unwrap_or_else(|e| panic!("the index does not open after a kill: {e}"));
    let found = index_contents(&index).unwrap_or_else(|e| panic!("inconsistent index: {e}"));
    let hits = index
        .search(&indexer::api::SearchRequest::new("budget"))
        .unwrap_or_else(|e| panic!("a search fails after a kill: {e}"));
    assert!(!hits.hits.is_empty(), "a search finds the corpus's words");
    found
}

fn generation_dirs(index_dir: &Path) -> usize {
    std::fs::read_dir(index_dir)
        .expect("list the index dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
        .count()
}

#[test]
fn a_server_answers_through_rebuilds_and_then_serves_the_new_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let versions = [0, 1].map(|version| SyntheticCorpus {
        files: FILES / 3,
        version,
    });
    let first = versions[0].write(&corpus);
    run_indexer(&corpus, &index_dir, false);
    let server = Arc::new(TestServer::start(&index_dir, None));
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));

    // Clients search without pause while builds swap generations under the server.
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (server, stop, answered) = (server.clone(), stop.clone(), answered.clone());
            std::thread::spawn(move || {
                let queries = ["budget", VARIANT_WORD, "\"primary care\"", "trust -board"];
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let q = queries[client % queries.len()];
                    let path = format!(
                        "/v1/search{}",
                        query_string(&[("q", q), ("facets", "role")])
                    );
                    let reply = server.get(&path);
                    if reply.status != 200 {
                        failures.push(format!("{q}: {} {}", reply.status, reply.body));
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                failures
            })
        })
        .collect();

    let mut expected = first;
    for round in 0..4 {
        expected = versions[(round + 1) % 2].write(&corpus);
        run_indexer(&corpus, &index_dir, round % 2 == 1);
        wait_until_served(&server, expected);
    }
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    assert!(failures.is_empty(), "failed during rebuilds: {failures:?}");
    eprintln!(
        "crash: {} searches answered through 4 rebuilds, 0 failed; the server serves the last build ({} passages)",
        answered.load(Ordering::Relaxed),
        expected.passages
    );
}

/// Waits until the server answers with the counts of `expected`.
fn wait_until_served(server: &TestServer, expected: Expected) {
    let mut seen = (0, 0);
    let served = poll(|| {
        seen = (
            server.total(&[("q", "")]),
            server.total(&[("q", VARIANT_WORD)]),
        );
        (seen == (expected.passages, expected.variant_passages)).then_some(())
    });
    assert!(
        served.is_some(),
        "the server still serves {seen:?}, not the rebuilt index {expected:?}"
    );
}
