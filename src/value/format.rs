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
    let d = date.local;
    let chars: Vec<char> = fmt.chars().collect();
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
        let hour12 = match d.hour() % 12 {
            0 => 12,
            h => h,
        };
        let text = match (c, run) {
            ('y', 2) => format!("{:02}", d.year() % 100),
            ('y', _) => format!("{:04}", d.year()),
            ('M', 1) => d.month().to_string(),
            ('M', 2) => format!("{:02}", d.month()),
            ('M', 3) => MONTHS[d.month0() as usize][..3].to_string(),
            ('M', _) => MONTHS[d.month0() as usize].to_string(),
            ('d', 1) => d.day().to_string(),
            ('d', _) => format!("{:02}", d.day()),
            ('E', 1..=3) => WEEKDAYS[d.weekday().num_days_from_monday() as usize][..3].to_string(),
            ('E', _) => WEEKDAYS[d.weekday().num_days_from_monday() as usize].to_string(),
            ('H', 1) => d.hour().to_string(),
            ('H', _) => format!("{:02}", d.hour()),
            ('h', 1) => hour12.to_string(),
            ('h', _) => format!("{hour12:02}"),
            ('m', 1) => d.minute().to_string(),
            ('m', _) => format!("{:02}", d.minute()),
            ('s', 1) => d.second().to_string(),
            ('s', _) => format!("{:02}", d.second()),
            ('S', _) => format!("{:03}", d.nanosecond() / 1_000_000),
            ('a', _) => if d.hour() < 12 { "AM" } else { "PM" }.to_string(),
            ('k', _) => format!("{:04}", d.iso_week().year()),
            ('W', 1) => d.iso_week().week().to_string(),
            ('W', _) => format!("{:02}", d.iso_week().week()),
            ('o', 1..=2) => d.ordinal().to_string(),
            ('o', _) => format!("{:03}", d.ordinal()),
            ('x', _) => epoch_millis(date).to_string(),
            ('X', _) => (epoch_millis(date) / 1000).to_string(),
            _ => chars[i..i + run].iter().collect(),
        };
        out.push_str(&text);
        i += run;
    }
    out
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
