//! A Verbatim [`SearchRequest`] as an engine-neutral plan over the exported fields, which each
//! engine module then writes in its own query language.
//!
//! The query text is parsed and checked exactly as Verbatim does (same errors, same columns) and
//! analysed with Verbatim's own analyzers, so the plan searches `words` for the very tokens
//! Verbatim would look up: a word or phrase becomes a term or phrase of `words`, a single Chinese
//! word also matches `sub_words` (as 保健 finds 卫生保健 in Verbatim), a run of two or more Han
//! characters alone is the phrase of its character pairs in `char_pairs` (found wherever it
//! stands, as Verbatim's planner finds it), and a prefix searches the unstemmed text. Filters keep Verbatim's meaning: values of one filter are any-of, filters
//! combine with AND, and `role` matches a role or a role group.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use tantivy::tokenizer::TextAnalyzer;

use super::source::{Field, char_pairs_analyzer};
use crate::analysis::{self, Mode};
use crate::api::{FACET_VALUES_IN_SEARCH, FacetField, SearchRequest, Sort, YearRange};
use crate::error::Result;
use crate::schema::build_schema;
use crate::search::{Filter, Node, QueryPlan, parse, resolve_attribute};

/// A keyword field: one of the fixed ones, or a participant attribute under `attrs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeywordField {
    /// A fixed field (role, site, kind...).
    Fixed(Field),
    /// A participant attribute, by its column name.
    Attr(String),
}

impl KeywordField {
    /// The field's path in the exported document, e.g. `role` or `attrs.gender`.
    pub fn path(&self) -> String {
        match self {
            KeywordField::Fixed(field) => field.name().to_string(),
            KeywordField::Attr(name) => format!("{}.{name}", Field::Attrs.name()),
        }
    }
}

/// Where a prefix is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixIn {
    /// The unstemmed English analysis of `text` (`integrat*`).
    Text,
    /// Chinese words and sub-words (`初级*`).
    Chinese,
}

/// One part of a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// Verbatim's tokens in `words`: a term when there is one, a phrase when there are several.
    Words(Vec<String>),
    /// One token in `sub_words`.
    SubWord(String),
    /// A run of Han characters wherever it stands: the phrase of its character `pairs` in
    /// `char_pairs`, required; its `words` as segmented score the passage where they match too
    /// (a whole-word match ranks first, as in Verbatim).
    Sequence {
        /// The run's overlapping character pairs, in order.
        pairs: Vec<String>,
        /// The run's words, as [`Planner::words`] makes them.
        words: Box<Clause>,
    },
    /// One (non-Chinese) word as written, in the unstemmed analysis of `text`.
    Unstemmed(String),
    /// Words starting with a prefix.
    Prefix {
        /// Where to look.
        within: PrefixIn,
        /// The prefix, analysed like the field it is looked up in.
        prefix: String,
    },
    /// Any of these values (case-insensitively, except for document ids).
    Keyword {
        /// The field.
        field: KeywordField,
        /// The values, as the user wrote them.
        values: Vec<String>,
    },
    /// The document's year within a range.
    Year(YearRange),
    /// Every part must match; [`Clause::Not`] parts must not.
    All(Vec<Clause>),
    /// At least one part must match.
    Any(Vec<Clause>),
    /// Everything except what the inner clause matches.
    Not(Box<Clause>),
}

/// A facet to count: its name in Verbatim's response and the field holding its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The name in Verbatim's `facets` (`role`, `attr.gender`).
    pub name: String,
    /// The field counted.
    pub field: FacetSource,
}

/// The field a facet counts.
#[derive(Debug, Clone, PartialEq)]
pub enum FacetSource {
    /// A keyword field, counted as written.
    Keyword(KeywordField),
    /// The year.
    Year,
}

/// A search, ready to be written in an engine's query language.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// What the query text asks for; `None` for an empty query (every passage).
    pub query: Option<Clause>,
    /// Filters, all required, none scored.
    pub filters: Vec<Clause>,
    /// Facets to count over all matches.
    pub facets: Vec<Facet>,
    /// Order of hits (an empty query is read in document order, as in Verbatim).
    pub sort: Sort,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Whether hits should be highlighted.
    pub highlight: bool,
}

impl Plan {
    /// Plans `req` against an export whose participant attributes are `attributes`; errors are
    /// Verbatim's own for the same request.
    pub fn new(req: &SearchRequest, attributes: &BTreeSet<String>) -> Result<Plan> {
        req.validate()?;
        // Verbatim's planner has the last word on what query text is acceptable.
        QueryPlan::new(&req.q, build_schema().1, &analysis::PairWords::default())?;
        let query = match parse(&req.q)? {
            Some(node) => {
                refuse_proximity(&node)?;
                Planner::default().plan(&node)
            }
            None => None,
        };
        let filters = Filter::from_request(&req.filters)
            .iter()
            .map(|filter| filter_clause(filter, attributes))
            .collect::<Result<Vec<_>>>()?;
        let facets = req
            .facets
            .iter()
            .map(|field| facet(field, attributes))
            .collect::<Result<Vec<_>>>()?;
        let sort = match (&query, req.sort) {
            (None, Sort::Relevance) => Sort::Doc,
            (_, sort) => sort,
        };
        Ok(Plan {
            query,
            filters,
            facets,
            sort,
            offset: req.offset,
            limit: req.limit,
            highlight: req.highlight,
        })
    }
}

impl Plan {
    /// The facets as `terms` aggregations in the Elasticsearch format, which both engines take;
    /// `column` names the field counted for a keyword field. `None` without facets.
    pub fn terms_aggregations(&self, column: impl Fn(&KeywordField) -> String) -> Option<Value> {
        if self.facets.is_empty() {
            return None;
        }
        let aggregations: Map<String, Value> = self
            .facets
            .iter()
            .map(|facet| {
                let field = match &facet.field {
                    FacetSource::Keyword(field) => column(field),
                    FacetSource::Year => Field::Year.name().to_string(),
                };
                let terms = json!({"terms": {"field": field, "size": FACET_VALUES_IN_SEARCH}});
                (facet.name.clone(), terms)
            })
            .collect();
        Some(Value::Object(aggregations))
    }
}

/// Turns query syntax into clauses, analysing text as Verbatim's planner does.
struct Planner {
    text: TextAnalyzer,
    plain: TextAnalyzer,
    char_pairs: TextAnalyzer,
}

impl Default for Planner {
    fn default() -> Self {
        Planner {
            text: analysis::text_analyzer(Mode::Query),
            plain: analysis::plain_analyzer(Mode::Query),
            char_pairs: char_pairs_analyzer(),
        }
    }
}

impl Planner {
    /// `None` when the node has nothing searchable (only punctuation), so it is left out.
    fn plan(&mut self, node: &Node) -> Option<Clause> {
        match node {
            Node::Word { text, .. } | Node::Phrase { text, .. } => {
                let words = self.words(text)?;
                Some(match self.sequence_pairs(text) {
                    Some(pairs) => Clause::Sequence {
                        pairs,
                        words: Box::new(words),
                    },
                    None => words,
                })
            }
            Node::Prefix { text, .. } => self.prefix(text),
            // Refused by `Plan::new` before planning.
            Node::Near { .. } => None,
            Node::Exact { text, .. } => self.exact(text),
            Node::Not(inner) => self.plan(inner).map(|c| Clause::Not(Box::new(c))),
            Node::And(parts) => {
                let parts: Vec<Clause> = parts.iter().filter_map(|p| self.plan(p)).collect();
                single_or(parts, Clause::All)
            }
            Node::Or(parts) => {
                let parts: Vec<Clause> = parts.iter().filter_map(|p| self.plan(p)).collect();
                single_or(parts, Clause::Any)
            }
        }
    }

    /// A word or phrase; one Chinese word also matches where it sits inside a compound.
    fn words(&mut self, text: &str) -> Option<Clause> {
        let tokens = analysis::token_texts(&mut self.text, text);
        match tokens.as_slice() {
            [] => None,
            [word] if word.chars().any(analysis::is_cjk) => Some(Clause::Any(vec![
                Clause::Words(tokens.clone()),
                Clause::SubWord(word.clone()),
            ])),
            _ => Some(Clause::Words(tokens)),
        }
    }

    /// The character pairs of a word or phrase that is one run of two or more Han characters
    /// and nothing else, as Verbatim's planner takes it for a sequence. A lone character (no
    /// pair), and several runs at their offsets (no phrase with gaps in the engines' query
    /// languages), are left to the words.
    fn sequence_pairs(&mut self, text: &str) -> Option<Vec<String>> {
        let (runs, others) = analysis::han_runs(text);
        let one_run = matches!(runs.as_slice(), [run] if run.chars.len() >= 2);
        (one_run && !others).then(|| analysis::token_texts(&mut self.char_pairs, text))
    }

    /// `=word`: the word as written (Verbatim's planner refuses more than one); a Chinese word
    /// only where it stands whole, not inside a compound.
    fn exact(&mut self, text: &str) -> Option<Clause> {
        let word = analysis::token_texts(&mut self.plain, text).pop()?;
        Some(if word.chars().any(analysis::is_cjk) {
            Clause::Words(vec![word])
        } else {
            Clause::Unstemmed(word)
        })
    }

    /// `word*`: the last token is the prefix; earlier tokens of the word (`co-commiss*`) must
    /// match as words.
    fn prefix(&mut self, text: &str) -> Option<Clause> {
        let mut tokens = analysis::token_texts(&mut self.plain, text);
        let prefix = tokens.pop()?;
        let within = if prefix.chars().any(analysis::is_cjk) {
            PrefixIn::Chinese
        } else {
            PrefixIn::Text
        };
        let prefix = Clause::Prefix { within, prefix };
        match self.words(&tokens.join(" ")) {
            Some(leading) => Some(Clause::All(vec![prefix, leading])),
            None => Some(prefix),
        }
    }
}

/// Proximity has no exact equivalent in the engines' query languages (their sloppy phrases
/// count moves, not a window), so a query with it is refused rather than answered differently.
fn refuse_proximity(node: &Node) -> Result<()> {
    match node {
        Node::Near { column, .. } => Err(crate::error::Error::Query {
            column: *column,
            reason: "proximity (\"a b\"~N, NEAR/N) is not written for OpenSearch or Quickwit"
                .into(),
            hint: Some("search it in Verbatim, or use a phrase or plain words here".into()),
        }),
        Node::And(parts) | Node::Or(parts) => parts.iter().try_for_each(refuse_proximity),
        Node::Not(inner) => refuse_proximity(inner),
        Node::Word { .. } | Node::Phrase { .. } | Node::Prefix { .. } | Node::Exact { .. } => {
            Ok(())
        }
    }
}

fn single_or(mut parts: Vec<Clause>, many: fn(Vec<Clause>) -> Clause) -> Option<Clause> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(many(parts)),
    }
}

fn filter_clause(filter: &Filter, attributes: &BTreeSet<String>) -> Result<Clause> {
    let keyword = |field: Field, values: &Vec<String>| Clause::Keyword {
        field: KeywordField::Fixed(field),
        values: values.clone(),
    };
    Ok(match filter {
        // Role groups were expanded into every passage at index time, so matching a role or a
        // group is one look at each field.
        Filter::Role(values) => Clause::Any(vec![
            keyword(Field::Role, values),
            keyword(Field::RoleGroup, values),
        ]),
        Filter::RoleGroup(values) => keyword(Field::RoleGroup, values),
        Filter::RoleExact(values) => keyword(Field::Role, values),
        Filter::Site(values) => keyword(Field::Site, values),
        Filter::Kind(values) => keyword(Field::Kind, values),
        Filter::Lang(values) => keyword(Field::Lang, values),
        Filter::Speaker(values) => keyword(Field::Speaker, values),
        Filter::Doc(values) => keyword(Field::Doc, values),
        Filter::Year(range) => Clause::Year(*range),
        Filter::Attr { name, values } => Clause::Keyword {
            field: KeywordField::Attr(resolve_attribute(name, attributes, "filters.attr")?),
            values: values.clone(),
        },
    })
}

fn facet(field: &FacetField, attributes: &BTreeSet<String>) -> Result<Facet> {
    let keyword = |field: Field| FacetSource::Keyword(KeywordField::Fixed(field));
    let source = match field {
        FacetField::Role => keyword(Field::Role),
        FacetField::RoleGroup => keyword(Field::RoleGroup),
        FacetField::Site => keyword(Field::Site),
        FacetField::Kind => keyword(Field::Kind),
        FacetField::Lang => keyword(Field::Lang),
        FacetField::Speaker => keyword(Field::Speaker),
        FacetField::Doc => keyword(Field::Doc),
        FacetField::Year => FacetSource::Year,
        FacetField::Attr(name) => FacetSource::Keyword(KeywordField::Attr(resolve_attribute(
            name,
            attributes,
            "facets.attr",
        )?)),
    };
    Ok(Facet {
        name: field.to_string(),
        field: source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Filters;
    use crate::error::Error;

    fn plan(q: &str) -> Option<Clause> {
        Plan::new(&SearchRequest::new(q), &BTreeSet::new())
            .unwrap()
            .query
    }

    fn words(tokens: &[&str]) -> Clause {
        Clause::Words(tokens.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn words_and_phrases_are_analysed_like_verbatim() {
        assert_eq!(plan("Commissioning"), Some(words(&["commiss"])));
        assert_eq!(
            plan("\"primary care\" CCGs"),
            Some(Clause::All(vec![
                words(&["primari", "care"]),
                words(&["ccg"])
            ]))
        );
        assert_eq!(plan("co-location"), Some(words(&["co", "locat"])));
        assert_eq!(plan("  "), None);
    }

    #[test]
    fn exact_words_are_looked_up_as_written() {
        assert_eq!(
            plan("=Commissioning"),
            Some(Clause::Unstemmed("commissioning".into()))
        );
        // Whole Chinese words only: not the sub-words of compounds.
        assert_eq!(plan("=保健"), Some(words(&["保健"])));
    }

    #[test]
    fn a_chinese_run_is_the_phrase_of_its_character_pairs_scored_by_its_words() {
        let sequence = |pairs: &[&str], words: Clause| Clause::Sequence {
            pairs: pairs.iter().map(ToString::to_string).collect(),
            words: Box::new(words),
        };
        let word = |w: &str| Clause::Any(vec![words(&[w]), Clause::SubWord(w.into())]);
        assert_eq!(plan("保健"), Some(sequence(&["保健"], word("保健"))));
        // Traditional is folded to Simplified, as in the index.
        assert_eq!(
            plan("衛生服務體系"),
            Some(sequence(
                &["卫生", "生服", "服务", "务体", "体系"],
                words(&["卫生", "服务体系"])
            ))
        );
        // Mixed queries: each run its own sequence; one character, several runs in a phrase
        // and a phrase with other words are their words.
        assert_eq!(
            plan("GP 初级 -服务"),
            Some(Clause::All(vec![
                words(&["gp"]),
                sequence(&["初级"], word("初级")),
                Clause::Not(Box::new(sequence(&["服务"], word("服务")))),
            ]))
        );
        assert_eq!(plan("蝶"), Some(word("蝶")));
        assert_eq!(plan("\"初级 保健\""), Some(words(&["初级", "保健"])));
        assert_eq!(plan("\"CCGs 保健\""), Some(words(&["ccg", "保健"])));
    }

    #[test]
    fn or_not_and_prefixes_keep_their_structure() {
        assert_eq!(
            plan("(GP OR doctor) -trust integrat*"),
            Some(Clause::All(vec![
                Clause::Any(vec![words(&["gp"]), words(&["doctor"])]),
                Clause::Not(Box::new(words(&["trust"]))),
                Clause::Prefix {
                    within: PrefixIn::Text,
                    prefix: "integrat".into()
                },
            ]))
        );
        assert_eq!(
            plan("co-commiss*"),
            Some(Clause::All(vec![
                Clause::Prefix {
                    within: PrefixIn::Text,
                    prefix: "commiss".into()
                },
                words(&["co"]),
            ]))
        );
        assert_eq!(
            plan("初级*"),
            Some(Clause::Prefix {
                within: PrefixIn::Chinese,
                prefix: "初级".into()
            })
        );
    }

    #[test]
    fn verbatim_errors_come_back_unchanged() {
        for q in ["\"unclosed", "i*", "a OR", "(a"] {
            let err = Plan::new(&SearchRequest::new(q), &BTreeSet::new()).unwrap_err();
            assert!(matches!(err, Error::Query { .. }), "{q}: {err}");
        }
        let req = SearchRequest {
            filters: Filters {
                attr: [("colour".to_string(), vec!["red".to_string()])].into(),
                ..Filters::default()
            },
            ..SearchRequest::new("x")
        };
        let err = Plan::new(&req, &BTreeSet::from(["gender".to_string()])).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidValue { field, .. } if field == "filters.attr.colour"),
            "{err}"
        );
    }

    #[test]
    fn role_matches_a_role_or_a_group_and_an_empty_query_reads_in_order() {
        let req = SearchRequest {
            filters: Filters {
                role: vec!["GP".into()],
                attr: [("Gender".to_string(), vec!["female".to_string()])].into(),
                ..Filters::default()
            },
            facets: vec![FacetField::RoleGroup, FacetField::Attr("gender".into())],
            ..SearchRequest::default()
        };
        let plan = Plan::new(&req, &BTreeSet::from(["gender".to_string()])).unwrap();
        assert_eq!(plan.query, None);
        assert_eq!(plan.sort, Sort::Doc);
        let keyword = |field: Field| Clause::Keyword {
            field: KeywordField::Fixed(field),
            values: vec!["GP".into()],
        };
        assert_eq!(
            plan.filters,
            [
                Clause::Any(vec![keyword(Field::Role), keyword(Field::RoleGroup)]),
                Clause::Keyword {
                    field: KeywordField::Attr("gender".into()),
                    values: vec!["female".into()]
                },
            ]
        );
        assert_eq!(plan.facets[1].name, "attr.gender");
        assert_eq!(
            plan.facets[1].field,
            FacetSource::Keyword(KeywordField::Attr("gender".into()))
        );
    }
}
