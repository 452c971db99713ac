//! Cross-tabs (matrix queries): rows of queries, columns of a field's values, and in each cell the
//! matching passages, the distinct participants who said them, and the rate per 10,000 words of
//! the column's text, so that a group that talked twice as much does not look twice as keen.
//!
//! The cells are the facet counts (passages and distinct speakers) of each row's search, so a
//! cell's figures are those of the search it carries; the columns' word totals are computed once
//! per open index and field.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::api::{
    CrosstabCell, CrosstabColumn, CrosstabRequest, CrosstabResponse, CrosstabRowResult, FacetCount,
    FacetField, Filters, SearchRequest, row_name,
};
use crate::compare::cache::ColumnWords;
use crate::compare::groups::GroupDocs;
use crate::compare::stats::per_10k;
use crate::error::{Error, Result};
use crate::search::Index;

impl Index {
    /// A cross-tab of `req.rows` (queries) by the values of `req.by`.
    #[tracing::instrument(skip(self))]
    pub fn crosstab(&self, req: &CrosstabRequest) -> Result<CrosstabResponse> {
        let started = Instant::now();
        req.validate()?;
        let by = &req.by;
        let columns = self
            .facet_values(by, "", &req.filters)
            .map_err(|error| blame_by(error, by))?;
        let words = self.column_words(by, &req.filters, &columns)?;
        let columns: Vec<CrosstabColumn> = columns
            .into_iter()
            .map(|facet| CrosstabColumn {
                words: words.get(&facet.value).copied().unwrap_or(0),
                participants: facet.participants,
                value: facet.value,
                passages: facet.count,
            })
            .collect();
        let rows = req
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let (total, counts) = self
                    .total_and_facet_values(by, &row.q, &req.filters)
                    .map_err(|e| blame_row(e, i))?;
                let counts: HashMap<String, FacetCount> = counts
                    .into_iter()
                    .map(|facet| (facet.value.clone(), facet))
                    .collect();
                let cells = columns
                    .iter()
                    .map(|column| cell(&row.q, &req.filters, by, column, counts.get(&column.value)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(CrosstabRowResult {
                    label: row.shown_label(),
                    q: row.q.clone(),
                    total,
                    cells,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CrosstabResponse {
            by: by.clone(),
            filters: req.filters.clone(),
            columns,
            rows,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            unknown_values: self.unknown_values(&req.filters)?,
        })
    }

    /// Words per value of `by` among the passages passing `filters` (cached).
    fn column_words(
        &self,
        by: &FacetField,
        filters: &Filters,
        columns: &[FacetCount],
    ) -> Result<Arc<ColumnWords>> {
        self.comparisons()
            .column_words(&by.to_string(), filters, || {
                let searcher = self.searcher();
                columns
                    .iter()
                    .map(|column| {
                        let narrowed = filters.narrowed(by, &column.value)?;
                        let docs = GroupDocs::collect(&searcher, &*self.filter_query(&narrowed)?)?;
                        Ok((column.value.clone(), docs.words))
                    })
                    .collect()
            })
    }
}

/// A row's cell in `column`, from the row search's facet count of the column's value (none: the
/// query matches nothing there).
fn cell(
    q: &str,
    filters: &Filters,
    by: &FacetField,
    column: &CrosstabColumn,
    count: Option<&FacetCount>,
) -> Result<CrosstabCell> {
    let passages = count.map_or(0, |facet| facet.count);
    Ok(CrosstabCell {
        passages,
        participants: count.map_or(0, |facet| facet.participants),
        per_10k_words: per_10k(passages, column.words),
        search: SearchRequest {
            filters: filters.narrowed(by, &column.value)?,
            ..SearchRequest::new(q)
        },
    })
}

/// An error about the facet field, renamed to the request's `by`.
fn blame_by(error: Error, by: &FacetField) -> Error {
    match error {
        Error::InvalidValue { reason, hint, .. } => Error::InvalidValue {
            field: "by".into(),
            reason: format!("{by}: {reason}"),
            hint,
        },
        other => other,
    }
}

/// An error about a row's query, renamed to name the row.
fn blame_row(error: Error, row: usize) -> Error {
    match error {
        Error::InvalidValue {
            field,
            reason,
            hint,
        } if field == "q" => Error::InvalidValue {
            field: row_name(row),
            reason,
            hint,
        },
        Error::Query {
            column,
            reason,
            hint,
        } => Error::Query {
            column,
            reason: format!("{reason} in {}", row_name(row)),
            hint,
        },
        other => other,
    }
}
