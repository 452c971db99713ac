//! The server's real router, served in process on `127.0.0.1:0` behind the listener guard the
//! `verbatim-server` binary uses, with the client's address as its connection info.

use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tempfile::TempDir;

use crate::http::HttpApi;
use crate::index::demo_index;
use crate::workspace::corpus_dir;

/// A real server, started in process on `127.0.0.1:0` with its own tokio runtime; dropping it
/// shuts it down gracefully and waits for it.
pub struct TestServer {
    /// Base address, `http://127.0.0.1:PORT`.
    pub url: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The server's own index, for a server that may rebuild it; removed after the server stops.
    _index: Option<TempDir>,
}

impl TestServer {
    /// Serves the index in `index_dir` through the server's real router; with `api_key` (an
    /// `admin` key), the `/v1` routes need it.
    pub fn start(index_dir: &Path, api_key: Option<&str>) -> TestServer {
        let keys = api_key
            .and_then(server::ApiKey::admin)
            .into_iter()
            .collect();
        let config = server::Config {
            keys: server::Keys::new(keys).expect("one key"),
            ..server::Config::default()
        };
        TestServer::with_config(index_dir, config)
    }

    /// Serves the index in `index_dir` through the server's real router with `config`.
    pub fn with_config(index_dir: &Path, config: server::Config) -> TestServer {
        let index = indexer::Index::open(index_dir)
            .unwrap_or_else(|e| panic!("cannot open the test index {}: {e}", index_dir.display()));
        TestServer::serve(server::app(server::AppState::new(index, config)))
    }

    /// Serves a copy of the demo index of its own, which `POST /v1/index/rebuild` may rebuild,
    /// with `config` (its corpus, when it names none, the demo corpus).
    pub fn rebuildable(config: server::Config) -> TestServer {
        let copy = tempfile::tempdir().expect("temp dir");
        let index_dir = copy.path().join("index");
        copy_dir(demo_index(), &index_dir);
        let config = server::Config {
            corpus: config.corpus.clone().or_else(|| Some(corpus_dir())),
            ..config
        };
        let mut server = TestServer::with_config(&index_dir, config);
        server._index = Some(copy);
        server
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
                let service = router.into_make_service_with_connect_info::<server::ClientAddress>();
                axum::serve(server::GuardedListener::new(listener, limit), service)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .expect("test server failed");
            });
        });
        TestServer {
            url,
            stop: Some(stop),
            thread: Some(thread),
            _index: None,
        }
    }
}

/// Copies the directory tree `from` to `to` (an index, a small corpus).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

impl HttpApi for TestServer {
    fn base_url(&self) -> &str {
        &self.url
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
