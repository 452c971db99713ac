//! Facet counts: how many matching passages have each value of a field, computed over every
//! match (not just the page returned) by reading fast-field columns in the same pass as the search.

use std::collections::{BTreeSet, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::api::{FacetCount, FacetField};
use crate::error::Result;
use crate::schema::names;
use crate::search::filter::{attr_column, resolve_attribute};

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

/// A segment's view of one column.
enum SegmentColumn {
    /// Strings: counted by term ordinal, resolved to text once at the end.
    Str { column: StrColumn, counts: Vec<u64> },
    /// Years.
    Year {
        column: Column<i64>,
        counts: HashMap<i64, u64>,
    },
    /// The field has no value in this segment.
    Absent,
}

/// Per-segment counting.
pub struct FacetSegmentCollector {
    columns: Vec<SegmentColumn>,
}

/// Counts by value, per requested field, in request order.
pub type FacetFruit = Vec<HashMap<String, u64>>;

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = reader.fast_fields();
        let columns = self
            .columns
            .iter()
            .map(|name| {
                if name == names::YEAR {
                    return Ok(match fast.i64(name) {
                        Ok(column) => SegmentColumn::Year {
                            column,
                            counts: HashMap::new(),
                        },
                        Err(_) => SegmentColumn::Absent,
                    });
                }
                Ok(match fast.str(name)? {
                    Some(column) => {
                        let counts = vec![0; column.num_terms()];
                        SegmentColumn::Str { column, counts }
                    }
                    None => SegmentColumn::Absent,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(FacetSegmentCollector { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut merged: FacetFruit = vec![HashMap::new(); self.columns.len()];
        for fruit in fruits {
            for (total, counts) in merged.iter_mut().zip(fruit) {
                for (value, count) in counts {
                    *total.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for column in &mut self.columns {
            match column {
                SegmentColumn::Str { column, counts } => {
                    for ord in column.term_ords(doc) {
                        counts[ord as usize] += 1;
                    }
                }
                SegmentColumn::Year { column, counts } => {
                    for year in column.values_for_doc(doc) {
                        *counts.entry(year).or_default() += 1;
                    }
                }
                SegmentColumn::Absent => {}
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        self.columns
            .into_iter()
            .map(|column| match column {
                SegmentColumn::Str { column, counts } => {
                    let mut out = HashMap::new();
                    let mut value = String::new();
                    for (ord, count) in counts.into_iter().enumerate().filter(|(_, c)| *c > 0) {
                        if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                            out.insert(value.clone(), count);
                        }
                    }
                    out
                }
                SegmentColumn::Year { counts, .. } => counts
                    .into_iter()
                    .map(|(y, c)| (y.to_string(), c))
                    .collect(),
                SegmentColumn::Absent => HashMap::new(),
            })
            .collect()
    }
}

/// Orders counts for display: most frequent first, then by value; at most `limit` values.
pub fn ranked(counts: HashMap<String, u64>, limit: usize) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(limit);
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_is_by_count_then_value() {
        let counts = HashMap::from([
            ("b".to_string(), 2),
            ("a".to_string(), 2),
            ("c".to_string(), 5),
        ]);
        let values: Vec<_> = ranked(counts, 2).into_iter().map(|f| f.value).collect();
        assert_eq!(values, ["c", "a"]);
    }
}
