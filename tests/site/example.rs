//! The example vault (`content/` with the repository's `dossier.toml`) builds into a complete site.

use super::crawl::broken_links;
use super::harness::{build_with, example_config, read_tree};

/// Markers planted in private notes of the example vault; none may reach the output.
const PRIVATE_MARKERS: [&str; 3] = [
    "SECRET-PERSONAL-93X",
    "SECRET-UNPUBLISHED-41K",
    "INTERNAL-ONLY-7Q2",
];

#[test]
fn example_site_has_no_broken_internal_link() {
    let site = build_with(example_config());
    assert!(site.files.contains_key("index.html"));
    assert!(site.files.contains_key("404.html"));
    let broken = broken_links(&site);
    assert!(
        broken.is_empty(),
        "{} broken references:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn example_site_leaks_no_private_marker() {
    let site = build_with(example_config());
    for marker in PRIVATE_MARKERS {
        let hits = site.contains_anywhere(marker);
        assert!(hits.is_empty(), "{marker} leaked into {hits:?}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let a = build_with(example_config());
    let b = build_with(example_config());
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &a.files {
        assert!(bytes == &b.files[path], "{path} differs between two builds");
    }
    assert_eq!(read_tree(&a.out).len(), a.files.len());
}
