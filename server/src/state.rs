//! What every handler shares: the open index and the server's settings.
//!
//! The index is an [`indexer::LiveIndex`], so a running server serves a rebuilt corpus without a
//! restart; requests already running finish on the generation they started with.

use std::sync::Arc;
use std::time::Duration;

use indexer::{Index, LiveIndex};

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
        AppState {
            live: Arc::new(LiveIndex::new(index)),
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
