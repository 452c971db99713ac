//! Verbatim's output formats, one module per format, written once and used by both the CLI
//! (`verbatim search --format xlsx`) and the server (`/v1/search?format=xlsx`), like ripgrep's
//! `printer` crate. Every writer takes the `indexer::api` types; none of them searches.
//!
//! The heavy writers (XLSX, DOCX) live here rather than in the engine, so `indexer` stays lean.
//! Tables (hits, cross-tabs, key terms) are laid out once in [`sheet`] and written by the CSV,
//! Markdown and XLSX modules alike.
//!
//! ```
//! use indexer::api::{SearchRequest, SearchResponse};
//! let response = SearchResponse {
//!     query: "trust".into(),
//!     total: 0,
//!     took_ms: 0.1,
//!     hits: vec![],
//!     facets: Default::default(),
//!     unknown_values: vec![],
//! };
//! let csv = render::search(render::Format::Csv, &SearchRequest::new("trust"), &response).unwrap();
//! assert!(String::from_utf8(csv).unwrap().starts_with("citation,speaker,"));
//! ```

mod appendix;
pub mod csv;
pub mod docx;
pub mod json;
pub mod jsonl;
pub mod kwic;
pub mod markdown;
pub mod sets;
pub mod sheet;
mod verify;
pub mod words;
pub mod xlsx;

use std::fmt;
use std::str::FromStr;

use indexer::api::{
    CollocatesResponse, CrosstabResponse, KeynessResponse, KwicResponse, SearchRequest,
    SearchResponse, SetDetail,
};

pub use appendix::{Appendix, SectionQuotes};
pub use verify::{VERIFY_FORMATS, diff_text, summary_line, verify};

/// A format answers and exports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON, exactly the API's answer.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 with a header row.
    Csv,
    /// Markdown: quotes as blockquotes with citations, tables as pipe tables.
    Md,
    /// An Excel workbook.
    Xlsx,
    /// A Word document.
    Docx,
    /// Aligned plain text: keyword-in-context lines.
    Txt,
}

impl Format {
    /// Every format, JSON first.
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Md,
        Format::Xlsx,
        Format::Docx,
        Format::Txt,
    ];

    /// The name used in `?format=` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Txt => "txt",
        }
    }

    /// The media type of a file in this format (`Content-Type`).
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Jsonl => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Txt => "text/plain; charset=utf-8",
        }
    }

    /// Whether files in this format are binary (ZIP packages), which a terminal cannot show.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx)
    }

    /// The format whose media type is `media_type` (parameters such as `charset` ignored).
    pub fn from_media_type(media_type: &str) -> Option<Format> {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        Format::ALL.into_iter().find(|format| {
            format
                .media_type()
                .split(';')
                .next()
                .is_some_and(|own| own.eq_ignore_ascii_case(essence))
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Format::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(wanted))
            .or_else(|| {
                wanted
                    .eq_ignore_ascii_case("markdown")
                    .then_some(Format::Md)
            })
            .ok_or_else(|| Error::Unsupported {
                format: wanted.to_string(),
                accepted: names(&Format::ALL),
            })
    }
}

/// What can go wrong while rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A format this kind of answer cannot be written in.
    #[error("{format:?} is not a format of this answer; use one of: {accepted}")]
    Unsupported {
        /// The format asked for.
        format: String,
        /// The formats this answer can be written in, comma-separated.
        accepted: String,
    },
    /// The writer failed (a bug, or out of memory).
    #[error("writing the {format} file failed: {reason}")]
    Write {
        /// The format being written.
        format: Format,
        /// What the writer said.
        reason: String,
    },
}

/// The result of a renderer: the file's bytes.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The formats a search's hits can be written in.
pub const SEARCH_FORMATS: [Format; 6] = [
    Format::Json,
    Format::Jsonl,
    Format::Csv,
    Format::Md,
    Format::Xlsx,
    Format::Docx,
];
/// The formats keyword-in-context lines can be written in.
pub const KWIC_FORMATS: [Format; 4] = [Format::Json, Format::Txt, Format::Csv, Format::Xlsx];
/// The formats cross-tabs and key-term lists can be written in.
pub const TABLE_FORMATS: [Format; 4] = [Format::Json, Format::Csv, Format::Md, Format::Xlsx];

/// A search's hits in `format`: its quotes with their citations.
pub fn search(
    format: Format,
    request: &SearchRequest,
    response: &SearchResponse,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Json => json::write(&mut out, response).map_err(|e| write_error(format, e))?,
        Format::Jsonl => {
            jsonl::write_lines(&mut out, &response.hits).map_err(|e| write_error(format, e))?
        }
        Format::Csv => {
            csv::write_hits(&mut out, &response.hits).map_err(|e| write_error(format, e))?
        }
        Format::Md => {
            markdown::write_quotes(&mut out, &response.hits).map_err(|e| write_error(format, e))?
        }
        Format::Xlsx => out = xlsx::workbook(&[sheet::hits(&response.hits)])?,
        Format::Docx => out = docx::appendix(&Appendix::of_search(request, response))?,
        Format::Txt => return Err(unsupported(format, &SEARCH_FORMATS)),
    }
    Ok(out)
}

/// The formats hit sets can be exported in.
pub const SET_FORMATS: [Format; 4] = [Format::Json, Format::Csv, Format::Md, Format::Xlsx];

/// Hit sets in `format`: each set's passages widened to its unit, with citations.
pub fn sets(format: Format, sets: &[SetDetail]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Json => json::write(&mut out, &sets).map_err(|e| write_error(format, e))?,
        Format::Csv => csv::write_sheet(&mut out, &self::sets::sheet(sets))
            .map_err(|e| write_error(format, e))?,
        Format::Md => {
            self::sets::write_markdown(&mut out, sets).map_err(|e| write_error(format, e))?
        }
        Format::Xlsx => out = xlsx::workbook(&[self::sets::sheet(sets)])?,
        _ => return Err(unsupported(format, &SET_FORMATS)),
    }
    Ok(out)
}

/// Keyword-in-context lines in `format`.
pub fn kwic(format: Format, response: &KwicResponse) -> Result<Vec<u8>> {
    tabular(
        format,
        &KWIC_FORMATS,
        response,
        || vec![sheet::kwic(response)],
        |out| kwic::write(out, response),
    )
}

/// A cross-tab in `format`.
pub fn crosstab(format: Format, response: &CrosstabResponse) -> Result<Vec<u8>> {
    if format == Format::Md {
        let mut out = Vec::new();
        markdown::write_crosstab(&mut out, response).map_err(|e| write_error(format, e))?;
        return Ok(out);
    }
    tabular(
        format,
        &TABLE_FORMATS,
        response,
        || sheet::crosstab(response),
        |_| Ok(()),
    )
}

/// A key-term list in `format`, naming the groups compared and their sizes.
pub fn keyness(format: Format, response: &KeynessResponse) -> Result<Vec<u8>> {
    if format == Format::Md {
        let mut out = Vec::new();
        markdown::write_keyness(&mut out, response).map_err(|e| write_error(format, e))?;
        return Ok(out);
    }
    tabular(
        format,
        &TABLE_FORMATS,
        response,
        || vec![sheet::keyness(response), sheet::keyness_groups(response)],
        |_| Ok(()),
    )
}

/// A collocates table in `format`: every table of the answer in one sheet, a row per collocate.
pub fn collocates(format: Format, response: &CollocatesResponse) -> Result<Vec<u8>> {
    tabular(
        format,
        &TABLE_FORMATS,
        response,
        || vec![sheet::collocates(response)],
        |_| Ok(()),
    )
}

/// A batch appendix in `format`.
pub fn appendix(format: Format, appendix: &Appendix) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Json => json::write(&mut out, appendix).map_err(|e| write_error(format, e))?,
        Format::Csv => {
            csv::write_appendix(&mut out, appendix).map_err(|e| write_error(format, e))?
        }
        Format::Md => {
            markdown::write_appendix(&mut out, appendix).map_err(|e| write_error(format, e))?
        }
        Format::Xlsx => out = xlsx::workbook(&[sheet::appendix(appendix)])?,
        Format::Docx => out = docx::appendix(appendix)?,
        Format::Jsonl | Format::Txt => {
            return Err(unsupported(
                format,
                &[
                    Format::Md,
                    Format::Json,
                    Format::Csv,
                    Format::Xlsx,
                    Format::Docx,
                ],
            ));
        }
    }
    Ok(out)
}

/// Writes data laid out as sheets: JSON as is, CSV from the first sheet, XLSX with every sheet,
/// Markdown from the first sheet, plain text with `text`.
fn tabular(
    format: Format,
    accepted: &[Format],
    value: &impl serde::Serialize,
    sheets: impl FnOnce() -> Vec<sheet::Sheet>,
    text: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Result<Vec<u8>> {
    if !accepted.contains(&format) {
        return Err(unsupported(format, accepted));
    }
    let mut out = Vec::new();
    let written = match format {
        Format::Json => json::write(&mut out, value),
        Format::Txt => text(&mut out),
        Format::Xlsx => return xlsx::workbook(&sheets()),
        Format::Csv => csv::write_sheet(&mut out, &sheets()[0]),
        Format::Md => markdown::write_sheet(&mut out, &sheets()[0]),
        Format::Jsonl | Format::Docx => return Err(unsupported(format, accepted)),
    };
    written.map_err(|e| write_error(format, e))?;
    Ok(out)
}

/// The error for a format this answer cannot be written in.
pub fn unsupported(format: Format, accepted: &[Format]) -> Error {
    Error::Unsupported {
        format: format.to_string(),
        accepted: names(accepted),
    }
}

fn names(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|format| format.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_error(format: Format, error: impl fmt::Display) -> Error {
    Error::Write {
        format,
        reason: error.to_string(),
    }
}

/// A hit as the engine would return it, for format tests (here and in the CLI's).
#[cfg(any(test, feature = "testing"))]
pub fn sample_hit() -> indexer::api::Hit {
    use indexer::api::{Hit, PassageView, Snippet, Span};
    use indexer::model::{Kind, Lang, Origin};
    let text = "You can't just throw half a dozen professionals in a room\nand expect them to work together";
    Hit {
        passage: PassageView {
            doc_id: "mcdermott-2019-integrated-care".into(),
            passage: 42,
            locator: "para 42".into(),
            section: Some("Results".into()),
            speaker: Some("ID9".into()),
            role: Some("Independent GP".into()),
            role_group: Some("GP".into()),
            site: Some("site 1".into()),
            attribution: None,
            lang: Lang::En,
            text: text.into(),
            attrs: Default::default(),
            citation: "[Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42".into(),
            origin: Origin {
                file: "documents/mcdermott-2019-integrated-care.md".into(),
                line: 120,
            },
        },
        title: "Integrated care".into(),
        kind: Kind::Article,
        highlights: vec![Span { start: 40, end: 53 }],
        snippet: Snippet {
            text: text.into(),
            highlights: vec![],
        },
        score: 1.5,
        translation: None,
        context: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name_and_media_type() {
        assert_eq!("XLSX".parse::<Format>().unwrap(), Format::Xlsx);
        assert_eq!("markdown".parse::<Format>().unwrap(), Format::Md);
        assert!("pdf".parse::<Format>().is_err());
        assert_eq!(
            Format::from_media_type("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(Format::from_media_type("text/html"), None);
    }

    #[test]
    fn answers_refuse_formats_they_cannot_take() {
        let response = KwicResponse {
            query: "x".into(),
            total: 0,
            width: 10,
            lines: vec![],
        };
        let error = kwic(Format::Docx, &response).unwrap_err().to_string();
        assert_eq!(
            error,
            "\"docx\" is not a format of this answer; use one of: json, txt, csv, xlsx"
        );
    }
}
