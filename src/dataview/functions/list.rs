//! List, object, numeric and utility functions (§8).

use super::Env;
use crate::dataview::ops;
use crate::value::{LinkKind, Value};
use std::cmp::Ordering;

/// `flat()` never goes deeper than this, whatever depth is asked.
const MAX_FLAT_DEPTH: usize = 64;

/// The scalar-needle case of `contains`/`icontains`/`econtains`, as `call` computes it.
pub(super) fn membership(name: &str, hay: &Value, needle: &Value) -> Value {
    Value::Bool(match (name, hay) {
        (_, Value::Null) => false,
        ("econtains", _) => econtains(hay, needle),
        _ => contains(hay, needle, name == "icontains"),
    })
}

/// `contains` (§8, quirk: string elements match by substring, recursively).
fn contains(hay: &Value, needle: &Value, fold: bool) -> bool {
    match (hay, needle) {
        (Value::List(items), _) => items.iter().any(|i| contains(i, needle, fold)),
        (Value::String(h), Value::String(n)) if fold => {
            h.to_lowercase().contains(&n.to_lowercase())
        }
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        (Value::Link(a), Value::Link(b)) => ops::compare_links(a, b) == Ordering::Equal,
        _ => ops::equals(hay, needle),
    }
}

fn econtains(hay: &Value, needle: &Value) -> bool {
    match (hay, needle) {
        (Value::List(items), _) => items.iter().any(|i| ops::equals(i, needle)),
        (Value::String(h), Value::String(n)) => h.contains(n.as_str()),
        (Value::Object(o), Value::String(k)) => o.contains_key(k),
        _ => ops::equals(hay, needle),
    }
}

/// JS `Math.round`: halves toward +∞ (`round(-2.5)` = -2).
fn js_round(x: f64) -> f64 {
    (x + 0.5).floor()
}

fn numeric(name: &str, args: &[Value]) -> Result<Value, String> {
    let n = match args.first() {
        Some(Value::Number(n)) => *n,
        Some(Value::Null) => return Ok(Value::Null),
        _ => return Err(String::new()),
    };
    Ok(Value::Number(match name {
        "round" => match args.get(1) {
            Some(Value::Number(d)) if *d > 0.0 => {
                let factor = 10f64.powi(*d as i32);
                format!("{:.*}", *d as usize, (n * factor).round() / factor)
                    .parse()
                    .unwrap_or(n)
            }
            _ => js_round(n),
        },
        "trunc" => n.trunc(),
        "floor" => n.floor(),
        _ => n.ceil(),
    }))
}

/// The arguments as one list: a single list argument, else all arguments.
fn spread(args: &[Value]) -> Vec<Value> {
    match args {
        [Value::List(items)] => items.clone(),
        other => other.to_vec(),
    }
}

fn fold(items: &[Value], op: ops::BinOp) -> Result<Value, String> {
    let mut iter = items.iter();
    let Some(first) = iter.next() else {
        return Ok(Value::Null);
    };
    iter.try_fold(first.clone(), |acc, x| ops::arith(op, &acc, x))
}

fn truthy_all(args: &[Value], env: &dyn Env, mode: &str) -> Result<Value, String> {
    let (items, pred) = match args {
        [Value::List(items)] => (items.clone(), None),
        [Value::List(items), Value::Function(f)] => (items.clone(), Some(f)),
        other => (other.to_vec(), None),
    };
    let mut results = Vec::with_capacity(items.len());
    for i in items {
        results.push(match pred {
            Some(f) => ops::truthy(&env.call(f, vec![i])?),
            None => ops::truthy(&i),
        });
    }
    Ok(Value::Bool(match mode {
        "all" => results.iter().all(|b| *b),
        "any" => results.iter().any(|b| *b),
        _ => !results.iter().any(|b| *b),
    }))
}

fn flat(items: &[Value], depth: usize, out: &mut Vec<Value>) {
    for i in items {
        match i {
            Value::List(inner) if depth > 0 => flat(inner, depth - 1, out),
            other => out.push(other.clone()),
        }
    }
}

/// JS `slice` index: negative counts from the end, clamped.
fn slice_index(i: f64, len: usize) -> usize {
    if i < 0.0 {
        (len as f64 + i).max(0.0) as usize
    } else {
        (i as usize).min(len)
    }
}

pub fn call(name: &str, args: &[Value], env: &dyn Env) -> Option<Result<Value, String>> {
    use Value::*;
    let none = || Err(std::string::String::new());
    let a0 = args.first();
    let a1 = args.get(1);
    Some(match name {
        "contains" | "icontains" => match (a0, a1) {
            (Some(Null), _) => Ok(Bool(false)),
            (Some(h), Some(n)) => Ok(Bool(contains(h, n, name == "icontains"))),
            _ => none(),
        },
        "econtains" => match (a0, a1) {
            (Some(Null), _) => Ok(Bool(false)),
            (Some(h), Some(n)) => Ok(Bool(econtains(h, n))),
            _ => none(),
        },
        "length" => match a0 {
            Some(List(l)) => Ok(Number(l.len() as f64)),
            Some(Object(o)) => Ok(Number(o.len() as f64)),
            Some(String(s)) => Ok(Number(super::text::js_len(s) as f64)),
            Some(Null) => Ok(Number(0.0)),
            Some(_) => Ok(Number(0.0)),
            None => none(),
        },
        "list" | "array" => Ok(List(args.to_vec())),
        "object" => {
            if args.len() % 2 != 0 {
                return Some(Err("object() needs key, value pairs".into()));
            }
            let mut map = crate::dataview::pages::Object::new();
            for pair in args.chunks(2) {
                match &pair[0] {
                    String(k) => {
                        map.insert(k.clone(), pair[1].clone());
                    }
                    other => {
                        return Some(Err(format!(
                            "object() keys must be strings, got a {}",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(Object(map))
        }
        "extract" => match a0 {
            Some(Object(o)) => {
                let mut map = crate::dataview::pages::Object::new();
                for k in &args[1..] {
                    if let String(k) = k {
                        map.insert(k.clone(), o.get(k).cloned().unwrap_or(Null));
                    }
                }
                Ok(Object(map))
            }
            Some(List(items)) => {
                let mut out = Vec::new();
                for i in items {
                    let mut a = vec![i.clone()];
                    a.extend_from_slice(&args[1..]);
                    match call("extract", &a, env) {
                        Some(Ok(v)) => out.push(v),
                        Some(Err(e)) => return Some(Err(e)),
                        None => {}
                    }
                }
                Ok(List(out))
            }
            _ => none(),
        },
        "sort" => match (a0, a1) {
            (Some(List(items)), key) => {
                let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
                for i in items {
                    let k = match key {
                        Some(Function(f)) => match env.call(f, vec![i.clone()]) {
                            Ok(k) => k,
                            Err(e) => return Some(Err(e)),
                        },
                        _ => i.clone(),
                    };
                    keyed.push((k, i.clone()));
                }
                keyed.sort_by(|a, b| ops::compare(&a.0, &b.0));
                Ok(List(keyed.into_iter().map(|(_, v)| v).collect()))
            }
            (Some(other), _) => Ok(other.clone()),
            _ => none(),
        },
        "reverse" => match a0 {
            Some(List(items)) => Ok(List(items.iter().rev().cloned().collect())),
            Some(String(s)) => Ok(String(s.chars().rev().collect())),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "nonnull" => Ok(List(
            spread(args)
                .into_iter()
                .filter(|v| !matches!(v, Null))
                .collect(),
        )),
        "firstvalue" => Ok(spread(args)
            .into_iter()
            .find(|v| !matches!(v, Null))
            .unwrap_or(Null)),
        "all" | "any" | "none" => truthy_all(args, env, name),
        "join" => match a0 {
            Some(List(items)) => {
                let sep = match a1 {
                    Some(String(s)) => s.clone(),
                    _ => ", ".into(),
                };
                Ok(String(
                    items
                        .iter()
                        .map(ops::to_string)
                        .collect::<Vec<_>>()
                        .join(&sep),
                ))
            }
            Some(other) => Ok(String(ops::to_string(other))),
            None => none(),
        },
        "filter" | "map" => match (a0, a1) {
            (Some(Null), _) => Ok(Null),
            (Some(List(items)), Some(Function(f))) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    match env.call(f, vec![i.clone()]) {
                        Ok(v) if name == "map" => out.push(v),
                        Ok(v) => {
                            if ops::truthy(&v) {
                                out.push(i.clone());
                            }
                        }
                        Err(e) => return Some(Err(e)),
                    }
                }
                Ok(List(out))
            }
            _ => none(),
        },
        "flat" => match a0 {
            Some(List(items)) => {
                let depth = match a1 {
                    Some(Number(d)) => (*d).clamp(0.0, MAX_FLAT_DEPTH as f64) as usize,
                    _ => 1,
                };
                let mut out = Vec::new();
                flat(items, depth, &mut out);
                Ok(List(out))
            }
            Some(other) => Ok(other.clone()),
            None => none(),
        },
        "slice" => match a0 {
            Some(List(items)) => {
                let len = items.len();
                let start = match a1 {
                    Some(Number(n)) => slice_index(*n, len),
                    _ => 0,
                };
                let end = match args.get(2) {
                    Some(Number(n)) => slice_index(*n, len),
                    _ => len,
                };
                Ok(List(if start < end {
                    items[start..end].to_vec()
                } else {
                    Vec::new()
                }))
            }
            _ => none(),
        },
        "unique" => match a0 {
            Some(List(items)) => {
                // §8 quirk: the result is sorted.
                let mut sorted = items.clone();
                sorted.sort_by(ops::compare);
                sorted.dedup_by(|a, b| ops::equals(a, b));
                Ok(List(sorted))
            }
            Some(other) => Ok(other.clone()),
            None => none(),
        },
        "reduce" => match (a0, a1) {
            (Some(List(items)), Some(String(op))) => {
                let op = match op.as_str() {
                    "+" => Some(ops::BinOp::Add),
                    "-" => Some(ops::BinOp::Sub),
                    "*" => Some(ops::BinOp::Mul),
                    "/" => Some(ops::BinOp::Div),
                    "&" | "|" => None,
                    other => {
                        return Some(Err(format!(
                            "reduce() does not know the operator {other:?}"
                        )))
                    }
                };
                match op {
                    Some(op) => fold(items, op),
                    None if items.is_empty() => Ok(Null),
                    None => {
                        let values = items.iter().map(ops::truthy);
                        Ok(Bool(if args.get(1) == Some(&String("&".into())) {
                            values.clone().all(|b| b)
                        } else {
                            values.clone().any(|b| b)
                        }))
                    }
                }
            }
            (Some(List(items)), Some(Function(f))) => {
                let mut iter = items.iter().filter(|v| !matches!(v, Null));
                let Some(first) = iter.next() else {
                    return Some(Ok(Null));
                };
                let mut acc = first.clone();
                for x in iter {
                    match env.call(f, vec![acc, x.clone()]) {
                        Ok(v) => acc = v,
                        Err(e) => return Some(Err(e)),
                    }
                }
                Ok(acc)
            }
            (Some(Null), _) => Ok(Null),
            _ => none(),
        },
        "min" | "max" => {
            let items: Vec<Value> = spread(args)
                .into_iter()
                .filter(|v| !matches!(v, Null))
                .collect();
            let pick = items.into_iter().reduce(|a, b| {
                let o = ops::compare(&a, &b);
                if (name == "min" && o == Ordering::Greater)
                    || (name == "max" && o == Ordering::Less)
                {
                    b
                } else {
                    a
                }
            });
            Ok(pick.unwrap_or(Null))
        }
        "minby" | "maxby" => match (a0, a1) {
            (Some(List(items)), Some(Function(f))) => {
                let mut best: Option<(Value, Value)> = None;
                for i in items {
                    let k = match env.call(f, vec![i.clone()]) {
                        Ok(k) => k,
                        Err(e) => return Some(Err(e)),
                    };
                    if matches!(k, Null) {
                        continue;
                    }
                    let better = match &best {
                        None => true,
                        Some((bk, _)) => {
                            let o = ops::compare(&k, bk);
                            (name == "minby" && o == Ordering::Less)
                                || (name == "maxby" && o == Ordering::Greater)
                        }
                    };
                    if better {
                        best = Some((k, i.clone()));
                    }
                }
                Ok(best
                    .map(|(_, v)| v)
                    .or_else(|| items.first().cloned())
                    .unwrap_or(Null))
            }
            _ => none(),
        },
        "sum" => match a0 {
            Some(List(items)) => fold(items, ops::BinOp::Add),
            Some(other) => Ok(other.clone()),
            None => none(),
        },
        "product" => match a0 {
            Some(List(items)) => fold(items, ops::BinOp::Mul),
            Some(other) => Ok(other.clone()),
            None => none(),
        },
        "average" => match a0 {
            Some(List(items)) if items.is_empty() => Ok(Null),
            Some(List(items)) => fold(items, ops::BinOp::Add)
                .and_then(|s| ops::arith(ops::BinOp::Div, &s, &Number(items.len() as f64))),
            Some(other) => Ok(other.clone()),
            None => none(),
        },
        "round" | "trunc" | "floor" | "ceil" => numeric(name, args),
        "default" | "ldefault" => match (a0, a1) {
            (Some(Null), Some(f)) => Ok(f.clone()),
            (Some(v), Some(_)) => Ok(v.clone()),
            _ => none(),
        },
        "choice" => match args {
            [c, a, b] => Ok(if ops::truthy(c) { a.clone() } else { b.clone() }),
            _ => none(),
        },
        "link" => match (a0, a1) {
            (Some(Null), _) => Ok(Null),
            (Some(Link(l)), None) => Ok(Link(l.clone())),
            (Some(String(p)), display) => {
                let path = env.resolve_path(p).unwrap_or_else(|| p.clone());
                let display = match display {
                    Some(String(d)) => Some(d.clone()),
                    _ => None,
                };
                let embed = matches!(args.get(2), Some(Bool(true)));
                Ok(Link(Box::new(crate::value::Link {
                    path,
                    subpath: None,
                    display,
                    embed,
                    kind: LinkKind::File,
                    resolved: true,
                })))
            }
            (Some(Link(l)), Some(String(d))) => Ok(Link(Box::new(crate::value::Link {
                display: Some(d.clone()),
                ..(**l).clone()
            }))),
            _ => none(),
        },
        "embed" => match a0 {
            Some(Link(l)) => Ok(Link(Box::new(crate::value::Link {
                embed: !matches!(a1, Some(Bool(false))),
                ..(**l).clone()
            }))),
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "elink" => match a0 {
            Some(String(url)) => {
                let shown = match a1 {
                    Some(String(d)) => d.clone(),
                    _ => url.clone(),
                };
                Ok(String(format!("[{shown}]({url})")))
            }
            Some(Null) => Ok(Null),
            _ => none(),
        },
        "meta" => match a0 {
            Some(Link(l)) => {
                let mut o = crate::dataview::pages::Object::new();
                o.insert("display".into(), l.display.clone().map_or(Null, String));
                o.insert("embed".into(), Bool(l.embed));
                o.insert("path".into(), String(l.path.clone()));
                o.insert("subpath".into(), l.subpath.clone().map_or(Null, String));
                o.insert(
                    "type".into(),
                    String(
                        match l.kind {
                            LinkKind::File => "file",
                            LinkKind::Header => "header",
                            LinkKind::Block => "block",
                        }
                        .into(),
                    ),
                );
                Ok(Object(o))
            }
            _ => none(),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testenv::*;
    use super::*;

    #[test]
    fn containers() {
        assert_eq!(
            run("contains", vec![l(vec![s("hello")]), s("he")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("econtains", vec![l(vec![s("hello")]), s("he")]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            run("icontains", vec![s("Hello"), s("hell")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("contains", vec![l(vec![s("#status/active")]), s("#status")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("unique", vec![l(vec![s("b"), s("a"), s("b")])]),
            Ok(l(vec![s("a"), s("b")]))
        );
        assert_eq!(run("length", vec![Value::Null]), Ok(n(0.0)));
        assert_eq!(
            run("slice", vec![l(vec![n(1.0), n(2.0), n(3.0)]), n(-2.0)]),
            Ok(l(vec![n(2.0), n(3.0)]))
        );
        assert_eq!(
            run(
                "flat",
                vec![l(vec![n(1.0), l(vec![n(2.0), l(vec![n(3.0)])])])]
            ),
            Ok(l(vec![n(1.0), n(2.0), l(vec![n(3.0)])]))
        );
        assert_eq!(
            run("join", vec![l(vec![n(1.0), s("a")]), s("|")]),
            Ok(s("1|a"))
        );
        assert_eq!(
            run("nonnull", vec![l(vec![Value::Null, n(1.0)])]),
            Ok(l(vec![n(1.0)]))
        );
        assert_eq!(run("all", vec![l(vec![])]), Ok(Value::Bool(true)));
        assert_eq!(
            run("any", vec![Value::Bool(false), Value::Bool(true)]),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn numbers_and_aggregates() {
        assert_eq!(run("round", vec![n(-2.5)]), Ok(n(-2.0)));
        assert_eq!(run("round", vec![n(2.5)]), Ok(n(3.0)));
        assert_eq!(run("round", vec![n(16.555555), n(2.0)]), Ok(n(16.56)));
        assert_eq!(run("sum", vec![l(vec![s("a"), s("b")])]), Ok(s("ab")));
        assert_eq!(run("sum", vec![l(vec![])]), Ok(Value::Null));
        assert!(run("sum", vec![l(vec![n(1.0), Value::Null])]).is_err());
        assert_eq!(run("max", vec![s("a"), s("ab"), s("abc")]), Ok(s("abc")));
        assert_eq!(
            run("min", vec![l(vec![Value::Null, n(3.0), n(1.0)])]),
            Ok(n(1.0))
        );
        assert_eq!(run("min", vec![]), Ok(Value::Null));
        assert_eq!(run("average", vec![l(vec![n(1.0), n(2.0)])]), Ok(n(1.5)));
        assert_eq!(
            run("reduce", vec![l(vec![n(1.0), n(2.0), n(3.0)]), s("*")]),
            Ok(n(6.0))
        );
        assert_eq!(
            run("choice", vec![Value::Bool(false), n(1.0), n(2.0)]),
            Ok(n(2.0))
        );
    }

    #[test]
    fn meta_and_links() {
        let link = crate::value::parse::link("[[My Project#Goals|g]]").unwrap();
        match run("meta", vec![Value::Link(Box::new(link))]).unwrap() {
            Value::Object(o) => {
                assert_eq!(o["path"], s("My Project"));
                assert_eq!(o["subpath"], s("Goals"));
                assert_eq!(o["type"], s("header"));
                assert_eq!(o["display"], s("g"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(run("link", vec![s("Acme")]), Ok(Value::Link(l)) if l.path == "Acme.md"));
    }
}
