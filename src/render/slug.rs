//! Slugs: the output name of a vault path segment (`Acme Corp` → `acme-corp`).

/// Lower-cased, letters and digits of any script kept, every other run of characters as one `-`,
/// no leading or trailing `-`; `untitled` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("untitled");
    }
    out
}

/// The slug of a vault path: each folder slugged, the file name slugged without its extension.
/// `Customers/Acme Corp.md` → `customers/acme-corp`; the caller adds the extension.
pub fn path_slug(path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let stem = if last {
            seg.rsplit_once('.')
                .map_or(*seg, |(s, _)| if s.is_empty() { seg } else { s })
        } else {
            seg
        };
        parts.push(slug(stem));
    }
    parts.join("/")
}

/// The lower-cased extension of a file name (`Photo.PNG` → `png`), if any.
pub fn extension(path: &str) -> Option<String> {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.rsplit_once('.')
        .filter(|(s, e)| !s.is_empty() && !e.is_empty())
        .map(|(_, e)| slug(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Acme Corp"), "acme-corp");
        assert_eq!(
            slug("2025-10-29 - Jason's cloud-first vision (VAST)"),
            "2025-10-29-jason-s-cloud-first-vision-vast"
        );
        assert_eq!(slug("Café Olé"), "café-olé");
        assert_eq!(slug("???"), "untitled");
        assert_eq!(slug("R&D #1"), "r-d-1");
        assert_eq!(path_slug("Customers/Acme Corp.md"), "customers/acme-corp");
        assert_eq!(
            path_slug("Attachments/Arch Diagram.PNG"),
            "attachments/arch-diagram"
        );
        assert_eq!(path_slug(".hidden"), "hidden");
        assert_eq!(extension("a/Photo.PNG").as_deref(), Some("png"));
        assert_eq!(extension("README"), None);
    }
}
