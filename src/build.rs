//! `dossier build` and `dossier check`: the pipeline run end to end.
//!
//! 1. `vault::load` reads and parses the notes (parallel).
//! 2. `Index::build` resolves every link once.
//! 3. `crm::build` gathers accounts, people, meetings and topics.
//! 4. `render::render_each` renders every page (parallel), evaluating Dataview blocks, and hands each
//!    page at once to the theme (`site::Templater`: tera, minified templates) and into its file in a
//!    `site::Staging` folder, which replaces the output atomically when everything is written. No stage
//!    holds every page in memory, nor a large page more than once.
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
    Written { files: usize, unchanged: usize },
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
    /// Files the last build wrote the same, kept rather than written again.
    pub unchanged: usize,
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

/// The vault read and indexed, before any page is made.
struct Loaded {
    index: Index,
    crm: crate::crm::Crm,
    today: chrono::NaiveDate,
    diagnostics: Vec<Diagnostic>,
}

fn load(config: &Config, progress: &mut dyn FnMut(Progress)) -> Result<Loaded, BuildError> {
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
    let mut laps = crate::timing::Laps::new("build");
    let mut index = Index::build(vault);
    laps.mark("index");
    progress(Progress::Indexed {
        links: index.links.iter().map(|l| l.len()).sum(),
    });
    // Moved, not copied: pages do not read them, and a vault can have a hint per note.
    diagnostics.append(&mut index.diagnostics);
    let today = crate::build_date(config);
    let mut crm = crate::crm::build(&index, config, today);
    diagnostics.append(&mut crm.diagnostics);
    Ok(Loaded {
        index,
        crm,
        today,
        diagnostics,
    })
}

/// Builds the site of `config` into `config.out`. Pages are templated, minified and written as they are
/// rendered, into a temporary folder that replaces the output only when everything is written.
pub fn build(
    config: &Config,
    options: &BuildOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BuildReport, BuildError> {
    use rayon::prelude::*;
    let start = Instant::now();
    let mut laps = crate::timing::Laps::new("build");
    // Every page's key holds the program's own hash, which reads the 15 MB binary: made while the
    // vault loads, not when the first page is written, where every rendering thread waited for it.
    let _ = std::thread::Builder::new()
        .name("dossier-program-key".into())
        .spawn(site::manifest::program_key);
    // The theme's templates are parsed while the vault loads (the walk of its folders is on one
    // thread); a load that fails is reported before a broken theme, as when they ran one after the
    // other.
    let (loaded, templater) = std::thread::scope(|scope| {
        let theme = std::thread::Builder::new()
            .name("dossier-theme".into())
            .spawn_scoped(scope, || site::Templater::new(config));
        let loaded = load(config, progress);
        let templater = match theme {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => site::Templater::new(config),
        };
        (loaded, templater)
    });
    let Loaded {
        index,
        crm,
        today,
        mut diagnostics,
    } = loaded?;
    laps.mark("load, index and CRM");
    let templater = templater?;
    let staging = site::Staging::begin(&config.out, &config.vault, options.force)?;
    laps.mark("theme and staging");
    let mut rendered = render::render_each(
        &index,
        &crm,
        config,
        today,
        &render::Selection::default(),
        &|page| templater.put(page, &staging),
    )?;
    progress(Progress::PagesRendered {
        pages: rendered.page_paths.len(),
    });
    laps.mark("pages");
    let search_entries = rendered.search.len();
    let search_bytes = site::search::put_index(std::mem::take(&mut rendered.search), &staging)?;
    laps.mark("search index");
    templater
        .extras(&rendered)
        .par_iter()
        .try_for_each(|(path, bytes)| staging.put(path, bytes))?;
    rendered
        .copies
        .par_iter()
        .try_for_each(|c| staging.copy(c))?;
    laps.mark("static files and attachments");
    let written = staging.commit()?;
    laps.mark("commit");
    progress(Progress::Written {
        files: written.files,
        unchanged: written.unchanged,
    });
    diagnostics.extend(rendered.diagnostics.iter().cloned());
    diagnostics.sort();
    diagnostics.dedup();
    Ok(BuildReport {
        notes: index.notes.len(),
        pages: rendered.page_paths.len(),
        files: written.files,
        unchanged: written.unchanged,
        search_entries,
        search_bytes,
        out: config.out.clone(),
        elapsed: start.elapsed(),
        diagnostics,
    })
}

/// Everything `build` does except writing; returns every problem found.
pub fn check(config: &Config) -> Result<Vec<Diagnostic>, BuildError> {
    let Loaded {
        index,
        crm,
        today,
        mut diagnostics,
    } = load(config, &mut |_| {})?;
    // Templates are part of the build: a broken theme is a problem `check` must report.
    let templated = site::Templater::new(config).and_then(|templater| {
        render::render_each(
            &index,
            &crm,
            config,
            today,
            &render::Selection::default(),
            &|page| templater.write_page(page, &mut std::io::sink()),
        )
    });
    match templated {
        Ok(rendered) => diagnostics.extend(rendered.diagnostics),
        Err(e) => {
            // The pages' own problems still count: render again without the theme.
            let rendered =
                render::render_some(&index, &crm, config, today, &render::Selection::default());
            diagnostics.extend(rendered.diagnostics);
            diagnostics.push(Diagnostic::error("theme", 0, 0, e.to_string()));
        }
    }
    diagnostics.sort();
    diagnostics.dedup();
    Ok(diagnostics)
}
