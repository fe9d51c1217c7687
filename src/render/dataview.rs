//! Dataview results as the HTML the plugin emits (DATAVIEW.md §11), so Obsidian themes and CSS snippets
//! recognise it: `list-view-ul`, `table-view-table` with the result count, task lists, calendars.

use super::html::{escape, escape_into};
use crate::dataview::result::{QueryResult, TaskGroup, TaskItem};
use crate::value::{format, Link, Value};

/// Values nested deeper than this render as `...` (the plugin's limit, §11.4).
const MAX_VALUE_DEPTH: usize = 4;

/// What value rendering needs from the page: link HTML (URLs are made by the renderer) and date formats.
pub trait ValueHtml {
    /// A complete `<a>` (or `<img>`, or plain text for a link to nothing published) for a link value.
    fn link(&self, link: &Link) -> String;
    fn date_format(&self) -> &str;
    fn datetime_format(&self) -> &str;
    /// A task's text as inline markdown (links resolved from the note at `path`), without the
    /// `^block-id` that may end it (Obsidian never shows it); plain text by default.
    fn task_text(&self, text: &str, path: &str) -> String {
        let _ = path;
        escape(crate::vault::scan::strip_block_id(text))
    }
}

/// One value as HTML (§11.4).
pub fn value_html(v: &Value, cx: &dyn ValueHtml) -> String {
    value_at(v, cx, 0)
}

fn value_at(v: &Value, cx: &dyn ValueHtml, depth: usize) -> String {
    if depth > MAX_VALUE_DEPTH {
        return "...".into();
    }
    match v {
        Value::Null => "-".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format::number_text(*n),
        Value::String(s) => escape(s),
        Value::Date(d) => {
            let fmt = if format::is_date_only(d) {
                cx.date_format()
            } else {
                cx.datetime_format()
            };
            escape(&format::luxon(d, fmt))
        }
        Value::Duration(d) => escape(&format::duration_text(d)),
        Value::Link(l) => cx.link(l),
        Value::List(items) if items.is_empty() => String::new(),
        Value::List(items) => {
            let lis: String = items
                .iter()
                .map(|i| {
                    format!(
                        "<li class=\"dataview-result-list-li\">{}</li>",
                        value_at(i, cx, depth + 1)
                    )
                })
                .collect();
            format!("<ul class=\"dataview dataview-ul dataview-result-list-ul\">{lis}</ul>")
        }
        Value::Object(map) => {
            let lis: String = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<li class=\"dataview dataview-li dataview-result-object-li\">{}: {}</li>",
                        escape(k),
                        value_at(v, cx, depth + 1)
                    )
                })
                .collect();
            format!("<ul class=\"dataview dataview-ul dataview-result-object-ul\">{lis}</ul>")
        }
        Value::Function(_) => "&lt;function&gt;".into(),
    }
}

/// The quiet empty-result box (§11.1-11.3).
fn empty(kind: &str) -> String {
    format!(
        "<div class=\"dataview dataview-error-box\"><p class=\"dataview dataview-error-message\">Dataview: No results to show for {kind} query.</p></div>"
    )
}

/// A parse or execution error in place of the result (§11.5).
pub fn error_to_html(message: &str) -> String {
    format!(
        "<pre class=\"dataview dataview-error\">Dataview: {}</pre>",
        escape(message)
    )
}

/// A value rendered inline, as the plugin's `Lit` with `inline` does for a rendered inline field: a
/// list is its items joined by `, ` in a `span`, not a `ul`; anything else as in a table cell.
pub fn value_inline_html(v: &Value, cx: &dyn ValueHtml) -> String {
    match v {
        Value::List(items) if !items.is_empty() => format!(
            "<span class=\"dataview dataview-result-list-span\">{}</span>",
            items
                .iter()
                .map(|i| value_at(i, cx, 1))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => value_html(v, cx),
    }
}

/// An inline query's value (§11.5).
pub fn inline_to_html(value: &Value, cx: &dyn ValueHtml) -> String {
    format!(
        "<span class=\"dataview dataview-inline-query\">{}</span>",
        value_html(value, cx)
    )
}

pub fn result_to_html(result: &QueryResult, cx: &dyn ValueHtml) -> String {
    match result {
        QueryResult::List { rows, .. } if rows.is_empty() => empty("list"),
        QueryResult::List { headers, rows } => {
            let two = headers.len() == 2;
            // Written in place, row by row.
            let mut list = String::from("<ul class=\"dataview list-view-ul\">");
            for row in rows {
                list.push_str("<li>");
                match (two, row.as_slice()) {
                    (true, [id, value]) => {
                        list.push_str(&value_html(id, cx));
                        list.push_str(": ");
                        list.push_str(&value_html(value, cx));
                    }
                    (_, [only, ..]) => list.push_str(&value_html(only, cx)),
                    _ => {}
                }
                list.push_str("</li>");
            }
            list.push_str("</ul>");
            list
        }
        QueryResult::Table { headers, rows } => {
            let ths: String = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let count = if i == 0 {
                        format!("<span class=\"dataview small-text\">{}</span>", rows.len())
                    } else {
                        String::new()
                    };
                    format!("<th class=\"table-view-th\">{}{count}</th>", escape(h))
                })
                .collect();
            let trs: String = rows
                .iter()
                .map(|row| {
                    let tds: String = row
                        .iter()
                        .map(|v| format!("<td>{}</td>", value_html(v, cx)))
                        .collect();
                    format!("<tr>{tds}</tr>")
                })
                .collect();
            let table = format!(
                "<table class=\"dataview table-view-table\"><thead class=\"table-view-thead\"><tr class=\"table-view-tr-header\">{ths}</tr></thead><tbody class=\"table-view-tbody\">{trs}</tbody></table>"
            );
            if rows.is_empty() {
                table + &empty("table")
            } else {
                table
            }
        }
        QueryResult::Task { groups } => {
            if groups.iter().all(|g| g.tasks.is_empty()) {
                return empty("task");
            }
            let body: String = groups.iter().map(|g| task_group(g, cx)).collect();
            format!("<div class=\"dataview dataview-container\">{body}</div>")
        }
        QueryResult::Calendar { entries } => calendar(entries, cx),
    }
}

fn task_group(group: &TaskGroup, cx: &dyn ValueHtml) -> String {
    let mut list = String::from("<ul class=\"contains-task-list\">");
    for t in &group.tasks {
        task(t, cx, &mut list);
    }
    list.push_str("</ul>");
    match &group.key {
        None => list,
        Some(key) => format!(
            "<h4>{}<span class=\"dataview small-text\">{}</span></h4><div class=\"dataview result-group\">{list}</div>",
            value_html(key, cx),
            group.tasks.len()
        ),
    }
}

/// A task with its children, appended to `out` (a query lists tens of them: written in place, not
/// formatted into strings of their own and copied).
fn task(t: &TaskItem, cx: &dyn ValueHtml, out: &mut String) {
    let text = cx.task_text(&t.text, &t.path);
    match t.status {
        Some(status) => {
            let checked = status != ' ';
            out.push_str("<li class=\"dataview task-list-item");
            if checked {
                out.push_str(" is-checked");
            }
            out.push_str("\" data-task=\"");
            escape_into(status.encode_utf8(&mut [0; 4]), out);
            out.push_str(
                "\"><input class=\"dataview task-list-item-checkbox\" type=\"checkbox\" disabled",
            );
            if checked {
                out.push_str(" checked");
            }
            out.push('>');
            out.push_str(&text);
            out.push_str(" <span class=\"dataview task-source\">");
            out.push_str(&cx.link(&Link::to_note(t.path.clone())));
            out.push_str("</span>");
        }
        None => {
            out.push_str("<li class=\"dataview task-list-basic-item\">");
            out.push_str(&text);
        }
    }
    if !t.children.is_empty() {
        out.push_str("<ul class=\"contains-task-list\">");
        for child in &t.children {
            task(child, cx, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// A month grid per month with entries: weekday columns Monday to Sunday, a dot per entry (§2.7).
fn calendar(entries: &[(Value, Value)], cx: &dyn ValueHtml) -> String {
    use chrono::Datelike;
    use std::collections::BTreeMap;
    let mut months: BTreeMap<(i32, u32), BTreeMap<u32, Vec<&Value>>> = BTreeMap::new();
    for (date, link) in entries {
        if let Value::Date(d) = date {
            months
                .entry((d.local.year(), d.local.month()))
                .or_default()
                .entry(d.local.day())
                .or_default()
                .push(link);
        }
    }
    if months.is_empty() {
        return "<div class=\"dataview dataview-error-box\"><p class=\"dataview dataview-error-message\">Dataview: Query returned 0 results.</p></div>".into();
    }
    let mut html = String::from("<div class=\"dataview dataview-calendar\">");
    for ((year, month), days) in months {
        let Some(first) = chrono::NaiveDate::from_ymd_opt(year, month, 1) else {
            continue;
        };
        let lead = first.weekday().num_days_from_monday();
        let len = (28..=31)
            .rev()
            .find(|&d| chrono::NaiveDate::from_ymd_opt(year, month, d).is_some())
            .unwrap_or(28);
        html.push_str(&format!(
            "<table class=\"calendar-month\"><caption>{}</caption><thead><tr>{}</tr></thead><tbody><tr>",
            escape(&format::luxon(&crate::value::Date { local: first.and_time(chrono::NaiveTime::MIN), offset: None }, "MMMM yyyy")),
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().map(|d| format!("<th>{d}</th>")).collect::<String>()
        ));
        html.push_str(&"<td></td>".repeat(lead as usize));
        for day in 1..=len {
            let col = (lead + day - 1) % 7;
            if col == 0 && day != 1 {
                html.push_str("</tr><tr>");
            }
            let dots: String = days
                .get(&day)
                .map(|links| {
                    links
                        .iter()
                        .map(|l| {
                            let title = match l {
                                Value::Link(link) => crate::index::names::strip_md(&link.path)
                                    .rsplit('/')
                                    .next()
                                    .unwrap_or_default()
                                    .to_string(),
                                other => crate::dataview::ops::to_string(other),
                            };
                            format!(
                                "<span class=\"calendar-dot\" title=\"{}\">{}</span>",
                                escape(&title),
                                value_html(l, cx)
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            html.push_str(&format!(
                "<td><span class=\"calendar-day\">{day}</span>{dots}</td>"
            ));
        }
        let trailing = (7 - (lead + len) % 7) % 7;
        html.push_str(&"<td></td>".repeat(trailing as usize));
        html.push_str("</tr></tbody></table>");
    }
    html.push_str("</div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Cx;
    impl ValueHtml for Cx {
        fn link(&self, link: &Link) -> String {
            format!(
                "<a href=\"{}\">{}</a>",
                escape(&link.path),
                escape(&link.path)
            )
        }
        fn date_format(&self) -> &str {
            "MMMM dd, yyyy"
        }
        fn datetime_format(&self) -> &str {
            "h:mm a - MMMM dd, yyyy"
        }
    }

    #[test]
    fn list_table_and_empty_shapes() {
        let list = QueryResult::List {
            headers: vec!["File".into()],
            rows: vec![vec![Value::Link(Box::new(Link::to_note("A.md")))]],
        };
        assert_eq!(
            result_to_html(&list, &Cx),
            "<ul class=\"dataview list-view-ul\"><li><a href=\"A.md\">A.md</a></li></ul>"
        );
        let table = QueryResult::Table {
            headers: vec!["File".into(), "status".into()],
            rows: vec![vec![
                Value::Link(Box::new(Link::to_note("A.md"))),
                Value::Null,
            ]],
        };
        let html = result_to_html(&table, &Cx);
        assert!(
            html.contains(
                "<th class=\"table-view-th\">File<span class=\"dataview small-text\">1</span></th>"
            ),
            "{html}"
        );
        assert!(html.contains("<td>-</td>"));
        let empty_list = QueryResult::List {
            headers: vec!["File".into()],
            rows: vec![],
        };
        assert!(result_to_html(&empty_list, &Cx).contains("No results to show for list query."));
    }

    #[test]
    fn values_escape_and_nest() {
        assert_eq!(
            value_html(&Value::String("<script>".into()), &Cx),
            "&lt;script&gt;"
        );
        let d = crate::value::parse::date("2025-12-09").unwrap();
        assert_eq!(value_html(&Value::Date(d), &Cx), "December 09, 2025");
        let deep = (0..7).fold(Value::Number(1.0), |v, _| Value::List(vec![v]));
        assert!(value_html(&deep, &Cx).contains("..."));
    }

    /// A rendered inline field's value (`Lit` with `inline`): a list joined by commas in a span, a
    /// date formatted, text escaped; an empty list is nothing.
    #[test]
    fn inline_values() {
        let v = crate::value::parse::inline_value("1, 2026-03-04, [[Acme]]");
        assert_eq!(
            value_inline_html(&v, &Cx),
            "<span class=\"dataview dataview-result-list-span\">1, March 04, 2026, <a href=\"Acme\">Acme</a></span>"
        );
        assert_eq!(
            value_inline_html(&crate::value::parse::inline_value("a <b>"), &Cx),
            "a &lt;b&gt;"
        );
        assert_eq!(value_inline_html(&Value::List(Vec::new()), &Cx), "");
    }

    #[test]
    fn calendar_grid() {
        let d = crate::value::parse::date("2026-03-04").unwrap();
        let html = calendar(
            &[(Value::Date(d), Value::Link(Box::new(Link::to_note("M.md"))))],
            &Cx,
        );
        assert!(html.contains("<caption>March 2026</caption>"));
        assert!(html.contains("<td><span class=\"calendar-day\">4</span><span class=\"calendar-dot\" title=\"M\"><a href=\"M.md\">M.md</a></span></td>"), "{html}");
    }
}
