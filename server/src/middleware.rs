//! What wraps every route: the `Host` allow-list, cross-origin headers (only when asked for), the
//! body-size limit, the request timeout, panic catching and the request log.
//!
//! Public so tests can put a deliberately failing route behind exactly the server's stack.

use std::any::Any;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::Response;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::IntoResponse;
use tower::util::option_layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{OnResponse, TraceLayer};
use tracing::Span;

use crate::error::{ApiError, ErrorCode, InternalDetail};
use crate::host::refuse_unknown_host;
use crate::state::{Config, DISCARDED_BODY_BOUND};

/// Wraps `router` in the server's middleware (outermost last): every response, even to a panic
/// or a timeout, is JSON and is logged once. The `Host` check comes before anything else is
/// done with a request.
pub fn apply(router: Router, config: &Config) -> Router {
    router
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(from_fn_with_state(
            (config.body_limit, config.request_timeout),
            refuse_announced_oversize,
        ))
        .layer(from_fn_with_state(config.request_timeout, limit_time))
        .layer(option_layer(config.cors.layer()))
        .layer(from_fn_with_state(
            Arc::new(config.hosts.clone()),
            refuse_unknown_host,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(LogResponse)
                // 5xx are logged by `LogResponse`, with their detail; once is enough.
                .on_failure(()),
        )
}

/// Refuses a body whose announced length is over the limit at once, and reads the rest of it
/// (up to [`DISCARDED_BODY_BOUND`], within the request timeout) only to throw it away.
///
/// Answering before the body has arrived spares the client the upload when it reads early
/// (curl, browsers); reading the body afterwards lets clients that write the whole body before
/// reading (Python's `requests` and `urllib`, ureq) see the 413: a connection closed with their
/// body unread would reach them as a reset, losing the answer. Beyond the bound the connection
/// is closed.
async fn refuse_announced_oversize(
    State((limit, timeout)): State<(usize, Duration)>,
    request: Request,
    next: Next,
) -> Response<Body> {
    // Uploads and drafts have limits of their own.
    let limit = crate::routes::body_limit(request.extensions().get::<MatchedPath>(), limit);
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match announced {
        Some(length) if length > limit as u64 => {
            if length <= DISCARDED_BODY_BOUND {
                tokio::spawn(tokio::time::timeout(timeout, discard(request.into_body())));
            }
            ApiError::payload_too_large().into_response()
        }
        _ => next.run(request).await,
    }
}

/// Reads `body` to its end, keeping nothing, or until a read fails (the client left).
async fn discard(mut body: Body) {
    while let Some(Ok(_)) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {}
}

async fn limit_time(State(limit): State<Duration>, request: Request, next: Next) -> Response<Body> {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            ErrorCode::RequestTimeout,
            format!("the request took longer than {} ms", limit.as_millis()),
            "narrow the query or ask for fewer hits or less context, then retry",
        )
        .into_response(),
    }
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    ApiError::internal(format!("handler panicked: {message}")).into_response()
}

/// The span of a request: method and matched route, never the raw URI (it holds the user's query).
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route)
}

/// Logs each response once: server errors at `error` with their internal detail, the rest at `debug`.
#[derive(Debug, Clone, Copy)]
struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        let status = response.status().as_u16();
        let latency_ms = latency.as_secs_f64() * 1000.0;
        if response.status().is_server_error() {
            let detail = response
                .extensions()
                .get::<InternalDetail>()
                .map_or("", |detail| detail.0.as_str());
            tracing::error!(status, latency_ms, detail, "request failed");
        } else {
            tracing::debug!(status, latency_ms, "request answered");
        }
    }
}
