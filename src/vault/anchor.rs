//! Heading anchors: the `id` a heading gets and what `[[Note#Heading]]` lands on. One function, used by
//! `vault/` when it records headings and by `render/` when it writes them.

use foldhash::{HashMap, HashSet};

/// The anchor of a heading text: lower-cased, whitespace runs as `-`, punctuation dropped except `-` and
/// `_`, letters of every script kept (`Key Facts` → `key-facts`, `Q&A: 2026?` → `qa-2026`). Never empty.
pub fn heading_anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            pending_dash = !out.is_empty();
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Gives each heading of one note a unique anchor: repeats get `-1`, `-2`, … in document order.
#[derive(Debug, Default)]
pub struct Anchors {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Anchors {
    pub fn next(&mut self, text: &str) -> String {
        let base = heading_anchor(text);
        let mut candidate = base.clone();
        while self.used.contains(&candidate) {
            let n = self.next_suffix.entry(base.clone()).or_insert(1);
            candidate = format!("{base}-{n}");
            *n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_slugs_of_heading_text() {
        assert_eq!(heading_anchor("Key Facts"), "key-facts");
        assert_eq!(heading_anchor("Q&A: 2026?"), "qa-2026");
        assert_eq!(heading_anchor("Topics / Themes"), "topics-themes");
        assert_eq!(heading_anchor("  Über   Straße "), "über-straße");
        assert_eq!(heading_anchor("???"), "section");
    }

    #[test]
    fn repeated_headings_get_suffixes() {
        let mut a = Anchors::default();
        assert_eq!(a.next("Notes"), "notes");
        assert_eq!(a.next("Notes"), "notes-1");
        assert_eq!(a.next("Notes"), "notes-2");
        assert_eq!(a.next("Notes 1"), "notes-1-1");
    }
}
