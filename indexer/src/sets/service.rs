//! The set operations the API offers (list, get, create, update, delete, rerun), each on an index
//! and its sets folder, so the server and the CLI's `--index` path do exactly the same.

use super::{HitSet, SavedSearch, SetList, SetName, SetStore};
use crate::api::{
    CreateSetRequest, RerunRequest, RerunResponse, SearchRequest, SetDetail, UpdateSetRequest,
};
use crate::error::{Error, Result};
use crate::search::Index;

/// The sets of `index`'s directory.
fn store(index: &Index) -> SetStore {
    SetStore::of_index(index.dir())
}

/// Every set, with an error for each file that does not read.
pub fn list(index: &Index) -> Result<SetList> {
    store(index).list()
}

/// A set with its passages widened on today's index.
pub fn get(index: &Index, name: &SetName) -> Result<SetDetail> {
    let set = store(index).load(name)?;
    detail(index, name, set)
}

/// Saves every passage a search matches as a new set; a name already taken is refused.
pub fn create(index: &Index, request: &CreateSetRequest) -> Result<SetDetail> {
    let store = store(index);
    if store.exists(&request.name) {
        return Err(Error::InvalidValue {
            field: "name".into(),
            reason: format!("a set named {:?} exists", request.name.as_str()),
            hint: Some("choose another name, or delete the set first".into()),
        });
    }
    SearchRequest {
        filters: request.filters.clone(),
        ..SearchRequest::new(request.q.clone())
    }
    .validate()?;
    let search = SavedSearch {
        q: request.q.clone(),
        filters: request.filters.clone(),
    };
    let set = HitSet::from_search(index, search, request.description.clone())?;
    store.save(&request.name, &set)?;
    detail(index, &request.name, set)
}

/// Drops, adds, re-describes or widens a set's passages, all or nothing.
pub fn update(index: &Index, name: &SetName, request: &UpdateSetRequest) -> Result<SetDetail> {
    let store = store(index);
    let mut set = store.load(name)?;
    set.drop_passages(&request.drop)?;
    set.add_passages(index, &request.add)?;
    if let Some(unit) = request.unit {
        set.unit = unit;
    }
    if let Some(description) = &request.description {
        set.description.clone_from(description);
    }
    store.save(name, &set)?;
    detail(index, name, set)
}

/// Removes a set's file.
pub fn delete(index: &Index, name: &SetName) -> Result<()> {
    store(index).delete(name)
}

/// Compares a set with its query's answer today, and with `accept` saves the changes into it.
pub fn rerun(index: &Index, name: &SetName, request: &RerunRequest) -> Result<RerunResponse> {
    let store = store(index);
    let set = store.load(name)?;
    let changes = set.rerun(index)?;
    if request.accept {
        store.save(name, &changes.clone().accept(&set))?;
    }
    Ok(RerunResponse {
        name: name.clone(),
        changes,
        accepted: request.accept,
    })
}

fn detail(index: &Index, name: &SetName, set: HitSet) -> Result<SetDetail> {
    Ok(SetDetail {
        name: name.clone(),
        excerpts: set.excerpts(index)?,
        set,
    })
}
