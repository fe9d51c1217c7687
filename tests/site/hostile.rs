//! Broken and hostile vaults, written on the fly (some of their files cannot live in git): every case
//! builds, names the problem with `path:line:col`, and the rest of the site is there.

use super::crawl::broken_links;
use super::harness::{build_with, write, Site};
use dossier::config::Config;

fn build_vault(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    let config = Config {
        vault: dir.path().to_path_buf(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        minify: false,
        ..Config::default()
    };
    let site = build_with(config);
    (dir, site)
}

fn warning<'s>(site: &'s Site, path: &str, needle: &str) -> &'s dossier::diagnostics::Diagnostic {
    site.report
        .diagnostics
        .iter()
        .find(|d| d.path == path && d.message.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "no warning on {path} containing {needle:?}: {:#?}",
                site.report.diagnostics
            )
        })
}

#[test]
fn broken_front_matter_is_a_warning_with_its_line_and_the_note_still_builds() {
    let big_yaml = format!("---\n{}---\nBig.\n", "key: value\n".repeat(200_000));
    let (_dir, site) = build_vault(&[
        ("Malformed.md", b"---\ntitle: [unclosed\n---\nBody one.\n"),
        ("Duplicate.md", b"---\ntitle: A\ntitle: B\n---\nBody two.\n"),
        ("NotAMap.md", b"---\n- a\n- b\n---\nBody three.\n"),
        ("Tabs.md", b"---\ntitle: T\n\tstatus: x\n---\nBody four.\n"),
        ("Unclosed.md", b"---\ntitle: never closed\nBody five.\n"),
        (
            "Bom.md",
            b"\xEF\xBB\xBF---\ntitle: With BOM\n---\nBody six.\n",
        ),
        (
            "Crlf.md",
            b"---\r\ntitle: Windows\r\n---\r\n# Heading\r\n\r\n- [ ] task\r\n",
        ),
        ("Latin1.md", b"Caf\xE9 au lait.\n"),
        ("Empty.md", b""),
        ("Big.md", big_yaml.as_bytes()),
    ]);
    let m = warning(&site, "Malformed.md", "front matter");
    assert!(m.line >= 2, "{m:?}");
    warning(&site, "Duplicate.md", "front matter");
    warning(&site, "NotAMap.md", "front matter");
    warning(&site, "Tabs.md", "front matter");
    warning(&site, "Latin1.md", "UTF-8");
    for page in [
        "malformed.html",
        "duplicate.html",
        "notamap.html",
        "tabs.html",
        "unclosed.html",
        "empty.html",
        "big.html",
    ] {
        assert!(site.files.contains_key(page), "{page} missing");
    }
    // A malformed block is shown as text on its page.
    assert!(site.html("malformed.html").contains("title: [unclosed"));
    assert!(site.html("bom.html").contains("With BOM"));
    let crlf = site.html("crlf.html");
    assert!(
        crlf.contains("Windows") && crlf.contains("type=\"checkbox\""),
        "{crlf}"
    );
    assert!(site.html("latin1.html").contains("Caf\u{FFFD} au lait"));
}

#[test]
fn odd_file_names_get_distinct_working_pages() {
    let (_dir, site) = build_vault(&[
        ("Index.md", b"[[Spaced Name]] [[Caf\xC3\xA9]] [[Rocket \xF0\x9F\x9A\x80]] [[Hash # Sign]] [[Pct 100%]] [[A & B]] [[Why?]] [[Brackets (x) [y]]] [[.dotted]] [[Case]] [[case]]\n"),
        ("Spaced Name.md", b"spaces"),
        // NFD spelling of the name linked in NFC above.
        ("Cafe\u{301}.md", b"nfd"),
        ("Rocket \u{1F680}.md", b"emoji"),
        ("Hash # Sign.md", b"hash"),
        ("Pct 100%.md", b"percent"),
        ("A & B.md", b"ampersand"),
        ("Why?.md", b"question"),
        ("Brackets (x) [y].md", b"brackets"),
        (".dotted.md", b"hidden: skipped like Obsidian"),
        ("Case.md", b"upper"),
        ("Sub/case.md", b"lower, elsewhere"),
    ]);
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let index = site.html("index.html");
    for unresolved in [
        "Spaced Name",
        "Rocket",
        "Hash",
        "Pct 100%",
        "A &amp; B",
        "Why?",
    ] {
        assert!(index.contains(unresolved), "{unresolved}");
    }
    // Names that differ only by case get distinct output paths.
    let pages: Vec<&String> = site
        .files
        .keys()
        .filter(|k| k.to_lowercase().contains("case"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_ne!(pages[0].to_lowercase(), pages[1].to_lowercase());
    // The NFD file is found from the NFC link.
    assert!(
        !index.contains("is-unresolved\" href=\"unresolved/cafe"),
        "{index}"
    );
}

#[cfg(unix)]
#[test]
fn links_and_symlinks_cannot_leave_the_vault() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "secret.md", "OUTSIDE-SECRET-8K");
    write(outer.path(), "secret.png", "OUTSIDE-SECRET-8K");
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path();
    write(
        v,
        "Escape.md",
        "[[../secret]] ![[../secret.png]] [a](../secret.md) [b](%2e%2e/secret.md) [[..\\secret]] [c](/etc/passwd) ![[/etc/passwd]]\n",
    );
    std::os::unix::fs::symlink(outer.path().join("secret.md"), v.join("Linked.md")).unwrap();
    std::os::unix::fs::symlink(outer.path(), v.join("OuterDir")).unwrap();
    std::os::unix::fs::symlink(v.join("Loop"), v.join("Loop")).unwrap();
    std::fs::create_dir_all(v.join("Sub")).unwrap();
    std::os::unix::fs::symlink(v, v.join("Sub/Up")).unwrap();
    let config = Config {
        vault: v.to_path_buf(),
        ..Config::default()
    };
    let site = build_with(config);
    assert!(site.contains_anywhere("OUTSIDE-SECRET-8K").is_empty());
    assert!(site.contains_anywhere("root:x:0").is_empty());
    assert!(site.files.keys().all(|k| !k.contains("..")));
    warning(&site, "Linked.md", "outside");
}

#[test]
fn deep_embeds_and_cycles_finish() {
    let mut files: Vec<(String, Vec<u8>)> = (0..1000)
        .map(|i| {
            (
                format!("N{i}.md"),
                format!("Level {i} ![[N{}]]", i + 1).into_bytes(),
            )
        })
        .collect();
    files.push(("Self.md".into(), b"Me: ![[Self]]".to_vec()));
    files.push(("A.md".into(), b"![[B]]".to_vec()));
    files.push(("B.md".into(), b"![[A]]".to_vec()));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let (_dir, site) = build_vault(&refs);
    assert!(
        site.html("n0.html").contains("embed-too-deep")
            || site.html("n0.html").contains("too deep")
    );
    assert!(site.html("self.html").contains("embed-cycle"));
    warning(&site, "A.md", "embed cycle");
}

#[test]
fn huge_notes_build() {
    let long_line = "x".repeat(1 << 20);
    let many_links: String = (0..100_000)
        .map(|i| format!("[[Target {}]] ", i % 50))
        .collect();
    let table: String = std::iter::once("| a | b |\n|---|---|\n".to_string())
        .chain((0..10_000).map(|i| format!("| {i} | [[Row {i}]] |\n")))
        .collect();
    let paragraph = "Lorem ipsum dolor sit amet, [[Link]] consectetur #tag adipiscing elit.\n\n";
    // 8 MB here (a debug build); benches/hostile.sh builds a 50 MB note in release and records memory.
    let big = paragraph.repeat(8 * (1 << 20) / paragraph.len());
    let (_dir, site) = build_vault(&[
        ("Line.md", long_line.as_bytes()),
        ("Links.md", many_links.as_bytes()),
        ("Table.md", table.as_bytes()),
        ("Huge.md", big.as_bytes()),
    ]);
    assert!(site.html("links.html").matches("internal-link").count() >= 100_000);
    assert!(site.html("table.html").contains("Row 9999"));
    assert!(site.files["huge.html"].len() > 7 << 20);
}

/// A note over a megabyte is parsed in pieces (`vault::chunks`): its page must be what parsing it
/// whole gives. Blocks that span blank lines (fences, HTML comments, loose lists, indented code) are
/// repeated past the size where it is cut, and the body must be the small note's body repeated.
#[test]
fn a_note_parsed_in_pieces_renders_as_a_whole() {
    // Long plain text keeps the events few (a debug build renders slowly); the blocks are the point.
    let prose = "Plain words that cost little to render. ".repeat(40);
    // The note is cut at the first boundary after a size, which falls in the prose: a fence follows it
    // directly, so that a cut at the first line after a blank one would fall inside the fence.
    let unit = format!("{prose}\n```\ncode\n\nstill code\n```\n\nIntro with [[Target]], #tag and ==a mark==.\n\n- item one\n\n- item two\n\n<!-- a comment\n\nacross a blank line -->\n\n> [!tip] Tip\n> inside\n\n| a | b |\n|---|---|\n| 1 | [[Row]] |\n\n    indented code\n\n    more\n\nClosing `inline` and [md](Target.md).\n\n");
    let copies = (1 << 20) / unit.len() + 20;
    let (_dir, site) = build_vault(&[
        ("Small.md", unit.as_bytes()),
        ("Large.md", unit.repeat(copies).as_bytes()),
        ("Target.md", b"Target."),
    ]);
    let body = |page: &str| {
        let html = site.html(page);
        let start = html
            .find("<div class=\"markdown-rendered\">")
            .expect("a body");
        let end = start + html[start..].find("</article>").expect("an article");
        html[start..end].to_string()
    };
    let (small, large) = (body("small.html"), body("large.html"));
    let inner = |b: &str| {
        let open = "<div class=\"markdown-rendered\">".len();
        b[open..b.rfind("</div>").unwrap()].trim().to_string()
    };
    assert_eq!(
        inner(&large).replace('\n', ""),
        inner(&small).repeat(copies).replace('\n', ""),
        "the large note's body is the small one's, repeated"
    );
    assert!(large.len() > 1 << 20);
}

/// minify-html takes about twenty times a page's size in memory: where pages are minified one by one
/// (a theme of the user's own), a page carrying a body over `site::MAX_MINIFIED_TEXT` is written as the
/// template made it, every other page minified.
#[test]
fn a_page_too_large_to_minify_is_written_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let prose = "Plain words in a long paragraph. ".repeat(2_000) + "\n\n";
    let large = prose.repeat((dossier::site::MAX_MINIFIED_TEXT + (1 << 20)) / prose.len());
    write(&vault, "Large.md", &large);
    write(&vault, "Small.md", "A small note.\n");
    let theme = dir.path().join("theme");
    write(
        &theme,
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>Lost</h1>{% endblock content %}\n",
    );
    let site = build_with(Config {
        vault,
        theme: Some(theme),
        minify: true,
        ..Config::default()
    });
    let (small, large_page) = (site.html("small.html"), site.html("large.html"));
    assert!(
        small.starts_with("<!doctype html><html lang=en>"),
        "{small}"
    );
    assert!(
        large_page.starts_with("<!DOCTYPE html>\n"),
        "{}",
        &large_page[..200]
    );
    assert!(large_page.trim_end().ends_with("</html>"));
    assert_eq!(
        large_page.matches("<p>Plain words").count(),
        large.matches("\n\n").count()
    );
}

#[test]
fn exploding_and_failing_queries_render_error_boxes() {
    let (_dir, site) = build_vault(&[
        ("Big.md", format!("---\nxs: [{}]\n---\n", (0..2000).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")).as_bytes()),
        (
            "Q.md",
            concat!(
                "```dataview\nTABLE x FROM \"\" FLATTEN xs AS a FLATTEN xs AS b FLATTEN xs AS c\n```\n\n",
                "```dataview\nTABLE WITHOUT ID 1/0 AS \"Division\", regexmatch(\"(a+)+$\", \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\") AS \"Backtracking\" FROM \"Big\"\n```\n\n",
                "```dataview\nTABLE \"a\" * \"b\" FROM \"\"\n```\n\n",
                "```dataview\nLIST WHERE ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\n```\n\n",
                "```dataview\nTABLE FROM WHERE\n```\n",
            )
            .as_bytes(),
        ),
    ]);
    let q = site.html("q.html");
    assert!(q.contains("dataview-error"), "{q}");
    warning(&site, "Q.md", "");
    // The regex evaluated in linear time (this test would hang otherwise); division by zero is a value.
    assert!(q.contains("table-view-table"), "{q}");
    assert!(q.contains("Infinity") && q.contains("false"), "{q}");
    // The type error and the parse error each got an error box.
    assert!(q.matches("dataview-error").count() >= 2, "{q}");
}

#[test]
fn backlink_snippets_are_escaped_cut_around_the_link_and_mark_it() {
    let long_before = "word ".repeat(80);
    let long_after = " tail".repeat(80);
    let source = format!(
        "Short <b>&</b> line about [[Target|the \"target\"]] here.\n\n{long_before}[[Target]]{long_after}\n"
    );
    let (_dir, site) = build_vault(&[
        ("Target.md", b"The target."),
        ("Source.md", source.as_bytes()),
    ]);
    let page = site.html("target.html");
    // The short line whole, escaped, the link's text in bold.
    assert!(
        page.contains(
            "Short &lt;b&gt;&amp;&lt;/b&gt; line about <strong>the &quot;target&quot;</strong> here."
        ),
        "{page}"
    );
    // The long line cut to 240 characters around the link, with ellipses on both sides.
    let cut = page
        .split("…")
        .nth(1)
        .unwrap_or_else(|| panic!("no cut snippet: {page}"));
    assert!(cut.contains("<strong>Target</strong>"), "{cut}");
    let shown = cut.replace("<strong>", "").replace("</strong>", "");
    assert_eq!(shown.chars().count(), 240, "{shown:?}");
    // The link's text starts at character 400: the window starts 120 characters before it.
    assert!(shown.starts_with("word word"), "{shown:?}");
    assert!(shown.ends_with(" tail tai"), "{shown:?}");
}

#[test]
fn backlink_snippets_show_inline_fields_as_the_page_does() {
    let (_dir, site) = build_vault(&[
        ("Target.md", b"The target."),
        (
            "Source.md",
            concat!(
                "Attendees:: [[Target]], Ann\n\n",
                "Met [[Target]] [owner:: Bo] today (due:: tomorrow).\n\n",
                "- Lead:: [[Target|the target]]\n",
            )
            .as_bytes(),
        ),
    ]);
    let page = site.html("target.html");
    for shown in [
        "Attendees: <strong>Target</strong>, Ann",
        "Met <strong>Target</strong> owner: Bo today tomorrow.",
        "Lead: <strong>the target</strong>",
    ] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    assert!(!page.contains("::"), "{page}");
}
