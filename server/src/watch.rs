//! The server's watch of its corpus: the flags that set it, and the watcher they start (see
//! [`indexer::watch`]). On by default whenever the server has a corpus to index.

use std::time::Duration;

use indexer::watch::WatchOptions;

/// How `verbatim-server` watches its corpus.
#[derive(Debug, Clone, clap::Args)]
pub struct WatchFlags {
    /// Do not watch the corpus: serve what the start-up build indexed until the next restart.
    ///
    /// By default every change to the corpus (a file added, edited or removed, the participants
    /// sheet edited) is indexed a moment after it is made, without a restart.
    #[arg(long)]
    pub no_watch: bool,

    /// How long the corpus must be still before a change is indexed.
    ///
    /// A file still being copied in is not read until it has stopped changing for this long;
    /// raise it for slow copies, e.g. from a network drive. Written like 500ms, 2s.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = humantime::parse_duration)]
    pub watch_quiet: Duration,

    /// How often to walk the corpus for changes the file system did not report.
    ///
    /// Network drives often report none; lower this for one (e.g. 5s). Written like 30s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub rescan_every: Duration,
}

impl WatchFlags {
    /// The watch these flags ask for; `None` with `--no-watch`.
    pub fn options(&self) -> Option<WatchOptions> {
        (!self.no_watch).then(|| WatchOptions {
            quiet: self.watch_quiet,
            rescan: self.rescan_every,
            ..WatchOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use indexer::watch::{DEFAULT_QUIET, DEFAULT_RESCAN};

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        watch: WatchFlags,
    }

    #[test]
    fn the_watch_is_on_by_default_and_its_times_parse() {
        // The flags' defaults, written out for --help, are the engine's.
        let defaults = Flags::parse_from(["server"]).watch.options().unwrap();
        assert_eq!(
            (defaults.quiet, defaults.rescan),
            (DEFAULT_QUIET, DEFAULT_RESCAN)
        );
        let set = Flags::parse_from(["server", "--watch-quiet", "2s", "--rescan-every", "5s"]);
        let set = set.watch.options().unwrap();
        assert_eq!(
            (set.quiet, set.rescan),
            (Duration::from_secs(2), Duration::from_secs(5))
        );
        assert!(
            Flags::parse_from(["server", "--no-watch"])
                .watch
                .options()
                .is_none()
        );
    }
}
