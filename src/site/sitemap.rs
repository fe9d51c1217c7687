//! `sitemap.xml`, written when the config sets `base_url`.

use crate::render::html::escape;

/// Every HTML page except the 404 (`paths`: site paths), as absolute URLs under `base`.
pub fn sitemap(base: &str, paths: &[String]) -> String {
    let base = base.trim_end_matches('/');
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in paths.iter().filter(|p| *p != "404.html") {
        let path: Vec<String> = page.split('/').map(crate::render::urls::encode).collect();
        xml.push_str(&format!(
            "  <url><loc>{}/{}</loc></url>\n",
            escape(base),
            escape(&path.join("/"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}
