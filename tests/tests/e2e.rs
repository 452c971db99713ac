//! End-to-end tests, one binary (faster to link) split into modules by part.
//!
//! They search the demo corpus's index (built once per run and shared, see
//! `verbatim_tests::demo_index`) or build their own in temp dirs, start the real server on
//! `127.0.0.1:0`, and run the real binaries. Run them with `cargo test --workspace`, which builds
//! every binary first. The benchmark harness has a crate of its own, `tests/bench`.

mod chinese;
mod cli;
mod collocates;
mod compare;
mod export;
mod indexer;
mod ingest_formats;
mod ingest_layouts;
mod licences;
mod live;
mod proximity;
mod reliability;
mod security;
mod server;
mod sets;
mod ui;
mod verify;
