//! Stage 1: a vault folder becomes [`Vault`]: the published notes, parsed, and the attachments.
//!
//! 1. `walk`: walkdir over the vault; hidden folders skipped; symlinks never followed out of the vault.
//! 2. `exclude`: config globs (matched on a symlink's target too) and `publish: false` decide what is
//!    private. An excluded note's content never leaves this stage; only its name and its aliases are
//!    kept (`Vault::excluded`, `Vault::excluded_aliases`) so links to it render as text.
//! 3. `note`: each file (in parallel) → front matter, Obsidian syntax (`scan`), inline fields, tasks.
//!    `chunks` parses a very large note piece by piece (every whole-note parse goes through it).
//!
//! It never resolves links (that is `index/`) and never formats HTML.

pub mod anchor;
pub mod chunks;
mod exclude;
mod frontmatter;
mod lists;
pub mod note;
pub mod parse;
pub mod scan;
mod sections;
mod walk;

pub use note::{
    Attachment, BlockId, Cell, FieldForm, Fields, FileMeta, Frontmatter, Heading, InlineField,
    ItemText, LinkRef, LinkSyntax, ListItem, Note, NoteId, QueryBlock, QueryKind, Table,
};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use serde::Serialize;

/// Everything read from the vault folder. Notes and attachments are sorted by path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Vault {
    pub notes: Vec<std::sync::Arc<Note>>,
    pub attachments: Vec<Attachment>,
    /// Vault-relative paths of excluded notes and files (content dropped; links to them render as text).
    pub excluded: Vec<String>,
    /// The aliases of excluded notes, sorted and unique: names only, never content, so that a link by
    /// alias to a private note renders as plain text like a link by its name (Obsidian would resolve
    /// it to the note), instead of as an unresolved name with a stub page.
    pub excluded_aliases: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
impl Vault {
    /// A vault of notes parsed from (path, text), sorted by path, for tests.
    pub fn of_texts(notes: &[(&str, &str)]) -> Vault {
        let mut notes: Vec<Note> = notes
            .iter()
            .map(|(p, t)| {
                parse::parse_note(
                    NoteId(p.to_string()),
                    t.to_string(),
                    FileMeta::default(),
                    vec![],
                )
            })
            .collect();
        notes.sort_by(|a, b| a.id.cmp(&b.id));
        Vault {
            notes: notes.into_iter().map(std::sync::Arc::new).collect(),
            ..Vault::default()
        }
    }
}

/// The pulldown-cmark options used wherever a note's markdown is parsed, so that `vault/` and
/// `render/` see the same structure.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_MATH
}

/// Reads the vault named by `config`. Never fails on a bad note: problems become diagnostics.
/// Fails only when the vault folder itself cannot be read.
pub fn load(config: &Config) -> Result<Vault, std::io::Error> {
    load_cached(config, &mut NoteCache::default()).map(|(vault, _)| vault)
}

/// What a file looked like when it was parsed: modification time and size.
type Stamp = (Option<std::time::SystemTime>, u64);

/// Parsed notes kept between builds (by `dossier serve`): a note whose file has the same modification
/// time and size is not read again.
#[derive(Debug, Default)]
pub struct NoteCache {
    notes: foldhash::HashMap<String, (Stamp, ReadNote)>,
    /// What the last walk found (and said), for a load told which files changed.
    walked: Option<(Vec<walk::Found>, Vec<Diagnostic>)>,
}

type ReadNote = Result<std::sync::Arc<Note>, Private>;

/// A note that is not published: its path, its aliases (for [`Vault::excluded_aliases`]) and, when it
/// could not be read, why.
#[derive(Debug, Clone)]
struct Private {
    path: String,
    aliases: Vec<String>,
    problem: Option<Diagnostic>,
}

/// Like [`load`], reusing the notes in `cache` whose files did not change; also returns the vault paths
/// of the notes that were (re)read.
pub fn load_cached(
    config: &Config,
    cache: &mut NoteCache,
) -> Result<(Vault, Vec<String>), std::io::Error> {
    load_changed(config, cache, None)
}

/// Like [`load_cached`]; `changed`, when known, lists the only files that changed since the last load
/// (absolute paths, as a file watcher reports them): when they are all files that load found, the vault
/// is not walked again and only they are looked at. Otherwise (a file created, removed or renamed, or
/// no list) the vault is walked and every file's stamp compared.
pub fn load_changed(
    config: &Config,
    cache: &mut NoteCache,
    changed: Option<&[std::path::PathBuf]>,
) -> Result<(Vault, Vec<String>), std::io::Error> {
    use rayon::prelude::*;
    let mut laps = crate::timing::Laps::new("load");
    // The changed files, when every one of them is a file the last walk found and is still there.
    let known = match (changed, &cache.walked) {
        (Some(paths), Some((found, _)))
            if paths
                .iter()
                .all(|p| p.exists() && found.iter().any(|f| f.abs == *p)) =>
        {
            Some(paths)
        }
        _ => None,
    };
    let (found, walk_diagnostics) = match (known, cache.walked.take()) {
        (Some(_), Some(walked)) => walked,
        _ => {
            let mut diagnostics = Vec::new();
            let found = walk::walk(&config.vault, &mut diagnostics)?;
            (found, diagnostics)
        }
    };
    let mut diagnostics = walk_diagnostics.clone();
    // Only these files may have changed: the others keep their cached notes without a look.
    let look_at = |f: &walk::Found| known.is_none_or(|paths| paths.contains(&f.abs));
    laps.mark("walk");
    let exclusions = exclude::Exclusions::new(&config.exclude);
    let mut excluded = Vec::new();
    let mut excluded_notes = Vec::new();
    let mut attachments = Vec::new();
    let mut note_files = Vec::new();
    for f in &found {
        // A symlink into an excluded folder is as private as its target.
        if exclusions.excludes(&f.rel)
            || f.target.as_deref().is_some_and(|t| exclusions.excludes(t))
        {
            if f.is_note {
                excluded_notes.push(f);
            } else {
                excluded.push(f.rel.clone());
            }
        } else if f.is_note {
            note_files.push(f);
        } else {
            let size = std::fs::metadata(&f.abs).map(|m| m.len()).unwrap_or(0);
            attachments.push(Attachment {
                path: f.rel.clone(),
                size,
            });
        }
    }
    let mut excluded_aliases: Vec<String> = excluded_notes
        .par_iter()
        .flat_map_iter(|f| private_aliases(f))
        .collect();
    excluded.extend(excluded_notes.into_iter().map(|f| f.rel.clone()));
    let parsed: Vec<(Stamp, ReadNote, bool)> = note_files
        .par_iter()
        .map(|f| {
            let cached = cache.notes.get(&f.rel);
            if let Some((stamp, note)) = cached.filter(|_| !look_at(f)) {
                return (*stamp, note.clone(), false);
            }
            let stamp = std::fs::metadata(&f.abs)
                .map(|m| (m.modified().ok(), m.len()))
                .unwrap_or((None, 0));
            match cached {
                Some((old, note)) if *old == stamp && stamp.0.is_some() => {
                    (stamp, note.clone(), false)
                }
                _ => (
                    stamp,
                    read_note(f, &config.strip_sections).map(std::sync::Arc::new),
                    true,
                ),
            }
        })
        .collect();
    laps.mark("stat+read");
    let mut notes = Vec::with_capacity(parsed.len());
    let mut reread = Vec::new();
    // After a walk the cache holds exactly the notes found (removed ones go); otherwise only the
    // notes read again replace theirs.
    let mut kept = match known {
        Some(_) => std::mem::take(&mut cache.notes),
        None => foldhash::HashMap::with_capacity_and_hasher(parsed.len(), Default::default()),
    };
    for (f, (stamp, p, fresh)) in note_files.iter().zip(parsed) {
        if fresh {
            reread.push(f.rel.clone());
        }
        if fresh || known.is_none() {
            kept.insert(f.rel.clone(), (stamp, p.clone()));
        }
        match p {
            Ok(note) => notes.push(note),
            Err(private) => {
                diagnostics.extend(private.problem);
                excluded.push(private.path);
                excluded_aliases.extend(private.aliases);
            }
        }
    }
    cache.notes = kept;
    cache.walked = Some((found, walk_diagnostics));
    laps.mark("keep");
    excluded.sort();
    excluded_aliases.sort();
    excluded_aliases.dedup();
    Ok((
        Vault {
            notes,
            attachments,
            excluded,
            excluded_aliases,
            diagnostics,
        },
        reread,
    ))
}

/// The aliases in the front matter of an excluded note, read only for them: every other part of the
/// file, and every problem found in it (a message could quote it), is dropped here.
fn private_aliases(f: &walk::Found) -> Vec<String> {
    let Ok(bytes) = std::fs::read(&f.abs) else {
        return Vec::new();
    };
    let text = parse::decode(&bytes, &f.rel, &mut Vec::new());
    let (fm, _) = frontmatter::parse(&text, &f.rel, &mut Vec::new());
    parse::aliases(&fm)
}

/// Reads and parses one note; `Err` with its path and aliases when it is unpublished
/// (`publish: false`), with its path and a warning when it is unreadable.
fn read_note(f: &walk::Found, strip: &[String]) -> Result<Note, Private> {
    let bytes = std::fs::read(&f.abs).map_err(|e| Private {
        path: f.rel.clone(),
        aliases: Vec::new(),
        problem: Some(Diagnostic::warning(
            &f.rel,
            0,
            0,
            format!("cannot read note: {e}"),
        )),
    })?;
    let fs_meta = std::fs::metadata(&f.abs).ok();
    let secs = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64)
    };
    let meta = FileMeta {
        size: bytes.len() as u64,
        ctime: fs_meta.as_ref().and_then(|m| secs(m.created())),
        mtime: fs_meta.as_ref().and_then(|m| secs(m.modified())),
    };
    let mut diags = Vec::new();
    let text = sections::strip(parse::decode(&bytes, &f.rel, &mut diags), strip);
    let note = parse::parse_note(NoteId(f.rel.clone()), text, meta, diags);
    if exclude::unpublished(&note.frontmatter) {
        return Err(Private {
            path: f.rel.clone(),
            aliases: note.aliases,
            problem: None,
        });
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn loads_a_vault_and_keeps_private_content_out() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("vault");
        for (path, text) in [
            (
                "Customers/Acme Corp.md",
                "---\ntype: customer\n---\n# Acme\n[[Salary]] ![[photo.png]]\n",
            ),
            ("People/Gordon Brown.md", "Gordon"),
            (
                "Personal/Salary.md",
                "---\naliases: [Pay, SECRET-6]\nnote: SECRET-7\n---\nSECRET-1 ![[Personal/private.png]]",
            ),
            (
                "Drafts.md",
                "---\npublish: false\nalias: Draft Alias\n---\nSECRET-2",
            ),
            (".obsidian/workspace.md", "SECRET-3"),
            ("Attachments/photo.png", "png"),
            ("Personal/private.png", "SECRET-4"),
        ] {
            let p = v.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        fs::write(dir.path().join("outside.md"), "SECRET-5").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("outside.md"), v.join("Linked.md")).unwrap();

        let config = Config {
            vault: v,
            exclude: vec!["Personal".into()],
            ..Config::default()
        };
        let vault = load(&config).unwrap();
        let ids: Vec<_> = vault.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["Customers/Acme Corp.md", "People/Gordon Brown.md"]
        );
        let atts: Vec<_> = vault.attachments.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(atts, vec!["Attachments/photo.png"]);
        assert_eq!(
            vault.excluded,
            vec!["Drafts.md", "Personal/Salary.md", "Personal/private.png"]
        );
        // The aliases of excluded notes are kept (names only), so links by alias render as text.
        assert_eq!(vault.excluded_aliases, ["Draft Alias", "Pay", "SECRET-6"]);
        let json = serde_json::to_string(&Vault {
            excluded_aliases: Vec::new(),
            ..vault.clone()
        })
        .unwrap();
        for secret in [
            "SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5", "SECRET-6", "SECRET-7",
        ] {
            assert!(!json.contains(secret), "{secret} leaked");
        }
        #[cfg(unix)]
        assert!(vault
            .diagnostics
            .iter()
            .any(|d| d.path == "Linked.md" && d.message.contains("outside")));
    }

    #[test]
    fn cache_rereads_only_changed_notes() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().to_path_buf();
        fs::write(v.join("A.md"), "a").unwrap();
        fs::write(v.join("B.md"), "b").unwrap();
        let config = Config {
            vault: v.clone(),
            ..Config::default()
        };
        let mut cache = NoteCache::default();
        let (_, reread) = load_cached(&config, &mut cache).unwrap();
        assert_eq!(reread, ["A.md", "B.md"]);
        let (_, reread) = load_cached(&config, &mut cache).unwrap();
        assert!(reread.is_empty());
        fs::write(v.join("B.md"), "b changed").unwrap();
        fs::write(v.join("C.md"), "c").unwrap();
        let (vault, reread) = load_cached(&config, &mut cache).unwrap();
        assert_eq!(reread, ["B.md", "C.md"]);
        assert_eq!(vault.notes[1].text, "b changed");
    }

    #[test]
    fn a_load_told_what_changed_looks_only_at_those_files() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("vault");
        fs::create_dir_all(v.join("Notes")).unwrap();
        fs::write(v.join("Notes/A.md"), "alpha").unwrap();
        fs::write(v.join("Notes/B.md"), "beta").unwrap();
        let config = Config {
            vault: v.clone(),
            ..Config::default()
        };
        let root = v.canonicalize().unwrap();
        let mut cache = NoteCache::default();
        let (vault, reread) = load_changed(&config, &mut cache, None).unwrap();
        assert_eq!((vault.notes.len(), reread.len()), (2, 2));
        let text = |vault: &Vault, name: &str| {
            let n = vault.notes.iter().find(|n| n.id.name() == name).unwrap();
            n.text.clone()
        };
        // Written in place, and said so: only A is looked at.
        fs::write(v.join("Notes/A.md"), "alpha, edited").unwrap();
        let a = [root.join("Notes/A.md")];
        let (vault, reread) = load_changed(&config, &mut cache, Some(&a)).unwrap();
        assert_eq!(reread, ["Notes/A.md"]);
        assert_eq!(text(&vault, "A"), "alpha, edited");
        // B changed too but was not named: trusted as unchanged (the watcher names every write).
        fs::write(v.join("Notes/B.md"), "beta, edited behind our back").unwrap();
        let (vault, reread) = load_changed(&config, &mut cache, Some(&[])).unwrap();
        assert!(reread.is_empty());
        assert_eq!(text(&vault, "B"), "beta");
        // A file the last walk did not find: the vault is walked again, and every stamp compared.
        fs::write(v.join("Notes/C.md"), "gamma").unwrap();
        let c = [root.join("Notes/C.md")];
        let (vault, reread) = load_changed(&config, &mut cache, Some(&c)).unwrap();
        assert_eq!(vault.notes.len(), 3);
        assert_eq!(reread, ["Notes/B.md", "Notes/C.md"]);
        // A named file that is gone: walked again.
        fs::remove_file(v.join("Notes/A.md")).unwrap();
        let (vault, _) = load_changed(&config, &mut cache, Some(&a)).unwrap();
        assert_eq!(vault.notes.len(), 2);
    }
}
