//! `POST /v1/index/rebuild`: brings the served index up to date with the server's corpus
//! directory (the incremental build the server runs at start-up) and serves the result.

use axum::Extension;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::extract::{Json, QueryPairs};
use crate::state::{AppState, Rebuilt};

/// What a rebuild did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RebuildResponse {
    /// True when the index was already up to date and nothing was read.
    pub up_to_date: bool,
    /// Documents in the index now.
    pub documents: u64,
    /// Passages in the index now.
    pub passages: u64,
    /// The files read and indexed, relative to the corpus directory.
    pub indexed: Vec<String>,
    /// How many files left the index because they left the corpus.
    pub files_removed: u64,
    /// Files that are not a corpus format, with why.
    pub skipped: Vec<SkippedFile>,
    /// Malformed files and rows, each naming the file (and line); the rest was indexed.
    pub errors: Vec<String>,
    /// Wall time of the build, in milliseconds.
    pub took_ms: f64,
}

/// A file of the corpus directory left out of the index.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SkippedFile {
    /// The file, relative to the corpus directory.
    pub file: String,
    /// Why it was left out.
    pub reason: String,
}

impl From<Rebuilt> for RebuildResponse {
    fn from(Rebuilt { report, indexed }: Rebuilt) -> RebuildResponse {
        RebuildResponse {
            up_to_date: report.up_to_date,
            documents: report.documents,
            passages: report.passages,
            indexed,
            files_removed: report.files_removed,
            skipped: report
                .skipped
                .into_iter()
                .map(|(file, reason)| SkippedFile { file, reason })
                .collect(),
            errors: report.errors.iter().map(ToString::to_string).collect(),
            took_ms: report.elapsed.as_secs_f64() * 1000.0,
        }
    }
}

/// Rebuilds the index from the server's corpus directory: only files added, changed or removed
/// since the last build are read; searches go on meanwhile and the next ones see the new index.
/// One build at a time. Needs a `write` key on a server with keys; a browser may send it only
/// from the server's own page.
#[utoipa::path(
    post,
    path = "/v1/index/rebuild",
    operation_id = "rebuild",
    tag = "index",
    responses(
        (status = 200, description = "The build's summary; the index served now is the new one", body = RebuildResponse),
        (status = 409, description = "`build_in_progress`: another build of the index is running; or `no_corpus`: the server has no corpus directory", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: a query-string parameter (this route takes none)", body = ErrorBody),
    )
)]
pub(crate) async fn rebuild(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<RebuildResponse>, ApiError> {
    if let Some((name, _)) = pairs.first() {
        return Err(ApiError::invalid_value(
            name,
            "unknown parameter",
            "this route takes no parameters: it rebuilds from the corpus the server was started with",
        ));
    }
    let corpus = state
        .config
        .corpus
        .clone()
        .filter(|corpus| corpus.is_dir())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NoCorpus,
                "this server has no corpus directory to build the index from",
                "start the server with --corpus DIR (the folder of documents and participants.csv)",
            )
        })?;
    let rebuilt = state.rebuild(corpus).await?;
    // The audit line of a write: who (the key's name, never its secret), what route, which files.
    tracing::info!(
        key = caller.name(),
        route = "POST /v1/index/rebuild",
        indexed = ?rebuilt.indexed,
        removed = rebuilt.report.files_removed,
        documents = rebuilt.report.documents,
        passages = rebuilt.report.passages,
        "index rebuilt"
    );
    Ok(Json(RebuildResponse::from(rebuilt)))
}
