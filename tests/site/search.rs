//! Offline search: the index holds what it should (and nothing private), and in a real browser typing
//! into the search box from a `file://` page finds the expected note.

use super::browser::Browser;
use super::harness::{build_with, example_config, Site};
use std::sync::OnceLock;

fn example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build_with(example_config()))
}

#[test]
fn index_holds_titles_roles_and_text_but_nothing_private() {
    let site = example();
    let index = site.html("static/search-index.js");
    assert!(index.starts_with("window.dossierSearchDocs=["));
    for expected in [
        "\"title\":\"Halcyon Robotics\"",
        "\"aliases\":\"Halcyon · HRX\"",
        "Head of Data Platform",
        "#type/customer",
        "Root cause of checkpoint stalls",
        // A person without a note is searchable by name and role.
        "\"title\":\"Hiro Tanaka\"",
    ] {
        assert!(
            index.contains(expected),
            "{expected} missing from the index"
        );
    }
    for private in [
        "SECRET-PERSONAL-93X",
        "SECRET-UNPUBLISHED-41K",
        "INTERNAL-ONLY-7Q2",
        "\"title\":\"Salary thoughts\"",
        "Pricing Strategy Draft\"",
    ] {
        assert!(
            !index.contains(private),
            "{private} leaked into the search index"
        );
    }
    assert!(site.report.search_entries > 40);
    assert_eq!(site.report.search_bytes, index.len());
}

/// Presses "/" until the search box has the focus. A key pressed before the page's deferred script
/// has run is lost (a navigation by Enter does not wait for the next page; on a loaded CI machine the
/// first page's handler was once not there in time), and a "/" outside the box does nothing.
fn focus_with_slash(browser: &Browser) {
    let focused = "return document.activeElement && document.activeElement.id === 'search-input'";
    for _ in 0..50 {
        browser.keys("/");
        if browser.eval(focused) == serde_json::json!(true) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("timed out waiting for focus on /");
}

#[test]
fn typing_in_the_search_box_finds_the_note() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = example();
    let home = format!("file://{}/index.html", site.out.display());
    browser.open(&home);
    // "/" focuses the box, from anywhere on the page.
    focus_with_slash(&browser);
    browser.keys("checkpoint stall");
    let first = browser.wait_for(
        "var li = document.querySelector('#search-results li[role=option]'); return li && !document.getElementById('search-results').hidden ? li.textContent : null",
        "search results",
    );
    let first = first.as_str().unwrap().to_string();
    assert!(
        first.contains("Halcyon checkpoint stall review"),
        "first result: {first}"
    );
    let marks = browser.eval("return Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent.toLowerCase())");
    assert!(
        marks.as_array().unwrap().iter().any(|m| m == "checkpoint"),
        "{marks}"
    );
    // Arrow down selects the first result; Enter opens it.
    browser.keys("\u{E015}\u{E007}");
    browser.wait_for(
        "return location.href.indexOf('halcyon-checkpoint-stall-review') >= 0",
        "navigation",
    );
    assert!(browser.url().ends_with(".html"), "{}", browser.url());
    // From a page one folder down, a person without a note is found by role.
    focus_with_slash(&browser);
    browser.keys("SRE lead");
    let hit = browser.wait_for(
        "var li = document.querySelector('#search-results li[role=option] a'); return li ? li.textContent + ' ' + li.getAttribute('href') : null",
        "person result",
    );
    let hit = hit.as_str().unwrap().to_string();
    assert!(
        hit.contains("Hiro Tanaka") && hit.contains("../crm/people/hiro-tanaka.html"),
        "{hit}"
    );
}

#[test]
fn hovering_a_link_previews_the_page_it_leads_to() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = example();
    let page = site
        .files
        .keys()
        .find(|k| k.contains("halcyon-qbr"))
        .expect("the Halcyon QBR page")
        .clone();
    browser.open(&format!("file://{}/{page}", site.out.display()));
    browser.hover(".markdown-rendered a.internal-link[href$='people/elena-voss.html']");
    let preview = browser.wait_for(
        "var p = document.getElementById('link-preview'); return p && !p.hidden ? p.textContent : null",
        "the link preview",
    );
    let preview = preview.as_str().unwrap().to_string();
    assert!(preview.starts_with("Elena Voss"), "{preview}");
    assert!(
        preview.contains("CTO · Halcyon Robotics")
            && preview.contains("Executive sponsor at Halcyon"),
        "{preview}"
    );
    assert_eq!(preview.matches("Elena Voss").count(), 1, "{preview}");
    // Leaving the link hides it.
    browser.hover("h1");
    browser.wait_for(
        "var p = document.getElementById('link-preview'); return p && p.hidden",
        "the preview to close",
    );
}
