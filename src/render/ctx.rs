//! A page context: what a template receives, as a tree of plain values. Objects are lists of entries
//! whose keys are the names written in `context` and `crm` (`&'static str`), so that making one costs
//! one allocation and handing it to tera ([`crate::site`]) hashes each key once and copies none: a
//! `serde_json::Value` made a `String` of every key and a B-tree node of every object, and was then
//! converted into tera's values key by key.

use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

/// One value of a page context.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Ctx {
    #[default]
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    List(Vec<Ctx>),
    /// Entries in the order written; a key is there once ([`Ctx::set`]).
    Obj(Vec<(&'static str, Ctx)>),
    /// A value many pages hold the same, made once and shared (the `site` part of a folder's pages, a
    /// link from them to a note, an account or a person): held converted for tera ([`Part`]), so it
    /// is not an object or a string to [`Ctx::get`] and [`Ctx::as_str`].
    Shared(std::sync::Arc<Part>),
}

/// A shared value ([`Ctx::Shared`]), held as tera takes it: converted once, when it is made, and
/// handed to every page holding it as it is (tera's values are reference-counted, and tera keeps a
/// value it is handed as it is). Only the conversion is kept, so that the parts of a folder's pages
/// take half the memory.
#[derive(Debug)]
pub struct Part {
    /// tera's conversion, or why it failed (told by every page holding the part).
    converted: Result<tera::Value, String>,
    /// The sizes of the value's strings.
    sizes: TextSizes,
    /// What a page's key takes for the part, made by the first page keyed ([`crate::site`]).
    pub(crate) key: std::sync::OnceLock<u64>,
}

impl Part {
    /// `value`, to be shared.
    pub fn new(value: Ctx) -> std::sync::Arc<Part> {
        let sizes = value.text_sizes();
        let converted =
            tera::Value::try_from_serializable(&Consumed::new(value)).map_err(|e| e.to_string());
        std::sync::Arc::new(Part {
            converted,
            sizes,
            key: std::sync::OnceLock::new(),
        })
    }

    /// The sizes of the value's strings.
    pub fn sizes(&self) -> TextSizes {
        self.sizes
    }

    /// The value as tera takes it.
    pub fn value(&self) -> Result<&tera::Value, &str> {
        self.converted.as_ref().map_err(String::as_str)
    }
}

impl PartialEq for Part {
    fn eq(&self, other: &Part) -> bool {
        self.converted == other.converted
    }
}

/// A context value written like JSON: `ctx!({"title": t, "items": [a, b], "url": null})`. Each value
/// is an expression turned into a [`Ctx`] with `From` (strings, numbers, booleans, options, vectors
/// and the views of `context`); `{…}` and `[…]` nest.
macro_rules! ctx {
    (null) => { $crate::render::Ctx::Null };
    ({ $($body:tt)* }) => { $crate::render::Ctx::Obj(ctx!(@object [] ($($body)*))) };
    ([ $($body:tt)* ]) => { $crate::render::Ctx::List(ctx!(@array [] ($($body)*))) };
    (@object [$($out:tt)*] ()) => { vec![$($out)*] };
    (@object [$($out:tt)*] ($key:literal : null $(, $($rest:tt)*)?)) => {
        ctx!(@object [$($out)* ($key, $crate::render::Ctx::Null),] ($($($rest)*)?))
    };
    (@object [$($out:tt)*] ($key:literal : { $($value:tt)* } $(, $($rest:tt)*)?)) => {
        ctx!(@object [$($out)* ($key, ctx!({ $($value)* })),] ($($($rest)*)?))
    };
    (@object [$($out:tt)*] ($key:literal : [ $($value:tt)* ] $(, $($rest:tt)*)?)) => {
        ctx!(@object [$($out)* ($key, ctx!([ $($value)* ])),] ($($($rest)*)?))
    };
    (@object [$($out:tt)*] ($key:literal : $value:expr $(, $($rest:tt)*)?)) => {
        ctx!(@object [$($out)* ($key, $crate::render::Ctx::from($value)),] ($($($rest)*)?))
    };
    (@array [$($out:tt)*] ()) => { vec![$($out)*] };
    (@array [$($out:tt)*] (null $(, $($rest:tt)*)?)) => {
        ctx!(@array [$($out)* $crate::render::Ctx::Null,] ($($($rest)*)?))
    };
    (@array [$($out:tt)*] ({ $($value:tt)* } $(, $($rest:tt)*)?)) => {
        ctx!(@array [$($out)* ctx!({ $($value)* }),] ($($($rest)*)?))
    };
    (@array [$($out:tt)*] ([ $($value:tt)* ] $(, $($rest:tt)*)?)) => {
        ctx!(@array [$($out)* ctx!([ $($value)* ]),] ($($($rest)*)?))
    };
    (@array [$($out:tt)*] ($value:expr $(, $($rest:tt)*)?)) => {
        ctx!(@array [$($out)* $crate::render::Ctx::from($value),] ($($($rest)*)?))
    };
    ($value:expr) => { $crate::render::Ctx::from($value) };
}
#[cfg(test)]
pub(crate) use ctx;

impl Ctx {
    /// `value` under `key`: replaces the entry there is, else adds one at the end. Nothing on a value
    /// that is not an object.
    pub fn set(&mut self, key: &'static str, value: Ctx) {
        if let Ctx::Obj(entries) = self {
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => *v = value,
                None => entries.push((key, value)),
            }
        }
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Ctx> {
        match self {
            Ctx::Obj(entries) => entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Ctx::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The sizes of the strings in the tree: the longest one's and all of them together, in bytes.
    pub fn text_sizes(&self) -> TextSizes {
        fn walk(c: &Ctx, sizes: &mut TextSizes) {
            match c {
                Ctx::Str(s) => sizes.add(s),
                Ctx::List(items) => items.iter().for_each(|v| walk(v, sizes)),
                Ctx::Obj(entries) => entries.iter().for_each(|(_, v)| walk(v, sizes)),
                Ctx::Shared(part) => sizes.merge(part.sizes),
                Ctx::Null | Ctx::Bool(_) | Ctx::U64(_) | Ctx::I64(_) | Ctx::F64(_) => {}
            }
        }
        let mut sizes = TextSizes::default();
        walk(self, &mut sizes);
        sizes
    }
}

/// The sizes of a context's strings ([`Ctx::text_sizes`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextSizes {
    /// The longest string's length.
    pub largest: usize,
    /// The lengths of all strings together.
    pub total: usize,
}

impl TextSizes {
    /// Counts one more string.
    pub fn add(&mut self, s: &str) {
        self.largest = self.largest.max(s.len());
        self.total += s.len();
    }

    /// Counts the strings `other` counted.
    pub fn merge(&mut self, other: TextSizes) {
        self.largest = self.largest.max(other.largest);
        self.total += other.total;
    }
}

impl Serialize for Ctx {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ctx::Null => serializer.serialize_unit(),
            Ctx::Bool(b) => serializer.serialize_bool(*b),
            Ctx::U64(n) => serializer.serialize_u64(*n),
            Ctx::I64(n) => serializer.serialize_i64(*n),
            Ctx::F64(n) => serializer.serialize_f64(*n),
            Ctx::Str(s) => serializer.serialize_str(s),
            Ctx::List(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(item)?;
                }
                out.end()
            }
            // A struct, not a map: serde hands its field names over as `&'static str`, which tera
            // keeps as they are.
            Ctx::Obj(entries) => {
                let mut out = serializer.serialize_struct("", entries.len())?;
                for (key, value) in entries {
                    out.serialize_field(key, value)?;
                }
                out.end()
            }
            // tera takes its conversion as it is; anything else (a test's JSON) gets the value the
            // conversion holds.
            Ctx::Shared(part) => part
                .value()
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
        }
    }
}

/// A context serialised once, moved out as it goes: each string is dropped as soon as it has been
/// written, so that a large page (a timeline of every meeting) does not hold two copies of its context
/// while tera makes its own.
pub struct Consumed(std::cell::Cell<Ctx>);

impl Consumed {
    pub fn new(context: Ctx) -> Consumed {
        Consumed(std::cell::Cell::new(context))
    }
}

impl Serialize for Consumed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Ctx::List(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Consumed::new(item))?;
                }
                out.end()
            }
            Ctx::Obj(entries) => {
                let mut out = serializer.serialize_struct("", entries.len())?;
                for (key, value) in entries {
                    out.serialize_field(key, &Consumed::new(value))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

macro_rules! ctx_from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Ctx {
            fn from(n: $t) -> Ctx {
                Ctx::U64(n as u64)
            }
        }
    )*};
}
ctx_from_unsigned!(u8, u16, u32, u64, usize);

macro_rules! ctx_from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Ctx {
            fn from(n: $t) -> Ctx {
                // As serde_json kept them: a non-negative integer is unsigned.
                match u64::try_from(n) {
                    Ok(n) => Ctx::U64(n),
                    Err(_) => Ctx::I64(n as i64),
                }
            }
        }
    )*};
}
ctx_from_signed!(i32, i64);

impl From<f64> for Ctx {
    fn from(n: f64) -> Ctx {
        // serde_json has no NaN or infinity: they were null.
        if n.is_finite() {
            Ctx::F64(n)
        } else {
            Ctx::Null
        }
    }
}

impl From<bool> for Ctx {
    fn from(b: bool) -> Ctx {
        Ctx::Bool(b)
    }
}

impl From<String> for Ctx {
    fn from(s: String) -> Ctx {
        Ctx::Str(s)
    }
}

impl From<&str> for Ctx {
    fn from(s: &str) -> Ctx {
        Ctx::Str(s.to_string())
    }
}

impl From<&String> for Ctx {
    fn from(s: &String) -> Ctx {
        Ctx::Str(s.clone())
    }
}

impl<T: Into<Ctx>> From<Option<T>> for Ctx {
    fn from(value: Option<T>) -> Ctx {
        value.map_or(Ctx::Null, Into::into)
    }
}

impl<T: Into<Ctx>> From<Vec<T>> for Ctx {
    fn from(items: Vec<T>) -> Ctx {
        Ctx::List(items.into_iter().map(Into::into).collect())
    }
}

impl From<&Vec<String>> for Ctx {
    fn from(items: &Vec<String>) -> Ctx {
        Ctx::List(items.iter().map(Ctx::from).collect())
    }
}

impl From<&Option<String>> for Ctx {
    fn from(value: &Option<String>) -> Ctx {
        value.as_ref().map_or(Ctx::Null, Ctx::from)
    }
}

impl From<std::collections::BTreeSet<String>> for Ctx {
    fn from(items: std::collections::BTreeSet<String>) -> Ctx {
        Ctx::List(items.into_iter().map(Ctx::Str).collect())
    }
}

impl From<&i32> for Ctx {
    fn from(n: &i32) -> Ctx {
        Ctx::from(*n)
    }
}

#[cfg(test)]
mod tests {
    use super::{Consumed, Ctx, Part, TextSizes};

    #[test]
    fn set_replaces_a_key_in_place_and_adds_a_new_one_at_the_end() {
        let mut c = ctx!({"a": 1, "b": 2});
        c.set("a", ctx!("x"));
        c.set("c", ctx!(null));
        assert_eq!(c, ctx!({"a": "x", "b": 2, "c": null}));
        let mut list = ctx!([1]);
        list.set("a", ctx!(1));
        assert_eq!(list, ctx!([1]));
    }

    /// Taken apart or not, a context serialises to the same thing, keys in the order written.
    #[test]
    fn consumed_serialises_as_the_context_does() {
        let context = ctx!({
            "title": "T <b>",
            "n": 3,
            "neg": -2,
            "x": 1.5,
            "none": null,
            "list": [{"b": true, "a": [[], {}]}, "s"],
            "opt": Some("o"),
            "missing": None::<String>,
        });
        let whole = serde_json::to_string(&context).unwrap();
        assert_eq!(
            whole,
            r#"{"title":"T <b>","n":3,"neg":-2,"x":1.5,"none":null,"list":[{"b":true,"a":[[],{}]},"s"],"opt":"o","missing":null}"#
        );
        assert_eq!(
            serde_json::to_string(&Consumed::new(context)).unwrap(),
            whole
        );
        let part = Part::new(ctx!({"b": [1, "x", null], "a": {}}));
        let shared = ctx!({"p": Ctx::Shared(part.clone()), "q": [Ctx::Shared(part)]});
        let whole = r#"{"p":{"b":[1,"x",null],"a":{}},"q":[{"b":[1,"x",null],"a":{}}]}"#;
        assert_eq!(serde_json::to_string(&shared).unwrap(), whole);
        assert_eq!(
            serde_json::to_string(&Consumed::new(shared)).unwrap(),
            whole
        );
    }

    #[test]
    fn numbers_are_kept_as_serde_json_kept_them() {
        assert_eq!(Ctx::from(7i64), Ctx::U64(7));
        assert_eq!(Ctx::from(-7i32), Ctx::I64(-7));
        assert_eq!(Ctx::from(f64::NAN), Ctx::Null);
        assert_eq!(ctx!({"n": 2.5}).text_sizes(), TextSizes::default());
        let sizes = ctx!({"a": ["xyz", {"b": "xy"}]}).text_sizes();
        assert_eq!((sizes.largest, sizes.total), (3, 5));
    }
}
