//! Diagnostics are values: deep code returns them, only `main.rs` prints them and picks the exit code.
//!
//! A [`Diagnostic`] names a vault-relative path and a 1-based line and column, the form editors and
//! compilers understand (`Customers/Acme.md:12:5: warning: …`). Byte offsets are mapped to lines once,
//! through [`LineIndex`].

use serde::Serialize;
use std::fmt;

/// How bad a problem is. Warnings never stop a build; `--strict` turns them into a failing exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found in the input, located at `path:line:col` (1-based; 0 means "whole file").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Vault-relative path with forward slashes (`Meetings/2025-12-19.md`), or a config file path.
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(
        path: impl Into<String>,
        line: u32,
        col: u32,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub fn error(path: impl Into<String>, line: u32, col: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn hint(path: impl Into<String>, line: u32, col: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            severity: Severity::Hint,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.col, self.severity, self.message
        )
    }
}

/// Maps byte offsets of one text to 1-based `(line, column)`; columns count characters, not bytes.
/// 1-based line and column of `offset` in `text` whose [`line_starts`] are `starts`.
pub fn locate(text: &str, starts: &[usize], offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = starts.partition_point(|&s| s <= offset).max(1) - 1;
    let col = text[starts[line]..offset].chars().count() + 1;
    (line as u32 + 1, col as u32)
}

/// Byte offsets where each line of `text` starts.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: line_starts(text),
        }
    }

    /// 1-based line and column of `offset` (clamped to the text; a non-boundary offset is moved back).
    pub fn locate(&self, offset: usize) -> (u32, u32) {
        locate(self.text, &self.starts, offset)
    }

    /// 0-based line number of `offset`, as Dataview counts lines.
    pub fn line0(&self, offset: usize) -> u32 {
        (self
            .starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
            - 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_character_columns() {
        let idx = LineIndex::new("ab\ncé d\n");
        assert_eq!(idx.locate(0), (1, 1));
        assert_eq!(idx.locate(3), (2, 1));
        assert_eq!(idx.locate(7), (2, 4));
        assert_eq!(idx.locate(100), (3, 1));
    }

    #[test]
    fn displays_as_path_line_col() {
        let d = Diagnostic::warning("a/b.md", 3, 7, "unresolved link");
        assert_eq!(d.to_string(), "a/b.md:3:7: warning: unresolved link");
    }
}
