//! A deterministic synthetic corpus of interview and meeting transcripts, English and Chinese.
//!
//! The same seed and size always give the same passages, so the corpus written to disk for
//! Verbatim's real ingest path and the rows handed straight to SQLite FTS5 and raw tantivy are
//! identical. Words follow a Zipf law over a vocabulary of real English words (with common
//! multi-word terms of the field) and a tail of made-up words; Chinese words are the jieba
//! dictionary's most frequent ones, also Zipf-distributed. Turn lengths are log-normal, 20 to 300
//! words with a long tail; about a fifth of the documents are Chinese, and a quarter of their
//! turns carry English acronyms (mixed passages).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::Rng;

/// English words and terms, most frequent first (rank decides frequency under the Zipf law).
const ENGLISH_HEAD: &[&str] = &[
    "the",
    "and",
    "to",
    "of",
    "a",
    "that",
    "i",
    "it",
    "we",
    "in",
    "is",
    "you",
    "was",
    "they",
    "so",
    "but",
    "for",
    "with",
    "have",
    "on",
    "be",
    "there",
    "what",
    "about",
    "think",
    "are",
    "this",
    "not",
    "as",
    "know",
    "at",
    "do",
    "just",
    "practices",
    "all",
    "our",
    "were",
    "because",
    "been",
    "would",
    "if",
    "people",
    "from",
    "or",
    "one",
    "some",
    "very",
    "can",
    "more",
    "them",
    "CCG",
    "GP",
    "practice",
    "work",
    "an",
    "had",
    "when",
    "which",
    "how",
    "really",
    "going",
    "time",
    "other",
    "commissioning",
    "primary care",
    "then",
    "patients",
    "services",
    "those",
    "there's",
    "money",
    "level",
    "could",
    "been",
    "quite",
    "lot",
    "need",
    "area",
    "local",
    "board",
    "meeting",
    "members",
    "group",
    "budget",
    "funding",
    "contract",
    "decision",
    "conflict of interest",
    "co-commissioning",
    "integration",
    "locality",
    "federation",
    "clinical commissioning group",
    "NHS England",
    "responsibility",
    "accountability",
    "governance",
    "practice manager",
    "member practices",
    "general practice",
    "hospital",
    "community services",
    "trust",
    "relationship",
    "engagement",
    "incentive",
    "scheme",
    "enhanced services",
    "QOF",
    "targets",
    "quality",
    "outcomes",
    "evidence",
    "workload",
    "pressure",
    "staff",
    "nurses",
    "pharmacist",
    "care homes",
    "out of hours",
    "urgent care",
    "referrals",
    "waiting times",
    "prescribing",
    "capacity",
    "workforce",
    "recruitment",
    "training",
    "data",
    "audit",
    "performance",
    "review",
    "contracting",
    "commissioner",
    "provider",
    "population",
    "health",
    "needs",
    "deprivation",
    "inequalities",
    "prevention",
    "public health",
    "social care",
    "council",
    "partnership",
    "STP",
    "sustainability",
    "transformation",
    "plan",
    "strategy",
    "vision",
    "leadership",
    "culture",
    "change",
    "merger",
    "network",
    "collaboration",
    "competition",
    "tender",
    "procurement",
    "specification",
    "pathway",
    "diabetes",
    "dementia",
    "mental health",
    "frailty",
    "elderly",
    "children",
    "access",
    "appointments",
    "telephone",
    "online",
    "digital",
    "records",
    "IT",
    "systems",
    "estates",
    "premises",
    "investment",
    "savings",
    "efficiency",
    "deficit",
    "allocation",
    "formula",
    "weighted",
    "capitation",
    "payment",
    "tariff",
    "activity",
    "demand",
    "growth",
    "risk",
    "sharing",
    "pooled",
    "delegated",
    "joint",
    "committee",
    "chair",
    "lay member",
    "accountable officer",
    "clinicians",
    "consultants",
    "specialists",
    "secondary care",
    "integrated care",
    "vertical",
    "horizontal",
    "hub",
    "neighbourhood",
    "list size",
    "registered",
    "boundaries",
    "patch",
    "footprint",
    "region",
    "national",
    "policy",
    "guidance",
    "framework",
    "regulation",
    "inspection",
    "CQC",
    "monitor",
    "compliance",
    "transparency",
    "declared",
    "register",
    "interests",
    "recused",
    "voting",
    "quorate",
    "minutes",
    "agenda",
    "papers",
    "paper",
    "consultation",
    "feedback",
    "survey",
    "patient participation",
    "voluntary sector",
    "charity",
    "housing",
    "transport",
];

/// Syllables for the made-up tail of the English vocabulary (rare words, names, jargon).
const SYLLABLES: &[&str] = &[
    "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su",
    "ta", "ve", "wi", "xo", "yu", "za", "bri", "cla", "dre", "fli", "gro", "pla", "stri", "tor",
    "ment", "tion", "ly", "ness", "ing", "ed", "er", "al", "ist",
];

/// English words in the vocabulary, head and tail.
const ENGLISH_WORDS: usize = 30_000;
/// Chinese words taken from the jieba dictionary (the most frequent ones).
const CHINESE_WORDS: usize = 30_000;
/// Zipf exponent: close to 1 for natural language.
const ZIPF_EXPONENT: f64 = 1.05;
/// English acronyms dropped into Chinese turns (as researchers write them).
const ACRONYMS: &[&str] = &[
    "CCG", "GP", "NHS", "STP", "QOF", "CQC", "PCN", "CCGs", "GPs",
];

/// Roles of participants, and how often each appears.
pub const ROLES: &[(&str, u32)] = &[
    ("GP", 30),
    ("Independent GP", 12),
    ("Salaried GP", 8),
    ("Practice Manager", 14),
    ("Manager", 10),
    ("CCG Accountable Officer", 4),
    ("Lay member", 6),
    ("Nurse", 8),
    ("Pharmacist", 4),
    ("Commissioner", 4),
];

/// Role groups, as written to `role_groups.toml`.
pub const ROLE_GROUPS: &[(&str, &[&str])] = &[
    ("GP", &["GP", "Independent GP", "Salaried GP"]),
    (
        "manager",
        &["Manager", "Practice Manager", "CCG Accountable Officer"],
    ),
    ("lay", &["Lay member"]),
    ("clinical", &["Nurse", "Pharmacist"]),
];

/// Draws vocabulary ranks under a Zipf law, by binary search in the cumulative distribution.
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    /// A Zipf law over ranks `0..n`.
    pub fn new(n: usize, exponent: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(exponent);
                total
            })
            .collect::<Vec<_>>();
        let cumulative = cumulative.into_iter().map(|c| c / total).collect();
        Zipf { cumulative }
    }

    /// One rank.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cumulative
            .partition_point(|&c| c < u)
            .min(self.cumulative.len() - 1)
    }
}

/// The vocabularies: English words and terms, Chinese words, each with its Zipf law.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// English words and terms, most frequent first.
    pub english: Vec<String>,
    /// Chinese words, most frequent first.
    pub chinese: Vec<String>,
    english_zipf: Zipf,
    chinese_zipf: Zipf,
}

impl Vocabulary {
    /// Builds the vocabularies; Chinese words come from the jieba dictionary at `jieba_dict`
    /// (gzipped `word freq tag` lines).
    pub fn load(jieba_dict: &Path) -> Result<Vocabulary, String> {
        let mut english: Vec<String> = ENGLISH_HEAD.iter().map(ToString::to_string).collect();
        let mut tail = Rng::new(0x0005_EED0_FE11);
        while english.len() < ENGLISH_WORDS {
            let syllables = tail.between(2, 4);
            let word: String = (0..syllables)
                .map(|_| SYLLABLES[tail.below(SYLLABLES.len())])
                .collect();
            english.push(word);
        }
        let chinese = most_frequent_chinese_words(jieba_dict, CHINESE_WORDS)?;
        Ok(Vocabulary {
            english_zipf: Zipf::new(english.len(), ZIPF_EXPONENT),
            chinese_zipf: Zipf::new(chinese.len(), ZIPF_EXPONENT),
            english,
            chinese,
        })
    }

    fn english_word(&self, rng: &mut Rng) -> &str {
        &self.english[self.english_zipf.sample(rng)]
    }

    fn chinese_word(&self, rng: &mut Rng) -> &str {
        &self.chinese[self.chinese_zipf.sample(rng)]
    }
}

/// The `limit` most frequent all-Han words of the jieba dictionary, most frequent first.
fn most_frequent_chinese_words(path: &Path, limit: usize) -> Result<Vec<String>, String> {
    let file = std::fs::File::open(path).map_err(|e| {
        format!(
            "{}: {e}: the benchmark draws Chinese words from the jieba dictionary of the indexer crate",
            path.display()
        )
    })?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut words = Vec::new();
    for (number, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
        let mut parts = line.split_whitespace();
        let (Some(word), Some(freq)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(freq) = freq.parse::<u64>() else {
            continue;
        };
        if word.chars().all(indexer::analysis::is_cjk) {
            words.push((freq, word.to_string()));
        }
    }
    // Ties broken by the word, so the order never depends on the file's.
    words.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    words.truncate(limit);
    if words.len() < 100 {
        return Err(format!(
            "{}: only {} Chinese words found: is this the jieba dictionary?",
            path.display(),
            words.len()
        ));
    }
    Ok(words.into_iter().map(|(_, w)| w).collect())
}

/// A participant of the synthetic study.
#[derive(Debug, Clone)]
pub struct Participant {
    /// `ID<n>`.
    pub id: String,
    /// One of [`ROLES`].
    pub role: &'static str,
    /// `site <n>`.
    pub site: String,
    /// An extra attribute column.
    pub gender: &'static str,
}

impl Participant {
    /// The role group of this participant's role, as in [`ROLE_GROUPS`].
    pub fn role_group(&self) -> Option<&'static str> {
        ROLE_GROUPS
            .iter()
            .find(|(_, roles)| roles.contains(&self.role))
            .map(|(group, _)| *group)
    }
}

/// One turn: a passage.
#[derive(Debug, Clone)]
pub struct Turn {
    /// Index into [`Corpus::participants`], or `None` for the interviewer.
    pub speaker: Option<usize>,
    /// What was said.
    pub text: String,
}

/// One transcript.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// File stem and document id.
    pub id: String,
    /// `interview` or `meeting`.
    pub kind: &'static str,
    /// Chinese transcript.
    pub chinese: bool,
    /// Site of every passage.
    pub site: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The turns, in order.
    pub turns: Vec<Turn>,
}

/// One passage as the baselines index it: the text plus what Verbatim joins in from
/// `participants.csv` and the front matter.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was said.
    pub text: String,
    /// The speaker's role (none for the interviewer).
    pub role: Option<&'static str>,
    /// The role's group.
    pub role_group: Option<&'static str>,
    /// The document's site.
    pub site: String,
    /// Whether the text has Chinese in it (FTS5 also puts it in its trigram table).
    pub chinese: bool,
}

/// The study: participants, sites, and a generator of transcripts.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Everyone who speaks, grouped by site.
    pub participants: Vec<Participant>,
    /// Number of sites (4 to 40, growing with size).
    pub sites: usize,
    /// Passages to generate in total.
    pub passages: usize,
    seed: u64,
    vocabulary: Vocabulary,
}

/// Participants per site.
const PARTICIPANTS_PER_SITE: usize = 15;

impl Corpus {
    /// A study of `passages` passages drawn with `seed`.
    pub fn new(passages: usize, seed: u64, vocabulary: Vocabulary) -> Corpus {
        let sites = (4 + passages / 25_000).clamp(4, 40);
        let mut rng = Rng::new(seed ^ 0xA11CE);
        let role_weights: u32 = ROLES.iter().map(|(_, w)| w).sum();
        let participants = (0..sites * PARTICIPANTS_PER_SITE)
            .map(|n| {
                let mut pick = rng.below(role_weights as usize) as u32;
                let role = ROLES
                    .iter()
                    .find(|(_, w)| {
                        let hit = pick < *w;
                        pick = pick.saturating_sub(*w);
                        hit
                    })
                    .map_or("GP", |(r, _)| *r);
                Participant {
                    id: format!("ID{}", n + 1),
                    role,
                    site: format!("site {}", n / PARTICIPANTS_PER_SITE + 1),
                    gender: if rng.chance(0.5) { "female" } else { "male" },
                }
            })
            .collect();
        Corpus {
            participants,
            sites,
            passages,
            seed,
            vocabulary,
        }
    }

    /// The vocabulary the text is drawn from.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Every transcript, in order, totalling exactly [`Corpus::passages`] turns.
    pub fn transcripts(&self) -> impl Iterator<Item = Transcript> + '_ {
        let mut rng = Rng::new(self.seed);
        let mut left = self.passages;
        let mut number = 0usize;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            number += 1;
            let transcript = self.transcript(&mut rng, number, &mut left);
            Some(transcript)
        })
    }

    /// Every passage, in the order of [`Corpus::transcripts`].
    pub fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        self.transcripts().flat_map(move |transcript| {
            let chinese = transcript.chinese;
            let site = transcript.site;
            transcript.turns.into_iter().map(move |turn| {
                let speaker = turn.speaker.map(|s| &self.participants[s]);
                Row {
                    text: turn.text,
                    role: speaker.map(|p| p.role),
                    role_group: speaker.and_then(Participant::role_group),
                    site: site.clone(),
                    chinese,
                }
            })
        })
    }

    fn transcript(&self, rng: &mut Rng, number: usize, left: &mut usize) -> Transcript {
        let meeting = rng.chance(0.3);
        let chinese = rng.chance(0.2);
        let site = rng.below(self.sites);
        let at_site =
            &self.participants[site * PARTICIPANTS_PER_SITE..(site + 1) * PARTICIPANTS_PER_SITE];
        let first = site * PARTICIPANTS_PER_SITE;
        let (speakers, turns): (Vec<usize>, usize) = if meeting {
            let count = rng.between(3, 8);
            let start = rng.below(at_site.len());
            let speakers = (0..count)
                .map(|k| first + (start + k) % at_site.len())
                .collect();
            (speakers, rng.between(40, 120))
        } else {
            (vec![first + rng.below(at_site.len())], rng.between(20, 60))
        };
        let turns = turns.min(*left);
        *left -= turns;
        let turns = (0..turns)
            .map(|n| {
                // Interviews alternate question and answer; meetings have no interviewer.
                let speaker = if !meeting && n % 2 == 0 {
                    None
                } else {
                    Some(speakers[rng.below(speakers.len())])
                };
                let words = if speaker.is_none() {
                    rng.between(5, 25)
                } else {
                    turn_length(rng)
                };
                let text = if chinese {
                    let mixed = rng.chance(0.25);
                    self.chinese_text(rng, words, mixed)
                } else {
                    self.english_text(rng, words)
                };
                Turn { speaker, text }
            })
            .collect();
        Transcript {
            id: format!(
                "{}-{number:06}",
                if meeting { "meeting" } else { "interview" }
            ),
            kind: if meeting { "meeting" } else { "interview" },
            chinese,
            site: format!("site {}", site + 1),
            date: format!(
                "{}-{:02}-{:02}",
                2014 + rng.below(7),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
            turns,
        }
    }

    fn english_text(&self, rng: &mut Rng, words: usize) -> String {
        let mut text = String::with_capacity(words * 7);
        let mut sentence_left = 0;
        for _ in 0..words {
            if sentence_left == 0 {
                if !text.is_empty() {
                    text.push_str(". ");
                }
                sentence_left = rng.between(6, 22);
                push_capitalised(&mut text, self.vocabulary.english_word(rng));
            } else {
                text.push_str(if rng.chance(0.06) { ", " } else { " " });
                text.push_str(self.vocabulary.english_word(rng));
            }
            sentence_left -= 1;
        }
        text.push('.');
        text
    }

    fn chinese_text(&self, rng: &mut Rng, words: usize, mixed: bool) -> String {
        let mut text = String::with_capacity(words * 7);
        for n in 1..=words {
            if mixed && rng.chance(0.08) {
                let _ = write!(text, " {} ", ACRONYMS[rng.below(ACRONYMS.len())]);
            }
            text.push_str(self.vocabulary.chinese_word(rng));
            if n == words || rng.chance(0.06) {
                text.push('。');
            } else if rng.chance(0.08) {
                text.push('，');
            }
        }
        text
    }

    /// Writes the corpus in the project's ingest formats under `dir` (`participants.csv`,
    /// `role_groups.toml`, `documents/*.md`); returns the bytes of transcript files written.
    pub fn write(&self, dir: &Path) -> std::io::Result<u64> {
        let documents = dir.join("documents");
        std::fs::create_dir_all(&documents)?;
        std::fs::write(dir.join("participants.csv"), self.participants_csv())?;
        std::fs::write(dir.join("role_groups.toml"), role_groups_toml())?;
        let mut bytes = 0u64;
        let mut file = String::new();
        for transcript in self.transcripts() {
            file.clear();
            self.render(&transcript, &mut file);
            bytes += file.len() as u64;
            std::fs::write(documents.join(format!("{}.md", transcript.id)), &file)?;
        }
        Ok(bytes)
    }

    fn participants_csv(&self) -> String {
        let mut csv = String::from("id,role,site,gender\n");
        for p in &self.participants {
            let _ = writeln!(csv, "{},{},{},{}", p.id, p.role, p.site, p.gender);
        }
        csv
    }

    /// One transcript file: front matter, then `[hh:mm:ss] SPEAKER: text` lines.
    fn render(&self, transcript: &Transcript, out: &mut String) {
        let lang = if transcript.chinese { "zh" } else { "en" };
        let _ = write!(
            out,
            "---\ntitle: Synthetic {} {}\nkind: {}\nlang: {lang}\nsite: {}\ndate: {}\n---\n",
            transcript.kind, transcript.id, transcript.kind, transcript.site, transcript.date
        );
        for (n, turn) in transcript.turns.iter().enumerate() {
            let seconds = n * 37;
            let speaker = turn
                .speaker
                .map_or("Interviewer", |s| self.participants[s].id.as_str());
            let _ = writeln!(
                out,
                "[{:02}:{:02}:{:02}] {speaker}: {}",
                seconds / 3600,
                seconds / 60 % 60,
                seconds % 60,
                turn.text
            );
        }
    }
}

fn role_groups_toml() -> String {
    let mut toml = String::from("[groups]\n");
    for (group, roles) in ROLE_GROUPS {
        let roles: Vec<String> = roles.iter().map(|r| format!("{r:?}")).collect();
        let _ = writeln!(toml, "{group} = [{}]", roles.join(", "));
    }
    toml
}

/// Words in a participant's turn: log-normal around 50, clamped to 20..=300 (a long tail of
/// monologues, as in real interviews).
fn turn_length(rng: &mut Rng) -> usize {
    let words = (3.9 + 0.6 * rng.normal()).exp();
    (words as usize).clamp(20, 300)
}

fn push_capitalised(text: &mut String, word: &str) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        text.extend(first.to_uppercase());
        text.push_str(chars.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_favours_low_ranks() {
        let zipf = Zipf::new(1000, 1.0);
        let mut rng = Rng::new(1);
        let draws: Vec<usize> = (0..10_000).map(|_| zipf.sample(&mut rng)).collect();
        let top = draws.iter().filter(|&&r| r == 0).count();
        let tenth = draws.iter().filter(|&&r| r == 9).count();
        assert!(top > 5 * tenth, "rank 1: {top}, rank 10: {tenth}");
        assert!(draws.iter().all(|&r| r < 1000));
    }
}
