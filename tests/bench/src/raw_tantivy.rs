//! The raw tantivy baseline: Verbatim's own analyzers and a minimal schema, documents added
//! straight from memory, queries built by hand: the practical limit of the engine underneath.

use std::path::Path;

use anyhow::{Context, Result};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, Index, IndexReader, Score, SegmentReader, TantivyDocument, Term};

use indexer::analysis::{self, Mode};

use super::corpus_gen::Row;
use super::queries::BenchQuery;

/// The same writer budget as Verbatim's build.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

#[derive(Clone, Copy)]
struct Fields {
    text: Field,
    plain: Field,
    chars: Field,
    char_pairs: Field,
    role: Field,
    role_group: Field,
    site: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::KEYWORD)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_fast("raw");
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::TEXT)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let plain = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::PLAIN)
            .set_index_option(IndexRecordOption::Basic),
    );
    // Chinese characters and their adjacent pairs, as Verbatim indexes them for sequences.
    let chars = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::CHARS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let char_pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::CHAR_PAIRS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        text: builder.add_text_field("text", text),
        plain: builder.add_text_field("plain", plain),
        chars: builder.add_text_field("chars", chars),
        char_pairs: builder.add_text_field("char_pairs", char_pairs),
        role: builder.add_text_field("role", keyword.clone()),
        role_group: builder.add_text_field("role_group", keyword.clone()),
        site: builder.add_text_field("site", keyword | STORED),
    };
    (builder.build(), fields)
}

/// Indexes every row into a new index in `dir`; returns the number of documents.
pub fn build(dir: &Path, rows: impl Iterator<Item = Row>) -> Result<u64> {
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema)
        .with_context(|| format!("creating a tantivy index in {}", dir.display()))?;
    analysis::register(index.tokenizers(), &analysis::PairWords::default());
    let mut writer = index.writer::<TantivyDocument>(WRITER_MEMORY)?;
    let mut count = 0u64;
    for row in rows {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.text, &row.text);
        doc.add_text(fields.plain, &row.text);
        if row.chinese {
            doc.add_text(fields.chars, &row.text);
            doc.add_text(fields.char_pairs, &row.text);
        }
        if let Some(role) = row.role {
            doc.add_text(fields.role, role);
        }
        if let Some(group) = row.role_group {
            doc.add_text(fields.role_group, group);
        }
        doc.add_text(fields.site, &row.site);
        writer.add_document(doc)?;
        count += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(count)
}

/// An open raw index answering the query mix.
pub struct RawTantivy {
    reader: IndexReader,
    fields: Fields,
}

impl RawTantivy {
    /// Opens the index built by [`build`].
    pub fn open(dir: &Path) -> Result<RawTantivy> {
        let index = Index::open_in_dir(dir)
            .with_context(|| format!("opening the tantivy index in {}", dir.display()))?;
        analysis::register(index.tokenizers(), &analysis::PairWords::default());
        let fields = schema().1;
        let reader = index.reader()?;
        Ok(RawTantivy { reader, fields })
    }

    /// Top 10 by score with their text, the total, and role and site counts when asked.
    pub fn search(&self, query: &BenchQuery) -> Result<u64> {
        let query = self.query(query)?;
        let searcher = self.reader.searcher();
        let (query, wanted) = query;
        let facets = FacetCounts { wanted };
        let (top, total, counts) = searcher.search(
            &query,
            &(TopDocs::with_limit(10).order_by_score(), Count, facets),
        )?;
        std::hint::black_box(counts);
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = doc.get_first(self.fields.text).and_then(|v| v.as_str());
            std::hint::black_box(text.map(str::len));
        }
        Ok(total as u64)
    }

    /// The tantivy query, and whether facets are wanted.
    fn query(&self, query: &BenchQuery) -> Result<(Box<dyn Query>, bool)> {
        let mut text = analysis::text_analyzer(Mode::Query);
        let mut plain = analysis::plain_analyzer(Mode::Query);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for words in query.words.iter().chain(&query.phrase) {
            if let Some(q) = self.phrase(&mut text, words) {
                clauses.push((Occur::Must, q));
            }
        }
        if let Some(prefix) = &query.prefix {
            let tokens = analysis::positioned_tokens(&mut plain, prefix);
            let last = tokens.last().map(|(_, t)| t.clone()).unwrap_or_default();
            let pattern = format!("{}.*", regex_escape(&last));
            clauses.push((
                Occur::Must,
                Box::new(RegexQuery::from_pattern(&pattern, self.fields.plain)?),
            ));
        }
        if let Some(role) = &query.role {
            let role = role.to_lowercase();
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, self.keyword(self.fields.role, &role)),
                    (Occur::Should, self.keyword(self.fields.role_group, &role)),
                ])),
            ));
        }
        if let Some(site) = &query.site {
            clauses.push((
                Occur::Must,
                self.keyword(self.fields.site, &site.to_lowercase()),
            ));
        }
        Ok((Box::new(BooleanQuery::new(clauses)), query.facets))
    }

    fn keyword(&self, field: Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    /// A word or phrase: one term, or the analyzed tokens as a phrase at their positions; a
    /// Chinese word is its characters wherever they stand, as in Verbatim.
    fn phrase(&self, analyzer: &mut TextAnalyzer, text: &str) -> Option<Box<dyn Query>> {
        if let (runs, false) = analysis::han_runs(text)
            && let [run] = runs.as_slice()
        {
            return Some(self.han_sequence(&run.text()));
        }
        let tokens = analysis::positioned_tokens(analyzer, text);
        match tokens.as_slice() {
            [] => None,
            [(_, term)] => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.text, term),
                IndexRecordOption::WithFreqs,
            ))),
            _ => {
                let first = tokens[0].0;
                let terms = tokens
                    .iter()
                    .map(|(pos, t)| (pos - first, Term::from_field_text(self.fields.text, t)))
                    .collect();
                Some(Box::new(PhraseQuery::new_with_offset(terms)))
            }
        }
    }
}

impl RawTantivy {
    /// Passages holding these Chinese characters side by side: the phrase of their pairs.
    fn han_sequence(&self, run: &str) -> Box<dyn Query> {
        let chars: Vec<char> = run.chars().collect();
        let mut pairs: Vec<(usize, Term)> = chars
            .windows(2)
            .enumerate()
            .map(|(i, pair)| {
                let pair: String = pair.iter().collect();
                (i, Term::from_field_text(self.fields.char_pairs, &pair))
            })
            .collect();
        match pairs.len() {
            0 => Box::new(TermQuery::new(
                Term::from_field_text(self.fields.chars, run),
                IndexRecordOption::WithFreqs,
            )),
            1 => Box::new(TermQuery::new(
                pairs.remove(0).1,
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new_with_offset(pairs)),
        }
    }
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// Role and site counts over every match, by fast-field term ordinal.
#[derive(Clone, Copy)]
struct FacetCounts {
    wanted: bool,
}

struct SegmentFacetCounts {
    columns: Vec<(StrColumn, Vec<u64>)>,
}

impl Collector for FacetCounts {
    type Fruit = Vec<Vec<u64>>;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let mut columns = Vec::new();
        if self.wanted {
            for name in ["role", "site"] {
                if let Some(column) = reader.fast_fields().str(name)? {
                    let counts = vec![0; column.num_terms()];
                    columns.push((column, counts));
                }
            }
        }
        Ok(SegmentFacetCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Vec<u64>>>) -> tantivy::Result<Vec<Vec<u64>>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Vec<Vec<u64>>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in &mut self.columns {
            for ord in column.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Vec<Vec<u64>> {
        self.columns.into_iter().map(|(_, counts)| counts).collect()
    }
}
