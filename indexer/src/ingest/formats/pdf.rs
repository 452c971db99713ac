//! PDF documents (policy documents, reports, papers): text per page, cited by page.
//!
//! Text comes from `pdf-extract` page by page. Lines are re-joined into paragraphs (a blank
//! line, i.e. a wider vertical gap, ends one), words hyphenated at a line end are re-joined, a
//! paragraph cut by a page break is joined to its end (and cited on the page it starts on), and
//! running headers and footers (a line that opens or closes most pages, page numbers aside) are
//! dropped, as are bare page numbers. A PDF with no text layer (a scan) or a password is refused
//! with what to do. Limits on objects, pages and inflated stream sizes, and the absence of loops
//! the extractor would follow forever, are checked before any text is extracted, so a runaway
//! object graph costs bounded memory and time; a page the extractor fails on is reported by its
//! number and the other pages are kept.

use std::collections::HashMap;
use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::LazyLock;

use regex::Regex;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, PlainTextOutput};

use super::super::source::{Block, ReadAs, Source, Style};

/// Most objects a PDF may hold (a 500-page report has tens of thousands).
const MAX_OBJECTS: usize = 2_000_000;
/// Most pages read.
const MAX_PAGES: usize = 20_000;
/// Largest stream once inflated (a page's content stream is rarely over a megabyte).
const MAX_STREAM_BYTES: u64 = 256 << 20;
/// Most forms drawn inside forms that are followed (real documents nest a few).
const MAX_FORM_DEPTH: usize = 32;
/// Lines at the top and bottom of a page looked at for running headers and footers.
const MARGIN_LINES: usize = 2;

/// A lower-case roman page number, i to xxxix, as front matter is numbered.
static ROMAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^x{0,3}(?:ix|iv|v?i{0,3})$").expect("roman pattern is valid"));

/// A page's text, or why it could not be read.
type PageText = Result<String, String>;

/// Reads a PDF's bytes into paragraphs cited by page. The error is for the whole file; the
/// list holds the pages that could not be read (page number, reason).
pub(super) fn parse(bytes: &[u8]) -> Result<(Source, Vec<(u32, String)>), String> {
    let document = open(bytes)?;
    check_limits(&document)?;
    check_graph(&document)?;
    let pages: Vec<(u32, PageText)> = document
        .get_pages()
        .into_keys()
        .map(|number| (number, page_text(&document, number)))
        .collect();
    let failed: Vec<(u32, String)> = pages
        .iter()
        .filter_map(|(n, text)| text.as_ref().err().map(|e| (*n, e.clone())))
        .collect();
    let texts: Vec<(u32, String)> = pages
        .into_iter()
        .filter_map(|(n, text)| text.ok().map(|t| (n, t)))
        .collect();
    if texts.iter().all(|(_, text)| text.trim().is_empty()) && failed.is_empty() {
        return Err(
            "the PDF has no text layer (it is probably a scan): run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and index the result"
                .into(),
        );
    }
    Ok((
        Source {
            title: None,
            blocks: paragraphs(&texts),
            read_as: ReadAs::Prose,
            ..Source::default()
        },
        failed,
    ))
}

fn open(bytes: &[u8]) -> Result<Document, String> {
    let mut document = Document::load_mem(bytes).map_err(|e| {
        if e.to_string().to_lowercase().contains("decrypt") {
            encrypted()
        } else {
            format!("the PDF cannot be read ({e}): it is damaged or truncated; save or print it to a new PDF")
        }
    })?;
    // Many PDFs are "encrypted" with an empty password only to restrict printing or editing.
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(encrypted());
    }
    Ok(document)
}

fn encrypted() -> String {
    "the PDF is password-protected: remove the password (e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and index the unlocked copy".into()
}

fn check_limits(document: &Document) -> Result<(), String> {
    let too_many = |what: &str, count: usize, limit: usize| {
        format!(
            "the PDF has {count} {what} (the limit is {limit}), so it was refused: split it into smaller files"
        )
    };
    if document.objects.len() > MAX_OBJECTS {
        return Err(too_many("objects", document.objects.len(), MAX_OBJECTS));
    }
    let pages = document.get_pages().len();
    if pages > MAX_PAGES {
        return Err(too_many("pages", pages, MAX_PAGES));
    }
    for object in document.objects.values() {
        if let Object::Stream(stream) = object
            && stream
                .filters()
                .is_ok_and(|f| f.first() == Some(&&b"FlateDecode"[..]))
            && inflated_size(&stream.content, MAX_STREAM_BYTES) > MAX_STREAM_BYTES
        {
            return Err(format!(
                "a stream in the PDF inflates to more than {} MB (the limit), so it was refused as damaged or hostile: save or print it to a new PDF",
                MAX_STREAM_BYTES >> 20
            ));
        }
    }
    Ok(())
}

/// Refuses the object graphs the extractor would follow forever (it recurses, and a stack
/// overflow is no panic that can be caught): a page tree whose parents loop, or a form that
/// draws itself, directly or through others, or forms nested deeper than [`MAX_FORM_DEPTH`].
fn check_graph(document: &Document) -> Result<(), String> {
    for page in document.get_pages().into_values() {
        let (inline, ids) = document.get_page_resources(page).map_err(|_| {
            "the PDF's page tree loops back on itself, so it was refused as damaged: print it to a new PDF".to_string()
        })?;
        let resources =
            inline.or_else(|| ids.first().and_then(|id| document.get_dictionary(*id).ok()));
        let content = document.get_page_content(page).unwrap_or_default();
        check_forms(document, &content, resources, &mut Vec::new())?;
    }
    Ok(())
}

/// Follows the forms a content stream draws (`/Name Do`), as the extractor will.
fn check_forms(
    document: &Document,
    content: &[u8],
    resources: Option<&Dictionary>,
    drawing: &mut Vec<ObjectId>,
) -> Result<(), String> {
    // Content the parser cannot read is the extractor's to report.
    let Ok(content) = Content::decode(content) else {
        return Ok(());
    };
    for operation in content.operations.iter().filter(|o| o.operator == "Do") {
        let Some((id, form)) = form(document, resources, &operation.operands) else {
            continue;
        };
        if drawing.contains(&id) || drawing.len() >= MAX_FORM_DEPTH {
            return Err("the PDF has a form that draws itself (or forms nested too deep), so it was refused as damaged or hostile: print it to a new PDF".into());
        }
        let inner = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| document.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok())
            .or(resources);
        let content = form
            .decompressed_content()
            .unwrap_or_else(|_| form.content.clone());
        drawing.push(id);
        check_forms(document, &content, inner, drawing)?;
        drawing.pop();
    }
    Ok(())
}

/// The form XObject a `Do` operation names, with its object id.
fn form<'a>(
    document: &'a Document,
    resources: Option<&'a Dictionary>,
    operands: &[Object],
) -> Option<(ObjectId, &'a pdf_extract::Stream)> {
    let name = operands.first()?.as_name().ok()?;
    let xobjects = resources?.get(b"XObject").ok()?;
    let (_, xobjects) = document.dereference(xobjects).ok()?;
    let id = xobjects
        .as_dict()
        .ok()?
        .get(name)
        .ok()?
        .as_reference()
        .ok()?;
    let stream = document.get_object(id).ok()?.as_stream().ok()?;
    let is_form = stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form");
    is_form.then_some((id, stream))
}

/// How many bytes a zlib stream inflates to, counting no further than one past `limit`.
fn inflated_size(compressed: &[u8], limit: u64) -> u64 {
    let decoder = flate2::read::ZlibDecoder::new(compressed).take(limit + 1);
    std::io::copy(&mut { decoder }, &mut std::io::sink()).unwrap_or(0)
}

/// One page's text; a page the extractor fails or panics on is an error naming why.
fn page_text(document: &Document, number: u32) -> PageText {
    let extract = || {
        let mut text = String::new();
        pdf_extract::output_doc_page(document, &mut PlainTextOutput::new(&mut text), number)
            .map(|()| text)
            .map_err(|e| e.to_string())
    };
    panic::catch_unwind(AssertUnwindSafe(extract))
        .unwrap_or_else(|_| Err("the PDF reader failed on it".into()))
}

/// The paragraphs of the pages, in order, without running headers, footers and page numbers.
fn paragraphs(pages: &[(u32, String)]) -> Vec<Block> {
    let running = running_lines(pages);
    let mut blocks: Vec<Block> = Vec::new();
    // A paragraph still open at the end of the previous page.
    let mut open: Option<(u32, String)> = None;
    for (number, text) in pages {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let content = page_content(&lines, &running);
        for (index, paragraph) in split_paragraphs(&content).into_iter().enumerate() {
            let continues = index == 0
                && open.as_ref().is_some_and(|(_, text)| !ends_sentence(text))
                && paragraph.starts_with(|c: char| c.is_lowercase());
            match &mut open {
                Some((_, text)) if continues => join_line(text, &paragraph),
                _ => {
                    blocks.extend(open.take().map(|(page, text)| block(page, text)));
                    open = Some((*number, paragraph));
                }
            }
        }
    }
    blocks.extend(open.map(|(page, text)| block(page, text)));
    blocks
}

fn block(page: u32, text: String) -> Block {
    Block {
        page: Some(page),
        ..Block::new(page as usize, Style::Paragraph, text)
    }
}

/// A page's lines without its margins' running lines and page numbers.
fn page_content<'a>(lines: &[&'a str], running: &[String]) -> Vec<&'a str> {
    let last = lines.len().saturating_sub(1);
    let in_margin = |at: usize| {
        let from_top = lines[..at].iter().filter(|l| !l.is_empty()).count();
        let from_bottom = lines[at + 1..].iter().filter(|l| !l.is_empty()).count();
        from_top < MARGIN_LINES || from_bottom < MARGIN_LINES
    };
    lines
        .iter()
        .enumerate()
        .filter(|&(at, line)| {
            line.is_empty()
                || at > last
                || !(in_margin(at) && (is_page_number(line) || running.contains(&shape(line))))
        })
        .map(|(_, line)| *line)
        .collect()
}

/// Lines (their shape, digits aside) that sit in the margins of most pages.
fn running_lines(pages: &[(u32, String)]) -> Vec<String> {
    if pages.len() < 2 {
        return Vec::new();
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, text) in pages {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let top = lines.iter().take(MARGIN_LINES);
        let bottom = lines.iter().rev().take(MARGIN_LINES);
        let mut seen: Vec<String> = top.chain(bottom).map(|l| shape(l)).collect();
        seen.sort();
        seen.dedup();
        for line in seen {
            *counts.entry(line).or_default() += 1;
        }
    }
    let most = pages.len().div_ceil(2).max(2);
    counts
        .into_iter()
        .filter(|(_, count)| *count >= most)
        .map(|(line, _)| line)
        .collect()
}

/// A line with its digits masked, so `Page 3 of 40` and `Page 4 of 40` are one running line.
fn shape(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// `12`, `- 12 -`, `Page 12`, `12 of 40`, `xii`.
fn is_page_number(line: &str) -> bool {
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| !matches!(*w, "-" | "–" | "—" | "|"))
        .collect();
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit()) || ROMAN.is_match(w);
    match words.as_slice() {
        [n] => number(n.trim_matches(['-', '–'])),
        [page, n] => page.eq_ignore_ascii_case("page") && number(n),
        [n, of, m] => number(n) && of.eq_ignore_ascii_case("of") && number(m),
        [page, n, of, m] => {
            page.eq_ignore_ascii_case("page")
                && number(n)
                && of.eq_ignore_ascii_case("of")
                && number(m)
        }
        _ => false,
    }
}

/// Blank-line separated paragraphs, their lines re-joined.
fn split_paragraphs(lines: &[&str]) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            join_line(&mut current, line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Appends a line: a word hyphenated across the break (`commis-` + `sioning`) is re-joined,
/// and a compound broken at one of its own hyphens (`face-to-` + `face`) keeps it.
fn join_line(text: &mut String, line: &str) {
    let hyphenated = text.ends_with('-')
        && text[..text.len() - 1].ends_with(char::is_alphabetic)
        && line.starts_with(char::is_lowercase);
    let last_word = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    if hyphenated && last_word[..last_word.len() - 1].contains('-') {
        // The hyphen is the compound's own: keep it, with no space.
    } else if hyphenated {
        text.pop();
    } else if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(line);
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', ':', '"', '”', '’', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<(u32, &str)> {
        blocks
            .iter()
            .map(|b| match b {
                Block {
                    text,
                    page: Some(page),
                    style: Style::Paragraph,
                    ..
                } => (*page, text.as_str()),
                other => panic!("not a page paragraph: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn running_headers_page_numbers_and_hyphens() {
        let pages = vec![
            (1, "NHS England Policy 2016\n\nPrimary care commis-\nsioning is changing\nfast, face-to-\nface.\n\nA second para-\ngraph that runs on\n\n1\n".to_string()),
            (2, "NHS England Policy 2016\n\nover the page break.\n\nCo-commissioning began in 2015.\n\nPage 2 of 3\n".to_string()),
            (3, "NHS England Policy 2016\n\nThe end.\n\n- 3 -\n".to_string()),
        ];
        assert_eq!(
            texts(&paragraphs(&pages)),
            [
                (
                    1,
                    "Primary care commissioning is changing fast, face-to-face."
                ),
                (1, "A second paragraph that runs on over the page break."),
                (2, "Co-commissioning began in 2015."),
                (3, "The end."),
            ]
        );
    }

    #[test]
    fn page_numbers() {
        for yes in [
            "12",
            "- 12 -",
            "Page 12",
            "12 of 40",
            "page 3 of 9",
            "xii",
            "iv",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["12 practices", "Table 3", "2015 to 2016", "civic", "mix"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn inflating_stops_one_byte_past_the_limit() {
        use std::io::Write;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&vec![0u8; 10 << 20]).unwrap();
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 64 << 10, "{}", bomb.len());
        assert_eq!(inflated_size(&bomb, 1 << 20), (1 << 20) + 1);
        assert_eq!(inflated_size(&bomb, 20 << 20), 10 << 20);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let err = parse(b"%PDF-1.7\n1 0 obj << /Type /Catalog").unwrap_err();
        assert!(err.contains("damaged or truncated"), "{err}");
    }
}
