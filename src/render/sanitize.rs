//! `sanitize = true`: the HTML of note bodies cleaned with ammonia, so that a vault written by many
//! hands cannot put scripts into the published site. Raw HTML in a note passes through by default, as
//! Obsidian renders it; with the option, only an allowlist survives.
//!
//! The allowlist is ammonia's default (formatting, lists, tables, links and images with safe URL
//! schemes) plus exactly what dossier's own renderer writes into a body: `class`, `id` and `data-*`
//! everywhere (internal links, callouts, block ids, Dataview output), the task checkbox, `<details open>`,
//! table alignment, media embeds and the PDF `<object>`. Scripts, styles, frames, event handlers and
//! `javascript:` URLs never get through. The theme's templates are trusted and never cleaned.

use std::borrow::Cow;

/// Elements whose content is dropped with them (ammonia keeps the children of other dropped elements).
const DROP_WITH_CONTENT: [&str; 9] = [
    "script", "style", "iframe", "frame", "frameset", "noframes", "noembed", "noscript", "template",
];

/// The one `style` dossier writes: pulldown-cmark's column alignment on table cells.
const CELL_STYLES: [&str; 3] = [
    "text-align: left",
    "text-align: center",
    "text-align: right",
];

/// Cleans author-written HTML; built once per renderer and shared by its worker threads.
pub struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

impl Sanitizer {
    /// A sanitiser for pages whose links are relative, or absolute under `own_prefix` (a standalone
    /// brief: the site's `base_url` or `file://` folder).
    pub fn new(own_prefix: Option<String>) -> Sanitizer {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input", "audio", "video", "object"])
            .add_clean_content_tags(DROP_WITH_CONTENT)
            // Internal links carry `class` and `data-href`, callouts `data-callout`, tasks `data-task`,
            // headings and blocks an `id` that `#fragment` links land on.
            .add_generic_attributes(["class", "id"])
            .generic_attribute_prefixes(["data-"].into_iter().collect())
            .add_tag_attributes("a", ["title"])
            .add_tag_attributes("img", ["title", "loading"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            // Every `<input>` is what dossier writes for a task: a checkbox that cannot be changed.
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("audio", ["src", "controls", "preload"])
            .add_tag_attributes("video", ["src", "controls", "preload", "width", "height"])
            .add_tag_attributes("object", ["data", "type", "width", "height"])
            .add_tag_attribute_values("th", "style", CELL_STYLES)
            .add_tag_attribute_values("td", "style", CELL_STYLES)
            // Standalone briefs embed images as `data:` URLs; the filter keeps them on `<img>` only.
            .add_url_schemes(["data"])
            .url_relative(ammonia::UrlRelative::PassThrough)
            // dossier's links are its own: no `rel` added, hrefs left as written.
            .link_rel(None)
            .attribute_filter({
                let own_prefix = own_prefix.clone();
                move |element, attribute, value| {
                    keep(element, attribute, value, own_prefix.as_deref())
                }
            });
        if own_prefix.is_some_and(|p| p.starts_with("file:")) {
            // A standalone brief without `base_url` links into the built site by `file://` URL.
            b.add_url_schemes(["file"]);
        }
        Sanitizer { builder: b }
    }

    /// `html` with everything outside the allowlist removed.
    pub fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

impl super::Renderer<'_> {
    /// HTML that carries what an author wrote (a note's body, a brief's sections and tasks) as it may
    /// reach a page: cleaned when `sanitize` is on, else unchanged. Applied once to a whole body, after
    /// embeds and Dataview blocks are in place, so raw HTML split across markdown (`<div>` … `</div>`)
    /// is cleaned as the browser would parse it.
    pub fn author_html(&self, html: String) -> String {
        match &self.sanitizer {
            Some(s) => s.clean(&html),
            None => html,
        }
    }
}

/// The checks ammonia's allowlist cannot express, on attributes it has already allowed.
fn keep<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    prefix: Option<&str>,
) -> Option<Cow<'u, str>> {
    let allowed = match (element, attribute) {
        // A `data:` URL is an image only where it is shown as one.
        ("img", "src") => {
            let url = as_browsers_read(value);
            !url.starts_with("data:") || url.starts_with("data:image/")
        }
        // An `<object>` shows only the site's own PDFs (dossier's `![[plan.pdf]]` embed), never a page.
        ("object", "data") => own_url(value, prefix) && is_pdf(&as_browsers_read(value)),
        ("object", "type") => value.trim().eq_ignore_ascii_case("application/pdf"),
        (_, url) if is_url_attribute(url) => !as_browsers_read(value).starts_with("data:"),
        _ => true,
    };
    allowed.then_some(Cow::Borrowed(value))
}

/// A URL as browsers read it: leading spaces and control characters and every tab and newline
/// removed (WHATWG URL parsing), lowercased.
fn as_browsers_read(value: &str) -> String {
    value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Attributes holding a URL that a browser loads or follows (ammonia checks their schemes).
fn is_url_attribute(attribute: &str) -> bool {
    matches!(
        attribute,
        "href" | "src" | "data" | "cite" | "action" | "poster"
    )
}

/// A relative URL into the site, or an absolute one under the standalone prefix.
fn own_url(value: &str, prefix: Option<&str>) -> bool {
    let v = as_browsers_read(value);
    let has_scheme = v.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    // `//host` and `\\host` (browsers read `\` as `/`) name another site.
    let other_host = v.starts_with(['/', '\\']) && v[1..].starts_with(['/', '\\']);
    let relative = !has_scheme && !other_host;
    relative || prefix.is_some_and(|p| !p.is_empty() && v.starts_with(&p.to_ascii_lowercase()))
}

/// Whether a URL's path (before any query or fragment) names a `.pdf` file.
fn is_pdf(lower_url: &str) -> bool {
    let path = lower_url.split(['?', '#']).next().unwrap_or_default();
    path.trim_end().ends_with(".pdf")
}

#[cfg(test)]
mod tests {
    use super::Sanitizer;

    fn clean(html: &str) -> String {
        Sanitizer::new(None).clean(html)
    }

    #[test]
    fn drops_scripts_handlers_and_script_urls() {
        let html = clean(concat!(
            "<script>alert(1)</script><style>p{}</style><iframe src=\"x.html\">alert(4)</iframe>",
            "<img src=x onerror=alert(2)><a href=\"javascript:alert(3)\">x</a>",
            "<a href=\" vbscript:msgbox(1)\">y</a><a href=\"data:text/html,<b>\">z</a>",
            "<img src=\"data:text/html,<b>\">"
        ));
        assert_eq!(html, "<img src=\"x\"><a>x</a><a>y</a><a>z</a><img>");
    }

    #[test]
    fn keeps_what_dossier_writes() {
        for own in [
            "<a class=\"internal-link\" href=\"../People/Bo%20Chen.html#role\" data-href=\"Bo Chen#Role\">Bo</a>",
            "<span class=\"internal-link is-unresolved\">Nobody</span>",
            "<details class=\"callout is-collapsible\" data-callout=\"tip\" open=\"\"><summary class=\"callout-title\">Tip</summary></details>",
            "<input class=\"task-list-item-checkbox\" type=\"checkbox\" disabled=\"\" checked=\"\">",
            "<p id=\"^para-1\">x</p>",
            "<table><thead><tr><th style=\"text-align: center\">a</th></tr></thead></table>",
            "<pre><code class=\"language-rust\">fn</code></pre>",
            "<img class=\"internal-embed image-embed\" src=\"media/photo.png\" alt=\"photo.png\" width=\"300\" loading=\"lazy\">",
            "<img src=\"data:image/png;base64,AAAA\" alt=\"x\">",
            "<object data=\"media/plan.pdf\" type=\"application/pdf\"><a href=\"media/plan.pdf\">plan.pdf</a></object>",
            "<video class=\"internal-embed media-embed\" controls=\"\" preload=\"metadata\" src=\"media/demo.mp4\"></video>",
            "<span class=\"math math-inline\">x^2</span>",
        ] {
            assert_eq!(clean(own), own);
        }
    }

    #[test]
    fn objects_only_show_the_sites_pdfs() {
        assert_eq!(
            clean("<object data=\"evil.html#.pdf\" type=\"text/html\">fallback</object>"),
            "<object>fallback</object>"
        );
        assert_eq!(
            clean("<object data=\"https://evil.example/x.pdf\"></object>"),
            "<object></object>"
        );
        let standalone = Sanitizer::new(Some("file:///site/".into()));
        for own in [
            "<object data=\"file:///site/media/plan.pdf\"></object>",
            "<a class=\"internal-link\" href=\"file:///site/people/bo-chen.html#role\">Bo</a>",
        ] {
            assert_eq!(standalone.clean(own), own);
        }
        assert_eq!(
            clean("<input type=\"text\" value=\"x\">"),
            "<input type=\"checkbox\" disabled=\"\">"
        );
        assert_eq!(
            clean("<object data=\"/\\evil.example/x.pdf\"></object>"),
            "<object></object>"
        );
    }
}
