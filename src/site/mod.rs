//! Stage 5: rendered pages become a site on disk: themes (tera), minify, search index, sitemap,
//! attachments, written to a temporary folder and swapped in atomically.

use crate::config::Config;
use crate::render::Rendered;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("not built yet")]
    NotBuilt,
}

pub struct SiteFiles;
pub struct WriteReport {
    pub files: usize,
}

pub fn build(rendered: &Rendered, config: &Config) -> Result<SiteFiles, SiteError> {
    let _ = (rendered, config);
    Ok(SiteFiles)
}

pub fn write(
    files: &SiteFiles,
    out: &Path,
    vault: &Path,
    force: bool,
) -> Result<WriteReport, SiteError> {
    let _ = (files, out, vault, force);
    Err(SiteError::NotBuilt)
}
