//! Verbatim's JSON search API: an axum router that translates HTTP into calls to the `indexer`
//! engine and its answers into JSON. All search logic lives in `indexer`.
//!
//! [`app`] builds the whole service (routes, API key, limits, panic catching, request logs), so
//! the binary and the end-to-end tests serve exactly the same router.
//!
//! ```no_run
//! # async fn serve() -> anyhow::Result<()> {
//! let index = indexer::Index::open(std::path::Path::new(".verbatim-index"))?;
//! let app = server::app(server::AppState::new(index, server::Config::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8490").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

pub mod auth;
pub mod error;
pub mod export;
pub mod extract;
pub mod listener;
pub mod middleware;
mod params;
pub mod routes;
pub mod state;
pub mod watch;

use axum::Router;

pub use auth::ApiKey;
pub use error::{ApiError, ErrorCode};
pub use listener::GuardedListener;
pub use routes::openapi::{Served, openapi};
pub use state::{AppState, Config};

/// The whole service over `state`: every route, behind the server's middleware.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    middleware::apply(routes::router(state), &config)
}
