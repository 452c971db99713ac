//! The tantivy schema: every field of a passage, named once.
//!
//! Keyword fields (role, site, ...) are kept as written in a fast column, so facet counts show
//! the corpus's own spelling; filters read the same columns (compared case-insensitively, see
//! `search::filter`), so the fields need no inverted index.

use tantivy::schema::{
    Field, IndexRecordOption, JsonObjectOptions, NumericOptions, STORED, Schema, TextFieldIndexing,
    TextOptions,
};

use crate::analysis;
use crate::error::{Error, Result};

/// Bumped whenever fields or analysis change, so an older index is rebuilt rather than misread.
pub const SCHEMA_VERSION: u32 = 8;

/// Field names, as used in fast-field lookups.
pub mod names {
    /// Document id (exact).
    pub const DOC_ID: &str = "doc_id";
    /// Passage ordinal within its document.
    pub const ORDINAL: &str = "ordinal";
    /// The passage's text as written, stored (the text fields are written pre-analysed, which
    /// tantivy would store with all their tokens).
    pub const TEXT_STORED: &str = "text_stored";
    /// Searchable text (stemmed).
    pub const TEXT: &str = "text";
    /// Pairs of adjacent words of the text, for phrases.
    pub const TEXT_PAIRS: &str = "text_pairs";
    /// Chinese characters of the text, for one-character queries.
    pub const TEXT_CHARS: &str = "text_chars";
    /// Pairs of adjacent Chinese characters of the text, with positions: a sequence of
    /// characters is the phrase of its pairs.
    pub const TEXT_CHAR_PAIRS: &str = "text_char_pairs";
    /// Document kind.
    pub const KIND: &str = "kind";
    /// Passage language.
    pub const LANG: &str = "lang";
    /// Speaker id.
    pub const SPEAKER: &str = "speaker";
    /// Role as written.
    pub const ROLE: &str = "role";
    /// Role group.
    pub const ROLE_GROUP: &str = "role_group";
    /// Site.
    pub const SITE: &str = "site";
    /// Year of the document date.
    pub const YEAR: &str = "year";
    /// Participant attributes (JSON object of strings).
    pub const ATTRS: &str = "attrs";
    /// Corpus file the passage came from (to delete a file's passages on update).
    pub const FILE: &str = "file";
    /// Line in that file.
    pub const LINE: &str = "line";
    /// Citation locator (`para 4`).
    pub const LOCATOR: &str = "locator";
    /// Section heading.
    pub const SECTION: &str = "section";
    /// Attribution tag when it names no participant.
    pub const ATTRIBUTION: &str = "attribution";
    /// Whole words as written (lowercased, unstemmed, no Chinese sub-words), with frequencies:
    /// what keyness counts, and where English prefixes are looked up (Chinese ones in `text`,
    /// whose Chinese words are unstemmed and include the sub-words).
    pub const WORDS: &str = "words";
    /// Number of whole words in the passage, for rates per 10,000 words.
    pub const WORD_COUNT: &str = "word_count";
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// See [`names::DOC_ID`].
    pub doc_id: Field,
    /// See [`names::ORDINAL`].
    pub ordinal: Field,
    /// See [`names::TEXT_STORED`].
    pub text_stored: Field,
    /// See [`names::TEXT`].
    pub text: Field,
    /// See [`names::TEXT_PAIRS`].
    pub text_pairs: Field,
    /// See [`names::TEXT_CHARS`].
    pub text_chars: Field,
    /// See [`names::TEXT_CHAR_PAIRS`].
    pub text_char_pairs: Field,
    /// See [`names::KIND`].
    pub kind: Field,
    /// See [`names::LANG`].
    pub lang: Field,
    /// See [`names::SPEAKER`].
    pub speaker: Field,
    /// See [`names::ROLE`].
    pub role: Field,
    /// See [`names::ROLE_GROUP`].
    pub role_group: Field,
    /// See [`names::SITE`].
    pub site: Field,
    /// See [`names::YEAR`].
    pub year: Field,
    /// See [`names::ATTRS`].
    pub attrs: Field,
    /// See [`names::FILE`].
    pub file: Field,
    /// See [`names::LINE`].
    pub line: Field,
    /// See [`names::LOCATOR`].
    pub locator: Field,
    /// See [`names::SECTION`].
    pub section: Field,
    /// See [`names::ATTRIBUTION`].
    pub attribution: Field,
    /// See [`names::WORDS`].
    pub words: Field,
    /// See [`names::WORD_COUNT`].
    pub word_count: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let exact = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer("raw"))
        .set_fast("raw")
        .set_stored();
    let keyword = TextOptions::default().set_fast("raw").set_stored();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::TEXT)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Positions let a longer phrase be a phrase of pairs, whose position lists are short.
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::PAIRS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let chars = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::CHARS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let char_pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::CHAR_PAIRS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let attrs = JsonObjectOptions::default().set_fast("raw").set_stored();
    // The text fields are always written pre-tokenized (see `record`), except `text_chars` and
    // `text_char_pairs` (no segmentation to share); the tokenizers named here tell tantivy how
    // the tokens were made, and serve queries.
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::PLAIN)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let number = NumericOptions::default()
        .set_indexed()
        .set_fast()
        .set_stored();

    let fields = Fields {
        doc_id: b.add_text_field(names::DOC_ID, exact.clone()),
        ordinal: b.add_u64_field(names::ORDINAL, number.clone()),
        text_stored: b.add_text_field(names::TEXT_STORED, STORED),
        text: b.add_text_field(names::TEXT, text),
        text_pairs: b.add_text_field(names::TEXT_PAIRS, pairs),
        text_chars: b.add_text_field(names::TEXT_CHARS, chars),
        text_char_pairs: b.add_text_field(names::TEXT_CHAR_PAIRS, char_pairs),
        kind: b.add_text_field(names::KIND, keyword.clone()),
        lang: b.add_text_field(names::LANG, keyword.clone()),
        speaker: b.add_text_field(names::SPEAKER, keyword.clone()),
        role: b.add_text_field(names::ROLE, keyword.clone()),
        role_group: b.add_text_field(names::ROLE_GROUP, keyword.clone()),
        site: b.add_text_field(names::SITE, keyword),
        year: b.add_i64_field(names::YEAR, number),
        attrs: b.add_json_field(names::ATTRS, attrs),
        file: b.add_text_field(names::FILE, exact),
        line: b.add_u64_field(names::LINE, STORED),
        locator: b.add_text_field(names::LOCATOR, STORED),
        section: b.add_text_field(names::SECTION, STORED),
        attribution: b.add_text_field(names::ATTRIBUTION, STORED),
        words: b.add_text_field(names::WORDS, words),
        word_count: b.add_u64_field(names::WORD_COUNT, NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

impl Fields {
    /// Looks up every field in an index's schema; fails if the index was built by another version.
    pub fn from_schema(schema: &Schema) -> Result<Fields> {
        let get = |name: &str| {
            schema.get_field(name).map_err(|_| {
                Error::Internal(format!(
                    "the index has no field {name:?}: it was built by another version; rebuild it with `verbatim-index`"
                ))
            })
        };
        Ok(Fields {
            doc_id: get(names::DOC_ID)?,
            ordinal: get(names::ORDINAL)?,
            text_stored: get(names::TEXT_STORED)?,
            text: get(names::TEXT)?,
            text_pairs: get(names::TEXT_PAIRS)?,
            text_chars: get(names::TEXT_CHARS)?,
            text_char_pairs: get(names::TEXT_CHAR_PAIRS)?,
            kind: get(names::KIND)?,
            lang: get(names::LANG)?,
            speaker: get(names::SPEAKER)?,
            role: get(names::ROLE)?,
            role_group: get(names::ROLE_GROUP)?,
            site: get(names::SITE)?,
            year: get(names::YEAR)?,
            attrs: get(names::ATTRS)?,
            file: get(names::FILE)?,
            line: get(names::LINE)?,
            locator: get(names::LOCATOR)?,
            section: get(names::SECTION)?,
            attribution: get(names::ATTRIBUTION)?,
            words: get(names::WORDS)?,
            word_count: get(names::WORD_COUNT)?,
        })
    }
}
