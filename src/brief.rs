//! `dossier brief`: one account's brief as a single self-contained HTML file (CSS inlined, images
//! embedded, no scripts), laid out to print on one or two pages. The same pipeline as `build` up to the
//! CRM view, then one page rendered with absolute links (see `render::LinkMode::Standalone`).

use crate::config::Config;
use crate::crm::{self, AccountIdx, Crm};
use crate::diagnostics::Diagnostic;
use crate::index::{names::key, Index};
use crate::render::{self, LinkMode, Plan, Renderer};
use crate::{site, vault};
use std::path::{Path, PathBuf};

/// Why no brief was written.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    #[error("cannot read vault {path}: {source}")]
    Vault {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no account matches {name:?}{}", list(.candidates, "; accounts in the vault: "))]
    NotFound {
        name: String,
        candidates: Vec<String>,
    },
    #[error("{name:?} matches several accounts{}; name one of them", list(.candidates, ": "))]
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
    #[error(transparent)]
    Site(#[from] site::SiteError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn list(candidates: &[String], lead: &str) -> String {
    if candidates.is_empty() {
        " (the vault has no accounts: notes with `type: customer`, see [crm] in dossier.toml)"
            .into()
    } else {
        format!("{lead}{}", candidates.join(", "))
    }
}

/// A rendered brief.
#[derive(Debug, Clone)]
pub struct Brief {
    /// The account's name.
    pub account: String,
    pub html: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// The account `name` designates: its note's name, title, alias or path exactly (case-insensitive),
/// else the one account whose name contains it.
pub fn find_account(index: &Index, crm: &Crm, name: &str) -> Result<AccountIdx, BriefError> {
    let wanted = key(name.trim().trim_end_matches(".md"));
    let names = |a: &crm::Account| -> Vec<String> {
        let note = &index.notes[a.note];
        let mut all = vec![
            key(note.id.name()),
            key(&note.title),
            key(note.id.stem_path()),
        ];
        all.extend(note.aliases.iter().map(|s| key(s)));
        all
    };
    let label = |a: AccountIdx| {
        let account = &crm.accounts[a];
        format!(
            "{} ({})",
            account.name,
            index.notes[account.note].id.as_str()
        )
    };
    let exact: Vec<AccountIdx> = (0..crm.accounts.len())
        .filter(|&a| names(&crm.accounts[a]).contains(&wanted))
        .collect();
    let partial: Vec<AccountIdx> = (0..crm.accounts.len())
        .filter(|&a| names(&crm.accounts[a]).iter().any(|n| n.contains(&wanted)))
        .collect();
    let found = if exact.is_empty() { partial } else { exact };
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(BriefError::NotFound {
            name: name.into(),
            candidates: (0..crm.accounts.len()).map(label).collect(),
        }),
        many => Err(BriefError::Ambiguous {
            name: name.into(),
            candidates: many.iter().map(|&a| label(a)).collect(),
        }),
    }
}

/// Where a standalone file's links point: the configured `base_url`, else the built site's folder.
fn link_prefix(config: &Config) -> String {
    if let Some(base) = &config.base_url {
        return base.clone();
    }
    let out = std::path::absolute(&config.out).unwrap_or_else(|_| config.out.clone());
    let path = out.to_string_lossy().replace('\\', "/");
    let encoded: Vec<String> = path.split('/').map(render::urls::encode).collect();
    format!(
        "file://{}{}",
        if path.starts_with('/') { "" } else { "/" },
        encoded.join("/")
    )
}

/// Renders the brief of the account `name` designates.
pub fn brief(config: &Config, name: &str) -> Result<Brief, BriefError> {
    let vault = vault::load(config).map_err(|source| BriefError::Vault {
        path: config.vault.clone(),
        source,
    })?;
    let index = Index::build(vault);
    let today = crate::build_date(config);
    let crm = crm::build(&index, config, today);
    let a = find_account(&index, &crm, name)?;
    let plan = Plan::build(&index, &crm);
    let pages = crate::dataview::Pages::build(&index);
    let mode = LinkMode::Standalone {
        prefix: link_prefix(config),
    };
    let r = Renderer::new(&index, &crm, &plan, &pages, config, today, mode);
    let (mut page, diagnostics) = render::crm::brief_page(&r, a, &plan.briefs[a]);
    page.template = "brief_print.html";
    let html = site::standalone(&page, config)?;
    Ok(Brief {
        account: crm.accounts[a].name.clone(),
        html,
        diagnostics,
    })
}

/// The default file name of a brief: `<account slug>-brief.html`.
pub fn default_file(account: &str) -> PathBuf {
    PathBuf::from(format!("{}-brief.html", render::slug::slug(account)))
}

/// Writes `html` to `path` whole or not at all (a temporary file beside it, renamed).
pub fn write_file(path: &Path, html: &str) -> Result<(), BriefError> {
    let err = |source| BriefError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir).map_err(err)?;
    use std::io::Write;
    tmp.1.write_all(html.as_bytes()).map_err(err)?;
    tmp.1.sync_all().map_err(err)?;
    drop(tmp.1);
    std::fs::rename(&tmp.0, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        err(e)
    })
}

/// A new file `.<pid>-<n>.dossier-tmp` in `dir`.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for n in 0..1000 {
        let path = dir.join(format!(".brief-{}-{n}.dossier-tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}
