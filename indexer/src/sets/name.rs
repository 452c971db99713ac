//! Set names: they become file names, so anything that could step outside the sets folder is
//! refused by name before a path is ever built from it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// Longest set name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The rules of [`SetName`] as a regular expression, for the OpenAPI document.
pub const NAME_PATTERN: &str = r"^(?!.*\.\.)[A-Za-z0-9]([A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$";

/// A set's name: ASCII letters, digits, spaces, `-`, `_` and `.`, starting with a letter or digit,
/// with no `..`, not ending in a space or a dot. It is the set file's name without `.toml`; the
/// alphabet is one every file system and shell takes as it is ([`NAME_PATTERN`] says it again).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SetName(String);

impl SetName {
    /// Checks `name`, saying what is wrong with it.
    pub fn parse(name: &str) -> Result<SetName, Error> {
        let refuse = |reason: String| {
            Error::InvalidValue {
            field: "name".into(),
            reason,
            hint: Some(
                "name a set with ASCII letters, digits, spaces, '-', '_' or '.', starting with a letter or digit, e.g. \"trust-gp\"".into(),
            ),
        }
        };
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_NAME_CHARS {
            return Err(refuse(format!(
                "a set name has 1 to {MAX_NAME_CHARS} characters; {name:?} has {chars}"
            )));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
        {
            return Err(refuse(format!(
                "{name:?} holds {c:?}, which a set name cannot (it would be a path)"
            )));
        }
        if name.contains("..") || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(refuse(format!(
                "{name:?} could step outside the sets folder"
            )));
        }
        if name.ends_with([' ', '.']) {
            return Err(refuse(format!("{name:?} ends with a space or a dot")));
        }
        Ok(SetName(name.to_string()))
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SetName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SetName::parse(s)
    }
}

impl Serialize for SetName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SetName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        SetName::parse(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for name in ["trust", "Trust in GPs", "q1.2-final_v2", "a"] {
            assert_eq!(SetName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn path_tricks_are_refused_by_name() {
        for name in [
            "", "a/b", "../etc", "..", "a..b", ".hidden", "a\\b", "c:x", "x.", "a\0b", "-x", "信任",
        ] {
            let err = SetName::parse(name).unwrap_err().to_string();
            assert!(err.starts_with("name: "), "{name:?}: {err}");
        }
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        assert!(SetName::parse(&long).is_err());
    }
}
