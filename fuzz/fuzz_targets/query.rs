//! The Dataview parser and evaluator on arbitrary text: never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = dossier::dataview::parse(text);
        let _ = dossier::dataview::parser::parse_expression(text);
    }
});
