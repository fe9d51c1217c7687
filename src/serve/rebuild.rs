//! Which note pages a change can affect. Pure: compares the Index before and after a change.
//!
//! Everything is re-rendered when the set of notes changed (added, removed, renamed), when aliases
//! changed (links anywhere may now resolve differently) or when the page plan moved. Otherwise the
//! affected notes are the changed ones, the notes linking to them (their links' anchors, their embeds),
//! the notes embedding those transitively, the notes the changed ones link to before or after (their
//! backlinks panels show the changed notes), and every note holding a Dataview query (a query may read
//! any note). Index, tag, folder, CRM and search pages are always rebuilt: they read the whole vault.

use crate::index::{Index, NoteIdx, Target};
use crate::render::Plan;
use crate::vault::QueryKind;
use std::collections::BTreeSet;

/// The note pages to render again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    All,
    Notes(BTreeSet<NoteIdx>),
}

/// What a change to the notes at `changed` (vault paths) affects, given the Index and plan before and
/// after it.
pub fn affected(
    old: &Index,
    old_plan: &Plan,
    new: &Index,
    new_plan: &Plan,
    changed: &[String],
) -> Affected {
    let same_notes = old.notes.len() == new.notes.len()
        && old.notes.iter().zip(&new.notes).all(|(a, b)| a.id == b.id);
    if !same_notes || old_plan.notes != new_plan.notes || old_plan.stubs != new_plan.stubs {
        return Affected::All;
    }
    let mut dirty = BTreeSet::new();
    for path in changed {
        let Some(i) = new.note_by_path(path) else {
            return Affected::All;
        };
        if old.notes[i].aliases != new.notes[i].aliases {
            return Affected::All;
        }
        dirty.insert(i);
    }
    let mut out: BTreeSet<NoteIdx> = dirty.clone();
    for &i in &dirty {
        for index in [old, new] {
            out.extend(index.backlinks[i].iter().map(|b| b.from));
            out.extend(index.links[i].iter().filter_map(|l| match l.target {
                Target::Note(t) => Some(t),
                _ => None,
            }));
        }
    }
    // Embeds of embeds: a note embedding an affected note shows its content.
    let mut frontier: Vec<NoteIdx> = out.iter().copied().collect();
    while let Some(i) = frontier.pop() {
        for b in &new.backlinks[i] {
            let embeds = new.notes[b.from].links.get(b.link).is_some_and(|l| l.embed);
            if embeds && out.insert(b.from) {
                frontier.push(b.from);
            }
        }
    }
    for (i, note) in new.notes.iter().enumerate() {
        if note.queries.iter().any(|q| q.kind != QueryKind::DataviewJs) {
            out.insert(i);
        }
    }
    Affected::Notes(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::Crm;
    use crate::vault::{parse::parse_note, FileMeta, NoteId, Vault};

    fn index(notes: &[(&str, &str)]) -> (Index, Plan) {
        let mut notes: Vec<_> = notes
            .iter()
            .map(|(p, t)| {
                parse_note(
                    NoteId(p.to_string()),
                    t.to_string(),
                    FileMeta::default(),
                    vec![],
                )
            })
            .collect();
        notes.sort_by(|a, b| a.id.cmp(&b.id));
        let index = Index::build(Vault {
            notes,
            attachments: vec![],
            excluded: vec![],
            excluded_aliases: vec![],
            diagnostics: vec![],
        });
        let plan = Plan::build(&index, &Crm::default());
        (index, plan)
    }

    const VAULT: [(&str, &str); 6] = [
        ("A.md", "Links to [[B]]."),
        ("B.md", "# B\nBody of B."),
        ("C.md", "Embeds ![[A]]."),
        ("D.md", "Unrelated."),
        ("E.md", "```dataview\nLIST\n```\n"),
        ("F.md", "Embeds ![[C]] which embeds A."),
    ];

    fn names(index: &Index, a: &Affected) -> Vec<String> {
        match a {
            Affected::All => vec!["*".into()],
            Affected::Notes(set) => set
                .iter()
                .map(|&i| index.notes[i].id.name().to_string())
                .collect(),
        }
    }

    #[test]
    fn an_edit_affects_its_links_embeds_backlinks_and_queries() {
        let (old, old_plan) = index(&VAULT);
        let mut edited = VAULT;
        edited[0] = ("A.md", "Links to [[B]] and now [[D]].");
        let (new, new_plan) = index(&edited);
        let a = affected(&old, &old_plan, &new, &new_plan, &["A.md".into()]);
        // A itself; B and D (their backlinks show A); C and F embed A (F through C); E has a query.
        assert_eq!(names(&new, &a), ["A", "B", "C", "D", "E", "F"]);
        let b = affected(&old, &old_plan, &old, &old_plan, &["D.md".into()]);
        assert_eq!(
            names(&old, &b),
            ["D", "E"],
            "an unlinked note affects only itself and queries"
        );
    }

    #[test]
    fn adding_removing_or_aliasing_affects_everything() {
        let (old, old_plan) = index(&VAULT);
        let mut more = VAULT.to_vec();
        more.push(("G.md", "new"));
        let (new, new_plan) = index(&more);
        assert_eq!(
            affected(&old, &old_plan, &new, &new_plan, &["G.md".into()]),
            Affected::All
        );
        let (fewer, fewer_plan) = index(&VAULT[..5]);
        assert_eq!(
            affected(&old, &old_plan, &fewer, &fewer_plan, &[]),
            Affected::All
        );
        let mut aliased = VAULT;
        aliased[3] = ("D.md", "---\naliases: [Dee]\n---\nUnrelated.");
        let (new, new_plan) = index(&aliased);
        assert_eq!(
            affected(&old, &old_plan, &new, &new_plan, &["D.md".into()]),
            Affected::All
        );
    }
}
