//! Fast-field columns resolved once per open index, so a search does array look-ups instead of
//! column decoding: every value of a column numbered across segments (global ordinals), each
//! passage's value as such a number, the passages that pass each filter as a bitmap, each
//! value's participants in the whole corpus, and each passage's sort key.
//!
//! An open index is one immutable generation (a rebuild opens a new [`crate::Index`]), so
//! everything here is computed on first use and kept for the index's life. Nothing here is
//! the answer to a query: only facts about the corpus that many queries share.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use roaring::RoaringBitmap;
use tantivy::{BitSet, DocId, Searcher, SegmentReader};

use crate::error::Result;
use crate::schema::names;

/// A passage without a value in a column.
pub const NONE: u32 = u32::MAX;

/// Bytes of filter bitmaps kept; beyond it new filters are computed for each query and dropped
/// (a long tail of speaker or document filters must not grow the server without bound).
const FILTER_CACHE_BYTES: usize = 64 << 20;

/// One column of the whole index.
pub struct Column {
    /// Every value the column has in the index, in order (years numerically).
    pub values: Vec<String>,
    /// Per segment, each passage's value as an index into `values`, or [`NONE`].
    pub ords: Vec<Vec<u32>>,
}

impl Column {
    /// Whether each value, by number, passes `keep`.
    pub fn values_where(&self, keep: impl Fn(&str) -> bool) -> Vec<bool> {
        self.values.iter().map(|value| keep(value)).collect()
    }
}

/// Passages per segment: one [`Passing`] per segment of the searcher, deleted passages left out.
pub type SegmentBitmaps = Vec<Passing>;

/// The passages of one segment that pass a filter, kept two ways: compressed, to combine filters
/// and to walk when few pass; and one bit per passage, to test each match when many pass (a
/// test of the compressed set costs several times more, and a search may test tens of
/// thousands of matches). The bits are made the first time a search tests passages one by one:
/// a filter that is only walked (a rare one, or a search's one-off combination of filters)
/// never needs them.
#[derive(Debug, Clone)]
pub struct Passing {
    /// The passages.
    pub docs: RoaringBitmap,
    bits: OnceLock<BitSet>,
}

impl Passing {
    /// The passages `docs`.
    pub fn new(docs: RoaringBitmap) -> Passing {
        Passing {
            docs,
            bits: OnceLock::new(),
        }
    }

    /// Whether passage `doc` passes.
    pub fn contains(&self, doc: DocId) -> bool {
        self.bits().contains(doc)
    }

    /// The passages passing both.
    pub fn and(&self, other: &Passing) -> Passing {
        Passing::new(&self.docs & &other.docs)
    }

    /// One bit per passage, to test many passages in a row.
    pub fn bits(&self) -> PassingBits<'_> {
        PassingBits(self.bits.get_or_init(|| {
            let mut bits = BitSet::with_max_value(self.bit_count());
            for doc in &self.docs {
                bits.insert(doc);
            }
            bits
        }))
    }

    /// Bits needed: one per passage up to the last that passes.
    fn bit_count(&self) -> u32 {
        self.docs.max().map_or(0, |max| max + 1)
    }

    /// Memory held, or to be held once the bits are made, in bytes.
    fn bytes(&self) -> usize {
        self.docs.serialized_size() + self.bit_count() as usize / 8
    }
}

/// The bits of a [`Passing`], fetched once before a loop over matches.
#[derive(Clone, Copy)]
pub struct PassingBits<'a>(&'a BitSet);

impl PassingBits<'_> {
    /// Whether passage `doc` passes.
    #[inline]
    pub fn contains(self, doc: DocId) -> bool {
        doc < self.0.max_value() && self.0.contains(doc)
    }
}

/// A computed fact, per key, shared by every search of the index.
struct Memo<K, V> {
    entries: RwLock<HashMap<K, Arc<V>>>,
}

impl<K: Hash + Eq + Clone, V> Memo<K, V> {
    fn new() -> Memo<K, V> {
        Memo {
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The value for `key`, computed by `make` the first time. Two first callers may both
    /// compute it, to the same result; the lock is never held while computing.
    fn get_or_try(&self, key: &K, make: impl FnOnce() -> Result<V>) -> Result<Arc<V>> {
        if let Some(found) = self.read().get(key) {
            return Ok(Arc::clone(found));
        }
        let made = Arc::new(make()?);
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), Arc::clone(&made));
        Ok(made)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<K, Arc<V>>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The columns, filter bitmaps, corpus participants and sort keys of one open index.
pub struct Columns {
    searcher: Searcher,
    columns: Memo<String, Column>,
    filters: Memo<String, SegmentBitmaps>,
    /// Bytes held by `filters`.
    filter_bytes: RwLock<usize>,
    participants: Memo<String, Vec<u64>>,
    sort_keys: Memo<&'static str, Vec<Vec<u64>>>,
}

impl Columns {
    /// Nothing computed yet, for the segments of `searcher`.
    pub fn new(searcher: Searcher) -> Columns {
        Columns {
            searcher,
            columns: Memo::new(),
            filters: Memo::new(),
            filter_bytes: RwLock::new(0),
            participants: Memo::new(),
            sort_keys: Memo::new(),
        }
    }

    /// The searcher everything here is computed for.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// The column `name` (a fast-field name, `attrs.NAME` for attributes), resolved once.
    pub fn column(&self, name: &str) -> Result<Arc<Column>> {
        self.columns
            .get_or_try(&name.to_string(), || resolve_column(&self.searcher, name))
    }

    /// The passages passing a filter, per segment: `key` names the filter (its values
    /// normalised), `make` computes them (with [`Columns::passing`]) when they are not kept.
    pub fn filter(
        &self,
        key: String,
        make: impl FnOnce() -> Result<SegmentBitmaps>,
    ) -> Result<Arc<SegmentBitmaps>> {
        if let Some(found) = self.filters.read().get(&key) {
            return Ok(Arc::clone(found));
        }
        let bitmaps = Arc::new(make()?);
        let bytes: usize = bitmaps.iter().map(Passing::bytes).sum();
        let mut held = self
            .filter_bytes
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if *held + bytes <= FILTER_CACHE_BYTES {
            *held += bytes;
            self.filters
                .entries
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, Arc::clone(&bitmaps));
        }
        Ok(bitmaps)
    }

    /// The live passages for which `passes` holds, given their value numbers in `columns`.
    pub fn passing(
        &self,
        columns: &[Arc<Column>],
        passes: impl Fn(&[u32]) -> bool,
    ) -> SegmentBitmaps {
        let mut ords = vec![NONE; columns.len()];
        self.searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(segment, reader)| {
                let docs = alive_docs(reader).filter(|&doc| {
                    for (ord, column) in ords.iter_mut().zip(columns) {
                        *ord = column.ords[segment][doc as usize];
                    }
                    passes(&ords)
                });
                Passing::new(RoaringBitmap::from_sorted_iter(docs).unwrap_or_default())
            })
            .collect()
    }

    /// For each value of column `name`: the distinct speakers of every passage that has it.
    pub fn participants(&self, name: &str) -> Result<Arc<Vec<u64>>> {
        self.participants.get_or_try(&name.to_string(), || {
            let column = self.column(name)?;
            let speakers = self.column(names::SPEAKER)?;
            let mut tally = crate::search::facets::FacetTally::new(column, speakers);
            for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
                let mut counter = tally.segment(segment);
                alive_docs(reader).for_each(|doc| counter.count(doc));
            }
            Ok(tally.into_participants())
        })
    }

    /// Each passage's sort key for `order` (`"doc"` or `"date"`): its document's rank in
    /// `rank_of`, then its ordinal; smaller first.
    pub fn sort_keys(
        &self,
        order: &'static str,
        rank_of: impl Fn(&str) -> u32,
    ) -> Result<Arc<Vec<Vec<u64>>>> {
        self.sort_keys.get_or_try(&order, || {
            let documents = self.column(names::DOC_ID)?;
            let ranks: Vec<u64> = documents
                .values
                .iter()
                .map(|id| u64::from(rank_of(id)))
                .collect();
            self.searcher
                .segment_readers()
                .iter()
                .enumerate()
                .map(|(segment, reader)| {
                    let ordinals = reader.fast_fields().u64(names::ORDINAL)?;
                    Ok((0..reader.max_doc())
                        .map(|doc| {
                            let rank = match documents.ords[segment][doc as usize] {
                                NONE => u64::from(u32::MAX),
                                ord => ranks[ord as usize],
                            };
                            let ordinal = ordinals.first(doc).unwrap_or(0);
                            (rank << 32) | ordinal.min(u64::from(u32::MAX))
                        })
                        .collect())
                })
                .collect()
        })
    }
}

/// The passages of a segment that are not deleted, in order.
pub fn alive_docs(reader: &SegmentReader) -> impl Iterator<Item = DocId> + '_ {
    let alive = reader.alive_bitset();
    (0..reader.max_doc()).filter(move |&doc| alive.is_none_or(|a| a.is_alive(doc)))
}

/// Numbers the values of a column across segments and maps every passage to its number.
fn resolve_column(searcher: &Searcher, name: &str) -> Result<Column> {
    if name == names::YEAR {
        return resolve_years(searcher);
    }
    let readers = searcher.segment_readers();
    let mut dictionaries = Vec::with_capacity(readers.len());
    let mut values = BTreeSet::new();
    for reader in readers {
        let column = reader.fast_fields().str(name)?;
        let mut terms = Vec::new();
        if let Some(column) = &column {
            let mut value = String::new();
            for ord in 0..column.num_terms() as u64 {
                value.clear();
                if column
                    .ord_to_str(ord, &mut value)
                    .map_err(tantivy::TantivyError::from)?
                {
                    terms.push(value.clone());
                }
            }
        }
        values.extend(terms.iter().cloned());
        dictionaries.push((column, terms));
    }
    let values: Vec<String> = values.into_iter().collect();
    let ords = readers
        .iter()
        .zip(dictionaries)
        .map(|(reader, (column, terms))| {
            let global: Vec<u32> = terms
                .iter()
                .map(|t| values.binary_search(t).map_or(NONE, |i| i as u32))
                .collect();
            (0..reader.max_doc())
                .map(|doc| {
                    column
                        .as_ref()
                        .and_then(|c| c.term_ords(doc).next())
                        .map_or(NONE, |ord| global[ord as usize])
                })
                .collect()
        })
        .collect();
    Ok(Column { values, ords })
}

/// The year column: numeric, numbered in year order.
fn resolve_years(searcher: &Searcher) -> Result<Column> {
    let readers = searcher.segment_readers();
    let columns = readers
        .iter()
        .map(|reader| reader.fast_fields().i64(names::YEAR).ok())
        .collect::<Vec<_>>();
    let mut years = BTreeSet::new();
    for (reader, column) in readers.iter().zip(&columns) {
        if let Some(column) = column {
            for doc in 0..reader.max_doc() {
                years.extend(column.values_for_doc(doc));
            }
        }
    }
    let years: Vec<i64> = years.into_iter().collect();
    let ords = readers
        .iter()
        .zip(&columns)
        .map(|(reader, column)| {
            (0..reader.max_doc())
                .map(|doc| {
                    column
                        .as_ref()
                        .and_then(|c| c.values_for_doc(doc).next())
                        .and_then(|year| years.binary_search(&year).ok())
                        .map_or(NONE, |i| i as u32)
                })
                .collect()
        })
        .collect();
    Ok(Column {
        values: years.iter().map(ToString::to_string).collect(),
        ords,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passing(docs: &[u32]) -> Passing {
        Passing::new(docs.iter().copied().collect())
    }

    #[test]
    fn a_filter_passing_nothing_contains_no_passage() {
        // A segment where no passage passes has an empty bitmap: its bit set has no room at
        // all, and no passage (the first included) may read as passing.
        let none = passing(&[]);
        assert!(none.docs.is_empty());
        assert!((0..64).chain([u32::MAX - 1]).all(|doc| !none.contains(doc)));
        assert_eq!(none.bytes(), none.docs.serialized_size());
    }

    #[test]
    fn passages_beyond_the_last_passing_one_do_not_pass() {
        // The bit set ends at the last passing passage; later ones must be refused by the
        // bound check, not read past the set's end.
        let some = passing(&[0, 3, 64]);
        let passed: Vec<u32> = (0..200).filter(|&doc| some.contains(doc)).collect();
        assert_eq!(passed, [0, 3, 64]);
        assert!(!some.contains(u32::MAX - 1));
    }

    #[test]
    fn combined_filters_keep_only_passages_in_both() {
        let both = passing(&[1, 5, 9, 130]).and(&passing(&[5, 130, 131]));
        assert_eq!(both.docs.iter().collect::<Vec<_>>(), [5, 130]);
        assert!(!both.contains(1) && !both.contains(131));
        // Filters with nothing in common leave nothing, whichever side is empty.
        assert!(passing(&[1, 2]).and(&passing(&[3])).docs.is_empty());
        assert!(!passing(&[]).and(&passing(&[3])).contains(3));
        assert!(!passing(&[3]).and(&passing(&[])).contains(3));
    }
}
