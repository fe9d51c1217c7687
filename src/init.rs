//! `dossier init`: a commented `dossier.toml` for an existing vault.

use crate::config::CONFIG_FILE;
use std::path::{Path, PathBuf};

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} already exists; dossier init never overwrites a config")]
    Exists(PathBuf),
    #[error("{path} is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The commented template. Every key of `Config`, its default and one line on what it does; a test
/// parses it back and compares with `Config::default()`.
pub const TEMPLATE: &str = r#"# dossier.toml: settings for `dossier build`, `check`, `query` and `serve`.
# Every key is optional; the values below are the defaults. Relative paths are taken from this file's folder.

# The vault folder: an Obsidian vault of .md notes.
vault = "{vault}"
# Where the site is written. dossier owns this folder and replaces it atomically on every build.
out = "{out}"
# The site's title, shown in the header and the browser tab.
title = "dossier"
# Absolute URL the site is published at; when set, sitemap.xml is written.
# base_url = "https://wiki.example.com/accounts/"
# Glob patterns on vault paths that are never published ("Personal" means the folder and all below it).
exclude = []
# A folder whose files shadow the default theme's, file by file (templates/, static/).
# theme = "my-theme"
# Pin the build date used by date(today), overdue tasks and staleness (YYYY-MM-DD); default: the system date.
# today = "2026-01-31"
# How Dataview dates and date-times are shown (Luxon tokens, like the Dataview plugin's settings).
date_format = "MMMM dd, yyyy"
datetime_format = "h:mm a - MMMM dd, yyyy"
# Minify the HTML output.
minify = true
# Headings whose sections are removed from every output: pages, briefs, search, embeds.
strip_sections = []
# Clean raw HTML in notes (scripts, styles, frames, event handlers, javascript: URLs removed) for vaults
# written by people you do not fully trust; by default it passes through, as Obsidian renders it.
sanitize = false

# How accounts, people, meetings and topics are found, and what a customer brief shows.
[crm]
# `type:` front matter values (or tags type/<value>) that make a note an account.
account_types = ["customer", "prospect", "partner"]
# `type:` values that make a note a person.
person_types = ["person", "contact"]
# `type:` values that make a note a meeting (notes named YYYY-MM-DD… or with a `date` count too).
meeting_types = ["meeting"]
# Headings whose links name an account's contacts (people without a note of their own included).
contact_headings = ["Key Contacts", "Contacts", "Related People", "People"]
# Headings whose comma-separated phrases are topics, next to tags.
topic_headings = ["Topics / Themes", "Topics", "Themes"]
# Tag prefixes that are structure rather than topics.
topic_ignore_tags = ["type", "status"]
# Sections of an account note shown on its brief, in order; empty and placeholder-only ones are hidden.
brief_sections = ["Account Overview", "Current Blockers", "Opportunities", "Key Decisions", "Key Facts"]
# Headings holding the account's one-line summaries of its meetings ("- 2026-01-02: [[Meeting]] - gist (via Name)").
context_headings = ["Recent Context"]
# Accounts and people with no contact for longer than this many days before the build date are stale.
stale_days = 90
# How many recent meetings a brief lists.
brief_meetings = 5

# Vault folders whose notes have a type when they carry no `type:` field or type/… tag.
[crm.folder_types]
People = "person"
Meetings = "meeting"

# Tags that give a note a type when it has no `type:` field (type/<value> tags always do).
[crm.tag_types]
# "crm/client" = "customer"
"#;

/// The template text for a vault at `vault` writing to `out` (both as written into the file).
pub fn template(vault: &str, out: &str) -> String {
    TEMPLATE.replace("{vault}", vault).replace("{out}", out)
}

/// Writes `dir/dossier.toml`. When `dir` is itself a vault (it holds `.obsidian` or notes), the vault
/// is `.` and the site goes to `../<dir name>-site`; otherwise a `content/` vault and `public/` output.
pub fn init(dir: &Path) -> Result<PathBuf, InitError> {
    if !dir.is_dir() {
        return Err(InitError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let path = dir.join(CONFIG_FILE);
    if path.exists() {
        return Err(InitError::Exists(path));
    }
    let is_vault = dir.join(".obsidian").is_dir()
        || std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "md"))
        });
    let text = if is_vault {
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "vault".into());
        template(".", &format!("../{name}-site"))
    } else {
        template("content", "public")
    };
    std::fs::write(&path, text).map_err(|source| InitError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn template_lists_every_key_with_its_default() {
        let parsed =
            Config::parse(&template("content", "public"), Path::new("dossier.toml")).unwrap();
        assert_eq!(parsed, Config::default());
        // Every commented-out optional key is still a valid key.
        let uncommented: String = TEMPLATE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.starts_with('`') => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let all = Config::parse(
            &uncommented.replace("{vault}", "v").replace("{out}", "o"),
            Path::new("d"),
        )
        .unwrap();
        assert!(all.base_url.is_some() && all.theme.is_some() && all.today.is_some());
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dossier.toml"), "title = \"mine\"").unwrap();
        assert!(matches!(init(dir.path()), Err(InitError::Exists(_))));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("dossier.toml")).unwrap(),
            "title = \"mine\""
        );
    }

    #[test]
    fn a_vault_folder_gets_dot_vault() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Note.md"), "hi").unwrap();
        let path = init(dir.path()).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("vault = \".\""), "{text}");
    }
}
