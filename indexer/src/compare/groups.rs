//! Groups of passages and what they hold: which passages (a bit set per segment), how many words,
//! how often each word occurs, and who spoke.
//!
//! Word frequencies come from the postings of the `words` field (whole words with their
//! frequencies), read against the groups' bit sets: one pass over the postings for every group
//! being counted, never over the stored text. Who spoke is read from [`Speakers`], the index's
//! speaker column (a number per passage, resolved once per open index), so counting a group's or a word's participants is a walk
//! over bits, not over strings.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::postings::Postings;
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::error::Result;
use crate::schema::names;
use crate::search::columns::{Column as ValueColumn, NONE};

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

    /// Whether passage `doc` of segment `segment` is in the group.
    pub fn contains(&self, segment: usize, doc: DocId) -> bool {
        self.segments[segment].contains(doc)
    }

    /// Every passage of the index outside this group.
    pub fn outside(&self, searcher: &Searcher) -> GroupDocs {
        let mut rest = GroupDocs {
            segments: Vec::with_capacity(self.segments.len()),
            passages: 0,
            words: 0,
        };
        for (reader, group) in searcher.segment_readers().iter().zip(&self.segments) {
            let word_count = reader.fast_fields().u64(names::WORD_COUNT).ok();
            let mut docs = BitSet::with_max_value(reader.max_doc());
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) || group.contains(doc) {
                    continue;
                }
                docs.insert(doc);
                rest.passages += 1;
                rest.words += word_count.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            }
            rest.segments.push(docs);
        }
        rest
    }

    /// Distinct speakers of the group's passages.
    pub fn participants(&self, speakers: &Speakers) -> u64 {
        let mut seen = speakers.none_seen();
        for (segment, docs) in self.segments.iter().enumerate() {
            for bucket in 0..docs.max_value().div_ceil(64) {
                let mut set = docs.tinyset(bucket);
                while let Some(low) = set.pop_lowest() {
                    speakers.mark(&mut seen, segment, bucket * 64 + low);
                }
            }
        }
        seen.len() as u64
    }
}

/// Who spoke each passage: the index's speaker column, a number per speaker shared by every
/// segment.
pub struct Speakers(Arc<ValueColumn>);

impl Speakers {
    /// The speakers of the index whose speaker column is `column`.
    pub fn new(column: Arc<ValueColumn>) -> Speakers {
        Speakers(column)
    }

    /// An empty set of speakers.
    fn none_seen(&self) -> BitSet {
        BitSet::with_max_value(self.0.values.len() as u32)
    }

    /// Adds the speaker of `doc` in `segment`, if it has one, to `seen`.
    fn mark(&self, seen: &mut BitSet, segment: usize, doc: DocId) {
        let speaker = self.0.ords[segment][doc as usize];
        if speaker != NONE {
            seen.insert(speaker);
        }
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

/// How often each term of `field` occurs in each of `groups`, in one pass over its postings.
pub fn term_counts(
    searcher: &Searcher,
    field: Field,
    groups: &[&GroupDocs],
) -> tantivy::Result<Vec<HashMap<String, u64>>> {
    let mut counts = vec![HashMap::new(); groups.len()];
    let mut sums = vec![0u64; groups.len()];
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let sets: Vec<&BitSet> = groups
            .iter()
            .map(|group| &group.segments[segment])
            .collect();
        let inverted = reader.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let mut postings = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
            sums.fill(0);
            while !postings.docs().is_empty() {
                for (&doc, &freq) in postings.docs().iter().zip(postings.freqs()) {
                    for (sum, set) in sums.iter_mut().zip(&sets) {
                        if set.contains(doc) {
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

/// Occurrences of the term `term` of `field` in the passages of `group`, from its postings.
pub fn term_count(
    searcher: &Searcher,
    field: Field,
    group: &GroupDocs,
    term: &str,
) -> tantivy::Result<u64> {
    let term = tantivy::Term::from_field_text(field, term);
    let mut count = 0;
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let docs = &group.segments[segment];
        let inverted = reader.inverted_index(field)?;
        let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::WithFreqs)?
        else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if docs.contains(doc) {
                count += u64::from(postings.term_freq());
            }
            doc = postings.advance();
        }
    }
    Ok(count)
}

/// Distinct speakers of the passages of `group` holding the term `term` of `field`.
pub fn term_participants(
    searcher: &Searcher,
    speakers: &Speakers,
    group: &GroupDocs,
    field: Field,
    term: &str,
) -> tantivy::Result<u64> {
    let term = tantivy::Term::from_field_text(field, term);
    let mut seen = speakers.none_seen();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let docs = &group.segments[segment];
        let inverted = reader.inverted_index(field)?;
        let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if docs.contains(doc) {
                speakers.mark(&mut seen, segment, doc);
            }
            doc = postings.advance();
        }
    }
    Ok(seen.len() as u64)
}
