//! Keyness: the words a target group uses more than a reference group does, ranked by
//! log-likelihood, with the Log Ratio effect size and how many of the target's participants use
//! each word.
//!
//! Counts are of whole words as written (lowercased, not stemmed; Chinese words as jieba
//! segments them, without the sub-words the index adds for recall). Stop words, single Latin
//! letters and numbers are left out of the list but not out of the groups' sizes.

use std::sync::Arc;
use std::time::Instant;

use crate::api::{Filters, GroupSize, KeyTerm, KeynessRequest, KeynessResponse, SearchRequest};
use crate::compare::cache::{Group, GroupKey};
use crate::compare::groups::{GroupDocs, Speakers, term_counts, term_participants};
use crate::compare::stats::{log_likelihood, log_ratio, over_represented, per_10k};
use crate::error::Result;
use crate::schema::names;
use crate::search::Index;

impl Index {
    /// The terms over-represented in `req.target` against `req.reference` (everyone else when
    /// absent). Each group's word counts are computed once per open index and reused.
    #[tracing::instrument(skip(self))]
    pub fn keyness(&self, req: &KeynessRequest) -> Result<KeynessResponse> {
        let started = Instant::now();
        req.validate()?;
        let reference_key = match &req.reference {
            Some(filters) => GroupKey::Passing(filters),
            None => GroupKey::Outside(&req.target),
        };
        let (target, reference) = self.groups(&req.target, reference_key)?;
        let (c, d) = (target.docs.words, reference.docs.words);
        let left_out = self.left_out(req.keep_stopwords);
        let mut terms: Vec<(&str, u64, u64, f64)> = target
            .terms
            .iter()
            .filter(|&(term, &a)| a >= req.min_freq && !left_out(term))
            .filter_map(|(term, &a)| {
                let b = reference.terms.get(term).copied().unwrap_or(0);
                over_represented(a, b, c, d)
                    .then(|| (term.as_str(), a, b, log_likelihood(a, b, c, d)))
            })
            .collect();
        terms.sort_by(|x, y| y.3.total_cmp(&x.3).then_with(|| x.0.cmp(y.0)));
        terms.truncate(req.limit);

        let searcher = self.searcher();
        let speakers = self.speakers()?;
        let words = self.fields().words;
        let terms = terms
            .into_iter()
            .map(|(term, a, b, g2)| {
                Ok(KeyTerm {
                    term: term.to_string(),
                    target_count: a,
                    reference_count: b,
                    target_per_10k: per_10k(a, c),
                    reference_per_10k: per_10k(b, d),
                    log_likelihood: g2,
                    log_ratio: log_ratio(a, b, c, d),
                    participants: term_participants(
                        &searcher,
                        &speakers,
                        &target.docs,
                        words,
                        term,
                    )?,
                    // The word as counted: unstemmed, and never inside a longer Chinese word.
                    search: SearchRequest {
                        filters: req.target.clone(),
                        ..SearchRequest::new(format!("={term}"))
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(KeynessResponse {
            target: group_size(Some(&req.target), &target),
            reference: group_size(req.reference.as_ref(), &reference),
            min_freq: req.min_freq,
            terms,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            unknown_values: [Some(&req.target), req.reference.as_ref()]
                .into_iter()
                .flatten()
                .map(|filters| self.unknown_values(filters))
                .collect::<Result<Vec<_>>>()?
                .concat(),
        })
    }

    /// The target (the passages passing `target`) and the reference group, from the cache, or
    /// else both counted in one pass over the postings (which costs about as much as one).
    fn groups(
        &self,
        target: &Filters,
        reference: GroupKey<'_>,
    ) -> Result<(Arc<Group>, Arc<Group>)> {
        let cache = self.comparisons();
        let target_key = GroupKey::Passing(target);
        if let (Some(target), Some(reference)) = (cache.group(target_key), cache.group(reference)) {
            return Ok((target, reference));
        }
        let searcher = self.searcher();
        let target_docs = GroupDocs::collect(&searcher, &*self.filter_query(target)?)?;
        let reference_docs = match reference {
            GroupKey::Outside(_) => target_docs.outside(&searcher),
            GroupKey::Passing(filters) => {
                GroupDocs::collect(&searcher, &*self.filter_query(filters)?)?
            }
        };
        let mut counts = term_counts(
            &searcher,
            self.fields().words,
            &[&target_docs, &reference_docs],
        )?
        .into_iter();
        let speakers = self.speakers()?;
        let mut keep = |key: GroupKey<'_>, docs: GroupDocs| {
            let group = Group {
                terms: counts.next().unwrap_or_default(),
                participants: docs.participants(&speakers),
                docs,
            };
            cache.keep_group(key, group)
        };
        Ok((
            keep(target_key, target_docs),
            keep(reference, reference_docs),
        ))
    }

    /// Who spoke each passage (resolved once per open index).
    fn speakers(&self) -> Result<Speakers> {
        Ok(Speakers::new(self.column(names::SPEAKER)?))
    }
}

fn group_size(filters: Option<&Filters>, group: &Group) -> GroupSize {
    GroupSize {
        filters: filters.cloned(),
        passages: group.docs.passages,
        words: group.docs.words,
        participants: group.participants,
    }
}
