//! String functions (§8 "Containers and strings", the string half) and the conversions to text.

use super::Env;
use crate::dataview::ops;
use crate::value::{format, Value};
use regex::Regex;

/// Regexes longer than this are refused (the `regex` crate is linear-time, but its compile is not free).
const MAX_REGEX_LEN: usize = 10_000;

fn regex(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_REGEX_LEN {
        return Err(format!("regex longer than {MAX_REGEX_LEN} characters"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            format!(
                "invalid regex {pattern:?}: {}",
                e.to_string().lines().last().unwrap_or("")
            )
        })
}

/// JS `String.length`: UTF-16 code units.
pub fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// UTF-16-indexed substring, JS `substring` semantics (clamped, swapped when start > end).
fn js_substring(s: &str, start: f64, end: Option<f64>) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = units.len() as f64;
    let clamp = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, len) } as usize;
    let (mut a, mut b) = (clamp(start), clamp(end.unwrap_or(len)));
    if a > b {
        std::mem::swap(&mut a, &mut b);
    }
    String::from_utf16_lossy(&units[a..b])
}

/// `display()` of a string: markdown stripped (`[[a|b]]` → `b`, `[t](url)` → `t`, `**x**` → `x`).
fn strip_markdown(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let wiki = rest.find("[[");
        let md = rest.find('[').filter(|&i| !rest[i..].starts_with("[["));
        match (wiki, md) {
            (Some(w), m) if m.is_none_or(|m| w <= m) => {
                out.push_str(rest[..w].trim_end_matches('!'));
                let after = &rest[w + 2..];
                let Some(close) = after.find("]]") else {
                    out.push_str(&rest[w..]);
                    break;
                };
                let inner = &after[..close];
                out.push_str(match inner.split_once('|') {
                    Some((_, d)) => d,
                    None => inner.rsplit('/').next().unwrap_or(inner),
                });
                rest = &after[close + 2..];
            }
            (_, Some(m)) => {
                out.push_str(&rest[..m]);
                let after = &rest[m + 1..];
                match after
                    .find("](")
                    .and_then(|c| after[c + 2..].find(')').map(|e| (c, c + 2 + e)))
                {
                    Some((c, e)) => {
                        out.push_str(&after[..c]);
                        rest = &after[e + 1..];
                    }
                    None => {
                        out.push('[');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push_str(rest);
                break;
            }
        }
    }
    ["**", "__", "==", "~~", "*", "_", "`"]
        .iter()
        .fold(out, |acc, m| acc.replace(m, ""))
}

/// `display()` (§8 Utility).
pub fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => strip_markdown(s),
        Value::Link(l) => l.display.clone().unwrap_or_else(|| {
            let p = crate::index::names::strip_md(&l.path);
            p.rsplit('/').next().unwrap_or(p).to_string()
        }),
        Value::List(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Date(d) => format::luxon(d, "MMMM dd, yyyy"),
        other => ops::to_string(other),
    }
}

/// cyrb53, over UTF-16 code units as JavaScript sees the string.
pub fn cyrb53(text: &str, seed: u32) -> u64 {
    let mut h1: u32 = 0xdead_beef ^ seed;
    let mut h2: u32 = 0x41c6_ce57 ^ seed;
    for ch in text.encode_utf16() {
        let ch = ch as u32;
        h1 = (h1 ^ ch).wrapping_mul(2_654_435_761);
        h2 = (h2 ^ ch).wrapping_mul(1_597_334_677);
    }
    h1 = (h1 ^ (h1 >> 16)).wrapping_mul(2_246_822_507);
    h1 ^= (h2 ^ (h2 >> 13)).wrapping_mul(3_266_489_909);
    h2 = (h2 ^ (h2 >> 16)).wrapping_mul(2_246_822_507);
    h2 ^= (h1 ^ (h1 >> 13)).wrapping_mul(3_266_489_909);
    4_294_967_296u64 * (2_097_151 & h2) as u64 + h1 as u64
}

/// `split` with JS semantics: regex separator, capture groups spliced in, unmatched groups as `""`.
fn split(text: &str, re: &Regex, limit: Option<usize>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() && (m.start() == 0 || m.start() == text.len()) {
            continue;
        }
        out.push(Value::String(text[last..m.start()].to_string()));
        for g in caps.iter().skip(1) {
            out.push(Value::String(
                g.map_or(String::new(), |g| g.as_str().to_string()),
            ));
        }
        last = m.end();
    }
    out.push(Value::String(text[last..].to_string()));
    if let Some(l) = limit {
        out.truncate(l);
    }
    out
}

/// JS `replace` with `$1`, `$&` group references → the regex crate's `${1}` form.
fn js_replacement(repl: &str) -> String {
    let mut out = String::new();
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek() {
                Some(d) if d.is_ascii_digit() => {
                    let mut num = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        num.push(*d);
                        chars.next();
                    }
                    out.push_str(&format!("${{{num}}}"));
                }
                Some('&') => {
                    chars.next();
                    out.push_str("${0}");
                }
                Some('$') => {
                    chars.next();
                    out.push_str("$$");
                }
                _ => out.push_str("$$"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// `Some(result)` when `name` is a function of this family; `Err("")` means no variant matched.
pub fn call(name: &str, args: &[Value], env: &dyn Env) -> Option<Result<Value, String>> {
    use Value::*;
    let none = || Err(std::string::String::new());
    let a0 = args.first();
    let a1 = args.get(1);
    let a2 = args.get(2);
    Some(match name {
        "lower" => match a0 {
            Some(String(s)) => Ok(String(s.to_lowercase())),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "upper" => match a0 {
            Some(String(s)) => Ok(String(s.to_uppercase())),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "startswith" | "endswith" => match (a0, a1) {
            (Some(String(s)), Some(String(p))) => Ok(Bool(if name == "startswith" {
                s.starts_with(p.as_str())
            } else {
                s.ends_with(p.as_str())
            })),
            (Some(Null), _) | (_, Some(Null)) => Ok(Bool(false)),
            _ => none(),
        },
        "containsword" => match (a0, a1) {
            (Some(String(t)), Some(String(w))) => {
                let words: Vec<std::string::String> = t
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .map(str::to_string)
                    .collect();
                Ok(Bool(words.iter().any(|x| *x == w.to_lowercase())))
            }
            (Some(Null), _) | (_, Some(Null)) => Ok(Bool(false)),
            _ => none(),
        },
        "regextest" => match (a0, a1) {
            (Some(String(p)), Some(String(t))) => regex(p).map(|r| Bool(r.is_match(t))),
            (_, Some(Null)) | (Some(Null), _) => Ok(Bool(false)),
            _ => none(),
        },
        "regexmatch" => match (a0, a1) {
            (Some(String(p)), Some(String(t))) => {
                // §8 quirk: wrapped in ^…$ only when the pattern has neither anchor.
                let pattern = if p.starts_with('^') || p.ends_with('$') {
                    p.clone()
                } else {
                    format!("^(?:{p})$")
                };
                regex(&pattern).map(|r| Bool(r.is_match(t)))
            }
            (_, Some(Null)) | (Some(Null), _) => Ok(Bool(false)),
            _ => none(),
        },
        "regexreplace" => match (a0, a1, a2) {
            (Some(String(t)), Some(String(p)), Some(String(r))) => regex(p)
                .map(|re| String(re.replace_all(t, js_replacement(r).as_str()).into_owned())),
            (Some(Null), _, _) => Ok(Null),
            _ => none(),
        },
        "replace" => match (a0, a1, a2) {
            (Some(String(t)), Some(String(p)), Some(String(r))) => Ok(String(if p.is_empty() {
                t.clone()
            } else {
                t.replace(p.as_str(), r)
            })),
            (Some(Null), _, _) => Ok(Null),
            _ => none(),
        },
        "split" => match (a0, a1) {
            (Some(String(t)), Some(String(p))) => {
                let limit = num(a2).map(|n| n.max(0.0) as usize);
                regex(p).map(|re| List(split(t, &re, limit)))
            }
            (Some(Null), _) => Ok(Null),
            _ => none(),
        },
        "padleft" | "padright" => match (a0, num(a1)) {
            (Some(String(t)), Some(len)) => {
                let pad = match a2 {
                    Some(String(p)) if !p.is_empty() => p.clone(),
                    _ => " ".into(),
                };
                let missing = (len.max(0.0) as usize)
                    .saturating_sub(js_len(t))
                    .min(1_000_000);
                let fill: std::string::String = pad.chars().cycle().take(missing).collect();
                Ok(String(if name == "padleft" {
                    format!("{fill}{t}")
                } else {
                    format!("{t}{fill}")
                }))
            }
            _ => none(),
        },
        "substring" => match (a0, num(a1)) {
            (Some(String(t)), Some(start)) => Ok(String(js_substring(t, start, num(a2)))),
            _ => none(),
        },
        "truncate" => match (a0, num(a1)) {
            (Some(String(t)), Some(len)) => {
                let suffix = match a2 {
                    Some(String(s)) => s.clone(),
                    _ => "...".into(),
                };
                let keep = (len - js_len(&suffix) as f64).max(0.0);
                if js_len(t) as f64 > keep {
                    Ok(String(format!(
                        "{}{suffix}",
                        js_substring(t, 0.0, Some(keep))
                    )))
                } else {
                    Ok(String(t.clone()))
                }
            }
            _ => none(),
        },
        "string" => match a0 {
            Some(v) => Ok(String(ops::to_string(v))),
            None => none(),
        },
        "display" => match a0 {
            Some(v) => Ok(String(display(v))),
            None => none(),
        },
        "typeof" => match a0 {
            Some(v) => Ok(String(v.type_name().into())),
            None => none(),
        },
        "number" => match a0 {
            Some(Number(n)) => Ok(Number(*n)),
            Some(String(s)) => {
                // The first `-?digits(.digits)?` in the text (§8).
                let re = Regex::new(r"-?[0-9]+(\.[0-9]+)?").map_err(|e| e.to_string());
                Ok(re
                    .ok()
                    .and_then(|re| re.find(s).and_then(|m| m.as_str().parse().ok()))
                    .map_or(Null, Number))
            }
            Some(Null) => Ok(Null),
            _ => Ok(Null),
        },
        "hash" => {
            let text = |v: &Value| match v {
                String(s) => s.clone(),
                other => ops::to_string(other),
            };
            match (a0, a1, a2) {
                (Some(seed), Some(String(t)), variant) => {
                    let v = num(variant).unwrap_or(0.0) as u32;
                    Ok(Number(cyrb53(&format!("{}{t}", text(seed)), v) as f64))
                }
                (Some(seed), Some(Number(v)), None) => {
                    Ok(Number(cyrb53(&text(seed), *v as u32) as f64))
                }
                _ => none(),
            }
        }
        "currencyformat" => match a0 {
            Some(Number(n)) => {
                let code = match a1 {
                    Some(String(c)) => c.to_uppercase(),
                    _ => "USD".into(),
                };
                let symbol = match code.as_str() {
                    "USD" => "$",
                    "EUR" => "€",
                    "GBP" => "£",
                    "JPY" => "¥",
                    _ => "",
                };
                let neg = *n < 0.0;
                let cents = format!("{:.2}", n.abs());
                let (int, frac) = cents.split_once('.').unwrap_or((&cents, "00"));
                let mut grouped = std::string::String::new();
                for (i, c) in int.chars().enumerate() {
                    if i > 0 && (int.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                let prefix = if symbol.is_empty() {
                    format!("{code} ")
                } else {
                    symbol.to_string()
                };
                Ok(String(format!(
                    "{}{prefix}{grouped}.{frac}",
                    if neg { "-" } else { "" }
                )))
            }
            Some(Null) => Ok(Null),
            _ => none(),
        },
        _ => {
            let _ = env;
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::testenv::*;
    use super::*;

    #[test]
    fn regex_functions_and_quirks() {
        assert_eq!(
            run("regexmatch", vec![s("^Osp"), s("Osprey")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("regexmatch", vec![s("Osp"), s("Osprey")]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            run("regextest", vec![s("Osp"), s("Osprey")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("regexreplace", vec![s("a1b22"), s("([0-9]+)"), s("<$1>")]),
            Ok(s("a<1>b<22>"))
        );
        assert!(run("regextest", vec![s("("), s("x")]).is_err());
        assert_eq!(
            run("replace", vec![s("a.b.c"), s("."), s("-")]),
            Ok(s("a-b-c"))
        );
    }

    #[test]
    fn split_pad_substring_truncate() {
        assert_eq!(
            run("split", vec![s("a1b2c"), s("[0-9]")]),
            Ok(l(vec![s("a"), s("b"), s("c")]))
        );
        assert_eq!(
            run("split", vec![s("a1b"), s("([0-9])")]),
            Ok(l(vec![s("a"), s("1"), s("b")]))
        );
        assert_eq!(
            run("split", vec![s("a b c"), s(" "), n(2.0)]),
            Ok(l(vec![s("a"), s("b")]))
        );
        assert_eq!(run("padleft", vec![s("7"), n(3.0), s("0")]), Ok(s("007")));
        assert_eq!(run("padright", vec![s("ab"), n(4.0)]), Ok(s("ab  ")));
        assert_eq!(
            run("substring", vec![s("hello"), n(1.0), n(3.0)]),
            Ok(s("el"))
        );
        assert_eq!(
            run("truncate", vec![s("Hello world"), n(8.0)]),
            Ok(s("Hello..."))
        );
        assert_eq!(run("truncate", vec![s("Hi"), n(8.0)]), Ok(s("Hi")));
    }

    #[test]
    fn conversions() {
        assert_eq!(run("number", vec![s("18 years")]), Ok(n(18.0)));
        assert_eq!(run("number", vec![s("hmm")]), Ok(Value::Null));
        assert_eq!(run("typeof", vec![l(vec![])]), Ok(s("array")));
        assert_eq!(
            run("display", vec![s("see [[a|b]] and [t](u) **x**")]),
            Ok(s("see b and t x"))
        );
        assert_eq!(
            run("containsword", vec![s("Hello, world!"), s("WORLD")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("containsword", vec![s("worldwide"), s("world")]),
            Ok(Value::Bool(false))
        );
        assert_eq!(run("currencyformat", vec![n(1234.5)]), Ok(s("$1,234.50")));
        assert_eq!(
            run("hash", vec![s("2024-03-17"), s("Home")]),
            Ok(n(3041844187830523.0))
        );
    }
}
