//! End-to-end tests, one binary (faster to link) split into modules by part.
//!
//! They build real indexes from `corpus/` in temp dirs, start the real server on `127.0.0.1:0`,
//! and run the real `verbatim` binary. Run them with `cargo test --workspace`, which builds every
//! binary first.

mod bench;
mod cli;
mod indexer;
mod ingest_formats;
mod reliability;
mod server;
mod ui;
