//! One note's bytes through decoding, front matter, the Obsidian syntax scanner and the note parser.
#![no_main]

use dossier::vault::{parse, scan, FileMeta, NoteId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut diags = Vec::new();
    let text = parse::decode(data, "fuzz.md", &mut diags);
    let _ = scan::inline_tokens(&text);
    let _ = scan::strip_comments(&text);
    let _ = parse::parse_note(NoteId("fuzz.md".into()), text, FileMeta::default(), diags);
});
