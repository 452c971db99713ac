//! `GET /v1/facets/{field}`: every value of a field with its count, for building filter menus.

use axum::extract::State;
use indexer::api::FacetCount;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, QueryPairs};
use crate::params;
use crate::state::AppState;

/// Every value of `field` with the number of passages having it, most frequent first,
/// over the passages matching `q` and the filters (all passages when none is given).
#[utoipa::path(
    get,
    path = "/v1/facets/{field}",
    tag = "search",
    security(("api_key" = [])),
    params(
        ("field" = String, Path, description = "role, role_group, site, kind, lang, speaker, doc, year or attr.NAME"),
        ("q" = Option<String>, Query, description = "Only passages matching this query"),
        ("role" = Option<Vec<String>>, Query, description = "Roles or role groups (any-of)"),
        ("site" = Option<Vec<String>>, Query, description = "Sites (any-of)"),
        ("kind" = Option<Vec<String>>, Query, description = "Document kinds (any-of)"),
        ("lang" = Option<Vec<String>>, Query, description = "Languages: en, zh (any-of)"),
        ("speaker" = Option<Vec<String>>, Query, description = "Speaker ids (any-of)"),
        ("doc" = Option<Vec<String>>, Query, description = "Document ids (any-of)"),
        ("year" = Option<String>, Query, description = "2019, 2015..2019, 2015.. or ..2019"),
    ),
    responses(
        (status = 200, description = "Values with counts", body = Vec<FacetCount>),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` or `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: unknown field or parameter", body = ErrorBody),
    )
)]
pub(crate) async fn values(
    State(state): State<AppState>,
    Path(field): Path<String>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<Vec<FacetCount>>, ApiError> {
    let field = params::facet_field(&field)?;
    let request = params::facet_request(pairs)?;
    request.validate()?;
    state
        .with_index(move |index| index.facet_values(&field, &request.q, &request.filters))
        .await
        .map(Json)
}
