//! What text is analysed as: Unicode NFKC (Kangxi radicals such as ⽅ U+2F45 become 方,
//! full-width ＧＰ and ２０１５ become GP and 2015, compatibility ideographs their unified
//! forms, as PDFs and Chinese input methods write them), then Traditional Chinese folded to
//! Simplified (see `script`), while every token keeps the byte offsets of the text as written,
//! so highlights and citations mark the document's own characters.
//!
//! NFKC is applied to each character with the combining marks that follow it (`e` and U+0301
//! become `é`), so every stretch of the normalised text comes from one stretch of the written.
//!
//! [`Normalizing`] wraps a tokenizer: it normalises the text into a buffer, lets the inner
//! tokenizer run over that, and maps each token's offsets back through an [`Alignment`]. Text
//! that normalising leaves alone (all English text) is tokenized as it is, with no copy.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::cjk::is_cjk;
use super::script::fold;

/// A stretch of the normalised text whose bytes do not line up with the text as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    norm_start: usize,
    norm_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// Where the bytes of a normalised text came from in the text as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Alignment {
    /// In order; between and around them, bytes correspond one for one.
    shifts: Vec<Shift>,
}

impl Alignment {
    /// The offset in the text as written of `offset` in the normalised text: a token starting
    /// inside a shifted stretch starts where the stretch does, one ending inside it ends where
    /// it ends (the whole written character is marked).
    pub(crate) fn original(&self, offset: usize, is_end: bool) -> usize {
        let after = self.shifts.partition_point(|s| s.norm_end <= offset);
        if let Some(s) = self.shifts.get(after)
            && s.norm_start < offset
        {
            return if is_end { s.orig_end } else { s.orig_start };
        }
        match after.checked_sub(1) {
            Some(before) => offset - self.shifts[before].norm_end + self.shifts[before].orig_end,
            None => offset,
        }
    }
}

/// Normalises `text` into `out`, its alignment into `alignment`; `false` (and both left empty)
/// when normalising changes nothing.
pub(crate) fn normalize_into(text: &str, out: &mut String, alignment: &mut Alignment) -> bool {
    out.clear();
    alignment.shifts.clear();
    if text.is_ascii() {
        return false;
    }
    // Copied lazily: `copied` is how much of `text` is in `out` already.
    let mut copied = 0;
    let mut changed = false;
    let mut chars = text.char_indices().peekable();
    let mut normalized = String::new();
    while let Some((at, c)) = chars.next() {
        let mut end = at + c.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if canonical_combining_class(next) == 0 {
                break;
            }
            end = next_at + next.len_utf8();
            chars.next();
        }
        let segment = &text[at..end];
        let single = end == at + c.len_utf8();
        if single && c.is_ascii() {
            continue;
        }
        normalized.clear();
        if single && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
            normalized.push(fold(c));
        } else {
            normalized.extend(segment.nfkc().map(fold));
        }
        if normalized == segment {
            continue;
        }
        if !changed {
            out.reserve(text.len());
            changed = true;
        }
        out.push_str(&text[copied..at]);
        let norm_start = out.len();
        out.push_str(&normalized);
        // One character for one of the same length lines up; anything else is a stretch.
        let one_for_one =
            single && normalized.len() == segment.len() && normalized.chars().nth(1).is_none();
        if !one_for_one {
            alignment.shifts.push(Shift {
                norm_start,
                norm_end: out.len(),
                orig_start: at,
                orig_end: end,
            });
        }
        copied = end;
    }
    if changed {
        out.push_str(&text[copied..]);
    }
    changed
}

/// Whether `text` may hold Han characters once normalised: it has some, or characters that
/// NFKC changes (a Kangxi radical becomes one).
pub fn may_hold_han(text: &str) -> bool {
    !text.is_ascii()
        && text.chars().any(|c| {
            is_cjk(c) || (!c.is_ascii() && is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes)
        })
}

/// `text` as analysed, with the alignment to the text as written (`None`: unchanged).
pub(crate) fn normalize(text: &str) -> (std::borrow::Cow<'_, str>, Option<Alignment>) {
    let mut out = String::new();
    let mut alignment = Alignment::default();
    if normalize_into(text, &mut out, &mut alignment) {
        (std::borrow::Cow::Owned(out), Some(alignment))
    } else {
        (std::borrow::Cow::Borrowed(text), None)
    }
}

/// A tokenizer run over normalised text, its tokens located in the text as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Normalizing<T> {
    inner: T,
    text: String,
    alignment: Alignment,
}

impl<T> Normalizing<T> {
    pub(crate) fn new(inner: T) -> Self {
        Normalizing {
            inner,
            text: String::new(),
            alignment: Alignment::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for Normalizing<T> {
    type TokenStream<'a> = NormalizingStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let changed = normalize_into(text, &mut self.text, &mut self.alignment);
        let (source, alignment) = if changed {
            (self.text.as_str(), Some(&self.alignment))
        } else {
            (text, None)
        };
        NormalizingStream {
            inner: self.inner.token_stream(source),
            alignment: alignment.filter(|a| !a.shifts.is_empty()),
        }
    }
}

/// The inner tokenizer's tokens, their offsets mapped back to the text as written.
pub(crate) struct NormalizingStream<'a, S> {
    inner: S,
    alignment: Option<&'a Alignment>,
}

impl<S: TokenStream> TokenStream for NormalizingStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        if let Some(alignment) = self.alignment {
            let token = self.inner.token_mut();
            token.offset_from = alignment.original(token.offset_from, false);
            token.offset_to = alignment.original(token.offset_to, true);
        }
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_simplified_text_is_left_alone() {
        for text in ["GP practices", "初级保健 and CCGs", ""] {
            let (normalized, alignment) = normalize(text);
            assert_eq!((normalized.as_ref(), alignment), (text, None));
        }
    }

    #[test]
    fn traditional_text_is_folded_in_place() {
        let (normalized, alignment) = normalize("CCG 初級保健");
        assert_eq!(normalized, "CCG 初级保健");
        // Same byte lengths: nothing shifted.
        assert_eq!(alignment, Some(Alignment::default()));
    }

    #[test]
    fn compatibility_forms_become_their_ordinary_characters_located_where_written() {
        // ⽅ (U+2F45, a Kangxi radical), full-width letters and digits, a compatibility
        // ideograph (U+F9F1 is 隣), e and a combining acute accent.
        let text = "⽅法 ＧＰ２０１５ 隣 cafe\u{301}";
        let (normalized, alignment) = normalize(text);
        let alignment = alignment.expect("changed");
        assert_eq!(normalized, "方法 GP2015 隣 café");
        let gp = normalized.find("GP").expect("GP");
        let start = alignment.original(gp, false);
        let end = alignment.original(gp + "GP2015".len(), true);
        assert_eq!(&text[start..end], "ＧＰ２０１５");
        let cafe = normalized.find("café").expect("café");
        let end = alignment.original(normalized.len(), true);
        assert_eq!(&text[alignment.original(cafe, false)..end], "cafe\u{301}");
        assert!(may_hold_han("⽅") && may_hold_han("初级") && !may_hold_han("GP café"));
    }

    #[test]
    fn normalising_twice_changes_nothing_more() {
        let text = "⽅法 ＧＰ 初級 ㍿ ① ﬁ cafe\u{301}";
        let (once, _) = normalize(text);
        assert_eq!(normalize(&once).0, once);
    }

    #[test]
    fn offsets_map_back_across_characters_of_other_byte_lengths() {
        // 㑮 (3 bytes) folds to 𫝈 (4 bytes).
        let text = "a㑮b初級";
        let (normalized, alignment) = normalize(text);
        let alignment = alignment.expect("changed");
        assert_eq!(normalized, "a𫝈b初级");
        let b = normalized.find('b').expect("b");
        assert_eq!(b, 5);
        assert_eq!(alignment.original(b, false), 4);
        assert_eq!(alignment.original(1, false), 1);
        assert_eq!(alignment.original(5, true), 4);
        assert_eq!(alignment.original(normalized.len(), true), text.len());
    }
}
