//! Name tables: every way a link can name a note or an attachment, normalised once so that each link
//! resolves with a few hash lookups (Obsidian: case-insensitive, `.md` optional, NFC = NFD).

use super::NoteIdx;
use crate::vault::{Attachment, Note};
use foldhash::HashMap;
use unicode_normalization::UnicodeNormalization;

/// The lookup key of a name or path: Unicode NFC, lower-cased, `\` as `/`, surrounding space trimmed.
pub fn key(text: &str) -> String {
    let text = text.trim();
    if text.is_ascii() {
        // ASCII is already NFC: skip the normaliser, which was a tenth of every build.
        let key = text.to_ascii_lowercase();
        return if key.contains('\\') {
            key.replace('\\', "/")
        } else {
            key
        };
    }
    text.replace('\\', "/")
        .nfc()
        .collect::<String>()
        .to_lowercase()
}

/// `a/b/c.md` → `a/b/c`; other extensions are kept.
pub fn strip_md(path: &str) -> &str {
    match path.len().checked_sub(3) {
        Some(i) if path.is_char_boundary(i) && path[i..].eq_ignore_ascii_case(".md") => &path[..i],
        _ => path,
    }
}

/// Depth of a path: how many folders it sits in.
pub fn depth(path: &str) -> usize {
    path.matches('/').count()
}

/// What a key names.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Note path without `.md` → note.
    pub note_paths: HashMap<String, NoteIdx>,
    /// File name without `.md` → notes with that name (sorted by path).
    pub note_names: HashMap<String, Vec<NoteIdx>>,
    /// Alias → notes.
    pub aliases: HashMap<String, Vec<NoteIdx>>,
    /// Attachment path → attachment.
    pub attachment_paths: HashMap<String, usize>,
    /// Attachment file name (with extension) → attachments.
    pub attachment_names: HashMap<String, Vec<usize>>,
    /// Excluded paths (notes without `.md`, files as they are) and file names.
    pub excluded_paths: foldhash::HashSet<String>,
    pub excluded_names: foldhash::HashSet<String>,
    /// Aliases of excluded notes: a link by one is to a private note, plain text like a link by name.
    pub excluded_aliases: foldhash::HashSet<String>,
    /// Note paths (for suffix matching of partial paths), as (key without `.md`, note).
    pub note_path_list: Vec<(String, NoteIdx)>,
    /// Every note's exact path (`Customers/Acme Corp.md`) by its hash ([`path_hash`]), sorted: a
    /// Dataview result names its pages by path, and finding one by binary search over the notes
    /// read two of their allocations per step (2% of a 10,000-note build).
    pub path_hashes: Vec<(u64, NoteIdx)>,
}

/// The hash [`Names::path_hashes`] is sorted by.
pub fn path_hash(path: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_bytes())
}

impl Names {
    pub fn build(
        notes: &[std::sync::Arc<Note>],
        attachments: &[Attachment],
        excluded: &[String],
        excluded_aliases: &[String],
    ) -> Names {
        let mut n = Names::default();
        for (i, note) in notes.iter().enumerate() {
            let path = key(note.id.stem_path());
            n.note_paths.insert(path.clone(), i);
            n.note_path_list.push((path, i));
            n.note_names.entry(key(note.id.name())).or_default().push(i);
            for alias in &note.aliases {
                n.aliases.entry(key(alias)).or_default().push(i);
            }
        }
        for (i, a) in attachments.iter().enumerate() {
            n.attachment_paths.insert(key(&a.path), i);
            let name = a.path.rsplit('/').next().unwrap_or(&a.path);
            n.attachment_names.entry(key(name)).or_default().push(i);
        }
        for path in excluded {
            let k = key(strip_md(path));
            let name = k.rsplit('/').next().unwrap_or(&k).to_string();
            n.excluded_paths.insert(k);
            n.excluded_names.insert(name);
        }
        n.excluded_aliases = excluded_aliases.iter().map(|a| key(a)).collect();
        n.path_hashes = notes
            .iter()
            .enumerate()
            .map(|(i, note)| (path_hash(note.id.as_str()), i))
            .collect();
        n.path_hashes.sort_unstable();
        for list in n.aliases.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_and_unicode_forms() {
        assert_eq!(key(" Acme Corp "), "acme corp");
        // "é" precomposed (NFC) and "e" + combining acute (NFD) are the same name.
        assert_eq!(key("Caf\u{e9}"), key("Cafe\u{301}"));
        assert_eq!(strip_md("a/B.MD"), "a/B");
        assert_eq!(strip_md("x.png"), "x.png");
        assert_eq!(strip_md("é"), "é");
    }
}
