//! Planning: a parsed [`Node`] tree becomes a tantivy query over the index fields, analyzed
//! exactly as the indexed text was, together with the terms a hit should highlight.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;

use super::forward_only::ForwardOnly;
use super::query_error;
use super::syntax::{Node, parse};
use crate::analysis::{self, Mode};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// Shortest prefix (in characters) accepted before `*`, outside Chinese: shorter ones match too much.
const MIN_PREFIX_CHARS: usize = 2;

/// A query ready to run, with the terms that a hit should highlight.
pub struct QueryPlan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Whether the text part is empty (only filters apply): hits have no meaningful score.
    pub match_all: bool,
    /// Analyzed terms (as in the `text` field) to highlight.
    pub terms: BTreeSet<String>,
    /// Unstemmed prefixes to highlight.
    pub prefixes: BTreeSet<String>,
    /// Whole words, as written, to highlight where they are whole words.
    pub exact: BTreeSet<String>,
}

impl QueryPlan {
    /// Plans the query text against the index fields.
    pub fn new(text: &str, fields: Fields) -> Result<QueryPlan> {
        let Some(node) = parse(text)? else {
            return Ok(QueryPlan {
                query: Box::new(AllQuery),
                match_all: true,
                terms: BTreeSet::new(),
                prefixes: BTreeSet::new(),
                exact: BTreeSet::new(),
            });
        };
        let mut planner = Planner {
            fields,
            text: analysis::text_analyzer(Mode::Query),
            plain: analysis::plain_analyzer(Mode::Query),
            terms: BTreeSet::new(),
            prefixes: BTreeSet::new(),
            exact: BTreeSet::new(),
        };
        let query = planner.plan(&node, true)?.ok_or_else(|| {
            query_error(
                1,
                "the query has no words to search for",
                "type at least one word; punctuation alone is not searched",
            )
        })?;
        Ok(QueryPlan {
            query,
            match_all: false,
            terms: planner.terms,
            prefixes: planner.prefixes,
            exact: planner.exact,
        })
    }
}

struct Planner {
    fields: Fields,
    text: TextAnalyzer,
    plain: TextAnalyzer,
    terms: BTreeSet<String>,
    prefixes: BTreeSet<String>,
    exact: BTreeSet<String>,
}

impl Planner {
    /// `None` when the node has nothing searchable (only punctuation), so it is left out.
    fn plan(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Word { text, .. } | Node::Phrase { text, .. } => Ok(self.phrase(text, positive)),
            Node::Prefix { text, column } => self.prefix(text, *column, positive).map(Some),
            Node::Exact { text, column } => self.exact(text, *column, positive),
            Node::Not(inner) => {
                let Some(inner) = self.plan(inner, false)? else {
                    return Ok(None);
                };
                Ok(Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                    (Occur::MustNot, Box::new(ForwardOnly(inner))),
                ]))))
            }
            Node::And(parts) => self.and(parts, positive),
            Node::Or(parts) => {
                let mut clauses = Vec::new();
                for part in parts {
                    if let Some(q) = self.plan(part, positive)? {
                        clauses.push((Occur::Should, q));
                    }
                }
                Ok((!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
            }
        }
    }

    fn and(&mut self, parts: &[Node], positive: bool) -> Result<Option<Box<dyn Query>>> {
        let mut clauses = Vec::new();
        let mut has_positive = false;
        for part in parts {
            // An excluded part is planned for what it excludes, not wrapped in its own match-all.
            let (occur, node, part_positive) = match part {
                Node::Not(inner) => (Occur::MustNot, inner.as_ref(), false),
                other => (Occur::Must, other, positive),
            };
            if let Some(q) = self.plan(node, part_positive)? {
                has_positive |= occur == Occur::Must;
                let q: Box<dyn Query> = if occur == Occur::MustNot {
                    Box::new(ForwardOnly(q))
                } else {
                    q
                };
                clauses.push((occur, q));
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        if !has_positive {
            // `-a -b` alone: everything except a and b.
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// A word or phrase: one term, or a phrase of the analyzed tokens at their positions.
    fn phrase(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let tokens = analyze(&mut self.text, text);
        if positive {
            self.terms.extend(tokens.iter().map(|(_, t)| t.clone()));
        }
        let field = self.fields.text;
        match tokens.as_slice() {
            [] => None,
            [(_, term)] => Some(Box::new(TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            ))),
            _ => {
                let first = tokens[0].0;
                let terms = tokens
                    .iter()
                    .map(|(pos, t)| (pos - first, Term::from_field_text(field, t)))
                    .collect();
                Some(Box::new(PhraseQuery::new_with_offset(terms)))
            }
        }
    }

    /// `=word`: the word as written, a term of the field of whole words (unstemmed, without the
    /// sub-words of Chinese compounds): the words keyness counts.
    fn exact(
        &mut self,
        text: &str,
        column: usize,
        positive: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let tokens = analyze(&mut self.plain, text);
        let word = match tokens.as_slice() {
            [] => return Ok(None),
            [(_, word)] => word.clone(),
            _ => {
                let words: Vec<&str> = tokens.iter().map(|(_, t)| t.as_str()).collect();
                return Err(query_error(
                    column,
                    &format!(
                        "{text:?} is {} words as written ({})",
                        words.len(),
                        words.join(" ")
                    ),
                    "`=` takes one word: put it before each word, or quote the phrase without `=`",
                ));
            }
        };
        let query = TermQuery::new(
            Term::from_field_text(self.fields.words, &word),
            IndexRecordOption::Basic,
        );
        if positive {
            self.exact.insert(word);
        }
        Ok(Some(Box::new(query)))
    }

    /// `word*`: words starting with the (unstemmed) prefix; earlier tokens of the word must match too.
    fn prefix(&mut self, text: &str, column: usize, positive: bool) -> Result<Box<dyn Query>> {
        let tokens = analyze(&mut self.plain, text);
        let Some(((_, last), rest)) = tokens.split_last() else {
            return Err(query_error(
                column,
                "nothing to search before `*`",
                "write a word before the `*`, e.g. integrat*",
            ));
        };
        let is_chinese = last.chars().any(analysis::is_cjk);
        if !is_chinese && last.chars().count() < MIN_PREFIX_CHARS {
            return Err(query_error(
                column,
                &format!("the prefix {last:?} is too short"),
                &format!("give at least {MIN_PREFIX_CHARS} letters before `*`"),
            ));
        }
        if positive {
            self.prefixes.insert(last.clone());
        }
        let pattern = format!("{}.*", regex::escape(last));
        let regex = RegexQuery::from_pattern(&pattern, self.fields.text_plain)
            .map_err(|e| Error::Internal(format!("prefix pattern {pattern:?}: {e}")))?;
        if rest.is_empty() {
            return Ok(Box::new(regex));
        }
        // `co-commiss*`: the leading parts are ordinary words.
        let leading: String = rest
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(regex))];
        if let Some(q) = self.phrase(&leading, positive) {
            clauses.push((Occur::Must, q));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// Runs an analyzer, returning each token's position and text.
fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Schema;

    use super::*;
    use crate::schema::build_schema;

    /// A plan drawn as text: `field:term`, `field:"a b"` for a phrase, `field:/re/` for a
    /// regex, `*` for everything, `fwd(q)` for an exclusion's wrapper, and `(+must -not should)`.
    fn draw(query: &dyn Query, schema: &Schema) -> String {
        let field = |term: &Term| {
            let text = term.value().as_str().unwrap_or("?").to_string();
            (schema.get_field_name(term.field()).to_string(), text)
        };
        if let Some(q) = query.downcast_ref::<TermQuery>() {
            let (name, text) = field(q.term());
            format!("{name}:{text}")
        } else if let Some(q) = query.downcast_ref::<PhraseQuery>() {
            let words: Vec<String> = q.phrase_terms().iter().map(|t| field(t).1).collect();
            format!(
                "{}:\"{}\"",
                schema.get_field_name(q.field()),
                words.join(" ")
            )
        } else if let Some(q) = query.downcast_ref::<RegexQuery>() {
            // RegexQuery keeps its pattern and field private; its Debug output shows both.
            let debug = format!("{q:?}");
            let pattern = debug
                .split("Regex(\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("?");
            let name = schema
                .fields()
                .find(|(f, _)| debug.contains(&format!("field: {f:?}")))
                .map_or("?", |(_, entry)| entry.name());
            format!("{name}:/{pattern}/")
        } else if let Some(q) = query.downcast_ref::<BooleanQuery>() {
            let clauses: Vec<String> = q
                .clauses()
                .iter()
                .map(|(occur, q)| {
                    let sign = match occur {
                        Occur::Must => "+",
                        Occur::MustNot => "-",
                        Occur::Should => "",
                    };
                    format!("{sign}{}", draw(q.as_ref(), schema))
                })
                .collect();
            format!("({})", clauses.join(" "))
        } else if let Some(q) = query.downcast_ref::<ForwardOnly>() {
            format!("fwd({})", draw(q.0.as_ref(), schema))
        } else if query.downcast_ref::<AllQuery>().is_some() {
            "*".into()
        } else {
            format!("{query:?}")
        }
    }

    fn planned(text: &str) -> (String, QueryPlan) {
        let (schema, fields) = build_schema();
        let plan = QueryPlan::new(text, fields).unwrap();
        (draw(plan.query.as_ref(), &schema), plan)
    }

    fn drawn(text: &str) -> String {
        planned(text).0
    }

    #[test]
    fn a_word_is_a_stemmed_term_of_the_text_field() {
        assert_eq!(drawn("Commissioning"), "text:commiss");
    }

    #[test]
    fn a_phrase_is_a_phrase_query_over_the_text_field() {
        assert_eq!(
            drawn("\"Primary care services\""),
            "text:\"primari care servic\""
        );
        // A hyphenated word is matched as a phrase of its parts.
        assert_eq!(drawn("co-location"), "text:\"co locat\"");
    }

    #[test]
    fn a_prefix_is_a_regex_over_the_unstemmed_field() {
        assert_eq!(drawn("Integrat*"), "text_plain:/integrat.*/");
        // Leading parts of a hyphenated prefix are ordinary words of the stemmed field.
        assert_eq!(drawn("co-commiss*"), "(+text_plain:/commiss.*/ +text:co)");
        let (_, plan) = planned("integrat*");
        assert_eq!(plan.prefixes, BTreeSet::from(["integrat".to_string()]));
    }

    #[test]
    fn not_and_or_keep_their_structure() {
        assert_eq!(drawn("trust -hospital"), "(+text:trust -fwd(text:hospit))");
        assert_eq!(drawn("GP OR manager"), "(text:gp text:manag)");
        assert_eq!(
            drawn("(GP OR manager) -\"primary care\""),
            "(+(text:gp text:manag) -fwd(text:\"primari care\"))"
        );
        // Exclusions alone exclude from everything.
        assert_eq!(drawn("-hospital"), "(+* -fwd(text:hospit))");
        assert_eq!(drawn("-a -b"), "(-fwd(text:a) -fwd(text:b) +*)");
    }

    #[test]
    fn excluded_words_are_not_highlighted() {
        let (_, plan) = planned("trust -hospital");
        assert_eq!(plan.terms, BTreeSet::from(["trust".to_string()]));
    }

    #[test]
    fn an_exact_word_is_an_unstemmed_term_of_the_whole_words() {
        let (drawn, plan) = planned("=Commissioning -=trusts");
        assert_eq!(drawn, "(+words:commissioning -fwd(words:trusts))");
        assert_eq!(plan.exact, BTreeSet::from(["commissioning".to_string()]));
        assert!(plan.terms.is_empty());
        // A Chinese word as segmented, never a sub-word of a longer one.
        assert_eq!(self::drawn("=保健"), "words:保健");
        match QueryPlan::new("trust =co-location", build_schema().1) {
            Err(Error::Query { column, reason, .. }) => {
                assert_eq!(column, 7);
                assert_eq!(
                    reason,
                    "\"co-location\" is 2 words as written (co location)"
                );
            }
            other => panic!("expected a query error, got {:?}", other.map(|p| p.terms)),
        }
    }

    #[test]
    fn chinese_queries_use_the_main_segmentation_only() {
        // The index also holds the sub-words of long words at their own positions; a query
        // uses only the main segmentation (a long word whole, a compound as a phrase), so
        // phrase positions line up with the index.
        assert_eq!(drawn("服务体系"), "text:服务体系");
        assert_eq!(drawn("初级保健 CCGs"), "(+text:\"初级 保健\" +text:ccg)");
        // A Chinese prefix needs no minimum length.
        assert_eq!(drawn("初*"), "text_plain:/初.*/");
    }

    #[test]
    fn empty_and_punctuation_only_queries() {
        let (drawn, plan) = planned("  ");
        assert_eq!(drawn, "*");
        assert!(plan.match_all);
        assert!(matches!(
            QueryPlan::new("?!", build_schema().1),
            Err(Error::Query { column: 1, .. })
        ));
        assert!(matches!(
            QueryPlan::new("a*", build_schema().1),
            Err(Error::Query { column: 1, .. })
        ));
    }
}
