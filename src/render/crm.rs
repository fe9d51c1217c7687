//! The CRM pages: accounts index, one brief per account, people directory and person pages, topic index
//! and topic pages, the meeting timeline (the newest meetings, and a page per year). Contexts only: the
//! theme lays them out (`accounts.html`, `brief.html`, `people.html`, `person.html`, `topics.html`,
//! `topic.html`, `timeline.html`).

use super::context::{folder, note_item, page_context, with, Mentions};
use super::markdown::Frame;
use super::Ctx;
use super::{plan, Page, Renderer};
use crate::crm::{
    structure, Account, AccountIdx, Company, Crm, Meeting, MeetingIdx, PersonIdx, Source,
    SourceKind, Sourced,
};
use crate::diagnostics::Diagnostic;
use crate::index::NoteIdx;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Makes one of the CRM list pages.
type ListPage = fn(&Renderer<'_>) -> Page;

/// Every CRM page of the site, each handed to `sink` as soon as it is made.
pub fn pages<E: Send>(
    r: &Renderer<'_>,
    only: &super::Selection,
    sink: &(dyn Fn(Page) -> Result<(), E> + Sync),
) -> Result<(), E> {
    use rayon::prelude::*;
    let crm = r.crm;
    let lists: [(&str, ListPage); 4] = [
        (plan::ACCOUNTS, accounts_page),
        (plan::PEOPLE, people_page),
        (plan::TOPICS, topics_page),
        (plan::TIMELINE, timeline_page),
    ];
    // The list pages are the largest (the people directory of a 10,000-note vault takes a third of a
    // second): made alongside the rest, not before it, and one at a time, each with its whole context
    // in memory (tens of megabytes for the people directory).
    let (made_lists, made_rest) = rayon::join(
        || {
            lists
                .into_iter()
                .filter(|(path, _)| only.other(path))
                .try_for_each(|(_, make)| sink(make(r)))?;
            let ranges = year_ranges(&r.crm.meetings);
            (0..r.plan.years.len())
                .filter(|&y| only.other(&r.plan.years[y].1))
                .try_for_each(|y| sink(year_page(r, &ranges, y)))
        },
        || {
            (0..crm.accounts.len())
                .into_par_iter()
                .filter(|&a| only.other(&r.plan.briefs[a]))
                .try_for_each(|a| sink(brief_page(r, a, &r.plan.briefs[a]).0))?;
            // The pages of people whose note's page is made were made with it (from the same
            // snippets); those of the rest here.
            let unnoted = unnoted_places(r);
            (0..crm.people.len())
                .into_par_iter()
                .filter(|&p| only.other(&r.plan.people[p]) && !only.person_with_note(r, p))
                .try_for_each(|p| {
                    let mentions = match crm.people[p].note {
                        Some(n) => Mentions::backlinks(r, n),
                        None => Mentions::of(r, unnoted[p].iter().flat_map(|at| at.iter())),
                    };
                    sink(person_page(r, p, &mentions))
                })?;
            (0..crm.topics.len())
                .into_par_iter()
                .filter(|&t| only.other(&r.plan.topics[t]))
                .try_for_each(|t| sink(topic_page(r, t)))
        },
    );
    made_lists.and(made_rest)
}

/// A date in the configured format.
pub fn day(r: &Renderer<'_>, d: NaiveDate) -> String {
    format_day(r.config, d)
}

/// [`day`], by the config's date format.
pub(super) fn format_day(config: &crate::config::Config, d: NaiveDate) -> String {
    let date = crate::value::Date {
        local: d.and_hms_opt(0, 0, 0).unwrap_or_default(),
        offset: None,
    };
    crate::value::format::luxon(&date, &config.date_format)
}

/// How long ago `days` days is, in words.
pub fn ago(days: i64) -> String {
    match days {
        i64::MIN..=-1 => format!("in {} days", -days),
        0 => "today".into(),
        1 => "yesterday".into(),
        2..=13 => format!("{days} days ago"),
        14..=59 => format!("{} weeks ago", days / 7),
        60..=729 => format!("{} months ago", days / 30),
        _ => format!("{} years ago", days / 365),
    }
}

fn link(name: &str, url: String) -> Ctx {
    ctx!({"name": name, "url": url})
}

fn company_view(r: &Renderer<'_>, page: &str, c: &Company) -> Ctx {
    match c {
        Company::Account(a) => folder(r, page).account(r, page, *a),
        Company::Note(n) => link(
            &r.index.notes[*n].title,
            r.url(page, &r.plan.notes[*n], None),
        ),
        Company::Name(name) => ctx!({"name": name, "url": null}),
    }
}

/// "the Collaborators table in Halcyon Robotics, line 71", with a link to the note.
fn source_view(r: &Renderer<'_>, page: &str, s: &Source) -> Ctx {
    let what = match s.kind {
        SourceKind::Frontmatter => "front matter",
        SourceKind::Field => "inline field",
        SourceKind::Table => "table row",
        SourceKind::ContactList => "contacts list",
    };
    let note = &r.index.notes[s.note];
    ctx!({"kind": what, "note": &note.title, "url": r.url(page, &r.plan.notes[s.note], None), "line": s.line + 1})
}

fn sourced_text(r: &Renderer<'_>, page: &str, s: &Option<Sourced<String>>) -> Ctx {
    match s {
        Some(s) => ctx!({"value": &s.value, "source": source_view(r, page, &s.source)}),
        None => Ctx::Null,
    }
}

/// The facts of an account shown on the index and on top of its brief.
fn account_row(r: &Renderer<'_>, page: &str, a: AccountIdx) -> Ctx {
    let account = &r.crm.accounts[a];
    let tags: Vec<Ctx> = account
        .tags
        .iter()
        .map(|t| {
            let url = r
                .plan
                .tags
                .get(&t.to_lowercase())
                .map(|p| r.url(page, p, None));
            ctx!({"name": t, "url": url})
        })
        .collect();
    let shared = folder(r, page);
    let contacts: Vec<Ctx> = account
        .contacts
        .iter()
        .map(|c| shared.person(r, page, c.person))
        .collect();
    let conflicts: Vec<Ctx> = account
        .conflicts
        .iter()
        .map(|c| ctx!({"field": &c.field, "shown": &c.shown, "other": &c.other, "source": source_view(r, page, &c.source)}))
        .collect();
    ctx!({
        "name": &account.name,
        "url": r.url(page, &r.plan.briefs[a], None),
        "note_url": r.url(page, &r.plan.notes[account.note], None),
        "kind": &account.kind,
        "status": &account.status,
        "status_key": account.status.as_deref().map(super::slug::slug),
        "industry": account.industry.as_ref().map(|i| i.value.clone()),
        "last_contact": account.last_contact.map(|d| day(r, d)),
        "last_contact_iso": account.last_contact.map(|d| d.to_string()),
        "ago": account.days_since_contact.map(ago),
        "stale": account.stale,
        "stale_days": r.config.crm.stale_days,
        "open": account.tasks.len(),
        "overdue": account.overdue,
        "tags": tags,
        "contacts": contacts,
        "conflicts": conflicts,
    })
}

fn accounts_page(r: &Renderer<'_>) -> Page {
    let page = plan::ACCOUNTS;
    let crm = r.crm;
    let rows: Vec<Ctx> = (0..crm.accounts.len())
        .map(|a| {
            let mut row = account_row(r, page, a);
            let tags: Vec<String> = crm.accounts[a]
                .tags
                .iter()
                .map(|t| t.to_lowercase())
                .collect();
            row.set("filter_tags", tags.join(" ").into());
            row
        })
        .collect();
    let statuses: BTreeSet<String> = crm
        .accounts
        .iter()
        .filter_map(|a| a.status.as_ref().map(|s| s.to_lowercase()))
        .collect();
    let tags: BTreeSet<String> = crm
        .accounts
        .iter()
        .flat_map(|a| a.tags.iter().map(|t| t.to_lowercase()))
        .collect();
    Page {
        path: page.into(),
        template: "accounts.html",
        context: page_context(
            r,
            page,
            ("Accounts", "accounts"),
            ctx!({
                "statuses": statuses,
                "tags": tags,
                "stale_days": r.config.crm.stale_days,
                "today": day(r, r.today),
                "script": r.url(page, "static/filter.js", None),
            }),
            [("accounts", rows.into())],
        ),
    }
}

/// A meeting in a list: date, title, gist and the accounts it was about. Its attendees only where a
/// page shows them ([`with_attendees`]): the timeline and the topic pages list thousands of meetings.
fn meeting_view(r: &Renderer<'_>, page: &str, m: MeetingIdx) -> Ctx {
    let meeting = &r.crm.meetings[m];
    let shared = folder(r, page);
    let accounts: Vec<Ctx> = meeting
        .accounts
        .iter()
        .map(|&a| shared.account(r, page, a))
        .collect();
    let (date, iso) = &r.meeting_days[m];
    ctx!({
        "date": date,
        "iso": iso,
        "title": &meeting.title,
        "url": r.url(page, &r.plan.notes[meeting.note], None),
        "gist": &meeting.gist,
        "via": &meeting.via,
        "internal": meeting.internal,
        "accounts": accounts,
    })
}

/// [`meeting_view`] with the people who attended.
fn with_attendees(r: &Renderer<'_>, page: &str, m: MeetingIdx) -> Ctx {
    let shared = folder(r, page);
    let attendees: Vec<Ctx> = r.crm.meetings[m]
        .attendees
        .iter()
        .map(|&p| shared.person(r, page, p))
        .collect();
    with(meeting_view(r, page, m), [("attendees", attendees.into())])
}

/// A note as a link; meetings by their meeting title.
fn note_link(r: &Renderer<'_>, page: &str, n: NoteIdx) -> Ctx {
    let item = note_item(r, page, n);
    let title = match r.crm.meeting_of.get(&n) {
        Some(&m) => r.crm.meetings[m].title.clone(),
        None => item.title,
    };
    ctx!({"title": title, "url": item.url, "date": item.date})
}

/// A brief's page (or, in a standalone renderer, the printable file): its context and the problems
/// met rendering the note's sections.
pub fn brief_page(r: &Renderer<'_>, a: AccountIdx, page: &str) -> (Page, Vec<Diagnostic>) {
    let crm: &Crm = r.crm;
    let account: &Account = &crm.accounts[a];
    let note = &r.index.notes[account.note];
    let frame = Frame {
        note: account.note,
        page,
        stack: Vec::new(),
    };
    let mut diags = Vec::new();
    let text = r.clean_text(account.note);
    let mut sections = Vec::new();
    for name in &r.config.crm.brief_sections {
        for range in structure::sections(note, std::slice::from_ref(name)) {
            if structure::is_placeholder(&text[range.clone()]) {
                continue;
            }
            let heading = note.headings.iter().find(|h| h.span.end == range.start);
            sections.push(ctx!({
                "title": heading.map_or(name.as_str(), |h| h.text.as_str()),
                "key": super::slug::slug(name),
                "html": r.author_html(r.range_html(&frame, range, &mut diags)),
            }));
        }
    }
    let contacts: Vec<Ctx> = account
        .contacts
        .iter()
        .map(|c| {
            let person = &crm.people[c.person];
            let company = person
                .company
                .as_ref()
                .map(|s| company_view(r, page, &s.value));
            ctx!({
                "name": &person.name,
                "url": r.url(page, &r.plan.people[c.person], None),
                "note": &c.note,
                "last_meeting": person.last_meeting.map(|d| day(r, d)),
                "has_note": person.note.is_some(),
                "role": sourced_text(r, page, &person.role),
                "company": company,
            })
        })
        .collect();
    let tasks: Vec<Ctx> = account
        .tasks
        .iter()
        .map(|t| {
            let n = &r.index.notes[t.note];
            let item = &n.list_items[t.item];
            let task_frame = Frame {
                note: t.note,
                page,
                stack: Vec::new(),
            };
            let from = if t.note == account.note {
                Ctx::Null
            } else {
                note_link(r, page, t.note)
            };
            ctx!({
                "html": r.author_html(r.task_html(&task_frame, &crate::crm::task_display_text(item.text(&n.text)), n.id.as_str())),
                "status": t.status.to_string(),
                "due": t.due.map(|d| day(r, d)),
                "overdue": t.overdue,
                "url": r.url(page, &r.plan.notes[t.note], None),
                "from": from,
            })
        })
        .collect();
    let shown = r.config.crm.brief_meetings;
    let meetings: Vec<Ctx> = account
        .meetings
        .iter()
        .take(shown)
        .map(|&m| with_attendees(r, page, m))
        .collect();
    let mut backlinks: Vec<NoteIdx> = r.index.inlinks(account.note);
    backlinks.retain(|&n| n != account.note);
    let backlinks: Vec<Ctx> = backlinks.iter().map(|&n| note_link(r, page, n)).collect();
    let topics: Vec<Ctx> = account
        .topics
        .iter()
        .map(|&t| link(&crm.topics[t].name, r.url(page, &r.plan.topics[t], None)))
        .collect();
    let projects: Vec<Ctx> = account
        .projects
        .iter()
        .map(|&n| {
            let status = r.index.notes[n]
                .frontmatter
                .fields
                .get("status")
                .and_then(|v| v.as_str().map(str::to_string));
            ctx!({"title": &r.index.notes[n].title, "url": r.url(page, &r.plan.notes[n], None), "status": status})
        })
        .collect();
    let changed: Vec<Ctx> = account
        .changed_since
        .iter()
        .map(|&n| note_link(r, page, n))
        .collect();
    let last_meeting = account.last_meeting.map(|m| meeting_view(r, page, m));
    let context = page_context(
        r,
        page,
        (&format!("{} — brief", account.name), "brief"),
        ctx!({
            "aliases": &note.aliases,
            "more_meetings": account.meetings.len().saturating_sub(shown),
            "today": day(r, r.today),
        }),
        [
            ("account", account_row(r, page, a)),
            ("sections", sections.into()),
            ("contacts", contacts.into()),
            ("tasks", tasks.into()),
            ("meetings", meetings.into()),
            ("last_meeting", last_meeting.unwrap_or(Ctx::Null)),
            ("changed", changed.into()),
            ("projects", projects.into()),
            ("topics", topics.into()),
            ("backlinks", backlinks.into()),
        ],
    );
    (
        Page {
            path: page.to_string(),
            template: "brief.html",
            context,
        },
        diags,
    )
}

fn people_page(r: &Renderer<'_>) -> Page {
    let page = plan::PEOPLE;
    let crm = r.crm;
    // Company name (sort key) → (its view, people).
    let mut groups: BTreeMap<(bool, String), (Ctx, Vec<Ctx>)> = BTreeMap::new();
    let shared = folder(r, page);
    for (p, person) in crm.people.iter().enumerate() {
        let (sort, view) = match &person.company {
            Some(c) => {
                let name = c.value.name(crm, r.index).to_lowercase();
                ((false, name), company_view(r, page, &c.value))
            }
            None => ((true, String::new()), ctx!({"name": null, "url": null})),
        };
        let shown = directory_accounts(crm, p);
        let more = person.accounts.len().saturating_sub(shown.len());
        let accounts: Vec<Ctx> = shown.iter().map(|&a| shared.account(r, page, a)).collect();
        let entry = groups.entry(sort).or_insert_with(|| (view, Vec::new()));
        entry.1.push(ctx!({
            "name": &person.name,
            "url": r.url(page, &r.plan.people[p], None),
            "role": person.role.as_ref().map(|s| s.value.clone()),
            "last_meeting": person.last_meeting.map(|d| day(r, d)),
            "ago": person.last_meeting.map(|d| ago((r.today - d).num_days())),
            "stale": person.stale,
            "has_note": person.note.is_some(),
            "more_accounts": more,
            "accounts": accounts,
        }));
    }
    let groups: Vec<Ctx> = groups
        .into_values()
        .map(|(company, people)| ctx!({"company": company, "people": people}))
        .collect();
    Page {
        path: page.into(),
        template: "people.html",
        context: page_context(
            r,
            page,
            ("People", "people"),
            ctx!({"count": crm.people.len()}),
            [("groups", groups.into())],
        ),
    }
}

/// How many of a person's accounts the people directory shows; their page lists every one. (People who
/// work across many accounts, such as a vault owner's colleagues, would otherwise fill their row, and the
/// page, with dozens of links.)
const DIRECTORY_ACCOUNTS: usize = 3;

/// The accounts the people directory shows for person `p`: those of their most recent meetings first,
/// then the others (contacts of an account they did not meet about) by name; at most
/// [`DIRECTORY_ACCOUNTS`].
fn directory_accounts(crm: &Crm, p: PersonIdx) -> Vec<AccountIdx> {
    let person = &crm.people[p];
    let mut shown = Vec::with_capacity(DIRECTORY_ACCOUNTS);
    let met = person
        .meetings
        .iter()
        .flat_map(|&m| &crm.meetings[m].accounts);
    for &a in met.chain(&person.accounts) {
        if shown.len() == DIRECTORY_ACCOUNTS {
            break;
        }
        if !shown.contains(&a) {
            shown.push(a);
        }
    }
    shown
}

/// For each person without a note, the places that name them: the places of every unresolved name that
/// is theirs, in the order of the names. One pass over the names, not one per person.
fn unnoted_places<'r>(r: &Renderer<'r>) -> Vec<Vec<&'r [crate::index::Backlink]>> {
    let mut places = vec![Vec::new(); r.crm.people.len()];
    for (name, at) in &r.index.unresolved {
        if let Some(p) = r.crm.person_named(name) {
            if r.crm.people[p].note.is_none() {
                places[p].push(at.as_slice());
            }
        }
    }
    places
}

/// A person's page; `mentions` are their note's backlinks ([`Mentions::backlinks`]), or where they are
/// named when they have no note ([`unnoted_places`]).
pub(super) fn person_page(r: &Renderer<'_>, p: PersonIdx, mentions: &Mentions) -> Page {
    let page = r.plan.people[p].as_str();
    let crm = r.crm;
    let person = &crm.people[p];
    let mentions = mentions.views(r, page);
    let shared = folder(r, page);
    let accounts: Vec<Ctx> = person
        .accounts
        .iter()
        .map(|&a| shared.account(r, page, a))
        .collect();
    let meetings: Vec<Ctx> = person
        .meetings
        .iter()
        .map(|&m| meeting_view(r, page, m))
        .collect();
    Page {
        path: page.into(),
        template: "person.html",
        context: page_context(
            r,
            page,
            (&person.name, "person"),
            ctx!({
                "person": {
                    "name": &person.name,
                    "note_url": person.note.map(|n| r.url(page, &r.plan.notes[n], None)),
                    "role": sourced_text(r, page, &person.role),
                    "company": person.company.as_ref().map(|s| ctx!({"value": company_view(r, page, &s.value), "source": source_view(r, page, &s.source)})),
                    "last_meeting": person.last_meeting.map(|d| day(r, d)),
                    "ago": person.last_meeting.map(|d| ago((r.today - d).num_days())),
                    "stale": person.stale,
                    "stale_days": r.config.crm.stale_days,
                    "directory": r.url(page, plan::PEOPLE, None),
                    "mentions": mentions,
                    "accounts": accounts,
                    "meetings": meetings,
                },
            }),
            [],
        ),
    }
}

fn topics_page(r: &Renderer<'_>) -> Page {
    let page = plan::TOPICS;
    let crm = r.crm;
    let mut order: Vec<usize> = (0..crm.topics.len()).collect();
    order.sort_by_key(|&t| {
        (
            std::cmp::Reverse(crm.topics[t].count()),
            crm.topics[t].name.to_lowercase(),
        )
    });
    let topics: Vec<Ctx> = order
        .into_iter()
        .map(|t| {
            let topic = &crm.topics[t];
            ctx!({
                "name": &topic.name,
                "url": r.url(page, &r.plan.topics[t], None),
                "count": topic.count(),
                "accounts": topic.accounts.len(),
                "meetings": topic.meetings.len(),
                "notes": topic.notes.len(),
            })
        })
        .collect();
    Page {
        path: page.into(),
        template: "topics.html",
        context: page_context(
            r,
            page,
            ("Topics", "topics"),
            ctx!({}),
            [("topics", topics.into())],
        ),
    }
}

fn topic_page(r: &Renderer<'_>, t: usize) -> Page {
    let page = r.plan.topics[t].as_str();
    let topic = &r.crm.topics[t];
    let accounts: Vec<Ctx> = topic
        .accounts
        .iter()
        .map(|&a| account_row(r, page, a))
        .collect();
    let meetings: Vec<Ctx> = topic
        .meetings
        .iter()
        .map(|&m| meeting_view(r, page, m))
        .collect();
    let notes: Vec<Ctx> = topic.notes.iter().map(|&n| note_link(r, page, n)).collect();
    Page {
        path: page.into(),
        template: "topic.html",
        context: page_context(
            r,
            page,
            (&topic.name, "topic"),
            ctx!({
                "topic": {
                    "name": &topic.name,
                    "note_url": topic.note.map(|n| r.url(page, &r.plan.notes[n], None)),
                    "index": r.url(page, plan::TOPICS, None),
                    "accounts": accounts,
                    "meetings": meetings,
                    "notes": notes,
                },
            }),
            [],
        ),
    }
}

/// How many of the newest meetings the timeline's first page lists; each year has a page of its own.
pub const TIMELINE_LATEST: usize = 50;

/// The runs of `meetings` (newest first, as `Crm::meetings`) alike by `key`, as ranges of it.
fn runs<K: PartialEq>(
    meetings: &[Meeting],
    range: Range<MeetingIdx>,
    key: impl Fn(&Meeting) -> K,
) -> Vec<Range<MeetingIdx>> {
    let mut runs: Vec<Range<MeetingIdx>> = Vec::new();
    for m in range {
        match runs.last_mut() {
            Some(run) if key(&meetings[run.start]) == key(&meetings[m]) => run.end = m + 1,
            _ => runs.push(m..m + 1),
        }
    }
    runs
}

/// The meetings of each year of [`Plan::years`](plan::Plan::years), as ranges of `meetings`.
pub fn year_ranges(meetings: &[Meeting]) -> Vec<Range<MeetingIdx>> {
    runs(meetings, 0..meetings.len(), |m| m.date.year())
}

/// Meetings grouped by month, newest first, each month with the anchor its year's page gives it.
fn months(r: &Renderer<'_>, page: &str, meetings: Range<MeetingIdx>) -> Vec<Ctx> {
    let all = &r.crm.meetings;
    runs(all, meetings, |m| (m.date.year(), m.date.month()))
        .into_iter()
        .map(|run| {
            let d = all[run.start].date;
            let views: Vec<Ctx> = run.map(|m| meeting_view(r, page, m)).collect();
            ctx!({"label": d.format("%B %Y").to_string(), "id": d.format("%Y-%m").to_string(), "meetings": views})
        })
        .collect()
}

/// The years to go to, each with its number of meetings and its months (`short` name, count, link to
/// the month on the year's page); the year `current` is the page's own.
fn timeline_years(
    r: &Renderer<'_>,
    page: &str,
    ranges: &[Range<MeetingIdx>],
    current: Option<usize>,
) -> Vec<Ctx> {
    let all = &r.crm.meetings;
    ranges
        .iter()
        .zip(&r.plan.years)
        .enumerate()
        .map(|(y, (range, (year, path)))| {
            let months: Vec<Ctx> = runs(all, range.clone(), |m| m.date.month())
                .into_iter()
                .map(|run| {
                    let d = all[run.start].date;
                    let id = d.format("%Y-%m").to_string();
                    ctx!({"short": d.format("%b").to_string(), "count": run.len(), "url": r.url(page, path, Some(&id))})
                })
                .collect();
            ctx!({
                "year": year,
                "count": range.len(),
                "url": r.url(page, path, None),
                "current": current == Some(y),
                "months": months,
            })
        })
        .collect()
}

/// The timeline's first page: the newest meetings by month, and every year with its months.
fn timeline_page(r: &Renderer<'_>) -> Page {
    let page = plan::TIMELINE;
    let ranges = year_ranges(&r.crm.meetings);
    let latest = months(r, page, 0..r.crm.meetings.len().min(TIMELINE_LATEST));
    Page {
        path: page.into(),
        template: "timeline.html",
        context: page_context(
            r,
            page,
            ("Timeline", "timeline"),
            ctx!({"count": r.crm.meetings.len(), "year": null, "latest": TIMELINE_LATEST}),
            [
                ("months", latest.into()),
                ("years", timeline_years(r, page, &ranges, None).into()),
            ],
        ),
    }
}

/// A year's timeline page (the `y`th of [`Plan::years`](plan::Plan::years)): its meetings by month.
fn year_page(r: &Renderer<'_>, ranges: &[Range<MeetingIdx>], y: usize) -> Page {
    let (year, page) = (r.plan.years[y].0, r.plan.years[y].1.as_str());
    let title = format!("Timeline {year}");
    Page {
        path: page.into(),
        template: "timeline.html",
        context: page_context(
            r,
            page,
            (&title, "timeline"),
            ctx!({
                "count": ranges[y].len(),
                "year": year,
                "index": r.url(page, plan::TIMELINE, None),
            }),
            [
                ("months", months(r, page, ranges[y].clone()).into()),
                ("years", timeline_years(r, page, ranges, Some(y)).into()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn how_long_ago() {
        assert_eq!(ago(0), "today");
        assert_eq!(ago(1), "yesterday");
        assert_eq!(ago(8), "8 days ago");
        assert_eq!(ago(20), "2 weeks ago");
        assert_eq!(ago(172), "5 months ago");
        assert_eq!(ago(800), "2 years ago");
        assert_eq!(ago(-3), "in 3 days");
    }
}
