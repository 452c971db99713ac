//! `/v1/sets`: hit sets (saved, reviewed searches) of the served index: list, get, create,
//! update (drop, add, widen, describe), delete, and re-run against today's index.
//!
//! Set names from the path are checked by [`SetName`] before any file is named after them. Writes
//! to sets are one at a time in this server, so two reviews of one set never interleave.

use std::sync::Mutex;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use indexer::api::{CreateSetRequest, RerunRequest, RerunResponse, SetDetail, UpdateSetRequest};
use indexer::sets::{self, SetList, SetName};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{Json, Path, QueryPairs};
use crate::routes::no_other_parameter;
use crate::state::AppState;

/// Held while a set file is read, changed and written back.
static SET_WRITES: Mutex<()> = Mutex::new(());

/// Every set of the index, by name; a set file that does not read is listed in `errors` (file
/// and line), the others still answered.
#[utoipa::path(
    get,
    path = "/v1/sets",
    operation_id = "list_sets",
    tag = "sets",
    responses(
        (status = 200, description = "The sets, and an error for each set file that does not read", body = SetList),
        (status = 422, description = "`invalid_field_value`: a query-string parameter (this route takes none)", body = ErrorBody),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<SetList>, ApiError> {
    no_parameters(pairs)?;
    run(&state, sets::list).await.map(Json)
}

/// A set with its passages widened to its unit on today's index.
#[utoipa::path(
    get,
    path = "/v1/sets/{name}",
    operation_id = "get_set",
    tag = "sets",
    params(("name" = String, Path, description = "The set's name", pattern = r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$")),
    responses(
        (status = 200, description = "The set and its excerpts", body = SetDetail),
        (status = 404, description = "`not_found`: no set of that name", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the name is not a set name, or the set's file does not read (the message names its line)", body = ErrorBody),
    )
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<SetDetail>, ApiError> {
    no_parameters(pairs)?;
    let name = set_name(&name)?;
    run(&state, move |index| sets::get(index, &name))
        .await
        .map(Json)
}

/// Saves every passage a search matches (at most 10,000) as a new set. Needs a `write` key on a
/// server with keys.
#[utoipa::path(
    post,
    path = "/v1/sets",
    operation_id = "create_set",
    tag = "sets",
    request_body = CreateSetRequest,
    responses(
        (status = 201, description = "The new set", body = SetDetail),
        (status = 400, description = "`invalid_query` (the message gives the column) or `invalid_json`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the name is taken, a filter is not allowed, or the search matches too many passages", body = ErrorBody),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    QueryPairs(pairs): QueryPairs,
    Json(request): Json<CreateSetRequest>,
) -> Result<(StatusCode, Json<SetDetail>), ApiError> {
    no_other_parameter(pairs)?;
    let detail = write(&state, move |index| sets::create(index, &request)).await?;
    audit(&caller, "POST /v1/sets", &detail.name);
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Changes a set's review: drops passages (`DOC#N`) as false positives, adds passages by hand,
/// sets its unit or description; all or nothing. Needs a `write` key on a server with keys.
#[utoipa::path(
    patch,
    path = "/v1/sets/{name}",
    operation_id = "update_set",
    tag = "sets",
    params(("name" = String, Path, description = "The set's name", pattern = r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$")),
    request_body = UpdateSetRequest,
    responses(
        (status = 200, description = "The set as it is now", body = SetDetail),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 404, description = "`not_found`: no set of that name", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: a passage to drop is not in the set, one to add is not in the index, the name is not a set name, or the set's file does not read", body = ErrorBody),
    )
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    QueryPairs(pairs): QueryPairs,
    Json(request): Json<UpdateSetRequest>,
) -> Result<Json<SetDetail>, ApiError> {
    no_other_parameter(pairs)?;
    let name = set_name(&name)?;
    let changed = name.clone();
    let detail = write(&state, move |index| sets::update(index, &changed, &request)).await?;
    audit(&caller, "PATCH /v1/sets/{name}", &name);
    Ok(Json(detail))
}

/// Deletes a set's file. Needs a `write` key on a server with keys.
#[utoipa::path(
    delete,
    path = "/v1/sets/{name}",
    operation_id = "delete_set",
    tag = "sets",
    params(("name" = String, Path, description = "The set's name", pattern = r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$")),
    responses(
        (status = 204, description = "The set is gone"),
        (status = 404, description = "`not_found`: no set of that name", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the name is not a set name", body = ErrorBody),
    )
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    QueryPairs(pairs): QueryPairs,
) -> Result<StatusCode, ApiError> {
    no_parameters(pairs)?;
    let name = set_name(&name)?;
    let deleted = name.clone();
    write(&state, move |index| sets::delete(index, &deleted)).await?;
    audit(&caller, "DELETE /v1/sets/{name}", &name);
    Ok(StatusCode::NO_CONTENT)
}

/// Compares a set with its query's answer on today's index: new matches, lost matches, passages
/// whose text changed, passages or documents gone, each with its citation. With `accept` the
/// changes are saved into the set. Needs a `write` key on a server with keys (it may change the
/// set).
#[utoipa::path(
    post,
    path = "/v1/sets/{name}/rerun",
    operation_id = "rerun_set",
    tag = "sets",
    params(("name" = String, Path, description = "The set's name", pattern = r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$")),
    request_body = RerunRequest,
    responses(
        (status = 200, description = "The changes, and whether the set now holds them", body = RerunResponse),
        (status = 400, description = "`invalid_json`, or `invalid_query`: the saved query no longer parses", body = ErrorBody),
        (status = 404, description = "`not_found`: no set of that name", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: the name is not a set name, the set's file does not read, or the search now matches too many passages", body = ErrorBody),
    )
)]
pub(crate) async fn rerun(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    QueryPairs(pairs): QueryPairs,
    Json(request): Json<RerunRequest>,
) -> Result<Json<RerunResponse>, ApiError> {
    no_other_parameter(pairs)?;
    let name = set_name(&name)?;
    let rerun = name.clone();
    let response = write(&state, move |index| sets::rerun(index, &rerun, &request)).await?;
    if response.accepted {
        audit(&caller, "POST /v1/sets/{name}/rerun", &name);
    }
    Ok(Json(response))
}

fn no_parameters(pairs: Vec<(String, String)>) -> Result<(), ApiError> {
    match pairs.first() {
        None => Ok(()),
        Some((name, _)) => Err(ApiError::invalid_value(
            name,
            "unknown parameter",
            "this route takes no query-string parameters",
        )),
    }
}

fn set_name(name: &str) -> Result<SetName, ApiError> {
    SetName::parse(name).map_err(set_error)
}

/// Runs a set operation on the served index, with the sets' own answers for missing and broken
/// set files.
async fn run<T, F>(state: &AppState, job: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&indexer::Index) -> indexer::Result<T> + Send + 'static,
{
    state
        .with_index(move |index| Ok(job(index)))
        .await?
        .map_err(set_error)
}

/// Like [`run`], one writer at a time.
async fn write<T, F>(state: &AppState, job: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&indexer::Index) -> indexer::Result<T> + Send + 'static,
{
    run(state, move |index| {
        // A writer that panicked left no half-written file (writes are atomic): go on.
        let _one_writer = SET_WRITES.lock().unwrap_or_else(|e| e.into_inner());
        job(index)
    })
    .await
}

/// A missing set is a 404 that says how to list them; a set file edited into something that does
/// not read is the caller's to fix, so a 422 naming the file and line, not a fault of the server.
fn set_error(error: indexer::Error) -> ApiError {
    match error {
        indexer::Error::NotFound { what } => ApiError::new(
            ErrorCode::NotFound,
            format!("{what} not found"),
            "list the sets with GET /v1/sets",
        ),
        error @ indexer::Error::Malformed { .. } => ApiError::invalid_value(
            "name",
            format!("the set's file does not read: {error}"),
            "fix the file by hand (it is TOML), or delete the set and save it again",
        ),
        other => ApiError::from(other),
    }
}

/// The audit line of a write: who (the key's name, never its secret), what route, which set.
fn audit(caller: &Caller, route: &str, name: &SetName) {
    tracing::info!(
        key = caller.name(),
        route,
        set = name.as_str(),
        "set written"
    );
}
