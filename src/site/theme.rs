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
pub const TEMPLATES: [(&str, &str); 17] = [
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

/// Loads the default theme with `user`'s files shadowing it. Template errors name the file.
pub fn load(user: Option<&Path>) -> Result<Theme, SiteError> {
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
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // The one escape of the codebase (`&<>"'`), so URLs keep their `/` readable.
    tera.set_escape_fn(crate::render::html::escape);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| SiteError::Theme {
            path: user
                .map(|u| u.join("templates"))
                .unwrap_or_else(|| "themes/default/templates".into()),
            message: error_chain(&e),
        })?;
    files.sort();
    sources.sort();
    let parts: Vec<&[u8]> = sources
        .iter()
        .flat_map(|(n, s)| [n.as_bytes(), s.as_bytes()])
        .collect();
    Ok(Theme {
        tera,
        templates_key: super::manifest::key(&parts),
        files,
    })
}

/// A tera error with its causes, one line.
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
