//! What the last build wrote, so that the next one need not make and write a file again when it would
//! come out the same.
//!
//! Every file of a build is recorded with a key (a hash of what it was made from: a page's context,
//! template set and the program itself, [`context_key`] and [`program_key`]; a static file's or an
//! attachment's bytes) and a hash of the file's bytes as written. The record goes into the output's
//! marker file, and depends on nothing but the site's content and the program: two builds of the same
//! vault write the same record. The next build makes each page's context as always; when its key
//! matches the record and the old file still holds the bytes recorded, the old file is linked into
//! the new site instead of being templated, minified and written again. A file edited, replaced or
//! removed by hand no longer matches and is made again; a record that cannot be read is no record.

use foldhash::HashMap;
use std::hash::Hasher;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3Default;

/// The manifest's first line in the marker file; the lines after it are its entries.
const HEADER: &str = "# dossier manifest 2: source-key content-hash path";

/// One file of a build: what it was made from, and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The hash of what the file was made from ([`key`]).
    pub key: u64,
    /// The hash of the file's bytes ([`content`]).
    pub content: u64,
}

/// The hash of a file's bytes, as recorded in [`Entry::content`].
pub fn content(bytes: &[u8]) -> u64 {
    key(&[bytes])
}

/// The key of a file written as it is given (`Staging::put`) and its [`content`], of the bytes
/// `pieces` make one after the other, without putting them together: `(key, content)`.
pub fn pieces_key(pieces: &[&[u8]]) -> (u64, u64) {
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    let hash = |head: &[&[u8]]| {
        // The streaming hasher gives the same hash however its input is split.
        let mut hasher = Xxh3Default::new();
        for part in head {
            hasher.write(&(part.len() as u64).to_le_bytes());
            hasher.write(part);
        }
        hasher.write(&(total as u64).to_le_bytes());
        for piece in pieces {
            hasher.write(piece);
        }
        hasher.finish()
    };
    (hash(&[b"bytes"]), hash(&[]))
}

/// The key of a file made from `parts`, in order (XXH3: a fixed algorithm, the same on every machine
/// and in every version).
pub fn key(parts: &[&[u8]]) -> u64 {
    let mut hasher = Xxh3Default::new();
    for part in parts {
        hasher.write(&(part.len() as u64).to_le_bytes());
        hasher.write(part);
    }
    hasher.finish()
}

/// A hash of a page context, as it is handed to tera: every value with its type and length, so that
/// no two different contexts feed the same bytes.
pub fn context_key(value: &crate::render::Ctx) -> u64 {
    context_key_sized(value).0
}

/// [`context_key`], and the sizes of the context's strings, found on the same walk over it.
pub fn context_key_sized(value: &crate::render::Ctx) -> (u64, crate::render::TextSizes) {
    fn feed(out: &mut Buffered, value: &crate::render::Ctx) {
        use crate::render::Ctx;
        match value {
            Ctx::Null => out.head(0, 0),
            Ctx::Bool(b) => {
                out.head(1, 1);
                out.bytes(&[u8::from(*b)]);
            }
            Ctx::U64(n) => out.number(2, n.to_le_bytes()),
            Ctx::I64(n) => out.number(6, n.to_le_bytes()),
            Ctx::F64(n) => out.number(7, n.to_bits().to_le_bytes()),
            Ctx::Str(s) => {
                out.head(3, s.len());
                out.bytes(s.as_bytes());
                out.text.add(s);
            }
            Ctx::List(items) => {
                out.number(4, (items.len() as u64).to_le_bytes());
                for item in items {
                    feed(out, item);
                }
            }
            Ctx::Obj(entries) => {
                out.number(5, (entries.len() as u64).to_le_bytes());
                for (key, item) in entries {
                    out.length(key.len());
                    out.bytes(key.as_bytes());
                    feed(out, item);
                }
            }
            // By its own key, made once for all the pages holding it.
            Ctx::Shared(part) => {
                out.number(8, part_key(part).to_le_bytes());
                out.text.merge(part.sizes());
            }
        }
    }
    let mut out = Buffered::new();
    feed(&mut out, value);
    let text = out.text;
    (out.finish(), text)
}

/// What a page's key takes for a shared part: the hash of its value, as tera holds it, with each
/// value's type and length as [`context_key`] feeds them.
fn part_key(part: &crate::render::Part) -> u64 {
    fn feed(out: &mut Buffered, value: &tera::Value) {
        use tera::value::ValueKind;
        match value.kind() {
            ValueKind::Map => {
                let map = value.as_map();
                out.number(5, (map.map_or(0, |m| m.len()) as u64).to_le_bytes());
                for (key, item) in map.into_iter().flatten() {
                    let key = key.as_str().unwrap_or_default();
                    out.length(key.len());
                    out.bytes(key.as_bytes());
                    feed(out, item);
                }
            }
            ValueKind::Array => {
                let items = value.as_array().unwrap_or_default();
                out.number(4, (items.len() as u64).to_le_bytes());
                items.iter().for_each(|item| feed(out, item));
            }
            ValueKind::String => {
                let s = value.as_str().unwrap_or_default();
                out.head(3, s.len());
                out.bytes(s.as_bytes());
            }
            ValueKind::Bool => {
                out.head(1, 1);
                out.bytes(&[u8::from(value.as_bool() == Some(true))]);
            }
            ValueKind::U64 | ValueKind::I64 | ValueKind::U128 | ValueKind::I128 => {
                let n = value.as_i128().unwrap_or_default();
                out.head(2, 16);
                out.bytes(&n.to_le_bytes());
            }
            ValueKind::F64 => out.number(
                7,
                value.as_f64().unwrap_or_default().to_bits().to_le_bytes(),
            ),
            // Nothing else comes of a context: none, and what tera alone makes.
            _ => out.head(0, 0),
        }
    }
    *part.key.get_or_init(|| {
        let mut out = Buffered::new();
        match part.value() {
            Ok(value) => feed(&mut out, value),
            Err(message) => {
                out.head(9, message.len());
                out.bytes(message.as_bytes());
            }
        }
        out.finish()
    })
}

/// A hasher fed through a buffer: a context is thousands of values of a few bytes each, and the
/// hasher's own cost per call was most of its time. Each value goes in as a tag byte, a length (or a
/// number) of eight bytes and its bytes, copied into an array (a growable buffer checked its capacity
/// and length on every copy).
struct Buffered {
    hasher: Xxh3Default,
    buffer: [u8; Buffered::SIZE],
    /// How much of `buffer` is filled.
    len: usize,
    /// The sizes of the strings fed so far.
    text: crate::render::TextSizes,
}

impl Buffered {
    /// On the stack: zeroing a larger one on the heap for each page cost more than the flushes.
    const SIZE: usize = 1 << 10;

    fn new() -> Buffered {
        Buffered {
            hasher: Xxh3Default::new(),
            buffer: [0; Buffered::SIZE],
            len: 0,
            text: crate::render::TextSizes::default(),
        }
    }

    /// `tag` and the length `n` of the bytes to follow.
    #[inline]
    fn head(&mut self, tag: u8, n: usize) {
        if self.len + 9 > Self::SIZE {
            self.flush();
        }
        let at = &mut self.buffer[self.len..self.len + 9];
        at[0] = tag;
        at[1..].copy_from_slice(&(n as u64).to_le_bytes());
        self.len += 9;
    }

    /// `tag` and eight bytes, as [`Buffered::head`] and [`Buffered::bytes`] would put them.
    #[inline]
    fn number(&mut self, tag: u8, n: [u8; 8]) {
        if self.len + 17 > Self::SIZE {
            self.flush();
        }
        let at = &mut self.buffer[self.len..self.len + 17];
        at[0] = tag;
        at[1..9].copy_from_slice(&8u64.to_le_bytes());
        at[9..].copy_from_slice(&n);
        self.len += 17;
    }

    /// A length alone, eight bytes.
    #[inline]
    fn length(&mut self, n: usize) {
        if self.len + 8 > Self::SIZE {
            self.flush();
        }
        self.buffer[self.len..self.len + 8].copy_from_slice(&(n as u64).to_le_bytes());
        self.len += 8;
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) {
        if bytes.len() > Self::SIZE - self.len {
            self.flush();
            if bytes.len() >= Self::SIZE {
                self.hasher.write(bytes);
                return;
            }
        }
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn flush(&mut self) {
        self.hasher.write(&self.buffer[..self.len]);
        self.len = 0;
    }

    fn finish(mut self) -> u64 {
        self.flush();
        self.hasher.finish()
    }
}

/// A hash of the running program, read once: what it makes of a template and a context may change
/// from one version of dossier to the next (its escaping, tera's), so a page kept by its context is
/// kept only by the program that made it. `None` when the program cannot be read.
pub fn program_key() -> Option<u64> {
    static KEY: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *KEY.get_or_init(|| {
        use std::io::Read;
        // Read in pieces: the program is tens of megabytes, more than a build holds at its peak.
        let mut file = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut hasher = Xxh3Default::new();
        let mut buffer = vec![0; 1 << 20];
        loop {
            match file.read(&mut buffer) {
                Ok(0) => return Some(hasher.finish()),
                Ok(n) => hasher.write(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    })
}

/// The entries recorded in the marker file `text`. Lines that do not parse are skipped: a damaged
/// record costs only the files it no longer names.
pub fn parse(text: &str) -> HashMap<String, Entry> {
    let mut entries = HashMap::default();
    let Some((_, body)) = text.split_once(&format!("{HEADER}\n")) else {
        return entries;
    };
    for line in body.lines() {
        let mut fields = line.splitn(3, ' ');
        let (Some(key), Some(content), Some(path)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (Ok(key), Ok(content)) = (
            u64::from_str_radix(key, 16),
            u64::from_str_radix(content, 16),
        ) else {
            continue;
        };
        if !path.is_empty() {
            entries.insert(path.to_string(), Entry { key, content });
        }
    }
    entries
}

/// The marker file's text: `preamble`, then the manifest of `entries` sorted by path. A path with a
/// line break cannot be recorded and is left out (its file is made again next time).
pub fn format(preamble: &str, entries: &mut [(String, Entry)]) -> String {
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::with_capacity(preamble.len() + 48 * entries.len());
    text.push_str(preamble);
    text.push_str(HEADER);
    text.push('\n');
    for (path, e) in entries.iter() {
        if !path.contains(['\n', '\r']) {
            // As `{:016x} {:016x} {path}`, written directly: this is the build's serial end.
            push_hex(&mut text, e.key);
            text.push(' ');
            push_hex(&mut text, e.content);
            text.push(' ');
            text.push_str(path);
            text.push('\n');
        }
    }
    text
}

/// `n` as sixteen lowercase hexadecimal digits.
fn push_hex(text: &mut String, n: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits: [u8; 16] = std::array::from_fn(|i| DIGITS[((n >> (60 - 4 * i)) & 0xf) as usize]);
    text.push_str(std::str::from_utf8(&digits).unwrap_or_default());
}

/// The manifest of the site at `out`, if dossier wrote it.
pub fn read(out: &Path, marker: &str) -> HashMap<String, Entry> {
    std::fs::read_to_string(out.join(marker))
        .map(|text| parse(&text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: u64) -> Entry {
        Entry { key, content: 42 }
    }

    #[test]
    fn the_hashes_of_pieces_are_those_of_their_concatenation() {
        let text: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = key(&[b"bytes", &text]);
        // Splits that fall inside, at and across the hasher's 8-byte words and 32-byte blocks.
        for cuts in [
            vec![],
            vec![0],
            vec![1, 2, 3],
            vec![7, 8, 9, 31, 33, 64],
            vec![4999],
        ] {
            let mut pieces: Vec<&[u8]> = Vec::new();
            let mut at = 0;
            for cut in cuts.into_iter().chain([text.len()]) {
                pieces.push(&text[at..cut]);
                at = cut;
            }
            assert_eq!(
                pieces_key(&pieces),
                (whole, content(&text)),
                "{:?}",
                pieces.len()
            );
        }
    }

    #[test]
    fn a_manifest_reads_back_what_was_written() {
        let mut entries = vec![
            ("notes/b c.html".to_string(), entry(7)),
            ("a.html".to_string(), entry(u64::MAX)),
            ("bad\nname.html".to_string(), entry(1)),
        ];
        let text = format("preamble\n", &mut entries);
        assert!(text.starts_with("preamble\n# dossier manifest"));
        let back = parse(&text);
        assert_eq!(back.len(), 2);
        assert_eq!(back["notes/b c.html"], entry(7));
        assert_eq!(back["a.html"], entry(u64::MAX));
    }

    #[test]
    fn damaged_lines_and_foreign_text_are_no_record() {
        assert!(parse("This folder is written by dossier.\n").is_empty());
        let text = format!(
            "{HEADER}\nzz 1 a.html\n1 2\n1 x b.html\n1 2 \n00ff 2 ok.html with spaces.html\n"
        );
        let back = parse(&text);
        assert_eq!(back.len(), 1);
        assert_eq!(back["ok.html with spaces.html"].key, 0xff);
    }

    /// The bytes a context key hashes, written straight to the hasher: what the buffered walk must
    /// give, however its buffer fills.
    fn unbuffered_key(value: &crate::render::Ctx) -> u64 {
        use crate::render::Ctx;
        fn feed(h: &mut Xxh3Default, value: &Ctx) {
            let tagged = |h: &mut Xxh3Default, tag: u8, bytes: &[u8]| {
                h.write(&[tag]);
                h.write(&(bytes.len() as u64).to_le_bytes());
                h.write(bytes);
            };
            match value {
                Ctx::Null => tagged(h, 0, b""),
                Ctx::Bool(b) => tagged(h, 1, &[u8::from(*b)]),
                Ctx::U64(n) => tagged(h, 2, &n.to_le_bytes()),
                Ctx::I64(n) => tagged(h, 6, &n.to_le_bytes()),
                Ctx::F64(n) => tagged(h, 7, &n.to_bits().to_le_bytes()),
                Ctx::Str(s) => tagged(h, 3, s.as_bytes()),
                Ctx::List(items) => {
                    tagged(h, 4, &(items.len() as u64).to_le_bytes());
                    items.iter().for_each(|v| feed(h, v));
                }
                Ctx::Obj(entries) => {
                    tagged(h, 5, &(entries.len() as u64).to_le_bytes());
                    for (key, v) in entries {
                        h.write(&(key.len() as u64).to_le_bytes());
                        h.write(key.as_bytes());
                        feed(h, v);
                    }
                }
                Ctx::Shared(part) => tagged(h, 8, &super::part_key(part).to_le_bytes()),
            }
        }
        let mut h = Xxh3Default::new();
        feed(&mut h, value);
        h.finish()
    }

    #[test]
    fn hex_digits_as_format_writes_them() {
        for n in [
            0,
            1,
            0xf,
            0x10,
            0xdead_beef,
            u64::MAX,
            0x0123_4567_89ab_cdef,
        ] {
            let mut text = String::new();
            push_hex(&mut text, n);
            assert_eq!(text, format!("{n:016x}"));
        }
    }

    #[test]
    fn a_context_key_is_its_values_bytes_however_the_buffer_fills() {
        use crate::render::Ctx;
        // Strings of every size around the buffer's, after a prefix of every length mod 9.
        for size in [
            0,
            1,
            100,
            Buffered::SIZE - 10,
            Buffered::SIZE - 1,
            Buffered::SIZE,
            3 * Buffered::SIZE,
        ] {
            for lead in 0..9 {
                let items: Vec<Ctx> = (0..lead + 900)
                    .map(|i| match i % 6 {
                        0 => Ctx::Null,
                        1 => Ctx::Bool(i % 4 == 1),
                        2 => Ctx::U64(i as u64),
                        3 => Ctx::I64(-(i as i64)),
                        4 => Ctx::F64(i as f64 / 3.0),
                        _ => Ctx::Obj(vec![("k", Ctx::Str("v".repeat(i % 13)))]),
                    })
                    .collect();
                let value = Ctx::Obj(vec![
                    ("items", Ctx::List(items)),
                    ("big", Ctx::Str("x".repeat(size))),
                    ("after", Ctx::Str("y".into())),
                ]);
                let (key, sizes) = context_key_sized(&value);
                assert_eq!(key, unbuffered_key(&value), "{size} {lead}");
                assert_eq!(sizes, value.text_sizes());
            }
        }
    }

    /// Contexts that differ only in a type, a nesting or an order: no two may share a key.
    fn contexts_told_apart() -> Vec<crate::render::Ctx> {
        use crate::render::ctx;
        vec![
            ctx!({"a": ["ab"]}),
            ctx!({"a": ["a", "b"]}),
            ctx!({"a": "1"}),
            ctx!({"a": 1}),
            ctx!({"a": -1}),
            ctx!({"a": 1.0}),
            ctx!({"a": null}),
            ctx!({"a": [[]]}),
            ctx!({"a": [], "b": []}),
            ctx!({"b": [], "a": []}),
            ctx!({"ab": []}),
            ctx!([{"a": 1}, {}]),
            ctx!([{}, {"a": 1}]),
        ]
    }

    #[test]
    fn context_keys_tell_apart_types_nesting_and_order() {
        use crate::render::ctx;
        let keys: Vec<u64> = contexts_told_apart().iter().map(context_key).collect();
        let distinct: foldhash::HashSet<u64> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), keys.len());
        assert_eq!(
            context_key(&ctx!({"a": [1, "x"]})),
            context_key(&ctx!({"a": [1, "x"]}))
        );
    }

    /// A shared part is keyed by its value, not by which part it is: two parts made alike key a page
    /// alike, and parts that differ anywhere (types, nesting, order) key it apart.
    #[test]
    fn a_shared_part_is_keyed_by_its_value() {
        use crate::render::{ctx, Ctx, Part};
        let page = |part: Ctx| context_key(&ctx!({"page": {"links": [part]}}));
        let shared = |value: Ctx| page(Ctx::Shared(Part::new(value)));
        let mut values = contexts_told_apart();
        values.push(ctx!({"a": true}));
        let keys: Vec<u64> = values.iter().cloned().map(shared).collect();
        let distinct: foldhash::HashSet<u64> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), keys.len());
        assert_eq!(keys, values.into_iter().map(shared).collect::<Vec<_>>());
        let (written, held) = (ctx!({"a": 1}), Ctx::Shared(Part::new(ctx!({"a": 1}))));
        assert_eq!(
            context_key_sized(&ctx!({"p": held, "s": "xyz"})).1,
            context_key_sized(&ctx!({"p": written, "s": "xyz"})).1
        );
    }

    #[test]
    fn keys_tell_apart_what_concatenation_would_not() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"page"]), key(&[b"page"]));
        // A fixed algorithm: the same key in every build and on every machine.
        assert_eq!(key(&[b"page"]), 0x9b39_26f9_82b5_4270);
    }
}
