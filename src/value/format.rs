//! Dates and durations as people read them: Luxon format tokens (the Dataview plugin's `MMMM dd, yyyy`
//! settings and `dateformat()`), and the human duration list (`2 hours, 30 minutes`, DATAVIEW.md §6.6).

use super::{Date, Duration};
use chrono::{Datelike, Timelike};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Formats with Luxon tokens: `yyyy yy MMMM MMM MM M dd d EEEE EEE HH H hh h mm m ss s SSS a kkkk WW W
/// o ooo x X`, `'quoted'` literal text; other characters are copied.
pub fn luxon(date: &Date, fmt: &str) -> String {
    // Written straight into the result: pages show a formatted date for every meeting they list.
    let d = date.local;
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut rest = fmt;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            let quoted = &rest[1..];
            let end = quoted.find('\'').unwrap_or(quoted.len());
            out.push_str(&quoted[..end]);
            rest = quoted.get(end + 1..).unwrap_or("");
            continue;
        }
        let run = rest.chars().take_while(|&x| x == c).count();
        let hour12 = match d.hour() % 12 {
            0 => 12,
            h => h,
        };
        let month = MONTHS[d.month0() as usize];
        let weekday = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
        let mut num = |n: i64, width: usize| push_number(&mut out, n, width);
        match (c, run) {
            ('y', 2) => num(i64::from(d.year() % 100), 2),
            ('y', _) => num(i64::from(d.year()), 4),
            ('M', 1) => num(i64::from(d.month()), 1),
            ('M', 2) => num(i64::from(d.month()), 2),
            ('M', 3) => out.push_str(&month[..3]),
            ('M', _) => out.push_str(month),
            ('d', 1) => num(i64::from(d.day()), 1),
            ('d', _) => num(i64::from(d.day()), 2),
            ('E', 1..=3) => out.push_str(&weekday[..3]),
            ('E', _) => out.push_str(weekday),
            ('H', 1) => num(i64::from(d.hour()), 1),
            ('H', _) => num(i64::from(d.hour()), 2),
            ('h', 1) => num(i64::from(hour12), 1),
            ('h', _) => num(i64::from(hour12), 2),
            ('m', 1) => num(i64::from(d.minute()), 1),
            ('m', _) => num(i64::from(d.minute()), 2),
            ('s', 1) => num(i64::from(d.second()), 1),
            ('s', _) => num(i64::from(d.second()), 2),
            ('S', _) => num(i64::from(d.nanosecond() / 1_000_000), 3),
            ('a', _) => out.push_str(if d.hour() < 12 { "AM" } else { "PM" }),
            ('k', _) => num(i64::from(d.iso_week().year()), 4),
            ('W', 1) => num(i64::from(d.iso_week().week()), 1),
            ('W', _) => num(i64::from(d.iso_week().week()), 2),
            ('o', 1..=2) => num(i64::from(d.ordinal()), 1),
            ('o', _) => num(i64::from(d.ordinal()), 3),
            ('x', _) => num(epoch_millis(date), 1),
            ('X', _) => num(epoch_millis(date) / 1000, 1),
            _ => out.extend(std::iter::repeat_n(c, run)),
        }
        rest = &rest[c.len_utf8() * run..];
    }
    out
}

/// `n` in decimal, padded with zeros to `width` characters as `format!("{n:0width$}")` pads it (a
/// minus sign counts in the width).
fn push_number(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        use std::fmt::Write;
        let _ = write!(out, "{n:0width$}");
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &digits[at..];
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
    out.extend(digits.iter().map(|&b| char::from(b)));
}

/// Milliseconds since the epoch (a date without zone is taken as UTC).
pub fn epoch_millis(date: &Date) -> i64 {
    let offset = date.offset.map_or(0, |o| o.local_minus_utc() as i64);
    date.local.and_utc().timestamp_millis() - offset * 1000
}

/// Is the time part midnight (a date written without a time)?
pub fn is_date_only(date: &Date) -> bool {
    date.local.time() == chrono::NaiveTime::MIN
}

/// `2 hours, 30 minutes`: the non-zero units, largest first; `0 seconds` for an empty duration.
pub fn duration_text(d: &Duration) -> String {
    let parts = [
        (d.years, "year"),
        (d.months, "month"),
        (d.weeks, "week"),
        (d.days, "day"),
        (d.hours, "hour"),
        (d.minutes, "minute"),
        (d.seconds, "second"),
        (d.milliseconds, "millisecond"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n != 0.0)
        .map(|(n, unit)| {
            format!(
                "{} {unit}{}",
                number_text(*n),
                if *n == 1.0 { "" } else { "s" }
            )
        })
        .collect();
    if text.is_empty() {
        "0 seconds".into()
    } else {
        text.join(", ")
    }
}

/// A number as Dataview shows it: integral values without a fraction.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    #[test]
    fn luxon_tokens() {
        let d = parse::date("2025-12-09T14:05:03").unwrap();
        assert_eq!(luxon(&d, "MMMM dd, yyyy"), "December 09, 2025");
        assert_eq!(
            luxon(&d, "h:mm a - MMMM dd, yyyy"),
            "2:05 PM - December 09, 2025"
        );
        assert_eq!(luxon(&d, "yyyy-MM-dd'T'HH:mm:ss"), "2025-12-09T14:05:03");
        assert_eq!(luxon(&d, "EEEE d MMM yy"), "Tuesday 9 Dec 25");
        assert_eq!(luxon(&d, "kkkk-'W'WW"), "2025-W50");
        // Numbers padded as `format!` pads them; text left as it is, quoted or not.
        let mut out = String::new();
        for (n, width) in [
            (0, 1),
            (7, 2),
            (2025, 4),
            (25, 3),
            (-5, 4),
            (-2025, 2),
            (123456, 2),
        ] {
            super::push_number(&mut out, n, width);
            out.push(' ');
        }
        assert_eq!(out, "0 07 2025 025 -005 -2025 123456 ");
        assert_eq!(luxon(&d, "'it''s' yyyy 'open"), "its 2025 open");
        assert_eq!(luxon(&d, "ÄÄ qq"), "ÄÄ qq");
    }

    #[test]
    fn durations_and_numbers() {
        let d = parse::duration("2 hours 30 minutes").unwrap();
        assert_eq!(duration_text(&d), "2 hours, 30 minutes");
        assert_eq!(duration_text(&parse::duration("1 day").unwrap()), "1 day");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(3.5), "3.5");
    }
}
