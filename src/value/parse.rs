//! Field text to values: Dataview's rules for front matter strings (DATAVIEW.md §9.2) and inline field
//! values (§9.5), and the date and duration literal forms they share with queries (§5.1).

use super::{Date, Duration, Link, LinkKind, Value};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// A whole date or date-time literal: `YYYY-MM[-DD[THH[:mm[:ss[.SSS]]]]]` with an optional zone
/// `Z` or `±HH[:mm]` (§5.1). Anything else, or an impossible date, is `None`.
pub fn date(text: &str) -> Option<Date> {
    let t = text.trim();
    let b = t.as_bytes();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if b.len() < 7 || b.get(4) != Some(&b'-') {
        return None;
    }
    let year: i32 = num(t.get(0..4)?)? as i32;
    let month = num(t.get(5..7)?)?;
    let mut rest = t.get(7..)?;
    let mut day = 1;
    if let Some(r) = rest.strip_prefix('-') {
        day = num(r.get(0..2)?)?;
        rest = r.get(2..)?;
    }
    let d = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut time = NaiveTime::MIN;
    let mut offset = None;
    if let Some(r) = rest.strip_prefix('T') {
        // Split off a zone suffix first.
        let (clock, zone) = match r.find(['Z', '+', '-']) {
            Some(i) => (&r[..i], Some(&r[i..])),
            None => (r, None),
        };
        let mut parts = clock.splitn(3, ':');
        let h = num(parts.next()?)?;
        let m = parts.next().map(num).unwrap_or(Some(0))?;
        let (s, ms) = match parts.next() {
            None => (0, 0),
            Some(sec) => match sec.split_once('.') {
                Some((s, frac)) => {
                    let frac: String = frac.chars().chain("000".chars()).take(3).collect();
                    (num(s)?, num(&frac)?)
                }
                None => (num(sec)?, 0),
            },
        };
        time = NaiveTime::from_hms_milli_opt(h, m, s, ms)?;
        if let Some(z) = zone {
            offset = Some(zone_offset(z)?);
        }
        rest = "";
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Date {
        local: NaiveDateTime::new(d, time),
        offset,
    })
}

fn zone_offset(z: &str) -> Option<FixedOffset> {
    if z == "Z" {
        return FixedOffset::east_opt(0);
    }
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|c| c.is_ascii_digit()) || !(digits.len() == 2 || digits.len() == 4) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The unit a duration word names (§5.1): `m` is minutes, `mo` months.
fn unit(word: &str) -> Option<fn(&mut Duration, f64)> {
    Some(match word.to_ascii_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => |d, n| d.milliseconds += n,
        "s" | "sec" | "secs" | "second" | "seconds" => |d, n| d.seconds += n,
        "m" | "min" | "mins" | "minute" | "minutes" => |d, n| d.minutes += n,
        "h" | "hr" | "hrs" | "hour" | "hours" => |d, n| d.hours += n,
        "d" | "day" | "days" => |d, n| d.days += n,
        "w" | "wk" | "wks" | "week" | "weeks" => |d, n| d.weeks += n,
        "mo" | "mos" | "month" | "months" => |d, n| d.months += n,
        "y" | "yr" | "yrs" | "year" | "years" => |d, n| d.years += n,
        _ => return None,
    })
}

/// A whole duration text: one or more `<number> <unit>` parts separated by spaces or commas, the space
/// before the unit optional (`2 weeks`, `1h30m`, `3 days, 4 hours`). Units are kept as written.
pub fn duration(text: &str) -> Option<Duration> {
    let mut d = Duration::default();
    let mut rest = text.trim();
    let mut parts = 0;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = rest[n_end..].trim_start();
        let u_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let add = unit(&rest[..u_end])?;
        add(&mut d, n);
        parts += 1;
        rest = rest[u_end..].trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    }
    (parts > 0).then_some(d)
}

/// A duration carried into whole larger units where they are exact (ms→s→min→h→day; weeks folded into
/// days), as Dataview normalises field and arithmetic durations (§12.18): `90 minutes` → 1 h 30 min.
pub fn normalize(d: Duration) -> Duration {
    let mut n = d;
    let carry = |small: &mut f64, big: &mut f64, per: f64| {
        if small.fract() == 0.0 && *small >= per {
            *big += (*small / per).floor();
            *small %= per;
        }
    };
    carry(&mut n.milliseconds, &mut n.seconds, 1000.0);
    carry(&mut n.seconds, &mut n.minutes, 60.0);
    carry(&mut n.minutes, &mut n.hours, 60.0);
    carry(&mut n.hours, &mut n.days, 24.0);
    n
}

/// A `[[link]]` or `![[link]]` filling the whole text (`\|` escapes the pipe), unresolved.
pub fn link(text: &str) -> Option<Link> {
    let t = text.trim();
    let (embed, t) = match t.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let inner = t.strip_prefix("[[")?.strip_suffix("]]")?;
    if inner.contains("[[") || inner.contains("]]") {
        return None;
    }
    Some(parse_link_inner(inner, embed))
}

/// The inside of `[[…]]`: `path#subpath|display`.
pub fn parse_link_inner(inner: &str, embed: bool) -> Link {
    let inner = inner.replace("\\|", "|");
    let (target, display) = match inner.split_once('|') {
        Some((t, d)) => (t.to_string(), Some(d.to_string())),
        None => (inner.clone(), None),
    };
    let (path, subpath) = match target.split_once('#') {
        Some((p, s)) => (p.trim().to_string(), Some(s.trim().to_string())),
        None => (target.trim().to_string(), None),
    };
    let kind = match &subpath {
        Some(s) if s.starts_with('^') => LinkKind::Block,
        Some(_) => LinkKind::Header,
        None => LinkKind::File,
    };
    let subpath = subpath
        .map(|s| s.trim_start_matches('^').to_string())
        .filter(|s| !s.is_empty());
    let kind = if subpath.is_none() {
        LinkKind::File
    } else {
        kind
    };
    Link {
        path,
        subpath,
        display,
        embed,
        kind,
        resolved: false,
    }
}

/// A front-matter string converted by §9.2: date, then duration, then `[[link]]`, else the string.
pub fn frontmatter_string(text: &str) -> Value {
    if let Some(d) = date(text) {
        Value::Date(d)
    } else if let Some(d) = duration(text).filter(|_| text.chars().any(|c| c.is_ascii_alphabetic()))
    {
        Value::Duration(Box::new(normalize(d)))
    } else if let Some(l) = link(text) {
        Value::Link(Box::new(l))
    } else {
        Value::String(text.to_string())
    }
}

/// One scalar of an inline field value (§9.5), or `None` when the text is not one of the typed forms.
fn typed_scalar(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(d) = date(t) {
        return Some(Value::Date(d));
    }
    match t {
        "true" | "True" => return Some(Value::Bool(true)),
        "false" | "False" => return Some(Value::Bool(false)),
        "null" => return Some(Value::Null),
        _ => {}
    }
    if let Some(n) = number(t) {
        return Some(Value::Number(n));
    }
    if let Some(d) = duration(t).filter(|_| t.chars().any(|c| c.is_ascii_alphabetic())) {
        return Some(Value::Duration(Box::new(normalize(d))));
    }
    if let Some(l) = link(t) {
        return Some(Value::Link(Box::new(l)));
    }
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = &t[1..t.len() - 1];
        if !inner.contains('"') || inner.contains("\\\"") {
            return Some(Value::String(
                inner.replace("\\\"", "\"").replace("\\\\", "\\"),
            ));
        }
    }
    if t.starts_with('#') && t.len() > 1 && !t.contains(char::is_whitespace) {
        return Some(Value::String(t.to_string()));
    }
    None
}

/// `-?digits(.digits)?`, the whole text.
fn number(t: &str) -> Option<f64> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    (ok(int) && frac.is_none_or(ok))
        .then(|| t.parse().ok())
        .flatten()
}

/// Splits on commas outside `[[…]]` and quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'[' if !quoted => depth += 1,
            b']' if !quoted => depth -= 1,
            b',' if !quoted && depth <= 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// An inline field's raw value text converted by §9.5: empty → null; the whole value as one typed
/// scalar; or a comma-separated list of typed scalars; else the raw text.
pub fn inline_value(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    if let Some(v) = typed_scalar(t) {
        return v;
    }
    let parts = split_top_level(t);
    if parts.len() > 1 {
        let typed: Option<Vec<Value>> = parts.iter().map(|p| typed_scalar(p)).collect();
        if let Some(list) = typed {
            return Value::List(list);
        }
    }
    Value::String(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Date {
        Date {
            local: NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_time(NaiveTime::MIN),
            offset: None,
        }
    }

    #[test]
    fn date_literal_forms() {
        assert_eq!(date("2025-12-19"), Some(ymd(2025, 12, 19)));
        assert_eq!(date("2021-04"), Some(ymd(2021, 4, 1)));
        let dt = date("2021-04-18T04:19").unwrap();
        assert_eq!(dt.local.to_string(), "2021-04-18 04:19:00");
        let z = date("2021-04-18T04:19:05.5+02:00").unwrap();
        assert_eq!(z.offset, FixedOffset::east_opt(7200));
        assert_eq!(z.local.to_string(), "2021-04-18 04:19:05.500");
        assert_eq!(
            date("2021-04-18T04:19Z").unwrap().offset,
            FixedOffset::east_opt(0)
        );
        for bad in [
            "2025-13-01",
            "2025-02-30",
            "2025-1-1",
            "20251219",
            "2025-12-19 14:00",
            "hello",
            "",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn duration_forms() {
        let d = duration("2 weeks").unwrap();
        assert_eq!(d.weeks, 2.0);
        let d = duration("1h30m").unwrap();
        assert_eq!((d.hours, d.minutes), (1.0, 30.0));
        let d = duration("3 days, 4 hours").unwrap();
        assert_eq!((d.days, d.hours), (3.0, 4.0));
        assert_eq!(duration("2 mo").unwrap().months, 2.0);
        assert_eq!(duration("5 stars"), None);
        assert_eq!(duration(""), None);
        let n = normalize(duration("90 minutes").unwrap());
        assert_eq!((n.hours, n.minutes), (1.0, 30.0));
    }

    #[test]
    fn link_texts() {
        let l = link("[[Acme Corp#Key Facts|facts]]").unwrap();
        assert_eq!(
            (l.path.as_str(), l.subpath.as_deref(), l.display.as_deref()),
            ("Acme Corp", Some("Key Facts"), Some("facts"))
        );
        assert_eq!(l.kind, LinkKind::Header);
        let b = link("![[Note#^abc]]").unwrap();
        assert!(b.embed);
        assert_eq!(
            (b.kind, b.subpath.as_deref()),
            (LinkKind::Block, Some("abc"))
        );
        assert_eq!(link("[[a]] and [[b]]"), None);
        assert_eq!(link("text"), None);
    }

    #[test]
    fn frontmatter_strings_convert_in_order() {
        assert_eq!(
            frontmatter_string("2025-12-19"),
            Value::Date(ymd(2025, 12, 19))
        );
        assert!(matches!(frontmatter_string("2 weeks"), Value::Duration(_)));
        assert!(matches!(
            frontmatter_string("[[Gordon Brown]]"),
            Value::Link(_)
        ));
        assert_eq!(frontmatter_string("active"), Value::String("active".into()));
        assert_eq!(frontmatter_string("12"), Value::String("12".into()));
    }

    #[test]
    fn inline_values_follow_9_5() {
        assert_eq!(inline_value(""), Value::Null);
        assert_eq!(inline_value("  "), Value::Null);
        assert_eq!(inline_value("2026-01-15"), Value::Date(ymd(2026, 1, 15)));
        assert_eq!(
            inline_value("1,500"),
            Value::List(vec![Value::Number(1.0), Value::Number(500.0)])
        );
        assert_eq!(inline_value("42"), Value::Number(42.0));
        assert_eq!(inline_value("-3.5"), Value::Number(-3.5));
        assert_eq!(inline_value("True"), Value::Bool(true));
        assert_eq!(
            inline_value("\"quoted, text\""),
            Value::String("quoted, text".into())
        );
        assert_eq!(inline_value("#tag"), Value::String("#tag".into()));
        assert_eq!(
            inline_value("2026-01-20 14:00"),
            Value::String("2026-01-20 14:00".into())
        );
        assert_eq!(
            inline_value("jira, slack"),
            Value::String("jira, slack".into())
        );
        assert_eq!(inline_value("5 stars"), Value::String("5 stars".into()));
        match inline_value("[[A]], [[B|b]]") {
            Value::List(v) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(inline_value("90 minutes"), Value::Duration(d) if d.hours == 1.0 && d.minutes == 30.0)
        );
    }
}
