//! `GET /v1/index`: the generation served, and what the corpus's watcher last took in.

use axum::extract::State;
use indexer::watch::IndexStatus;

use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// The generation searches are answered from, when it was built, and, when the corpus is
/// watched, whether a build is running and what the last one added, changed, removed and
/// refused (with file names and reasons); and whether it takes files (`POST /v1/files`).
#[utoipa::path(
    get,
    path = "/v1/index",
    operation_id = "index_status",
    tag = "index",
    responses(
        (status = 200, description = "The index served and its watch", body = IndexStatus),
    )
)]
pub(crate) async fn status(State(state): State<AppState>) -> Result<Json<IndexStatus>, ApiError> {
    let (watch, uploads) = (state.watch_status(), state.config.allow_uploads);
    state
        .with_index(move |index| {
            Ok(IndexStatus {
                uploads,
                ..IndexStatus::new(index, watch)
            })
        })
        .await
        .map(Json)
}
