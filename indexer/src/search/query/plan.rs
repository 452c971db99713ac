//! Planning: a parsed [`Node`] tree becomes a tantivy query over the index fields, analyzed
//! exactly as the indexed text was, together with what a hit should highlight.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;

use super::forward_only::ForwardOnly;
use super::near::NearQuery;
use super::query_error;
use super::syntax::{Node, parse};
use crate::analysis::{self, HanRun, Mode, PairWords};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// Shortest prefix (in characters) accepted before `*`, outside Chinese: shorter ones match too much.
const MIN_PREFIX_CHARS: usize = 2;

/// The weight of a Chinese sequence's own score beside its words' score: enough to order the
/// passages where it is no whole word, too little to lift one above a whole-word match.
const SEQUENCE_WEIGHT: f32 = 0.001;

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
    /// Chinese sequences (runs of Han characters with their position offsets), wherever they
    /// stand, inside words or across them, one span each.
    pub sequences: Vec<Vec<(usize, String)>>,
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

    /// A word or phrase. Chinese alone is a sequence of characters (see [`Self::han_sequence`]);
    /// otherwise one term, or a phrase of the analyzed tokens at their positions.
    fn phrase(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let (runs, others) = analysis::han_runs(text);
        // Several runs are a phrase of runs: each of two characters or more (a lone character
        // has no pair to place it), else the words as segmented.
        let sequence = !runs.is_empty()
            && !others
            && (runs.len() == 1 || runs.iter().all(|run| run.chars.len() >= 2));
        if sequence {
            return Some(self.han_sequence(text, &runs, positive));
        }
        self.words_phrase(text, positive)
    }

    /// Chinese characters, found wherever they stand: runs of Han characters at their
    /// positions, matched through the pairs of adjacent characters (one character through the
    /// single characters), so the segmentation of neither the text nor the query matters.
    /// The words as segmented, when they match too, score the passage: a whole-word match
    /// ranks above one across word boundaries.
    fn han_sequence(&mut self, text: &str, runs: &[HanRun], positive: bool) -> Box<dyn Query> {
        let first = runs[0].position;
        let parts: Vec<(usize, String)> = runs
            .iter()
            .map(|run| (run.position - first, run.text()))
            .collect();
        let found = self.sequence_query(&parts);
        if !positive {
            return found;
        }
        self.highlights.sequences.push(parts);
        let one_char = runs.len() == 1 && runs[0].chars.len() == 1;
        match self.words_phrase(text, false) {
            Some(words) if !one_char => Box::new(BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(BoostQuery::new(found, SEQUENCE_WEIGHT)) as Box<dyn Query>,
                ),
                (Occur::Should, words),
            ])),
            _ => found,
        }
    }

    /// Passages holding runs of Han characters at these offsets: one character is a term of
    /// the single characters, more are the phrase of their overlapping pairs.
    fn sequence_query(&self, parts: &[(usize, String)]) -> Box<dyn Query> {
        if let [(_, run)] = parts
            && run.chars().count() == 1
        {
            return Box::new(TermQuery::new(
                Term::from_field_text(self.fields.text_chars, run),
                IndexRecordOption::WithFreqs,
            ));
        }
        let mut pairs: Vec<(usize, Term)> = Vec::new();
        for (offset, run) in parts {
            let chars: Vec<char> = run.chars().collect();
            for (i, pair) in chars.windows(2).enumerate() {
                let pair: String = pair.iter().collect();
                pairs.push((
                    offset + i,
                    Term::from_field_text(self.fields.text_char_pairs, &pair),
                ));
            }
        }
        if pairs.len() == 1 {
            return Box::new(TermQuery::new(
                pairs.remove(0).1,
                IndexRecordOption::WithFreqs,
            ));
        }
        Box::new(PhraseQuery::new_with_offset(pairs))
    }

    /// Words: one term, or a phrase of the analyzed tokens at their positions.
    fn words_phrase(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let tokens = analysis::positioned_tokens(&mut self.text, text);
        let field = self.fields.text;
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

#[cfg(test)]
mod tests {
    use tantivy::schema::Schema;

    use super::*;
    use crate::schema::build_schema;

    /// A plan drawn as text: `field:term`, `field:"a b"` for a phrase, `field:/re/` for a
    /// regex, `*` for everything, `fwd(q)` for an exclusion's wrapper, `seq` for a Chinese
    /// sequence weighted beside its words, and `(+must -not should)`;
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
        } else if query.downcast_ref::<BoostQuery>().is_some() {
            // Only a Chinese sequence is boosted (see `sequence_drawn` for what it holds).
            "seq".into()
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
        assert_eq!(drawn("服务体系"), "(+seq text:服务体系)");
        assert_eq!(
            drawn("初级保健 CCGs"),
            "(+(+seq text:\"初级 保健\") +text:ccg)"
        );
        // Mixed with English in one phrase, the words as segmented.
        assert_eq!(drawn("\"CCGs 初级保健\""), "text:\"ccg 初级 保健\"");
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
        assert_eq!(plan.highlights.sequences, [vec![(0, "蝶".to_string())]]);
        // Two characters or more: their pairs, and the words for the score.
        assert_eq!(drawn("保健"), "(+seq text:保健)");
    }

    /// The query of a Chinese sequence, as [`Planner::han_sequence`] weights it.
    fn sequence_drawn(parts: &[(usize, &str)]) -> String {
        let (schema, fields) = build_schema();
        let planner = Planner {
            fields,
            pair_words: &pair_words(),
            text: analysis::text_analyzer(Mode::Query),
            plain: analysis::plain_analyzer(Mode::Query),
            highlights: Highlights::default(),
        };
        let parts: Vec<(usize, String)> = parts.iter().map(|&(o, r)| (o, r.into())).collect();
        draw(planner.sequence_query(&parts).as_ref(), &schema)
    }

    #[test]
    fn a_chinese_sequence_is_the_phrase_of_its_overlapping_character_pairs() {
        assert_eq!(sequence_drawn(&[(0, "蝶")]), "text_chars:蝶");
        assert_eq!(sequence_drawn(&[(0, "处理")]), "text_char_pairs:处理");
        assert_eq!(
            sequence_drawn(&[(0, "服务体系")]),
            "text_char_pairs:\"服务 务体 体系\""
        );
        // Runs apart (a space or punctuation between them) keep their offsets.
        assert_eq!(
            sequence_drawn(&[(0, "初级"), (2, "保健")]),
            "text_char_pairs:\"初级 保健\""
        );
        let (_, plan) = planned("\"初级 保健\" -服务");
        assert_eq!(
            plan.highlights.sequences,
            [vec![(0, "初级".to_string()), (2, "保健".to_string())]]
        );
        assert!(plan.highlights.terms.is_empty() && plan.highlights.phrases.is_empty());
        // An exclusion is the sequence alone.
        assert_eq!(drawn("GP -服务"), "(+text:gp -fwd(text_char_pairs:服务))");
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
