//! Stage 4: the Index becomes pages: HTML bodies with links, embeds, callouts and Dataview blocks
//! resolved, plus the serialisable context each template receives. Never reads notes from disk; URLs are
//! made only in `urls`.
//!
//! 1. `plan`: every page's and copied file's output path, unique and deterministic.
//! 2. `markdown`: each note's body as events → HTML (in parallel), with `query` for Dataview blocks and
//!    `fields` for inline fields whose value holds links or other markup; `events` rewrites the
//!    parser's events one at a time, so a note's events are never all in memory.
//! 3. `context`: the page contexts (note, folder, tag, tags index, home, stub, 404) for the theme.
//! 4. `sanitize`: with `sanitize = true`, each page's note HTML cleaned once with an allowlist.

#[macro_use]
mod ctx;
pub mod callout;
pub mod context;
pub mod crm;
pub mod dataview;
mod events;
mod fields;
pub mod html;
pub mod markdown;
pub mod plan;
mod query;
pub mod sanitize;
pub mod search;
pub mod slug;
pub mod urls;

use crate::config::Config;
use crate::crm::Crm;
use crate::diagnostics::Diagnostic;
use crate::index::{Index, NoteIdx};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[cfg(test)]
pub(crate) use ctx::ctx;
pub use ctx::{Consumed, Ctx, Part, TextSizes};
pub use plan::Plan;

/// One page to write: its output path, the template that lays it out and that template's context.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub context: Ctx,
}

/// A file copied as is (an attachment): from the vault to an output path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Copy {
    pub from: PathBuf,
    pub to: String,
}

/// Everything the site stage needs: pages (sorted by path), files to copy, problems found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    /// The pages, when rendered by [`render_some`] (empty after [`render_each`]).
    pub pages: Vec<Page>,
    /// The output path of every page made, sorted.
    pub page_paths: Vec<String>,
    pub copies: Vec<Copy>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the search index holds.
    pub search: Vec<search::SearchDoc>,
    /// The site title and base URL, for templates and the sitemap.
    pub title: String,
    pub base_url: Option<String>,
    /// With [`Selection::trace`]: every Dataview run, by the output path of the page it ran on.
    #[serde(skip)]
    pub traces: Vec<(String, crate::dataview::trace::Traced)>,
}

/// Which pages a render makes; the default is the whole site.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Note pages to make; `None`: every note's.
    pub notes: Option<BTreeSet<NoteIdx>>,
    /// Output paths of the other pages (home, folders, tags, stubs, CRM) to make; `None`: all of them.
    pub others: Option<BTreeSet<String>>,
    /// Notes whose search documents to make (people without a note always get theirs); `None`: every
    /// note's, numbered in order.
    pub search: Option<BTreeSet<NoteIdx>>,
    /// Record what every Dataview query read ([`Rendered::traces`]), for `dossier serve`.
    pub trace: bool,
}

impl Selection {
    /// Whether the page at `path`, which is not a note page, is made.
    pub fn other(&self, path: &str) -> bool {
        self.others.as_ref().is_none_or(|o| o.contains(path))
    }

    /// Whether note `i`'s page is made.
    pub fn note(&self, i: NoteIdx) -> bool {
        self.notes.as_ref().is_none_or(|n| n.contains(&i))
    }

    /// Whether person `p` has a note whose page is made: their page is then made with it.
    fn person_with_note(&self, r: &Renderer<'_>, p: crate::crm::PersonIdx) -> bool {
        r.crm.people[p]
            .note
            .is_some_and(|n| n < r.index.notes.len() && self.note(n))
    }
}

/// How links between pages are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkMode {
    /// Relative URLs between the site's files (the site works from any path and from `file://`).
    Site,
    /// One file that stands alone (a printed or mailed brief): links are absolute, under `prefix` (the
    /// configured `base_url`, else the built site's folder as a `file://` URL), and images are embedded.
    Standalone { prefix: String },
}

/// Images up to this size are embedded into a standalone file as `data:` URLs; larger ones are linked.
const MAX_EMBEDDED_IMAGE: u64 = 4 * 1024 * 1024;

/// What rendering a page needs, shared read-only by the parallel workers.
pub struct Renderer<'a> {
    pub index: &'a Index,
    pub crm: &'a Crm,
    pub mode: LinkMode,
    pub plan: &'a Plan,
    pub config: &'a Config,
    pub today: NaiveDate,
    pub pages: &'a crate::dataview::Pages,
    /// Each note's text with comments blanked (offsets unchanged), computed once; `None` where the
    /// note has no comment (most notes), so that the text is not copied.
    clean: Vec<Option<String>>,
    /// Each note's date as lists show it ([`context::note_day`]).
    days: Vec<Option<String>>,
    /// Each meeting's date as pages show it and as ISO (`YYYY-MM-DD`), made once: a meeting is
    /// listed on the pages of its accounts, attendees, topics and the timeline.
    meeting_days: Vec<(String, String)>,
    /// Each note's line starts, computed when a diagnostic first needs them.
    lines: Vec<std::sync::OnceLock<Vec<usize>>>,
    /// The allowlist note HTML is cleaned with when `sanitize` is on (built once, shared by the workers).
    sanitizer: Option<sanitize::Sanitizer>,
    /// Where Dataview runs are recorded, when tracing.
    traces: Option<std::sync::Mutex<Vec<(String, crate::dataview::trace::Traced)>>>,
    /// What the pages of each folder share ([`context::folder`]).
    folders: std::sync::Mutex<foldhash::HashMap<String, std::sync::Arc<context::Folder>>>,
}

impl<'a> Renderer<'a> {
    /// A renderer over a built Index and its CRM view.
    pub fn new(
        index: &'a Index,
        crm: &'a Crm,
        plan: &'a Plan,
        pages: &'a crate::dataview::Pages,
        config: &'a Config,
        today: NaiveDate,
        mode: LinkMode,
    ) -> Renderer<'a> {
        use rayon::prelude::*;
        let clean = index
            .notes
            .par_iter()
            .map(|n| {
                n.text
                    .contains("%%")
                    .then(|| crate::vault::scan::strip_comments(&n.text))
            })
            .collect();
        let sanitizer = config.sanitize.then(|| {
            sanitize::Sanitizer::new(match &mode {
                LinkMode::Site => None,
                LinkMode::Standalone { prefix } => Some(prefix.clone()),
            })
        });
        Renderer {
            index,
            crm,
            mode,
            plan,
            config,
            today,
            pages,
            clean,
            days: index.notes.par_iter().map(|n| context::day_of(n)).collect(),
            meeting_days: (crm.meetings.par_iter())
                .map(|m| (crm::format_day(config, m.date), m.date.to_string()))
                .collect(),
            lines: (0..index.notes.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            sanitizer,
            traces: None,
            folders: Default::default(),
        }
    }

    /// Records every Dataview run from now on ([`Renderer::take_traces`]).
    pub fn trace(mut self) -> Self {
        self.traces = Some(std::sync::Mutex::new(Vec::new()));
        self
    }

    /// The Dataview runs recorded so far, by page.
    pub fn take_traces(&self) -> Vec<(String, crate::dataview::trace::Traced)> {
        self.traces.as_ref().map_or_else(Vec::new, |t| {
            std::mem::take(&mut *t.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
        })
    }

    /// 1-based line and column of a byte offset in a note, for diagnostics.
    pub fn locate(&self, note: NoteIdx, offset: usize) -> (u32, u32) {
        let text = &self.index.notes[note].text;
        let starts = self.lines[note].get_or_init(|| crate::diagnostics::line_starts(text));
        crate::diagnostics::locate(text, starts, offset)
    }

    /// The note's text with `%% comments %%` blanked (what the vault stage parsed).
    pub fn clean_text(&self, note: NoteIdx) -> &str {
        self.clean[note]
            .as_deref()
            .unwrap_or(&self.index.notes[note].text)
    }

    /// The URL of the site file `to` from the page at `from`.
    pub fn url(&self, from: &str, to: &str, fragment: Option<&str>) -> String {
        match &self.mode {
            LinkMode::Site => urls::relative(from, to, fragment),
            LinkMode::Standalone { prefix } => urls::absolute(prefix, to, fragment),
        }
    }

    /// The `src` of an embedded attachment: its URL, or in a standalone file the image itself.
    pub fn embed_src(&self, from: &str, attachment: usize, to: &str) -> String {
        if let (LinkMode::Standalone { .. }, Some(att)) =
            (&self.mode, self.index.attachments.get(attachment))
        {
            let mime = slug::extension(&att.path).and_then(|e| image_mime(&e));
            if let (Some(mime), true) = (mime, att.size <= MAX_EMBEDDED_IMAGE) {
                if let Ok(bytes) = std::fs::read(self.config.vault.join(&att.path)) {
                    use base64::Engine;
                    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                    return format!("data:{mime};base64,{data}");
                }
            }
        }
        self.url(from, to, None)
    }
}

fn image_mime(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        _ => return None,
    })
}

/// Renders every page of the site.
pub fn render_site(index: &Index, crm: &Crm, config: &Config, today: NaiveDate) -> Rendered {
    render_some(index, crm, config, today, &Selection::default())
}

/// Renders the pages of `only` (the whole site by default). `dossier serve` passes the pages a change
/// can affect (`serve::rebuild`).
pub fn render_some(
    index: &Index,
    crm: &Crm,
    config: &Config,
    today: NaiveDate,
    only: &Selection,
) -> Rendered {
    let plan = Plan::build(index, crm);
    let pages = crate::dataview::Pages::transient();
    let made = std::sync::Mutex::new(Vec::new());
    let collect = |page: Page| -> Result<(), std::convert::Infallible> {
        made.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(page);
        Ok(())
    };
    let mut out =
        match render_each_prepared(index, crm, &plan, &pages, config, today, only, &collect) {
            Ok(out) => out,
            Err(never) => match never {},
        };
    out.pages = made
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    out.pages.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Renders like [`render_some`], but hands each page to `sink` as soon as it is made (from the worker
/// threads, in no particular order) instead of keeping it: `dossier build` templates, minifies and writes
/// each page at once, so a large vault's pages are never all in memory. The first error of `sink` stops
/// the rendering and is returned. `Rendered::pages` stays empty; `page_paths` lists what was made.
pub fn render_each<E: Send>(
    index: &Index,
    crm: &Crm,
    config: &Config,
    today: NaiveDate,
    only: &Selection,
    sink: &(dyn Fn(Page) -> Result<(), E> + Sync),
) -> Result<Rendered, E> {
    let plan = Plan::build(index, crm);
    let pages = crate::dataview::Pages::transient();
    render_each_prepared(index, crm, &plan, &pages, config, today, only, sink)
}

/// [`render_each`] with the page plan and the Dataview page data already made (`dossier serve` makes
/// them to decide what to render, and carries page data over from the last build).
#[allow(clippy::too_many_arguments)]
pub fn render_each_prepared<E: Send>(
    index: &Index,
    crm: &Crm,
    plan: &Plan,
    pages: &crate::dataview::Pages,
    config: &Config,
    today: NaiveDate,
    only: &Selection,
    sink: &(dyn Fn(Page) -> Result<(), E> + Sync),
) -> Result<Rendered, E> {
    use rayon::prelude::*;
    let mut laps = crate::timing::Laps::new("render");
    let mut r = Renderer::new(index, crm, plan, pages, config, today, LinkMode::Site);
    if only.trace {
        r = r.trace();
    }
    let selected: Vec<NoteIdx> = match &only.notes {
        Some(set) => set
            .iter()
            .copied()
            .filter(|&i| i < index.notes.len())
            .collect(),
        None => (0..index.notes.len()).collect(),
    };
    let paths = std::sync::Mutex::new(Vec::new());
    let diagnostics = std::sync::Mutex::new(Vec::new());
    let emit = |page: Page| -> Result<(), E> {
        paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(page.path.clone());
        sink(page)
    };
    // The CRM pages first: their directories and topic pages are the largest pages, and made while the
    // heap holds only the index (before the note pages' page data and diagnostics pile up), what they
    // free is reused by the note pages instead of raising the peak (3 MB lower at 10k). The list pages
    // (home, folders, tags, stubs) next, for the same reason: the notes' search texts, made with their
    // pages, are held until the end (1 to 2 MB lower at 10k).
    crm::pages(&r, only, &emit)?;
    laps.mark("crm");
    context::index_pages(&r, only, &emit)?;
    laps.mark("lists");
    // Each note's search text, made with its page.
    let bodies: Vec<std::sync::OnceLock<String>> = (0..index.notes.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    // A person's page shows their note's backlinks as mentions: made with the note's page, from the
    // same snippets, and not again with the other CRM pages ([`Selection::person_with_note`]).
    let person_page = |i: NoteIdx| {
        crm.person_of
            .get(&i)
            .filter(|&&p| only.other(&plan.people[p]))
    };
    // What the CRM and list pages shared is not shown again; the notes' pages share theirs by folder.
    context::forget_folders(&r);
    let left = context::Left::new(selected.iter().flat_map(|&i| {
        let person = person_page(i).map(|&p| plan.people[p].as_str());
        std::iter::once(plan.notes[i].as_str()).chain(person)
    }));
    selected.into_par_iter().try_for_each(|i| {
        let backlinks = context::Mentions::backlinks(&r, i);
        // The person's page first, so that the note's page takes the snippets.
        let person = person_page(i).map(|&p| (p, crm::person_page(&r, p, &backlinks)));
        let (page, diags, body) = context::note_page(&r, i, backlinks);
        let _ = bodies[i].set(body);
        if !diags.is_empty() {
            diagnostics
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(diags);
        }
        emit(page)?;
        left.made(&r, &plan.notes[i]);
        if let Some((p, page)) = person {
            emit(page)?;
            left.made(&r, &plan.people[p]);
        }
        Ok(())
    })?;
    laps.mark("notes");
    let mut out = Rendered {
        title: config.title.clone(),
        base_url: config.base_url.clone(),
        search: search::documents(
            &r,
            only.search.as_ref(),
            bodies
                .into_iter()
                .map(std::sync::OnceLock::into_inner)
                .collect(),
        ),
        traces: r.take_traces(),
        diagnostics: diagnostics
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        page_paths: paths
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        ..Rendered::default()
    };
    laps.mark("search");
    out.page_paths.sort();
    out.copies = plan
        .attachments
        .iter()
        .filter_map(|(&a, to)| {
            index.attachments.get(a).map(|att| Copy {
                from: config.vault.join(&att.path),
                to: to.clone(),
            })
        })
        .collect();
    out.diagnostics.sort();
    out.diagnostics.dedup();
    Ok(out)
}
