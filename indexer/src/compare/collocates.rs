//! Collocates: the words found within a few words either side of a word or phrase (the node),
//! ranked by log-likelihood, with mutual information and every raw count.
//!
//! Words are counted as keyness counts them (whole, lowercased, unstemmed; Chinese words as
//! jieba segments them) and windows are counted in those words, so a Chinese window of 5 is 5
//! words, not 5 characters. The passages holding the node's first word are found from the
//! postings of the `words` field; only those are read and analysed again. The collocates'
//! totals (C1) come from the group counts keyness caches, or else from each collocate's
//! postings; the passages' size (N) from their word counts.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, TERMINATED, Term};

use crate::analysis::{IndexedText, PairWords};
use crate::api::{
    Collocate, CollocatesRequest, CollocatesResponse, CollocatesTable, Filters, SearchRequest,
};
use crate::compare::cache::{Group, GroupKey};
use crate::compare::groups::{GroupDocs, term_count};
use crate::compare::stats::{collocation_log_likelihood, mutual_information};
use crate::error::Result;
use crate::search::Index;
use crate::search::passages::StoredPassage;

/// Largest distance a proximity search takes (see the query syntax).
const MAX_SEARCH_DISTANCE: usize = 100;

impl Index {
    /// The collocates of `req.q` among the passages passing `req.filters`, and per value of
    /// `req.by` when given.
    #[tracing::instrument(skip(self))]
    pub fn collocates(&self, req: &CollocatesRequest) -> Result<CollocatesResponse> {
        let started = Instant::now();
        req.validate()?;
        let node = node_words(&req.q);
        if node.is_empty() {
            return Err(crate::api::collocates::no_word());
        }
        let all = self.collocates_table(req, &node, &req.filters, None)?;
        let groups = match &req.by {
            None => Vec::new(),
            Some(by) => self
                .facet_values(by, "", &req.filters)?
                .into_iter()
                .map(|column| {
                    let filters = req.filters.narrowed(by, &column.value)?;
                    self.collocates_table(req, &node, &filters, Some(column.value))
                })
                .collect::<Result<Vec<_>>>()?,
        };
        Ok(CollocatesResponse {
            q: req.q.clone(),
            node,
            window: req.window,
            min_freq: req.min_freq,
            all,
            groups,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            unknown_values: self.unknown_values(&req.filters)?,
        })
    }

    /// One table: the collocates of `node` among the passages passing `filters`.
    fn collocates_table(
        &self,
        req: &CollocatesRequest,
        node: &[String],
        filters: &Filters,
        value: Option<String>,
    ) -> Result<CollocatesTable> {
        let scope = self.scope(filters)?;
        let docs = scope.docs();
        let windows = self.windows(docs, node, req.window)?;
        let left_out = self.left_out(req.keep_stopwords);
        let (r1, n) = (windows.node_freq, docs.words);
        let mut collocates = Vec::new();
        for (term, seen) in windows.seen {
            if seen.freq() < req.min_freq || left_out(&term) {
                continue;
            }
            let c1 = scope.count(self, &term)?;
            let o11 = seen.freq();
            collocates.push(Collocate {
                search: SearchRequest {
                    filters: filters.clone(),
                    ..SearchRequest::new(together(node, &term, seen.widest))
                },
                term,
                freq: o11,
                left: seen.left,
                right: seen.right,
                corpus_freq: c1,
                mi: mutual_information(o11, r1, c1, n),
                log_likelihood: collocation_log_likelihood(o11, r1, c1, n),
            });
        }
        collocates.sort_by(|x, y| {
            y.log_likelihood
                .total_cmp(&x.log_likelihood)
                .then_with(|| x.term.cmp(&y.term))
        });
        collocates.truncate(req.limit);
        Ok(CollocatesTable {
            value,
            filters: filters.clone(),
            words: n,
            node_freq: r1,
            collocates,
        })
    }

    /// The passages passing `filters`: with every word count when keyness has cached them,
    /// else only the passages (a collocate's total is then read from its postings, which costs
    /// far less than counting every word for the few words near a node).
    fn scope(&self, filters: &Filters) -> Result<Scope> {
        if let Some(group) = self.comparisons().group(GroupKey::Passing(filters)) {
            return Ok(Scope::Counted(group));
        }
        let searcher = self.searcher();
        let docs = GroupDocs::collect(&searcher, &*self.filter_query(filters)?)?;
        Ok(Scope::Passages(docs))
    }

    /// What lies within `window` words of each occurrence of `node` in the passages of `docs`.
    fn windows(&self, docs: &GroupDocs, node: &[String], window: usize) -> Result<Windows> {
        let searcher = self.searcher();
        let fields = self.fields();
        let first = Term::from_field_text(fields.words, &node[0]);
        let no_pairs = PairWords::default();
        let mut windows = Windows::default();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let inverted = reader.inverted_index(fields.words)?;
            let postings = inverted.read_postings(&first, IndexRecordOption::Basic);
            let Some(mut postings) = postings.map_err(tantivy::TantivyError::from)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if docs.contains(segment, doc) {
                    let address = DocAddress::new(segment as u32, doc);
                    let text = StoredPassage::load(&searcher, fields, address)?
                        .passage
                        .text;
                    let words = IndexedText::new(&text, &no_pairs).words;
                    windows.add_passage(&words, node, window);
                }
                doc = postings.advance();
            }
        }
        Ok(windows)
    }
}

/// The passages a collocates table counts.
enum Scope {
    /// A group keyness counted, every word's total known.
    Counted(Arc<Group>),
    /// Only the passages.
    Passages(GroupDocs),
}

impl Scope {
    fn docs(&self) -> &GroupDocs {
        match self {
            Scope::Counted(group) => &group.docs,
            Scope::Passages(docs) => docs,
        }
    }

    /// Occurrences of `term` in the passages: C1.
    fn count(&self, index: &Index, term: &str) -> Result<u64> {
        Ok(match self {
            Scope::Counted(group) => group.terms.get(term).copied().unwrap_or(0),
            Scope::Passages(docs) => {
                term_count(&index.searcher(), index.fields().words, docs, term)?
            }
        })
    }
}

/// The node's words as counted: the query text analysed as passages are.
fn node_words(q: &str) -> Vec<String> {
    IndexedText::new(q, &PairWords::default())
        .words
        .into_iter()
        .map(|token| token.text)
        .collect()
}

/// The search for passages where the node and `term` are at most `distance` positions apart.
fn together(node: &[String], term: &str, distance: usize) -> String {
    format!(
        "\"{} {term}\"~{}",
        node.join(" "),
        distance.clamp(1, MAX_SEARCH_DISTANCE)
    )
}

/// The words seen around a node, and how often the node occurs.
#[derive(Default)]
struct Windows {
    node_freq: u64,
    seen: HashMap<String, Seen>,
}

/// How often a word was seen on either side of the node, and the widest distance (in index
/// positions, from the first to the last word of node and collocate) it was seen at.
#[derive(Default)]
struct Seen {
    left: u64,
    right: u64,
    widest: usize,
}

impl Seen {
    fn freq(&self) -> u64 {
        self.left + self.right
    }
}

impl Windows {
    /// Counts every occurrence of `node` in `words` (a passage's whole words) and the words
    /// within `window` either side, the node's own words aside.
    fn add_passage(&mut self, words: &[tantivy::tokenizer::Token], node: &[String], window: usize) {
        let len = node.len();
        if words.len() < len {
            return;
        }
        for start in 0..=words.len() - len {
            let end = start + len;
            if !words[start..end]
                .iter()
                .zip(node)
                .all(|(word, node)| &word.text == node)
            {
                continue;
            }
            self.node_freq += 1;
            let (first, last) = (words[start].position, words[end - 1].position);
            for word in &words[start.saturating_sub(window)..start] {
                let seen = self.seen.entry(word.text.clone()).or_default();
                seen.left += 1;
                seen.widest = seen.widest.max(last - word.position);
            }
            for word in &words[end..(end + window).min(words.len())] {
                let seen = self.seen.entry(word.text.clone()).or_default();
                seen.right += 1;
                seen.widest = seen.widest.max(word.position - first);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<tantivy::tokenizer::Token> {
        IndexedText::new(text, &PairWords::default()).words
    }

    #[test]
    fn windows_count_each_side_and_skip_the_node() {
        let mut windows = Windows::default();
        let node = node_words("primary care");
        assert_eq!(node, ["primary", "care"]);
        windows.add_passage(
            &words("Budgets: we fund primary care, and primary care funds us back."),
            &node,
            2,
        );
        assert_eq!(windows.node_freq, 2);
        let mut counts: Vec<(&str, u64, u64, usize)> = windows
            .seen
            .iter()
            .map(|(term, seen)| (term.as_str(), seen.left, seen.right, seen.widest))
            .collect();
        counts.sort();
        // Each side of each occurrence; `primary` and `care` of one occurrence sit in the
        // other's window; `budgets` and `back` lie beyond.
        assert_eq!(
            counts,
            [
                ("and", 1, 1, 2),
                ("care", 1, 0, 3),
                ("fund", 1, 0, 2),
                ("funds", 0, 1, 2),
                ("primary", 0, 1, 3),
                ("us", 0, 1, 3),
                ("we", 1, 0, 3),
            ]
        );
    }

    #[test]
    fn chinese_windows_are_counted_in_words() {
        let mut windows = Windows::default();
        let node = node_words("保健");
        windows.add_passage(&words("委托初级 保健 服务"), &node, 1);
        assert_eq!(windows.node_freq, 1);
        assert!(
            windows.seen.contains_key("服务"),
            "{:?}",
            windows.seen.keys()
        );
        assert_eq!(windows.seen.len(), 2);
    }

    #[test]
    fn the_search_names_node_and_collocate_within_the_distance() {
        assert_eq!(
            together(&["primary".into(), "care".into()], "fund", 2),
            "\"primary care fund\"~2"
        );
        assert_eq!(together(&["trust".into()], "x", 400), "\"trust x\"~100");
    }
}
