//! What every handler shares: the open index and the server's settings.
//!
//! The index is an [`indexer::LiveIndex`], so a running server serves a rebuilt corpus without a
//! restart; requests already running finish on the generation they started with. Searches run on
//! the runtime's blocking pool, which [`runtime`] bounds; comparisons and exports, which can take
//! seconds, run there too but in a lane of their own ([`Lane::Heavy`]) with fewer slots than the
//! pool has threads, so they can never hold every thread and keep searches waiting.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indexer::watch::WatchStatus;
use indexer::{BuildEvent, BuildOptions, BuildReport, Index, LiveIndex, Watcher};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::{DEFAULT_FAILURES_ALLOWED, FailedAuthentications, Keys};
use crate::cors::CorsOrigins;
use crate::error::{ApiError, ErrorCode};
use crate::host::AllowedHosts;

/// Blocking threads per CPU, where searches run. Searches are CPU work: more of them at once
/// than cores only take turns, and every thread keeps an allocator heap of its own, so an
/// unbounded pool grew to 80 threads and 500 MB at 32 connections on 2 cores. Two per core keep
/// the cores busy while a search waits on the disk.
pub const SEARCH_THREADS_PER_CPU: usize = 2;

/// Longest a request of the heavy lane waits for a slot before it gets `503 server_busy`.
pub const DEFAULT_HEAVY_WAIT: Duration = Duration::from_secs(5);
/// What `Retry-After` tells a request the heavy lane had no slot for: about one comparison's time.
const BUSY_RETRY_AFTER: Duration = Duration::from_secs(1);
/// A search asking for more hits than this is heavy work (the page asks for 20; an export up to
/// 1,000).
pub const HEAVY_PAGE: usize = 100;

/// Largest request body accepted, in bytes: a search request is a few hundred bytes.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// Largest body over the limit that is read (and thrown away) before its connection goes on,
/// so that clients writing a whole body before reading get their 413; a bigger one has its
/// connection closed.
pub const DISCARDED_BODY_BOUND: u64 = 16 * 1024 * 1024;
/// Longest a request may take before it gets `408 request_timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The API keys; with any, every route with a scope needs `Authorization: Bearer KEY` of a
    /// key whose scope covers it.
    pub keys: Keys,
    /// The `Host` names the server answers to.
    pub hosts: AllowedHosts,
    /// The origins that may call the API from a browser page of their own.
    pub cors: CorsOrigins,
    /// The corpus the index is built from, for `POST /v1/index/rebuild`; `None` when the
    /// server serves an index without one.
    pub corpus: Option<PathBuf>,
    /// Whether `POST /v1/files` and `DELETE /v1/files/{path}` may write into the corpus
    /// (`--allow-uploads`).
    pub allow_uploads: bool,
    /// Wrong keys one client address may send per minute before its keys are refused for the
    /// rest of the minute.
    pub wrong_keys_allowed: u32,
    /// Longest a request of the heavy lane waits for a slot.
    pub heavy_wait: Duration,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keys: Keys::default(),
            hosts: AllowedHosts::default(),
            cors: CorsOrigins::default(),
            corpus: None,
            allow_uploads: false,
            wrong_keys_allowed: DEFAULT_FAILURES_ALLOWED,
            heavy_wait: DEFAULT_HEAVY_WAIT,
            body_limit: DEFAULT_BODY_LIMIT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Threads of the blocking pool: [`SEARCH_THREADS_PER_CPU`] for each CPU.
pub fn search_threads() -> usize {
    SEARCH_THREADS_PER_CPU * std::thread::available_parallelism().map_or(1, usize::from)
}

/// Slots of the heavy lane: one for every two CPUs, at least one, so that heavy jobs hold at most
/// a quarter of the [`search_threads`] and half the cores.
pub fn heavy_slots() -> usize {
    (std::thread::available_parallelism().map_or(1, usize::from) / 2).max(1)
}

/// Where a job runs on the blocking pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Searches, documents, facets: milliseconds each, on any thread.
    Search,
    /// Comparisons (cross-tabs, keyness, keyword in context), exports and pages of more than
    /// [`HEAVY_PAGE`] hits: up to seconds each, at most [`heavy_slots`] at once.
    Heavy,
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
    /// Wrong keys per client address, for the lock-out.
    pub failures: Arc<FailedAuthentications>,
    /// Held while this server builds its index: one build at a time.
    building: Arc<tokio::sync::Mutex<()>>,
    /// The heavy lane's slots.
    heavy: Arc<Semaphore>,
}

/// What a build did, with the files it read.
#[derive(Debug)]
pub struct Rebuilt {
    /// The engine's report.
    pub report: BuildReport,
    /// The files read and indexed, relative to the corpus, in the order they were read.
    pub indexed: Vec<String>,
}

impl AppState {
    /// State serving `index` with `config`.
    pub fn new(index: Index, config: Config) -> AppState {
        AppState {
            live: Arc::new(LiveIndex::new(index)),
            watch: None,
            failures: Arc::new(FailedAuthentications::new(config.wrong_keys_allowed)),
            config: Arc::new(config),
            building: Arc::default(),
            heavy: Arc::new(Semaphore::new(heavy_slots())),
        }
    }

    /// The heavy lane's slots: a job of the lane holds one while it runs.
    pub fn heavy_lane(&self) -> Arc<Semaphore> {
        Arc::clone(&self.heavy)
    }

    /// Brings the index up to date with `corpus` (only changed files are read) on the blocking
    /// pool, then serves the new generation; fails with `build_in_progress` while another
    /// build of the index runs, here or in another process.
    pub async fn rebuild(&self, corpus: PathBuf) -> Result<Rebuilt, ApiError> {
        let Ok(building) = Arc::clone(&self.building).try_lock_owned() else {
            return Err(build_in_progress());
        };
        let index_dir = self.live.latest().dir().to_path_buf();
        let built = tokio::task::spawn_blocking(move || {
            // Held until the build ends, even when the request has timed out meanwhile.
            let _building = building;
            let indexed = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&indexed);
            let options = BuildOptions {
                progress: Some(Arc::new(move |event| {
                    if let BuildEvent::Indexed { file, .. } = event {
                        seen.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(file);
                    }
                })),
                force: false,
            };
            let report = indexer::build(&corpus, &index_dir, &options)?;
            let indexed =
                std::mem::take(&mut *indexed.lock().unwrap_or_else(PoisonError::into_inner));
            Ok::<_, indexer::Error>(Rebuilt { report, indexed })
        })
        .await
        .map_err(|join_error| ApiError::internal(format!("build task failed: {join_error}")))?;
        match built {
            Ok(rebuilt) => {
                // Serve the new generation from this request on.
                self.live.latest();
                Ok(rebuilt)
            }
            Err(indexer::Error::Io { source, .. })
                if source.kind() == std::io::ErrorKind::WouldBlock =>
            {
                Err(build_in_progress())
            }
            Err(error) => Err(ApiError::from(error)),
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

    /// Runs `job` against the index on the blocking thread pool, in the search lane: searches
    /// are CPU work and would otherwise stall every other request on the same runtime thread.
    pub async fn with_index<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Index) -> indexer::Result<T> + Send + 'static,
    {
        self.with_index_in(Lane::Search, job).await
    }

    /// Runs `job` like [`AppState::with_index`], in `lane`: a heavy job first waits for a slot,
    /// at most [`Config::heavy_wait`] (then `503 server_busy` with `Retry-After`), and holds it
    /// until it ends, even when its request has timed out meanwhile.
    pub async fn with_index_in<T, F>(&self, lane: Lane, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Index) -> indexer::Result<T> + Send + 'static,
    {
        let slot = match lane {
            Lane::Search => None,
            Lane::Heavy => Some(self.heavy_slot().await?),
        };
        let live = Arc::clone(&self.live);
        let job = move || {
            let _slot = slot;
            job(&live.latest())
        };
        match tokio::task::spawn_blocking(job).await {
            Ok(result) => result.map_err(ApiError::from),
            // A panic in the engine ends up here rather than in the panic layer (another thread).
            Err(join_error) => Err(ApiError::internal(format!(
                "index task failed: {join_error}"
            ))),
        }
    }

    async fn heavy_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        let wait = self.config.heavy_wait;
        match tokio::time::timeout(wait, Arc::clone(&self.heavy).acquire_owned()).await {
            Ok(Ok(slot)) => Ok(slot),
            _ => Err(ApiError::new(
                ErrorCode::ServerBusy,
                format!(
                    "every slot for comparisons and exports stayed busy for {} ms",
                    wait.as_millis()
                ),
                "retry after the seconds Retry-After gives; searches are answered meanwhile",
            )
            .retry_after(BUSY_RETRY_AFTER)),
        }
    }
}

fn build_in_progress() -> ApiError {
    ApiError::new(
        ErrorCode::BuildInProgress,
        "a build of this index is already running",
        "wait for it to finish (its answer, or the server log, says when), then retry",
    )
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
