//! Memory figures from Linux's `/proc`, read in this one place: a process's resident set and its
//! peak, and the machine's total.

use std::io;

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
    fn this_process_has_resident_memory() {
        let memory = Memory::of_this_process().expect("Linux /proc");
        assert!(memory.rss > 0 && memory.peak >= memory.rss, "{memory:?}");
        assert!(total_memory().expect("Linux /proc") > memory.rss);
    }
}
