//! Shared helpers for the end-to-end tests: the demo corpus, temp indexes built from it,
//! a real server on `127.0.0.1:0`, and the workspace's built binaries.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the workspace")
        .to_path_buf()
}

/// The bundled demo corpus.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("corpus")
}

/// An index built in a temp dir, removed on drop.
pub struct TestIndex {
    dir: tempfile::TempDir,
}

impl TestIndex {
    /// The index directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Builds an index of the demo corpus into a fresh temp dir; fails the test on any corpus error.
pub fn build_corpus_index() -> TestIndex {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = indexer::build(&corpus_dir(), dir.path(), &indexer::BuildOptions::default())
        .expect("the demo corpus builds");
    assert!(report.errors.is_empty(), "demo corpus errors: {:?}", report.errors);
    TestIndex { dir }
}
