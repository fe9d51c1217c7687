//! Obsidian's inline syntax inside a run of markdown text (never inside code): tags, `==highlight==`
//! marks, block ids, bracketed inline fields. Wikilinks and embeds are parsed by pulldown-cmark itself
//! (`ENABLE_WIKILINKS`); `%% comments %%` are blanked before parsing by [`strip_comments`]. Used by
//! `vault/` to collect and by `render/` to emit, so both agree.

use super::FieldForm;
use std::ops::Range;

/// Field values may nest brackets (`[owner:: [[A]]]`); deeper nesting than this is not a field.
const MAX_FIELD_NESTING: usize = 32;

/// One piece of Obsidian syntax found in a text run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `#tag` or `#a/b` (the tag without `#`).
    Tag(String),
    /// `==`: toggles a highlight on or off.
    HighlightMark,
    /// `^block-id` at the end of a paragraph or list item (the id without `^`).
    BlockId(String),
    /// `[key:: value]` or `(key:: value)`.
    Field {
        key: String,
        value: String,
        form: FieldForm,
    },
}

/// A token and its byte range within the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub token: Token,
}

/// Characters allowed in a tag after `#` (Obsidian: letters and digits of any script, `_`, `-`, `/`,
/// and emoji).
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '/' || is_emoji(c)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D)
}

/// The tag starting at `start` (just after `#`), if the text there is a tag: at least one character
/// that is not a digit (`#2024` is not a tag), not ending in `/`.
fn tag_at(text: &str, start: usize) -> Option<(String, usize)> {
    let rest = &text[start..];
    let len: usize = rest
        .chars()
        .take_while(|&c| is_tag_char(c))
        .map(char::len_utf8)
        .sum();
    let tag = rest[..len].trim_end_matches('/');
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit() || c == '/') || tag.starts_with('/')
    {
        return None;
    }
    Some((tag.to_string(), start + tag.len()))
}

/// The end (exclusive) of a bracketed field starting at `open` (`[` or `(`), with its key and value.
fn field_at(text: &str, open: usize) -> Option<(String, String, usize)> {
    let bytes = text.as_bytes();
    let (o, c) = match bytes[open] {
        b'[' => (b'[', b']'),
        _ => (b'(', b')'),
    };
    // The key holds no bracket or newline: look for `::` only up to the first of them (searching the
    // rest of the text from every bracket would be quadratic).
    let key_end = text[open + 1..]
        .find(['[', ']', '(', ')', '\n'])
        .map_or(text.len(), |i| open + 1 + i);
    let sep = find_pair(&text[open + 1..key_end], "::")? + open + 1;
    let key = &text[open + 1..sep];
    if key.trim().is_empty() {
        return None;
    }
    let mut depth = 1usize;
    let mut i = sep + 2;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b if b == o => {
                depth += 1;
                if depth > MAX_FIELD_NESTING {
                    return None;
                }
            }
            b if b == c => {
                depth -= 1;
                if depth == 0 {
                    let key = key.trim().trim_matches('*').trim_matches('_').trim();
                    return Some((key.to_string(), text[sep + 2..i].trim().to_string(), i + 1));
                }
            }
            b'\n' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The bytes a token starts at ([`inline_tokens`]), as a table: one load per byte of text, where
/// comparing with each of them took five.
const TOKEN_STARTS: [bool; 256] = {
    let mut starts = [false; 256];
    let mut i = 0;
    let bytes = b"#=^[(";
    while i < bytes.len() {
        starts[bytes[i] as usize] = true;
        i += 1;
    }
    starts
};

/// Tokens of one text run, in order, non-overlapping.
pub fn inline_tokens(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // A tag needs a `#`, a highlight a `=`, a block id a `^` and a field a `::`: a text with none of
    // them (most runs of prose) has no token, which one look at its bytes, many at once, tells.
    if !bytes.iter().fold(false, |any, &b| {
        any | matches!(b, b'#' | b'=' | b'^' | b':')
    }) {
        return out;
    }
    let mut i = 0;
    // Every token starts at one of these ASCII bytes, which never occur inside a multi-byte
    // character: the scan jumps from one to the next (this runs over every text run of every note).
    while let Some(skip) = bytes[i..]
        .iter()
        .position(|&b| TOKEN_STARTS[usize::from(b)])
    {
        i += skip;
        let prev = text[..i].chars().next_back();
        let at_boundary = prev.is_none_or(char::is_whitespace);
        match bytes[i] {
            b'#' if at_boundary => {
                if let Some((tag, end)) = tag_at(text, i + 1) {
                    out.push(Span {
                        range: i..end,
                        token: Token::Tag(tag),
                    });
                    i = end;
                    continue;
                }
            }
            b'=' if bytes.get(i + 1) == Some(&b'=')
                && bytes.get(i + 2) != Some(&b'=')
                && prev != Some('=') =>
            {
                out.push(Span {
                    range: i..i + 2,
                    token: Token::HighlightMark,
                });
                i += 2;
                continue;
            }
            b'^' if at_boundary => {
                let len = text[i + 1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
                    .count();
                let end = i + 1 + len;
                if len > 0 && text[end..].trim().is_empty() {
                    out.push(Span {
                        range: i..end,
                        token: Token::BlockId(text[i + 1..end].to_string()),
                    });
                    i = end;
                    continue;
                }
            }
            b'[' | b'(' => {
                if let Some((key, value, end)) = field_at(text, i) {
                    let form = if bytes[i] == b'[' {
                        FieldForm::Bracket
                    } else {
                        FieldForm::Paren
                    };
                    out.push(Span {
                        range: i..end,
                        token: Token::Field { key, value, form },
                    });
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The byte offset of the first `pair` (two ASCII characters) in `s`, without `str::find`'s searcher,
/// whose set-up costs more than the search on the short runs scanned here.
pub(crate) fn find_pair(s: &str, pair: &str) -> Option<usize> {
    let (bytes, [first, second]) = (s.as_bytes(), pair.as_bytes()) else {
        return s.find(pair);
    };
    memchr::memchr_iter(*first, bytes).find(|&i| bytes.get(i + 1) == Some(second))
}

/// `text` without the `^block-id` that ends it (and the space before it), as Obsidian shows a block:
/// the id names the block for links and embeds and is never part of its visible text.
pub fn strip_block_id(text: &str) -> &str {
    let trimmed = text.trim_end();
    match inline_tokens(trimmed).last() {
        Some(Span {
            range,
            token: Token::BlockId(_),
        }) if range.end == trimmed.len() => trimmed[..range.start].trim_end(),
        _ => text,
    }
}

/// Byte ranges of fenced code blocks and inline code spans, so that comment stripping skips them.
fn code_ranges(source: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Tag};
    let mut ranges = Vec::new();
    for (event, range) in super::chunks::offset_events(source) {
        match event {
            Event::Start(Tag::CodeBlock(_))
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// The source with every `%% comment %%` (outside code spans and fences) replaced by spaces, newlines
/// kept, so that byte offsets and line numbers stay valid. An unclosed `%%` comments out the rest.
pub fn strip_comments(source: &str) -> String {
    if !source.contains("%%") {
        return source.to_string();
    }
    // In document order, and `i` only grows: a cursor over them (testing every range at every `%%`
    // was quadratic in a note of many code spans and comments).
    let code = code_ranges(source);
    let mut next_code = 0;
    let mut in_code = |i: usize| {
        while code.get(next_code).is_some_and(|r| r.end <= i) {
            next_code += 1;
        }
        code.get(next_code).is_some_and(|r| r.contains(&i))
    };
    let mut out = source.as_bytes().to_vec();
    let mut i = 0;
    let mut open: Option<usize> = None;
    let bytes = source.as_bytes();
    while i + 1 < bytes.len() {
        if bytes[i] == b'%' && bytes[i + 1] == b'%' && !in_code(i) {
            match open.take() {
                None => open = Some(i),
                Some(start) => blank(&mut out, start, i + 2),
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    if let Some(start) = open {
        blank(&mut out, start, bytes.len());
    }
    // Only ASCII bytes outside newlines were replaced by spaces over whole characters: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Replaces `out[start..end]` by spaces, keeping newlines; multi-byte characters become as many spaces
/// as they had bytes, so offsets stay put.
fn blank(out: &mut [u8], start: usize, end: usize) {
    for b in &mut out[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

/// Markdown of one line as plain text: list markers, emphasis and wikilink brackets dropped.
pub fn plain_text(line: &str) -> String {
    // Slices until the one copy into `out` (a backlink snippet calls this for every link).
    let mut s = line.trim();
    for prefix in ["- [ ] ", "- [x] ", "- [X] ", "- ", "* ", "+ ", "> "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
        }
    }
    let s = s.trim_start_matches('#').trim();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Once no `]]` follows an `[[`, none follows a later one: looking again for each would be
    // quadratic in a run of unclosed brackets (an account's table cell of them took seconds).
    let mut closing = true;
    while let Some(open) = find_pair(rest, "[[") {
        out.push_str(rest[..open].trim_end_matches('!'));
        let after = &rest[open + 2..];
        let close = if closing {
            find_pair(after, "]]")
        } else {
            None
        };
        match close {
            Some(close) => {
                let inner = &after[..close];
                // Most links have no `\` and either a display text (after the first `|`) or a
                // target without `#`: one look at the bytes of the link tells.
                let (mut pipe, mut backslash, mut hash) = (None, false, false);
                for (i, b) in inner.bytes().enumerate() {
                    match b {
                        b'|' if pipe.is_none() => pipe = Some(i),
                        b'\\' => backslash = true,
                        b'#' => hash = true,
                        _ => {}
                    }
                }
                if !backslash && (pipe.is_some() || !hash) {
                    match pipe {
                        Some(p) => out.push_str(&inner[p + 1..]),
                        None => out.push_str(crate::index::names::strip_md(inner)),
                    }
                    rest = &after[close + 2..];
                    continue;
                }
                let unescaped;
                let inner = if find_pair(inner, "\\|").is_some() {
                    unescaped = inner.replace("\\|", "|");
                    unescaped.as_str()
                } else {
                    inner
                };
                match inner.split_once('|') {
                    Some((_, d)) => out.push_str(d),
                    None => {
                        let target = crate::index::names::strip_md(inner);
                        if target.contains('#') {
                            out.push_str(&target.replace('#', " > "));
                        } else {
                            out.push_str(target);
                        }
                    }
                }
                rest = &after[close + 2..];
            }
            None => {
                closing = false;
                out.push_str("[[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Most lines have no mark: one look at their bytes, many at once, tells.
    if !out
        .bytes()
        .fold(false, |any, b| any | matches!(b, b'*' | b'=' | b'_'))
    {
        return out;
    }
    for mark in ["**", "==", "__"] {
        if find_pair(&out, mark).is_some() {
            out = out.replace(mark, "");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        inline_tokens(text).into_iter().map(|s| s.token).collect()
    }

    #[test]
    fn tags_follow_obsidian_rules() {
        assert_eq!(
            tokens("a #tag and #a/b-c_d."),
            vec![Token::Tag("tag".into()), Token::Tag("a/b-c_d".into())]
        );
        assert_eq!(tokens("#2024 is a year"), vec![]);
        assert_eq!(tokens("#y2024 ok"), vec![Token::Tag("y2024".into())]);
        assert_eq!(tokens("see page#anchor"), vec![]);
        assert_eq!(
            tokens("#café #状态"),
            vec![Token::Tag("café".into()), Token::Tag("状态".into())]
        );
        assert_eq!(tokens("# heading"), vec![]);
    }

    #[test]
    fn highlights_block_ids_and_fields() {
        assert_eq!(
            tokens("==hi=="),
            vec![Token::HighlightMark, Token::HighlightMark]
        );
        assert_eq!(tokens("a === b"), vec![]);
        assert_eq!(
            tokens("end of para ^block-1"),
            vec![Token::BlockId("block-1".into())]
        );
        assert_eq!(tokens("x^2 is not"), vec![]);
        let spans = inline_tokens("Due [due:: 2026-01-09] and (owner:: [[A]])!");
        assert_eq!(spans.len(), 2);
        assert_eq!(
            spans[0].token,
            Token::Field {
                key: "due".into(),
                value: "2026-01-09".into(),
                form: FieldForm::Bracket
            }
        );
        assert_eq!(
            &"Due [due:: 2026-01-09] and (owner:: [[A]])!"[spans[1].range.clone()],
            "(owner:: [[A]])"
        );
        assert_eq!(tokens("[not a field] (nor this)"), vec![]);
    }

    #[test]
    fn tokens_are_found_among_multibyte_characters() {
        // The scan jumps between the ASCII bytes a token starts with; what stands before them decides.
        assert_eq!(
            tokens("Café #résumé é#no naïve [kéy:: välue] ==hé== fin ^b1"),
            vec![
                Token::Tag("résumé".into()),
                Token::Field {
                    key: "kéy".into(),
                    value: "välue".into(),
                    form: FieldForm::Bracket
                },
                Token::HighlightMark,
                Token::HighlightMark,
                Token::BlockId("b1".into()),
            ]
        );
        assert_eq!(find_pair("é[x[[", "[["), Some(4));
        assert_eq!(find_pair("[x]", "[["), None);
    }

    #[test]
    fn plain_text_drops_markup_and_keeps_what_links_show() {
        assert_eq!(
            plain_text(
                "- [ ] Call [[Ana Diaz|Ana]] on [[Acme#Renewal]], ![[chart.png]], [[Foo\\|Bar]] **now** ==hl== [[open"
            ),
            "Call Ana on Acme > Renewal, chart.png, Bar now hl [[open"
        );
        // After an unclosed `[[`, later links are not closed either: they stay as written.
        assert_eq!(plain_text("a [[b ![[c"), "a [[b [[c");
        assert_eq!(plain_text("[[a]] [[b [[c"), "a [[b [[c");
    }

    /// `plain_text` as it was before it looked at a link's bytes once and at a line's marks once.
    fn plain_text_by_searches(line: &str) -> String {
        // Slices until the one copy into `out` (a backlink snippet calls this for every link).
        let mut s = line.trim();
        for prefix in ["- [ ] ", "- [x] ", "- [X] ", "- ", "* ", "+ ", "> "] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest;
            }
        }
        let s = s.trim_start_matches('#').trim();
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        // Once no `]]` follows an `[[`, none follows a later one: looking again for each would be
        // quadratic in a run of unclosed brackets (an account's table cell of them took seconds).
        let mut closing = true;
        while let Some(open) = find_pair(rest, "[[") {
            out.push_str(rest[..open].trim_end_matches('!'));
            let after = &rest[open + 2..];
            let close = if closing {
                find_pair(after, "]]")
            } else {
                None
            };
            match close {
                Some(close) => {
                    let inner = &after[..close];
                    let unescaped;
                    let inner = if find_pair(inner, "\\|").is_some() {
                        unescaped = inner.replace("\\|", "|");
                        unescaped.as_str()
                    } else {
                        inner
                    };
                    match inner.split_once('|') {
                        Some((_, d)) => out.push_str(d),
                        None => {
                            let target = crate::index::names::strip_md(inner);
                            if target.contains('#') {
                                out.push_str(&target.replace('#', " > "));
                            } else {
                                out.push_str(target);
                            }
                        }
                    }
                    rest = &after[close + 2..];
                }
                None => {
                    closing = false;
                    out.push_str("[[");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        for mark in ["**", "==", "__"] {
            if find_pair(&out, mark).is_some() {
                out = out.replace(mark, "");
            }
        }
        out
    }

    /// Every line of up to four pieces of link syntax, marks and text comes out as it did.
    #[test]
    fn plain_text_agrees_with_searching_for_each_piece() {
        let pieces = [
            "[[", "]]", "|", "\\", "#", "a", ".md", "**", "==", "_", "!", " ", "- ", "é",
        ];
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            lines = lines
                .iter()
                .flat_map(|l| pieces.iter().map(move |p| format!("{l}{p}")))
                .collect();
            for line in &lines {
                assert_eq!(plain_text(line), plain_text_by_searches(line), "{line:?}");
            }
        }
        for line in [
            "[[A|b\\|c]]",
            "[[A#h|x]] [[B#h]] [[C\\|d#e]]",
            "x [[Plan.md]] *y* __z__",
        ] {
            assert_eq!(plain_text(line), plain_text_by_searches(line), "{line:?}");
        }
    }

    #[test]
    fn block_ids_are_stripped_from_the_end_only() {
        assert_eq!(strip_block_id("Send SOW ^abc123"), "Send SOW");
        assert_eq!(strip_block_id("Send SOW ^abc-123  \n"), "Send SOW");
        assert_eq!(strip_block_id("^only"), "");
        assert_eq!(strip_block_id("x^2 stays"), "x^2 stays");
        assert_eq!(strip_block_id("a ^mid b"), "a ^mid b");
        assert_eq!(strip_block_id("no id"), "no id");
    }

    #[test]
    fn comments_are_blanked_keeping_offsets() {
        let src = "a %%hidden%% b\n%%\nmulti\n%%\n`%%code%%`";
        let out = strip_comments(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(out, "a            b\n  \n     \n  \n`%%code%%`");
        assert_eq!(
            strip_comments("x %% never closed\nmore"),
            "x                \n    "
        );
        let fenced = "```\n%% kept %%\n```\n";
        assert_eq!(strip_comments(fenced), fenced);
        // Code spans among comments: each `%%` is judged against the span it is in, or none.
        let mixed = "`a %%` %%x%% `%%` b %%y%% `c`";
        assert_eq!(strip_comments(mixed), "`a %%`       `%%` b       `c`");
    }
}
