//! `verbatim batch`: many searches from a file, written as one document of quotes with
//! citations: a draft appendix a researcher can paste into a report.
//!
//! The file is TOML with one `[[section]]` table per section (heading, query, limit and the
//! `search` filters), or plain text with one query per line. Each section keeps its best `limit`
//! hits by relevance and lists them in corpus order (document id, then passage), so reruns on the
//! same index give the same file and quotes from one source sit together.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use indexer::api::{Filters, SearchRequest};
use serde::Deserialize;

use crate::args::BatchArgs;
use crate::backend::Backend;
use crate::messages::explain;
use render::words::count;
use render::{Appendix, SectionQuotes};

/// Runs every section and writes the document to `--out` or `out`; `Ok(true)` when any section
/// matched something.
pub fn run(args: &BatchArgs, backend: &Backend, out: &mut Vec<u8>) -> Result<bool> {
    if args.out.is_none() {
        super::refuse_binary_on_terminal(args.format.render(), true)?;
    }
    let path = &args.file;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.display().to_string();
    let plan = if is_toml(path, &text) {
        parse_toml(&name, &text, args.limit)?
    } else {
        parse_lines(&name, &text, args.limit)?
    };
    let appendix = collect(plan, backend, path)?;

    let rendered = render::appendix(args.format.render(), &appendix)?;
    match &args.out {
        Some(target) => {
            write_atomically(target, &rendered)?;
            let quotes: usize = appendix.sections.iter().map(|s| s.hits.len()).sum();
            eprintln!(
                "wrote {} in {} to {}",
                count(quotes as u64, "quote", "quotes"),
                count(appendix.sections.len() as u64, "section", "sections"),
                target.display()
            );
        }
        None => out.extend_from_slice(&rendered),
    }
    Ok(appendix.sections.iter().any(|s| s.total > 0))
}

/// What a batch file asks for.
#[derive(Debug)]
struct Plan {
    title: Option<String>,
    sections: Vec<PlannedSection>,
}

#[derive(Debug)]
struct PlannedSection {
    /// 1-based line where the section starts, for error messages.
    line: usize,
    heading: String,
    request: SearchRequest,
}

fn collect(plan: Plan, backend: &Backend, path: &Path) -> Result<Appendix> {
    let mut sections = Vec::with_capacity(plan.sections.len());
    for section in plan.sections {
        let response = backend.search(&section.request).with_context(|| {
            format!(
                "{}:{}: section “{}”",
                path.display(),
                section.line,
                section.heading
            )
        })?;
        let mut hits = response.hits;
        hits.sort_by(|a, b| {
            (&a.passage.doc_id, a.passage.passage).cmp(&(&b.passage.doc_id, b.passage.passage))
        });
        sections.push(SectionQuotes {
            heading: section.heading,
            request: section.request,
            total: response.total,
            hits,
        });
    }
    Ok(Appendix {
        title: plan.title,
        sections,
    })
}

/// TOML when the name says so or the file opens with a `[[section]]` table or a `title`.
pub(crate) fn is_toml(path: &Path, text: &str) -> bool {
    let named_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let first = meaningful_lines(text).next().map(|(_, line)| line);
    named_toml
        || first.is_some_and(|line| {
            line.starts_with("[[section]]")
                || line.starts_with("[[row]]")
                || line
                    .strip_prefix("title")
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
}

/// Non-blank lines that are not `#` comments, trimmed, with their 1-based numbers.
pub(crate) fn meaningful_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// One section per query line of the file `name`.
fn parse_lines(name: &str, text: &str, limit: usize) -> Result<Plan> {
    let sections: Vec<PlannedSection> = meaningful_lines(text)
        .map(|(line, query)| PlannedSection {
            line,
            heading: query.to_string(),
            request: SearchRequest {
                limit,
                ..SearchRequest::new(query)
            },
        })
        .collect();
    if sections.is_empty() {
        bail!(
            "{name}: no queries\n  hint: write one query per line (lines starting with # are comments)"
        );
    }
    Ok(Plan {
        title: None,
        sections,
    })
}

/// The TOML form of a batch file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchFile {
    title: Option<String>,
    #[serde(default)]
    section: Vec<toml::Spanned<SectionSpec>>,
}

/// One `[[section]]` table: heading, query, limit, and the filters of the search API.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionSpec {
    heading: Option<String>,
    #[serde(default)]
    query: String,
    limit: Option<usize>,
    #[serde(flatten)]
    filters: Filters,
}

/// Parses the TOML batch file `name`; errors name the file and line.
fn parse_toml(name: &str, text: &str, default_limit: usize) -> Result<Plan> {
    let file: BatchFile = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end();
        match e.span() {
            Some(span) => {
                let line = line_of_culprit(text, span.clone(), message)
                    .unwrap_or_else(|| line_of(text, span.start));
                anyhow!("{name}:{line}: {message}")
            }
            None => anyhow!("{name}: {message}"),
        }
    })?;
    if file.section.is_empty() {
        bail!(
            "{name}: no [[section]] tables\n  hint: add one per section, e.g.\n\n[[section]]\nheading = \"Trust\"\nquery = \"trust\"\n"
        );
    }
    let sections = file
        .section
        .into_iter()
        .map(|spanned| {
            let line = line_of(text, spanned.span().start);
            plan_section(spanned.into_inner(), line, default_limit)
                .map_err(|e| anyhow!("{name}:{line}: {e:#}"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        title: file.title,
        sections,
    })
}

fn plan_section(spec: SectionSpec, line: usize, default_limit: usize) -> Result<PlannedSection> {
    let heading = match spec.heading.filter(|h| !h.trim().is_empty()) {
        Some(heading) => heading,
        None if !spec.query.trim().is_empty() => spec.query.clone(),
        None => bail!(
            "this [[section]] has neither a heading nor a query\n  hint: add heading = \"...\""
        ),
    };
    let request = SearchRequest {
        q: spec.query,
        filters: spec.filters,
        limit: spec.limit.unwrap_or(default_limit),
        ..SearchRequest::default()
    };
    request
        .validate()
        .map_err(|e| anyhow!("section “{heading}”: {}", explain(&e)))?;
    Ok(PlannedSection {
        line,
        heading,
        request,
    })
}

/// The line of the key or string value that an error message quotes in backticks, in the table
/// whose header `span` covers (up to the next table header).
///
/// A section's filters are read as a whole (they are the API's [`Filters`]), so the parser can
/// only point at the section's header; the message still quotes the key or value at fault.
fn line_of_culprit(text: &str, span: std::ops::Range<usize>, message: &str) -> Option<usize> {
    let culprit = message.split('`').nth(1).filter(|c| !c.is_empty())?;
    let mut offset = span.start;
    for (i, line) in text.get(span.start..)?.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if i > 0 && trimmed.starts_with('[') {
            break;
        }
        let is_key = trimmed
            .strip_prefix(culprit)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_key || line.contains(&format!("\"{culprit}\"")) {
            return Some(line_of(text, offset));
        }
        offset += line.len();
    }
    None
}

/// The 1-based line holding byte `offset` of `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count() + 1)
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so the
/// file is either the old one or the complete new one, never half-written.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let context = || format!("--out {}", path.display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".verbatim-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like a file made by `>`: readable per the user's umask, not the temp file's 0600.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).with_context(context)?;
    file.write_all(bytes).with_context(context)?;
    file.as_file().sync_all().with_context(context)?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(context)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexer::api::YearRange;
    use indexer::model::Kind;

    const EXAMPLE: &str = r#"title = "Appendix"

# GPs first
[[section]]
heading = "GPs on teams"
query = "professionals room"
role = ["GP"]
limit = 5

[[section]]
query = "STP"
role = "manager"
kind = "article"
year = 2019
attr = { gender = "female" }
"#;

    #[test]
    fn toml_sections_become_requests() {
        let plan = parse_toml("a.toml", EXAMPLE, 20).unwrap();
        assert_eq!(plan.title.as_deref(), Some("Appendix"));
        let [gps, stp] = plan.sections.as_slice() else {
            panic!("expected two sections, got {plan:?}");
        };
        assert_eq!(
            (gps.line, gps.heading.as_str(), gps.request.limit),
            (4, "GPs on teams", 5)
        );
        assert_eq!(gps.request.filters.role, ["GP"]);
        assert_eq!(
            (stp.line, stp.heading.as_str(), stp.request.limit),
            (10, "STP", 20)
        );
        assert_eq!(stp.request.filters.role, ["manager"]);
        assert_eq!(stp.request.filters.kind, [Kind::Article]);
        assert_eq!(
            stp.request.filters.year,
            Some(YearRange {
                from: Some(2019),
                to: Some(2019)
            })
        );
        assert_eq!(stp.request.filters.attr["gender"], ["female"]);
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let text = "[[section]]\nquery = \"trust\"\nrol = \"GP\"\n";
        let err = parse_toml("a.toml", text, 20).unwrap_err().to_string();
        assert!(err.starts_with("a.toml:3: unknown field `rol`"), "{err}");
        let err = parse_toml("a.toml", "titel = \"x\"\n", 20)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.toml:1: unknown field `titel`"), "{err}");
    }

    #[test]
    fn bad_values_name_the_line_and_say_what_is_accepted() {
        let err = parse_toml(
            "a.toml",
            "[[section]]\nquery = \"x\"\n\nkind = \"memo\"\n",
            20,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("a.toml:4: "), "{err}");
        assert!(err.contains("`memo`") && err.contains("interview"), "{err}");
        let err = parse_toml(
            "a.toml",
            "[[section]]\nheading = \"h\"\nquery = \"x\"\nlimit = 5000\n",
            20,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("a.toml:1: section “h”: limit: 5000 is above the maximum of 1000"),
            "{err}"
        );
        let err = parse_toml("a.toml", "[[section]]\nlimit = 5\n", 20)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("a.toml:1: this [[section]] has neither a heading nor a query"),
            "{err}"
        );
    }

    #[test]
    fn plain_files_have_one_query_per_line() {
        let plan = parse_lines("q.txt", "# themes\ntrust\n\n  \"integrated care\"  \n", 7).unwrap();
        let queries: Vec<(usize, &str, usize)> = plan
            .sections
            .iter()
            .map(|s| (s.line, s.request.q.as_str(), s.request.limit))
            .collect();
        assert_eq!(queries, [(2, "trust", 7), (4, "\"integrated care\"", 7)]);
        assert_eq!(plan.sections[1].heading, "\"integrated care\"");
        let err = parse_lines("q.txt", "# nothing\n\n", 7)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("q.txt: no queries"), "{err}");
    }

    #[test]
    fn toml_is_recognised_by_name_or_content() {
        assert!(is_toml(Path::new("a.TOML"), "trust"));
        assert!(is_toml(
            Path::new("a.txt"),
            "# c\n[[section]]\nquery = \"x\""
        ));
        assert!(!is_toml(Path::new("a.txt"), "trust\ntitle of the paper"));
    }

    #[test]
    fn atomic_writes_replace_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        std::fs::write(&path, "old and longer").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
        let missing = dir.path().join("no/such/dir/out.md");
        let err = format!("{:#}", write_atomically(&missing, b"x").unwrap_err());
        assert!(
            err.starts_with(&format!("--out {}", missing.display())),
            "{err}"
        );
    }
}
