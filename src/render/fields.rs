//! Inline fields as Dataview shows them in reading view (DATAVIEW.md §11.5): a
//! `<span class="dataview inline-field">` holding the key (unless the `(key:: value)` form hides it) and
//! the value.
//!
//! A field inside one run of text (`[due:: 2026-01-09]`) is found by `scan::inline_tokens` while the
//! text is written. A field whose value holds a link, code or emphasis is several events, because
//! pulldown-cmark parses the `[[wikilink]]` inside `[owner:: [[Other]]]` or `Attendees:: [[A]], [[B]]`
//! on its own; [`splice`] handles those, working on the event stream:
//!
//! 1. The fields come from the note (`Note::fields`, found by `vault/` on the source), so that a page
//!    shows as a field exactly what Dataview queries read as one.
//! 2. Their source offsets are found in the text events whose text is the source itself (no escapes or
//!    entities there, so an offset maps to a byte of the text).
//! 3. Where the field's markers sit, the text is cut, the key text dropped, and the opening and closing
//!    markup inserted; the events of the value between them stay, so links in it are resolved and
//!    written like any other link. A field whose events would not nest (emphasis opened before it and
//!    closed inside it, a line break inside brackets) is left as text.

use super::html::escape;
use crate::vault::{FieldForm, InlineField};
use foldhash::{HashMap, HashSet};
use pulldown_cmark::{Event, Tag, TagEnd};
use std::ops::Range;

/// An event with its byte range in the note's text.
pub type Ev<'a> = (Event<'a>, Range<usize>);

/// Closes what [`open`] opened.
pub const CLOSE: &str = "</span></span>";

/// The markup that opens a rendered field and its value: the key is shown except in the
/// `(key:: value)` form.
pub fn open(key: &str, form: FieldForm) -> String {
    match form {
        FieldForm::Paren => "<span class=\"dataview inline-field\"><span class=\"dataview inline-field-standalone-value\">".into(),
        FieldForm::Bracket | FieldForm::Line => format!(
            "<span class=\"dataview inline-field\"><span class=\"dataview inline-field-key\">{}</span><span class=\"dataview inline-field-value\">",
            escape(key)
        ),
    }
}

/// Where a text event is cut.
#[derive(Debug, Clone)]
enum Cut {
    /// Text before `at` stays; the field's markup opens; the text resumes at `value` (spaces skipped).
    Open {
        at: usize,
        value: usize,
        html: String,
    },
    /// Text before `at` stays (trailing spaces dropped); the field closes; the `]` or `)` at `at` goes.
    Close { at: usize },
}

impl Cut {
    fn at(&self) -> usize {
        match self {
            Cut::Open { at, .. } | Cut::Close { at } => *at,
        }
    }
}

/// The edits [`splice`] makes, by event index.
#[derive(Debug, Default)]
struct Edits {
    cuts: HashMap<usize, Vec<Cut>>,
    /// Events dropped: the text and markup of a full-line field's key (`**Key**::`).
    dropped: HashSet<usize>,
    /// How many fields close just before the event at this index (or at the end).
    close_before: HashMap<usize, usize>,
}

/// The text events whose text is their source, by start offset, to find the event holding an offset.
struct TextIndex {
    spans: Vec<(usize, usize, usize)>,
}

impl TextIndex {
    fn new(events: &[Ev<'_>], source: &str) -> TextIndex {
        let mut spans: Vec<(usize, usize, usize)> = events
            .iter()
            .enumerate()
            .filter_map(|(i, (e, r))| match e {
                Event::Text(t) if source.get(r.clone()) == Some(&**t) => Some((r.start, r.end, i)),
                _ => None,
            })
            .collect();
        spans.sort_unstable();
        TextIndex { spans }
    }

    /// The index of the text event holding the byte at `offset`.
    fn find(&self, offset: usize) -> Option<usize> {
        let after = self.spans.partition_point(|s| s.0 <= offset);
        let (start, end, i) = *self.spans.get(after.checked_sub(1)?)?;
        (start <= offset && offset < end).then_some(i)
    }
}

/// Inline containers a field's value may hold whole (their start and end both inside it), and that
/// a block embed cannot split.
pub(super) fn opens_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

pub(super) fn closes_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Walks `events` from `from` to the end of the line: the index of the event that ends it (a line
/// break or the end of the block; `events.len()` at the end), when every inline container opened on
/// the way is closed on it too; `None` when the events would not nest in a field.
fn line_end(events: &[Ev<'_>], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(from) {
        match event {
            Event::Start(t) if opens_inline(t) => depth += 1,
            Event::End(t) if closes_inline(t) => depth = depth.checked_sub(1)?,
            Event::Text(_)
            | Event::Code(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::FootnoteReference(_) => {}
            _ => return (depth == 0).then_some(i),
        }
    }
    (depth == 0).then_some(events.len())
}

/// Do the events `range` nest whole, on one line?
fn nests_inline(events: &[Ev<'_>], range: Range<usize>) -> bool {
    let end = range.end;
    match events.get(..end) {
        Some(head) => line_end(head, range.start) == Some(end),
        None => false,
    }
}

/// Plans a bracketed or parenthesised field spread over several events.
fn plan_bracketed(
    field: &InlineField,
    events: &[Ev<'_>],
    texts: &TextIndex,
    source: &str,
    edits: &mut Edits,
) {
    let span = &field.span;
    let Some(sep) = source.get(span.clone()).and_then(|s| s.find("::")) else {
        return;
    };
    let (open_at, sep, close_at) = (span.start, span.start + sep, span.end.saturating_sub(1));
    let (Some(i_open), Some(i_sep), Some(i_close)) =
        (texts.find(open_at), texts.find(sep), texts.find(close_at))
    else {
        return;
    };
    // Within one text the field is written by `text_events`; the key must be plain text.
    if i_open == i_close || i_sep != i_open || !nests_inline(events, i_open + 1..i_close) {
        return;
    }
    edits.cuts.entry(i_open).or_default().push(Cut::Open {
        at: open_at,
        value: sep + 2,
        html: open(&field.key, field.form),
    });
    edits
        .cuts
        .entry(i_close)
        .or_default()
        .push(Cut::Close { at: close_at });
}

/// Key markup (`**`, `_`) or key text before a full-line field's `::`.
fn is_key_part(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_) => true,
        Event::Start(t) => matches!(t, Tag::Emphasis | Tag::Strong | Tag::Strikethrough),
        Event::End(t) => matches!(t, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough),
        _ => false,
    }
}

/// Plans a full-line field `Key:: value`: the key's events dropped, the field open where the key was
/// and closed at the end of the line.
fn plan_line(
    field: &InlineField,
    events: &[Ev<'_>],
    texts: &TextIndex,
    source: &str,
    edits: &mut Edits,
) {
    let span = &field.span;
    let Some(sep) = source.get(span.clone()).and_then(|s| s.find("::")) else {
        return;
    };
    let sep = span.start + sep;
    let Some(i_sep) = texts.find(sep) else {
        return;
    };
    let mut first = i_sep;
    while first > 0 && is_key_part(&events[first - 1].0) && events[first - 1].1.start >= span.start
    {
        first -= 1;
    }
    if !nests_inline(events, first..i_sep) {
        return;
    }
    let Some(end) = line_end(events, i_sep + 1) else {
        return;
    };
    edits.dropped.extend(first..i_sep);
    edits.cuts.entry(i_sep).or_default().push(Cut::Open {
        at: events[i_sep].1.start,
        value: sep + 2,
        html: open(&field.key, field.form),
    });
    *edits.close_before.entry(end).or_default() += 1;
}

/// The pieces of the text event `text` (at `range`) cut at `cuts`.
fn cut_text<'a>(text: &str, range: &Range<usize>, cuts: &mut [Cut], out: &mut Vec<Ev<'a>>) {
    cuts.sort_by_key(Cut::at);
    let base = range.start;
    let push_text = |out: &mut Vec<Ev<'a>>, from: usize, piece: &str| {
        if !piece.is_empty() {
            out.push((
                Event::Text(piece.to_string().into()),
                base + from..base + from + piece.len(),
            ));
        }
    };
    let mut cursor = 0usize;
    for cut in cuts.iter() {
        let at = cut.at().saturating_sub(base).max(cursor);
        let before = text.get(cursor..at).unwrap_or("");
        match cut {
            Cut::Open { value, html, .. } => {
                push_text(out, cursor, before);
                out.push((Event::InlineHtml(html.clone().into()), base + at..base + at));
                let value = value.saturating_sub(base).clamp(at, text.len());
                let rest = text.get(value..).unwrap_or("");
                cursor = value + (rest.len() - rest.trim_start().len());
            }
            Cut::Close { .. } => {
                push_text(out, cursor, before.trim_end());
                out.push((Event::InlineHtml(CLOSE.into()), base + at..base + at));
                cursor = (at + 1).min(text.len());
            }
        }
    }
    push_text(out, cursor, text.get(cursor..).unwrap_or(""));
}

/// Rewrites `events` (ranges are offsets into `source`, the note's text) so that the `fields` whose
/// value is more than one run of text render as Dataview fields. Fields inside one text run are left
/// to the text writer.
pub fn splice<'a>(events: Vec<Ev<'a>>, fields: &[InlineField], source: &str) -> Vec<Ev<'a>> {
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return events;
    };
    let covered = first.1.start..last.1.end.max(first.1.end);
    let mut in_range = fields
        .iter()
        .filter(|f| covered.contains(&f.span.start))
        .peekable();
    if in_range.peek().is_none() {
        return events;
    }
    let texts = TextIndex::new(&events, source);
    let mut edits = Edits::default();
    for field in in_range {
        match field.form {
            FieldForm::Line => plan_line(field, &events, &texts, source, &mut edits),
            FieldForm::Bracket | FieldForm::Paren => {
                plan_bracketed(field, &events, &texts, source, &mut edits)
            }
        }
    }
    if edits.cuts.is_empty() {
        return events;
    }
    let len = events.len();
    let mut out = Vec::with_capacity(len + 4 * edits.cuts.len());
    let close = |out: &mut Vec<Ev<'a>>, i: usize, at: usize| {
        for _ in 0..edits.close_before.get(&i).copied().unwrap_or(0) {
            out.push((Event::InlineHtml(CLOSE.into()), at..at));
        }
    };
    let mut end = 0;
    for (i, (event, range)) in events.into_iter().enumerate() {
        close(&mut out, i, range.start);
        end = range.end;
        if edits.dropped.contains(&i) {
            continue;
        }
        match (edits.cuts.get_mut(&i), &event) {
            (Some(cuts), Event::Text(text)) => cut_text(text, &range, cuts, &mut out),
            _ => out.push((event, range)),
        }
    }
    close(&mut out, len, end);
    out
}

/// [`splice`] applied as the events stream: events are moved by `shift` (the parser's offsets start
/// at the rendered range) and pass straight through, except that a block whose source holds a field
/// is gathered to its end and spliced whole. Only such a block is ever held (a field never crosses a
/// block), so a long note is not collected.
pub struct Spliced<'a, 'f, I: Iterator<Item = Ev<'a>>> {
    inner: I,
    shift: usize,
    fields: &'f [InlineField],
    /// Where each field starts, sorted.
    starts: Vec<usize>,
    source: &'f str,
    ready: std::collections::VecDeque<Ev<'a>>,
}

impl<'a, 'f, I: Iterator<Item = Ev<'a>>> Spliced<'a, 'f, I> {
    pub fn new(inner: I, shift: usize, fields: &'f [InlineField], source: &'f str) -> Self {
        let mut starts: Vec<usize> = fields.iter().map(|f| f.span.start).collect();
        starts.sort_unstable();
        Spliced {
            inner,
            shift,
            fields,
            starts,
            source,
            ready: std::collections::VecDeque::new(),
        }
    }

    fn pull(&mut self) -> Option<Ev<'a>> {
        let (event, r) = self.inner.next()?;
        Some((event, r.start + self.shift..r.end + self.shift))
    }

    /// Whether a field starts inside `range`.
    fn holds_field(&self, range: &Range<usize>) -> bool {
        let first = self.starts.partition_point(|&s| s < range.start);
        self.starts.get(first).is_some_and(|&s| s < range.end)
    }
}

impl<'a, I: Iterator<Item = Ev<'a>>> Iterator for Spliced<'a, '_, I> {
    type Item = Ev<'a>;

    fn next(&mut self) -> Option<Ev<'a>> {
        if let Some(ev) = self.ready.pop_front() {
            return Some(ev);
        }
        let (event, range) = self.pull()?;
        if !matches!(event, Event::Start(_)) || !self.holds_field(&range) {
            return Some((event, range));
        }
        let mut block = vec![(event, range)];
        let mut depth = 1usize;
        while depth > 0 {
            let Some(ev) = self.pull() else { break };
            match ev.0 {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            block.push(ev);
        }
        self.ready = splice(block, self.fields, self.source).into();
        self.ready.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::parse::parse_note;
    use crate::vault::{FileMeta, NoteId};
    use pulldown_cmark::Parser;

    /// `text` parsed as a note, spliced, and written with pulldown-cmark's own HTML (links as
    /// pulldown-cmark writes them, which is enough to see where the field markup lands).
    fn html(text: &str) -> String {
        let note = parse_note(
            NoteId("n.md".into()),
            text.into(),
            FileMeta::default(),
            vec![],
        );
        let mut events: Vec<Ev<'_>> = Vec::new();
        for (event, r) in Parser::new_ext(text, crate::vault::markdown_options()).into_offset_iter()
        {
            // Adjacent text is one run, as the renderer merges it.
            match (event, events.last_mut()) {
                (Event::Text(t), Some((Event::Text(prev), pr))) if pr.end == r.start => {
                    *prev = format!("{prev}{t}").into();
                    pr.end = r.end;
                }
                (event, _) => events.push((event, r)),
            }
        }
        let events = splice(events, &note.fields, text);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter().map(|(e, _)| e));
        out.trim().to_string()
    }

    const KEY: &str =
        "<span class=\"dataview inline-field\"><span class=\"dataview inline-field-key\">";
    const VALUE: &str = "</span><span class=\"dataview inline-field-value\">";

    #[test]
    fn a_bracketed_field_holding_a_link() {
        assert_eq!(
            html("Owner [owner:: [[Other]]] and more."),
            format!("<p>Owner {KEY}owner{VALUE}<a href=\"Other\">Other</a>{CLOSE} and more.</p>")
        );
        assert_eq!(
            html("Who (who:: [[A]], [[B]])"),
            "<p>Who <span class=\"dataview inline-field\"><span class=\"dataview inline-field-standalone-value\"><a href=\"A\">A</a>, <a href=\"B\">B</a></span></span></p>"
        );
    }

    #[test]
    fn full_line_fields_keep_their_links() {
        assert_eq!(
            html("Attendees:: [[A]], [[B]]\nNext line."),
            format!("<p>{KEY}Attendees{VALUE}<a href=\"A\">A</a>, <a href=\"B\">B</a>{CLOSE}\nNext line.</p>")
        );
        assert_eq!(
            html("**Deal Size**:: 1,500"),
            format!("<p>{KEY}Deal Size{VALUE}1,500{CLOSE}</p>")
        );
        assert_eq!(
            html("- Owner:: [[Gordon]]"),
            format!("<ul>\n<li>{KEY}Owner{VALUE}<a href=\"Gordon\">Gordon</a>{CLOSE}</li>\n</ul>")
        );
    }

    #[test]
    fn what_is_not_a_field_or_would_not_nest_stays_text() {
        // A task's full-line `Key::` is not a field (§9.7); code is never scanned; emphasis opened
        // around the whole line cannot be split.
        for text in [
            "- [ ] Owner:: [[Gordon]]",
            "`Owner:: [[Gordon]]`",
            "**Owner:: [[Gordon]]**",
            "[owner:: [[A]]\nstill open]",
            "Plain [[link]] and [not:: a field",
        ] {
            let out = html(text);
            assert!(!out.contains("inline-field"), "{text:?} → {out}");
        }
    }

    #[test]
    fn one_text_field_is_left_to_the_text_writer() {
        assert_eq!(html("[due:: 2026-01-09]"), "<p>[due:: 2026-01-09]</p>");
    }
}
