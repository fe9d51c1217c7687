//! Values as JSON in the `dossier query` contract (DATAVIEW.md §13): links `{"link": "Folder/Note"}`
//! (no `.md`, plus `subpath` and `display` when present), dates `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`,
//! durations ISO 8601 in their units, integral numbers as integers.

use super::{Date, Duration, Value};
use serde_json::json;

/// The contract's JSON form of a value.
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::Function(_) => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                json!(*n as i64)
            } else {
                serde_json::Number::from_f64(*n)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Value::String(s) => json!(s),
        Value::Date(d) => json!(date_text(d)),
        Value::Duration(d) => json!(duration_text(d)),
        Value::Link(l) => {
            let mut o = serde_json::Map::new();
            o.insert("link".into(), json!(crate::index::names::strip_md(&l.path)));
            if let Some(s) = &l.subpath {
                o.insert("subpath".into(), json!(s));
            }
            if let Some(d) = &l.display {
                o.insert("display".into(), json!(d));
            }
            serde_json::Value::Object(o)
        }
        Value::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Object(map) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// `YYYY-MM-DD` for a date at midnight without zone, else `YYYY-MM-DDTHH:MM:SS` (plus the offset when set).
pub fn date_text(date: &Date) -> String {
    let midnight = date.local.time() == chrono::NaiveTime::MIN;
    let mut text = if midnight && date.offset.is_none() {
        date.local.format("%Y-%m-%d").to_string()
    } else {
        date.local.format("%Y-%m-%dT%H:%M:%S").to_string()
    };
    if let Some(offset) = date.offset {
        text.push_str(&offset.to_string());
    }
    text
}

/// ISO 8601 in the duration's own units (`P3D`, `PT2H30M`, `P1Y2M`); `PT0S` when empty.
pub fn duration_text(d: &Duration) -> String {
    let n = |x: f64| crate::value::format::number_text(x);
    let mut date = String::new();
    for (v, u) in [
        (d.years, 'Y'),
        (d.months, 'M'),
        (d.weeks, 'W'),
        (d.days, 'D'),
    ] {
        if v != 0.0 {
            date.push_str(&format!("{}{u}", n(v)));
        }
    }
    let mut time = String::new();
    for (v, u) in [(d.hours, 'H'), (d.minutes, 'M')] {
        if v != 0.0 {
            time.push_str(&format!("{}{u}", n(v)));
        }
    }
    let secs = d.seconds + d.milliseconds / 1000.0;
    if secs != 0.0 {
        time.push_str(&format!("{}S", n(secs)));
    }
    match (date.is_empty(), time.is_empty()) {
        (true, true) => "PT0S".into(),
        (_, true) => format!("P{date}"),
        _ => format!("P{date}T{time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{parse, Link};

    #[test]
    fn contract_shapes() {
        assert_eq!(to_json(&Value::Number(3.0)), json!(3));
        assert_eq!(to_json(&Value::Number(3.5)), json!(3.5));
        let mut l = Link::to_note("Customers/Acme.md");
        assert_eq!(
            to_json(&Value::Link(Box::new(l.clone()))),
            json!({"link": "Customers/Acme"})
        );
        l.subpath = Some("Key Facts".into());
        l.display = Some("facts".into());
        assert_eq!(
            to_json(&Value::Link(Box::new(l))),
            json!({"link": "Customers/Acme", "subpath": "Key Facts", "display": "facts"})
        );
        assert_eq!(
            to_json(&Value::Date(parse::date("2025-12-19").unwrap())),
            json!("2025-12-19")
        );
        assert_eq!(
            to_json(&Value::Date(parse::date("2025-12-19T14:05").unwrap())),
            json!("2025-12-19T14:05:00")
        );
        assert_eq!(
            to_json(&Value::Duration(Box::new(
                parse::duration("3 days").unwrap()
            ))),
            json!("P3D")
        );
        assert_eq!(
            to_json(&Value::Duration(Box::new(
                parse::duration("2h30m").unwrap()
            ))),
            json!("PT2H30M")
        );
    }
}
