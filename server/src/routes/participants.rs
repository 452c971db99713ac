//! `GET /v1/participants`: the people of the participants sheet, for filter menus and checks.

use axum::extract::State;
use indexer::api::ParticipantInfo;

use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

/// Every participant: id, role, role group, site, attributes and passage count, ordered by id.
#[utoipa::path(
    get,
    path = "/v1/participants",
    operation_id = "list_participants",
    tag = "index",
    responses(
        (status = 200, description = "Every participant", body = Vec<ParticipantInfo>),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
) -> Result<Json<Vec<ParticipantInfo>>, ApiError> {
    state
        .with_index(|index| index.participants())
        .await
        .map(Json)
}
