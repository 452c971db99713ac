//! Liveness (`/health`: the process answers) and readiness (`/ready`: the index can be read).

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::Json;
use crate::state::AppState;

/// The process is up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// The index is open and readable.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Always `ready`.
    pub status: &'static str,
    /// Documents in the index.
    pub documents: u64,
    /// Passages in the index.
    pub passages: u64,
}

/// Liveness: answers as long as the process does; never needs a key.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "service",
    responses((status = 200, description = "The server is up", body = Health))
)]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: reads the index, so a deleted or damaged index shows here.
#[utoipa::path(
    get,
    path = "/ready",
    operation_id = "ready",
    tag = "service",
    responses(
        (status = 200, description = "The index can be searched", body = Ready),
        (status = 503, description = "`index_not_ready`: the index cannot be read", body = ErrorBody),
    )
)]
pub(crate) async fn ready(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    match state.with_index(|index| index.stats()).await {
        Ok(stats) => Ok(Json(Ready {
            status: "ready",
            documents: stats.documents,
            passages: stats.passages,
        })),
        Err(error) => Err(ApiError::new(
            ErrorCode::IndexNotReady,
            "the index cannot be read",
            "rebuild it with `verbatim-index CORPUS --index DIR` and restart the server",
        )
        .with_detail(format!("{error:?}"))),
    }
}
