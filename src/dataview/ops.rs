//! Value semantics (DATAVIEW.md §6): truthiness, the total order and equality, arithmetic, string form.
//! OWNED BY THE DATAVIEW-FUNCTIONS WORK: the signatures are fixed, the bodies are to be written;
//! the engine and the functions both use them.

use crate::value::Value;
use std::cmp::Ordering;

/// Binary operators of the expression language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// §6.3.
pub fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

/// The total order of §6.4 (used by comparisons, SORT, GROUP BY, min/max, sort, unique).
pub fn compare(a: &Value, b: &Value) -> Ordering {
    let _ = (a, b);
    Ordering::Equal
}

/// Equality of §6.4 (`=`, `!=`, GROUP BY keys).
pub fn equals(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

/// Arithmetic of §6.5; `Err` is an evaluation error (the row is dropped).
pub fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    Err(format!(
        "no implementation of {op:?} for {} and {}",
        a.type_name(),
        b.type_name()
    ))
}

/// The string form of §6.6 (`string()`, concatenation, `join`).
pub fn to_string(v: &Value) -> String {
    format!("{v:?}")
}
