//! What every handler shares: the open index and the server's settings.
//!
//! The index is reopened when a build swaps in a new generation (`verbatim-index` rewrites the
//! index's `CURRENT` file), so a running server serves a rebuilt corpus without a restart.
//! Requests already running finish on the generation they started with.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use indexer::Index;
use indexer::store::current_generation;

use crate::auth::ApiKey;
use crate::error::ApiError;

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

/// The state handlers receive; cloning it is cheap.
#[derive(Clone)]
pub struct AppState {
    live: Arc<LiveIndex>,
    /// The settings the router was built with.
    pub config: Arc<Config>,
}

impl AppState {
    /// State serving `index` with `config`.
    pub fn new(index: Index, config: Config) -> AppState {
        let generation = current_generation(index.dir());
        AppState {
            live: Arc::new(LiveIndex {
                current: RwLock::new(Served {
                    index: Arc::new(index),
                    generation,
                }),
                reopening: Mutex::new(()),
            }),
            config: Arc::new(config),
        }
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

/// The index being served and the generation it was opened at.
struct LiveIndex {
    current: RwLock<Served>,
    /// Held while a new generation is opened, so concurrent requests open it once.
    reopening: Mutex<()>,
}

#[derive(Clone)]
struct Served {
    index: Arc<Index>,
    /// The generation `CURRENT` named when the index was opened (the one opened, or an older
    /// one if a build swapped between the two reads, which only causes one more reopen).
    generation: Option<PathBuf>,
}

impl LiveIndex {
    /// The index of the live generation: the one served, or, when a build has swapped in a new
    /// generation since, that one, opened now. If it cannot be opened the old one goes on
    /// serving (its files stay readable while open) and the failure is logged.
    fn latest(&self) -> Arc<Index> {
        let served = self.served();
        let on_disk = current_generation(served.index.dir());
        if on_disk.is_none() || on_disk == served.generation {
            return served.index;
        }
        // Another request is opening it: answer from the old generation meanwhile.
        let Ok(_reopening) = self.reopening.try_lock() else {
            return served.index;
        };
        let served = self.served();
        if on_disk == served.generation {
            return served.index;
        }
        match Index::open(served.index.dir()) {
            Ok(index) => {
                tracing::info!(generation = ?on_disk, "serving a rebuilt index");
                let index = Arc::new(index);
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Served {
                    index: Arc::clone(&index),
                    generation: on_disk,
                };
                index
            }
            Err(error) => {
                tracing::warn!(%error, "cannot open the rebuilt index; serving the previous one");
                // Not retried until `CURRENT` changes again, so the log is not flooded.
                self.current
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .generation = on_disk;
                served.index
            }
        }
    }

    fn served(&self) -> Served {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
