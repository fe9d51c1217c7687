//! A note's markdown → HTML, as pulldown-cmark events: wikilinks and markdown links resolved to relative
//! URLs, embeds (notes, sections, blocks, images, PDFs, audio, video) with a depth limit and cycle
//! detection, callouts, highlights, tags, block ids, task checkboxes, Dataview blocks and inline queries.
//! Never regexes over HTML: every change is an event replaced or inserted, as the events stream from
//! the parser to the HTML writer (`events`).

use super::events::NoteEvents;
use super::html::{escape, escape_into};
use super::urls;
use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::index::{NoteIdx, Target};
use crate::vault::LinkRef;
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

/// An embed's HTML and whether it is a block (a `<div>`, which a paragraph cannot hold) rather than
/// phrasing content (an image, audio, video or a link).
pub(super) struct Embed {
    pub html: String,
    pub block: bool,
}

impl Embed {
    fn inline(html: String) -> Embed {
        Embed { html, block: false }
    }
    fn block(html: String) -> Embed {
        Embed { html, block: true }
    }
}

impl Renderer<'_> {
    /// The HTML of `range` (byte offsets into the note's text) of `frame.note`.
    pub fn range_html(
        &self,
        frame: &Frame<'_>,
        range: Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        self.range_html_noting(frame, range, diags, None)
    }

    /// [`Renderer::range_html`], with the markdown events of `range` handed to `plain` as they are
    /// parsed, before they are rendered: a page's body gives its search text on the way.
    pub fn range_html_noting(
        &self,
        frame: &Frame<'_>,
        range: Range<usize>,
        diags: &mut Vec<Diagnostic>,
        mut plain: Option<&mut super::search::PlainText>,
    ) -> String {
        let clean = self.clean_text(frame.note);
        let start = range.start.min(clean.len());
        let end = range.end.clamp(start, clean.len());
        let Some(source) = clean.get(start..end) else {
            return String::new();
        };
        let input = crate::vault::chunks::offset_events(source).inspect(move |(event, _)| {
            if let Some(plain) = plain.as_deref_mut() {
                plain.feed(event);
            }
        });
        let events = NoteEvents::new(self, frame, input, start, diags);
        let mut html = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events);
        html
    }

    /// The opening HTML of a link and the text to show when the link has no display text of its own.
    pub(super) fn link_open(
        &self,
        frame: &Frame<'_>,
        i: usize,
        link: &LinkRef,
    ) -> (String, String) {
        let resolved = &self.index.links[frame.note][i];
        let shown = match link.display() {
            Some(display) => display.to_string(),
            None => {
                let target = crate::index::names::strip_md(link.target());
                match (link.subpath(), target.is_empty()) {
                    (Some(sub), true) => sub.trim_start_matches('^').to_string(),
                    (Some(sub), false) => format!("{target} > {}", sub.trim_start_matches('^')),
                    (None, _) => target.to_string(),
                }
            }
        };
        let href = |path: &str| self.url(frame.page, path, resolved.anchor.as_deref());
        let open = match &resolved.target {
            Target::Note(t) => {
                // Written in place: most links of a page are to notes.
                let (href, target) = (href(&self.plan.notes[*t]), link.target());
                let mut open = String::with_capacity(48 + href.len() + target.len());
                open.push_str("<a class=\"internal-link\" href=\"");
                escape_into(&href, &mut open);
                open.push_str("\" data-href=\"");
                escape_into(target, &mut open);
                open.push_str("\">");
                open
            }
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

    pub(super) fn link_close(&self, frame: &Frame<'_>, i: usize) -> &'static str {
        match &self.index.links[frame.note][i].target {
            Target::Note(_) | Target::SameNote => "</a>",
            Target::Attachment(a) if self.plan.attachments.contains_key(a) => "</a>",
            Target::Unresolved(name) if self.plan.stub(name).is_some() => "</a>",
            _ => "</span>",
        }
    }

    /// `![[…]]`: a note (whole, section or block), an image, a PDF, audio or video.
    pub(super) fn embed_html(
        &self,
        frame: &Frame<'_>,
        i: usize,
        link: &LinkRef,
        diags: &mut Vec<Diagnostic>,
    ) -> Embed {
        let resolved = &self.index.links[frame.note][i];
        let note = &self.index.notes[frame.note];
        match &resolved.target {
            Target::Attachment(a) => {
                let Some(path) = self.plan.attachments.get(a) else {
                    return Embed::inline(String::new());
                };
                let src = escape(&self.embed_src(frame.page, *a, path));
                let name = escape(link.target().rsplit('/').next().unwrap_or(link.target()));
                let ext = super::slug::extension(path).unwrap_or_default();
                let (width, height) = size(link.display());
                let dims = width.map(|w| format!(" width=\"{w}\"")).unwrap_or_default()
                    + &height
                        .map(|h| format!(" height=\"{h}\""))
                        .unwrap_or_default();
                let alt = link
                    .display()
                    .filter(|_| width.is_none())
                    .map(escape)
                    .unwrap_or_else(|| name.clone());
                if IMAGE_EXT.contains(&ext.as_str()) {
                    Embed::inline(format!("<img class=\"internal-embed image-embed\" src=\"{src}\" alt=\"{alt}\"{dims} loading=\"lazy\">"))
                } else if ext == "pdf" {
                    Embed::block(format!("<div class=\"internal-embed pdf-embed\"><object data=\"{src}\" type=\"application/pdf\"{dims}><a href=\"{src}\">{name}</a></object><a class=\"pdf-link\" href=\"{src}\">{name}</a></div>"))
                } else if AUDIO_EXT.contains(&ext.as_str()) {
                    Embed::inline(format!("<audio class=\"internal-embed media-embed\" controls preload=\"metadata\" src=\"{src}\"><a href=\"{src}\">{name}</a></audio>"))
                } else if VIDEO_EXT.contains(&ext.as_str()) {
                    Embed::inline(format!("<video class=\"internal-embed media-embed\" controls preload=\"metadata\" src=\"{src}\"{dims}><a href=\"{src}\">{name}</a></video>"))
                } else {
                    Embed::inline(format!("<a class=\"internal-link internal-embed file-embed\" href=\"{src}\">{name}</a>"))
                }
            }
            Target::Note(t) => {
                Embed::block(self.note_embed(frame, *t, link, resolved.anchor.as_deref(), diags))
            }
            Target::SameNote => Embed::block(self.note_embed(
                frame,
                frame.note,
                link,
                resolved.anchor.as_deref(),
                diags,
            )),
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
                    format!("embed of {:?}: no such note or file", link.target()),
                ));
                Embed::inline(format!(
                    "<a class=\"internal-embed is-unresolved internal-link\" href=\"{}\">{}</a>",
                    escape(&href),
                    escape(link.target())
                ))
            }
            Target::Excluded => Embed::inline(String::new()),
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
        let key = (target, link.subpath().map(str::to_string));
        let t = &self.index.notes[target];
        let title_href = self.url(frame.page, &self.plan.notes[target], anchor);
        let title = format!(
            "<div class=\"markdown-embed-title\"><a class=\"internal-link\" href=\"{}\">{}</a></div>",
            escape(&title_href),
            escape(&match link.subpath() {
                Some(s) => format!("{} > {}", t.title, s.trim_start_matches('^')),
                None => t.title.clone(),
            })
        );
        let self_embed = target == frame.note && link.subpath().is_none();
        if self_embed || frame.stack.contains(&key) {
            let (line, col) = at();
            diags.push(Diagnostic::warning(
                note.id.as_str(),
                line,
                col,
                format!(
                    "embed cycle: {} embeds itself through {:?}",
                    t.id.as_str(),
                    link.target()
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
                    link.target()
                ),
            ));
            return format!("<div class=\"internal-embed embed-too-deep\">{title}<p>Embeds nest too deep; shown as a link.</p></div>");
        }
        let range = match (link.subpath(), anchor) {
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
