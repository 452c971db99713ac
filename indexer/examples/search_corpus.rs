//! Builds an index of a corpus and runs one search, printing each quote with its citation.
//!
//! ```sh
//! cargo run -p indexer --example search_corpus -- corpus '"more than co-location"' GP
//! ```
//! Arguments: corpus directory, query, and optionally a role or role group to filter on.

use indexer::api::{FacetField, Filters, SearchRequest};
use indexer::{BuildOptions, Index};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = args.next().unwrap_or_else(|| "corpus".into());
    let query = args.next().unwrap_or_default();
    let role: Vec<String> = args.next().into_iter().collect();

    // Build (or bring up to date) an index in a temp dir; a real deployment keeps it.
    let dir = tempfile::tempdir()?;
    let report = indexer::build(corpus.as_ref(), dir.path(), &BuildOptions::default())?;
    eprintln!(
        "{} passages from {} documents",
        report.passages, report.documents
    );

    // Search: the same request the server takes as JSON and the CLI builds from flags.
    let index = Index::open(dir.path())?;
    let request = SearchRequest {
        filters: Filters {
            role,
            ..Filters::default()
        },
        facets: vec![FacetField::RoleGroup],
        limit: 100,
        ..SearchRequest::new(query)
    };
    let response = index.search(&request)?;
    for hit in &response.hits {
        println!("> {}\n{}\n", hit.passage.text, hit.passage.citation);
    }
    println!(
        "{} matches; by role group: {:?}",
        response.total, response.facets["role_group"]
    );
    Ok(())
}
