//! Load: 64 connections of mixed searches against the real `verbatim-server` binary on loopback
//! while the index is rebuilt under it, again and again, four of them sending heavy work back to
//! back (keyness, cross-tabs, exports, keyword in context: the heavy lane of issue 26). Not one
//! request may fail; the server's memory is read before, after each rebuild, and after.
//!
//! The run is paced by events, not by the clock: each rebuild starts once every connection has
//! been answered since the last one, and the next waits until the server logs that it serves it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use verbatim_tests::{Binary, ListeningChild, PATIENCE, query_string, wait_for};

use super::{SyntheticCorpus, VARIANT_WORD, long_tests, run_indexer};

const CONNECTIONS: usize = 64;
/// Connections sending only heavy work.
const HEAVY_CLIENTS: usize = 4;

/// What the clients did: requests per connection, and failures.
#[derive(Debug)]
struct Counts {
    requests: Vec<AtomicU64>,
    failures: AtomicU64,
}

impl Counts {
    fn new() -> Counts {
        Counts {
            requests: (0..CONNECTIONS).map(|_| AtomicU64::new(0)).collect(),
            failures: AtomicU64::new(0),
        }
    }

    fn requests(&self) -> Vec<u64> {
        self.requests
            .iter()
            .map(|n| n.load(Ordering::Relaxed))
            .collect()
    }

    /// Waits until every connection has had `more` requests answered from now on.
    fn wait_for_each(&self, more: u64) {
        let since = self.requests();
        wait_for("every connection to be answered", || {
            let now = self.requests();
            now.iter()
                .zip(&since)
                .all(|(now, since)| *now >= since + more)
                .then_some(())
        });
    }
}

/// One request of the mix, chosen by the client and its request number.
fn request(client: usize, n: u64) -> (&'static str, String, Option<String>) {
    let words = ["budget", "trust", "practice", "care", VARIANT_WORD, "board"];
    let word = words[(client + n as usize) % words.len()];
    if client < HEAVY_CLIENTS {
        return heavy_request(word, n);
    }
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

/// One request of a heavy client: the comparisons and exports that run in the heavy lane.
fn heavy_request(word: &str, n: u64) -> (&'static str, String, Option<String>) {
    match n % 4 {
        0 => (
            "POST",
            "/v1/keyness".into(),
            Some(r#"{"target": {"role": "GP"}, "min_freq": 2}"#.into()),
        ),
        1 => (
            "POST",
            "/v1/crosstab?format=xlsx".into(),
            Some(format!(
                r#"{{"rows": [{{"q": "{word}"}}, {{"q": "budget OR trust"}}], "by": "role"}}"#
            )),
        ),
        2 => (
            "GET",
            format!(
                "/v1/search{}",
                query_string(&[("q", word), ("limit", "300"), ("format", "csv")])
            ),
            None,
        ),
        _ => (
            "POST",
            "/v1/kwic".into(),
            Some(format!(r#"{{"search": {{"q": "{word}", "limit": 100}}}}"#)),
        ),
    }
}

/// Sends requests on one keep-alive connection until `stop`; returns the failures seen.
fn client(url: String, id: usize, stop: Arc<AtomicBool>, counts: Arc<Counts>) -> Vec<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(PATIENCE))
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
        let failure = match sent {
            Ok(mut response) if response.status() == 200 => {
                // Read the whole body, as a client would: a truncated answer is a failure too.
                match response.body_mut().read_to_vec() {
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
        counts.requests[id].fetch_add(1, Ordering::Relaxed);
    }
    failures
}

#[test]
fn sixty_four_connections_of_searches_through_rebuilds_fail_nothing() {
    let (rebuilds, requests_between) = if long_tests() { (20, 50) } else { (2, 5) };
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, index_dir) = (dir.path().join("corpus"), dir.path().join("index"));
    let versions = [0, 1].map(|version| SyntheticCorpus {
        files: 100,
        version,
    });
    versions[0].write(&corpus);
    run_indexer(&corpus, &index_dir, false);
    let server = ListeningChild::server(
        &Binary::Server.path(),
        &index_dir,
        &dir.path().join("no-corpus"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rss = || server.memory().map_or(0, |m| m.rss);
    let rss_before = rss();

    let stop = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(Counts::new());
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|id| {
            let (url, stop, counts) = (server.address().to_string(), stop.clone(), counts.clone());
            std::thread::spawn(move || client(url, id, stop, counts))
        })
        .collect();

    let started = Instant::now();
    let mut rss_peak = rss_before;
    for rebuild in 0..rebuilds {
        counts.wait_for_each(requests_between);
        versions[(rebuild + 1) % 2].write(&corpus);
        run_indexer(&corpus, &index_dir, false);
        server.wait_for_log("serving a rebuilt index");
        rss_peak = rss_peak.max(rss());
    }
    counts.wait_for_each(requests_between);
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    let elapsed = started.elapsed();
    let rss_after = rss();
    let per_client = counts.requests();
    let requests: u64 = per_client.iter().sum();
    let heavy: u64 = per_client[..HEAVY_CLIENTS].iter().sum();
    let failed = counts.failures.load(Ordering::Relaxed);
    eprintln!(
        "load: {requests} requests ({heavy} heavy) over {CONNECTIONS} connections in {:.1} s ({:.0}/s), \
         {failed} failed, {rebuilds} rebuilds; server RSS {} MB before, {} MB peak after a rebuild, {} MB after",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        rss_before >> 20,
        rss_peak >> 20,
        rss_after >> 20
    );
    assert_eq!(failed, 0, "failed requests: {failures:#?}");
}
