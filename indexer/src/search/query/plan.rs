//! Planning: a parsed [`Node`] tree becomes a tantivy query over the index fields, analyzed
//! exactly as the indexed text was, together with what a hit should highlight.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;

use super::forward_only::ForwardOnly;
use super::near::NearQuery;
use super::query_error;
use super::syntax::{Node, parse};
use crate::analysis::{self, Mode, PairWords};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// Shortest prefix (in characters) accepted before `*`, outside Chinese: shorter ones match too much.
const MIN_PREFIX_CHARS: usize = 2;

/// A query ready to run, with what a hit should highlight.
pub struct QueryPlan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Whether the text part is empty (only filters apply): hits have no meaningful score.
    pub match_all: bool,
    /// The query's positive parts, for highlighting.
    pub highlights: Highlights,
}

/// What a hit should highlight: the query's positive parts, analysed as the text is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlights {
    /// Words (as in the `text` field), wherever they occur.
    pub terms: BTreeSet<String>,
    /// Unstemmed prefixes, wherever a word starts with one.
    pub prefixes: BTreeSet<String>,
    /// Phrases (their words with position offsets), only where they occur, one span each.
    pub phrases: Vec<Vec<(usize, String)>>,
    /// Proximity groups (words and distance): the words' occurrences in a matching window.
    pub near: Vec<(Vec<String>, u32)>,
    /// Single Chinese characters searched alone, wherever they occur (inside words too).
    pub chars: BTreeSet<char>,
    /// Whole words, as written, to highlight where they are whole words.
    pub exact: BTreeSet<String>,
}

impl QueryPlan {
    /// Plans the query text against the index fields; phrases of `pair_words` use their pairs.
    pub fn new(text: &str, fields: Fields, pair_words: &PairWords) -> Result<QueryPlan> {
        let Some(node) = parse(text)? else {
            return Ok(QueryPlan {
                query: Box::new(AllQuery),
                match_all: true,
                highlights: Highlights::default(),
            });
        };
        let mut planner = Planner {
            fields,
            pair_words,
            text: analysis::text_analyzer(Mode::Query),
            plain: analysis::plain_analyzer(Mode::Query),
            highlights: Highlights::default(),
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
            highlights: planner.highlights,
        })
    }
}

struct Planner<'a> {
    fields: Fields,
    pair_words: &'a PairWords,
    text: TextAnalyzer,
    plain: TextAnalyzer,
    highlights: Highlights,
}

impl Planner<'_> {
    /// `None` when the node has nothing searchable (only punctuation), so it is left out.
    fn plan(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Word { text, .. } | Node::Phrase { text, .. } => Ok(self.phrase(text, positive)),
            Node::Near { text, distance, .. } => Ok(self.near(text, *distance, positive)),
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

    /// A word or phrase: one term, or a phrase of the analyzed tokens at their positions. A
    /// single Chinese character is looked for inside words too (`蝶` finds `蝶恋花`).
    fn phrase(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let tokens = analysis::positioned_tokens(&mut self.text, text);
        let field = self.fields.text;
        if let [(_, term)] = tokens.as_slice()
            && let Some(han) = single_han_char(term)
        {
            if positive {
                self.highlights.chars.insert(han);
            }
            return Some(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.text_chars, term),
                IndexRecordOption::WithFreqs,
            )));
        }
        if positive {
            match tokens.as_slice() {
                [(_, term)] => {
                    self.highlights.terms.insert(term.clone());
                }
                [(first, _), ..] => self.highlights.phrases.push(
                    tokens
                        .iter()
                        .map(|(pos, t)| (pos - first, t.clone()))
                        .collect(),
                ),
                [] => {}
            }
        }
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
                Some(match self.pairs(&tokens) {
                    // Two words: their pair is the phrase.
                    Some(mut pairs) if pairs.len() == 1 => Box::new(TermQuery::new(
                        pairs.remove(0).1,
                        IndexRecordOption::WithFreqs,
                    )),
                    // More: a phrase of pairs, whose position lists are short.
                    Some(pairs) => Box::new(PhraseQuery::new_with_offset(pairs)),
                    None => Box::new(PhraseQuery::new_with_offset(terms)),
                })
            }
        }
    }

    /// Words within `distance` positions of each other, in any order; fewer than two words
    /// are an ordinary word or nothing.
    fn near(&mut self, text: &str, distance: u32, positive: bool) -> Option<Box<dyn Query>> {
        let tokens = analysis::positioned_tokens(&mut self.text, text);
        if tokens.len() < 2 {
            return self.phrase(text, positive);
        }
        let words: Vec<String> = tokens.into_iter().map(|(_, t)| t).collect();
        let terms = words
            .iter()
            .map(|w| Term::from_field_text(self.fields.text, w))
            .collect();
        if positive {
            self.highlights.near.push((words, distance));
        }
        Some(Box::new(NearQuery::new(terms, distance)))
    }

    /// The pairs covering a phrase of adjacent pair words (every other pair, and the last) with
    /// their offsets, or `None` when the phrase has other words (rarer, or Chinese) or gaps
    /// (dropped tokens): those are matched by their words' positions.
    fn pairs(&self, tokens: &[(usize, String)]) -> Option<Vec<(usize, Term)>> {
        let adjacent = tokens.windows(2).all(|w| w[0].0 + 1 == w[1].0);
        if !adjacent || !tokens.iter().all(|(_, t)| self.pair_words.contains(t)) {
            return None;
        }
        let last = tokens.len() - 2;
        let starts = (0..=last).step_by(2).chain((last % 2 == 1).then_some(last));
        Some(
            starts
                .map(|i| {
                    let pair = analysis::word_pair(&tokens[i].1, &tokens[i + 1].1);
                    (i, Term::from_field_text(self.fields.text_pairs, &pair))
                })
                .collect(),
        )
    }

    /// `=word`: the word as written, a term of the field of whole words (unstemmed, without the
    /// sub-words of Chinese compounds): the words keyness counts.
    fn exact(
        &mut self,
        text: &str,
        column: usize,
        positive: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let tokens = analysis::positioned_tokens(&mut self.plain, text);
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
            self.highlights.exact.insert(word);
        }
        Ok(Some(Box::new(query)))
    }

    /// `word*`: words starting with the (unstemmed) prefix; earlier tokens of the word must match too.
    fn prefix(&mut self, text: &str, column: usize, positive: bool) -> Result<Box<dyn Query>> {
        let tokens = analysis::positioned_tokens(&mut self.plain, text);
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
            self.highlights.prefixes.insert(last.clone());
        }
        // Unstemmed words: English ones are whole words, Chinese ones are unstemmed in `text`
        // too, with the sub-words of compounds.
        let field = if is_chinese {
            self.fields.text
        } else {
            self.fields.words
        };
        let pattern = format!("{}.*", regex::escape(last));
        let regex = RegexQuery::from_pattern(&pattern, field)
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

/// The character of a one-character Chinese word.
fn single_han_char(term: &str) -> Option<char> {
    let mut chars = term.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if analysis::is_cjk(c) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Schema;

    use super::*;
    use crate::schema::build_schema;

    /// A plan drawn as text: `field:term`, `field:"a b"` for a phrase, `field:/re/` for a
    /// regex, `*` for everything, `fwd(q)` for an exclusion's wrapper, and `(+must -not should)`;
    /// the terms of a phrase of pairs are separated by `|`.
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
                words.join(if name_is_pairs(q.field(), schema) {
                    "|"
                } else {
                    " "
                })
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

    /// The words the tests' index pairs up.
    fn pair_words() -> PairWords {
        let words = [
            "primari", "care", "servic", "co", "locat", "a", "b", "c", "d", "e",
        ];
        std::sync::Arc::new(words.iter().map(ToString::to_string).collect())
    }

    fn name_is_pairs(field: tantivy::schema::Field, schema: &Schema) -> bool {
        schema.get_field_name(field) == crate::schema::names::TEXT_PAIRS
    }

    fn planned(text: &str) -> (String, QueryPlan) {
        let (schema, fields) = build_schema();
        let plan = QueryPlan::new(text, fields, &pair_words()).unwrap();
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
    fn a_phrase_is_its_word_pairs_with_positions_checked_beyond_two_words() {
        // Two words: one pair term.
        assert_eq!(drawn("\"Primary care\""), "text_pairs:primari care");
        // A hyphenated word is matched as a phrase of its parts.
        assert_eq!(drawn("co-location"), "text_pairs:co locat");
        // Three or more: a phrase of every other pair and the last.
        assert_eq!(
            drawn("\"Primary care services\""),
            "text_pairs:\"primari care|care servic\""
        );
        assert_eq!(drawn("\"a b c d e\""), "text_pairs:\"a b|c d|d e\"");
    }

    #[test]
    fn a_prefix_is_a_regex_over_the_unstemmed_field() {
        assert_eq!(drawn("Integrat*"), "words:/integrat.*/");
        // Leading parts of a hyphenated prefix are ordinary words of the stemmed field.
        assert_eq!(drawn("co-commiss*"), "(+words:/commiss.*/ +text:co)");
        let (_, plan) = planned("integrat*");
        assert_eq!(
            plan.highlights.prefixes,
            BTreeSet::from(["integrat".to_string()])
        );
    }

    #[test]
    fn not_and_or_keep_their_structure() {
        assert_eq!(drawn("trust -hospital"), "(+text:trust -fwd(text:hospit))");
        assert_eq!(drawn("GP OR manager"), "(text:gp text:manag)");
        assert_eq!(
            drawn("(GP OR manager) -\"primary care\""),
            "(+(text:gp text:manag) -fwd(text_pairs:primari care))"
        );
        // Exclusions alone exclude from everything.
        assert_eq!(drawn("-hospital"), "(+* -fwd(text:hospit))");
        assert_eq!(drawn("-a -b"), "(-fwd(text:a) -fwd(text:b) +*)");
    }

    #[test]
    fn excluded_words_are_not_highlighted() {
        let (_, plan) = planned("trust -hospital");
        assert_eq!(plan.highlights.terms, BTreeSet::from(["trust".to_string()]));
    }

    #[test]
    fn an_exact_word_is_an_unstemmed_term_of_the_whole_words() {
        let (drawn, plan) = planned("=Commissioning -=trusts");
        assert_eq!(drawn, "(+words:commissioning -fwd(words:trusts))");
        assert_eq!(
            plan.highlights.exact,
            BTreeSet::from(["commissioning".to_string()])
        );
        assert!(plan.highlights.terms.is_empty());
        // A Chinese word as segmented, never a sub-word of a longer one.
        assert_eq!(self::drawn("=保健"), "words:保健");
        match QueryPlan::new("trust =co-location", build_schema().1, &pair_words()) {
            Err(Error::Query { column, reason, .. }) => {
                assert_eq!(column, 7);
                assert_eq!(
                    reason,
                    "\"co-location\" is 2 words as written (co location)"
                );
            }
            other => panic!(
                "expected a query error, got {:?}",
                other.map(|p| p.highlights)
            ),
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
        assert_eq!(drawn("初*"), "text:/初.*/");
    }

    #[test]
    fn proximity_is_a_near_query_and_highlights_its_group() {
        let (near, plan) = planned("\"Primary care\"~5 trust NEAR/3 boards");
        assert!(near.contains("NearQuery"), "{near}");
        assert_eq!(
            plan.highlights.near,
            [
                (vec!["primari".to_string(), "care".to_string()], 5),
                (vec!["trust".to_string(), "board".to_string()], 3),
            ]
        );
        // One word near nothing is just the word.
        assert_eq!(drawn("\"care\"~4"), "text:care");
    }

    #[test]
    fn a_single_chinese_character_is_looked_for_inside_words() {
        let (one, plan) = planned("蝶");
        assert_eq!(one, "text_chars:蝶");
        assert_eq!(plan.highlights.chars, BTreeSet::from(['蝶']));
        // A word of two characters is a word as before.
        assert_eq!(drawn("保健"), "text:保健");
    }

    #[test]
    fn phrases_are_highlighted_as_phrases_and_words_as_words() {
        let (_, plan) = planned("trust \"primary care\"");
        assert_eq!(plan.highlights.terms, BTreeSet::from(["trust".to_string()]));
        assert_eq!(
            plan.highlights.phrases,
            [vec![(0, "primari".to_string()), (1, "care".to_string())]]
        );
    }

    #[test]
    fn empty_and_punctuation_only_queries() {
        let (drawn, plan) = planned("  ");
        assert_eq!(drawn, "*");
        assert!(plan.match_all);
        assert!(matches!(
            QueryPlan::new("?!", build_schema().1, &pair_words()),
            Err(Error::Query { column: 1, .. })
        ));
        assert!(matches!(
            QueryPlan::new("a*", build_schema().1, &pair_words()),
            Err(Error::Query { column: 1, .. })
        ));
    }
}
