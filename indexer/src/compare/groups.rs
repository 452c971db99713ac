//! Groups of passages and what they hold: which passages (a bit set per segment), how many words,
//! how often each word occurs, and who spoke.
//!
//! Word frequencies come from the postings of the `words` field (whole words with their
//! frequencies), read against the groups' bit sets: one pass over the postings, never over the
//! stored text.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::error::Result;
use crate::schema::{Fields, names};

/// The passages of a group: one bit set per segment of the searcher it was collected with.
pub struct GroupDocs {
    segments: Vec<BitSet>,
    /// Passages in the group.
    pub passages: u64,
    /// Words in those passages.
    pub words: u64,
}

impl GroupDocs {
    /// The passages matching `query`.
    pub fn collect(searcher: &Searcher, query: &dyn Query) -> Result<GroupDocs> {
        Ok(searcher.search(query, &GroupCollector)?)
    }

    /// Every passage of `all` that is not in `self` (the complement within `all`).
    pub fn others(&self, all: &GroupDocs) -> GroupDocs {
        let mut segments = Vec::with_capacity(all.segments.len());
        for (everyone, group) in all.segments.iter().zip(&self.segments) {
            let mut rest = BitSet::with_max_value(everyone.max_value());
            for doc in 0..everyone.max_value() {
                if everyone.contains(doc) && !group.contains(doc) {
                    rest.insert(doc);
                }
            }
            segments.push(rest);
        }
        GroupDocs {
            segments,
            passages: all.passages - self.passages,
            words: all.words - self.words,
        }
    }

    fn contains(&self, segment: usize, doc: DocId) -> bool {
        self.segments
            .get(segment)
            .is_some_and(|docs| doc < docs.max_value() && docs.contains(doc))
    }
}

/// Collects a [`GroupDocs`].
struct GroupCollector;

/// One segment's share: its ordinal, its passages, and their count and words.
struct SegmentShare {
    segment: SegmentOrdinal,
    docs: BitSet,
    passages: u64,
    words: u64,
}

struct GroupSegmentCollector {
    share: SegmentShare,
    word_count: Option<Column<u64>>,
}

impl Collector for GroupCollector {
    type Fruit = GroupDocs;
    type Child = GroupSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupSegmentCollector> {
        Ok(GroupSegmentCollector {
            share: SegmentShare {
                segment,
                docs: BitSet::with_max_value(reader.max_doc()),
                passages: 0,
                words: 0,
            },
            word_count: reader.fast_fields().u64(names::WORD_COUNT).ok(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut shares: Vec<SegmentShare>) -> tantivy::Result<GroupDocs> {
        shares.sort_by_key(|share| share.segment);
        Ok(GroupDocs {
            passages: shares.iter().map(|share| share.passages).sum(),
            words: shares.iter().map(|share| share.words).sum(),
            segments: shares.into_iter().map(|share| share.docs).collect(),
        })
    }
}

impl SegmentCollector for GroupSegmentCollector {
    type Fruit = SegmentShare;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.share.docs.insert(doc);
        self.share.passages += 1;
        if let Some(column) = &self.word_count {
            self.share.words += column.first(doc).unwrap_or(0);
        }
    }

    fn harvest(self) -> SegmentShare {
        self.share
    }
}

/// How often each word occurs in each of `groups`, in one pass over the postings of `words`.
pub fn term_counts(
    searcher: &Searcher,
    fields: Fields,
    groups: &[&GroupDocs],
) -> tantivy::Result<Vec<HashMap<String, u64>>> {
    let mut counts = vec![HashMap::new(); groups.len()];
    let mut sums = vec![0u64; groups.len()];
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let inverted = reader.inverted_index(fields.words)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
            sums.fill(0);
            while !postings.docs().is_empty() {
                for (&doc, &freq) in postings.docs().iter().zip(postings.freqs()) {
                    for (sum, group) in sums.iter_mut().zip(groups) {
                        if group.contains(segment, doc) {
                            *sum += u64::from(freq);
                        }
                    }
                }
                postings.advance();
            }
            if sums.iter().all(|&sum| sum == 0) {
                continue;
            }
            let term = String::from_utf8_lossy(terms.key());
            for (group_counts, &sum) in counts.iter_mut().zip(&sums) {
                if sum > 0 {
                    *group_counts.entry(term.to_string()).or_default() += sum;
                }
            }
        }
    }
    Ok(counts)
}

/// Distinct speakers of the passages of `group`, or of those holding the word `term` too.
pub fn participants(
    searcher: &Searcher,
    fields: Fields,
    group: &GroupDocs,
    term: Option<&str>,
) -> tantivy::Result<u64> {
    let mut speakers = HashSet::new();
    let mut speaker = String::new();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let Some(column) = reader.fast_fields().str(names::SPEAKER)? else {
            continue;
        };
        let mut ordinals = HashSet::new();
        let mut add = |doc: DocId| {
            if group.contains(segment, doc) {
                ordinals.extend(column.term_ords(doc));
            }
        };
        match term {
            Some(term) => {
                let term = tantivy::Term::from_field_text(fields.words, term);
                let inverted = reader.inverted_index(fields.words)?;
                if let Some(mut postings) =
                    inverted.read_postings(&term, IndexRecordOption::Basic)?
                {
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        add(doc);
                        doc = postings.advance();
                    }
                }
            }
            None => (0..reader.max_doc()).for_each(add),
        }
        for ordinal in ordinals {
            if column.ord_to_str(ordinal, &mut speaker)? {
                speakers.insert(speaker.clone());
            }
        }
    }
    Ok(speakers.len() as u64)
}
