//! Rebuilding over an existing site: a file the last build wrote the same is kept (linked, with its
//! inode and modification time) instead of made and written again, and the site is always exactly
//! what a build into an empty folder writes, whatever was done to the old one by hand.

use super::harness::{case_config, copy_tree, fixture, read_tree};
use dossier::config::Config;
use dossier::site::MARKER;
use dossier::{build, BuildOptions, BuildReport};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The brief fixture copied into a temporary folder (so that a test may edit its notes), built into
/// `site` beside it.
struct Case {
    dir: tempfile::TempDir,
    config: Config,
}

impl Case {
    fn new(minify: bool) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let case = fixture("crm/brief");
        let mut config = case_config(&case);
        config.vault = dir.path().join("vault");
        copy_tree(&case.join("vault"), &config.vault);
        config.out = dir.path().join("site");
        config.minify = minify;
        Case { dir, config }
    }

    fn build(&self) -> BuildReport {
        build(&self.config, &BuildOptions::default(), &mut |_| {})
            .unwrap_or_else(|e| panic!("build failed: {e}"))
    }

    fn out(&self, rel: &str) -> PathBuf {
        self.config.out.join(rel)
    }

    fn note(&self, rel: &str) -> PathBuf {
        self.config.vault.join(rel)
    }

    /// The output folder's files, without the marker (whose manifest records inodes and times).
    fn site(&self) -> BTreeMap<String, Vec<u8>> {
        without_marker(read_tree(&self.config.out))
    }

    /// What a build of the vault as it is now writes into an empty folder.
    fn fresh(&self) -> BTreeMap<String, Vec<u8>> {
        let mut config = self.config.clone();
        config.out = self.dir.path().join(format!("fresh-{}", rand_suffix()));
        build(&config, &BuildOptions::default(), &mut |_| {}).unwrap();
        without_marker(read_tree(&config.out))
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn without_marker(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    assert!(files.remove(MARKER).is_some(), "no marker file");
    files
}

/// The file's identity: inode and modification time.
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    (inode, meta.modified().unwrap())
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[test]
fn a_rebuild_writes_what_changed_and_keeps_the_rest() {
    for minify in [true, false] {
        let case = Case::new(minify);
        let first = case.build();
        assert_eq!(first.unchanged, 0, "nothing to keep in an empty folder");
        let kept = [
            "people/bo-chen.html",
            "files/plant-layout.png",
            "static/style.css",
        ];
        let before: Vec<_> = kept.iter().map(|p| identity(&case.out(p))).collect();

        // The same vault again: every file is kept, none is written.
        let again = case.build();
        assert_eq!((again.unchanged, again.files), (first.files, first.files));
        let after: Vec<_> = kept.iter().map(|p| identity(&case.out(p))).collect();
        assert_eq!(before, after, "an unchanged file was written again");

        // One note edited: its page changes, unrelated files are kept.
        let zenith = case.out("customers/zenith-labs.html");
        let old = identity(&zenith);
        append(
            &case.note("Customers/Zenith Labs.md"),
            "\nA remark zqincremental1.\n",
        );
        let edited = case.build();
        assert!(
            0 < edited.unchanged && edited.unchanged < edited.files,
            "{edited:?}"
        );
        assert!(std::fs::read_to_string(&zenith)
            .unwrap()
            .contains("zqincremental1"));
        assert_ne!(identity(&zenith), old);
        let after: Vec<_> = kept.iter().map(|p| identity(&case.out(p))).collect();
        assert_eq!(before, after, "an unrelated file was written again");
        assert_eq!(case.site(), case.fresh(), "minify {minify}");
    }
}

#[test]
fn a_file_changed_deleted_or_added_by_hand_is_made_again() {
    let case = Case::new(true);
    case.build();
    let expected = case.site();
    // Another size; the same size with other bytes; gone; a stray file.
    std::fs::write(case.out("people/bo-chen.html"), "tampered").unwrap();
    let acme = case.out("customers/acme-corp.html");
    let same_size = "x".repeat(std::fs::metadata(&acme).unwrap().len() as usize);
    std::fs::write(&acme, same_size).unwrap();
    std::fs::remove_file(case.out("files/plant-layout.png")).unwrap();
    std::fs::write(case.out("stray.html"), "not dossier's").unwrap();
    let report = case.build();
    assert_eq!(report.files - report.unchanged, 3, "{report:?}");
    assert_eq!(case.site(), expected);
}

#[test]
fn switching_minify_makes_every_page_again() {
    let mut case = Case::new(false);
    case.build();
    let unminified = case.site();
    case.config.minify = true;
    let report = case.build();
    assert_eq!(case.site(), case.fresh());
    assert_ne!(
        case.site()["customers/acme-corp.html"],
        unminified["customers/acme-corp.html"],
        "a page kept from the unminified build"
    );
    let pages = read_tree(&case.config.out)
        .keys()
        .filter(|p| p.ends_with(".html"))
        .count();
    assert!(report.files - report.unchanged >= pages, "{report:?}");
}

#[test]
fn a_changed_template_makes_its_pages_again() {
    let mut case = Case::new(true);
    case.build();
    let theme = case.dir.path().join("theme");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    let note =
        std::fs::read_to_string(super::harness::repo().join("themes/default/templates/note.html"))
            .unwrap();
    let marked = note.replacen("</article>", "<p>zqtheme1</p></article>", 1);
    assert_ne!(marked, note, "the default note template has no </article>");
    std::fs::write(theme.join("templates/note.html"), marked).unwrap();
    case.config.theme = Some(theme);
    let report = case.build();
    assert!(std::fs::read_to_string(case.out("people/bo-chen.html"))
        .unwrap()
        .contains("zqtheme1"));
    assert!(
        report.unchanged > 0,
        "pages of other templates are kept: {report:?}"
    );
    assert_eq!(case.site(), case.fresh());
}

#[test]
fn a_damaged_or_foreign_record_keeps_nothing() {
    let case = Case::new(true);
    case.build();
    let expected = case.site();
    let marker = case.out(MARKER);
    let text = std::fs::read_to_string(&marker).unwrap();
    // Keys replaced by other keys, numbers by words: no entry may match.
    let damaged: String = text
        .lines()
        .map(|l| match l.split_once(' ') {
            Some((key, rest)) if !l.starts_with('#') && key.len() == 16 => {
                format!(
                    "{:016x} {rest}\n",
                    u64::from_str_radix(key, 16).unwrap() ^ 1
                )
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert_ne!(damaged, text);
    std::fs::write(&marker, damaged).unwrap();
    assert_eq!(case.build().unchanged, 0);
    assert_eq!(case.site(), expected);

    std::fs::write(&marker, "no manifest\n1 2 3 4 5\n").unwrap();
    assert_eq!(case.build().unchanged, 0);
    assert_eq!(case.site(), expected);
}

#[test]
fn a_failed_rebuild_leaves_the_old_files_as_they_were() {
    let case = Case::new(true);
    case.build();
    let before = read_tree(&case.config.out);
    let identities: Vec<_> = before.keys().map(|p| identity(&case.out(p))).collect();
    // A tag page template that fails while rendering: note pages are kept (linked into the new
    // site) before the build fails.
    let theme = case.dir.path().join("theme/templates");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("tag.html"), "{{ nothing.here }}").unwrap();
    let mut config = case.config.clone();
    config.theme = Some(case.dir.path().join("theme"));
    assert!(build(&config, &BuildOptions::default(), &mut |_| {}).is_err());
    assert_eq!(read_tree(&case.config.out), before, "the old site changed");
    let after: Vec<_> = before.keys().map(|p| identity(&case.out(p))).collect();
    assert_eq!(identities, after);
}
