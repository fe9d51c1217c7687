//! Stage 5: rendered pages become a site on disk.
//!
//! 1. `theme`: the embedded default templates and static files, shadowed by a user theme; tera compiled
//!    once. With `minify`, the default templates are minified once, here (`theme::minify_template`).
//! 2. [`Templater`]: one page through its template, and minified (minify-html) when its templates
//!    were not and it is not too large to minify; `extras` adds the static files and the sitemap, and
//!    `search::put_index` writes the search index piece by piece. `dossier build` streams pages
//!    through it into their files in a [`Staging`] folder; `dossier serve` keeps its output in memory.
//! 3. `write`: [`Staging`], a temporary folder beside the output, swapped in atomically. A page the last
//!    build wrote from the same context, templates and program is linked from the old site instead of
//!    templated, minified and written again (`manifest`).

pub mod manifest;
pub mod search;
pub mod sitemap;
pub mod theme;
pub mod write;

pub use write::{Staging, WriteReport, MARKER};

use crate::config::Config;
use crate::render::{Page, Rendered};
use std::path::PathBuf;

/// Why the site could not be built or written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("theme {path}: {message}")]
    Theme { path: PathBuf, message: String },
    #[error("template {template} for {page}: {message}")]
    Template {
        template: String,
        page: String,
        message: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing to write the site to {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
}

/// Minify options that keep the document well-formed for every browser and for `file://` viewing.
/// (minify-html-onepass takes a fifth less CPU over a whole build and no tree in memory, but writes
/// attributes without the space between them and `&LT` without its `;`: parse errors in the HTML
/// standard, so every page would fail a validator. BENCHMARKS.md has the figures.)
pub fn minify_cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// Where pages are minified one by one (a user's templates), a page with a text value larger than this
/// (the body of a very large note) is written unminified, straight from the template into its file.
/// minify-html parses a whole page into a tree before it writes anything, which costs about twenty
/// times the page's size (a 50 MB note's 130 MB page took 2.5 GB), and minifying saves only about 5%
/// of the bytes. The bodies of ordinary notes are far below it; index pages made of many small values
/// (a directory of thousands of people) are minified as before.
pub const MAX_MINIFIED_TEXT: usize = 4 << 20;

/// Where pages are minified one by one, a page whose HTML comes out larger than this (a directory of
/// thousands of people, a timeline of every meeting) is written as the template made it, for the same
/// reason: minifying the 5 MB people directory of a 10,000-note vault held a 100 MB tree, the build's
/// peak memory, to save 5% of its bytes. Every other page is minified.
pub const MAX_MINIFIED_PAGE: usize = 2 << 20;

/// A rendered page's bytes: minified, unless it is larger than [`MAX_MINIFIED_PAGE`].
fn finish(html: Vec<u8>, cfg: &minify_html::Cfg) -> Vec<u8> {
    if html.len() > MAX_MINIFIED_PAGE {
        html
    } else {
        minify_html::minify(&html, cfg)
    }
}

/// Room for a page made from a context with `text` bytes of strings: those, a fifth more for the
/// escaping of some of them, and the markup around them. A page rendered into a buffer grown as it
/// fills was copied once more on the way (half of it at each doubling).
fn page_capacity(text: usize) -> usize {
    text + text / 5 + (8 << 10)
}

/// The theme, loaded and compiled once, applied to one page at a time (from any thread).
pub struct Templater {
    pub theme: theme::Theme,
    cfg: minify_html::Cfg,
    /// Minify each page: `minify` is on and the templates could not be minified once instead
    /// ([`theme::minify_template`]).
    minify: bool,
}

impl Templater {
    pub fn new(config: &Config) -> Result<Templater, SiteError> {
        let theme = theme::load(config.theme.as_deref(), config.minify)?;
        Ok(Templater {
            minify: config.minify && !theme.minified,
            theme,
            cfg: minify_cfg(),
        })
    }

    /// A page through its template, minified when the config says so: `(site path, bytes)`.
    pub fn page(&self, page: Page) -> Result<(String, Vec<u8>), SiteError> {
        let path = page.path.clone();
        let mut bytes = Vec::new();
        self.write_page(page, &mut bytes)?;
        Ok((path, bytes))
    }

    /// A page through its template into its file in `staging`. When the last build wrote a page
    /// from the same context, template and program, its file is kept: no template, no minifying, no
    /// writing ([`Staging::put_made`]). A page with a text too large to minify goes from the template
    /// to the file through a small buffer, never whole in memory.
    pub fn put(&self, page: Page, staging: &Staging) -> Result<(), SiteError> {
        let (page_key, text) = self.page_key_sized(&page);
        if text.largest > MAX_MINIFIED_TEXT {
            let path = page.path.clone();
            return staging.put_with(&path, |out| self.write_page(page, out));
        }
        // Without the program's own hash a page is keyed by a value no build repeats: never kept.
        let program = manifest::program_key().unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
        let key = manifest::key(&[&program.to_le_bytes(), &page_key.to_le_bytes()]);
        let path = page.path.clone();
        staging.put_made(&path, key, || {
            let (_, html) = self.html(page, page_capacity(text.total))?;
            Ok(if self.minify {
                finish(html, &self.cfg).into()
            } else {
                html.into()
            })
        })
    }

    /// What a page's bytes are made from within one program: its context, its template, the theme's
    /// templates and whether it is minified. Two pages with the same key come out the same.
    pub fn page_key(&self, page: &Page) -> u64 {
        self.page_key_sized(page).0
    }

    /// [`Templater::page_key`], and the sizes of the context's strings, found on the same walk.
    fn page_key_sized(&self, page: &Page) -> (u64, crate::render::TextSizes) {
        let minify: &[u8] = match (self.minify, self.theme.minified) {
            (true, _) => b"minified",
            (false, true) => b"minified templates",
            (false, false) => b"as made",
        };
        let (context, text) = manifest::context_key_sized(&page.context);
        let key = manifest::key(&[
            b"page",
            minify,
            &self.theme.templates_key.to_le_bytes(),
            page.template.as_bytes(),
            &context.to_le_bytes(),
        ]);
        (key, text)
    }

    /// A page through its template into `out`, minified when the config says so and the page is not
    /// too large to minify ([`MAX_MINIFIED_TEXT`], [`MAX_MINIFIED_PAGE`]).
    pub fn write_page(&self, page: Page, out: &mut dyn std::io::Write) -> Result<(), SiteError> {
        let text = page.context.text_sizes();
        if !self.minify || text.largest > MAX_MINIFIED_TEXT {
            let error = template_error(page.template, &page.path);
            let context = tera_context(page.context).map_err(|e| error(&e))?;
            return self
                .theme
                .tera
                .render_to(page.template, &context, out)
                .map_err(|e| error(&e));
        }
        let (path, html) = self.html(page, page_capacity(text.total))?;
        out.write_all(&finish(html, &self.cfg))
            .map_err(|source| SiteError::Write {
                path: path.into(),
                source,
            })
    }

    /// A page's site path and its HTML, as its template makes it, in a buffer of `capacity` bytes to
    /// begin with. The bytes are tera's, UTF-8 as the template and the context are, and are not
    /// checked again (a pass over every page).
    fn html(&self, page: Page, capacity: usize) -> Result<(String, Vec<u8>), SiteError> {
        let mut html = Vec::with_capacity(capacity);
        {
            let error = template_error(page.template, &page.path);
            let context = tera_context(page.context).map_err(|e| error(&e))?;
            self.theme
                .tera
                .render_to(page.template, &context, &mut html)
                .map_err(|e| error(&e))?;
        }
        Ok((page.path, html))
    }

    /// The theme's static files.
    pub fn statics(&self) -> Vec<(String, Vec<u8>)> {
        self.theme.files.clone()
    }

    /// The files that are not pages, but for the search index ([`search::put_index`]): the theme's
    /// static files and the sitemap.
    pub fn extras(&self, rendered: &Rendered) -> Vec<(String, Vec<u8>)> {
        let mut files = self.statics();
        if let Some(base) = &rendered.base_url {
            files.push((
                "sitemap.xml".into(),
                sitemap::sitemap(base, &rendered.page_paths).into_bytes(),
            ));
        }
        files
    }
}

/// The error of a page's template, naming both.
fn template_error<'a>(
    template: &'a str,
    page: &'a str,
) -> impl Fn(&dyn std::error::Error) -> SiteError + 'a {
    move |e| SiteError::Template {
        template: template.into(),
        page: page.into(),
        message: theme::error_chain(e),
    }
}

/// A page context as tera takes it, its top-level values converted one by one as the context is
/// taken apart ([`Consumed`](crate::render::Consumed)); its shared parts are converted once for all
/// the pages that hold them ([`Part`](crate::render::Part)).
fn tera_context(context: crate::render::Ctx) -> tera::TeraResult<tera::Context> {
    use crate::render::{Consumed, Ctx};
    let Ctx::Obj(entries) = context else {
        return Err(tera::Error::message("a page's context is not a map"));
    };
    let mut out = tera::Context::new();
    for (key, value) in entries {
        out.insert_value(
            key,
            tera::Value::try_from_serializable(&Consumed::new(value))?,
        );
    }
    Ok(out)
}

/// One page as a self-contained file: the theme's `style.css` inlined as `inline_css`, minified.
pub fn standalone(page: &crate::render::Page, config: &Config) -> Result<String, SiteError> {
    // Minified below as a whole, with its inlined style sheet.
    let theme = theme::load(config.theme.as_deref(), false)?;
    let css = theme
        .files
        .iter()
        .find(|(n, _)| n == "static/style.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let mut context = page.context.clone();
    context.set("inline_css", css.into());
    let error = template_error(page.template, &page.path);
    let context = tera_context(context).map_err(|e| error(&e))?;
    let html = theme
        .tera
        .render(page.template, &context)
        .map_err(|e| error(&e))?;
    Ok(if config.minify {
        String::from_utf8(finish(html.into_bytes(), &minify_cfg()))
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    } else {
        html
    })
}

#[cfg(test)]
mod tests {
    use super::{finish, minify_cfg, tera_context, MAX_MINIFIED_PAGE};
    use crate::render::{ctx, Ctx, Part};

    /// A page with shared parts renders as the page with the parts written in, at the top level or
    /// deeper, and its strings count as theirs.
    #[test]
    fn a_shared_part_renders_as_the_part_itself() {
        let mut tera = tera::Tera::default();
        let template =
            "{{ page.title }}|{{ site.title }}|{% for n in site.nav %}{{ n.url }},{% endfor %}\
                        {% for l in page.links %}{{ l.name }}={{ l.url }};{% endfor %}";
        tera.add_raw_template("t.html", template).unwrap();
        let site = ctx!({"title": "S <&>", "nav": [{"url": "../a.html"}, {"url": "b.html"}]});
        let link = ctx!({"name": "A & B", "url": "../c.html"});
        let render = |context: Ctx| {
            tera.render("t.html", &tera_context(context).unwrap())
                .unwrap()
        };
        let written = |title: &str| ctx!({"page": {"title": title, "links": [link.clone(), link.clone()]}, "site": site.clone()});
        let inline = render(written("P"));
        assert_eq!(
            inline,
            "P|S &lt;&amp;&gt;|../a.html,b.html,A &amp; B=../c.html;A &amp; B=../c.html;"
        );
        let (shared_site, shared_link) = (Part::new(site.clone()), Part::new(link.clone()));
        for title in ["P", "Q"] {
            let page = ctx!({
                "page": {"title": title, "links": [Ctx::Shared(shared_link.clone()), Ctx::Shared(shared_link.clone())]},
                "site": Ctx::Shared(shared_site.clone()),
            });
            assert_eq!(render(page.clone()), inline.replacen('P', title, 1));
            assert_eq!(page.text_sizes(), written(title).text_sizes());
        }
    }

    #[test]
    fn a_page_larger_than_the_limit_is_written_as_made() {
        let row = "<tr>\n  <td>A name</td>\n  <td>A role</td>\n</tr>\n";
        let page = |rows: usize| format!("<table>\n{}</table>\n", row.repeat(rows));
        let small = page(1000);
        let minified =
            String::from_utf8(finish(small.clone().into_bytes(), &minify_cfg())).unwrap();
        assert!(minified.len() < small.len() && minified.starts_with("<table><tr><td>A name"));
        let large = page(MAX_MINIFIED_PAGE / row.len() + 1);
        assert!(large.len() > MAX_MINIFIED_PAGE);
        assert_eq!(
            finish(large.clone().into_bytes(), &minify_cfg()),
            large.into_bytes()
        );
    }
}
