//! The JSON document of one exported passage, the same for every engine, and its fields.
//!
//! Besides what Verbatim shows (text, who said it, the citation), a passage carries its text as
//! Verbatim analyses it: `words` holds the tokens Verbatim indexes (Chinese segmented with
//! Verbatim's own dictionary, English lowercased, folded and stemmed) joined by spaces, so an
//! engine splitting on whitespace sees exactly Verbatim's words; `sub_words` holds the dictionary
//! words inside long Chinese compounds (卫生保健 yields 卫生 and 保健), which Verbatim indexes at
//! the compound's positions and a whitespace field cannot; `char_pairs` holds every two adjacent
//! Han characters (Verbatim's `text_char_pairs`, Traditional folded to Simplified), a run's pairs
//! in order and runs apart by `RUN_BREAK`, so a Chinese sequence is the phrase of its pairs
//! wherever it stands, across words too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};

use crate::analysis::{self, Mode};
use crate::api::PassageView;
use crate::model::{Document, Kind, Lang, Origin};

/// A field of an exported passage. Each engine's mapping declares every one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Document id (exact).
    Doc,
    /// Passage number in its document (1-based).
    Passage,
    /// Document title.
    Title,
    /// Document kind.
    Kind,
    /// Passage language.
    Lang,
    /// Year of the document's date.
    Year,
    /// Sort key: document id order, then passage.
    ReadingOrder,
    /// Sort key: newest document first, then document id, then passage.
    DateOrder,
    /// Section heading.
    Section,
    /// Speaker id.
    Speaker,
    /// Role as written.
    Role,
    /// Role group of the role (expanded when the index was built).
    RoleGroup,
    /// Site.
    Site,
    /// Attribution tag, when it names no participant.
    Attribution,
    /// Participant attributes: an object of keywords, one per column of the participants sheet.
    Attrs,
    /// The text as written.
    Text,
    /// Verbatim's tokens of the text, joined by spaces.
    Words,
    /// Dictionary words inside Chinese compounds, joined by spaces.
    SubWords,
    /// Pairs of adjacent Chinese characters, joined by spaces, runs apart by `RUN_BREAK`.
    CharPairs,
    /// Citation locator (`para 4`, `turn 12, 00:12:31`).
    Locator,
    /// Ready-to-paste citation.
    Citation,
    /// Corpus file and line: an object `{file, line}`.
    Origin,
    /// Id of the document's translation.
    Translation,
    /// Which export wrote the passage, so an older export can be deleted by query.
    BuildId,
}

impl Field {
    /// Every field, in the order of the JSON document.
    pub const ALL: [Field; 24] = [
        Field::Doc,
        Field::Passage,
        Field::Title,
        Field::Kind,
        Field::Lang,
        Field::Year,
        Field::ReadingOrder,
        Field::DateOrder,
        Field::Section,
        Field::Speaker,
        Field::Role,
        Field::RoleGroup,
        Field::Site,
        Field::Attribution,
        Field::Attrs,
        Field::Text,
        Field::Words,
        Field::SubWords,
        Field::CharPairs,
        Field::Locator,
        Field::Citation,
        Field::Origin,
        Field::Translation,
        Field::BuildId,
    ];

    /// The field's name in the JSON document and in the engine's mapping.
    pub fn name(self) -> &'static str {
        match self {
            Field::Doc => "doc",
            Field::Passage => "passage",
            Field::Title => "title",
            Field::Kind => "kind",
            Field::Lang => "lang",
            Field::Year => "year",
            Field::ReadingOrder => "reading_order",
            Field::DateOrder => "date_order",
            Field::Section => "section",
            Field::Speaker => "speaker",
            Field::Role => "role",
            Field::RoleGroup => "role_group",
            Field::Site => "site",
            Field::Attribution => "attribution",
            Field::Attrs => "attrs",
            Field::Text => "text",
            Field::Words => "words",
            Field::SubWords => "sub_words",
            Field::CharPairs => "char_pairs",
            Field::Locator => "locator",
            Field::Citation => "citation",
            Field::Origin => "origin",
            Field::Translation => "translation",
            Field::BuildId => "build_id",
        }
    }
}

/// The token between the character pairs of two Han runs in [`Field::CharPairs`]: never a pair
/// itself, so the pairs of one run are a phrase only inside that run (`初级，级保健` does not hold
/// `初级保健`).
pub const RUN_BREAK: &str = "|";

/// Names of the fields inside [`Field::Origin`].
pub const ORIGIN_FIELDS: [&str; 2] = ["file", "line"];

/// One passage as an engine stores it. Absent values are left out of the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassageSource {
    /// See [`Field::Doc`].
    pub doc: String,
    /// See [`Field::Passage`].
    pub passage: u32,
    /// See [`Field::Title`].
    pub title: String,
    /// See [`Field::Kind`].
    pub kind: Kind,
    /// See [`Field::Lang`].
    pub lang: Lang,
    /// See [`Field::Year`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// See [`Field::ReadingOrder`].
    pub reading_order: u64,
    /// See [`Field::DateOrder`].
    pub date_order: u64,
    /// See [`Field::Section`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// See [`Field::Speaker`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// See [`Field::Role`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// See [`Field::RoleGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_group: Option<String>,
    /// See [`Field::Site`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// See [`Field::Attribution`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// See [`Field::Attrs`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// See [`Field::Text`].
    pub text: String,
    /// See [`Field::Words`].
    pub words: String,
    /// See [`Field::SubWords`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sub_words: String,
    /// See [`Field::CharPairs`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub char_pairs: String,
    /// See [`Field::Locator`].
    pub locator: String,
    /// See [`Field::Citation`].
    pub citation: String,
    /// See [`Field::Origin`].
    pub origin: Origin,
    /// See [`Field::Translation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// See [`Field::BuildId`].
    pub build_id: String,
}

impl PassageSource {
    /// The engine document id: `doc#passage`, the same in every export of the same passage, so
    /// loading a new export overwrites the old copy instead of adding a second one.
    pub fn id(&self) -> String {
        format!("{}#{}", self.doc, self.passage)
    }
}

/// Sort keys of one passage: its document's rank in each order, then its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKeys {
    /// Rank of the document by id.
    pub by_id: u32,
    /// Rank of the document by date, newest first.
    pub by_date: u32,
}

/// Builds [`PassageSource`]s, reusing one analyzer for every passage.
pub struct SourceBuilder {
    analyzer: TextAnalyzer,
    char_pairs: TextAnalyzer,
    build_id: String,
}

impl SourceBuilder {
    /// A builder stamping every passage with `build_id`.
    pub fn new(build_id: String) -> SourceBuilder {
        SourceBuilder {
            analyzer: analysis::text_analyzer(Mode::Index),
            char_pairs: char_pairs_analyzer(),
            build_id,
        }
    }

    /// The exported form of `passage` of `document`.
    pub fn source(
        &mut self,
        document: &Document,
        passage: PassageView,
        ranks: SortKeys,
    ) -> PassageSource {
        let (words, sub_words) = self.words(&passage.text);
        let char_pairs = self.char_pairs(&passage.text);
        let order = |rank: u32| (u64::from(rank) << 32) | u64::from(passage.passage);
        PassageSource {
            doc: passage.doc_id,
            passage: passage.passage,
            title: document.title.clone(),
            kind: document.kind,
            lang: passage.lang,
            year: document.year(),
            reading_order: order(ranks.by_id),
            date_order: order(ranks.by_date),
            section: passage.section,
            speaker: passage.speaker,
            role: passage.role,
            role_group: passage.role_group,
            site: passage.site,
            attribution: passage.attribution,
            attrs: passage.attrs,
            text: passage.text,
            words,
            sub_words,
            char_pairs,
            locator: passage.locator,
            citation: passage.citation,
            origin: passage.origin,
            translation: document.translation.as_ref().map(ToString::to_string),
            build_id: self.build_id.clone(),
        }
    }

    /// `words` and `sub_words` of a text, from one pass of the indexing analyzer.
    ///
    /// The indexing analyzer emits each word, then the sub-words of a compound, which lie inside
    /// it; the main words never overlap one another, so a token starting before the end of the
    /// last main word is a sub-word.
    fn words(&mut self, text: &str) -> (String, String) {
        let mut words = String::new();
        let mut sub_words = String::new();
        let mut main_end = 0;
        let mut stream = self.analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let out = if token.offset_from < main_end {
                &mut sub_words
            } else {
                main_end = token.offset_to;
                &mut words
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&token.text);
        }
        (words, sub_words)
    }

    /// `char_pairs` of a text: Verbatim's character pairs in order, `RUN_BREAK` where the
    /// positions jump (the next pair starts another run).
    fn char_pairs(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut next = None;
        for (position, pair) in analysis::positioned_tokens(&mut self.char_pairs, text) {
            if next.is_some_and(|next| next != position) {
                out.push(' ');
                out.push_str(RUN_BREAK);
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&pair);
            next = Some(position + 1);
        }
        out
    }
}

/// The analyzer of Verbatim's `text_char_pairs`, taken from the tokenizers an index registers so
/// the export pairs characters exactly as the index does.
pub(super) fn char_pairs_analyzer() -> TextAnalyzer {
    let manager = TokenizerManager::default();
    analysis::register(&manager, &analysis::PairWords::default());
    manager
        .get(analysis::CHAR_PAIRS)
        .expect("`analysis::register` registers the character pairs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Kind};

    fn tokens(mode: Mode, text: &str) -> Vec<String> {
        analysis::token_texts(&mut analysis::text_analyzer(mode), text)
    }

    fn view(text: &str) -> PassageView {
        PassageView {
            doc_id: "interview-9".into(),
            passage: 7,
            locator: "turn 7".into(),
            section: None,
            speaker: Some("ID9".into()),
            role: Some("Independent GP".into()),
            role_group: Some("GP".into()),
            site: None,
            attribution: None,
            lang: Lang::Zh,
            text: text.into(),
            attrs: BTreeMap::from([("gender".into(), "female".into())]),
            citation: "[Independent GP ID9] Interview 9, turn 7".into(),
            origin: Origin {
                file: "documents/interview-9.md".into(),
                line: 12,
            },
        }
    }

    #[test]
    fn words_are_the_query_tokens_and_sub_words_the_rest_of_the_index_tokens() {
        let text = "CCGs 承担了委托初级卫生保健服务体系的责任, commissioning co-location.";
        let mut builder = SourceBuilder::new("b1".into());
        let (words, sub_words) = builder.words(text);
        let words: Vec<String> = words.split(' ').map(String::from).collect();
        assert_eq!(words, tokens(Mode::Query, text));
        assert!(words.contains(&"ccg".to_string()), "{words:?}");
        assert!(words.contains(&"commiss".to_string()), "{words:?}");
        let mut all: Vec<String> = words.clone();
        all.extend(sub_words.split(' ').map(String::from));
        all.sort();
        let mut indexed = tokens(Mode::Index, text);
        indexed.sort();
        assert_eq!(all, indexed);
        assert!(sub_words.split(' ').any(|w| w == "保健"), "{sub_words}");
    }

    #[test]
    fn char_pairs_are_verbatims_pairs_with_runs_apart() {
        let mut builder = SourceBuilder::new("b1".into());
        assert_eq!(
            builder.char_pairs("CCGs 初級，级保健 GP 蝶 服务"),
            "初级 | 级保 保健 | 服务"
        );
        assert_eq!(builder.char_pairs("primary care"), "");
    }

    #[test]
    fn english_text_has_no_sub_words() {
        let mut builder = SourceBuilder::new("b1".into());
        let (words, sub_words) = builder.words("Integration is more than co-location.");
        assert_eq!(words, "integr is more than co locat");
        assert_eq!(sub_words, "");
    }

    #[test]
    fn every_field_of_a_full_source_is_named_once_and_in_order() {
        let document = Document {
            date: Some("2016-03-02".into()),
            translation: Some(DocId("interview-9-zh".into())),
            ..Document::example("interview-9", Kind::Interview)
        };
        let mut passage = view("卫生保健 services");
        passage.section = Some("Results".into());
        passage.site = Some("site 2".into());
        passage.attribution = Some("PCCC meeting".into());
        let source = SourceBuilder::new("b1".into()).source(
            &document,
            passage,
            SortKeys {
                by_id: 3,
                by_date: 1,
            },
        );
        assert_eq!(source.id(), "interview-9#7");
        assert_eq!(source.reading_order, (3 << 32) | 7);
        assert_eq!(source.date_order, (1 << 32) | 7);
        let json = serde_json::to_value(&source).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort();
        names.sort();
        assert_eq!(sorted_keys, names);
        let origin: Vec<&str> = json["origin"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(origin, ORIGIN_FIELDS);
        assert_eq!(
            serde_json::from_value::<PassageSource>(json).unwrap(),
            source
        );
    }
}
