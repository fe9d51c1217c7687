//! Writing the site: everything goes into a temporary folder beside the output, which is swapped in only
//! when complete (in one atomic exchange on Linux, see [`exchange`]). A failed or interrupted build leaves the old site; leftovers of an interrupted run are
//! removed by the next. dossier only ever replaces a folder it marked as its own.

use super::manifest::{self, Entry};
use super::SiteError;
use crate::render::Copy;
use foldhash::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// The marker file's text before the manifest of the files (see [`manifest`]).
const MARKER_TEXT: &str = "This folder is written by dossier and replaced on every build.\n";

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files in the new site.
    pub files: usize,
    /// Of those, the files the last build wrote and this one would have written the same: linked into
    /// the new site, not written again.
    pub unchanged: usize,
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
///
/// A file the last build wrote from the same key (see [`manifest`]), and that still holds what that
/// build wrote, is not written again: the old file is hard-linked into the new site. It keeps its
/// modification time, so that a copy to a server (`rsync`, object-store sync) sends only the files
/// that changed.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    files: AtomicUsize,
    /// Folders already made inside `tmp`.
    dirs: Mutex<HashSet<PathBuf>>,
    committed: bool,
    /// The last build's files, from the manifest in its marker.
    previous: HashMap<String, Entry>,
    /// This build's files so far, for its manifest.
    made: Mutex<Vec<(String, Entry)>>,
    unchanged: AtomicUsize,
    /// Cleared when a link fails for a reason other than a missing file (a filesystem without hard
    /// links, an output on another device): every file is then written.
    linking: AtomicBool,
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
            dirs: Mutex::new(HashSet::default()),
            committed: false,
            previous: manifest::read(out, MARKER),
            made: Mutex::new(Vec::new()),
            unchanged: AtomicUsize::new(0),
            linking: AtomicBool::new(true),
        };
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        // The marker goes in first, so that leftovers of a killed run are recognised and removed.
        std::fs::write(tmp.join(MARKER), MARKER_TEXT).map_err(io(&tmp))?;
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

    /// Writes one file of the site, unless the last build wrote the same bytes there.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), SiteError> {
        self.put_pieces(path, &[bytes])
    }

    /// Writes one file of the site, the bytes of `pieces` one after the other, unless the last build
    /// wrote the same bytes there: [`Staging::put`] of their concatenation, without making it (the
    /// search index is tens of megabytes at 50,000 notes).
    pub fn put_pieces(&self, path: &str, pieces: &[&[u8]]) -> Result<(), SiteError> {
        let (key, content) = manifest::pieces_key(pieces);
        let dest = self.parent_of(path)?;
        if !self.reuse(path, key, &dest) {
            let file = create_fresh(&dest).map_err(io(&dest))?;
            let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, file);
            for piece in pieces {
                out.write_all(piece).map_err(io(&dest))?;
            }
            out.flush().map_err(io(&dest))?;
            self.push(path, Entry { key, content });
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes one file of the site made by `make`, unless the last build wrote it from the same `key`
    /// (what the file is made from, see [`manifest::key`]) and it is still as that build left it: then
    /// the old file is linked in, and `make` (minifying a page, say) is not called at all.
    pub fn put_made<'b>(
        &self,
        path: &str,
        key: u64,
        make: impl FnOnce() -> Result<std::borrow::Cow<'b, [u8]>, SiteError>,
    ) -> Result<(), SiteError> {
        let dest = self.parent_of(path)?;
        if !self.reuse(path, key, &dest) {
            let bytes = make()?;
            let mut file = create_fresh(&dest).map_err(io(&dest))?;
            file.write_all(&bytes).map_err(io(&dest))?;
            let content = manifest::content(&bytes);
            self.push(path, Entry { key, content });
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Links the last build's file at `path` to `dest` when it was made from `key` and still holds
    /// the bytes that build wrote (read back and hashed: a file edited by hand is not kept, whatever
    /// its times say).
    fn reuse(&self, path: &str, key: u64, dest: &Path) -> bool {
        let Some(entry) = self.previous.get(path).filter(|e| e.key == key) else {
            return false;
        };
        if !self.linking.load(Ordering::Relaxed) {
            return false;
        }
        let old = self.out.join(path);
        let same = std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_file())
            && std::fs::read(&old).is_ok_and(|bytes| manifest::content(&bytes) == entry.content);
        if !same {
            return false;
        }
        match std::fs::hard_link(&old, dest) {
            Ok(()) => {
                self.push(path, *entry);
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(e) => {
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::AlreadyExists
                ) {
                    self.linking.store(false, Ordering::Relaxed);
                }
                false
            }
        }
    }

    fn push(&self, path: &str, entry: Entry) {
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_string(), entry));
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
        let file = create_fresh(&dest).map_err(io(&dest))?;
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

    /// Copies a file from the vault into the site, unless the last build copied the same bytes there.
    pub fn copy(&self, c: &Copy) -> Result<(), SiteError> {
        let failed = |source| SiteError::Write {
            path: c.from.clone(),
            source,
        };
        // Attachments are read whole to be hashed; one larger than this is copied every time.
        const HASHED: u64 = 16 << 20;
        let size = std::fs::metadata(&c.from).map_err(failed)?.len();
        let bytes = if size <= HASHED {
            Some(std::fs::read(&c.from).map_err(failed)?)
        } else {
            None
        };
        match bytes {
            Some(bytes) => {
                let key = manifest::key(&[b"copy", &bytes]);
                self.put_made(&c.to, key, || Ok(bytes.into()))
            }
            None => {
                let dest = self.parent_of(&c.to)?;
                let mut from = std::fs::File::open(&c.from).map_err(failed)?;
                let mut file = create_fresh(&dest).map_err(io(&dest))?;
                std::io::copy(&mut from, &mut file).map_err(failed)?;
                self.files.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
        }
    }

    /// Swaps the finished site in for the old one. Where the system can exchange two folders in one
    /// step ([`exchange`]) there is no moment without an output folder; elsewhere the old site is
    /// moved aside and the new one moved in, two renames a kill could fall between.
    pub fn commit(mut self) -> Result<WriteReport, SiteError> {
        let (out, tmp) = (self.out.clone(), self.tmp.clone());
        let mut made = std::mem::take(
            self.made
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        std::fs::write(tmp.join(MARKER), manifest::format(MARKER_TEXT, &mut made))
            .map_err(io(&tmp))?;
        if out.exists() {
            match exchange(&tmp, &out) {
                Ok(true) => {
                    // The old site now sits at the temporary path; failing to remove it loses nothing
                    // (the next run removes it, by its marker).
                    let _ = std::fs::remove_dir_all(&tmp);
                }
                Ok(false) => swap_by_renames(&tmp, &out)?,
                Err(source) => return Err(SiteError::Write { path: out, source }),
            }
        } else {
            std::fs::rename(&tmp, &out).map_err(io(&out))?;
        }
        self.committed = true;
        Ok(WriteReport {
            files: self.files.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        })
    }
}

/// A new file at `dest`. A file already there (a page path written twice) is removed first, never
/// truncated: it may be a link to the last build's file, which must stay as it was until the swap.
fn create_fresh(dest: &Path) -> std::io::Result<std::fs::File> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
    };
    match open() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(dest)?;
            open()
        }
        result => result,
    }
}

/// The swap where folders cannot be exchanged: the old site aside, the new one in, the old one removed.
fn swap_by_renames(tmp: &Path, out: &Path) -> Result<(), SiteError> {
    let old = sibling(out, "old");
    std::fs::rename(out, &old).map_err(io(out))?;
    if let Err(source) = std::fs::rename(tmp, out) {
        // Put the old site back; the new one is dropped (by `drop`).
        let _ = std::fs::rename(&old, out);
        return Err(SiteError::Write {
            path: out.to_path_buf(),
            source,
        });
    }
    // The old site may be in use (a server reading it); failing to remove it loses nothing.
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Exchanges the folders `a` and `b` atomically (Linux `renameat2` with `RENAME_EXCHANGE`): `Ok(true)`
/// when done, `Ok(false)` when this system or filesystem cannot (kernels before 3.15 answer `ENOSYS`,
/// filesystems without the operation `EINVAL`), so that the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Other systems: no exchange; the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
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
    use super::*;
    use std::io::{ErrorKind, Write};

    /// Writes `name` with `text` into a new folder `dir`.
    fn folder(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_puts_the_new_site_in_place_and_the_old_at_the_temp_path() {
        let dir = tempfile::tempdir().unwrap();
        let (out, tmp) = (dir.path().join("site"), dir.path().join(".site.tmp"));
        folder(&out, "old.html", "old");
        folder(&tmp, "new.html", "new");
        // tmpfs and the usual disk filesystems support the exchange; `false` means a fallback.
        if !exchange(&tmp, &out).unwrap() {
            eprintln!("this filesystem cannot exchange folders; the fallback is tested below");
            return;
        }
        assert_eq!(
            std::fs::read_to_string(out.join("new.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(tmp.join("old.html")).unwrap(),
            "old"
        );
        assert!(!tmp.join("new.html").exists());
    }

    #[test]
    fn commit_replaces_the_old_site_and_leaves_no_temporary_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, out) = (dir.path().join("vault"), dir.path().join("site"));
        std::fs::create_dir_all(&vault).unwrap();
        for text in ["first", "second"] {
            let staging = Staging::begin(&out, &vault, false).unwrap();
            staging.put("index.html", text.as_bytes()).unwrap();
            assert_eq!(staging.commit().unwrap().files, 1);
            assert_eq!(
                std::fs::read_to_string(out.join("index.html")).unwrap(),
                text
            );
        }
        assert!(out.join(MARKER).exists());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn pieces_are_written_and_kept_as_their_concatenation_is() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, out) = (dir.path().join("vault"), dir.path().join("site"));
        std::fs::create_dir_all(&vault).unwrap();
        let marker = |out: &Path| std::fs::read_to_string(out.join(MARKER)).unwrap();
        // `put` of the whole, then `put_pieces` of its parts: the second build keeps the file, and
        // both leave the same manifest.
        let whole = b"window.x=[{\"a\":1},{\"b\":2}];\n";
        let pieces: [&[u8]; 4] = [b"window.x=[", b"{\"a\":1}", b",{\"b\":2}", b"];\n"];
        let staging = Staging::begin(&out, &vault, false).unwrap();
        staging.put("static/index.js", whole).unwrap();
        staging.commit().unwrap();
        let first = marker(&out);
        let staging = Staging::begin(&out, &vault, false).unwrap();
        staging.put_pieces("static/index.js", &pieces).unwrap();
        let report = staging.commit().unwrap();
        assert_eq!((report.files, report.unchanged), (1, 1));
        assert_eq!(marker(&out), first);
        // Into an empty folder, the pieces are written out whole.
        let fresh = dir.path().join("fresh");
        let staging = Staging::begin(&fresh, &vault, false).unwrap();
        staging.put_pieces("static/index.js", &pieces).unwrap();
        assert_eq!(staging.commit().unwrap().unchanged, 0);
        assert_eq!(std::fs::read(fresh.join("static/index.js")).unwrap(), whole);
        assert_eq!(marker(&fresh), first);
    }

    #[test]
    fn the_two_rename_fallback_swaps_too() {
        let dir = tempfile::tempdir().unwrap();
        let (out, tmp) = (dir.path().join("site"), dir.path().join(".site.tmp"));
        folder(&out, "old.html", "old");
        folder(&tmp, "new.html", "new");
        swap_by_renames(&tmp, &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("new.html")).unwrap(),
            "new"
        );
        assert!(!tmp.exists() && !sibling(&out, "old").exists());
    }

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
