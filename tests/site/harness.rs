//! A small harness: build a vault into a temporary folder and look at what came out.

use dossier::config::Config;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root (where `content/` and `dossier.toml` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// A built site: every output file's bytes by relative path (with `/`).
pub struct Site {
    pub _dir: tempfile::TempDir,
    pub out: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: dossier::BuildReport,
}

impl Site {
    pub fn html(&self, rel: &str) -> String {
        let bytes = self.files.get(rel).unwrap_or_else(|| {
            panic!(
                "no {rel} in the output; files: {:?}",
                self.files.keys().take(50).collect::<Vec<_>>()
            )
        });
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// The first page whose path ends with `suffix`.
    pub fn find(&self, suffix: &str) -> String {
        let key = self
            .files
            .keys()
            .find(|k| k.ends_with(suffix))
            .unwrap_or_else(|| panic!("no output file ending in {suffix}"));
        self.html(key)
    }

    /// Every output file (of any kind: pages, the search index, the sitemap, copied binaries, the
    /// marker file) whose path or bytes contain `needle`, ignoring ASCII case (a slug, a search index
    /// or a CSS transform may change the case of a secret).
    pub fn contains_anywhere(&self, needle: &str) -> Vec<String> {
        let needle = needle.to_ascii_lowercase().into_bytes();
        let holds = |bytes: &[u8]| {
            !needle.is_empty()
                && bytes
                    .windows(needle.len())
                    .any(|w| w.eq_ignore_ascii_case(&needle))
        };
        self.files
            .iter()
            .filter(|(path, bytes)| holds(path.as_bytes()) || holds(bytes))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// Writes `bytes` to `root/rel`, making its folders.
pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Copies the folder `from` to `to` (files only; the fixtures hold no links).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Config for a fixture case folder: its `dossier.toml` when present, vault = `<case>/vault`.
pub fn case_config(case: &Path) -> Config {
    let mut config = if case.join("dossier.toml").is_file() {
        Config::load(&case.join("dossier.toml")).unwrap()
    } else {
        Config::default()
    };
    config.vault = case.join("vault");
    config
        .today
        .get_or_insert(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    config
}

/// Builds with `config` into a fresh temporary output folder.
pub fn build_with(mut config: Config) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    config.out = out.clone();
    let report = dossier::build(&config, &dossier::BuildOptions::default(), &mut |_| {})
        .unwrap_or_else(|e| panic!("build failed: {e}"));
    let files = read_tree(&out);
    Site {
        _dir: dir,
        out,
        files,
        report,
    }
}

pub fn build_case(rel: &str) -> Site {
    build_with(case_config(&fixture(rel)))
}

/// The example vault with the repository's `dossier.toml`.
pub fn example_config() -> Config {
    Config::load(&repo().join("dossier.toml")).unwrap()
}
