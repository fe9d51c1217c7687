//! What each template receives: plain serialisable views, every URL already relative to the page.
//! The default theme is the reference user of these contexts.

use super::html::escape_into;
use super::markdown::Frame;
use super::{urls, Page, Renderer};
use super::{Ctx, Part};
use crate::crm::{AccountIdx, PersonIdx};
use crate::diagnostics::Diagnostic;
use crate::index::{Backlink, NoteIdx, Target};
use crate::value::Value;
use std::collections::BTreeMap;

/// Snippets around a backlink are cut to about this many characters.
const SNIPPET_CHARS: usize = 240;

#[derive(Debug)]
struct LinkView {
    name: String,
    url: String,
}

#[derive(Debug)]
pub(super) struct NoteItem {
    pub title: String,
    pub url: String,
    pub folder: String,
    pub date: Option<String>,
}

#[derive(Debug)]
pub(super) struct BacklinkView {
    pub title: String,
    pub url: String,
    pub snippets: Vec<String>,
    /// Further mentions in the same note, not shown.
    pub more: usize,
}

// The views are moved into a page's context, their strings with them: a page's lists (backlinks with
// their snippets, outlinks, the notes of a folder or tag) are thousands of them.

impl From<LinkView> for Ctx {
    fn from(v: LinkView) -> Self {
        ctx!({"name": v.name, "url": v.url})
    }
}

impl From<NoteItem> for Ctx {
    fn from(n: NoteItem) -> Self {
        ctx!({"title": n.title, "url": n.url, "folder": n.folder, "date": n.date})
    }
}

impl From<BacklinkView> for Ctx {
    fn from(b: BacklinkView) -> Self {
        ctx!({"title": b.title, "url": b.url, "snippets": b.snippets, "more": b.more})
    }
}

/// A page shows at most this many snippets per linking note (a note with 100,000 links to the same
/// target must not make every page it links to enormous).
const MAX_SNIPPETS: usize = 3;

/// The notes mentioning something, each with up to `MAX_SNIPPETS` distinct snippets, sorted by note.
pub(super) fn mentions<'b>(
    r: &Renderer<'_>,
    page: &str,
    places: impl Iterator<Item = &'b Backlink>,
) -> Vec<BacklinkView> {
    Mentions::of(r, places).into_views(r, page)
}

/// The notes mentioning something, with their snippets, before any page's URLs are made: a person with
/// a note is shown with the same snippets twice, in the note's backlinks and on the person's page, and
/// the snippets are made once for both (they were a third of all the snippets of a 10,000-note vault).
pub(super) struct Mentions(Vec<(NoteIdx, Vec<String>, usize)>);

impl Mentions {
    /// Per linking note, in note order: up to `MAX_SNIPPETS` distinct snippets and how many places
    /// were left out.
    pub(super) fn of<'b>(r: &Renderer<'_>, places: impl Iterator<Item = &'b Backlink>) -> Mentions {
        let mut grouped: BTreeMap<NoteIdx, (Vec<String>, usize, usize)> = BTreeMap::new();
        for b in places {
            let (snippets, seen, more) = grouped.entry(b.from).or_default();
            if *seen < MAX_SNIPPETS {
                *seen += 1;
                let s = snippet(r, b);
                if !snippets.contains(&s) {
                    snippets.push(s);
                }
            } else {
                *more += 1;
            }
        }
        Mentions(
            grouped
                .into_iter()
                .map(|(from, (snippets, _, more))| (from, snippets, more))
                .collect(),
        )
    }

    /// The backlinks of note `i`: the places that link to it from other notes.
    pub(super) fn backlinks(r: &Renderer<'_>, i: NoteIdx) -> Mentions {
        Mentions::of(r, r.index.backlinks[i].iter().filter(|b| b.from != i))
    }

    /// The mentions as the page at `page` links them.
    pub(super) fn views(&self, r: &Renderer<'_>, page: &str) -> Vec<BacklinkView> {
        self.0
            .iter()
            .map(|(from, snippets, more)| view(r, page, *from, snippets.clone(), *more))
            .collect()
    }

    /// [`Mentions::views`], the snippets moved into them.
    pub(super) fn into_views(self, r: &Renderer<'_>, page: &str) -> Vec<BacklinkView> {
        self.0
            .into_iter()
            .map(|(from, snippets, more)| view(r, page, from, snippets, more))
            .collect()
    }
}

/// A note's mentions of something as the page at `page` links them.
fn view(
    r: &Renderer<'_>,
    page: &str,
    from: NoteIdx,
    snippets: Vec<String>,
    more: usize,
) -> BacklinkView {
    BacklinkView {
        title: r.index.notes[from].title.clone(),
        url: r.url(page, &r.plan.notes[from], None),
        snippets,
        more,
    }
}

/// What the pages of one folder share ([`Ctx::Shared`]), each part made for the first of them that
/// shows it (every URL in a part is relative to the folder): the `site` part (site title, the way
/// back to the root, navigation), and links to notes, accounts and people, which thousands of pages
/// show (a customer is linked from each of its meetings).
pub(super) struct Folder {
    site: std::sync::Arc<Part>,
    notes: Parts,
    accounts: Parts,
    people: Parts,
    /// Tags as a note writes them, as links.
    tags: std::sync::Mutex<foldhash::HashMap<String, std::sync::Arc<Part>>>,
    /// The way from the home page to the folder of the first note made here, and that folder.
    breadcrumb: std::sync::OnceLock<(String, std::sync::Arc<Part>)>,
}

/// A folder's parts of one kind by index, each made when first asked for.
#[derive(Default)]
struct Parts(std::sync::OnceLock<Box<[std::sync::OnceLock<std::sync::Arc<Part>>]>>);

impl Parts {
    /// The `i`th of `len` parts, made by `make` the first time.
    fn get(&self, len: usize, i: usize, make: impl FnOnce() -> Ctx) -> Ctx {
        let slots = self
            .0
            .get_or_init(|| (0..len).map(|_| std::sync::OnceLock::new()).collect());
        match slots.get(i) {
            Some(slot) => Ctx::Shared(slot.get_or_init(|| Part::new(make())).clone()),
            None => make(),
        }
    }
}

impl Folder {
    /// A note in a list ([`note_item`]).
    pub(super) fn note(&self, r: &Renderer<'_>, page: &str, i: NoteIdx) -> Ctx {
        self.notes
            .get(r.index.notes.len(), i, || note_item(r, page, i).into())
    }

    /// An account as a link, with its status.
    pub(super) fn account(&self, r: &Renderer<'_>, page: &str, a: AccountIdx) -> Ctx {
        self.accounts.get(r.crm.accounts.len(), a, || {
            let account = &r.crm.accounts[a];
            ctx!({"name": &account.name, "url": r.url(page, &r.plan.briefs[a], None), "status": &account.status})
        })
    }

    /// A note's tags as links, in its order; a tag without a page is left out.
    pub(super) fn tags(&self, r: &Renderer<'_>, page: &str, tags: &[String]) -> Vec<Ctx> {
        if tags.is_empty() {
            return Vec::new();
        }
        let mut parts = self
            .tags
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tags.iter()
            .filter_map(|t| {
                if let Some(part) = parts.get(t) {
                    return Some(Ctx::Shared(part.clone()));
                }
                let url = r.url(page, r.plan.tags.get(&t.to_lowercase())?, None);
                let part = Part::new(ctx!({"name": t, "url": url}));
                parts.insert(t.clone(), part.clone());
                Some(Ctx::Shared(part))
            })
            .collect()
    }

    /// The way from the home page to a note's `folder` ([`breadcrumb`]), shared by the notes of one
    /// folder: the pages of a folder are the notes of one, unless the names of two note folders make
    /// the same page folder (then the notes of the other get their own).
    pub(super) fn breadcrumb(&self, r: &Renderer<'_>, page: &str, folder: &str) -> Ctx {
        let (of, part) = self.breadcrumb.get_or_init(|| {
            (
                folder.to_string(),
                Part::new(breadcrumb(r, page, folder).into()),
            )
        });
        match of == folder {
            true => Ctx::Shared(part.clone()),
            false => breadcrumb(r, page, folder).into(),
        }
    }

    /// A person as a link.
    pub(super) fn person(&self, r: &Renderer<'_>, page: &str, p: PersonIdx) -> Ctx {
        self.people.get(
            r.crm.people.len(),
            p,
            || ctx!({"name": &r.crm.people[p].name, "url": r.url(page, &r.plan.people[p], None)}),
        )
    }
}

/// The folder of a page's site path.
fn folder_of(page: &str) -> &str {
    page.rfind('/').map_or("", |i| &page[..i])
}

/// The parts shared by the pages of `page`'s folder.
pub(super) fn folder(r: &Renderer<'_>, page: &str) -> std::sync::Arc<Folder> {
    let folder = folder_of(page);
    let mut folders = r
        .folders
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match folders.get(folder) {
        Some(shared) => shared.clone(),
        None => {
            let shared = std::sync::Arc::new(Folder {
                site: Part::new(site_of(r, page)),
                notes: Parts::default(),
                accounts: Parts::default(),
                people: Parts::default(),
                tags: Default::default(),
                breadcrumb: std::sync::OnceLock::new(),
            });
            folders.insert(folder.to_string(), shared.clone());
            shared
        }
    }
}

/// Drops what the pages made so far have shared (each page holds what it shows).
pub(super) fn forget_folders(r: &Renderer<'_>) {
    r.folders
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
}

/// The pages left to make in each folder, so that what a folder's pages share ([`Folder`]) is
/// dropped with the last of them, not held to the end of the build (notes are made folder by folder).
pub(super) struct Left(foldhash::HashMap<String, std::sync::atomic::AtomicUsize>);

impl Left {
    /// The pages at `pages` left to make.
    pub(super) fn new<'p>(pages: impl IntoIterator<Item = &'p str>) -> Left {
        let mut left = foldhash::HashMap::<String, std::sync::atomic::AtomicUsize>::default();
        for page in pages {
            *left
                .entry(folder_of(page).to_string())
                .or_default()
                .get_mut() += 1;
        }
        Left(left)
    }

    /// The page at `page` is made.
    pub(super) fn made(&self, r: &Renderer<'_>, page: &str) {
        let folder = folder_of(page);
        let last = self
            .0
            .get(folder)
            .is_some_and(|n| n.fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1);
        if last {
            r.folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(folder);
        }
    }
}

/// The `site` part of a folder's pages ([`Folder`]), made for the page at `page`.
fn site_of(r: &Renderer<'_>, page: &str) -> Ctx {
    let rel = |p: &str| r.url(page, p, None);
    ctx!({
        "title": &r.config.title,
        "root": urls::root(page),
        "home": rel("index.html"),
        "css": rel("static/style.css"),
        "nav": [
            {"name": "Home", "url": rel("index.html")},
            {"name": "Accounts", "url": rel(super::plan::ACCOUNTS)},
            {"name": "People", "url": rel(super::plan::PEOPLE)},
            {"name": "Topics", "url": rel(super::plan::TOPICS)},
            {"name": "Timeline", "url": rel(super::plan::TIMELINE)},
            {"name": "Tags", "url": rel("tags/index.html")},
        ],
    })
}

/// `object` with `fields` moved in ([`Ctx::set`]): a page's `page` and `site` parts around its own,
/// or a view made elsewhere with more to show.
pub(super) fn with(mut object: Ctx, fields: impl IntoIterator<Item = (&'static str, Ctx)>) -> Ctx {
    for (key, value) in fields {
        object.set(key, value);
    }
    object
}

/// A page's context: `fields`, with its `page` part (title, path, kind), the `site` part and `parts`
/// moved in ([`with`]).
pub(super) fn page_context(
    r: &Renderer<'_>,
    page: &str,
    (title, kind): (&str, &str),
    fields: Ctx,
    parts: impl IntoIterator<Item = (&'static str, Ctx)>,
) -> Ctx {
    let header = [
        ("page", ctx!({"title": title, "path": page, "kind": kind})),
        ("site", Ctx::Shared(folder(r, page).site.clone())),
    ];
    with(fields, header.into_iter().chain(parts))
}

/// The date a note is about: `date` front matter, else a `YYYY-MM-DD` in its file name.
pub fn note_day(r: &Renderer<'_>, i: NoteIdx) -> Option<String> {
    r.days.get(i).cloned().flatten()
}

/// A note's date as lists show it, made once per note (`Renderer::days`): a note is listed on many
/// pages, and finding its date can mean trying every position of its name.
pub(super) fn day_of(note: &crate::vault::Note) -> Option<String> {
    use chrono::Datelike;
    // Written directly: chrono's `format` parses its pattern on every call.
    crate::crm::note_date(note).map(|d| match d.year() {
        0..=9999 => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

pub(super) fn note_item(r: &Renderer<'_>, page: &str, i: NoteIdx) -> NoteItem {
    let n = &r.index.notes[i];
    NoteItem {
        title: n.title.clone(),
        url: r.url(page, &r.plan.notes[i], None),
        folder: n.id.folder().to_string(),
        date: note_day(r, i),
    }
}

fn breadcrumb(r: &Renderer<'_>, page: &str, folder: &str) -> Vec<LinkView> {
    let mut crumbs = vec![LinkView {
        name: r.config.title.clone(),
        url: r.url(page, "index.html", None),
    }];
    let mut acc = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(part);
        if let Some(p) = r.plan.folders.get(&acc) {
            crumbs.push(LinkView {
                name: part.to_string(),
                url: r.url(page, p, None),
            });
        }
    }
    crumbs
}

/// The line of `from`'s text around one of its links, as escaped plain text with the link's text in
/// `<strong>`.
pub(super) fn snippet(r: &Renderer<'_>, b: &Backlink) -> String {
    let note = &r.index.notes[b.from];
    let Some(link) = note.links.get(b.link) else {
        return String::new();
    };
    let text = r.clean_text(b.from);
    // The link's line, looked for within a window around the link (a line may be megabytes long).
    let window = SNIPPET_CHARS * 8;
    let at = link.span.start.min(text.len());
    let mut lo = at.saturating_sub(window);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (link.span.end + window).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let start = memchr::memrchr(b'\n', &text.as_bytes()[lo..at]).map_or(lo, |i| lo + i + 1);
    let end = memchr::memchr(b'\n', &text.as_bytes()[at..hi]).map_or(hi, |i| at + i);
    let line = shown_fields(&text[start..end], start, &note.fields);
    let plain = match table_row_cells(&line) {
        // A table row reads as its cells, not as the pipes between them.
        Some(cells) => {
            let cells: Vec<String> = cells
                .into_iter()
                .map(crate::vault::scan::plain_text)
                .filter(|c| !c.is_empty())
                .collect();
            cells.join(" · ")
        }
        None => crate::vault::scan::plain_text(&line),
    };
    let shown = link.display().map_or_else(
        || crate::index::names::strip_md(link.target()).to_string(),
        str::to_string,
    );
    // At most SNIPPET_CHARS characters of the line, centred on the link's text. (In ASCII, as most
    // lines are, a character is a byte: no walk over the line to count or find them.)
    let ascii = plain.is_ascii();
    let chars = if ascii {
        plain.len()
    } else {
        plain.chars().count()
    };
    let (from, to) = if chars > SNIPPET_CHARS {
        let before = &plain[..find(&plain, &shown).unwrap_or(0)];
        let center = if ascii {
            before.len()
        } else {
            before.chars().count()
        };
        let from = center.saturating_sub(SNIPPET_CHARS / 2);
        (from, (from + SNIPPET_CHARS).min(chars))
    } else {
        (0, chars)
    };
    let byte = |n: usize| match ascii {
        true => n.min(plain.len()),
        false => plain.char_indices().nth(n).map_or(plain.len(), |(i, _)| i),
    };
    let window = &plain[byte(from)..byte(to)];
    let mut out = String::with_capacity(window.len() + 32);
    if from > 0 {
        out.push('…');
    }
    match find(window, &shown).filter(|_| !shown.is_empty()) {
        Some(i) => {
            escape_into(&window[..i], &mut out);
            out.push_str("<strong>");
            escape_into(&shown, &mut out);
            out.push_str("</strong>");
            escape_into(&window[i + shown.len()..], &mut out);
        }
        None => escape_into(window, &mut out),
    }
    if to < chars {
        out.push('…');
    }
    out
}

/// Where `needle` first occurs in `text`, as `str::find` says: at a place of its first byte where
/// the rest follows. A snippet looks for its link's text in a line of a few hundred bytes, where
/// setting up a substring searcher (`str::find`'s, or `memchr::memmem`'s) cost more than the search.
fn find(text: &str, needle: &str) -> Option<usize> {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    memchr::memchr_iter(first, text).find(|&i| text[i..].starts_with(needle))
}

/// The cells of `line` as markdown, when it is a row of a table (`| a | b |`). The row is read by
/// pulldown-cmark under a header as wide as it could be, so that cells split as on the page: an
/// escaped pipe stays in its cell, as in `[[Note\|alias]]`.
fn table_row_cells(line: &str) -> Option<Vec<&str>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let row = line.trim();
    if !row.starts_with('|') {
        return None;
    }
    let width = row.matches('|').count() + 1;
    let head = format!("{}|\n{}|\n", "| ".repeat(width), "|-".repeat(width));
    let text = format!("{head}{row}\n");
    let mut cells = Vec::new();
    let mut in_body = false;
    for (event, range) in
        Parser::new_ext(&text, crate::vault::markdown_options()).into_offset_iter()
    {
        match event {
            Event::End(TagEnd::TableHead) => in_body = true,
            Event::Start(Tag::TableCell) if in_body => {
                // Cells the header adds after the row's own are at its end, and empty.
                let (start, end) = (range.start.checked_sub(head.len())?, range.end - head.len());
                if start < row.len() {
                    cells.push(row.get(start..end)?.trim_matches('|').trim());
                }
            }
            _ => {}
        }
    }
    (!cells.is_empty()).then_some(cells)
}

/// A line of a note with its inline fields as the page shows them, not as written: `Key:: value` and
/// `[key:: value]` as `key: value`, `(key:: value)` as its value alone (Dataview hides the key).
/// `start` is the line's offset in the note; a field reaching outside the line is left as written.
/// `fields` are in the order they start, as a note's are: those of the line are found by halving.
fn shown_fields<'t>(
    line: &'t str,
    start: usize,
    fields: &[crate::vault::InlineField],
) -> std::borrow::Cow<'t, str> {
    use crate::vault::FieldForm;
    let end = start + line.len();
    let first = fields.partition_point(|f| f.span.start < start);
    let mut inside = fields[first..]
        .iter()
        .take_while(|f| f.span.start <= end)
        .filter(|f| f.span.end <= end)
        .peekable();
    if inside.peek().is_none() {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for f in inside {
        let (from, to) = (f.span.start - start, f.span.end - start);
        if from < at || !line.is_char_boundary(from) || !line.is_char_boundary(to) {
            continue;
        }
        out.push_str(&line[at..from]);
        let written = &line[from..to];
        match f.form {
            FieldForm::Paren => out.push_str(f.raw.trim()),
            FieldForm::Bracket => {
                let inner = written
                    .strip_prefix('[')
                    .and_then(|w| w.strip_suffix(']'))
                    .unwrap_or(written);
                out.push_str(&inner.replacen("::", ":", 1));
            }
            FieldForm::Line => out.push_str(&written.replacen("::", ":", 1)),
        }
        at = to;
    }
    out.push_str(&line[at..]);
    out.into()
}

/// A note's page, its diagnostics and its search text (what [`super::search::plain_body`] gives);
/// `backlinks` are the note's ([`Mentions::backlinks`]).
pub(super) fn note_page(
    r: &Renderer<'_>,
    i: NoteIdx,
    backlinks: Mentions,
) -> (Page, Vec<Diagnostic>, String) {
    let note = &r.index.notes[i];
    let page = r.plan.notes[i].as_str();
    let mut diags = Vec::new();
    let frame = Frame {
        note: i,
        page,
        stack: Vec::new(),
    };
    // A body that opens with `# Title` repeats the page title: start the body after it.
    let opening_title = note.headings.first().filter(|h| {
        h.level == 1
            && note
                .text
                .get(note.body_start..h.span.start)
                .is_some_and(|t| t.trim().is_empty())
            && h.text.trim().eq_ignore_ascii_case(note.title.trim())
    });
    // The search text is made from the events the body is rendered from (the title's heading, not on
    // the page, is parsed for it alone): the same text `search::plain_body` gives, without a parse.
    let mut plain = super::search::PlainText::new(super::search::MAX_BODY_CHARS);
    let from = match opening_title {
        Some(h) => {
            let title = r
                .clean_text(i)
                .get(note.body_start..h.span.end)
                .unwrap_or("");
            for (event, _) in crate::vault::chunks::offset_events(title) {
                plain.feed(&event);
            }
            h.span.end
        }
        None => note.body_start,
    };
    let body = r.author_html(r.range_html_noting(
        &frame,
        from..note.text.len(),
        &mut diags,
        Some(&mut plain),
    ));
    let properties: Vec<Ctx> = note
        .frontmatter
        .fields
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "title" | "publish" | "aliases" | "alias" | "tags" | "tag"
            )
        })
        .map(|(k, v)| ctx!({"key": k, "html": r.value_html(&frame, v)}))
        .collect();
    let shared = folder(r, page);
    let tags = shared.tags(r, page, &note.tags);
    let backlinks = backlinks.into_views(r, page);
    let mut outlinks: Vec<NoteIdx> = r.index.links[i]
        .iter()
        .filter_map(|l| match l.target {
            Target::Note(t) if t != i => Some(t),
            _ => None,
        })
        .collect();
    outlinks.sort_unstable();
    outlinks.dedup();
    let outlinks: Vec<Ctx> = outlinks
        .into_iter()
        .map(|t| shared.note(r, page, t))
        .collect();
    let toc: Vec<Ctx> = note
        .headings
        .iter()
        .filter(|h| h.level > 1 || note.headings.iter().filter(|x| x.level == 1).count() > 1)
        .map(|h| ctx!({"level": h.level, "text": &h.text, "url": urls::fragment(&h.anchor)}))
        .collect();
    let note_part = ctx!({
        "title": &note.title,
        "title_anchor": opening_title.map(|h| h.anchor.clone()),
        "path": note.id.as_str(),
        "aliases": &note.aliases,
        "breadcrumb": shared.breadcrumb(r, page, note.id.folder()),
        "frontmatter_source": if note.frontmatter.malformed { Some(note.frontmatter.source.clone()) } else { None },
        "tags": tags,
        "backlinks": backlinks,
        "outlinks": outlinks,
        "date": note_day(r, i),
        "brief": r.crm.account_of.get(&i).map(|&a| r.url(page, &r.plan.briefs[a], None)),
        "person": r.crm.person_of.get(&i).map(|&p| r.url(page, &r.plan.people[p], None)),
        "properties": properties,
        "toc": toc,
        "body": body,
    });
    let context = page_context(
        r,
        page,
        (&note.title, "note"),
        ctx!({}),
        [("note", note_part)],
    );
    (
        Page {
            path: page.to_string(),
            template: "note.html",
            context,
        },
        diags,
        plain.finish(),
    )
}

/// An index page to make: home, a folder, the tags index, a tag, a stub for a name linked without a
/// note, 404.
enum IndexPage<'a> {
    Home,
    /// A folder, its page and its notes.
    Folder(&'a str, &'a str, &'a [NoteIdx]),
    TagsIndex,
    Tag(&'a str, &'a str),
    Stub(&'a str, &'a [Backlink], &'a str),
    NotFound,
}

/// Home, folders, tags index and tag pages, stubs for unresolved names, 404: those `only` selects,
/// each made, handed to `sink` and dropped in parallel. (Made all at once before being rendered,
/// their contexts, with the folder and tag pages of 6,000 meetings and 3,800 stubs at 10k, took the
/// process to 293 MB in this phase; made one by one, 252 MB.)
pub fn index_pages<E: Send>(
    r: &Renderer<'_>,
    only: &super::Selection,
    sink: &(dyn Fn(Page) -> Result<(), E> + Sync),
) -> Result<(), E> {
    use rayon::prelude::*;
    // The notes of each folder, found in one pass (each folder's page looked at every note).
    let mut in_folder: BTreeMap<&str, Vec<NoteIdx>> = BTreeMap::new();
    for (i, note) in r.index.notes.iter().enumerate() {
        in_folder.entry(note.id.folder()).or_default().push(i);
    }
    // Each page with about how many items it lists.
    let mut todo = Vec::new();
    if only.other("index.html") {
        todo.push((15, IndexPage::Home));
    }
    for (folder, page) in r.plan.folders.iter().filter(|(_, p)| only.other(p)) {
        let notes = in_folder
            .get(folder.as_str())
            .map_or(&[][..], Vec::as_slice);
        todo.push((notes.len(), IndexPage::Folder(folder, page, notes)));
    }
    if only.other("tags/index.html") {
        todo.push((r.plan.tags.len(), IndexPage::TagsIndex));
    }
    for (tag, page) in r.plan.tags.iter().filter(|(_, p)| only.other(p)) {
        let count = r.index.tags.get(tag).map_or(0, Vec::len);
        todo.push((count, IndexPage::Tag(tag, page)));
    }
    for (name, places) in &r.index.unresolved {
        let Some(page) = r.plan.stubs.get(name).filter(|p| only.other(p)) else {
            continue;
        };
        if r.plan.people.contains(page) {
            // A person without a note: their directory page stands in for the stub.
            continue;
        }
        todo.push((places.len(), IndexPage::Stub(name, places, page)));
    }
    if only.other("404.html") {
        todo.push((0, IndexPage::NotFound));
    }
    // The largest first, so that the pages left when a thread runs out of work are small ones (the
    // folder of a vault's meetings is one page listing all of them).
    todo.sort_by_key(|(items, _)| std::cmp::Reverse(*items));
    todo.into_par_iter().try_for_each(|(_, p)| {
        sink(match p {
            IndexPage::Home => home_page(r),
            IndexPage::Folder(folder, page, notes) => folder_page(r, folder, page, notes),
            IndexPage::TagsIndex => tags_index_page(r),
            IndexPage::Tag(tag, page) => tag_page(r, tag, page),
            IndexPage::Stub(name, places, page) => stub_page(r, name, places, page),
            IndexPage::NotFound => Page {
                path: "404.html".into(),
                template: "404.html",
                context: page_context(r, "404.html", ("Not found", "404"), ctx!({}), []),
            },
        })
    })
}

/// The home page: the latest dated notes, top folders and tags, the CRM's counts.
fn home_page(r: &Renderer<'_>) -> Page {
    let idx = r.index;
    let page = "index.html";
    // The 15 latest dated notes: dates compared first, items made for those 15 only.
    let mut dated: Vec<(chrono::NaiveDate, NoteIdx)> = (0..idx.notes.len())
        .filter_map(|i| crate::crm::note_date(&idx.notes[i]).map(|d| (d, i)))
        .collect();
    let latest = |a: &(chrono::NaiveDate, NoteIdx), b: &(chrono::NaiveDate, NoteIdx)| {
        b.0.cmp(&a.0)
            .then_with(|| idx.notes[a.1].title.cmp(&idx.notes[b.1].title))
            .then(a.1.cmp(&b.1))
    };
    if dated.len() > 15 {
        dated.select_nth_unstable_by(14, latest);
        dated.truncate(15);
    }
    dated.sort_by(latest);
    let dated: Vec<NoteItem> = dated.iter().map(|&(_, i)| note_item(r, page, i)).collect();
    let top_folders: Vec<Ctx> = r
        .plan
        .folders
        .iter()
        .filter(|(f, _)| !f.contains('/'))
        .map(|(f, p)| {
            // Notes are sorted by path: a folder's are one run.
            let prefix = format!("{f}/");
            let start = idx
                .notes
                .partition_point(|n| n.id.as_str() < prefix.as_str());
            let count = idx.notes[start..]
                .iter()
                .take_while(|n| n.id.as_str().starts_with(&prefix))
                .count();
            ctx!({"name": f, "url": r.url(page, p, None), "count": count})
        })
        .collect();
    let root_notes: Vec<NoteItem> = (0..idx.notes.len())
        .filter(|&i| idx.notes[i].id.folder().is_empty())
        .map(|i| note_item(r, page, i))
        .collect();
    let mut tags: Vec<(usize, &String)> = idx
        .tags
        .iter()
        .filter(|(t, _)| !t.contains('/'))
        .map(|(t, n)| (n.len(), t))
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let tags: Vec<Ctx> = tags
        .into_iter()
        .take(30)
        .map(|(n, t)| ctx!({"name": t, "count": n, "url": r.url(page, &r.plan.tags[t], None)}))
        .collect();
    Page {
        path: page.into(),
        template: "index.html",
        context: page_context(
            r,
            page,
            (&r.config.title, "home"),
            ctx!({
                "stats": {"notes": idx.notes.len(), "folders": r.plan.folders.len(), "tags": idx.tags.len()},
                "folders": top_folders,
                "root_notes": root_notes,
                "recent": dated,
                "tags": tags,
                "crm": {
                    "accounts": r.crm.accounts.len(),
                    "stale": r.crm.accounts.iter().filter(|a| a.stale).count(),
                    "overdue": r.crm.accounts.iter().map(|a| a.overdue).sum::<usize>(),
                    "people": r.crm.people.len(),
                    "topics": r.crm.topics.len(),
                    "meetings": r.crm.meetings.len(),
                    "accounts_url": r.url(page, super::plan::ACCOUNTS, None),
                    "people_url": r.url(page, super::plan::PEOPLE, None),
                    "topics_url": r.url(page, super::plan::TOPICS, None),
                    "timeline_url": r.url(page, super::plan::TIMELINE, None),
                },
            }),
            [],
        ),
    }
}

/// The entries of `map` whose keys are right under `parent` (`parent/name`, not `parent/a/b`, not
/// `parent-x`): together in the sorted map, from where `parent/` would be.
fn children<'m, V>(
    map: &'m BTreeMap<String, V>,
    parent: &'m str,
) -> impl Iterator<Item = (&'m String, &'m V)> {
    let prefix = format!("{parent}/");
    map.range::<str, _>((
        std::ops::Bound::Included(prefix.as_str()),
        std::ops::Bound::Unbounded,
    ))
    .take_while(move |(k, _)| k.starts_with(&prefix))
    .filter(move |(k, _)| !k[parent.len() + 1..].contains('/'))
}

fn folder_page(r: &Renderer<'_>, folder: &str, page: &str, notes: &[NoteIdx]) -> Page {
    let subfolders: Vec<Ctx> = children(&r.plan.folders, folder)
        .map(
            |(f, p)| ctx!({"name": f.rsplit('/').next().unwrap_or(f), "url": r.url(page, p, None)}),
        )
        .collect();
    let mut notes: Vec<NoteItem> = notes.iter().map(|&i| note_item(r, page, i)).collect();
    notes.sort_by_cached_key(|n| (std::cmp::Reverse(n.date.clone()), n.title.to_lowercase()));
    let name = folder.rsplit('/').next().unwrap_or(folder);
    let parent = folder.rsplit_once('/').map_or("", |(p, _)| p);
    Page {
        path: page.to_string(),
        template: "folder.html",
        context: page_context(
            r,
            page,
            (name, "folder"),
            ctx!({
                "folder": {"name": name, "path": folder, "breadcrumb": breadcrumb(r, page, parent), "subfolders": subfolders, "notes": notes},
            }),
            [],
        ),
    }
}

fn tags_index_page(r: &Renderer<'_>) -> Page {
    let idx = r.index;
    let page = "tags/index.html";
    let tree: Vec<Ctx> = idx
        .tags
        .iter()
        .map(|(t, notes)| {
            ctx!({
                "name": t, "leaf": t.rsplit('/').next().unwrap_or(t), "depth": t.matches('/').count(),
                "count": notes.len(), "url": r.url(page, &r.plan.tags[t], None),
            })
        })
        .collect();
    Page {
        path: page.into(),
        template: "tags.html",
        context: page_context(r, page, ("Tags", "tags"), ctx!({"tags": tree}), []),
    }
}

fn tag_page(r: &Renderer<'_>, tag: &str, page: &str) -> Page {
    let idx = r.index;
    let children: Vec<Ctx> = children(&idx.tags, tag)
        .map(
            |(t, n)| ctx!({"name": t, "count": n.len(), "url": r.url(page, &r.plan.tags[t], None)}),
        )
        .collect();
    let parent = tag
        .rsplit_once('/')
        .map(|(p, _)| ctx!({"name": p, "url": r.url(page, &r.plan.tags[p], None)}));
    let mut notes: Vec<NoteItem> = idx.tags[tag]
        .iter()
        .map(|&i| note_item(r, page, i))
        .collect();
    notes.sort_by_cached_key(|n| n.title.to_lowercase());
    Page {
        path: page.to_string(),
        template: "tag.html",
        context: page_context(
            r,
            page,
            (&format!("#{tag}"), "tag"),
            ctx!({
                "tag": {"name": tag, "parent": parent, "children": children, "notes": notes,
                        "index": r.url(page, "tags/index.html", None)},
            }),
            [],
        ),
    }
}

/// The page of a name linked without a note: the places mentioning it.
fn stub_page(r: &Renderer<'_>, name: &str, places: &[Backlink], page: &str) -> Page {
    let mentions = mentions(r, page, places.iter());
    Page {
        path: page.to_string(),
        template: "stub.html",
        context: page_context(
            r,
            page,
            (name, "stub"),
            ctx!({"stub": {"name": name, "mentions": mentions}}),
            [],
        ),
    }
}

impl Renderer<'_> {
    /// A front matter value as HTML on the page of `frame`.
    pub fn value_html(&self, frame: &Frame<'_>, v: &Value) -> String {
        self.page_value_html(frame, v)
    }
}

#[cfg(test)]
mod tests {
    /// A folder's part of an index is made once and then handed out as it is; an index beyond the
    /// parts is made every time, not shared.
    #[test]
    fn a_part_is_made_once_per_index() {
        use super::{Ctx, Parts};
        let parts = Parts::default();
        let made = std::cell::Cell::new(0);
        let get = |i: usize| {
            parts.get(2, i, || {
                made.set(made.get() + 1);
                crate::render::ctx::ctx!({"i": i})
            })
        };
        let (first, again, other) = (get(1), get(1), get(0));
        match (&first, &again, &other) {
            (Ctx::Shared(a), Ctx::Shared(b), Ctx::Shared(c)) => {
                assert!(std::sync::Arc::ptr_eq(a, b) && !std::sync::Arc::ptr_eq(a, c));
            }
            _ => panic!("not shared: {first:?} {again:?} {other:?}"),
        }
        assert_eq!(made.get(), 2);
        assert_eq!(get(2), crate::render::ctx::ctx!({"i": 2}));
        assert_eq!(made.get(), 3);
    }

    /// `find` finds what `str::find` does: first places, repeated and overlapping first bytes,
    /// multi-byte characters, an empty needle, a needle longer than the text.
    #[test]
    fn find_agrees_with_str_find() {
        let texts = [
            "",
            "a",
            "aab",
            "abab",
            "ababab x",
            "é Vic é",
            "Vic Vi Vic",
            "xxxxxxxxy",
        ];
        let needles = [
            "",
            "a",
            "ab",
            "aab",
            "bab",
            "é",
            "Vic",
            "Vi",
            "xy",
            "xxxxxxxxxy",
        ];
        for text in texts {
            for needle in needles {
                assert_eq!(
                    super::find(text, needle),
                    text.find(needle),
                    "{text:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn plain_text_of_a_line() {
        assert_eq!(
            crate::vault::scan::plain_text(
                "- [ ] Call [[Gordon Brown|Gordon]] about **[[Acme#Key Facts]]** ==now=="
            ),
            "Call Gordon about Acme > Key Facts now"
        );
        assert_eq!(
            crate::vault::scan::plain_text("## Heading ![[img.png]]"),
            "Heading img.png"
        );
    }

    #[test]
    fn a_table_row_is_its_cells() {
        let cells = |line| super::table_row_cells(line);
        assert_eq!(
            cells("| [[Hiro Tanaka]] | SRE Lead | Halcyon Robotics |"),
            Some(vec!["[[Hiro Tanaka]]", "SRE Lead", "Halcyon Robotics"])
        );
        // Escaped pipes stay in their cell, in code too (GFM splits at any other); a row may leave out
        // its outer pipes.
        assert_eq!(
            cells("  | [[Hiro Tanaka\\|Hiro]] | `a\\|b` | |"),
            Some(vec!["[[Hiro Tanaka\\|Hiro]]", "`a\\|b`", ""])
        );
        assert_eq!(
            crate::vault::scan::plain_text("[[Hiro Tanaka\\|Hiro]]"),
            "Hiro"
        );
        assert_eq!(cells("| a | b"), Some(vec!["a", "b"]));
        assert_eq!(cells("Attendees:: [[A]], [[B]]"), None);
        assert_eq!(cells("a | b"), None);
    }
}
