//! Output formats. The formats the server serves too (Markdown, CSV, JSON, JSONL, XLSX, DOCX,
//! keyword in context) are written once in the `render` crate; the terminal's `table` is the
//! CLI's own.

pub use render::{csv, json, markdown};

pub mod table;
