//! What is private: config `exclude` globs on vault paths, and `publish: false` in front matter.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Compiled `exclude` patterns. A pattern matches a path itself and everything below it, so
/// `Personal` excludes the folder `Personal/` and `Templates/**` excludes what it says.
#[derive(Debug, Clone)]
pub struct Exclusions {
    set: GlobSet,
}

impl Exclusions {
    /// Patterns were validated when the config was loaded; an invalid one here is skipped.
    pub fn new(patterns: &[String]) -> Exclusions {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim().trim_matches('/');
            for pattern in [p.to_string(), format!("{p}/**")] {
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
        self.set.is_match(path)
    }
}

/// `publish: false` (also the strings `"false"`/`"no"`) hides a note.
pub fn unpublished(fields: &std::collections::BTreeMap<String, crate::value::Value>) -> bool {
    use crate::value::Value;
    match fields.get("publish") {
        Some(Value::Bool(false)) => true,
        Some(Value::String(s)) => matches!(s.trim().to_lowercase().as_str(), "false" | "no"),
        _ => false,
    }
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
}
