//! URLs: the only place links between output files are made. Every URL is relative (`../a/b.html`), so
//! the site works under any sub-path and from `file://`.

/// The relative URL from the page at `from` to the file at `to` (both site paths with `/`), with an
/// optional fragment. Path segments and the fragment are percent-encoded where needed.
pub fn relative(from: &str, to: &str, fragment: Option<&str>) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = String::new();
    for _ in common..from_dirs.len() {
        url.push_str("../");
    }
    let rest: Vec<String> = to_parts[common.min(to_parts.len())..]
        .iter()
        .map(|s| encode(s))
        .collect();
    url.push_str(&rest.join("/"));
    if url.is_empty() {
        url = encode(to_parts.last().copied().unwrap_or(""));
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(&encode(f));
    }
    url
}

/// The absolute URL of the site file `to` under `prefix` (a base URL or a `file://` folder URL).
pub fn absolute(prefix: &str, to: &str, fragment: Option<&str>) -> String {
    let mut url = prefix.trim_end_matches('/').to_string();
    for part in to.split('/') {
        url.push('/');
        url.push_str(&encode(part));
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(&encode(f));
    }
    url
}

/// The URL of a fragment on the same page.
pub fn fragment(id: &str) -> String {
    format!("#{}", encode(id))
}

/// Percent-encodes what may not stand in a URL path segment or fragment (space, `#`, `?`, `%`, quotes,
/// non-ASCII and controls); letters, digits and `-._~!$&'()*+,;=:@` stay.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `../../` from the page at `from` back to the site root (`""` for a root page).
pub fn root(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls() {
        assert_eq!(
            relative("customers/acme.html", "people/gordon.html", None),
            "../people/gordon.html"
        );
        assert_eq!(
            relative("index.html", "people/gordon.html", Some("role")),
            "people/gordon.html#role"
        );
        assert_eq!(relative("a/b/c.html", "a/b/d.html", None), "d.html");
        assert_eq!(relative("a/b/c.html", "a/b/c.html", Some("x")), "c.html#x");
        assert_eq!(
            relative("a/b/c.html", "index.html", None),
            "../../index.html"
        );
        assert_eq!(
            relative("x.html", "files/café menu.pdf", None),
            "files/caf%C3%A9%20menu.pdf"
        );
        assert_eq!(fragment("^dec-1"), "#%5Edec-1");
        assert_eq!(root("a/b/c.html"), "../../");
        assert_eq!(root("index.html"), "");
    }
}
