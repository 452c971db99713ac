//! Re-running a set: its saved passages found again in today's index (by content first, then by
//! their neighbours when their own text changed), compared with the query's answer today.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{Documents, HitSet, PassageRef, SavedPassage, all_matches};
use crate::api::PassageView;
use crate::error::Result;
use crate::search::Index;

/// What changed between a set and its query's answer on today's index. Every entry carries its
/// citation; [`Rerun::accept`] turns the report into the updated set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rerun {
    /// Passages of the set still there, unchanged, and still matching (or added by hand), as today's
    /// index has them.
    pub kept: Vec<SavedPassage>,
    /// Kept passages whose position changed (a turn added or removed above them).
    pub moved: Vec<Moved>,
    /// Passages the query matches today that the set neither holds nor dropped.
    pub new: Vec<SavedPassage>,
    /// Passages of the set, unchanged, that the query no longer matches.
    pub lost: Vec<SavedPassage>,
    /// Passages of the set whose text changed.
    pub changed: Vec<Changed>,
    /// Passages of the set no longer in their document.
    pub removed: Vec<SavedPassage>,
    /// Passages of the set whose document is gone from the index.
    pub gone: Vec<SavedPassage>,
    /// The dropped passages found again, so accepting keeps them out.
    #[serde(skip)]
    dropped: Vec<SavedPassage>,
}

/// A kept passage at a new position.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moved {
    /// Where it was when saved.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "interview-9#2"))]
    pub was: PassageRef,
    /// Where it is now.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "interview-9#2"))]
    pub now: PassageRef,
    /// Its citation today.
    pub citation: String,
}

/// A passage of the set whose text changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changed {
    /// As saved.
    pub was: SavedPassage,
    /// As today's index has it.
    pub now: SavedPassage,
    /// Whether the query still matches it.
    pub matches: bool,
}

/// Where a saved passage is today.
enum Found {
    Same(PassageView),
    Changed(PassageView),
    Removed,
    DocumentGone,
}

impl Rerun {
    /// Whether nothing changed.
    pub fn is_unchanged(&self) -> bool {
        self.moved.is_empty()
            && self.new.is_empty()
            && self.lost.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.gone.is_empty()
    }

    /// The set with every change taken in: new matches added, changed passages updated (kept while
    /// they match or were added by hand), lost, removed and gone passages left out.
    pub fn accept(self, set: &HitSet) -> HitSet {
        let mut passages = self.kept;
        passages.extend(
            self.changed
                .into_iter()
                .filter(|c| c.matches || c.was.added)
                .map(|c| c.now),
        );
        passages.extend(self.new);
        passages.sort_by_key(SavedPassage::position);
        HitSet {
            passages,
            dropped: self.dropped,
            ..set.clone()
        }
    }
}

impl HitSet {
    /// Compares the set with its query's answer on `index`.
    pub fn rerun(&self, index: &Index) -> Result<Rerun> {
        let matches = all_matches(index, &self.search)?;
        let matched: HashSet<PassageRef> = matches.iter().map(position).collect();
        let mut docs = Documents::new(index);
        let saved: Vec<&SavedPassage> = self.passages.iter().chain(&self.dropped).collect();
        let found = find_again(&mut docs, &saved)?;
        let claimed: HashSet<PassageRef> = found
            .iter()
            .filter_map(|f| match f {
                Found::Same(v) | Found::Changed(v) => Some(position(v)),
                _ => None,
            })
            .collect();
        let mut report = Rerun::default();
        let members = self.passages.len();
        for (i, (was, found)) in saved.into_iter().zip(found).enumerate() {
            let member = i < members;
            match found {
                Found::Same(view) | Found::Changed(view) if !member => {
                    report.dropped.push(docs.anchor(&view)?);
                }
                Found::Same(view) => {
                    let mut now = docs.anchor(&view)?;
                    now.added = was.added;
                    if !matched.contains(&now.position()) && !was.added {
                        report.lost.push(was.clone());
                        continue;
                    }
                    if now.passage != was.passage {
                        report.moved.push(Moved {
                            was: was.position(),
                            now: now.position(),
                            citation: now.citation.clone(),
                        });
                    }
                    report.kept.push(now);
                }
                Found::Changed(view) => {
                    let mut now = docs.anchor(&view)?;
                    now.added = was.added;
                    report.changed.push(Changed {
                        matches: matched.contains(&now.position()),
                        was: was.clone(),
                        now,
                    });
                }
                Found::Removed | Found::DocumentGone if !member => {}
                Found::Removed => report.removed.push(was.clone()),
                Found::DocumentGone => report.gone.push(was.clone()),
            }
        }
        for view in matches.iter().filter(|v| !claimed.contains(&position(v))) {
            report.new.push(docs.anchor(view)?);
        }
        Ok(report)
    }
}

fn position(view: &PassageView) -> PassageRef {
    PassageRef {
        doc: view.doc_id.clone(),
        passage: view.passage,
    }
}

/// Finds each saved passage in today's index: first every one whose content is unchanged (the
/// nearest such passage to where it was), then, among the passages left, one by the same speaker
/// whose neighbour before or after is the one it had.
fn find_again(docs: &mut Documents<'_>, saved: &[&SavedPassage]) -> Result<Vec<Found>> {
    let mut found: Vec<Option<Found>> = saved.iter().map(|_| None).collect();
    let mut claimed: HashSet<PassageRef> = HashSet::new();
    for (slot, s) in found.iter_mut().zip(saved) {
        let Some(all) = docs.passages(&s.doc)? else {
            *slot = Some(Found::DocumentGone);
            continue;
        };
        let same = nearest(all, s, |_, p| s.same_content(p), &claimed);
        if let Some(view) = same {
            claimed.insert(position(&view));
            *slot = Some(Found::Same(view));
        }
    }
    for (slot, s) in found.iter_mut().zip(saved) {
        if slot.is_some() {
            continue;
        }
        let all = docs.passages(&s.doc)?.unwrap_or(&[]);
        let hash_at = |j: Option<usize>| {
            j.and_then(|j| all.get(j))
                .map(|p| super::text_hash(&p.text))
        };
        let beside = |j: usize, p: &PassageView| {
            p.speaker == s.speaker
                && ((s.before.is_some() && hash_at(j.checked_sub(1)) == s.before)
                    || (s.after.is_some() && hash_at(Some(j + 1)) == s.after))
        };
        *slot = Some(match nearest(all, s, beside, &claimed) {
            Some(view) => {
                claimed.insert(position(&view));
                Found::Changed(view)
            }
            None => Found::Removed,
        });
    }
    Ok(found.into_iter().flatten().collect())
}

/// The unclaimed passage of `all` nearest to where `saved` was that `fits`.
fn nearest(
    all: &[PassageView],
    saved: &SavedPassage,
    fits: impl Fn(usize, &PassageView) -> bool,
    claimed: &HashSet<PassageRef>,
) -> Option<PassageView> {
    all.iter()
        .enumerate()
        .filter(|(j, p)| fits(*j, p) && !claimed.contains(&position(p)))
        .min_by_key(|(_, p)| p.passage.abs_diff(saved.passage))
        .map(|(_, p)| p.clone())
}
