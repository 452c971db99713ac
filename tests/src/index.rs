//! The demo corpus's index, built once per test process and shared read-only by every test that
//! only searches it (a test that changes an index builds its own in a temp dir).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::workspace::corpus_dir;

/// The index of the demo corpus shared by this test process: built on first use, never
/// written again. A test that changes an index builds its own.
pub fn demo_index() -> &'static Path {
    static SHARED: LazyLock<SharedIndex> = LazyLock::new(SharedIndex::build);
    &SHARED.index
}

/// The shared demo index, opened for a test of the library.
pub fn open_demo_index() -> indexer::Index {
    indexer::Index::open(demo_index()).expect("open the demo index")
}

/// Names of the shared indexes' directories in the system temp dir.
const SHARED_PREFIX: &str = "verbatim-demo-index-";
/// What a directory is called while it is being claimed, before other processes may see it.
const CLAIMING_PREFIX: &str = "verbatim-demo-claiming-";
/// Held locked by the process that owns the directory, for as long as it runs.
const OWNER_LOCK: &str = "owner.lock";

/// The shared index's directory, and the lock that marks it as this process's.
///
/// Statics are never dropped, so the directory outlives the process; the lock, which the OS
/// releases when the process ends, lets the next run remove it.
struct SharedIndex {
    index: PathBuf,
    _owner: File,
}

impl SharedIndex {
    fn build() -> SharedIndex {
        remove_abandoned_indexes();
        let claiming = tempfile::Builder::new()
            .prefix(CLAIMING_PREFIX)
            .tempdir()
            .expect("temp dir")
            .keep();
        let owner = File::create(claiming.join(OWNER_LOCK)).expect("create the owner lock");
        owner.lock().expect("lock the shared index's directory");
        let name = claiming
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_prefix(CLAIMING_PREFIX))
            .expect("a temp dir named by its prefix");
        let dir = claiming.with_file_name(format!("{SHARED_PREFIX}{name}"));
        std::fs::rename(&claiming, &dir).expect("claim the shared index's directory");
        let index = dir.join("index");
        build_demo_index(&index);
        SharedIndex {
            index,
            _owner: owner,
        }
    }
}

/// Removes the shared indexes of processes that have ended (their owner lock is free).
fn remove_abandoned_indexes() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(SHARED_PREFIX)
        {
            continue;
        }
        let abandoned =
            File::open(entry.path().join(OWNER_LOCK)).is_ok_and(|lock| lock.try_lock().is_ok());
        if abandoned {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Builds the demo corpus's index into `index_dir`; fails the test on any corpus error.
fn build_demo_index(index_dir: &Path) {
    let report = indexer::build(&corpus_dir(), index_dir, &indexer::BuildOptions::default())
        .expect("the demo corpus builds");
    assert!(
        report.errors.is_empty(),
        "demo corpus errors: {:?}",
        report.errors
    );
}
