//! Exporting an index to a distributed engine (OpenSearch or Elasticsearch, Quickwit), with
//! Verbatim's analysis, filters and citations, for corpora that outgrow one machine.
//!
//! [`export`] reads every passage of an open index (through the same passage mapping searches
//! use, so citations and attributes are Verbatim's own) and writes, into an empty directory, the
//! engine's index definition and NDJSON files of at most [`MAX_FILE_BYTES`] each, then
//! `export.json` describing what was written (its presence marks a complete export). Every
//! passage becomes a [`PassageSource`] with its text pre-analysed by Verbatim, so the engine
//! matches the words Verbatim matches; [`Target::search_body`] turns a Verbatim
//! [`SearchRequest`] into the engine's search request over those fields. `docs/scale-out.md`
//! says how to load an export and what differs.

mod files;
mod opensearch;
mod query;
mod quickwit;
mod source;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use files::ExportFile;
pub use quickwit::{
    CONFIG_VERSION as QUICKWIT_CONFIG_VERSION, DocMapping, Fast, FieldMapping, FieldType,
    INDEX_ID as QUICKWIT_INDEX_ID, IndexConfig as QuickwitIndexConfig, MappingMode, Normalizer,
    SearchSettings, TokenFilter, TokenizerEntry, TokenizerType,
};
pub use source::{Field, ORIGIN_FIELDS, PassageSource};

use crate::api::{SearchRequest, Sort};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::search::{DocRanks, Index};
use files::SplitWriter;
use query::Plan;
use source::{SortKeys, SourceBuilder};

/// Largest NDJSON file written, in bytes: one `_bulk` or ingest request each.
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// Name of the file describing a finished export.
pub const MANIFEST_FILE: &str = "export.json";

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// OpenSearch, or Elasticsearch (same index definition, `_bulk` format and query DSL).
    OpenSearch,
    /// Quickwit.
    Quickwit,
}

impl Target {
    /// Both engines.
    pub const ALL: [Target; 2] = [Target::OpenSearch, Target::Quickwit];

    /// The name used on the command line and in `export.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::OpenSearch => "opensearch",
            Target::Quickwit => "quickwit",
        }
    }

    /// The file holding the index definition.
    pub fn definition_file(self) -> &'static str {
        match self {
            Target::OpenSearch => "index.json",
            Target::Quickwit => "index-config.yaml",
        }
    }

    /// The prefix of the data files (`bulk-00001.ndjson`).
    fn data_prefix(self) -> &'static str {
        match self {
            Target::OpenSearch => "bulk",
            Target::Quickwit => "docs",
        }
    }

    /// The index definition for an export with this schema.
    pub fn definition(self, schema: &Schema) -> Result<String> {
        match self {
            Target::OpenSearch => {
                serde_json::to_string_pretty(&opensearch::index_definition(schema))
                    .map_err(|e| Error::Internal(format!("writing the index definition: {e}")))
            }
            Target::Quickwit => quickwit::index_config_yaml(schema),
        }
    }

    /// The NDJSON record of one passage (`_bulk` action and source, or one ingest line).
    pub fn record(self, source: &PassageSource) -> Result<Vec<u8>> {
        match self {
            Target::OpenSearch => opensearch::bulk_record(source),
            Target::Quickwit => quickwit::ingest_record(source),
        }
    }

    /// The engine's search request for a Verbatim search: OpenSearch's `_search` body (query DSL
    /// with `aggs` for facets) or Quickwit's search body. Requests Verbatim would refuse are
    /// refused with the same error.
    pub fn search_body(self, schema: &Schema, req: &SearchRequest) -> Result<Value> {
        let plan = Plan::new(req, schema.attributes())?;
        Ok(match self {
            Target::OpenSearch => opensearch::search_body(&plan),
            Target::Quickwit => quickwit::search_body(&plan),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Target::OpenSearch => "OpenSearch",
            Target::Quickwit => "Quickwit",
        })
    }
}

/// What varies between exports: the participant attributes of the corpus (each a keyword field
/// under `attrs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    attributes: BTreeSet<String>,
}

impl Schema {
    /// A schema with these participant attributes.
    pub fn new(attributes: BTreeSet<String>) -> Schema {
        Schema { attributes }
    }

    /// The schema of an index, from its catalog.
    pub fn of(catalog: &Catalog) -> Schema {
        Schema::new(
            catalog
                .participants
                .iter()
                .flat_map(|p| p.attrs.keys().cloned())
                .collect(),
        )
    }

    /// The participant attributes.
    pub fn attributes(&self) -> &BTreeSet<String> {
        &self.attributes
    }
}

/// How to export.
#[derive(Clone)]
pub struct ExportOptions {
    /// The engine.
    pub target: Target,
    /// Largest NDJSON file, in bytes ([`MAX_FILE_BYTES`] unless testing the split).
    pub max_file_bytes: u64,
    /// Receives the export's progress, for a progress display.
    pub progress: Option<ExportProgress>,
}

impl ExportOptions {
    /// Options for `target` with the default file size and no progress display.
    pub fn new(target: Target) -> ExportOptions {
        ExportOptions {
            target,
            max_file_bytes: MAX_FILE_BYTES,
            progress: None,
        }
    }
}

impl fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportOptions")
            .field("target", &self.target)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Called with each [`ExportEvent`], on the exporting thread; the `verbatim-index` binary turns
/// them into a progress bar.
pub type ExportProgress = Arc<dyn Fn(ExportEvent) + Send + Sync>;

/// What an export is doing, as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportEvent {
    /// The index is open: how many passages will be written.
    Planned {
        /// Passages in the index.
        passages: u64,
    },
    /// A document's passages were written.
    Exported {
        /// How many.
        passages: u64,
    },
}

/// What an export wrote; also written as `export.json` in the output directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportReport {
    /// The engine.
    pub target: Target,
    /// The `build_id` stamped on every passage (delete an older export by it).
    pub build_id: String,
    /// The index directory exported.
    pub index: PathBuf,
    /// When the exported index was built (RFC 3339, UTC).
    pub built_at: String,
    /// Documents exported.
    pub documents: u64,
    /// Passages exported.
    pub passages: u64,
    /// The index definition file.
    pub definition: ExportFile,
    /// The NDJSON files, in order.
    pub files: Vec<ExportFile>,
    /// Wall time.
    #[serde(with = "seconds")]
    pub elapsed: Duration,
}

impl ExportReport {
    /// Bytes written in all files.
    pub fn bytes(&self) -> u64 {
        self.definition.bytes + self.files.iter().map(|f| f.bytes).sum::<u64>()
    }
}

mod seconds {
    //! A duration as fractional seconds in `export.json`.
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Duration::try_from_secs_f64(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Exports the index in `index_dir` for `options.target` into `out`, which must be empty or
/// absent (files of an older export there would be loaded with the new ones).
#[tracing::instrument(skip(options), fields(index = %index_dir.display(), out = %out.display(), target = options.target.as_str()))]
pub fn export(index_dir: &Path, out: &Path, options: &ExportOptions) -> Result<ExportReport> {
    let started = Instant::now();
    let index = Index::open(index_dir)?;
    let catalog = Catalog::load(index.generation())?;
    prepare_out_dir(out)?;
    let report_progress = |event| {
        if let Some(progress) = &options.progress {
            progress(event);
        }
    };
    report_progress(ExportEvent::Planned {
        passages: catalog.passage_count(),
    });

    let target = options.target;
    let schema = Schema::of(&catalog);
    let definition = write_file(out, target.definition_file(), target.definition(&schema)?)?;
    let build_id = build_id();
    let ranks = DocRanks::new(&catalog);
    let mut builder = SourceBuilder::new(build_id.clone());
    let mut writer = SplitWriter::new(out, target.data_prefix(), options.max_file_bytes);
    let mut passages = 0;
    for (id, entry) in &catalog.documents {
        let keys = SortKeys {
            by_id: ranks.rank(Sort::Doc, id.as_str()).unwrap_or(u32::MAX),
            by_date: ranks.rank(Sort::Date, id.as_str()).unwrap_or(u32::MAX),
        };
        let detail = index.document(id.as_str())?;
        let count = detail.passages.len() as u64;
        for view in detail.passages {
            let source = builder.source(&entry.document, view, keys);
            writer.write(&target.record(&source)?)?;
        }
        passages += count;
        report_progress(ExportEvent::Exported { passages: count });
    }
    let report = ExportReport {
        target,
        build_id,
        index: index_dir.to_path_buf(),
        built_at: catalog.built_at.clone(),
        documents: catalog.documents.len() as u64,
        passages,
        definition,
        files: writer.finish()?,
        elapsed: started.elapsed(),
    };
    let manifest = serde_json::to_string_pretty(&report)
        .map_err(|e| Error::Internal(format!("writing {MANIFEST_FILE}: {e}")))?;
    write_file(out, MANIFEST_FILE, manifest)?;
    tracing::info!(
        passages,
        files = report.files.len(),
        bytes = report.bytes(),
        "index exported"
    );
    Ok(report)
}

/// Creates `out` if needed; refuses a directory that already holds something.
fn prepare_out_dir(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    if entries.next().is_some() {
        return Err(Error::InvalidValue {
            field: "--out".into(),
            reason: format!("{} is not empty", out.display()),
            hint: Some(
                "give a new or empty directory: files of an older export would be loaded with the new ones"
                    .into(),
            ),
        });
    }
    Ok(())
}

fn write_file(dir: &Path, name: &str, text: String) -> Result<ExportFile> {
    let path = dir.join(name);
    std::fs::write(&path, text.as_bytes()).map_err(|e| Error::io(&path, e))?;
    Ok(ExportFile {
        name: name.to_string(),
        bytes: text.len() as u64,
        passages: 0,
    })
}

/// A build id unique to this export and readable: the time it started, `20261123T130109123Z`.
fn build_id() -> String {
    humantime::format_rfc3339_millis(SystemTime::now())
        .to_string()
        .replace(['-', ':', '.'], "")
}
