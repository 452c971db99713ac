//! What `verbatim batch` produces: sections of quotes, each with the search that filled it. The
//! command builds it and the output formats write it.

use indexer::api::{Hit, SearchRequest, SearchResponse};
use serde::Serialize;

/// The batch output: sections in file order, each with the request that filled it.
#[derive(Debug, Serialize)]
pub struct Appendix {
    /// The file's `title`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One entry per section, in file order.
    pub sections: Vec<SectionQuotes>,
}

/// One section's quotes.
#[derive(Debug, Serialize)]
pub struct SectionQuotes {
    /// The section heading (the query, for plain query files).
    pub heading: String,
    /// The search that was run.
    pub request: SearchRequest,
    /// Passages matching it (more than are listed when `limit` cut the list).
    pub total: u64,
    /// The listed hits, in corpus order.
    pub hits: Vec<Hit>,
}

impl Appendix {
    /// A search's page of hits as an appendix of one section, headed by what was searched.
    pub fn of_search(request: &SearchRequest, response: &SearchResponse) -> Appendix {
        Appendix {
            title: None,
            sections: vec![SectionQuotes {
                heading: crate::words::describe_search(&request.q, &request.filters),
                request: request.clone(),
                total: response.total,
                hits: response.hits.clone(),
            }],
        }
    }
}
