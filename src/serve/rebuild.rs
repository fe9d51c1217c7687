//! Which pages a change can affect. Pure: compares the Index, CRM view and plan before and after a
//! change, and runs again the Dataview queries the change can reach.
//!
//! Everything is rendered again when the set of notes changed (added, removed, renamed), when aliases
//! changed (links anywhere may now resolve differently) or when the page plan moved (a new tag, account,
//! person, topic or attachment). Otherwise, for the edited notes:
//!
//! - **Shown elsewhere.** Their pages; the pages of the notes embedding them, transitively (they show
//!   their content), and of the notes linking to a heading or block of them (the anchor may have
//!   gone); the pages of the notes they link to, before or after (their backlinks panels quote them).
//!   A new title or date also reaches the notes linking to them and the CRM pages of the notes they
//!   are linked with, which list them by title.
//! - **Dataview.** Every query run recorded while rendering ([`Traced`]) that read a note whose page
//!   data changed (an edited note, or one whose inlinks moved), or whose `FROM` selects by tag or link
//!   and now selects an edited note, is run again against the new Index; its page is rendered again
//!   only when the outcome differs.
//! - **Lists.** When an edited note's title, date or tags changed: the home page, its folder page and
//!   its tag pages (old and new tags, with their parents), and the tags index for new tags; the home
//!   page also when the CRM counts it shows changed. The stub pages of names an edited note links to.
//! - **CRM.** An account, person, meeting or topic record has changed when the derived record differs; a
//!   brief, person or topic page is rendered again when its record or one it shows (contacts, meetings,
//!   accounts, topics) has changed, or when a note it quotes (its own, tasks, mentions) is shown
//!   elsewhere; the accounts, people, topics and timeline lists when a record they show has, and the
//!   people directory also when a meeting's accounts changed (it orders a person's accounts by their
//!   latest meetings). Pages that only link to an account (people, timeline, meetings, person pages)
//!   show its name and status: a new task on an account re-renders its brief, its topics and the
//!   accounts index, not those.
//! - **Search.** The documents of the edited notes and of notes whose account or person record changed.

use crate::crm::Crm;
use crate::dataview::trace::{PageDiff, Traced};
use crate::dataview::{Context, Pages};
use crate::index::{Index, NoteIdx, Target};
use crate::render::{plan, Plan};
use chrono::{Datelike, NaiveDate};
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// The site's state on one side of a change.
#[derive(Clone, Copy)]
pub struct State<'a> {
    pub index: &'a Index,
    pub crm: &'a Crm,
    pub plan: &'a Plan,
    /// The Dataview page data of `index`.
    pub pages: &'a Pages,
}

/// The Dataview runs recorded per page (output path), in the order they ran.
pub type Traces = HashMap<String, Vec<Traced>>;

/// What to render again.
#[derive(Debug, Clone)]
pub enum Affected {
    All,
    Some(Scope),
}

/// The pages a change affects, when not every page.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub notes: BTreeSet<NoteIdx>,
    /// Output paths of other pages (lists, stubs, CRM pages).
    pub others: BTreeSet<String>,
    /// Notes whose search documents change.
    pub search: BTreeSet<NoteIdx>,
    /// Query runs of pages not rendered again that were run again with the same outcome: (page, run
    /// number, the run with what it reads now).
    pub retraced: Vec<(String, usize, Traced)>,
}

/// What a change to the notes at `changed` (vault paths) affects. `today` is the build date, for
/// running queries again.
pub fn affected(
    old: State<'_>,
    new: State<'_>,
    traces: &Traces,
    today: NaiveDate,
    changed: &[String],
) -> Affected {
    let same_notes = old.index.notes.len() == new.index.notes.len()
        && old
            .index
            .notes
            .iter()
            .zip(&new.index.notes)
            .all(|(a, b)| a.id == b.id);
    if !same_notes || !same_plan(old.plan, new.plan) || !same_crm_records(old.crm, new.crm) {
        return Affected::All;
    }
    let mut edited = BTreeSet::new();
    for path in changed {
        let Some(i) = new.index.note_by_path(path) else {
            return Affected::All;
        };
        if old.index.notes[i].aliases != new.index.notes[i].aliases {
            return Affected::All;
        }
        edited.insert(i);
    }
    let mut shown = shown_elsewhere(old.index, new.index, &edited);
    // A note is listed by its title and date wherever it is linked with another: in the outlinks
    // panels of the notes linking to it, and on the CRM pages of the notes it is linked with.
    let relisted: BTreeSet<NoteIdx> = edited
        .iter()
        .copied()
        .filter(|&i| relisted(&old.index.notes[i], &new.index.notes[i]))
        .collect();
    for index in [old.index, new.index] {
        shown.extend(
            relisted
                .iter()
                .flat_map(|&i| index.backlinks[i].iter().map(|b| b.from)),
        );
    }
    shown.extend(link_targets(old.index, new.index, &relisted));
    let targets = link_targets(old.index, new.index, &edited);
    let mut scope = Scope {
        notes: shown.iter().chain(&targets).copied().collect(),
        ..Scope::default()
    };
    let data_changed = page_data_changed(old, new, edited.iter().chain(&targets));
    let ctx = Context {
        index: new.index,
        pages: new.pages,
        this: None,
        today,
    };
    queries(new, traces, &ctx, &data_changed, &edited, &mut scope);
    lists(old, new, &edited, &mut scope);
    crm(old.crm, new, &shown, &mut scope);
    scope.search.extend(&edited);
    Affected::Some(scope)
}

/// Plans with the same pages in the same places.
fn same_plan(a: &Plan, b: &Plan) -> bool {
    a.notes == b.notes
        && a.stubs == b.stubs
        && a.folders == b.folders
        && a.tags == b.tags
        && a.attachments == b.attachments
        && a.briefs == b.briefs
        && a.people == b.people
        && a.topics == b.topics
        && a.years == b.years
}

/// CRM views whose records are numbered alike, so that record `i` before is record `i` after. (A
/// meeting whose date moved reorders the timeline.)
fn same_crm_records(a: &Crm, b: &Crm) -> bool {
    a.meetings.len() == b.meetings.len()
        && a.meetings
            .iter()
            .zip(&b.meetings)
            .all(|(x, y)| x.note == y.note)
        && a.accounts.len() == b.accounts.len()
        && a.people.len() == b.people.len()
        && a.topics.len() == b.topics.len()
}

/// The edited notes and every note whose own page shows something of their text: the notes embedding
/// them, transitively, and the notes linking to a heading or block of them (the anchor may have gone).
/// A plain link shows nothing of its target but its path, which an edit cannot move.
fn shown_elsewhere(old: &Index, new: &Index, edited: &BTreeSet<NoteIdx>) -> BTreeSet<NoteIdx> {
    let mut out = edited.clone();
    let mut frontier: Vec<NoteIdx> = out.iter().copied().collect();
    while let Some(i) = frontier.pop() {
        for index in [old, new] {
            for b in &index.backlinks[i] {
                let Some(link) = index.notes[b.from].links.get(b.link) else {
                    continue;
                };
                if link.embed {
                    if out.insert(b.from) {
                        frontier.push(b.from);
                    }
                } else if link.subpath().is_some() && edited.contains(&i) {
                    out.insert(b.from);
                }
            }
        }
    }
    out
}

/// The notes whose Dataview page data an edit of `edited` (same notes before and after) can change:
/// the edited notes and the notes they link to, before or after (their inlinks). For [`Pages::carry`].
pub fn stale_pages(old: &Index, new: &Index, edited: &[NoteIdx]) -> BTreeSet<NoteIdx> {
    let edited: BTreeSet<NoteIdx> = edited.iter().copied().collect();
    let mut out = link_targets(old, new, &edited);
    out.extend(edited);
    out
}

/// The notes the edited notes link to, before or after: their inlinks and backlinks panels moved.
fn link_targets(old: &Index, new: &Index, edited: &BTreeSet<NoteIdx>) -> BTreeSet<NoteIdx> {
    let mut out = BTreeSet::new();
    for &i in edited {
        for index in [old, new] {
            out.extend(index.links[i].iter().filter_map(|l| match l.target {
                Target::Note(t) => Some(t),
                _ => None,
            }));
        }
    }
    out
}

/// Of `notes`, those whose Dataview page data (fields, `file.*`, tasks) differs between the two
/// Indexes, with the keys that differ: an edit that leaves a note's links alone leaves its targets'
/// inlinks, and so their page data, as they were. The new page data is what the queries run again
/// then read.
fn page_data_changed<'n>(
    old: State<'_>,
    new: State<'_>,
    notes: impl Iterator<Item = &'n NoteIdx>,
) -> BTreeMap<NoteIdx, PageDiff> {
    notes
        .copied()
        .filter_map(|n| {
            let mut diff =
                PageDiff::between(old.pages.value(old.index, n), new.pages.value(new.index, n));
            // TASK results are built from the list items themselves.
            if !old.index.notes[n].same_list_items(&new.index.notes[n]) {
                let d = diff.get_or_insert_with(PageDiff::default);
                d.file.extend(["lists".to_string(), "tasks".to_string()]);
            }
            diff.map(|d| (n, d))
        })
        .collect()
}

/// A page's runs checked: its path, its note, and `None` when an outcome differs, else the runs done
/// again with the same outcome.
type Checked<'a> = (&'a String, Option<NoteIdx>, Option<Vec<(usize, Traced)>>);

/// Runs again, in parallel, the recorded queries the change can reach on pages not already being
/// rendered; adds the pages whose outcomes differ to `scope`.
fn queries(
    new: State<'_>,
    traces: &Traces,
    ctx: &Context<'_>,
    data_changed: &BTreeMap<NoteIdx, PageDiff>,
    edited: &BTreeSet<NoteIdx>,
    scope: &mut Scope,
) {
    use rayon::prelude::*;
    let note_of: HashMap<&str, NoteIdx> = new
        .plan
        .notes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let mut paths: Vec<(&String, Option<NoteIdx>)> = traces
        .keys()
        .map(|p| (p, note_of.get(p.as_str()).copied()))
        .filter(|(p, note)| match note {
            Some(n) => !scope.notes.contains(n),
            None => !scope.others.contains(*p),
        })
        .collect();
    paths.sort();
    let checked: Vec<Checked<'_>> = paths
        .into_par_iter()
        .map(|(path, note)| {
            let mut same = Vec::new();
            for (k, run) in traces[path].iter().enumerate() {
                if !run.may_change(data_changed, edited, ctx) {
                    continue;
                }
                let (again, differs) = run.rerun(ctx);
                if differs {
                    return (path, note, None);
                }
                same.push((k, again));
            }
            (path, note, Some(same))
        })
        .collect();
    for (path, note, same) in checked {
        match (same, note) {
            (Some(same), _) => scope
                .retraced
                .extend(same.into_iter().map(|(k, run)| (path.clone(), k, run))),
            (None, Some(n)) => {
                scope.notes.insert(n);
            }
            (None, None) => {
                scope.others.insert(path.clone());
            }
        }
    }
}

/// Home, tags index, and the folder, tag and stub pages listing the notes. The lists show a note's
/// title, date and tags (and the home page the CRM's counts): an edit that keeps those renders none of
/// them again.
fn lists(old: State<'_>, new: State<'_>, edited: &BTreeSet<NoteIdx>, scope: &mut Scope) {
    let mut listed_changed = false;
    let mut tags_changed = false;
    for &i in edited {
        let (before, after) = (&old.index.notes[i], &new.index.notes[i]);
        let retagged = before.tags != after.tags;
        if !relisted(before, after) && !retagged {
            continue;
        }
        listed_changed = true;
        tags_changed |= retagged;
        let folder = after.id.folder();
        scope.others.extend(new.plan.folders.get(folder).cloned());
        for tag in before.tags.iter().chain(&after.tags) {
            let tag = tag.to_lowercase();
            let mut end = tag.len();
            loop {
                scope.others.extend(new.plan.tags.get(&tag[..end]).cloned());
                match tag[..end].rfind('/') {
                    Some(slash) => end = slash,
                    None => break,
                }
            }
        }
    }
    if listed_changed || home_counts(old.crm) != home_counts(new.crm) {
        scope.others.insert("index.html".into());
    }
    if tags_changed {
        scope.others.insert("tags/index.html".into());
    }
    // A stub quotes the notes mentioning the name: only an edited note's quote can change.
    for index in [old.index, new.index] {
        for (name, places) in &index.unresolved {
            if places.iter().any(|b| edited.contains(&b.from)) {
                scope.others.extend(new.plan.stubs.get(name).cloned());
            }
        }
    }
}

/// Whether a note is listed differently: lists of notes (`render::context::note_item`) show its title
/// and date.
fn relisted(before: &crate::vault::Note, after: &crate::vault::Note) -> bool {
    before.title != after.title || crate::crm::note_date(before) != crate::crm::note_date(after)
}

/// The CRM figures the home page shows (`render::context::index_pages`).
fn home_counts(crm: &Crm) -> [usize; 6] {
    [
        crm.accounts.len(),
        crm.accounts.iter().filter(|a| a.stale).count(),
        crm.accounts.iter().map(|a| a.overdue).sum(),
        crm.people.len(),
        crm.topics.len(),
        crm.meetings.len(),
    ]
}

/// Brief, person, topic and CRM list pages whose records or quoted notes changed. A record is what the
/// lists and the other pages show of an account, person, meeting or topic; a page of its own also
/// quotes its note.
fn crm(old: &Crm, new: State<'_>, shown: &BTreeSet<NoteIdx>, scope: &mut Scope) {
    let crm = new.crm;
    let plan = new.plan;
    // Looked up for every quote of every record: a slot per note, not a tree.
    let mut is_shown = vec![false; new.index.notes.len()];
    for &n in shown {
        if let Some(slot) = is_shown.get_mut(n) {
            *slot = true;
        }
    }
    let quoted = |n: &NoteIdx| is_shown.get(*n).copied().unwrap_or(false);
    let accounts: Vec<bool> = (0..crm.accounts.len())
        .map(|a| old.accounts[a] != crm.accounts[a])
        .collect();
    let people: Vec<bool> = (0..crm.people.len())
        .map(|p| old.people[p] != crm.people[p])
        .collect();
    let meetings: Vec<bool> = (0..crm.meetings.len())
        .map(|m| old.meetings[m] != crm.meetings[m])
        .collect();
    let topics: Vec<bool> = (0..crm.topics.len())
        .map(|t| old.topics[t] != crm.topics[t])
        .collect();
    // What pages other than its brief, its topics' pages and the accounts index show of an account:
    // its name and status (`render::crm::account_link`). A new task moves neither.
    let linked: Vec<bool> = (0..crm.accounts.len())
        .map(|a| {
            let (before, after) = (&old.accounts[a], &crm.accounts[a]);
            before.name != after.name || before.status != after.status
        })
        .collect();
    // A meeting is shown with its accounts' links.
    let meeting_shown =
        |m: &usize| meetings[*m] || crm.meetings[*m].accounts.iter().any(|&a| linked[a]);
    let company_shown = |c: Option<&crate::crm::Company>| match c {
        Some(crate::crm::Company::Note(n)) => quoted(n),
        Some(crate::crm::Company::Account(a)) => linked[*a],
        _ => false,
    };
    for (a, account) in crm.accounts.iter().enumerate() {
        let dirty = accounts[a]
            || quoted(&account.note)
            || account.contacts.iter().any(|c| people[c.person])
            || account.meetings.iter().any(meeting_shown)
            || account.topics.iter().any(|&t| topics[t])
            || account.tasks.iter().any(|t| quoted(&t.note))
            || account.projects.iter().any(quoted)
            || account.changed_since.iter().any(quoted);
        if dirty {
            scope.others.insert(plan.briefs[a].clone());
        }
        if accounts[a] {
            scope.search.insert(account.note);
        }
    }
    let mut companies_shown = false;
    for (p, person) in crm.people.iter().enumerate() {
        let company = company_shown(person.company.as_ref().map(|c| &c.value));
        companies_shown |= company;
        let dirty = people[p]
            || company
            || person.note.as_ref().is_some_and(quoted)
            || person.accounts.iter().any(|&a| linked[a])
            || person.meetings.iter().any(meeting_shown)
            || person.mentions.iter().any(quoted);
        if dirty {
            scope.others.insert(plan.people[p].clone());
        }
        if let (true, Some(n)) = (people[p] || company, person.note) {
            scope.search.insert(n);
        }
    }
    for (t, topic) in crm.topics.iter().enumerate() {
        let dirty = topics[t]
            || topic.note.as_ref().is_some_and(quoted)
            || topic.accounts.iter().any(|&a| accounts[a])
            || topic.meetings.iter().any(meeting_shown)
            || topic.notes.iter().any(quoted);
        if dirty {
            scope.others.insert(plan.topics[t].clone());
        }
    }
    let any = |v: &[bool]| v.iter().any(|&b| b);
    // The directory shows a person's accounts in the order of their latest meetings
    // (`render::crm::directory_accounts`): a meeting about another account can reorder them while the
    // person's record (accounts by name, meetings by date) stays the same.
    let reordered = old
        .meetings
        .iter()
        .zip(&crm.meetings)
        .any(|(a, b)| a.accounts != b.accounts);
    let lists = [
        (plan::ACCOUNTS, any(&accounts)),
        (
            plan::PEOPLE,
            any(&people) || any(&linked) || companies_shown || reordered,
        ),
        (plan::TOPICS, any(&topics)),
    ];
    for (path, dirty) in lists {
        if dirty {
            scope.others.insert(path.into());
        }
    }
    // The timeline: a year's page shows its meetings, and every page the number of meetings in each
    // month; the first page, the newest meetings.
    let moved = old
        .meetings
        .iter()
        .zip(&crm.meetings)
        .any(|(a, b)| (a.date.year(), a.date.month()) != (b.date.year(), b.date.month()));
    let shown_in = |mut range: std::ops::Range<usize>| moved || range.any(|m| meeting_shown(&m));
    if shown_in(0..crm.meetings.len().min(crate::render::crm::TIMELINE_LATEST)) {
        scope.others.insert(plan::TIMELINE.into());
    }
    let ranges = crate::render::crm::year_ranges(&crm.meetings);
    for (range, (_, page)) in ranges.into_iter().zip(&plan.years) {
        if shown_in(range) {
            scope.others.insert(page.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::render::{crm::TIMELINE_LATEST, render_some, Selection};
    use crate::vault::{parse::parse_note, FileMeta, NoteId, Vault};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
    }

    /// A vault built and rendered once with tracing on, as `dossier serve` holds it.
    struct Built {
        index: Index,
        crm: Crm,
        plan: Plan,
        pages: Pages,
        traces: Traces,
    }

    impl Built {
        fn new(notes: &[(&str, &str)]) -> Built {
            let mut notes: Vec<_> = notes
                .iter()
                .map(|(p, t)| {
                    let meta = FileMeta {
                        size: t.len() as u64,
                        ..FileMeta::default()
                    };
                    parse_note(NoteId(p.to_string()), t.to_string(), meta, vec![])
                })
                .collect();
            notes.sort_by(|a, b| a.id.cmp(&b.id));
            let index = Index::build(Vault {
                notes: notes.into_iter().map(std::sync::Arc::new).collect(),
                ..Vault::default()
            });
            let config = Config::default();
            let crm = crate::crm::build(&index, &config, today());
            let plan = Plan::build(&index, &crm);
            let selection = Selection {
                trace: true,
                ..Selection::default()
            };
            let rendered = render_some(&index, &crm, &config, today(), &selection);
            let mut traces = Traces::default();
            for (page, run) in rendered.traces {
                traces.entry(page).or_default().push(run);
            }
            let pages = Pages::build(&index);
            Built {
                index,
                crm,
                plan,
                pages,
                traces,
            }
        }

        fn state(&self) -> State<'_> {
            State {
                index: &self.index,
                crm: &self.crm,
                plan: &self.plan,
                pages: &self.pages,
            }
        }

        /// What editing the notes at `paths` into `after` affects.
        fn edit(&self, after: &Built, paths: &[&str]) -> Affected {
            let changed: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
            affected(self.state(), after.state(), &self.traces, today(), &changed)
        }
    }

    fn with(
        vault: &[(&'static str, &'static str)],
        edits: &[(&'static str, &'static str)],
    ) -> Vec<(&'static str, &'static str)> {
        let mut out = vault.to_vec();
        for &(path, text) in edits {
            match out.iter_mut().find(|(p, _)| *p == path) {
                Some(slot) => slot.1 = text,
                None => out.push((path, text)),
            }
        }
        out
    }

    /// The names of the note pages a scope renders.
    fn notes(built: &Built, a: &Affected) -> Vec<String> {
        match a {
            Affected::All => vec!["*".into()],
            Affected::Some(s) => s
                .notes
                .iter()
                .map(|&i| built.index.notes[i].id.name().to_string())
                .collect(),
        }
    }

    fn others(a: &Affected) -> Vec<String> {
        match a {
            Affected::All => vec!["*".into()],
            Affected::Some(s) => s.others.iter().cloned().collect(),
        }
    }

    const VAULT: [(&str, &str); 6] = [
        ("A.md", "Links to [[B]]."),
        ("B.md", "# B\nBody of B."),
        ("C.md", "Embeds ![[A]]."),
        ("D.md", "Unrelated."),
        ("E.md", "Links to [[A]] and [[B#B]]."),
        ("F.md", "Embeds ![[C]] which embeds A."),
    ];

    #[test]
    fn an_edit_affects_its_links_embeds_and_backlinks_only() {
        let old = Built::new(&VAULT);
        let new = Built::new(&with(&VAULT, &[("A.md", "Links to [[B]] and now [[D]].")]));
        // A itself; B and D (their backlinks quote A); C and F embed A (F through C). E's plain link
        // to A shows nothing of A.
        assert_eq!(
            notes(&new, &old.edit(&new, &["A.md"])),
            ["A", "B", "C", "D", "F"]
        );
        let new = Built::new(&with(&VAULT, &[("D.md", "Still unrelated.")]));
        assert_eq!(
            notes(&new, &old.edit(&new, &["D.md"])),
            ["D"],
            "an unlinked note affects only its own page"
        );
        // E links to a heading of B: renaming it can break E's anchor.
        let new = Built::new(&with(&VAULT, &[("B.md", "# Bee\nBody of B.")]));
        assert_eq!(notes(&new, &old.edit(&new, &["B.md"])), ["B", "E"]);
    }

    #[test]
    fn adding_removing_aliasing_or_a_new_tag_affects_everything() {
        let old = Built::new(&VAULT);
        let more = Built::new(&with(&VAULT, &[("G.md", "new")]));
        assert!(matches!(old.edit(&more, &["G.md"]), Affected::All));
        let fewer = Built::new(&VAULT[..5]);
        assert!(matches!(old.edit(&fewer, &[]), Affected::All));
        let aliased = Built::new(&with(
            &VAULT,
            &[("D.md", "---\naliases: [Dee]\n---\nUnrelated.")],
        ));
        assert!(matches!(old.edit(&aliased, &["D.md"]), Affected::All));
        let tagged = Built::new(&with(&VAULT, &[("D.md", "Now #brand-new.")]));
        assert!(
            matches!(old.edit(&tagged, &["D.md"]), Affected::All),
            "a new tag page"
        );
    }

    const QUERIES: [(&str, &str); 5] = [
        ("Deals/Acme.md", "---\nstage: open\n---\nAcme deal. #deal"),
        ("Deals/Bolt.md", "---\nstage: won\n---\nBolt deal. #deal"),
        (
            "Notes/Open.md",
            "```dataview\nLIST FROM \"Deals\" WHERE stage = \"open\"\n```\n",
        ),
        ("Notes/Tagged.md", "```dataview\nLIST FROM #deal\n```\n"),
        ("Notes/Misc.md", "Nothing to see. #deal #misc"),
    ];

    #[test]
    fn a_query_page_is_rendered_again_only_when_its_result_changes() {
        let old = Built::new(&QUERIES);
        // Both queries read Bolt, but its new text changes only `file.size`, which neither names: neither
        // runs again.
        let new = Built::new(&with(
            &QUERIES,
            &[(
                "Deals/Bolt.md",
                "---\nstage: won\n---\nBolt deal, signed. #deal",
            )],
        ));
        let a = old.edit(&new, &["Deals/Bolt.md"]);
        assert_eq!(notes(&new, &a), ["Bolt"]);
        let Affected::Some(scope) = &a else {
            panic!("partial")
        };
        assert!(scope.retraced.is_empty(), "{:?}", scope.retraced);
        // Its `stage` is named by the folder query, which runs again, to the same result.
        let new = Built::new(&with(
            &QUERIES,
            &[("Deals/Bolt.md", "---\nstage: lost\n---\nBolt deal. #deal")],
        ));
        let a = old.edit(&new, &["Deals/Bolt.md"]);
        assert_eq!(notes(&new, &a), ["Bolt"]);
        let Affected::Some(scope) = &a else {
            panic!("partial")
        };
        assert_eq!(scope.retraced.len(), 1, "{:?}", scope.retraced);
        assert_eq!(scope.retraced[0].0, "notes/open.html");
        // Bolt now matches the WHERE: the folder query's page changes.
        let new = Built::new(&with(
            &QUERIES,
            &[("Deals/Bolt.md", "---\nstage: open\n---\nBolt deal. #deal")],
        ));
        assert_eq!(
            notes(&new, &old.edit(&new, &["Deals/Bolt.md"])),
            ["Bolt", "Open"]
        );
        // Leaving the tag changes the tag query's result.
        let new = Built::new(&with(
            &QUERIES,
            &[("Notes/Misc.md", "Nothing to see. #misc")],
        ));
        assert_eq!(
            notes(&new, &old.edit(&new, &["Notes/Misc.md"])),
            ["Misc", "Tagged"]
        );
    }

    #[test]
    fn a_note_joining_a_tag_source_is_caught_without_having_been_read() {
        let vault = with(&QUERIES, &[("Notes/Misc.md", "Nothing to see. #misc")]);
        let old = Built::new(&vault);
        let new = Built::new(&with(
            &vault,
            &[("Notes/Misc.md", "Nothing to see. #misc #deal")],
        ));
        assert_eq!(
            notes(&new, &old.edit(&new, &["Notes/Misc.md"])),
            ["Misc", "Tagged"]
        );
        // A query that reads nothing of an edited note is not even run again.
        let new = Built::new(&with(&vault, &[("Notes/Misc.md", "Still nothing. #misc")]));
        let Affected::Some(scope) = old.edit(&new, &["Notes/Misc.md"]) else {
            panic!("partial")
        };
        assert!(scope.retraced.is_empty(), "{:?}", scope.retraced);
    }

    #[test]
    fn a_note_leaving_a_link_source_is_caught_though_the_query_names_no_link() {
        let vault = [
            ("Hub.md", "The hub."),
            ("Queries/Q.md", "```dataview\nTASK FROM [[Hub]]\n```\n"),
            ("Work/A.md", "See [[Hub]].\n\n- [ ] call back\n"),
            ("Work/B.md", "Unrelated.\n\n- [ ] file it\n"),
        ];
        let old = Built::new(&vault);
        // A no longer links to Hub: its task leaves Q's list, though the query names only the tasks.
        // (Hub is rendered again for its backlinks.)
        let new = Built::new(&with(
            &vault,
            &[("Work/A.md", "See nothing.\n\n- [ ] call back\n")],
        ));
        assert_eq!(
            notes(&new, &old.edit(&new, &["Work/A.md"])),
            ["Hub", "Q", "A"]
        );
        // B starts linking to Hub: its task joins.
        let new = Built::new(&with(
            &vault,
            &[("Work/B.md", "About [[Hub]].\n\n- [ ] file it\n")],
        ));
        assert_eq!(
            notes(&new, &old.edit(&new, &["Work/B.md"])),
            ["Hub", "Q", "B"]
        );
    }

    #[test]
    fn list_pages_follow_folders_tags_and_unresolved_links() {
        let vault = [
            ("Work/Note.md", "About [[Nowhere]]. #area/infra"),
            ("Work/Other.md", "About [[Elsewhere]]. #area/sales"),
            ("Home.md", "Home. #area/infra"),
        ];
        let old = Built::new(&vault);
        let new = Built::new(&with(
            &vault,
            &[("Work/Note.md", "About [[Nowhere]] again. #area/sales")],
        ));
        let a = old.edit(&new, &["Work/Note.md"]);
        let pages = others(&a);
        for page in [
            "index.html",
            "tags/index.html",
            "work/index.html",
            "tags/area.html",
            "tags/area/infra.html",
            "tags/area/sales.html",
            "unresolved/nowhere.html",
        ] {
            assert!(pages.iter().any(|p| p == page), "{page} not in {pages:?}");
        }
        assert!(!pages.iter().any(|p| p.contains("elsewhere")), "{pages:?}");

        // (Topic pages quote the note: the CRM part decides those.)
        let lists = |a: &Affected| -> Vec<String> {
            others(a)
                .into_iter()
                .filter(|p| !p.starts_with("crm/"))
                .collect()
        };
        // Prose only: no list shows it, but the stub quotes the line.
        let new = Built::new(&with(
            &vault,
            &[("Work/Note.md", "About [[Nowhere]] today. #area/infra")],
        ));
        assert_eq!(
            lists(&old.edit(&new, &["Work/Note.md"])),
            ["unresolved/nowhere.html"]
        );

        // A new title: the lists naming the note, not the tags index (its counts are the same).
        let new = Built::new(&with(
            &vault,
            &[(
                "Work/Note.md",
                "---\ntitle: Renamed\n---\nAbout [[Nowhere]]. #area/infra",
            )],
        ));
        assert_eq!(
            lists(&old.edit(&new, &["Work/Note.md"])),
            [
                "index.html",
                "tags/area.html",
                "tags/area/infra.html",
                "unresolved/nowhere.html",
                "work/index.html"
            ]
        );
    }

    #[test]
    fn crm_pages_follow_the_records_they_show() {
        let vault = [
            (
                "Customers/Acme.md",
                "---\ntype: customer\nstatus: active\n---\n## Contacts\n- [[Ann Lee]] — CTO\n",
            ),
            (
                "Customers/Bolt.md",
                "---\ntype: customer\nstatus: active\n---\nNo contacts.\n",
            ),
            (
                "Meetings/2026-11-02.md",
                "---\ntype: meeting\n---\nWith [[Acme]] and [[Ann Lee]]. Talked renewal.\n",
            ),
            ("People/Ann Lee.md", "---\ntype: person\n---\nAnn.\n"),
        ];
        let old = Built::new(&vault);
        let new = Built::new(&with(
            &vault,
            &[(
                "Meetings/2026-11-02.md",
                "---\ntype: meeting\n---\nWith [[Acme]] and [[Ann Lee]] about pricing. Talked renewal.\n",
            )],
        ));
        let pages = others(&old.edit(&new, &["Meetings/2026-11-02.md"]));
        let brief = |name: &str| {
            new.plan.briefs[new
                .crm
                .accounts
                .iter()
                .position(|a| a.name == name)
                .unwrap_or(usize::MAX)]
            .clone()
        };
        assert!(pages.contains(&brief("Acme")), "{pages:?}");
        assert!(!pages.contains(&brief("Bolt")), "{pages:?}");
        assert!(pages.iter().any(|p| p == plan::TIMELINE), "{pages:?}");
        assert!(
            pages.iter().any(|p| p == "crm/timeline/2026.html"),
            "{pages:?}"
        );
        assert!(!pages.iter().any(|p| p == plan::TOPICS), "{pages:?}");
    }

    #[test]
    fn a_meeting_renders_its_years_timeline_and_the_first_page_if_among_the_newest() {
        let mut vault: Vec<(String, String)> = vec![(
            "Customers/Acme.md".into(),
            "---\ntype: customer\n---\nA customer.\n".into(),
        )];
        for day in 1..=TIMELINE_LATEST + 5 {
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
                + chrono::Duration::days(day as i64);
            vault.push((
                format!("Meetings/{date}.md"),
                "---\ntype: meeting\n---\nWith [[Acme]].\n".into(),
            ));
        }
        let old_meeting = "---\ntype: meeting\ndate: 2025-03-01\n---\nWith [[Acme]].\n";
        vault.push(("Meetings/Old.md".into(), old_meeting.into()));
        let built = |edits: &[(&str, &str)]| {
            let notes: Vec<(&str, &str)> = vault
                .iter()
                .map(|(p, t)| {
                    let edited = edits.iter().find(|(e, _)| e == p).map(|(_, t)| *t);
                    (p.as_str(), edited.unwrap_or(t.as_str()))
                })
                .collect();
            Built::new(&notes)
        };
        let old = built(&[]);
        let years: Vec<&str> = old.plan.years.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(years, ["crm/timeline/2026.html", "crm/timeline/2025.html"]);
        let pages_after = |path: &str, text: &str| {
            let new = built(&[(path, text)]);
            let pages = others(&old.edit(&new, &[path]));
            let timeline: Vec<String> = pages
                .into_iter()
                .filter(|p| p == "*" || p.starts_with("crm/timeline"))
                .collect();
            timeline
        };
        // An old meeting: its year's page only.
        assert_eq!(
            pages_after(
                "Meetings/Old.md",
                "---\ntype: meeting\ndate: 2025-03-01\n---\nPricing with [[Acme]].\n"
            ),
            ["crm/timeline/2025.html"]
        );
        // One of the newest: the first page too.
        assert_eq!(
            pages_after(
                "Meetings/2026-02-25.md",
                "---\ntype: meeting\n---\nPricing with [[Acme]].\n"
            ),
            ["crm/timeline.html", "crm/timeline/2026.html"]
        );
        // A meeting moved to another month: every page counts the months' meetings.
        assert_eq!(
            pages_after(
                "Meetings/Old.md",
                "---\ntype: meeting\ndate: 2025-04-01\n---\nWith [[Acme]].\n"
            ),
            [
                "crm/timeline.html",
                "crm/timeline/2025.html",
                "crm/timeline/2026.html"
            ]
        );
        // Into a year of its own: the pages are not the same, and the 2025 page must go.
        assert_eq!(
            pages_after(
                "Meetings/Old.md",
                "---\ntype: meeting\ndate: 2024-03-01\n---\nWith [[Acme]].\n"
            ),
            ["*"]
        );
    }

    #[test]
    fn the_people_directory_follows_a_meeting_moved_to_another_account() {
        // Ann is a contact of all three accounts; the directory lists them by her latest meetings.
        let customer =
            "---\ntype: customer\nstatus: active\n---\n## Contacts\n- [[Ann Lee]] — CTO\n";
        let vault = [
            ("Customers/Acme.md", customer),
            ("Customers/Bolt.md", customer),
            ("Customers/Core.md", customer),
            (
                "Meetings/2026-11-02.md",
                "---\ntype: meeting\n---\nWith [[Acme]] and [[Ann Lee]].\n",
            ),
            (
                "Meetings/2026-11-05.md",
                "---\ntype: meeting\n---\nWith [[Bolt]] and [[Ann Lee]].\n",
            ),
            ("People/Ann Lee.md", "---\ntype: person\n---\nAnn.\n"),
        ];
        let old = Built::new(&vault);
        let new = Built::new(&with(
            &vault,
            &[(
                "Meetings/2026-11-05.md",
                "---\ntype: meeting\n---\nWith [[Core]] and [[Ann Lee]].\n",
            )],
        ));
        // Her record is the same: the same accounts, the same meetings on the same days.
        assert_eq!(old.crm.people, new.crm.people);
        let pages = others(&old.edit(&new, &["Meetings/2026-11-05.md"]));
        assert!(pages.iter().any(|p| p == plan::PEOPLE), "{pages:?}");
    }
}
