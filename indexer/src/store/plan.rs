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
    fn an_unchanged_corpus_plans_nothing() {
        let current = BTreeMap::from([("a.md", "1")]);
        assert!(Plan::new(&current, Some(&previous(&[("a.md", "1")]))).is_empty());
    }
}
