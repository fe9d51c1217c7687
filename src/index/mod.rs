//! Stage 2: [`Vault`] → [`Index`], immutable once built: names and aliases, every link resolved with
//! Obsidian's rules, backlinks, the tag tree, unresolved names. Never formats HTML.
//!
//! 1. `names`: lookup tables of note paths, names, aliases, attachments and excluded names and aliases,
//!    built once.
//! 2. `resolve`: each link of each note resolved once (in parallel), with its subpath's anchor.
//! 3. Link values inside front matter and inline fields are resolved in place (DATAVIEW.md §9.9).
//! 4. Backlinks, the tag tree, unresolved names and used attachments are gathered, sorted.
//!
//! Notes are shared (`Arc`): `dossier serve` makes the next index with [`Index::update`], which resolves
//! again only the edited notes and the notes linking to them, and shares the rest with the last one.
//! It patches only the backlink lists of the notes those links point at, and gathers unresolved names,
//! attachments and tags again only when the notes it resolved again changed them.

pub mod names;
pub mod resolve;

use crate::diagnostics::Diagnostic;
use crate::value::Value;
use crate::vault::{Attachment, Note, Vault};
use serde::Serialize;
use std::collections::BTreeMap;

/// Index of a note in `Index::notes`.
pub type NoteIdx = usize;

/// What a link points at after resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Target {
    Note(NoteIdx),
    /// Index into `Index::attachments`.
    Attachment(usize),
    /// A note or file that exists but is excluded: render the link text plain, no href.
    Excluded,
    /// Nothing matches: links to the stub page of this (normalised) name.
    Unresolved(Box<str>),
    /// `[[#Heading]]`: the linking note itself.
    SameNote,
}

/// One of a note's `links`, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub target: Target,
    /// Heading anchor or block id the link lands on in the target, when it has a subpath that exists.
    /// (Strings boxed: one of these per link of the vault.)
    pub anchor: Option<Box<str>>,
}

/// A link from `from` (its `link`-th `LinkRef`) to some note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backlink {
    pub from: NoteIdx,
    pub link: usize,
}

/// The whole vault, resolved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Index {
    /// Published notes sorted by path.
    pub notes: Vec<std::sync::Arc<Note>>,
    pub attachments: Vec<Attachment>,
    /// Per note, per `LinkRef` (same order as `Note::links`): what it resolves to. Shared between the
    /// indexes `serve` updates, like the notes.
    pub links: Vec<std::sync::Arc<[Resolved]>>,
    /// Per note: the links pointing at it, sorted by (from, link).
    pub backlinks: Vec<Vec<Backlink>>,
    /// Lower-cased tag (no `#`) → notes carrying it or a sub-tag of it (`a` holds the notes of `a/b`).
    pub tags: BTreeMap<String, Vec<NoteIdx>>,
    /// Unresolved link name (as the stub page title) → the (note, link) places mentioning it.
    pub unresolved: BTreeMap<String, Vec<Backlink>>,
    /// Vault paths of excluded notes and files (from `Vault::excluded`), for `Target::Excluded`.
    pub excluded: Vec<String>,
    /// Attachments linked or embedded by published notes.
    pub used_attachments: Vec<usize>,
    pub diagnostics: Vec<Diagnostic>,
    /// The aliases of excluded notes (from `Vault::excluded_aliases`).
    #[serde(skip)]
    excluded_aliases: Vec<String>,
    /// The name tables `resolve` uses.
    #[serde(skip)]
    names: std::sync::Arc<names::Names>,
}

impl Index {
    /// Builds the index. Never fails: ambiguities and missing headings become diagnostics.
    pub fn build(vault: Vault) -> Index {
        use rayon::prelude::*;
        let Vault {
            mut notes,
            attachments,
            excluded,
            excluded_aliases,
            ..
        } = vault;
        let mut laps = crate::timing::Laps::new("index");
        let table = names::Names::build(&notes, &attachments, &excluded, &excluded_aliases);
        laps.mark("names");
        let all: Vec<NoteIdx> = (0..notes.len()).collect();
        resolve_fields(&table, &mut notes, &all);
        laps.mark("fields");
        let per_note: Vec<(Vec<Resolved>, Vec<Diagnostic>)> = notes
            .par_iter()
            .enumerate()
            .map(|(i, note)| resolve_note_links(&table, &notes, i, note))
            .collect();
        laps.mark("links");
        let mut links = Vec::with_capacity(notes.len());
        let mut diagnostics = Vec::new();
        for (l, d) in per_note {
            links.push(std::sync::Arc::from(l));
            diagnostics.extend(d);
        }
        diagnostics.sort();
        laps.mark("diagnostics");
        Index::gather(
            notes,
            attachments,
            links,
            excluded,
            excluded_aliases,
            diagnostics,
            std::sync::Arc::new(table),
        )
    }

    /// The index after an edit that kept every note, attachment and name (`dossier serve`): `prev`
    /// with the notes at `edited` taken from `vault` and resolved again, along with the notes linking
    /// to them (a heading they link to may have gone); every other note, its resolved links and the
    /// name tables are shared with `prev`. Gives `vault` back when the notes, an alias, the
    /// attachments or the excluded names changed: links anywhere may then resolve differently, and
    /// [`Index::build`] must run. The result is the index `build` would make of `vault`.
    pub fn update(prev: &Index, vault: Vault, edited: &[NoteIdx]) -> Result<Index, Vault> {
        use rayon::prelude::*;
        let same_names = vault.notes.len() == prev.notes.len()
            && vault.attachments == prev.attachments
            && vault.excluded == prev.excluded
            && vault.excluded_aliases == prev.excluded_aliases
            && edited.iter().all(|&i| i < prev.notes.len())
            && vault
                .notes
                .iter()
                .zip(&prev.notes)
                .all(|(a, b)| a.id == b.id)
            && edited
                .iter()
                .all(|&i| vault.notes[i].aliases == prev.notes[i].aliases);
        if !same_names {
            return Err(vault);
        }
        let Vault {
            notes: fresh,
            attachments,
            excluded,
            excluded_aliases,
            ..
        } = vault;
        let table = prev.names.clone();
        let mut notes = prev.notes.clone();
        for &i in edited {
            notes[i] = fresh[i].clone();
        }
        drop(fresh);
        resolve_fields(&table, &mut notes, edited);
        // The edited notes, and the notes whose links land in them.
        let mut again: Vec<NoteIdx> = edited.to_vec();
        again.extend(
            edited
                .iter()
                .flat_map(|&e| prev.backlinks[e].iter().map(|b| b.from)),
        );
        again.sort_unstable();
        again.dedup();
        let redone: Vec<(Vec<Resolved>, Vec<Diagnostic>)> = again
            .par_iter()
            .map(|&i| resolve_note_links(&table, &notes, i, &notes[i]))
            .collect();
        let mut links = prev.links.clone();
        let paths: foldhash::HashSet<&str> = again.iter().map(|&i| notes[i].id.as_str()).collect();
        let mut diagnostics: Vec<Diagnostic> = prev
            .diagnostics
            .iter()
            .filter(|d| !paths.contains(d.path.as_str()))
            .cloned()
            .collect();
        for (&i, (l, d)) in again.iter().zip(redone) {
            links[i] = std::sync::Arc::from(l);
            diagnostics.extend(d);
        }
        diagnostics.sort();
        // Backlinks patched; the rest kept when the notes resolved again link to the same unresolved
        // names and attachments and the edited notes keep their tags, else gathered again.
        let kept = |f: fn(&Target) -> bool| {
            again
                .iter()
                .all(|&i| places(&prev.links[i], f).eq(places(&links[i], f)))
        };
        let unresolved = if kept(|t| matches!(t, Target::Unresolved(_))) {
            prev.unresolved.clone()
        } else {
            unresolved_of(&links)
        };
        let used_attachments = if kept(|t| matches!(t, Target::Attachment(_))) {
            prev.used_attachments.clone()
        } else {
            attachments_used(&links)
        };
        let tags = if edited.iter().all(|&i| notes[i].tags == prev.notes[i].tags) {
            prev.tags.clone()
        } else {
            tags_of(&notes)
        };
        Ok(Index {
            backlinks: backlinks_patched(&prev.backlinks, &prev.links, &links, &again),
            unresolved,
            used_attachments,
            tags,
            notes,
            attachments,
            links,
            excluded,
            excluded_aliases,
            diagnostics,
            names: table,
        })
    }

    /// The index around resolved links: backlinks, unresolved names, used attachments and tags.
    fn gather(
        notes: Vec<std::sync::Arc<Note>>,
        attachments: Vec<Attachment>,
        links: Vec<std::sync::Arc<[Resolved]>>,
        excluded: Vec<String>,
        excluded_aliases: Vec<String>,
        diagnostics: Vec<Diagnostic>,
        names: std::sync::Arc<names::Names>,
    ) -> Index {
        let mut laps = crate::timing::Laps::new("index");
        let backlinks = backlinks_of(&links, notes.len());
        laps.mark("backlinks");
        let unresolved = unresolved_of(&links);
        laps.mark("unresolved");
        let used_attachments = attachments_used(&links);
        let tags = tags_of(&notes);
        laps.mark("tags");
        Index {
            backlinks,
            unresolved,
            used_attachments,
            tags,
            notes,
            attachments,
            links,
            excluded,
            excluded_aliases,
            diagnostics,
            names,
        }
    }

    /// Resolves link text written in note `from` with Obsidian's rules (the same rules `build` used).
    pub fn resolve(&self, from: NoteIdx, target: &str) -> Target {
        resolve::resolve(
            &self.names,
            &self.notes,
            Some(from).filter(|&f| f < self.notes.len()),
            target,
            false,
        )
        .target
    }

    /// Whether both indexes share one name table: `other` is `self` updated by [`Index::update`] (or
    /// the other way round), so the notes, aliases, attachments and excluded names are the same and
    /// every name resolves alike.
    pub fn shares_names(&self, other: &Index) -> bool {
        std::sync::Arc::ptr_eq(&self.names, &other.names)
    }

    /// The note with this vault path (`Customers/Acme Corp.md`).
    pub fn note_by_path(&self, path: &str) -> Option<NoteIdx> {
        // Every note's path ends in `.md` (in any case): anything else, such as most unresolved link
        // text, is no note's, without a search.
        let ext = path.get(path.len().checked_sub(3)?..)?;
        if !ext.eq_ignore_ascii_case(".md") {
            return None;
        }
        let hash = names::path_hash(path);
        let hashes = &self.names.path_hashes;
        let first = hashes.partition_point(|&(h, _)| h < hash);
        hashes[first..]
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|&(_, i)| i)
            .find(|&i| self.notes.get(i).is_some_and(|n| n.id.as_str() == path))
    }

    /// The distinct notes linking to `note` (sorted).
    pub fn inlinks(&self, note: NoteIdx) -> Vec<NoteIdx> {
        let mut from: Vec<NoteIdx> = self
            .backlinks
            .get(note)
            .map_or(Vec::new(), |b| b.iter().map(|b| b.from).collect());
        from.dedup();
        from
    }
}

/// Per note, the links pointing at it, sorted by (from, link).
fn backlinks_of(links: &[std::sync::Arc<[Resolved]>], n: usize) -> Vec<Vec<Backlink>> {
    // Sized first: most notes are linked to, and growing 10,000 lists one push at a time showed.
    let mut counts = vec![0usize; n];
    for r in links.iter().flat_map(|l| l.iter()) {
        if let Target::Note(t) = r.target {
            counts[t] += 1;
        }
    }
    let mut backlinks: Vec<Vec<Backlink>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (from, resolved) in links.iter().enumerate() {
        for (link, r) in resolved.iter().enumerate() {
            if let Target::Note(t) = r.target {
                backlinks[t].push(Backlink { from, link });
            }
        }
    }
    backlinks
}

/// `prev` (the backlinks of `old_links`) with the links of the notes at `again` (sorted) replaced by
/// theirs in `links`: only the lists of the notes they pointed at, before or after, change.
fn backlinks_patched(
    prev: &[Vec<Backlink>],
    old_links: &[std::sync::Arc<[Resolved]>],
    links: &[std::sync::Arc<[Resolved]>],
    again: &[NoteIdx],
) -> Vec<Vec<Backlink>> {
    let mut backlinks = prev.to_vec();
    let note_targets = |l: &std::sync::Arc<[Resolved]>| -> Vec<NoteIdx> {
        l.iter()
            .filter_map(|r| match r.target {
                Target::Note(t) => Some(t),
                _ => None,
            })
            .collect()
    };
    let mut touched: Vec<NoteIdx> = again
        .iter()
        .flat_map(|&i| note_targets(&old_links[i]))
        .collect();
    touched.sort_unstable();
    touched.dedup();
    for &t in &touched {
        backlinks[t].retain(|b| again.binary_search(&b.from).is_err());
    }
    for &from in again {
        for (link, r) in links[from].iter().enumerate() {
            if let Target::Note(t) = r.target {
                backlinks[t].push(Backlink { from, link });
                touched.push(t);
            }
        }
    }
    touched.sort_unstable();
    touched.dedup();
    for t in touched {
        backlinks[t].sort_unstable_by_key(|b| (b.from, b.link));
    }
    backlinks
}

/// The links among `links` whose target passes `f`, with their positions.
fn places(links: &[Resolved], f: fn(&Target) -> bool) -> impl Iterator<Item = (usize, &Resolved)> {
    links.iter().enumerate().filter(move |(_, r)| f(&r.target))
}

/// Unresolved names, each under the first spelling met in (note, link) order, with their places.
fn unresolved_of(links: &[std::sync::Arc<[Resolved]>]) -> BTreeMap<String, Vec<Backlink>> {
    let mut unresolved: BTreeMap<String, Vec<Backlink>> = BTreeMap::new();
    // Lookup key → the first spelling seen; and each spelling seen → that first spelling.
    let mut keys: foldhash::HashMap<String, &str> = Default::default();
    let mut spelled: foldhash::HashMap<&str, &str> = Default::default();
    for (from, resolved) in links.iter().enumerate() {
        for (link, r) in resolved.iter().enumerate() {
            let Target::Unresolved(name) = &r.target else {
                continue;
            };
            let display = *spelled
                .entry(&**name)
                .or_insert_with(|| keys.entry(names::key(name)).or_insert(&**name));
            let place = Backlink { from, link };
            match unresolved.get_mut(display) {
                Some(list) => list.push(place),
                None => {
                    unresolved.insert(display.to_string(), vec![place]);
                }
            }
        }
    }
    unresolved
}

/// The attachments linked or embedded, sorted.
fn attachments_used(links: &[std::sync::Arc<[Resolved]>]) -> Vec<usize> {
    let mut used: Vec<usize> = links
        .iter()
        .flat_map(|l| l.iter())
        .filter_map(|r| match r.target {
            Target::Attachment(a) => Some(a),
            _ => None,
        })
        .collect();
    used.sort_unstable();
    used.dedup();
    used
}

/// Lower-cased tag → the notes carrying it or a sub-tag of it.
fn tags_of(notes: &[std::sync::Arc<Note>]) -> BTreeMap<String, Vec<NoteIdx>> {
    let mut tags: BTreeMap<String, Vec<NoteIdx>> = BTreeMap::new();
    for (i, note) in notes.iter().enumerate() {
        for tag in &note.tags {
            let lower = tag.trim_start_matches('#').to_lowercase();
            let mut prefix = String::new();
            for part in lower.split('/').filter(|p| !p.is_empty()) {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(part);
                tags.entry(prefix.clone()).or_default().push(i);
            }
        }
    }
    for list in tags.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    tags
}

/// Resolves, in place, the link values in the front matter and fields of the notes at `which` (§9.9).
/// A note shared with `dossier serve`'s parse cache is copied first.
fn resolve_fields(table: &names::Names, notes: &mut [std::sync::Arc<Note>], which: &[NoteIdx]) {
    use rayon::prelude::*;
    let targets: Vec<foldhash::HashMap<String, String>> = which
        .par_iter()
        .map(|&i| {
            let note = &notes[i];
            let mut map = foldhash::HashMap::default();
            let mut visit = |v: &Value| {
                collect_link_paths(v, &mut |p: &str| {
                    if let Target::Note(t) =
                        resolve::resolve(table, notes, Some(i), p, false).target
                    {
                        map.insert(p.to_string(), notes[t].id.as_str().to_string());
                    }
                })
            };
            note.frontmatter.fields.values().for_each(&mut visit);
            note.fields.iter().for_each(|f| visit(&f.value));
            note.list_items
                .iter()
                .flat_map(|it| it.fields.values())
                .for_each(&mut visit);
            map
        })
        .collect();
    let mut by_note: Vec<Option<foldhash::HashMap<String, String>>> =
        (0..notes.len()).map(|_| None).collect();
    for (&i, map) in which.iter().zip(targets) {
        if !map.is_empty() {
            by_note[i] = Some(map);
        }
    }
    notes.par_iter_mut().zip(by_note).for_each(|(note, map)| {
        let Some(map) = map else { return };
        let note = std::sync::Arc::make_mut(note);
        let fix = |v: &mut Value| resolve_link_values(v, &map);
        note.frontmatter.fields.iter_mut().for_each(|(_, v)| fix(v));
        note.fields.iter_mut().for_each(|f| fix(&mut f.value));
        note.list_items
            .iter_mut()
            .flat_map(|it| it.fields.iter_mut())
            .for_each(|(_, v)| fix(v));
    });
}

/// Calls `f` with the path of every unresolved link value inside `v`.
fn collect_link_paths(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Link(l) if !l.resolved => f(&l.path),
        Value::List(items) => items.iter().for_each(|i| collect_link_paths(i, f)),
        Value::Object(map) => map.values().for_each(|i| collect_link_paths(i, f)),
        _ => {}
    }
}

fn resolve_link_values(v: &mut Value, map: &foldhash::HashMap<String, String>) {
    match v {
        Value::Link(l) if !l.resolved => {
            if let Some(full) = map.get(&l.path) {
                l.path = full.clone();
                l.resolved = true;
            }
        }
        Value::List(items) => items.iter_mut().for_each(|i| resolve_link_values(i, map)),
        Value::Object(m) => m.values_mut().for_each(|i| resolve_link_values(i, map)),
        _ => {}
    }
}

/// The anchor a subpath lands on in `target`: a heading (case-insensitive text, last `#` segment, or its
/// anchor slug) or a block id (`^id`, kept as the anchor `^id`).
pub fn anchor_of(target: &Note, subpath: &str) -> Option<String> {
    let sub = subpath.rsplit('#').find(|s| !s.trim().is_empty())?.trim();
    if let Some(id) = sub.strip_prefix('^') {
        return target
            .block_ids
            .iter()
            .find(|b| b.id.eq_ignore_ascii_case(id))
            .map(|b| format!("^{}", b.id));
    }
    let lower = sub.to_lowercase();
    target
        .headings
        .iter()
        .find(|h| h.text.to_lowercase() == lower)
        .or_else(|| {
            let slug = crate::vault::anchor::heading_anchor(sub);
            target.headings.iter().find(|h| h.anchor == slug)
        })
        .map(|h| h.anchor.clone())
}

fn resolve_note_links(
    table: &names::Names,
    notes: &[std::sync::Arc<Note>],
    i: NoteIdx,
    note: &Note,
) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let starts = std::cell::OnceCell::new();
    let locate = |offset: usize| {
        let starts = starts.get_or_init(|| crate::diagnostics::line_starts(&note.text));
        crate::diagnostics::locate(&note.text, starts, offset)
    };
    let resolved = note
        .links
        .iter()
        .map(|link| {
            let relative = link.syntax == crate::vault::LinkSyntax::Markdown;
            let r = resolve::resolve(table, notes, Some(i), link.target(), relative);
            let at = || locate(link.span.start);
            if let (Target::Note(chosen), false) = (&r.target, r.ambiguous_with.is_empty()) {
                let chosen = *chosen;
                let others: Vec<&str> = r.ambiguous_with.iter().map(|&o| notes[o].id.as_str()).collect();
                let (line, col) = at();
                diags.push(Diagnostic::warning(
                    note.id.as_str(),
                    line,
                    col,
                    format!(
                        "[[{}]] is ambiguous: it resolves to {} (shortest path) but could also mean {}; qualify it with a folder",
                        link.target(),
                        notes[chosen].id.as_str(),
                        others.join(", ")
                    ),
                ));
            }
            let target_note = match r.target {
                Target::Note(t) => Some(&*notes[t]),
                Target::SameNote => Some(note),
                _ => None,
            };
            let anchor = match (link.subpath(), target_note) {
                (Some(sub), Some(t)) => {
                    let a = anchor_of(t, sub);
                    if a.is_none() {
                        let (line, col) = at();
                        diags.push(Diagnostic::warning(
                            note.id.as_str(),
                            line,
                            col,
                            format!("link to #{sub} in {}: no such heading or block", t.id.as_str()),
                        ));
                    }
                    a
                }
                _ => None,
            };
            Resolved {
                target: r.target,
                anchor: anchor.map(Into::into),
            }
        })
        .collect();
    (resolved, diags)
}

#[cfg(test)]
mod tests;
