//! Expression evaluation (DATAVIEW.md §5-7): field lookup, indexing and swizzling, operators, calls and
//! lambdas. Errors are strings for the user; a row whose expression errors is dropped by the engine.

use super::ast::{BinOp, DateWord, Expr, LambdaDef};
use super::functions;
use super::ops;
use super::pages::Object;
use super::Context;
use crate::index::Target;
use crate::value::{Date, Lambda, Link, Value};
use chrono::{Datelike, Duration as ChronoDuration, NaiveTime};
use std::sync::Arc;

/// Evaluation deeper than this (lambdas calling lambdas through `map`) is an error, not a stack overflow.
pub const MAX_EVAL_DEPTH: usize = 256;

/// Where bare names are looked up: the current row (by reference, never copied).
pub trait RowLookup {
    fn get(&self, key: &str) -> Option<&Value>;
    /// The whole row as one object (`row`).
    fn object(&self) -> Object;
}

impl RowLookup for Object {
    fn get(&self, key: &str) -> Option<&Value> {
        std::collections::BTreeMap::get(self, key)
    }
    fn object(&self) -> Object {
        self.clone()
    }
}

/// A lambda value: its definition and the parameters of the lambdas around it.
struct Closure {
    def: Arc<LambdaDef>,
    locals: Vec<(String, Value)>,
}

/// The evaluator for one row.
pub struct Eval<'a> {
    pub ctx: &'a Context<'a>,
    pub row: &'a dyn RowLookup,
    /// `this`: the page object of the note holding the query, or an empty object.
    pub this: &'a Value,
    locals: Vec<(String, Value)>,
    depth: std::cell::Cell<usize>,
}

impl<'a> Eval<'a> {
    pub fn new(ctx: &'a Context<'a>, row: &'a dyn RowLookup, this: &'a Value) -> Eval<'a> {
        Eval {
            ctx,
            row,
            this,
            locals: Vec::new(),
            depth: std::cell::Cell::new(0),
        }
    }

    fn with_locals(&self, locals: Vec<(String, Value)>) -> Eval<'a> {
        Eval {
            ctx: self.ctx,
            row: self.row,
            this: self.this,
            locals,
            depth: std::cell::Cell::new(self.depth.get()),
        }
    }

    pub fn eval(&self, e: &Expr) -> Result<Value, String> {
        let d = self.depth.get() + 1;
        if d > MAX_EVAL_DEPTH {
            return Err(format!(
                "expression nests deeper than {MAX_EVAL_DEPTH} levels"
            ));
        }
        self.depth.set(d);
        let r = self.eval_inner(e);
        self.depth.set(d - 1);
        r
    }

    /// A field access chain (`file.outlinks`, `this.file.link`, `[[Note]].status`) found by reference
    /// where every step is a plain object key, so that only the value at its end is cloned. `None` means
    /// "evaluate it the general way" (locals, swizzling, missing keys, computed indices).
    fn path(&self, e: &Expr) -> Option<&Value> {
        match e {
            Expr::Field(name) => {
                if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
                    return Some(v);
                }
                match self.row.get(name) {
                    Some(v) => Some(v),
                    None if name == "this" => Some(self.this),
                    None => None,
                }
            }
            Expr::Index(base, index) => {
                let Expr::Literal(Value::String(key)) = index.as_ref() else {
                    return None;
                };
                match self.path(base)? {
                    Value::Object(o) => o.get(key),
                    Value::Link(l) => self.page_of(l)?.get(key),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Evaluates `e`, borrowing the value when it is a field access chain into the row or `this`, so
    /// that comparisons and membership tests over lists (`contains(file.outlinks, this.file.link)`)
    /// copy nothing.
    pub fn eval_ref(&self, e: &Expr) -> Result<std::borrow::Cow<'_, Value>, String> {
        match self.path(e) {
            Some(v) => Ok(std::borrow::Cow::Borrowed(v)),
            None => self.eval(e).map(std::borrow::Cow::Owned),
        }
    }

    /// `contains`/`icontains`/`econtains` with a borrowed haystack; `None` when the general call must
    /// run (a shadowing lambda, a list needle that vectorises, another arity).
    fn membership(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        let lower = ["contains", "icontains", "econtains"]
            .into_iter()
            .find(|f| f.eq_ignore_ascii_case(name))?;
        if args.len() != 2 || self.locals.iter().any(|(n, _)| n == name) {
            return None;
        }
        let hay = match self.eval_ref(&args[0]) {
            Ok(h) => h,
            Err(e) => return Some(Err(e)),
        };
        let needle = match self.eval_ref(&args[1]) {
            Ok(n) => n,
            Err(e) => return Some(Err(e)),
        };
        if matches!(needle.as_ref(), Value::List(_)) {
            return None;
        }
        Some(Ok(functions::membership(lower, &hay, &needle)))
    }

    fn eval_inner(&self, e: &Expr) -> Result<Value, String> {
        if let (Expr::Index(..), Some(v)) = (e, self.path(e)) {
            return Ok(v.clone());
        }
        Ok(match e {
            Expr::Literal(v) => v.clone(),
            Expr::Link(l) => Value::Link(Box::new(self.resolve_link(l))),
            Expr::Date(w) => Value::Date(date_word(*w, self.ctx.today)),
            Expr::Field(name) => self.lookup(name),
            Expr::Index(base, index) => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                self.index(&b, &i)?
            }
            Expr::Call(callee, args) => {
                if let Expr::Field(name) = callee.as_ref() {
                    if let Some(r) = self.membership(name, args) {
                        return r;
                    }
                }
                let values = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                match callee.as_ref() {
                    Expr::Field(name)
                        if !self
                            .locals
                            .iter()
                            .any(|(n, v)| n == name && matches!(v, Value::Function(_))) =>
                    {
                        functions::call(&name.to_lowercase(), values, self)?
                    }
                    other => match self.eval(other)? {
                        Value::Function(f) => self.call_lambda(&f, values)?,
                        v => return Err(format!("cannot call a {}", v.type_name())),
                    },
                }
            }
            Expr::Binary(op, l, r) => {
                let a = self.eval_ref(l)?;
                let b = self.eval_ref(r)?;
                binary(*op, &a, &b)?
            }
            Expr::Not(inner) => Value::Bool(!ops::truthy(self.eval_ref(inner)?.as_ref())),
            Expr::List(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.eval(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            Expr::Lambda(def) => Value::Function(Lambda(Arc::new(Closure {
                def: def.clone(),
                locals: self.locals.clone(),
            }))),
        })
    }

    /// §7.1: lambda parameters, then the row, then `this` and `row`; missing names are null.
    fn lookup(&self, name: &str) -> Value {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        if let Some(v) = self.row.get(name) {
            return v.clone();
        }
        match name {
            "this" => self.this.clone(),
            "row" => {
                let mut o = self.row.object();
                o.entry("this".into()).or_insert_with(|| self.this.clone());
                Value::Object(o)
            }
            _ => Value::Null,
        }
    }

    /// A link literal resolved against the note holding the query (`[[]]` is that note).
    pub fn resolve_link(&self, l: &Link) -> Link {
        let this_idx = self.ctx.this;
        if l.path.is_empty() {
            if let Some(t) = this_idx {
                return Link {
                    path: self.ctx.index.notes[t].id.as_str().to_string(),
                    resolved: true,
                    ..l.clone()
                };
            }
            return l.clone();
        }
        if l.resolved {
            return l.clone();
        }
        match self
            .ctx
            .index
            .resolve(this_idx.unwrap_or(usize::MAX), &l.path)
        {
            Target::Note(t) => Link {
                path: self.ctx.index.notes[t].id.as_str().to_string(),
                resolved: true,
                ..l.clone()
            },
            _ => l.clone(),
        }
    }

    /// The page object a link points at.
    pub fn page_of(&self, l: &Link) -> Option<&'a Object> {
        let l = self.resolve_link(l);
        let n = self.ctx.index.note_by_path(&l.path)?;
        self.ctx.pages.page(self.ctx.index, n)
    }

    /// `a[b]` / `a.b` (§7.3).
    pub fn index(&self, base: &Value, idx: &Value) -> Result<Value, String> {
        if matches!(idx, Value::Null) {
            return Ok(Value::Null);
        }
        Ok(match (base, idx) {
            (Value::Null, _) => Value::Null,
            (Value::Object(o), Value::String(k)) => o.get(k).cloned().unwrap_or(Value::Null),
            (Value::Link(l), Value::String(k)) => self
                .page_of(l)
                .and_then(|p| p.get(k).cloned())
                .unwrap_or(Value::Null),
            (Value::List(items), Value::Number(n)) => {
                if *n >= 0.0 && n.fract() == 0.0 {
                    items.get(*n as usize).cloned().unwrap_or(Value::Null)
                } else {
                    Value::Null
                }
            }
            // Swizzling (§7.5): index every element, skip the ones that error.
            (Value::List(items), Value::String(_)) => Value::List(
                items
                    .iter()
                    .filter_map(|i| self.index(i, idx).ok())
                    .collect(),
            ),
            (Value::String(s), Value::Number(n)) => {
                if *n >= 0.0 && n.fract() == 0.0 {
                    s.chars()
                        .nth(*n as usize)
                        .map_or(Value::Null, |c| Value::String(c.to_string()))
                } else {
                    Value::Null
                }
            }
            (Value::Date(d), Value::String(k)) => date_component(d, k),
            (Value::Duration(d), Value::String(k)) => duration_component(d, k),
            (_, Value::String(_) | Value::Number(_)) => Value::Null,
            (_, other) => return Err(format!("cannot index with a {}", other.type_name())),
        })
    }

    pub fn call_lambda(&self, f: &Lambda, args: Vec<Value>) -> Result<Value, String> {
        let Some(closure) = f.0.downcast_ref::<Closure>() else {
            return Err("not a function".into());
        };
        let mut locals = closure.locals.clone();
        for (i, p) in closure.def.params.iter().enumerate() {
            locals.push((p.clone(), args.get(i).cloned().unwrap_or(Value::Null)));
        }
        let inner = self.with_locals(locals);
        inner.depth.set(self.depth.get() + 1);
        if inner.depth.get() > MAX_EVAL_DEPTH {
            return Err(format!("lambdas nest deeper than {MAX_EVAL_DEPTH} levels"));
        }
        inner.eval(&closure.def.body)
    }
}

impl functions::Env for Eval<'_> {
    fn call(&self, f: &Lambda, args: Vec<Value>) -> Result<Value, String> {
        self.call_lambda(f, args)
    }
    fn today(&self) -> chrono::NaiveDate {
        self.ctx.today
    }
    fn link_field(&self, link: &Link, field: &str) -> Value {
        match field.split_once('.') {
            Some((a, b)) => self
                .page_of(link)
                .and_then(|p| p.get(a))
                .and_then(|v| match v {
                    Value::Object(o) => o.get(b).cloned(),
                    _ => None,
                }),
            None => self.page_of(link).and_then(|p| p.get(field).cloned()),
        }
        .unwrap_or(Value::Null)
    }
    fn resolve_path(&self, text: &str) -> Option<String> {
        match self
            .ctx
            .index
            .resolve(self.ctx.this.unwrap_or(usize::MAX), text)
        {
            Target::Note(t) => Some(self.ctx.index.notes[t].id.as_str().to_string()),
            _ => None,
        }
    }
}

/// Operators (§5.3, §5.5, §6.4, §6.5).
pub fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    use std::cmp::Ordering::*;
    Ok(match op {
        BinOp::And => Value::Bool(ops::truthy(a) && ops::truthy(b)),
        BinOp::Or => Value::Bool(ops::truthy(a) || ops::truthy(b)),
        BinOp::Eq => Value::Bool(ops::equals(a, b)),
        BinOp::Ne => Value::Bool(!ops::equals(a, b)),
        BinOp::Lt => Value::Bool(ops::compare(a, b) == Less),
        BinOp::Le => Value::Bool(ops::compare(a, b) != Greater),
        BinOp::Gt => Value::Bool(ops::compare(a, b) == Greater),
        BinOp::Ge => Value::Bool(ops::compare(a, b) != Less),
        BinOp::Add => ops::arith(ops::BinOp::Add, a, b)?,
        BinOp::Sub => ops::arith(ops::BinOp::Sub, a, b)?,
        BinOp::Mul => ops::arith(ops::BinOp::Mul, a, b)?,
        BinOp::Div => ops::arith(ops::BinOp::Div, a, b)?,
        BinOp::Mod => ops::arith(ops::BinOp::Mod, a, b)?,
    })
}

fn at_midnight(d: chrono::NaiveDate) -> Date {
    Date {
        local: d.and_time(NaiveTime::MIN),
        offset: None,
    }
}

fn end_of(d: chrono::NaiveDate) -> Date {
    Date {
        local: d
            .and_hms_milli_opt(23, 59, 59, 999)
            .unwrap_or_else(|| d.and_time(NaiveTime::MIN)),
        offset: None,
    }
}

/// `date(today)` and friends against the build date (§5.1; weeks start on Monday).
pub fn date_word(w: DateWord, today: chrono::NaiveDate) -> Date {
    let sow = today - ChronoDuration::days(today.weekday().num_days_from_monday() as i64);
    let som = today.with_day(1).unwrap_or(today);
    let next_month = som
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(som);
    let soy = today.with_ordinal(1).unwrap_or(today);
    let eoy = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    match w {
        DateWord::Today | DateWord::Now => at_midnight(today),
        DateWord::Yesterday => at_midnight(today - ChronoDuration::days(1)),
        DateWord::Tomorrow => at_midnight(today + ChronoDuration::days(1)),
        DateWord::StartOfWeek => at_midnight(sow),
        DateWord::EndOfWeek => end_of(sow + ChronoDuration::days(6)),
        DateWord::StartOfMonth => at_midnight(som),
        DateWord::EndOfMonth => end_of(next_month - ChronoDuration::days(1)),
        DateWord::StartOfYear => at_midnight(soy),
        DateWord::EndOfYear => end_of(eoy),
    }
}

/// Date components (§7.3); `week` is floor(day / 7) + 1 (quirk), `weekyear` the ISO week.
pub fn date_component(d: &Date, k: &str) -> Value {
    use chrono::Timelike;
    let l = d.local;
    let n = |x: u32| Value::Number(x as f64);
    match k {
        "year" => Value::Number(l.year() as f64),
        "month" => n(l.month()),
        "day" => n(l.day()),
        "hour" => n(l.hour()),
        "minute" => n(l.minute()),
        "second" => n(l.second()),
        "millisecond" => n(l.nanosecond() / 1_000_000),
        "weekday" => n(l.weekday().number_from_monday()),
        "weekyear" => n(l.iso_week().week()),
        "week" => n(l.day() / 7 + 1),
        _ => Value::Null,
    }
}

/// Duration components: the whole duration in that unit (§7.3).
pub fn duration_component(d: &crate::value::Duration, k: &str) -> Value {
    let ms = ops::millis(d);
    let per = match k {
        "years" | "year" => 365.0 * 86_400_000.0,
        "months" | "month" => 30.0 * 86_400_000.0,
        "weeks" => 7.0 * 86_400_000.0,
        "days" | "day" => 86_400_000.0,
        "hours" | "hour" => 3_600_000.0,
        "minutes" | "minute" => 60_000.0,
        "seconds" | "second" => 1000.0,
        "milliseconds" | "millisecond" => 1.0,
        _ => return Value::Null,
    };
    Value::Number(ms / per)
}
