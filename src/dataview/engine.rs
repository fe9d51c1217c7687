//! Running a query (DATAVIEW.md §2-4): sources to rows, data commands in order, then extraction into a
//! [`QueryResult`]. Rows refer to the shared page data and are copied only when a command must change
//! them (FLATTEN, GROUP BY), so queries stay cheap on large vaults.

use super::ast::{Command, Expr, Header, Query, Source};
use super::eval::{Eval, RowLookup};
use super::pages::Object;
use super::result::{QueryResult, TaskGroup, TaskItem};
use super::{ops, Context, ExecError};
use crate::index::{names, NoteIdx, Target};
use crate::value::Value;
use foldhash::HashSet;
use std::collections::BTreeSet;

/// FLATTEN may not grow the row set past this (a list of lists of lists…): the query fails instead.
pub const MAX_ROWS: usize = 1_000_000;

/// Where a row's fields come from.
#[derive(Debug, Clone)]
enum Base {
    Page(NoteIdx),
    /// A list item of a note, with the note's page fields behind it (§2.5).
    Item(NoteIdx, usize),
    None,
}

#[derive(Debug, Clone)]
struct Row {
    id: Value,
    base: Base,
    /// Fields set by FLATTEN or GROUP BY, over the base.
    overlay: Object,
    /// After GROUP BY: the grouped rows (TASK rendering needs their origin).
    members: Vec<Row>,
}

struct RowView<'a> {
    row: &'a Row,
    ctx: &'a Context<'a>,
}

impl RowLookup for RowView<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        if let Some(v) = self.row.overlay.get(key) {
            return Some(v);
        }
        let (pages, index) = (self.ctx.pages, self.ctx.index);
        match self.row.base {
            Base::Page(n) => pages.page(index, n)?.get(key),
            Base::Item(n, i) => pages
                .items(index, n)
                .get(i)?
                .get(key)
                .or_else(|| pages.page(index, n)?.get(key)),
            Base::None => None,
        }
    }
    fn object(&self) -> Object {
        let (pages, index) = (self.ctx.pages, self.ctx.index);
        let mut o = match self.row.base {
            Base::Page(n) => pages.page(index, n).cloned().unwrap_or_default(),
            Base::Item(n, i) => {
                let mut o = pages.page(index, n).cloned().unwrap_or_default();
                if let Some(item) = pages.items(index, n).get(i) {
                    o.extend(item.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                o
            }
            Base::None => Object::new(),
        };
        o.extend(self.row.overlay.iter().map(|(k, v)| (k.clone(), v.clone())));
        o
    }
}

fn fail(message: impl Into<String>) -> ExecError {
    ExecError {
        message: message.into(),
    }
}

/// The notes of a folder, or the note at a path when no folder has it (§3.2), sorted.
fn path_notes(index: &crate::index::Index, p: &str) -> Vec<NoteIdx> {
    let p = p.trim_matches('/');
    if p.is_empty() {
        return (0..index.notes.len()).collect();
    }
    // Notes are sorted by path, so a folder's notes are one run of them.
    let prefix = format!("{p}/");
    let first = index
        .notes
        .partition_point(|n| n.id.as_str() < prefix.as_str());
    let in_folder: Vec<NoteIdx> = (first..index.notes.len())
        .take_while(|&i| index.notes[i].id.as_str().starts_with(&prefix))
        .collect();
    if !in_folder.is_empty() {
        return in_folder;
    }
    let file = if p.ends_with(".md") {
        p.to_string()
    } else {
        format!("{p}.md")
    };
    index.note_by_path(&file).into_iter().collect()
}

/// The notes a source selects (§3), sorted.
pub(super) fn source_notes(src: &Source, ctx: &Context<'_>) -> BTreeSet<NoteIdx> {
    let index = ctx.index;
    let all = || (0..index.notes.len()).collect::<BTreeSet<_>>();
    match src {
        Source::Tag(tag) => index
            .tags
            .get(&tag.to_lowercase())
            .map(|v| v.iter().copied().collect())
            .unwrap_or_default(),
        Source::Path(p) => path_notes(index, p).into_iter().collect(),
        Source::Link { target, outgoing } => {
            let resolved = match target {
                None => ctx
                    .this
                    .map(Target::Note)
                    .unwrap_or(Target::Unresolved("".into())),
                Some(t) => index.resolve(ctx.this.unwrap_or(usize::MAX), t),
            };
            match (resolved, outgoing) {
                (Target::Note(t), false) => index.inlinks(t).into_iter().collect(),
                (Target::Note(t), true) => {
                    // Its own links decide what it leads to: reading them is reading it.
                    super::trace::read(t);
                    index.links[t]
                        .iter()
                        .filter_map(|r| match r.target {
                            Target::Note(o) => Some(o),
                            _ => None,
                        })
                        .collect()
                }
                // A missing note: notes with an unresolved link of that text (§3.3, and §3.4's quirk).
                (_, _) => {
                    let name = target.as_deref().map(names::key).unwrap_or_default();
                    index
                        .unresolved
                        .iter()
                        .filter(|(n, _)| names::key(n) == name)
                        .flat_map(|(_, refs)| refs.iter().map(|b| b.from))
                        .collect()
                }
            }
        }
        Source::And(a, b) => source_notes(a, ctx)
            .intersection(&source_notes(b, ctx))
            .copied()
            .collect(),
        Source::Or(a, b) => source_notes(a, ctx)
            .union(&source_notes(b, ctx))
            .copied()
            .collect(),
        Source::Not(a) => {
            let minus = source_notes(a, ctx);
            all().difference(&minus).copied().collect()
        }
    }
}

/// `this`: the page object of the note holding the query, or an empty object (§7.2); borrowed.
pub fn this_value<'a>(ctx: &Context<'a>) -> std::borrow::Cow<'a, Value> {
    match ctx.this.and_then(|t| ctx.pages.value(ctx.index, t)) {
        Some(v) => std::borrow::Cow::Borrowed(v),
        None => std::borrow::Cow::Owned(Value::Object(Object::new())),
    }
}

/// Whether `e` is `contains(file.outlinks, this.file.link)`, the usual "pages linking here" filter.
/// It is true of a page only when one of its links leads to this note, so a query
/// whose first command is `WHERE` it evaluates it on those pages alone: on a vault with 500 accounts
/// and 1,000 projects, `LIST FROM "Projects" WHERE …` on every account note was half a million
/// evaluations, growing with the square of the vault.
fn links_here(e: &Expr) -> bool {
    let field = |e: &Expr, name: &str| matches!(e, Expr::Field(f) if f == name);
    let key = |e: &Expr, base: &dyn Fn(&Expr) -> bool, name: &str| {
        matches!(e, Expr::Index(b, k)
            if base(b) && matches!(k.as_ref(), Expr::Literal(Value::String(s)) if s == name))
    };
    let Expr::Call(f, args) = e else {
        return false;
    };
    let [outlinks, link] = args.as_slice() else {
        return false;
    };
    let file = |e: &Expr| field(e, "file");
    let this_file = |e: &Expr| key(e, &|b| field(b, "this"), "file");
    field(f, "contains") && key(outlinks, &file, "outlinks") && key(link, &this_file, "link")
}

/// Runs a parsed query.
pub fn execute(query: &Query, ctx: &Context<'_>) -> Result<QueryResult, ExecError> {
    // `this` is made only for a query that names it, as its page data says (a task query on
    // `FROM [[]]` need not make the page object of the note holding it, with all its list items); a
    // name it does not use is never looked up. The note still counts as read.
    let this = if ctx.pages.may_read("this") {
        this_value(ctx)
    } else {
        if let Some(t) = ctx.this {
            super::trace::read(t);
        }
        std::borrow::Cow::Owned(Value::Object(Object::new()))
    };
    let mut notes: Vec<NoteIdx> = match &query.source {
        Some(Source::Path(p)) => path_notes(ctx.index, p),
        Some(src) => source_notes(src, ctx).into_iter().collect(),
        None => (0..ctx.index.notes.len()).collect(),
    };
    // Every candidate counts as read: whether it is listed can turn on its data.
    notes.iter().for_each(|&n| super::trace::read(n));
    let is_task = matches!(query.header, Header::Task);
    if let (Some(t), false, Some(Command::Where(e))) = (ctx.this, is_task, query.commands.first()) {
        if links_here(e) {
            // The filter holds only on a page with a link to this note, this note itself (a link to
            // itself), or one of the few pages `Pages::linking_oddly` lists.
            let mut linked = ctx.index.inlinks(t);
            linked.push(t);
            linked.extend_from_slice(ctx.pages.linking_oddly(ctx.index));
            linked.sort_unstable();
            linked.dedup();
            notes = linked
                .into_iter()
                .filter(|n| notes.binary_search(n).is_ok())
                .collect();
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for n in notes {
        let link = Value::Link(Box::new(super::pages::file_link(&ctx.index.notes[n])));
        if is_task {
            for (i, item) in ctx.index.notes[n].list_items.iter().enumerate() {
                if item.status.is_some() {
                    rows.push(Row {
                        id: link.clone(),
                        base: Base::Item(n, i),
                        overlay: Object::new(),
                        members: Vec::new(),
                    });
                }
            }
        } else {
            rows.push(Row {
                id: link,
                base: Base::Page(n),
                overlay: Object::new(),
                members: Vec::new(),
            });
        }
    }
    let mut grouped = false;
    for command in &query.commands {
        rows = match command {
            Command::Where(e) => {
                let mut kept = Vec::with_capacity(rows.len());
                let mut errors = 0;
                let mut last_error = None;
                let total = rows.len();
                for row in rows {
                    match Eval::new(ctx, &RowView { row: &row, ctx }, &this).eval(e) {
                        Ok(v) if ops::truthy(&v) => kept.push(row),
                        Ok(_) => {}
                        Err(err) => {
                            errors += 1;
                            last_error = Some(err);
                        }
                    }
                }
                // An erroring row is dropped; when every row errors, the query fails (§4.1).
                if let (true, Some(err)) = (errors == total && total > 0, last_error) {
                    return Err(fail(format!("every row failed in WHERE: {err}")));
                }
                kept
            }
            Command::Sort(keys) => {
                let mut keyed: Vec<(Vec<Value>, Row)> = Vec::with_capacity(rows.len());
                for row in rows {
                    let view = RowView { row: &row, ctx };
                    let eval = Eval::new(ctx, &view, &this);
                    if let Ok(k) = keys
                        .iter()
                        .map(|(e, _)| eval.eval(e))
                        .collect::<Result<Vec<_>, _>>()
                    {
                        keyed.push((k, row));
                    }
                }
                keyed.sort_by(|(a, _), (b, _)| {
                    for (i, (_, desc)) in keys.iter().enumerate() {
                        let o = ops::compare(&a[i], &b[i]);
                        let o = if *desc { o.reverse() } else { o };
                        if o != std::cmp::Ordering::Equal {
                            return o;
                        }
                    }
                    std::cmp::Ordering::Equal
                });
                keyed.into_iter().map(|(_, r)| r).collect()
            }
            Command::GroupBy(named) => {
                let mut groups: Vec<(Value, Vec<Row>)> = Vec::new();
                for row in rows {
                    let Ok(key) =
                        Eval::new(ctx, &RowView { row: &row, ctx }, &this).eval(&named.expr)
                    else {
                        continue;
                    };
                    match groups.iter_mut().find(|(k, _)| ops::equals(k, &key)) {
                        Some((_, members)) => members.push(row),
                        None => groups.push((key, vec![row])),
                    }
                }
                groups.sort_by(|(a, _), (b, _)| ops::compare(a, b));
                grouped = true;
                groups
                    .into_iter()
                    .map(|(key, members)| {
                        let objects = members
                            .iter()
                            .map(|m| Value::Object(RowView { row: m, ctx }.object()))
                            .collect();
                        let mut overlay = Object::new();
                        overlay.insert("key".into(), key.clone());
                        overlay.insert("rows".into(), Value::List(objects));
                        overlay.insert(named.name.clone(), key.clone());
                        Row {
                            id: key,
                            base: Base::None,
                            overlay,
                            members,
                        }
                    })
                    .collect()
            }
            Command::Flatten(named) => {
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let Ok(v) =
                        Eval::new(ctx, &RowView { row: &row, ctx }, &this).eval(&named.expr)
                    else {
                        continue;
                    };
                    match v {
                        // An empty list removes the row (§4.4).
                        Value::List(items) => {
                            for item in items {
                                let mut r = row.clone();
                                r.overlay.insert(named.name.clone(), item);
                                out.push(r);
                            }
                        }
                        other => {
                            let mut r = row;
                            r.overlay.insert(named.name.clone(), other);
                            out.push(r);
                        }
                    }
                    if out.len() > MAX_ROWS {
                        return Err(fail(format!("FLATTEN produced more than {MAX_ROWS} rows")));
                    }
                }
                out
            }
            Command::Limit(e) => {
                let empty = Object::new();
                match Eval::new(ctx, &empty, &this).eval(e).map_err(fail)? {
                    Value::Number(n) if n >= 0.0 => rows.into_iter().take(n as usize).collect(),
                    other => {
                        return Err(fail(format!(
                            "LIMIT needs a non-negative number, got a {}",
                            other.type_name()
                        )))
                    }
                }
            }
        };
    }
    extract(query, ctx, &this, rows, grouped)
}

fn id_header(grouped: bool) -> String {
    if grouped { "Group" } else { "File" }.to_string()
}

fn extract(
    query: &Query,
    ctx: &Context<'_>,
    this: &Value,
    rows: Vec<Row>,
    grouped: bool,
) -> Result<QueryResult, ExecError> {
    let mut last_error = None;
    let mut errors = 0usize;
    let total = rows.len();
    let mut eval_all = |exprs: &[&super::ast::Expr]| -> Vec<(Row, Vec<Value>)> {
        let mut out = Vec::new();
        for row in &rows {
            let view = RowView { row, ctx };
            let eval = Eval::new(ctx, &view, this);
            match exprs
                .iter()
                .map(|e| eval.eval(e))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(values) => out.push((row.clone(), values)),
                // A row whose column errors is dropped (§4.6).
                Err(e) => {
                    errors += 1;
                    last_error = Some(e);
                }
            }
        }
        out
    };
    let result = match &query.header {
        Header::List { expr, without_id } => {
            let exprs: Vec<&super::ast::Expr> = expr.iter().map(|n| &n.expr).collect();
            let values = eval_all(&exprs);
            let show_id = !without_id || expr.is_none();
            let mut headers = Vec::new();
            if show_id {
                headers.push(id_header(grouped));
            }
            if let Some(n) = expr {
                headers.push(n.name.clone());
            }
            let rows = values
                .into_iter()
                .map(|(row, vals)| {
                    if show_id {
                        std::iter::once(row.id).chain(vals).collect()
                    } else {
                        vals
                    }
                })
                .collect();
            QueryResult::List { headers, rows }
        }
        Header::Table {
            columns,
            without_id,
        } => {
            // Column names are a map key (§2.4): a repeated name is one column, at its first place,
            // holding the last expression written under it.
            let mut named: Vec<&super::ast::Named> = Vec::new();
            for c in columns {
                match named.iter_mut().find(|n| n.name == c.name) {
                    Some(slot) => *slot = c,
                    None => named.push(c),
                }
            }
            let columns = named;
            let exprs: Vec<&super::ast::Expr> = columns.iter().map(|n| &n.expr).collect();
            let values = eval_all(&exprs);
            let mut headers = Vec::new();
            if !without_id {
                headers.push(id_header(grouped));
            }
            headers.extend(columns.iter().map(|c| c.name.clone()));
            let rows = values
                .into_iter()
                .map(|(row, vals)| {
                    if *without_id {
                        vals
                    } else {
                        std::iter::once(row.id).chain(vals).collect()
                    }
                })
                .collect();
            QueryResult::Table { headers, rows }
        }
        Header::Calendar(named) => {
            let values = eval_all(&[&named.expr]);
            let entries = values
                .into_iter()
                .filter_map(|(row, mut vals)| {
                    let date = vals.pop()?;
                    matches!(date, Value::Date(_)).then(|| {
                        let link = match row.base {
                            Base::Page(n) | Base::Item(n, _) => {
                                Value::Link(Box::new(super::pages::file_link(&ctx.index.notes[n])))
                            }
                            Base::None => row.id.clone(),
                        };
                        (date, link)
                    })
                })
                .collect();
            return Ok(QueryResult::Calendar { entries });
        }
        Header::Task => {
            let groups = if grouped {
                rows.iter()
                    .map(|g| TaskGroup {
                        key: Some(g.id.clone()),
                        tasks: task_trees(ctx, &g.members),
                    })
                    .collect()
            } else {
                vec![TaskGroup {
                    key: None,
                    tasks: task_trees(ctx, &rows),
                }]
            };
            return Ok(QueryResult::Task { groups });
        }
    };
    if let (true, Some(e)) = (errors == total && total > 0, last_error) {
        return Err(fail(format!("every row failed: {e}")));
    }
    Ok(result)
}

/// TASK results nest (§2.6): a matched item whose ancestor also matched shows under it; children of a
/// shown item always show.
fn task_trees(ctx: &Context<'_>, rows: &[Row]) -> Vec<TaskItem> {
    let matched: HashSet<(NoteIdx, usize)> = rows
        .iter()
        .filter_map(|r| match r.base {
            Base::Item(n, i) => Some((n, i)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for r in rows {
        let Base::Item(n, i) = r.base else { continue };
        let note = &ctx.index.notes[n];
        let mut parent = note.list_items.get(i).and_then(|it| it.parent);
        let mut under_match = false;
        while let Some(p) = parent {
            if matched.contains(&(n, p)) {
                under_match = true;
                break;
            }
            parent = note.list_items.get(p).and_then(|it| it.parent);
        }
        if !under_match {
            out.push(task_item(ctx, n, i, &matched, 0));
        }
    }
    out
}

/// List nesting deeper than this is not followed when building task trees.
const MAX_TASK_DEPTH: usize = 100;

fn task_item(
    ctx: &Context<'_>,
    n: NoteIdx,
    i: usize,
    matched: &HashSet<(NoteIdx, usize)>,
    depth: usize,
) -> TaskItem {
    let note = &ctx.index.notes[n];
    let item = &note.list_items[i];
    let children = if depth < MAX_TASK_DEPTH {
        item.children
            .iter()
            .filter(|&&c| c < note.list_items.len())
            .map(|&c| task_item(ctx, n, c, matched, depth + 1))
            .collect()
    } else {
        Vec::new()
    };
    TaskItem {
        path: note.id.as_str().to_string(),
        line: item.line,
        text: item.text(&note.text).to_string(),
        status: item.status,
        completed: matches!(item.status, Some('x' | 'X')),
        fields: item.fields.clone(),
        matched: matched.contains(&(n, i)),
        children,
    }
}

#[cfg(test)]
mod tests {
    use crate::dataview::{execute, output, parse, Context, Pages};
    use crate::index::Index;
    use crate::vault::Vault;

    /// `WHERE contains(file.outlinks, this.file.link)` skips the pages that cannot link here without
    /// evaluating them; the same filter in a form that is evaluated on every page (`AND true`) must
    /// list the same pages, for every note as `this`.
    #[test]
    fn pages_linking_here_are_those_the_full_filter_keeps() {
        let index = Index::build(Vault::of_texts(&[
            ("Acme.md", "# Acme\n## Plan\nSee [[P/Solo]].\n"),
            ("Other.md", "Nothing.\n"),
            ("P/Direct.md", "For [[Acme]].\n"),
            ("P/Embed.md", "![[Acme]]\n"),
            ("P/Heading.md", "Only [[Acme#Plan]].\n"),
            ("P/Path.md", "By path [[Acme.md]] and [[Other]].\n"),
            ("P/Markdown.md", "A [link](../Acme.md).\n"),
            ("P/Missing.md", "To [[Nowhere]].\n"),
            ("P/Solo.md", "Self [[P/Solo]] and [[#Top]].\n# Top\n"),
            // Its own `this` field is what its row reads as `this` (§7.1).
            ("P/Shadow.md", "this:: [[Other]]\nAbout [[Other]].\n"),
            (
                "P/Shadow Front.md",
                "---\nThis: \"[[Other]]\"\n---\nAbout [[Other]].\n",
            ),
        ]));
        let pages = Pages::build(&index);
        let run = |this: usize, q: &str| {
            let ctx = Context {
                index: &index,
                pages: &pages,
                this: Some(this),
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            };
            let result = execute(&parse(q).unwrap(), &ctx).unwrap();
            output::to_json(&result)
        };
        for this in 0..index.notes.len() {
            for from in ["", "FROM \"P\" "] {
                let fast = run(
                    this,
                    &format!("LIST {from}WHERE contains(file.outlinks, this.file.link)"),
                );
                let full = run(
                    this,
                    &format!("LIST {from}WHERE contains(file.outlinks, this.file.link) AND true"),
                );
                assert_eq!(fast, full, "this = {}", index.notes[this].id.as_str());
            }
        }
        let listed = |this: &str| {
            let json = run(
                index.note_by_path(this).unwrap(),
                "LIST WHERE contains(file.outlinks, this.file.link)",
            );
            json["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r[0]["link"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        };
        // Not Heading (a subpath) nor Solo; the two with their own `this` read it, and link to Other.
        assert_eq!(
            listed("Acme.md"),
            [
                "P/Direct",
                "P/Embed",
                "P/Markdown",
                "P/Path",
                "P/Shadow Front",
                "P/Shadow"
            ]
        );
        assert_eq!(listed("Other.md"), ["P/Path", "P/Shadow Front", "P/Shadow"]);
        assert_eq!(
            listed("P/Solo.md"),
            ["Acme", "P/Shadow Front", "P/Shadow", "P/Solo"]
        );
    }
}
