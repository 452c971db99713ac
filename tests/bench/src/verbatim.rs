//! Verbatim itself, driven through its public library: `indexer::build` over the generated
//! corpus files, and `Index::search` with the same requests the server builds from HTTP.

use std::path::Path;

use anyhow::{Context, Result, bail};
use indexer::api::{FacetField, Filters, SearchRequest};
use indexer::{BuildOptions, Index};

use super::queries::BenchQuery;

/// Builds the index of the corpus in `corpus` into `index_dir`; returns the passages indexed.
pub fn build(corpus: &Path, index_dir: &Path) -> Result<u64> {
    let report = indexer::build(corpus, index_dir, &BuildOptions::default())
        .with_context(|| format!("indexing {}", corpus.display()))?;
    if let Some(error) = report.errors.first() {
        bail!(
            "the generated corpus has {} errors, the first: {error}",
            report.errors.len()
        );
    }
    Ok(report.passages)
}

/// The request Verbatim's server makes of `GET /v1/search` for `query` (top 10, highlights on).
pub fn request(query: &BenchQuery) -> SearchRequest {
    SearchRequest {
        q: query.verbatim_text(),
        filters: Filters {
            role: query.role.iter().cloned().collect(),
            site: query.site.iter().cloned().collect(),
            ..Filters::default()
        },
        facets: if query.facets {
            vec![FacetField::Role, FacetField::Site]
        } else {
            Vec::new()
        },
        limit: 10,
        ..SearchRequest::default()
    }
}

/// Runs `query`; returns the total.
pub fn search(index: &Index, query: &BenchQuery) -> Result<u64> {
    let response = index
        .search(&request(query))
        .with_context(|| format!("searching {:?}", query.verbatim_text()))?;
    Ok(response.total)
}
