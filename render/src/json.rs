//! `--format json`: the API's response, pretty-printed, so scripts can rely on the documented
//! response shape whichever backend answered.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `value` as pretty-printed JSON and a final newline.
pub fn write(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_with_final_newline() {
        let mut out = Vec::new();
        write(&mut out, &serde_json::json!({"total": 1})).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\n  \"total\": 1\n}\n");
    }
}
