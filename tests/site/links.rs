//! Every link form of the issue, resolved as Obsidian resolves it, written as relative `.html` URLs.

use super::crawl::broken_links;
use super::harness::{build_with, case_config, fixture, Site};

fn build(rel: &str) -> Site {
    let mut config = case_config(&fixture(rel));
    config.minify = false;
    build_with(config)
}

#[test]
fn every_link_form_lands_on_its_target() {
    let site = build("links/forms");
    let home = site.html("home.html");
    for expected in [
        r#"<a class="internal-link" href="customers/acme-corp.html" data-href="Acme Corp">Acme Corp</a>"#,
        r#"<a class="internal-link" href="customers/acme-corp.html" data-href="Acme Corp">the account</a>"#,
        r#"href="customers/acme-corp.html" data-href="Customers/Acme Corp">Customers/Acme Corp</a>"#,
        r#"href="customers/acme-corp.html" data-href="Acme Corp.md">Acme Corp</a>"#,
        r#"href="customers/acme-corp.html#key-facts" data-href="Acme Corp">Acme Corp &gt; Key Facts</a>"#,
        r#"href="customers/acme-corp.html#%5Edecision-1" data-href="Acme Corp">Acme Corp &gt; decision-1</a>"#,
        r##"<a class="internal-link" href="#local-heading">Local Heading</a>"##,
        r#"<a class="internal-link" href="attachments/diagram.png">diagram.png</a>"#,
        r#"href="customers/acme-corp.html" data-href="Customers/Acme Corp.md">md</a>"#,
        r#"href="note-name.html" data-href="Note Name">Note Name</a>"#,
        r#"href="note-name.html" data-href="Note Name.md">other</a>"#,
        r#"<a class="internal-link is-unresolved" href="unresolved/nobody-yet.html">Nobody Yet</a>"#,
        r#"<a class="internal-link is-unresolved" href="unresolved/passwd.html">../../etc/passwd</a>"#,
        r#"<img class="internal-embed image-embed" src="attachments/diagram.png" alt="diagram.png" width="300" loading="lazy">"#,
    ] {
        assert!(
            home.contains(expected),
            "home.html lacks {expected}\n{home}"
        );
    }
    // Headings and blocks carry the ids the links point at.
    let acme = site.html("customers/acme-corp.html");
    assert!(
        acme.contains(r#"<h2 id="key-facts">Key Facts</h2>"#),
        "{acme}"
    );
    assert!(acme.contains(r#"<p id="^decision-1">"#), "{acme}");
    assert!(
        !acme.contains("^decision-1</p>"),
        "the block id marker is not shown"
    );
    // Backlinks with their sentence, the stub page for the unresolved name.
    assert!(acme.contains("Linked mentions"));
    assert!(
        acme.contains(r#"<a class="internal-link" href="../home.html">Home</a>"#),
        "{acme}"
    );
    let stub = site.html("unresolved/nobody-yet.html");
    assert!(
        stub.contains("Nobody Yet")
            && stub.contains("../customers/acme-corp.html")
            && stub.contains("../home.html")
    );
    assert!(site.files.contains_key("attachments/diagram.png"));
    let broken = broken_links(&site);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn folder_tag_and_home_pages_exist() {
    let site = build("links/forms");
    for page in [
        "index.html",
        "404.html",
        "tags/index.html",
        "tags/type.html",
        "tags/type/customer.html",
        "customers/index.html",
        "static/style.css",
    ] {
        assert!(site.files.contains_key(page), "missing {page}");
    }
    let tag = site.html("tags/type.html");
    assert!(
        tag.contains(r#"href="type/customer.html""#),
        "parent tag lists its nested tag: {tag}"
    );
    assert!(
        !site.files.contains_key("sitemap.xml"),
        "no sitemap without base_url"
    );
}

#[test]
fn sitemap_is_written_with_a_base_url() {
    let mut config = case_config(&fixture("links/forms"));
    config.base_url = Some("https://wiki.example.com/accounts/".into());
    let site = build_with(config);
    let sitemap = site.html("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://wiki.example.com/accounts/customers/acme-corp.html</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("404.html"));
}

#[test]
fn embed_cycles_and_deep_chains_finish_with_a_notice() {
    let site = build("embeds/cycle");
    let a = site.html("a.html");
    assert!(a.contains("embed-cycle"), "{a}");
    assert!(site.html("self.html").contains("embed-cycle"));
    let chain = site.html("chain-1.html");
    assert!(
        chain.contains("embed-too-deep"),
        "a 12-deep chain stops at the limit"
    );
    assert!(chain.contains("Level 8.") && !chain.contains("Bottom."));
    let warnings: Vec<_> = site
        .report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("cycle"))
        .collect();
    assert!(warnings.len() >= 2, "{warnings:?}");
}

#[test]
fn every_embed_kind_renders() {
    let site = build("embeds/kinds");
    let host = site.html("host.html");
    let whole = host.find("SOURCE-INTRO").expect("whole-note embed");
    assert!(host[whole..].contains("SOURCE-THIRD"));
    // The section embed holds its section and nested headings, and stops at the next peer heading.
    let section_start = host
        .find("Source &gt; Second Section")
        .expect("section embed title");
    let section = &host[section_start
        ..host[section_start..]
            .find("Source &gt; key-block")
            .map_or(host.len(), |i| section_start + i)];
    assert!(
        section.contains("SOURCE-SECOND") && section.contains("SOURCE-NESTED"),
        "{section}"
    );
    assert!(
        !section.contains("SOURCE-THIRD") && !section.contains("SOURCE-FIRST"),
        "{section}"
    );
    let block_start = host
        .find("Source &gt; key-block")
        .expect("block embed title");
    let block = &host[block_start..];
    assert!(block[..block.find("</div></div>").unwrap_or(block.len())].contains("SOURCE-BLOCK"));
    assert!(!block[..block.find("</div></div>").unwrap_or(block.len())].contains("SOURCE-FIRST"));
    for expected in [
        r#"<img class="internal-embed image-embed" src="media/photo.png" alt="photo.png" width="300" loading="lazy">"#,
        r#"<img class="internal-embed image-embed" src="media/photo.png" alt="photo.png" width="300" height="200" loading="lazy">"#,
        r#"<object data="media/plan.pdf" type="application/pdf">"#,
        r#"<audio class="internal-embed media-embed" controls preload="metadata" src="media/call.mp3">"#,
        r#"<video class="internal-embed media-embed" controls preload="metadata" src="media/demo.mp4">"#,
        r#"<a class="internal-embed is-unresolved internal-link" href="unresolved/not-there.html">Not There</a>"#,
    ] {
        assert!(host.contains(expected), "host.html lacks {expected}");
    }
    for file in [
        "media/photo.png",
        "media/plan.pdf",
        "media/call.mp3",
        "media/demo.mp4",
    ] {
        assert!(site.files.contains_key(file), "{file} not copied");
    }
    assert!(site.report.diagnostics.iter().any(|d| d.path == "Host.md"
        && (d.line, d.col) == (23, 10)
        && d.message.contains("Not There")));
    assert!(broken_links(&site).is_empty(), "{:?}", broken_links(&site));
}

/// A note or PDF embed is a `<div>`; a paragraph holding only such embeds must not be written as a
/// `<p>`, which browsers would split into empty paragraphs around the embed. Embeds of images inside a
/// sentence stay in its paragraph.
#[test]
fn block_embeds_are_not_wrapped_in_paragraphs() {
    use scraper::{Html, Selector};
    let select = |css: &str| Selector::parse(css).unwrap();
    let site = build("embeds/blocks");
    let html = site.html("host.html");
    let doc = Html::parse_document(&html);
    let body = doc
        .select(&select(".markdown-rendered"))
        .next()
        .expect("the note body");
    // As a browser parses it: a `<p>` around a `<div>` leaves empty paragraphs behind.
    let empty: Vec<String> = body
        .select(&select("p"))
        .filter(|p| p.text().all(|t| t.trim().is_empty()) && p.children().count() == 0)
        .map(|p| p.html())
        .collect();
    assert!(empty.is_empty(), "empty paragraphs: {empty:?}\n{html}");
    for wrapped in ["<p><div", "<p>\n<div", "<p id=\"^embedded\"><div"] {
        assert!(!html.contains(wrapped), "{wrapped:?} in\n{html}");
    }
    // Every embed is there: the whole note, two on consecutive lines, one with a block id, one in a
    // list item, one in a callout, and three inside sentences.
    assert_eq!(
        body.select(&select("div.markdown-embed")).count(),
        9,
        "{html}"
    );
    // An embed inside a sentence splits its paragraph: the words before and after stay, each in a
    // paragraph, in order around the embed, with their inline markup whole.
    let text = |p: scraper::ElementRef<'_>| p.text().collect::<String>();
    let paragraphs: Vec<String> = body
        .select(&select(".markdown-rendered > p"))
        .map(text)
        .collect();
    for (before, after) in [
        ("Before the note,", "and after it, with emphasis."),
        ("", "and words after an embed that opens its paragraph."),
        ("Words, then an embed last:", ""),
        ("Words on a paragraph with an id, then", "then more."),
    ] {
        let at = |t: &str| paragraphs.iter().position(|p| p.trim() == t);
        if !before.is_empty() {
            let b = at(before).unwrap_or_else(|| panic!("{before:?} in {paragraphs:#?}"));
            if !after.is_empty() {
                assert_eq!(at(after), Some(b + 1), "{after:?} in {paragraphs:#?}");
            }
        } else {
            assert!(at(after).is_some(), "{after:?} in {paragraphs:#?}");
        }
    }
    assert_eq!(body.select(&select("p > em")).count(), 1, "{html}");
    // The block id stays on the paragraph it was written on.
    let mixed = body
        .select(&select("p[id='^mixed']"))
        .next()
        .expect("the paragraph with an id");
    assert!(text(mixed).starts_with("Words on a paragraph"), "{html}");
    assert_eq!(
        body.select(&select("p div, p object")).count(),
        0,
        "no block inside a paragraph: {html}"
    );
    // The block id stays, on an element around the embed.
    let marked = body
        .select(&select("div[id='^embedded'] > div.markdown-embed"))
        .count();
    assert_eq!(marked, 1, "{html}");
    assert_eq!(body.select(&select("div.pdf-embed")).count(), 2, "{html}");
    // Images are inline: one inside its sentence, one alone, both in paragraphs.
    let sentence = body
        .select(&select("p"))
        .find(|p| {
            p.select(&select("img.image-embed")).next().is_some()
                && p.text().any(|t| t.contains("see"))
        })
        .expect("the image's sentence");
    assert!(
        sentence.text().collect::<String>().contains("here."),
        "{}",
        sentence.html()
    );
    assert_eq!(
        body.select(&select("p > img.image-embed[width='200']"))
            .count(),
        1,
        "{html}"
    );
}

#[test]
fn name_collisions_resolve_as_obsidian_does_and_check_warns() {
    let site = build("links/collisions");
    let root = site.html("root.html");
    for expected in [
        r#"href="a/meeting-notes.html" data-href="Meeting Notes">"#,
        r#"href="c/meeting-notes.html" data-href="C/Meeting Notes">"#,
        r#"href="a/b/meeting-notes.html" data-href="B/Meeting Notes">"#,
        r#"href="acme-corp.html" data-href="acme corp">"#,
        r#"href="acme-corp.html" data-href="AC">"#,
        r#"href="dup.html" data-href="Dup">"#,
    ] {
        assert!(root.contains(expected), "root.html lacks {expected}");
    }
    let own = site.html("a/meeting-notes.html");
    assert!(
        own.contains(r#"href="meeting-notes.html" data-href="Meeting Notes">"#),
        "own folder wins: {own}"
    );
    let config = super::harness::case_config(&fixture("links/collisions"));
    let problems = dossier::check(&config).unwrap();
    let ambiguous: Vec<_> = problems
        .iter()
        .filter(|d| d.message.contains("ambiguous"))
        .collect();
    assert_eq!(ambiguous.len(), 1, "{problems:?}");
    assert_eq!(
        (
            ambiguous[0].path.as_str(),
            ambiguous[0].line,
            ambiguous[0].col
        ),
        ("Root.md", 1, 16)
    );
}

/// `- [ ] Send SOW ^abc123`: the block id names the task for links and embeds; neither the note's own
/// task list nor a Dataview TASK result shows it (Obsidian hides it in reading view).
#[test]
fn block_ids_never_show_in_task_text() {
    let site = build("syntax/obsidian");
    let body = site.html("syntax.html");
    assert!(
        body.contains(r#"<li id="^abc123" class="task-list-item" data-task=" ">"#),
        "{body}"
    );
    assert!(body.contains(">Send SOW</li>"), "{body}");
    let query = site.html("other.html");
    assert!(
        query.contains(r#"disabled>Send SOW <span class="dataview task-source">"#),
        "{query}"
    );
    for page in [&body, &query] {
        assert!(!page.contains("SOW ^abc123"), "{page}");
    }
}

/// A Dataview TASK result shows a task's text as its note page does: the inline field as Dataview's
/// field spans with a formatted date (not `[due:: …]` as typed), the tag as a link to its page, the highlight as `<mark>`,
/// the wikilink resolved.
#[test]
fn task_results_render_fields_tags_and_links_as_the_note_does() {
    use scraper::{Html, Selector};
    let select = |css: &str| Selector::parse(css).unwrap();
    let site = build("syntax/obsidian");
    let html = site.html("other.html");
    let doc = Html::parse_document(&html);
    let task = doc
        .select(&select("li.task-list-item"))
        .find(|li| li.text().any(|t| t.contains("redlines")))
        .expect("the task in the TASK result");
    let inner = task.html();
    assert!(!inner.contains("::"), "{inner}");
    let field = |part: &str| {
        task.select(&select(&format!(".inline-field-{part}")))
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(field("key"), ["due"], "{inner}");
    // The value typed and formatted as the plugin renders it (§9.5, §11.4), not the text as typed.
    assert_eq!(field("value"), ["February 01, 2026"], "{inner}");
    let tag = task.select(&select("a.tag")).next().expect("the tag link");
    assert_eq!(tag.value().attr("href"), Some("tags/deal.html"), "{inner}");
    let mark = task.select(&select("mark")).next().expect("the highlight");
    assert_eq!(mark.text().collect::<String>(), "before the call");
    let link = task
        .select(&select("a.internal-link"))
        .find(|a| a.text().any(|t| t == "Other"))
        .expect("the wikilink");
    assert_eq!(link.value().attr("href"), Some("other.html"), "{inner}");
    // The note's own page renders the same field.
    let own = site.html("deal-tasks.html");
    assert!(own.contains("inline-field-key"), "{own}");
}

/// A task's inline code and HTML are part of its text (Dataview's `text`): a TASK result shows the code
/// as code and the HTML as text, not blanks where they were.
#[test]
fn task_results_keep_inline_code() {
    let site = build("syntax/obsidian");
    let html = site.html("other.html");
    assert!(
        html.contains(
            "Send the SOW with <code>make release</code> and &lt;kbd&gt;Ctrl&lt;/kbd&gt; noted"
        ),
        "{html}"
    );
    // The code span is still not read for tags: only #deal is one.
    let own = site.html("deal-tasks.html");
    assert!(own.contains("<code>make release</code>"), "{own}");
}

/// `[owner:: [[Other]]]`: a bracketed field whose value is a wikilink renders as a Dataview field with
/// the link resolved to a relative URL, not as brackets around a link.
#[test]
fn bracketed_field_with_a_wikilink_is_a_field_with_a_link() {
    let site = build("syntax/obsidian");
    let page = site.html("meetings/weekly-sync.html");
    assert!(
        page.contains(r#"Decided with <span class="dataview inline-field"><span class="dataview inline-field-key">owner</span><span class="dataview inline-field-value"><a class="internal-link" href="../other.html" data-href="Other">Other</a></span></span> today."#),
        "{page}"
    );
    assert!(!page.contains("[owner::"), "{page}");
}

/// `Attendees:: [[A]], [[B]]`: a full-line field renders as key and value, its links resolved, like a
/// bracketed field; not as the raw `Attendees::` text.
#[test]
fn full_line_field_renders_key_and_linked_value() {
    let site = build("syntax/obsidian");
    let page = site.html("meetings/weekly-sync.html");
    assert!(
        page.contains(r#"<p><span class="dataview inline-field"><span class="dataview inline-field-key">Attendees</span><span class="dataview inline-field-value"><a class="internal-link" href="../other.html" data-href="Other">Other</a>, <a class="internal-link" href="../syntax.html" data-href="Syntax">the tour</a></span></span>"#),
        "{page}"
    );
    assert!(!page.contains("Attendees::"), "{page}");
}

/// The rendered body of a note with every link form, for a person to review when it changes.
#[test]
fn snapshot_of_the_link_forms_page() {
    let site = build("links/forms");
    let home = site.html("home.html");
    let start = home
        .find("<div class=\"markdown-rendered\">")
        .expect("body");
    let end = home[start..]
        .find("</article>")
        .map_or(home.len(), |i| start + i);
    insta::assert_snapshot!("link_forms_body", &home[start..end]);
}

/// Callouts (typed, foldable, nested), highlights, comments, inline fields, tags (not in code), block
/// ids and task statuses, as a person should see them.
#[test]
fn snapshot_of_obsidian_syntax() {
    let site = build("syntax/obsidian");
    let page = site.html("syntax.html");
    let start = page
        .find("<div class=\"markdown-rendered\">")
        .expect("body");
    let end = page[start..]
        .find("</article>")
        .map_or(page.len(), |i| start + i);
    let body = &page[start..end];
    assert!(
        !body.contains("Secret Link")
            && !body.contains("hidden-tag")
            && !body.contains("inline comment")
    );
    assert!(!site
        .files
        .keys()
        .any(|k| k.contains("hidden-tag") || k.contains("secret-link")));
    assert!(!site
        .files
        .keys()
        .any(|k| k.contains("notatag") || k.contains("nottag")));
    insta::assert_snapshot!("obsidian_syntax_body", body);
}

/// A page that embeds a note twice, or a section of itself, still has every `id` once: an embedded
/// note's headings and blocks carry no ids (links to them go to its own page).
#[test]
fn ids_on_a_page_are_unique_with_embeds() {
    use scraper::{Html, Selector};
    let all = Selector::parse("[id]").unwrap();
    for case in [
        "embeds/blocks",
        "embeds/kinds",
        "embeds/cycle",
        "links/forms",
    ] {
        let site = build(case);
        for (path, bytes) in site.files.iter().filter(|(p, _)| p.ends_with(".html")) {
            let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
            let mut seen = std::collections::BTreeSet::new();
            for e in doc.select(&all) {
                let id = e.value().attr("id").unwrap_or_default();
                assert!(
                    seen.insert(id.to_string()),
                    "{case}: {path}: id {id:?} twice"
                );
            }
        }
    }
}

/// A folder's page lists the folders right under it and a tag's page the tags right under it: not
/// those further down, nor those whose names only begin the same way.
#[test]
fn folder_and_tag_pages_list_their_children_only() {
    use super::harness::write;
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    for (folder, tag) in [
        ("Area", "area"),
        ("Area/Sub", "area/sub"),
        ("Area/Sub/Deep", "area/sub/deep"),
        ("Area/Zed", "area/zed"),
        ("Area-x", "area-x"),
        ("Areas", "areas"),
    ] {
        let name = folder.replace('/', " ");
        write(
            &vault,
            &format!("{folder}/{name}.md"),
            format!("---\ntags: [{tag}]\n---\nA note.\n"),
        );
    }
    let mut config = case_config(dir.path());
    config.minify = false;
    let site = build_with(config);
    let listed = |page: &str, class: &str| -> Vec<String> {
        let html = site.html(page);
        let list = html
            .split(&format!("<ul class=\"{class}\">"))
            .nth(1)
            .and_then(|rest| rest.split("</ul>").next())
            .unwrap_or_default()
            .to_string();
        list.split("href=\"")
            .skip(1)
            .filter_map(|a| a.split('"').next().map(str::to_string))
            .collect()
    };
    assert_eq!(
        listed("area/index.html", "folder-list"),
        ["sub/index.html", "zed/index.html"]
    );
    assert_eq!(
        listed("area/sub/index.html", "folder-list"),
        ["deep/index.html"]
    );
    assert_eq!(
        listed("tags/area.html", "tag-list"),
        ["area/sub.html", "area/zed.html"]
    );
    assert_eq!(listed("tags/area/sub.html", "tag-list"), ["sub/deep.html"]);
}
