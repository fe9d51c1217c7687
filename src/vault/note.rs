//! The plain data `vault/` hands to `index/`: one [`Note`] per published markdown file, built by hand
//! in tests. Every position is a byte offset into [`Note::text`]; `line`s are 0-based as Dataview
//! counts them (front matter lines included).

use crate::diagnostics::Diagnostic;
use crate::value::Value;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// A note's identity: its vault-relative path with forward slashes and extension
/// (`Customers/Acme Corp.md`). Names, aliases and slugs are lookups onto it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct NoteId(pub String);

impl NoteId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// File name without extension (`Acme Corp`).
    pub fn name(&self) -> &str {
        let file = self.0.rsplit('/').next().unwrap_or(&self.0);
        file.strip_suffix(".md").unwrap_or(file)
    }
    /// Parent folder (`Customers`), `""` at the vault root.
    pub fn folder(&self) -> &str {
        self.0.rsplit_once('/').map(|(f, _)| f).unwrap_or("")
    }
    /// The path without `.md` (`Customers/Acme Corp`), as Obsidian writes qualified links.
    pub fn stem_path(&self) -> &str {
        self.0.strip_suffix(".md").unwrap_or(&self.0)
    }
}

/// Filesystem facts about a file (`file.size`, `file.ctime`, `file.mtime`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileMeta {
    pub size: u64,
    /// Seconds since the epoch; `None` where the filesystem does not say.
    pub ctime: Option<i64>,
    pub mtime: Option<i64>,
}

/// A note's or list item's fields by key: a sorted vector, not a B-tree (whose smallest node is about
/// 600 bytes with these keys and values; most of these maps hold one to five entries).
pub type Fields = litemap::LiteMap<String, Value>;

/// Front matter, read with serde_yaml.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Frontmatter {
    /// Typed fields (§9.2: dates, durations and `"[[links]]"` converted; links unresolved).
    pub fields: Fields,
    /// The raw YAML value (strings unconverted) of each key whose typed value in `fields` differs from
    /// it, in key order: `file.frontmatter` is [`Frontmatter::raw`], `fields` with these put back. Most
    /// values come out of the YAML the same either way, and keeping all of them twice was a tenth of a
    /// parsed vault's memory.
    pub raw_changed: Vec<(String, Value)>,
    /// The YAML text between the fences, kept (after parsing) only when the block is malformed, to be
    /// shown as text.
    pub source: String,
    /// The block did not parse: the note is still published (unless a line of it says `publish: false`),
    /// its front matter shown as text.
    pub malformed: bool,
    /// Byte range of the whole block including both `---` fences (empty when there is none).
    pub span: Range<usize>,
}

impl Frontmatter {
    /// The front matter as written (`file.frontmatter`, §9.1): every value with its strings unconverted.
    pub fn raw(&self) -> BTreeMap<String, Value> {
        let mut raw: BTreeMap<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, value) in &self.raw_changed {
            raw.insert(key.clone(), value.clone());
        }
        raw
    }
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkSyntax {
    /// `[[Target#sub|display]]` or `![[…]]`.
    Wiki,
    /// `[text](Target%20Name.md#sub)`.
    Markdown,
    /// A `"[[Target]]"` string in front matter.
    Frontmatter,
    /// A link inside an inline field value.
    Field,
}

/// One link or embed as written in the note, unresolved. Its three strings (target, subpath, display)
/// are kept in one boxed string, one after the other: a vault has ten to twenty links per note, and
/// three fields of their own (a box each, two of them optional) took 72 bytes and up to three
/// allocations per link where this takes 48 and one.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Target, then subpath, then display.
    parts: Box<str>,
    /// Where the target ends in `parts`, and where the subpath does.
    target_end: u32,
    subpath_end: u32,
    /// Whether there is a subpath (bit 0) and a display text (bit 1): an empty one is still one.
    present: u8,
    pub embed: bool,
    pub syntax: LinkSyntax,
    /// 0-based line.
    pub line: u32,
    /// Byte range of the whole link in `Note::text`.
    pub span: Range<usize>,
}

const HAS_SUBPATH: u8 = 1;
const HAS_DISPLAY: u8 = 2;

impl LinkRef {
    pub fn new(
        target: &str,
        subpath: Option<&str>,
        display: Option<&str>,
        embed: bool,
        syntax: LinkSyntax,
        span: Range<usize>,
        line: u32,
    ) -> Self {
        let sub = subpath.unwrap_or("");
        let shown = display.unwrap_or("");
        let mut parts = String::with_capacity(target.len() + sub.len() + shown.len());
        parts.push_str(target);
        parts.push_str(sub);
        parts.push_str(shown);
        // Parts beyond 4 GiB would read cut short or empty, never panic.
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        LinkRef {
            parts: parts.into_boxed_str(),
            target_end: offset(target.len()),
            subpath_end: offset(target.len() + sub.len()),
            present: (u8::from(subpath.is_some()) * HAS_SUBPATH)
                | (u8::from(display.is_some()) * HAS_DISPLAY),
            embed,
            syntax,
            line,
            span,
        }
    }

    /// The path part, percent-decoded for markdown links, without subpath (`Acme Corp`,
    /// `Folder/Note.md`, `image.png`); empty for same-note links (`[[#Heading]]`).
    pub fn target(&self) -> &str {
        self.parts.get(..self.target_end as usize).unwrap_or("")
    }

    /// `Heading` or `^blockid` after `#`, when present (a `^` is kept to tell block links apart).
    pub fn subpath(&self) -> Option<&str> {
        (self.present & HAS_SUBPATH != 0).then(|| {
            self.parts
                .get(self.target_end as usize..self.subpath_end as usize)
                .unwrap_or("")
        })
    }

    /// Text after `|` (or the markdown link text).
    pub fn display(&self) -> Option<&str> {
        (self.present & HAS_DISPLAY != 0)
            .then(|| self.parts.get(self.subpath_end as usize..).unwrap_or(""))
    }
}

impl std::fmt::Debug for LinkRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRef")
            .field("target", &self.target())
            .field("subpath", &self.subpath())
            .field("display", &self.display())
            .field("embed", &self.embed)
            .field("syntax", &self.syntax)
            .field("span", &self.span)
            .field("line", &self.line)
            .finish()
    }
}

impl Serialize for LinkRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LinkRef", 7)?;
        st.serialize_field("target", self.target())?;
        st.serialize_field("subpath", &self.subpath())?;
        st.serialize_field("display", &self.display())?;
        st.serialize_field("embed", &self.embed)?;
        st.serialize_field("syntax", &self.syntax)?;
        st.serialize_field("span", &self.span)?;
        st.serialize_field("line", &self.line)?;
        st.end()
    }
}

/// A heading with its stable anchor id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    /// Plain text of the heading (markup stripped).
    pub text: String,
    /// Unique within the note; what `[[Note#Heading]]` lands on.
    pub anchor: String,
    pub line: u32,
    /// Byte range of the heading line(s).
    pub span: Range<usize>,
}

/// A `^block-id` marking the paragraph or list item it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockId {
    pub id: String,
    pub line: u32,
    /// Byte range of the block the id names (the paragraph or list item, id included).
    pub block: Range<usize>,
}

/// Which of the three inline field forms was used (§9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldForm {
    /// `Key:: value` as a whole line.
    Line,
    /// `[key:: value]`.
    Bracket,
    /// `(key:: value)`: the key is hidden when rendered.
    Paren,
}

/// An inline field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InlineField {
    /// The key as written (markup such as `**` stripped).
    pub key: String,
    pub raw: String,
    /// Typed by §9.5 (links unresolved).
    pub value: Value,
    pub form: FieldForm,
    /// Index into `Note::list_items` when the field sits on a list item or task (§9.7), else `None`.
    pub item: Option<usize>,
    pub line: u32,
    pub span: Range<usize>,
}

/// A list item; a task when `status` is set (§10.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListItem {
    /// 0-based line of the item's first line.
    pub line: u32,
    pub line_count: u32,
    /// Index of the parent item in `Note::list_items`.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The checkbox character (`' '`, `'x'`, `'/'`, …) for tasks.
    pub status: Option<char>,
    /// Text after the bullet and checkbox, continuation lines joined with `\n`, fields and emoji kept:
    /// read it with [`ListItem::text`].
    pub text: ItemText,
    /// `^id` at its end, when present.
    pub block_id: Option<String>,
    /// Index into `Note::headings` of the nearest heading above.
    pub section: Option<usize>,
    /// Tags in the item's text, with `#`.
    pub tags: Vec<String>,
    /// Indices into `Note::links` of the links on the item's own lines.
    pub links: Vec<usize>,
    /// The item's own fields: bracketed/paren fields, emoji shorthands (📅 → `due`, …) and for plain
    /// items full-line fields; keys as written.
    pub fields: Fields,
    pub span: Range<usize>,
}

/// Where a list item's text is. Most items are one line whose text is a part of the note's text as it
/// stands, kept as that part's range: a vault has about three items per note, and their text as owned
/// strings was 4 MB of a 10,000-note vault. `==` compares where, not what: two notes' items are compared
/// with [`Note::same_list_items`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ItemText {
    /// `Note::text[range]`.
    Span(Range<usize>),
    /// Text that is not one part of the note's: continuation lines joined, or a comment inside.
    Own(Box<str>),
}

impl Default for ItemText {
    fn default() -> Self {
        ItemText::Own("".into())
    }
}

impl ListItem {
    /// The item's text; `note_text` is its note's [`Note::text`].
    pub fn text<'a>(&'a self, note_text: &'a str) -> &'a str {
        match &self.text {
            ItemText::Span(range) => note_text.get(range.clone()).unwrap_or(""),
            ItemText::Own(text) => text,
        }
    }
}

/// A fenced `dataview` (or `dataviewjs`) block, or an inline `` `= expr` `` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryBlock {
    /// The query text (block contents, or the expression after `= `).
    pub source: String,
    pub kind: QueryKind,
    /// Byte range of the whole fenced block or inline code span in `Note::text`.
    pub span: Range<usize>,
    /// Byte offset of `source` in `Note::text` (for error positions).
    pub source_offset: usize,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryKind {
    Dataview,
    DataviewJs,
    Inline,
}

/// One published markdown note, parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub id: NoteId,
    /// The file's text: BOM removed, CRLF turned into LF, invalid UTF-8 replaced (with a warning).
    pub text: String,
    /// Byte offset where the body starts (after front matter).
    pub body_start: usize,
    pub frontmatter: Frontmatter,
    /// `title:` from front matter, else the file name (as Obsidian shows it).
    pub title: String,
    /// From `alias`/`aliases` (list or comma-separated string).
    pub aliases: Vec<String>,
    /// Explicit tags without `#`, front matter first then body order, unique, case as first written.
    pub tags: Vec<String>,
    /// Every link and embed: front matter links first, then body links in order of appearance.
    pub links: Vec<LinkRef>,
    pub headings: Vec<Heading>,
    pub block_ids: Vec<BlockId>,
    /// Inline fields, in the order they start in the text (backlink snippets find a line's by halving).
    pub fields: Vec<InlineField>,
    pub list_items: Vec<ListItem>,
    pub queries: Vec<QueryBlock>,
    /// Where the body's first paragraphs are: what a meeting's gist is looked for in (`crm`), found
    /// without parsing the note again.
    #[serde(skip)]
    pub lead: Lead,
    /// The body's tables, in order: where the CRM reads contacts, roles and a status table.
    #[serde(skip)]
    pub tables: Vec<Table>,
    pub meta: FileMeta,
    pub diagnostics: Vec<Diagnostic>,
}

/// One cell of a markdown table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell as plain text (emphasis and link brackets dropped).
    pub text: String,
    /// The cell's bytes in the text without `%%comments%%`.
    pub span: Range<usize>,
}

/// A markdown table, wherever pulldown-cmark finds one (in a quote or a list item too): header cells
/// and body rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The column whose header is one of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|c| {
            let h = c.text.trim().trim_matches(':').trim();
            names.iter().any(|n| n.eq_ignore_ascii_case(h))
        })
    }
}

/// The body's first paragraphs, at any depth (in a quote, in a loose list's item), in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lead {
    /// The first [`Lead::MAX`] paragraphs, as byte ranges of the text without `%%comments%%`.
    pub paragraphs: Vec<Range<usize>>,
    /// Whether more paragraphs follow them.
    pub more: bool,
}

impl Lead {
    /// How many paragraphs a note keeps: a meeting's gist is in its first or second.
    pub const MAX: usize = 4;

    /// Notes a paragraph of the body, in the order they end.
    pub fn push(&mut self, span: Range<usize>) {
        match self.paragraphs.len() < Self::MAX {
            true => self.paragraphs.push(span),
            false => self.more = true,
        }
    }
}

impl Note {
    /// Whether the two notes' list items are the same, texts included (a range of each note's text is
    /// compared by what it holds).
    pub fn same_list_items(&self, other: &Note) -> bool {
        self.list_items == other.list_items
            && self
                .list_items
                .iter()
                .zip(&other.list_items)
                .all(|(a, b)| a.text(&self.text) == b.text(&other.text))
    }
}

/// A non-markdown file in the vault (image, PDF, audio…), copied when a published note links to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Vault-relative path with forward slashes.
    pub path: String,
    pub size: u64,
}
