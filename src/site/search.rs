//! The search index file: the search documents as a script that sets `window.dossierSearchDocs`, so the
//! theme can load it lazily with a `<script>` element, which works from `file://` where `fetch` of a
//! JSON file does not. The theme's `search.js` indexes it with MiniSearch on first use.

use crate::render::search::SearchDoc;

/// Where the index is written in the site.
pub const INDEX_PATH: &str = "static/search-index.js";

/// One document as the index script holds it, escaped (`<` too, so that no `</script>` can appear even
/// if the file is inlined); `serve` keeps these to rewrite the script without serialising every
/// document again.
pub fn doc_json(doc: &SearchDoc) -> String {
    let mut json = serde_json::to_string(doc).unwrap_or_else(|_| "null".into());
    // Most documents have none of the three (U+2028 and U+2029 both start with the byte 0xE2).
    // Every document is held until the index is written: without the room the serialiser left
    // (up to as much again), which kept 12 MB more at 10,000 notes.
    if memchr::memchr2(b'<', 0xE2, json.as_bytes()).is_none() {
        json.shrink_to_fit();
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The index script of documents already made by [`doc_json`], in order.
pub fn script(parts: &[String]) -> Vec<u8> {
    pieces(parts).concat()
}

/// The index script as the pieces it is made of, in order: the documents and what goes between them.
fn pieces(parts: &[String]) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(2 * parts.len() + 2);
    pieces.push(b"window.dossierSearchDocs=[".as_slice());
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            pieces.push(b",");
        }
        pieces.push(part.as_bytes());
    }
    pieces.push(b"];\n");
    pieces
}

/// Writes the index of `docs` into `staging` at [`INDEX_PATH`] and returns its size. Each document is
/// dropped as soon as it is serialised, and the script is never put together in memory: `docs`, their
/// JSON and the script were three copies of the index at once, 200 MB at 50,000 notes.
pub fn put_index(
    docs: Vec<SearchDoc>,
    staging: &super::Staging,
) -> Result<usize, super::SiteError> {
    use rayon::prelude::*;
    let parts: Vec<String> = docs.into_par_iter().map(|doc| doc_json(&doc)).collect();
    let pieces = pieces(&parts);
    staging.put_pieces(INDEX_PATH, &pieces)?;
    Ok(pieces.iter().map(|p| p.len()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_cannot_close_a_script_element() {
        let doc = SearchDoc {
            id: 0,
            url: "a.html".into(),
            title: "</script><script>alert(1)</script>".into(),
            kind: "note".into(),
            aliases: String::new(),
            headings: String::new(),
            tags: String::new(),
            meta: String::new(),
            body: "x\u{2028}y".into(),
        };
        let s = String::from_utf8(script(&[doc_json(&doc)])).unwrap();
        assert!(!s.contains("</script"), "{s}");
        assert!(s.starts_with("window.dossierSearchDocs=[{\"id\":0,"));
        assert!(!s.contains('\u{2028}'));
    }

    #[test]
    fn the_script_is_the_documents_as_one_json_array() {
        let doc = |id: usize, title: &str| SearchDoc {
            id,
            url: format!("{id}.html"),
            title: title.into(),
            kind: "note".into(),
            aliases: String::new(),
            headings: String::new(),
            tags: String::new(),
            meta: String::new(),
            body: "a <b> c".into(),
        };
        for docs in [
            vec![],
            vec![doc(0, "One")],
            vec![doc(0, "One"), doc(1, "Two \"2\"")],
        ] {
            let s =
                String::from_utf8(script(&docs.iter().map(doc_json).collect::<Vec<_>>())).unwrap();
            let json = s
                .strip_prefix("window.dossierSearchDocs=")
                .and_then(|s| s.strip_suffix(";\n"))
                .unwrap();
            let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, serde_json::to_value(&docs).unwrap());
        }
    }
}
