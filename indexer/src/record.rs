//! The one mapping between a [`Passage`] and its tantivy document: what indexing writes is what
//! searching reads back.
//!
//! A tantivy document also carries a few fields of the passage's [`Document`] (kind, year), so
//! filters and facets on them need no join; reading a passage back ignores them, since the
//! catalog holds the document.

use std::collections::BTreeMap;

use tantivy::TantivyDocument;
use tantivy::schema::document::{CompactDocValue, ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Field, OwnedValue, Value};
use tantivy::tokenizer::PreTokenizedString;

use crate::analysis::{self, IndexedText, PairWords, pre_tokenized};
use crate::error::{Error, Result};
use crate::model::{DocId, Document, Lang, Origin, Passage, Role, RoleGroup, Site, SpeakerId};
use crate::schema::Fields;

/// A passage as tantivy indexes it: its values, and its text fields already analysed.
///
/// Tantivy's own document keeps a pre-analysed value as JSON, written and parsed again for every
/// passage, which cost more than analysing once saved; this one gives tantivy a copy of the
/// tokens (its value API asks for an owned box), with no encoding.
#[derive(Debug, Clone, Default)]
pub struct PassageDocument {
    /// Every value but the analysed text.
    pub values: TantivyDocument,
    /// The text fields' tokens.
    pub analysed: Vec<(Field, PreTokenizedString)>,
}

/// A value of a [`PassageDocument`].
#[derive(Debug, Clone)]
pub enum PassageValue<'a> {
    /// One of [`PassageDocument::values`].
    Plain(CompactDocValue<'a>),
    /// One of [`PassageDocument::analysed`].
    Analysed(&'a PreTokenizedString),
}

type PlainArray<'a> = std::iter::Map<
    <CompactDocValue<'a> as Value<'a>>::ArrayIter,
    fn(CompactDocValue<'a>) -> PassageValue<'a>,
>;
type PlainObject<'a> = std::iter::Map<
    <CompactDocValue<'a> as Value<'a>>::ObjectIter,
    fn((&'a str, CompactDocValue<'a>)) -> (&'a str, PassageValue<'a>),
>;

impl<'a> Value<'a> for PassageValue<'a> {
    type ArrayIter = PlainArray<'a>;
    type ObjectIter = PlainObject<'a>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match self {
            PassageValue::Plain(value) => match value.as_value() {
                ReferenceValue::Leaf(leaf) => ReferenceValue::Leaf(leaf),
                ReferenceValue::Array(values) => {
                    let plain: fn(CompactDocValue<'a>) -> PassageValue<'a> = PassageValue::Plain;
                    ReferenceValue::Array(values.map(plain))
                }
                ReferenceValue::Object(entries) => {
                    let plain: fn((&'a str, CompactDocValue<'a>)) -> (&'a str, PassageValue<'a>) =
                        |(key, value)| (key, PassageValue::Plain(value));
                    ReferenceValue::Object(entries.map(plain))
                }
            },
            PassageValue::Analysed(tokens) => {
                ReferenceValue::Leaf(ReferenceValueLeaf::PreTokStr(Box::new((*tokens).clone())))
            }
        }
    }
}

type FieldValues<'a> = std::iter::Chain<
    std::iter::Map<
        <TantivyDocument as tantivy::Document>::FieldsValuesIter<'a>,
        fn((Field, CompactDocValue<'a>)) -> (Field, PassageValue<'a>),
    >,
    std::iter::Map<
        std::slice::Iter<'a, (Field, PreTokenizedString)>,
        fn(&'a (Field, PreTokenizedString)) -> (Field, PassageValue<'a>),
    >,
>;

impl tantivy::Document for PassageDocument {
    type Value<'a> = PassageValue<'a>;
    type FieldsValuesIter<'a> = FieldValues<'a>;

    fn iter_fields_and_values(&self) -> FieldValues<'_> {
        let plain: fn((Field, CompactDocValue<'_>)) -> (Field, PassageValue<'_>) =
            |(field, value)| (field, PassageValue::Plain(value));
        let analysed: fn(&(Field, PreTokenizedString)) -> (Field, PassageValue<'_>) =
            |(field, tokens)| (*field, PassageValue::Analysed(tokens));
        self.values
            .iter_fields_and_values()
            .map(plain)
            .chain(self.analysed.iter().map(analysed))
    }
}

/// The tantivy document of one passage of `document`, in an index whose pair words are
/// `pair_words`.
pub fn to_document(
    fields: Fields,
    document: &Document,
    passage: &Passage,
    pair_words: &PairWords,
) -> PassageDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.doc_id, passage.doc.as_str());
    doc.add_u64(fields.ordinal, u64::from(passage.ordinal));
    doc.add_text(fields.text_stored, &passage.text);
    let analysed = IndexedText::new(&passage.text, pair_words);
    doc.add_u64(fields.word_count, analysed.words.len() as u64);
    let analysed = vec![
        (fields.text, pre_tokenized(analysed.stemmed)),
        (fields.text_pairs, pre_tokenized(analysed.pairs)),
        (fields.words, pre_tokenized(analysed.words)),
    ];
    if analysis::may_hold_han(&passage.text) {
        doc.add_text(fields.text_chars, &passage.text);
        doc.add_text(fields.text_char_pairs, &passage.text);
    }
    doc.add_text(fields.kind, document.kind.as_str());
    doc.add_text(fields.lang, passage.lang.as_str());
    let optional = [
        (fields.speaker, passage.speaker.as_ref().map(|s| s.as_str())),
        (fields.role, passage.role.as_ref().map(|s| s.as_str())),
        (
            fields.role_group,
            passage.role_group.as_ref().map(|s| s.as_str()),
        ),
        (fields.site, passage.site.as_ref().map(|s| s.as_str())),
        (fields.section, passage.section.as_deref()),
        (fields.attribution, passage.attribution.as_deref()),
    ];
    for (field, value) in optional {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    if let Some(year) = document.year() {
        doc.add_i64(fields.year, i64::from(year));
    }
    if !passage.attrs.is_empty() {
        let object = passage
            .attrs
            .iter()
            .map(|(k, v)| (k.clone(), OwnedValue::Str(v.clone())))
            .collect::<Vec<_>>();
        doc.add_object(fields.attrs, object.into_iter().collect());
    }
    doc.add_text(fields.file, &passage.origin.file);
    doc.add_u64(fields.line, u64::from(passage.origin.line));
    doc.add_text(fields.locator, &passage.locator);
    PassageDocument {
        values: doc,
        analysed,
    }
}

/// The passage stored in a tantivy document written by [`to_document`].
pub fn from_document(fields: Fields, doc: &TantivyDocument) -> Result<Passage> {
    let text = |field: Field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let number = |field: Field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let doc_id = text(fields.doc_id)
        .ok_or_else(|| Error::Internal("indexed passage without doc_id".into()))?;
    let attrs: BTreeMap<String, String> = doc
        .get_first(fields.attrs)
        .and_then(|v| v.as_object())
        .map(|object| {
            object
                .filter_map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let lang = text(fields.lang)
        .and_then(|l| l.parse::<Lang>().ok())
        .unwrap_or(Lang::En);
    Ok(Passage {
        doc: DocId(doc_id),
        ordinal: u32::try_from(number(fields.ordinal)).unwrap_or(u32::MAX),
        locator: text(fields.locator).unwrap_or_default(),
        section: text(fields.section),
        speaker: text(fields.speaker).map(SpeakerId),
        role: text(fields.role).map(Role),
        role_group: text(fields.role_group).map(RoleGroup),
        site: text(fields.site).map(Site),
        attribution: text(fields.attribution),
        lang,
        text: text(fields.text_stored).unwrap_or_default(),
        attrs,
        origin: Origin {
            file: text(fields.file).unwrap_or_default(),
            line: u32::try_from(number(fields.line)).unwrap_or(u32::MAX),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::schema::build_schema;

    fn document() -> Document {
        Document {
            lang: Lang::Zh,
            date: Some("2016-03-02".into()),
            ..Document::example("interview-9", Kind::Interview)
        }
    }

    fn passage() -> Passage {
        Passage {
            doc: DocId("interview-9".into()),
            ordinal: 7,
            locator: "turn 7, 00:12:31".into(),
            section: Some("Commissioning".into()),
            speaker: Some(SpeakerId("ID9".into())),
            role: Some(Role("Independent GP".into())),
            role_group: Some(RoleGroup("GP".into())),
            site: Some(Site("site 2".into())),
            attribution: Some("PCCC meeting".into()),
            lang: Lang::Zh,
            text: "初级保健 is more than co-location".into(),
            attrs: BTreeMap::from([
                ("gender".to_string(), "female".to_string()),
                ("years_in_post".to_string(), "12".to_string()),
            ]),
            origin: Origin {
                file: "documents/interview-9.md".into(),
                line: 23,
            },
        }
    }

    /// Indexes `doc` in a fresh in-memory index and reads back what it stored, so only stored
    /// fields survive, as in a real index.
    fn stored(doc: PassageDocument, schema: tantivy::schema::Schema) -> TantivyDocument {
        let index = tantivy::Index::create_in_ram(schema);
        crate::analysis::register(index.tokenizers(), &crate::analysis::PairWords::default());
        let mut writer: tantivy::IndexWriter<PassageDocument> = index.writer(15_000_000).unwrap();
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap()
    }

    #[test]
    fn a_passage_survives_the_round_trip_through_its_stored_document() {
        let (schema, fields) = build_schema();
        let written = to_document(fields, &document(), &passage(), &PairWords::default());
        let read = from_document(fields, &stored(written, schema)).unwrap();
        assert_eq!(read, passage());
    }

    #[test]
    fn a_bare_passage_survives_it_too() {
        let (schema, fields) = build_schema();
        let bare = Passage {
            section: None,
            speaker: None,
            role: None,
            role_group: None,
            site: None,
            attribution: None,
            lang: Lang::En,
            attrs: BTreeMap::new(),
            ..passage()
        };
        let written = to_document(fields, &document(), &bare, &PairWords::default());
        assert_eq!(
            from_document(fields, &stored(written, schema)).unwrap(),
            bare
        );
    }

    #[test]
    fn document_fields_are_written_for_filters() {
        let (_, fields) = build_schema();
        let written = to_document(fields, &document(), &passage(), &PairWords::default());
        assert_eq!(
            written
                .values
                .get_first(fields.kind)
                .and_then(|v| v.as_str()),
            Some("interview")
        );
        assert_eq!(
            written
                .values
                .get_first(fields.year)
                .and_then(|v| v.as_i64()),
            Some(2016)
        );
    }

    #[test]
    fn whole_words_are_counted_without_chinese_sub_words_or_stems() {
        let words: Vec<String> =
            IndexedText::new("Commissioning 卫生保健 CCGs", &PairWords::default())
                .words
                .into_iter()
                .map(|token| token.text)
                .collect();
        assert_eq!(words, ["commissioning", "卫生保健", "ccgs"]);
        let (_, fields) = build_schema();
        let written = to_document(fields, &document(), &passage(), &PairWords::default());
        assert_eq!(
            written
                .values
                .get_first(fields.word_count)
                .and_then(|v| v.as_u64()),
            Some(7),
            "初级 保健 is more than co location"
        );
    }
}
