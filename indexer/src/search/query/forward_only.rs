//! A workaround for a tantivy bug: excluded queries are run through [`ForwardOnly`], whose
//! scorer is only ever sought forwards.
//!
//! It exists only because of tantivy 0.27's phrase scorer (quickwit-oss/tantivy#2811): when a
//! tantivy release fixes that, this module and its uses in `plan` can go (the fuzz test's
//! `trust -"integrated care"` case, run in a debug build, shows whether they may).

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// An excluded query whose scorer is only ever sought forwards.
///
/// An exclusion may legally `seek_danger` a scorer to a target behind the document where its
/// previous `seek_danger` left it; tantivy 0.27's `PhraseScorer` asserts against that in debug
/// builds (quickwit-oss/tantivy#2811), so `trust -"integrated care"` panicked. This wrapper keeps
/// `DocSet`'s default `seek_danger`, which seeks only when behind, and never calls the inner one.
#[derive(Debug)]
pub(super) struct ForwardOnly(pub(super) Box<dyn Query>);

impl Clone for ForwardOnly {
    fn clone(&self) -> Self {
        ForwardOnly(self.0.box_clone())
    }
}

impl Query for ForwardOnly {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardOnlyWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ForwardOnlyWeight(Box<dyn Weight>);

impl Weight for ForwardOnlyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnlyScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ForwardOnlyScorer(Box<dyn Scorer>);

impl DocSet for ForwardOnlyScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ForwardOnlyScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
