//! A draft's label of who said a quote (`GP ID16`, `Participant 7, practice manager`, `Dr Jane
//! Smith`) read against the participants sheet, and compared with a match's speaker and role.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::Catalog;

/// Who a label names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    /// A participant of the sheet, by id or alias: their id.
    Participant(String),
    /// Someone the sheet does not know (`Participant 7`), as written.
    Unknown(String),
}

/// A label read: who it names, and the role it gives (as written, lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    pub named: Option<Named>,
    pub role: Option<String>,
}

/// A participant as labels name them.
struct Person {
    id: String,
    /// The id and the aliases, lowercased.
    names: Vec<String>,
}

/// What labels are read against: the participants and every role and role group.
pub(crate) struct People {
    persons: Vec<Person>,
    /// Roles and role groups, lowercased.
    roles: Vec<String>,
}

/// A participant number the sheet may not hold: `Participant 7`, `P7`, `ID 31`, `R12` (capitals
/// and digits, so `Fig 3` and `p. 12` are not taken for one).
static SOMEONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:participant|respondent|interviewee|informant)\s*#?\s*\d+\b|\b[A-Z]{1,4}\s?\d{1,5}\b")
        .expect("the participant pattern is valid")
});

impl People {
    /// The participants and roles of an index's catalog.
    pub fn of(catalog: &Catalog) -> People {
        let persons = catalog
            .participants
            .iter()
            .map(|p| Person {
                id: p.id.to_string(),
                names: std::iter::once(p.id.to_string())
                    .chain(p.aliases.iter().map(ToString::to_string))
                    .map(|name| name.to_lowercase())
                    .collect(),
            })
            .collect();
        let mut roles: Vec<String> = catalog
            .participants
            .iter()
            .filter_map(|p| p.role.as_ref().map(|r| r.to_string().to_lowercase()))
            .chain(
                catalog
                    .role_groups
                    .groups
                    .iter()
                    .flat_map(|(group, roles)| {
                        std::iter::once(group.to_lowercase())
                            .chain(roles.iter().map(|r| r.to_lowercase()))
                    }),
            )
            .collect();
        roles.sort();
        roles.dedup();
        People { persons, roles }
    }

    /// Reads `text` as a label of who said a quote; `None` when it names no one and no role
    /// (a page number, a year, an aside).
    pub fn label(&self, text: &str) -> Option<Label> {
        let lower = text.to_lowercase();
        let known = self
            .persons
            .iter()
            .flat_map(|p| p.names.iter().map(move |name| (p, name)))
            .filter_map(|(p, name)| find_word(&lower, name).map(|at| (p, name, at)))
            .max_by_key(|(_, name, _)| name.len());
        let (named, rest) = match known {
            Some((person, name, at)) => (
                Some(Named::Participant(person.id.clone())),
                format!("{} {}", &lower[..at], &lower[at + name.len()..]),
            ),
            None => match SOMEONE.find(text) {
                Some(m) => (
                    Some(Named::Unknown(m.as_str().to_string())),
                    format!("{} {}", &text[..m.start()], &text[m.end()..]).to_lowercase(),
                ),
                None => (None, lower.clone()),
            },
        };
        let role = rest
            .split(|c: char| !(c.is_alphanumeric() || c == ' ' || c == '-' || c == '\''))
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let role = (!role.is_empty()).then_some(role);
        let names_a_role = role.as_deref().is_some_and(|r| self.is_role(r));
        (named.is_some() || names_a_role).then_some(Label { named, role })
    }

    fn is_role(&self, text: &str) -> bool {
        self.roles
            .iter()
            .any(|role| find_word(text, role).is_some() || find_word(role, text).is_some())
    }
}

/// The speaker, role and role group of a passage, as a label is compared with them.
pub(crate) struct Speaker<'a> {
    pub id: Option<&'a str>,
    pub role: Option<&'a str>,
    pub role_group: Option<&'a str>,
}

impl Speaker<'_> {
    /// `ID9 (Independent GP)`, or what to say when the passage names no one.
    fn describe(&self) -> String {
        match (self.id, self.role) {
            (Some(id), Some(role)) => format!("{id} ({role})"),
            (Some(id), None) => id.to_string(),
            (None, _) => "a passage that names no speaker".to_string(),
        }
    }
}

/// `Ok` when `label` agrees with `speaker`, else what differs.
pub(crate) fn compare(label: &Label, speaker: &Speaker) -> Result<(), String> {
    match &label.named {
        Some(Named::Participant(id)) if !speaker.id.is_some_and(|s| s.eq_ignore_ascii_case(id)) => {
            return Err(format!(
                "the draft names {id}; the quote is from {}",
                speaker.describe()
            ));
        }
        Some(Named::Unknown(name)) => {
            return Err(format!(
                "the draft names {name}, who is not in the participants sheet; the quote is from {}",
                speaker.describe()
            ));
        }
        _ => {}
    }
    if let Some(role) = &label.role {
        let holds = [speaker.role, speaker.role_group]
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .any(|r| find_word(role, &r).is_some() || find_word(&r, role).is_some());
        if !holds {
            return Err(format!(
                "the draft says {role}; the quote is from {}",
                speaker.describe()
            ));
        }
    }
    Ok(())
}

/// Where `needle` occurs in `haystack` as whole words (both lowercased).
fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .match_indices(needle)
        .map(|(at, _)| at)
        .find(|&at| {
            let before = haystack[..at].chars().next_back();
            let after = haystack[at + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Participant, Role, RoleGroups, SpeakerId};

    fn people() -> People {
        let participant = |id: &str, role: &str, aliases: &[&str]| Participant {
            id: SpeakerId::from(id),
            role: Some(Role::from(role)),
            site: None,
            aliases: aliases.iter().map(|a| SpeakerId::from(*a)).collect(),
            attrs: Default::default(),
        };
        let catalog = Catalog {
            participants: vec![
                participant("ID9", "Independent GP", &["Dr Jane Smith"]),
                participant("ID16", "GP", &[]),
                participant("ID42", "Manager", &[]),
            ],
            role_groups: RoleGroups {
                groups: [
                    (
                        "GP".to_string(),
                        vec!["GP".to_string(), "Independent GP".to_string()],
                    ),
                    ("manager".to_string(), vec!["Manager".to_string()]),
                ]
                .into(),
            },
            ..Catalog::default()
        };
        People::of(&catalog)
    }

    fn named(id: &str) -> Option<Named> {
        Some(Named::Participant(id.into()))
    }

    #[test]
    fn labels_name_participants_by_id_or_alias_and_roles() {
        let people = people();
        let read = |text: &str| people.label(text);
        assert_eq!(
            read("GP ID16"),
            Some(Label {
                named: named("ID16"),
                role: Some("gp".into())
            })
        );
        assert_eq!(
            read("Manager ID42"),
            Some(Label {
                named: named("ID42"),
                role: Some("manager".into())
            })
        );
        assert_eq!(
            read("ID9"),
            Some(Label {
                named: named("ID9"),
                role: None
            })
        );
        assert_eq!(
            read("Dr Jane Smith, GP"),
            Some(Label {
                named: named("ID9"),
                role: Some("gp".into())
            })
        );
        assert_eq!(
            read("Participant 7, practice manager"),
            Some(Label {
                named: Some(Named::Unknown("Participant 7".into())),
                role: Some("practice manager".into())
            })
        );
        assert_eq!(
            read("a manager"),
            Some(Label {
                named: None,
                role: Some("a manager".into())
            })
        );
        assert_eq!(read("emphasis added"), None);
        assert_eq!(read("Fig 3"), None);
        assert_eq!(read("p. 12"), None);
        assert_eq!(read("2019"), None);
        assert_eq!(read("see above"), None);
    }

    #[test]
    fn a_label_agrees_with_the_speaker_and_role_or_says_what_differs() {
        let people = people();
        let id9 = Speaker {
            id: Some("ID9"),
            role: Some("Independent GP"),
            role_group: Some("GP"),
        };
        let agree =
            |label: &str, speaker: &Speaker| compare(&people.label(label).unwrap(), speaker);
        assert_eq!(agree("Independent GP ID9", &id9), Ok(()));
        assert_eq!(agree("GP ID9", &id9), Ok(()));
        assert_eq!(agree("Dr Jane Smith", &id9), Ok(()));
        assert_eq!(
            agree("GP ID16", &id9),
            Err("the draft names ID16; the quote is from ID9 (Independent GP)".into())
        );
        assert_eq!(
            agree("Manager ID9", &id9),
            Err("the draft says manager; the quote is from ID9 (Independent GP)".into())
        );
        let nobody = Speaker {
            id: None,
            role: None,
            role_group: None,
        };
        assert!(
            agree("ID9", &nobody)
                .unwrap_err()
                .contains("names no speaker")
        );
    }
}
