//! Front matter and field values: the input as the YAML block of a note (split, serde_yaml, Dataview
//! typing, aliases and tags), and as a front matter string, an inline field value, a date, a duration
//! and a link (the public value parsers every stage shares).
#![no_main]

use dossier::value::parse as value;
use dossier::vault::{parse, FileMeta, NoteId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let text = format!("---\n{yaml}\n---\n# Body\n\nfield:: {yaml}\n");
    let note = parse::parse_note(
        NoteId("fuzz.md".into()),
        text,
        FileMeta::default(),
        Vec::new(),
    );
    assert!(note.body_start <= note.text.len());
    let _ = value::frontmatter_string(yaml);
    let _ = value::inline_value(yaml);
    let _ = value::date(yaml);
    if let Some(d) = value::duration(yaml) {
        let _ = value::normalize(d);
    }
    let _ = value::link(yaml);
    let _ = value::parse_link_inner(yaml, false);
});
