//! The participants sheet (`participants.csv`) and joining it onto passages.
//!
//! Transcripts and tags name participants by id (`ID9`); the sheet says who they are: their
//! role, site and any other column (years in post, gender...), which become filterable attributes.
//! Ids compare case-insensitively, so `id9` in a transcript finds `ID9` in the sheet. An optional
//! `aliases` column lists other labels that mean the participant (`Dr Jane Smith; Jane`), so
//! transcripts that name people rather than ids are attributed too.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::labels::key;
use super::sheet::{line_of, read_sheet};
use crate::error::Error;
use crate::model::{Participant, Passage, Role, RoleGroups, Site, SpeakerId};

/// Where each known column sits in a row.
struct Columns {
    id: usize,
    role: Option<usize>,
    site: Option<usize>,
    aliases: Option<usize>,
    /// Every other column: its index and attribute name.
    attrs: Vec<(usize, String)>,
    /// Fields per row.
    count: usize,
}

/// Reads the participants sheet; bad rows are errors naming their line, the other rows are kept.
pub fn parse_participants(path: &Path, text: &str) -> (Vec<Participant>, Vec<Error>) {
    let sheet = match read_sheet(path, text) {
        Ok(Some(sheet)) => sheet,
        Ok(None) => {
            let reason = "the participants sheet is empty: add a header row such as `id,role,site`";
            return (Vec::new(), vec![Error::malformed(path, 1, reason)]);
        }
        Err(e) => return (Vec::new(), vec![e]),
    };
    let columns = match columns(&sheet.header) {
        Ok(columns) => columns,
        Err(reason) => {
            let line = line_of(&sheet.header);
            return (Vec::new(), vec![Error::malformed(path, line, reason)]);
        }
    };
    let mut participants = Vec::new();
    let mut errors = sheet.errors;
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for record in &sheet.rows {
        let line = line_of(record);
        match participant(&columns, record) {
            Ok(participant) => match first_line.get(&participant.id.as_str().to_lowercase()) {
                Some(first) => errors.push(Error::malformed(
                    path,
                    line,
                    format!(
                        "participant {:?} is already on line {first}: ids must be unique (the first row is kept)",
                        participant.id.as_str()
                    ),
                )),
                None => {
                    first_line.insert(participant.id.as_str().to_lowercase(), line);
                    participants.push(participant);
                }
            },
            Err(reason) => errors.push(Error::malformed(path, line, reason)),
        }
    }
    (participants, errors)
}

/// Joins the participants sheet onto passages (role, site, attrs where the passage lacks them)
/// and sets role_group. A speaker named by an alias becomes the participant's id.
pub fn join_participants(
    passages: &mut [Passage],
    participants: &[Participant],
    groups: &RoleGroups,
) {
    let by_label = by_label(participants);
    for passage in passages {
        let known = passage
            .speaker
            .as_ref()
            .and_then(|s| by_label.get(&key(s.as_str())));
        if let Some(participant) = known {
            passage.speaker = Some(participant.id.clone());
            // What the source wrote (a tag's role, a passage's site) wins over the sheet.
            if passage.role.is_none() {
                passage.role = participant.role.clone();
            }
            if passage.site.is_none() {
                passage.site = participant.site.clone();
            }
            for (name, value) in &participant.attrs {
                passage
                    .attrs
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        passage.role_group = passage.role.as_ref().and_then(|role| groups.group_of(role));
    }
}

/// Participants by every label that names them: id first, then aliases (an id always wins).
/// Labels compare by [`key`], so `Dr. Rivera` and `DR RIVERA` find the alias `Dr Rivera`.
fn by_label(participants: &[Participant]) -> HashMap<String, &Participant> {
    let aliases = participants
        .iter()
        .flat_map(|p| p.aliases.iter().map(move |a| (key(a.as_str()), p)));
    let ids = participants.iter().map(|p| (key(p.id.as_str()), p));
    aliases.chain(ids).collect()
}

/// The participant a speaker label names, by id or alias (an id wins), compared by [`key`].
pub(super) fn participant_named<'a>(
    label: &str,
    participants: &'a [Participant],
) -> Option<&'a Participant> {
    let wanted = key(label);
    let by_id = participants.iter().find(|p| key(p.id.as_str()) == wanted);
    by_id.or_else(|| {
        participants
            .iter()
            .find(|p| p.aliases.iter().any(|a| key(a.as_str()) == wanted))
    })
}

/// Speaker labels of joined passages that name no participant, with their turn counts; the
/// interviewer's usual labels are left out, since they are meant to stay labels.
pub fn unmapped_speakers(
    passages: &[Passage],
    participants: &[Participant],
) -> BTreeMap<String, u32> {
    let by_label = by_label(participants);
    let mut unmapped = BTreeMap::new();
    for speaker in passages.iter().filter_map(|p| p.speaker.as_ref()) {
        let label = key(speaker.as_str());
        if !by_label.contains_key(&label) && !INTERVIEWER_LABELS.contains(&label.as_str()) {
            *unmapped.entry(speaker.to_string()).or_default() += 1;
        }
    }
    unmapped
}

/// Labels of the person asking the questions (lower case): not participants, never reported.
pub(super) const INTERVIEWER_LABELS: [&str; 8] = [
    "interviewer",
    "int",
    "i",
    "q",
    "question",
    "moderator",
    "facilitator",
    "researcher",
];

fn columns(header: &csv::StringRecord) -> Result<Columns, String> {
    const KNOWN: [&str; 4] = ["id", "role", "site", "aliases"];
    let names: Vec<String> = header.iter().map(attribute_name).collect();
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "column {} has no name in the header: name it or delete the column",
                index + 1
            ));
        }
        if let Some(first) = names[..index].iter().position(|earlier| earlier == name) {
            return Err(format!(
                "columns {} and {} are both named {name:?}: rename one",
                first + 1,
                index + 1
            ));
        }
    }
    let find = |wanted: &str| names.iter().position(|name| name == wanted);
    let id = find("id").ok_or(
        "no \"id\" column in the header: the first row must name the columns, e.g. `id,role,site`",
    )?;
    Ok(Columns {
        id,
        role: find("role"),
        site: find("site"),
        aliases: find("aliases"),
        attrs: names
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, name)| !KNOWN.contains(&name.as_str()))
            .collect(),
        count: names.len(),
    })
}

fn participant(columns: &Columns, record: &csv::StringRecord) -> Result<Participant, String> {
    if record.len() != columns.count {
        return Err(format!(
            "row has {} fields but the header has {}",
            record.len(),
            columns.count
        ));
    }
    let cell = |index: usize| record.get(index).map(str::trim).filter(|v| !v.is_empty());
    let id = cell(columns.id).ok_or("row has no id: fill in the id column or delete the row")?;
    Ok(Participant {
        id: SpeakerId::from(id),
        role: columns.role.and_then(cell).map(Role::from),
        site: columns.site.and_then(cell).map(Site::from),
        aliases: columns
            .aliases
            .and_then(cell)
            .map(|list| {
                list.split(';')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(SpeakerId::from)
                    .collect()
            })
            .unwrap_or_default(),
        attrs: columns
            .attrs
            .iter()
            .filter_map(|(index, name)| cell(*index).map(|value| (name.clone(), value.to_string())))
            .collect::<BTreeMap<_, _>>(),
    })
}

/// `Years in post` -> `years_in_post`.
fn attribute_name(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Lang, Origin, RoleGroup};

    fn errors(errors: &[Error]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn reads_id_role_site_and_attributes() {
        let text = "ID,Role,Site,Years in post,Gender\nID9,Independent GP,site 1,12,\nID18,CCG Accountable Officer,,3,F\n";
        let (participants, errs) = parse_participants(Path::new("p.csv"), text);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            participants,
            [
                Participant {
                    id: SpeakerId::from("ID9"),
                    role: Some(Role::from("Independent GP")),
                    site: Some(Site::from("site 1")),
                    aliases: Vec::new(),
                    attrs: BTreeMap::from([("years_in_post".into(), "12".into())]),
                },
                Participant {
                    id: SpeakerId::from("ID18"),
                    role: Some(Role::from("CCG Accountable Officer")),
                    site: None,
                    aliases: Vec::new(),
                    attrs: BTreeMap::from([
                        ("gender".into(), "F".into()),
                        ("years_in_post".into(), "3".into())
                    ]),
                },
            ]
        );
    }

    #[test]
    fn role_and_site_columns_are_optional() {
        let (participants, errs) = parse_participants(Path::new("p.csv"), "id\nID1\n\"ID2\"\n");
        assert!(errs.is_empty(), "{errs:?}");
        let ids: Vec<&str> = participants.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["ID1", "ID2"]);
        assert_eq!(participants[0].role, None);
    }

    #[test]
    fn bad_rows_are_errors_on_their_line_and_the_rest_is_kept() {
        let text = "id,role,site,gender\nID1,GP,site 1,M\nID2,GP,site 1,F,extra\n,Manager,site 2,F\nID1,Manager,site 2,F\nid3,Manager,\"site, 3\",F\n";
        let (participants, errs) = parse_participants(Path::new("corpus/participants.csv"), text);
        assert_eq!(
            errors(&errs),
            [
                "corpus/participants.csv:3: row has 5 fields but the header has 4",
                "corpus/participants.csv:4: row has no id: fill in the id column or delete the row",
                "corpus/participants.csv:5: participant \"ID1\" is already on line 2: ids must be unique (the first row is kept)",
            ]
        );
        let kept: Vec<(&str, Option<&str>)> = participants
            .iter()
            .map(|p| (p.id.as_str(), p.role.as_ref().map(|r| r.as_str())))
            .collect();
        assert_eq!(kept, [("ID1", Some("GP")), ("id3", Some("Manager"))]);
        assert_eq!(
            participants[1].site.as_ref().map(|s| s.as_str()),
            Some("site, 3")
        );
    }

    #[test]
    fn header_problems() {
        let (participants, errs) = parse_participants(Path::new("p.csv"), "name,role\nID1,GP\n");
        assert!(participants.is_empty());
        assert_eq!(
            errors(&errs),
            [
                "p.csv:1: no \"id\" column in the header: the first row must name the columns, e.g. `id,role,site`"
            ]
        );
        let (_, errs) = parse_participants(Path::new("p.csv"), "id,role,\n");
        assert_eq!(
            errors(&errs),
            ["p.csv:1: column 3 has no name in the header: name it or delete the column"]
        );
        let (_, errs) = parse_participants(Path::new("p.csv"), "id,Years in post,years  in post\n");
        assert_eq!(
            errors(&errs),
            ["p.csv:1: columns 2 and 3 are both named \"years_in_post\": rename one"]
        );
        let (_, errs) = parse_participants(Path::new("p.csv"), "");
        assert_eq!(
            errors(&errs),
            ["p.csv:1: the participants sheet is empty: add a header row such as `id,role,site`"]
        );
    }

    fn passage(speaker: Option<&str>, role: Option<&str>, site: Option<&str>) -> Passage {
        Passage {
            doc: DocId("d".into()),
            ordinal: 1,
            locator: "turn 1".into(),
            section: None,
            speaker: speaker.map(SpeakerId::from),
            role: role.map(Role::from),
            role_group: None,
            site: site.map(Site::from),
            attribution: None,
            lang: Lang::En,
            text: "text".into(),
            attrs: BTreeMap::from([("gender".to_string(), "as tagged".to_string())]),
            origin: Origin {
                file: "d.md".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn join_fills_what_passages_lack_and_sets_role_groups() {
        let (participants, _) = parse_participants(
            Path::new("p.csv"),
            "id,role,site,gender,years\nID9,Independent GP,site 1,F,12\n",
        );
        let groups = RoleGroups {
            groups: BTreeMap::from([
                (
                    "GP".to_string(),
                    vec!["GP".to_string(), "Independent GP".to_string()],
                ),
                ("manager".to_string(), vec!["Manager".to_string()]),
            ]),
        };
        let mut passages = [
            passage(Some("id9"), None, None),
            passage(Some("ID9"), Some("GP"), Some("site 3")),
            passage(Some("ID77"), Some("Manager"), None),
            passage(Some("Interviewer"), None, None),
        ];
        join_participants(&mut passages, &participants, &groups);

        let summary: Vec<(Option<&str>, Option<&str>, Option<&str>)> = passages
            .iter()
            .map(|p| {
                (
                    p.role.as_ref().map(Role::as_str),
                    p.role_group.as_ref().map(RoleGroup::as_str),
                    p.site.as_ref().map(Site::as_str),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (Some("Independent GP"), Some("GP"), Some("site 1")),
                (Some("GP"), Some("GP"), Some("site 3")),
                (Some("Manager"), Some("manager"), None),
                (None, None, None),
            ]
        );
        assert_eq!(
            passages[0].attrs.get("years").map(String::as_str),
            Some("12")
        );
        assert_eq!(
            passages[0].attrs.get("gender").map(String::as_str),
            Some("as tagged")
        );
        assert_eq!(passages[3].attrs.get("years"), None);
    }

    #[test]
    fn aliases_name_participants_and_the_rest_are_unmapped() {
        let (participants, errs) = parse_participants(
            Path::new("p.csv"),
            "id,role,aliases\nID9,Independent GP,Dr Jane Smith; Jane\nID14,Lay member,\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            participants[0].aliases,
            [SpeakerId::from("Dr Jane Smith"), SpeakerId::from("Jane")]
        );
        assert!(participants[0].attrs.is_empty());
        let mut passages = [
            passage(Some("dr jane smith"), None, None),
            passage(Some("Speaker 2"), None, None),
            passage(Some("Speaker 2"), None, None),
            passage(Some("Interviewer"), None, None),
        ];
        join_participants(&mut passages, &participants, &RoleGroups::default());
        assert_eq!(passages[0].speaker, Some(SpeakerId::from("ID9")));
        assert_eq!(passages[0].role, Some(Role::from("Independent GP")));
        assert_eq!(
            unmapped_speakers(&passages, &participants),
            BTreeMap::from([("Speaker 2".to_string(), 2)])
        );
    }
}
