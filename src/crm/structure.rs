//! The parts of a note the CRM model reads beside what its parse found (`vault::Note`): sections under
//! a heading, placeholder text left by templates, and a note's first sentence. All positions are byte
//! offsets into the note's comment-free text (the text `render/` renders).

use crate::vault::{scan, Note};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// The body of the section under each heading whose text is one of `names` (case-insensitive): from the
/// end of the heading line to the next heading of the same or a higher level.
pub fn sections(note: &Note, names: &[String]) -> Vec<Range<usize>> {
    note.headings
        .iter()
        .enumerate()
        .filter(|(_, h)| names.iter().any(|n| same_heading(n, &h.text)))
        .map(|(i, h)| section_of(note, i, h.span.end))
        .collect()
}

/// Whether a configured heading name matches a heading's text (case and surrounding space ignored).
pub fn same_heading(name: &str, heading: &str) -> bool {
    name.trim().eq_ignore_ascii_case(heading.trim())
}

/// The range of the section of heading `i`, starting at `start`.
fn section_of(note: &Note, i: usize, start: usize) -> Range<usize> {
    let level = note.headings[i].level;
    let end = note.headings[i + 1..]
        .iter()
        .find(|h| h.level <= level)
        .map_or(note.text.len(), |h| h.span.start);
    start.min(end)..end
}

/// Whether a range of markdown holds nothing but template prompts: blank lines, lines that are wholly
/// italic (`_What are the next steps?_`), `_Unknown_`-style values, and table rows whose values are all
/// such placeholders.
pub fn is_placeholder(text: &str) -> bool {
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let is_separator = |l: &str| {
        let l = l.trim();
        l.starts_with('|')
            && cells(l)
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
    };
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().enumerate().all(|(i, line)| {
        let l = line.trim();
        if l.is_empty() || is_placeholder_value(l) || is_separator(l) {
            return true;
        }
        if l.starts_with('|') {
            // A header row (the separator follows), or a row whose every value cell is a placeholder.
            let header = lines.get(i + 1).is_some_and(|next| is_separator(next));
            let row = cells(l);
            return header || (row.len() >= 2 && row[1..].iter().all(|c| is_placeholder_value(c)));
        }
        false
    })
}

/// `_Unknown_`, `*TBD*`, `-`, `—`, `n/a`, or any wholly italic text.
pub fn is_placeholder_value(text: &str) -> bool {
    let t = text.trim().trim_start_matches("- ").trim();
    if t.is_empty() || matches!(t, "-" | "—" | "–" | "?") {
        return true;
    }
    let lower = t.to_lowercase();
    if matches!(
        lower.trim_matches(|c| c == '_' || c == '*'),
        "unknown" | "tbd" | "n/a" | "none" | "todo"
    ) {
        return true;
    }
    let italic = |m: &str| {
        t.len() > 2 * m.len()
            && t.starts_with(m)
            && t.ends_with(m)
            && !t[m.len()..t.len() - m.len()].contains(m)
    };
    (italic("_") || italic("*")) && !italic("**")
}

/// The first sentence of the note's prose: the first paragraph that is not a heading, an inline field
/// line (`Attendees:: …`), an embed or a placeholder, cut at the end of its first sentence and at
/// `max_chars`. `text` is the note's text without `%%comments%%`.
pub fn first_sentence(note: &Note, text: &str, max_chars: usize) -> Option<String> {
    // The paragraphs the note's parse found first; the rest, when none of them is prose, by parsing
    // the body again (a piece at a time: it stops at the first paragraph of prose).
    let found = note.lead.paragraphs.iter();
    if let Some(s) = found
        .filter_map(|p| prose_sentence(text.get(p.clone())?, max_chars))
        .next()
    {
        return Some(s);
    }
    if !note.lead.more {
        return None;
    }
    let body = text.get(note.body_start..)?;
    let mut para: Option<usize> = None;
    for (event, r) in crate::vault::chunks::offset_events_lazily(body) {
        match event {
            Event::Start(Tag::Paragraph) => para = Some(r.start),
            Event::End(TagEnd::Paragraph) => {
                let Some(start) = para.take() else { continue };
                if let Some(s) = prose_sentence(&body[start..r.end], max_chars) {
                    return Some(s);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first sentence of the paragraph `raw`, its inline field lines and embeds left out; `None` when
/// nothing is left or what is left is a placeholder.
fn prose_sentence(raw: &str, max_chars: usize) -> Option<String> {
    // The prose lines joined with spaces, then its words with one space between them.
    let mut prose = String::with_capacity(raw.len());
    let lines = raw
        .lines()
        .filter(|l| !l.contains("::") && !l.trim_start().starts_with("![["));
    for (n, line) in lines.enumerate() {
        if n > 0 {
            prose.push(' ');
        }
        prose.push_str(line);
    }
    let mut plain = String::with_capacity(prose.len());
    for word in scan::plain_text(&prose).split_whitespace() {
        if !plain.is_empty() {
            plain.push(' ');
        }
        plain.push_str(word);
    }
    if plain.is_empty() || is_placeholder_value(&plain) {
        return None;
    }
    Some(cut_sentence(&plain, max_chars))
}

/// `text` up to the end of its first sentence (`. `, `! `, `? `), at most `max_chars` characters
/// (then cut at a word and ended with `…`).
pub fn cut_sentence(text: &str, max_chars: usize) -> String {
    let end = text
        .match_indices(['.', '!', '?'])
        .find(|(i, _)| text[i + 1..].starts_with(' ') || *i + 1 == text.len())
        .map_or(text.len(), |(i, _)| i + 1);
    let sentence = &text[..end];
    if sentence.chars().count() <= max_chars {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(max_chars).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

/// Splits a topics section into its phrases: comma, semicolon or line separated, list markers and link
/// brackets dropped, placeholders skipped.
pub fn phrases(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| {
            let plain = scan::plain_text(line);
            plain
                .split([',', ';'])
                .map(|p| p.trim().trim_end_matches('.').trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty() && !is_placeholder_value(p) && !p.starts_with('|'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note's gist is the first paragraph of prose, however many paragraphs come before it (the
    /// note's parse keeps the first few), in a quote or a loose list too, comments left out.
    #[test]
    fn first_sentence_after_any_number_of_paragraphs_without_prose() {
        use crate::vault::{parse::parse_note, FileMeta, NoteId};
        let gist = |text: &str| {
            let note = parse_note(
                NoteId("m.md".into()),
                text.into(),
                FileMeta::default(),
                vec![],
            );
            let clean = crate::vault::scan::strip_comments(&note.text);
            first_sentence(&note, &clean, 40)
        };
        let fields = |n: usize| "Who:: [[A]]\n\n![[Embed]]\n\n".repeat(n);
        for n in 0..6 {
            let text = format!(
                "---\ntype: meeting\n---\n# Title\n\n{}Done. More.\n",
                fields(n)
            );
            assert_eq!(gist(&text).as_deref(), Some("Done."), "{n} before");
            assert_eq!(gist(&fields(n)), None, "{n}, no prose");
        }
        assert_eq!(
            gist("> Quoted [[A|a]] gist. Then.\n").as_deref(),
            Some("Quoted a gist.")
        );
        assert_eq!(gist("- x\n\n- In a *loose* list.\n").as_deref(), Some("x"));
        assert_eq!(
            gist("Shown %%hidden.%% text here.\n").as_deref(),
            Some("Shown text here.")
        );
        assert_eq!(
            gist("TBD\n\nThe real one is a long sentence that goes on").as_deref(),
            Some("The real one is a long sentence that…")
        );
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(
            "\n_Brief description of this customer..._\n\n"
        ));
        assert!(is_placeholder(
            "| Field | Value |\n|---|---|\n| **Status** | _Unknown_ |\n"
        ));
        assert!(!is_placeholder("- ❌ Funding round not closed\n"));
        assert!(!is_placeholder("Some _emphasis_ inside prose.\n"));
        assert!(is_placeholder_value("_Unknown_"));
        assert!(is_placeholder_value("TBD"));
        assert!(!is_placeholder_value("**Bold fact**"));
    }

    #[test]
    fn sentences() {
        assert_eq!(
            cut_sentence("Usage grew 38% q/q. Elena confirmed.", 200),
            "Usage grew 38% q/q."
        );
        assert_eq!(
            cut_sentence("Version 2.5 ships now", 200),
            "Version 2.5 ships now"
        );
        assert_eq!(cut_sentence("one two three four five six", 12), "one two…");
    }

    #[test]
    fn topic_phrases() {
        assert_eq!(
            phrases("GPU data pipelines, [[Spark]] integration; edge caching.\n_TBD_\n"),
            vec!["GPU data pipelines", "Spark integration", "edge caching"]
        );
    }
}
