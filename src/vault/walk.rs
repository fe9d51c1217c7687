//! Finding the vault's files: walkdir, hidden folders skipped, symlinks never followed out of the vault.

use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};

/// A file found in the vault.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// Vault-relative path with `/`.
    pub rel: String,
    pub abs: PathBuf,
    pub is_note: bool,
    /// For a symlink: the vault-relative path (with `/`) of the file it points at, so that exclusion
    /// judges the content by where it lives, not only by the link's own path.
    pub target: Option<String>,
}

fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Every file of the vault, sorted by vault path. Hidden files and folders (`.obsidian`, `.trash`,
/// `.git`) are skipped. A symlinked file is kept only when it points inside the vault and not into
/// a hidden folder; its target is kept for exclusion. Symlinked folders are not entered (they could
/// loop or leave the vault).
pub fn walk(root: &Path, diags: &mut Vec<Diagnostic>) -> std::io::Result<Vec<Found>> {
    let canonical_root = root.canonicalize()?;
    let mut found = Vec::new();
    let first_diagnostic = diags.len();
    // Unsorted: what is found is sorted once at the end (sorting each folder's entries by name made
    // the name of each path again for every comparison: 0.6% of a 10,000-note build, in its one
    // serial step).
    let walker = walkdir::WalkDir::new(&canonical_root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(&canonical_root).ok())
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                diags.push(Diagnostic::warning(rel, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel_path = entry
            .path()
            .strip_prefix(&canonical_root)
            .unwrap_or(entry.path());
        let rel = match rel_path.to_str() {
            Some(s) => s.replace('\\', "/"),
            None => {
                let lossy = rel_path.to_string_lossy().replace('\\', "/");
                diags.push(Diagnostic::warning(
                    &lossy,
                    0,
                    0,
                    "file name is not valid UTF-8; read under a replaced name",
                ));
                lossy
            }
        };
        let ft = entry.file_type();
        let mut target_rel = None;
        if ft.is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {
                    let inside = target.strip_prefix(&canonical_root).unwrap_or(&target);
                    if inside.components().any(|c| hidden(c.as_os_str())) {
                        diags.push(Diagnostic::warning(
                            &rel,
                            0,
                            0,
                            "symlink points into a hidden folder or file; skipped",
                        ));
                        continue;
                    }
                    target_rel = Some(inside.to_string_lossy().replace('\\', "/"));
                }
                Ok(target) if target.is_dir() => {
                    diags.push(Diagnostic::warning(
                        &rel,
                        0,
                        0,
                        "symlinked folder not followed",
                    ));
                    continue;
                }
                Ok(_) => {
                    diags.push(Diagnostic::warning(
                        &rel,
                        0,
                        0,
                        "symlink points outside the vault; skipped",
                    ));
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::warning(
                        &rel,
                        0,
                        0,
                        format!("broken symlink skipped: {e}"),
                    ));
                    continue;
                }
            }
        } else if !ft.is_file() {
            continue;
        }
        let is_note = rel_path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        found.push(Found {
            rel,
            abs: entry.path().to_path_buf(),
            is_note,
            target: target_rel,
        });
    }
    found.sort();
    diags[first_diagnostic..].sort();
    Ok(found)
}
