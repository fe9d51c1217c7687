//! The Dataview function library (DATAVIEW.md §8): constructors, numeric, string, list, object,
//! date/duration formatting and utility functions. Vectorisation (V[…]) is applied before dispatch:
//! when an argument at a listed position is a list, the function maps over it.

mod date;
mod list;
mod text;

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

/// Argument positions each vectorised function maps over (§8).
fn vectorised(name: &str, argc: usize) -> &'static [usize] {
    match name {
        "date" | "dur" | "number" | "embed" | "elink" | "round" | "trunc" | "floor" | "ceil"
        | "currencyformat" | "lower" | "upper" | "striptime" | "dateformat" | "durationformat"
        | "localtime" | "choice" => &[0],
        "link" if argc >= 2 => &[0, 1],
        "link" => &[0],
        "contains" | "icontains" | "econtains" => &[1],
        "containsword" | "regextest" | "regexmatch" | "startswith" | "endswith" | "default" => {
            &[0, 1]
        }
        "regexreplace" | "replace" => &[0, 1, 2],
        "reduce" => &[1],
        _ => &[],
    }
}

/// Vectorised calls over lists longer than this fail (a runaway FLATTEN of lists of lists).
const MAX_VECTOR: usize = 1_000_000;

/// Calls the built-in function `name` (lower-cased) with evaluated arguments.
/// An unknown name or a call matching no variant is an `Err` with a message for the user.
pub fn call(name: &str, args: Vec<Value>, env: &dyn Env) -> Result<Value, String> {
    let positions = vectorised(name, args.len());
    let lists: Vec<usize> = positions
        .iter()
        .copied()
        .filter(|&p| matches!(args.get(p), Some(Value::List(_))))
        .collect();
    if !lists.is_empty() {
        let len = lists
            .iter()
            .filter_map(|&p| match &args[p] {
                Value::List(l) => Some(l.len()),
                _ => None,
            })
            .min()
            .unwrap_or(0);
        if len > MAX_VECTOR {
            return Err(format!("{name}() over more than {MAX_VECTOR} elements"));
        }
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            let a: Vec<Value> = args
                .iter()
                .enumerate()
                .map(|(p, v)| match v {
                    Value::List(l) if lists.contains(&p) => l[i].clone(),
                    other => other.clone(),
                })
                .collect();
            out.push(dispatch(name, a, env)?);
        }
        return Ok(Value::List(out));
    }
    dispatch(name, args, env)
}

/// `contains`, `icontains` or `econtains` (lower-cased name) of a scalar needle, without copying the
/// haystack; the evaluator's fast path for the commonest query filter.
pub fn membership(name: &str, hay: &Value, needle: &Value) -> Value {
    list::membership(name, hay, needle)
}

fn no_variant(name: &str, args: &[Value]) -> String {
    let types: Vec<&str> = args.iter().map(Value::type_name).collect();
    format!("no variant of {name}() takes ({})", types.join(", "))
}

fn dispatch(name: &str, args: Vec<Value>, env: &dyn Env) -> Result<Value, String> {
    if let Some(r) = text::call(name, &args, env) {
        return r.map_err(|e| {
            if e.is_empty() {
                no_variant(name, &args)
            } else {
                e
            }
        });
    }
    if let Some(r) = list::call(name, &args, env) {
        return r.map_err(|e| {
            if e.is_empty() {
                no_variant(name, &args)
            } else {
                e
            }
        });
    }
    if let Some(r) = date::call(name, &args, env) {
        return r.map_err(|e| {
            if e.is_empty() {
                no_variant(name, &args)
            } else {
                e
            }
        });
    }
    Err(format!("no function named '{name}'"))
}

#[cfg(test)]
pub(crate) mod testenv {
    use super::*;

    /// A query environment without a vault: lambdas are not callable through it.
    pub struct NoEnv;

    impl Env for NoEnv {
        fn call(&self, _f: &Lambda, _args: Vec<Value>) -> Result<Value, String> {
            Err("no lambdas here".into())
        }
        fn today(&self) -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
        }
        fn link_field(&self, _link: &Link, _field: &str) -> Value {
            Value::Null
        }
        fn resolve_path(&self, text: &str) -> Option<String> {
            Some(format!("{text}.md"))
        }
    }

    pub fn run(name: &str, args: Vec<Value>) -> Result<Value, String> {
        call(name, args, &NoEnv)
    }

    pub fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    pub fn n(x: f64) -> Value {
        Value::Number(x)
    }
    pub fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }
}

#[cfg(test)]
mod tests {
    use super::testenv::*;
    use super::*;

    #[test]
    fn vectorisation_maps_before_dispatch() {
        assert_eq!(
            run("lower", vec![l(vec![s("A"), s("B")])]),
            Ok(l(vec![s("a"), s("b")]))
        );
        assert_eq!(
            run("default", vec![l(vec![n(1.0), Value::Null]), n(3.0)]),
            Ok(l(vec![n(1.0), n(3.0)]))
        );
        assert_eq!(run("ldefault", vec![Value::Null, n(3.0)]), Ok(n(3.0)));
        assert_eq!(
            run("contains", vec![s("abc"), l(vec![s("a"), s("x")])]),
            Ok(l(vec![Value::Bool(true), Value::Bool(false)]))
        );
        assert!(run("nosuch", vec![])
            .unwrap_err()
            .contains("no function named"));
        assert!(run("lower", vec![n(1.0)])
            .unwrap_err()
            .contains("no variant"));
    }
}
