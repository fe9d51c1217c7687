//! A small fixed vault shared by the fuzz targets: a few hand-written notes covering front matter
//! types, aliases, tags, inline and list fields, tasks with emoji dates, headings, block ids, embeds and
//! attachments, so that queries and links have something real to run against.
#![allow(dead_code)]

use dossier::index::Index;
use dossier::vault::{parse, Attachment, FileMeta, Note, NoteId, Vault};

pub const NOTES: &[(&str, &str)] = &[
    (
        "Customers/Acme Corp.md",
        "---\ntype: customer\nstatus: active\narr: 1200000\ncreated: '2025-12-19'\nrenewal: 2 weeks\n\
         owner: \"[[Gordon Brown]]\"\ntags: [type/customer, status/active]\naliases: [Acme]\n---\n\
         # Acme Corp\n\nDeal Size:: 1,500\nRegion:: EMEA\n\n## Key Facts\n\n- Uses [[Apollo]] ^fact-1\n\n\
         ## Tasks\n\n- [ ] Send renewal quote 📅 2026-01-09 #followup\n    - [x] Draft numbers ✅ 2026-01-05\n\
         - [/] Security review [due:: 2026-02-01]\n- [-] Dropped idea\n- Plain bullet [owner:: [[Gordon Brown]]]\n\n\
         ```dataview\nLIST FROM \"Projects\" WHERE contains(file.outlinks, this.file.link)\n```\n\n\
         Inline: `= this.arr / 1000`\n",
    ),
    (
        "Customers/Globex.md",
        "---\ntype: customer\nstatus: prospect\narr: 300000\nlast_contact: 2026-01-07\ntags:\n- type/customer\n\
         - status/prospect\n---\n# Globex\n\nSee [[Acme Corp#Key Facts]] and [[Acme Corp#^fact-1|the fact]].\n\
         ![[diagram.png]] ![[Apollo#Scope]]\n\n- [ ] Follow up with [[Ada Crane]] [due:: 2026-03-01] [priority:: high]\n",
    ),
    (
        "People/Ada Crane.md",
        "---\ntype: person\ncompany: \"[[Globex]]\"\nrole: CTO\n---\n# Ada Crane\n\nrole:: CTO\nmet:: 2025-11-02T10:30\n\
         Works with [[Gordon Brown]] on [Apollo](../Projects/Apollo.md). #person/exec\n",
    ),
    (
        "People/Gordon Brown.md",
        "---\naliases: Gordon, GB\n---\nGordon owns [[Acme]] and [[Missing Note]]. > [!note] callout\n",
    ),
    (
        "Projects/Apollo.md",
        "---\ntype: project\nstatus: running\nowner: \"[[Ada Crane]]\"\n---\n# Apollo\n\n## Scope\n\n\
         Customer:: [[Acme Corp]]\nBudget:: 250000\n\n- [ ] Milestone one 📅 2026-04-10 ⏳ 2026-04-01\n\
         - [x] Kickoff ✅ 2026-01-07\n",
    ),
    (
        "Meetings/2026-01-07 - Kickoff.md",
        "---\ndate: 2026-01-07\ntags: [meeting]\ncustomer: \"[[Globex]]\"\n---\n\
         Attendees:: [[Ada Crane]], [[Gordon Brown]]\n\nKickoff with [[Globex]]. %% private comment %%\n\n\
         | Item | Owner |\n|---|---|\n| plan | [[Ada Crane]] |\n",
    ),
    (
        "Orphan.md",
        "A note nobody links to, with a #tag/nested tag and duration:: 3 days 4 hours\n",
    ),
];

pub const ATTACHMENTS: &[&str] = &["Attachments/diagram.png", "Attachments/report.pdf"];

pub const EXCLUDED: &[&str] = &["Personal/Salary.md"];

pub fn note(path: &str, bytes: &[u8]) -> Note {
    let mut diags = Vec::new();
    let text = parse::decode(bytes, path, &mut diags);
    parse::parse_note(NoteId(path.to_string()), text, FileMeta::default(), diags)
}

/// The fixed notes, parsed once per process (cloning is much cheaper than parsing).
pub fn fixed_notes() -> &'static [Note] {
    static FIXED: std::sync::OnceLock<Vec<Note>> = std::sync::OnceLock::new();
    FIXED.get_or_init(|| NOTES.iter().map(|(p, t)| note(p, t.as_bytes())).collect())
}

/// The fixed notes plus `extra` (path, raw bytes), sorted by path, as a Vault.
pub fn vault(extra: Option<(&str, &[u8])>) -> Vault {
    let mut notes: Vec<Note> = fixed_notes().to_vec();
    if let Some((p, bytes)) = extra {
        notes.push(note(p, bytes));
    }
    notes.sort_by(|a, b| a.id.cmp(&b.id));
    Vault {
        notes: notes.into_iter().map(std::sync::Arc::new).collect(),
        attachments: ATTACHMENTS
            .iter()
            .map(|p| Attachment {
                path: p.to_string(),
                size: 1,
            })
            .collect(),
        excluded: EXCLUDED.iter().map(|s| s.to_string()).collect(),
        excluded_aliases: Vec::new(),
        diagnostics: vec![],
    }
}

pub fn index(extra: Option<(&str, &[u8])>) -> Index {
    Index::build(vault(extra))
}

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}
