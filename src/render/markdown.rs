//! A note's markdown → HTML, as pulldown-cmark events: wikilinks and markdown links resolved to relative
//! URLs, embeds (notes, sections, blocks, images, PDFs, audio, video) with a depth limit and cycle
//! detection, callouts, highlights, tags, block ids, task checkboxes, Dataview blocks and inline queries.
//! Never regexes over HTML: every change is an event replaced or inserted.

use super::callout;
use super::fields;
use super::html::escape;
use super::urls;
use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::index::{NoteIdx, Target};
use crate::vault::{scan, LinkRef, QueryKind};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;

/// Embeds nest at most this deep (Obsidian stops too); deeper ones render a notice. Keeps a chain of
/// embeds from multiplying output size and recursion depth.
pub const MAX_EMBED_DEPTH: usize = 8;

const IMAGE_EXT: [&str; 9] = [
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "avif", "ico",
];
const AUDIO_EXT: [&str; 7] = ["mp3", "wav", "ogg", "m4a", "flac", "opus", "3gp"];
const VIDEO_EXT: [&str; 5] = ["mp4", "webm", "ogv", "mov", "mkv"];

/// What is being rendered: which note, where its HTML will stand, and the embed chain above it.
#[derive(Debug, Clone)]
pub struct Frame<'s> {
    pub note: NoteIdx,
    /// Output path of the page the HTML lands on (URLs are relative to it).
    pub page: &'s str,
    /// `(note, subpath)` of every embed above this one, for cycle detection.
    pub stack: Vec<(NoteIdx, Option<String>)>,
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

/// Per-note lookups by source offset.
struct Lookups {
    links: HashMap<usize, usize>,
    headings: HashMap<usize, usize>,
    blocks: HashMap<usize, String>,
    items: HashMap<usize, usize>,
    queries: HashMap<usize, usize>,
}

impl Renderer<'_> {
    fn lookups(&self, note: NoteIdx) -> Lookups {
        let n = &self.index.notes[note];
        Lookups {
            links: n
                .links
                .iter()
                .enumerate()
                .map(|(i, l)| (l.span.start, i))
                .collect(),
            headings: n
                .headings
                .iter()
                .enumerate()
                .map(|(i, h)| (h.span.start, i))
                .collect(),
            blocks: n
                .block_ids
                .iter()
                .map(|b| (b.block.start, b.id.clone()))
                .collect(),
            items: n
                .list_items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.span.start, i))
                .collect(),
            queries: n
                .queries
                .iter()
                .enumerate()
                .map(|(i, q)| (q.span.start, i))
                .collect(),
        }
    }

    /// The whole body of a note.
    pub fn body_html(&self, frame: &Frame<'_>, diags: &mut Vec<Diagnostic>) -> String {
        let note = &self.index.notes[frame.note];
        self.range_html(frame, note.body_start..note.text.len(), diags)
    }

    /// The HTML of `range` (byte offsets into the note's text) of `frame.note`.
    pub fn range_html(
        &self,
        frame: &Frame<'_>,
        range: Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let note = &self.index.notes[frame.note];
        let clean = self.clean_text(frame.note);
        let start = range.start.min(clean.len());
        let end = range.end.clamp(start, clean.len());
        let Some(source) = clean.get(start..end) else {
            return String::new();
        };
        let look = self.lookups(frame.note);
        let mut out: Vec<Event<'_>> = Vec::new();
        let mut skip: Option<(Skip, usize)> = None;
        let mut quotes: Vec<Quote> = Vec::new();
        let mut highlight = false;
        let mut links: Vec<Option<usize>> = Vec::new();
        let mut strip_prefix: Option<String> = None;
        // Adjacent text events are one run of text: pulldown-cmark splits text at `[` and similar
        // characters, and Obsidian syntax (`[due:: …]`, `#tags`, `==marks==`) may straddle the split.
        let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::new();
        // A run of adjacent text is collected in one String (copying the run for each piece would be
        // quadratic on long lines).
        let mut run: Option<(String, Range<usize>)> = None;
        for (event, r) in
            Parser::new_ext(source, crate::vault::markdown_options()).into_offset_iter()
        {
            let r = r.start + start..r.end + start;
            match (event, run.as_mut()) {
                (Event::Text(t), Some((text, range))) if range.end == r.start => {
                    text.push_str(&t);
                    range.end = r.end;
                }
                (Event::Text(t), _) => {
                    if let Some((text, range)) = run.take() {
                        events.push((Event::Text(text.into()), range));
                    }
                    run = Some((t.into_string(), r));
                }
                (event, _) => {
                    if let Some((text, range)) = run.take() {
                        events.push((Event::Text(text.into()), range));
                    }
                    events.push((event, r));
                }
            }
        }
        if let Some((text, range)) = run.take() {
            events.push((Event::Text(text.into()), range));
        }
        let events = fields::splice(events, &note.fields, clean);
        for (event, r) in events {
            if let Some((kind, depth)) = skip.as_mut() {
                match (&*kind, &event) {
                    (Skip::Link, Event::Start(Tag::Link { .. }))
                    | (Skip::Image, Event::Start(Tag::Image { .. })) => *depth += 1,
                    (Skip::Link, Event::End(TagEnd::Link))
                    | (Skip::Image, Event::End(TagEnd::Image))
                    | (Skip::CodeBlock, Event::End(TagEnd::CodeBlock)) => {
                        if *depth == 0 {
                            skip = None;
                        } else {
                            *depth -= 1;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // Inside a callout's header line: its events are the title, already written.
            if let Some(Quote::Callout { header_end, .. }) = quotes.last() {
                if r.start < *header_end
                    && !matches!(event, Event::Start(Tag::Paragraph) | Event::End(_))
                {
                    continue;
                }
            }
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
                    out.push(Event::Start(Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs,
                    }));
                }
                Event::Start(Tag::Paragraph) => match look.blocks.get(&r.start) {
                    Some(id) => out.push(Event::Html(
                        format!("<p id=\"{}\">", escape(&format!("^{id}"))).into(),
                    )),
                    None => out.push(Event::Start(Tag::Paragraph)),
                },
                Event::End(TagEnd::Paragraph) => {
                    if highlight {
                        out.push(Event::InlineHtml("</mark>".into()));
                        highlight = false;
                    }
                    out.push(Event::End(TagEnd::Paragraph));
                }
                Event::Start(Tag::Item) => {
                    let item = look
                        .items
                        .get(&r.start)
                        .and_then(|&i| note.list_items.get(i));
                    let mut attrs = String::new();
                    if let Some(id) = look.blocks.get(&r.start) {
                        attrs.push_str(&format!(" id=\"{}\"", escape(&format!("^{id}"))));
                    }
                    match item.and_then(|i| i.status) {
                        Some(status) => {
                            let checked = status != ' ';
                            attrs.push_str(&format!(
                                " class=\"task-list-item{}\" data-task=\"{}\"",
                                if checked { " is-checked" } else { "" },
                                escape(&status.to_string())
                            ));
                            out.push(Event::Html(format!("<li{attrs}>").into()));
                            if !matches!(status, ' ' | 'x' | 'X') {
                                out.push(Event::InlineHtml(checkbox(true).into()));
                                strip_prefix = Some(format!("[{status}]"));
                            }
                        }
                        None if attrs.is_empty() => out.push(Event::Start(Tag::Item)),
                        None => out.push(Event::Html(format!("<li{attrs}>").into())),
                    }
                }
                Event::TaskListMarker(checked) => {
                    out.push(Event::InlineHtml(checkbox(checked).into()))
                }
                Event::Start(Tag::BlockQuote(kind)) => {
                    match callout::parse(&clean[r.start..r.end]) {
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
                            out.push(Event::Html(open.into()));
                            quotes.push(Quote::Callout {
                                foldable: c.fold.is_some(),
                                header_end: r.start + c.header_len,
                            });
                        }
                        None => {
                            out.push(Event::Start(Tag::BlockQuote(kind)));
                            quotes.push(Quote::Plain);
                        }
                    }
                }
                Event::End(TagEnd::BlockQuote(kind)) => match quotes.pop() {
                    Some(Quote::Callout { foldable, .. }) => out.push(Event::Html(
                        if foldable {
                            "</div></details>"
                        } else {
                            "</div></div>"
                        }
                        .into(),
                    )),
                    _ => out.push(Event::End(TagEnd::BlockQuote(kind))),
                },
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    match look.links.get(&r.start).map(|&i| (i, &note.links[i])) {
                        Some((i, link)) => {
                            let (open, own_text) = self.link_open(frame, i, link);
                            out.push(Event::InlineHtml(open.into()));
                            if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
                                // Obsidian shows `Note > Heading` for a bare link: write it, skip the rest.
                                out.push(Event::Text(own_text.into()));
                                out.push(Event::InlineHtml(self.link_close(frame, i).into()));
                                skip = Some((Skip::Link, 0));
                            } else {
                                links.push(Some(i));
                            }
                        }
                        None => {
                            links.push(None);
                            out.push(Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }));
                        }
                    }
                }
                Event::End(TagEnd::Link) => match links.pop() {
                    Some(Some(i)) => out.push(Event::InlineHtml(self.link_close(frame, i).into())),
                    _ => out.push(Event::End(TagEnd::Link)),
                },
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => match look.links.get(&r.start).map(|&i| (i, &note.links[i])) {
                    Some((i, link)) => {
                        out.push(Event::Html(self.embed_html(frame, i, link, diags).into()));
                        skip = Some((Skip::Image, 0));
                    }
                    None => out.push(Event::Start(Tag::Image {
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
                        Some(q)
                            if matches!(q.kind, QueryKind::Dataview | QueryKind::DataviewJs) =>
                        {
                            out.push(Event::Html(self.query_html(frame, q, diags).into()));
                            skip = Some((Skip::CodeBlock, 0));
                        }
                        _ => out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))),
                    }
                }
                Event::Code(code) => {
                    match look
                        .queries
                        .get(&r.start)
                        .and_then(|&q| note.queries.get(q))
                    {
                        Some(q) if q.kind == QueryKind::Inline => out.push(Event::InlineHtml(
                            self.inline_query_html(frame, q, diags).into(),
                        )),
                        _ => out.push(Event::Code(code)),
                    }
                }
                Event::Text(text) => {
                    let mut text: &str = &text;
                    if let Some(prefix) = strip_prefix.take() {
                        let t = text.trim_start();
                        if let Some(rest) = t.strip_prefix(prefix.as_str()) {
                            text = rest.trim_start();
                        } else if prefix.starts_with(t) && !t.is_empty() {
                            strip_prefix = Some(prefix[t.len()..].to_string());
                            continue;
                        }
                    }
                    if !links.is_empty() {
                        out.push(Event::Text(text.to_string().into()));
                    } else {
                        self.text_events(frame, text, &mut highlight, &mut out);
                    }
                }
                other => out.push(other),
            }
        }
        if highlight {
            out.push(Event::InlineHtml("</mark>".into()));
        }
        let mut html = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        html
    }

    /// Text with tags as links, `==highlights==`, block ids removed and inline fields as Dataview spans.
    fn text_events<'e>(
        &self,
        frame: &Frame<'_>,
        text: &str,
        highlight: &mut bool,
        out: &mut Vec<Event<'e>>,
    ) {
        let spans = scan::inline_tokens(text);
        if spans.is_empty() {
            out.push(Event::Text(text.to_string().into()));
            return;
        }
        let mut pos = 0;
        for span in spans {
            if span.range.start > pos {
                out.push(Event::Text(text[pos..span.range.start].to_string().into()));
            }
            match span.token {
                scan::Token::Tag(tag) => {
                    let lower = tag.to_lowercase();
                    match self.plan.tags.get(&lower) {
                        Some(path) => out.push(Event::InlineHtml(
                            format!(
                                "<a class=\"tag\" href=\"{}\">#{}</a>",
                                escape(&self.url(frame.page, path, None)),
                                escape(&tag)
                            )
                            .into(),
                        )),
                        None => out.push(Event::Text(format!("#{tag}").into())),
                    }
                }
                scan::Token::HighlightMark => {
                    out.push(Event::InlineHtml(
                        if *highlight { "</mark>" } else { "<mark>" }.into(),
                    ));
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
                    let html = format!(
                        "{}{}{}",
                        fields::open(&key, form),
                        escape(&value),
                        fields::CLOSE
                    );
                    out.push(Event::InlineHtml(html.into()));
                }
            }
            pos = span.range.end;
        }
        if pos < text.len() {
            out.push(Event::Text(text[pos..].to_string().into()));
        }
    }

    /// The opening HTML of a link and the text to show when the link has no display text of its own.
    fn link_open(&self, frame: &Frame<'_>, i: usize, link: &LinkRef) -> (String, String) {
        let resolved = &self.index.links[frame.note][i];
        let shown = {
            let target = crate::index::names::strip_md(&link.target).to_string();
            match (&link.subpath, target.is_empty()) {
                (Some(sub), true) => sub.trim_start_matches('^').to_string(),
                (Some(sub), false) => format!("{target} > {}", sub.trim_start_matches('^')),
                (None, _) => target,
            }
        };
        let shown = link.display.clone().unwrap_or(shown);
        let href = |path: &str| self.url(frame.page, path, resolved.anchor.as_deref());
        let open = match &resolved.target {
            Target::Note(t) => format!(
                "<a class=\"internal-link\" href=\"{}\" data-href=\"{}\">",
                escape(&href(&self.plan.notes[*t])),
                escape(&link.target)
            ),
            Target::SameNote => format!(
                "<a class=\"internal-link\" href=\"{}\">",
                escape(
                    &resolved
                        .anchor
                        .as_deref()
                        .map(urls::fragment)
                        .unwrap_or_else(|| "#".into())
                )
            ),
            Target::Attachment(a) => match self.plan.attachments.get(a) {
                Some(p) => format!("<a class=\"internal-link\" href=\"{}\">", escape(&href(p))),
                None => "<span class=\"internal-link\">".into(),
            },
            Target::Unresolved(name) => match self.plan.stub(name) {
                Some(p) => format!(
                    "<a class=\"internal-link is-unresolved\" href=\"{}\">",
                    escape(&self.url(frame.page, p, None))
                ),
                None => "<span class=\"internal-link is-unresolved\">".into(),
            },
            Target::Excluded => "<span class=\"excluded-link\">".into(),
        };
        (open, shown)
    }

    fn link_close(&self, frame: &Frame<'_>, i: usize) -> &'static str {
        match &self.index.links[frame.note][i].target {
            Target::Note(_) | Target::SameNote => "</a>",
            Target::Attachment(a) if self.plan.attachments.contains_key(a) => "</a>",
            Target::Unresolved(name) if self.plan.stub(name).is_some() => "</a>",
            _ => "</span>",
        }
    }

    /// `![[…]]`: a note (whole, section or block), an image, a PDF, audio or video.
    fn embed_html(
        &self,
        frame: &Frame<'_>,
        i: usize,
        link: &LinkRef,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let resolved = &self.index.links[frame.note][i];
        let note = &self.index.notes[frame.note];
        match &resolved.target {
            Target::Attachment(a) => {
                let Some(path) = self.plan.attachments.get(a) else {
                    return String::new();
                };
                let src = escape(&self.embed_src(frame.page, *a, path));
                let name = escape(link.target.rsplit('/').next().unwrap_or(&link.target));
                let ext = super::slug::extension(path).unwrap_or_default();
                let (width, height) = size(link.display.as_deref());
                let dims = width.map(|w| format!(" width=\"{w}\"")).unwrap_or_default()
                    + &height
                        .map(|h| format!(" height=\"{h}\""))
                        .unwrap_or_default();
                let alt = link
                    .display
                    .as_deref()
                    .filter(|_| width.is_none())
                    .map(escape)
                    .unwrap_or_else(|| name.clone());
                if IMAGE_EXT.contains(&ext.as_str()) {
                    format!("<img class=\"internal-embed image-embed\" src=\"{src}\" alt=\"{alt}\"{dims} loading=\"lazy\">")
                } else if ext == "pdf" {
                    format!("<div class=\"internal-embed pdf-embed\"><object data=\"{src}\" type=\"application/pdf\"{dims}><a href=\"{src}\">{name}</a></object><a class=\"pdf-link\" href=\"{src}\">{name}</a></div>")
                } else if AUDIO_EXT.contains(&ext.as_str()) {
                    format!("<audio class=\"internal-embed media-embed\" controls preload=\"metadata\" src=\"{src}\"><a href=\"{src}\">{name}</a></audio>")
                } else if VIDEO_EXT.contains(&ext.as_str()) {
                    format!("<video class=\"internal-embed media-embed\" controls preload=\"metadata\" src=\"{src}\"{dims}><a href=\"{src}\">{name}</a></video>")
                } else {
                    format!("<a class=\"internal-link internal-embed file-embed\" href=\"{src}\">{name}</a>")
                }
            }
            Target::Note(t) => self.note_embed(frame, *t, link, resolved.anchor.as_deref(), diags),
            Target::SameNote => {
                self.note_embed(frame, frame.note, link, resolved.anchor.as_deref(), diags)
            }
            Target::Unresolved(name) => {
                let href = self
                    .plan
                    .stub(name)
                    .map(|p| self.url(frame.page, p, None))
                    .unwrap_or_default();
                let (line, col) = self.locate(frame.note, link.span.start);
                diags.push(Diagnostic::warning(
                    note.id.as_str(),
                    line,
                    col,
                    format!("embed of {:?}: no such note or file", link.target),
                ));
                format!(
                    "<a class=\"internal-embed is-unresolved internal-link\" href=\"{}\">{}</a>",
                    escape(&href),
                    escape(&link.target)
                )
            }
            Target::Excluded => String::new(),
        }
    }

    fn note_embed(
        &self,
        frame: &Frame<'_>,
        target: NoteIdx,
        link: &LinkRef,
        anchor: Option<&str>,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let note = &self.index.notes[frame.note];
        let at = || self.locate(frame.note, link.span.start);
        let key = (target, link.subpath.clone());
        let t = &self.index.notes[target];
        let title_href = self.url(frame.page, &self.plan.notes[target], anchor);
        let title = format!(
            "<div class=\"markdown-embed-title\"><a class=\"internal-link\" href=\"{}\">{}</a></div>",
            escape(&title_href),
            escape(&match &link.subpath {
                Some(s) => format!("{} > {}", t.title, s.trim_start_matches('^')),
                None => t.title.clone(),
            })
        );
        let self_embed = target == frame.note && link.subpath.is_none();
        if self_embed || frame.stack.contains(&key) {
            let (line, col) = at();
            diags.push(Diagnostic::warning(
                note.id.as_str(),
                line,
                col,
                format!(
                    "embed cycle: {} embeds itself through {:?}",
                    t.id.as_str(),
                    link.target
                ),
            ));
            return format!("<div class=\"internal-embed embed-cycle\">{title}<p>This embed would include itself (an embed cycle); shown as a link.</p></div>");
        }
        if frame.stack.len() > MAX_EMBED_DEPTH {
            let (line, col) = at();
            diags.push(Diagnostic::warning(
                note.id.as_str(),
                line,
                col,
                format!(
                    "embeds nested deeper than {MAX_EMBED_DEPTH}; {:?} shown as a link",
                    link.target
                ),
            ));
            return format!("<div class=\"internal-embed embed-too-deep\">{title}<p>Embeds nest too deep; shown as a link.</p></div>");
        }
        let range = match (&link.subpath, anchor) {
            (None, _) => t.body_start..t.text.len(),
            (Some(sub), Some(a)) if sub.starts_with('^') => {
                let id = a.trim_start_matches('^');
                match t.block_ids.iter().find(|b| b.id == id) {
                    Some(b) => b.block.clone(),
                    None => t.body_start..t.text.len(),
                }
            }
            (Some(_), Some(a)) => match t.headings.iter().position(|h| h.anchor == a) {
                Some(h) => {
                    let level = t.headings[h].level;
                    let end = t.headings[h + 1..]
                        .iter()
                        .find(|n| n.level <= level)
                        .map_or(t.text.len(), |n| n.span.start);
                    t.headings[h].span.start..end
                }
                None => t.body_start..t.text.len(),
            },
            // The subpath matched nothing (a warning came from the index): embed the whole note.
            (Some(_), None) => t.body_start..t.text.len(),
        };
        let mut stack = frame.stack.clone();
        if stack.is_empty() {
            stack.push((frame.note, None));
        }
        stack.push(key);
        let inner = Frame {
            note: target,
            page: frame.page,
            stack,
        };
        let body = self.range_html(&inner, range, diags);
        format!("<div class=\"internal-embed markdown-embed\">{title}<div class=\"markdown-embed-content\">{body}</div></div>")
    }
}

/// `<input>` for a task checkbox (disabled: a static site cannot toggle it).
fn checkbox(checked: bool) -> String {
    format!(
        "<input class=\"task-list-item-checkbox\" type=\"checkbox\" disabled{}>",
        if checked { " checked" } else { "" }
    )
}

/// `|300` or `|300x200` on an embed: width and height in pixels.
fn size(display: Option<&str>) -> (Option<u32>, Option<u32>) {
    let Some(d) = display.map(str::trim) else {
        return (None, None);
    };
    match d.split_once('x') {
        Some((w, h)) => match (w.trim().parse().ok(), h.trim().parse().ok()) {
            (Some(w), Some(h)) => (Some(w), Some(h)),
            _ => (None, None),
        },
        None => (d.parse().ok(), None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embed_sizes() {
        assert_eq!(super::size(Some("300")), (Some(300), None));
        assert_eq!(super::size(Some("300x200")), (Some(300), Some(200)));
        assert_eq!(super::size(Some("caption")), (None, None));
        assert_eq!(super::size(None), (None, None));
    }
}
