//! `sanitize = true`: author-written HTML loses scripts, handlers and script URLs, and everything
//! dossier itself writes into a body survives. Pages are parsed (scraper, html5ever) and only the
//! rendered note HTML is looked at: the theme's own `<script src>` tags are trusted chrome.

use super::harness::{build_with, case_config, example_config, fixture, Site};
use dossier::config::Config;
use scraper::{Html, Node, Selector};

/// Where note HTML lands: a note page's body and a brief's sections (`.markdown-rendered`), and a
/// brief's open tasks.
const NOTE_HTML: &str = ".markdown-rendered, .brief-tasks";

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e:?}"))
}

/// The pages holding note HTML (note pages and briefs), by output path.
fn note_pages(site: &Site) -> Vec<(String, Html)> {
    let sel = selector(NOTE_HTML);
    site.files
        .keys()
        .filter(|k| k.ends_with(".html"))
        .map(|k| (k.clone(), Html::parse_document(&site.html(k))))
        .filter(|(_, doc)| doc.select(&sel).next().is_some())
        .collect()
}

/// The note HTML of a page, serialised back (as the browser parsed it).
fn note_html(doc: &Html) -> String {
    doc.select(&selector(NOTE_HTML))
        .map(|e| e.inner_html())
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many elements of the page's note HTML match `css`.
fn count(doc: &Html, css: &str) -> usize {
    let inner = selector(css);
    doc.select(&selector(NOTE_HTML))
        .map(|region| region.select(&inner).count())
        .sum()
}

fn sanitized(mut config: Config) -> Config {
    config.sanitize = true;
    config
}

/// What unsafe markup the note HTML of a page holds, as `selector: count` for the selectors found.
fn unsafe_markup(doc: &Html) -> Vec<String> {
    [
        "script",
        "style",
        "iframe",
        "embed",
        "object[data]",
        "[onerror]",
        "[onclick]",
        "[onmouseover]",
        "a[href^='javascript:']",
        "a[href*='script:']",
    ]
    .iter()
    .filter_map(|css| match count(doc, css) {
        0 => None,
        n => Some(format!("{css}: {n}")),
    })
    .collect()
}

#[test]
fn unsafe_html_is_removed_only_when_asked() {
    let case = fixture("sanitize/unsafe");
    let raw = build_with(case_config(&case));
    let clean = build_with(sanitized(case_config(&case)));

    // Off (the default), raw HTML passes through as Obsidian renders it: the test below is not vacuous.
    let page = Html::parse_document(&raw.html("unsafe.html"));
    let found = unsafe_markup(&page);
    for expected in [
        "script: 1",
        "style: 1",
        "iframe: 1",
        "[onerror]: 2",
        "[onclick]: 1",
        "a[href^='javascript:']: 2",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:?}"
        );
    }
    let brief = Html::parse_document(&raw.find("crm/accounts/acme.html"));
    assert!(
        !unsafe_markup(&brief).is_empty(),
        "the brief's raw HTML did not pass"
    );

    // On: nothing of it is left in any page's note HTML, embeds and briefs included.
    let pages = note_pages(&clean);
    assert!(
        pages.iter().any(|(p, _)| p == "unsafe.html"),
        "{:?}",
        clean.files.keys()
    );
    assert!(pages.iter().any(|(p, _)| p.starts_with("crm/accounts/")));
    for (path, doc) in &pages {
        assert_eq!(unsafe_markup(doc), Vec::<String>::new(), "in {path}");
        let html = note_html(doc).to_lowercase();
        for needle in [
            "alert(",
            "onerror",
            "onclick",
            "javascript:",
            "vbscript:",
            "<script",
            "<iframe",
            "<style",
            "<embed",
        ] {
            assert!(!html.contains(needle), "{needle:?} left in {path}:\n{html}");
        }
    }

    // Nor anywhere else in those pages (the theme's own `<script src>` tags aside).
    for path in ["unsafe.html", "safe.html", "crm/accounts/acme.html"] {
        let page = clean.html(path).to_lowercase();
        for needle in ["alert(", "onerror", "javascript:", "<iframe"] {
            assert!(!page.contains(needle), "{needle:?} left in {path}");
        }
    }

    // What is safe stays: the split block keeps its class and its markdown, links and the embed stay.
    let page = Html::parse_document(&clean.html("unsafe.html"));
    assert_eq!(count(&page, "div.box > p > em"), 1, "{}", note_html(&page));
    assert_eq!(count(&page, "a.internal-link[href='safe.html']"), 2);
    assert_eq!(count(&page, ".markdown-embed img[src=y]"), 1);
    assert_eq!(count(&page, "img[src=x]"), 1);
    assert_eq!(
        count(&page, "object"),
        1,
        "the fallback content's element stays"
    );
    assert!(note_html(&page).contains("fallback"));
    let brief = Html::parse_document(&clean.find("crm/accounts/acme.html"));
    assert_eq!(count(&brief, ".brief-tasks a"), 1, "{}", note_html(&brief));
    assert_eq!(count(&brief, "b"), 1);

    // The theme's own scripts are untouched.
    assert!(clean.html("unsafe.html").contains("static/search.js"));
}

/// Every element (name and sorted attributes) and every text of a page's note HTML, in document
/// order: equal lists mean the browser builds the same tree.
///
/// Empty `<p>`s without attributes are left out. A note embed in a paragraph is written as
/// `<p><div class="internal-embed">…</div></p>`, which HTML parsing turns into `<p></p><div>…</div><p></p>`;
/// the sanitiser's parser makes those empty paragraphs explicit, while the minifier drops the stray
/// `</p>` of the unsanitised page. Neither is content.
fn tree(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for region in doc.select(&selector(NOTE_HTML)) {
        for node in region.descendants() {
            match node.value() {
                Node::Element(e)
                    if e.name() == "p" && e.attrs().next().is_none() && !node.has_children() => {}
                Node::Element(e) => {
                    let mut attrs: Vec<String> =
                        e.attrs().map(|(k, v)| format!("{k}={v:?}")).collect();
                    attrs.sort();
                    out.push(format!("<{} {}>", e.name(), attrs.join(" ")));
                }
                Node::Text(t) => out.push(format!("{:?}", &**t)),
                _ => {}
            }
        }
    }
    out
}

/// The parts the brief names: every link, id, class and the visible text.
fn summary(doc: &Html) -> [Vec<String>; 4] {
    let mut hrefs = Vec::new();
    let mut ids = Vec::new();
    let mut classes = Vec::new();
    let mut text = String::new();
    for region in doc.select(&selector(NOTE_HTML)) {
        for e in region.descendent_elements() {
            let v = e.value();
            hrefs.extend(v.attr("href").map(str::to_string));
            ids.extend(v.id().map(str::to_string));
            classes.extend(v.classes().map(str::to_string));
        }
        text.extend(region.text());
    }
    hrefs.sort();
    ids.sort();
    classes.sort();
    let words = text.split_whitespace().map(str::to_string).collect();
    [hrefs, ids, classes, words]
}

fn assert_same_markup(name: &str, config: Config) {
    let raw = build_with(config.clone());
    let clean = build_with(sanitized(config));
    let raw_pages = note_pages(&raw);
    let clean_pages = note_pages(&clean);
    assert_eq!(
        raw_pages.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        clean_pages.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "{name}: not the same pages"
    );
    assert!(!raw_pages.is_empty(), "{name}: no note pages");
    for ((path, a), (_, b)) in raw_pages.iter().zip(&clean_pages) {
        let (sa, sb) = (summary(a), summary(b));
        for (what, (x, y)) in ["hrefs", "ids", "classes", "text"]
            .iter()
            .zip(sa.iter().zip(&sb))
        {
            assert_eq!(x, y, "{name} {path}: the {what} differ");
        }
        let (ta, tb) = (tree(a), tree(b));
        if let Some(i) = (0..ta.len().max(tb.len())).find(|&i| ta.get(i) != tb.get(i)) {
            panic!(
                "{name} {path}: the trees differ at node {i}:\n  off: {:?}\n  on:  {:?}",
                &ta[i.saturating_sub(2)..(i + 3).min(ta.len())],
                &tb[i.saturating_sub(2)..(i + 3).min(tb.len())],
            );
        }
    }
}

#[test]
fn dossiers_own_markup_survives_in_the_example_vault() {
    assert_same_markup("example", example_config());
}

#[test]
fn dossiers_own_markup_survives_in_the_fixtures() {
    for case in [
        "sanitize/markup",
        "syntax/obsidian",
        "embeds/kinds",
        "links/forms",
        "crm/brief",
    ] {
        assert_same_markup(case, case_config(&fixture(case)));
    }
}

#[test]
fn standalone_briefs_keep_embedded_images_and_absolute_links() {
    // `dossier brief` links absolutely (under base_url, else by file:// URL) and embeds images as
    // `data:` URLs; the sanitiser must keep both.
    for base_url in [Some("https://wiki.example.com/team/"), None] {
        let mut config = case_config(&fixture("crm/brief"));
        config.base_url = base_url.map(str::to_string);
        let raw = dossier::brief::brief(&config, "acme").unwrap().html;
        let clean = dossier::brief::brief(&sanitized(config), "acme")
            .unwrap()
            .html;
        let (raw, clean) = (Html::parse_document(&raw), Html::parse_document(&clean));
        assert_eq!(tree(&raw), tree(&clean), "base_url {base_url:?}");
        assert!(count(&clean, "img[src^='data:image/png;base64,']") > 0);
        let scheme = if base_url.is_some() {
            "https:"
        } else {
            "file:"
        };
        let links = format!("a.internal-link[href^='{scheme}']");
        assert!(
            count(&clean, &links) > 0,
            "no {links}:\n{}",
            note_html(&clean)
        );
    }
}

#[test]
fn the_markup_fixture_has_every_kind_of_markup() {
    // Guards the comparison above: the fixture must really hold what dossier writes.
    let site = build_with(sanitized(case_config(&fixture("sanitize/markup"))));
    let page = Html::parse_document(&site.html("everything.html"));
    for css in [
        "a.internal-link[data-href='Other'][href='other.html']",
        "a.internal-link[href='other.html#details']",
        "a.internal-link[href='other.html#%5Efact']",
        "a.internal-link[href='#links']",
        "a.internal-link[href='media/plan.pdf']",
        "a[href='https://example.com/a?b=1&c=2'][title='Title']",
        "a[href='mailto:a@example.com']",
        "sup.footnote-reference > a[href='#1']",
        ".is-unresolved",
        "a.tag",
        "h2#links",
        "p#\\^para-1",
        "li#\\^task-id[data-task='/']",
        "mark",
        "del",
        "code.language-rust",
        ".math",
        ".footnote-definition",
        "th[style='text-align: center']",
        "input.task-list-item-checkbox[type=checkbox][disabled][checked]",
        "div.callout[data-callout=warning] .callout-title-inner",
        "details.callout[data-callout=tip] > summary.callout-title",
        "div.box[data-kind=note]#box-1 > p > em",
        "details > summary",
        "kbd",
        ".markdown-embed .markdown-embed-content",
        "img.image-embed[src='media/photo.png'][width='300'][height='200']",
        "object[data='media/plan.pdf'][type='application/pdf']",
        "audio[controls][src='media/call.mp3']",
        "video[controls][src='media/demo.mp4']",
        "img[src='https://example.com/x.png']",
        "table.table-view-table .table-view-th",
        "ul.list-view-ul",
        "ul.contains-task-list .task-list-item",
        "table.calendar-month .calendar-dot",
        "pre.dataview-error",
        ".dataview-js-notice",
        ".dataview-inline-query",
        ".inline-field-key",
    ] {
        assert!(
            count(&page, css) > 0,
            "no {css} in the sanitised body:\n{}",
            note_html(&page)
        );
    }
}
