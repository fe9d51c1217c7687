//! Stage 5: rendered pages become a site on disk.
//!
//! 1. `theme`: the embedded default templates and static files, shadowed by a user theme; tera compiled
//!    once.
//! 2. [`Templater`]: one page through its template, minified (minify-html-onepass, else minify-html)
//!    unless it is too large to minify; `extras` adds the static files, the search index and the sitemap. `dossier build`
//!    streams pages through it into their files in a [`Staging`] folder; `dossier serve` keeps its
//!    output in memory.
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

/// A page minified. minify-html-onepass, which minifies in one pass over a copy of the page without
/// building a tree, takes the pages the theme and the renderer make: it minified the 10,000-note
/// vault's pages in less than half of minify-html's time, with no memory beyond the copy. It refuses
/// HTML it cannot parse strictly (a note's raw HTML with a stray closing tag): such a page goes through
/// minify-html, which takes any HTML, keeping closing tags and the `<html>` and `<head>` tags.
fn minified(html: &str) -> Vec<u8> {
    const ONEPASS: minify_html_onepass::Cfg = minify_html_onepass::Cfg {
        minify_css: true,
        minify_js: false,
    };
    minify_html_onepass::copy(html.as_bytes(), &ONEPASS).unwrap_or_else(|_| {
        let cfg = minify_html::Cfg {
            keep_closing_tags: true,
            keep_html_and_head_opening_tags: true,
            minify_css: true,
            minify_js: false,
            ..minify_html::Cfg::default()
        };
        minify_html::minify(html.as_bytes(), &cfg)
    })
}

/// A page with a text value larger than this (the body of a very large note) is written unminified,
/// straight from the template into its file, so that it is never whole in memory: minifying needs
/// the page as one string and a copy of it (a 50 MB note's page is 130 MB), and saves only about 5%
/// of the bytes. The bodies of ordinary notes are far below it; index pages made of many small values
/// (a directory of thousands of people) are minified as before.
pub const MAX_MINIFIED_TEXT: usize = 4 << 20;

/// The theme, loaded and compiled once, applied to one page at a time (from any thread).
pub struct Templater {
    pub theme: theme::Theme,
    minify: bool,
}

impl Templater {
    pub fn new(config: &Config) -> Result<Templater, SiteError> {
        Ok(Templater {
            theme: theme::load(config.theme.as_deref())?,
            minify: config.minify,
        })
    }

    /// A page through its template, minified when the config says so: `(site path, bytes)`.
    pub fn page(&self, page: Page) -> Result<(String, Vec<u8>), SiteError> {
        let path = page.path.clone();
        let mut bytes = Vec::new();
        self.write_page(page, &mut bytes)?;
        Ok((path, bytes))
    }

    /// A page through its template into its file in `staging`. An unminified page goes from the
    /// template to the file through a small buffer, never whole in memory.
    pub fn put(&self, page: Page, staging: &Staging) -> Result<(), SiteError> {
        let path = page.path.clone();
        staging.put_with(&path, |out| self.write_page(page, out))
    }

    /// A page through its template into `out`, minified when the config says so and the page carries
    /// no text too large to minify ([`MAX_MINIFIED_TEXT`]).
    pub fn write_page(&self, page: Page, out: &mut dyn std::io::Write) -> Result<(), SiteError> {
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
        let minify = self.minify && largest_text(&context) <= MAX_MINIFIED_TEXT;
        let context = tera::Context::from_value(context).map_err(|e| error(&e))?;
        if !minify {
            return self
                .theme
                .tera
                .render_to(template, &context, out)
                .map_err(|e| error(&e));
        }
        let html = self
            .theme
            .tera
            .render(template, &context)
            .map_err(|e| error(&e))?;
        out.write_all(&minified(&html))
            .map_err(|source| SiteError::Write {
                path: path.clone().into(),
                source,
            })
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

/// The length of the longest string in a page context.
fn largest_text(value: &serde_json::Value) -> usize {
    use serde_json::Value;
    match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(largest_text).max().unwrap_or(0),
        Value::Object(map) => map.values().map(largest_text).max().unwrap_or(0),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
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
        String::from_utf8_lossy(&minified(&html)).into_owned()
    } else {
        html
    })
}

#[cfg(test)]
mod tests {
    use super::minified;

    #[test]
    fn html_the_one_pass_minifier_refuses_is_still_minified() {
        // What dossier's templates make: one pass.
        assert_eq!(
            minified("<p class=\"a\">  Some   text </p>\n<ul>\n  <li>one</li>\n</ul>\n"),
            b"<p class=a>Some text<ul><li>one</ul>"
        );
        // A stray closing tag from a note's raw HTML (the one pass fails on it): the tolerant minifier.
        assert_eq!(
            minified("<div>\n  <p>Some   text</div>\n</p>\n"),
            b"<div><p>Some text</div>"
        );
    }
}
