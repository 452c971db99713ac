//! The route tree: every endpoint in one table, from which both the router and the route list
//! that tests compare with the OpenAPI document are built.

use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};

use crate::auth::require_api_key;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

mod compare;
mod documents;
mod facets;
mod health;
mod index;
pub(crate) mod openapi;
mod participants;
mod search;
mod stats;
mod ui;

/// Routes under this prefix need the API key when one is set.
const PROTECTED_PREFIX: &str = "/v1/";

struct Route {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Route {
        Route {
            method: Method::GET,
            path,
            handler: get(handler),
        }
    }

    fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Route {
        Route {
            method: Method::POST,
            path,
            handler: post(handler),
        }
    }
}

fn table() -> Vec<Route> {
    vec![
        Route::get("/health", health::health),
        Route::get("/ready", health::ready),
        Route::get("/openapi.json", openapi::openapi_json),
        Route::get("/v1/stats", stats::stats),
        Route::get("/v1/index", index::status),
        Route::get("/v1/search", search::search_get),
        Route::post("/v1/search", search::search_post),
        Route::get("/v1/documents", documents::list),
        Route::get("/v1/documents/{id}", documents::show),
        Route::get("/v1/documents/{id}/passages/{n}", documents::passage),
        Route::get("/v1/facets/{field}", facets::values),
        Route::get("/v1/participants", participants::list),
        Route::post("/v1/crosstab", compare::crosstab),
        Route::post("/v1/keyness", compare::keyness),
        Route::post("/v1/kwic", compare::kwic),
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

/// The router over every route, with JSON answers for unknown routes and methods.
pub(crate) fn router(state: AppState) -> Router {
    let (protected, open): (Vec<Route>, Vec<Route>) = table()
        .into_iter()
        .partition(|route| route.path.starts_with(PROTECTED_PREFIX));
    let protected = add_routes(Router::new(), protected).route_layer(from_fn_with_state(
        state.config.api_key.clone(),
        require_api_key,
    ));
    add_routes(Router::new(), open)
        .merge(protected)
        .merge(ui::router())
        .fallback(no_route)
        // Must come after every route is added: it applies to the routes present.
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

fn add_routes(router: Router<AppState>, routes: Vec<Route>) -> Router<AppState> {
    routes.into_iter().fold(router, |router, route| {
        router.route(route.path, route.handler)
    })
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
