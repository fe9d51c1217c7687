//! Rendering: a small fixed vault (`common`) plus one note whose bytes are the input is indexed and the
//! whole site rendered (markdown events to HTML, links, embeds of the other notes and of the input,
//! callouts, Dataview blocks as HTML, page contexts, tag and folder pages), with the CRM views derived
//! from it (accounts, people, meetings, topics). Slower than `resolve`.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use dossier::config::Config;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    let index = common::index(Some(("Customers/Fuzz Note.md", data)));
    let crm = dossier::crm::build(&index, config, common::today());
    let _ = dossier::render::render_site(&index, &crm, config, common::today());
});
