//! The search index file: the search documents as a script that sets `window.dossierSearchDocs`, so the
//! theme can load it lazily with a `<script>` element, which works from `file://` where `fetch` of a
//! JSON file does not. The theme's `search.js` indexes it with MiniSearch on first use.

use crate::render::search::SearchDoc;

/// Where the index is written in the site.
pub const INDEX_PATH: &str = "static/search-index.js";

/// The index script. JSON escapes `<` so that no `</script>` can appear even if the file is inlined.
pub fn index_script(docs: &[SearchDoc]) -> Vec<u8> {
    let parts: Vec<String> = docs.iter().map(doc_json).collect();
    script(&parts)
}

/// One document as the index script holds it, escaped; `serve` keeps these to rewrite the script
/// without serialising every document again.
pub fn doc_json(doc: &SearchDoc) -> String {
    let json = serde_json::to_string(doc).unwrap_or_else(|_| "null".into());
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The index script of documents already made by [`doc_json`], in order.
pub fn script(parts: &[String]) -> Vec<u8> {
    const HEAD: &str = "window.dossierSearchDocs=[";
    let size = HEAD.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>() + 3;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(HEAD.as_bytes());
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(b"];\n");
    out
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
        let s = String::from_utf8(index_script(&[doc])).unwrap();
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
            let s = String::from_utf8(index_script(&docs)).unwrap();
            let json = s
                .strip_prefix("window.dossierSearchDocs=")
                .and_then(|s| s.strip_suffix(";\n"))
                .unwrap();
            let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, serde_json::to_value(&docs).unwrap());
        }
    }
}
