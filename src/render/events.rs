//! A note's markdown rewritten as a stream of pulldown-cmark events: [`NoteEvents`] reads the parser's
//! events one at a time and yields the events of the note's HTML, which `markdown::range_html` hands
//! straight to pulldown-cmark's HTML writer. Nothing holds a note's events at once, so the memory of
//! rendering a note is its HTML plus a few events, however long the note (a 50 MB note is 7 million
//! events).
//!
//! 1. [`TextRuns`] joins adjacent text events into one run, where Obsidian syntax may straddle a split.
//! 2. [`NoteEvents`] replaces or inserts events: heading anchors, block ids, task checkboxes, callouts,
//!    resolved links, embeds, Dataview blocks and inline queries, tags, highlights and inline fields.
//! 3. A paragraph that holds nothing but block embeds (a note or a PDF) loses its `<p>`: the embed is a
//!    `<div>`, which a `<p>` cannot contain (browsers would split the paragraph around it). A block
//!    embed among words splits their paragraph: `<p>words</p><div>…</div><p>more words</p>`.
//! 4. An embedded note's headings and blocks have no `id`: a page may embed a note twice.

use super::callout;
use super::fields;
use super::html::{escape, escape_into};
use super::markdown::{Embed, Frame};
use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::vault::{scan, Note, QueryKind};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};
use std::collections::VecDeque;
use std::ops::Range;

/// pulldown-cmark's offset events with adjacent text events joined: pulldown-cmark splits text at `[`
/// and similar characters, and Obsidian syntax (`[due:: …]`, `#tags`, `==marks==`) may straddle the
/// split. A run is built in one `String` (joining piece by piece would be quadratic on long lines) and
/// only when there is more than one piece.
pub(super) struct TextRuns<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> {
    inner: I,
    /// The event read past the end of a run, yielded next.
    held: Option<(Event<'s>, Range<usize>)>,
}

impl<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> TextRuns<'s, I> {
    pub(super) fn new(inner: I) -> Self {
        TextRuns { inner, held: None }
    }
}

impl<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> Iterator for TextRuns<'s, I> {
    type Item = (Event<'s>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let (event, mut range) = self.held.take().or_else(|| self.inner.next())?;
        let Event::Text(first) = event else {
            return Some((event, range));
        };
        let mut joined: Option<String> = None;
        loop {
            match self.inner.next() {
                Some((Event::Text(t), r)) if r.start == range.end => {
                    joined.get_or_insert_with(|| first.to_string()).push_str(&t);
                    range.end = r.end;
                }
                other => {
                    self.held = other;
                    break;
                }
            }
        }
        Some((Event::Text(joined.map_or(first, CowStr::from)), range))
    }
}

/// Per-note lookups by source offset.
struct Lookups {
    // `headings` and `blocks` give elements their ids: empty for an embedded note, whose ids would
    // repeat on a page that embeds it twice, or that embeds a section of itself (links to its
    // headings and blocks go to its own page).
    links: ByOffset<usize>,
    headings: ByOffset<usize>,
    blocks: ByOffset<String>,
    items: ByOffset<usize>,
    queries: ByOffset<usize>,
}

impl Lookups {
    fn of(n: &Note, ids: bool) -> Lookups {
        fn indexed(starts: impl Iterator<Item = usize>) -> ByOffset<usize> {
            ByOffset::new(starts.enumerate().map(|(i, start)| (start, i)).collect())
        }
        Lookups {
            links: indexed(n.links.iter().map(|l| l.span.start)),
            headings: match ids {
                true => indexed(n.headings.iter().map(|h| h.span.start)),
                false => ByOffset::default(),
            },
            blocks: match ids {
                true => ByOffset::new(
                    (n.block_ids.iter())
                        .map(|b| (b.block.start, b.id.clone()))
                        .collect(),
                ),
                false => ByOffset::default(),
            },
            items: indexed(n.list_items.iter().map(|it| it.span.start)),
            queries: indexed(n.queries.iter().map(|q| q.span.start)),
        }
    }
}

/// Values by source offset: a list sorted by offset, looked up by bisection. The parse gives each
/// kind of element in the order of the text, so the sort finds it sorted; a hash map of each kind was
/// built for every note rendered, and hashed every offset looked up.
#[derive(Default)]
struct ByOffset<V>(Vec<(usize, V)>);

impl<V> ByOffset<V> {
    /// `entries` by offset; of two at one offset, the later one is kept (as a map collected from
    /// them keeps it).
    fn new(mut entries: Vec<(usize, V)>) -> ByOffset<V> {
        if !entries.is_sorted_by_key(|(at, _)| *at) {
            entries.sort_by_key(|(at, _)| *at);
        }
        // Of a run at one offset the first entry stays, given the value of the one after it.
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        ByOffset(entries)
    }

    fn get(&self, at: &usize) -> Option<&V> {
        let i = self.0.binary_search_by_key(at, |(k, _)| *k).ok()?;
        Some(&self.0[i].1)
    }
}

enum Skip {
    /// Drop events until the end of this link/image.
    Link,
    Image,
    CodeBlock,
}

enum Quote {
    Plain,
    Callout { foldable: bool, header_end: usize },
}

/// A paragraph whose events are held back until it is known whether it holds only block embeds.
struct Undecided {
    /// Position of its opening event in the queue.
    at: usize,
    /// Block embeds seen so far; every other event so far was blank.
    embeds: usize,
    /// The `^id` the paragraph carries.
    id: Option<String>,
}

/// The events of a note's HTML, rewritten from its markdown one event at a time (see the module doc).
pub(super) struct NoteEvents<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> {
    r: &'s Renderer<'s>,
    frame: &'s Frame<'s>,
    note: &'s Note,
    /// The note's text with comments blanked, which the offsets point into.
    clean: &'s str,
    /// Joined text runs, with offsets into the note's text and multi-event fields spliced.
    input: fields::Spliced<'s, 's, TextRuns<'s, I>>,
    diags: &'s mut Vec<Diagnostic>,
    look: Lookups,
    skip: Option<(Skip, usize)>,
    quotes: Vec<Quote>,
    highlight: bool,
    /// The open links: `Some(link index)` for a resolved wikilink or markdown link.
    links: Vec<Option<usize>>,
    /// A custom task status (`[?]`) still to be removed from the item's text.
    strip_prefix: Option<String>,
    /// Events made and not yet yielded. The last one stays until the next input event is read: a
    /// block id (`text ^id`) trims the space at the end of the text before it.
    out: VecDeque<Event<'s>>,
    /// The open paragraph while it may yet hold nothing but block embeds.
    para: Option<Undecided>,
    /// The events of one text run's inline syntax, before they are queued (kept to reuse its
    /// allocation: every text run of every note passes through it).
    scratch: Vec<Event<'s>>,
    /// Inside a paragraph (decided or not).
    in_paragraph: bool,
    /// Inline elements open inside the paragraph (emphasis, links…): a block embed inside one
    /// cannot split the paragraph around itself.
    inline_depth: usize,
    done: bool,
}

impl<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> NoteEvents<'s, I> {
    /// The events of `input`, the offset events of `frame.note`'s clean text from `start` on.
    pub(super) fn new(
        r: &'s Renderer<'s>,
        frame: &'s Frame<'s>,
        input: I,
        start: usize,
        diags: &'s mut Vec<Diagnostic>,
    ) -> Self {
        let note = &r.index.notes[frame.note];
        NoteEvents {
            r,
            frame,
            note,
            clean: r.clean_text(frame.note),
            input: fields::Spliced::new(
                TextRuns::new(input),
                start,
                &note.fields,
                r.clean_text(frame.note),
            ),
            diags,
            look: Lookups::of(note, frame.stack.is_empty()),
            skip: None,
            quotes: Vec::new(),
            highlight: false,
            links: Vec::new(),
            strip_prefix: None,
            out: VecDeque::new(),
            para: None,
            scratch: Vec::new(),
            in_paragraph: false,
            inline_depth: 0,
            done: false,
        }
    }

    /// Queues an event; anything but blank text ends the chance that the open paragraph is a block.
    /// When block embeds came first (`![[Note]] and then words`), the paragraph's `<p>` moves after
    /// them, to open before the words.
    fn emit(&mut self, event: Event<'s>) {
        let blank = match &event {
            Event::Text(t) => t.trim().is_empty(),
            Event::SoftBreak => true,
            _ => false,
        };
        match &event {
            Event::Start(tag) if fields::opens_inline(tag) => self.inline_depth += 1,
            Event::End(tag) if fields::closes_inline(tag) => {
                self.inline_depth = self.inline_depth.saturating_sub(1)
            }
            _ => {}
        }
        if !blank {
            self.decide_mixed();
        }
        self.out.push_back(event);
    }

    /// The open paragraph holds more than block embeds: it is a paragraph, whose `<p>` moves after
    /// the block embeds it has so far.
    fn decide_mixed(&mut self) {
        if let Some(p) = self.para.take() {
            if p.embeds > 0 {
                if let Some(open) = self.out.remove(p.at) {
                    self.out.push_back(open);
                }
            }
        }
    }

    /// Queues an embed's HTML, counting a block embed towards a paragraph of block embeds. A block
    /// embed after words (`see ![[Note]]`) closes their paragraph before it and opens an undecided
    /// one after it, so that a `<div>` is never inside a `<p>`.
    fn emit_embed(&mut self, embed: Embed) {
        if embed.block
            && self.in_paragraph
            && self.para.is_none()
            && self.inline_depth == 0
            && self.links.is_empty()
            && !self.highlight
        {
            self.out.push_back(Event::End(TagEnd::Paragraph));
            self.out.push_back(Event::Start(Tag::Paragraph));
            self.para = Some(Undecided {
                at: self.out.len() - 1,
                embeds: 0,
                id: None,
            });
        }
        match (&mut self.para, embed.block) {
            (Some(p), true) => p.embeds += 1,
            _ => self.decide_mixed(),
        }
        self.out.push_back(Event::Html(embed.html.into()));
    }

    fn open_paragraph(&mut self, id: Option<String>) {
        let open = match &id {
            Some(id) => Event::Html(format!("<p id=\"{}\">", escape(&format!("^{id}"))).into()),
            None => Event::Start(Tag::Paragraph),
        };
        self.out.push_back(open);
        self.in_paragraph = true;
        self.inline_depth = 0;
        self.para = Some(Undecided {
            at: self.out.len() - 1,
            embeds: 0,
            id,
        });
    }

    /// Closes a paragraph: a paragraph of block embeds loses its `<p>` (keeping a block id on a
    /// `<div>`), any other keeps it.
    fn close_paragraph(&mut self) {
        if self.highlight {
            self.emit(Event::InlineHtml("</mark>".into()));
            self.highlight = false;
        }
        self.in_paragraph = false;
        match self.para.take() {
            Some(p) if p.embeds > 0 => match p.id {
                Some(id) => {
                    self.out[p.at] =
                        Event::Html(format!("<div id=\"{}\">", escape(&format!("^{id}"))).into());
                    self.out.push_back(Event::Html("</div>\n".into()));
                }
                None => {
                    self.out.remove(p.at);
                }
            },
            _ => self.out.push_back(Event::End(TagEnd::Paragraph)),
        }
    }

    /// Rewrites one input event (its range already moved to offsets in the note's text).
    fn step(&mut self, event: Event<'s>, r: Range<usize>) {
        if let Some((kind, depth)) = self.skip.as_mut() {
            match (&*kind, &event) {
                (Skip::Link, Event::Start(Tag::Link { .. }))
                | (Skip::Image, Event::Start(Tag::Image { .. })) => *depth += 1,
                (Skip::Link, Event::End(TagEnd::Link))
                | (Skip::Image, Event::End(TagEnd::Image))
                | (Skip::CodeBlock, Event::End(TagEnd::CodeBlock)) => {
                    if *depth == 0 {
                        self.skip = None;
                    } else {
                        *depth -= 1;
                    }
                }
                _ => {}
            }
            return;
        }
        // Inside a callout's header line: its events are the title, already written.
        if let Some(Quote::Callout { header_end, .. }) = self.quotes.last() {
            if r.start < *header_end
                && !matches!(event, Event::Start(Tag::Paragraph) | Event::End(_))
            {
                return;
            }
        }
        let (r_, note, look) = (self.r, self.note, &self.look);
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let id = look
                    .headings
                    .get(&r.start)
                    .and_then(|&h| note.headings.get(h))
                    .map(|h| CowStr::from(h.anchor.clone()));
                self.emit(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::Paragraph) => {
                let id = look.blocks.get(&r.start).cloned();
                self.open_paragraph(id);
            }
            Event::End(TagEnd::Paragraph) => self.close_paragraph(),
            Event::Start(Tag::Item) => self.item(&r),
            Event::TaskListMarker(checked) => {
                self.emit(Event::InlineHtml(checkbox(checked).into()))
            }
            Event::Start(Tag::BlockQuote(kind)) => self.quote(kind, &r),
            Event::End(TagEnd::BlockQuote(kind)) => match self.quotes.pop() {
                Some(Quote::Callout { foldable, .. }) => self.emit(Event::Html(
                    if foldable {
                        "</div></details>"
                    } else {
                        "</div></div>"
                    }
                    .into(),
                )),
                _ => self.emit(Event::End(TagEnd::BlockQuote(kind))),
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match look.links.get(&r.start).map(|&i| (i, &note.links[i])) {
                Some((i, link)) => {
                    let (open, own_text) = r_.link_open(self.frame, i, link);
                    self.emit(Event::InlineHtml(open.into()));
                    if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
                        // Obsidian shows `Note > Heading` for a bare link: write it, skip the rest.
                        self.emit(Event::Text(own_text.into()));
                        self.emit(Event::InlineHtml(r_.link_close(self.frame, i).into()));
                        self.skip = Some((Skip::Link, 0));
                    } else {
                        self.links.push(Some(i));
                    }
                }
                None => {
                    self.links.push(None);
                    self.emit(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::End(TagEnd::Link) => match self.links.pop() {
                Some(Some(i)) => self.emit(Event::InlineHtml(r_.link_close(self.frame, i).into())),
                _ => self.emit(Event::End(TagEnd::Link)),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match look.links.get(&r.start).map(|&i| (i, &note.links[i])) {
                Some((i, link)) => {
                    let embed = r_.embed_html(self.frame, i, link, self.diags);
                    self.emit_embed(embed);
                    self.skip = Some((Skip::Image, 0));
                }
                None => self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })),
            },
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                match look
                    .queries
                    .get(&r.start)
                    .and_then(|&q| note.queries.get(q))
                {
                    Some(q) if matches!(q.kind, QueryKind::Dataview | QueryKind::DataviewJs) => {
                        let html = r_.query_html(self.frame, q, self.diags);
                        self.emit(Event::Html(html.into()));
                        self.skip = Some((Skip::CodeBlock, 0));
                    }
                    _ => self.emit(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))),
                }
            }
            Event::Code(code) => {
                match look
                    .queries
                    .get(&r.start)
                    .and_then(|&q| note.queries.get(q))
                {
                    Some(q) if q.kind == QueryKind::Inline => {
                        let html = r_.inline_query_html(self.frame, q, self.diags);
                        self.emit(Event::InlineHtml(html.into()));
                    }
                    _ => self.emit(Event::Code(code)),
                }
            }
            Event::Text(text) => self.text(&text),
            other => self.emit(other),
        }
    }

    /// A list item: its block id, and a task's checkbox and status.
    fn item(&mut self, r: &Range<usize>) {
        let item = self
            .look
            .items
            .get(&r.start)
            .and_then(|&i| self.note.list_items.get(i));
        let mut attrs = String::new();
        if let Some(id) = self.look.blocks.get(&r.start) {
            attrs.push_str(&format!(" id=\"{}\"", escape(&format!("^{id}"))));
        }
        match item.and_then(|i| i.status) {
            Some(status) => {
                let checked = status != ' ';
                let mut li = String::with_capacity(64 + attrs.len());
                li.push_str("<li");
                li.push_str(&attrs);
                li.push_str(" class=\"task-list-item");
                if checked {
                    li.push_str(" is-checked");
                }
                li.push_str("\" data-task=\"");
                escape_into(status.encode_utf8(&mut [0; 4]), &mut li);
                li.push_str("\">");
                self.emit(Event::Html(li.into()));
                if !matches!(status, ' ' | 'x' | 'X') {
                    self.emit(Event::InlineHtml(checkbox(true).into()));
                    self.strip_prefix = Some(format!("[{status}]"));
                }
            }
            None if attrs.is_empty() => self.emit(Event::Start(Tag::Item)),
            None => self.emit(Event::Html(format!("<li{attrs}>").into())),
        }
    }

    /// A blockquote: a callout when its first line is `[!type]`, else a plain quote.
    fn quote(&mut self, kind: Option<pulldown_cmark::BlockQuoteKind>, r: &Range<usize>) {
        match callout::parse(&self.clean[r.start..r.end]) {
            Some(c) => {
                let open = match c.fold {
                    Some(open) => format!(
                        "<details class=\"callout is-collapsible\" data-callout=\"{k}\"{o}><summary class=\"callout-title\"><span class=\"callout-title-inner\">{t}</span></summary><div class=\"callout-content\">",
                        k = escape(&c.kind),
                        o = if open { " open" } else { "" },
                        t = escape(&c.title)
                    ),
                    None => format!(
                        "<div class=\"callout\" data-callout=\"{k}\"><div class=\"callout-title\"><span class=\"callout-title-inner\">{t}</span></div><div class=\"callout-content\">",
                        k = escape(&c.kind),
                        t = escape(&c.title)
                    ),
                };
                self.emit(Event::Html(open.into()));
                self.quotes.push(Quote::Callout {
                    foldable: c.fold.is_some(),
                    header_end: r.start + c.header_len,
                });
            }
            None => {
                self.emit(Event::Start(Tag::BlockQuote(kind)));
                self.quotes.push(Quote::Plain);
            }
        }
    }

    /// A run of text: a custom task status removed; Obsidian syntax rewritten outside link text.
    fn text(&mut self, text: &str) {
        let mut text = text;
        if let Some(prefix) = self.strip_prefix.take() {
            let t = text.trim_start();
            if let Some(rest) = t.strip_prefix(prefix.as_str()) {
                text = rest.trim_start();
            } else if prefix.starts_with(t) && !t.is_empty() {
                self.strip_prefix = Some(prefix[t.len()..].to_string());
                return;
            }
        }
        if self.links.is_empty() {
            self.inline_syntax(text);
        } else {
            self.emit(Event::Text(text.to_string().into()));
        }
    }

    /// Text with tags as links, `==highlights==`, block ids removed and inline fields as Dataview spans.
    fn inline_syntax(&mut self, text: &str) {
        let mut events = std::mem::take(&mut self.scratch);
        inline_syntax(self.r, self.frame, text, &mut self.highlight, &mut events);
        for event in events.drain(..) {
            self.emit(event);
        }
        self.scratch = events;
    }

    /// The input is exhausted: close an open highlight and release every held event.
    fn finish(&mut self) {
        self.done = true;
        self.para = None;
        if self.highlight {
            self.out.push_back(Event::InlineHtml("</mark>".into()));
        }
    }
}

impl<'s, I: Iterator<Item = (Event<'s>, Range<usize>)>> Iterator for NoteEvents<'s, I> {
    type Item = Event<'s>;

    fn next(&mut self) -> Option<Event<'s>> {
        loop {
            // Yield from the front, keeping the last event and an undecided paragraph's events.
            let held_from = self.para.as_ref().map_or(usize::MAX, |p| p.at);
            if self.done || (self.out.len() >= 2 && held_from > 0) {
                if let Some(p) = self.para.as_mut() {
                    p.at -= 1;
                }
                return self.out.pop_front();
            }
            match self.input.next() {
                Some((event, r)) => self.step(event, r),
                None => self.finish(),
            }
        }
    }
}

/// Obsidian's syntax in a run of text (joined, so that none straddles a split), as events for the
/// page of `frame`: tags as links to their pages, `==highlights==` as `<mark>` (`highlight` says
/// whether one is open), a block id dropped with the space before it, inline fields as Dataview's
/// spans with their values typed and formatted (§9.5). Note pages and the task text of Dataview
/// results share it.
pub(super) fn inline_syntax<'s>(
    r: &Renderer<'_>,
    frame: &Frame<'_>,
    text: &str,
    highlight: &mut bool,
    out: &mut Vec<Event<'s>>,
) {
    let spans = scan::inline_tokens(text);
    let mut pos = 0;
    for span in spans {
        if span.range.start > pos {
            out.push(Event::Text(text[pos..span.range.start].to_string().into()));
        }
        match span.token {
            scan::Token::Tag(tag) => match r.plan.tags.get(&tag.to_lowercase()) {
                Some(path) => {
                    let url = r.url(frame.page, path, None);
                    let mut html = String::with_capacity(32 + url.len() + tag.len());
                    html.push_str("<a class=\"tag\" href=\"");
                    escape_into(&url, &mut html);
                    html.push_str("\">#");
                    escape_into(&tag, &mut html);
                    html.push_str("</a>");
                    out.push(Event::InlineHtml(html.into()))
                }
                None => out.push(Event::Text(format!("#{tag}").into())),
            },
            scan::Token::HighlightMark => {
                let mark = if *highlight { "</mark>" } else { "<mark>" };
                out.push(Event::InlineHtml(mark.into()));
                *highlight = !*highlight;
            }
            scan::Token::BlockId(_) => {
                // The id is on the block's element; drop the marker and the space before it.
                if let Some(Event::Text(prev)) = out.last_mut() {
                    let trimmed = prev.trim_end().to_string();
                    *prev = trimmed.into();
                }
            }
            scan::Token::Field { key, value, form } => {
                let value = crate::value::parse::inline_value(&value);
                let mut html = fields::open(&key, form);
                html.push_str(&r.field_value_html(frame, &value));
                html.push_str(fields::CLOSE);
                out.push(Event::InlineHtml(html.into()));
            }
        }
        pos = span.range.end;
    }
    if pos < text.len() {
        out.push(Event::Text(text[pos..].to_string().into()));
    }
}

/// `<input>` for a task checkbox (disabled: a static site cannot toggle it).
fn checkbox(checked: bool) -> String {
    format!(
        "<input class=\"task-list-item-checkbox\" type=\"checkbox\" disabled{}>",
        if checked { " checked" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::ByOffset;
    use foldhash::HashMap;

    /// Looked up as a hash map collected from the same entries answers, repeated offsets too.
    #[test]
    fn by_offset_answers_as_a_map_of_the_same_entries() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..200 {
            let entries: Vec<(usize, usize)> = (0..n)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state % (n as u64 + 3)) as usize, i)
                })
                .collect();
            let map: HashMap<usize, usize> = entries.iter().copied().collect();
            let by = ByOffset::new(entries);
            for at in 0..n + 5 {
                assert_eq!(by.get(&at), map.get(&at), "{n} {at}");
            }
        }
    }
}
