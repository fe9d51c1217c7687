//! A crawler over a built site: every `href` and `src` of every HTML page must name a file of the
//! site (relative, with its extension) and, with a `#fragment`, an `id` on that page.

use super::harness::Site;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn attr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\s(href|src|data)=("[^"]*"|'[^']*'|[^\s"'=<>`]+)"#).unwrap()
    })
}

fn id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)\s(?:id|name)=("[^"]*"|'[^']*'|[^\s"'=<>`]+)"#).unwrap())
}

fn unquote(v: &str) -> String {
    let v = v.trim_matches('"').trim_matches('\'');
    v.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Joins a relative URL onto the folder of `from` (both site-relative with `/`).
fn join(from: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Every broken reference as `page: url (why)`.
pub fn broken_links(site: &Site) -> Vec<String> {
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in &site.files {
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(bytes);
            ids.insert(
                path,
                id_re()
                    .captures_iter(&text)
                    .map(|c| unquote(&c[1]))
                    .collect(),
            );
        }
    }
    let mut broken = Vec::new();
    for (path, bytes) in &site.files {
        if !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for cap in attr_re().captures_iter(&text) {
            let url = unquote(&cap[2]);
            let lower = url.to_ascii_lowercase();
            if ["http:", "https:", "mailto:", "data:", "tel:"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            if lower.starts_with("javascript:") {
                broken.push(format!("{path}: {url} (javascript: URL)"));
                continue;
            }
            if url.starts_with('/') {
                broken.push(format!(
                    "{path}: {url} (absolute URL: breaks under a sub-path and file://)"
                ));
                continue;
            }
            let (file_part, fragment) = match url.split_once('#') {
                Some((f, frag)) => (f, Some(percent_decode(frag))),
                None => (url.as_str(), None),
            };
            let file_part = file_part.split('?').next().unwrap_or("");
            let target = if file_part.is_empty() {
                path.clone()
            } else {
                match join(path, &percent_decode(file_part)) {
                    Some(t) => t,
                    None => {
                        broken.push(format!("{path}: {url} (leaves the site)"));
                        continue;
                    }
                }
            };
            if !site.files.contains_key(&target) {
                broken.push(format!("{path}: {url} (no file {target})"));
                continue;
            }
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                if target.ends_with(".html")
                    && !ids.get(target.as_str()).is_some_and(|s| s.contains(&frag))
                {
                    broken.push(format!("{path}: {url} (no id {frag:?} in {target})"));
                }
            }
        }
    }
    broken
}
