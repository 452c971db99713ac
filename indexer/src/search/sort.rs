//! The orders that are not relevance: hits by document (id or newest date first), then by
//! passage. Each document's rank is known from the catalog; each passage's sort key (rank, then
//! ordinal) is computed once per open index from fast fields (see `columns`).

use std::collections::HashMap;

use crate::api::Sort;
use crate::catalog::{Catalog, CatalogDocument};

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
                    reading: None,
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
