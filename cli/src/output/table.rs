//! `--format table`, the default: for reading in a terminal. One block per hit with the citation
//! first and matched words highlighted, then facet counts and a summary line. Colour only when
//! [`Palette`] says so (a terminal without NO_COLOR, or `--color always`); otherwise plain text.

use std::collections::BTreeMap;
use std::io::{self, Write};

use indexer::api::{
    CollocatesResponse, CrosstabResponse, DocumentDetail, DocumentInfo, DocumentList, FacetCount,
    FacetField, GroupSize, Hit, Holding, KeynessResponse, ParticipantInfo, PassageDetail,
    PassageView, SearchRequest, SearchResponse, Span, Stats,
};
use render::sheet::Sheet;

use unicode_width::UnicodeWidthStr;

use render::words::{self, describe_search};

/// Indent of a hit's body under its number.
const INDENT: &str = "   ";
/// Marks passages shown as context, not as hits.
const CONTEXT_BAR: &str = "┆ ";

/// ANSI styles, or none.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    color: bool,
}

impl Palette {
    /// A palette that colours when `color` is true.
    pub fn new(color: bool) -> Palette {
        Palette { color }
    }

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn strong(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn matched(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// Writes the hits, the facet counts and a summary line.
pub fn write_search(
    out: &mut impl Write,
    request: &SearchRequest,
    response: &SearchResponse,
    palette: Palette,
) -> io::Result<()> {
    for (i, hit) in response.hits.iter().enumerate() {
        write_hit(out, request.offset + i + 1, hit, palette)?;
        writeln!(out)?;
    }
    if response.total > 0 && !response.facets.is_empty() {
        write_facet_summary(out, &response.facets, palette)?;
        writeln!(out)?;
    }
    writeln!(out, "{}", palette.dim(&summary(request, response)))
}

fn write_hit(out: &mut impl Write, rank: usize, hit: &Hit, palette: Palette) -> io::Result<()> {
    let number = format!("{rank}.");
    let p = &hit.passage;
    writeln!(out, "{number:<3}{}", palette.strong(&p.citation))?;
    let mut meta = vec![format!("{}#{}", p.doc_id, p.passage), hit.kind.to_string()];
    meta.extend(p.site.clone());
    meta.extend(p.section.clone());
    writeln!(out, "{INDENT}{}", palette.dim(&meta.join(" · ")))?;
    let context = hit.context.as_ref();
    for view in context.map(|c| c.before.as_slice()).unwrap_or_default() {
        write_context(out, view, palette)?;
    }
    write_indented(out, INDENT, &highlight(&p.text, &hit.highlights, palette))?;
    for view in context.map(|c| c.after.as_slice()).unwrap_or_default() {
        write_context(out, view, palette)?;
    }
    Ok(())
}

fn write_context(out: &mut impl Write, view: &PassageView, palette: Palette) -> io::Result<()> {
    let text = match view.speaker_label() {
        Some(label) => format!("{label} {}", view.text.trim()),
        None => view.text.trim().to_string(),
    };
    for line in text.lines() {
        writeln!(
            out,
            "{INDENT}{}",
            palette.dim(&format!("{CONTEXT_BAR}{line}"))
        )?;
    }
    Ok(())
}

fn write_indented(out: &mut impl Write, indent: &str, text: &str) -> io::Result<()> {
    for line in text.trim().lines() {
        writeln!(out, "{indent}{}", line.trim_end())?;
    }
    Ok(())
}

/// `text` with the character ranges in `spans` painted as matches (overlaps merged, ranges past
/// the end ignored).
fn highlight(text: &str, spans: &[Span], palette: Palette) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<Span> = spans
        .iter()
        .map(|s| Span {
            start: s.start.min(chars.len()),
            end: s.end.min(chars.len()),
        })
        .filter(|s| s.start < s.end)
        .collect();
    spans.sort_by_key(|s| s.start);
    let mut result = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        let start = span.start.max(at);
        if start >= span.end {
            continue;
        }
        result.extend(&chars[at..start]);
        result.push_str(&palette.matched(&chars[start..span.end].iter().collect::<String>()));
        at = span.end;
    }
    result.extend(&chars[at..]);
    result
}

fn write_facet_summary(
    out: &mut impl Write,
    facets: &BTreeMap<String, Vec<FacetCount>>,
    palette: Palette,
) -> io::Result<()> {
    let width = facets.keys().map(|k| k.width()).max().unwrap_or(0);
    for (field, counts) in facets {
        let values: Vec<String> = counts
            .iter()
            .map(|c| match participants(c) {
                Some(said) => format!("{} ({}; {said})", c.value, c.count),
                None => format!("{} ({})", c.value, c.count),
            })
            .collect();
        let values = if values.is_empty() {
            palette.dim("(no values)")
        } else {
            values.join(" · ")
        };
        writeln!(out, "{}  {values}", palette.strong(&pad(field, width)))?;
    }
    Ok(())
}

fn summary(request: &SearchRequest, response: &SearchResponse) -> String {
    let searched = describe_search(&response.query, &request.filters);
    let took = format!("{:.1} ms", response.took_ms);
    let passages = |n: u64| words::count(n, "passage", "passages");
    match (response.total, response.hits.len()) {
        (0, _) => format!("no passages match {searched} ({took})"),
        (total, 0) => format!("{} match {searched} ({took})", passages(total)),
        (total, shown) if request.offset == 0 && shown as u64 == total => {
            format!("{} matching {searched} ({took})", passages(total))
        }
        (total, shown) => {
            let first = request.offset + 1;
            let last = request.offset + shown;
            format!(
                "{first}–{last} of {} matching {searched} ({took})",
                passages(total)
            )
        }
    }
}

/// Writes each field's values with counts, as a small aligned table per field.
pub fn write_facets(
    out: &mut impl Write,
    fields: &[(FacetField, Vec<FacetCount>)],
    palette: Palette,
) -> io::Result<()> {
    for (i, (field, counts)) in fields.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", palette.strong(&field.to_string()))?;
        if counts.is_empty() {
            writeln!(out, "  {}", palette.dim("(no values)"))?;
        }
        let width = counts.iter().map(|c| c.value.width()).max().unwrap_or(0);
        let count_width = counts
            .iter()
            .map(|c| c.count.to_string().len())
            .max()
            .unwrap_or(0);
        for c in counts {
            let line = format!("  {}  {:>count_width$}", pad(&c.value, width), c.count);
            match participants(c) {
                Some(said) => writeln!(out, "{line}  {}", palette.dim(&said))?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    Ok(())
}

/// `5 of 9 participants`, or nothing for a value no participant speaks in (prose).
fn participants(count: &FacetCount) -> Option<String> {
    (count.of > 0).then(|| {
        let of = words::count(count.of, "participant", "participants");
        format!("{} of {of}", count.participants)
    })
}

/// Writes participants as aligned columns; attributes, when the sheet has any, as `name=value`
/// in a last column.
pub fn write_participants(
    out: &mut impl Write,
    participants: &[ParticipantInfo],
    palette: Palette,
) -> io::Result<()> {
    let with_attrs = participants.iter().any(|p| !p.attrs.is_empty());
    let mut header = vec!["ID", "ROLE", "GROUP", "SITE", "PASSAGES"];
    if with_attrs {
        header.push("ATTRIBUTES");
    }
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = participants
        .iter()
        .map(|p| {
            let mut row = vec![
                p.id.clone(),
                p.role.clone().unwrap_or_default(),
                p.role_group.clone().unwrap_or_default(),
                p.site.clone().unwrap_or_default(),
                p.passages.to_string(),
            ];
            if with_attrs {
                let attrs: Vec<String> = p.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                row.push(attrs.join(" "));
            }
            row
        })
        .collect();
    write_columns(out, &header, &rows, palette)
}

/// Writes documents as aligned columns: id, kind, language, date, passages, title.
pub fn write_documents(
    out: &mut impl Write,
    list: &DocumentList,
    palette: Palette,
) -> io::Result<()> {
    let header: Vec<String> = ["ID", "KIND", "LANG", "DATE", "PASSAGES", "TITLE"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = list
        .documents
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.kind.to_string(),
                d.lang.to_string(),
                d.date.clone().unwrap_or_default(),
                d.passages.to_string(),
                d.title.clone(),
            ]
        })
        .collect();
    write_columns(out, &header, &rows, palette)?;
    if (list.documents.len() as u64) < list.total {
        let note = format!("{} of {} documents", list.documents.len(), list.total);
        writeln!(out, "{}", palette.dim(&note))?;
    }
    Ok(())
}

/// Columns of the shared sheets that a terminal table leaves out: the searches behind each
/// figure and the repeated group sizes (the JSON, CSV and XLSX formats keep them).
const SHEET_COLUMNS_LEFT_OUT: [&str; 9] = [
    "search",
    "node",
    "node_freq",
    "words",
    "target",
    "reference",
    "target_words",
    "reference_words",
    "column_words",
];

/// Writes key terms as aligned columns after a line giving both groups' sizes.
pub fn write_keyness(
    out: &mut impl Write,
    response: &KeynessResponse,
    palette: Palette,
) -> io::Result<()> {
    let group =
        |group: &GroupSize| format!("{}: {}", words::group_name(group), words::group_size(group));
    writeln!(out, "target:    {}", group(&response.target))?;
    writeln!(out, "reference: {}\n", group(&response.reference))?;
    write_sheet(out, &render::sheet::keyness(response), palette)
}

/// Writes collocates as aligned columns after a line giving the node and the text's size.
pub fn write_collocates(
    out: &mut impl Write,
    response: &CollocatesResponse,
    palette: Palette,
) -> io::Result<()> {
    let node = response.node.join(" ");
    for table in std::iter::once(&response.all).chain(&response.groups) {
        let group = match words::filters_text(&table.filters) {
            text if text.is_empty() => "every passage".to_string(),
            text => text,
        };
        writeln!(
            out,
            "{group}: {node:?} {} times in {} words, {} words either side",
            table.node_freq, table.words, response.window
        )?;
    }
    writeln!(out)?;
    write_sheet(out, &render::sheet::collocates(response), palette)
}

/// Writes a cross-tab as a matrix: in each cell the passages, the participants in parentheses
/// and the rate per 10,000 words after a slash; the columns' word totals below.
pub fn write_crosstab(
    out: &mut impl Write,
    response: &CrosstabResponse,
    palette: Palette,
) -> io::Result<()> {
    let header: Vec<String> = std::iter::once(response.by.to_string().to_uppercase())
        .chain(response.columns.iter().map(|c| c.value.clone()))
        .collect();
    let mut rows: Vec<Vec<String>> = response
        .rows
        .iter()
        .map(|row| {
            std::iter::once(row.label.clone())
                .chain(row.cells.iter().map(|cell| {
                    format!(
                        "{} ({}) / {:.2}",
                        cell.passages, cell.participants, cell.per_10k_words
                    )
                }))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once("(words)".to_string())
            .chain(response.columns.iter().map(|c| c.words.to_string()))
            .collect(),
    );
    write_columns(out, &header, &rows, palette)?;
    writeln!(
        out,
        "{}",
        palette.dim("passages (participants) / per 10,000 words of the column's text")
    )
}

/// Writes a shared sheet as aligned columns, without the columns a terminal has no room for.
fn write_sheet(out: &mut impl Write, sheet: &Sheet, palette: Palette) -> io::Result<()> {
    let kept: Vec<usize> = (0..sheet.columns.len())
        .filter(|&i| !SHEET_COLUMNS_LEFT_OUT.contains(&sheet.columns[i].as_str()))
        .collect();
    let header: Vec<String> = kept
        .iter()
        .map(|&i| sheet.columns[i].to_uppercase())
        .collect();
    let rows: Vec<Vec<String>> = sheet
        .rows
        .iter()
        .map(|row| {
            kept.iter()
                .map(|&i| match &row[i] {
                    render::sheet::Value::Number(n) => format!("{n:.2}"),
                    value => value.text(),
                })
                .collect()
        })
        .collect();
    write_columns(out, &header, &rows, palette)
}

/// Writes a header and rows as columns two spaces apart, each as wide as its widest cell.
fn write_columns(
    out: &mut impl Write,
    header: &[String],
    rows: &[Vec<String>],
    palette: Palette,
) -> io::Result<()> {
    let widths: Vec<usize> = (0..header.len())
        .map(|col| {
            std::iter::once(header)
                .chain(rows.iter().map(Vec::as_slice))
                .map(|row| row[col].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| pad(cell, width))
            .collect();
        cells.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", palette.strong(&line(header)))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// `text` padded with spaces to `width` terminal columns: a Chinese character takes two, so
/// counting characters would misalign the columns of a bilingual table.
fn pad(text: &str, width: usize) -> String {
    let padding = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(padding))
}

/// Writes the index statistics as `name  value` lines.
pub fn write_stats(out: &mut impl Write, stats: &Stats, palette: Palette) -> io::Result<()> {
    let counts = |map: &BTreeMap<String, Holding>| {
        map.iter()
            .map(|(value, held)| {
                format!(
                    "{value} {} in {}",
                    words::count(held.passages, "passage", "passages"),
                    words::count(held.documents, "document", "documents")
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let rows = [
        ("documents", stats.documents.to_string()),
        ("passages", stats.passages.to_string()),
        ("languages", counts(&stats.languages)),
        ("kinds", counts(&stats.kinds)),
        ("participants", stats.participants.to_string()),
        ("index size", human_bytes(stats.index_bytes)),
        ("built at", stats.built_at.clone()),
    ];
    for (name, value) in rows {
        writeln!(out, "{}  {value}", palette.strong(&format!("{name:<12}")))?;
    }
    Ok(())
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Writes a document's metadata and every passage.
pub fn write_document(
    out: &mut impl Write,
    detail: &DocumentDetail,
    palette: Palette,
) -> io::Result<()> {
    write_document_header(out, &detail.document, palette)?;
    for view in &detail.passages {
        writeln!(out)?;
        write_view(out, view, palette, false)?;
    }
    Ok(())
}

/// Writes a passage between its neighbours; the neighbours dimmed.
pub fn write_passage(
    out: &mut impl Write,
    detail: &PassageDetail,
    palette: Palette,
) -> io::Result<()> {
    write_document_header(out, &detail.document, palette)?;
    for view in &detail.context.before {
        writeln!(out)?;
        write_view(out, view, palette, true)?;
    }
    writeln!(out)?;
    write_view(out, &detail.passage, palette, false)?;
    for view in &detail.context.after {
        writeln!(out)?;
        write_view(out, view, palette, true)?;
    }
    Ok(())
}

fn write_document_header(
    out: &mut impl Write,
    doc: &DocumentInfo,
    palette: Palette,
) -> io::Result<()> {
    writeln!(out, "{}", palette.strong(&doc.title))?;
    let mut meta = vec![doc.id.clone(), doc.kind.to_string(), doc.lang.to_string()];
    meta.extend(doc.date.clone());
    meta.push(words::count(u64::from(doc.passages), "passage", "passages"));
    writeln!(out, "{}", palette.dim(&meta.join(" · ")))?;
    if !doc.authors.is_empty() {
        writeln!(out, "{}", doc.authors.join(", "))?;
    }
    let labelled = [
        ("reference", &doc.reference),
        ("url", &doc.url),
        ("licence", &doc.licence),
        ("translation", &doc.translation),
    ];
    for (label, value) in labelled {
        if let Some(value) = value {
            writeln!(out, "{} {value}", palette.dim(&format!("{label}:")))?;
        }
    }
    Ok(())
}

fn write_view(
    out: &mut impl Write,
    view: &PassageView,
    palette: Palette,
    context: bool,
) -> io::Result<()> {
    let header = format!("#{} {}", view.passage, view.citation);
    if context {
        writeln!(out, "{}", palette.dim(&header))?;
        for line in view.text.trim().lines() {
            writeln!(out, "{INDENT}{}", palette.dim(line.trim_end()))?;
        }
        Ok(())
    } else {
        writeln!(out, "{}", palette.strong(&header))?;
        write_indented(out, INDENT, &view.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use render::sample_hit;

    #[test]
    fn highlights_use_character_offsets() {
        let spans = [
            Span { start: 2, end: 4 },
            Span { start: 3, end: 5 },
            Span { start: 9, end: 99 },
        ];
        let painted = highlight("信任 trust 医生", &spans, Palette::new(true));
        assert_eq!(
            painted,
            "信任\x1b[1;31m t\x1b[0m\x1b[1;31mr\x1b[0must \x1b[1;31m医生\x1b[0m"
        );
        assert_eq!(
            highlight("信任 trust", &spans, Palette::new(false)),
            "信任 trust"
        );
    }

    #[test]
    fn plain_hit_block() {
        let hit = sample_hit();
        let response = SearchResponse {
            query: "professionals".into(),
            total: 7,
            took_ms: 1.31,
            hits: vec![hit],
            facets: BTreeMap::from([(
                "role_group".to_string(),
                vec![FacetCount {
                    value: "GP".into(),
                    count: 7,
                    participants: 3,
                    of: 5,
                }],
            )]),
            unknown_values: vec![],
        };
        let request = SearchRequest {
            offset: 4,
            ..SearchRequest::new("professionals")
        };
        let mut out = Vec::new();
        write_search(&mut out, &request, &response, Palette::new(false)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "5. [Independent GP ID9] McDermott et al. 2019, BMJ Open, para 42\n\
             \x20  mcdermott-2019-integrated-care#42 · article · site 1 · Results\n\
             \x20  You can't just throw half a dozen professionals in a room\n\
             \x20  and expect them to work together\n\
             \n\
             role_group  GP (7; 3 of 5 participants)\n\
             \n\
             5–5 of 7 passages matching “professionals” (1.3 ms)\n"
        );
    }

    #[test]
    fn participant_columns() {
        let mut participant = ParticipantInfo {
            id: "ID42".into(),
            role: Some("Manager".into()),
            role_group: Some("manager".into()),
            site: None,
            attrs: BTreeMap::new(),
            passages: 3,
        };
        let mut out = Vec::new();
        write_participants(
            &mut out,
            std::slice::from_ref(&participant),
            Palette::new(false),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ID    ROLE     GROUP    SITE  PASSAGES\nID42  Manager  manager        3\n"
        );
        participant.attrs.insert("gender".into(), "female".into());
        let mut out = Vec::new();
        write_participants(&mut out, &[participant], Palette::new(false)).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with("3         gender=female\n")
        );
    }

    #[test]
    fn chinese_text_takes_two_columns_per_character() {
        let participant = |id: &str, site: &str| ParticipantInfo {
            id: id.into(),
            role: Some("Manager".into()),
            role_group: None,
            site: Some(site.into()),
            attrs: BTreeMap::new(),
            passages: 1,
        };
        let mut out = Vec::new();
        write_participants(
            &mut out,
            &[participant("ID1", "北京站点"), participant("ID2", "site 2")],
            Palette::new(false),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "ID   ROLE     GROUP  SITE      PASSAGES\n\
             ID1  Manager         北京站点  1\n\
             ID2  Manager         site 2    1\n"
        );
        // The PASSAGES column starts at the same terminal column on every line.
        let columns: Vec<usize> = text
            .lines()
            .map(|line| {
                let before = line.rfind(['P', '1']).unwrap_or(0);
                line[..before].width()
            })
            .collect();
        assert_eq!(columns, [columns[0]; 3], "{text}");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 200 * 1024), "3.2 MiB");
    }
}
