//! `GET /openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations, the API
//! types and the API's query-string codec, so it cannot drift from what the server does.
//!
//! The document describes this server exactly: the participant attributes its index knows are
//! the only `attr.NAME` it lists, since any other name is refused.

use std::collections::BTreeSet;

use axum::extract::State;
use indexer::api::{
    DocumentsRequest, FacetQuery, Param, PassageQuery, QueryForm, SearchRequest,
    attribute_filters_schema_for, facet_field_schema, query_parameters,
};
use render::Format;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use axum::http::Method as HttpMethod;

use crate::auth::Scope;
use crate::error::{ErrorBody, ErrorCode};
use crate::export::FORMAT_PARAM;
use crate::extract::Json;
use crate::state::AppState;

use super::{
    Access, collocates, compare, documents, facets, files, health, index, participants, rebuild,
    search, sets, stats, verify,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Verbatim",
        description = "Full-text search over qualitative health-policy research data: find quotes, \
                       see who said them, filter and count by role and site. Every error is \
                       `{\"error\": {\"code\", \"message\", \"hint\"}}`; the codes are listed in the ErrorCode schema. \
                       On a server with API keys, `x-scope` on each operation names the scope its \
                       key needs (`read`, `write` or `admin`; each includes the ones before it)."
    ),
    paths(
        health::health,
        health::ready,
        openapi_json,
        stats::stats,
        index::status,
        search::search_get,
        search::search_post,
        documents::list,
        documents::show,
        documents::passage,
        facets::values,
        participants::list,
        compare::crosstab,
        compare::keyness,
        compare::kwic,
        collocates::collocates,
        rebuild::rebuild,
        verify::verify,
        files::upload,
        files::delete,
        sets::list,
        sets::create,
        sets::get,
        sets::update,
        sets::delete,
        sets::rerun,
    ),
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&BearerKey),
    tags(
        (name = "search", description = "Search passages and count facet values"),
        (name = "compare", description = "Compare groups of speakers: cross-tabs, keyness, keyword in context, collocates"),
        (name = "documents", description = "Browse documents and passages"),
        (name = "index", description = "What the index holds, how it follows its corpus, and rebuilding it"),
        (name = "sets", description = "Hit sets: searches saved with their review, re-run as the corpus changes"),
        (name = "service", description = "Liveness, readiness and this document"),
    )
)]
struct ApiDoc;

/// Declares the bearer key the routes with a scope name in their `security` (needed only when
/// the server was started with keys).
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "needed when the server runs with API keys (--api-key, --keys or \
                         VERBATIM_API_KEY); the operation's x-scope names the scope the key needs",
                    ))
                    .build(),
            ),
        );
    }
}

/// The extension naming the scope an operation's key needs.
pub const SCOPE_EXTENSION: &str = "x-scope";

/// The parameter list of a request's query-string codec.
type ParamList = fn() -> Vec<Param>;

/// The `GET` routes that read a query string, with the codec that reads it.
const QUERY_FORMS: [(&str, ParamList); 4] = [
    ("/v1/search", SearchRequest::params),
    ("/v1/facets/{field}", FacetQuery::params),
    ("/v1/documents", DocumentsRequest::params),
    ("/v1/documents/{id}/passages/{n}", PassageQuery::params),
];

/// The operations that also answer as files, with the formats each takes (`?format=`). They are
/// the operations that may run in the heavy lane (comparisons, exports, long pages of hits).
const EXPORTS: [(&str, Method, &[Format]); 6] = [
    ("/v1/search", Method::Get, &render::SEARCH_FORMATS),
    ("/v1/search", Method::Post, &render::SEARCH_FORMATS),
    ("/v1/crosstab", Method::Post, &render::TABLE_FORMATS),
    ("/v1/keyness", Method::Post, &render::TABLE_FORMATS),
    ("/v1/kwic", Method::Post, &render::KWIC_FORMATS),
    ("/v1/verify", Method::Post, &render::VERIFY_FORMATS),
];

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
}

/// Whether the operation may run in the heavy lane: it is one of [`EXPORTS`].
fn is_heavy(path: &str, method: &HttpMethod) -> bool {
    EXPORTS.iter().any(|(exported, exported_method, _)| {
        *exported == path
            && match exported_method {
                Method::Get => method == HttpMethod::GET,
                Method::Post => method == HttpMethod::POST,
            }
    })
}

/// Adds the `format` parameter and the files' media types to the operations of [`EXPORTS`].
fn add_formats(doc: &mut utoipa::openapi::OpenApi) {
    for (path, method, formats) in EXPORTS {
        let Some(item) = doc.paths.paths.get_mut(path) else {
            continue;
        };
        let operation = match method {
            Method::Get => item.get.as_mut(),
            Method::Post => item.post.as_mut(),
        };
        let Some(operation) = operation else {
            continue;
        };
        let names: Vec<&str> = formats.iter().map(|format| format.as_str()).collect();
        operation.parameters.get_or_insert_with(Vec::new).push(
            ParameterBuilder::new()
                .name(FORMAT_PARAM)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(format!(
                    "Answer as a file instead of JSON: {} (default json; an Accept header \
                         naming one of their media types does the same)",
                    names.join(", ")
                )))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(names)),
                ))
                .build(),
        );
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") {
            for format in formats.iter().filter(|format| **format != Format::Json) {
                let essence = format.media_type().split(';').next().unwrap_or_default();
                response.content.insert(
                    essence.to_string(),
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                );
            }
        }
    }
}

/// What the document says about a server: whether it needs a key, and its index's participant
/// attributes (`None`: any server's, with `attr.NAME` standing for every attribute).
#[derive(Debug, Clone, Copy, Default)]
pub struct Served<'a> {
    /// Whether the `/v1` routes need the key.
    pub key_required: bool,
    /// The columns of the participants sheet, when known.
    pub attributes: Option<&'a [String]>,
}

/// The OpenAPI document of a server.
pub fn openapi(served: Served<'_>) -> utoipa::openapi::OpenApi {
    let Served {
        key_required,
        attributes,
    } = served;
    let mut doc = ApiDoc::openapi();
    add_formats(&mut doc);
    for (path, params) in QUERY_FORMS {
        if let Some(operation) = doc
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.get.as_mut())
        {
            let parameters = operation.parameters.get_or_insert_with(Vec::new);
            parameters.extend(query_parameters(&params(), attributes));
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.insert(
        "FacetField".into(),
        RefOr::T(facet_field_schema(attributes)),
    );
    if let Some(RefOr::T(Schema::Object(filters))) = components.schemas.get_mut("Filters") {
        filters.properties.insert(
            "attr".into(),
            RefOr::T(attribute_filters_schema_for(attributes)),
        );
    }
    for (method, path, access) in super::access() {
        let Some(item) = doc.paths.paths.get_mut(path) else {
            continue;
        };
        let operation = match method {
            HttpMethod::GET => item.get.as_mut(),
            HttpMethod::POST => item.post.as_mut(),
            HttpMethod::PATCH => item.patch.as_mut(),
            HttpMethod::DELETE => item.delete.as_mut(),
            _ => None,
        };
        if let Some(operation) = operation {
            declare_access(operation, access, key_required);
            add_common_errors(operation, access, is_heavy(path, &method));
        }
    }
    doc
}

/// The operation's `security` and `x-scope`, from the route table: with keys the key is
/// required; without, it is one option and no key the other (a key sent anyway is ignored).
fn declare_access(operation: &mut Operation, access: Access, key_required: bool) {
    let Access::Needs(scope) = access else {
        operation.security = None;
        return;
    };
    let key = SecurityRequirement::new("api_key", Vec::<String>::new());
    operation.security = Some(if key_required {
        vec![key]
    } else {
        vec![SecurityRequirement::default(), key]
    });
    operation
        .extensions
        .get_or_insert_with(Default::default)
        .insert(SCOPE_EXTENSION.into(), scope.as_str().into());
}

/// The errors any route may answer with, besides its own: a `Host` it does not answer to, a
/// timeout and a fault anywhere; a key problem, a scope it does not cover and a lock-out after
/// wrong keys where a key may be needed, and a request from another site where the route
/// writes; a busy heavy lane where the work may be heavy; a body over the limit or not sent as
/// JSON where there is a body.
fn add_common_errors(operation: &mut Operation, access: Access, heavy: bool) {
    let mut common = vec![
        (
            ErrorCode::UnknownHost,
            "`unknown_host`: the Host header names a host this server does not answer to",
        ),
        (ErrorCode::RequestTimeout, "`request_timeout`"),
        (
            ErrorCode::Internal,
            "`internal`: a fault in the server (details in its log)",
        ),
    ];
    if let Access::Needs(scope) = access {
        common.push((
            ErrorCode::MissingApiKey,
            "`missing_api_key` or `invalid_api_key`",
        ));
        common.push((
            ErrorCode::InsufficientScope,
            if scope >= Scope::Write {
                "`insufficient_scope`: the key's scope does not cover this route; or \
                 `cross_site_request`: a browser sent it from another site"
            } else {
                "`insufficient_scope`: the key's scope does not cover this route"
            },
        ));
        common.push((
            ErrorCode::TooManyFailedAttempts,
            "`too_many_failed_attempts`: too many wrong keys from this address; \
             Retry-After gives the seconds to wait",
        ));
    }
    if heavy {
        common.push((
            ErrorCode::ServerBusy,
            "`server_busy`: every slot for comparisons and exports stayed busy; \
             Retry-After gives the seconds to wait",
        ));
    }
    if operation.request_body.is_some() {
        common.push((ErrorCode::PayloadTooLarge, "`payload_too_large`"));
        common.push((
            ErrorCode::UnsupportedMediaType,
            "`unsupported_media_type`: the body was not sent as application/json",
        ));
    }
    for (code, description) in common {
        operation
            .responses
            .responses
            .entry(code.status().as_u16().to_string())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

/// This document, for this server's index.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json(State(state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    let attributes = state
        .with_index(|index| index.participants())
        .await
        .ok()
        .map(|participants| {
            let names: BTreeSet<String> = participants
                .into_iter()
                .flat_map(|participant| participant.attrs.into_keys())
                .collect();
            names.into_iter().collect::<Vec<_>>()
        });
    Json(openapi(Served {
        key_required: !state.config.keys.is_empty(),
        attributes: attributes.as_deref(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameter_names(doc: &utoipa::openapi::OpenApi, path: &str) -> Vec<String> {
        let operation = doc.paths.paths[path].get.as_ref().expect("a GET operation");
        operation
            .parameters
            .iter()
            .flatten()
            .map(|parameter| parameter.name.clone())
            .collect()
    }

    #[test]
    fn search_and_facets_list_the_same_filters_with_this_index_attributes() {
        let attributes = ["gender".to_string(), "years_in_post".to_string()];
        let doc = openapi(Served {
            key_required: true,
            attributes: Some(&attributes),
        });
        let search = parameter_names(&doc, "/v1/search");
        let facets = parameter_names(&doc, "/v1/facets/{field}");
        for filter in ["role", "kind", "year", "attr.gender", "attr.years_in_post"] {
            assert!(search.iter().any(|name| name == filter), "{search:?}");
            assert!(facets.iter().any(|name| name == filter), "{facets:?}");
        }
        assert!(!search.iter().any(|name| name == "attr.NAME"), "{search:?}");
        let json = serde_json::to_value(&doc).expect("the document serializes");
        let pattern = json["components"]["schemas"]["FacetField"]["pattern"]
            .as_str()
            .unwrap_or_default();
        assert!(pattern.contains("[Gg][Ee][Nn][Dd][Ee][Rr]"), "{pattern}");
        assert_eq!(
            json["paths"]["/v1/stats"]["get"]["security"],
            serde_json::json!([{"api_key": []}]),
            "with a key, the key is required"
        );
    }

    #[test]
    fn any_server_documents_attr_name() {
        let doc = openapi(Served::default());
        assert!(parameter_names(&doc, "/v1/facets/{field}").contains(&"attr.NAME".to_string()));
    }
}
