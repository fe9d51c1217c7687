//! The output folder: atomic replacement, refusal of dangerous folders, escaping.

use super::harness::{build_case, build_with, case_config, copy_tree, fixture, read_tree};
use dossier::site::search::INDEX_PATH;
use dossier::{build, BuildOptions};

#[test]
fn a_failed_build_leaves_the_old_site_and_no_temp_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = case_config(&fixture("links/forms"));
    config.out = dir.path().join("site");
    build(&config, &BuildOptions::default(), &mut |_| {}).unwrap();
    let before = read_tree(&config.out);
    assert!(!before.is_empty());

    // A theme whose note template does not compile makes the next build fail.
    let theme = dir.path().join("theme/templates");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("note.html"), "{% if %}broken").unwrap();
    config.theme = Some(dir.path().join("theme"));
    assert!(build(&config, &BuildOptions::default(), &mut |_| {}).is_err());

    assert_eq!(read_tree(&config.out), before, "the old site changed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != "theme")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

#[test]
fn refuses_to_write_into_the_vault_or_around_it() {
    let case = fixture("links/forms");
    let vault = case.join("vault");
    for out in [
        vault.clone(),
        vault.join("site"),
        case.clone(),
        std::path::PathBuf::from("/"),
    ] {
        let mut config = case_config(&case);
        config.out = out.clone();
        let err = build(&config, &BuildOptions { force: true }, &mut |_| {});
        assert!(err.is_err(), "wrote into {}", out.display());
    }
    assert!(vault.join("Note.md").exists() || std::fs::read_dir(&vault).unwrap().count() > 0);
}

#[test]
fn refuses_a_foreign_non_empty_folder_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.docx"), "precious").unwrap();
    let mut config = case_config(&fixture("links/forms"));
    config.out = out.clone();
    assert!(build(&config, &BuildOptions::default(), &mut |_| {}).is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.docx")).unwrap(),
        "precious"
    );
}

#[test]
fn hostile_values_are_escaped_everywhere() {
    let site = build_case("escaping/hostile");
    // `<title>` is raw text to the browser (no markup inside), where the minifier may write `<` plainly.
    let title = regex::Regex::new(r"(?s)<title>.*?</title>").unwrap();
    for (path, bytes) in &site.files {
        let text = String::from_utf8_lossy(bytes);
        let text = title.replace_all(&text, "");
        for needle in [
            "<script>alert(1)",
            "<img src=x onerror",
            "<img src=\"x\" onerror",
        ] {
            assert!(!text.contains(needle), "{needle:?} unescaped in {path}");
        }
    }
    // The title reads as typed: escaped, not dropped (the minifier may write `<` as `&LT`).
    let page = scraper::Html::parse_document(&site.html("hostile.html"));
    let h1 = scraper::Selector::parse("h1").unwrap();
    let title: String = page.select(&h1).flat_map(|e| e.text()).collect();
    assert_eq!(title, "<script>alert(1)</script> Title");
    let scripts = scraper::Selector::parse("script").unwrap();
    assert!(page
        .select(&scripts)
        .all(|s| !s.inner_html().contains("alert")));
    assert!(
        site.files.keys().any(|k| k.starts_with("r-d-1")),
        "{:?}",
        site.files.keys()
    );
}

#[test]
fn excluded_notes_leak_through_no_channel() {
    let site = build_case("exclusion/channels");
    let hits = site.contains_anywhere("SECRET-EXCL-5521");
    assert!(hits.is_empty(), "secret leaked into {hits:?}");
    let broken = super::crawl::broken_links(&site);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The trap vault's private channels, each with the marker only its private source holds. A marker is
/// lower-case letters and digits, so that slugs, search tokens and escaping keep it whole.
const TRAPS: &[(&str, &str)] = &[
    // Private/Secret Plan.md: an excluded-folder note, linked, embedded, aliased, tagged, queried.
    ("folder note: body (links, whole embeds)", "zqfolderbody01"),
    ("folder note: #heading embed", "zqfoldersection03"),
    ("folder note: ^block embed", "zqfolderblock04"),
    (
        "folder note: alias (links and embeds by alias)",
        "zqfolderalias05",
    ),
    ("folder note: tag (tag pages, FROM #tag)", "zqfoldertag06"),
    (
        "folder note: front matter field (TABLE, rows., inline =)",
        "zqfolderfield07",
    ),
    ("folder note: GROUP BY key", "zqfolderstatus08"),
    ("folder note: task (TASK, open tasks)", "zqfoldertask09"),
    ("folder note: inline field", "zqfolderinline10"),
    ("folder note: inline field value", "zqfolderinlinevalue10"),
    // Drafts/Draft Note.md: `publish: false`, the same channels.
    ("draft: body (links, whole embeds)", "zqdraftbody11"),
    ("draft: #heading embed", "zqdraftsection12"),
    ("draft: ^block embed", "zqdraftblock13"),
    ("draft: alias", "zqdraftalias14"),
    ("draft: tag", "zqdrafttag15"),
    ("draft: front matter field", "zqdraftfield16"),
    ("draft: GROUP BY key", "zqdraftstatus17"),
    ("draft: task", "zqdrafttask18"),
    ("draft: inline field", "zqdraftinline19"),
    ("draft: inline field value", "zqdraftinlinevalue19"),
    // The CRM layer: an excluded person named in Key Contacts, Collaborators and Attendees.
    ("excluded person: role", "zqpersonrole21"),
    ("excluded person: company", "zqpersoncompany22"),
    ("excluded person: email", "zqpersonemail23"),
    ("excluded person: body", "zqpersonbody24"),
    ("excluded person: alias", "zqpersonalias26"),
    ("draft person: role", "zqdraftpersonrole27"),
    ("draft person: email", "zqdraftpersonemail28"),
    ("draft person: body", "zqdraftpersonbody29"),
    // Meetings about Acme that are private: brief, timeline, person pages, open tasks.
    ("excluded meeting: body and gist", "zqmeetingbody31"),
    (
        "excluded meeting: task (brief's open tasks)",
        "zqmeetingtask32",
    ),
    ("excluded meeting: tag", "zqmeetingtag33"),
    (
        "excluded meeting: name (timeline, backlinks, inlinks)",
        "zqmeetingname34",
    ),
    ("draft meeting: body", "zqdraftmeetingbody35"),
    ("draft meeting: task", "zqdraftmeetingtask36"),
    (
        "draft meeting: name (timeline, backlinks, inlinks)",
        "zqdraftmeetingname37",
    ),
    // Attachments embedded only by private notes, or living in the excluded folder.
    ("image embedded only by private notes", "zqattpng41"),
    ("PDF embedded only by the folder note", "zqattpdf42"),
    (
        "image in the excluded folder, embedded by a public note",
        "zqattfolder43",
    ),
    ("PDF embedded only by the draft", "zqattdraftpdf44"),
    // Symlinks outside Private/ to files inside it or in a hidden folder (made by the test, Unix only).
    ("symlinked excluded note", "zqsymlinknote51"),
    ("symlinked excluded image", "zqsymlinkatt52"),
    (
        "symlinked note in the hidden .trash folder",
        "zqtrashnote53",
    ),
    // `publish: false` in front matter that YAML cannot read.
    ("broken-YAML draft: front matter", "zqbrokenfm61"),
    ("broken-YAML draft: body", "zqbrokenbody62"),
    // Archive/Case Secret.md: excluded by the pattern `archive`, which differs from the folder by case.
    ("case-differing folder: body", "zqcasebody71"),
    ("case-differing folder: task", "zqcasetask72"),
    ("case-differing folder: alias", "zqcasealias73"),
    ("case-differing folder: tag", "zqcasetag74"),
    ("case-differing folder: field", "zqcasefield75"),
];

#[test]
fn private_notes_leak_through_no_trap() {
    let case = fixture("exclusion/traps");
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    copy_tree(&case.join("vault"), &vault);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(
            "../Private/Linked Secret.md",
            vault.join("Drafts/Linked Copy.md"),
        )
        .unwrap();
        symlink(
            "../Private/linked-secret.png",
            vault.join("Attachments/linked-copy.png"),
        )
        .unwrap();
        symlink(".trash/Deleted.md", vault.join("Trashed Copy.md")).unwrap();
    }
    let mut config = case_config(&case);
    config.vault = vault;
    let site = build_with(config);

    // Every output byte and path, of every file, is searched: first prove the search sees public text
    // in pages, the search index, the sitemap and a copied binary.
    let seen = |needle: &str| site.contains_anywhere(needle);
    let home = seen("okpublicbody99");
    assert!(
        home.contains(&"home.html".to_string()) && home.contains(&INDEX_PATH.to_string()),
        "{home:?}"
    );
    assert!(seen("okpublicatt98")
        .iter()
        .any(|p| p.ends_with("shared.png")));
    assert!(seen("https://wiki.example.com/traps/home.html").contains(&"sitemap.xml".into()));

    let leaks: Vec<String> = TRAPS
        .iter()
        .filter_map(|(channel, marker)| {
            let hits = seen(marker);
            (!hits.is_empty()).then(|| format!("{channel} ({marker}) leaked into {hits:?}"))
        })
        .collect();
    assert!(leaks.is_empty(), "\n{}", leaks.join("\n"));

    // Private notes and files have no page, stub or copy under any name; the attachment that a public
    // note embeds too is copied, byte for byte.
    let mut names = vec![
        "secret-plan",
        "draft-note",
        "broken-draft",
        "hidden-person",
        "draft-person",
        "linked-secret",
        "only-private",
        "in-private",
        "draft-only",
        "private/",
        "drafts/",
        "case-secret",
        "archive/",
        // Links by the aliases of private notes: plain text, no stub page.
        "plan-b",
        "draft-alias",
        "archived-plan",
    ];
    if cfg!(unix) {
        // (A symlink into a hidden folder is skipped like one out of the vault: links to it are
        // unresolved and get a stub, which holds nothing of the file.)
        names.push("linked-copy");
    }
    for name in names {
        let hits: Vec<_> = site.files.keys().filter(|k| k.contains(name)).collect();
        assert!(hits.is_empty(), "{name}: {hits:?}");
    }
    // A link by alias to a private note shows its own text, plain, like a link by name.
    let home_page = site.html("home.html");
    for alias in ["Plan B", "Draft Alias", "Archived Plan"] {
        assert!(
            home_page.contains(&format!(">{alias}</span>")),
            "{alias} is not plain text: {home_page}"
        );
    }
    assert_eq!(
        site.files["attachments/shared.png"],
        b"PNG-ish okpublicatt98 shared bytes"
    );

    // The CRM views show the public meeting and tasks, and nothing dated by the private meetings
    // (2026-11-15 in Private/, 2026-11-17 with `publish: false`).
    let brief = site.html("crm/accounts/acme.html");
    for public in [
        "okpublicaccounttask93",
        "okpublicmeetingtask94",
        "acme-kickoff",
    ] {
        assert!(brief.contains(public), "{public} missing from the brief");
    }
    assert!(site.html("crm/timeline.html").contains("acme-kickoff"));
    assert!(site
        .html("crm/people/ada-public.html")
        .contains("acme-kickoff"));
    for date in ["2026-11-15", "November 15", "2026-11-17", "November 17"] {
        let hits = seen(date);
        assert!(
            hits.is_empty(),
            "a private meeting's date {date} in {hits:?}"
        );
    }

    let broken = super::crawl::broken_links(&site);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Writes `n` linked notes, every tenth with a Dataview table over a tag, so that a build takes a
/// while (rendering most of all, which is when the staging folder fills).
fn generate_vault(root: &std::path::Path, n: usize) {
    std::fs::create_dir_all(root).unwrap();
    for i in 0..n {
        let query = if i % 10 == 0 {
            "\n```dataview\nTABLE score, file.inlinks FROM #gen/t1 SORT score DESC LIMIT 5\n```\n"
        } else {
            ""
        };
        let text = format!(
            "---\ntags: [gen/t{tag}]\nscore: {i}\n---\n# Note {i}\n\nAbout [[Note {a}]] and [[Note {b}]], \
             with enough prose to be worth indexing for search.\n\n- [ ] task {i} 📅 2026-11-{day:02}\n{query}",
            tag = i % 20,
            a = (i + 1) % n,
            b = (i * 7 + 3) % n,
            day = i % 28 + 1,
        );
        std::fs::write(root.join(format!("Note {i}.md")), text).unwrap();
    }
}

/// The folders beside `out` whose names mark them as a dossier run's temporary folders.
fn temp_folders(out: &std::path::Path) -> Vec<std::path::PathBuf> {
    let prefix = format!(".{}.dossier-", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Polls until a temporary folder beside `out` holds at least `files` entries while the old site is
/// still in place (the build is writing pages, not swapping): `true`; `false` when the build ended
/// first.
fn wait_for_staging(child: &mut std::process::Child, out: &std::path::Path, files: usize) -> bool {
    /// Far beyond any real build of the generated vault; a hang is a failure, not a wait.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let filling = temp_folders(out)
            .iter()
            .any(|t| std::fs::read_dir(t).is_ok_and(|entries| entries.count() >= files));
        if filling && out.is_dir() {
            return true;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "the build neither wrote nor ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn a_killed_build_leaves_the_old_site_and_the_next_run_cleans_up() {
    use std::process::{Command, Stdio};
    // If a build of the smaller vault ends before it can be caught writing, a bigger one is tried.
    for n in [1_000, 8_000] {
        let dir = tempfile::tempdir().unwrap();
        let (vault, out) = (dir.path().join("vault"), dir.path().join("site"));
        generate_vault(&vault, n);
        // The first build is titled "Old site"; the killed and the last one "New site", so that every
        // page the killed build wrote differs from the old one.
        let (old, new) = (dir.path().join("old.toml"), dir.path().join("new.toml"));
        std::fs::write(&old, "title = \"Old site\"\n").unwrap();
        std::fs::write(&new, "title = \"New site\"\n").unwrap();
        let dossier = |config: &std::path::Path| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
            cmd.current_dir(dir.path())
                .args(["build", "--quiet", "--today", "2026-11-20", "--config"])
                .arg(config)
                .arg("--vault")
                .arg(&vault)
                .arg("--out")
                .arg(&out);
            cmd
        };
        let full_build = |config: &std::path::Path| {
            let run = dossier(config).output().unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success(), "build failed: {stderr}");
            read_tree(&out)
        };

        let before = full_build(&old);
        assert!(before.len() > n, "{} files for {n} notes", before.len());

        let mut child = dossier(&new)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if !wait_for_staging(&mut child, &out, 50) {
            continue;
        }
        child.kill().unwrap();
        child.wait().unwrap();

        // The killed run had begun writing (SIGKILL left it no chance to remove its temporary folder),
        // and the site in place is exactly the old one.
        assert!(
            !temp_folders(&out).is_empty(),
            "nothing shows the build was interrupted"
        );
        let after = read_tree(&out);
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "the killed build changed the site's files"
        );
        for (path, bytes) in &before {
            assert!(after[path] == *bytes, "the killed build changed {path}");
        }

        // The next run succeeds, writes the whole new site and removes the leftovers.
        let rebuilt = full_build(&new);
        assert_eq!(
            rebuilt.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>()
        );
        let title = |site: &std::collections::BTreeMap<String, Vec<u8>>| {
            String::from_utf8_lossy(&site["note-0.html"]).into_owned()
        };
        assert!(title(&before).contains("Old site") && title(&rebuilt).contains("New site"));
        let left = temp_folders(&out);
        assert!(left.is_empty(), "left behind: {left:?}");
        return;
    }
    panic!("every build ended before it could be killed mid-way; generate a bigger vault");
}

/// With the default theme, the templates are minified once, when loaded
/// (`site::theme::minify_template`), instead of every page: each page must be what minify-html makes of
/// the page as the templates write it, on the example vault and on every fixture vault.
#[test]
fn minified_templates_make_the_pages_minify_html_makes() {
    let cfg = dossier::site::minify_cfg();
    let mut configs = vec![super::harness::example_config()];
    for group in std::fs::read_dir(fixture("")).unwrap() {
        for case in std::fs::read_dir(group.unwrap().path()).unwrap() {
            let case = case.unwrap().path();
            if case.join("vault").is_dir() {
                configs.push(case_config(&case));
            }
        }
    }
    assert!(configs.len() > 10);
    for config in configs {
        let vault = config.vault.display().to_string();
        let minified = build_with(dossier::config::Config {
            minify: true,
            ..config.clone()
        });
        let as_made = build_with(dossier::config::Config {
            minify: false,
            ..config
        });
        let pages: Vec<&String> = as_made
            .files
            .keys()
            .filter(|p| p.ends_with(".html"))
            .collect();
        assert_eq!(
            minified.files.keys().collect::<Vec<_>>(),
            as_made.files.keys().collect::<Vec<_>>(),
            "{vault}"
        );
        let (mut small, mut large) = (0, 0);
        for page in pages {
            let (a, b) = (&minified.files[page], &as_made.files[page]);
            let (x, y) = (minify_html::minify(a, &cfg), minify_html::minify(b, &cfg));
            if x != y {
                let at = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
                let near = |s: &[u8]| {
                    String::from_utf8_lossy(&s[at.saturating_sub(200)..(at + 200).min(s.len())])
                        .into_owned()
                };
                panic!("{vault}: {page} differs at byte {at}:\n{}\nminify-html on the page as made:\n{}", near(&x), near(&y));
            }
            small += a.len();
            large += b.len();
        }
        assert!(small < large, "{vault}: {small} bytes, as made {large}");
    }
}
