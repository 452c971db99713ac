//! Locating one quote in the index: candidate passages from a search for the quote's rarest
//! words, then each candidate aligned word by word (`align`). Never a scan of every passage: a
//! quote costs one search of a few rare words and the alignment of its best candidates.

use tantivy::Term;
use tantivy::tokenizer::TextAnalyzer;

use super::align::{Fit, fit};
use super::attribution::{Label, Speaker, compare};
use super::words::{QuoteWords, Words};
use crate::analysis::{self, Mode};
use crate::api::{
    Attribution, AttributionStatus, Hit, MAX_CHECKED_WORDS, MIN_CHECKED_WORDS, PassageView,
    QuoteMatch, QuoteStatus, SearchRequest, VerifiedQuote,
};
use crate::error::Result;
use crate::search::Index;

/// Rarest words of a quote searched for its candidates.
const QUERY_WORDS: usize = 8;
/// Candidate passages aligned per quote (the best by relevance to the rare words).
const CANDIDATES: usize = 20;
/// The best of them also tried for a `close` match, the costlier alignment.
const CLOSE_CANDIDATES: usize = 5;
/// Passages either side of a candidate read when a quote's ellipsis may span turns.
const TURNS_AROUND: usize = 3;

/// What one thread needs to locate quotes: the analyzers, which keep state between calls.
pub(crate) struct Locator {
    pub words: Words,
    stemmer: TextAnalyzer,
}

impl Default for Locator {
    fn default() -> Self {
        Locator {
            words: Words::default(),
            stemmer: analysis::text_analyzer(Mode::Query),
        }
    }
}

/// A quote of the draft, read, with its label read.
pub(crate) struct Quote<'a> {
    pub text: &'a str,
    pub line: usize,
    pub label_text: Option<&'a str>,
    pub label: Option<Label>,
}

impl Locator {
    /// Locates `quote` in `index`: its status, every place it was found, and its attribution.
    pub fn locate(&mut self, index: &Index, quote: &Quote) -> Result<VerifiedQuote> {
        let words = QuoteWords::read(&mut self.words, quote.text);
        let mut verified = VerifiedQuote {
            text: quote.text.to_string(),
            line: quote.line,
            status: QuoteStatus::NotFound,
            note: None,
            attribution: Attribution {
                draft: quote.label_text.map(String::from),
                status: AttributionStatus::Absent,
                detail: None,
            },
            matches: Vec::new(),
        };
        let count = words.own.len();
        if !(MIN_CHECKED_WORDS..=MAX_CHECKED_WORDS).contains(&count) {
            verified.status = QuoteStatus::NotChecked;
            verified.note = Some(if count < MIN_CHECKED_WORDS {
                format!(
                    "{count} words: quotes of fewer than {MIN_CHECKED_WORDS} words are not checked"
                )
            } else {
                format!(
                    "{count} words: quotes of more than {MAX_CHECKED_WORDS} words are not checked; check it in parts"
                )
            });
            return Ok(verified);
        }
        let Some(q) = self.rare_words_query(index, quote.text, &words)? else {
            return Ok(verified);
        };
        let request = SearchRequest {
            limit: CANDIDATES,
            highlight: false,
            context: if words.has_omission { TURNS_AROUND } else { 0 },
            ..SearchRequest::new(q)
        };
        let hits = index.search(&request)?.hits;
        let fits: Vec<(Fit, &Hit)> = hits
            .iter()
            .enumerate()
            .filter_map(|(rank, hit)| {
                let try_close = rank < CLOSE_CANDIDATES;
                self.best_fit(&words, quote.text, hit, try_close)
                    .map(|f| (f, hit))
            })
            .collect();
        let Some(best) = fits.iter().map(|(f, _)| f.rank().floor()).reduce(f64::max) else {
            return Ok(verified);
        };
        let mut kept: Vec<(Fit, &Hit)> = fits
            .into_iter()
            .filter(|(f, _)| f.rank().floor() == best)
            .collect();
        kept.sort_by(|a, b| b.0.rank().total_cmp(&a.0.rank()));
        verified.status = match kept[0].0 {
            Fit::Verbatim => QuoteStatus::Verbatim,
            Fit::Edited => QuoteStatus::Edited,
            Fit::Close(..) => QuoteStatus::Close,
        };
        verified.matches = kept
            .iter()
            .map(|(fit, hit)| quote_match(&hit.passage, fit))
            .collect();
        if let Some(label) = &quote.label {
            verified.attribution = attribute(label, &kept);
            verified.attribution.draft = quote.label_text.map(String::from);
        }
        Ok(verified)
    }

    /// `w1 OR w2 ...` of the quote's rarest words in the index; `None` when no word of it is
    /// in the index at all (so the quote cannot be there).
    fn rare_words_query(
        &mut self,
        index: &Index,
        text: &str,
        words: &QuoteWords,
    ) -> Result<Option<String>> {
        let searcher = index.searcher();
        let field = index.fields().text;
        let mut rare: Vec<(u64, String)> = Vec::new();
        for (_, run) in &words.runs {
            let (Some(first), Some(last)) = (run.first(), run.last()) else {
                continue;
            };
            for token in
                analysis::collect_tokens(self.stemmer.token_stream(&text[first.start..last.end]))
            {
                let frequency = searcher.doc_freq(&Term::from_field_text(field, &token.text))?;
                let written = &text[first.start + token.offset_from..first.start + token.offset_to];
                if frequency > 0 && !rare.iter().any(|(_, w)| w.eq_ignore_ascii_case(written)) {
                    rare.push((frequency, written.to_string()));
                }
            }
        }
        rare.sort();
        let query: Vec<&str> = rare
            .iter()
            .take(QUERY_WORDS)
            .map(|(_, w)| w.as_str())
            .collect();
        Ok((!query.is_empty()).then(|| query.join(" OR ")))
    }

    /// How the hit's passage holds the quote, or, for a quote with an ellipsis, the passage
    /// with its speaker's turns around it, whichever holds it better.
    fn best_fit(
        &mut self,
        quote: &QuoteWords,
        quote_text: &str,
        hit: &Hit,
        try_close: bool,
    ) -> Option<Fit> {
        let passage = &hit.passage;
        let alone = {
            let words = self.words.of(&passage.text);
            fit(quote, quote_text, &words, &passage.text, try_close)
        };
        let turns = match (&hit.context, &passage.speaker) {
            (Some(context), Some(speaker))
                if !matches!(alone, Some(Fit::Verbatim | Fit::Edited)) =>
            {
                let same = |p: &&PassageView| p.speaker.as_ref() == Some(speaker);
                let texts: Vec<&str> = context
                    .before
                    .iter()
                    .filter(same)
                    .chain(std::iter::once(passage))
                    .chain(context.after.iter().filter(same))
                    .map(|p| p.text.as_str())
                    .collect();
                (texts.len() > 1).then(|| texts.join("\n"))
            }
            _ => None,
        };
        let joined = turns.and_then(|text| {
            let words = self.words.of(&text);
            fit(quote, quote_text, &words, &text, try_close)
        });
        match (alone, joined) {
            (Some(a), Some(j)) => Some(if j.rank() > a.rank() { j } else { a }),
            (a, j) => a.or(j),
        }
    }
}

fn quote_match(passage: &PassageView, fit: &Fit) -> QuoteMatch {
    QuoteMatch {
        citation: passage.citation.clone(),
        speaker: passage.speaker.clone(),
        role: passage.role.clone(),
        site: passage.site.clone(),
        doc_id: passage.doc_id.clone(),
        passage: passage.passage,
        diff: match fit {
            Fit::Close(_, diff) => diff.clone(),
            Fit::Verbatim | Fit::Edited => Vec::new(),
        },
    }
}

/// The label against the matches: it agrees when one match agrees, else it differs from the best.
fn attribute(label: &Label, matches: &[(Fit, &Hit)]) -> Attribution {
    let mut differs = None;
    for (_, hit) in matches {
        let p = &hit.passage;
        let speaker = Speaker {
            id: p.speaker.as_deref(),
            role: p.role.as_deref(),
            role_group: p.role_group.as_deref(),
        };
        match compare(label, &speaker) {
            Ok(()) => {
                return Attribution {
                    draft: None,
                    status: AttributionStatus::Agrees,
                    detail: None,
                };
            }
            Err(detail) => {
                differs.get_or_insert(detail);
            }
        }
    }
    Attribution {
        draft: None,
        status: if differs.is_some() {
            AttributionStatus::Differs
        } else {
            AttributionStatus::Absent
        },
        detail: differs,
    }
}
