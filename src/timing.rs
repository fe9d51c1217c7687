//! Phase timings for profiling a build or a serve rebuild: set `DOSSIER_TIMINGS=1` and each phase's
//! wall time is printed to stderr (`benches/serve_edit.sh` and BENCHMARKS.md use it), with the
//! process's resident memory after it and its peak so far (Linux: `VmRSS` and `VmHWM` of
//! `/proc/self/status`), which says which phase sets the build's peak, and the CPU time the process
//! spent in it (user and system, all threads, from `/proc/self/stat`, in the kernel's 10 ms ticks),
//! which says how well it kept the cores busy. Off by default, and then free but for one environment
//! lookup per run.

use std::time::Instant;

/// A stopwatch that prints the time since the previous mark, when enabled.
pub struct Laps {
    label: &'static str,
    last: Option<Instant>,
    /// The process's CPU time at the last mark, in clock ticks.
    cpu: u64,
}

impl Laps {
    pub fn new(label: &'static str) -> Laps {
        let on = std::env::var_os("DOSSIER_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
        Laps {
            label,
            last: on.then(Instant::now),
            cpu: if on { cpu_ticks().unwrap_or(0) } else { 0 },
        }
    }

    /// Prints the time since the previous mark under `phase`.
    pub fn mark(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            let cpu = cpu_ticks();
            let spent = cpu.map_or_else(String::new, |c| {
                format!(", cpu {} ms", c.saturating_sub(self.cpu) * 10)
            });
            eprintln!(
                "timing {} {phase}: {:.1} ms{spent}{}",
                self.label,
                (now - last).as_secs_f64() * 1e3,
                memory().unwrap_or_default()
            );
            self.last = Some(now);
            self.cpu = cpu.unwrap_or(self.cpu);
        }
    }
}

/// `, rss N MB, peak N MB` from `/proc/self/status`, where there is one.
fn memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let mb = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: u64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024)
    };
    Some(format!(
        ", rss {} MB, peak {} MB",
        mb("VmRSS:")?,
        mb("VmHWM:")?
    ))
}

/// The process's user and system time so far, in clock ticks (`utime` and `stime`, the 14th and 15th
/// fields of `/proc/self/stat`; a tick is 10 ms on Linux as built for every common architecture).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (the 2nd field) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}
