//! One file's bytes → [`Note`]: text clean-up, front matter, then one pass over pulldown-cmark events
//! (with offsets) collecting headings, links and embeds, tags, block ids, inline fields, list items and
//! tasks, and query blocks. Comments are blanked first (`scan::strip_comments`), so nothing inside
//! `%% … %%` is collected; code spans and blocks are never scanned for Obsidian syntax.

use super::anchor::Anchors;
use super::note::*;
use super::{frontmatter, lists, scan};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::value::{parse as vparse, Value};
use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};
use std::ops::Range;

/// Nested lists deeper than this are flattened onto the deepest level (no real note comes close; a
/// generated one must not blow the stack of later recursive consumers).
const MAX_LIST_DEPTH: usize = 100;

/// Decodes file bytes: BOM removed, invalid UTF-8 replaced (warning naming the first bad line), CRLF and
/// lone CR turned into LF.
pub fn decode(bytes: &[u8], path: &str, diags: &mut Vec<Diagnostic>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            diags.push(Diagnostic::warning(
                path,
                line as u32,
                1,
                "file is not valid UTF-8; invalid bytes replaced by �",
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Walks the links of typed front-matter values, in key order.
fn collect_value_links(v: &Value, out: &mut Vec<crate::value::Link>) {
    match v {
        Value::Link(l) => out.push((**l).clone()),
        Value::List(items) => items.iter().for_each(|i| collect_value_links(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_value_links(i, out)),
        _ => {}
    }
}

/// Is this a link to somewhere outside the vault (`https:`, `mailto:`, `//host`)?
fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            // `C:` style paths are not schemes; a scheme is 2+ ASCII letters, digits, `+ - .`.
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// A markdown link's destination percent-decoded (`Note%20Name.md`); a `%` not followed by two hex
/// digits is kept, and bytes that are not UTF-8 once decoded are replaced.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits `target#subpath` (the first `#`).
fn split_subpath(dest: &str) -> (String, Option<String>) {
    match dest.split_once('#') {
        Some((t, s)) => {
            let s = s.trim();
            (t.trim().to_string(), (!s.is_empty()).then(|| s.to_string()))
        }
        None => (dest.trim().to_string(), None),
    }
}

/// A link being read: its record is pushed at `End`, when the display text is known.
struct OpenLink {
    /// Target and subpath; `None` for a link that is not kept (external, or empty).
    to: Option<(String, Option<String>)>,
    embed: bool,
    syntax: LinkSyntax,
    span: Range<usize>,
    text: String,
    has_display: bool,
}

/// An open list item.
struct OpenItem {
    index: usize,
    first_child_start: Option<usize>,
}

/// The key of a full-line inline field `Key:: value` (§9.3), markup such as `**` stripped; `None` when
/// the line is not one.
fn line_field(line: &str) -> Option<(String, String)> {
    let at = scan::find_pair(line, "::")?;
    let (key, value) = (&line[..at], &line[at + 2..]);
    let key = key.trim().trim_matches(['*', '_', '`', '~']).trim();
    if key.is_empty()
        || key.len() > 100
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '/' | '-') || c as u32 > 0x2000)
    {
        return None;
    }
    Some((key.to_string(), value.trim().to_string()))
}

/// The collector state during the event pass.
struct Collector<'a> {
    text: &'a str,
    /// The note's text as it is kept (`Note::text`): `text` is the same with comments blanked out.
    written: &'a str,
    lines: LineIndex<'a>,
    note: Note,
    anchors: Anchors,
    heading: Option<(u8, usize, String)>,
    links: Vec<OpenLink>,
    items: Vec<OpenItem>,
    code_spans: Vec<Range<usize>>,
    query: Option<(usize, usize, QueryKind, String)>,
    tags_seen: foldhash::HashSet<String>,
    /// (item, key, value) of the list items' own fields, as found: made into each item's `fields` at
    /// the end, where the first of a key wins (inserting into a sorted map one by one is quadratic in a
    /// line of 50,000 fields).
    item_fields: Vec<(usize, String, Value)>,
}

impl<'a> Collector<'a> {
    fn line(&self, offset: usize) -> u32 {
        self.lines.line0(offset)
    }

    fn add_tag(&mut self, tag: &str) {
        if self.tags_seen.insert(tag.to_lowercase()) {
            self.note.tags.push(tag.to_string());
        }
    }

    /// The raw source of `range` with inline code blanked, so fields and block ids in code are ignored.
    fn masked(&self, range: &Range<usize>) -> String {
        let source = &self.text[range.clone()];
        let mut inside = self
            .code_spans
            .iter()
            .filter(|code| code.start < range.end && code.end > range.start)
            .peekable();
        // Most paragraphs have no code: their text as it is, without a pass to check it.
        if inside.peek().is_none() {
            return source.to_string();
        }
        let mut s = source.as_bytes().to_vec();
        for code in inside {
            let start = code.start.max(range.start) - range.start;
            let end = code.end.min(range.end) - range.start;
            for b in &mut s[start..end] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        // Whole characters blanked: still UTF-8.
        String::from_utf8(s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Fields and a block id in the raw lines of a paragraph (`item` is the list item it belongs to).
    fn scan_block(&mut self, range: Range<usize>, item: Option<usize>, task: bool) {
        let raw = self.masked(&range);
        self.scan_fields(&raw, range.start, item, task);
        let trimmed = raw.trim_end();
        if let Some(span) = scan::inline_tokens(trimmed).last() {
            if let scan::Token::BlockId(id) = &span.token {
                if span.range.end == trimmed.len() {
                    let line = self.line(range.start + span.range.start);
                    self.note.block_ids.push(BlockId {
                        id: id.clone(),
                        line,
                        block: range.clone(),
                    });
                    if let Some(i) = item {
                        if let Some(it) = self.note.list_items.get_mut(i) {
                            it.block_id = Some(id.clone());
                        }
                    }
                }
            }
        }
    }

    /// Fields in a heading: `## Status:: active` is a full-line field of the page, like a
    /// paragraph's (§9.3), and a heading may hold bracketed fields.
    fn scan_heading(&mut self, range: Range<usize>) {
        let raw = self.masked(&range);
        self.scan_fields(&raw, range.start, None, false);
    }

    /// Bracketed and full-line fields in `raw`, the masked source from `start` on.
    fn scan_fields(&mut self, raw: &str, start: usize, item: Option<usize>, task: bool) {
        // A field, bracketed or the whole line, needs a `::`: most blocks have none.
        if scan::find_pair(raw, "::").is_none() {
            return;
        }
        let mut offset = start;
        for line in raw.split('\n') {
            if scan::find_pair(line, "::").is_none() {
                offset += line.len() + 1;
                continue;
            }
            let tokens = scan::inline_tokens(line);
            let mut bracketed = false;
            for span in &tokens {
                if let scan::Token::Field { key, value, form } = &span.token {
                    bracketed = true;
                    let abs = offset + span.range.start..offset + span.range.end;
                    self.push_field(key.clone(), value.clone(), *form, item, abs);
                }
            }
            // Full-line fields: paragraphs and plain list items, never tasks (§9.7).
            if !bracketed && !task {
                // The line's own text: after a list item's marker and checkbox, or a heading's `#`s.
                let body = match item {
                    Some(_) => &line[lists::checkbox(line).1.min(line.len())..],
                    None => line.trim_start().trim_start_matches('#'),
                };
                if let Some((key, value)) = line_field(body) {
                    self.push_field(
                        key,
                        value,
                        FieldForm::Line,
                        item,
                        offset..offset + line.len(),
                    );
                }
            }
            offset += line.len() + 1;
        }
    }

    fn push_field(
        &mut self,
        key: String,
        raw: String,
        form: FieldForm,
        item: Option<usize>,
        span: Range<usize>,
    ) {
        let value = vparse::inline_value(&raw);
        if let Some(i) = item.filter(|&i| i < self.note.list_items.len()) {
            self.item_fields.push((i, key.clone(), value.clone()));
        }
        let line = self.line(span.start);
        self.note.fields.push(InlineField {
            key,
            raw,
            value,
            form,
            item,
            line,
            span,
        });
    }

    fn start_item(&mut self, range: Range<usize>) {
        let parent = self.items.last().map(|o| o.index);
        if let Some(open) = self.items.last_mut() {
            open.first_child_start.get_or_insert(range.start);
        }
        let index = self.note.list_items.len();
        if let Some(p) = parent.and_then(|p| self.note.list_items.get_mut(p)) {
            p.children.push(index);
        }
        let section = self.note.headings.len().checked_sub(1);
        self.note.list_items.push(ListItem {
            line: self.line(range.start),
            line_count: 1,
            parent,
            children: Vec::new(),
            status: None,
            text: ItemText::default(),
            block_id: None,
            section,
            tags: Vec::new(),
            links: Vec::new(),
            fields: crate::vault::Fields::new(),
            span: range,
        });
        if self.items.len() < MAX_LIST_DEPTH {
            self.items.push(OpenItem {
                index,
                first_child_start: None,
            });
        }
    }

    fn end_item(&mut self) {
        let Some(open) = self.items.pop() else { return };
        let Some(item) = self.note.list_items.get(open.index) else {
            return;
        };
        let span = item.span.clone();
        let own_end = open.first_child_start.unwrap_or(span.end).max(span.start);
        // The item's text as written (Dataview's `text`); tags and emoji fields are read from a copy
        // with code spans and inline HTML blanked out, as everywhere else.
        let own = self.text.get(span.start..own_end).unwrap_or("").trim_end();
        let masked = self.masked(&(span.start..span.start + own.len()));
        let first = own.split('\n').next().unwrap_or("");
        let (status, text_start) = lists::checkbox(first);
        let task = status.is_some();
        let text = item_text(own, text_start);
        // Most items have no code span or HTML: their blanked copy is their text.
        let blanked;
        let hidden = if masked == own {
            &text
        } else {
            blanked = item_text(&masked, text_start);
            &blanked
        };
        let emoji = if task {
            lists::emoji_fields(hidden)
        } else {
            Default::default()
        };
        let line_count = own.split('\n').count() as u32;
        let own_range = span.start..span.start + own.len();
        let tags: Vec<String> = scan::inline_tokens(hidden)
            .into_iter()
            .filter_map(|s| match s.token {
                scan::Token::Tag(t) => Some(format!("#{t}")),
                _ => None,
            })
            .collect();
        let links: Vec<usize> = self
            .note
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| own_range.contains(&l.span.start))
            .map(|(i, _)| i)
            .collect();
        // Kept as a range of the note's text where it is one (a one-line item without a comment).
        let after = first.get(text_start..).unwrap_or("");
        let start = span.start + text_start + (after.len() - after.trim_start().len());
        let text = match self.written.get(start..start + text.len()) {
            Some(part) if part == text => ItemText::Span(start..start + text.len()),
            _ => ItemText::Own(text.into_boxed_str()),
        };
        if let Some(item) = self.note.list_items.get_mut(open.index) {
            item.status = status;
            item.text = text;
            item.line_count = line_count;
            item.tags = tags;
            item.links = links;
            let index = open.index;
            self.item_fields
                .extend(emoji.into_iter().map(|(k, v)| (index, k, v)));
        }
        self.scan_block(own_range, Some(open.index), task);
    }
}

/// A list item's own lines (`own`) as its text: the first from `text_start` (after the bullet and the
/// checkbox), each line trimmed, joined with `\n`.
fn item_text(own: &str, text_start: usize) -> String {
    let mut lines = own.split('\n');
    let first = lines.next().unwrap_or("");
    let mut text = first.get(text_start..).unwrap_or("").trim().to_string();
    for line in lines {
        text.push('\n');
        text.push_str(line.trim());
    }
    text.trim().to_string()
}

/// A note's aliases: `aliases` (or `alias`) in its front matter, a list or a comma-separated string.
pub fn aliases(fm: &Frontmatter) -> Vec<String> {
    frontmatter::string_list(fm.fields.get("aliases").or(fm.fields.get("alias")), &[','])
}

/// Parses one note. `text` is the decoded file text; `diags` receives problems (decoding ones already).
pub fn parse_note(id: NoteId, text: String, meta: FileMeta, mut diags: Vec<Diagnostic>) -> Note {
    let path = id.as_str().to_string();
    let (fm, body_start) = frontmatter::parse(&text, &path, &mut diags);
    let title = match fm.fields.get("title") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => id.name().to_string(),
    };
    let aliases = aliases(&fm);
    let fm_tags =
        frontmatter::string_list(fm.fields.get("tags").or(fm.fields.get("tag")), &[',', ' ']);

    // Borrowed when there is no comment (most notes): a copy would double a large note's memory.
    let clean: std::borrow::Cow<'_, str> = if text.contains("%%") {
        scan::strip_comments(&text).into()
    } else {
        text.as_str().into()
    };
    let mut c = Collector {
        text: &clean,
        written: &text,
        lines: LineIndex::new(&clean),
        note: Note {
            id,
            text: String::new(),
            body_start,
            frontmatter: Frontmatter::default(),
            title,
            aliases,
            tags: Vec::new(),
            links: Vec::new(),
            headings: Vec::new(),
            block_ids: Vec::new(),
            fields: Vec::new(),
            list_items: Vec::new(),
            queries: Vec::new(),
            lead: Default::default(),
            tables: Vec::new(),
            meta,
            diagnostics: Vec::new(),
        },
        anchors: Anchors::default(),
        heading: None,
        links: Vec::new(),
        items: Vec::new(),
        code_spans: Vec::new(),
        query: None,
        tags_seen: Default::default(),
        item_fields: Vec::new(),
    };
    for t in &fm_tags {
        c.add_tag(t.trim_start_matches('#'));
    }
    // Front-matter links first (§9.1 file.outlinks order).
    let mut fm_links = Vec::new();
    fm.fields
        .values()
        .for_each(|v| collect_value_links(v, &mut fm_links));
    for l in fm_links {
        let needle = format!("[[{}", l.path);
        let at = text[..body_start.min(text.len())]
            .find(&needle)
            .unwrap_or(0);
        let subpath = l.subpath.as_ref().map(|s| match l.kind {
            crate::value::LinkKind::Block => format!("^{s}"),
            _ => s.clone(),
        });
        c.note.links.push(LinkRef::new(
            &l.path,
            subpath.as_deref(),
            l.display.as_deref(),
            l.embed,
            LinkSyntax::Frontmatter,
            at..at + needle.len(),
            c.lines.line0(at),
        ));
    }

    let body = clean.get(body_start..).unwrap_or("");
    let mut paragraph_start: Option<usize> = None;
    let mut in_table = false;
    // The cells of the table row being read, and whether it is the table's header.
    let (mut row, mut in_head): (Vec<Cell>, bool) = (Vec::new(), false);
    let mut in_code = false;
    for (event, range) in super::chunks::offset_events(body) {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                c.heading = Some((level as u8, range.start, String::new()))
            }
            Event::End(TagEnd::Heading(_)) => {
                c.scan_heading(range.clone());
                if let Some((level, start, text)) = c.heading.take() {
                    let text = text.trim().to_string();
                    let anchor = c.anchors.next(&text);
                    let line = c.line(start);
                    c.note.headings.push(Heading {
                        level,
                        text,
                        anchor,
                        line,
                        span: start..range.end,
                    });
                }
            }
            Event::Start(Tag::Paragraph) => paragraph_start = Some(range.start),
            Event::End(TagEnd::Paragraph) => {
                let start = paragraph_start.take().unwrap_or(range.start);
                c.note.lead.push(start..range.end);
                // Paragraphs inside list items are scanned with their item.
                if c.items.is_empty() {
                    c.scan_block(start..range.end, None, false);
                }
            }
            Event::Start(Tag::Table(_)) => {
                in_table = true;
                c.note.tables.push(Table::default());
            }
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::TableHead) => in_head = true,
            Event::Start(Tag::TableCell) => row.push(Cell {
                text: scan::plain_text(&clean[range.clone()]),
                span: range.clone(),
            }),
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some(t) = c.note.tables.last_mut() {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) if !in_head => {
                if let Some(t) = c.note.tables.last_mut() {
                    t.rows.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::Item) => c.start_item(range),
            Event::End(TagEnd::Item) => c.end_item(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let embed = clean[range.clone()].starts_with('!');
                let open = match link_type {
                    LinkType::WikiLink { has_pothole } => {
                        let dest: std::borrow::Cow<'_, str> = if in_table {
                            dest_url.replace('\\', "").into()
                        } else {
                            (&*dest_url).into()
                        };
                        let (target, subpath) = split_subpath(&dest);
                        Some((target, subpath, LinkSyntax::Wiki, has_pothole))
                    }
                    _ if is_external(&dest_url) || dest_url.is_empty() => None,
                    _ => {
                        let (target, subpath) = split_subpath(&percent_decode(&dest_url));
                        Some((
                            target,
                            subpath.map(|s| percent_decode(&s)),
                            LinkSyntax::Markdown,
                            true,
                        ))
                    }
                };
                let (to, syntax, has_display) = match open {
                    Some((target, subpath, syntax, has_display)) => {
                        (Some((target, subpath)), syntax, has_display)
                    }
                    None => (None, LinkSyntax::Field, false),
                };
                c.links.push(OpenLink {
                    to,
                    embed,
                    syntax,
                    span: range.clone(),
                    text: String::new(),
                    has_display,
                });
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some(open) = c.links.pop() {
                    if let Some((target, subpath)) = open.to {
                        let display =
                            (open.has_display && !open.text.is_empty()).then_some(&*open.text);
                        if let Some(h) = c.heading.as_mut() {
                            h.2.push_str(display.unwrap_or(&target));
                        }
                        let line = c.line(open.span.start);
                        c.note.links.push(LinkRef::new(
                            &target,
                            subpath.as_deref(),
                            display,
                            open.embed,
                            open.syntax,
                            open.span,
                            line,
                        ));
                    } else if let Some(h) = c.heading.as_mut() {
                        h.2.push_str(&open.text);
                    }
                }
            }
            Event::Text(t) => {
                if let Some(open) = c.links.last_mut() {
                    open.text.push_str(&t);
                    continue;
                }
                if c.query.is_some() {
                    if let Some(q) = c.query.as_mut() {
                        if q.3.is_empty() {
                            q.1 = range.start;
                        }
                        q.3.push_str(&t);
                    }
                    continue;
                }
                if in_code {
                    continue;
                }
                if let Some(h) = c.heading.as_mut() {
                    h.2.push_str(&t);
                }
                for span in scan::inline_tokens(&t) {
                    if let scan::Token::Tag(tag) = span.token {
                        c.add_tag(&tag);
                    }
                }
            }
            Event::Code(code) => {
                c.code_spans.push(range.clone());
                if let Some(h) = c.heading.as_mut() {
                    h.2.push_str(&code);
                }
                if let Some(expr) = code.strip_prefix('=') {
                    if expr.starts_with([' ', '\t']) && !expr.trim().is_empty() {
                        let raw = &clean[range.clone()];
                        let lead = raw.find(expr.trim()).unwrap_or(0);
                        c.note.queries.push(QueryBlock {
                            source: expr.trim().to_string(),
                            kind: QueryKind::Inline,
                            span: range.clone(),
                            source_offset: range.start + lead,
                            line: c.line(range.start),
                        });
                    }
                }
            }
            Event::InlineMath(_) | Event::DisplayMath(_) | Event::InlineHtml(_) => {
                c.code_spans.push(range)
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                c.code_spans.push(range.clone());
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let kind = match lang.as_str() {
                    "dataview" => Some(QueryKind::Dataview),
                    "dataviewjs" => Some(QueryKind::DataviewJs),
                    _ => None,
                };
                if let Some(k) = kind {
                    let first_line_end = clean[range.clone()]
                        .find('\n')
                        .map_or(range.end, |i| range.start + i + 1);
                    c.query = Some((range.start, first_line_end, k, String::new()));
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                if let Some((start, source_offset, kind, source)) = c.query.take() {
                    let end = range.end;
                    c.note.queries.push(QueryBlock {
                        source,
                        kind,
                        span: start..end,
                        source_offset,
                        line: c.line(start),
                    });
                }
            }
            _ => {}
        }
    }
    // Unclosed items (cannot happen with pulldown-cmark, but never lose them).
    while !c.items.is_empty() {
        c.end_item();
    }
    c.note
        .links
        .sort_by_key(|l| (l.syntax != LinkSyntax::Frontmatter, l.span.start));
    c.note.fields.sort_by_key(|f| f.span.start);
    // Each item's fields. Collecting a map keeps the last of a key, so each item's are given to it
    // last found first (the sort is stable).
    let mut found = std::mem::take(&mut c.item_fields);
    found.sort_by_key(|(i, _, _)| *i);
    let mut found = found.into_iter().rev().peekable();
    while let Some((i, k, v)) = found.next() {
        let mut fields = vec![(k, v)];
        while let Some((_, k, v)) = found.next_if(|(j, _, _)| *j == i) {
            fields.push((k, v));
        }
        if let Some(item) = c.note.list_items.get_mut(i) {
            item.fields = fields.into_iter().collect();
        }
    }
    let mut note = c.note;
    note.text = text;
    note.frontmatter = fm;
    note.diagnostics = diags;
    compact(note)
}

/// The note as it is kept for the whole build: its parts packed together, without the room a list
/// grown one push at a time holds beyond its length (up to as much again), and the front matter's text
/// only where it is shown, when it could not be read.
///
/// A copy, not each list shrunk in place: the parse's scratch (pulldown-cmark's tree, the scanners'
/// buffers) was allocated between the parts kept and freed after, and shrunk in place many of them
/// stayed where they were (an allocator shrinks a block in place), between the holes. Copied, they
/// fill the holes the earlier notes' scratch left, and the parse leaves 10 MB less behind at 10,000
/// notes (BENCHMARKS.md, twelfth round).
fn compact(mut note: Note) -> Note {
    if !note.frontmatter.malformed {
        note.frontmatter.source = String::new();
    }
    note.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str) -> Note {
        parse_note(
            NoteId("Folder/Test Note.md".into()),
            text.to_string(),
            FileMeta::default(),
            vec![],
        )
    }

    #[test]
    fn a_parsed_note_is_kept_without_room_to_spare() {
        // Lists and strings long enough that growing them one push at a time leaves room past
        // their length, which the kept note must not hold.
        let mut text = String::from("---\ntags: [a]\nstatus: active\n---\n# Title\n\n");
        for i in 0..37 {
            text.push_str(&format!(
                "- [ ] task {i} for [[Person {i}]] #tag{i} [due:: 2026-01-{:02}]\n  continued {i}\n",
                i % 28 + 1
            ));
        }
        for i in 0..21 {
            text.push_str(&format!(
                "## Part {i}\nKey{i}:: value {i} and [[Note {i}#Part]]\n"
            ));
        }
        text.push_str("\nFirst paragraph.\n\n| Person | Role |\n|---|---|\n| [[Ann]] | CTO |\n");
        let n = note(&text);
        assert!(n.links.len() > 50 && n.list_items.len() == 37 && n.headings.len() == 22);
        assert_eq!(n.lead.paragraphs.capacity(), n.lead.paragraphs.len());
        assert_eq!((n.tables.capacity(), n.tables[0].rows.capacity()), (1, 1));
        assert_eq!(n.tables[0].rows[0][0].text.capacity(), "Ann".len());
        assert_eq!(n.text.capacity(), n.text.len());
        assert_eq!(n.links.capacity(), n.links.len());
        assert_eq!(n.list_items.capacity(), n.list_items.len());
        assert_eq!(n.headings.capacity(), n.headings.len());
        assert_eq!(n.fields.capacity(), n.fields.len());
        assert_eq!(n.tags.capacity(), n.tags.len());
        for item in &n.list_items {
            // Two lines each: their text joined, owned (a box: no room to spare either).
            assert!(matches!(item.text, ItemText::Own(_)), "{:?}", item.text);
            assert_eq!(item.links.capacity(), item.links.len());
            assert_eq!(item.tags.capacity(), item.tags.len());
        }
        for field in &n.fields {
            assert_eq!(field.raw.capacity(), field.raw.len(), "{:?}", field.raw);
        }
        assert!(n.frontmatter.source.is_empty());
    }

    /// A table is found wherever pulldown-cmark finds one, in a quote or a list too, each cell as plain
    /// text with its bytes; pipes in links make none.
    #[test]
    fn tables_in_quotes_and_lists_with_their_cells() {
        let tables = |text: &str| note(text).tables;
        let cells = |text: &str| -> Vec<Vec<String>> {
            let t = &tables(text)[0];
            std::iter::once(&t.header)
                .chain(&t.rows)
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect()
        };
        assert_eq!(
            cells("| a | b |\n|---|:-:|\n| c | d |\n"),
            [["a", "b"], ["c", "d"]]
        );
        assert_eq!(cells("a | b\n-|-\nc | d\n"), [["a", "b"], ["c", "d"]]);
        assert_eq!(cells("> | a |\n> | --- |\n> | c |\n"), [["a"], ["c"]]);
        assert_eq!(
            cells("- item\n\n  | a |\n  |---|\n  | c |\n"),
            [["a"], ["c"]]
        );
        assert_eq!(
            cells("| Who | Role |\n|---|---|\n| [[Ann Lee\\|Ann]] | **CTO** |\n"),
            [["Who", "Role"], ["Ann", "CTO"]]
        );
        assert!(tables("See [[Acme|the account]] and [[Bob|him]].\n\n---\n").is_empty());
        assert!(tables("```\n| not | table |\n|---|---|\n```\n").is_empty());
        // Each cell's bytes, in the text without comments; after the front matter, in order.
        let text = "---\nt: 1\n---\n%%c%% x\n\n| h |\n|---|\n| 4 |\n\n| i | j |\n| - | - |\n";
        let n = note(text);
        assert_eq!(n.tables.len(), 2);
        let cell = &n.tables[0].rows[0][0];
        assert_eq!((&text[cell.span.clone()], cell.text.as_str()), (" 4 ", "4"));
        assert!(n.tables[1].rows.is_empty() && n.tables[1].header.len() == 2);
    }

    #[test]
    fn decoding_strips_bom_and_crlf_and_reports_bad_bytes() {
        let mut d = vec![];
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\rc", "x.md", &mut d), "a\nb\nc");
        assert!(d.is_empty());
        let t = decode(b"ok\nbad \xFF here", "x.md", &mut d);
        assert!(t.contains('\u{FFFD}'));
        assert_eq!((d[0].line, d[0].path.as_str()), (2, "x.md"));
    }

    #[test]
    fn wikilinks_of_every_form() {
        let n = note("See [[Acme Corp]], [[Acme Corp|the account]], [[Folder/Note]], [[Note.md]],\n[[Note#Key Facts]], [[Note#^block-1]], [[#Local]] and ![[img.png|300]].\n");
        let got: Vec<_> = n
            .links
            .iter()
            .map(|l| (l.target(), l.subpath(), l.display(), l.embed))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Acme Corp", None, None, false),
                ("Acme Corp", None, Some("the account"), false),
                ("Folder/Note", None, None, false),
                ("Note.md", None, None, false),
                ("Note", Some("Key Facts"), None, false),
                ("Note", Some("^block-1"), None, false),
                ("", Some("Local"), None, false),
                ("img.png", None, Some("300"), true),
            ]
        );
        assert_eq!(n.links[4].line, 1);
        assert!(n.text[n.links[0].span.clone()].starts_with("[[Acme Corp"));
        assert!(n.text[n.links[7].span.clone()].starts_with("![[img.png"));
    }

    #[test]
    fn markdown_links_are_decoded_and_external_ones_skipped() {
        let n = note("[a](Acme%20Corp.md) [b](../Customers/Acme%20Corp.md#Key%20Facts) [c](https://x.com) [d](mailto:a@b)");
        let got: Vec<_> = n
            .links
            .iter()
            .map(|l| (l.target(), l.subpath(), l.syntax))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Acme Corp.md", None, LinkSyntax::Markdown),
                (
                    "../Customers/Acme Corp.md",
                    Some("Key Facts"),
                    LinkSyntax::Markdown
                )
            ]
        );
        assert_eq!(n.links[0].display(), Some("a"));
    }

    #[test]
    fn wikilink_with_escaped_pipe_in_a_table() {
        let n = note("| Person | Role |\n|---|---|\n| [[Gordon Brown\\|Gordon]] | CSM |\n");
        assert_eq!(n.links.len(), 1, "{:?}", n.links);
        assert_eq!(n.links[0].target(), "Gordon Brown");
        assert_eq!(n.links[0].display(), Some("Gordon"));
    }

    #[test]
    fn front_matter_links_come_first() {
        let n = note("---\nowner: \"[[Gordon Brown]]\"\n---\nBody [[Acme]]\n");
        assert_eq!(n.links[0].target(), "Gordon Brown");
        assert_eq!(n.links[0].syntax, LinkSyntax::Frontmatter);
        assert_eq!(n.links[0].line, 1);
        assert_eq!(n.links[1].target(), "Acme");
        assert_eq!(n.links[1].line, 3);
    }

    #[test]
    fn tags_headings_and_code_exclusion() {
        let n = note("---\ntags: [type/customer, Needs-Review]\n---\n# Title #inheading\n\nText #a/b and `#notag` #needs-review\n\n```\n#nottag\n```\n");
        assert_eq!(
            n.tags,
            vec!["type/customer", "Needs-Review", "inheading", "a/b"]
        );
        assert_eq!(n.headings.len(), 1);
        assert_eq!(n.headings[0].text, "Title #inheading");
        assert_eq!(n.headings[0].line, 3);
    }

    #[test]
    fn headings_get_unique_anchors() {
        let n = note("## Notes\ntext\n## Notes\n### Key **Facts**\n");
        let anchors: Vec<_> = n.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, vec!["notes", "notes-1", "key-facts"]);
        assert_eq!(n.headings[2].text, "Key Facts");
    }

    #[test]
    fn inline_fields_in_three_forms() {
        let n = note("Status:: active\n\n**Deal Size**:: 1,500\n\nText [owner:: [[Gordon]]] and (hidden:: yes).\n\n`code:: no`\n");
        let got: Vec<_> = n
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.raw.as_str(), f.form))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Status", "active", FieldForm::Line),
                ("Deal Size", "1,500", FieldForm::Line),
                ("owner", "[[Gordon]]", FieldForm::Bracket),
                ("hidden", "yes", FieldForm::Paren),
            ]
        );
        assert!(matches!(n.fields[1].value, Value::List(_)));
        assert!(matches!(n.fields[2].value, Value::Link(_)));
    }

    /// §9.3: a heading line is a full-line field like a paragraph's; a heading may hold bracketed
    /// fields; a heading without `::` is none, and `# Notes: a::b` has no valid key.
    #[test]
    fn fields_in_headings() {
        let n = note("# Title\n\n## Status:: active\n\n### Owner [lead:: [[Gordon]]]\n\nSetext:: x\n---\n\n## Notes: a::b\n");
        let got: Vec<_> = n
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.raw.as_str(), f.form, f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Status", "active", FieldForm::Line, 2),
                ("lead", "[[Gordon]]", FieldForm::Bracket, 4),
                ("Setext", "x", FieldForm::Line, 6),
            ]
        );
        assert_eq!(n.headings.len(), 5);
    }

    #[test]
    fn tasks_and_list_items() {
        let text = "---\ntitle: T\n---\n## Actions\n- [ ] Send deck 📅 2026-01-09 #followup\n  - [x] Draft ✅ 2026-01-05\n  - note under it\n- [/] Half [due:: 2026-02-01]\n- Owner:: [[Gordon]]\n";
        let n = note(text);
        let items = &n.list_items;
        assert_eq!(items.len(), 5);
        assert_eq!(
            (items[0].line, items[0].status, items[0].section),
            (4, Some(' '), Some(0))
        );
        assert_eq!(items[0].text(&n.text), "Send deck 📅 2026-01-09 #followup");
        // One line: a range of the note's text, no string of its own.
        assert!(matches!(items[0].text, ItemText::Span(_)));
        assert_eq!(items[2].text(&n.text), "note under it");
        assert_eq!(items[0].children, vec![1, 2]);
        assert_eq!(items[0].tags, vec!["#followup"]);
        assert!(matches!(items[0].fields.get("due"), Some(Value::Date(_))));
        assert_eq!((items[1].parent, items[1].status), (Some(0), Some('x')));
        assert!(items[1].fields.contains_key("completion"));
        assert_eq!(items[2].status, None);
        assert_eq!(items[3].status, Some('/'));
        assert!(items[3].fields.contains_key("due"));
        assert_eq!(items[4].status, None);
        assert!(items[4].fields.contains_key("Owner"));
        let owner = n.fields.iter().find(|f| f.key == "Owner").unwrap();
        assert_eq!(owner.item, Some(4));
        assert_eq!(items[4].links.len(), 1);
    }

    #[test]
    fn an_items_text_keeps_its_code_spans_and_html() {
        // Dataview's `text` of a task is the line as written; code spans only hide fields and tags.
        let n = note("- [ ] Run `cargo test [due:: 2026-01-01] #x` before <b>release</b> #ship\n");
        let item = &n.list_items[0];
        assert_eq!(
            item.text(&n.text),
            "Run `cargo test [due:: 2026-01-01] #x` before <b>release</b> #ship"
        );
        assert_eq!(item.tags, vec!["#ship"]);
        assert!(item.fields.is_empty(), "{:?}", item.fields);
    }

    #[test]
    fn an_items_text_is_a_range_of_the_note_only_where_it_is_one() {
        let n = note("- [ ] Call Bob   \n  about the renewal\n- [x] Send %%not this%% the deck\n*   Plain item\n");
        let texts: Vec<_> = n.list_items.iter().map(|i| i.text(&n.text)).collect();
        assert_eq!(
            texts,
            [
                "Call Bob\nabout the renewal",
                "Send              the deck",
                "Plain item"
            ]
        );
        // Joined lines and a comment blanked out are the item's own; a plain line is the note's.
        let spans: Vec<_> = n
            .list_items
            .iter()
            .map(|i| matches!(i.text, ItemText::Span(_)))
            .collect();
        assert_eq!(spans, [false, false, true]);
    }

    #[test]
    fn list_items_are_compared_by_their_text_not_its_place() {
        // Same place, one letter changed: the items differ though their ranges are equal.
        let (a, b) = (note("- [ ] Call Bob\n"), note("- [ ] Call Bib\n"));
        assert_eq!(a.list_items[0].text, b.list_items[0].text);
        assert!(!a.same_list_items(&b));
        assert!(a.same_list_items(&note("- [ ] Call Bob\n")));
    }

    #[test]
    fn an_items_fields_keep_the_first_of_a_key_in_key_order() {
        let n = note("- [ ] Call [owner:: Ann] [zone:: eu] [owner:: Bob] [area:: x]\n- plain\n");
        let item = &n.list_items[0];
        let keys: Vec<&str> = item.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["area", "owner", "zone"]);
        assert_eq!(item.fields.get("owner"), Some(&Value::String("Ann".into())));
        assert!(n.list_items[1].fields.is_empty());
    }

    #[test]
    fn block_ids_and_queries() {
        let text = "Decision made here. ^decision-1\n\n- item ^item-2\n\n```dataview\nLIST FROM \"People\"\n```\n\nCount: `= length(this.file.inlinks)`\n\n```dataviewjs\ndv.list()\n```\n";
        let n = note(text);
        let ids: Vec<_> = n
            .block_ids
            .iter()
            .map(|b| (b.id.as_str(), b.line))
            .collect();
        assert_eq!(ids, vec![("decision-1", 0), ("item-2", 2)]);
        assert_eq!(n.list_items[0].block_id.as_deref(), Some("item-2"));
        assert_eq!(n.queries.len(), 3);
        assert_eq!(
            (
                n.queries[0].kind,
                n.queries[0].source.as_str(),
                n.queries[0].line
            ),
            (QueryKind::Dataview, "LIST FROM \"People\"\n", 4)
        );
        assert_eq!(
            &text[n.queries[0].source_offset..n.queries[0].source_offset + 4],
            "LIST"
        );
        assert_eq!(
            (n.queries[1].kind, n.queries[1].source.as_str()),
            (QueryKind::Inline, "length(this.file.inlinks)")
        );
        assert_eq!(n.queries[2].kind, QueryKind::DataviewJs);
    }

    #[test]
    fn comments_hide_everything_inside() {
        let n = note("Visible %% [[Secret Link]] #secret-tag key:: v %% end\n");
        assert!(
            n.links.is_empty() && n.tags.is_empty() && n.fields.is_empty(),
            "{n:?}"
        );
        assert!(
            n.text.contains("Secret Link"),
            "the original text is kept for offsets"
        );
    }

    #[test]
    fn title_aliases() {
        let n = note("---\ntitle: CoreWeave\naliases: CW, Core Weave\n---\n");
        assert_eq!(n.title, "CoreWeave");
        assert_eq!(n.aliases, vec!["CW", "Core Weave"]);
        assert_eq!(note("no fm").title, "Test Note");
    }
}
