//! Field text to values: Dataview's rules for front matter strings (§9.2) and inline field values (§9.5).
//! OWNED BY THE DATAVIEW-FUNCTIONS WORK: the signatures are fixed, the bodies are to be written.

use super::{Date, Duration, Value};

/// A whole date or date-time literal (`2025-12-19`, `2021-04`, `2021-04-18T04:19`, with optional zone).
pub fn date(text: &str) -> Option<Date> {
    let _ = text;
    None
}

/// A whole duration text (`2 weeks`, `1h30m`, `90 minutes`).
pub fn duration(text: &str) -> Option<Duration> {
    let _ = text;
    None
}

/// A front-matter string converted by §9.2: date, then duration, then `[[link]]`, else the string.
/// Links come back unresolved (`Link::resolved == false`).
pub fn frontmatter_string(text: &str) -> Value {
    Value::String(text.to_string())
}

/// An inline field's raw value text converted by §9.5 (empty → null, typed scalars, comma lists).
pub fn inline_value(text: &str) -> Value {
    if text.trim().is_empty() {
        Value::Null
    } else {
        Value::String(text.trim().to_string())
    }
}
