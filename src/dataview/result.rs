//! The result of a query: plain data for `render/dataview.rs` and `dossier query`.

use crate::value::Value;
use serde::Serialize;

/// What a query produced, by query type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum QueryResult {
    /// `headers` is `["File"]`, `["File", expr]`, `[expr]` (WITHOUT ID) or `["Group", …]` after GROUP BY;
    /// each row holds one value per header (the id, then the expression value).
    List {
        headers: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
    /// `headers` is `["File" | "Group", columns…]`, or the columns alone WITHOUT ID.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
    /// Groups of nested task trees; one group with `key: None` when not grouped.
    Task { groups: Vec<TaskGroup> },
    /// One dot per row: the date and the note link.
    Calendar { entries: Vec<(Value, Value)> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskGroup {
    pub key: Option<Value>,
    pub tasks: Vec<TaskItem>,
}

/// A task or list item in a TASK result, nested per DATAVIEW.md §2.6.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskItem {
    /// Vault path of the note with `.md`.
    pub path: String,
    /// 0-based line, counting front matter lines.
    pub line: u32,
    pub text: String,
    /// Checkbox character; `None` for a plain bullet shown under a matched task.
    pub status: Option<char>,
    pub completed: bool,
    /// The item's own inline and emoji fields.
    pub fields: crate::vault::Fields,
    /// Whether this item matched the query (children of a match are shown even when they did not).
    pub matched: bool,
    pub children: Vec<TaskItem>,
}
