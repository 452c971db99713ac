//! `GET /v1/stats`: what the index holds and when it was built.

use axum::extract::State;
use indexer::api::Stats;

use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Counts of documents and passages (per language and kind), index size on disk and build time.
#[utoipa::path(
    get,
    path = "/v1/stats",
    operation_id = "stats",
    tag = "index",
    responses(
        (status = 200, description = "Index statistics", body = Stats),
    )
)]
pub(crate) async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, ApiError> {
    state.with_index(|index| index.stats()).await.map(Json)
}
