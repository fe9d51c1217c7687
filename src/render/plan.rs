//! Which pages exist and where each is written: one output path per note, folder, tag, unresolved name
//! and copied attachment, unique even when names slug alike or differ only by case (assigned in sorted
//! order, so the same vault always gets the same paths).

use super::slug::{extension, path_slug, slug};
use crate::crm::Crm;
use crate::index::{names::key, Index};
use chrono::Datelike;
use foldhash::HashSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Site paths dossier writes itself; notes never take them.
pub const RESERVED: [&str; 9] = [
    "index.html",
    "404.html",
    "sitemap.xml",
    "tags/index.html",
    "static",
    ACCOUNTS,
    PEOPLE,
    TOPICS,
    TIMELINE,
];

/// The accounts index, people directory, topic index and timeline.
pub const ACCOUNTS: &str = "crm/accounts.html";
pub const PEOPLE: &str = "crm/people.html";
pub const TOPICS: &str = "crm/topics.html";
pub const TIMELINE: &str = "crm/timeline.html";

/// Output paths of everything the site holds. Paths are site-relative with `/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Per note (same order as `Index::notes`).
    pub notes: Vec<String>,
    /// Used attachment index → output path.
    pub attachments: BTreeMap<usize, String>,
    /// Vault folder path (`Customers/EMEA`) → its page.
    pub folders: BTreeMap<String, String>,
    /// Lower-cased tag (`type/customer`) → its page.
    pub tags: BTreeMap<String, String>,
    /// Unresolved link name (as `Index::unresolved` keys it) → its stub page, or the directory page of
    /// the person of that name.
    pub stubs: BTreeMap<String, String>,
    /// Lookup key of each unresolved name → the name as `stubs` keys it.
    #[serde(skip)]
    pub stub_keys: foldhash::HashMap<String, String>,
    /// Per account (same order as `Crm::accounts`): its brief.
    pub briefs: Vec<String>,
    /// Per person (same order as `Crm::people`): their directory page.
    pub people: Vec<String>,
    /// Per topic (same order as `Crm::topics`): its page.
    pub topics: Vec<String>,
    /// The years of the meetings, newest first, each with its timeline page.
    pub years: Vec<(i32, String)>,
}

struct Claims(HashSet<String>);

impl Claims {
    /// `base` + `.ext`, or `base-2.ext`, `base-3.ext`… whichever is free (case-insensitively).
    fn claim(&mut self, base: &str, ext: &str) -> String {
        let mut n = 1;
        loop {
            let candidate = if n == 1 {
                format!("{base}.{ext}")
            } else {
                format!("{base}-{n}.{ext}")
            };
            if self.0.insert(candidate.to_lowercase()) {
                return candidate;
            }
            n += 1;
        }
    }
}

impl Plan {
    pub fn build(index: &Index, crm: &Crm) -> Plan {
        use rayon::prelude::*;
        // Slugs are made in parallel; paths are claimed in order, so collisions resolve the same way
        // whatever the thread count.
        let note_slugs: Vec<String> = index
            .notes
            .par_iter()
            .map(|n| path_slug(n.id.as_str()))
            .collect();
        let person_slugs: Vec<String> = crm.people.par_iter().map(|p| slug(&p.name)).collect();
        let stub_slugs: Vec<String> = index
            .unresolved
            .keys()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|name| slug(name))
            .collect();
        let mut claims = Claims(RESERVED.iter().map(|s| s.to_string()).collect());
        // Generated pages first: a note cannot take them.
        let briefs = crm
            .accounts
            .iter()
            .map(|a| {
                claims.claim(
                    &format!("crm/accounts/{}", slug(index.notes[a.note].id.name())),
                    "html",
                )
            })
            .collect();
        let people: Vec<String> = person_slugs
            .iter()
            .map(|s| claims.claim(&format!("crm/people/{s}"), "html"))
            .collect();
        let topics = crm
            .topics
            .iter()
            .map(|t| {
                claims.claim(
                    &format!("crm/topics/{}", slug(&t.key.replace('/', " "))),
                    "html",
                )
            })
            .collect();
        let years = super::crm::year_ranges(&crm.meetings)
            .into_iter()
            .map(|range| {
                let year = crm.meetings[range.start].date.year();
                (year, claims.claim(&format!("crm/timeline/{year}"), "html"))
            })
            .collect();
        // Folder pages are `<folder>/index.html`: claim them before notes so a note cannot take one.
        let mut folder_set = BTreeSet::new();
        for note in &index.notes {
            let mut folder = note.id.folder();
            while !folder.is_empty() {
                folder_set.insert(folder.to_string());
                folder = folder.rsplit_once('/').map_or("", |(p, _)| p);
            }
        }
        let mut folders = BTreeMap::new();
        for folder in folder_set {
            let slugged: Vec<String> = folder.split('/').map(slug).collect();
            let path = claims.claim(&format!("{}/index", slugged.join("/")), "html");
            folders.insert(folder, path);
        }
        let notes = note_slugs.iter().map(|s| claims.claim(s, "html")).collect();
        let mut attachments = BTreeMap::new();
        for &a in &index.used_attachments {
            if let Some(att) = index.attachments.get(a) {
                let ext = extension(&att.path).unwrap_or_else(|| "bin".into());
                attachments.insert(a, claims.claim(&path_slug(&att.path), &ext));
            }
        }
        let mut tags = BTreeMap::new();
        for tag in index.tags.keys() {
            let segs: Vec<String> = tag.split('/').map(slug).collect();
            tags.insert(
                tag.clone(),
                claims.claim(&format!("tags/{}", segs.join("/")), "html"),
            );
        }
        let mut stubs = BTreeMap::new();
        for (name, slugged) in index.unresolved.keys().zip(&stub_slugs) {
            let page = match crm.person_named(name) {
                Some(p) if crm.people[p].note.is_none() => people[p].clone(),
                _ => claims.claim(&format!("unresolved/{slugged}"), "html"),
            };
            stubs.insert(name.clone(), page);
        }
        let stub_keys = stubs.keys().map(|n| (key(n), n.clone())).collect();
        Plan {
            notes,
            attachments,
            folders,
            tags,
            stubs,
            stub_keys,
            briefs,
            people,
            topics,
            years,
        }
    }

    /// Whether [`Plan::build`] gives the same plan for `new` as for `old`: it reads only what is compared
    /// here (note paths, used attachments, tags, unresolved names, accounts, people, topics and the
    /// meetings' years). Cheaper than building it, so that `serve` keeps the plan across an edit that
    /// moves no page.
    pub fn same_inputs(old: (&Index, &Crm), new: (&Index, &Crm)) -> bool {
        let ((oi, oc), (ni, nc)) = (old, new);
        fn person(p: &crate::crm::Person) -> (&str, bool) {
            (&p.name, p.note.is_none())
        }
        oi.notes.len() == ni.notes.len()
            && oi
                .notes
                .iter()
                .zip(&ni.notes)
                .all(|(a, b)| std::sync::Arc::ptr_eq(a, b) || a.id == b.id)
            && oi.used_attachments == ni.used_attachments
            && oi.attachments == ni.attachments
            && oi.tags.len() == ni.tags.len()
            && oi.tags.keys().eq(ni.tags.keys())
            && oi.unresolved.len() == ni.unresolved.len()
            && oi.unresolved.keys().eq(ni.unresolved.keys())
            && oc.accounts.len() == nc.accounts.len()
            && oc
                .accounts
                .iter()
                .zip(&nc.accounts)
                .all(|(a, b)| a.note == b.note)
            && oc.people.len() == nc.people.len()
            && oc
                .people
                .iter()
                .map(person)
                .eq(nc.people.iter().map(person))
            && oc.person_by_key == nc.person_by_key
            && oc.topics.len() == nc.topics.len()
            && oc
                .topics
                .iter()
                .zip(&nc.topics)
                .all(|(a, b)| a.key == b.key)
            && oc
                .meetings
                .iter()
                .map(|m| m.date.year())
                .eq(nc.meetings.iter().map(|m| m.date.year()))
    }

    /// The stub page of an unresolved name (looked up case-insensitively, as the Index groups them).
    pub fn stub(&self, name: &str) -> Option<&String> {
        self.stubs.get(name).or_else(|| {
            self.stub_keys
                .get(&key(name))
                .and_then(|n| self.stubs.get(n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{parse::parse_note, Attachment, FileMeta, NoteId, Vault};

    #[test]
    fn paths_are_unique_slugs() {
        let notes = [
            "Acme Corp.md",
            "acme corp!.md",
            "Customers/Acme Corp.md",
            "index.md",
            "Customers/index.md",
        ]
        .iter()
        .map(|p| {
            parse_note(
                NoteId(p.to_string()),
                "#Type/Customer [[Nobody]]".into(),
                FileMeta::default(),
                vec![],
            )
        })
        .collect::<Vec<_>>();
        let mut notes = notes;
        notes.sort_by(|a, b| a.id.cmp(&b.id));
        let v = Vault {
            notes: notes.into_iter().map(std::sync::Arc::new).collect(),
            attachments: vec![Attachment {
                path: "Files/Photo One.PNG".into(),
                size: 1,
            }],
            excluded: vec![],
            excluded_aliases: vec![],
            diagnostics: vec![],
        };
        let mut index = Index::build(v);
        index.used_attachments = vec![0];
        let plan = Plan::build(&index, &crate::crm::Crm::default());
        assert_eq!(
            plan.notes,
            vec![
                "acme-corp.html",
                "customers/acme-corp.html",
                "customers/index-2.html",
                "acme-corp-2.html",
                "index-2.html"
            ]
        );
        assert_eq!(plan.folders["Customers"], "customers/index.html");
        assert_eq!(plan.attachments[&0], "files/photo-one.png");
        assert_eq!(plan.tags["type/customer"], "tags/type/customer.html");
        assert_eq!(plan.tags["type"], "tags/type.html");
        assert_eq!(
            plan.stub("nobody").map(String::as_str),
            Some("unresolved/nobody.html")
        );
    }

    /// The plan a rebuild keeps is the plan it would build: `same_inputs` says no whenever a page moves.
    #[test]
    fn a_plan_is_kept_only_when_it_would_be_built_alike() {
        let config = crate::config::Config::default();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let base = [
            ("Customers/Acme.md", "---\ntype: customer\n---\n## Contacts\n- [[Ann Lee]] - CTO\n"),
            ("Meetings/2026-11-02.md", "---\ntype: meeting\ncustomer: \"[[Acme]]\"\n---\nAttendees:: [[Ann Lee]]\n#pilot\n"),
            ("People/Ann Lee.md", "---\ntype: person\n---\nCTO at [[Acme]]\n"),
        ];
        let edits = [
            ("Meetings/2026-11-02.md", "---\ntype: meeting\ncustomer: \"[[Acme]]\"\n---\nAttendees:: [[Ann Lee]]\n#pilot\nMore prose.\n", true),
            ("Meetings/2026-11-02.md", "---\ntype: meeting\ncustomer: \"[[Acme]]\"\n---\nAttendees:: [[Ann Lee]]\n#pilot #renewal\n", false),
            ("Meetings/2026-11-02.md", "---\ntype: meeting\ncustomer: \"[[Acme]]\"\n---\nAttendees:: [[Ann Lee]], [[Bo Park]]\n#pilot\n", false),
            ("Customers/Acme.md", "---\ntype: customer\n---\n## Contacts\n- [[Ann Lee]] - CTO\n- [[Cy Dee]] - CFO\n", false),
            ("Customers/Acme.md", "---\ntype: note\n---\n## Contacts\n- [[Ann Lee]] - CTO\n", false),
        ];
        let old_index = Index::build(Vault::of_texts(&base));
        let old_crm = crate::crm::build(&old_index, &config, today);
        for (path, text, kept) in edits {
            let notes: Vec<(&str, &str)> = base
                .iter()
                .map(|&(p, t)| (p, if p == path { text } else { t }))
                .collect();
            let index = Index::build(Vault::of_texts(&notes));
            let crm = crate::crm::build(&index, &config, today);
            let same = Plan::same_inputs((&old_index, &old_crm), (&index, &crm));
            assert_eq!(same, kept, "{path}: {text:?}");
            if same {
                assert_eq!(Plan::build(&old_index, &old_crm), Plan::build(&index, &crm));
            } else {
                assert_ne!(
                    Plan::build(&old_index, &old_crm),
                    Plan::build(&index, &crm),
                    "{text:?}"
                );
            }
        }
    }
}
