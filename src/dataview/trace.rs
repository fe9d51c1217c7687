//! What a query read, so that `dossier serve` can tell whether an edit can change its result without
//! rendering the page that holds it.
//!
//! A query's result is a function of the page data of the notes it reads (its `FROM` candidates, the
//! rows its expressions look at, `this`, the notes its links lead to) and of which notes its source
//! selects. [`block`] and [`inline`] run a query and record both; [`Traced::may_change`] says whether an edit can
//! reach it, and [`Traced::changed`] runs it again to compare outcomes. Tracing is per thread (a query
//! runs on one thread), so the parallel renderer needs no locks for it.

use super::ast::{Query, Source};
use super::{engine, Context, ExecError, QueryResult};
use crate::index::NoteIdx;
use crate::value::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;
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
}

/// Runs a block query for `ctx.this`: its result, and the run recorded.
pub fn block(query: Query, ctx: &Context<'_>) -> (Result<QueryResult, ExecError>, Traced) {
    let (result, reads) = tracing(|| engine::execute(&query, ctx));
    let open_source = query.source.as_ref().is_some_and(selects_by_content);
    let traced = Traced {
        call: Arc::new(Call::Block(query)),
        this: ctx.this,
        outcome: Outcome::Block(result.clone()),
        reads,
        open_source,
    };
    (result, traced)
}

/// Evaluates an inline query for `ctx.this`: its value, and the run recorded.
pub fn inline(expr: &str, ctx: &Context<'_>) -> (Result<Value, ExecError>, Traced) {
    let (value, reads) = tracing(|| super::evaluate_inline(expr, ctx));
    let traced = Traced {
        call: Arc::new(Call::Inline(expr.to_string())),
        this: ctx.this,
        outcome: Outcome::Inline(value.clone()),
        reads,
        open_source: false,
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
    /// after the edit (the edited notes, and those whose inlinks moved); `edited`, the notes whose
    /// text changed, which alone can join a source that selects by tag or link (checked against the
    /// new Index in `ctx`).
    pub fn may_change(
        &self,
        changed: &BTreeSet<NoteIdx>,
        edited: &BTreeSet<NoteIdx>,
        ctx: &Context<'_>,
    ) -> bool {
        if changed.iter().any(|t| self.reads.binary_search(t).is_ok()) {
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
        edited.iter().any(|e| now.contains(e))
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
        };
        (again, differs)
    }
}
