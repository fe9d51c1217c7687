//! The theme: templates and static files embedded in the binary, shadowed file by file by a user's
//! `theme` folder (`templates/note.html` there replaces the default `note.html`). Compiled once.

use super::SiteError;
use std::path::Path;

/// A default theme file: (its name, its contents).
macro_rules! theme_file {
    (text $name:literal, $dir:literal) => {
        (
            $name,
            include_str!(concat!("../../themes/default/", $dir, "/", $name)),
        )
    };
    (bytes $name:literal, $dir:literal) => {
        (
            $name,
            include_bytes!(concat!("../../themes/default/", $dir, "/", $name)),
        )
    };
}

/// The default theme's templates (name, source).
pub const TEMPLATES: [(&str, &str); 18] = [
    theme_file!(text "base.html", "templates"),
    theme_file!(text "note.html", "templates"),
    theme_file!(text "folder.html", "templates"),
    theme_file!(text "tag.html", "templates"),
    theme_file!(text "tags.html", "templates"),
    theme_file!(text "index.html", "templates"),
    theme_file!(text "stub.html", "templates"),
    theme_file!(text "404.html", "templates"),
    theme_file!(text "accounts.html", "templates"),
    theme_file!(text "brief.html", "templates"),
    theme_file!(text "brief_print.html", "templates"),
    theme_file!(text "people.html", "templates"),
    theme_file!(text "person.html", "templates"),
    theme_file!(text "topics.html", "templates"),
    theme_file!(text "topic.html", "templates"),
    theme_file!(text "timeline.html", "templates"),
    theme_file!(text "partials/brief_body.html", "templates"),
    theme_file!(text "partials/meeting_accounts.html", "templates"),
];

/// The default theme's static files (site path under `static/`, bytes).
pub const STATIC: [(&str, &[u8]); 5] = [
    theme_file!(bytes "style.css", "static"),
    theme_file!(bytes "filter.js", "static"),
    theme_file!(bytes "search.js", "static"),
    theme_file!(bytes "vendor/minisearch.min.js", "static"),
    theme_file!(bytes "vendor/minisearch.LICENSE.txt", "static"),
];

/// The compiled templates and the static files of the theme in use.
pub struct Theme {
    pub tera: tera::Tera,
    /// The templates were minified when loaded ([`minify_template`]): what they make needs no
    /// minifying page by page.
    pub minified: bool,
    /// A hash of every template's name and source, for the build manifest (`manifest::key`).
    pub templates_key: u64,
    /// `static/…` path → bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

fn read(path: &Path) -> Result<Vec<u8>, SiteError> {
    std::fs::read(path).map_err(|source| SiteError::Theme {
        path: path.to_path_buf(),
        message: source.to_string(),
    })
}

/// Loads the default theme with `user`'s files shadowing it. Template errors name the file. With
/// `minify` and the default templates alone, the templates are minified once, here
/// ([`minify_template`]); otherwise they are kept as written and [`Theme::minified`] is false (a
/// user's templates are minified with every page made from them, as before).
pub fn load(user: Option<&Path>, minify: bool) -> Result<Theme, SiteError> {
    let mut sources: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = STATIC
        .iter()
        .map(|(n, b)| (format!("static/{n}"), b.to_vec()))
        .collect();
    if let Some(dir) = user {
        let templates = dir.join("templates");
        if templates.is_dir() {
            for entry in walkdir::WalkDir::new(&templates)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&templates)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let text =
                    String::from_utf8(read(entry.path())?).map_err(|_| SiteError::Theme {
                        path: entry.path().to_path_buf(),
                        message: "template is not UTF-8".into(),
                    })?;
                match sources.iter_mut().find(|(n, _)| *n == rel) {
                    Some(slot) => slot.1 = text,
                    None => sources.push((rel, text)),
                }
            }
        }
        let statics = dir.join("static");
        if statics.is_dir() {
            for entry in walkdir::WalkDir::new(&statics)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = format!(
                    "static/{}",
                    entry
                        .path()
                        .strip_prefix(&statics)
                        .unwrap_or(entry.path())
                        .to_string_lossy()
                        .replace('\\', "/")
                );
                let bytes = read(entry.path())?;
                match files.iter_mut().find(|(n, _)| *n == rel) {
                    Some(slot) => slot.1 = bytes,
                    None => files.push((rel, bytes)),
                }
            }
        }
    }
    files.sort();
    sources.sort();
    let parts: Vec<&[u8]> = sources
        .iter()
        .flat_map(|(n, s)| [n.as_bytes(), s.as_bytes()])
        .collect();
    let templates_key = super::manifest::key(&parts);
    // Only the default theme's templates, which the tests hold to: a user's may be written in ways the
    // checks of `minify_template` let through and minify-html reads otherwise than a browser.
    let shadowed = sources
        .iter()
        .any(|(n, s)| TEMPLATES.iter().all(|(dn, ds)| dn != n || ds != s));
    let minified: Option<Vec<(String, String)>> = if minify && !shadowed {
        sources
            .iter()
            .map(|(n, s)| {
                if n.ends_with(".html") {
                    minify_template(s).map(|m| (n.clone(), m))
                } else {
                    Some((n.clone(), s.clone()))
                }
            })
            .collect()
    } else {
        None
    };
    // A theme whose minified templates do not compile (never seen) is used as written.
    if let Some(tera) = minified.and_then(|m| compile(&m).ok()) {
        return Ok(Theme {
            tera,
            minified: true,
            templates_key,
            files,
        });
    }
    let tera = compile(&sources).map_err(|e| SiteError::Theme {
        path: user
            .map(|u| u.join("templates"))
            .unwrap_or_else(|| "themes/default/templates".into()),
        message: error_chain(&e),
    })?;
    Ok(Theme {
        tera,
        minified: false,
        templates_key,
        files,
    })
}

fn compile(sources: &[(String, String)]) -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    // The one escape of the codebase (`&<>"'`), so URLs keep their `/` readable.
    tera.set_escape_fn(crate::render::html::escape_to);
    tera.register_filter("default", default);
    tera.register_filter("safe", safe);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))?;
    Ok(tera)
}

/// tera's `default` filter as themes have used it: the default also for a value that is there but
/// none (a page context's `null`, as for an account without an industry), not only for one that is
/// missing. tera 2 gives the default only for a missing one; `boolean=true` still gives it for any
/// falsy value.
fn default(
    value: tera::Value,
    kwargs: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let fallback = kwargs.must_get::<tera::Value>("value")?;
    let missing = if kwargs.get::<bool>("boolean")?.unwrap_or_default() {
        !value.is_truthy()
    } else {
        value.is_undefined() || value.is_none()
    };
    Ok(if missing { fallback } else { value })
}

/// tera's `safe` filter without its copy: a string is marked safe as it is (tera's own copies it into a
/// new string, which for a page's body and every backlink snippet was a copy of most of the page);
/// any other value is written out as tera's does, then marked safe.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// Where a tera tag (`{{ }}`, `{% %}`, `{# #}`) stands in a template while minify-html reads it: text
/// to minify-html, with a space so that an attribute value holding one stays quoted.
const HOLE_OPEN: char = '\u{E000}';
const HOLE_CLOSE: char = '\u{E001}';

/// A template minified with minify-html, once, instead of every page made from it (most of a page's
/// markup comes from its template, and minifying every page cost a third of a build). Each tera tag
/// is swapped for a placeholder minify-html reads as text, so whitespace beside a tag is collapsed
/// as text is, never dropped, and put back after. `None` when the result cannot be trusted: a tag
/// left open, a placeholder character in the source, or a tag that does not come back whole and in
/// order: one where an attribute's name goes (`<li{% if x %} class="y"{% endif %}>`), or in the
/// values of attributes written in another order than minify-html's (quoted values first, each group
/// sorted by name: `<a class="{{ c }}" href="{{ u }}">`, not `<a href="{{ u }}" class="{{ c }}">`).
/// The values a template inserts and the HTML passed to it whole (`| safe`) are not minified.
pub fn minify_template(source: &str) -> Option<String> {
    if source.contains([HOLE_OPEN, HOLE_CLOSE]) {
        return None;
    }
    let mut tags: Vec<&str> = Vec::new();
    let mut holed = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find('{') {
        let close = match rest[at + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                holed.push_str(&rest[..at + 1]);
                rest = &rest[at + 1..];
                continue;
            }
        };
        let end = at + 2 + rest[at + 2..].find(close)? + close.len();
        holed.push_str(&rest[..at]);
        holed.push(HOLE_OPEN);
        holed.push(' ');
        holed.push_str(&tags.len().to_string());
        holed.push(HOLE_CLOSE);
        tags.push(&rest[at..end]);
        rest = &rest[end..];
    }
    holed.push_str(rest);
    let minified =
        String::from_utf8(minify_html::minify(holed.as_bytes(), &super::minify_cfg())).ok()?;
    let mut out = String::with_capacity(minified.len());
    let mut order = Vec::with_capacity(tags.len());
    let mut rest = minified.as_str();
    while let Some(at) = rest.find(HOLE_OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + HOLE_OPEN.len_utf8()..];
        let len = after.find(HOLE_CLOSE)?;
        let n: usize = after[..len].strip_prefix(' ')?.parse().ok()?;
        out.push_str(tags.get(n)?);
        order.push(n);
        rest = &after[len + HOLE_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    // minify-html writes a start tag's attributes sorted by name (quoted values first): tags in
    // attribute values could come back in another order, which is trusted only for the same order.
    let in_order = order.len() == tags.len() && order.iter().enumerate().all(|(i, &n)| i == n);
    // Markup minify-html read otherwise than a browser reads the pages (a second `<h1>` opened in a
    // branch of an `{% if %}` before the first is closed) loses end tags.
    let same_elements = elements(&holed) == elements(&minified);
    (in_order && same_elements && !out.contains(HOLE_CLOSE)).then_some(out)
}

/// How many start and end tags of each element a piece of HTML has (names lowercased).
fn elements(html: &str) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut counts = std::collections::BTreeMap::<String, (usize, usize)>::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let (end, name) = match rest.strip_prefix('/') {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let len = name
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .unwrap_or(name.len());
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let slot = counts.entry(name[..len].to_ascii_lowercase()).or_default();
            if end {
                slot.1 += 1;
            } else {
                slot.0 += 1;
            }
        }
    }
    counts
}

/// A tera error with its causes (tera 2 shows the template's line under its message, with the place
/// marked).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::{minify_template, TEMPLATES};

    /// `default` as the default theme relies on (tera 1's): the default for a missing value and for
    /// none, the value itself otherwise, even when empty or false; with `boolean=true`, the default for
    /// any falsy value.
    #[test]
    fn default_gives_the_default_for_missing_and_none_values() {
        let tera = super::compile(&[(
            "t.html".into(),
            "{{ x | default(value=\"-\") }}|{{ x | default(value=\"-\", boolean=true) }}".into(),
        )])
        .unwrap();
        let render = |value: Option<serde_json::Value>| {
            let mut context = serde_json::Map::new();
            if let Some(value) = value {
                context.insert("x".into(), value);
            }
            let context = tera::Context::from_serialize(&context).unwrap();
            tera.render("t.html", &context).unwrap()
        };
        use serde_json::json;
        assert_eq!(render(None), "-|-");
        assert_eq!(render(Some(json!(null))), "-|-");
        assert_eq!(render(Some(json!("a<b"))), "a&lt;b|a&lt;b");
        assert_eq!(render(Some(json!(""))), "|-");
        assert_eq!(render(Some(json!(false))), "false|-");
        assert_eq!(render(Some(json!(0))), "0|-");
    }

    /// `safe` writes what tera's own writes, for strings and for every other kind of value.
    #[test]
    fn safe_writes_what_teras_safe_writes() {
        let template = "{{ s | safe }}|{{ n | safe }}|{{ f | safe }}|{{ b | safe }}|{{ z | safe }}|{{ l | safe }}|{{ o | safe }}|{{ s }}";
        let ours = super::compile(&[("t.html".into(), template.into())]).unwrap();
        let mut teras = tera::Tera::new();
        teras.autoescape_on(vec![".html"]);
        teras.set_escape_fn(crate::render::html::escape_to);
        teras.add_raw_template("t.html", template).unwrap();
        let context = tera::Context::from_serialize(&serde_json::json!({
            "s": "<b>a & b</b> that is longer than twenty-one bytes",
            "n": 5, "f": 2.5, "b": true, "z": null,
            "l": [1, "<x>"], "o": {"k": "<v>"},
        }))
        .unwrap();
        let got = ours.render("t.html", &context).unwrap();
        assert_eq!(got, teras.render("t.html", &context).unwrap());
        assert!(got.starts_with("<b>a & b</b> that is longer than twenty-one bytes|5|2.5|true|"));
    }

    #[test]
    fn every_default_template_minifies() {
        for (name, source) in TEMPLATES {
            let minified = minify_template(source).unwrap_or_else(|| panic!("{name}"));
            assert!(minified.len() < source.len(), "{name}");
        }
        assert!(super::load(None, true).unwrap().minified);
        assert!(!super::load(None, false).unwrap().minified);
    }

    #[test]
    fn tags_come_back_whole_and_whitespace_beside_them_is_collapsed_not_dropped() {
        let source = "<div class=\"list\">\n  <a href=\"x\">A</a> {% if b %}<span title=\"{{ t }}\">{{ b }}</span>{% endif %}\n  {{ c }} {{ d | safe }}\n</div>\n<ul>\n  {% for x in xs %}\n  <li class=\"{% if x.on %}on{% endif %}\">{{ x.name }}</li>\n  {% endfor %}\n</ul>\n{# a comment #}\n";
        assert_eq!(
            minify_template(source).as_deref(),
            Some("<div class=list><a href=x>A</a> {% if b %}<span title=\"{{ t }}\">{{ b }}</span>{% endif %} {{ c }} {{ d | safe }}</div><ul>{% for x in xs %} <li class=\"{% if x.on %}on{% endif %}\">{{ x.name }}</li> {% endfor %}</ul> {# a comment #}")
        );
    }

    #[test]
    fn a_template_minify_html_would_change_is_left_as_written() {
        for source in [
            // A tag where an attribute's name goes: minify-html sorts and merges attributes.
            "<h1 class=\"t\"{% if a %} id=\"{{ a }}\"{% endif %}>T</h1>",
            // Attributes out of minify-html's order: their tags would come back swapped.
            "<a href=\"{{ u }}\" class=\"{{ c }}\">x</a>",
            // Two start tags in the branches of an `if`: read as nested, the end tags after are lost.
            "<article>{% if a %}<h1 id=\"{{ a }}\">{% else %}<h1>{% endif %}T</h1></article>",
            // A tag left open, and a placeholder character in the source.
            "<p>{{ a </p>",
            "<p>\u{E000} 0\u{E001}</p>",
        ] {
            assert_eq!(minify_template(source), None, "{source}");
        }
    }
}
