//! Date and duration functions (§8): `date`, `dur`, `striptime`, `dateformat`, `durationformat`,
//! `localtime`.

use super::Env;
use crate::dataview::ops;
use crate::value::{format, parse, Date, Duration, Value};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `date(text, format)` with Luxon tokens (`yyyy MM M dd d HH H hh h mm m ss s a MMM MMMM x X`).
fn parse_with_format(text: &str, fmt: &str) -> Option<Date> {
    if fmt == "x" || fmt == "X" {
        let n: i64 = text.trim().parse().ok()?;
        let ms = if fmt == "X" { n.checked_mul(1000)? } else { n };
        let dt = chrono::DateTime::from_timestamp_millis(ms)?;
        return Some(Date {
            local: dt.naive_utc(),
            offset: None,
        });
    }
    let (mut y, mut mo, mut d, mut h, mut mi, mut s) = (1970i32, 1u32, 1u32, 0u32, 0u32, 0u32);
    let mut pm: Option<bool> = None;
    let f: Vec<char> = fmt.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    let digits = |t: &[char], j: &mut usize, max: usize| -> Option<u32> {
        let start = *j;
        while *j < t.len() && *j - start < max && t[*j].is_ascii_digit() {
            *j += 1;
        }
        (start < *j)
            .then(|| t[start..*j].iter().collect::<String>().parse().ok())
            .flatten()
    };
    while i < f.len() {
        let c = f[i];
        if c == '\'' {
            i += 1;
            while i < f.len() && f[i] != '\'' {
                if t.get(j) != Some(&f[i]) {
                    return None;
                }
                i += 1;
                j += 1;
            }
            i += 1;
            continue;
        }
        let run = f[i..].iter().take_while(|&&x| x == c).count();
        match c {
            'y' => {
                y = digits(&t, &mut j, if run == 2 { 2 } else { 4 })? as i32
                    + if run == 2 { 2000 } else { 0 }
            }
            'M' if run >= 3 => {
                let word: String = t[j..].iter().take_while(|c| c.is_alphabetic()).collect();
                let lw = word.to_lowercase();
                mo = MONTHS.iter().position(|m| {
                    if run == 3 {
                        m.starts_with(&lw) && lw.len() == 3
                    } else {
                        *m == lw
                    }
                })? as u32
                    + 1;
                j += word.chars().count();
            }
            'M' => mo = digits(&t, &mut j, 2)?,
            'd' => d = digits(&t, &mut j, 2)?,
            'H' | 'h' => h = digits(&t, &mut j, 2)?,
            'm' => mi = digits(&t, &mut j, 2)?,
            's' => s = digits(&t, &mut j, 2)?,
            'a' => {
                let word: String = t[j..].iter().take(2).collect();
                pm = Some(word.eq_ignore_ascii_case("pm"));
                j += 2;
            }
            _ => {
                for _ in 0..run {
                    if t.get(j) != Some(&c) {
                        return None;
                    }
                    j += 1;
                }
            }
        }
        i += run;
    }
    if j != t.len() {
        return None;
    }
    if let Some(pm) = pm {
        h = (h % 12) + if pm { 12 } else { 0 };
    }
    let date = NaiveDate::from_ymd_opt(y, mo, d)?;
    Some(Date {
        local: NaiveDateTime::new(date, NaiveTime::from_hms_opt(h, mi, s)?),
        offset: None,
    })
}

/// `durationformat`: tokens `S s m h d w M y` (repeated for zero padding), `'quoted'` text; the duration
/// is re-expressed in the units the format uses, largest first.
fn format_duration(d: &Duration, fmt: &str) -> String {
    let units: [(char, f64); 8] = [
        ('y', 365.0 * 86_400_000.0),
        ('M', 30.0 * 86_400_000.0),
        ('w', 7.0 * 86_400_000.0),
        ('d', 86_400_000.0),
        ('h', 3_600_000.0),
        ('m', 60_000.0),
        ('s', 1000.0),
        ('S', 1.0),
    ];
    let chars: Vec<char> = fmt.chars().collect();
    let mut used = Vec::new();
    let mut in_quote = false;
    for &c in &chars {
        if c == '\'' {
            in_quote = !in_quote;
        } else if !in_quote && units.iter().any(|(u, _)| *u == c) && !used.contains(&c) {
            used.push(c);
        }
    }
    let mut remaining = ops::millis(d);
    let mut values = foldhash::HashMap::default();
    for (u, per) in units {
        if used.contains(&u) {
            let v = (remaining / per).trunc();
            remaining -= v * per;
            values.insert(u, v);
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == '\'')
                .map_or(chars.len(), |p| i + 1 + p);
            out.extend(&chars[i + 1..end]);
            i = end + 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        match values.get(&c) {
            Some(v) => out.push_str(&format!("{:0width$}", *v as i64, width = run)),
            None => out.extend(&chars[i..i + run]),
        }
        i += run;
    }
    out
}

pub fn call(name: &str, args: &[Value], env: &dyn Env) -> Option<Result<Value, String>> {
    use Value::*;
    let none = || Err(std::string::String::new());
    let a0 = args.first();
    let a1 = args.get(1);
    Some(match name {
        "date" => match (a0, a1) {
            (Some(Null), _) => Ok(Null),
            (Some(String(t)), Some(String(f))) => match parse_with_format(t, f) {
                Some(d) => Ok(Date(d)),
                None => Err(format!("cannot read {t:?} as a date in the format {f:?}")),
            },
            (Some(Date(d)), None) => Ok(Date(*d)),
            (Some(String(t)), None) => {
                let words = crate::dataview::parser::parse_expression(&format!("date({t})"));
                match words {
                    Ok(crate::dataview::ast::Expr::Date(w)) => {
                        Ok(Date(crate::dataview::eval::date_word(w, env.today())))
                    }
                    _ => Ok(parse::date(t).map_or(Null, Date)),
                }
            }
            (Some(Link(l)), None) => {
                let from_text =
                    |t: &str| parse::date(t).or_else(|| t.get(..10).and_then(parse::date));
                let name = crate::index::names::strip_md(&l.path);
                let name = name.rsplit('/').next().unwrap_or(name);
                match l
                    .display
                    .as_deref()
                    .and_then(from_text)
                    .or_else(|| from_text(name))
                {
                    Some(d) => Ok(Date(d)),
                    None => Ok(env.link_field(l, "file.day")),
                }
            }
            _ => none(),
        },
        "dur" => match a0 {
            Some(Duration(d)) => Ok(Duration(d.clone())),
            Some(String(t)) => Ok(parse::duration(t).map_or(Null, |d| Duration(Box::new(d)))),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "striptime" => match a0 {
            Some(Date(d)) => Ok(Date(crate::value::Date {
                local: d.local.date().and_time(NaiveTime::MIN),
                offset: d.offset,
            })),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "dateformat" => match (a0, a1) {
            (Some(Date(d)), Some(String(f))) => Ok(String(format::luxon(d, f))),
            (Some(Null), _) => Ok(Null),
            _ => none(),
        },
        "durationformat" => match (a0, a1) {
            (Some(Duration(d)), Some(String(f))) => Ok(String(format_duration(d, f))),
            (Some(Null), _) => Ok(Null),
            _ => none(),
        },
        // The build runs in one zone: a date keeps its wall-clock time.
        "localtime" => match a0 {
            Some(Date(d)) => Ok(Date(*d)),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testenv::*;
    use super::*;

    #[test]
    fn dates_from_text_formats_and_words() {
        assert!(matches!(
            run("date", vec![s("2025-12-19")]),
            Ok(Value::Date(_))
        ));
        assert_eq!(run("date", vec![s("nonsense")]), Ok(Value::Null));
        match run("date", vec![s("today")]) {
            Ok(Value::Date(d)) => assert_eq!(d.local.date().to_string(), "2026-11-20"),
            other => panic!("{other:?}"),
        }
        match run("date", vec![s("12/19/2025"), s("MM/dd/yyyy")]) {
            Ok(Value::Date(d)) => assert_eq!(d.local.date().to_string(), "2025-12-19"),
            other => panic!("{other:?}"),
        }
        assert!(run("date", vec![s("x"), s("MM/dd/yyyy")]).is_err());
        let link = crate::value::parse::link("[[2021-04-16]]").unwrap();
        assert!(matches!(
            run("date", vec![Value::Link(Box::new(link))]),
            Ok(Value::Date(_))
        ));
        let d = crate::value::parse::date("2025-12-09").unwrap();
        assert_eq!(
            run("dateformat", vec![Value::Date(d), s("yyyy-MM-dd")]),
            Ok(s("2025-12-09"))
        );
    }

    #[test]
    fn duration_formatting_reexpresses_units() {
        let d = crate::value::parse::duration("14d").unwrap();
        assert_eq!(
            run(
                "durationformat",
                vec![Value::Duration(Box::new(d)), s("s 'seconds'")]
            ),
            Ok(s("1209600 seconds"))
        );
        let d = crate::value::parse::duration("1h 5m").unwrap();
        assert_eq!(
            run(
                "durationformat",
                vec![Value::Duration(Box::new(d)), s("hh:mm")]
            ),
            Ok(s("01:05"))
        );
        assert!(matches!(
            run("dur", vec![s("3 days")]),
            Ok(Value::Duration(_))
        ));
    }
}
