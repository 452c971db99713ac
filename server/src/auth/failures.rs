//! Failed authentications counted per client address, so a key cannot be guessed by brute force.
//!
//! After [`DEFAULT_FAILURES_ALLOWED`] wrong keys (or the server's `--max-wrong-keys`) from one
//! address within [`FAILURE_WINDOW`], every key it sends is refused with 429 until the window
//! ends, the right key included (otherwise the guessing would go on, told apart by the
//! answers). Missing keys do not count: the page asks for the key after its first calls come
//! back 401. The map is bounded, so a
//! flood of addresses cannot grow it without limit; IPv6 clients are counted by their /64, which
//! one machine can fill with addresses of its own.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Wrong keys one address may send within [`FAILURE_WINDOW`], unless the server says otherwise.
pub const DEFAULT_FAILURES_ALLOWED: u32 = 10;
/// How long failures are remembered, from the first one of a window.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered at most.
const CAPACITY: usize = 4096;

/// Failures of one address in its current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// The failed authentications of recent clients.
#[derive(Debug)]
pub struct FailedAuthentications {
    /// Wrong keys allowed per address and window.
    allowed: u32,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

impl FailedAuthentications {
    /// Counts failures, locking an address out after `allowed` of them in a window.
    pub fn new(allowed: u32) -> FailedAuthentications {
        FailedAuthentications {
            allowed: allowed.max(1),
            windows: Mutex::default(),
        }
    }

    /// Wrong keys allowed per address and window.
    pub fn allowed(&self) -> u32 {
        self.allowed
    }

    /// How long `client` must wait before sending a key again, when it has used up its failures.
    pub fn locked_out(&self, client: IpAddr, now: Instant) -> Option<Duration> {
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.get(&counted_as(client))?;
        let left = FAILURE_WINDOW.checked_sub(now.duration_since(window.started))?;
        (window.failures >= self.allowed && !left.is_zero()).then_some(left)
    }

    /// Counts a wrong key from `client`.
    pub fn record(&self, client: IpAddr, now: Instant) {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let client = counted_as(client);
        if !windows.contains_key(&client) && windows.len() >= CAPACITY {
            make_room(&mut windows, now);
        }
        let window = windows.entry(client).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(window.started) >= FAILURE_WINDOW {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
    }
}

/// Forgets ended windows, or, when every window is still running, the oldest one.
fn make_room(windows: &mut HashMap<IpAddr, Window>, now: Instant) {
    windows.retain(|_, window| now.duration_since(window.started) < FAILURE_WINDOW);
    if windows.len() >= CAPACITY
        && let Some(oldest) = windows
            .iter()
            .min_by_key(|(_, window)| window.started)
            .map(|(client, _)| *client)
    {
        windows.remove(&oldest);
    }
}

/// The address failures are counted under: IPv4 as it is (an IPv4-mapped IPv6 address too),
/// IPv6 by its /64 network.
fn counted_as(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_eleventh_failure_in_a_window_is_locked_out_until_it_ends() {
        let failures = FailedAuthentications::new(DEFAULT_FAILURES_ALLOWED);
        let (client, other) = (ip("192.0.2.1"), ip("192.0.2.2"));
        let start = Instant::now();
        for n in 0..DEFAULT_FAILURES_ALLOWED {
            assert_eq!(
                failures.locked_out(client, start),
                None,
                "after {n} failures"
            );
            failures.record(client, start);
        }
        let later = start + Duration::from_secs(20);
        assert_eq!(
            failures.locked_out(client, later),
            Some(Duration::from_secs(40))
        );
        assert_eq!(failures.locked_out(other, later), None, "per address");
        assert_eq!(failures.locked_out(client, start + FAILURE_WINDOW), None);
        failures.record(client, start + FAILURE_WINDOW);
        assert_eq!(
            failures.locked_out(client, start + FAILURE_WINDOW),
            None,
            "a new window starts from one failure"
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let failures = FailedAuthentications::new(DEFAULT_FAILURES_ALLOWED);
        let now = Instant::now();
        for n in 0..DEFAULT_FAILURES_ALLOWED {
            failures.record(ip(&format!("2001:db8:1:2::{n:x}")), now);
        }
        assert!(failures.locked_out(ip("2001:db8:1:2::ffff"), now).is_some());
        assert!(failures.locked_out(ip("2001:db8:1:3::1"), now).is_none());
        assert_eq!(counted_as(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn the_map_stays_bounded() {
        let failures = FailedAuthentications::new(DEFAULT_FAILURES_ALLOWED);
        let now = Instant::now();
        for n in 0..(CAPACITY as u32 + 100) {
            failures.record(
                IpAddr::V4(n.into()),
                now + Duration::from_millis(u64::from(n)),
            );
        }
        let windows = failures.windows.lock().unwrap();
        assert_eq!(windows.len(), CAPACITY);
    }
}
