//! The CRM model over small vaults parsed from text, against a pinned build date.

use super::*;
use crate::vault::{parse::parse_note, FileMeta, NoteId, Vault};

const TODAY: &str = "2026-11-20";

fn crm_of(notes: &[(&str, &str)]) -> (Index, Crm) {
    let index = Index::build(Vault::of_texts(notes));
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let crm = build(&index, &Config::default(), today);
    (index, crm)
}

fn account<'c>(crm: &'c Crm, name: &str) -> &'c Account {
    crm.accounts.iter().find(|a| a.name == name).unwrap()
}

fn person<'c>(crm: &'c Crm, name: &str) -> &'c Person {
    crm.people
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no person {name}: {:?}",
                crm.people.iter().map(|p| &p.name).collect::<Vec<_>>()
            )
        })
}

const ACME: &str = "---
type: customer
status: active
last_contact: 2026-06-01
tags: [type/customer, storage]
---
# Acme Corp

## Account Status

| Field | Value |
|---|---|
| **Status** | Prospect |
| **Industry** | _Unknown_ |

## Key Contacts

- [[Gordon Brown]] — CSM for Acme
- [[Ada Stone]]

## Collaborators

| Person | Role | Company |
|---|---|---|
| [[Ada Stone]] | CTO | Acme Corp |
| [[Gordon Brown]] | Account manager | Northwind |

## Next Steps

- [ ] Send the quote 📅 2026-11-01
- [ ] Plan the workshop [due:: 2026-12-10]
- [ ] Someday maybe
- [x] Done already 📅 2026-01-01

## Open Tasks

```dataview
TASK FROM \"\" WHERE !completed
```

## Topics / Themes

GPU data pipelines, Edge caching, edge-caching, _What themes recur?_

## Recent Context

- 2026-06-01: [[2026-06-01 - Acme kickoff]] - Kickoff with the data team (via Gordon Brown)
";

fn vault() -> (Index, Crm) {
    crm_of(&[
        ("Customers/Acme Corp.md", ACME),
        (
            "Customers/Beta Labs.md",
            "---\ntype: customer\nstatus: prospect\n---\n# Beta Labs\n\n## Key Contacts\n\n- [[Cy Young]]\n",
        ),
        (
            "People/Gordon Brown.md",
            "---\ntype: person\nrole: Customer Success Manager\n---\nCompany:: Northwind\n",
        ),
        (
            "People/Cy Young.md",
            "Company:: [[Beta Labs]]\nRole:: Data lead\n",
        ),
        (
            "Meetings/2026-06-01 - Acme kickoff.md",
            "---\ntype: meeting\n---\nAttendees:: [[Ada Stone]], [[Gordon Brown]]\n\nWe met the whole team. Next time, pricing.\n\n- [ ] Send kickoff notes 📅 2026-06-05\n",
        ),
        (
            "Meetings/2026-11-10.md",
            "---\ntags: [internal]\n---\nWeekly sync about [[Acme Corp]] and [[Beta Labs]]. #edge-caching\n\n- [ ] Chase legal for [[Acme Corp]] 📅 2026-11-30\n- [ ] Unrelated chore\n",
        ),
        (
            "Projects/Acme Migration.md",
            "---\ntype: project\n---\nCustomer:: [[Acme Corp]]\n\n- [ ] Migrate the first bucket 📅 2026-12-01\n",
        ),
        (
            "Topics/GPU Data Pipelines.md",
            "---\ntype: topic\n---\nAbout GPU pipelines.\n",
        ),
    ])
}

#[test]
fn accounts_types_and_status_conflicts() {
    let (_, crm) = vault();
    assert_eq!(
        crm.accounts
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["Acme Corp", "Beta Labs"]
    );
    let acme = account(&crm, "Acme Corp");
    assert_eq!(acme.kind, "customer");
    assert_eq!(acme.status.as_deref(), Some("active"));
    assert_eq!(acme.conflicts.len(), 1);
    let c = &acme.conflicts[0];
    assert_eq!(
        (c.field.as_str(), c.shown.as_str(), c.other.as_str()),
        ("status", "active", "Prospect")
    );
    assert_eq!(c.source.line, 12, "the table row's 0-based line");
    // `_Unknown_` is a placeholder, not an industry.
    assert_eq!(acme.industry, None);
    assert!(crm
        .diagnostics
        .iter()
        .any(|d| d.path == "Customers/Acme Corp.md"
            && d.line == 13
            && d.message.contains("Prospect")));
}

#[test]
fn people_without_notes_and_roles_from_tables() {
    let (index, crm) = vault();
    // Ada has no note: she comes from the contacts list, the table and the attendees field.
    let ada = person(&crm, "Ada Stone");
    assert_eq!(ada.note, None);
    let role = ada.role.as_ref().unwrap();
    assert_eq!(role.value, "CTO");
    assert_eq!(role.source.kind, SourceKind::Table);
    assert_eq!(
        index.notes[role.source.note].id.as_str(),
        "Customers/Acme Corp.md"
    );
    let acme = *crm
        .account_of
        .get(&index.note_by_path("Customers/Acme Corp.md").unwrap())
        .unwrap();
    assert_eq!(ada.company.as_ref().unwrap().value, Company::Account(acme));
    assert_eq!(ada.meetings.len(), 1);
    // Gordon's own note wins over the table and the contacts list.
    let gordon = person(&crm, "Gordon Brown");
    assert_eq!(
        gordon.role.as_ref().unwrap().value,
        "Customer Success Manager"
    );
    assert_eq!(
        gordon.role.as_ref().unwrap().source.kind,
        SourceKind::Frontmatter
    );
    assert_eq!(
        gordon.company.as_ref().unwrap().value,
        Company::Name("Northwind".into())
    );
    // Cy's company is a link to an account: he is its contact.
    let cy = person(&crm, "Cy Young");
    let beta = *crm
        .account_of
        .get(&index.note_by_path("Customers/Beta Labs.md").unwrap())
        .unwrap();
    assert_eq!(cy.company.as_ref().unwrap().value, Company::Account(beta));
    assert_eq!(cy.role.as_ref().unwrap().source.kind, SourceKind::Field);
    // The account's contacts, in the order the note names them, with its own words on them.
    let contacts: Vec<(&str, Option<&str>)> = account(&crm, "Acme Corp")
        .contacts
        .iter()
        .map(|c| (crm.people[c.person].name.as_str(), c.note.as_deref()))
        .collect();
    assert_eq!(
        contacts,
        [("Gordon Brown", Some("CSM for Acme")), ("Ada Stone", None)]
    );
    // Accounts are not people, even when named in a Person column.
    assert!(crm.people.iter().all(|p| p.name != "Acme Corp"));
}

#[test]
fn meetings_gists_and_internal_syncs() {
    let (index, crm) = vault();
    let names: Vec<&str> = crm
        .meetings
        .iter()
        .map(|m| index.notes[m.note].id.name())
        .collect();
    assert_eq!(
        names,
        ["2026-11-10", "2026-06-01 - Acme kickoff"],
        "newest first"
    );
    let kickoff = &crm.meetings[1];
    assert_eq!(kickoff.gist.as_deref(), Some("Kickoff with the data team"));
    assert_eq!(kickoff.via.as_deref(), Some("Gordon Brown"));
    let sync = &crm.meetings[0];
    assert!(sync.internal);
    assert_eq!(
        sync.gist.as_deref(),
        Some("Weekly sync about Acme Corp and Beta Labs.")
    );
    assert_eq!(sync.accounts.len(), 2);
    let acme = account(&crm, "Acme Corp");
    assert_eq!(acme.meetings.len(), 2);
    // The internal sync is not contact with the customer.
    assert_eq!(acme.last_meeting, Some(1));
    assert_eq!(acme.last_contact, NaiveDate::from_ymd_opt(2026, 6, 1));
    assert_eq!(acme.days_since_contact, Some(172));
    assert!(acme.stale, "172 days > 90");
    // What changed since: the sync and the (undated) project is not dated, so only the sync.
    let changed: Vec<&str> = acme
        .changed_since
        .iter()
        .map(|&n| index.notes[n].id.name())
        .collect();
    assert_eq!(changed, ["2026-11-10"]);
    // Beta has never been met.
    let beta = account(&crm, "Beta Labs");
    assert_eq!(beta.last_contact, None);
    assert!(beta.stale);
}

#[test]
fn tasks_via_links_and_overdue_against_the_build_date() {
    let (index, crm) = vault();
    let acme = account(&crm, "Acme Corp");
    let tasks: Vec<(&str, String, bool)> = acme
        .tasks
        .iter()
        .map(|t| {
            let note = &index.notes[t.note];
            (
                note.id.name(),
                note.list_items[t.item].text(&note.text).to_string(),
                t.overdue,
            )
        })
        .collect();
    assert_eq!(
        tasks,
        [
            // In a meeting about Acme alone (the kickoff links to nothing, Acme links to it).
            (
                "2026-06-01 - Acme kickoff",
                "Send kickoff notes 📅 2026-06-05".to_string(),
                true
            ),
            (
                "Acme Corp",
                "Send the quote 📅 2026-11-01".to_string(),
                true
            ),
            // In a note about two accounts: only because the task itself links to Acme.
            (
                "2026-11-10",
                "Chase legal for [[Acme Corp]] 📅 2026-11-30".to_string(),
                false
            ),
            // In a project about Acme.
            (
                "Acme Migration",
                "Migrate the first bucket 📅 2026-12-01".to_string(),
                false
            ),
            (
                "Acme Corp",
                "Plan the workshop [due:: 2026-12-10]".to_string(),
                false
            ),
            ("Acme Corp", "Someday maybe".to_string(), false),
        ]
    );
    assert_eq!(acme.overdue, 2);
    // The unrelated chore of a two-account sync belongs to neither.
    let beta = account(&crm, "Beta Labs");
    assert!(beta.tasks.is_empty(), "{:?}", beta.tasks);
    let projects: Vec<&str> = acme
        .projects
        .iter()
        .map(|&n| index.notes[n].id.name())
        .collect();
    assert_eq!(projects, ["Acme Migration"]);
}

#[test]
fn duplicate_topics_are_one_topic() {
    let (index, crm) = vault();
    let keys: Vec<&str> = crm.topics.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        ["edge caching", "gpu data pipelines", "internal", "storage"]
    );
    let edge = &crm.topics[crm.topic("edge caching").unwrap()];
    // "Edge caching", "edge-caching" and the tag #edge-caching.
    assert_eq!(edge.name, "Edge caching");
    assert_eq!(edge.accounts.len(), 1);
    assert_eq!(edge.meetings.len(), 1);
    assert_eq!(edge.count(), 2);
    let gpu = &crm.topics[crm.topic("gpu data pipelines").unwrap()];
    assert_eq!(gpu.name, "GPU Data Pipelines", "the topic note's title");
    assert_eq!(
        gpu.note.map(|n| index.notes[n].id.as_str()),
        Some("Topics/GPU Data Pipelines.md")
    );
    // type/… and status/… tags are structure, not topics.
    assert!(crm.topic("type/customer").is_none());
    let acme = account(&crm, "Acme Corp");
    assert_eq!(acme.topics.len(), 3);
}

#[test]
fn a_tag_naming_the_notes_type_is_not_its_topic() {
    let (_, crm) = crm_of(&[
        (
            "Meetings/2026-06-01.md",
            "---\ntags: [meeting]\n---\nKickoff.\n",
        ),
        (
            "Meetings/2026-06-08.md",
            "---\ntype: meeting\n---\n#Meeting and #pricing\n",
        ),
        (
            "Projects/Notes.md",
            "---\ntype: project\n---\n#meeting minutes, kept by hand\n",
        ),
        (
            "Topics/Pricing.md",
            "---\ntype: topic\ntags: [topic]\n---\n#pricing\n",
        ),
    ]);
    // The meetings are not about "meeting" (one by its folder's type, one by `type:`); the project
    // note is.
    let meeting = &crm.topics[crm.topic("meeting").unwrap()];
    assert!(meeting.meetings.is_empty());
    assert_eq!(meeting.notes.len(), 1);
    assert!(
        crm.topic("topic").is_none(),
        "only topic notes carry #topic"
    );
    let pricing = &crm.topics[crm.topic("pricing").unwrap()];
    assert_eq!(pricing.meetings.len(), 1);
    assert!(pricing.note.is_some());
}

#[test]
fn vault_wide_task_query_on_an_account_gets_a_hint() {
    let (_, crm) = vault();
    let hint = crm
        .diagnostics
        .iter()
        .find(|d| d.message.contains("TASK FROM"))
        .unwrap();
    assert_eq!(hint.path, "Customers/Acme Corp.md");
    assert_eq!(hint.line, 37, "the fence's 1-based line");
    assert_eq!(hint.severity, crate::diagnostics::Severity::Hint);
}

#[test]
fn types_from_tags_and_folders() {
    let config = Config::default();
    let note =
        |p: &str, t: &str| parse_note(NoteId(p.into()), t.into(), FileMeta::default(), vec![]);
    assert_eq!(
        note_type(&note("x.md", "#type/Partner"), &config).as_deref(),
        Some("partner")
    );
    assert_eq!(
        note_type(&note("People/Team/x.md", "hi"), &config).as_deref(),
        Some("person")
    );
    assert_eq!(
        note_type(
            &note("People/x.md", "---\ntype: customer\n---\n#type/person"),
            &config
        )
        .as_deref(),
        Some("customer"),
        "type: wins"
    );
    assert_eq!(note_type(&note("Other/x.md", "hi"), &config), None);
    let mut mapped = Config::default();
    mapped
        .crm
        .tag_types
        .insert("crm/client".into(), "customer".into());
    assert_eq!(
        note_type(&note("x.md", "#crm/client"), &mapped).as_deref(),
        Some("customer")
    );
}

#[test]
fn task_text_without_date_fields() {
    assert_eq!(
        task_display_text("Send the quote 📅 2026-11-01 #followup"),
        "Send the quote #followup"
    );
    assert_eq!(
        task_display_text("Plan [due:: 2026-12-10] with [[Raj]] (start:: 2026-12-01) (owner:: me)"),
        "Plan with [[Raj]] (owner:: me)"
    );
    assert_eq!(
        task_display_text("Done ✅ 2026-01-05 📅 bad"),
        "Done 📅 bad"
    );
}

#[test]
fn meeting_titles() {
    let note =
        |p: &str, t: &str| parse_note(NoteId(p.into()), t.into(), FileMeta::default(), vec![]);
    assert_eq!(
        meeting_title(&note("M/2026-11-12 - Halcyon QBR.md", "Notes.")),
        "Halcyon QBR"
    );
    assert_eq!(
        meeting_title(&note(
            "M/2026-11-19.md",
            "---\ndate: 2026-11-19\n---\n# Weekly sync\n"
        )),
        "Weekly sync"
    );
    assert_eq!(
        meeting_title(&note("M/2026-11-19.md", "text first\n# Later")),
        "2026-11-19"
    );
}

/// `fm` matches a key in any case; of several spellings, the first in byte order wins.
#[test]
fn front_matter_keys_match_in_any_case_the_first_spelling_winning() {
    let note = parse_note(
        NoteId("a.md".into()),
        "---\nstatus: low\nStatus: Upper\nstatus_x: other\nSTATUSES: plural\nsTaTuS: mixed\nrole: r\n---\n"
            .into(),
        FileMeta::default(),
        vec![],
    );
    let scan = |name: &str| {
        note.frontmatter
            .fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    for name in [
        "status", "STATUS", "Status", "role", "ROLE", "statuses", "missing", "status_x",
    ] {
        assert_eq!(fm(&note, name), scan(name), "{name}");
    }
    assert_eq!(fm(&note, "status"), Some(&Value::String("Upper".into())));
}

/// `build_reusing` keeps the last CRM view when an edit changes nothing the CRM reads, and whatever it
/// decides, its view is the one built from scratch.
#[test]
fn a_kept_view_is_the_view_built_again() {
    let vault: Vec<(&str, String)> = vec![
        (
            "Customers/Acme.md",
            "---\ntype: customer\nstatus: active\n---\nIntro line one.\nIntro line two.\n\n| Person | Role |\n|---|---|\n| Cy Dee | VP Ops |\n\n## Contacts\n- [[Bo Park]] — CFO\n\nPlain text\n[[Cy Dee]] — advisor\n\n## Recent Context\n2026-11-02: [[2026-11-02 Acme sync]] - pilot scoped\n\n## Topics\nGPU pipelines, storage\n\n## Next steps\n- [ ] Send the SOW\n".into(),
        ),
        (
            "Meetings/2026-11-02 Acme sync.md",
            "---\ntype: meeting\ncustomer: \"[[Acme]]\"\n---\nAttendees:: [[Ann Lee]]\n\n- [ ] Send the quote\n\nThe pilot starts in May. More later.\n".into(),
        ),
        ("People/Ann Lee.md", "---\ntype: person\nrole: CTO\n---\nAt [[Acme]].\n\n- [ ] Ask about trains\n".into()),
        ("Notes/Org.md", "Line one.\nLine two.\n\n| Person | Role |\n|---|---|\n| Dee Fox | VP Ops |\n".into()),
    ];
    let edits: [(&str, &str, &str, Alike); 19] = [
        (
            "Meetings/2026-11-02 Acme sync.md",
            "More later.\n",
            "More later.\n\nTyped during the call.\n",
            Alike::Yes,
        ),
        (
            "Meetings/2026-11-02 Acme sync.md",
            "The pilot starts in May.",
            "The pilot starts in June.",
            Alike::No,
        ),
        // Below a task list: the last item's end moves, nothing the CRM reads.
        (
            "People/Ann Lee.md",
            "Ask about trains\n",
            "Ask about trains\n\nAfter the list.\n",
            Alike::Yes,
        ),
        (
            "Meetings/2026-11-02 Acme sync.md",
            "Send the quote",
            "Send the quote\n- [ ] Book the room",
            Alike::ButTasks,
        ),
        ("Customers/Acme.md", "— CFO", "— CEO", Alike::No),
        // Not a list item: only the line of its link says so.
        (
            "Customers/Acme.md",
            "- pilot scoped",
            "- pilot signed",
            Alike::No,
        ),
        // Same length, one line fewer above the table: its cells' line numbers move.
        (
            "Customers/Acme.md",
            "Intro line one.\nIntro",
            "Intro line one. Intro",
            Alike::No,
        ),
        (
            "Notes/Org.md",
            "Line one.\nLine",
            "Line one. Line",
            Alike::No,
        ),
        (
            "Customers/Acme.md",
            "GPU pipelines, storage",
            "GPU pipelines, backup",
            Alike::No,
        ),
        (
            "Customers/Acme.md",
            "status: active",
            "status: at-risk",
            Alike::No,
        ),
        // The task below moves down a line.
        (
            "People/Ann Lee.md",
            "At [[Acme]].\n",
            "At [[Acme]].\nLikes trains.\n",
            Alike::ButTasks,
        ),
        // Tasks done, due, and new in an account note, which has contact lines.
        (
            "Meetings/2026-11-02 Acme sync.md",
            "- [ ] Send the quote",
            "- [x] Send the quote",
            Alike::ButTasks,
        ),
        (
            "People/Ann Lee.md",
            "Ask about trains",
            "Ask about trains 📅 2020-01-01",
            Alike::ButTasks,
        ),
        // An inline field on a task is a field of the note too (DATAVIEW.md), which the CRM reads.
        (
            "People/Ann Lee.md",
            "Ask about trains",
            "Ask about trains [due:: 2020-01-01]",
            Alike::No,
        ),
        (
            "Customers/Acme.md",
            "GPU pipelines, storage\n",
            "GPU pipelines, storage\n\n## Tasks\n- [ ] Renew [[Bo Park]]'s pass\n",
            Alike::No,
        ),
        // In the topics section, whose lines are topics.
        (
            "Customers/Acme.md",
            "GPU pipelines, storage\n",
            "GPU pipelines, storage\n\n- [ ] Chase the PO\n",
            Alike::No,
        ),
        // Above a link: the link moves.
        (
            "Customers/Acme.md",
            "## Recent Context",
            "- [ ] Chase the PO\n\n## Recent Context",
            Alike::No,
        ),
        (
            "Customers/Acme.md",
            "- [ ] Send the SOW\n",
            "- [ ] Send the SOW\n- [ ] Chase the PO\n",
            Alike::ButTasks,
        ),
        // The same length of text, links in place, but the contact line now continues a task.
        ("Customers/Acme.md", "Plain text", "- [ ] Call", Alike::No),
    ];
    let config = Config::default();
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let index_of = |notes: &[(&str, String)]| {
        let texts: Vec<(&str, &str)> = notes.iter().map(|(p, t)| (*p, t.as_str())).collect();
        Vault::of_texts(&texts)
    };
    let old = Index::build(index_of(&vault));
    let old_crm = build(&old, &config, today);
    let view = |c: &Crm| serde_json::to_value(c).unwrap();
    for (path, from, to, kept) in edits {
        let edited: Vec<(&str, String)> = vault
            .iter()
            .map(|(p, t)| {
                (
                    *p,
                    if *p == path {
                        t.replacen(from, to, 1)
                    } else {
                        t.clone()
                    },
                )
            })
            .collect();
        assert_ne!(edited, vault, "{to:?} edits nothing");
        let i = old.note_by_path(path).unwrap();
        let new = Index::update(&old, index_of(&edited), &[i]).expect("same names");
        let reused = build_reusing(&new, &config, today, Some((&old, &old_crm)));
        let fresh = build(&new, &config, today);
        assert_eq!(view(&reused), view(&fresh), "{path}: {to:?}");
        let alike = reads_alike(&old, &old_crm.structures, &new, &reused.structures);
        assert_eq!(alike, kept, "{path}: {to:?}");
    }
    // Another day: staleness counts from it.
    let tomorrow = today.succ_opt().unwrap();
    let reused = build_reusing(&old, &config, tomorrow, Some((&old, &old_crm)));
    assert_eq!(reused.today, tomorrow);
    assert_eq!(view(&reused), view(&build(&old, &config, tomorrow)));
}
