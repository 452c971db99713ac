//! Memory and CPU-time figures from Linux's `/proc`, read in this one place: a process's resident
//! set and its peak, the machine's total, and the CPU time of a process or of the calling thread.

use std::io;
use std::time::Duration;

/// Resident memory of a process, from `/proc/PID/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`, bytes.
    pub rss: u64,
    /// `VmHWM` (peak RSS), bytes.
    pub peak: u64,
}

impl Memory {
    /// The memory of process `pid`; an error elsewhere than Linux or once the process is gone.
    pub fn of_process(pid: u32) -> io::Result<Memory> {
        Memory::from_status(&format!("/proc/{pid}/status"))
    }

    /// The memory of this process.
    pub fn of_this_process() -> io::Result<Memory> {
        Memory::from_status("/proc/self/status")
    }

    fn from_status(path: &str) -> io::Result<Memory> {
        let status = read(path)?;
        Ok(Memory {
            rss: kib_field(path, &status, "VmRSS:")?,
            peak: kib_field(path, &status, "VmHWM:")?,
        })
    }
}

/// The machine's memory (`MemTotal` of `/proc/meminfo`), bytes.
pub fn total_memory() -> io::Result<u64> {
    let path = "/proc/meminfo";
    kib_field(path, &read(path)?, "MemTotal:")
}

/// Resets this process's peak RSS to its current RSS, so a later [`Memory::peak`] covers only
/// what follows (Linux 4.0+); where that is not allowed the peak includes what came before.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time process `pid` has used so far, user and system (`utime` + `stime` of
/// `/proc/PID/stat`), every thread's, those that have ended included; at the kernel's clock
/// tick (10 ms), so take differences over many requests.
pub fn process_cpu_time(pid: u32) -> io::Result<Duration> {
    let path = format!("/proc/{pid}/stat");
    cpu_ticks(&path, &read(&path)?).map(|ticks| Duration::from_millis(ticks * MS_PER_TICK))
}

/// CPU time of the calling thread so far, from `/proc/thread-self/schedstat`; zero where that
/// is unreadable. Given in nanoseconds, it advances only at the scheduler's tick (1 to 4 ms)
/// and when the thread is switched out, so time long stretches of work.
pub fn thread_cpu_time() -> Duration {
    let nanos = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|line| line.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(nanos)
}

/// Milliseconds per clock tick of `/proc/PID/stat`: `USER_HZ` is 100 on x86 and ARM alike, and
/// asking `sysconf` for it would bring in libc for one constant.
const MS_PER_TICK: u64 = 10;

/// `utime` + `stime` (fields 14 and 15) of a `/proc/PID/stat` line, in clock ticks. The fields
/// are counted after the command name's closing parenthesis: the name may hold spaces.
fn cpu_ticks(path: &str, stat: &str) -> io::Result<u64> {
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    // After the name come the state (field 3) and then the numbers: utime is the 12th word.
    let mut fields = after_name.split_whitespace().skip(11);
    let mut tick_field = || fields.next().and_then(|field| field.parse::<u64>().ok());
    match (tick_field(), tick_field()) {
        (Some(utime), Some(stime)) => Ok(utime + stime),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{path} has no utime and stime fields"),
        )),
    }
}

fn read(path: &str) -> io::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("reading {path} (memory figures need Linux /proc): {e}"),
        )
    })
}

/// The line `name   N kB` of a `/proc` file, in bytes.
fn kib_field(path: &str, text: &str, name: &str) -> io::Result<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| kib * 1024)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{path} has no {name} line in kB"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kib_fields_are_read_in_bytes() {
        let status = "Name:\tserver\nVmHWM:\t   52340 kB\nVmRSS:\t   41000 kB\n";
        assert_eq!(kib_field("status", status, "VmRSS:").unwrap(), 41000 * 1024);
        assert_eq!(kib_field("status", status, "VmHWM:").unwrap(), 52340 * 1024);
        let missing = kib_field("status", status, "VmSwap:").unwrap_err();
        assert!(missing.to_string().contains("no VmSwap: line"), "{missing}");
    }

    #[test]
    fn cpu_ticks_are_counted_after_the_command_name() {
        let stat = "4242 (verbatim server) S 1 4242 4242 0 -1 4194560 900 0 0 0 \
                    250 37 0 0 20 0 9 0 12345 1000000 5000";
        assert_eq!(cpu_ticks("stat", stat).unwrap(), 250 + 37);
        let cut = cpu_ticks("stat", "4242 (server) S 1 4242").unwrap_err();
        assert!(cut.to_string().contains("no utime and stime"), "{cut}");
    }

    #[test]
    fn this_process_and_thread_use_cpu_time() {
        let spun: u64 = (0..20_000_000u64).map(std::hint::black_box).sum();
        assert!(spun > 0);
        assert!(thread_cpu_time() > Duration::ZERO);
        assert!(process_cpu_time(std::process::id()).unwrap() > Duration::ZERO);
    }

    #[test]
    fn this_process_has_resident_memory() {
        let memory = Memory::of_this_process().expect("Linux /proc");
        assert!(memory.rss > 0 && memory.peak >= memory.rss, "{memory:?}");
        assert!(total_memory().expect("Linux /proc") > memory.rss);
    }
}
