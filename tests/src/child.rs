//! Child processes that log where they listen: `verbatim-server` ("listening on http://ADDR")
//! and headless Chromium ("DevTools listening on ws://ADDR/..."). One helper starts either,
//! waits for that line, keeps draining the log so the child never blocks on a full pipe, and
//! kills the child when dropped.

use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use crate::http::HttpApi;
use crate::memory::Memory;
use crate::wait::{PATIENCE, wait_for};
use crate::workspace::isolated_command;

/// What a child logs, before its address, when it is ready.
const LISTENING_ON: &str = "listening on ";

/// A running child process and the address it listens on; killed on drop.
pub struct ListeningChild {
    child: Child,
    address: String,
    log: mpsc::Receiver<String>,
}

impl ListeningChild {
    /// Spawns `command` with its stderr piped here and waits until it logs
    /// "listening on ADDRESS". Fails, with what the child logged, when it exits first or says
    /// nothing of the kind within [`PATIENCE`].
    pub fn start(command: &mut Command) -> io::Result<ListeningChild> {
        let mut child = command.stderr(Stdio::piped()).spawn()?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        match next_line_where(&log, |line| address_in(line).is_some()) {
            Ok(line) => Ok(ListeningChild {
                child,
                address: address_in(&line).expect("the line holds an address"),
                log,
            }),
            Err(seen) => {
                let _ = child.kill();
                let status = child.wait()?;
                Err(io::Error::other(format!(
                    "{:?} did not say where it listens ({status}); it logged:\n{}",
                    command.get_program(),
                    seen.join("\n")
                )))
            }
        }
    }

    /// Starts the `verbatim-server` at `binary` on `127.0.0.1:0`, serving the index in `index`
    /// (built or brought up to date from `corpus` first, when that exists), once it listens.
    pub fn server(binary: &Path, index: &Path, corpus: &Path) -> io::Result<ListeningChild> {
        ListeningChild::start(server_command(binary, index, corpus).args(["--bind", "127.0.0.1:0"]))
    }

    /// Where the child listens, as it logged it (`http://127.0.0.1:PORT`, `ws://...`).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child's memory now, and its peak so far.
    pub fn memory(&self) -> io::Result<Memory> {
        Memory::of_process(self.pid())
    }

    /// Waits until the child logs a line holding `needle`, and returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        next_line_where(&self.log, |line| line.contains(needle)).unwrap_or_else(|seen| {
            panic!(
                "the child did not log {needle:?} within {PATIENCE:?}; it logged:\n{}",
                seen.join("\n")
            )
        })
    }

    /// Sends SIGTERM and waits until the child exits.
    pub fn terminate(mut self) -> ExitStatus {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        wait_for("the child to exit after SIGTERM", || {
            self.child.try_wait().expect("wait for the child")
        })
    }
}

impl HttpApi for ListeningChild {
    fn base_url(&self) -> &str {
        &self.address
    }
}

impl Drop for ListeningChild {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The first line of `log` that is `wanted`, or, when none comes within [`PATIENCE`] or the
/// log ends, the lines that came.
fn next_line_where(
    log: &mpsc::Receiver<String>,
    wanted: impl Fn(&str) -> bool,
) -> Result<String, Vec<String>> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = log.recv_timeout(left) else {
            break;
        };
        if wanted(&line) {
            return Ok(line);
        }
        seen.push(line);
    }
    Err(seen)
}

/// The address after "listening on " in a log line, up to the next space.
fn address_in(line: &str) -> Option<String> {
    let at = line.find(LISTENING_ON)? + LISTENING_ON.len();
    line[at..]
        .split_whitespace()
        .next()
        .filter(|address| address.contains("://"))
        .map(str::to_string)
}

/// The `verbatim-server` at `binary` serving `index` (built or brought up to date from
/// `corpus` first, when that exists), with an environment of its own and its log at `info` on
/// stderr; add `--bind` and the rest.
pub fn server_command(binary: &Path, index: &Path, corpus: &Path) -> Command {
    let mut command = isolated_command(binary);
    command
        .arg("--index")
        .arg(index)
        .arg("--corpus")
        .arg(corpus)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_from_server_and_browser_logs() {
        assert_eq!(
            address_in("2026-01-01T00:00:00Z  INFO verbatim_server: listening on http://127.0.0.1:4321 key_required=false")
                .as_deref(),
            Some("http://127.0.0.1:4321")
        );
        assert_eq!(
            address_in("DevTools listening on ws://127.0.0.1:39157/devtools/browser/4c1e")
                .as_deref(),
            Some("ws://127.0.0.1:39157/devtools/browser/4c1e")
        );
        assert_eq!(address_in("INFO listening on the corpus for changes"), None);
    }
}
