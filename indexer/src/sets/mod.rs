//! Hit sets: searches that become codes. A set is a named search (query, filters, description)
//! plus the researcher's review of its answer: passages dropped as false positives, passages added
//! by hand, and the unit each passage is widened to when shown or exported.
//!
//! Sets live as plain TOML files beside the index's generations ([`SetStore`]), so rebuilds never
//! touch them. Each passage is anchored by content and position ([`SavedPassage`]), and
//! [`HitSet::rerun`] compares a set with the query's answer on today's index ([`Rerun`]).

mod anchor;
mod name;
mod rerun;
mod service;
mod store;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::{Filters, MAX_CONTEXT, MAX_LIMIT, PassageView, SearchRequest, Sort};
use crate::error::{Error, Result};
use crate::search::Index;

pub use anchor::{PASSAGE_REF_PATTERN, PassageRef, SavedPassage, text_hash};
pub use name::{MAX_NAME_CHARS, NAME_PATTERN, SetName};
pub use rerun::{Changed, Moved, Rerun};
pub use service::{create, delete, get, list, rerun, update};
pub use store::{SETS_DIR, SetList, SetStore, SetSummary};

/// Most passages one set holds: a query matching more is a search to narrow, not a code.
pub const MAX_SET_PASSAGES: usize = 10_000;

/// A saved, reviewed search, as its TOML file holds it (the name is the file's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HitSet {
    /// What the set is for.
    #[serde(default)]
    pub description: String,
    /// How far each passage is widened when shown or exported.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^(passage|turn|context=([1-9]|1[0-9]|20))$"))]
    pub unit: Unit,
    /// The search the set was saved from.
    pub search: SavedSearch,
    /// The set's passages, in corpus order.
    #[serde(default, rename = "passage")]
    pub passages: Vec<SavedPassage>,
    /// Passages of the query's answer dropped as false positives; a re-run does not offer them again.
    #[serde(default)]
    pub dropped: Vec<SavedPassage>,
}

/// The search behind a set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedSearch {
    /// Query text.
    #[serde(default)]
    pub q: String,
    /// Filters.
    #[serde(default)]
    pub filters: Filters,
}

/// How far a passage of a set reaches when shown or exported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    /// The passage alone: a transcript turn or caption cue, a paragraph of prose.
    #[default]
    Passage,
    /// The speaker's whole turn: the passage and the neighbours by the same speaker next to it
    /// (caption cues of one turn are passages of their own).
    Turn,
    /// The passage and this many passages either side (1 to 20).
    Context(usize),
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Passage => f.write_str("passage"),
            Unit::Turn => f.write_str("turn"),
            Unit::Context(n) => write!(f, "context={n}"),
        }
    }
}

impl FromStr for Unit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid =
            || Error::invalid_value("unit", s, "passage, turn, context=N (N from 1 to 20)");
        match s {
            "passage" => Ok(Unit::Passage),
            "turn" => Ok(Unit::Turn),
            _ => {
                let n = s
                    .strip_prefix("context=")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=MAX_CONTEXT).contains(n))
                    .ok_or_else(invalid)?;
                Ok(Unit::Context(n))
            }
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A set's passage widened to its unit, as today's index has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Excerpt {
    /// The passage of the set.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "interview-9#2"))]
    pub passage: PassageRef,
    /// The first and last passage the excerpt spans.
    pub from: u32,
    /// The last passage the excerpt spans.
    pub to: u32,
    /// The set passage's citation.
    pub citation: String,
    /// The excerpt's text, passages joined by blank lines (`Label: text` for transcript turns).
    pub text: String,
}

impl HitSet {
    /// A set holding every passage that `search` matches on `index`.
    pub fn from_search(index: &Index, search: SavedSearch, description: String) -> Result<HitSet> {
        let matches = all_matches(index, &search)?;
        let mut docs = Documents::new(index);
        let passages = matches
            .iter()
            .map(|p| docs.anchor(p))
            .collect::<Result<Vec<_>>>()?;
        Ok(HitSet {
            description,
            unit: Unit::Passage,
            search,
            passages,
            dropped: Vec::new(),
        })
    }

    /// Moves passages out of the set into `dropped`; a passage not in the set is an error naming it.
    pub fn drop_passages(&mut self, refs: &[PassageRef]) -> Result<()> {
        for r in refs {
            let at = self
                .passages
                .iter()
                .position(|p| p.position() == *r)
                .ok_or_else(|| not_in_set(r))?;
            let mut dropped = self.passages.remove(at);
            dropped.added = false;
            self.dropped.push(dropped);
        }
        Ok(())
    }

    /// Adds passages by hand (they stay whatever the query answers); one that is already in the
    /// set is left as it is, one that was dropped comes back.
    pub fn add_passages(&mut self, index: &Index, refs: &[PassageRef]) -> Result<()> {
        let mut docs = Documents::new(index);
        for r in refs {
            if self.passages.iter().any(|p| p.position() == *r) {
                continue;
            }
            let view = docs.passage(r)?;
            let mut saved = docs.anchor(&view)?;
            self.dropped.retain(|d| !d.same_content(&view));
            saved.added = true;
            self.passages.push(saved);
        }
        self.passages.sort_by_key(SavedPassage::position);
        Ok(())
    }

    /// The set's passages widened to its unit on today's index; a passage no longer there is
    /// shown as saved.
    pub fn excerpts(&self, index: &Index) -> Result<Vec<Excerpt>> {
        let mut docs = Documents::new(index);
        self.passages
            .iter()
            .map(|saved| {
                let at = saved.position();
                let span = match docs.passages(&saved.doc)? {
                    Some(all) => all
                        .iter()
                        .position(|p| saved.same_content(p))
                        .map(|i| widen(all, i, self.unit)),
                    None => None,
                };
                Ok(match span {
                    Some(span) => Excerpt {
                        from: span[0].passage,
                        to: span[span.len() - 1].passage,
                        citation: saved.citation.clone(),
                        text: span.iter().map(labelled).collect::<Vec<_>>().join("\n\n"),
                        passage: at,
                    },
                    None => Excerpt {
                        from: saved.passage,
                        to: saved.passage,
                        citation: saved.citation.clone(),
                        text: saved.text.clone(),
                        passage: at,
                    },
                })
            })
            .collect()
    }
}

/// `Label: text` for a turn (the label as the transcript wrote it), the text alone for prose.
fn labelled(p: &PassageView) -> String {
    match p.speaker.as_ref().or(p.attribution.as_ref()) {
        Some(label) => format!("{label}: {}", p.text),
        None => p.text.clone(),
    }
}

/// The passages around `all[i]` that `unit` takes in.
fn widen(all: &[PassageView], i: usize, unit: Unit) -> &[PassageView] {
    match unit {
        Unit::Passage => &all[i..=i],
        Unit::Context(n) => &all[i.saturating_sub(n)..(i + n + 1).min(all.len())],
        Unit::Turn => {
            let speaker = &all[i].speaker;
            if speaker.is_none() {
                return &all[i..=i];
            }
            let start = (0..i)
                .rev()
                .take_while(|&j| all[j].speaker == *speaker)
                .last()
                .unwrap_or(i);
            let end = (i + 1..all.len())
                .take_while(|&j| all[j].speaker == *speaker)
                .last()
                .unwrap_or(i);
            &all[start..=end]
        }
    }
}

fn not_in_set(r: &PassageRef) -> Error {
    Error::InvalidValue {
        field: "passages".into(),
        reason: format!("{r} is not in the set"),
        hint: Some("see the set's passages with `verbatim set show NAME`".into()),
    }
}

/// Every passage `search` matches, in corpus order; more than [`MAX_SET_PASSAGES`] is refused.
fn all_matches(index: &Index, search: &SavedSearch) -> Result<Vec<PassageView>> {
    let mut request = SearchRequest {
        filters: search.filters.clone(),
        limit: MAX_LIMIT,
        sort: Sort::Doc,
        highlight: false,
        ..SearchRequest::new(search.q.clone())
    };
    request.validate()?;
    let mut passages = Vec::new();
    loop {
        let response = index.search(&request)?;
        if response.total as usize > MAX_SET_PASSAGES {
            return Err(Error::InvalidValue {
                field: "q".into(),
                reason: format!(
                    "the search matches {} passages; a set holds at most {}",
                    crate::api::thousands(response.total),
                    crate::api::thousands(MAX_SET_PASSAGES as u64)
                ),
                hint: Some("narrow the search with a filter or a more specific query".into()),
            });
        }
        let page = response.hits.len();
        passages.extend(response.hits.into_iter().map(|h| h.passage));
        if page < request.limit || passages.len() as u64 >= response.total {
            return Ok(passages);
        }
        request.offset += page;
    }
}

/// Documents' passages fetched once per document, for anchoring and resolving.
struct Documents<'a> {
    index: &'a Index,
    cache: HashMap<String, Option<Vec<PassageView>>>,
}

impl<'a> Documents<'a> {
    fn new(index: &'a Index) -> Self {
        Documents {
            index,
            cache: HashMap::new(),
        }
    }

    /// Every passage of a document, `None` when today's index has no such document.
    fn passages(&mut self, doc: &str) -> Result<Option<&[PassageView]>> {
        if !self.cache.contains_key(doc) {
            let passages = match self.index.document(doc) {
                Ok(detail) => Some(detail.passages),
                Err(Error::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            self.cache.insert(doc.to_string(), passages);
        }
        Ok(self.cache[doc].as_deref())
    }

    /// The passage at `r`; one the index does not hold is a bad value of the request's `add`
    /// (the set itself was found).
    fn passage(&mut self, r: &PassageRef) -> Result<PassageView> {
        self.passages(&r.doc)?
            .and_then(|all| all.get(r.passage as usize - 1))
            .cloned()
            .ok_or_else(|| Error::InvalidValue {
                field: "add".into(),
                reason: format!("the index holds no passage {r}"),
                hint: Some("add passages as `verbatim search` cites them, DOC#N".into()),
            })
    }

    /// Anchors a passage between its neighbours in its document.
    fn anchor(&mut self, view: &PassageView) -> Result<SavedPassage> {
        let all = self.passages(&view.doc_id)?.unwrap_or(&[]);
        let i = view.passage as usize - 1;
        let before = i.checked_sub(1).and_then(|j| all.get(j));
        Ok(SavedPassage::anchor(view, before, all.get(i + 1)))
    }
}

#[cfg(test)]
mod tests;
