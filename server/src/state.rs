//! What every handler shares: the open index and the server's settings.
//!
//! The index is an [`indexer::LiveIndex`], so a running server serves a rebuilt corpus without a
//! restart; requests already running finish on the generation they started with. Searches run on
//! the runtime's blocking pool, which [`runtime`] bounds.

use std::sync::Arc;
use std::time::Duration;

use indexer::watch::WatchStatus;
use indexer::{Index, LiveIndex, Watcher};

use crate::auth::ApiKey;
use crate::error::ApiError;

/// Blocking threads per CPU, where searches run. Searches are CPU work: more of them at once
/// than cores only take turns, and every thread keeps an allocator heap of its own, so an
/// unbounded pool grew to 80 threads and 500 MB at 32 connections on 2 cores. Two per core keep
/// the cores busy while a search waits on the disk.
pub const SEARCH_THREADS_PER_CPU: usize = 2;

/// Largest request body accepted, in bytes: a search request is a few hundred bytes.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before it gets `408 request_timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// When set, every `/v1` route needs `Authorization: Bearer KEY`.
    pub api_key: Option<ApiKey>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_key: None,
            body_limit: DEFAULT_BODY_LIMIT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Threads of the blocking pool: [`SEARCH_THREADS_PER_CPU`] for each CPU.
pub fn search_threads() -> usize {
    SEARCH_THREADS_PER_CPU * std::thread::available_parallelism().map_or(1, usize::from)
}

/// The runtime the server runs on: tokio's, with the blocking pool bounded to
/// [`search_threads`], so a burst of requests waits for a thread instead of starting one each.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(search_threads())
        .build()
}

/// The state handlers receive; cloning it is cheap.
#[derive(Clone)]
pub struct AppState {
    live: Arc<LiveIndex>,
    /// The watch of the corpus, when the server has one.
    watch: Option<Arc<Watcher>>,
    /// The settings the router was built with.
    pub config: Arc<Config>,
}

impl AppState {
    /// State serving `index` with `config`.
    pub fn new(index: Index, config: Config) -> AppState {
        AppState {
            live: Arc::new(LiveIndex::new(index)),
            watch: None,
            config: Arc::new(config),
        }
    }

    /// The same state, with `watcher` building the index as its corpus changes: each new
    /// generation is opened as soon as it is built, and `GET /v1/index` reports the builds.
    pub fn watched_by(mut self, watcher: Watcher) -> AppState {
        watcher.keep_open(Arc::clone(&self.live));
        self.watch = Some(Arc::new(watcher));
        self
    }

    /// What the corpus's watcher is doing; `None` when the corpus is not watched.
    pub fn watch_status(&self) -> Option<WatchStatus> {
        self.watch.as_ref().map(|watcher| watcher.status())
    }

    /// Runs `job` against the index on the blocking thread pool: searches are CPU work and
    /// would otherwise stall every other request on the same runtime thread.
    pub async fn with_index<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Index) -> indexer::Result<T> + Send + 'static,
    {
        let live = Arc::clone(&self.live);
        match tokio::task::spawn_blocking(move || job(&live.latest())).await {
            Ok(result) => result.map_err(ApiError::from),
            // A panic in the engine ends up here rather than in the panic layer (another thread).
            Err(join_error) => Err(ApiError::internal(format!(
                "index task failed: {join_error}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn issue_15_searches_beyond_the_bound_wait_for_a_thread() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        runtime().unwrap().block_on(async {
            let jobs: Vec<_> = (0..8 * search_threads())
                .map(|_| {
                    let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                    tokio::task::spawn_blocking(move || {
                        most.fetch_max(
                            running.fetch_add(1, Ordering::SeqCst) + 1,
                            Ordering::SeqCst,
                        );
                        // Holds the thread, so an unbounded pool would start one per job.
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            for job in jobs {
                job.await.unwrap();
            }
        });
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=search_threads()).contains(&most),
            "{most} jobs ran at once, more than the {} threads",
            search_threads()
        );
    }
}
