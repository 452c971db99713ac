//! OpenSearch (and Elasticsearch): the index definition, `_bulk` records, and searches in the
//! query DSL.
//!
//! English analysis is rebuilt from the engine's own parts as closely as they allow: a pattern
//! tokenizer cutting where Verbatim's does (anything not a letter or digit, and Chinese), then
//! length, lowercase, ASCII folding, the Snowball English stemmer (`porter2`, Verbatim's) and a
//! pattern filter for plural acronyms (`CCGs` to `ccg`). Searches made by
//! [`Target::search_body`](super::Target::search_body) do not rely on it: they look up
//! Verbatim's own tokens in `words`; the analysed `text` serves highlighting and hand-written
//! queries.

use serde_json::{Map, Value, json};

use super::Schema;
use super::query::{Clause, KeywordField, Plan, PrefixIn};
use super::source::{Field, PassageSource};
use crate::api::{MAX_LIMIT, MAX_OFFSET, Sort};
use crate::error::{Error, Result};

/// Name of the analyzer of `text`.
const ENGLISH: &str = "verbatim_english";
/// Name of the unstemmed analyzer of `text.plain`, for prefixes.
const PLAIN: &str = "verbatim_plain";
/// Name of the lowercasing normalizer of keyword fields.
const KEYWORD: &str = "verbatim_keyword";
/// Sub-field of a keyword field keeping the value as written, for facet counts.
const AS_WRITTEN: &str = "raw";
/// Sub-field of `text` analysed without stemming.
const UNSTEMMED: &str = "plain";

/// Separators of Verbatim's English tokens, in Java regex syntax: anything that is not a letter
/// or digit, and Chinese characters (segmented into `words` instead).
pub const TOKEN_SEPARATORS: &str = "(?:[^\\p{IsAlphabetic}\\p{N}]|[\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{2FA1F}])+";

/// A plural acronym after stemming (`ccgs`, `1990s`): two or more consonants or digits, the
/// last not an `s`, then `s` (Java regex; the replacement keeps group 1).
pub const PLURAL_ACRONYM: &str = "^([b-df-hj-np-tv-xz0-9]+[b-df-hj-np-rtv-xz0-9])s$";

/// The body of `PUT /INDEX`: settings (analysis, BM25 as Verbatim's) and mappings.
pub fn index_definition(schema: &Schema) -> Value {
    let properties: Map<String, Value> = Field::ALL
        .iter()
        .map(|&field| (field.name().to_string(), mapping(field, schema)))
        .collect();
    json!({
        "settings": {
            "index": {
                // tantivy's BM25 defaults, written out so the engines agree.
                "similarity": {"default": {"type": "BM25", "k1": 1.2, "b": 0.75}},
                // Every page Verbatim serves (OpenSearch stops at 10,000 by default).
                "max_result_window": MAX_OFFSET + MAX_LIMIT,
            },
            "analysis": {
                "tokenizer": {
                    "verbatim_tokens": {"type": "pattern", "pattern": TOKEN_SEPARATORS},
                },
                "filter": {
                    // Verbatim drops tokens of 80 bytes or more; the engine counts characters.
                    "verbatim_length": {"type": "length", "max": 79},
                    "verbatim_stemmer": {"type": "stemmer", "language": "porter2"},
                    "verbatim_plural_acronyms": {
                        "type": "pattern_replace",
                        "pattern": PLURAL_ACRONYM,
                        "replacement": "$1",
                    },
                },
                "analyzer": {
                    ENGLISH: {
                        "type": "custom",
                        "tokenizer": "verbatim_tokens",
                        "filter": [
                            "verbatim_length",
                            "lowercase",
                            "asciifolding",
                            "verbatim_stemmer",
                            "verbatim_plural_acronyms",
                        ],
                    },
                    PLAIN: {
                        "type": "custom",
                        "tokenizer": "verbatim_tokens",
                        "filter": ["verbatim_length", "lowercase", "asciifolding"],
                    },
                },
                "normalizer": {
                    KEYWORD: {"type": "custom", "filter": ["lowercase"]},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": properties,
        },
    })
}

/// How one field is mapped.
fn mapping(field: Field, schema: &Schema) -> Value {
    match field {
        Field::Doc | Field::BuildId => json!({"type": "keyword"}),
        Field::Kind
        | Field::Lang
        | Field::Speaker
        | Field::Role
        | Field::RoleGroup
        | Field::Site => keyword(),
        Field::Passage | Field::Year => json!({"type": "integer"}),
        Field::ReadingOrder | Field::DateOrder => json!({"type": "long", "index": false}),
        Field::Title
        | Field::Section
        | Field::Attribution
        | Field::Locator
        | Field::Translation => shown(false),
        Field::Citation => shown(true),
        Field::Origin => json!({
            "properties": {
                "file": shown(true),
                "line": {"type": "integer", "index": false, "store": true},
            },
        }),
        Field::Attrs => {
            let attributes: Map<String, Value> = schema
                .attributes()
                .iter()
                .map(|name| (name.clone(), keyword()))
                .collect();
            json!({"properties": attributes})
        }
        Field::Text => json!({
            "type": "text",
            "analyzer": ENGLISH,
            "fields": {UNSTEMMED: {"type": "text", "analyzer": PLAIN}},
        }),
        Field::Words | Field::SubWords | Field::CharPairs => {
            json!({"type": "text", "analyzer": "whitespace"})
        }
    }
}

/// A filter and facet field: matched case-insensitively, counted as written (`role.raw`).
fn keyword() -> Value {
    json!({
        "type": "keyword",
        "normalizer": KEYWORD,
        "fields": {AS_WRITTEN: {"type": "keyword"}},
    })
}

/// A field only shown, never searched; `stored` also keeps it outside `_source`.
fn shown(stored: bool) -> Value {
    let mut mapping = json!({"type": "keyword", "index": false, "doc_values": false});
    if stored {
        mapping["store"] = json!(true);
    }
    mapping
}

/// The `_bulk` record of one passage: the action line and the source line.
pub fn bulk_record(source: &PassageSource) -> Result<Vec<u8>> {
    let action = json!({"index": {"_id": source.id()}});
    let mut record = serde_json::to_vec(&action).map_err(internal)?;
    record.push(b'\n');
    serde_json::to_writer(&mut record, source).map_err(internal)?;
    record.push(b'\n');
    Ok(record)
}

fn internal(e: serde_json::Error) -> Error {
    Error::Internal(format!("writing a passage as JSON: {e}"))
}

/// The analysed fields, only searched: left out of the hits' `_source`.
const ANALYSED: [Field; 3] = [Field::Words, Field::SubWords, Field::CharPairs];

/// The body of `POST /INDEX/_search` for a plan.
pub fn search_body(plan: &Plan) -> Value {
    let mut body = json!({
        "query": top_query(plan),
        "from": plan.offset,
        "size": plan.limit,
        "track_total_hits": true,
        "_source": {"excludes": ANALYSED.map(Field::name)},
    });
    match plan.sort {
        Sort::Relevance => {}
        Sort::Doc => body["sort"] = json!([{Field::ReadingOrder.name(): "asc"}]),
        Sort::Date => body["sort"] = json!([{Field::DateOrder.name(): "asc"}]),
    }
    if let Some(aggs) = plan.terms_aggregations(as_written) {
        body["aggs"] = aggs;
    }
    if plan.highlight {
        // The query looks up `words`; highlighting the analysed `text` with the same stems
        // needs terms from any field.
        body["highlight"] = json!({
            "require_field_match": false,
            "number_of_fragments": 0,
            "fields": {Field::Text.name(): {}},
        });
    }
    body
}

/// The query: the text part scored, the filters not (as in Verbatim).
fn top_query(plan: &Plan) -> Value {
    let filters: Vec<Value> = plan.filters.iter().map(clause).collect();
    match (&plan.query, filters.is_empty()) {
        (None, true) => json!({"match_all": {}}),
        (None, false) => json!({"bool": {"filter": filters}}),
        (Some(query), true) => clause(query),
        (Some(query), false) => json!({"bool": {"must": [clause(query)], "filter": filters}}),
    }
}

fn clause(part: &Clause) -> Value {
    match part {
        Clause::Words(tokens) => match tokens.as_slice() {
            [token] => json!({"term": {Field::Words.name(): token}}),
            _ => json!({"match_phrase": {Field::Words.name(): tokens.join(" ")}}),
        },
        Clause::SubWord(token) => json!({"term": {Field::SubWords.name(): token}}),
        Clause::Sequence { pairs, words } => json!({"bool": {
            "must": [match pairs.as_slice() {
                [pair] => json!({"term": {Field::CharPairs.name(): pair}}),
                _ => json!({"match_phrase": {Field::CharPairs.name(): pairs.join(" ")}}),
            }],
            "should": [clause(words)],
        }}),
        Clause::Unstemmed(word) => json!({"term": {unstemmed_text(): word}}),
        Clause::Prefix { within, prefix } => match within {
            PrefixIn::Text => json!({"prefix": {unstemmed_text(): prefix}}),
            PrefixIn::Chinese => any(&[
                json!({"prefix": {Field::Words.name(): prefix}}),
                json!({"prefix": {Field::SubWords.name(): prefix}}),
            ]),
        },
        Clause::Keyword { field, values } => json!({"terms": {field.path(): values}}),
        Clause::Year(range) => {
            let mut bounds = Map::new();
            if let Some(from) = range.from {
                bounds.insert("gte".into(), json!(from));
            }
            if let Some(to) = range.to {
                bounds.insert("lte".into(), json!(to));
            }
            json!({"range": {Field::Year.name(): bounds}})
        }
        Clause::All(parts) => {
            let (not, must): (Vec<&Clause>, Vec<&Clause>) =
                parts.iter().partition(|p| matches!(p, Clause::Not(_)));
            let mut bool_query = Map::new();
            if !must.is_empty() {
                bool_query.insert("must".into(), must.into_iter().map(clause).collect());
            }
            if !not.is_empty() {
                let excluded = not.into_iter().filter_map(|p| match p {
                    Clause::Not(inner) => Some(clause(inner)),
                    _ => None,
                });
                bool_query.insert("must_not".into(), excluded.collect());
            }
            json!({"bool": bool_query})
        }
        Clause::Any(parts) => any(&parts.iter().map(clause).collect::<Vec<_>>()),
        // A bool query with only `must_not` matches every other passage.
        Clause::Not(inner) => json!({"bool": {"must_not": [clause(inner)]}}),
    }
}

fn any(parts: &[Value]) -> Value {
    json!({"bool": {"should": parts, "minimum_should_match": 1}})
}

fn unstemmed_text() -> String {
    format!("{}.{UNSTEMMED}", Field::Text.name())
}

/// The sub-field holding a keyword field's values as written.
fn as_written(field: &KeywordField) -> String {
    match field {
        // Document ids are exact already.
        KeywordField::Fixed(Field::Doc) => Field::Doc.name().to_string(),
        other => format!("{}.{AS_WRITTEN}", other.path()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use regex::Regex;
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
        TokenStream, Tokenizer,
    };

    use super::*;
    use crate::analysis::{self, Mode};
    use crate::api::SearchRequest;

    /// Texts where English and Chinese tokenization can go wrong.
    const SAMPLES: [&str; 5] = [
        "CCGs, GPs and STPs: co-commissioning in the 1990s; it's the NHS's job.",
        "自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任。STP一级",
        "Café au lait — naïve “co-op” résumé Ærø 𠀀字 end",
        "integration is more than co-location, commissioned commissioning commissions",
        "gas this ms ss nhss cares flies happily generously",
    ];

    /// A tokenizer splitting on a regex, as OpenSearch's `pattern` tokenizer does.
    #[derive(Clone)]
    struct SplitOn(Regex);

    struct Pieces {
        tokens: std::vec::IntoIter<Token>,
        token: Token,
    }

    impl TokenStream for Pieces {
        fn advance(&mut self) -> bool {
            self.tokens.next().map(|t| self.token = t).is_some()
        }
        fn token(&self) -> &Token {
            &self.token
        }
        fn token_mut(&mut self) -> &mut Token {
            &mut self.token
        }
    }

    impl Tokenizer for SplitOn {
        type TokenStream<'a> = Pieces;
        fn token_stream<'a>(&'a mut self, text: &'a str) -> Pieces {
            let mut tokens = Vec::new();
            let mut start = 0;
            let ends = self.0.find_iter(text).map(|m| (m.start(), m.end()));
            for (end, next) in ends.chain([(text.len(), text.len())]) {
                if end > start {
                    tokens.push(Token {
                        offset_from: start,
                        offset_to: end,
                        position: tokens.len(),
                        text: text[start..end].to_string(),
                        position_length: 1,
                    });
                }
                start = next;
            }
            Pieces {
                tokens: tokens.into_iter(),
                token: Token::default(),
            }
        }
    }

    /// The filter `verbatim_plural_acronyms`, with the same pattern.
    fn plural_acronyms(words: Vec<String>) -> Vec<String> {
        let pattern = Regex::new(PLURAL_ACRONYM).unwrap();
        words
            .into_iter()
            .map(|w| pattern.replace(&w, "$1").into_owned())
            .collect()
    }

    fn texts(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        analysis::token_texts(&mut analyzer, text)
    }

    fn latin(tokens: Vec<String>) -> Vec<String> {
        tokens
            .into_iter()
            .filter(|t| !t.chars().any(analysis::is_cjk))
            .collect()
    }

    #[test]
    fn the_english_analyzer_rebuilds_verbatims_from_the_engines_parts() {
        // Rust's regex reads these patterns as Java does (`IsAlphabetic`, `\x{...}`).
        let tokenizer = SplitOn(Regex::new(TOKEN_SEPARATORS).unwrap());
        for text in SAMPLES {
            let plain = TextAnalyzer::builder(tokenizer.clone())
                .filter(RemoveLongFilter::limit(80))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build();
            assert_eq!(
                texts(plain, text),
                latin(texts(analysis::plain_analyzer(Mode::Query), text)),
                "{text}"
            );
            let stemmed = TextAnalyzer::builder(tokenizer.clone())
                .filter(RemoveLongFilter::limit(80))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(Language::English))
                .build();
            assert_eq!(
                plural_acronyms(texts(stemmed, text)),
                latin(texts(analysis::text_analyzer(Mode::Query), text)),
                "{text}"
            );
        }
    }

    #[test]
    fn every_field_is_mapped_and_attributes_are_keywords() {
        let schema = Schema::new(BTreeSet::from(["gender".to_string()]));
        let definition = index_definition(&schema);
        let properties = &definition["mappings"]["properties"];
        assert_eq!(properties.as_object().unwrap().len(), Field::ALL.len());
        assert_eq!(properties["attrs"]["properties"]["gender"], keyword());
        assert_eq!(properties["role"]["normalizer"], KEYWORD);
        assert_eq!(properties["words"]["analyzer"], "whitespace");
        assert_eq!(definition["mappings"]["dynamic"], "strict");
    }

    #[test]
    fn a_bulk_record_is_an_action_line_and_a_source_line() {
        let source: PassageSource = serde_json::from_value(json!({
            "doc": "a", "passage": 2, "title": "A", "kind": "report", "lang": "en",
            "reading_order": 2, "date_order": 2, "text": "x", "words": "x", "locator": "para 2",
            "citation": "A, para 2", "origin": {"file": "a.md", "line": 3}, "build_id": "b",
        }))
        .unwrap();
        let record = String::from_utf8(bulk_record(&source).unwrap()).unwrap();
        let lines: Vec<&str> = record.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], r#"{"index":{"_id":"a#2"}}"#);
        assert_eq!(
            serde_json::from_str::<PassageSource>(lines[1]).unwrap(),
            source
        );
    }

    #[test]
    fn prefixes_exclusions_years_and_date_order_are_written_in_the_dsl() {
        let req: SearchRequest = serde_json::from_value(json!({
            "q": "integrat* -trust",
            "filters": {"year": {"from": 2015}, "doc": ["a"]},
            "sort": "date",
            "highlight": false,
        }))
        .unwrap();
        let plan = Plan::new(&req, &BTreeSet::new()).unwrap();
        assert_eq!(
            search_body(&plan),
            json!({
                "query": {"bool": {
                    "must": [{"bool": {
                        "must": [{"prefix": {"text.plain": "integrat"}}],
                        "must_not": [{"term": {"words": "trust"}}],
                    }}],
                    "filter": [{"terms": {"doc": ["a"]}}, {"range": {"year": {"gte": 2015}}}],
                }},
                "from": 0,
                "size": 20,
                "track_total_hits": true,
                "_source": {"excludes": ["words", "sub_words", "char_pairs"]},
                "sort": [{"date_order": "asc"}],
            })
        );
    }
}
