//! Dataview at build time: the query language (DATAVIEW.md), parsed and evaluated against the [`Index`].
//!
//! 1. [`parse`] turns query text into a [`Query`] (or a [`ParseError`] with line and column).
//! 2. [`Pages`] is built once per build from the Index: every note's page object (front matter, inline
//!    fields, `file.*`) and its list items, shared read-only by all queries (parallel-safe).
//! 3. [`execute`] runs a query for one note (`this`) and returns a [`QueryResult`]: plain data that
//!    `render/dataview.rs` turns into HTML and `dossier query` into text, JSON or markdown.
//!
//! 4. [`trace`] records what each run read, so that `dossier serve` reruns only the queries an edit can
//!    reach and re-renders only the pages whose results changed.
//!
//! It never formats HTML and never reads files.

pub mod ast;
pub mod engine;
pub mod eval;
pub mod functions;
pub mod ops;
pub mod output;
pub mod pages;
pub mod parser;
pub mod result;
pub mod trace;

pub use ast::Query;
pub use pages::Pages;
pub use result::{QueryResult, TaskItem};

use crate::index::{Index, NoteIdx};
use chrono::NaiveDate;

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

/// Parses a query (§1).
pub fn parse(text: &str) -> Result<Query, ParseError> {
    parser::parse_query(text)
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

/// Runs a parsed query.
pub fn execute(query: &Query, ctx: &Context<'_>) -> Result<QueryResult, ExecError> {
    engine::execute(query, ctx)
}

/// Evaluates an inline `` `= expr` `` query for note `ctx.this` (§11.6).
pub fn evaluate_inline(expr: &str, ctx: &Context<'_>) -> Result<crate::value::Value, ExecError> {
    let parsed = parser::parse_expression(expr).map_err(|e| ExecError {
        message: e.to_string(),
    })?;
    let this = engine::this_value(ctx);
    let empty = pages::Object::new();
    // In an inline query bare names are the note's own fields.
    let row: &pages::Object = match &*this {
        crate::value::Value::Object(o) => o,
        _ => &empty,
    };
    eval::Eval::new(ctx, row, &this)
        .eval(&parsed)
        .map_err(|message| ExecError { message })
}
