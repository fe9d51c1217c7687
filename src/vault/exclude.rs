//! What is private: config `exclude` globs on vault paths, and `publish: false` in front matter.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Compiled `exclude` patterns. A pattern matches a path itself and everything below it, so
/// `Personal` excludes the folder `Personal/` and `Templates/**` excludes what it says. Matching ignores
/// case: Obsidian resolves links and names case-insensitively, and on the common disks (macOS, Windows)
/// `personal/` and `Personal/` are one folder, so a pattern that missed a folder by case alone would
/// publish what its author meant to hide. Patterns and paths are both [`fold`]ed before matching
/// (globset's own case folding covers ASCII only).
#[derive(Debug, Clone)]
pub struct Exclusions {
    set: GlobSet,
}

impl Exclusions {
    /// Patterns were validated when the config was loaded; an invalid one here is skipped.
    pub fn new(patterns: &[String]) -> Exclusions {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let p = fold(p.trim().trim_matches('/'));
            for pattern in [p.clone(), format!("{p}/**")] {
                if let Ok(glob) = GlobBuilder::new(&pattern).literal_separator(true).build() {
                    builder.add(glob);
                }
            }
        }
        let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
        Exclusions { set }
    }

    /// Is this vault-relative path (with `/`) excluded, or inside an excluded folder?
    pub fn excludes(&self, path: &str) -> bool {
        !self.set.is_empty() && self.set.is_match(fold(path))
    }
}

/// A pattern or path in the form exclusion compares: Unicode NFC (macOS writes names decomposed) and
/// lower case in every script, as Obsidian compares names.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if text.is_ascii() {
        // Already NFC; the common case, on every load of every path.
        return text.to_ascii_lowercase();
    }
    text.nfc().collect::<String>().to_lowercase()
}

/// `publish: false` (also the strings `"false"`/`"no"`) hides a note. Front matter that YAML cannot read
/// still hides it when one of its lines says so: a typo elsewhere in the block must not publish a
/// private note (the block would even be shown as text).
pub fn unpublished(fm: &crate::vault::Frontmatter) -> bool {
    use crate::value::Value;
    if fm.malformed {
        return fm.source.lines().any(says_unpublished);
    }
    match fm.fields.get("publish") {
        Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => is_no(s),
        _ => false,
    }
}

fn is_no(value: &str) -> bool {
    matches!(value.trim().to_lowercase().as_str(), "false" | "no")
}

/// A `publish: false` line as YAML would read it: key and value optionally quoted, a comment after.
fn says_unpublished(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else {
        return false;
    };
    let value = value.split(" #").next().unwrap_or(value).trim();
    key.trim().trim_matches(['"', '\'']) == "publish" && is_no(value.trim_matches(['"', '\'']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_and_globs() {
        let e = Exclusions::new(&[
            "Personal".into(),
            "Templates/**".into(),
            "**/draft-*.md".into(),
        ]);
        assert!(e.excludes("Personal"));
        assert!(e.excludes("Personal/Salary.md"));
        assert!(e.excludes("Personal/deep/x.png"));
        assert!(!e.excludes("Personality.md"));
        assert!(!e.excludes("People/Personal.md"));
        assert!(e.excludes("Templates/Customer.md"));
        assert!(e.excludes("Meetings/draft-1.md"));
        assert!(!e.excludes("Meetings/2026-01-01.md"));
    }

    #[test]
    fn patterns_ignore_case_as_obsidian_names_do() {
        let e = Exclusions::new(&["Personal".into(), "**/Draft-*.md".into(), "Ärger".into()]);
        assert!(e.excludes("personal/Salary.md"));
        assert!(e.excludes("PERSONAL"));
        assert!(e.excludes("Meetings/draft-1.MD"));
        assert!(e.excludes("ärger/x.md"));
        assert!(
            e.excludes("A\u{308}rger/x.md"),
            "a decomposed Ä is the same letter"
        );
        assert!(!e.excludes("personality.md"));
    }

    #[test]
    fn publish_false_hides_a_note_even_in_unreadable_yaml() {
        use crate::vault::Frontmatter;
        let fm = |source: &str, malformed: bool| Frontmatter {
            source: source.into(),
            malformed,
            ..Frontmatter::default()
        };
        for source in [
            "publish: false\ntitle: Budget: final",
            "title: [open\n'publish': \"no\" # private",
            "\tpublish: False",
        ] {
            assert!(unpublished(&fm(source, true)), "{source:?}");
        }
        for source in [
            "publish: true\ntitle: a: b",
            "published: false\nx: [",
            "title: publish: false",
        ] {
            assert!(!unpublished(&fm(source, true)), "{source:?}");
        }
    }
}
