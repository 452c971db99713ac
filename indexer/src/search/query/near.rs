//! Proximity: passages where some words all occur within a window of positions, in any order
//! (`"primary care"~5`, `trust NEAR/10 commissioning`).
//!
//! Positions are those of the `text` field: one per English word, one per character in Chinese
//! (so in Chinese the distance counts characters). A passage matches when it has an occurrence
//! of every word (a word given twice needs two occurrences) such that the first and the last
//! are at most `distance` positions apart. Scored like the same words joined by AND would be
//! (BM25 with the words' summed idf), counting the matching windows as the frequency.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Passages with all `terms` within `distance` positions of each other.
#[derive(Debug, Clone)]
pub struct NearQuery {
    /// The words (analysed), possibly repeated.
    terms: Vec<Term>,
    distance: u32,
}

impl NearQuery {
    /// The query for `terms` (at least two, of one field) within `distance`.
    pub fn new(terms: Vec<Term>, distance: u32) -> NearQuery {
        NearQuery { terms, distance }
    }
}

impl Query for NearQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(NearWeight {
            query: self.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, true);
        }
    }
}

struct NearWeight {
    query: NearQuery,
    bm25: Option<Bm25Weight>,
}

impl Weight for NearWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let field = self.query.terms[0].field();
        let mut distinct: Vec<&Term> = Vec::new();
        let mut wanted = Vec::new();
        for term in &self.query.terms {
            match distinct.iter().position(|t| *t == term) {
                Some(i) => wanted[i] += 1,
                None => {
                    distinct.push(term);
                    wanted.push(1);
                }
            }
        }
        let inverted = reader.inverted_index(field)?;
        let mut postings = Vec::with_capacity(distinct.len());
        for term in distinct {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(Box::new(EmptyScorer)),
            }
        }
        let fieldnorms = match (&self.bm25, reader.fieldnorms_readers().get_field(field)?) {
            (Some(_), Some(fieldnorms)) => fieldnorms,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = NearScorer {
            postings,
            wanted,
            distance: self.query.distance,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            fieldnorms,
            doc: 0,
            windows: 0,
            positions: Vec::new(),
            events: Vec::new(),
        };
        scorer.find_from(scorer.postings[0].doc());
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("near", scorer.score()))
    }
}

struct NearScorer {
    /// One per distinct word.
    postings: Vec<SegmentPostings>,
    /// Occurrences needed of each distinct word.
    wanted: Vec<u32>,
    distance: u32,
    bm25: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    doc: DocId,
    /// Matching windows in `doc`.
    windows: u32,
    positions: Vec<u32>,
    /// (position, word) of every occurrence in the current document, sorted.
    events: Vec<(u32, usize)>,
}

impl NearScorer {
    /// Moves to the first document at or after `target` with all words in a window.
    fn find_from(&mut self, target: DocId) -> DocId {
        let mut candidate = target;
        loop {
            candidate = self.next_with_all(candidate);
            if candidate == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let windows = self.windows_in_current();
            if windows > 0 {
                self.doc = candidate;
                self.windows = windows;
                return candidate;
            }
            candidate += 1;
        }
    }

    /// The first document at or after `target` that has every word.
    fn next_with_all(&mut self, mut target: DocId) -> DocId {
        'search: loop {
            for postings in &mut self.postings {
                let doc = if postings.doc() < target {
                    postings.seek(target)
                } else {
                    postings.doc()
                };
                if doc == TERMINATED {
                    return TERMINATED;
                }
                if doc > target {
                    target = doc;
                    continue 'search;
                }
            }
            return target;
        }
    }

    /// The number of window starts in the current document (all postings on it) from which
    /// every word is found, as many times as wanted, within `distance`.
    fn windows_in_current(&mut self) -> u32 {
        self.events.clear();
        for (word, postings) in self.postings.iter_mut().enumerate() {
            self.positions.clear();
            postings.positions(&mut self.positions);
            self.events
                .extend(self.positions.iter().map(|&p| (p, word)));
        }
        self.events.sort_unstable();
        windows(&self.events, &self.wanted, self.distance)
    }
}

/// How many occurrences in `events` (sorted (position, word)) start a matching window.
fn windows(events: &[(u32, usize)], wanted: &[u32], distance: u32) -> u32 {
    let mut found = 0;
    for_each_window(events, wanted, distance, |_| found += 1);
    found
}

/// Calls `matched` with the range of `events` (sorted (position, word)) of every window that
/// starts at an occurrence, spans `distance` positions, and holds `wanted[w]` occurrences of
/// every word `w`.
pub fn for_each_window(
    events: &[(u32, usize)],
    wanted: &[u32],
    distance: u32,
    mut matched: impl FnMut(std::ops::Range<usize>),
) {
    let mut have = vec![0u32; wanted.len()];
    let mut missing = wanted.len();
    let mut end = 0;
    for (start, &(position, _)) in events.iter().enumerate() {
        while end < events.len() && events[end].0 <= position.saturating_add(distance) {
            let word = events[end].1;
            have[word] += 1;
            if have[word] == wanted[word] {
                missing -= 1;
            }
            end += 1;
        }
        if missing == 0 {
            matched(start..end);
        }
        let word = events[start].1;
        if have[word] == wanted[word] {
            missing += 1;
        }
        have[word] -= 1;
    }
}

impl DocSet for NearScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.find_from(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.find_from(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.size_hint())
            .min()
            .unwrap_or(0)
    }
}

impl Scorer for NearScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(self.doc), self.windows),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: some choice of distinct occurrences, `wanted[w]` of word `w`, spans at most
    /// `distance`.
    fn matches(events: &[(u32, usize)], wanted: &[u32], distance: u32) -> bool {
        events.iter().any(|&(start, _)| {
            wanted.iter().enumerate().all(|(word, &n)| {
                events
                    .iter()
                    .filter(|&&(p, w)| w == word && p >= start && p <= start + distance)
                    .count() as u32
                    >= n
            })
        })
    }

    #[test]
    fn windows_agree_with_brute_force() {
        let mut rng = 7u64;
        let mut next = |n: u64| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) % n
        };
        for _ in 0..2000 {
            let words = 1 + next(3) as usize;
            let wanted: Vec<u32> = (0..words).map(|_| 1 + next(2) as u32).collect();
            let mut events: Vec<(u32, usize)> = (0..next(12))
                .map(|_| (next(30) as u32, next(words as u64) as usize))
                .collect();
            events.sort_unstable();
            events.dedup();
            let distance = 1 + next(8) as u32;
            assert_eq!(
                windows(&events, &wanted, distance) > 0,
                matches(&events, &wanted, distance),
                "{events:?} {wanted:?} {distance}"
            );
        }
    }
}
