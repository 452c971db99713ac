//! Answers laid out as tables (a header row, then rows of text and numbers), once, for every
//! tabular format: CSV writes a sheet, Markdown a pipe table, XLSX a worksheet per sheet.

use indexer::api::{
    CollocatesResponse, CrosstabResponse, GroupSize, Hit, KeynessResponse, KwicResponse, QueryForm,
    SearchRequest,
};

use crate::Appendix;
use crate::words::{filters_text, group_name};

/// A table with a name (the worksheet's), column headings and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet name (at most 31 characters, as Excel allows).
    pub name: &'static str,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Value>>,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A count.
    Count(u64),
    /// A measure (rates, statistics).
    Number(f64),
}

impl Value {
    /// The cell as text: counts as digits, measures with up to six decimals.
    pub fn text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Count(count) => count.to_string(),
            Value::Number(number) => format_number(*number),
        }
    }
}

fn format_number(number: f64) -> String {
    let fixed = format!("{number:.6}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn optional(value: &Option<String>) -> Value {
    text(value.clone().unwrap_or_default())
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

/// Columns of a hit row; `text` comes last because it is the long one.
pub const HIT_COLUMNS: [&str; 14] = [
    "citation",
    "speaker",
    "role",
    "role_group",
    "site",
    "doc",
    "passage",
    "title",
    "kind",
    "lang",
    "section",
    "source_file",
    "source_line",
    "text",
];

fn hit_row(hit: &Hit) -> Vec<Value> {
    let p = &hit.passage;
    vec![
        text(&p.citation),
        optional(&p.speaker),
        optional(&p.role),
        optional(&p.role_group),
        optional(&p.site),
        text(&p.doc_id),
        Value::Count(u64::from(p.passage)),
        text(&hit.title),
        text(hit.kind.to_string()),
        text(p.lang.to_string()),
        optional(&p.section),
        text(&p.origin.file),
        Value::Count(u64::from(p.origin.line)),
        text(&p.text),
    ]
}

/// One row per hit, with its citation.
pub fn hits(hits: &[Hit]) -> Sheet {
    Sheet {
        name: "Hits",
        columns: columns(&HIT_COLUMNS),
        rows: hits.iter().map(hit_row).collect(),
    }
}

/// One row per quote of every section, the section heading first.
pub fn appendix(appendix: &Appendix) -> Sheet {
    let rows = appendix
        .sections
        .iter()
        .flat_map(|section| {
            section.hits.iter().map(|hit| {
                std::iter::once(text(&section.heading))
                    .chain(hit_row(hit))
                    .collect()
            })
        })
        .collect();
    Sheet {
        name: "Quotes",
        columns: std::iter::once("heading")
            .chain(HIT_COLUMNS)
            .map(String::from)
            .collect(),
        rows,
    }
}

/// One row per keyword-in-context line.
pub fn kwic(response: &KwicResponse) -> Sheet {
    Sheet {
        name: "Keyword in context",
        columns: columns(&["left", "keyword", "right", "citation", "doc", "passage"]),
        rows: response
            .lines
            .iter()
            .map(|line| {
                vec![
                    text(&line.left),
                    text(&line.keyword),
                    text(&line.right),
                    text(&line.citation),
                    text(&line.doc_id),
                    Value::Count(u64::from(line.passage)),
                ]
            })
            .collect(),
    }
}

/// A search as a query string (`q=trust&role_group=GP`): what reproduces a figure's quotes.
pub fn search_text(search: &SearchRequest) -> String {
    search
        .to_query()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A cross-tab: first one row per cell (the form CSV takes), then one matrix each of passages,
/// participants and rates, rows by columns (the forms a report takes).
pub fn crosstab(response: &CrosstabResponse) -> Vec<Sheet> {
    let by = response.by.to_string();
    let cells = Sheet {
        name: "Cells",
        columns: columns(&[
            "row",
            "query",
            &by,
            "passages",
            "participants",
            "per_10k_words",
            "column_words",
            "search",
        ]),
        rows: response
            .rows
            .iter()
            .flat_map(|row| {
                row.cells
                    .iter()
                    .zip(&response.columns)
                    .map(|(cell, column)| {
                        vec![
                            text(&row.label),
                            text(&row.q),
                            text(&column.value),
                            Value::Count(cell.passages),
                            Value::Count(cell.participants),
                            Value::Number(cell.per_10k_words),
                            Value::Count(column.words),
                            text(search_text(&cell.search)),
                        ]
                    })
            })
            .collect(),
    };
    let matrix = |name: &'static str, value: fn(&indexer::api::CrosstabCell) -> Value| Sheet {
        name,
        columns: std::iter::once("row".to_string())
            .chain(response.columns.iter().map(|c| c.value.clone()))
            .collect(),
        rows: response
            .rows
            .iter()
            .map(|row| {
                std::iter::once(text(&row.label))
                    .chain(row.cells.iter().map(value))
                    .collect()
            })
            .collect(),
    };
    vec![
        cells,
        matrix("Passages", |cell| Value::Count(cell.passages)),
        matrix("Participants", |cell| Value::Count(cell.participants)),
        matrix("Per 10,000 words", |cell| Value::Number(cell.per_10k_words)),
    ]
}

/// One row per key term with every count its statistics come from, and the groups compared
/// (their filters), so a file read on its own says what it compares.
pub fn keyness(response: &KeynessResponse) -> Sheet {
    let (target_words, reference_words) = (response.target.words, response.reference.words);
    let (target, reference) = (
        group_name(&response.target),
        group_name(&response.reference),
    );
    Sheet {
        name: "Keyness",
        columns: columns(&[
            "target",
            "reference",
            "term",
            "target_count",
            "reference_count",
            "target_words",
            "reference_words",
            "target_per_10k",
            "reference_per_10k",
            "log_likelihood",
            "log_ratio",
            "participants",
            "search",
        ]),
        rows: response
            .terms
            .iter()
            .map(|term| {
                vec![
                    text(&target),
                    text(&reference),
                    text(&term.term),
                    Value::Count(term.target_count),
                    Value::Count(term.reference_count),
                    Value::Count(target_words),
                    Value::Count(reference_words),
                    Value::Number(term.target_per_10k),
                    Value::Number(term.reference_per_10k),
                    Value::Number(term.log_likelihood),
                    Value::Number(term.log_ratio),
                    Value::Count(term.participants),
                    text(search_text(&term.search)),
                ]
            })
            .collect(),
    }
}

/// Collocates, a row each: the whole table's first, then each group's, with the counts the
/// statistics come from (so a reader can recompute MI and G² from the file alone).
pub fn collocates(response: &CollocatesResponse) -> Sheet {
    let node = response.node.join(" ");
    let node = node.as_str();
    Sheet {
        name: "Collocates",
        columns: columns(&[
            "node",
            "group",
            "term",
            "freq",
            "left",
            "right",
            "corpus_freq",
            "node_freq",
            "words",
            "mi",
            "log_likelihood",
            "search",
        ]),
        rows: std::iter::once(&response.all)
            .chain(&response.groups)
            .flat_map(|table| {
                let group = match filters_text(&table.filters) {
                    text if text.is_empty() => "every passage".to_string(),
                    text => text,
                };
                table.collocates.iter().map(move |collocate| {
                    vec![
                        text(node),
                        text(group.as_str()),
                        text(&collocate.term),
                        Value::Count(collocate.freq),
                        Value::Count(collocate.left),
                        Value::Count(collocate.right),
                        Value::Count(collocate.corpus_freq),
                        Value::Count(table.node_freq),
                        Value::Count(table.words),
                        Value::Number(collocate.mi),
                        Value::Number(collocate.log_likelihood),
                        text(search_text(&collocate.search)),
                    ]
                })
            })
            .collect(),
    }
}

/// The groups a keyness compares, a row each: its filters and its size.
pub fn keyness_groups(response: &KeynessResponse) -> Sheet {
    let row = |role: &str, group: &GroupSize| {
        vec![
            text(role),
            text(group_name(group)),
            Value::Count(group.words),
            Value::Count(group.passages),
            Value::Count(group.participants),
        ]
    };
    Sheet {
        name: "Groups",
        columns: columns(&["group", "filters", "words", "passages", "participants"]),
        rows: vec![
            row("target", &response.target),
            row("reference", &response.reference),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(Value::Number(6.931_471_805_6).text(), "6.931472");
        assert_eq!(Value::Number(2.0).text(), "2");
        assert_eq!(Value::Count(12).text(), "12");
    }

    #[test]
    fn searches_read_as_query_strings() {
        let mut search = SearchRequest::new("\"trust\"");
        search.filters.role_group = vec!["GP".into()];
        assert_eq!(search_text(&search), "q=\"trust\"&role_group=GP");
    }
}
