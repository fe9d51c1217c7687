//! URLs: the only place links between output files are made. Every URL is relative (`../a/b.html`), so
//! the site works under any sub-path and from `file://`.

/// The relative URL from the page at `from` to the file at `to` (both site paths with `/`), with an
/// optional fragment. Path segments and the fragment are percent-encoded where needed.
pub fn relative(from: &str, to: &str, fragment: Option<&str>) -> String {
    // Built in one string, without a list of segments: this runs for every link of every page.
    let from_dirs = from.rsplit_once('/').map(|(dirs, _)| dirs);
    let depth = from_dirs.map_or(0, |d| d.split('/').count());
    let common = from_dirs.map_or(0, |d| {
        d.split('/')
            .zip(to.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
    });
    let mut url = String::with_capacity(3 * (depth - common) + to.len() + 8);
    for _ in common..depth {
        url.push_str("../");
    }
    for (n, part) in to.split('/').skip(common).enumerate() {
        if n > 0 {
            url.push('/');
        }
        encode_into(part, &mut url);
    }
    if url.is_empty() {
        encode_into(to.rsplit('/').next().unwrap_or(""), &mut url);
    }
    if let Some(f) = fragment {
        url.push('#');
        encode_into(f, &mut url);
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
/// non-ASCII and controls); letters, digits and `-._~!$&()*+,;=:@` stay.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(s, &mut out);
    out
}

/// The bytes [`encode`] writes as `%XX`: every one but letters, digits and `-._~!$&()*+,;=:@` (bytes of
/// non-ASCII characters too).
const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// [`encode`] appended to `out` (runs of kept bytes copied whole).
pub fn encode_into(s: &str, out: &mut String) {
    out.extend(percent_encoding::utf8_percent_encode(s, ENCODED));
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

    #[test]
    fn edge_paths_and_every_byte_encode_as_before() {
        // The folder named like the file linked to; a link to a folder's own index; trailing slash.
        assert_eq!(relative("a/x.html", "a", None), "a");
        assert_eq!(
            relative("a/b/x.html", "a/index.html", None),
            "../index.html"
        );
        assert_eq!(relative("a/x.html", "a/", None), "");
        assert_eq!(relative("x.html", "", Some("h")), "#h");
        // Every byte: kept as is or written as %XX, multi-byte characters byte by byte.
        let all: String = (0..128u8).map(char::from).chain("é状😀".chars()).collect();
        let expected: String = all
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert_eq!(encode(&all), expected);
        assert_eq!(encode("ééa"), "%C3%A9%C3%A9a");
    }
}
