//! Facet counts: how many matching passages have each value of a field, and how many distinct
//! participants (speakers) said them, computed over every match (not just the page returned) by
//! reading fast-field columns in the same pass as the search.
//!
//! Passages are not people: twelve quotes may come from one talkative GP. So every value also
//! carries the number of distinct speakers among the matching passages that have it, and (from
//! [`corpus_participants`], once per open index) the number of distinct speakers among all the
//! corpus's passages that have it: "5 of 9 GPs said it".

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::AllQuery;
use tantivy::{BitSet, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::api::{FacetCount, FacetField};
use crate::error::Result;
use crate::schema::names;
use crate::search::filter::{attr_column, resolve_attribute};

/// Largest number of (value, speaker) pairs a segment tracks in a bitset; beyond it (a facet by
/// document or speaker over a large corpus) a hash set takes less memory.
const DENSE_PAIRS: u64 = 1 << 20;

/// Counts values of several facet fields at once.
pub struct FacetCollector {
    columns: Vec<String>,
}

impl FacetCollector {
    /// A collector for `fields`; attribute names are checked against the index's `attributes`.
    pub fn new(fields: &[FacetField], attributes: &BTreeSet<String>) -> Result<FacetCollector> {
        let columns = fields
            .iter()
            .map(|field| column_name(field, attributes))
            .collect::<Result<Vec<_>>>()?;
        Ok(FacetCollector { columns })
    }

    /// The fast-field columns counted, in request order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
}

/// The fast-field column holding a facet field's values.
fn column_name(field: &FacetField, attributes: &BTreeSet<String>) -> Result<String> {
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

/// Distinct (value ordinal, speaker ordinal) pairs of one segment.
enum PairSet {
    /// A bit per possible pair, when there are few.
    Dense { bits: BitSet, speakers: u64 },
    /// The pairs seen, when a bitset would be large.
    Sparse(HashSet<(u64, u64)>),
}

impl PairSet {
    fn new(values: u64, speakers: u64) -> PairSet {
        match values.checked_mul(speakers) {
            Some(pairs) if pairs <= DENSE_PAIRS => PairSet::Dense {
                bits: BitSet::with_max_value(pairs as u32),
                speakers,
            },
            _ => PairSet::Sparse(HashSet::new()),
        }
    }

    fn insert(&mut self, value: u64, speaker: u64) {
        match self {
            PairSet::Dense { bits, speakers } => {
                bits.insert((value * *speakers + speaker) as u32);
            }
            PairSet::Sparse(pairs) => {
                pairs.insert((value, speaker));
            }
        }
    }

    fn into_pairs(self) -> Vec<(u64, u64)> {
        match self {
            PairSet::Dense { bits, speakers } => {
                let mut pairs = Vec::with_capacity(bits.len());
                for bucket in 0..bits.max_value().div_ceil(64) {
                    let mut set = bits.tinyset(bucket);
                    while let Some(low) = set.pop_lowest() {
                        let pair = u64::from(bucket * 64 + low);
                        pairs.push((pair / speakers, pair % speakers));
                    }
                }
                pairs
            }
            PairSet::Sparse(pairs) => pairs.into_iter().collect(),
        }
    }
}

/// A segment's view of one column.
enum SegmentColumn {
    /// Strings: counted by term ordinal, resolved to text once at the end.
    Str {
        column: StrColumn,
        counts: Vec<u64>,
        pairs: PairSet,
    },
    /// Years.
    Year {
        column: Column<i64>,
        counts: HashMap<i64, u64>,
        pairs: HashSet<(i64, u64)>,
    },
    /// The field has no value in this segment.
    Absent,
}

/// Per-segment counting.
pub struct FacetSegmentCollector {
    speakers: Option<StrColumn>,
    columns: Vec<SegmentColumn>,
}

/// What the matches hold of one value: passages, and who said them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueTally {
    /// Matching passages with the value.
    pub passages: u64,
    /// Distinct speakers of those passages.
    pub speakers: HashSet<String>,
}

/// Tallies by value, per requested field, in request order.
pub type FacetFruit = Vec<HashMap<String, ValueTally>>;

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        let speakers = fast.str(names::SPEAKER)?;
        let speaker_terms = speakers.as_ref().map_or(0, |c| c.num_terms() as u64);
        let columns = self
            .columns
            .iter()
            .map(|name| {
                if name == names::YEAR {
                    return Ok(match fast.i64(name) {
                        Ok(column) => SegmentColumn::Year {
                            column,
                            counts: HashMap::new(),
                            pairs: HashSet::new(),
                        },
                        Err(_) => SegmentColumn::Absent,
                    });
                }
                Ok(match fast.str(name)? {
                    Some(column) => {
                        let terms = column.num_terms();
                        SegmentColumn::Str {
                            pairs: PairSet::new(terms as u64, speaker_terms),
                            counts: vec![0; terms],
                            column,
                        }
                    }
                    None => SegmentColumn::Absent,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(FacetSegmentCollector { speakers, columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut merged: FacetFruit = vec![HashMap::new(); self.columns.len()];
        for fruit in fruits {
            for (total, tallies) in merged.iter_mut().zip(fruit) {
                for (value, tally) in tallies {
                    let into = total.entry(value).or_default();
                    into.passages += tally.passages;
                    into.speakers.extend(tally.speakers);
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let speaker = self
            .speakers
            .as_ref()
            .and_then(|column| column.term_ords(doc).next());
        for column in &mut self.columns {
            match column {
                SegmentColumn::Str {
                    column,
                    counts,
                    pairs,
                } => {
                    for ord in column.term_ords(doc) {
                        counts[ord as usize] += 1;
                        if let Some(speaker) = speaker {
                            pairs.insert(ord, speaker);
                        }
                    }
                }
                SegmentColumn::Year {
                    column,
                    counts,
                    pairs,
                } => {
                    for year in column.values_for_doc(doc) {
                        *counts.entry(year).or_default() += 1;
                        if let Some(speaker) = speaker {
                            pairs.insert((year, speaker));
                        }
                    }
                }
                SegmentColumn::Absent => {}
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let speaker_name = |ord: u64| -> Option<String> {
            let mut name = String::new();
            let column = self.speakers.as_ref()?;
            column
                .ord_to_str(ord, &mut name)
                .unwrap_or(false)
                .then_some(name)
        };
        self.columns
            .into_iter()
            .map(|column| match column {
                SegmentColumn::Str {
                    column,
                    counts,
                    pairs,
                } => {
                    let value_of = |ord: u64| {
                        let mut value = String::new();
                        column
                            .ord_to_str(ord, &mut value)
                            .unwrap_or(false)
                            .then_some(value)
                    };
                    let mut by_ord: HashMap<u64, ValueTally> = counts
                        .into_iter()
                        .enumerate()
                        .filter(|(_, count)| *count > 0)
                        .map(|(ord, passages)| {
                            let tally = ValueTally {
                                passages,
                                ..ValueTally::default()
                            };
                            (ord as u64, tally)
                        })
                        .collect();
                    for (ord, speaker) in pairs.into_pairs() {
                        if let (Some(tally), Some(name)) =
                            (by_ord.get_mut(&ord), speaker_name(speaker))
                        {
                            tally.speakers.insert(name);
                        }
                    }
                    by_ord
                        .into_iter()
                        .filter_map(|(ord, tally)| Some((value_of(ord)?, tally)))
                        .collect()
                }
                SegmentColumn::Year { counts, pairs, .. } => {
                    let mut by_year: HashMap<i64, ValueTally> = counts
                        .into_iter()
                        .map(|(year, passages)| {
                            let tally = ValueTally {
                                passages,
                                ..ValueTally::default()
                            };
                            (year, tally)
                        })
                        .collect();
                    for (year, speaker) in pairs {
                        if let (Some(tally), Some(name)) =
                            (by_year.get_mut(&year), speaker_name(speaker))
                        {
                            tally.speakers.insert(name);
                        }
                    }
                    by_year
                        .into_iter()
                        .map(|(year, tally)| (year.to_string(), tally))
                        .collect()
                }
                SegmentColumn::Absent => HashMap::new(),
            })
            .collect()
    }
}

/// Distinct speakers per value of `column` over every passage of the index: the `of` of
/// [`FacetCount`].
pub fn corpus_participants(searcher: &Searcher, column: &str) -> Result<HashMap<String, u64>> {
    let collector = FacetCollector {
        columns: vec![column.to_string()],
    };
    let fruit = searcher.search(&AllQuery, &collector)?;
    Ok(fruit
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(|(value, tally)| (value, tally.speakers.len() as u64))
        .collect())
}

/// Orders tallies for display: most frequent first, then by value; at most `limit` values.
/// `of` gives each value's participants in the whole corpus.
pub fn ranked(
    tallies: HashMap<String, ValueTally>,
    of: &HashMap<String, u64>,
    limit: usize,
) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = tallies
        .into_iter()
        .map(|(value, tally)| FacetCount {
            participants: tally.speakers.len() as u64,
            of: of.get(&value).copied().unwrap_or(0),
            count: tally.passages,
            value,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(limit);
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(passages: u64, speakers: &[&str]) -> ValueTally {
        ValueTally {
            passages,
            speakers: speakers.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn ranking_is_by_count_then_value() {
        let tallies = HashMap::from([
            ("b".to_string(), tally(2, &[])),
            ("a".to_string(), tally(2, &[])),
            ("c".to_string(), tally(5, &[])),
        ]);
        let values: Vec<_> = ranked(tallies, &HashMap::new(), 2)
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(values, ["c", "a"]);
    }

    #[test]
    fn values_carry_their_participants_of_the_corpus_total() {
        let tallies = HashMap::from([("GP".to_string(), tally(12, &["ID1", "ID2", "ID9"]))]);
        let of = HashMap::from([("GP".to_string(), 9)]);
        assert_eq!(
            ranked(tallies, &of, 10),
            [FacetCount {
                value: "GP".into(),
                count: 12,
                participants: 3,
                of: 9
            }]
        );
    }

    #[test]
    fn pair_sets_give_back_each_distinct_pair_once() {
        for (values, speakers) in [(4, 5), (1 << 12, 1 << 12)] {
            let mut set = PairSet::new(values, speakers);
            for (v, s) in [(0, 0), (3, 4), (3, 4), (2, 1), (0, 0)] {
                set.insert(v, s);
            }
            let mut pairs = set.into_pairs();
            pairs.sort_unstable();
            assert_eq!(pairs, [(0, 0), (2, 1), (3, 4)], "{values} x {speakers}");
        }
    }
}
