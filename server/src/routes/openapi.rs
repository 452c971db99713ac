//! `GET /openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations and the
//! API types themselves so it cannot drift from what the server does.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorCode};
use crate::extract::Json;

use super::{documents, facets, health, participants, search, stats};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Verbatim",
        description = "Full-text search over qualitative health-policy research data: find quotes, \
                       see who said them, filter and count by role and site. Every error is \
                       `{\"error\": {\"code\", \"message\", \"hint\"}}`; the codes are listed in the ErrorCode schema."
    ),
    paths(
        health::health,
        health::ready,
        openapi_json,
        stats::stats,
        search::search_get,
        search::search_post,
        documents::list,
        documents::show,
        documents::passage,
        facets::values,
        participants::list,
    ),
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&BearerKey),
    tags(
        (name = "search", description = "Search passages and count facet values"),
        (name = "documents", description = "Browse documents and passages"),
        (name = "index", description = "What the index holds"),
        (name = "service", description = "Liveness, readiness and this document"),
    )
)]
struct ApiDoc;

/// Declares the bearer key the `/v1` routes name in their `security` (needed only when the
/// server was started with a key).
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("needed when the server runs with VERBATIM_API_KEY"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document of this server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
