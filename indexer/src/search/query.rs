//! The query language: words (all must match), `"exact phrases"`, `OR`, `-exclude`, `prefix*`
//! and `( )` grouping, in English, Chinese or both.
//!
//! Parsing gives a small syntax tree with the column of every part, so an error can say where
//! the problem is; [`QueryPlan`] then turns the tree into a tantivy query using the same
//! analyzers as indexing, and remembers which terms to highlight.

use std::collections::BTreeSet;

use tantivy::query::{
    AllQuery, BooleanQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query, RegexQuery,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::analysis::{self, Mode};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// Shortest prefix (in characters) accepted before `*`, outside Chinese: shorter ones match too much.
const MIN_PREFIX_CHARS: usize = 2;
/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One word (may analyze to several tokens, e.g. `co-commissioning`: then matched as a phrase).
    Word {
        /// The word as typed.
        text: String,
        /// 1-based character column.
        column: usize,
    },
    /// An exact phrase.
    Phrase {
        /// The phrase, without its quotes.
        text: String,
        /// 1-based character column of the opening quote.
        column: usize,
    },
    /// A word prefix, `integrat*`.
    Prefix {
        /// The prefix, without the `*`.
        text: String,
        /// 1-based character column.
        column: usize,
    },
    /// All must match.
    And(Vec<Node>),
    /// Any may match.
    Or(Vec<Node>),
    /// Must not match.
    Not(Box<Node>),
}

/// Parses query text. An empty or blank query parses to `None` (match everything).
pub fn parse(text: &str) -> Result<Option<Node>> {
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let node = parser.or()?;
    if let Some(tok) = parser.peek() {
        // Only a stray `)` can stop the top-level parse early.
        return Err(query_error(
            tok.column,
            "unmatched `)`",
            "remove it, or add a `(` before it",
        ));
    }
    Ok(Some(node))
}

#[derive(Debug, Clone, PartialEq)]
enum Lexeme {
    Word(String),
    Prefix(String),
    Phrase(String),
    Open,
    Close,
    Or,
    And,
    Minus,
}

#[derive(Debug, Clone)]
struct Token {
    lexeme: Lexeme,
    column: usize,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || is_quote(c) || matches!(c, '(' | ')' | '（' | '）'))
}

fn lex(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() || c.is_control() {
            i += 1;
        } else if is_quote(c) {
            let close = chars[i + 1..]
                .iter()
                .position(|&c| is_quote(c))
                .ok_or_else(|| {
                    query_error(
                        column,
                        "unclosed quote",
                        "close the phrase with a second \"",
                    )
                })?;
            let phrase: String = chars[i + 1..i + 1 + close].iter().collect();
            tokens.push(Token {
                lexeme: Lexeme::Phrase(phrase),
                column,
            });
            i += close + 2;
        } else if matches!(c, '(' | '（') {
            tokens.push(Token {
                lexeme: Lexeme::Open,
                column,
            });
            i += 1;
        } else if matches!(c, ')' | '）') {
            tokens.push(Token {
                lexeme: Lexeme::Close,
                column,
            });
            i += 1;
        } else if c == '-'
            && chars
                .get(i + 1)
                .is_some_and(|&n| is_word_char(n) || is_quote(n) || n == '(')
        {
            tokens.push(Token {
                lexeme: Lexeme::Minus,
                column,
            });
            i += 1;
        } else {
            let len = chars[i..].iter().take_while(|&&c| is_word_char(c)).count();
            let word: String = chars[i..i + len].iter().collect();
            i += len;
            let lexeme = match word.as_str() {
                "OR" | "|" => Lexeme::Or,
                "AND" | "&" => Lexeme::And,
                _ => match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() && !stem.ends_with('*') => {
                        Lexeme::Prefix(stem.to_string())
                    }
                    _ => Lexeme::Word(word),
                },
            };
            tokens.push(Token { lexeme, column });
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn end_column(&self) -> usize {
        self.tokens.last().map_or(1, |t| t.column + 1)
    }

    /// `and ("OR" and)*`
    fn or(&mut self) -> Result<Node> {
        let mut alternatives = vec![self.and()?];
        while let Some(tok) = self.peek() {
            if tok.lexeme != Lexeme::Or {
                break;
            }
            let column = tok.column;
            self.pos += 1;
            if self
                .peek()
                .is_none_or(|t| matches!(t.lexeme, Lexeme::Close | Lexeme::Or))
            {
                return Err(query_error(
                    column,
                    "OR needs a term after it",
                    "write `a OR b`",
                ));
            }
            alternatives.push(self.and()?);
        }
        Ok(single_or(alternatives, Node::Or))
    }

    /// `unary+`, up to `)`, `OR` or the end.
    fn and(&mut self) -> Result<Node> {
        let mut parts = Vec::new();
        while let Some(tok) = self.peek() {
            match tok.lexeme {
                Lexeme::Close | Lexeme::Or => break,
                Lexeme::And => self.pos += 1,
                _ => parts.push(self.unary()?),
            }
        }
        if parts.is_empty() {
            let column = self.peek().map_or_else(|| self.end_column(), |t| t.column);
            let hint = if self.peek().is_some_and(|t| t.lexeme == Lexeme::Or) {
                "OR goes between two terms: `a OR b`"
            } else {
                "put at least one word there"
            };
            return Err(query_error(column, "expected a word or a phrase", hint));
        }
        Ok(single_or(parts, Node::And))
    }

    fn unary(&mut self) -> Result<Node> {
        let Some(tok) = self.peek().cloned() else {
            return Err(query_error(
                self.end_column(),
                "expected a word or a phrase",
                "end the query with a word",
            ));
        };
        if tok.lexeme == Lexeme::Minus {
            self.pos += 1;
            return Ok(Node::Not(Box::new(self.primary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node> {
        let Some(tok) = self.peek().cloned() else {
            return Err(query_error(
                self.end_column(),
                "expected a word or a phrase",
                "end the query with a word",
            ));
        };
        self.pos += 1;
        let column = tok.column;
        match tok.lexeme {
            Lexeme::Word(text) => Ok(Node::Word { text, column }),
            Lexeme::Prefix(text) => Ok(Node::Prefix { text, column }),
            Lexeme::Phrase(text) => Ok(Node::Phrase { text, column }),
            Lexeme::Open => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(query_error(
                        column,
                        "parentheses nested too deeply",
                        "use fewer levels of ( )",
                    ));
                }
                if self.peek().is_some_and(|t| t.lexeme == Lexeme::Close) {
                    return Err(query_error(
                        column,
                        "empty parentheses",
                        "put a word inside ( ) or remove them",
                    ));
                }
                let inner = self.or()?;
                match self.peek() {
                    Some(t) if t.lexeme == Lexeme::Close => {
                        self.pos += 1;
                        self.depth -= 1;
                        Ok(inner)
                    }
                    _ => Err(query_error(column, "unclosed `(`", "add a `)` to close it")),
                }
            }
            Lexeme::Close => Err(query_error(
                column,
                "unmatched `)`",
                "remove it, or add a `(` before it",
            )),
            Lexeme::Or => Err(query_error(
                column,
                "OR needs a term before it",
                "write `a OR b`",
            )),
            Lexeme::Minus | Lexeme::And => Err(query_error(
                column,
                "expected a word or a phrase",
                "put a word after it",
            )),
        }
    }
}

fn single_or(mut nodes: Vec<Node>, combine: fn(Vec<Node>) -> Node) -> Node {
    if nodes.len() == 1 {
        nodes.remove(0)
    } else {
        combine(nodes)
    }
}

fn query_error(column: usize, reason: &str, hint: &str) -> Error {
    Error::Query {
        column,
        reason: reason.to_string(),
        hint: Some(hint.to_string()),
    }
}

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
            });
        };
        let mut planner = Planner {
            fields,
            text: analysis::text_analyzer(Mode::Query),
            plain: analysis::plain_analyzer(Mode::Query),
            terms: BTreeSet::new(),
            prefixes: BTreeSet::new(),
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
        })
    }
}

struct Planner {
    fields: Fields,
    text: TextAnalyzer,
    plain: TextAnalyzer,
    terms: BTreeSet<String>,
    prefixes: BTreeSet<String>,
}

impl Planner {
    /// `None` when the node has nothing searchable (only punctuation), so it is left out.
    fn plan(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Word { text, .. } | Node::Phrase { text, .. } => Ok(self.phrase(text, positive)),
            Node::Prefix { text, column } => self.prefix(text, *column, positive).map(Some),
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
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

/// An excluded query whose scorer is only ever sought forwards.
///
/// An exclusion may legally `seek_danger` a scorer to a target behind the document where its
/// previous `seek_danger` left it; tantivy 0.27's `PhraseScorer` asserts against that in debug
/// builds (quickwit-oss/tantivy#2811), so `trust -"integrated care"` panicked. This wrapper keeps
/// `DocSet`'s default `seek_danger`, which seeks only when behind, and never calls the inner one.
#[derive(Debug)]
struct ForwardOnly(Box<dyn Query>);

impl Clone for ForwardOnly {
    fn clone(&self) -> Self {
        ForwardOnly(self.0.box_clone())
    }
}

impl Query for ForwardOnly {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardOnlyWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ForwardOnlyWeight(Box<dyn Weight>);

impl Weight for ForwardOnlyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnlyScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ForwardOnlyScorer(Box<dyn Scorer>);

impl DocSet for ForwardOnlyScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ForwardOnlyScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, column: usize) -> Node {
        Node::Word {
            text: text.into(),
            column,
        }
    }

    #[test]
    fn words_phrases_or_not_prefix() {
        let q = parse(r#"trust "primary care" OR STP -hospital integrat*"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            q,
            Node::Or(vec![
                Node::And(vec![
                    word("trust", 1),
                    Node::Phrase {
                        text: "primary care".into(),
                        column: 7
                    }
                ]),
                Node::And(vec![
                    word("STP", 25),
                    Node::Not(Box::new(word("hospital", 30))),
                    Node::Prefix {
                        text: "integrat".into(),
                        column: 39
                    },
                ]),
            ])
        );
    }

    #[test]
    fn grouping_and_chinese() {
        let q = parse("(GP OR 全科医生) 初级保健").unwrap().unwrap();
        assert_eq!(
            q,
            Node::And(vec![
                Node::Or(vec![word("GP", 2), word("全科医生", 8)]),
                word("初级保健", 14),
            ])
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("integrated \"primary care", 12, "unclosed quote"),
            ("(a OR b", 1, "unclosed `(`"),
            ("a b)", 4, "unmatched `)`"),
            ("a OR", 3, "OR needs a term after it"),
            ("OR a", 1, "expected a word or a phrase"),
            ("()", 1, "empty parentheses"),
        ];
        for (text, column, reason) in cases {
            match parse(text) {
                Err(Error::Query {
                    column: c,
                    reason: r,
                    hint,
                }) => {
                    assert_eq!((c, r.as_str()), (column, reason), "for {text:?}");
                    assert!(hint.is_some());
                }
                other => panic!("{text:?}: expected a query error, got {other:?}"),
            }
        }
    }

    #[test]
    fn blank_is_match_all_and_hyphens_stay_in_words() {
        assert_eq!(parse("   ").unwrap(), None);
        assert_eq!(
            parse("co-commissioning").unwrap(),
            Some(word("co-commissioning", 1))
        );
        assert_eq!(
            parse("a - b").unwrap(),
            Some(Node::And(vec![word("a", 1), word("-", 3), word("b", 5)]))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(matches!(parse(&text), Err(Error::Query { .. })));
    }
}
