//! Phase timings for profiling a build or a serve rebuild: set `DOSSIER_TIMINGS=1` and each phase's
//! wall time is printed to stderr (`benches/serve_edit.sh` and BENCHMARKS.md use it). Off by default,
//! and then free but for one environment lookup per run.

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
                "timing {} {phase}: {:.1} ms",
                self.label,
                (now - last).as_secs_f64() * 1e3
            );
            self.last = Some(now);
        }
    }
}
