//! Stage 5: rendered pages become a site on disk.
//!
//! 1. `theme`: the embedded default templates and static files, shadowed by a user theme; tera compiled
//!    once.
//! 2. [`build`]: every page through its template, minified (minify-html), plus the sitemap; all in
//!    memory, sorted, so the same vault gives the same bytes.
//! 3. `write`: a temporary folder beside the output, swapped in atomically.

pub mod search;
pub mod sitemap;
pub mod theme;
pub mod write;

pub use write::{WriteReport, MARKER};

use crate::config::Config;
use crate::render::{Copy, Rendered};
use std::path::{Path, PathBuf};

/// The site's files, in memory: `(site path, bytes)` sorted, and files to copy from the vault.
#[derive(Debug, Clone, Default)]
pub struct SiteFiles {
    pub files: Vec<(String, Vec<u8>)>,
    pub copies: Vec<Copy>,
}

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

/// Applies the theme to every page and minifies.
pub fn build(rendered: &Rendered, config: &Config) -> Result<SiteFiles, SiteError> {
    use rayon::prelude::*;
    let theme = theme::load(config.theme.as_deref())?;
    let cfg = minify_cfg();
    let mut files: Vec<(String, Vec<u8>)> =
        rendered
            .pages
            .par_iter()
            .map(|page| {
                let context = tera::Context::from_value(page.context.clone()).map_err(|e| {
                    SiteError::Template {
                        template: page.template.into(),
                        page: page.path.clone(),
                        message: theme::error_chain(&e),
                    }
                })?;
                let html = theme.tera.render(page.template, &context).map_err(|e| {
                    SiteError::Template {
                        template: page.template.into(),
                        page: page.path.clone(),
                        message: theme::error_chain(&e),
                    }
                })?;
                let bytes = if config.minify {
                    minify_html::minify(html.as_bytes(), &cfg)
                } else {
                    html.into_bytes()
                };
                Ok((page.path.clone(), bytes))
            })
            .collect::<Result<_, SiteError>>()?;
    files.extend(theme.files.iter().cloned());
    files.push((
        search::INDEX_PATH.into(),
        search::index_script(&rendered.search),
    ));
    if let Some(base) = &rendered.base_url {
        files.push((
            "sitemap.xml".into(),
            sitemap::sitemap(base, rendered).into_bytes(),
        ));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(SiteFiles {
        files,
        copies: rendered.copies.clone(),
    })
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

/// Writes the site atomically; see `write`.
pub fn write(
    files: &SiteFiles,
    out: &Path,
    vault: &Path,
    force: bool,
) -> Result<WriteReport, SiteError> {
    write::write(files, out, vault, force)
}
