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
    let mut plain = PlainText::new(max);
    for (event, _) in crate::vault::chunks::offset_events(body) {
        if plain.full() {
            break;
        }
        plain.feed(&event);
    }
    plain.finish()
}

/// [`plain_body`] made from a body's events as they go by: those of the parse that renders the note's
/// page ([`Renderer::range_html`] notes them), so that the body is not parsed again for search.
/// Fed the same events, it gives the same text.
pub struct PlainText {
    out: String,
    skip_code: bool,
    max: usize,
}

impl PlainText {
    pub fn new(max: usize) -> PlainText {
        PlainText {
            out: String::new(),
            skip_code: false,
            max,
        }
    }

    /// Whether it holds all it needs: the events after it are not read.
    pub fn full(&self) -> bool {
        self.out.len() > self.max * 4 + 64
    }

    /// The next event of the body.
    pub fn feed(&mut self, event: &Event<'_>) {
        if self.full() {
            return;
        }
        let out = &mut self.out;
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                self.skip_code = lang.starts_with("dataview");
            }
            Event::End(TagEnd::CodeBlock) => {
                self.skip_code = false;
                out.push(' ');
            }
            Event::Text(t) | Event::Code(t) if !self.skip_code => {
                out.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }

    /// The text: its words, without wikilink brackets and highlight marks, up to `max` characters.
    pub fn finish(self) -> String {
        words_within(&self.out, self.max)
    }
}

/// The words of `text` (split at Unicode white space), without `[[`, `]]` and `==`, one space
/// between them, as many as `max` characters hold. One pass over the bytes of the words kept: a
/// word ends at ASCII white space or at a character of another script that Unicode counts as white
/// space, and its characters are the bytes that do not continue one.
fn words_within(text: &str, max: usize) -> String {
    // Room for `max` characters of ASCII: the text is kept with the page data of every note.
    let mut body = String::with_capacity(text.len().min(max + 8));
    let mut chars = 0;
    let mut rest = skip_space(text);
    while !rest.is_empty() {
        let word = Word::of(rest);
        let (kept, len) = (&rest[..word.end], word.chars);
        rest = skip_space(&rest[word.end..]);
        let cleaned;
        let (kept, len) = if word.marked {
            cleaned = kept.replace("[[", "").replace("]]", "").replace("==", "");
            (cleaned.as_str(), cleaned.chars().count())
        } else {
            (kept, len)
        };
        if chars + len + 1 > max {
            break;
        }
        if !body.is_empty() {
            body.push(' ');
            chars += 1;
        }
        body.push_str(kept);
        chars += len;
    }
    body
}

/// `s` after the white space it starts with.
fn skip_space(s: &str) -> &str {
    match s.bytes().position(|b| !matches!(b, b'\t'..=b'\r' | b' ')) {
        // At a character beyond ASCII, which may be white space too.
        Some(at) if s.as_bytes()[at] >= 0x80 => s[at..].trim_start(),
        Some(at) => &s[at..],
        None => "",
    }
}

/// The word a text starts with.
struct Word {
    /// Where it ends: at white space, or at the end.
    end: usize,
    /// Its characters.
    chars: usize,
    /// Whether it has a `[`, `]` or `=` (then maybe a mark to take out).
    marked: bool,
}

impl Word {
    fn of(s: &str) -> Word {
        let mut word = Word {
            end: s.len(),
            chars: 0,
            marked: false,
        };
        for (i, &b) in s.as_bytes().iter().enumerate() {
            if b < 0x80 {
                // `char::is_whitespace` of ASCII: tab to carriage return, and space.
                if matches!(b, b'\t'..=b'\r' | b' ') {
                    word.end = i;
                    break;
                }
                word.marked |= matches!(b, b'[' | b']' | b'=');
                word.chars += 1;
            } else if b >= 0xC0 {
                // The first byte of a character beyond ASCII.
                if s[i..].chars().next().is_some_and(char::is_whitespace) {
                    word.end = i;
                    break;
                }
                word.chars += 1;
            }
        }
        word
    }
}

/// The search documents of the notes in `only` (every note when `None`), then those of the people
/// without a note. `bodies` holds the search text of the notes whose pages were made, by note
/// ([`PlainText`]); the others' is made here. Documents are numbered in order: with `only`, the
/// caller merges them into the index it holds and numbers them again.
pub fn documents(
    r: &Renderer<'_>,
    only: Option<&std::collections::BTreeSet<crate::index::NoteIdx>>,
    mut bodies: Vec<Option<String>>,
) -> Vec<SearchDoc> {
    use rayon::prelude::*;
    let crm = r.crm;
    let selected: Vec<(usize, Option<String>)> = match only {
        Some(set) => set
            .iter()
            .copied()
            .filter(|&i| i < r.index.notes.len())
            .map(|i| (i, bodies.get_mut(i).and_then(Option::take)))
            .collect(),
        None => (0..r.index.notes.len())
            .map(|i| (i, bodies.get_mut(i).and_then(Option::take)))
            .collect(),
    };
    let mut docs: Vec<SearchDoc> = selected
        .into_par_iter()
        .map(|(i, body)| {
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
                body: body.unwrap_or_else(|| {
                    plain_body(r.clean_text(i), note.body_start, MAX_BODY_CHARS)
                }),
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
        meta.push(c.value.name(r.crm, r.index).to_string());
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::plain_body;

    /// A page's search text comes from the events its body is rendered from: it is what `plain_body`
    /// makes of the whole body, with an opening title (not on the page) or without, with comments,
    /// queries, tables, code and reference links, and for a body longer than the text kept.
    #[test]
    fn a_pages_search_text_is_what_plain_body_makes_of_its_body() {
        use crate::index::Index;
        let long = format!(
            "# Long\n\n{}",
            "Word [[Other]] and `code` and ==mark==.\n\n".repeat(400)
        );
        let texts = [
            ("Titled.md", "---\nx: 1\n---\n\n# **Titled** [[Other]]\n\nSome *text* [[Other|shown]] `code`.\n\n```dataview\nLIST\n```\n\n| a | b |\n|---|---|\n| c | d |\n\n%% hidden %%\nafter\n"),
            ("Other.md", "No title, [[Titled]] and ==marks== [x][ref].\n\n[ref]: https://example.com\n\n- [ ] a task [due:: 2026-01-01]\n  - nested\n"),
            ("Heading Not Title.md", "# Something else\n\nBody text here.\n"),
            ("Long.md", long.as_str()),
            ("Empty.md", ""),
            ("Fields.md", "Key:: value\n(inline:: field) in a line; Ünïcödé wörds\n"),
        ];
        let index = Index::build(crate::vault::Vault::of_texts(&texts));
        let config = crate::config::Config::default();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let crm = crate::crm::build(&index, &config, today);
        let rendered = crate::render::render_each(
            &index,
            &crm,
            &config,
            today,
            &crate::render::Selection::default(),
            &|_| Ok::<(), ()>(()),
        )
        .unwrap();
        for (note, doc) in index.notes.iter().zip(&rendered.search) {
            let clean = crate::vault::scan::strip_comments(&note.text);
            let want = plain_body(&clean, note.body_start, super::MAX_BODY_CHARS);
            assert_eq!(doc.body, want, "{}", note.id.as_str());
        }
        // The title's heading is in it, the comment and the query are not.
        assert_eq!(
            rendered.search[index.note_by_path("Titled.md").unwrap()].body,
            "Titled Other Some text shown code. a b c d after"
        );
    }

    #[test]
    fn body_text_without_markup_or_queries() {
        let text = "---\nx: 1\n---\n# Title\n\nSome **bold** [[Link|text]] and `code`.\n\n```dataview\nLIST FROM \"x\"\n```\n\n| a | b |\n|---|---|\n| c | d |\n";
        let start = text.find("# Title").unwrap();
        let body = plain_body(text, start, 1000);
        assert_eq!(body, "Title Some bold text and code. a b c d");
        assert_eq!(plain_body(text, start, 14), "Title Some");
    }

    /// The words kept are those of splitting at Unicode white space, cleaning each and counting
    /// characters, whatever the text holds: ASCII or not, vertical tabs, no-break spaces, marks
    /// split across words.
    #[test]
    fn words_within_splits_cleans_and_counts_as_characters_do() {
        let reference = |text: &str, max: usize| {
            let mut body = String::new();
            let mut chars = 0;
            for w in text.split_whitespace() {
                let w = w.replace("[[", "").replace("]]", "").replace("==", "");
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
        };
        let pieces = [
            "word", " ", "\t", "\n", "\u{0B}", "\u{A0}", "[[", "]]", "==", "=", "[", "é", "✓", "ab",
        ];
        // Every text of up to four pieces, then longer ones built the same way.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts = longer;
            for t in &texts {
                for max in [0, 1, 3, 5, 8, 100] {
                    assert_eq!(
                        super::words_within(t, max),
                        reference(t, max),
                        "{t:?} {max}"
                    );
                }
            }
        }
        let long = "See [[Apex]] ==now== and  then\u{A0}é x\u{0B}y ".repeat(100);
        for max in [10, 77, 1200] {
            assert_eq!(super::words_within(&long, max), reference(&long, max));
            let ascii = long.replace(['\u{A0}', '\u{0B}', 'é'], " ");
            assert_eq!(super::words_within(&ascii, max), reference(&ascii, max));
        }
    }
}
