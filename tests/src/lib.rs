//! The harness shared by the end-to-end tests (`tests/e2e.rs`) and the benchmarks (`tests/bench`).
//!
//! Everything here is real: indexes of the demo corpus in temp dirs, the server's real router on
//! `127.0.0.1:0` ([`TestServer`]), the workspace's built binaries ([`Binary`]) and child
//! processes that say where they listen ([`ListeningChild`]), an HTTP client whose answers
//! deserialize into the API's own types ([`HttpApi`], [`Reply`]), memory and CPU-time figures
//! from `/proc` ([`Memory`], [`process_cpu_time`]), a seeded generator ([`Rng`]) and the
//! synthetic corpora it drives ([`corpus_gen`]), the Word and PDF files of the ingest tests
//! ([`fixtures`]), and waiting for events rather than for time ([`wait_for`]).

mod child;
pub mod corpus_gen;
pub mod fixtures;
mod http;
mod index;
mod memory;
mod rng;
mod test_server;
mod wait;
mod workspace;

pub use child::{ListeningChild, server_command};
pub use http::{
    HttpApi, Reply, TextReply, http_request, http_send, needs_earlier_requests, query_string,
    raw_exchange, sample_body,
};
pub use index::{demo_index, open_demo_index};
pub use memory::{Memory, process_cpu_time, reset_peak_memory, thread_cpu_time, total_memory};
pub use rng::Rng;
pub use test_server::{TestServer, copy_dir};
pub use wait::{PATIENCE, poll, wait_for};
pub use workspace::{Binary, corpus_dir, workspace_root};

/// The body of every error answer, as the server writes it.
pub use server::error::{ErrorBody, ErrorCode, ErrorDetail};
pub use ureq::http::HeaderMap;
