//! Keyword in context (concordance): every matched occurrence of a search on a line of its own,
//! with the text either side cut to a width in display columns (a Chinese character takes two),
//! so the keywords line up in a terminal, a spreadsheet or a report.
//!
//! The keyword is exactly the text of a highlight span of the search: nothing is matched again.

use unicode_width::UnicodeWidthChar;

use crate::api::{Hit, KwicLine, KwicRequest, KwicResponse, SearchRequest};
use crate::error::Result;
use crate::search::Index;

impl Index {
    /// One line per highlighted occurrence in the hits of `req.search`.
    #[tracing::instrument(skip(self))]
    pub fn kwic(&self, req: &KwicRequest) -> Result<KwicResponse> {
        req.validate()?;
        let search = SearchRequest {
            highlight: true,
            context: 0,
            ..req.search.clone()
        };
        let response = self.search(&search)?;
        Ok(KwicResponse {
            query: response.query,
            total: response.total,
            width: req.width,
            lines: kwic_lines(&response.hits, req.width),
        })
    }
}

/// The lines of `hits`: one per highlight span, in hit order, then text order.
pub fn kwic_lines(hits: &[Hit], width: usize) -> Vec<KwicLine> {
    let mut lines = Vec::new();
    for hit in hits {
        let chars: Vec<char> = hit.passage.text.chars().collect();
        for span in &hit.highlights {
            let (start, end) = (span.start.min(chars.len()), span.end.min(chars.len()));
            lines.push(KwicLine {
                left: last_columns(&chars[..start], width),
                keyword: chars[start..end].iter().collect(),
                right: first_columns(&chars[end..], width),
                doc_id: hit.passage.doc_id.clone(),
                passage: hit.passage.passage,
                citation: hit.passage.citation.clone(),
            });
        }
    }
    lines
}

/// The end of `chars` that fits in `width` columns, on one line.
fn last_columns(chars: &[char], width: usize) -> String {
    let mut taken: Vec<char> = fitting(chars.iter().rev(), width);
    taken.reverse();
    taken.into_iter().collect()
}

/// The start of `chars` that fits in `width` columns, on one line.
fn first_columns(chars: &[char], width: usize) -> String {
    fitting(chars.iter(), width).into_iter().collect()
}

/// Characters from `chars` while they fit in `width` columns; line breaks and tabs become spaces.
fn fitting<'a>(chars: impl Iterator<Item = &'a char>, width: usize) -> Vec<char> {
    let mut used = 0;
    let mut out = Vec::new();
    for &c in chars {
        let c = if c.is_whitespace() { ' ' } else { c };
        let columns = c.width().unwrap_or(0);
        if used + columns > width {
            break;
        }
        used += columns;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Hit, PassageView, Snippet, Span};
    use crate::model::{Kind, Lang, Origin};

    fn hit(text: &str, highlights: Vec<Span>) -> Hit {
        Hit {
            passage: PassageView {
                doc_id: "d".into(),
                passage: 3,
                locator: "para 3".into(),
                section: None,
                speaker: None,
                role: None,
                role_group: None,
                site: None,
                attribution: None,
                lang: Lang::En,
                text: text.into(),
                attrs: Default::default(),
                citation: "D, para 3".into(),
                origin: Origin {
                    file: "d.md".into(),
                    line: 1,
                },
            },
            title: "D".into(),
            kind: Kind::Report,
            highlights,
            snippet: Snippet {
                text: text.into(),
                highlights: vec![],
            },
            score: 0.0,
            translation: None,
            context: None,
        }
    }

    #[test]
    fn one_line_per_span_with_the_exact_keyword_and_cut_context() {
        let text = "We trust the GPs.\nTrust is earned";
        let lines = kwic_lines(
            &[hit(
                text,
                vec![Span { start: 3, end: 8 }, Span { start: 18, end: 23 }],
            )],
            6,
        );
        let shown: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|l| (l.left.as_str(), l.keyword.as_str(), l.right.as_str()))
            .collect();
        assert_eq!(
            shown,
            [("We ", "trust", " the G"), (" GPs. ", "Trust", " is ea")]
        );
        assert_eq!(lines[0].citation, "D, para 3");
    }

    #[test]
    fn chinese_characters_take_two_columns() {
        let text = "委托初级保健服务的责任";
        let lines = kwic_lines(&[hit(text, vec![Span { start: 4, end: 6 }])], 5);
        assert_eq!(
            (
                lines[0].left.as_str(),
                lines[0].keyword.as_str(),
                lines[0].right.as_str()
            ),
            ("初级", "保健", "服务")
        );
    }
}
