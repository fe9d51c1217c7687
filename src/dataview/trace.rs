//! What a query read, so that `dossier serve` can tell whether an edit can change its result without
//! rendering the page that holds it.
//!
//! A query's result is a function of the page data of the notes it reads (its `FROM` candidates, the
//! rows its expressions look at, `this`, the notes its links lead to) and of which notes its source
//! selects. [`block`] and [`inline`] run a query and record both; [`Traced::may_change`] says whether an edit can
//! reach it, and [`Traced::rerun`] runs it again to compare outcomes. Tracing is per thread (a query
//! runs on one thread), so the parallel renderer needs no locks for it.
//!
//! A query sees only the keys it names ([`Observed`]): `contains(file.outlinks, this.file.link)` reads
//! every project, but an edit that changes a project's `file.size` and `file.mtime` and nothing else
//! ([`PageDiff`]) cannot change its result, so it is not run again.

use super::ast::{Command, Expr, Header, Query, Source};
use super::{engine, Context, ExecError, QueryResult};
use crate::index::NoteIdx;
use crate::value::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

thread_local! {
    /// The notes read on this thread since tracing began; `None` when not tracing.
    static READS: RefCell<Option<Vec<NoteIdx>>> = const { RefCell::new(None) };
}

/// Records that the running query read note `n`'s page data (a no-op unless tracing).
pub(super) fn read(n: NoteIdx) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.push(n);
        }
    });
}

/// Runs `f` and returns the notes it read, sorted and without repeats. Nested calls report their reads
/// to the enclosing one too.
pub fn tracing<T>(f: impl FnOnce() -> T) -> (T, Vec<NoteIdx>) {
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let value = f();
    let mut reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    if let Some(mut outer) = outer {
        outer.extend_from_slice(&reads);
        READS.with(|r| *r.borrow_mut() = Some(outer));
    }
    (value, reads)
}

/// A query as it is run again: a block's parsed query, or an inline expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Block(Query),
    Inline(String),
}

/// What a query produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Block(Result<QueryResult, ExecError>),
    Inline(Result<Value, ExecError>),
}

/// One run of a query while rendering a page: what it was, for which note, what it gave and read.
#[derive(Debug, Clone)]
pub struct Traced {
    pub call: Arc<Call>,
    pub this: Option<NoteIdx>,
    pub outcome: Outcome,
    /// Notes whose page data the run read, sorted.
    pub reads: Vec<NoteIdx>,
    /// The source selects notes by what they contain (tags, links), so an edited note can enter it
    /// without having been read before. Folder sources select by path, which an edit cannot change.
    pub open_source: bool,
    /// The page keys the query can see.
    pub observed: Arc<Observed>,
}

/// What a page's data changed in: its top-level keys (fields, front matter) other than `file`, and the
/// keys of `file` (`file.size`, `file.outlinks`, `file.lists`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDiff {
    pub top: BTreeSet<String>,
    pub file: BTreeSet<String>,
}

impl PageDiff {
    /// The keys in which two page objects differ; `None` when they are equal.
    pub fn between(old: Option<&Value>, new: Option<&Value>) -> Option<PageDiff> {
        fn differing<'a>(
            a: Option<&'a super::pages::Object>,
            b: Option<&'a super::pages::Object>,
            skip: &str,
            out: &mut BTreeSet<String>,
        ) {
            let empty = super::pages::Object::new();
            let (a, b) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
            for k in a.keys().chain(b.keys()) {
                if k != skip && a.get(k) != b.get(k) {
                    out.insert(k.clone());
                }
            }
        }
        fn object(v: Option<&Value>) -> Option<&super::pages::Object> {
            match v {
                Some(Value::Object(o)) => Some(o),
                _ => None,
            }
        }
        let (old, new) = (object(old), object(new));
        let mut diff = PageDiff::default();
        differing(old, new, "file", &mut diff.top);
        let (old_file, new_file) = (
            object(old.and_then(|o| o.get("file"))),
            object(new.and_then(|o| o.get("file"))),
        );
        differing(old_file, new_file, "", &mut diff.file);
        (!diff.top.is_empty() || !diff.file.is_empty()).then_some(diff)
    }
}

/// The page keys a query can see, found in its text: every name and literal key it mentions, at any
/// depth (a key after a link, as in `customer.status`, is a key of the linked note's page). `all` when
/// it can see a whole page (`row`, `rows` after GROUP BY, `this` on its own, a computed key), and
/// `whole_file` when it uses `file` on its own. Over-approximate by design: naming a key that changed
/// costs a run, missing one would show a stale result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    all: bool,
    whole_file: bool,
    keys: BTreeSet<String>,
}

impl Observed {
    /// Sees everything: for what cannot be analysed.
    pub fn everything() -> Observed {
        Observed {
            all: true,
            ..Observed::default()
        }
    }

    pub fn of_query(q: &Query) -> Observed {
        let mut o = Observed::of_expressions(q);
        // Task results are made of the note's list items (`file.lists`, `file.tasks`).
        if matches!(q.header, Header::Task) {
            o.keys.extend(["lists".to_string(), "tasks".to_string()]);
        }
        o
    }

    /// What the query's expressions can read: [`Observed::of_query`] but for a task query's list
    /// items, which its results are made of but which the query reads from the notes, not from the
    /// page objects its expressions see.
    pub fn of_expressions(q: &Query) -> Observed {
        let mut o = Observed::default();
        match &q.header {
            Header::List { expr, .. } => expr.iter().for_each(|n| o.expr(&n.expr, true)),
            Header::Table { columns, .. } => columns.iter().for_each(|n| o.expr(&n.expr, true)),
            Header::Calendar(n) => o.expr(&n.expr, true),
            Header::Task => {}
        }
        for c in &q.commands {
            match c {
                Command::Where(e) | Command::Limit(e) => o.expr(e, true),
                Command::Sort(keys) => keys.iter().for_each(|(e, _)| o.expr(e, true)),
                Command::GroupBy(n) | Command::Flatten(n) => o.expr(&n.expr, true),
            }
        }
        if let Some(src) = &q.source {
            o.source(src);
        }
        o
    }

    pub fn of_expr(e: &Expr) -> Observed {
        let mut o = Observed::default();
        o.expr(e, true);
        o
    }

    /// `outgoing([[X]])` selects by X's outlinks.
    fn source(&mut self, src: &Source) {
        match src {
            Source::Link { outgoing: true, .. } => {
                self.keys.insert("outlinks".into());
            }
            Source::Tag(_) | Source::Path(_) | Source::Link { .. } => {}
            Source::And(a, b) | Source::Or(a, b) => {
                self.source(a);
                self.source(b);
            }
            Source::Not(a) => self.source(a),
        }
    }

    /// Adds what `e` names; `whole` when its value is used as it is (not only indexed by a key).
    fn expr(&mut self, e: &Expr, whole: bool) {
        match e {
            Expr::Field(name) => self.name(name, whole),
            Expr::Index(base, key) => match key.as_ref() {
                Expr::Literal(Value::String(k)) => {
                    self.name(k, whole);
                    self.expr(base, false);
                }
                // `list[0]` uses the list whole; a computed key may name anything.
                Expr::Literal(_) => self.expr(base, true),
                other => {
                    self.all = true;
                    self.expr(base, true);
                    self.expr(other, true);
                }
            },
            Expr::Call(callee, args) => {
                match callee.as_ref() {
                    // `date(link)` reads the linked page's `file.day`.
                    Expr::Field(name) if name.eq_ignore_ascii_case("date") => {
                        self.keys.extend(["file".to_string(), "day".to_string()]);
                    }
                    Expr::Field(_) => {}
                    other => self.expr(other, true),
                }
                args.iter().for_each(|a| self.expr(a, true));
            }
            Expr::Binary(_, a, b) => {
                self.expr(a, true);
                self.expr(b, true);
            }
            Expr::Not(a) => self.expr(a, true),
            Expr::List(items) => items.iter().for_each(|i| self.expr(i, true)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| self.expr(v, true)),
            Expr::Lambda(def) => self.expr(&def.body, true),
            Expr::Literal(_) | Expr::Link(_) | Expr::Date(_) => {}
        }
    }

    fn name(&mut self, name: &str, whole: bool) {
        if whole {
            match name {
                "row" | "rows" | "this" => self.all = true,
                "file" => self.whole_file = true,
                _ => {}
            }
        }
        self.keys.insert(name.to_string());
    }

    /// Whether the query can read the value of `name`, a key of a page or a name (`this`).
    pub fn may_read(&self, name: &str) -> bool {
        self.all || self.keys.contains(name)
    }

    /// Whether the query can read a page's `file.lists` or `file.tasks`.
    pub fn may_read_lists(&self) -> bool {
        self.all || self.whole_file || self.may_read("lists") || self.may_read("tasks")
    }

    /// Whether the query can come to a list item's object as a whole (to show it, count its keys,
    /// compare it), not only read its keys by name: through a page's lists or an item's children.
    pub fn may_read_items_whole(&self) -> bool {
        self.may_read_lists() || self.may_read("children") || self.may_read("subtasks")
    }

    /// Whether a page that changed by `diff` can look different to the query.
    pub fn sees(&self, diff: &PageDiff) -> bool {
        self.all
            || (self.whole_file && !diff.file.is_empty())
            || diff
                .top
                .iter()
                .chain(&diff.file)
                .any(|k| self.keys.contains(k))
    }
}

/// Runs a block query for `ctx.this`: its result, and the run recorded.
pub fn block(query: Query, ctx: &Context<'_>) -> (Result<QueryResult, ExecError>, Traced) {
    let (result, reads) = tracing(|| engine::execute(&query, ctx));
    let open_source = query.source.as_ref().is_some_and(selects_by_content);
    let observed = Arc::new(Observed::of_query(&query));
    let traced = Traced {
        call: Arc::new(Call::Block(query)),
        this: ctx.this,
        outcome: Outcome::Block(result.clone()),
        reads,
        open_source,
        observed,
    };
    (result, traced)
}

/// Evaluates an inline query for `ctx.this`: its value, and the run recorded.
pub fn inline(expr: &str, ctx: &Context<'_>) -> (Result<Value, ExecError>, Traced) {
    let (value, reads) = tracing(|| super::evaluate_inline(expr, ctx));
    let observed = super::parser::parse_expression(expr)
        .map_or_else(|_| Observed::everything(), |e| Observed::of_expr(&e));
    let traced = Traced {
        call: Arc::new(Call::Inline(expr.to_string())),
        this: ctx.this,
        outcome: Outcome::Inline(value.clone()),
        reads,
        open_source: false,
        observed: Arc::new(observed),
    };
    (value, traced)
}

fn selects_by_content(src: &Source) -> bool {
    match src {
        Source::Tag(_) | Source::Link { .. } => true,
        Source::Path(_) => false,
        Source::And(a, b) | Source::Or(a, b) => selects_by_content(a) || selects_by_content(b),
        Source::Not(a) => selects_by_content(a),
    }
}

impl Traced {
    /// Whether an edit can change this run's outcome. `changed` are the notes whose page data differs
    /// after the edit (the edited notes, and those whose inlinks moved) with what differs; `edited`,
    /// the notes whose text changed, which alone can join or leave a source that selects by tag or
    /// link (checked against the new Index in `ctx`).
    pub fn may_change(
        &self,
        changed: &BTreeMap<NoteIdx, PageDiff>,
        edited: &BTreeSet<NoteIdx>,
        ctx: &Context<'_>,
    ) -> bool {
        if changed
            .iter()
            .any(|(t, diff)| self.reads.binary_search(t).is_ok() && self.observed.sees(diff))
        {
            return true;
        }
        let source = match &*self.call {
            Call::Block(q) if self.open_source => q.source.as_ref(),
            _ => None,
        };
        let Some(source) = source else {
            return false;
        };
        let ctx = Context {
            this: self.this,
            ..*ctx
        };
        let (now, _) = tracing(|| engine::source_notes(source, &ctx));
        // Every note the source selected was read: an edited note selected now and not read joined
        // it, one read and not selected now may have left it (or was only looked at: a wasted run).
        edited
            .iter()
            .any(|e| now.contains(e) != self.reads.binary_search(e).is_ok())
    }

    /// Runs the query again against `ctx` (same `this`): the new run, and whether its outcome differs.
    /// The new run's reads replace the old ones even when the outcome is the same (a note that joined
    /// a tag source without changing the result is read from now on).
    pub fn rerun(&self, ctx: &Context<'_>) -> (Traced, bool) {
        let ctx = Context {
            this: self.this,
            ..*ctx
        };
        let (outcome, reads) = tracing(|| match &*self.call {
            Call::Block(q) => Outcome::Block(engine::execute(q, &ctx)),
            Call::Inline(expr) => Outcome::Inline(super::evaluate_inline(expr, &ctx)),
        });
        let differs = outcome != self.outcome;
        let again = Traced {
            call: self.call.clone(),
            this: self.this,
            outcome,
            reads,
            open_source: self.open_source,
            observed: self.observed.clone(),
        };
        (again, differs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(top: &[&str], file: &[&str]) -> PageDiff {
        PageDiff {
            top: top.iter().map(|k| k.to_string()).collect(),
            file: file.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn sees(query: &str, d: &PageDiff) -> bool {
        let q = crate::dataview::parse(query).expect("query parses");
        Observed::of_query(&q).sees(d)
    }

    #[test]
    fn a_query_sees_only_the_keys_it_names() {
        let q = "LIST FROM \"Projects\" WHERE contains(file.outlinks, this.file.link)";
        assert!(!sees(q, &diff(&[], &["size", "mtime"])));
        assert!(!sees(q, &diff(&["status"], &[])));
        assert!(sees(q, &diff(&[], &["outlinks"])));
        // A key after a link is a key of the linked page.
        let q = "TABLE customer.status FROM \"Meetings\" SORT file.day DESC";
        assert!(sees(q, &diff(&["status"], &[])));
        assert!(sees(q, &diff(&["customer"], &[])));
        assert!(sees(q, &diff(&[], &["day"])));
        assert!(!sees(q, &diff(&["owner"], &["size"])));
        // `date(link)` reads the linked page's `file.day`.
        assert!(sees("LIST date(customer)", &diff(&[], &["day"])));
        // TASK results are the list items.
        let q = "TASK FROM [[]] WHERE !completed";
        assert!(sees(q, &diff(&[], &["lists"])));
        assert!(!sees(q, &diff(&[], &["size"])));
        // `outgoing([[X]])` selects by X's links.
        assert!(sees("LIST FROM outgoing([[X]])", &diff(&[], &["outlinks"])));
    }

    #[test]
    fn whole_pages_and_computed_keys_see_everything() {
        let d = diff(&["anything"], &[]);
        assert!(sees("TABLE rows FROM \"Deals\" GROUP BY stage", &d));
        assert!(sees("LIST rows[0] GROUP BY stage", &d));
        assert!(sees("LIST row", &d));
        assert!(sees("LIST this", &d));
        assert!(sees("LIST file[key]", &d));
        // `file` on its own shows every key of it, and nothing else.
        assert!(sees("LIST file", &diff(&[], &["size"])));
        assert!(!sees("LIST file", &diff(&["stage"], &[])));
        // Indexing `rows` by a key reads that key of every page in the group.
        let q = "TABLE rows.file.name GROUP BY stage";
        assert!(sees(q, &diff(&[], &["name"])));
        assert!(!sees(q, &diff(&["owner"], &["size"])));
        let inline = |e: &str, d: &PageDiff| {
            let e = crate::dataview::parser::parse_expression(e).expect("expression parses");
            Observed::of_expr(&e).sees(d)
        };
        assert!(inline("this.file.mtime", &diff(&[], &["mtime"])));
        assert!(!inline("this.file.mtime", &diff(&[], &["size"])));
        assert!(inline(
            "map(file.tasks, (t) => t.text)",
            &diff(&[], &["tasks"])
        ));
    }

    #[test]
    fn page_diffs_name_top_level_and_file_keys() {
        let page = |status: &str, size: f64| {
            let mut file = super::super::pages::Object::new();
            file.insert("size".into(), Value::Number(size));
            file.insert("name".into(), Value::String("A".into()));
            let mut page = super::super::pages::Object::new();
            page.insert("status".into(), Value::String(status.into()));
            page.insert("file".into(), Value::Object(file));
            Value::Object(page)
        };
        let a = page("open", 10.0);
        assert_eq!(PageDiff::between(Some(&a), Some(&a)), None);
        assert_eq!(
            PageDiff::between(Some(&a), Some(&page("open", 12.0))),
            Some(diff(&[], &["size"]))
        );
        assert_eq!(
            PageDiff::between(Some(&a), Some(&page("won", 10.0))),
            Some(diff(&["status"], &[]))
        );
        assert_eq!(
            PageDiff::between(Some(&a), None),
            Some(diff(&["status"], &["name", "size"]))
        );
    }
}
