//! The documents sheet (`documents.csv`): describing a folder's files without editing them.
//!
//! A folder of Word files and captions has no front matter; one sheet at the corpus root gives
//! each file (by its path, column `file`) any document field (`title`, `kind`, `date`, `site`,
//! `source`...), an `id`, and a `speakers` map from the file's speaker labels to participants
//! (`Speaker 1=ID9; Speaker 2=Interviewer`). What a file's own front matter says wins; the sheet
//! wins over what is guessed from a file without it (id and title from the file name or first
//! heading, kind from its layout, language from its text).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use super::body::ParsedDocument;
use super::fields::{self, DOCUMENT_KEYS, DocFields};
use super::sheet::{line_of, read_sheet};
use crate::error::Error;
use crate::model::{DocId, SpeakerId};

/// The sheet, at the corpus root.
pub const DOCUMENTS_FILE: &str = "documents.csv";

/// What the sheet says about one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    /// The sheet's line that says it.
    pub line: usize,
    id: Option<DocId>,
    /// The document fields given, by key, as JSON values (as front matter would give them).
    fields: Vec<(String, Value)>,
    speakers: SpeakerMap,
}

/// Speaker labels a document uses, mapped to participant ids or other labels (case-insensitive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeakerMap(BTreeMap<String, SpeakerId>);

/// The sheet: descriptions by file path (relative to the corpus root, `/` separators).
pub type DocumentsSheet = HashMap<String, Description>;

/// Errors for the sheet's rows that name no document file of the corpus.
pub fn unknown_files(
    path: &Path,
    sheet: &DocumentsSheet,
    exists: impl Fn(&str) -> bool,
) -> Vec<Error> {
    let mut unknown: Vec<(&String, &Description)> =
        sheet.iter().filter(|(file, _)| !exists(file)).collect();
    unknown.sort_by_key(|(_, d)| d.line);
    unknown
        .into_iter()
        .map(|(file, d)| {
            Error::malformed(
                path,
                d.line,
                format!("no document {file:?} in the corpus: write the path from the corpus folder, with `/` (e.g. `interviews/int-09.docx`)"),
            )
        })
        .collect()
}

/// Where a document's metadata came from, which decides what the sheet may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stated {
    /// The file's front matter: the sheet only fills in what it leaves out.
    InFile,
    /// Guessed from the file's name and contents: the sheet overrides it.
    Guessed,
}

impl SpeakerMap {
    /// Reads `Label=ID; Label=ID`; the error names the part that is not `label=id`.
    pub fn parse(text: &str) -> Result<SpeakerMap, String> {
        let mut map = BTreeMap::new();
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (label, id) = pair
                .split_once('=')
                .map(|(l, i)| (l.trim(), i.trim()))
                .filter(|(l, i)| !l.is_empty() && !i.is_empty())
                .ok_or_else(|| {
                    format!("speakers: {pair:?} is not `label=id`: write e.g. `Speaker 1=ID9; Speaker 2=Interviewer`")
                })?;
            map.insert(label.to_lowercase(), SpeakerId::from(id));
        }
        Ok(SpeakerMap(map))
    }

    /// Renames the speakers of a document's passages whose labels the map names.
    pub(super) fn apply(&self, parsed: &mut ParsedDocument) {
        if self.0.is_empty() {
            return;
        }
        for passage in &mut parsed.passages {
            let mapped = passage
                .speaker
                .as_ref()
                .and_then(|s| self.0.get(&s.as_str().to_lowercase()));
            if let Some(id) = mapped {
                passage.speaker = Some(id.clone());
            }
        }
    }
}

impl Description {
    /// Applies the description to a document read from the file it describes.
    pub(super) fn apply(&self, parsed: &mut ParsedDocument, stated: Stated) {
        let document = &mut parsed.document;
        let mut fields = DocFields::default();
        for (key, value) in &self.fields {
            // Checked when the sheet was read.
            let _ = fields.set(key, value);
        }
        let overrides = stated == Stated::Guessed;
        if let (true, Some(title)) = (overrides, fields.title) {
            document.title = title;
        }
        if let (true, Some(kind)) = (overrides, fields.kind) {
            document.kind = kind;
        }
        if let (true, Some(lang)) = (overrides, fields.lang) {
            document.lang = lang;
        }
        fill(&mut document.date, fields.date, overrides);
        fill(&mut document.source, fields.source, overrides);
        fill(&mut document.reference, fields.reference, overrides);
        fill(&mut document.licence, fields.licence, overrides);
        fill(&mut document.url, fields.url, overrides);
        fill(&mut document.translation, fields.translation, overrides);
        if !fields.authors.is_empty() && (overrides || document.authors.is_empty()) {
            document.authors = fields.authors;
        }
        if let Some(site) = fields.site.filter(|_| overrides || document.site.is_none()) {
            document.site = Some(site.clone());
            for passage in parsed.passages.iter_mut().filter(|p| p.site.is_none()) {
                passage.site = Some(site.clone());
            }
        }
        if let Some(id) = self.id.clone().filter(|_| overrides) {
            for passage in &mut parsed.passages {
                passage.doc = id.clone();
            }
            parsed.document.id = id;
        }
        self.speakers.apply(parsed);
    }
}

fn fill<T>(field: &mut Option<T>, value: Option<T>, overrides: bool) {
    if value.is_some() && (overrides || field.is_none()) {
        *field = value;
    }
}

/// Reads the sheet; a bad row is an error naming its line and the other rows are kept.
pub fn parse_documents_sheet(path: &Path, text: &str) -> (DocumentsSheet, Vec<Error>) {
    let sheet = match read_sheet(path, text) {
        Ok(Some(sheet)) => sheet,
        Ok(None) => return (DocumentsSheet::new(), Vec::new()),
        Err(e) => return (DocumentsSheet::new(), vec![e]),
    };
    let header: Vec<String> = sheet
        .header
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if let Err(reason) = check_header(&header) {
        return (
            DocumentsSheet::new(),
            vec![Error::malformed(path, 1, reason)],
        );
    }
    let mut descriptions = DocumentsSheet::new();
    let mut errors = sheet.errors;
    for record in &sheet.rows {
        let line = line_of(record);
        match description(&header, record) {
            Ok((file, description)) => {
                let description = Description {
                    line,
                    ..description
                };
                if descriptions.insert(file.clone(), description).is_some() {
                    errors.push(Error::malformed(
                        path,
                        line,
                        format!("{file:?} is described twice: keep one row per file (the last row is kept)"),
                    ));
                }
            }
            Err(reason) => errors.push(Error::malformed(path, line, reason)),
        }
    }
    (descriptions, errors)
}

fn check_header(header: &[String]) -> Result<(), String> {
    if !header.iter().any(|h| h == "file") {
        return Err("no \"file\" column in the header: the first row must name the columns, e.g. `file,title,kind`".into());
    }
    match header.iter().find(|h| !is_column(h)) {
        Some(unknown) => Err(format!(
            "unknown column {unknown:?} (allowed: file, id, {}, speakers)",
            DOCUMENT_KEYS.join(", ")
        )),
        None => Ok(()),
    }
}

fn is_column(name: &str) -> bool {
    matches!(name, "file" | "id" | "speakers") || DOCUMENT_KEYS.contains(&name)
}

fn description(
    header: &[String],
    record: &csv::StringRecord,
) -> Result<(String, Description), String> {
    if record.len() != header.len() {
        return Err(format!(
            "row has {} fields but the header has {}",
            record.len(),
            header.len()
        ));
    }
    let mut file = None;
    let mut description = Description::default();
    for (key, cell) in header.iter().zip(record.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match key.as_str() {
            "file" => file = Some(cell.trim_start_matches("./").replace('\\', "/")),
            "id" => description.id = Some(fields::doc_id("id", cell)?),
            "speakers" => description.speakers = SpeakerMap::parse(cell)?,
            _ => {
                let value = match key.as_str() {
                    "authors" => Value::Array(
                        cell.split(';')
                            .map(|a| Value::String(a.trim().to_string()))
                            .collect(),
                    ),
                    _ => Value::String(cell.to_string()),
                };
                DocFields::default().set(key, &value)?;
                description.fields.push((key.clone(), value));
            }
        }
    }
    let file = file.ok_or("row has no file: fill in the file column (a path such as `interviews/int-09.docx`) or delete the row")?;
    Ok((file, description))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Kind, Lang, Origin, Passage};

    fn parsed() -> ParsedDocument {
        let document = Document::new(
            DocId("int-9".into()),
            "int 9".into(),
            Kind::Interview,
            "int 9.docx".into(),
        );
        let passage = Passage {
            doc: document.id.clone(),
            ordinal: 1,
            locator: "turn 1".into(),
            section: None,
            speaker: Some(SpeakerId::from("speaker 1")),
            role: None,
            role_group: None,
            site: None,
            attribution: None,
            lang: Lang::En,
            text: "Hello".into(),
            attrs: Default::default(),
            origin: Origin {
                file: "int 9.docx".into(),
                line: 1,
            },
        };
        ParsedDocument {
            document,
            passages: vec![passage],
            reading: Default::default(),
        }
    }

    #[test]
    fn rows_describe_files() {
        let text = "file,id,title,kind,date,site,source,authors,speakers\n\
                    interviews/int 9.docx,interview-9,Interview 9,interview,2016-03,site 2,PRUComm 2016,Ann Smith; Li Wei,Speaker 1=ID9; Speaker 2=Interviewer\n";
        let (sheet, errors) = parse_documents_sheet(Path::new("documents.csv"), text);
        assert!(errors.is_empty(), "{errors:?}");
        let mut doc = parsed();
        sheet["interviews/int 9.docx"].apply(&mut doc, Stated::Guessed);
        let d = &doc.document;
        assert_eq!(
            (
                d.id.as_str(),
                d.title.as_str(),
                d.date.as_deref(),
                d.source.as_deref()
            ),
            (
                "interview-9",
                "Interview 9",
                Some("2016-03"),
                Some("PRUComm 2016")
            )
        );
        assert_eq!(d.authors, ["Ann Smith", "Li Wei"]);
        let p = &doc.passages[0];
        assert_eq!(
            (
                p.doc.as_str(),
                p.speaker.as_ref().map(SpeakerId::as_str),
                p.site.as_ref().map(|s| s.as_str())
            ),
            ("interview-9", Some("ID9"), Some("site 2"))
        );
    }

    #[test]
    fn front_matter_wins() {
        let (sheet, _) = parse_documents_sheet(
            Path::new("d.csv"),
            "file,title,date\na.md,Sheet title,2019\n",
        );
        let mut doc = parsed();
        doc.document.date = Some("2016".into());
        sheet["a.md"].apply(&mut doc, Stated::InFile);
        assert_eq!(
            (doc.document.title.as_str(), doc.document.date.as_deref()),
            ("int 9", Some("2016"))
        );
    }

    #[test]
    fn bad_rows_and_headers_name_their_line() {
        let text = "file,kind,speakers\na.docx,memo,\nb.docx,,Speaker 1\n,report,\nc.docx,report\n";
        let (sheet, errors) = parse_documents_sheet(Path::new("documents.csv"), text);
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("documents.csv:2: unknown kind \"memo\""),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with("documents.csv:3: speakers: \"Speaker 1\" is not `label=id`"),
            "{}",
            errors[1]
        );
        assert!(
            errors[2].starts_with("documents.csv:4: row has no file"),
            "{}",
            errors[2]
        );
        assert!(
            errors[3].starts_with("documents.csv:5: row has 2 fields"),
            "{}",
            errors[3]
        );
        assert!(sheet.is_empty());
        let (_, errors) = parse_documents_sheet(Path::new("d.csv"), "file,colour\n");
        assert!(errors[0].to_string().contains("unknown column \"colour\""));
    }

    #[test]
    fn rows_naming_no_file_are_reported_on_their_line() {
        let text = "file,title\na.docx,A\nmissing/b.pdf,B\n";
        let (sheet, _) = parse_documents_sheet(Path::new("documents.csv"), text);
        let errors = unknown_files(Path::new("documents.csv"), &sheet, |f| f == "a.docx");
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("documents.csv:3: no document \"missing/b.pdf\" in the corpus"),
            "{}",
            errors[0]
        );
    }
}
