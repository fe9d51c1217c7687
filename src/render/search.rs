//! The search documents: one per note page and per directory page of a person without a note, with the
//! fields the theme's search script indexes (MiniSearch, loaded lazily; see `site/search`). Only
//! published notes are in the Index, and stripped sections are blanked before parsing, so nothing
//! private can enter.

use super::Renderer;
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use serde::Serialize;

/// Body text kept per document: enough for matching the substance of a note and for snippets, while a
/// 10,000-note vault's index stays a few megabytes.
pub const MAX_BODY_CHARS: usize = 1200;

/// One searchable page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchDoc {
    pub id: usize,
    /// Site path of the page (relative to the site root).
    pub url: String,
    pub title: String,
    /// `note`, `account`, `person`, `meeting`, …: the note's type, shown beside the result.
    pub kind: String,
    pub aliases: String,
    pub headings: String,
    pub tags: String,
    /// For people and accounts: role, company, status, industry.
    pub meta: String,
    pub body: String,
}

/// A note's body as plain text: prose, list items, table cells and code spans, without Dataview
/// query sources and without markup; at most `max` characters, cut at a word.
pub fn plain_body(text: &str, body_start: usize, max: usize) -> String {
    let body = text.get(body_start..).unwrap_or("");
    let mut out = String::new();
    let mut skip_code = false;
    for (event, _) in crate::vault::chunks::offset_events(body) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                skip_code = lang.starts_with("dataview");
            }
            Event::End(TagEnd::CodeBlock) => {
                skip_code = false;
                out.push(' ');
            }
            Event::Text(t) | Event::Code(t) if !skip_code => {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push(' '),
            _ => {}
        }
        if out.len() > max * 4 + 64 {
            break;
        }
    }
    let mut body = String::new();
    let mut chars = 0;
    for w in out.split_whitespace() {
        let w: std::borrow::Cow<'_, str> = if w.contains(['[', ']', '=']) {
            w.replace("[[", "")
                .replace("]]", "")
                .replace("==", "")
                .into()
        } else {
            w.into()
        };
        let len = w.chars().count();
        if chars + len + 1 > max {
            break;
        }
        if !body.is_empty() {
            body.push(' ');
            chars += 1;
        }
        body.push_str(&w);
        chars += len;
    }
    body
}

/// The search documents of the notes in `only` (every note when `None`), then those of the people
/// without a note. Documents are numbered in order: with `only`, the caller merges them into the index
/// it holds and numbers them again.
pub fn documents(
    r: &Renderer<'_>,
    only: Option<&std::collections::BTreeSet<crate::index::NoteIdx>>,
) -> Vec<SearchDoc> {
    use rayon::prelude::*;
    let crm = r.crm;
    let selected: Vec<usize> = match only {
        Some(set) => set
            .iter()
            .copied()
            .filter(|&i| i < r.index.notes.len())
            .collect(),
        None => (0..r.index.notes.len()).collect(),
    };
    let mut docs: Vec<SearchDoc> = selected
        .into_par_iter()
        .map(|i| {
            let note = &r.index.notes[i];
            let mut meta = Vec::new();
            if let Some(&a) = crm.account_of.get(&i) {
                let account = &crm.accounts[a];
                meta.extend(account.status.clone());
                meta.extend(account.industry.as_ref().map(|s| s.value.clone()));
            }
            if let Some(&p) = crm.person_of.get(&i) {
                meta.extend(person_meta(r, p));
            }
            let headings: Vec<&str> = note.headings.iter().map(|h| h.text.as_str()).collect();
            SearchDoc {
                id: 0,
                url: r.plan.notes[i].clone(),
                title: note.title.clone(),
                kind: crm.types[i].clone().unwrap_or_else(|| "note".into()),
                aliases: note.aliases.join(" · "),
                headings: headings.join(" · "),
                tags: note
                    .tags
                    .iter()
                    .map(|t| format!("#{t}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                meta: meta.join(" · "),
                body: plain_body(r.clean_text(i), note.body_start, MAX_BODY_CHARS),
            }
        })
        .collect();
    for (p, person) in crm.people.iter().enumerate() {
        if person.note.is_some() {
            continue;
        }
        docs.push(SearchDoc {
            id: 0,
            url: r.plan.people[p].clone(),
            title: person.name.clone(),
            kind: "person".into(),
            aliases: String::new(),
            headings: String::new(),
            tags: String::new(),
            meta: person_meta(r, p).join(" · "),
            body: String::new(),
        });
    }
    for (i, d) in docs.iter_mut().enumerate() {
        d.id = i;
    }
    docs
}

fn person_meta(r: &Renderer<'_>, p: usize) -> Vec<String> {
    let person = &r.crm.people[p];
    let mut meta: Vec<String> = person.role.iter().map(|s| s.value.clone()).collect();
    if let Some(c) = &person.company {
        meta.push(match &c.value {
            crate::crm::Company::Account(a) => r.crm.accounts[*a].name.clone(),
            crate::crm::Company::Note(n) => r.index.notes[*n].title.clone(),
            crate::crm::Company::Name(s) => s.clone(),
        });
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::plain_body;

    #[test]
    fn body_text_without_markup_or_queries() {
        let text = "---\nx: 1\n---\n# Title\n\nSome **bold** [[Link|text]] and `code`.\n\n```dataview\nLIST FROM \"x\"\n```\n\n| a | b |\n|---|---|\n| c | d |\n";
        let start = text.find("# Title").unwrap();
        let body = plain_body(text, start, 1000);
        assert_eq!(body, "Title Some bold text and code. a b c d");
        assert_eq!(plain_body(text, start, 14), "Title Some");
    }
}
