//! How a set remembers a passage: by content (document, speaker, a hash of its normalised text,
//! and the hashes of its neighbours) as well as by position, so that editing a transcript (a typo
//! fixed elsewhere, a turn added above) leaves the unchanged passages findable.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::PassageView;
use crate::error::Error;
use crate::model::DocId;

/// [`PassageRef`]'s form as a regular expression, for the OpenAPI document: a document id (as
/// [`DocId`] allows), `#`, a passage number from 1 (nine digits at most, within `u32`).
pub const PASSAGE_REF_PATTERN: &str = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}#[1-9][0-9]{0,8}$";

/// A passage by position: document id and 1-based passage number, written `DOC#N`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PassageRef {
    /// Document id.
    pub doc: String,
    /// Passage number, from 1.
    pub passage: u32,
}

impl PassageRef {
    /// Reads `DOC#N`, naming `field` when it is not one.
    pub fn parse(field: &str, s: &str) -> Result<PassageRef, Error> {
        let invalid = |reason: String| Error::InvalidValue {
            field: field.into(),
            reason,
            hint: Some(
                "write a passage as DOC#N, e.g. interview-9#2, as `verbatim search` cites it"
                    .into(),
            ),
        };
        let (doc, n) = s
            .rsplit_once('#')
            .ok_or_else(|| invalid(format!("{s:?} has no '#' before the passage number")))?;
        // Digits only, no leading zero: one passage has one spelling (`+1` and `01` are not it).
        let canonical = n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0');
        let passage = n
            .parse::<u32>()
            .ok()
            .filter(|_| canonical)
            .filter(|&n| (1..1_000_000_000).contains(&n))
            .ok_or_else(|| invalid(format!("{n:?} is not a passage number from 1 up")))?;
        DocId::parse(doc).map_err(invalid)?;
        Ok(PassageRef {
            doc: doc.to_string(),
            passage,
        })
    }
}

impl fmt::Display for PassageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.doc, self.passage)
    }
}

impl FromStr for PassageRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PassageRef::parse("passage", s)
    }
}

impl Serialize for PassageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PassageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        PassageRef::parse("passage", &s).map_err(serde::de::Error::custom)
    }
}

/// A passage of a set, as it was when saved: where it was, what it said, and how to find it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedPassage {
    /// Document id.
    pub doc: String,
    /// Passage number when saved (from 1).
    pub passage: u32,
    /// Speaker id, for transcripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// Hash of the passage's normalised text (whitespace runs as one space).
    pub hash: String,
    /// Hash of the passage before it, if any: finds the passage again after its own text changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Hash of the passage after it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Citation when saved.
    pub citation: String,
    /// Text when saved.
    pub text: String,
    /// Added by hand: kept whatever the query answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub added: bool,
}

impl SavedPassage {
    /// Anchors `passage` between its neighbours (`None` at either end of its document).
    pub fn anchor(
        passage: &PassageView,
        before: Option<&PassageView>,
        after: Option<&PassageView>,
    ) -> SavedPassage {
        SavedPassage {
            doc: passage.doc_id.clone(),
            passage: passage.passage,
            speaker: passage.speaker.clone(),
            hash: text_hash(&passage.text),
            before: before.map(|p| text_hash(&p.text)),
            after: after.map(|p| text_hash(&p.text)),
            citation: passage.citation.clone(),
            text: passage.text.clone(),
            added: false,
        }
    }

    /// Where it was when saved.
    pub fn position(&self) -> PassageRef {
        PassageRef {
            doc: self.doc.clone(),
            passage: self.passage,
        }
    }

    /// Whether `view` says the same thing from the same speaker.
    pub fn same_content(&self, view: &PassageView) -> bool {
        self.doc == view.doc_id
            && self.speaker == view.speaker
            && self.hash == text_hash(&view.text)
    }
}

/// Hex of the first 16 bytes of the BLAKE3 hash of `text` with whitespace runs as one space and
/// none at either end: re-wrapping a line is not an edit.
pub fn text_hash(text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    hasher.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_wrapping_not_words() {
        assert_eq!(
            text_hash("more than\n  co-location "),
            text_hash("more than co-location")
        );
        assert_ne!(
            text_hash("more than co-location"),
            text_hash("more then co-location")
        );
    }

    #[test]
    fn passage_refs_read_and_write_doc_hash_n() {
        let r: PassageRef = "interview-9#12".parse().unwrap();
        assert_eq!((r.doc.as_str(), r.passage), ("interview-9", 12));
        assert_eq!(r.to_string(), "interview-9#12");
        for bad in [
            "interview-9",
            "interview-9#0",
            "interview-9#x",
            "#3",
            "a#1000000000",
        ] {
            let err = bad.parse::<PassageRef>().unwrap_err().to_string();
            assert!(err.starts_with("passage: "), "{bad}: {err}");
        }
    }

    #[test]
    fn the_pattern_says_what_parse_accepts() {
        let pattern = regex::Regex::new(PASSAGE_REF_PATTERN).unwrap();
        for s in [
            "interview-9#12",
            "a#1",
            "a#999999999",
            "interview-9",
            "a#0",
            ".x#1",
            "a#1000000000",
            "a b#1",
            "x#01",
            "x#+1",
        ] {
            assert_eq!(pattern.is_match(s), s.parse::<PassageRef>().is_ok(), "{s}");
        }
    }
}
