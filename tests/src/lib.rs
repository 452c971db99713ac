//! Shared helpers for the end-to-end tests: the demo corpus, temp indexes built from it,
//! a real server on `127.0.0.1:0`, an HTTP client that returns parsed JSON, and the
//! workspace's built binaries; `fixtures` writes the Word and PDF files of the ingest tests.

pub mod bench;
pub mod fixtures;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use ureq::http::HeaderMap;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the workspace")
        .to_path_buf()
}

/// The bundled demo corpus.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("corpus")
}

/// An index built in a temp dir, removed on drop.
pub struct TestIndex {
    dir: tempfile::TempDir,
}

impl TestIndex {
    /// The index directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Builds an index of the demo corpus into a fresh temp dir; fails the test on any corpus error.
pub fn build_corpus_index() -> TestIndex {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = indexer::build(&corpus_dir(), dir.path(), &indexer::BuildOptions::default())
        .expect("the demo corpus builds");
    assert!(
        report.errors.is_empty(),
        "demo corpus errors: {:?}",
        report.errors
    );
    TestIndex { dir }
}

/// A binary of the workspace (`verbatim`, `verbatim-server`, `verbatim-index`), found next to the
/// running test's own directory.
///
/// Cargo builds other packages' binaries only when they are tested too, so this panics with what
/// to run when the binary is missing.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    // target/<profile>/deps/e2e-<hash>: the binaries sit in target/<profile>.
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    let path = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} not found: run `cargo build --workspace` first (or `cargo test --workspace`, which builds it)",
        path.display()
    );
    path
}

/// A real server, started in-process on `127.0.0.1:0` with its own tokio runtime; dropping it
/// shuts it down gracefully and waits for it.
pub struct TestServer {
    /// Base address, `http://127.0.0.1:PORT`.
    pub url: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the index in `index_dir` through the server's real router; with `api_key`, the
    /// `/v1` routes need it.
    pub fn start(index_dir: &Path, api_key: Option<&str>) -> TestServer {
        let index = indexer::Index::open(index_dir)
            .unwrap_or_else(|e| panic!("cannot open the test index {}: {e}", index_dir.display()));
        let config = server::Config {
            api_key: api_key.and_then(server::ApiKey::new),
            ..server::Config::default()
        };
        TestServer::serve(server::app(server::AppState::new(index, config)))
    }

    /// Serves any router, e.g. a test route wrapped in `server::middleware::apply`, behind the
    /// connection guard the `verbatim-server` binary uses, with the binary's default limit.
    pub fn serve(router: axum::Router) -> TestServer {
        TestServer::serve_guarded(router, server::state::DEFAULT_REQUEST_TIMEOUT * 2)
    }

    /// Like [`TestServer::serve`], giving each client `limit` to send each request.
    pub fn serve_guarded(router: axum::Router, limit: Duration) -> TestServer {
        // Binding here, before the runtime starts, makes the port known at once; connections
        // wait in the backlog until the server accepts them.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("bound address"));
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("test server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                // Ends when the sender is used or dropped, i.e. when the TestServer is dropped.
                let shutdown = async move {
                    let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
                };
                axum::serve(server::GuardedListener::new(listener, limit), router)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .expect("test server failed");
            });
        });
        TestServer {
            url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `GET path` (with its query string).
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, None, None)
    }

    /// `POST path` with `body` sent as JSON.
    pub fn post(&self, path: &str, body: &str) -> Reply {
        self.request("POST", path, None, Some(body))
    }

    /// Any request, optionally with `Authorization: Bearer KEY` and a JSON body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        http_request(method, &format!("{}{path}", self.url), bearer, body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // Do not turn a failing test's panic into an abort by panicking again.
            if thread.join().is_err() && !std::thread::panicking() {
                panic!("the test server thread panicked");
            }
        }
    }
}

/// An HTTP response with its body parsed as JSON.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body as JSON (every response of the server is JSON).
    pub body: Value,
}

impl Reply {
    /// The error code of an error response (`error.code`), or "" when there is none.
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

/// Sends one request to `url` and parses the answer as JSON, whatever its status; panics with the
/// raw text when it is not JSON.
pub fn http_request(method: &str, url: &str, bearer: Option<&str>, body: Option<&str>) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    if let Some(key) = bearer {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    let sent = match body {
        Some(body) => agent.run(
            request
                .header("Content-Type", "application/json")
                .body(body.as_bytes())
                .expect("valid request"),
        ),
        None => agent.run(request.body(()).expect("valid request")),
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("{method} {url}: cannot read the body: {e}"));
    let body = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("{method} {url} answered {status} with a body that is not JSON ({e}): {text}")
    });
    Reply {
        status,
        headers,
        body,
    }
}

/// `?k=v&k=v` with every name and value percent-encoded (spaces, quotes, Chinese...); "" for no pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect();
    format!("?{}", encoded.join("&"))
}

/// Percent-encodes every byte outside RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Waits for a spawned `verbatim-server` (stderr piped) to log "listening on http://ADDR", and
/// returns that address with the rest of its log. The log is drained on a thread so the server
/// never blocks on a full pipe. Kills the child and panics with its log if no address comes
/// within a minute.
pub fn wait_until_listening(child: &mut Child) -> (String, mpsc::Receiver<String>) {
    let stderr = child.stderr.take().expect("the server's stderr is piped");
    let (lines, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = log.recv_timeout(left) else {
            break;
        };
        if let Some(at) = line.find("listening on http://") {
            let url = line[at + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            return (url, log);
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!(
        "verbatim-server did not report its address; its log:\n{}",
        seen.join("\n")
    );
}
