//! One-note edits through `serve::Session::rebuild`, without the server, the watcher or its debounce:
//! the figure `benches/serve_edit.sh` measures end to end, isolated so that it can be profiled
//! (`perf record` this binary) and repeated many times.
//!
//!     cargo bench --bench rebuild -- VAULT [ROUNDS]
//!
//! VAULT is copied to a temporary folder (the original is never touched). Each round appends a line of
//! prose, then an open task, to a meeting, a person, a project and a customer note in turn, rebuilding
//! after each; the median per kind of note and of edit is printed. Run with `DOSSIER_TIMINGS=1` for the time of each phase.

use dossier::config::Config;
use dossier::serve::Session;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The allocator `dossier` itself runs with (src/main.rs), so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(vault) = args.first() else {
        eprintln!("usage: cargo bench --bench rebuild -- VAULT [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let copy = std::env::temp_dir().join(format!("dossier-rebuild-{}", std::process::id()));
    copy_dir(Path::new(vault), &copy);
    let config = Config {
        vault: copy.clone(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        ..Config::default()
    };
    let mut session = Session::new(config);
    let first = session.rebuild(true).expect("first build");
    println!("first build: {:.0} ms", first.elapsed.as_secs_f64() * 1e3);
    let pick = |folder: &str| -> PathBuf {
        let mut names: Vec<PathBuf> = std::fs::read_dir(copy.join(folder))
            .expect("folder of the generated vault")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        names[0].clone()
    };
    let kinds = ["Meetings", "People", "Projects", "Customers"];
    let files: Vec<PathBuf> = kinds.iter().map(|k| pick(k)).collect();
    // Two edits per note: a line of prose (what typing during a meeting does), which the CRM does not
    // read, and a new open task, which it does (account task lists, overdue counts).
    let edits: [(&str, Line); 2] = [
        ("prose", |round| format!("\nEdited in round {round}.")),
        ("task", |round| format!("\n- [ ] Follow up {round}")),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); kinds.len() * edits.len()];
    for round in 0..rounds {
        for (e, (edit, line)) in edits.iter().enumerate() {
            for (k, file) in files.iter().enumerate() {
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(file)
                    .expect("open note");
                writeln!(f, "{}", line(round)).expect("append");
                drop(f);
                // As `serve` does: the watcher names the file written in place.
                let written = [file.canonicalize().expect("note path")];
                let r = session
                    .rebuild_changed(false, Some(&written))
                    .expect("rebuild");
                assert!(!r.full, "a one-note edit rebuilt everything");
                times[e * kinds.len() + k].push(r.elapsed);
                println!(
                    "{:<10} {:<6} {:>7.1} ms  {} note pages, {} other pages, {} files changed",
                    kinds[k],
                    edit,
                    r.elapsed.as_secs_f64() * 1e3,
                    r.note_pages,
                    r.other_pages,
                    r.changed
                );
            }
        }
    }
    println!("median of {rounds} rounds:");
    for (i, t) in times.iter_mut().enumerate() {
        t.sort();
        println!(
            "{:<10} {:<6} {:>7.1} ms",
            kinds[i % kinds.len()],
            edits[i / kinds.len()].0,
            t[t.len() / 2].as_secs_f64() * 1e3
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// The line an edit appends in a given round.
type Line = fn(usize) -> String;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk vault");
        let rel = entry.path().strip_prefix(from).expect("under vault");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}
