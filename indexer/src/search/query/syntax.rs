//! The syntax of the query language: a lexer and a recursive-descent parser from query text to a
//! [`Node`] tree that keeps the column of every part, for errors that say where.
//!
//! Proximity has two spellings: `"primary care"~5` (the words of the quotes within 5 positions
//! of each other, in any order) and `trust NEAR/10 commissioning` (the same for two words).

use super::query_error;
use crate::error::Result;

/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;

/// Largest distance of `"a b"~N` and `a NEAR/N b`.
pub const MAX_DISTANCE: u32 = 100;

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
    /// Words near each other in any order: `"primary care"~5`, `trust NEAR/10 commissioning`.
    Near {
        /// The words, as typed.
        text: String,
        /// Largest distance in positions between the first and the last of them.
        distance: u32,
        /// 1-based character column where the group starts.
        column: usize,
    },
    /// A word exactly as written, `=commissioning`: not stemmed, and in Chinese not found
    /// inside longer words.
    Exact {
        /// The word, without the `=`.
        text: String,
        /// 1-based character column of the `=`.
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
    Exact(String),
    Prefix(String),
    Phrase(String),
    /// `"a b"~N`.
    NearPhrase(String, u32),
    /// `NEAR/N`.
    Near(u32),
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
            i += close + 2;
            let lexeme = if chars.get(i) == Some(&'~') {
                let digits: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let distance = distance(&digits, i + 1)?;
                i += 1 + digits.len();
                Lexeme::NearPhrase(phrase, distance)
            } else {
                Lexeme::Phrase(phrase)
            };
            tokens.push(Token { lexeme, column });
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
            if word == "=" && chars.get(i).is_some_and(|&c| is_quote(c)) {
                return Err(query_error(
                    column,
                    "`=` goes before one word, not a phrase",
                    "write `=` before each word, or the phrase in quotes without `=`",
                ));
            }
            let lexeme = match word.as_str() {
                "OR" | "|" => Lexeme::Or,
                "AND" | "&" => Lexeme::And,
                _ if word.starts_with("NEAR/") => Lexeme::Near(distance(&word[5..], column + 5)?),
                _ if word.len() > 1 && word.starts_with('=') => exact(&word[1..], column)?,
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

/// The distance written after `~` or `NEAR/` (at `column`), checked to be in range.
fn distance(digits: &str, column: usize) -> Result<u32> {
    let hint = format!(
        "write a whole number of words from 1 to {MAX_DISTANCE}, e.g. \"primary care\"~5 or trust NEAR/10 commissioning"
    );
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(query_error(column, "expected a distance", &hint));
    }
    match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_DISTANCE).contains(&n) => Ok(n),
        _ => Err(query_error(
            column,
            &format!("the distance {digits} is out of range"),
            &hint,
        )),
    }
}

/// The word after a leading `=`.
fn exact(word: &str, column: usize) -> Result<Lexeme> {
    if word.ends_with('*') {
        return Err(query_error(
            column,
            "`=` and `*` do not go together",
            "a prefix is already matched as written: drop the `=`",
        ));
    }
    Ok(Lexeme::Exact(word.to_string()))
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

    /// `unary+`, up to `)`, `OR` or the end; `word NEAR/N word` joins its two words.
    fn and(&mut self) -> Result<Node> {
        let mut parts = Vec::new();
        while let Some(tok) = self.peek().cloned() {
            match tok.lexeme {
                Lexeme::Close | Lexeme::Or => break,
                Lexeme::And => self.pos += 1,
                Lexeme::Near(distance) => {
                    self.pos += 1;
                    let near = self.near(parts.pop(), distance, tok.column)?;
                    parts.push(near);
                }
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

    /// `left NEAR/N right`, with `NEAR/N` (at `column`) just read.
    fn near(&mut self, left: Option<Node>, distance: u32, column: usize) -> Result<Node> {
        let hint = "put one word on each side: trust NEAR/10 commissioning; for more words write \"a b c\"~N";
        let Some(Node::Word {
            text: left,
            column: start,
        }) = left
        else {
            return Err(query_error(column, "NEAR needs a word before it", hint));
        };
        let right = match self.peek() {
            Some(Token {
                lexeme: Lexeme::Word(word),
                ..
            }) => word.clone(),
            _ => return Err(query_error(column, "NEAR needs a word after it", hint)),
        };
        self.pos += 1;
        if let Some(Token {
            lexeme: Lexeme::Near(_),
            column,
        }) = self.peek()
        {
            return Err(query_error(*column, "NEAR joins two words only", hint));
        }
        Ok(Node::Near {
            text: format!("{left} {right}"),
            distance,
            column: start,
        })
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
            Lexeme::Exact(text) => Ok(Node::Exact { text, column }),
            Lexeme::Prefix(text) => Ok(Node::Prefix { text, column }),
            Lexeme::Phrase(text) => Ok(Node::Phrase { text, column }),
            Lexeme::NearPhrase(text, distance) => Ok(Node::Near {
                text,
                distance,
                column,
            }),
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
            Lexeme::Minus | Lexeme::And | Lexeme::Near(_) => Err(query_error(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

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

    /// Each text fails to parse at its column, for its reason, with a hint.
    fn assert_query_errors(cases: &[(&str, usize, &str)]) {
        for &(text, column, reason) in cases {
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
    fn errors_point_at_the_problem() {
        let cases = [
            ("integrated \"primary care", 12, "unclosed quote"),
            ("(a OR b", 1, "unclosed `(`"),
            ("a b)", 4, "unmatched `)`"),
            ("a OR", 3, "OR needs a term after it"),
            ("OR a", 1, "expected a word or a phrase"),
            ("()", 1, "empty parentheses"),
        ];
        assert_query_errors(&cases);
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
    fn proximity_in_both_spellings() {
        let near = |text: &str, distance, column| Node::Near {
            text: text.into(),
            distance,
            column,
        };
        assert_eq!(
            parse("\"primary care\"~5").unwrap(),
            Some(near("primary care", 5, 1))
        );
        assert_eq!(
            parse("GP trust NEAR/10 commissioning").unwrap(),
            Some(Node::And(vec![
                word("GP", 1),
                near("trust commissioning", 10, 4)
            ]))
        );
        assert_eq!(
            parse("初级 NEAR/3 保健").unwrap(),
            Some(near("初级 保健", 3, 1))
        );
    }

    #[test]
    fn proximity_errors_point_at_the_problem() {
        let cases = [
            ("\"a b\"~0", 6, "the distance 0 is out of range"),
            ("\"a b\"~101", 6, "the distance 101 is out of range"),
            ("\"a b\"~x", 6, "expected a distance"),
            ("trust NEAR/ care", 12, "expected a distance"),
            (
                "trust NEAR/5000 care",
                12,
                "the distance 5000 is out of range",
            ),
            ("NEAR/5 care", 1, "NEAR needs a word before it"),
            ("trust NEAR/5", 7, "NEAR needs a word after it"),
            ("\"a b\" NEAR/5 c", 7, "NEAR needs a word before it"),
            ("a NEAR/5 b NEAR/5 c", 12, "NEAR joins two words only"),
        ];
        assert_query_errors(&cases);
    }

    #[test]
    fn an_equals_sign_before_a_word_asks_for_it_exactly() {
        let exact = |text: &str, column| Node::Exact {
            text: text.into(),
            column,
        };
        assert_eq!(
            parse("=Commissioning -=trusts").unwrap(),
            Some(Node::And(vec![
                exact("Commissioning", 1),
                Node::Not(Box::new(exact("trusts", 17)))
            ]))
        );
        // Elsewhere `=` is part of a word, or alone nothing to search for.
        assert_eq!(parse("a=b").unwrap(), Some(word("a=b", 1)));
        assert_eq!(
            parse("= b").unwrap(),
            Some(Node::And(vec![word("=", 1), word("b", 3)]))
        );
        for (text, reason) in [
            ("x =integrat*", "`=` and `*` do not go together"),
            (
                "x =\"primary care\"",
                "`=` goes before one word, not a phrase",
            ),
        ] {
            match parse(text) {
                Err(Error::Query {
                    column: 3,
                    reason: r,
                    ..
                }) => assert_eq!(r, reason),
                other => panic!("{text:?}: expected an error at column 3, got {other:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(matches!(parse(&text), Err(Error::Query { .. })));
    }
}
