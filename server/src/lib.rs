//! Verbatim's JSON search API: an axum router that translates HTTP into calls to the `indexer`
//! engine and its answers into JSON. All search logic lives in `indexer`.
//!
//! [`app`] builds the whole service (routes, the `Host` allow-list, API keys and their scopes,
//! cross-site checks, limits, panic catching, request logs), so the binary and the end-to-end
//! tests serve exactly the same router. Serve it with the client's address as connection info
//! (`into_make_service_with_connect_info::<server::ClientAddress>()`): wrong keys are counted per address.
//!
//! ```no_run
//! # async fn serve() -> anyhow::Result<()> {
//! let index = indexer::Index::open(std::path::Path::new(".verbatim-index"))?;
//! let app = server::app(server::AppState::new(index, server::Config::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8490").await?;
//! let service = app.into_make_service_with_connect_info::<server::ClientAddress>();
//! axum::serve(listener, service).await?;
//! # Ok(())
//! # }
//! ```

pub mod auth;
pub mod cors;
pub mod error;
pub mod export;
pub mod extract;
pub mod host;
pub mod listener;
pub mod middleware;
mod params;
pub mod routes;
pub mod state;
pub mod watch;

use axum::Router;

pub use auth::{ApiKey, Keys, Scope};
pub use cors::CorsOrigins;
pub use error::{ApiError, ErrorCode};
pub use host::AllowedHosts;
pub use listener::{ClientAddress, GuardedListener};
pub use routes::openapi::{Served, openapi};
pub use state::{AppState, Config};

/// The whole service over `state`: every route, behind the server's middleware.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    middleware::apply(routes::router(state), &config)
}
