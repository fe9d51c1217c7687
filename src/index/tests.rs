//! Index tests over small vaults parsed from text.

use super::*;
use crate::value::Value;
use crate::vault::{Attachment, Vault};

fn vault(notes: &[(&str, &str)], attachments: &[&str], excluded: &[&str]) -> Vault {
    Vault {
        attachments: attachments
            .iter()
            .map(|p| Attachment {
                path: p.to_string(),
                size: 1,
            })
            .collect(),
        excluded: excluded.iter().map(|s| s.to_string()).collect(),
        ..Vault::of_texts(notes)
    }
}

fn targets(index: &Index, path: &str) -> Vec<String> {
    let i = index.note_by_path(path).unwrap();
    index.links[i]
        .iter()
        .map(|r| match &r.target {
            Target::Note(t) => {
                format!(
                    "{}{}",
                    index.notes[*t].id.as_str(),
                    r.anchor
                        .as_ref()
                        .map(|a| format!("#{a}"))
                        .unwrap_or_default()
                )
            }
            Target::Attachment(a) => format!("file:{}", index.attachments[*a].path),
            Target::Excluded => "excluded".into(),
            Target::Unresolved(n) => format!("unresolved:{n}"),
            Target::SameNote => format!("self#{}", r.anchor.clone().unwrap_or_default()),
        })
        .collect()
}

#[test]
fn every_link_form_resolves() {
    let v = vault(
        &[
            ("Home.md", "[[Acme Corp]] [[acme corp|A]] [[Customers/Acme Corp]] [[Acme Corp.md]] [[Acme Corp#Key Facts]] [[Acme Corp#^dec-1]] [[#Intro]] [[diagram.png]] [t](Customers/Acme%20Corp.md) [[Nobody Yet]] [[../../etc/passwd]]\n# Intro\n"),
            ("Customers/Acme Corp.md", "## Key Facts\nDecided. ^dec-1\n"),
        ],
        &["Attachments/diagram.png"],
        &[],
    );
    let index = Index::build(v);
    assert_eq!(
        targets(&index, "Home.md"),
        vec![
            "Customers/Acme Corp.md",
            "Customers/Acme Corp.md",
            "Customers/Acme Corp.md",
            "Customers/Acme Corp.md",
            "Customers/Acme Corp.md#key-facts",
            "Customers/Acme Corp.md#^dec-1",
            "self#intro",
            "file:Attachments/diagram.png",
            "Customers/Acme Corp.md",
            "unresolved:Nobody Yet",
            "unresolved:passwd",
        ]
    );
    assert!(index.diagnostics.is_empty(), "{:?}", index.diagnostics);
    let acme = index.note_by_path("Customers/Acme Corp.md").unwrap();
    assert_eq!(index.backlinks[acme].len(), 7);
    assert_eq!(
        index.inlinks(acme),
        vec![index.note_by_path("Home.md").unwrap()]
    );
    assert_eq!(index.used_attachments, vec![0]);
    assert_eq!(
        index.unresolved.keys().collect::<Vec<_>>(),
        vec!["Nobody Yet", "passwd"]
    );
}

#[test]
fn collisions_follow_obsidian() {
    let v = vault(
        &[
            ("A/Meeting Notes.md", "[[Meeting Notes]]"),
            ("A/B/Meeting Notes.md", ""),
            ("C/Meeting Notes.md", ""),
            (
                "Root.md",
                "[[Meeting Notes]] [[C/Meeting Notes]] [[B/Meeting Notes]] [[CW]] [[Dup]]",
            ),
            ("X/Weave.md", "---\naliases: [CW, Dup]\n---\n"),
            ("Dup.md", ""),
        ],
        &[],
        &[],
    );
    let index = Index::build(v);
    assert_eq!(
        targets(&index, "A/Meeting Notes.md"),
        vec!["A/Meeting Notes.md"],
        "own folder wins"
    );
    assert_eq!(
        targets(&index, "Root.md"),
        vec![
            "A/Meeting Notes.md",
            "C/Meeting Notes.md",
            "A/B/Meeting Notes.md",
            "X/Weave.md",
            "Dup.md"
        ]
    );
    // Shortest path chose A/ over C/ (same depth, alphabetical) and warned once, at Root.md:1:1.
    assert_eq!(index.diagnostics.len(), 1, "{:?}", index.diagnostics);
    let d = &index.diagnostics[0];
    assert_eq!((d.path.as_str(), d.line, d.col), ("Root.md", 1, 1));
    assert!(
        d.message.contains("ambiguous") && d.message.contains("C/Meeting Notes.md"),
        "{}",
        d.message
    );
}

#[test]
fn unicode_forms_and_case_match() {
    let v = vault(
        &[("Caf\u{e9}.md", ""), ("Home.md", "[[CAFE\u{301}]]")],
        &[],
        &[],
    );
    let index = Index::build(v);
    assert_eq!(targets(&index, "Home.md"), vec!["Café.md"]);
}

#[test]
fn excluded_targets_and_escapes() {
    let v = vault(
        &[("Home.md", "[[Salary]] [[Personal/Salary]] ![[private.png]] [[/etc/passwd]] [[..\\..\\x]] [x](../../../secret.md)")],
        &[],
        &["Personal/Salary.md", "Personal/private.png"],
    );
    let index = Index::build(v);
    assert_eq!(
        targets(&index, "Home.md"),
        vec![
            "excluded",
            "excluded",
            "excluded",
            "unresolved:passwd",
            "unresolved:x",
            "unresolved:secret"
        ]
    );
    assert!(index.backlinks[0].is_empty());
}

#[test]
fn a_link_by_the_alias_of_an_excluded_note_is_excluded_not_unresolved() {
    let mut v = vault(
        &[
            (
                "Home.md",
                "[[Plan B]] [[plan b#Budget]] ![[Plan B]] [[Pub Alias]] [[X/Plan B]]",
            ),
            ("Public.md", "---\naliases: [Pub Alias]\n---\n"),
        ],
        &[],
        &["Personal/Salary.md"],
    );
    v.excluded_aliases = vec!["Plan B".into(), "Pub Alias".into()];
    let index = Index::build(v);
    assert_eq!(
        targets(&index, "Home.md"),
        vec![
            "excluded",
            "excluded",
            "excluded",
            // A published note's alias wins over a private one's, as a published name does.
            "Public.md",
            // A path is not an alias.
            "unresolved:Plan B"
        ]
    );
}

#[test]
fn missing_subpaths_warn_but_link_the_note() {
    let v = vault(
        &[("Home.md", "text\n[[Acme#Nope]]"), ("Acme.md", "# Yes")],
        &[],
        &[],
    );
    let index = Index::build(v);
    assert_eq!(targets(&index, "Home.md"), vec!["Acme.md"]);
    assert_eq!(index.diagnostics.len(), 1);
    assert_eq!(
        (index.diagnostics[0].line, index.diagnostics[0].col),
        (2, 1)
    );
}

#[test]
fn tags_nest_and_field_links_resolve() {
    let v = vault(
        &[
            ("Customers/Acme.md", "---\ntags: [type/customer, status/active]\nowner: \"[[Gordon]]\"\n---\n#Type/Customer/Key\nLead:: [[Gordon]]\n"),
            ("People/Gordon.md", "#type/person"),
        ],
        &[],
        &[],
    );
    let index = Index::build(v);
    assert_eq!(index.tags["type"], vec![0, 1]);
    assert_eq!(index.tags["type/customer"], vec![0]);
    assert_eq!(index.tags["type/customer/key"], vec![0]);
    assert_eq!(index.tags["status"], vec![0]);
    let acme = &index.notes[0];
    match acme.frontmatter.fields.get("owner").unwrap() {
        Value::Link(l) => assert!(l.resolved && l.path == "People/Gordon.md", "{l:?}"),
        other => panic!("{other:?}"),
    }
    match &acme.fields[0].value {
        Value::Link(l) => assert_eq!(l.path, "People/Gordon.md"),
        other => panic!("{other:?}"),
    }
    assert_eq!(index.resolve(0, "gordon"), Target::Note(1));
}

/// The whole index as data, to compare an updated index with a built one.
fn dump(index: &Index) -> String {
    format!(
        "{}\n{:?}",
        serde_json::to_string(index).expect("index serialises"),
        index
            .notes
            .iter()
            .map(|n| &n.frontmatter)
            .collect::<Vec<_>>()
    )
}

#[test]
fn an_updated_index_is_the_index_built_from_scratch() {
    let base: [(&str, &str); 5] = [
        (
            "Acme.md",
            "---\nowner: \"[[Ann]]\"\n---\n# Acme\n## Plan\nSee [[Ann]] and [[Nowhere]]. #customer\n",
        ),
        ("People/Ann.md", "Works with [[Acme#Plan]] and [[Bob]].\n"),
        ("People/Bob.md", "Knows [[Acme#Plan|the plan]]. #person\n\n- [ ] call [[Ann]]\n"),
        ("Notes/Ideas.md", "About [[Elsewhere]] and ![[logo.png]].\n"),
        ("Notes/Plain.md", "Nothing links here.\n"),
    ];
    let edits: [(&str, &str); 6] = [
        // The heading others link to is gone: their anchors and warnings change.
        (
            "Acme.md",
            "---\nowner: \"[[Bob]]\"\n---\n# Acme\nSee [[Ann]]. #customer #vip\n",
        ),
        // New links, to a note, a new unresolved name and an attachment; a field link.
        (
            "Notes/Plain.md",
            "owner:: [[Ann]]\nNow about [[Acme]], [[Missing Thing]] and ![[logo.png]].\n",
        ),
        // Links dropped; a tag and a task gone.
        ("People/Bob.md", "Nothing now.\n"),
        // An unresolved name spelled differently than elsewhere.
        ("Notes/Ideas.md", "About [[elsewhere]] and [[NOWHERE]].\n"),
        // The text only.
        (
            "People/Ann.md",
            "Works with [[Acme#Plan]] and [[Bob]]. More text.\n",
        ),
        // A heading that was missing appears.
        ("Acme.md", "# Acme\n## Plan\n## Later\n"),
    ];
    let old = Index::build(vault(&base, &["logo.png"], &[]));
    for (path, text) in edits {
        let edited: Vec<(&str, &str)> = base
            .iter()
            .map(|&(p, t)| if p == path { (p, text) } else { (p, t) })
            .collect();
        let built = Index::build(vault(&edited, &["logo.png"], &[]));
        let i = old.note_by_path(path).unwrap();
        let updated = Index::update(&old, vault(&edited, &["logo.png"], &[]), &[i])
            .unwrap_or_else(|_| panic!("{path}: names kept, so the index updates"));
        assert_eq!(dump(&updated), dump(&built), "after editing {path}");
    }
}

#[test]
fn an_index_is_built_again_when_a_name_changes() {
    let base = [("A.md", "See [[B]]."), ("B.md", "Plain.")];
    let old = Index::build(vault(&base, &[], &[]));
    let renamed = vault(&[("A.md", "See [[B]]."), ("C.md", "Plain.")], &[], &[]);
    assert!(Index::update(&old, renamed, &[1]).is_err());
    let aliased = vault(
        &[
            ("A.md", "See [[B]]."),
            ("B.md", "---\naliases: [Bee]\n---\nPlain."),
        ],
        &[],
        &[],
    );
    assert!(Index::update(&old, aliased, &[1]).is_err());
    let attachment = vault(&base, &["new.png"], &[]);
    assert!(Index::update(&old, attachment, &[]).is_err());
    let excluded = vault(&base, &[], &["Private/X.md"]);
    assert!(Index::update(&old, excluded, &[]).is_err());
}

/// A note is found by its exact path only: not by another case of it, not without `.md`, and a path
/// that is no note's finds nothing. Every note of a vault is found at its own place.
#[test]
fn notes_are_found_by_their_exact_path() {
    let notes: Vec<(String, String)> = (0..300)
        .map(|i| (format!("F{}/Note {i}.md", i % 7), format!("text {i}")))
        .chain([
            ("Acme.md".to_string(), String::new()),
            ("acme.md".to_string(), String::new()),
        ])
        .collect();
    let texts: Vec<(&str, &str)> = notes
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let index = Index::build(vault(&texts, &[], &[]));
    for (i, note) in index.notes.iter().enumerate() {
        assert_eq!(index.note_by_path(note.id.as_str()), Some(i));
    }
    assert_ne!(index.note_by_path("Acme.md"), index.note_by_path("acme.md"));
    assert_eq!(index.note_by_path("ACME.md"), None);
    assert_eq!(index.note_by_path("F1/Note 1"), None);
    assert_eq!(index.note_by_path("F1/Note 2.md"), None);
    assert_eq!(index.note_by_path(""), None);
}
