//! The one pass over a search's matches: the top hits, the total and the facet tallies
//! together, per segment, with the filters' bitmaps intersected rather than scored.
//!
//! Scores are computed only when hits are ordered by relevance; other orders read each match's
//! precomputed sort key, and a request for counts alone ranks nothing.

use tantivy::collector::TopNComputer;
use tantivy::collector::sort_key::{NaturalComparator, ReverseComparator};
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::columns::{Passing, SegmentBitmaps};
use super::facets::FacetTally;
use crate::error::Result;

/// A filter passing fewer than one in this many of the scorer's candidates leads the
/// intersection.
const RARE_FILTER: u64 = 8;

/// How the kept hits are chosen.
pub enum Ranking<'a> {
    /// Best score first.
    Score(TopNComputer<Score, DocAddress, NaturalComparator>),
    /// Smallest sort key first (per segment, per passage).
    Key(
        &'a [Vec<u64>],
        TopNComputer<u64, DocAddress, ReverseComparator>,
    ),
    /// No hits wanted: only the total and the tallies.
    Nothing,
}

impl Ranking<'_> {
    /// The best `count` hits by score.
    pub fn by_score(count: usize) -> Ranking<'static> {
        Ranking::Score(TopNComputer::new_with_comparator(count, NaturalComparator))
    }

    /// The `count` hits with the smallest `keys`.
    pub fn by_key(keys: &[Vec<u64>], count: usize) -> Ranking<'_> {
        Ranking::Key(
            keys,
            TopNComputer::new_with_comparator(count, ReverseComparator),
        )
    }

    /// Whether scores are needed.
    pub fn scores(&self) -> bool {
        matches!(self, Ranking::Score(_))
    }

    #[inline]
    fn push(&mut self, address: DocAddress, score: Score) {
        match self {
            Ranking::Score(top) => top.push(score, address),
            Ranking::Key(keys, top) => {
                let key = keys[address.segment_ord as usize][address.doc_id as usize];
                top.push(key, address);
            }
            Ranking::Nothing => {}
        }
    }

    /// The hits kept, best first, with their scores (0 unless ranked by score).
    fn into_hits(self) -> Vec<(Score, DocAddress)> {
        match self {
            Ranking::Score(top) => top
                .into_sorted_vec()
                .into_iter()
                .map(|d| (d.sort_key, d.doc))
                .collect(),
            Ranking::Key(_, top) => top
                .into_sorted_vec()
                .into_iter()
                .map(|d| (0.0, d.doc))
                .collect(),
            Ranking::Nothing => Vec::new(),
        }
    }
}

/// What the pass found.
pub struct Collected {
    /// The hits kept, best first.
    pub hits: Vec<(Score, DocAddress)>,
    /// Every match.
    pub total: u64,
    /// The facet tallies, as given.
    pub facets: Vec<FacetTally>,
}

/// Goes once over the passages that match `weight` (every passage when `None`) and pass
/// `filter` (every live passage when `None`), ranking, counting and tallying each.
pub fn collect(
    searcher: &Searcher,
    weight: Option<&dyn Weight>,
    filter: Option<&SegmentBitmaps>,
    mut ranking: Ranking<'_>,
    mut facets: Vec<FacetTally>,
) -> Result<Collected> {
    let mut total = 0u64;
    let scores = ranking.scores();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_ord = segment as u32;
        let mut counters: Vec<_> = facets.iter_mut().map(|t| t.segment(segment)).collect();
        let mut visit = |doc: DocId, score: Score| {
            total += 1;
            ranking.push(DocAddress::new(segment_ord, doc), score);
            for counter in &mut counters {
                counter.count(doc);
            }
        };
        let filter = filter.map(|bitmaps| &bitmaps[segment]);
        match weight {
            Some(weight) => {
                let scorer = weight.scorer(reader, 1.0)?;
                match filter {
                    Some(filter) => for_each_in(scorer, filter, scores, &mut visit),
                    None => for_each_alive(scorer, reader, scores, &mut visit),
                }
            }
            None => match filter {
                Some(filter) => filter.docs.iter().for_each(|doc| visit(doc, 0.0)),
                None => super::columns::alive_docs(reader).for_each(|doc| visit(doc, 0.0)),
            },
        }
    }
    Ok(Collected {
        hits: ranking.into_hits(),
        total,
        facets,
    })
}

/// Every live match of `scorer`.
fn for_each_alive(
    mut scorer: Box<dyn Scorer>,
    reader: &SegmentReader,
    scores: bool,
    visit: &mut impl FnMut(DocId, Score),
) {
    let alive = reader.alive_bitset();
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            let score = if scores { scorer.score() } else { 0.0 };
            visit(doc, score);
        }
        doc = scorer.advance();
    }
}

/// Every match of `scorer` in `filter` (whose passages are all live). A filter passing many
/// passages is looked up for each match; a rare one leads, the scorer skipping to its passages.
fn for_each_in(
    mut scorer: Box<dyn Scorer>,
    filter: &Passing,
    scores: bool,
    visit: &mut impl FnMut(DocId, Score),
) {
    if filter.docs.len() * RARE_FILTER >= u64::from(scorer.size_hint()) {
        let passing = filter.bits();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if passing.contains(doc) {
                let score = if scores { scorer.score() } else { 0.0 };
                visit(doc, score);
            }
            doc = scorer.advance();
        }
        return;
    }
    let mut passing = filter.docs.iter();
    let Some(mut candidate) = passing.next() else {
        return;
    };
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if candidate < doc {
            passing.advance_to(doc);
            match passing.next() {
                Some(next) => candidate = next,
                None => return,
            }
        }
        if candidate == doc {
            let score = if scores { scorer.score() } else { 0.0 };
            visit(doc, score);
            doc = scorer.advance();
        } else {
            doc = scorer.seek(candidate);
        }
    }
}
