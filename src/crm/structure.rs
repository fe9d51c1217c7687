//! The parts of a note the CRM model reads: sections under a heading, markdown tables with their cells'
//! links, placeholder text left by templates, and a note's first sentence. All positions are byte offsets
//! into the note's comment-free text (the text `render/` renders).

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

/// One cell of a markdown table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell as plain text (emphasis and link brackets dropped).
    pub text: String,
    pub span: Range<usize>,
}

/// A markdown table: header cells and body rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The column whose header is one of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|c| {
            let h = c.text.trim().trim_matches(':').trim();
            names.iter().any(|n| n.eq_ignore_ascii_case(h))
        })
    }
}

/// Every table in `text[range]` (offsets stay those of `text`).
pub fn tables(text: &str, range: Range<usize>) -> Vec<Table> {
    let Some(source) = text.get(range.clone()) else {
        return Vec::new();
    };
    // A table needs a delimiter row: only the pieces of the note with one are parsed.
    let may_hold_table = |text: &str| text.contains('|') && text.lines().any(delimiter_row);
    if !may_hold_table(source) {
        return Vec::new();
    }
    tables_of(
        text,
        range.start,
        crate::vault::chunks::offset_events_where(source, may_hold_table),
    )
}

/// The tables of the events of `text[start..]`.
fn tables_of<'s>(
    text: &str,
    start: usize,
    events: impl Iterator<Item = (Event<'s>, Range<usize>)>,
) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut current: Option<Table> = None;
    let mut in_head = false;
    let mut row: Vec<Cell> = Vec::new();
    for (event, r) in events {
        let r = r.start + start..r.end + start;
        match event {
            Event::Start(Tag::Table(_)) => {
                current = Some(Table {
                    header: Vec::new(),
                    rows: Vec::new(),
                })
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::Start(Tag::TableCell) => row.push(Cell {
                text: scan::plain_text(&text[r.clone()]),
                span: r,
            }),
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some(t) = current.as_mut() {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) if !in_head => {
                if let Some(t) = current.as_mut() {
                    t.rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => tables.extend(current.take()),
            _ => {}
        }
    }
    tables
}

/// Whether `line` may be a table's delimiter row (`|---|:--:|`): after any quote markers and
/// indentation, only pipes, hyphens, colons and blanks, with a hyphen among them. A table needs one, so
/// a note without such a line is not parsed for tables (a link with a display text, `[[a|b]]`, puts a
/// pipe in most notes).
fn delimiter_row(line: &str) -> bool {
    let row = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    row.contains('-')
        && row
            .bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t' | b'\r'))
}

/// The first sentence of the note's prose: the first paragraph that is not a heading, an inline field
/// line (`Attendees:: …`), an embed or a placeholder, cut at the end of its first sentence and at
/// `max_chars`.
pub fn first_sentence(note: &Note, text: &str, max_chars: usize) -> Option<String> {
    let body = text.get(note.body_start..)?;
    let mut para: Option<usize> = None;
    // Parsed a piece at a time: the first paragraph is most often in the first few lines.
    for (event, r) in crate::vault::chunks::offset_events_lazily(body) {
        match event {
            Event::Start(Tag::Paragraph) => para = Some(r.start),
            Event::End(TagEnd::Paragraph) => {
                let Some(start) = para.take() else { continue };
                let raw = &body[start..r.end];
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
                    continue;
                }
                return Some(cut_sentence(&plain, max_chars));
            }
            _ => {}
        }
    }
    None
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

    /// A table is found wherever pulldown-cmark finds one, in a quote or a list too; a note whose only
    /// pipes are in links is not parsed for tables.
    #[test]
    fn tables_in_quotes_lists_and_none_in_links() {
        let count = |text: &str| super::tables(text, 0..text.len()).len();
        assert_eq!(count("| a | b |\n|---|:-:|\n| c | d |\n"), 1);
        assert_eq!(count("a | b\n-|-\nc | d\n"), 1);
        assert_eq!(count("> | a | b |\n> | --- | --- |\n> | c | d |\n"), 1);
        assert_eq!(
            count("- item\n\n  | a | b |\n  |---|---|\n  | c | d |\n"),
            1
        );
        assert_eq!(count("| a | b |\r\n|---|---|\r\n| c | d |\r\n"), 1);
        assert_eq!(
            count("See [[Acme|the account]] and [[Bob|him]].\n\n---\n"),
            0
        );
        assert!(super::delimiter_row("  > |:--| --: |"));
        // Only the pieces with a delimiter row are parsed: the tables are those of the whole.
        let notes = [
            "# A\n\n| a | b |\n|---|---|\n| [[x\\|y]] | d |\n\nText [[p|q]].\n\n- list\n\n  | e | f |\n  |--|--|\n  | 1 | 2 |\n\n> | g |\n> |---|\n> | 3 |\n\nafter\n",
            "| h |\n|---|\n| 4 |\nlazy line\n\n```\n| not | table |\n|---|---|\n```\n\n| i | j |\n| - | - |\n",
            "[ref]: https://example.com\n\n| k |\n|---|\n| [x][ref] |\n",
        ];
        for note in notes {
            let whole = super::tables_of(note, 0, crate::vault::chunks::offset_events(note));
            assert!(!whole.is_empty());
            assert_eq!(super::tables(note, 0..note.len()), whole, "{note:?}");
            let at = note.find('|').unwrap_or(0);
            let later =
                super::tables_of(note, at, crate::vault::chunks::offset_events(&note[at..]));
            assert_eq!(super::tables(note, at..note.len()), later, "{note:?}");
        }
        assert!(!super::delimiter_row("| a | b |"));
        assert!(!super::delimiter_row("||"));
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
