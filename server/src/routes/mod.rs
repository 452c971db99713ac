//! The route tree: every endpoint in one table, with who may call it, from which the router, its
//! access checks, the route list that tests compare with the OpenAPI document and that
//! document's scopes are all built.

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, delete, get, patch, post};

use crate::auth::{Scope, authorize};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

mod collocates;
mod compare;
mod documents;
mod facets;
mod files;
mod health;
mod index;
pub(crate) mod openapi;
mod participants;
mod rebuild;
mod search;
mod sets;
mod stats;
mod ui;
pub(crate) mod verify;

/// Who may call a route. A route states it once, in `table`: the key check, the cross-site
/// check of writes and the OpenAPI document's `security` and `x-scope` follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, with or without a key (health, readiness, this API's description).
    Open,
    /// On a server with keys, a key whose scope covers this one; a scope of `write` or more
    /// also refuses requests a browser sends from another site.
    Needs(Scope),
}

const READ: Access = Access::Needs(Scope::Read);
const WRITE: Access = Access::Needs(Scope::Write);

struct Route {
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::GET, path, access, get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::POST, path, access, post(handler))
    }

    fn patch<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::PATCH, path, access, patch(handler))
    }

    fn delete<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Route {
        Route::new(Method::DELETE, path, access, delete(handler))
    }

    fn new(
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Route {
        Route {
            method,
            path,
            access,
            handler,
        }
    }

    /// The route with a body limit of its own instead of the server's (see [`body_limit`]).
    fn with_body_limit(mut self, limit: usize) -> Route {
        self.handler = self.handler.layer(DefaultBodyLimit::max(limit));
        self
    }
}

pub use files::{Uploaded, UploadedFile, check_uploads};

/// The routes whose bodies may be larger than the server's limit, each with its own: the table
/// gives them these limits and the early refusal of announced lengths reads them.
const OWN_BODY_LIMITS: [(&str, usize); 2] = [
    (files::UPLOAD_PATH, files::UPLOAD_BODY_LIMIT),
    (VERIFY_PATH, verify::BODY_LIMIT),
];

const VERIFY_PATH: &str = "/v1/verify";

/// The largest body a request to the route `matched` may announce: the route's own limit, or
/// the server's `limit`.
pub(crate) fn body_limit(matched: Option<&MatchedPath>, limit: usize) -> usize {
    matched
        .and_then(|matched| {
            OWN_BODY_LIMITS
                .iter()
                .find(|(path, _)| *path == matched.as_str())
        })
        .map_or(limit, |&(_, own)| own)
}

/// The route's own body limit, as [`OWN_BODY_LIMITS`] gives it.
fn own_body_limit(path: &str) -> usize {
    OWN_BODY_LIMITS
        .iter()
        .find(|(own, _)| *own == path)
        .map(|&(_, limit)| limit)
        .expect("the route is listed in OWN_BODY_LIMITS")
}

fn table() -> Vec<Route> {
    use Access::Open;
    vec![
        Route::get("/health", Open, health::health),
        Route::get("/ready", Open, health::ready),
        Route::get("/openapi.json", Open, openapi::openapi_json),
        Route::get("/v1/stats", READ, stats::stats),
        Route::get("/v1/index", READ, index::status),
        Route::get("/v1/search", READ, search::search_get),
        Route::post("/v1/search", READ, search::search_post),
        Route::get("/v1/documents", READ, documents::list),
        Route::get("/v1/documents/{id}", READ, documents::show),
        Route::get("/v1/documents/{id}/passages/{n}", READ, documents::passage),
        Route::get("/v1/facets/{field}", READ, facets::values),
        Route::get("/v1/participants", READ, participants::list),
        Route::post("/v1/crosstab", READ, compare::crosstab),
        Route::post("/v1/keyness", READ, compare::keyness),
        Route::post("/v1/kwic", READ, compare::kwic),
        Route::post("/v1/collocates", READ, collocates::collocates),
        Route::post("/v1/index/rebuild", WRITE, rebuild::rebuild),
        Route::post(VERIFY_PATH, READ, verify::verify).with_body_limit(own_body_limit(VERIFY_PATH)),
        Route::post(files::UPLOAD_PATH, WRITE, files::upload)
            .with_body_limit(own_body_limit(files::UPLOAD_PATH)),
        Route::delete("/v1/files/{path}", WRITE, files::delete),
        Route::get("/v1/sets", READ, sets::list),
        Route::post("/v1/sets", WRITE, sets::create),
        Route::get("/v1/sets/{name}", READ, sets::get),
        Route::patch("/v1/sets/{name}", WRITE, sets::update),
        Route::delete("/v1/sets/{name}", WRITE, sets::delete),
        Route::post("/v1/sets/{name}/rerun", WRITE, sets::rerun),
    ]
}

/// Fails on a query-string parameter a `POST` route does not take (only `format` is read there).
pub(crate) fn no_other_parameter(pairs: Vec<(String, String)>) -> Result<(), ApiError> {
    match pairs.into_iter().next() {
        None => Ok(()),
        Some((name, _)) => Err(ApiError::invalid_value(
            &name,
            "unknown parameter",
            "the request goes in the JSON body; the query string takes only `format`",
        )),
    }
}

/// Every API route the server answers, as `(method, path)` with paths in OpenAPI syntax
/// (`/v1/documents/{id}`). The search page and its assets (`/`, `/assets/...`) are not API routes.
pub fn routes() -> Vec<(Method, &'static str)> {
    table()
        .into_iter()
        .map(|route| (route.method, route.path))
        .collect()
}

/// Every API route with who may call it, as [`routes`] lists them.
pub fn access() -> Vec<(Method, &'static str, Access)> {
    table()
        .into_iter()
        .map(|route| (route.method, route.path, route.access))
        .collect()
}

/// The router over every route, each behind the check its [`Access`] asks for, with JSON
/// answers for unknown routes and methods.
pub(crate) fn router(state: AppState) -> Router {
    table()
        .into_iter()
        .fold(Router::new(), |router, route| {
            let handler = match route.access {
                Access::Open => route.handler,
                Access::Needs(scope) => route
                    .handler
                    .route_layer(from_fn_with_state((state.clone(), scope), authorize)),
            };
            router.route(route.path, handler)
        })
        .merge(ui::router())
        .fallback(no_route)
        // Must come after every route is added: it applies to the routes present.
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no route for {method} {}", uri.path()),
        "see /openapi.json for the routes",
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {}", uri.path()),
        "the Allow header lists the methods this route takes",
    )
}
