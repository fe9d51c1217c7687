//! Value semantics (DATAVIEW.md §6): truthiness, the total order and equality, arithmetic, string form.
//! Used by the evaluator (operators, SORT, GROUP BY) and by the functions (min, sort, unique, join…).

use crate::value::{format, Date, Duration, Link, LinkKind, Value};
use chrono::{Datelike, Months, NaiveDateTime};
use std::cmp::Ordering;

/// Binary arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// §6.3.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Link(l) => !l.path.is_empty(),
        Value::Date(d) => format::epoch_millis(d) != 0,
        Value::Duration(d) => millis(d) != 0.0,
        Value::List(l) => !l.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Function(_) => true,
    }
}

/// Total milliseconds (months as 30 days, years as 365).
pub fn millis(d: &Duration) -> f64 {
    d.milliseconds
        + 1000.0
            * (d.seconds
                + 60.0
                    * (d.minutes
                        + 60.0
                            * (d.hours
                                + 24.0
                                    * (d.days
                                        + 7.0 * d.weeks
                                        + 30.0 * d.months
                                        + 365.0 * d.years))))
}

/// Locale-like string collation (JS `localeCompare` in English): letters compared case-insensitively
/// first, then lower case before upper case; digits before letters; no numeric collation.
pub fn collate(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().flat_map(char::to_lowercase)
    }
    let primary = if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        folded(a).cmp(folded(b))
    };
    primary.then_with(|| {
        // Tie-break: lower case sorts first, as ICU does.
        for (x, y) in a.chars().zip(b.chars()) {
            if x != y {
                return match (x.is_lowercase(), y.is_lowercase()) {
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    _ => x.cmp(&y),
                };
            }
        }
        a.len().cmp(&b.len())
    })
}

fn kind_rank(k: LinkKind) -> u8 {
    match k {
        LinkKind::File => 0,
        LinkKind::Header => 1,
        LinkKind::Block => 2,
    }
}

/// Links compare by path, then kind, then subpath; display is ignored (§6.4).
pub fn compare_links(a: &Link, b: &Link) -> Ordering {
    collate(&a.path, &b.path)
        .then(kind_rank(a.kind).cmp(&kind_rank(b.kind)))
        .then_with(|| a.subpath.cmp(&b.subpath))
}

/// The total order of §6.4 (comparisons, SORT, GROUP BY, min/max, sort, unique).
pub fn compare(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Number(x), Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (String(x), String(y)) => collate(x, y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Date(x), Date(y)) => format::epoch_millis(x)
            .cmp(&format::epoch_millis(y))
            .then_with(|| {
                x.offset
                    .map(|o| o.local_minus_utc())
                    .cmp(&y.offset.map(|o| o.local_minus_utc()))
            }),
        (Duration(x), Duration(y)) => millis(x)
            .partial_cmp(&millis(y))
            .unwrap_or(Ordering::Equal)
            .then_with(|| {
                // Same length, different units: not equal (§12.18: `dur(90 minutes) > dur(1 hour 30 minutes)`).
                let units = |d: &crate::value::Duration| {
                    [
                        d.milliseconds,
                        d.seconds,
                        d.minutes,
                        d.hours,
                        d.days,
                        d.weeks,
                        d.months,
                        d.years,
                    ]
                };
                units(x).partial_cmp(&units(y)).unwrap_or(Ordering::Equal)
            }),
        (Link(x), Link(y)) => compare_links(x, y),
        (List(x), List(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Object(x), Object(y)) => {
            let kx: Vec<&std::string::String> = x.keys().collect();
            let ky: Vec<&std::string::String> = y.keys().collect();
            kx.cmp(&ky).then_with(|| {
                for (p, q) in x.values().zip(y.values()) {
                    let o = compare(p, q);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            })
        }
        (Function(_), Function(_)) => Ordering::Equal,
        // Different types order by type name (§6.4).
        _ => a.type_name().cmp(b.type_name()),
    }
}

/// Equality of §6.4 (`=`, GROUP BY keys): strings exactly, links ignoring display.
pub fn equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Link(x), Value::Link(y)) => {
            x.path == y.path && x.kind == y.kind && x.subpath == y.subpath
        }
        (Value::Date(x), Value::Date(y)) => {
            x == y || (format::epoch_millis(x) == format::epoch_millis(y) && x.offset == y.offset)
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && equals(va, vb))
        }
        _ => compare(a, b) == Ordering::Equal,
    }
}

/// A duration carried into larger units (§6.5 "normalised"): ms→s→min→h→d, months→years.
pub fn normalize(d: Duration) -> Duration {
    let mut n = crate::value::parse::normalize(d);
    if n.months.fract() == 0.0 && n.months.abs() >= 12.0 {
        n.years += (n.months / 12.0).trunc();
        n.months %= 12.0;
    }
    n
}

fn scale(d: &Duration, f: f64) -> Duration {
    Duration {
        years: d.years * f,
        months: d.months * f,
        weeks: d.weeks * f,
        days: d.days * f,
        hours: d.hours * f,
        minutes: d.minutes * f,
        seconds: d.seconds * f,
        milliseconds: d.milliseconds * f,
    }
}

fn add_durations(a: &Duration, b: &Duration) -> Duration {
    normalize(Duration {
        years: a.years + b.years,
        months: a.months + b.months,
        weeks: a.weeks + b.weeks,
        days: a.days + b.days,
        hours: a.hours + b.hours,
        minutes: a.minutes + b.minutes,
        seconds: a.seconds + b.seconds,
        milliseconds: a.milliseconds + b.milliseconds,
    })
}

/// `date + duration`, calendar-aware (2026-01-31 + 1 month = 2026-02-28).
pub fn date_plus(date: &Date, d: &Duration, sign: f64) -> Date {
    let mut local = date.local;
    let months = (sign * (d.years * 12.0 + d.months)).trunc() as i64;
    local = if months >= 0 {
        local
            .checked_add_months(Months::new(months as u32))
            .unwrap_or(local)
    } else {
        local
            .checked_sub_months(Months::new(months.unsigned_abs() as u32))
            .unwrap_or(local)
    };
    let ms = sign
        * (d.milliseconds
            + 1000.0
                * (d.seconds
                    + 60.0 * (d.minutes + 60.0 * (d.hours + 24.0 * (d.days + 7.0 * d.weeks)))));
    let delta = chrono::Duration::milliseconds(ms.round() as i64);
    local = local.checked_add_signed(delta).unwrap_or(local);
    Date {
        local,
        offset: date.offset,
    }
}

/// `a - b` for dates: the calendar difference broken into years, months, days, hours, minutes, seconds.
pub fn date_diff(a: &Date, b: &Date) -> Duration {
    let to_utc = |d: &Date| -> NaiveDateTime {
        d.local - chrono::Duration::seconds(d.offset.map_or(0, |o| o.local_minus_utc() as i64))
    };
    let (x, y) = (to_utc(a), to_utc(b));
    let (later, earlier, sign) = if x >= y { (x, y, 1.0) } else { (y, x, -1.0) };
    let mut months =
        (later.year() - earlier.year()) * 12 + later.month() as i32 - earlier.month() as i32;
    let mut anchor = earlier
        .checked_add_months(Months::new(months.max(0) as u32))
        .unwrap_or(earlier);
    if anchor > later {
        months -= 1;
        anchor = earlier
            .checked_add_months(Months::new(months.max(0) as u32))
            .unwrap_or(earlier);
    }
    let rest = later - anchor;
    let total_ms = rest.num_milliseconds();
    let days = total_ms / 86_400_000;
    let hours = (total_ms % 86_400_000) / 3_600_000;
    let minutes = (total_ms % 3_600_000) / 60_000;
    let seconds = (total_ms % 60_000) / 1000;
    let ms = total_ms % 1000;
    scale(
        &Duration {
            years: (months / 12) as f64,
            months: (months % 12) as f64,
            weeks: 0.0,
            days: days as f64,
            hours: hours as f64,
            minutes: minutes as f64,
            seconds: seconds as f64,
            milliseconds: ms as f64,
        },
        sign,
    )
}

/// Arithmetic of §6.5; `Err` is an evaluation error (the row is dropped).
pub fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    use Value::*;
    let fail = || {
        Err(format!(
            "no implementation of {} for {} and {}",
            op_name(op),
            a.type_name(),
            b.type_name()
        ))
    };
    Ok(match (op, a, b) {
        (_, Null, Null) => Null,
        (BinOp::Add, String(x), _) => String(format!("{x}{}", to_string(b))),
        (BinOp::Add, _, String(y)) => String(format!("{}{y}", to_string(a))),
        (_, Number(x), Number(y)) => Number(match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => x / y,
            BinOp::Mod => x % y,
        }),
        (BinOp::Mul, String(s), Number(n)) | (BinOp::Mul, Number(n), String(s)) => {
            String(if *n <= 0.0 || !n.is_finite() {
                std::string::String::new()
            } else {
                s.repeat((*n as usize).min(1_000_000 / s.len().max(1)))
            })
        }
        (BinOp::Add, Date(d), Duration(x)) | (BinOp::Add, Duration(x), Date(d)) => {
            Date(date_plus(d, x, 1.0))
        }
        (BinOp::Sub, Date(d), Duration(x)) => Date(date_plus(d, x, -1.0)),
        (BinOp::Sub, Date(x), Date(y)) => Duration(Box::new(date_diff(x, y))),
        (BinOp::Add | BinOp::Sub, Date(_), Null) | (BinOp::Add | BinOp::Sub, Null, Date(_)) => Null,
        (BinOp::Add, Duration(x), Duration(y)) => Duration(Box::new(add_durations(x, y))),
        (BinOp::Sub, Duration(x), Duration(y)) => {
            Duration(Box::new(add_durations(x, &scale(y, -1.0))))
        }
        (BinOp::Mul, Duration(x), Number(n)) | (BinOp::Mul, Number(n), Duration(x)) => {
            Duration(Box::new(normalize(scale(x, *n))))
        }
        (BinOp::Div, Duration(x), Number(n)) => Duration(Box::new(normalize(scale(x, 1.0 / n)))),
        (BinOp::Add, List(x), List(y)) => List(x.iter().chain(y).cloned().collect()),
        (BinOp::Add, Object(x), Object(y)) => {
            let mut m = x.clone();
            m.extend(y.iter().map(|(k, v)| (k.clone(), v.clone())));
            Object(m)
        }
        _ => return fail(),
    })
}

fn op_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "'+'",
        BinOp::Sub => "'-'",
        BinOp::Mul => "'*'",
        BinOp::Div => "'/'",
        BinOp::Mod => "'%'",
    }
}

/// The string form of §6.6 (`string()`, concatenation, `join`).
pub fn to_string(v: &Value) -> String {
    match v {
        Value::Null => "\\-".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format::number_text(*n),
        Value::String(s) => s.clone(),
        Value::Date(d) => {
            if format::is_date_only(d) {
                format::luxon(d, "MMMM dd, yyyy")
            } else {
                format::luxon(d, "h:mm a - MMMM dd, yyyy")
            }
        }
        Value::Duration(d) => format::duration_text(d),
        Value::Link(l) => link_markdown(l),
        Value::List(items) => items.iter().map(to_string).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", to_string(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Function(_) => "<function>".into(),
    }
}

/// `[[path|name]]` (§6.6).
pub fn link_markdown(l: &Link) -> String {
    let path = crate::index::names::strip_md(&l.path);
    let sub = match (&l.subpath, l.kind) {
        (Some(s), LinkKind::Block) => format!("#^{s}"),
        (Some(s), _) => format!("#{s}"),
        (None, _) => String::new(),
    };
    let name = l
        .display
        .clone()
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_string());
    format!("{}[[{path}{sub}|{name}]]", if l.embed { "!" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn cross_type_order_and_null() {
        assert_eq!(compare(&s("10"), &n(9.0)), Ordering::Greater);
        assert!(!equals(&n(1.0), &s("1")));
        assert_eq!(compare(&Value::Null, &n(-1e9)), Ordering::Less);
        assert_eq!(
            compare(&Value::List(vec![]), &Value::Bool(false)),
            Ordering::Less
        );
    }

    #[test]
    fn strings_collate_like_a_locale() {
        assert_eq!(collate("apple", "Banana"), Ordering::Less);
        assert_eq!(collate("Banana", "cherry"), Ordering::Less);
        assert_eq!(collate("10", "9"), Ordering::Less);
        assert_eq!(collate("a", "A"), Ordering::Less);
        assert!(!equals(&s("a"), &s("A")));
    }

    #[test]
    fn links_ignore_display_but_not_subpath() {
        let mut a = Link::to_note("X.md");
        let mut b = a.clone();
        b.display = Some("alias".into());
        assert!(equals(
            &Value::Link(Box::new(a.clone())),
            &Value::Link(Box::new(b))
        ));
        a.subpath = Some("h".into());
        a.kind = LinkKind::Header;
        assert!(!equals(
            &Value::Link(Box::new(a)),
            &Value::Link(Box::new(Link::to_note("X.md")))
        ));
    }

    #[test]
    fn arithmetic() {
        assert_eq!(arith(BinOp::Div, &n(7.0), &n(2.0)), Ok(n(3.5)));
        assert_eq!(arith(BinOp::Add, &s("a"), &n(12.0)), Ok(s("a12")));
        assert_eq!(arith(BinOp::Add, &n(1.0), &s("x")), Ok(s("1x")));
        assert_eq!(arith(BinOp::Mul, &s("ab"), &n(3.0)), Ok(s("ababab")));
        assert_eq!(arith(BinOp::Mul, &s("ab"), &n(-1.0)), Ok(s("")));
        assert!(arith(BinOp::Add, &n(1.0), &Value::Null).is_err());
        assert_eq!(
            arith(BinOp::Add, &Value::Null, &Value::Null),
            Ok(Value::Null)
        );
        let jan31 = Value::Date(parse::date("2026-01-31").unwrap());
        let month = Value::Duration(Box::new(parse::duration("1 month").unwrap()));
        match arith(BinOp::Add, &jan31, &month).unwrap() {
            Value::Date(d) => assert_eq!(d.local.date().to_string(), "2026-02-28"),
            other => panic!("{other:?}"),
        }
        let a = Value::Date(parse::date("2025-03-01").unwrap());
        let b = Value::Date(parse::date("2025-01-01").unwrap());
        match arith(BinOp::Sub, &a, &b).unwrap() {
            Value::Duration(d) => assert_eq!((d.months, d.days), (2.0, 0.0)),
            other => panic!("{other:?}"),
        }
        let l = arith(
            BinOp::Add,
            &Value::List(vec![n(1.0)]),
            &Value::List(vec![n(2.0)]),
        )
        .unwrap();
        assert_eq!(l, Value::List(vec![n(1.0), n(2.0)]));
    }

    #[test]
    fn durations_compare_by_length_but_equal_by_units() {
        let a = Value::Duration(Box::new(parse::duration("90 minutes").unwrap()));
        let b = Value::Duration(Box::new(parse::duration("1 hour 30 minutes").unwrap()));
        assert!(!equals(&a, &b));
        assert_eq!(
            millis(&parse::duration("90 minutes").unwrap()),
            millis(&parse::duration("1 hour 30 minutes").unwrap())
        );
    }

    #[test]
    fn string_forms() {
        assert_eq!(
            to_string(&Value::Date(parse::date("2025-12-09").unwrap())),
            "December 09, 2025"
        );
        assert_eq!(to_string(&Value::Null), "\\-");
        assert_eq!(to_string(&Value::List(vec![n(1.0), s("a")])), "1, a");
        assert_eq!(
            to_string(&Value::Link(Box::new(Link::to_note("People/Gordon.md")))),
            "[[People/Gordon|Gordon]]"
        );
        assert!(truthy(&s("x")) && !truthy(&s("")) && !truthy(&n(0.0)) && !truthy(&Value::Null));
    }
}
