//! Facet counts: how many matching passages have each value of a field, and how many distinct
//! participants (speakers) said them, tallied in the search's one pass over the matches by the
//! values' global ordinals (see [`super::columns`]).
//!
//! Passages are not people: twelve quotes may come from one talkative GP. So every value also
//! carries the number of distinct speakers among the matching passages that have it, and the
//! number of distinct speakers among all the corpus's passages that have it: "5 of 9 GPs said it".

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use tantivy::{BitSet, DocId};

use super::columns::{Column, NONE};
use crate::api::{FacetCount, FacetField};
use crate::error::Result;
use crate::schema::names;
use crate::search::filter::{attr_column, resolve_attribute};

/// Largest number of (value, speaker) pairs tracked in a bitset; beyond it (a facet by document
/// or speaker over a large corpus) a hash set of the pairs seen takes less memory.
const DENSE_PAIRS: u64 = 1 << 20;

/// The fast-field column holding a facet field's values; attribute names are checked against
/// the index's `attributes`.
pub fn column_name(field: &FacetField, attributes: &BTreeSet<String>) -> Result<String> {
    Ok(match field {
        FacetField::Role => names::ROLE.into(),
        FacetField::RoleGroup => names::ROLE_GROUP.into(),
        FacetField::Site => names::SITE.into(),
        FacetField::Kind => names::KIND.into(),
        FacetField::Lang => names::LANG.into(),
        FacetField::Speaker => names::SPEAKER.into(),
        FacetField::Doc => names::DOC_ID.into(),
        FacetField::Year => names::YEAR.into(),
        FacetField::Attr(name) => attr_column(&resolve_attribute(name, attributes, "facets.attr")?),
    })
}

/// Distinct (value, speaker) pairs, by global ordinal.
enum PairSet {
    /// A bit per possible pair, when there are few.
    Dense { bits: BitSet, speakers: u64 },
    /// The pairs seen, when a bitset would be large.
    Sparse(HashSet<(u32, u32)>),
}

impl PairSet {
    fn new(values: usize, speakers: usize) -> PairSet {
        let (values, speakers) = (values as u64, speakers as u64);
        match values.checked_mul(speakers) {
            Some(pairs) if pairs <= DENSE_PAIRS => PairSet::Dense {
                bits: BitSet::with_max_value(pairs as u32),
                speakers,
            },
            _ => PairSet::Sparse(HashSet::new()),
        }
    }

    /// Adds a pair; true if it is new.
    #[inline]
    fn insert(&mut self, value: u32, speaker: u32) -> bool {
        match self {
            PairSet::Dense { bits, speakers } => {
                bits.insert((u64::from(value) * *speakers + u64::from(speaker)) as u32)
            }
            PairSet::Sparse(pairs) => pairs.insert((value, speaker)),
        }
    }
}

/// A [`FacetTally`] counting the passages of one segment.
pub struct SegmentTally<'a> {
    values: &'a [u32],
    speakers: &'a [u32],
    passages: &'a mut [u64],
    participants: &'a mut [u64],
    pairs: &'a mut PairSet,
}

impl SegmentTally<'_> {
    /// Counts passage `doc`.
    #[inline]
    pub fn count(&mut self, doc: DocId) {
        let value = self.values[doc as usize];
        if value == NONE {
            return;
        }
        self.passages[value as usize] += 1;
        let speaker = self.speakers[doc as usize];
        if speaker != NONE && self.pairs.insert(value, speaker) {
            self.participants[value as usize] += 1;
        }
    }
}

/// The tally of one facet field over the passages counted so far.
pub struct FacetTally {
    column: Arc<Column>,
    speakers: Arc<Column>,
    /// Passages per value.
    passages: Vec<u64>,
    /// Distinct speakers per value.
    participants: Vec<u64>,
    pairs: PairSet,
}

impl FacetTally {
    /// An empty tally of `column`, whose passages' speakers are in `speakers`.
    pub fn new(column: Arc<Column>, speakers: Arc<Column>) -> FacetTally {
        let values = column.values.len();
        FacetTally {
            pairs: PairSet::new(values, speakers.values.len()),
            passages: vec![0; values],
            participants: vec![0; values],
            column,
            speakers,
        }
    }

    /// The counter of the passages of segment `segment`.
    pub fn segment(&mut self, segment: usize) -> SegmentTally<'_> {
        SegmentTally {
            values: &self.column.ords[segment],
            speakers: &self.speakers.ords[segment],
            passages: &mut self.passages,
            participants: &mut self.participants,
            pairs: &mut self.pairs,
        }
    }

    /// Distinct speakers per value, in the column's value order.
    pub fn into_participants(self) -> Vec<u64> {
        self.participants
    }

    /// The values counted, most frequent first, then by value; at most `limit`. `of` gives each
    /// value's participants in the whole corpus.
    pub fn ranked(self, of: &[u64], limit: usize) -> Vec<FacetCount> {
        let mut values: Vec<FacetCount> = self
            .passages
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ord, &count)| FacetCount {
                value: self.column.values[ord].clone(),
                count,
                participants: self.participants[ord],
                of: of.get(ord).copied().unwrap_or(0),
            })
            .collect();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values.truncate(limit);
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One segment whose passages have `values` and `speakers` (by name, `None` for neither).
    fn columns(
        passages: &[(Option<&'static str>, Option<&'static str>)],
    ) -> (Arc<Column>, Arc<Column>) {
        type Passage = (Option<&'static str>, Option<&'static str>);
        let column = |pick: fn(&Passage) -> Option<&'static str>| {
            let values: Vec<String> = passages
                .iter()
                .filter_map(pick)
                .map(String::from)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let ords = passages
                .iter()
                .map(|p| {
                    pick(p).map_or(NONE, |v| {
                        values.binary_search(&v.to_string()).unwrap() as u32
                    })
                })
                .collect();
            Arc::new(Column {
                values,
                ords: vec![ords],
            })
        };
        (column(|p| p.0), column(|p| p.1))
    }

    #[test]
    fn values_carry_passages_and_distinct_speakers_most_frequent_first() {
        let (roles, speakers) = columns(&[
            (Some("GP"), Some("ID1")),
            (Some("GP"), Some("ID1")),
            (Some("manager"), Some("ID2")),
            (Some("GP"), Some("ID3")),
            (Some("GP"), None),
            (None, Some("ID4")),
            (Some("b"), Some("ID5")),
            (Some("a"), Some("ID5")),
        ]);
        let mut tally = FacetTally::new(roles, speakers);
        let mut counter = tally.segment(0);
        for doc in 0..8 {
            counter.count(doc);
        }
        // Values in order: GP, a, b, manager.
        let of = [9, 1, 1, 4];
        let counted: Vec<(String, u64, u64, u64)> = tally
            .ranked(&of, 3)
            .into_iter()
            .map(|c| (c.value, c.count, c.participants, c.of))
            .collect();
        assert_eq!(
            counted,
            [
                ("GP".to_string(), 4, 2, 9),
                ("a".to_string(), 1, 1, 1),
                ("b".to_string(), 1, 1, 1),
            ]
        );
    }

    #[test]
    fn pair_sets_tell_new_pairs_from_seen_ones() {
        for (values, speakers) in [(4, 5), (1 << 12, 1 << 12)] {
            let mut set = PairSet::new(values, speakers);
            let new: Vec<bool> = [(0, 0), (3, 4), (3, 4), (2, 1), (0, 0)]
                .into_iter()
                .map(|(v, s)| set.insert(v, s))
                .collect();
            assert_eq!(
                new,
                [true, true, false, true, false],
                "{values} x {speakers}"
            );
        }
    }
}
