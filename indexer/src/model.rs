//! The data model: documents, the passages they are split into, and the typed values passages carry.
//!
//! A **document** is one source (an interview transcript, a paper, a policy text). It is split into
//! **passages**, the unit of search: a speaker turn in a transcript, a paragraph in prose, or a quote
//! lifted out of prose with its attribution. Every passage knows where it came from (file and line),
//! so a quote can always be traced back to its source.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Declares a string newtype that keeps a value exactly as written in the corpus.
macro_rules! label {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub String);

        impl $name {
            /// The value as written in the corpus.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.trim().to_string())
            }
        }
    };
}

label!(
    /// A document identifier: letters, digits, `.`, `_` and `-` (see [`DocId::parse`]).
    DocId
);
label!(
    /// A participant identifier such as `ID9`, or a speaker label such as `Interviewer`.
    SpeakerId
);
label!(
    /// A participant's role as the source writes it, e.g. `Independent GP`.
    Role
);
label!(
    /// A named set of roles (from `role_groups.toml`), e.g. `GP` = GP + Independent GP.
    RoleGroup
);
label!(
    /// A study site as the source labels it, e.g. `site 1`.
    Site
);

impl DocId {
    /// Validates an identifier: 1 to 128 characters from `[A-Za-z0-9._-]`, not starting with `.`.
    ///
    /// Ids appear in URLs and are never used as file paths, but a strict alphabet keeps them
    /// unambiguous in citations and shell scripts.
    pub fn parse(value: &str) -> Result<DocId, String> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if value.is_empty() || value.len() > 128 {
            return Err(format!(
                "document id {value:?} must be 1 to 128 characters long"
            ));
        }
        if value.starts_with('.') || !value.chars().all(ok_char) {
            return Err(format!(
                "document id {value:?} may use only letters, digits, '.', '_' and '-', and may not start with '.'"
            ));
        }
        Ok(DocId(value.to_string()))
    }
}

/// What kind of source a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    /// An interview transcript.
    Interview,
    /// Notes or a transcript of a meeting.
    Meeting,
    /// A paper's abstract.
    Abstract,
    /// A journal article or paper.
    Article,
    /// A report or report summary.
    Report,
    /// A policy document or guidance.
    Policy,
    /// Anything else (an agenda, a web page...).
    Other,
}

impl Kind {
    /// Every kind, in the order shown to users.
    pub const ALL: [Kind; 7] = [
        Kind::Interview,
        Kind::Meeting,
        Kind::Abstract,
        Kind::Article,
        Kind::Report,
        Kind::Policy,
        Kind::Other,
    ];

    /// The lowercase name used in files, filters and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Interview => "interview",
            Kind::Meeting => "meeting",
            Kind::Abstract => "abstract",
            Kind::Article => "article",
            Kind::Report => "report",
            Kind::Policy => "policy",
            Kind::Other => "other",
        }
    }

    /// Whether documents of this kind are speaker turns by default (rather than prose).
    pub fn is_transcript(self) -> bool {
        matches!(self, Kind::Interview | Kind::Meeting)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::invalid_value("kind", s, &Kind::ALL.map(Kind::as_str).join(", ")))
    }
}

/// The language of a document or passage. Analysis handles English and Simplified Chinese,
/// and text mixing both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Lang {
    /// English.
    En,
    /// Chinese (Simplified).
    Zh,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The ISO 639-1 code.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Guesses the language of a text: Chinese when Han characters outnumber Latin letters.
    pub fn detect(text: &str) -> Lang {
        let (mut han, mut latin) = (0usize, 0usize);
        for c in text.chars() {
            if crate::analysis::is_cjk(c) {
                han += 1;
            } else if c.is_alphabetic() {
                latin += 1;
            }
        }
        // A Han character carries about as much as a short English word, so weigh it more.
        if han * 3 > latin { Lang::Zh } else { Lang::En }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        // Accept regional tags such as `zh-CN` or `en-GB`.
        let base = s.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str() == base)
            .ok_or_else(|| Error::invalid_value("lang", &s, "en, zh"))
    }
}

/// One source document and its bibliographic metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Unique id, used in URLs, filters and `verbatim show`.
    pub id: DocId,
    /// Full title.
    pub title: String,
    /// What kind of source this is.
    pub kind: Kind,
    /// Main language.
    pub lang: Lang,
    /// Publication or recording date as written (`2019`, `2019-04`, `2019-04-01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Authors, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Short source used in citations, e.g. `McDermott et al. 2019, BMJ Open`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Full bibliographic reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Licence or terms of use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// Where the source can be found (DOI or web address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The id of this document's translation (or original), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<DocId>,
    /// Default site for every passage (transcripts recorded at one site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// The corpus file it was read from, relative to the corpus root.
    pub file: String,
}

impl Document {
    /// A document with what every document has, in English, and nothing else yet.
    pub fn new(id: DocId, title: String, kind: Kind, file: String) -> Document {
        Document {
            id,
            title,
            kind,
            lang: Lang::En,
            date: None,
            authors: Vec::new(),
            source: None,
            reference: None,
            licence: None,
            url: None,
            translation: None,
            site: None,
            file,
        }
    }

    /// The year of [`Document::date`], when it starts with four digits.
    pub fn year(&self) -> Option<i32> {
        self.date.as_deref().and_then(year_of)
    }

    /// A sortable day number (`yyyymmdd`, missing parts as zero) of [`Document::date`].
    pub fn date_key(&self) -> i64 {
        let Some(date) = self.date.as_deref() else {
            return 0;
        };
        let mut parts = date
            .split('-')
            .map(|p| p.trim().parse::<i64>().unwrap_or(0));
        let (y, m, d) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        y * 10_000 + m * 100 + d
    }
}

#[cfg(test)]
impl Document {
    /// A document of `kind` with only what a document needs, for tests to adjust.
    pub(crate) fn example(id: &str, kind: Kind) -> Document {
        Document::new(
            DocId(id.into()),
            id.into(),
            kind,
            format!("documents/{id}.md"),
        )
    }
}

/// The year at the start of a date string such as `2019-04-01`.
pub fn year_of(date: &str) -> Option<i32> {
    let digits = date.trim().get(..4)?;
    digits
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// Where a passage came from: the corpus file (relative to the corpus root) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Origin {
    /// Path relative to the corpus root, with `/` separators.
    pub file: String,
    /// 1-based line where the passage starts.
    pub line: u32,
}

/// One searchable unit: a speaker turn, a paragraph, or an attributed quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The document it belongs to.
    pub doc: DocId,
    /// 1-based position among the document's passages (addresses it in the API and for context).
    pub ordinal: u32,
    /// Human locator used in citations, unique within its document for every format Verbatim
    /// reads: `para 42`, `p. 3, para 2`, `turn 12`, `turn 12, 00:12:31`.
    pub locator: String,
    /// The section heading it sits under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Who said it (participant id or speaker label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<SpeakerId>,
    /// The speaker's role as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The group the role belongs to (filled in from `role_groups.toml` at index time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_group: Option<RoleGroup>,
    /// The study site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Site>,
    /// The attribution tag as written when it names no participant,
    /// e.g. `Primary Care Commissioning Committee meeting site 1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Language of this passage's text.
    pub lang: Lang,
    /// The text, verbatim.
    pub text: String,
    /// Participant attributes from the participants sheet (extra columns), by column name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// Source file and line.
    pub origin: Origin,
}

impl Passage {
    /// The bracketed label that opens a citation: `[Independent GP ID9]`, `[ID9]`, or the
    /// attribution tag as written; `None` for unattributed prose.
    pub fn speaker_label(&self) -> Option<String> {
        speaker_label(
            self.role.as_ref().map(Role::as_str),
            self.speaker.as_ref().map(SpeakerId::as_str),
            self.attribution.as_deref(),
        )
    }
}

/// The bracketed label of who said something, as citations open: `[Independent GP ID9]` (role
/// and speaker), `[ID9]`, the attribution tag as written when no speaker is known, or `[Manager]`;
/// `None` when nothing is known.
pub fn speaker_label(
    role: Option<&str>,
    speaker: Option<&str>,
    attribution: Option<&str>,
) -> Option<String> {
    match (role, speaker, attribution) {
        (Some(role), Some(speaker), _) => Some(format!("[{role} {speaker}]")),
        (None, Some(speaker), _) => Some(format!("[{speaker}]")),
        (_, None, Some(tag)) => Some(format!("[{tag}]")),
        (Some(role), None, None) => Some(format!("[{role}]")),
        (None, None, None) => None,
    }
}

/// A person in the study, from the participants sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// The participant id used in transcripts and attribution tags.
    pub id: SpeakerId,
    /// Role as written.
    pub role: Option<Role>,
    /// Site, where a source states it.
    pub site: Option<Site>,
    /// Other labels transcripts use for this participant (`Dr Jane Smith`, `Jane`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<SpeakerId>,
    /// Every other column of the sheet, by column name.
    #[serde(default)]
    pub attrs: BTreeMap<String, String>,
}

/// Role groups from `role_groups.toml`: which roles a group name stands for.
///
/// Researchers think in groups ("GPs" versus "managers") while sources write specific roles
/// ("Independent GP", "CCG Accountable Officer"); a filter on a group matches all of its roles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleGroups {
    /// Group name to the roles it contains, as written in the file.
    pub groups: BTreeMap<String, Vec<String>>,
}

impl RoleGroups {
    /// The group a role belongs to (roles compare case-insensitively).
    pub fn group_of(&self, role: &Role) -> Option<RoleGroup> {
        self.groups.iter().find_map(|(group, roles)| {
            roles
                .iter()
                .any(|r| r.eq_ignore_ascii_case(role.as_str()))
                .then(|| RoleGroup(group.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_are_strict() {
        assert!(DocId::parse("mcdermott-2019.bmj_open").is_ok());
        for bad in ["", "../etc", "a/b", ".hidden", "a b", "%2e%2e"] {
            assert!(DocId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn kinds_and_langs_parse_case_insensitively() {
        assert_eq!("Interview".parse::<Kind>().unwrap(), Kind::Interview);
        assert_eq!("zh-CN".parse::<Lang>().unwrap(), Lang::Zh);
        match "fr".parse::<Lang>() {
            Err(Error::InvalidValue { field, hint, .. }) => {
                assert_eq!(field, "lang");
                assert!(hint.is_some_and(|h| h.contains("en, zh")));
            }
            other => panic!("expected an invalid value error, got {other:?}"),
        }
    }

    #[test]
    fn language_detection() {
        assert_eq!(Lang::detect("Clinical Commissioning Groups"), Lang::En);
        assert_eq!(
            Lang::detect("自 2015 年 4 月以来,临床委托组(CCGs)承担了委托初级保健服务的责任"),
            Lang::Zh
        );
    }

    #[test]
    fn dates() {
        assert_eq!(year_of("2019-04-01"), Some(2019));
        assert_eq!(year_of("April 2019"), None);
    }

    #[test]
    fn role_groups_match_case_insensitively() {
        let groups = RoleGroups {
            groups: BTreeMap::from([(
                "GP".to_string(),
                vec!["GP".to_string(), "Independent GP".to_string()],
            )]),
        };
        assert_eq!(
            groups.group_of(&Role::from("independent gp")),
            Some(RoleGroup("GP".into()))
        );
        assert_eq!(groups.group_of(&Role::from("Manager")), None);
    }

    #[test]
    fn speaker_labels() {
        let mut p = Passage {
            doc: DocId("d".into()),
            ordinal: 1,
            locator: "para 1".into(),
            section: None,
            speaker: Some(SpeakerId("ID9".into())),
            role: Some(Role("Independent GP".into())),
            role_group: None,
            site: None,
            attribution: None,
            lang: Lang::En,
            text: String::new(),
            attrs: BTreeMap::new(),
            origin: Origin {
                file: "a.md".into(),
                line: 1,
            },
        };
        assert_eq!(p.speaker_label().as_deref(), Some("[Independent GP ID9]"));
        p.speaker = None;
        p.role = None;
        p.attribution = Some("Primary Care Commissioning Committee meeting site 1".into());
        assert_eq!(
            p.speaker_label().as_deref(),
            Some("[Primary Care Commissioning Committee meeting site 1]")
        );
    }
}
