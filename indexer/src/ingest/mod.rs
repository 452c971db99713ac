//! Reading a corpus directory into documents and passages.
//!
//! A corpus is a directory: documents (`.md`, `.txt`) with YAML front matter anywhere below it,
//! `.jsonl` imports, and at its root `participants.csv` (who the speakers are) and
//! `role_groups.toml` (which roles count as one group). [`discover`] lists and classifies the
//! files, [`decode`] turns bytes into text, [`parse_documents`] splits a document into passages
//! (speaker turns, paragraphs, attributed quotes), and [`join_participants`] fills in each
//! passage's role, site, attributes and role group from the sheet. A malformed file or row is
//! an [`Error::Malformed`](crate::Error::Malformed) naming its line; the rest is still read.

mod attribution;
mod decode;
mod discover;
mod document;
mod fields;
mod frontmatter;
mod jsonl;
mod participants;
mod prose;
mod role_groups;
mod transcript;

pub use decode::decode;
pub use discover::{CorpusFile, FileKind, PARTICIPANTS_FILE, ROLE_GROUPS_FILE, discover};
pub use document::ParsedDocument;
pub use participants::{join_participants, parse_participants};
pub use role_groups::parse_role_groups;

use crate::error::Error;

/// Parses one Document or Jsonl file. A JSONL file may hold many documents; bad lines are errors, good lines are kept.
#[tracing::instrument(skip_all, fields(file = %file.rel))]
pub fn parse_documents(file: &CorpusFile, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
    match file.kind {
        FileKind::Document => document::parse_document_file(file, text),
        FileKind::Jsonl => jsonl::parse(file, text),
        other => {
            let reason =
                format!("parse_documents was given a {other:?} file, which holds no documents");
            (
                Vec::new(),
                vec![Error::Internal(format!(
                    "{}: {reason}",
                    file.path.display()
                ))],
            )
        }
    }
}
