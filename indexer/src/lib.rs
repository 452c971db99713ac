//! Verbatim's engine: turns a corpus of transcripts, papers and policy texts into a searchable
//! index of attributed passages, and answers searches over it.
//!
//! The pipeline: [`ingest`] reads a corpus directory (transcripts and prose in Markdown or text,
//! Word, OpenDocument, PDF and caption files, JSONL imports, the participants, documents and role
//! group sheets) into [`model::Document`]s and
//! [`model::Passage`]s; [`analysis`] tokenizes English and Chinese text (lindera for Chinese);
//! [`schema`] names every tantivy field; [`store`] builds an index into a fresh directory and swaps
//! it in atomically; [`Index`] opens it and answers [`api::SearchRequest`]s with hits, facet counts,
//! highlights, context and citations, and a [`LiveIndex`] keeps serving the newest build. The
//! server and the CLI call only this crate. For corpora that outgrow one machine, [`export`]
//! writes an index out for OpenSearch or Quickwit with the same analysis, filters and citations.
//!
//! ```
//! use indexer::api::{Filters, SearchRequest};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let corpus = tempfile::tempdir()?;
//! # let index_dir = tempfile::tempdir()?;
//! # std::fs::create_dir(corpus.path().join("documents"))?;
//! # std::fs::write(corpus.path().join("role_groups.toml"), "[groups]\nGP = [\"GP\", \"Independent GP\"]\n")?;
//! # std::fs::write(corpus.path().join("participants.csv"), "id,role,site\nID9,Independent GP,site 2\n")?;
//! // A transcript: YAML front matter, then speaker turns.
//! std::fs::write(
//!     corpus.path().join("documents/interview-9.md"),
//!     "---\ntitle: Interview 9\nkind: interview\n---\n\
//!      Interviewer: How do practices work together?\n\
//!      ID9: Integration is more than co-location.\n",
//! )?;
//! let report = indexer::build(corpus.path(), index_dir.path(), &indexer::BuildOptions::default())?;
//! assert_eq!(report.passages, 2);
//!
//! // Quotes by anyone in the GP role group, however their role is written.
//! let index = indexer::Index::open(index_dir.path())?;
//! let request = SearchRequest {
//!     filters: Filters { role: vec!["GP".into()], ..Filters::default() },
//!     ..SearchRequest::new("\"more than co-location\"")
//! };
//! let response = index.search(&request)?;
//! assert_eq!(response.hits[0].passage.citation, "[Independent GP ID9] Interview 9, turn 2, site 2");
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod api;
pub mod catalog;
pub mod compare;
mod durable;
pub mod error;
pub mod export;
pub mod ingest;
mod live;
pub mod model;
mod record;
pub mod schema;
pub mod search;
pub mod sets;
pub mod store;
pub mod verify;
pub mod watch;

pub use error::{Error, Result};
pub use live::LiveIndex;
pub use search::Index;
pub use store::{BuildEvent, BuildOptions, BuildReport, FileChanges, Progress, build, inspect};
pub use watch::Watcher;
