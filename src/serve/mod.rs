//! `dossier serve`: the site built in memory, served on loopback, rebuilt when the vault, theme or
//! config changes, and reloaded in open browsers (server-sent events). Not a second pipeline: the same
//! stages run, with parsed notes cached between builds (`vault::NoteCache`) and only the note pages a
//! change can affect rendered again (`rebuild::affected`). An edit that keeps every note and name
//! updates the last index (`Index::update`) and carries over the Dataview page data of the notes it
//! cannot reach (`Pages::carry`) instead of making them again.
//!
//! 1. [`Session::rebuild`] runs the pipeline and merges the changed files into the in-memory site. A
//!    page rendered again to the same context and template as its served bytes keeps them without
//!    being templated (`Templater::page_key`): when every page is rendered again (a note created or
//!    deleted), most come out the same.
//! 2. `server` answers HTTP from the latest snapshot and injects the live-reload script into HTML.
//! 3. [`serve`] watches the files (notify), debounces bursts of saves, classifies them (`watch`),
//!    rebuilds, and tells the browsers to reload, or shows the error over the page and keeps serving
//!    the last good site.

pub mod rebuild;
pub mod server;
pub mod watch;

use crate::build::BuildError;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::render::search::SearchDoc;
use crate::render::{self, Plan, Selection};
use crate::{crm, site, vault};
use foldhash::{HashMap, HashSet};
use rebuild::Affected;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The site as served: file bytes by site path, and attachments by site path → vault file.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: BTreeMap<Arc<str>, Arc<[u8]>>,
    pub copies: HashMap<String, PathBuf>,
    /// The last build's error, shown over every page until a build succeeds.
    pub error: Option<String>,
}

/// What one rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Every page was rendered (first build, notes added or removed, theme or config changed).
    pub full: bool,
    pub notes_read: usize,
    pub notes: usize,
    pub note_pages: usize,
    /// List, stub and CRM pages rendered.
    pub other_pages: usize,
    /// Files whose bytes changed.
    pub changed: usize,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
}

/// The last build's vault, for comparing the next one with.
struct Previous {
    index: Index,
    crm: crm::Crm,
    /// Shared with the next build when the edit moved no page (`Plan::same_inputs`).
    plan: Arc<Plan>,
    /// The page data made for `index` so far (grows as queries ask).
    pages: crate::dataview::Pages,
}

/// A serving session: the settings, the parse cache, the previous build and the site in memory.
pub struct Session {
    pub config: Config,
    cache: vault::NoteCache,
    prev: Option<Previous>,
    site: BTreeMap<Arc<str>, Arc<[u8]>>,
    /// What each page of `site` was made from (`Templater::page_key`): a page made again from the
    /// same is not templated again.
    page_keys: HashMap<String, u64>,
    copies: HashMap<String, PathBuf>,
    /// The theme, compiled once per theme or config change.
    templater: Option<Arc<site::Templater>>,
    /// What every Dataview query on every page read, to decide which to run again.
    traces: rebuild::Traces,
    /// The search documents: one per note (in note order), then the people without a note.
    search: Vec<SearchDoc>,
    /// Each of `search` as the index script holds it (`site::search::doc_json`).
    search_json: Vec<String>,
    /// Problems found while rendering, kept for the pages not rendered again.
    render_diagnostics: Vec<Diagnostic>,
}

/// The settings a preview runs with: the site's, without minifying, which only saves bytes on the wire
/// to 127.0.0.1 and took a quarter of every rebuild.
fn for_preview(mut config: Config) -> Config {
    config.minify = false;
    config
}

impl Session {
    pub fn new(config: Config) -> Session {
        Session {
            config: for_preview(config),
            cache: vault::NoteCache::default(),
            prev: None,
            site: BTreeMap::new(),
            page_keys: HashMap::default(),
            copies: HashMap::default(),
            templater: None,
            traces: rebuild::Traces::default(),
            search: Vec::new(),
            search_json: Vec::new(),
            render_diagnostics: Vec::new(),
        }
    }

    /// The site as it stands.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            files: self.site.clone(),
            copies: self.copies.clone(),
            error: None,
        }
    }

    /// Rebuilds after a change; `all` forces every page (theme or config changed). On error the site in
    /// memory is left as it was, and the next rebuild renders every page: the notes the failed one read
    /// again are no longer "changed" for the cache, so comparing against the last good build would miss
    /// them.
    pub fn rebuild(&mut self, all: bool) -> Result<Rebuilt, BuildError> {
        self.rebuild_changed(all, None)
    }

    /// [`Session::rebuild`], told which files changed (absolute paths, as the watcher reports
    /// modifications): when they are all files of the last build, the vault is not walked again.
    pub fn rebuild_changed(
        &mut self,
        all: bool,
        changed: Option<&[PathBuf]>,
    ) -> Result<Rebuilt, BuildError> {
        let start = Instant::now();
        let mut laps = crate::timing::Laps::new("serve");
        let prev = self.prev.take();
        let config = &self.config;
        let changed = changed.filter(|_| !all && prev.is_some());
        let (vault, reread) =
            vault::load_changed(config, &mut self.cache, changed).map_err(|source| {
                BuildError::Vault {
                    path: config.vault.clone(),
                    source,
                }
            })?;
        laps.mark("load");
        let mut diagnostics = vault.diagnostics.clone();
        diagnostics.extend(
            vault
                .notes
                .iter()
                .flat_map(|n| n.diagnostics.iter().cloned()),
        );
        // An edit that keeps every note and name updates the last index instead of building one, and
        // keeps the page data of the notes it cannot reach.
        let last = prev.as_ref().filter(|_| !all);
        let edited: Option<Vec<usize>> =
            last.and_then(|p| reread.iter().map(|r| p.index.note_by_path(r)).collect());
        let (index, pages) = match (last, edited) {
            (Some(p), Some(edited)) => match Index::update(&p.index, vault, &edited) {
                Ok(index) => {
                    let stale = rebuild::stale_pages(&p.index, &index, &edited);
                    let pages = p.pages.carry(&stale);
                    (index, pages)
                }
                Err(vault) => fresh_index(vault),
            },
            _ => fresh_index(vault),
        };
        laps.mark("index");
        diagnostics.extend(index.diagnostics.iter().cloned());
        let today = crate::build_date(config);
        let prior = prev.as_ref().filter(|_| !all).map(|p| (&p.index, &p.crm));
        let crm = crm::build_reusing(&index, config, today, prior);
        laps.mark("crm");
        diagnostics.extend(crm.diagnostics.iter().cloned());
        let plan = match prev.as_ref().filter(|_| !all) {
            Some(p) if Plan::same_inputs((&p.index, &p.crm), (&index, &crm)) => p.plan.clone(),
            _ => Arc::new(Plan::build(&index, &crm)),
        };
        laps.mark("plan");
        let templater = match (&self.templater, all) {
            (Some(t), false) => t.clone(),
            _ => Arc::new(site::Templater::new(config)?),
        };
        let scope = match (&prev, all) {
            (Some(prev), false) => rebuild::affected(
                rebuild::State {
                    index: &prev.index,
                    crm: &prev.crm,
                    plan: &prev.plan,
                    pages: &prev.pages,
                },
                rebuild::State {
                    index: &index,
                    crm: &crm,
                    plan: &plan,
                    pages: &pages,
                },
                &self.traces,
                today,
                &reread,
            ),
            _ => Affected::All,
        };
        // The last state is freed on a thread of its own: after a note is created or removed nothing of
        // it is shared with the new one, and freeing it took 110 ms of a 1.8 s rebuild at 10k notes.
        // (Should the thread not start, the closure and the state are dropped here.)
        let _ = std::thread::Builder::new()
            .name("dossier-free".into())
            .spawn(move || drop(prev));
        laps.mark("affected");
        let selection = match &scope {
            Affected::All => Selection {
                trace: true,
                ..Selection::default()
            },
            Affected::Some(s) => Selection {
                notes: Some(s.notes.clone()),
                others: Some(s.others.clone()),
                search: Some(s.search.clone()),
                trace: true,
            },
        };
        // Each page templated as soon as it is made, on the thread that made it: a large page (the
        // accounts index) is then templated while the others are still rendering.
        // A page whose key is the one its bytes in the site were made from keeps those bytes (a
        // note created re-renders every page, most of them to the same context).
        let files = std::sync::Mutex::new(Vec::new());
        let (site_now, keys_now) = (&self.site, &self.page_keys);
        let template = |page: render::Page| -> Result<(), site::SiteError> {
            let key = templater.page_key(&page);
            let kept = keys_now
                .get(&page.path)
                .filter(|&&k| k == key)
                .and_then(|_| site_now.get(page.path.as_str()).cloned());
            let file = match kept {
                Some(bytes) => (page.path, bytes),
                None => {
                    let (path, bytes) = templater.page(page)?;
                    (path, Arc::from(bytes))
                }
            };
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((file.0, key, file.1));
            Ok(())
        };
        let mut rendered = render::render_each_prepared(
            &index, &crm, &plan, &pages, config, today, &selection, &template,
        )?;
        let files: Vec<(String, u64, Arc<[u8]>)> = files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        laps.mark("render+template");
        let note_pages = selection
            .notes
            .as_ref()
            .map_or(index.notes.len(), |s| s.len());
        let other_pages = rendered.page_paths.len().saturating_sub(note_pages);
        let mut changed = 0;
        let full = matches!(scope, Affected::All);
        // A full rebuild starts the site afresh; the old one is kept to count what changed.
        let mut before = BTreeMap::new();
        if full {
            before = std::mem::take(&mut self.site);
            self.page_keys.clear();
            self.traces.clear();
            self.render_diagnostics.clear();
            self.search = std::mem::take(&mut rendered.search);
            self.search_json = {
                use rayon::prelude::*;
                self.search.par_iter().map(site::search::doc_json).collect()
            };
            for (path, bytes) in templater.statics() {
                self.site.insert(path.into(), Arc::from(bytes));
            }
            if let Some(base) = &rendered.base_url {
                let sitemap = site::sitemap::sitemap(base, &rendered.page_paths);
                self.site
                    .insert("sitemap.xml".into(), Arc::from(sitemap.into_bytes()));
            }
        } else {
            let rerendered: HashSet<&str> = selection
                .notes
                .iter()
                .flatten()
                .map(|&i| index.notes[i].id.as_str())
                .collect();
            self.render_diagnostics
                .retain(|d| !rerendered.contains(d.path.as_str()));
            for path in &rendered.page_paths {
                self.traces.remove(path);
            }
        }
        if let Affected::Some(s) = scope {
            for (path, k, run) in s.retraced {
                if let Some(slot) = self.traces.get_mut(&path).and_then(|runs| runs.get_mut(k)) {
                    *slot = run;
                }
            }
            let fresh = std::mem::take(&mut rendered.search);
            let note_count = index.notes.len();
            let merged = merge_search(&mut self.search, &s.search, fresh, note_count);
            if merged.notes || merged.people {
                changed += 1;
                self.search_json.resize(self.search.len(), String::new());
                let redo = s.search.iter().copied().filter(|&i| i < note_count);
                let people = (note_count..self.search.len()).filter(|_| merged.people);
                for i in redo.chain(people) {
                    self.search_json[i] = site::search::doc_json(&self.search[i]);
                }
            }
        }
        for (path, run) in std::mem::take(&mut rendered.traces) {
            self.traces.entry(path).or_default().push(run);
        }
        if full || changed > 0 {
            self.site.insert(
                site::search::INDEX_PATH.into(),
                Arc::from(site::search::script(&self.search_json)),
            );
        }
        for (path, key, bytes) in files {
            let same = self
                .site
                .get(path.as_str())
                .is_some_and(|old| same_bytes(old, &bytes));
            if !same {
                self.site.insert(path.as_str().into(), bytes);
                changed += 1;
            }
            self.page_keys.insert(path, key);
        }
        if full {
            let same = |(path, bytes): (&Arc<str>, &Arc<[u8]>)| {
                before.get(path).is_some_and(|old| same_bytes(old, bytes))
            };
            changed = self.site.iter().filter(|&file| !same(file)).count()
                + before
                    .keys()
                    .filter(|p| !self.site.contains_key(*p))
                    .count();
        }
        self.copies = rendered
            .copies
            .iter()
            .map(|c| (c.to.clone(), c.from.clone()))
            .collect();
        self.render_diagnostics
            .extend(std::mem::take(&mut rendered.diagnostics));
        self.render_diagnostics.sort();
        self.render_diagnostics.dedup();
        diagnostics.extend(self.render_diagnostics.iter().cloned());
        diagnostics.sort();
        diagnostics.dedup();
        self.templater = Some(templater);
        laps.mark("merge");
        let rebuilt = Rebuilt {
            full,
            notes_read: reread.len(),
            notes: index.notes.len(),
            note_pages,
            other_pages,
            changed,
            elapsed: start.elapsed(),
            diagnostics,
        };
        self.prev = Some(Previous {
            index,
            crm,
            plan,
            pages,
        });
        Ok(rebuilt)
    }
}

/// An index built from scratch, with its page data (made as queries ask).
fn fresh_index(vault: vault::Vault) -> (Index, crate::dataview::Pages) {
    let index = Index::build(vault);
    let pages = crate::dataview::Pages::build(&index);
    (index, pages)
}

/// Documents equal but for their number.
fn same_doc(a: &SearchDoc, b: &SearchDoc) -> bool {
    SearchDoc {
        id: a.id,
        ..b.clone()
    } == *a
}

/// Which documents [`merge_search`] changed.
struct Merged {
    /// A note's document.
    notes: bool,
    /// The documents of people without a note (all renumbered when one came or went).
    people: bool,
}

/// Puts the documents of a partial render (those of `notes`, in order, then every person without a
/// note) into the full list `docs` and numbers them.
fn merge_search(
    docs: &mut Vec<SearchDoc>,
    notes: &std::collections::BTreeSet<usize>,
    fresh: Vec<SearchDoc>,
    note_count: usize,
) -> Merged {
    let mut fresh = fresh.into_iter();
    let mut changed = false;
    for &i in notes.iter().filter(|&&i| i < note_count) {
        let Some(doc) = fresh.next() else { break };
        if let Some(slot) = docs.get_mut(i) {
            changed |= !same_doc(slot, &doc);
            *slot = doc;
        }
    }
    let people: Vec<SearchDoc> = fresh.collect();
    let tail = docs.split_off(note_count.min(docs.len()));
    let people_changed =
        tail.len() != people.len() || tail.iter().zip(&people).any(|(a, b)| !same_doc(a, b));
    docs.extend(people);
    for (k, d) in docs.iter_mut().enumerate() {
        d.id = k;
    }
    Merged {
        notes: changed,
        people: people_changed,
    }
}

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: std::net::SocketAddr,
    pub open: bool,
    /// The config file to read again when it changes (`None`: defaults were used).
    pub config_file: Option<PathBuf>,
}

/// Builds, serves and watches until interrupted. `reload_config` reads the settings again (after the
/// config file changed), with the command line's overrides applied.
pub fn serve(
    config: Config,
    options: ServeOptions,
    reload_config: impl Fn() -> Result<Config, crate::config::ConfigError> + Send + 'static,
    log: impl Fn(&str) + Send + Sync + 'static,
) -> Result<(), ServeError> {
    let log = Arc::new(log);
    let mut session = Session::new(config);
    let shared = server::Shared::new();
    let mut seen: Vec<Diagnostic> = Vec::new();
    match session.rebuild(true) {
        Ok(r) => {
            print_problems(&*log, &r.diagnostics);
            log(&format!(
                "built {} notes in {} ms",
                r.notes,
                r.elapsed.as_millis()
            ));
            seen = r.diagnostics;
            shared.publish(session.snapshot(), None);
        }
        Err(e) => {
            log(&format!("error: {e}"));
            shared.publish(Snapshot::default(), Some(e.to_string()));
        }
    }
    let roots = watch::Roots {
        vault: canonical(&session.config.vault),
        theme: session.config.theme.as_deref().map(canonical),
        config: options.config_file.as_deref().map(canonical),
        out: canonical(&session.config.out),
    };
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(ServeError::Watch)?;
    {
        use notify::{RecursiveMode, Watcher};
        watcher
            .watch(&roots.vault, RecursiveMode::Recursive)
            .map_err(ServeError::Watch)?;
        if let Some(theme) = &roots.theme {
            if theme.is_dir() {
                watcher
                    .watch(theme, RecursiveMode::Recursive)
                    .map_err(ServeError::Watch)?;
            }
        }
        if let Some(parent) = roots.config.as_deref().and_then(|c| c.parent()) {
            watcher
                .watch(parent, RecursiveMode::NonRecursive)
                .map_err(ServeError::Watch)?;
        }
    }
    let rebuild_shared = shared.clone();
    let rebuild_log = log.clone();
    std::thread::spawn(move || {
        let _watcher = watcher;
        watch_loop(
            rx,
            &roots,
            &mut session,
            &rebuild_shared,
            &reload_config,
            &*rebuild_log,
            seen,
        );
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Io)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| ServeError::Bind(options.addr, e))?;
        let addr = listener.local_addr().map_err(ServeError::Io)?;
        log(&format!("serving on http://{addr}/ (Ctrl-C to stop)"));
        if options.open {
            open_browser(&format!("http://{addr}/"));
        }
        axum::serve(listener, server::router(shared))
            .await
            .map_err(ServeError::Io)
    })
}

fn print_problems<'a>(log: &dyn Fn(&str), diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diagnostics
        .into_iter()
        .filter(|d| d.severity >= crate::diagnostics::Severity::Warning)
    {
        log(&d.to_string());
    }
}

fn canonical(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| std::path::absolute(p).unwrap_or(p.to_path_buf()))
}

/// Saves arrive in bursts (an editor writes a temp file, renames it, touches metadata): wait until the
/// vault has been quiet this long before rebuilding. The events of one save come within a few
/// milliseconds; a write that comes later only costs a second rebuild. (It was 60 ms, then 25 ms: a
/// sixth of the 150 ms an edit may take from save to reload.)
const DEBOUNCE: Duration = Duration::from_millis(10);

fn watch_loop(
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    roots: &watch::Roots,
    session: &mut Session,
    shared: &server::Shared,
    reload_config: &dyn Fn() -> Result<Config, crate::config::ConfigError>,
    log: &dyn Fn(&str),
    // The last build's problems, sorted (as a rebuild returns them): only new ones are printed.
    mut seen: Vec<Diagnostic>,
) {
    use watch::ChangeKind;
    let mut failed = false;
    while let Ok(first) = rx.recv() {
        let mut kind = ChangeKind::Ignored;
        // The vault files written in place, while every event is such a write; `None` once a file
        // was created, removed or renamed (or an event was lost): the vault is then walked again.
        let mut modified: Option<Vec<PathBuf>> = Some(Vec::new());
        let mut note = |event: notify::Result<notify::Event>| {
            let Ok(event) = event else {
                modified = None;
                return;
            };
            if matches!(event.kind, notify::EventKind::Access(_)) {
                return;
            }
            use notify::event::ModifyKind;
            let in_place = matches!(
                event.kind,
                notify::EventKind::Modify(
                    ModifyKind::Data(_) | ModifyKind::Metadata(_) | ModifyKind::Any
                )
            ) && !event.need_rescan();
            for path in &event.paths {
                let k = watch::classify(roots, path);
                kind = kind.max(k);
                if k == ChangeKind::Vault {
                    match (&mut modified, in_place) {
                        (Some(list), true) => list.push(path.clone()),
                        _ => modified = None,
                    }
                }
            }
        };
        let mut laps = crate::timing::Laps::new("watch");
        note(first);
        while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
            note(more);
        }
        laps.mark("quiet");
        if kind == ChangeKind::Ignored {
            continue;
        }
        if kind == ChangeKind::Config {
            match reload_config() {
                Ok(config) => session.config = for_preview(config),
                Err(e) => {
                    log(&format!("error: {e}"));
                    shared.publish_error(e.to_string());
                    failed = true;
                    continue;
                }
            }
        }
        if let Some(list) = &mut modified {
            list.sort();
            list.dedup();
        }
        let rebuilt = session.rebuild_changed(kind >= ChangeKind::Theme, modified.as_deref());
        laps.mark("rebuild");
        match rebuilt {
            Ok(r) => {
                // The pages reload first; the log can wait.
                if r.changed > 0 || failed {
                    shared.publish(session.snapshot(), None);
                }
                laps.mark("published");
                print_problems(
                    log,
                    r.diagnostics
                        .iter()
                        .filter(|d| seen.binary_search(d).is_err()),
                );
                let warnings = crate::build::count_problems(&r.diagnostics);
                log(&format!(
                    "rebuilt in {} ms: {} of {} note pages{}, {} other pages, {} files changed, {} warning{}{}",
                    r.elapsed.as_millis(),
                    r.note_pages,
                    r.notes,
                    if r.full { " (full)" } else { "" },
                    r.other_pages,
                    r.changed,
                    warnings,
                    if warnings == 1 { "" } else { "s" },
                    if r.changed > 0 || failed {
                        "; reloading"
                    } else {
                        ""
                    }
                ));
                seen = r.diagnostics;
                failed = false;
            }
            Err(e) => {
                log(&format!("error: {e}"));
                shared.publish_error(e.to_string());
                failed = true;
            }
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Why serving stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {0}: {1}")]
    Bind(std::net::SocketAddr, std::io::Error),
    #[error("cannot watch the vault: {0}")]
    Watch(notify::Error),
    #[error("{0}")]
    Io(std::io::Error),
}

/// A page's bytes the same as before: the same kept bytes, or equal ones made again.
fn same_bytes(old: &Arc<[u8]>, new: &Arc<[u8]>) -> bool {
    Arc::ptr_eq(old, new) || old[..] == new[..]
}
