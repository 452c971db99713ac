//! Which characters count as Chinese (Han ideographs).
//!
//! Shared by the tokenizer and by `build.rs` (included there with `#[path]`), so the dictionary
//! keeps exactly the words the tokenizer can ever ask about.

/// Whether a character is a CJK ideograph (segmented by lindera rather than split on spaces).
///
/// CJK punctuation (`，`, `。`, `（`) is not: it separates words like any other punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(
        c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF
    )
}
