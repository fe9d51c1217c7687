//! File changes, classified. Pure: a path and the watched roots in, what kind of change out.

use std::path::{Path, PathBuf};

/// What a changed file means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Editor noise, hidden folders, the output folder: nothing to do.
    Ignored,
    /// A note or an attachment in the vault.
    Vault,
    /// A theme template or static file: every page is themed again.
    Theme,
    /// `dossier.toml`: settings are read again and everything is rebuilt.
    Config,
}

/// The folders and files being watched.
#[derive(Debug, Clone)]
pub struct Roots {
    pub vault: PathBuf,
    pub theme: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub out: PathBuf,
}

/// Editor swap and backup files, and files in hidden folders (`.obsidian`, `.git`, `.trash`).
fn is_noise(rel: &Path) -> bool {
    rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') && s != "." && s != ".."
    }) || rel.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.ends_with('~')
            || n.ends_with(".swp")
            || n.ends_with(".swx")
            || n.ends_with(".tmp")
            || n.starts_with(".#")
    })
}

/// Classifies a changed path.
pub fn classify(roots: &Roots, path: &Path) -> ChangeKind {
    if roots.config.as_deref().is_some_and(|c| c == path) {
        return ChangeKind::Config;
    }
    if path.starts_with(&roots.out) {
        return ChangeKind::Ignored;
    }
    if let Some(theme) = &roots.theme {
        if let Ok(rel) = path.strip_prefix(theme) {
            return if is_noise(rel) {
                ChangeKind::Ignored
            } else {
                ChangeKind::Theme
            };
        }
    }
    match path.strip_prefix(&roots.vault) {
        Ok(rel) if !is_noise(rel) => ChangeKind::Vault,
        _ => ChangeKind::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let roots = Roots {
            vault: "/v".into(),
            theme: Some("/t".into()),
            config: Some("/d/dossier.toml".into()),
            out: "/d/public".into(),
        };
        let c = |p: &str| classify(&roots, Path::new(p));
        assert_eq!(c("/v/Customers/Acme.md"), ChangeKind::Vault);
        assert_eq!(c("/v/img.png"), ChangeKind::Vault);
        assert_eq!(c("/v/.obsidian/workspace.json"), ChangeKind::Ignored);
        assert_eq!(c("/v/Acme.md~"), ChangeKind::Ignored);
        assert_eq!(c("/v/.Acme.md.swp"), ChangeKind::Ignored);
        assert_eq!(c("/t/templates/note.html"), ChangeKind::Theme);
        assert_eq!(c("/d/dossier.toml"), ChangeKind::Config);
        assert_eq!(c("/d/public/index.html"), ChangeKind::Ignored);
        assert_eq!(c("/elsewhere/x.md"), ChangeKind::Ignored);
    }
}
