//! Document metadata fields shared by front matter and JSONL imports, read from JSON values.
//!
//! Front matter is YAML and imports are JSON; both are read into `serde_json::Value`s so one set
//! of rules (what a date looks like, which kinds exist) and one set of messages serves both.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::model::{DocId, Document, Kind, Lang, Site};

/// The document fields, in the order error messages list them.
pub(super) const DOCUMENT_KEYS: [&str; 11] = [
    "title",
    "kind",
    "lang",
    "date",
    "authors",
    "source",
    "reference",
    "licence",
    "url",
    "translation",
    "site",
];

/// `yyyy`, `yyyy-mm` or `yyyy-mm-dd`.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
        .expect("date pattern is valid")
});

/// Document metadata as read, before the required fields are checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct DocFields {
    pub title: Option<String>,
    pub kind: Option<Kind>,
    pub lang: Option<Lang>,
    pub date: Option<String>,
    pub authors: Vec<String>,
    pub source: Option<String>,
    pub reference: Option<String>,
    pub licence: Option<String>,
    pub url: Option<String>,
    pub translation: Option<DocId>,
    pub site: Option<Site>,
}

impl DocFields {
    /// Sets the field `key` (one of [`DOCUMENT_KEYS`]) from `value`; the error says what is wrong.
    pub fn set(&mut self, key: &str, value: &Value) -> Result<(), String> {
        match key {
            "title" => self.title = text(key, value)?,
            "kind" => self.kind = text(key, value)?.map(|k| parse_kind(&k)).transpose()?,
            "lang" => self.lang = text(key, value)?.map(|l| parse_lang(&l)).transpose()?,
            "date" => self.date = text(key, value)?.map(check_date).transpose()?,
            "authors" => self.authors = authors(value)?,
            "source" => self.source = text(key, value)?,
            "reference" => self.reference = text(key, value)?,
            "licence" => self.licence = text(key, value)?,
            "url" => self.url = text(key, value)?,
            "translation" => {
                self.translation = text(key, value)?.map(|t| doc_id(key, &t)).transpose()?
            }
            "site" => self.site = text(key, value)?.map(|s| Site::from(s.as_str())),
            _ => return Err(format!("{key:?} is not a document field")),
        }
        Ok(())
    }

    /// The required fields that are still missing.
    pub fn missing(&self) -> Vec<&'static str> {
        let required = [
            ("title", self.title.is_none()),
            ("kind", self.kind.is_none()),
        ];
        required
            .into_iter()
            .filter(|&(_, missing)| missing)
            .map(|(key, _)| key)
            .collect()
    }

    /// The document, or `None` while [`DocFields::missing`] is not empty.
    pub fn into_document(self, id: DocId, file: &str) -> Option<Document> {
        Some(Document {
            id,
            title: self.title?,
            kind: self.kind?,
            lang: self.lang.unwrap_or(Lang::En),
            date: self.date,
            authors: self.authors,
            source: self.source,
            reference: self.reference,
            licence: self.licence,
            url: self.url,
            translation: self.translation,
            site: self.site,
            file: file.to_string(),
        })
    }
}

/// A scalar as text: strings trimmed, numbers and booleans as written; null and `""` are absent.
pub(super) fn text(key: &str, value: &Value) -> Result<Option<String>, String> {
    let text = match value {
        Value::Null => return Ok(None),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) => return Err(format!("{key:?} must be text, not a list")),
        Value::Object(_) => return Err(format!("{key:?} must be text, not a table of keys")),
    };
    Ok((!text.is_empty()).then_some(text))
}

/// A document id, with the key named in the error.
pub(super) fn doc_id(key: &str, value: &str) -> Result<DocId, String> {
    DocId::parse(value).map_err(|e| format!("{key:?}: {e}"))
}

fn parse_kind(kind: &str) -> Result<Kind, String> {
    kind.parse().map_err(|_| {
        format!(
            "unknown kind {kind:?} (allowed: {})",
            Kind::ALL.map(Kind::as_str).join(", ")
        )
    })
}

fn parse_lang(lang: &str) -> Result<Lang, String> {
    lang.parse().map_err(|_| {
        format!(
            "unknown lang {lang:?} (allowed: {})",
            Lang::ALL.map(Lang::as_str).join(", ")
        )
    })
}

fn check_date(date: String) -> Result<String, String> {
    if DATE.is_match(&date) {
        Ok(date)
    } else {
        Err(format!(
            "date {date:?} is not a date: write it as yyyy, yyyy-mm or yyyy-mm-dd"
        ))
    }
}

fn authors(value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| text("authors", item).transpose())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                "\"authors\" must be a list of names, e.g. [\"Ann Smith\", \"Li Wei\"]".to_string()
            }),
        _ => {
            Err("\"authors\" must be a list of names, e.g. [\"Ann Smith\", \"Li Wei\"]".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(key: &str, value: Value) -> Result<DocFields, String> {
        let mut fields = DocFields::default();
        fields.set(key, &value)?;
        Ok(fields)
    }

    #[test]
    fn dates_as_year_month_or_day() {
        assert_eq!(
            set("date", json!(2019)).unwrap().date.as_deref(),
            Some("2019")
        );
        assert_eq!(
            set("date", json!("2019-04")).unwrap().date.as_deref(),
            Some("2019-04")
        );
        assert_eq!(
            set("date", json!("2019-04-01")).unwrap().date.as_deref(),
            Some("2019-04-01")
        );
        for bad in [
            json!("April 2019"),
            json!("2019-13"),
            json!("2019-04-32"),
            json!(19.5),
        ] {
            let err = set("date", bad.clone()).unwrap_err();
            assert!(
                err.contains("write it as yyyy, yyyy-mm or yyyy-mm-dd"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn kinds_and_langs_list_the_allowed_values() {
        assert_eq!(
            set("kind", json!("Interview")).unwrap().kind,
            Some(Kind::Interview)
        );
        assert_eq!(
            set("kind", json!("memo")).unwrap_err(),
            "unknown kind \"memo\" (allowed: interview, meeting, abstract, article, report, policy, other)"
        );
        assert_eq!(set("lang", json!("zh")).unwrap().lang, Some(Lang::Zh));
        assert_eq!(
            set("lang", json!("fr")).unwrap_err(),
            "unknown lang \"fr\" (allowed: en, zh)"
        );
    }

    #[test]
    fn authors_must_be_a_list_of_names() {
        let fields = set("authors", json!(["Ann Smith", "Li Wei"])).unwrap();
        assert_eq!(fields.authors, ["Ann Smith", "Li Wei"]);
        assert!(
            set("authors", json!("Ann Smith"))
                .unwrap_err()
                .contains("must be a list")
        );
        assert!(
            set("authors", json!([["nested"]]))
                .unwrap_err()
                .contains("must be a list")
        );
    }

    #[test]
    fn scalars_become_text_and_structures_are_errors() {
        assert_eq!(
            set("title", json!(1984)).unwrap().title.as_deref(),
            Some("1984")
        );
        assert_eq!(set("title", json!("  ")).unwrap().title, None);
        assert_eq!(
            set("title", json!(["a"])).unwrap_err(),
            "\"title\" must be text, not a list"
        );
        assert!(
            set("translation", json!("a b"))
                .unwrap_err()
                .starts_with("\"translation\": document id")
        );
    }

    #[test]
    fn title_and_kind_are_required() {
        assert_eq!(DocFields::default().missing(), ["title", "kind"]);
        assert_eq!(
            DocFields::default().into_document(DocId("d".into()), "d.md"),
            None
        );
        let fields = DocFields {
            title: Some("T".into()),
            kind: Some(Kind::Report),
            ..DocFields::default()
        };
        let document = fields
            .into_document(DocId("d".into()), "documents/d.md")
            .unwrap();
        assert_eq!(
            (document.lang, document.file.as_str()),
            (Lang::En, "documents/d.md")
        );
    }
}
