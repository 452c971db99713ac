//! Turning a corpus file's bytes into text: UTF-8 or UTF-16 (with or without a byte-order
//! mark), or, failing those, the legacy encoding the bytes are most likely in; LF line endings.
//!
//! Researchers export transcripts from Word, NVivo and Excel, which write UTF-8 with a BOM,
//! UTF-16 and Windows line endings, and older tools write Windows-1252 (Latin-1), GBK/GB18030 or
//! Big5. Every parser downstream sees plain UTF-8 with `\n`. An encoding that is guessed
//! (`chardetng`, then decoded by `encoding_rs`) is named in a warning; only bytes that no
//! encoding explains are an error.

use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::error::Error;

/// Longest line, and longest passage, indexed, in bytes. No transcript turn or paragraph comes
/// near it; a longer one is a data dump or a file saved without line breaks, and as one passage
/// it would make every search that hits it return megabytes.
pub const MAX_PASSAGE_BYTES: usize = 1 << 20;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];

/// Decodes file bytes: UTF-8 (BOM stripped), UTF-16 LE/BE with a BOM or, by the zero bytes of
/// its ASCII, without; else the encoding detected; CRLF/CR -> LF. Bytes that no encoding
/// explains are an error naming the line.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    decode_detected(path, bytes).map(|decoded| decoded.text)
}

/// A file's text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decoded {
    pub text: String,
    /// The encoding's name, lower case (`utf-8`, `utf-16le`, `windows-1252`, `gbk`, `big5`).
    pub encoding: String,
    /// Set when the encoding was guessed: says which, and what to do if the text looks wrong.
    pub warning: Option<String>,
}

/// Decodes bytes as [`decode`] does, saying which encoding they were read as.
pub(super) fn decode_detected(path: &Path, bytes: &[u8]) -> Result<Decoded, Error> {
    let stated = |text, encoding: &str| Decoded {
        text,
        encoding: encoding.to_string(),
        warning: None,
    };
    let decoded = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        stated(decode_utf8(path, rest)?, "utf-8")
    } else if let Some(rest) = bytes.strip_prefix(UTF16_LE_BOM) {
        stated(decode_utf16(path, rest, u16::from_le_bytes)?, "utf-16le")
    } else if let Some(rest) = bytes.strip_prefix(UTF16_BE_BOM) {
        stated(decode_utf16(path, rest, u16::from_be_bytes)?, "utf-16be")
    } else if let Some(encoding) = utf16_without_bom(bytes) {
        guessed(path, bytes, encoding, "UTF-16 without a byte-order mark")?
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        stated(text.to_string(), "utf-8")
    } else {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        let encoding = detector.guess(None, true);
        guessed(path, bytes, encoding, "not UTF-8")?
    };
    Ok(Decoded {
        text: normalize_line_endings(decoded.text),
        ..decoded
    })
}

/// The bytes read as a guessed encoding, refused when it leaves bytes unexplained (a sequence
/// it cannot decode, or control characters no text holds: then the file is not text at all).
fn guessed(
    path: &Path,
    bytes: &[u8],
    encoding: &'static Encoding,
    why: &str,
) -> Result<Decoded, Error> {
    let name = encoding.name().to_ascii_lowercase();
    let unexplained = |line: usize| {
        Error::malformed(
            path,
            line,
            format!(
                "these bytes are not text in any encoding (read as {name}, the likeliest): save the file as UTF-8 text, or move it out of the corpus if it is not text"
            ),
        )
    };
    let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) else {
        let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |t| t.len());
        let newlines = bytes[..valid].iter().filter(|&&b| b == b'\n').count();
        return Err(unexplained(line_at(newlines)));
    };
    if let Some(at) = text.find(is_stray_control) {
        return Err(unexplained(line_at(text[..at].matches('\n').count())));
    }
    Ok(Decoded {
        text: text.into_owned(),
        warning: Some(format!(
            "the file is {why}: it was read as {name} (a guess); if accents, quotes or characters look wrong, save it as UTF-8"
        )),
        encoding: name,
    })
}

/// Control characters that text files do not hold (tabs, line and page breaks aside).
fn is_stray_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// UTF-16 without a byte-order mark, told by its ASCII characters' zero bytes: the high byte of
/// most units is zero, at odd offsets (little-endian) or even ones (big-endian).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let units = sample.len() / 2;
    let zeros = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let mostly = |n: usize| n * 10 >= units * 3;
    let rarely = |n: usize| n * 10 < units;
    if mostly(odd) && rarely(even) {
        Some(UTF_16LE)
    } else if mostly(even) && rarely(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The text of a text file (a document or JSONL), refused whole when a line is too long to
/// be a passage.
pub(super) fn decode_text(path: &Path, bytes: &[u8]) -> Result<Decoded, Error> {
    let decoded = decode_detected(path, bytes)?;
    match overlong_line(path, &decoded.text) {
        Some(error) => Err(error),
        None => Ok(decoded),
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
    fn bytes_no_encoding_explains_name_the_line() {
        let err = decode(Path::new("corpus/a.md"), b"one\ntwo\nth\xFF\x00\x01ree\n").unwrap_err();
        match &err {
            Error::Malformed { path, line, reason } => {
                assert_eq!(path, Path::new("corpus/a.md"));
                assert_eq!(*line, 3);
                assert!(reason.contains("not text in any encoding"), "{reason}");
            }
            other => panic!("expected a malformed-file error, got {other:?}"),
        }
    }

    /// Issue 21: files that are not UTF-8 are decoded by detection, the encoding named.
    #[test]
    fn legacy_encodings_are_detected_and_named() {
        let cases: [(&str, &'static Encoding, &str); 3] = [
            (
                "Interviewer: \u{201c}Did it work?\u{201d}\nJos\u{e9} Mart\u{ed}nez: It did, na\u{ef}vely \u{2013} at first.\nInterviewer: And Fran\u{e7}oise?\n",
                encoding_rs::WINDOWS_1252,
                "windows-1252",
            ),
            (
                "访谈者：您好，请介绍一下您的工作。\n受访者：我在社区卫生服务中心工作了十二年，主要负责慢性病管理。\n访谈者：谢谢。\n",
                encoding_rs::GBK,
                "gbk",
            ),
            (
                "訪談者：您好，請介紹一下您的工作。\n受訪者：我在社區衛生服務中心工作了十二年，主要負責慢性病管理。\n訪談者：謝謝。\n",
                encoding_rs::BIG5,
                "big5",
            ),
        ];
        for (text, encoding, name) in cases {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable, "{name}");
            let decoded = decode_detected(Path::new("a.txt"), &bytes).unwrap();
            assert_eq!(
                (decoded.text.as_str(), decoded.encoding.as_str()),
                (text, name)
            );
            let warning = decoded.warning.unwrap();
            assert!(warning.contains(&format!("read as {name}")), "{warning}");
        }
        let utf16: Vec<u8> = "Jane: We met.\nAnn: Why?\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let decoded = decode_detected(Path::new("a.txt"), &utf16).unwrap();
        assert_eq!(
            (decoded.text.as_str(), decoded.encoding.as_str()),
            ("Jane: We met.\nAnn: Why?\n", "utf-16le")
        );
        assert!(
            decoded
                .warning
                .unwrap()
                .contains("UTF-16 without a byte-order mark")
        );
        let plain = decode_detected(Path::new("a.txt"), "Plain text.\n".as_bytes()).unwrap();
        assert_eq!((plain.encoding.as_str(), plain.warning), ("utf-8", None));
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
