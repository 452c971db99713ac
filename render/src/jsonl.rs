//! `--format jsonl`: one compact JSON object per line (for `jq -c`, `grep`, and streaming tools).

use std::io::{self, Write};

use serde::Serialize;

/// Writes each item as one line of compact JSON.
pub fn write_lines<'a, T: Serialize + 'a>(
    out: &mut impl Write,
    items: impl IntoIterator<Item = &'a T>,
) -> io::Result<()> {
    for item in items {
        let line = serde_json::to_string(item).map_err(io::Error::other)?;
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_per_line_even_with_newlines_in_text() {
        let items = [
            serde_json::json!({"text": "a\nb"}),
            serde_json::json!({"text": "c"}),
        ];
        let mut out = Vec::new();
        write_lines(&mut out, &items).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"text\":\"a\\nb\"}\n{\"text\":\"c\"}\n"
        );
    }
}
