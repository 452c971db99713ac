//! Planning an incremental build: which corpus files to (re)read and which to drop, from their
//! content hashes and the previous generation's catalog.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;

/// Which files a build must (re)index and which it must drop.
#[derive(Debug, PartialEq)]
pub(super) struct Plan {
    /// Files new or changed since the previous generation (every file without one).
    pub(super) to_index: BTreeSet<String>,
    /// Files of the previous generation that left the corpus.
    pub(super) to_remove: BTreeSet<String>,
}

impl Plan {
    /// Compares the corpus's files (path and content hash) with the previous generation's.
    pub(super) fn new(current: &BTreeMap<&str, &str>, previous: Option<&Catalog>) -> Plan {
        let Some(previous) = previous else {
            return Plan {
                to_index: current.keys().map(|rel| rel.to_string()).collect(),
                to_remove: BTreeSet::new(),
            };
        };
        let to_index = current
            .iter()
            .filter(|(rel, hash)| {
                previous
                    .files
                    .get(**rel)
                    .is_none_or(|old| old.hash != **hash)
            })
            .map(|(rel, _)| rel.to_string())
            .collect();
        let to_remove = previous
            .files
            .keys()
            .filter(|rel| !current.contains_key(rel.as_str()))
            .cloned()
            .collect();
        Plan {
            to_index,
            to_remove,
        }
    }

    /// True when the previous generation is up to date.
    pub(super) fn is_empty(&self) -> bool {
        self.to_index.is_empty() && self.to_remove.is_empty()
    }
}

/// What changed in the corpus since the previous generation, file by file (paths relative to the
/// corpus root), whatever the build had to re-read to take it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// Files the previous generation did not have.
    pub added: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<String>,
    /// Files that left the corpus.
    pub removed: Vec<String>,
    /// The participants sheet, role groups or documents sheet changed (every file was re-read).
    pub config_changed: bool,
}

impl FileChanges {
    /// Compares the corpus's files (path and content hash) and config hash with the previous
    /// generation's catalog; without one, every file is added.
    pub(super) fn between(
        current: &BTreeMap<&str, &str>,
        config_hash: &str,
        previous: Option<&Catalog>,
    ) -> FileChanges {
        let mut changes = FileChanges::default();
        for (rel, hash) in current {
            match previous.and_then(|catalog| catalog.files.get(*rel)) {
                None => changes.added.push(rel.to_string()),
                Some(old) if old.hash != *hash => changes.changed.push(rel.to_string()),
                Some(_) => {}
            }
        }
        if let Some(previous) = previous {
            changes.removed = (previous.files.keys())
                .filter(|rel| !current.contains_key(rel.as_str()))
                .cloned()
                .collect();
            changes.config_changed = previous.config_hash != config_hash;
        }
        changes
    }

    /// True when no file and no config changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && !self.config_changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FileEntry;

    fn previous(files: &[(&str, &str)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (rel, hash) in files {
            catalog.files.insert(
                rel.to_string(),
                FileEntry {
                    hash: hash.to_string(),
                    ..FileEntry::default()
                },
            );
        }
        catalog
    }

    fn names(files: &[&str]) -> BTreeSet<String> {
        files.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn without_a_previous_generation_every_file_is_read() {
        let current = BTreeMap::from([("a.md", "1"), ("b.md", "2")]);
        let plan = Plan::new(&current, None);
        assert_eq!(plan.to_index, names(&["a.md", "b.md"]));
        assert!(plan.to_remove.is_empty());
    }

    #[test]
    fn only_new_and_changed_files_are_read_and_gone_ones_removed() {
        let current = BTreeMap::from([("same.md", "1"), ("changed.md", "2b"), ("new.md", "3")]);
        let before = previous(&[("same.md", "1"), ("changed.md", "2a"), ("gone.md", "4")]);
        let plan = Plan::new(&current, Some(&before));
        assert_eq!(plan.to_index, names(&["changed.md", "new.md"]));
        assert_eq!(plan.to_remove, names(&["gone.md"]));
        assert!(!plan.is_empty());
    }

    #[test]
    fn changes_name_added_changed_and_removed_files_even_when_everything_is_re_read() {
        let current = BTreeMap::from([("same.md", "1"), ("changed.md", "2b"), ("new.md", "3")]);
        let mut before = previous(&[("same.md", "1"), ("changed.md", "2a"), ("gone.md", "4")]);
        before.config_hash = "old".into();
        let changes = FileChanges::between(&current, "new", Some(&before));
        assert_eq!(
            changes,
            FileChanges {
                added: vec!["new.md".into()],
                changed: vec!["changed.md".into()],
                removed: vec!["gone.md".into()],
                config_changed: true,
            }
        );
        let first = FileChanges::between(&current, "new", None);
        assert_eq!(first.added.len(), 3);
        assert!(!first.config_changed && first.removed.is_empty());
        before.config_hash = "new".into();
        let same = BTreeMap::from([("same.md", "1"), ("changed.md", "2a"), ("gone.md", "4")]);
        assert!(FileChanges::between(&same, "new", Some(&before)).is_empty());
    }

    #[test]
    fn an_unchanged_corpus_plans_nothing() {
        let current = BTreeMap::from([("a.md", "1")]);
        assert!(Plan::new(&current, Some(&previous(&[("a.md", "1")]))).is_empty());
    }
}
