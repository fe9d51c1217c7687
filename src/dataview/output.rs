//! A [`QueryResult`] for the terminal: text (an aligned table), JSON (the §13 contract), markdown.

use super::ops;
use super::result::{QueryResult, TaskItem};
use crate::value::{json, Value};
use serde_json::json;

/// `dossier query --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Md,
}

fn matched_in_order<'a>(items: &'a [TaskItem], out: &mut Vec<&'a TaskItem>) {
    for t in items {
        if t.matched {
            out.push(t);
        }
        matched_in_order(&t.children, out);
    }
}

/// The contract JSON: `{"type", "headers", "rows"}` (§13).
pub fn to_json(result: &QueryResult) -> serde_json::Value {
    let rows = |rows: &[Vec<Value>]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|r| serde_json::Value::Array(r.iter().map(json::to_json).collect()))
            .collect()
    };
    match result {
        QueryResult::List { headers, rows: r } => {
            json!({"type": "list", "headers": headers, "rows": rows(r)})
        }
        QueryResult::Table { headers, rows: r } => {
            json!({"type": "table", "headers": headers, "rows": rows(r)})
        }
        QueryResult::Task { groups } => {
            let mut tasks = Vec::new();
            for g in groups {
                matched_in_order(&g.tasks, &mut tasks);
            }
            let rows: Vec<serde_json::Value> = tasks
                .iter()
                .map(|t| {
                    let fields: serde_json::Map<String, serde_json::Value> = t
                        .fields
                        .iter()
                        .map(|(k, v)| (k.clone(), json::to_json(v)))
                        .collect();
                    json!({
                        "path": crate::index::names::strip_md(&t.path),
                        "line": t.line,
                        "text": t.text,
                        "status": t.status.map(|c| c.to_string()),
                        "completed": t.completed,
                        "fields": fields,
                    })
                })
                .collect();
            json!({"type": "task", "headers": [], "rows": rows})
        }
        QueryResult::Calendar { entries } => {
            let rows: Vec<serde_json::Value> = entries
                .iter()
                .map(|(d, l)| serde_json::Value::Array(vec![json::to_json(l), json::to_json(d)]))
                .collect();
            json!({"type": "calendar", "headers": ["File", "Date"], "rows": rows})
        }
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Link(l) => crate::index::names::strip_md(&l.path).to_string(),
        Value::List(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Null => "-".into(),
        other => ops::to_string(other),
    }
}

fn md_cell(v: &Value) -> String {
    match v {
        Value::Link(_) => ops::to_string(v),
        Value::List(items) => items.iter().map(md_cell).collect::<Vec<_>>().join(", "),
        Value::Null => "-".into(),
        other => ops::to_string(other).replace('|', "\\|"),
    }
}

fn table_text(headers: &[String], rows: &[Vec<Value>]) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| -> String {
        row.iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![
        line(headers),
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    ];
    out.extend(cells.iter().map(|r| line(r)));
    out.push(format!(
        "({} {})",
        rows.len(),
        if rows.len() == 1 { "result" } else { "results" }
    ));
    out.join("\n")
}

fn tasks_text(items: &[TaskItem], depth: usize, md: bool, out: &mut Vec<String>) {
    for t in items {
        let status = t.status.map_or(String::from("-"), |c| format!("- [{c}]"));
        let source = if md {
            format!(" ([[{}]])", crate::index::names::strip_md(&t.path))
        } else {
            format!("  ({}:{})", t.path, t.line + 1)
        };
        // Markdown keeps a `^id` (Obsidian hides it when it renders); the terminal does not show it.
        let text = match md {
            true => t.text.as_str(),
            false => crate::vault::scan::strip_block_id(&t.text),
        };
        out.push(format!(
            "{}{status} {}{}",
            "    ".repeat(depth),
            text.replace('\n', " "),
            if depth == 0 { source } else { String::new() }
        ));
        tasks_text(&t.children, depth + 1, md, out);
    }
}

pub fn format(result: &QueryResult, format: Format) -> String {
    match format {
        Format::Json => to_json(result).to_string(),
        Format::Text => match result {
            QueryResult::List { headers, rows } | QueryResult::Table { headers, rows } => {
                table_text(headers, rows)
            }
            QueryResult::Task { groups } => {
                let mut out = Vec::new();
                for g in groups {
                    if let Some(k) = &g.key {
                        out.push(format!("## {}", cell(k)));
                    }
                    tasks_text(&g.tasks, 0, false, &mut out);
                }
                out.join("\n")
            }
            QueryResult::Calendar { entries } => {
                let rows: Vec<Vec<Value>> = entries
                    .iter()
                    .map(|(d, l)| vec![l.clone(), d.clone()])
                    .collect();
                table_text(&["File".into(), "Date".into()], &rows)
            }
        },
        Format::Md => match result {
            QueryResult::List { rows, .. } => rows
                .iter()
                .map(|r| format!("- {}", r.iter().map(md_cell).collect::<Vec<_>>().join(": ")))
                .collect::<Vec<_>>()
                .join("\n"),
            QueryResult::Table { headers, rows } => {
                let mut out = vec![
                    format!("| {} |", headers.join(" | ")),
                    format!("|{}", "---|".repeat(headers.len())),
                ];
                out.extend(rows.iter().map(|r| {
                    format!(
                        "| {} |",
                        r.iter().map(md_cell).collect::<Vec<_>>().join(" | ")
                    )
                }));
                out.join("\n")
            }
            QueryResult::Task { groups } => {
                let mut out = Vec::new();
                for g in groups {
                    if let Some(k) = &g.key {
                        out.push(format!("### {}", md_cell(k)));
                    }
                    tasks_text(&g.tasks, 0, true, &mut out);
                }
                out.join("\n")
            }
            QueryResult::Calendar { entries } => entries
                .iter()
                .map(|(d, l)| format!("- {}: {}", md_cell(d), md_cell(l)))
                .collect::<Vec<_>>()
                .join("\n"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{format, Format};
    use crate::dataview::result::{QueryResult, TaskGroup, TaskItem};

    /// `- [ ] Send SOW ^abc123`: the terminal shows the task without its block id, markdown keeps it
    /// (Obsidian hides it when it renders), JSON gives the text as parsed.
    #[test]
    fn task_text_in_the_terminal_has_no_block_id() {
        let result = QueryResult::Task {
            groups: vec![TaskGroup {
                key: None,
                tasks: vec![TaskItem {
                    path: "Deals/Acme.md".into(),
                    line: 4,
                    text: "Send SOW ^abc123".into(),
                    status: Some(' '),
                    completed: false,
                    fields: Default::default(),
                    matched: true,
                    children: Vec::new(),
                }],
            }],
        };
        assert_eq!(
            format(&result, Format::Text),
            "- [ ] Send SOW  (Deals/Acme.md:5)"
        );
        assert!(format(&result, Format::Md).contains("Send SOW ^abc123"));
        assert!(format(&result, Format::Json).contains("Send SOW ^abc123"));
    }
}
