//! What comparisons compute once per open index and reuse: each group's passages and word counts, keyed by the group's filters, and each cross-tab's column word
//! totals.
//!
//! An [`crate::Index`] is one generation of the index and never changes, so nothing here goes
//! stale; a rebuilt index is a new `Index` with an empty cache. The cache is small and bounded:
//! when full it is emptied, which costs one recomputation per group in use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::api::Filters;
use crate::compare::groups::GroupDocs;

/// Groups (or column totals) kept at most, per kind.
const CAPACITY: usize = 16;

/// A group of passages with its word frequencies and participants.
pub struct Group {
    /// Its passages.
    pub docs: GroupDocs,
    /// Occurrences of each word.
    pub terms: HashMap<String, u64>,
    /// Distinct speakers of its passages.
    pub participants: u64,
}

/// Which passages a group is: those passing some filters, or every passage outside them.
#[derive(Debug, Clone, Copy)]
pub enum GroupKey<'a> {
    /// The passages passing these filters.
    Passing(&'a Filters),
    /// Every passage that does not pass these filters.
    Outside(&'a Filters),
}

/// Words per value of a field, among passages passing some filters.
pub type ColumnWords = HashMap<String, u64>;

/// The comparisons' cache of one open index.
#[derive(Default)]
pub struct Cache {
    groups: Bounded<Group>,
    columns: Bounded<ColumnWords>,
}

impl Cache {
    /// The group `key` names, if it is cached.
    pub fn group(&self, key: GroupKey<'_>) -> Option<Arc<Group>> {
        self.groups.get(&group_key(key))
    }

    /// Keeps `group` as the group `key` names.
    pub fn keep_group(&self, key: GroupKey<'_>, group: Group) -> Arc<Group> {
        self.groups.insert(group_key(key), group)
    }

    /// The column word totals of `by` under `filters`, computed with `compute` when not cached.
    pub fn column_words(
        &self,
        by: &str,
        filters: &Filters,
        compute: impl FnOnce() -> crate::Result<ColumnWords>,
    ) -> crate::Result<Arc<ColumnWords>> {
        self.columns.get_or_insert(key(filters, by), compute)
    }
}

fn group_key(group: GroupKey<'_>) -> String {
    match group {
        GroupKey::Passing(filters) => key(filters, ""),
        GroupKey::Outside(filters) => key(filters, "everyone else"),
    }
}

fn key(filters: &Filters, by: &str) -> String {
    // The JSON form is canonical: lists in order, attributes in a sorted map.
    format!(
        "{by}\n{}",
        serde_json::to_string(filters).unwrap_or_default()
    )
}

/// A map holding at most [`CAPACITY`] values.
struct Bounded<T>(Mutex<HashMap<String, Arc<T>>>);

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Bounded(Mutex::new(HashMap::new()))
    }
}

impl<T> Bounded<T> {
    fn get(&self, key: &str) -> Option<Arc<T>> {
        self.lock().get(key).cloned()
    }

    fn insert(&self, key: String, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut map = self.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, Arc::clone(&value));
        value
    }

    fn get_or_insert(
        &self,
        key: String,
        compute: impl FnOnce() -> crate::Result<T>,
    ) -> crate::Result<Arc<T>> {
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        // Computed without the lock, so other comparisons are not held up meanwhile.
        Ok(self.insert(key, compute()?))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<T>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_computed_once_per_key_and_the_map_stays_bounded() {
        let bounded = Bounded::<usize>::default();
        let mut computed = 0;
        for round in 0..2 {
            for n in 0..CAPACITY {
                let value = bounded
                    .get_or_insert(n.to_string(), || {
                        computed += 1;
                        Ok(n)
                    })
                    .unwrap();
                assert_eq!(*value, n, "round {round}");
            }
        }
        assert_eq!(
            computed, CAPACITY,
            "the second round is served from the cache"
        );
        bounded.get_or_insert("one more".into(), || Ok(0)).unwrap();
        assert_eq!(bounded.lock().len(), 1, "a full cache starts again");
    }

    #[test]
    fn keys_tell_groups_and_fields_apart() {
        let gp = Filters {
            role_group: vec!["GP".into()],
            ..Filters::default()
        };
        assert_ne!(key(&gp, ""), key(&Filters::default(), ""));
        assert_ne!(key(&gp, "site"), key(&gp, "role"));
        assert_ne!(
            group_key(GroupKey::Passing(&gp)),
            group_key(GroupKey::Outside(&gp))
        );
    }
}
