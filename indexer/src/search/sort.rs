//! Sort keys for the orders that are not relevance: hits by document (id or newest date first),
//! then by passage, computed from fast fields without reading stored documents.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::SegmentReader;

use crate::api::Sort;
use crate::catalog::{Catalog, CatalogDocument};
use crate::schema::names;

/// Per-document sort positions, so hits can be ordered by document without reading stored fields.
pub struct DocRanks {
    by_id: HashMap<String, u32>,
    by_date: HashMap<String, u32>,
}

impl DocRanks {
    /// The ranks of the catalog's documents.
    pub fn new(catalog: &Catalog) -> DocRanks {
        let by_id = catalog
            .documents
            .keys()
            .enumerate()
            .map(|(rank, id)| (id.to_string(), rank as u32))
            .collect();
        let mut by_date: Vec<&CatalogDocument> = catalog.documents.values().collect();
        by_date.sort_by(|a, b| {
            b.document
                .date_key()
                .cmp(&a.document.date_key())
                .then_with(|| a.document.id.cmp(&b.document.id))
        });
        let by_date = by_date
            .into_iter()
            .enumerate()
            .map(|(rank, d)| (d.document.id.to_string(), rank as u32))
            .collect();
        DocRanks { by_id, by_date }
    }

    /// A document's position in the order of `sort` (`Date`: newest first; otherwise by id).
    pub fn rank(&self, sort: Sort, doc: &str) -> Option<u32> {
        self.table(sort).get(doc).copied()
    }

    fn table(&self, sort: Sort) -> &HashMap<String, u32> {
        match sort {
            Sort::Date => &self.by_date,
            _ => &self.by_id,
        }
    }

    /// A sort key computer ordering hits by document rank then passage ordinal, ascending.
    pub fn sort_key(
        self: &Arc<Self>,
        sort: Sort,
    ) -> impl Fn(
        &SegmentReader,
    ) -> Box<dyn FnMut(tantivy::DocId) -> std::cmp::Reverse<u64> + Send + Sync>
    + Send
    + Sync
    + 'static {
        let ranks = Arc::clone(self);
        move |segment: &SegmentReader| {
            let fast = segment.fast_fields();
            let table = ranks.table(sort);
            // Term ordinals are per segment: map each to its document's global rank once.
            let doc_ids = fast.str(names::DOC_ID).ok().flatten();
            let rank_of_ord: Vec<u64> = doc_ids.as_ref().map_or_else(Vec::new, |column| {
                let mut value = String::new();
                (0..column.num_terms() as u64)
                    .map(|ord| {
                        let found = column.ord_to_str(ord, &mut value).unwrap_or(false);
                        let rank = if found {
                            table.get(value.as_str()).copied()
                        } else {
                            None
                        };
                        u64::from(rank.unwrap_or(u32::MAX))
                    })
                    .collect()
            });
            let ordinals = fast.u64(names::ORDINAL).ok();
            Box::new(move |doc: tantivy::DocId| {
                let rank = doc_ids
                    .as_ref()
                    .and_then(|c| c.term_ords(doc).next())
                    .map_or(u64::from(u32::MAX), |ord| rank_of_ord[ord as usize]);
                let ordinal = ordinals.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                std::cmp::Reverse((rank << 32) | ordinal.min(u64::from(u32::MAX)))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Kind};

    fn catalog(dates: &[(&str, Option<&str>)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (id, date) in dates {
            let document = Document {
                date: date.map(Into::into),
                ..Document::example(id, Kind::Report)
            };
            catalog.documents.insert(
                document.id.clone(),
                CatalogDocument {
                    document,
                    passages: 1,
                },
            );
        }
        catalog
    }

    #[test]
    fn documents_rank_by_id_and_by_newest_date() {
        let ranks = DocRanks::new(&catalog(&[
            ("b-2019", Some("2019-04-01")),
            ("a-2015", Some("2015")),
            ("d-undated", None),
            ("c-2019", Some("2019-04-01")),
        ]));
        let order = |table: &HashMap<String, u32>| {
            let mut ids: Vec<&String> = table.keys().collect();
            ids.sort_by_key(|id| table[*id]);
            ids.into_iter().cloned().collect::<Vec<_>>()
        };
        assert_eq!(
            order(&ranks.by_id),
            ["a-2015", "b-2019", "c-2019", "d-undated"]
        );
        // Newest first; one date ties by id; undated documents last.
        assert_eq!(
            order(&ranks.by_date),
            ["b-2019", "c-2019", "a-2015", "d-undated"]
        );
    }
}
