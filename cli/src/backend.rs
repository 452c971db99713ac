//! Where requests go: a Verbatim server over HTTP ([`Remote`]) or an index opened in-process
//! ([`indexer::Index`]). Both take and return the same `indexer::api` types, so the commands and
//! output formats do not know which one they talk to.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use indexer::api::{CollocatesRequest, CollocatesResponse};
use indexer::api::{CreateSetRequest, RerunRequest, RerunResponse, SetDetail, UpdateSetRequest};
use indexer::api::{
    CrosstabRequest, CrosstabResponse, DocumentDetail, DocumentList, DocumentsRequest, FacetCount,
    FacetField, FacetQuery, Filters, KeynessRequest, KeynessResponse, ParticipantInfo,
    PassageDetail, PassageQuery, QueryForm, QueryPairs, SearchRequest, SearchResponse, Stats,
    VerifyRequest, VerifyResponse,
};
use indexer::sets::{SetList, SetName};
use indexer::verify::Draft;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::messages::engine_error;

/// How to start a server, for messages about an unreachable one.
const START_SERVER: &str = "start it with `verbatim-server --corpus DIR` (or `cargo run --release -p server` in the \
     repository), point --server or VERBATIM_URL at a running one, or search an index directly with --index DIR";

/// Responses larger than this are refused (a whole document is a few megabytes at most).
const MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

/// A search backend.
pub enum Backend {
    /// A server, over HTTP.
    Remote(Remote),
    /// An index opened in this process.
    Local(indexer::LiveIndex),
}

/// Where to search, as the command line says.
#[derive(Debug, Clone)]
pub struct Source {
    /// The server's address.
    pub server: String,
    /// The server's API key, if it needs one.
    pub api_key: Option<String>,
    /// An index directory to open instead of asking a server.
    pub index: Option<PathBuf>,
}

impl Backend {
    /// The index directory when one is given, else the server.
    pub fn open(source: &Source) -> anyhow::Result<Backend> {
        match &source.index {
            Some(dir) => open_index(dir).map(Backend::Local),
            None => Remote::new(&source.server, source.api_key.clone()).map(Backend::Remote),
        }
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> anyhow::Result<SearchResponse> {
        match self {
            Backend::Remote(remote) => remote.post("/v1/search", request),
            Backend::Local(index) => index.latest().search(request).map_err(engine_error),
        }
    }

    /// A cross-tab of queries by the values of a field.
    pub fn crosstab(&self, request: &CrosstabRequest) -> anyhow::Result<CrosstabResponse> {
        match self {
            Backend::Remote(remote) => remote.post("/v1/crosstab", request),
            Backend::Local(index) => index.latest().crosstab(request).map_err(engine_error),
        }
    }

    /// The key terms of a group against another (or everyone else).
    pub fn keyness(&self, request: &KeynessRequest) -> anyhow::Result<KeynessResponse> {
        match self {
            Backend::Remote(remote) => remote.post("/v1/keyness", request),
            Backend::Local(index) => index.latest().keyness(request).map_err(engine_error),
        }
    }

    /// Checks every quote of a draft (a Word draft goes to a server as the file itself).
    pub fn verify(&self, draft: Draft) -> anyhow::Result<VerifyResponse> {
        match (self, draft) {
            (Backend::Remote(remote), Draft::Text { text, format }) => remote.post(
                "/v1/verify",
                &VerifyRequest {
                    text: text.to_string(),
                    format,
                },
            ),
            (Backend::Remote(remote), Draft::Docx(bytes)) => {
                remote.post_file("/v1/verify", render::Format::Docx.media_type(), bytes)
            }
            (Backend::Local(index), draft) => index.latest().verify(draft).map_err(engine_error),
        }
    }

    /// The collocates of a word or phrase.
    pub fn collocates(&self, request: &CollocatesRequest) -> anyhow::Result<CollocatesResponse> {
        match self {
            Backend::Remote(remote) => remote.post("/v1/collocates", request),
            Backend::Local(index) => index.latest().collocates(request).map_err(engine_error),
        }
    }

    /// Every value of `field` with its count over passages matching `q` and `filters`.
    pub fn facet_values(
        &self,
        field: &FacetField,
        q: &str,
        filters: &Filters,
    ) -> anyhow::Result<Vec<FacetCount>> {
        match self {
            Backend::Remote(remote) => {
                let query = FacetQuery {
                    q: q.to_string(),
                    filters: filters.clone(),
                };
                remote.get(&format!("/v1/facets/{field}"), &query.to_query())
            }
            Backend::Local(index) => index
                .latest()
                .facet_values(field, q, filters)
                .map_err(engine_error),
        }
    }

    /// A page of documents, ordered by id.
    pub fn documents(&self, request: &DocumentsRequest) -> anyhow::Result<DocumentList> {
        match self {
            Backend::Remote(remote) => remote.get("/v1/documents", &request.to_query()),
            Backend::Local(index) => index.latest().documents(request).map_err(engine_error),
        }
    }

    /// A document with all its passages.
    pub fn document(&self, id: &str) -> anyhow::Result<DocumentDetail> {
        match self {
            Backend::Remote(remote) => remote.get(&format!("/v1/documents/{id}"), &Vec::new()),
            Backend::Local(index) => index.latest().document(id).map_err(engine_error),
        }
    }

    /// Passage `ordinal` of document `id` with `context` neighbours either side.
    pub fn passage(&self, id: &str, ordinal: u32, context: usize) -> anyhow::Result<PassageDetail> {
        match self {
            Backend::Remote(remote) => remote.get(
                &format!("/v1/documents/{id}/passages/{ordinal}"),
                &PassageQuery { context }.to_query(),
            ),
            Backend::Local(index) => index
                .latest()
                .passage(id, ordinal, context)
                .map_err(engine_error),
        }
    }

    /// Every participant, ordered by id.
    pub fn participants(&self) -> anyhow::Result<Vec<ParticipantInfo>> {
        match self {
            Backend::Remote(remote) => remote.get("/v1/participants", &Vec::new()),
            Backend::Local(index) => index.latest().participants().map_err(engine_error),
        }
    }

    /// Size and build time of the index.
    pub fn stats(&self) -> anyhow::Result<Stats> {
        match self {
            Backend::Remote(remote) => remote.get("/v1/stats", &Vec::new()),
            Backend::Local(index) => index.latest().stats().map_err(engine_error),
        }
    }
}

/// Hit sets: the server's `/v1/sets` routes, or the sets folder of the index directory.
impl Backend {
    /// Every set, with an error for each set file that does not read.
    pub fn sets(&self) -> anyhow::Result<SetList> {
        match self {
            Backend::Remote(remote) => remote.get("/v1/sets", &Vec::new()),
            Backend::Local(index) => indexer::sets::list(&index.latest()).map_err(engine_error),
        }
    }

    /// A set with its passages widened to its unit.
    pub fn set(&self, name: &SetName) -> anyhow::Result<SetDetail> {
        match self {
            Backend::Remote(remote) => remote.get(&set_path(name, ""), &Vec::new()),
            Backend::Local(index) => {
                indexer::sets::get(&index.latest(), name).map_err(engine_error)
            }
        }
    }

    /// Saves a search's matches as a new set.
    pub fn create_set(&self, request: &CreateSetRequest) -> anyhow::Result<SetDetail> {
        match self {
            Backend::Remote(remote) => remote.post("/v1/sets", request),
            Backend::Local(index) => {
                indexer::sets::create(&index.latest(), request).map_err(engine_error)
            }
        }
    }

    /// Drops, adds, widens or re-describes a set's passages.
    pub fn update_set(
        &self,
        name: &SetName,
        request: &UpdateSetRequest,
    ) -> anyhow::Result<SetDetail> {
        match self {
            Backend::Remote(remote) => remote.patch(&set_path(name, ""), request),
            Backend::Local(index) => {
                indexer::sets::update(&index.latest(), name, request).map_err(engine_error)
            }
        }
    }

    /// Deletes a set.
    pub fn delete_set(&self, name: &SetName) -> anyhow::Result<()> {
        match self {
            Backend::Remote(remote) => remote.delete(&set_path(name, "")),
            Backend::Local(index) => {
                indexer::sets::delete(&index.latest(), name).map_err(engine_error)
            }
        }
    }

    /// Compares a set with its query's answer today, taking the changes in with `accept`.
    pub fn rerun_set(
        &self,
        name: &SetName,
        request: &RerunRequest,
    ) -> anyhow::Result<RerunResponse> {
        match self {
            Backend::Remote(remote) => remote.post(&set_path(name, "/rerun"), request),
            Backend::Local(index) => {
                indexer::sets::rerun(&index.latest(), name, request).map_err(engine_error)
            }
        }
    }
}

/// `/v1/sets/NAME` then `tail`, the name percent-encoded (it may hold spaces and non-ASCII letters).
fn set_path(name: &SetName, tail: &str) -> String {
    let name =
        percent_encoding::utf8_percent_encode(name.as_str(), percent_encoding::NON_ALPHANUMERIC);
    format!("/v1/sets/{name}{tail}")
}

fn open_index(dir: &Path) -> anyhow::Result<indexer::LiveIndex> {
    indexer::LiveIndex::open(dir)
        .map_err(engine_error)
        .with_context(|| format!("--index {}", dir.display()))
}

/// A Verbatim server.
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    api_key: Option<String>,
}

/// The body of every error response: `{"error": {"code", "message", "hint"}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
    #[serde(default)]
    hint: Option<String>,
}

impl Remote {
    /// A client for the server at `url` (`http://host:port`, optionally with a path prefix).
    /// The request with the key, when there is one.
    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.api_key {
            Some(key) => request.header("Authorization", format!("Bearer {key}")),
            None => request,
        }
    }

    pub fn new(url: &str, api_key: Option<String>) -> anyhow::Result<Remote> {
        let base = url.trim().trim_end_matches('/').to_string();
        if base.starts_with("https://") {
            bail!(
                "--server (or VERBATIM_URL) {base}: this build speaks plain HTTP only\n  hint: reach the server over http:// \
                 (e.g. through an SSH tunnel), or search an index directly with --index DIR"
            );
        }
        if !base.starts_with("http://") {
            bail!(
                "--server (or VERBATIM_URL) {url:?} is not an http:// address\n  hint: write e.g. http://127.0.0.1:8490"
            );
        }
        let config = ureq::Agent::config_builder()
            // Error statuses carry the server's explanation in the body: read it, don't discard it.
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(300)))
            .user_agent(concat!("verbatim/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Remote {
            agent: config.new_agent(),
            base,
            api_key: api_key.filter(|k| !k.is_empty()),
        })
    }

    fn get<T: DeserializeOwned>(&self, path: &str, query: &QueryPairs) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let mut request = self.authorized(self.agent.get(&url));
        for (key, value) in query {
            request = request.query(key, value);
        }
        self.finish(&url, request.call())
    }

    fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let request = self.authorized(self.agent.post(&url));
        self.finish(&url, request.send_json(body))
    }

    fn post_file<T: DeserializeOwned>(
        &self,
        path: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let request = self.authorized(self.agent.post(&url).header("Content-Type", media_type));
        self.finish(&url, request.send(bytes))
    }

    fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let request = self.authorized(self.agent.patch(&url));
        self.finish(&url, request.send_json(body))
    }

    /// A `DELETE`, whose success has no body.
    fn delete(&self, path: &str) -> anyhow::Result<()> {
        let url = format!("{}{path}", self.base);
        let request = self.authorized(self.agent.delete(&url));
        let response = request.call().map_err(|e| self.unreachable(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response
            .into_body()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .unwrap_or_default();
        Err(server_error(status.as_u16(), &text, &url))
    }

    fn finish<T: DeserializeOwned>(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> anyhow::Result<T> {
        let response = result.map_err(|e| self.unreachable(e))?;
        let status = response.status();
        let text = response
            .into_body()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| anyhow!("reading the answer of {url}: {e}"))?;
        if !status.is_success() {
            return Err(server_error(status.as_u16(), &text, url));
        }
        serde_json::from_str(&text).map_err(|e| {
            anyhow!(
                "{url} answered with JSON this version of verbatim does not understand: {e}\n  hint: \
                 use a verbatim client of the same version as the server"
            )
        })
    }

    fn unreachable(&self, error: ureq::Error) -> anyhow::Error {
        anyhow!(
            "cannot reach the Verbatim server at {}: {error}\n  hint: {START_SERVER}",
            self.base
        )
    }
}

/// The server's explanation of an error response, or what we can tell when there is none.
fn server_error(status: u16, body: &str, url: &str) -> anyhow::Error {
    let Ok(ErrorBody { error }) = serde_json::from_str::<ErrorBody>(body) else {
        let excerpt: String = body.chars().take(200).collect();
        return anyhow!(
            "{url} answered HTTP {status}: {excerpt}\n  hint: is --server pointing at a Verbatim server?"
        );
    };
    let hint = match error.code.as_str() {
        "missing_api_key" | "invalid_api_key" => Some(
            "pass the server's key with --api-key KEY or the VERBATIM_API_KEY environment variable"
                .to_string(),
        ),
        _ => error.hint,
    };
    with_hint(&error.message, hint.as_deref())
}

fn with_hint(message: &str, hint: Option<&str>) -> anyhow::Error {
    match hint {
        Some(hint) => anyhow!("{message}\n  hint: {hint}"),
        None => anyhow!("{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_show_message_and_hint() {
        let body = r#"{"error":{"code":"invalid_query","message":"query, column 14: unclosed quote","hint":"close the phrase with a second \""}}"#;
        let text = server_error(400, body, "http://h/v1/search").to_string();
        assert_eq!(
            text,
            "query, column 14: unclosed quote\n  hint: close the phrase with a second \""
        );
    }

    #[test]
    fn auth_errors_say_how_to_pass_the_key() {
        let body =
            r#"{"error":{"code":"missing_api_key","message":"this server requires an API key"}}"#;
        let text = server_error(401, body, "http://h/v1/search").to_string();
        assert!(
            text.contains("--api-key") && text.contains("VERBATIM_API_KEY"),
            "{text}"
        );
    }

    #[test]
    fn foreign_error_pages_name_the_url() {
        let text = server_error(502, "<html>Bad gateway</html>", "http://h/v1/stats").to_string();
        assert!(
            text.starts_with("http://h/v1/stats answered HTTP 502: <html>"),
            "{text}"
        );
    }

    #[test]
    fn only_http_addresses() {
        assert!(Remote::new("https://example.org", None).is_err());
        assert!(Remote::new("127.0.0.1:8490", None).is_err());
        assert_eq!(
            Remote::new("http://127.0.0.1:8490/", None).unwrap().base,
            "http://127.0.0.1:8490"
        );
    }
}
