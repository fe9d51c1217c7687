//! Writing the site: everything goes into a temporary folder beside the output, which is swapped in only
//! when complete. A failed or interrupted build leaves the old site; leftovers of an interrupted run are
//! removed by the next. dossier only ever replaces a folder it marked as its own.

use super::SiteError;
use crate::render::Copy;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Bytes buffered per file written by [`Staging::put_with`]: large enough that a page is a few
/// `write` calls, small enough that every rendering thread can hold one.
const WRITE_BUFFER: usize = 64 * 1024;

/// A writer that keeps the first error it returned, so that the caller can tell a failed write from
/// its own failure. An interrupted write is retried by the caller, so it is no failure.
struct Recorded<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: Write> Recorded<W> {
    fn record<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|e| {
            if e.kind() == std::io::ErrorKind::Interrupted {
                return e;
            }
            let copy = std::io::Error::new(e.kind(), e.to_string());
            self.error.get_or_insert(e);
            copy
        })
    }
}

impl<W: Write> Write for Recorded<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.record(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.record(result)
    }
}

/// The file that marks an output folder as dossier's.
pub const MARKER: &str = ".dossier-site";

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub files: usize,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SiteError + '_ {
    move |source| SiteError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses output folders that would destroy something: the vault itself, a folder containing it or
/// inside it, `/`, the home folder.
pub fn check_out(out: &Path, vault: &Path) -> Result<(), SiteError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise the longest existing ancestor, keep the rest as written.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_owned()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut base = existing.canonicalize().unwrap_or(existing);
        for part in rest.into_iter().rev() {
            base.push(part);
        }
        base
    };
    let out_abs = abs(out);
    let vault_abs = abs(vault);
    let refuse = |why: &str| {
        Err(SiteError::Refused {
            path: out.to_path_buf(),
            reason: why.to_string(),
        })
    };
    if out_abs.parent().is_none() {
        return refuse("it is the filesystem root");
    }
    if std::env::var_os("HOME")
        .map(PathBuf::from)
        .is_some_and(|h| abs(&h) == out_abs)
    {
        return refuse("it is the home folder");
    }
    if out_abs == vault_abs {
        return refuse("it is the vault");
    }
    if vault_abs.starts_with(&out_abs) {
        return refuse("it contains the vault");
    }
    if out_abs.starts_with(&vault_abs) {
        return refuse(
            "it is inside the vault (the site would be read as notes on the next build)",
        );
    }
    Ok(())
}

fn sibling(out: &Path, kind: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.dossier-{kind}-{}", std::process::id()))
}

/// Removes temporary folders an interrupted run of dossier left beside `out`.
fn remove_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let prefix = format!(".{}.dossier-", name.to_string_lossy());
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix)
                && e.path().join(MARKER).exists()
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// A site being written: a temporary folder beside the output that pages are written into as they are
/// made (from any thread), swapped in by [`Staging::commit`]. Dropped without a commit, it removes
/// itself and leaves the old site as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    files: AtomicUsize,
    /// Folders already made inside `tmp`.
    dirs: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Checks `out` (see [`check_out`]; `force` allows replacing a non-empty folder dossier did not
    /// create) and makes the empty temporary folder.
    pub fn begin(out: &Path, vault: &Path, force: bool) -> Result<Staging, SiteError> {
        check_out(out, vault)?;
        if out.exists() {
            if !out.is_dir() {
                return Err(SiteError::Refused {
                    path: out.to_path_buf(),
                    reason: "it is a file, not a folder".into(),
                });
            }
            let empty = std::fs::read_dir(out).map_err(io(out))?.next().is_none();
            if !empty && !out.join(MARKER).exists() && !force {
                return Err(SiteError::Refused {
                    path: out.to_path_buf(),
                    reason:
                        "it is not empty and dossier did not create it (use --force to replace it)"
                            .into(),
                });
            }
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        remove_leftovers(out);
        let tmp = sibling(out, "tmp");
        let staging = Staging {
            out: out.to_path_buf(),
            tmp: tmp.clone(),
            files: AtomicUsize::new(0),
            dirs: Mutex::new(HashSet::new()),
            committed: false,
        };
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        // The marker goes in first, so that leftovers of a killed run are recognised and removed.
        std::fs::write(
            tmp.join(MARKER),
            "This folder is written by dossier and replaced on every build.\n",
        )
        .map_err(io(&tmp))?;
        Ok(staging)
    }

    /// Makes the folder `path` (a site path) will be written in.
    fn parent_of(&self, path: &str) -> Result<PathBuf, SiteError> {
        let dest = self.tmp.join(path);
        if let Some(dir) = dest.parent() {
            let mut made = self
                .dirs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !made.contains(dir) {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
                made.insert(dir.to_path_buf());
            }
        }
        Ok(dest)
    }

    /// Writes one file of the site.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let dest = self.parent_of(path)?;
        std::fs::write(&dest, bytes).map_err(|source| SiteError::Write { path: dest, source })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes one file of the site from `fill`, which writes its bytes through a buffer (they are never
    /// all in memory). A failed write is reported as such, with the file's path, even when `fill` saw
    /// it as its own error (tera reports its writer's errors as template errors).
    pub fn put_with(
        &self,
        path: &str,
        fill: impl FnOnce(&mut dyn Write) -> Result<(), SiteError>,
    ) -> Result<(), SiteError> {
        let dest = self.parent_of(path)?;
        let file = std::fs::File::create(&dest).map_err(io(&dest))?;
        let mut out = Recorded {
            inner: std::io::BufWriter::with_capacity(WRITE_BUFFER, file),
            error: None,
        };
        let filled = fill(&mut out).and_then(|()| out.flush().map_err(io(&dest)));
        if let Some(source) = out.error.take() {
            return Err(SiteError::Write { path: dest, source });
        }
        filled?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies a file from the vault into the site.
    pub fn copy(&self, c: &Copy) -> Result<(), SiteError> {
        let dest = self.parent_of(&c.to)?;
        std::fs::copy(&c.from, &dest).map_err(|source| SiteError::Write {
            path: c.from.clone(),
            source,
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the finished site in for the old one.
    pub fn commit(mut self) -> Result<WriteReport, SiteError> {
        let (out, tmp) = (self.out.clone(), self.tmp.clone());
        if out.exists() {
            let old = sibling(&out, "old");
            std::fs::rename(&out, &old).map_err(io(&out))?;
            if let Err(source) = std::fs::rename(&tmp, &out) {
                // Put the old site back; the new one is dropped (by `drop`).
                let _ = std::fs::rename(&old, &out);
                return Err(SiteError::Write { path: out, source });
            }
            // The old site may be in use (a server reading it); failing to remove it loses nothing.
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&tmp, &out).map_err(io(&out))?;
        }
        self.committed = true;
        Ok(WriteReport {
            files: self.files.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Recorded, Staging};
    use std::io::{ErrorKind, Write};

    /// A disk that fails every write the same way.
    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_is_kept_and_an_interrupted_one_is_not() {
        let mut full = Recorded {
            inner: Failing(ErrorKind::StorageFull),
            error: None,
        };
        assert!(full.write_all(b"page").is_err());
        assert_eq!(full.error.map(|e| e.kind()), Some(ErrorKind::StorageFull));
        let mut interrupted = Recorded {
            inner: Failing(ErrorKind::Interrupted),
            error: None,
        };
        assert!(interrupted.write(b"page").is_err());
        assert!(interrupted.error.is_none());
    }

    #[test]
    fn put_with_writes_what_fill_writes_and_returns_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let (out, vault) = (dir.path().join("site"), dir.path().join("vault"));
        let staging = Staging::begin(&out, &vault, false).unwrap();
        staging
            .put_with("a/page.html", |w| {
                w.write_all(b"<p>streamed</p>")
                    .map_err(|source| super::SiteError::Write {
                        path: "a/page.html".into(),
                        source,
                    })
            })
            .unwrap();
        let failed = staging.put_with("b.html", |_| {
            Err(super::SiteError::Refused {
                path: "b.html".into(),
                reason: "the template failed".into(),
            })
        });
        assert!(matches!(failed, Err(super::SiteError::Refused { .. })));
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/page.html")).unwrap(),
            "<p>streamed</p>"
        );
    }
}
