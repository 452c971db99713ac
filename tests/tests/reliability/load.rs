//! Load: 64 connections of mixed searches against the real `verbatim-server` binary on loopback,
//! bounded in time, while the index is rebuilt under it. Not one request may fail; the server's
//! memory is sampled before, during and after.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use verbatim_tests::query_string;

use super::{ServerChild, SyntheticCorpus, VARIANT_WORD, long_tests, rss_kib, run_indexer};

const CONNECTIONS: usize = 64;

/// What the clients did.
#[derive(Debug, Default)]
struct Counts {
    requests: AtomicU64,
    failures: AtomicU64,
}

/// One request of the mix, chosen by the client and its request number.
fn request(client: usize, n: u64) -> (&'static str, String, Option<String>) {
    let words = ["budget", "trust", "practice", "care", VARIANT_WORD, "board"];
    let word = words[(client + n as usize) % words.len()];
    match n % 6 {
        0 => (
            "GET",
            format!("/v1/search{}", query_string(&[("q", word)])),
            None,
        ),
        1 => (
            "GET",
            format!(
                "/v1/search{}",
                query_string(&[
                    ("q", &format!("\"{word} {word}\" OR {word}*")),
                    ("facets", "role,site"),
                    ("limit", "5")
                ])
            ),
            None,
        ),
        2 => (
            "POST",
            "/v1/search".into(),
            Some(format!(
                r#"{{"q": "{word} -meeting", "filters": {{"role": "GP"}}, "context": 1, "sort": "date"}}"#
            )),
        ),
        3 => ("GET", format!("/v1/facets/speaker?q={word}"), None),
        4 => ("GET", "/v1/documents?limit=50&offset=20".into(), None),
        _ => (
            "GET",
            format!("/v1/documents/interview-{:04}/passages/2?context=2", n % 8),
            None,
        ),
    }
}

/// Sends requests on one keep-alive connection until `stop`; returns the failures seen.
fn client(url: String, id: usize, stop: Arc<AtomicBool>, counts: Arc<Counts>) -> Vec<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .max_idle_connections_per_host(1)
        .build()
        .into();
    let mut failures = Vec::new();
    let mut n = id as u64;
    while !stop.load(Ordering::Relaxed) {
        let (method, path, body) = request(id, n);
        n += 1;
        let uri = format!("{url}{path}");
        let sent = match &body {
            Some(body) => agent
                .post(&uri)
                .content_type("application/json")
                .send(body.as_bytes()),
            None => agent.get(&uri).call(),
        };
        counts.requests.fetch_add(1, Ordering::Relaxed);
        let failure = match sent {
            Ok(mut response) if response.status() == 200 => {
                // Read the whole body, as a client would: a truncated answer is a failure too.
                match response.body_mut().read_to_string() {
                    Ok(_) => None,
                    Err(e) => Some(format!("{method} {path}: body: {e}")),
                }
            }
            Ok(mut response) => Some(format!(
                "{method} {path}: {} {}",
                response.status(),
                response.body_mut().read_to_string().unwrap_or_default()
            )),
            Err(e) => Some(format!("{method} {path}: {e}")),
        };
        if let Some(failure) = failure {
            counts.failures.fetch_add(1, Ordering::Relaxed);
            if failures.len() < 5 {
                failures.push(failure);
            }
        }
    }
    failures
}

#[test]
fn sixty_four_connections_of_searches_through_a_rebuild_fail_nothing() {
    let duration = if long_tests() {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(5)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let versions = [0, 1].map(|version| SyntheticCorpus {
        files: 100,
        version,
    });
    versions[0].write(&corpus);
    run_indexer(&corpus, &index_dir, false);
    let server = ServerChild::serve_index(&index_dir);
    let pid = server.child.id();
    let rss_before = rss_kib(pid).unwrap_or_default();

    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::default());
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|id| {
            let (url, stop, counts) = (server.url.clone(), stop.clone(), counts.clone());
            std::thread::spawn(move || client(url, id, stop, counts))
        })
        .collect();

    let started = Instant::now();
    let mut rss_peak = rss_before;
    let mut rebuilds = 0;
    while started.elapsed() < duration {
        // A rebuild of a changed corpus at every third of the run.
        if started.elapsed() >= duration / 3 * (rebuilds + 1) && rebuilds < 2 {
            versions[(rebuilds as usize + 1) % 2].write(&corpus);
            run_indexer(&corpus, &index_dir, false);
            rebuilds += 1;
        }
        rss_peak = rss_peak.max(rss_kib(pid).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    let elapsed = started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = rss_kib(pid).unwrap_or_default();
    let (requests, failed) = (
        counts.requests.load(Ordering::Relaxed),
        counts.failures.load(Ordering::Relaxed),
    );
    eprintln!(
        "load: {requests} requests over {CONNECTIONS} connections in {:.1} s ({:.0}/s), {failed} failed, \
         {rebuilds} rebuilds; server RSS {} MB before, {} MB peak during, {} MB after",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        rss_before / 1024,
        rss_peak / 1024,
        rss_after / 1024
    );
    assert_eq!(failed, 0, "failed requests: {failures:#?}");
    assert_eq!(rebuilds, 2, "the index was rebuilt twice under load");
    assert!(
        requests >= CONNECTIONS as u64,
        "every connection was used: {requests}"
    );
    assert!(
        server
            .log_lines()
            .iter()
            .any(|line| line.contains("serving a rebuilt index")),
        "the server picked up the rebuilt index"
    );
}
