//! Turning a corpus file's bytes into text: UTF-8 or UTF-16 with a byte-order mark, LF line endings.
//!
//! Researchers export transcripts from Word, NVivo and Excel, which write UTF-8 with a BOM,
//! UTF-16 and Windows line endings; every parser downstream sees plain UTF-8 with `\n`.

use std::path::Path;

use crate::error::Error;

/// Longest line, and longest passage, indexed, in bytes. No transcript turn or paragraph comes
/// near it; a longer one is a data dump or a file saved without line breaks, and as one passage
/// it would make every search that hits it return megabytes.
pub const MAX_PASSAGE_BYTES: usize = 1 << 20;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];

/// Decodes file bytes: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM; CRLF/CR -> LF.
/// Invalid UTF-8 is an error naming the line.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    let text = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        decode_utf8(path, rest)?
    } else if let Some(rest) = bytes.strip_prefix(UTF16_LE_BOM) {
        decode_utf16(path, rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(UTF16_BE_BOM) {
        decode_utf16(path, rest, u16::from_be_bytes)?
    } else {
        decode_utf8(path, bytes)?
    };
    Ok(normalize_line_endings(text))
}

/// The text of a text file (a document or JSONL), refused whole when a line is too long to
/// be a passage.
pub(super) fn decode_text(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    let text = decode(path, bytes)?;
    match overlong_line(path, &text) {
        Some(error) => Err(error),
        None => Ok(text),
    }
}

fn overlong_line(path: &Path, text: &str) -> Option<Error> {
    let (index, line) = text
        .split('\n')
        .enumerate()
        .find(|(_, line)| line.len() > MAX_PASSAGE_BYTES)?;
    Some(too_long(path, index + 1, "this line", line.len()))
}

pub(super) fn too_long(path: &Path, line: usize, what: &str, bytes: usize) -> Error {
    Error::malformed(
        path,
        line,
        format!(
            "{what} is {:.1} MB long and the limit is {} MB, so the file was left out: \
             break it into paragraphs (a blank line between) or speaker turns",
            bytes as f64 / 1e6,
            MAX_PASSAGE_BYTES >> 20
        ),
    )
}

/// The name of the encoding [`decode`] reads the bytes as.
pub(super) fn encoding_of(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(UTF16_LE_BOM) {
        "utf-16le"
    } else if bytes.starts_with(UTF16_BE_BOM) {
        "utf-16be"
    } else {
        "utf-8"
    }
}

fn decode_utf8(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            Err(Error::malformed(
                path,
                line_at(valid.iter().filter(|&&b| b == b'\n').count()),
                format!(
                    "invalid UTF-8 at byte {}: save the file as UTF-8 (or UTF-16 with a byte-order mark)",
                    e.valid_up_to()
                ),
            ))
        }
    }
}

fn decode_utf16(path: &Path, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, Error> {
    let chunks = bytes.chunks_exact(2);
    if !chunks.remainder().is_empty() {
        let newlines = count_utf16_newlines(bytes, unit);
        return Err(Error::malformed(
            path,
            line_at(newlines),
            "the UTF-16 text ends in half a character: the file is truncated, save it again",
        ));
    }
    let units = chunks.map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => text.push(c),
            Err(e) => {
                let newlines = text.matches('\n').count();
                return Err(Error::malformed(
                    path,
                    line_at(newlines),
                    format!(
                        "invalid UTF-16 (unpaired surrogate {:#06x}): save the file as UTF-8",
                        e.unpaired_surrogate()
                    ),
                ));
            }
        }
    }
    Ok(text)
}

fn count_utf16_newlines(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> usize {
    bytes
        .chunks_exact(2)
        .filter(|pair| unit([pair[0], pair[1]]) == u16::from(b'\n'))
        .count()
}

/// The 1-based line that follows `newlines` line breaks.
fn line_at(newlines: usize) -> usize {
    newlines + 1
}

fn normalize_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, bom: &[u8], to_bytes: fn(u16) -> [u8; 2]) -> Vec<u8> {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(to_bytes));
        bytes
    }

    #[test]
    fn plain_utf8_passes_through() {
        assert_eq!(
            decode(Path::new("a.md"), "Hello 你好\n".as_bytes()).unwrap(),
            "Hello 你好\n"
        );
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let bytes = [UTF8_BOM, b"---\ntitle: x\n"].concat();
        assert_eq!(
            decode(Path::new("a.md"), &bytes).unwrap(),
            "---\ntitle: x\n"
        );
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let le = utf16("ID9: 你好\r\nok", UTF16_LE_BOM, u16::to_le_bytes);
        assert_eq!(decode(Path::new("a.txt"), &le).unwrap(), "ID9: 你好\nok");
        let be = utf16("ID9: 你好\nok", UTF16_BE_BOM, u16::to_be_bytes);
        assert_eq!(decode(Path::new("a.txt"), &be).unwrap(), "ID9: 你好\nok");
    }

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        let text = decode(Path::new("a.md"), b"one\r\ntwo\rthree\n").unwrap();
        assert_eq!(text, "one\ntwo\nthree\n");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = decode(Path::new("corpus/a.md"), b"one\ntwo\nth\xFFree\n").unwrap_err();
        match &err {
            Error::Malformed { path, line, reason } => {
                assert_eq!(path, Path::new("corpus/a.md"));
                assert_eq!(*line, 3);
                assert!(reason.contains("invalid UTF-8 at byte 10"), "{reason}");
            }
            other => panic!("expected a malformed-file error, got {other:?}"),
        }
    }

    #[test]
    fn truncated_utf16_is_an_error() {
        let mut bytes = utf16("a\nb", UTF16_LE_BOM, u16::to_le_bytes);
        bytes.push(0);
        let err = decode(Path::new("a.txt"), &bytes).unwrap_err().to_string();
        assert!(
            err.starts_with("a.txt:2: the UTF-16 text ends in half a character"),
            "{err}"
        );
    }

    #[test]
    fn unpaired_surrogate_is_an_error_with_its_line() {
        let mut bytes = utf16("a\n", UTF16_LE_BOM, u16::to_le_bytes);
        bytes.extend(0xD800u16.to_le_bytes());
        let err = decode(Path::new("a.txt"), &bytes).unwrap_err().to_string();
        assert!(
            err.starts_with("a.txt:2: invalid UTF-16 (unpaired surrogate 0xd800)"),
            "{err}"
        );
    }
}
