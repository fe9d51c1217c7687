//! `dossier.toml`: raw settings become one validated [`Config`] here and nowhere else.
//!
//! 1. [`Config::load`] reads a file; unknown keys are an error that names the key and its line.
//! 2. Relative paths in the file are taken from the file's folder.
//! 3. [`Config::discover`] finds `dossier.toml` in the working folder or beside the vault.
//! 4. Command-line flags override file values (`apply_overrides` in `lib.rs`).

use chrono::NaiveDate;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file name dossier looks for.
pub const CONFIG_FILE: &str = "dossier.toml";

/// Every setting, with its default. The commented template `dossier init` writes lists the same keys
/// (`TEMPLATE` below); a test keeps the two in step.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The vault folder (an Obsidian vault: a folder of `.md` notes).
    pub vault: PathBuf,
    /// Where the site is written. dossier owns this folder and replaces it on every build.
    pub out: PathBuf,
    /// The site's title, shown in the header and the browser tab.
    pub title: String,
    /// Absolute URL the site is published at; when set, `sitemap.xml` is written.
    pub base_url: Option<String>,
    /// Glob patterns on vault paths whose notes and files are never published.
    pub exclude: Vec<String>,
    /// A theme folder whose files shadow the embedded default theme, file by file.
    pub theme: Option<PathBuf>,
    /// Pins `date(today)` and "how long ago" figures so builds are reproducible (`YYYY-MM-DD`).
    pub today: Option<NaiveDate>,
    /// How dates are shown (Luxon tokens, as the Dataview plugin's setting).
    pub date_format: String,
    /// How date-times are shown.
    pub datetime_format: String,
    /// Minify the HTML output.
    pub minify: bool,
    /// Headings whose sections are removed from every output (pages, briefs, search, embeds).
    pub strip_sections: Vec<String>,
    /// Clean the HTML of note bodies with an allowlist (no scripts, styles, frames, event handlers or
    /// `javascript:` URLs); off, raw HTML in notes passes through as Obsidian renders it.
    pub sanitize: bool,
    /// How accounts, people, meetings and topics are recognised (`[crm]`).
    pub crm: CrmConfig,
}

/// `[crm]`: what makes a note an account, a person or a meeting, and what a brief shows. The defaults
/// fit vaults like the example (`type: customer` front matter, `People/`, `Meetings/`, dated notes).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CrmConfig {
    /// `type:` values (also tags `type/<value>`) that make a note an account.
    pub account_types: Vec<String>,
    /// `type:` values that make a note a person.
    pub person_types: Vec<String>,
    /// `type:` values that make a note a meeting (dated notes count too).
    pub meeting_types: Vec<String>,
    /// Vault folder → type for notes without a `type:` field or `type/…` tag (`"People" = "person"`).
    pub folder_types: std::collections::BTreeMap<String, String>,
    /// Tag → type for notes without a `type:` field (`"crm/client" = "customer"`); `type/<value>` tags
    /// always work.
    pub tag_types: std::collections::BTreeMap<String, String>,
    /// Headings of sections whose links name an account's contacts.
    pub contact_headings: Vec<String>,
    /// Headings of sections whose comma-separated phrases are topics.
    pub topic_headings: Vec<String>,
    /// Tag prefixes that are structure, not topics (`type` covers `type/customer`).
    pub topic_ignore_tags: Vec<String>,
    /// Sections of an account note shown on its brief, in this order (when not empty or placeholders).
    pub brief_sections: Vec<String>,
    /// Headings of sections holding the account's own one-line summaries of its meetings.
    pub context_headings: Vec<String>,
    /// Accounts and people with no contact for longer than this many days are flagged as stale.
    pub stale_days: u32,
    /// How many recent meetings a brief lists.
    pub brief_meetings: usize,
}

impl Default for CrmConfig {
    fn default() -> Self {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        CrmConfig {
            account_types: strings(&["customer", "prospect", "partner"]),
            person_types: strings(&["person", "contact"]),
            meeting_types: strings(&["meeting"]),
            folder_types: [("People", "person"), ("Meetings", "meeting")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            tag_types: Default::default(),
            contact_headings: strings(&["Key Contacts", "Contacts", "Related People", "People"]),
            topic_headings: strings(&["Topics / Themes", "Topics", "Themes"]),
            topic_ignore_tags: strings(&["type", "status"]),
            brief_sections: strings(&[
                "Account Overview",
                "Current Blockers",
                "Opportunities",
                "Key Decisions",
                "Key Facts",
            ]),
            context_headings: strings(&["Recent Context"]),
            stale_days: 90,
            brief_meetings: 5,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            vault: PathBuf::from("content"),
            out: PathBuf::from("public"),
            title: "dossier".into(),
            base_url: None,
            exclude: vec![],
            theme: None,
            today: None,
            date_format: "MMMM dd, yyyy".into(),
            datetime_format: "h:mm a - MMMM dd, yyyy".into(),
            minify: true,
            strip_sections: vec![],
            sanitize: false,
            crm: CrmConfig::default(),
        }
    }
}

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        path: PathBuf,
        line: u32,
        col: u32,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// Reads and validates a config file; relative paths are resolved against its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(&text, path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.vault = base.join(&config.vault);
        config.out = base.join(&config.out);
        config.theme = config.theme.map(|t| base.join(t));
        Ok(config)
    }

    /// Parses config text (paths left as written). `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::diagnostics::LineIndex::new(text).locate(s.start))
                .unwrap_or((0, 0));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                col,
                message: e.message().to_string(),
            }
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        for pattern in &self.exclude {
            globset::Glob::new(pattern).map_err(|e| ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!("exclude pattern {pattern:?}: {e}"),
            })?;
        }
        if let Some(url) = &self.base_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!("base_url must start with http:// or https://, got {url:?}"),
                });
            }
        }
        Ok(())
    }

    /// The config file to use when none is named: `./dossier.toml`, else one beside the vault.
    pub fn discover(vault: Option<&Path>) -> Option<PathBuf> {
        let here = PathBuf::from(CONFIG_FILE);
        if here.is_file() {
            return Some(here);
        }
        let vault = vault?;
        [
            vault.join(CONFIG_FILE),
            vault
                .parent()
                .map(|p| p.join(CONFIG_FILE))
                .unwrap_or_default(),
        ]
        .into_iter()
        .find(|p| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = Config::parse("titel = \"x\"\n", Path::new("dossier.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("titel"), "{text}");
        assert!(text.starts_with("dossier.toml:1:1"), "{text}");
    }

    #[test]
    fn defaults_fill_missing_keys() {
        let c = Config::parse(
            "title = \"Acme wiki\"\nminify = false\n",
            Path::new("d.toml"),
        )
        .unwrap();
        assert_eq!(c.title, "Acme wiki");
        assert!(!c.minify);
        assert_eq!(c.date_format, "MMMM dd, yyyy");
        assert_eq!(c.vault, PathBuf::from("content"));
    }

    #[test]
    fn bad_glob_is_rejected() {
        assert!(Config::parse("exclude = [\"a/[\"]\n", Path::new("d.toml")).is_err());
    }
}
