//! dossier: an Obsidian vault becomes a linked static website of account briefs.
//!
//! The pipeline (see ARCHITECTURE.md): `config` → `vault` → `index` → `render` (with `dataview`) → `site`.

pub mod brief;
pub mod build;
pub mod cli;
pub mod config;
pub mod crm;
pub mod dataview;
pub mod diagnostics;
pub mod index;
pub mod init;
pub mod render;
pub mod serve;
pub mod site;
pub mod timing;
pub mod value;
pub mod vault;

pub use build::{build, check, BuildError, BuildOptions, BuildReport, Progress};

use chrono::NaiveDate;
use config::{Config, ConfigError};
use std::path::PathBuf;

/// The settings for a command: the named config file, else `dossier.toml` found here or beside the
/// vault, else the defaults; then `--vault` and `--today` override.
pub fn resolve_config(args: &cli::VaultArgs) -> Result<Config, ConfigError> {
    let file = args
        .config
        .clone()
        .or_else(|| Config::discover(args.vault.as_deref()));
    let mut config = match file {
        Some(path) => Config::load(&path)?,
        None => Config::default(),
    };
    if let Some(vault) = &args.vault {
        config.vault = vault.clone();
    }
    if let Some(today) = args.today {
        config.today = Some(today);
    }
    Ok(config)
}

/// Why `dossier query` failed. A parse error exits 2, everything else 1.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Parse(#[from] dataview::ParseError),
    #[error("{0}")]
    Exec(#[from] dataview::ExecError),
    #[error("cannot read vault {path}: {source}")]
    Vault {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    NoSuchNote(String),
}

/// The build date: the config's `today`, else the system's local date.
pub fn build_date(config: &Config) -> NaiveDate {
    config
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// How the page data a query reads is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageData {
    /// For the query alone, with only what its expressions can read, and dropped after it: as
    /// `dossier build` runs the queries of its pages.
    PerQuery,
    /// Whole, and kept for every query: as `dossier serve` does.
    Kept,
}

/// Runs one query against the vault of `config`, as `dossier query` does. `this` names the note the
/// query runs in (a vault path, with or without `.md`, or a note name).
pub fn query(
    config: &Config,
    this: Option<&str>,
    text: &str,
) -> Result<dataview::QueryResult, QueryError> {
    query_with(config, this, text, PageData::PerQuery)
}

/// [`query`], with its page data made as `data` says (the result is the same either way).
pub fn query_with(
    config: &Config,
    this: Option<&str>,
    text: &str,
    data: PageData,
) -> Result<dataview::QueryResult, QueryError> {
    let query = dataview::parse(text)?;
    let vault = vault::load(config).map_err(|source| QueryError::Vault {
        path: config.vault.clone(),
        source,
    })?;
    let index = index::Index::build(vault);
    let this = match this {
        None => None,
        Some(name) => Some(find_note(&index, name).ok_or_else(|| {
            QueryError::NoSuchNote(format!(
                "no note named {name:?} in {}",
                config.vault.display()
            ))
        })?),
    };
    let all = match data {
        PageData::Kept => dataview::Pages::build(&index),
        PageData::PerQuery => dataview::Pages::transient(),
    };
    let pages = match data {
        PageData::Kept => all.scope(),
        PageData::PerQuery => all.scope_reading(dataview::trace::Observed::of_expressions(&query)),
    };
    let ctx = dataview::Context {
        index: &index,
        pages: &pages,
        this,
        today: build_date(config),
    };
    Ok(dataview::execute(&query, &ctx)?)
}

/// A note by vault path (with or without `.md`) or, failing that, by name as a link would resolve.
pub fn find_note(index: &index::Index, name: &str) -> Option<index::NoteIdx> {
    let path = if name.ends_with(".md") {
        name.to_string()
    } else {
        format!("{name}.md")
    };
    index
        .note_by_path(&path)
        .or_else(|| match index.resolve(0, name) {
            index::Target::Note(i) => Some(i),
            _ => None,
        })
}
