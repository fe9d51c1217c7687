//! HTTP for `dossier serve` (axum): files from the latest snapshot with their content types, the
//! live-reload script injected into HTML (only here, never into `build` output), and a server-sent
//! events stream that tells pages to reload or to show a build error.

use super::Snapshot;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// Where the live-reload script and the event stream live; no vault path can start with `__dossier`.
pub const LIVE_JS: &str = "/__dossier/live.js";
pub const EVENTS: &str = "/__dossier/events";

/// Shows a build error over the page, reloads when a build succeeds.
const LIVE_SCRIPT: &str = r#"(function () {
  "use strict";
  var source = new EventSource("/__dossier/events");
  function overlay(message) {
    var box = document.getElementById("dossier-error-overlay");
    if (!message) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "dossier-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(24,4,4,.92);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem;white-space:pre-wrap;overflow:auto";
      document.body.appendChild(box);
    }
    box.textContent = "dossier: the last build failed; showing the previous site.\n\n" + message;
  }
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("error-message", function (e) { overlay(e.data); });
  source.addEventListener("ok", function () { overlay(null); });
})();
"#;

/// What the rebuild thread tells the pages.
#[derive(Debug, Clone)]
enum Signal {
    Reload,
    Error(String),
}

/// State shared by the rebuild thread and the HTTP handlers.
#[derive(Clone)]
pub struct Shared {
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    tx: broadcast::Sender<Signal>,
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

impl Shared {
    pub fn new() -> Shared {
        let (tx, _) = broadcast::channel(16);
        Shared {
            snapshot: Arc::new(RwLock::new(Arc::new(Snapshot::default()))),
            tx,
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Puts `snapshot` in place; returns the one it replaces, for the caller to drop once the pages
    /// are told (freeing a large site takes milliseconds).
    fn set(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let mut slot = self.snapshot.write().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *slot, Arc::new(snapshot))
    }

    /// A new site: pages reload.
    pub fn publish(&self, mut snapshot: Snapshot, error: Option<String>) {
        snapshot.error = error.clone();
        let old = self.set(snapshot);
        let _ = self.tx.send(match error {
            Some(e) => Signal::Error(e),
            None => Signal::Reload,
        });
        drop(old);
    }

    /// A failed build: the last good site stays, pages show the error.
    pub fn publish_error(&self, message: String) {
        let mut snapshot = (*self.current()).clone();
        snapshot.error = Some(message.clone());
        let old = self.set(snapshot);
        let _ = self.tx.send(Signal::Error(message));
        drop(old);
    }
}

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route(LIVE_JS, get(live_js))
        .route(EVENTS, get(events))
        .fallback(get(file))
        .with_state(shared)
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_SCRIPT,
    )
        .into_response()
}

async fn events(
    State(shared): State<Shared>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio_stream::StreamExt;
    // Every event carries data: browsers do not dispatch an event whose data is empty.
    let current = shared.current().error.clone();
    let first = tokio_stream::iter(vec![Ok(match current {
        Some(e) => Event::default().event("error-message").data(e),
        None => Event::default().event("ok").data("ok"),
    })]);
    let rx = tokio_stream::wrappers::BroadcastStream::new(shared.tx.subscribe());
    let updates = rx.filter_map(|signal| match signal {
        Ok(Signal::Reload) => Some(Ok(Event::default().event("reload").data("reload"))),
        Ok(Signal::Error(e)) => Some(Ok(Event::default().event("error-message").data(e))),
        Err(_) => None,
    });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

/// The site path a request asks for: percent-decoded, `index.html` for folders, never above the root.
pub fn site_path(uri_path: &str) -> Option<String> {
    // Not valid UTF-8 once decoded: no file of the site has that name.
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// HTML with the live-reload script before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_JS}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn respond(status: StatusCode, path: &str, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let body = if is_html { inject(&bytes) } else { bytes };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn file(State(shared): State<Shared>, uri: Uri) -> Response {
    let snapshot = shared.current();
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    if let Some(bytes) = snapshot.files.get(path.as_str()) {
        return respond(StatusCode::OK, &path, bytes.to_vec());
    }
    if let Some(from) = snapshot.copies.get(&path) {
        if let Ok(bytes) = tokio::fs::read(from).await {
            return respond(StatusCode::OK, &path, bytes);
        }
    }
    match snapshot.files.get("404.html") {
        Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes.to_vec()),
        None => respond(
            StatusCode::NOT_FOUND,
            "404.html",
            b"<!DOCTYPE html><title>Not found</title><body><p>Not found.</p></body>".to_vec(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/crm/").as_deref(), Some("crm/index.html"));
        assert_eq!(site_path("/a%20b/c.html").as_deref(), Some("a b/c.html"));
        assert_eq!(site_path("/../etc/passwd"), None);
        assert_eq!(site_path("/%2e%2e/x"), None);
        assert_eq!(site_path("/%ff.html"), None);
        assert_eq!(site_path("/100%.html").as_deref(), Some("100%.html"));
    }

    #[test]
    fn script_goes_before_the_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__dossier/live.js\"></script></body></html>"
        );
    }
}
