//! Phase timings for profiling a build or a serve rebuild: set `DOSSIER_TIMINGS=1` and each phase's
//! wall time is printed to stderr (`benches/serve_edit.sh` and BENCHMARKS.md use it), with the
//! process's resident memory after it and its peak so far (Linux: `VmRSS` and `VmHWM` of
//! `/proc/self/status`), which says which phase sets the build's peak. Off by default, and then
//! free but for one environment lookup per run.

use std::time::Instant;

/// A stopwatch that prints the time since the previous mark, when enabled.
pub struct Laps {
    label: &'static str,
    last: Option<Instant>,
}

impl Laps {
    pub fn new(label: &'static str) -> Laps {
        let on = std::env::var_os("DOSSIER_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
        Laps {
            label,
            last: on.then(Instant::now),
        }
    }

    /// Prints the time since the previous mark under `phase`.
    pub fn mark(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!(
                "timing {} {phase}: {:.1} ms{}",
                self.label,
                (now - last).as_secs_f64() * 1e3,
                memory().unwrap_or_default()
            );
            self.last = Some(now);
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
