//! The output folder: atomic replacement, refusal of dangerous folders, escaping.

use super::harness::{build_case, case_config, fixture, read_tree};
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
    assert!(site.find("hostile.html").contains("alert(1)&lt;/script"));
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
