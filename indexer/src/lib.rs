//! Verbatim's engine: turns a corpus of transcripts, papers and policy texts into a searchable
//! index of attributed passages, and answers searches over it.
//!
//! The pipeline: [`ingest`] reads a corpus directory (transcripts and prose with YAML front matter,
//! JSONL imports, the participants sheet and role groups) into [`model::Document`]s and
//! [`model::Passage`]s; [`analysis`] tokenizes English and Chinese text (lindera for Chinese);
//! [`schema`] names every tantivy field; [`store`] builds an index into a fresh directory and swaps
//! it in atomically; [`Index`] opens it and answers [`api::SearchRequest`]s with hits, facet counts,
//! highlights, context and citations. The server and the CLI call only this crate.
#![warn(missing_docs)]

pub mod analysis;
pub mod api;
pub mod catalog;
pub mod error;
pub mod ingest;
pub mod model;
pub mod schema;
pub mod search;
pub mod store;

pub use error::{Error, Result};
pub use search::Index;
pub use store::{BuildOptions, BuildReport, build};
