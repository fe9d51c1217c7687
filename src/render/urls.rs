//! URLs: the only place links between output files are made. Every URL is relative (`../a/b.html`), so
//! the site works under any sub-path and from `file://`.

/// The relative URL from the page at `from` to the file at `to` (both site paths with `/`), with an
/// optional fragment. Path segments and the fragment are percent-encoded where needed.
pub fn relative(from: &str, to: &str, fragment: Option<&str>) -> String {
    // Built in one string, without a list of segments, the folders the two paths share found in one
    // pass over their bytes: this runs for every link of every page (a million times for the
    // 10,000-note vault), on paths of a few dozen bytes, where a search for each `/` cost more to set
    // up than to run.
    let (ups, rest) = match memchr::memrchr(b'/', from.as_bytes()) {
        None => (0, Some(to)),
        Some(end) => climb(&from.as_bytes()[..end], to),
    };
    let rest_len = rest.map_or(0, str::len);
    let mut url = String::with_capacity(3 * ups + rest_len + fragment.map_or(0, |f| f.len() + 1));
    for _ in 0..ups {
        url.push_str("../");
    }
    match rest {
        Some(rest) if kept_path(rest) => url.push_str(rest),
        Some(rest) => {
            for (n, part) in rest.split('/').enumerate() {
                if n > 0 {
                    url.push('/');
                }
                encode_into(part, &mut url);
            }
        }
        None => {}
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

/// From the folder `dirs` (a page's folders, `/`-separated) to the path `to`: how many folders up
/// past the segments the two share, and what of `to` follows those (`None` when `to` is shared
/// whole).
fn climb<'t>(dirs: &[u8], to: &'t str) -> (usize, Option<&'t str>) {
    let t = to.as_bytes();
    let folders = |from: usize| dirs[from..].iter().filter(|&&b| b == b'/').count();
    // Both hold the same bytes before `at`; `segment` is where the segment holding `at` starts.
    let (mut at, mut segment) = (0, 0);
    loop {
        while at < dirs.len() && at < t.len() && dirs[at] == t[at] && dirs[at] != b'/' {
            at += 1;
        }
        let dirs_ended = at == dirs.len() || dirs[at] == b'/';
        let to_ended = at == t.len() || t[at] == b'/';
        if !(dirs_ended && to_ended) {
            // A segment differs: up from it and every folder after it.
            return (folders(segment) + 1, Some(&to[segment..]));
        }
        if at == t.len() {
            return (folders(at), None);
        }
        if at == dirs.len() {
            return (0, Some(&to[at + 1..]));
        }
        at += 1;
        segment = at;
    }
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

/// The bytes [`ENCODED`] keeps, as a table: most names need no encoding and are copied whole.
const KEPT: [bool; 256] = {
    let mut kept = [false; 256];
    let mut b = 0;
    while b < 128 {
        kept[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let marks = b"-._~!$&()*+,;=:@";
    let mut i = 0;
    while i < marks.len() {
        kept[marks[i] as usize] = true;
        i += 1;
    }
    kept
};

/// Whether `path` is written in a URL as it is: every byte one [`KEPT`] or `/`. Without a table and
/// without stopping early, so that the compiler checks many bytes at once (most paths are kept whole,
/// and this runs for every link of every page).
fn kept_path(path: &str) -> bool {
    path.bytes().fold(true, |kept, b| {
        kept & matches!(b, b'('..=b';' | b'@'..=b'Z' | b'a'..=b'z' | b'!' | b'$' | b'&' | b'=' | b'_' | b'~')
    })
}

/// [`encode`] appended to `out` (runs of kept bytes copied whole).
pub fn encode_into(s: &str, out: &mut String) {
    if s.bytes().all(|b| KEPT[usize::from(b)]) {
        out.push_str(s);
    } else {
        out.extend(percent_encoding::utf8_percent_encode(s, ENCODED));
    }
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

    /// `relative` as it was written before it compared bytes: segments split, zipped and counted.
    fn relative_by_segments(from: &str, to: &str, fragment: Option<&str>) -> String {
        let from_dirs = from.rsplit_once('/').map(|(dirs, _)| dirs);
        let depth = from_dirs.map_or(0, |d| d.split('/').count());
        let common = from_dirs.map_or(0, |d| {
            d.split('/')
                .zip(to.split('/'))
                .take_while(|(a, b)| a == b)
                .count()
        });
        let mut url = "../".repeat(depth - common);
        for (n, part) in to.split('/').skip(common).enumerate() {
            if n > 0 {
                url.push('/');
            }
            url.push_str(&encode(part));
        }
        if url.is_empty() {
            url = encode(to.rsplit('/').next().unwrap_or(""));
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(&encode(f));
        }
        url
    }

    #[test]
    fn relative_urls_agree_with_splitting_into_segments() {
        // Every path of up to three segments from these, from every such page to every such file.
        let parts = ["", "a", "ab", "b", "a b", "é", "x.html"];
        let mut paths = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| {
                    parts.iter().map(move |s| match p.is_empty() {
                        true => s.to_string(),
                        false => format!("{p}/{s}"),
                    })
                })
                .collect();
            paths.extend(longer);
        }
        paths.sort();
        paths.dedup();
        for from in &paths {
            for to in &paths {
                assert_eq!(
                    relative(from, to, Some("h")),
                    relative_by_segments(from, to, Some("h")),
                    "from {from:?} to {to:?}"
                );
            }
        }
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
        // A path is kept whole when each of its bytes is kept or a `/`.
        for b in 0..=255u8 {
            let path = [b'a', b, b'/'];
            let kept = b == b'/' || KEPT[usize::from(b)];
            match std::str::from_utf8(&path) {
                Ok(path) => assert_eq!(kept_path(path), kept, "{b:#x}"),
                Err(_) => assert!(!kept, "{b:#x}"),
            }
        }
        assert!(!kept_path("caf\u{e9}/x"));
    }
}
