//! Prints the live heap of `dossier build` (bytes allocated and not yet freed) at each progress step
//! and, every SAMPLE_MS (default 100), the live heap, its peak since the last line and the process's
//! resident memory: which phase and which page set the peak, and how far the RSS stands above it.
//! BENCHMARKS.md ("Memory") reads its output. Builds with `--today 2026-11-20` and `--force`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(delta: isize) {
    let now = LIVE.fetch_add(delta, Relaxed) + delta;
    if delta > 0 {
        PEAK.fetch_max(now, Relaxed);
    }
}

// SAFETY: every call is passed to the system allocator unchanged; only the sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        count(size as isize - layout.size() as isize);
        System.realloc(ptr, layout, size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(bytes: isize) -> f64 {
    bytes as f64 / 1048576.0
}

/// Live and peak heap (the peak since the last call), and `VmRSS`.
fn line() -> String {
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_default();
    let live = LIVE.load(Relaxed);
    let peak = PEAK.swap(live, Relaxed);
    format!(
        "live {:.1} MB, peak {:.1} MB, rss {rss}",
        mb(live),
        mb(peak)
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(vault), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: memprobe VAULT OUT [SAMPLE_MS]");
        std::process::exit(2);
    };
    let every = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let config = dossier::config::Config {
        vault: vault.into(),
        out: out.into(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        ..Default::default()
    };
    let start = Instant::now();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(every));
        println!(
            "{:6.2} s  sample  {}",
            start.elapsed().as_secs_f64(),
            line()
        );
    });
    let mut progress = |p: dossier::Progress| {
        println!("{:6.2} s  {p:?}: {}", start.elapsed().as_secs_f64(), line());
    };
    let options = dossier::BuildOptions { force: true };
    match dossier::build(&config, &options, &mut progress) {
        Ok(report) => println!(
            "{:6.2} s  done, {} pages: {}",
            start.elapsed().as_secs_f64(),
            report.pages,
            line()
        ),
        Err(e) => {
            eprintln!("memprobe: {e}");
            std::process::exit(1);
        }
    }
}
