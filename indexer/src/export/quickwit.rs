//! Quickwit: the index config (YAML), ingest records, and searches in its query language.
//!
//! Quickwit has no stemmer, so English words are found through `words`, which holds Verbatim's
//! stems; `text` is tokenized like Verbatim's unstemmed analysis (a regex tokenizer cutting where
//! Verbatim's does, then lowercasing and ASCII folding) and serves prefixes. Keyword fields are
//! indexed lowercased and kept as written in their fast column, so filters ignore case and facet
//! counts show the corpus's spelling. A Quickwit index cannot overwrite a document by id: each
//! export carries a `build_id` (a tag field), and the previous export is deleted by query on it.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tantivy::schema::IndexRecordOption;

use super::Schema;
use super::query::{Clause, KeywordField, Plan, PrefixIn};
use super::source::{Field, ORIGIN_FIELDS, PassageSource};
use crate::api::{Sort, YearRange};
use crate::error::{Error, Result};

/// The index id written in the config (edit `index_id` in the file to load it under another).
pub const INDEX_ID: &str = "verbatim";

/// Version of Quickwit's index config format written.
pub const CONFIG_VERSION: &str = "0.8";

/// Name of the tokenizer of `text`.
const PLAIN: &str = "verbatim_plain";

/// Verbatim's English tokens, in Rust regex syntax: runs of letters and digits other than
/// Chinese characters (segmented into `words` instead).
pub const TOKEN_PATTERN: &str = "[[\\p{Alphabetic}\\p{N}]--[\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{2FA1F}]]+";

/// A Quickwit index config: the subset of Quickwit's format that an export writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// Config format version.
    pub version: String,
    /// Index id.
    pub index_id: String,
    /// Fields and tokenizers.
    pub doc_mapping: DocMapping,
    /// Fields searched when a query names none.
    pub search_settings: SearchSettings,
}

/// How documents are mapped to fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocMapping {
    /// What to do with fields the mapping does not declare.
    pub mode: MappingMode,
    /// The fields.
    pub field_mappings: Vec<FieldMapping>,
    /// Fields whose values are recorded per split, to skip splits when filtering on them.
    pub tag_fields: Vec<String>,
    /// Custom tokenizers.
    pub tokenizers: Vec<TokenizerEntry>,
}

/// Quickwit's mapping modes; an export is always strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingMode {
    /// Documents with undeclared fields are rejected.
    Strict,
}

/// One field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// Field name.
    pub name: String,
    /// Field type.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Whether the field is searchable (Quickwit's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed: Option<bool>,
    /// Tokenizer of a text field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<String>,
    /// What the index records of a text field (`basic`, `freq`, `position`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<IndexRecordOption>,
    /// Whether field lengths are kept for BM25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fieldnorms: Option<bool>,
    /// Whether the field has a columnar copy, for facets and sorting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fast: Option<Fast>,
    /// The fields of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_mappings: Option<Vec<FieldMapping>>,
}

/// Field types an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A string.
    Text,
    /// An unsigned integer.
    U64,
    /// A signed integer.
    I64,
    /// An object with its own field mappings.
    Object,
}

/// The `fast` option: on or off, or on with a normalizer for text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Fast {
    /// On or off.
    Enabled(bool),
    /// On, text normalized this way.
    Normalized {
        /// The normalizer.
        normalizer: Normalizer,
    },
}

/// How a fast text column is normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalizer {
    /// As written.
    Raw,
}

/// A custom tokenizer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenizerEntry {
    /// Name used by field mappings.
    pub name: String,
    /// Tokenizer type.
    #[serde(rename = "type")]
    pub kind: TokenizerType,
    /// The regex matching one token.
    pub pattern: String,
    /// Filters applied to each token, in order.
    pub filters: Vec<TokenFilter>,
}

/// Tokenizer types an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenizerType {
    /// Each match of a regex is a token.
    Regex,
}

/// Token filters an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenFilter {
    /// Drops tokens of 255 bytes or more.
    RemoveLong,
    /// Lowercases.
    LowerCaser,
    /// Folds accents (`é` to `e`).
    AsciiFolding,
}

/// Search settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    /// Fields searched by a query term that names no field.
    pub default_search_fields: Vec<String>,
}

/// The index config of an export.
pub fn index_config(schema: &Schema) -> IndexConfig {
    IndexConfig {
        version: CONFIG_VERSION.to_string(),
        index_id: INDEX_ID.to_string(),
        doc_mapping: DocMapping {
            mode: MappingMode::Strict,
            field_mappings: Field::ALL
                .iter()
                .map(|&field| mapping(field, schema))
                .collect(),
            tag_fields: vec![Field::BuildId.name().to_string()],
            tokenizers: vec![TokenizerEntry {
                name: PLAIN.to_string(),
                kind: TokenizerType::Regex,
                pattern: TOKEN_PATTERN.to_string(),
                filters: vec![
                    TokenFilter::RemoveLong,
                    TokenFilter::LowerCaser,
                    TokenFilter::AsciiFolding,
                ],
            }],
        },
        search_settings: SearchSettings {
            default_search_fields: vec![Field::Words.name().to_string()],
        },
    }
}

/// The index config as YAML.
pub fn index_config_yaml(schema: &Schema) -> Result<String> {
    serde_yaml_ng::to_string(&index_config(schema))
        .map_err(|e| Error::Internal(format!("writing the Quickwit index config: {e}")))
}

fn mapping(field: Field, schema: &Schema) -> FieldMapping {
    let name = field.name();
    match field {
        Field::Doc => FieldMapping {
            tokenizer: Some("raw".into()),
            fast: Some(Fast::Enabled(true)),
            ..text(name)
        },
        Field::BuildId => FieldMapping {
            tokenizer: Some("raw".into()),
            ..text(name)
        },
        Field::Kind
        | Field::Lang
        | Field::Speaker
        | Field::Role
        | Field::RoleGroup
        | Field::Site => keyword(name),
        Field::Passage => number(name, FieldType::U64, false),
        Field::Year => number(name, FieldType::I64, true),
        Field::ReadingOrder | Field::DateOrder => FieldMapping {
            indexed: Some(false),
            ..number(name, FieldType::U64, true)
        },
        Field::Title
        | Field::Section
        | Field::Attribution
        | Field::Locator
        | Field::Citation
        | Field::Translation => shown(name),
        Field::Origin => object(
            name,
            vec![
                shown(ORIGIN_FIELDS[0]),
                FieldMapping {
                    indexed: Some(false),
                    ..number(ORIGIN_FIELDS[1], FieldType::U64, false)
                },
            ],
        ),
        Field::Attrs => object(
            name,
            schema.attributes().iter().map(|a| keyword(a)).collect(),
        ),
        Field::Text => analysed(name, PLAIN, IndexRecordOption::WithFreqsAndPositions),
        Field::Words | Field::CharPairs => {
            analysed(name, "whitespace", IndexRecordOption::WithFreqsAndPositions)
        }
        Field::SubWords => analysed(name, "whitespace", IndexRecordOption::WithFreqs),
    }
}

fn text(name: &str) -> FieldMapping {
    FieldMapping {
        name: name.to_string(),
        kind: FieldType::Text,
        indexed: None,
        tokenizer: None,
        record: None,
        fieldnorms: None,
        fast: None,
        field_mappings: None,
    }
}

/// A filter and facet field: searched lowercased, counted as written.
fn keyword(name: &str) -> FieldMapping {
    FieldMapping {
        tokenizer: Some("raw_lowercase".into()),
        fast: Some(Fast::Normalized {
            normalizer: Normalizer::Raw,
        }),
        ..text(name)
    }
}

fn number(name: &str, kind: FieldType, fast: bool) -> FieldMapping {
    FieldMapping {
        kind,
        fast: fast.then_some(Fast::Enabled(true)),
        ..text(name)
    }
}

/// Stored for display, not searchable.
fn shown(name: &str) -> FieldMapping {
    FieldMapping {
        indexed: Some(false),
        ..text(name)
    }
}

fn object(name: &str, fields: Vec<FieldMapping>) -> FieldMapping {
    FieldMapping {
        kind: FieldType::Object,
        field_mappings: Some(fields),
        ..text(name)
    }
}

fn analysed(name: &str, tokenizer: &str, record: IndexRecordOption) -> FieldMapping {
    FieldMapping {
        tokenizer: Some(tokenizer.to_string()),
        record: Some(record),
        fieldnorms: Some(true),
        ..text(name)
    }
}

/// The ingest record of one passage: its JSON on one line.
pub fn ingest_record(source: &PassageSource) -> Result<Vec<u8>> {
    let mut record = serde_json::to_vec(source)
        .map_err(|e| Error::Internal(format!("writing a passage as JSON: {e}")))?;
    record.push(b'\n');
    Ok(record)
}

/// The body of `POST /api/v1/INDEX/search` for a plan.
pub fn search_body(plan: &Plan) -> Value {
    let mut body = json!({
        "query": top_query(plan),
        "start_offset": plan.offset,
        "max_hits": plan.limit,
        // Quickwit sorts descending unless the field is prefixed with `-`.
        "sort_by": match plan.sort {
            Sort::Relevance => "_score".to_string(),
            Sort::Doc => format!("-{}", Field::ReadingOrder.name()),
            Sort::Date => format!("-{}", Field::DateOrder.name()),
        },
    });
    if let Some(aggs) = plan.terms_aggregations(KeywordField::path) {
        body["aggs"] = aggs;
    }
    body
}

/// The query text: the query and every filter, all required.
fn top_query(plan: &Plan) -> String {
    let parts: Vec<String> = plan.query.iter().chain(&plan.filters).map(clause).collect();
    if parts.is_empty() {
        "*".to_string()
    } else {
        parts.join(" AND ")
    }
}

fn clause(part: &Clause) -> String {
    match part {
        Clause::Words(tokens) => format!("{}:{}", Field::Words.name(), quoted(&tokens.join(" "))),
        Clause::SubWord(token) => format!("{}:{}", Field::SubWords.name(), quoted(token)),
        // The query language has no optional scoring clause: the pairs alone decide, and score.
        Clause::Sequence { pairs, .. } => {
            format!("{}:{}", Field::CharPairs.name(), quoted(&pairs.join(" ")))
        }
        Clause::Unstemmed(word) => format!("{}:{}", Field::Text.name(), quoted(word)),
        // Analysed prefixes hold only letters and digits: nothing to escape.
        Clause::Prefix { within, prefix } => match within {
            PrefixIn::Text => format!("{}:{prefix}*", Field::Text.name()),
            PrefixIn::Chinese => format!(
                "({}:{prefix}* OR {}:{prefix}*)",
                Field::Words.name(),
                Field::SubWords.name()
            ),
        },
        Clause::Keyword { field, values } => {
            let path = field.path();
            let any: Vec<String> = values
                .iter()
                .map(|v| format!("{path}:{}", quoted(v)))
                .collect();
            grouped(any, " OR ")
        }
        Clause::Year(range) => year(range),
        Clause::All(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    Clause::Not(inner) => format!("NOT {}", clause(inner)),
                    other => clause(other),
                })
                .collect();
            // A conjunction of exclusions alone still needs something to exclude from.
            let all_excluded = parts.iter().all(|p| p.starts_with("NOT "));
            let parts = if all_excluded {
                std::iter::once("*".to_string()).chain(parts).collect()
            } else {
                parts
            };
            grouped(parts, " AND ")
        }
        Clause::Any(parts) => grouped(parts.iter().map(clause).collect(), " OR "),
        Clause::Not(inner) => format!("(* AND NOT {})", clause(inner)),
    }
}

/// Several parts joined and parenthesised; one part as it is.
fn grouped(mut parts: Vec<String>, separator: &str) -> String {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        format!("({})", parts.join(separator))
    }
}

/// A double-quoted string of the query language (a phrase, tokenized by the field's tokenizer).
fn quoted(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn year(range: &YearRange) -> String {
    let field = Field::Year.name();
    match (range.from, range.to) {
        (Some(from), Some(to)) => format!("{field}:[{from} TO {to}]"),
        (Some(from), None) => format!("{field}:>={from}"),
        (None, Some(to)) => format!("{field}:<={to}"),
        (None, None) => "*".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tantivy::query_grammar::parse_query;
    use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RegexTokenizer, TextAnalyzer};

    use super::*;
    use crate::analysis::{self, Mode};
    use crate::api::SearchRequest;

    fn texts(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        analysis::token_texts(&mut analyzer, text)
    }

    #[test]
    fn the_text_tokenizer_is_verbatims_unstemmed_analysis_without_chinese() {
        let tokenizer = RegexTokenizer::new(TOKEN_PATTERN).unwrap();
        let analyzer = TextAnalyzer::builder(tokenizer)
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build();
        for text in [
            "CCGs, GPs and STPs: co-commissioning in the 1990s; it's the NHS's job.",
            "自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任。STP一级",
            "Café au lait — naïve “co-op” résumé Ærø 𠀀字 end",
        ] {
            let verbatim: Vec<String> = texts(analysis::plain_analyzer(Mode::Query), text)
                .into_iter()
                .filter(|t| !t.chars().any(analysis::is_cjk))
                .collect();
            assert_eq!(texts(analyzer.clone(), text), verbatim, "{text}");
        }
    }

    #[test]
    fn the_config_round_trips_through_yaml() {
        let schema = Schema::new(BTreeSet::from(["gender".to_string()]));
        let yaml = index_config_yaml(&schema).unwrap();
        let parsed: IndexConfig = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(parsed, index_config(&schema));
        assert!(yaml.contains("record: position"), "{yaml}");
        assert!(yaml.contains("normalizer: raw"), "{yaml}");
    }

    fn query(req: serde_json::Value) -> String {
        let req: SearchRequest = serde_json::from_value(req).unwrap();
        let plan = Plan::new(&req, &BTreeSet::from(["gender".to_string()])).unwrap();
        let body = search_body(&plan);
        let query = body["query"].as_str().unwrap().to_string();
        parse_query(&query).unwrap_or_else(|_| panic!("{query} does not parse"));
        query
    }

    #[test]
    fn queries_are_written_in_quickwits_query_language() {
        assert_eq!(query(json!({})), "*");
        assert_eq!(
            query(json!({"q": "\"primary care\" -trust OR 保健 integrat*"})),
            "((words:\"primari care\" AND NOT words:\"trust\") OR (char_pairs:\"保健\" AND text:integrat*))"
        );
        assert_eq!(
            query(json!({"q": "-trust -gp"})),
            "(* AND NOT words:\"trust\" AND NOT words:\"gp\")"
        );
        assert_eq!(
            query(json!({
                "q": "初级*",
                "filters": {"role": ["GP", "a \"quoted\" role"], "year": {"from": 2015}, "attr": {"Gender": "female"}},
            })),
            "(words:初级* OR sub_words:初级*) AND ((role:\"GP\" OR role:\"a \\\"quoted\\\" role\") OR (role_group:\"GP\" OR role_group:\"a \\\"quoted\\\" role\")) AND year:>=2015 AND attrs.gender:\"female\""
        );
    }
}
