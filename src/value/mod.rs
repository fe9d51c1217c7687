//! Typed values shared by the whole pipeline: front matter and inline fields are read into [`Value`]s
//! by `vault/`, links inside them are resolved by `index/`, and `dataview/` computes with them.
//!
//! The types follow the Dataview data model (`../shared/DATAVIEW.md` §6.1): number, string, boolean,
//! date, duration, link, list, object and null. A lambda ([`Lambda`]) exists only while a query runs.
//!
//! 1. [`parse`] turns field text into values (§9.2 front matter strings, §9.5 inline field values).
//! 2. [`json`] writes values in the `dossier query --format json` contract (§13).

pub mod format;
pub mod json;
pub mod parse;

use chrono::{FixedOffset, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// A date-time as Dataview holds it: a local wall-clock time and, when the text named one, a zone.
/// A date written without a time is midnight (`is_date_only` reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    pub local: NaiveDateTime,
    /// `None`: no zone was written (the build's zone, treated as UTC for arithmetic).
    pub offset: Option<FixedOffset>,
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&json::date_text(self))
    }
}

/// A duration broken into the units it was written in (Dataview keeps units; §6.4, §12.18).
/// Months count 30 days and years 365 when compared or converted.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Duration {
    pub years: f64,
    pub months: f64,
    pub weeks: f64,
    pub days: f64,
    pub hours: f64,
    pub minutes: f64,
    pub seconds: f64,
    pub milliseconds: f64,
}

/// What a link's subpath points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    File,
    Header,
    Block,
}

/// A link value. `path` is the link text as written until `index/` resolves it, then the full
/// vault path with extension (`Customers/Acme Corp.md`); `resolved` says which.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Link {
    pub path: String,
    /// Heading text or block id (without `#` / `^`), when the link has one.
    pub subpath: Option<String>,
    pub display: Option<String>,
    pub embed: bool,
    pub kind: LinkKind,
    pub resolved: bool,
}

impl Link {
    /// A resolved link to a whole note.
    pub fn to_note(path: impl Into<String>) -> Self {
        Link {
            path: path.into(),
            subpath: None,
            display: None,
            embed: false,
            kind: LinkKind::File,
            resolved: true,
        }
    }
}

/// A lambda while a query runs (`(x) => x + 1`). Opaque here: `dataview/` puts its closure inside
/// and downcasts it back; equal only to itself.
#[derive(Clone)]
pub struct Lambda(pub std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl PartialEq for Lambda {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Lambda {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<function>")
    }
}

impl Serialize for Lambda {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

/// A Dataview value.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(untagged)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Date(Date),
    /// Boxed, as links are: a value is then 32 bytes instead of 88, and the maps of front matter, inline
    /// fields and page data that hold them take half the memory (a test keeps it so).
    Duration(Box<Duration>),
    Link(Box<Link>),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// Only while a query runs; never stored in notes.
    Function(Lambda),
}

impl Value {
    /// Dataview's `typeof` name (§6.1).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Date(_) => "date",
            Value::Duration(_) => "duration",
            Value::Link(_) => "link",
            Value::List(_) => "array",
            Value::Object(_) => "object",
            Value::Function(_) => "function",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    /// A note's fields and every Dataview page object are maps of values: their size is the vault's.
    #[test]
    fn a_value_is_small() {
        assert!(std::mem::size_of::<Value>() <= 32);
    }
}
