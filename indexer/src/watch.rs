//! Watching a corpus folder: each change is taken into the index by an incremental [`build`],
//! without a restart.
//!
//! A [`Watcher`] listens for the file system's events (inotify, kqueue, ReadDirectoryChanges
//! through `notify`) and, as a fallback where none arrive (network drives, a full inotify
//! table), walks the corpus every [`WatchOptions::rescan`]. Which files an event names does not
//! matter: a build walks and hashes the whole corpus anyway and re-reads only what changed. What
//! matters is when to start it: once the corpus has been quiet for [`WatchOptions::quiet`] (no
//! event, and no file's size or modification time moving), so a burst of copied files is one
//! build and a file still being written is not read half-way.
//!
//! Builds run one at a time on the watcher's thread. The previous generation serves until a
//! build swaps the next one in ([`crate::LiveIndex`] follows `CURRENT`); a file that cannot be
//! read is refused and everything else goes in, as with any build. [`Watcher::status`] says
//! what the last build added, changed, removed and refused, and whether one is running.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher as _};
use serde::{Deserialize, Serialize};

use crate::catalog::StoredError;
use crate::error::{Error, Result};
use crate::ingest::{self, FileKind};
use crate::live::LiveIndex;
use crate::search::Index;
use crate::store::{BuildOptions, BuildReport, build};

/// How long the corpus must be quiet before a build reads it, unless told otherwise.
pub const DEFAULT_QUIET: Duration = Duration::from_millis(500);
/// How often the corpus is walked for changes no event reported, unless told otherwise.
pub const DEFAULT_RESCAN: Duration = Duration::from_secs(30);
/// How often the corpus is walked when the file system gives no events at all.
const RESCAN_WITHOUT_EVENTS: Duration = Duration::from_secs(2);

/// Called with each build's outcome, on the watcher's thread (the `verbatim-index --watch`
/// binary prints its summary).
pub type OnBuild = Arc<dyn Fn(&Result<BuildReport>) + Send + Sync>;

/// How to watch.
#[derive(Clone)]
pub struct WatchOptions {
    /// How long the corpus must be still (no event, no file growing) before a build reads it.
    pub quiet: Duration,
    /// How often to walk the corpus for changes no event reported.
    pub rescan: Duration,
    /// Listen for the file system's events (without them, only the rescans see changes).
    pub events: bool,
    /// The options of every build.
    pub build: BuildOptions,
    /// Told of every build, the first included.
    pub on_build: Option<OnBuild>,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            quiet: DEFAULT_QUIET,
            rescan: DEFAULT_RESCAN,
            events: true,
            build: BuildOptions::default(),
            on_build: None,
        }
    }
}

/// The generation served and how the index follows its corpus: the answer of `GET /v1/index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexStatus {
    /// The generation searches are answered from (its directory's name): it changes with every
    /// build that swaps a new one in.
    pub generation: String,
    /// When that generation was built (RFC 3339, UTC).
    pub built_at: String,
    /// Whether the corpus is watched, so changes to it are indexed without a restart.
    pub watching: bool,
    /// The watch, when there is one.
    pub watch: Option<WatchStatus>,
    /// Whether the server takes files into its corpus (`POST /v1/files`; set by the server).
    #[serde(default)]
    pub uploads: bool,
}

impl IndexStatus {
    /// The status of `index` (the generation served), followed by `watch` or not.
    pub fn new(index: &Index, watch: Option<WatchStatus>) -> IndexStatus {
        IndexStatus {
            generation: index
                .generation()
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            built_at: index.built_at().to_string(),
            watching: watch.is_some(),
            watch,
            uploads: false,
        }
    }
}

/// What the watcher is doing and what its last build did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchStatus {
    /// Whether a build is running now.
    pub building: bool,
    /// Builds run since the watch began, the one at start-up included (up-to-date ones too).
    pub builds: u64,
    /// The last build that changed the index, refused a file or failed; none before one has.
    pub last_build: Option<WatchedBuild>,
}

/// What one build took in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchedBuild {
    /// When it finished (RFC 3339, UTC).
    pub finished_at: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// Files new to the index (paths relative to the corpus root).
    pub added: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<String>,
    /// Files that left the corpus and the index.
    pub removed: Vec<String>,
    /// The participants sheet, role groups or documents sheet changed, so every file was re-read.
    pub config_changed: bool,
    /// Files left out of the index, or partly indexed, with why: those this build read and
    /// those refused for the first time.
    pub refused: Vec<RefusedFile>,
    /// Why the build could not write the index at all (the previous generation still serves).
    pub error: Option<String>,
}

/// A file a build could not (wholly) take in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedFile {
    /// Its path relative to the corpus root.
    pub file: String,
    /// The line of the problem (0: the whole file).
    pub line: usize,
    /// What is wrong and what to do.
    pub reason: String,
}

impl WatchedBuild {
    /// Whether it is worth reporting: it changed the index, refused something or failed.
    fn is_news(&self) -> bool {
        !(self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && !self.config_changed
            && self.refused.is_empty()
            && self.error.is_none())
    }
}

/// A corpus being watched; dropping it stops the watch (a build running then is abandoned when
/// the process exits, which leaves the previous generation live).
pub struct Watcher {
    shared: Arc<Shared>,
    signals: mpsc::Sender<Signal>,
    /// Kept for its events; `None` when only rescans watch.
    _events: Option<notify::RecommendedWatcher>,
}

/// What the watcher's thread and its handle share.
struct Shared {
    status: Mutex<WatchStatus>,
    /// The index to open each new generation in as soon as it is built.
    live: OnceLock<Arc<LiveIndex>>,
}

enum Signal {
    /// Something in the corpus changed.
    Changed,
    /// The handle was dropped.
    Stop,
}

/// Each corpus file's size and modification time: two equal fingerprints taken `quiet` apart
/// say nothing is being written; one equal to the last build's says there is nothing to build.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fingerprint(BTreeMap<String, Option<(u64, Option<SystemTime>)>>);

impl Fingerprint {
    fn of(corpus: &Path) -> Fingerprint {
        let (files, _) = ingest::discover(corpus);
        Fingerprint(
            files
                .into_iter()
                .filter(|file| file.kind != FileKind::Ignored)
                .map(|file| {
                    let seen = fs::metadata(&file.path)
                        .ok()
                        .map(|meta| (meta.len(), meta.modified().ok()));
                    (file.rel, seen)
                })
                .collect(),
        )
    }
}

impl Watcher {
    /// Builds (or updates) the index of `corpus` in `index_dir` once, then watches the corpus
    /// and builds again after every change. Fails when that first build cannot write the
    /// index at all, like [`build`].
    pub fn start(corpus: &Path, index_dir: &Path, options: WatchOptions) -> Result<Watcher> {
        let (signals, received) = mpsc::channel();
        // Listening before the first build, so a change made while it runs is not missed.
        let events = if options.events {
            listen(corpus, index_dir, signals.clone())
        } else {
            None
        };
        let rescan = if events.is_some() {
            options.rescan
        } else {
            options.rescan.min(RESCAN_WITHOUT_EVENTS)
        };
        let shared = Arc::new(Shared {
            status: Mutex::new(WatchStatus::default()),
            live: OnceLock::new(),
        });
        let mut run = Run {
            corpus: corpus.to_path_buf(),
            index_dir: index_dir.to_path_buf(),
            options: WatchOptions { rescan, ..options },
            shared: Arc::clone(&shared),
            built: Fingerprint::default(),
            refused: BTreeSet::new(),
        };
        run.build(Fingerprint::of(corpus))?;
        tracing::info!(
            corpus = %corpus.display(),
            events = events.is_some(),
            rescan_s = rescan.as_secs_f64(),
            "watching the corpus for changes"
        );
        std::thread::Builder::new()
            .name("verbatim-watch".into())
            .spawn(move || run.watch(&received))
            .map_err(|e| Error::Internal(format!("cannot start the watcher's thread: {e}")))?;
        Ok(Watcher {
            shared,
            signals,
            _events: events,
        })
    }

    /// What the watcher is doing and what its last build did.
    pub fn status(&self) -> WatchStatus {
        self.shared.status().clone()
    }

    /// Opens each new generation in `live` as soon as it is built, so the first search after a
    /// build does not wait for the index to open.
    pub fn keep_open(&self, live: Arc<LiveIndex>) {
        let _ = self.shared.live.set(live);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.signals.send(Signal::Stop);
    }
}

impl Shared {
    fn status(&self) -> std::sync::MutexGuard<'_, WatchStatus> {
        self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Subscribes to the file system's events under `corpus`, or says why it cannot (the rescans
/// then watch alone).
fn listen(
    corpus: &Path,
    index_dir: &Path,
    signals: mpsc::Sender<Signal>,
) -> Option<notify::RecommendedWatcher> {
    // An index kept inside its corpus must not wake the watcher with its own writes.
    let index_dir = fs::canonicalize(index_dir).unwrap_or_else(|_| index_dir.to_path_buf());
    let handler = move |event: notify::Result<notify::Event>| match event {
        Ok(event) if is_change(&event, &index_dir) => {
            let _ = signals.send(Signal::Changed);
        }
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(%error, "a file-system event was lost; the next rescan finds the change")
        }
    };
    let watching = notify::recommended_watcher(handler).and_then(|mut watcher| {
        let corpus = fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
        watcher.watch(&corpus, RecursiveMode::Recursive)?;
        Ok(watcher)
    });
    match watching {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            tracing::warn!(
                %error,
                "no file-system events for the corpus: changes are found by walking it every {} s",
                RESCAN_WITHOUT_EVENTS.as_secs()
            );
            None
        }
    }
}

/// Whether an event may change what a build reads: not a file being opened or read (the
/// builds' own reads), not the index's own files.
fn is_change(event: &notify::Event, index_dir: &Path) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event.paths.iter().any(|path| !path.starts_with(index_dir))
}

/// The watcher's thread: waits for changes and builds.
struct Run {
    corpus: PathBuf,
    index_dir: PathBuf,
    options: WatchOptions,
    shared: Arc<Shared>,
    /// The corpus as the last successful build found it.
    built: Fingerprint,
    /// Files the last build refused, so a file is reported once and not on every build.
    refused: BTreeSet<String>,
}

impl Run {
    fn watch(mut self, signals: &mpsc::Receiver<Signal>) {
        loop {
            match signals.recv_timeout(self.options.rescan) {
                Ok(Signal::Changed) => {}
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    if Fingerprint::of(&self.corpus) == self.built {
                        continue;
                    }
                }
            }
            let Some(settled) = self.settle(signals) else {
                return;
            };
            if settled != self.built {
                // Its outcome is recorded and logged; a failure is retried on the next change
                // or rescan, since `built` still holds the corpus before it.
                let _ = self.build(settled);
            }
        }
    }

    /// Waits until the corpus has been quiet for the `quiet` time: no event, and no file's size
    /// or time moving between two looks. `None` when the watch is stopped meanwhile.
    fn settle(&self, signals: &mpsc::Receiver<Signal>) -> Option<Fingerprint> {
        let mut before = Fingerprint::of(&self.corpus);
        loop {
            let mut quiet_until = Instant::now() + self.options.quiet;
            while let Some(left) = quiet_until.checked_duration_since(Instant::now()) {
                match signals.recv_timeout(left) {
                    Ok(Signal::Changed) => quiet_until = Instant::now() + self.options.quiet,
                    Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
                    Err(RecvTimeoutError::Timeout) => break,
                }
            }
            let after = Fingerprint::of(&self.corpus);
            if after == before {
                return Some(after);
            }
            before = after;
        }
    }

    /// Runs one build of the corpus last seen as `before` (taken before the build reads
    /// anything, so a change made while it runs differs from it and is built next), records what
    /// it did, and opens the new generation for searches.
    fn build(&mut self, before: Fingerprint) -> Result<BuildReport> {
        self.shared.status().building = true;
        let started = Instant::now();
        let outcome = build(&self.corpus, &self.index_dir, &self.options.build);
        let watched = match &outcome {
            Ok(report) => {
                self.built = before;
                report.log_attribution();
                let watched = self.taken_in(report);
                if let Some(live) = self.shared.live.get() {
                    live.latest();
                }
                watched
            }
            Err(error) => WatchedBuild {
                error: Some(error.to_string()),
                ..WatchedBuild::default()
            },
        };
        let watched = WatchedBuild {
            finished_at: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            ..watched
        };
        log(&watched);
        let mut status = self.shared.status();
        status.building = false;
        status.builds += 1;
        if watched.is_news() {
            status.last_build = Some(watched);
        }
        drop(status);
        if let Some(on_build) = &self.options.on_build {
            on_build(&outcome);
        }
        outcome
    }

    /// What a build took in: its changes, and the files it refused that are news (read by this
    /// build, or refused for the first time).
    fn taken_in(&mut self, report: &BuildReport) -> WatchedBuild {
        let changes = &report.changes;
        let read: BTreeSet<&str> = changes
            .added
            .iter()
            .chain(&changes.changed)
            .map(String::as_str)
            .collect();
        let problems: Vec<RefusedFile> = report
            .errors
            .iter()
            .map(|error| {
                let stored = StoredError::from_error(error);
                RefusedFile {
                    file: self.relative(&stored.path),
                    line: stored.line,
                    reason: stored.reason,
                }
            })
            .chain(report.skipped.iter().map(|(file, reason)| RefusedFile {
                file: file.clone(),
                line: 0,
                reason: reason.clone(),
            }))
            .collect();
        let refused = problems
            .iter()
            .filter(|p| {
                read.contains(p.file.as_str())
                    || !self.refused.contains(&p.file)
                    || (changes.config_changed && is_config(&p.file))
            })
            .cloned()
            .collect();
        self.refused = problems.into_iter().map(|p| p.file).collect();
        WatchedBuild {
            added: changes.added.clone(),
            changed: changes.changed.clone(),
            removed: changes.removed.clone(),
            config_changed: changes.config_changed,
            refused,
            ..WatchedBuild::default()
        }
    }

    /// A path an error names, relative to the corpus root when it is inside.
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.corpus)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

fn is_config(rel: &str) -> bool {
    matches!(
        FileKind::of(rel),
        FileKind::Participants
            | FileKind::RoleGroups
            | FileKind::DocumentsSheet
            | FileKind::StopWords
    )
}

/// Says in the log what a build took in: one line for the build, one for each file.
fn log(watched: &WatchedBuild) {
    if let Some(error) = &watched.error {
        tracing::error!(%error, "the corpus changed but the index could not be rebuilt; the previous one still serves");
        return;
    }
    if !watched.is_news() {
        tracing::debug!("the corpus changed but the index already holds it");
        return;
    }
    tracing::info!(
        added = watched.added.len(),
        changed = watched.changed.len(),
        removed = watched.removed.len(),
        refused = watched.refused.len(),
        config_changed = watched.config_changed,
        elapsed_ms = watched.elapsed_ms,
        "corpus change indexed"
    );
    for (files, what) in [
        (&watched.added, "added"),
        (&watched.changed, "changed"),
        (&watched.removed, "removed"),
    ] {
        for file in files {
            tracing::info!(file = %file, "{what}");
        }
    }
    for refused in &watched.refused {
        tracing::warn!(file = %refused.file, line = refused.line, reason = %refused.reason, "refused");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(corpus: &Path, rel: &str, text: &str) {
        let path = corpus.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn report(title: &str, paragraph: &str) -> String {
        format!("---\ntitle: {title}\nkind: report\n---\n{paragraph}\n")
    }

    /// Quick settings: events off (the tests drive rescans), short quiet and rescan times.
    fn quick() -> WatchOptions {
        WatchOptions {
            quiet: Duration::from_millis(50),
            rescan: Duration::from_millis(20),
            events: false,
            ..WatchOptions::default()
        }
    }

    fn wait_until(watcher: &Watcher, done: impl Fn(&WatchStatus) -> bool) -> WatchStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = watcher.status();
            if done(&status) {
                return status;
            }
            assert!(Instant::now() < deadline, "waited a minute: {status:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn rescans_find_added_changed_removed_and_refused_files() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        write(
            corpus.path(),
            "documents/a.md",
            &report("A", "About commissioning."),
        );
        write(
            corpus.path(),
            "documents/b.md",
            &report("B", "About budgets."),
        );
        let watcher = Watcher::start(corpus.path(), index_dir.path(), quick()).unwrap();
        let first = watcher.status();
        assert_eq!(first.builds, 1);
        assert_eq!(
            first.last_build.as_ref().unwrap().added,
            ["documents/a.md", "documents/b.md"]
        );

        write(
            corpus.path(),
            "documents/a.md",
            &report("A", "About integration."),
        );
        write(
            corpus.path(),
            "documents/c.md",
            &report("C", "About estates."),
        );
        write(
            corpus.path(),
            "documents/bad.md",
            "---\ntitle: [unclosed\n---\nText.\n",
        );
        fs::remove_file(corpus.path().join("documents/b.md")).unwrap();
        let status = wait_until(&watcher, |s| s.builds >= 2 && !s.building);
        let last = status.last_build.unwrap();
        assert_eq!(last.added, ["documents/bad.md", "documents/c.md"]);
        assert_eq!(last.changed, ["documents/a.md"]);
        assert_eq!(last.removed, ["documents/b.md"]);
        assert_eq!(last.refused.len(), 1, "{:?}", last.refused);
        assert_eq!(last.refused[0].file, "documents/bad.md");
        assert!(last.error.is_none());
        let index = Index::open(index_dir.path()).unwrap();
        assert_eq!(
            index.stats().unwrap().documents,
            2,
            "a and c; bad is refused"
        );
    }

    #[test]
    fn a_file_refused_once_is_not_refused_again_by_builds_that_do_not_read_it() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        write(
            corpus.path(),
            "documents/bad.md",
            "---\ntitle: [unclosed\n---\nText.\n",
        );
        let watcher = Watcher::start(corpus.path(), index_dir.path(), quick()).unwrap();
        assert_eq!(watcher.status().last_build.unwrap().refused.len(), 1);

        write(
            corpus.path(),
            "documents/new.md",
            &report("New", "Fresh text."),
        );
        let status = wait_until(&watcher, |s| s.builds >= 2 && !s.building);
        let last = status.last_build.unwrap();
        assert_eq!(last.added, ["documents/new.md"]);
        assert!(last.refused.is_empty(), "{:?}", last.refused);
    }

    #[test]
    fn live_indexes_are_opened_on_the_new_generation_as_soon_as_it_is_built() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        write(corpus.path(), "documents/a.md", &report("A", "One."));
        let watcher = Watcher::start(corpus.path(), index_dir.path(), quick()).unwrap();
        let live = Arc::new(LiveIndex::open(index_dir.path()).unwrap());
        watcher.keep_open(Arc::clone(&live));
        let first = live.latest();

        write(corpus.path(), "documents/b.md", &report("B", "Two."));
        wait_until(&watcher, |s| s.builds >= 2 && !s.building);
        // Already reopened by the watcher: the same Arc twice, with both documents.
        let after = live.latest();
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(after.stats().unwrap().documents, 2);
    }

    #[test]
    fn events_wake_the_watcher_and_a_burst_is_one_build() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        write(corpus.path(), "documents/a.md", &report("A", "One."));
        let options = WatchOptions {
            quiet: Duration::from_millis(300),
            // Never within the test: only events can start the build.
            rescan: Duration::from_secs(3600),
            ..WatchOptions::default()
        };
        let watcher = Watcher::start(corpus.path(), index_dir.path(), options).unwrap();
        for n in 0..30 {
            write(
                corpus.path(),
                &format!("documents/burst/{n}.md"),
                &report("N", "Burst."),
            );
        }
        let status = wait_until(&watcher, |s| {
            s.last_build.as_ref().is_some_and(|b| b.added.len() == 30)
        });
        assert_eq!(status.builds, 2, "the burst is one build: {status:?}");
    }

    #[test]
    fn the_first_build_failing_fails_the_start() {
        let corpus = tempfile::tempdir().unwrap();
        let missing = corpus.path().join("nothing-here");
        let index_dir = tempfile::tempdir().unwrap();
        assert!(Watcher::start(&missing, index_dir.path(), quick()).is_err());
    }
}
