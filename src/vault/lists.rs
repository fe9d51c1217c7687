//! List items and tasks (DATAVIEW.md §10): the checkbox status, the item's own text, emoji date
//! shorthands. Works on the raw source of one item, since pulldown-cmark only knows `[ ]` and `[x]`.

use crate::value::{parse, Value};
use std::collections::BTreeMap;

/// The checkbox of a list item's first line: `- [x] text` → `Some('x')`, and the byte offset (within
/// `line`) where the item text starts.
pub fn checkbox(line: &str) -> (Option<char>, usize) {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let marker_len = if trimmed.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        match trimmed.as_bytes().get(digits) {
            Some(b'.') | Some(b')') if digits > 0 => digits + 1,
            _ => 0,
        }
    };
    let after_marker = &trimmed[marker_len..];
    let gap = after_marker.len() - after_marker.trim_start().len();
    let text_start = indent + marker_len + gap;
    let rest = &line[text_start..];
    let mut chars = rest.chars();
    if let (Some('['), Some(c), Some(']')) = (chars.next(), chars.next(), chars.next()) {
        let after = chars.as_str();
        if after.is_empty() || after.starts_with([' ', '\t']) {
            let skip = rest.len() - after.len();
            let gap = after.len() - after.trim_start().len();
            return (Some(c), text_start + skip + gap);
        }
    }
    (None, text_start)
}

/// Emoji date shorthands on tasks (§10.2) and the field each sets.
const EMOJI_FIELDS: [(&str, &str); 9] = [
    ("📅", "due"),
    ("📆", "due"),
    ("🗓️", "due"),
    ("🗓", "due"),
    ("⏳", "scheduled"),
    ("⌛", "scheduled"),
    ("🛫", "start"),
    ("✅", "completion"),
    ("➕", "created"),
];

/// Fields from emoji shorthands followed by an optional space and `YYYY-MM-DD`.
pub fn emoji_fields(text: &str) -> BTreeMap<String, Value> {
    let mut fields = BTreeMap::new();
    let bytes = text.as_bytes();
    // Every shorthand starts with one of these bytes; most tasks have neither.
    if memchr::memchr2(0xE2, 0xF0, bytes).is_none() {
        return fields;
    }
    for (emoji, field) in EMOJI_FIELDS {
        // Found from the places of its first byte: a substring searcher set up for each of nine
        // shorthands on each task cost more than the search. (A shorthand cannot overlap itself: these
        // are its matches in order, as `match_indices` gives them.)
        let e = emoji.as_bytes();
        let found = memchr::memchr_iter(e[0], bytes).filter(|&i| bytes[i..].starts_with(e));
        for i in found {
            let rest = text[i + emoji.len()..].trim_start_matches([' ', '\u{FE0F}']);
            if let Some(date) = rest.get(..10).and_then(parse::date) {
                fields.entry(field.to_string()).or_insert(Value::Date(date));
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkbox_status_and_text_start() {
        assert_eq!(checkbox("- [ ] open"), (Some(' '), 6));
        assert_eq!(checkbox("  * [x] done"), (Some('x'), 8));
        assert_eq!(checkbox("1. [/] half"), (Some('/'), 7));
        assert_eq!(checkbox("- [-] dropped"), (Some('-'), 6));
        assert_eq!(checkbox("- plain"), (None, 2));
        assert_eq!(checkbox("- [link](x)"), (None, 2));
        assert_eq!(checkbox("- [ ]"), (Some(' '), 5));
    }

    #[test]
    fn emoji_dates() {
        let f = emoji_fields("Send deck 📅 2026-01-09 ⏳2026-01-05 ✅ 2026-01-08 🛫 bad");
        assert_eq!(f.len(), 3);
        assert!(matches!(f["due"], Value::Date(_)));
        assert!(matches!(f["scheduled"], Value::Date(_)));
        assert!(f.contains_key("completion") && !f.contains_key("start"));
        // The first shorthand of a field in the list's order wins, then the first place.
        let f = emoji_fields("🗓️ 2026-02-02 📆 2026-03-03 📅 bad 📅 2026-04-04 📅 2026-05-05");
        assert_eq!(f["due"], Value::Date(parse::date("2026-04-04").unwrap()));
        assert!(emoji_fields("no shorthand here").is_empty());
    }
}
