//! Stage 3: the Index seen as a CRM. Accounts, people, meetings, topics and account tasks, derived once
//! from the immutable Index and then only read by `render/`. Every fact that came from somewhere a reader
//! may want to check keeps its [`Source`] (note and line).
//!
//! 1. Each note gets a type: `type:` front matter, else a `type/…` tag, else its folder (`[crm]`).
//! 2. Accounts and meetings are the notes of those types (meetings also: dated notes without a type).
//! 3. People are person notes plus every name an account or meeting names as a contact: contact
//!    sections, `Person | Role | Company` tables, `Attendees::` fields; roles and companies come from
//!    the person's own note first, then from tables, then from contact list lines.
//! 4. Meetings connect to accounts by links in either direction or a `customer::`/`account::` field.
//! 5. Tasks, topics, staleness and "changed since the last meeting" follow from those.
//!
//! `dossier serve` keeps the last view when an edit changes nothing it reads, and makes only the
//! accounts' task lists again when an edit changed list items alone ([`build_reusing`]).

pub mod structure;
#[cfg(test)]
mod tests;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::index::{names::key, resolve::unresolved_name, Index, NoteIdx, Target};
use crate::value::Value;
use crate::vault::{scan, Note};
use chrono::NaiveDate;
use foldhash::HashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub type AccountIdx = usize;
pub type PersonIdx = usize;
pub type MeetingIdx = usize;
pub type TopicIdx = usize;

/// Where a fact was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub note: NoteIdx,
    /// 0-based line.
    pub line: u32,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The person's own front matter.
    Frontmatter,
    /// An inline field (`Role:: CTO`).
    Field,
    /// A row of a `Person | Role | Company` table.
    Table,
    /// The text after a name in a contacts list (`- [[Elena Voss]] — CTO`).
    ContactList,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// A person's company: an account of the vault, another note, or just a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Company {
    Account(AccountIdx),
    Note(NoteIdx),
    Name(String),
}

impl Company {
    /// The company's name as pages show it: the account's, the note's title, or the name itself.
    pub fn name<'a>(&'a self, crm: &'a Crm, index: &'a Index) -> &'a str {
        match self {
            Company::Account(a) => &crm.accounts[*a].name,
            Company::Note(n) => &index.notes[*n].title,
            Company::Name(name) => name,
        }
    }
}

/// Two places in an account note that disagree (`status: active` against a table saying `Prospect`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub field: String,
    /// The value shown (front matter).
    pub shown: String,
    /// The value that disagrees, and where it is.
    pub other: String,
    pub source: Source,
}

/// A person named as an account's contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub person: PersonIdx,
    /// What the account note says of them (`CTO, executive sponsor`), when it says something.
    pub note: Option<String>,
}

/// An open task tied to an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRef {
    pub note: NoteIdx,
    /// Index into the note's `list_items`.
    pub item: usize,
    pub status: char,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub note: NoteIdx,
    pub name: String,
    /// The account type (`customer`, `prospect`, `partner`).
    pub kind: String,
    pub status: Option<String>,
    pub industry: Option<Sourced<String>>,
    pub conflicts: Vec<Conflict>,
    /// Tags as written, front matter first.
    pub tags: Vec<String>,
    pub contacts: Vec<Contact>,
    /// Meetings connected to the account, newest first (internal ones included).
    pub meetings: Vec<MeetingIdx>,
    /// The newest meeting held with the account (not an internal one).
    pub last_meeting: Option<MeetingIdx>,
    /// The later of `last_contact:` and the last meeting's date.
    pub last_contact: Option<NaiveDate>,
    /// Days from the last contact to the build date.
    pub days_since_contact: Option<i64>,
    /// No contact for longer than `[crm] stale_days` (or never).
    pub stale: bool,
    /// Open tasks: due ones first by date, then undated; in note and line order within a date.
    pub tasks: Vec<TaskRef>,
    pub overdue: usize,
    pub projects: Vec<NoteIdx>,
    pub topics: Vec<TopicIdx>,
    /// Notes about the account dated after its last meeting, newest first.
    pub changed_since: Vec<NoteIdx>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub name: String,
    /// Their note, when they have one.
    pub note: Option<NoteIdx>,
    pub role: Option<Sourced<String>>,
    pub company: Option<Sourced<Company>>,
    /// Accounts they are a contact of or met about, sorted by name.
    pub accounts: Vec<AccountIdx>,
    /// Meetings they attended, newest first.
    pub meetings: Vec<MeetingIdx>,
    /// Notes mentioning them (linking to them), sorted by path.
    pub mentions: Vec<NoteIdx>,
    pub last_meeting: Option<NaiveDate>,
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    pub note: NoteIdx,
    pub date: NaiveDate,
    pub title: String,
    /// One line on what happened: the account's own context line for it, else the note's first sentence.
    pub gist: Option<String>,
    /// Who it came through (`(via Priya Raman)` in a context line).
    pub via: Option<String>,
    pub accounts: Vec<AccountIdx>,
    pub attendees: Vec<PersonIdx>,
    /// Tagged `internal`: it does not count as contact with an account.
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// Normalised key (`gpu data pipelines`, `risk/security`).
    pub key: String,
    /// How it is shown: a topic note's title, else the most common spelling.
    pub name: String,
    /// A note about the topic (same name), when there is one.
    pub note: Option<NoteIdx>,
    pub accounts: Vec<AccountIdx>,
    pub meetings: Vec<MeetingIdx>,
    /// Other notes carrying it.
    pub notes: Vec<NoteIdx>,
}

impl Topic {
    /// How many notes carry it.
    pub fn count(&self) -> usize {
        self.accounts.len() + self.meetings.len() + self.notes.len()
    }
}

/// The CRM view of a vault.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Crm {
    /// Sorted by name.
    pub accounts: Vec<Account>,
    /// Sorted by name.
    pub people: Vec<Person>,
    /// Newest first.
    pub meetings: Vec<Meeting>,
    /// Sorted by key.
    pub topics: Vec<Topic>,
    /// Per note: its type, when it has one.
    pub types: Vec<Option<String>>,
    pub account_of: NoteMap,
    pub person_of: NoteMap,
    pub meeting_of: NoteMap,
    /// Lookup key of a person's name → the person.
    pub person_by_key: HashMap<String, PersonIdx>,
    pub diagnostics: Vec<Diagnostic>,
    /// Per note: what was read of its markdown structure, kept so that `dossier serve` reuses it for
    /// the notes an edit left as they were ([`build_reusing`]).
    #[serde(skip)]
    pub structures: Vec<std::sync::Arc<NoteStructure>>,
    /// The build date it was made for (staleness and overdue tasks count from it).
    #[serde(skip)]
    pub today: NaiveDate,
}

/// Note → record number (account, person or meeting): a slot per note, since every stage looks notes
/// up in it, many times per note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteMap(Vec<Option<usize>>);

impl NoteMap {
    pub fn get(&self, note: &NoteIdx) -> Option<&usize> {
        self.0.get(*note)?.as_ref()
    }

    pub fn contains_key(&self, note: &NoteIdx) -> bool {
        self.get(note).is_some()
    }

    pub fn insert(&mut self, note: NoteIdx, record: usize) {
        if self.0.len() <= note {
            self.0.resize(note + 1, None);
        }
        self.0[note] = Some(record);
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut usize> {
        self.0.iter_mut().flatten()
    }

    /// (note, record), by note.
    pub fn iter(&self) -> impl Iterator<Item = (NoteIdx, usize)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(n, r)| r.map(|r| (n, r)))
    }
}

impl Serialize for NoteMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// What the CRM reads of a note's markdown beside what its parse found (its tables, its first
/// paragraphs): its topic phrases, and (when asked) its first sentence. They depend on the note's
/// text alone.
#[derive(Debug, Default)]
pub struct NoteStructure {
    /// The phrases of its topic sections (`[crm] topic_headings`), each with its topic key.
    phrases: Vec<(String, String)>,
    /// The topic key of its title (a note named like a topic is the topic's note).
    title_key: String,
    /// [`note_type`], [`note_date`] and [`meeting_title`]: they read the front matter, tags, headings
    /// and path, which are the same when the text and path are.
    kind: Option<String>,
    date: Option<NaiveDate>,
    meeting_title: String,
    lead: std::sync::OnceLock<Option<String>>,
}

impl Crm {
    /// The person a name (an unresolved link's) stands for.
    pub fn person_named(&self, name: &str) -> Option<PersonIdx> {
        self.person_by_key.get(&key(name)).copied()
    }

    /// The topic of a normalised key.
    pub fn topic(&self, key: &str) -> Option<TopicIdx> {
        self.topics
            .binary_search_by(|t| t.key.as_str().cmp(key))
            .ok()
    }
}

/// Someone a link or a field names: a note, or a name without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Note(NoteIdx),
    Name(String),
}

/// The date a note is about: `date:` front matter, else a `YYYY-MM-DD` in its file name.
pub fn note_date(note: &Note) -> Option<NaiveDate> {
    if let Some(Value::Date(d)) = note.frontmatter.fields.get("date") {
        return Some(d.local.date());
    }
    let name = note.id.name();
    (0..name.len().saturating_sub(9))
        .chain(std::iter::once(0))
        .find_map(|s| {
            name.get(s..s + 10)
                .and_then(crate::value::parse::date)
                .map(|d| d.local.date())
        })
}

/// What a meeting is called next to its date: `title:`, else its opening `# Heading`, else the file name
/// without its leading date (`2026-11-12 - Halcyon QBR` → `Halcyon QBR`).
pub fn meeting_title(note: &Note) -> String {
    if fm(note, "title").is_some() {
        return note.title.clone();
    }
    let opening = note.headings.first().filter(|h| {
        h.level == 1
            && note
                .text
                .get(note.body_start..h.span.start)
                .is_some_and(|t| t.trim().is_empty())
    });
    if let Some(h) = opening.filter(|h| !h.text.trim().is_empty()) {
        return h.text.trim().to_string();
    }
    let name = note.id.name();
    let rest = name
        .get(..10)
        .filter(|d| crate::value::parse::date(d).is_some())
        .map(|_| {
            name[10..]
                .trim_start_matches([' ', '-', '–', '—', '_', ':'])
                .trim()
        });
    match rest {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => name.to_string(),
    }
}

/// A task's text without the date fields the brief shows apart (`📅 2026-01-09`, `[due:: …]`).
pub fn task_display_text(text: &str) -> String {
    const EMOJI: [char; 5] = ['📅', '⏳', '🛫', '✅', '➕'];
    const KEYS: [&str; 5] = ["due", "scheduled", "start", "completion", "created"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((i, c)) = rest
        .char_indices()
        .find(|(_, c)| EMOJI.contains(c) || *c == '[' || *c == '(')
    {
        out.push_str(&rest[..i]);
        let after = &rest[i + c.len_utf8()..];
        if EMOJI.contains(&c) {
            let t = after.trim_start();
            if t.get(..10).and_then(crate::value::parse::date).is_some() {
                rest = &t[10..];
                continue;
            }
        } else {
            let close = if c == '[' { ']' } else { ')' };
            if let Some((key, _)) = after.split_once("::") {
                let end = after.find(close);
                if KEYS.contains(&key.trim().to_lowercase().as_str())
                    && end.is_some_and(|e| e > key.len())
                {
                    rest = &after[end.unwrap_or(0) + 1..];
                    continue;
                }
            }
        }
        out.push(c);
        rest = after;
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A front matter field by case-insensitive key.
fn fm<'n>(note: &'n Note, name: &str) -> Option<&'n Value> {
    note.frontmatter
        .fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Inline fields by normalised key (`Company::`, `company::`), outside list items.
fn inline<'n>(note: &'n Note, name: &str) -> impl Iterator<Item = &'n crate::vault::InlineField> {
    let wanted = name.to_lowercase();
    note.fields
        .iter()
        .filter(move |f| field_key_is(&f.key, &wanted))
}

/// Whether a field key, trimmed, lower-cased and with spaces as `-`, is `wanted` (without allocating:
/// every meeting's fields are compared with several names).
fn field_key_is(key: &str, wanted: &str) -> bool {
    let mut have =
        key.trim()
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == ' ' { '-' } else { c });
    let mut want = wanted.chars();
    loop {
        match (have.next(), want.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// A value as one line of text (links by their display or name).
fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => crate::value::format::number_text(*n),
        Value::Bool(b) => b.to_string(),
        Value::Link(l) => l
            .display
            .clone()
            .unwrap_or_else(|| unresolved_name(crate::index::names::strip_md(&l.path))),
        Value::Date(d) => d.local.date().to_string(),
        Value::List(items) => items
            .iter()
            .filter_map(text_of)
            .collect::<Vec<_>>()
            .join(", "),
        _ => return None,
    };
    (!s.is_empty() && !structure::is_placeholder_value(&s)).then_some(s)
}

/// The notes or names a value links to (a link, a list of links, or names separated by commas).
fn who_of(paths: &HashMap<&str, NoteIdx>, v: &Value) -> Vec<Who> {
    match v {
        Value::Link(l) if l.resolved => paths
            .get(l.path.as_str())
            .map(|&n| Who::Note(n))
            .into_iter()
            .collect(),
        Value::Link(l) => vec![Who::Name(unresolved_name(&l.path))],
        Value::List(items) => items.iter().flat_map(|i| who_of(paths, i)).collect(),
        Value::String(s) => s
            .split(',')
            .map(|p| scan::plain_text(p).trim().to_string())
            .filter(|p| !p.is_empty() && !structure::is_placeholder_value(p))
            .map(Who::Name)
            .collect(),
        _ => Vec::new(),
    }
}

/// What a link of note `from` (its `i`-th) names.
fn who_of_link(index: &Index, from: NoteIdx, i: usize) -> Option<Who> {
    match &index.links[from].get(i)?.target {
        Target::Note(t) => Some(Who::Note(*t)),
        Target::Unresolved(name) => Some(Who::Name(unresolved_name(name))),
        _ => None,
    }
}

/// Normalises a topic: lower case, `-`/`_` as spaces, spaces collapsed, `#` and end punctuation dropped.
pub fn topic_key(text: &str) -> String {
    text.trim()
        .trim_start_matches('#')
        .to_lowercase()
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ',', ';', ':'])
        .to_string()
}

struct Builder<'a> {
    index: &'a Index,
    /// Note path → note: resolved link values name their note by path, thousands of times per build.
    paths: HashMap<&'a str, NoteIdx>,
    config: &'a Config,
    today: NaiveDate,
    /// Comment-free text per note, computed when first needed.
    texts: Vec<std::sync::OnceLock<String>>,
    /// Line starts per note, computed when first needed.
    lines: Vec<std::sync::OnceLock<Vec<usize>>>,
    crm: Crm,
    /// Role and company candidates per person, in the order sources were read.
    roles: Vec<Vec<Sourced<String>>>,
    companies: Vec<Vec<Sourced<Company>>>,
    /// Account → contacts (person, note) in reading order.
    contacts: Vec<Vec<Contact>>,
    /// Accounts by lookup key of name, title and aliases.
    account_by_key: HashMap<String, AccountIdx>,
}

impl Builder<'_> {
    fn text(&self, note: NoteIdx) -> &str {
        let text = &self.index.notes[note].text;
        if !text.contains("%%") {
            return text;
        }
        self.texts[note].get_or_init(|| scan::strip_comments(text))
    }

    fn line(&self, note: NoteIdx, offset: usize) -> u32 {
        // Near the top (front matter, the first table) counting is cheaper than indexing the note.
        if offset <= 2048 && self.lines[note].get().is_none() {
            let text = self.text(note).as_bytes();
            let upto = &text[..offset.min(text.len())];
            return upto.iter().filter(|&&c| c == b'\n').count() as u32;
        }
        let starts =
            self.lines[note].get_or_init(|| crate::diagnostics::line_starts(self.text(note)));
        (starts.partition_point(|&s| s <= offset).max(1) - 1) as u32
    }

    fn type_of(&self, note: NoteIdx) -> Option<&str> {
        self.crm.types[note].as_deref()
    }

    /// The person a `Who` names, registered on first sight. Notes of another type are not people, nor
    /// names of excluded notes.
    fn person(&mut self, who: &Who) -> Option<PersonIdx> {
        match who {
            Who::Note(n) => {
                if let Some(&p) = self.crm.person_of.get(n) {
                    return Some(p);
                }
                if self.type_of(*n).is_some() {
                    return None;
                }
                let note = &self.index.notes[*n];
                Some(self.add_person(note.id.name().to_string(), Some(*n)))
            }
            Who::Name(name) => {
                let name = name.trim();
                // The name of an excluded note stays private: no person, so no directory page.
                let excluded = || matches!(self.index.resolve(0, name), Target::Excluded);
                if name.is_empty() || self.account_by_key.contains_key(&key(name)) || excluded() {
                    return None;
                }
                Some(match self.crm.person_by_key.get(&key(name)) {
                    Some(&p) => p,
                    None => self.add_person(name.to_string(), None),
                })
            }
        }
    }

    fn add_person(&mut self, name: String, note: Option<NoteIdx>) -> PersonIdx {
        let p = self.crm.people.len();
        self.crm.person_by_key.insert(key(&name), p);
        if let Some(n) = note {
            self.crm.person_of.insert(n, p);
            for alias in &self.index.notes[n].aliases {
                self.crm.person_by_key.entry(key(alias)).or_insert(p);
            }
        }
        self.crm.people.push(Person {
            name,
            note,
            role: None,
            company: None,
            accounts: Vec::new(),
            meetings: Vec::new(),
            mentions: Vec::new(),
            last_meeting: None,
            stale: false,
        });
        self.roles.push(Vec::new());
        self.companies.push(Vec::new());
        p
    }

    /// A company named by a value: an account (by link or by name), another note, or a name.
    fn company(&self, v: &Value) -> Option<Company> {
        match v {
            Value::Link(l) if l.resolved => {
                let n = *self.paths.get(l.path.as_str())?;
                Some(match self.crm.account_of.get(&n) {
                    Some(&a) => Company::Account(a),
                    None => Company::Note(n),
                })
            }
            Value::List(items) => items.iter().find_map(|i| self.company(i)),
            other => {
                let name = text_of(other)?;
                Some(match self.account_by_key.get(&key(&name)) {
                    Some(&a) => Company::Account(a),
                    None => Company::Name(name),
                })
            }
        }
    }

    fn add_contact(&mut self, account: AccountIdx, person: PersonIdx, note: Option<String>) {
        let list = &mut self.contacts[account];
        match list.iter_mut().find(|c| c.person == person) {
            Some(c) => {
                if c.note.is_none() {
                    c.note = note;
                }
            }
            None => list.push(Contact { person, note }),
        }
    }
}

/// Builds the CRM view. Never fails; contradictions and vault-wide task queries on account notes become
/// hints.
pub fn build(index: &Index, config: &Config, today: NaiveDate) -> Crm {
    build_reusing(index, config, today, None)
}

/// Like [`build`], reusing from `prior` (an earlier Index and its CRM view) the structure of every note
/// whose text has not changed.
pub fn build_reusing(
    index: &Index,
    config: &Config,
    today: NaiveDate,
    prior: Option<(&Index, &Crm)>,
) -> Crm {
    let crm_config = &config.crm;
    let n = index.notes.len();
    let mut laps = crate::timing::Laps::new("crm");
    let structures = structures(index, config, prior);
    laps.mark("structures");
    if let Some((old, crm)) = prior {
        let alike = if crm.today == today {
            reads_alike(old, &crm.structures, index, &structures)
        } else {
            Alike::No
        };
        if alike != Alike::No {
            let mut kept = Crm {
                structures,
                ..crm.clone()
            };
            if alike == Alike::ButTasks {
                account_tasks(index, &mut kept);
            }
            laps.mark("kept");
            return kept;
        }
    }
    let mut b = Builder {
        index,
        config,
        today,
        texts: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
        lines: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
        paths: index
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect(),
        crm: Crm {
            types: structures.iter().map(|s| s.kind.clone()).collect(),
            structures,
            today,
            ..Crm::default()
        },
        roles: Vec::new(),
        companies: Vec::new(),
        contacts: Vec::new(),
        account_by_key: HashMap::default(),
    };
    let is = |t: Option<&str>, list: &[String]| {
        t.is_some_and(|t| list.iter().any(|x| x.eq_ignore_ascii_case(t)))
    };

    // Accounts, sorted by name.
    let mut account_notes: Vec<NoteIdx> = (0..n)
        .filter(|&i| is(b.type_of(i), &crm_config.account_types))
        .collect();
    account_notes.sort_by_key(|&i| (index.notes[i].title.to_lowercase(), i));
    for (a, &i) in account_notes.iter().enumerate() {
        let note = &index.notes[i];
        b.crm.account_of.insert(i, a);
        for name in [note.id.name(), note.title.as_str()]
            .into_iter()
            .chain(note.aliases.iter().map(String::as_str))
        {
            b.account_by_key.entry(key(name)).or_insert(a);
        }
        b.crm.accounts.push(Account {
            note: i,
            name: note.title.clone(),
            kind: b.type_of(i).unwrap_or_default().to_lowercase(),
            status: fm(note, "status").and_then(text_of),
            industry: None,
            conflicts: Vec::new(),
            tags: note.tags.clone(),
            contacts: Vec::new(),
            meetings: Vec::new(),
            last_meeting: None,
            last_contact: None,
            days_since_contact: None,
            stale: false,
            tasks: Vec::new(),
            overdue: 0,
            projects: Vec::new(),
            topics: Vec::new(),
            changed_since: Vec::new(),
        });
        b.contacts.push(Vec::new());
    }

    // Meetings, newest first.
    let mut meetings: Vec<(NaiveDate, NoteIdx)> = (0..n)
        .filter_map(|i| {
            let t = b.type_of(i);
            let meeting = is(t, &crm_config.meeting_types) || t.is_none();
            meeting
                .then(|| b.crm.structures[i].date.map(|d| (d, i)))
                .flatten()
        })
        .collect();
    meetings.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    for (m, &(date, i)) in meetings.iter().enumerate() {
        let note = &index.notes[i];
        b.crm.meeting_of.insert(i, m);
        b.crm.meetings.push(Meeting {
            note: i,
            date,
            title: b.crm.structures[i].meeting_title.clone(),
            gist: None,
            via: None,
            accounts: Vec::new(),
            attendees: Vec::new(),
            internal: note.tags.iter().any(|t| t.eq_ignore_ascii_case("internal"))
                || fm(note, "internal").is_some_and(crate::dataview::ops::truthy),
        });
    }

    laps.mark("accounts+meetings");
    // People: person notes first, then everyone named as a contact or attendee.
    for i in 0..n {
        if is(b.type_of(i), &crm_config.person_types) {
            let name = index.notes[i].id.name().to_string();
            b.add_person(name, Some(i));
        }
    }
    read_people_notes(&mut b);
    laps.mark("people notes");
    for a in 0..b.crm.accounts.len() {
        read_contact_sections(&mut b, a);
    }
    laps.mark("contact sections");
    for i in 0..n {
        read_tables(&mut b, i);
    }
    laps.mark("tables");
    read_attendees(&mut b);
    laps.mark("attendees");
    settle_people(&mut b);
    laps.mark("settle");

    connect_meetings(&mut b);
    laps.mark("connect meetings");
    account_tasks(b.index, &mut b.crm);
    laps.mark("tasks");
    account_projects(&mut b);
    laps.mark("projects");
    build_topics(&mut b);
    laps.mark("topics");
    staleness(&mut b);
    laps.mark("staleness");
    task_query_hints(&mut b);
    laps.mark("hints");

    let Builder {
        mut crm, contacts, ..
    } = b;
    for (a, c) in contacts.into_iter().enumerate() {
        crm.accounts[a].contacts = c;
    }
    // People sorted by name; indices remapped everywhere.
    let mut order: Vec<PersonIdx> = (0..crm.people.len()).collect();
    order.sort_by_key(|&p| (crm.people[p].name.to_lowercase(), p));
    let mut new_of = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    let mut people: Vec<Option<Person>> = crm.people.drain(..).map(Some).collect();
    crm.people = order
        .iter()
        .map(|&old| people[old].take().expect("each once"))
        .collect();
    for a in &mut crm.accounts {
        a.contacts
            .iter_mut()
            .for_each(|c| c.person = new_of[c.person]);
    }
    for m in &mut crm.meetings {
        m.attendees.iter_mut().for_each(|p| *p = new_of[*p]);
    }
    crm.person_of.values_mut().for_each(|p| *p = new_of[*p]);
    crm.person_by_key.values_mut().for_each(|p| *p = new_of[*p]);
    crm.diagnostics.sort();
    laps.mark("people order");
    crm
}

/// A note's type: `type:` front matter, else a `type/<value>` tag or a tag `[crm] tag_types` maps, else
/// its folder's (`[crm] folder_types`, the deepest folder that matches).
pub fn note_type(note: &Note, config: &Config) -> Option<String> {
    if let Some(t) = fm(note, "type").and_then(text_of) {
        return Some(t.to_lowercase());
    }
    if let Some(t) = note.tags.iter().find_map(|t| {
        let (head, rest) = t.split_once('/')?;
        head.eq_ignore_ascii_case("type")
            .then(|| rest.to_lowercase())
    }) {
        return Some(t);
    }
    let mapped = note.tags.iter().find_map(|t| {
        config
            .crm
            .tag_types
            .iter()
            .find(|(tag, _)| tag.trim_start_matches('#').eq_ignore_ascii_case(t))
            .map(|(_, ty)| ty.to_lowercase())
    });
    if mapped.is_some() {
        return mapped;
    }
    let folder = note.id.folder().to_lowercase();
    config
        .crm
        .folder_types
        .iter()
        .filter(|(f, _)| {
            let f = f.trim_matches('/').to_lowercase();
            folder == f || folder.starts_with(&format!("{f}/"))
        })
        .max_by_key(|(f, _)| f.len())
        .map(|(_, t)| t.to_lowercase())
}

/// Role and company from each person's own note: front matter first, then inline fields.
fn read_people_notes(b: &mut Builder<'_>) {
    let people: Vec<(PersonIdx, NoteIdx)> = b
        .crm
        .people
        .iter()
        .enumerate()
        .filter_map(|(p, person)| person.note.map(|n| (p, n)))
        .collect();
    for (p, n) in people {
        let note = &b.index.notes[n];
        for field in ["role", "title", "position"] {
            if let Some(v) = fm(note, field)
                .and_then(text_of)
                .filter(|_| field != "title" || fm(note, "role").is_none())
            {
                // `title:` is usually the page title; a person's job title only when it differs.
                if field == "title" && v == note.title {
                    continue;
                }
                let line = b.line(n, note.frontmatter.span.start);
                b.roles[p].push(Sourced {
                    value: v,
                    source: Source {
                        note: n,
                        line,
                        kind: SourceKind::Frontmatter,
                    },
                });
            }
        }
        for f in inline(note, "role").filter(|f| f.item.is_none()) {
            if let Some(v) = text_of(&f.value) {
                b.roles[p].push(Sourced {
                    value: v,
                    source: Source {
                        note: n,
                        line: f.line,
                        kind: SourceKind::Field,
                    },
                });
            }
        }
        let fm_company = fm(note, "company").or_else(|| fm(note, "organization"));
        if let Some(c) = fm_company.and_then(|v| b.company(v)) {
            let line = b.line(n, note.frontmatter.span.start);
            b.companies[p].push(Sourced {
                value: c,
                source: Source {
                    note: n,
                    line,
                    kind: SourceKind::Frontmatter,
                },
            });
        }
        let fields: Vec<(u32, Value)> = inline(note, "company")
            .filter(|f| f.item.is_none())
            .map(|f| (f.line, f.value.clone()))
            .collect();
        for (line, v) in fields {
            if let Some(c) = b.company(&v) {
                b.companies[p].push(Sourced {
                    value: c,
                    source: Source {
                        note: n,
                        line,
                        kind: SourceKind::Field,
                    },
                });
            }
        }
        // A person note linking to an account makes them one of its contacts.
        let accounts: BTreeSet<AccountIdx> = b.index.links[n]
            .iter()
            .filter_map(|l| match l.target {
                Target::Note(t) => b.crm.account_of.get(&t).copied(),
                _ => None,
            })
            .collect();
        for a in accounts {
            b.add_contact(a, p, None);
        }
    }
}

/// The rest of the one-link list line of `note`'s link `l` (`text` is the note's comment-free text):
/// `- [[Elena Voss]] — CTO, executive sponsor` gives "CTO, executive sponsor".
fn contact_line(note: &Note, text: &str, l: usize) -> Option<String> {
    let link = &note.links[l];
    let item = note
        .list_items
        .iter()
        .find(|it| it.span.contains(&link.span.start) && it.links.len() == 1)?;
    let line_end = text[link.span.end..]
        .find('\n')
        .map_or(text.len(), |e| link.span.end + e);
    let rest =
        scan::plain_text(&text[link.span.end..line_end.min(item.span.end.max(link.span.end))]);
    let rest = rest
        .trim_start_matches(['—', '–', '-', ':', ',', ' '])
        .trim();
    (!rest.is_empty() && !structure::is_placeholder_value(rest)).then(|| rest.to_string())
}

/// Links in an account's contact sections: each one a contact, with the rest of its list line as a note.
fn read_contact_sections(b: &mut Builder<'_>, a: AccountIdx) {
    let n = b.crm.accounts[a].note;
    let note = &b.index.notes[n];
    let sections = structure::sections(note, &b.config.crm.contact_headings);
    for range in sections {
        for (i, link) in note.links.iter().enumerate() {
            if link.embed || !range.contains(&link.span.start) {
                continue;
            }
            let Some(who) = who_of_link(b.index, n, i) else {
                continue;
            };
            let Some(p) = b.person(&who) else { continue };
            let rest = contact_line(note, b.text(n), i);
            if let Some(role) = rest.clone() {
                let line = link.line;
                b.roles[p].push(Sourced {
                    value: role,
                    source: Source {
                        note: n,
                        line,
                        kind: SourceKind::ContactList,
                    },
                });
            }
            b.add_contact(a, p, rest);
        }
    }
}

/// Each note's structure, in parallel: taken from `prior` where the note's text is the same.
fn structures(
    index: &Index,
    config: &Config,
    prior: Option<(&Index, &Crm)>,
) -> Vec<std::sync::Arc<NoteStructure>> {
    use rayon::prelude::*;
    index
        .notes
        .par_iter()
        .enumerate()
        .map(|(i, note)| {
            let kept = prior.and_then(|(old, crm)| {
                // Usually the same note at the same place, shared with the last index.
                let j = match old.notes.get(i) {
                    Some(o) if o.id == note.id => i,
                    _ => old.note_by_path(note.id.as_str())?,
                };
                let same =
                    std::sync::Arc::ptr_eq(&old.notes[j], note) || old.notes[j].text == note.text;
                same.then(|| crm.structures.get(j).cloned())?
            });
            kept.unwrap_or_else(|| {
                let text = comment_free(&note.text);
                let phrases = structure::sections(note, &config.crm.topic_headings)
                    .into_iter()
                    .flat_map(|range| structure::phrases(&text[range]))
                    .filter_map(|phrase| {
                        let k = topic_key(&phrase);
                        (!k.is_empty()).then_some((phrase, k))
                    })
                    .collect();
                std::sync::Arc::new(NoteStructure {
                    phrases,
                    title_key: topic_key(&note.title),
                    kind: note_type(note, config),
                    date: note_date(note),
                    meeting_title: meeting_title(note),
                    lead: std::sync::OnceLock::new(),
                })
            })
        })
        .collect()
}

/// How many changed notes [`reads_alike`] compares before giving up: past a handful, building the
/// view again is as quick.
const COMPARED_AT_MOST: usize = 64;

/// How much of a CRM view made of one index holds for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alike {
    /// All of it.
    Yes,
    /// All but the accounts' tasks, which [`account_tasks`] makes again: an edit changed list items
    /// and nothing else the CRM reads (a task typed into a meeting note).
    ButTasks,
    No,
}

/// Whether the CRM view made of `old` holds for `new` too: the same names (an index updated by
/// `Index::update` shares them), and every note either shared with `old` or changed only where the
/// CRM does not read ([`note_reads_alike`]). Typing prose into a meeting note changes nothing the
/// CRM shows, and `serve` then skips this stage.
fn reads_alike(
    old: &Index,
    old_structures: &[std::sync::Arc<NoteStructure>],
    new: &Index,
    new_structures: &[std::sync::Arc<NoteStructure>],
) -> Alike {
    use std::sync::Arc;
    if !old.shares_names(new)
        || old.notes.len() != new.notes.len()
        || old_structures.len() != old.notes.len()
        || new_structures.len() != new.notes.len()
    {
        return Alike::No;
    }
    let mut compared = 0;
    let mut alike = Alike::Yes;
    for i in 0..new.notes.len() {
        let shared = Arc::ptr_eq(&old.notes[i], &new.notes[i]);
        if shared && Arc::ptr_eq(&old.links[i], &new.links[i]) {
            continue;
        }
        compared += 1;
        if compared > COMPARED_AT_MOST || old.links[i] != new.links[i] {
            return Alike::No;
        }
        if shared {
            continue;
        }
        match note_reads_alike(
            (&old.notes[i], &old_structures[i]),
            (&new.notes[i], &new_structures[i]),
        ) {
            Alike::No => return Alike::No,
            Alike::ButTasks => alike = Alike::ButTasks,
            Alike::Yes => {}
        }
    }
    alike
}

/// Whether the CRM reads the same of two versions of a note: front matter, title, aliases, tags,
/// links, headings, inline fields, list items and queries (with their places), what `structures`
/// found (tables, topic phrases, type, date, title, first sentence), the whole line of every link
/// (contact and context lines read the text after a link), and the text up to the last table (the
/// line numbers of its cells). List items that differ leave all but the tasks alike when every
/// contact line reads the same ([`contact_line`]).
fn note_reads_alike(a: (&Note, &NoteStructure), b: (&Note, &NoteStructure)) -> Alike {
    let ((na, sa), (nb, sb)) = (a, b);
    let same_note = na.id == nb.id
        && na.title == nb.title
        && na.body_start == nb.body_start
        && na.frontmatter == nb.frontmatter
        && na.aliases == nb.aliases
        && na.tags == nb.tags
        && na.links == nb.links
        && na.headings == nb.headings
        && na.fields == nb.fields
        && na.queries == nb.queries;
    let same_structure = same_note
        && na.tables == nb.tables
        && sa.phrases == sb.phrases
        && sa.title_key == sb.title_key
        && sa.kind == sb.kind
        && sa.date == sb.date
        && sa.meeting_title == sb.meeting_title;
    if !same_structure {
        return Alike::No;
    }
    let (ta, tb) = (comment_free(&na.text), comment_free(&nb.text));
    let line_of = |text: &str, at: usize| -> (usize, usize) {
        let at = at.min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        (start, end)
    };
    let same_lines = na.links.iter().all(|l| {
        let (a, b) = (line_of(&ta, l.span.start), line_of(&tb, l.span.start));
        ta.get(a.0..a.1) == tb.get(b.0..b.1)
    });
    let tables_end = na
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().flatten())
        .map(|c| c.span.end)
        .max();
    let same_top = tables_end.is_none_or(|end| ta.get(..end) == tb.get(..end));
    if !(same_lines && same_top && lead(sa, na, &ta) == lead(sb, nb, &tb)) {
        return Alike::No;
    }
    if items_alike(na, nb) {
        Alike::Yes
    } else if (0..na.links.len()).all(|l| contact_line(na, &ta, l) == contact_line(nb, &tb, l)) {
        Alike::ButTasks
    } else {
        Alike::No
    }
}

/// List items alike but for where they end: the last item of a list runs on over the blank lines
/// after it, so typing a paragraph below a task list moves its end, and nothing the CRM reads (a
/// contact line is cut at the end of its own line first).
fn items_alike(na: &Note, nb: &Note) -> bool {
    let (a, b) = (&na.list_items, &nb.list_items);
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            // Named field by field, so that a new one is compared or left out on purpose.
            let crate::vault::ListItem {
                line,
                line_count: _,
                parent,
                children,
                status,
                text: _,
                block_id,
                section,
                tags,
                links,
                fields,
                span,
            } = x;
            span.start == y.span.start
                && *line == y.line
                && *parent == y.parent
                && *children == y.children
                && *status == y.status
                && x.text(&na.text) == y.text(&nb.text)
                && *block_id == y.block_id
                && *section == y.section
                && *tags == y.tags
                && *links == y.links
                && *fields == y.fields
        })
}

/// A note's text without `%%comments%%`, as the CRM reads it.
fn comment_free(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("%%") {
        std::borrow::Cow::Owned(scan::strip_comments(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A note's first sentence (the gist of a meeting without a context line), made once per text.
fn lead<'s>(s: &'s NoteStructure, note: &Note, text: &str) -> &'s Option<String> {
    s.lead
        .get_or_init(|| structure::first_sentence(note, text, 160))
}

/// `Person | Role | Company` tables anywhere: each row a source of role and company; in an account
/// note, each person a contact.
fn read_tables(b: &mut Builder<'_>, n: NoteIdx) {
    let note = &b.index.notes[n];
    let account = b.crm.account_of.get(&n).copied();
    for table in &note.tables {
        let Some(who_col) = table.column(&["person", "name", "contact", "who", "people"]) else {
            continue;
        };
        let role_col = table.column(&["role", "title", "position"]);
        let company_col =
            table.column(&["company", "organisation", "organization", "org", "employer"]);
        if role_col.is_none() && company_col.is_none() {
            continue;
        }
        for row in &table.rows {
            let Some(cell) = row.get(who_col) else {
                continue;
            };
            let link = note
                .links
                .iter()
                .position(|l| !l.embed && cell.span.contains(&l.span.start));
            let who = match link {
                Some(i) => who_of_link(b.index, n, i),
                None if !cell.text.trim().is_empty() => {
                    Some(Who::Name(cell.text.trim().to_string()))
                }
                None => None,
            };
            let Some(p) = who.and_then(|w| b.person(&w)) else {
                continue;
            };
            let line = b.line(n, cell.span.start);
            let source = Source {
                note: n,
                line,
                kind: SourceKind::Table,
            };
            if let Some(role) = role_col
                .and_then(|c| row.get(c))
                .map(|c| c.text.trim().to_string())
                .filter(|t| !t.is_empty() && !structure::is_placeholder_value(t))
            {
                b.roles[p].push(Sourced {
                    value: role,
                    source: source.clone(),
                });
            }
            if let Some(c) = company_col.and_then(|c| row.get(c)) {
                let linked = note
                    .links
                    .iter()
                    .enumerate()
                    .find(|(_, l)| c.span.contains(&l.span.start))
                    .and_then(|(i, _)| match &b.index.links[n][i].target {
                        Target::Note(t) => Some(match b.crm.account_of.get(t) {
                            Some(&a) => Company::Account(a),
                            None => Company::Note(*t),
                        }),
                        _ => None,
                    });
                let company = linked.or_else(|| b.company(&Value::String(c.text.clone())));
                if let Some(company) = company {
                    b.companies[p].push(Sourced {
                        value: company,
                        source: source.clone(),
                    });
                }
            }
            if let Some(a) = account {
                b.add_contact(a, p, None);
            }
        }
    }
}

/// `Attendees::` (inline or front matter) of a meeting.
fn read_attendees(b: &mut Builder<'_>) {
    use rayon::prelude::*;
    // Who each meeting names, in parallel; then the people registered in meeting order.
    let named: Vec<Vec<Who>> = {
        let b = &*b;
        b.crm
            .meetings
            .par_iter()
            .map(|meeting| {
                let note = &b.index.notes[meeting.note];
                inline(note, "attendees")
                    .map(|f| &f.value)
                    .chain(fm(note, "attendees"))
                    .flat_map(|v| who_of(&b.paths, v))
                    .collect()
            })
            .collect()
    };
    for (m, named) in named.into_iter().enumerate() {
        let mut attendees = Vec::new();
        for who in named {
            if let Some(p) = b.person(&who) {
                if !attendees.contains(&p) {
                    attendees.push(p);
                }
            }
        }
        b.crm.meetings[m].attendees = attendees;
    }
}

/// Picks each person's role and company (their own note wins, then the first table row, then contact
/// lists) and links people to the notes that mention them.
fn settle_people(b: &mut Builder<'_>) {
    let rank = |k: SourceKind| match k {
        SourceKind::Frontmatter => 0,
        SourceKind::Field => 1,
        SourceKind::Table => 2,
        SourceKind::ContactList => 3,
    };
    // Unresolved names by key, for the people without a note.
    let mut unresolved: HashMap<String, Vec<NoteIdx>> = HashMap::default();
    for (name, places) in &b.index.unresolved {
        unresolved
            .entry(key(name))
            .or_default()
            .extend(places.iter().map(|bl| bl.from));
    }
    for p in 0..b.crm.people.len() {
        let mut roles = std::mem::take(&mut b.roles[p]);
        roles.sort_by_key(|s| (rank(s.source.kind), s.source.note, s.source.line));
        b.crm.people[p].role = roles.into_iter().next();
        let mut companies = std::mem::take(&mut b.companies[p]);
        companies.sort_by_key(|s| (rank(s.source.kind), s.source.note, s.source.line));
        b.crm.people[p].company = companies.into_iter().next();
        // Mentions: notes linking to their note, or naming them in an unresolved link.
        let person = &b.crm.people[p];
        let mut mentions: Vec<NoteIdx> = match person.note {
            Some(note) => b.index.inlinks(note),
            None => unresolved
                .get(&key(&person.name))
                .cloned()
                .unwrap_or_default(),
        };
        mentions.sort_unstable();
        mentions.dedup();
        b.crm.people[p].mentions = mentions;
    }
    // Someone whose company is an account is one of its contacts.
    for p in 0..b.crm.people.len() {
        if let Some(Sourced {
            value: Company::Account(a),
            ..
        }) = b.crm.people[p].company
        {
            b.add_contact(a, p, None);
        }
    }
}

/// Which accounts each meeting is about, the account's own line on it, and each account's meetings.
fn connect_meetings(b: &mut Builder<'_>) {
    use rayon::prelude::*;
    let index = b.index;
    let accounts_of: Vec<Vec<AccountIdx>> = {
        let b = &*b;
        b.crm
            .meetings
            .par_iter()
            .map(|meeting| {
                let n = meeting.note;
                let mut accounts: BTreeSet<AccountIdx> = index.links[n]
                    .iter()
                    .filter_map(|l| match l.target {
                        Target::Note(t) => b.crm.account_of.get(&t).copied(),
                        _ => None,
                    })
                    .collect();
                for from in index.inlinks(n) {
                    if let Some(&a) = b.crm.account_of.get(&from) {
                        accounts.insert(a);
                    }
                }
                let note = &index.notes[n];
                for field in ["customer", "account", "company"] {
                    let values = fm(note, field)
                        .into_iter()
                        .chain(inline(note, field).map(|f| &f.value));
                    for v in values {
                        if let Some(Company::Account(a)) = b.company(v) {
                            accounts.insert(a);
                        }
                    }
                }
                accounts.into_iter().collect()
            })
            .collect()
    };
    for (meeting, accounts) in b.crm.meetings.iter_mut().zip(accounts_of) {
        meeting.accounts = accounts;
    }
    // Context lines: `- 2026-11-12: [[Meeting]] - gist (via Name)` in the account's context sections.
    for a in 0..b.crm.accounts.len() {
        let n = b.crm.accounts[a].note;
        let note = &index.notes[n];
        for range in structure::sections(note, &b.config.crm.context_headings) {
            for (i, link) in note.links.iter().enumerate() {
                if !range.contains(&link.span.start) {
                    continue;
                }
                let Target::Note(t) = index.links[n][i].target else {
                    continue;
                };
                let Some(&m) = b.crm.meeting_of.get(&t) else {
                    continue;
                };
                if b.crm.meetings[m].gist.is_some() {
                    continue;
                }
                let text = b.text(n);
                let end = text[link.span.end..]
                    .find('\n')
                    .map_or(text.len(), |e| link.span.end + e);
                let rest = scan::plain_text(&text[link.span.end..end]);
                let rest = rest.trim_start_matches(['—', '–', '-', ':', ' ']).trim();
                let (gist, via) = match rest.rfind("(via ") {
                    Some(at) if rest.ends_with(')') => (
                        rest[..at].trim().to_string(),
                        Some(rest[at + 5..rest.len() - 1].trim().to_string()),
                    ),
                    _ => (rest.to_string(), None),
                };
                if !gist.is_empty() {
                    b.crm.meetings[m].gist = Some(gist);
                }
                b.crm.meetings[m].via = via;
            }
        }
    }
    // The first sentences of the meetings without a gist, made in parallel (each note's is made once,
    // on first use): on the 10,000-note vault, 6,000 of them were a third of this step on one thread.
    {
        let b = &*b;
        b.crm
            .meetings
            .par_iter()
            .filter(|meeting| meeting.gist.is_none())
            .for_each(|meeting| {
                let n = meeting.note;
                lead(&b.crm.structures[n], &index.notes[n], b.text(n));
            });
    }
    for m in 0..b.crm.meetings.len() {
        if b.crm.meetings[m].gist.is_none() {
            let n = b.crm.meetings[m].note;
            b.crm.meetings[m].gist = lead(&b.crm.structures[n], &index.notes[n], b.text(n)).clone();
        }
        for &a in &b.crm.meetings[m].accounts.clone() {
            b.crm.accounts[a].meetings.push(m);
        }
        for &p in &b.crm.meetings[m].attendees.clone() {
            b.crm.people[p].meetings.push(m);
            let date = b.crm.meetings[m].date;
            let person = &mut b.crm.people[p];
            person.last_meeting = person.last_meeting.max(Some(date));
            for &a in &b.crm.meetings[m].accounts {
                if !person.accounts.contains(&a) {
                    person.accounts.push(a);
                }
            }
        }
    }
    for a in 0..b.crm.accounts.len() {
        for c in b.contacts[a].clone() {
            let person = &mut b.crm.people[c.person];
            if !person.accounts.contains(&a) {
                person.accounts.push(a);
            }
        }
    }
    for person in &mut b.crm.people {
        person.accounts.sort_unstable();
    }
}

/// An open task: not done (`x`) and not cancelled (`-`).
fn is_open(status: char) -> bool {
    !matches!(status, 'x' | 'X' | '-')
}

/// A task's due date: `[due:: …]` or 📅.
fn due_of(item: &crate::vault::ListItem) -> Option<NaiveDate> {
    item.fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("due"))
        .and_then(|(_, v)| match v {
            Value::Date(d) => Some(d.local.date()),
            _ => None,
        })
}

/// Tasks tied to each account: in its note; in a note that is about it alone (links to it and to no
/// other account, or names it in `customer::`); or linking to it on the task's own line (or a parent
/// item's).
fn account_tasks(index: &Index, crm: &mut Crm) {
    let mut per_account: Vec<BTreeSet<(NoteIdx, usize)>> =
        vec![BTreeSet::new(); crm.accounts.len()];
    for (n, note) in index.notes.iter().enumerate() {
        if !note
            .list_items
            .iter()
            .any(|it| it.status.is_some_and(is_open))
        {
            continue;
        }
        let own = crm.account_of.get(&n).copied();
        let mut about: BTreeSet<AccountIdx> = index.links[n]
            .iter()
            .filter_map(|l| match l.target {
                Target::Note(t) => crm.account_of.get(&t).copied(),
                _ => None,
            })
            .collect();
        if let Some(&m) = crm.meeting_of.get(&n) {
            about.extend(crm.meetings[m].accounts.iter().copied());
        }
        let whole_note = match own {
            Some(a) => Some(a),
            None if about.len() == 1 => about.first().copied(),
            None => None,
        };
        for (i, item) in note.list_items.iter().enumerate() {
            let Some(status) = item.status.filter(|&s| is_open(s)) else {
                continue;
            };
            let _ = status;
            if let Some(a) = whole_note {
                per_account[a].insert((n, i));
            }
            // Links on the task's own lines or its parents'.
            let mut at = Some(i);
            while let Some(j) = at {
                for &l in &note.list_items[j].links {
                    if let Target::Note(t) = index.links[n][l].target {
                        if let Some(&a) = crm.account_of.get(&t) {
                            if own.is_none() || own == Some(a) {
                                per_account[a].insert((n, i));
                            }
                        }
                    }
                }
                at = note.list_items[j].parent;
            }
        }
    }
    for (a, tasks) in per_account.into_iter().enumerate() {
        let mut refs: Vec<TaskRef> = tasks
            .into_iter()
            .map(|(n, i)| {
                let item = &index.notes[n].list_items[i];
                let due = due_of(item);
                TaskRef {
                    note: n,
                    item: i,
                    status: item.status.unwrap_or(' '),
                    due,
                    overdue: due.is_some_and(|d| d < crm.today),
                }
            })
            .collect();
        refs.sort_by(|x, y| {
            (x.due.is_none(), x.due, &index.notes[x.note].id, x.item).cmp(&(
                y.due.is_none(),
                y.due,
                &index.notes[y.note].id,
                y.item,
            ))
        });
        let account = &mut crm.accounts[a];
        account.overdue = refs.iter().filter(|t| t.overdue).count();
        account.tasks = refs;
    }
}

/// Project notes linked with each account in either direction.
fn account_projects(b: &mut Builder<'_>) {
    let index = b.index;
    for a in 0..b.crm.accounts.len() {
        let n = b.crm.accounts[a].note;
        let mut projects: BTreeSet<NoteIdx> = BTreeSet::new();
        let linked = index.links[n]
            .iter()
            .filter_map(|l| match l.target {
                Target::Note(t) => Some(t),
                _ => None,
            })
            .chain(index.inlinks(n));
        for t in linked {
            if b.crm.types[t].as_deref() == Some("project") {
                projects.insert(t);
            }
        }
        b.crm.accounts[a].projects = projects.into_iter().collect();
    }
}

/// Topics: tags (nested ones with their parents) outside the ignored prefixes, and the phrases of
/// topics sections; one topic per normalised key. A tag naming a note's own type is not a topic of it.
fn build_topics(b: &mut Builder<'_>) {
    let index = b.index;
    let ignored: Vec<String> = b
        .config
        .crm
        .topic_ignore_tags
        .iter()
        .map(|t| t.to_lowercase())
        .collect();
    let type_keys: Vec<Option<String>> = b
        .crm
        .types
        .iter()
        .map(|t| t.as_deref().map(topic_key))
        .collect();
    // key → (spellings with counts, notes)
    let mut found: BTreeMap<String, (BTreeMap<String, usize>, BTreeSet<NoteIdx>)> = BTreeMap::new();
    for (tag, notes) in &index.tags {
        let head = tag.split('/').next().unwrap_or(tag);
        if ignored.iter().any(|i| i == head) {
            continue;
        }
        let k = topic_key(tag);
        if k.is_empty() {
            continue;
        }
        // A tag that names the note's type (`#meeting` on a meeting) says what the note is, not what it
        // is about: every meeting would otherwise share one topic.
        let about: Vec<NoteIdx> = notes
            .iter()
            .copied()
            .filter(|&n| type_keys[n].as_deref() != Some(k.as_str()))
            .collect();
        if about.is_empty() {
            continue;
        }
        let entry = found.entry(k).or_default();
        entry.1.extend(about);
        // A tag's spelling counts once, below any phrase: phrases read better.
        entry.0.entry(format!("#{tag}")).or_insert(0);
    }
    for n in 0..index.notes.len() {
        for (phrase, k) in &b.crm.structures[n].phrases {
            let entry = found.entry(k.clone()).or_default();
            *entry.0.entry(phrase.clone()).or_insert(0) += 1;
            entry.1.insert(n);
        }
    }
    // A note named like a topic is its note.
    let mut topic_notes: HashMap<String, NoteIdx> = HashMap::default();
    for n in 0..index.notes.len() {
        let k = &b.crm.structures[n].title_key;
        if found.contains_key(k)
            && (b.crm.types[n].as_deref() == Some("topic") || !topic_notes.contains_key(k))
        {
            topic_notes.insert(k.clone(), n);
        }
    }
    for (k, (spellings, notes)) in found {
        let note = topic_notes.get(&k).copied();
        let name = match note {
            Some(n) => index.notes[n].title.clone(),
            None => spellings
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(s, _)| s.trim_start_matches('#').to_string())
                .unwrap_or_else(|| k.clone()),
        };
        let t = b.crm.topics.len();
        let mut topic = Topic {
            key: k,
            name,
            note,
            accounts: Vec::new(),
            meetings: Vec::new(),
            notes: Vec::new(),
        };
        for n in notes {
            if Some(n) == note {
                continue;
            }
            if let Some(&a) = b.crm.account_of.get(&n) {
                topic.accounts.push(a);
                b.crm.accounts[a].topics.push(t);
            } else if let Some(&m) = b.crm.meeting_of.get(&n) {
                topic.meetings.push(m);
            } else {
                topic.notes.push(n);
            }
        }
        topic.accounts.sort_unstable();
        topic.meetings.sort_unstable();
        b.crm.topics.push(topic);
    }
}

/// Last contact, staleness and what changed since the last meeting, against the build date.
fn staleness(b: &mut Builder<'_>) {
    let index = b.index;
    let span = chrono::Duration::days(i64::from(b.config.crm.stale_days));
    for a in 0..b.crm.accounts.len() {
        let n = b.crm.accounts[a].note;
        let note = &index.notes[n];
        let last_meeting = b.crm.accounts[a]
            .meetings
            .iter()
            .copied()
            .find(|&m| !b.crm.meetings[m].internal);
        let declared = fm(note, "last_contact").and_then(|v| match v {
            Value::Date(d) => Some(d.local.date()),
            _ => None,
        });
        let met = last_meeting.map(|m| b.crm.meetings[m].date);
        let last = declared.max(met);
        let account = &mut b.crm.accounts[a];
        account.last_meeting = last_meeting;
        account.last_contact = last;
        account.days_since_contact = last.map(|d| (b.today - d).num_days());
        account.stale = last.is_none_or(|d| b.today - d > span);
        // Changed since the last meeting: notes linked with the account and dated after it.
        if let Some(since) = met {
            let mut changed: Vec<(NaiveDate, NoteIdx)> = index.links[n]
                .iter()
                .filter_map(|l| match l.target {
                    Target::Note(t) => Some(t),
                    _ => None,
                })
                .chain(index.inlinks(n))
                .filter(|&t| t != n)
                .filter_map(|t| {
                    let d = b.crm.structures[t].date.or_else(|| {
                        ["updated", "modified", "created"].iter().find_map(|f| {
                            match fm(&index.notes[t], f) {
                                Some(Value::Date(d)) => Some(d.local.date()),
                                _ => None,
                            }
                        })
                    })?;
                    (d > since).then_some((d, t))
                })
                .collect();
            changed.sort_by(|x, y| y.cmp(x));
            changed.dedup();
            b.crm.accounts[a].changed_since = changed.into_iter().map(|(_, t)| t).collect();
        }
        // Front matter against the note's own status table.
        for table in &index.notes[n].tables {
            for row in &table.rows {
                let [field, value, ..] = row.as_slice() else {
                    continue;
                };
                let field_name = field
                    .text
                    .trim()
                    .trim_end_matches(':')
                    .trim()
                    .to_lowercase();
                let value_text = value.text.trim().to_string();
                if structure::is_placeholder_value(&value_text) {
                    continue;
                }
                let line = b.line(n, field.span.start);
                let source = Source {
                    note: n,
                    line,
                    kind: SourceKind::Table,
                };
                match field_name.as_str() {
                    "status" => {
                        let shown = b.crm.accounts[a].status.clone();
                        match shown {
                            Some(s) if !s.eq_ignore_ascii_case(&value_text) => {
                                b.crm.diagnostics.push(Diagnostic::hint(
                                    note.id.as_str(),
                                    line + 1,
                                    1,
                                    format!("status is {s:?} in front matter but {value_text:?} in the table; the brief shows {s:?}"),
                                ));
                                b.crm.accounts[a].conflicts.push(Conflict {
                                    field: "status".into(),
                                    shown: s,
                                    other: value_text,
                                    source,
                                });
                            }
                            Some(_) => {}
                            None => b.crm.accounts[a].status = Some(value_text),
                        }
                    }
                    "industry" => {
                        let fm_industry = fm(note, "industry").and_then(text_of);
                        match &fm_industry {
                            Some(s) if !s.eq_ignore_ascii_case(&value_text) => {
                                b.crm.accounts[a].conflicts.push(Conflict {
                                    field: "industry".into(),
                                    shown: s.clone(),
                                    other: value_text.clone(),
                                    source: source.clone(),
                                })
                            }
                            _ => {}
                        }
                        if b.crm.accounts[a].industry.is_none() && fm_industry.is_none() {
                            b.crm.accounts[a].industry = Some(Sourced {
                                value: value_text,
                                source: source.clone(),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(v) = fm(note, "industry").and_then(text_of) {
            let line = b.line(n, note.frontmatter.span.start);
            b.crm.accounts[a].industry = Some(Sourced {
                value: v,
                source: Source {
                    note: n,
                    line,
                    kind: SourceKind::Frontmatter,
                },
            });
        }
    }
    for person in &mut b.crm.people {
        person.stale = person.last_meeting.is_some_and(|d| b.today - d > span);
    }
}

/// `TASK FROM ""` (or without FROM) on an account note lists every open task in the vault there.
fn task_query_hints(b: &mut Builder<'_>) {
    use crate::dataview::ast::{Header, Source as From};
    for account in &b.crm.accounts {
        let note = &b.index.notes[account.note];
        for q in &note.queries {
            if q.kind != crate::vault::QueryKind::Dataview {
                continue;
            }
            let Ok(query) = crate::dataview::parse(&q.source) else {
                continue;
            };
            let vault_wide = match &query.source {
                None => true,
                Some(From::Path(p)) => p.trim_matches('/').is_empty(),
                Some(_) => false,
            };
            if query.header == Header::Task && vault_wide {
                b.crm.diagnostics.push(Diagnostic::hint(
                    note.id.as_str(),
                    q.line + 1,
                    1,
                    "TASK FROM \"\" on an account note lists every open task in the vault; `FROM [[]]` lists the tasks of notes linking here (the brief shows the account's own tasks either way)",
                ));
            }
        }
    }
}
