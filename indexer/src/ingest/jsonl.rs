//! JSONL imports: one passage per line, documents described on their first line.
//!
//! For passages exported from other tools (NVivo, spreadsheets, scripts). Each line is a JSON
//! object with `doc` and `text`; the first line of each document also gives its `title` and
//! `kind`. A bad line is reported and skipped; the rest of the file is kept.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::body::{ParsedDocument, Reading, to_u32};
use super::fields::{self, DOCUMENT_KEYS, DocFields};
use super::frontmatter::without_location;
use super::source::FileRef;
use crate::api::Layout;
use crate::error::Error;
use crate::model::{DocId, Lang, Origin, Passage, Role, Site, SpeakerId};

/// Keys that describe the passage on the line rather than its document.
const PASSAGE_KEYS: [&str; 6] = ["speaker", "role", "site", "section", "locator", "attrs"];

/// A document being collected from the lines that name it.
struct Collected {
    id: DocId,
    /// Document fields as first given, with their line, for conflicts and the final document.
    fields: BTreeMap<String, (Value, usize)>,
    passages: Vec<Passage>,
}

/// Parses a `.jsonl` file into its documents, in order of first appearance.
pub(super) fn parse(file: FileRef, text: &str) -> (Vec<ParsedDocument>, Vec<Error>) {
    let mut docs: Vec<Collected> = Vec::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        if let Err(reason) = read_line(file, &mut docs, raw, line) {
            errors.push(Error::malformed(file.path, line, reason));
        }
    }
    let parsed = docs
        .into_iter()
        .filter_map(|doc| finish(file, doc, &mut errors))
        .collect();
    (parsed, errors)
}

/// Checks one line completely, then adds its passage (and document fields) to its document.
fn read_line(
    file: FileRef,
    docs: &mut Vec<Collected>,
    raw: &str,
    line: usize,
) -> Result<(), String> {
    let object = json_object(raw)?;
    check_keys(&object)?;
    let id = fields::text("doc", object.get("doc").unwrap_or(&Value::Null))?
        .ok_or("missing \"doc\": give every line the id of its document")?;
    let id = fields::doc_id("doc", &id)?;
    let text = fields::text("text", object.get("text").unwrap_or(&Value::Null))?
        .ok_or("missing \"text\": give every line the passage text")?;
    let doc_fields = document_fields(&object)?;
    let position = docs.iter().position(|d| d.id == id);
    match position {
        Some(at) => check_conflicts(&docs[at], &doc_fields)?,
        None => check_first_line(&id, &doc_fields)?,
    }
    let at = position.unwrap_or_else(|| {
        docs.push(Collected {
            id,
            fields: BTreeMap::new(),
            passages: Vec::new(),
        });
        docs.len() - 1
    });
    let doc = &mut docs[at];
    let passage = passage(file, doc, &object, text, line)?;
    for (key, value) in doc_fields {
        doc.fields.entry(key).or_insert((value, line));
    }
    doc.passages.push(passage);
    Ok(())
}

fn json_object(raw: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(raw) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(
            "each line must be a JSON object such as {\"doc\": \"d1\", \"text\": \"...\"}".into(),
        ),
        Err(e) => Err(format!(
            "invalid JSON at column {}: {}",
            e.column(),
            without_location(&e.to_string())
        )),
    }
}

fn check_keys(object: &Map<String, Value>) -> Result<(), String> {
    let known = |key: &str| {
        key == "doc" || key == "text" || PASSAGE_KEYS.contains(&key) || DOCUMENT_KEYS.contains(&key)
    };
    match object.keys().find(|key| !known(key)) {
        Some(key) => Err(format!("unknown key {key:?} (allowed: {})", allowed_keys())),
        None => Ok(()),
    }
}

fn allowed_keys() -> String {
    let keys: Vec<&str> = ["doc", "text"]
        .into_iter()
        .chain(
            DOCUMENT_KEYS
                .into_iter()
                .filter(|k| !PASSAGE_KEYS.contains(k)),
        )
        .chain(PASSAGE_KEYS)
        .collect();
    keys.join(", ")
}

/// The document fields given on a line (`site` belongs to the passage), validated.
fn document_fields(object: &Map<String, Value>) -> Result<Vec<(String, Value)>, String> {
    let mut given = Vec::new();
    for (key, value) in object {
        if DOCUMENT_KEYS.contains(&key.as_str())
            && !PASSAGE_KEYS.contains(&key.as_str())
            && !value.is_null()
        {
            DocFields::default().set(key, value)?;
            given.push((key.clone(), value.clone()));
        }
    }
    Ok(given)
}

fn check_first_line(id: &DocId, given: &[(String, Value)]) -> Result<(), String> {
    let fields = fields_of(given.iter().map(|(k, v)| (k.as_str(), v)))?;
    let missing = fields.missing();
    if missing.is_empty() {
        return Ok(());
    }
    let missing: Vec<String> = missing.iter().map(|key| format!("{key:?}")).collect();
    Err(format!(
        "the first line of document {:?} has no {}: give title and kind on each document's first line",
        id.as_str(),
        missing.join(" or ")
    ))
}

/// A later line may repeat a document field but not change it.
fn check_conflicts(doc: &Collected, given: &[(String, Value)]) -> Result<(), String> {
    for (key, value) in given {
        let Some((earlier, line)) = doc.fields.get(key) else {
            continue;
        };
        if fields_of([(key.as_str(), value)])? != fields_of([(key.as_str(), earlier)])? {
            return Err(format!(
                "{key:?} is {value} here but {earlier} on line {line}: a document's fields must agree on every line"
            ));
        }
    }
    Ok(())
}

fn fields_of<'v>(
    given: impl IntoIterator<Item = (&'v str, &'v Value)>,
) -> Result<DocFields, String> {
    let mut fields = DocFields::default();
    for (key, value) in given {
        fields.set(key, value)?;
    }
    Ok(fields)
}

fn passage(
    file: FileRef,
    doc: &Collected,
    object: &Map<String, Value>,
    text: String,
    line: usize,
) -> Result<Passage, String> {
    let get = |key: &str| fields::text(key, object.get(key).unwrap_or(&Value::Null));
    let ordinal = doc.passages.len() + 1;
    Ok(Passage {
        doc: doc.id.clone(),
        ordinal: to_u32(ordinal),
        locator: get("locator")?.unwrap_or_else(|| format!("passage {ordinal}")),
        section: get("section")?,
        speaker: get("speaker")?.map(|s| SpeakerId::from(s.as_str())),
        role: get("role")?.map(|r| Role::from(r.as_str())),
        role_group: None,
        site: get("site")?.map(|s| Site::from(s.as_str())),
        attribution: None,
        lang: Lang::detect(&text),
        text,
        attrs: attrs(object.get("attrs"))?,
        origin: Origin {
            file: file.rel.to_string(),
            line: to_u32(line),
        },
    })
}

fn attrs(value: Option<&Value>) -> Result<BTreeMap<String, String>, String> {
    const SHAPE: &str = "\"attrs\" must be an object of text values, e.g. {\"gender\": \"F\"}";
    let object = match value {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(SHAPE.into()),
    };
    let mut attrs = BTreeMap::new();
    for (name, value) in object {
        if let Some(value) = fields::text(name, value).map_err(|_| SHAPE.to_string())? {
            attrs.insert(name.clone(), value);
        }
    }
    Ok(attrs)
}

/// Builds the document from its collected fields; its site is the one all its passages share.
fn finish(file: FileRef, doc: Collected, errors: &mut Vec<Error>) -> Option<ParsedDocument> {
    let first_line = doc.passages.first().map_or(0, |p| p.origin.line as usize);
    let fields = match fields_of(doc.fields.iter().map(|(k, (v, _))| (k.as_str(), v))) {
        Ok(fields) => fields,
        Err(reason) => {
            errors.push(Error::malformed(file.path, first_line, reason));
            return None;
        }
    };
    let mut document = fields.into_document(doc.id, file.rel)?;
    let first_site = doc.passages.first().and_then(|p| p.site.clone());
    if doc.passages.iter().all(|p| p.site == first_site) {
        document.site = first_site;
    }
    let speakers = doc.passages.iter().filter(|p| p.speaker.is_some()).count();
    let reading = Reading {
        format: "jsonl".into(),
        layout: if speakers > 0 {
            Layout::Transcript
        } else {
            Layout::Prose
        },
        lines: to_u32(doc.passages.len()),
        ..Reading::default()
    };
    Some(ParsedDocument {
        document,
        passages: doc.passages,
        reading,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ingest::discover::{CorpusFile, FileKind};
    use crate::model::Kind;

    fn parse_text(text: &str) -> (Vec<ParsedDocument>, Vec<String>) {
        let file = CorpusFile {
            rel: "imports/x.jsonl".into(),
            path: Path::new("/c/imports/x.jsonl").into(),
            kind: FileKind::Jsonl,
        };
        let (docs, errors) = parse(file.name(), text);
        (docs, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn documents_and_passages_from_lines() {
        let text = r#"{"doc": "nv-1", "title": "NVivo export", "kind": "interview", "date": 2019, "authors": ["A B"], "text": "We met.", "speaker": "ID9", "site": "site 1", "attrs": {"gender": "F", "years": 12}}

{"doc": "nv-2", "title": "Second", "kind": "meeting", "lang": "zh", "text": "我们开会了。", "locator": "p. 4", "section": "Minutes"}
{"doc": "nv-1", "title": "NVivo export", "text": "Then we planned.", "role": "GP", "site": "site 1"}
"#;
        let (docs, errors) = parse_text(text);
        assert!(errors.is_empty(), "{errors:?}");
        let ids: Vec<&str> = docs.iter().map(|d| d.document.id.as_str()).collect();
        assert_eq!(ids, ["nv-1", "nv-2"]);

        let first = &docs[0];
        assert_eq!(
            (first.document.kind, first.document.date.as_deref()),
            (Kind::Interview, Some("2019"))
        );
        assert_eq!(first.document.authors, ["A B"]);
        assert_eq!(first.document.file, "imports/x.jsonl");
        assert_eq!(
            first.document.site.as_ref().map(Site::as_str),
            Some("site 1")
        );
        let summary: Vec<(u32, &str, u32, &str)> = first
            .passages
            .iter()
            .map(|p| {
                (
                    p.ordinal,
                    p.locator.as_str(),
                    p.origin.line,
                    p.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, "passage 1", 1, "We met."),
                (2, "passage 2", 4, "Then we planned.")
            ]
        );
        assert_eq!(
            first.passages[0].speaker.as_ref().map(SpeakerId::as_str),
            Some("ID9")
        );
        assert_eq!(
            first.passages[0].attrs,
            BTreeMap::from([("gender".into(), "F".into()), ("years".into(), "12".into())])
        );
        assert_eq!(
            first.passages[1].role.as_ref().map(Role::as_str),
            Some("GP")
        );

        let second = &docs[1];
        assert_eq!(
            (second.document.lang, second.passages[0].lang),
            (Lang::Zh, Lang::Zh)
        );
        assert_eq!(second.passages[0].locator, "p. 4");
        assert_eq!(second.passages[0].section.as_deref(), Some("Minutes"));
        assert_eq!(second.document.site, None);
    }

    #[test]
    fn bad_lines_are_errors_and_good_lines_are_kept() {
        let text = [
            r#"{"doc": "d", "title": "T", "kind": "report", "text": "one"}"#,
            r#"{"doc": "d", "text": "two", "titel": "x"}"#,
            r#"{"doc": "d", "text": "three""#,
            r#"["doc", "d"]"#,
            r#"{"doc": "d"}"#,
            r#"{"text": "orphan"}"#,
            r#"{"doc": "d", "kind": "Report", "text": "four"}"#,
            r#"{"doc": "d", "kind": "meeting", "text": "five"}"#,
            r#"{"doc": "e", "title": "E", "text": "no kind"}"#,
            r#"{"doc": "d", "text": "six", "attrs": {"a": [1]}}"#,
            r#"{"doc": "d d", "title": "T", "kind": "report", "text": "bad id"}"#,
            r#"{"doc": "d", "text": "seven", "date": "spring"}"#,
        ]
        .join("\n");
        let (docs, errors) = parse_text(&text);
        let expected = [
            "/c/imports/x.jsonl:2: unknown key \"titel\" (allowed: doc, text, title, kind, lang, date, authors, source, \
             reference, licence, url, translation, speaker, role, site, section, locator, attrs)",
            "/c/imports/x.jsonl:3: invalid JSON at column 28: EOF while parsing an object",
            "/c/imports/x.jsonl:4: each line must be a JSON object such as {\"doc\": \"d1\", \"text\": \"...\"}",
            "/c/imports/x.jsonl:5: missing \"text\": give every line the passage text",
            "/c/imports/x.jsonl:6: missing \"doc\": give every line the id of its document",
            "/c/imports/x.jsonl:8: \"kind\" is \"meeting\" here but \"report\" on line 1: a document's fields must agree on every line",
            "/c/imports/x.jsonl:9: the first line of document \"e\" has no \"kind\": give title and kind on each document's first line",
            "/c/imports/x.jsonl:10: \"attrs\" must be an object of text values, e.g. {\"gender\": \"F\"}",
        ];
        assert_eq!(errors[..expected.len()], expected);
        assert!(
            errors[8].starts_with("/c/imports/x.jsonl:11: \"doc\": document id \"d d\""),
            "{}",
            errors[8]
        );
        assert!(
            errors[9].starts_with("/c/imports/x.jsonl:12: date \"spring\" is not a date"),
            "{}",
            errors[9]
        );
        assert_eq!(errors.len(), 10);
        let texts: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.passages.iter().map(|p| p.text.as_str()))
            .collect();
        assert_eq!(texts, ["one", "four"]);
        assert_eq!(docs[0].passages[1].ordinal, 2);
    }
}
