//! Link resolution: a small fixed vault (`common`) plus one note whose bytes are the input is indexed
//! (every link of every note resolved with Obsidian's rules, backlinks, tags, link values in front
//! matter and fields), the input is resolved as link text, and the input note's Dataview blocks and
//! inline queries are run from it.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use dossier::dataview::{self, Context, Pages};
use dossier::index::Target;
use dossier::vault::QueryKind;
use libfuzzer_sys::fuzz_target;

const PATH: &str = "Customers/Fuzz Note.md";

fuzz_target!(|data: &[u8]| {
    let index = common::index(Some((PATH, data)));
    // `publish: false` is decided in vault::load, so the note is always indexed.
    let me = index.note_by_path(PATH).expect("the input note is indexed");
    assert_eq!(index.links.len(), index.notes.len());
    assert_eq!(index.links[me].len(), index.notes[me].links.len());
    for resolved in index.links[me].iter() {
        match &resolved.target {
            Target::Note(n) => assert!(*n < index.notes.len()),
            Target::Attachment(a) => assert!(*a < index.attachments.len()),
            _ => {}
        }
    }
    let _ = index.inlinks(me);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = index.resolve(me, text);
        let _ = dossier::find_note(&index, text);
        if let Some(line) = text.lines().next() {
            let _ = index.resolve(me, line);
        }
    }
    let queries = &index.notes[me].queries;
    if queries.is_empty() {
        return;
    }
    let pages = Pages::build(&index);
    let ctx = Context {
        index: &index,
        pages: &pages,
        this: Some(me),
        today: common::today(),
    };
    for q in queries {
        match q.kind {
            QueryKind::Dataview => {
                if let Ok(query) = dataview::parse(&q.source) {
                    let _ = dataview::execute(&query, &ctx);
                }
            }
            QueryKind::Inline => {
                let _ = dataview::evaluate_inline(&q.source, &ctx);
            }
            QueryKind::DataviewJs => {}
        }
    }
});
