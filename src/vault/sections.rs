//! `strip_sections`: sections whose heading the config names are blanked before a note is parsed, so
//! their text never enters the Index and no later stage (pages, briefs, search, embeds) can show it.

use pulldown_cmark::{Event, Tag, TagEnd};

/// `text` with each section headed by one of `names` (case-insensitive, surrounding `#`/space ignored)
/// replaced by blanks up to the next heading of the same or a higher level. Newlines are kept so that
/// line numbers stay right.
pub fn strip(text: &str, body_start: usize, names: &[String]) -> String {
    if names.is_empty() {
        return text.to_string();
    }
    let wanted: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let body = &text[body_start..];
    // (start, level, heading text) of every heading.
    let mut headings: Vec<(usize, u8, String)> = Vec::new();
    let mut current: Option<(usize, u8, String)> = None;
    for (event, range) in super::chunks::offset_events(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((range.start, level as u8, String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.2.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            _ => {}
        }
    }
    let mut out = text.as_bytes().to_vec();
    let mut blanked = false;
    for (i, (start, level, title)) in headings.iter().enumerate() {
        if !wanted.contains(&title.trim().to_lowercase()) {
            continue;
        }
        let end = headings[i + 1..]
            .iter()
            .find(|(_, l, _)| l <= level)
            .map_or(body.len(), |(s, _, _)| *s);
        for b in &mut out[body_start + start..body_start + end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        blanked = true;
    }
    if !blanked {
        return text.to_string();
    }
    // Whole characters were replaced byte by byte with ASCII spaces: the result is UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_named_sections_to_the_next_peer_heading() {
        let text = "# A\nkeep\n## Internal Notes\nsecret\n### Sub\nsecret too\n## Next\nkept\n";
        let out = strip(text, 0, &["internal notes".into()]);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("secret"), "{out}");
        assert!(out.contains("keep") && out.contains("## Next\nkept"));
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(strip(text, 0, &[]), text);
    }
}
