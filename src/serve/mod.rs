//! `dossier serve`: the site built in memory, served on loopback, rebuilt when the vault, theme or
//! config changes, and reloaded in open browsers (server-sent events). Not a second pipeline: the same
//! stages run, with parsed notes cached between builds (`vault::NoteCache`) and only the note pages a
//! change can affect rendered again (`rebuild::affected`).
//!
//! 1. [`Session::rebuild`] runs the pipeline and merges the changed files into the in-memory site.
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
use crate::render::{self, Plan};
use crate::{crm, site, vault};
use rebuild::Affected;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The site as served: file bytes by site path, and attachments by site path → vault file.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Arc<[u8]>>,
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
    /// Files whose bytes changed.
    pub changed: usize,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
}

/// A serving session: the settings, the parse cache, the previous Index and the site in memory.
pub struct Session {
    pub config: Config,
    cache: vault::NoteCache,
    prev: Option<(Index, Plan)>,
    site: BTreeMap<String, Arc<[u8]>>,
    copies: HashMap<String, PathBuf>,
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
            copies: HashMap::new(),
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
    /// memory is left as it was.
    pub fn rebuild(&mut self, all: bool) -> Result<Rebuilt, BuildError> {
        let start = Instant::now();
        let config = &self.config;
        let (vault, reread) =
            vault::load_cached(config, &mut self.cache).map_err(|source| BuildError::Vault {
                path: config.vault.clone(),
                source,
            })?;
        let mut diagnostics = vault.diagnostics.clone();
        diagnostics.extend(
            vault
                .notes
                .iter()
                .flat_map(|n| n.diagnostics.iter().cloned()),
        );
        let index = Index::build(vault);
        diagnostics.extend(index.diagnostics.iter().cloned());
        let today = crate::build_date(config);
        let crm = crm::build(&index, config, today);
        diagnostics.extend(crm.diagnostics.iter().cloned());
        let plan = Plan::build(&index, &crm);
        let scope = match (&self.prev, all) {
            (Some((old, old_plan)), false) => {
                rebuild::affected(old, old_plan, &index, &plan, &reread)
            }
            _ => Affected::All,
        };
        let only = match &scope {
            Affected::All => None,
            Affected::Notes(set) => Some(set),
        };
        let rendered = render::render_some(&index, &crm, config, today, only);
        diagnostics.extend(rendered.diagnostics.iter().cloned());
        let files = site::build(rendered, config)?;
        let produced: HashSet<&str> = files.files.iter().map(|(p, _)| p.as_str()).collect();
        let mut changed = 0;
        match scope {
            Affected::All => {
                changed = files.files.len();
                self.site = files
                    .files
                    .iter()
                    .map(|(p, b)| (p.clone(), Arc::from(b.as_slice())))
                    .collect();
            }
            Affected::Notes(_) => {
                // Pages no longer produced (a tag that went away) go; note pages not rendered stay.
                let note_pages: HashSet<&str> = plan.notes.iter().map(String::as_str).collect();
                self.site.retain(|p, _| {
                    produced.contains(p.as_str()) || note_pages.contains(p.as_str())
                });
                for (p, b) in &files.files {
                    if self.site.get(p).map(|old| &old[..]) != Some(b.as_slice()) {
                        self.site.insert(p.clone(), Arc::from(b.as_slice()));
                        changed += 1;
                    }
                }
            }
        }
        self.copies = files
            .copies
            .iter()
            .map(|c| (c.to.clone(), c.from.clone()))
            .collect();
        diagnostics.sort();
        diagnostics.dedup();
        let rebuilt = Rebuilt {
            full: only.is_none(),
            notes_read: reread.len(),
            notes: index.notes.len(),
            note_pages: only.map_or(index.notes.len(), |s| s.len()),
            changed,
            elapsed: start.elapsed(),
            diagnostics,
        };
        self.prev = Some((index, plan));
        Ok(rebuilt)
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
    let mut seen: HashSet<Diagnostic> = HashSet::new();
    match session.rebuild(true) {
        Ok(r) => {
            print_problems(&*log, &r.diagnostics);
            seen = r.diagnostics.iter().cloned().collect();
            log(&format!(
                "built {} notes in {} ms",
                r.notes,
                r.elapsed.as_millis()
            ));
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

fn print_problems(log: &dyn Fn(&str), diagnostics: &[Diagnostic]) {
    for d in diagnostics
        .iter()
        .filter(|d| d.severity >= crate::diagnostics::Severity::Warning)
    {
        log(&d.to_string());
    }
}

fn canonical(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| std::path::absolute(p).unwrap_or(p.to_path_buf()))
}

/// Saves arrive in bursts (an editor writes a temp file, renames it, touches metadata): wait until the
/// vault has been quiet this long before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(60);

fn watch_loop(
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    roots: &watch::Roots,
    session: &mut Session,
    shared: &server::Shared,
    reload_config: &dyn Fn() -> Result<Config, crate::config::ConfigError>,
    log: &dyn Fn(&str),
    mut seen: HashSet<Diagnostic>,
) {
    use watch::ChangeKind;
    let mut failed = false;
    while let Ok(first) = rx.recv() {
        let mut kind = ChangeKind::Ignored;
        let mut note = |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for path in &event.paths {
                    kind = kind.max(watch::classify(roots, path));
                }
            }
        };
        note(first);
        while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
            note(more);
        }
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
        match session.rebuild(kind >= ChangeKind::Theme) {
            Ok(r) => {
                let fresh: Vec<Diagnostic> = r
                    .diagnostics
                    .iter()
                    .filter(|d| !seen.contains(*d))
                    .cloned()
                    .collect();
                print_problems(log, &fresh);
                seen = r.diagnostics.iter().cloned().collect();
                let warnings = crate::build::count_problems(&r.diagnostics);
                log(&format!(
                    "rebuilt in {} ms: {} of {} note pages{}, {} files changed, {} warning{}{}",
                    r.elapsed.as_millis(),
                    r.note_pages,
                    r.notes,
                    if r.full { " (full)" } else { "" },
                    r.changed,
                    warnings,
                    if warnings == 1 { "" } else { "s" },
                    if r.changed > 0 || failed {
                        "; reloading"
                    } else {
                        ""
                    }
                ));
                if r.changed > 0 || failed {
                    shared.publish(session.snapshot(), None);
                }
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
