//! An open index that follows rebuilds: the server and the CLI serve from a [`LiveIndex`].
//!
//! A build swaps a new generation in by rewriting the index's `CURRENT` file (see
//! [`crate::store`]); a [`LiveIndex`] notices on the next call and opens the new generation once,
//! so a running server serves a rebuilt corpus without a restart. Callers hold the [`Index`] they
//! were handed for as long as they need it, so a search that started on the old generation
//! finishes on it: its files stay readable while open, even after the build removed them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::error::Result;
use crate::search::Index;
use crate::store::current_generation;

/// The index of an index directory's live generation, reopened when a build swaps in a new one.
pub struct LiveIndex {
    current: RwLock<Served>,
    /// Held while a new generation is opened, so concurrent callers open it once.
    reopening: Mutex<()>,
}

/// The index being served and the generation `CURRENT` named when it was last looked at.
#[derive(Clone)]
struct Served {
    index: Arc<Index>,
    /// The generation served, or a newer one that could not be opened (so it is not retried
    /// until `CURRENT` changes again).
    generation: PathBuf,
}

impl LiveIndex {
    /// Opens the live generation of the index in `dir`.
    pub fn open(dir: &Path) -> Result<LiveIndex> {
        Index::open(dir).map(LiveIndex::new)
    }

    /// Serves an index already open, following its directory's rebuilds from now on.
    pub fn new(index: Index) -> LiveIndex {
        let generation = index.generation().to_path_buf();
        LiveIndex {
            current: RwLock::new(Served {
                index: Arc::new(index),
                generation,
            }),
            reopening: Mutex::new(()),
        }
    }

    /// The index of the live generation: the one served, or, when a build has swapped in a new
    /// generation since, that one, opened now. If it cannot be opened the old one goes on
    /// serving and the failure is logged; while another caller is opening it, the old one
    /// answers too.
    pub fn latest(&self) -> Arc<Index> {
        let served = self.served();
        let Some(on_disk) = current_generation(served.index.dir()) else {
            return served.index;
        };
        if on_disk == served.generation {
            return served.index;
        }
        let Ok(_reopening) = self.reopening.try_lock() else {
            return served.index;
        };
        // Another caller may have opened it between the two looks.
        let served = self.served();
        if on_disk == served.generation {
            return served.index;
        }
        match Index::open(served.index.dir()) {
            Ok(index) => {
                tracing::info!(generation = %index.generation().display(), "serving a rebuilt index");
                let index = Arc::new(index);
                self.replace(Served {
                    index: Arc::clone(&index),
                    generation: index.generation().to_path_buf(),
                });
                index
            }
            Err(error) => {
                tracing::warn!(%error, "cannot open the rebuilt index; serving the previous one");
                self.replace(Served {
                    generation: on_disk,
                    ..served.clone()
                });
                served.index
            }
        }
    }

    fn served(&self) -> Served {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace(&self, served: Served) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = served;
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::Barrier;

    use super::*;
    use crate::store::{BuildOptions, CURRENT_FILE, build};

    /// A corpus of one prose document with `paragraphs` paragraphs.
    fn write_corpus(corpus: &Path, paragraphs: usize) {
        fs::create_dir_all(corpus.join("documents")).unwrap();
        let body: String = (1..=paragraphs)
            .map(|n| format!("Paragraph {n} about commissioning.\n\n"))
            .collect();
        fs::write(
            corpus.join("documents/report.md"),
            format!("---\ntitle: A report\nkind: report\n---\n{body}"),
        )
        .unwrap();
    }

    fn passages(index: &Index) -> u64 {
        index.stats().unwrap().passages
    }

    /// A corpus built once into an index directory.
    fn built(paragraphs: usize) -> (tempfile::TempDir, tempfile::TempDir) {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        write_corpus(corpus.path(), paragraphs);
        build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
        (corpus, index_dir)
    }

    #[test]
    fn a_rebuild_between_two_calls_is_picked_up() {
        let (corpus, index_dir) = built(2);
        let live = LiveIndex::open(index_dir.path()).unwrap();
        let before = live.latest();
        assert_eq!(passages(&before), 2);
        assert!(Arc::ptr_eq(&before, &live.latest()), "nothing changed yet");

        write_corpus(corpus.path(), 3);
        build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
        let after = live.latest();
        assert_eq!(passages(&after), 3);
        assert_eq!(passages(&before), 2, "a holder of the old index keeps it");
        assert!(Arc::ptr_eq(&after, &live.latest()), "opened once");
    }

    #[test]
    fn a_broken_new_generation_keeps_the_old_one_serving() {
        let (corpus, index_dir) = built(2);
        let live = LiveIndex::open(index_dir.path()).unwrap();
        let served = live.latest();

        let broken = index_dir.path().join("gen-0-0");
        fs::create_dir(&broken).unwrap();
        fs::write(index_dir.path().join(CURRENT_FILE), "gen-0-0").unwrap();
        let answered = live.latest();
        assert!(Arc::ptr_eq(&served, &answered));
        assert_eq!(passages(&answered), 2);

        // A good build after the broken one is served again.
        write_corpus(corpus.path(), 4);
        build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();
        assert_eq!(passages(&live.latest()), 4);
    }

    #[test]
    fn concurrent_callers_open_a_new_generation_once() {
        let (corpus, index_dir) = built(2);
        let live = LiveIndex::open(index_dir.path()).unwrap();
        let old = live.latest();
        write_corpus(corpus.path(), 5);
        build(corpus.path(), index_dir.path(), &BuildOptions::default()).unwrap();

        let callers = 8;
        let start = Barrier::new(callers);
        let answers: Vec<Arc<Index>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..callers)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        live.latest()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let newest = live.latest();
        assert_eq!(passages(&newest), 5);
        for answer in &answers {
            // Each caller got the old index (someone else was opening) or the one opened.
            assert!(Arc::ptr_eq(answer, &old) || Arc::ptr_eq(answer, &newest));
        }
    }
}
