//! Stage 5: rendered pages become a site on disk.
//!
//! 1. `theme`: the embedded default templates and static files, shadowed by a user theme; tera compiled
//!    once.
//! 2. [`Templater`]: one page through its template, minified (minify-html); `extras` adds the static
//!    files, the search index and the sitemap. `dossier build` streams pages through it into a
//!    [`Staging`] folder; `dossier serve` keeps its output in memory.
//! 3. `write`: [`Staging`], a temporary folder beside the output, swapped in atomically.

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
fn minify_cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// The theme, loaded and compiled once, applied to one page at a time (from any thread).
pub struct Templater {
    pub theme: theme::Theme,
    cfg: minify_html::Cfg,
    minify: bool,
}

impl Templater {
    pub fn new(config: &Config) -> Result<Templater, SiteError> {
        Ok(Templater {
            theme: theme::load(config.theme.as_deref())?,
            cfg: minify_cfg(),
            minify: config.minify,
        })
    }

    /// A page through its template, minified when the config says so: `(site path, bytes)`.
    pub fn page(&self, page: Page) -> Result<(String, Vec<u8>), SiteError> {
        let Page {
            path,
            template,
            context,
        } = page;
        let error = |e: &dyn std::error::Error| SiteError::Template {
            template: template.into(),
            page: path.clone(),
            message: theme::error_chain(e),
        };
        let context = tera::Context::from_value(context).map_err(|e| error(&e))?;
        let html = self
            .theme
            .tera
            .render(template, &context)
            .map_err(|e| error(&e))?;
        let bytes = if self.minify {
            minify_html::minify(html.as_bytes(), &self.cfg)
        } else {
            html.into_bytes()
        };
        Ok((path, bytes))
    }

    /// The theme's static files.
    pub fn statics(&self) -> Vec<(String, Vec<u8>)> {
        self.theme.files.clone()
    }

    /// The files that are not pages: the theme's static files, the search index, the sitemap.
    pub fn extras(&self, rendered: &Rendered) -> Vec<(String, Vec<u8>)> {
        let mut files = self.statics();
        files.push((
            search::INDEX_PATH.into(),
            search::index_script(&rendered.search),
        ));
        if let Some(base) = &rendered.base_url {
            files.push((
                "sitemap.xml".into(),
                sitemap::sitemap(base, &rendered.page_paths).into_bytes(),
            ));
        }
        files
    }
}

/// One page as a self-contained file: the theme's `style.css` inlined as `inline_css`, minified.
pub fn standalone(page: &crate::render::Page, config: &Config) -> Result<String, SiteError> {
    let theme = theme::load(config.theme.as_deref())?;
    let css = theme
        .files
        .iter()
        .find(|(n, _)| n == "static/style.css")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let mut context = page.context.clone();
    context["inline_css"] = serde_json::Value::String(css);
    let template_error = |message: String| SiteError::Template {
        template: page.template.into(),
        page: page.path.clone(),
        message,
    };
    let context =
        tera::Context::from_value(context).map_err(|e| template_error(theme::error_chain(&e)))?;
    let html = theme
        .tera
        .render(page.template, &context)
        .map_err(|e| template_error(theme::error_chain(&e)))?;
    Ok(if config.minify {
        String::from_utf8_lossy(&minify_html::minify(html.as_bytes(), &minify_cfg())).into_owned()
    } else {
        html
    })
}
