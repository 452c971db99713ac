//! Searching an index: query parsing, filters, facet counts, highlights, context and citations.
//!
//! [`Index`] is the one entry point the server and the CLI use; it answers with the
//! [`crate::api`] types, so both give identical results.

mod collect;
pub(crate) mod columns;
mod facets;
mod filter;
mod highlight;
pub(crate) mod passages;
mod query;
mod sort;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tantivy::query::{AllQuery, EnableScoring, Query};
use tantivy::{ReloadPolicy, Searcher};

pub use filter::Filter;
pub(crate) use filter::resolve_attribute;
pub(crate) use query::QueryPlan;
pub use query::{Node, parse};
pub(crate) use sort::DocRanks;

use crate::analysis::{self, PairWords};
use crate::api::{
    DocumentDetail, DocumentInfo, DocumentList, DocumentsRequest, FACET_VALUES_IN_SEARCH,
    FacetCount, FacetField, Filters, Hit, Holding, ParticipantInfo, PassageDetail, SearchRequest,
    SearchResponse, Sort, Stats, UnknownValue,
};
use crate::catalog::{Catalog, CatalogDocument};
use crate::error::{Error, Result};
use crate::model::{DocId, Document};
use crate::schema::Fields;
use crate::store::current_generation;
use collect::{Collected, Ranking, collect};
use columns::{Columns, SegmentBitmaps};
use facets::{FacetTally, column_name};
use highlight::{Highlighter, snippet};
use passages::{CitedSources, StoredPassage};

/// An open index: the tantivy index plus the catalog of documents and participants.
/// Searches only need `&Index`, so one can be shared between threads.
pub struct Index {
    dir: PathBuf,
    generation: PathBuf,
    /// The one searcher of the generation: an open index never reloads.
    searcher: Searcher,
    fields: Fields,
    catalog: Catalog,
    /// Participant attribute names (columns of the participants sheet).
    attributes: BTreeSet<String>,
    /// Position of each document in id order and in date order (newest first).
    ranks: DocRanks,
    /// Columns, filter bitmaps, corpus participants and sort keys, resolved on first use.
    columns: Columns,
    /// The words indexed in pairs, for phrases.
    pair_words: PairWords,
    /// Group counts of cross-tabs and keyness, kept for the life of this generation.
    comparisons: crate::compare::Cache,
    /// What citations name each document by.
    cited: CitedSources,
    /// The words left out of keyness and collocates: the defaults with the corpus's edits.
    stop_words: crate::compare::StopWords,
}

impl Index {
    /// Opens the index that `verbatim-index` (or [`crate::build`]) wrote to `dir`.
    #[tracing::instrument]
    pub fn open(dir: &Path) -> Result<Index> {
        let generation = current_generation(dir).ok_or_else(|| Error::NoIndex {
            path: dir.to_path_buf(),
        })?;
        let catalog = Catalog::load(&generation)?;
        let index = tantivy::Index::open_in_dir(&generation)?;
        let pair_words: PairWords = Arc::new(catalog.pair_words.iter().cloned().collect());
        analysis::register(index.tokenizers(), &pair_words);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let attributes = catalog
            .participants
            .iter()
            .flat_map(|p| p.attrs.keys().cloned())
            .collect();
        let ranks = DocRanks::new(&catalog);
        let cited = CitedSources::new(catalog.documents.values().map(|d| &d.document));
        let stop_words = crate::compare::StopWords::new(&catalog.stop_words);
        let searcher = reader.searcher();
        Ok(Index {
            dir: dir.to_path_buf(),
            generation,
            columns: Columns::new(searcher.clone()),
            searcher,
            fields,
            catalog,
            attributes,
            ranks,
            pair_words,
            comparisons: crate::compare::Cache::default(),
            cited,
            stop_words,
        })
    }

    /// The index directory this was opened from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation directory this was opened at (the one `CURRENT` named then).
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// When this generation was built (RFC 3339, UTC).
    pub fn built_at(&self) -> &str {
        &self.catalog.built_at
    }

    /// Runs a search: hits for the page asked, total, and facet counts over all matches.
    #[tracing::instrument(skip(self), fields(q = %req.q))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        req.validate()?;
        let plan = query::QueryPlan::new(&req.q, self.fields, &self.pair_words)?;
        let (collected, columns) = self.collect(&plan, req)?;
        let mut highlighter = Highlighter::new(plan.highlights);
        let hits = collected
            .hits
            .into_iter()
            .skip(req.offset)
            .map(|(score, address)| {
                let passage = StoredPassage::load(&self.searcher, self.fields, address)?;
                self.hit(passage, score, req, &mut highlighter)
            })
            .collect::<Result<Vec<_>>>()?;
        let facets = req
            .facets
            .iter()
            .zip(columns)
            .zip(collected.facets)
            .map(|((field, column), tally)| {
                let of = self.columns.participants(&column)?;
                Ok((field.to_string(), tally.ranked(&of, FACET_VALUES_IN_SEARCH)))
            })
            .collect::<Result<_>>()?;
        Ok(SearchResponse {
            query: req.q.clone(),
            total: collected.total,
            // Microsecond precision: more digits would be noise.
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            hits,
            facets,
            unknown_values: self.unknown_values(&req.filters)?,
        })
    }

    /// The values of `filters` no passage of the corpus holds, with the values held.
    pub fn unknown_values(&self, filters: &Filters) -> Result<Vec<UnknownValue>> {
        filter::unknown_values(filters, &self.columns, &self.attributes)
    }

    /// Every value of `field` with its count over passages matching `q` and `filters`
    /// (`q` empty: all passages), most frequent first.
    pub fn facet_values(
        &self,
        field: &FacetField,
        q: &str,
        filters: &Filters,
    ) -> Result<Vec<FacetCount>> {
        Ok(self.total_and_facet_values(field, q, filters)?.1)
    }

    /// The number of passages matching `q` and `filters`, and every value of `field` among them
    /// as [`Index::facet_values`] gives it, in one pass.
    pub(crate) fn total_and_facet_values(
        &self,
        field: &FacetField,
        q: &str,
        filters: &Filters,
    ) -> Result<(u64, Vec<FacetCount>)> {
        let req = SearchRequest {
            q: q.to_string(),
            filters: filters.clone(),
            facets: vec![field.clone()],
            limit: 0,
            highlight: false,
            ..SearchRequest::default()
        };
        req.validate()?;
        let plan = query::QueryPlan::new(q, self.fields, &self.pair_words)?;
        let (collected, columns) = self.collect(&plan, &req)?;
        let of = self.columns.participants(&columns[0])?;
        let values = collected
            .facets
            .into_iter()
            .next()
            .map(|tally| tally.ranked(&of, usize::MAX))
            .unwrap_or_default();
        Ok((collected.total, values))
    }

    /// One pass over the matches of `plan` and the request's filters: the hits up to the
    /// request's page, the total, and a tally per requested facet (with its column's name).
    fn collect(
        &self,
        plan: &query::QueryPlan,
        req: &SearchRequest,
    ) -> Result<(Collected, Vec<String>)> {
        let filter = self.filter_passages(&req.filters)?;
        let mut columns = Vec::with_capacity(req.facets.len());
        let mut tallies = Vec::with_capacity(req.facets.len());
        for field in &req.facets {
            let name = column_name(field, &self.attributes)?;
            tallies.push(FacetTally::new(
                self.columns.column(&name)?,
                self.columns.column(crate::schema::names::SPEAKER)?,
            ));
            columns.push(name);
        }
        let sort = if plan.match_all && req.sort == Sort::Relevance {
            Sort::Doc
        } else {
            req.sort
        };
        let wanted = req.offset + req.limit;
        let keys;
        let ranking = match sort {
            _ if req.limit == 0 => Ranking::Nothing,
            Sort::Relevance => Ranking::by_score(wanted),
            Sort::Doc | Sort::Date => {
                keys = self.columns.sort_keys(sort.as_str(), |id| {
                    self.ranks.rank(sort, id).unwrap_or(u32::MAX)
                })?;
                Ranking::by_key(&keys, wanted)
            }
        };
        let scoring = if ranking.scores() {
            EnableScoring::enabled_from_searcher(&self.searcher)
        } else {
            EnableScoring::disabled_from_searcher(&self.searcher)
        };
        let weight = if plan.match_all {
            None
        } else {
            Some(plan.query.weight(scoring)?)
        };
        let collected = collect(
            &self.searcher,
            weight.as_deref(),
            filter.as_deref(),
            ranking,
            tallies,
        )?;
        Ok((collected, columns))
    }

    /// The passages passing the request's filters, per segment; `None` without filters.
    fn filter_passages(&self, filters: &Filters) -> Result<Option<Arc<SegmentBitmaps>>> {
        // An attribute given an empty list filters nothing, but a name the participants sheet
        // lacks is still a mistake to report (found by the API contract's fuzzer).
        for name in filters.attr.keys() {
            filter::resolve_attribute(name, &self.attributes, "filters.attr")?;
        }
        let filters = Filter::from_request(filters);
        filter::filters_passages(&filters, &self.columns, &self.attributes)
    }

    /// A page of documents, ordered by id.
    pub fn documents(&self, req: &DocumentsRequest) -> Result<DocumentList> {
        req.validate()?;
        let matching: Vec<&CatalogDocument> = self
            .catalog
            .documents
            .values()
            .filter(|d| req.kind.is_empty() || req.kind.contains(&d.document.kind))
            .filter(|d| req.lang.is_empty() || req.lang.contains(&d.document.lang))
            .collect();
        Ok(DocumentList {
            total: matching.len() as u64,
            documents: matching
                .into_iter()
                .skip(req.offset)
                .take(req.limit)
                .map(document_info)
                .collect(),
        })
    }

    /// A document with every passage. [`Error::NotFound`] if there is no such id.
    pub fn document(&self, id: &str) -> Result<DocumentDetail> {
        let doc = self.catalog_document(id)?;
        let passages = self.passages_between(&doc.document.id, 1, doc.passages)?;
        Ok(DocumentDetail {
            document: document_info(doc),
            passages: passages
                .into_iter()
                .map(|p| p.view(&doc.document, &self.cited))
                .collect(),
            reading: doc.reading.clone(),
        })
    }

    /// Passage `ordinal` (1-based) of document `id`, with `context` passages either side.
    pub fn passage(&self, id: &str, ordinal: u32, context: usize) -> Result<PassageDetail> {
        check_context(context)?;
        let doc = self.catalog_document(id)?;
        if ordinal == 0 || ordinal > doc.passages {
            return Err(Error::NotFound {
                what: format!(
                    "passage {ordinal} of document {id:?} (it has passages 1 to {})",
                    doc.passages
                ),
            });
        }
        let (before, passage, after) = self.neighbourhood(&doc.document.id, ordinal, context)?;
        let passage = passage.ok_or_else(|| Error::NotFound {
            what: format!("passage {ordinal} of document {id:?}"),
        })?;
        Ok(PassageDetail {
            document: document_info(doc),
            passage: passage.view(&doc.document, &self.cited),
            context: self.context(&doc.document, before, after),
        })
    }

    /// Every participant of the participants sheet, with passage counts, ordered by id.
    pub fn participants(&self) -> Result<Vec<ParticipantInfo>> {
        let counts: HashMap<String, u64> = self
            .facet_values(&FacetField::Speaker, "", &Filters::default())?
            .into_iter()
            .map(|f| (f.value, f.count))
            .collect();
        let mut out: Vec<ParticipantInfo> = self
            .catalog
            .participants
            .iter()
            .map(|p| ParticipantInfo {
                id: p.id.to_string(),
                role: p.role.as_ref().map(ToString::to_string),
                role_group: p
                    .role
                    .as_ref()
                    .and_then(|r| self.catalog.role_groups.group_of(r))
                    .map(|g| g.to_string()),
                site: p.site.as_ref().map(ToString::to_string),
                attrs: p.attrs.clone(),
                passages: counts.get(p.id.as_str()).copied().unwrap_or(0),
            })
            .collect();
        out.sort_by_key(|p| natural_key(&p.id));
        Ok(out)
    }

    /// Counts, size on disk and build time.
    pub fn stats(&self) -> Result<Stats> {
        let passages_by = |field: FacetField| -> Result<BTreeMap<String, Holding>> {
            let counts = self.facet_values(&field, "", &Filters::default())?;
            Ok(counts
                .into_iter()
                .map(|c| {
                    (
                        c.value,
                        Holding {
                            documents: 0,
                            passages: c.count,
                        },
                    )
                })
                .collect())
        };
        let mut languages = passages_by(FacetField::Lang)?;
        let mut kinds = passages_by(FacetField::Kind)?;
        for doc in self.catalog.documents.values() {
            let document = &doc.document;
            languages
                .entry(document.lang.to_string())
                .or_default()
                .documents += 1;
            kinds
                .entry(document.kind.to_string())
                .or_default()
                .documents += 1;
        }
        Ok(Stats {
            documents: self.catalog.documents.len() as u64,
            passages: self.searcher.num_docs(),
            languages,
            kinds,
            participants: self.catalog.participants.len() as u64,
            index_bytes: dir_size(&self.generation),
            built_at: self.catalog.built_at.clone(),
        })
    }

    /// A searcher over this generation (the comparisons of [`crate::compare`] read postings).
    pub(crate) fn searcher(&self) -> Searcher {
        self.searcher.clone()
    }

    /// The schema's fields.
    pub(crate) fn fields(&self) -> Fields {
        self.fields
    }

    /// The query matching every passage that passes `filters` (from the cached bitmaps).
    pub(crate) fn filter_query(&self, filters: &Filters) -> Result<Box<dyn Query>> {
        Ok(match self.filter_passages(filters)? {
            Some(passages) => Box::new(filter::PassingQuery::new(passages, &self.searcher)),
            None => Box::new(AllQuery),
        })
    }

    /// The column `name` (a fast-field name), resolved once per open index.
    pub(crate) fn column(&self, name: &str) -> Result<Arc<columns::Column>> {
        self.columns.column(name)
    }

    /// What the index holds besides passages: documents, participants, role groups.
    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The cache of group counts.
    pub(crate) fn comparisons(&self) -> &crate::compare::Cache {
        &self.comparisons
    }

    /// The stop words of this index's corpus.
    pub(crate) fn stop_words(&self) -> &crate::compare::StopWords {
        &self.stop_words
    }

    /// The passages around one, as users see them.
    fn context(
        &self,
        document: &Document,
        before: Vec<StoredPassage>,
        after: Vec<StoredPassage>,
    ) -> crate::api::Context {
        let views = |passages: Vec<StoredPassage>| {
            passages
                .into_iter()
                .map(|p| p.view(document, &self.cited))
                .collect()
        };
        crate::api::Context {
            before: views(before),
            after: views(after),
        }
    }

    fn catalog_document(&self, id: &str) -> Result<&CatalogDocument> {
        DocId::parse(id)
            .ok()
            .and_then(|id| self.catalog.documents.get(&id))
            .ok_or_else(|| Error::NotFound {
                what: format!("document {id:?}"),
            })
    }

    fn hit(
        &self,
        passage: StoredPassage,
        score: f32,
        req: &SearchRequest,
        highlighter: &mut Highlighter,
    ) -> Result<Hit> {
        let doc = self.catalog_document(passage.passage.doc.as_str())?;
        let context = if req.context > 0 {
            let (before, _, after) =
                self.neighbourhood(&passage.passage.doc, passage.passage.ordinal, req.context)?;
            Some(self.context(&doc.document, before, after))
        } else {
            None
        };
        let view = passage.view(&doc.document, &self.cited);
        let highlights = if req.highlight {
            highlighter.highlights(&view.text)
        } else {
            Vec::new()
        };
        let snippet = snippet(&view.text, &highlights);
        Ok(Hit {
            passage: view,
            title: doc.document.title.clone(),
            kind: doc.document.kind,
            highlights,
            snippet,
            score,
            translation: doc.document.translation.as_ref().map(ToString::to_string),
            context,
        })
    }

    /// The passages before and after `ordinal` (up to `context` each), and the passage itself.
    fn neighbourhood(
        &self,
        doc: &DocId,
        ordinal: u32,
        context: usize,
    ) -> Result<(
        Vec<StoredPassage>,
        Option<StoredPassage>,
        Vec<StoredPassage>,
    )> {
        let context = u32::try_from(context).unwrap_or(u32::MAX);
        let from = ordinal.saturating_sub(context).max(1);
        let to = ordinal.saturating_add(context);
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut this = None;
        for p in self.passages_between(doc, from, to)? {
            match p.passage.ordinal.cmp(&ordinal) {
                std::cmp::Ordering::Less => before.push(p),
                std::cmp::Ordering::Equal => this = Some(p),
                std::cmp::Ordering::Greater => after.push(p),
            }
        }
        Ok((before, this, after))
    }

    /// Passages `from..=to` of a document, in order.
    fn passages_between(&self, doc: &DocId, from: u32, to: u32) -> Result<Vec<StoredPassage>> {
        passages::between(&self.searcher, self.fields, doc, from, to)
    }
}

fn check_context(context: usize) -> Result<()> {
    SearchRequest {
        context,
        ..SearchRequest::default()
    }
    .validate()
}

fn document_info(doc: &CatalogDocument) -> DocumentInfo {
    let d = &doc.document;
    DocumentInfo {
        id: d.id.to_string(),
        title: d.title.clone(),
        kind: d.kind,
        lang: d.lang,
        date: d.date.clone(),
        year: d.year(),
        authors: d.authors.clone(),
        source: d.source.clone(),
        reference: d.reference.clone(),
        licence: d.licence.clone(),
        url: d.url.clone(),
        translation: d.translation.as_ref().map(ToString::to_string),
        passages: doc.passages,
        file: d.file.clone(),
    }
}

/// Sorts `ID9` before `ID10`.
fn natural_key(id: &str) -> (String, u64, String) {
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, tail) = id.split_at(split);
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    let rest = tail[digits.len()..].to_string();
    (head.to_string(), digits.parse().unwrap_or(0), rest)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participant_ids_sort_naturally() {
        let mut ids = vec!["ID42", "ID9", "ID14", "Interviewer"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["ID9", "ID14", "ID42", "Interviewer"]);
    }
}
