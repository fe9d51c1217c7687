//! Page data (DATAVIEW.md §9, §10), made from the Index on demand for the queries: each note's page
//! object (front matter, inline fields, `file.*`) and its task and list item objects.

use crate::index::{Index, NoteIdx, Target};
use crate::value::{Date, Link, LinkKind, Value};
use crate::vault::{ListItem, Note};
use elsa::sync::FrozenMap;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

pub type Object = BTreeMap<String, Value>;

/// Page data for every note, each made the first time a query asks for it: most queries touch a small
/// part of a large vault (`FROM "Projects"`, `FROM [[]]`), and a page object with its tasks and list
/// items is many times the size of the note.
///
/// Made with [`Pages::build`], every object made is kept while the `Pages` lives: `dossier serve`
/// compares them across edits and carries the unchanged ones over ([`Pages::carry`]). Made with
/// [`Pages::transient`] (`dossier build`), each query run keeps the objects it made in its own
/// [`Pages::scope`] and drops them when it ends: on the 10,000-note vault the kept objects were 180 MB,
/// more than the notes themselves, for little reuse (most are read by one query).
#[derive(Debug)]
pub struct Pages {
    cells: Cells,
    /// [`Pages::linking_oddly`], made on first use and shared by the scopes.
    odd: Arc<OnceLock<Vec<NoteIdx>>>,
    /// What the query of a scope of its own can read ([`Pages::scope_reading`]); `None`: anything.
    /// Its objects are made with what it can read: page objects without `file.lists` and
    /// `file.tasks` when it cannot read those (making every list item of every page it reads was
    /// most of a query's time), list items with only the keys it names when it cannot come to an
    /// item whole.
    reads: Option<Arc<super::trace::Observed>>,
}

#[derive(Debug)]
enum Cells {
    /// Per note, its page object (with `file`), as a `Value::Object` so that `this` borrows it; and its
    /// list items as objects (tasks and bullets, line order; `file.lists`). Shared, so that
    /// [`Pages::carry`] hands the unchanged ones to the next build.
    Kept {
        pages: Vec<OnceLock<Arc<Value>>>,
        items: Vec<OnceLock<Arc<Vec<Object>>>>,
    },
    /// The objects one scope has made (none, outside a scope).
    Scoped {
        pages: FrozenMap<NoteIdx, Arc<Value>>,
        items: FrozenMap<NoteIdx, Arc<Vec<Object>>>,
    },
}

/// The page data one query run reads: the shared `Pages` when it keeps its objects, else objects of
/// the run's own, dropped with it.
pub enum Scope<'a> {
    Shared(&'a Pages),
    Own(Pages),
}

impl std::ops::Deref for Scope<'_> {
    type Target = Pages;
    fn deref(&self) -> &Pages {
        match self {
            Scope::Shared(p) => p,
            Scope::Own(p) => p,
        }
    }
}

/// §9.4: lower case, whitespace runs as `-`, other punctuation removed.
pub fn normalize_key(key: &str) -> String {
    normalized(key).collect()
}

/// The characters of [`normalize_key`]'s result, made as they are read (nothing allocated).
fn normalized(key: &str) -> impl Iterator<Item = char> + '_ {
    let kept = |c: char| {
        c.is_alphanumeric()
            || c == '-'
            || c == '_'
            || (c as u32) > 0x2000 && !c.is_ascii() && !c.is_alphanumeric() && is_emoji(c)
    };
    // (whitespace since the last kept character, any kept yet)
    key.trim()
        .chars()
        .scan((false, false), move |(dash, started), c| {
            if c.is_whitespace() {
                *dash = true;
                return Some(None);
            }
            if !kept(c) {
                return Some(None);
            }
            let sep = (*dash && *started).then_some('-');
            (*dash, *started) = (false, true);
            Some(Some(sep.into_iter().chain(c.to_lowercase())))
        })
        .flatten()
        .flatten()
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF)
}

fn date_from_secs(secs: Option<i64>) -> Value {
    secs.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|d| {
            Value::Date(Date {
                local: d.naive_utc(),
                offset: None,
            })
        })
        .unwrap_or(Value::Null)
}

fn midnight(v: &Value) -> Value {
    match v {
        Value::Date(d) => Value::Date(Date {
            local: d.local.date().and_time(chrono::NaiveTime::MIN),
            offset: d.offset,
        }),
        other => other.clone(),
    }
}

/// Adds `value` under `key`; a key seen again turns into the list of all its values (§9.6).
fn add_field(map: &mut Object, repeated: &mut foldhash::HashSet<String>, key: &str, value: Value) {
    match map.get_mut(key) {
        None => {
            map.insert(key.to_string(), value);
        }
        Some(Value::List(list)) if repeated.contains(key) => list.push(value),
        Some(existing) => {
            let old = std::mem::take(existing);
            *existing = Value::List(vec![old, value]);
            repeated.insert(key.to_string());
        }
    }
}

/// The link to a note's file.
pub fn file_link(note: &Note) -> Link {
    Link::to_note(note.id.as_str())
}

/// `file.day` (§9.1): a `date`/`day` field holding a date, else a date in the file name.
fn file_day(note: &Note, fields: &crate::vault::Fields) -> Value {
    for (k, v) in fields {
        if k.eq_ignore_ascii_case("date") || k.eq_ignore_ascii_case("day") {
            match v {
                Value::Date(_) => return midnight(v),
                Value::List(l) if matches!(l.first(), Some(Value::Date(_))) => {
                    return midnight(&l[0])
                }
                _ => {}
            }
        }
    }
    let name = note.id.name();
    for start in 0..name.len() {
        if let Some(d) = name
            .get(start..start + 10)
            .and_then(crate::value::parse::date)
        {
            return Value::Date(d);
        }
    }
    let digits: Vec<(usize, char)> = name.char_indices().collect();
    for w in digits.windows(8) {
        if w.iter().all(|(_, c)| c.is_ascii_digit()) {
            let s: String = w.iter().map(|(_, c)| c).collect();
            let text = format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]);
            if let Some(d) = crate::value::parse::date(&text) {
                return Value::Date(d);
            }
        }
    }
    Value::Null
}

/// Item `i` of note `n` as an object, with the keys `keep` keeps: each left out is not made.
fn item_object(
    index: &Index,
    n: NoteIdx,
    i: usize,
    item: &ListItem,
    children: Vec<Value>,
    keep: &dyn Fn(&str) -> bool,
) -> Object {
    let note = &index.notes[n];
    let mut o = Object::new();
    let put = |o: &mut Object, key: &str, value: &dyn Fn() -> Value| {
        if keep(key) {
            o.insert(key.to_string(), value());
        }
    };
    let section = || match item.section.and_then(|h| note.headings.get(h)) {
        Some(h) => Link {
            subpath: Some(h.text.clone()),
            kind: LinkKind::Header,
            ..file_link(note)
        },
        None => file_link(note),
    };
    let link = || match &item.block_id {
        Some(id) => Link {
            subpath: Some(id.clone()),
            kind: LinkKind::Block,
            ..file_link(note)
        },
        None => section(),
    };
    let outlinks = || -> Vec<Value> {
        item.links
            .iter()
            .filter_map(|&l| {
                let r = index.links[n].get(l)?;
                let lr = &note.links[l];
                Some(Value::Link(Box::new(match &r.target {
                    Target::Note(t) => Link {
                        subpath: lr.subpath().map(|s| s.trim_start_matches('^').to_string()),
                        ..file_link(&index.notes[*t])
                    },
                    _ => Link {
                        path: lr.target().to_string(),
                        subpath: None,
                        display: None,
                        embed: lr.embed,
                        kind: LinkKind::File,
                        resolved: false,
                    },
                })))
            })
            .collect()
    };
    // An item's own fields first, so the implicit ones below cannot be shadowed by them… except that
    // the plugin lets explicit task fields (`due`, …) stand as they are.
    for (k, v) in &item.fields {
        put(&mut o, k, &|| v.clone());
    }
    // Aliases of the date fields (§10.2).
    for (alias, field) in [
        ("duetime", "due"),
        ("dueday", "due"),
        ("completed", "completion"),
        ("comptime", "completion"),
        ("compday", "completion"),
        ("ctime", "created"),
        ("cday", "created"),
    ] {
        if let Some(v) = item.fields.get(alias) {
            if !o.contains_key(field) && matches!(v, Value::Date(_)) {
                put(&mut o, field, &|| v.clone());
            }
        }
    }
    let status = item.status;
    let is_task = status.is_some();
    put(&mut o, "text", &|| {
        Value::String(item.text(&note.text).to_string())
    });
    put(&mut o, "line", &|| Value::Number(item.line as f64));
    put(&mut o, "lineCount", &|| {
        Value::Number(item.line_count as f64)
    });
    put(&mut o, "path", &|| {
        Value::String(note.id.as_str().to_string())
    });
    put(&mut o, "link", &|| Value::Link(Box::new(link())));
    put(&mut o, "section", &|| Value::Link(Box::new(section())));
    put(&mut o, "tags", &|| {
        Value::List(item.tags.iter().map(|t| Value::String(t.clone())).collect())
    });
    put(&mut o, "outlinks", &|| Value::List(outlinks()));
    // The children under two names: copied only when both are kept.
    match (keep("children"), keep("subtasks")) {
        (true, true) => {
            o.insert("children".into(), Value::List(children.clone()));
            o.insert("subtasks".into(), Value::List(children));
        }
        (true, false) => {
            o.insert("children".into(), Value::List(children));
        }
        (false, true) => {
            o.insert("subtasks".into(), Value::List(children));
        }
        (false, false) => {}
    }
    put(&mut o, "task", &|| Value::Bool(is_task));
    put(&mut o, "annotated", &|| {
        Value::Bool(!item.fields.is_empty())
    });
    put(&mut o, "list", &|| {
        Value::Number(item.parent.map_or(item.line, |p| {
            note.list_items.get(p).map_or(item.line, |pi| pi.line)
        }) as f64)
    });
    if let Some(p) = item.parent.and_then(|p| note.list_items.get(p)) {
        put(&mut o, "parent", &|| Value::Number(p.line as f64));
    }
    if let Some(id) = &item.block_id {
        put(&mut o, "blockId", &|| Value::String(id.clone()));
    }
    if let Some(c) = status {
        put(&mut o, "status", &|| Value::String(c.to_string()));
        put(&mut o, "checked", &|| Value::Bool(c != ' '));
        put(&mut o, "completed", &|| Value::Bool(c == 'x' || c == 'X'));
        put(&mut o, "fullyCompleted", &|| {
            Value::Bool(fully_completed(note, i))
        });
    }
    put(&mut o, "symbol", &|| Value::String("-".into()));
    o
}

fn fully_completed(note: &Note, i: usize) -> bool {
    let Some(item) = note.list_items.get(i) else {
        return true;
    };
    let own = match item.status {
        Some(c) => c == 'x' || c == 'X',
        None => true,
    };
    own && item.children.iter().all(|&c| fully_completed(note, c))
}

/// All list items of a note as objects, children nested (built bottom-up), each with the keys `keep`
/// keeps (the same object as with every key, less the others).
fn items(index: &Index, n: NoteIdx, keep: &dyn Fn(&str) -> bool) -> Vec<Object> {
    let note = &index.notes[n];
    let nested = keep("children") || keep("subtasks");
    let mut built: Vec<Option<Object>> = vec![None; note.list_items.len()];
    for i in (0..note.list_items.len()).rev() {
        let item = &note.list_items[i];
        let children = if nested {
            item.children
                .iter()
                .filter_map(|&c| built.get(c).cloned().flatten().map(Value::Object))
                .collect()
        } else {
            Vec::new()
        };
        built[i] = Some(item_object(index, n, i, item, children, keep));
    }
    built.into_iter().map(Option::unwrap_or_default).collect()
}

/// Note `n`'s page object, with `file.lists` and `file.tasks` made of `item_objs` when there are
/// some (`None`: without those two keys).
fn page_object(index: &Index, n: NoteIdx, item_objs: Option<&[Object]>) -> Object {
    let note = &index.notes[n];
    let mut page = Object::new();
    let mut repeated = foldhash::HashSet::default();
    for (k, v) in &note.frontmatter.fields {
        if k != "file" {
            add_field(&mut page, &mut repeated, k, v.clone());
        }
    }
    // Plain list-item fields, then paragraph fields (§9.6, §9.7); task fields stay on the task.
    let mut ordered: Vec<&crate::vault::InlineField> = note
        .fields
        .iter()
        .filter(|f| match f.item {
            Some(i) => note.list_items.get(i).is_some_and(|it| it.status.is_none()),
            None => true,
        })
        .collect();
    ordered.sort_by_key(|f| (f.item.is_none(), f.span.start));
    for f in ordered {
        if f.key != "file" {
            add_field(&mut page, &mut repeated, &f.key, f.value.clone());
        }
    }
    // Normalised copies (§9.4), unless a field of exactly that name exists.
    let keys: Vec<String> = page.keys().cloned().collect();
    for k in keys {
        let norm = normalize_key(&k);
        if !norm.is_empty() && !page.contains_key(&norm) {
            if let Some(v) = page.get(&k).cloned() {
                page.insert(norm, v);
            }
        }
    }
    let mut file = Object::new();
    let link = file_link(note);
    file.insert("name".into(), Value::String(note.id.name().to_string()));
    file.insert("folder".into(), Value::String(note.id.folder().to_string()));
    file.insert("path".into(), Value::String(note.id.as_str().to_string()));
    file.insert("ext".into(), Value::String("md".into()));
    file.insert("link".into(), Value::Link(Box::new(link)));
    file.insert("size".into(), Value::Number(note.meta.size as f64));
    let ctime = date_from_secs(note.meta.ctime.or(note.meta.mtime));
    let mtime = date_from_secs(note.meta.mtime);
    file.insert("cday".into(), midnight(&ctime));
    file.insert("mday".into(), midnight(&mtime));
    file.insert("ctime".into(), ctime);
    file.insert("mtime".into(), mtime);
    file.insert("day".into(), file_day(note, &note.frontmatter.fields));
    let mut tags: Vec<String> = Vec::new();
    for t in &note.tags {
        let mut prefix = String::new();
        for part in t.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            let tag = format!("#{prefix}");
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    file.insert(
        "tags".into(),
        Value::List(tags.into_iter().map(Value::String).collect()),
    );
    file.insert(
        "etags".into(),
        Value::List(
            note.tags
                .iter()
                .map(|t| Value::String(format!("#{t}")))
                .collect(),
        ),
    );
    let inlinks: Vec<Value> = index
        .inlinks(n)
        .into_iter()
        .map(|f| Value::Link(Box::new(file_link(&index.notes[f]))))
        .collect();
    file.insert("inlinks".into(), Value::List(inlinks));
    let outlinks: Vec<Value> = note
        .links
        .iter()
        .zip(index.links[n].iter())
        .filter(|(_, r)| !matches!(r.target, Target::Excluded))
        .map(|(l, r)| {
            let (kind, subpath) = match l.subpath() {
                Some(s) if s.starts_with('^') => (LinkKind::Block, Some(s[1..].to_string())),
                Some(s) => (LinkKind::Header, Some(s.to_string())),
                None => (LinkKind::File, None),
            };
            Value::Link(Box::new(match &r.target {
                Target::Note(t) => Link {
                    subpath,
                    kind,
                    embed: l.embed,
                    ..file_link(&index.notes[*t])
                },
                Target::SameNote => Link {
                    subpath,
                    kind,
                    ..file_link(note)
                },
                Target::Attachment(a) => Link::to_note(index.attachments[*a].path.clone()),
                _ => Link {
                    path: l.target().to_string(),
                    subpath,
                    display: None,
                    embed: l.embed,
                    kind,
                    resolved: false,
                },
            }))
        })
        .collect();
    file.insert("outlinks".into(), Value::List(outlinks));
    file.insert(
        "aliases".into(),
        Value::List(
            note.aliases
                .iter()
                .map(|a| Value::String(a.clone()))
                .collect(),
        ),
    );
    if let Some(item_objs) = item_objs {
        let tasks: Vec<Value> = note
            .list_items
            .iter()
            .zip(item_objs)
            .filter(|(it, _)| it.status.is_some())
            .map(|(_, o)| Value::Object(o.clone()))
            .collect();
        file.insert("tasks".into(), Value::List(tasks));
        file.insert(
            "lists".into(),
            Value::List(item_objs.iter().cloned().map(Value::Object).collect()),
        );
    }
    file.insert("frontmatter".into(), Value::Object(note.frontmatter.raw()));
    file.insert("starred".into(), Value::Bool(false));
    page.insert("file".into(), Value::Object(file));
    page
}

impl Pages {
    /// Page data for the notes of `index`, kept once made; nothing is computed until asked for.
    pub fn build(index: &Index) -> Pages {
        let n = index.notes.len();
        Pages {
            cells: Cells::Kept {
                pages: (0..n).map(|_| OnceLock::new()).collect(),
                items: (0..n).map(|_| OnceLock::new()).collect(),
            },
            odd: Arc::default(),
            reads: None,
        }
    }

    /// Page data for the notes of `index` that each query run makes in its own [`Pages::scope`].
    pub fn transient() -> Pages {
        Pages {
            cells: Cells::Scoped {
                pages: FrozenMap::new(),
                items: FrozenMap::new(),
            },
            odd: Arc::default(),
            reads: None,
        }
    }

    /// What one query run reads: these pages when they keep their objects, else a scope of its own.
    pub fn scope(&self) -> Scope<'_> {
        self.scope_with(None)
    }

    /// [`Pages::scope`] for a query whose expressions can read what `observed` says
    /// ([`Observed::of_expressions`](super::trace::Observed::of_expressions)): a scope of its own
    /// makes only what they can read ([`Pages::reads`]). Kept objects, shared by every query, are
    /// whole.
    pub fn scope_reading(&self, observed: super::trace::Observed) -> Scope<'_> {
        self.scope_with(Some(Arc::new(observed)))
    }

    /// Whether the query these pages are made for can read `name` (always, but in a scope made with
    /// [`Pages::scope_reading`]).
    pub fn may_read(&self, name: &str) -> bool {
        self.reads.as_deref().is_none_or(|o| o.may_read(name))
    }

    fn scope_with(&self, reads: Option<Arc<super::trace::Observed>>) -> Scope<'_> {
        match self.cells {
            Cells::Kept { .. } => Scope::Shared(self),
            Cells::Scoped { .. } => Scope::Own(Pages {
                cells: Cells::Scoped {
                    pages: FrozenMap::new(),
                    items: FrozenMap::new(),
                },
                odd: self.odd.clone(),
                reads,
            }),
        }
    }

    /// The page data of an index that differs from the one these pages were made for only in the
    /// notes at `stale` (same notes, same order; `dossier serve` after an edit): the objects already
    /// made for the other notes are shared, not made again. A note's page data is its own text and
    /// fields, its resolved links and its inlinks, so `stale` must hold the edited notes and every
    /// note they link to, before or after.
    pub fn carry(&self, stale: &std::collections::BTreeSet<NoteIdx>) -> Pages {
        fn cells<T>(
            old: &[OnceLock<Arc<T>>],
            stale: &std::collections::BTreeSet<NoteIdx>,
        ) -> Vec<OnceLock<Arc<T>>> {
            old.iter()
                .enumerate()
                .map(|(n, cell)| match cell.get() {
                    Some(v) if !stale.contains(&n) => OnceLock::from(v.clone()),
                    _ => OnceLock::new(),
                })
                .collect()
        }
        match &self.cells {
            Cells::Kept { pages, items } => Pages {
                cells: Cells::Kept {
                    pages: cells(pages, stale),
                    items: cells(items, stale),
                },
                odd: Arc::default(),
                reads: None,
            },
            Cells::Scoped { .. } => Pages::transient(),
        }
    }

    /// Note `n`'s page object as a value (`this`); `None` past the end. `index` must be the one the
    /// pages were made for.
    pub fn value(&self, index: &Index, n: NoteIdx) -> Option<&Value> {
        if n >= index.notes.len() {
            return None;
        }
        super::trace::read(n);
        let make = || {
            let lists = self.reads.as_ref().is_none_or(|o| o.may_read_lists());
            let items = lists.then(|| self.items(index, n));
            Arc::new(Value::Object(page_object(index, n, items)))
        };
        Some(match &self.cells {
            Cells::Kept { pages, .. } => pages.get(n)?.get_or_init(make),
            // Made outside the map's lock: making a page reads its items, in the other map.
            Cells::Scoped { pages, .. } => match pages.get(&n) {
                Some(v) => v,
                None => pages.insert(n, make()),
            },
        })
    }

    /// The notes on which `contains(file.outlinks, this.file.link)` may hold for a `this` they have
    /// no resolved link to (usually none): a note with a field named `this`, which its row reads
    /// instead of the query's (§7.1), and a note with an unresolved link or an attachment link whose
    /// path is spelled as a note's path (its outlink then equals that note's link). Links compare
    /// equal only when their paths are the same string (`ops::compare_links`).
    pub fn linking_oddly(&self, index: &Index) -> &[NoteIdx] {
        use rayon::prelude::*;
        self.odd.get_or_init(|| {
            let is_note = |path: &str| index.note_by_path(path).is_some();
            (0..index.notes.len())
                .into_par_iter()
                .filter(|&n| {
                    let note = &index.notes[n];
                    let own_this = note
                        .frontmatter
                        .fields
                        .keys()
                        .chain(note.fields.iter().map(|f| &f.key))
                        .any(|k| normalized(k).eq("this".chars()));
                    own_this
                        || note.links.iter().zip(index.links[n].iter()).any(|(l, r)| {
                            match &r.target {
                                Target::Unresolved(_) => is_note(l.target()),
                                Target::Attachment(a) => is_note(&index.attachments[*a].path),
                                Target::Note(_) | Target::SameNote | Target::Excluded => false,
                            }
                        })
                })
                .collect()
        })
    }

    /// Note `n`'s page object.
    pub fn page(&self, index: &Index, n: NoteIdx) -> Option<&Object> {
        match self.value(index, n)? {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// How many page objects and item lists these pages hold.
    #[cfg(test)]
    fn made(&self) -> usize {
        match &self.cells {
            Cells::Kept { pages, items } => {
                pages.iter().filter(|c| c.get().is_some()).count()
                    + items.iter().filter(|c| c.get().is_some()).count()
            }
            Cells::Scoped { pages, items } => pages.len() + items.len(),
        }
    }

    /// Note `n`'s list items as objects (line order); empty past the end.
    pub fn items(&self, index: &Index, n: NoteIdx) -> &[Object] {
        if n >= index.notes.len() {
            return &[];
        }
        super::trace::read(n);
        let make = || {
            let named = self.reads.as_deref().filter(|o| !o.may_read_items_whole());
            Arc::new(items(index, n, &|key| {
                named.is_none_or(|o| o.may_read(key))
            }))
        };
        match &self.cells {
            Cells::Kept { items, .. } => items.get(n).map_or(&[], |cell| cell.get_or_init(make)),
            Cells::Scoped { items, .. } => match items.get(&n) {
                Some(v) => v,
                None => items.insert(n, make()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_keys() {
        assert_eq!(normalize_key("Deal Size"), "deal-size");
        assert_eq!(normalize_key("Hello!"), "hello");
        assert_eq!(normalize_key("Статус"), "статус");
        assert_eq!(normalize_key("  Multi   Space "), "multi-space");
    }

    /// A scope of transient pages makes the same objects as kept pages, and they go with the scope.
    #[test]
    fn transient_pages_are_made_per_scope_and_dropped_with_it() {
        let index = Index::build(crate::vault::Vault::of_texts(&[
            (
                "Acme.md",
                "---\nstatus: active\n---\n- [ ] call [[Bob]] [due:: 2026-12-01]\n  - note #x\n",
            ),
            ("Bob.md", "role:: CTO\nWorks at [[Acme]].\n"),
        ]));
        let kept = Pages::build(&index);
        let transient = Pages::transient();
        {
            let scope = transient.scope();
            for n in 0..index.notes.len() {
                assert_eq!(scope.value(&index, n), kept.value(&index, n));
                assert_eq!(scope.items(&index, n), kept.items(&index, n));
                assert!(!scope.items(&index, 0).is_empty());
            }
            assert_eq!(scope.made(), 4);
            assert_eq!(scope.value(&index, 2), None);
            assert!(scope.items(&index, 2).is_empty());
        }
        assert_eq!(transient.made(), 0, "a scope's objects stay in the scope");
        assert_eq!(kept.made(), 4);
        // Kept pages are their own scope: what a query makes stays for the next one.
        let fresh = Pages::build(&index);
        fresh.scope().value(&index, 1);
        assert_eq!(fresh.made(), 2);
    }
}
