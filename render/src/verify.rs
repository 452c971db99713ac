//! A checked draft (`verbatim verify`, `POST /v1/verify`): its quotes in order with their
//! status, attribution, citations and word-level diffs, as plain text (the terminal's table),
//! Markdown, CSV, JSON or a Word document for a co-author to read.
//!
//! Diffs read as in `git diff --word-diff`: `[-words-]` are in the transcript but not the draft,
//! `{+words+}` in the draft but not the transcript.

use std::io::{self, Write};

use docx_rs::{Docx, Paragraph, Run};
use indexer::api::{DiffOp, DiffPart, VerifiedQuote, VerifyResponse, VerifySummary};

use crate::docx::{heading_style, pack, quote_style};
use crate::sheet::{Sheet, Value};
use crate::{Format, Result, csv, json, write_error};

/// The formats a checked draft can be written in.
pub const VERIFY_FORMATS: [Format; 5] = [
    Format::Json,
    Format::Txt,
    Format::Md,
    Format::Csv,
    Format::Docx,
];

/// A checked draft in `format`.
pub fn verify(format: Format, response: &VerifyResponse) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let written = match format {
        Format::Json => json::write(&mut out, response),
        Format::Txt => write_text(&mut out, response),
        Format::Md => write_markdown(&mut out, response),
        Format::Csv => csv::write_sheet(&mut out, &sheet(response)),
        Format::Docx => return docx(response),
        Format::Jsonl | Format::Xlsx => return Err(crate::unsupported(format, &VERIFY_FORMATS)),
    };
    written.map_err(|e| write_error(format, e))?;
    Ok(out)
}

/// The diff in one line: `we needed a [-local-]{+regional+} plan`.
pub fn diff_text(diff: &[DiffPart]) -> String {
    diff.iter()
        .map(|part| match part.op {
            DiffOp::Same => part.text.clone(),
            DiffOp::Draft => format!("{{+{}+}}", part.text),
            DiffOp::Source => format!("[-{}-]", part.text),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `8 quotes, 7 checked: 3 verbatim, 2 edited, 1 close, 1 not found; 1 attribution differs`.
pub fn summary_line(summary: &VerifySummary) -> String {
    format!(
        "{} quotes, {} checked: {} verbatim, {} edited, {} close, {} not found; {} attribution{} differ{}",
        summary.quotes,
        summary.checked,
        summary.verbatim,
        summary.edited,
        summary.close,
        summary.not_found,
        summary.attribution_differs,
        if summary.attribution_differs == 1 {
            ""
        } else {
            "s"
        },
        if summary.attribution_differs == 1 {
            "s"
        } else {
            ""
        },
    )
}

/// What a quote's attribution says, in words: `agrees (GP ID16)`, `differs: ...`, `absent`.
fn attribution_text(quote: &VerifiedQuote) -> String {
    let a = &quote.attribution;
    let mut text = a.status.as_str().to_string();
    if let Some(draft) = &a.draft {
        text.push_str(&format!(" ({draft})"));
    }
    if let Some(detail) = &a.detail {
        text.push_str(&format!(": {detail}"));
    }
    text
}

/// One quote per paragraph: line, status and attribution, the quote, where it was found, the diff.
fn write_text(out: &mut impl Write, response: &VerifyResponse) -> io::Result<()> {
    for quote in &response.quotes {
        writeln!(
            out,
            "line {}  {}  attribution {}",
            quote.line,
            quote.status.as_str().to_uppercase(),
            attribution_text(quote)
        )?;
        writeln!(out, "  “{}”", one_line(&quote.text))?;
        if let Some(note) = &quote.note {
            writeln!(out, "  {note}")?;
        }
        for m in &quote.matches {
            writeln!(out, "  found: {}", m.citation)?;
            if !m.diff.is_empty() {
                writeln!(out, "  diff:  {}", diff_text(&m.diff))?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(&response.summary))
}

fn write_markdown(out: &mut impl Write, response: &VerifyResponse) -> io::Result<()> {
    writeln!(
        out,
        "# Quotes checked\n\n*{}.*",
        summary_line(&response.summary)
    )?;
    for quote in &response.quotes {
        writeln!(
            out,
            "\n## Line {}: {}, attribution {}\n\n> {}",
            quote.line,
            quote.status.as_str(),
            attribution_text(quote),
            quote.text.replace('\n', "\n> ")
        )?;
        if let Some(note) = &quote.note {
            writeln!(out, "\n{note}")?;
        }
        for m in &quote.matches {
            writeln!(out, "\n- {}", m.citation)?;
            if !m.diff.is_empty() {
                let diff: Vec<String> = m
                    .diff
                    .iter()
                    .map(|part| match part.op {
                        DiffOp::Same => part.text.clone(),
                        DiffOp::Draft => format!("**{}**", part.text),
                        DiffOp::Source => format!("~~{}~~", part.text),
                    })
                    .collect();
                writeln!(
                    out,
                    "  - diff (~~transcript only~~, **draft only**): {}",
                    diff.join(" ")
                )?;
            }
        }
    }
    Ok(())
}

/// One row per quote; its places joined, the diff against the first.
fn sheet(response: &VerifyResponse) -> Sheet {
    let columns = [
        "line",
        "status",
        "quote",
        "attribution",
        "attribution_draft",
        "attribution_detail",
        "citation",
        "speaker",
        "role",
        "site",
        "doc_id",
        "passage",
        "diff",
        "other_places",
    ];
    let text = |s: &str| Value::Text(s.to_string());
    let optional = |s: &Option<String>| Value::Text(s.clone().unwrap_or_default());
    let rows = response
        .quotes
        .iter()
        .map(|quote| {
            let first = quote.matches.first();
            let other: Vec<&str> = quote
                .matches
                .iter()
                .skip(1)
                .map(|m| m.citation.as_str())
                .collect();
            vec![
                Value::Count(quote.line as u64),
                text(quote.status.as_str()),
                text(&quote.text),
                text(quote.attribution.status.as_str()),
                optional(&quote.attribution.draft),
                optional(&quote.attribution.detail),
                text(first.map_or("", |m| m.citation.as_str())),
                optional(&first.and_then(|m| m.speaker.clone())),
                optional(&first.and_then(|m| m.role.clone())),
                optional(&first.and_then(|m| m.site.clone())),
                text(first.map_or("", |m| m.doc_id.as_str())),
                first.map_or(text(""), |m| Value::Count(u64::from(m.passage))),
                text(&first.map(|m| diff_text(&m.diff)).unwrap_or_default()),
                text(&other.join("; ")),
            ]
        })
        .collect();
    Sheet {
        name: "Quotes",
        columns: columns.iter().map(ToString::to_string).collect(),
        rows,
    }
}

/// The report as a Word document: the summary, then each quote as a block quote with its
/// status, attribution, citations and diff (transcript-only words struck through, draft-only
/// words underlined).
fn docx(response: &VerifyResponse) -> Result<Vec<u8>> {
    let mut docx = Docx::new()
        .add_style(heading_style("Heading1", "heading 1", 32))
        .add_style(quote_style())
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Quotes checked"))
                .style("Heading1"),
        )
        .add_paragraph(plain(&format!("{}.", summary_line(&response.summary))));
    for quote in &response.quotes {
        let heading = format!(
            "Line {}: {}, attribution {}",
            quote.line,
            quote.status.as_str(),
            attribution_text(quote)
        );
        docx = docx
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(heading).bold()))
            .add_paragraph(plain(&one_line(&quote.text)).style("Quote"));
        if let Some(note) = &quote.note {
            docx = docx.add_paragraph(plain(note));
        }
        for m in &quote.matches {
            docx = docx.add_paragraph(plain(&m.citation));
            if !m.diff.is_empty() {
                docx = docx.add_paragraph(diff_paragraph(&m.diff));
            }
        }
    }
    pack(docx)
}

fn plain(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn diff_paragraph(diff: &[DiffPart]) -> Paragraph {
    let mut paragraph = Paragraph::new().add_run(Run::new().add_text("Diff: "));
    for (i, part) in diff.iter().enumerate() {
        let text = if i > 0 {
            format!(" {}", part.text)
        } else {
            part.text.clone()
        };
        let run = Run::new().add_text(text);
        paragraph = paragraph.add_run(match part.op {
            DiffOp::Same => run,
            DiffOp::Draft => run.underline("single").bold(),
            DiffOp::Source => run.strike(),
        });
    }
    paragraph
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use indexer::api::{Attribution, AttributionStatus, QuoteMatch, QuoteStatus};

    use super::*;

    fn response() -> VerifyResponse {
        let quotes = vec![VerifiedQuote {
            text: "we needed a regional plan".into(),
            line: 3,
            status: QuoteStatus::Close,
            note: None,
            attribution: Attribution {
                draft: Some("GP ID16".into()),
                status: AttributionStatus::Differs,
                detail: Some("the draft names ID16; the quote is from ID19 (Manager)".into()),
            },
            matches: vec![QuoteMatch {
                citation: "[Manager ID19] McDermott et al. 2019, BMJ Open, para 53".into(),
                speaker: Some("ID19".into()),
                role: Some("Manager".into()),
                site: None,
                doc_id: "mcdermott-2019-integrated-care".into(),
                passage: 55,
                diff: vec![
                    DiffPart {
                        op: DiffOp::Same,
                        text: "we needed a".into(),
                    },
                    DiffPart {
                        op: DiffOp::Draft,
                        text: "regional".into(),
                    },
                    DiffPart {
                        op: DiffOp::Source,
                        text: "local".into(),
                    },
                    DiffPart {
                        op: DiffOp::Same,
                        text: "plan".into(),
                    },
                ],
            }],
        }];
        VerifyResponse {
            summary: VerifySummary::of(&quotes),
            quotes,
        }
    }

    #[test]
    fn text_markdown_and_csv_show_status_attribution_and_diff() {
        let text = String::from_utf8(verify(Format::Txt, &response()).unwrap()).unwrap();
        assert!(
            text.starts_with("line 3  CLOSE  attribution differs (GP ID16): the draft names ID16"),
            "{text}"
        );
        assert!(
            text.contains("  diff:  we needed a {+regional+} [-local-] plan\n"),
            "{text}"
        );
        assert!(text.ends_with("1 quotes, 1 checked: 0 verbatim, 0 edited, 1 close, 0 not found; 1 attribution differs\n"), "{text}");
        let md = String::from_utf8(verify(Format::Md, &response()).unwrap()).unwrap();
        assert!(
            md.contains("we needed a **regional** ~~local~~ plan"),
            "{md}"
        );
        let csv = String::from_utf8(verify(Format::Csv, &response()).unwrap()).unwrap();
        assert!(csv.starts_with("line,status,quote,attribution,"), "{csv}");
        assert!(
            csv.contains("3,close,we needed a regional plan,differs,GP ID16,"),
            "{csv}"
        );
        assert!(verify(Format::Xlsx, &response()).is_err());
    }

    #[test]
    fn the_word_report_holds_the_quote_citation_and_struck_words() {
        let bytes = verify(Format::Docx, &response()).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("we needed a regional plan"), "{xml}");
        assert!(
            xml.contains("[Manager ID19] McDermott et al. 2019, BMJ Open, para 53"),
            "{xml}"
        );
        assert!(xml.contains("<w:strike"), "{xml}");
    }
}
