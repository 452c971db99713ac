//! The published query mix: nine kinds of query, each with several concrete instances drawn
//! from the corpus vocabulary, that every engine answers in its own syntax.

use serde::Serialize;
use verbatim_tests::{Rng, query_string};

use super::corpus_gen::Vocabulary;

/// Concrete queries per kind: enough that no engine answers one cached query over and over.
pub const INSTANCES_PER_KIND: usize = 12;

/// What a query exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One English word.
    OneTerm,
    /// Two English words, both required.
    TwoTerms,
    /// A multi-word English term in quotes.
    Phrase,
    /// A word prefix, `commiss*`.
    Prefix,
    /// A word, filtered to a role group, with role and site facet counts.
    TermRoleFacets,
    /// A word, filtered to a role group and a site, with role and site facet counts.
    TermRoleSiteFacets,
    /// One Chinese word.
    Chinese,
    /// An English acronym and a Chinese word, both required.
    Mixed,
    /// Four Chinese characters across a word boundary: two words side by side.
    ChineseSequence,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 9] = [
        Kind::OneTerm,
        Kind::TwoTerms,
        Kind::Phrase,
        Kind::Prefix,
        Kind::TermRoleFacets,
        Kind::TermRoleSiteFacets,
        Kind::Chinese,
        Kind::Mixed,
        // Last, so that the other kinds' instances are drawn as before it was added.
        Kind::ChineseSequence,
    ];

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Kind::OneTerm => "one term",
            Kind::TwoTerms => "two terms",
            Kind::Phrase => "phrase",
            Kind::Prefix => "prefix",
            Kind::TermRoleFacets => "term + role + facets",
            Kind::TermRoleSiteFacets => "term + role + site + facets",
            Kind::Chinese => "Chinese term",
            Kind::ChineseSequence => "Chinese 4-character sequence",
            Kind::Mixed => "mixed EN+ZH",
        }
    }
}

/// One query of the mix, engine-neutral.
#[derive(Debug, Clone, Serialize)]
pub struct BenchQuery {
    /// What it exercises.
    pub kind: Kind,
    /// Words that must all occur (English or Chinese).
    pub words: Vec<String>,
    /// Words that must occur in this order, next to each other.
    pub phrase: Option<String>,
    /// A word prefix (without `*`).
    pub prefix: Option<String>,
    /// A role group to filter on.
    pub role: Option<String>,
    /// A site to filter on.
    pub site: Option<String>,
    /// Whether role and site facet counts are asked for.
    pub facets: bool,
}

impl BenchQuery {
    /// The query in Verbatim's query language.
    pub fn verbatim_text(&self) -> String {
        let mut parts: Vec<String> = self.words.clone();
        if let Some(phrase) = &self.phrase {
            parts.push(format!("\"{phrase}\""));
        }
        if let Some(prefix) = &self.prefix {
            parts.push(format!("{prefix}*"));
        }
        parts.join(" ")
    }

    /// Whether the query needs Chinese matching (FTS5 answers those from its trigram table).
    pub fn is_chinese(&self) -> bool {
        self.words
            .iter()
            .any(|w| w.chars().any(indexer::analysis::is_cjk))
    }

    /// The query string of `GET /v1/search` (percent-encoded), top 10 hits.
    pub fn http_path(&self) -> String {
        let q = self.verbatim_text();
        let mut pairs = vec![("q", q.as_str()), ("limit", "10")];
        if let Some(role) = &self.role {
            pairs.push(("role", role));
        }
        if let Some(site) = &self.site {
            pairs.push(("site", site));
        }
        if self.facets {
            pairs.push(("facets", "role,site"));
        }
        format!("/v1/search{}", query_string(&pairs))
    }
}

/// The whole mix: [`INSTANCES_PER_KIND`] queries of every kind, drawn with `seed`.
pub fn query_mix(vocabulary: &Vocabulary, sites: usize, seed: u64) -> Vec<BenchQuery> {
    let mut rng = Rng::new(seed ^ 0x0051_E41C);
    let words = pick_words(&vocabulary.english, |w| is_plain_word(w) && w.len() >= 4);
    let terms: Vec<&str> = vocabulary.english[..400]
        .iter()
        .map(String::as_str)
        .filter(|w| w.contains(' ') && w.split(' ').all(is_plain_word))
        .collect();
    let chinese = pick_words(&vocabulary.chinese, |w| {
        (3..=4).contains(&w.chars().count())
    });
    // The most frequent two-character words, so that two of them often stand side by side.
    let pairs: Vec<&str> = vocabulary.chinese[..vocabulary.chinese.len().min(60)]
        .iter()
        .map(String::as_str)
        .filter(|w| w.chars().count() == 2)
        .collect();
    let acronyms = ["CCG", "GP", "NHS", "STP"];
    let groups = ["GP", "manager", "GP", "clinical"];
    let mut mix = Vec::new();
    for kind in Kind::ALL {
        for n in 0..INSTANCES_PER_KIND {
            let word = words[rng.below(words.len())].to_string();
            let mut query = BenchQuery {
                kind,
                words: Vec::new(),
                phrase: None,
                prefix: None,
                role: None,
                site: None,
                facets: false,
            };
            match kind {
                Kind::OneTerm => query.words = vec![word],
                Kind::TwoTerms => {
                    query.words = vec![word, words[rng.below(words.len())].to_string()];
                }
                Kind::Phrase => query.phrase = Some(terms[n % terms.len()].to_string()),
                Kind::Prefix => query.prefix = Some(word[..word.len().min(5) - 1].to_string()),
                Kind::TermRoleFacets | Kind::TermRoleSiteFacets => {
                    query.words = vec![word];
                    query.role = Some(groups[n % groups.len()].to_string());
                    query.facets = true;
                    if kind == Kind::TermRoleSiteFacets {
                        query.site = Some(format!("site {}", 1 + rng.below(sites)));
                    }
                }
                Kind::Chinese => {
                    query.words = vec![chinese[rng.below(chinese.len())].to_string()];
                }
                Kind::ChineseSequence => {
                    let first = pairs[rng.below(pairs.len())];
                    let second = pairs[rng.below(pairs.len())];
                    query.words = vec![format!("{first}{second}")];
                }
                Kind::Mixed => {
                    query.words = vec![
                        acronyms[n % acronyms.len()].to_string(),
                        chinese[rng.below(chinese.len())].to_string(),
                    ];
                }
            }
            mix.push(query);
        }
    }
    mix
}

/// Candidates from the frequent part of a vocabulary (ranks 20 to 2000): words common enough to
/// match thousands of passages at 1M, as researchers' keywords do.
fn pick_words(vocabulary: &[String], keep: impl Fn(&str) -> bool) -> Vec<&str> {
    let end = vocabulary.len().min(2000);
    vocabulary[20.min(end)..end]
        .iter()
        .map(String::as_str)
        .filter(|w| keep(w))
        .take(200)
        .collect()
}

/// A lowercase-able ASCII word without punctuation: the same string in every engine's syntax.
fn is_plain_word(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic())
}
