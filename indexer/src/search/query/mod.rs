//! The query language: words (all must match), `"exact phrases"`, proximity (`"a b"~N`,
//! `a NEAR/N b`), `OR`, `-exclude`, `prefix*`, `=word` (exactly as written) and `( )` grouping,
//! in English, Chinese or both.
//!
//! Query text goes through two steps, each in its own module: [`syntax`] lexes and parses it
//! into a small syntax tree with the column of every part, so an error can say where the problem
//! is; [`plan`] turns the tree into a tantivy query using the same analyzers as indexing, and
//! remembers what to highlight. `near` is the proximity query; `forward_only` works around a
//! tantivy bug that planned exclusions would otherwise trip.

mod forward_only;
mod near;
mod plan;
mod syntax;

pub use near::for_each_window;
pub use plan::{Highlights, QueryPlan};
pub use syntax::{Node, parse};

use crate::error::Error;

/// A query error at `column`, with a hint on how to write it instead.
fn query_error(column: usize, reason: &str, hint: &str) -> Error {
    Error::Query {
        column,
        reason: reason.to_string(),
        hint: Some(hint.to_string()),
    }
}
