//! The query language's parser (DATAVIEW.md §1, §3.5, §5): recursive descent over the query text, errors
//! with 1-based line and column and what was expected.

use super::ast::*;
use super::ParseError;
use crate::value::{parse as vparse, Value};
use std::sync::Arc;

/// Expressions nested deeper than this are refused: a generated or hostile query must not overflow the
/// stack of the parser or of the evaluator.
pub const MAX_NESTING: usize = 64;

/// Clause keywords that end an expression or a field list.
const CLAUSES: [&str; 6] = ["from", "where", "sort", "group", "flatten", "limit"];
/// Words that may not be used as bare field names (§5.2).
const RESERVED: [&str; 5] = ["from", "where", "limit", "group", "flatten"];

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

/// `//` comments (outside strings) blanked, so positions stay right (§1.3).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut in_comment = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
            continue;
        }
        match c {
            '"' => in_string = !in_string,
            '\\' if in_string => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
                continue;
            }
            '/' if !in_string && chars.peek() == Some(&'/') => {
                in_comment = true;
                out.push(' ');
                continue;
            }
            '\n' => in_string = false,
            _ => {}
        }
        out.push(c);
    }
    out
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || is_emoji(c)
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || is_emoji(c)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D | 0x2B00..=0x2BFF)
}

/// Parses a whole query.
pub fn parse_query(text: &str) -> Result<Query, ParseError> {
    let clean = strip_comments(text);
    let mut p = Parser {
        src: &clean,
        pos: 0,
        depth: 0,
    };
    let q = p.query()?;
    p.ws();
    if p.pos < p.src.len() {
        return Err(p.error(
            "a data command (FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT) or the end of the query",
        ));
    }
    Ok(q)
}

/// Parses one expression (inline queries `= expr`).
pub fn parse_expression(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        src: text,
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    p.ws();
    if p.pos < p.src.len() {
        return Err(p.error("an operator or the end of the expression"));
    }
    Ok(e)
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn error(&self, expected: &str) -> ParseError {
        let (line, col) = crate::diagnostics::LineIndex::new(self.src).locate(self.pos);
        let found = match self.rest().chars().next() {
            None => "the end of the query".to_string(),
            Some(_) => {
                let word: String = self
                    .rest()
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                format!("'{word}'")
            }
        };
        ParseError {
            line,
            col,
            message: format!("expected {expected}, found {found}"),
        }
    }

    /// Consumes a keyword (case-insensitive, not followed by an identifier character).
    fn keyword(&mut self, word: &str) -> bool {
        self.ws();
        let rest = self.rest();
        if rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && !rest[word.len()..].chars().next().is_some_and(is_ident_char)
        {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn at_keyword(&mut self, word: &str) -> bool {
        let save = self.pos;
        let found = self.keyword(word);
        self.pos = save;
        found
    }

    fn at_clause(&mut self) -> bool {
        self.ws();
        self.pos >= self.src.len() || CLAUSES.iter().any(|c| self.at_keyword(c))
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), ParseError> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.error(&format!("'{token}'")))
        }
    }

    fn query(&mut self) -> Result<Query, ParseError> {
        let header = if self.keyword("list") {
            let without_id = self.without_id();
            let expr = if self.at_clause() {
                None
            } else {
                Some(self.named(false)?)
            };
            Header::List { expr, without_id }
        } else if self.keyword("table") {
            let without_id = self.without_id();
            let mut columns = Vec::new();
            if !self.at_clause() {
                loop {
                    columns.push(self.named(true)?);
                    if !self.eat(",") {
                        break;
                    }
                }
            }
            Header::Table {
                columns,
                without_id,
            }
        } else if self.keyword("task") {
            if !self.at_clause() {
                return Err(self.error(
                    "FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT or the end (TASK takes no fields)",
                ));
            }
            Header::Task
        } else if self.keyword("calendar") {
            if self.at_clause() {
                return Err(self.error("a date expression for CALENDAR"));
            }
            Header::Calendar(self.named(false)?)
        } else {
            self.ws();
            return Err(self.error("a query type: LIST, TABLE, TASK or CALENDAR"));
        };
        let mut source = None;
        let mut commands = Vec::new();
        loop {
            self.ws();
            if self.pos >= self.src.len() {
                break;
            }
            if self.at_keyword("from") {
                if source.is_some() || !commands.is_empty() {
                    return Err(self.error(
                        "a data command; FROM may appear once, right after the query type",
                    ));
                }
                self.keyword("from");
                source = Some(self.source()?);
            } else if self.keyword("where") {
                commands.push(Command::Where(self.expr()?));
            } else if self.keyword("sort") {
                let mut keys = Vec::new();
                loop {
                    let e = self.expr()?;
                    let desc = if self.keyword("descending") || self.keyword("desc") {
                        true
                    } else {
                        let _ = self.keyword("ascending") || self.keyword("asc");
                        false
                    };
                    keys.push((e, desc));
                    if !self.eat(",") {
                        break;
                    }
                }
                commands.push(Command::Sort(keys));
            } else if self.keyword("group") {
                if !self.rest().starts_with(' ') || !self.keyword("by") {
                    return Err(self.error("'BY' after GROUP (with one space)"));
                }
                commands.push(Command::GroupBy(self.named(true)?));
            } else if self.keyword("flatten") {
                commands.push(Command::Flatten(self.named(true)?));
            } else if self.keyword("limit") {
                commands.push(Command::Limit(self.expr()?));
            } else {
                return Err(self.error("a data command (FROM, WHERE, SORT, GROUP BY, FLATTEN, LIMIT) or the end of the query"));
            }
        }
        Ok(Query {
            header,
            source,
            commands,
        })
    }

    fn without_id(&mut self) -> bool {
        let save = self.pos;
        if self.keyword("without") && self.keyword("id") {
            return true;
        }
        self.pos = save;
        false
    }

    /// An expression with an optional `AS name` (when `allow_as`); the name defaults to the source text.
    fn named(&mut self, allow_as: bool) -> Result<Named, ParseError> {
        self.ws();
        let start = self.pos;
        let expr = self.expr()?;
        let text: String = self.src[start..self.pos]
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("");
        let name = if allow_as && self.keyword("as") {
            self.ws();
            if self.peek() == Some('"') {
                self.string()?
            } else {
                self.identifier()
                    .ok_or_else(|| self.error("a name after AS"))?
            }
        } else {
            text
        };
        Ok(Named { expr, name })
    }

    // ---- sources (§3) ----

    fn source(&mut self) -> Result<Source, ParseError> {
        let mut left = self.source_atom()?;
        loop {
            if self.keyword("and") || self.eat("&") {
                left = Source::And(Box::new(left), Box::new(self.source_atom()?));
            } else if self.keyword("or") || self.eat("|") {
                left = Source::Or(Box::new(left), Box::new(self.source_atom()?));
            } else {
                return Ok(left);
            }
        }
    }

    fn source_atom(&mut self) -> Result<Source, ParseError> {
        self.ws();
        self.enter()?;
        let result = self.source_atom_inner();
        self.depth -= 1;
        result
    }

    fn source_atom_inner(&mut self) -> Result<Source, ParseError> {
        match self.peek() {
            Some('-') | Some('!') => {
                self.pos += 1;
                Ok(Source::Not(Box::new(self.source_atom()?)))
            }
            Some('(') => {
                self.pos += 1;
                let s = self.source()?;
                self.expect(")")?;
                Ok(s)
            }
            Some('#') => {
                self.pos += 1;
                let tag: String = self
                    .rest()
                    .chars()
                    .take_while(|&c| is_ident_char(c) || c == '/')
                    .collect();
                if tag.is_empty() {
                    return Err(self.error("a tag name after '#'"));
                }
                self.pos += tag.len();
                Ok(Source::Tag(tag))
            }
            Some('"') => Ok(Source::Path(self.string()?)),
            Some('[') if self.rest().starts_with("[[") => {
                let link = self.link_literal()?;
                Ok(Source::Link {
                    target: link_target(&link),
                    outgoing: false,
                })
            }
            _ if self.keyword("outgoing") => {
                self.expect("(")?;
                self.ws();
                if !self.rest().starts_with("[[") {
                    return Err(self.error("a link [[…]] inside outgoing()"));
                }
                let link = self.link_literal()?;
                self.expect(")")?;
                Ok(Source::Link {
                    target: link_target(&link),
                    outgoing: true,
                })
            }
            _ => {
                Err(self
                    .error("a source: #tag, \"folder\", [[link]], outgoing([[link]]), '-' or '('"))
            }
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(&format!("at most {MAX_NESTING} levels of nesting")));
        }
        Ok(())
    }

    // ---- expressions (§5) ----

    pub fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = self.binary(0);
        self.depth -= 1;
        r
    }

    /// Precedence levels, tightest last: and/or, comparisons, + -, * / %.
    fn binary(&mut self, level: usize) -> Result<Expr, ParseError> {
        if level == 4 {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            self.ws();
            let op = match level {
                0 => {
                    if self.keyword("and") || self.eat("&") {
                        Some(BinOp::And)
                    } else if self.keyword("or") || self.eat("|") {
                        Some(BinOp::Or)
                    } else {
                        None
                    }
                }
                1 => {
                    let r = self.rest();
                    let (op, len) = if r.starts_with("!=") {
                        (Some(BinOp::Ne), 2)
                    } else if r.starts_with("<=") {
                        (Some(BinOp::Le), 2)
                    } else if r.starts_with(">=") {
                        (Some(BinOp::Ge), 2)
                    } else if r.starts_with("=>") {
                        (None, 0)
                    } else if r.starts_with('=') {
                        (Some(BinOp::Eq), 1)
                    } else if r.starts_with('<') {
                        (Some(BinOp::Lt), 1)
                    } else if r.starts_with('>') {
                        (Some(BinOp::Gt), 1)
                    } else {
                        (None, 0)
                    };
                    self.pos += len;
                    op
                }
                2 => {
                    if self.eat("+") {
                        Some(BinOp::Add)
                    } else if self.eat("-") {
                        Some(BinOp::Sub)
                    } else {
                        None
                    }
                }
                _ => {
                    if self.eat("*") {
                        Some(BinOp::Mul)
                    } else if self.rest().starts_with("//") {
                        None
                    } else if self.eat("/") {
                        Some(BinOp::Div)
                    } else if self.eat("%") {
                        Some(BinOp::Mod)
                    } else {
                        None
                    }
                }
            };
            match op {
                Some(op) => {
                    let right = self.binary(level + 1)?;
                    left = Expr::Binary(op, Box::new(left), Box::new(right));
                }
                None => return Ok(left),
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.ws();
        if self.peek() == Some('!') && !self.rest().starts_with("![[") {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            // Postfix operators bind without whitespace before them, as field access does in Dataview.
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    let name = self
                        .identifier()
                        .ok_or_else(|| self.error("a field name after '.'"))?;
                    e = Expr::Index(Box::new(e), Box::new(Expr::Literal(Value::String(name))));
                }
                Some('[') if !self.rest().starts_with("[[") => {
                    self.pos += 1;
                    let index = self.expr()?;
                    self.expect("]")?;
                    e = Expr::Index(Box::new(e), Box::new(index));
                }
                Some('(') => {
                    self.pos += 1;
                    let args = self.args(")")?;
                    e = Expr::Call(Box::new(e), args);
                }
                _ => return Ok(e),
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut args = Vec::new();
        if self.eat(close) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat(close) {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !is_ident_start(first) {
            return None;
        }
        let len: usize = rest
            .chars()
            .take_while(|&c| is_ident_char(c))
            .map(char::len_utf8)
            .sum();
        self.pos += len;
        Some(rest[..len].to_string())
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.ws();
        if self.peek() != Some('"') {
            return Err(self.error("a string"));
        }
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                // §5.1: `\"` and `\\` are escapes; any other `\c` stays as written.
                '\\' => match chars.next() {
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, other)) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        self.pos = start;
        Err(self.error("a closing '\"' for this string"))
    }

    fn link_literal(&mut self) -> Result<crate::value::Link, ParseError> {
        self.ws();
        let embed = self.eat("!");
        let start = self.pos;
        self.pos += 2;
        let Some(end) = self.rest().find("]]") else {
            self.pos = start;
            return Err(self.error("a closing ']]' for this link"));
        };
        let inner = &self.rest()[..end];
        let link = vparse::parse_link_inner(inner, embed);
        self.pos += end + 2;
        Ok(link)
    }

    fn number(&mut self) -> Option<f64> {
        let rest = self.rest();
        let neg = rest.starts_with('-');
        let body = &rest[neg as usize..];
        let int = body.bytes().take_while(u8::is_ascii_digit).count();
        if int == 0 {
            return None;
        }
        let mut len = int;
        if body[int..].starts_with('.') {
            let frac = body[int + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if frac > 0 {
                len += 1 + frac;
            }
        }
        let text = &rest[..len + neg as usize];
        self.pos += text.len();
        text.parse().ok()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.ws();
        let Some(c) = self.peek() else {
            return Err(self.error("an expression"));
        };
        match c {
            '"' => Ok(Expr::Literal(Value::String(self.string()?))),
            '0'..='9' => self
                .number()
                .map(|n| Expr::Literal(Value::Number(n)))
                .ok_or_else(|| self.error("a number")),
            '-' if self.rest()[1..].starts_with(|c: char| c.is_ascii_digit()) => self
                .number()
                .map(|n| Expr::Literal(Value::Number(n)))
                .ok_or_else(|| self.error("a number")),
            '[' if self.rest().starts_with("[[") => Ok(Expr::Link(self.link_literal()?)),
            '!' if self.rest().starts_with("![[") => Ok(Expr::Link(self.link_literal()?)),
            '[' => {
                self.pos += 1;
                Ok(Expr::List(self.args("]")?))
            }
            '{' => {
                self.pos += 1;
                let mut fields = Vec::new();
                if !self.eat("}") {
                    loop {
                        self.ws();
                        let key = if self.peek() == Some('"') {
                            self.string()?
                        } else {
                            self.identifier()
                                .ok_or_else(|| self.error("an object key"))?
                        };
                        self.expect(":")?;
                        fields.push((key, self.expr()?));
                        if self.eat("}") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                Ok(Expr::Object(fields))
            }
            '(' => {
                if let Some(lambda) = self.try_lambda()? {
                    return Ok(lambda);
                }
                self.pos += 1;
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            _ => {
                let start = self.pos;
                let Some(name) = self.identifier() else {
                    return Err(self.error("an expression"));
                };
                match name.as_str() {
                    "true" | "True" => return Ok(Expr::Literal(Value::Bool(true))),
                    "false" | "False" => return Ok(Expr::Literal(Value::Bool(false))),
                    "null" => return Ok(Expr::Literal(Value::Null)),
                    _ => {}
                }
                if RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
                    self.pos = start;
                    return Err(self.error("an expression (FROM, WHERE, LIMIT, GROUP and FLATTEN cannot be field names; use row[\"name\"])"));
                }
                if self.peek() == Some('(') {
                    if let Some(lit) = self.literal_call(&name)? {
                        return Ok(lit);
                    }
                }
                Ok(Expr::Field(name))
            }
        }
    }

    /// `date(2025-01-01)`, `date(today)` and `dur(3 days)` literals (§5.1); `None` when the parentheses
    /// hold an ordinary argument list instead.
    fn literal_call(&mut self, name: &str) -> Result<Option<Expr>, ParseError> {
        let lower = name.to_ascii_lowercase();
        if lower != "date" && lower != "dur" {
            return Ok(None);
        }
        let rest = &self.rest()[1..];
        let Some(close) = rest.find(')') else {
            return Ok(None);
        };
        let inner = rest[..close].trim();
        let lit = if lower == "date" {
            date_word(inner)
                .map(Expr::Date)
                .or_else(|| vparse::date(inner).map(|d| Expr::Literal(Value::Date(d))))
        } else {
            vparse::duration(inner)
                .filter(|_| inner.chars().any(char::is_alphabetic))
                .map(|d| Expr::Literal(Value::Duration(Box::new(d))))
        };
        if lit.is_some() {
            self.pos += 1 + close + 1;
        }
        Ok(lit)
    }

    /// `(a, b) => body`, or `None` (position unchanged) when the parenthesis opens something else.
    fn try_lambda(&mut self) -> Result<Option<Expr>, ParseError> {
        let save = self.pos;
        self.pos += 1;
        let mut params = Vec::new();
        loop {
            self.ws();
            if self.eat(")") {
                break;
            }
            match self.identifier() {
                Some(p) => params.push(p),
                None => {
                    self.pos = save;
                    return Ok(None);
                }
            }
            self.ws();
            if self.eat(",") {
                continue;
            }
            if self.eat(")") {
                break;
            }
            self.pos = save;
            return Ok(None);
        }
        if !self.eat("=>") {
            self.pos = save;
            return Ok(None);
        }
        let body = self.expr()?;
        Ok(Some(Expr::Lambda(Arc::new(LambdaDef { params, body }))))
    }
}

fn link_target(link: &crate::value::Link) -> Option<String> {
    (!link.path.is_empty()).then(|| link.path.clone())
}

fn date_word(w: &str) -> Option<DateWord> {
    Some(match w.to_ascii_lowercase().as_str() {
        "today" => DateWord::Today,
        "now" => DateWord::Now,
        "yesterday" => DateWord::Yesterday,
        "tomorrow" => DateWord::Tomorrow,
        "sow" | "start-of-week" => DateWord::StartOfWeek,
        "eow" | "end-of-week" => DateWord::EndOfWeek,
        "som" | "start-of-month" => DateWord::StartOfMonth,
        "eom" | "end-of-month" => DateWord::EndOfMonth,
        "soy" | "start-of-year" => DateWord::StartOfYear,
        "eoy" | "end-of-year" => DateWord::EndOfYear,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> Query {
        parse_query(q).unwrap_or_else(|e| panic!("{q:?}: {e}"))
    }

    fn err(q: &str) -> ParseError {
        parse_query(q)
            .err()
            .unwrap_or_else(|| panic!("{q:?} parsed"))
    }

    #[test]
    fn headers_and_commands() {
        let q = ok("LIST\nFROM \"VAST/Projects\" OR \"Personal/Projects\"\nWHERE contains(file.outlinks, this.file.link)");
        assert!(matches!(
            q.header,
            Header::List {
                expr: None,
                without_id: false
            }
        ));
        assert!(matches!(q.source, Some(Source::Or(_, _))));
        assert_eq!(q.commands.len(), 1);
        let q = ok("TABLE WITHOUT  ID status AS \"State\", file.name, due - date(today) AS left FROM #customer SORT due DESC, file.name LIMIT 5");
        match &q.header {
            Header::Table {
                columns,
                without_id: true,
            } => {
                let names: Vec<_> = columns.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names, vec!["State", "file.name", "left"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(q.commands.len(), 2);
        let q = ok("task from \"\" where !completed sort due asc // open tasks\n");
        assert!(matches!(q.header, Header::Task));
        assert!(matches!(
            ok("CALENDAR file.day").header,
            Header::Calendar(_)
        ));
        let q = ok("LIST rows.file.link GROUP BY status AS s FLATTEN tags AS t");
        match &q.commands[0] {
            Command::GroupBy(n) => assert_eq!(n.name, "s"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_malformed_queries_with_positions() {
        for bad in [
            "LIST FROM",
            "LIST WHERE",
            "LIST FROM (\"a\"",
            "LIST WHERE \"unclosed",
            "SELECT x",
            "TASK due",
            "LIST FROM \"a\" \"b\"",
            "LIST SORT x UPWARD",
            "LIST GROUP x",
            "CALENDAR",
            "LIST WHERE x FROM \"a\"",
        ] {
            let _ = err(bad);
        }
        let e = err("LIST\nWHERE status = ");
        assert_eq!((e.line, e.col), (2, 16), "{e}");
        assert!(e.message.starts_with("expected an expression"), "{e}");
    }

    #[test]
    fn precedence_and_associativity() {
        // §5.3: and/or share a level, left to right.
        let e = parse_expression("a or b and c").unwrap();
        assert!(matches!(e, Expr::Binary(BinOp::And, _, _)));
        let e = parse_expression("1 + 2 * 3").unwrap();
        match e {
            Expr::Binary(BinOp::Add, _, r) => assert!(matches!(*r, Expr::Binary(BinOp::Mul, _, _))),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_expression("!a.b").unwrap(), Expr::Not(_)));
        assert_eq!(
            parse_expression("end-start").unwrap(),
            Expr::Field("end-start".into())
        );
        assert!(matches!(
            parse_expression("end - start").unwrap(),
            Expr::Binary(BinOp::Sub, _, _)
        ));
    }

    #[test]
    fn literals() {
        assert_eq!(
            parse_expression("\"a\\\"b\\w\"").unwrap(),
            Expr::Literal(Value::String("a\"b\\w".into()))
        );
        assert!(matches!(
            parse_expression("date(2025-12-19)").unwrap(),
            Expr::Literal(Value::Date(_))
        ));
        assert_eq!(
            parse_expression("date(today)").unwrap(),
            Expr::Date(DateWord::Today)
        );
        assert!(matches!(
            parse_expression("date(file.name)").unwrap(),
            Expr::Call(_, _)
        ));
        assert!(matches!(
            parse_expression("dur(4h15m)").unwrap(),
            Expr::Literal(Value::Duration(_))
        ));
        assert!(matches!(
            parse_expression("[[Acme#Facts|a]]").unwrap(),
            Expr::Link(_)
        ));
        assert!(
            matches!(parse_expression("[1, \"x\", [[a]]]").unwrap(), Expr::List(v) if v.len() == 3)
        );
        assert!(
            matches!(parse_expression("{ a: 1, \"b c\": 2 }").unwrap(), Expr::Object(v) if v.len() == 2)
        );
        assert!(matches!(
            parse_expression("(x, y) => x + y").unwrap(),
            Expr::Lambda(_)
        ));
        assert!(matches!(
            parse_expression("((x) => x + 1)(2)").unwrap(),
            Expr::Call(_, _)
        ));
        assert!(
            matches!(parse_expression("-3.5").unwrap(), Expr::Literal(Value::Number(n)) if n == -3.5)
        );
        assert!(parse_expression("where").is_err());
        assert!(matches!(
            parse_expression("row[\"where\"]").unwrap(),
            Expr::Index(_, _)
        ));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "(".repeat(10_000) + "1" + &")".repeat(10_000);
        assert!(parse_expression(&deep).is_err());
        let deep_not = "!".repeat(10_000) + "x";
        assert!(parse_expression(&deep_not).is_err());
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Every prefix and every single-character deletion of real queries: no panic, positions in range.
    #[test]
    fn mangled_queries_never_panic() {
        let seeds = [
            "LIST FROM \"Customers\" WHERE contains(file.outlinks, this.file.link)",
            "TABLE status AS \"S\", round(arr / 1000) FROM #type/customer GROUP BY status FLATTEN rows AS r LIMIT 5",
            "TASK FROM -\"Archive\" AND ([[B#h|x]] OR outgoing([[C]])) WHERE !completed SORT due DESC",
            "LIST map(filter(file.tasks, (t) => !t.completed), (t) => t.text) // note\nWHERE date(today) - dur(3 days) > file.day",
            "TABLE { \"a b\": [1, -2.5, \"x\\\"y\"] }[\"a b\"], é-ü FROM \"Üñí/ç\"",
        ];
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            for cut in 0..=chars.len() {
                let prefix: String = chars[..cut].iter().collect();
                let deleted: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != cut)
                    .map(|(_, c)| c)
                    .collect();
                for text in [prefix, deleted] {
                    if let Err(e) = parse_query(&text) {
                        let lines = text.split('\n').count() as u32;
                        assert!(e.line >= 1 && e.line <= lines.max(1), "{text:?}: {e}");
                    }
                    let _ = parse_expression(&text);
                }
            }
        }
    }
}
