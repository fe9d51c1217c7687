//! YAML front matter: split off the top of a note, parsed with serde_yaml, typed by DATAVIEW.md §9.2.
//! A broken block is a warning with the file's line and column; the note is still published unless a
//! line of the block says `publish: false` (`vault/exclude`).

use super::note::Frontmatter;
use crate::diagnostics::Diagnostic;
use crate::value::{parse, Value};
use std::collections::BTreeMap;

/// Front matter larger than this is not parsed (a pasted log between fences): a warning, shown as text.
const MAX_FRONTMATTER_BYTES: usize = 1 << 20;

/// Nesting deeper than this in YAML values is cut (a hostile or generated block); far beyond real use.
const MAX_VALUE_DEPTH: usize = 64;

/// Where the body starts: after the front matter block, else 0 (no block, or one never closed). The
/// place [`parse`] gives, without parsing the YAML.
pub fn body_start(text: &str) -> usize {
    match split(text) {
        Ok(Some((_, _, body))) => body,
        Ok(None) | Err(()) => 0,
    }
}

/// Where the front matter block is: `Some((yaml_start, yaml_end, body_start))` when the text starts with
/// a `---` line closed by a `---` or `...` line; `None` when there is no block. `Err(())` when the
/// opening fence is never closed.
fn split(text: &str) -> Result<Option<(usize, usize, usize)>, ()> {
    let first = text.split('\n').next().unwrap_or("");
    if first.trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = first.len() + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let body = (line_end + 1).min(text.len());
            return Ok(Some((yaml_start, pos, body)));
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    Err(())
}

fn convert(v: &serde_yaml::Value, typed: bool, depth: usize) -> Value {
    use serde_yaml::Value as Y;
    if depth > MAX_VALUE_DEPTH {
        return Value::Null;
    }
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        Y::String(s) if typed => parse::frontmatter_string(s),
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            Value::List(items.iter().map(|i| convert(i, typed, depth + 1)).collect())
        }
        Y::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (key_text(k), convert(v, typed, depth + 1)))
                .collect(),
        ),
        Y::Tagged(t) => convert(&t.value, typed, depth + 1),
    }
}

fn key_text(k: &serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// Top-level keys that appear more than once, with the line (0-based within the YAML) of the repeat.
fn duplicate_keys(yaml: &str) -> Vec<(String, usize)> {
    let mut seen = foldhash::HashSet::default();
    let mut dups = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            if !key.is_empty() && !seen.insert(key.to_string()) {
                dups.push((key.to_string(), i));
            }
        }
    }
    dups
}

/// Parses the front matter of `text` (already BOM-stripped and LF-only). Returns the block and where the
/// body starts; problems are pushed to `diags` against `path`.
pub fn parse(text: &str, path: &str, diags: &mut Vec<Diagnostic>) -> (Frontmatter, usize) {
    let (yaml_start, yaml_end, body_start) = match split(text) {
        Ok(Some(parts)) => parts,
        Ok(None) => return (Frontmatter::default(), 0),
        Err(()) => {
            diags.push(Diagnostic::warning(
                path,
                1,
                1,
                "front matter opened with `---` is never closed; the whole file is read as the body",
            ));
            return (Frontmatter::default(), 0);
        }
    };
    let source = text[yaml_start..yaml_end].to_string();
    let mut fm = Frontmatter {
        source,
        span: 0..body_start,
        ..Frontmatter::default()
    };
    // Line 1 is the opening fence, so YAML line n (1-based) is file line n + 1.
    let warn = |diags: &mut Vec<Diagnostic>, line: usize, col: usize, msg: String| {
        diags.push(Diagnostic::warning(path, line as u32 + 1, col as u32, msg));
    };
    if fm.source.len() > MAX_FRONTMATTER_BYTES {
        warn(
            diags,
            0,
            1,
            format!("front matter is over {MAX_FRONTMATTER_BYTES} bytes; not parsed"),
        );
        fm.malformed = true;
        return (fm, body_start);
    }
    if fm.source.trim().is_empty() {
        return (fm, body_start);
    }
    if let Some(line) = fm.source.lines().position(|l| l.starts_with('\t')) {
        warn(
            diags,
            line + 1,
            1,
            "front matter indented with a tab; YAML allows only spaces".into(),
        );
        fm.malformed = true;
        return (fm, body_start);
    }
    match serde_yaml::from_str::<serde_yaml::Value>(&fm.source) {
        Ok(serde_yaml::Value::Mapping(map)) => {
            for (key, line) in duplicate_keys(&fm.source) {
                warn(
                    diags,
                    line + 1,
                    1,
                    format!("front matter key `{key}` appears twice; the last one wins"),
                );
            }
            let mut fields = Vec::with_capacity(map.len());
            let mut raw = BTreeMap::new();
            for (k, v) in &map {
                let key = key_text(k);
                let (typed, as_written) = (convert(v, true, 0), convert(v, false, 0));
                // Two YAML keys can have the same text (`1:` and `"1":`): the last one wins in both.
                if typed != as_written {
                    raw.insert(key.clone(), as_written);
                } else {
                    raw.remove(&key);
                }
                fields.push((key, typed));
            }
            // Collected, not inserted one by one (quadratic in a block of 70,000 keys); of two keys
            // with the same text the map keeps the last.
            fm.fields = fields.into_iter().collect();
            fm.raw_changed = raw.into_iter().collect();
        }
        Ok(serde_yaml::Value::Null) => {}
        Ok(other) => {
            let kind = match other {
                serde_yaml::Value::Sequence(_) => "a list",
                _ => "a single value",
            };
            warn(
                diags,
                1,
                1,
                format!("front matter is {kind}, not a set of `key: value` fields; ignored"),
            );
            fm.malformed = true;
        }
        Err(e) => {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            warn(diags, line, col, format!("malformed front matter: {msg}"));
            fm.malformed = true;
        }
    }
    (fm, body_start)
}

/// A front-matter list-or-string field as strings: `[a, b]`, or `"a, b"` / `"a b"` split on `split`.
pub fn string_list(value: Option<&Value>, split: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| {
        for part in s.split(split) {
            let part = part.trim();
            if !part.is_empty() {
                out.push(part.to_string());
            }
        }
    };
    match value {
        Some(Value::List(items)) => {
            for item in items {
                match item {
                    Value::String(s) => push(s),
                    Value::Number(n) => push(&n.to_string()),
                    Value::Link(l) => push(&l.path),
                    _ => {}
                }
            }
        }
        Some(Value::String(s)) => push(s),
        Some(Value::Link(l)) => push(&l.path),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Frontmatter, usize, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let (fm, body) = parse(text, "n.md", &mut d);
        (fm, body, d)
    }

    #[test]
    fn typed_and_raw_fields() {
        let (fm, body, d) = run("---\ntitle: Acme\ncreated: '2026-01-03'\ncount: 3\nowner: \"[[Gordon]]\"\ntags:\n- a\n---\n# Body\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(&"---\ntitle: Acme\ncreated: '2026-01-03'\ncount: 3\nowner: \"[[Gordon]]\"\ntags:\n- a\n---\n# Body\n"[body..], "# Body\n");
        assert!(matches!(fm.fields.get("created").unwrap(), Value::Date(_)));
        assert_eq!(fm.raw()["created"], Value::String("2026-01-03".into()));
        assert!(matches!(fm.fields.get("owner").unwrap(), Value::Link(_)));
        assert_eq!(*fm.fields.get("count").unwrap(), Value::Number(3.0));
        assert!(!fm.malformed);
    }

    #[test]
    fn the_raw_front_matter_is_every_value_as_written() {
        let yaml = "title: Acme\ncreated: '2026-01-03'\ncount: 3\nowner: \"[[Gordon]]\"\nlinks:\n- \"[[A]]\"\n- plain\nnested:\n  when: 2026-02-01\n  n: 1\ntags:\n- a\n";
        let (fm, _, d) = run(&format!("---\n{yaml}---\n"));
        assert!(d.is_empty(), "{d:?}");
        let s = |v: &str| Value::String(v.into());
        let expected = BTreeMap::from([
            ("title".to_string(), s("Acme")),
            ("created".into(), s("2026-01-03")),
            ("count".into(), Value::Number(3.0)),
            ("owner".into(), s("[[Gordon]]")),
            ("links".into(), Value::List(vec![s("[[A]]"), s("plain")])),
            (
                "nested".into(),
                Value::Object(BTreeMap::from([
                    ("when".to_string(), s("2026-02-01")),
                    ("n".into(), Value::Number(1.0)),
                ])),
            ),
            ("tags".into(), Value::List(vec![s("a")])),
        ]);
        assert_eq!(fm.raw(), expected);
        // Only the values that typing changed are kept a second time.
        let changed: Vec<&str> = fm.raw_changed.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(changed, ["created", "links", "nested", "owner"]);
        // Keys of the same text: the last one's value, typed and as written.
        let (fm, _, _) = run("---\n1: '2026-01-03'\n'1': plain\n---\n");
        assert_eq!(*fm.fields.get("1").unwrap(), s("plain"));
        assert_eq!(fm.raw()["1"], s("plain"));
    }

    #[test]
    fn malformed_yaml_names_the_file_line() {
        let (fm, body, d) = run("---\ntitle: ok\nbad: [unclosed\nmore: x\n---\nbody");
        assert!(fm.malformed);
        assert_eq!(body, "---\ntitle: ok\nbad: [unclosed\nmore: x\n---\n".len());
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "{:?}", d[0]);
        assert!(
            d[0].message.starts_with("malformed front matter"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn unclosed_tabbed_list_and_duplicate_blocks_warn() {
        let (_, body, d) = run("---\ntitle: x\nno end");
        assert_eq!((body, d.len()), (0, 1));
        let (fm, _, d) = run("---\ntitle: x\n\tbad: y\n---\n");
        assert!(fm.malformed && d[0].line == 3, "{d:?}");
        let (fm, _, d) = run("---\n- a\n- b\n---\n");
        assert!(fm.malformed && d[0].message.contains("a list"));
        let (_, _, d) = run("---\na: 1\na: 2\n---\n");
        assert!(!d.is_empty(), "duplicate key must warn");
    }

    #[test]
    fn no_block_and_empty_block() {
        assert_eq!(run("# Title\n---\n").1, 0);
        let (fm, body, d) = run("---\n---\nx");
        assert_eq!((body, d.len(), fm.fields.len()), (8, 0, 0));
    }

    #[test]
    fn string_lists() {
        assert_eq!(
            string_list(Some(&Value::String("a, b c".into())), &[',', ' ']),
            vec!["a", "b", "c"]
        );
        assert_eq!(
            string_list(Some(&Value::List(vec![Value::String("x".into())])), &[',']),
            vec!["x"]
        );
    }
}
