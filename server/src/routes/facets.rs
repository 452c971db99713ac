//! `GET /v1/facets/{field}`: every value of a field with its count, for building filter menus.

use axum::extract::State;
use indexer::api::{FacetCount, FacetField, FacetQuery, QueryForm};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, QueryPairs};
use crate::params;
use crate::state::AppState;

/// Every value of `field` with the number of passages having it, most frequent first,
/// over the passages matching `q` and the filters (all passages when none is given).
#[utoipa::path(
    get,
    path = "/v1/facets/{field}",
    operation_id = "facet_values",
    tag = "search",
    params(("field" = FacetField, Path, description = "The field whose values are counted")),
    responses(
        (status = 200, description = "Values with counts", body = Vec<FacetCount>),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 422, description = "`invalid_field_value`: unknown field or parameter", body = ErrorBody),
    )
)]
pub(crate) async fn values(
    State(state): State<AppState>,
    Path(field): Path<String>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<Vec<FacetCount>>, ApiError> {
    let field = params::facet_field(&field)?;
    let request = FacetQuery::from_query(pairs)?;
    request.validate()?;
    state
        .with_index(move |index| index.facet_values(&field, &request.q, &request.filters))
        .await
        .map(Json)
}
