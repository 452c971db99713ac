//! Keyword in context as aligned plain text: the left context right-aligned, the keywords in one
//! column, the right context, then the citation, measured in display columns so Chinese text
//! (two columns a character) lines up too.

use std::io::{self, Write};

use indexer::api::KwicResponse;
use unicode_width::UnicodeWidthStr;

/// Writes one line per occurrence, in columns.
pub fn write(out: &mut impl Write, response: &KwicResponse) -> io::Result<()> {
    let keyword_width = response
        .lines
        .iter()
        .map(|line| one_line(&line.keyword).width())
        .max()
        .unwrap_or(0);
    for line in &response.lines {
        let keyword = one_line(&line.keyword);
        writeln!(
            out,
            "{}  {}  {}  {}",
            pad_left(&line.left, response.width),
            pad_right(&keyword, keyword_width),
            pad_right(&line.right, response.width),
            line.citation
        )?;
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

fn pad_left(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

fn pad_right(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

#[cfg(test)]
mod tests {
    use indexer::api::KwicLine;

    use super::*;

    fn line(left: &str, keyword: &str, right: &str) -> KwicLine {
        KwicLine {
            left: left.into(),
            keyword: keyword.into(),
            right: right.into(),
            doc_id: "d".into(),
            passage: 1,
            citation: "D, para 1".into(),
        }
    }

    #[test]
    fn keywords_line_up_in_display_columns() {
        let response = KwicResponse {
            query: "保健".into(),
            total: 2,
            width: 8,
            lines: vec![
                line("委托初级", "保健", "服务"),
                line("the ", "care", " of"),
            ],
        };
        let mut out = Vec::new();
        write(&mut out, &response).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "委托初级  保健  服务      D, para 1");
        assert_eq!(lines[1], "    the   care   of       D, para 1");
        let keyword_column =
            |line: &str, keyword: &str| line[..line.find(keyword).unwrap()].width();
        assert_eq!(
            keyword_column(lines[0], "保健"),
            keyword_column(lines[1], "care")
        );
    }
}
