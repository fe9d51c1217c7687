//! Obsidian callouts: a blockquote whose first line is `[!type]` (optionally `+`/`-` for foldable, then a
//! title). Recognised from the blockquote's source line; the rest stays ordinary markdown events.

/// A callout header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    /// The canonical type (`warning` for `caution`/`attention`), used as `data-callout`.
    pub kind: String,
    /// The title as written, else the type's display name.
    pub title: String,
    /// `Some(true)` for `+` (folded open), `Some(false)` for `-`, `None` when not foldable.
    pub fold: Option<bool>,
    /// Byte length of the header line within the blockquote source (events inside it are the title).
    pub header_len: usize,
}

/// Obsidian's callout types and their aliases; unknown types render as `note`.
const ALIASES: [(&str, &str); 26] = [
    ("note", "note"),
    ("abstract", "abstract"),
    ("summary", "abstract"),
    ("tldr", "abstract"),
    ("info", "info"),
    ("todo", "todo"),
    ("tip", "tip"),
    ("hint", "tip"),
    ("important", "tip"),
    ("success", "success"),
    ("check", "success"),
    ("done", "success"),
    ("question", "question"),
    ("help", "question"),
    ("faq", "question"),
    ("warning", "warning"),
    ("caution", "warning"),
    ("attention", "warning"),
    ("failure", "failure"),
    ("fail", "failure"),
    ("missing", "failure"),
    ("danger", "danger"),
    ("error", "danger"),
    ("bug", "bug"),
    ("example", "example"),
    ("quote", "quote"),
];

/// Reads a callout header from the source of a blockquote (starting at its first `>`).
pub fn parse(source: &str) -> Option<Callout> {
    let line_end = source.find('\n').unwrap_or(source.len());
    let line = &source[..line_end];
    let rest = line.trim_start().strip_prefix('>')?.trim_start();
    let rest = rest.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let written = rest[..close].trim().to_lowercase();
    if written.is_empty() || written.contains(char::is_whitespace) {
        return None;
    }
    let after = &rest[close + 1..];
    let (fold, after) = match after.chars().next() {
        Some('+') => (Some(true), &after[1..]),
        Some('-') => (Some(false), &after[1..]),
        _ => (None, after),
    };
    let kind = ALIASES
        .iter()
        .chain([("cite", "quote")].iter())
        .find(|(alias, _)| *alias == written)
        .map_or("note", |(_, k)| k)
        .to_string();
    let title = after.trim();
    let title = if title.is_empty() {
        let mut c = written.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        title.to_string()
    };
    Some(Callout {
        kind,
        title,
        fold,
        header_len: line_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callout_headers() {
        let c = parse("> [!warning] Risk ahead\n> body").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.title.as_str(), c.fold, c.header_len),
            ("warning", "Risk ahead", None, 23)
        );
        let c = parse(">[!TIP]- \n> body").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.title.as_str(), c.fold),
            ("tip", "Tip", Some(false))
        );
        assert_eq!(parse("> [!caution]+ Careful").unwrap().kind, "warning");
        assert_eq!(parse("> [!custom] X").unwrap().kind, "note");
        assert_eq!(parse("> [!cite]").unwrap().kind, "quote");
        assert_eq!(parse("> plain quote"), None);
        assert_eq!(parse("> [link](x)"), None);
    }
}
