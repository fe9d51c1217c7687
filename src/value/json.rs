//! Values as JSON in the `dossier query` contract (DATAVIEW.md §13).
//! OWNED BY THE DATAVIEW-ENGINE WORK.

use super::{Date, Value};

/// The contract's JSON form of a value.
pub fn to_json(value: &Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
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
