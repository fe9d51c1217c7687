//! The floor: the least a vault-to-site program must do. Reads every `.md` under VAULT, renders it with
//! pulldown-cmark, writes one HTML file per note under OUT, in parallel (rayon). dossier's build time is
//! reported as a ratio to this program's, measured in the same run (`benches/run.sh`).
//!
//!     cargo bench --bench floor -- VAULT OUT

use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (vault, out) = match args.as_slice() {
        [v, o, ..] => (PathBuf::from(v), PathBuf::from(o)),
        _ => {
            eprintln!("usage: floor VAULT OUT");
            std::process::exit(2);
        }
    };
    let notes: Vec<PathBuf> = walkdir::WalkDir::new(&vault)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    notes
        .par_iter()
        .try_for_each(|path| render(&vault, &out, path))?;
    eprintln!("floor: {} notes", notes.len());
    Ok(())
}

fn render(vault: &Path, out: &Path, path: &Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all()),
    );
    let rel = path
        .strip_prefix(vault)
        .unwrap_or(path)
        .with_extension("html");
    let dest = out.join(rel);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(dest, html)
}
