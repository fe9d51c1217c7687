//! The parsed query (DATAVIEW.md §1-5): plain data, built by `parser`, read by `engine` and `eval`.

use crate::value::{Link, Value};
use std::sync::Arc;

/// Binary operators, loosest last (§5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// A relative date keyword of `date(...)` (§5.1), resolved against the build date when evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateWord {
    Today,
    Now,
    Yesterday,
    Tomorrow,
    StartOfWeek,
    EndOfWeek,
    StartOfMonth,
    EndOfMonth,
    StartOfYear,
    EndOfYear,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// A link literal `[[…]]`, resolved against `this` when evaluated.
    Link(Link),
    Date(DateWord),
    /// A bare name: a row field, a lambda parameter, `this` or `row`.
    Field(String),
    /// `a.b` and `a[b]`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`: a built-in when the callee is a bare name, else a lambda call.
    Call(Box<Expr>, Vec<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    List(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    Lambda(Arc<LambdaDef>),
}

/// `(a, b) => body`.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaDef {
    pub params: Vec<String>,
    pub body: Expr,
}

/// An expression with the text it was written as (column headers, GROUP BY / FLATTEN names).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub expr: Expr,
    /// The `AS` name, else the source text (§2.2: newlines removed, lines trimmed).
    pub name: String,
}

/// A `FROM` source (§3).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Tag(String),
    /// A folder, or a single note path when no folder has that path.
    Path(String),
    /// Notes linking to the note (`outgoing: false`) or linked from it (`true`). `None` = this note.
    Link {
        target: Option<String>,
        outgoing: bool,
    },
    And(Box<Source>, Box<Source>),
    Or(Box<Source>, Box<Source>),
    Not(Box<Source>),
}

/// The query type and its fields (§2).
#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    List {
        expr: Option<Named>,
        without_id: bool,
    },
    Table {
        columns: Vec<Named>,
        without_id: bool,
    },
    Task,
    Calendar(Named),
}

/// A data command (§4).
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Where(Expr),
    /// Keys with `true` for descending.
    Sort(Vec<(Expr, bool)>),
    GroupBy(Named),
    Flatten(Named),
    Limit(Expr),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub header: Header,
    pub source: Option<Source>,
    pub commands: Vec<Command>,
}
