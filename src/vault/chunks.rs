//! A note's markdown parsed piece by piece when it is large. pulldown-cmark keeps a tree of every block
//! and inline of the text it parses until the parser is dropped: about twelve bytes per byte of a note
//! dense with links (630 MB for a 50 MB note), however the events are consumed. [`offset_events`] cuts
//! a note larger than [`CHUNKED_ABOVE`] into pieces at block boundaries where parsing the pieces one
//! after the other gives exactly the events of parsing the whole, so its memory is that of one piece.
//! The same cuts save parsing what a caller does not read: [`offset_events_lazily`] parses a note a
//! few lines at a time as its events are read (a meeting's first sentence).
//!
//! A boundary is the start of a line that begins at column 0 with a character that cannot continue
//! what came before (no list marker, no `>`), after a blank line, outside fenced code and outside the
//! HTML blocks that run until an end marker (`<!--`, `<pre`, …). Everything else in CommonMark closes
//! at such a line. Two things reach across the whole document, link reference definitions and
//! footnotes: a note that may hold either is parsed whole, as is one with a lone `\r` line ending,
//! which this line scan would not see.

use pulldown_cmark::{Event, Parser};
use std::ops::Range;

/// Texts up to this size are parsed whole, which is every note of an ordinary vault: only a note
/// larger than this is cut.
pub const CHUNKED_ABOVE: usize = 1 << 20;

/// A piece ends at the first boundary after this many bytes: pulldown-cmark's tree for one piece is a
/// few megabytes.
pub const CHUNK_BYTES: usize = 256 << 10;

/// pulldown-cmark's offset events of `source` (with `vault::markdown_options`), the same as
/// `Parser::new_ext(source, markdown_options()).into_offset_iter()` gives, parsed piece by piece.
pub fn offset_events(source: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    pieces(source, CHUNKED_ABOVE, CHUNK_BYTES)
        .into_iter()
        .flat_map(move |piece| piece_events(source, piece))
}

/// The events of one piece of `source`, with offsets into `source`.
fn piece_events(
    source: &str,
    piece: Range<usize>,
) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    let at = piece.start;
    Parser::new_ext(&source[piece], super::markdown_options())
        .into_offset_iter()
        .map(move |(event, r)| (event, r.start + at..r.end + at))
}

/// [`offset_events`] for a caller that reads only the first events (a note's first paragraph): a
/// note that can be cut is parsed a few hundred bytes at a time, as its events are read, and the
/// rest is neither scanned nor parsed.
pub fn offset_events_lazily(source: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    Pieces::new(source, 0, EARLY_CHUNK_BYTES).flat_map(move |piece| piece_events(source, piece))
}

/// The size of a piece [`offset_events_lazily`] parses at a time: most first paragraphs are in it.
const EARLY_CHUNK_BYTES: usize = 256;

/// Byte ranges that cover `source` in order, each ending at a boundary and, but for the last, at
/// least `chunk` bytes long; one range when `source` is at most `above` bytes or must be parsed whole.
pub fn pieces(source: &str, above: usize, chunk: usize) -> Vec<Range<usize>> {
    Pieces::new(source, above, chunk).collect()
}

/// [`pieces`], found as they are asked for: the lines after a piece are scanned when the next one
/// is.
struct Pieces<'s> {
    source: &'s str,
    chunk: usize,
    /// The lines not scanned yet; `None` when `source` is one piece.
    lines: Option<std::str::SplitInclusive<'s, char>>,
    /// Where the piece being scanned starts, and where its next line does.
    start: usize,
    at: usize,
    scan: States,
    after_blank: bool,
    done: bool,
}

impl<'s> Pieces<'s> {
    fn new(source: &'s str, above: usize, chunk: usize) -> Pieces<'s> {
        let whole = source.len() <= above || !cuttable(source);
        Pieces {
            source,
            chunk,
            lines: (!whole).then(|| source.split_inclusive('\n')),
            start: 0,
            at: 0,
            scan: States::default(),
            after_blank: false,
            done: false,
        }
    }
}

impl Iterator for Pieces<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.done {
            return None;
        }
        for line in self.lines.iter_mut().flatten() {
            let boundary = self.after_blank && self.scan.all_closed() && starts_block(line);
            let piece =
                (boundary && self.at - self.start >= self.chunk).then_some(self.start..self.at);
            self.scan = std::mem::take(&mut self.scan).line(line);
            self.after_blank = is_blank(line);
            if let Some(piece) = piece {
                self.start = self.at;
                self.at += line.len();
                return Some(piece);
            }
            self.at += line.len();
        }
        self.done = true;
        Some(self.start..self.source.len())
    }
}

/// Whether nothing in `source` may reach across a boundary: no footnote (`[^`), nothing that may be a
/// link reference definition (`]:` not after `]]`, which is a wikilink), no `\r` that ends a line
/// alone.
fn cuttable(source: &str) -> bool {
    let bytes = source.as_bytes();
    let refdef = memchr::memmem::find_iter(bytes, b"]:").any(|at| at == 0 || bytes[at - 1] != b']');
    let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
    memchr::memmem::find(bytes, b"[^").is_none() && !refdef && !lone_cr
}

/// Where the scan may be, as a set: a line the scan cannot read one way (`<span>` alone on a line is
/// an HTML block, or not when it continues a paragraph) keeps both readings, and a boundary needs all
/// of them closed. More readings than this and the scan gives up ([`Scan::Lost`]).
const MAX_READINGS: usize = 8;

/// The readings of the line scan so far.
#[derive(Debug, Clone, PartialEq, Eq)]
struct States(Vec<Scan>);

impl Default for States {
    fn default() -> Self {
        States(vec![Scan::Open(None)])
    }
}

impl States {
    fn all_closed(&self) -> bool {
        self.0.iter().all(|s| *s == Scan::Open(None))
    }

    fn line(self, line: &str) -> States {
        let mut next: Vec<Scan> = Vec::new();
        for scan in self.0 {
            for s in scan.line(line).into_iter().flatten() {
                if !next.contains(&s) {
                    next.push(s);
                }
            }
        }
        if next.len() > MAX_READINGS {
            next = vec![Scan::Lost];
        }
        States(next)
    }
}

/// One reading of the line scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside fenced code and HTML blocks, or inside the one given.
    Open(Option<Block>),
    /// A block opened with indentation may have been inside a list item that has ended since, which a
    /// line scan cannot tell for sure: no boundary is safe any more.
    Lost,
}

/// A block that runs until its closing line, with the indentation of its opening line: an indented
/// block may be inside a list item, whose end (a line indented less) closes it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Fence {
        ch: u8,
        len: usize,
        indent: usize,
    },
    /// An HTML block that runs until a line holding `end` (kinds 1 to 5).
    Html {
        end: &'static str,
        indent: usize,
    },
    /// An HTML block that runs until a blank line (kinds 6 and 7).
    UntilBlank {
        indent: usize,
    },
}

impl Block {
    fn indent(self) -> usize {
        match self {
            Block::Fence { indent, .. }
            | Block::Html { indent, .. }
            | Block::UntilBlank { indent } => indent,
        }
    }

    /// Whether `line` (indented `indent`, `None` from four columns) may have ended a list item this
    /// block was in: a line indented less than the block, unless blank.
    fn may_have_ended(self, indent: Option<usize>, line: &str) -> bool {
        self.indent() > 0 && indent.is_some_and(|i| i < self.indent()) && !is_blank(line)
    }
}

impl Scan {
    /// The readings after `line` (one or two).
    fn line(self, line: &str) -> [Option<Scan>; 2] {
        let Scan::Open(open) = self else {
            return [Some(Scan::Lost), None];
        };
        let (indent, rest) = indentation(line);
        let one = |b: Option<Block>| [Some(Scan::Open(b)), None];
        match open {
            None => match indent {
                Some(i) => match opens(rest, i) {
                    // Kinds 6 and 7 (`<div>`, `<span>`…) are told from inline HTML by tag names and by
                    // what came before: both readings.
                    Some(b @ Block::UntilBlank { .. }) => {
                        [Some(Scan::Open(Some(b))), Some(Scan::Open(None))]
                    }
                    block => one(block),
                },
                None => one(None),
            },
            Some(b) if b.may_have_ended(indent, line) => [Some(Scan::Lost), None],
            Some(Block::Fence { ch, len, .. }) => {
                let closes = indent.is_some() && closes_fence(rest, ch, len);
                one(if closes { None } else { open })
            }
            Some(Block::Html { end, .. }) => one(if line.contains(end) { None } else { open }),
            Some(Block::UntilBlank { .. }) => one(if is_blank(line) { None } else { open }),
        }
    }
}

/// The block `rest` (a line without its indentation `indent` of at most three spaces) opens, as
/// pulldown-cmark reads it: a code fence, an HTML block of kinds 1 to 5 that does not close on the same
/// line, or maybe one of kinds 6 and 7 (any other `<`).
fn opens(rest: &str, indent: usize) -> Option<Block> {
    let bytes = rest.as_bytes();
    let first = *bytes.first()?;
    if first == b'`' || first == b'~' {
        let len = bytes.iter().take_while(|&&b| b == first).count();
        let info = rest[len..].trim_end_matches(['\n', '\r']);
        let fence = len >= 3 && !(first == b'`' && info.contains('`'));
        return fence.then_some(Block::Fence {
            ch: first,
            len,
            indent,
        });
    }
    if first != b'<' {
        return None;
    }
    match html_end(&bytes[1..]) {
        Some(end) => (!rest.contains(end)).then_some(Block::Html { end, indent }),
        None => Some(Block::UntilBlank { indent }),
    }
}

/// The end marker of an HTML block of kinds 1 to 5 opened by `<` + `after` (pulldown-cmark's
/// `get_html_end_tag`, whose end test is case-sensitive).
fn html_end(after: &[u8]) -> Option<&'static str> {
    for (tag, end) in [
        (&b"pre"[..], "</pre>"),
        (b"style", "</style>"),
        (b"script", "</script>"),
        (b"textarea", "</textarea>"),
    ] {
        if after.len() >= tag.len() && after[..tag.len()].eq_ignore_ascii_case(tag) {
            match after.get(tag.len()) {
                None => return Some(end),
                Some(&c) if (0x09..=0x0d).contains(&c) || c == b' ' || c == b'>' => {
                    return Some(end)
                }
                Some(_) => {}
            }
        }
    }
    for (start, end) in [(&b"!--"[..], "-->"), (b"?", "?>"), (b"![CDATA[", "]]>")] {
        if after.starts_with(start) {
            return Some(end);
        }
    }
    (after.len() > 1 && after[0] == b'!' && after[1].is_ascii_alphabetic()).then_some(">")
}

/// Whether `rest` closes a fence of `len` `ch`s: as many or more, then only spaces to the line end.
fn closes_fence(rest: &str, ch: u8, len: usize) -> bool {
    let run = rest.bytes().take_while(|&b| b == ch).count();
    run >= len
        && rest[run..]
            .trim_start_matches(' ')
            .trim_end_matches('\n')
            .trim_end_matches('\r')
            .is_empty()
}

/// The indentation of a line (`None` from four columns, a tab included: indented code or content of
/// a container) and the line after it.
fn indentation(line: &str) -> (Option<usize>, &str) {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let rest = &line[spaces..];
    if spaces > 3 || rest.starts_with('\t') {
        (None, rest)
    } else {
        (Some(spaces), rest)
    }
}

/// Whether a line can start a piece: it begins at column 0 with a character that neither continues
/// a list (`-`, `+`, `*`, a digit) nor a quote (`>`), nor is space.
fn starts_block(line: &str) -> bool {
    line.bytes()
        .next()
        .is_some_and(|b| b > b' ' && !matches!(b, b'-' | b'+' | b'*' | b'>' | b'0'..=b'9'))
}

/// A line of nothing but spaces and tabs.
fn is_blank(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tricky markdown: blocks that span blank lines, lists with blank lines between items, HTML
    /// blocks, fences inside list items, tables, callouts, math, wikilinks.
    const SAMPLE: &str = "# Title\n\nPara with [[Link]] and #tag.\n\n- a\n\n- b\n\nafter list\n\n```\ncode\n\nnot a boundary\n```\n\n~~~~ rust\nx\n\n~~~\ny\n\n~~~~\n\n<!-- comment\n\nstill comment\n-->\n\n<pre>\nraw\n\nraw\n</pre>\n\n<div>\ntype six\n\nends\n\n1. one\n\n   ```\n   in item\n\n   more\n   ```\n\nafter\n\n> [!note] Callout\n> body\n\n> second quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\nx^2\n$$\n\n    indented code\n\n    more code\n\ntext ^block-1\n\n- [ ] task\n- [x] done\n\n``` `not a fence`\n\nparagraph\n\n";

    fn whole(source: &str) -> Vec<(Event<'_>, Range<usize>)> {
        Parser::new_ext(source, crate::vault::markdown_options())
            .into_offset_iter()
            .collect()
    }

    fn cut(source: &str) -> Vec<(Event<'_>, Range<usize>)> {
        pieces(source, 0, 1)
            .into_iter()
            .flat_map(|piece| piece_events(source, piece))
            .collect()
    }

    #[test]
    fn pieces_parse_as_the_whole() {
        let cuts = pieces(SAMPLE, 0, 1).len();
        assert!(cuts > 10, "the sample is cut at many places ({cuts})");
        assert_eq!(cut(SAMPLE), whole(SAMPLE));
    }

    /// Parsed as its events are read, a note gives the events of the whole, whether it is cut (the
    /// sample, cut after every few hundred bytes) or parsed whole (a reference definition).
    #[test]
    fn lazily_parsed_events_are_those_of_the_whole() {
        fn lazily(s: &str) -> Vec<(Event<'_>, Range<usize>)> {
            offset_events_lazily(s).collect()
        }
        assert!(pieces(SAMPLE, 0, EARLY_CHUNK_BYTES).len() > 1);
        assert_eq!(lazily(SAMPLE), whole(SAMPLE));
        let with_definition = format!("{SAMPLE}\n[ref]: https://example.com\n");
        assert_eq!(lazily(&with_definition), whole(&with_definition));
        assert_eq!(lazily(""), whole(""));
    }

    #[test]
    fn never_cuts_inside_fences_html_or_lists() {
        for piece in pieces(SAMPLE, 0, 1) {
            let text = &SAMPLE[piece];
            for inside in [
                "not a boundary",
                "still comment",
                "- b",
                "raw\n</pre>",
                "y\n",
            ] {
                assert!(!text.starts_with(inside), "cut before {inside:?}: {text:?}");
            }
        }
    }

    #[test]
    fn every_fixture_and_example_note_parses_the_same_cut() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut notes = 0;
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.unwrap();
                if entry.path().extension().is_some_and(|e| e == "md") {
                    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    let clean = crate::vault::scan::strip_comments(&text);
                    assert_eq!(cut(&clean), whole(&clean), "{}", entry.path().display());
                    notes += 1;
                }
            }
        }
        assert!(notes > 50, "{notes} notes");
    }

    #[test]
    fn notes_with_document_wide_syntax_stay_whole() {
        for text in [
            "a\n\nb [^1]\n\nc\n\n[^1]: note\n",
            "a\n\n[x][ref]\n\nc\n\n[ref]: https://example.com\n",
            "a\r\rb\r\rc\r",
        ] {
            assert_eq!(pieces(text, 0, 1).len(), 1, "{text:?}");
        }
        // A wikilink followed by a colon is no reference definition.
        assert!(pieces("[[A]]: x\n\nb\n\nc\n", 0, 1).len() > 1);
    }

    #[test]
    fn an_indented_fence_ended_by_its_list_stops_cutting() {
        let text =
            "- a\n\n  ```\n  code\n\nout of the list\n\n```\nfence\n\nstill fence\n```\n\nz\n";
        assert_eq!(cut(text), whole(text));
        for piece in pieces(text, 0, 1) {
            assert!(!text[piece].starts_with("still fence"));
        }
    }

    /// Random documents of lines that open, continue and close blocks: cut at every boundary, each
    /// parses as the whole (a deterministic generator, so a failure reproduces).
    #[test]
    fn random_documents_parse_the_same_cut() {
        const LINES: &[&str] = &[
            "",
            "",
            "",
            "text",
            "more text [[Link]] #tag",
            "- item",
            "* item",
            "+ item",
            "1. item",
            "2) item",
            "  continued",
            "   ```",
            "  ~~~",
            "```",
            "```rust",
            "~~~~",
            "````",
            "``` `x`",
            "    code",
            "\tcode",
            "> quote",
            "> [!note] Title",
            ">",
            "<!-- open",
            "-->",
            "<pre>",
            "</pre>",
            "<div>",
            "</div>",
            "<?php",
            "?>",
            "<!DOCTYPE",
            "| a | b |",
            "|---|---|",
            "# Heading",
            "Heading",
            "===",
            "---",
            "text ^id",
            "  <!--",
            "<span>x</span>",
            "<details>",
            "</details>",
            "  <div>",
            "[[A]]: x",
            "<img src=x>",
            "- ```",
            "> ```",
            "  - nested",
            "\\t- tab item",
            "<!-- x -->",
            "<script>",
            "</script>",
            "$$",
            "   > quote",
            "1. ```",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let docs = 5000;
        let mut cut_docs = 0;
        for _ in 0..docs {
            let n = 5 + next() % 40;
            let doc: String = (0..n)
                .map(|_| LINES[(next() % LINES.len() as u64) as usize].replace("\\t", "\t") + "\n")
                .collect();
            assert_eq!(cut(&doc), whole(&doc), "{doc:?}");
            cut_docs += usize::from(pieces(&doc, 0, 1).len() > 1);
        }
        assert!(
            cut_docs > docs / 10,
            "only {cut_docs} of {docs} documents were cut"
        );
    }

    #[test]
    fn small_texts_are_one_piece() {
        assert_eq!(pieces(SAMPLE, CHUNKED_ABOVE, CHUNK_BYTES).len(), 1);
    }
}
