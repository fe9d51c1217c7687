//! Dataview blocks and inline queries of a page, evaluated with `this` = the note holding them.

use super::dataview::{error_to_html, inline_to_html, result_to_html, ValueHtml};
use super::html::{escape, escape_into};
use super::markdown::Frame;
use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::index::Target;
use crate::value::{Link, LinkKind};
use crate::vault::{QueryBlock, QueryKind};

/// Link HTML and date formats for values on one page.
struct PageValues<'a, 'r> {
    r: &'a Renderer<'r>,
    frame: &'a Frame<'a>,
}

impl ValueHtml for PageValues<'_, '_> {
    fn link(&self, link: &Link) -> String {
        let r = self.r;
        let target = if link.resolved {
            r.index
                .note_by_path(&link.path)
                .map(Target::Note)
                .unwrap_or(Target::Unresolved(link.path.as_str().into()))
        } else {
            r.index.resolve(self.frame.note, &link.path)
        };
        let anchor = match (&target, &link.subpath) {
            (Target::Note(t), Some(sub)) => {
                let sub = if link.kind == LinkKind::Block {
                    format!("^{sub}")
                } else {
                    sub.clone()
                };
                crate::index::anchor_of(&r.index.notes[*t], &sub)
            }
            _ => None,
        };
        match target {
            Target::Note(t) => {
                let text = link
                    .display
                    .as_deref()
                    .unwrap_or_else(|| r.index.notes[t].id.name());
                let url = r.url(self.frame.page, &r.plan.notes[t], anchor.as_deref());
                // Written in place: every task a query lists links its note.
                let mut html = String::with_capacity(48 + url.len() + text.len());
                html.push_str("<a class=\"internal-link\" href=\"");
                escape_into(&url, &mut html);
                html.push_str("\">");
                escape_into(text, &mut html);
                html.push_str("</a>");
                html
            }
            Target::Unresolved(name) => {
                let text = link
                    .display
                    .clone()
                    .unwrap_or_else(|| crate::index::resolve::unresolved_name(&name));
                match r.plan.stub(&crate::index::resolve::unresolved_name(&name)) {
                    Some(p) => format!(
                        "<a class=\"internal-link is-unresolved\" href=\"{}\">{}</a>",
                        escape(&r.url(self.frame.page, p, None)),
                        escape(&text)
                    ),
                    None => format!(
                        "<span class=\"internal-link is-unresolved\">{}</span>",
                        escape(&text)
                    ),
                }
            }
            Target::Attachment(a) => match r.plan.attachments.get(&a) {
                Some(p) => format!(
                    "<a class=\"internal-link\" href=\"{}\">{}</a>",
                    escape(&r.url(self.frame.page, p, None)),
                    escape(&link.path)
                ),
                None => escape(&link.path),
            },
            Target::SameNote | Target::Excluded => {
                escape(link.display.as_deref().unwrap_or(&link.path))
            }
        }
    }
    /// The task's text as its note page shows it: links resolved from the note at `path`, and tags,
    /// highlights and inline fields (`[due:: 2026-12-05]`) as on that page.
    fn task_text(&self, text: &str, path: &str) -> String {
        use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
        let r = self.r;
        let from = r.index.note_by_path(path).unwrap_or(self.frame.note);
        // Links being skipped (a wikilink is written whole at its start) and markdown links open,
        // whose text is left as written.
        let (mut skip, mut links) = (0usize, 0usize);
        let mut highlight = false;
        let mut events = Vec::new();
        let parser = Parser::new_ext(text, crate::vault::markdown_options()).into_offset_iter();
        for (event, _) in super::events::TextRuns::new(parser) {
            if skip > 0 {
                match event {
                    Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => skip -= 1,
                    Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => skip += 1,
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { has_pothole },
                    dest_url,
                    ..
                }) => {
                    let mut link = crate::value::parse::parse_link_inner(&dest_url, false);
                    if !has_pothole {
                        // The display is the link text itself; keep the target's name.
                        link.display = None;
                    }
                    let target = match r.index.resolve(from, &link.path) {
                        Target::Note(t) => Link {
                            path: r.index.notes[t].id.as_str().to_string(),
                            resolved: true,
                            ..link
                        },
                        _ => link,
                    };
                    events.push(Event::InlineHtml(self.link(&target).into()));
                    skip = 1;
                }
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Html(h) | Event::InlineHtml(h) => events.push(Event::Text(h)),
                Event::Text(t) if links == 0 => {
                    super::events::inline_syntax(r, self.frame, &t, &mut highlight, &mut events)
                }
                other => {
                    match &other {
                        Event::Start(Tag::Link { .. }) => links += 1,
                        Event::End(TagEnd::Link) => links = links.saturating_sub(1),
                        _ => {}
                    }
                    events.push(other)
                }
            }
        }
        if highlight {
            events.push(Event::InlineHtml("</mark>".into()));
        }
        // `^id` at the end names the task for links; Obsidian does not show it.
        if let Some(Event::Text(last)) = events.last_mut() {
            let shown = crate::vault::scan::strip_block_id(last);
            if shown.len() != last.len() {
                *last = shown.to_string().into();
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html.trim().to_string()
    }
    fn date_format(&self) -> &str {
        &self.r.config.date_format
    }
    fn datetime_format(&self) -> &str {
        &self.r.config.datetime_format
    }
}

impl Renderer<'_> {
    /// A task's text as inline HTML, its links resolved from the note at `path`.
    pub fn task_html(&self, frame: &Frame<'_>, text: &str, path: &str) -> String {
        PageValues { r: self, frame }.task_text(text, path)
    }

    /// A value rendered with the page's link rules and date formats.
    pub fn page_value_html(&self, frame: &Frame<'_>, v: &crate::value::Value) -> String {
        super::dataview::value_html(v, &PageValues { r: self, frame })
    }

    /// A rendered inline field's value on the page of `frame` (dates in the configured format, a
    /// list joined by commas), as the plugin renders `[due:: 2026-12-05]` in reading view.
    pub fn field_value_html(&self, frame: &Frame<'_>, v: &crate::value::Value) -> String {
        super::dataview::value_inline_html(v, &PageValues { r: self, frame })
    }

    fn context<'p>(
        &'p self,
        frame: &Frame<'_>,
        pages: &'p crate::dataview::Pages,
    ) -> crate::dataview::Context<'p> {
        crate::dataview::Context {
            index: self.index,
            pages,
            this: Some(frame.note),
            today: self.today,
        }
    }

    /// Runs a block query for the page of `frame`, recording the run when tracing.
    fn run_block(
        &self,
        frame: &Frame<'_>,
        query: crate::dataview::Query,
    ) -> Result<crate::dataview::QueryResult, crate::dataview::ExecError> {
        let pages = self
            .pages
            .scope_reading(crate::dataview::trace::Observed::of_expressions(&query));
        let ctx = self.context(frame, &pages);
        let Some(log) = &self.traces else {
            return crate::dataview::execute(&query, &ctx);
        };
        let (result, traced) = crate::dataview::trace::block(query, &ctx);
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((frame.page.to_string(), traced));
        result
    }

    /// Evaluates an inline query for the page of `frame`, recording the run when tracing.
    fn run_inline(
        &self,
        frame: &Frame<'_>,
        expr: &str,
    ) -> Result<crate::value::Value, crate::dataview::ExecError> {
        let pages = self.pages.scope();
        let ctx = self.context(frame, &pages);
        let Some(log) = &self.traces else {
            return crate::dataview::evaluate_inline(expr, &ctx);
        };
        let (value, traced) = crate::dataview::trace::inline(expr, &ctx);
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((frame.page.to_string(), traced));
        value
    }

    /// A fenced `dataview` block's result, or an error box; a `dataviewjs` block's notice.
    pub fn query_html(
        &self,
        frame: &Frame<'_>,
        q: &QueryBlock,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let note = &self.index.notes[frame.note];
        if q.kind == QueryKind::DataviewJs {
            let (line, col) = self.locate(frame.note, q.span.start);
            diags.push(Diagnostic::warning(
                note.id.as_str(),
                line,
                col,
                "dataviewjs blocks run JavaScript and are not evaluated in a static build",
            ));
            return "<div class=\"dataview dataview-js-notice callout\" data-callout=\"info\"><div class=\"callout-title\">DataviewJS</div><div class=\"callout-content\"><p>This block is JavaScript for the Dataview plugin; it runs only inside Obsidian and is not evaluated in the published site.</p></div></div>".into();
        }
        let values = PageValues { r: self, frame };
        match crate::dataview::parse(&q.source) {
            Err(e) => {
                let (line, _) = self.locate(frame.note, q.source_offset);
                diags.push(Diagnostic::warning(
                    note.id.as_str(),
                    line + e.line.saturating_sub(1),
                    e.col,
                    format!("Dataview query does not parse: {}", e.message),
                ));
                error_to_html(&e.to_string())
            }
            Ok(query) => match self.run_block(frame, query) {
                Ok(result) => result_to_html(&result, &values),
                Err(e) => {
                    let (line, col) = self.locate(frame.note, q.source_offset);
                    diags.push(Diagnostic::warning(
                        note.id.as_str(),
                        line,
                        col,
                        format!("Dataview query failed: {}", e.message),
                    ));
                    error_to_html(&e.message)
                }
            },
        }
    }

    /// An inline `` `= expr` `` query's value.
    pub fn inline_query_html(
        &self,
        frame: &Frame<'_>,
        q: &QueryBlock,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let values = PageValues { r: self, frame };
        match self.run_inline(frame, &q.source) {
            Ok(v) => inline_to_html(&v, &values),
            Err(e) => {
                let note = &self.index.notes[frame.note];
                let (line, col) = self.locate(frame.note, q.source_offset);
                diags.push(Diagnostic::warning(
                    note.id.as_str(),
                    line,
                    col,
                    format!("inline Dataview query failed: {}", e.message),
                ));
                format!(
                    "<span class=\"dataview dataview-inline-query dataview-error\">{}</span>",
                    escape(&format!("Dataview: {}", e.message))
                )
            }
        }
    }
}
