//! One note's bytes through decoding, front matter, the Obsidian syntax scanner and the note parser.
#![no_main]

use dossier::vault::{parse, scan, FileMeta, ItemText, NoteId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut diags = Vec::new();
    let text = parse::decode(data, "fuzz.md", &mut diags);
    let _ = scan::inline_tokens(&text);
    let _ = scan::strip_comments(&text);
    for line in text.lines().take(64) {
        let _ = scan::plain_text(line);
    }
    let note = parse::parse_note(
        NoteId("Folder/fuzz.md".into()),
        text,
        FileMeta::default(),
        diags,
    );
    // Offsets the later stages slice with must stay inside the text and on char boundaries.
    let t = &note.text;
    assert!(note.body_start <= t.len() && t.is_char_boundary(note.body_start));
    for q in &note.queries {
        assert!(t.get(q.span.clone()).is_some(), "query span {:?}", q.span);
    }
    for item in &note.list_items {
        assert!(
            t.get(item.span.clone()).is_some(),
            "list item span {:?}",
            item.span
        );
        if let ItemText::Span(range) = &item.text {
            assert!(t.get(range.clone()).is_some(), "item text {range:?}");
        }
    }
    for link in &note.links {
        let _ = (link.target(), link.subpath(), link.display());
    }
});
