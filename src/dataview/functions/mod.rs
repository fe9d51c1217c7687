//! The Dataview function library (DATAVIEW.md §8): constructors, numeric, string, list, object,
//! date/duration formatting and utility functions, with vectorisation applied before dispatch.
//! OWNED BY THE DATAVIEW-FUNCTIONS WORK: `call` and the `Env` trait are the fixed interface.

use crate::value::{Lambda, Link, Value};
use chrono::NaiveDate;

/// What a function may ask of the running query.
pub trait Env {
    /// Calls a lambda (from `filter`, `map`, `reduce`, `sort`, …) with arguments.
    fn call(&self, f: &Lambda, args: Vec<Value>) -> Result<Value, String>;
    /// The build date (`date(today)`).
    fn today(&self) -> NaiveDate;
    /// A field of the note a link points to (`file.day` for `date(link)`); null when missing.
    fn link_field(&self, link: &Link, field: &str) -> Value;
    /// Resolves link text to a full vault path (`link("Acme")` → `Customers/Acme.md`).
    fn resolve_path(&self, text: &str) -> Option<String>;
}

/// Calls the built-in function `name` (lower-cased) with evaluated arguments.
/// An unknown name or a call matching no variant is an `Err` with a message for the user.
pub fn call(name: &str, args: Vec<Value>, env: &dyn Env) -> Result<Value, String> {
    let _ = (args, env);
    Err(format!("no function named '{name}'"))
}
