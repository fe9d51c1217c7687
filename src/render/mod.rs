//! Stage 4: the Index (and the derived views) become pages: HTML bodies with links, embeds, callouts
//! and Dataview blocks resolved, plus the serialisable context each template receives.
//! Never reads files; URLs are made only in `urls`.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use chrono::NaiveDate;

/// Placeholder until the render stage lands.
#[derive(Debug, Default)]
pub struct Rendered {
    pub pages: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn render_site(index: &Index, config: &Config, today: NaiveDate) -> Rendered {
    let _ = (index, config, today);
    Rendered::default()
}
