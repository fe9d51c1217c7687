//! `strip_sections`: sections whose heading the config names are blanked before a note is parsed, so
//! their text never enters the Index and no later stage (pages, briefs, search, embeds) can show it.

use pulldown_cmark::{Event, Tag, TagEnd};

/// `text` with each section headed by one of `names` (case-insensitive, surrounding `#`/space ignored)
/// replaced by blanks up to the next heading of the same or a higher level. Newlines are kept so that
/// line numbers stay right. A note with no heading that could read one of the names ([`may_head`],
/// most notes) is given back as it is, without a parse.
pub fn strip(text: String, names: &[String]) -> String {
    if names.is_empty() {
        return text;
    }
    let body_start = super::frontmatter::body_start(&text);
    let wanted: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    if !wanted.iter().any(|w| may_head(&text[body_start..], w)) {
        return text;
    }
    blank(&text, body_start, &wanted).unwrap_or(text)
}

/// `text` with the sections headed by one of `wanted` (trimmed, lowercase) blanked, found by parsing
/// its body; `None` when no heading is one of them.
fn blank(text: &str, body_start: usize, wanted: &[String]) -> Option<String> {
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
    // Whole characters were replaced byte by byte with ASCII spaces: the result is UTF-8.
    blanked.then(|| {
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

/// Setext heading text longer than this is not looked into: [`may_head`] answers yes.
const MAX_SETEXT_TEXT: usize = 4 << 10;

/// Whether a heading of `body` could read `wanted` (trimmed, lowercase), found without parsing:
/// `false` only when none can. A heading's text is made of its text and code spans, which are pieces
/// of its lines in order (but for an entity or a backslash escape, and a code span's line break read
/// as a space), so `wanted` can be a heading's only where it is a subsequence, case aside, of the
/// lines a heading could be made of:
/// - an ATX heading's line: one whose first character after the marks of block quotes and list
///   items is `#`, or one that opens a footnote definition (`[^`), whose content may be a heading;
/// - a setext heading's lines: those above a line of `=` or `-`, up to the last blank line.
///
/// Where a line may read otherwise (an entity, an escape, a byte that is not ASCII, a carriage
/// return that does not end the line) or `wanted` is not ASCII, the answer is yes.
fn may_head(body: &str, wanted: &str) -> bool {
    if !wanted.is_ascii() {
        return true;
    }
    let bytes = body.as_bytes();
    let returns = memchr::memchr(b'\r', bytes).is_some();
    let mut paragraph = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for end in ends {
        let line_start = start;
        let line = &bytes[start..end];
        start = end + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if returns && memchr::memchr(b'\r', line).is_some() {
            // A carriage return alone ends a line too: the lines are not what they seem.
            return true;
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            paragraph = start;
            continue;
        }
        let content = trim_start(line, b" \t>*+-0123456789.):");
        let candidate: &[u8] = if content.first() == Some(&b'#') || content.starts_with(b"[^") {
            line
        } else if is_underline(line) {
            &bytes[paragraph..line_start]
        } else {
            continue;
        };
        if candidate.len() > MAX_SETEXT_TEXT || could_read(candidate, wanted.as_bytes()) {
            return true;
        }
    }
    false
}

/// `line` without the leading bytes in `set`.
fn trim_start<'a>(line: &'a [u8], set: &[u8]) -> &'a [u8] {
    let n = line.iter().take_while(|b| set.contains(b)).count();
    &line[n..]
}

/// A setext heading's underline, as far as it can be told from the line alone: after any block quote
/// marks and indent, a run of `=` or of `-`, then only spaces.
fn is_underline(line: &[u8]) -> bool {
    let rest = trim_start(line, b" \t>");
    let Some(&mark @ (b'=' | b'-')) = rest.first() else {
        return false;
    };
    let rest = trim_start(rest, &[mark]);
    rest.iter().all(|&b| b == b' ' || b == b'\t')
}

/// Whether heading text made from `lines` could read `wanted` (ASCII, lowercase): yes where a byte may
/// read otherwise (an entity, an escape, a byte that is not ASCII, a control character), else whether
/// `wanted` is a subsequence of `lines`, case aside, a line break or a tab standing for a space.
fn could_read(lines: &[u8], wanted: &[u8]) -> bool {
    let mut want = wanted.iter().peekable();
    for &b in lines {
        if b == b'&'
            || b == b'\\'
            || !b.is_ascii()
            || (b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r'))
        {
            return true;
        }
        if let Some(&&w) = want.peek() {
            let b = b.to_ascii_lowercase();
            if b == w || (w == b' ' && matches!(b, b'\t' | b'\n' | b'\r')) {
                want.next();
            }
        }
    }
    want.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_named_sections_to_the_next_peer_heading() {
        let text = "# A\nkeep\n## Internal Notes\nsecret\n### Sub\nsecret too\n## Next\nkept\n";
        let out = strip(text.to_string(), &["internal notes".into()]);
        assert_eq!(out.len(), text.len());
        assert!(!out.contains("secret"), "{out}");
        assert!(out.contains("keep") && out.contains("## Next\nkept"));
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(strip(text.to_string(), &[]), text);
        // After the front matter, whose lines are not the body's.
        let note = format!("---\ntitle: Internal\nnotes: 1\n---\n{text}");
        let out = strip(note.clone(), &["Internal Notes ".into()]);
        assert!(out.starts_with("---\ntitle: Internal\nnotes: 1\n---\n# A\nkeep\n"));
        assert!(!out.contains("secret"), "{out}");
    }

    /// Whether `strip` would blank anything in `text` for the name `wanted`, found by the parse.
    fn parsed_heads(text: &str, wanted: &str) -> bool {
        let body_start = crate::vault::frontmatter::body_start(text);
        blank(text, body_start, &[wanted.to_string()]).is_some()
    }

    #[test]
    fn the_look_without_a_parse_misses_no_heading() {
        // Headings that read the name in every way a heading's text is made: each is looked at.
        let name = "internal notes";
        for text in [
            "## Internal Notes",
            "# INTERNAL NOTES #",
            "## Internal *Notes*",
            "## Inter**nal** No`tes`",
            "## [Internal Notes](https://x)",
            "## [[Internal Notes]]",
            "## [[x|Internal Notes]]",
            "## ![Internal Notes](a.png)",
            "> - 1. ## Internal Notes",
            "[^1]: ## Internal Notes\n\n[^1]",
            "Internal`\n`Notes\n---",
            "Internal Notes\n===",
            "> Internal Notes\n> ---",
            "- a\n\n  Internal Notes\n  ---",
            "`Internal\nNotes`\n===",
            "## Internal&#32;Notes",
            "## Internal&#x20;Notes",
            "Internal Notes\r===",
            "Internal Notes\r\n---\r\n",
        ] {
            assert!(parsed_heads(text, name), "{text:?}");
            assert!(may_head(text, name), "{text:?}");
        }
        // Headings the look cannot read without the parse: an escape, a character that is not
        // ASCII (a Kelvin sign is a `k` in lower case).
        for text in [
            "## Internal\\ Notes",
            "## Internal\u{a0}Notes",
            "## \u{212a}ey",
        ] {
            assert!(may_head(text, name), "{text:?}");
        }
        assert!(parsed_heads("## \u{212a}ey", "key") && may_head("## \u{212a}ey", "key"));
        // Notes with no such heading, as most are: no parse.
        for text in [
            "# 2023-01-02 - Apex sync\n\nAttendees:: [[Ivo]]\n\n## Notes\n\nInternal notes are kept elsewhere.\n",
            "## Action Items\n- [ ] [[Mesa Analytics#Key Facts]] #review\n",
            "Internal notes, said [[Ann#Notes]]\n\n---\n",
            "",
        ] {
            assert!(!may_head(text, name), "{text:?}");
            assert!(!parsed_heads(text, name), "{text:?}");
        }
    }

    #[test]
    fn the_look_without_a_parse_agrees_with_the_parse_on_every_short_text() {
        let check = |text: &str| {
            for wanted in ["ab", "a b", ""] {
                if parsed_heads(text, wanted) {
                    assert!(may_head(text, wanted), "{text:?} {wanted:?}");
                }
                let expected = blank(text, 0, &[wanted.to_string()]).unwrap_or_else(|| text.into());
                assert_eq!(
                    strip(text.to_string(), &[wanted.to_string()]),
                    expected,
                    "{text:?}"
                );
            }
        };
        // Every text of up to four characters of this alphabet, and of five of a smaller one.
        let grow = |alphabet: &[char], up_to: usize, check: &dyn Fn(&str)| {
            let mut texts = vec![String::new()];
            for _ in 0..up_to {
                texts = texts
                    .iter()
                    .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                    .collect();
                texts.iter().for_each(|t| check(t));
            }
        };
        let wide = [
            '#', 'a', 'b', 'B', ' ', '\n', '-', '=', '>', '`', '*', '[', ']', '^', ':', '&', '\\',
            '\r',
        ];
        grow(&wide, 4, &check);
        grow(
            &['#', 'a', 'b', ' ', '\n', '-', '=', '>', '`', '*'],
            5,
            &check,
        );
        // Longer texts, made by a fixed xorshift sequence: more lines, more containers.
        let pieces = [
            "a", "b", "A", " ", "\n", "\n\n", "## ", "#", "---", "===", "> ", "- ", "1. ", "`",
            "*", "[", "]", "[^1]: ", "&", "\\", "\r", "    ", "x", "[[", "]]", "|",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..30_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 14 + 2) {
                let r = state.rotate_left(k as u32 * 5);
                text.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            check(&text);
        }
    }
}
