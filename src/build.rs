//! `dossier build` and `dossier check`: the pipeline run end to end.
//!
//! 1. `vault::load` reads and parses the notes (parallel).
//! 2. `Index::build` resolves every link once.
//! 3. `render::render_site` renders every page (parallel), evaluating Dataview blocks.
//! 4. `site::build` applies the theme and minifies; `site::write` swaps the output in atomically.
//!
//! `check` stops before step 4 and writes nothing. Diagnostics from every stage are returned, sorted.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity};
use crate::index::Index;
use crate::{render, site, vault};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What the build is doing, for a progress line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    NotesRead { notes: usize, attachments: usize },
    Indexed { links: usize },
    PagesRendered { pages: usize },
    Written { files: usize },
}

/// Options that are not settings of the site.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Replace a non-empty output folder that dossier did not create.
    pub force: bool,
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub notes: usize,
    pub pages: usize,
    pub files: usize,
    /// Documents in the search index and the size of its file.
    pub search_entries: usize,
    pub search_bytes: usize,
    pub out: PathBuf,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildReport {
    pub fn warnings(&self) -> usize {
        count_problems(&self.diagnostics)
    }
}

/// A build that could not produce a site (a bad vault folder, an unwritable output). Problems in notes
/// are never this: they are diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot read vault {path}: {source}")]
    Vault {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Site(#[from] site::SiteError),
}

/// Warnings and errors (hints do not count).
pub fn count_problems(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .count()
}

struct Pipeline {
    index: Index,
    rendered: render::Rendered,
    diagnostics: Vec<Diagnostic>,
}

fn run_pipeline(
    config: &Config,
    progress: &mut dyn FnMut(Progress),
) -> Result<Pipeline, BuildError> {
    let vault = vault::load(config).map_err(|source| BuildError::Vault {
        path: config.vault.clone(),
        source,
    })?;
    progress(Progress::NotesRead {
        notes: vault.notes.len(),
        attachments: vault.attachments.len(),
    });
    let mut diagnostics = vault.diagnostics.clone();
    diagnostics.extend(
        vault
            .notes
            .iter()
            .flat_map(|n| n.diagnostics.iter().cloned()),
    );
    let index = Index::build(vault);
    progress(Progress::Indexed {
        links: index.links.iter().map(Vec::len).sum(),
    });
    diagnostics.extend(index.diagnostics.iter().cloned());
    let today = crate::build_date(config);
    let crm = crate::crm::build(&index, config, today);
    diagnostics.extend(crm.diagnostics.iter().cloned());
    let rendered = render::render_site(&index, &crm, config, today);
    progress(Progress::PagesRendered {
        pages: rendered.pages.len(),
    });
    diagnostics.extend(rendered.diagnostics.iter().cloned());
    diagnostics.sort();
    diagnostics.dedup();
    Ok(Pipeline {
        index,
        rendered,
        diagnostics,
    })
}

/// Builds the site of `config` into `config.out`.
pub fn build(
    config: &Config,
    options: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let Pipeline {
        index,
        rendered,
        diagnostics,
    } = run_pipeline(config, progress)?;
    let files = site::build(&rendered, config)?;
    let search_bytes = files
        .files
        .iter()
        .find(|(p, _)| p == site::search::INDEX_PATH)
        .map_or(0, |(_, b)| b.len());
    let written = site::write(&files, &config.out, &config.vault, options.force)?;
    progress(Progress::Written {
        files: written.files,
    });
    Ok(BuildReport {
        notes: index.notes.len(),
        pages: rendered.pages.len(),
        files: written.files,
        search_entries: rendered.search.len(),
        search_bytes,
        out: config.out.clone(),
        elapsed: start.elapsed(),
        diagnostics,
    })
}

/// Everything `build` does except writing; returns every problem found.
pub fn check(config: &Config) -> Result<Vec<Diagnostic>, BuildError> {
    let Pipeline {
        rendered,
        mut diagnostics,
        ..
    } = run_pipeline(config, &mut |_| {})?;
    // Templates are part of the build: a broken theme is a problem `check` must report.
    if let Err(e) = site::build(&rendered, config) {
        diagnostics.push(Diagnostic::error("theme", 0, 0, e.to_string()));
    }
    Ok(diagnostics)
}
