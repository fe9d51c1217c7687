//! Dataview at build time: the query language (DATAVIEW.md), parsed and evaluated against the [`Index`].
//!
//! 1. [`parse`] turns query text into a [`Query`] (or a [`ParseError`] with line and column).
//! 2. [`Pages`] is built once per build from the Index: every note's page object (front matter, inline
//!    fields, `file.*`) and its tasks, shared read-only by all queries (parallel-safe).
//! 3. [`execute`] runs a query for one note (`this`) and returns a [`QueryResult`]: plain data that
//!    `render/dataview.rs` turns into HTML and `dossier query` into text, JSON or markdown.
//!
//! It never formats HTML and never reads files.

pub mod functions;
pub mod ops;
pub mod output;
pub mod result;

pub use result::{QueryResult, TaskItem};

use crate::index::{Index, NoteIdx};
use chrono::NaiveDate;

/// A parsed query. (Placeholder: the engine work replaces it with the real AST.)
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub source: String,
}

/// A query that does not parse: 1-based line and column within the query text, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// A query that parsed but failed while running (every row errored, `LIMIT "x"`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExecError {
    pub message: String,
}

pub fn parse(text: &str) -> Result<Query, ParseError> {
    Ok(Query {
        source: text.to_string(),
    })
}

/// Page data for every note, built once per build.
#[derive(Debug, Default)]
pub struct Pages {}

impl Pages {
    pub fn build(index: &Index) -> Pages {
        let _ = index;
        Pages {}
    }
}

/// Everything a query needs besides its text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub index: &'a Index,
    pub pages: &'a Pages,
    /// The note holding the query (`this`), if any.
    pub this: Option<NoteIdx>,
    /// The build date: `date(today)`.
    pub today: NaiveDate,
}

pub fn execute(query: &Query, ctx: &Context<'_>) -> Result<QueryResult, ExecError> {
    let _ = (query, ctx);
    Err(ExecError {
        message: "dataview engine not built yet".into(),
    })
}

/// Evaluates an inline `` `= expr` `` query for note `ctx.this`.
pub fn evaluate_inline(expr: &str, ctx: &Context<'_>) -> Result<crate::value::Value, ExecError> {
    let _ = (expr, ctx);
    Err(ExecError {
        message: "dataview engine not built yet".into(),
    })
}
