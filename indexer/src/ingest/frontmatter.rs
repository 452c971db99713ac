//! YAML front matter of document files: the block between `---` lines that describes the document.

use std::path::Path;

use serde_json::Value;

use super::documents_sheet::SpeakerMap;
use super::fields::{self, DOCUMENT_KEYS, DocFields};
use super::source::FileRef;
use crate::error::Error;
use crate::model::{DocId, Document};

/// How a document's body is split into passages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// Speaker turns.
    Transcript,
    /// Paragraphs under headings.
    Prose,
}

/// A document file split into its metadata and its body.
#[derive(Debug)]
pub(super) struct FrontMatter<'a> {
    pub document: Document,
    pub format: Format,
    /// The document's own speaker labels mapped to participants (`speakers:`).
    pub speakers: SpeakerMap,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// The 1-based file line where `body` starts.
    pub body_line: usize,
}

/// The raw parts of a file with front matter.
struct Split<'a> {
    yaml: &'a str,
    body: &'a str,
    body_line: usize,
}

/// Reads the front matter of a document file; every problem found is reported, not just the first.
pub(super) fn parse<'a>(file: FileRef, text: &'a str) -> Result<FrontMatter<'a>, Vec<Error>> {
    let path = file.path;
    let split = split(path, text).map_err(|e| vec![e])?;
    let map = yaml_map(path, split.yaml).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut fields = DocFields::default();
    let mut id = None;
    let mut format = None;
    let mut speakers = SpeakerMap::default();
    let mut invalid = Vec::new();
    for (key, value) in &map {
        let line = key_line(split.yaml, key);
        let result = match key.as_str() {
            "id" => read_id(value).map(|v| id = v),
            "format" => read_format(value).map(|v| format = v),
            "speakers" => read_speakers(value).map(|v| speakers = v),
            k if DOCUMENT_KEYS.contains(&k) => fields.set(k, value),
            _ => Err(format!(
                "front matter: unknown key {key:?} (allowed: {})",
                allowed_keys()
            )),
        };
        if let Err(reason) = result {
            errors.push(Error::malformed(path, line, reason));
            invalid.push(key.as_str());
        }
    }
    let id = id.map_or_else(|| id_from_file_name(file.rel), Ok);
    if let Err(reason) = &id {
        errors.push(Error::malformed(path, 1, reason.clone()));
    }
    // A required key with a bad value has been reported already.
    let missing = fields
        .missing()
        .into_iter()
        .filter(|key| !invalid.contains(key));
    errors.extend(missing.map(|key| {
        Error::malformed(
            path,
            1,
            format!("missing {key:?} in front matter: add a `{key}:` line"),
        )
    }));
    let document = match id {
        Ok(id) if errors.is_empty() => fields.into_document(id, file.rel),
        _ => None,
    };
    let Some(document) = document else {
        return Err(errors);
    };
    let format = format.unwrap_or(if document.kind.is_transcript() {
        Format::Transcript
    } else {
        Format::Prose
    });
    Ok(FrontMatter {
        document,
        format,
        speakers,
        body: split.body,
        body_line: split.body_line,
    })
}

fn allowed_keys() -> String {
    let keys: Vec<&str> = std::iter::once("id")
        .chain(DOCUMENT_KEYS)
        .chain(["format", "speakers"])
        .collect();
    keys.join(", ")
}

/// Cuts the file into the YAML between the `---` lines and the body after them.
fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Error> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(Error::malformed(
            path,
            1,
            "no front matter: start the file with a `---` block holding at least title and kind",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                body: &text[offset + line.len()..],
                // Line 1 is the opening `---`, the closing one is line `index + 2`.
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(Error::malformed(
        path,
        1,
        "front matter is never closed: end it with a `---` line before the body",
    ))
}

/// Parses the YAML into its keys and JSON values, in file order (keys must be text).
fn yaml_map(path: &Path, yaml: &str) -> Result<Vec<(String, Value)>, Error> {
    // The YAML starts on line 2 of the file.
    const FIRST_LINE: usize = 2;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml).map_err(|e| {
        let line = e
            .location()
            .map_or(FIRST_LINE, |l| l.line() + FIRST_LINE - 1);
        Error::malformed(
            path,
            line,
            format!(
                "front matter is not valid YAML: {}",
                without_location(&e.to_string())
            ),
        )
    })?;
    let mapping = match value {
        serde_yaml_ng::Value::Null => return Ok(Vec::new()),
        serde_yaml_ng::Value::Mapping(mapping) => mapping,
        _ => {
            return Err(Error::malformed(
                path,
                FIRST_LINE,
                "front matter must be `key: value` lines, e.g. `title: Interview with a GP`",
            ));
        }
    };
    let mut map = Vec::new();
    for (key, value) in mapping {
        let Some(key) = key.as_str().map(str::to_string) else {
            return Err(Error::malformed(
                path,
                FIRST_LINE,
                "front matter keys must be words such as `title`",
            ));
        };
        let line = key_line(yaml, &key);
        let value = serde_json::to_value(&value).map_err(|e| {
            Error::malformed(
                path,
                line,
                format!("front matter: {key:?} has a value that cannot be read: {e}"),
            )
        })?;
        map.push((key, value));
    }
    Ok(map)
}

/// The 1-based file line of a top-level key, or 1 (the opening `---`) if it cannot be found.
fn key_line(yaml: &str, key: &str) -> usize {
    yaml.lines()
        .position(|line| {
            line.strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("{key:?}")))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |index| index + 2)
}

/// Error messages of YAML and JSON parsers end in ` at line N column M`; we report the line ourselves.
pub(super) fn without_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn read_id(value: &Value) -> Result<Option<DocId>, String> {
    fields::text("id", value)?
        .map(|id| fields::doc_id("id", &id))
        .transpose()
}

fn id_from_file_name(rel: &str) -> Result<DocId, String> {
    let stem = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    DocId::parse(&stem)
        .map_err(|e| format!("{e}: add an `id:` line to the front matter or rename the file"))
}

fn read_speakers(value: &Value) -> Result<SpeakerMap, String> {
    fields::text("speakers", value)?.map_or(Ok(SpeakerMap::default()), |t| SpeakerMap::parse(&t))
}

fn read_format(value: &Value) -> Result<Option<Format>, String> {
    match fields::text("format", value)?.as_deref() {
        None => Ok(None),
        Some(f) if f.eq_ignore_ascii_case("transcript") => Ok(Some(Format::Transcript)),
        Some(f) if f.eq_ignore_ascii_case("prose") => Ok(Some(Format::Prose)),
        Some(f) => Err(format!("unknown format {f:?} (allowed: transcript, prose)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::discover::{CorpusFile, FileKind};
    use crate::model::{Kind, Lang};

    fn file(rel: &str) -> CorpusFile {
        CorpusFile {
            rel: rel.into(),
            path: Path::new("/corpus").join(rel),
            kind: FileKind::Document(crate::ingest::Format::Text),
        }
    }

    fn errors(rel: &str, text: &str) -> Vec<String> {
        parse(file(rel).name(), text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_every_field() {
        let text = "---\nid: gp-2019\ntitle: GPs and CCGs\nkind: article\nlang: en\ndate: 2019\n\
                    authors: [Ann Smith, Li Wei]\nsource: McDermott et al. 2019, BMJ Open\nreference: Full ref\n\
                    licence: CC BY 4.0\nurl: https://doi.org/x\ntranslation: gp-2019-zh\nsite: site 1\n---\nBody\n";
        let fm = parse(file("documents/x.md").name(), text).unwrap();
        let d = &fm.document;
        assert_eq!(d.id.as_str(), "gp-2019");
        assert_eq!(
            (d.title.as_str(), d.kind, d.lang),
            ("GPs and CCGs", Kind::Article, Lang::En)
        );
        assert_eq!(d.date.as_deref(), Some("2019"));
        assert_eq!(d.authors, ["Ann Smith", "Li Wei"]);
        assert_eq!(d.source.as_deref(), Some("McDermott et al. 2019, BMJ Open"));
        assert_eq!(d.reference.as_deref(), Some("Full ref"));
        assert_eq!(d.licence.as_deref(), Some("CC BY 4.0"));
        assert_eq!(d.url.as_deref(), Some("https://doi.org/x"));
        assert_eq!(
            d.translation.as_ref().map(DocId::as_str),
            Some("gp-2019-zh")
        );
        assert_eq!(d.site.as_ref().map(|s| s.as_str()), Some("site 1"));
        assert_eq!(d.file, "documents/x.md");
        assert_eq!(
            (fm.format, fm.body, fm.body_line),
            (Format::Prose, "Body\n", 15)
        );
    }

    #[test]
    fn yaml_dates_stay_as_written() {
        for date in ["2019-04-01", "2019-04", "'2019'"] {
            let text = format!("---\ntitle: T\nkind: report\ndate: {date}\n---\n");
            let fm = parse(file("a.md").name(), &text).unwrap();
            assert_eq!(fm.document.date.as_deref(), Some(date.trim_matches('\'')));
        }
    }

    #[test]
    fn defaults_id_from_the_file_stem_and_format_from_the_kind() {
        let fm = parse(
            file("documents/int-01.md").name(),
            "---\ntitle: T\nkind: interview\n---\n",
        )
        .unwrap();
        assert_eq!(fm.document.id.as_str(), "int-01");
        assert_eq!(fm.format, Format::Transcript);
        let fm = parse(
            file("a.md").name(),
            "---\ntitle: T\nkind: meeting\nformat: prose\n---\n",
        )
        .unwrap();
        assert_eq!(fm.format, Format::Prose);
        let fm = parse(file("a.md").name(), "---\ntitle: T\nkind: report\n---").unwrap();
        assert_eq!((fm.format, fm.body, fm.body_line), (Format::Prose, "", 5));
    }

    #[test]
    fn a_file_without_front_matter_is_an_error() {
        assert_eq!(
            errors("a.md", "# Title\n\nText"),
            [
                "/corpus/a.md:1: no front matter: start the file with a `---` block holding at least title and kind"
            ]
        );
        assert_eq!(
            errors("a.md", "---\ntitle: T\n"),
            [
                "/corpus/a.md:1: front matter is never closed: end it with a `---` line before the body"
            ]
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_reported_on_their_line() {
        let errs = errors("a.md", "---\ntitle: T\ntitel: T\nkind: memo\n---\n");
        assert_eq!(
            errs,
            [
                "/corpus/a.md:3: front matter: unknown key \"titel\" (allowed: id, title, kind, lang, date, authors, \
                 source, reference, licence, url, translation, site, format, speakers)",
                "/corpus/a.md:4: unknown kind \"memo\" (allowed: interview, meeting, abstract, article, report, policy, other)",
            ]
        );
    }

    #[test]
    fn missing_title_and_kind() {
        assert_eq!(
            errors("a.md", "---\n---\n"),
            [
                "/corpus/a.md:1: missing \"title\" in front matter: add a `title:` line",
                "/corpus/a.md:1: missing \"kind\" in front matter: add a `kind:` line",
            ]
        );
    }

    #[test]
    fn yaml_syntax_errors_name_the_file_line() {
        let errs = errors("a.md", "---\ntitle: T\nkind: [report\n---\n");
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("/corpus/a.md:4: front matter is not valid YAML:"),
            "{}",
            errs[0]
        );
        assert!(!errs[0].contains(" at line "), "{}", errs[0]);
    }

    #[test]
    fn ids_must_be_valid() {
        let errs = errors("a.md", "---\nid: a b\ntitle: T\nkind: report\n---\n");
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("/corpus/a.md:2: \"id\": document id \"a b\""),
            "{}",
            errs[0]
        );
        let errs = errors("my notes.md", "---\ntitle: T\nkind: report\n---\n");
        assert!(
            errs[0].contains("add an `id:` line to the front matter or rename the file"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn format_must_be_known() {
        let errs = errors("a.md", "---\ntitle: T\nkind: report\nformat: slides\n---\n");
        assert_eq!(
            errs,
            ["/corpus/a.md:4: unknown format \"slides\" (allowed: transcript, prose)"]
        );
    }

    #[test]
    fn front_matter_must_be_a_mapping() {
        let errs = errors("a.md", "---\n- title\n---\n");
        assert_eq!(
            errs,
            [
                "/corpus/a.md:2: front matter must be `key: value` lines, e.g. `title: Interview with a GP`"
            ]
        );
    }
}
