//! The search index file: the search documents as a script that sets `window.dossierSearchDocs`, so the
//! theme can load it lazily with a `<script>` element, which works from `file://` where `fetch` of a
//! JSON file does not. The theme's `search.js` indexes it with MiniSearch on first use.

use crate::render::search::SearchDoc;

/// Where the index is written in the site.
pub const INDEX_PATH: &str = "static/search-index.js";

/// The index script. JSON escapes `<` so that no `</script>` can appear even if the file is inlined.
pub fn index_script(docs: &[SearchDoc]) -> Vec<u8> {
    let json = serde_json::to_string(docs).unwrap_or_else(|_| "[]".into());
    let json = json
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!("window.dossierSearchDocs={json};\n").into_bytes()
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
}
