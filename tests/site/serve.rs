//! `dossier serve` in a real browser: an edit on disk shows in the open page; a broken theme shows an
//! error over the page and the server recovers on the next good save.

use super::browser::Browser;
use super::harness::{copy_tree, fixture};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Option<String> {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn an_edit_on_disk_reloads_the_open_page_and_errors_show_over_it() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("crm/brief/vault"), &dir.path().join("vault"));
    std::fs::create_dir_all(dir.path().join("theme/templates")).unwrap();
    let config = dir.path().join("dossier.toml");
    std::fs::write(
        &config,
        "vault = \"vault\"\nout = \"public\"\ntheme = \"theme\"\ntoday = \"2026-11-20\"\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["serve", "--port", &port.to_string(), "--config"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while !get(port, "/").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Served with the live-reload script; `build` output never has it.
    let page = get(port, "/customers/acme-corp.html").unwrap();
    assert!(page.contains("text/html; charset=utf-8") && page.contains("/__dossier/live.js"));
    browser.open(&format!("http://127.0.0.1:{port}/customers/acme-corp.html"));
    browser.wait_for(
        "return document.body.textContent.indexOf('Budget freeze') >= 0",
        "the page",
    );
    let body =
        |s: &str| format!("return document.body && document.body.textContent.indexOf('{s}') >= 0");

    // Edit the note on disk: the open page reloads with the new text.
    let note = dir.path().join("vault/Customers/Acme Corp.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(
        &note,
        text.replace("Budget freeze until Q1", "Budget approved LIVE-EDIT-7"),
    )
    .unwrap();
    browser.wait_for(&body("LIVE-EDIT-7"), "the edit to show");

    // A broken template: the build fails, the page shows the error, the old site stays served.
    let template = dir.path().join("theme/templates/note.html");
    std::fs::write(&template, "{% if %}broken").unwrap();
    let overlay = browser.wait_for(
        "var o = document.getElementById('dossier-error-overlay'); return o ? o.textContent : null",
        "the error overlay",
    );
    assert!(overlay.as_str().unwrap().contains("note.html"), "{overlay}");
    assert!(get(port, "/customers/acme-corp.html")
        .unwrap()
        .contains("LIVE-EDIT-7"));

    // The next good save recovers.
    std::fs::remove_file(&template).unwrap();
    browser.wait_for(
        "return !document.getElementById('dossier-error-overlay') && document.body.textContent.indexOf('LIVE-EDIT-7') >= 0",
        "recovery",
    );
}

/// Edits to the example vault, applied one after another: (file, text replaced, replacement, whether
/// the rebuild may render only part of the site).
const EDITS: [(&str, &str, &str, bool); 11] = [
    (
        "Meetings/2026-11-12 - Halcyon QBR.md",
        "usage up 38%",
        "usage up 41%",
        true,
    ),
    (
        "Meetings/2026-11-12 - Halcyon QBR.md",
        "- [ ] Send the 2U",
        "- [x] Send the 2U",
        true,
    ),
    ("People/Elena Voss.md", "role: CTO", "role: CEO", true),
    (
        "Customers/Halcyon Robotics.md",
        "status: active",
        "status: at-risk",
        true,
    ),
    (
        "Projects/Northwind Tiering Roadmap.md",
        "## Edge appliance",
        "## Edge box",
        true,
    ),
    (
        "Meetings/2026-11-12 - Halcyon QBR.md",
        "Quarterly review:",
        "Quarterly review with [[Dana Okafor]]:",
        true,
    ),
    (
        "People/Elena Voss.md",
        "Executive sponsor",
        "Executive sponsor #renewal",
        true,
    ),
    // A new task on an account: its brief, topics and the accounts index, not the pages linking it.
    (
        "Customers/Halcyon Robotics.md",
        "- [ ] Send the 2U",
        "- [ ] Book the edge lab [due:: 2026-11-01]\n- [ ] Send the 2U",
        true,
    ),
    // Prose typed at the end of a meeting: the CRM view is kept.
    (
        "Meetings/2026-11-12 - Halcyon QBR.md",
        "usage up 41%",
        "usage up 41%\n\nTyped during the call.",
        true,
    ),
    // A new title: the folder, tag and home lists show it.
    (
        "People/Elena Voss.md",
        "role: CEO",
        "role: CEO\ntitle: Elena Voss (CEO)",
        true,
    ),
    (
        "Meetings/2026-11-12 - Halcyon QBR.md",
        "date: 2026-11-12",
        "date: 2025-01-01",
        false,
    ),
];

/// A serving session on a copy of the example vault in `dir`, built once, and its settings.
fn example_session(dir: &Path) -> (dossier::serve::Session, dossier::config::Config) {
    let vault = dir.join("vault");
    copy_tree(&super::harness::repo().join("content"), &vault);
    let mut config = super::harness::example_config();
    config.vault = vault;
    config.out = dir.join("public");
    let mut session = dossier::serve::Session::new(config.clone());
    session.rebuild(true).unwrap();
    (session, config)
}

/// After every edit, the site a serving session holds after its incremental rebuild is byte for byte
/// the site a new session builds from scratch: what `rebuild::affected` leaves out could not change.
#[test]
fn incremental_rebuilds_match_full_builds() {
    let dir = tempfile::tempdir().unwrap();
    let (mut session, config) = example_session(dir.path());
    let vault = config.vault.clone();
    for (file, from, to, partial) in EDITS {
        let path = vault.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        // Told which file was written, as the watcher tells it: the vault is not walked again.
        let written = [path.canonicalize().unwrap()];
        let r = session.rebuild_changed(false, Some(&written)).unwrap();
        assert_eq!(!r.full, partial, "{file}: {to:?}: full = {}", r.full);
        if partial {
            assert!(r.note_pages < r.notes, "{file}: {to:?} rendered every note");
        }
        let mut fresh = dossier::serve::Session::new(config.clone());
        fresh.rebuild(true).unwrap();
        let (got, want) = (session.snapshot().files, fresh.snapshot().files);
        let differ: Vec<&std::sync::Arc<str>> = want
            .iter()
            .filter(|(p, b)| got.get(*p) != Some(*b))
            .map(|(p, _)| p)
            .chain(got.keys().filter(|p| !want.contains_key(*p)))
            .collect();
        assert!(differ.is_empty(), "after {file}: {to:?}, stale: {differ:?}");
    }
}

/// A rebuild that fails (here the vault folder is gone) leaves the served site as it was; the next one
/// renders every page, since the notes the failed one read again no longer count as changed, and it
/// matches a fresh build.
#[test]
fn the_rebuild_after_a_failed_one_renders_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (mut session, config) = example_session(dir.path());
    let vault = config.vault.clone();
    let before = session.snapshot().files;
    let aside = dir.path().join("aside");
    std::fs::rename(&vault, &aside).unwrap();
    assert!(session.rebuild(false).is_err(), "a missing vault fails");
    assert_eq!(
        session.snapshot().files,
        before,
        "the last good site is kept"
    );
    std::fs::rename(&aside, &vault).unwrap();
    let path = vault.join("Meetings/2026-11-12 - Halcyon QBR.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("usage up 38%", "usage up 41%", 1)).unwrap();
    let written = [path.canonicalize().unwrap()];
    let r = session.rebuild_changed(false, Some(&written)).unwrap();
    assert!(r.full, "the rebuild after a failure renders every page");
    let mut fresh = dossier::serve::Session::new(config);
    fresh.rebuild(true).unwrap();
    assert!(session.snapshot().files == fresh.snapshot().files);
}

/// Creating or deleting a note renders every page again, and a changed template too; pages whose
/// context did not change keep their bytes without being templated again, so each result must still
/// be what a new session builds.
#[test]
fn new_and_deleted_notes_and_a_changed_template_match_full_builds() {
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("theme/templates");
    std::fs::create_dir_all(&theme).unwrap();
    let note_template = super::harness::repo().join("themes/default/templates/note.html");
    std::fs::copy(&note_template, theme.join("note.html")).unwrap();
    let vault = dir.path().join("vault");
    copy_tree(&super::harness::repo().join("content"), &vault);
    let mut config = super::harness::example_config();
    config.vault = vault.clone();
    config.out = dir.path().join("public");
    config.theme = Some(dir.path().join("theme"));
    let mut session = dossier::serve::Session::new(config.clone());
    session.rebuild(true).unwrap();
    let matches_fresh = |session: &dossier::serve::Session, what: &str| {
        let mut fresh = dossier::serve::Session::new(config.clone());
        fresh.rebuild(true).unwrap();
        let (got, want) = (session.snapshot().files, fresh.snapshot().files);
        let differ: Vec<_> = want
            .iter()
            .filter(|(p, b)| got.get(*p) != Some(*b))
            .map(|(p, _)| p.clone())
            .chain(got.keys().filter(|p| !want.contains_key(*p)).cloned())
            .collect();
        assert!(differ.is_empty(), "after {what}, stale: {differ:?}");
    };

    let created = vault.join("Meetings/2026-11-25 - Halcyon follow-up.md");
    std::fs::write(
        &created,
        "---\ntype: meeting\ncustomer: \"[[Halcyon]]\"\n---\nFollow-up with [[Halcyon]] zqnew1.\n",
    )
    .unwrap();
    let written = [created.canonicalize().unwrap()];
    let r = session.rebuild_changed(false, Some(&written)).unwrap();
    assert!(r.full, "a new note renders every page");
    matches_fresh(&session, "a new note");

    std::fs::remove_file(&created).unwrap();
    session.rebuild(false).unwrap();
    matches_fresh(&session, "the note deleted");

    let text = std::fs::read_to_string(theme.join("note.html")).unwrap();
    let marked = text.replacen("</article>", "<p>zqtheme2</p></article>", 1);
    assert_ne!(marked, text);
    std::fs::write(theme.join("note.html"), marked).unwrap();
    session.rebuild(true).unwrap();
    matches_fresh(&session, "a template changed");
    let files = session.snapshot().files;
    let page = files
        .iter()
        .find(|(p, _)| p.starts_with("customers/"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(page.contains("zqtheme2"));
}
