//! Link resolution exactly as Obsidian does it: by file name, case-insensitive, `.md` optional; a
//! path-qualified link picks its note; on a name collision the linking note's own folder wins, then the
//! shortest path (and `check` warns); then aliases (as Quartz does). Links never leave the vault.

use super::names::{depth, key, strip_md, Names};
use super::{NoteIdx, Target};
use crate::vault::Note;

/// The outcome of resolving one link text, with the candidates when the choice was ambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub target: Target,
    /// Other notes the name could have meant (empty unless ambiguous).
    pub ambiguous_with: Vec<NoteIdx>,
}

impl Resolution {
    fn plain(target: Target) -> Resolution {
        Resolution {
            target,
            ambiguous_with: Vec::new(),
        }
    }
}

/// `..` and `.` folded; `None` when the path climbs out of the vault root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The name a stub page for an unresolved target is titled with: last segment, `.md` stripped.
pub fn unresolved_name(target: &str) -> String {
    let t = target.trim().replace('\\', "/");
    let last = t.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&t);
    strip_md(last).trim().to_string()
}

/// Picks among notes of the same name: the linking note's own folder, else the shortest path (fewest
/// folders, then alphabetical, so the choice is deterministic).
fn pick(candidates: &[NoteIdx], from: Option<&Note>, notes: &[std::sync::Arc<Note>]) -> Resolution {
    if let [only] = candidates {
        return Resolution::plain(Target::Note(*only));
    }
    let folder = from.map(|n| key(n.id.folder()));
    let own = candidates
        .iter()
        .copied()
        .find(|&c| Some(key(notes[c].id.folder())) == folder);
    let chosen = own.unwrap_or_else(|| {
        *candidates
            .iter()
            .min_by(|&&a, &&b| {
                let (pa, pb) = (notes[a].id.as_str(), notes[b].id.as_str());
                depth(pa).cmp(&depth(pb)).then(pa.cmp(pb))
            })
            .unwrap_or(&candidates[0])
    });
    // Ambiguous only when the own-folder rule did not decide it.
    let ambiguous_with = if own.is_some() {
        Vec::new()
    } else {
        candidates
            .iter()
            .copied()
            .filter(|&c| c != chosen)
            .collect()
    };
    Resolution {
        target: Target::Note(chosen),
        ambiguous_with,
    }
}

/// Resolves `target` (the path part of a link, without subpath) written in note `from`.
/// `relative_first`: markdown links are relative to the linking note's folder first.
pub fn resolve(
    names: &Names,
    notes: &[std::sync::Arc<Note>],
    from: Option<NoteIdx>,
    target: &str,
    relative_first: bool,
) -> Resolution {
    by_name(names, notes, from, target, relative_first)
        .unwrap_or_else(|| by_rules(names, notes, from, target, relative_first))
}

/// A link by a name alone (`[[Vic Upton]]`: most links), to a note found by it: what [`by_rules`]
/// finds, without making the paths it tries (a name with no `/`, `\` or `.` is the one path tried
/// when the link is not relative first). `None` for any other link, or a name that names no note.
fn by_name(
    names: &Names,
    notes: &[std::sync::Arc<Note>],
    from: Option<NoteIdx>,
    target: &str,
    relative_first: bool,
) -> Option<Resolution> {
    let name = target.trim();
    if relative_first || name.is_empty() || name.bytes().any(|b| matches!(b, b'/' | b'\\' | b'.')) {
        return None;
    }
    let k = key(name);
    if let Some(&n) = names.note_paths.get(&k) {
        return Some(Resolution::plain(Target::Note(n)));
    }
    let from_note = from.and_then(|i| notes.get(i)).map(|n| &**n);
    let candidates = names.note_names.get(&k).or_else(|| names.aliases.get(&k))?;
    Some(pick(candidates, from_note, notes))
}

/// [`resolve`] by the rules: the paths the link may mean tried in order, then names, aliases and
/// partial paths, then excluded notes.
fn by_rules(
    names: &Names,
    notes: &[std::sync::Arc<Note>],
    from: Option<NoteIdx>,
    target: &str,
    relative_first: bool,
) -> Resolution {
    let from_note = from.and_then(|i| notes.get(i)).map(|n| &**n);
    let raw = target.trim().replace('\\', "/");
    if raw.is_empty() {
        return Resolution::plain(Target::SameNote);
    }
    let unresolved = || Resolution::plain(Target::Unresolved(unresolved_name(&raw).into()));
    let absolute = raw.starts_with('/');
    let explicit_relative = raw.starts_with("./") || raw.starts_with("../");
    let folder = from_note
        .map(|n| n.id.folder().to_string())
        .unwrap_or_default();
    let joined = |p: &str| {
        if folder.is_empty() {
            p.to_string()
        } else {
            format!("{folder}/{p}")
        }
    };

    // Paths to try as exact vault paths, in order.
    let mut exact: Vec<String> = Vec::new();
    if (relative_first || explicit_relative) && !absolute {
        match normalise(&joined(&raw)) {
            Some(p) => exact.push(p),
            None => return unresolved(),
        }
    }
    if !explicit_relative {
        match normalise(&raw) {
            Some(p) => exact.push(p),
            None => return unresolved(),
        }
    }
    if exact.iter().any(|p| p.is_empty()) {
        return unresolved();
    }
    let is_md = strip_md(&raw).len() != raw.len();
    let has_other_ext = !is_md && raw.rsplit('/').next().is_some_and(|f| f.contains('.'));

    for p in &exact {
        let k = key(p);
        if has_other_ext {
            if let Some(&a) = names.attachment_paths.get(&k) {
                return Resolution::plain(Target::Attachment(a));
            }
        }
        if let Some(&n) = names.note_paths.get(&key(strip_md(p))) {
            return Resolution::plain(Target::Note(n));
        }
    }
    let base = exact.last().cloned().unwrap_or_default();
    let base_key = key(strip_md(&base));
    let name_key = base_key.rsplit('/').next().unwrap_or(&base_key).to_string();
    let qualified = base_key.contains('/');

    if has_other_ext {
        if let Some(list) = names
            .attachment_names
            .get(key(&base).rsplit('/').next().unwrap_or(""))
        {
            if !qualified {
                if let Some(&a) = list.first() {
                    return Resolution::plain(Target::Attachment(a));
                }
            }
        }
    }
    if qualified {
        // A partial path (`B/Note` for `A/B/Note.md`) names the notes whose path ends with it.
        let suffix = format!("/{base_key}");
        let candidates: Vec<NoteIdx> = names
            .note_path_list
            .iter()
            .filter(|(p, _)| p.ends_with(&suffix))
            .map(|(_, i)| *i)
            .collect();
        if !candidates.is_empty() {
            return pick(&candidates, from_note, notes);
        }
    } else {
        if let Some(candidates) = names.note_names.get(&name_key) {
            return pick(candidates, from_note, notes);
        }
        if let Some(candidates) = names.aliases.get(&name_key) {
            return pick(candidates, from_note, notes);
        }
    }
    let excluded = names.excluded_paths.contains(&base_key)
        || names.excluded_paths.contains(&key(&base))
        || (!qualified
            && (names.excluded_names.contains(&name_key)
                || names.excluded_aliases.contains(&name_key)))
        || (has_other_ext
            && names
                .excluded_names
                .contains(key(&base).rsplit('/').next().unwrap_or("")));
    if excluded {
        return Resolution::plain(Target::Excluded);
    }
    unresolved()
}

#[cfg(test)]
mod tests {
    /// Every link a name alone makes goes where the rules take it: to a note at the root, by name,
    /// by alias, among notes of one name (from their folder or elsewhere), whatever its case and
    /// space, and not at all (a miss, a path, an extension, a relative link) but by the rules.
    #[test]
    fn a_link_by_name_goes_where_the_rules_take_it() {
        let vault = crate::vault::Vault::of_texts(&[
            ("Root Note.md", ""),
            (
                "People/Vic Upton.md",
                "---\naliases: [Vic, Root Note]\n---\n",
            ),
            ("A/Twin.md", ""),
            ("B/Twin.md", ""),
            ("B/Café.md", ""),
            ("C/D/Deep.md", ""),
        ]);
        let index = crate::index::Index::build(vault);
        let (names, notes) = (&index.names, &index.notes);
        let targets = [
            "Root Note",
            " root note ",
            "Vic Upton",
            "VIC UPTON",
            "Vic",
            "Twin",
            "Café",
            "cafe",
            "Deep",
            "Nobody",
            "D/Deep",
            "Deep.md",
            "./Twin",
            "Twin.pdf",
            "",
            " ",
        ];
        for from in [None, Some(0), Some(2), Some(3)] {
            for target in targets {
                for relative_first in [false, true] {
                    assert_eq!(
                        super::resolve(names, notes, from, target, relative_first),
                        super::by_rules(names, notes, from, target, relative_first),
                        "{target:?} from {from:?}"
                    );
                }
            }
        }
        assert!(super::by_name(names, notes, Some(3), "twin", false).is_some());
        assert!(super::by_name(names, notes, None, "Nobody", false).is_none());
    }
}
