//! Errors of the engine, with user-caused errors kept apart from internal ones.
//!
//! Callers map variants, never message strings: the server turns [`Error::Query`] into a 400,
//! [`Error::InvalidValue`] into a 422, [`Error::NotFound`] into a 404, and anything
//! [`Error::is_internal`] into a 500 that is logged.

use std::path::PathBuf;

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ingest, indexing and search.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A corpus file that could not be parsed; the rest of the corpus is still indexed.
    #[error("{}:{line}: {reason}", path.display())]
    Malformed {
        /// The file, as given to the indexer.
        path: PathBuf,
        /// 1-based line of the problem (0 when it concerns the whole file).
        line: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Query text that cannot be parsed; `column` (1-based, in characters) points at the problem.
    #[error("query, column {column}: {reason}")]
    Query {
        /// 1-based character column.
        column: usize,
        /// What is wrong.
        reason: String,
        /// How to write it instead.
        hint: Option<String>,
    },
    /// A request field with a value that is not allowed.
    #[error("{field}: {reason}")]
    InvalidValue {
        /// The request field, e.g. `filters.kind` or `limit`.
        field: String,
        /// What is wrong.
        reason: String,
        /// What would be accepted.
        hint: Option<String>,
    },
    /// A document or passage that does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `document "x"`.
        what: String,
    },
    /// No usable index at the given directory.
    #[error("no index at {}: build one with `verbatim-index CORPUS --index {}`", path.display(), path.display())]
    NoIndex {
        /// The index directory.
        path: PathBuf,
    },
    /// A file-system operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The search engine failed (a damaged index, a full disk...).
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A bug or broken invariant; the message is for the logs.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A request field whose value is not one of the accepted ones.
    pub fn invalid_value(field: &str, value: &str, accepted: &str) -> Error {
        Error::InvalidValue {
            field: field.to_string(),
            reason: format!("{value:?} is not a valid value"),
            hint: Some(format!("use one of: {accepted}")),
        }
    }

    /// A malformed corpus file.
    pub fn malformed(path: impl Into<PathBuf>, line: usize, reason: impl Into<String>) -> Error {
        Error::Malformed {
            path: path.into(),
            line,
            reason: reason.into(),
        }
    }

    /// An I/O failure on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the error is the engine's fault rather than the caller's.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Io { .. } | Error::Tantivy(_) | Error::Internal(_) | Error::NoIndex { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_names_file_and_line() {
        let e = Error::malformed("corpus/a.md", 3, "front matter: unknown kind \"memo\"");
        assert_eq!(
            e.to_string(),
            "corpus/a.md:3: front matter: unknown kind \"memo\""
        );
        assert!(!e.is_internal());
    }
}
