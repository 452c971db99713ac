//! End-to-end tests of `verbatim-index export`: real indexes (the demo corpus and a generated
//! one) exported for OpenSearch and Quickwit, then the output checked for its shape: bulk pairs
//! and ingest lines parse, ids are unique and stable, every passage is there with Verbatim's
//! citation, every field is declared with the intended type, the Chinese words are Verbatim's,
//! files stay under their size limit, and `docs/scale-out.md` shows what the code produces.
//! No engine runs here: none can be installed where this project is developed.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use indexer::Index;
use indexer::analysis::{Mode, text_analyzer, token_texts};
use indexer::api::SearchRequest;
use indexer::export::{
    ExportOptions, ExportReport, FieldMapping, FieldType, MANIFEST_FILE, MAX_FILE_BYTES,
    PassageSource, QuickwitIndexConfig, Schema, Target, export,
};
use serde_json::Value;
use verbatim_tests::corpus_gen::{Corpus, Vocabulary};
use verbatim_tests::{Binary, demo_index, open_demo_index, workspace_root};

/// How a field is meant to be indexed, whatever the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intended {
    /// Filtered case-insensitively, counted as written.
    Keyword,
    /// Matched exactly.
    Exact,
    /// A number that is searched or counted.
    Number,
    /// A number only sorted on.
    SortKey,
    /// Shown, never searched.
    Shown,
    /// The text as written, analysed by the engine.
    English,
    /// Verbatim's tokens, split on whitespace, with positions for phrases.
    Tokens,
    /// Verbatim's sub-word tokens, split on whitespace.
    SubTokens,
}

/// What each field of an exported passage is for (`attrs.*` are participant attributes).
fn intended(path: &str) -> Intended {
    match path {
        "kind" | "lang" | "speaker" | "role" | "role_group" | "site" => Intended::Keyword,
        p if p.starts_with("attrs.") => Intended::Keyword,
        "doc" | "build_id" => Intended::Exact,
        "passage" | "year" => Intended::Number,
        "reading_order" | "date_order" => Intended::SortKey,
        "title" | "section" | "attribution" | "locator" | "citation" | "translation"
        | "origin.file" | "origin.line" => Intended::Shown,
        "text" => Intended::English,
        "words" | "char_pairs" => Intended::Tokens,
        "sub_words" => Intended::SubTokens,
        other => panic!("a field nobody intended: {other}"),
    }
}

/// Every leaf of a JSON object as `(path, value)`, objects flattened with dots.
fn leaves(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value.as_object() {
        Some(object) => {
            for (key, value) in object {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(&path, value, out);
            }
        }
        None => out.push((prefix.to_string(), value.clone())),
    }
}

/// An export of one index for one engine, read back.
struct Exported {
    dir: tempfile::TempDir,
    report: ExportReport,
    /// `(engine id, source JSON)` of every passage, in file order.
    passages: Vec<(Option<String>, Value)>,
}

impl Exported {
    fn new(index: &Path, target: Target, max_file_bytes: u64) -> Exported {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = ExportOptions {
            max_file_bytes,
            ..ExportOptions::new(target)
        };
        let report = export(index, dir.path(), &options).expect("the index exports");
        let manifest: ExportReport = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).expect("export.json"),
        )
        .expect("export.json parses");
        assert_eq!(manifest, report);
        let mut exported = Exported {
            dir,
            report,
            passages: Vec::new(),
        };
        exported.read_files(max_file_bytes);
        exported
    }

    fn read_files(&mut self, max_file_bytes: u64) {
        for file in &self.report.files {
            let text = std::fs::read_to_string(self.dir.path().join(&file.name))
                .unwrap_or_else(|e| panic!("{}: {e}", file.name));
            assert_eq!(text.len() as u64, file.bytes, "{}", file.name);
            assert!(
                file.bytes <= max_file_bytes,
                "{} is {} bytes, over {max_file_bytes}",
                file.name,
                file.bytes
            );
            assert!(text.ends_with('\n'), "{} ends mid-record", file.name);
            let lines: Vec<&str> = text.lines().collect();
            let before = self.passages.len();
            match self.report.target {
                Target::OpenSearch => {
                    assert_eq!(lines.len() % 2, 0, "{}: an unpaired line", file.name);
                    for pair in lines.chunks(2) {
                        let action: Value = serde_json::from_str(pair[0])
                            .unwrap_or_else(|e| panic!("action {:?}: {e}", pair[0]));
                        let id = action["index"]["_id"]
                            .as_str()
                            .unwrap_or_else(|| panic!("not an index action: {action}"));
                        assert_eq!(action.as_object().map(|o| o.len()), Some(1), "{action}");
                        self.passages
                            .push((Some(id.to_string()), source(pair[1], &file.name)));
                    }
                }
                Target::Quickwit => {
                    for line in lines {
                        self.passages.push((None, source(line, &file.name)));
                    }
                }
            }
            assert_eq!(
                (self.passages.len() - before) as u64,
                file.passages,
                "{}",
                file.name
            );
        }
    }

    fn definition(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(&self.report.definition.name))
            .expect("the definition file")
    }

    fn typed(&self) -> Vec<PassageSource> {
        self.passages
            .iter()
            .map(|(_, json)| serde_json::from_value(json.clone()).expect("a passage source"))
            .collect()
    }
}

/// A source line, parsed; fails the test with the file named.
fn source(line: &str, file: &str) -> Value {
    let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}: {e}: {line}"));
    serde_json::from_value::<PassageSource>(value.clone())
        .unwrap_or_else(|e| panic!("{file}: not a passage ({e}): {line}"));
    value
}

/// Checks the shape every export must have, against the index it came from.
fn check_export(index_dir: &Path, exported: &Exported) {
    let index = Index::open(index_dir).expect("the index opens");
    let stats = index.stats().expect("stats");
    assert_eq!(exported.report.passages, stats.passages);
    assert_eq!(exported.passages.len() as u64, stats.passages);

    let sources = exported.typed();
    let ids: HashSet<String> = sources.iter().map(PassageSource::id).collect();
    assert_eq!(ids.len(), sources.len(), "passage ids are unique");
    for ((engine_id, _), source) in exported.passages.iter().zip(&sources) {
        if let Some(engine_id) = engine_id {
            assert_eq!(engine_id, &source.id());
        }
        assert_eq!(source.build_id, exported.report.build_id);
    }
    check_against_verbatim(&index, &sources);
    check_declared(exported);
}

/// Citations, attribution and text are Verbatim's; the Chinese words are Verbatim's analysis.
fn check_against_verbatim(index: &Index, sources: &[PassageSource]) {
    let mut chinese = 0;
    for source in sources {
        let shown = index
            .passage(&source.doc, source.passage, 0)
            .unwrap_or_else(|e| panic!("{}: {e}", source.id()))
            .passage;
        assert_eq!(source.citation, shown.citation, "{}", source.id());
        assert_eq!(source.text, shown.text, "{}", source.id());
        assert_eq!(
            (
                &source.speaker,
                &source.role,
                &source.role_group,
                &source.site
            ),
            (&shown.speaker, &shown.role, &shown.role_group, &shown.site),
            "{}",
            source.id()
        );
        assert_eq!(source.attrs, shown.attrs, "{}", source.id());
        assert_eq!(source.origin, shown.origin, "{}", source.id());

        let words: Vec<String> = split(&source.words);
        assert_eq!(words, analyse(Mode::Query, &source.text), "{}", source.id());
        let mut indexed = words;
        indexed.extend(split(&source.sub_words));
        indexed.sort();
        let mut verbatim = analyse(Mode::Index, &source.text);
        verbatim.sort();
        assert_eq!(indexed, verbatim, "{}", source.id());
        if source.words.chars().any(indexer::analysis::is_cjk) {
            chinese += 1;
        }
    }
    assert!(chinese > 0, "no Chinese passage was checked");
}

fn split(words: &str) -> Vec<String> {
    words.split_whitespace().map(String::from).collect()
}

/// Verbatim's own analysis of a text.
fn analyse(mode: Mode, text: &str) -> Vec<String> {
    token_texts(&mut text_analyzer(mode), text)
}

/// Every field found in the sources is declared, with the type its purpose calls for.
fn check_declared(exported: &Exported) {
    let mut found = BTreeMap::<String, Value>::new();
    for (_, json) in &exported.passages {
        let mut fields = Vec::new();
        leaves("", json, &mut fields);
        found.extend(fields);
    }
    for required in ["doc", "passage", "text", "words", "citation", "origin.file"] {
        assert!(found.contains_key(required), "no passage has {required}");
    }
    match exported.report.target {
        Target::OpenSearch => {
            let definition: Value =
                serde_json::from_str(&exported.definition()).expect("index.json parses");
            assert_eq!(definition["mappings"]["dynamic"], "strict");
            for (path, value) in &found {
                check_opensearch_field(&definition, path, value);
            }
        }
        Target::Quickwit => {
            let config: QuickwitIndexConfig =
                serde_yaml_ng::from_str(&exported.definition()).expect("the YAML parses");
            assert_eq!(config.doc_mapping.tag_fields, ["build_id"]);
            for (path, value) in &found {
                check_quickwit_field(&config, path, value);
            }
        }
    }
}

fn check_opensearch_field(definition: &Value, path: &str, value: &Value) {
    let mut mapping = &definition["mappings"];
    for part in path.split('.') {
        mapping = &mapping["properties"][part];
    }
    let kind = mapping["type"].as_str().unwrap_or("undeclared");
    let indexed = mapping["index"] != Value::Bool(false);
    let ok = match intended(path) {
        Intended::Keyword => {
            kind == "keyword"
                && mapping["normalizer"] == "verbatim_keyword"
                && mapping["fields"]["raw"]["type"] == "keyword"
        }
        Intended::Exact => kind == "keyword" && mapping["normalizer"].is_null() && indexed,
        Intended::Number => kind == "integer" && indexed && value.is_i64(),
        Intended::SortKey => kind == "long" && value.is_u64(),
        Intended::Shown => !indexed && (kind == "keyword" || kind == "integer"),
        Intended::English => {
            kind == "text"
                && mapping["analyzer"] == "verbatim_english"
                && mapping["fields"]["plain"]["analyzer"] == "verbatim_plain"
        }
        Intended::Tokens | Intended::SubTokens => {
            kind == "text" && mapping["analyzer"] == "whitespace"
        }
    };
    assert!(ok, "{path} ({value}) is mapped as {mapping}");
}

fn check_quickwit_field(config: &QuickwitIndexConfig, path: &str, value: &Value) {
    let mut fields = &config.doc_mapping.field_mappings;
    let mut mapping: Option<&FieldMapping> = None;
    for part in path.split('.') {
        mapping = fields.iter().find(|f| f.name == part);
        if let Some(inner) = mapping.and_then(|m| m.field_mappings.as_ref()) {
            fields = inner;
        }
    }
    let mapping = mapping.unwrap_or_else(|| panic!("{path} is not declared"));
    let tokenizer = mapping.tokenizer.as_deref();
    let indexed = mapping.indexed != Some(false);
    let record = mapping
        .record
        .map(|r| serde_json::to_value(r).expect("a record option"));
    let ok = match intended(path) {
        Intended::Keyword => {
            mapping.kind == FieldType::Text
                && tokenizer == Some("raw_lowercase")
                && serde_json::to_value(&mapping.fast).ok()
                    == Some(serde_json::json!({"normalizer": "raw"}))
        }
        Intended::Exact => mapping.kind == FieldType::Text && tokenizer == Some("raw") && indexed,
        Intended::Number => {
            indexed && matches!(mapping.kind, FieldType::U64 | FieldType::I64) && value.is_i64()
        }
        Intended::SortKey => mapping.kind == FieldType::U64 && value.is_u64(),
        Intended::Shown => !indexed,
        Intended::English => {
            tokenizer == Some("verbatim_plain") && record == Some("position".into())
        }
        Intended::Tokens => tokenizer == Some("whitespace") && record == Some("position".into()),
        Intended::SubTokens => tokenizer == Some("whitespace"),
    };
    assert!(ok, "{path} ({value}) is mapped as {mapping:?}");
}

#[test]
fn the_demo_corpus_exports_for_both_engines_with_verbatims_words_and_citations() {
    let built = demo_index();
    for target in Target::ALL {
        let exported = Exported::new(built, target, MAX_FILE_BYTES);
        assert_eq!(exported.report.files.len(), 1, "{target}: one small file");
        check_export(built, &exported);
    }
}

#[test]
fn ids_and_sources_are_stable_across_two_exports() {
    let built = demo_index();
    let first = Exported::new(built, Target::OpenSearch, MAX_FILE_BYTES);
    let second = Exported::new(built, Target::OpenSearch, MAX_FILE_BYTES);
    let ids = |e: &Exported| -> Vec<Option<String>> {
        e.passages.iter().map(|(id, _)| id.clone()).collect()
    };
    assert_eq!(ids(&first), ids(&second));
    let without_build = |e: &Exported| -> Vec<Value> {
        e.passages
            .iter()
            .map(|(_, json)| {
                let mut json = json.clone();
                json.as_object_mut().map(|o| o.remove("build_id"));
                json
            })
            .collect()
    };
    assert_eq!(without_build(&first), without_build(&second));
    assert_ne!(
        first.report.build_id, second.report.build_id,
        "each export has its own build id, so an older one can be deleted"
    );
}

#[test]
fn a_generated_corpus_with_attributes_splits_into_files_under_the_limit() {
    let dict = workspace_root().join("indexer/dict/jieba-dict.txt.gz");
    let vocabulary = Vocabulary::load(&dict).expect("the jieba dictionary loads");
    let corpus_dir = tempfile::tempdir().expect("temp dir");
    Corpus::new(3_000, 11, vocabulary)
        .write(corpus_dir.path())
        .expect("the corpus is written");
    let index_dir = tempfile::tempdir().expect("temp dir");
    let report = indexer::build(
        corpus_dir.path(),
        index_dir.path(),
        &indexer::BuildOptions::default(),
    )
    .expect("the generated corpus builds");
    assert!(report.errors.is_empty(), "{:?}", report.errors);

    let limit = 150_000;
    for target in Target::ALL {
        let exported = Exported::new(index_dir.path(), target, limit);
        assert!(
            exported.report.files.len() > 3,
            "{target}: {} files",
            exported.report.files.len()
        );
        check_export(index_dir.path(), &exported);
        let sources = exported.typed();
        assert!(
            sources.iter().any(|s| s.attrs.contains_key("gender")),
            "participant attributes are exported"
        );
        // Reading order is Verbatim's: documents by id, then passages.
        let mut sorted = sources.clone();
        sorted.sort_by_key(|s| s.reading_order);
        let order: Vec<(String, u32)> = sorted.iter().map(|s| (s.doc.clone(), s.passage)).collect();
        let mut expected = order.clone();
        expected.sort();
        assert_eq!(order, expected);
    }
}

#[test]
fn the_binary_exports_and_refuses_a_directory_in_use() {
    let built = demo_index();
    let out = tempfile::tempdir().expect("temp dir");
    let run = || {
        Binary::Indexer
            .command()
            .args(["export", "--to", "quickwit", "--index"])
            .arg(built)
            .arg("--out")
            .arg(out.path())
            .output()
            .expect("verbatim-index runs")
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stats = open_demo_index().stats().expect("stats of the demo index");
    let summary = format!(
        "passages    {} (of {} documents)",
        stats.passages, stats.documents
    );
    assert!(stdout.contains(&summary), "{stdout}");
    assert!(stdout.contains("docs-00001.ndjson"), "{stdout}");
    assert!(out.path().join("index-config.yaml").is_file());

    let second = run();
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert!(
        stderr.contains("hint: give a new or empty directory"),
        "{stderr}"
    );
}

/// The fenced blocks of a Markdown text after `marker`, in order: `(info string, body)`.
fn fenced_blocks_after<'a>(markdown: &'a str, marker: &str) -> Vec<(&'a str, String)> {
    let start = markdown
        .find(marker)
        .unwrap_or_else(|| panic!("docs/scale-out.md has no {marker}"));
    let mut blocks = Vec::new();
    let mut lines = markdown[start..].lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((info, body.join("\n")));
        } else if line.starts_with("<!-- ") && !blocks.is_empty() {
            break;
        }
    }
    blocks
}

#[test]
fn the_queries_in_docs_scale_out_are_what_the_code_produces() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/scale-out.md"))
        .expect("docs/scale-out.md");
    let schema = Schema::default();
    for name in ["gp-term", "manager-site-facets", "chinese-term"] {
        let blocks = fenced_blocks_after(&doc, &format!("<!-- query: {name} -->"));
        assert_eq!(blocks.len(), 3, "{name}: a request and two engine bodies");
        let request: SearchRequest = serde_json::from_str(&blocks[0].1)
            .unwrap_or_else(|e| panic!("{name}: the Verbatim request: {e}"));
        for (target, (_, shown)) in Target::ALL.into_iter().zip(&blocks[1..]) {
            let produced = target
                .search_body(&schema, &request)
                .expect("the request is valid");
            let shown: Value =
                serde_json::from_str(shown).unwrap_or_else(|e| panic!("{name}, {target}: {e}"));
            assert_eq!(
                shown,
                produced,
                "{name}, {target}: the document shows\n{}\nthe code produces\n{}",
                serde_json::to_string_pretty(&shown).unwrap_or_default(),
                serde_json::to_string_pretty(&produced).unwrap_or_default()
            );
            if target == Target::Quickwit {
                let query = produced["query"].as_str().expect("a query string");
                tantivy::query_grammar::parse_query(query)
                    .unwrap_or_else(|_| panic!("{name}: {query} does not parse"));
            }
        }
    }
}

#[test]
fn the_field_table_in_docs_scale_out_matches_both_mappings() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/scale-out.md"))
        .expect("docs/scale-out.md");
    let table = doc
        .split("<!-- fields:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- fields:end -->").next())
        .expect("a field table between <!-- fields:start --> and <!-- fields:end -->");
    // | `field` | OpenSearch type ... | Quickwit type ... | what it holds |
    let documented: BTreeMap<String, (String, String)> = table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let first_word = |cell: &str| {
                cell.trim_matches('`')
                    .split(['`', ' '])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            };
            (
                cells[1].trim_matches('`').to_string(),
                (first_word(cells[2]), first_word(cells[3])),
            )
        })
        .collect();

    let schema = Schema::default();
    let opensearch: Value = serde_json::from_str(
        &Target::OpenSearch
            .definition(&schema)
            .expect("a definition"),
    )
    .expect("JSON");
    let quickwit: QuickwitIndexConfig =
        serde_yaml_ng::from_str(&Target::Quickwit.definition(&schema).expect("a definition"))
            .expect("YAML");
    let mut actual = BTreeMap::new();
    for field in &quickwit.doc_mapping.field_mappings {
        let os = &opensearch["mappings"]["properties"][&field.name];
        let os_type = os["type"].as_str().unwrap_or("object").to_string();
        let qw_type = serde_json::to_value(field.kind).expect("a type");
        actual.insert(
            field.name.clone(),
            (os_type, qw_type.as_str().unwrap_or_default().to_string()),
        );
    }
    assert_eq!(
        documented.keys().collect::<BTreeSet<_>>(),
        actual.keys().collect::<BTreeSet<_>>()
    );
    assert_eq!(documented, actual);
}

/// Passages of `sources` that OpenSearch would return for `query`, a query of the clauses
/// `Target::search_body` writes for Chinese words and sequences: `term` and `match_phrase` on
/// the whitespace fields, `bool` with `must` (its `should` then only scores) or `should` alone.
fn engine_matches(sources: &[PassageSource], query: &Value) -> BTreeSet<String> {
    sources
        .iter()
        .filter(|s| holds(s, query))
        .map(PassageSource::id)
        .collect()
}

fn holds(source: &PassageSource, query: &Value) -> bool {
    let field = |name: &str| match name {
        "words" => split(&source.words),
        "sub_words" => split(&source.sub_words),
        "char_pairs" => split(&source.char_pairs),
        other => panic!("no whitespace field {other} in {query}"),
    };
    let (kind, body) = query
        .as_object()
        .and_then(|o| o.iter().next())
        .unwrap_or_else(|| panic!("not a query: {query}"));
    // `{"term": {field: value}}` and `{"match_phrase": {field: value}}`.
    let field_and_value = || {
        body.as_object()
            .and_then(|o| o.iter().next())
            .and_then(|(name, value)| Some((field(name), value.as_str()?)))
            .unwrap_or_else(|| panic!("not a field and its text: {query}"))
    };
    match kind.as_str() {
        "term" => {
            let (tokens, value) = field_and_value();
            tokens.iter().any(|token| token == value)
        }
        "match_phrase" => {
            let (tokens, value) = field_and_value();
            let phrase = split(value);
            tokens.windows(phrase.len()).any(|w| w == phrase)
        }
        "bool" => match body["must"].as_array() {
            Some(must) => must.iter().all(|q| holds(source, q)),
            None => body["should"]
                .as_array()
                .unwrap_or_else(|| panic!("a bool query of neither must nor should: {query}"))
                .iter()
                .any(|q| holds(source, q)),
        },
        other => panic!("{other} is not written for Chinese: {query}"),
    }
}

#[test]
fn chinese_searches_on_the_export_find_exactly_what_verbatim_finds() {
    let built = demo_index();
    let index = Index::open(built).expect("the index opens");
    let exported = Exported::new(built, Target::OpenSearch, MAX_FILE_BYTES);
    let sources = exported.typed();
    // Every Chinese stretch of 2 to 6 characters starting every third character.
    let mut queries = BTreeSet::new();
    for source in &sources {
        let chars: Vec<char> = source.text.chars().collect();
        for len in 2..=6 {
            for start in (0..chars.len().saturating_sub(len)).step_by(3) {
                let query: String = chars[start..start + len].iter().collect();
                if query.chars().all(indexer::analysis::is_cjk) {
                    queries.insert(query);
                }
            }
        }
    }
    let mut differ = Vec::new();
    for query in &queries {
        let req = SearchRequest {
            limit: 1000,
            highlight: false,
            ..SearchRequest::new(query.clone())
        };
        let verbatim: BTreeSet<String> = index
            .search(&req)
            .expect("the search runs")
            .hits
            .iter()
            .map(|h| format!("{}#{}", h.passage.doc_id, h.passage.passage))
            .collect();
        let body = Target::OpenSearch
            .search_body(&Schema::default(), &req)
            .expect("the request is written");
        let engine = engine_matches(&sources, &body["query"]);
        assert!(
            engine.is_subset(&verbatim),
            "{query}: the engine would find passages Verbatim does not: {:?}",
            engine.difference(&verbatim)
        );
        if engine != verbatim {
            differ.push(query.clone());
        }
    }
    // docs/scale-out.md quotes these figures: 568 queries, none that differs.
    assert!(queries.len() > 500, "{} queries", queries.len());
    assert!(
        differ.is_empty(),
        "{} of {} Chinese queries differ: {differ:?}",
        differ.len(),
        queries.len()
    );
}

// ---- Files a researcher exports, read back (issue 29) -----------------------------------------

/// Runs `verbatim --index DEMO ARGS...` and returns its stdout, failing on any error.
fn verbatim_file(args: &[&str]) -> Vec<u8> {
    let index = demo_index().display().to_string();
    let output = Binary::Cli
        .command()
        .args(["--index", index.as_str()])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run verbatim {args:?}: {e}"));
    assert!(
        output.status.success(),
        "verbatim {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The part `name` of a ZIP package (a Word or Excel file) as text.
fn package_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP package");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("no {name}: {e}"))
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{name} is not text: {e}"));
    text
}

#[test]
fn issue_29_a_word_appendix_counts_in_words_and_names_its_author_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.txt");
    std::fs::write(&plan, "\"more than co-location\"\n").unwrap();
    let out = dir.path().join("appendix.docx");
    let plan = plan.display().to_string();
    let started = std::time::SystemTime::now();
    verbatim_file(&[
        "batch",
        &plan,
        "--format",
        "docx",
        "--out",
        &out.display().to_string(),
    ]);
    let bytes = std::fs::read(&out).unwrap();
    let body = package_part(&bytes, "word/document.xml");
    assert!(
        body.contains("1 passage matching “more than co-location”."),
        "the Word file says what the Markdown says: {body}"
    );
    assert!(
        !body.contains("1 of 1 passages") && !body.contains("“\""),
        "{body}"
    );
    let core = package_part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:creator>Verbatim</dc:creator>"), "{core}");
    let created = core
        .split("<dcterms:created xsi:type=\"dcterms:W3CDTF\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no creation time: {core}"));
    let created = humantime::parse_rfc3339(created)
        .unwrap_or_else(|e| panic!("{created} is not a time: {e}"));
    let slack = std::time::Duration::from_secs(2);
    assert!(
        created + slack >= started && created <= std::time::SystemTime::now() + slack,
        "written at {created:?}, the export ran at {started:?}"
    );
}

#[test]
fn issue_29_keyness_exports_name_both_groups_and_their_sizes() {
    let compare = [
        "keyness",
        "--target",
        "role_group=GP",
        "--reference",
        "role_group=manager",
        "--min-freq",
        "2",
    ];
    let json: indexer::api::KeynessResponse = serde_json::from_slice(&verbatim_file(
        &[&compare[..], &["--format", "json"]].concat(),
    ))
    .expect("the keyness JSON");
    let size = |group: &indexer::api::GroupSize| {
        let noun =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} in {} by {}",
            noun(group.words, "word", "words"),
            noun(group.passages, "passage", "passages"),
            noun(group.participants, "participant", "participants")
        )
    };
    let md =
        String::from_utf8(verbatim_file(&[&compare[..], &["--format", "md"]].concat())).unwrap();
    assert_eq!(
        md.lines().next(),
        Some(
            format!(
                "*Key terms of role_group: GP ({}) against role_group: manager ({}).*",
                size(&json.target),
                size(&json.reference)
            )
            .as_str()
        ),
        "{md}"
    );
    let csv = String::from_utf8(verbatim_file(
        &[&compare[..], &["--format", "csv"]].concat(),
    ))
    .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!((&header[0], &header[1]), ("target", "reference"), "{csv}");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), json.terms.len());
    for record in &records {
        assert_eq!(
            (&record[0], &record[1]),
            ("role_group: GP", "role_group: manager")
        );
    }
    use calamine::Reader as _;
    let xlsx = verbatim_file(&[&compare[..], &["--format", "xlsx"]].concat());
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("a workbook");
    assert_eq!(book.sheet_names(), ["Keyness", "Groups"]);
    let groups: Vec<Vec<String>> = book
        .worksheet_range("Groups")
        .unwrap()
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect();
    let row = |name: &str, group: &indexer::api::GroupSize, filters: &str| {
        vec![
            name.to_string(),
            filters.to_string(),
            group.words.to_string(),
            group.passages.to_string(),
            group.participants.to_string(),
        ]
    };
    assert_eq!(
        groups[1..],
        [
            row("target", &json.target, "role_group: GP"),
            row("reference", &json.reference, "role_group: manager")
        ]
    );
}

#[test]
fn issue_29_no_two_passages_share_a_citation() {
    let index = open_demo_index();
    let all = index
        .search(&SearchRequest {
            limit: 1000,
            highlight: false,
            ..SearchRequest::new("")
        })
        .expect("every passage");
    assert_eq!(all.hits.len() as u64, all.total);
    // Every passage, not only every document: a PDF's paragraphs on one page each cite their
    // paragraph too, so two rows of an export are always told apart.
    let mut seen: BTreeMap<&str, (&str, u32)> = BTreeMap::new();
    for hit in &all.hits {
        let p = &hit.passage;
        if let Some((doc, ordinal)) = seen.insert(&p.citation, (&p.doc_id, p.passage)) {
            panic!(
                "{doc} #{ordinal} and {} #{} are both cited as {}",
                p.doc_id, p.passage, p.citation
            );
        }
    }
    // The SRT and WebVTT copies of one quote are told apart by their files.
    let copies: Vec<&str> = all
        .hits
        .iter()
        .filter(|hit| hit.passage.doc_id.starts_with("mcdermott-2019-quote-id19"))
        .map(|hit| hit.passage.citation.as_str())
        .collect();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(
        copies
            .iter()
            .any(|c| c.contains("(mcdermott-2019-quote-id19.srt)"))
            && copies
                .iter()
                .any(|c| c.contains("(mcdermott-2019-quote-id19.vtt)")),
        "{copies:?}"
    );
}
