//! Role groups (`role_groups.toml`): which roles a group name such as `GP` stands for.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;
use crate::model::RoleGroups;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleGroupsFile {
    #[serde(default)]
    groups: BTreeMap<String, Vec<Spanned<String>>>,
}

/// Reads `role_groups.toml`: a `[groups]` table of `NAME = ["Role", ...]`.
/// A role listed in two groups is an error (roles compare case-insensitively, as filters do).
pub fn parse_role_groups(path: &Path, text: &str) -> Result<RoleGroups, Error> {
    let file: RoleGroupsFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_at(text, span.start));
        let message = e.message().trim().replace('\n', "; ");
        Error::malformed(
            path,
            line,
            format!(
                "{message}: write groups as `[groups]` then `GP = [\"GP\", \"Independent GP\"]`"
            ),
        )
    })?;
    let mut owner: HashMap<String, &str> = HashMap::new();
    for (group, roles) in &file.groups {
        for role in roles {
            let name = role.get_ref().trim();
            if name.is_empty() {
                return Err(Error::malformed(
                    path,
                    line_at(text, role.span().start),
                    format!("group {group:?} lists an empty role: remove it"),
                ));
            }
            match owner.get(&name.to_lowercase()) {
                Some(first) if first != group => {
                    return Err(Error::malformed(
                        path,
                        line_at(text, role.span().start),
                        format!(
                            "role {name:?} is in groups {first:?} and {group:?}: a role may belong to one group only"
                        ),
                    ));
                }
                _ => {
                    owner.insert(name.to_lowercase(), group);
                }
            }
        }
    }
    let groups = file
        .groups
        .into_iter()
        .map(|(group, roles)| {
            (
                group,
                roles
                    .into_iter()
                    .map(|r| r.into_inner().trim().to_string())
                    .collect(),
            )
        })
        .collect();
    Ok(RoleGroups { groups })
}

/// The 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Role, RoleGroup};

    #[test]
    fn reads_groups() {
        let text = "# Who counts as what\n[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\"Manager\", \"CCG Accountable Officer\"]\n";
        let groups = parse_role_groups(Path::new("role_groups.toml"), text).unwrap();
        assert_eq!(groups.groups["GP"], ["GP", "Independent GP"]);
        assert_eq!(
            groups.group_of(&Role::from("CCG Accountable Officer")),
            Some(RoleGroup("manager".into()))
        );
    }

    #[test]
    fn an_empty_file_has_no_groups() {
        assert_eq!(
            parse_role_groups(Path::new("r.toml"), "").unwrap(),
            RoleGroups::default()
        );
    }

    #[test]
    fn a_role_in_two_groups_is_an_error_on_its_line() {
        let text = "[groups]\nGP = [\"GP\", \"Independent GP\"]\nmanager = [\n  \"Manager\",\n  \"independent gp\",\n]\n";
        let err = parse_role_groups(Path::new("c/role_groups.toml"), text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c/role_groups.toml:5: role \"independent gp\" is in groups \"GP\" and \"manager\": a role may belong to one group only"
        );
    }

    #[test]
    fn syntax_errors_and_unknown_tables_name_the_line() {
        let err = parse_role_groups(Path::new("r.toml"), "[groups]\nGP = [\"GP\"\nmanager = 1\n")
            .unwrap_err();
        assert!(matches!(err, Error::Malformed { line: 3, .. }), "{err}");
        let err = parse_role_groups(Path::new("r.toml"), "[group]\nGP = [\"GP\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("r.toml:1: unknown field `group`"), "{err}");
        let err = parse_role_groups(Path::new("r.toml"), "[groups]\nGP = \"GP\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("r.toml:2: invalid type"), "{err}");
    }

    #[test]
    fn empty_roles_are_errors() {
        let err = parse_role_groups(Path::new("r.toml"), "[groups]\nGP = [\" \"]\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "r.toml:2: group \"GP\" lists an empty role: remove it");
    }
}
