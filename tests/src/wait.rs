//! Waiting for something to happen, never for a set time: a condition is polled until it holds,
//! under a deadline so far beyond any healthy run that it only ever ends a hung test.

use std::time::{Duration, Instant};

/// How long a test waits for an event (a server to listen, a page to update, a file to appear, a
/// process to exit) before it calls the test hung.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How often a condition is checked again.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Checks `condition` until it returns `Some` and returns that value; `None` once [`PATIENCE`]
/// has run out.
pub fn poll<T>(mut condition: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = condition() {
            return Some(value);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// [`poll`], failing the test with `what` it waited for when the event never came.
pub fn wait_for<T>(what: &str, condition: impl FnMut() -> Option<T>) -> T {
    poll(condition).unwrap_or_else(|| panic!("waited {PATIENCE:?} for {what}: the test is hung"))
}
