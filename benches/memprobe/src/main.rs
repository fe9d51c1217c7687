//! Prints the live heap of `dossier build` (bytes allocated and not yet freed) at each progress step
//! and, every SAMPLE_MS (default 100), the live heap, its peak since the last line and the process's
//! resident memory: which phase and which page set the peak, and how far the RSS stands above it.
//! BENCHMARKS.md ("Memory") reads its output. Builds with `--today 2026-11-20` and `--force`.
//!
//! With `--parts` it builds nothing: it loads the vault, builds the index and the CRM model, and prints
//! what each holds, part by part (each part emptied in turn, and what that freed).

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
        eprintln!("usage: memprobe VAULT OUT [SAMPLE_MS] [--parts]");
        std::process::exit(2);
    };
    let every = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let parts = args.iter().any(|a| a == "--parts");
    let config = dossier::config::Config {
        vault: vault.into(),
        out: out.into(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        ..Default::default()
    };
    if parts {
        return vault_parts(&config);
    }
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

/// The heap the parsed notes hold, part by part: each part is emptied in every note in turn, and
/// what that freed is printed.
fn vault_parts(config: &dossier::config::Config) {
    let before = LIVE.load(Relaxed);
    let vault = match dossier::vault::load(config) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("memprobe: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "{:>24}: {:6.1} MB",
        "vault as loaded",
        mb(LIVE.load(Relaxed) - before)
    );
    let mut vault = vault;
    let at = LIVE.load(Relaxed);
    vault.diagnostics = Vec::new();
    println!(
        "{:>24}: {:6.1} MB",
        "vault diagnostics",
        mb(at - LIVE.load(Relaxed))
    );
    let at = LIVE.load(Relaxed);
    let index = dossier::index::Index::build(vault);
    println!(
        "{:>24}: {:6.1} MB (besides its notes)",
        "link index",
        mb(LIVE.load(Relaxed) - at)
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let at = LIVE.load(Relaxed);
    let mut crm = dossier::crm::build(&index, config, today);
    println!(
        "{:>24}: {:6.1} MB",
        "CRM model",
        mb(LIVE.load(Relaxed) - at)
    );
    let part = |name: &str, f: &mut dyn FnMut()| {
        let at = LIVE.load(Relaxed);
        f();
        println!("{name:>24}: {:6.1} MB", mb(at - LIVE.load(Relaxed)));
    };
    part("CRM note structures", &mut || crm.structures = Vec::new());
    part("CRM meetings", &mut || crm.meetings = Vec::new());
    part("CRM people", &mut || crm.people = Vec::new());
    part("CRM accounts", &mut || crm.accounts = Vec::new());
    part("CRM diagnostics", &mut || crm.diagnostics = Vec::new());
    drop(crm);
    let mut index = index;
    part("index backlinks", &mut || index.backlinks = Vec::new());
    part("index resolved links", &mut || index.links = Vec::new());
    part("index unresolved", &mut || index.unresolved.clear());
    part("index diagnostics", &mut || index.diagnostics = Vec::new());
    part("index tags", &mut || index.tags.clear());
    let mut notes: Vec<dossier::vault::Note> = std::mem::take(&mut index.notes)
        .into_iter()
        .map(|n| std::sync::Arc::try_unwrap(n).unwrap_or_else(|n| (*n).clone()))
        .collect();
    drop(index);
    println!(
        "{} notes: {:.1} MB live (the notes and attachments)",
        notes.len(),
        mb(LIVE.load(Relaxed) - before)
    );
    let mut freed = |name: &str, f: &mut dyn FnMut(&mut dossier::vault::Note)| {
        let at = LIVE.load(Relaxed);
        for n in notes.iter_mut() {
            f(n);
        }
        println!("{name:>24}: {:6.1} MB", mb(at - LIVE.load(Relaxed)));
    };
    freed("list item text", &mut |n| {
        n.list_items
            .iter_mut()
            .for_each(|i| i.text = dossier::vault::ItemText::default())
    });
    freed("list item fields", &mut |n| {
        n.list_items.iter_mut().for_each(|i| i.fields.clear())
    });
    freed("list item tags, links", &mut |n| {
        n.list_items.iter_mut().for_each(|i| {
            i.tags = Vec::new();
            i.links = Vec::new();
            i.children = Vec::new();
            i.block_id = None;
        })
    });
    freed("list items", &mut |n| n.list_items = Vec::new());
    freed("link strings", &mut |n| {
        n.links.iter_mut().for_each(|l| {
            *l = dossier::vault::LinkRef::new(
                "",
                None,
                None,
                l.embed,
                l.syntax,
                l.span.clone(),
                l.line,
            )
        })
    });
    freed("links", &mut |n| n.links = Vec::new());
    freed("inline fields", &mut |n| n.fields = Vec::new());
    freed("front matter source", &mut |n| {
        n.frontmatter.source = String::new()
    });
    freed("front matter raw", &mut |n| {
        n.frontmatter.raw_changed = Vec::new()
    });
    freed("front matter fields", &mut |n| n.frontmatter.fields.clear());
    freed("headings, block ids", &mut |n| {
        n.headings = Vec::new();
        n.block_ids = Vec::new();
    });
    freed("queries", &mut |n| n.queries = Vec::new());
    freed("diagnostics", &mut |n| n.diagnostics = Vec::new());
    freed("title, aliases, tags", &mut |n| {
        n.title = String::new();
        n.aliases = Vec::new();
        n.tags = Vec::new();
    });
    freed("text", &mut |n| n.text = String::new());
    freed("the rest", &mut |n| {
        n.id = dossier::vault::NoteId(String::new());
    });
    let at = LIVE.load(Relaxed);
    drop(notes);
    println!(
        "{:>24}: {:6.1} MB",
        "note structs",
        mb(at - LIVE.load(Relaxed))
    );
    println!("{:>24}: {:6.1} MB", "left", mb(LIVE.load(Relaxed) - before));
}
